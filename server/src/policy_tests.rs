//! The policy as a table of allow/deny rows.

use rstest::rstest;

use chrono::{Datelike, NaiveDate};

use super::*;

const NOW: Millis = 1_800_000_000_000;
const HOUR: Millis = 3_600_000;
const DAY: Millis = 24 * HOUR;

fn citizen(patient: Option<&str>, active: bool) -> Actor {
    Actor::Citizen { account_id: "acc-citizen".into(), patient_id: patient.map(Into::into), active }
}

/// Clinician "cl-1" at facility "fac-1" (or another facility), acting for `purpose`.
fn clinician_at(facility: &str, active: bool, purpose: Purpose) -> Actor {
    Actor::Clinician {
        account_id: "acc-clinician".into(),
        clinician_id: Some(if facility == "fac-1" { "cl-1".into() } else { "cl-9".into() }),
        facility_id: Some(facility.into()),
        active,
        confirmed: true,
        purpose,
    }
}

/// The same clinician before a second administrator confirmed the account.
fn unconfirmed_clinician() -> Actor {
    match clinician() {
        Actor::Clinician { account_id, clinician_id, facility_id, active, purpose, .. } => {
            Actor::Clinician { account_id, clinician_id, facility_id, active, confirmed: false, purpose }
        }
        other => other,
    }
}

fn clinician() -> Actor {
    clinician_at("fac-1", true, Purpose::Treatment)
}

fn admin(active: bool) -> Actor {
    Actor::Administrator { account_id: "acc-admin".into(), active }
}

#[derive(Clone, Copy)]
enum When {
    Active,
    NotYetStarted,
    Expired,
    Revoked,
    RevokedLater,
}

fn grant(to: Grantee, categories: &[Category], purpose: Purpose, when: When) -> GrantFact {
    let (starts_at, expires_at, revoked_at) = match when {
        When::Active => (NOW - DAY, NOW + DAY, None),
        When::NotYetStarted => (NOW + HOUR, NOW + DAY, None),
        When::Expired => (NOW - 2 * DAY, NOW - 1, None),
        When::Revoked => (NOW - DAY, NOW + DAY, Some(NOW - 1)),
        When::RevokedLater => (NOW - DAY, NOW + DAY, Some(NOW + HOUR)),
    };
    GrantFact { grant_id: "g-1".into(), grantee: to, categories: categories.to_vec(), purpose, starts_at, expires_at, revoked_at }
}

fn to_clinician(categories: &[Category], when: When) -> Vec<GrantFact> {
    vec![grant(Grantee::Clinician("cl-1".into()), categories, Purpose::Treatment, when)]
}

fn to_facility(categories: &[Category], when: When) -> Vec<GrantFact> {
    vec![grant(Grantee::Facility("fac-1".into()), categories, Purpose::Treatment, when)]
}

fn emergency(expired: bool) -> Vec<BreakGlassFact> {
    vec![BreakGlassFact {
        break_glass_id: "bg-1".into(),
        clinician_account_id: "acc-clinician".into(),
        starts_at: NOW - HOUR,
        expires_at: if expired { NOW - 1 } else { NOW + 3 * HOUR },
    }]
}

const IMM: &[Category] = &[Category::Immunizations];
const ALL: &[Category] = &Category::SHAREABLE;

#[derive(Debug)]
enum Expect {
    Allow(Basis),
    Deny(DenyReason),
}
use Expect::{Allow, Deny};

