//! Helpers for adults (issue 19): a person lets another enrolled person (a relative, a carer)
//! see chosen parts of their record for a time they choose, from 1 to 365 days.
//!
//! The person nominates the helper by the helper's CCCD and date of birth (both must match an
//! enrolled record, so a nomination cannot be used to find out who is enrolled from a CCCD alone);
//! the helper accepts on their family page; either ends it at once. While the link is live the
//! policy lets the helper read the chosen parts (and the name that comes with any) under the
//! helper's own account, with the basis `helper` and the link's id ([`Basis::Helper`]), so the
//! person's access log names the helper acting for them. Making, accepting and ending a link are
//! audited on both records.
//!
//! [`Basis::Helper`]: crate::policy::Basis::Helper

use app::dto::{HelperLink, HelperState};
use app::error::InvalidInput;
use app::port::RequestMeta;
use chrono::NaiveDate;

use super::family::birthday_ms;
use super::Portal;
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::{self, ages, Actor, Category, HelperFact, Millis};
use crate::store::helper::{HelperListRow, HelperRow};
use crate::store::{self, Conn, StoreError};

/// The parts a person can let a helper see: what they can share with a clinician, and their own
/// access history (who read the record, what they shared). Never billing.
pub const CHOOSABLE: [Category; Category::SHAREABLE.len() + 1] = {
    let mut parts = [Category::AccessHistory; Category::SHAREABLE.len() + 1];
    let mut index = 0;
    while index < Category::SHAREABLE.len() {
        parts[index] = Category::SHAREABLE[index];
        index += 1;
    }
    parts
};

/// The longest a helper link may run, in days.
pub const MAX_DAYS: u32 = 365;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A helper link's stored row as the policy needs it.
pub fn fact(row: &HelperRow) -> HelperFact {
    HelperFact {
        helper_id: row.helper_id.clone(),
        helper_patient_id: row.helper_patient_id.clone(),
        categories: row.categories.split(',').filter_map(Category::parse).collect(),
        manage_sharing: row.manage_sharing != 0,
        accepted_at: row.accepted_at,
        expires_at: row.expires_at,
        ended_at: row.ended_at,
    }
}

/// The helper facts on the record `patient_id` a citizen asks for that is not their own, in the
/// caller's transaction (so an end committed before the read is seen by it). Empty for anyone
/// else: only a citizen can be a helper.
pub(crate) async fn helper_facts(conn: &mut Conn, actor: &Actor, patient_id: Option<&str>) -> Result<Vec<HelperFact>, ServiceError> {
    let (Actor::Citizen { patient_id: Some(own), .. }, Some(patient_id)) = (actor, patient_id) else {
        return Ok(Vec::new());
    };
    if own == patient_id {
        return Ok(Vec::new());
    }
    let links = store::helper::for_patient(conn, patient_id).await?;
    Ok(links.iter().filter(|link| &link.helper_patient_id == own).map(fact).collect())
}

/// Where a link stands at `now`.
fn state(row: &HelperRow, now: Millis) -> HelperState {
    match fact(row).live(now) {
        Ok(()) => HelperState::Live,
        Err(policy::DenyReason::HelperEnded) => HelperState::Ended,
        Err(policy::DenyReason::HelperExpired) => HelperState::Expired,
        Err(_) => HelperState::Nominated,
    }
}

/// A stored link as a page shows it.
pub(crate) fn view(row: HelperListRow, now: Millis) -> HelperLink {
    let state = state(&row.link, now);
    let iso = super::consent::iso;
    HelperLink {
        helper_id: row.link.helper_id,
        person_patient_id: row.link.patient_id,
        person_name: row.person_name,
        helper_name: row.helper_name,
        categories: row.link.categories.split(',').filter(|code| !code.is_empty()).map(str::to_string).collect(),
        manage_sharing: row.link.manage_sharing != 0,
        since: iso(row.link.created_at),
        expires_at: iso(row.link.expires_at),
        accepted_at: row.link.accepted_at.map(iso),
        ended_at: row.link.ended_at.map(iso),
        ended_by: row.ended_by_name,
        state,
    }
}

