//! The one route table: every endpoint of the API in one place, and the
//! OpenAPI document that lists the same handlers (operation id = handler
//! name, as crates.io does).

use crate::error::ProblemType;
use crate::routing::{self, web};
use habilis_shared::i18n::Msg;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, ObjectBuilder, Ref, RefOr, Response, ResponseBuilder, Type};
use utoipa::{Modify, OpenApi};

use crate::accounts::{
    departure::routes as departure, lifecycle::routes as lifecycle, me::routes as me,
    routes as users, secondment::routes as secondment,
};
use crate::audit::routes as audit;
use crate::auth::routes as auth;
use crate::catalog::routes as catalog;
use crate::compute::routes as compute;
use crate::datasets::routes as datasets;
use crate::engines::routes as engines;
use crate::error::ApiError;
use crate::instances::routes as instances;
use crate::kb::routes as kb;
use crate::meta;
use crate::orders::routes as orders;
use crate::orgs::{export, invitations, routes as orgs};
use crate::projects::approvals::routes as approvals;
use crate::projects::{participants, routes as projects};
use crate::support::routes as support;
use crate::uploads::routes as uploads;
use crate::works::routes as works;

/// Registers [`api`] into the application (see `routing.rs`: `HEAD` with
/// every `GET`, 405 with `Allow` for a known path asked with another method).
pub fn configure(cfg: &mut actix_web::web::ServiceConfig) {
    let mut table = web::ServiceConfig::default();
    api(&mut table);
    table.register(cfg, || web::to(not_found));
}

