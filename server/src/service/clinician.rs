//! Clinician use cases: find a patient (minimal match, audited), read what consent allows
//! (category by category, the rest hidden with its reason), declare an emergency (break-glass).

use app::dto::{ClinicianView, EmergencyBanner, PatientMatch, Shown};
use app::error::InvalidInput;
use app::port::RequestMeta;

use super::consent::iso;
use super::{consent_facts, mapping, Portal};
use crate::audit::{self, AuditEvent};
use crate::error::ServiceError;
use crate::policy::{self, Action, Actor, Category, Decision, DenyReason, Permit, Purpose, Resource};
use crate::store::consent::BreakGlassRow;
use crate::store::{self, StoreError};

/// The shortest reason a clinician may give for a break-glass.
pub const MIN_BREAK_GLASS_REASON: usize = 20;

/// A CCCD (12 digits), a social-insurance number (10 digits) or a legacy BHYT card (2 letters and 13 digits).
pub fn normalise_identifier(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect::<String>().to_uppercase();
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    let ok = match compact.len() {
        10 | 12 => digits(&compact),
        15 => compact.get(..2).is_some_and(|p| p.chars().all(|c| c.is_ascii_uppercase())) && compact.get(2..).is_some_and(digits),
        _ => false,
    };
    ok.then_some(compact)
}

impl Portal {
    async fn clinician_actor(&self, meta: &RequestMeta) -> Result<Actor, ServiceError> {
        let session = self.session(meta).await?.ok_or(ServiceError::Unauthenticated)?;
        match &session.actor {
            Actor::Clinician { active: false, .. } => Err(ServiceError::Forbidden(DenyReason::AccountSuspended)),
            // Finding a patient and break-glass are refused too, not only reading.
            Actor::Clinician { confirmed: false, .. } => Err(ServiceError::Forbidden(DenyReason::StaffNotConfirmed)),
            Actor::Clinician { .. } => Ok(session.actor),
            _ => Err(ServiceError::Forbidden(DenyReason::NoRuleAllows)),
        }
    }

