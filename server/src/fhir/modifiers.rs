//! The modifier elements of every type the portal stores, and what each changes.
//!
//! A modifier element (R4 conformance-rules.html#isModifier) changes the meaning of the resource
//! that holds it: a reader that ignores it misreads the record. [`MODIFIERS`] lists them for
//! every stored type, from the R4 (4.0.1) StructureDefinitions (`isModifier: true`), each with the
//! decision every page, the schedule engine, the health card and the clinician view follow. The
//! functions below are those decisions; pages and rules call them instead of reading statuses.
//! The unit tests go through the list: every stored type has its rows, every row a decision
//! that is tested.
//!
//! Two modifiers belong to every resource: `implicitRules` and `modifierExtension` (on the
//! resource or any backbone element). The portal cannot know what an unknown modifier extension
//! or rule set changes, so the importer refuses them ([`super::validate`]).

use super::model::{AllergyIntolerance, CodeableConcept, Condition, DocumentReference, Encounter, Immunization, Medication, Observation};

/// One modifier element: the type, its path, and what the portal does with it.
pub struct Modifier {
    pub resource_type: &'static str,
    pub path: &'static str,
    pub decision: &'static str,
}

const fn modifier(resource_type: &'static str, path: &'static str, decision: &'static str) -> Modifier {
    Modifier { resource_type, path, decision }
}

/// Every modifier element of every stored type (beside `implicitRules` and
/// `modifierExtension`, refused on import).
pub const MODIFIERS: &[Modifier] = &[
    modifier("Immunization", "Immunization.status", "only `completed` is a dose given: counted by the schedule, listed as given, put on a card; `not-done` is listed as not given with statusReason, never counted or carded; `entered-in-error` is not shown"),
    modifier("Immunization", "Immunization.isSubpotent", "a subpotent dose is listed as given but not valid, never counted by the schedule or put on a card"),
    modifier("Observation", "Observation.status", "`final`, `amended`, `corrected` are results; `preliminary`, `registered` are shown marked preliminary; `cancelled` and `entered-in-error` are not shown"),
    modifier("Observation", "Observation.value[x].comparator", "shown with the value (`<10`); no high/low/normal flag is drawn from the bare number"),
    modifier("Observation", "Observation.component.value[x].comparator", "shown with the component's value (`Systolic blood pressure >120 mm[Hg]`) when the panel itself has no value; no flag is drawn from components"),
    modifier("Condition", "Condition.clinicalStatus", "current only when `active`, `recurrence` or `relapse`; `inactive`, `remission`, `resolved` or absent are not listed as current"),
    modifier("Condition", "Condition.verificationStatus", "`entered-in-error` is not shown; `refuted` is never current and is shown as ruled out; `unconfirmed`, `provisional`, `differential` are shown with that word"),
    modifier("AllergyIntolerance", "AllergyIntolerance.clinicalStatus", "current only when `active`"),
    modifier("AllergyIntolerance", "AllergyIntolerance.verificationStatus", "`entered-in-error` is not shown, `refuted` is never current, `unconfirmed` is shown with that word"),
    modifier("MedicationRequest", "MedicationRequest.status", "current only when `active`; `entered-in-error` is not shown"),
    modifier("MedicationRequest", "MedicationRequest.intent", "only an order (`order`, `original-order`, `reflex-order`, `filler-order`, `instance-order`) is a current medication; a `proposal`, `plan` or `option` is not"),
    modifier("MedicationRequest", "MedicationRequest.doNotPerform", "a request not to give a medication is never a current medication; on a visit it is shown as do-not-give"),
    modifier("MedicationStatement", "MedicationStatement.status", "current only when `active`; `not-taken`, `intended`, `stopped`, `completed` are not; `entered-in-error` is not shown"),
    modifier("Encounter", "Encounter.status", "`planned`, `cancelled` and `entered-in-error` are not listed as visits"),
    modifier("DocumentReference", "DocumentReference.status", "only `current` is shown as a visit's document; `superseded` and `entered-in-error` are not"),
    modifier("DiagnosticReport", "DiagnosticReport.status", "not shown on pages (their Observations are); served unchanged by the API"),
    modifier("Procedure", "Procedure.status", "not shown on pages; served unchanged by the API"),
    modifier("CarePlan", "CarePlan.status", "not shown on pages; served unchanged by the API"),
    modifier("CarePlan", "CarePlan.intent", "not shown on pages; served unchanged by the API"),
    modifier("CarePlan", "CarePlan.activity.detail.status", "not shown on pages; served unchanged by the API"),
    modifier("CarePlan", "CarePlan.activity.detail.doNotPerform", "not shown on pages; served unchanged by the API"),
    modifier("CareTeam", "CareTeam.status", "not shown on pages; served unchanged by the API"),
    modifier("Claim", "Claim.status", "not shown on pages; served unchanged by the API"),
    modifier("ExplanationOfBenefit", "ExplanationOfBenefit.status", "not shown on pages; served unchanged by the API"),
    modifier("MedicationAdministration", "MedicationAdministration.status", "not shown on pages; served unchanged by the API"),
    modifier("ImagingStudy", "ImagingStudy.status", "not shown on pages; served unchanged by the API"),
    modifier("Device", "Device.status", "not shown on pages; served unchanged by the API"),
    modifier("SupplyDelivery", "SupplyDelivery.status", "not shown on pages; served unchanged by the API"),
    modifier("Medication", "Medication.status", "directory entry, kept for references; not shown"),
    modifier("Organization", "Organization.active", "directory entry, kept for references; not shown"),
    modifier("Practitioner", "Practitioner.active", "directory entry, kept for references; not shown"),
    modifier("PractitionerRole", "PractitionerRole.active", "directory entry, kept for references; not shown"),
    modifier("Location", "Location.status", "directory entry, kept for references; not shown"),
    modifier("Location", "Location.mode", "directory entry, kept for references; not shown"),
];