#[rstest]
// ── self ────────────────────────────────────────────────────────────────────────────────
#[case::self_immunizations(citizen(Some("pa"), true), Some("pa"), Category::Immunizations, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::self_visits(citizen(Some("pa"), true), Some("pa"), Category::Visits, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::self_labs(citizen(Some("pa"), true), Some("pa"), Category::LabResults, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::self_billing(citizen(Some("pa"), true), Some("pa"), Category::Billing, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::self_administrative(citizen(Some("pa"), true), Some("pa"), Category::Administrative, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::self_documents(citizen(Some("pa"), true), Some("pa"), Category::Documents, vec![], vec![], Allow(Basis::OwnRecord))]
#[case::other_patient_immunizations(citizen(Some("pa"), true), Some("pb"), Category::Immunizations, vec![], vec![], Deny(DenyReason::NotOwnRecord))]
#[case::other_patient_visits(citizen(Some("pa"), true), Some("pb"), Category::Visits, vec![], vec![], Deny(DenyReason::NotOwnRecord))]
#[case::other_patient_despite_grant_to_clinicians(citizen(Some("pa"), true), Some("pb"), Category::Immunizations, to_clinician(ALL, When::Active), vec![], Deny(DenyReason::NotOwnRecord))]
#[case::guessed_id(citizen(Some("pa"), true), None, Category::Visits, vec![], vec![], Deny(DenyReason::NoSuchRecord))]
#[case::citizen_without_record(citizen(None, true), Some("pa"), Category::Visits, vec![], vec![], Deny(DenyReason::NoRecordOfOwn))]
#[case::suspended_citizen_own_record(citizen(Some("pa"), false), Some("pa"), Category::Immunizations, vec![], vec![], Deny(DenyReason::AccountSuspended))]
// ── anonymous ───────────────────────────────────────────────────────────────────────────
#[case::anonymous(Actor::Anonymous, Some("pa"), Category::Immunizations, vec![], vec![], Deny(DenyReason::NotAuthenticated))]
#[case::anonymous_with_grants(Actor::Anonymous, Some("pa"), Category::Immunizations, to_facility(ALL, When::Active), vec![], Deny(DenyReason::NotAuthenticated))]
// ── clinician, grant to them ────────────────────────────────────────────────────────────
#[case::clinician_nothing_shared(clinician(), Some("pa"), Category::Immunizations, vec![], vec![], Deny(DenyReason::NoGrant))]
#[case::clinician_grant_covers(clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Active), vec![], Allow(Basis::Grant))]
#[case::clinician_grant_gives_administrative(clinician(), Some("pa"), Category::Administrative, to_clinician(IMM, When::Active), vec![], Allow(Basis::Grant))]
#[case::clinician_category_not_shared(clinician(), Some("pa"), Category::Visits, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::CategoryNotShared))]
#[case::clinician_labs_not_shared(clinician(), Some("pa"), Category::LabResults, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::CategoryNotShared))]
#[case::clinician_all_categories(clinician(), Some("pa"), Category::Documents, to_clinician(ALL, When::Active), vec![], Allow(Basis::Grant))]
#[case::clinician_grant_not_yet_started(clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::NotYetStarted), vec![], Deny(DenyReason::GrantNotYetStarted))]
#[case::clinician_grant_expired(clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Expired), vec![], Deny(DenyReason::GrantExpired))]
#[case::clinician_grant_revoked(clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Revoked), vec![], Deny(DenyReason::GrantRevoked))]
#[case::clinician_grant_revocation_scheduled_later(clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::RevokedLater), vec![], Allow(Basis::Grant))]
#[case::clinician_grant_to_someone_else(clinician(), Some("pa"), Category::Immunizations, vec![grant(Grantee::Clinician("cl-2".into()), IMM, Purpose::Treatment, When::Active)], vec![], Deny(DenyReason::NoGrant))]
#[case::clinician_missing_record(clinician(), None, Category::Immunizations, to_clinician(ALL, When::Active), vec![], Deny(DenyReason::NoSuchRecord))]
// ── purposes ────────────────────────────────────────────────────────────────────────────
#[case::purpose_research_on_treatment_grant(clinician_at("fac-1", true, Purpose::Research), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::PurposeNotGranted))]
#[case::purpose_insurance_on_treatment_grant(clinician_at("fac-1", true, Purpose::InsuranceAssessment), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::PurposeNotGranted))]
#[case::purpose_insurance_granted(clinician_at("fac-1", true, Purpose::InsuranceAssessment), Some("pa"), Category::LabResults, vec![grant(Grantee::Clinician("cl-1".into()), ALL, Purpose::InsuranceAssessment, When::Active)], vec![], Allow(Basis::Grant))]
#[case::purpose_research_granted(clinician_at("fac-1", true, Purpose::Research), Some("pa"), Category::Conditions, vec![grant(Grantee::Facility("fac-1".into()), ALL, Purpose::Research, When::Active)], vec![], Allow(Basis::Grant))]
#[case::purpose_treatment_on_research_grant(clinician(), Some("pa"), Category::Conditions, vec![grant(Grantee::Facility("fac-1".into()), ALL, Purpose::Research, When::Active)], vec![], Deny(DenyReason::PurposeNotGranted))]
// ── clinician of a granted facility / another facility ─────────────────────────────────
#[case::facility_grant_covers(clinician(), Some("pa"), Category::Immunizations, to_facility(IMM, When::Active), vec![], Allow(Basis::Grant))]
#[case::facility_grant_category_not_shared(clinician(), Some("pa"), Category::Medications, to_facility(IMM, When::Active), vec![], Deny(DenyReason::CategoryNotShared))]
#[case::facility_grant_expired(clinician(), Some("pa"), Category::Immunizations, to_facility(IMM, When::Expired), vec![], Deny(DenyReason::GrantExpired))]
#[case::facility_grant_revoked(clinician(), Some("pa"), Category::Immunizations, to_facility(IMM, When::Revoked), vec![], Deny(DenyReason::GrantRevoked))]
#[case::facility_grant_not_yet_started(clinician(), Some("pa"), Category::Immunizations, to_facility(IMM, When::NotYetStarted), vec![], Deny(DenyReason::GrantNotYetStarted))]
#[case::other_facility_clinician(clinician_at("fac-2", true, Purpose::Treatment), Some("pa"), Category::Immunizations, to_facility(IMM, When::Active), vec![], Deny(DenyReason::NoGrant))]
#[case::other_facility_clinician_all(clinician_at("fac-2", true, Purpose::Treatment), Some("pa"), Category::Visits, to_facility(ALL, When::Active), vec![], Deny(DenyReason::NoGrant))]
#[case::expired_personal_but_active_facility(clinician(), Some("pa"), Category::Immunizations, [to_clinician(IMM, When::Expired), to_facility(IMM, When::Active)].concat(), vec![], Allow(Basis::Grant))]
// ── suspended clinician ─────────────────────────────────────────────────────────────────
#[case::suspended_clinician_with_grant(clinician_at("fac-1", false, Purpose::Treatment), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::AccountSuspended))]
#[case::suspended_clinician_facility_grant(clinician_at("fac-1", false, Purpose::Treatment), Some("pa"), Category::Immunizations, to_facility(ALL, When::Active), vec![], Deny(DenyReason::AccountSuspended))]
#[case::suspended_clinician_break_glass(clinician_at("fac-1", false, Purpose::Treatment), Some("pa"), Category::Visits, vec![], emergency(false), Deny(DenyReason::AccountSuspended))]
// ── unconfirmed staff (separation of duties) ────────────────────────────────────────────
#[case::unconfirmed_clinician_with_grant(unconfirmed_clinician(), Some("pa"), Category::Immunizations, to_clinician(IMM, When::Active), vec![], Deny(DenyReason::StaffNotConfirmed))]
#[case::unconfirmed_clinician_facility_grant(unconfirmed_clinician(), Some("pa"), Category::Visits, to_facility(ALL, When::Active), vec![], Deny(DenyReason::StaffNotConfirmed))]
#[case::unconfirmed_clinician_break_glass(unconfirmed_clinician(), Some("pa"), Category::Visits, vec![], emergency(false), Deny(DenyReason::StaffNotConfirmed))]
#[case::unconfirmed_clinician_administrative(unconfirmed_clinician(), Some("pa"), Category::Administrative, to_facility(ALL, When::Active), vec![], Deny(DenyReason::StaffNotConfirmed))]
// ── break-glass ─────────────────────────────────────────────────────────────────────────
#[case::break_glass_active_visits(clinician(), Some("pa"), Category::Visits, vec![], emergency(false), Allow(Basis::BreakGlass))]
#[case::break_glass_active_documents(clinician(), Some("pa"), Category::Documents, vec![], emergency(false), Allow(Basis::BreakGlass))]
#[case::break_glass_over_a_narrow_grant(
    clinician(),
    Some("pa"),
    Category::LabResults,
    to_clinician(IMM, When::Active),
    emergency(false),
    Allow(Basis::BreakGlass)
)]
#[case::break_glass_never_opens_billing(clinician(), Some("pa"), Category::Billing, vec![], emergency(false), Deny(DenyReason::NoGrant))]
#[case::an_all_categories_grant_leaves_billing_out(clinician(), Some("pa"), Category::Billing, to_clinician(ALL, When::Active), vec![], Deny(DenyReason::CategoryNotShared))]
#[case::break_glass_expired(clinician(), Some("pa"), Category::Visits, vec![], emergency(true), Deny(DenyReason::BreakGlassExpired))]
#[case::break_glass_expired_grant_still_counts(
    clinician(),
    Some("pa"),
    Category::Immunizations,
    to_clinician(IMM, When::Active),
    emergency(true),
    Allow(Basis::Grant)
)]
#[case::break_glass_of_another_clinician(clinician_at("fac-2", true, Purpose::Treatment), Some("pa"), Category::Visits, vec![], vec![BreakGlassFact { break_glass_id: "bg-2".into(), clinician_account_id: "someone-else".into(), starts_at: NOW - HOUR, expires_at: NOW + HOUR }], Deny(DenyReason::NoGrant))]
// ── administrator ───────────────────────────────────────────────────────────────────────
#[case::admin_reads_no_records(admin(true), Some("pa"), Category::LabResults, vec![], vec![], Deny(DenyReason::NoRuleAllows))]
#[case::admin_even_with_facility_grants(admin(true), Some("pa"), Category::Immunizations, to_facility(ALL, When::Active), vec![], Deny(DenyReason::NoRuleAllows))]
#[case::admin_administrative(admin(true), Some("pa"), Category::Administrative, vec![], vec![], Deny(DenyReason::NoRuleAllows))]
#[case::suspended_admin(admin(false), Some("pa"), Category::Visits, vec![], vec![], Deny(DenyReason::AccountSuspended))]
fn decisions(
    #[case] actor: Actor,
    #[case] patient: Option<&str>,
    #[case] category: Category,
    #[case] grants: Vec<GrantFact>,
    #[case] break_glass: Vec<BreakGlassFact>,
    #[case] expect: Expect,
) {
    let resource = Resource { patient_id: patient, category, grants: &grants, break_glass: &break_glass, guardians: &[], helpers: &[] };
    match (decide(&actor, &resource, Action::Read, NOW), expect) {
        (Decision::Allow(permit), Allow(basis)) => assert_eq!(permit.basis(), basis),
        (Decision::Deny(reason), Deny(expected)) => assert_eq!(reason, expected),
        (decision, expect) => panic!("expected {expect:?}, got {decision:?}"),
    }
}

