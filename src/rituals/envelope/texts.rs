//! What members read about lucky red envelopes, in both languages.

use crate::domain::{
    Lang::{self, En, Zh},
    amount::Amount,
    lang::en_count,
};

pub fn grab_label(lang: Lang) -> &'static str {
    match lang {
        Zh => "🧧 抢红包",
        En => "🧧 Grab",
    }
}

/// The emoji members react with on Matrix.
pub const ENVELOPE_REACTION: &str = "🧧";

/// The announcement's first line, after the admin's name.
pub fn envelope_opened(lang: Lang, id: i64, total: Amount, shares: u32) -> String {
    match lang {
        Zh => format!(" 发了一个拼手气红包 #{id}：共 {total}，{shares} 份。"),
        En => format!(
            " posted lucky red envelope #{id}: {total} in {}.",
            en_count(shares, "share", "shares")
        ),
    }
}

pub fn envelope_prize(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("\n手气王另得：{prize}"),
        En => format!("\nThe luckiest also gets: {prize}"),
    }
}

/// How to take part, per platform.
pub fn envelope_howto(lang: Lang, buttons: bool) -> String {
    match (lang, buttons) {
        (Zh, true) => "\n点下方「🧧 抢红包」，每人一次。".to_owned(),
        (En, true) => "\nPress “🧧 Grab” below; once each.".to_owned(),
        (Zh, false) => format!("\n用 {ENVELOPE_REACTION} 回应本消息来抢，每人一次。"),
        (En, false) => {
            format!("\nReact with {ENVELOPE_REACTION} to this message to grab; once each.")
        }
    }
}

/// What the grabber alone sees at once.
pub fn grabbed(lang: Lang, amount: Amount) -> String {
    match lang {
        Zh => format!("🧧 你抢到了 {amount}！"),
        En => format!("🧧 You got {amount}!"),
    }
}

pub fn grabbed_already(lang: Lang, amount: Amount) -> String {
    match lang {
        Zh => format!("你已经抢过了：{amount}"),
        En => format!("You already grabbed: {amount}"),
    }
}

pub fn envelope_empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "来晚了，红包已经抢完了。",
        En => "Too late: this envelope is empty.",
    }
}

pub fn envelope_results(lang: Lang, id: i64, taken: i64, shares: u32) -> String {
    match lang {
        Zh => format!("🧧 红包 #{id} 结果（{taken}/{shares} 份已领）："),
        En => format!(
            "🧧 Envelope #{id} results ({taken} of {} grabbed):",
            en_count(shares, "share", "shares")
        ),
    }
}

pub fn luckiest(lang: Lang) -> &'static str {
    match lang {
        Zh => "\n手气王：",
        En => "\nLuckiest: ",
    }
}

pub fn prize_for_luckiest(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("，另得 {prize}"),
        En => format!(", who also gets {prize}"),
    }
}

pub fn unclaimed(lang: Lang, left: Amount) -> String {
    match lang {
        Zh => format!("\n红包已关闭，未领取：{left}"),
        En => format!("\nClosed early; not grabbed: {left}"),
    }
}

pub fn envelope_not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("本群没有红包 #{id}；发送 /draws 查看。"),
        En => format!("This group has no envelope #{id}; /draws lists them."),
    }
}

pub fn envelope_already_closed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("红包 #{id} 已经结束了。"),
        En => format!("Envelope #{id} has already ended."),
    }
}

pub fn draws_luckiest(lang: Lang, name: &str, amount: Amount) -> String {
    match lang {
        Zh => format!(" · 手气王 {name} {amount}"),
        En => format!(" · luckiest {name} {amount}"),
    }
}

/// What a code that carries an envelope's share was won for.
pub fn envelope_share_prize(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("红包 #{id}"),
        En => format!("envelope #{id}"),
    }
}
