//! The instance rules (issue 16 §3, §5, §6): an instance is launched from
//! an approved order whose offering a spawner here runs, with its
//! configuration merged over the schema's defaults and validated, within
//! the caps of the policy and of the offering; it is stopped by its owner
//! or its project's managers (the name typed again), by the idle purge,
//! or with its order. Each change runs in one transaction with its audit
//! row (and its e-mail), and fails with an [`InstanceError`]; the caller
//! has already been authorised. Spawner calls (blocking) happen outside
//! those transactions, except in the jobs, whose lease makes them single.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use habilis_shared::dto::{
    CreateConfiguration, InstanceState, InstanceView, LaunchInstance, OfferingLimits,
    SavedConfiguration,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::Policy;
use serde_json::{json, Value};

use super::queries::{self, ConfigurationRow, InstanceRow, OfferingRow, OrderRow, UsageRow};
use super::readme;
use crate::accounts::queries as users_q;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};
use crate::mail::{self, Email, Recipient};
use crate::spawners::{Health, LaunchSpec, Spawner, Spawners};

/// How long a stop may hold its claim before the reconciliation takes over.
const STOP_LEASE_SECS: i64 = 300;
/// How long an instance may stay `starting` before it is given up.
pub const START_TIMEOUT_SECS: i64 = 600;

/// Which cap a launch would exceed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cap {
    User,
    Project,
    OfferingUser,
    OfferingProject,
}

impl Cap {
    fn key(self) -> &'static str {
        match self {
            Cap::User => "instances-limit-user",
            Cap::Project => "instances-limit-project",
            Cap::OfferingUser => "instances-limit-offering-user",
            Cap::OfferingProject => "instances-limit-offering-project",
        }
    }
}

/// Why an instance rule refused, or the database failed.
#[derive(Debug, thiserror::Error)]
pub enum InstanceError {
    #[error("the order is {0}, not approved")]
    OrderNotApproved(String),
    #[error("no spawner here runs this offering")]
    SpawnerUnavailable,
    #[error("the configuration does not fit the offering's schema")]
    Invalid(BTreeMap<String, Vec<Msg>>),
    #[error("running-instance limit reached")]
    Limit { cap: Cap, running: u64, limit: u64 },
    #[error("the project has an instance of this name")]
    NameTaken,
    #[error("a configuration of this name exists")]
    ConfigurationNameTaken,
    #[error("the confirmation is not the instance's name")]
    ConfirmationMismatch,
    #[error("the instance is {}", .0.as_str())]
    WrongState(InstanceState),
    #[error("no such instance, order or offering")]
    NotFound,
    #[error("spawner: {0}")]
    Spawner(String),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<InstanceError> for ApiError {
    fn from(e: InstanceError) -> Self {
        use InstanceError as E;
        match e {
            E::OrderNotApproved(state) => ApiError::conflict(
                ProblemType::OrderNotApproved,
                Msg::new("instances-order-not-approved").arg("state", state),
            ),
            E::SpawnerUnavailable => ApiError::conflict(
                ProblemType::SpawnerUnavailable,
                Msg::new("instances-spawner-unavailable"),
            ),
            E::Invalid(errors) => ApiError::validation(errors),
            E::Limit {
                cap,
                running,
                limit,
            } => ApiError::conflict(
                ProblemType::InstanceLimit,
                Msg::new(cap.key()).arg("limit", limit.to_string()),
            )
            .with_quota(running, 1, limit),
            E::NameTaken => {
                ApiError::conflict(ProblemType::NameTaken, Msg::new("instances-name-taken"))
            }
            E::ConfigurationNameTaken => ApiError::conflict(
                ProblemType::NameTaken,
                Msg::new("instances-configuration-name-taken"),
            ),
            E::ConfirmationMismatch => {
                let mut e = ApiError::field("confirm", Msg::new("instances-confirm-mismatch"));
                e.problem = ProblemType::ConfirmationMismatch;
                e
            }
            E::WrongState(state) => ApiError::conflict(
                ProblemType::WrongState,
                Msg::new("instances-wrong-state").arg("state", state.as_str()),
            ),
            E::NotFound => ApiError::not_found(),
            E::Spawner(cause) => ApiError::internal(cause),
            E::Db(e) => e.into(),
        }
    }
}

pub type InstanceResult<T> = Result<T, InstanceError>;

// ---- configuration ----

/// The schema's defaults: each property's `default`, objects filled in
/// depth (a property without a default whose schema is an object with
/// defaults gets those).
pub fn defaults(schema: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            if let Some(d) = prop.get("default") {
                out.insert(name.clone(), d.clone());
            } else if prop.get("properties").is_some() {
                let inner = defaults(prop);
                if inner.as_object().is_some_and(|m| !m.is_empty()) {
                    out.insert(name.clone(), inner);
                }
            }
        }
    }
    Value::Object(out)
}

