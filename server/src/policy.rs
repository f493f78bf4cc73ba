//! Access policy: one pure function decides every access to health data.
//!
//! Guarantees: deny by default (a request is allowed only when a rule below says yes); every
//! denial names its reason; an [`Authorized`] value can only be made from a [`Permit`], and only
//! [`decide`] makes permits. No I/O, no clock: the caller passes `now`.

use std::fmt;

/// Who is asking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Actor {
    /// No session at all.
    Anonymous,
    Citizen { account_id: String, patient_id: Option<String>, active: bool },
    Clinician { account_id: String, facility_id: Option<String>, active: bool },
    Administrator { account_id: String, active: bool },
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
}

/// The parts of a record access is granted or refused by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Administrative,
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
        }
    }
}

/// What a record's target is: a patient's record, in one category.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource<'a> {
    /// `None` when the request named something that does not exist (a guessed id): always denied.
    pub patient_id: Option<&'a str>,
    pub category: Category,
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
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::OwnRecord => "self",
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
    /// Nothing said yes: no grant, no break-glass, no other rule.
    NoRuleAllows,
}

impl DenyReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::NotAuthenticated => "not_authenticated",
            DenyReason::AccountSuspended => "account_suspended",
            DenyReason::NoSuchRecord => "no_such_record",
            DenyReason::NotOwnRecord => "not_own_record",
            DenyReason::NoRecordOfOwn => "no_record_of_own",
            DenyReason::NoRuleAllows => "no_rule_allows",
        }
    }
}

impl fmt::Display for DenyReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Proof that [`decide`] allowed an access. Only this module can make one.
#[derive(Debug)]
pub struct Permit {
    basis: Basis,
}

