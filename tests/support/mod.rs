//! Shared helpers for end-to-end tests: a fresh database, the real
//! application pointed at a loopback Bot API server, and builders for the
//! updates Telegram sends.
#![allow(dead_code, clippy::unwrap_used)]

pub mod botapi;
pub mod db;
pub mod e2ee;
pub mod matrix;

use std::time::Duration;

use std::sync::Arc;

use hearth::{
    config::Settings,
    domain::pace::Pace,
    engine::{Clock, Engine, ManualClock},
    startup::Application,
};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

pub use botapi::{BOT_ID, FakeTelegram, Sent};
pub use db::TestDb;

/// The operator of every test app.
pub const OPERATOR: i64 = 1000;
/// Least time between greetings in tests (production default: 6 s).
pub const GREET_INTERVAL: Duration = Duration::from_millis(300);

/// Sending limits in tests: Telegram's shape, on a one-second "minute" so a
/// burst meets them within a test's time.
/// The bot's Telegram request timeout in tests; the fake server's timeout
/// fault outlasts it.
pub const REQUEST_TIMEOUT_SECS: f64 = 1.5;

pub const PACE: Pace = Pace {
    chat_quota: 3,
    window_ms: 1_000,
    chat_gap_ms: 100,
    global_gap_ms: 0,
};

/// A running bot against a fake Telegram.
pub struct TestApp {
    pub tg: FakeTelegram,
    pub db: TestDb,
    /// The clock the bot reads; `None`: the wall clock.
    pub clock: Option<Arc<ManualClock>>,
    /// The running bot's engine.
    pub engine: Option<Arc<Engine>>,
    /// Least time between greetings; a change takes effect on restart.
    pub greet_interval: Duration,
    /// Least time between two answers to a member's same command; zero in
    /// tests, which ask again and again, unless a test is about it. A
    /// change takes effect on restart.
    pub answer_again: Duration,
    /// Sending limits; [`PACE`] unless a test needs Telegram's own. A change
    /// takes effect on restart.
    pub pace: Pace,
    /// The operators' Telegram ids; [`OPERATOR`] unless a test needs more.
    /// A change takes effect on restart.
    pub operators: Vec<i64>,
    /// How long the bot waits for a Bot API answer; [`REQUEST_TIMEOUT_SECS`]
    /// unless a test makes Telegram slow on purpose. A change takes effect
    /// on restart.
    pub request_timeout: Duration,
    /// `HEARTH_TIMEZONE`; UTC unless a test leaves it unset (new groups are
    /// then asked). A change takes effect on restart.
    pub zone: Option<&'static str>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    /// Starts the bot on a fresh database of the given kind.
    pub async fn spawn(db: TestDb) -> Self {
        // `RUST_LOG=hearth=debug cargo test …` shows the bot's logs.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        Self::spawn_with(db, None).await
    }

    /// Starts the bot on a clock that moves only when the test says so.
    pub async fn spawn_at(db: TestDb, start: &str) -> Self {
        let start = chrono::DateTime::parse_from_rfc3339(start).unwrap();
        let clock = Arc::new(ManualClock::new(start.timestamp_millis()));
        Self::spawn_with(db, Some(clock)).await
    }

