//! `hearth doctor`: everything a new operator can get wrong, checked
//! against the real services, each problem with the line that fixes it.
//! `check-config` stays offline; the doctor calls Telegram and Matrix but
//! only reads: it sends nothing and applies no migration.

use std::fmt;

use secrecy::ExposeSecret;

use crate::{
    certificate::CertificateFont,
    config::{EXAMPLE_OPERATOR, MatrixAuth, MatrixSettings, Settings, redacted_url},
    domain::UserId,
    platform::telegram::checkup::{self, Refusal, Standing},
    store::{self, Store, groups::Group},
};

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Fine,
    /// Works, but not as the operator likely wants.
    Warning,
    /// Something will fail.
    Problem,
}

/// One line of the report, with how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    pub what: String,
    pub fix: Option<String>,
}

impl Finding {
    fn fine(what: impl Into<String>) -> Self {
        Self {
            level: Level::Fine,
            what: what.into(),
            fix: None,
        }
    }

    fn warning(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            level: Level::Warning,
            what: what.into(),
            fix: Some(fix.into()),
        }
    }

    fn problem(what: impl Into<String>, fix: impl Into<String>) -> Self {
        Self {
            level: Level::Problem,
            what: what.into(),
            fix: Some(fix.into()),
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mark = match self.level {
            Level::Fine => "✓",
            Level::Warning => "!",
            Level::Problem => "✗",
        };
        write!(f, "{mark} {}", self.what)?;
        if let Some(fix) = &self.fix {
            write!(f, "\n    fix: {fix}")?;
        }
        Ok(())
    }
}

/// `hearth doctor`: prints every finding; fails when one is a problem.
pub async fn run(settings: &Settings, timezone_set: bool) -> anyhow::Result<()> {
    let findings = examine(settings, timezone_set).await;
    for finding in &findings {
        println!("{finding}");
    }
    let problems = findings
        .iter()
        .filter(|f| f.level == Level::Problem)
        .count();
    anyhow::ensure!(
        problems == 0,
        "{problems} problem{} found; fix {} and run `hearth doctor` again",
        if problems == 1 { "" } else { "s" },
        if problems == 1 { "it" } else { "them" },
    );
    println!("no problems found");
    Ok(())
}

/// Every check, in the order an operator fixes things.
pub async fn examine(settings: &Settings, timezone_set: bool) -> Vec<Finding> {
    let mut findings = vec![Finding::fine("the settings are valid")];
    findings.extend(operators(&settings.operators));
    findings.push(timezone(settings, timezone_set));
    findings.push(font(settings));
    let groups = database(settings, &mut findings).await;
    if let Some(telegram) = &settings.telegram {
        let telegram_groups: Vec<&Group> = groups
            .iter()
            .filter(|g| g.id.as_telegram().is_some())
            .collect();
        findings.extend(telegram_checks(telegram, &telegram_groups).await);
    }
    if let Some(matrix) = &settings.matrix {
        findings.push(matrix_login(matrix).await);
    }
    findings
}

fn operators(operators: &[UserId]) -> Vec<Finding> {
    let mut findings = Vec::new();
    if operators.iter().any(|o| o.as_str() == EXAMPLE_OPERATOR) {
        findings.push(Finding::problem(
            format!(
                "HEARTH_OPERATORS still names the example account {EXAMPLE_OPERATOR}: the bot \
                 would serve nobody and leave the groups you add it to"
            ),
            "put your own Telegram id in HEARTH_OPERATORS (message @userinfobot to learn it), \
             e.g. HEARTH_OPERATORS=tg:<your id>",
        ));
    }
    let ids: Vec<&str> = operators.iter().map(UserId::as_str).collect();
    if !findings.is_empty() {
        return findings;
    }
    if operators.is_empty() {
        findings.push(Finding::problem(
            "HEARTH_OPERATORS names nobody",
            "list the accounts that own the bot, e.g. HEARTH_OPERATORS=tg:123456789",
        ));
    } else {
        findings.push(Finding::fine(format!("operators: {}", ids.join(", "))));
    }
    findings
}

fn timezone(settings: &Settings, set: bool) -> Finding {
    if set {
        Finding::fine(format!(
            "new groups start in the time zone {}",
            settings.timezone.name()
        ))
    } else {
        Finding::warning(
            "HEARTH_TIMEZONE is not set: new groups start on UTC, so a post at 20:30 goes out \
             at 04:30 in Beijing",
            "set HEARTH_TIMEZONE=Asia/Shanghai (or your zone) in .env, \
             or send /timezone Asia/Shanghai in each group",
        )
    }
}

