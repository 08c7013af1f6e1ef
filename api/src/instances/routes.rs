//! `/api/v1/orders/{id}/instances`, `/api/v1/instances*`,
//! `/api/v1/me/configurations*`, `/api/v1/projects/{id}/usage.csv`: HTTP
//! only. Each handler parses, authorises once (through [`instance_for`],
//! [`project_for`] or one [`Authz`] question) and hands over to
//! [`service`]; spawner calls run on the blocking pool.

use actix_web::{web, HttpResponse};
use futures_util::{stream, StreamExt};
use habilis_shared::dto::{
    ConfigurationPage, CreateConfiguration, DeleteInstance, InstancePage, InstanceView,
    LaunchInstance, PageQuery, Problem, SavedConfiguration, UsageQuery,
};
use habilis_shared::i18n::Msg;
use habilis_shared::policy::{Action, Resource};
use serde::Deserialize;
use validator::Validate;

use super::queries::{self, InstanceRow};
use super::service::{self, InstanceError, StopReason, ViewParts};
use super::{instance_for, usage};
use crate::auth::{Caller, CallerToken};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::paging::Keyset;
use crate::policy::Authz;
use crate::projects::{self, project_for};
use crate::state::AppState;

/// Bytes of log tail answered at most.
const LOG_TAIL: usize = 64 * 1024;

/// The view of `row` for `caller` (the README to its owner only).
fn view_of(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    row: &InstanceRow,
    project_name: &str,
) -> ApiResult<InstanceView> {
    let offering = queries::offering(conn, &row.offering_id)?.ok_or_else(ApiError::not_found)?;
    let usage = queries::usage_of(conn, &row.id)?;
    Ok(service::view(ViewParts {
        row,
        project_name,
        offering: &offering,
        usage: &usage,
        owner: row.owner_id == caller.id(),
        now: st.now(),
    }))
}

/// Launch an instance of an approved order: no `config` (one click) takes
/// the offering's defaults; `configuration_id` one of my saved
/// configurations; `config` is laid over either. The process starts at
/// once; the instance is `running` once it answers.
#[utoipa::path(
    post, path = "/api/v1/orders/{id}/instances", tag = "services", request_body = LaunchInstance, security(("bearer" = [])),
    params(("id" = String, Path, description = "Order id")),
    responses(
        (status = 202, description = "Starting", body = InstanceView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`order_not_approved`, `spawner_unavailable`, `instance_limit` (with the limit in `quota`), or the project has an instance of this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields; a configuration that does not fit the offering's schema names the JSON-Schema paths (`config.port`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn launch_instance(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    body: Json<LaunchInstance>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let (launch, caller) = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            let order = queries::order(conn, &id)?.ok_or_else(ApiError::not_found)?;
            project_for(
                conn,
                &st,
                &caller,
                &order.project_id,
                Action::InstanceLaunch,
            )?;
            let launch = service::launch(
                conn,
                &st.policy,
                &st.spawners,
                st.now(),
                &caller,
                &order,
                &req,
            )?;
            Ok((launch, caller))
        })
        .await?;
    let st = state.clone();
    let view = state
        .db(move |conn| {
            service::start(conn, &st.config.data_dir, st.now(), &launch)?;
            let row = queries::find(conn, &launch.row.id)?.ok_or_else(ApiError::not_found)?;
            let p = projects::find(conn, &row.project_id)?.ok_or_else(ApiError::not_found)?;
            view_of(conn, &st, &caller, &row, &p.name)
        })
        .await?;
    super::jobs::wake_watcher();
    Ok(HttpResponse::Accepted()
        .insert_header(("Location", format!("/api/v1/instances/{}", view.id)))
        .json(view))
}

/// My services: the instances I launched, and those of the projects I
/// manage (newest first; deleted ones are not listed).
#[utoipa::path(
    get, path = "/api/v1/instances", tag = "services", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of instances", body = InstancePage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_instances(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<InstancePage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            let standing = projects::queries::standing(conn, &caller)?;
            let actor = caller.actor(&st);
            let managed = standing.filter(|res| {
                let Resource::Project { org_role, relation } = res else {
                    return false;
                };
                st.policy
                    .decide(
                        &actor,
                        &Action::InstanceRead,
                        &Resource::Service {
                            org_role,
                            relation,
                            mine: false,
                        },
                    )
                    .allowed
            });
            let rows = queries::page(conn, caller.id(), managed, keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |(r, _, _)| vec![r.id.clone()]);
            let mut items = Vec::with_capacity(rows.len());
            for (row, project_name, _) in &rows {
                items.push(view_of(conn, &st, &caller, row, project_name)?);
            }
            Ok(InstancePage { items, next_cursor })
        })
        .await?;
    Ok(web::Json(page))
}

/// One instance: its state, address, cost so far; the README with the
/// credentials to its owner only.
#[utoipa::path(
    get, path = "/api/v1/instances/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "The instance", body = InstanceView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such instance, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get_instance(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<InstanceView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (row, p) = instance_for(conn, &st, &caller, &id, Action::InstanceRead)?;
            view_of(conn, &st, &caller, &row, &p.name)
        })
        .await?;
    Ok(web::Json(view))
}