#[test]
fn a_citizen_is_allowed_every_category_of_their_own_record_and_none_of_another() {
    let actor = citizen(Some("pa"), true);
    for category in Category::ALL {
        assert!(matches!(decide(&actor, &Resource::bare(Some("pa"), category), Action::Read, NOW), Decision::Allow(_)));
        assert!(matches!(
            decide(&actor, &Resource::bare(Some("pb"), category), Action::Read, NOW),
            Decision::Deny(DenyReason::NotOwnRecord)
        ));
    }
}

#[test]
fn a_grant_works_from_its_start_until_just_before_its_expiry() {
    let grants = to_clinician(IMM, When::Active);
    let at = |now| {
        decide(
            &clinician(),
            &Resource {
                patient_id: Some("pa"),
                category: Category::Immunizations,
                grants: &grants,
                break_glass: &[],
                guardians: &[],
                helpers: &[],
            },
            Action::Read,
            now,
        )
    };
    assert!(matches!(at(grants[0].starts_at - 1), Decision::Deny(DenyReason::GrantNotYetStarted)));
    assert!(matches!(at(grants[0].starts_at), Decision::Allow(_)));
    assert!(matches!(at(grants[0].expires_at - 1), Decision::Allow(_)));
    assert!(matches!(at(grants[0].expires_at), Decision::Deny(DenyReason::GrantExpired)));
}

