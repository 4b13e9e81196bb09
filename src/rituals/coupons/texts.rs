//! What members and operators read about coupon codes, in both languages.

use super::rules::{LineError, NAMED_INVALID};
use crate::domain::{Lang, lang::en_count};

/// The private message that hands a code over.
pub fn code_message(lang: Lang, prize: &str, code: &str, value: Option<&str>) -> String {
    let worth = |v: Option<&str>, en: bool| match (v, en) {
        (Some(v), true) => format!(" (worth {v})"),
        (Some(v), false) => format!("（面值 {v}）"),
        (None, _) => String::new(),
    };
    match lang {
        Lang::En => format!(
            "🎟 Your code for {prize}: {code}{}\nShow it when you redeem it; /mycodes lists all your codes.",
            worth(value, true)
        ),
        Lang::Zh => format!(
            "🎟 你的「{prize}」券码：{code}{}\n使用时出示即可；发送 /mycodes 查看你的全部券码。",
            worth(value, false)
        ),
    }
}

/// An envelope whose shares are paid as codes.
pub fn shares_as_codes(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "\nEach share comes as a coupon code worth it, sent in private.",
        Lang::Zh => "\n每份以等额券码私聊发放。",
    }
}

/// After a win whose code went to the winner's private chat.
pub fn code_sent(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " Your code is in your private chat with me.",
        Lang::Zh => " 券码已私聊发给你。",
    }
}

/// After a win whose winner has not opened a private chat yet (a button's
/// answer opens it).
pub fn code_tap_to_claim(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " Open the private chat with me to get your code.",
        Lang::Zh => " 请打开与我的私聊领取券码。",
    }
}

/// The same, in a group message that carries the claim link.
pub fn code_claim_link(lang: Lang, url: &str) -> String {
    match lang {
        Lang::En => format!(" Get your code in private: {url}"),
        Lang::Zh => format!(" 私聊领取券码：{url}"),
    }
}

pub fn code_limit(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " (You already hold as many codes of this kind as allowed.)",
        Lang::Zh => "（你已领满这类券码。）",
    }
}

pub fn code_none_left(lang: Lang) -> &'static str {
    match lang {
        Lang::En => " (No code is left for this prize; the operators have been told.)",
        Lang::Zh => "（这个奖品的券码已发完，已通知运营者。）",
    }
}

pub fn low_stock(lang: Lang, pool: &str, free: i64) -> String {
    match lang {
        Lang::En => format!(
            "⚠️ Coupon pool {pool} is running low: {free} left. Add more with `hearth coupons import {pool} <file.csv>`, or send me a CSV file here with the caption {pool}."
        ),
        Lang::Zh => format!(
            "⚠️ 券池 {pool} 库存不足：只剩 {free} 张。请用 `hearth coupons import {pool} <文件.csv>` 补充，或在这里发给我一个 CSV 文件，说明写 {pool}。"
        ),
    }
}

pub fn claim_unknown(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "This claim link is not valid. /mycodes lists the codes you hold.",
        Lang::Zh => "这个领取链接无效。发送 /mycodes 查看你持有的券码。",
    }
}

pub fn claim_not_yours(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "This claim link belongs to another member; only the winner can open it.",
        Lang::Zh => "这个领取链接属于其他成员，只有中奖者本人可以领取。",
    }
}

pub fn no_codes(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "You hold no codes yet.",
        Lang::Zh => "你还没有券码。",
    }
}

pub fn my_codes_header(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Your codes:",
        Lang::Zh => "你的券码：",
    }
}

pub fn my_codes_row(lang: Lang, pool: &str, code: &str, redeemed: bool) -> String {
    let used = match (redeemed, lang) {
        (false, _) => "",
        (true, Lang::En) => " (used)",
        (true, Lang::Zh) => "（已使用）",
    };
    format!("\n• {code} · {pool}{used}")
}

pub fn codes_in_private(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Codes are only shown in a private chat: open one with me and send /mycodes.",
        Lang::Zh => "券码只在私聊中显示：请私聊我并发送 /mycodes。",
    }
}

pub fn stock_empty(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "No coupon pools yet. Import codes with `hearth coupons import <pool> <file.csv>`, or send me a CSV file in private with the pool's name as its caption."
        }
        Lang::Zh => {
            "还没有券池。请用 `hearth coupons import <券池> <文件.csv>` 导入，或私聊发给我 CSV 文件，说明写券池名。"
        }
    }
}

pub fn stock_header(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "🎟 Coupon pools (free / handed out / redeemed):",
        Lang::Zh => "🎟 券池（剩余 / 已发放 / 已核销）：",
    }
}

pub fn stock_row(
    lang: Lang,
    pool: &str,
    (free, handed, redeemed): (i64, i64, i64),
    per_member: i64,
    alert_below: i64,
) -> String {
    let low = if free < alert_below { " ⚠️" } else { "" };
    match lang {
        Lang::En => format!(
            "\n{pool}: {free} / {handed} / {redeemed}{low} · {per_member} per member · alert under {alert_below}"
        ),
        Lang::Zh => format!(
            "\n{pool}：{free} / {handed} / {redeemed}{low} · 每人 {per_member} 张 · 少于 {alert_below} 张时提醒"
        ),
    }
}

pub fn pool_unknown(lang: Lang, pool: &str) -> String {
    match lang {
        Lang::En => format!("There is no coupon pool {pool}; /coupons lists them."),
        Lang::Zh => format!("没有名为 {pool} 的券池；发送 /coupons 查看。"),
    }
}

