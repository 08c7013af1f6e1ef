//! Diesel over `datasets` and `files`: named rows and statements. No rule
//! here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{DatasetView, FileView};

use crate::clock::utc;
use crate::db::schema::{datasets, files, uploads};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = datasets)]
pub struct DatasetRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl DatasetRow {
    /// The name alone (those who see the project's name only).
    pub fn name_view(&self) -> DatasetView {
        DatasetView {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            name: self.name.clone(),
            names_only: true,
            description: None,
            created_by: None,
            created_at: None,
        }
    }

    pub fn view(&self) -> DatasetView {
        DatasetView {
            names_only: false,
            description: Some(self.description.clone()),
            created_by: Some(self.created_by.clone()),
            created_at: Some(utc(self.created_at)),
            ..self.name_view()
        }
    }
}

#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = files)]
pub struct FileRow {
    pub id: String,
    pub dataset_id: String,
    pub project_id: String,
    pub path: String,
    pub size: i64,
    pub sha256: String,
    pub content_type: String,
    pub object_key: String,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
}

impl FileRow {
    pub fn size(&self) -> u64 {
        u64::try_from(self.size).unwrap_or(0)
    }

    pub fn view(&self) -> FileView {
        FileView {
            id: self.id.clone(),
            dataset_id: self.dataset_id.clone(),
            path: self.path.clone(),
            size: self.size(),
            sha256: self.sha256.clone(),
            content_type: self.content_type.clone(),
            uploaded_by: self.uploaded_by.clone(),
            uploaded_at: utc(self.uploaded_at),
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<DatasetRow>> {
    datasets::table
        .find(id)
        .select(DatasetRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert(conn: &mut DbConn, row: &DatasetRow) -> QueryResult<usize> {
    diesel::insert_into(datasets::table)
        .values(row)
        .execute(conn)
}

pub fn name_taken(
    conn: &mut DbConn,
    project: &str,
    name: &str,
    except: Option<&str>,
) -> QueryResult<bool> {
    let ids: Vec<String> = datasets::table
        .filter(datasets::project_id.eq(project))
        .filter(datasets::name.eq(name))
        .select(datasets::id)
        .load(conn)?;
    Ok(ids.iter().any(|id| Some(id.as_str()) != except))
}

pub fn rename(
    conn: &mut DbConn,
    id: &str,
    name: &str,
    description: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(datasets::table.find(id))
        .set((
            datasets::name.eq(name),
            datasets::description.eq(description),
            datasets::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(datasets::table.find(id)).execute(conn)
}

/// The datasets of `project`, by id, after the cursor's id.
pub fn page(
    conn: &mut DbConn,
    project: &str,
    after: Option<&str>,
    fetch: i64,
) -> QueryResult<Vec<DatasetRow>> {
    let mut q = datasets::table
        .filter(datasets::project_id.eq(project))
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(datasets::id.gt(a.to_owned()));
    }
    q.order(datasets::id.asc())
        .limit(fetch)
        .select(DatasetRow::as_select())
        .load(conn)
}

pub fn has_files(conn: &mut DbConn, dataset: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        files::table.filter(files::dataset_id.eq(dataset)),
    ))
    .get_result(conn)
}

/// Whether resumable uploads into `dataset` are in progress.
pub fn has_uploads(conn: &mut DbConn, dataset: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        uploads::table.filter(uploads::dataset_id.eq(dataset)),
    ))
    .get_result(conn)
}

pub fn file(conn: &mut DbConn, id: &str) -> QueryResult<Option<FileRow>> {
    files::table
        .find(id)
        .select(FileRow::as_select())
        .first(conn)
        .optional()
}

pub fn file_at(conn: &mut DbConn, dataset: &str, path: &str) -> QueryResult<Option<FileRow>> {
    files::table
        .filter(files::dataset_id.eq(dataset))
        .filter(files::path.eq(path))
        .select(FileRow::as_select())
        .first(conn)
        .optional()
}

/// The files of `dataset` by path (under `prefix` if given), after the
/// cursor's path.
pub fn files_page(
    conn: &mut DbConn,
    dataset: &str,
    prefix: Option<&str>,
    after: Option<&str>,
    fetch: i64,
) -> QueryResult<Vec<FileRow>> {
    let mut q = files::table
        .filter(files::dataset_id.eq(dataset))
        .into_boxed();
    if let Some(p) = prefix {
        // Paths never hold `%`, `_` or `\` as wildcards: escape them.
        let escaped = p
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q = q.filter(files::path.like(format!("{escaped}%")).escape('\\'));
    }
    if let Some(a) = after {
        q = q.filter(files::path.gt(a.to_owned()));
    }
    q.order(files::path.asc())
        .limit(fetch)
        .select(FileRow::as_select())
        .load(conn)
}

/// Every file of `dataset` by path (the manifest).
pub fn all_files(conn: &mut DbConn, dataset: &str) -> QueryResult<Vec<(String, String)>> {
    files::table
        .filter(files::dataset_id.eq(dataset))
        .order(files::path.asc())
        .select((files::sha256, files::path))
        .load(conn)
}

/// Bytes stored by every dataset of `project`.
pub fn project_usage(conn: &mut DbConn, project: &str) -> QueryResult<u64> {
    Ok(usage(conn, project)?.1)
}

/// `(files, bytes)` of a project, summed by the database. `SUM(BIGINT)`
/// is NUMERIC on PostgreSQL, hence the cast (portable to SQLite).
pub fn usage(conn: &mut DbConn, project: &str) -> QueryResult<(u64, u64)> {
    let (n, bytes): (i64, i64) = files::table
        .filter(files::project_id.eq(project))
        .select((
            diesel::dsl::count_star(),
            diesel::dsl::sql::<diesel::sql_types::BigInt>("CAST(COALESCE(SUM(size), 0) AS BIGINT)"),
        ))
        .first(conn)?;
    Ok((
        u64::try_from(n).unwrap_or(0),
        u64::try_from(bytes).unwrap_or(0),
    ))
}

/// Bytes the project's unexpired uploads other than `except` will bring:
/// their length, or what they received while it is deferred.
pub fn reserved(
    conn: &mut DbConn,
    project: &str,
    except: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<u64> {
    let mut q = uploads::table
        .filter(uploads::project_id.eq(project))
        .filter(uploads::expires_at.gt(now))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(uploads::id.ne(id.to_owned()));
    }
    let rows: Vec<(Option<i64>, i64)> =
        q.select((uploads::length, uploads::received)).load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(l, r)| u64::try_from(l.unwrap_or(r)).unwrap_or(0))
        .sum())
}

pub fn dataset_count(conn: &mut DbConn, project: &str) -> QueryResult<u64> {
    let n: i64 = datasets::table
        .filter(datasets::project_id.eq(project))
        .count()
        .get_result(conn)?;
    Ok(u64::try_from(n).unwrap_or(0))
}

pub fn insert_file(conn: &mut DbConn, row: &FileRow) -> QueryResult<usize> {
    diesel::insert_into(files::table).values(row).execute(conn)
}

pub fn delete_file(conn: &mut DbConn, id: &str) -> QueryResult<usize> {
    diesel::delete(files::table.find(id)).execute(conn)
}
