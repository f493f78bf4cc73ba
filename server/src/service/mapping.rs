//! From stored FHIR to what pages show. Pure functions over typed reads
//! ([`crate::fhir::model`]); what each modifier element changes is decided in
//! [`crate::fhir::modifiers`], never here. Unknown shapes degrade to "—".

use app::dto::{
    Allergy, Condition, Dose, DoseStatus, LabResult, Medication, Overview, PatientSummary, RangeFlag, Vaccinations, VaccineHistory,
    VisitDetail, VisitSummary, Visits,
};

use crate::fhir::model::{self, Quantity};
use crate::fhir::modifiers::{self, DoseMeaning, MedicationStanding, ResultStanding, Standing};
use crate::store::clinical::ClinicalRow;
use crate::store::patient::PatientRow;
use crate::store::StoreError;

fn read<T: serde::de::DeserializeOwned>(row: &ClinicalRow) -> Option<T> {
    model::read(&row.clinical_resource_id, &row.resource_json)
}

fn or_dash(value: String) -> String {
    if value.is_empty() {
        "—".into()
    } else {
        value
    }
}

pub fn mask_cccd(cccd: &str) -> String {
    let visible = cccd.get(cccd.len().saturating_sub(4)..).unwrap_or_default();
    format!("{}{}", "*".repeat(cccd.len().saturating_sub(4)), visible)
}

pub fn patient_summary(patient: &PatientRow) -> PatientSummary {
    PatientSummary {
        patient_id: patient.patient_id.clone(),
        full_name: patient.full_name(),
        birth_date: patient.birth_date.clone(),
        sex: patient.sex.clone(),
        cccd_masked: mask_cccd(&patient.cccd),
    }
}

fn qualifier_of(standing: &Standing) -> String {
    match standing {
        Standing::Current { qualifier } | Standing::NotCurrent { qualifier } => qualifier.clone().unwrap_or_default(),
        Standing::EnteredInError => String::new(),
    }
}

fn allergy(resource: &model::AllergyIntolerance, standing: &Standing) -> Allergy {
    Allergy {
        substance: or_dash(resource.code.label()),
        reaction: or_dash(
            resource
                .reaction
                .first()
                .and_then(|reaction| reaction.manifestation.first())
                .map(model::CodeableConcept::label)
                .unwrap_or_default(),
        ),
        criticality_high: resource.criticality.as_deref() == Some("high"),
        recorded: resource.recorded_date.clone().unwrap_or_default(),
        qualifier: qualifier_of(standing),
    }
}

fn condition(row: &ClinicalRow, resource: &model::Condition, standing: &Standing) -> Condition {
    Condition {
        code: resource.code.code().unwrap_or_default().to_string(),
        name: or_dash(resource.code.label()),
        since: row.effective_date.clone().unwrap_or_default(),
        active: matches!(standing, Standing::Current { .. }),
        qualifier: qualifier_of(standing),
    }
}

fn medication(resource: &model::Medication, standing: MedicationStanding) -> Medication {
    let instructions = resource.dosage_instruction.iter().chain(&resource.dosage).find_map(|dosage| dosage.text.clone());
    Medication {
        name: or_dash(resource.medication_codeable_concept.as_ref().map(model::CodeableConcept::label).unwrap_or_default()),
        instructions: instructions.unwrap_or_default(),
        authored: resource.authored_on.clone().or_else(|| resource.effective_date_time.clone()).unwrap_or_default(),
        active: standing == MedicationStanding::Current,
        do_not_give: standing == MedicationStanding::DoNotGive,
    }
}

fn visit_summary(row: &ClinicalRow, resource: &model::Encounter) -> VisitSummary {
    VisitSummary {
        visit_id: row.clinical_resource_id.clone(),
        date: row.effective_date.clone().unwrap_or_default(),
        end_date: resource.period.as_ref().and_then(|period| period.end.clone()).unwrap_or_default(),
        facility: or_dash(resource.service_provider.as_ref().and_then(|provider| provider.display.clone()).unwrap_or_default()),
        kind: or_dash(resource.kind.first().map(model::CodeableConcept::label).unwrap_or_default()),
        reason: or_dash(resource.reason_code.first().map(model::CodeableConcept::label).unwrap_or_default()),
    }
}

/// A bound of a reference range as written (SimpleQuantity: no comparator).
fn bound(quantity: Option<&Quantity>) -> Option<&model::Decimal> {
    quantity.and_then(|quantity| quantity.value.as_ref())
}

