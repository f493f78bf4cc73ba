//! Typed reads of stored FHIR R4 resources: the subset of each type that pages, the schedule
//! engine and the health card use, with every modifier element of that type (see
//! [`super::modifiers`]) so no reader can forget one. Read from the stored text
//! (`serde_json::from_str`), so decimals keep their text ([`Decimal`]).
//!
//! Elements not listed are ignored here: the importer has already checked the resource against
//! the R4 element lists ([`super::validate`]), and the API serves the whole stored text.

use serde::Deserialize;

pub use super::exact::Decimal;

/// R4 datatypes.html#Coding.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Coding {
    pub system: Option<String>,
    pub code: Option<String>,
    pub display: Option<String>,
}

/// R4 datatypes.html#CodeableConcept.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct CodeableConcept {
    #[serde(default)]
    pub coding: Vec<Coding>,
    pub text: Option<String>,
}

impl CodeableConcept {
    /// The text, else the first coding's display, else "".
    pub fn label(&self) -> String {
        self.text
            .clone()
            .filter(|text| !text.is_empty())
            .or_else(|| self.coding.iter().find_map(|coding| coding.display.clone()))
            .unwrap_or_default()
    }

    /// The first coding's code.
    pub fn code(&self) -> Option<&str> {
        self.coding.iter().find_map(|coding| coding.code.as_deref())
    }

    /// The code of the first coding in `system`.
    pub fn code_in(&self, system: &str) -> Option<&str> {
        self.coding.iter().find(|coding| coding.system.as_deref() == Some(system)).and_then(|coding| coding.code.as_deref())
    }
}

/// R4 references.html#Reference.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Reference {
    pub reference: Option<String>,
    pub display: Option<String>,
}

/// R4 datatypes.html#Quantity. `comparator` is a modifier: `<10` is not `10`.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Quantity {
    pub value: Option<Decimal>,
    pub comparator: Option<String>,
    pub unit: Option<String>,
    pub code: Option<String>,
}

impl Quantity {
    /// The value as written, with its comparator (`<10`, `0.004`).
    pub fn shown(&self) -> Option<String> {
        self.value.as_ref().map(|value| format!("{}{value}", self.comparator.as_deref().unwrap_or_default()))
    }

    pub fn unit_shown(&self) -> String {
        self.unit.clone().or_else(|| self.code.clone()).unwrap_or_default()
    }
}

/// R4 datatypes.html#Period.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Period {
    pub start: Option<String>,
    pub end: Option<String>,
}

/// R4 immunization.html. Modifiers: `status`, `isSubpotent`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Immunization {
    pub status: String,
    pub status_reason: Option<CodeableConcept>,
    #[serde(default)]
    pub vaccine_code: CodeableConcept,
    pub occurrence_date_time: Option<String>,
    pub occurrence_string: Option<String>,
    pub location: Option<Reference>,
    #[serde(default)]
    pub performer: Vec<ImmunizationPerformer>,
    pub lot_number: Option<String>,
    pub is_subpotent: Option<bool>,
    #[serde(default)]
    pub subpotent_reason: Vec<CodeableConcept>,
    #[serde(default)]
    pub protocol_applied: Vec<ProtocolApplied>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ImmunizationPerformer {
    #[serde(default)]
    pub actor: Reference,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProtocolApplied {
    pub series: Option<String>,
    #[serde(default)]
    pub target_disease: Vec<CodeableConcept>,
    pub dose_number_positive_int: Option<u32>,
    pub dose_number_string: Option<String>,
}

impl Immunization {
    /// Where the dose was given: the location, else the performing organisation.
    pub fn facility(&self) -> String {
        self.location
            .as_ref()
            .and_then(|location| location.display.clone())
            .or_else(|| self.performer.iter().find_map(|performer| performer.actor.display.clone()))
            .unwrap_or_default()
    }

    /// The antigens the dose covers (`protocolApplied.targetDisease.text`).
    pub fn antigens(&self) -> Vec<String> {
        self.protocol_applied
            .iter()
            .flat_map(|protocol| protocol.target_disease.iter().filter_map(|disease| disease.text.clone()))
            .collect()
    }
}

/// R4 observation.html. Modifiers: `status`; `value[x]` as a Quantity carries `comparator`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub status: String,
    #[serde(default)]
    pub code: CodeableConcept,
    pub value_quantity: Option<Quantity>,
    pub value_string: Option<String>,
    pub value_codeable_concept: Option<CodeableConcept>,
    #[serde(default)]
    pub reference_range: Vec<ReferenceRange>,
    /// The parts of a panel measured together (a blood pressure's systolic and diastolic), each
    /// with its own code and value; the panel itself then usually has no `value[x]`.
    #[serde(default)]
    pub component: Vec<ObservationComponent>,
    pub effective_date_time: Option<String>,
    pub issued: Option<String>,
}

