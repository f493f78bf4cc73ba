//! Facility import: a FHIR R4 `transaction` or `batch` Bundle from a facility's system, spooled to
//! a file and read twice, one entry at a time ([`stream`]), so memory does not grow with the
//! bundle's size.
//!
//! 1. **Survey** (no database): every entry is checked (a resource, a type the portal keeps, a
//!    POST or PUT request, an identity, references it can follow) and only a small head of it is
//!    kept. Problems are collected with their location (`Bundle.entry[3].resource.subject`).
//! 2. **Resolve** (in the write transaction): each Patient entry is matched to a record by its
//!    CCCD identifier, or by an identifier this facility sent with a CCCD before; a new CCCD creates
//!    the record (it then waits for its citizen to enrol). Every `urn:uuid:` and relative reference
//!    must point at an entry of the bundle or at something already stored; every clinical entry
//!    must belong to a patient. Any problem: nothing is written, and the answer names each one.
//!    Each lookup of a person (by CCCD, by an identifier of the facility, by a `Patient/<id>`
//!    reference) is audited as `patient_lookup`, with the record found or none, whatever the
//!    outcome: the answer (a location, "unknown patient", a conflict) tells the facility whether
//!    the person has a record. A refused import is rolled back and its lookups are then recorded
//!    in a transaction of their own, so a refusal writes audit rows and nothing else.
//! 3. **Write** (same transaction, second read of the file): each resource gets a stable id derived
//!    from (facility, type, the id it was sent with), its references are rewritten to the portal's
//!    ids, and it is inserted, replaced (a new version) or left alone when unchanged, so sending the
//!    same bundle twice changes nothing. A Provenance per record changed names the facility, its
//!    client, the bundle's SHA-256 and every resource written; the audit row goes in the same
//!    transaction.
//!
//! `transaction` is all-or-nothing. `batch` answers each entry on its own (R4 http.html#brules):
//! an entry that fails the survey, resolution or the write (one that would overwrite another
//! person's resource) gets its own 4xx with an OperationOutcome, and the others are written;
//! only a problem of the bundle itself (its type, its JSON) refuses a batch whole.
//!
//! References may be relative, absolute, `urn:uuid:`, versioned (`…/_history/n`: resolved as
//! the plain reference, then the version checked against the entry's `meta.versionId`),
//! conditional (`Practitioner?identifier=system|value`: resolved by search among the bundle's
//! entries and the facility's directory, exactly one match) or contained (`#id`, kept).

pub mod stream;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufReader;
use std::path::Path;

use serde_json::value::RawValue;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::audit::AuditEvent;
use crate::fhir::exact::Json;
use crate::fhir::{self, CCCD_SYSTEM, DIRECTORY_TYPES};
use crate::store::clinical::ClinicalRow;
use crate::store::import::ImportCaller;
use crate::store::patient::PatientRow;
use crate::store::{self, Conn, StoreError};
use crate::transfers::Handle;

/// At most this many problems are reported (and kept) for one bundle.
pub const MAX_PROBLEMS: usize = 100;
/// How many prepared entries wait between the reader thread and the writer.
const CHANNEL: usize = 256;

/// One thing wrong with a bundle: HTTP status it implies, FHIR issue code, FHIRPath location.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub status: u16,
    pub code: &'static str,
    pub location: String,
    pub message: String,
}

fn problem(status: u16, code: &'static str, location: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { status, code, location: location.into(), message: message.into() }
}

/// How a `Patient.identifier` is matched to a record. Every match is a lookup of a person and is
/// audited (`patient_lookup`), so a new way of matching belongs in [`IdentifierSystem::ALL`], which
/// the tests go through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdentifierSystem {
    /// The national CCCD ([`CCCD_SYSTEM`]): any record with that number.
    Cccd,
    /// Any other system (a medical record number, ...): the record this facility sent that
    /// identifier for before, together with a CCCD.
    Facility,
}

impl IdentifierSystem {
    /// Every way of matching an identifier.
    pub const ALL: [IdentifierSystem; 2] = [IdentifierSystem::Cccd, IdentifierSystem::Facility];

    /// How an identifier of this `system` is matched: the CCCD under the VN Core community
    /// draft's name ([`CCCD_SYSTEM`]) or the Ministry of Health's ([`fhir::MOH_NATIONAL_ID_SYSTEM`])
    /// nationally, anything else by facility.
    pub fn of(system: &str) -> IdentifierSystem {
        if fhir::CCCD_SYSTEMS.contains(&system) {
            IdentifierSystem::Cccd
        } else {
            IdentifierSystem::Facility
        }
    }
}

/// A health-insurance number as an import sends it (R4 Patient.identifier under one of
/// [`fhir::INSURANCE_SYSTEMS`]), in the forms of shared/DOMAIN.md: the legacy 15-character
/// BHYT card code (2 letters, benefit digit, 2-digit province, 10-digit social-insurance number)
/// or the 10-digit social-insurance number. Returns (card code, social-insurance number).
pub fn insurance_numbers(value: &str) -> Option<(Option<String>, String)> {
    let value = value.trim().to_uppercase();
    let bytes = value.as_bytes();
    if bytes.len() == 10 && bytes.iter().all(u8::is_ascii_digit) {
        return Some((None, value));
    }
    let card = bytes.len() == 15 && bytes[..2].iter().all(u8::is_ascii_uppercase) && bytes[2..].iter().all(u8::is_ascii_digit);
    card.then(|| (Some(value.clone()), value[5..].to_string()))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleKind {
    Transaction,
    Batch,
}

/// How an import ended.
#[derive(Debug)]
pub enum ImportError {
    /// The bundle is refused; nothing was written.
    Refused(Vec<Problem>),
    Store(StoreError),
    Io(std::io::Error),
}

impl From<StoreError> for ImportError {
    fn from(error: StoreError) -> Self {
        ImportError::Store(error)
    }
}

impl From<sqlx::Error> for ImportError {
    fn from(error: sqlx::Error) -> Self {
        ImportError::Store(error.into())
    }
}

/// What an accepted import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub entries: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub failed: usize,
    pub patients_created: usize,
    /// The transaction-response or batch-response Bundle.
    pub response: Value,
}

