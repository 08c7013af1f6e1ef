//! Who may act on which account: the load-and-authorise helpers every
//! `/users/{id}…` handler goes through, so each handler asks the policy
//! once (SPEC §2.5, §11).
//!
//! An account the caller may not see answers 404 (its existence is not
//! revealed); one they see but may not act on, 403.

use habilis_shared::policy::{Action, Relation, Resource};

use super::queries::{self, UserRow};
use super::secondment::{self, Window};
use crate::auth::Caller;
use crate::db::DbConn;
use crate::error::{ApiError, ApiResult};
use crate::policy::Authz;
use crate::state::AppState;

/// An account as the caller stands to it.
pub struct Target {
    pub user: UserRow,
    pub relation: Relation,
}

/// Like [`Target`], for reading: an open secondment makes the host a
/// supervisor of what the person does during `window`, which the caller
/// then limits what it shows to (SPEC §2.5).
pub struct ReadTarget {
    pub user: UserRow,
    pub relation: Relation,
    pub window: Option<Window>,
}

fn resource(user: &UserRow, relation: Relation) -> Resource {
    Resource::Account {
        profile: user.profile(),
        relation,
    }
}

/// Loads account `id` and decides `action` on it: 404 unless the caller
/// may read the account (`user.read`), then 403 unless they may do
/// `action` (nothing more when `action` is `user.read`).
pub fn account_for(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<Target> {
    let user = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let relation = queries::relation(conn, &caller.user, &user)?;
    decide(conn, state, caller, &user, relation, action)?;
    Ok(Target { user, relation })
}

/// Like [`account_for`], for actions that only read: an open secondment
/// counts as supervision (a host never promotes, blocks or closes the
/// account).
pub fn readable_account_for(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: Action,
) -> ApiResult<ReadTarget> {
    let user = queries::find(conn, id)?.ok_or_else(ApiError::not_found)?;
    let relation = queries::relation(conn, &caller.user, &user)?;
    let (relation, window) =
        secondment::reading_relation(conn, state, caller.id(), &user.id, relation)?;
    decide(conn, state, caller, &user, relation, action)?;
    Ok(ReadTarget {
        user,
        relation,
        window,
    })
}

fn decide(
    conn: &mut DbConn,
    state: &AppState,
    caller: &Caller,
    user: &UserRow,
    relation: Relation,
    action: Action,
) -> ApiResult<()> {
    let authz = || Authz::new(state, caller);
    authz()
        .require(Action::UserRead, resource(user, relation))
        .target("user", &user.id)
        .hidden_as_404()
        .on(conn)?;
    if action != Action::UserRead {
        authz()
            .require(action, resource(user, relation))
            .target("user", &user.id)
            .on(conn)?;
    }
    Ok(())
}

/// The view of `user` for `viewer`: personal data only for whom the policy
/// shows it to (owner, webmaster; SPEC §2.5).
pub fn view_for(
    state: &AppState,
    viewer: &UserRow,
    user: &UserRow,
    relation: Relation,
) -> habilis_shared::dto::UserView {
    let personal = state
        .policy
        .sees_personal_data(&viewer.actor(&state.policy), relation);
    user.view(personal)
}
