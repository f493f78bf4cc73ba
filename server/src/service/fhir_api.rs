//! The FHIR R4 read API (`/fhir`): read, patient-compartment search and `Patient/$everything`,
//! each through [`Portal::guarded_read`] (session → policy → data → audit row in one transaction):
//! there is no second path to the data. A search asks the policy for exactly the category of its
//! resource type, so a clinician reads by FHIR what the UI would show them, and nothing else.

use std::collections::BTreeMap;

use app::port::RequestMeta;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::{Portal, Target};
use crate::error::ServiceError;
use crate::fhir::category_of;
use crate::fhir::exact::Json;
use crate::policy::Actor;
use crate::policy::{Authorized, Category};
use crate::store::audit::{AccessLogFilter, AccessLogRow};
use crate::store::consent::GrantRow;
use crate::store::{self, StoreError};

/// The clinical resource types the API serves (Patient is served from the patient row).
pub const CLINICAL_TYPES: [&str; 18] = [
    "Encounter",
    "Condition",
    "AllergyIntolerance",
    "Immunization",
    "Observation",
    "DiagnosticReport",
    "ImagingStudy",
    "MedicationRequest",
    "MedicationStatement",
    "MedicationAdministration",
    "Procedure",
    "Device",
    "SupplyDelivery",
    "DocumentReference",
    "CarePlan",
    "CareTeam",
    "Claim",
    "ExplanationOfBenefit",
];
/// The portal's own facts about a record, searchable by its own citizen only: the grants as
/// Consent, the access log as AuditEvent, what facilities sent as Provenance.
pub const OWN_FACT_TYPES: [&str; 3] = ["Consent", "AuditEvent", "Provenance"];
/// A code system of this portal's own (the parts of a record a grant or token covers).
pub const CATEGORY_SYSTEM: &str = "urn:hoso:record-category";
/// Search parameters every clinical type supports.
pub const SEARCH_PARAMS: [&str; 7] = ["patient", "_count", "_lastUpdated", "date", "code", "_sort", "_page"];
pub const DEFAULT_COUNT: usize = 50;
pub const MAX_COUNT: usize = 200;

/// Why a FHIR request is malformed (an OperationOutcome `invalid` at a location).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadParameter {
    pub location: String,
    pub problem: String,
}

fn bad(location: &str, problem: &str) -> BadParameter {
    BadParameter { location: location.to_string(), problem: problem.to_string() }
}

/// A date comparison: `ge2024-01-01`, `lt2024`, `2024-05`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct DateBound {
    prefix: &'static str,
    date: String,
}

fn date_bound(name: &str, value: &str) -> Result<DateBound, BadParameter> {
    let (prefix, date) = match value.get(..2) {
        Some(p @ ("eq" | "ne" | "gt" | "lt" | "ge" | "le")) => (
            match p {
                "eq" => "eq",
                "ne" => "ne",
                "gt" => "gt",
                "lt" => "lt",
                "ge" => "ge",
                _ => "le",
            },
            &value[2..],
        ),
        _ => ("eq", value),
    };
    let shape_ok = matches!(date.len(), 4 | 7 | 10)
        && date.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return Err(bad(name, "a date is YYYY, YYYY-MM or YYYY-MM-DD, optionally after eq, ne, gt, lt, ge or le"));
    }
    Ok(DateBound { prefix, date: date.to_string() })
}

impl DateBound {
    /// Compares a stored date (YYYY-MM-DD) at the bound's precision.
    fn admits(&self, stored: Option<&str>) -> bool {
        let Some(stored) = stored else { return false };
        let stored = stored.get(..self.date.len()).unwrap_or(stored);
        let order = stored.cmp(self.date.as_str());
        match self.prefix {
            "eq" => order.is_eq(),
            "ne" => order.is_ne(),
            "gt" => order.is_gt(),
            "lt" => order.is_lt(),
            "ge" => order.is_ge(),
            _ => order.is_le(),
        }
    }
}

/// A parsed search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    pub patient: Option<String>,
    pub count: usize,
    pub page: usize,
    date: Vec<DateBound>,
    last_updated: Vec<DateBound>,
    /// `code` as `system|code`, `|code` or `code`: (system, code).
    code: Option<(Option<String>, String)>,
    pub newest_first: bool,
}

