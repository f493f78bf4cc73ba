//! From stored FHIR JSON to what pages show. Pure functions; unknown shapes degrade to "—".

use app::dto::{
    Allergy, Condition, Dose, LabResult, Medication, Overview, PatientSummary, RangeFlag, Vaccinations, VaccineHistory,
    VisitDetail, VisitSummary, Visits,
};
use serde_json::Value;

use crate::store::clinical::ClinicalRow;
use crate::store::patient::PatientRow;
use crate::store::StoreError;

fn parse(row: &ClinicalRow) -> Option<Value> {
    match serde_json::from_str(&row.resource_json) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::error!(resource = %row.clinical_resource_id, %error, "stored resource is not valid JSON");
            None
        }
    }
}

fn text(value: &Value, pointer: &str) -> String {
    value.pointer(pointer).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn or_dash(value: String) -> String {
    if value.is_empty() {
        "—".into()
    } else {
        value
    }
}

/// Where a dose was given: the location, else the performing organisation.
fn dose_facility(immunization: &Value) -> String {
    let location = text(immunization, "/location/display");
    if location.is_empty() {
        text(immunization, "/performer/0/actor/display")
    } else {
        location
    }
}

/// A CodeableConcept's text, else its first coding's display.
fn concept(value: &Value, pointer: &str) -> String {
    let text_value = text(value, &format!("{pointer}/text"));
    if text_value.is_empty() {
        text(value, &format!("{pointer}/coding/0/display"))
    } else {
        text_value
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

fn allergy(resource: &Value) -> Allergy {
    Allergy {
        substance: or_dash(concept(resource, "/code")),
        reaction: or_dash(text(resource, "/reaction/0/manifestation/0/text")),
        criticality_high: text(resource, "/criticality") == "high",
        recorded: text(resource, "/recordedDate"),
    }
}

fn condition(row: &ClinicalRow, resource: &Value) -> Condition {
    Condition {
        code: text(resource, "/code/coding/0/code"),
        name: or_dash(concept(resource, "/code")),
        since: row.effective_date.clone().unwrap_or_default(),
        active: row.status.as_deref() == Some("active"),
    }
}

fn medication(resource: &Value) -> Medication {
    Medication {
        name: or_dash(concept(resource, "/medicationCodeableConcept")),
        instructions: text(resource, "/dosageInstruction/0/text"),
        authored: text(resource, "/authoredOn"),
        active: text(resource, "/status") == "active",
    }
}

fn visit_summary(row: &ClinicalRow, resource: &Value) -> VisitSummary {
    VisitSummary {
        visit_id: row.clinical_resource_id.clone(),
        date: row.effective_date.clone().unwrap_or_default(),
        end_date: text(resource, "/period/end"),
        facility: or_dash(text(resource, "/serviceProvider/display")),
        kind: or_dash(concept(resource, "/type/0")),
        reason: or_dash(concept(resource, "/reasonCode/0")),
    }
}

fn number(value: &Value) -> Option<f64> {
    value.as_f64()
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

fn lab(row: &ClinicalRow, resource: &Value) -> LabResult {
    let value = resource.pointer("/valueQuantity/value").and_then(number);
    let low = resource.pointer("/referenceRange/0/low/value").and_then(number);
    let high = resource.pointer("/referenceRange/0/high/value").and_then(number);
    let flag = match (value, low, high) {
        (Some(v), Some(low), _) if v < low => RangeFlag::Low,
        (Some(v), _, Some(high)) if v > high => RangeFlag::High,
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => RangeFlag::Normal,
        _ => RangeFlag::Unknown,
    };
    let range = match (low, high) {
        (Some(low), Some(high)) => format!("{} – {}", format_number(low), format_number(high)),
        (None, Some(high)) => format!("≤ {}", format_number(high)),
        (Some(low), None) => format!("≥ {}", format_number(low)),
        (None, None) => or_dash(text(resource, "/referenceRange/0/text")),
    };
    LabResult {
        code: text(resource, "/code/coding/0/code"),
        name: or_dash(concept(resource, "/code")),
        value: value.map(format_number).unwrap_or_else(|| or_dash(text(resource, "/valueString"))),
        unit: text(resource, "/valueQuantity/unit"),
        range,
        flag,
        date: row.effective_date.clone().unwrap_or_default(),
    }
}

pub fn overview(patient: &PatientRow, rows: &[ClinicalRow], latest_visits: usize) -> Overview {
    let mut allergies = Vec::new();
    let mut conditions = Vec::new();
    let mut medications = Vec::new();
    let mut visits = Vec::new();
    for row in rows {
        let Some(resource) = parse(row) else { continue };
        match row.resource_type.as_str() {
            "AllergyIntolerance" if row.status.as_deref() != Some("inactive") && row.status.as_deref() != Some("resolved") => {
                allergies.push(allergy(&resource))
            }
            "Condition" if row.status.as_deref() == Some("active") => {
                // A chronic condition is re-coded at each follow-up visit; list it once, from its onset.
                let entry = condition(row, &resource);
                if !conditions.iter().any(|known: &Condition| !known.code.is_empty() && known.code == entry.code) {
                    conditions.push(entry);
                }
            }
            "MedicationRequest" | "MedicationStatement" if row.status.as_deref() == Some("active") => {
                medications.push(medication(&resource))
            }
            "Encounter" => visits.push(visit_summary(row, &resource)),
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

pub fn vaccinations(patient: &PatientRow, rows: &[ClinicalRow]) -> Vaccinations {
    let mut vaccines: Vec<VaccineHistory> = Vec::new();
    for row in rows {
        let Some(resource) = parse(row) else { continue };
        if row.resource_type != "Immunization" || row.status.as_deref() == Some("entered-in-error") {
            continue;
        }
        let name = or_dash(concept(&resource, "/vaccineCode"));
        let code = text(&resource, "/vaccineCode/coding/0/code");
        let facility = dose_facility(&resource);
        let dose = Dose {
            dose_number: resource
                .pointer("/protocolApplied/0/doseNumberPositiveInt")
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok()),
            date: row.effective_date.clone().unwrap_or_default(),
            facility: or_dash(facility),
            lot: or_dash(text(&resource, "/lotNumber")),
            programme: or_dash(text(&resource, "/protocolApplied/0/series")),
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

/// The doses given, as the schedule engine needs them: date and every antigen covered.
pub fn given_doses(rows: &[ClinicalRow]) -> Vec<crate::schedule::GivenDose> {
    rows.iter()
        .filter(|row| row.resource_type == "Immunization" && row.status.as_deref() != Some("entered-in-error"))
        .filter_map(|row| {
            let resource = parse(row)?;
            let date = chrono::NaiveDate::parse_from_str(row.effective_date.as_deref()?, "%Y-%m-%d").ok()?;
            let antigens = resource
                .pointer("/protocolApplied/0/targetDisease")
                .and_then(Value::as_array)
                .map(|list| list.iter().filter_map(|d| d.pointer("/text").and_then(Value::as_str)).map(str::to_string).collect())
                .unwrap_or_default();
            Some(crate::schedule::GivenDose { date, antigens })
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
                State::NotApplicable => "not_applicable",
            }
            .into(),
        })
        .collect()
}

pub fn visits(patient: &PatientRow, rows: &[ClinicalRow]) -> Visits {
    let mut visits: Vec<VisitSummary> = rows
        .iter()
        .filter(|row| row.resource_type == "Encounter")
        .filter_map(|row| parse(row).map(|resource| visit_summary(row, &resource)))
        .collect();
    visits.sort_by(|a, b| b.date.cmp(&a.date));
    Visits { patient: patient_summary(patient), visits }
}

/// Lab results of a set of rows, oldest first.
pub fn labs(rows: &[ClinicalRow]) -> Vec<LabResult> {
    rows.iter()
        .filter(|row| row.resource_type == "Observation")
        .filter_map(|row| parse(row).map(|resource| lab(row, &resource)))
        .collect()
}

pub fn visit_detail(encounter: &ClinicalRow, related: &[ClinicalRow]) -> Result<VisitDetail, StoreError> {
    let resource = parse(encounter).ok_or_else(|| StoreError::Corrupt("encounter JSON".into()))?;
    let mut detail = VisitDetail {
        visit: visit_summary(encounter, &resource),
        diagnoses: Vec::new(),
        labs: Vec::new(),
        medications: Vec::new(),
        discharge_summary: None,
    };
    for row in related {
        let Some(resource) = parse(row) else { continue };
        match row.resource_type.as_str() {
            "Condition" => detail.diagnoses.push(condition(row, &resource)),
            "Observation" => detail.labs.push(lab(row, &resource)),
            "MedicationRequest" | "MedicationStatement" => detail.medications.push(medication(&resource)),
            "DocumentReference" => {
                let description = text(&resource, "/description");
                if !description.is_empty() {
                    detail.discharge_summary = Some(description);
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

/// The immunizations a card can hold: completed doses with a CVX code and a date, oldest first.
pub fn card_candidates(rows: &[ClinicalRow]) -> Vec<CardCandidate> {
    let mut doses: Vec<CardCandidate> = rows
        .iter()
        .filter(|row| row.resource_type == "Immunization" && row.status.as_deref() == Some("completed"))
        .filter_map(|row| {
            let resource = parse(row)?;
            let codings = resource.pointer("/vaccineCode/coding").and_then(Value::as_array)?;
            let cvx = codings
                .iter()
                .find(|coding| coding.get("system").and_then(Value::as_str) == Some("http://hl7.org/fhir/sid/cvx"))
                .and_then(|coding| coding.get("code").and_then(Value::as_str))?
                .to_string();
            let date = row.effective_date.clone().filter(|date| date.len() >= 10)?;
            let lot = text(&resource, "/lotNumber");
            let performer = dose_facility(&resource);
            let record_name = concept(&resource, "/vaccineCode");
            // The record's own (Vietnamese) name first; English from the CVX table.
            let (name_vi, name_en) = match (crate::shc::cvx::name(&cvx), record_name.is_empty()) {
                (Some((vi, en)), true) => (vi.to_string(), en.to_string()),
                (Some((_, en)), false) => (record_name, en.to_string()),
                (None, false) => (record_name.clone(), record_name),
                (None, true) => crate::shc::cvx::names(&cvx),
            };
            let targets_covid = resource
                .pointer("/protocolApplied/0/targetDisease")
                .and_then(Value::as_array)
                .is_some_and(|list| list.iter().any(|d| d.pointer("/text").and_then(Value::as_str) == Some("covid-19")));
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

    fn row(resource_type: &str, json: Value) -> ClinicalRow {
        ClinicalRow {
            clinical_resource_id: "r1".into(),
            patient_id: "p1".into(),
            resource_type: resource_type.into(),
            category: "lab_results".into(),
            code: None,
            effective_date: Some("2025-01-01".into()),
            encounter_id: None,
            status: None,
            resource_json: json.to_string(),
            version_id: 1,
            last_updated: 0,
        }
    }

    #[test]
    fn lab_flags_follow_the_reference_range() {
        let make = |value: f64| {
            let json = serde_json::json!({
                "resourceType": "Observation", "code": {"text": "Glucose"},
                "valueQuantity": {"value": value, "unit": "mmol/L"},
                "referenceRange": [{"low": {"value": 3.9}, "high": {"value": 6.4}}]
            });
            lab(&row("Observation", json.clone()), &json)
        };
        assert_eq!(make(8.2).flag, RangeFlag::High);
        assert_eq!(make(3.1).flag, RangeFlag::Low);
        assert_eq!(make(5.0).flag, RangeFlag::Normal);
        assert_eq!(make(5.0).range, "3.9 – 6.4");
        assert_eq!(make(8.25).value, "8.25");
    }

    #[test]
    fn cccd_is_masked_to_its_last_four_digits() {
        assert_eq!(mask_cccd("001090012345"), "********2345");
    }
}
