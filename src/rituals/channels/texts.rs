//! What operators, admins and visitors read about channels and live codes.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Zh => zh,
        En => en,
    }
}

pub fn link_made(lang: Lang, name: &str, url: &str) -> String {
    match lang {
        Zh => format!(
            "🔗 渠道「{name}」的链接：{url}\n通过它入群的成员都记在这个渠道下；/channels 查看。"
        ),
        En => format!(
            "🔗 Channel “{name}”: {url}\nEveryone who joins through it is counted for the channel; /channels shows them."
        ),
    }
}

pub fn name_taken(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("渠道名「{name}」已被占用；请换一个名字。"),
        En => format!("The channel name “{name}” is taken; pick another."),
    }
}

pub fn no_set(lang: Lang, set: &str) -> String {
    match lang {
        Zh => format!("你没有名为 {set} 的群组；先用 /groupset save {set} <群> … 保存。"),
        En => format!(
            "You have no group set named {set}; save one with /groupset save {set} <groups> … first."
        ),
    }
}

pub fn live_made(lang: Lang, name: &str, url: &str, set: &str, cap: u32) -> String {
    match lang {
        Zh => format!(
            "🔗 群活码「{name}」：{url}\n每位访客会收到一个一次性链接，进入群组 {set} 中第一个未满 {cap} 人的群；全部满员时会通知你。"
        ),
        En => format!(
            "🔗 Live code “{name}”: {url}\nEach visitor gets a single-use link into the first group of set {set} with fewer than {}; you are told when all are full.",
            en_count(cap, "member", "members")
        ),
    }
}

pub fn live_gone(lang: Lang) -> &'static str {
    t(
        lang,
        "这个入群链接已经停用了。",
        "This entry link is no longer in use.",
    )
}

pub fn live_link(lang: Lang, title: &str, url: &str) -> String {
    match lang {
        Zh => format!("欢迎！点这里加入「{title}」：{url}\n链接仅供你本人使用一次。"),
        En => {
            format!("Welcome! Join “{title}” here: {url}\nThe link lets one person in, once: you.")
        }
    }
}

pub fn live_full(lang: Lang) -> &'static str {
    t(
        lang,
        "所有群暂时都满员了，我们已通知群主开新群，请稍后再来试试。",
        "Every group is full right now; the organiser has been told to open a new one. Please try again later.",
    )
}

pub fn live_unavailable(lang: Lang) -> &'static str {
    t(
        lang,
        "暂时无法生成入群链接，请稍后再试。",
        "I could not make a link just now; please try again in a moment.",
    )
}

pub fn all_full(lang: Lang, name: &str, set: &str, cap: i64) -> String {
    match lang {
        Zh => format!(
            "⚠️ 群活码「{name}」的群组 {set} 已全部满员（每群 {cap} 人），新访客暂时进不来。请新建一个群，把我拉进群并设为管理员，再用 /groupset save {set} … 把它加入群组。"
        ),
        En => format!(
            "⚠️ Every group of live code “{name}” (set {set}, {} each) is full, so new visitors cannot get in. Create the next group, add me as an admin, and add it to the set with /groupset save {set} ….",
            en_count(cap, "member", "members")
        ),
    }
}

pub fn report_header(lang: Lang) -> &'static str {
    t(
        lang,
        "各渠道带来的成员（加入 · 7 天后仍在 · 审核移出）：",
        "What each channel brought (joined · still here after 7 days · removed in the audit):",
    )
}

pub fn member_invites(lang: Lang) -> &'static str {
    t(lang, "成员邀请", "member invites")
}

pub fn other_entries(lang: Lang) -> &'static str {
    t(
        lang,
        "其他（公开加入、直接拉入）",
        "other (public joins, added directly)",
    )
}

pub fn report_row(
    lang: Lang,
    name: &str,
    joined: i64,
    stayed: i64,
    settled: i64,
    removed: i64,
) -> String {
    let stayed = if settled == 0 {
        t(lang, "未满 7 天", "none 7 days in yet").to_owned()
    } else {
        format!("{stayed}/{settled}")
    };
    format!("\n· {name}: {joined} · {stayed} · {removed}")
}

pub fn nothing_yet(lang: Lang) -> &'static str {
    t(
        lang,
        "还没有成员加入记录。/channel add <名称> 创建渠道链接。",
        "No joins recorded yet. /channel add <name> makes a channel link.",
    )
}
