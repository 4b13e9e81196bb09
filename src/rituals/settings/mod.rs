//! `/settings`: a group's settings on one panel, changed with buttons.
//!
//! Each button runs the command an admin would type (`/lang en`,
//! `/timezone Asia/Taipei`, `/screening threshold 50`; see
//! `engine::buttons`), so a change from the panel is checked, answered and
//! written to the audit log exactly as the typed one is. In private an
//! operator first picks one of their groups; Matrix, without buttons, gets
//! the panel with the commands to type.

pub(crate) mod texts;

use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{ChatId, Lang, RichText, command::Access, template::Template},
    engine::{
        Button, Engine, Person,
        buttons::{command_button, with_buttons, zone_rows},
        commands::{Outcome, say},
    },
    rituals::{
        command::{Command, CommandError},
        greeting, milestones,
        screening::store as screening_rules,
    },
    store::{self, groups::Group},
};

pub const RITUAL: Ritual = Ritual {
    name: "settings",
    section: Section::Start,
    commands: &[CommandSpec {
        name: "settings",
        aliases: &[],
        access: Access::Admin,
        help: Help {
            en: "The group's settings on one panel, changed with buttons (admins; operators in private)",
            zh: "在一个面板里查看并用按钮更改本群设置（管理员；运营者可私聊使用）",
        },
        usage: Help {
            en: "/settings\n/settings <group id> (in private)",
            zh: "/settings\n/settings <群 id>（私聊）",
        },
        example: "/settings",
        parse: |args| Ok(Command::Settings(parse(args)?)),
    }],
    jobs: &[],
};

/// `/settings` alone, or the id of the group to show (in private).
fn parse(args: &str) -> Result<Option<ChatId>, CommandError> {
    let args = args.trim();
    if args.is_empty() {
        return Ok(None);
    }
    ChatId::parse(args)
        .map(Some)
        .ok_or_else(|| CommandError::BadGroup(args.to_owned()))
}

impl Engine {
    /// The panel of `group`'s settings, with its buttons.
    pub(crate) async fn settings_panel(&self, group: &Group) -> anyhow::Result<Outcome> {
        let lang = group.lang;
        let mut conn = self.store().connection().await?;
        let (rules, _) = screening_rules::effective(&mut conn, &group.id, &group.owner).await?;
        let milestones = milestones::store::of_group(&mut conn, &group.id).await?;
        drop(conn);
        let buttons = self.has_buttons(group.id.platform());
        let mut text = RichText::plain(texts::heading(lang));
        text.push_text(&group.title);
        text.push_text(&texts::language(lang));
        text.push_text(&texts::zone(lang, group.timezone.name()));
        text.push_text(texts::welcome(lang));
        let source = group
            .welcome_template
            .as_deref()
            .unwrap_or(greeting::texts::default_welcome(lang));
        // A saved template always parses; were it not to, the panel shows
        // its source rather than fail.
        match Template::parse(source, greeting::texts::WELCOME_VARS) {
            Ok(template) => text.append(greeting::preview(&template, group)),
            Err(_) => text.push_text(source),
        }
        text.push_text(&texts::screening(lang, rules.threshold, rules.auto_remove));
        text.push_text(&texts::raid(lang, rules.raid_joins));
        let steps: Vec<String> = milestones
            .iter()
            .map(|m| match &m.pool {
                Some(pool) => format!("{} ({pool})", m.invites),
                None => m.invites.to_string(),
            })
            .collect();
        text.push_text(&texts::milestones(lang, &steps));
        let (pace, is_default) = greeting::pace::of_group(group, self.settings().greet_interval);
        text.push_text(&texts::welcome_pace(lang, pace, is_default));
        text.push_text(texts::footer(lang, buttons));
        let rows = if buttons {
            panel_rows(group, lang)
        } else {
            Vec::new()
        };
        Ok(with_buttons(text, rows))
    }

    /// `/settings` in private: the operator's groups to pick from, or the
    /// panel of the one named.
    pub(crate) async fn settings_in_private(
        &self,
        group: Option<ChatId>,
        from: &Person,
        lang: Lang,
    ) -> anyhow::Result<Outcome> {
        let mut conn = self.store().connection().await?;
        let groups = store::groups::owned(&mut conn, &from.id).await?;
        drop(conn);
        if let Some(id) = group {
            return match groups.iter().find(|g| g.id == id) {
                Some(group) => self.settings_panel(group).await,
                None => Ok(say(texts::not_yours(lang, id.as_str()))),
            };
        }
        if groups.is_empty() {
            return Ok(say(texts::no_groups(lang)));
        }
        let buttons = self.has_buttons(groups[0].id.platform());
        let mut text = RichText::plain(texts::pick(lang, buttons));
        for group in &groups {
            text.push_text(&format!("\n• {} ({})", group.title, group.id));
        }
        let rows = groups
            .iter()
            .map(|g| vec![command_button(g.title.clone(), &g.id, "/settings")])
            .collect();
        Ok(with_buttons(text, rows))
    }
}

/// The panel's buttons: language, common zones, screening, welcome pace
/// and raid mode.
fn panel_rows(group: &Group, lang: Lang) -> Vec<Vec<Button>> {
    let id = &group.id;
    let button = |label: String, command: &str| command_button(label, id, command);
    let mut rows = vec![vec![
        button("🌐 中文".to_owned(), "/lang zh"),
        button("🌐 English".to_owned(), "/lang en"),
    ]];
    rows.extend(zone_rows(id, lang));
    rows.push(
        [20, 30, 50]
            .into_iter()
            .map(|n| {
                button(
                    texts::review_at(lang, n),
                    &format!("/screening threshold {n}"),
                )
            })
            .collect(),
    );
    rows.push(vec![
        button(texts::auto_off(lang), "/screening auto off"),
        button(texts::auto_at(lang, 80), "/screening auto 80"),
    ]);
    rows.push(vec![
        button(texts::pace_button(lang, 0), "/welcomepace 0"),
        button(texts::pace_button(lang, 60), "/welcomepace 60"),
        button(texts::pace_button(lang, 300), "/welcomepace 300"),
        button(texts::pace_default(lang), "/welcomepace default"),
    ]);
    rows.push(vec![
        button(texts::raid_off(lang), "/screening raid off"),
        button(texts::raid_at(lang, 30), "/screening raid 30"),
    ]);
    rows
}
