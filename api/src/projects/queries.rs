//! Diesel over `projects`, `project_events`, `participants` and the
//! project's approval request: named rows and statements, and how a caller
//! stands to a project (the [`Resource::Project`] the policy decides on).
//! No rule here.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Text};
use habilis_shared::dto::{
    DataClass, ParticipantState, ParticipantView, ProjectEvent, ProjectState, ProjectView,
};
use habilis_shared::policy::{OrgRole, ProjectRelation, Resource};
use habilis_shared::Email;

use crate::auth::Caller;
use crate::clock::{db_time, utc};
use crate::db::schema::{
    approval_requests, approvals, memberships, participants as participant_rows, project_events,
    projects, works,
};
use crate::db::{native, DbConn};
use crate::orgs;

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
    grants(caller.id().to_owned(), caller.user.email_key.clone())
}

/// [`granted_to`] the account `id` with the e-mail key `email_key`.
fn grants(id: String, email_key: String) -> GrantedTo {
    participant_rows::state
        .ne(ParticipantState::Revoked.as_str())
        .and(
            participant_rows::user_id
                .eq(id)
                .or(participant_rows::email_key.eq(email_key)),
        )
}

/// Is `caller` a participant of `project`?
pub fn participates(conn: &mut DbConn, project: &str, caller: &Caller) -> QueryResult<bool> {
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

/// One line of a project's history, as stored.
#[derive(Queryable, Debug, Clone)]
pub struct EventRow {
    pub at: NaiveDateTime,
    pub actor_id: String,
    pub kind: String,
    pub comment: Option<String>,
}

pub fn history(conn: &mut DbConn, project: &str) -> QueryResult<Vec<ProjectEvent>> {
    let rows: Vec<EventRow> = project_events::table
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
        .map(|r| ProjectEvent {
            at: utc(r.at),
            actor_id: r.actor_id,
            kind: r.kind,
            comment: r.comment,
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

pub struct NewProject<'a> {
    pub id: &'a str,
    pub organization_id: &'a str,
    pub name: &'a str,
    pub data_class: DataClass,
    pub domain: &'a str,
    pub description: &'a str,
    pub owner_id: &'a str,
    pub sponsor_id: &'a str,
    pub data_steward_id: &'a str,
    pub at: NaiveDateTime,
}

/// Inserts a `pending` project.
pub fn insert(conn: &mut DbConn, p: &NewProject<'_>) -> QueryResult<usize> {
    diesel::insert_into(projects::table)
        .values((
            projects::id.eq(p.id),
            projects::organization_id.eq(p.organization_id),
            projects::name.eq(p.name),
            projects::data_class.eq(p.data_class.as_str()),
            projects::domain.eq(p.domain),
            projects::description.eq(p.description),
            projects::owner_id.eq(p.owner_id),
            projects::sponsor_id.eq(p.sponsor_id),
            projects::data_steward_id.eq(p.data_steward_id),
            projects::state.eq(ProjectState::Pending.as_str()),
            projects::created_at.eq(p.at),
            projects::updated_at.eq(p.at),
        ))
        .execute(conn)
}

/// Opens an approval request on a subject (`project`, `order`) and one
/// pending approval per (approver, role); returns the request's id.
pub fn request_approval(
    conn: &mut DbConn,
    subject_type: &str,
    subject_id: &str,
    requested_by: &str,
    approvers: &[(&str, &str)],
    at: NaiveDateTime,
) -> QueryResult<String> {
    let request = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(approval_requests::table)
        .values((
            approval_requests::id.eq(&request),
            approval_requests::subject_type.eq(subject_type),
            approval_requests::subject_id.eq(subject_id),
            approval_requests::requested_by.eq(requested_by),
            approval_requests::state.eq("pending"),
            approval_requests::created_at.eq(at),
        ))
        .execute(conn)?;
    for (approver, role) in approvers {
        diesel::insert_into(approvals::table)
            .values((
                approvals::id.eq(uuid::Uuid::now_v7().to_string()),
                approvals::request_id.eq(&request),
                approvals::approver_id.eq(*approver),
                approvals::approver_role.eq(*role),
            ))
            .execute(conn)?;
    }
    Ok(request)
}

type Backend = <DbConn as diesel::Connection>::Backend;
/// A condition on projects, built from the policy's decisions.
pub type ProjectFilter = Box<dyn BoxableExpression<projects::table, Backend, SqlType = Bool>>;

/// How the caller stands to every project at once, read in two statements:
/// their active role in each organisation and the projects they were
/// granted. [`Standing::resource`] then gives, without a query, what
/// [`resource`] gives for one project.
pub struct Standing {
    me: String,
    email_key: String,
    roles: HashMap<String, OrgRole>,
    granted: HashSet<String>,
}

pub fn standing(conn: &mut DbConn, caller: &Caller) -> QueryResult<Standing> {
    // Every list of projects: on the backend's own statement cache, in one
    // statement (one round trip): each organisation with the role held in
    // it, then each project granted, with an empty role.
    let rows: Vec<(String, String)> = native!(&mut *conn, |c| memberships::table
        .filter(memberships::user_id.eq(caller.id()))
        .filter(memberships::state.eq(habilis_shared::dto::MembershipState::Active.as_str()))
        .select((memberships::organization_id, memberships::role))
        .union_all(
            participant_rows::table
                .filter(granted_to(caller))
                .select((participant_rows::project_id, "".into_sql::<Text>())),
        )
        .load(c))?;
    let (granted, roles): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|(_, role)| role.is_empty());
    let granted = granted.into_iter().map(|(project, _)| project);
    Ok(Standing {
        me: caller.id().to_owned(),
        email_key: caller.user.email_key.clone(),
        roles: roles
            .into_iter()
            .filter_map(|(org, role)| Some((org, role.parse().ok()?)))
            .collect(),
        granted: granted.into_iter().collect(),
    })
}

/// Every relation, in the order [`relation`] tries them.
const RELATIONS: [ProjectRelation; 5] = [
    ProjectRelation::Owner,
    ProjectRelation::Sponsor,
    ProjectRelation::DataSteward,
    ProjectRelation::Participant,
    ProjectRelation::None,
];

impl Standing {
    fn relation(&self, p: &ProjectRow) -> ProjectRelation {
        if p.owner_id == self.me {
            ProjectRelation::Owner
        } else if p.sponsor_id == self.me {
            ProjectRelation::Sponsor
        } else if p.data_steward_id == self.me {
            ProjectRelation::DataSteward
        } else if self.granted.contains(&p.id) {
            ProjectRelation::Participant
        } else {
            ProjectRelation::None
        }
    }

    /// The [`Resource::Project`] of `p` for the caller.
    pub fn resource(&self, p: &ProjectRow) -> Resource {
        Resource::Project {
            org_role: self.roles.get(&p.organization_id).copied(),
            relation: self.relation(p),
        }
    }

    /// The projects where the caller stands in `relation` (as [`relation`]
    /// decides it: the first that holds).
    fn relation_filter(&self, relation: ProjectRelation) -> ProjectFilter {
        let me = || self.me.clone();
        // Sub-selects rather than lists of values: the SQL text of a list
        // then depends on what the caller may see, not on how many projects
        // or organisations that is, so that the backend's statement cache
        // keeps it (a list of binds is never cached on SQLite).
        let granted = || {
            participant_rows::table
                .filter(grants(self.me.clone(), self.email_key.clone()))
                .select(participant_rows::project_id)
        };
        let none_of_three = || {
            projects::owner_id
                .ne(me())
                .and(projects::sponsor_id.ne(me()))
                .and(projects::data_steward_id.ne(me()))
        };
        match relation {
            ProjectRelation::Owner => Box::new(projects::owner_id.eq(me())),
            ProjectRelation::Sponsor => Box::new(
                projects::owner_id
                    .ne(me())
                    .and(projects::sponsor_id.eq(me())),
            ),
            ProjectRelation::DataSteward => Box::new(
                projects::owner_id
                    .ne(me())
                    .and(projects::sponsor_id.ne(me()))
                    .and(projects::data_steward_id.eq(me())),
            ),
            ProjectRelation::Participant => {
                Box::new(none_of_three().and(projects::id.eq_any(granted())))
            }
            ProjectRelation::None => Box::new(none_of_three().and(projects::id.ne_all(granted()))),
        }
    }

    /// The projects whose organisation gives the caller `role` (`None`:
    /// the organisations they have no active role in).
    fn org_filter(&self, role: Option<OrgRole>) -> ProjectFilter {
        let active = memberships::table
            .filter(memberships::user_id.eq(self.me.clone()))
            .filter(memberships::state.eq(habilis_shared::dto::MembershipState::Active.as_str()));
        match role {
            Some(r) => Box::new(
                projects::organization_id.eq_any(
                    active
                        .filter(memberships::role.eq(r.as_str()))
                        .select(memberships::organization_id),
                ),
            ),
            None => Box::new(
                projects::organization_id.ne_all(active.select(memberships::organization_id)),
            ),
        }
    }

    /// The projects on which the policy allows `action` to the caller, as
    /// a SQL condition derived from its own decisions: for each role the
    /// caller holds (or none) and each relation, whether `decide` allows.
    pub fn filter(&self, allows: impl Fn(Resource) -> bool) -> ProjectFilter {
        let mut roles: Vec<Option<OrgRole>> = vec![None];
        for r in self.roles.values() {
            if !roles.contains(&Some(*r)) {
                roles.push(Some(*r));
            }
        }
        let mut filter: ProjectFilter = Box::new(projects::id.ne(projects::id));
        for org_role in roles {
            let relations: Vec<ProjectRelation> = RELATIONS
                .into_iter()
                .filter(|relation| {
                    allows(Resource::Project {
                        org_role,
                        relation: *relation,
                    })
                })
                .collect();
            if relations.is_empty() {
                continue;
            }
            let mut these: ProjectFilter = Box::new(projects::id.ne(projects::id));
            if relations.len() == RELATIONS.len() {
                these = Box::new(projects::id.eq(projects::id));
            } else {
                for relation in relations {
                    these = Box::new(these.or(self.relation_filter(relation)));
                }
            }
            filter = Box::new(filter.or(self.org_filter(org_role).and(these)));
        }
        filter
    }
}

/// What a list of projects asks for: what the caller may see, filters,
/// the (name, id) the page starts after, `limit` rows at most.
pub struct ProjectSelection {
    pub visible: ProjectFilter,
    pub organization_id: Option<String>,
    pub state: Option<ProjectState>,
    pub after: Option<(String, String)>,
    pub limit: i64,
}

/// A page of projects, by name then id.
pub fn page(conn: &mut DbConn, sel: ProjectSelection) -> QueryResult<Vec<ProjectRow>> {
    let mut q = projects::table
        .order((projects::name.asc(), projects::id.asc()))
        .limit(sel.limit)
        .select(ProjectRow::as_select())
        .into_boxed();
    q = q.filter(sel.visible);
    if let Some(org) = sel.organization_id {
        q = q.filter(projects::organization_id.eq(org));
    }
    if let Some(state) = sel.state {
        q = q.filter(projects::state.eq(state.as_str()));
    }
    if let Some((name, id)) = sel.after {
        q = q.filter(
            projects::name
                .gt(name.clone())
                .or(projects::name.eq(name).and(projects::id.gt(id))),
        );
    }
    q.load(conn)
}

/// What a manager may edit; `None` leaves a field as it is.
pub struct ProjectEdit<'a> {
    pub name: Option<&'a str>,
    pub domain: Option<&'a str>,
    pub description: Option<&'a str>,
    pub at: NaiveDateTime,
}

pub fn edit(conn: &mut DbConn, id: &str, edit: &ProjectEdit<'_>) -> QueryResult<()> {
    let one = projects::table.find(id);
    if let Some(n) = edit.name {
        diesel::update(one)
            .set(projects::name.eq(n))
            .execute(conn)?;
    }
    if let Some(d) = edit.domain {
        diesel::update(one)
            .set(projects::domain.eq(d))
            .execute(conn)?;
    }
    if let Some(d) = edit.description {
        diesel::update(one)
            .set(projects::description.eq(d))
            .execute(conn)?;
    }
    diesel::update(one)
        .set(projects::updated_at.eq(edit.at))
        .execute(conn)
        .map(drop)
}

/// The state of a project, read under [`lock`], so that it cannot change
/// between a caller's check and its write (works and datasets go into
/// active projects only). `None`: no such project.
pub fn locked_state(conn: &mut DbConn, id: &str) -> QueryResult<Option<ProjectState>> {
    lock(conn, id)?;
    Ok(find(conn, id)?.map(|p| p.state()))
}

/// Locks the project row against new children (events, participants)
/// committed by a racing request or job while it is deleted: PostgreSQL
/// would refuse the final delete with a foreign-key violation. On SQLite
/// `write_tx` already holds the only write lock.
pub fn lock(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        projects::table
            .find(id)
            .select(projects::id)
            .for_update()
            .first::<String>(pg)
            .optional()?;
    }
    Ok(())
}

