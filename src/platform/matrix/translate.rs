//! Matrix events (raw JSON, so Synapse's `unsigned.prev_sender` survives) to
//! engine events.

use serde_json::Value;

use crate::{
    domain::{ChatId, DisplayName, UserId},
    engine::{Event, GroupInfo, Incoming, Person},
};

/// Translates one room's timeline. `me` is the bot's user id.
pub fn timeline(room: &str, title: &str, events: &[Value], me: &str) -> Vec<Incoming> {
    let group = GroupInfo {
        id: ChatId::matrix(room),
        title: crate::domain::name::clean_title(title),
        public_handle: None,
    };
    let mut out = Vec::new();
    // A room the bot just joined arrives with its history: what happened
    // before the bot's own join is not news.
    let own_join = events.iter().rposition(|ev| {
        ev["type"] == "m.room.member"
            && ev["state_key"] == me
            && ev["content"]["membership"] == "join"
    });
    let events = own_join.map_or(events, |i| &events[i + 1..]);
    for ev in events {
        let Some(event_id) = ev["event_id"].as_str() else {
            continue;
        };
        let sender = ev["sender"].as_str().unwrap_or_default();
        let event = match ev["type"].as_str() {
            Some("m.room.member") => member_event(&group, ev, sender, me),
            Some("m.room.message") => message(&group, ev, sender, me),
            Some("m.reaction") => reaction(&group, ev, sender, me),
            // Admins are members with the power to kick: read them again.
            Some("m.room.power_levels") => Some(Event::StandingChanged {
                group: group.id.clone(),
                member: None,
            }),
            _ => None,
        };
        if let Some(event) = event {
            out.push(Incoming {
                key: update_key(me, event_id),
                event,
            });
        }
    }
    out
}

/// An event's update key: the bot's id with the event's, since two bots on
/// one database may see the same event, each to handle it once.
pub fn update_key(me: &str, event_id: &str) -> String {
    format!("mx:{me}:{event_id}")
}

/// Translates the direct room the bot opened with `user`: there the member
/// speaks to the bot in private, so their `!` commands are private ones
/// (`!mycodes`), answered in the same room. Anything else is not news.
pub fn direct(user: &str, events: &[Value], me: &str) -> Vec<Incoming> {
    events
        .iter()
        .filter(|ev| ev["type"] == "m.room.message" && ev["sender"] == user)
        .filter_map(|ev| {
            let event_id = ev["event_id"].as_str()?;
            let body = ev["content"]["body"].as_str()?;
            body.starts_with('!').then(|| Incoming {
                key: update_key(me, event_id),
                event: Event::Command {
                    chat: ChatId::private_with(&UserId::matrix(user)),
                    group: None,
                    from: person(user, None),
                    text: body.to_owned(),
                    topic: None,
                },
            })
        })
        .collect()
}

fn member_event(group: &GroupInfo, ev: &Value, sender: &str, me: &str) -> Option<Event> {
    let target = ev["state_key"].as_str()?;
    let membership = ev["content"]["membership"].as_str()?;
    let prev = ev["unsigned"]["prev_content"]["membership"]
        .as_str()
        .unwrap_or("leave");
    match membership {
        // Written down by the engine as an intent, so a join that comes
        // after a restart still names its inviter.
        "invite" if target != me && sender != target => Some(Event::Invited {
            group: group.clone(),
            member: person(target, None),
            by: person(sender, None),
        }),
        "join" if prev != "join" && target != me => {
            let inviter = match prev {
                "invite" => ev["unsigned"]["prev_sender"].as_str().map(str::to_owned),
                _ => None,
            };
            Some(Event::MemberJoined {
                group: group.clone(),
                member: person(target, ev["content"]["displayname"].as_str()),
                added_by: inviter.filter(|i| i != target).map(|i| person(&i, None)),
                link: None,
            })
        }
        "leave" | "ban" if target == me => Some(Event::BotLeft {
            group: group.id.clone(),
        }),
        "leave" | "ban" if prev == "join" => Some(Event::MemberLeft {
            group: group.id.clone(),
            member: person(target, None),
            removed_by: (sender != target).then(|| UserId::matrix(sender)),
        }),
        _ => None,
    }
}

