//! Diesel over `instances`, `instance_usage` and
//! `instance_configurations`, and what an instance needs of its order and
//! offering: named rows and statements. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{InstanceState, SavedConfiguration};

use crate::clock::utc;
use crate::db::schema::{
    instance_configurations, instance_usage, instances, offerings, orders, projects,
};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = instances)]
pub struct InstanceRow {
    pub id: String,
    pub order_id: String,
    pub project_id: String,
    pub offering_id: String,
    pub owner_id: String,
    pub name: String,
    pub config: String,
    pub state: String,
    pub spawner_kind: String,
    pub handle: Option<String>,
    pub open_url: Option<String>,
    pub secrets: Option<String>,
    pub failure: Option<String>,
    pub created_at: NaiveDateTime,
    pub started_at: Option<NaiveDateTime>,
    pub stopped_at: Option<NaiveDateTime>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub idle_notice_at: Option<NaiveDateTime>,
    pub kept_at: Option<NaiveDateTime>,
    pub deleted_at: Option<NaiveDateTime>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<NaiveDateTime>,
}

impl InstanceRow {
    pub fn state(&self) -> InstanceState {
        InstanceState::parse(&self.state).unwrap_or(InstanceState::Failed)
    }

    /// The spawner's handle, when the start went through.
    pub fn handle(&self) -> Option<serde_json::Value> {
        self.handle
            .as_deref()
            .and_then(|h| serde_json::from_str(h).ok())
    }

    pub fn config(&self) -> serde_json::Value {
        serde_json::from_str(&self.config).unwrap_or(serde_json::Value::Null)
    }
}

/// What an instance needs of its offering.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = offerings)]
pub struct OfferingRow {
    pub id: String,
    pub name: String,
    pub config_schema: String,
    pub readme_template: String,
    pub price_per_hour_milli: i64,
    pub unit: String,
    pub spawner_kind: String,
    pub spawner_recipe: Option<String>,
    pub limits: String,
    pub retired_at: Option<NaiveDateTime>,
}

impl OfferingRow {
    pub fn schema(&self) -> serde_json::Value {
        serde_json::from_str(&self.config_schema).unwrap_or(serde_json::json!({}))
    }

    pub fn limits(&self) -> habilis_shared::dto::OfferingLimits {
        serde_json::from_str(&self.limits).unwrap_or_default()
    }
}

/// What a launch needs of its order.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = orders)]
pub struct OrderRow {
    pub id: String,
    pub project_id: String,
    pub offering_id: String,
    pub state: String,
}

pub fn order(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrderRow>> {
    orders::table
        .find(id)
        .select(OrderRow::as_select())
        .first(conn)
        .optional()
}

pub fn offering(conn: &mut DbConn, id: &str) -> QueryResult<Option<OfferingRow>> {
    offerings::table
        .find(id)
        .select(OfferingRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<InstanceRow>> {
    instances::table
        .find(id)
        .select(InstanceRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &InstanceRow) -> QueryResult<usize> {
    diesel::insert_into(instances::table)
        .values(row)
        .execute(conn)
}

/// Whether the project has a live (not deleted) instance of this name.
pub fn name_taken(conn: &mut DbConn, project: &str, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        instances::table
            .filter(instances::project_id.eq(project))
            .filter(instances::name.eq(name))
            .filter(instances::deleted_at.is_null()),
    ))
    .get_result(conn)
}

/// States that hold a process (or are about to): what the caps count.
pub const ACTIVE: [&str; 3] = ["starting", "running", "stopping"];

pub fn active_of_owner(conn: &mut DbConn, owner: &str, offering: Option<&str>) -> QueryResult<i64> {
    let mut q = instances::table
        .filter(instances::owner_id.eq(owner))
        .filter(instances::state.eq_any(ACTIVE))
        .into_boxed();
    if let Some(o) = offering {
        q = q.filter(instances::offering_id.eq(o));
    }
    q.count().get_result(conn)
}

pub fn active_of_project(
    conn: &mut DbConn,
    project: &str,
    offering: Option<&str>,
) -> QueryResult<i64> {
    let mut q = instances::table
        .filter(instances::project_id.eq(project))
        .filter(instances::state.eq_any(ACTIVE))
        .into_boxed();
    if let Some(o) = offering {
        q = q.filter(instances::offering_id.eq(o));
    }
    q.count().get_result(conn)
}

/// Records what the spawner answered to a start.
pub fn set_started(
    conn: &mut DbConn,
    id: &str,
    handle: &str,
    open_url: &str,
    secrets: &str,
) -> QueryResult<usize> {
    diesel::update(instances::table.find(id))
        .set((
            instances::handle.eq(Some(handle)),
            instances::open_url.eq(Some(open_url)),
            instances::secrets.eq(Some(secrets)),
        ))
        .execute(conn)
}

/// Moves the instance from `from` to `to` (compare-and-set: 0 when another
/// request or replica moved it first).
pub fn transition(
    conn: &mut DbConn,
    id: &str,
    from: &[&str],
    to: InstanceState,
) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::state.eq_any(from.to_vec())),
    )
    .set(instances::state.eq(to.as_str()))
    .execute(conn)
}

