//! Data shapes shared by the server and the browser. They carry only what a page shows.

use serde::{Deserialize, Serialize};

/// Who is signed in, as the UI needs to know it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub display_name: String,
    pub role: Role,
    /// The citizen's own record, when the person has one.
    pub patient_id: Option<String>,
    /// Break-glass accesses in progress (clinicians only).
    #[serde(default)]
    pub emergencies: Vec<EmergencyBanner>,
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
    /// Break-glass accesses to this record, newest first: shown prominently.
    #[serde(default)]
    pub emergencies: Vec<EmergencyAccess>,
    pub allergies: Vec<Allergy>,
    pub conditions: Vec<Condition>,
    pub medications: Vec<Medication>,
    pub latest_visits: Vec<VisitSummary>,
    /// Doses due or overdue now, from the schedule engine (the vaccination page has the rest).
    #[serde(default)]
    pub vaccinations_due: Vec<ScheduleItem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allergy {
    pub substance: String,
    pub reaction: String,
    pub criticality_high: bool,
    pub recorded: String,
    /// `unconfirmed` when the record says so (FHIR `verificationStatus`), else "".
    #[serde(default)]
    pub qualifier: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub code: String,
    pub name: String,
    pub since: String,
    pub active: bool,
    /// What `verificationStatus` says when it is not a plain confirmation: `unconfirmed`,
    /// `provisional`, `differential` or `refuted` (ruled out); else "".
    #[serde(default)]
    pub qualifier: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medication {
    pub name: String,
    pub instructions: String,
    pub authored: String,
    pub active: bool,
    /// A request *not* to give this medication (FHIR `MedicationRequest.doNotPerform`).
    #[serde(default)]
    pub do_not_give: bool,
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
    /// The value exactly as recorded, with its comparator (`0.004`, `1.50`, `<10`).
    pub value: String,
    pub unit: String,
    pub range: String,
    /// From exact decimal comparison; `Unknown` when the value carries a comparator.
    pub flag: RangeFlag,
    pub date: String,
    /// The result is preliminary (FHIR `Observation.status` `preliminary` or `registered`).
    #[serde(default)]
    pub preliminary: bool,
}

/// One dose as the vaccination page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dose {
    pub dose_number: Option<u32>,
    pub date: String,
    pub facility: String,
    pub lot: String,
    pub programme: String,
    /// Given (and valid), given but subpotent, or not given (FHIR `Immunization.status`,
    /// `isSubpotent`).
    #[serde(default)]
    pub status: DoseStatus,
    /// Why it was not given or is not valid (`statusReason`, `subpotentReason`), else "".
    #[serde(default)]
    pub reason: String,
}

/// What an immunization record says happened (its modifier elements).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DoseStatus {
    #[default]
    Given,
    Subpotent,
    NotGiven,
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
    /// What's done and what's due, per antigen, from the schedule engine.
    #[serde(default)]
    pub schedule: Vec<ScheduleItem>,
    /// The schedule version the statuses were computed with.
    #[serde(default)]
    pub schedule_version: String,
}

/// One antigen's standing against the schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScheduleItem {
    /// Antigen id (`measles`, `hepatitis-b`, …).
    pub antigen: String,
    pub valid_doses: u32,
    /// Doses in the series (0 for recurring adult recommendations).
    pub series_length: u32,
    /// Dates of doses that do not count (given too early).
    pub too_early: Vec<String>,
    /// The next dose, if one is owed: its number and window (ISO dates).
    pub next_number: Option<u32>,
    pub next_earliest: Option<String>,
    pub next_recommended: Option<String>,
    pub overdue_after: Option<String>,
    /// `complete`, `upcoming`, `due`, `overdue`.
    pub state: String,
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
    /// How it was added: `enrolment` (the account's first, with a code), `enrolment_code` (with a
    /// code an administrator issued, to an account that already had a passkey), `signed_in` (by the
    /// owner while signed in) or `unrecorded` (before this was recorded).
    pub added_via: String,
}

/// One of the signed-in person's sessions (a browser or device where they are signed in).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// Opaque handle for ending it (the stored hash of the token, never the token).
    pub session_id: String,
    /// RFC 3339.
    pub signed_in_at: String,
    pub last_active_at: String,
    /// The session this request came from.
    pub current: bool,
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
    /// Too many attempts from this address, or for this CCCD: wait and try again.
    TooManyRequests,
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

