//! One typed configuration, read from the environment once at start-up.
//! Every field is documented here and in `.env.example`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use url::Url;

#[derive(Clone, Debug)]
pub struct Config {
    /// `HOSO_LISTEN`: address the HTTP server binds. Default `127.0.0.1:3000`.
    pub listen: SocketAddr,
    /// `HOSO_PUBLIC_URL`: the origin people type into the browser. WebAuthn binds passkeys to its host,
    /// which must be a domain name (browsers refuse IP addresses), so the default is
    /// `http://localhost:3000`; requests arriving under another host are redirected there.
    pub public_url: Url,
    /// `HOSO_DATA_DIR`: directory for the SQLite database and generated files. Default `./data`.
    pub data_dir: PathBuf,
    /// `DATABASE_URL`: `sqlite://…` (default `sqlite://<data_dir>/hoso.db`) or `postgres://…`.
    pub database_url: String,
    /// `HOSO_SESSION_IDLE_MINUTES`: a session unused this long ends. Default 30.
    pub session_idle: Duration,
    /// `HOSO_SESSION_ABSOLUTE_HOURS`: a session ends this long after sign-in, used or not. Default 12.
    pub session_absolute: Duration,
    /// `HOSO_ENROLMENT_CODE_DAYS`: validity of newly issued enrolment codes. Default 14.
    pub enrolment_code_validity: Duration,
    /// `HOSO_SEED_DEMO`: seed demo people on first start of an empty database. Default `false`
    /// (a production start never creates demo accounts); `make run` sets it to `true`.
    pub seed_demo: bool,
    /// `HOSO_MAX_BODY_BYTES`: largest request body accepted. Default 65536.
    pub max_body_bytes: usize,
    /// Abuse limits (answered with 429 and `Retry-After`); see [`RateLimits`].
    pub rate_limits: RateLimits,
    /// `HOSO_IMPORT_MAX_BYTES`: largest FHIR Bundle a facility may send to `POST /fhir` (it is
    /// spooled to disk and read one entry at a time). Default 33554432 (32 MiB).
    pub import_max_bytes: usize,
    /// `HOSO_DB_MAX_CONNECTIONS`: read-pool size (SQLite uses one extra connection for writes). Default 8.
    pub db_max_connections: u32,
    /// `HOSO_LOG_FORMAT`: `text` (default) or `json`.
    pub log_json: bool,
    /// `HOSO_BREAK_GLASS_HOURS`: how long a declared emergency access lasts. Default 4.
    pub break_glass: Duration,
    /// `HOSO_GRANT_DEFAULT_DAYS` / `HOSO_GRANT_MAX_DAYS`: proposed and longest grant. Default 30 / 365.
    pub grant_default_days: u32,
    pub grant_max_days: u32,
    /// `HOSO_AUDIT_KEY_FILE`: the Ed25519 key signing audit checkpoints. Default `<data dir>/audit-signing.key`.
    pub audit_key_file: PathBuf,
    /// `HOSO_AUDIT_CHECKPOINT_SECONDS`: how often the server signs a checkpoint of the audit chain. Default 300.
    pub audit_checkpoint_interval: Duration,
    /// `HOSO_CARD_KEY_DIR`: the SMART Health Card signing keys (JWK files, mode 0600; never in the
    /// database). Default `<data dir>/card-keys`.
    pub card_key_dir: PathBuf,
    /// `HOSO_CARD_TRUSTED_ISSUERS`: a JSON file of other issuers whose cards the verifier accepts:
    /// `{"issuers":[{"iss":"https://…","name":"…","keys":[<public JWK>…]}]}`. The portal itself is
    /// always trusted. Default: none.
    pub card_trusted_issuers: Option<PathBuf>,
    /// The national identity provider (the role VNeID plays) for identity proofing at enrolment,
    /// if the deployment configures one: `HOSO_NATIONAL_IDP_ISSUER`, `HOSO_NATIONAL_IDP_CLIENT_ID`,
    /// `HOSO_NATIONAL_IDP_CLIENT_SECRET` (all three, or none), `HOSO_NATIONAL_IDP_ID_CLAIM` (the
    /// claim carrying the 12-digit personal identification number; default `pid`) and
    /// `HOSO_NATIONAL_IDP_NAME` (shown on the button; default `VNeID`).
    pub national_idp: Option<NationalIdp>,
}

