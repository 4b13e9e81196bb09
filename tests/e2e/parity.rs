//! One scenario list, two drivers. Each scenario is written once against
//! [`Community`] (people, a group, what the bot said) and runs on Telegram
//! (the loopback Bot API server) and on Matrix (a real Synapse), so parity
//! between the platforms is checked, not promised: the same steps must bring
//! the same words and the same mentions. Commands are written with `/`; the
//! Matrix driver types them with `!` and reads the bot's `!` back as `/`.
//!
//! Both drivers run on SQLite: the other suites run the store on both
//! databases, and this one is about the platforms.

use crate::support;
use std::time::{Duration, Instant};

use std::collections::HashMap;

use async_trait::async_trait;
use hearth::{
    cli::coupons as coupon_import,
    rituals::coupons::rules::{PoolName, read_codes},
};
use serde_json::Value;
use support::{
    OPERATOR, TestApp, TestDb,
    matrix::{MxApp, MxUser, body},
    ready_wheel, user,
};

/// Runs each scenario `async fn name(c: impl Community)` once per platform.
macro_rules! on_both_platforms {
    ($($name:ident),* $(,)?) => {
        mod telegram {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Telegram::start().await).await
                }
            )*
        }
        mod matrix {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Matrix::start().await).await
                }
            )*
        }
    };
}

on_both_platforms!(
    an_invite_chain_greets_the_newcomer_and_the_inviter,
    a_public_join_is_greeted_without_an_inviter,
    a_leaver_stops_counting_and_a_rejoin_credits_the_first_inviter,
    a_member_is_refused_admin_commands,
    a_restart_greets_and_counts_nothing_twice,
    an_envelope_is_grabbed_with_the_platforms_button_and_its_results_follow,
    a_newcomer_who_asks_to_join_is_credited_to_whoever_let_them_in,
    a_burst_of_50_joins_is_greeted_in_few_messages,
    a_wheel_is_spun_with_the_platforms_button_and_by_command,
    a_won_code_goes_to_the_winners_private_chat_and_never_to_the_group,
    a_hostile_name_is_shown_as_typed_and_never_read_as_markup,
);

/// A person in a scenario: an index into the driver's people. The operator,
/// who brought the bot, is always `OP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Who(usize);

const OP: Who = Who(0);

/// A message of the bot in the group, as a member reads it.
#[derive(Debug, Clone)]
struct Said {
    text: String,
    /// Who it notifies, in order.
    mentions: Vec<Who>,
}

/// A group with the bot in it, on some platform: what a scenario can do and
/// see. The operator brought the bot in and is in the group.
#[async_trait]
trait Community: Send {
    /// Someone new to the platform, shown as `name`, not in the group yet.
    async fn person(&mut self, name: &str) -> Who;
    /// `inviter` brings `newcomer` in the platform's way (Telegram: the
    /// inviter's link from `/invite`; Matrix: an invite, then a join).
    async fn invite(&mut self, inviter: Who, newcomer: Who);
    /// Joins on their own, with nobody inviting.
    async fn join_public(&mut self, who: Who);
    async fn leave(&mut self, who: Who);
    /// Sends a command (written with `/`) and returns the bot's answer.
    async fn ask(&mut self, who: Who, command: &str) -> String;
    /// Takes the bot's offer on its latest message that contains `needle`,
    /// the platform's way: Telegram's button (whose label starts with
    /// `key`), Matrix's reaction `key`.
    async fn press(&mut self, who: Who, needle: &str, key: &str);
    /// As [`Community::press`], and returns what the presser alone is told
    /// (Telegram: the pop-up; Matrix, which has none: the bot's answer in the
    /// group, without the name it is addressed to).
    async fn press_for_answer(&mut self, who: Who, needle: &str, key: &str) -> String;
    /// Everything the bot said in the group so far.
    async fn said(&self) -> Vec<Said>;
    /// Stops the bot abruptly and starts it again on the same database.
    async fn restart(&mut self);
    /// The operator restarts the bot with another least time between
    /// greetings (`HEARTH_GREET_INTERVAL_SECS`).
    async fn restart_greeting_every(&mut self, interval: Duration);
    /// `n` new people join on their own, all at once. Returns them, and how
    /// long the platform took to take every join in.
    async fn crowd_joins(&mut self, n: usize) -> (Vec<Who>, Duration);
    /// From now on newcomers ask to join and a member lets them in (Matrix:
    /// the join rule becomes `knock`; Telegram: the group goes public, and
    /// members' links become join-request links).
    async fn require_asking(&mut self);
    /// `asker` asks to join and `letter` lets them in (Matrix: a knock that
    /// `letter` answers with an invite; Telegram: a join request through
    /// `letter`'s link, which the bot approves).
    async fn ask_to_join(&mut self, asker: Who, letter: Who);
    /// `who` opens a private chat with the bot (Telegram: `/start` in
    /// private; Matrix: a direct room with the bot).
    async fn open_private(&mut self, who: Who);
    /// What the bot said to `who` in private, once it said at least `n`.
    async fn private(&self, who: Who, n: usize) -> Vec<String>;
    /// The bot's database, which the operator's `hearth` commands work on.
    fn database(&self) -> &str;
    /// The operator who runs the group.
    fn operator(&self) -> hearth::domain::UserId;
}

