//! Access policy: one pure function decides every access to health data.
//!
//! Guarantees: deny by default (a request is allowed only when a rule below says yes); every
//! denial names its reason; an [`Authorized`] value can only be made from a [`Permit`], and only
//! [`decide`] makes permits. No I/O and no clock: the caller passes the consent facts of the
//! record ([`Resource`]) and `now`, so revocation and expiry apply on the very next request.
//!
//! Rules, in order:
//! 1. a suspended account is refused everything, and so is a staff account an administrator
//!    created until a second administrator (or the facility's identity provider) confirms it;
//! 2. a target that does not exist is refused (indistinguishable outside from someone else's);
//! 3. a citizen may read every part of their own record, nothing of anyone else's;
//! 4. a clinician with an active break-glass on the record may read all of it (read-only);
//! 5. a clinician may read a category if an active grant to them, or to their facility, covers
//!    that category and the purpose they act under, at `now` (started, not expired, not revoked);
//! 6. nothing else (administrators read the audit trail, not records).
//!
//! Separation of duties ([`may_approve`], [`may_confirm_staff`]): no single administrator can
//! obtain a working credential for someone else. A staff account they create reads nothing until
//! another administrator confirms it; an enrolment code or a federated link for an account that can
//! already read is held until an administrator other than the one who made it approves it; a staff
//! code binds to the CCCD verified for its account.

use std::fmt;

/// Unix milliseconds.
pub type Millis = i64;

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// No session at all.
    Anonymous,
    Citizen {
        account_id: String,
        patient_id: Option<String>,
        active: bool,
    },
    /// `confirmed`: false for a staff account an administrator created and no second administrator
    /// has confirmed yet (it reads nothing).
    Clinician {
        account_id: String,
        clinician_id: Option<String>,
        facility_id: Option<String>,
        active: bool,
        confirmed: bool,
        purpose: Purpose,
    },
    Administrator {
        account_id: String,
        active: bool,
    },
}

impl Actor {
    pub fn account_id(&self) -> Option<&str> {
        match self {
            Actor::Anonymous => None,
            Actor::Citizen { account_id, .. } | Actor::Clinician { account_id, .. } | Actor::Administrator { account_id, .. } => {
                Some(account_id)
            }
        }
    }

    pub fn role(&self) -> Option<&'static str> {
        match self {
            Actor::Anonymous => None,
            Actor::Citizen { .. } => Some("citizen"),
            Actor::Clinician { .. } => Some("clinician"),
            Actor::Administrator { .. } => Some("administrator"),
        }
    }

    pub fn facility_id(&self) -> Option<&str> {
        match self {
            Actor::Clinician { facility_id, .. } => facility_id.as_deref(),
            _ => None,
        }
    }

    /// The purpose the actor acts under (citizens read their own record for themselves).
    pub fn purpose(&self) -> Option<Purpose> {
        match self {
            Actor::Clinician { purpose, .. } => Some(*purpose),
            _ => None,
        }
    }
}

/// The parts of a record access is granted or refused by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    /// Name, date of birth, identifiers.
    Administrative,
    Allergies,
    Conditions,
    Medications,
    Immunizations,
    LabResults,
    Visits,
    Documents,
    /// Claims and explanations of benefit a facility sent: the citizen's own, never shareable and
    /// not opened by break-glass (health data goes to insurers only at the citizen's written request).
    Billing,
    /// The citizen's own facts about their record: the grants they made (FHIR Consent), who read it
    /// (AuditEvent) and what facilities sent (Provenance, naming facilities and their systems).
    /// Never shareable, never opened by break-glass; a bearer token reads it only when its owner chose it.
    AccessHistory,
}

impl Category {
    pub const ALL: [Category; 10] = [
        Category::Administrative,
        Category::Allergies,
        Category::Conditions,
        Category::Medications,
        Category::Immunizations,
        Category::LabResults,
        Category::Visits,
        Category::Documents,
        Category::Billing,
        Category::AccessHistory,
    ];