/// `?confirm=` of a deletion.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmQuery {
    /// The instance's name, typed again (or in the JSON body).
    pub confirm: Option<String>,
}

/// Delete an instance: its process is stopped and its working directory
/// (databases, notebooks) deleted. The instance's name must be typed
/// again, in a JSON body `{"confirm": name}` or as `?confirm=name`;
/// anything else is refused (422 `confirmation_mismatch`) and nothing
/// stops.
#[utoipa::path(
    delete, path = "/api/v1/instances/{id}", tag = "services", request_body(content = Option<DeleteInstance>, description = "Or `?confirm=`"), security(("bearer" = [])),
    params(("id" = String, Path, description = "Instance id"), ConfirmQuery),
    responses(
        (status = 204, description = "Stopped and deleted"),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such instance, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Being stopped already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`confirmation_mismatch`: the confirmation is not the instance's name", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_instance(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<ConfirmQuery>,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    let from_body = if body.iter().all(u8::is_ascii_whitespace) {
        None
    } else {
        let req: DeleteInstance = crate::extract::parse(&body)?;
        req.validate()?;
        Some(req.confirm)
    };
    let confirm = from_body.or_else(|| query.into_inner().confirm);
    let st = state.clone();
    let worker = format!("api-{}", std::process::id());
    state
        .db_as(caller, move |conn, caller| {
            let (row, _) = instance_for(conn, &st, &caller, &id, Action::InstanceManage)?;
            if confirm.as_deref() != Some(row.name.as_str()) {
                return Err(InstanceError::ConfirmationMismatch.into());
            }
            let now = st.now();
            match row.state() {
                habilis_shared::dto::InstanceState::Starting
                | habilis_shared::dto::InstanceState::Running => {
                    let claimed =
                        conn.write_tx(|conn| service::claim_stop(conn, &row, &worker, now))?;
                    if !claimed {
                        let state =
                            queries::find(conn, &row.id)?.map_or(row.state(), |r| r.state());
                        return Err(InstanceError::WrongState(state).into());
                    }
                    service::finish_stop(
                        conn,
                        &st.spawners,
                        st.now(),
                        Some(&caller),
                        &row,
                        StopReason::Deleted,
                        true,
                    )?;
                }
                habilis_shared::dto::InstanceState::Stopping => {
                    return Err(InstanceError::WrongState(row.state()).into());
                }
                // Ended already: what remains is its directory and its name.
                _ => {
                    conn.write_tx(|conn| {
                        if queries::mark_deleted(conn, &row.id, crate::clock::db_time(now))? == 1 {
                            crate::audit::append(
                                conn,
                                now,
                                crate::audit::Event::new(
                                    crate::audit::AuditAction::InstanceDelete,
                                    crate::audit::Outcome::Success,
                                )
                                .actor(caller.id())
                                .target("instance", row.id.clone())
                                .detail(serde_json::json!({
                                    "name": row.name,
                                    "project_id": row.project_id,
                                    "state": row.state,
                                }))
                                .ctx(&caller.ctx),
                            )?;
                        }
                        Ok::<_, ApiError>(())
                    })?;
                }
            }
            service::remove_workdir(&st.config.data_dir, &row.id).map_err(ApiError::internal)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The last lines the instance's process wrote (its generated secrets
/// masked).
#[utoipa::path(
    get, path = "/api/v1/instances/{id}/logs", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "The tail of the logs", body = String, content_type = "text/plain"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such instance, or not visible to me", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn instance_logs(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let text = state
        .db_as(caller, move |conn, caller| {
            let (row, _) = instance_for(conn, &st, &caller, &id, Action::InstanceManage)?;
            let (Some(handle), Some(spawner)) = (row.handle(), st.spawners.get(&row.spawner_kind))
            else {
                return Ok(String::new());
            };
            let text = spawner
                .logs(&handle, LOG_TAIL)
                .map_err(|e| ApiError::internal(e.to_string()))?;
            Ok(service::mask_secrets(&text, row.secrets.as_deref()))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .body(text))
}

/// Keep an idle instance: its idle clock starts again, the notice is
/// cleared.
#[utoipa::path(
    post, path = "/api/v1/instances/{id}/keep", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Instance id")),
    responses(
        (status = 200, description = "Kept", body = InstanceView),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such instance, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The instance is not running", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn keep_instance(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<web::Json<InstanceView>> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let (row, p) = instance_for(conn, &st, &caller, &id, Action::InstanceManage)?;
            service::keep(conn, st.now(), &caller, &row)?;
            let row = queries::find(conn, &row.id)?.ok_or_else(ApiError::not_found)?;
            view_of(conn, &st, &caller, &row, &p.name)
        })
        .await?;
    Ok(web::Json(view))
}

