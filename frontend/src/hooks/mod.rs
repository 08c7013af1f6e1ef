//! The hooks every page talks to the API through, so no page writes its own
//! `spawn_local` + clone + reload block:
//!
//! - [`use_fetch`]: load on mount and whenever its dependencies change, keep
//!   the last answer and the last failure, reload on demand;
//! - [`use_action`]: run a request on an event (a click, a submit), with its
//!   busy and error state and an optional reaction to success;
//! - [`use_reload_me`]: fetch `/me` again after a change to my account;
//! - [`use_refresh_while`]: reload on a timer while something moves on
//!   its own (a service starting, a job queued or running);
//! - [`use_debounced`]: a value once typing pauses (searches, suggestions).

mod action;
mod fetch;
mod state;

pub use action::{use_action, use_action_then, ActionHandle};
pub use fetch::{use_fetch, FetchHandle};
pub use state::{use_state, UseStateHandle};

use gloo_timers::callback::{Interval, Timeout};
use yew::prelude::*;

use crate::state::{use_session, Msg};

/// Fetches my account again (after a change to it) and hands it to the
/// session; a failure leaves the session as it was.
#[hook]
pub fn use_reload_me() -> Callback<()> {
    let session = use_session();
    let reload = use_action_then(
        |client, ()| async move { client.me().await },
        move |me| session.dispatch(Msg::SignedIn(me.clone())),
    );
    Callback::from(move |()| reload.run(()))
}

/// Calls `reload` every `every_ms` milliseconds while `active`.
#[hook]
pub fn use_refresh_while(active: bool, every_ms: u32, reload: Callback<()>) {
    use_effect_with((active, every_ms), move |&(active, every_ms)| {
        let timer = active.then(|| Interval::new(every_ms, move || reload.emit(())));
        move || drop(timer)
    });
}

/// How long typing must pause before a search or a suggestion is asked
/// for (ms).
const DEBOUNCE_MS: u32 = 300;

/// `value`, once it has not changed for [`DEBOUNCE_MS`]: each change
/// replaces the pending timer (dropping a `Timeout` cancels it).
#[hook]
pub fn use_debounced(value: String) -> String {
    let settled = use_state(|| value.clone());
    {
        let settled = settled.clone();
        use_effect_with(value, move |v| {
            let v = v.clone();
            let timer = Timeout::new(DEBOUNCE_MS, move || settled.set(v));
            move || drop(timer)
        });
    }
    (*settled).clone()
}
