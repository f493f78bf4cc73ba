//! The reader's time zone. Instants are stored and sent as UTC (RFC 3339, `…Z`); every page shows
//! them in the zone of the person reading: `Asia/Ho_Chi_Minh` unless they chose another on their
//! account page (the `hoso_tz` cookie, an IANA tz database name, set by `/tz`).
//!
//! The same wall-clock time is computed on both sides of hydration from the same tz database
//! rules: on the server with `jiff` and its bundled copy of the IANA database, in the browser
//! with the browser's own (`Intl.DateTimeFormat`, ECMA-402), so the WebAssembly bundle carries no
//! tz database. Vietnam's zone (UTC+07:00 since 1975) and UTC are fixed offsets on both sides.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use leptos::prelude::*;

/// The cookie that holds the chosen zone's name.
pub const ZONE_COOKIE: &str = "hoso_tz";

/// The portal's default zone: where its people are.
pub const DEFAULT_ZONE: &str = "Asia/Ho_Chi_Minh";

/// The zones the account page offers (the `/tz` route takes any name of the tz database): Vietnam
/// first, then where Vietnamese people most often live, study and work abroad, then UTC.
pub const OFFERED_ZONES: &[&str] = &[
    "Asia/Ho_Chi_Minh",
    "Asia/Bangkok",
    "Asia/Phnom_Penh",
    "Asia/Vientiane",
    "Asia/Shanghai",
    "Asia/Taipei",
    "Asia/Hong_Kong",
    "Asia/Singapore",
    "Asia/Kuala_Lumpur",
    "Asia/Manila",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Dubai",
    "Australia/Perth",
    "Australia/Sydney",
    "Australia/Melbourne",
    "Pacific/Auckland",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Prague",
    "Europe/Warsaw",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Vancouver",
    "UTC",
];

/// A time zone by its tz database name. Only a name the tz database knows is ever made
/// ([`Zone::named`]); anything else reads as the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone(String);

impl Default for Zone {
    fn default() -> Self {
        Zone(DEFAULT_ZONE.to_string())
    }
}

/// A zone whose offset never changed in the times a record holds.
fn fixed_offset(name: &str) -> Option<i32> {
    match name {
        "Asia/Ho_Chi_Minh" | "Asia/Saigon" => Some(7 * 3600),
        "UTC" | "Etc/UTC" => Some(0),
        _ => None,
    }
}

impl Zone {
    /// The zone with this tz database name, if the database knows it (`None` for anything else:
    /// a typo, an abbreviation like `ICT`, an offset like `+07:00`).
    pub fn named(name: &str) -> Option<Zone> {
        if fixed_offset(name).is_some() {
            return Some(Zone(name.to_string()));
        }
        if name.is_empty() || name.len() > 64 || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+-".contains(&b)) {
            return None;
        }
        #[cfg(feature = "ssr")]
        {
            jiff::tz::TimeZone::get(name).ok().map(|_| Zone(name.to_string()))
        }
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        {
            (!client_wall_clock(0.0, name).is_empty()).then(|| Zone(name.to_string()))
        }
        #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
        {
            None
        }
    }

    /// The zone a `Cookie` header names, or the default.
    pub fn from_cookie_header(header: &str) -> Zone {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == ZONE_COOKIE)
            .and_then(|(_, value)| Zone::named(value))
            .unwrap_or_default()
    }

    /// The tz database name.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// The wall-clock date and time in this zone at `at`.
    pub fn wall_clock(&self, at: DateTime<Utc>) -> NaiveDateTime {
        if let Some(offset) = fixed_offset(&self.0).and_then(FixedOffset::east_opt) {
            return at.with_timezone(&offset).naive_local();
        }
        #[cfg(feature = "ssr")]
        {
            let zoned = jiff::tz::TimeZone::get(&self.0)
                .ok()
                .and_then(|zone| jiff::Timestamp::from_millisecond(at.timestamp_millis()).ok().map(|t| t.to_zoned(zone)));
            if let Some(zoned) = zoned {
                let offset = zoned.offset().seconds();
                if let Some(offset) = FixedOffset::east_opt(offset) {
                    return at.with_timezone(&offset).naive_local();
                }
            }
        }
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        {
            let local = client_wall_clock(at.timestamp_millis() as f64, &self.0);
            // `YYYY-MM-DDTHH:MM:SS` (zone.js), read by NaiveDateTime's ISO 8601 parser.
            if let Ok(local) = local.parse::<NaiveDateTime>() {
                return local;
            }
        }
        Zone::default().wall_clock(at)
    }

    /// The calendar date in this zone at `ms` (Unix milliseconds).
    pub fn date_at(&self, ms: i64) -> NaiveDate {
        self.wall_clock(DateTime::from_timestamp_millis(ms).unwrap_or_default()).date()
    }

    /// The first instant (Unix milliseconds) of `date` in this zone: local midnight, or where
    /// clocks skip midnight, the first local time that exists. `None` out of range.
    pub fn start_of_day_ms(&self, date: NaiveDate) -> Option<i64> {
        let fixed = |seconds: i32| {
            let offset = FixedOffset::east_opt(seconds)?;
            date.and_hms_opt(0, 0, 0)?.and_local_timezone(offset).single().map(|at| at.timestamp_millis())
        };
        if let Some(seconds) = fixed_offset(&self.0) {
            return fixed(seconds);
        }
        #[cfg(feature = "ssr")]
        {
            use chrono::Datelike;
            let zone = jiff::tz::TimeZone::get(&self.0).ok()?;
            let month = i8::try_from(date.month()).ok()?;
            let day = i8::try_from(date.day()).ok()?;
            let civil = jiff::civil::Date::new(i16::try_from(date.year()).ok()?, month, day).ok()?;
            civil.to_zoned(zone).ok().map(|at| at.timestamp().as_millisecond())
        }
        #[cfg(not(feature = "ssr"))]
        {
            fixed(fixed_offset(DEFAULT_ZONE)?)
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
#[wasm_bindgen::prelude::wasm_bindgen(module = "/src/zone.js")]
extern "C" {
    /// `YYYY-MM-DDTHH:MM:SS` in the named zone at `ms` since the epoch, or `""` if the browser
    /// does not know the zone.
    #[wasm_bindgen(js_name = wallClock)]
    fn client_wall_clock(ms: f64, zone: &str) -> String;
}

/// The zone of this request (server: its cookie) or page (browser: `document.cookie`).
pub fn request_zone() -> Zone {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| parts.headers.get(http::header::COOKIE).and_then(|value| value.to_str().ok()).map(Zone::from_cookie_header))
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        Zone::from_cookie_header(&crate::client::cookie_header())
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Zone::default()
    }
}

