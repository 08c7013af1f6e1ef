//! Dates in the account's format (SPEC §4 preferences), always in UTC.
//!
//! Written out by hand rather than with chrono's `format`/`parse_from_str`:
//! the format-string machinery weighed kilobytes in the WebAssembly for
//! three fixed patterns.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use habilis_shared::dto::{DateFormat, Language};

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

/// A byte count for people: decimal units (1 kB = 1000 B), one decimal
/// from kB up, in the language's units and decimal separator
/// (`20.0 MB`, `20,0 Mo`). Integer arithmetic only: float formatting
/// would weigh kilobytes in the WebAssembly.
pub fn bytes(n: u64, lang: Language) -> String {
    let (units, sep): ([&str; 5], char) = match lang {
        Language::Fr => (["o", "ko", "Mo", "Go", "To"], ','),
        _ => (["B", "kB", "MB", "GB", "TB"], '.'),
    };
    if n < 1000 {
        return format!("{n}\u{a0}{}", units[0]);
    }
    let mut unit = 1;
    let mut step: u64 = 100;
    loop {
        // Tenths of the unit, rounded half up.
        let tenths = n / step + u64::from(n % step >= step / 2);
        if tenths < 10_000 || unit == units.len() - 1 {
            return format!("{}{sep}{}\u{a0}{}", tenths / 10, tenths % 10, units[unit]);
        }
        unit += 1;
        step *= 1000;
    }
}

/// An amount of money with its currency, to the cent (to the tenth of a
/// cent when that is not exact: prices per hour are small): `0.05 EUR`,
/// `0,125 EUR` in French. Integer arithmetic, like [`bytes`].
pub fn money(amount: f64, unit: &str, lang: Language) -> String {
    let milli = (amount * 1000.0).round() as i64;
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    let sep = if lang == Language::Fr { ',' } else { '.' };
    let (whole, frac) = (m / 1000, m % 1000);
    let frac = if frac % 10 == 0 {
        format!("{:02}", frac / 10)
    } else {
        format!("{frac:03}")
    };
    format!("{sign}{whole}{sep}{frac}\u{a0}{unit}")
}

/// A whole percentage of `done` over `total` (100 for an empty total).
pub fn percent(done: u64, total: u64) -> u64 {
    if total == 0 {
        100
    } else {
        (done.min(total) as f64 * 100.0 / total as f64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_the_language() {
        assert_eq!(bytes(0, Language::En), "0\u{a0}B");
        assert_eq!(bytes(999, Language::Fr), "999\u{a0}o");
        assert_eq!(bytes(1000, Language::En), "1.0\u{a0}kB");
        assert_eq!(bytes(20_971_520, Language::En), "21.0\u{a0}MB");
        assert_eq!(bytes(20_971_520, Language::Fr), "21,0\u{a0}Mo");
        assert_eq!(bytes(20_971_520, Language::Ja), "21.0\u{a0}MB");
        assert_eq!(bytes(999_960, Language::En), "1.0\u{a0}MB");
        assert_eq!(bytes(50 << 30, Language::En), "53.7\u{a0}GB");
        assert_eq!(bytes(u64::MAX, Language::En), "18446744.1\u{a0}TB");
    }

    #[test]
    fn money_reads_in_the_language() {
        assert_eq!(money(0.05, "EUR", Language::En), "0.05\u{a0}EUR");
        assert_eq!(money(0.125, "EUR", Language::Fr), "0,125\u{a0}EUR");
        assert_eq!(money(12.0, "EUR", Language::Ja), "12.00\u{a0}EUR");
        assert_eq!(money(0.0, "EUR", Language::En), "0.00\u{a0}EUR");
        assert_eq!(money(1234.5678, "USD", Language::En), "1234.568\u{a0}USD");
    }

    #[test]
    fn percentages_are_whole_and_bounded() {
        assert_eq!(percent(0, 20), 0);
        assert_eq!(percent(8_388_608, 20_971_520), 40);
        assert_eq!(percent(30, 20), 100);
        assert_eq!(percent(0, 0), 100);
        assert_eq!(percent(199, 200), 99);
    }

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
