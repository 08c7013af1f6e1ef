//! Diesel queries over `works` and `annotations`, and the visibility filter.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::Bool;
use habilis_shared::dto::{AnnotationView, WorkView};
use habilis_shared::policy::{Action, Profile, Relation, Resource, WorkState};

use crate::accounts::queries::{self as users_q, UserRow};
use crate::accounts::secondment;
use crate::clock::utc;
use crate::db::schema::{annotations, users, works, works_project_cleared};
use crate::db::DbConn;
use crate::state::AppState;

type Backend = <DbConn as diesel::Connection>::Backend;
pub type WorkFilter = Box<dyn BoxableExpression<works::table, Backend, SqlType = Bool>>;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = works)]
pub struct WorkRow {
    pub id: String,
    pub owner_id: String,
    pub author_id: String,
    pub title: String,
    pub summary: String,
    pub state: String,
    pub project_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
}

impl WorkRow {
    /// A hand-edited unknown state reads as a draft: the most private.
    pub fn state(&self) -> WorkState {
        WorkState::parse(&self.state).unwrap_or(WorkState::Draft)
    }

    pub fn view(&self) -> WorkView {
        WorkView {
            id: self.id.clone(),
            owner_id: self.owner_id.clone(),
            author_id: self.author_id.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            state: self.state(),
            project_id: self.project_id.clone(),
            created_at: utc(self.created_at),
            updated_at: utc(self.updated_at),
            published_at: self.published_at.map(utc),
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<WorkRow>> {
    works::table
        .find(id)
        .select(WorkRow::as_select())
        .first(conn)
        .optional()
}

/// The resource `decide` needs for `viewer` and this work. The host of an
/// open secondment stands as a supervisor for the works created during the
/// window (SPEC §2.5), and only for those.
pub fn resource(
    conn: &mut DbConn,
    st: &AppState,
    viewer: &UserRow,
    work: &WorkRow,
) -> QueryResult<Resource> {
    let owner = users_q::find(conn, &work.owner_id)?;
    let (profile, relation) = match owner {
        Some(o) => {
            let base = users_q::relation(conn, viewer, &o)?;
            let relation = match secondment::reading_relation(conn, st, &viewer.id, &o.id, base)? {
                (hosted, Some(w)) if w.contains(work.created_at) => hosted,
                _ => base,
            };
            (o.profile(), relation)
        }
        None => (Profile::Public, Relation::Other),
    };
    Ok(Resource::Work {
        owner: profile,
        relation,
        state: work.state(),
    })
}

fn states(list: &[WorkState]) -> Vec<&'static str> {
    list.iter().map(|s| s.as_str()).collect()
}

/// The works `viewer` may see, as a SQL condition derived from the policy's
/// own decisions: one's own works; published ones if the policy shows them
/// to unrelated people; for each person of the subtree, the states the
/// policy lets a supervisor see (grouped by identical answers). `None`
/// means everything (the webmaster).
pub fn visibility_filter(
    conn: &mut DbConn,
    st: &AppState,
    viewer: &UserRow,
) -> QueryResult<Option<WorkFilter>> {
    let actor = viewer.actor(&st.policy);
    let sees = |owner: Profile, relation: Relation, state: WorkState| {
        st.policy
            .decide(
                &actor,
                &Action::WorkRead,
                &Resource::Work {
                    owner,
                    relation,
                    state,
                },
            )
            .allowed
    };
    if st.policy.sees_every_work(&actor) {
        return Ok(None);
    }
    let mut filter: WorkFilter = Box::new(works::owner_id.eq(viewer.id.clone()));
    if st.policy.sees_published_works(&actor) {
        filter = Box::new(filter.or(works::state.eq(WorkState::Published.as_str())));
    }
    let below = users_q::subtree_ids(conn, &viewer.id)?;
    if !below.is_empty() {
        let profiles: Vec<(String, String)> = users::table
            .filter(users::id.eq_any(&below))
            .select((users::id, users::profile))
            .load(conn)?;
        let mut groups: BTreeMap<Vec<WorkState>, Vec<String>> = BTreeMap::new();
        for (id, profile) in profiles {
            let profile = profile.parse().unwrap_or(Profile::Public);
            let visible: Vec<WorkState> = WorkState::ALL
                .into_iter()
                .filter(|s| sees(profile, Relation::Subordinate, *s))
                .collect();
            if !visible.is_empty() {
                groups.entry(visible).or_default().push(id);
            }
        }
        for (visible, ids) in groups {
            filter = Box::new(
                filter.or(works::owner_id
                    .eq_any(ids)
                    .and(works::state.eq_any(states(&visible)))),
            );
        }
    }
    // Hosts of an open secondment: the works created during the window,
    // in the states a supervisor of that profile sees.
    for (person, w) in secondment::hosted_now(conn, st, &viewer.id)? {
        let Some(profile) = users_q::find(conn, &person)?.map(|u| u.profile()) else {
            continue;
        };
        let visible: Vec<WorkState> = WorkState::ALL
            .into_iter()
            .filter(|s| sees(profile, Relation::Subordinate, *s))
            .collect();
        if !visible.is_empty() {
            filter = Box::new(
                filter.or(works::owner_id
                    .eq(person)
                    .and(works::created_at.ge(w.starts_at))
                    .and(works::created_at.lt(w.ends_at))
                    .and(works::state.eq_any(states(&visible)))),
            );
        }
    }
    Ok(Some(filter))
}

/// What a list asks for beyond visibility: after a cursor, one owner, one
/// state; `limit` rows at most.
pub struct WorkSelection {
    pub visible: Option<WorkFilter>,
    pub after: Option<String>,
    pub owner_id: Option<String>,
    pub project_id: Option<String>,
    pub state: Option<WorkState>,
    pub limit: i64,
}

/// The works of `sel`, by id.
pub fn page(conn: &mut DbConn, sel: WorkSelection) -> QueryResult<Vec<WorkRow>> {
    let mut q = works::table
        .select(WorkRow::as_select())
        .order(works::id.asc())
        .limit(sel.limit)
        .into_boxed();
    if let Some(filter) = sel.visible {
        q = q.filter(filter);
    }
    if let Some(after) = sel.after {
        q = q.filter(works::id.gt(after));
    }
    if let Some(owner) = sel.owner_id {
        q = q.filter(works::owner_id.eq(owner));
    }
    if let Some(project) = sel.project_id {
        q = q.filter(works::project_id.eq(project));
    }
    if let Some(s) = sel.state {
        q = q.filter(works::state.eq(s.as_str()));
    }
    q.load(conn)
}

pub struct NewWork<'a> {
    pub id: &'a str,
    pub owner_id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub project_id: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// Inserts a draft written and owned by `owner_id`.
pub fn insert(conn: &mut DbConn, w: &NewWork<'_>) -> QueryResult<usize> {
    diesel::insert_into(works::table)
        .values((
            works::id.eq(w.id),
            works::owner_id.eq(w.owner_id),
            works::author_id.eq(w.owner_id),
            works::title.eq(w.title),
            works::summary.eq(w.summary),
            works::state.eq(WorkState::Draft.as_str()),
            works::project_id.eq(w.project_id),
            works::created_at.eq(w.at),
            works::updated_at.eq(w.at),
        ))
        .execute(conn)
}

/// Compare-and-set `from` → `to` (stamping publication); the count says
/// whether it applied.
pub fn set_state(
    conn: &mut DbConn,
    id: &str,
    from: WorkState,
    to: WorkState,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        works::table
            .filter(works::id.eq(id))
            .filter(works::state.eq(from.as_str())),
    )
    .set((
        works::state.eq(to.as_str()),
        works::updated_at.eq(at),
        works::published_at.eq((to == WorkState::Published).then_some(at)),
    ))
    .execute(conn)
}

/// Compare-and-set the owner `from` → `to`; the count says whether it
/// applied.
pub fn set_owner(
    conn: &mut DbConn,
    id: &str,
    from: &str,
    to: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        works::table
            .filter(works::id.eq(id))
            .filter(works::owner_id.eq(from)),
    )
    .set((works::owner_id.eq(to), works::updated_at.eq(at)))
    .execute(conn)
}

