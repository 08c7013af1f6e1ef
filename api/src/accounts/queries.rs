//! Diesel queries over `users` (and the hierarchy) used by accounts and auth.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use habilis_shared::dto::{AccountState, DateFormat, Language, PersonalData, UserView};
use habilis_shared::policy::{Actor, Policy, Profile, Relation};

use crate::clock::{db_time, utc};
use crate::db::schema::users;
use crate::db::{lower, native, DbConn};

/// How deep supervision chains may go: novice → confirmed → expert, with
/// one level of slack (SPEC §2.1).
const MAX_DEPTH: usize = 4;

#[derive(Queryable, Selectable, Identifiable, Debug, Clone)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub email_key: String,
    pub first_name: String,
    pub last_name: String,
    pub profile: String,
    pub state: String,
    pub supervisor_id: Option<String>,
    pub created_by: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub language: String,
    pub date_format: String,
    pub phone: Option<String>,
    pub charter_version: Option<String>,
    pub charter_accepted_at: Option<NaiveDateTime>,
    pub activated_at: Option<NaiveDateTime>,
    pub last_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl UserRow {
    /// A row the code did not write (hand-edited) never gains rights: an
    /// unknown profile reads as `public`, an unknown state as `blocked`.
    pub fn profile(&self) -> Profile {
        self.profile.parse().unwrap_or(Profile::Public)
    }

    pub fn state(&self) -> AccountState {
        AccountState::parse(&self.state).unwrap_or(AccountState::Blocked)
    }

    pub fn actor(&self, policy: &Policy) -> Actor {
        Actor {
            profile: self.profile(),
            charter_accepted: self.charter_version.as_deref()
                == Some(policy.charter_version.as_str()),
        }
    }

    /// The account's interface language (English if the stored code is
    /// unknown).
    pub fn language(&self) -> Language {
        Language::parse(&self.language).unwrap_or(Language::En)
    }

    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// The view of this account for a viewer: personal data only when
    /// `personal` (owner or webmaster, SPEC §2.5).
    pub fn view(&self, personal: bool) -> UserView {
        UserView {
            id: self.id.clone(),
            email: self.email.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            profile: self.profile(),
            state: self.state(),
            supervisor_id: self.supervisor_id.clone(),
            created_at: utc(self.created_at),
            personal: personal.then(|| PersonalData {
                language: self.language(),
                date_format: DateFormat::parse(&self.date_format)
                    .unwrap_or(DateFormat::DayMonthYear),
                phone: self.phone.clone(),
                must_change_password: self.must_change_password,
                charter_version: self.charter_version.clone(),
                charter_accepted_at: self.charter_accepted_at.map(utc),
                last_login_at: self.last_login_at.map(utc),
            }),
        }
    }
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<UserRow>> {
    // On every read of an account: the backend's own statement cache.
    native!(conn, |c| users::table
        .find(id)
        .select(UserRow::as_select())
        .first(c)
        .optional())
}

pub fn find_by_email_key(conn: &mut DbConn, key: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email_key.eq(key))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// The ids above `user` (its supervisor, theirs, …), nearest first.
pub fn supervisor_chain(conn: &mut DbConn, user: &UserRow) -> QueryResult<Vec<String>> {
    walk_up(conn, user, None)
}

/// Whether `ancestor` is somewhere above `user`. The walk stops on finding
/// it: one statement per level strictly between them, none for the level
/// above it (an expert reading a novice two levels down costs one look-up).
pub fn is_above(conn: &mut DbConn, ancestor: &str, user: &UserRow) -> QueryResult<bool> {
    Ok(walk_up(conn, user, Some(ancestor))?
        .last()
        .is_some_and(|id| id == ancestor))
}

/// The chain above `user`, nearest first, ending early at `stop`; a cycle
/// or a chain deeper than [`MAX_DEPTH`] ends it too.
fn walk_up(conn: &mut DbConn, user: &UserRow, stop: Option<&str>) -> QueryResult<Vec<String>> {
    let mut chain = Vec::new();
    let mut next = user.supervisor_id.clone();
    while let Some(id) = next {
        if chain.len() >= MAX_DEPTH || chain.contains(&id) || id == user.id {
            break;
        }
        if stop == Some(id.as_str()) {
            chain.push(id);
            break;
        }
        next = native!(&mut *conn, |c| users::table
            .find(&id)
            .select(users::supervisor_id)
            .first::<Option<String>>(c)
            .optional())?
        .flatten();
        chain.push(id);
    }
    Ok(chain)
}

/// How `target` relates to `viewer` in the supervision hierarchy.
pub fn relation(conn: &mut DbConn, viewer: &UserRow, target: &UserRow) -> QueryResult<Relation> {
    if viewer.id == target.id {
        return Ok(Relation::Myself);
    }
    if is_above(conn, &target.id, viewer)? {
        return Ok(Relation::Supervisor);
    }
    if is_above(conn, &viewer.id, target)? {
        return Ok(Relation::Subordinate);
    }
    Ok(Relation::Other)
}

/// Ids of everyone in `root`'s supervision subtree (excluding `root`),
/// level by level.
pub fn subtree_ids(conn: &mut DbConn, root: &str) -> QueryResult<Vec<String>> {
    let mut all = Vec::new();
    let mut frontier = vec![root.to_owned()];
    for _ in 0..MAX_DEPTH {
        if frontier.is_empty() {
            break;
        }
        let next: Vec<String> = users::table
            .filter(users::supervisor_id.eq_any(&frontier))
            .select(users::id)
            .load(conn)?;
        frontier = next
            .into_iter()
            .filter(|id| id != root && !all.contains(id))
            .collect();
        all.extend(frontier.iter().cloned());
    }
    Ok(all)
}

pub fn count_profile(conn: &mut DbConn, profile: Profile) -> QueryResult<i64> {
    users::table
        .filter(users::profile.eq(profile.as_str()))
        .filter(users::state.ne(AccountState::Deleted.as_str()))
        .count()
        .get_result(conn)
}

/// Ids of accounts of the given profiles that can receive mail.
pub fn emails_of_profiles(conn: &mut DbConn, profiles: &[Profile]) -> QueryResult<Vec<String>> {
    let names: Vec<&str> = profiles.iter().map(|p| p.as_str()).collect();
    users::table
        .filter(users::profile.eq_any(names))
        .filter(users::state.ne(AccountState::Deleted.as_str()))
        .select(users::email)
        .load(conn)
}

pub fn set_state(
    conn: &mut DbConn,
    id: &str,
    state: AccountState,
    now: DateTime<Utc>,
) -> QueryResult<()> {
    diesel::update(users::table.find(id))
        .set((
            users::state.eq(state.as_str()),
            users::updated_at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// Erases the personal data and the login of `id`, leaving the row as a
/// tombstone: "Former member", an address that cannot receive mail, a
/// password hash nothing matches, state `deleted`.
pub fn erase_personal_data(conn: &mut DbConn, id: &str, now: DateTime<Utc>) -> QueryResult<()> {
    let tomb = format!("former-{id}@deleted.invalid");
    diesel::update(users::table.find(id))
        .set((
            users::first_name.eq("Former"),
            users::last_name.eq("member"),
            users::email.eq(&tomb),
            users::email_key.eq(&tomb),
            users::phone.eq(None::<String>),
            users::password_hash.eq("!"),
            users::must_change_password.eq(false),
            users::state.eq(AccountState::Deleted.as_str()),
            users::updated_at.eq(db_time(now)),
        ))
        .execute(conn)
        .map(drop)
}

/// The ids a viewer who may not see everyone may list: self, the
/// supervisors above, everyone in the subtree below (SPEC §2.5).
pub fn visible_ids(conn: &mut DbConn, viewer: &UserRow) -> QueryResult<Vec<String>> {
    let mut ids = vec![viewer.id.clone()];
    ids.extend(supervisor_chain(conn, viewer)?);
    ids.extend(subtree_ids(conn, &viewer.id)?);
    Ok(ids)
}

/// `q%` with LIKE's own metacharacters escaped: a prefix. Folded to lower
/// case by SQL's `lower()`, like the columns it is compared with, so both
/// sides fold the same way on either backend.
fn prefix_pattern(q: &str) -> String {
    let mut p = String::new();
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Up to `limit` accounts after the id `after`, oldest first: only those of
/// `among` when given; when `search` is given, only those whose first name,
/// last name, full name ("first last") or e-mail starts with it, in any
/// case (SPEC §11 pickers).
pub fn page(
    conn: &mut DbConn,
    after: Option<String>,
    among: Option<Vec<String>>,
    search: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<UserRow>> {
    let mut q = users::table
        .select(UserRow::as_select())
        .order(users::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(users::id.gt(after));
    }
    if let Some(ids) = among {
        q = q.filter(users::id.eq_any(ids));
    }
    if let Some(pattern) = search.map(prefix_pattern) {
        let starts = || lower(pattern.clone());
        let full_name = lower(users::first_name.concat(" ").concat(users::last_name));
        q = q.filter(
            users::email_key
                .like(starts())
                .escape('\\')
                .or(lower(users::first_name).like(starts()).escape('\\'))
                .or(lower(users::last_name).like(starts()).escape('\\'))
                .or(full_name.like(starts()).escape('\\')),
        );
    }
    q.load(conn)
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_search_is_a_prefix_with_wildcards_escaped() {
        assert_eq!(super::prefix_pattern("Zoë"), "Zoë%");
        assert_eq!(super::prefix_pattern("a_b%c\\"), "a\\_b\\%c\\\\%");
    }
}
