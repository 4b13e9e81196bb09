//! A Telegram Bot API server on loopback, for end-to-end tests.
//!
//! It speaks the same HTTP JSON as api.telegram.org for the methods Hearth
//! calls, keeps the update queue with Telegram's offset semantics (an update
//! is confirmed by a later `getUpdates` offset, and re-delivered until then),
//! answers errors in Telegram's shape, and rejects HTML it cannot parse with
//! Telegram's own "can't parse entities" error.

use std::{
    collections::{HashMap, HashSet},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    Json, Router,
    extract::{FromRequest, Multipart, Path, Request, State},
    http::{StatusCode, header::CONTENT_TYPE},
    routing::{get, post},
};
use serde_json::{Value, json};
use tokio::sync::Notify;

pub const TOKEN: &str = "123456:TEST-secret-token-do-not-log";
pub const BOT_ID: i64 = 123456;
pub const BOT_USERNAME: &str = "hearth_test_bot";

/// A message the bot sent.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat_id: i64,
    pub message_id: i64,
    pub html: String,
    /// Inline buttons under the message: (label, callback data).
    pub buttons: Vec<(String, String)>,
    /// The forum topic it went to (`message_thread_id`); `None`: General,
    /// or a chat without topics.
    pub topic: Option<i64>,
    pub at: Instant,
}

impl Sent {
    /// Users the message notifies, in order.
    pub fn mentions(&self) -> Vec<i64> {
        parse_html(&self.html).map(|(_, m)| m).unwrap_or_default()
    }

    /// The text as a Telegram client shows it (bidi isolates are invisible).
    pub fn plain(&self) -> String {
        parse_html(&self.html)
            .map(|(t, _)| t.replace(['\u{2068}', '\u{2069}'], ""))
            .unwrap_or_default()
    }
}

/// A photo the bot sent (a certificate).
#[derive(Debug, Clone)]
pub struct Photo {
    pub chat_id: i64,
    pub caption: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Default)]
struct ServerState {
    next_update_id: i64,
    /// Updates not yet confirmed by an offset.
    queue: Vec<Value>,
    /// Every update ever queued, to re-deliver after a simulated crash.
    history: Vec<Value>,
    sent: Vec<Sent>,
    calls: Vec<(String, Value)>,
    admins: HashSet<(i64, i64)>,
    /// People `getChatMember` says are not in a chat (everyone else is).
    outsiders: HashSet<(i64, i64)>,
    /// Forum supergroups: only they have topics to send to.
    forums: HashSet<i64>,
    can_invite: HashMap<i64, bool>,
    /// Admin rights the bot was not given, per chat (`can_restrict_members`…).
    withheld: HashMap<i64, Vec<&'static str>>,
    links: Vec<Value>,
    next_message_id: i64,
    /// Percentage of sendMessage calls that fail (429, 5xx, timeout) or
    /// answer slowly.
    fault_percent: u64,
    /// While set, sendMessage calls hang unprocessed, as when the network
    /// drops a request before Telegram acts on it.
    holding: bool,
    /// Calls hanging now.
    held: u64,
    send_calls: u64,
    /// Faults answered so far, by kind.
    faults: HashMap<&'static str, u64>,
    /// Files members sent, by file id.
    files: HashMap<String, Vec<u8>>,
    /// What `getChat` shows of users set up by a test; anyone else has a
    /// username and a photo, like most real accounts.
    profiles: HashMap<i64, Profile>,
    /// Users `getChat` fails for with a server error, as a flaky network.
    profile_faults: HashSet<i64>,
    /// Members per chat, as `getChatMemberCount` answers (10 unless set).
    member_counts: HashMap<i64, u64>,
    /// Users who blocked the bot: messages to them are refused with 403.
    blocked: HashSet<i64>,
    photos: Vec<Photo>,
    /// Groups made public: every update shows their username, as Telegram's do.
    usernames: HashMap<i64, String>,
    /// Groups renamed: every update shows their title.
    titles: HashMap<i64, String>,
    /// Methods answered with an error, whatever their parameters: status
    /// and description, as Telegram words them.
    refusals: HashMap<String, (u16, String)>,
    /// Methods answered normally, but only after this long.
    delays: HashMap<String, Duration>,
}

/// What `getChat` shows of a user.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub bio: Option<String>,
    pub username: Option<String>,
    pub has_photo: bool,
}

