//! The administrators' console: enrolment codes, clinicians and facilities, suspension, revocation,
//! the break-glass review queue, audit search and export, and other people's sessions.
//!
//! Guarantees: every entry here first passes [`Portal::administrator`], the one gate, which refuses
//! anyone but an active administrator and audits the refusal. Destructive actions also need a
//! passkey confirmation within [`REAUTH_WINDOW_MS`] ([`Portal::fresh_administrator`]); a refusal
//! for want of one is audited too. Administrators never read records: they see ids, names of
//! staff, and the audit trail. Every change is audited in the transaction that makes it; free text
//! (reasons, notes) is stored beside the chain, never in it.

mod federation;
mod transfers;

pub use transfers::export_root;

use app::dto::{
    AdminFacility, AdminFacilityDetail, AdminHome, AdminPerson, AdminPersonDetail, AuditLine, AuditPage, AuditQuery, ChainCheck, HeldGrant,
    IssuedCode, OpenCode, ReviewItem, ReviewQueue, ReviewRead,
};
use app::error::InvalidInput;
use app::port::RequestMeta;

use super::consent::{day_bound, iso};
use super::{Portal, Session};
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::{Actor, DenyReason};
use crate::seed::{issue_enrolment_code_by, Enrols};
use crate::store::admin::{FacilityRow, PersonRow};
use crate::store::consent::{BreakGlassListRow, GrantRow, Holder};
use crate::store::{self, StoreError};

/// How recent a passkey confirmation must be for a destructive action (sudo mode).
pub const REAUTH_WINDOW_MS: i64 = 5 * 60 * 1000;
/// Enrolment codes issued from the console stay valid this long.
pub const CODE_VALID_MS: i64 = 14 * 24 * 60 * 60 * 1000;
/// Reasons and notes: at least this many characters, so the people affected read a real reason.
const TEXT_MIN: usize = 5;
const TEXT_MAX: usize = 500;
const AUDIT_PAGE: u32 = 50;
/// The most rows one CSV export carries; narrow the filters for more.
pub const EXPORT_MAX_ROWS: i64 = 100_000;

fn invalid(what: InvalidInput) -> ServiceError {
    ServiceError::Invalid(what)
}

/// A reason or note, trimmed and within bounds.
pub(crate) fn text(value: &str) -> Result<String, ServiceError> {
    let value = value.trim();
    match value.chars().count() {
        n if n < TEXT_MIN => Err(invalid(InvalidInput::TextTooShort)),
        n if n > TEXT_MAX => Err(invalid(InvalidInput::TextTooLong)),
        _ => Ok(value.to_string()),
    }
}

