//! Matrix test driver: real users on the Synapse that `scripts/synapse-up`
//! starts, speaking the client-server API over HTTP, and the real
//! application logged in as a bot account on the same server.

use std::time::{Duration, Instant};

use hearth::{config::Settings, startup::Application};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::TestDb;

pub fn server() -> String {
    std::env::var("HEARTH_TEST_SYNAPSE_URL").unwrap_or_else(|_| "http://127.0.0.1:58008".into())
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static SEQ: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}{:x}{}",
        nanos % 0xffff_ffff,
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

/// A Matrix user driven over HTTP.
#[derive(Clone)]
pub struct MxUser {
    pub id: String,
    pub password: String,
    token: String,
    http: reqwest::Client,
}

impl MxUser {
    /// Registers a fresh user with the shared-secret admin API.
    pub async fn register(prefix: &str) -> Self {
        Self::register_as(prefix, false).await
    }

    /// Registers a fresh server admin, who may use Synapse's admin API.
    pub async fn register_admin(prefix: &str) -> Self {
        Self::register_as(prefix, true).await
    }

    async fn register_as(prefix: &str, admin: bool) -> Self {
        let http = reqwest::Client::new();
        let secret = std::env::var("HEARTH_TEST_SYNAPSE_SECRET")
            .unwrap_or_else(|_| "hearth-test-registration-secret".into());
        let url = format!("{}/_synapse/admin/v1/register", server());
        let nonce: Value = serde_json::from_str(
            &http
                .get(&url)
                .send()
                .await
                .unwrap_or_else(|e| {
                    panic!("Synapse at {} is needed (run scripts/test): {e}", server())
                })
                .text()
                .await
                .unwrap(),
        )
        .unwrap();
        let nonce = nonce["nonce"].as_str().unwrap().to_owned();
        let (name, password) = (unique(prefix), "test-password".to_owned());
        let mut mac = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()).unwrap();
        let kind = if admin { "admin" } else { "notadmin" };
        mac.update(format!("{nonce}\0{name}\0{password}\0{kind}").as_bytes());
        let mac: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let body = json!({ "nonce": nonce, "username": name, "password": password, "admin": admin, "mac": mac });
        let reply = post_json(&http, &url, None, &body).await;
        let token = reply["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("registration failed: {reply}"))
            .to_owned();
        Self {
            id: reply["user_id"].as_str().unwrap().to_owned(),
            password,
            token,
            http,
        }
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_matrix/client/v3{path}", server());
        let mut req = self.http.request(method, &url).bearer_auth(&self.token);
        if let Some(body) = body {
            req = req
                .header("content-type", "application/json")
                .body(body.to_string());
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let value: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap_or(Value::Null);
        assert!(status.is_success(), "{path}: {status} {value}");
        value
    }

    /// The bytes of an uploaded file (`mxc://server/id`), as a client
    /// downloads them.
    pub async fn download(&self, mxc: &str) -> Vec<u8> {
        let path = mxc.strip_prefix("mxc://").unwrap();
        let url = format!("{}/_matrix/client/v1/media/download/{path}", server());
        let resp = self
            .http
            .get(&url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{mxc}: {}", resp.status());
        resp.bytes().await.unwrap().to_vec()
    }

    /// Creates a room; a public one lets anyone join without an invite.
    pub async fn create_room(&self, public: bool) -> String {
        let preset = if public {
            "public_chat"
        } else {
            "private_chat"
        };
        self.create(json!({
            "preset": preset,
            "name": "Hearth test room",
            // Members may invite, as in most community rooms.
            "power_level_content_override": { "invite": 0 }
        }))
        .await
    }

    /// Creates a private room whose messages are end-to-end encrypted, as
    /// Element's default for private rooms.
    pub async fn create_encrypted_room(&self) -> String {
        self.create(json!({
            "preset": "private_chat",
            "name": "Hearth test room",
            "initial_state": [{
                "type": "m.room.encryption",
                "state_key": "",
                "content": { "algorithm": "m.megolm.v1.aes-sha2" }
            }],
        }))
        .await
    }

    /// `/createRoom` with `request`; the new room's id.
    async fn create(&self, request: Value) -> String {
        let r = self
            .call(reqwest::Method::POST, "/createRoom", Some(request))
            .await;
        r["room_id"].as_str().unwrap().to_owned()
    }

    /// Opens a direct chat with `user`, as a client's "Message" button
    /// does: a private room flagged `is_direct`, with `user` invited.
    pub async fn open_direct(&self, user: &str) -> String {
        self.create(json!({
            "preset": "trusted_private_chat",
            "is_direct": true,
            "invite": [user],
        }))
        .await
    }

    pub async fn invite(&self, room: &str, user: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/rooms/{}/invite", enc(room)),
            Some(json!({ "user_id": user })),
        )
        .await;
    }

    /// Blocks a room on the homeserver (Synapse's admin API; the user must
    /// be a server admin): nobody may join it or be invited any more, as
    /// with a room on a server out of reach.
    pub async fn block_room(&self, room: &str) {
        let url = format!("{}/_synapse/admin/v1/rooms/{}/block", server(), enc(room));
        let resp = self
            .http
            .put(&url)
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(json!({ "block": true }).to_string())
            .send()
            .await
            .unwrap();
        let status = resp.status();
        assert!(
            status.is_success(),
            "blocking {room}: {status} {}",
            resp.text().await.unwrap()
        );
    }

    pub async fn join(&self, room: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/join/{}", enc(room)),
            Some(json!({})),
        )
        .await;
    }

