//! Consent use cases for citizens: grants (create, list with a preview of who sees what now,
//! revoke), and the access log ("who viewed my record").

use app::dto::{AccessLog, AccessLogEntry, AccessLogQuery, DirectoryEntry, EmergencyAccess, GrantInfo, Sharing};
use app::error::InvalidInput;
use app::port::RequestMeta;
use chrono::{Duration, NaiveDate};

use super::Portal;
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::{self, Actor, Category, GrantFact, Grantee, Purpose};
use crate::store::consent::GrantRow;
use crate::store::{self, StoreError};

/// A local day (`YYYY-MM-DD`) in `zone` as the first instant (Unix ms) of that day, or of the day
/// after with `plus = 1`: the bounds of a date-range search. Empty is no bound; anything else is
/// [`InvalidInput::BadDate`].
pub(crate) fn day_bound(text: &Option<String>, plus: i64, zone: &app::zone::Zone) -> Result<Option<i64>, ServiceError> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| invalid(InvalidInput::BadDate))?;
            Ok(zone.start_of_day_ms(date + Duration::days(plus)))
        }
    }
}

/// An instant (Unix ms) as RFC 3339 UTC (`2026-12-05T17:30:00Z`); pages show it in the reader's zone.
pub fn iso(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).unwrap_or_default()
}

/// The policy's view of a stored grant.
pub fn grant_fact(row: &GrantRow) -> GrantFact {
    GrantFact {
        grant_id: row.consent_grant_id.clone(),
        grantee: match (&row.grantee_clinician_id, &row.grantee_facility_id) {
            (Some(clinician), _) => Grantee::Clinician(clinician.clone()),
            (None, Some(facility)) => Grantee::Facility(facility.clone()),
            (None, None) => Grantee::Facility(String::new()),
        },
        categories: row.categories.split(',').filter_map(Category::parse).collect(),
        purpose: Purpose::parse(&row.purpose).unwrap_or(Purpose::Treatment),
        starts_at: row.starts_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    }
}

/// A new grant as the citizen's form submits it.
#[derive(Clone, Debug, Default)]
pub struct NewGrant {
    /// `clinician` or `facility`.
    pub grantee_kind: String,
    pub grantee_id: String,
    /// Category codes; `all` shares every shareable category.
    pub categories: Vec<String>,
    pub purpose: String,
    pub written_request: bool,
    /// `YYYY-MM-DD`, local days; empty start means today.
    pub starts_on: String,
    pub expires_on: String,
    /// The record the grant is on when the caller manages it for someone (a child, or a person
    /// who chose them as helper); `None` or empty: the caller's own.
    pub patient_id: Option<String>,
    /// The guardian confirms that the child, aged 7 or more, agrees (Law 91/2025/QH15 Art. 24(2)).
    pub child_consents: bool,
}

/// The categories a form names: codes from `allowed`, or `all` for every one of them; sorted,
/// without repeats, at least one. The consent form and the helper form both use it.
///
/// Errors: `UnknownCategory` (a code that is not in `allowed`), `NoCategories` (none given).
pub(crate) fn categories_from_codes(codes: &[String], allowed: &[Category]) -> Result<Vec<Category>, ServiceError> {
    let mut parsed: Vec<Category> = if codes.iter().any(|c| c == "all") {
        allowed.to_vec()
    } else {
        let mut parsed = Vec::new();
        for code in codes {
            match Category::parse(code) {
                Some(category) if allowed.contains(&category) => parsed.push(category),
                _ => return Err(invalid(InvalidInput::UnknownCategory)),
            }
        }
        parsed
    };
    parsed.sort();
    parsed.dedup();
    if parsed.is_empty() {
        return Err(invalid(InvalidInput::NoCategories));
    }
    Ok(parsed)
}

fn invalid(what: InvalidInput) -> ServiceError {
    ServiceError::Invalid(what)
}