/// The ids of the works filed in `project`.
pub fn works_in(conn: &mut DbConn, project: &str) -> QueryResult<Vec<String>> {
    works::table
        .filter(works::project_id.eq(project))
        .order(works::id.asc())
        .select(works::id)
        .load(conn)
}

/// Takes the work out of `project`.
pub fn unfile(
    conn: &mut DbConn,
    work: &str,
    project: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        works::table
            .filter(works::id.eq(work))
            .filter(works::project_id.eq(project)),
    )
    .set((works::project_id.eq(None::<&str>), works::updated_at.eq(at)))
    .execute(conn)
}

/// Deletes the project with its approval request, participants and history.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    let requests: Vec<String> = approval_requests::table
        .filter(approval_requests::subject_type.eq("project"))
        .filter(approval_requests::subject_id.eq(id))
        .select(approval_requests::id)
        .load(conn)?;
    diesel::delete(approvals::table.filter(approvals::request_id.eq_any(&requests)))
        .execute(conn)?;
    diesel::delete(approval_requests::table.filter(approval_requests::id.eq_any(&requests)))
        .execute(conn)?;
    diesel::delete(participant_rows::table.filter(participant_rows::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(project_events::table.filter(project_events::project_id.eq(id)))
        .execute(conn)?;
    diesel::delete(projects::table.find(id))
        .execute(conn)
        .map(drop)
}

/// Compare-and-set `from` → `to`; the count says whether it applied.
pub fn set_state(
    conn: &mut DbConn,
    id: &str,
    from: ProjectState,
    to: ProjectState,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        projects::table
            .filter(projects::id.eq(id))
            .filter(projects::state.eq(from.as_str())),
    )
    .set((projects::state.eq(to.as_str()), projects::updated_at.eq(at)))
    .execute(conn)
}

