//! `/campaign`: operators start a loaded playbook in a set of groups and
//! follow it, pause it, resume it or stop it.

use chrono::NaiveDate;

use crate::domain::Lang::{self, En, Zh};

/// What `/campaign` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignCommand {
    /// Loaded playbooks and campaigns under way.
    List,
    /// Start playbook `name` on day 1 = `date` in `groups` (ids or set
    /// names; none: the group the command is sent in).
    Start {
        name: String,
        date: NaiveDate,
        groups: Vec<String>,
    },
    /// What ran, what is next, and the figures so far.
    Status(String),
    Pause(String),
    Resume(String),
    Stop(String),
}

/// A `/campaign` typed wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CampaignArgsError {
    #[error("usage")]
    Usage,
    #[error("bad date")]
    Date(String),
}

impl CampaignArgsError {
    /// The sentence the operator sees.
    pub fn explain(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::Usage, En) => "Use /campaign to list playbooks and campaigns; \
                 /campaign start <playbook> <YYYY-MM-DD> [--groups <id or set>,…]; \
                 /campaign status|pause|resume|stop <playbook>."
                .to_owned(),
            (Self::Usage, Zh) => "用法：/campaign 查看剧本和活动；\
                 /campaign start <剧本> <YYYY-MM-DD> [--groups <群 id 或群组>,…]；\
                 /campaign status|pause|resume|stop <剧本>。"
                .to_owned(),
            (Self::Date(s), En) => format!(
                "`{}` is not a date: write the first day as YYYY-MM-DD, e.g. 2026-11-07.",
                s.chars().take(20).collect::<String>()
            ),
            (Self::Date(s), Zh) => format!(
                "`{}` 不是日期：请按 YYYY-MM-DD 写第一天，例如 2026-11-07。",
                s.chars().take(20).collect::<String>()
            ),
        }
    }
}

/// Parses the arguments after `/campaign`.
pub fn parse(args: &str) -> Result<CampaignCommand, CampaignArgsError> {
    let words: Vec<&str> = args.split_whitespace().collect();
    let name = |w: &str| w.to_ascii_lowercase();
    match words.as_slice() {
        [] | ["list"] => Ok(CampaignCommand::List),
        ["start", playbook, date, rest @ ..] => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| CampaignArgsError::Date((*date).to_owned()))?;
            let groups = match rest {
                [] => Vec::new(),
                ["--groups", list @ ..] if !list.is_empty() => list
                    .iter()
                    .flat_map(|l| l.split(','))
                    .filter(|g| !g.is_empty())
                    .map(str::to_owned)
                    .collect(),
                _ => return Err(CampaignArgsError::Usage),
            };
            Ok(CampaignCommand::Start {
                name: name(playbook),
                date,
                groups,
            })
        }
        ["status", playbook] => Ok(CampaignCommand::Status(name(playbook))),
        ["pause", playbook] => Ok(CampaignCommand::Pause(name(playbook))),
        ["resume", playbook] => Ok(CampaignCommand::Resume(name(playbook))),
        ["stop", playbook] => Ok(CampaignCommand::Stop(name(playbook))),
        _ => Err(CampaignArgsError::Usage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_commands_parse_into_types() {
        assert_eq!(parse(""), Ok(CampaignCommand::List));
        assert_eq!(
            parse("start Double11 2026-11-07 --groups south,tg:-100123 tg:-100456"),
            Ok(CampaignCommand::Start {
                name: "double11".into(),
                date: NaiveDate::from_ymd_opt(2026, 11, 7).unwrap(),
                groups: vec!["south".into(), "tg:-100123".into(), "tg:-100456".into()],
            })
        );
        assert_eq!(
            parse("status double11"),
            Ok(CampaignCommand::Status("double11".into()))
        );
        assert_eq!(
            parse("start double11 11-07"),
            Err(CampaignArgsError::Date("11-07".into()))
        );
        assert_eq!(
            parse("start double11 2026-11-07 --group x"),
            Err(CampaignArgsError::Usage)
        );
        assert_eq!(parse("pause"), Err(CampaignArgsError::Usage));
    }
}
