//! The FHIR R4 JSON API over HTTP (`/fhir`). Handlers parse, call one service function, and wrap
//! the answer as a resource or a Bundle; every failure is an OperationOutcome with its status.
//! Access is the portal session (citizens and clinicians in their browser) or a bearer token the
//! person created in the portal (API clients); OAuth2 authorization flows are not built, and the
//! CapabilityStatement says so.

use app::port::RequestMeta;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use super::AppState;
use crate::error::ServiceError;
use crate::policy::DenyReason;
use crate::service::fhir_api::{
    parse_search, BadParameter, Page, Search, Served, CLINICAL_TYPES, MAX_COUNT, OWN_FACT_TYPES, SEARCH_PARAMS,
};

pub const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

pub fn fhir(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

/// An OperationOutcome with one error issue.
pub fn outcome(status: StatusCode, code: &str, diagnostics: &str, location: Option<&str>) -> Response {
    let mut issue = json!({ "severity": "error", "code": code, "diagnostics": diagnostics });
    if let Some(location) = location {
        issue["expression"] = json!([location]);
    }
    fhir(status, &json!({ "resourceType": "OperationOutcome", "issue": [issue] }))
}

fn failure(error: ServiceError) -> Response {
    match error {
        ServiceError::Unauthenticated | ServiceError::Forbidden(DenyReason::NotAuthenticated) => {
            let mut response = outcome(
                StatusCode::UNAUTHORIZED,
                "login",
                "Sign in to the portal, or send a valid bearer token (Authorization: Bearer).",
                None,
            );
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"hoso\""));
            response
        }
        // The token's owner chose its categories, so saying so leaks nothing about the record.
        ServiceError::Forbidden(DenyReason::OutsideTokenScope) => outcome(
            StatusCode::FORBIDDEN,
            "forbidden",
            "The bearer token does not cover this part of the record; the refusal is recorded in the access log.",
            None,
        ),
        // One message for every other reason: whether a record exists, or which grant lapsed, is
        // not told to the caller (the reason is in the audit row).
        ServiceError::Forbidden(_) => {
            outcome(StatusCode::FORBIDDEN, "forbidden", "Access refused; the refusal is recorded in the access log.", None)
        }
        ServiceError::NotFound => outcome(StatusCode::NOT_FOUND, "not-found", "No such resource.", None),
        ServiceError::BadRequest(what) => outcome(StatusCode::BAD_REQUEST, "invalid", what, None),
        ServiceError::Invalid(what) => outcome(StatusCode::BAD_REQUEST, "invalid", &format!("{what:?}"), None),
        ServiceError::Store(error) => {
            tracing::error!(%error, "FHIR request failed on storage");
            outcome(StatusCode::SERVICE_UNAVAILABLE, "exception", "The service is temporarily unavailable.", None)
        }
        ServiceError::Internal(error) => {
            tracing::error!(%error, "FHIR request failed");
            outcome(StatusCode::SERVICE_UNAVAILABLE, "exception", "The service is temporarily unavailable.", None)
        }
    }
}

fn bad_parameter(problem: BadParameter) -> Response {
    outcome(StatusCode::BAD_REQUEST, "invalid", &problem.problem, Some(&problem.location))
}

fn supported(resource_type: &str) -> bool {
    resource_type == "Patient" || CLINICAL_TYPES.contains(&resource_type) || OWN_FACT_TYPES.contains(&resource_type)
}

fn unsupported(resource_type: &str) -> Response {
    outcome(
        StatusCode::NOT_FOUND,
        "not-supported",
        &format!("Resource type {resource_type} is not served here (see /fhir/metadata)."),
        None,
    )
}

fn base(state: &AppState) -> String {
    format!("{}/fhir", state.portal.config.public_url.as_str().trim_end_matches('/'))
}