#[test]
fn the_permit_names_the_grant_or_break_glass_it_rests_on() {
    let grants = to_clinician(IMM, When::Active);
    let Decision::Allow(permit) = decide(
        &clinician(),
        &Resource {
            patient_id: Some("pa"),
            category: Category::Immunizations,
            grants: &grants,
            break_glass: &[],
            guardians: &[],
            helpers: &[],
        },
        Action::Read,
        NOW,
    ) else {
        panic!("expected allow")
    };
    assert_eq!(permit.basis_ref(), Some("g-1"));
    let emergencies = emergency(false);
    let Decision::Allow(permit) = decide(
        &clinician(),
        &Resource {
            patient_id: Some("pa"),
            category: Category::Visits,
            grants: &[],
            break_glass: &emergencies,
            guardians: &[],
            helpers: &[],
        },
        Action::Read,
        NOW,
    ) else {
        panic!("expected allow")
    };
    assert_eq!(permit.basis_ref(), Some("bg-1"));
}

/// An unconfirmed staff account reads no category of any record, whatever grants and emergencies it has.
#[test]
fn an_unconfirmed_staff_account_reads_nothing() {
    let grants = [to_clinician(ALL, When::Active), to_facility(ALL, When::Active)].concat();
    let emergencies = emergency(false);
    for category in Category::ALL {
        let resource =
            Resource { patient_id: Some("pa"), category, grants: &grants, break_glass: &emergencies, guardians: &[], helpers: &[] };
        assert!(matches!(decide(&unconfirmed_clinician(), &resource, Action::Read, NOW), Decision::Deny(DenyReason::StaffNotConfirmed)));
    }
}

// ── guardians (Law 91/2025/QH15 Art. 24; Law on Children 102/2016/QH13 Art. 1) ─────────────
#[derive(Clone, Copy)]
enum Link {
    Live,
    Ended,
    EndsLater,
    ChildIs16,
}

/// A link making the record "pa" (the parent's own) the guardian of child record "pc".
fn link(state: Link) -> Vec<GuardianFact> {
    let (ended_at, comes_of_age_at) = match state {
        Link::Live => (None, NOW + 365 * DAY),
        Link::Ended => (Some(NOW - 1), NOW + 365 * DAY),
        Link::EndsLater => (Some(NOW + HOUR), NOW + 365 * DAY),
        Link::ChildIs16 => (None, NOW),
    };
    vec![GuardianFact { guardianship_id: "gd-1".into(), guardian_patient_id: "pa".into(), ended_at, comes_of_age_at }]
}