/// A break-glass in progress, shown as a banner on every page of the clinician who declared it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyBanner {
    pub patient_id: String,
    pub patient_name: String,
    /// RFC 3339 instant (UTC) when access ends; pages show it in Vietnam's time.
    pub until: String,
}

/// A clinician's search result: the minimal match, nothing clinical.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientMatch {
    pub patient_id: String,
    pub full_name: String,
    pub birth_year: String,
    pub cccd_masked: String,
}

/// One part of a record as a clinician sees it: shown, or hidden with the reason in plain words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Shown<T> {
    Visible(T),
    /// The policy's refusal code (e.g. `category_not_shared`, `grant_expired`).
    Hidden(String),
}

/// A patient's record as a clinician may see it right now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClinicianView {
    pub patient: PatientSummary,
    /// ISO date-time when an active break-glass of this clinician ends, if there is one.
    pub emergency_until: Option<String>,
    pub allergies: Shown<Vec<Allergy>>,
    pub conditions: Shown<Vec<Condition>>,
    pub medications: Shown<Vec<Medication>>,
    pub immunizations: Shown<Vec<VaccineHistory>>,
    pub lab_results: Shown<Vec<LabResult>>,
    pub visits: Shown<Vec<VisitSummary>>,
}

/// One consent grant as its citizen sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantInfo {
    pub grant_id: String,
    /// `clinician` or `facility`.
    pub grantee_kind: String,
    pub grantee_name: String,
    pub grantee_facility: Option<String>,
    /// Category codes (`immunizations`, `lab_results`, …).
    pub categories: Vec<String>,
    pub purpose: String,
    /// ISO date-times.
    pub starts_at: String,
    pub expires_at: String,
    pub revoked_at: Option<String>,
    /// `active`, `not_yet_started`, `expired` or `revoked`.
    pub state: String,
}

/// The citizen's sharing page: every grant, and who can see what right now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    pub grants: Vec<GrantInfo>,
    /// Today's date (ISO), the default start of a new grant.
    pub today: String,
    /// The default end date of a new grant (ISO).
    pub default_expiry: String,
    /// Default and maximum length of a grant, in days.
    pub default_days: u32,
    pub max_days: u32,
    /// A guardian sharing the record of a child aged 7 or more: the child must agree too (Law
    /// 91/2025/QH15 Art. 24(2)), so the form asks the guardian to confirm it.
    pub child_consent_needed: bool,
}

/// An entry of the grantee directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub facility_name: Option<String>,
}

/// One line of "who viewed my record".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogEntry {
    pub at: String,
    pub actor_name: String,
    pub actor_account_id: Option<String>,
    pub role: String,
    pub facility: Option<String>,
    pub action: String,
    pub what: String,
    pub purpose: Option<String>,
    /// `self`, `grant`, `break_glass`, or empty for refusals and account events.
    pub basis: String,
    pub outcome: String,
    pub reason: Option<String>,
    /// The administrator's reason for a revocation, or the note of a break-glass review.
    pub note: Option<String>,
}

/// A break-glass on the citizen's record, shown prominently.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyAccess {
    pub at: String,
    pub until: String,
    pub clinician: String,
    pub facility: Option<String>,
    pub reason: String,
    pub review_status: String,
    /// The reviewing administrator's note, once reviewed.
    pub review_note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLog {
    pub entries: Vec<AccessLogEntry>,
    pub emergencies: Vec<EmergencyAccess>,
    /// People who appear in the log (account id, name), for the filter.
    pub people: Vec<(String, String)>,
    pub page: u32,
    pub pages: u32,
    pub total: u32,
}

/// Filters of the access log page (all optional; dates ISO `YYYY-MM-DD`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLogQuery {
    /// Whose log: empty for the reader's own, or a child's record they are the guardian of.
    pub patient_id: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub person: Option<String>,
    pub basis: Option<String>,
    pub page: Option<u32>,
}

/// One dose on a SMART Health Card, as the issuing and verifying pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDose {
    pub cvx: String,
    pub name_vi: String,
    pub name_en: String,
    pub date: String,
    pub lot: String,
    pub performer: String,
}

