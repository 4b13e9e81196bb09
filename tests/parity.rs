//! One scenario list, two drivers. Each scenario is written once against
//! [`Community`] (people, a group, what the bot said) and runs on Telegram
//! (the loopback Bot API server) and on Matrix (a real Synapse), so parity
//! between the platforms is checked, not promised: the same steps must bring
//! the same words and the same mentions. Commands are written with `/`; the
//! Matrix driver types them with `!` and reads the bot's `!` back as `/`.
//!
//! Both drivers run on SQLite: the other suites run the store on both
//! databases, and this one is about the platforms.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde_json::Value;
use support::{
    OPERATOR, TestApp, TestDb,
    matrix::{MxApp, MxUser, body},
    user,
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
);

/// A person in a scenario: an index into the driver's people. The operator,
/// who brought the bot, is always `OP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Everything the bot said in the group so far.
    async fn said(&self) -> Vec<Said>;
    /// Stops the bot abruptly and starts it again on the same database.
    async fn restart(&mut self);
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
        greeting
            .text
            .contains("Amy, who now has 1 effective invites (rank #"),
        "{}",
        greeting.text
    );
    let mine = c.ask(amy, "/myinvites").await;
    assert!(mine.contains("you have 1 effective invites"), "{mine}");
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
        "Nobody has an effective invite yet. Send /invite for your link and be the first!"
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
        let sent = self.app.tg.sent_to(GROUP);
        let offer = sent
            .iter()
            .rev()
            .find(|s| s.plain().contains(needle) && !s.buttons.is_empty())
            .unwrap_or_else(|| panic!("no button under {needle:?}"));
        let (label, data) = &offer.buttons[0];
        assert!(label.starts_with(key), "{label}");
        self.app
            .press(GROUP, offer.message_id, &self.user(who), data);
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
}

/// Matrix: the real application logged in to a real Synapse, in a public
/// room (anyone may join; members may invite).
struct Matrix {
    app: MxApp,
    room: String,
    /// Everyone but the operator, who is `app.operator`.
    people: Vec<MxUser>,
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
        let person = MxUser::register(&name.to_lowercase()).await;
        person.set_display_name(name).await;
        self.people.push(person);
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
}