#[rstest]
#[case::guardian_reads_the_childs_vaccinations(
    citizen(Some("pa"), true),
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Allow(Basis::Guardian)
)]
#[case::guardian_reads_the_childs_access_history(
    citizen(Some("pa"), true),
    "pc",
    Category::AccessHistory,
    link(Link::Live),
    Allow(Basis::Guardian)
)]
#[case::guardian_reads_the_childs_billing(citizen(Some("pa"), true), "pc", Category::Billing, link(Link::Live), Allow(Basis::Guardian))]
#[case::guardian_until_an_end_scheduled_later(
    citizen(Some("pa"), true),
    "pc",
    Category::Visits,
    link(Link::EndsLater),
    Allow(Basis::Guardian)
)]
#[case::guardian_after_the_link_ended(
    citizen(Some("pa"), true),
    "pc",
    Category::Immunizations,
    link(Link::Ended),
    Deny(DenyReason::GuardianshipEnded)
)]
#[case::guardian_on_the_childs_16th_birthday(
    citizen(Some("pa"), true),
    "pc",
    Category::Immunizations,
    link(Link::ChildIs16),
    Deny(DenyReason::ChildCameOfAge)
)]
#[case::guardian_of_one_child_reading_another(citizen(Some("pa"), true), "pd", Category::Immunizations, vec![], Deny(DenyReason::NotOwnRecord))]
#[case::someone_elses_guardianship(
    citizen(Some("pb"), true),
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Deny(DenyReason::NotOwnRecord)
)]
#[case::suspended_guardian(citizen(Some("pa"), false), "pc", Category::Immunizations, link(Link::Live), Deny(DenyReason::AccountSuspended))]
#[case::guardian_without_a_record_of_their_own(
    citizen(None, true),
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Deny(DenyReason::NoRecordOfOwn)
)]
#[case::clinician_gains_nothing_from_a_guardianship(
    clinician(),
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Deny(DenyReason::NoGrant)
)]
#[case::admin_gains_nothing_from_a_guardianship(
    admin(true),
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Deny(DenyReason::NoRuleAllows)
)]
#[case::anonymous_with_a_guardianship(
    Actor::Anonymous,
    "pc",
    Category::Immunizations,
    link(Link::Live),
    Deny(DenyReason::NotAuthenticated)
)]
fn guardian_decisions(
    #[case] actor: Actor,
    #[case] patient: &str,
    #[case] category: Category,
    #[case] guardians: Vec<GuardianFact>,
    #[case] expect: Expect,
) {
    let resource = Resource { patient_id: Some(patient), category, grants: &[], break_glass: &[], guardians: &guardians, helpers: &[] };
    match (decide(&actor, &resource, Action::Read, NOW), expect) {
        (Decision::Allow(permit), Allow(basis)) => {
            assert_eq!(permit.basis(), basis);
            assert_eq!(permit.basis_ref(), Some("gd-1"), "the permit names the link");
        }
        (Decision::Deny(reason), Deny(expected)) => assert_eq!(reason, expected),
        (decision, expect) => panic!("expected {expect:?}, got {decision:?}"),
    }
}

#[test]
fn a_guardian_reads_every_category_until_the_instant_the_child_is_16() {
    let guardians = link(Link::Live);
    let at = guardians[0].comes_of_age_at;
    for category in Category::ALL {
        let resource = Resource { patient_id: Some("pc"), category, grants: &[], break_glass: &[], guardians: &guardians, helpers: &[] };
        let actor = citizen(Some("pa"), true);
        assert!(matches!(decide(&actor, &resource, Action::Read, at - 1), Decision::Allow(_)), "{category:?}");
        assert!(matches!(decide(&actor, &resource, Action::Read, at), Decision::Deny(DenyReason::ChildCameOfAge)), "{category:?}");
    }
}

#[rstest]
#[case::administrator(admin(true), NOW, Ok(()))]
#[case::suspended_administrator(admin(false), NOW, Err(DenyReason::AccountSuspended))]
#[case::the_young_person_at_16(citizen(Some("pc"), true), NOW + 365 * DAY, Ok(()))]
#[case::the_child_under_16(citizen(Some("pc"), true), NOW, Err(DenyReason::NoRuleAllows))]
#[case::the_guardian(citizen(Some("pa"), true), NOW, Err(DenyReason::NoRuleAllows))]
#[case::a_stranger(citizen(Some("pb"), true), NOW + 365 * DAY, Err(DenyReason::NoRuleAllows))]
#[case::a_clinician(clinician(), NOW, Err(DenyReason::NoRuleAllows))]
#[case::anonymous(Actor::Anonymous, NOW, Err(DenyReason::NotAuthenticated))]
fn ending_a_guardianship(#[case] actor: Actor, #[case] now: Millis, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_end_guardianship(&actor, &link(Link::Live)[0], "pc", now), expect);
}

#[rstest]
#[case::administrator(admin(true), Ok(()))]
#[case::suspended_administrator(admin(false), Err(DenyReason::AccountSuspended))]
#[case::a_citizen(citizen(Some("pa"), true), Err(DenyReason::NotAdministrator))]
#[case::a_clinician(clinician(), Err(DenyReason::NotAdministrator))]
#[case::anonymous(Actor::Anonymous, Err(DenyReason::NotAuthenticated))]
fn establishing_a_guardianship(#[case] actor: Actor, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_establish_guardianship(&actor), expect);
}

#[rstest]
#[case::the_day_before(NaiveDate::from_ymd_opt(2026, 3, 14).unwrap(), 15)]
#[case::the_birthday(NaiveDate::from_ymd_opt(2026, 3, 15).unwrap(), 16)]
#[case::leap_day_child_in_a_common_year(NaiveDate::from_ymd_opt(2028, 2, 28).unwrap(), 15)]
fn ages_count_full_years(#[case] today: NaiveDate, #[case] years: u32) {
    let born =
        if today.year() == 2028 { NaiveDate::from_ymd_opt(2012, 2, 29).unwrap() } else { NaiveDate::from_ymd_opt(2010, 3, 15).unwrap() };
    assert_eq!(ages::age_on(born, today), years);
}

