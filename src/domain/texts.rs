//! Every text a member or admin sees, in Simplified Chinese and English.
//!
//! Kept in one file so a translator reviews one place. Names and other user
//! text are never formatted in here: callers insert them as mentions or text
//! spans, so these strings are free of user input.

use super::Lang::{self, En, Zh};

/// Rewrites command mentions (`/invite`) for a platform whose commands start
/// with another prefix (`!invite` on Matrix). Only a `/` at the start of a
/// word and followed by a letter is a command, so URLs are left alone.
pub fn with_command_prefix(text: &str, prefix: char) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let word_start =
            prev.is_none_or(|p| p.is_whitespace() || matches!(p, '（' | '(' | '：' | '，' | '、'));
        if c == '/' && word_start && chars.peek().is_some_and(|n| n.is_ascii_lowercase()) {
            out.push(prefix);
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// Separator between newcomer names in one line.
pub fn list_separator(lang: Lang) -> &'static str {
    match lang {
        Zh => "、",
        En => ", ",
    }
}

pub fn hello_registered(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "Hearth 已就位：新成员入群时会被欢迎，邀请人会被记入有效邀请榜。发送 /help 查看命令。"
        }
        En => {
            "Hearth is here: newcomers get a welcome and their inviters climb the effective-invite leaderboard. Send /help for commands."
        }
    }
}

/// The first-run checklist's heading, before the group's title.
pub fn checklist_heading(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ Hearth 开始服务：",
        En => "✅ Hearth now serves ",
    }
}

/// The rights line: each right with ✓ or ✗ and what it is for.
pub fn checklist_rights(lang: Lang, invite: bool, ban: bool, pin: bool) -> String {
    let mark = |has: bool| if has { "✓" } else { "✗" };
    let missing = !(invite && ban && pin);
    match lang {
        Zh => format!(
            "\n• 权限：{} 通过链接邀请用户（成员专属链接）· {} 封禁用户（/remove 和自动审核）· {} 置顶消息（--pin）{}",
            mark(invite),
            mark(ban),
            mark(pin),
            if missing {
                "。请在群设置 → 管理员 → Hearth 中打开 ✗ 项"
            } else {
                ""
            }
        ),
        En => format!(
            "\n• Rights: {} Invite users via link (members' own links) · {} Ban users (/remove, automatic screening) · {} Pin messages (--pin){}",
            mark(invite),
            mark(ban),
            mark(pin),
            if missing {
                ". Turn on the ✗ ones: group settings → Administrators → Hearth"
            } else {
                ""
            }
        ),
    }
}

/// The zone line: the zone, or a prompt while none was chosen (buttons
/// below it where the platform has them).
pub fn checklist_zone(lang: Lang, zone: &str, unset: bool, buttons: bool) -> String {
    match (lang, unset, buttons) {
        (Zh, true, true) => "\n• 时区：尚未设置（在此之前按 UTC，20:30 会变成北京时间 04:30）。请点下方你所在的城市，其他时区请发送 /timezone <时区>（例如 Europe/Paris）".to_owned(),
        (En, true, true) => "\n• Time zone: not set yet (UTC until then, so 20:30 would be 04:30 in Beijing). Press your city below, or send /timezone <zone> for another (e.g. Europe/Paris)".to_owned(),
        (Zh, true, false) => "\n• 时区：尚未设置（在此之前按 UTC，20:30 会变成北京时间 04:30）。请在群里发送 /timezone Asia/Shanghai（或 Asia/Hong_Kong、Asia/Taipei、Asia/Singapore、Europe/London、America/New_York）".to_owned(),
        (En, true, false) => "\n• Time zone: not set yet (UTC until then, so 20:30 would be 04:30 in Beijing). Send /timezone Asia/Shanghai in the group (or Asia/Hong_Kong, Asia/Taipei, Asia/Singapore, Europe/London, America/New_York)".to_owned(),
        (Zh, false, _) => format!("\n• 时区：{zone}（/timezone 可更改）"),
        (En, false, _) => format!("\n• Time zone: {zone} (/timezone changes it)"),
    }
}

/// The language line and what to do next.
pub fn checklist_next(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "\n• 语言：简体中文（/lang en 切换为英文）\n下一步：/setwelcome 设置欢迎语，/invite 获取你的邀请链接，/schedule add 每天 20:30 notice … 设置每晚的帖子。/help 查看全部命令。"
        }
        En => {
            "\n• Language: English (/lang zh switches to Chinese)\nNext: /setwelcome for the welcome, /invite for your own link, /schedule add daily 20:30 notice … for the evening post. /help lists everything."
        }
    }
}

pub fn refuse_unowned(lang: Lang) -> &'static str {
    match lang {
        Zh => "抱歉，我只服务于运营者登记的群；只有运营者本人能把我加入群，我现在离开。",
        En => {
            "Sorry, I only serve groups owned by my operators, and only an operator can add me, so I am leaving."
        }
    }
}

pub fn not_served(lang: Lang) -> &'static str {
    match lang {
        Zh => "这个群还未由运营者登记。运营者（需是本群管理员）可发送 /adopt 登记。",
        En => {
            "This group is not registered by an operator yet. An operator who is an admin here can send /adopt."
        }
    }
}

pub fn already_registered(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群已经登记过了。",
        En => "This group is already registered.",
    }
}

