//! The service layer: the only way from an entry point to data.
//!
//! Every read of health data follows one path: session → actor → policy decision → store → audit
//! row, the audit row written in the same transaction as the read (a refusal is audited too, and
//! committed). Entry points receive [`Authorized`] values and translate them; they hold no rules.

pub mod admin;
pub mod api_tokens;
pub mod card;
pub mod clinician;
pub mod consent;
pub mod facility_import;
pub mod family;
pub mod fhir_api;
pub mod group;
pub mod helpers;
pub mod mapping;
mod port;
pub mod record;

use std::sync::Arc;

use app::port::RequestMeta;
use futures_util::future::BoxFuture;
use webauthn_rs::Webauthn;

use crate::audit::{self, AuditEvent};
use crate::config::Config;
use crate::error::ServiceError;
use crate::policy::{self, Action, Actor, Authorized, BreakGlassFact, Category, Decision, GrantFact, Purpose, Resource};
use crate::store::account::Principal;
use crate::store::{self as store, Conn, Store, StoreError};

/// A source of the current time in unix milliseconds; tests move it.
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// How long the session's `last_seen_at` may lag before a request writes it again.
pub(crate) const TOUCH_INTERVAL_MS: i64 = 60_000;

pub struct Portal {
    pub store: Store,
    pub config: Arc<Config>,
    pub webauthn: Arc<Webauthn>,
    pub clock: Arc<dyn Clock>,
    /// SMART Health Card keys and trusted issuers.
    pub cards: Arc<crate::shc::Cards>,
    /// OpenID providers: the HTTP client, discovery cache and the national identity provider.
    pub federation: Arc<crate::auth::federation::Federation>,
    /// Exports and imports in progress, for the console.
    pub transfers: Arc<crate::transfers::Transfers>,
    /// Abuse limits (per client address, account and CCCD).
    pub limiters: Arc<crate::http::limits::Limiters>,
    /// The writer tasks that commit guarded reads in groups, started on the first read (so on the
    /// runtime that serves).
    group: std::sync::OnceLock<group::GroupCommit>,
}

/// What a read is about, as the entry point named it.
#[derive(Clone, Debug)]
pub enum Target {
    /// The caller's own record (`patient_id = None` in a server function).
    Own,
    /// A patient named by id.
    Patient(String),
    /// A clinical resource named by id (e.g. a visit).
    Resource(String),
}

/// The signed-in actor with the session it came from.
#[derive(Clone, Debug)]
pub struct Session {
    pub actor: Actor,
    pub principal: Principal,
    pub token_hash: String,
    /// When the person last confirmed it was them with a passkey in this session.
    pub reauth_at: Option<i64>,
    /// For an API bearer token: the only categories it may read (`None`: a browser session).
    pub scopes: Option<Vec<Category>>,
}

impl Portal {
    pub fn new(
        store: Store,
        config: Arc<Config>,
        webauthn: Arc<Webauthn>,
        clock: Arc<dyn Clock>,
        cards: Arc<crate::shc::Cards>,
    ) -> anyhow::Result<Portal> {
        let federation = Arc::new(crate::auth::federation::Federation::new(&config)?);
        let limiters = Arc::new(crate::http::limits::Limiters::new(&config.rate_limits));
        Ok(Portal {
            store,
            config,
            webauthn,
            clock,
            cards,
            federation,
            transfers: crate::transfers::Transfers::new(),
            limiters,
            group: std::sync::OnceLock::new(),
        })
    }

