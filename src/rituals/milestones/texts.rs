//! What admins and members read about milestones.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

pub fn list_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "🏅 本群里程碑（有效邀请人数，需通过审核）：",
        En => "🏅 Milestones here (effective invites, after review):",
    }
}

pub fn list_row(lang: Lang, invites: i64, pool: Option<&str>, reached: usize) -> String {
    match (lang, pool) {
        (Zh, Some(pool)) => format!("\n· {invites} 人：券池 {pool} + 证书，已达成 {reached} 人"),
        (Zh, None) => format!("\n· {invites} 人：证书，已达成 {reached} 人"),
        (En, Some(pool)) => {
            format!("\n· {invites}: a code from {pool} and a certificate; reached by {reached}")
        }
        (En, None) => format!("\n· {invites}: a certificate; reached by {reached}"),
    }
}

pub fn none(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "本群还没有里程碑；/milestone add 30 gift 设置：有效邀请满 30 人发放 gift 券池的券和证书。"
        }
        En => {
            "No milestones here yet; /milestone add 30 gift sets one: at 30 effective invites, a code from the gift pool and a certificate."
        }
    }
}

pub fn set(lang: Lang, invites: u32, pool: Option<&str>, new: bool) -> String {
    let verb = match (lang, new) {
        (Zh, true) => "已设置",
        (Zh, false) => "已更新",
        (En, true) => "set",
        (En, false) => "updated",
    };
    match (lang, pool) {
        (Zh, Some(pool)) => format!(
            "🏅 里程碑{verb}：有效邀请满 {invites} 人（且其邀请的成员均已审核）时，在群里祝贺，发放券池 {pool} 的一张券和一张证书。"
        ),
        (Zh, None) => format!(
            "🏅 里程碑{verb}：有效邀请满 {invites} 人（且其邀请的成员均已审核）时，在群里祝贺并发放一张证书。"
        ),
        (En, Some(pool)) => format!(
            "🏅 Milestone {verb}: at {} (with none of their invitees waiting for review) a member is congratulated here and gets a code from {pool} and a certificate.",
            en_count(invites, "effective invite", "effective invites")
        ),
        (En, None) => format!(
            "🏅 Milestone {verb}: at {} (with none of their invitees waiting for review) a member is congratulated here and gets a certificate.",
            en_count(invites, "effective invite", "effective invites")
        ),
    }
}

pub fn removed(lang: Lang, invites: u32) -> String {
    match lang {
        Zh => format!("已删除 {invites} 人的里程碑；已发放的奖励保留。"),
        En => format!("The milestone at {invites} is gone; awards already made stay."),
    }
}

pub fn not_found(lang: Lang, invites: u32) -> String {
    match lang {
        Zh => format!("本群没有 {invites} 人的里程碑；/milestone 查看。"),
        En => format!("There is no milestone at {invites} here; /milestone lists them."),
    }
}

pub fn no_pool(lang: Lang, pool: &str) -> String {
    match lang {
        Zh => format!("没有名为 {pool} 的券池；先私聊发给我一个 CSV 导入券码。"),
        En => format!(
            "There is no coupon pool named {pool}; send me a CSV of its codes in private first."
        ),
    }
}

/// Follows the member's mention in the group.
pub fn reached(lang: Lang, invites: i64) -> String {
    match lang {
        Zh => format!(" 有效邀请达到 {invites} 人，恭喜！🎉"),
        En => format!(
            " reached {}, congratulations! 🎉",
            en_count(invites, "effective invite", "effective invites")
        ),
    }
}

pub fn certificate_follows(lang: Lang) -> &'static str {
    match lang {
        Zh => " 证书如下，凭它领奖。",
        En => " Your certificate follows; show it to claim your prize.",
    }
}

pub fn caption(lang: Lang, serial: &str, name: &str, invites: i64) -> String {
    match lang {
        Zh => format!("🏅 证书 No.{serial} · {name} · 有效邀请 {invites} 人"),
        En => format!(
            "🏅 Certificate No. {serial} · {name} · {}",
            en_count(invites, "effective invite", "effective invites")
        ),
    }
}

pub fn prize(lang: Lang, invites: i64) -> String {
    match lang {
        Zh => format!("邀请满 {invites} 人奖励"),
        En => format!("reward for {}", en_count(invites, "invite", "invites")),
    }
}