/// A participant row as listed.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = participant_rows)]
pub struct ParticipantRow {
    pub id: String,
    pub project_id: String,
    pub user_id: Option<String>,
    pub email: String,
    pub role: Option<String>,
    pub state: String,
    pub invited_by: String,
    pub invited_at: NaiveDateTime,
}

impl ParticipantRow {
    pub fn view(self) -> ParticipantView {
        ParticipantView {
            state: ParticipantState::parse(&self.state).unwrap_or(ParticipantState::Revoked),
            invited_at: utc(self.invited_at),
            id: self.id,
            project_id: self.project_id,
            user_id: self.user_id,
            email: self.email,
            role: self.role,
            invited_by: self.invited_by,
        }
    }
}

pub fn participant(conn: &mut DbConn, id: &str) -> QueryResult<ParticipantRow> {
    participant_rows::table
        .find(id)
        .select(ParticipantRow::as_select())
        .first(conn)
}

/// Up to `limit` participants of `project` after the id `after`, oldest
/// first (ids grow with time).
pub fn participants(
    conn: &mut DbConn,
    project: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ParticipantRow>> {
    let mut q = participant_rows::table
        .filter(participant_rows::project_id.eq(project.to_owned()))
        .order(participant_rows::id.asc())
        .limit(limit)
        .select(ParticipantRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(participant_rows::id.gt(after.to_owned()));
    }
    q.load(conn)
}

/// Does the address `email_key` already take part (not revoked)?
pub fn takes_part(conn: &mut DbConn, project: &str, email_key: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        participant_rows::table
            .filter(participant_rows::project_id.eq(project))
            .filter(participant_rows::email_key.eq(email_key))
            .filter(participant_rows::state.ne(ParticipantState::Revoked.as_str())),
    ))
    .get_result(conn)
}

