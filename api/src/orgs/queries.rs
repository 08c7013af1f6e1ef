//! Diesel over `organizations`, `memberships` and `invitations`: named rows
//! and the statements the organisation rules are made of. No rule here.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use habilis_shared::dto::{
    AccountState, InvitationView, MemberView, MembershipState, OrganizationView,
};
use habilis_shared::policy::OrgRole;
use habilis_shared::Email;

use crate::clock::utc;
use crate::db::schema::{invitations, memberships, organizations, users};
use crate::db::DbConn;

#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = organizations)]
pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created_at: NaiveDateTime,
}

impl OrgRow {
    pub fn view(&self, my_role: Option<OrgRole>, members: i64) -> OrganizationView {
        OrganizationView {
            id: self.id.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            my_role,
            members,
            created_at: utc(self.created_at),
        }
    }
}

/// The key that makes names unique: trimmed, case-folded.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

pub fn find(conn: &mut DbConn, id: &str) -> QueryResult<Option<OrgRow>> {
    organizations::table
        .find(id)
        .select(OrgRow::as_select())
        .first(conn)
        .optional()
}

/// Up to `limit` organisations (every one, or only those in `ids`) after
/// the (name key, id) `after`, by name; each with its name key (the sort
/// key).
pub fn list(
    conn: &mut DbConn,
    ids: Option<Vec<String>>,
    after: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<(OrgRow, String)>> {
    let mut q = organizations::table
        .select((OrgRow::as_select(), organizations::name_key))
        .order((organizations::name_key.asc(), organizations::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(organizations::id.eq_any(ids));
    }
    if let Some((key, id)) = after {
        q = q.filter(
            organizations::name_key
                .gt(key.to_owned())
                .or(organizations::name_key
                    .eq(key.to_owned())
                    .and(organizations::id.gt(id.to_owned()))),
        );
    }
    q.load(conn)
}

/// How many members each of `orgs` has, in one statement.
pub fn member_counts(
    conn: &mut DbConn,
    orgs: &[String],
) -> QueryResult<std::collections::HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = memberships::table
        .filter(memberships::organization_id.eq_any(orgs))
        .group_by(memberships::organization_id)
        .select((memberships::organization_id, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// Does another organisation than `except` already use `key`?
pub fn name_taken(conn: &mut DbConn, key: &str, except: Option<&str>) -> QueryResult<bool> {
    // No organisation has the empty id: `None` excludes nothing.
    let others = organizations::table
        .filter(organizations::name_key.eq(key))
        .filter(organizations::id.ne(except.unwrap_or_default()));
    diesel::select(diesel::dsl::exists(others)).get_result(conn)
}

pub struct NewOrg<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub created_by: &'a str,
    pub at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConn, org: &NewOrg<'_>) -> QueryResult<usize> {
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(org.id),
            organizations::name.eq(org.name),
            organizations::name_key.eq(name_key(org.name)),
            organizations::description.eq(org.description),
            organizations::created_by.eq(org.created_by),
            organizations::created_at.eq(org.at),
            organizations::updated_at.eq(org.at),
        ))
        .execute(conn)
}

pub fn rename(conn: &mut DbConn, id: &str, name: &str) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::name.eq(name),
            organizations::name_key.eq(name_key(name)),
        ))
        .execute(conn)
}

pub fn describe(conn: &mut DbConn, id: &str, description: &str) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set(organizations::description.eq(description))
        .execute(conn)
}

pub fn touch(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(organizations::table.find(id))
        .set(organizations::updated_at.eq(at))
        .execute(conn)
}

/// One membership as stored: role and state, unparsed.
#[derive(Queryable, Debug, Clone)]
pub struct MembershipRow {
    pub role: String,
    pub state: String,
}

impl MembershipRow {
    /// A hand-edited unknown role reads as the least one.
    pub fn role(&self) -> OrgRole {
        self.role.parse().unwrap_or(OrgRole::User)
    }

    /// A hand-edited unknown state reads as blocked.
    pub fn state(&self) -> MembershipState {
        MembershipState::parse(&self.state).unwrap_or(MembershipState::Blocked)
    }

    /// The role it gives: none while blocked.
    pub fn active_role(&self) -> Option<OrgRole> {
        (MembershipState::parse(&self.state) == Some(MembershipState::Active))
            .then(|| self.role.parse().ok())
            .flatten()
    }
}

