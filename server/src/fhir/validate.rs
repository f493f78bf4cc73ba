//! Checks a resource against the FHIR R4 element lists (`r4/elements.json`, generated from the
//! R4 StructureDefinitions by `r4/generate.py`) and the JSON rules of R4 json.html:
//!
//! - every member is an element of its type (an STU3 `Immunization.date` or `notGiven` is not);
//! - required elements are present, a choice (`occurrence[x]`) at most once;
//! - a repeating element is an array and a single one is not;
//! - no `null`, no empty array or object, no empty string (ele-1: every element has a value or
//!   children);
//! - primitives have their JSON type, dates their R4 shape (partial dates allowed where the type
//!   allows them: `date` and `dateTime` take `YYYY` and `YYYY-MM`);
//! - an element with a *required* binding (R4 terminologies.html#required) holds a code of its
//!   value set (`r4/valuesets.json`): a `code` is one of the set's codes (`Observation.status`
//!   `"done"` is not), a `CodeableConcept` has at least one coding whose system and code are in
//!   it (`Condition.clinicalStatus`); the two sets R4 defines by a grammar are read by their
//!   crates (BCP 13 media types by `mime`, ISO 4217 currencies by `iso_currency`);
//! - `implicitRules` and `modifierExtension` are refused: the portal cannot know what an unknown
//!   rule set or modifier extension changes (R4 conformance-rules.html#isModifier).
//!
//! Each problem names its location (`Bundle.entry[1].resource.lotNumber`).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// The element list file (see the module doc).
const ELEMENTS_JSON: &str = include_str!("r4/elements.json");
/// The codes of each required value set, by code system: `{url: {system: [code, ...]}}`.
const VALUE_SETS_JSON: &str = include_str!("r4/valuesets.json");
/// Required value sets R4 defines by a grammar; see `r4/generate.py`.
const MEDIA_TYPES: &str = "http://hl7.org/fhir/ValueSet/mimetypes";
const CURRENCIES: &str = "http://hl7.org/fhir/ValueSet/currencies";

#[derive(Deserialize)]
struct TypeDefinition {
    kind: String,
    elements: Vec<(String, String, u8, u8, String, String)>,
}

struct Element {
    type_name: String,
    many: bool,
    required: bool,
    choice: String,
    /// The canonical URL of the required value set, or "".
    binding: String,
}

/// A type's kind, its elements by name, and their names in the specification's order (problems
/// are reported in that order).
type Definition = (String, HashMap<String, Element>, Vec<String>);

struct Definitions {
    types: HashMap<String, Definition>,
    /// Required value sets: system → its codes in the set.
    value_sets: HashMap<String, HashMap<String, HashSet<String>>>,
}

fn definitions() -> &'static Definitions {
    static DEFINITIONS: OnceLock<Definitions> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        // A malformed file is a build defect; the unit tests read it.
        let parsed: HashMap<String, TypeDefinition> = serde_json::from_str(ELEMENTS_JSON).unwrap_or_default();
        let types = parsed
            .into_iter()
            .map(|(name, definition)| {
                let order = definition.elements.iter().map(|(element, ..)| element.clone()).collect();
                let elements = definition
                    .elements
                    .into_iter()
                    .map(|(element, type_name, many, required, choice, binding)| {
                        (element, Element { type_name, many: many == 1, required: required == 1, choice, binding })
                    })
                    .collect();
                (name, (definition.kind, elements, order))
            })
            .collect();
        let value_sets = serde_json::from_str(VALUE_SETS_JSON).unwrap_or_default();
        Definitions { types, value_sets }
    })
}

/// One problem: the FHIR issue code and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    pub code: &'static str,
    pub location: String,
    pub message: String,
}

fn issue(code: &'static str, location: &str, message: impl Into<String>) -> Issue {
    Issue { code, location: location.to_string(), message: message.into() }
}