#[derive(Clone, Debug, Default)]
struct PatientFacts {
    cccd: Option<(String, String)>,
    /// A health-insurance number: (card code, social-insurance number, location).
    insurance: Option<(Option<String>, String, String)>,
    identifiers: Vec<(String, String)>,
    family: Option<String>,
    given: Option<String>,
    birth_date: Option<String>,
    sex: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

#[derive(Clone, Debug)]
enum Kind {
    Patient(Box<PatientFacts>),
    Clinical,
    Directory,
    /// Checked and answered, not kept ([`fhir::ANSWERED_NOT_KEPT`]).
    NotKept,
}

/// What the survey keeps of one entry.
#[derive(Clone, Debug)]
struct Head {
    full_url: Option<String>,
    resource_type: String,
    source_id: Option<String>,
    kind: Kind,
    /// References to resolve: (location, reference as sent).
    references: Vec<(String, String)>,
    /// The reference naming the entry's patient (clinical entries).
    patient_reference: Option<String>,
    /// `meta.versionId` as sent, for versioned references to this entry.
    version_id: Option<String>,
    /// A directory entry's identifiers (system, value), for conditional references to it.
    identifiers: Vec<(Option<String>, String)>,
    /// A Provenance's `target` references (answered, not kept, only when each is an entry of
    /// this bundle).
    targets: Vec<String>,
}

struct Survey {
    kind: Option<BundleKind>,
    heads: Vec<Option<Head>>,
    problems: Vec<Problem>,
    sha256: String,
}

fn is_fhir_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

fn text(value: &Value, pointer: &str) -> Option<String> {
    value.pointer(pointer).and_then(Value::as_str).map(str::to_string)
}

/// Every `reference` string in a resource, with its FHIRPath location.
fn references(value: &Value, path: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let here = format!("{path}.{key}");
                match (key.as_str(), inner) {
                    ("reference", Value::String(reference)) => found.push((here, reference.clone())),
                    _ => references(inner, &here, found),
                }
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                references(inner, &format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

/// A conditional reference (R4 http.html#trules: `Type?identifier=system|value`), as the
/// directory types it may name and the identifier it searches for: (type, system, value). Only
/// `identifier` is supported; anything else is refused with the reason.
fn conditional(reference: &str) -> Result<(&str, Option<String>, String), String> {
    let (resource_type, query) = reference.split_once('?').ok_or_else(|| "not a conditional reference".to_string())?;
    if !DIRECTORY_TYPES.contains(&resource_type) {
        return Err(format!("a conditional reference may name {} only, not {resource_type}", DIRECTORY_TYPES.join(", ")));
    }
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    match pairs.as_slice() {
        [(name, token)] if name == "identifier" && !token.is_empty() => Ok(match token.split_once('|') {
            Some((system, value)) => (resource_type, Some(system.to_string()).filter(|s| !s.is_empty()), value.to_string()),
            None => (resource_type, None, token.clone()),
        }),
        _ => Err("a conditional reference is resolved by one identifier=system|value search only".to_string()),
    }
}

/// Whether a resource carries an identifier (`system` when given, `value`).
fn has_identifier(resource: &Value, system: Option<&str>, value: &str) -> bool {
    resource["identifier"].as_array().into_iter().flatten().any(|identifier| {
        identifier["value"].as_str() == Some(value) && system.is_none_or(|system| identifier["system"].as_str() == Some(system))
    })
}

/// A reference without its version (`Encounter/x/_history/1` → (`Encounter/x`, `1`)), R4
/// references.html#literal: a versioned reference is resolved like the plain one, then its
/// version is checked.
fn split_version(reference: &str) -> (&str, Option<&str>) {
    match reference.split_once("/_history/") {
        Some((base, version)) if !version.is_empty() && !version.contains('/') => (base, Some(version)),
        _ => (reference, None),
    }
}

/// Whether a reference needs resolving here: `urn:` (bundle-local) and relative `Type/id`.
/// Contained (`#x`) and absolute URLs are kept as they are.
fn needs_resolving(reference: &str) -> bool {
    reference.starts_with("urn:") || (!reference.starts_with('#') && !reference.contains("://"))
}

fn patient_facts(resource: &Value, at: &str, problems: &mut Vec<Problem>) -> PatientFacts {
    let mut facts = PatientFacts::default();
    for (index, identifier) in resource["identifier"].as_array().into_iter().flatten().enumerate() {
        let (Some(system), Some(value)) = (identifier["system"].as_str(), identifier["value"].as_str()) else { continue };
        match IdentifierSystem::of(system) {
            IdentifierSystem::Cccd => facts.cccd = Some((value.to_string(), format!("{at}.identifier[{index}].value"))),
            IdentifierSystem::Facility => {
                if fhir::INSURANCE_SYSTEMS.contains(&system) {
                    let location = format!("{at}.identifier[{index}].value");
                    match insurance_numbers(value) {
                        Some((card, number)) => facts.insurance = Some((card, number, location)),
                        None => problems.push(problem(
                            422,
                            "invalid",
                            location,
                            "a health-insurance number is the 15-character BHYT card code (2 letters and 13 digits) or the 10-digit social-insurance number",
                        )),
                    }
                }
                if !value.is_empty() && value.len() <= 200 && system.len() <= 300 {
                    facts.identifiers.push((system.to_string(), value.to_string()));
                }
            }
        }
    }
    let name = resource["name"].as_array().and_then(|names| names.iter().find(|n| n["use"] == "official").or_else(|| names.first()));
    if let Some(name) = name {
        facts.family = name["family"].as_str().map(str::to_string);
        let given: Vec<&str> = name["given"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        facts.given = (!given.is_empty()).then(|| given.join(" "));
    }
    facts.birth_date = text(resource, "/birthDate");
    facts.sex = text(resource, "/gender");
    facts.phone = resource["telecom"].as_array().into_iter().flatten().find(|t| t["system"] == "phone").and_then(|t| text(t, "/value"));
    facts.address = resource["address"].as_array().and_then(|a| a.first()).map(|address| {
        address["text"].as_str().map(str::to_string).unwrap_or_else(|| {
            let mut parts: Vec<&str> = address["line"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            for field in ["city", "district", "state", "country"] {
                if let Some(part) = address[field].as_str() {
                    parts.push(part);
                }
            }
            parts.join(", ")
        })
    });
    // A partial birth date (`1948`, `1948-07`) is a FHIR date: kept as given ([`fhir::date`]);
    // its shape is checked with the other R4 rules.
    facts
}

/// Checks one entry and keeps its head.
fn survey_entry(index: usize, entry: &Value, problems: &mut Vec<Problem>) -> Option<Head> {
    let at = format!("Bundle.entry[{index}]");
    let Some(resource) = entry.get("resource").filter(|r| r.is_object()) else {
        problems.push(problem(400, "required", format!("{at}.resource"), "each entry must carry a resource"));
        return None;
    };
    let at_resource = format!("{at}.resource");
    let Some(resource_type) = resource["resourceType"].as_str() else {
        problems.push(problem(400, "required", format!("{at_resource}.resourceType"), "the resource has no resourceType"));
        return None;
    };
    let kind = if resource_type == "Patient" {
        Kind::Patient(Box::default())
    } else if fhir::category_of(resource_type, resource).is_some() {
        Kind::Clinical
    } else if DIRECTORY_TYPES.contains(&resource_type) {
        Kind::Directory
    } else if fhir::ANSWERED_NOT_KEPT.contains(&resource_type) {
        Kind::NotKept
    } else {
        problems.push(problem(
            422,
            "not-supported",
            format!("{at_resource}.resourceType"),
            format!("{resource_type} is not a part of the health record this portal keeps"),
        ));
        return None;
    };
    // The R4 element rules (json.html, the type's elements, required ones, ele-1): an STU3 shape,
    // a null or an empty element is named where it is, and nothing is written.
    for found in fhir::validate::check(resource, &at_resource, MAX_PROBLEMS) {
        problems.push(problem(422, found.code, found.location, found.message));
    }
    match entry.pointer("/request/method").and_then(Value::as_str) {
        Some("POST" | "PUT") => {}
        Some(other) => problems.push(problem(
            422,
            "not-supported",
            format!("{at}.request.method"),
            format!("{other} is not supported in an import (POST or PUT)"),
        )),
        None => {
            problems.push(problem(400, "required", format!("{at}.request"), "each entry of a transaction or batch needs request.method"))
        }
    }
    let full_url = entry["fullUrl"].as_str().map(str::to_string);
    let source_id = resource["id"].as_str().map(str::to_string);
    if let Some(id) = &source_id {
        if !is_fhir_id(id) {
            problems.push(problem(400, "invalid", format!("{at_resource}.id"), "an id is 1-64 letters, digits, '-' or '.'"));
        }
    }
    if full_url.is_none() && source_id.is_none() {
        problems.push(problem(
            422,
            "required",
            format!("{at}.fullUrl"),
            "an entry needs a fullUrl or resource.id, so that sending it again updates it instead of duplicating it",
        ));
    }
    let mut found = Vec::new();
    if !matches!(kind, Kind::NotKept) {
        references(resource, &at_resource, &mut found);
    }
    let mut refs = Vec::new();
    for (location, reference) in found {
        if reference.contains('?') {
            match conditional(&reference) {
                Ok(_) => refs.push((location, reference)),
                Err(message) => problems.push(problem(422, "not-supported", location, message)),
            }
        } else if needs_resolving(&reference) {
            refs.push((location, reference));
        }
    }
    let kind = match kind {
        Kind::Patient(_) => Kind::Patient(Box::new(patient_facts(resource, &at_resource, problems))),
        other => other,
    };
    let patient_reference = match kind {
        Kind::Clinical => {
            let pointer = fhir::patient_pointer(resource_type);
            let reference = text(resource, pointer);
            if reference.is_none() {
                problems.push(problem(
                    422,
                    "required",
                    format!("{at_resource}{}", pointer.trim_end_matches("/reference").replace('/', ".")),
                    format!("{resource_type} names no patient"),
                ));
            }
            reference
        }
        _ => None,
    };
    let version_id = text(resource, "/meta/versionId");
    let targets = match kind {
        Kind::NotKept => resource["target"].as_array().into_iter().flatten().filter_map(|target| text(target, "/reference")).collect(),
        _ => Vec::new(),
    };
    let identifiers = match kind {
        Kind::Directory => resource["identifier"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|identifier| Some((text(identifier, "/system"), text(identifier, "/value")?)))
            .collect(),
        _ => Vec::new(),
    };
    Some(Head {
        full_url,
        resource_type: resource_type.to_string(),
        source_id,
        kind,
        references: refs,
        patient_reference,
        version_id,
        identifiers,
        targets,
    })
}

/// Pass one over the spooled bundle.
fn survey(path: &Path, sha256: String) -> Result<Survey, ImportError> {
    let file = std::fs::File::open(path).map_err(ImportError::Io)?;
    let mut problems = Vec::new();
    let mut heads = Vec::new();
    let parsed = stream::each_entry(BufReader::with_capacity(64 * 1024, file), |index, entry: Value| {
        let mut found = Vec::new();
        let head = survey_entry(index, &entry, &mut found);
        if problems.len() < MAX_PROBLEMS {
            problems.extend(found.into_iter().take(MAX_PROBLEMS - problems.len()));
        } else if let Some(first) = found.into_iter().next() {
            // Past the report's limit each failing entry still keeps one problem, so a batch
            // never writes an entry that was not checked (the report is cut to the limit).
            problems.push(first);
        }
        heads.push(head);
    });
    let bundle = match parsed {
        Ok(bundle) => bundle,
        Err(error) => {
            let message = format!("not a valid JSON Bundle: {error}");
            return Err(ImportError::Refused(vec![problem(
                400,
                "structure",
                format!("line {}, column {}", error.line(), error.column()),
                message,
            )]));
        }
    };
    if bundle.resource_type.as_deref() != Some("Bundle") {
        return Err(ImportError::Refused(vec![problem(
            400,
            "invalid",
            "resourceType",
            format!("expected a Bundle, got {}", bundle.resource_type.as_deref().unwrap_or("no resourceType")),
        )]));
    }
    let kind = match bundle.bundle_type.as_deref() {
        Some("transaction") => Some(BundleKind::Transaction),
        Some("batch") => Some(BundleKind::Batch),
        other => {
            problems.insert(
                0,
                problem(
                    400,
                    "invalid",
                    "Bundle.type",
                    format!("a {} Bundle cannot be imported: send a transaction or a batch", other.unwrap_or("typeless")),
                ),
            );
            None
        }
    };
    Ok(Survey { kind, heads, problems, sha256 })
}

/// The portal id of a resource a facility sent: stable for (facility, type, the id it was sent
/// with), so a resend finds the same row and two facilities' ids never collide.
pub fn derived_id(facility_id: &str, resource_type: &str, source_key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(facility_id)
        .chain_update([0])
        .chain_update(resource_type)
        .chain_update([0])
        .chain_update(source_key)
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid().to_string()
}

fn source_key(head: &Head) -> &str {
    head.source_id.as_deref().or(head.full_url.as_deref()).unwrap_or_default()
}

#[derive(Clone, Debug)]
enum PatientMatch {
    /// A record the portal holds; `insurance` is the (card code, social-insurance number) to
    /// store on it when the import brings one the record lacks or a renewed card of the same number.
    Existing {
        patient_id: String,
        insurance: Option<(Option<String>, String)>,
    },
    New(Box<PatientRow>),
}

impl PatientMatch {
    fn patient_id(&self) -> &str {
        match self {
            PatientMatch::Existing { patient_id, .. } => patient_id,
            PatientMatch::New(row) => &row.patient_id,
        }
    }
}

/// What an import's health-insurance number does to a record the portal already holds: nothing
/// when it says what the record says; stored when the record has none or the card was renewed
/// (same social-insurance number, another card code); refused (409, at the identifier) when the
/// number is another record's, or the record already has another social-insurance number (the
/// social-insurance number, mã số BHXH, is a person's for life; only the card code around it changes).
async fn insurance_update(
    conn: &mut Conn,
    existing: &PatientRow,
    facts: &PatientFacts,
    problems: &mut Vec<Problem>,
) -> Result<Result<Option<(Option<String>, String)>, ()>, StoreError> {
    let Some((card, number, location)) = &facts.insurance else { return Ok(Ok(None)) };
    for identifier in std::iter::once(number).chain(card.iter()) {
        if store::patient::by_identifier(conn, identifier).await?.is_some_and(|other| other.patient_id != existing.patient_id) {
            problems.push(problem(409, "conflict", location.clone(), "this health-insurance number belongs to another person's record"));
            return Ok(Err(()));
        }
    }
    match existing.social_insurance_number.as_deref() {
        Some(known) if known != number => {
            problems.push(problem(409, "conflict", location.clone(), "this record already has another social-insurance number"));
            Ok(Err(()))
        }
        Some(_) if card.is_none() || *card == existing.bhyt_card => Ok(Ok(None)),
        _ => Ok(Ok(Some((card.clone().or_else(|| existing.bhyt_card.clone()), number.clone())))),
    }
}

struct Resolved {
    /// Per entry: the portal id it is written under, and its patient (clinical entries).
    ids: Vec<Option<String>>,
    patients: Vec<Option<String>>,
    /// Reference as sent → reference as stored.
    rewrite: HashMap<String, String>,
    /// Patient entries: how each matched.
    matches: BTreeMap<usize, PatientMatch>,
}

/// The people an import looked up, in order: the record found, or `None` for a lookup that
/// matched no one. Each is audited, whatever becomes of the import.
type Lookups = Vec<Option<String>>;

async fn match_patient(
    conn: &mut Conn,
    caller: &ImportCaller,
    at: &str,
    facts: &PatientFacts,
    problems: &mut Vec<Problem>,
    lookups: &mut Lookups,
) -> Result<Option<PatientMatch>, StoreError> {
    let mut by_identifier = None;
    for (system, value) in &facts.identifiers {
        if let Some(found) = store::import::patient_by_identifier(conn, &caller.facility_id, system, value).await? {
            by_identifier = Some(found);
            break;
        }
    }
    let cccd = facts.cccd.as_ref().map(|(text, cccd_at)| (crate::cccd::parse(text), cccd_at));
    let by_cccd = match &cccd {
        Some((Ok(number), _)) => store::patient::by_cccd(conn, number).await?,
        _ => None,
    };
    // Both queries above looked the person up: the records found, or no one, are audited.
    let found: Vec<String> = by_identifier.iter().cloned().chain(by_cccd.iter().map(|p| p.patient_id.clone())).collect();
    if found.is_empty() {
        if !facts.identifiers.is_empty() || matches!(cccd, Some((Ok(_), _))) {
            lookups.push(None);
        }
    } else {
        lookups.extend(found.into_iter().map(Some));
    }
    let Some((parsed, cccd_at)) = cccd else {
        return Ok(match by_identifier {
            Some(found) => Some(PatientMatch::Existing { patient_id: found, insurance: None }),
            None => {
                problems.push(problem(
                    422,
                    "not-found",
                    format!("{at}.identifier"),
                    format!("unknown patient: no CCCD identifier ({CCCD_SYSTEM}) and no identifier this facility sent with a CCCD before"),
                ));
                None
            }
        });
    };
    let Ok(cccd) = parsed else {
        problems.push(problem(422, "invalid", cccd_at.clone(), "a CCCD has exactly 12 digits"));
        return Ok(None);
    };
    if let Some(existing) = by_cccd {
        if by_identifier.as_ref().is_some_and(|other| *other != existing.patient_id) {
            problems.push(problem(
                409,
                "conflict",
                format!("{at}.identifier"),
                "an identifier of this patient belongs to another person's record",
            ));
            return Ok(None);
        }
        let Ok(insurance) = insurance_update(conn, &existing, facts, problems).await? else { return Ok(None) };
        return Ok(Some(PatientMatch::Existing { patient_id: existing.patient_id, insurance }));
    }
    if by_identifier.is_some() {
        problems.push(problem(
            409,
            "conflict",
            format!("{at}.identifier"),
            "an identifier of this patient belongs to a record with another CCCD",
        ));
        return Ok(None);
    }
    // A new record: the facility is where records come from; its citizen enrols later.
    let mut missing = Vec::new();
    if facts.family.is_none() || facts.given.is_none() {
        missing.push(("name", "a new record needs the person's family and given names"));
    }
    if facts.birth_date.is_none() {
        missing.push(("birthDate", "a new record needs the birth date"));
    }
    let sex = match facts.sex.as_deref() {
        Some(sex @ ("male" | "female" | "other" | "unknown")) => sex.to_string(),
        // Not an R4 administrative-gender code: fhir::validate already named it (code-invalid at
        // `gender`); the record is not matched or made on a sex it does not give.
        Some(_) => return Ok(None),
        None => {
            missing.push(("gender", "a new record needs gender (male, female, other or unknown)"));
            String::new()
        }
    };
    if !missing.is_empty() {
        for (field, message) in missing {
            problems.push(problem(422, "required", format!("{at}.{field}"), message));
        }
        return Ok(None);
    }
    let birth_date = facts.birth_date.clone().unwrap_or_default();
    let birth_date = birth_date.get(..10).unwrap_or(&birth_date).to_string();
    if !crate::cccd::matches_birth(&cccd, &birth_date, &sex) {
        problems.push(problem(422, "invalid", cccd_at.clone(), "the CCCD's century/sex and year digits do not match birthDate and gender"));
        return Ok(None);
    }
    let (bhyt_card, social_insurance_number) = match &facts.insurance {
        Some((card, number, location)) => {
            if store::patient::by_identifier(conn, number).await?.is_some()
                || match card {
                    Some(card) => store::patient::by_identifier(conn, card).await?.is_some(),
                    None => false,
                }
            {
                problems.push(problem(
                    409,
                    "conflict",
                    location.clone(),
                    "this health-insurance number belongs to another person's record",
                ));
                return Ok(None);
            }
            (card.clone(), Some(number.clone()))
        }
        None => (None, None),
    };
    Ok(Some(PatientMatch::New(Box::new(PatientRow {
        patient_id: store::new_id(),
        cccd,
        social_insurance_number,
        bhyt_card,
        family_name: facts.family.clone().unwrap_or_default(),
        given_names: facts.given.clone().unwrap_or_default(),
        birth_date,
        sex,
        phone: facts.phone.clone(),
        address: facts.address.clone(),
        account_id: None,
    }))))
}

async fn exists(conn: &mut Conn, resource_type: &str, id: &str) -> Result<bool, StoreError> {
    Ok(if resource_type == "Patient" {
        store::patient::by_id(conn, id).await?.is_some()
    } else if DIRECTORY_TYPES.contains(&resource_type) {
        !store::import::existing(conn, true, &[id]).await?.is_empty()
    } else {
        store::clinical::owner_of(conn, id).await?.is_some_and(|(_, kind)| kind == resource_type)
    })
}

async fn resolve(
    conn: &mut Conn,
    caller: &ImportCaller,
    heads: &[Option<Head>],
    problems: &mut Vec<Problem>,
    lookups: &mut Lookups,
) -> Result<Resolved, StoreError> {
    let mut resolved =
        Resolved { ids: vec![None; heads.len()], patients: vec![None; heads.len()], rewrite: HashMap::new(), matches: BTreeMap::new() };
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut patient_ids: HashMap<String, usize> = HashMap::new();
    for (index, head) in heads.iter().enumerate() {
        let Some(head) = head else { continue };
        let at = format!("Bundle.entry[{index}].resource");
        let id = match &head.kind {
            Kind::Patient(facts) => match match_patient(conn, caller, &at, facts, problems, lookups).await? {
                Some(found) => {
                    let id = found.patient_id().to_string();
                    if let Some(first) = patient_ids.insert(id.clone(), index) {
                        problems.push(problem(422, "duplicate", at.clone(), format!("the same person as Bundle.entry[{first}]")));
                    }
                    resolved.matches.insert(index, found);
                    id
                }
                None => continue,
            },
            Kind::NotKept => continue,
            _ => derived_id(&caller.facility_id, &head.resource_type, source_key(head)),
        };
        if !seen.insert((head.resource_type.clone(), id.clone())) && !matches!(head.kind, Kind::Patient(_)) {
            problems.push(problem(422, "duplicate", format!("Bundle.entry[{index}]"), "the same resource appears twice in the bundle"));
        }
        let stored = format!("{}/{id}", head.resource_type);
        if let Some(url) = &head.full_url {
            if resolved.rewrite.insert(url.clone(), stored.clone()).is_some() {
                problems.push(problem(422, "duplicate", format!("Bundle.entry[{index}].fullUrl"), "two entries have this fullUrl"));
            }
        }
        if let Some(source) = &head.source_id {
            resolved.rewrite.insert(format!("{}/{source}", head.resource_type), stored.clone());
        }
        resolved.ids[index] = Some(id);
    }
    // A facility's Provenance of this bundle's own entries is answered and not kept: the portal
    // records its own Provenance of the import. Any other is a resource the portal does not keep.
    for (index, head) in heads.iter().enumerate() {
        let Some(Head { kind: Kind::NotKept, resource_type, targets, .. }) = head else { continue };
        if targets.is_empty() || targets.iter().any(|target| !resolved.rewrite.contains_key(target)) {
            problems.push(problem(
                422,
                "not-supported",
                format!("Bundle.entry[{index}].resource.resourceType"),
                format!("{resource_type} is not a part of the health record this portal keeps (only a {resource_type} of this bundle's own entries is accepted, and the portal records its own)"),
            ));
        }
    }
    // Entries already reported (a person who matched no record): references to them say nothing new.
    let failed: HashSet<&str> = heads
        .iter()
        .zip(&resolved.ids)
        .filter_map(|(head, id)| match (head, id) {
            (Some(head), None) => head.full_url.as_deref(),
            _ => None,
        })
        .collect();
    // The version each entry was sent with, under each name it can be referred to by.
    let mut versions: HashMap<String, Option<String>> = HashMap::new();
    for head in heads.iter().flatten() {
        for name in head.full_url.iter().cloned().chain(head.source_id.iter().map(|id| format!("{}/{id}", head.resource_type))) {
            versions.insert(name, head.version_id.clone());
        }
    }
    // References: to an entry of the bundle, or to what is already stored. A versioned reference
    // resolves as the plain one; to an entry of the bundle its version must be the entry's.
    let mut checked: HashMap<String, Option<String>> = HashMap::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    let mut directory: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (index, head) in heads.iter().enumerate() {
        let Some(head) = head else { continue };
        for (location, sent) in &head.references {
            let (base, version) = split_version(sent);
            if let Some(version) = version {
                aliases.push((sent.clone(), base.to_string()));
                if let Some(Some(entry_version)) = versions.get(base) {
                    if entry_version != version {
                        problems.push(problem(
                            409,
                            "conflict",
                            location.clone(),
                            format!("{sent} names version {version}, but the bundle carries version {entry_version} of {base}"),
                        ));
                    }
                }
            }
            let reference = &base.to_string();
            if resolved.rewrite.contains_key(reference) || failed.contains(reference.as_str()) || problems.len() >= MAX_PROBLEMS {
                continue;
            }
            if let Ok((kind, system, value)) = conditional(reference) {
                // Resolved by search: entries of this bundle, then this facility's directory;
                // exactly one match, else the entry fails naming the reference.
                let mut found: Vec<String> = heads
                    .iter()
                    .zip(&resolved.ids)
                    .filter_map(|(other, id)| Some((other.as_ref()?, id.as_ref()?)))
                    .filter(|(other, _)| {
                        other.resource_type == kind
                            && other
                                .identifiers
                                .iter()
                                .any(|(s, v)| v == &value && system.as_ref().is_none_or(|system| s.as_ref() == Some(system)))
                    })
                    .map(|(_, id)| format!("{kind}/{id}"))
                    .collect();
                if found.is_empty() {
                    if !directory.contains_key(kind) {
                        directory.insert(kind.to_string(), store::import::directory_of(conn, &caller.facility_id, kind).await?);
                    }
                    found = directory[kind]
                        .iter()
                        .filter(|(_, json)| {
                            serde_json::from_str::<Value>(json).is_ok_and(|stored| has_identifier(&stored, system.as_deref(), &value))
                        })
                        .map(|(id, _)| format!("{kind}/{id}"))
                        .collect();
                }
                found.sort();
                found.dedup();
                match found.as_slice() {
                    [one] => {
                        resolved.rewrite.insert(reference.clone(), one.clone());
                    }
                    [] => problems.push(problem(
                        422,
                        "not-found",
                        location.clone(),
                        format!("no {kind} of this facility matches {reference}"),
                    )),
                    _ => problems.push(problem(
                        422,
                        "multiple-matches",
                        location.clone(),
                        format!("{} {kind} resources match {reference}: it must name exactly one", found.len()),
                    )),
                }
                let _ = index;
                continue;
            }
            let target = match checked.get(reference) {
                Some(target) => target.clone(),
                None => {
                    let target = match reference.split_once('/') {
                        Some((kind, id)) if !reference.starts_with("urn:") && is_fhir_id(id) && !id.contains('/') => {
                            let candidates = if kind == "Patient" {
                                vec![id.to_string()]
                            } else {
                                vec![derived_id(&caller.facility_id, kind, id), id.to_string()]
                            };
                            let mut found = None;
                            for candidate in candidates {
                                if exists(conn, kind, &candidate).await? {
                                    found = Some(format!("{kind}/{candidate}"));
                                    break;
                                }
                            }
                            // A `Patient/<id>` reference looks the person up by the portal's id.
                            if kind == "Patient" {
                                lookups.push(found.is_some().then(|| id.to_string()));
                            }
                            found
                        }
                        _ => None,
                    };
                    checked.insert(reference.clone(), target.clone());
                    target
                }
            };
            match target {
                Some(_) => {}
                None if reference.starts_with("Patient/") || head.patient_reference.as_deref() == Some(reference.as_str()) => problems
                    .push(problem(
                        422,
                        "not-found",
                        location.clone(),
                        format!("unknown patient: {reference} is neither in the bundle nor a record of this portal"),
                    )),
                None => problems.push(problem(
                    422,
                    "not-found",
                    location.clone(),
                    format!("dangling reference: {reference} is neither an entry of the bundle nor stored here"),
                )),
            }
            let _ = index;
        }
    }
    for (reference, target) in checked {
        if let Some(target) = target {
            resolved.rewrite.insert(reference, target);
        }
    }
    // The portal keeps its own versions: a versioned reference is stored as the plain one.
    for (sent, base) in aliases {
        if let Some(target) = resolved.rewrite.get(&base).cloned() {
            resolved.rewrite.insert(sent, target);
        }
    }
    // Each clinical entry belongs to one patient.
    for (index, head) in heads.iter().enumerate() {
        let Some(Head { kind: Kind::Clinical, patient_reference: Some(reference), resource_type, .. }) = head else { continue };
        match resolved.rewrite.get(reference).and_then(|target| target.strip_prefix("Patient/")) {
            Some(patient_id) => resolved.patients[index] = Some(patient_id.to_string()),
            None if resolved.rewrite.contains_key(reference) => problems.push(problem(
                422,
                "invalid",
                format!("Bundle.entry[{index}].resource{}", fhir::patient_pointer(resource_type).replace('/', ".")),
                format!("{reference} is not a Patient"),
            )),
            None => {} // already reported as unknown
        }
    }
    Ok(resolved)
}

/// One entry ready to write, from the reader thread.
struct Prepared {
    index: usize,
    resource_type: String,
    id: String,
    row: Option<ClinicalRow>,
    json: String,
}

/// Pass two for one entry: the resource as sent ([`Json`]: numbers and member order exactly as
/// they came), with the portal's id, its references rewritten to what they resolved to, and
/// `meta.versionId`/`meta.lastUpdated` (which the portal owns) removed.
fn prepare(index: usize, entry: &RawValue, resolved: &Resolved, heads: &[Option<Head>]) -> Option<Prepared> {
    let head = heads.get(index)?.as_ref()?;
    if matches!(head.kind, Kind::Patient(_) | Kind::NotKept) {
        return None;
    }
    let id = resolved.ids.get(index)?.clone()?;
    let mut entry = Json::parse(entry.get()).ok()?;
    let resource = entry.get_mut("resource")?;
    resource.rewrite_references(&resolved.rewrite);
    resource.set("id", Json::String(id.clone()));
    if let Some(meta) = resource.get_mut("meta") {
        meta.remove("versionId");
        meta.remove("lastUpdated");
        if meta.is_empty_object() {
            resource.remove("meta");
        }
    }
    let json = resource.to_text();
    let row = match head.kind {
        Kind::Clinical => {
            let value: Value = serde_json::from_str(&json).ok()?;
            let fields = fhir::index(&value).ok()?;
            Some(fields.into_row(id.clone(), resolved.patients.get(index)?.clone()?, json.clone()))
        }
        _ => None,
    };
    Some(Prepared { index, resource_type: head.resource_type.clone(), id, row, json })
}

/// The entry a problem's location names (`Bundle.entry[3].resource…` → 3).
fn entry_of(location: &str) -> Option<usize> {
    location.strip_prefix("Bundle.entry[")?.split_once(']')?.0.parse().ok()
}

/// Batch: every entry with a problem is answered with its own 4xx and an OperationOutcome of
/// all its problems, and is not looked at again; the problems of the bundle itself stay. Returns
/// the entries that failed now.
fn fail_entries_alone(writer: &mut Writer<'_>, heads: &mut [Option<Head>], problems: &mut Vec<Problem>) -> Vec<usize> {
    let mut by_entry: BTreeMap<usize, Vec<Problem>> = BTreeMap::new();
    problems.retain(|problem| match entry_of(&problem.location).filter(|index| *index < heads.len()) {
        Some(index) => {
            by_entry.entry(index).or_default().push(problem.clone());
            false
        }
        None => true,
    });
    for (index, found) in &by_entry {
        let status = if found.iter().any(|p| p.status == 400) {
            "400 Bad Request"
        } else if found.iter().any(|p| p.status == 409) {
            "409 Conflict"
        } else {
            "422 Unprocessable Entity"
        };
        let mut response = json!({ "status": status, "outcome": outcome_of(found) });
        if let Some(head) = heads[*index].take() {
            if let Some(url) = head.full_url {
                response["location"] = Value::String(url);
            }
        }
        writer.responses[*index] = json!({ "response": response });
        writer.summary.failed += 1;
    }
    by_entry.into_keys().collect()
}

fn response_entry(status: &str, location: Option<String>, outcome: Option<&Problem>) -> Value {
    let mut response = json!({ "status": status });
    if let Some(location) = location {
        response["location"] = Value::String(location);
    }
    if let Some(problem) = outcome {
        response["outcome"] = outcome_of(std::slice::from_ref(problem));
    }
    json!({ "response": response })
}

/// An OperationOutcome naming each problem at its location.
pub fn outcome_of(problems: &[Problem]) -> Value {
    let issues: Vec<Value> = problems
        .iter()
        .map(|p| json!({ "severity": "error", "code": p.code, "diagnostics": p.message, "expression": [p.location] }))
        .collect();
    json!({ "resourceType": "OperationOutcome", "issue": issues })
}

/// What was written for one record (for its Provenance and audit row).
#[derive(Default)]
struct Touched {
    created: i64,
    updated: i64,
    targets: Vec<String>,
}

struct Writer<'a> {
    conn: &'a mut Conn,
    caller: &'a ImportCaller,
    kind: BundleKind,
    now: i64,
    responses: Vec<Value>,
    touched: BTreeMap<String, Touched>,
    summary: ImportSummary,
    failures: Vec<Problem>,
}

impl Writer<'_> {
    async fn write_chunk(&mut self, chunk: Vec<Prepared>) -> Result<(), ImportError> {
        let clinical_ids: Vec<&str> = chunk.iter().filter(|p| p.row.is_some()).map(|p| p.id.as_str()).collect();
        let directory_ids: Vec<&str> = chunk.iter().filter(|p| p.row.is_none()).map(|p| p.id.as_str()).collect();
        let stored_clinical = store::import::existing(self.conn, false, &clinical_ids).await?;
        let stored_directory = store::import::existing(self.conn, true, &directory_ids).await?;
        let mut inserts = Vec::new();
        for prepared in chunk {
            let location = |version: i64| format!("{}/{}/_history/{version}", prepared.resource_type, prepared.id);
            match &prepared.row {
                Some(row) => match stored_clinical.get(&prepared.id) {
                    Some(stored) if stored.patient_id.as_deref() != Some(row.patient_id.as_str()) => {
                        let failure = problem(
                            409,
                            "conflict",
                            format!("Bundle.entry[{}]", prepared.index),
                            "this id was sent before for another person's record; it is not moved",
                        );
                        self.responses[prepared.index] = response_entry("409 Conflict", None, Some(&failure));
                        self.summary.failed += 1;
                        self.failures.push(failure);
                    }
                    Some(stored) if stored.resource_json == row.resource_json => {
                        self.responses[prepared.index] = response_entry("200 OK", Some(location(stored.version_id)), None);
                        self.summary.unchanged += 1;
                    }
                    Some(stored) => {
                        store::import::update_clinical(self.conn, row, self.now).await?;
                        self.responses[prepared.index] = response_entry("200 OK", Some(location(stored.version_id + 1)), None);
                        self.summary.updated += 1;
                        let touched = self.touched.entry(row.patient_id.clone()).or_default();
                        touched.updated += 1;
                        touched.targets.push(format!("{}/{}", prepared.resource_type, prepared.id));
                    }
                    None => {
                        self.responses[prepared.index] = response_entry("201 Created", Some(location(1)), None);
                        self.summary.created += 1;
                        let touched = self.touched.entry(row.patient_id.clone()).or_default();
                        touched.created += 1;
                        touched.targets.push(format!("{}/{}", prepared.resource_type, prepared.id));
                        inserts.push(prepared.row.clone().ok_or(StoreError::Corrupt("row".into()))?);
                    }
                },
                None => {
                    let stored = stored_directory.get(&prepared.id);
                    match stored {
                        Some(stored) if stored.resource_json == prepared.json => {
                            self.responses[prepared.index] = response_entry("200 OK", Some(location(stored.version_id)), None);
                            self.summary.unchanged += 1;
                        }
                        _ => {
                            store::import::upsert_directory(
                                self.conn,
                                &prepared.id,
                                &prepared.resource_type,
                                &self.caller.facility_id,
                                &prepared.json,
                                stored.is_some(),
                                self.now,
                            )
                            .await?;
                            let (status, version) = match stored {
                                Some(stored) => ("200 OK", stored.version_id + 1),
                                None => ("201 Created", 1),
                            };
                            self.responses[prepared.index] = response_entry(status, Some(location(version)), None);
                            if stored.is_some() {
                                self.summary.updated += 1;
                            } else {
                                self.summary.created += 1;
                            }
                        }
                    }
                }
            }
        }
        store::import::insert_clinical(self.conn, &inserts, self.now).await?;
        if self.kind == BundleKind::Transaction && !self.failures.is_empty() {
            return Err(ImportError::Refused(std::mem::take(&mut self.failures)));
        }
        Ok(())
    }
}

fn iso(now: i64) -> String {
    chrono::DateTime::from_timestamp_millis(now).map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)).unwrap_or_default()
}

/// The Provenance of one import for one record.
fn provenance(id: &str, patient_id: &str, caller: &ImportCaller, sha256: &str, touched: &Touched, now: i64) -> Value {
    let activity = if touched.created > 0 { "CREATE" } else { "UPDATE" };
    let mut targets: Vec<Value> = touched.targets.iter().map(|t| json!({ "reference": t })).collect();
    if targets.is_empty() {
        targets.push(json!({ "reference": format!("Patient/{patient_id}") }));
    }
    json!({
        "resourceType": "Provenance",
        "id": id,
        "target": targets,
        "recorded": iso(now),
        "activity": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "code": activity }] },
        "agent": [
            {
                "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "author" }] },
                "who": { "reference": format!("Organization/{}", caller.facility_id), "display": caller.facility_name }
            },
            {
                "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "code": "assembler" }] },
                "who": { "identifier": { "system": "urn:hoso:facility-client", "value": caller.facility_client_id } },
                "onBehalfOf": { "reference": format!("Organization/{}", caller.facility_id) }
            }
        ],
        "entity": [{
            "role": "source",
            "what": { "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:hash:sha256:{sha256}") }, "display": "FHIR Bundle as received" }
        }]
    })
}

