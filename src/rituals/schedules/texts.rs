//! What admins and operators read about schedules, snippets, group sets and
//! time zones, in both languages.

use crate::domain::Lang::{self, En, Zh};

/// Variables a scheduled post may use.
pub const POST_VARS: &[&str] = &["group", "members", "date", "time", "top_inviter"];

/// Functions a scheduled post may use: `{{snippet name}}`, `{{countdown 2026-11-11T20:00}}`.
pub const POST_FUNCTIONS: &[&str] = &["snippet", "countdown"];

/// Time left until a moment, for `{{countdown …}}`; zero once it passed.
pub fn countdown(lang: Lang, seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60);
    match lang {
        Zh if d > 0 => format!("{d}天{h}小时{m}分钟"),
        Zh if h > 0 => format!("{h}小时{m}分钟"),
        Zh => format!("{m}分钟"),
        En if d > 0 => format!("{d}d {h}h {m}min"),
        En if h > 0 => format!("{h}h {m}min"),
        En => format!("{m}min"),
    }
}

/// Heading of a scheduled post, by kind.
pub fn post_heading(kind: super::command::PostKind) -> &'static str {
    use super::command::PostKind;
    match kind {
        PostKind::Teaser => "✨ ",
        PostKind::Notice => "📢 ",
        PostKind::Announce => "🎁 ",
    }
}

/// Picks the text of the group's language.
fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Zh => zh,
        En => en,
    }
}

pub fn schedule_saved(lang: Lang) -> &'static str {
    t(lang, "✅ 已保存定时 ", "✅ Saved schedule ")
}

pub fn schedule_next_run(lang: Lang) -> &'static str {
    t(lang, "，下次发送：", ", next run: ")
}

pub fn preview_heading(lang: Lang) -> &'static str {
    t(lang, "\n预览：\n", "\nPreview:\n")
}

pub fn schedule_list_header(lang: Lang) -> &'static str {
    t(lang, "🗓 定时列表", "🗓 Schedules")
}

pub fn schedule_list_empty(lang: Lang) -> &'static str {
    t(
        lang,
        "还没有定时。用法：/schedule add \"30 20 * * *\" notice 今晚 20:30 准时开奖！",
        "No schedules yet. Try: /schedule add \"30 20 * * *\" notice Draw tonight at 20:30!",
    )
}

pub fn schedule_paused_mark(lang: Lang) -> &'static str {
    t(lang, "⏸ 已暂停", "⏸ paused")
}

pub fn schedule_done_mark(lang: Lang) -> &'static str {
    t(lang, "✔ 已完成", "✔ done")
}

pub fn schedule_not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("本群没有编号为 {id} 的定时；发送 /schedule list 查看。"),
        En => format!("There is no schedule #{id} here; /schedule list shows them."),
    }
}

pub fn schedule_paused(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("⏸ 定时 #{id} 已暂停。"),
        En => format!("⏸ Schedule #{id} is paused."),
    }
}

pub fn schedule_resumed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("▶️ 定时 #{id} 已恢复，下次发送："),
        En => format!("▶️ Schedule #{id} resumed; next run: "),
    }
}

pub fn schedule_retimed(lang: Lang, id: i64, rule: &str, next: &str) -> String {
    match lang {
        Zh => format!("✏️ 定时 #{id} 改为 {rule}，下次发送：{next}"),
        En => format!("✏️ Schedule #{id} now runs {rule}; next run: {next}"),
    }
}

pub fn schedule_retexted(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("✏️ 定时 #{id} 的内容已更新，已收到的确认保留。"),
        En => format!("✏️ Schedule #{id} has its new text; confirmations already given stay."),
    }
}

pub fn schedule_finished(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("定时 #{id} 的时间已经过去，不会再发送。"),
        En => format!("Schedule #{id} has no run left; it will not post again."),
    }
}

pub fn schedule_deleted(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("🗑 定时 #{id} 已删除。"),
        En => format!("🗑 Schedule #{id} is deleted."),
    }
}

pub fn targets_need_operator(lang: Lang) -> &'static str {
    t(
        lang,
        "只有运营者可以用 --groups 同时发到多个群。",
        "Only an operator can post to several groups with --groups.",
    )
}

