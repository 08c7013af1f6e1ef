//! Projects (SPEC §4, issue 6): requested by a manager of an organisation,
//! approved by a sponsor and a data steward (the generic approval model of
//! [`approvals`]), with participants.
//!
//! Every handler goes through [`project_for`]: the caller's role in the
//! project's organisation and how the caller stands to the project make the
//! [`Resource::Project`] the one policy function decides on.

pub mod approvals;
pub mod participants;
pub mod routes;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{DataClass, ParticipantState, ProjectEvent, ProjectState, ProjectView};
use habilis_shared::policy::{Action, OrgRole, ProjectRelation, Resource};

use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{participants as participant_rows, project_events, projects};
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::orgs;
use crate::policy::check;
use crate::state::AppState;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = projects)]
pub struct ProjectRow {
    pub id: String,
    pub organization_id: String,
    pub name: String,
    pub data_class: String,
    pub domain: String,
    pub description: String,
    pub owner_id: String,
    pub sponsor_id: String,
    pub data_steward_id: String,
    pub state: String,
    pub created_at: NaiveDateTime,
}

impl ProjectRow {
    pub fn state(&self) -> ProjectState {
        ProjectState::parse(&self.state).unwrap_or(ProjectState::Closed)
    }

    /// The name alone (operators, SPEC §4).
    pub fn name_view(&self) -> ProjectView {
        ProjectView {
            id: self.id.clone(),
            organization_id: self.organization_id.clone(),
            name: self.name.clone(),
            names_only: true,
            state: None,
            data_class: None,
            domain: None,
            description: None,
            owner_id: None,
            sponsor_id: None,
            data_steward_id: None,
            created_at: None,
            history: Vec::new(),
        }
    }

    pub fn view(&self, history: Vec<ProjectEvent>) -> ProjectView {
        ProjectView {
            names_only: false,
            state: Some(self.state()),
            data_class: DataClass::parse(&self.data_class),
            domain: Some(self.domain.clone()),
            description: Some(self.description.clone()),
            owner_id: Some(self.owner_id.clone()),
            sponsor_id: Some(self.sponsor_id.clone()),
            data_steward_id: Some(self.data_steward_id.clone()),
            created_at: Some(utc(self.created_at)),
            history,
            ..self.name_view()
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<ProjectRow>> {
    projects::table
        .find(id)
        .select(ProjectRow::as_select())
        .first(conn)
        .optional()
}

/// Participant rows (not revoked) that name `caller`, by account or by the
/// e-mail an invitation went to.
pub type GrantedTo = diesel::dsl::And<
    diesel::dsl::NotEq<participant_rows::state, &'static str>,
    diesel::dsl::Or<
        diesel::dsl::Eq<participant_rows::user_id, String>,
        diesel::dsl::Eq<participant_rows::email_key, String>,
    >,
>;

pub fn granted_to(caller: &Caller) -> GrantedTo {
    participant_rows::state
        .ne(ParticipantState::Revoked.as_str())
        .and(
            participant_rows::user_id
                .eq(caller.id().to_owned())
                .or(participant_rows::email_key.eq(caller.user.email.trim().to_lowercase())),
        )
}

/// Is `caller` a participant of `project`?
fn participates(conn: &mut DbConn, project: &str, caller: &Caller) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        participant_rows::table
            .filter(participant_rows::project_id.eq(project))
            .filter(granted_to(caller)),
    ))
    .get_result(conn)
}

pub fn relation(
    conn: &mut DbConn,
    p: &ProjectRow,
    caller: &Caller,
) -> QueryResult<ProjectRelation> {
    let me = caller.id();
    Ok(if p.owner_id == me {
        ProjectRelation::Owner
    } else if p.sponsor_id == me {
        ProjectRelation::Sponsor
    } else if p.data_steward_id == me {
        ProjectRelation::DataSteward
    } else if participates(conn, &p.id, caller)? {
        ProjectRelation::Participant
    } else {
        ProjectRelation::None
    })
}

pub fn resource(conn: &mut DbConn, p: &ProjectRow, caller: &Caller) -> QueryResult<Resource> {
    let org_role: Option<OrgRole> = orgs::role_of(conn, &p.organization_id, caller.id())?;
    Ok(Resource::Project {
        org_role,
        relation: relation(conn, p, caller)?,
    })
}

/// Loads the project and decides `action` for the caller. A project the
/// caller may not even know by name answers 404; one they know but may not
/// act on, 403.
pub fn project_for(
    conn: &mut DbConn,
    st: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<(ProjectRow, Resource)> {
    let p = find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let res = resource(conn, &p, caller)?;
    let target = Some(("project", p.id.clone()));
    check(
        conn,
        st,
        caller,
        Action::ProjectReadName,
        res,
        target.clone(),
        true,
    )?;
    if action != Action::ProjectReadName {
        check(conn, st, caller, action, res, target, false)?;
    }
    Ok((p, res))
}

pub fn history(conn: &mut DbConn, project: &str) -> QueryResult<Vec<ProjectEvent>> {
    let rows: Vec<(NaiveDateTime, String, String, Option<String>)> = project_events::table
        .filter(project_events::project_id.eq(project))
        .order((project_events::at.asc(), project_events::id.asc()))
        .select((
            project_events::at,
            project_events::actor_id,
            project_events::kind,
            project_events::comment,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, actor_id, kind, comment)| ProjectEvent {
            at: utc(at),
            actor_id,
            kind,
            comment,
        })
        .collect())
}

pub fn event(
    conn: &mut DbConn,
    project: &str,
    now: DateTime<Utc>,
    actor: &str,
    kind: &str,
    comment: Option<&str>,
) -> QueryResult<()> {
    diesel::insert_into(project_events::table)
        .values((
            project_events::id.eq(uuid::Uuid::now_v7().to_string()),
            project_events::project_id.eq(project),
            project_events::at.eq(db_time(now)),
            project_events::actor_id.eq(actor),
            project_events::kind.eq(kind),
            project_events::comment.eq(comment),
        ))
        .execute(conn)
        .map(drop)
}