/// `GET /fhir/metadata`: what this server really does, and nothing more.
pub async fn metadata(State(state): State<AppState>) -> Response {
    let search_params: Vec<Value> = SEARCH_PARAMS
        .iter()
        .map(|name| {
            let kind = match *name {
                "patient" => "reference",
                "_count" | "_page" => "number",
                "_lastUpdated" | "date" => "date",
                "code" => "token",
                _ => "string",
            };
            json!({ "name": name, "type": kind })
        })
        .collect();
    let mut resources = vec![json!({
        "type": "Patient",
        "interaction": [{ "code": "read" }, { "code": "search-type" }],
        "searchParam": [{ "name": "_id", "type": "token" }],
        "operation": [{ "name": "everything", "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything" }]
    })];
    for kind in CLINICAL_TYPES {
        resources.push(json!({
            "type": kind,
            "interaction": [{ "code": "read" }, { "code": "search-type" }],
            "searchParam": search_params,
        }));
    }
    for kind in OWN_FACT_TYPES {
        resources.push(json!({
            "type": kind,
            "documentation": "The record's own citizen only: the grants they made (Consent), who read their record (AuditEvent, newest first).",
            "interaction": [{ "code": "search-type" }],
            "searchParam": [{ "name": "patient", "type": "reference" }, { "name": "_count", "type": "number" }, { "name": "_page", "type": "number" }],
        }));
    }
    let statement = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-22",
        "kind": "instance",
        "software": { "name": "hoso", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "hoso citizen health record portal", "url": base(&state) },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "documentation": format!(
                "Read-only. Access with a portal session (cookie), or a bearer token (RFC 6750) that a signed-in person \
                 creates in the portal for chosen categories; there is no OAuth2 authorization endpoint yet. Every read is decided by the citizen's consent and recorded in the access log. Searches are \
                 patient-compartment searches (one patient per search; `_count` at most {MAX_COUNT}). \
                 Patient/$everything is for the record's own citizen."
            ),
            "security": {
                "cors": false,
                "description": "Portal session cookie (passkey sign-in), or Authorization: Bearer with a token created by the person in the portal."
            },
            "resource": resources,
        }],
    });
    fhir(StatusCode::OK, &statement)
}

/// `GET /fhir/{type}/{id}`.
pub async fn read(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Path((resource_type, id)): Path<(String, String)>,
) -> Response {
    if !supported(&resource_type) || OWN_FACT_TYPES.contains(&resource_type.as_str()) {
        return unsupported(&resource_type);
    }
    if id.is_empty() || id.len() > 64 {
        return outcome(StatusCode::NOT_FOUND, "not-found", "No such resource.", None);
    }
    match state.portal.fhir_read(&meta, &resource_type, &id).await {
        Ok(resource) => fhir_text(StatusCode::OK, resource.into_inner().json.get().to_string()),
        Err(error) => failure(error),
    }
}

/// Encodes a query name or value (the `url` crate's form encoding).
fn encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// A resource's JSON text served as it is (decimals exactly as stored).
fn fhir_text(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(FHIR_JSON));
    response
}

/// A search-set entry: a resource with its full URL, its text embedded unchanged.
#[derive(serde::Serialize)]
struct Entry {
    #[serde(rename = "fullUrl")]
    full_url: String,
    resource: Box<serde_json::value::RawValue>,
    search: Value,
}

/// A `searchset` Bundle, serialized with each resource's text as stored.
#[derive(serde::Serialize)]
struct SearchSet {
    #[serde(rename = "resourceType")]
    resource_type: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    total: usize,
    link: Vec<Value>,
    entry: Vec<Entry>,
}

impl SearchSet {
    fn new(base: &str, total: usize, link: Vec<Value>, resources: Vec<Served>) -> SearchSet {
        let entry = resources
            .into_iter()
            .map(|resource| Entry {
                full_url: format!("{base}/{}/{}", resource.resource_type, resource.id),
                resource: resource.json,
                search: json!({ "mode": "match" }),
            })
            .collect();
        SearchSet { resource_type: "Bundle", kind: "searchset", total, link, entry }
    }