/// Every API route. `/api/v1` answers problem+json 404 for anything else
/// (405 for a known path with another method).
pub fn api(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/api/v1")
            .route("/auth/login", web::post().to(auth::login))
            .route("/auth/refresh", web::post().to(auth::refresh))
            .route("/auth/logout", web::post().to(auth::logout))
            .route("/auth/activate", web::post().to(auth::activate))
            .route("/auth/password", web::post().to(auth::change_password))
            .route(
                "/auth/password-reset",
                web::post().to(auth::request_password_reset),
            )
            .route(
                "/auth/password-reset/confirm",
                web::post().to(auth::confirm_password_reset),
            )
            .route("/me", web::get().to(me::get_me))
            .route("/me", web::patch().to(me::update_me))
            .route("/me/charter", web::post().to(me::accept_charter))
            .route("/me/tokens", web::get().to(me::list_tokens))
            .route("/me/tokens", web::post().to(me::create_token))
            .route("/me/tokens/{id}", web::delete().to(me::delete_token))
            .route("/policy", web::get().to(meta::get_policy))
            .route("/authz/check", web::post().to(meta::authz_check))
            .route("/users", web::get().to(users::list_users))
            .route("/users", web::post().to(users::create_user))
            .route("/users/{id}", web::get().to(users::get_user))
            .route("/users/{id}/block", web::post().to(users::block_user))
            .route("/users/{id}/unblock", web::post().to(users::unblock_user))
            .route("/users/{id}", web::patch().to(users::update_user))
            .route(
                "/users/{id}/activation",
                web::post().to(users::resend_activation),
            )
            .route("/users/{id}", web::delete().to(departure::delete_user))
            .route(
                "/users/{id}/departure",
                web::post().to(departure::schedule_departure),
            )
            .route(
                "/users/{id}/departure",
                web::get().to(departure::get_departure),
            )
            .route(
                "/users/{id}/departure/preview",
                web::get().to(departure::preview_departure),
            )
            .route(
                "/users/{id}/handover",
                web::post().to(departure::handover_seat),
            )
            .route(
                "/users/{id}/promote",
                web::post().to(lifecycle::promote_user),
            )
            .route(
                "/users/{id}/activity",
                web::get().to(lifecycle::user_activity),
            )
            .route(
                "/users/{id}/secondments",
                web::post().to(secondment::create_secondment),
            )
            .route(
                "/users/{id}/secondments",
                web::get().to(secondment::list_secondments),
            )
            .route("/organizations", web::get().to(orgs::list_organizations))
            .route("/organizations", web::post().to(orgs::create_organization))
            .route("/organizations/{id}", web::get().to(orgs::get_organization))
            .route(
                "/organizations/{id}",
                web::patch().to(orgs::update_organization),
            )
            .route(
                "/organizations/{id}/members",
                web::get().to(orgs::list_members),
            )
            .route(
                "/organizations/{id}/members.csv",
                web::get().to(export::members_csv),
            )
            .route(
                "/organizations/{id}/members/{user_id}",
                web::patch().to(orgs::change_member_role),
            )
            .route(
                "/organizations/{id}/members/{user_id}",
                web::delete().to(orgs::remove_member),
            )
            .route(
                "/organizations/{id}/members/{user_id}/block",
                web::post().to(orgs::block_member),
            )
            .route(
                "/organizations/{id}/members/{user_id}/unblock",
                web::post().to(orgs::unblock_member),
            )
            .route(
                "/organizations/{id}/invitations",
                web::get().to(invitations::list_invitations),
            )
            .route(
                "/organizations/{id}/invitations",
                web::post().to(invitations::invite),
            )
            .route(
                "/organizations/{id}/invitations/{invitation_id}",
                web::delete().to(invitations::revoke_invitation),
            )
            .route(
                "/invitations/{token}/accept",
                web::post().to(invitations::accept_invitation),
            )
            .route("/projects", web::get().to(projects::list_projects))
            .route("/projects", web::post().to(projects::create_project))
            .route("/projects/{id}", web::get().to(projects::get_project))
            .route("/projects/{id}", web::patch().to(projects::update_project))
            .route("/projects/{id}", web::delete().to(projects::delete_project))
            .route(
                "/projects/{id}/close",
                web::post().to(projects::close_project),
            )
            .route(
                "/projects/{id}/participants",
                web::get().to(participants::list_participants),
            )
            .route(
                "/projects/{id}/participants",
                web::post().to(participants::invite_participant),
            )
            .route(
                "/projects/{id}/participants/{participant_id}",
                web::delete().to(participants::revoke_participant),
            )
            .route("/approvals", web::get().to(approvals::list_approvals))
            .route(
                "/approvals/{id}/decision",
                web::post().to(approvals::decide),
            )
            .route(
                "/projects/{id}/datasets",
                web::get().to(datasets::list_datasets),
            )
            .route(
                "/projects/{id}/datasets",
                web::post().to(datasets::create_dataset),
            )
            .route(
                "/projects/{id}/usage",
                web::get().to(datasets::project_usage),
            )
            .route("/datasets/{id}", web::get().to(datasets::get_dataset))
            .route("/datasets/{id}", web::patch().to(datasets::update_dataset))
            .route("/datasets/{id}", web::delete().to(datasets::delete_dataset))
            .route("/datasets/{id}/files", web::get().to(datasets::list_files))
            .route(
                "/datasets/{id}/manifest.sha256",
                web::get().to(datasets::manifest),
            )
            .route(
                "/datasets/{id}/files/{path:.*}",
                web::put().to(datasets::put_file),
            )
            .route(
                "/files/{id}/content",
                web::get().to(datasets::download_file),
            )
            .route("/files/{id}", web::delete().to(datasets::delete_file))
            .route(
                "/datasets/{id}/uploads",
                web::options().to(uploads::tus_options),
            )
            .route(
                "/datasets/{id}/uploads",
                web::post().to(uploads::create_upload),
            )
            .route("/uploads/{id}", web::head().to(uploads::head_upload))
            .route("/uploads/{id}", web::patch().to(uploads::patch_upload))
            .route("/uploads/{id}", web::delete().to(uploads::delete_upload))
            .route(
                "/orders/{id}/instances",
                web::post().to(instances::launch_instance),
            )
            .route("/instances", web::get().to(instances::list_instances))
            .route("/instances/{id}", web::get().to(instances::get_instance))
            .route(
                "/instances/{id}",
                web::delete().to(instances::delete_instance),
            )
            .route(
                "/instances/{id}/logs",
                web::get().to(instances::instance_logs),
            )
            .route(
                "/instances/{id}/keep",
                web::post().to(instances::keep_instance),
            )
            .route(
                "/me/configurations",
                web::get().to(instances::list_configurations),
            )
            .route(
                "/me/configurations",
                web::post().to(instances::create_configuration),
            )
            .route(
                "/me/configurations/{id}",
                web::delete().to(instances::delete_configuration),
            )
            .route(
                "/projects/{id}/usage.csv",
                web::get().to(instances::usage_csv),
            )
            .route("/engines", web::get().to(engines::list_engines))
            .route("/engines", web::post().to(engines::create_engine))
            .route("/engines/{id}", web::get().to(engines::get_engine))
            .route("/engines/{id}", web::patch().to(engines::update_engine))
            .route("/engines/{id}", web::delete().to(engines::delete_engine))
            .route("/projects/{id}/jobs", web::post().to(compute::submit_job))
            .route("/jobs", web::get().to(compute::list_jobs))
            .route("/jobs/{id}", web::get().to(compute::get_job))
            .route("/jobs/{id}/cancel", web::post().to(compute::cancel_job))
            .route("/jobs/{id}/logs", web::get().to(compute::job_logs))
            .route("/jobs/{id}/queue", web::get().to(compute::job_queue))
            .route("/queue", web::get().to(compute::get_queue))
            .route("/desks", web::get().to(support::list_desks))
            .route(
                "/desks/{id}/agents",
                web::get().to(support::list_desk_agents),
            )
            .route(
                "/desks/{id}/agents",
                web::post().to(support::add_desk_agent),
            )
            .route(
                "/desks/{id}/agents/{account_id}",
                web::delete().to(support::remove_desk_agent),
            )
            .route("/tickets", web::post().to(support::create_ticket))
            .route("/tickets", web::get().to(support::list_tickets))
            .route("/tickets/{id}", web::get().to(support::get_ticket))
            .route(
                "/tickets/{id}/comments",
                web::post().to(support::comment_ticket),
            )
            .route(
                "/tickets/{id}/assign",
                web::post().to(support::assign_ticket),
            )
            .route(
                "/tickets/{id}/escalate",
                web::post().to(support::escalate_ticket),
            )
            .route(
                "/tickets/{id}/resolve",
                web::post().to(support::resolve_ticket),
            )
            .route(
                "/tickets/{id}/reopen",
                web::post().to(support::reopen_ticket),
            )
            .route("/tickets/{id}/close", web::post().to(support::close_ticket))
            .route(
                "/tickets/{id}/attachments",
                web::post().to(support::attach_file),
            )
            .route(
                "/tickets/{id}/attachments/{attachment_id}",
                web::get().to(support::download_attachment),
            )
            .route(
                "/tickets/{id}/participants",
                web::get().to(support::list_participants),
            )
            .route(
                "/tickets/{id}/participants",
                web::post().to(support::add_participant),
            )
            .route(
                "/tickets/{id}/participants/{account_id}",
                web::delete().to(support::remove_participant),
            )
            .route("/works", web::get().to(works::list_works))
            .route("/works", web::post().to(works::create_work))
            .route("/works/{id}", web::get().to(works::get_work))
            .route("/works/{id}", web::patch().to(works::update_work))
            .route("/works/{id}", web::delete().to(works::delete_work))
            .route("/works/{id}/transfer", web::post().to(works::transfer_work))
            .route(
                "/works/{id}/state",
                web::post().to(works::change_work_state),
            )
            .route(
                "/works/{id}/annotations",
                web::get().to(works::list_annotations),
            )
            .route(
                "/works/{id}/annotations",
                web::post().to(works::create_annotation),
            )
            .route(
                "/projects/{id}/orders",
                web::post().to(orders::create_order),
            )
            .route("/projects/{id}/orders", web::get().to(orders::list_orders))
            .route("/orders/{id}", web::get().to(orders::get_order))
            .route("/orders/{id}", web::patch().to(orders::update_order))
            .route("/orders/{id}/cancel", web::post().to(orders::cancel_order))
            .route("/catalog", web::get().to(catalog::list_catalog))
            .route("/catalog", web::post().to(catalog::create_offering))
            .route("/catalog/{id}", web::get().to(catalog::get_offering))
            .route("/catalog/{id}", web::patch().to(catalog::update_offering))
            .route("/catalog/{id}", web::delete().to(catalog::delete_offering))
            .route("/audit", web::get().to(audit::list_audit))
            .route("/kb/articles", web::get().to(kb::list_kb_articles))
            .route("/kb/articles", web::post().to(kb::create_kb_article))
            .route("/kb/articles/{id}", web::get().to(kb::get_kb_article))
            .route("/kb/articles/{id}", web::patch().to(kb::update_kb_article))
            .route("/kb/articles/{id}", web::delete().to(kb::delete_kb_article))
            .route("/kb/search", web::get().to(kb::search_kb))
            .route("/kb/suggest", web::get().to(kb::suggest_kb))
            .route(
                "/tickets/{id}/article",
                web::post().to(kb::article_from_ticket),
            )
            .default_service(web::to(not_found)),
    )
    .route("/api/docs", web::get().to(docs_redirect))
    .route("/healthz", web::get().to(meta::healthz))
    .route("/readyz", web::get().to(meta::readyz))
    .route("/metrics", web::get().to(meta::metrics));
}

