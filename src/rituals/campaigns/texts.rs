//! What operators read about campaigns, in both languages.

use crate::domain::{
    Lang::{self, En, Zh},
    lang::en_count,
};

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Zh => zh,
        En => en,
    }
}

pub fn no_playbook(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!(
            "没有名为 {name} 的剧本。先在服务器上运行 hearth campaign load <文件> 载入；发送 /campaign 查看已有剧本。"
        ),
        En => format!(
            "There is no playbook named {name}. Load one on the server with hearth campaign load <file>; /campaign lists them."
        ),
    }
}

pub fn broken_playbook(lang: Lang, name: &str, error: &str) -> String {
    match lang {
        Zh => format!("剧本 {name} 有错误（{error}）；请修正后重新载入。"),
        En => format!("The playbook {name} has a mistake ({error}); fix it and load it again."),
    }
}

pub fn under_way(lang: Lang, name: &str, state: &str) -> String {
    match lang {
        Zh => format!(
            "活动 {name} 正在进行（{}）；要重新开始，先 /campaign stop {name}。",
            state_zh(state)
        ),
        En => format!(
            "The campaign {name} is under way ({state}); to start it again, /campaign stop {name} first."
        ),
    }
}

pub fn never_started(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("活动 {name} 还没有开始过；用 /campaign start {name} <日期> 开始。"),
        En => format!(
            "The campaign {name} was never started; /campaign start {name} <date> starts it."
        ),
    }
}

pub fn not_in_state(lang: Lang, name: &str, state: &str) -> String {
    match lang {
        Zh => format!("活动 {name} 当前{}，无法这样操作。", state_zh(state)),
        En => format!("The campaign {name} is {state}; that does not apply."),
    }
}

pub fn all_past(lang: Lang) -> &'static str {
    t(
        lang,
        "这个开始日期下，所有步骤都已过去；请选一个更晚的日期。",
        "With that start date every step is already past; pick a later date.",
    )
}

pub fn started(
    lang: Lang,
    name: &str,
    title: &str,
    date: &str,
    groups: usize,
    steps: usize,
) -> String {
    match lang {
        Zh => format!(
            "🚀 活动 {name}「{title}」已开始：第 1 天是 {date}，{groups} 个群，每群 {steps} 个步骤，按各群时区执行。发送 /campaign status {name} 查看进度。"
        ),
        En => format!(
            "🚀 Campaign {name} “{title}” started: day 1 is {date}, {}, {} in each, at each group's local times. /campaign status {name} follows it.",
            en_count(groups, "group", "groups"),
            en_count(steps, "step", "steps")
        ),
    }
}

pub fn skipped_past(lang: Lang, n: u64) -> String {
    match lang {
        Zh => format!("\n{n} 个已过时的步骤不会执行。"),
        En => format!(
            "\n{} skipped.",
            en_count(n, "step already past is", "steps already past are")
        ),
    }
}

pub fn paused(lang: Lang, name: &str) -> String {
    match lang {
        Zh => format!("⏸ 活动 {name} 已暂停；/campaign resume {name} 继续。"),
        En => format!("⏸ Campaign {name} paused; /campaign resume {name} goes on."),
    }
}

pub fn resumed(lang: Lang, name: &str, missed: u64) -> String {
    match (lang, missed) {
        (Zh, 0) => format!("▶️ 活动 {name} 已继续。"),
        (Zh, n) => format!("▶️ 活动 {name} 已继续；暂停期间错过的 {n} 个步骤不再执行。"),
        (En, 0) => format!("▶️ Campaign {name} resumed."),
        (En, n) => {
            format!(
                "▶️ Campaign {name} resumed; {} skipped.",
                en_count(
                    n,
                    "step missed while paused is",
                    "steps missed while paused are"
                )
            )
        }
    }
}

pub fn stopped(lang: Lang, name: &str, cancelled: u64) -> String {
    match lang {
        Zh => format!("⏹ 活动 {name} 已停止；取消了 {cancelled} 个未执行的步骤。"),
        En => format!(
            "⏹ Campaign {name} stopped; {} cancelled.",
            en_count(
                cancelled,
                "step still waiting is",
                "steps still waiting are"
            )
        ),
    }
}

fn state_zh(state: &str) -> &'static str {
    match state {
        "running" => "进行中",
        "paused" => "已暂停",
        "stopped" => "已停止",
        "done" => "已完成",
        _ => "状态未知",
    }
}

/// A campaign's state as the operator's language says it.
pub fn state(lang: Lang, state: &str) -> String {
    match lang {
        Zh => state_zh(state).to_owned(),
        En => state.to_owned(),
    }
}

pub fn list_header(lang: Lang) -> &'static str {
    t(lang, "剧本：", "Playbooks: ")
}

pub fn no_playbooks(lang: Lang) -> &'static str {
    t(
        lang,
        "还没有剧本。在服务器上运行 hearth campaign load <文件> 载入（示例：examples/double11.toml）。",
        "No playbooks yet. Load one on the server with hearth campaign load <file> (example: examples/double11.toml).",
    )
}

