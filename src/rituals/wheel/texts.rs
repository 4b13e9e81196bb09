//! What members read about the spin wheel, in both languages.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

pub fn spin_label(lang: Lang) -> &'static str {
    match lang {
        Zh => "🎡 转一转",
        En => "🎡 Spin",
    }
}

/// The emoji members react with on Matrix to spin.
pub const WHEEL_REACTION: &str = "🎡";

/// The wheel's announcement, after the admin's name.
pub fn wheel_opened(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!(" 开启了幸运转盘 #{id}："),
        En => format!(" opened spin wheel #{id}:"),
    }
}

/// One prize line: its name, stock and chance at the start.
pub fn wheel_prize(lang: Lang, name: &str, stock: Option<u64>, percent: f64) -> String {
    match (lang, stock) {
        (Zh, Some(n)) => format!("\n· {name} ×{n}（{percent:.1}%）"),
        (Zh, None) => format!("\n· {name}（{percent:.1}%）"),
        (En, Some(n)) => format!("\n· {name} ×{n} ({percent:.1}%)"),
        (En, None) => format!("\n· {name} ({percent:.1}%)"),
    }
}

pub fn wheel_howto(lang: Lang, buttons: bool) -> String {
    match (lang, buttons) {
        (Zh, true) => "\n点下方「🎡 转一转」或发送 /spin，每人一次；奖品抽完即止。".to_owned(),
        (En, true) => {
            "\nPress “🎡 Spin” below or send /spin; once each, while prizes last.".to_owned()
        }
        (Zh, false) => format!("\n用 {WHEEL_REACTION} 回应本消息或发送 /spin，每人一次。"),
        (En, false) => {
            format!("\nReact with {WHEEL_REACTION} to this message or send /spin; once each.")
        }
    }
}

pub fn spun(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("🎡 你转到了：{prize}！"),
        En => format!("🎡 You won: {prize}!"),
    }
}

pub fn spun_already(lang: Lang, prize: &str) -> String {
    match lang {
        Zh => format!("你已经转过了：{prize}"),
        En => format!("You already spun: {prize}"),
    }
}

pub fn wheel_empty(lang: Lang) -> &'static str {
    match lang {
        Zh => "奖品已经抽完了。",
        En => "All prizes are gone.",
    }
}

pub fn no_open_wheel(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群现在没有进行中的转盘。",
        En => "No wheel is open here right now.",
    }
}

pub fn wheel_results(lang: Lang, id: i64, spins: usize) -> String {
    match lang {
        Zh => format!("🎡 转盘 #{id} 结果（共 {spins} 次）："),
        En => format!(
            "🎡 Wheel #{id} results ({}):",
            en_count(spins, "spin", "spins")
        ),
    }
}

/// A prize with a few winners, named; `names` is already joined.
pub fn wheel_winners(name: &str, names: &str) -> String {
    format!("\n{name}: {names}")
}

/// A prize that never runs out: only how many got it.
pub fn wheel_count(lang: Lang, name: &str, count: usize) -> String {
    match lang {
        Zh => format!("\n{name}：{count} 人"),
        En => format!("\n{name}: {}", en_count(count, "member", "members")),
    }
}

pub fn wheel_not_found(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("本群没有转盘 #{id}；发送 /draws 查看。"),
        En => format!("This group has no wheel #{id}; /draws lists them."),
    }
}

pub fn no_waiting_wheel(lang: Lang) -> &'static str {
    match lang {
        Zh => "本群没有等待开启的转盘；先用 /wheel new 设置一个。",
        En => "This group has no wheel waiting to open; set one up with /wheel new.",
    }
}

pub fn wheel_already_closed(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("转盘 #{id} 已经结束了。"),
        En => format!("Wheel #{id} has already ended."),
    }
}

/// One line of `/draws` for a wheel; `open` is `None` while it waits.
pub fn draws_wheel_row(lang: Lang, id: i64, spins: i64, open: Option<bool>) -> String {
    match (lang, open) {
        (Zh, None) => format!("\n#{id} 🎡 转盘 · 未开启"),
        (Zh, Some(true)) => format!("\n#{id} 🎡 转盘 · {spins} 次 · 进行中"),
        (Zh, Some(false)) => format!("\n#{id} 🎡 转盘 · {spins} 次 · 已结束"),
        (En, None) => format!("\n#{id} 🎡 wheel · waiting to open"),
        (En, Some(open)) => format!(
            "\n#{id} 🎡 wheel · {} · {}",
            en_count(spins, "spin", "spins"),
            if open { "open" } else { "ended" }
        ),
    }
}

/// The reply to `/wheel new`, before the prize lines.
pub fn wheel_ready(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("转盘 #{id} 已创建（尚未开启）："),
        En => format!("Wheel #{id} is ready (not open yet):"),
    }
}

pub fn wheel_open_howto(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!(
            "\n发送 /wheel open {id} 立即开启；/wheel open {id} 20:00 21:00 定时开启并在 21:00 结束；/wheel open {id} now 1h 开启一小时。"
        ),
        En => format!(
            "\nSend /wheel open {id} to open it now, /wheel open {id} 20:00 21:00 to open it at 20:00 until 21:00, or /wheel open {id} now 1h to open it for an hour."
        ),
    }
}

/// The reply when a wheel is set to open later; times are local.
pub fn wheel_opens_at(lang: Lang, id: i64, at: &str, until: Option<&str>) -> String {
    match (lang, until) {
        (Zh, Some(until)) => format!("转盘 #{id} 将于 {at} 开启，{until} 结束。"),
        (Zh, None) => format!("转盘 #{id} 将于 {at} 开启，需用 /wheel close {id} 结束。"),
        (En, Some(until)) => format!("Wheel #{id} opens at {at} and closes at {until}."),
        (En, None) => format!("Wheel #{id} opens at {at}; /wheel close {id} ends it."),
    }
}

pub fn wheel_already_open(lang: Lang, id: i64) -> String {
    match lang {
        Zh => format!("转盘 #{id} 已经开启了。"),
        En => format!("Wheel #{id} is open already."),
    }
}

pub fn wheel_until(lang: Lang, until: &str) -> String {
    match lang {
        Zh => format!("\n{until} 结束。"),
        En => format!("\nOpen until {until}."),
    }
}