impl Portal {
    /// The caller as a citizen with a record, or a refusal.
    async fn citizen(&self, meta: &RequestMeta) -> Result<(Actor, String), ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        match (&session.actor, session.principal.patient_id.clone()) {
            (Actor::Citizen { active: true, .. }, Some(patient_id)) => Ok((session.actor, patient_id)),
            _ => Err(ServiceError::Forbidden(crate::policy::DenyReason::NoRecordOfOwn)),
        }
    }

    /// The record whose sharing the caller manages, decided by [`policy::may_manage_sharing`]:
    /// their own (`for_patient` `None` or empty), a child's they are the live guardian of, or a
    /// person's who let them (a helper with sharing). Answers the actor, the record and, when
    /// acting for someone, the basis (`Guardian` or `Helper`) the audit row names.
    ///
    /// Errors: `Unauthenticated`; `Forbidden` with the policy's reason (a stranger, an ended or
    /// expired link, a helper who may only read, staff, a suspended account).
    async fn sharing_subject(
        &self,
        meta: &RequestMeta,
        for_patient: Option<&str>,
    ) -> Result<(Actor, String, Option<policy::Basis>), ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        let Some(target) = for_patient.filter(|id| !id.is_empty()).map(str::to_string).or(session.principal.patient_id.clone()) else {
            return Err(ServiceError::Forbidden(policy::DenyReason::NoRecordOfOwn));
        };
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let exists = store::patient::by_id(&mut conn, &target).await?.is_some();
        let patient_id = exists.then_some(target.as_str());
        let guardians = super::family::guardian_facts(&mut conn, &session.actor, patient_id).await?;
        let helpers = super::helpers::helper_facts(&mut conn, &session.actor, patient_id).await?;
        drop(conn);
        let resource = policy::Resource {
            patient_id,
            category: Category::AccessHistory,
            grants: &[],
            break_glass: &[],
            guardians: &guardians,
            helpers: &helpers,
        };
        let (basis, _) = policy::may_manage_sharing(&session.actor, &resource, meta.now_ms).map_err(ServiceError::Forbidden)?;
        let acting_as = (basis != policy::Basis::OwnRecord).then_some(basis);
        Ok((session.actor, target, acting_as))
    }

    /// Whether a guardian (`acting_as` `Guardian`) sharing `patient_id`'s record needs the child's
    /// agreement too: from the child's 7th birthday in Vietnam ([`policy::ages::CHILD_CONSENTS_FROM`]).
    async fn child_consent_needed(&self, acting_as: Option<policy::Basis>, patient_id: &str, now: i64) -> Result<bool, ServiceError> {
        if acting_as != Some(policy::Basis::Guardian) {
            return Ok(false);
        }
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let child = store::patient::by_id(&mut conn, patient_id).await?.ok_or(StoreError::NotFound)?;
        Ok(now >= super::family::birthday_ms(&child.birth_date, policy::ages::CHILD_CONSENTS_FROM))
    }

    /// The sharing page of the caller's own record, or of `for_patient` when the caller manages
    /// it for them: the grants and the form's defaults. The grants are the record's access
    /// history, so this is a guarded read (administrative + access history), audited, after the
    /// policy said the caller may manage this record's sharing at all.
    pub async fn sharing(&self, meta: &RequestMeta, for_patient: Option<String>) -> Result<Sharing, ServiceError> {
        let (_, patient_id, acting_as) = self.sharing_subject(meta, for_patient.as_deref()).await?;
        let now = meta.now_ms;
        let target = super::record::target(for_patient.filter(|id| !id.is_empty()));
        let rows = self
            .guarded_read(meta, target, &[Category::Administrative, Category::AccessHistory], move |conn, read| {
                Box::pin(async move { store::consent::grants_for_patient(conn, &read).await })
            })
            .await?
            .into_inner();
        let grants = rows
            .into_iter()
            .map(|row| {
                let fact = grant_fact(&row.grant);
                GrantInfo {
                    grant_id: row.grant.consent_grant_id.clone(),
                    grantee_kind: if row.grant.grantee_clinician_id.is_some() { "clinician".into() } else { "facility".into() },
                    grantee_name: row.grantee_name,
                    grantee_facility: row.grantee_facility_name,
                    categories: fact.categories.iter().map(|c| c.as_str().to_string()).collect(),
                    purpose: row.grant.purpose.clone(),
                    starts_at: iso(row.grant.starts_at),
                    expires_at: iso(row.grant.expires_at),
                    revoked_at: row.grant.revoked_at.map(iso),
                    state: fact.state(now).as_str().into(),
                }
            })
            .collect();
        Ok(Sharing {
            grants,
            today: meta.zone.date_at(now).format("%Y-%m-%d").to_string(),
            default_expiry: (meta.zone.date_at(now) + Duration::days(i64::from(self.config.grant_default_days)))
                .format("%Y-%m-%d")
                .to_string(),
            default_days: self.config.grant_default_days,
            max_days: self.config.grant_max_days,
            child_consent_needed: self.child_consent_needed(acting_as, &patient_id, meta.now_ms).await?,
        })
    }

    pub async fn directory(&self, meta: &RequestMeta, term: &str) -> Result<Vec<DirectoryEntry>, ServiceError> {
        self.citizen(meta).await?;
        let term = term.trim();
        if term.chars().count() < 2 {
            return Ok(Vec::new());
        }
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(store::consent::search_directory(&mut conn, term, 20)
            .await?
            .into_iter()
            .map(|entry| DirectoryEntry { kind: entry.kind, id: entry.id, name: entry.name, facility_name: entry.facility_name })
            .collect())
    }

    /// Creates a grant after checking every field; nothing is written if any check fails.
    pub async fn create_grant(&self, meta: &RequestMeta, new: NewGrant) -> Result<String, ServiceError> {
        let (actor, patient_id, acting_as) = self.sharing_subject(meta, new.patient_id.as_deref()).await?;
        let now = meta.now_ms;
        let categories = categories_from_codes(&new.categories, &Category::SHAREABLE)?;
        if !new.child_consents && self.child_consent_needed(acting_as, &patient_id, now).await? {
            return Err(invalid(InvalidInput::ChildConsentNeeded));
        }
        let purpose = Purpose::parse(&new.purpose).ok_or(invalid(InvalidInput::PurposeNotAllowed))?;
        if purpose == Purpose::InsuranceAssessment && !new.written_request {
            return Err(invalid(InvalidInput::PurposeNotAllowed));
        }
        // Dates are whole days in the citizen's own zone (Asia/Ho_Chi_Minh unless they chose another).
        let today = meta.zone.date_at(now);
        let parse = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| invalid(InvalidInput::BadDate));
        let starts_on = if new.starts_on.trim().is_empty() { today } else { parse(&new.starts_on)? };
        let expires_on = parse(&new.expires_on)?;
        if starts_on < today {
            return Err(invalid(InvalidInput::StartInPast));
        }
        if expires_on <= starts_on {
            return Err(invalid(InvalidInput::ExpiryBeforeStart));
        }
        if expires_on > starts_on + Duration::days(i64::from(self.config.grant_max_days)) {
            return Err(invalid(InvalidInput::ExpiryTooFar));
        }
        let starts_at =
            if starts_on == today { now } else { meta.zone.start_of_day_ms(starts_on).ok_or(invalid(InvalidInput::BadDate))? };
        // The grant covers the whole expiry day.
        let expires_at = meta.zone.start_of_day_ms(expires_on + Duration::days(1)).ok_or(invalid(InvalidInput::BadDate))?;

        let mut tx = self.store.begin().await?;
        let (clinician, facility) = match new.grantee_kind.as_str() {
            "clinician" if store::consent::clinician_exists(&mut tx, &new.grantee_id).await? => (Some(new.grantee_id.clone()), None),
            "facility" if store::consent::facility_exists(&mut tx, &new.grantee_id).await? => (None, Some(new.grantee_id.clone())),
            _ => return Err(invalid(InvalidInput::UnknownGrantee)),
        };
        let grant_id = store::new_id();
        store::consent::insert_grant(
            &mut tx,
            &GrantRow {
                consent_grant_id: grant_id.clone(),
                patient_id: patient_id.clone(),
                granted_by_account_id: actor.account_id().unwrap_or_default().to_string(),
                grantee_clinician_id: clinician,
                grantee_facility_id: facility,
                categories: categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(","),
                purpose: purpose.as_str().into(),
                written_request: new.written_request,
                starts_at,
                expires_at,
                revoked_at: None,
                revocation_reason: None,
                created_at: now,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            AuditEvent::GrantCreated { actor: &actor, patient_id: &patient_id, grant_id: &grant_id, acting_as },
            &meta.request_id,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(grant_id)
    }

    /// Revokes one of the grants on the caller's own record (or on `for_patient`'s, when the
    /// caller manages it for them), effective immediately.
    pub async fn revoke_grant(&self, meta: &RequestMeta, grant_id: &str, for_patient: Option<&str>) -> Result<(), ServiceError> {
        let (actor, patient_id, acting_as) = self.sharing_subject(meta, for_patient).await?;
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let revoked =
            store::consent::revoke_grant(&mut tx, &patient_id, grant_id, actor.account_id().unwrap_or_default(), None, now).await?;
        if !revoked {
            return Err(invalid(InvalidInput::UnknownGrant));
        }
        audit::record(
            &mut tx,
            AuditEvent::GrantRevoked { actor: &actor, patient_id: &patient_id, grant_id, acting_as },
            &meta.request_id,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// "Who viewed my record": a record's access log, filtered and paginated. The reader's own
    /// (`query.patient_id` empty), or a child's they are the guardian of: a guarded read of the
    /// record's access history, audited like any other.
    pub async fn access_log(&self, meta: &RequestMeta, query: AccessLogQuery) -> Result<AccessLog, ServiceError> {
        const PAGE_SIZE: u32 = 25;
        let filter = store::audit::AccessLogFilter {
            from_ms: day_bound(&query.from, 0, &meta.zone)?,
            to_ms: day_bound(&query.to, 1, &meta.zone)?,
            actor_account_id: query.person.clone().filter(|p| !p.is_empty()),
            basis: query.basis.clone().filter(|b| policy::Basis::ALL.iter().any(|basis| basis.as_str() == b)),
            ..Default::default()
        };
        let page = query.page.unwrap_or(1).max(1);
        let target = super::record::target(query.patient_id.clone().filter(|id| !id.is_empty()));
        let read = self
            .guarded_read(meta, target, &[Category::Administrative, Category::AccessHistory], move |conn, patient_id| {
                Box::pin(async move {
                    let (rows, total) =
                        store::audit::for_patient(conn, &patient_id, &filter, i64::from(PAGE_SIZE), i64::from((page - 1) * PAGE_SIZE))
                            .await?;
                    let people = store::audit::actors_for_patient(conn, &patient_id).await?;
                    let emergencies = emergencies_on(conn, &patient_id).await?;
                    Ok((rows, total, people, emergencies))
                })
            })
            .await?;
        let (rows, total, people, emergencies) = read.into_inner();
        let total = u32::try_from(total).unwrap_or(u32::MAX);
        Ok(AccessLog {
            entries: rows
                .into_iter()
                .map(|row| AccessLogEntry {
                    at: iso(row.row.occurred_at),
                    actor_name: row.actor_name.unwrap_or_else(|| "—".into()),
                    actor_account_id: row.row.actor_account_id,
                    role: row.row.actor_role.unwrap_or_default(),
                    facility: row.facility_name,
                    action: row.row.action,
                    what: row.row.category.or(row.row.resource_id).unwrap_or_default(),
                    purpose: row.row.purpose,
                    basis: row.row.basis.unwrap_or_default(),
                    outcome: row.row.outcome,
                    reason: row.row.reason,
                    note: row.note,
                })
                .collect(),
            emergencies,
            people,
            page,
            pages: total.div_ceil(PAGE_SIZE).max(1),
            total,
        })
    }
}

/// Break-glass accesses to a record, as its citizen sees them.
pub async fn emergencies_on(conn: &mut store::Conn, patient_id: &str) -> Result<Vec<EmergencyAccess>, StoreError> {
    Ok(store::consent::break_glass_for_patient(conn, patient_id)
        .await?
        .into_iter()
        .map(|row| EmergencyAccess {
            at: iso(row.break_glass.starts_at),
            until: iso(row.break_glass.expires_at),
            clinician: row.clinician_name,
            facility: row.facility_name,
            reason: row.break_glass.reason,
            review_status: row.break_glass.review_status,
            review_note: row.review_note,
        })
        .collect())
}
