//! What members read about giveaways, in both languages.

use super::rules::{Requirements, Unmet};
use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

/// The emoji members react with on Matrix, to join and, once drawn, to claim.
pub const GIVEAWAY_REACTION: &str = "🎉";

pub fn join_label(lang: Lang) -> &'static str {
    match lang {
        Zh => "🎉 参与抽奖",
        En => "🎉 Join",
    }
}

pub fn claim_label(lang: Lang) -> &'static str {
    match lang {
        Zh => "🎁 领奖",
        En => "🎁 Claim",
    }
}

/// The announcement's first line, after the admin's name; `ends` is the end
/// time in the group's local time.
pub fn opened(lang: Lang, id: i64, winners: u32, ends: &str) -> String {
    match lang {
        Zh => format!(" 发起了抽奖 #{id}：{ends} 开奖，抽出 {winners} 位中奖者。"),
        En => format!(
            " started giveaway #{id}: {} drawn at {ends}.",
            en_count(winners, "winner", "winners")
        ),
    }
}

pub fn prize(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("\n奖品：{prize}"),
        En => format!("\nPrize: {prize}"),
    }
}

/// Who may join, when the giveaway asks for something.
pub fn requirements(lang: Lang, req: &Requirements) -> String {
    let mut parts = Vec::new();
    if let Some(h) = req.min_hours {
        parts.push(match lang {
            Zh => format!("入群满 {h} 小时"),
            En => format!("in the group for at least {}", en_count(h, "hour", "hours")),
        });
    }
    if let Some(k) = req.min_invites {
        parts.push(match lang {
            Zh => format!("有效邀请至少 {k} 人"),
            En => format!(
                "at least {}",
                en_count(k, "effective invite", "effective invites")
            ),
        });
    }
    if req.audited {
        parts.push(match lang {
            Zh => "邀请的成员均已通过审核".to_owned(),
            En => "everyone they invited has been reviewed".to_owned(),
        });
    }
    match lang {
        Zh => format!("\n参与条件：{}", parts.join("，")),
        En => format!("\nWho can join: {}", parts.join(", ")),
    }
}

pub fn howto(lang: Lang, buttons: bool) -> String {
    match (lang, buttons) {
        (Zh, true) => "\n点下方「🎉 参与抽奖」参加，每人一次。".to_owned(),
        (En, true) => "\nPress “🎉 Join” below to take part; once each.".to_owned(),
        (Zh, false) => format!("\n用 {GIVEAWAY_REACTION} 回应本消息参加，每人一次。"),
        (En, false) => format!("\nReact with {GIVEAWAY_REACTION} to this message to take part."),
    }
}

/// What the member alone sees (a toast; on Matrix only refusals are said).
pub fn joined(lang: Lang, count: i64) -> String {
    match lang {
        Zh => format!("🎉 你已参与抽奖，是第 {count} 位。祝你好运！"),
        En => format!("🎉 You're in: entry number {count}. Good luck!"),
    }
}

pub fn joined_already(lang: Lang) -> &'static str {
    match lang {
        Zh => "你已经参与过这次抽奖了，等待开奖吧。",
        En => "You have already joined this giveaway; wait for the draw.",
    }
}

pub fn unmet(lang: Lang, unmet: Unmet) -> String {
    match (lang, unmet) {
        (Zh, Unmet::Hours { need, have }) => {
            format!("抱歉，本次抽奖要求入群满 {need} 小时，你目前 {have} 小时。")
        }
        (En, Unmet::Hours { need, have }) => format!(
            "Sorry, this giveaway is for members of at least {}; you have been a member for {have} h.",
            en_count(need, "hour", "hours")
        ),
        (Zh, Unmet::Invites { need, have }) => {
            format!("抱歉，本次抽奖要求有效邀请至少 {need} 人，你目前 {have} 人。")
        }
        (En, Unmet::Invites { need, have }) => format!(
            "Sorry, this giveaway needs at least {}; you have {have}.",
            en_count(need, "effective invite", "effective invites")
        ),
        (Zh, Unmet::Audit { waiting }) => {
            format!(
                "抱歉，本次抽奖要求你邀请的成员均已通过审核，目前还有 {waiting} 人待管理员审核。"
            )
        }
        (En, Unmet::Audit { waiting: 1 }) => {
            "Sorry, this giveaway waits until everyone you invited has been reviewed; 1 of them still waits for an admin.".to_owned()
        }
        (En, Unmet::Audit { waiting }) => format!(
            "Sorry, this giveaway waits until everyone you invited has been reviewed; {waiting} of them still wait for an admin."
        ),
    }
}