/// `over` laid over `base`: objects merged key by key, anything else
/// replaced.
pub fn merge(base: &Value, over: &Value) -> Value {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut out = b.clone();
            for (k, v) in o {
                let merged = match out.get(k) {
                    Some(existing) => merge(existing, v),
                    None => v.clone(),
                };
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (_, over) => over.clone(),
    }
}

/// The JSON-Schema instance path of an error as a field name of the
/// answer: `config`, `config.port`, `config.users[0]`.
fn field_of(pointer: &str) -> String {
    crate::catalog::schema::field_of("config", pointer)
}

/// `config` checked against `schema` (draft 2020-12, no remote `$ref`):
/// the errors by field, each with the validator's own words.
pub fn validate(schema: &Value, config: &Value) -> InstanceResult<()> {
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(schema)
        .map_err(|e| {
            let mut errors = BTreeMap::new();
            errors.insert(
                "config".to_owned(),
                vec![Msg::new("instances-schema-broken").arg("reason", e.to_string())],
            );
            InstanceError::Invalid(errors)
        })?;
    let mut errors: BTreeMap<String, Vec<Msg>> = BTreeMap::new();
    for e in validator.iter_errors(config) {
        errors
            .entry(field_of(&e.instance_path().to_string()))
            .or_default()
            .push(Msg::new("instances-config-invalid").arg("reason", e.to_string()));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(InstanceError::Invalid(errors))
    }
}

/// The effective configuration: the schema's defaults, under the saved
/// configuration, under what was asked; validated.
pub fn effective(
    offering: &OfferingRow,
    saved: Option<&Value>,
    asked: Option<&Value>,
) -> InstanceResult<Value> {
    let schema = offering.schema();
    let mut config = defaults(&schema);
    if let Some(s) = saved {
        config = merge(&config, s);
    }
    if let Some(a) = asked {
        config = merge(&config, a);
    }
    validate(&schema, &config)?;
    Ok(config)
}

// ---- views ----

/// Instance-hours between `from` and `to`.
pub fn hours(from: DateTime<Utc>, to: DateTime<Utc>) -> f64 {
    if to <= from {
        return 0.0;
    }
    (to - from).num_milliseconds() as f64 / 3_600_000.0
}

/// The cost of `rows` up to `now`, in the offering's unit.
pub fn cost(rows: &[UsageRow], now: DateTime<Utc>) -> f64 {
    // A fold from +0.0: an empty `sum` of floats is -0.0.
    rows.iter().fold(0.0, |total, u| {
        let end = u.ended_at.map_or(now, utc);
        total + hours(utc(u.started_at), end) * u.price_per_hour_milli as f64 / 1000.0
    })
}

/// What the view shows of an instance; `owner`: the README with the
/// credentials too.
pub struct ViewParts<'a> {
    pub row: &'a InstanceRow,
    pub project_name: &'a str,
    pub offering: &'a OfferingRow,
    pub usage: &'a [UsageRow],
    pub owner: bool,
    pub now: DateTime<Utc>,
}

pub fn view(p: ViewParts<'_>) -> InstanceView {
    let row = p.row;
    let (readme, readme_html) = if p.owner {
        match readme::render(p.offering, row) {
            Some(md) => {
                let html = readme::to_html(&md);
                (Some(md), Some(html))
            }
            None => (None, None),
        }
    } else {
        (None, None)
    };
    InstanceView {
        id: row.id.clone(),
        name: row.name.clone(),
        order_id: row.order_id.clone(),
        project_id: row.project_id.clone(),
        project_name: p.project_name.to_owned(),
        offering_id: row.offering_id.clone(),
        offering_name: p.offering.name.clone(),
        owner_id: row.owner_id.clone(),
        state: row.state(),
        config: row.config(),
        // A link may carry a credential (JupyterLab's token): the owner's.
        open_url: if p.owner {
            row.open_url.clone()
        } else {
            row.open_url
                .as_deref()
                .map(|u| mask_secrets(u, row.secrets.as_deref()))
        },
        readme,
        readme_html,
        failure: row.failure.clone(),
        created_at: utc(row.created_at),
        started_at: row.started_at.map(utc),
        stopped_at: row.stopped_at.map(utc),
        last_activity_at: row.last_activity_at.map(utc),
        idle_notice_at: row.idle_notice_at.map(utc),
        cost_so_far: cost(p.usage, p.now),
        unit: p.offering.unit.clone(),
    }
}

