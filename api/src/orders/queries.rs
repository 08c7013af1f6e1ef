//! Diesel over `orders` and the approval request an order waits on: named
//! rows and statements. No rule here.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{OrderState, OrderView};

use crate::clock::{db_time, utc};
use crate::db::schema::{approval_requests, offerings, orders, projects};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: String,
    pub project_id: String,
    pub offering_id: String,
    pub requested_by: String,
    pub comment: Option<String>,
    pub state: String,
    pub request_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl OrderRow {
    pub fn state(&self) -> OrderState {
        OrderState::parse(&self.state).unwrap_or(OrderState::Cancelled)
    }

    pub fn view(&self, project_name: &str, offering_name: &str) -> OrderView {
        OrderView {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            project_name: project_name.to_owned(),
            offering_id: self.offering_id.clone(),
            offering_name: offering_name.to_owned(),
            requested_by: self.requested_by.clone(),
            comment: self.comment.clone(),
            state: self.state(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
        }
    }
}

/// An order with its project's and offering's names.
pub type Named = (OrderRow, String, String);

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrderRow>> {
    orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

/// An order's view, with the names of its project and offering.
pub fn view(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrderView>> {
    let row: Option<Named> = orders::table
        .inner_join(projects::table)
        .inner_join(offerings::table)
        .filter(orders::id.eq(id))
        .select((OrderRow::as_select(), projects::name, offerings::name))
        .first(conn)
        .optional()?;
    Ok(row.map(|(o, project, offering)| o.view(&project, &offering)))
}

/// A page of a project's orders, oldest first, after the id given.
pub fn page(
    conn: &mut DbConn,
    project: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<Named>> {
    let mut q = orders::table
        .inner_join(projects::table)
        .inner_join(offerings::table)
        .filter(orders::project_id.eq(project.to_owned()))
        .order(orders::id.asc())
        .limit(limit)
        .select((OrderRow::as_select(), projects::name, offerings::name))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(orders::id.gt(after.to_owned()));
    }
    q.load(conn)
}

/// (offering name, project name) of the orders `ids`, in one statement.
pub fn subject_names(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<HashMap<String, (String, String)>> {
    let rows: Vec<(String, String, String)> = orders::table
        .inner_join(projects::table)
        .inner_join(offerings::table)
        .filter(orders::id.eq_any(ids))
        .select((orders::id, offerings::name, projects::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, offering, project)| (id, (offering, project)))
        .collect())
}

pub fn insert(conn: &mut DbConn, row: &OrderRow) -> QueryResult<usize> {
    diesel::insert_into(orders::table).values(row).execute(conn)
}

/// Locks the order row (racing changes and decisions on it run one after
/// the other) and reads it as it then is.
pub fn lock(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrderRow>> {
    diesel::update(orders::table.find(id))
        .set(orders::state.eq(orders::state))
        .execute(conn)?;
    find(conn, id)
}

/// Sets what a modification or a decision changes.
pub fn set(
    conn: &mut DbConn,
    id: &str,
    state: OrderState,
    offering_id: &str,
    comment: Option<&str>,
    request_id: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    diesel::update(orders::table.find(id))
        .set((
            orders::state.eq(state.as_str()),
            orders::offering_id.eq(offering_id),
            orders::comment.eq(comment),
            orders::request_id.eq(request_id),
            orders::updated_at.eq(db_time(at)),
        ))
        .execute(conn)
}

/// Closes a still pending approval request as `state` (an order modified
/// or cancelled meanwhile): its approvals leave the approvers' inboxes.
pub fn close_pending_request(
    conn: &mut DbConn,
    request: &str,
    state: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> QueryResult<usize> {
    diesel::update(
        approval_requests::table
            .find(request)
            .filter(approval_requests::state.eq("pending")),
    )
    .set((
        approval_requests::state.eq(state),
        approval_requests::decided_at.eq(Some(db_time(at))),
    ))
    .execute(conn)
}