/// R4 observation.html#Observation.component (no modifier of its own; `value[x]` as a Quantity
/// carries `comparator`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObservationComponent {
    #[serde(default)]
    pub code: CodeableConcept,
    pub value_quantity: Option<Quantity>,
    pub value_string: Option<String>,
    pub value_codeable_concept: Option<CodeableConcept>,
}

impl ObservationComponent {
    /// `name value unit` as sent (`Systolic blood pressure 120 mm[Hg]`, `<10` kept), or `None`
    /// when the component carries no value.
    pub fn shown(&self) -> Option<String> {
        let value = match &self.value_quantity {
            Some(quantity) => {
                let unit = quantity.unit_shown();
                quantity.shown().map(|value| if unit.is_empty() { value } else { format!("{value} {unit}") })
            }
            None => self.value_string.clone().or_else(|| self.value_codeable_concept.as_ref().map(CodeableConcept::label)),
        }?;
        let name = self.code.label();
        Some(if name.is_empty() { value } else { format!("{name} {value}") })
    }
}

/// R4 observation.html#Observation.referenceRange (`low` and `high` are SimpleQuantity: no
/// comparator).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReferenceRange {
    pub low: Option<Quantity>,
    pub high: Option<Quantity>,
    pub text: Option<String>,
}

/// R4 condition.html. Modifiers: `clinicalStatus`, `verificationStatus`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    pub clinical_status: Option<CodeableConcept>,
    pub verification_status: Option<CodeableConcept>,
    #[serde(default)]
    pub code: CodeableConcept,
    pub onset_date_time: Option<String>,
    pub recorded_date: Option<String>,
}

/// R4 allergyintolerance.html. Modifiers: `clinicalStatus`, `verificationStatus`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllergyIntolerance {
    pub clinical_status: Option<CodeableConcept>,
    pub verification_status: Option<CodeableConcept>,
    #[serde(default)]
    pub code: CodeableConcept,
    pub criticality: Option<String>,
    #[serde(default)]
    pub reaction: Vec<Reaction>,
    pub recorded_date: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Reaction {
    #[serde(default)]
    pub manifestation: Vec<CodeableConcept>,
}

/// R4 medicationrequest.html (modifiers `status`, `intent`, `doNotPerform`) and
/// medicationstatement.html (modifier `status`), the fields both have.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Medication {
    pub status: String,
    pub intent: Option<String>,
    pub do_not_perform: Option<bool>,
    pub medication_codeable_concept: Option<CodeableConcept>,
    #[serde(default)]
    pub dosage_instruction: Vec<Dosage>,
    #[serde(default)]
    pub dosage: Vec<Dosage>,
    pub authored_on: Option<String>,
    pub effective_date_time: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Dosage {
    pub text: Option<String>,
}

/// R4 encounter.html. Modifier: `status`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Encounter {
    pub status: String,
    #[serde(default, rename = "type")]
    pub kind: Vec<CodeableConcept>,
    pub service_provider: Option<Reference>,
    #[serde(default)]
    pub reason_code: Vec<CodeableConcept>,
    pub period: Option<Period>,
}

/// R4 documentreference.html. Modifier: `status`.
#[derive(Clone, Debug, Deserialize)]
pub struct DocumentReference {
    pub status: String,
    pub description: Option<String>,
}

/// Reads a stored resource as `T`; `None` (logged) when the stored text does not fit.
pub fn read<T: serde::de::DeserializeOwned>(id: &str, text: &str) -> Option<T> {
    match serde_json::from_str(text) {
        Ok(value) => Some(value),
        Err(error) => {
            tracing::error!(resource = %id, %error, "a stored resource does not fit its type");
            None
        }
    }
}