/// Whether `resource_type` is one this checker knows.
pub fn knows(resource_type: &str) -> bool {
    definitions().types.get(resource_type).is_some_and(|(kind, ..)| kind == "resource")
}

/// Every problem of `resource` (a JSON object with `resourceType`), at most `limit`, located
/// under `at`.
pub fn check(resource: &Value, at: &str, limit: usize) -> Vec<Issue> {
    let mut issues = Vec::new();
    // One path buffer for the whole walk: segments are pushed and popped, and a location is
    // copied out only when there is a problem to name.
    let mut path = at.to_string();
    check_resource(resource, &mut path, &mut issues, limit);
    issues.truncate(limit);
    issues
}

fn check_resource(resource: &Value, at: &mut String, issues: &mut Vec<Issue>, limit: usize) {
    let Some(resource_type) = resource.get("resourceType").and_then(Value::as_str) else {
        issues.push(issue("required", &format!("{at}.resourceType"), "a resource needs resourceType"));
        return;
    };
    if !knows(resource_type) {
        issues.push(issue("not-supported", &format!("{at}.resourceType"), format!("{resource_type} is not a type this portal keeps")));
        return;
    }
    check_object(resource, resource_type, at, true, issues, limit);
}

/// Runs `f` with `segment` pushed on the path.
fn within<T>(at: &mut String, segment: std::fmt::Arguments, f: impl FnOnce(&mut String) -> T) -> T {
    use std::fmt::Write;
    let length = at.len();
    let _ = at.write_fmt(segment);
    let result = f(at);
    at.truncate(length);
    result
}

fn check_object(value: &Value, type_name: &str, at: &mut String, is_resource: bool, issues: &mut Vec<Issue>, limit: usize) {
    let Some(object) = value.as_object() else {
        issues.push(issue("structure", at, format!("must be a JSON object ({type_name})")));
        return;
    };
    if object.is_empty() {
        issues.push(issue("structure", at, "an empty object is not allowed (R4 json.html, ele-1)"));
        return;
    }
    let Some((_, elements, order)) = definitions().types.get(type_name) else { return };
    let mut choices: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, inner) in object {
        if issues.len() >= limit {
            return;
        }
        if is_resource && name == "resourceType" {
            continue;
        }
        within(at, format_args!(".{name}"), |here| {
            let Some(element) = elements.get(name) else {
                issues.push(issue("structure", here, format!("{name} is not an element of {type_name} in FHIR R4")));
                return;
            };
            if name == "modifierExtension" || name == "implicitRules" {
                issues.push(issue(
                    "not-supported",
                    here,
                    format!("{name} may change what this resource means in ways the portal cannot know; it is not accepted"),
                ));
                return;
            }
            if !element.choice.is_empty() {
                choices.entry(element.choice.as_str()).or_default().push(name.as_str());
            }
            check_element(inner, element, name.starts_with('_'), here, issues, limit);
        });
    }
    for (name, element) in order.iter().filter_map(|name| Some((name, elements.get(name)?))) {
        if !element.required || issues.len() >= limit {
            continue;
        }
        if element.choice.is_empty() {
            if !object.contains_key(name) {
                issues.push(issue("required", &format!("{at}.{name}"), format!("{type_name}.{name} is required")));
            }
        } else if !choices.contains_key(element.choice.as_str())
            && !issues.iter().any(|i| i.location == choice_location(at, &element.choice))
        {
            issues.push(issue(
                "required",
                &choice_location(at, &element.choice),
                format!("{type_name}.{} is required", choice_name(&element.choice)),
            ));
        }
    }
    let mut choices: Vec<(&str, Vec<&str>)> = choices.into_iter().collect();
    choices.sort();
    for (choice, present) in choices {
        if present.len() > 1 {
            issues.push(issue(
                "structure",
                &choice_location(at, choice),
                format!("only one of {} may be sent: {}", choice_name(choice), present.join(", ")),
            ));
        }
    }
}