/// Parses the query of a search; unknown or malformed parameters are refused (a silently ignored
/// filter would return more than the client asked for).
pub fn parse_search(pairs: &[(String, String)]) -> Result<Search, BadParameter> {
    let mut search = Search { count: DEFAULT_COUNT, page: 1, ..Search::default() };
    for (name, value) in pairs {
        match name.as_str() {
            "patient" | "subject" => {
                let id = value.strip_prefix("Patient/").unwrap_or(value);
                if id.is_empty() || id.len() > 64 {
                    return Err(bad(name, "a patient id"));
                }
                search.patient = Some(id.to_string());
            }
            "_count" => {
                search.count =
                    value.parse().ok().filter(|n| (1..=MAX_COUNT).contains(n)).ok_or_else(|| bad(name, "a number from 1 to 200"))?;
            }
            "_page" => search.page = value.parse().ok().filter(|n| *n >= 1).ok_or_else(|| bad(name, "a page number from 1"))?,
            "date" => search.date.push(date_bound(name, value)?),
            "_lastUpdated" => search.last_updated.push(date_bound(name, value)?),
            "code" => {
                if search.code.is_some() || value.contains(',') {
                    return Err(bad(name, "one code per search (several codes are not supported)"));
                }
                let (system, code) = match value.split_once('|') {
                    Some((system, code)) => ((!system.is_empty()).then(|| system.to_string()), code.to_string()),
                    None => (None, value.clone()),
                };
                if code.is_empty() {
                    return Err(bad(name, "a code, as system|code or code"));
                }
                search.code = Some((system, code));
            }
            "_sort" => match value.as_str() {
                "-date" => search.newest_first = true,
                "date" => search.newest_first = false,
                _ => return Err(bad(name, "date or -date")),
            },
            "_format" if value == "json" || value.contains("fhir+json") => {}
            other => return Err(bad(other, "this search parameter is not supported (see /fhir/metadata)")),
        }
    }
    Ok(search)
}

fn iso_instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default()
}

/// A resource as the API serves it: its type, id and JSON text. A stored resource's text is the
/// one the facility sent ([`crate::fhir::exact`]: decimals exactly as written), with the
/// portal's `meta`.
#[derive(Clone, Debug)]
pub struct Served {
    pub resource_type: String,
    pub id: String,
    pub json: Box<RawValue>,
}

impl Served {
    /// A resource the portal builds itself (Patient, Consent, AuditEvent, Provenance).
    pub fn built(resource: &Value) -> Result<Served, StoreError> {
        Ok(Served {
            resource_type: resource["resourceType"].as_str().unwrap_or_default().to_string(),
            id: resource["id"].as_str().unwrap_or_default().to_string(),
            json: RawValue::from_string(resource.to_string()).map_err(|_| StoreError::Corrupt("built resource".into()))?,
        })
    }

    /// The JSON as a `Value` (numbers as `f64`: for tests and counting, never for serving).
    pub fn value(&self) -> Value {
        serde_json::from_str(self.json.get()).unwrap_or(Value::Null)
    }
}

fn with_meta(row: &store::clinical::ClinicalRow) -> Result<Served, StoreError> {
    let corrupt = || StoreError::Corrupt("resource json".into());
    let mut resource = Json::parse(&row.resource_json).map_err(|_| corrupt())?;
    resource.set(
        "meta",
        Json::Object(vec![
            ("versionId".into(), Json::String(row.version_id.to_string())),
            ("lastUpdated".into(), Json::String(iso_instant(row.last_updated))),
        ]),
    );
    Ok(Served {
        resource_type: row.resource_type.clone(),
        id: row.clinical_resource_id.clone(),
        json: RawValue::from_string(resource.to_text()).map_err(|_| corrupt())?,
    })
}

fn codes_of(resource: &Value) -> Vec<(Option<String>, String)> {
    let concept = ["code", "vaccineCode", "medicationCodeableConcept", "type"]
        .iter()
        .find_map(|field| resource.get(*field))
        .map(|concept| match concept {
            Value::Array(many) => many.clone(),
            one => vec![one.clone()],
        })
        .unwrap_or_default();
    let mut codes = Vec::new();
    for concept in concept {
        for coding in concept.get("coding").and_then(Value::as_array).into_iter().flatten() {
            if let Some(code) = coding.get("code").and_then(Value::as_str) {
                codes.push((coding.get("system").and_then(Value::as_str).map(str::to_string), code.to_string()));
            }
        }
    }
    if let Some(class) = resource.get("class").and_then(|class| class.get("code")).and_then(Value::as_str) {
        codes.push((resource.pointer("/class/system").and_then(Value::as_str).map(str::to_string), class.to_string()));
    }
    codes
}

