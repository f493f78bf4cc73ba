//! FHIR R4 helpers: which indexed columns a resource gets when it is stored, resources kept
//! exactly as sent ([`exact`]), typed reads of what pages show ([`model`]) and the modifier
//! elements that change what a resource means ([`modifiers`]), and the R4 element rules an
//! import is checked against ([`validate`]).

pub mod date;
pub mod exact;
pub mod model;
pub mod modifiers;
pub mod validate;

use serde_json::Value;

use crate::policy::Category;
use crate::store::clinical::ClinicalRow;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FhirError {
    #[error("resource has no resourceType")]
    MissingResourceType,
    #[error("resource type {0} is not stored as clinical data")]
    UnsupportedType(String),
    #[error("resource has no id")]
    MissingId,
}

/// The identifier system of the 12-digit CCCD (the VN Core community draft's name for it), the
/// one the portal writes.
pub const CCCD_SYSTEM: &str = "https://fhir.hl7.org.vn/core/sid/cccd";
/// The CCCD under the Ministry of Health's VN Core naming system (NamingSystem SID-National-Id,
/// published by Cục Công nghệ thông tin – Bộ Y tế).
pub const MOH_NATIONAL_ID_SYSTEM: &str = "http://fhir.ehealth.gov.vn/core/sid/national_id";
/// Every system an import may send the CCCD under.
pub const CCCD_SYSTEMS: [&str; 2] = [CCCD_SYSTEM, MOH_NATIONAL_ID_SYSTEM];
/// Systems of the health-insurance (BHYT) number: the Ministry's VN Core `insurance_number`.
/// The card code and the social-insurance number are stored on a new record, so clinicians
/// find the person by either.
pub const INSURANCE_SYSTEMS: [&str; 1] = ["http://fhir.ehealth.gov.vn/core/sid/insurance_number"];

/// Directory resources a facility's bundle may carry beside a record (who, where, and the
/// medicines it names): kept so the record's references resolve, not part of any one person's
/// record.
pub const DIRECTORY_TYPES: [&str; 5] = ["Organization", "Practitioner", "PractitionerRole", "Location", "Medication"];

/// Types a facility may send that the portal answers but does not keep: a facility's own
/// Provenance of the bundle's entries (every `target` an entry of the same bundle, as Synthea
/// sends it), since the portal records its own Provenance of every import, naming the facility.
/// A Provenance about anything else is refused as a type the portal does not keep.
pub const ANSWERED_NOT_KEPT: [&str; 1] = ["Provenance"];

/// Where each clinical type names its patient.
pub fn patient_pointer(resource_type: &str) -> &'static str {
    match resource_type {
        "AllergyIntolerance" | "Immunization" | "Claim" | "ExplanationOfBenefit" | "Device" | "SupplyDelivery" => "/patient/reference",
        _ => "/subject/reference",
    }
}

/// The indexed columns of a clinical resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexFields {
    pub resource_type: String,
    pub id: String,
    pub category: Category,
    pub code: Option<String>,
    pub effective_date: Option<String>,
    pub encounter_id: Option<String>,
    pub status: Option<String>,
}

impl IndexFields {
    /// The row to insert for the indexed resource (`resource_json` is what is stored; its id may be
    /// one the caller chose rather than `self.id`). The insert sets version 1 and the time itself.
    pub fn into_row(self, clinical_resource_id: String, patient_id: String, resource_json: String) -> ClinicalRow {
        ClinicalRow {
            clinical_resource_id,
            patient_id,
            resource_type: self.resource_type,
            category: self.category.as_str().to_string(),
            code: self.code,
            effective_date: self.effective_date,
            encounter_id: self.encounter_id,
            status: self.status,
            resource_json,
            version_id: 1,
            last_updated: 0,
        }
    }
}

fn text<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

/// The category a resource belongs to for consent purposes.
pub fn category_of(resource_type: &str, resource: &Value) -> Option<Category> {
    Some(match resource_type {
        "AllergyIntolerance" => Category::Allergies,
        "Condition" => Category::Conditions,
        "MedicationRequest" | "MedicationStatement" | "MedicationAdministration" => Category::Medications,
        "Immunization" => Category::Immunizations,
        "Observation" | "DiagnosticReport" | "ImagingStudy" => {
            let _ = resource;
            Category::LabResults
        }
        "Encounter" | "Procedure" | "CarePlan" | "CareTeam" | "Device" | "SupplyDelivery" => Category::Visits,
        "DocumentReference" => Category::Documents,
        "Claim" | "ExplanationOfBenefit" => Category::Billing,
        _ => return None,
    })
}

/// The first coding's code of a CodeableConcept at `pointer`.
fn first_code(resource: &Value, pointer: &str) -> Option<String> {
    text(resource, &format!("{pointer}/coding/0/code")).map(str::to_string)
}

/// Cuts a FHIR date or dateTime to its date part.
fn date_part(value: &str) -> String {
    value.get(..10).unwrap_or(value).to_string()
}

