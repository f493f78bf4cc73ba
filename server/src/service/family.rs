//! Families (issue 19): parents and legal guardians keep their children's records.
//!
//! A guardian is linked to a child's record by an administrator who checked the papers (or by the
//! operator's seed). While the link is live and the child is under 16, the policy lets the guardian
//! read every part of the child's record, under the guardian's own name ([`Basis::Guardian`]);
//! on the child's 16th birthday it stops by itself, and from then the young person may end the link
//! (Law 91/2025/QH15 Art. 24(2); Law on Children 102/2016/QH13 Art. 1; [`policy::ages`]).
//!
//! [`Basis::Guardian`]: crate::policy::Basis::Guardian

use app::dto::{Family, FamilyLink, GuardianBasis, LinkState};
use app::error::InvalidInput;
use app::port::RequestMeta;
use chrono::NaiveDate;

use super::{Portal, Target};
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::{self, ages, Actor, Authorized, Category, GuardianFact, Millis};
use crate::store::guardianship::{GuardianshipListRow, GuardianshipRow};
use crate::store::{self, Conn, StoreError};

/// Guardianship follows Vietnamese law, so ages are counted in Vietnam's calendar whatever zone
/// the reader chose.
fn vietnam() -> app::zone::Zone {
    app::zone::Zone::default()
}

/// The first instant a person born on `birth_date` (ISO `YYYY-MM-DD`) is `years` old, in Vietnam.
/// A date that does not parse counts as already of age: no guardian reads a record whose age is
/// unknown.
pub(crate) fn birthday_ms(birth_date: &str, years: u32) -> Millis {
    NaiveDate::parse_from_str(birth_date, "%Y-%m-%d")
        .ok()
        .and_then(|born| ages::birthday(born, years))
        .and_then(|day| vietnam().start_of_day_ms(day))
        .unwrap_or(Millis::MIN)
}

/// The guardianship facts on the record `patient_id` a citizen asks for that is not their own, in
/// the caller's transaction (so an end committed before the read is seen by it). Empty for
/// anyone else: only a citizen can be a guardian.
pub(crate) async fn guardian_facts(conn: &mut Conn, actor: &Actor, patient_id: Option<&str>) -> Result<Vec<GuardianFact>, ServiceError> {
    let (Actor::Citizen { patient_id: Some(own), .. }, Some(patient_id)) = (actor, patient_id) else {
        return Ok(Vec::new());
    };
    if own == patient_id {
        return Ok(Vec::new());
    }
    let links = store::guardianship::for_patient(conn, patient_id).await?;
    if !links.iter().any(|link| &link.guardian_patient_id == own) {
        return Ok(Vec::new());
    }
    let child = store::patient::by_id(conn, patient_id).await?.ok_or(StoreError::NotFound)?;
    let comes_of_age_at = birthday_ms(&child.birth_date, ages::CHILD_UNTIL);
    Ok(links.into_iter().map(|link| fact(&link, comes_of_age_at)).collect())
}

fn fact(link: &GuardianshipRow, comes_of_age_at: Millis) -> GuardianFact {
    GuardianFact {
        guardianship_id: link.guardianship_id.clone(),
        guardian_patient_id: link.guardian_patient_id.clone(),
        ended_at: link.ended_at,
        comes_of_age_at,
    }
}

/// A stored link as a page shows it to `reader` (whose own record is `reader_patient_id`).
fn view(row: GuardianshipListRow, reader: &Actor, reader_patient_id: &str, now: Millis) -> FamilyLink {
    let comes_of_age_at = birthday_ms(&row.child_birth_date, ages::CHILD_UNTIL);
    let link_fact = fact(&row.link, comes_of_age_at);
    let state = match row.link.ended_at {
        Some(ended) if ended <= now => LinkState::Ended,
        _ if now >= comes_of_age_at => LinkState::CameOfAge,
        _ => LinkState::Live,
    };
    let born = NaiveDate::parse_from_str(&row.child_birth_date, "%Y-%m-%d").ok();
    let on = |years| born.and_then(|born| ages::birthday(born, years)).map(|day| day.to_string()).unwrap_or_default();
    let may_end = state != LinkState::Ended && policy::may_end_guardianship(reader, &link_fact, reader_patient_id, now).is_ok();
    FamilyLink {
        guardianship_id: row.link.guardianship_id,
        child_patient_id: row.link.patient_id,
        child_name: row.child_name,
        child_age: born.map(|born| ages::age_on(born, vietnam().date_at(now))).unwrap_or_default(),
        child_birth_date: row.child_birth_date,
        guardian_name: row.guardian_name,
        // The table's check allows only these three.
        basis: GuardianBasis::parse(&row.link.basis).unwrap_or(GuardianBasis::GuardianshipDecision),
        document_ref: row.link.document_ref,
        established_by: row.established_by_name,
        since: super::consent::iso(row.link.created_at),
        state,
        comes_of_age_on: on(ages::CHILD_UNTIL),
        consents_from_on: on(ages::CHILD_CONSENTS_FROM),
        ended_at: row.link.ended_at.map(super::consent::iso),
        ended_by: row.ended_by_name,
        may_end,
    }
}