pub fn list_row(lang: Lang, name: &str, state_word: &str, date: &str) -> String {
    match lang {
        Zh => format!("\n· {name}：{state_word}，第 1 天 {date}"),
        En => format!("\n· {name}: {state_word}, day 1 {date}"),
    }
}

pub struct Status<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub state: &'a str,
    pub date: &'a str,
    pub groups: usize,
    pub steps: usize,
    pub done: usize,
    pub skipped: usize,
    pub last: Option<String>,
    pub next: Option<String>,
    pub newcomers: i64,
    pub invited: i64,
    pub draws: i64,
}

pub fn status(lang: Lang, s: &Status<'_>) -> String {
    let mut out = match lang {
        Zh => format!(
            "活动 {}「{}」：{}。第 1 天 {}，{} 个群。\n已完成 {} / {} 个步骤，跳过 {} 个。",
            s.name,
            s.title,
            state_zh(s.state),
            s.date,
            s.groups,
            s.done,
            s.steps,
            s.skipped
        ),
        En => format!(
            "Campaign {} “{}”: {}. Day 1 is {}, {}.\nDone {} of {}; {} skipped.",
            s.name,
            s.title,
            s.state,
            s.date,
            en_count(s.groups, "group", "groups"),
            s.done,
            en_count(s.steps, "step", "steps"),
            s.skipped
        ),
    };
    if let Some(last) = &s.last {
        out.push_str(&format!("\n{}{last}", t(lang, "上一步：", "Last: ")));
    }
    if let Some(next) = &s.next {
        out.push_str(&format!("\n{}{next}", t(lang, "下一步：", "Next: ")));
    }
    out.push_str(&match lang {
        Zh => format!(
            "\n至今：新成员 {} 人，有效邀请 {} 个，抽奖活动 {} 场。",
            s.newcomers, s.invited, s.draws
        ),
        En => format!(
            "\nSo far: {}, {}, {}.",
            en_count(s.newcomers, "newcomer", "newcomers"),
            en_count(s.invited, "effective invite", "effective invites"),
            en_count(s.draws, "draw", "draws")
        ),
    });
    out
}

/// "day 3 20:40 · /wheel open last now 21:30 (11-09 20:40)"
pub fn step_line(lang: Lang, day: u32, at: &str, summary: &str, local: &str) -> String {
    match lang {
        Zh => format!("第 {day} 天 {at} · {summary}（{local}）"),
        En => format!("day {day} {at} · {summary} ({local})"),
    }
}

/// The funnel's heading: a group's, or a campaign's since it started.
pub fn funnel_header(lang: Lang, scope: &str) -> String {
    match lang {
        Zh => format!("转化漏斗（{scope}）："),
        En => format!("Funnel ({scope}):"),
    }
}

pub fn funnel_scope_group(lang: Lang, title: &str) -> String {
    match lang {
        Zh => format!("{title}，全部入群成员"),
        En => format!("{title}, every join"),
    }
}

pub fn funnel_scope_campaign(lang: Lang, name: &str, since: &str, groups: usize) -> String {
    match lang {
        Zh => format!("活动 {name}，{since} 起，{groups} 个群"),
        En => format!(
            "campaign {name}, since {since}, {}",
            en_count(groups, "group", "groups")
        ),
    }
}

pub fn funnel_scope_all(lang: Lang, groups: usize) -> String {
    match lang {
        Zh => format!("你的 {groups} 个群，全部入群成员"),
        En => format!("your {}, every join", en_count(groups, "group", "groups")),
    }
}

pub fn funnel_stages(lang: Lang, s: [i64; 5]) -> String {
    match lang {
        Zh => format!(
            "\n加入 {} → 留存 7 天 {} → 发言 {} → 领券 {} → 核销 {}",
            s[0], s[1], s[2], s[3], s[4]
        ),
        En => format!(
            "\njoined {} → stayed 7 days {} → active {} → got a code {} → redeemed {}",
            s[0], s[1], s[2], s[3], s[4]
        ),
    }
}

pub fn funnel_by_inviter(lang: Lang) -> &'static str {
    t(lang, "\n按邀请人：", "\nBy inviter:")
}

pub fn funnel_row(name: &str, s: [i64; 5]) -> String {
    format!(
        "\n· {name}: {} → {} → {} → {} → {}",
        s[0], s[1], s[2], s[3], s[4]
    )
}

pub fn funnel_nobody(lang: Lang) -> &'static str {
    t(lang, "无邀请人", "nobody")
}

pub fn funnel_campaign_needs_operator(lang: Lang) -> &'static str {
    t(
        lang,
        "活动的漏斗涵盖多个群，仅限运营者查看；/funnel 查看本群。",
        "A campaign's funnel spans groups and is for operators; /funnel shows this group.",
    )
}