/// Every generated secret string of `stored` (the `secrets` column) in
/// `text` replaced by `********`.
pub fn mask_secrets(text: &str, stored: Option<&str>) -> String {
    let Some(v) = stored.and_then(|s| serde_json::from_str::<Value>(s).ok()) else {
        return text.to_owned();
    };
    let mut out = text.to_owned();
    if let Some(secrets) = v.get("secrets").and_then(Value::as_object) {
        for value in secrets.values() {
            if let Some(s) = value.as_str().filter(|s| s.len() >= 6) {
                out = out.replace(s, "********");
            }
        }
    }
    out
}

// ---- launch ----

/// What the launch handler hands to the spawner once the row is in.
pub struct Launch {
    pub row: InstanceRow,
    pub recipe: String,
    pub spawner: Arc<dyn Spawner>,
}

/// The spawner that runs `offering` here, if any.
pub fn spawner_for(spawners: &Spawners, offering: &OfferingRow) -> Option<Arc<dyn Spawner>> {
    let recipe = offering.spawner_recipe.as_deref().unwrap_or("");
    spawners
        .get(&offering.spawner_kind)
        .filter(|s| s.runs(recipe))
}

fn check_cap(cap: Cap, running: i64, limit: Option<u32>) -> InstanceResult<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    let running = u64::try_from(running).unwrap_or(0);
    if running >= u64::from(limit) {
        return Err(InstanceError::Limit {
            cap,
            running,
            limit: u64::from(limit),
        });
    }
    Ok(())
}

/// Checks the order, the spawner, the configuration and the caps, then
/// inserts the `starting` row with its audit row (one transaction, the
/// caps read under a lock every replica takes).
pub fn launch(
    conn: &mut DbConn,
    policy: &Policy,
    spawners: &Spawners,
    now: DateTime<Utc>,
    caller: &Caller,
    order: &OrderRow,
    req: &LaunchInstance,
) -> InstanceResult<Launch> {
    if order.state != "approved" {
        return Err(InstanceError::OrderNotApproved(order.state.clone()));
    }
    let offering = queries::offering(conn, &order.offering_id)?.ok_or(InstanceError::NotFound)?;
    let spawner = spawner_for(spawners, &offering).ok_or(InstanceError::SpawnerUnavailable)?;
    let saved = match &req.configuration_id {
        Some(id) => {
            let c = queries::configuration(conn, id)?
                .filter(|c| c.user_id == caller.id() && c.offering_id == offering.id)
                .ok_or_else(|| {
                    let mut errors = BTreeMap::new();
                    errors.insert(
                        "configuration_id".to_owned(),
                        vec![Msg::new("instances-configuration-unknown")],
                    );
                    InstanceError::Invalid(errors)
                })?;
            Some(c.config())
        }
        None => None,
    };
    let config = effective(&offering, saved.as_ref(), req.config.as_ref())?;
    let name = req.name.trim().to_owned();
    let limits: OfferingLimits = offering.limits();
    let row = conn.write_tx(|conn| {
        conn.lock_named("instances")?;
        let services = &policy.services;
        let mine = queries::active_of_owner(conn, caller.id(), None)?;
        check_cap(Cap::User, mine, Some(services.max_running_per_user))?;
        let project = queries::active_of_project(conn, &order.project_id, None)?;
        check_cap(
            Cap::Project,
            project,
            Some(services.max_running_per_project),
        )?;
        if limits.max_per_user.is_some() {
            let n = queries::active_of_owner(conn, caller.id(), Some(&offering.id))?;
            check_cap(Cap::OfferingUser, n, limits.max_per_user)?;
        }
        if limits.max_per_project.is_some() {
            let n = queries::active_of_project(conn, &order.project_id, Some(&offering.id))?;
            check_cap(Cap::OfferingProject, n, limits.max_per_project)?;
        }
        if queries::name_taken(conn, &order.project_id, &name)? {
            return Err(InstanceError::NameTaken);
        }
        let row = InstanceRow {
            id: uuid::Uuid::now_v7().to_string(),
            order_id: order.id.clone(),
            project_id: order.project_id.clone(),
            offering_id: offering.id.clone(),
            owner_id: caller.id().to_owned(),
            name: name.clone(),
            config: config.to_string(),
            state: InstanceState::Starting.as_str().to_owned(),
            spawner_kind: offering.spawner_kind.clone(),
            handle: None,
            open_url: None,
            secrets: None,
            failure: None,
            created_at: db_time(now),
            started_at: None,
            stopped_at: None,
            last_activity_at: None,
            idle_notice_at: None,
            kept_at: None,
            deleted_at: None,
            lease_owner: None,
            lease_until: None,
        };
        queries::insert(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::InstanceLaunch, Outcome::Success)
                .actor(caller.id())
                .target("instance", row.id.clone())
                .detail(json!({
                    "order_id": order.id,
                    "project_id": order.project_id,
                    "offering_id": offering.id,
                    "name": row.name,
                    "config": config,
                }))
                .ctx(&caller.ctx),
        )?;
        Ok::<_, InstanceError>(row)
    })?;
    Ok(Launch {
        row,
        recipe: offering.spawner_recipe.unwrap_or_default(),
        spawner,
    })
}

