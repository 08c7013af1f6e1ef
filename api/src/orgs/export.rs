//! `GET /organizations/{id}/members.csv` (SPEC §4 "user export"): one line
//! per (person, organisation role), RFC 4180, UTF-8, streamed page by page
//! (never the whole list in memory), cells that a spreadsheet would run as
//! a formula neutralised.

use actix_web::{web, HttpResponse};
use futures_util::{stream, StreamExt};
use habilis_shared::dto::Problem;
use habilis_shared::policy::OrgCapability;

use super::org_for;
use super::queries::{self, ExportRow};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

const PAGE: i64 = 500;
const HEADER: &str = "first_name,last_name,email,created_at,status,language,organization,role\r\n";

/// One CSV cell: a leading `=`, `+`, `-`, `@` (or tab / carriage return,
/// which spreadsheets also read as formula starters) gets a `'` in front
/// (OWASP "CSV injection"); quoted when it holds a comma, quote or line break.
pub fn cell(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

fn line(org: &str, row: &ExportRow) -> String {
    let created = row.created_at.and_utc().to_rfc3339();
    let cells = [
        row.first_name.as_str(),
        &row.last_name,
        &row.email,
        &created,
        &row.state,
        &row.language,
        org,
        &row.role,
    ];
    let mut out = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

/// The members as CSV (managers of this organisation; administrators).
#[utoipa::path(
    get, path = "/api/v1/organizations/{id}/members.csv", tag = "organizations", security(("bearer" = [])),
    params(("id" = String, Path, description = "Organisation id")),
    responses(
        (status = 200, description = "first_name,last_name,email,created_at,status,language,organization,role", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a manager of it", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or not mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn members_csv(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let id = id.into_inner();
    let st = state.clone();
    let org = state
        .db(move |conn| {
            org_for(conn, &st, &caller, &id, OrgCapability::MembersExport).map(|(o, _)| o)
        })
        .await?;
    let filename: String = org
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    // Keyset pages by user id; each page is one query off the executor.
    let pages = stream::unfold(
        (state.clone(), org, None::<String>, false),
        |(state, org, after, done)| async move {
            if done {
                return None;
            }
            let (org_id, after_q) = (org.id.clone(), after.clone());
            let page = state
                .db(move |conn| {
                    Ok(queries::export_page(
                        conn,
                        &org_id,
                        after_q.as_deref(),
                        PAGE,
                    )?)
                })
                .await;
            match page {
                Ok(rows) => {
                    let last = rows.last().map(|r| r.user_id.clone());
                    let done = (rows.len() as i64) < PAGE;
                    let text: String = rows.iter().map(|r| line(&org.name, r)).collect();
                    Some((
                        Ok::<_, ApiError>(web::Bytes::from(text)),
                        (state, org, last.or(after), done),
                    ))
                }
                // The status is sent already: cut the body short, which a
                // client sees as a truncated download, and log it.
                Err(e) => {
                    tracing::error!(error = %e, "members.csv: page failed");
                    Some((Err(e), (state, org, after, true)))
                }
            }
        },
    );
    let body =
        stream::once(async { Ok::<_, ApiError>(web::Bytes::from_static(HEADER.as_bytes())) })
            .chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"members-{filename}.csv\""),
        ))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(cell("Ada"), "Ada");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("+33 1 23"), "'+33 1 23");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(cell("Éloïse"), "Éloïse");
    }
}