/// A lab result as the visit page shows it: the value exactly as sent, the range as sent, and a
/// flag from exact decimal comparison, never from `f64`, and none when the value carries a
/// comparator (`<10` is not 10).
fn lab(row: &ClinicalRow, resource: &model::Observation) -> LabResult {
    let quantity = resource.value_quantity.as_ref();
    let range = resource.reference_range.first();
    let (low, high) = (bound(range.and_then(|r| r.low.as_ref())), bound(range.and_then(|r| r.high.as_ref())));
    let exact = |decimal: Option<&model::Decimal>| decimal.and_then(model::Decimal::value);
    let value = quantity.and_then(|quantity| exact(quantity.value.as_ref()));
    let flag = if !modifiers::may_flag(resource) {
        RangeFlag::Unknown
    } else {
        match (value, exact(low), exact(high)) {
            (Some(v), Some(low), _) if v < low => RangeFlag::Low,
            (Some(v), _, Some(high)) if v > high => RangeFlag::High,
            (Some(_), Some(_), _) | (Some(_), _, Some(_)) => RangeFlag::Normal,
            _ => RangeFlag::Unknown,
        }
    };
    let range_text = match (low, high) {
        (Some(low), Some(high)) => format!("{low} – {high}"),
        (None, Some(high)) => format!("≤ {high}"),
        (Some(low), None) => format!("≥ {low}"),
        (None, None) => or_dash(range.and_then(|r| r.text.clone()).unwrap_or_default()),
    };
    let shown = quantity
        .and_then(Quantity::shown)
        .or_else(|| resource.value_string.clone())
        .or_else(|| resource.value_codeable_concept.as_ref().map(model::CodeableConcept::label))
        // A panel shows its parts, each with its own unit (the panel's unit column stays empty).
        .or_else(|| {
            let parts: Vec<String> = resource.component.iter().filter_map(model::ObservationComponent::shown).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        })
        .unwrap_or_default();
    LabResult {
        code: resource.code.code().unwrap_or_default().to_string(),
        name: or_dash(resource.code.label()),
        value: or_dash(shown),
        unit: quantity.map(Quantity::unit_shown).unwrap_or_default(),
        range: range_text,
        flag,
        date: row.effective_date.clone().unwrap_or_default(),
        preliminary: modifiers::observation(resource) == ResultStanding::Preliminary,
    }
}

/// The lab result of a row, unless its status says it is not a result.
fn shown_lab(row: &ClinicalRow) -> Option<LabResult> {
    let resource: model::Observation = read(row)?;
    (modifiers::observation(&resource) != ResultStanding::Hidden).then(|| lab(row, &resource))
}

fn shown_visit(row: &ClinicalRow) -> Option<VisitSummary> {
    let resource: model::Encounter = read(row)?;
    modifiers::is_visit(&resource).then(|| visit_summary(row, &resource))
}

pub fn overview(patient: &PatientRow, rows: &[ClinicalRow], latest_visits: usize) -> Overview {
    let mut allergies = Vec::new();
    let mut conditions = Vec::new();
    let mut medications = Vec::new();
    let mut visits = Vec::new();
    for row in rows {
        match row.resource_type.as_str() {
            "AllergyIntolerance" => {
                let Some(resource) = read::<model::AllergyIntolerance>(row) else { continue };
                let standing = modifiers::allergy(&resource);
                if matches!(standing, Standing::Current { .. }) {
                    allergies.push(allergy(&resource, &standing));
                }
            }
            "Condition" => {
                let Some(resource) = read::<model::Condition>(row) else { continue };
                let standing = modifiers::condition(&resource);
                // A chronic condition is re-coded at each follow-up visit; list it once, from its onset.
                if matches!(standing, Standing::Current { .. }) {
                    let entry = condition(row, &resource, &standing);
                    if !conditions.iter().any(|known: &Condition| !known.code.is_empty() && known.code == entry.code) {
                        conditions.push(entry);
                    }
                }
            }
            kind @ ("MedicationRequest" | "MedicationStatement") => {
                let Some(resource) = read::<model::Medication>(row) else { continue };
                let standing = modifiers::medication(kind, &resource);
                if standing == MedicationStanding::Current {
                    medications.push(medication(&resource, standing));
                }
            }
            "Encounter" => visits.extend(shown_visit(row)),
            _ => {}
        }
    }
    visits.sort_by(|a, b| b.date.cmp(&a.date));
    visits.truncate(latest_visits);
    Overview {
        patient: patient_summary(patient),
        emergencies: Vec::new(),
        allergies,
        conditions,
        medications,
        latest_visits: visits,
        vaccinations_due: Vec::new(),
    }
}