fn choice_name(choice: &str) -> String {
    if choice.ends_with("[x]") {
        choice.to_string()
    } else {
        format!("{choice}[x]")
    }
}

fn choice_location(at: &str, choice: &str) -> String {
    format!("{at}.{}", choice_name(choice))
}

fn check_element(value: &Value, element: &Element, extension_of_primitive: bool, at: &mut String, issues: &mut Vec<Issue>, limit: usize) {
    if value.is_null() {
        issues.push(issue("structure", at, "null is not allowed (R4 json.html): leave the element out"));
        return;
    }
    if extension_of_primitive {
        // `_given: [null, {...}]` lines up with `given`: nulls are allowed inside it.
        match value {
            Value::Array(items) if items.is_empty() => issues.push(issue("structure", at, "an empty array is not allowed (R4 json.html)")),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate().filter(|(_, item)| !item.is_null()) {
                    within(at, format_args!("[{index}]"), |here| check_object(item, "Element", here, false, issues, limit));
                }
            }
            other => check_object(other, "Element", at, false, issues, limit),
        }
        return;
    }
    match (value, element.many) {
        (Value::Array(items), true) => {
            if items.is_empty() {
                issues.push(issue("structure", at, "an empty array is not allowed (R4 json.html): leave the element out"));
            }
            for (index, item) in items.iter().enumerate() {
                within(at, format_args!("[{index}]"), |here| {
                    if item.is_null() {
                        issues.push(issue("structure", here, "null is not allowed (R4 json.html)"));
                    } else {
                        check_value(item, &element.type_name, here, issues, limit);
                        check_binding(item, element, here, issues);
                    }
                });
            }
        }
        (Value::Array(_), false) => issues.push(issue("structure", at, "this element does not repeat: send one value, not an array")),
        (_, true) => issues.push(issue("structure", at, "this element repeats: send an array")),
        (single, false) => {
            check_value(single, &element.type_name, at, issues, limit);
            check_binding(single, element, at, issues);
        }
    }
}

/// A required binding: the value is in the element's value set (see the module doc). A value
/// of the wrong JSON shape was already named by [`check_value`] and is not named twice.
fn check_binding(value: &Value, element: &Element, at: &str, issues: &mut Vec<Issue>) {
    let url = element.binding.as_str();
    if url.is_empty() {
        return;
    }
    match (element.type_name.as_str(), value) {
        ("code", Value::String(code)) if code.trim().is_empty() => {}
        ("code", Value::String(code)) if url == MEDIA_TYPES => {
            if code.parse::<mime::Mime>().is_err() {
                issues.push(issue(
                    "code-invalid",
                    at,
                    format!("{code:?} is not a media type (BCP 13, such as application/pdf), which {url} requires"),
                ));
            }
        }
        ("code", Value::String(code)) if url == CURRENCIES => {
            if iso_currency::Currency::from_code(code).is_none() {
                issues.push(issue(
                    "code-invalid",
                    at,
                    format!("{code:?} is not an ISO 4217 currency code (such as VND), which {url} requires"),
                ));
            }
        }
        ("code", Value::String(code)) => {
            let Some(systems) = definitions().value_sets.get(url) else { return };
            if !systems.values().any(|codes| codes.contains(code)) {
                issues.push(issue(
                    "code-invalid",
                    at,
                    format!("{code:?} is not a code of the required value set {url}: one of {}", listed(systems)),
                ));
            }
        }
        ("CodeableConcept", Value::Object(concept)) => {
            let Some(systems) = definitions().value_sets.get(url) else { return };
            let codings = concept.get("coding").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let from_the_set = codings.iter().any(|coding| {
                let system = coding.get("system").and_then(Value::as_str);
                let code = coding.get("code").and_then(Value::as_str);
                matches!((system, code), (Some(system), Some(code)) if systems.get(system).is_some_and(|codes| codes.contains(code)))
            });
            if !from_the_set {
                let systems_named = systems.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
                issues.push(issue(
                    "code-invalid",
                    at,
                    format!("a required binding needs a coding from {url} (system {systems_named}): one of {}", listed(systems)),
                ));
            }
        }
        _ => {}
    }
}

