//! The settings panel as admins read it, in both languages.

use crate::{
    domain::Lang::{self, En, Zh},
    rituals::greeting::texts::pace_words,
};

pub fn heading(lang: Lang) -> &'static str {
    match lang {
        Zh => "⚙️ 群设置：",
        En => "⚙️ Settings of ",
    }
}

pub fn language(lang: Lang) -> String {
    match lang {
        Zh => "\n• 语言：简体中文（/lang en 切换为英文）".to_owned(),
        En => "\n• Language: English (/lang zh switches to Chinese)".to_owned(),
    }
}

pub fn zone(lang: Lang, zone: &str) -> String {
    match lang {
        Zh => format!("\n• 时区：{zone}（/timezone <时区>）"),
        En => format!("\n• Time zone: {zone} (/timezone <zone>)"),
    }
}

/// Followed by the welcome as a newcomer would read it.
pub fn welcome(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n• 欢迎语（/setwelcome <模板> 更改），预览：\n",
        En => "\n• Welcome (/setwelcome <template> changes it), as newcomers read it:\n",
    }
}

pub fn screening(lang: Lang, threshold: u32, auto: Option<u32>) -> String {
    match (lang, auto) {
        (Zh, None) => format!("\n• 入群审核：{threshold} 分及以上待审核；自动移除：关"),
        (Zh, Some(a)) => format!("\n• 入群审核：{threshold} 分及以上待审核；{a} 分及以上自动移除"),
        (En, None) => {
            format!("\n• Screening: review at {threshold} points or more; automatic removal off")
        }
        (En, Some(a)) => format!(
            "\n• Screening: review at {threshold} points or more; removed without asking at {a} or more"
        ),
    }
}

pub fn raid(lang: Lang, joins: u32) -> String {
    match (lang, joins) {
        (Zh, 0) => "\n• 防刷屏模式：关".to_owned(),
        (Zh, n) => format!("\n• 防刷屏模式：每分钟 {n} 人入群时开启"),
        (En, 0) => "\n• Raid mode: off".to_owned(),
        (En, n) => format!("\n• Raid mode: on from {n} joins a minute"),
    }
}

/// `steps` are the milestones as shown: invites, and the pool in brackets.
pub fn milestones(lang: Lang, steps: &[String]) -> String {
    match (lang, steps.is_empty()) {
        (Zh, true) => "\n• 邀请里程碑：无（/milestone add <人数> [券池]）".to_owned(),
        (Zh, false) => format!("\n• 邀请里程碑：{}（/milestone 管理）", steps.join("、")),
        (En, true) => "\n• Invite milestones: none (/milestone add <invites> [pool])".to_owned(),
        (En, false) => format!(
            "\n• Invite milestones: {} (/milestone manages them)",
            steps.join(", ")
        ),
    }
}

/// The welcome pace; `default` when it follows the bot's setting.
pub fn welcome_pace(lang: Lang, secs: u32, default: bool) -> String {
    let pace = pace_words(lang, secs);
    match (lang, secs, default) {
        (Zh, 0, _) => "\n• 欢迎消息：每位新成员一到就发（/welcomepace）".to_owned(),
        (Zh, _, false) => format!("\n• 欢迎消息：每 {pace} 最多一条（/welcomepace）"),
        (Zh, _, true) => format!("\n• 欢迎消息：每 {pace} 最多一条，机器人默认（/welcomepace）"),
        (En, 0, _) => {
            "\n• Welcome messages: one per newcomer, as they arrive (/welcomepace)".to_owned()
        }
        (En, _, false) => format!("\n• Welcome messages: at most one every {pace} (/welcomepace)"),
        (En, _, true) => {
            format!(
                "\n• Welcome messages: at most one every {pace}, the bot's default (/welcomepace)"
            )
        }
    }
}

pub fn footer(lang: Lang, buttons: bool) -> &'static str {
    match (lang, buttons) {
        (Zh, true) => "\n\n点下方按钮即可更改；每次更改都记入 /log。",
        (En, true) => "\n\nPress a button below to change a setting; each change goes into /log.",
        (Zh, false) => "\n\n发送括号里的命令即可更改；每次更改都记入 /log。",
        (En, false) => {
            "\n\nType the command in brackets to change a setting; each change goes into /log."
        }
    }
}

pub fn pick(lang: Lang, buttons: bool) -> &'static str {
    match (lang, buttons) {
        (Zh, true) => "⚙️ 选择要设置的群：",
        (En, true) => "⚙️ Pick the group to set up:",
        (Zh, false) => "⚙️ 发送 /settings <群 id> 设置其中一个群：",
        (En, false) => "⚙️ Send /settings <group id> for one of your groups:",
    }
}

pub fn no_groups(lang: Lang) -> &'static str {
    match lang {
        Zh => "你还没有登记的群：把我加入你的群即可开始。",
        En => "You have no groups yet: add me to one of your groups to start.",
    }
}

pub fn not_yours(lang: Lang, id: &str) -> String {
    match lang {
        Zh => format!("{id} 不是你登记的群；发送 /settings 查看你的群。"),
        En => format!("{id} is not one of your groups; send /settings to see yours."),
    }
}

pub fn review_at(lang: Lang, points: u32) -> String {
    match lang {
        Zh => format!("🛡 {points} 分审核"),
        En => format!("🛡 Review at {points}"),
    }
}

pub fn auto_off(lang: Lang) -> String {
    match lang {
        Zh => "🤖 自动移除：关".to_owned(),
        En => "🤖 Auto-remove off".to_owned(),
    }
}

pub fn auto_at(lang: Lang, points: u32) -> String {
    match lang {
        Zh => format!("🤖 {points} 分自动移除"),
        En => format!("🤖 Auto-remove at {points}"),
    }
}

pub fn raid_off(lang: Lang) -> String {
    match lang {
        Zh => "🚨 防刷屏：关".to_owned(),
        En => "🚨 Raid mode off".to_owned(),
    }
}

pub fn raid_at(lang: Lang, joins: u32) -> String {
    match lang {
        Zh => format!("🚨 每分钟 {joins} 人开启"),
        En => format!("🚨 Raid mode at {joins}/min"),
    }
}

pub fn pace_button(lang: Lang, secs: u32) -> String {
    match (lang, secs) {
        (Zh, 0) => "⏱ 逐个欢迎".to_owned(),
        (En, 0) => "⏱ Each".to_owned(),
        (_, secs) => format!("⏱ {}", pace_words(lang, secs)),
    }
}

pub fn pace_default(lang: Lang) -> String {
    match lang {
        Zh => "⏱ 默认".to_owned(),
        En => "⏱ Default".to_owned(),
    }
}
