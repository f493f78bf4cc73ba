//! Vaccination schedule engine: "what's done, what's due". The schedule is data (a versioned JSON
//! file, [`SCHEDULE_JSON`]), not code. For each antigen the engine counts valid doses in order
//! (a dose given before its minimum age or interval, less a grace period, does not count), then
//! names the next dose with its window, and whether it is upcoming, due or overdue. Combination
//! vaccines count for every antigen they list. Adult entries recur (e.g. influenza yearly).
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
}

#[derive(Clone, Debug, Deserialize)]
pub struct DoseRule {
    pub min_age_days: i64,
    pub recommended_age_days: i64,
    #[serde(default)]
    pub min_interval_days: i64,
}

impl Schedule {
    /// The built-in schedule. A malformed file is a build defect, caught by the unit tests.
    pub fn builtin() -> Result<Schedule, serde_json::Error> {
        serde_json::from_str(SCHEDULE_JSON)
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
    /// Not for this person's age (adult recommendations for a child).
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
    let counted: Vec<&str> = if rule.counts.is_empty() { vec![rule.antigen.as_str()] } else { rule.counts.iter().map(String::as_str).collect() };
    let mut dates: Vec<NaiveDate> = given
        .iter()
        .filter(|dose| dose.antigens.iter().any(|a| counted.contains(&a.as_str())))
        .map(|dose| dose.date)
        .collect();
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
        status.state = if today < earliest { State::Complete } else { state_of(&next, today) };
        status.next = Some(next);
        return status;
    }

    let mut valid: Vec<NaiveDate> = Vec::new();
    let mut too_early = Vec::new();
    for date in dates {
        let Some(rule_for_dose) = rule.doses.get(valid.len()) else {
            break; // series complete; later doses are extra
        };
        let min_age_ok = date + grace >= birth + days(rule_for_dose.min_age_days);
        let interval_ok = valid.last().is_none_or(|last| date + grace >= *last + days(rule_for_dose.min_interval_days));
        if min_age_ok && interval_ok {
            valid.push(date);
        } else {
            too_early.push(date);
        }
    }
    let next = rule.doses.get(valid.len()).map(|dose| {
        let after_last = |interval: i64| valid.last().map(|last| *last + days(interval));
        let earliest = (birth + days(dose.min_age_days)).max(after_last(dose.min_interval_days).unwrap_or(birth));
        let recommended = (birth + days(dose.recommended_age_days)).max(earliest);
        NextDose { number: valid.len() + 1, earliest, recommended, overdue_after: recommended + days(schedule.overdue_after_days) }
    });
    let state = match &next {
        None => State::Complete,
        Some(next) => state_of(next, today),
    };
    AntigenStatus { antigen: rule.antigen.clone(), valid_doses: valid.len(), too_early, series_length: rule.doses.len(), next, state }
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
        assert_eq!(schedule.version, "VN-TCMR-2026.1");
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
    #[case::flu_never(vec![], "2026-11-22", "influenza", State::Overdue)]
    #[case::flu_this_year(vec![dose("2026-10-01", &["influenza"])], "2026-11-22", "influenza", State::Complete)]
    #[case::flu_last_year(vec![dose("2025-10-01", &["influenza"])], "2026-10-10", "influenza", State::Due)]
    // adult: tetanus booster every 10 years, counting any tetanus-containing dose (e.g. TT in pregnancy)
    #[case::tetanus_recent(vec![dose("2020-05-01", &["tetanus"])], "2026-11-22", "tetanus-booster", State::Complete)]
    #[case::tetanus_old(vec![dose("2010-05-01", &["tetanus"])], "2026-11-22", "tetanus-booster", State::Overdue)]
    fn adults(#[case] given: Vec<GivenDose>, #[case] today: &str, #[case] antigen: &str, #[case] state: State) {
        let result = status(&given, today, antigen, "1990-06-15");
        assert_eq!(result.state, state, "{result:?}");
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
