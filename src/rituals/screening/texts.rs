//! What admins read in the review queue, in both languages.

use super::rules::{Rules, RulesSource};
use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

pub fn empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ 没有待审核的成员。",
        En => "✅ Nobody is waiting for review.",
    }
}

pub fn header(lang: Lang, waiting: i64, shown: usize) -> String {
    match lang {
        Zh => format!("待审核成员 {waiting} 人（按可疑分从高到低，显示 {shown} 人）："),
        En => format!(
            "{} for review (highest score first, {shown} shown):",
            en_count(waiting, "member waits", "members wait")
        ),
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
            "\nTheir inviter {inviter} loses that credit and now has {}.",
            en_count(count, "effective invite", "effective invites")
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

/// A line of `/myinvites`: a credit withdrawn in the audit (by an admin or
/// automatic mode), and when.
pub fn history_withdrawn(lang: Lang, name: &str, day: &str) -> String {
    match lang {
        Zh => format!("\n不再计入：{name}（{day} 审核时被移出）"),
        En => format!("\nNo longer counted: {name} (removed in the audit on {day})"),
    }
}

/// A line of `/myinvites`: invitees an admin has not reviewed yet.
pub fn invitees_waiting(lang: Lang, waiting: i64) -> String {
    match lang {
        Zh => format!("\n你邀请的成员中有 {waiting} 人待管理员审核。"),
        En if waiting == 1 => {
            "\n1 of the people you invited waits for an admin's review.".to_owned()
        }
        En => format!("\n{waiting} of the people you invited wait for an admin's review."),
    }
}

/// The daily report of automatic mode, to the group's operator.
/// Why a member was taken out, where the platform shows a reason (Matrix
/// shows it to the member and in the room's timeline).
pub fn removal_reason(lang: Lang, automatic: bool) -> &'static str {
    match (lang, automatic) {
        (Lang::En, false) => "Removed after review",
        (Lang::En, true) => "Removed by the group's newcomer screening",
        (Lang::Zh, false) => "审核后移出",
        (Lang::Zh, true) => "被本群的新成员筛查移出",
    }
}

pub fn report_header(lang: Lang, group: &str, removed: usize, mark: u32) -> String {
    match lang {
        Zh => format!("🛡 「{group}」过去一天自动移出 {removed} 人（可疑分 ≥ {mark}）："),
        En => format!(
            "🛡 In “{group}”, automatic mode removed {} in the last day (score {mark} or more):",
            en_count(removed, "newcomer", "newcomers")
        ),
    }
}

pub fn report_row(lang: Lang, name: &str, score: i64, reasons: &str) -> String {
    match lang {
        Zh => format!("\n· {name}（{score} 分：{reasons}）"),
        En => format!("\n· {name} ({score}: {reasons})"),
    }
}

pub fn report_more(lang: Lang, more: usize) -> String {
    match lang {
        Zh => format!("\n……另有 {more} 人"),
        En => format!("\n… and {more} more"),
    }
}

pub fn report_footer(lang: Lang, waiting: i64) -> String {
    match lang {
        Zh => format!("\n他们的邀请人已不再计入。另有 {waiting} 人待审核（群里发送 /review）。"),
        En => format!(
            "\nTheir inviters no longer count them. {} for review (/review in the group).",
            en_count(waiting, "more waits", "more wait")
        ),
    }
}

pub fn rules_saved(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ 已保存。",
        En => "✅ Saved. ",
    }
}

pub fn rules_refused(lang: Lang, why: &str) -> String {
    match lang {
        Zh => format!("未保存，规则有误：{why}"),
        En => format!("Not saved: {why}"),
    }
}

/// The rules in force, where they come from, and how to change them.
pub fn rules(lang: Lang, source: RulesSource, r: &Rules) -> String {
    let (threshold, auto, new_ids, raid) = (
        r.threshold,
        r.auto_remove,
        r.new_account_above,
        r.raid_joins,
    );
    let markers = r.markers.join(" ");
    let from = match (lang, source) {
        (Zh, RulesSource::Group) => "本群设置",
        (Zh, RulesSource::Operator) => "运营者的规则文件",
        (Zh, RulesSource::Defaults) => "默认规则",
        (En, RulesSource::Group) => "set for this group",
        (En, RulesSource::Operator) => "the operator's rules file",
        (En, RulesSource::Defaults) => "the defaults",
    };
    match lang {
        Zh => format!(
            "新成员筛查规则（{from}）：\n· 可疑分 ≥ {threshold} 进入待审核\n· 自动移出：{}\n· 新账号（Telegram id 大于）：{}\n· 防刷屏：{}\n· 营销词：{markers}\n修改：/screening threshold|auto|newids|raid|words …，恢复：/screening reset",
            auto.map_or("关闭".to_owned(), |a| format!("可疑分 ≥ {a}")),
            new_ids.map_or("关闭".to_owned(), |i| i.to_string()),
            if raid == 0 {
                "关闭".to_owned()
            } else {
                format!("每分钟入群 ≥ {raid} 人时开启")
            },
        ),
        En => format!(
            "Screening newcomers ({from}):\n· review at score {threshold} or more\n· automatic removal: {}\n· new accounts (Telegram ids above): {}\n· raid mode: {}\n· marketing words: {markers}\nChange with /screening threshold|auto|newids|raid|words …; go back with /screening reset.",
            auto.map_or("off".to_owned(), |a| format!("at score {a} or more")),
            new_ids.map_or("off".to_owned(), |i| i.to_string()),
            if raid == 0 {
                "off".to_owned()
            } else {
                format!("at {raid} joins a minute")
            },
        ),
    }
}

/// Raid mode begins: told in the group and to its operator.
pub fn raid_started(lang: Lang, group: &str, joins: i64) -> String {
    match lang {
        Zh => format!(
            "⚠️ 「{group}」一分钟内有 {joins} 人入群，已开启防刷屏模式：欢迎语合并为汇总，新成员筛查更严格。入群放缓十分钟后自动结束。"
        ),
        En => format!(
            "⚠️ {} “{group}” within a minute: raid mode is on. Greetings are summed up and screening is stricter; it ends by itself after ten quiet minutes.",
            en_count(joins, "person joined", "people joined")
        ),
    }
}

/// Raid mode ends by itself.
pub fn raid_ended(lang: Lang, joins: i64, waiting: i64) -> String {
    match lang {
        Zh => {
            format!("✅ 防刷屏模式已结束：期间共 {joins} 人入群，{waiting} 人待审核（/review）。")
        }
        En => format!(
            "✅ Raid mode is over: {} during it; {} for review (/review).",
            en_count(joins, "person joined", "people joined"),
            en_count(waiting, "waits", "wait")
        ),
    }
}

/// The one greeting for everyone who joined during a raid interval.
pub fn raid_summary(lang: Lang, newcomers: usize) -> String {
    match lang {
        Zh => format!("👋 欢迎刚刚入群的 {newcomers} 位新朋友！请先看置顶的群规。"),
        En => format!(
            "👋 Welcome to the {} who just joined! Please read the pinned rules first.",
            en_count(newcomers, "person", "people")
        ),
    }
}