pub fn adopt_needs_operator(lang: Lang) -> &'static str {
    match lang {
        Zh => "只有运营者可以登记群（HEARTH_OPERATORS 中列出的账号）。",
        En => "Only an operator (an account listed in HEARTH_OPERATORS) can register a group.",
    }
}

pub fn adopt_needs_admin(lang: Lang) -> &'static str {
    match lang {
        Zh => "你需要是本群管理员才能登记它。",
        En => "You need to be an admin of this group to register it.",
    }
}

pub fn admin_only(lang: Lang) -> &'static str {
    match lang {
        Zh => "这个命令仅限群管理员和运营者使用。",
        En => "That command is for group admins and operators only.",
    }
}

pub fn role_unknown(lang: Lang) -> &'static str {
    match lang {
        Zh => "暂时无法确认你的管理员身份，请稍后再试。",
        En => "I could not check your admin rights just now; please try again in a minute.",
    }
}

/// A command that failed every try; the operator sees the cause in
/// `hearth failures` and `/status`.
pub fn command_failed(lang: Lang, command: &str) -> String {
    match lang {
        Zh => format!("抱歉，{command} 这次没有成功，原因已记录给运营者。请稍后再试。"),
        En => format!(
            "Sorry, {command} did not work this time; the operator can see why. Please try again later."
        ),
    }
}

/// The platform refused to make a member's invite link, for a reason the
/// bot has no rule for; follows the member's name.
pub fn invite_refused(lang: Lang, platform: &str, reason: &str) -> String {
    match lang {
        Zh => format!("，{platform} 拒绝创建邀请链接：{reason}。请稍后再试。"),
        En => format!(", {platform} refused the invite link: {reason}. Please try again later."),
    }
}

/// The platform refused to take a suspect out, for a reason the bot has no
/// rule for (they became an admin meanwhile, say).
pub fn removal_refused(lang: Lang, platform: &str, reason: &str) -> String {
    match lang {
        Zh => format!("{platform} 拒绝移出此人：{reason}。请检查后再试。"),
        En => format!("{platform} refused to remove them: {reason}. Please check and try again."),
    }
}

/// A platform's reason as members may read it: short.
pub fn short_reason(reason: &str) -> String {
    shortened(reason, 200)
}

/// `text` cut to at most `max` characters, with "…" where it was cut.
pub fn shortened(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

pub fn operator_only(lang: Lang) -> &'static str {
    match lang {
        Zh => "这个命令仅限运营者使用。",
        En => "That command is for operators only.",
    }
}

/// The bot was removed from a group (kicked, banned, or the group closed):
/// its operator hears it once, in private.
pub fn bot_removed(lang: Lang, title: &str) -> String {
    match lang {
        Zh => format!(
            "我已被移出「{title}」，不再为该群服务。群的排行榜和设置都已保留；把我重新加为管理员即可继续。"
        ),
        En => format!(
            "I was removed from {title} and no longer serve it. Its leaderboard and settings are kept: add me back as an admin to go on."
        ),
    }
}

/// Heads a member's answer taken to private: which group it is about.
pub fn about_group(lang: Lang, title: &str) -> String {
    match lang {
        Zh => format!("「{title}」：\n"),
        En => format!("In {title}:\n"),
    }
}

pub fn status_in_private(lang: Lang) -> &'static str {
    match lang {
        Zh => "请私聊我发送 /status：它会列出所有群的情况。",
        En => "Send /status to me in private: it covers all your groups.",
    }
}

/// The operator's `/status`: what the bot serves, what waits to be sent,
/// and the updates it gave up on lately.
pub fn status_report(lang: Lang, groups: usize, waiting: i64, failed_today: i64) -> String {
    match lang {
        Zh => format!(
            "Hearth 运行中。\n服务中的群：{groups}\n待发送的消息：{waiting}\n过去 24 小时处理失败的更新：{failed_today}"
        ),
        En => format!(
            "Hearth is running.\nGroups served: {groups}\nMessages waiting to go out: {waiting}\nUpdates that failed in the last 24 hours: {failed_today}"
        ),
    }
}

/// The heading over the latest failures in `/status`.
pub fn status_latest_failures(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n\n最近的失败（完整原因见 hearth failures）：",
        En => "\n\nLatest failures (full causes: hearth failures):",
    }
}

pub fn use_in_group(lang: Lang) -> &'static str {
    match lang {
        Zh => "请在群里发送这个命令。",
        En => "Send this command in the group.",
    }
}

pub fn invite_needs_right(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "，我暂时无法创建邀请链接。管理员请在群设置中把我设为管理员，并开启“通过链接邀请用户”（Invite Users via Link）权限。"
        }
        En => {
            ", I cannot create invite links yet. Admins: make me an admin with the “Invite Users via Link” right in the group settings."
        }
    }
}

/// To an operator: a message could not be delivered; the group follows.
pub fn delivery_failed(lang: Lang, attempts: i64) -> String {
    match lang {
        Zh => format!("⚠️ 有一条消息尝试 {attempts} 次后仍未送达，已标记为失败。群："),
        En => format!(
            "⚠️ A message could not be delivered after {attempts} tries and is marked failed. Group: "
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_mentions_follow_the_platform_prefix_but_urls_do_not() {
        assert_eq!(
            with_command_prefix("Send /invite now, see https://t.me/+abc or /top", '!'),
            "Send !invite now, see https://t.me/+abc or !top"
        );
        assert_eq!(
            with_command_prefix("发送 /help 查看（/top N）", '!'),
            "发送 !help 查看（!top N）"
        );
    }
}
