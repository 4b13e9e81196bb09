//! The Matrix session (user, device and access token) in a file of the
//! store directory, readable by the bot's user only.
//!
//! The access token is as good as the bot's password, so it is kept beside
//! the device's private keys, which are as secret, rather than in the
//! database, which exports, backups and the operator's own tools read.
//! Sessions saved in the database by earlier versions move here on start.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use matrix_sdk::authentication::matrix::MatrixSession;

/// The file's name in `HEARTH_MATRIX_STORE`.
const FILE: &str = "session.json";

/// Where the session is kept for a store directory.
pub(super) fn path(store_dir: &Path) -> PathBuf {
    store_dir.join(FILE)
}

/// The saved session, if any; a file that cannot be read as one is
/// reported and ignored, so the bot logs in again.
pub(super) fn read(store_dir: &Path) -> anyhow::Result<Option<MatrixSession>> {
    let path = path(store_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    keep_private(&path, 0o600)?;
    match serde_json::from_str(&text) {
        Ok(session) => Ok(Some(session)),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the saved Matrix session is unreadable; logging in again");
            Ok(None)
        }
    }
}

/// Saves the session, replacing the file whole: a crash leaves the old one
/// or the new one, never half of either.
pub(super) fn write(store_dir: &Path, session: &MatrixSession) -> anyhow::Result<()> {
    let path = path(store_dir);
    let partial = store_dir.join(format!("{FILE}.partial"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&partial)
        .with_context(|| format!("writing {}", partial.display()))?;
    file.write_all(serde_json::to_string(session)?.as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&partial, &path).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Creates `dir` where missing, readable by the bot's user only, and
/// tightens it with a warning when someone opened it to others: it holds
/// the session and the devices' private keys.
pub(super) fn private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("creating the Matrix store {}", dir.display()))?;
    keep_private(dir, 0o700)
}

/// Takes access for group and others away from `path`, with a warning.
fn keep_private(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta =
            std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
        let found = meta.permissions().mode() & 0o777;
        if found & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                was = format!("{found:o}"),
                "the Matrix store was open to others; made it {mode:o}"
            );
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
                .with_context(|| format!("making {} private", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn session() -> MatrixSession {
        MatrixSession {
            meta: matrix_sdk::SessionMeta {
                user_id: "@hearth:example.org".try_into().expect("a user id"),
                device_id: "DEVICE".into(),
            },
            tokens: matrix_sdk::authentication::SessionTokens {
                access_token: "syt_secret".to_owned(),
                refresh_token: None,
            },
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    }

    #[test]
    fn the_session_is_kept_for_the_bot_user_alone() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = dir.path().join("matrix-store");
        private_dir(&store).expect("created");
        assert_eq!(mode(&store), 0o700);
        assert!(read(&store).expect("readable").is_none());
        write(&store, &session()).expect("written");
        assert_eq!(mode(&path(&store)), 0o600);
        let back = read(&store).expect("readable").expect("saved");
        assert_eq!(back.tokens.access_token, "syt_secret");
        assert_eq!(back.meta.device_id.as_str(), "DEVICE");
    }

    #[test]
    fn a_store_opened_to_others_is_tightened() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = dir.path().join("matrix-store");
        private_dir(&store).expect("created");
        write(&store, &session()).expect("written");
        std::fs::set_permissions(&store, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        std::fs::set_permissions(path(&store), std::fs::Permissions::from_mode(0o644))
            .expect("chmod");
        private_dir(&store).expect("tightened");
        read(&store).expect("readable");
        assert_eq!(mode(&store), 0o700);
        assert_eq!(mode(&path(&store)), 0o600);
    }

    #[test]
    fn an_unreadable_session_means_a_new_login() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        private_dir(dir.path()).expect("created");
        std::fs::write(path(dir.path()), "{not json").expect("written");
        assert!(read(dir.path()).expect("no error").is_none());
    }
}
