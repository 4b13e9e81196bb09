//! What members and admins read about greetings and invites, in both
//! languages.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

/// Variables a welcome template may use.
pub const WELCOME_VARS: &[&str] = &["newcomer", "inviter", "count", "rank", "group"];

/// The welcome template a group starts with; rendered once per inviter line.
pub fn default_welcome(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "👋 欢迎 {{newcomer}} 加入 {{group}}！{{#inviter}}感谢 {{inviter}} 的邀请，当前有效邀请 {{count}} 人，排名第 {{rank}}。{{/inviter}}"
        }
        En => {
            "👋 Welcome {{newcomer}} to {{group}}!{{#inviter}} Thanks to {{inviter}} (effective invites: {{count}}, rank #{{rank}}).{{/inviter}}"
        }
    }
}

/// Closing line of every greeting message.
pub fn welcome_footer(lang: Lang) -> &'static str {
    match lang {
        Zh => "发送 /invite 邀请好友，冲榜赢奖励！",
        En => "Send /invite to bring friends and climb the leaderboard!",
    }
}

pub fn invite_link_intro(lang: Lang) -> &'static str {
    match lang {
        Zh => "，这是你的专属邀请链接，通过它入群的好友都会记在你名下：\n",
        En => ", here is your own invite link; everyone who joins through it counts for you:\n",
    }
}

pub fn invite_howto_without_links(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "，在这里请直接用你的客户端邀请好友进群（房间成员列表 → 邀请）；他们加入后会记在你名下。"
        }
        En => {
            ", here you invite friends from your client (room members → Invite); when they join, they count for you."
        }
    }
}

pub fn my_invites(lang: Lang, count: i64, rank: Option<usize>) -> String {
    match (lang, rank) {
        (Zh, Some(r)) => format!("，你的有效邀请：{count} 人，排名第 {r}。"),
        (En, Some(r)) => format!(
            ", you have {}, rank #{r}.",
            en_count(count, "effective invite", "effective invites")
        ),
        (Zh, None) => "，你还没有有效邀请。发送 /invite 邀请好友。".to_owned(),
        (En, None) => {
            ", you have no effective invites yet. Send /invite to bring friends.".to_owned()
        }
    }
}

pub fn welcome_current(lang: Lang) -> &'static str {
    match lang {
        Zh => "当前欢迎模板：\n",
        En => "Current welcome template:\n",
    }
}

pub fn welcome_howto(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "\n\n修改：/setwelcome <模板>。可用变量：{{newcomer}} 新成员，{{inviter}} 邀请人，{{count}} 邀请人的有效邀请数，{{rank}} 排名，{{group}} 群名；{{#inviter}}…{{/inviter}} 之间的内容只在有邀请人时显示。"
        }
        En => {
            "\n\nChange it with /setwelcome <template>. Variables: {{newcomer}} the newcomer(s), {{inviter}} their inviter, {{count}} the inviter's effective invites, {{rank}} their rank, {{group}} the group title; text between {{#inviter}} and {{/inviter}} shows only when there is an inviter."
        }
    }
}

pub fn welcome_saved_preview(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ 欢迎模板已保存。预览：\n",
        En => "✅ Welcome template saved. Preview:\n",
    }
}

pub fn welcome_rejected(lang: Lang) -> &'static str {
    match lang {
        Zh => "❌ 模板有误，原模板保持不变：",
        En => "❌ That template has a mistake, the old one stays: ",
    }
}

/// Sample names shown in a template preview.
pub fn preview_names(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Zh => ("小明", "小红"),
        En => ("Alex", "Sam"),
    }
}

/// A pace as read: "45 s", "5 min", "1 min 30 s".
pub fn pace_words(lang: Lang, secs: u32) -> String {
    let (min, s) = (secs / 60, secs % 60);
    match (lang, min, s) {
        (Zh, 0, s) => format!("{s} 秒"),
        (Zh, m, 0) => format!("{m} 分钟"),
        (Zh, m, s) => format!("{m} 分 {s} 秒"),
        (En, 0, s) => format!("{s} s"),
        (En, m, 0) => format!("{m} min"),
        (En, m, s) => format!("{m} min {s} s"),
    }
}

/// The group's pace; `default` when it follows the bot's.
pub fn pace_now(lang: Lang, secs: u32, default: bool) -> String {
    let pace = pace_words(lang, secs);
    match (lang, secs, default) {
        (Zh, 0, false) => "⏱ 本群每位新成员一到就欢迎。".to_owned(),
        (Zh, 0, true) => "⏱ 本群每位新成员一到就欢迎（机器人默认）。".to_owned(),
        (Zh, _, false) => format!("⏱ 本群每 {pace} 最多一条欢迎消息，其间到来的新成员一起欢迎。"),
        (Zh, _, true) => {
            format!("⏱ 本群每 {pace} 最多一条欢迎消息（机器人默认），其间到来的新成员一起欢迎。")
        }
        (En, 0, false) => "⏱ Each newcomer here is welcomed as they arrive.".to_owned(),
        (En, 0, true) => {
            "⏱ Each newcomer here is welcomed as they arrive (the bot's default).".to_owned()
        }
        (En, _, false) => format!(
            "⏱ At most one welcome message every {pace} here; newcomers who arrive in between are welcomed together."
        ),
        (En, _, true) => format!(
            "⏱ At most one welcome message every {pace} here (the bot's default); newcomers who arrive in between are welcomed together."
        ),
    }
}

pub fn pace_howto(lang: Lang) -> String {
    let max = super::pace::MAX_PACE_SECS / 60;
    match lang {
        Zh => format!(
            "\n更改：/welcomepace <秒数>（0 到 {max} 分钟，如 30 或 5m；0 表示每人单独欢迎），/welcomepace default 恢复默认。"
        ),
        En => format!(
            "\nChange it with /welcomepace <seconds> (0 to {max} min, e.g. 30 or 5m; 0 welcomes each newcomer on their own), or /welcomepace default."
        ),
    }
}

/// A pace saved; `default` when the group went back to the bot's.
pub fn pace_set(lang: Lang, secs: u32, default: bool) -> String {
    let now = pace_now(lang, secs, default);
    match lang {
        Zh => format!("✅ 已保存。{now}"),
        En => format!("✅ Saved. {now}"),
    }
}

/// `/welcomepace` typed wrong.
pub fn pace_usage(lang: Lang) -> String {
    let max = super::pace::MAX_PACE_SECS / 60;
    match lang {
        Zh => format!(
            "用法：/welcomepace <秒数>（0 到 {max} 分钟，如 30、90s 或 5m），或 /welcomepace default。"
        ),
        En => format!(
            "Use /welcomepace <seconds> (0 to {max} min, e.g. 30, 90s or 5m), or /welcomepace default."
        ),
    }
}