/// A schedule asked for in a group whose zone was never chosen: the zone
/// comes first.
pub fn zone_first(lang: Lang, title: &str, buttons: bool) -> String {
    match (lang, buttons) {
        (Lang::Zh, true) => format!(
            "⏰ 请先设置「{title}」的时区：设置之前，20:30 会按 UTC 计算（北京时间 04:30）。点下方你所在的城市，或发送 /timezone <时区>，然后重新发送这条命令。"
        ),
        (Lang::Zh, false) => format!(
            "⏰ 请先设置「{title}」的时区：设置之前，20:30 会按 UTC 计算（北京时间 04:30）。发送 /timezone <时区>（例如 /timezone Asia/Shanghai），然后重新发送这条命令。"
        ),
        (Lang::En, true) => format!(
            "⏰ First, which time zone is {title} in? Until it is set, 20:30 would be UTC (04:30 in Beijing). Press your city below, or send /timezone <zone>, then send the command again."
        ),
        (Lang::En, false) => format!(
            "⏰ First, which time zone is {title} in? Until it is set, 20:30 would be UTC (04:30 in Beijing). Send /timezone <zone> (e.g. /timezone Asia/Shanghai), then send the command again."
        ),
    }
}

pub fn targets_needed(lang: Lang) -> &'static str {
    t(
        lang,
        "私聊中请用 --groups 指明发到哪些群（/groups 查看群编号）。",
        "In a private chat, say which groups with --groups (/groups shows their ids).",
    )
}

pub fn not_your_group(lang: Lang, target: &str) -> String {
    match lang {
        Zh => format!("`{target}` 不是你管理的群，也不是你的群组名；发送 /groups 查看。"),
        En => format!(
            "`{target}` is neither one of your groups nor one of your group sets; /groups lists them."
        ),
    }
}

pub fn bad_countdown(lang: Lang, arg: &str) -> String {
    match lang {
        Zh => format!("倒计时 `{arg}` 不是时间，请写成 {{{{countdown 2026-11-11T20:00}}}}。"),
        En => format!(
            "The countdown `{arg}` is not a time; write {{{{countdown 2026-11-11T20:00}}}}."
        ),
    }
}

pub fn unknown_snippet(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("没有名为 `{name}` 的话术；用 /snippet save {name} <内容> 先保存。"),
        En => {
            format!("There is no snippet `{name}`; save it first with /snippet save {name} <text>.")
        }
    }
}

pub fn post_rejected(lang: Lang) -> &'static str {
    t(
        lang,
        "❌ 内容有误，未保存：",
        "❌ Not saved, the text has a mistake: ",
    )
}

pub fn timezone_current(lang: Lang) -> &'static str {
    t(lang, "🕰 本群时区：", "🕰 This group's time zone: ")
}

pub fn timezone_set(lang: Lang) -> &'static str {
    t(lang, "✅ 本群时区已设为 ", "✅ Time zone set to ")
}

pub fn local_time_now(lang: Lang) -> &'static str {
    t(lang, "，当地时间 ", ", local time ")
}

pub fn timezone_howto(lang: Lang) -> &'static str {
    t(
        lang,
        "\n修改：/timezone Asia/Shanghai",
        "\nChange it with /timezone Asia/Shanghai",
    )
}

pub fn snippet_saved(lang: Lang) -> &'static str {
    t(
        lang,
        "✅ 话术已保存，可在帖子中用 ",
        "✅ Snippet saved; use it in a post as ",
    )
}

pub fn snippet_deleted(lang: Lang) -> &'static str {
    t(lang, "🗑 话术已删除。", "🗑 Snippet deleted.")
}

pub fn snippet_missing(lang: Lang) -> &'static str {
    t(lang, "没有这个话术。", "There is no such snippet.")
}

pub fn snippet_list_header(lang: Lang) -> &'static str {
    t(lang, "📚 话术库", "📚 Snippets")
}

pub fn snippet_list_empty(lang: Lang) -> &'static str {
    t(
        lang,
        "话术库是空的。用 /snippet save <名称> <内容> 保存常用文案。",
        "No snippets yet. Save reusable wording with /snippet save <name> <text>.",
    )
}

pub fn groups_header(lang: Lang) -> &'static str {
    t(lang, "🏠 你的群", "🏠 Your groups")
}

pub fn groups_empty(lang: Lang) -> &'static str {
    t(
        lang,
        "你还没有登记的群。",
        "You have no registered groups yet.",
    )
}

pub fn group_sets_header(lang: Lang) -> &'static str {
    t(lang, "🧩 群组", "🧩 Group sets")
}

pub fn group_set_saved(lang: Lang) -> &'static str {
    t(lang, "✅ 群组已保存：", "✅ Group set saved: ")
}

pub fn group_set_deleted(lang: Lang) -> &'static str {
    t(lang, "🗑 群组已删除。", "🗑 Group set deleted.")
}

pub fn group_set_missing(lang: Lang) -> &'static str {
    t(lang, "没有这个群组。", "There is no such group set.")
}
