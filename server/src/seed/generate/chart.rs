//! FHIR R4 resource builders for the seed generator, in exactly the shapes the portal reads
//! (see `server/src/fhir.rs` and `service/mapping.rs`): every resource carries `id`,
//! `meta.lastUpdated` and a reference to its patient (`subject`, or `patient` for Immunization and
//! AllergyIntolerance); dates are `YYYY-MM-DD`.

use base64::Engine as _;
use chrono::NaiveDate;
use serde_json::{json, Value};

use super::catalog::{Allergy, Diagnosis, LabTest};
use super::vaccines::{lot_number, Vaccine, SERIES_TCMR, TCMR_PLAN};
use super::{add_days, Sex, SplitMix64, DEMO_FACILITY_NAME};

const CVX_SYSTEM: &str = "http://hl7.org/fhir/sid/cvx";
const ICD10_SYSTEM: &str = "http://hl7.org/fhir/sid/icd-10";
const LOINC_SYSTEM: &str = "http://loinc.org";
const UCUM_SYSTEM: &str = "http://unitsofmeasure.org";
const ALLERGY_CLINICAL_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
const ALLERGY_VERIFICATION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
const CONDITION_CLINICAL_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/condition-clinical";
const CONDITION_VERIFICATION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
const CONDITION_CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/condition-category";
const ACT_CODE_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const OBSERVATION_CATEGORY_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const INTERPRETATION_SYSTEM: &str = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";

fn timestamp(date: NaiveDate) -> String {
    format!("{date}T00:00:00Z")
}

fn reference(kind: &str, id: &str) -> Value {
    json!({ "reference": format!("{kind}/{id}") })
}

fn round_to(value: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    (value * factor).round() / factor
}

/// A measured value as a FHIR decimal with the test's precision: a whole number when it has no
/// decimals (`120`, never `120.0`, which would claim a precision the test does not have).
fn decimal(value: f64, decimals: i32) -> Value {
    if decimals <= 0 {
        json!(value.round() as i64)
    } else {
        json!(round_to(value, decimals))
    }
}

fn interpretation(value: f64, low: f64, high: f64) -> &'static str {
    if value < low {
        "L"
    } else if value > high {
        "H"
    } else {
        "N"
    }
}

pub(super) struct Dose<'a> {
    pub(super) vaccine: &'a Vaccine,
    pub(super) series: &'a str,
    pub(super) number: u32,
    pub(super) date: NaiveDate,
    pub(super) facility: &'a str,
    pub(super) lot: String,
}

#[derive(Clone, Copy)]
pub(super) enum EncounterClass {
    Ambulatory,
    Inpatient,
    Emergency,
}

impl EncounterClass {
    pub(super) fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Ambulatory => ("AMB", "ambulatory", "Khám ngoại trú"),
            Self::Inpatient => ("IMP", "inpatient encounter", "Điều trị nội trú"),
            Self::Emergency => ("EMER", "emergency", "Cấp cứu"),
        }
    }
}

pub(super) struct Visit<'a> {
    pub(super) class: EncounterClass,
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) reason: &'a str,
    pub(super) facility: &'a str,
    /// Principal diagnosis first.
    pub(super) diagnoses: &'a [&'static Diagnosis],
    /// Whether the visit's diagnoses are still active (chronic, or too recent to be resolved).
    pub(super) active: bool,
}

/// One person's resources as they are built; resource ids come from the chart's own generator.
pub(super) struct Chart {
    patient_ref: String,
    ids: SplitMix64,
    pub(super) resources: Vec<Value>,
}