/// My saved configurations, by name.
#[utoipa::path(
    get, path = "/api/v1/me/configurations", tag = "services", security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of configurations", body = ConfigurationPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid limit or cursor", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_configurations(
    state: web::Data<AppState>,
    caller: CallerToken,
    query: web::Query<PageQuery>,
) -> ApiResult<web::Json<ConfigurationPage>> {
    let st = state.clone();
    let page = state
        .db_as(caller, move |conn, caller| {
            let q = query.into_inner();
            let keys = Keyset::parse(q.limit, q.cursor.as_deref(), 1)?;
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            let rows = queries::configurations(conn, caller.id(), keys.key(0), keys.fetch())?;
            let (rows, next_cursor) = keys.page(rows, |r| vec![r.name.clone()]);
            Ok(ConfigurationPage {
                items: rows.iter().map(queries::ConfigurationRow::view).collect(),
                next_cursor,
            })
        })
        .await?;
    Ok(web::Json(page))
}

/// Save a configuration of an offering for later launches (checked
/// against the offering's schema, over its defaults).
#[utoipa::path(
    post, path = "/api/v1/me/configurations", tag = "services", request_body = CreateConfiguration, security(("bearer" = [])),
    responses(
        (status = 201, description = "Saved", body = SavedConfiguration),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "I have a configuration of this name", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, an unknown offering, or a configuration that does not fit its schema", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_configuration(
    state: web::Data<AppState>,
    caller: CallerToken,
    body: Json<CreateConfiguration>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let view = state
        .db_as(caller, move |conn, caller| {
            let req = body.into_inner()?;
            req.validate()?;
            if !req.config.is_object() {
                return Err(ApiError::field(
                    "config",
                    Msg::new("instances-config-object"),
                ));
            }
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            Ok(service::save_configuration(conn, st.now(), &caller, &req)?)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/api/v1/me/configurations/{}", view.id)))
        .json(view))
}

/// Delete one of my saved configurations.
#[utoipa::path(
    delete, path = "/api/v1/me/configurations/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Configuration id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The policy refuses", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such configuration of mine", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_configuration(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    state
        .db_as(caller, move |conn, caller| {
            Authz::new(&st, &caller)
                .require(Action::CatalogRead, Resource::None)
                .on(conn)?;
            Ok(service::delete_configuration(conn, &caller, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The project's instance usage in a window, one line per running period
/// (clipped to the window), as CSV: streamed, cells a spreadsheet would
/// run as a formula neutralised. Read as the usage is.
#[utoipa::path(
    get, path = "/api/v1/projects/{id}/usage.csv", tag = "services", security(("bearer" = [])),
    params(("id" = String, Path, description = "Project id"), UsageQuery),
    responses(
        (status = 200, description = "instance_id,instance_name,offering_id,offering_name,started_at,ended_at,instance_hours,price_per_hour,cost,unit", content_type = "text/csv", body = String),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sees the project's name only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such project, or not visible to me", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` or `to` is not an RFC 3339 instant, or `to` is not after `from`", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn usage_csv(
    state: web::Data<AppState>,
    caller: CallerToken,
    id: web::Path<String>,
    query: web::Query<UsageQuery>,
) -> ApiResult<HttpResponse> {
    let st = state.clone();
    let now = state.now();
    let q = query.into_inner();
    let (project, from, to) = state
        .db_as(caller, move |conn, caller| {
            let (p, _) = project_for(conn, &st, &caller, &id, Action::ProjectRead)?;
            let (from, to) = usage::window(q.from.as_deref(), q.to.as_deref(), now)?;
            Ok((p.id, from, to))
        })
        .await?;
    // Keyset pages by usage id; each page is one query off the executor.
    let pages = stream::unfold(
        (state.clone(), None::<String>, false),
        move |(state, after, done)| {
            let project = project.clone();
            async move {
                if done {
                    return None;
                }
                let after_q = after.clone();
                let page = state
                    .db(move |conn| {
                        Ok(queries::usage_in(
                            conn,
                            &project,
                            crate::clock::db_time(from),
                            crate::clock::db_time(to),
                            after_q.as_deref(),
                            usage::PAGE,
                        )?)
                    })
                    .await;
                match page {
                    Ok(rows) => {
                        let last = rows.last().map(|r| r.usage.id.clone());
                        let done = (rows.len() as i64) < usage::PAGE;
                        let text: String = rows
                            .iter()
                            .map(|r| usage::csv_line(r, from, to, now))
                            .collect();
                        Some((
                            Ok::<_, ApiError>(web::Bytes::from(text)),
                            (state, last.or(after), done),
                        ))
                    }
                    // The status is sent already: cut the body short.
                    Err(e) => {
                        tracing::error!(error = %e, "usage.csv: page failed");
                        Some((Err(e), (state, after, true)))
                    }
                }
            }
        },
    );
    let body = stream::once(async {
        Ok::<_, ApiError>(web::Bytes::from_static(usage::CSV_HEADER.as_bytes()))
    })
    .chain(pages);
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("Content-Disposition", "attachment; filename=\"usage.csv\""))
        .streaming(body))
}