/// Where an instance works: `<data_dir>/instances/<id>`.
pub fn workdir(data_dir: &Path, id: &str) -> PathBuf {
    data_dir.join("instances").join(id)
}

/// Starts the launched row's process (blocking) and records what the
/// spawner answered, or the failure.
pub fn start(
    conn: &mut DbConn,
    data_dir: &Path,
    now: DateTime<Utc>,
    l: &Launch,
) -> InstanceResult<()> {
    let config = l.row.config();
    let spec = LaunchSpec {
        instance_id: &l.row.id,
        recipe: &l.recipe,
        config: &config,
        workdir: workdir(data_dir, &l.row.id),
    };
    match l.spawner.start(&spec) {
        Ok(launched) => {
            let secrets = json!({
                "secrets": launched.secrets,
                "connection": launched.connection,
            });
            queries::set_started(
                conn,
                &l.row.id,
                &launched.handle.to_string(),
                &launched.open_url,
                &secrets.to_string(),
            )?;
            Ok(())
        }
        Err(e) => {
            let cause = e.to_string();
            tracing::warn!(instance = %l.row.id, error = %cause, "instance did not start");
            conn.write_tx(|conn| {
                queries::set_ended(
                    conn,
                    &l.row.id,
                    &["starting"],
                    InstanceState::Failed,
                    Some(&cause),
                    db_time(now),
                )?;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::InstanceFail, Outcome::Failure)
                        .target("instance", l.row.id.clone())
                        .detail(json!({ "reason": cause })),
                )?;
                Ok::<_, InstanceError>(())
            })
        }
    }
}

// ---- the watcher: starting → running | failed ----

/// One pass over the `starting` instances that have a handle: those that
/// answer become `running` (their usage opens), those that died `failed`,
/// those starting for too long are stopped and `failed`. Compare-and-set
/// transitions: of two replicas, one moves each instance.
pub fn watch_starting(
    conn: &mut DbConn,
    spawners: &Spawners,
    now: DateTime<Utc>,
) -> InstanceResult<usize> {
    let mut moved = 0;
    for row in queries::in_states(conn, &["starting"], None, 200)? {
        let Some(handle) = row.handle() else {
            if utc(row.created_at) + Duration::seconds(START_TIMEOUT_SECS) < now {
                moved += fail(conn, &row, "the spawner never answered", now)?;
            }
            continue;
        };
        let Some(spawner) = spawners.get(&row.spawner_kind) else {
            continue;
        };
        match spawner.health(&handle) {
            Health::Running => {
                let offering =
                    queries::offering(conn, &row.offering_id)?.ok_or(InstanceError::NotFound)?;
                moved += conn.write_tx(|conn| {
                    if queries::set_running(conn, &row.id, db_time(now))? != 1 {
                        return Ok::<_, InstanceError>(0);
                    }
                    queries::open_usage(
                        conn,
                        &UsageRow {
                            id: uuid::Uuid::now_v7().to_string(),
                            instance_id: row.id.clone(),
                            project_id: row.project_id.clone(),
                            offering_id: row.offering_id.clone(),
                            started_at: db_time(now),
                            ended_at: None,
                            price_per_hour_milli: offering.price_per_hour_milli,
                        },
                    )?;
                    Ok(1)
                })?;
            }
            Health::Starting => {
                if utc(row.created_at) + Duration::seconds(START_TIMEOUT_SECS) < now {
                    let _ = spawner.stop(&handle);
                    moved += fail(conn, &row, "did not answer in time", now)?;
                }
            }
            // Stopped on request: whoever stopped it records the end
            // (a deletion, a cancelled order), unless it never does.
            Health::Stopped => {
                if utc(row.created_at) + Duration::seconds(START_TIMEOUT_SECS) < now {
                    moved += fail(conn, &row, "stopped while starting", now)?;
                }
            }
            Health::Failed(why) => moved += fail(conn, &row, &why, now)?,
        }
    }
    Ok(moved)
}