/// Which doses a citizen can put on a card: `all`, `covid`, or `cvx:<code>` for one vaccine.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardChoice {
    pub value: String,
    /// For `cvx:` choices, the vaccine's name as the record gives it.
    pub label: String,
    pub doses: u32,
}

/// A signed SMART Health Card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthCard {
    pub selection: String,
    pub holder: String,
    pub birth_date: String,
    pub doses: Vec<CardDose>,
    /// The `shc:/…` numeric text the QR code carries.
    pub shc: String,
    /// The QR code as an inline SVG document (generated by the server; no user text inside).
    pub qr_svg: String,
    pub issuer: String,
    /// RFC 3339.
    pub issued_at: String,
}

/// What the card page offers and, when a selection was made, the card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardPage {
    pub choices: Vec<CardChoice>,
    pub card: Option<HealthCard>,
}

/// The verifier's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardCheck {
    /// `valid`, `malformed`, `multi_part`, `bad_signature`, `unknown_issuer`, `expired`, `not_yet_valid`.
    pub outcome: String,
    pub issuer: String,
    /// The trusted issuer's name (empty for this portal).
    pub issuer_name: String,
    pub holder: String,
    pub birth_date: String,
    pub issued_at: String,
    pub doses: Vec<CardDose>,
}

// ---------------------------------------------------------------------------------------------
// Administrators' console

/// The console's front page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminHome {
    pub pending_reviews: u32,
    pub open_codes: u32,
    pub suspended: u32,
    pub accounts: u32,
    /// Until when destructive actions are allowed without another passkey confirmation (RFC 3339);
    /// `None` when a confirmation is needed now.
    pub confirmed_until: Option<String>,
    pub chain: ChainCheck,
}

/// The result of walking the audit hash chain and its signed checkpoints (`verify-audit`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    pub intact: bool,
    pub entries: u64,
    pub checkpoints: u64,
    /// What is wrong, in the verifier's words (English, technical), when not intact.
    pub problem: Option<String>,
}

/// An account as the console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPerson {
    pub account_id: String,
    /// `citizen`, `clinician` or `administrator`.
    pub role: String,
    pub name: String,
    /// `active` or `suspended`.
    pub status: String,
    pub facility: Option<String>,
    pub facility_id: Option<String>,
    pub clinician_id: Option<String>,
    pub sessions: u32,
}

/// One person with their sessions and (for clinicians) the grants they hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminPersonDetail {
    pub person: AdminPerson,
    pub suspended_at: Option<String>,
    pub suspension_reason: Option<String>,
    pub sessions: Vec<SessionInfo>,
    pub grants: Vec<HeldGrant>,
    /// Whether this is the administrator looking at themselves (no suspend, no ending sessions here).
    pub is_self: bool,
    /// For a clinician: the facility provider's subjects linked to this account.
    pub links: Vec<FederatedLink>,
    /// For a clinician: whether their facility has an identity provider (links need one).
    pub facility_has_provider: bool,
    /// A staff account awaiting a second administrator's confirmation (it reads nothing until then).
    pub awaiting_confirmation: bool,
    /// Whether the administrator looking created this account (and so cannot confirm it).
    pub created_by_me: bool,
}

/// "This provider's subject is this clinician", as the console shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FederatedLink {
    pub link_id: String,
    pub issuer: String,
    pub subject: String,
    pub created_at: String,
    /// Held for a second administrator's approval: sign-in through it is refused until then.
    pub awaiting_approval: bool,
    /// Whether the administrator looking made this link (and so cannot approve it).
    pub created_by_me: bool,
}

/// A facility's identity provider as the console shows it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInfo {
    pub issuer: String,
    pub client_id: String,
}

/// What the sign-in and enrolment pages offer besides passkeys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOptions {
    /// Facilities whose clinicians can sign in at their own identity provider: (facility id, name).
    pub facilities: Vec<(String, String)>,
    /// The national identity provider's name, if identity proofing is configured.
    pub national: Option<String>,
}

/// A live grant held by a clinician or facility, as an administrator sees it (no record data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldGrant {
    pub grant_id: String,
    pub patient_id: String,
    pub categories: Vec<String>,
    pub purpose: String,
    pub starts_at: String,
    pub expires_at: String,
}