/// What an unlucky sendMessage call gets.
#[derive(Debug, Clone, Copy)]
enum Fault {
    TooManyRequests,
    ServerError,
    BadGateway,
    Slow,
    /// No answer within the bot's request timeout, and nothing sent.
    Timeout,
}

/// Longer than the tests' request timeout (`support::REQUEST_TIMEOUT_SECS`).
const TIMEOUT_FAULT: Duration = Duration::from_secs(4);

struct Shared {
    state: Mutex<ServerState>,
    changed: Notify,
    sent_changed: Notify,
}

/// A running fake Bot API server.
#[derive(Clone)]
pub struct FakeTelegram {
    pub url: String,
    shared: Arc<Shared>,
}

impl FakeTelegram {
    /// Starts a server on a free loopback port.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared {
            state: Mutex::new(ServerState::default()),
            changed: Notify::new(),
            sent_changed: Notify::new(),
        });
        let app = Router::new()
            .route("/{bot}/{method}", post(handle))
            .route("/file/{bot}/{*path}", get(file))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, shared }
    }

    fn with<T>(&self, f: impl FnOnce(&mut ServerState) -> T) -> T {
        f(&mut self.shared.state.lock().unwrap())
    }

    /// Queues an update of the given kind (`message`, `chat_member`, …).
    pub fn push(&self, kind: &str, mut payload: Value) {
        self.with(|s| {
            // A message's chat, or a button press's message's chat.
            let chat = match payload.get_mut("message") {
                Some(message) => message.get_mut("chat"),
                None => payload.get_mut("chat"),
            };
            if let Some(chat) = chat {
                let id = chat["id"].as_i64().unwrap_or_default();
                if let Some(username) = s.usernames.get(&id) {
                    chat["username"] = username.clone().into();
                }
                if let Some(title) = s.titles.get(&id) {
                    chat["title"] = title.clone().into();
                }
            }
            s.next_update_id += 1;
            let update = json!({ "update_id": s.next_update_id, kind: payload });
            s.queue.push(update.clone());
            s.history.push(update);
        });
        self.shared.changed.notify_waiters();
    }

    /// Simulates Telegram re-delivering every update ever sent (as after a
    /// crash before the offset was confirmed).
    pub fn redeliver_everything(&self) {
        self.with(|s| s.queue = s.history.clone());
        self.shared.changed.notify_waiters();
    }

    /// Makes `percent`% of sendMessage calls fail with 429 (`retry_after`
    /// 1 s), 500 or 502, or answer after a delay, spread evenly and
    /// reproducibly over the calls.
    pub fn inject_faults(&self, percent: u64) {
        self.with(|s| s.fault_percent = percent);
    }

    /// Makes sendMessage calls hang unprocessed until [`Self::release`].
    pub fn hold_sends(&self) {
        self.with(|s| s.holding = true);
    }

    /// Lets held calls end, unprocessed.
    pub fn release(&self) {
        self.with(|s| s.holding = false);
    }

    /// How many sendMessage calls hang now.
    pub fn held(&self) -> u64 {
        self.with(|s| s.held)
    }

    /// Answers every call of `method` with this error from now on.
    pub fn refuse(&self, method: &str, status: u16, description: &str) {
        self.with(|s| {
            s.refusals
                .insert(method.to_owned(), (status, description.to_owned()))
        });
    }

    /// Answers every call of `method` only after `delay`, as a Telegram
    /// under load does.
    pub fn delay(&self, method: &str, delay: Duration) {
        self.with(|s| s.delays.insert(method.to_owned(), delay));
    }

    /// Answers `method` normally again.
    pub fn stop_refusing(&self, method: &str) {
        self.with(|s| s.refusals.remove(method));
    }

    /// How many faults of each kind were answered.
    pub fn faults(&self) -> HashMap<&'static str, u64> {
        self.with(|s| s.faults.clone())
    }

    /// Stores a file as if a member had uploaded it; `getFile` finds it.
    pub fn put_file(&self, id: &str, bytes: &[u8]) {
        self.with(|s| s.files.insert(id.to_owned(), bytes.to_vec()));
    }

    /// Makes `user` an administrator of `chat`.
    pub fn make_admin(&self, chat: i64, user: i64) {
        self.with(|s| s.admins.insert((chat, user)));
    }

    /// Makes `chat` a forum supergroup, whose messages may go to topics.
    pub fn make_forum(&self, chat: i64) {
        self.with(|s| s.forums.insert(chat));
    }

    /// Makes `getChatMember` say `user` is not in `chat`: someone looking
    /// at a public group, or gone before the bot came.
    pub fn make_outsider(&self, chat: i64, user: i64) {
        self.with(|s| s.outsiders.insert((chat, user)));
    }

    /// Sets what `getChat` shows of `user`.
    pub fn set_profile(&self, user: i64, profile: Profile) {
        self.with(|s| s.profiles.insert(user, profile));
    }

    /// Sets how many members `getChatMemberCount` says `chat` has.
    pub fn set_member_count(&self, chat: i64, n: u64) {
        self.with(|s| s.member_counts.insert(chat, n));
    }

    /// Photos sent so far, oldest first.
    pub fn photos(&self) -> Vec<Photo> {
        self.with(|s| s.photos.clone())
    }

    /// `user` blocks the bot: Telegram refuses messages to them for good.
    pub fn block_bot(&self, user: i64) {
        self.with(|s| s.blocked.insert(user));
    }

    /// Makes `getChat` on `user` fail with a server error.
    pub fn fail_profile(&self, user: i64) {
        self.with(|s| s.profile_faults.insert(user));
    }

    /// Takes `user`'s admin rights in `chat` away.
    pub fn remove_admin(&self, chat: i64, user: i64) {
        self.with(|s| s.admins.remove(&(chat, user)));
    }

    /// Messages sent to `chat`, oldest first.
    pub fn sent_to(&self, chat: i64) -> Vec<Sent> {
        self.with(|s| {
            s.sent
                .iter()
                .filter(|m| m.chat_id == chat)
                .cloned()
                .collect()
        })
    }

    /// Calls of `method`, with their parameters.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        self.with(|s| {
            s.calls
                .iter()
                .filter(|(m, _)| m == method)
                .map(|(_, p)| p.clone())
                .collect()
        })
    }

    /// Whether every queued update has been confirmed by the bot.
    pub fn all_confirmed(&self) -> bool {
        self.with(|s| s.queue.is_empty())
    }

    /// Every message the bot sent, in any chat.
    pub fn sent_all(&self) -> Vec<Sent> {
        self.with(|s| s.sent.clone())
    }

    /// Waits until `pred` holds for every message sent so far.
    pub async fn wait_for_sent(&self, what: &str, pred: impl Fn(&[Sent]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let notified = self.shared.sent_changed.notified();
            if pred(&self.sent_all()) {
                return;
            }
            assert!(Instant::now() < deadline, "never saw {what}");
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
        }
    }

    /// Waits until `chat` has received at least `n` messages; returns them.
    pub async fn wait_for(&self, chat: i64, n: usize) -> Vec<Sent> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.shared.sent_changed.notified();
            let sent = self.sent_to(chat);
            if sent.len() >= n {
                return sent;
            }
            assert!(
                Instant::now() < deadline,
                "chat {chat} got {} messages, expected {n}: {sent:#?}",
                sent.len()
            );
            let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
        }
    }

    /// Waits until `pred` holds for the calls of `method`.
    pub async fn wait_for_call(&self, method: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let calls = self.calls(method);
            if pred(&calls) {
                return calls;
            }
            assert!(
                Instant::now() < deadline,
                "{method} calls never matched: {calls:#?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits until the bot has confirmed every queued update. The bot asks
    /// for the next batch only after the last one committed, so confirmed
    /// means applied.
    pub async fn wait_until_consumed(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.all_confirmed() {
            assert!(Instant::now() < deadline, "updates were never consumed");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

type Reply = (StatusCode, Json<Value>);

fn ok(result: Value) -> Reply {
    (
        StatusCode::OK,
        Json(json!({ "ok": true, "result": result })),
    )
}

fn error(code: u16, description: &str) -> Reply {
    (
        StatusCode::from_u16(code).unwrap(),
        Json(json!({ "ok": false, "error_code": code, "description": description })),
    )
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    request: Request,
) -> Reply {
    if bot != format!("bot{TOKEN}") {
        return error(401, "Unauthorized");
    }
    // Telegram matches method names case-insensitively (teloxide sends `GetMe`).
    let method = canonical(&method);
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (params, files) = if multipart {
        match read_multipart(request).await {
            Ok(read) => read,
            Err(e) => return error(400, &format!("Bad Request: {e}")),
        }
    } else {
        let body = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .unwrap_or_default();
        let params = if body.is_empty() {
            json!({})
        } else {
            serde_json::from_slice(&body).unwrap_or(json!({}))
        };
        (params, HashMap::new())
    };
    shared
        .state
        .lock()
        .unwrap()
        .calls
        .push((method.clone(), params.clone()));
    let refusal = shared.state.lock().unwrap().refusals.get(&method).cloned();
    if let Some((status, description)) = refusal {
        return error(status, &description);
    }
    let delay = shared.state.lock().unwrap().delays.get(&method).copied();
    if let Some(delay) = delay {
        tokio::time::sleep(delay).await;
    }
    match method.as_str() {
        "getUpdates" => get_updates(&shared, &params).await,
        "getMe" => ok(json!({
            "id": BOT_ID, "is_bot": true, "first_name": "Hearth", "username": BOT_USERNAME,
            "can_join_groups": true, "can_read_all_group_messages": false,
            "supports_inline_queries": false, "has_main_web_app": false
        })),
        "sendMessage" => {
            match next_fault(&shared) {
                Some(Fault::TooManyRequests) => {
                    return (
                        StatusCode::TOO_MANY_REQUESTS,
                        Json(json!({
                            "ok": false, "error_code": 429,
                            "description": "Too Many Requests: retry after 1",
                            "parameters": { "retry_after": 1 }
                        })),
                    );
                }
                Some(Fault::ServerError) => return error(500, "Internal Server Error"),
                Some(Fault::BadGateway) => return error(502, "Bad Gateway"),
                Some(Fault::Slow) => tokio::time::sleep(Duration::from_millis(300)).await,
                Some(Fault::Timeout) => {
                    tokio::time::sleep(TIMEOUT_FAULT).await;
                    return error(504, "Gateway Timeout");
                }
                None => {}
            }
            if hold(&shared).await {
                return error(504, "Gateway Timeout");
            }
            let to = params["chat_id"].as_i64().unwrap_or(0);
            if shared.state.lock().unwrap().blocked.contains(&to) {
                return error(403, "Forbidden: bot was blocked by the user");
            }
            send_message(&shared, &params)
        }
        "sendPhoto" => send_photo(&shared, &params, files),
        "getChat" => {
            let id = params["chat_id"].as_i64().unwrap_or(0);
            let state = shared.state.lock().unwrap();
            if state.profile_faults.contains(&id) {
                return error(500, "Internal Server Error");
            }
            if id <= 0 {
                return error(400, "Bad Request: chat not found");
            }
            let profile = state.profiles.get(&id).cloned().unwrap_or(Profile {
                bio: None,
                username: Some(format!("user{id}")),
                has_photo: true,
            });
            ok(private_chat(id, &profile))
        }
        "getChatMemberCount" => {
            let id = params["chat_id"].as_i64().unwrap_or(0);
            let counts = &shared.state.lock().unwrap().member_counts;
            ok(json!(counts.get(&id).copied().unwrap_or(10)))
        }
        "pinChatMessage" | "unpinChatMessage" => ok(json!(true)),
        "createChatInviteLink" => create_link(&shared, &params),
        "getChatMember" => {
            let (chat, user) = (
                params["chat_id"].as_i64().unwrap_or(0),
                params["user_id"].as_i64().unwrap_or(0),
            );
            let state = shared.state.lock().unwrap();
            let status = if state.admins.contains(&(chat, user)) {
                "administrator"
            } else if state.outsiders.contains(&(chat, user)) {
                "left"
            } else {
                "member"
            };
            let mut member = chat_member(&user_json(user, "member"), status, true);
            if user == BOT_ID && status == "administrator" {
                member["can_invite_users"] =
                    json!(state.can_invite.get(&chat).copied().unwrap_or(false));
                for right in state.withheld.get(&chat).into_iter().flatten() {
                    member[*right] = json!(false);
                }
            }
            ok(member)
        }
        "setMyCommands"
        | "leaveChat"
        | "approveChatJoinRequest"
        | "banChatMember"
        | "unbanChatMember" => ok(json!(true)),
        "getFile" => {
            let id = params["file_id"].as_str().unwrap_or_default();
            match shared.state.lock().unwrap().files.get(id) {
                Some(bytes) => ok(json!({
                    "file_id": id, "file_unique_id": format!("u{id}"),
                    "file_size": bytes.len(), "file_path": format!("documents/{id}.csv")
                })),
                None => error(400, "Bad Request: invalid file_id"),
            }
        }
        "answerCallbackQuery" => {
            if params["callback_query_id"].as_str().is_none() {
                return error(400, "Bad Request: query is too old or query ID is invalid");
            }
            ok(json!(true))
        }
        _ => error(404, "Not Found: method not found"),
    }
}

/// A private chat's full info, as `getChat` answers it for a user.
fn private_chat(id: i64, profile: &Profile) -> Value {
    let mut chat = json!({
        "id": id, "type": "private", "first_name": format!("User {id}"),
        "accent_color_id": 0, "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": false, "limited_gifts": false,
            "unique_gifts": false, "premium_subscription": false
        }
    });
    if let Some(bio) = &profile.bio {
        chat["bio"] = json!(bio);
    }
    if let Some(username) = &profile.username {
        chat["username"] = json!(username);
    }
    if profile.has_photo {
        chat["photo"] = json!({
            "small_file_id": format!("ps{id}"), "small_file_unique_id": format!("pus{id}"),
            "big_file_id": format!("pb{id}"), "big_file_unique_id": format!("pub{id}")
        });
    }
    chat
}

fn canonical(method: &str) -> String {
    const KNOWN: &[&str] = &[
        "getUpdates",
        "getMe",
        "sendMessage",
        "createChatInviteLink",
        "getChatMember",
        "getChat",
        "setMyCommands",
        "leaveChat",
        "approveChatJoinRequest",
        "getChatMemberCount",
        "pinChatMessage",
        "unpinChatMessage",
        "answerCallbackQuery",
        "getFile",
        "banChatMember",
        "unbanChatMember",
        "sendPhoto",
    ];
    KNOWN
        .iter()
        .find(|k| k.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_owned(), |k| (*k).to_owned())
}

/// Serves a stored file as `https://api.telegram.org/file/bot<token>/<path>` does.
async fn file(
    State(shared): State<Arc<Shared>>,
    Path((bot, path)): Path<(String, String)>,
) -> (StatusCode, Vec<u8>) {
    let id = path
        .strip_prefix("documents/")
        .and_then(|p| p.strip_suffix(".csv"));
    let bytes = id.and_then(|id| shared.state.lock().unwrap().files.get(id).cloned());
    match bytes {
        Some(bytes) if bot == format!("bot{TOKEN}") => (StatusCode::OK, bytes),
        _ => (StatusCode::NOT_FOUND, Vec::new()),
    }
}

async fn get_updates(shared: &Shared, params: &Value) -> Reply {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    let deadline = Instant::now() + timeout;
    loop {
        let notified = shared.changed.notified();
        let batch: Vec<Value> = {
            let mut s = shared.state.lock().unwrap();
            s.queue
                .retain(|u| u["update_id"].as_i64().unwrap_or(0) >= offset);
            s.queue.iter().take(100).cloned().collect()
        };
        if !batch.is_empty() || Instant::now() >= deadline {
            return ok(Value::Array(batch));
        }
        let _ = tokio::time::timeout_at(deadline.into(), notified).await;
    }
}

/// Decides whether this sendMessage call meets a fault: a fixed scramble of
/// the call number, so a run is reproducible and faults are spread out.
fn next_fault(shared: &Shared) -> Option<Fault> {
    let mut s = shared.state.lock().unwrap();
    s.send_calls += 1;
    let roll = s.send_calls.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    if s.fault_percent == 0 || roll % 100 >= s.fault_percent {
        return None;
    }
    let (fault, name) = match (roll / 100) % 5 {
        0 => (Fault::TooManyRequests, "429"),
        1 => (Fault::ServerError, "500"),
        2 => (Fault::BadGateway, "502"),
        3 => (Fault::Timeout, "timeout"),
        _ => (Fault::Slow, "slow"),
    };
    *s.faults.entry(name).or_default() += 1;
    Some(fault)
}

/// Hangs while the server holds calls; says whether this call was held (a
/// held call is never processed: its client has given up or died).
async fn hold(shared: &Shared) -> bool {
    if !shared.state.lock().unwrap().holding {
        return false;
    }
    shared.state.lock().unwrap().held += 1;
    while shared.state.lock().unwrap().holding {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    shared.state.lock().unwrap().held -= 1;
    true
}

fn send_message(shared: &Shared, params: &Value) -> Reply {
    let chat_id = params["chat_id"].as_i64().unwrap_or(0);
    let text = params["text"].as_str().unwrap_or("").to_owned();
    // Telegram counts the text as members see it (tags out, entities
    // decoded) in UTF-16 units.
    let seen = if params["parse_mode"] == "HTML" {
        match parse_html(&text) {
            Ok((plain, _)) => plain,
            Err(e) => return error(400, &format!("Bad Request: can't parse entities: {e}")),
        }
    } else {
        text.clone()
    };
    if seen.encode_utf16().count() > 4096 {
        return error(400, "Bad Request: message is too long");
    }
    let topic = params["message_thread_id"].as_i64();
    let mut s = shared.state.lock().unwrap();
    // Telegram refuses a topic outside a forum.
    if topic.is_some() && !s.forums.contains(&chat_id) {
        return error(400, "Bad Request: message thread not found");
    }
    s.next_message_id += 1;
    let mut message = json!({
        "message_id": s.next_message_id, "date": 1_700_000_000,
        "chat": chat_json(chat_id), "from": user_json(BOT_ID, "Hearth"), "text": text
    });
    if let Some(topic) = topic {
        message["message_thread_id"] = json!(topic);
        message["is_topic_message"] = json!(true);
    }
    let buttons = params["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .map(|b| {
            let text = |k: &str| b[k].as_str().unwrap_or_default().to_owned();
            (text("text"), text("callback_data"))
        })
        .collect();
    let message_id = s.next_message_id;
    s.sent.push(Sent {
        chat_id,
        message_id,
        html: text,
        buttons,
        topic,
        at: Instant::now(),
    });
    drop(s);
    shared.sent_changed.notify_waiters();
    ok(message)
}

/// A multipart request's text fields (JSON where they parse as JSON) and
/// its files (name, bytes), by field name.
async fn read_multipart(
    request: Request,
) -> Result<(Value, HashMap<String, (String, Vec<u8>)>), String> {
    let mut form = Multipart::from_request(request, &())
        .await
        .map_err(|e| e.to_string())?;
    let mut params = serde_json::Map::new();
    let mut files = HashMap::new();
    while let Some(field) = form.next_field().await.map_err(|e| e.to_string())? {
        let name = field.name().unwrap_or_default().to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(|e| e.to_string())?;
                files.insert(name, (file_name, bytes.to_vec()));
            }
            None => {
                let text = field.text().await.map_err(|e| e.to_string())?;
                let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
                params.insert(name, value);
            }
        }
    }
    Ok((Value::Object(params), files))
}

/// `sendPhoto` with an uploaded file, checked as Telegram would.
fn send_photo(
    shared: &Shared,
    params: &Value,
    mut files: HashMap<String, (String, Vec<u8>)>,
) -> Reply {
    let chat_id = params["chat_id"].as_i64().unwrap_or(0);
    let caption = params["caption"].as_str().unwrap_or("").to_owned();
    // A file goes in its own part, which the field names as `attach://<part>`.
    let part = params["photo"]
        .as_str()
        .and_then(|p| p.strip_prefix("attach://"))
        .unwrap_or("photo");
    let Some((file_name, bytes)) = files.remove(part) else {
        return error(400, "Bad Request: there is no photo in the request");
    };
    if !bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return error(400, "Bad Request: IMAGE_PROCESS_FAILED");
    }
    if caption.chars().count() > 1024 {
        return error(400, "Bad Request: message caption is too long");
    }
    let mut s = shared.state.lock().unwrap();
    s.next_message_id += 1;
    let message_id = s.next_message_id;
    s.photos.push(Photo {
        chat_id,
        caption: caption.clone(),
        file_name,
        bytes,
    });
    drop(s);
    shared.sent_changed.notify_waiters();
    ok(json!({
        "message_id": message_id, "date": 1_700_000_000,
        "chat": chat_json(chat_id), "from": user_json(BOT_ID, "Hearth"),
        "photo": [{ "file_id": format!("photo{message_id}"), "file_unique_id": format!("u{message_id}"),
                    "width": 1200, "height": 840 }],
        "caption": caption
    }))
}