/// How often one client may try what attackers repeat. Each is a number per minute (per hour for
/// code attempts), refilled evenly (GCRA, the `governor` crate), with the same number as burst.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// `HOSO_RATE_AUTH_PER_MINUTE`: enrolment and sign-in ceremonies (start and finish), identity
    /// proofing starts and token requests, per client address. Default 30.
    pub auth_per_minute: u32,
    /// `HOSO_RATE_SEARCH_PER_MINUTE`: searches (patients by identifier, the sharing directory, the
    /// console's people and audit searches, the card checker), per account (or client address when
    /// signed out). Default 60.
    pub search_per_minute: u32,
    /// `HOSO_RATE_CODE_ATTEMPTS_PER_HOUR`: enrolment-code attempts for one CCCD, from anywhere. Default 10.
    pub code_attempts_per_hour: u32,
}

impl RateLimits {
    /// Limits no test or demo reaches (tests of the limits set their own).
    pub const GENEROUS: RateLimits = RateLimits { auth_per_minute: 100_000, search_per_minute: 100_000, code_attempts_per_hour: 100_000 };
}

/// The national identity provider, as configured.
#[derive(Clone)]
pub struct NationalIdp {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub id_claim: String,
    pub name: String,
}

impl std::fmt::Debug for NationalIdp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NationalIdp")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("id_claim", &self.id_claim)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

fn national_idp() -> anyhow::Result<Option<NationalIdp>> {
    let (issuer, client_id, client_secret) =
        (var("HOSO_NATIONAL_IDP_ISSUER"), var("HOSO_NATIONAL_IDP_CLIENT_ID"), var("HOSO_NATIONAL_IDP_CLIENT_SECRET"));
    match (issuer, client_id, client_secret) {
        (None, None, None) => Ok(None),
        (Some(issuer), Some(client_id), Some(client_secret)) => {
            if !crate::auth::federation::acceptable_issuer(&issuer) {
                bail!("HOSO_NATIONAL_IDP_ISSUER must be an https URL (http only on localhost), got {issuer:?}");
            }
            Ok(Some(NationalIdp {
                issuer,
                client_id,
                client_secret,
                id_claim: var("HOSO_NATIONAL_IDP_ID_CLAIM").unwrap_or_else(|| "pid".into()),
                name: var("HOSO_NATIONAL_IDP_NAME").unwrap_or_else(|| "VNeID".into()),
            }))
        }
        _ => bail!("set all of HOSO_NATIONAL_IDP_ISSUER, HOSO_NATIONAL_IDP_CLIENT_ID and HOSO_NATIONAL_IDP_CLIENT_SECRET, or none"),
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.trim().is_empty())
}