/// Whether an instance is starting (the watcher then looks again soon).
pub fn any_starting(conn: &mut DbConn) -> InstanceResult<bool> {
    Ok(!queries::in_states(conn, &["starting"], None, 1)?.is_empty())
}

fn fail(
    conn: &mut DbConn,
    row: &InstanceRow,
    why: &str,
    now: DateTime<Utc>,
) -> InstanceResult<usize> {
    conn.write_tx(|conn| {
        let n = queries::set_ended(
            conn,
            &row.id,
            &["starting"],
            InstanceState::Failed,
            Some(why),
            db_time(now),
        )?;
        if n == 1 {
            audit::append(
                conn,
                now,
                Event::new(AuditAction::InstanceFail, Outcome::Failure)
                    .target("instance", row.id.clone())
                    .detail(json!({ "reason": why })),
            )?;
        }
        Ok(n)
    })
}

// ---- stop ----

/// Why an instance is stopped, as its audit row says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopReason {
    /// Its owner or a manager deleted it (the name typed again).
    Deleted,
    /// The idle purge.
    Purged,
    /// Its order was cancelled.
    OrderCancelled,
}

impl StopReason {
    fn action(self) -> AuditAction {
        match self {
            StopReason::Deleted => AuditAction::InstanceDelete,
            StopReason::Purged => AuditAction::InstancePurge,
            StopReason::OrderCancelled => AuditAction::InstanceStop,
        }
    }
}

/// Claims `row` for stopping (`stopping`, leased to `worker`): the caller
/// that gets `true` stops it, nobody else.
pub fn claim_stop(
    conn: &mut DbConn,
    row: &InstanceRow,
    worker: &str,
    now: DateTime<Utc>,
) -> InstanceResult<bool> {
    let until = db_time(now + Duration::seconds(STOP_LEASE_SECS));
    Ok(queries::claim_stop(conn, &row.id, worker, until)? == 1)
}

/// Stops the process of a claimed instance (blocking), then records the
/// end: `stopped` (or `failed` when the spawner could not stop it), usage
/// closed, audited; `delete` also marks it deleted (its name is free).
#[allow(clippy::too_many_arguments)]
pub fn finish_stop(
    conn: &mut DbConn,
    spawners: &Spawners,
    now: DateTime<Utc>,
    actor: Option<&Caller>,
    row: &InstanceRow,
    reason: StopReason,
    delete: bool,
) -> InstanceResult<InstanceState> {
    let outcome = match (row.handle(), spawners.get(&row.spawner_kind)) {
        (Some(handle), Some(spawner)) => spawner.stop(&handle).map_err(|e| e.to_string()),
        (None, _) => Ok(()),
        (Some(_), None) => Err(format!("no `{}` spawner here", row.spawner_kind)),
    };
    conn.write_tx(|conn| record_stop(conn, now, actor, row, reason, delete, outcome.err()))
}

/// The record of a stop, inside the caller's transaction.
#[allow(clippy::too_many_arguments)]
fn record_stop(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    actor: Option<&Caller>,
    row: &InstanceRow,
    reason: StopReason,
    delete: bool,
    failure: Option<String>,
) -> InstanceResult<InstanceState> {
    let at = db_time(now);
    let to = if failure.is_some() {
        InstanceState::Failed
    } else {
        InstanceState::Stopped
    };
    queries::set_ended(
        conn,
        &row.id,
        &["stopping", "starting", "running"],
        to,
        failure.as_deref(),
        at,
    )?;
    queries::close_usage(conn, &row.id, at)?;
    if delete {
        queries::mark_deleted(conn, &row.id, at)?;
    }
    let mut event = Event::new(reason.action(), Outcome::Success)
        .target("instance", row.id.clone())
        .detail(json!({
            "name": row.name,
            "project_id": row.project_id,
            "state": to.as_str(),
            "failure": failure,
        }));
    if let Some(c) = actor {
        event = event.actor(c.id()).ctx(&c.ctx);
    }
    audit::append(conn, now, event)?;
    Ok(to)
}