fn create_link(shared: &Shared, params: &Value) -> Reply {
    let chat_id = params["chat_id"].as_i64().unwrap_or(0);
    let mut s = shared.state.lock().unwrap();
    if !s.can_invite.get(&chat_id).copied().unwrap_or(false) {
        return error(
            400,
            "Bad Request: not enough rights to manage chat invite link",
        );
    }
    let n = s.links.len() + 1;
    let link = json!({
        "invite_link": format!("https://t.me/+link{chat_id}x{n}"),
        "creator": user_json(BOT_ID, "Hearth"),
        "creates_join_request": params["creates_join_request"].as_bool().unwrap_or(false),
        "is_primary": false, "is_revoked": false,
        "name": params["name"].clone(),
    });
    s.links.push(link.clone());
    ok(link)
}

/// Grants or withdraws the bot's right to create links in a chat.
impl FakeTelegram {
    /// Makes `chat` a public group named `@username` from the next update on.
    pub fn set_username(&self, chat: i64, username: &str) {
        self.with(|s| s.usernames.insert(chat, username.to_owned()));
    }

    /// Renames `chat` from the next update on.
    pub fn set_title(&self, chat: i64, title: &str) {
        self.with(|s| s.titles.insert(chat, title.to_owned()));
    }

    pub fn set_bot_can_invite(&self, chat: i64, can: bool) {
        self.with(|s| s.can_invite.insert(chat, can));
    }

