//! Dates in the account's format (SPEC §4 preferences), always in UTC.

use chrono::{DateTime, Utc};
use habilis_shared::dto::DateFormat;

pub fn date(t: &DateTime<Utc>, fmt: DateFormat) -> String {
    match fmt {
        DateFormat::DayMonthYear => t.format("%d/%m/%Y").to_string(),
        DateFormat::MonthDayYear => t.format("%m/%d/%Y").to_string(),
    }
}

pub fn datetime(t: &DateTime<Utc>, fmt: DateFormat) -> String {
    format!("{} {} UTC", date(t, fmt), t.format("%H:%M"))
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
}
