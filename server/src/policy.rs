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
//! 3. a citizen may read every part of their own record, and every part of the record of a child
//!    they are the live guardian of until the child's 16th birthday ([`ages`]); nothing else;
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

/// A guardianship link on the record (the child's), as the policy needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GuardianFact {
    pub guardianship_id: String,
    /// The guardian's own record: a citizen acts as guardian when their account is bound to it.
    pub guardian_patient_id: String,
    /// When an administrator (or the young person, from 16) ended the link.
    pub ended_at: Option<Millis>,
    /// The first instant the child is [`ages::CHILD_UNTIL`] years old (the start of that
    /// birthday in Vietnam): from then the person decides alone and the link gives nothing.
    pub comes_of_age_at: Millis,
}

/// A helper link on the record (the person helped), as the policy needs it: an adult lets another
/// enrolled person see chosen parts of their record for a stated time (issue 19).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelperFact {
    pub helper_id: String,
    /// The helper's own record: a citizen acts as helper when their account is bound to it.
    pub helper_patient_id: String,
    /// The parts the person chose. The administrative part (name, birth date) comes with any.
    pub categories: Vec<Category>,
    /// Whether the helper may also make and revoke the person's consent grants.
    pub manage_sharing: bool,
    /// When the helper accepted; the link gives nothing before.
    pub accepted_at: Option<Millis>,
    /// The end of the time the person chose.
    pub expires_at: Millis,
    /// When the person or the helper ended it.
    pub ended_at: Option<Millis>,
}

impl HelperFact {
    /// What the link gives at `now`: `Ok` when accepted, not ended and not expired.
    pub fn live(&self, now: Millis) -> Result<(), DenyReason> {
        match (self.ended_at, self.accepted_at) {
            (Some(ended), _) if ended <= now => Err(DenyReason::HelperEnded),
            _ if now >= self.expires_at => Err(DenyReason::HelperExpired),
            (_, None) => Err(DenyReason::HelperNotAccepted),
            (_, Some(accepted)) if accepted > now => Err(DenyReason::HelperNotAccepted),
            _ => Ok(()),
        }
    }

    /// Whether the chosen parts include `category` (the administrative part always does).
    pub fn covers(&self, category: Category) -> bool {
        category == Category::Administrative || self.categories.contains(&category)
    }
}

/// The ages at which Vietnamese law changes who decides about a child's personal data.
pub mod ages {
    use chrono::{Datelike, NaiveDate};

    /// Law on Children No. 102/2016/QH13, Art. 1: a child is a person under 16. Law on Personal
    /// Data Protection No. 91/2025/QH15, Art. 24(2): for a child, the legal representative
    /// exercises the rights of the data subject. So a guardian acts for the child until the
    /// child's 16th birthday, and from then the young person decides alone.
    pub const CHILD_UNTIL: u32 = 16;

    /// Law 91/2025/QH15, Art. 24(2), second paragraph: processing that discloses the private life
    /// or personal secrets of a child aged full 7 years or more needs the consent of the child as
    /// well as of the legal representative. Sharing a child's record from this age needs both.
    pub const CHILD_CONSENTS_FROM: u32 = 7;

    /// The day a person born on `birth_date` turns `years` ("đủ N tuổi"); someone born on
    /// 29 February turns it on 1 March in a year without one. `None` past the calendar's end.
    pub fn birthday(birth_date: NaiveDate, years: u32) -> Option<NaiveDate> {
        let year = birth_date.year().checked_add(i32::try_from(years).ok()?)?;
        NaiveDate::from_ymd_opt(year, birth_date.month(), birth_date.day()).or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
    }