/// At most this many audit rows go into one insert: each binds 17 values, and SQLite and
/// PostgreSQL cap the values of one statement.
const AUDIT_ROWS_PER_INSERT: usize = 1000;

/// Imports a spooled bundle for `caller` in one transaction. `sha256` is the bundle's hash (taken
/// as it was spooled) for the Provenance; `request_id` goes on the audit rows; `progress` is told
/// each stage, and during the write how many entries are done.
///
/// Every person looked up is audited whatever the outcome. Accepted: in the import's transaction.
/// Refused (or failed): the import's transaction is rolled back, so nothing of it stays, and the
/// lookups are recorded alone in a short second one; if they cannot be, the refusal is not
/// reported (the audit's error is).
pub async fn import(
    store: &store::Store,
    caller: &ImportCaller,
    path: &Path,
    sha256: String,
    request_id: &str,
    now: i64,
    progress: &Handle,
) -> Result<ImportSummary, ImportError> {
    let spooled = path.to_path_buf();
    progress.progress("checking", "", 0, 0);
    let survey = tokio::task::spawn_blocking(move || survey(&spooled, sha256))
        .await
        .map_err(|error| ImportError::Io(std::io::Error::other(error)))??;
    let Some(kind) = survey.kind else { return Err(ImportError::Refused(survey.problems)) };
    // A transaction is all or nothing; a batch answers each entry on its own, so only a problem
    // of the bundle itself (not of one entry) refuses it here.
    let refuses = |p: &Problem| p.status == 400 && (kind == BundleKind::Transaction || entry_of(&p.location).is_none());
    if survey.problems.iter().any(refuses) {
        let mut problems = survey.problems;
        problems.truncate(MAX_PROBLEMS);
        return Err(ImportError::Refused(problems));
    }
    let entries = survey.heads.len();
    let mut lookups = Lookups::new();
    let mut tx = store.begin().await?;
    let mut writer = Writer {
        conn: &mut tx,
        caller,
        kind,
        now,
        responses: vec![Value::Null; entries],
        touched: BTreeMap::new(),
        summary: ImportSummary { entries, ..ImportSummary::default() },
        failures: Vec::new(),
    };
    let written = write_bundle(&mut writer, path, survey, &mut lookups, progress).await;
    let imported = match written {
        Ok(imported) => imported,
        Err(error) => {
            tx.rollback().await?;
            if !lookups.is_empty() {
                let mut tx = store.begin().await?;
                record(&mut tx, &lookup_events(caller, &lookups), request_id, now).await?;
                tx.commit().await?;
            }
            return Err(error);
        }
    };
    let mut events = lookup_events(caller, &lookups);
    events.extend(imported.iter().map(|(patient_id, provenance_id)| AuditEvent::Imported {
        facility_id: &caller.facility_id,
        client_id: &caller.facility_client_id,
        patient_id,
        provenance_id,
    }));
    record(writer.conn, &events, request_id, now).await?;
    let mut summary = std::mem::take(&mut writer.summary);
    let responses = std::mem::take(&mut writer.responses);
    tx.commit().await?;
    summary.response = json!({
        "resourceType": "Bundle",
        "type": if kind == BundleKind::Transaction { "transaction-response" } else { "batch-response" },
        "entry": responses,
    });
    Ok(summary)
}