impl Chart {
    pub(super) fn new(patient_id: &str, id_seed: u64, capacity: usize) -> Self {
        Self {
            patient_ref: format!("Patient/{patient_id}"),
            ids: SplitMix64::new(id_seed),
            resources: Vec::with_capacity(capacity.min(4096)),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.resources.len()
    }

    pub(super) fn immunization(&mut self, dose: Dose<'_>) {
        let id = self.ids.uuid();
        let targets: Vec<Value> = dose.vaccine.antigens.iter().map(|antigen| json!({ "text": antigen })).collect();
        let resource = json!({
            "resourceType": "Immunization",
            "id": id,
            "meta": { "lastUpdated": timestamp(dose.date) },
            "status": "completed",
            "vaccineCode": {
                "coding": [{ "system": CVX_SYSTEM, "code": dose.vaccine.cvx, "display": dose.vaccine.cvx_display }],
                "text": dose.vaccine.name_vi,
            },
            "patient": { "reference": self.patient_ref },
            "occurrenceDateTime": dose.date.to_string(),
            "primarySource": true,
            "lotNumber": dose.lot,
            "location": { "display": dose.facility },
            "performer": [{ "actor": { "display": dose.facility } }],
            "protocolApplied": [{ "series": dose.series, "targetDisease": targets, "doseNumberPositiveInt": dose.number }],
        });
        self.resources.push(resource);
    }

    pub(super) fn allergy(&mut self, allergy: &Allergy, recorded: NaiveDate) {
        let id = self.ids.uuid();
        let resource = json!({
            "resourceType": "AllergyIntolerance",
            "id": id,
            "meta": { "lastUpdated": timestamp(recorded) },
            "clinicalStatus": { "coding": [{ "system": ALLERGY_CLINICAL_SYSTEM, "code": "active" }] },
            "verificationStatus": { "coding": [{ "system": ALLERGY_VERIFICATION_SYSTEM, "code": "confirmed" }] },
            "category": [allergy.category],
            "criticality": allergy.criticality,
            "code": { "text": allergy.substance_vi },
            "patient": { "reference": self.patient_ref },
            "recordedDate": recorded.to_string(),
            "reaction": [{ "manifestation": [{ "text": allergy.reaction_vi }] }],
        });
        self.resources.push(resource);
    }

    /// A Condition: an encounter diagnosis when `encounter` is given, else a problem-list item.
    pub(super) fn condition(&mut self, diagnosis: &Diagnosis, active: bool, encounter: Option<&str>, onset: NaiveDate) -> String {
        let id = self.ids.uuid();
        let category = if encounter.is_some() { "encounter-diagnosis" } else { "problem-list-item" };
        let status = if active { "active" } else { "resolved" };
        let mut resource = json!({
            "resourceType": "Condition",
            "id": id,
            "meta": { "lastUpdated": timestamp(onset) },
            "clinicalStatus": { "coding": [{ "system": CONDITION_CLINICAL_SYSTEM, "code": status }] },
            "verificationStatus": { "coding": [{ "system": CONDITION_VERIFICATION_SYSTEM, "code": "confirmed" }] },
            "category": [{ "coding": [{ "system": CONDITION_CATEGORY_SYSTEM, "code": category }] }],
            "code": {
                "coding": [{ "system": ICD10_SYSTEM, "code": diagnosis.icd, "display": diagnosis.display }],
                "text": diagnosis.name_vi,
            },
            "subject": { "reference": self.patient_ref },
            "onsetDateTime": onset.to_string(),
            "recordedDate": onset.to_string(),
        });
        if let (Some(encounter), Some(fields)) = (encounter, resource.as_object_mut()) {
            fields.insert("encounter".to_owned(), reference("Encounter", encounter));
        }
        self.resources.push(resource);
        id
    }

    /// An Encounter and one encounter-diagnosis Condition per diagnosis; returns the encounter id.
    pub(super) fn visit(&mut self, visit: &Visit<'_>) -> String {
        let encounter_id = self.ids.uuid();
        let mut diagnoses = Vec::with_capacity(visit.diagnoses.len());
        for (rank, diagnosis) in visit.diagnoses.iter().enumerate() {
            let condition_id = self.condition(diagnosis, visit.active, Some(encounter_id.as_str()), visit.start);
            diagnoses.push(json!({ "condition": reference("Condition", &condition_id), "rank": rank + 1 }));
        }
        let (code, display, kind) = visit.class.parts();
        let resource = json!({
            "resourceType": "Encounter",
            "id": encounter_id,
            "meta": { "lastUpdated": timestamp(visit.end) },
            "status": "finished",
            "class": { "system": ACT_CODE_SYSTEM, "code": code, "display": display },
            "type": [{ "text": kind }],
            "subject": { "reference": self.patient_ref },
            "period": { "start": visit.start.to_string(), "end": visit.end.to_string() },
            "reasonCode": [{ "text": visit.reason }],
            "serviceProvider": { "display": visit.facility },
            "diagnosis": diagnoses,
        });
        self.resources.push(resource);
        encounter_id
    }

    pub(super) fn lab(&mut self, encounter: &str, test: &LabTest, sex: Sex, value: f64, date: NaiveDate) {
        let id = self.ids.uuid();
        let (low, high) = test.range(sex);
        let value = round_to(value, test.decimals);
        let resource = json!({
            "resourceType": "Observation",
            "id": id,
            "meta": { "lastUpdated": timestamp(date) },
            "status": "final",
            "category": [{ "coding": [{ "system": OBSERVATION_CATEGORY_SYSTEM, "code": "laboratory" }] }],
            "code": {
                "coding": [{ "system": LOINC_SYSTEM, "code": test.loinc, "display": test.display }],
                "text": test.name_vi,
            },
            "subject": { "reference": self.patient_ref },
            "encounter": reference("Encounter", encounter),
            "effectiveDateTime": date.to_string(),
            "valueQuantity": { "value": decimal(value, test.decimals), "unit": test.unit, "system": UCUM_SYSTEM, "code": test.ucum },
            "referenceRange": [{
                "low": { "value": decimal(low, test.decimals), "unit": test.unit },
                "high": { "value": decimal(high, test.decimals), "unit": test.unit }
            }],
            "interpretation": [{ "coding": [{ "system": INTERPRETATION_SYSTEM, "code": interpretation(value, low, high) }] }],
        });
        self.resources.push(resource);
    }

    pub(super) fn labs(&mut self, encounter: &str, sex: Sex, date: NaiveDate, results: &[(&LabTest, f64)]) {
        for (test, value) in results {
            self.lab(encounter, test, sex, *value, date);
        }
    }

    pub(super) fn medication(&mut self, encounter: &str, (drug, dosage): (&str, &str), active: bool, date: NaiveDate) {
        let id = self.ids.uuid();
        let status = if active { "active" } else { "completed" };
        let resource = json!({
            "resourceType": "MedicationRequest",
            "id": id,
            "meta": { "lastUpdated": timestamp(date) },
            "status": status,
            "intent": "order",
            "medicationCodeableConcept": { "text": drug },
            "subject": { "reference": self.patient_ref },
            "encounter": reference("Encounter", encounter),
            "authoredOn": date.to_string(),
            "dosageInstruction": [{ "text": dosage }],
        });
        self.resources.push(resource);
    }

    pub(super) fn discharge_summary(&mut self, encounter: &str, date: NaiveDate, text: &str) {
        let id = self.ids.uuid();
        let data = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let resource = json!({
            "resourceType": "DocumentReference",
            "id": id,
            "meta": { "lastUpdated": timestamp(date) },
            "status": "current",
            "type": {
                "coding": [{ "system": LOINC_SYSTEM, "code": "18842-5", "display": "Discharge summary" }],
                "text": "Tóm tắt ra viện",
            },
            "subject": { "reference": self.patient_ref },
            "date": timestamp(date),
            "description": text,
            "content": [{ "attachment": { "contentType": "text/plain; charset=utf-8", "data": data } }],
            "context": { "encounter": [reference("Encounter", encounter)] },
        });
        self.resources.push(resource);
    }

    pub(super) fn procedure(&mut self, encounter: Option<&str>, text: &str, date: NaiveDate) {
        let id = self.ids.uuid();
        let mut resource = json!({
            "resourceType": "Procedure",
            "id": id,
            "meta": { "lastUpdated": timestamp(date) },
            "status": "completed",
            "code": { "text": text },
            "subject": { "reference": self.patient_ref },
            "performedDateTime": date.to_string(),
        });
        if let (Some(encounter), Some(fields)) = (encounter, resource.as_object_mut()) {
            fields.insert("encounter".to_owned(), reference("Encounter", encounter));
        }
        self.resources.push(resource);
    }
}

/// A one-day outpatient visit at the demo hospital.
pub(super) fn outpatient<'a>(day: NaiveDate, reason: &'a str, diagnoses: &'a [&'static Diagnosis], active: bool) -> Visit<'a> {
    Visit { class: EncounterClass::Ambulatory, start: day, end: day, reason, facility: DEMO_FACILITY_NAME, diagnoses, active }
}