fn number<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match var(name) {
        None => Ok(default),
        Some(text) => text.trim().parse().ok().with_context(|| format!("{name} must be a number, got {text:?}")),
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Config> {
        let listen: SocketAddr = var("HOSO_LISTEN")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("HOSO_LISTEN must be an address like 127.0.0.1:3000")?;
        let public_url = Url::parse(&var("HOSO_PUBLIC_URL").unwrap_or_else(|| format!("http://localhost:{}", listen.port())))
            .context("HOSO_PUBLIC_URL must be a URL like http://localhost:3000")?;
        if !matches!(public_url.host(), Some(url::Host::Domain(_))) {
            bail!("HOSO_PUBLIC_URL must use a domain name (such as localhost), not an IP address: passkeys cannot bind to IP addresses");
        }
        let data_dir = PathBuf::from(var("HOSO_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}/hoso.db", data_dir.display()));
        let log_json = match var("HOSO_LOG_FORMAT").as_deref() {
            None | Some("text") => false,
            Some("json") => true,
            Some(other) => bail!("HOSO_LOG_FORMAT must be text or json, got {other:?}"),
        };
        let seed_demo = match var("HOSO_SEED_DEMO").as_deref() {
            Some("true") | Some("1") => true,
            None | Some("false") | Some("0") => false,
            Some(other) => bail!("HOSO_SEED_DEMO must be true or false, got {other:?}"),
        };
        let audit_key_file = var("HOSO_AUDIT_KEY_FILE").map(PathBuf::from).unwrap_or_else(|| data_dir.join("audit-signing.key"));
        let card_key_dir = var("HOSO_CARD_KEY_DIR").map(PathBuf::from).unwrap_or_else(|| data_dir.join("card-keys"));
        let card_trusted_issuers = var("HOSO_CARD_TRUSTED_ISSUERS").map(PathBuf::from);
        Ok(Config {
            listen,
            public_url,
            data_dir,
            database_url,
            session_idle: Duration::from_secs(60 * number("HOSO_SESSION_IDLE_MINUTES", 30u64)?),
            session_absolute: Duration::from_secs(3600 * number("HOSO_SESSION_ABSOLUTE_HOURS", 12u64)?),
            enrolment_code_validity: Duration::from_secs(86400 * number("HOSO_ENROLMENT_CODE_DAYS", 14u64)?),
            seed_demo,
            max_body_bytes: number("HOSO_MAX_BODY_BYTES", 64 * 1024usize)?,
            rate_limits: RateLimits {
                auth_per_minute: number("HOSO_RATE_AUTH_PER_MINUTE", 30u32)?.max(1),
                search_per_minute: number("HOSO_RATE_SEARCH_PER_MINUTE", 60u32)?.max(1),
                code_attempts_per_hour: number("HOSO_RATE_CODE_ATTEMPTS_PER_HOUR", 10u32)?.max(1),
            },
            import_max_bytes: number("HOSO_IMPORT_MAX_BYTES", 32 * 1024 * 1024usize)?,
            db_max_connections: number("HOSO_DB_MAX_CONNECTIONS", 8u32)?,
            log_json,
            break_glass: Duration::from_secs(3600 * number("HOSO_BREAK_GLASS_HOURS", 4u64)?),
            grant_default_days: number("HOSO_GRANT_DEFAULT_DAYS", 30u32)?,
            grant_max_days: number("HOSO_GRANT_MAX_DAYS", 365u32)?,
            audit_key_file,
            audit_checkpoint_interval: Duration::from_secs(number("HOSO_AUDIT_CHECKPOINT_SECONDS", 300u64)?),
            card_key_dir,
            card_trusted_issuers,
            national_idp: national_idp()?,
        })
    }

    /// A configuration for tests: a given database, everything else default.
    pub fn for_tests(database_url: &str, data_dir: PathBuf) -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            public_url: Url::parse("http://localhost:3000").unwrap_or_else(|_| unreachable_url()),
            audit_key_file: data_dir.join("audit-signing.key"),
            card_key_dir: data_dir.join("card-keys"),
            card_trusted_issuers: None,
            national_idp: None,
            data_dir,
            database_url: database_url.to_string(),
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            enrolment_code_validity: Duration::from_secs(14 * 86400),
            seed_demo: false,
            max_body_bytes: 64 * 1024,
            rate_limits: RateLimits::GENEROUS,
            import_max_bytes: 32 * 1024 * 1024,
            db_max_connections: 4,
            log_json: false,
            break_glass: Duration::from_secs(4 * 3600),
            grant_default_days: 30,
            grant_max_days: 365,
            audit_checkpoint_interval: Duration::from_secs(300),
        }
    }

    /// The session idle limit in milliseconds.
    pub fn session_idle_ms(&self) -> i64 {
        i64::try_from(self.session_idle.as_millis()).unwrap_or(i64::MAX)
    }

    /// The WebAuthn relying-party id: the public URL's host.
    pub fn rp_id(&self) -> &str {
        self.public_url.host_str().unwrap_or("localhost")
    }

    /// The `iss` of the cards this portal signs: its public URL without a trailing slash.
    pub fn card_issuer(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }

    /// Cookies are `Secure`; browsers accept that on https and on http://localhost.
    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

#[expect(clippy::panic, reason = "a literal URL that parses; only reachable if the url crate breaks")]
fn unreachable_url() -> Url {
    panic!("static test URL failed to parse")
}