impl Portal {
    /// The person signed in nominates the enrolled person with CCCD `helper_cccd`, born on
    /// `helper_birth_date` (`YYYY-MM-DD`), as their helper for `days` (a whole number, 1 to 365), letting them see
    /// `categories` (codes of [`CHOOSABLE`], or `all`), and, with `manage_sharing`, make and
    /// revoke the person's consent grants (which adds the access history, where grants are
    /// shown, to the parts). Both must be 16 or older. The link gives
    /// nothing until the helper accepts. Audited on both records. Returns the link's id.
    ///
    /// Errors: `InvalidIdentifier` (not a CCCD), `BadDate`, `NoCategories`, `UnknownCategory`,
    /// `HelperDuration`, `UnknownTarget` (no enrolled person with that CCCD and date of birth),
    /// `NotApplicable` (oneself), `HelperIsAChild`, `AlreadyLinked` (an open link exists);
    /// `Forbidden` when the caller is not a citizen acting on their own record.
    pub async fn nominate_helper(
        &self,
        meta: &RequestMeta,
        helper_cccd: &str,
        helper_birth_date: &str,
        categories: &[String],
        manage_sharing: bool,
        days: &str,
    ) -> Result<String, ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        let own = session.principal.patient_id.clone().ok_or(ServiceError::Forbidden(policy::DenyReason::NoRecordOfOwn))?;
        policy::may_nominate_helper(&session.actor, &own).map_err(ServiceError::Forbidden)?;
        let invalid = ServiceError::Invalid;
        let helper_cccd = crate::cccd::parse(helper_cccd).map_err(|_| invalid(InvalidInput::InvalidIdentifier))?;
        let born = NaiveDate::parse_from_str(helper_birth_date.trim(), "%Y-%m-%d").map_err(|_| invalid(InvalidInput::BadDate))?;
        let mut categories = super::consent::categories_from_codes(categories, &CHOOSABLE)?;
        // Managing sharing means seeing the grants, which are the access history.
        if manage_sharing && !categories.contains(&Category::AccessHistory) {
            categories.push(Category::AccessHistory);
            categories.sort();
        }
        let days =
            days.trim().parse::<u32>().ok().filter(|days| (1..=MAX_DAYS).contains(days)).ok_or(invalid(InvalidInput::HelperDuration))?;
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let person = store::patient::by_id(&mut tx, &own).await?.ok_or(StoreError::NotFound)?;
        let helper = store::patient::by_cccd(&mut tx, &helper_cccd)
            .await?
            .filter(|helper| helper.account_id.is_some() && helper.birth_date == born.to_string())
            .ok_or(invalid(InvalidInput::UnknownTarget))?;
        if helper.patient_id == person.patient_id {
            return Err(invalid(InvalidInput::NotApplicable));
        }
        if now < birthday_ms(&person.birth_date, ages::CHILD_UNTIL) || now < birthday_ms(&helper.birth_date, ages::CHILD_UNTIL) {
            return Err(invalid(InvalidInput::HelperIsAChild));
        }
        if store::helper::open_exists(&mut tx, &person.patient_id, &helper.patient_id, now).await? {
            return Err(invalid(InvalidInput::AlreadyLinked));
        }
        let codes = categories.iter().map(|category| category.as_str()).collect::<Vec<_>>().join(",");
        let link = HelperRow {
            helper_id: store::new_id(),
            patient_id: person.patient_id.clone(),
            helper_patient_id: helper.patient_id.clone(),
            categories: codes.clone(),
            manage_sharing: i64::from(manage_sharing),
            created_at: now,
            expires_at: now + i64::from(days) * DAY_MS,
            accepted_at: None,
            ended_at: None,
            ended_by_account_id: None,
        };
        store::helper::insert(&mut tx, &link).await?;
        record_on_both(&mut tx, &session.actor, "helper_nominate", &link, &codes, meta).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(link.helper_id)
    }

    /// The nominee accepts a nomination made for them; from then the link is live until it
    /// expires or either ends it. Audited on both records.
    ///
    /// Errors: `UnknownTarget` (no such link, or not one the caller is party to), `Forbidden`
    /// (the policy said no: the person cannot accept for the helper; ended or expired), or
    /// `NotApplicable` (already accepted).
    pub async fn accept_helper(&self, meta: &RequestMeta, helper_id: &str) -> Result<(), ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let link = party_link(&mut tx, session.principal.patient_id.as_deref(), helper_id).await?;
        match policy::may_accept_helper(&session.actor, &fact(&link), now) {
            Ok(()) => {}
            Err(policy::DenyReason::NoRuleAllows) => return Err(ServiceError::Invalid(InvalidInput::NotApplicable)),
            Err(reason) => return Err(ServiceError::Forbidden(reason)),
        }
        if !store::helper::accept(&mut tx, helper_id, now).await? {
            return Err(ServiceError::Invalid(InvalidInput::NotApplicable));
        }
        record_on_both(&mut tx, &session.actor, "helper_accept", &link, &link.categories, meta).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The person or the helper ends a link (nominated or live) at once: the helper's next
    /// request reads nothing of the record. Audited on both records, naming which side ended it.
    ///
    /// Errors: `UnknownTarget` (no such link, or not one the caller is party to), `Forbidden`
    /// (a suspended account), `NotApplicable` (already ended).
    pub async fn end_helper(&self, meta: &RequestMeta, helper_id: &str) -> Result<(), ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        let now = meta.now_ms;
        let mut tx = self.store.begin().await?;
        let link = party_link(&mut tx, session.principal.patient_id.as_deref(), helper_id).await?;
        policy::may_end_helper(&session.actor, &fact(&link), &link.patient_id).map_err(ServiceError::Forbidden)?;
        if !store::helper::end(&mut tx, helper_id, &session.principal.account.account_id, now).await? {
            return Err(ServiceError::Invalid(InvalidInput::NotApplicable));
        }
        let side = if session.principal.patient_id.as_deref() == Some(link.patient_id.as_str()) { "person" } else { "helper" };
        record_on_both(&mut tx, &session.actor, "helper_end", &link, side, meta).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