/// The codes of a value set, sorted, for a message (at most twelve, then "…").
fn listed(systems: &HashMap<String, HashSet<String>>) -> String {
    let mut codes: Vec<&str> = systems.values().flatten().map(String::as_str).collect();
    codes.sort_unstable();
    codes.dedup();
    let more = codes.len() > 12;
    codes.truncate(12);
    let mut text = codes.join(", ");
    if more {
        text.push_str(", …");
    }
    text
}

fn check_value(value: &Value, type_name: &str, at: &mut String, issues: &mut Vec<Issue>, limit: usize) {
    if type_name == "Resource" {
        check_resource(value, at, issues, limit);
        return;
    }
    let kind = definitions().types.get(type_name).map(|(kind, ..)| kind.as_str());
    match kind {
        Some("primitive-type") => check_primitive(value, type_name, at, issues),
        Some(_) => check_object(value, type_name, at, false, issues, limit),
        None => {}
    }
}

fn check_primitive(value: &Value, type_name: &str, at: &str, issues: &mut Vec<Issue>) {
    let wrong = |expected: &str| issue("structure", at, format!("a FHIR {type_name} is {expected}"));
    match type_name {
        "boolean" => {
            if !value.is_boolean() {
                issues.push(wrong("true or false"));
            }
        }
        "integer" | "positiveInt" | "unsignedInt" => match value.as_i64() {
            Some(n) if type_name == "positiveInt" && n < 1 => issues.push(wrong("a whole number from 1")),
            Some(n) if type_name == "unsignedInt" && n < 0 => issues.push(wrong("a whole number from 0")),
            Some(_) => {}
            None => issues.push(wrong("a whole JSON number")),
        },
        "decimal" => {
            if !value.is_number() {
                issues.push(wrong("a JSON number"));
            }
        }
        _ => match value.as_str() {
            None => issues.push(wrong("a JSON string")),
            Some(text) if text.trim().is_empty() => {
                issues.push(issue("structure", at, "an empty string is not allowed (R4 datatypes.html#string): leave the element out"))
            }
            Some(text) => {
                let shaped = match type_name {
                    "date" => super::date::parse(text).is_some() && text.len() <= 10,
                    "dateTime" => date_time(text, false),
                    "instant" => date_time(text, true),
                    _ => true,
                };
                if !shaped {
                    issues.push(issue(
                        "value",
                        at,
                        format!("{text:?} is not a FHIR {type_name} (YYYY, YYYY-MM, YYYY-MM-DD, or a date and time with its zone)"),
                    ));
                }
            }
        },
    }
}