    /// Full years of age on `today` (0 before the first birthday; 0 for a date before birth).
    pub fn age_on(birth_date: NaiveDate, today: NaiveDate) -> u32 {
        let mut years = u32::try_from(today.year() - birth_date.year()).unwrap_or(0);
        while years > 0 && birthday(birth_date, years).is_none_or(|day| day > today) {
            years -= 1;
        }
        years
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
    /// Every guardianship link on this record (any state).
    pub guardians: &'a [GuardianFact],
    /// Every helper link on this record (any state).
    pub helpers: &'a [HelperFact],
}

impl<'a> Resource<'a> {
    /// A record without any grant or break-glass.
    pub fn bare(patient_id: Option<&'a str>, category: Category) -> Resource<'a> {
        Resource { patient_id, category, grants: &[], break_glass: &[], guardians: &[], helpers: &[] }
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
    /// A parent or legal guardian acting for a child (Law 91/2025/QH15 Art. 24(2)).
    Guardian,
    /// A helper the person chose, acting for them within the parts they chose.
    Helper,
}

impl Basis {
    pub const ALL: [Basis; 5] = [Basis::OwnRecord, Basis::Grant, Basis::BreakGlass, Basis::Guardian, Basis::Helper];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OwnRecord => "self",
            Basis::Grant => "grant",
            Basis::BreakGlass => "break_glass",
            Basis::Guardian => "guardian",
            Basis::Helper => "helper",
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
    /// The guardian's link to this child was ended.
    GuardianshipEnded,
    /// The child is 16 now and decides alone (Law 91/2025/QH15 Art. 24; Law on Children Art. 1).
    ChildCameOfAge,
    /// A helper nominated but not (yet) accepted by the helper.
    HelperNotAccepted,
    /// The person or the helper ended the helper link.
    HelperEnded,
    /// The time the person chose for the helper link is over.
    HelperExpired,
    /// A helper reading a part of the record the person did not choose.
    OutsideHelperScope,
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
            DenyReason::GuardianshipEnded => "guardianship_ended",
            DenyReason::ChildCameOfAge => "child_came_of_age",
            DenyReason::HelperNotAccepted => "helper_not_accepted",
            DenyReason::HelperEnded => "helper_ended",
            DenyReason::HelperExpired => "helper_expired",
            DenyReason::OutsideHelperScope => "outside_helper_scope",
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
            DenyReason::ChildCameOfAge => 2,
            DenyReason::GuardianshipEnded => 1,
            DenyReason::OutsideHelperScope => 4,
            DenyReason::HelperExpired => 3,
            DenyReason::HelperEnded => 2,
            DenyReason::HelperNotAccepted => 1,
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
            (Some(own), Some(_)) => relative_decision(own, resource, now),
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

/// Whether `actor` may link a guardian to a child's record: an active administrator, who has
/// checked the papers the link names (the seed and the operator's command line need no actor).
pub fn may_establish_guardianship(actor: &Actor) -> Result<(), DenyReason> {
    administrator_id(actor).map(|_| ())
}

/// Whether `actor` may end a live guardianship `link` on the record `child_patient_id` at `now`:
/// an active administrator, or the young person themselves from their 16th birthday (then they
/// decide alone, [`ages::CHILD_UNTIL`]). A guardian cannot end a legal relation by a click, and a
/// child under 16 cannot remove their representative.
pub fn may_end_guardianship(actor: &Actor, link: &GuardianFact, child_patient_id: &str, now: Millis) -> Result<(), DenyReason> {
    match actor {
        Actor::Administrator { .. } => administrator_id(actor).map(|_| ()),
        Actor::Anonymous => Err(DenyReason::NotAuthenticated),
        Actor::Citizen { active: false, .. } | Actor::Clinician { active: false, .. } => Err(DenyReason::AccountSuspended),
        Actor::Citizen { patient_id: Some(own), .. } if own == child_patient_id => {
            if now >= link.comes_of_age_at {
                Ok(())
            } else {
                Err(DenyReason::NoRuleAllows)
            }
        }
        _ => Err(DenyReason::NoRuleAllows),
    }
}

fn administrator_id(actor: &Actor) -> Result<&str, DenyReason> {
    match actor {
        Actor::Administrator { active: true, account_id } => Ok(account_id),
        Actor::Administrator { active: false, .. } => Err(DenyReason::AccountSuspended),
        Actor::Anonymous => Err(DenyReason::NotAuthenticated),
        _ => Err(DenyReason::NotAdministrator),
    }
}

/// Whether `actor` may nominate a helper for their own record `patient_id`: an active citizen on
/// their own record. (A child's guardian does not pass their role on; the service also refuses a
/// nominee under 16.)
pub fn may_nominate_helper(actor: &Actor, patient_id: &str) -> Result<(), DenyReason> {
    own_record(actor, patient_id)
}

/// Whether `actor` may accept the nomination `link`: only the nominee, while it is open.
pub fn may_accept_helper(actor: &Actor, link: &HelperFact, now: Millis) -> Result<(), DenyReason> {
    own_record(actor, &link.helper_patient_id)?;
    match link.live(now) {
        Err(DenyReason::HelperNotAccepted) => Ok(()),
        Ok(()) => Err(DenyReason::NoRuleAllows),
        Err(other) => Err(other),
    }
}

/// Whether `actor` may end the helper `link` on the record `patient_id`: the person or the helper,
/// at once, in any open state (a suspended account cannot).
pub fn may_end_helper(actor: &Actor, link: &HelperFact, patient_id: &str) -> Result<(), DenyReason> {
    own_record(actor, patient_id).or_else(|_| own_record(actor, &link.helper_patient_id))
}

/// Whether `actor` may make and revoke consent grants on the record `resource.patient_id`
/// (a write the policy decides like a read): the person themselves; the live guardian of a child
/// under 16 (Law 91/2025/QH15 Art. 24(2): the legal representative exercises the child's rights);
/// or a live helper the person let manage their sharing. Answers the basis it rests on and the
/// link's id, for the audit row.
pub fn may_manage_sharing(actor: &Actor, resource: &Resource<'_>, now: Millis) -> Result<(Basis, Option<String>), DenyReason> {
    let patient_id = resource.patient_id.ok_or(DenyReason::NoSuchRecord)?;
    let own = match own_record(actor, patient_id) {
        Ok(()) => return Ok((Basis::OwnRecord, None)),
        Err(DenyReason::NotOwnRecord) => match actor {
            Actor::Citizen { patient_id: Some(own), .. } => own.as_str(),
            Actor::Citizen { patient_id: None, .. } => return Err(DenyReason::NoRecordOfOwn),
            _ => return Err(DenyReason::NotOwnRecord),
        },
        Err(other) => return Err(other),
    };
    let guardian = match guardian_decision(own, resource, now) {
        Decision::Allow(permit) => return Ok((permit.basis, permit.basis_ref)),
        Decision::Deny(reason) => reason,
    };
    let mut best = guardian;
    for link in resource.helpers.iter().filter(|link| link.helper_patient_id == own) {
        let reason = match link.live(now) {
            Ok(()) if link.manage_sharing => return Ok((Basis::Helper, Some(link.helper_id.clone()))),
            Ok(()) => DenyReason::OutsideHelperScope,
            Err(reason) => reason,
        };
        if reason.specificity() > best.specificity() {
            best = reason;
        }
    }
    Err(best)
}

/// An active citizen whose own record is `patient_id`.
fn own_record(actor: &Actor, patient_id: &str) -> Result<(), DenyReason> {
    match actor {
        Actor::Anonymous => Err(DenyReason::NotAuthenticated),
        Actor::Citizen { active: false, .. } | Actor::Clinician { active: false, .. } | Actor::Administrator { active: false, .. } => {
            Err(DenyReason::AccountSuspended)
        }
        Actor::Citizen { patient_id: Some(own), .. } if own == patient_id => Ok(()),
        _ => Err(DenyReason::NotOwnRecord),
    }
}

/// A citizen reading a record that is not their own: as the live guardian of a child, or as a
/// live helper within the chosen parts. When neither allows, the most specific refusal of both.
fn relative_decision(own_patient_id: &str, resource: &Resource<'_>, now: Millis) -> Decision {
    let guardian = match guardian_decision(own_patient_id, resource, now) {
        Decision::Allow(permit) => return Decision::Allow(permit),
        Decision::Deny(reason) => reason,
    };
    match helper_decision(own_patient_id, resource, now) {
        Decision::Allow(permit) => Decision::Allow(permit),
        Decision::Deny(helper) if helper.specificity() > guardian.specificity() => Decision::Deny(helper),
        Decision::Deny(_) => Decision::Deny(guardian),
    }
}

/// A citizen reading another adult's record: only as a live helper, within the chosen parts.
/// Billing never (health data goes to insurers only at the person's written request, and the
/// helper chooser does not offer it).
fn helper_decision(own_patient_id: &str, resource: &Resource<'_>, now: Millis) -> Decision {
    let mut best = DenyReason::NotOwnRecord;
    let mut consider = |reason: DenyReason| {
        if reason.specificity() > best.specificity() {
            best = reason;
        }
    };
    for link in resource.helpers.iter().filter(|link| link.helper_patient_id == own_patient_id) {
        match link.live(now) {
            Err(reason) => consider(reason),
            Ok(()) if resource.category == Category::Billing || !link.covers(resource.category) => consider(DenyReason::OutsideHelperScope),
            Ok(()) => return allow(Basis::Helper, Some(&link.helper_id)),
        }
    }
    Decision::Deny(best)
}

/// A citizen reading a record that is not their own: only as the live guardian of a child.
fn guardian_decision(own_patient_id: &str, resource: &Resource<'_>, now: Millis) -> Decision {
    let mut best = DenyReason::NotOwnRecord;
    let mut consider = |reason: DenyReason| {
        if reason.specificity() > best.specificity() {
            best = reason;
        }
    };
    for link in resource.guardians.iter().filter(|link| link.guardian_patient_id == own_patient_id) {
        match link.ended_at {
            Some(ended) if ended <= now => consider(DenyReason::GuardianshipEnded),
            _ if now >= link.comes_of_age_at => consider(DenyReason::ChildCameOfAge),
            _ => return allow(Basis::Guardian, Some(&link.guardianship_id)),
        }
    }
    Decision::Deny(best)
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
