//! Screening newcomers: a suspicion score with the reasons behind it.
//!
//! Operators audit an invite contest by eye, member by member, on its last
//! day: ad accounts and fake members share tell-tale display names. Each
//! rule here is one such tell, worth some points; a newcomer at or above the
//! threshold waits in the review queue for an admin's decision. Hearth never
//! removes anyone on a name alone unless the operator asks it to.

use serde::{Deserialize, Serialize};

use crate::domain::Lang;

/// Markers of marketing accounts, as seen in real campaigns' groups.
pub const DEFAULT_MARKERS: &[&str] = &[
    "宝宝", "代理", "微商", "兼职", "招聘", "加微", "加v", "vx", "wx", "微信", "推广", "引流",
    "客服", "福利", "返利", "代购", "批发", "货源", "刷单", "贷款",
];

/// Points at or above which a newcomer is a suspect.
pub const DEFAULT_THRESHOLD: u32 = 40;
/// The highest threshold that means anything (every rule at once scores less).
pub const MAX_THRESHOLD: u32 = 500;
/// Marketing words a group may hold, and how long one may be.
pub const MAX_MARKERS: usize = 200;
pub const MAX_MARKER_CHARS: usize = 30;
/// The highest joins-per-minute raid limit.
pub const MAX_RAID_JOINS: u32 = 10_000;

/// One reason a name looks like an ad account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "rule", content = "found")]
pub enum Reason {
    /// Starts with "A" followed by something other than a Latin name
    /// ("A雅琴", "AAA批发"): sorts to the top of member lists.
    StartsWithA,
    /// Mostly digits and symbols.
    DigitsAndSymbols,
    /// A marketing marker, such as 代理 or 微商.
    Marker(String),
    /// A "sister" name (芳姐, 小雅姐), the classic sales persona.
    Sister,
    /// A link or a handle to contact elsewhere.
    Link,
    /// A phone number.
    Phone,
    /// A doubled given name alone (芬芬, 莉莉).
    Doubled,
    /// A Telegram account id above the operator's "recent" mark: accounts
    /// made for a campaign are days old.
    NewAccount,
    /// Joined and left this many of the operator's other groups within
    /// minutes: a bot sweeping groups for members to spam.
    GroupHopper(u32),
    /// A bio that sells: a marketing word, a link or a phone number (what
    /// was found is kept, so admins see it).
    SellingBio(String),
    /// No username and no profile photo: an account nobody took the time
    /// to make look like a person.
    Faceless,
}

impl Reason {
    /// How much the reason weighs.
    pub fn points(&self) -> u32 {
        match self {
            Reason::Link | Reason::Phone => 60,
            Reason::Marker(_) | Reason::Sister => 50,
            Reason::StartsWithA | Reason::DigitsAndSymbols => 40,
            Reason::Doubled | Reason::NewAccount => 25,
            Reason::GroupHopper(_) => 40,
            Reason::SellingBio(_) => 50,
            Reason::Faceless => 20,
        }
    }

    /// The reason as admins read it in the review queue.
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (Reason::StartsWithA, Lang::Zh) => "以 A 开头（排在成员列表最前）".to_owned(),
            (Reason::StartsWithA, Lang::En) => {
                "starts with A (sorts first in member lists)".to_owned()
            }
            (Reason::DigitsAndSymbols, Lang::Zh) => "名字多为数字或符号".to_owned(),
            (Reason::DigitsAndSymbols, Lang::En) => "mostly digits or symbols".to_owned(),
            (Reason::Marker(m), Lang::Zh) => format!("含营销词「{m}」"),
            (Reason::Marker(m), Lang::En) => format!("marketing word “{m}”"),
            (Reason::Sister, Lang::Zh) => "「某某姐」式昵称".to_owned(),
            (Reason::Sister, Lang::En) => "a “sister” sales persona (…姐)".to_owned(),
            (Reason::Link, Lang::Zh) => "含链接或联系方式".to_owned(),
            (Reason::Link, Lang::En) => "a link or contact handle".to_owned(),
            (Reason::Phone, Lang::Zh) => "含电话号码".to_owned(),
            (Reason::Phone, Lang::En) => "a phone number".to_owned(),
            (Reason::Doubled, Lang::Zh) => "叠字名（如芬芬）".to_owned(),
            (Reason::Doubled, Lang::En) => "a doubled given name (like 芬芬)".to_owned(),
            (Reason::NewAccount, Lang::Zh) => "新注册的账号".to_owned(),
            (Reason::NewAccount, Lang::En) => "a recently made account".to_owned(),
            (Reason::GroupHopper(n), Lang::Zh) => format!("几分钟内进出了 {n} 个同运营者的群"),
            (Reason::GroupHopper(n), Lang::En) => {
                format!("joined and left {n} of the operator's groups within minutes")
            }
            (Reason::SellingBio(found), Lang::Zh) => format!("简介在推销（{found}）"),
            (Reason::SellingBio(found), Lang::En) => format!("a bio that sells ({found})"),
            (Reason::Faceless, Lang::Zh) => "没有用户名也没有头像".to_owned(),
            (Reason::Faceless, Lang::En) => "no username and no profile photo".to_owned(),
        }
    }
}