/// The date an immunization was given (or was to be): `occurrenceDateTime`, else the indexed date.
fn dose_date(row: &ClinicalRow, resource: &model::Immunization) -> String {
    resource.occurrence_date_time.clone().or_else(|| row.effective_date.clone()).unwrap_or_default()
}

pub fn vaccinations(patient: &PatientRow, rows: &[ClinicalRow]) -> Vaccinations {
    let mut vaccines: Vec<VaccineHistory> = Vec::new();
    for row in rows.iter().filter(|row| row.resource_type == "Immunization") {
        let Some(resource) = read::<model::Immunization>(row) else { continue };
        let (status, reason) = match modifiers::dose(&resource) {
            DoseMeaning::EnteredInError => continue,
            DoseMeaning::Given => (DoseStatus::Given, String::new()),
            DoseMeaning::Subpotent { reason } => (DoseStatus::Subpotent, reason),
            DoseMeaning::NotGiven { reason } => (DoseStatus::NotGiven, reason),
        };
        let name = or_dash(resource.vaccine_code.label());
        let code = resource.vaccine_code.code().unwrap_or_default().to_string();
        let protocol = resource.protocol_applied.first();
        let dose = Dose {
            dose_number: protocol.and_then(|protocol| protocol.dose_number_positive_int),
            date: row.effective_date.clone().unwrap_or_else(|| dose_date(row, &resource)),
            facility: or_dash(resource.facility()),
            lot: or_dash(resource.lot_number.clone().unwrap_or_default()),
            programme: or_dash(protocol.and_then(|protocol| protocol.series.clone()).unwrap_or_default()),
            status,
            reason,
        };
        match vaccines.iter_mut().find(|vaccine| vaccine.vaccine == name) {
            Some(vaccine) => vaccine.doses.push(dose),
            None => vaccines.push(VaccineHistory { vaccine: name, code, doses: vec![dose] }),
        }
    }
    for vaccine in &mut vaccines {
        vaccine.doses.sort_by(|a, b| a.date.cmp(&b.date).then(a.dose_number.cmp(&b.dose_number)));
    }
    Vaccinations { patient: patient_summary(patient), vaccines, schedule: Vec::new(), schedule_version: String::new() }
}

/// The doses that count, as the schedule engine needs them: date and every antigen covered.
/// Only a dose given and not subpotent counts ([`modifiers::counts_as_dose`]).
pub fn given_doses(rows: &[ClinicalRow]) -> Vec<crate::schedule::GivenDose> {
    rows.iter()
        .filter(|row| row.resource_type == "Immunization")
        .filter_map(|row| {
            let resource: model::Immunization = read(row)?;
            if !modifiers::counts_as_dose(&resource) {
                return None;
            }
            let date = chrono::NaiveDate::parse_from_str(row.effective_date.as_deref()?, "%Y-%m-%d").ok()?;
            Some(crate::schedule::GivenDose { date, antigens: resource.antigens() })
        })
        .collect()
}

/// The schedule engine's verdicts as the vaccination page shows them (adult rules that do not
/// apply to this person are left out).
pub fn schedule_items(statuses: &[crate::schedule::AntigenStatus]) -> Vec<app::dto::ScheduleItem> {
    use crate::schedule::State;
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    statuses
        .iter()
        .filter(|status| status.state != State::NotApplicable)
        .map(|status| app::dto::ScheduleItem {
            antigen: status.antigen.clone(),
            valid_doses: u32::try_from(status.valid_doses).unwrap_or(u32::MAX),
            series_length: u32::try_from(status.series_length).unwrap_or(u32::MAX),
            too_early: status.too_early.iter().map(|d| iso(*d)).collect(),
            next_number: status.next.as_ref().and_then(|n| u32::try_from(n.number).ok()),
            next_earliest: status.next.as_ref().map(|n| iso(n.earliest)),
            next_recommended: status.next.as_ref().map(|n| iso(n.recommended)),
            overdue_after: status.next.as_ref().map(|n| iso(n.overdue_after)),
            state: match status.state {
                State::Complete => "complete",
                State::Upcoming => "upcoming",
                State::Due => "due",
                State::Overdue => "overdue",
                State::Recommended => "recommended",
                State::NotApplicable => "not_applicable",
            }
            .into(),
        })
        .collect()
}

pub fn visits(patient: &PatientRow, rows: &[ClinicalRow]) -> Visits {
    let mut visits: Vec<VisitSummary> = rows.iter().filter(|row| row.resource_type == "Encounter").filter_map(shown_visit).collect();
    visits.sort_by(|a, b| b.date.cmp(&a.date));
    Visits { patient: patient_summary(patient), visits }
}