/// Compare-and-set the project `from` → `to`; the count says whether it
/// applied.
pub fn set_project(
    conn: &mut DbConn,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    let target = works::table.filter(works::id.eq(id));
    let set = (works::project_id.eq(to), works::updated_at.eq(at));
    match from {
        Some(from) => diesel::update(target.filter(works::project_id.eq(from)))
            .set(set)
            .execute(conn),
        None => diesel::update(target.filter(works::project_id.is_null()))
            .set(set)
            .execute(conn),
    }
}

/// A project reference the `works_project_fk` migration cleared.
#[derive(Queryable, Selectable, Debug)]
#[diesel(table_name = works_project_cleared)]
pub struct ClearedProject {
    pub work_id: String,
    pub project_id: String,
    pub cleared_at: NaiveDateTime,
}

pub fn cleared_projects(conn: &mut DbConn) -> QueryResult<Vec<ClearedProject>> {
    works_project_cleared::table
        .order(works_project_cleared::work_id.asc())
        .select(ClearedProject::as_select())
        .load(conn)
}

pub fn forget_cleared(conn: &mut DbConn, work: &str) -> QueryResult<usize> {
    diesel::delete(works_project_cleared::table.find(work)).execute(conn)
}

/// Deletes the work with its annotations.
pub fn delete(conn: &mut DbConn, id: &str) -> QueryResult<()> {
    diesel::delete(annotations::table.filter(annotations::work_id.eq(id))).execute(conn)?;
    diesel::delete(works::table.find(id))
        .execute(conn)
        .map(drop)
}

/// An annotation as stored.
#[derive(Queryable, Selectable, Insertable, Debug, Clone)]
#[diesel(table_name = annotations)]
pub struct AnnotationRow {
    pub id: String,
    pub work_id: String,
    pub author_id: String,
    pub body: String,
    pub created_at: NaiveDateTime,
}

impl AnnotationRow {
    pub fn view(self) -> AnnotationView {
        AnnotationView {
            id: self.id,
            work_id: self.work_id,
            author_id: self.author_id,
            body: self.body,
            created_at: utc(self.created_at),
        }
    }
}

pub fn insert_annotation(conn: &mut DbConn, a: &AnnotationRow) -> QueryResult<usize> {
    diesel::insert_into(annotations::table)
        .values(a)
        .execute(conn)
}

/// The first thousand annotations of `work`, oldest first.
pub fn annotations(
    conn: &mut DbConn,
    work: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<AnnotationRow>> {
    let mut q = annotations::table
        .filter(annotations::work_id.eq(work.to_owned()))
        .order(annotations::id.asc())
        .limit(limit)
        .select(AnnotationRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(annotations::id.gt(after.to_owned()));
    }
    q.load(conn)
}