/// SPEC §11 names `/api/docs`; Swagger UI lives under `/api/docs/`.
async fn docs_redirect() -> actix_web::HttpResponse {
    actix_web::HttpResponse::PermanentRedirect()
        .insert_header(("Location", "/api/docs/"))
        .finish()
}

/// What no route answered: 405 with `Allow` when the path is known with
/// other methods, else 404.
pub async fn not_found(req: actix_web::HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(fallback_error(req.path()))
}

/// The error [`not_found`] answers for `path`.
pub fn fallback_error(path: &str) -> ApiError {
    let allowed = routing::allowed(path);
    if allowed.is_empty() {
        return ApiError::new(ProblemType::NotFound, Msg::new("error-no-endpoint"));
    }
    let mut e = ApiError::new(
        ProblemType::MethodNotAllowed,
        Msg::new("error-method-not-allowed"),
    );
    e.allow = Some(routing::allow_header(&allowed));
    e
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT or personal access token (hpat_…)")
                    .build(),
            ),
        );
    }
}

/// Answers the request pipeline gives before a handler decides anything,
/// documented once here rather than on every handler:
/// - 400 for a NUL character anywhere in the URL (refused before routing,
///   `app.rs`), on every operation;
/// - 413 for a body over `HABILIS_BODY_LIMIT`, on every operation that
///   takes a body;
/// - 415 for a content type other than JSON (`extract::Json`), on every
///   operation whose body is required.
///
/// A handler that documents the status itself keeps its own description.
/// The headers `ApiError` adds are documented wherever the status is: every
/// 401 carries `WWW-Authenticate: Bearer`, every 429 `Retry-After` (seconds).
struct PipelineResponses;

