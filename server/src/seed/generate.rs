//! Deterministic seed data: the hand-made demo people a newcomer sees, and a synthetic population for
//! benchmarks, each with the FHIR R4 resources of their record (immunizations, allergies, conditions,
//! visits with ICD-10 diagnoses, lab results with reference ranges, prescriptions, discharge summaries).
//!
//! Pure: no database, no I/O, no clock. Every date derives from the `today` argument and every choice
//! from a small SplitMix64 generator seeded by the caller, so the same inputs always give the same
//! people, identifiers and resource ids. The Patient resource is built elsewhere from [`SeedPatient`].
//!
//! Layout: `catalog` (provinces, names, lab tests, ICD-10 diagnoses, visit profiles, allergies),
//! `vaccines` (products, the TCMR schedule, COVID-19 courses), `chart` (the FHIR resource builders),
//! `demo` (the four demo people); the synthetic population lives here.

mod catalog;
mod chart;
mod demo;
mod vaccines;

use chrono::{Datelike, Days, Months, NaiveDate};
use serde_json::Value;

use self::catalog::{
    province_at, LabTest, Profile, Province, ACUTE_PROFILES, DIABETES_CARE, FAMILY_NAMES, FEMALE_GIVEN, FEMALE_MIDDLE, HYPERTENSION_CARE,
    LIPID_CARE, MALE_GIVEN, MALE_MIDDLE, PHONE_PREFIXES, PROVINCES, SYNTHETIC_ALLERGIES, THYROID_CARE,
};
use self::chart::{tcmr_history, Chart, Dose, EncounterClass, Visit};
use self::vaccines::{
    covid_course, lot_number, Vaccine, HPV9, INFLUENZA, PPSV23, SERIES_COVID, SERIES_PREGNANCY, SERIES_SERVICE, TETANUS_TOXOID,
};

pub const DEMO_FACILITY_NAME: &str = "Bệnh viện Đa khoa Hoso Demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// One seeded person: administrative data for the Patient row and the clinical resources of the record.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedPatient {
    pub patient_id: String,
    pub cccd: String,
    pub social_insurance_number: String,
    pub bhyt_card: String,
    pub family_name: String,
    pub given_names: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub phone: Option<String>,
    pub address: String,
    pub resources: Vec<Value>,
}

/// The hand-made demo people shown to a newcomer: an infant (about 14 months), a school child (about
/// 7 years), a woman (about 34) and a man (about 68), with dates relative to `today`.
pub fn demo_patients(today: NaiveDate) -> Vec<SeedPatient> {
    vec![demo::infant(today), demo::school_child(today), demo::woman(today), demo::older_man(today)]
}

/// Synthetic population for benchmarks: `count` people aged 0-90, each with about
/// `entries_per_patient` resources (never more), deterministic from `seed`. Patient ids, CCCDs and
/// social-insurance numbers are unique across the population (CCCDs for up to 6.3 million people)
/// and never equal a demo person's.
pub fn synthetic_patients(seed: u64, count: usize, entries_per_patient: usize, today: NaiveDate) -> impl Iterator<Item = SeedPatient> {
    (0..count as u64).map(move |index| synthetic_patient(seed, index, entries_per_patient, today))
}

/// Demo CCCD serials (last six digits) and social-insurance serials start at these; the synthetic
/// population stays below them, so a demo person never shares an identifier with a synthetic one.
const CCCD_SERIAL_SPACE: u64 = 900_000;
const INSURANCE_SERIAL_SPACE: u64 = 90_000_000;

// ---------------------------------------------------------------------------------------------
// Randomness and dates
// ---------------------------------------------------------------------------------------------

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for test data.
#[derive(Debug, Clone)]
struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// Uniform in `low..=high`.
    fn range(&mut self, low: i64, high: i64) -> i64 {
        if high <= low {
            return low;
        }
        let span = high.abs_diff(low).saturating_add(1);
        low.saturating_add_unsigned(self.below(span))
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / 9_007_199_254_740_992.0
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let index = self.below(items.len() as u64);
        items.get(usize::try_from(index).unwrap_or(0))
    }

    fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        self.pick(items).copied().unwrap_or_default()
    }

    /// A day in `from..=to`; `to` when the window is empty.
    fn date_between(&mut self, from: NaiveDate, to: NaiveDate) -> NaiveDate {
        if to <= from {
            return to;
        }
        add_days(from, self.range(0, to.signed_duration_since(from).num_days()))
    }

    /// A version-4-shaped UUID drawn from this generator, lower-case and hyphenated.
    fn uuid(&mut self) -> String {
        let bits = (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64());
        let mut bytes = bits.to_be_bytes();
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        uuid::Uuid::from_bytes(bytes).hyphenated().to_string()
    }
}

