//! What admins read in the review queue, in both languages.

use super::Lang::{self, En, Zh};

pub fn empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ 没有待审核的成员。",
        En => "✅ Nobody is waiting for review.",
    }
}

pub fn header(lang: Lang, waiting: i64, shown: usize) -> String {
    match lang {
        Zh => format!("待审核成员 {waiting} 人（按可疑分从高到低，显示 {shown} 人）："),
        En => format!("{waiting} members wait for review (highest score first, {shown} shown):"),
    }
}

/// One suspect: number, name, score, then the reasons joined.
pub fn row(lang: Lang, id: i64, name: &str, score: i64, reasons: &str) -> String {
    match lang {
        Zh => format!("\n#{id} {name} · {score} 分：{reasons}"),
        En => format!("\n#{id} {name} · score {score}: {reasons}"),
    }
}

pub fn howto(lang: Lang, buttons: bool) -> &'static str {
    match (lang, buttons) {
        (Zh, true) => {
            "\n点下方按钮，或发送 /keep <编号> 保留、/remove <编号> 移出并撤销邀请人的计数。"
        }
        (Zh, false) => "\n保留：/keep <编号>；移出并撤销邀请人的计数：/remove <编号>。",
        (En, true) => {
            "\nPress the buttons below, or send /keep <number> or /remove <number> (which also withdraws their inviter's credit)."
        }
        (En, false) => {
            "\nKeep with /keep <number>; remove (and withdraw their inviter's credit) with /remove <number>."
        }
    }
}

pub fn kept(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("✅ 已保留 {name}，以后不再询问。"),
        En => format!("✅ {name} stays and will not be asked about again."),
    }
}

pub fn removed(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("🚫 已将 {name} 移出本群（可凭新的邀请再次加入）。"),
        En => format!("🚫 {name} was removed from the group (a fresh invite can bring them back)."),
    }
}

/// After a removal: whose credit went, and their count now.
pub fn credit_withdrawn(lang: Lang, inviter: &str, count: i64) -> String {
    match lang {
        Zh => format!("\n邀请人 {inviter} 的这次邀请不再计数，现有有效邀请 {count} 人。"),
        En => format!(
            "\nTheir inviter {inviter} loses that credit and now has {count} effective invites."
        ),
    }
}

pub fn not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("没有待审核成员 #{id}；发送 /review 查看。"),
        En => format!("There is no suspect #{id} here; /review lists them."),
    }
}

pub fn decided(lang: Lang, id: i64, kept: bool) -> String {
    match (lang, kept) {
        (Zh, true) => format!("#{id} 已经审核过：已保留。"),
        (Zh, false) => format!("#{id} 已经审核过：已移出。"),
        (En, true) => format!("#{id} was reviewed already: kept."),
        (En, false) => format!("#{id} was reviewed already: removed."),
    }
}

pub fn cannot_remove(lang: Lang, right: &str) -> String {
    match lang {
        Zh => format!("无法移出该成员：请给我「{right}」权限。"),
        En => format!("I could not remove them: I need the “{right}” right."),
    }
}

pub fn keep_label(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("✅ 保留 #{id}"),
        En => format!("✅ Keep #{id}"),
    }
}

pub fn remove_label(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("🚫 移出 #{id}"),
        En => format!("🚫 Remove #{id}"),
    }
}
