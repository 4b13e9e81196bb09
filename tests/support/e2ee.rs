//! A member's own Matrix client with end-to-end encryption, as Element is:
//! matrix-sdk with its key store in a temporary directory. The plain HTTP
//! [`MxUser`] cannot write or read in an encrypted room; this client can.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use matrix_sdk::{
    Client, Room,
    config::SyncSettings,
    ruma::{
        OwnedRoomId,
        events::room::message::{OriginalSyncRoomMessageEvent, RoomMessageEventContent},
    },
};
use tokio::task::JoinHandle;

use super::matrix::{MxUser, server};

/// A message the client read: room, sender, body.
type Read = (String, String, String);

pub struct E2eeClient {
    client: Client,
    read: Arc<Mutex<Vec<Read>>>,
    sync: JoinHandle<()>,
    _store: tempfile::TempDir,
}

impl E2eeClient {
    /// Logs `user` in on a new device and keeps syncing, decrypting what
    /// arrives.
    pub async fn login(user: &MxUser) -> Self {
        let store = tempfile::tempdir().unwrap();
        let client = Client::builder()
            .homeserver_url(server())
            .sqlite_store(store.path(), None)
            .build()
            .await
            .unwrap();
        client
            .matrix_auth()
            .login_username(&user.id, &user.password)
            .send()
            .await
            .unwrap();
        let read: Arc<Mutex<Vec<Read>>> = Arc::default();
        let sink = Arc::clone(&read);
        client.add_event_handler(move |ev: OriginalSyncRoomMessageEvent, room: Room| {
            let sink = Arc::clone(&sink);
            async move {
                let body = ev.content.body().to_owned();
                let entry = (room.room_id().to_string(), ev.sender.to_string(), body);
                sink.lock().unwrap().push(entry);
            }
        });
        // The first sync uploads the device's keys, so that others can
        // share theirs with it.
        client.sync_once(SyncSettings::default()).await.unwrap();
        let syncing = client.clone();
        let sync = tokio::spawn(async move {
            loop {
                let settings = SyncSettings::default().timeout(Duration::from_secs(5));
                if syncing.sync_once(settings).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        Self {
            client,
            read,
            sync,
            _store: store,
        }
    }

    pub async fn join(&self, room: &str) {
        let id = OwnedRoomId::try_from(room).unwrap();
        self.client.join_room_by_id(&id).await.unwrap();
    }

    /// Sends `text`, encrypted as the room demands.
    pub async fn say(&self, room: &str, text: &str) {
        let id = OwnedRoomId::try_from(room).unwrap();
        let room = self.client.get_room(&id).expect("a room the client joined");
        room.send(RoomMessageEventContent::text_plain(text))
            .await
            .unwrap();
    }

    /// The bodies of what `sender` said in `room`, once one contains
    /// `needle`; that one last.
    pub async fn wait_for(&self, room: &str, sender: &str, needle: &str) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let said = self.said(room, sender);
            if let Some(at) = said.iter().position(|b| b.contains(needle)) {
                return said[..=at].to_vec();
            }
            assert!(
                Instant::now() < deadline,
                "{sender} never said {needle:?} in {room}: {said:#?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The bodies of what `sender` said in `room` so far.
    pub fn said(&self, room: &str, sender: &str) -> Vec<String> {
        self.read
            .lock()
            .unwrap()
            .iter()
            .filter(|(r, s, _)| r == room && s == sender)
            .map(|(_, _, body)| body.clone())
            .collect()
    }
}

impl Drop for E2eeClient {
    fn drop(&mut self) {
        self.sync.abort();
    }
}