/// Lab results of a set of rows, oldest first.
pub fn labs(rows: &[ClinicalRow]) -> Vec<LabResult> {
    rows.iter().filter(|row| row.resource_type == "Observation").filter_map(shown_lab).collect()
}

pub fn visit_detail(encounter: &ClinicalRow, related: &[ClinicalRow]) -> Result<VisitDetail, StoreError> {
    let resource: model::Encounter = read(encounter).ok_or_else(|| StoreError::Corrupt("encounter JSON".into()))?;
    if !modifiers::is_visit(&resource) {
        return Err(StoreError::NotFound);
    }
    let mut detail = VisitDetail {
        visit: visit_summary(encounter, &resource),
        diagnoses: Vec::new(),
        labs: Vec::new(),
        medications: Vec::new(),
        discharge_summary: None,
    };
    for row in related {
        match row.resource_type.as_str() {
            "Condition" => {
                let Some(resource) = read::<model::Condition>(row) else { continue };
                let standing = modifiers::condition(&resource);
                if standing != Standing::EnteredInError {
                    detail.diagnoses.push(condition(row, &resource, &standing));
                }
            }
            "Observation" => detail.labs.extend(shown_lab(row)),
            kind @ ("MedicationRequest" | "MedicationStatement") => {
                let Some(resource) = read::<model::Medication>(row) else { continue };
                let standing = modifiers::medication(kind, &resource);
                if standing != MedicationStanding::EnteredInError {
                    detail.medications.push(medication(&resource, standing));
                }
            }
            "DocumentReference" => {
                let Some(resource) = read::<model::DocumentReference>(row) else { continue };
                if modifiers::is_current_document(&resource) {
                    if let Some(description) = resource.description.filter(|d| !d.is_empty()) {
                        detail.discharge_summary = Some(description);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(detail)
}

/// A dose as a health card carries it, with the names the pages show and whether it is a
/// COVID-19 dose.
pub struct CardCandidate {
    pub dose: crate::shc::CardDose,
    pub view: app::dto::CardDose,
    pub covid: bool,
}

/// The immunizations a card can hold: doses that count ([`modifiers::counts_as_dose`]: given,
/// not subpotent) with a CVX code and a full date, oldest first.
pub fn card_candidates(rows: &[ClinicalRow]) -> Vec<CardCandidate> {
    let mut doses: Vec<CardCandidate> = rows
        .iter()
        .filter(|row| row.resource_type == "Immunization")
        .filter_map(|row| {
            let resource: model::Immunization = read(row)?;
            if !modifiers::counts_as_dose(&resource) {
                return None;
            }
            let cvx = resource.vaccine_code.code_in("http://hl7.org/fhir/sid/cvx")?.to_string();
            let date = row.effective_date.clone().filter(|date| date.len() >= 10)?;
            let lot = resource.lot_number.clone().unwrap_or_default();
            let performer = resource.facility();
            let record_name = resource.vaccine_code.label();
            // The record's own (Vietnamese) name first; English from the CVX table.
            let (name_vi, name_en) = match (crate::shc::cvx::name(&cvx), record_name.is_empty()) {
                (Some((vi, en)), true) => (vi.to_string(), en.to_string()),
                (Some((_, en)), false) => (record_name, en.to_string()),
                (None, false) => (record_name.clone(), record_name),
                (None, true) => crate::shc::cvx::names(&cvx),
            };
            let targets_covid = resource.antigens().iter().any(|antigen| antigen == "covid-19");
            Some(CardCandidate {
                covid: targets_covid || crate::shc::is_covid_cvx(&cvx),
                dose: crate::shc::CardDose {
                    cvx: cvx.clone(),
                    date: date.clone(),
                    lot: Some(lot.clone()).filter(|l| !l.is_empty()),
                    performer: Some(performer.clone()).filter(|p| !p.is_empty()),
                },
                view: app::dto::CardDose { cvx, name_vi, name_en, date, lot, performer },
            })
        })
        .collect();
    doses.sort_by(|a, b| a.dose.date.cmp(&b.dose.date));
    doses
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row_of(resource_type: &str, text: &str) -> ClinicalRow {
        ClinicalRow {
            clinical_resource_id: "r1".into(),
            patient_id: "p1".into(),
            resource_type: resource_type.into(),
            category: "lab_results".into(),
            code: None,
            effective_date: Some("2025-01-01".into()),
            encounter_id: None,
            status: None,
            resource_json: text.to_string(),
            version_id: 1,
            last_updated: 0,
        }
    }

    /// An Observation written as text, so its decimals are exactly these.
    fn observation(value: &str, low: &str, high: &str) -> LabResult {
        let text = format!(
            r#"{{"resourceType":"Observation","status":"final","code":{{"text":"Glucose"}},"valueQuantity":{{{value},"unit":"mmol/L"}},"referenceRange":[{{"low":{{"value":{low}}},"high":{{"value":{high}}}}}]}}"#
        );
        shown_lab(&row_of("Observation", &text)).unwrap()
    }

    #[test]
    fn lab_flags_follow_the_reference_range_by_exact_decimals() {
        assert_eq!(observation(r#""value":8.2"#, "3.9", "6.4").flag, RangeFlag::High);
        assert_eq!(observation(r#""value":3.1"#, "3.9", "6.4").flag, RangeFlag::Low);
        assert_eq!(observation(r#""value":5.0"#, "3.9", "6.4").flag, RangeFlag::Normal);
        assert_eq!(observation(r#""value":5.0"#, "3.9", "6.4").range, "3.9 – 6.4");
        assert_eq!(observation(r#""value":8.25"#, "3.9", "6.4").value, "8.25");
        // Exactly as sent: a troponin of 0.004 is 0.004 and within 0.000 – 0.040; 1.50 above 1.20.
        let troponin = observation(r#""value":0.004"#, "0.000", "0.040");
        assert_eq!((troponin.value.as_str(), troponin.range.as_str(), troponin.flag), ("0.004", "0.000 – 0.040", RangeFlag::Normal));
        let creatinine = observation(r#""value":1.50"#, "0.60", "1.20");
        assert_eq!((creatinine.value.as_str(), creatinine.flag), ("1.50", RangeFlag::High));
        let pressure = observation(r#""value":1.2E+2"#, "90", "139");
        assert_eq!((pressure.value.as_str(), pressure.flag), ("1.2E+2", RangeFlag::Normal));
        // Equal to a bound is within it, exactly (no f64 rounding either way).
        assert_eq!(observation(r#""value":6.40"#, "3.9", "6.4").flag, RangeFlag::Normal);
        assert_eq!(observation(r#""value":6.4000000000000001"#, "3.9", "6.4").flag, RangeFlag::High);
    }

    #[test]
    fn a_comparator_is_shown_and_draws_no_flag() {
        let below = observation(r#""value":10,"comparator":"<""#, "20", "40");
        assert_eq!((below.value.as_str(), below.flag), ("<10", RangeFlag::Unknown));
        let above = observation(r#""value":6.4,"comparator":">=""#, "3.9", "6.4");
        assert_eq!((above.value.as_str(), above.flag), (">=6.4", RangeFlag::Unknown));
    }

    #[test]
    fn cancelled_and_erroneous_results_are_not_shown_and_preliminary_ones_say_so() {
        let of = |status: &str| {
            shown_lab(&row_of(
                "Observation",
                &format!(r#"{{"resourceType":"Observation","status":"{status}","code":{{"text":"x"}},"valueQuantity":{{"value":1}}}}"#),
            ))
        };
        assert!(of("cancelled").is_none());
        assert!(of("entered-in-error").is_none());
        assert!(of("preliminary").unwrap().preliminary);
        assert!(!of("final").unwrap().preliminary);
    }

    #[test]
    fn a_panel_shows_each_part_with_its_own_value_and_unit() {
        let text = r#"{"resourceType":"Observation","status":"final","code":{"text":"Blood pressure panel"},"component":[{"code":{"coding":[{"display":"Diastolic blood pressure"}]},"valueQuantity":{"value":80.0,"unit":"mm[Hg]"}},{"code":{"text":"Systolic blood pressure"},"valueQuantity":{"value":120,"comparator":">","code":"mm[Hg]"}},{"code":{"text":"No value"}}]}"#;
        let panel = shown_lab(&row_of("Observation", text)).unwrap();
        assert_eq!(panel.value, "Diastolic blood pressure 80.0 mm[Hg]; Systolic blood pressure >120 mm[Hg]");
        assert_eq!((panel.unit.as_str(), panel.flag), ("", RangeFlag::Unknown));
        // A panel without any value is a dash, as before.
        let empty =
            shown_lab(&row_of("Observation", r#"{"resourceType":"Observation","status":"final","code":{"text":"x"},"component":[]}"#))
                .unwrap();
        assert_eq!(empty.value, "—");
    }

    #[test]
    fn cccd_is_masked_to_its_last_four_digits() {
        assert_eq!(mask_cccd("001090012345"), "********2345");
    }
}
