//! What members read on the invite leaderboards, in both languages.

use crate::domain::Lang::{self, En, Zh};

pub fn top_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "🏆 有效邀请排行榜",
        En => "🏆 Effective invites leaderboard",
    }
}

pub fn top_all_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "🏆 所有群的有效邀请排行榜",
        En => "🏆 Effective invites across all your groups",
    }
}

pub fn top_empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "还没有人有有效邀请。发送 /invite 邀请好友，成为第一名！",
        En => "Nobody has an effective invite yet. Send /invite to bring friends and be the first!",
    }
}

/// `N. ` prefix and ` — K` suffix of one leaderboard row.
pub fn top_row_count(lang: Lang, count: i64) -> String {
    match lang {
        Zh => format!("：{count} 人"),
        En => format!(" — {count}"),
    }
}