/// Resolves and writes a surveyed bundle through `writer` (in the import's transaction). Returns
/// each record changed with the id of the Provenance written for it. People are added to `lookups`
/// as they are looked up, so that the caller audits them whatever this returns.
async fn write_bundle(
    writer: &mut Writer<'_>,
    path: &Path,
    survey: Survey,
    lookups: &mut Lookups,
    progress: &Handle,
) -> Result<Vec<(String, String)>, ImportError> {
    let (caller, now) = (writer.caller, writer.now);
    let mut problems = survey.problems;
    let mut heads = survey.heads;
    let entries = heads.len();
    progress.progress("matching", "", 0, entries as u64);
    if writer.kind == BundleKind::Batch {
        // R4 http.html#brules: each entry of a batch succeeds or fails on its own.
        fail_entries_alone(writer, &mut heads, &mut problems);
    }
    let mut resolved = resolve(writer.conn, caller, &heads, &mut problems, lookups).await?;
    if writer.kind == BundleKind::Batch {
        for index in fail_entries_alone(writer, &mut heads, &mut problems) {
            resolved.matches.remove(&index);
            resolved.ids[index] = None;
        }
    }
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        return Err(ImportError::Refused(problems));
    }
    let heads = std::sync::Arc::new(heads);
    // Entries answered but not kept: the portal writes its own Provenance of this import.
    for (index, head) in heads.iter().enumerate() {
        if let Some(Head { kind: Kind::NotKept, resource_type, .. }) = head {
            let note = json!({ "resourceType": "OperationOutcome", "issue": [{
                "severity": "information", "code": "informational",
                "diagnostics": format!("{resource_type} is checked but not kept: the portal records its own Provenance of this import, naming the facility"),
                "expression": [format!("Bundle.entry[{index}].resource")]
            }] });
            writer.responses[index] = json!({ "response": { "status": "200 OK", "outcome": note } });
            writer.summary.unchanged += 1;
        }
    }
    // Patients first: the clinical rows refer to them.
    for (index, found) in &resolved.matches {
        match found {
            PatientMatch::Existing { patient_id, insurance: None } => {
                writer.responses[*index] = response_entry("200 OK", Some(format!("Patient/{patient_id}")), None);
                writer.summary.unchanged += 1;
            }
            PatientMatch::Existing { patient_id, insurance: Some((card, number)) } => {
                store::patient::set_insurance(writer.conn, patient_id, card.as_deref(), number).await?;
                writer.responses[*index] = response_entry("200 OK", Some(format!("Patient/{patient_id}")), None);
                writer.summary.updated += 1;
                let touched = writer.touched.entry(patient_id.clone()).or_default();
                touched.updated += 1;
                touched.targets.push(format!("Patient/{patient_id}"));
            }
            PatientMatch::New(row) => {
                store::patient::insert(writer.conn, row, now).await?;
                writer.responses[*index] = response_entry("201 Created", Some(format!("Patient/{}", row.patient_id)), None);
                writer.summary.created += 1;
                writer.summary.patients_created += 1;
                let touched = writer.touched.entry(row.patient_id.clone()).or_default();
                touched.created += 1;
                touched.targets.push(format!("Patient/{}", row.patient_id));
            }
        }
        let id = found.patient_id();
        if let Some(Some(Head { kind: Kind::Patient(facts), .. })) = heads.get(*index) {
            for (system, value) in &facts.identifiers {
                store::import::insert_identifier(writer.conn, &caller.facility_id, system, value, id, now).await?;
            }
        }
    }
    // Pass two: the reader thread prepares entries, this task writes them in chunks.
    let resolved = std::sync::Arc::new(resolved);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<Prepared>(CHANNEL);
    let reader = {
        let (path, heads, resolved) = (path.to_path_buf(), heads.clone(), resolved.clone());
        tokio::task::spawn_blocking(move || -> Result<(), ImportError> {
            let file = std::fs::File::open(&path).map_err(ImportError::Io)?;
            stream::each_entry(BufReader::with_capacity(64 * 1024, file), |index, entry: Box<RawValue>| {
                if let Some(prepared) = prepare(index, &entry, &resolved, &heads) {
                    // A closed channel means the writer stopped; its error is the one reported.
                    let _ = sender.blocking_send(prepared);
                }
            })
            .map_err(|error| ImportError::Io(std::io::Error::other(error)))?;
            Ok(())
        })
    };
    let mut chunk = Vec::with_capacity(200);
    let mut written = 0u64;
    progress.progress("writing", "", written, entries as u64);
    while let Some(prepared) = receiver.recv().await {
        chunk.push(prepared);
        if chunk.len() == 200 {
            written += 200;
            writer.write_chunk(std::mem::take(&mut chunk)).await?;
            progress.progress("writing", "", written, entries as u64);
        }
    }
    writer.write_chunk(chunk).await?;
    progress.progress("recording", "", entries as u64, entries as u64);
    reader.await.map_err(|error| ImportError::Io(std::io::Error::other(error)))??;
    if writer.responses.iter().any(Value::is_null) {
        return Err(ImportError::Store(StoreError::Corrupt("an entry was not answered".into())));
    }
    // One Provenance per record changed (and, from the caller, one audit row).
    let touched = std::mem::take(&mut writer.touched);
    let mut imported = Vec::new();
    for (patient_id, touched) in &touched {
        let provenance_id = store::new_id();
        let resource = provenance(&provenance_id, patient_id, caller, &survey.sha256, touched, now);
        store::import::insert_provenance(
            writer.conn,
            &store::import::ProvenanceRow {
                provenance_id: provenance_id.clone(),
                patient_id: patient_id.clone(),
                facility_id: caller.facility_id.clone(),
                facility_client_id: caller.facility_client_id.clone(),
                bundle_sha256: survey.sha256.clone(),
                created_count: touched.created,
                updated_count: touched.updated,
                resource_json: resource.to_string(),
                recorded_at: now,
            },
        )
        .await?;
        imported.push((patient_id.clone(), provenance_id));
    }
    Ok(imported)
}

