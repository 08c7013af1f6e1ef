//! Diesel over `offerings`: named rows and statements. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{Offering, OfferingLimits, SpawnerSpec};

use crate::db::schema::offerings;
use crate::db::DbConn;
use crate::spawners::Spawners;

#[derive(Queryable, Selectable, Insertable, AsChangeset, Debug, Clone)]
#[diesel(table_name = offerings, treat_none_as_null = true)]
pub struct OfferingRow {
    pub id: String,
    pub name: String,
    pub category: String,
    pub description: String,
    /// JSON.
    pub config_schema: String,
    pub readme_template: String,
    /// Thousandths of `unit` per instance-hour.
    pub price_per_hour_milli: i64,
    pub unit: String,
    pub spawner_kind: String,
    pub spawner_recipe: Option<String>,
    /// JSON `{max_per_user?, max_per_project?}`.
    pub limits: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub retired_at: Option<NaiveDateTime>,
}

/// Thousandths of a unit from a price (validated finite, 0–1,000,000).
pub fn milli(price: f64) -> i64 {
    // In range by validation: the cast neither wraps nor saturates.
    (price * 1000.0).round() as i64
}

/// A price from thousandths of a unit.
pub fn from_milli(milli: i64) -> f64 {
    // Prices stay far below 2^53 thousandths.
    milli as f64 / 1000.0
}

impl OfferingRow {
    pub fn schema(&self) -> serde_json::Value {
        serde_json::from_str(&self.config_schema).unwrap_or(serde_json::Value::Null)
    }

    pub fn limits(&self) -> OfferingLimits {
        serde_json::from_str(&self.limits).unwrap_or_default()
    }

    pub fn price_per_hour(&self) -> f64 {
        from_milli(self.price_per_hour_milli)
    }

    /// As the API shows it: `available` when one of this server's
    /// spawners runs it here (its kind, its recipe, its tools installed).
    pub fn view(&self, spawners: &Spawners) -> Offering {
        Offering {
            id: self.id.clone(),
            name: self.name.clone(),
            category: self.category.clone(),
            description: self.description.clone(),
            config_schema: self.schema(),
            readme_template: self.readme_template.clone(),
            price_per_hour: self.price_per_hour(),
            unit: self.unit.clone(),
            spawner: SpawnerSpec {
                kind: self.spawner_kind.clone(),
                recipe: self.spawner_recipe.clone(),
            },
            limits: self.limits(),
            available: spawners.runs(&self.spawner_kind, self.spawner_recipe.as_deref()),
        }
    }
}

/// An offering, retired or not.
pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OfferingRow>> {
    offerings::table
        .find(id)
        .select(OfferingRow::as_select())
        .first(conn)
        .optional()
}

/// An offering still in the catalog (not retired).
pub fn find_live(conn: &mut DbConn, id: &str) -> QueryResult<Option<OfferingRow>> {
    offerings::table
        .find(id)
        .filter(offerings::retired_at.is_null())
        .select(OfferingRow::as_select())
        .first(conn)
        .optional()
}

/// Whether an offering of this id exists, retired or not.
pub fn exists(conn: &mut DbConn, id: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(offerings::table.find(id))).get_result(conn)
}

/// A page of the catalog (offerings not retired), by category then id,
/// after the (category, id) given.
pub fn page(
    conn: &mut DbConn,
    after: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<OfferingRow>> {
    let mut q = offerings::table
        .filter(offerings::retired_at.is_null())
        .order((offerings::category.asc(), offerings::id.asc()))
        .limit(limit)
        .select(OfferingRow::as_select())
        .into_boxed();
    if let Some((category, id)) = after {
        q = q.filter(
            offerings::category
                .gt(category.to_owned())
                .or(offerings::category
                    .eq(category.to_owned())
                    .and(offerings::id.gt(id.to_owned()))),
        );
    }
    q.load(conn)
}

pub fn insert(conn: &mut DbConn, row: &OfferingRow) -> QueryResult<usize> {
    diesel::insert_into(offerings::table)
        .values(row)
        .execute(conn)
}

/// Writes every column of `row` (its id and creation time unchanged).
pub fn replace(conn: &mut DbConn, row: &OfferingRow) -> QueryResult<usize> {
    diesel::update(offerings::table.find(&row.id))
        .set(row)
        .execute(conn)
}

/// Retires a live offering; `false` when there was none.
pub fn retire(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        offerings::table
            .find(id)
            .filter(offerings::retired_at.is_null()),
    )
    .set((
        offerings::retired_at.eq(Some(at)),
        offerings::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// The names of the offerings `ids`, retired or not, in one statement.
pub fn names(
    conn: &mut DbConn,
    ids: &[String],
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = offerings::table
        .filter(offerings::id.eq_any(ids))
        .select((offerings::id, offerings::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