    /// The categories a citizen can choose to share (the administrative part comes with any grant).
    pub const SHAREABLE: [Category; 7] = [
        Category::Allergies,
        Category::Conditions,
        Category::Medications,
        Category::Immunizations,
        Category::LabResults,
        Category::Visits,
        Category::Documents,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Administrative => "administrative",
            Category::Allergies => "allergies",
            Category::Conditions => "conditions",
            Category::Medications => "medications",
            Category::Immunizations => "immunizations",
            Category::LabResults => "lab_results",
            Category::Visits => "visits",
            Category::Documents => "documents",
            Category::Billing => "billing",
            Category::AccessHistory => "access_history",
        }
    }

    pub fn parse(text: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|category| category.as_str() == text)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    Treatment,
    /// Only at the citizen's explicit written request (Decree 356/2025: never to insurers by default).
    InsuranceAssessment,
    Research,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Treatment => "treatment",
            Purpose::InsuranceAssessment => "insurance_assessment",
            Purpose::Research => "research",
        }
    }

    pub fn parse(text: &str) -> Option<Purpose> {
        [Purpose::Treatment, Purpose::InsuranceAssessment, Purpose::Research].into_iter().find(|p| p.as_str() == text)
    }
}

/// Who a grant is to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grantee {
    Clinician(String),
    Facility(String),
}

/// A consent grant, as the policy needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GrantFact {
    pub grant_id: String,
    pub grantee: Grantee,
    /// Categories shared; a grant of "all" lists every shareable category.
    pub categories: Vec<Category>,
    pub purpose: Purpose,
    pub starts_at: Millis,
    pub expires_at: Millis,
    pub revoked_at: Option<Millis>,
}

impl GrantFact {
    pub fn covers(&self, category: Category) -> bool {
        category == Category::Administrative || self.categories.contains(&category)
    }

    pub fn state(&self, now: Millis) -> GrantState {
        match self.revoked_at {
            Some(revoked) if revoked <= now => GrantState::Revoked,
            _ if now < self.starts_at => GrantState::NotYetStarted,
            _ if now >= self.expires_at => GrantState::Expired,
            _ => GrantState::Active,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GrantState {
    Active,
    NotYetStarted,
    Expired,
    Revoked,
}

impl GrantState {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantState::Active => "active",
            GrantState::NotYetStarted => "not_yet_started",
            GrantState::Expired => "expired",
            GrantState::Revoked => "revoked",
        }
    }
}

/// A declared emergency access, as the policy needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BreakGlassFact {
    pub break_glass_id: String,
    pub clinician_account_id: String,
    pub starts_at: Millis,
    pub expires_at: Millis,
}

/// What is being accessed: one category of one patient's record, with that record's consent facts.
#[derive(Clone, Copy, Debug)]
pub struct Resource<'a> {
    /// `None` when the request named something that does not exist (a guessed id): always denied.
    pub patient_id: Option<&'a str>,
    pub category: Category,
    /// Every grant on this record (any state); the policy picks what applies.
    pub grants: &'a [GrantFact],
    /// Every break-glass declared on this record.
    pub break_glass: &'a [BreakGlassFact],
}

impl<'a> Resource<'a> {
    /// A record without any grant or break-glass.
    pub fn bare(patient_id: Option<&'a str>, category: Category) -> Resource<'a> {
        Resource { patient_id, category, grants: &[], break_glass: &[] }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
}

/// Why access was allowed; recorded in the access log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Basis {
    /// A citizen reading their own record.
    OwnRecord,
    /// A consent grant (to the clinician or their facility).
    Grant,
    /// A declared emergency.
    BreakGlass,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OwnRecord => "self",
            Basis::Grant => "grant",
            Basis::BreakGlass => "break_glass",
        }
    }
}