pub fn membership(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<Option<MembershipRow>> {
    memberships::table
        .find((org, user))
        .select((memberships::role, memberships::state))
        .first(conn)
        .optional()
}

/// `user`'s active role in `org` (a blocked membership has none).
pub fn role_of(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<Option<OrgRole>> {
    Ok(membership(conn, org, user)?.and_then(|m| m.active_role()))
}

/// An organisation `user` belongs to actively, with the role held there.
#[derive(Queryable, Debug, Clone)]
pub struct MyOrg {
    pub organization_id: String,
    pub role: String,
}

impl MyOrg {
    pub fn role(&self) -> Option<OrgRole> {
        self.role.parse().ok()
    }
}

pub fn active_orgs_of(conn: &mut DbConn, user: &str) -> QueryResult<Vec<MyOrg>> {
    memberships::table
        .filter(memberships::user_id.eq(user))
        .filter(memberships::state.eq(MembershipState::Active.as_str()))
        .select((memberships::organization_id, memberships::role))
        .load(conn)
}

pub fn member_count(conn: &mut DbConn, org: &str) -> QueryResult<i64> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .count()
        .get_result(conn)
}

pub fn is_member(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(memberships::table.find((org, user)))).get_result(conn)
}

/// The active managers of `org`.
pub fn active_managers(conn: &mut DbConn, org: &str) -> QueryResult<Vec<String>> {
    memberships::table
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::role.eq(OrgRole::Manager.as_str()))
        .filter(memberships::state.eq(MembershipState::Active.as_str()))
        .select(memberships::user_id)
        .load(conn)
}

