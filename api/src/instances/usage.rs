//! Usage of a project's instances in a window (issue 16 §6): each usage
//! row (one per running period, priced at the time) counts the hours it
//! overlaps `[from, to)`, an open one up to now. The summary groups them
//! by offering; the CSV has one line per row, its cells formula-safe.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use habilis_shared::dto::UsageLine;
use habilis_shared::i18n::Msg;

use super::queries::{self, UsageLineRow};
use super::service::hours;
use crate::clock::{db_time, utc};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};

/// Rows read per query (the CSV streams page by page).
pub const PAGE: i64 = 500;

/// `?from=&to=` read: RFC 3339 instants, by default this month so far;
/// `from` before `to`.
pub fn window(
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> ApiResult<(DateTime<Utc>, DateTime<Utc>)> {
    let parse = |field: &str, v: &str| {
        DateTime::parse_from_rfc3339(v.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| ApiError::field(field, Msg::new("instances-usage-time-invalid")))
    };
    let from = match from.filter(|s| !s.is_empty()) {
        Some(v) => parse("from", v)?,
        None => NaiveDate::from_ymd_opt(now.year(), now.month(), 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map_or(now, |d| d.and_utc()),
    };
    let to = match to.filter(|s| !s.is_empty()) {
        Some(v) => parse("to", v)?,
        None => now,
    };
    if to <= from {
        return Err(ApiError::field(
            "to",
            Msg::new("instances-usage-window-empty"),
        ));
    }
    Ok((from, to))
}

/// The hours of `row` inside `[from, to)` (an open row runs until `now`).
pub fn clipped_hours(
    row: &UsageLineRow,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> f64 {
    let start = utc(row.usage.started_at).max(from);
    let end = row
        .usage
        .ended_at
        .map_or(now, utc)
        .min(to)
        .min(now.max(from));
    hours(start, end)
}

pub fn row_cost(row: &UsageLineRow, h: f64) -> f64 {
    h * row.usage.price_per_hour_milli as f64 / 1000.0
}

/// The project's usage in the window: total hours and cost, the unit, and
/// one line per offering.
pub struct Summary {
    pub instance_hours: f64,
    pub cost: f64,
    pub unit: String,
    pub services: Vec<UsageLine>,
}

pub fn summary(
    conn: &mut DbConn,
    project: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> ApiResult<Summary> {
    let mut by: BTreeMap<String, UsageLine> = BTreeMap::new();
    let mut unit: Option<String> = None;
    let mut after: Option<String> = None;
    loop {
        let rows = queries::usage_in(
            conn,
            project,
            db_time(from),
            db_time(to),
            after.as_deref(),
            PAGE,
        )?;
        let Some(last) = rows.last() else { break };
        after = Some(last.usage.id.clone());
        for row in &rows {
            let h = clipped_hours(row, from, to, now);
            let line = by
                .entry(row.usage.offering_id.clone())
                .or_insert_with(|| UsageLine {
                    offering_id: row.usage.offering_id.clone(),
                    offering_name: row.offering_name.clone(),
                    instance_hours: 0.0,
                    cost: 0.0,
                });
            line.instance_hours += h;
            line.cost += row_cost(row, h);
            unit.get_or_insert_with(|| row.unit.clone());
        }
        if (rows.len() as i64) < PAGE {
            break;
        }
    }
    let services: Vec<UsageLine> = by.into_values().collect();
    Ok(Summary {
        instance_hours: services.iter().fold(0.0, |t, l| t + l.instance_hours),
        cost: services.iter().fold(0.0, |t, l| t + l.cost),
        unit: unit.unwrap_or_else(|| "EUR".to_owned()),
        services,
    })
}

/// The CSV's first line.
pub const CSV_HEADER: &str = "instance_id,instance_name,offering_id,offering_name,started_at,ended_at,instance_hours,price_per_hour,cost,unit\r\n";

/// One CSV line of `row`, clipped to the window.
pub fn csv_line(
    row: &UsageLineRow,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    use crate::orgs::export::cell;
    let h = clipped_hours(row, from, to, now);
    let started = utc(row.usage.started_at).max(from).to_rfc3339();
    let ended = row
        .usage
        .ended_at
        .map(utc)
        .filter(|e| *e < to)
        .map(|e| e.to_rfc3339())
        .unwrap_or_default();
    let cells = [
        row.usage.instance_id.clone(),
        row.instance_name.clone(),
        row.usage.offering_id.clone(),
        row.offering_name.clone(),
        started,
        ended,
        format!("{h:.4}"),
        format!("{:.3}", row.usage.price_per_hour_milli as f64 / 1000.0),
        format!("{:.4}", row_cost(row, h)),
        row.unit.clone(),
    ];
    let mut out = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn windows_default_to_this_month_and_refuse_nonsense() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 15, 10, 0, 0)
            .single()
            .unwrap_or_default();
        let (from, to) = window(None, None, now).expect("default");
        assert_eq!(from.to_rfc3339(), "2026-12-01T00:00:00+00:00");
        assert_eq!(to, now);
        let (from, _) = window(Some("2026-11-01T00:00:00+01:00"), None, now).expect("offset");
        assert_eq!(from.to_rfc3339(), "2026-10-31T23:00:00+00:00");
        assert!(window(Some("yesterday"), None, now).is_err());
        assert!(window(
            Some("2026-12-10T00:00:00Z"),
            Some("2026-12-01T00:00:00Z"),
            now
        )
        .is_err());
    }

    #[test]
    fn rows_are_clipped_to_the_window() {
        let at = |d: u32, h: u32| {
            Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let row = UsageLineRow {
            usage: queries::UsageRow {
                id: "u".into(),
                instance_id: "i".into(),
                project_id: "p".into(),
                offering_id: "postgresql".into(),
                started_at: db_time(at(1, 0)),
                ended_at: None,
                price_per_hour_milli: 1500,
            },
            instance_name: "=HYPERLINK(\"x\")".into(),
            offering_name: "PostgreSQL".into(),
            unit: "EUR".into(),
        };
        // Open since the 1st, window the 2nd 00:00 → 12:00, now the 3rd.
        let h = clipped_hours(&row, at(2, 0), at(2, 12), at(3, 0));
        assert!((h - 12.0).abs() < 1e-9);
        let line = csv_line(&row, at(2, 0), at(2, 12), at(3, 0));
        assert!(
            line.contains(",'=HYPERLINK(\"\"x\"\")") || line.contains("\"'=HYPERLINK(\"\"x\"\")\""),
            "{line}"
        );
        assert!(line.contains(",18.0000,EUR"), "{line}");
    }
}