impl Search {
    fn admits(&self, row: &store::clinical::ClinicalRow, resource: &Value) -> bool {
        let last_updated = iso_instant(row.last_updated);
        self.date.iter().all(|bound| bound.admits(row.effective_date.as_deref()))
            && self.last_updated.iter().all(|bound| bound.admits(last_updated.get(..10)))
            && self.code.as_ref().is_none_or(|(system, code)| {
                codes_of(resource)
                    .iter()
                    .any(|(s, c)| c == code && system.as_ref().is_none_or(|system| s.as_deref() == Some(system.as_str())))
            })
    }
}

/// One page of a search, before it becomes a Bundle.
pub struct Page {
    pub resources: Vec<Served>,
    pub total: usize,
    pub patient_id: String,
}

impl Portal {
    /// `GET /fhir/{type}/{id}`.
    pub async fn fhir_read(&self, meta: &RequestMeta, resource_type: &str, id: &str) -> Result<Authorized<Served>, ServiceError> {
        if resource_type == "Patient" {
            return self
                .guarded_read(meta, Target::Patient(id.to_string()), &[Category::Administrative], |conn, patient_id| {
                    Box::pin(async move {
                        let patient = store::patient::by_id(conn, &patient_id).await?.ok_or(StoreError::NotFound)?;
                        Served::built(&crate::fhir::patient_resource(&patient))
                    })
                })
                .await;
        }
        let category = category_of(resource_type, &Value::Null).ok_or(ServiceError::NotFound)?;
        let wanted = resource_type.to_string();
        let id = id.to_string();
        self.guarded_read(meta, Target::Resource(id.clone()), &[category], move |conn, patient_id| {
            Box::pin(async move {
                let row = store::clinical::by_id(conn, &id).await?.ok_or(StoreError::NotFound)?;
                if row.resource_type != wanted || row.patient_id != patient_id {
                    return Err(StoreError::NotFound);
                }
                with_meta(&row)
            })
        })
        .await
        .map_err(not_found)
    }

    /// `GET /fhir/{type}?patient=…`: one patient's resources of one type. Citizens may leave out
    /// `patient` (their own record); clinicians name it.
    pub async fn fhir_search(&self, meta: &RequestMeta, resource_type: &str, search: Search) -> Result<Authorized<Page>, ServiceError> {
        let category = match resource_type {
            "Patient" => Category::Administrative,
            other => category_of(other, &Value::Null).ok_or(ServiceError::NotFound)?,
        };
        let target = match &search.patient {
            Some(id) => Target::Patient(id.clone()),
            None => Target::Own,
        };
        let wanted = resource_type.to_string();
        self.guarded_read(meta, target, &[category], move |conn, patient_id| {
            Box::pin(async move {
                if wanted == "Patient" {
                    let patient = store::patient::by_id(conn, &patient_id).await?.ok_or(StoreError::NotFound)?;
                    return Ok(Page { resources: vec![Served::built(&crate::fhir::patient_resource(&patient))?], total: 1, patient_id });
                }
                let rows = store::clinical::by_patient(conn, &patient_id, &[category.as_str()]).await?;
                let mut matching = Vec::new();
                for row in rows.iter().filter(|row| row.resource_type == wanted) {
                    let parsed: Value =
                        serde_json::from_str(&row.resource_json).map_err(|_| StoreError::Corrupt("resource json".into()))?;
                    if search.admits(row, &parsed) {
                        matching.push((row.effective_date.clone(), with_meta(row)?));
                    }
                }
                // Undated resources last in either order, the same on every database; ties by id.
                matching.sort_by(|(a_date, a), (b_date, b)| {
                    let by_date = match (a_date, b_date) {
                        (Some(a), Some(b)) if search.newest_first => b.cmp(a),
                        (Some(a), Some(b)) => a.cmp(b),
                        (Some(_), None) => std::cmp::Ordering::Less,
                        (None, Some(_)) => std::cmp::Ordering::Greater,
                        (None, None) => std::cmp::Ordering::Equal,
                    };
                    by_date.then_with(|| a.id.cmp(&b.id))
                });
                let total = matching.len();
                let skip = search.count.saturating_mul(search.page - 1);
                let resources = matching.into_iter().skip(skip).take(search.count).map(|(_, resource)| resource).collect();
                Ok(Page { resources, total, patient_id })
            })
        })
        .await
    }

