//! Points in time as hit records carry them: UTC, to the nanosecond,
//! written as RFC 3339.

use std::fmt;

/// A point in time, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Nanoseconds within the second, below 1,000,000,000.
    pub nanos: u32,
}

/// A calendar date and time of day, UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    /// The year (proleptic Gregorian).
    pub year: i64,
    /// 1–12.
    pub month: u32,
    /// 1–31.
    pub day: u32,
    /// 0–23.
    pub hour: u32,
    /// 0–59.
    pub minute: u32,
    /// 0–60 (a leap second is read as the next second's start).
    pub second: u32,
    /// Below 1,000,000,000.
    pub nanos: u32,
}

/// Returns the days from 1970-01-01 to the given date.
///
/// The month and day are not checked; callers pass a valid date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Returns the date of the day `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Returns the number of days in a month.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl Civil {
    /// Returns the stamp of this date and time, or `None` when a field is
    /// out of range.
    pub fn stamp(&self) -> Option<Stamp> {
        let ok = (1..=12).contains(&self.month)
            && self.day >= 1
            && self.day <= days_in_month(self.year, self.month)
            && self.hour < 24
            && self.minute < 60
            && self.second <= 60
            && self.nanos < 1_000_000_000;
        if !ok {
            return None;
        }
        let days = days_from_civil(self.year, self.month, self.day);
        let secs = days * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second);
        Some(Stamp { secs, nanos: self.nanos })
    }
}

impl Stamp {
    /// Returns the calendar date and time of day of the stamp.
    pub fn civil(&self) -> Civil {
        let days = self.secs.div_euclid(86_400);
        let rest = self.secs.rem_euclid(86_400) as u32;
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: rest / 3600,
            minute: rest / 60 % 60,
            second: rest % 60,
            nanos: self.nanos,
        }
    }
}

/// RFC 3339 in UTC: `2026-12-04T14:58:20Z`, with a fraction of 3, 6 or 9
/// digits when the stamp has one (`2026-12-04T14:58:20.123Z`).
impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = self.civil();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )?;
        let n = c.nanos;
        if n == 0 {
        } else if n % 1_000_000 == 0 {
            write!(f, ".{:03}", n / 1_000_000)?;
        } else if n % 1000 == 0 {
            write!(f, ".{:06}", n / 1000)?;
        } else {
            write!(f, ".{n:09}")?;
        }
        f.write_str("Z")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn civil(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Civil {
        Civil {
            year: y,
            month: mo,
            day: d,
            hour: h,
            minute: mi,
            second: s,
            nanos: 0,
        }
    }

    #[test]
    fn known_instants_print_as_rfc3339() {
        let t = civil(2026, 12, 4, 14, 58, 20).stamp().unwrap();
        assert_eq!(t.secs, 1_796_396_300);
        assert_eq!(t.to_string(), "2026-12-04T14:58:20Z");
        let ms = Stamp { nanos: 123_000_000, ..t };
        assert_eq!(ms.to_string(), "2026-12-04T14:58:20.123Z");
        let us = Stamp { nanos: 123_456_000, ..t };
        assert_eq!(us.to_string(), "2026-12-04T14:58:20.123456Z");
        let ns = Stamp { nanos: 1, ..t };
        assert_eq!(ns.to_string(), "2026-12-04T14:58:20.000000001Z");
        assert_eq!(
            Stamp { secs: 0, nanos: 0 }.to_string(),
            "1970-01-01T00:00:00Z"
        );
        let before = Stamp { secs: -1, nanos: 0 };
        assert_eq!(before.to_string(), "1969-12-31T23:59:59Z");
        let leap = civil(2024, 2, 29, 0, 0, 0).stamp().unwrap();
        assert_eq!(leap.to_string(), "2024-02-29T00:00:00Z");
    }

    #[test]
    fn impossible_dates_have_no_stamp() {
        assert!(civil(2025, 2, 29, 0, 0, 0).stamp().is_none());
        assert!(civil(2024, 13, 1, 0, 0, 0).stamp().is_none());
        assert!(civil(2024, 4, 31, 0, 0, 0).stamp().is_none());
        assert!(civil(2024, 4, 30, 24, 0, 0).stamp().is_none());
        assert!(civil(1900, 2, 29, 0, 0, 0).stamp().is_none());
        assert!(civil(2000, 2, 29, 0, 0, 0).stamp().is_some());
    }

    #[test]
    fn days_round_trip_over_four_centuries() {
        for days in -146_097..146_097 * 2 {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d >= 1 && d <= days_in_month(y, m));
        }
    }
}