/// Stops every instance of `order` that holds a process (its order was
/// cancelled), inside the caller's transaction: the spawner is called
/// there (a cancel is rare, the stops short). The instances' directories
/// are kept for the policy's grace period (the idle job removes them).
/// Returns how many.
pub fn stop_all_of_order(
    conn: &mut DbConn,
    spawners: &Spawners,
    now: DateTime<Utc>,
    actor: Option<&Caller>,
    order_id: &str,
) -> diesel::QueryResult<usize> {
    let rows = queries::active_of_order(conn, order_id)?;
    let until = db_time(now + Duration::seconds(STOP_LEASE_SECS));
    for row in &rows {
        queries::claim_stop(conn, &row.id, &format!("order-{order_id}"), until)?;
        let outcome = match (row.handle(), spawners.get(&row.spawner_kind)) {
            (Some(handle), Some(spawner)) => spawner.stop(&handle).map_err(|e| e.to_string()),
            (None, _) => Ok(()),
            (Some(_), None) => Err(format!("no `{}` spawner here", row.spawner_kind)),
        };
        record_stop(
            conn,
            now,
            actor,
            row,
            StopReason::OrderCancelled,
            false,
            outcome.err(),
        )
        .map_err(|e| match e {
            InstanceError::Db(e) => e,
            other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
        })?;
    }
    Ok(rows.len())
}

/// Removes an instance's working directory (its data): gone already is
/// fine.
pub fn remove_workdir(data_dir: &Path, id: &str) -> std::io::Result<()> {
    match std::fs::remove_dir_all(workdir(data_dir, id)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

// ---- keep ----

/// Resets the idle clock and clears the notice.
pub fn keep(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    row: &InstanceRow,
) -> InstanceResult<()> {
    conn.write_tx(|conn| {
        let state = queries::find(conn, &row.id)?
            .ok_or(InstanceError::NotFound)?
            .state();
        if !matches!(state, InstanceState::Running | InstanceState::Starting) {
            return Err(InstanceError::WrongState(state));
        }
        queries::keep(conn, &row.id, db_time(now))?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::InstanceKeep, Outcome::Success)
                .actor(caller.id())
                .target("instance", row.id.clone())
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

// ---- saved configurations ----

pub fn save_configuration(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateConfiguration,
) -> InstanceResult<SavedConfiguration> {
    let offering = queries::offering(conn, &req.offering_id)?
        .filter(|o| o.retired_at.is_none())
        .ok_or_else(|| {
            let mut errors = BTreeMap::new();
            errors.insert(
                "offering_id".to_owned(),
                vec![Msg::new("instances-offering-unknown")],
            );
            InstanceError::Invalid(errors)
        })?;
    // What is saved must make a valid configuration once over the defaults.
    effective(&offering, None, Some(&req.config))?;
    conn.write_tx(|conn| {
        let name = req.name.trim();
        if queries::configuration_name_taken(conn, caller.id(), name)? {
            return Err(InstanceError::ConfigurationNameTaken);
        }
        let row = ConfigurationRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: caller.id().to_owned(),
            name: name.to_owned(),
            offering_id: offering.id.clone(),
            config: req.config.to_string(),
            created_at: db_time(now),
        };
        queries::insert_configuration(conn, &row)?;
        Ok(row.view())
    })
}

pub fn delete_configuration(conn: &mut DbConn, caller: &Caller, id: &str) -> InstanceResult<()> {
    let row = queries::configuration(conn, id)?
        .filter(|c| c.user_id == caller.id())
        .ok_or(InstanceError::NotFound)?;
    conn.write_tx(|conn| {
        queries::delete_configuration(conn, &row.id)?;
        Ok(())
    })
}

// ---- reconcile, idle ----

/// The owner of `row`, to write to.
fn owner(conn: &mut DbConn, row: &InstanceRow) -> InstanceResult<Option<users_q::UserRow>> {
    Ok(users_q::find(conn, &row.owner_id)?)
}

/// After a restart (and periodically): running instances whose process is
/// gone become `lost` (usage closed, owner told); stops whose claim
/// expired are finished; starts the spawner never answered are failed.
pub fn reconcile(
    conn: &mut DbConn,
    spawners: &Spawners,
    public_url: &str,
    now: DateTime<Utc>,
) -> InstanceResult<usize> {
    let mut changed = 0;
    let mut after: Option<String> = None;
    loop {
        let rows = queries::in_states(
            conn,
            &["starting", "running", "stopping"],
            after.as_deref(),
            200,
        )?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id.clone());
        for row in rows {
            let spawner = spawners.get(&row.spawner_kind);
            let handle = row.handle();
            match (row.state(), handle, spawner) {
                (InstanceState::Stopping, _, _) => {
                    let expired = row.lease_until.is_none_or(|u| utc(u) < now);
                    if expired {
                        let outcome = match (row.handle(), spawners.get(&row.spawner_kind)) {
                            (Some(h), Some(s)) => s.stop(&h).map_err(|e| e.to_string()),
                            _ => Ok(()),
                        };
                        conn.write_tx(|conn| {
                            record_stop(
                                conn,
                                now,
                                None,
                                &row,
                                StopReason::Deleted,
                                false,
                                outcome.err(),
                            )
                        })?;
                        changed += 1;
                    }
                }
                (InstanceState::Starting, None, _)
                    if utc(row.created_at) + Duration::seconds(START_TIMEOUT_SECS) < now =>
                {
                    changed += fail(conn, &row, "the spawner never answered", now)?;
                }
                (_, Some(h), Some(s)) if !s.alive(&h) => {
                    changed += lose(conn, public_url, now, &row)?;
                }
                // Alive, still starting, or no spawner of this kind here
                // (nothing is known): nothing changes.
                _ => {}
            }
        }
    }
    Ok(changed)
}

fn lose(
    conn: &mut DbConn,
    public_url: &str,
    now: DateTime<Utc>,
    row: &InstanceRow,
) -> InstanceResult<usize> {
    conn.write_tx(|conn| {
        let at = db_time(now);
        let n = queries::set_ended(
            conn,
            &row.id,
            &["starting", "running"],
            InstanceState::Lost,
            Some("the process is gone"),
            at,
        )?;
        if n != 1 {
            return Ok(0);
        }
        queries::close_usage(conn, &row.id, at)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::InstanceLost, Outcome::Failure)
                .target("instance", row.id.clone())
                .detail(json!({ "name": row.name, "project_id": row.project_id })),
        )?;
        if let Some(user) = owner(conn, row)? {
            let link = format!("{}/services/{}", public_url.trim_end_matches('/'), row.id);
            let email = Email::InstanceLost {
                name: &user.display_name(),
                instance: &row.name,
                link: &link,
            };
            mail::queue(conn, now, &Recipient::of(&user), &email)?;
        }
        Ok(1)
    })
}