    /// `GET /fhir/Patient/{id}/$everything`: the whole record, for its own citizen (every category
    /// is asked for, so anyone without all of them is refused and audited).
    pub async fn fhir_everything(&self, meta: &RequestMeta, patient_id: &str) -> Result<Authorized<Vec<Served>>, ServiceError> {
        self.guarded_read(meta, Target::Patient(patient_id.to_string()), &Category::ALL, |conn, patient_id| {
            Box::pin(async move {
                let patient = store::patient::by_id(conn, &patient_id).await?.ok_or(StoreError::NotFound)?;
                let categories: Vec<&str> = Category::ALL.iter().map(|category| category.as_str()).collect();
                let rows = store::clinical::by_patient(conn, &patient_id, &categories).await?;
                let mut resources = vec![Served::built(&crate::fhir::patient_resource(&patient))?];
                for row in &rows {
                    resources.push(with_meta(row)?);
                }
                Ok(resources)
            })
        })
        .await
    }
}

/// A grant as a FHIR R4 Consent (permit, for its grantee, period, purpose and categories).
pub fn consent_resource(grant: &GrantRow, now: i64) -> Value {
    let live = grant.revoked_at.is_none() && grant.expires_at > now;
    let grantee = match (&grant.grantee_clinician_id, &grant.grantee_facility_id) {
        (Some(clinician), _) => format!("Practitioner/{clinician}"),
        (None, Some(facility)) => format!("Organization/{facility}"),
        (None, None) => String::new(),
    };
    let purpose = match grant.purpose.as_str() {
        "treatment" => "TREAT",
        "research" => "HRESCH",
        _ => "HPAYMT",
    };
    let codes: Vec<Value> = grant
        .categories
        .split(',')
        .filter(|code| !code.is_empty())
        .map(|code| json!({ "coding": [{ "system": CATEGORY_SYSTEM, "code": code }] }))
        .collect();
    json!({
        "resourceType": "Consent",
        "id": grant.consent_grant_id,
        "status": if live { "active" } else { "inactive" },
        "scope": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/consentscope", "code": "patient-privacy" }] },
        "category": [{ "coding": [{ "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" }] }],
        "patient": { "reference": format!("Patient/{}", grant.patient_id) },
        "dateTime": iso_instant(grant.created_at),
        "policyRule": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN" }] },
        "provision": {
            "type": "permit",
            "period": { "start": iso_instant(grant.starts_at), "end": iso_instant(grant.revoked_at.unwrap_or(grant.expires_at).min(grant.expires_at)) },
            "actor": [{
                "role": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "code": "IRCP" }] },
                "reference": { "reference": grantee }
            }],
            "purpose": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": purpose }],
            "code": codes
        }
    })
}

/// One access-log line as a FHIR R4 AuditEvent.
pub fn audit_event_resource(line: &AccessLogRow) -> Value {
    let row = &line.row;
    let who = match &row.actor_account_id {
        Some(account) => json!({
            "identifier": { "system": "urn:hoso:account", "value": account },
            "display": line.actor_name.clone().unwrap_or_else(|| row.actor_role.clone().unwrap_or_default())
        }),
        None => json!({ "display": "anonymous" }),
    };
    let mut entity = json!({ "what": { "reference": format!("Patient/{}", row.patient_id.clone().unwrap_or_default()) } });
    if let Some(category) = &row.category {
        entity["description"] = json!(category);
    }
    let mut event = json!({
        "resourceType": "AuditEvent",
        "id": row.audit_event_id.to_string(),
        "type": { "system": "http://terminology.hl7.org/CodeSystem/audit-event-type", "code": "rest", "display": "RESTful Operation" },
        "subtype": [{ "system": "urn:hoso:audit-action", "code": row.action }],
        "action": if row.action == "read" { "R" } else { "E" },
        "recorded": iso_instant(row.occurred_at),
        "outcome": if row.outcome == "allowed" { "0" } else { "4" },
        "agent": [{ "who": who, "requestor": true }],
        "source": { "observer": { "display": "hoso" } },
        "entity": [entity]
    });
    if let Some(reason) = &row.reason {
        event["outcomeDesc"] = json!(reason);
    }
    event
}