    /// The bot is an admin of `chat` without `right` (`can_restrict_members`).
    pub fn withhold_bot_right(&self, chat: i64, right: &'static str) {
        self.with(|s| s.withheld.entry(chat).or_default().push(right));
    }
}

pub fn user_json(id: i64, first_name: &str) -> Value {
    json!({ "id": id, "is_bot": id == BOT_ID, "first_name": first_name })
}

pub fn chat_json(id: i64) -> Value {
    if id > 0 {
        json!({ "id": id, "type": "private", "first_name": "someone" })
    } else {
        json!({ "id": id, "type": "supergroup", "title": format!("Group {}", -id) })
    }
}

/// A ChatMember object with the given status.
pub fn chat_member(user: &Value, status: &str, can_invite: bool) -> Value {
    match status {
        "administrator" => json!({
            "user": user, "status": "administrator", "can_be_edited": false, "is_anonymous": false,
            "can_manage_chat": true, "can_change_info": true, "can_delete_messages": true,
            "can_manage_video_chats": true, "can_invite_users": can_invite, "can_restrict_members": true,
            "can_promote_members": false, "can_pin_messages": true
        }),
        "kicked" => json!({ "user": user, "status": "kicked", "until_date": 0 }),
        other => json!({ "user": user, "status": other }),
    }
}