impl PipelineResponses {
    fn problem(description: &str) -> RefOr<Response> {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    crate::error::PROBLEM_JSON,
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    }

    fn document(op: &mut Operation) {
        let (has_body, body_required) = op.request_body.as_ref().map_or((false, false), |b| {
            (true, b.required == Some(utoipa::openapi::Required::True))
        });
        let responses = &mut op.responses.responses;
        responses
            .entry("400".into())
            .or_insert_with(|| Self::problem("Malformed request (a NUL character in the URL)"));
        if has_body {
            responses
                .entry("413".into())
                .or_insert_with(|| Self::problem("Request body over the size limit"));
        }
        if body_required {
            responses
                .entry("415".into())
                .or_insert_with(|| Self::problem("Content-Type is not JSON"));
        }
        for (status, name, header) in [
            (
                "401",
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .enum_values(Some(["Bearer"])),
                    )
                    .description(Some("Always `Bearer`"))
                    .build(),
            ),
            (
                "429",
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            ),
        ] {
            if let Some(RefOr::T(response)) = responses.get_mut(status) {
                response.headers.entry(name.into()).or_insert(header);
            }
        }
    }
}

impl Modify for PipelineResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.options,
                &mut item.head,
                &mut item.patch,
                &mut item.trace,
            ]
            .into_iter()
            .flatten()
            {
                Self::document(op);
            }
        }
    }
}