#[test]
fn a_leap_day_child_turns_16_on_the_first_of_march() {
    let born = NaiveDate::from_ymd_opt(2012, 2, 29).unwrap();
    assert_eq!(ages::birthday(born, ages::CHILD_UNTIL), NaiveDate::from_ymd_opt(2028, 2, 29));
    let born = NaiveDate::from_ymd_opt(2008, 2, 29).unwrap();
    assert_eq!(ages::birthday(born, ages::CHILD_UNTIL), NaiveDate::from_ymd_opt(2024, 2, 29));
    let born = NaiveDate::from_ymd_opt(2004, 2, 29).unwrap();
    assert_eq!(ages::birthday(born, 15), NaiveDate::from_ymd_opt(2019, 3, 1));
    assert_eq!(ages::age_on(born, NaiveDate::from_ymd_opt(2019, 2, 28).unwrap()), 14);
    assert_eq!(ages::age_on(born, NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()), 15);
}

fn other_admin() -> Actor {
    Actor::Administrator { account_id: "acc-admin-2".into(), active: true }
}

// ── separation of duties: approving a held credential, confirming a staff account ──────────
#[rstest]
#[case::issuer_approves_own_code(admin(true), Some("acc-admin"), Err(DenyReason::SecondAdministratorRequired))]
#[case::second_administrator_approves(other_admin(), Some("acc-admin"), Ok(()))]
#[case::operator_issued(admin(true), None, Ok(()))]
#[case::suspended_administrator(admin(false), Some("acc-admin-2"), Err(DenyReason::AccountSuspended))]
#[case::clinician_approves(clinician(), Some("acc-admin"), Err(DenyReason::NotAdministrator))]
#[case::anonymous_approves(Actor::Anonymous, Some("acc-admin"), Err(DenyReason::NotAuthenticated))]
fn approving_a_held_credential(#[case] approver: Actor, #[case] issuer: Option<&str>, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_approve(&approver, issuer), expect);
}

#[rstest]
#[case::creator_confirms(admin(true), Some("acc-admin"), "acc-new", Err(DenyReason::SecondAdministratorRequired))]
#[case::second_administrator_confirms(other_admin(), Some("acc-admin"), "acc-new", Ok(()))]
#[case::confirming_oneself(other_admin(), Some("acc-admin"), "acc-admin-2", Err(DenyReason::SecondAdministratorRequired))]
#[case::operator_created(admin(true), None, "acc-new", Ok(()))]
#[case::suspended_administrator(admin(false), Some("acc-admin-2"), "acc-new", Err(DenyReason::AccountSuspended))]
#[case::clinician_confirms(clinician(), Some("acc-admin"), "acc-new", Err(DenyReason::NotAdministrator))]
fn confirming_a_staff_account(
    #[case] confirmer: Actor,
    #[case] created_by: Option<&str>,
    #[case] account: &str,
    #[case] expect: Result<(), DenyReason>,
) {
    assert_eq!(may_confirm_staff(&confirmer, created_by, account), expect);
}

#[derive(Clone, Copy)]
enum Help {
    Live,
    Nominated,
    Ended,
    Expired,
    /// Accepted, with an end recorded to take effect an hour from now.
    EndsLater,
}

/// A link making "ph" (the helper's own record) the helper of adult record "pe", for
/// immunizations and the access history, without sharing management.
fn helper(state: Help) -> Vec<HelperFact> {
    let (accepted_at, ended_at, expires_at) = match state {
        Help::Live => (Some(NOW - DAY), None, NOW + 30 * DAY),
        Help::Nominated => (None, None, NOW + 30 * DAY),
        Help::Ended => (Some(NOW - DAY), Some(NOW - 1), NOW + 30 * DAY),
        Help::Expired => (Some(NOW - 40 * DAY), None, NOW),
        Help::EndsLater => (Some(NOW - DAY), Some(NOW + HOUR), NOW + 30 * DAY),
    };
    vec![HelperFact {
        helper_id: "hl-1".into(),
        helper_patient_id: "ph".into(),
        categories: vec![Category::Immunizations, Category::AccessHistory],
        manage_sharing: false,
        accepted_at,
        expires_at,
        ended_at,
    }]
}