pub fn limit_set(lang: Lang, pool: &str, n: u32) -> String {
    match lang {
        Lang::En => format!(
            "Each member may now hold {} of {pool}.",
            en_count(n, "code", "codes")
        ),
        Lang::Zh => format!("现在每位成员最多可领 {n} 张 {pool} 券码。"),
    }
}

pub fn alert_set(lang: Lang, pool: &str, n: u32) -> String {
    match lang {
        Lang::En => {
            format!(
                "The operators will be told when {pool} has fewer than {} left.",
                en_count(n, "code", "codes")
            )
        }
        Lang::Zh => format!("{pool} 剩余少于 {n} 张时会提醒运营者。"),
    }
}

/// `/coupons allow`: which groups may now pay from the pool.
pub fn allowed(lang: Lang, pool: &str, groups: &[&str]) -> String {
    match (lang, groups.is_empty()) {
        (Lang::En, true) => format!("Every group of yours may pay prizes from {pool} again."),
        (Lang::Zh, true) => format!("你的所有群都可以再次用 {pool} 发奖。"),
        (Lang::En, false) => format!(
            "Only these groups may pay prizes from {pool} now: {}.",
            groups.join(", ")
        ),
        (Lang::Zh, false) => format!("现在只有这些群可以用 {pool} 发奖：{}。", groups.join("、")),
    }
}

/// A stock row's note for a pool kept for some groups.
pub fn stock_only_in(lang: Lang, groups: &[&str]) -> String {
    match lang {
        Lang::En => format!("\n   only in {}", groups.join(", ")),
        Lang::Zh => format!("\n   仅限 {}", groups.join("、")),
    }
}

/// An import into a pool another operator owns.
pub fn pool_taken(lang: Lang, pool: &str) -> String {
    match lang {
        Lang::En => format!(
            "The pool name {pool} is taken by another operator; send the file again with another name as its caption."
        ),
        Lang::Zh => {
            format!("券池名 {pool} 已被其他运营者使用；请换一个券池名作为说明重新发送文件。")
        }
    }
}

pub fn redeemed(lang: Lang, code: &str, pool: &str, holder: &str) -> String {
    match lang {
        Lang::En => format!("✅ {code} ({pool}, held by {holder}) is now marked redeemed."),
        Lang::Zh => format!("✅ {code}（{pool}，持有人 {holder}）已核销。"),
    }
}

pub fn redeem_unknown(lang: Lang, code: &str) -> String {
    match lang {
        Lang::En => format!("There is no code {code}. Check it letter by letter."),
        Lang::Zh => format!("没有券码 {code}，请逐字核对。"),
    }
}

pub fn redeem_not_handed(lang: Lang, code: &str) -> String {
    match lang {
        Lang::En => format!("{code} was never handed out, so it cannot be redeemed."),
        Lang::Zh => format!("{code} 尚未发放，不能核销。"),
    }
}

pub fn redeem_already(lang: Lang, code: &str, when: &str) -> String {
    match lang {
        Lang::En => format!("{code} was already redeemed on {when}."),
        Lang::Zh => format!("{code} 已于 {when} 核销过。"),
    }
}

pub fn import_needs_operator(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Only operators import coupon codes.",
        Lang::Zh => "只有运营者可以导入券码。",
    }
}

pub fn import_needs_pool(lang: Lang) -> &'static str {
    match lang {
        Lang::En => {
            "Which pool are these codes for? Send the file again with the pool's name as its caption (letters, digits, _ and -)."
        }
        Lang::Zh => {
            "这些券码属于哪个券池？请重新发送文件，并在说明里写券池名（字母、数字、_ 和 -）。"
        }
    }
}

pub fn import_download_failed(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "I could not fetch that file; please send it again.",
        Lang::Zh => "无法读取这个文件，请重新发送。",
    }
}

pub fn import_refused(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Nothing was imported: ",
        Lang::Zh => "没有导入任何券码：",
    }
}

/// An import's summary: what was added, what was already known, which
/// lines were wrong and why.
pub fn import_summary(
    lang: Lang,
    pool: &str,
    added: u64,
    duplicates: u64,
    invalid: &[(usize, LineError)],
    free: i64,
) -> String {
    let mut out = match lang {
        Lang::En => format!(
            "Pool {pool}: {} added, {} skipped, {}. {} free now.",
            en_count(added, "code", "codes"),
            en_count(duplicates, "duplicate", "duplicates"),
            en_count(invalid.len(), "invalid line", "invalid lines"),
            en_count(free, "code is", "codes are")
        ),
        Lang::Zh => format!(
            "券池 {pool}：新增 {added} 张，跳过重复 {duplicates} 张，无效 {} 行。现有 {free} 张可发放。",
            invalid.len()
        ),
    };
    for (line, e) in invalid.iter().take(NAMED_INVALID) {
        out.push_str(&match lang {
            Lang::En => format!("\nline {line}: {}", e.explain(lang)),
            Lang::Zh => format!("\n第 {line} 行：{}", e.explain(lang)),
        });
    }
    if invalid.len() > NAMED_INVALID {
        out.push_str(&match lang {
            Lang::En => format!("\n… and {} more.", invalid.len() - NAMED_INVALID),
            Lang::Zh => format!("\n……另有 {} 行。", invalid.len() - NAMED_INVALID),
        });
    }
    out
}