    /// Resolves the request's session. No cookie: `Ok(None)`. A cookie that names no live session:
    /// `Unauthenticated` (never treated as anonymous).
    pub async fn session(&self, meta: &RequestMeta) -> Result<Option<Session>, ServiceError> {
        let Some((session, touch)) = self.session_untouched(meta).await? else { return Ok(None) };
        if let Some((token_hash, now)) = touch {
            let mut tx = self.store.begin().await?;
            store::session::touch(&mut tx, &token_hash, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok(Some(session))
    }

    /// [`Portal::session`] without moving `last_seen_at`: also returns the touch it owes (token
    /// hash, unix ms) when the last one is older than [`TOUCH_INTERVAL_MS`], for the caller to
    /// write in its own transaction (a guarded read writes it in its group commit).
    async fn session_untouched(&self, meta: &RequestMeta) -> Result<Option<(Session, Option<(String, i64)>)>, ServiceError> {
        if let Some(bearer) = &meta.bearer_token {
            return self.token_session(meta, &bearer.0).await.map(|session| Some((session, None)));
        }
        let Some(token) = &meta.session_token else { return Ok(None) };
        let token_hash = crate::auth::session::hash_token(&token.0);
        let now = meta.now_ms;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let Some(row) = store::session::find(&mut conn, &token_hash).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let idle_ms = self.config.session_idle_ms();
        if now >= row.absolute_expires_at || now - row.last_seen_at >= idle_ms {
            drop(conn);
            let mut tx = self.store.begin().await?;
            store::session::delete(&mut tx, &token_hash).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(ServiceError::Unauthenticated);
        }
        let Some(principal) = store::account::principal(&mut conn, &row.account_id).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        drop(conn);
        let touch = (now - row.last_seen_at >= TOUCH_INTERVAL_MS).then(|| (token_hash.clone(), now));
        let actor = actor_of(&principal);
        Ok(Some((Session { actor, principal, token_hash, reauth_at: row.reauth_at, scopes: None }, touch)))
    }

    /// Keeps the reader's chosen time zone with their account when a browser session is signed
    /// in, so it follows them to every browser they sign in on (read back at sign-in:
    /// `IssuedSession::time_zone`). Anyone else (signed out, an ended session, an API token):
    /// nothing is kept and nothing fails. A preference, not health data: no audit row.
    pub async fn remember_zone(&self, meta: &RequestMeta, zone: &app::zone::Zone) -> Result<(), ServiceError> {
        if meta.bearer_token.is_some() {
            return Ok(());
        }
        let session = match self.session(meta).await {
            Ok(Some(session)) => session,
            Ok(None) | Err(ServiceError::Unauthenticated) => return Ok(()),
            Err(other) => return Err(other),
        };
        let mut tx = self.store.begin().await?;
        store::account::set_time_zone(&mut tx, &session.principal.account.account_id, zone.name()).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The actor a read is decided for, acting under `purpose`. An unknown or expired session reads
    /// as anonymous here, so the policy refuses it and the refusal is audited like any other.
    pub async fn reader(&self, meta: &RequestMeta, purpose: Purpose) -> Result<Actor, ServiceError> {
        Ok(self.scoped_reader(meta, purpose).await?.0)
    }

    /// [`Portal::reader`] with the categories an API token limits the read to.
    async fn scoped_reader(&self, meta: &RequestMeta, purpose: Purpose) -> Result<(Actor, Option<Vec<Category>>), ServiceError> {
        let (actor, scopes, touch) = self.scoped_reader_untouched(meta, purpose).await?;
        if let Some((token_hash, now)) = touch {
            let mut tx = self.store.begin().await?;
            store::session::touch(&mut tx, &token_hash, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        Ok((actor, scopes))
    }

    /// [`Portal::scoped_reader`] leaving the session's touch to the caller.
    #[allow(clippy::type_complexity)]
    async fn scoped_reader_untouched(
        &self,
        meta: &RequestMeta,
        purpose: Purpose,
    ) -> Result<(Actor, Option<Vec<Category>>, Option<(String, i64)>), ServiceError> {
        match self.session_untouched(meta).await {
            Ok(Some((session, touch))) => Ok((with_purpose(session.actor, purpose), session.scopes, touch)),
            Ok(None) | Err(ServiceError::Unauthenticated) => Ok((Actor::Anonymous, None, None)),
            Err(other) => Err(other),
        }
    }

    /// The actor behind the request: `Anonymous` without a cookie.
    pub async fn actor(&self, meta: &RequestMeta) -> Result<Actor, ServiceError> {
        Ok(self.session(meta).await?.map(|session| session.actor).unwrap_or(Actor::Anonymous))
    }

    /// The one guarded read. Resolves the target to a patient, asks the policy about every
    /// category, and either loads the data and audits each allowed category, or audits the
    /// refusal; both in one transaction, which [`group`] shares with the other reads queued at
    /// the same moment. The answer comes only after that transaction committed; if the commit
    /// fails, so does the read (`StoreError::Unavailable`, a 503).
    pub async fn guarded_read<T, F>(
        &self,
        meta: &RequestMeta,
        target: Target,
        categories: &[Category],
        load: F,
    ) -> Result<Authorized<T>, ServiceError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn, String) -> BoxFuture<'c, Result<T, StoreError>> + Send + 'static,
    {
        self.guarded_read_for(meta, Purpose::Treatment, target, categories, load).await
    }

    /// [`Portal::guarded_read`] for a clinician acting under a stated purpose.
    pub async fn guarded_read_for<T, F>(
        &self,
        meta: &RequestMeta,
        purpose: Purpose,
        target: Target,
        categories: &[Category],
        load: F,
    ) -> Result<Authorized<T>, ServiceError>
    where
        T: Send + 'static,
        F: for<'c> FnOnce(&'c mut Conn, String) -> BoxFuture<'c, Result<T, StoreError>> + Send + 'static,
    {
        let now = meta.now_ms;
        let (actor, scopes, touch) = self.scoped_reader_untouched(meta, purpose).await?;
        let categories = categories.to_vec();
        let request_id = meta.request_id.clone();
        let (job, answer) = group::job(move |conn: &mut Conn| {
            Box::pin(async move {
                match decide_and_load(conn, &actor, scopes.as_deref(), &target, &categories, now, load).await {
                    Ok(Decided::Allowed { events, permit, value }) => {
                        let rows = events.rows(&actor, &request_id, now, &permit);
                        group::Outcome { rows, touch, answer: Ok(Authorized::new(permit, value)), failed: false }
                    }
                    Ok(Decided::Denied { events, reason }) => {
                        tracing::info!(reason = reason.as_str(), "read refused");
                        let rows = events.denied_rows(&actor, &request_id, now, reason);
                        group::Outcome { rows, touch, answer: Err(ServiceError::Forbidden(reason)), failed: false }
                    }
                    Err(error) => group::Outcome { rows: Vec::new(), touch: None, answer: Err(error), failed: true },
                }
            })
        });
        self.group.get_or_init(|| group::GroupCommit::start(self.store.clone())).submit(job).await?;
        answer.await.unwrap_or_else(|_| Err(ServiceError::Store(StoreError::Unavailable("the read was dropped before its commit".into()))))
    }
}

/// The audit events a guarded read owes: one per category asked for, about one patient and
/// (optionally) one resource.
struct ReadEvents {
    patient_id: Option<String>,
    resource_id: Option<String>,
    categories: Vec<Category>,
}

impl ReadEvents {
    fn rows(&self, actor: &Actor, request_id: &str, now: i64, permit: &policy::Permit) -> Vec<store::audit::AuditRow> {
        let Some(patient_id) = self.patient_id.as_deref() else { return Vec::new() };
        let events: Vec<AuditEvent<'_>> = self
            .categories
            .iter()
            .map(|category| AuditEvent::ReadAllowed {
                actor,
                patient_id,
                category: *category,
                resource_id: self.resource_id.as_deref(),
                permit,
            })
            .collect();
        audit::rows(&events, request_id, now)
    }

    fn denied_rows(&self, actor: &Actor, request_id: &str, now: i64, reason: policy::DenyReason) -> Vec<store::audit::AuditRow> {
        let events: Vec<AuditEvent<'_>> = self
            .categories
            .iter()
            .map(|category| AuditEvent::ReadDenied {
                actor,
                patient_id: self.patient_id.as_deref(),
                category: *category,
                resource_id: self.resource_id.as_deref(),
                reason,
            })
            .collect();
        audit::rows(&events, request_id, now)
    }
}

/// What the policy made of a guarded read, with the loaded value when it allowed it.
enum Decided<T> {
    Allowed { events: ReadEvents, permit: policy::Permit, value: T },
    Denied { events: ReadEvents, reason: policy::DenyReason },
}

/// Resolves the target, asks the policy about every category and, when every one is allowed,
/// loads the value; in the writer's transaction (`conn`), writing nothing: the audit rows are
/// the caller's to append. `Err` is this read's own failure (or a target no rule covers).
async fn decide_and_load<T, F>(
    conn: &mut Conn,
    actor: &Actor,
    scopes: Option<&[Category]>,
    target: &Target,
    categories: &[Category],
    now: i64,
    load: F,
) -> Result<Decided<T>, ServiceError>
where
    F: for<'c> FnOnce(&'c mut Conn, String) -> BoxFuture<'c, Result<T, StoreError>> + Send,
{
    let (patient_id, resource_id) = resolve_target(conn, actor, target).await?;
    let (grants, emergencies) = consent_facts(conn, actor, patient_id.as_deref()).await?;
    let guardians = family::guardian_facts(conn, actor, patient_id.as_deref()).await?;
    let helpers = helpers::helper_facts(conn, actor, patient_id.as_deref()).await?;
    let mut permit = None;
    let events = ReadEvents { patient_id: patient_id.clone(), resource_id, categories: categories.to_vec() };
    for category in categories {
        let resource = Resource {
            patient_id: patient_id.as_deref(),
            category: *category,
            grants: &grants,
            break_glass: &emergencies,
            guardians: &guardians,
            helpers: &helpers,
        };
        let decision = match scopes {
            // A token narrows what its owner may read; it never widens it.
            Some(scopes) if !scopes.contains(category) => Decision::Deny(policy::DenyReason::OutsideTokenScope),
            _ => policy::decide(actor, &resource, Action::Read, now),
        };
        match decision {
            Decision::Allow(allowed) => permit = permit.or(Some(allowed)),
            // Record the refusal for every category asked for, then refuse.
            Decision::Deny(reason) => return Ok(Decided::Denied { events, reason }),
        }
    }
    let (Some(permit), Some(patient_id)) = (permit, patient_id) else {
        return Err(ServiceError::Forbidden(policy::DenyReason::NoRuleAllows));
    };
    let value = load(conn, patient_id).await?;
    Ok(Decided::Allowed { events, permit, value })
}

/// The actor for a stored principal (a clinician acts for treatment unless a request says otherwise).
pub fn actor_of(principal: &Principal) -> Actor {
    let account_id = principal.account.account_id.clone();
    let active = principal.account.status == "active";
    match principal.account.role.as_str() {
        "citizen" => Actor::Citizen { account_id, patient_id: principal.patient_id.clone(), active },
        "clinician" => Actor::Clinician {
            account_id,
            clinician_id: principal.clinician_id.clone(),
            facility_id: principal.facility_id.clone(),
            active,
            confirmed: principal.confirmed,
            purpose: Purpose::Treatment,
        },
        "administrator" => Actor::Administrator { account_id, active },
        _ => Actor::Anonymous,
    }
}

/// Which patient a target names, and the resource id for the log. Unknown targets resolve to
/// `None`, which the policy refuses like any other record that is not the caller's.
async fn resolve_target(conn: &mut Conn, actor: &Actor, target: &Target) -> Result<(Option<String>, Option<String>), ServiceError> {
    Ok(match target {
        Target::Own => match actor {
            Actor::Citizen { patient_id, .. } => (patient_id.clone(), None),
            _ => (None, None),
        },
        Target::Patient(patient_id) => {
            let exists = store::patient::by_id(conn, patient_id).await?.is_some();
            (exists.then(|| patient_id.clone()), None)
        }
        Target::Resource(resource_id) => {
            let owner = store::clinical::owner_of(conn, resource_id).await?;
            (owner.map(|(patient_id, _)| patient_id), Some(resource_id.clone()))
        }
    })
}

/// The same actor acting under another purpose (only clinicians state one).
pub fn with_purpose(actor: Actor, purpose: Purpose) -> Actor {
    match actor {
        Actor::Clinician { account_id, clinician_id, facility_id, active, confirmed, .. } => {
            Actor::Clinician { account_id, clinician_id, facility_id, active, confirmed, purpose }
        }
        other => other,
    }
}

/// The grants and break-glass declarations on a record, read in the caller's transaction so
/// that a revocation committed before this request is seen by it. Only clinicians need them.
pub async fn consent_facts(
    conn: &mut Conn,
    actor: &Actor,
    patient_id: Option<&str>,
) -> Result<(Vec<GrantFact>, Vec<BreakGlassFact>), ServiceError> {
    let (Actor::Clinician { .. }, Some(patient_id)) = (actor, patient_id) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let grants = store::consent::grant_rows_for_patient(conn, patient_id).await?.into_iter().map(|row| consent::grant_fact(&row)).collect();
    let emergencies = store::consent::break_glass_for_patient(conn, patient_id)
        .await?
        .into_iter()
        .map(|row| BreakGlassFact {
            break_glass_id: row.break_glass.break_glass_id,
            clinician_account_id: row.break_glass.clinician_account_id,
            starts_at: row.break_glass.starts_at,
            expires_at: row.break_glass.expires_at,
        })
        .collect();
    Ok((grants, emergencies))
}