#[rstest]
#[case::helper_reads_a_chosen_part(citizen(Some("ph"), true), Category::Immunizations, Help::Live, Allow(Basis::Helper))]
#[case::helper_reads_the_name_that_comes_with_any(citizen(Some("ph"), true), Category::Administrative, Help::Live, Allow(Basis::Helper))]
#[case::helper_reads_the_chosen_access_history(citizen(Some("ph"), true), Category::AccessHistory, Help::Live, Allow(Basis::Helper))]
#[case::helper_until_the_end_takes_effect(citizen(Some("ph"), true), Category::Immunizations, Help::EndsLater, Allow(Basis::Helper))]
#[case::helper_beyond_the_chosen_parts(citizen(Some("ph"), true), Category::Conditions, Help::Live, Deny(DenyReason::OutsideHelperScope))]
#[case::helper_reads_billing(citizen(Some("ph"), true), Category::Billing, Help::Live, Deny(DenyReason::OutsideHelperScope))]
#[case::helper_before_accepting(citizen(Some("ph"), true), Category::Immunizations, Help::Nominated, Deny(DenyReason::HelperNotAccepted))]
#[case::helper_after_the_link_ended(citizen(Some("ph"), true), Category::Immunizations, Help::Ended, Deny(DenyReason::HelperEnded))]
#[case::helper_after_the_chosen_time(citizen(Some("ph"), true), Category::Immunizations, Help::Expired, Deny(DenyReason::HelperExpired))]
#[case::suspended_helper(citizen(Some("ph"), false), Category::Immunizations, Help::Live, Deny(DenyReason::AccountSuspended))]
#[case::someone_else_s_helper(citizen(Some("pb"), true), Category::Immunizations, Help::Live, Deny(DenyReason::NotOwnRecord))]
#[case::clinician_gains_nothing_from_a_helper(clinician(), Category::Immunizations, Help::Live, Deny(DenyReason::NoGrant))]
#[case::admin_gains_nothing_from_a_helper(admin(true), Category::Immunizations, Help::Live, Deny(DenyReason::NoRuleAllows))]
#[case::anonymous_with_a_helper(Actor::Anonymous, Category::Immunizations, Help::Live, Deny(DenyReason::NotAuthenticated))]
fn helper_decisions(#[case] actor: Actor, #[case] category: Category, #[case] state: Help, #[case] expect: Expect) {
    let helpers = helper(state);
    let resource = Resource { patient_id: Some("pe"), category, grants: &[], break_glass: &[], guardians: &[], helpers: &helpers };
    match (decide(&actor, &resource, Action::Read, NOW), expect) {
        (Decision::Allow(permit), Allow(basis)) => {
            assert_eq!(permit.basis(), basis);
            assert_eq!(permit.basis_ref(), Some("hl-1"), "the permit names the link");
        }
        (Decision::Deny(reason), Deny(expected)) => assert_eq!(reason, expected),
        (decision, expect) => panic!("expected {expect:?}, got {decision:?}"),
    }
}

#[test]
fn a_helper_reads_exactly_the_chosen_parts_and_the_name() {
    let helpers = helper(Help::Live);
    for category in Category::ALL {
        let resource = Resource { patient_id: Some("pe"), category, grants: &[], break_glass: &[], guardians: &[], helpers: &helpers };
        let allowed = matches!(decide(&citizen(Some("ph"), true), &resource, Action::Read, NOW), Decision::Allow(_));
        let chosen = matches!(category, Category::Administrative | Category::Immunizations | Category::AccessHistory);
        assert_eq!(allowed, chosen, "{category:?}");
    }
}

#[test]
fn a_helper_link_gives_nothing_from_the_instant_it_ends_or_expires() {
    let resource = |helpers: &[HelperFact]| -> Decision {
        let resource =
            Resource { patient_id: Some("pe"), category: Category::Immunizations, grants: &[], break_glass: &[], guardians: &[], helpers };
        let at = helpers[0].ended_at.unwrap_or(helpers[0].expires_at);
        assert!(matches!(decide(&citizen(Some("ph"), true), &resource, Action::Read, at - 1), Decision::Allow(_)));
        decide(&citizen(Some("ph"), true), &resource, Action::Read, at)
    };
    assert!(matches!(resource(&helper(Help::EndsLater)), Decision::Deny(DenyReason::HelperEnded)));
    let mut expiring = helper(Help::Live);
    expiring[0].expires_at = NOW + HOUR;
    assert!(matches!(resource(&expiring), Decision::Deny(DenyReason::HelperExpired)));
}

#[test]
fn a_guardian_who_is_also_a_helper_of_another_record_gains_nothing_across() {
    // "pa" is the guardian of "pc" and the helper of "pe" for immunizations and the access history.
    // Facts are loaded per record, so on "pe" only the helper link counts: her guardianship of
    // "pc" does not widen what she may read of "pe".
    let guardians: Vec<GuardianFact> = Vec::new();
    let mut helpers = helper(Help::Live);
    helpers[0].helper_patient_id = "pa".into();
    let on_pe = Resource {
        patient_id: Some("pe"),
        category: Category::Conditions,
        grants: &[],
        break_glass: &[],
        guardians: &guardians,
        helpers: &helpers,
    };
    assert!(matches!(decide(&citizen(Some("pa"), true), &on_pe, Action::Read, NOW), Decision::Deny(DenyReason::OutsideHelperScope)));
}

#[rstest]
#[case::the_nominee(citizen(Some("ph"), true), Help::Nominated, Ok(()))]
#[case::the_nominee_once_accepted(citizen(Some("ph"), true), Help::Live, Err(DenyReason::NoRuleAllows))]
#[case::the_nominee_after_the_end(citizen(Some("ph"), true), Help::Ended, Err(DenyReason::HelperEnded))]
#[case::the_nominee_after_expiry(citizen(Some("ph"), true), Help::Expired, Err(DenyReason::HelperExpired))]
#[case::the_person_themselves(citizen(Some("pe"), true), Help::Nominated, Err(DenyReason::NotOwnRecord))]
#[case::a_suspended_nominee(citizen(Some("ph"), false), Help::Nominated, Err(DenyReason::AccountSuspended))]
#[case::an_administrator(admin(true), Help::Nominated, Err(DenyReason::NotOwnRecord))]
#[case::anonymous(Actor::Anonymous, Help::Nominated, Err(DenyReason::NotAuthenticated))]
fn accepting_a_helper_nomination(#[case] actor: Actor, #[case] state: Help, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_accept_helper(&actor, &helper(state)[0], NOW), expect);
}