fn message(group: &GroupInfo, ev: &Value, sender: &str, me: &str) -> Option<Event> {
    let body = ev["content"]["body"].as_str()?;
    if sender == me {
        return None;
    }
    if !body.starts_with('!') {
        let reply_to = ev["content"]["m.relates_to"]["m.in_reply_to"]["event_id"].as_str();
        return Some(Event::Message {
            group: group.id.clone(),
            from: person(sender, None),
            text: strip_reply_fallback(body).to_owned(),
            reply_to: reply_to.map(str::to_owned),
        });
    }
    // A command typed in a thread is answered in it: the thread's root
    // stands for the topic.
    let relates = &ev["content"]["m.relates_to"];
    let thread = match relates["rel_type"].as_str() {
        Some("m.thread") => relates["event_id"].as_str().map(str::to_owned),
        _ => None,
    };
    Some(Event::Command {
        chat: group.id.clone(),
        group: Some(group.clone()),
        from: person(sender, None),
        text: body.to_owned(),
        topic: thread,
    })
}

/// A reaction stands in for a button press (Matrix has no buttons).
fn reaction(group: &GroupInfo, ev: &Value, sender: &str, me: &str) -> Option<Event> {
    let relates = &ev["content"]["m.relates_to"];
    if sender == me || relates["rel_type"] != "m.annotation" {
        return None;
    }
    Some(Event::Pressed {
        chat: group.id.clone(),
        from: person(sender, None),
        // Clients may add an emoji presentation selector.
        button: relates["key"]
            .as_str()?
            .trim_end_matches('\u{fe0f}')
            .to_owned(),
        message: Some(relates["event_id"].as_str()?.to_owned()),
        query: None,
        topic: None,
    })
}

/// The member's own words of a reply: older clients quote the message they
/// answer as `> ` lines and a blank line before the reply.
fn strip_reply_fallback(body: &str) -> &str {
    if !body.starts_with("> ") {
        return body;
    }
    body.split_once("\n\n").map_or(body, |(_, own)| own)
}

/// A person from a Matrix id and, when known, their display name.
pub fn person(id: &str, displayname: Option<&str>) -> Person {
    let fallback = id.trim_start_matches('@').split(':').next().unwrap_or(id);
    Person {
        id: UserId::matrix(id),
        name: DisplayName::clean(displayname.unwrap_or(fallback), fallback),
        is_bot: false,
        lang: None,
        handle: None,
    }
}