/// R4 dateTime: a (partial) date, or a full date with a time and a zone (`Z` or `±hh:mm`);
/// an instant needs the time and zone.
fn date_time(text: &str, instant: bool) -> bool {
    if text.len() <= 10 {
        return !instant && super::date::parse(text).is_some();
    }
    if text.as_bytes().get(10) != Some(&b'T') {
        return false;
    }
    chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn locations(resource: Value) -> Vec<(&'static str, String)> {
        check(&resource, "R", 100).into_iter().map(|i| (i.code, i.location)).collect()
    }

    #[test]
    fn the_element_file_covers_every_stored_type() {
        for resource_type in crate::service::fhir_api::CLINICAL_TYPES
            .iter()
            .chain(&crate::fhir::DIRECTORY_TYPES)
            .chain(&crate::fhir::ANSWERED_NOT_KEPT)
            .chain(&["Patient"])
        {
            assert!(knows(resource_type), "{resource_type}");
        }
    }

    #[test]
    fn a_valid_immunization_passes() {
        let ok = json!({
            "resourceType": "Immunization", "id": "i1", "status": "completed",
            "vaccineCode": { "coding": [{ "system": "http://hl7.org/fhir/sid/cvx", "code": "140" }] },
            "patient": { "reference": "Patient/p" }, "occurrenceDateTime": "2026-10-21", "primarySource": true,
            "protocolApplied": [{ "series": "TCMR", "doseNumberPositiveInt": 1 }],
            "_lotNumber": { "extension": [{ "url": "http://example.org/x", "valueString": "y" }] }
        });
        assert_eq!(locations(ok), vec![]);
    }

    #[test]
    fn null_empty_and_misshapen_elements_are_named() {
        let bad = json!({
            "resourceType": "Immunization", "status": "completed", "vaccineCode": { "text": "x" },
            "patient": { "reference": "Patient/p" }, "occurrenceDateTime": "2026-10-21",
            "lotNumber": null, "note": [], "performer": [{}], "primarySource": "yes", "site": [{ "text": "arm" }],
            "reasonCode": { "text": "r" }, "expirationDate": "2026-13-01", "recorded": ""
        });
        let found = locations(bad);
        for (code, location) in [
            ("structure", "R.lotNumber"),
            ("structure", "R.note"),
            ("structure", "R.performer[0]"),
            ("structure", "R.primarySource"),
            ("structure", "R.site"),
            ("structure", "R.reasonCode"),
            ("value", "R.expirationDate"),
            ("structure", "R.recorded"),
        ] {
            assert!(found.contains(&(code, location.to_string())), "{location} in {found:?}");
        }
    }

    #[test]
    fn an_stu3_immunization_is_refused_for_what_r4_lacks_and_requires() {
        let stu3 = json!({
            "resourceType": "Immunization", "status": "completed", "notGiven": false, "date": "2019-06-02T09:30:00+07:00",
            "vaccineCode": { "coding": [{ "system": "http://hl7.org/fhir/sid/cvx", "code": "140" }] },
            "patient": { "reference": "Patient/p" }, "primarySource": true
        });
        let found = locations(stu3);
        assert!(found.contains(&("structure", "R.notGiven".into())), "{found:?}");
        assert!(found.contains(&("structure", "R.date".into())), "{found:?}");
        assert!(found.contains(&("required", "R.occurrence[x]".into())), "{found:?}");
    }

    #[test]
    fn partial_dates_are_allowed_where_the_type_allows_them() {
        let patient = |birth: &str| locations(json!({ "resourceType": "Patient", "birthDate": birth }));
        assert!(patient("1948").is_empty());
        assert!(patient("1948-07").is_empty());
        assert_eq!(patient("1948-7"), vec![("value", "R.birthDate".to_string())]);
        // dateTime with a time needs its zone; instant needs the time.
        let observed = |at: &str| {
            locations(
                json!({ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "effectiveDateTime": at, "issued": "2026-01-01" }),
            )
        };
        assert!(observed("2026-01").iter().all(|(_, l)| l == "R.issued"));
        assert!(observed("2026-01-01T08:00:00").iter().any(|(_, l)| l == "R.effectiveDateTime"));
        assert!(!observed("2026-01-01T08:00:00+07:00").iter().any(|(_, l)| l == "R.effectiveDateTime"));
    }

    #[test]
    fn unknown_modifiers_and_choice_twice_are_refused() {
        let found = locations(json!({
            "resourceType": "Observation", "status": "final", "code": { "text": "x" },
            "modifierExtension": [{ "url": "http://example.org/not", "valueBoolean": true }],
            "valueString": "a", "valueBoolean": true
        }));
        assert!(found.contains(&("not-supported", "R.modifierExtension".into())), "{found:?}");
        assert!(found.contains(&("structure", "R.value[x]".into())), "{found:?}");
    }

    /// The resource types the portal keeps, contains or answers.
    fn kept_types() -> Vec<&'static str> {
        crate::service::fhir_api::CLINICAL_TYPES
            .iter()
            .chain(&crate::fhir::DIRECTORY_TYPES)
            .chain(&crate::fhir::ANSWERED_NOT_KEPT)
            .chain(&["Patient"])
            .copied()
            .collect()
    }

    /// Every element with a required binding that a kept resource type reaches (through its
    /// backbones and datatypes, `contained` aside), each by its shortest path from a kept type:
    /// `(owner type, element, resource type, [(element, repeats)])`.
    fn required_bindings() -> Vec<(String, String, &'static str, Vec<(String, bool)>)> {
        let types = &definitions().types;
        let mut found: Vec<(String, String, &'static str, Vec<(String, bool)>)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for resource_type in kept_types() {
            let mut queue = std::collections::VecDeque::from([(resource_type.to_string(), Vec::<(String, bool)>::new())]);
            let mut visited = std::collections::HashSet::from([resource_type.to_string()]);
            while let Some((type_name, path)) = queue.pop_front() {
                let Some((_, elements, order)) = types.get(&type_name) else { continue };
                for name in order {
                    let element = &elements[name];
                    if name.starts_with('_') || name == "contained" || name == "extension" || name == "modifierExtension" {
                        continue;
                    }
                    let mut here = path.clone();
                    here.push((name.clone(), element.many));
                    if !element.binding.is_empty() && seen.insert((type_name.clone(), name.clone())) {
                        found.push((type_name.clone(), name.clone(), resource_type, here.clone()));
                    }
                    let complex = types.get(&element.type_name).is_some_and(|(kind, ..)| kind != "primitive-type");
                    if complex && visited.insert(element.type_name.clone()) {
                        queue.push_back((element.type_name.clone(), here));
                    }
                }
            }
        }
        found
    }

    /// `{"resourceType": R, a: [{b: value}]}` for the path `[(a, true), (b, false)]`, and its
    /// location (`R.a[0].b`).
    fn placed(resource_type: &str, path: &[(String, bool)], value: Value) -> (Value, String) {
        let mut inner = value;
        for (name, many) in path.iter().rev() {
            let wrapped = if *many { Value::Array(vec![inner]) } else { inner };
            inner = json!({ name.as_str(): wrapped });
        }
        inner["resourceType"] = json!(resource_type);
        let mut location = "R".to_string();
        for (name, many) in path {
            location.push('.');
            location.push_str(name);
            if *many {
                location.push_str("[0]");
            }
        }
        (inner, location)
    }

    /// A code inside and one outside the element's required value set.
    fn codes_for(type_name: &str, url: &str) -> (Value, Value) {
        let systems = definitions().value_sets.get(url);
        let first = systems.and_then(|systems| {
            let mut pairs: Vec<(&String, &String)> =
                systems.iter().flat_map(|(system, codes)| codes.iter().map(move |code| (system, code))).collect();
            pairs.sort();
            pairs.first().map(|(system, code)| ((*system).clone(), (*code).clone()))
        });
        match (type_name, url) {
            ("code", MEDIA_TYPES) => (json!("application/pdf"), json!("pdf")),
            ("code", CURRENCIES) => (json!("VND"), json!("DONG")),
            ("code", _) => (json!(first.map(|(_, code)| code)), json!("not-a-code-of-this-set")),
            ("CodeableConcept", _) => {
                let (system, code) = first.unwrap_or_default();
                (
                    json!({ "coding": [{ "system": system, "code": code }] }),
                    json!({ "coding": [{ "system": "http://example.org/another-system", "code": code }], "text": "x" }),
                )
            }
            other => panic!("a required binding on {other:?}: the checker reads code and CodeableConcept only"),
        }
    }

    #[test]
    fn every_required_binding_a_kept_type_reaches_refuses_a_code_outside_its_value_set() {
        let bindings = required_bindings();
        let named: Vec<String> = bindings.iter().map(|(owner, element, ..)| format!("{owner}.{element}")).collect();
        // The enumeration reaches the bindings the record depends on (so it cannot pass empty).
        for known in [
            "Observation.status",
            "Immunization.status",
            "Patient.gender",
            "Condition.clinicalStatus",
            "AllergyIntolerance.criticality",
            "Encounter.status",
            "HumanName.use",
            "Identifier.use",
            "Quantity.comparator",
            "Attachment.contentType",
            "Money.currency",
            "Narrative.status",
            "Claim.use",
            "ExplanationOfBenefit.outcome",
        ] {
            assert!(named.iter().any(|n| n == known), "{known} in {named:?}");
        }
        // 68 in R4 4.0.1 for the 25 types kept, contained or answered (counted apart from this
        // walk, from elements.json, on 2026-12-07); a new kept type changes it.
        assert_eq!(bindings.len(), 68, "{named:?}");
        for (owner, element, resource_type, path) in &bindings {
            let definition = &definitions().types[owner].1[element];
            let (inside, outside) = codes_for(&definition.type_name, &definition.binding);
            let (refused, location) = placed(resource_type, path, outside.clone());
            let found = locations(refused);
            assert!(found.contains(&("code-invalid", location.clone())), "{owner}.{element} = {outside} at {location}: {found:?}");
            let (accepted, location) = placed(resource_type, path, inside.clone());
            let found = locations(accepted);
            assert!(
                !found.iter().any(|(code, at)| *code == "code-invalid" && *at == location),
                "{owner}.{element} = {inside} at {location}: {found:?}"
            );
        }
    }

    #[test]
    fn a_code_outside_its_required_value_set_is_named_where_it_is() {
        // The example the crate evaluation found: R4 has no Observation status "done".
        let found = check(&json!({ "resourceType": "Observation", "status": "done", "code": { "text": "x" } }), "R", 10);
        assert_eq!(found.iter().map(|i| (i.code, i.location.as_str())).collect::<Vec<_>>(), vec![("code-invalid", "R.status")]);
        assert!(found[0].message.contains("final"), "{}", found[0].message);
        // Codes are case-sensitive, and a CodeableConcept needs a coding of the set's system.
        assert_eq!(locations(json!({ "resourceType": "Patient", "gender": "Male" })), vec![("code-invalid", "R.gender".to_string())]);
        let condition = |status: Value| {
            locations(json!({ "resourceType": "Condition", "subject": { "reference": "Patient/p" }, "clinicalStatus": status }))
        };
        assert_eq!(condition(json!({ "text": "active" })), vec![("code-invalid", "R.clinicalStatus".to_string())]);
        assert_eq!(condition(json!({ "coding": [{ "code": "active" }] })), vec![("code-invalid", "R.clinicalStatus".to_string())]);
        assert!(condition(json!({ "coding": [{ "system": "http://snomed.info/sct", "code": "55561003" }, { "system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active" }] })).is_empty());
        // The grammars: a media type with its parameters, an ISO 4217 currency.
        let attachment = |content_type: &str| {
            locations(
                json!({ "resourceType": "DocumentReference", "status": "current", "content": [{ "attachment": { "contentType": content_type } }] }),
            )
        };
        assert!(attachment("text/plain; charset=utf-8").is_empty());
        assert_eq!(attachment("plain text"), vec![("code-invalid", "R.content[0].attachment.contentType".to_string())]);
    }

    #[test]
    fn contained_resources_are_checked_too() {
        let found = locations(json!({
            "resourceType": "Observation", "status": "final", "code": { "text": "x" },
            "contained": [{ "resourceType": "Practitioner", "id": "p", "nickname": "x" }]
        }));
        assert_eq!(found, vec![("structure", "R.contained[0].nickname".to_string())]);
    }
}