/// What an Immunization says happened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DoseMeaning {
    /// A dose given, valid: counts.
    Given,
    /// Given but subpotent (`isSubpotent`): listed, never counted.
    Subpotent { reason: String },
    /// Not given (`status = not-done`), with the reason when one is sent.
    NotGiven { reason: String },
    /// Recorded in error: not shown.
    EnteredInError,
}

fn reasons(concepts: &[CodeableConcept]) -> String {
    concepts.iter().map(CodeableConcept::label).filter(|label| !label.is_empty()).collect::<Vec<_>>().join(", ")
}

/// The meaning of an Immunization (`status`, `isSubpotent`). An unknown status is not a dose.
pub fn dose(immunization: &Immunization) -> DoseMeaning {
    match immunization.status.as_str() {
        "completed" if immunization.is_subpotent == Some(true) => {
            DoseMeaning::Subpotent { reason: reasons(&immunization.subpotent_reason) }
        }
        "completed" => DoseMeaning::Given,
        "entered-in-error" => DoseMeaning::EnteredInError,
        _ => DoseMeaning::NotGiven { reason: immunization.status_reason.as_ref().map(CodeableConcept::label).unwrap_or_default() },
    }
}

/// Whether a dose counts (schedule, card): given and not subpotent.
pub fn counts_as_dose(immunization: &Immunization) -> bool {
    dose(immunization) == DoseMeaning::Given
}

/// How a Condition or AllergyIntolerance stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// Current; with a qualifier (`unconfirmed`, `provisional`, `differential`) when not confirmed.
    Current { qualifier: Option<String> },
    /// Past, resolved, ruled out (`refuted` is the qualifier then) or of unknown status.
    NotCurrent { qualifier: Option<String> },
    /// Recorded in error: not shown.
    EnteredInError,
}

fn code_of(concept: Option<&CodeableConcept>) -> Option<&str> {
    concept.and_then(CodeableConcept::code)
}

fn standing(clinical: Option<&str>, verification: Option<&str>, current: &[&str]) -> Standing {
    let qualifier = match verification {
        Some("entered-in-error") => return Standing::EnteredInError,
        Some("refuted") => return Standing::NotCurrent { qualifier: Some("refuted".into()) },
        Some(word @ ("unconfirmed" | "provisional" | "differential")) => Some(word.to_string()),
        _ => None,
    };
    if clinical.is_some_and(|status| current.contains(&status)) {
        Standing::Current { qualifier }
    } else {
        Standing::NotCurrent { qualifier }
    }
}

/// Condition: `clinicalStatus` and `verificationStatus`.
pub fn condition(condition: &Condition) -> Standing {
    standing(
        code_of(condition.clinical_status.as_ref()),
        code_of(condition.verification_status.as_ref()),
        &["active", "recurrence", "relapse"],
    )
}

/// AllergyIntolerance: `clinicalStatus` and `verificationStatus`.
pub fn allergy(allergy: &AllergyIntolerance) -> Standing {
    standing(code_of(allergy.clinical_status.as_ref()), code_of(allergy.verification_status.as_ref()), &["active"])
}

/// How an Observation is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResultStanding {
    Final,
    Preliminary,
    /// `cancelled`, `entered-in-error`, or a status the portal does not know: not shown.
    Hidden,
}