/// The idle sweep's steps for one pass at `now`, after sampling each
/// running instance's last activity: notice, purge (stop), then removal
/// of the working directory of instances ended `purge_grace_hours` ago.
pub struct IdleOutcome {
    pub noticed: usize,
    pub purged: usize,
    pub removed: usize,
}

/// When `row` was last known busy: its last activity, its keep, its start.
fn idle_since(row: &InstanceRow) -> Option<DateTime<Utc>> {
    [row.last_activity_at, row.kept_at, row.started_at]
        .into_iter()
        .flatten()
        .max()
        .map(utc)
}

/// One pass of the idle purge, inside the job's transaction (the job's
/// lease makes it the only one): sample, notice, purge, remove.
pub fn idle_sweep(
    conn: &mut DbConn,
    policy: &Policy,
    spawners: &Spawners,
    data_dir: &Path,
    public_url: &str,
    worker: &str,
    now: DateTime<Utc>,
) -> InstanceResult<IdleOutcome> {
    let services = &policy.services;
    let notice_after = Duration::hours(i64::from(services.idle_notice_after_hours));
    let purge_after = Duration::hours(i64::from(services.idle_purge_after_hours));
    let grace = Duration::hours(i64::from(services.purge_grace_hours));
    let mut out = IdleOutcome {
        noticed: 0,
        purged: 0,
        removed: 0,
    };
    let mut after: Option<String> = None;
    loop {
        let rows = queries::in_states(conn, &["running"], after.as_deref(), 500)?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id.clone());
        for mut row in rows {
            let (Some(handle), Some(spawner)) = (row.handle(), spawners.get(&row.spawner_kind))
            else {
                continue;
            };
            match spawner.last_activity(&handle) {
                Ok(Some(t)) if row.last_activity_at.is_none_or(|known| utc(known) < t) => {
                    let t = t.min(now);
                    queries::set_activity(conn, &row.id, db_time(t))?;
                    row.last_activity_at = Some(db_time(t));
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(instance = %row.id, error = %e, "last activity unknown");
                }
            }
            let Some(since) = idle_since(&row) else {
                continue;
            };
            if now - since >= purge_after {
                if claim_stop(conn, &row, worker, now)? {
                    let outcome = spawner.stop(&handle).map_err(|e| e.to_string());
                    record_stop(
                        conn,
                        now,
                        None,
                        &row,
                        StopReason::Purged,
                        false,
                        outcome.err(),
                    )?;
                    out.purged += 1;
                }
            } else if now - since >= notice_after
                && row.idle_notice_at.is_none_or(|n| utc(n) < since)
            {
                queries::set_notice(conn, &row.id, db_time(now))?;
                let purge_at = since + purge_after;
                audit::append(
                    conn,
                    now,
                    Event::new(AuditAction::InstanceIdleNotice, Outcome::Success)
                        .target("instance", row.id.clone())
                        .detail(json!({ "idle_since": since, "purge_at": purge_at })),
                )?;
                if let Some(user) = owner(conn, &row)? {
                    let link = format!(
                        "{}/services/{}/keep",
                        public_url.trim_end_matches('/'),
                        row.id
                    );
                    let email = Email::InstanceIdle {
                        name: &user.display_name(),
                        instance: &row.name,
                        link: &link,
                        until: purge_at,
                    };
                    mail::queue(conn, now, &Recipient::of(&user), &email)?;
                }
                out.noticed += 1;
            }
        }
    }
    for row in queries::ended_before(conn, db_time(now - grace), 500)? {
        if queries::mark_deleted(conn, &row.id, db_time(now))? != 1 {
            continue;
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::InstanceRemove, Outcome::Success)
                .target("instance", row.id.clone())
                .detail(json!({ "name": row.name, "project_id": row.project_id })),
        )?;
        remove_workdir(data_dir, &row.id).map_err(|e| InstanceError::Spawner(e.to_string()))?;
        out.removed += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Value {
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "max_connections": { "type": "integer", "minimum": 5, "maximum": 1000, "default": 100 },
                "database": { "type": "string", "default": "research" },
                "extensions": {
                    "type": "object",
                    "properties": { "postgis": { "type": "boolean", "default": false } }
                },
                "users": { "type": "array", "items": { "type": "string", "minLength": 1 } }
            }
        })
    }

    #[test]
    fn defaults_then_saved_then_asked() {
        let d = defaults(&schema());
        assert_eq!(
            d,
            json!({ "max_connections": 100, "database": "research", "extensions": { "postgis": false } })
        );
        let merged = merge(
            &merge(&d, &json!({ "max_connections": 200 })),
            &json!({ "extensions": { "postgis": true } }),
        );
        assert_eq!(merged["max_connections"], 200);
        assert_eq!(merged["database"], "research");
        assert_eq!(merged["extensions"]["postgis"], true);
        assert!(validate(&schema(), &merged).is_ok());
    }

    #[test]
    fn schema_errors_name_their_paths() {
        let bad = json!({ "max_connections": 5000, "users": ["ok", ""], "extra": 1 });
        let Err(InstanceError::Invalid(errors)) = validate(&schema(), &bad) else {
            panic!("refused");
        };
        assert!(errors.contains_key("config.max_connections"), "{errors:?}");
        assert!(errors.contains_key("config.users[1]"), "{errors:?}");
        assert!(errors.contains_key("config"), "{errors:?}");
        assert_eq!(field_of("/a~1b/0/c"), "config.a/b[0].c");
    }

    #[test]
    fn remote_refs_are_not_followed() {
        let remote = json!({ "$ref": "http://127.0.0.1:9/schema.json" });
        assert!(validate(&remote, &json!({})).is_err());
    }

    #[test]
    fn hours_and_costs() {
        let t0 = Utc::now();
        assert!((hours(t0, t0 + Duration::minutes(90)) - 1.5).abs() < 1e-9);
        assert_eq!(hours(t0, t0 - Duration::hours(1)), 0.0);
        let rows = [UsageRow {
            id: "u".into(),
            instance_id: "i".into(),
            project_id: "p".into(),
            offering_id: "o".into(),
            started_at: db_time(t0),
            ended_at: Some(db_time(t0 + Duration::hours(2))),
            price_per_hour_milli: 250,
        }];
        assert!((cost(&rows, t0 + Duration::hours(10)) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn secrets_are_masked() {
        let stored = json!({ "secrets": { "token": "abcdef123456" } }).to_string();
        assert_eq!(
            mask_secrets("http://x/lab?token=abcdef123456", Some(&stored)),
            "http://x/lab?token=********"
        );
        assert_eq!(mask_secrets("plain", None), "plain");
    }
}