fn mix(seed: u64, salt: u64) -> u64 {
    SplitMix64::new(seed ^ salt.wrapping_mul(0xD1B5_4A32_D192_ED03).rotate_left(23)).next_u64()
}

fn add_days(date: NaiveDate, days: i64) -> NaiveDate {
    let step = Days::new(days.unsigned_abs());
    let moved = if days >= 0 { date.checked_add_days(step) } else { date.checked_sub_days(step) };
    moved.unwrap_or(date)
}

fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let step = Months::new(months.unsigned_abs());
    let moved = if months >= 0 { date.checked_add_months(step) } else { date.checked_sub_months(step) };
    moved.unwrap_or(date)
}

/// `years` years, `months` months and `days` days before `today`.
fn ago(today: NaiveDate, years: i32, months: i32, days: i64) -> NaiveDate {
    add_days(add_months(today, -(years * 12 + months)), -days)
}

fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

/// Completed years from `from` to `to`.
fn years_between(from: NaiveDate, to: NaiveDate) -> i32 {
    let years = to.year() - from.year();
    if (to.month(), to.day()) < (from.month(), from.day()) {
        years - 1
    } else {
        years
    }
}

fn vn_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

/// The first day of the latest influenza season (1 October) on or before `today`, `back` seasons ago.
fn influenza_season(today: NaiveDate, back: i32) -> NaiveDate {
    let this_year = ymd(today.year(), 10, 1);
    let latest = if this_year <= today { this_year } else { ymd(today.year() - 1, 10, 1) };
    add_months(latest, -12 * back)
}

/// CCCD century/sex digit: 0/1 for men/women born 1900-1999, 2/3 for 2000-2099, and so on.
fn century_sex_digit(year: i32, sex: Sex) -> i32 {
    (year.div_euclid(100) - 19).rem_euclid(5) * 2 + i32::from(sex == Sex::Female)
}

fn cccd(province: &Province, birth: NaiveDate, sex: Sex, serial: u32) -> String {
    let year = birth.year();
    format!("{}{}{:02}{:06}", province.code, century_sex_digit(year, sex), year.rem_euclid(100), serial % 1_000_000)
}

/// BHYT card letters and benefit level (1-5) a person of this age typically holds.
fn card_kind(age: i32, employed: bool) -> (&'static str, u8) {
    match age {
        ..=5 => ("TE", 1),
        6..=17 => ("HS", 4),
        18..=22 => ("SV", 4),
        23..=59 if employed => ("DN", 4),
        60.. if employed => ("HT", 3),
        _ => ("GD", 4),
    }
}

fn phone_number(rng: &mut SplitMix64) -> String {
    format!("{}{:07}", rng.pick_str(&PHONE_PREFIXES), rng.below(10_000_000))
}

/// Administrative data of one person before identifiers are formatted.
struct Identity {
    province: &'static Province,
    birth: NaiveDate,
    sex: Sex,
    family_name: String,
    given_names: String,
    cccd_serial: u32,
    insurance_serial: u32,
    card: (&'static str, u8),
    phone: Option<String>,
    address: String,
}

fn seed_patient(patient_id: String, identity: Identity, resources: Vec<Value>) -> SeedPatient {
    let province = identity.province;
    let social_insurance_number = format!("{}{:08}", province.insurance_code, u64::from(identity.insurance_serial) % 100_000_000);
    let bhyt_card = format!("{}{}{}{}", identity.card.0, identity.card.1, province.insurance_code, social_insurance_number);
    SeedPatient {
        patient_id,
        cccd: cccd(province, identity.birth, identity.sex, identity.cccd_serial),
        social_insurance_number,
        bhyt_card,
        family_name: identity.family_name,
        given_names: identity.given_names,
        birth_date: identity.birth,
        sex: identity.sex,
        phone: identity.phone,
        address: identity.address,
        resources,
    }
}

// ---------------------------------------------------------------------------------------------
// Synthetic population
// ---------------------------------------------------------------------------------------------

/// What the synthetic builders need to know about the person.
struct Life<'a> {
    birth: NaiveDate,
    sex: Sex,
    today: NaiveDate,
    station: &'a str,
    full_name: &'a str,
    budget: usize,
}

