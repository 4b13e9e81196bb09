//! What members read about "the Nth reply wins", in both languages.

use super::rules::Rule;
use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

/// The prompt. `ends` is the deadline in the group's local time.
pub fn opened(lang: Lang, id: i64, rule: Rule, ends: &str) -> String {
    match (lang, rule) {
        (En, Rule::Nth(n)) => format!(
            " started game #{id}: the {} reply to this message wins! Replies count until {ends}, one per member.",
            ordinal(n)
        ),
        (En, Rule::Every(m)) => format!(
            " started game #{id}: every {} reply to this message wins! Replies count until {ends}, one per member.",
            ordinal(m)
        ),
        (Zh, Rule::Nth(n)) => format!(
            " 发起了活动 #{id}：回复本条消息的第 {n} 位中奖！{ends} 前的回复有效，每人计一次。"
        ),
        (Zh, Rule::Every(m)) => format!(
            " 发起了活动 #{id}：回复本条消息的每第 {m} 位中奖！{ends} 前的回复有效，每人计一次。"
        ),
    }
}

pub fn prize(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("\n奖品：{prize}"),
        En => format!("\nPrize: {prize}"),
    }
}

pub fn results(lang: Lang, id: i64, replies: u64) -> String {
    match lang {
        Zh => format!("🎯 活动 #{id} 结束：共 {replies} 人回复。"),
        En => format!(
            "🎯 Game #{id} is over: {} replied.",
            en_count(replies, "member", "members")
        ),
    }
}

pub fn winner(lang: Lang, position: u64) -> String {
    match lang {
        Zh => format!("\n第 {} 位：", position + 1),
        En => format!("\n{} reply: ", ordinal(position as u32 + 1)),
    }
}

pub fn no_winner(lang: Lang, rule: Rule) -> String {
    let n = match rule {
        Rule::Nth(n) | Rule::Every(n) => n,
    };
    match lang {
        Zh => format!("\n回复不足 {n} 人，本次没有中奖者。"),
        En => format!(
            "\nFewer than {}: nobody wins this time.",
            en_count(n, "reply", "replies")
        ),
    }
}

pub fn not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("本群没有回复活动 #{id}；发送 /draws 查看。"),
        En => format!("This group has no reply game #{id}; /draws lists them."),
    }
}

pub fn already_closed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("活动 #{id} 已经结束了。"),
        En => format!("Game #{id} has already ended."),
    }
}

/// One line of `/draws`.
pub fn draws_row(lang: Lang, id: i64, replies: i64, open: bool) -> String {
    match (lang, open) {
        (Zh, true) => format!("\n#{id} 🎯 第 N 位回复 · {replies} 人 · 进行中"),
        (Zh, false) => format!("\n#{id} 🎯 第 N 位回复 · {replies} 人 · 已结束"),
        (En, open) => format!(
            "\n#{id} 🎯 Nth reply · {} · {}",
            en_count(replies, "reply", "replies"),
            if open { "open" } else { "ended" }
        ),
    }
}

/// 1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st…
fn ordinal(n: u32) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_english() {
        let got: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 102, 111]
            .into_iter()
            .map(ordinal)
            .collect();
        assert_eq!(
            got,
            [
                "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th"
            ]
        );
    }
}