pub struct NewParticipant<'a> {
    pub id: &'a str,
    pub project_id: &'a str,
    pub user_id: Option<&'a str>,
    pub email: &'a Email,
    pub role: Option<&'a str>,
    pub state: ParticipantState,
    pub invited_by: &'a str,
    pub at: NaiveDateTime,
}

pub fn insert_participant(conn: &mut DbConn, p: &NewParticipant<'_>) -> QueryResult<usize> {
    diesel::insert_into(participant_rows::table)
        .values((
            participant_rows::id.eq(p.id),
            participant_rows::project_id.eq(p.project_id),
            participant_rows::user_id.eq(p.user_id),
            participant_rows::email.eq(p.email.as_str()),
            participant_rows::email_key.eq(p.email.key()),
            participant_rows::role.eq(p.role),
            participant_rows::state.eq(p.state.as_str()),
            participant_rows::invited_by.eq(p.invited_by),
            participant_rows::invited_at.eq(p.at),
        ))
        .execute(conn)
}

/// Revokes participant `id` of `project` unless already revoked; the count
/// says whether it applied.
pub fn revoke_participant(
    conn: &mut DbConn,
    project: &str,
    id: &str,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        participant_rows::table
            .filter(participant_rows::id.eq(id))
            .filter(participant_rows::project_id.eq(project))
            .filter(participant_rows::state.ne(ParticipantState::Revoked.as_str())),
    )
    .set((
        participant_rows::state.eq(ParticipantState::Revoked.as_str()),
        participant_rows::revoked_by.eq(Some(by)),
        participant_rows::revoked_at.eq(Some(at)),
    ))
    .execute(conn)
}
