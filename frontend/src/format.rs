//! Dates in the account's format (SPEC §4 preferences), always in UTC.
//!
//! Written out by hand rather than with chrono's `format`/`parse_from_str`:
//! the format-string machinery weighed kilobytes in the WebAssembly for
//! three fixed patterns.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use habilis_shared::dto::DateFormat;

pub fn date(t: &DateTime<Utc>, fmt: DateFormat) -> String {
    let (d, m, y) = (t.day(), t.month(), t.year());
    match fmt {
        DateFormat::DayMonthYear => format!("{d:02}/{m:02}/{y:04}"),
        DateFormat::MonthDayYear => format!("{m:02}/{d:02}/{y:04}"),
    }
}

pub fn datetime(t: &DateTime<Utc>, fmt: DateFormat) -> String {
    format!("{} {:02}:{:02} UTC", date(t, fmt), t.hour(), t.minute())
}

/// A date field's value, `YYYY-MM-DD` (what `<input type="date">` gives).
pub fn parse_day(s: &str) -> Option<NaiveDate> {
    let mut parts = s.splitn(3, '-');
    let mut number = |max_len: usize| {
        let p = parts.next()?;
        let digits = !p.is_empty() && p.len() <= max_len && p.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| p.parse::<u32>().ok()).flatten()
    };
    let (y, m, d) = (number(4)?, number(2)?, number(2)?);
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_the_account_format() {
        let t = DateTime::parse_from_rfc3339("2026-03-04T05:06:07Z")
            .expect("time")
            .with_timezone(&Utc);
        assert_eq!(date(&t, DateFormat::DayMonthYear), "04/03/2026");
        assert_eq!(date(&t, DateFormat::MonthDayYear), "03/04/2026");
        assert_eq!(
            datetime(&t, DateFormat::DayMonthYear),
            "04/03/2026 05:06 UTC"
        );
    }

    #[test]
    fn reads_a_date_field() {
        assert_eq!(parse_day("2026-03-04"), NaiveDate::from_ymd_opt(2026, 3, 4));
        assert_eq!(parse_day("2026-3-4"), NaiveDate::from_ymd_opt(2026, 3, 4));
        for bad in [
            "",
            "2026-02-30",
            "2026-03",
            "2026-03-04x",
            "x-03-04",
            "2026-+3-04",
            "2026-03-04-05",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
