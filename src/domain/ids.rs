//! Platform-qualified identifiers: `tg:123456`, `mx:@alice:example.org`.
//!
//! The engine and the store only ever see these strings, so a Telegram chat id
//! and a Matrix room id travel through the same rules and the same tables.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The chat platforms Hearth speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Platform {
    Telegram,
    Matrix,
}

impl Platform {
    /// The prefix used in qualified ids.
    pub fn prefix(self) -> &'static str {
        match self {
            Platform::Telegram => "tg",
            Platform::Matrix => "mx",
        }
    }

    /// The platform's name, as members know it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Telegram => "Telegram",
            Platform::Matrix => "Matrix",
        }
    }

    fn from_prefix(prefix: &str) -> Option<Self> {
        match prefix {
            "tg" => Some(Platform::Telegram),
            "mx" => Some(Platform::Matrix),
            _ => None,
        }
    }
}

/// Why a qualified id was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum IdError {
    #[error("`{0}` has no platform prefix; write it as tg:123456 or mx:@user:server")]
    MissingPrefix(String),
    #[error("`{0}` names an unknown platform; use tg: (Telegram) or mx: (Matrix)")]
    UnknownPlatform(String),
    #[error("`{0}` is not a Telegram id; Telegram ids are whole numbers, e.g. tg:123456")]
    BadTelegramId(String),
    #[error("`{0}` is not a Matrix user id; write it as mx:@user:server")]
    BadMatrixId(String),
}

macro_rules! qualified_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A Telegram id (user or chat).
            pub fn telegram(id: i64) -> Self {
                Self(format!("tg:{id}"))
            }

            /// A Matrix id (`@user:server` or `!room:server`).
            pub fn matrix(id: &str) -> Self {
                Self(format!("mx:{id}"))
            }

            /// Trusts a value read back from the store, which only ever holds
            /// ids built by the constructors above.
            pub fn from_stored(raw: String) -> Self {
                Self(raw)
            }

            /// The platform the id belongs to.
            pub fn platform(&self) -> Platform {
                let prefix = self.0.split_once(':').map(|(p, _)| p).unwrap_or("");
                Platform::from_prefix(prefix).unwrap_or(Platform::Telegram)
            }

            /// The Telegram numeric id, when this is a Telegram id.
            pub fn as_telegram(&self) -> Option<i64> {
                self.0.strip_prefix("tg:").and_then(|n| n.parse().ok())
            }

            /// The platform's own id, without the prefix.
            pub fn native(&self) -> &str {
                self.0.split_once(':').map(|(_, n)| n).unwrap_or(&self.0)
            }

            /// The qualified form, as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

qualified_id!(
    /// A user on some platform.
    UserId
);
qualified_id!(
    /// A chat on some platform: a group, a Matrix room or a private chat.
    ChatId
);

impl UserId {
    /// Parses an operator-supplied id such as `tg:123456` or `mx:@alice:example.org`.
    pub fn parse(raw: &str) -> Result<Self, IdError> {
        let raw = raw.trim();
        let (prefix, rest) = raw
            .split_once(':')
            .ok_or_else(|| IdError::MissingPrefix(raw.to_owned()))?;
        match Platform::from_prefix(prefix) {
            Some(Platform::Telegram) => rest
                .parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .map(Self::telegram)
                .ok_or_else(|| IdError::BadTelegramId(raw.to_owned())),
            Some(Platform::Matrix) => {
                let valid = rest.starts_with('@')
                    && rest[1..]
                        .split_once(':')
                        .is_some_and(|(local, server)| !local.is_empty() && !server.is_empty());
                if valid {
                    Ok(Self::matrix(rest))
                } else {
                    Err(IdError::BadMatrixId(raw.to_owned()))
                }
            }
            None => Err(IdError::UnknownPlatform(raw.to_owned())),
        }
    }
}

impl ChatId {
    /// Parses an operator-typed chat id: `tg:-1001234`, or `mx:!room` /
    /// `mx:!room:server` for Matrix rooms.
    pub fn parse(raw: &str) -> Option<Self> {
        let (prefix, rest) = raw.trim().split_once(':')?;
        match Platform::from_prefix(prefix)? {
            Platform::Telegram => rest.parse::<i64>().ok().map(Self::telegram),
            Platform::Matrix => {
                (rest.starts_with('!') && rest.len() > 1).then(|| Self::matrix(rest))
            }
        }
    }

    /// A private chat with a user has the user's id on both platforms we speak
    /// to (Telegram private chats; Matrix DMs are resolved by the adapter).
    pub fn private_with(user: &UserId) -> Self {
        Self(user.as_str().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_operator_ids_of_both_platforms() {
        assert_eq!(UserId::parse("tg:123").unwrap().as_telegram(), Some(123));
        let mx = UserId::parse("mx:@alice:example.org").unwrap();
        assert_eq!(mx.platform(), Platform::Matrix);
        assert_eq!(mx.native(), "@alice:example.org");
    }

    #[test]
    fn refuses_malformed_operator_ids_with_a_reason() {
        assert!(matches!(
            UserId::parse("123"),
            Err(IdError::MissingPrefix(_))
        ));
        assert!(matches!(
            UserId::parse("tg:abc"),
            Err(IdError::BadTelegramId(_))
        ));
        assert!(matches!(
            UserId::parse("tg:-5"),
            Err(IdError::BadTelegramId(_))
        ));
        assert!(matches!(
            UserId::parse("xx:1"),
            Err(IdError::UnknownPlatform(_))
        ));
        assert!(matches!(
            UserId::parse("mx:alice"),
            Err(IdError::BadMatrixId(_))
        ));
    }
}