impl Portal {
    /// `GET /fhir/Consent` and `GET /fhir/AuditEvent`: the grants and the access log of the
    /// caller's own record. Anyone but the record's citizen is refused (and audited), whatever
    /// they have been granted: these are facts about the citizen's choices, not clinical data.
    pub async fn fhir_own_facts(&self, meta: &RequestMeta, resource_type: &str, search: Search) -> Result<Authorized<Page>, ServiceError> {
        let citizen = matches!(self.actor(meta).await, Ok(Actor::Citizen { .. }));
        let target = match (&search.patient, citizen) {
            (Some(id), true) => Target::Patient(id.clone()),
            _ => Target::Own,
        };
        let now = meta.now_ms;
        let wanted = resource_type.to_string();
        // Their own category: a bearer token reads them only when its owner chose `access_history`.
        self.guarded_read(meta, target, &[Category::AccessHistory], move |conn, patient_id| {
            Box::pin(async move {
                if wanted == "Consent" {
                    let mut grants = store::consent::grant_rows_for_patient(conn, &patient_id).await?;
                    grants.sort_by(|a, b| b.created_at.cmp(&a.created_at).then_with(|| a.consent_grant_id.cmp(&b.consent_grant_id)));
                    let total = grants.len();
                    let skip = search.count.saturating_mul(search.page - 1);
                    let resources = grants
                        .iter()
                        .skip(skip)
                        .take(search.count)
                        .map(|grant| Served::built(&consent_resource(grant, now)))
                        .collect::<Result<_, _>>()?;
                    return Ok(Page { resources, total, patient_id });
                }
                let count = i64::try_from(search.count).unwrap_or(50);
                let offset = count.saturating_mul(i64::try_from(search.page - 1).unwrap_or(0));
                if wanted == "Provenance" {
                    let (rows, total) = store::import::provenance_of(conn, &patient_id, count, offset).await?;
                    let resources = rows
                        .iter()
                        .map(|json| {
                            let value: Value =
                                serde_json::from_str(json).map_err(|_| StoreError::Corrupt("a stored Provenance is not JSON".into()))?;
                            Served::built(&value)
                        })
                        .collect::<Result<Vec<Served>, _>>()?;
                    return Ok(Page { resources, total: usize::try_from(total).unwrap_or_default(), patient_id });
                }
                let (lines, total) = store::audit::for_patient(conn, &patient_id, &AccessLogFilter::default(), count, offset).await?;
                let resources = lines.iter().map(|line| Served::built(&audit_event_resource(line))).collect::<Result<_, _>>()?;
                Ok(Page { resources, total: usize::try_from(total).unwrap_or_default(), patient_id })
            })
        })
        .await
    }
}

fn not_found(error: ServiceError) -> ServiceError {
    match error {
        ServiceError::Store(StoreError::NotFound) => ServiceError::NotFound,
        other => other,
    }
}

/// How many resources of each type a list holds (for the capability tests and `$everything`).
pub fn type_counts(resources: &[Served]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for resource in resources {
        *counts.entry(resource.resource_type.clone()).or_default() += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn searches_parse_and_refuse_what_they_do_not_support() {
        let search =
            parse_search(&pairs(&[("patient", "Patient/p1"), ("_count", "10"), ("_sort", "-date"), ("date", "ge2024-01")])).unwrap();
        assert_eq!((search.patient.as_deref(), search.count, search.newest_first), (Some("p1"), 10, true));
        for (name, value) in [
            ("_count", "0"),
            ("_count", "500"),
            ("date", "2024-1-1"),
            ("date", "xx2024"),
            ("_sort", "code"),
            ("name", "An"),
            ("code", ""),
            ("code", "a,b"),
        ] {
            let refused = parse_search(&pairs(&[(name, value)])).unwrap_err();
            assert_eq!(refused.location, name, "{name}={value}");
        }
    }

    #[test]
    fn date_bounds_compare_at_their_precision() {
        let ge = date_bound("date", "ge2024-03").unwrap();
        assert!(ge.admits(Some("2024-03-01")) && ge.admits(Some("2025-01-01")) && !ge.admits(Some("2024-02-29")));
        let eq = date_bound("date", "2024").unwrap();
        assert!(eq.admits(Some("2024-12-31")) && !eq.admits(Some("2023-12-31")) && !eq.admits(None));
        let lt = date_bound("date", "lt2024-03-05").unwrap();
        assert!(lt.admits(Some("2024-03-04")) && !lt.admits(Some("2024-03-05")));
    }
}