pub fn set_running(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::state.eq("starting")),
    )
    .set((
        instances::state.eq(InstanceState::Running.as_str()),
        instances::started_at.eq(Some(at)),
    ))
    .execute(conn)
}

/// The end of an instance's process: `to` (stopped, failed, lost) from any
/// of `from`, with why when it failed.
pub fn set_ended(
    conn: &mut DbConn,
    id: &str,
    from: &[&str],
    to: InstanceState,
    failure: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::state.eq_any(from.to_vec())),
    )
    .set((
        instances::state.eq(to.as_str()),
        instances::failure.eq(failure),
        instances::stopped_at.eq(Some(at)),
        instances::lease_owner.eq(None::<String>),
        instances::lease_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)
}

/// Claims a running instance for stopping: `stopping`, leased to `worker`
/// until `until` (a replica that dies mid-stop leaves a lease that
/// expires, and the reconciliation finishes the stop).
pub fn claim_stop(
    conn: &mut DbConn,
    id: &str,
    worker: &str,
    until: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::state.eq_any(["starting", "running"])),
    )
    .set((
        instances::state.eq(InstanceState::Stopping.as_str()),
        instances::lease_owner.eq(Some(worker)),
        instances::lease_until.eq(Some(until)),
    ))
    .execute(conn)
}

pub fn mark_deleted(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::deleted_at.is_null()),
    )
    .set(instances::deleted_at.eq(Some(at)))
    .execute(conn)
}

pub fn set_activity(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(instances::table.find(id))
        .set(instances::last_activity_at.eq(Some(at)))
        .execute(conn)
}

pub fn set_notice(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        instances::table
            .filter(instances::id.eq(id))
            .filter(instances::state.eq("running")),
    )
    .set(instances::idle_notice_at.eq(Some(at)))
    .execute(conn)
}

