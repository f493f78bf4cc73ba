//! Vaccination schedule engine: "what's done, what's due". The schedule is data (a versioned JSON
//! file, [`SCHEDULE_JSON`]), not code. For each antigen the engine counts valid doses in order
//! (a dose given before its minimum age or interval, less a grace period, does not count), then
//! names the next dose with its window, and whether it is upcoming, due or overdue. Combination
//! vaccines count for every antigen they list. Adult entries recur (e.g. influenza yearly) and are
//! recommendations: they are never "overdue".
//!
//! Ages: a childhood series has an age after which it is no longer offered (`max_age_days`: an
//! adult is never told an infant series is overdue; the page leaves it out), and a dose may have
//! one of its own (the hepatitis B birth dose only in the first week): past it, the dose is
//! skipped and the series goes on without it. A child who starts late gets the catch-up the
//! minimum ages and intervals allow: each next dose is due as soon as both are met.
//! Pure: the caller passes the birth date, the doses and today.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

/// The schedule in force: TCMR for infants plus common adult vaccines.
pub const SCHEDULE_JSON: &str = include_str!("vn-tcmr-2026.json");

#[derive(Clone, Debug, Deserialize)]
pub struct Schedule {
    pub version: String,
    pub grace_days: i64,
    pub overdue_after_days: i64,
    pub antigens: Vec<AntigenRule>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct AntigenRule {
    pub antigen: String,
    /// The childhood series, in order.
    #[serde(default)]
    pub doses: Vec<DoseRule>,
    /// Antigens whose doses count for this rule (default: the rule's own antigen).
    #[serde(default)]
    pub counts: Vec<String>,
    /// A recurring adult recommendation rather than a series.
    #[serde(default)]
    pub adult: bool,
    #[serde(default)]
    pub min_age_days: i64,
    #[serde(default)]
    pub every_days: i64,
    /// The childhood series is not started or continued from this age (days).
    #[serde(default)]
    pub max_age_days: Option<i64>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct DoseRule {
    pub min_age_days: i64,
    pub recommended_age_days: i64,
    #[serde(default)]
    pub min_interval_days: i64,
    /// This dose is not given from this age (days): past it, the series goes on without it.
    #[serde(default)]
    pub max_age_days: Option<i64>,
}

impl Schedule {
    /// The built-in schedule. A malformed file is a build defect, caught by the unit tests.
    pub fn builtin() -> Result<Schedule, serde_json::Error> {
        serde_json::from_str(SCHEDULE_JSON)
    }

    /// The built-in schedule, parsed once per process (every vaccination read uses it); `None` if
    /// the file is malformed, which the unit tests rule out.
    pub fn shared() -> Option<&'static Schedule> {
        static SHARED: std::sync::OnceLock<Option<Schedule>> = std::sync::OnceLock::new();
        SHARED.get_or_init(|| Schedule::builtin().ok()).as_ref()
    }
}

/// A dose given: its date and every antigen it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenDose {
    pub date: NaiveDate,
    pub antigens: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Every dose of the series is done (or, for adults, the last dose is recent enough).
    Complete,
    /// The next dose may not be given yet.
    Upcoming,
    /// The next dose may be given now.
    Due,
    /// The next dose is late.
    Overdue,
    /// An adult recommendation that applies now (never "overdue": a recommendation, not a
    /// programme's series).
    Recommended,
    /// Not for this person's age (adult recommendations for a child; a childhood series past
    /// its age limit and not complete).
    NotApplicable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextDose {
    /// 1-based number in the series (for recurring adult doses: the count so far + 1).
    pub number: usize,
    pub earliest: NaiveDate,
    pub recommended: NaiveDate,
    /// After this date the dose is overdue.
    pub overdue_after: NaiveDate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AntigenStatus {
    pub antigen: String,
    pub valid_doses: usize,
    /// Doses that do not count, with the date they were given (given too early).
    pub too_early: Vec<NaiveDate>,
    pub series_length: usize,
    pub next: Option<NextDose>,
    pub state: State,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Evaluates every antigen of the schedule for one person.
pub fn evaluate(schedule: &Schedule, birth: NaiveDate, given: &[GivenDose], today: NaiveDate) -> Vec<AntigenStatus> {
    schedule.antigens.iter().map(|rule| evaluate_antigen(schedule, rule, birth, given, today)).collect()
}

fn doses_for(rule: &AntigenRule, given: &[GivenDose]) -> Vec<NaiveDate> {
    let counted: Vec<&str> =
        if rule.counts.is_empty() { vec![rule.antigen.as_str()] } else { rule.counts.iter().map(String::as_str).collect() };
    let mut dates: Vec<NaiveDate> =
        given.iter().filter(|dose| dose.antigens.iter().any(|a| counted.contains(&a.as_str()))).map(|dose| dose.date).collect();
    dates.sort();
    dates.dedup();
    dates
}

fn state_of(next: &NextDose, today: NaiveDate) -> State {
    if today < next.earliest {
        State::Upcoming
    } else if today > next.overdue_after {
        State::Overdue
    } else {
        State::Due
    }
}

fn evaluate_antigen(schedule: &Schedule, rule: &AntigenRule, birth: NaiveDate, given: &[GivenDose], today: NaiveDate) -> AntigenStatus {
    let dates = doses_for(rule, given);
    let grace = days(schedule.grace_days);
    if rule.adult {
        let adult_from = birth + days(rule.min_age_days);
        let last = dates.last().copied();
        let mut status = AntigenStatus {
            antigen: rule.antigen.clone(),
            valid_doses: dates.len(),
            too_early: Vec::new(),
            series_length: 0,
            next: None,
            state: State::NotApplicable,
        };
        if today < adult_from {
            return status;
        }
        let earliest = match last {
            Some(last) => (last + days(rule.every_days)).max(adult_from),
            None => adult_from,
        };
        let next = NextDose {
            number: dates.len() + 1,
            earliest,
            recommended: earliest,
            overdue_after: earliest + days(schedule.overdue_after_days),
        };
        status.state = if today < earliest { State::Complete } else { State::Recommended };
        status.next = Some(next);
        return status;
    }

    // Doses of the series that apply to this person: a dose with an age limit that passed before
    // the dose was given (or before today) is skipped.
    let mut rules: Vec<&DoseRule> = Vec::new();
    let mut valid: Vec<NaiveDate> = Vec::new();
    let mut too_early = Vec::new();
    let mut next_rule = 0;
    let past = |dose: &DoseRule, on: NaiveDate| dose.max_age_days.is_some_and(|max| on > birth + days(max) + grace);
    for date in dates {
        while rule.doses.get(next_rule).is_some_and(|dose| past(dose, date)) {
            next_rule += 1;
        }
        let Some(rule_for_dose) = rule.doses.get(next_rule) else {
            break; // series complete; later doses are extra
        };
        let min_age_ok = date + grace >= birth + days(rule_for_dose.min_age_days);
        let interval_ok = valid.last().is_none_or(|last| date + grace >= *last + days(rule_for_dose.min_interval_days));
        if min_age_ok && interval_ok {
            valid.push(date);
            rules.push(rule_for_dose);
            next_rule += 1;
        } else {
            too_early.push(date);
        }
    }
    while rule.doses.get(next_rule).is_some_and(|dose| dose.max_age_days.is_some_and(|max| today > birth + days(max))) {
        next_rule += 1;
    }
    let series_length = rules.len() + rule.doses.len().saturating_sub(next_rule);
    let next = rule.doses.get(next_rule).map(|dose| {
        let after_last = |interval: i64| valid.last().map(|last| *last + days(interval));
        let earliest = (birth + days(dose.min_age_days)).max(after_last(dose.min_interval_days).unwrap_or(birth));
        let recommended = (birth + days(dose.recommended_age_days)).max(earliest);
        NextDose { number: valid.len() + 1, earliest, recommended, overdue_after: recommended + days(schedule.overdue_after_days) }
    });
    let beyond_age = rule.max_age_days.is_some_and(|max| today > birth + days(max));
    let state = match &next {
        None => State::Complete,
        Some(_) if beyond_age => State::NotApplicable,
        Some(next) => state_of(next, today),
    };
    let next = next.filter(|_| state != State::NotApplicable);
    AntigenStatus { antigen: rule.antigen.clone(), valid_doses: valid.len(), too_early, series_length, next, state }
}

#[cfg(test)]
mod tests {
    use rstest::rstest;

    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn dose(on: &str, antigens: &[&str]) -> GivenDose {
        GivenDose { date: date(on), antigens: antigens.iter().map(|a| a.to_string()).collect() }
    }

    const FIVE_IN_ONE: &[&str] = &["diphtheria", "tetanus", "pertussis", "hepatitis-b", "hib"];
    const BIRTH: &str = "2025-01-01";

    fn status(given: &[GivenDose], today: &str, antigen: &str, birth: &str) -> AntigenStatus {
        let schedule = Schedule::builtin().unwrap();
        evaluate(&schedule, date(birth), given, date(today)).into_iter().find(|s| s.antigen == antigen).unwrap()
    }

    #[test]
    fn the_builtin_schedule_parses_and_is_versioned() {
        let schedule = Schedule::builtin().unwrap();
        assert_eq!(schedule.version, "VN-TCMR-2026.2");
        assert!(schedule.antigens.iter().filter(|a| !a.adult).all(|a| a.max_age_days.is_some()), "every childhood series has an age limit");
        assert!(schedule.antigens.iter().any(|a| a.antigen == "measles"));
    }

    #[rstest]
    // on time: BCG at birth → complete
    #[case::bcg_at_birth(vec![dose("2025-01-01", &["tuberculosis"])], "2025-03-01", "tuberculosis", 1, 0, State::Complete)]
    // missing: no BCG at two months → overdue (recommended at birth + 28 days)
    #[case::bcg_missing(vec![], "2025-03-01", "tuberculosis", 0, 0, State::Overdue)]
    // newborn: BCG due on day 0
    #[case::bcg_due_newborn(vec![], "2025-01-01", "tuberculosis", 0, 0, State::Due)]
    // on time: 5-in-1 at 2, 3, 4 months counts for every antigen it covers (combination vaccine)
    #[case::five_in_one_counts_for_hib(vec![dose("2025-03-03", FIVE_IN_ONE), dose("2025-04-02", FIVE_IN_ONE), dose("2025-05-02", FIVE_IN_ONE)], "2025-06-01", "hib", 3, 0, State::Complete)]
    #[case::five_in_one_counts_for_pertussis(vec![dose("2025-03-03", FIVE_IN_ONE), dose("2025-04-02", FIVE_IN_ONE), dose("2025-05-02", FIVE_IN_ONE)], "2025-06-01", "pertussis", 3, 0, State::Upcoming)]
    #[case::hep_b_birth_dose_plus_five_in_one(vec![dose("2025-01-01", &["hepatitis-b"]), dose("2025-03-03", FIVE_IN_ONE), dose("2025-04-02", FIVE_IN_ONE), dose("2025-05-02", FIVE_IN_ONE)], "2025-06-01", "hepatitis-b", 4, 0, State::Complete)]
    // too early: a 5-in-1 at 3 weeks of age does not count
    #[case::too_early_first_dose(vec![dose("2025-01-22", FIVE_IN_ONE)], "2025-02-10", "diphtheria", 0, 1, State::Upcoming)]
    // too early: second dose 10 days after the first (minimum interval 28 days)
    #[case::too_short_interval(vec![dose("2025-03-03", FIVE_IN_ONE), dose("2025-03-13", FIVE_IN_ONE)], "2025-03-20", "hib", 1, 1, State::Upcoming)]
    // within the 4-day grace period: counts
    #[case::grace_period(vec![dose("2025-03-03", FIVE_IN_ONE), dose("2025-03-28", FIVE_IN_ONE)], "2025-04-01", "hib", 2, 0, State::Upcoming)]
    // late: the third dose is overdue at 6 months
    #[case::late_third_dose(vec![dose("2025-03-03", FIVE_IN_ONE), dose("2025-04-02", FIVE_IN_ONE)], "2025-07-01", "diphtheria", 2, 0, State::Overdue)]
    // measles at 9 months, MR at 18 months counts for measles and rubella
    #[case::measles_first_dose_due(vec![], "2025-10-05", "measles", 0, 0, State::Due)]
    #[case::mr_counts_for_rubella(vec![dose("2025-10-02", &["measles"]), dose("2026-07-02", &["measles", "rubella"])], "2026-08-01", "rubella", 1, 0, State::Complete)]
    #[case::mr_completes_measles(vec![dose("2025-10-02", &["measles"]), dose("2026-07-02", &["measles", "rubella"])], "2026-08-01", "measles", 2, 0, State::Complete)]
    // Japanese encephalitis: second dose 1–2 weeks after the first
    #[case::je_second_dose_upcoming(vec![dose("2026-01-02", &["japanese-encephalitis"])], "2026-01-05", "japanese-encephalitis", 1, 0, State::Upcoming)]
    #[case::je_second_dose_due(vec![dose("2026-01-02", &["japanese-encephalitis"])], "2026-01-10", "japanese-encephalitis", 1, 0, State::Due)]
    fn childhood(
        #[case] given: Vec<GivenDose>,
        #[case] today: &str,
        #[case] antigen: &str,
        #[case] valid: usize,
        #[case] early: usize,
        #[case] state: State,
    ) {
        let result = status(&given, today, antigen, BIRTH);
        assert_eq!((result.valid_doses, result.too_early.len(), result.state), (valid, early, state), "{result:?}");
    }

    #[rstest]
    // adult: influenza yearly
    #[case::flu_never(vec![], "2026-11-22", "influenza", State::Recommended)]
    #[case::flu_this_year(vec![dose("2026-10-01", &["influenza"])], "2026-11-22", "influenza", State::Complete)]
    #[case::flu_last_year(vec![dose("2025-10-01", &["influenza"])], "2026-10-10", "influenza", State::Recommended)]
    // adult: tetanus booster every 10 years, counting any tetanus-containing dose (e.g. TT in pregnancy)
    #[case::tetanus_recent(vec![dose("2020-05-01", &["tetanus"])], "2026-11-22", "tetanus-booster", State::Complete)]
    #[case::tetanus_old(vec![dose("2010-05-01", &["tetanus"])], "2026-11-22", "tetanus-booster", State::Recommended)]
    fn adults(#[case] given: Vec<GivenDose>, #[case] today: &str, #[case] antigen: &str, #[case] state: State) {
        let result = status(&given, today, antigen, "1990-06-15");
        assert_eq!(result.state, state, "{result:?}");
    }

    fn all(given: &[GivenDose], today: &str, birth: &str) -> Vec<AntigenStatus> {
        evaluate(&Schedule::builtin().unwrap(), date(birth), given, date(today))
    }

    fn states(given: &[GivenDose], today: &str, birth: &str) -> Vec<(String, State)> {
        all(given, today, birth).into_iter().map(|s| (s.antigen, s.state)).collect()
    }

    fn state(list: &[(String, State)], antigen: &str) -> State {
        list.iter().find(|(a, _)| a == antigen).unwrap().1
    }

    /// Everyone's table: the states that may be shown for a person of each age, with no dose.
    #[rstest]
    // a newborn on day 0: BCG and the hepatitis B birth dose are due; nothing else is late.
    #[case::newborn("2026-12-05", "2026-12-05", &[("tuberculosis", State::Due), ("hepatitis-b", State::Due), ("diphtheria", State::Upcoming), ("measles", State::Upcoming), ("influenza", State::NotApplicable)])]
    // a late starter at 8 months with no dose: the 5-in-1 is overdue (catch-up now), BCG still
    // given under 1 year, the birth dose skipped (past 7 days) so hepatitis B waits for the 5-in-1.
    #[case::late_starter("2026-04-01", "2026-12-01", &[("tuberculosis", State::Overdue), ("hepatitis-b", State::Overdue), ("diphtheria", State::Overdue), ("measles", State::Upcoming)])]
    // a school child of 8: BCG, Hib, polio and the DTP series are past their age; measles,
    // rubella and Japanese encephalitis catch-up are still owed.
    #[case::school_child("2018-09-05", "2026-12-05", &[("tuberculosis", State::NotApplicable), ("hib", State::NotApplicable), ("polio", State::NotApplicable), ("diphtheria", State::NotApplicable), ("hepatitis-b", State::NotApplicable), ("measles", State::Overdue), ("japanese-encephalitis", State::Overdue), ("influenza", State::NotApplicable)])]
    // an adult woman born in 1992: no infant series at all; adult vaccines are recommendations.
    #[case::adult_woman("1992-03-08", "2026-12-05", &[("tuberculosis", State::NotApplicable), ("hepatitis-b", State::NotApplicable), ("hib", State::NotApplicable), ("measles", State::NotApplicable), ("rubella", State::NotApplicable), ("japanese-encephalitis", State::NotApplicable), ("influenza", State::Recommended), ("tetanus-booster", State::Recommended)])]
    // an older man born in 1948 (his papers carry only the year: the last day of it is used).
    #[case::older_man("1948-12-31", "2026-12-05", &[("tuberculosis", State::NotApplicable), ("diphtheria", State::NotApplicable), ("polio", State::NotApplicable), ("influenza", State::Recommended)])]
    fn every_age_is_told_what_makes_sense(#[case] birth: &str, #[case] today: &str, #[case] expected: &[(&str, State)]) {
        let list = states(&[], today, birth);
        for (antigen, wanted) in expected {
            assert_eq!(state(&list, antigen), *wanted, "{antigen} for someone born {birth}: {list:?}");
        }
        let years = (date(today) - date(birth)).num_days() / 365;
        if years >= 18 {
            assert!(
                list.iter().all(|(_, s)| !matches!(s, State::Overdue | State::Due)),
                "an adult is never told a dose is overdue: {list:?}"
            );
        }
    }

    #[test]
    fn a_missed_birth_dose_is_skipped_and_the_series_goes_on() {
        // Hepatitis B: no birth dose; three 5-in-1 doses complete the series of three.
        let given = [dose("2025-03-03", FIVE_IN_ONE), dose("2025-04-02", FIVE_IN_ONE), dose("2025-05-02", FIVE_IN_ONE)];
        let result = status(&given, "2025-06-01", "hepatitis-b", BIRTH);
        assert_eq!((result.valid_doses, result.series_length, result.state), (3, 3, State::Complete), "{result:?}");
        // With the birth dose it is four.
        let mut with_birth = vec![dose(BIRTH, &["hepatitis-b"])];
        with_birth.extend(given);
        let result = status(&with_birth, "2025-06-01", "hepatitis-b", BIRTH);
        assert_eq!((result.valid_doses, result.series_length, result.state), (4, 4, State::Complete), "{result:?}");
    }

    #[test]
    fn a_late_starter_gets_the_catch_up_intervals() {
        // First 5-in-1 at 8 months: the second is due 28 days later, not at "3 months of age".
        let result = status(&[dose("2025-09-01", FIVE_IN_ONE)], "2025-09-10", "diphtheria", BIRTH);
        let next = result.next.unwrap();
        assert_eq!((next.number, next.earliest, next.recommended), (2, date("2025-09-29"), date("2025-09-29")));
    }

    #[test]
    fn adult_recommendations_do_not_apply_to_children() {
        assert_eq!(status(&[], "2026-11-22", "influenza", BIRTH).state, State::NotApplicable);
    }

    #[test]
    fn the_next_dose_window_follows_the_last_valid_dose() {
        let result = status(&[dose("2025-03-03", FIVE_IN_ONE)], "2025-03-10", "hib", BIRTH);
        let next = result.next.unwrap();
        assert_eq!(next.number, 2);
        assert_eq!(next.earliest, date("2025-03-31"), "28 days after the first dose");
        assert_eq!(next.recommended, date("2025-04-02"), "3 months of age");
        assert_eq!(next.overdue_after, date("2025-04-30"));
    }
}