pub fn index(resource: &Value) -> Result<IndexFields, FhirError> {
    let resource_type = text(resource, "/resourceType").ok_or(FhirError::MissingResourceType)?;
    let id = text(resource, "/id").ok_or(FhirError::MissingId)?.to_string();
    let category = category_of(resource_type, resource).ok_or_else(|| FhirError::UnsupportedType(resource_type.to_string()))?;
    let code = match resource_type {
        "Immunization" => first_code(resource, "/vaccineCode"),
        "MedicationRequest" | "MedicationStatement" | "MedicationAdministration" => first_code(resource, "/medicationCodeableConcept"),
        "ImagingStudy" => text(resource, "/modality/0/code").map(str::to_string),
        "Device" | "SupplyDelivery" => first_code(resource, "/type"),
        "Encounter" => text(resource, "/class/code").map(str::to_string),
        "DocumentReference" | "Claim" | "ExplanationOfBenefit" => first_code(resource, "/type"),
        "CarePlan" | "CareTeam" => first_code(resource, "/category/0"),
        _ => first_code(resource, "/code"),
    };
    let effective = match resource_type {
        "Immunization" => text(resource, "/occurrenceDateTime"),
        "AllergyIntolerance" => text(resource, "/recordedDate").or_else(|| text(resource, "/onsetDateTime")),
        "Condition" => text(resource, "/onsetDateTime").or_else(|| text(resource, "/recordedDate")),
        "MedicationRequest" => text(resource, "/authoredOn"),
        "MedicationStatement" => text(resource, "/effectiveDateTime").or_else(|| text(resource, "/dateAsserted")),
        "MedicationAdministration" => text(resource, "/effectiveDateTime").or_else(|| text(resource, "/effectivePeriod/start")),
        "ImagingStudy" => text(resource, "/started"),
        "SupplyDelivery" => text(resource, "/occurrenceDateTime").or_else(|| text(resource, "/occurrencePeriod/start")),
        "Observation" => text(resource, "/effectiveDateTime").or_else(|| text(resource, "/issued")),
        "DiagnosticReport" => text(resource, "/effectiveDateTime").or_else(|| text(resource, "/issued")),
        "Encounter" => text(resource, "/period/start"),
        "Procedure" => text(resource, "/performedDateTime").or_else(|| text(resource, "/performedPeriod/start")),
        "DocumentReference" => text(resource, "/date"),
        "CarePlan" | "CareTeam" => text(resource, "/period/start"),
        "Claim" | "ExplanationOfBenefit" => text(resource, "/billablePeriod/start").or_else(|| text(resource, "/created")),
        _ => None,
    };
    let encounter_reference = match resource_type {
        "DocumentReference" => text(resource, "/context/encounter/0/reference"),
        "Encounter" => None,
        "Claim" | "ExplanationOfBenefit" => text(resource, "/item/0/encounter/0/reference"),
        "MedicationAdministration" => text(resource, "/context/reference"),
        _ => text(resource, "/encounter/reference"),
    };
    let encounter_id = encounter_reference.and_then(|reference| reference.strip_prefix("Encounter/")).map(str::to_string);
    let status = match resource_type {
        "AllergyIntolerance" | "Condition" => first_code(resource, "/clinicalStatus"),
        _ => text(resource, "/status").map(str::to_string),
    };
    Ok(IndexFields {
        resource_type: resource_type.to_string(),
        id,
        category,
        code,
        effective_date: effective.map(date_part),
        encounter_id,
        status,
    })
}

/// The minimal FHIR Patient resource for a stored patient.
pub fn patient_resource(patient: &crate::store::patient::PatientRow) -> Value {
    serde_json::json!({
        "resourceType": "Patient",
        "id": patient.patient_id,
        "identifier": [{
            "system": CCCD_SYSTEM,
            "value": patient.cccd,
        }],
        "name": [{ "family": patient.family_name, "given": patient.given_names.split(' ').collect::<Vec<_>>(), "text": patient.full_name() }],
        "gender": patient.sex,
        "birthDate": patient.birth_date,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_immunization_is_indexed_by_vaccine_code_and_date() {
        let resource = serde_json::json!({
            "resourceType": "Immunization", "id": "i1", "status": "completed",
            "vaccineCode": {"coding": [{"system": "http://hl7.org/fhir/sid/cvx", "code": "208"}]},
            "occurrenceDateTime": "2021-08-01T09:00:00+07:00"
        });
        let fields = index(&resource).unwrap();
        assert_eq!(fields.category, Category::Immunizations);
        assert_eq!(fields.code.as_deref(), Some("208"));
        assert_eq!(fields.effective_date.as_deref(), Some("2021-08-01"));
        assert_eq!(fields.status.as_deref(), Some("completed"));
    }

    #[test]
    fn a_lab_result_keeps_its_encounter() {
        let resource = serde_json::json!({
            "resourceType": "Observation", "id": "o1", "status": "final",
            "code": {"coding": [{"system": "http://loinc.org", "code": "1558-6"}]},
            "encounter": {"reference": "Encounter/e1"}, "effectiveDateTime": "2025-01-02"
        });
        let fields = index(&resource).unwrap();
        assert_eq!(fields.category, Category::LabResults);
        assert_eq!(fields.encounter_id.as_deref(), Some("e1"));
    }

    #[test]
    fn unknown_types_and_missing_ids_are_refused() {
        assert_eq!(index(&serde_json::json!({"resourceType": "Basic", "id": "b"})), Err(FhirError::UnsupportedType("Basic".into())));
        assert_eq!(index(&serde_json::json!({"resourceType": "Condition"})), Err(FhirError::MissingId));
        assert_eq!(index(&serde_json::json!({"id": "x"})), Err(FhirError::MissingResourceType));
    }
}
