//! The effective-invite leaderboard of a group, or of all an operator's groups.

pub mod texts;

pub mod command;
pub mod rules;
pub mod store;

use sqlx::AnyConnection;

use self::{command::TopScope, rules::Standing};
use super::{CommandSpec, Help, Ritual, Section};
use crate::{
    domain::{DisplayName, Lang, RichText, command::Access},
    engine::{Engine, Person},
    rituals::command::Command,
    store::{groups::Group, groups::owned_by, members::name_of},
};

pub const RITUAL: Ritual = Ritual {
    name: "leaderboard",
    section: Section::Invites,
    commands: &[CommandSpec {
        name: "top",
        aliases: &[],
        access: Access::Member,
        help: Help {
            en: "Effective-invite leaderboard (/top N)",
            zh: "有效邀请排行榜（/top N）",
        },
        usage: Help {
            en: "/top [N]\n/top all [N] (operators: across your groups)",
            zh: "/top [N]\n/top all [N]（运营者：你所有的群）",
        },
        example: "/top 20",
        parse: |args| Ok(Command::Top(command::parse_top(args)?)),
    }],
    jobs: &[],
};

impl Engine {
    /// `/top [n]` for the group, `/top all [n]` across the operator's groups.
    pub(crate) async fn top(
        &self,
        scope: TopScope,
        group: &Group,
        from: &Person,
    ) -> anyhow::Result<RichText> {
        let lang = group.lang;
        let mut conn = self.store().connection().await?;
        let (header, groups, n) = match scope {
            TopScope::Group(n) => (texts::top_header(lang), vec![group.id.clone()], n),
            TopScope::AllGroups(n) => {
                let groups = owned_by(&mut conn, &from.id).await?;
                (texts::top_all_header(lang), groups, n)
            }
        };
        let standings = store::top_across(&mut conn, &groups, n).await?;
        leaderboard(&mut conn, header, &standings, lang).await
    }
}

async fn leaderboard(
    conn: &mut AnyConnection,
    header: &str,
    standings: &[Standing],
    lang: Lang,
) -> anyhow::Result<RichText> {
    if standings.is_empty() {
        return Ok(RichText::plain(texts::top_empty(lang)));
    }
    let mut text = RichText::plain(header);
    // Names, not mentions: a leaderboard must not ping everyone on it.
    for (i, s) in standings.iter().enumerate() {
        let name = name_of(conn, &s.inviter).await?;
        let name = name.as_ref().map(DisplayName::as_str).unwrap_or("?");
        text.push_text(&format!(
            "\n{}. {name}{}",
            i + 1,
            texts::top_row_count(lang, s.count)
        ));
    }
    Ok(text)
}