    fn text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn bundle(base: &str, resource_type: &str, search: &Search, filters: &[(String, String)], page: Page) -> SearchSet {
    // Paging links repeat every filter the client sent, so following them pages the same result.
    let kept: String = filters
        .iter()
        .filter(|(name, _)| !matches!(name.as_str(), "patient" | "subject" | "_count" | "_page" | "_id"))
        .map(|(name, value)| format!("&{}={}", encode(name), encode(value)))
        .collect();
    let link = |page_number: usize| {
        format!("{base}/{resource_type}?patient={}&_count={}&_page={page_number}{kept}", encode(&page.patient_id), search.count)
    };
    let mut links = vec![json!({ "relation": "self", "url": link(search.page) })];
    if search.page * search.count < page.total {
        links.push(json!({ "relation": "next", "url": link(search.page + 1) }));
    }
    if search.page > 1 {
        links.push(json!({ "relation": "previous", "url": link(search.page - 1) }));
    }
    SearchSet::new(base, page.total, links, page.resources)
}

/// `GET /fhir/{type}?patient=…&…`.
pub async fn search(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Path(resource_type): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    if !supported(&resource_type) {
        return unsupported(&resource_type);
    }
    // Patient search: by `_id` (the patient compartment of one person), or one's own.
    let pairs: Vec<(String, String)> = pairs
        .into_iter()
        .map(|(name, value)| if resource_type == "Patient" && name == "_id" { ("patient".to_string(), value) } else { (name, value) })
        .collect();
    if resource_type == "Patient" {
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !matches!(name.as_str(), "patient" | "_count" | "_format")) {
            return bad_parameter(BadParameter { location: name.clone(), problem: "Patient is searched by _id only".into() });
        }
    }
    if OWN_FACT_TYPES.contains(&resource_type.as_str()) {
        if let Some((name, _)) = pairs.iter().find(|(name, _)| !matches!(name.as_str(), "patient" | "_count" | "_page" | "_format")) {
            return bad_parameter(BadParameter { location: name.clone(), problem: "searched by patient, _count and _page only".into() });
        }
    }
    let search = match parse_search(&pairs) {
        Ok(search) => search,
        Err(problem) => return bad_parameter(problem),
    };
    let found = if OWN_FACT_TYPES.contains(&resource_type.as_str()) {
        state.portal.fhir_own_facts(&meta, &resource_type, search.clone()).await
    } else {
        state.portal.fhir_search(&meta, &resource_type, search.clone()).await
    };
    match found {
        Ok(page) => fhir_text(StatusCode::OK, bundle(&base(&state), &resource_type, &search, &pairs, page.into_inner()).text()),
        Err(error) => failure(error),
    }
}

/// `GET /fhir/Patient/{id}/$everything`: the whole record as a Bundle (the "download my record"
/// button adds `?download=1` to have the browser save it as a file).
pub async fn everything(
    State(state): State<AppState>,
    Extension(meta): Extension<RequestMeta>,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Response {
    let download = pairs.iter().any(|(name, value)| name == "download" && value == "1");
    match state.portal.fhir_everything(&meta, &id).await {
        Ok(resources) => {
            let base = base(&state);
            let resources = resources.into_inner();
            let link = vec![json!({ "relation": "self", "url": format!("{base}/Patient/{id}/$everything") })];
            let body = SearchSet::new(&base, resources.len(), link, resources);
            let mut response = fhir_text(StatusCode::OK, body.text());
            if download {
                if let Ok(value) = HeaderValue::from_str("attachment; filename=\"ho-so-suc-khoe.fhir.json\"") {
                    response.headers_mut().insert(header::CONTENT_DISPOSITION, value);
                }
            }
            response
        }
        Err(error) => failure(error),
    }
}

/// Anything else under `/fhir`: an OperationOutcome rather than the app's HTML 404.
pub async fn fallback() -> Response {
    outcome(StatusCode::NOT_FOUND, "not-supported", "Not an interaction this server supports (see /fhir/metadata).", None)
}