/// The ids of events the client could not decrypt: they reach us still as
/// `m.room.encrypted` (sent before the bot's device joined, or not shared
/// with it), and whatever they held is lost to the bot.
pub fn undecryptable(events: &[Value]) -> Vec<&str> {
    events
        .iter()
        .filter(|ev| ev["type"] == "m.room.encrypted")
        .filter_map(|ev| ev["event_id"].as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn events_left_encrypted_are_named() {
        let events = [
            json!({ "event_id": "$a", "type": "m.room.message", "content": { "body": "hi" } }),
            json!({ "event_id": "$b", "type": "m.room.encrypted",
                    "content": { "algorithm": "m.megolm.v1.aes-sha2", "ciphertext": "…" } }),
        ];
        assert_eq!(undecryptable(&events), ["$b"]);
    }

    fn member(id: &str, target: &str, sender: &str, membership: &str, unsigned: Value) -> Value {
        json!({ "event_id": id, "type": "m.room.member", "state_key": target, "sender": sender,
                "content": { "membership": membership }, "unsigned": unsigned })
    }

    #[test]
    fn an_invite_is_an_event_and_a_join_names_its_inviter_when_the_server_does() {
        let events = [
            member(
                "$1",
                "@bob:x",
                "@bob:x",
                "join",
                json!({ "prev_content": { "membership": "invite" }, "prev_sender": "@ann:x" }),
            ),
            member("$2", "@cy:x", "@ann:x", "invite", json!({})),
            member(
                "$3",
                "@cy:x",
                "@cy:x",
                "join",
                json!({ "prev_content": { "membership": "invite" } }),
            ),
            member("$4", "@dee:x", "@dee:x", "join", json!({})),
        ];
        let out = timeline("!r:x", "R", &events, "@bot:x");
        let facts: Vec<_> = out
            .iter()
            .map(|i| match &i.event {
                Event::MemberJoined { added_by, .. } => {
                    format!(
                        "joined, added by {:?}",
                        added_by.as_ref().map(|p| p.id.to_string())
                    )
                }
                Event::Invited { member, by, .. } => format!("{} invited {}", by.id, member.id),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            facts,
            [
                "joined, added by Some(\"mx:@ann:x\")",
                "mx:@ann:x invited mx:@cy:x",
                "joined, added by None",
                "joined, added by None",
            ]
        );
        assert_eq!(out[0].key, "mx:@bot:x:$1");
    }

    #[test]
    fn history_before_the_bots_own_join_is_not_news() {
        let events = [
            member("$1", "@op:x", "@op:x", "join", json!({})),
            member(
                "$2",
                "@bot:x",
                "@bot:x",
                "join",
                json!({ "prev_content": { "membership": "invite" } }),
            ),
            member("$3", "@ann:x", "@ann:x", "join", json!({})),
        ];
        let out = timeline("!r:x", "R", &events, "@bot:x");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].key, "mx:@bot:x:$3");
    }

    #[test]
    fn in_a_direct_room_only_the_members_commands_count_and_they_are_private() {
        let say = |sender: &str, body: &str, id: &str| {
            json!({
                "type": "m.room.message", "event_id": id, "sender": sender,
                "content": { "msgtype": "m.text", "body": body }
            })
        };
        let events = [
            say("@ann:hs", "!mycodes", "$1"),
            say("@ann:hs", "thanks!", "$2"),
            say("@bot:hs", "!help", "$3"),
        ];
        let out = direct("@ann:hs", &events, "@bot:hs");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].key, "mx:@bot:hs:$1");
        match &out[0].event {
            Event::Command {
                chat, group, text, ..
            } => {
                assert_eq!(chat, &ChatId::private_with(&UserId::matrix("@ann:hs")));
                assert!(group.is_none());
                assert_eq!(text, "!mycodes");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_kick_is_a_removal_and_a_profile_change_is_nothing() {
        let events = [
            member(
                "$1",
                "@bob:x",
                "@admin:x",
                "leave",
                json!({ "prev_content": { "membership": "join" } }),
            ),
            member(
                "$2",
                "@cy:x",
                "@cy:x",
                "join",
                json!({ "prev_content": { "membership": "join" } }),
            ),
        ];
        let out = timeline("!r:x", "R", &events, "@bot:x");
        assert_eq!(out.len(), 1);
        assert!(matches!(
            &out[0].event,
            Event::MemberLeft {
                removed_by: Some(_),
                ..
            }
        ));
    }

    /// Any JSON a homeserver (or anyone on the federation) can put in a
    /// room, with the keys the translation reads among others.
    fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            "\\PC{0,20}".prop_map(Value::from),
            Just(Value::from("join")),
            Just(Value::from("invite")),
            Just(Value::from("m.annotation")),
            Just(Value::from("@bot:x")),
        ];
        let key = prop_oneof![
            Just("membership".to_owned()),
            Just("body".to_owned()),
            Just("m.relates_to".to_owned()),
            Just("rel_type".to_owned()),
            Just("key".to_owned()),
            Just("event_id".to_owned()),
            Just("displayname".to_owned()),
            Just("prev_content".to_owned()),
            Just("m.in_reply_to".to_owned()),
            "[a-z_.]{1,8}",
        ];
        leaf.prop_recursive(3, 32, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                proptest::collection::btree_map(key.clone(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn any_event_body_is_translated_or_skipped_never_a_panic(
            events in proptest::collection::vec(
                (
                    proptest::prop_oneof![
                        proptest::strategy::Just("m.room.member"),
                        proptest::strategy::Just("m.room.message"),
                        proptest::strategy::Just("m.reaction"),
                        proptest::strategy::Just("m.room.power_levels"),
                        proptest::strategy::Just("m.other"),
                    ],
                    proptest::option::of("\\PC{0,8}"),
                    proptest::prop_oneof![
                        proptest::strategy::Just("@bot:x".to_owned()),
                        proptest::strategy::Just("@ann:x".to_owned()),
                        "\\PC{0,12}",
                    ],
                    arbitrary_json(),
                    arbitrary_json(),
                ),
                0..8,
            )
        ) {
            let events: Vec<Value> = events
                .into_iter()
                .map(|(kind, id, sender, state_key, content)| {
                    json!({ "type": kind, "event_id": id, "sender": sender,
                            "state_key": state_key, "content": content })
                })
                .collect();
                for incoming in timeline("!r:x", "R\u{0}", &events, "@bot:x") {
                proptest::prop_assert!(incoming.key.starts_with("mx:@bot:x:"));
            }
            let _ = direct("@ann:x", &events, "@bot:x");
        }
    }
}