/// The links where the reader (record `patient_id`) is the helper, and those on their own record,
/// in the caller's transaction (the family page's guarded read).
pub(crate) async fn links(conn: &mut Conn, patient_id: &str, now: Millis) -> Result<(Vec<HelperLink>, Vec<HelperLink>), StoreError> {
    let helping = store::helper::list(conn, patient_id, true).await?;
    let helpers = store::helper::list(conn, patient_id, false).await?;
    Ok((helping.into_iter().map(|row| view(row, now)).collect(), helpers.into_iter().map(|row| view(row, now)).collect()))
}

/// The link `helper_id` when the reader's own record (`own`) is one of its two sides. Anyone else
/// learns nothing of it: the same `UnknownTarget` as for an id that does not exist.
async fn party_link(conn: &mut Conn, own: Option<&str>, helper_id: &str) -> Result<HelperRow, ServiceError> {
    match store::helper::by_id(conn, helper_id).await? {
        Some(link) if own == Some(link.patient_id.as_str()) || own == Some(link.helper_patient_id.as_str()) => Ok(link),
        _ => Err(ServiceError::Invalid(InvalidInput::UnknownTarget)),
    }
}

/// One audit row on each side's record, in the caller's transaction.
async fn record_on_both(
    conn: &mut Conn,
    actor: &Actor,
    action: &'static str,
    link: &HelperRow,
    code: &str,
    meta: &RequestMeta,
) -> Result<(), StoreError> {
    let events = [&link.patient_id, &link.helper_patient_id].map(|patient_id| AuditEvent::Link {
        actor,
        action,
        patient_id,
        link_id: &link.helper_id,
        code,
    });
    audit::record_all(conn, &events, &meta.request_id, meta.now_ms).await?;
    Ok(())
}
