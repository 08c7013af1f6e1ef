//! `/api/v1/projects/{id}/datasets`, `/api/v1/datasets*`, `/api/v1/files*`:
//! HTTP only. Each handler parses, authorises once (through
//! [`dataset_for`] or [`file_for`] and one [`Authz`] question) and hands
//! over to [`service`]; file bytes stream between the connection and the
//! storage on the blocking pool, never whole in memory.

use actix_web::http::header;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use habilis_shared::dto::{
    CreateDataset, DataClass, DatasetPage, DatasetView, FilePage, FileQuery, FileView, PageQuery,
    Problem, ProjectUsage, UpdateDataset, UsageQuery,
};
use habilis_shared::policy::Action;
use serde_json::json;
use validator::Validate;

use super::queries::{self, DatasetRow, FileRow};
use super::service::{self, Arrived, DatasetError, Limits};
use super::{dataset_for, file_for};
use crate::activity;
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::{Caller, CallerToken};
use crate::clock::db_time;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::projects::project_for;
use crate::state::AppState;
use crate::storage::stream;

fn header_str(req: &HttpRequest, name: header::HeaderName) -> Option<&str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The datasets of a project I know of (operators: names only).
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/datasets", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), PageQuery),
    responses(
        (status = 200, description = "A page of datasets", body = DatasetPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_datasets(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<DatasetPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let (p, res) = project_for(conn, &st, &caller, &id, Action::ProjectReadName)?;
            let whole = Authz::new(&st, &caller)
                .require(Action::DatasetRead, res)
                .allows();
            let rows = queries::page(conn, &p.id, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.id.clone()]);
            Ok(DatasetPage {
                items: rows
                    .iter()
                    .map(|r| if whole { r.view() } else { r.name_view() })
                    .collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// What the project stores: datasets, files and bytes, beside its quota
/// and the per-file limit; and what its services ran in a window
/// (instance-hours × the price at the time, per offering; `?from=&to=`,
/// RFC 3339, by default this month so far). Those who read the project.
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/usage", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), UsageQuery),
    responses(
        (status = 200, description = "The project's storage and service use", body = ProjectUsage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sees the project's name only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` is not an RFC 3339 instant, or `to` is not after `from`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn project_usage(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<UsageQuery>,
) -> ApiResult<web::Json<ProjectUsage>> {
    let st = state.clone();
    let usage = state
        .db_as(caller, move |conn, caller| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectRead)?;
            let q = query.into_inner();
            let now = st.now();
            let (from, to) =
                crate::instances::usage::window(q.from.as_deref(), q.to.as_deref(), now)?;
            let services = crate::instances::usage::summary(conn, &p.id, from, to, now)?;
            let (files, bytes_stored) = queries::usage(conn, &p.id)?;
            Ok(ProjectUsage {
                datasets: queries::dataset_count(conn, &p.id)?,
                files,
                bytes_stored,
                quota_bytes: st.policy.organizations.project_quota_bytes,
                max_file_bytes: st.policy.organizations.max_file_bytes,
                project_id: p.id,
                from: Some(from),
                to: Some(to),
                instance_hours: services.instance_hours,
                cost: services.cost,
                unit: services.unit,
                services: services.services,
            })
        })
        .await?;
    Ok(web::Json(usage))
}

/// Create a dataset in an active project (the organisation's managers and
/// the project's owner).
#[utoipa::path(
    post, path = "/api/v1/projects/{id}/datasets", tag = "datasets", request_body = CreateDataset, security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id")),
    responses(
        (status = 201, description = "Created", body = DatasetView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active, or has a dataset of this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_dataset(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<CreateDataset>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (p, _) = project_for(conn, &st, &caller, &id, Action::DatasetManage)?;
            Ok(service::create(conn, st.now(), &caller, &p.id, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/datasets/{}", view.id)))
        .json(view))
}

/// One dataset I know of (operators: its name only).
#[utoipa::path(
    get, path = "/api/v1/datasets/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Dataset id")),
    responses(
        (status = 200, description = "The dataset", body = DatasetView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_dataset(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<DatasetView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (ds, _, res) = dataset_for(conn, &st, &caller, &id, None)?;
            let whole = Authz::new(&st, &caller)
                .require(Action::DatasetRead, res)
                .allows();
            Ok(if whole { ds.view() } else { ds.name_view() })
        })
        .await?;
    Ok(web::Json(view))
}

/// Rename a dataset or change its description (active projects).
#[utoipa::path(
    patch, path = "/api/v1/datasets/{id}", tag = "datasets", request_body = UpdateDataset, security(("bearer" = [])),
    params(("id" = String, Path, description = "Dataset id")),
    responses(
        (status = 200, description = "The dataset", body = DatasetView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active, or has a dataset of this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn update_dataset(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<UpdateDataset>,
) -> ApiResult<web::Json<DatasetView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let (ds, _, _) = dataset_for(conn, &st, &caller, &id, Some(Action::DatasetManage))?;
            Ok(service::update(conn, st.now(), &caller, &ds, &req)?)
        })
        .await?;
    Ok(web::Json(view))
}

/// Delete an empty dataset (active projects).
#[utoipa::path(
    delete, path = "/api/v1/datasets/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Dataset id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active, or the dataset still has files", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_dataset(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            let (ds, _, _) = dataset_for(conn, &st, &caller, &id, Some(Action::DatasetManage))?;
            Ok(service::delete(conn, st.now(), &caller, &ds)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The files of a dataset I read, by path (`?prefix=` keeps those under it).
#[utoipa::path(
    get, path = "/api/v1/datasets/{id}/files", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Dataset id"), FileQuery),
    responses(
        (status = 200, description = "A page of files", body = FilePage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (operators: names only)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_files(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<FileQuery>,
) -> ApiResult<web::Json<FilePage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            let (ds, _, _) = dataset_for(conn, &st, &caller, &id, Some(Action::DatasetRead))?;
            let rows = queries::files_page(
                conn,
                &ds.id,
                q.prefix.as_deref().filter(|p| !p.is_empty()),
                keys.key(0),
                keys.fetch(),
            )?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.path.clone()]);
            Ok(FilePage {
                items: rows.iter().map(FileRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// `sha256sum -c` input for the dataset: one `<hex>  <path>` line per file.
#[utoipa::path(
    get, path = "/api/v1/datasets/{id}/manifest.sha256", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "Dataset id")),
    responses(
        (status = 200, description = "The manifest", body = String, content_type = "text/plain"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (operators: names only)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn manifest(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let text = state
        .db_as(caller, move |conn, caller| {
            let (ds, _, _) = dataset_for(conn, &st, &caller, &id, Some(Action::DatasetRead))?;
            let mut out = String::new();
            for (sha, path) in queries::all_files(conn, &ds.id)? {
                out.push_str(&sha);
                out.push_str("  ");
                out.push_str(&path);
                out.push('\n');
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text))
}

/// What the upload handler learnt before the bytes come.
struct Upload {
    ds: DatasetRow,
    path: String,
    limits: Limits,
}

/// Upload a whole file in one request (`curl -T file URL`), streamed to
/// the storage with its SHA-256 computed on the way. `Repr-Digest:
/// sha-256=:<base64>:` (or `Digest: sha-256=<base64>`) names the digest
/// expected: another one discards the file (422). The same path again
/// replaces the file (200). The file must fit the policy's per-file limit
/// and the project's quota (413 `quota_exceeded`), checked from
/// `Content-Length` before anything is stored and again as bytes arrive.
#[utoipa::path(
    put, path = "/api/v1/datasets/{id}/files/{path}", tag = "datasets", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Dataset id"),
        ("path" = String, Path, description = "Relative path of the file in the dataset (`raw/run-01.fastq.gz`)"),
        ("Repr-Digest" = Option<String>, Header, description = "`sha-256=:<base64>:`: the digest the content must have"),
        ("Digest" = Option<String>, Header, description = "`sha-256=<base64>` (RFC 3230), when `Repr-Digest` is absent"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 200, description = "Replaced the file at this path", body = FileView),
        (status = 201, description = "Stored", body = FileView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such dataset, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`quota_exceeded`: over the per-file limit or the project's quota (`quota` says the use and the limit)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid path, malformed or mismatching digest", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_file(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    params: web::Path<(String, String)>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let (id, raw_path) = params.into_inner();
    let expected = service::expected_digest(
        header_str(&req, header::HeaderName::from_static("repr-digest")),
        header_str(&req, header::HeaderName::from_static("digest")),
    );
    let declared = stream::declared_length(&req);
    let content_type = stream::content_type(&req);
    let st = state.clone();
    let who = caller.clone();
    let up = state
        .db(move |conn| {
            let (ds, _, _) = dataset_for(conn, &st, &who, &id, Some(Action::FileUpload))?;
            let path = service::normalise_path(&raw_path)?;
            service::check_active(conn, &ds.project_id)?;
            let limits = service::limits(conn, &st.policy, &ds, &path, None, st.now())?;
            if let Some(n) = declared {
                limits.check(n)?;
            }
            Ok(Upload { ds, path, limits })
        })
        .await?;
    let expected = expected.map_err(ApiError::from)?;
    let store = state.storage.clone();
    let file_id = uuid::Uuid::now_v7().to_string();
    let limits = up.limits;
    let (temp, size, digest) = stream::receive(store.clone(), file_id.clone(), payload, move |n| {
        limits.check(n).map_err(ApiError::from)
    })
    .await?;
    if expected.is_some_and(|e| e != digest) {
        drop(temp);
        return Err(DatasetError::DigestMismatch.into());
    }
    let arrived = Arrived {
        row: FileRow {
            id: file_id.clone(),
            dataset_id: up.ds.id.clone(),
            project_id: up.ds.project_id.clone(),
            path: up.path.clone(),
            size: i64::try_from(size).unwrap_or(i64::MAX),
            sha256: hex::encode(digest),
            content_type,
            object_key: file_id.clone(),
            uploaded_by: caller.id().to_owned(),
            uploaded_at: db_time(state.now()),
        },
    };
    web::block(move || temp.commit())
        .await?
        .map_err(DatasetError::from)?;
    let st = state.clone();
    let ds = up.ds.clone();
    let recorded = state
        .db(move |conn| {
            Ok(service::record_file(
                conn,
                st.now(),
                &caller,
                &st.policy,
                &ds,
                &arrived,
            )?)
        })
        .await;
    let (view, replaced) = match recorded {
        Ok(r) => r,
        Err(e) => {
            // Nothing left behind: the committed object goes too.
            let store = store.clone();
            let _ = web::block(move || store.delete(&file_id)).await;
            return Err(e);
        }
    };
    if let Some(old) = &replaced {
        let old = old.clone();
        let _ = web::block(move || store.delete(&old)).await;
    }
    let mut res = if replaced.is_some() {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(res
        .insert_header(("Location", format!("/api/v1/files/{}", view.id)))
        .json(view))
}

/// What the download handler decided.
enum Download {
    /// `If-None-Match` names this content.
    NotModified(String),
    Send {
        file: Box<FileRow>,
        range: Option<(u64, u64)>,
    },
}

/// The content of a file (`Range: bytes=…` for one part of it: 206),
/// streamed. `ETag` is the SHA-256; `If-None-Match` answers 304. Every
/// download and every refused download is written to my activity log and
/// to the audit log (with the digest for `hds` projects).
#[utoipa::path(
    get, path = "/api/v1/files/{id}/content", tag = "datasets", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "File id"),
        ("Range" = Option<String>, Header, description = "`bytes=<start>-<end>`, one range"),
        ("If-None-Match" = Option<String>, Header, description = "An `ETag` already held"),
    ),
    responses(
        (status = 200, description = "The content", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 206, description = "The range asked for", body = Vec<u8>, content_type = "application/octet-stream"),
        (status = 304, description = "Not modified"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses (organisation role, profile's `data.download`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range lies outside the file", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn download_file(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let head = req.method() == actix_web::http::Method::HEAD;
    let if_none_match = header_str(&req, header::IF_NONE_MATCH).map(str::to_owned);
    let range_header = header_str(&req, header::RANGE).map(str::to_owned);
    let st = state.clone();
    let decided = state
        .db(move |conn| {
            let (file, project, res) = file_for(conn, &st, &caller, &id)?;
            let ask = || {
                Authz::new(&st, &caller)
                    .require(Action::FileDownload, res)
                    .target("file", &file.id)
            };
            if !ask().allows() {
                activity::record(
                    conn,
                    caller.id(),
                    activity::FILE_DOWNLOAD_REFUSED,
                    Some(("file", &file.id)),
                    Some(&caller.ctx.ip),
                    st.now(),
                )?;
            }
            ask().on(conn)?;
            let etag = format!("\"{}\"", file.sha256);
            if if_none_match.as_deref().is_some_and(|h| {
                h.split(',')
                    .map(|t| t.trim().trim_start_matches("W/"))
                    .any(|t| t == etag || t == "*")
            }) {
                return Ok(Download::NotModified(etag));
            }
            let range = service::byte_range(range_header.as_deref(), file.size())?;
            if head {
                // Headers only: nothing is downloaded.
                return Ok(Download::Send {
                    file: Box::new(file),
                    range,
                });
            }
            let hds = DataClass::parse(&project.data_class) == Some(DataClass::Hds);
            let mut detail = json!({
                "dataset_id": file.dataset_id,
                "path": file.path,
                "range": range.map(|(s, n)| [s, n]),
            });
            if hds {
                detail["sha256"] = json!(file.sha256);
            }
            // The activity row and the audit row together, or neither.
            conn.write_tx(|conn| {
                activity::record(
                    conn,
                    caller.id(),
                    activity::FILE_DOWNLOAD,
                    Some(("file", &file.id)),
                    Some(&caller.ctx.ip),
                    st.now(),
                )?;
                audit::append(
                    conn,
                    st.now(),
                    Event::new(AuditAction::FileDownload, Outcome::Success)
                        .actor(caller.id())
                        .target("file", file.id.clone())
                        .detail(detail)
                        .ctx(&caller.ctx),
                )?;
                Ok::<_, ApiError>(())
            })?;
            Ok(Download::Send {
                file: Box::new(file),
                range,
            })
        })
        .await?;
    let (file, range) = match decided {
        Download::NotModified(etag) => {
            return Ok(HttpResponse::NotModified()
                .insert_header((header::ETAG, etag))
                .finish())
        }
        Download::Send { file, range } => (file, range),
    };
    let store = state.storage.clone();
    let key = file.object_key.clone();
    // A HEAD answers the same headers and sends no body: read nothing.
    let read = if head { Some((0, 0)) } else { range };
    let reader = web::block(move || store.get(&key, read))
        .await?
        .map_err(DatasetError::from)?;
    let size = file.size();
    let (len, mut res) = match range {
        Some((start, n)) => {
            let mut res = HttpResponse::PartialContent();
            res.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {start}-{}/{size}", start + n - 1),
            ));
            (n, res)
        }
        None => (size, HttpResponse::Ok()),
    };
    Ok(res
        .insert_header((header::ETAG, format!("\"{}\"", file.sha256)))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CONTENT_DISPOSITION, stream::disposition(&file.path)))
        .insert_header((header::CONTENT_TYPE, file.content_type.clone()))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .no_chunking(len)
        .streaming(stream::body(reader)))
}

/// Delete a file (managers and contributors who read the project; active
/// projects).
#[utoipa::path(
    delete, path = "/api/v1/files/{id}", tag = "datasets", security(("bearer" = [])),
    params(("id" = String, Path, description = "File id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The project is not active", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_file(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let key = state
        .db(move |conn| {
            let (file, _, res) = file_for(conn, &st, &caller, &id)?;
            Authz::new(&st, &caller)
                .require(Action::FileDelete, res)
                .target("file", &file.id)
                .on(conn)?;
            service::delete_file(conn, st.now(), &caller, &file)?;
            Ok(file.object_key)
        })
        .await?;
    let store = state.storage.clone();
    web::block(move || store.delete(&key))
        .await?
        .map_err(DatasetError::from)?;
    Ok(HttpResponse::NoContent().finish())
}