    async fn spawn_with(db: TestDb, clock: Option<Arc<ManualClock>>) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let tg = FakeTelegram::start().await;
        let mut app = Self {
            tg,
            db,
            clock,
            engine: None,
            greet_interval: GREET_INTERVAL,
            answer_again: Duration::ZERO,
            pace: PACE,
            operators: vec![OPERATOR],
            request_timeout: Duration::from_secs_f64(REQUEST_TIMEOUT_SECS),
            zone: Some("UTC"),
            task: None,
        };
        app.start().await;
        app
    }

    /// Moves the manual clock on and lets the scheduler act on it.
    pub async fn advance(&self, by: Duration) {
        let failed = self.advance_tolerating(by).await;
        assert!(failed.is_empty(), "scheduled jobs failed: {failed:?}");
    }

    /// [`Self::advance`] for a test that breaks a job on purpose: returns
    /// the jobs that failed on this tick.
    pub async fn advance_tolerating(&self, by: Duration) -> Vec<&'static str> {
        let failed = self.run_jobs(by).await;
        self.settle().await;
        failed
    }

    /// Moves the manual clock on and fires what is due, without waiting for
    /// delivery: time passing while messages are still on their way.
    pub async fn tick(&self, by: Duration) {
        let failed = self.run_jobs(by).await;
        assert!(failed.is_empty(), "scheduled jobs failed: {failed:?}");
    }

    async fn run_jobs(&self, by: Duration) -> Vec<&'static str> {
        let clock = self.clock.as_ref().expect("a test clock");
        clock.advance_ms(by.as_millis() as i64);
        let engine = self.engine.as_ref().unwrap();
        let failed = engine.run_jobs_once().await;
        engine.check_profiles().await.unwrap();
        failed
    }

    /// The operator schedules the notice "Tea time" for the next minute of
    /// the manual clock in `chat`; its due time comes back. Around a
    /// failure, the post must still go out on time.
    pub async fn schedule_tea_time(&self, chat: i64) -> i64 {
        let now = chrono::DateTime::from_timestamp_millis(self.now_ms()).unwrap();
        let due = now + chrono::Duration::minutes(1);
        let minute = due.format("%Y-%m-%dT%H:%M");
        let operator = user(OPERATOR, "Operator");
        let planned = self
            .ask(
                chat,
                &operator,
                &format!("/schedule once {minute} notice Tea time"),
            )
            .await
            .plain();
        assert!(planned.contains('#'), "{planned}");
        due.timestamp_millis() / 60_000 * 60_000
    }

    /// Waits until the post of [`Self::schedule_tea_time`] is sent and
    /// checks the scheduler queued it within 5 s of `due` (it is sent after
    /// what the chat was owed before it, at the chat's pace).
    pub async fn tea_time_on_time(&self, chat: i64, due: i64) {
        self.tick_until("the scheduled post", |app| {
            app.was_told(chat, "📢 Tea time")
        })
        .await;
        let queued = self
            .db
            .count("SELECT MAX(created_at) FROM outbox WHERE action LIKE '%Tea time%'")
            .await;
        let late = queued - due;
        assert!(
            (0..5_000).contains(&late),
            "the post was queued {late} ms after its time"
        );
    }

    /// Moves the manual clock on a second at a time, firing what is due,
    /// until `done` holds: paced greetings and due posts go out as time
    /// passes. Panics after a minute of real time.
    pub async fn tick_until(&self, what: &str, done: impl Fn(&TestApp) -> bool) {
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while !done(self) {
            assert!(std::time::Instant::now() < deadline, "never saw {what}");
            self.tick(Duration::from_secs(1)).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// [`Self::settle`] on the manual clock: moves it on a second at a
    /// time until every update is applied and nothing waits to be greeted
    /// or sent (the pace and the greeter go by the clock).
    pub async fn settle_ticking(&self) {
        self.tg.wait_until_consumed().await;
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        while self.db.waiting().await > 0 {
            assert!(std::time::Instant::now() < deadline, "never settled");
            self.tick(Duration::from_secs(1)).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether every id in `ids` was mentioned in `chat`.
    pub fn all_mentioned(&self, chat: i64, ids: std::ops::Range<i64>) -> bool {
        let mentioned: std::collections::HashSet<i64> = self
            .tg
            .sent_to(chat)
            .iter()
            .flat_map(|m| m.mentions())
            .collect();
        ids.into_iter().all(|id| mentioned.contains(&id))
    }

    /// Whether `chat` was sent a message reading `text`.
    pub fn was_told(&self, chat: i64, text: &str) -> bool {
        self.tg.sent_to(chat).iter().any(|m| m.plain() == text)
    }

    /// The manual clock's time, in unix ms.
    pub fn now_ms(&self) -> i64 {
        self.clock.as_ref().expect("a test clock").now_ms()
    }

    pub fn settings(&self) -> Settings {
        let vars = [
            ("HEARTH_TELEGRAM_TOKEN", botapi::TOKEN.to_owned()),
            ("HEARTH_TELEGRAM_API_URL", self.tg.url.clone()),
            ("DATABASE_URL", self.db.url.clone()),
            (
                "HEARTH_OPERATORS",
                self.operators
                    .iter()
                    .map(|id| format!("tg:{id}"))
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            (
                "HEARTH_GREET_INTERVAL_SECS",
                self.greet_interval.as_secs_f64().to_string(),
            ),
            ("HEARTH_GREET_SETTLE_SECS", "0.15".to_owned()),
            (
                "HEARTH_ANSWER_AGAIN_SECS",
                self.answer_again.as_secs_f64().to_string(),
            ),
            (
                "HEARTH_TELEGRAM_TIMEOUT_SECS",
                self.request_timeout.as_secs_f64().to_string(),
            ),
        ];
        // Most tests schedule at once, in UTC; a test of the first run
        // leaves the zone to be asked.
        let zone = self.zone.map(|z| ("HEARTH_TIMEZONE", z.to_owned()));
        let vars: Vec<(&str, String)> = vars.into_iter().chain(zone).collect();
        let mut settings =
            Settings::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .unwrap();
        settings.pace = self.pace;
        settings
    }

    async fn start(&mut self) {
        let app = match &self.clock {
            Some(clock) => {
                let clock: Arc<dyn Clock> = clock.clone();
                Application::build_with_clock(&self.settings(), clock).await
            }
            None => Application::build(&self.settings()).await,
        }
        .unwrap();
        self.engine = Some(app.engine().clone());
        self.task = Some(tokio::spawn(app.run_until(std::future::pending())));
    }

    /// Stops the bot abruptly (no clean shutdown) and starts it again on the
    /// same database.
    pub async fn restart(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
        self.start().await;
    }

    /// Adds the bot to `chat` as an admin that may create invite links.
    pub async fn group_with_bot(&self, chat: i64) {
        self.group_of(OPERATOR, chat).await;
    }

    /// `operator` adds the bot to `chat` as an admin that may create invite
    /// links: the group is theirs.
    pub async fn group_of(&self, operator: i64, chat: i64) {
        self.tg.set_bot_can_invite(chat, true);
        self.tg.make_admin(chat, operator);
        bot_added(&self.tg, chat, operator);
        self.tg.wait_for(chat, 1).await;
    }

    /// A member sends `text` in `chat`.
    pub fn say(&self, chat: i64, from: &Value, text: &str) {
        self.tg
            .push("message", message(chat, from, json!({ "text": text })));
    }

    /// A member sends `text` in forum topic `topic` of `chat`.
    pub fn say_in_topic(&self, chat: i64, topic: i64, from: &Value, text: &str) {
        let extra = json!({ "text": text, "message_thread_id": topic, "is_topic_message": true });
        self.tg.push("message", message(chat, from, extra));
    }

    /// [`Self::ask`] in forum topic `topic` of `chat`.
    pub async fn ask_in_topic(&self, chat: i64, topic: i64, from: &Value, text: &str) -> Sent {
        let before = self.tg.sent_to(chat).len();
        self.say_in_topic(chat, topic, from, text);
        self.next_message(chat, before).await
    }

    /// `member` presses `data` under `message`, a message in forum topic
    /// `topic` of `chat`; the next message the bot sends there comes back.
    pub async fn press_in_topic(
        &self,
        chat: i64,
        topic: i64,
        message: i64,
        member: &Value,
        data: &str,
    ) -> Sent {
        let mut pressed = message_json(chat, message);
        pressed["message_thread_id"] = json!(topic);
        pressed["is_topic_message"] = json!(true);
        let before = self.tg.sent_to(chat).len();
        self.press_on(chat, pressed, member, data);
        self.next_message(chat, before).await
    }

    /// A member sends `/invite` and the link the bot answered with.
    pub async fn invite_link(&self, chat: i64, member: &Value) -> String {
        let before = self.tg.sent_to(chat).len();
        self.say(chat, member, "/invite");
        let sent = self.tg.wait_for(chat, before + 1).await;
        let text = sent[before].plain();
        let start = text
            .find("https://")
            .unwrap_or_else(|| panic!("no link in {text:?}"));
        text[start..].split_whitespace().next().unwrap().to_owned()
    }

    /// Joins through a link (a `chat_member` update with `invite_link`).
    pub fn join_via_link(&self, chat: i64, member: &Value, link: &str) {
        let link = json!({
            "invite_link": link, "creator": user(BOT_ID, "Hearth"), "creates_join_request": false,
            "is_primary": false, "is_revoked": false
        });
        self.tg.push(
            "chat_member",
            member_update(chat, member.clone(), member, "left", "member", Some(link)),
        );
    }

    /// Joins with no inviter (public group, or a generic link).
    pub fn join_public(&self, chat: i64, member: &Value) {
        self.tg.push(
            "chat_member",
            member_update(chat, member.clone(), member, "left", "member", None),
        );
    }

    /// `adder` adds `members` directly (a `new_chat_members` service message).
    pub fn add_members(&self, chat: i64, adder: &Value, members: &[Value]) {
        self.tg.push(
            "message",
            message(chat, adder, json!({ "new_chat_members": members })),
        );
    }

    /// The member leaves on their own.
    pub fn leave(&self, chat: i64, member: &Value) {
        self.tg.push(
            "chat_member",
            member_update(chat, member.clone(), member, "member", "left", None),
        );
    }

    /// An admin removes the member.
    pub fn kick(&self, chat: i64, admin: &Value, member: &Value) {
        self.tg.push(
            "chat_member",
            member_update(chat, admin.clone(), member, "member", "kicked", None),
        );
    }

    /// `member` presses the inline button with `data` under `message`.
    pub fn press(&self, chat: i64, message: i64, member: &Value, data: &str) {
        self.press_on(chat, message_json(chat, message), member, data);
    }

    /// `member` presses `data` under the bot's message `pressed` in `chat`.
    fn press_on(&self, chat: i64, pressed: Value, member: &Value, data: &str) {
        let id = PRESSES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.tg.push(
            "callback_query",
            json!({
                "id": format!("q{id}"), "from": member, "chat_instance": format!("ci{chat}"),
                "data": data,
                "message": pressed,
            }),
        );
    }

    /// `from` replies `text` to message `to` in `chat`.
    pub fn reply(&self, chat: i64, from: &Value, to: i64, text: &str) {
        let replied = json!({
            "message_id": to, "date": 1_700_000_000, "chat": botapi::chat_json(chat), "text": "…"
        });
        self.tg.push(
            "message",
            message(
                chat,
                from,
                json!({ "text": text, "reply_to_message": replied }),
            ),
        );
    }

    /// `from` sends the bot a file in their private chat with it.
    pub fn send_file(
        &self,
        from: &Value,
        id: &str,
        name: &str,
        caption: Option<&str>,
        bytes: &[u8],
    ) {
        self.tg.put_file(id, bytes);
        let mut doc = json!({
            "document": { "file_id": id, "file_unique_id": format!("u{id}"),
                          "file_name": name, "file_size": bytes.len() }
        });
        if let Some(caption) = caption {
            doc["caption"] = json!(caption);
        }
        let chat = from["id"].as_i64().unwrap();
        self.tg.push("message", message(chat, from, doc));
    }

    /// Waits for the next message in `chat` after the `before` already seen.
    pub async fn next_message(&self, chat: i64, before: usize) -> Sent {
        self.tg.wait_for(chat, before + 1).await[before].clone()
    }

    /// Presses `data` under `message` in `chat` and returns the answer only
    /// the presser sees (the callback query's text).
    pub async fn press_for_answer(
        &self,
        chat: i64,
        message: i64,
        member: &Value,
        data: &str,
    ) -> String {
        let before = self.tg.calls("answerCallbackQuery").len();
        self.press(chat, message, member, data);
        let calls = self
            .tg
            .wait_for_call("answerCallbackQuery", |c| c.len() > before)
            .await;
        calls[before]["text"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sends a command and returns the bot's answer.
    pub async fn ask(&self, chat: i64, from: &Value, text: &str) -> Sent {
        let before = self.tg.sent_to(chat).len();
        self.say(chat, from, text);
        self.next_message(chat, before).await
    }

    /// `from` types a command that waits for a Confirm (a destructive
    /// one), checks the prompt, presses Confirm, and gets what the command
    /// answers then.
    pub async fn ask_confirmed(&self, chat: i64, from: &Value, text: &str) -> Sent {
        let prompt = self.ask(chat, from, text).await;
        self.press_for_reply(chat, prompt.message_id, from, &button(&prompt, "ok:"))
            .await
    }

    /// `member` presses the button with `data` under `message` in `chat`;
    /// the next message the bot sends there comes back (a command button's
    /// answer, a panel).
    pub async fn press_for_reply(
        &self,
        chat: i64,
        message: i64,
        member: &Value,
        data: &str,
    ) -> Sent {
        let before = self.tg.sent_to(chat).len();
        self.press(chat, message, member, data);
        self.next_message(chat, before).await
    }

    /// The operator removes the first suspect `/review` lists, as the audit
    /// does with an ad account.
    pub async fn remove_first_suspect(&self, chat: i64) {
        let operator = user(OPERATOR, "Operator");
        let queue = self.ask(chat, &operator, "/review").await.plain();
        let number: String = queue[queue.find('#').unwrap() + 1..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        self.ask(chat, &operator, &format!("/remove {number}"))
            .await;
    }

    /// The operator defines a wheel (`/wheel new <prizes>`) and opens it at
    /// once; the announcement comes back.
    pub async fn open_wheel(&self, chat: i64, prizes: &str) -> Sent {
        let operator = user(OPERATOR, "Operator");
        let ready = self
            .ask(chat, &operator, &format!("/wheel new {prizes}"))
            .await;
        let id = ready_wheel(&ready.plain());
        self.ask(chat, &operator, &format!("/wheel open {id}"))
            .await
    }

    /// Waits until every update is applied and nothing waits to be greeted
    /// or sent.
    pub async fn settle(&self) {
        self.settle_within(Duration::from_secs(90)).await;
    }

    /// [`Self::settle`], for a test that knows it needs more than 90 s.
    pub async fn settle_within(&self, limit: Duration) {
        self.tg.wait_until_consumed().await;
        self.db.wait_until_idle_within(limit).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Callback query ids handed out so far.
static PRESSES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// A message the bot sent, as a callback query carries it.
fn message_json(chat: i64, id: i64) -> Value {
    json!({ "message_id": id, "date": 1_700_000_000, "chat": botapi::chat_json(chat),
            "from": bot(), "text": "…" })
}

/// Re-runs every closed draw that has a seed through `hearth verify`'s own
/// code: every draw a test made must check out. Returns how many did.
pub async fn verify_every_draw(url: &str) -> usize {
    let store = hearth::store::Store::connect(url).await.unwrap();
    let draws = {
        let mut conn = store.connection().await.unwrap();
        hearth::rituals::draws::store::all(&mut conn).await.unwrap()
    };
    let mut checked = 0;
    for draw in draws
        .iter()
        .filter(|d| d.closed_at.is_some() && !d.seed.is_empty())
    {
        hearth::cli::verify::draw(&store, draw.id)
            .await
            .unwrap_or_else(|e| panic!("draw #{} does not check out: {e:#}", draw.id));
        checked += 1;
    }
    checked
}

/// The id in the reply to `/wheel new`: "Wheel #3 is ready (not open yet):…".
pub fn ready_wheel(reply: &str) -> i64 {
    reply
        .strip_prefix("Wheel #")
        .and_then(|rest| rest.split_once(' '))
        .and_then(|(id, rest)| rest.starts_with("is ready").then_some(id))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a wheel made ready: {reply}"))
}

pub fn user(id: i64, first_name: &str) -> Value {
    botapi::user_json(id, first_name)
}

/// The operator, as Telegram sends them.
pub fn operator() -> Value {
    user(OPERATOR, "Operator")
}

/// The answers the bot gave to button presses, in order.
pub fn answers(app: &TestApp) -> Vec<String> {
    app.tg
        .calls("answerCallbackQuery")
        .iter()
        .map(|c| c["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

pub fn bot() -> Value {
    user(BOT_ID, "Hearth")
}

pub fn message(chat: i64, from: &Value, extra: Value) -> Value {
    let mut m = json!({ "message_id": 1, "date": 1_700_000_000, "chat": botapi::chat_json(chat), "from": from });
    for (k, v) in extra.as_object().unwrap() {
        m[k] = v.clone();
    }
    m
}

/// `operator` makes the bot an admin of `chat` (Telegram's
/// `my_chat_member` update).
pub fn bot_added(tg: &FakeTelegram, chat: i64, operator: i64) {
    tg.push(
        "my_chat_member",
        member_update(
            chat,
            user(operator, "Operator"),
            &bot(),
            "left",
            "administrator",
            None,
        ),
    );
}

/// A `chat_member` / `my_chat_member` payload: `from` changed `member` from `old` to `new`.
pub fn member_update(
    chat: i64,
    from: Value,
    member: &Value,
    old: &str,
    new: &str,
    link: Option<Value>,
) -> Value {
    let mut u = json!({
        "chat": botapi::chat_json(chat), "from": from, "date": 1_700_000_000,
        "old_chat_member": botapi::chat_member(member, old, false),
        "new_chat_member": botapi::chat_member(member, new, true),
    });
    if let Some(link) = link {
        u["invite_link"] = link;
    }
    u
}

/// The data of the button under `message` whose data starts with `prefix`
/// (`ok:` for Confirm, `no:` for Cancel).
/// The data of the button labelled `label` under `message`.
pub fn labelled(message: &botapi::Sent, label: &str) -> String {
    message
        .buttons
        .iter()
        .find(|(l, _)| l == label)
        .unwrap_or_else(|| panic!("no {label} under {}", message.plain()))
        .1
        .clone()
}

pub fn button(message: &botapi::Sent, prefix: &str) -> String {
    message
        .buttons
        .iter()
        .find(|(_, data)| data.starts_with(prefix))
        .unwrap_or_else(|| panic!("no {prefix} button under {}", message.plain()))
        .1
        .clone()
}
