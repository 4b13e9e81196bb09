//! What admins read about confirmations of a post, in both languages.

use crate::domain::Lang::{self, En, Zh};

pub fn acks_summary(lang: Lang, id: i64, count: usize, share: Option<u64>) -> String {
    let share = share.map(|p| format!(" ({p}%)")).unwrap_or_default();
    match lang {
        Zh => format!("✋ 定时 #{id} 最新一期：{count} 人确认{share}"),
        En => format!("✋ Schedule #{id}, latest post: {count} confirmed{share}"),
    }
}

pub fn acks_not_asked(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("定时 #{id} 没有设置确认口令（--confirm），或还没有发送过。"),
        En => {
            format!("Schedule #{id} asks for no confirmation (--confirm), or has not posted yet.")
        }
    }
}

pub fn and_more(lang: Lang, n: usize) -> String {
    match lang {
        Zh => format!(" 等另外 {n} 人"),
        En => format!(" and {n} more"),
    }
}