#[derive(Clone, Copy)]
enum Tendency {
    Normal,
    High,
    Low,
}

fn lab_value(rng: &mut SplitMix64, test: &LabTest, sex: Sex, tendency: Tendency) -> f64 {
    let (low, high) = test.range(sex);
    match tendency {
        Tendency::High => high * (1.08 + test.high_spread * rng.unit()),
        Tendency::Low if low > 0.0 => low * (0.55 + 0.35 * rng.unit()),
        Tendency::Normal | Tendency::Low => {
            let floor = if low > 0.0 { low } else { high * 0.25 };
            floor + (high - floor) * (0.1 + 0.8 * rng.unit())
        }
    }
}

fn tendency(rng: &mut SplitMix64, profile: &Profile, test: &LabTest) -> Tendency {
    if profile.raised.iter().any(|raised| std::ptr::eq(*raised, test)) && rng.chance(70) {
        Tendency::High
    } else if profile.lowered.iter().any(|lowered| std::ptr::eq(*lowered, test)) && rng.chance(70) {
        Tendency::Low
    } else {
        match rng.below(100) {
            0..=5 => Tendency::High,
            6..=8 => Tendency::Low,
            _ => Tendency::Normal,
        }
    }
}

fn acute_profile(rng: &mut SplitMix64, age: i32) -> &'static Profile {
    let fits = |profile: &&Profile| (profile.ages.0..=profile.ages.1).contains(&age);
    let eligible = ACUTE_PROFILES.iter().filter(fits).count();
    let chosen = usize::try_from(rng.below(eligible as u64)).unwrap_or(0);
    ACUTE_PROFILES.iter().filter(fits).nth(chosen).unwrap_or(&ACUTE_PROFILES[0])
}

fn synthetic_patient(seed: u64, index: u64, target: usize, today: NaiveDate) -> SeedPatient {
    // A different derivation from the demo people's, so a seed cannot reproduce a demo id.
    let mut rng = SplitMix64::new(mix(seed.rotate_left(17) ^ 0x5359_4E54_4845_5449, index));
    let patient_id = rng.uuid();

    // Identifiers: the serial is a bijection of the index within a block of CCCD_SERIAL_SPACE people,
    // and each further block shifts the province, so no two people share a CCCD.
    let block = index / CCCD_SERIAL_SPACE;
    let within = index % CCCD_SERIAL_SPACE;
    let province = province_at(mix(seed ^ 0x5052_4F56, within) % PROVINCES.len() as u64 + block);
    let cccd_serial = (within * 737_371 + mix(seed, 0xCCCD) % CCCD_SERIAL_SPACE) % CCCD_SERIAL_SPACE;
    let insurance_serial =
        ((index % INSURANCE_SERIAL_SPACE) * 37_373_737 + mix(seed, 0xB4F7) % INSURANCE_SERIAL_SPACE) % INSURANCE_SERIAL_SPACE;

    let sex = if rng.chance(50) { Sex::Female } else { Sex::Male };
    let birth = add_days(today, -rng.range(0, 91 * 365 - 1));
    let age = years_between(birth, today);
    let (middles, givens): (&[&str], &[&str]) = match sex {
        Sex::Male => (&MALE_MIDDLE[..], &MALE_GIVEN[..]),
        Sex::Female => (&FEMALE_MIDDLE[..], &FEMALE_GIVEN[..]),
    };
    let family_name = rng.pick_str(&FAMILY_NAMES);
    let given_names = format!("{} {}", rng.pick_str(middles), rng.pick_str(givens));
    let full_name = format!("{family_name} {given_names}");
    let address =
        format!("{} {}, {}, {}", rng.range(1, 250), rng.pick_str(province.streets), rng.pick_str(province.districts), province.name);
    let station = format!("Trạm Y tế phường {}", rng.pick_str(province.wards));
    let phone = if age >= 14 && rng.chance(90) { Some(phone_number(&mut rng)) } else { None };
    let card = card_kind(age, rng.chance(60));

    let mut chart = Chart::new(&patient_id, rng.next_u64(), target);
    let life = Life { birth, sex, today, station: &station, full_name: &full_name, budget: target };
    if birth.year() >= 2008 {
        tcmr_history(&mut chart, &mut rng, birth, today, &station, target);
    }
    synthetic_vaccines(&mut chart, &mut rng, &life, province);
    if age >= 2 && rng.chance(12) && chart.len() < target {
        if let Some(allergy) = rng.pick(&SYNTHETIC_ALLERGIES) {
            let recorded = rng.date_between(add_months(birth, 12), today);
            chart.allergy(allergy, recorded);
        }
    }
    synthetic_visits(&mut chart, &mut rng, &life, age);

    let identity = Identity {
        province,
        birth,
        sex,
        family_name: family_name.to_owned(),
        given_names,
        cccd_serial: u32::try_from(cccd_serial).unwrap_or(0),
        insurance_serial: u32::try_from(insurance_serial).unwrap_or(0),
        card,
        phone,
        address,
    };
    seed_patient(patient_id, identity, chart.resources)
}