/// The audit events of an import's lookups: each person once, in the order first looked up, and
/// each lookup that matched no one.
fn lookup_events<'a>(caller: &'a ImportCaller, lookups: &'a Lookups) -> Vec<AuditEvent<'a>> {
    let mut seen = HashSet::new();
    lookups
        .iter()
        .map(Option::as_deref)
        .filter(|found| found.is_none_or(|patient_id| seen.insert(patient_id)))
        .map(|patient_id| AuditEvent::PatientLookup { facility_id: &caller.facility_id, client_id: &caller.facility_client_id, patient_id })
        .collect()
}

/// Appends an import's audit events in the caller's transaction, a bounded number per statement.
async fn record(conn: &mut Conn, events: &[AuditEvent<'_>], request_id: &str, now: i64) -> Result<(), StoreError> {
    for chunk in events.chunks(AUDIT_ROWS_PER_INSERT) {
        crate::audit::record_all(conn, chunk, request_id, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_ids_are_stable_and_separate_facilities() {
        let a = derived_id("f1", "Immunization", "urn:uuid:1");
        assert_eq!(a, derived_id("f1", "Immunization", "urn:uuid:1"));
        assert_ne!(a, derived_id("f2", "Immunization", "urn:uuid:1"));
        assert_ne!(a, derived_id("f1", "Observation", "urn:uuid:1"));
        assert!(is_fhir_id(&a));
    }

    #[test]
    fn the_survey_names_each_problem_where_it_is() {
        let entry = json!({
            "fullUrl": "urn:uuid:2",
            "resource": { "resourceType": "Immunization", "status": "completed", "patient": { "reference": "Patient?identifier=x" } },
        });
        let mut problems = Vec::new();
        survey_entry(4, &entry, &mut problems);
        let locations: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
        assert_eq!(
            locations,
            [
                "Bundle.entry[4].resource.vaccineCode",
                "Bundle.entry[4].resource.occurrence[x]",
                "Bundle.entry[4].request",
                "Bundle.entry[4].resource.patient.reference"
            ]
        );
        assert_eq!(problems[3].code, "not-supported", "a conditional reference to a Patient is not resolved");
        let mut problems = Vec::new();
        survey_entry(0, &json!({ "resource": { "resourceType": "Basic" }, "request": { "method": "POST" } }), &mut problems);
        assert_eq!((problems[0].code, problems[0].location.as_str()), ("not-supported", "Bundle.entry[0].resource.resourceType"));
    }

    #[test]
    fn references_are_found_with_their_paths_and_rewritten() {
        let mut resource: Value =
            json!({ "subject": { "reference": "urn:uuid:p" }, "result": [{ "reference": "urn:uuid:o" }, { "reference": "#c" }] });
        let mut found = Vec::new();
        references(&resource, "R", &mut found);
        assert!(found.contains(&("R.result[0].reference".to_string(), "urn:uuid:o".to_string())), "{found:?}");
        assert_eq!(found.len(), 3);
        let map = HashMap::from([("urn:uuid:p".to_string(), "Patient/1".to_string())]);
        let mut exact = Json::parse(&resource.to_string()).unwrap();
        exact.rewrite_references(&map);
        resource = serde_json::from_str(&exact.to_text()).unwrap();
        assert_eq!(resource["subject"]["reference"], "Patient/1");
        assert_eq!(resource["result"][1]["reference"], "#c");
    }

    #[test]
    fn each_person_looked_up_is_audited_once_and_each_miss_on_its_own() {
        let caller = ImportCaller {
            facility_client_id: "fc-1".into(),
            facility_id: "f1".into(),
            facility_name: "F".into(),
            client_name: "HIS".into(),
        };
        let lookups: Lookups = vec![Some("p1".into()), None, Some("p2".into()), Some("p1".into()), None];
        let found: Vec<Option<&str>> = lookup_events(&caller, &lookups)
            .iter()
            .map(|event| match event {
                AuditEvent::PatientLookup { facility_id: "f1", client_id: "fc-1", patient_id } => *patient_id,
                other => panic!("not a lookup by this caller: {other:?}"),
            })
            .collect();
        assert_eq!(found, [Some("p1"), None, Some("p2"), None]);
    }

    #[test]
    fn the_cccd_system_is_matched_nationally_and_every_other_by_facility() {
        assert_eq!(IdentifierSystem::of(CCCD_SYSTEM), IdentifierSystem::Cccd);
        assert_eq!(IdentifierSystem::of("http://fhir.ehealth.gov.vn/core/sid/national_id"), IdentifierSystem::Cccd);
        assert_eq!(IdentifierSystem::of("http://fhir.ehealth.gov.vn/core/sid/insurance_number"), IdentifierSystem::Facility);
        assert_eq!(IdentifierSystem::of("http://hospital.example/mrn"), IdentifierSystem::Facility);
    }

    #[test]
    fn insurance_numbers_in_both_forms() {
        assert_eq!(insurance_numbers("DN4797912345678"), Some((Some("DN4797912345678".into()), "7912345678".into())));
        assert_eq!(insurance_numbers("dn4797912345678"), Some((Some("DN4797912345678".into()), "7912345678".into())));
        assert_eq!(insurance_numbers("7912345678"), Some((None, "7912345678".into())));
        for bad in ["", "DN47979123456", "123456789", "D14797912345678", "DN479791234567X"] {
            assert_eq!(insurance_numbers(bad), None, "{bad}");
        }
    }
}