/// Where a group's rules come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RulesSource {
    /// Set for the group with `/screening`.
    Group,
    /// The operator's rules file (`hearth screening set`).
    Operator,
    Defaults,
}

/// The rules a group screens with: set per group by `/screening`, per
/// operator in a rules file (`hearth screening set`), or the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Rules {
    /// Points at or above which a newcomer waits for review.
    pub threshold: u32,
    /// Points at or above which a newcomer is removed without asking, with
    /// a daily report to the operator; `None`: admins decide every case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_remove: Option<u32>,
    /// Telegram ids above this count as recently made accounts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_account_above: Option<i64>,
    /// Joins in one minute that start raid mode; 0: never.
    pub raid_joins: u32,
    /// Marketing words, matched anywhere in a name, in any case.
    pub markers: Vec<String>,
}

impl Default for Rules {
    fn default() -> Self {
        Self {
            threshold: DEFAULT_THRESHOLD,
            auto_remove: None,
            new_account_above: None,
            raid_joins: crate::rituals::raids::rules::DEFAULT_RAID_JOINS,
            markers: DEFAULT_MARKERS.iter().map(|m| (*m).to_owned()).collect(),
        }
    }
}

impl Rules {
    /// Reads a rules file (TOML); an error names the line and the field.
    pub fn from_toml(text: &str) -> Result<Self, String> {
        let rules: Rules = toml::from_str(text).map_err(|e| e.to_string())?;
        rules.check().map(|()| rules)
    }

    /// The rules as a file an operator can edit and load back.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Limits a file or a command must respect.
    pub fn check(&self) -> Result<(), String> {
        if !(1..=MAX_THRESHOLD).contains(&self.threshold) {
            return Err(format!("threshold: must be 1 to {MAX_THRESHOLD}"));
        }
        if let Some(auto) = self.auto_remove
            && !(self.threshold..=MAX_THRESHOLD).contains(&auto)
        {
            return Err(format!(
                "auto_remove: must be from the threshold ({}) to {MAX_THRESHOLD}",
                self.threshold
            ));
        }
        if self.new_account_above.is_some_and(|id| id <= 0) {
            return Err("new_account_above: must be a positive Telegram id".to_owned());
        }
        if self.raid_joins > MAX_RAID_JOINS {
            return Err(format!(
                "raid_joins: at most {MAX_RAID_JOINS} (0 turns raid mode off)"
            ));
        }
        if self.markers.len() > MAX_MARKERS {
            return Err(format!("markers: at most {MAX_MARKERS} words"));
        }
        if let Some(bad) = self.markers.iter().find(|m| {
            m.trim().is_empty()
                || m.chars().count() > MAX_MARKER_CHARS
                || m.chars().any(char::is_control)
        }) {
            return Err(format!(
                "markers: {bad:?} must hold 1 to {MAX_MARKER_CHARS} characters"
            ));
        }
        Ok(())
    }
}

/// What screening found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Suspicion {
    pub score: u32,
    pub reasons: Vec<Reason>,
}

impl Suspicion {
    pub fn is_suspect(&self, rules: &Rules) -> bool {
        self.score >= rules.threshold
    }
}

/// Other groups of the operator a newcomer joined and left within
/// `HOP_MINUTES` before this join, from which on they look like a sweeper.
pub const HOPS: u32 = 2;
pub const HOP_MINUTES: i64 = 10;

/// Screens a newcomer: their display name, on Telegram how recent their
/// account looks (`telegram_id`), and how many of the operator's other
/// groups they just joined and left (`hops`).
pub fn screen_newcomer(
    name: &str,
    telegram_id: Option<i64>,
    hops: u32,
    rules: &Rules,
) -> Suspicion {
    let mut found = screen(name, rules);
    let mut add = |reason: Reason| {
        found.score += reason.points();
        found.reasons.push(reason);
    };
    if let (Some(id), Some(mark)) = (telegram_id, rules.new_account_above)
        && id > mark
    {
        add(Reason::NewAccount);
    }
    if hops >= HOPS {
        add(Reason::GroupHopper(hops));
    }
    found
}

/// What a platform shows of an account beyond its name, read after the
/// join (Telegram's `getChat`); `None` fields are what it did not show.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Profile {
    pub bio: Option<String>,
    pub username: Option<String>,
    pub has_photo: bool,
}