/// One dose (vaccine, series, dose number, date, facility) if the chart has room and the date falls
/// between birth and today.
fn give(chart: &mut Chart, rng: &mut SplitMix64, life: &Life<'_>, dose: (&Vaccine, &str, u32, NaiveDate, &str)) {
    let (vaccine, series, number, date, facility) = dose;
    if chart.len() < life.budget && (life.birth..=life.today).contains(&date) {
        let lot = lot_number(vaccine, rng);
        chart.immunization(Dose { vaccine, series, number, date, facility, lot });
    }
}

/// COVID-19, influenza, pneumococcal, HPV and tetanus-in-pregnancy doses, as age and chance say.
fn synthetic_vaccines(chart: &mut Chart, rng: &mut SplitMix64, life: &Life<'_>, province: &Province) {
    let age = years_between(life.birth, life.today);
    for (number, dose) in (1..).zip(covid_course(rng, life.birth)) {
        let Some((vaccine, date)) = dose else { continue };
        let facility = match rng.below(10) {
            0..=2 => province.disease_control_centre,
            3..=7 => life.station,
            _ => DEMO_FACILITY_NAME,
        };
        give(chart, rng, life, (vaccine, SERIES_COVID, number, date, facility));
    }
    if age >= 50 && rng.chance(40) {
        let date = add_days(influenza_season(life.today, 0), rng.range(0, 40));
        give(chart, rng, life, (&INFLUENZA, SERIES_SERVICE, 1, date, DEMO_FACILITY_NAME));
    }
    if age >= 66 && rng.chance(30) {
        let date = add_days(add_months(life.birth, 65 * 12), rng.range(0, 365));
        give(chart, rng, life, (&PPSV23, SERIES_SERVICE, 1, date, DEMO_FACILITY_NAME));
    }
    if life.sex == Sex::Female && (16..=35).contains(&age) && rng.chance(20) {
        let first = rng.date_between(add_months(life.birth, 15 * 12), life.today);
        for (number, months) in [(1, 0), (2, 2), (3, 6)] {
            give(chart, rng, life, (&HPV9, SERIES_SERVICE, number, add_months(first, months), DEMO_FACILITY_NAME));
        }
    }
    if life.sex == Sex::Female && (20..=45).contains(&age) && rng.chance(35) {
        let earliest = add_months(life.birth, 20 * 12).max(ago(life.today, 10, 0, 0));
        let first = rng.date_between(earliest, life.today);
        for (number, months) in [(1, 0), (2, 1)] {
            give(chart, rng, life, (&TETANUS_TOXOID, SERIES_PREGNANCY, number, add_months(first, months), life.station));
        }
    }
}

struct PlannedVisit {
    profile: &'static Profile,
    date: NaiveDate,
    labs: usize,
    inpatient: bool,
    chronic: bool,
}

