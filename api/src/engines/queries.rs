//! Diesel over `engines` and `engine_versions`: named rows and
//! statements. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{EngineInput, EngineResources, EngineView};

use crate::clock::utc;
use crate::db::schema::{engine_versions, engines};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = engines)]
pub struct EngineRow {
    pub id: String,
    pub version: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

/// One version of an engine: everything a job needs to run it.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = engine_versions)]
pub struct EngineVersionRow {
    pub engine_id: String,
    pub version: i64,
    pub name: String,
    pub description: String,
    pub command: String,
    pub parameters: String,
    pub inputs: String,
    pub timeout_secs: i64,
    pub cpus: i64,
    pub memory_mb: i64,
    pub created_by: String,
    pub created_at: NaiveDateTime,
}

impl EngineVersionRow {
    pub fn command(&self) -> Vec<String> {
        serde_json::from_str(&self.command).unwrap_or_default()
    }

    pub fn parameters(&self) -> serde_json::Value {
        serde_json::from_str(&self.parameters).unwrap_or_else(|_| serde_json::json!({}))
    }

    pub fn inputs(&self) -> Vec<EngineInput> {
        serde_json::from_str(&self.inputs).unwrap_or_default()
    }

    pub fn resources(&self) -> EngineResources {
        EngineResources {
            cpus: u32::try_from(self.cpus).unwrap_or(1),
            memory_mb: u32::try_from(self.memory_mb).unwrap_or(1024),
        }
    }

    /// The view of this version of `engine`; the caller's rights are
    /// filled in by the route.
    pub fn view(&self, engine: &EngineRow) -> EngineView {
        EngineView {
            id: engine.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            version: u32::try_from(self.version).unwrap_or(0),
            command: self.command(),
            parameters: self.parameters(),
            inputs: self.inputs(),
            timeout_secs: u32::try_from(self.timeout_secs).unwrap_or(0),
            resources: self.resources(),
            created_by: engine.created_by.clone(),
            created_at: utc(engine.created_at),
            updated_at: utc(engine.updated_at),
            can_run: false,
            can_modify: false,
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<EngineRow>> {
    engines::table
        .find(id)
        .select(EngineRow::as_select())
        .first(conn)
        .optional()
}

/// An engine not retired, with its current version.
pub fn find_live(
    conn: &mut DbConn,
    id: &str,
) -> QueryResult<Option<(EngineRow, EngineVersionRow)>> {
    engines::table
        .inner_join(
            engine_versions::table.on(engine_versions::engine_id
                .eq(engines::id)
                .and(engine_versions::version.eq(engines::version))),
        )
        .filter(engines::id.eq(id))
        .filter(engines::retired_at.is_null())
        .select((EngineRow::as_select(), EngineVersionRow::as_select()))
        .first(conn)
        .optional()
}

/// One version of an engine (retired or not).
pub fn version(conn: &mut DbConn, id: &str, version: i64) -> QueryResult<Option<EngineVersionRow>> {
    engine_versions::table
        .find((id, version))
        .select(EngineVersionRow::as_select())
        .first(conn)
        .optional()
}

/// A page of live engines with their current versions, by id (creation
/// order: ids are UUIDv7), after the id given.
pub fn page(
    conn: &mut DbConn,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<(EngineRow, EngineVersionRow)>> {
    let mut q = engines::table
        .inner_join(
            engine_versions::table.on(engine_versions::engine_id
                .eq(engines::id)
                .and(engine_versions::version.eq(engines::version))),
        )
        .filter(engines::retired_at.is_null())
        .order(engines::id.asc())
        .limit(limit)
        .select((EngineRow::as_select(), EngineVersionRow::as_select()))
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(engines::id.gt(after.to_owned()));
    }
    q.load(conn)
}

pub fn insert(conn: &mut DbConn, engine: &EngineRow, v: &EngineVersionRow) -> QueryResult<()> {
    diesel::insert_into(engines::table)
        .values(engine)
        .execute(conn)?;
    diesel::insert_into(engine_versions::table)
        .values(v)
        .execute(conn)?;
    Ok(())
}

/// Adds version `v` and makes it current, if the engine is still at
/// `v.version - 1` (a concurrent change loses and is told so).
pub fn add_version(conn: &mut DbConn, v: &EngineVersionRow) -> QueryResult<bool> {
    let moved = diesel::update(
        engines::table
            .filter(engines::id.eq(&v.engine_id))
            .filter(engines::version.eq(v.version - 1))
            .filter(engines::retired_at.is_null()),
    )
    .set((
        engines::version.eq(v.version),
        engines::updated_at.eq(v.created_at),
    ))
    .execute(conn)?;
    if moved == 0 {
        return Ok(false);
    }
    diesel::insert_into(engine_versions::table)
        .values(v)
        .execute(conn)?;
    Ok(true)
}

pub fn retire(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(
        engines::table
            .filter(engines::id.eq(id))
            .filter(engines::retired_at.is_null()),
    )
    .set((engines::retired_at.eq(at), engines::updated_at.eq(at)))
    .execute(conn)
    .map(|n| n == 1)
}