/// A facility with its clinicians and live grants.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminFacility {
    pub facility_id: String,
    pub name: String,
    pub province_code: String,
    pub clinicians: u32,
    pub live_grants: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminFacilityDetail {
    pub facility: AdminFacility,
    pub people: Vec<AdminPerson>,
    pub grants: Vec<HeldGrant>,
    /// The facility's identity provider, if any.
    pub provider: Option<ProviderInfo>,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
    /// The facility's systems that may send FHIR bundles (machine credentials), revoked ones too.
    pub clients: Vec<FacilityClientInfo>,
    /// Where a facility system gets its access token, and where it sends bundles.
    pub token_url: String,
    pub import_url: String,
}

/// A facility system's machine credentials (the secret is never shown again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilityClientInfo {
    pub client_id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// Freshly issued machine credentials: the secret is shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedFacilityClient {
    pub client_id: String,
    pub client_secret: String,
    pub name: String,
}

/// An export started from the console, or a facility import, with its progress.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInfo {
    pub transfer_id: String,
    /// `export` or `import`.
    pub kind: String,
    pub label: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// `starting`, `receiving`, `checking`, `matching`, `writing`, `recording`, `exporting`, `signing`.
    pub stage: String,
    pub detail: String,
    pub done: u64,
    pub total: u64,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// What it did when done, as (fact code, value): `rows`, `files`, `directory`, `sha256`
    /// (export); `entries`, `created`, `updated`, `unchanged`, `failed` (import).
    pub facts: Vec<(String, String)>,
    /// Why it failed (the server's technical account), when it did.
    pub problem: String,
}

/// The console's exports and imports page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfers {
    pub transfers: Vec<TransferInfo>,
    /// The server directory exports are written under.
    pub export_root: String,
}

/// An enrolment code not yet used, cancelled or expired (the code itself is never shown again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCode {
    pub code_id: String,
    /// `citizen` or `staff`.
    pub kind: String,
    pub name: String,
    /// The CCCD the code is bound to, masked but for the last three digits.
    pub cccd_hint: String,
    pub created_at: String,
    pub expires_at: String,
    /// Held for a second administrator's approval (a code for an account that can already read):
    /// it cannot enrol until then.
    pub awaiting_approval: bool,
    /// Whether the administrator looking issued it (and so cannot approve it).
    pub issued_by_me: bool,
}

/// A freshly issued code: shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCode {
    pub code: String,
    pub name: String,
    pub expires_at: String,
    /// Held until another administrator approves it (a code for an account that can already read).
    pub awaiting_approval: bool,
}

/// A break-glass declaration in the review queue, with the reads made under it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub break_glass_id: String,
    pub clinician: String,
    pub facility: Option<String>,
    pub patient_id: String,
    pub reason: String,
    pub starts_at: String,
    pub expires_at: String,
    /// `pending`, `justified` or `unjustified`.
    pub status: String,
    pub note: Option<String>,
    pub reviewed_at: Option<String>,
    pub reads: Vec<ReviewRead>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewRead {
    pub at: String,
    pub category: String,
    pub outcome: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub pending: Vec<ReviewItem>,
    pub reviewed: Vec<ReviewItem>,
}

/// Filters of the audit search (all optional; dates ISO `YYYY-MM-DD`, local days).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// A patient id, or a CCCD (resolved to the patient).
    pub patient: Option<String>,
    pub actor: Option<String>,
    pub facility: Option<String>,
    pub basis: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub page: Option<u32>,
}

/// One audit row as the search shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub actor_account_id: Option<String>,
    pub actor_name: Option<String>,
    pub role: Option<String>,
    pub facility: Option<String>,
    pub patient_id: Option<String>,
    pub action: String,
    pub category: Option<String>,
    pub resource_id: Option<String>,
    pub basis: Option<String>,
    pub basis_ref: Option<String>,
    pub purpose: Option<String>,
    pub outcome: String,
    pub reason: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub lines: Vec<AuditLine>,
    pub page: u32,
    pub pages: u32,
    pub total: u32,
}

/// A bearer token for the FHIR API, as its owner sees it (the token itself is shown once, at creation).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenInfo {
    pub token_id: String,
    pub name: String,
    /// Category codes the token may read.
    pub categories: Vec<String>,
    pub created_at: String,
    pub expires_at: String,
    pub last_used_at: Option<String>,
    /// `active`, `expired` or `revoked`.
    pub state: String,
}