pub fn not_a_member(lang: Lang) -> &'static str {
    match lang {
        Zh => "只有本群成员可以参与抽奖。",
        En => "Only members of this group can join the giveaway.",
    }
}

pub fn not_open(lang: Lang) -> &'static str {
    match lang {
        Zh => "抽奖已截止，正在开奖。",
        En => "The giveaway has ended; the draw is on its way.",
    }
}

pub fn results(lang: Lang, id: i64, entries: usize) -> String {
    match lang {
        Zh => format!("🎉 抽奖 #{id} 开奖：共 {entries} 人参与。"),
        En => format!("🎉 Giveaway #{id} is drawn: {entries} took part."),
    }
}

pub fn no_entries(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n没有人参与，本次无人中奖。",
        En => "\nNobody took part, so nobody wins.",
    }
}

pub fn winners_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n中奖者：",
        En => "\nWinners: ",
    }
}

pub fn rerolled(lang: Lang, id: i64, replaced: usize) -> String {
    match lang {
        Zh => format!("🔁 抽奖 #{id} 重抽：{replaced} 位未领奖，新的中奖者："),
        En => format!("🔁 Giveaway #{id} rerolled: {replaced} did not claim. New winners: "),
    }
}

pub fn nobody_left(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n没有更多的参与者可抽了。",
        En => "\nNo one else is left to draw.",
    }
}

pub fn claim_howto(lang: Lang, buttons: bool) -> String {
    match (lang, buttons) {
        (Zh, true) => "\n中奖者请点下方「🎁 领奖」。".to_owned(),
        (En, true) => "\nWinners: press “🎁 Claim” below.".to_owned(),
        (Zh, false) => format!("\n中奖者请用 {GIVEAWAY_REACTION} 回应本消息领奖。"),
        (En, false) => {
            format!("\nWinners: react with {GIVEAWAY_REACTION} to this message to claim.")
        }
    }
}

pub fn claimed(lang: Lang, prize: Option<&str>) -> String {
    match (lang, prize) {
        (Zh, Some(p)) => format!("🎁 领奖成功：{p}！"),
        (Zh, None) => "🎁 领奖成功！".to_owned(),
        (En, Some(p)) => format!("🎁 Claimed: {p}!"),
        (En, None) => "🎁 Claimed!".to_owned(),
    }
}

pub fn claimed_already(lang: Lang) -> &'static str {
    match lang {
        Zh => "你已经领过奖了。",
        En => "You have claimed your prize already.",
    }
}

pub fn replaced(lang: Lang) -> &'static str {
    match lang {
        Zh => "抱歉，领奖时间已过，奖品已重新抽出。",
        En => "Sorry, the prize was redrawn because it was not claimed in time.",
    }
}

pub fn not_a_winner(lang: Lang) -> &'static str {
    match lang {
        Zh => "这次没有中奖，下次好运！",
        En => "No win this time; better luck next time!",
    }
}

pub fn not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("本群没有抽奖 #{id}；发送 /draws 查看。"),
        En => format!("This group has no giveaway #{id}; /draws lists them."),
    }
}

pub fn already_closed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("抽奖 #{id} 已经开过奖了；可用 /reroll {id} 重抽未领奖者。"),
        En => format!(
            "Giveaway #{id} is drawn already; /reroll {id} replaces winners who did not claim."
        ),
    }
}

pub fn still_open(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("抽奖 #{id} 还没开奖；可用 /giveaway close {id} 立即开奖。"),
        En => format!("Giveaway #{id} is not drawn yet; /giveaway close {id} draws it now."),
    }
}

pub fn all_claimed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("抽奖 #{id} 的中奖者都已领奖，无需重抽。"),
        En => format!("Every winner of giveaway #{id} has claimed; nothing to reroll."),
    }
}

/// One line of `/draws` for a giveaway.
pub fn draws_row(lang: Lang, id: i64, entries: i64, open: bool) -> String {
    match (lang, open) {
        (Zh, true) => format!("\n#{id} 🎉 抽奖 · {entries} 人参与 · 进行中"),
        (Zh, false) => format!("\n#{id} 🎉 抽奖 · {entries} 人参与 · 已开奖"),
        (En, open) => format!(
            "\n#{id} 🎉 giveaway · {} · {}",
            en_count(entries, "entry", "entries"),
            if open { "open" } else { "drawn" }
        ),
    }
}

/// Who won and who claimed, under a drawn giveaway's `/draws` line.
pub fn draws_winners(lang: Lang, names: &str, claimed: usize, standing: usize) -> String {
    match lang {
        Zh => format!("\n   中奖：{names}（已领 {claimed}/{standing}）"),
        En => format!("\n   won: {names} ({claimed}/{standing} claimed)"),
    }
}
