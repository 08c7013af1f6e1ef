//! The catalog rules (SPEC §6): an offering's id is a slug never reused
//! (retired offerings keep theirs, so existing orders and instances still
//! name them); its schema compiles offline and its README template
//! compiles; a retired offering is neither listed nor orderable. Each
//! change runs in one transaction with its audit row; the caller has
//! already been authorised.

use chrono::{DateTime, Utc};
use habilis_shared::dto::{CreateOffering, SpawnerSpec, UpdateOffering};
use habilis_shared::i18n::Msg;
use serde_json::json;

use super::file::check_offering;
use super::queries::{self, OfferingRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};

/// What a catalog rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("an offering with this id exists (retired ones included)")]
    IdTaken,
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("no such offering")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<CatalogError> for ApiError {
    fn from(e: CatalogError) -> Self {
        match e {
            CatalogError::IdTaken => {
                ApiError::conflict(ProblemType::NameTaken, Msg::new("catalog-id-taken"))
            }
            CatalogError::Invalid { field, message } => ApiError::field(
                &field,
                Msg::new("catalog-field-invalid").arg("detail", message),
            ),
            CatalogError::NotFound => ApiError::not_found(),
            CatalogError::Db(e) => e.into(),
        }
    }
}

pub type CatalogResult<T> = Result<T, CatalogError>;

fn invalid((field, message): (String, String)) -> CatalogError {
    CatalogError::Invalid { field, message }
}

/// The row an offering request describes, created or changed at `at`.
fn row_of(o: &CreateOffering, at: chrono::NaiveDateTime) -> OfferingRow {
    OfferingRow {
        id: o.id.clone(),
        name: o.name.trim().to_owned(),
        category: o.category.trim().to_owned(),
        description: o.description.trim().to_owned(),
        config_schema: o.config_schema.to_string(),
        readme_template: o.readme_template.clone(),
        price_per_hour_milli: queries::milli(o.price_per_hour),
        unit: o.unit.trim().to_owned(),
        spawner_kind: o.spawner.kind.clone(),
        spawner_recipe: o.spawner.recipe.clone(),
        limits: serde_json::to_string(&o.limits).unwrap_or_else(|_| "{}".to_owned()),
        created_at: at,
        updated_at: at,
        retired_at: None,
    }
}

/// An existing row as the request it would be (to apply a PATCH to).
fn request_of(row: &OfferingRow) -> CreateOffering {
    CreateOffering {
        id: row.id.clone(),
        name: row.name.clone(),
        category: row.category.clone(),
        description: row.description.clone(),
        config_schema: row.schema(),
        readme_template: row.readme_template.clone(),
        price_per_hour: row.price_per_hour(),
        unit: row.unit.clone(),
        spawner: SpawnerSpec {
            kind: row.spawner_kind.clone(),
            recipe: row.spawner_recipe.clone(),
        },
        limits: row.limits(),
    }
}

/// Adds an offering (admin).
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateOffering,
) -> CatalogResult<OfferingRow> {
    check_offering(req).map_err(invalid)?;
    conn.write_tx(|conn| {
        if queries::exists(conn, &req.id)? {
            return Err(CatalogError::IdTaken);
        }
        let row = row_of(req, db_time(now));
        queries::insert(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::CatalogCreate, Outcome::Success)
                .actor(caller.id())
                .target("offering", row.id.clone())
                .detail(json!({ "name": row.name, "spawner": row.spawner_kind }))
                .ctx(&caller.ctx),
        )?;
        Ok(row)
    })
}

/// Changes what is sent of a live offering (admin); the result is checked
/// as a new offering would be.
pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
    req: &UpdateOffering,
) -> CatalogResult<OfferingRow> {
    conn.write_tx(|conn| {
        let old = queries::find_live(conn, id)?.ok_or(CatalogError::NotFound)?;
        let mut next = request_of(&old);
        let mut changed: Vec<&str> = Vec::new();
        macro_rules! take {
            ($field:ident) => {
                if let Some(v) = &req.$field {
                    next.$field = v.clone();
                    changed.push(stringify!($field));
                }
            };
        }
        take!(name);
        take!(category);
        take!(description);
        take!(config_schema);
        take!(readme_template);
        take!(price_per_hour);
        take!(unit);
        take!(spawner);
        take!(limits);
        check_offering(&next).map_err(invalid)?;
        let mut row = row_of(&next, old.created_at);
        row.updated_at = db_time(now);
        queries::replace(conn, &row)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::CatalogUpdate, Outcome::Success)
                .actor(caller.id())
                .target("offering", row.id.clone())
                .detail(json!({ "fields": changed }))
                .ctx(&caller.ctx),
        )?;
        Ok(row)
    })
}

/// Retires a live offering (admin): no longer listed nor orderable; its
/// orders and instances keep working.
pub fn retire(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
) -> CatalogResult<()> {
    conn.write_tx(|conn| {
        if !queries::retire(conn, id, db_time(now))? {
            return Err(CatalogError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::CatalogDelete, Outcome::Success)
                .actor(caller.id())
                .target("offering", id.to_owned())
                .ctx(&caller.ctx),
        )?;
        Ok(())
    })
}

/// At start: adds the offerings of the catalog file whose id the database
/// does not have (retired ones included), each audited; leaves the others
/// as the API made them. Another replica seeding at the same moment adds
/// each at most once. Returns the ids added.
pub fn seed(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    offerings: &[CreateOffering],
) -> CatalogResult<Vec<String>> {
    let mut added = Vec::new();
    for o in offerings {
        let inserted = conn.write_tx(|conn| -> CatalogResult<bool> {
            if queries::exists(conn, &o.id)? {
                return Ok(false);
            }
            let row = row_of(o, db_time(now));
            queries::insert(conn, &row)?;
            audit::append(
                conn,
                now,
                Event::new(AuditAction::CatalogSeed, Outcome::Success)
                    .target("offering", row.id.clone())
                    .detail(json!({ "name": row.name, "spawner": row.spawner_kind })),
            )?;
            Ok(true)
        });
        match inserted {
            Ok(true) => added.push(o.id.clone()),
            Ok(false) => {}
            // A replica inserted it between our look and our insert.
            Err(CatalogError::Db(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ))) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(added)
}