/// The greetings that welcome `newcomer`, once there are at least `n`.
async fn greetings(c: &impl Community, newcomer: Who, n: usize) -> Vec<Said> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<Said> = c
            .said()
            .await
            .into_iter()
            .filter(|s| s.mentions.first() == Some(&newcomer) && s.text.contains("Welcome"))
            .collect();
        if found.len() >= n {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "{newcomer:?} greeted {} times, expected {n}: {:#?}",
            found.len(),
            c.said().await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// New people, one per name, in order.
async fn people<const N: usize>(c: &mut impl Community, names: [&str; N]) -> [Who; N] {
    let mut out = [OP; N];
    for (slot, name) in out.iter_mut().zip(names) {
        *slot = c.person(name).await;
    }
    out
}

/// `who` joins on their own and is greeted.
async fn arrives(c: &mut impl Community, who: Who) {
    c.join_public(who).await;
    greetings(c, who, 1).await;
}

async fn an_invite_chain_greets_the_newcomer_and_the_inviter(mut c: impl Community) {
    let [amy, ben] = people(&mut c, ["Amy", "Ben"]).await;
    c.invite(OP, amy).await;
    greetings(&c, amy, 1).await;
    c.invite(amy, ben).await;
    let greeting = greetings(&c, ben, 1).await.remove(0);
    assert_eq!(greeting.mentions, vec![ben, amy], "{}", greeting.text);
    assert!(
        greeting.text.contains("Amy (effective invites: 1, rank #"),
        "{}",
        greeting.text
    );
    let mine = c.ask(amy, "/myinvites").await;
    assert!(mine.contains("you have 1 effective invite, rank"), "{mine}");
    let top = c.ask(ben, "/top").await;
    assert_eq!(
        top,
        "🏆 Effective invites leaderboard\n1. Operator — 1\n2. Amy — 1"
    );
}

async fn a_public_join_is_greeted_without_an_inviter(mut c: impl Community) {
    let cy = c.person("Cy").await;
    c.join_public(cy).await;
    let greeting = greetings(&c, cy, 1).await.remove(0);
    assert_eq!(greeting.mentions, vec![cy], "{}", greeting.text);
    assert!(
        !greeting.text.contains("effective invites ("),
        "{}",
        greeting.text
    );
    let top = c.ask(cy, "/top").await;
    assert_eq!(
        top,
        "Nobody has an effective invite yet. Send /invite to bring friends and be the first!"
    );
}

async fn a_leaver_stops_counting_and_a_rejoin_credits_the_first_inviter(mut c: impl Community) {
    let [amy, ben, cy] = people(&mut c, ["Amy", "Ben", "Cy"]).await;
    arrives(&mut c, amy).await;
    arrives(&mut c, cy).await;
    c.invite(amy, ben).await;
    greetings(&c, ben, 1).await;
    c.leave(ben).await;
    let top = c.ask(amy, "/top").await;
    assert!(
        top.starts_with("Nobody has an effective invite yet"),
        "{top}"
    );
    // Cy brings Ben back: he counts once, for Amy, who brought him first.
    c.invite(cy, ben).await;
    let again = greetings(&c, ben, 2).await.remove(1);
    assert_eq!(again.mentions, vec![ben, amy], "{}", again.text);
    let top = c.ask(amy, "/top").await;
    assert_eq!(top, "🏆 Effective invites leaderboard\n1. Amy — 1");
}

async fn a_member_is_refused_admin_commands(mut c: impl Community) {
    let amy = c.person("Amy").await;
    arrives(&mut c, amy).await;
    let refused = c.ask(amy, "/setwelcome Hi {newcomer}").await;
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    let allowed = c.ask(OP, "/setwelcome Hi {newcomer}").await;
    assert!(
        allowed.starts_with("✅ Welcome template saved. Preview:\nHi "),
        "{allowed}"
    );
}

async fn a_restart_greets_and_counts_nothing_twice(mut c: impl Community) {
    let [amy, ben, cy] = people(&mut c, ["Amy", "Ben", "Cy"]).await;
    arrives(&mut c, amy).await;
    c.invite(amy, ben).await;
    greetings(&c, ben, 1).await;
    c.restart().await;
    c.invite(amy, cy).await;
    greetings(&c, cy, 1).await;
    let mine = c.ask(amy, "/myinvites").await;
    assert!(mine.contains("you have 2 effective invites"), "{mine}");
    // Give a replay the time to show: still one greeting each.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(greetings(&c, ben, 1).await.len(), 1);
    assert_eq!(greetings(&c, amy, 1).await.len(), 1);
}

async fn an_envelope_is_grabbed_with_the_platforms_button_and_its_results_follow(
    mut c: impl Community,
) {
    let [amy, ben] = people(&mut c, ["Amy", "Ben"]).await;
    arrives(&mut c, amy).await;
    arrives(&mut c, ben).await;
    let refused = c.ask(amy, "/envelope 10 2").await;
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    let post = c.ask(OP, "/envelope 10 2 a sticker pack").await;
    assert!(
        post.starts_with("Operator posted lucky red envelope #1: 10 in 2 shares."),
        "{post}"
    );
    c.press(amy, "lucky red envelope #1", "🧧").await;
    c.press(ben, "lucky red envelope #1", "🧧").await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let results = loop {
        let said = c.said().await;
        if let Some(results) = said
            .iter()
            .find(|s| s.text.starts_with("🧧 Envelope #1 results"))
        {
            break results.clone();
        }
        assert!(Instant::now() < deadline, "no results: {said:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let mut lines = results.text.lines();
    assert_eq!(
        lines.next(),
        Some("🧧 Envelope #1 results (2 of 2 shares grabbed):")
    );
    let rows: Vec<&str> = lines.take(2).collect();
    assert!(rows[0].starts_with("1. Amy "), "{}", results.text);
    assert!(rows[1].starts_with("2. Ben "), "{}", results.text);
    let total: u64 = rows
        .iter()
        .map(|r| r.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 10, "{}", results.text);
    assert!(
        results.text.contains("who also gets a sticker pack"),
        "{}",
        results.text
    );
    // Only the luckiest is notified.
    assert_eq!(results.mentions.len(), 1, "{results:?}");
    assert!([amy, ben].contains(&results.mentions[0]), "{results:?}");
}

async fn a_newcomer_who_asks_to_join_is_credited_to_whoever_let_them_in(mut c: impl Community) {
    let [amy, dan] = people(&mut c, ["Amy", "Dan"]).await;
    arrives(&mut c, amy).await;
    c.require_asking().await;
    c.ask_to_join(dan, amy).await;
    let greeting = greetings(&c, dan, 1).await.remove(0);
    assert_eq!(greeting.mentions, vec![dan, amy], "{}", greeting.text);
    assert!(
        greeting
            .text
            .contains("Thanks to Amy (effective invites: 1, rank #1)."),
        "{}",
        greeting.text
    );
    let top = c.ask(dan, "/top").await;
    assert_eq!(top, "🏆 Effective invites leaderboard\n1. Amy — 1");
}

async fn a_burst_of_50_joins_is_greeted_in_few_messages(mut c: impl Community) {
    // Joins come at the platform's pace: at once on Telegram, one after
    // another on Matrix (Synapse persists a room's joins in turn, 10 to 25 s
    // for 50). The greeter posts at most one greeting per interval and folds
    // every join waiting by then into it, so the messages are bounded by how
    // long the joins took, not by how many there were.
    let interval = Duration::from_secs(2);
    c.restart_greeting_every(interval).await;
    let before = c.said().await.len();
    let (crowd, span) = c.crowd_joins(50).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (greetings, mentioned) = loop {
        let greetings: Vec<Said> = c.said().await.split_off(before);
        let mentioned: Vec<Who> = greetings
            .iter()
            .flat_map(|s| s.mentions.iter().copied())
            .collect();
        if mentioned.len() >= crowd.len() {
            break (greetings, mentioned);
        }
        assert!(
            Instant::now() < deadline,
            "{} of 50 greeted",
            mentioned.len()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let mut each = mentioned.clone();
    each.sort_by_key(|w| w.0);
    assert_eq!(each, crowd, "each newcomer mentioned once");
    // One greeting per interval the joins spanned, plus the first; a
    // message mentions at most 25 people, so 50 need two. However slow the
    // homeserver, never more than one message per two joins.
    let intervals = (span.as_secs_f64() / interval.as_secs_f64()).floor() as usize;
    let bound = intervals + 1 + crowd.len().div_ceil(25);
    assert!(
        greetings.len() <= bound.min(25),
        "{} greeting messages for 50 joins over {span:?}",
        greetings.len()
    );
}

async fn a_wheel_is_spun_with_the_platforms_button_and_by_command(mut c: impl Community) {
    let [amy, ben] = people(&mut c, ["Amy", "Ben"]).await;
    arrives(&mut c, amy).await;
    arrives(&mut c, ben).await;
    let refused = c.ask(amy, "/wheel new Pen*1:1 Thanks:9").await;
    assert_eq!(
        refused,
        "That command is for group admins and operators only."
    );
    let ready = c.ask(OP, "/wheel new Pen*1:1 Thanks:9").await;
    let id = ready_wheel(&ready);
    let post = c.ask(OP, &format!("/wheel open {id}")).await;
    assert!(
        post.starts_with(&format!("Operator opened spin wheel #{id}:")),
        "{post}"
    );
    let told = c
        .press_for_answer(amy, &format!("spin wheel #{id}"), "🎡")
        .await;
    let won = |told: &str| {
        let prize = told
            .strip_prefix("🎡 You won: ")
            .and_then(|p| p.strip_suffix('!'))
            .unwrap_or_else(|| panic!("not a win: {told}"))
            .to_owned();
        assert!(["Pen", "Thanks"].contains(&prize.as_str()), "{prize}");
        prize
    };
    let amys = won(&told);
    let again = c.ask(amy, "/spin").await;
    assert_eq!(again, format!("Amy You already spun: {amys}"));
    let spun = c.ask(ben, "/spin").await;
    let bens = won(spun.strip_prefix("Ben ").unwrap_or(&spun));
    assert!(amys != "Pen" || bens != "Pen", "one pen only");

    let results = c.ask(OP, &format!("/wheel close {id}")).await;
    let mut expected = format!("🎡 Wheel #{id} results (2 spins):");
    let pen: Vec<&str> = [("Amy", &amys), ("Ben", &bens)]
        .iter()
        .filter(|(_, p)| p.as_str() == "Pen")
        .map(|(n, _)| *n)
        .collect();
    if let Some(winner) = pen.first() {
        expected.push_str(&format!("\nPen: {winner}"));
    }
    let thanks = 2 - pen.len();
    if thanks > 0 {
        let members = if thanks == 1 { "member" } else { "members" };
        expected.push_str(&format!("\nThanks: {thanks} {members}"));
    }
    assert!(
        results.starts_with(&expected),
        "{results}\nexpected {expected}"
    );
}

async fn a_won_code_goes_to_the_winners_private_chat_and_never_to_the_group(mut c: impl Community) {
    let amy = c.person("Amy").await;
    arrives(&mut c, amy).await;
    // The operator loads the codes with `hearth coupons import tea codes.csv`.
    let store = hearth::store::Store::connect(c.database()).await.unwrap();
    let codes = read_codes(b"TEA-0001\n").unwrap();
    let pool = PoolName::parse("tea").unwrap();
    let owner = c.operator();
    coupon_import::import(&store, &pool, &owner, &codes, Default::default(), |_, _| {})
        .await
        .unwrap();
    c.open_private(amy).await;
    let hello = c.private(amy, 1).await;
    assert!(!hello[0].contains("TEA-"), "{hello:?}");

    let id = ready_wheel(&c.ask(OP, "/wheel new Tea[tea]*1:1").await);
    c.ask(OP, &format!("/wheel open {id}")).await;
    let told = c
        .press_for_answer(amy, &format!("spin wheel #{id}"), "🎡")
        .await;
    assert_eq!(
        told,
        "🎡 You won: Tea! Your code is in your private chat with me."
    );
    let private = c.private(amy, hello.len() + 1).await;
    let code = private.last().unwrap();
    assert!(code.starts_with("🎟 Your code for Tea: TEA-0001"), "{code}");
    let said = c.said().await;
    assert!(
        !said.iter().any(|s| s.text.contains("TEA-")),
        "a code in the group: {said:#?}"
    );
}

async fn a_hostile_name_is_shown_as_typed_and_never_read_as_markup(mut c: impl Community) {
    // Markup, an entity that must not be decoded, and a fake mention.
    let name = r#"<b>Eve</b> &amp; <a href="https://x.io">@Amy</a>"#;
    let [amy, eve] = people(&mut c, ["Amy", name]).await;
    arrives(&mut c, amy).await;
    c.invite(amy, eve).await;
    let greeting = greetings(&c, eve, 1).await.remove(0);
    assert_eq!(greeting.mentions, vec![eve, amy], "{}", greeting.text);
    assert!(greeting.text.contains(name), "{}", greeting.text);
    let top = c.ask(eve, "/top").await;
    assert_eq!(top, "🏆 Effective invites leaderboard\n1. Amy — 1");
    let mine = c.ask(eve, "/myinvites").await;
    assert_eq!(
        mine,
        format!("{name}, you have no effective invites yet. Send /invite to bring friends.")
    );
}

/// Telegram: the real application against the loopback Bot API server.
struct Telegram {
    app: TestApp,
    /// Each person's user id and first name; the operator first.
    people: Vec<(i64, String)>,
}

const GROUP: i64 = -1300;

impl Telegram {
    async fn start() -> Self {
        let app = TestApp::spawn(TestDb::sqlite()).await;
        app.group_with_bot(GROUP).await;
        Self {
            app,
            people: vec![(OPERATOR, "Operator".to_owned())],
        }
    }

    fn user(&self, who: Who) -> Value {
        let (id, name) = &self.people[who.0];
        user(*id, name)
    }
}

#[async_trait]
impl Community for Telegram {
    async fn person(&mut self, name: &str) -> Who {
        self.people
            .push((100 + self.people.len() as i64, name.to_owned()));
        Who(self.people.len() - 1)
    }

    async fn invite(&mut self, inviter: Who, newcomer: Who) {
        let link = self.app.invite_link(GROUP, &self.user(inviter)).await;
        self.app.join_via_link(GROUP, &self.user(newcomer), &link);
    }

    async fn join_public(&mut self, who: Who) {
        self.app.join_public(GROUP, &self.user(who));
    }

    async fn leave(&mut self, who: Who) {
        self.app.leave(GROUP, &self.user(who));
    }

    async fn ask(&mut self, who: Who, command: &str) -> String {
        self.app.ask(GROUP, &self.user(who), command).await.plain()
    }

    async fn press(&mut self, who: Who, needle: &str, key: &str) {
        let (message, data) = self.offer(needle, key);
        self.app.press(GROUP, message, &self.user(who), &data);
    }

    async fn press_for_answer(&mut self, who: Who, needle: &str, key: &str) -> String {
        let (message, data) = self.offer(needle, key);
        self.app
            .press_for_answer(GROUP, message, &self.user(who), &data)
            .await
    }

    async fn said(&self) -> Vec<Said> {
        self.app
            .tg
            .sent_to(GROUP)
            .iter()
            .map(|sent| Said {
                text: sent.plain(),
                mentions: sent
                    .mentions()
                    .iter()
                    .filter_map(|id| self.people.iter().position(|(p, _)| p == id).map(Who))
                    .collect(),
            })
            .collect()
    }

    async fn restart(&mut self) {
        self.app.restart().await;
    }

    async fn restart_greeting_every(&mut self, interval: Duration) {
        self.app.greet_interval = interval;
        self.app.restart().await;
    }

    async fn crowd_joins(&mut self, n: usize) -> (Vec<Who>, Duration) {
        let mut crowd = Vec::with_capacity(n);
        for i in 0..n {
            crowd.push(self.person(&format!("N{i}")).await);
        }
        let started = Instant::now();
        for who in &crowd {
            self.app.join_public(GROUP, &self.user(*who));
        }
        self.app.tg.wait_until_consumed().await;
        (crowd, started.elapsed())
    }

    async fn require_asking(&mut self) {
        self.app.tg.set_username(GROUP, "parity_group");
    }

    async fn ask_to_join(&mut self, asker: Who, letter: Who) {
        let link = self.app.invite_link(GROUP, &self.user(letter)).await;
        let made = self.app.tg.calls("createChatInviteLink");
        assert_eq!(made.last().unwrap()["creates_join_request"], true);
        let before = self.app.tg.calls("approveChatJoinRequest").len();
        self.app.tg.push(
            "chat_join_request",
            serde_json::json!({
                "chat": support::botapi::chat_json(GROUP), "from": self.user(asker), "user_chat_id": self.people[asker.0].0,
                "date": 1_700_000_000,
                "invite_link": {
                    "invite_link": link, "creator": support::bot(),
                    "creates_join_request": true, "is_primary": false, "is_revoked": false
                }
            }),
        );
        let approved = self
            .app
            .tg
            .wait_for_call("approveChatJoinRequest", |c| c.len() > before)
            .await;
        assert_eq!(approved[before]["user_id"], self.people[asker.0].0);
        // Telegram then reports the join without the link.
        self.app.join_public(GROUP, &self.user(asker));
    }

    async fn open_private(&mut self, who: Who) {
        let id = self.people[who.0].0;
        self.app.say(id, &self.user(who), "/start");
    }

    async fn private(&self, who: Who, n: usize) -> Vec<String> {
        let id = self.people[who.0].0;
        self.app
            .tg
            .wait_for(id, n)
            .await
            .iter()
            .map(|s| s.plain())
            .collect()
    }

    fn database(&self) -> &str {
        &self.app.db.url
    }

    fn operator(&self) -> hearth::domain::UserId {
        hearth::domain::UserId::telegram(support::OPERATOR)
    }
}

impl Telegram {
    /// The message id and button data of the bot's latest offer in the
    /// group whose text contains `needle`; its button's label starts with
    /// `key`.
    fn offer(&self, needle: &str, key: &str) -> (i64, String) {
        let sent = self.app.tg.sent_to(GROUP);
        let offer = sent
            .iter()
            .rev()
            .find(|s| s.plain().contains(needle) && !s.buttons.is_empty())
            .unwrap_or_else(|| panic!("no button under {needle:?}"));
        let (label, data) = &offer.buttons[0];
        assert!(label.starts_with(key), "{label}");
        (offer.message_id, data.clone())
    }
}

/// Matrix: the real application logged in to a real Synapse, in a public
/// room (anyone may join; members may invite).
struct Matrix {
    app: MxApp,
    room: String,
    /// Everyone but the operator, who is `app.operator`.
    people: Vec<MxUser>,
    /// Display names, the operator's first.
    names: Vec<String>,
    /// Each person's direct room with the bot, once they opened one.
    direct: HashMap<Who, String>,
}

impl Matrix {
    async fn start() -> Self {
        let app = MxApp::spawn(TestDb::sqlite()).await;
        app.operator.set_display_name("Operator").await;
        let room = app.room(true).await;
        Self {
            app,
            room,
            people: Vec::new(),
            names: vec!["Operator".to_owned()],
            direct: HashMap::new(),
        }
    }

    fn user(&self, who: Who) -> &MxUser {
        match who.0 {
            0 => &self.app.operator,
            n => &self.people[n - 1],
        }
    }

    fn who(&self, id: &str) -> Option<Who> {
        if id == self.app.operator.id {
            return Some(OP);
        }
        self.people
            .iter()
            .position(|p| p.id == id)
            .map(|n| Who(n + 1))
    }
}

/// Matrix text with its commands written back with `/`: `!top` → `/top`.
fn slash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let command = c == '!' && chars.peek().is_some_and(|n| n.is_ascii_lowercase());
        out.push(if command { '/' } else { c });
    }
    out
}

#[async_trait]
impl Community for Matrix {
    async fn person(&mut self, name: &str) -> Who {
        let localpart: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let person = MxUser::register(&localpart).await;
        person.set_display_name(name).await;
        self.people.push(person);
        self.names.push(name.to_owned());
        Who(self.people.len())
    }

    async fn invite(&mut self, inviter: Who, newcomer: Who) {
        let newcomer = self.user(newcomer);
        self.user(inviter).invite(&self.room, &newcomer.id).await;
        newcomer.join(&self.room).await;
    }

    async fn join_public(&mut self, who: Who) {
        self.user(who).join(&self.room).await;
    }

    async fn leave(&mut self, who: Who) {
        self.user(who).leave(&self.room).await;
    }

    async fn ask(&mut self, who: Who, command: &str) -> String {
        let typed = command.replacen('/', "!", 1);
        let answer = self.app.ask(&self.room, self.user(who), &typed).await;
        slash(&body(&answer))
    }

    async fn press(&mut self, who: Who, needle: &str, key: &str) {
        let events = self
            .app
            .operator
            .events_from(&self.room, &self.app.bot.id)
            .await;
        let offer = events
            .iter()
            .rev()
            .find(|e| body(&e["content"]).contains(needle))
            .unwrap_or_else(|| panic!("no message with {needle:?}"));
        let event = offer["event_id"].as_str().unwrap();
        self.user(who).react(&self.room, event, key).await;
    }

    async fn press_for_answer(&mut self, who: Who, needle: &str, key: &str) -> String {
        let before = self.said().await.len();
        self.press(who, needle, key).await;
        let addressed = format!("{} ", self.names[who.0]);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let said = self.said().await;
            let answer = said[before..]
                .iter()
                .find(|s| s.mentions.first() == Some(&who) && s.text.starts_with(&addressed));
            if let Some(answer) = answer {
                return answer.text[addressed.len()..].to_owned();
            }
            assert!(Instant::now() < deadline, "no answer to {key}: {said:#?}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn said(&self) -> Vec<Said> {
        self.app
            .operator
            .messages_from(&self.room, &self.app.bot.id)
            .await
            .iter()
            .map(|content| Said {
                text: slash(&body(content)),
                mentions: content["m.mentions"]["user_ids"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|id| self.who(id.as_str()?))
                    .collect(),
            })
            .collect()
    }

    async fn restart(&mut self) {
        self.app.restart().await;
    }

    async fn restart_greeting_every(&mut self, interval: Duration) {
        self.app.greet_interval = interval;
        self.app.restart().await;
    }

    async fn crowd_joins(&mut self, n: usize) -> (Vec<Who>, Duration) {
        let mut crowd = Vec::with_capacity(n);
        for i in 0..n {
            crowd.push(self.person(&format!("N{i}")).await);
        }
        let started = Instant::now();
        join_all(crowd.iter().map(|who| self.user(*who).join(&self.room))).await;
        (crowd, started.elapsed())
    }

    async fn require_asking(&mut self) {
        self.app.operator.set_join_rule(&self.room, "knock").await;
    }

    async fn ask_to_join(&mut self, asker: Who, letter: Who) {
        let asker = self.user(asker);
        asker.knock(&self.room).await;
        self.user(letter).invite(&self.room, &asker.id).await;
        asker.join(&self.room).await;
    }

    async fn open_private(&mut self, who: Who) {
        let room = self.user(who).open_direct(&self.app.bot.id).await;
        self.direct.insert(who, room);
    }

    async fn private(&self, who: Who, n: usize) -> Vec<String> {
        let room = &self.direct[&who];
        self.user(who)
            .wait_for(room, &self.app.bot.id, n)
            .await
            .iter()
            .map(|content| slash(&body(content)))
            .collect()
    }

    fn database(&self) -> &str {
        &self.app.db.url
    }

    fn operator(&self) -> hearth::domain::UserId {
        hearth::domain::UserId::matrix(&self.app.operator.id)
    }
}

/// Runs the futures concurrently and waits for them all.
async fn join_all<F: std::future::Future<Output = ()>>(futures: impl Iterator<Item = F>) {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    std::future::poll_fn(|cx| {
        pinned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pinned.is_empty() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}