/// A document number: trimmed, 1 to 64 characters.
fn document_ref(text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    match text.chars().count() {
        0 => Err(ServiceError::Invalid(InvalidInput::TextTooShort)),
        n if n > 64 => Err(ServiceError::Invalid(InvalidInput::TextTooLong)),
        _ => Ok(text.to_string()),
    }
}

impl Portal {
    /// The family page: the links where the reader is the guardian and those on their own record.
    /// The links are facts about the reader's own record (Decree 356/2025 counts family
    /// relationships as the person's basic personal data), so this is a guarded read of their own
    /// administrative part, audited like any other.
    pub async fn family(&self, meta: &RequestMeta) -> Result<Authorized<Family>, ServiceError> {
        let now = meta.now_ms;
        let actor = self.reader(meta, policy::Purpose::Treatment).await?;
        self.guarded_read(meta, Target::Own, &[Category::Administrative], move |conn, patient_id| {
            Box::pin(async move {
                let children = store::guardianship::list(conn, &patient_id, true).await?;
                let guardians = store::guardianship::list(conn, &patient_id, false).await?;
                let (helping, helpers) = super::helpers::links(conn, &patient_id, now).await?;
                Ok(Family {
                    children: children.into_iter().map(|row| view(row, &actor, &patient_id, now)).collect(),
                    guardians: guardians.into_iter().map(|row| view(row, &actor, &patient_id, now)).collect(),
                    helping,
                    helpers,
                })
            })
        })
        .await
    }

    /// The 200 most recent links of everyone, for the console (an administrator).
    pub async fn admin_guardianships(&self, meta: &RequestMeta) -> Result<Vec<FamilyLink>, ServiceError> {
        let session = self.administrator(meta, "admin_guardianships").await?;
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        let rows = store::guardianship::recent(&mut conn, 200).await?;
        Ok(rows.into_iter().map(|row| view(row, &session.actor, "", meta.now_ms)).collect())
    }