#[rstest]
#[case::the_person(citizen(Some("pe"), true), Ok(()))]
#[case::the_helper(citizen(Some("ph"), true), Ok(()))]
#[case::a_stranger(citizen(Some("pb"), true), Err(DenyReason::NotOwnRecord))]
#[case::a_suspended_person(citizen(Some("pe"), false), Err(DenyReason::AccountSuspended))]
#[case::an_administrator(admin(true), Err(DenyReason::NotOwnRecord))]
#[case::a_clinician(clinician(), Err(DenyReason::NotOwnRecord))]
#[case::anonymous(Actor::Anonymous, Err(DenyReason::NotAuthenticated))]
fn ending_a_helper_link(#[case] actor: Actor, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_end_helper(&actor, &helper(Help::Live)[0], "pe"), expect);
}

#[rstest]
#[case::the_person_on_their_own_record(citizen(Some("pe"), true), Ok(()))]
#[case::for_someone_else(citizen(Some("ph"), true), Err(DenyReason::NotOwnRecord))]
#[case::suspended(citizen(Some("pe"), false), Err(DenyReason::AccountSuspended))]
#[case::without_a_record(citizen(None, true), Err(DenyReason::NotOwnRecord))]
#[case::an_administrator(admin(true), Err(DenyReason::NotOwnRecord))]
#[case::anonymous(Actor::Anonymous, Err(DenyReason::NotAuthenticated))]
fn nominating_a_helper(#[case] actor: Actor, #[case] expect: Result<(), DenyReason>) {
    assert_eq!(may_nominate_helper(&actor, "pe"), expect);
}

#[rstest]
#[case::the_person(citizen(Some("pe"), true), "pe", Help::Live, false, Ok(Basis::OwnRecord))]
#[case::a_helper_allowed_to(citizen(Some("ph"), true), "pe", Help::Live, true, Ok(Basis::Helper))]
#[case::a_helper_who_may_only_read(citizen(Some("ph"), true), "pe", Help::Live, false, Err(DenyReason::OutsideHelperScope))]
#[case::a_helper_not_yet_accepted(citizen(Some("ph"), true), "pe", Help::Nominated, true, Err(DenyReason::HelperNotAccepted))]
#[case::a_helper_after_the_end(citizen(Some("ph"), true), "pe", Help::Ended, true, Err(DenyReason::HelperEnded))]
#[case::a_helper_after_expiry(citizen(Some("ph"), true), "pe", Help::Expired, true, Err(DenyReason::HelperExpired))]
#[case::a_suspended_helper(citizen(Some("ph"), false), "pe", Help::Live, true, Err(DenyReason::AccountSuspended))]
#[case::a_stranger(citizen(Some("pb"), true), "pe", Help::Live, true, Err(DenyReason::NotOwnRecord))]
#[case::a_clinician(clinician(), "pe", Help::Live, true, Err(DenyReason::NotOwnRecord))]
#[case::an_administrator(admin(true), "pe", Help::Live, true, Err(DenyReason::NotOwnRecord))]
#[case::anonymous(Actor::Anonymous, "pe", Help::Live, true, Err(DenyReason::NotAuthenticated))]
fn managing_an_adults_sharing(
    #[case] actor: Actor,
    #[case] patient: &str,
    #[case] state: Help,
    #[case] manage: bool,
    #[case] expect: Result<Basis, DenyReason>,
) {
    let mut helpers = helper(state);
    helpers[0].manage_sharing = manage;
    let resource = Resource {
        patient_id: Some(patient),
        category: Category::AccessHistory,
        grants: &[],
        break_glass: &[],
        guardians: &[],
        helpers: &helpers,
    };
    assert_eq!(may_manage_sharing(&actor, &resource, NOW).map(|(basis, _)| basis), expect);
}

#[rstest]
#[case::the_live_guardian(citizen(Some("pa"), true), Link::Live, Ok(Basis::Guardian))]
#[case::the_guardian_after_the_end(citizen(Some("pa"), true), Link::Ended, Err(DenyReason::GuardianshipEnded))]
#[case::the_guardian_on_the_16th_birthday(citizen(Some("pa"), true), Link::ChildIs16, Err(DenyReason::ChildCameOfAge))]
#[case::the_child_themselves(citizen(Some("pc"), true), Link::Live, Ok(Basis::OwnRecord))]
#[case::another_parent(citizen(Some("pb"), true), Link::Live, Err(DenyReason::NotOwnRecord))]
fn managing_a_childs_sharing(#[case] actor: Actor, #[case] state: Link, #[case] expect: Result<Basis, DenyReason>) {
    let guardians = link(state);
    let resource = Resource {
        patient_id: Some("pc"),
        category: Category::AccessHistory,
        grants: &[],
        break_glass: &[],
        guardians: &guardians,
        helpers: &[],
    };
    assert_eq!(may_manage_sharing(&actor, &resource, NOW).map(|(basis, _)| basis), expect);
}