/// Observation: `status`.
pub fn observation(observation: &Observation) -> ResultStanding {
    match observation.status.as_str() {
        "final" | "amended" | "corrected" => ResultStanding::Final,
        "preliminary" | "registered" => ResultStanding::Preliminary,
        _ => ResultStanding::Hidden,
    }
}

/// Whether a range flag may be drawn from a quantity: not when it carries a comparator.
pub fn may_flag(observation: &Observation) -> bool {
    observation.value_quantity.as_ref().is_some_and(|quantity| quantity.comparator.is_none())
}

/// How a MedicationRequest or MedicationStatement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MedicationStanding {
    Current,
    /// A request not to give it (`doNotPerform`).
    DoNotGive,
    NotCurrent,
    EnteredInError,
}

const ORDERS: [&str; 5] = ["order", "original-order", "reflex-order", "filler-order", "instance-order"];

/// MedicationRequest (`status`, `intent`, `doNotPerform`) or MedicationStatement (`status`).
pub fn medication(resource_type: &str, medication: &Medication) -> MedicationStanding {
    if medication.status == "entered-in-error" {
        return MedicationStanding::EnteredInError;
    }
    if resource_type == "MedicationRequest" && medication.do_not_perform == Some(true) {
        return MedicationStanding::DoNotGive;
    }
    let ordered = resource_type != "MedicationRequest" || medication.intent.as_deref().is_some_and(|intent| ORDERS.contains(&intent));
    if medication.status == "active" && ordered {
        MedicationStanding::Current
    } else {
        MedicationStanding::NotCurrent
    }
}

/// Encounter: listed as a visit unless `planned`, `cancelled` or `entered-in-error`.
pub fn is_visit(encounter: &Encounter) -> bool {
    !matches!(encounter.status.as_str(), "planned" | "cancelled" | "entered-in-error")
}

