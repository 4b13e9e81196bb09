//! What members read about draws, in both languages.

use crate::domain::{
    Lang::{self, En, Zh},
    amount::Amount,
};

pub fn commitment_line(lang: Lang, commitment: &str) -> String {
    match lang {
        Zh => format!("\n公平承诺（种子的 SHA-256）：{commitment}"),
        En => format!("\nFairness commitment (SHA-256 of the seed): {commitment}"),
    }
}

/// A press from someone who is not in the group (a public group's viewer,
/// or a member who left).
pub fn members_only(lang: Lang) -> &'static str {
    match lang {
        Zh => "只有本群成员可以参与。",
        En => "Only members of this group can take part.",
    }
}

/// A press on a button Hearth no longer serves (a private chat's old
/// message, a group it left).
pub fn button_stale(lang: Lang) -> &'static str {
    match lang {
        Zh => "这个按钮已失效。",
        En => "This button no longer works.",
    }
}

pub fn draw_unknown(lang: Lang) -> &'static str {
    match lang {
        Zh => "这个活动已不存在。",
        En => "This draw no longer exists.",
    }
}

pub fn reveal(lang: Lang, id: i64, seed: &str, commitment: &str) -> String {
    match lang {
        Zh => format!(
            "\n\n公平验证：种子 {seed}\nSHA-256 = {commitment}（与开始时公布的一致）\n任何人可用 hearth verify {id} 复算全部结果。"
        ),
        En => format!(
            "\n\nFairness: seed {seed}\nSHA-256 = {commitment} (as published at the start)\nAnyone can re-run every result with hearth verify {id}."
        ),
    }
}

pub fn draws_header(lang: Lang) -> &'static str {
    match lang {
        Zh => "最近的活动：",
        En => "Recent draws:",
    }
}

pub fn draws_empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群还没有活动。管理员可用 /envelope、/wheel 或 /nth 发起。",
        En => "No draws here yet. Admins start one with /envelope, /wheel or /nth.",
    }
}

/// One line of `/draws`.
pub fn draws_row(
    lang: Lang,
    id: i64,
    total: Amount,
    taken: i64,
    shares: u32,
    open: bool,
) -> String {
    match (lang, open) {
        (Zh, true) => format!("\n#{id} 🧧 {total} · 已领 {taken}/{shares} · 进行中"),
        (Zh, false) => format!("\n#{id} 🧧 {total} · 已领 {taken}/{shares} · 已结束"),
        (En, true) => format!("\n#{id} 🧧 {total} · {taken}/{shares} grabbed · open"),
        (En, false) => format!("\n#{id} 🧧 {total} · {taken}/{shares} grabbed · ended"),
    }
}
