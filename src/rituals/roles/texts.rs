//! What operators and admins read about roles and the audit log.

use crate::domain::Lang::{self, En, Zh};

pub fn no_assistants(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群还没有助理。运营者可用 /assistant add <成员> 添加。",
        En => "This group has no assistants. Operators add one with /assistant add <member>.",
    }
}

pub fn assistants_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群助理（可使用管理员命令）：",
        En => "Assistants in this group (they may use admin commands):",
    }
}

pub fn granted(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("✅ {name} 现在是本群助理，可以使用管理员命令。"),
        En => format!("✅ {name} is now an assistant here and may use admin commands."),
    }
}

pub fn already_assistant(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("{name} 已经是本群助理。"),
        En => format!("{name} is an assistant here already."),
    }
}

pub fn revoked(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("{name} 不再是本群助理。"),
        En => format!("{name} is no longer an assistant here."),
    }
}

pub fn not_assistant(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("{name} 不是本群助理。"),
        En => format!("{name} is not an assistant here."),
    }
}

pub fn no_such_member(lang: Lang, who: &str) -> String {
    match lang {
        Zh => format!("本群没有叫“{who}”的成员；请写完整昵称或其 id（tg:123456）。"),
        En => format!(
            "No member of this group is called “{who}”; type their exact display name or their id (tg:123456)."
        ),
    }
}

/// `/assistant add <display name>`: powers go only to an account named
/// exactly, since anyone can copy a display name.
pub fn name_by_id(lang: Lang, who: &str) -> String {
    match lang {
        Zh => format!(
            "请用 id（tg:123456）或 @用户名 指定成员，而不是昵称“{who}”：任何人都能取相同的昵称。"
        ),
        En => format!(
            "Name the member by their id (tg:123456) or @username, not by the display name “{who}”: anyone can take the same display name."
        ),
    }
}

/// An @username the bot has not seen on anyone yet.
pub fn unknown_handle(lang: Lang, who: &str) -> String {
    match lang {
        Zh => format!("我还没见过 {who}：请对方先在群里发一条消息，或改用其 id（tg:123456）。"),
        En => format!(
            "I have not seen {who} yet: ask them to say something in the group first, or use their id (tg:123456)."
        ),
    }
}

pub fn ambiguous_member(lang: Lang, who: &str, ids: &str) -> String {
    match lang {
        Zh => format!("有多位成员叫“{who}”，请改用 id：{ids}"),
        En => format!("Several members are called “{who}”; use one of their ids: {ids}"),
    }
}

pub fn log_empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群还没有管理操作记录。",
        En => "No admin action has been recorded in this group yet.",
    }
}

pub fn log_header(lang: Lang, shown: usize) -> String {
    match lang {
        Zh => format!("最近 {shown} 条管理操作（新的在前）："),
        En => format!("The latest {shown} admin actions (newest first):"),
    }
}