    /// Links the person with CCCD `guardian_cccd` as guardian of the child with CCCD `child_cccd`
    /// on `basis`, naming the papers (`document_ref`, 1-64 characters). An administrator with a
    /// fresh passkey confirmation; the child must be under 16 and the guardian not. Both records
    /// must exist (they need not be enrolled). Audited on both records. Returns the link's id.
    ///
    /// Errors: `InvalidIdentifier` (not a CCCD), `UnknownTarget` (no such record),
    /// `NotApplicable` (the same person), `UnknownGuardianBasis`, `NotAChild`, `GuardianIsAChild`,
    /// `AlreadyLinked` (a live link exists), `TextTooShort`/`TextTooLong` (the papers' number).
    pub async fn admin_link_guardian(
        &self,
        meta: &RequestMeta,
        guardian_cccd: &str,
        child_cccd: &str,
        basis: &str,
        document: &str,
    ) -> Result<String, ServiceError> {
        let session = self.fresh_administrator(meta, "admin_link_guardian").await?;
        policy::may_establish_guardianship(&session.actor).map_err(ServiceError::Forbidden)?;
        let invalid = ServiceError::Invalid;
        let guardian_cccd = crate::cccd::parse(guardian_cccd).map_err(|_| invalid(InvalidInput::InvalidIdentifier))?;
        let child_cccd = crate::cccd::parse(child_cccd).map_err(|_| invalid(InvalidInput::InvalidIdentifier))?;
        let basis = GuardianBasis::parse(basis.trim()).ok_or(invalid(InvalidInput::UnknownGuardianBasis))?;
        let document = document_ref(document)?;
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let guardian = store::patient::by_cccd(&mut tx, &guardian_cccd).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        let child = store::patient::by_cccd(&mut tx, &child_cccd).await?.ok_or(invalid(InvalidInput::UnknownTarget))?;
        if guardian.patient_id == child.patient_id {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        if now >= birthday_ms(&child.birth_date, ages::CHILD_UNTIL) {
            return Err(invalid(InvalidInput::NotAChild));
        }
        if now < birthday_ms(&guardian.birth_date, ages::CHILD_UNTIL) {
            return Err(invalid(InvalidInput::GuardianIsAChild));
        }
        if store::guardianship::live_exists(&mut tx, &guardian.patient_id, &child.patient_id).await? {
            return Err(invalid(InvalidInput::AlreadyLinked));
        }
        let link = GuardianshipRow {
            guardianship_id: store::new_id(),
            guardian_patient_id: guardian.patient_id.clone(),
            patient_id: child.patient_id.clone(),
            basis: basis.as_str().to_string(),
            document_ref: document,
            established_by_account_id: Some(session.principal.account.account_id.clone()),
            created_at: now,
            ended_at: None,
            ended_by_account_id: None,
            end_reason: None,
        };
        store::guardianship::insert(&mut tx, &link).await?;
        let events = [&child.patient_id, &guardian.patient_id].map(|patient_id| AuditEvent::Link {
            actor: &session.actor,
            action: "guardianship_establish",
            patient_id,
            link_id: &link.guardianship_id,
            code: basis.as_str(),
        });
        audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(link.guardianship_id)
    }

    /// Ends a live link: an administrator (with a fresh passkey confirmation and a reason), or the
    /// young person themselves from their 16th birthday ([`policy::may_end_guardianship`]). From
    /// the next request on, the guardian reads nothing of the record. Audited on both records.
    ///
    /// Errors: `UnknownTarget` (no such link, or not one the caller may see), `NotApplicable`
    /// (already ended), `Forbidden` (the policy said no), `TextTooShort`/`TextTooLong` (reason).
    pub async fn end_guardianship(&self, meta: &RequestMeta, guardianship_id: &str, reason: &str) -> Result<(), ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        let is_admin = matches!(session.actor, Actor::Administrator { .. });
        let session = if is_admin { self.fresh_administrator(meta, "admin_end_guardianship").await? } else { session };
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let Some(link) = store::guardianship::by_id(&mut tx, guardianship_id).await? else {
            return Err(ServiceError::Invalid(InvalidInput::UnknownTarget));
        };
        // Someone neither party to the link nor an administrator learns nothing of it.
        let own = session.principal.patient_id.as_deref();
        if !is_admin && own != Some(link.patient_id.as_str()) && own != Some(link.guardian_patient_id.as_str()) {
            return Err(ServiceError::Invalid(InvalidInput::UnknownTarget));
        }
        let child = store::patient::by_id(&mut tx, &link.patient_id).await?.ok_or(StoreError::NotFound)?;
        let link_fact = fact(&link, birthday_ms(&child.birth_date, ages::CHILD_UNTIL));
        policy::may_end_guardianship(&session.actor, &link_fact, &link.patient_id, now).map_err(ServiceError::Forbidden)?;
        let reason = match (is_admin, reason.trim()) {
            (true, text) => super::admin::text(text)?,
            (false, "") => "young_person".to_string(),
            (false, text) => super::admin::text(text)?,
        };
        let by = session.principal.account.account_id.as_str();
        if !store::guardianship::end(&mut tx, guardianship_id, by, &reason, now).await? {
            return Err(ServiceError::Invalid(InvalidInput::NotApplicable));
        }
        let code = if is_admin { "administrator" } else { "young_person" };
        let events = [&link.patient_id, &link.guardian_patient_id].map(|patient_id| AuditEvent::Link {
            actor: &session.actor,
            action: "guardianship_end",
            patient_id,
            link_id: guardianship_id,
            code,
        });
        audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
