//! What members and operators read on starting the bot, asking for help,
//! changing the language and adopting a group, in both languages.

use crate::domain::Lang::{self, En, Zh};

pub fn adopted(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群已登记，Hearth 开始服务。发送 /help 查看命令。",
        En => {
            "This group is now registered and Hearth is at your service. Send /help for commands."
        }
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

pub fn help_header(lang: Lang, admin: bool) -> &'static str {
    match (lang, admin) {
        (Zh, false) => "你可以使用：",
        (En, false) => "What you can do here:",
        (Zh, true) => "你可以使用（含管理员命令）：",
        (En, true) => "What you can do here, admin commands included:",
    }
}

pub fn help_footer(lang: Lang) -> &'static str {
    match lang {
        Zh => "发送 /help <命令> 查看用法和示例，例如 /help top。",
        En => "Send /help <command> for its usage and an example, e.g. /help top.",
    }
}

pub fn help_unknown(lang: Lang, topic: &str) -> String {
    let topic: String = topic.chars().take(32).collect();
    match lang {
        Zh => format!("没有 `{topic}` 这个命令或分类；发送 /help 查看全部。"),
        En => format!("There is no command or section `{topic}`; /help lists them all."),
    }
}

pub fn usage_heading(lang: Lang) -> &'static str {
    match lang {
        Zh => "用法：",
        En => "Usage:",
    }
}

pub fn example_heading(lang: Lang) -> &'static str {
    match lang {
        Zh => "示例：",
        En => "Example: ",
    }
}

pub fn who_may(lang: Lang, access: crate::domain::command::Access) -> &'static str {
    use crate::domain::command::Access;
    match (lang, access) {
        (Zh, Access::Member) => "可用者：所有成员",
        (En, Access::Member) => "Who: every member",
        (Zh, Access::Admin) => "可用者：群管理员、助理和运营者",
        (En, Access::Admin) => "Who: group admins, assistants and operators",
        (Zh, Access::Operator) => "可用者：运营者",
        (En, Access::Operator) => "Who: operators",
    }
}