impl Permit {
    pub fn basis(&self) -> Basis {
        self.basis
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
}

/// The single access decision. `now` (unix ms) is where time windows of grants will be checked.
pub fn decide(actor: &Actor, resource: &Resource<'_>, action: Action, now: i64) -> Decision {
    let _ = now;
    let Action::Read = action;
    match actor {
        Actor::Anonymous => Decision::Deny(DenyReason::NotAuthenticated),
        Actor::Citizen { active: false, .. }
        | Actor::Clinician { active: false, .. }
        | Actor::Administrator { active: false, .. } => Decision::Deny(DenyReason::AccountSuspended),
        Actor::Citizen { patient_id: own, .. } => match (own.as_deref(), resource.patient_id) {
            (_, None) => Decision::Deny(DenyReason::NoSuchRecord),
            (None, Some(_)) => Decision::Deny(DenyReason::NoRecordOfOwn),
            (Some(own), Some(target)) if own == target => Decision::Allow(Permit { basis: Basis::OwnRecord }),
            (Some(_), Some(_)) => Decision::Deny(DenyReason::NotOwnRecord),
        },
        Actor::Clinician { .. } | Actor::Administrator { .. } => match resource.patient_id {
            None => Decision::Deny(DenyReason::NoSuchRecord),
            Some(_) => Decision::Deny(DenyReason::NoRuleAllows),
        },
    }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn citizen(patient: Option<&str>, active: bool) -> Actor {
        Actor::Citizen { account_id: "acc-a".into(), patient_id: patient.map(Into::into), active }
    }

    fn clinician(active: bool) -> Actor {
        Actor::Clinician { account_id: "acc-c".into(), facility_id: Some("fac-1".into()), active }
    }

    fn admin(active: bool) -> Actor {
        Actor::Administrator { account_id: "acc-x".into(), active }
    }

    enum Expect {
        Allow(Basis),
        Deny(DenyReason),
    }

    #[rstest]
    // self
    #[case::self_immunizations(citizen(Some("pa"), true), Some("pa"), Category::Immunizations, Expect::Allow(Basis::OwnRecord))]
    #[case::self_visits(citizen(Some("pa"), true), Some("pa"), Category::Visits, Expect::Allow(Basis::OwnRecord))]
    #[case::self_labs(citizen(Some("pa"), true), Some("pa"), Category::LabResults, Expect::Allow(Basis::OwnRecord))]
    #[case::self_administrative(citizen(Some("pa"), true), Some("pa"), Category::Administrative, Expect::Allow(Basis::OwnRecord))]
    #[case::self_documents(citizen(Some("pa"), true), Some("pa"), Category::Documents, Expect::Allow(Basis::OwnRecord))]
    // another patient's record
    #[case::other_immunizations(citizen(Some("pa"), true), Some("pb"), Category::Immunizations, Expect::Deny(DenyReason::NotOwnRecord))]
    #[case::other_visits(citizen(Some("pa"), true), Some("pb"), Category::Visits, Expect::Deny(DenyReason::NotOwnRecord))]
    #[case::other_administrative(citizen(Some("pa"), true), Some("pb"), Category::Administrative, Expect::Deny(DenyReason::NotOwnRecord))]
    // a guessed id that does not exist
    #[case::missing_target(citizen(Some("pa"), true), None, Category::Visits, Expect::Deny(DenyReason::NoSuchRecord))]
    // a citizen account with no record bound
    #[case::citizen_without_record(citizen(None, true), Some("pa"), Category::Visits, Expect::Deny(DenyReason::NoRecordOfOwn))]
    // suspended accounts: even their own record
    #[case::suspended_self(citizen(Some("pa"), false), Some("pa"), Category::Immunizations, Expect::Deny(DenyReason::AccountSuspended))]
    #[case::suspended_clinician(clinician(false), Some("pa"), Category::Immunizations, Expect::Deny(DenyReason::AccountSuspended))]
    #[case::suspended_admin(admin(false), Some("pa"), Category::Visits, Expect::Deny(DenyReason::AccountSuspended))]
    // anonymous
    #[case::anonymous_read(Actor::Anonymous, Some("pa"), Category::Immunizations, Expect::Deny(DenyReason::NotAuthenticated))]
    #[case::anonymous_missing(Actor::Anonymous, None, Category::Visits, Expect::Deny(DenyReason::NotAuthenticated))]
    // staff: nothing is shared by default (grants and break-glass come with consent)
    #[case::clinician_no_grant(clinician(true), Some("pa"), Category::Immunizations, Expect::Deny(DenyReason::NoRuleAllows))]
    #[case::clinician_no_grant_visits(clinician(true), Some("pa"), Category::Visits, Expect::Deny(DenyReason::NoRuleAllows))]
    #[case::clinician_missing(clinician(true), None, Category::Visits, Expect::Deny(DenyReason::NoSuchRecord))]
    #[case::admin_no_rule(admin(true), Some("pa"), Category::LabResults, Expect::Deny(DenyReason::NoRuleAllows))]
    #[case::admin_administrative(admin(true), Some("pa"), Category::Administrative, Expect::Deny(DenyReason::NoRuleAllows))]
    fn read_decisions(#[case] actor: Actor, #[case] patient: Option<&str>, #[case] category: Category, #[case] expect: Expect) {
        let decision = decide(&actor, &Resource { patient_id: patient, category }, Action::Read, 1_800_000_000_000);
        match (decision, expect) {
            (Decision::Allow(permit), Expect::Allow(basis)) => assert_eq!(permit.basis(), basis),
            (Decision::Deny(reason), Expect::Deny(expected)) => assert_eq!(reason, expected),
            (decision, Expect::Allow(_)) => panic!("expected allow, got {decision:?}"),
            (decision, Expect::Deny(expected)) => panic!("expected deny {expected:?}, got {decision:?}"),
        }
    }

    #[test]
    fn a_citizen_is_allowed_every_category_of_their_own_record_and_none_of_another() {
        let actor = citizen(Some("pa"), true);
        for category in Category::ALL {
            assert!(matches!(decide(&actor, &Resource { patient_id: Some("pa"), category }, Action::Read, 0), Decision::Allow(_)));
            assert!(matches!(
                decide(&actor, &Resource { patient_id: Some("pb"), category }, Action::Read, 0),
                Decision::Deny(DenyReason::NotOwnRecord)
            ));
        }
    }
}