/// Parses the HTML subset Hearth may send (text, entities, `tg://user` links):
/// returns the visible text and the mentioned user ids, or what is wrong.
pub fn parse_html(html: &str) -> Result<(String, Vec<i64>), String> {
    let mut text = String::new();
    let mut mentions = Vec::new();
    let mut rest = html;
    let mut in_link = false;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let end = rest.find('>').ok_or("unclosed tag")?;
            let tag = &rest[1..end];
            if let Some(href) = tag
                .strip_prefix("a href=\"tg://user?id=")
                .and_then(|t| t.strip_suffix('"'))
            {
                if in_link {
                    return Err("nested link".into());
                }
                mentions.push(href.parse::<i64>().map_err(|_| "bad user id")?);
                in_link = true;
            } else if tag == "/a" && in_link {
                in_link = false;
            } else {
                return Err(format!("unsupported start tag \"{tag}\""));
            }
            rest = &rest[end + 1..];
        } else if c == '&' {
            let end = rest.find(';').ok_or("unclosed entity")?;
            text.push(match &rest[..=end] {
                "&lt;" => '<',
                "&gt;" => '>',
                "&amp;" => '&',
                "&quot;" => '"',
                other => return Err(format!("unsupported entity {other}")),
            });
            rest = &rest[end + 1..];
        } else if c == '>' {
            return Err("unexpected >".into());
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if in_link {
        return Err("unclosed link".into());
    }
    Ok((text, mentions))
}