/// Why access was refused. Every denial has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DenyReason {
    NotAuthenticated,
    AccountSuspended,
    /// The target does not exist; indistinguishable from outside from `NotOwnRecord`.
    NoSuchRecord,
    NotOwnRecord,
    /// The account has no record of its own (staff reading "my record").
    NoRecordOfOwn,
    /// No grant to this clinician or their facility, and no break-glass.
    NoGrant,
    /// A grant exists but does not include this category.
    CategoryNotShared,
    /// A grant covers the category, but for another purpose than the one acted under.
    PurposeNotGranted,
    GrantNotYetStarted,
    GrantExpired,
    GrantRevoked,
    BreakGlassExpired,
    /// Nothing said yes: no other rule applies (e.g. administrators reading records).
    NoRuleAllows,
    /// An administrator route or function reached by someone who is not an active administrator.
    NotAdministrator,
    /// A destructive administrator action without a passkey confirmation in the last five minutes.
    ReauthRequired,
    /// An API bearer token read a category its owner did not give it.
    OutsideTokenScope,
    /// A staff account an administrator created, not yet confirmed by a second administrator.
    StaffNotConfirmed,
    /// The administrator approving or confirming is the one who issued, linked or created it (or
    /// the account it is for): another administrator must.
    SecondAdministratorRequired,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotAuthenticated => "not_authenticated",
            DenyReason::AccountSuspended => "account_suspended",
            DenyReason::NoSuchRecord => "no_such_record",
            DenyReason::NotOwnRecord => "not_own_record",
            DenyReason::NoRecordOfOwn => "no_record_of_own",
            DenyReason::NoGrant => "no_grant",
            DenyReason::CategoryNotShared => "category_not_shared",
            DenyReason::PurposeNotGranted => "purpose_not_granted",
            DenyReason::GrantNotYetStarted => "grant_not_yet_started",
            DenyReason::GrantExpired => "grant_expired",
            DenyReason::GrantRevoked => "grant_revoked",
            DenyReason::BreakGlassExpired => "break_glass_expired",
            DenyReason::NoRuleAllows => "no_rule_allows",
            DenyReason::NotAdministrator => "not_administrator",
            DenyReason::ReauthRequired => "reauth_required",
            DenyReason::OutsideTokenScope => "outside_token_scope",
            DenyReason::StaffNotConfirmed => "staff_not_confirmed",
            DenyReason::SecondAdministratorRequired => "second_administrator_required",
        }
    }

    /// Which refusal explains more when several grants fail differently (most specific first).
    fn specificity(self) -> u8 {
        match self {
            DenyReason::CategoryNotShared => 6,
            DenyReason::PurposeNotGranted => 5,
            DenyReason::GrantNotYetStarted => 4,
            DenyReason::GrantExpired => 3,
            DenyReason::GrantRevoked => 2,
            DenyReason::BreakGlassExpired => 1,
            _ => 0,
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Proof that [`decide`] allowed an access. Only this module can make one.
#[derive(Debug, Clone)]
pub struct Permit {
    basis: Basis,
    basis_ref: Option<String>,
}

impl Permit {
    pub fn basis(&self) -> Basis {
        self.basis
    }

    /// The grant or break-glass id the access rests on.
    pub fn basis_ref(&self) -> Option<&str> {
        self.basis_ref.as_deref()
    }
}

#[derive(Debug)]
pub enum Decision {
    Allow(Permit),
    Deny(DenyReason),
}

/// Data that passed the policy. Entry points receive this, never raw store rows.
#[derive(Debug)]
pub struct Authorized<T> {
    value: T,
    basis: Basis,
}

impl<T> Authorized<T> {
    pub fn new(permit: Permit, value: T) -> Authorized<T> {
        Authorized { value, basis: permit.basis }
    }

    pub fn basis(&self) -> Basis {
        self.basis
    }

    pub fn into_inner(self) -> T {
        self.value
    }

    /// Transforms authorized data without leaving the authorization (e.g. signing it as a card).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Authorized<U> {
        Authorized { value: f(self.value), basis: self.basis }
    }
}

impl<T, E> Authorized<Result<T, E>> {
    /// An authorized derivation that may fail (e.g. a card too large to sign) fails as a whole.
    pub fn transpose(self) -> Result<Authorized<T>, E> {
        let basis = self.basis;
        self.value.map(|value| Authorized { value, basis })
    }
}

fn allow(basis: Basis, basis_ref: Option<&str>) -> Decision {
    Decision::Allow(Permit { basis, basis_ref: basis_ref.map(str::to_string) })
}

/// The single access decision.
pub fn decide(actor: &Actor, resource: &Resource<'_>, action: Action, now: Millis) -> Decision {
    let Action::Read = action;
    match actor {
        Actor::Anonymous => Decision::Deny(DenyReason::NotAuthenticated),
        Actor::Citizen { active: false, .. } | Actor::Clinician { active: false, .. } | Actor::Administrator { active: false, .. } => {
            Decision::Deny(DenyReason::AccountSuspended)
        }
        Actor::Clinician { confirmed: false, .. } => Decision::Deny(DenyReason::StaffNotConfirmed),
        Actor::Citizen { patient_id: own, .. } => match (own.as_deref(), resource.patient_id) {
            (_, None) => Decision::Deny(DenyReason::NoSuchRecord),
            (None, Some(_)) => Decision::Deny(DenyReason::NoRecordOfOwn),
            (Some(own), Some(target)) if own == target => allow(Basis::OwnRecord, None),
            (Some(_), Some(_)) => Decision::Deny(DenyReason::NotOwnRecord),
        },
        Actor::Clinician { account_id, clinician_id, facility_id, purpose, .. } => {
            if resource.patient_id.is_none() {
                return Decision::Deny(DenyReason::NoSuchRecord);
            }
            clinician_decision(account_id, clinician_id.as_deref(), facility_id.as_deref(), *purpose, resource, now)
        }
        Actor::Administrator { .. } => match resource.patient_id {
            None => Decision::Deny(DenyReason::NoSuchRecord),
            Some(_) => Decision::Deny(DenyReason::NoRuleAllows),
        },
    }
}

/// Whether administrator `approver` may approve a held credential (an enrolment code or a
/// federated link) that administrator `issuer` made: only someone other than whoever made it.
/// `issuer` `None` is the operator's command line or the seed, which any administrator may second.
/// Issuing one for one's own account still needs a second administrator.
pub fn may_approve(approver: &Actor, issuer: Option<&str>) -> Result<(), DenyReason> {
    let approver_id = administrator_id(approver)?;
    match issuer {
        Some(issuer) if issuer == approver_id => Err(DenyReason::SecondAdministratorRequired),
        _ => Ok(()),
    }
}

/// Whether administrator `confirmer` may confirm staff account `account` that `created_by` made:
/// neither its creator nor the account itself.
pub fn may_confirm_staff(confirmer: &Actor, created_by: Option<&str>, account: &str) -> Result<(), DenyReason> {
    let confirmer_id = administrator_id(confirmer)?;
    if created_by == Some(confirmer_id) || account == confirmer_id {
        return Err(DenyReason::SecondAdministratorRequired);
    }
    Ok(())
}

fn administrator_id(actor: &Actor) -> Result<&str, DenyReason> {
    match actor {
        Actor::Administrator { active: true, account_id } => Ok(account_id),
        Actor::Administrator { active: false, .. } => Err(DenyReason::AccountSuspended),
        Actor::Anonymous => Err(DenyReason::NotAuthenticated),
        _ => Err(DenyReason::NotAdministrator),
    }
}

fn clinician_decision(
    account_id: &str,
    clinician_id: Option<&str>,
    facility_id: Option<&str>,
    purpose: Purpose,
    resource: &Resource<'_>,
    now: Millis,
) -> Decision {
    let mut best = DenyReason::NoGrant;
    let mut consider = |reason: DenyReason| {
        if reason.specificity() > best.specificity() {
            best = reason;
        }
    };
    for emergency in resource.break_glass.iter().filter(|b| b.clinician_account_id == account_id) {
        if emergency.starts_at <= now && now < emergency.expires_at {
            // An emergency needs the clinical record, never the billing or the access history.
            if !matches!(resource.category, Category::Billing | Category::AccessHistory) {
                return allow(Basis::BreakGlass, Some(&emergency.break_glass_id));
            }
        } else {
            consider(DenyReason::BreakGlassExpired);
        }
    }
    let mine = |grant: &&GrantFact| match &grant.grantee {
        Grantee::Clinician(id) => Some(id.as_str()) == clinician_id,
        Grantee::Facility(id) => Some(id.as_str()) == facility_id,
    };
    for grant in resource.grants.iter().filter(mine) {
        match grant.state(now) {
            GrantState::Revoked => consider(DenyReason::GrantRevoked),
            GrantState::Expired => consider(DenyReason::GrantExpired),
            GrantState::NotYetStarted => consider(DenyReason::GrantNotYetStarted),
            GrantState::Active if grant.purpose != purpose => consider(DenyReason::PurposeNotGranted),
            GrantState::Active if !grant.covers(resource.category) => consider(DenyReason::CategoryNotShared),
            GrantState::Active => return allow(Basis::Grant, Some(&grant.grant_id)),
        }
    }
    Decision::Deny(best)
}

#[cfg(test)]
#[path = "policy_tests.rs"]
mod tests;
