//! Data shapes shared by the server and the browser. They carry only what a page shows.

use serde::{Deserialize, Serialize};

/// Who is signed in, as the UI needs to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub role: Role,
    /// The citizen's own record, when the person has one.
    pub patient_id: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Clinician,
    Administrator,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientSummary {
    pub patient_id: String,
    pub full_name: String,
    pub birth_date: String,
    pub sex: String,
    /// Only the last four digits are shown: `********1234`.
    pub cccd_masked: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub patient: PatientSummary,
    pub allergies: Vec<Allergy>,
    pub conditions: Vec<Condition>,
    pub medications: Vec<Medication>,
    pub latest_visits: Vec<VisitSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allergy {
    pub substance: String,
    pub reaction: String,
    pub criticality_high: bool,
    pub recorded: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub code: String,
    pub name: String,
    pub since: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    pub name: String,
    pub instructions: String,
    pub authored: String,
    pub active: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitSummary {
    pub visit_id: String,
    pub date: String,
    pub end_date: String,
    pub facility: String,
    pub kind: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VisitDetail {
    pub visit: VisitSummary,
    pub diagnoses: Vec<Condition>,
    pub labs: Vec<LabResult>,
    pub medications: Vec<Medication>,
    pub discharge_summary: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeFlag {
    Low,
    Normal,
    High,
    Unknown,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabResult {
    pub code: String,
    pub name: String,
    pub value: String,
    pub unit: String,
    pub range: String,
    pub flag: RangeFlag,
    pub date: String,
}

/// One dose as the vaccination page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dose {
    pub dose_number: Option<u32>,
    pub date: String,
    pub facility: String,
    pub lot: String,
    pub programme: String,
}

/// All doses of one vaccine, in the order they were given.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaccineHistory {
    pub vaccine: String,
    pub code: String,
    pub doses: Vec<Dose>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vaccinations {
    pub patient: PatientSummary,
    pub vaccines: Vec<VaccineHistory>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visits {
    pub patient: PatientSummary,
    pub visits: Vec<VisitSummary>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasskeyInfo {
    pub passkey_id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// Error codes the authentication endpoints answer with; the browser turns each into a translated message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthErrorCode {
    /// One fixed answer for every failed sign-in or enrolment attempt: it never says which part was wrong.
    SignInFailed,
    EnrolmentRefused,
    InvalidCccd,
    CeremonyExpired,
    NotSignedIn,
    LastPasskey,
    TooLarge,
    BadRequest,
    Unavailable,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthErrorBody {
    pub error: AuthErrorCode,
    pub message: String,
}

/// `POST /auth/enrol/start`
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnrolStart {
    pub cccd: String,
    pub code: String,
}

/// The answer to every ceremony start: an opaque, single-use id and the WebAuthn options for the browser.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CeremonyStarted {
    pub ceremony_id: String,
    pub options: serde_json::Value,
}

/// `POST /auth/*/finish`: the browser's credential, as JSON.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CeremonyFinish {
    pub ceremony_id: String,
    pub credential: serde_json::Value,
}
