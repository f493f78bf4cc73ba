//! FHIR `date` and `dateTime` values as sent: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (R4
//! datatypes.html#date), a `dateTime` adding a time with its offset. Many older citizens'
//! papers carry only a birth year; a partial date is kept and shown as given, and rules reason
//! with the precision it has.

use chrono::{Datelike, NaiveDate};

/// How precise a FHIR date is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    Year,
    Month,
    Day,
}

/// A FHIR `date` (or the date part of a `dateTime`): its precision and first day, or `None` when
/// it is not one (`1948`, `1948-07`, `1948-07-15`; never `1948-7` or `1948-07-32`).
pub fn parse(value: &str) -> Option<(Precision, NaiveDate)> {
    let day_part = value.get(..10).filter(|_| value.len() > 10 && value.as_bytes().get(10) == Some(&b'T')).unwrap_or(value);
    let digits = |text: &str, count: usize| text.len() == count && text.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = day_part.split('-').collect();
    match parts.as_slice() {
        [year] if digits(year, 4) => Some((Precision::Year, NaiveDate::from_ymd_opt(year.parse().ok()?, 1, 1)?)),
        [year, month] if digits(year, 4) && digits(month, 2) => {
            Some((Precision::Month, NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?))
        }
        [year, month, day] if digits(year, 4) && digits(month, 2) && digits(day, 2) => {
            Some((Precision::Day, NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)?))
        }
        _ => None,
    }
}

/// The last day a partial date may mean (`1948` → 1948-12-31): for age rules that must not act
/// before a person can have reached an age (a dose is never suggested too early).
pub fn latest_day(value: &str) -> Option<NaiveDate> {
    let (precision, first) = parse(value)?;
    Some(match precision {
        Precision::Day => first,
        Precision::Month => {
            let next = if first.month() == 12 {
                NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
            };
            next?.pred_opt()?
        }
        Precision::Year => NaiveDate::from_ymd_opt(first.year(), 12, 31)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_dates_are_dates_and_malformed_ones_are_not() {
        assert_eq!(parse("1948").map(|(p, _)| p), Some(Precision::Year));
        assert_eq!(parse("1948-02").map(|(p, _)| p), Some(Precision::Month));
        assert_eq!(parse("1948-02-29").map(|(p, _)| p), Some(Precision::Day), "1948 was a leap year");
        assert!(parse("1949-02-29").is_none());
        assert_eq!(parse("2026-10-05T07:40:00+07:00").map(|(p, _)| p), Some(Precision::Day));
        for bad in ["48", "1948-7", "1948-13", "1948-07-32", "", "19480", "abcd"] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_latest_day_of_a_partial_date() {
        assert_eq!(latest_day("1948"), NaiveDate::from_ymd_opt(1948, 12, 31));
        assert_eq!(latest_day("2024-02"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(latest_day("2025-12"), NaiveDate::from_ymd_opt(2025, 12, 31));
        assert_eq!(latest_day("2025-06-15"), NaiveDate::from_ymd_opt(2025, 6, 15));
    }
}