/// The expanded-programme doses due by `today`, at most until the chart holds `budget` resources.
/// Birth doses at the demo hospital, the rest at the commune health station.
pub(super) fn tcmr_history(chart: &mut Chart, rng: &mut SplitMix64, birth: NaiveDate, today: NaiveDate, station: &str, budget: usize) {
    for planned in &TCMR_PLAN {
        if chart.len() >= budget {
            return;
        }
        let delay = if planned.at_birth { 0 } else { rng.range(0, 3) };
        let date = add_days(planned.nominal_date(birth), delay);
        if date > today {
            continue;
        }
        let facility = if planned.at_birth { DEMO_FACILITY_NAME } else { station };
        let lot = lot_number(planned.vaccine, rng);
        chart.immunization(Dose { vaccine: planned.vaccine, series: SERIES_TCMR, number: planned.dose, date, facility, lot });
    }
}

/// Explicit doses of one course, skipping any not yet given or before birth.
pub(super) fn course(chart: &mut Chart, birth: NaiveDate, today: NaiveDate, series: &str, doses: &[(&Vaccine, NaiveDate, &str, &str)]) {
    for (number, &(vaccine, date, facility, lot)) in doses.iter().enumerate() {
        if !(birth..=today).contains(&date) {
            continue;
        }
        let number = u32::try_from(number + 1).unwrap_or(1);
        chart.immunization(Dose { vaccine, series, number, date, facility, lot: lot.to_owned() });
    }
}
