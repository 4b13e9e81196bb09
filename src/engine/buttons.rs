//! Buttons that run a command: the first-run checklist's time zones and the
//! `/settings` panel's choices. A press is the presser typing the command
//! in the button's group, so it passes the same access checks, is logged
//! the same way and answered in the chat where the button was pressed; a
//! button's data, which a client could forge, can ask for nothing its
//! presser could not type.

use async_trait::async_trait;

use super::{
    Action, Button, Engine, GroupInfo, Person,
    commands::{Outcome, Via},
    effect::{Cx, Effect},
};
use crate::{
    domain::{ChatId, Lang, RichText},
    store,
};

/// The data of a command button: this, the group's id, a space, the
/// command as typed.
const RUN_PREFIX: &str = "run:";

/// A button that runs `command` in `group` for whoever presses it.
pub(crate) fn command_button(label: impl Into<String>, group: &ChatId, command: &str) -> Button {
    Button {
        label: label.into(),
        data: format!("{RUN_PREFIX}{group} {command}"),
        reaction: String::new(),
    }
}

/// Whether a press runs a command; it waits in its chat's lane like one.
pub(crate) fn runs_command(button: &str) -> bool {
    button.starts_with(RUN_PREFIX)
}

impl Engine {
    /// Runs the command a button holds, as typed by its presser in its
    /// group; a group no longer served answers like a command typed there.
    pub(crate) async fn command_pressed(
        &self,
        key: &str,
        chat: ChatId,
        from: Person,
        button: &str,
        query: Option<&str>,
        topic: Option<String>,
    ) -> anyhow::Result<()> {
        let Some((group, command)) = button
            .strip_prefix(RUN_PREFIX)
            .and_then(|rest| rest.split_once(' '))
            .and_then(|(group, command)| Some((ChatId::parse(group)?, command)))
        else {
            return Ok(());
        };
        let mut conn = self.store.connection().await?;
        let stored = store::groups::get(&mut conn, &group).await?;
        drop(conn);
        if let Some(query) = query {
            // The answer comes as a message; the press only stops spinning.
            self.port(chat.platform())?
                .answer_press(query, command, None)
                .await?;
        }
        let Some(stored) = stored else {
            return Ok(());
        };
        let info = GroupInfo {
            id: stored.id.clone(),
            title: stored.title,
            public_handle: stored.public_handle,
        };
        let via = Via::Button { pressed_in: chat };
        self.run_command(
            key,
            stored.id,
            Some(info),
            from,
            command.to_owned(),
            via,
            topic,
        )
        .await
    }
}

/// An answer with buttons under it (a panel, a list to pick from, a
/// question), sent where the command is answered; it changes nothing.
pub(crate) fn with_buttons(text: RichText, rows: Vec<Vec<Button>>) -> Outcome {
    Outcome {
        reply: RichText::default(),
        effect: Some(Box::new(Shown { text, rows })),
    }
}

struct Shown {
    text: RichText,
    rows: Vec<Vec<Button>>,
}

#[async_trait]
impl Effect for Shown {
    async fn apply(self: Box<Self>, cx: &mut Cx<'_>) -> anyhow::Result<Option<RichText>> {
        let Shown { text, rows } = *self;
        let action = if rows.is_empty() {
            Action::Send { text }
        } else {
            Action::Ask { text, rows }
        };
        cx.engine
            .enqueue_at(
                cx.conn,
                cx.answer_to,
                cx.answer_topic,
                &action,
                store::outbox::Lane::Owed,
            )
            .await?;
        Ok(None)
    }

    fn changes(&self) -> bool {
        false
    }
}

/// The time zones most groups are in, offered as buttons (the city in each
/// language, the IANA name); any other is one `/timezone <zone>` away.
const COMMON_ZONES: [(&str, &str, &str); 8] = [
    ("上海", "Shanghai", "Asia/Shanghai"),
    ("香港", "Hong Kong", "Asia/Hong_Kong"),
    ("台北", "Taipei", "Asia/Taipei"),
    ("新加坡", "Singapore", "Asia/Singapore"),
    ("伦敦", "London", "Europe/London"),
    ("柏林", "Berlin", "Europe/Berlin"),
    ("纽约", "New York", "America/New_York"),
    ("洛杉矶", "Los Angeles", "America/Los_Angeles"),
];

/// Buttons that set `group`'s time zone to a common one, four to a row.
pub(crate) fn zone_rows(group: &ChatId, lang: Lang) -> Vec<Vec<Button>> {
    COMMON_ZONES
        .chunks(4)
        .map(|row| {
            row.iter()
                .map(|(zh, en, zone)| {
                    let city = match lang {
                        Lang::Zh => zh,
                        Lang::En => en,
                    };
                    command_button(format!("🕗 {city}"), group, &format!("/timezone {zone}"))
                })
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Telegram refuses a button whose data is over 64 bytes; the longest
    /// zone button for a supergroup's id fits.
    #[test]
    fn zone_buttons_fit_telegrams_64_bytes() {
        let group = ChatId::telegram(-1_009_999_999_999);
        for button in zone_rows(&group, Lang::En).concat() {
            assert!(button.data.len() <= 64, "{}", button.data);
            assert!(runs_command(&button.data));
            let zone = button.data.rsplit(' ').next().unwrap();
            assert!(zone.parse::<chrono_tz::Tz>().is_ok(), "{zone}");
        }
    }
}