    /// Kicks `user` out of `room` (the user needs the power to).
    pub async fn kick(&self, room: &str, user: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/rooms/{}/kick", enc(room)),
            Some(json!({ "user_id": user, "reason": "test" })),
        )
        .await;
    }

    pub async fn leave(&self, room: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/rooms/{}/leave", enc(room)),
            Some(json!({})),
        )
        .await;
    }

    pub async fn say(&self, room: &str, text: &str) {
        let txn = unique("t");
        let path = format!("/rooms/{}/send/m.room.message/{txn}", enc(room));
        self.call(
            reqwest::Method::PUT,
            &path,
            Some(json!({ "msgtype": "m.text", "body": text })),
        )
        .await;
    }

    /// Sends `text` in the thread of `root`, as a client's thread view does.
    pub async fn say_in_thread(&self, room: &str, root: &str, text: &str) {
        let txn = unique("t");
        let path = format!("/rooms/{}/send/m.room.message/{txn}", enc(room));
        let content = json!({
            "msgtype": "m.text", "body": text,
            "m.relates_to": {
                "rel_type": "m.thread", "event_id": root, "is_falling_back": true,
                "m.in_reply_to": { "event_id": root }
            }
        });
        self.call(reqwest::Method::PUT, &path, Some(content)).await;
    }

    /// Replies `text` to `event`, as a client's reply button does.
    pub async fn reply(&self, room: &str, event: &str, text: &str) {
        let txn = unique("t");
        let path = format!("/rooms/{}/send/m.room.message/{txn}", enc(room));
        let content = json!({
            "msgtype": "m.text", "body": text,
            "m.relates_to": { "m.in_reply_to": { "event_id": event } }
        });
        self.call(reqwest::Method::PUT, &path, Some(content)).await;
    }

    /// Reacts to `event` with `key`, as a client's reaction picker does;
    /// returns the reaction's event id.
    pub async fn react(&self, room: &str, event: &str, key: &str) -> String {
        let txn = unique("r");
        let path = format!("/rooms/{}/send/m.reaction/{txn}", enc(room));
        let sent = self
            .call(
                reqwest::Method::PUT,
                &path,
                Some(json!({
                    "m.relates_to": { "rel_type": "m.annotation", "event_id": event, "key": key }
                })),
            )
            .await;
        sent["event_id"].as_str().unwrap().to_owned()
    }

    /// Takes back an event of one's own (a reaction, as a client's second
    /// press on it does).
    pub async fn redact(&self, room: &str, event: &str) {
        let txn = unique("x");
        let path = format!("/rooms/{}/redact/{}/{txn}", enc(room), enc(event));
        self.call(reqwest::Method::PUT, &path, Some(json!({})))
            .await;
    }

    /// Reactions `sender` put on `event`: their keys.
    pub async fn reactions_from(&self, room: &str, sender: &str, event: &str) -> Vec<String> {
        self.history(room)
            .await
            .iter()
            .filter(|e| {
                e["type"] == "m.reaction"
                    && e["sender"] == sender
                    && e["content"]["m.relates_to"]["event_id"] == event
            })
            .map(|e| {
                e["content"]["m.relates_to"]["key"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    /// Message events `sender` sent to the room, oldest first.
    pub async fn events_from(&self, room: &str, sender: &str) -> Vec<Value> {
        let mut events = self.history(room).await;
        events.retain(|e| e["type"] == "m.room.message" && e["sender"] == sender);
        events
    }

    /// Every event `sender` sent to the room that is not room state, of
    /// any type, as the server holds it; oldest first.
    pub async fn timeline_from(&self, room: &str, sender: &str) -> Vec<Value> {
        let mut events = self.history(room).await;
        events.retain(|e| e.get("state_key").is_none() && e["sender"] == sender);
        events
    }

    /// The room's latest 500 events as the server holds them, oldest first.
    async fn history(&self, room: &str) -> Vec<Value> {
        let mut r = self
            .call(
                reqwest::Method::GET,
                &format!("/rooms/{}/messages?dir=b&limit=500", enc(room)),
                None,
            )
            .await;
        let Value::Array(mut events) = r["chunk"].take() else {
            panic!("/messages without a chunk: {r}");
        };
        events.reverse();
        events
    }

    /// Contents of the messages `sender` sent to the room, oldest first.
    pub async fn messages_from(&self, room: &str, sender: &str) -> Vec<Value> {
        let events = self.events_from(room, sender).await;
        events.into_iter().map(|e| e["content"].clone()).collect()
    }

    /// The ids of `user`'s devices that published keys for encryption.
    pub async fn devices_of(&self, user: &str) -> Vec<String> {
        let r = self
            .call(
                reqwest::Method::POST,
                "/keys/query",
                Some(json!({ "device_keys": { user: [] } })),
            )
            .await;
        r["device_keys"][user]
            .as_object()
            .map(|devices| devices.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Sets the display name rooms show for this user from their next join.
    pub async fn set_display_name(&self, name: &str) {
        let path = format!("/profile/{}/displayname", enc(&self.id));
        self.call(
            reqwest::Method::PUT,
            &path,
            Some(json!({ "displayname": name })),
        )
        .await;
    }

    /// Sets who may come in: `public`, `invite`, or `knock` (ask, then be
    /// let in by an invite).
    pub async fn set_join_rule(&self, room: &str, rule: &str) {
        let path = format!("/rooms/{}/state/m.room.join_rules/", enc(room));
        self.call(
            reqwest::Method::PUT,
            &path,
            Some(json!({ "join_rule": rule })),
        )
        .await;
    }

    /// Asks to be let in to a room whose join rule is `knock`.
    pub async fn knock(&self, room: &str) {
        self.call(
            reqwest::Method::POST,
            &format!("/knock/{}", enc(room)),
            Some(json!({ "reason": "A friend sent me" })),
        )
        .await;
    }

    /// Gives `user` the power level `level` in the room (50 is moderator).
    pub async fn set_power(&self, room: &str, user: &str, level: i64) {
        let path = format!("/rooms/{}/state/m.room.power_levels/", enc(room));
        let mut levels = self.call(reqwest::Method::GET, &path, None).await;
        levels["users"][user] = json!(level);
        self.call(reqwest::Method::PUT, &path, Some(levels)).await;
    }

    /// The room's pinned events, as clients show them.
    pub async fn pinned(&self, room: &str) -> Vec<String> {
        let url = format!(
            "{}/_matrix/client/v3/rooms/{}/state/m.room.pinned_events",
            server(),
            enc(room)
        );
        let resp = self
            .http
            .get(&url)
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        let value: Value = resp.json().await.unwrap_or(Value::Null);
        value["pinned"]
            .as_array()
            .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default()
    }

    /// Waits until `sender` has sent at least `n` messages to the room.
    pub async fn wait_for(&self, room: &str, sender: &str, n: usize) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.messages_from(room, sender).await;
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "{sender} sent {} messages, expected {n}: {got:#?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `sender`'s messages in the room have mentioned each of
    /// `users` (`m.mentions`); every mention so far comes back, in order.
    pub async fn wait_for_mentions(&self, room: &str, sender: &str, users: &[&str]) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let mentioned: Vec<String> = self
                .messages_from(room, sender)
                .await
                .iter()
                .flat_map(|m| {
                    m["m.mentions"]["user_ids"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                })
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect();
            if users.iter().all(|u| mentioned.iter().any(|m| m == u)) {
                return mentioned;
            }
            assert!(
                Instant::now() < deadline,
                "{users:?} not all mentioned: {mentioned:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits for an invite from `sender` to a room the user is not in yet
    /// (as a direct chat arrives); its room id comes back.
    pub async fn wait_for_invite_from(&self, sender: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sync = self
                .call(reqwest::Method::GET, "/sync?timeout=0", None)
                .await;
            let invites = sync["rooms"]["invite"]
                .as_object()
                .cloned()
                .unwrap_or_default();
            for (room, state) in invites {
                let from_sender = state["invite_state"]["events"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|e| e["type"] == "m.room.member" && e["sender"] == sender);
                if from_sender {
                    return room;
                }
            }
            assert!(Instant::now() < deadline, "no invite from {sender}");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// The user's membership in a room, as the room's state says.
    pub async fn membership_of(&self, room: &str, user: &str) -> String {
        let r = self
            .call(
                reqwest::Method::GET,
                &format!("/rooms/{}/state/m.room.member/{}", enc(room), enc(user)),
                None,
            )
            .await;
        r["membership"].as_str().unwrap_or_default().to_owned()
    }
}

async fn post_json(http: &reqwest::Client, url: &str, token: Option<&str>, body: &Value) -> Value {
    let mut req = http
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    serde_json::from_str(&req.send().await.unwrap().text().await.unwrap()).unwrap()
}

fn enc(s: &str) -> String {
    s.replace('!', "%21")
        .replace('@', "%40")
        .replace(':', "%3A")
        .replace('#', "%23")
}

/// A message's text as a reader sees it (bidi isolates are invisible).
///
/// Clients show `formatted_body` where there is one and `body` elsewhere
/// (notifications, bridges, plain clients), so both must read the same: a
/// name or a template read as markup shows here as a mismatch.
pub fn body(content: &Value) -> String {
    let invisible = |text: &str| text.replace(['\u{2068}', '\u{2069}'], "");
    let plain = invisible(content["body"].as_str().unwrap());
    if let Some(html) = content["formatted_body"].as_str() {
        assert_eq!(
            invisible(&as_shown(html)),
            plain,
            "formatted_body shows otherwise than body: {html:?}"
        );
    }
    plain
}

/// HTML as a client shows it: tags gone, `<br>` a line break, entities
/// decoded.
fn as_shown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').expect("an unclosed tag") + 1;
            let tag = rest[1..end - 1].trim_end_matches('/').trim();
            if tag.eq_ignore_ascii_case("br") {
                out.push('\n');
            }
            rest = &rest[end..];
        } else if c == '&' {
            let end = rest.find(';').expect("an unterminated entity") + 1;
            out.push(match &rest[1..end - 1] {
                "lt" => '<',
                "gt" => '>',
                "amp" => '&',
                "quot" => '"',
                "#39" => '\'',
                other => panic!("an entity the bot never writes: &{other};"),
            });
            rest = &rest[end..];
        } else {
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// The application logged in as a fresh bot account.
pub struct MxApp {
    /// Least time between greetings; a change takes effect on restart.
    pub greet_interval: Duration,
    pub bot: MxUser,
    pub operator: MxUser,
    pub db: TestDb,
    /// The Matrix client's own store (the bot device's keys); it outlives
    /// restarts, as a deployment's directory does.
    store: tempfile::TempDir,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

impl MxApp {
    pub async fn spawn(db: TestDb) -> Self {
        Self::spawn_with_interval(db, super::GREET_INTERVAL).await
    }

    /// As [`MxApp::spawn`], with another least time between greetings.
    pub async fn spawn_with_interval(db: TestDb, greet_interval: Duration) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let mut app = Self {
            greet_interval,
            bot: MxUser::register("bot").await,
            operator: MxUser::register("op").await,
            db,
            store: tempfile::tempdir().unwrap(),
            task: None,
        };
        app.start().await;
        app
    }

    fn settings(&self) -> Settings {
        let vars = [
            ("HEARTH_MATRIX_HOMESERVER", server()),
            ("HEARTH_MATRIX_USER", self.bot.id.clone()),
            ("HEARTH_MATRIX_PASSWORD", self.bot.password.clone()),
            ("DATABASE_URL", self.db.url.clone()),
            ("HEARTH_OPERATORS", format!("mx:{}", self.operator.id)),
            (
                "HEARTH_GREET_INTERVAL_SECS",
                self.greet_interval.as_secs_f64().to_string(),
            ),
            ("HEARTH_GREET_SETTLE_SECS", "0.3".to_owned()),
            // Tests ask again and again; the limit is tested on Telegram.
            ("HEARTH_ANSWER_AGAIN_SECS", "0".to_owned()),
            ("HEARTH_TIMEZONE", "UTC".to_owned()),
            (
                "HEARTH_MATRIX_STORE",
                self.store.path().display().to_string(),
            ),
        ];
        let mut settings =
            Settings::from_lookup(|k| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
                .unwrap();
        settings.pace = super::PACE;
        settings
    }

    async fn start(&mut self) {
        let app = Application::build(&self.settings()).await.unwrap();
        self.task = Some(tokio::spawn(app.run_until(std::future::pending())));
    }

    /// Stops the bot abruptly and starts it again on the same database.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// Stops the bot abruptly, as a crash or a deploy would.
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    /// Deletes the Matrix client's store and the session beside it, as a
    /// deploy that forgot its directory would.
    pub fn lose_store(&self) {
        for entry in std::fs::read_dir(self.store.path()).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                std::fs::remove_dir_all(path).unwrap();
            } else {
                std::fs::remove_file(path).unwrap();
            }
        }
    }

    /// The permission bits of the saved session's file.
    pub fn session_mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let file = self.store.path().join("session.json");
        std::fs::metadata(file).unwrap().permissions().mode() & 0o777
    }

    /// The permission bits of the directory of the bot device's store.
    pub fn store_mode(&self) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        let device = std::fs::read_dir(self.store.path())
            .unwrap()
            .map(|entry| entry.unwrap())
            .find(|entry| entry.path().is_dir())
            .expect("a device's store");
        device.metadata().unwrap().permissions().mode() & 0o777
    }

    /// Starts a stopped bot again on the same database.
    pub async fn resume(&mut self) {
        self.start().await;
    }

    /// A room the operator created and invited the bot to, once it said hello.
    pub async fn room(&self, public: bool) -> String {
        let room = self.operator.create_room(public).await;
        self.operator.invite(&room, &self.bot.id).await;
        self.operator.wait_for(&room, &self.bot.id, 1).await;
        room
    }

    /// Sends a command and returns the bot's answer.
    pub async fn ask(&self, room: &str, who: &MxUser, text: &str) -> Value {
        let before = self.operator.messages_from(room, &self.bot.id).await.len();
        who.say(room, text).await;
        self.operator.wait_for(room, &self.bot.id, before + 1).await[before].clone()
    }

    /// Sends a command that waits for a Confirm (a destructive one): the
    /// prompt says to react ✅, the bot's own ✅ is there to press, `who`
    /// presses it, and the command's answer comes back.
    pub async fn ask_confirmed(&self, room: &str, who: &MxUser, text: &str) -> Value {
        let before = self.operator.events_from(room, &self.bot.id).await.len();
        who.say(room, text).await;
        self.operator.wait_for(room, &self.bot.id, before + 1).await;
        let prompt = self.operator.events_from(room, &self.bot.id).await[before].clone();
        let shown = body(&prompt["content"]);
        assert!(
            shown.contains("react ✅"),
            "{text} asked for no ✅: {shown}"
        );
        let event = prompt["event_id"].as_str().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self
            .operator
            .reactions_from(room, &self.bot.id, event)
            .await
            .contains(&"✅".to_owned())
        {
            assert!(
                Instant::now() < deadline,
                "the bot never put its ✅ under {shown}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        who.react(room, event, "✅").await;
        self.operator.wait_for(room, &self.bot.id, before + 2).await[before + 1].clone()
    }

    /// The operator defines a wheel (`!wheel new <prizes>`) and opens it at
    /// once; the announcement comes back.
    pub async fn open_wheel(&self, room: &str, prizes: &str) -> Value {
        let ready = self
            .ask(room, &self.operator, &format!("!wheel new {prizes}"))
            .await;
        let id = super::ready_wheel(&body(&ready));
        self.ask(room, &self.operator, &format!("!wheel open {id}"))
            .await
    }
}

impl Drop for MxApp {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
