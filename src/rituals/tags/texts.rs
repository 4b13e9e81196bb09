//! What admins, operators and members read about tags and broadcasts.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

pub fn tagged(lang: Lang, name: &str, tag: &str) -> String {
    match lang {
        Zh => format!("🏷 已给 {name} 加上标签 {tag}。"),
        En => format!("🏷 {name} is tagged {tag}."),
    }
}

pub fn already_tagged(lang: Lang, name: &str, tag: &str) -> String {
    match lang {
        Zh => format!("{name} 已有标签 {tag}。"),
        En => format!("{name} is already tagged {tag}."),
    }
}

pub fn untagged(lang: Lang, name: &str, tag: &str) -> String {
    match lang {
        Zh => format!("已移除 {name} 的标签 {tag}。"),
        En => format!("{name} is no longer tagged {tag}."),
    }
}

pub fn not_tagged(lang: Lang, name: &str, tag: &str) -> String {
    match lang {
        Zh => format!("{name} 没有标签 {tag}。"),
        En => format!("{name} is not tagged {tag}."),
    }
}

pub fn tags_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "🏷 本群标签（人数）：",
        En => "🏷 Tags here (members):",
    }
}

pub fn tags_none(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "还没有成员带标签。/tag <成员> <标签> 手动添加；中奖、持券、邀请前十、渠道和活动标签会自动出现。"
        }
        En => {
            "No member carries a tag yet. /tag <member> <tag> gives one; winner, coupon, top, channel and campaign tags appear by themselves."
        }
    }
}

pub fn tags_of(lang: Lang, name: &str, tags: &str) -> String {
    match lang {
        Zh => format!("🏷 {name} 的标签：{tags}"),
        En => format!("🏷 {name}'s tags: {tags}"),
    }
}

pub fn tags_of_none(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("{name} 还没有标签。"),
        En => format!("{name} carries no tag."),
    }
}

pub fn manual_mark(lang: Lang) -> &'static str {
    match lang {
        Zh => "（手动）",
        En => " (by hand)",
    }
}

/// The reply to `/broadcast`: how many it will reach, and how many it cannot.
pub fn broadcast_queued(
    lang: Lang,
    id: i64,
    segment: &str,
    reachable: usize,
    unreachable: usize,
) -> String {
    match lang {
        Zh => format!(
            "📣 群发 #{id}（{segment}）：将私信 {reachable} 人，约每秒数条，发完后在这里报告结果。另有 {unreachable} 人未私聊启动机器人或已退订，不会收到。"
        ),
        En => format!(
            "📣 Broadcast #{id} ({segment}): sending to {}, a few a second; I will report here when it is done. {unreachable} more never started the bot in private or opted out, and will not get it.",
            en_count(reachable, "member", "members")
        ),
    }
}

pub fn broadcast_nobody(lang: Lang, segment: &str, unreachable: usize) -> String {
    match lang {
        Zh => format!(
            "{segment} 里没有可以私信的成员（{unreachable} 人未私聊启动机器人或已退订）；什么也没有发送。"
        ),
        En => format!(
            "Nobody in {segment} can be reached in private ({unreachable} never started the bot or opted out); nothing was sent."
        ),
    }
}

pub fn broadcast_report(
    lang: Lang,
    id: i64,
    segment: &str,
    sent: i64,
    failed: i64,
    stopped: i64,
) -> String {
    match lang {
        Zh => format!(
            "📣 群发 #{id}（{segment}）已完成：成功 {sent}，失败 {failed}（多为已屏蔽机器人），发送途中退订 {stopped}。"
        ),
        En => format!(
            "📣 Broadcast #{id} ({segment}) is done: {sent} sent, {failed} failed (mostly members who blocked the bot), {stopped} opted out meanwhile."
        ),
    }
}

/// The line under every broadcast, so a member always knows how to stop them.
pub fn broadcast_footer(lang: Lang, from: &str) -> String {
    match lang {
        Zh => format!("\n\n—— 来自「{from}」· 发送 /stop 不再接收此类消息"),
        En => format!("\n\n— from “{from}” · send /stop to get no more of these"),
    }
}

pub fn stopped(lang: Lang) -> &'static str {
    match lang {
        Zh => "好的，你不会再收到群发消息。券码和你自己要的回复照常。想再接收时发送 /start。",
        En => {
            "Done: you will get no more broadcasts. Your codes and answers to your own requests still come. Send /start to receive broadcasts again."
        }
    }
}

pub fn resumed(lang: Lang) -> &'static str {
    match lang {
        Zh => "你会重新收到群发消息；发送 /stop 可随时退订。",
        En => "You will receive broadcasts again; send /stop at any time to opt out.",
    }
}

pub fn stop_in_private(lang: Lang) -> &'static str {
    match lang {
        Zh => "请在和我的私聊里发送 /stop。",
        En => "Send /stop to me in a private chat.",
    }
}