fn font(settings: &Settings) -> Finding {
    match CertificateFont::load(settings.certificate_font.as_deref()) {
        Ok(font) => Finding::fine(format!(
            "certificates are drawn with {}",
            font.path().display()
        )),
        Err(e) => Finding::warning(
            format!("no font for milestone certificates ({e}); milestones go without one"),
            "install a CJK font (apt install fonts-noto-cjk) or set HEARTH_CERTIFICATE_FONT \
             to a .ttf/.otf/.ttc with Chinese glyphs",
        ),
    }
}

/// Connects, counts pending migrations and reads the registered groups
/// (none when the database cannot tell).
async fn database(settings: &Settings, findings: &mut Vec<Finding>) -> Vec<Group> {
    let url = redacted_url(&settings.database_url);
    let store = match Store::connect(&settings.database_url).await {
        Ok(store) => store,
        Err(e) => {
            findings.push(Finding::problem(
                format!("the database {url} cannot be opened: {e:#}"),
                "check DATABASE_URL, and that the database server runs and lets this user in",
            ));
            return Vec::new();
        }
    };
    match store.pending_migrations().await {
        Ok(0) => findings.push(Finding::fine(format!("database {url} is up to date"))),
        Ok(n) => findings.push(Finding::warning(
            format!("database {url}: {n} migrations of this version are not applied yet"),
            "they are applied when the bot starts; or run `hearth migrate` now",
        )),
        Err(e) => findings.push(Finding::problem(
            format!("database {url}: its migrations cannot be read: {e:#}"),
            "check DATABASE_URL",
        )),
    }
    // A database never migrated has no groups yet.
    let groups = registered_groups(&store).await.unwrap_or_default();
    store.close().await;
    groups
}

async fn registered_groups(store: &Store) -> anyhow::Result<Vec<Group>> {
    let mut conn = store.connection().await?;
    let ids = store::groups::active_ids(&mut conn).await?;
    let mut groups: Vec<Group> = store::groups::get_many(&mut conn, &ids)
        .await?
        .into_values()
        .collect();
    groups.sort_by(|a, b| a.title.cmp(&b.title));
    Ok(groups)
}

async fn telegram_checks(
    settings: &crate::config::TelegramSettings,
    groups: &[&Group],
) -> Vec<Finding> {
    let (me, bot) = match checkup::bot(settings).await {
        Ok(found) => found,
        Err(Refusal::Refused(why)) => {
            return vec![Finding::problem(
                format!("Telegram refused the token: {why}"),
                "copy the token again from @BotFather (/mybots → your bot → API Token) \
                 into HEARTH_TELEGRAM_TOKEN",
            )];
        }
        Err(Refusal::Unreachable(why)) => {
            return vec![Finding::problem(
                format!("Telegram cannot be reached at {}: {why}", settings.api_url),
                "check this machine's network and proxy, and leave HEARTH_TELEGRAM_API_URL \
                 unset unless you run your own Bot API server",
            )];
        }
    };
    let mut findings = vec![Finding::fine(format!(
        "Telegram: the token is @{}'s",
        me.username
    ))];
    if !me.can_join_groups {
        findings.push(Finding::problem(
            format!("@{} may not be added to groups", me.username),
            "@BotFather → /mybots → your bot → Bot Settings → Allow Groups? → Turn groups on",
        ));
    }
    if !me.reads_all_messages {
        findings.push(Finding::warning(
            format!(
                "@{}'s privacy mode is on: in groups where it is not an admin it sees only \
                 commands and replies to it, so confirmation phrases and activity go unseen",
                me.username
            ),
            "make the bot an admin in each group, or @BotFather → /mybots → your bot → \
             Bot Settings → Group Privacy → Turn off",
        ));
    }
    if groups.is_empty() {
        findings.push(Finding::fine(
            "no Telegram groups registered yet: add the bot to a group you own as an admin",
        ));
    }
    for group in groups {
        let standing = checkup::standing(&bot, me.id, &group.id).await;
        findings.extend(group_checks(group, &standing, &me.username));
    }
    findings
}