pub fn keep(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(instances::table.find(id))
        .set((
            instances::kept_at.eq(Some(at)),
            instances::idle_notice_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
}

/// Instances in `states`, oldest first, `limit` at most, after `after`.
pub fn in_states(
    conn: &mut DbConn,
    states: &[&str],
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<InstanceRow>> {
    let mut q = instances::table
        .filter(instances::state.eq_any(states))
        .filter(instances::deleted_at.is_null())
        .order(instances::id.asc())
        .limit(limit)
        .select(InstanceRow::as_select())
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(instances::id.gt(a.to_owned()));
    }
    q.load(conn)
}

/// Ended instances, not deleted, whose end came before `before`.
pub fn ended_before(
    conn: &mut DbConn,
    before: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<InstanceRow>> {
    instances::table
        .filter(instances::state.eq_any(["stopped", "failed", "lost"]))
        .filter(instances::deleted_at.is_null())
        .filter(instances::stopped_at.le(before))
        .order(instances::id.asc())
        .limit(limit)
        .select(InstanceRow::as_select())
        .load(conn)
}

/// The instances of an order still holding (or about to hold) a process.
pub fn active_of_order(conn: &mut DbConn, order: &str) -> QueryResult<Vec<InstanceRow>> {
    instances::table
        .filter(instances::order_id.eq(order))
        .filter(instances::state.eq_any(["starting", "running"]))
        .select(InstanceRow::as_select())
        .load(conn)
}

/// A page of the instances the caller sees: their own, and those of the
/// projects `managed` selects; newest first by id.
pub fn page(
    conn: &mut DbConn,
    owner: &str,
    managed: crate::projects::queries::ProjectFilter,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(InstanceRow, String, String)>> {
    let managed_projects: Vec<String> = projects::table
        .select(projects::id)
        .into_boxed()
        .filter(managed)
        .load(conn)?;
    // Ids are uuid text (hex and dashes): "before nothing" is `id < '~'`.
    instances::table
        .inner_join(projects::table)
        .inner_join(offerings::table)
        .filter(instances::deleted_at.is_null())
        .filter(
            instances::owner_id
                .eq(owner)
                .or(instances::project_id.eq_any(managed_projects)),
        )
        .filter(instances::id.lt(after.unwrap_or("~")))
        .order(instances::id.desc())
        .limit(limit)
        .select((InstanceRow::as_select(), projects::name, offerings::name))
        .load(conn)
}

// ---- usage ----

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = instance_usage)]
pub struct UsageRow {
    pub id: String,
    pub instance_id: String,
    pub project_id: String,
    pub offering_id: String,
    pub started_at: NaiveDateTime,
    pub ended_at: Option<NaiveDateTime>,
    pub price_per_hour_milli: i64,
}

pub fn open_usage(conn: &mut DbConn, row: &UsageRow) -> QueryResult<usize> {
    diesel::insert_into(instance_usage::table)
        .values(row)
        .execute(conn)
}

pub fn close_usage(conn: &mut DbConn, instance: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        instance_usage::table
            .filter(instance_usage::instance_id.eq(instance))
            .filter(instance_usage::ended_at.is_null()),
    )
    .set(instance_usage::ended_at.eq(Some(at)))
    .execute(conn)
}

pub fn usage_of(conn: &mut DbConn, instance: &str) -> QueryResult<Vec<UsageRow>> {
    instance_usage::table
        .filter(instance_usage::instance_id.eq(instance))
        .select(UsageRow::as_select())
        .load(conn)
}

/// One usage row of a project in a window, with the names it is shown with.
#[derive(Debug, Clone)]
pub struct UsageLineRow {
    pub usage: UsageRow,
    pub instance_name: String,
    pub offering_name: String,
    pub unit: String,
}

/// The project's usage rows that overlap `[from, to)`, by id after `after`.
pub fn usage_in(
    conn: &mut DbConn,
    project: &str,
    from: NaiveDateTime,
    to: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UsageLineRow>> {
    // Ids are never empty: "after nothing" is `id > ''`.
    let q = instance_usage::table
        .inner_join(instances::table)
        .inner_join(offerings::table.on(offerings::id.eq(instance_usage::offering_id)))
        .filter(instance_usage::project_id.eq(project))
        .filter(instance_usage::started_at.lt(to))
        .filter(
            instance_usage::ended_at
                .is_null()
                .or(instance_usage::ended_at.gt(from)),
        )
        .filter(instance_usage::id.gt(after.unwrap_or("")))
        .order(instance_usage::id.asc())
        .limit(limit)
        .select((
            UsageRow::as_select(),
            instances::name,
            offerings::name,
            offerings::unit,
        ));
    let rows: Vec<(UsageRow, String, String, String)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(usage, instance_name, offering_name, unit)| UsageLineRow {
            usage,
            instance_name,
            offering_name,
            unit,
        })
        .collect())
}

// ---- saved configurations ----

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = instance_configurations)]
pub struct ConfigurationRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub offering_id: String,
    pub config: String,
    pub created_at: NaiveDateTime,
}

impl ConfigurationRow {
    pub fn config(&self) -> serde_json::Value {
        serde_json::from_str(&self.config).unwrap_or(serde_json::Value::Null)
    }

    pub fn view(&self) -> SavedConfiguration {
        SavedConfiguration {
            id: self.id.clone(),
            name: self.name.clone(),
            offering_id: self.offering_id.clone(),
            config: self.config(),
            created_at: utc(self.created_at),
        }
    }
}

pub fn configuration(conn: &mut DbConn, id: &str) -> QueryResult<Option<ConfigurationRow>> {
    instance_configurations::table
        .find(id)
        .select(ConfigurationRow::as_select())
        .first(conn)
        .optional()
}

pub fn configurations(
    conn: &mut DbConn,
    user: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ConfigurationRow>> {
    let mut q = instance_configurations::table
        .filter(instance_configurations::user_id.eq(user.to_owned()))
        .order(instance_configurations::name.asc())
        .limit(limit)
        .select(ConfigurationRow::as_select())
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(instance_configurations::name.gt(a.to_owned()));
    }
    q.load(conn)
}

pub fn configuration_name_taken(conn: &mut DbConn, user: &str, name: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        instance_configurations::table
            .filter(instance_configurations::user_id.eq(user))
            .filter(instance_configurations::name.eq(name)),
    ))
    .get_result(conn)
}

pub fn insert_configuration(conn: &mut DbConn, row: &ConfigurationRow) -> QueryResult<usize> {
    diesel::insert_into(instance_configurations::table)
        .values(row)
        .execute(conn)
}

pub fn delete_configuration(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(instance_configurations::table.find(id)).execute(conn)
}
