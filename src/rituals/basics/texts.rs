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