/// Chronic problems for adults, then visits (encounter, diagnosis, 2-4 labs, a prescription, and a
/// discharge summary after a stay) until the chart holds about `life.budget` resources.
fn synthetic_visits(chart: &mut Chart, rng: &mut SplitMix64, life: &Life<'_>, age: i32) {
    let mut chronic: Vec<(&'static Profile, NaiveDate)> = Vec::new();
    if age >= 35 {
        let years_over = |limit: i32| u64::try_from(age - limit).unwrap_or(0);
        let female = life.sex == Sex::Female;
        let odds = [
            (&HYPERTENSION_CARE, years_over(30).min(50)),
            (&DIABETES_CARE, (years_over(35) / 2).min(25)),
            (&LIPID_CARE, 20),
            (&THYROID_CARE, if female { 6 } else { 1 }),
        ];
        for (profile, percent) in odds {
            if chart.len() < life.budget && rng.chance(percent) {
                let earliest = add_months(life.birth, 30 * 12).max(ago(life.today, 15, 0, 0));
                let onset = rng.date_between(earliest, add_days(life.today, -60));
                chart.condition(profile.diagnosis, true, None, onset);
                chronic.push((profile, onset));
            }
        }
    }

    let window_start = add_days(life.birth, 14).max(ago(life.today, 10, 0, 0));
    let mut used = chart.len();
    let mut plans: Vec<PlannedVisit> = Vec::new();
    while life.budget.saturating_sub(used) >= 4 {
        let remaining = life.budget.saturating_sub(used);
        let follow_up = if !chronic.is_empty() && rng.chance(55) { rng.pick(&chronic).copied() } else { None };
        let (profile, date, is_chronic) = match follow_up {
            Some((profile, onset)) => (profile, rng.date_between(onset.max(window_start), life.today), true),
            None => {
                let date = rng.date_between(window_start, life.today);
                (acute_profile(rng, years_between(life.birth, date)), date, false)
            }
        };
        let inpatient = profile.inpatient_percent > 0 && rng.chance(profile.inpatient_percent) && remaining >= 5;
        let overhead = 3 + usize::from(inpatient);
        let wanted = 2 + usize::try_from(rng.below(3)).unwrap_or(0);
        let labs = wanted.min(remaining.saturating_sub(overhead)).min(profile.labs.len());
        used += overhead + labs;
        plans.push(PlannedVisit { profile, date, labs, inpatient, chronic: is_chronic });
    }
    plans.sort_by_key(|plan| plan.date);

    // The latest follow-up of each chronic problem keeps its prescription active.
    let mut latest = vec![false; plans.len()];
    let mut seen: Vec<&'static Profile> = Vec::new();
    for (index, plan) in plans.iter().enumerate().rev() {
        if plan.chronic && !seen.iter().any(|profile| std::ptr::eq(*profile, plan.profile)) {
            seen.push(plan.profile);
            if let Some(flag) = latest.get_mut(index) {
                *flag = true;
            }
        }
    }
    for (plan, is_latest) in plans.iter().zip(latest) {
        synthetic_visit(chart, rng, life, plan, is_latest);
    }
}

fn synthetic_visit(chart: &mut Chart, rng: &mut SplitMix64, life: &Life<'_>, plan: &PlannedVisit, is_latest: bool) {
    let profile = plan.profile;
    let class = if plan.inpatient {
        EncounterClass::Inpatient
    } else if !plan.chronic && rng.chance(8) {
        EncounterClass::Emergency
    } else {
        EncounterClass::Ambulatory
    };
    let end = if plan.inpatient { add_days(plan.date, rng.range(3, 7)).min(life.today) } else { plan.date };
    let facility = if rng.chance(75) { DEMO_FACILITY_NAME } else { life.station };
    let recent = add_days(end, 14) >= life.today;
    let encounter = chart.visit(&Visit {
        class,
        start: plan.date,
        end,
        reason: profile.reason,
        facility,
        diagnoses: std::slice::from_ref(&profile.diagnosis),
        active: plan.chronic || recent,
    });
    let pool = profile.labs;
    let first = usize::try_from(rng.below(pool.len() as u64)).unwrap_or(0);
    for offset in 0..plan.labs {
        let Some(test) = pool.get((first + offset) % pool.len().max(1)).copied() else { break };
        let trend = tendency(rng, profile, test);
        let value = lab_value(rng, test, life.sex, trend);
        chart.lab(&encounter, test, life.sex, value, plan.date);
    }
    let age = years_between(life.birth, plan.date);
    let drug = if age < 12 { profile.child_drug } else { profile.adult_drug };
    let active = if plan.chronic { is_latest } else { add_days(end, 7) >= life.today };
    chart.medication(&encounter, drug, active, plan.date);
    if plan.inpatient {
        let text = format!(
            "Người bệnh {}, {} tuổi, vào viện ngày {} vì {}. Chẩn đoán: {} ({}); điều trị bằng {}. Tình trạng ổn định, ra viện ngày {}, hẹn tái khám sau 1 tuần.",
            life.full_name,
            age,
            vn_date(plan.date),
            profile.reason.to_lowercase(),
            profile.diagnosis.name_vi,
            profile.diagnosis.icd,
            drug.0,
            vn_date(end)
        );
        chart.discharge_summary(&encounter, end, &text);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use base64::Engine as _;
    use chrono::{Datelike, NaiveDate};
    use serde_json::Value;

    use super::{demo_patients, synthetic_patients, years_between, SeedPatient, Sex, DEMO_FACILITY_NAME};

    fn day(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    /// A few "todays", including month ends, so relative dates are exercised.
    fn todays() -> [NaiveDate; 3] {
        [day(2026, 3, 15), day(2025, 12, 31), day(2030, 2, 28)]
    }

    fn population(today: NaiveDate) -> Vec<SeedPatient> {
        let mut people = demo_patients(today);
        people.extend(synthetic_patients(7, 300, 40, today));
        people
    }

    fn text<'a>(resource: &'a Value, pointer: &str) -> &'a str {
        resource.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
    }

    fn of_type<'a>(patient: &'a SeedPatient, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
        patient.resources.iter().filter(move |resource| resource["resourceType"] == kind)
    }

    #[test]
    fn demo_people_span_infant_to_older_adult() {
        let today = day(2026, 3, 15);
        let demo = demo_patients(today);
        let ages: Vec<i32> = demo.iter().map(|patient| years_between(patient.birth_date, today)).collect();
        assert_eq!(ages, [1, 7, 34, 68]);
        assert!(demo.iter().all(|patient| !patient.family_name.is_empty() && patient.given_names.contains(' ')));
        let cccds: HashSet<&str> = demo.iter().map(|patient| patient.cccd.as_str()).collect();
        assert_eq!(cccds.len(), demo.len());
    }

    #[test]
    fn every_cccd_is_twelve_digits_consistent_with_birth_and_sex() {
        for today in todays() {
            for patient in population(today) {
                let cccd = &patient.cccd;
                assert_eq!(cccd.len(), 12, "{cccd}");
                assert!(cccd.bytes().all(|byte| byte.is_ascii_digit()), "{cccd}");
                let year = patient.birth_date.year();
                let expected = match (year >= 2000, patient.sex) {
                    (false, Sex::Male) => b'0',
                    (false, Sex::Female) => b'1',
                    (true, Sex::Male) => b'2',
                    (true, Sex::Female) => b'3',
                };
                assert_eq!(cccd.as_bytes()[3], expected, "{cccd} born {}", patient.birth_date);
                assert_eq!(&cccd[4..6], format!("{:02}", year % 100), "{cccd} born {}", patient.birth_date);
            }
        }
    }

    #[test]
    fn every_bhyt_card_is_fifteen_characters_embedding_the_insurance_number() {
        for patient in population(day(2026, 3, 15)) {
            let (card, number) = (&patient.bhyt_card, &patient.social_insurance_number);
            assert_eq!(number.len(), 10, "{number}");
            assert!(number.bytes().all(|byte| byte.is_ascii_digit()), "{number}");
            assert_eq!(card.len(), 15, "{card}");
            assert!(card[..2].bytes().all(|byte| byte.is_ascii_uppercase()), "{card}");
            assert!((b'1'..=b'5').contains(&card.as_bytes()[2]), "{card}");
            assert_eq!(&card[3..5], &number[..2], "{card}");
            assert!(card.ends_with(number.as_str()), "{card} {number}");
        }
    }

    #[test]
    fn synthetic_identifiers_are_unique_across_two_thousand_people() {
        let today = day(2026, 3, 15);
        let people: Vec<SeedPatient> = synthetic_patients(42, 2_000, 12, today).collect();
        assert_eq!(people.len(), 2_000);
        let ids: HashSet<&str> = people.iter().map(|patient| patient.patient_id.as_str()).collect();
        let cccds: HashSet<&str> = people.iter().map(|patient| patient.cccd.as_str()).collect();
        let numbers: HashSet<&str> = people.iter().map(|patient| patient.social_insurance_number.as_str()).collect();
        assert_eq!(ids.len(), 2_000);
        assert_eq!(cccds.len(), 2_000);
        assert_eq!(numbers.len(), 2_000);
        for demo in demo_patients(today) {
            assert!(!ids.contains(demo.patient_id.as_str()));
            assert!(!cccds.contains(demo.cccd.as_str()));
            assert!(!numbers.contains(demo.social_insurance_number.as_str()));
        }
        let resource_ids: Vec<&str> =
            people.iter().flat_map(|patient| patient.resources.iter().map(|resource| text(resource, "/id"))).collect();
        let distinct: HashSet<&str> = resource_ids.iter().copied().collect();
        assert_eq!(distinct.len(), resource_ids.len());
    }

    #[test]
    fn every_lab_flag_matches_its_value_and_range() {
        let mut seen = 0;
        for today in todays() {
            for patient in population(today) {
                for observation in of_type(&patient, "Observation") {
                    let number = |pointer: &str| observation.pointer(pointer).and_then(Value::as_f64).unwrap();
                    let value = number("/valueQuantity/value");
                    let (low, high) = (number("/referenceRange/0/low/value"), number("/referenceRange/0/high/value"));
                    let expected = if value < low {
                        "L"
                    } else if value > high {
                        "H"
                    } else {
                        "N"
                    };
                    assert_eq!(text(observation, "/interpretation/0/coding/0/code"), expected, "{observation}");
                    assert!(!text(observation, "/valueQuantity/unit").is_empty());
                    assert_eq!(text(observation, "/code/coding/0/system"), "http://loinc.org");
                    seen += 1;
                }
            }
        }
        assert!(seen > 1_000);
    }

    #[test]
    fn every_resource_has_an_id_and_references_its_own_patient() {
        for patient in population(day(2026, 3, 15)) {
            let expected = format!("Patient/{}", patient.patient_id);
            assert!(uuid::Uuid::parse_str(&patient.patient_id).is_ok());
            for resource in &patient.resources {
                let kind = text(resource, "/resourceType");
                let pointer = match kind {
                    "Immunization" | "AllergyIntolerance" => "/patient/reference",
                    _ => "/subject/reference",
                };
                assert_eq!(text(resource, pointer), expected, "{resource}");
                assert!(uuid::Uuid::parse_str(text(resource, "/id")).is_ok(), "{resource}");
                assert!(text(resource, "/meta/lastUpdated").ends_with("T00:00:00Z"), "{resource}");
            }
        }
    }

    #[test]
    fn references_resolve_within_the_same_record() {
        for patient in population(day(2026, 3, 15)) {
            let ids: HashSet<String> =
                patient.resources.iter().map(|resource| format!("{}/{}", text(resource, "/resourceType"), text(resource, "/id"))).collect();
            for resource in &patient.resources {
                for pointer in ["/encounter/reference", "/context/encounter/0/reference"] {
                    let target = text(resource, pointer);
                    assert!(target.is_empty() || ids.contains(target), "{target} in {resource}");
                }
                if let Some(diagnoses) = resource.get("diagnosis").and_then(Value::as_array) {
                    assert!(!diagnoses.is_empty());
                    for diagnosis in diagnoses {
                        assert!(ids.contains(text(diagnosis, "/condition/reference")), "{resource}");
                    }
                }
            }
        }
    }

    #[test]
    fn clinical_dates_fall_between_birth_and_today() {
        let pointers = [
            "/occurrenceDateTime",
            "/period/start",
            "/period/end",
            "/effectiveDateTime",
            "/authoredOn",
            "/onsetDateTime",
            "/recordedDate",
            "/performedDateTime",
        ];
        for today in todays() {
            for patient in population(today) {
                for resource in &patient.resources {
                    for pointer in pointers {
                        let value = text(resource, pointer);
                        if value.is_empty() {
                            continue;
                        }
                        let date: NaiveDate = value.parse().unwrap();
                        assert!((patient.birth_date..=today).contains(&date), "{pointer} {date} in {resource}");
                    }
                }
            }
        }
    }

    #[test]
    fn synthetic_people_get_about_the_requested_number_of_resources() {
        let today = day(2026, 3, 15);
        for patient in synthetic_patients(3, 300, 40, today) {
            assert!((37..=40).contains(&patient.resources.len()), "{}", patient.resources.len());
        }
        for patient in synthetic_patients(3, 100, 5, today) {
            assert!(patient.resources.len() <= 5);
        }
    }

    #[test]
    fn generation_is_deterministic() {
        let today = day(2026, 3, 15);
        assert_eq!(demo_patients(today), demo_patients(today));
        let first: Vec<SeedPatient> = synthetic_patients(9, 50, 30, today).collect();
        let again: Vec<SeedPatient> = synthetic_patients(9, 50, 30, today).collect();
        assert_eq!(first, again);
        let other: Vec<SeedPatient> = synthetic_patients(10, 50, 30, today).collect();
        assert_ne!(first.first().map(|patient| &patient.patient_id), other.first().map(|patient| &patient.patient_id));
    }

    #[test]
    fn the_infant_follows_the_expanded_programme() {
        let today = day(2026, 3, 15);
        let infant = demo_patients(today).into_iter().next().unwrap();
        let doses: Vec<&Value> = of_type(&infant, "Immunization").collect();
        let birth = infant.birth_date.to_string();
        let named = |name: &str| doses.iter().filter(|dose| text(dose, "/vaccineCode/text").contains(name)).count();
        for code in ["19", "08"] {
            let dose = doses.iter().find(|dose| text(dose, "/vaccineCode/coding/0/code") == code).unwrap();
            assert_eq!(text(dose, "/occurrenceDateTime"), birth);
            assert_eq!(text(dose, "/location/display"), DEMO_FACILITY_NAME);
        }
        assert_eq!(named("5 trong 1"), 3);
        assert_eq!(named("bOPV"), 3);
        assert_eq!(named("IPV"), 1);
        assert_eq!(named("Vắc xin sởi (MVVAC)"), 1);
        let encephalitis: Vec<NaiveDate> = doses
            .iter()
            .filter(|dose| text(dose, "/vaccineCode/coding/0/code") == "39")
            .map(|dose| text(dose, "/occurrenceDateTime").parse().unwrap())
            .collect();
        assert_eq!(encephalitis.len(), 2);
        let gap = encephalitis[1].signed_duration_since(encephalitis[0]).num_days();
        assert!((7..=21).contains(&gap), "{gap}");
        assert!(doses.iter().all(|dose| text(dose, "/protocolApplied/0/series") == "TCMR"));
        assert_eq!(of_type(&infant, "Encounter").count(), 1);
    }

    #[test]
    fn the_adults_have_chronic_care_and_a_discharge_summary() {
        let today = day(2026, 3, 15);
        let demo = demo_patients(today);
        let woman = demo.iter().find(|patient| patient.given_names == "Thị Lan").unwrap();
        assert!(of_type(woman, "Encounter").count() >= 3);
        let summary = of_type(woman, "DocumentReference").next().unwrap();
        let decoded = base64::engine::general_purpose::STANDARD.decode(text(summary, "/content/0/attachment/data")).unwrap();
        assert_eq!(String::from_utf8(decoded).unwrap(), text(summary, "/description"));
        assert!(of_type(woman, "Immunization").any(|dose| text(dose, "/protocolApplied/0/series") == "COVID-19"));

        let man = demo.iter().find(|patient| patient.sex == Sex::Male && patient.given_names == "Văn Hùng").unwrap();
        let problems: HashSet<&str> = of_type(man, "Condition")
            .filter(|condition| text(condition, "/category/0/coding/0/code") == "problem-list-item")
            .filter(|condition| text(condition, "/clinicalStatus/coding/0/code") == "active")
            .map(|condition| text(condition, "/code/coding/0/code"))
            .collect();
        assert_eq!(problems, HashSet::from(["E11.9", "I10"]));
        let active: Vec<&str> = of_type(man, "MedicationRequest")
            .filter(|request| text(request, "/status") == "active")
            .map(|request| text(request, "/medicationCodeableConcept/text"))
            .collect();
        assert_eq!(active.len(), 2, "{active:?}");
        assert!(of_type(man, "AllergyIntolerance").any(|allergy| text(allergy, "/criticality") == "high"));
        let flagged_high = of_type(man, "Observation")
            .filter(|lab| text(lab, "/code/coding/0/code") == "4548-4")
            .all(|lab| text(lab, "/interpretation/0/coding/0/code") == "H");
        assert!(flagged_high);
    }
}