/// A name (person or facility), trimmed and within bounds.
fn name(value: &str) -> Result<String, ServiceError> {
    let value = value.trim();
    match value.chars().count() {
        0 | 1 => Err(invalid(InvalidInput::TextTooShort)),
        n if n > 200 => Err(invalid(InvalidInput::TextTooLong)),
        _ => Ok(value.to_string()),
    }
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The last three digits of a CCCD, the rest masked.
pub fn cccd_hint(cccd: &str) -> String {
    let tail = cccd.get(cccd.len().saturating_sub(3)..).unwrap_or_default();
    format!("{}{tail}", "•".repeat(cccd.len().saturating_sub(3)))
}

fn person(row: PersonRow) -> AdminPerson {
    AdminPerson {
        account_id: row.account_id,
        role: row.role,
        name: row.display_name,
        status: row.status,
        facility: row.facility_name,
        facility_id: row.facility_id,
        clinician_id: row.clinician_id,
        sessions: count(row.sessions),
    }
}

fn facility(row: FacilityRow) -> AdminFacility {
    AdminFacility {
        facility_id: row.facility_id,
        name: row.name,
        province_code: row.province_code,
        clinicians: count(row.clinicians),
        live_grants: count(row.live_grants),
    }
}

fn held(row: GrantRow) -> HeldGrant {
    HeldGrant {
        grant_id: row.consent_grant_id,
        patient_id: row.patient_id,
        categories: row.categories.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(),
        purpose: row.purpose,
        starts_at: iso(row.starts_at),
        expires_at: iso(row.expires_at),
    }
}

fn some(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

impl Portal {
    /// The gate of every administrator route and function: the caller must be an active
    /// administrator. Anyone else is refused (`NotAuthenticated` without a session, else
    /// `AccountSuspended` or `NotAdministrator`) and the refusal is audited with `what` (the
    /// path or function reached).
    pub async fn administrator(&self, meta: &RequestMeta, what: &str) -> Result<Session, ServiceError> {
        let session = match self.session(meta).await {
            Ok(session) => session,
            Err(ServiceError::Unauthenticated) => None,
            Err(other) => return Err(other),
        };
        let actor = match session {
            Some(session) if matches!(session.actor, Actor::Administrator { active: true, .. }) => return Ok(session),
            Some(session) => session.actor,
            None => Actor::Anonymous,
        };
        let reason = match &actor {
            Actor::Anonymous => DenyReason::NotAuthenticated,
            Actor::Administrator { .. } => DenyReason::AccountSuspended,
            _ => DenyReason::NotAdministrator,
        };
        self.refuse(meta, &actor, what, reason).await
    }

    /// [`Portal::administrator`] for a destructive action: the administrator must also have
    /// confirmed with a passkey within [`REAUTH_WINDOW_MS`].
    pub async fn fresh_administrator(&self, meta: &RequestMeta, what: &str) -> Result<Session, ServiceError> {
        let session = self.administrator(meta, what).await?;
        if confirmed_until(&session).is_some_and(|until| meta.now_ms < until) {
            return Ok(session);
        }
        self.refuse(meta, &session.actor, what, DenyReason::ReauthRequired).await
    }

    async fn refuse<T>(&self, meta: &RequestMeta, actor: &Actor, what: &str, reason: DenyReason) -> Result<T, ServiceError> {
        let mut tx = self.store.begin().await?;
        audit::record(&mut tx, AuditEvent::AdminDenied { actor, what, reason }, &meta.request_id, meta.now_ms).await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(reason = reason.as_str(), what, "administrator access refused");
        Err(ServiceError::Forbidden(reason))
    }

    /// Records one administrator action in its transaction and commits.
    async fn commit_action(&self, mut tx: store::Tx, meta: &RequestMeta, event: AuditEvent<'_>) -> Result<(), ServiceError> {
        audit::record(&mut tx, event, &meta.request_id, meta.now_ms).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    pub async fn admin_home(&self, meta: &RequestMeta) -> Result<AdminHome, ServiceError> {
        let session = self.administrator(meta, "admin_home").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let counts = store::admin::counts(&mut conn, meta.now_ms).await?;
        let key = match self.config.audit_key_file.exists() {
            true => crate::audit::chain::AuditKey::load(&self.config.audit_key_file).ok().map(|key| key.verifying_key()),
            false => None,
        };
        let chain = match crate::audit::chain::verify(&mut conn, key.as_ref()).await? {
            crate::audit::chain::Verdict::Ok { entries, checkpoints } => ChainCheck {
                intact: true,
                entries: u64::try_from(entries).unwrap_or_default(),
                checkpoints: u64::try_from(checkpoints).unwrap_or_default(),
                problem: None,
            },
            crate::audit::chain::Verdict::Broken { entry, why } => {
                tracing::error!(entry, %why, "audit chain broken");
                ChainCheck { intact: false, entries: 0, checkpoints: 0, problem: Some(format!("entry {entry}: {why}")) }
            }
        };
        Ok(AdminHome {
            pending_reviews: count(counts.pending_reviews),
            open_codes: count(counts.open_codes),
            suspended: count(counts.suspended),
            accounts: count(counts.accounts),
            confirmed_until: confirmed_until(&session).filter(|until| meta.now_ms < *until).map(iso),
            chain,
        })
    }

    pub async fn admin_people(&self, meta: &RequestMeta, term: &str, role: &str) -> Result<Vec<AdminPerson>, ServiceError> {
        self.administrator(meta, "admin_people").await?;
        let role = ["citizen", "clinician", "administrator"].into_iter().find(|known| *known == role);
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(store::admin::people(&mut conn, term.trim(), role, None, 100).await?.into_iter().map(person).collect())
    }

    pub async fn admin_person(&self, meta: &RequestMeta, account_id: &str) -> Result<AdminPersonDetail, ServiceError> {
        let session = self.administrator(meta, "admin_person").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let row = store::admin::person(&mut conn, account_id).await?.ok_or(ServiceError::NotFound)?;
        let sessions = self.live_sessions(&mut conn, account_id, &session.token_hash, meta.now_ms).await?;
        let grants = match &row.clinician_id {
            Some(clinician_id) => store::consent::live_grants_held(&mut conn, Holder::Clinician(clinician_id), meta.now_ms)
                .await?
                .into_iter()
                .map(held)
                .collect(),
            None => Vec::new(),
        };
        let viewer = session.principal.account.account_id.as_str();
        let links = store::federation::links_of_account(&mut conn, account_id)
            .await?
            .into_iter()
            .map(|link| federation::link(link, viewer))
            .collect();
        let staff = store::account::staff_facts(&mut conn, account_id).await?.ok_or(ServiceError::NotFound)?;
        let facility_has_provider = match &row.facility_id {
            Some(facility_id) => self.provider_info(&mut conn, facility_id).await?.is_some(),
            None => false,
        };
        Ok(AdminPersonDetail {
            links,
            facility_has_provider,
            awaiting_confirmation: staff.confirmed_at.is_none(),
            created_by_me: staff.created_by_account_id.as_deref() == Some(viewer),
            is_self: row.account_id == session.principal.account.account_id,
            suspended_at: row.suspended_at.map(iso),
            suspension_reason: row.suspension_reason.clone(),
            person: person(row),
            sessions,
            grants,
        })
    }

    pub async fn admin_facilities(&self, meta: &RequestMeta) -> Result<Vec<AdminFacility>, ServiceError> {
        self.administrator(meta, "admin_facilities").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(store::admin::facilities(&mut conn, meta.now_ms).await?.into_iter().map(facility).collect())
    }

    pub async fn admin_facility(&self, meta: &RequestMeta, facility_id: &str) -> Result<AdminFacilityDetail, ServiceError> {
        self.administrator(meta, "admin_facility").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let row = store::admin::facility(&mut conn, facility_id, meta.now_ms).await?.ok_or(ServiceError::NotFound)?;
        let people =
            store::admin::people(&mut conn, "", Some("clinician"), Some(facility_id), 500).await?.into_iter().map(person).collect();
        let grants =
            store::consent::live_grants_held(&mut conn, Holder::Facility(facility_id), meta.now_ms).await?.into_iter().map(held).collect();
        let provider = self.provider_info(&mut conn, facility_id).await?;
        let clients = store::import::clients_of(&mut conn, facility_id).await?.into_iter().map(transfers::client_info).collect();
        let at = |path: &str| self.config.public_url.join(path).map(|url| url.to_string()).unwrap_or_default();
        Ok(AdminFacilityDetail {
            facility: facility(row),
            people,
            grants,
            provider,
            redirect_uri: self.federation.redirect_url().to_string(),
            clients,
            token_url: at(crate::http::import_routes::TOKEN_PATH),
            import_url: at("/fhir"),
        })
    }

    /// Creates a facility. Returns its id.
    pub async fn admin_create_facility(
        &self,
        meta: &RequestMeta,
        facility_name: &str,
        province_code: &str,
    ) -> Result<String, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_create_facility").await?;
        let facility_name = name(facility_name)?;
        let province_code = province_code.trim();
        if !(province_code.is_empty() || (province_code.len() == 3 && province_code.bytes().all(|b| b.is_ascii_digit()))) {
            return Err(invalid(InvalidInput::InvalidIdentifier));
        }
        let facility_id = store::new_id();
        let mut tx = self.store.begin().await?;
        store::account::insert_facility(&mut tx, &facility_id, &facility_name, province_code, meta.now_ms).await?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "facility_create",
            patient_id: None,
            target: Some(&facility_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await?;
        Ok(facility_id)
    }

    /// Creates a clinician (account and staff record) at a facility and issues their enrolment
    /// code, bound to the CCCD they will type (the identity this administrator verified). The code
    /// is returned once. The account reads nothing until another administrator confirms it
    /// ([`Portal::admin_confirm_staff`]).
    pub async fn admin_create_clinician(
        &self,
        meta: &RequestMeta,
        facility_id: &str,
        full_name: &str,
        cccd: &str,
    ) -> Result<IssuedCode, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_create_clinician").await?;
        let full_name = name(full_name)?;
        let cccd = crate::cccd::parse(cccd).map_err(|_| invalid(InvalidInput::InvalidIdentifier))?;
        let mut tx = self.store.begin().await?;
        if !store::consent::facility_exists(&mut tx, facility_id).await? {
            return Err(invalid(InvalidInput::UnknownTarget));
        }
        let account = store::account::AccountRow {
            account_id: store::new_id(),
            role: "clinician".into(),
            display_name: full_name.clone(),
            user_handle: uuid::Uuid::new_v4().to_string(),
            status: "active".into(),
        };
        let by = session.principal.account.account_id.as_str();
        store::account::insert_unconfirmed_staff(&mut tx, &account, by, &cccd, meta.now_ms).await?;
        store::account::insert_clinician(&mut tx, &store::new_id(), &account.account_id, facility_id, &full_name, meta.now_ms).await?;
        let code =
            issue_enrolment_code_by(&mut tx, Enrols::Account(account.account_id.clone()), &cccd, meta.now_ms, CODE_VALID_MS, Some(by))
                .await?;
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "clinician_create",
            patient_id: None,
            target: Some(&account.account_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await?;
        Ok(IssuedCode { code, name: full_name, expires_at: iso(meta.now_ms + CODE_VALID_MS), awaiting_approval: false })
    }

    /// Issues an enrolment code: for a citizen, named by the CCCD of a record not yet enrolled; for
    /// a staff account (`account_id`), bound to the CCCD verified for that account (another CCCD is
    /// refused with `identity_mismatch`). Returned once, stored hashed. A code for a staff account
    /// that can already read (confirmed) is a new credential for someone else: it is held until an
    /// administrator other than this one approves it ([`Portal::admin_approve_code`]).
    pub async fn admin_issue_code(&self, meta: &RequestMeta, cccd: &str, account_id: Option<&str>) -> Result<IssuedCode, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_issue_code").await?;
        let cccd = crate::cccd::parse(cccd).map_err(|_| invalid(InvalidInput::InvalidIdentifier))?;
        let mut tx = self.store.begin().await?;
        let mut held = false;
        let (enrols, who, patient_id) = match account_id {
            Some(account_id) => {
                let row = store::admin::person(&mut tx, account_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
                if row.role == "citizen" {
                    return Err(invalid(InvalidInput::NotApplicable));
                }
                let staff = store::account::staff_facts(&mut tx, account_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
                if staff.staff_cccd.as_ref().is_some_and(|verified| *verified != cccd) {
                    return Err(invalid(InvalidInput::IdentityMismatch));
                }
                held = staff.confirmed_at.is_some();
                (Enrols::Account(row.account_id.clone()), row.display_name, None)
            }
            None => {
                let patient = store::patient::by_cccd(&mut tx, &cccd).await?.ok_or(invalid(InvalidInput::NoEnrolableRecord))?;
                if patient.account_id.is_some() {
                    return Err(invalid(InvalidInput::NoEnrolableRecord));
                }
                (Enrols::Patient(patient.patient_id.clone()), patient.full_name(), Some(patient.patient_id))
            }
        };
        let target = match &enrols {
            Enrols::Account(id) | Enrols::Patient(id) => id.clone(),
        };
        let by = session.principal.account.account_id.as_str();
        let code = issue_enrolment_code_by(&mut tx, enrols, &cccd, meta.now_ms, CODE_VALID_MS, Some(by)).await?;
        if held {
            store::enrolment::hold(&mut tx, &crate::auth::passkeys::hash_code(&code)).await?;
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "enrolment_code_issue",
            patient_id: patient_id.as_deref(),
            target: Some(&target),
            basis_ref: None,
            code: held.then_some("awaiting_approval"),
        };
        self.commit_action(tx, meta, event).await?;
        Ok(IssuedCode { code, name: who, expires_at: iso(meta.now_ms + CODE_VALID_MS), awaiting_approval: held })
    }

    /// Approves a held enrolment code (separation of duties): refused to the administrator who
    /// issued it ([`crate::policy::may_approve`]); `nothing_to_approve` if it is not held or no
    /// longer open.
    pub async fn admin_approve_code(&self, meta: &RequestMeta, code_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_approve_code").await?;
        let mut tx = self.store.begin().await?;
        let code = store::enrolment::by_id(&mut tx, code_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        if code.approved_at.is_some() {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        if let Err(reason) = crate::policy::may_approve(&session.actor, code.created_by_account_id.as_deref()) {
            drop(tx);
            return self.refuse(meta, &session.actor, "admin_approve_code", reason).await;
        }
        let by = session.principal.account.account_id.as_str();
        if !store::enrolment::approve(&mut tx, code_id, by, meta.now_ms).await? {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "enrolment_code_approve",
            patient_id: None,
            target: code.account_id.as_deref(),
            basis_ref: Some(code_id),
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Confirms a staff account another administrator created (separation of duties): refused to
    /// its creator and to the account itself ([`crate::policy::may_confirm_staff`]). Until then the
    /// policy refuses the account every record.
    pub async fn admin_confirm_staff(&self, meta: &RequestMeta, account_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_confirm_staff").await?;
        let mut tx = self.store.begin().await?;
        let staff = store::account::staff_facts(&mut tx, account_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        if staff.confirmed_at.is_some() {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        if let Err(reason) = crate::policy::may_confirm_staff(&session.actor, staff.created_by_account_id.as_deref(), account_id) {
            drop(tx);
            return self.refuse(meta, &session.actor, "admin_confirm_staff", reason).await;
        }
        let by = session.principal.account.account_id.as_str();
        if !store::account::confirm_staff(&mut tx, account_id, by, meta.now_ms).await? {
            return Err(invalid(InvalidInput::NothingToApprove));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "staff_confirm",
            patient_id: None,
            target: Some(account_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    pub async fn admin_open_codes(&self, meta: &RequestMeta) -> Result<Vec<OpenCode>, ServiceError> {
        let session = self.administrator(meta, "admin_open_codes").await?;
        let viewer = session.principal.account.account_id.as_str();
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(store::enrolment::open_codes(&mut conn, meta.now_ms, 500)
            .await?
            .into_iter()
            .map(|row| OpenCode {
                kind: if row.code.patient_id.is_some() { "citizen".into() } else { "staff".into() },
                awaiting_approval: row.code.approved_at.is_none(),
                issued_by_me: row.code.created_by_account_id.as_deref() == Some(viewer),
                cccd_hint: cccd_hint(&row.code.cccd),
                code_id: row.code.enrolment_code_id,
                name: row.name,
                created_at: iso(row.created_at),
                expires_at: iso(row.code.expires_at),
            })
            .collect())
    }

    pub async fn admin_cancel_code(&self, meta: &RequestMeta, code_id: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_cancel_code").await?;
        let mut tx = self.store.begin().await?;
        if !store::enrolment::cancel(&mut tx, code_id, meta.now_ms).await? {
            return Err(invalid(InvalidInput::UnknownTarget));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "enrolment_code_cancel",
            patient_id: None,
            target: Some(code_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Suspends an account (with a reason) or reinstates it. Suspension ends every session of the
    /// account at once; while suspended the policy refuses the account everything, so every grant
    /// to them is inert. Reinstatement changes no grant: one that expired meanwhile stays expired.
    pub async fn admin_set_suspended(&self, meta: &RequestMeta, account_id: &str, suspend: bool, reason: &str) -> Result<(), ServiceError> {
        let what = if suspend { "admin_suspend" } else { "admin_reinstate" };
        let session = self.fresh_administrator(meta, what).await?;
        if account_id == session.principal.account.account_id {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        let reason = if suspend { Some(text(reason)?) } else { None };
        let mut tx = self.store.begin().await?;
        if store::admin::person(&mut tx, account_id).await?.is_none() {
            return Err(invalid(InvalidInput::UnknownTarget));
        }
        if !store::admin::set_suspended(&mut tx, account_id, reason.as_deref(), meta.now_ms).await? {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        if suspend {
            store::session::delete_all_of_account(&mut tx, account_id).await?;
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: if suspend { "account_suspend" } else { "account_reinstate" },
            patient_id: None,
            target: Some(account_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }

    /// Ends one session of another person (`Some(id)`), or all of them.
    pub async fn admin_end_sessions(&self, meta: &RequestMeta, account_id: &str, session_id: Option<&str>) -> Result<u64, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_end_sessions").await?;
        if account_id == session.principal.account.account_id {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        let mut tx = self.store.begin().await?;
        let ended = match session_id {
            Some(id) => u64::from(store::session::delete_of_account(&mut tx, account_id, id).await?),
            None => store::session::delete_all_of_account(&mut tx, account_id).await?,
        };
        if ended == 0 {
            return Err(invalid(InvalidInput::UnknownTarget));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "sessions_end",
            patient_id: None,
            target: Some(account_id),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await?;
        Ok(ended)
    }

    /// Revokes one grant with a reason its citizen reads in their access log.
    pub async fn admin_revoke_grant(&self, meta: &RequestMeta, grant_id: &str, reason: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_revoke_grant").await?;
        let reason = text(reason)?;
        let mut tx = self.store.begin().await?;
        let grant = store::consent::grant_by_id(&mut tx, grant_id).await?.ok_or(invalid(InvalidInput::UnknownGrant))?;
        let by = session.principal.account.account_id.as_str();
        if !store::consent::revoke_grant(&mut tx, &grant.patient_id, grant_id, by, Some(&reason), meta.now_ms).await? {
            return Err(invalid(InvalidInput::UnknownGrant));
        }
        let event = AuditEvent::GrantRevoked { actor: &session.actor, patient_id: &grant.patient_id, grant_id, acting_as: None };
        self.commit_action(tx, meta, event).await
    }

    /// Revokes every live grant a clinician (`holder_kind = "clinician"`, their account id) or a
    /// facility holds, with one reason; each citizen concerned sees it. Returns how many.
    pub async fn admin_revoke_held(
        &self,
        meta: &RequestMeta,
        holder_kind: &str,
        holder_id: &str,
        reason: &str,
    ) -> Result<u32, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_revoke_held").await?;
        let reason = text(reason)?;
        let mut tx = self.store.begin().await?;
        let clinician_id;
        let holder = match holder_kind {
            "clinician" => {
                let person = store::admin::person(&mut tx, holder_id).await?;
                clinician_id = person.and_then(|p| p.clinician_id).ok_or(invalid(InvalidInput::UnknownTarget))?;
                Holder::Clinician(&clinician_id)
            }
            "facility" if store::consent::facility_exists(&mut tx, holder_id).await? => Holder::Facility(holder_id),
            _ => return Err(invalid(InvalidInput::UnknownTarget)),
        };
        let grants = store::consent::live_grants_held(&mut tx, holder, meta.now_ms).await?;
        let by = session.principal.account.account_id.as_str();
        let mut revoked = Vec::new();
        for grant in &grants {
            if store::consent::revoke_grant(&mut tx, &grant.patient_id, &grant.consent_grant_id, by, Some(&reason), meta.now_ms).await? {
                revoked.push(grant);
            }
        }
        let events: Vec<AuditEvent<'_>> = revoked
            .iter()
            .map(|grant| AuditEvent::GrantRevoked {
                actor: &session.actor,
                patient_id: &grant.patient_id,
                grant_id: &grant.consent_grant_id,
                acting_as: None,
            })
            .collect();
        audit::record_all(&mut tx, &events, &meta.request_id, meta.now_ms).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(count(i64::try_from(revoked.len()).unwrap_or(i64::MAX)))
    }

    /// The break-glass review queue (oldest pending first) and the latest reviews.
    pub async fn admin_reviews(&self, meta: &RequestMeta) -> Result<ReviewQueue, ServiceError> {
        self.administrator(meta, "admin_reviews").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let pending = store::consent::review_queue(&mut conn, 200).await?;
        let reviewed = store::consent::recently_reviewed(&mut conn, 20).await?;
        let mut queue = ReviewQueue { pending: Vec::new(), reviewed: Vec::new() };
        for (rows, into) in [(pending, &mut queue.pending), (reviewed, &mut queue.reviewed)] {
            for row in rows {
                let reads = store::audit::by_basis_ref(&mut conn, &row.break_glass.break_glass_id, 500).await?;
                into.push(review_item(row, reads));
            }
        }
        Ok(queue)
    }

    /// Marks a pending break-glass justified or not, with a note; the patient sees both.
    pub async fn admin_review(&self, meta: &RequestMeta, break_glass_id: &str, outcome: &str, note: &str) -> Result<(), ServiceError> {
        let session = self.fresh_administrator(meta, "admin_review").await?;
        let outcome =
            ["justified", "unjustified"].into_iter().find(|known| *known == outcome).ok_or(ServiceError::BadRequest("outcome"))?;
        let note = text(note)?;
        let mut tx = self.store.begin().await?;
        let row = store::consent::break_glass_by_id(&mut tx, break_glass_id).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        let by = session.principal.account.account_id.as_str();
        if !store::consent::mark_reviewed(&mut tx, break_glass_id, outcome, by, &note, meta.now_ms).await? {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action: "break_glass_review",
            patient_id: Some(&row.break_glass.patient_id),
            target: None,
            basis_ref: Some(break_glass_id),
            code: Some(outcome),
        };
        self.commit_action(tx, meta, event).await
    }

    async fn audit_filter(
        &self,
        conn: &mut store::Conn,
        query: &AuditQuery,
        zone: &app::zone::Zone,
    ) -> Result<store::audit::AccessLogFilter, ServiceError> {
        // A CCCD names the patient it belongs to (or no one); anything else is a patient id.
        let patient_id = match some(&query.patient) {
            Some(value) => match crate::cccd::parse(&value) {
                Ok(cccd) => {
                    Some(store::patient::by_cccd(conn, &cccd).await?.map(|p| p.patient_id).unwrap_or_else(|| format!("no-patient:{cccd}")))
                }
                Err(_) => Some(value),
            },
            None => None,
        };
        Ok(store::audit::AccessLogFilter {
            patient_id,
            from_ms: day_bound(&query.from, 0, zone)?,
            to_ms: day_bound(&query.to, 1, zone)?,
            actor_account_id: some(&query.actor),
            facility_id: some(&query.facility),
            basis: some(&query.basis).filter(|b| ["self", "grant", "break_glass"].contains(&b.as_str())),
            outcome: some(&query.outcome).filter(|o| ["allowed", "denied"].contains(&o.as_str())),
        })
    }

    /// Audit search, newest first, paginated. The search itself is audited (`audit_search`).
    pub async fn admin_audit(&self, meta: &RequestMeta, query: AuditQuery) -> Result<AuditPage, ServiceError> {
        let session = self.administrator(meta, "admin_audit").await?;
        let page = query.page.unwrap_or(1).max(1);
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let filter = self.audit_filter(&mut conn, &query, &meta.zone).await?;
        let (rows, total) =
            store::audit::search(&mut conn, &filter, i64::from(AUDIT_PAGE), i64::from((page - 1).saturating_mul(AUDIT_PAGE))).await?;
        drop(conn);
        self.audit_query_used(meta, &session, "audit_search", &filter).await?;
        let total = count(total);
        Ok(AuditPage { lines: rows.into_iter().map(line).collect(), page, pages: total.div_ceil(AUDIT_PAGE).max(1), total })
    }

    /// The same search as CSV (every matching row up to [`EXPORT_MAX_ROWS`]), audited (`audit_export`).
    pub async fn admin_audit_csv(&self, meta: &RequestMeta, query: AuditQuery) -> Result<String, ServiceError> {
        let session = self.administrator(meta, "admin_audit_csv").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let filter = self.audit_filter(&mut conn, &query, &meta.zone).await?;
        let (rows, _) = store::audit::search(&mut conn, &filter, EXPORT_MAX_ROWS, 0).await?;
        drop(conn);
        self.audit_query_used(meta, &session, "audit_export", &filter).await?;
        let mut csv = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
        let header = [
            "id",
            "occurred_at",
            "actor_account_id",
            "actor_name",
            "actor_role",
            "actor_facility",
            "patient_id",
            "action",
            "category",
            "resource_id",
            "basis",
            "basis_ref",
            "purpose",
            "outcome",
            "reason",
        ];
        csv.write_record(header).map_err(csv_failed)?;
        for row in rows.into_iter().map(line) {
            let fields = [
                row.id.to_string(),
                row.at,
                row.actor_account_id.unwrap_or_default(),
                row.actor_name.unwrap_or_default(),
                row.role.unwrap_or_default(),
                row.facility.unwrap_or_default(),
                row.patient_id.unwrap_or_default(),
                row.action,
                row.category.unwrap_or_default(),
                row.resource_id.unwrap_or_default(),
                row.basis.unwrap_or_default(),
                row.basis_ref.unwrap_or_default(),
                row.purpose.unwrap_or_default(),
                row.outcome,
                row.reason.unwrap_or_default(),
            ];
            csv.write_record(fields.iter().map(|field| defuse_formula(field).into_owned())).map_err(csv_failed)?;
        }
        let bytes = csv.into_inner().map_err(|error| csv_failed(error.into_error().into()))?;
        // Every field was a Rust string, so the bytes are UTF-8.
        String::from_utf8(bytes).map_err(|error| ServiceError::Internal(error.to_string()))
    }

    /// Reading the audit trail is itself logged: who searched, and for which patient if one.
    async fn audit_query_used(
        &self,
        meta: &RequestMeta,
        session: &Session,
        action: &'static str,
        filter: &store::audit::AccessLogFilter,
    ) -> Result<(), ServiceError> {
        let tx = self.store.begin().await?;
        let patient_id = filter.patient_id.as_deref().filter(|id| !id.starts_with("no-patient:"));
        let event = AuditEvent::AdminAction {
            actor: &session.actor,
            action,
            patient_id,
            target: filter.actor_account_id.as_deref(),
            basis_ref: None,
            code: None,
        };
        self.commit_action(tx, meta, event).await
    }
}

/// Until when the session's last passkey confirmation allows destructive actions.
pub fn confirmed_until(session: &Session) -> Option<i64> {
    session.reauth_at.map(|at| at.saturating_add(REAUTH_WINDOW_MS))
}

fn review_item(row: BreakGlassListRow, reads: Vec<store::audit::AuditRow>) -> ReviewItem {
    ReviewItem {
        break_glass_id: row.break_glass.break_glass_id,
        clinician: row.clinician_name,
        facility: row.facility_name,
        patient_id: row.break_glass.patient_id,
        reason: row.break_glass.reason,
        starts_at: iso(row.break_glass.starts_at),
        expires_at: iso(row.break_glass.expires_at),
        status: row.break_glass.review_status,
        note: row.review_note,
        reviewed_at: row.reviewed_at.map(iso),
        reads: reads
            .into_iter()
            .map(|read| ReviewRead { at: iso(read.occurred_at), category: read.category.unwrap_or_default(), outcome: read.outcome })
            .collect(),
    }
}

fn line(row: store::audit::AccessLogRow) -> AuditLine {
    AuditLine {
        id: row.row.audit_event_id,
        at: iso(row.row.occurred_at),
        actor_account_id: row.row.actor_account_id,
        actor_name: row.actor_name,
        role: row.row.actor_role,
        facility: row.facility_name,
        patient_id: row.row.patient_id,
        action: row.row.action,
        category: row.row.category,
        resource_id: row.row.resource_id,
        basis: row.row.basis,
        basis_ref: row.row.basis_ref,
        purpose: row.row.purpose,
        outcome: row.row.outcome,
        reason: row.row.reason,
    }
}

/// A CSV field's text with a leading apostrophe when a spreadsheet would run it as a formula
/// (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return; OWASP "CSV injection"), so an
/// exported name can never execute. Quoting (RFC 4180) is the `csv` writer's.
pub fn defuse_formula(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Writing CSV into memory fails only if the writer itself breaks; that is a server fault.
fn csv_failed(error: csv::Error) -> ServiceError {
    ServiceError::Internal(format!("audit CSV: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        let field = |value: &str| {
            let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
            writer.write_record([defuse_formula(value).as_ref(), "next"]).unwrap();
            String::from_utf8(writer.into_inner().unwrap()).unwrap().strip_suffix(",next\r\n").unwrap().to_string()
        };
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1"), "'-1");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("2026-11-22T08:00:00Z"), "2026-11-22T08:00:00Z");
    }

    #[test]
    fn cccd_hints_show_only_the_last_three_digits() {
        assert_eq!(cccd_hint("001190007777"), "•••••••••777");
    }

    #[test]
    fn reasons_must_say_something_and_not_too_much() {
        assert!(matches!(text("  ok  "), Err(ServiceError::Invalid(InvalidInput::TextTooShort))));
        assert!(matches!(text(&"x".repeat(501)), Err(ServiceError::Invalid(InvalidInput::TextTooLong))));
        assert_eq!(text("  Bác sĩ đã nghỉ việc ").ok().as_deref(), Some("Bác sĩ đã nghỉ việc"));
    }
}