/// The tells in a newcomer's profile: a bio that sells, and an account
/// with neither a username nor a photo.
pub fn screen_profile(profile: &Profile, rules: &Rules) -> Vec<Reason> {
    let mut reasons = Vec::new();
    if let Some(found) = profile.bio.as_deref().and_then(|bio| selling(bio, rules)) {
        reasons.push(Reason::SellingBio(found));
    }
    let no_username = profile
        .username
        .as_deref()
        .is_none_or(|u| u.trim().is_empty());
    if no_username && !profile.has_photo {
        reasons.push(Reason::Faceless);
    }
    reasons
}

/// What in a bio sells: a marketing word, else a link, else a phone number.
/// A bio is a sentence, so a "@handle" alone is not enough here: people
/// name their other accounts; a link or a number is an invitation to buy.
fn selling(bio: &str, rules: &Rules) -> Option<String> {
    let lower = bio.to_lowercase();
    if let Some(marker) = rules
        .markers
        .iter()
        .find(|m| !m.is_empty() && lower.contains(lowercase(m).as_ref()))
    {
        return Some(marker.clone());
    }
    let link = ["http", "www.", "t.me/", ".com", ".cn", ".net"]
        .iter()
        .find(|m| lower.contains(*m));
    if let Some(link) = link {
        return Some((*link).to_owned());
    }
    has_phone(bio).then(|| "phone".to_owned())
}

/// Screens a display name.
pub fn screen(name: &str, rules: &Rules) -> Suspicion {
    let name = name.trim();
    let lower = name.to_lowercase();
    let mut reasons = Vec::new();
    if starts_with_a(name) {
        reasons.push(Reason::StartsWithA);
    }
    if mostly_digits_and_symbols(name) {
        reasons.push(Reason::DigitsAndSymbols);
    }
    if let Some(marker) = rules
        .markers
        .iter()
        .find(|m| !m.is_empty() && lower.contains(lowercase(m).as_ref()))
    {
        reasons.push(Reason::Marker(marker.clone()));
    }
    if is_sister(name) {
        reasons.push(Reason::Sister);
    }
    if has_link(&lower) {
        reasons.push(Reason::Link);
    }
    if has_phone(name) {
        reasons.push(Reason::Phone);
    }
    if is_doubled(name) {
        reasons.push(Reason::Doubled);
    }
    Suspicion {
        score: reasons.iter().map(Reason::points).sum(),
        reasons,
    }
}

/// `text` in lower case, copied only when lowering changes it: markers are
/// mostly Chinese, and every newcomer is checked against all of them.
fn lowercase(text: &str) -> std::borrow::Cow<'_, str> {
    if text
        .chars()
        .any(|c| c.to_lowercase().ne(std::iter::once(c)))
    {
        std::borrow::Cow::Owned(text.to_lowercase())
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4e00}'..='\u{9fff}' | '\u{3400}'..='\u{4dbf}')
}

/// "A雅琴", "A 小美", "AAA批发", "A-推广": an A that is not the start of a
/// Latin name like Alice or Andrew.
fn starts_with_a(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some('A' | 'Ａ') => !chars.next().is_some_and(|c| c.is_ascii_lowercase()),
        _ => false,
    }
}

/// "8888888", "★★★☆", "1️⃣2️⃣3️⃣": at least four characters, and under a
/// third of them letters or CJK ("john1985" and "bob59f303a76" are names).
fn mostly_digits_and_symbols(name: &str) -> bool {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let plain = chars
        .iter()
        .filter(|c| c.is_alphabetic() && !c.is_numeric())
        .count();
    chars.len() >= 4 && plain * 3 < chars.len()
}

/// A name ending in 姐 (芳姐, 小雅姐姐), short enough to be a persona rather
/// than a sentence.
fn is_sister(name: &str) -> bool {
    let cjk: Vec<char> = name.chars().filter(|c| is_cjk(*c)).collect();
    let ends = cjk.last() == Some(&'姐');
    let stem = cjk.iter().filter(|c| **c != '姐').count();
    ends && (1..=3).contains(&stem)
}

fn has_link(lower: &str) -> bool {
    ["http", "www.", "t.me/", ".com", ".cn", ".net", "@"]
        .iter()
        .any(|m| lower.contains(m))
}

/// Seven or more digits in a row, spaces and dashes allowed between them.
fn has_phone(name: &str) -> bool {
    let mut run = 0;
    for c in name.chars() {
        if c.is_ascii_digit() {
            run += 1;
            if run >= 7 {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.') {
            run = 0;
        }
    }
    false
}

/// Exactly one CJK character doubled and nothing else: 芬芬, 莉莉.
fn is_doubled(name: &str) -> bool {
    let chars: Vec<char> = name.chars().collect();
    chars.len() == 2 && chars[0] == chars[1] && is_cjk(chars[0])
}

#[cfg(test)]
mod tests;
