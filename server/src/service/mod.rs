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
pub mod fhir_api;
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
        Ok(Portal { store, config, webauthn, clock, cards, federation, transfers: crate::transfers::Transfers::new(), limiters })
    }

    /// Resolves the request's session. No cookie: `Ok(None)`. A cookie that names no live session:
    /// `Unauthenticated` (never treated as anonymous).
    pub async fn session(&self, meta: &RequestMeta) -> Result<Option<Session>, ServiceError> {
        if let Some(bearer) = &meta.bearer_token {
            return self.token_session(meta, &bearer.0).await.map(Some);
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
        if now - row.last_seen_at >= TOUCH_INTERVAL_MS {
            let mut tx = self.store.begin().await?;
            store::session::touch(&mut tx, &token_hash, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
        }
        let actor = actor_of(&principal);
        Ok(Some(Session { actor, principal, token_hash, reauth_at: row.reauth_at, scopes: None }))
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
        match self.session(meta).await {
            Ok(Some(session)) => Ok((with_purpose(session.actor, purpose), session.scopes)),
            Ok(None) | Err(ServiceError::Unauthenticated) => Ok((Actor::Anonymous, None)),
            Err(other) => Err(other),
        }
    }

    /// The actor behind the request: `Anonymous` without a cookie.
    pub async fn actor(&self, meta: &RequestMeta) -> Result<Actor, ServiceError> {
        Ok(self.session(meta).await?.map(|session| session.actor).unwrap_or(Actor::Anonymous))
    }

    /// The one guarded read. Resolves the target to a patient, asks the policy about every
    /// category, and either loads the data and audits each allowed category, or audits the
    /// refusal; both in one transaction.
    pub async fn guarded_read<T, F>(
        &self,
        meta: &RequestMeta,
        target: Target,
        categories: &[Category],
        load: F,
    ) -> Result<Authorized<T>, ServiceError>
    where
        T: Send,
        F: for<'c> FnOnce(&'c mut Conn, String) -> BoxFuture<'c, Result<T, StoreError>> + Send,
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
        T: Send,
        F: for<'c> FnOnce(&'c mut Conn, String) -> BoxFuture<'c, Result<T, StoreError>> + Send,
    {
        let now = meta.now_ms;
        let (actor, scopes) = self.scoped_reader(meta, purpose).await?;
        let mut tx = self.store.begin().await?;
        let (patient_id, resource_id) = resolve_target(&mut tx, &actor, &target).await?;
        let (grants, emergencies) = consent_facts(&mut tx, &actor, patient_id.as_deref()).await?;
        let mut permit = None;
        for category in categories {
            let resource = Resource { patient_id: patient_id.as_deref(), category: *category, grants: &grants, break_glass: &emergencies };
            let decision = match &scopes {
                // A token narrows what its owner may read; it never widens it.
                Some(scopes) if !scopes.contains(category) => Decision::Deny(policy::DenyReason::OutsideTokenScope),
                _ => policy::decide(&actor, &resource, Action::Read, now),
            };
            match decision {
                Decision::Allow(allowed) => permit = permit.or(Some(allowed)),
                Decision::Deny(reason) => {
                    // Record the refusal for every category asked for, then refuse.
                    let events: Vec<AuditEvent<'_>> = categories
                        .iter()
                        .map(|category| AuditEvent::ReadDenied {
                            actor: &actor,
                            patient_id: patient_id.as_deref(),
                            category: *category,
                            resource_id: resource_id.as_deref(),
                            reason,
                        })
                        .collect();
                    audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
                    tx.commit().await.map_err(StoreError::from)?;
                    tracing::info!(reason = reason.as_str(), "read refused");
                    return Err(ServiceError::Forbidden(reason));
                }
            }
        }
        let (Some(permit), Some(patient_id)) = (permit, patient_id) else {
            return Err(ServiceError::Forbidden(policy::DenyReason::NoRuleAllows));
        };
        let value = load(&mut tx, patient_id.clone()).await?;
        let events: Vec<AuditEvent<'_>> = categories
            .iter()
            .map(|category| AuditEvent::ReadAllowed {
                actor: &actor,
                patient_id: &patient_id,
                category: *category,
                resource_id: resource_id.as_deref(),
                permit: &permit,
            })
            .collect();
        audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(Authorized::new(permit, value))
    }
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
