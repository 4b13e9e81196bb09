//! Every text a member or admin sees, in Simplified Chinese and English.
//!
//! Kept in one file so a translator reviews one place. Names and other user
//! text are never formatted in here: callers insert them as mentions or text
//! spans, so these strings are free of user input.

use super::{
    Lang::{self, En, Zh},
    lang::en_count,
};

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
            "Hearth 已就位：新成员入群时会被欢迎，邀请人会被记入有效邀请榜。发送 /help 查看命令。请确保我是管理员并拥有“通过链接邀请用户”权限。"
        }
        En => {
            "Hearth is here: newcomers get a welcome and their inviters climb the effective-invite leaderboard. Send /help for commands. Make sure I am an admin with the “Invite users via link” right."
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

pub fn adopted(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群已登记，Hearth 开始服务。发送 /help 查看命令。",
        En => {
            "This group is now registered and Hearth is at your service. Send /help for commands."
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

pub fn lang_set(lang: Lang) -> &'static str {
    match lang {
        Zh => "✅ 本群语言已设为简体中文。",
        En => "✅ This group now speaks English.",
    }
}

pub fn start_private(lang: Lang) -> &'static str {
    match lang {
        Zh => {
            "你好！我是 Hearth，帮运营者在群里欢迎新成员、统计有效邀请。在群里发送 /invite 邀请好友，/myinvites 查看你的成绩。你在活动中获得的券码会在这里私聊发给你。"
        }
        En => {
            "Hi! I am Hearth: I welcome newcomers in groups and count effective invites. In a group, send /invite to bring friends and /myinvites for your score. Codes you win come to you here, in private."
        }
    }
}

/// Sample names shown in a template preview.
pub fn preview_names(lang: Lang) -> (&'static str, &'static str) {
    match lang {
        Zh => ("小明", "小红"),
        En => ("Alex", "Sam"),
    }
}

pub fn help_member_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "你可以使用：",
        En => "What you can do here:",
    }
}

pub fn help_admin_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "管理员命令：",
        En => "Admin commands:",
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
