//! The bot's Matrix session: read from `HEARTH_MATRIX_STORE`, moved there
//! from the database where an older Hearth kept it, or made by logging in
//! with a password or an access token; and the device store beside it.

use super::session_file;
use crate::{
    config::{MatrixAuth, MatrixSettings},
    store::{Store, platform_state},
};
use anyhow::Context;
use matrix_sdk::{
    Client,
    authentication::{SessionTokens, matrix::MatrixSession},
    ruma::api::client::{
        session::login,
        uiaa::{MatrixUserIdentifier, UserIdentifier},
    },
};
use secrecy::ExposeSecret;
use std::path::PathBuf;

/// Where versions before the session file kept the session.
const LEGACY_SESSION_KEY: &str = "matrix.session";

/// The session saved in the store directory, or a new one: a login with
/// the password, or the access token's own device. A device's keys for
/// encrypted rooms live only in its store, so a saved device whose store is
/// gone cannot read those rooms again; with a password the bot starts over
/// as a new device.
pub(super) async fn session(
    settings: &MatrixSettings,
    store: &Store,
) -> anyhow::Result<MatrixSession> {
    session_file::private_dir(&settings.store_dir)?;
    let saved = match session_file::read(&settings.store_dir)? {
        Some(session) => Some(session),
        None => moved_from_database(settings, store).await?,
    };
    if let Some(session) = saved {
        let dir = device_store(settings, &session);
        let device = session.meta.device_id.to_string();
        match &settings.auth {
            _ if dir.exists() => return Ok(session),
            MatrixAuth::Password(_) => tracing::warn!(
                %device, store = %dir.display(),
                "the saved Matrix device has no store here; logging in as a new device"
            ),
            MatrixAuth::AccessToken(_) => {
                tracing::warn!(
                    %device, store = %dir.display(),
                    "the saved Matrix device has no store here; starting one. If this device \
                     read encrypted rooms before, its keys are lost: restore the store or give \
                     a new access token"
                );
                return Ok(session);
            }
        }
    }
    // A client without a store only to learn the device: the store to open
    // depends on it.
    let probe = Client::builder()
        .homeserver_url(settings.homeserver.as_str())
        .build()
        .await
        .context("building the Matrix client")?;
    let session = match &settings.auth {
        MatrixAuth::Password(password) => {
            login(&probe, &settings.user, password.expose_secret()).await?
        }
        MatrixAuth::AccessToken(token) => {
            session_from_token(&probe, &settings.user, token.expose_secret()).await?
        }
    };
    session_file::write(&settings.store_dir, &session)?;
    Ok(session)
}

/// A session an earlier version kept in the database, moved to the store
/// directory and dropped from the database.
async fn moved_from_database(
    settings: &MatrixSettings,
    store: &Store,
) -> anyhow::Result<Option<MatrixSession>> {
    let mut conn = store.connection().await?;
    let Some(json) = platform_state::get(&mut conn, LEGACY_SESSION_KEY).await? else {
        return Ok(None);
    };
    let session = serde_json::from_str::<MatrixSession>(&json).ok();
    if let Some(session) = &session {
        session_file::write(&settings.store_dir, session)?;
        tracing::info!(
            file = %session_file::path(&settings.store_dir).display(),
            "moved the Matrix session out of the database"
        );
    }
    platform_state::delete(&mut conn, LEGACY_SESSION_KEY).await?;
    Ok(session)
}

/// The SDK's store of one device of the bot.
pub(super) fn device_store(settings: &MatrixSettings, session: &MatrixSession) -> PathBuf {
    settings.store_dir.join(session.meta.device_id.as_str())
}

/// A password login as a plain request: a new device, not yet used.
async fn login(client: &Client, user: &str, password: &str) -> anyhow::Result<MatrixSession> {
    let identifier = UserIdentifier::Matrix(MatrixUserIdentifier::new(user.to_owned()));
    let mut request = login::v3::Request::new(login::v3::LoginInfo::Password(
        login::v3::Password::new(identifier, password.to_owned()),
    ));
    request.initial_device_display_name = Some("Hearth".to_owned());
    let response = client
        .send(request)
        .await
        .context("Matrix login failed; check HEARTH_MATRIX_USER and HEARTH_MATRIX_PASSWORD")?;
    Ok(MatrixSession::from(&response))
}

/// A session for an access token, completing the device id with `/whoami`.
async fn session_from_token(
    client: &Client,
    user: &str,
    token: &str,
) -> anyhow::Result<MatrixSession> {
    let probe = MatrixSession {
        meta: matrix_sdk::SessionMeta {
            user_id: user
                .try_into()
                .context("HEARTH_MATRIX_USER is not a Matrix user id")?,
            device_id: "HEARTH".into(),
        },
        tokens: SessionTokens {
            access_token: token.to_owned(),
            refresh_token: None,
        },
    };
    client.restore_session(probe.clone()).await?;
    let whoami = client
        .whoami()
        .await
        .context("the homeserver refused HEARTH_MATRIX_ACCESS_TOKEN")?;
    let device_id = whoami.device_id.context("the access token has no device")?;
    Ok(MatrixSession {
        meta: matrix_sdk::SessionMeta {
            user_id: whoami.user_id,
            device_id,
        },
        ..probe
    })
}