    /// Finds a patient by CCCD or any BHYT form. Returns only the minimal match; audited.
    pub async fn find_patient(&self, meta: &RequestMeta, identifier: &str) -> Result<Option<PatientMatch>, ServiceError> {
        let actor = self.clinician_actor(meta).await?;
        let identifier = normalise_identifier(identifier).ok_or(ServiceError::Invalid(InvalidInput::InvalidIdentifier))?;
        let mut tx = self.store.begin().await?;
        let found = store::patient::by_identifier(&mut tx, &identifier).await?;
        audit::record(
            &mut tx,
            AuditEvent::PatientSearch { actor: &actor, patient_id: found.as_ref().map(|p| p.patient_id.as_str()) },
            &meta.request_id,
            meta.now_ms,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(found.map(|patient| PatientMatch {
            patient_id: patient.patient_id.clone(),
            full_name: patient.full_name(),
            birth_year: patient.birth_date.get(..4).unwrap_or_default().to_string(),
            cccd_masked: mapping::mask_cccd(&patient.cccd),
        }))
    }

    /// The record as this clinician may see it now. Each category is decided by the policy and
    /// audited (allowed or denied) in one transaction; if nothing at all is allowed, it is refused.
    pub async fn clinician_view(&self, meta: &RequestMeta, patient_id: &str, purpose: Purpose) -> Result<ClinicianView, ServiceError> {
        let now = meta.now_ms;
        let actor = self.reader(meta, purpose).await?;
        let mut tx = self.store.begin().await?;
        let patient = store::patient::by_id(&mut tx, patient_id).await?;
        let target_id = patient.as_ref().map(|p| p.patient_id.clone());
        let target = target_id.as_deref();
        let (grants, emergencies) = consent_facts(&mut tx, &actor, target).await?;
        let decisions: Vec<(Category, Decision)> = Category::ALL
            .into_iter()
            .filter(|c| !matches!(c, Category::Documents | Category::AccessHistory))
            .map(|category| {
                let resource =
                    Resource { patient_id: target, category, grants: &grants, break_glass: &emergencies, guardians: &[], helpers: &[] };
                (category, policy::decide(&actor, &resource, Action::Read, now))
            })
            .collect();
        let administrative = decisions.iter().find_map(|(c, d)| match (c, d) {
            (Category::Administrative, Decision::Allow(permit)) => Some(permit.clone()),
            _ => None,
        });
        let (Some(patient), Some(_)) = (patient, administrative) else {
            // Nothing is allowed: audit the refusal of each category and refuse.
            let reason = decisions.iter().find_map(|(_, d)| match d {
                Decision::Deny(reason) => Some(*reason),
                Decision::Allow(_) => None,
            });
            let events: Vec<AuditEvent<'_>> = decisions
                .iter()
                .filter_map(|(category, decision)| match decision {
                    Decision::Deny(reason) => Some(AuditEvent::ReadDenied {
                        actor: &actor,
                        patient_id: target,
                        category: *category,
                        resource_id: None,
                        reason: *reason,
                    }),
                    Decision::Allow(_) => None,
                })
                .collect();
            audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Err(ServiceError::Forbidden(reason.unwrap_or(DenyReason::NoRuleAllows)));
        };
        let rows = store::clinical::by_patient(
            &mut tx,
            &patient.patient_id,
            &["allergies", "conditions", "medications", "immunizations", "lab_results", "visits"],
        )
        .await?;
        let mut permits: Vec<(Category, Permit)> = Vec::new();
        let mut hidden: Vec<(Category, DenyReason)> = Vec::new();
        for (category, decision) in decisions {
            match decision {
                Decision::Allow(permit) => permits.push((category, permit)),
                Decision::Deny(reason) => hidden.push((category, reason)),
            }
        }
        let mut events: Vec<AuditEvent<'_>> = permits
            .iter()
            .map(|(category, permit)| AuditEvent::ReadAllowed {
                actor: &actor,
                patient_id: &patient.patient_id,
                category: *category,
                resource_id: None,
                permit,
            })
            .collect();
        events.extend(hidden.iter().map(|(category, reason)| AuditEvent::ReadDenied {
            actor: &actor,
            patient_id: Some(&patient.patient_id),
            category: *category,
            resource_id: None,
            reason: *reason,
        }));
        audit::record_all(&mut tx, &events, &meta.request_id, now).await?;
        tx.commit().await.map_err(StoreError::from)?;

        let shown = |category: Category| -> Result<(), String> {
            match hidden.iter().find(|(c, _)| *c == category) {
                Some((_, reason)) => Err(reason.as_str().to_string()),
                None => Ok(()),
            }
        };
        let section = |category: Category, rows: &[store::clinical::ClinicalRow]| -> Vec<store::clinical::ClinicalRow> {
            rows.iter().filter(|row| row.category == category.as_str()).cloned().collect()
        };
        let overview = mapping::overview(&patient, &rows, usize::MAX);
        let emergency_until = emergencies
            .iter()
            .filter(|e| Some(e.clinician_account_id.as_str()) == actor.account_id() && e.starts_at <= now && now < e.expires_at)
            .map(|e| iso(e.expires_at))
            .next();
        let labs = mapping::labs(&section(Category::LabResults, &rows));
        Ok(ClinicianView {
            patient: mapping::patient_summary(&patient),
            emergency_until,
            allergies: wrap(shown(Category::Allergies), overview.allergies),
            conditions: wrap(shown(Category::Conditions), overview.conditions),
            medications: wrap(shown(Category::Medications), overview.medications),
            immunizations: match shown(Category::Immunizations) {
                Ok(()) => Shown::Visible(mapping::vaccinations(&patient, &section(Category::Immunizations, &rows)).vaccines),
                Err(reason) => Shown::Hidden(reason),
            },
            lab_results: match shown(Category::LabResults) {
                Ok(()) => Shown::Visible(labs),
                Err(reason) => Shown::Hidden(reason),
            },
            visits: match shown(Category::Visits) {
                Ok(()) => Shown::Visible(mapping::visits(&patient, &rows).visits),
                Err(reason) => Shown::Hidden(reason),
            },
        })
    }

    /// Declares an emergency access to one record: time-boxed, read-only, audited, queued for review.
    pub async fn declare_break_glass(&self, meta: &RequestMeta, patient_id: &str, reason: &str) -> Result<(), ServiceError> {
        let actor = self.clinician_actor(meta).await?;
        let now = meta.now_ms;
        let reason = reason.trim();
        if reason.chars().count() < MIN_BREAK_GLASS_REASON || reason.chars().count() > 2000 {
            return Err(ServiceError::Invalid(InvalidInput::ReasonTooShort));
        }
        let mut tx = self.store.begin().await?;
        if store::patient::by_id(&mut tx, patient_id).await?.is_none() {
            return Err(ServiceError::NotFound);
        }
        let break_glass_id = store::new_id();
        let duration = i64::try_from(self.config.break_glass.as_millis()).unwrap_or(4 * 3_600_000);
        store::consent::insert_break_glass(
            &mut tx,
            &BreakGlassRow {
                break_glass_id: break_glass_id.clone(),
                clinician_account_id: actor.account_id().unwrap_or_default().to_string(),
                facility_id: actor.facility_id().map(str::to_string),
                patient_id: patient_id.to_string(),
                reason: reason.to_string(),
                starts_at: now,
                expires_at: now + duration,
                review_status: "pending".into(),
                created_at: now,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            AuditEvent::BreakGlassDeclared { actor: &actor, patient_id, break_glass_id: &break_glass_id },
            &meta.request_id,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Emergencies in progress for the banner (clinicians only; empty for everyone else).
    pub async fn emergencies_of(&self, account_id: &str, now: i64) -> Result<Vec<EmergencyBanner>, ServiceError> {
        let mut conn = self.store.reader().acquire().await.map_err(StoreError::from)?;
        Ok(store::consent::active_break_glass_of(&mut conn, account_id, now)
            .await?
            .into_iter()
            .map(|(row, patient_name)| EmergencyBanner { patient_id: row.patient_id, patient_name, until: iso(row.expires_at) })
            .collect())
    }
}

fn wrap<T>(shown: Result<(), String>, value: T) -> Shown<T> {
    match shown {
        Ok(()) => Shown::Visible(value),
        Err(reason) => Shown::Hidden(reason),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_identifier;

    #[test]
    fn the_three_insurance_number_forms_and_the_cccd_are_accepted() {
        assert_eq!(normalise_identifier("001192900303").as_deref(), Some("001192900303"));
        assert_eq!(normalise_identifier("0123 456 789").as_deref(), Some("0123456789"));
        assert_eq!(normalise_identifier("dn4010123456789").as_deref(), Some("DN4010123456789"));
        assert_eq!(normalise_identifier("12345"), None);
        assert_eq!(normalise_identifier("DN40101234567AB"), None);
        assert_eq!(normalise_identifier("0011929003031"), None);
    }
}