pub fn add_member(
    conn: &mut DbConn,
    org: &str,
    user: &str,
    role: OrgRole,
    by: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(memberships::table)
        .values((
            memberships::organization_id.eq(org),
            memberships::user_id.eq(user),
            memberships::role.eq(role.as_str()),
            memberships::state.eq(MembershipState::Active.as_str()),
            memberships::added_by.eq(by),
            memberships::created_at.eq(at),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn set_role(
    conn: &mut DbConn,
    org: &str,
    user: &str,
    role: OrgRole,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(memberships::table.find((org, user)))
        .set((
            memberships::role.eq(role.as_str()),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn set_state(
    conn: &mut DbConn,
    org: &str,
    user: &str,
    state: MembershipState,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(memberships::table.find((org, user)))
        .set((
            memberships::state.eq(state.as_str()),
            memberships::updated_at.eq(at),
        ))
        .execute(conn)
}

pub fn remove_member(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<usize> {
    diesel::delete(memberships::table.find((org, user))).execute(conn)
}

/// A member as listed: the account and the membership.
#[derive(Queryable, Debug, Clone)]
pub struct MemberRow {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub account_state: String,
    pub role: String,
    pub state: String,
    pub added_at: NaiveDateTime,
}

type MemberColumns = (
    users::id,
    users::first_name,
    users::last_name,
    users::email,
    users::state,
    memberships::role,
    memberships::state,
    memberships::created_at,
);

/// What a member row shows, in [`MemberRow`] order.
const MEMBER_COLUMNS: MemberColumns = (
    users::id,
    users::first_name,
    users::last_name,
    users::email,
    users::state,
    memberships::role,
    memberships::state,
    memberships::created_at,
);

impl MemberRow {
    /// `None` for a row a hand edit made unreadable.
    pub fn view(self) -> Option<MemberView> {
        Some(MemberView {
            account_state: AccountState::parse(&self.account_state)?,
            role: self.role.parse().ok()?,
            state: MembershipState::parse(&self.state)?,
            added_at: utc(self.added_at),
            user_id: self.user_id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
        })
    }
}

/// Which members a page lists: filters, and the (last name, first name,
/// id) the page starts after.
pub struct MemberSelection {
    pub role: Option<OrgRole>,
    pub state: Option<MembershipState>,
    pub after: Option<(String, String, String)>,
    pub limit: i64,
}

/// A page of the members of `org`, by last name, first name, id.
pub fn members(conn: &mut DbConn, org: &str, sel: MemberSelection) -> QueryResult<Vec<MemberRow>> {
    let mut q = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org.to_owned()))
        .order((
            users::last_name.asc(),
            users::first_name.asc(),
            users::id.asc(),
        ))
        .limit(sel.limit)
        .select(MEMBER_COLUMNS)
        .into_boxed();
    if let Some(role) = sel.role {
        q = q.filter(memberships::role.eq(role.as_str()));
    }
    if let Some(state) = sel.state {
        q = q.filter(memberships::state.eq(state.as_str()));
    }
    if let Some((last, first, id)) = sel.after {
        q = q.filter(
            users::last_name
                .gt(last.clone())
                .or(users::last_name.eq(last).and(
                    users::first_name
                        .gt(first.clone())
                        .or(users::first_name.eq(first).and(users::id.gt(id))),
                )),
        );
    }
    q.load(conn)
}

pub fn member(conn: &mut DbConn, org: &str, user: &str) -> QueryResult<MemberRow> {
    memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org))
        .filter(memberships::user_id.eq(user))
        .select(MEMBER_COLUMNS)
        .first(conn)
}

/// One line of the CSV export: the account and its role in the organisation.
#[derive(Queryable, Debug, Clone)]
pub struct ExportRow {
    pub user_id: String,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub created_at: NaiveDateTime,
    pub state: String,
    pub language: String,
    pub role: String,
}

/// Up to `limit` members of `org` after the account id `after`, by id
/// (keyset pages).
pub fn export_page(
    conn: &mut DbConn,
    org: &str,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ExportRow>> {
    let mut q = memberships::table
        .inner_join(users::table)
        .filter(memberships::organization_id.eq(org))
        .order(users::id.asc())
        .limit(limit)
        .select((
            users::id,
            users::first_name,
            users::last_name,
            users::email,
            users::created_at,
            users::state,
            users::language,
            memberships::role,
        ))
        .into_boxed();
    if let Some(a) = after {
        q = q.filter(users::id.gt(a));
    }
    q.load(conn)
}

/// Pending: neither accepted nor revoked, and not expired at `now`.
type Pending = diesel::dsl::And<
    diesel::dsl::And<
        diesel::dsl::IsNull<invitations::accepted_at>,
        diesel::dsl::IsNull<invitations::revoked_at>,
    >,
    diesel::dsl::Gt<invitations::expires_at, NaiveDateTime>,
>;

fn pending(now: NaiveDateTime) -> Pending {
    invitations::accepted_at
        .is_null()
        .and(invitations::revoked_at.is_null())
        .and(invitations::expires_at.gt(now))
}

/// An invitation as stored.
#[derive(Queryable, Selectable, Debug, Clone)]
#[diesel(table_name = invitations)]
pub struct InvitationRow {
    pub id: String,
    pub organization_id: String,
    pub email: String,
    pub email_key: String,
    pub role: String,
    pub invited_by: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub accepted_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl InvitationRow {
    /// `None` for a role a hand edit made unreadable.
    pub fn view(self) -> Option<InvitationView> {
        Some(InvitationView {
            role: self.role.parse().ok()?,
            created_at: utc(self.created_at),
            expires_at: utc(self.expires_at),
            id: self.id,
            organization_id: self.organization_id,
            email: self.email,
            invited_by: self.invited_by,
        })
    }
}

pub fn invitation_pending(
    conn: &mut DbConn,
    org: &str,
    email_key: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        invitations::table
            .filter(invitations::organization_id.eq(org))
            .filter(invitations::email_key.eq(email_key))
            .filter(pending(now)),
    ))
    .get_result(conn)
}

pub struct NewInvitation<'a> {
    pub organization_id: &'a str,
    pub email: &'a Email,
    pub role: OrgRole,
    pub token_hash: &'a str,
    pub invited_by: &'a str,
    pub at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

pub fn insert_invitation(conn: &mut DbConn, inv: &NewInvitation<'_>) -> QueryResult<usize> {
    diesel::insert_into(invitations::table)
        .values((
            invitations::id.eq(uuid::Uuid::now_v7().to_string()),
            invitations::organization_id.eq(inv.organization_id),
            invitations::email.eq(inv.email.as_str()),
            invitations::email_key.eq(inv.email.key()),
            invitations::role.eq(inv.role.as_str()),
            invitations::token_hash.eq(inv.token_hash),
            invitations::invited_by.eq(inv.invited_by),
            invitations::created_at.eq(inv.at),
            invitations::expires_at.eq(inv.expires_at),
        ))
        .execute(conn)
}

/// Up to `limit` pending invitations of `org` after the id `after`,
/// oldest first (ids grow with time).
pub fn pending_invitations(
    conn: &mut DbConn,
    org: &str,
    now: NaiveDateTime,
    after: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<InvitationRow>> {
    let mut q = invitations::table
        .filter(invitations::organization_id.eq(org.to_owned()))
        .filter(pending(now))
        .order(invitations::id.asc())
        .limit(limit)
        .select(InvitationRow::as_select())
        .into_boxed();
    if let Some(after) = after {
        q = q.filter(invitations::id.gt(after.to_owned()));
    }
    q.load(conn)
}

/// Revokes the invitation `id` of `org` if still pending; the count says.
pub fn revoke_invitation(
    conn: &mut DbConn,
    org: &str,
    id: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::organization_id.eq(org))
            .filter(pending(now)),
    )
    .set(invitations::revoked_at.eq(Some(now)))
    .execute(conn)
}

pub fn invitation_by_digest(conn: &mut DbConn, digest: &str) -> QueryResult<Option<InvitationRow>> {
    invitations::table
        .filter(invitations::token_hash.eq(digest))
        .select(InvitationRow::as_select())
        .first(conn)
        .optional()
}

/// Compare-and-set: marks the invitation used unless it already is; of two
/// racing accepts one gets 1.
pub fn mark_accepted(
    conn: &mut DbConn,
    id: &str,
    by: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        invitations::table
            .filter(invitations::id.eq(id))
            .filter(invitations::accepted_at.is_null()),
    )
    .set((
        invitations::accepted_at.eq(Some(now)),
        invitations::accepted_by.eq(Some(by)),
    ))
    .execute(conn)
}
