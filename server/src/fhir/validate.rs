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
//! - `implicitRules` and `modifierExtension` are refused: the portal cannot know what an unknown
//!   rule set or modifier extension changes (R4 conformance-rules.html#isModifier).
//!
//! Each problem names its location (`Bundle.entry[1].resource.lotNumber`).

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

/// The element list file (see the module doc).
const ELEMENTS_JSON: &str = include_str!("r4/elements.json");

#[derive(Deserialize)]
struct TypeDefinition {
    kind: String,
    elements: Vec<(String, String, u8, u8, String)>,
}

struct Element {
    type_name: String,
    many: bool,
    required: bool,
    choice: String,
}

/// A type's kind, its elements by name, and their names in the specification's order (problems
/// are reported in that order).
type Definition = (String, HashMap<String, Element>, Vec<String>);

struct Definitions {
    types: HashMap<String, Definition>,
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
                    .map(|(element, type_name, many, required, choice)| (element, Element { type_name, many: many == 1, required: required == 1, choice }))
                    .collect();
                (name, (definition.kind, elements, order))
            })
            .collect();
        Definitions { types }
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
                issues.push(issue("not-supported", here, format!("{name} may change what this resource means in ways the portal cannot know; it is not accepted")));
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
        } else if !choices.contains_key(element.choice.as_str()) && !issues.iter().any(|i| i.location == choice_location(at, &element.choice)) {
            issues.push(issue("required", &choice_location(at, &element.choice), format!("{type_name}.{} is required", choice_name(&element.choice))));
        }
    }
    let mut choices: Vec<(&str, Vec<&str>)> = choices.into_iter().collect();
    choices.sort();
    for (choice, present) in choices {
        if present.len() > 1 {
            issues.push(issue("structure", &choice_location(at, choice), format!("only one of {} may be sent: {}", choice_name(choice), present.join(", "))));
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
                    }
                });
            }
        }
        (Value::Array(_), false) => issues.push(issue("structure", at, "this element does not repeat: send one value, not an array")),
        (_, true) => issues.push(issue("structure", at, "this element repeats: send an array")),
        (single, false) => check_value(single, &element.type_name, at, issues, limit),
    }
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
            Some(text) if text.trim().is_empty() => issues.push(issue("structure", at, "an empty string is not allowed (R4 datatypes.html#string): leave the element out")),
            Some(text) => {
                let shaped = match type_name {
                    "date" => super::date::parse(text).is_some() && text.len() <= 10,
                    "dateTime" => date_time(text, false),
                    "instant" => date_time(text, true),
                    _ => true,
                };
                if !shaped {
                    issues.push(issue("value", at, format!("{text:?} is not a FHIR {type_name} (YYYY, YYYY-MM, YYYY-MM-DD, or a date and time with its zone)")));
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
        for resource_type in crate::service::fhir_api::CLINICAL_TYPES.iter().chain(&crate::fhir::DIRECTORY_TYPES).chain(&crate::fhir::ANSWERED_NOT_KEPT).chain(&["Patient"]) {
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
        let observed = |at: &str| locations(json!({ "resourceType": "Observation", "status": "final", "code": { "text": "x" }, "effectiveDateTime": at, "issued": "2026-01-01" }));
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

    #[test]
    fn contained_resources_are_checked_too() {
        let found = locations(json!({
            "resourceType": "Observation", "status": "final", "code": { "text": "x" },
            "contained": [{ "resourceType": "Practitioner", "id": "p", "nickname": "x" }]
        }));
        assert_eq!(found, vec![("structure", "R.contained[0].nickname".to_string())]);
    }
}