/// The reader's zone, as the page provides it ([`request_zone`]); the default outside a page.
pub fn use_zone() -> Zone {
    use_context::<Zone>().unwrap_or_default()
}

/// An RFC 3339 instant (`2026-12-05T17:30:00Z`, or with any offset) as the wall clock of `zone`;
/// `None` for a plain or partial date (`2026-12-05`, `1948-07`), which is never moved.
pub fn local(iso: &str, zone: &Zone) -> Option<NaiveDateTime> {
    if iso.as_bytes().get(10) != Some(&b'T') {
        return None;
    }
    DateTime::parse_from_rfc3339(iso).ok().map(|at| zone.wall_clock(at.with_timezone(&Utc)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(iso: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(iso).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn vietnam_is_the_default_and_unknown_names_fall_back_to_it() {
        assert_eq!(Zone::from_cookie_header(""), Zone::default());
        assert_eq!(Zone::from_cookie_header("hoso_tz=ICT").name(), DEFAULT_ZONE);
        assert_eq!(Zone::from_cookie_header("hoso_tz=+07:00").name(), DEFAULT_ZONE);
        assert_eq!(Zone::from_cookie_header("hoso_tz=Mars/Olympus_Mons").name(), DEFAULT_ZONE);
        #[cfg(feature = "ssr")]
        assert_eq!(Zone::from_cookie_header("a=b; hoso_tz=Europe/Berlin").name(), "Europe/Berlin");
        assert_eq!(Zone::default().wall_clock(at("2026-12-05T17:30:00Z")).to_string(), "2026-12-06 00:30:00");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn every_offered_zone_is_in_the_tz_database() {
        for name in OFFERED_ZONES {
            assert!(Zone::named(name).is_some(), "{name}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn zones_with_summer_time_follow_the_tz_database_rules() {
        let berlin = Zone::named("Europe/Berlin").unwrap();
        // CET (UTC+1) in winter, CEST (UTC+2) from the last Sunday of March, 01:00 UTC.
        assert_eq!(berlin.wall_clock(at("2026-12-05T23:30:00Z")).to_string(), "2026-12-06 00:30:00");
        assert_eq!(berlin.wall_clock(at("2026-03-29T00:59:00Z")).to_string(), "2026-03-29 01:59:00");
        assert_eq!(berlin.wall_clock(at("2026-03-29T01:00:00Z")).to_string(), "2026-03-29 03:00:00");
        let new_york = Zone::named("America/New_York").unwrap();
        assert_eq!(new_york.wall_clock(at("2026-07-01T03:30:00Z")).to_string(), "2026-06-30 23:30:00");
        assert_eq!(new_york.wall_clock(at("2026-12-01T04:30:00Z")).to_string(), "2026-11-30 23:30:00");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn local_days_begin_at_local_midnight() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let start = Zone::default().start_of_day_ms(day).unwrap();
        assert_eq!(DateTime::from_timestamp_millis(start).unwrap().to_rfc3339(), "2026-12-05T17:00:00+00:00");
        assert_eq!(Zone::default().date_at(start), day);
        assert_eq!(Zone::default().date_at(start - 1), day.pred_opt().unwrap());
        let berlin = Zone::named("Europe/Berlin").unwrap();
        let start = berlin.start_of_day_ms(day).unwrap();
        assert_eq!(DateTime::from_timestamp_millis(start).unwrap().to_rfc3339(), "2026-12-05T23:00:00+00:00");
        // Santiago's clocks skip from 00:00 to 01:00 on the first Sunday of September 2026.
        let santiago = Zone::named("America/Santiago").unwrap();
        let start = santiago.start_of_day_ms(NaiveDate::from_ymd_opt(2026, 9, 6).unwrap()).unwrap();
        assert_eq!(DateTime::from_timestamp_millis(start).unwrap().to_rfc3339(), "2026-09-06T04:00:00+00:00");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn plain_and_partial_dates_are_never_moved() {
        let zone = Zone::named("America/Los_Angeles").unwrap();
        assert_eq!(local("2026-12-05", &zone), None);
        assert_eq!(local("1948-07", &zone), None);
        assert_eq!(local("2026-12-05T07:00:00+07:00", &zone).unwrap().to_string(), "2026-12-04 16:00:00");
    }
}