/// A property whose value is an object, a map, a list or a composition
/// gets no `default` in the document: serde's container `default` (policy
/// files may leave sections out) would put the whole default value there,
/// and client generators refuse defaults on model properties
/// (openapi-python-client dropped `Policy`, hence `GET /policy`). Answers
/// always carry every field; scalar properties keep their documented
/// default.
struct NoModelDefaults;

impl NoModelDefaults {
    fn strip(schema: &mut utoipa::openapi::schema::Schema) {
        use utoipa::openapi::schema::{Schema, SchemaType};
        let Schema::Object(object) = schema else {
            return;
        };
        for property in object.properties.values_mut() {
            let RefOr::T(property) = property else {
                continue;
            };
            match property {
                Schema::Object(o) => {
                    let scalar = matches!(
                        o.schema_type,
                        SchemaType::Type(
                            Type::String | Type::Integer | Type::Number | Type::Boolean
                        )
                    );
                    if !scalar {
                        o.default = None;
                    }
                }
                Schema::Array(a) => a.default = None,
                Schema::OneOf(o) => o.default = None,
                Schema::AllOf(o) => o.default = None,
                Schema::AnyOf(o) => o.default = None,
                _ => {}
            }
            Self::strip(property);
        }
    }
}

impl Modify for NoModelDefaults {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            for schema in components.schemas.values_mut() {
                if let RefOr::T(schema) = schema {
                    Self::strip(schema);
                }
            }
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Habilis API",
        version = "1.0.0",
        description = "Self-service portal of a research institution's data and compute platform. \
Errors are RFC 9457 application/problem+json. Lists use `?limit=` (1–200, default 50) and \
`?cursor=` and answer `{items, next_cursor}`. Authenticate with `Authorization: Bearer` \
(a JWT access token from /auth/login, or a personal access token).",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        auth::login,
        auth::refresh,
        auth::logout,
        auth::activate,
        auth::change_password,
        auth::request_password_reset,
        auth::confirm_password_reset,
        me::get_me,
        me::update_me,
        me::accept_charter,
        me::list_tokens,
        me::create_token,
        me::delete_token,
        meta::get_policy,
        meta::authz_check,
        users::list_users,
        users::create_user,
        users::get_user,
        users::block_user,
        users::unblock_user,
        users::update_user,
        users::resend_activation,
        departure::delete_user,
        departure::schedule_departure,
        departure::get_departure,
        departure::preview_departure,
        departure::handover_seat,
        lifecycle::promote_user,
        lifecycle::user_activity,
        secondment::create_secondment,
        secondment::list_secondments,
        orgs::list_organizations,
        orgs::create_organization,
        orgs::get_organization,
        orgs::update_organization,
        orgs::list_members,
        orgs::change_member_role,
        orgs::remove_member,
        orgs::block_member,
        orgs::unblock_member,
        export::members_csv,
        invitations::list_invitations,
        invitations::invite,
        invitations::revoke_invitation,
        invitations::accept_invitation,
        projects::list_projects,
        projects::create_project,
        projects::get_project,
        projects::update_project,
        projects::delete_project,
        projects::close_project,
        participants::list_participants,
        participants::invite_participant,
        participants::revoke_participant,
        approvals::list_approvals,
        approvals::decide,
        datasets::list_datasets,
        datasets::create_dataset,
        datasets::project_usage,
        datasets::get_dataset,
        datasets::update_dataset,
        datasets::delete_dataset,
        datasets::list_files,
        datasets::manifest,
        datasets::put_file,
        datasets::download_file,
        datasets::delete_file,
        uploads::tus_options,
        uploads::create_upload,
        uploads::head_upload,
        uploads::patch_upload,
        uploads::delete_upload,
        instances::launch_instance,
        instances::list_instances,
        instances::get_instance,
        instances::delete_instance,
        instances::instance_logs,
        instances::keep_instance,
        instances::list_configurations,
        instances::create_configuration,
        instances::delete_configuration,
        instances::usage_csv,
        works::list_works,
        works::create_work,
        works::get_work,
        works::update_work,
        works::delete_work,
        works::change_work_state,
        works::transfer_work,
        works::list_annotations,
        works::create_annotation,
        catalog::list_catalog,
        catalog::get_offering,
        catalog::create_offering,
        catalog::update_offering,
        catalog::delete_offering,
        orders::create_order,
        orders::list_orders,
        orders::get_order,
        orders::update_order,
        orders::cancel_order,
        engines::list_engines,
        engines::get_engine,
        engines::create_engine,
        engines::update_engine,
        engines::delete_engine,
        compute::submit_job,
        compute::list_jobs,
        compute::get_job,
        compute::cancel_job,
        compute::job_logs,
        compute::job_queue,
        compute::get_queue,
        support::list_desks,
        support::list_desk_agents,
        support::add_desk_agent,
        support::remove_desk_agent,
        support::create_ticket,
        support::list_tickets,
        support::get_ticket,
        support::comment_ticket,
        support::assign_ticket,
        support::escalate_ticket,
        support::resolve_ticket,
        support::reopen_ticket,
        support::close_ticket,
        support::attach_file,
        support::download_attachment,
        support::list_participants,
        support::add_participant,
        support::remove_participant,
        audit::list_audit,
        kb::list_kb_articles,
        kb::create_kb_article,
        kb::get_kb_article,
        kb::update_kb_article,
        kb::delete_kb_article,
        kb::search_kb,
        kb::suggest_kb,
        kb::article_from_ticket,
        meta::healthz,
        meta::readyz,
        meta::metrics,
    ),
    // Schemas named only by query parameters (utoipa registers the others
    // from the bodies that use them).
    components(schemas(
        habilis_shared::dto::ApprovalListState,
        uploads::TusResumable,
        uploads::UploadDeferLength
    )),
    modifiers(&BearerAuth, &PipelineResponses, &NoModelDefaults),
    tags(
        (name = "auth", description = "Sign in, tokens, activation, password"),
        (name = "me", description = "My account, preferences, charter, API tokens"),
        (name = "users", description = "Accounts and the supervision hierarchy"),
        (name = "policy", description = "The policy document and decisions"),
        (name = "organizations", description = "Organisations, members, invitations, CSV export (SPEC §4)"),
        (name = "projects", description = "Projects, approvals by sponsor and data steward, participants (SPEC §4)"),
        (name = "datasets", description = "Datasets of a project, their files, uploads and downloads (SPEC §5)"),
        (name = "uploads", description = "Resumable uploads of files into datasets, with the tus 1.0 protocol (SPEC §5)"),
        (name = "services", description = "Running instances of ordered services, saved configurations, usage (issue 16)"),
        (name = "works", description = "Works, their states and annotations"),
        (name = "catalog", description = "The service catalog: offerings projects order and launch (SPEC §6)"),
        (name = "orders", description = "Orders of services for a project, approved by its sponsor and data steward (SPEC §6)"),
        (name = "compute", description = "Compute engines, jobs, their logs and the priority queue (SPEC §7)"),
        (name = "support", description = "Support desks, their agents, tickets and their history (SPEC §8)"),
        (name = "audit", description = "The hash-chained audit log"),
        (name = "kb", description = "The knowledge base: articles, full-text search, suggestions; published articles need no account (SPEC §8)"),
        (name = "operations", description = "Health, readiness, metrics"),
    )
)]
pub struct ApiDoc;

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut s = ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}