/// On what papers a guardian was linked to a child (`guardianship.basis`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuardianBasis {
    /// A parent named on the birth registration (giấy khai sinh).
    BirthRegistration,
    /// A guardian appointed by a decision (Civil Code 2015 Art. 46-54).
    GuardianshipDecision,
    /// The national identity provider asserted the relationship.
    NationalIdentity,
}

impl GuardianBasis {
    pub const ALL: [GuardianBasis; 3] =
        [GuardianBasis::BirthRegistration, GuardianBasis::GuardianshipDecision, GuardianBasis::NationalIdentity];

    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            GuardianBasis::BirthRegistration => "birth_registration",
            GuardianBasis::GuardianshipDecision => "guardianship_decision",
            GuardianBasis::NationalIdentity => "national_identity",
        }
    }

    /// The basis a stored code names; `None` for anything else.
    pub fn parse(code: &str) -> Option<GuardianBasis> {
        GuardianBasis::ALL.into_iter().find(|basis| basis.as_str() == code)
    }
}

/// Where a guardianship link stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The guardian acts for the child.
    Live,
    /// The child is 16: the link gives nothing any more; the young person decides alone.
    CameOfAge,
    /// An administrator, or the young person, ended it.
    Ended,
}

/// One guardianship link as a page shows it, from either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyLink {
    pub guardianship_id: String,
    /// The child's record (the one the guardian opens with `?for=`).
    pub child_patient_id: String,
    pub child_name: String,
    /// `YYYY-MM-DD`.
    pub child_birth_date: String,
    /// The child's age in full years today (in Vietnam).
    pub child_age: u32,
    pub guardian_name: String,
    pub basis: GuardianBasis,
    /// The number of the birth certificate or decision.
    pub document_ref: String,
    /// Who made the link; `None`: the operator (seed or command line).
    pub established_by: Option<String>,
    /// RFC 3339 UTC.
    pub since: String,
    pub state: LinkState,
    /// `YYYY-MM-DD`: the child's 16th birthday, when the guardian's access ends by itself.
    pub comes_of_age_on: String,
    /// `YYYY-MM-DD`: the child's 7th birthday, from which sharing their record needs their consent too.
    pub consents_from_on: String,
    /// RFC 3339 UTC, when ended.
    pub ended_at: Option<String>,
    pub ended_by: Option<String>,
    /// Whether the reader may end this link now (the young person, from 16).
    pub may_end: bool,
}

/// The family page: the records the reader keeps as a guardian, and who keeps (or kept) theirs;
/// the people the reader helps, and the helpers the reader chose.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    /// Links where the reader is the guardian, newest first.
    pub children: Vec<FamilyLink>,
    /// Links on the reader's own record, newest first.
    pub guardians: Vec<FamilyLink>,
    /// Helper links where the reader is the helper, newest first.
    pub helping: Vec<HelperLink>,
    /// Helper links on the reader's own record, newest first.
    pub helpers: Vec<HelperLink>,
}

/// Where a helper link stands now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelperState {
    /// Nominated; the helper has not accepted yet and reads nothing.
    Nominated,
    /// The helper acts for the person within the chosen parts.
    Live,
    /// The person or the helper ended it.
    Ended,
    /// The chosen time is over.
    Expired,
}

/// One helper link as a page shows it, from either side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelperLink {
    pub helper_id: String,
    /// The record of the person helped (the one the helper opens with `?for=`).
    pub person_patient_id: String,
    pub person_name: String,
    pub helper_name: String,
    /// Category codes the helper may read (`immunizations`, `access_history`, …); the
    /// administrative part (name, birth date) comes with any.
    pub categories: Vec<String>,
    /// Whether the helper may also manage the person's sharing.
    pub manage_sharing: bool,
    /// RFC 3339 UTC: nominated at.
    pub since: String,
    /// RFC 3339 UTC: the end of the chosen time.
    pub expires_at: String,
    /// RFC 3339 UTC, once accepted.
    pub accepted_at: Option<String>,
    /// RFC 3339 UTC, when ended.
    pub ended_at: Option<String>,
    pub ended_by: Option<String>,
    pub state: HelperState,
}