/// DocumentReference: shown only when `current`.
pub fn is_current_document(document: &DocumentReference) -> bool {
    document.status == "current"
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> T {
        serde_json::from_str(&value.to_string()).unwrap()
    }

    fn concept(code: &str) -> serde_json::Value {
        json!({ "coding": [{ "code": code }] })
    }

    #[test]
    fn every_stored_type_has_its_modifiers_listed() {
        let mut stored: Vec<&str> = crate::service::fhir_api::CLINICAL_TYPES.to_vec();
        stored.extend(crate::fhir::DIRECTORY_TYPES);
        for resource_type in &stored {
            assert!(MODIFIERS.iter().any(|m| m.resource_type == *resource_type), "{resource_type} has no modifier listed");
        }
        for row in MODIFIERS {
            assert!(stored.contains(&row.resource_type), "{} is not a stored type", row.resource_type);
            assert!(row.path.starts_with(row.resource_type) && !row.decision.is_empty());
        }
    }

    #[test]
    fn an_immunization_means_what_its_status_and_potency_say() {
        let base = json!({ "resourceType": "Immunization", "vaccineCode": { "text": "Sởi" }, "occurrenceDateTime": "2024-10-12" });
        let with = |extra: serde_json::Value| {
            let mut value = base.clone();
            value.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
            read::<Immunization>(value)
        };
        assert_eq!(dose(&with(json!({ "status": "completed" }))), DoseMeaning::Given);
        let declined =
            with(json!({ "status": "not-done", "statusReason": { "coding": [{ "code": "PATOBJ", "display": "patient objection" }] } }));
        assert_eq!(dose(&declined), DoseMeaning::NotGiven { reason: "patient objection".into() });
        assert!(!counts_as_dose(&declined));
        let weak = with(json!({ "status": "completed", "isSubpotent": true, "subpotentReason": [{ "text": "partial dose" }] }));
        assert_eq!(dose(&weak), DoseMeaning::Subpotent { reason: "partial dose".into() });
        assert!(!counts_as_dose(&weak));
        assert_eq!(dose(&with(json!({ "status": "entered-in-error" }))), DoseMeaning::EnteredInError);
    }

    #[test]
    fn conditions_and_allergies_are_current_only_as_their_statuses_say() {
        let condition_of = |clinical: Option<&str>, verification: Option<&str>| {
            let mut value = json!({ "resourceType": "Condition", "code": { "text": "x" } });
            if let Some(code) = clinical {
                value["clinicalStatus"] = concept(code);
            }
            if let Some(code) = verification {
                value["verificationStatus"] = concept(code);
            }
            condition(&read(value))
        };
        assert_eq!(condition_of(Some("active"), Some("confirmed")), Standing::Current { qualifier: None });
        assert_eq!(condition_of(Some("relapse"), None), Standing::Current { qualifier: None });
        assert_eq!(condition_of(Some("active"), Some("provisional")), Standing::Current { qualifier: Some("provisional".into()) });
        assert_eq!(condition_of(Some("active"), Some("refuted")), Standing::NotCurrent { qualifier: Some("refuted".into()) });
        assert_eq!(condition_of(Some("resolved"), None), Standing::NotCurrent { qualifier: None });
        assert_eq!(condition_of(None, None), Standing::NotCurrent { qualifier: None });
        assert_eq!(condition_of(Some("active"), Some("entered-in-error")), Standing::EnteredInError);
        let allergy_of = |clinical: &str, verification: &str| {
            allergy(&read(
                json!({ "resourceType": "AllergyIntolerance", "clinicalStatus": concept(clinical), "verificationStatus": concept(verification) }),
            ))
        };
        assert_eq!(allergy_of("active", "confirmed"), Standing::Current { qualifier: None });
        assert_eq!(allergy_of("active", "unconfirmed"), Standing::Current { qualifier: Some("unconfirmed".into()) });
        assert_eq!(allergy_of("resolved", "confirmed"), Standing::NotCurrent { qualifier: None });
        assert_eq!(allergy_of("inactive", "confirmed"), Standing::NotCurrent { qualifier: None });
        assert_eq!(allergy_of("active", "refuted"), Standing::NotCurrent { qualifier: Some("refuted".into()) });
        assert_eq!(allergy_of("active", "entered-in-error"), Standing::EnteredInError);
    }

    #[test]
    fn results_show_by_status_and_a_comparator_stops_the_flag() {
        let of = |status: &str, quantity: serde_json::Value| {
            read::<Observation>(
                json!({ "resourceType": "Observation", "status": status, "code": { "text": "x" }, "valueQuantity": quantity }),
            )
        };
        for (status, standing) in [
            ("final", ResultStanding::Final),
            ("amended", ResultStanding::Final),
            ("corrected", ResultStanding::Final),
            ("preliminary", ResultStanding::Preliminary),
            ("registered", ResultStanding::Preliminary),
            ("cancelled", ResultStanding::Hidden),
            ("entered-in-error", ResultStanding::Hidden),
            ("unknown", ResultStanding::Hidden),
        ] {
            assert_eq!(observation(&of(status, json!({ "value": 1 }))), standing, "{status}");
        }
        assert!(may_flag(&of("final", json!({ "value": 10 }))));
        let below = of("final", json!({ "value": 10, "comparator": "<" }));
        assert!(!may_flag(&below));
        assert_eq!(below.value_quantity.unwrap().shown().as_deref(), Some("<10"));
    }

    #[test]
    fn a_medication_is_current_only_when_active_ordered_and_not_forbidden() {
        let of = |resource_type: &str, value: serde_json::Value| medication(resource_type, &read(value));
        assert_eq!(of("MedicationRequest", json!({ "status": "active", "intent": "order" })), MedicationStanding::Current);
        assert_eq!(of("MedicationRequest", json!({ "status": "active", "intent": "proposal" })), MedicationStanding::NotCurrent);
        assert_eq!(
            of("MedicationRequest", json!({ "status": "active", "intent": "order", "doNotPerform": true })),
            MedicationStanding::DoNotGive
        );
        assert_eq!(of("MedicationRequest", json!({ "status": "stopped", "intent": "order" })), MedicationStanding::NotCurrent);
        assert_eq!(of("MedicationRequest", json!({ "status": "entered-in-error", "intent": "order" })), MedicationStanding::EnteredInError);
        assert_eq!(of("MedicationStatement", json!({ "status": "active" })), MedicationStanding::Current);
        assert_eq!(of("MedicationStatement", json!({ "status": "not-taken" })), MedicationStanding::NotCurrent);
        assert_eq!(of("MedicationStatement", json!({ "status": "intended" })), MedicationStanding::NotCurrent);
    }

    #[test]
    fn visits_and_documents_follow_their_status() {
        for (status, listed) in
            [("finished", true), ("in-progress", true), ("planned", false), ("cancelled", false), ("entered-in-error", false)]
        {
            assert_eq!(is_visit(&read(json!({ "status": status }))), listed, "{status}");
        }
        for (status, shown) in [("current", true), ("superseded", false), ("entered-in-error", false)] {
            assert_eq!(is_current_document(&read(json!({ "status": status }))), shown, "{status}");
        }
    }
}