/// What one group needs of the bot, against what it has.
fn group_checks(group: &Group, standing: &Standing, bot: &str) -> Vec<Finding> {
    let name = format!("{} ({})", group.title, group.id);
    let mut findings = Vec::new();
    let needed = [
        (
            "Invite users via link",
            "members' own invite links and channel links",
        ),
        ("Ban users", "/remove and automatic screening"),
        ("Pin messages", "posts scheduled with --pin"),
    ];
    let missing: Vec<(&str, &str)> = match standing {
        Standing::Absent(why) => {
            findings.push(Finding::problem(
                format!("{name}: the bot cannot see the group ({why})"),
                format!(
                    "add @{bot} to the group again as an admin, or ignore it if the group is gone"
                ),
            ));
            return findings;
        }
        Standing::Member => needed.to_vec(),
        Standing::Admin {
            invite_users,
            ban_users,
            pin_messages,
        } => needed
            .iter()
            .zip([invite_users, ban_users, pin_messages])
            .filter(|(_, has)| !**has)
            .map(|(need, _)| *need)
            .collect(),
    };
    if missing.is_empty() {
        findings.push(Finding::fine(format!(
            "{name}: the bot has every right it needs"
        )));
    } else {
        let rights: Vec<&str> = missing.iter().map(|(right, _)| *right).collect();
        let uses: Vec<&str> = missing.iter().map(|(_, used)| *used).collect();
        findings.push(Finding::problem(
            format!(
                "{name}: the bot lacks {} (needed for {})",
                rights.join(", "),
                uses.join("; ")
            ),
            format!(
                "in the group: Manage group → Administrators → @{bot} → turn on {}",
                rights.join(", ")
            ),
        ));
    }
    let zone = group.timezone.name();
    if group.timezone == chrono_tz::UTC {
        findings.push(Finding::warning(
            format!("{name}: posts run on UTC"),
            "send /timezone Asia/Shanghai (or the group's zone) in the group",
        ));
    } else {
        findings.push(Finding::fine(format!(
            "{name}: time zone {zone}, language {}",
            group.lang
        )));
    }
    findings
}

/// Whether the bot's Matrix account logs in: `whoami` with its token, or a
/// password login whose new device is logged out again.
async fn matrix_login(settings: &MatrixSettings) -> Finding {
    match matrix_whoami(settings).await {
        Ok(user) if user == settings.user => Finding::fine(format!("Matrix: logged in as {user}")),
        Ok(user) => Finding::problem(
            format!(
                "Matrix: the credentials are {user}'s, not {}'s",
                settings.user
            ),
            "set HEARTH_MATRIX_USER to the bot's own id, or give that account's token",
        ),
        Err(e) => Finding::problem(
            format!("Matrix: {} refused the login: {e:#}", settings.homeserver),
            "check HEARTH_MATRIX_HOMESERVER, HEARTH_MATRIX_USER and the access token \
             (or password)",
        ),
    }
}

async fn matrix_whoami(settings: &MatrixSettings) -> anyhow::Result<String> {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(20))
        .build()?;
    let api = |path: &str| {
        settings
            .homeserver
            .join(&format!("_matrix/client/v3/{path}"))
    };
    let (token, logout) = match &settings.auth {
        MatrixAuth::AccessToken(token) => (token.expose_secret().to_owned(), false),
        MatrixAuth::Password(password) => {
            let body = serde_json::json!({
                "type": "m.login.password",
                "identifier": { "type": "m.id.user", "user": settings.user },
                "password": password.expose_secret(),
                "initial_device_display_name": "hearth doctor",
            });
            let reply = client
                .post(api("login")?)
                .header("content-type", "application/json")
                .body(body.to_string())
                .send()
                .await?;
            let reply = answer(reply).await?;
            let token = reply["access_token"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            (token, true)
        }
    };
    let reply = client
        .get(api("account/whoami")?)
        .bearer_auth(&token)
        .send()
        .await?;
    let user = answer(reply).await?["user_id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if logout {
        // The doctor's own device goes away again; failing that is harmless.
        let _ = client.post(api("logout")?).bearer_auth(&token).send().await;
    }
    Ok(user)
}

/// A homeserver's JSON answer, or its error code and message.
async fn answer(reply: reqwest::Response) -> anyhow::Result<serde_json::Value> {
    let status = reply.status();
    let body: serde_json::Value = serde_json::from_str(&reply.text().await?).unwrap_or_default();
    anyhow::ensure!(
        status.is_success(),
        "{status}: {} {}",
        body["errcode"].as_str().unwrap_or_default(),
        body["error"].as_str().unwrap_or_default()
    );
    Ok(body)
}
