//! `use_fetch`: data a component shows, loaded from the API.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::{Client, Failure};
use crate::state::use_session;

/// What a fetch has to show. The last answer stays on show while a reload
/// runs, and after a failed one, so the page does not flash.
struct FetchState<T> {
    data: Option<Rc<T>>,
    error: Option<Failure>,
    /// Bumped by [`FetchHandle::reload`]: one of the effect's dependencies.
    generation: u32,
}

enum FetchMsg<T> {
    Finished(Result<T, Failure>),
    Reload,
}

impl<T> Reducible for FetchState<T> {
    type Action = FetchMsg<T>;

    fn reduce(self: Rc<Self>, msg: FetchMsg<T>) -> Rc<Self> {
        let next = match msg {
            FetchMsg::Finished(Ok(d)) => FetchState {
                data: Some(Rc::new(d)),
                error: None,
                generation: self.generation,
            },
            FetchMsg::Finished(Err(f)) => FetchState {
                data: self.data.clone(),
                error: Some(f),
                generation: self.generation,
            },
            FetchMsg::Reload => FetchState {
                data: self.data.clone(),
                error: self.error.clone(),
                generation: self.generation.wrapping_add(1),
            },
        };
        Rc::new(next)
    }
}

/// The state of a [`use_fetch`], and its reload handle. Cheap to clone.
pub struct FetchHandle<T> {
    state: UseReducerHandle<FetchState<T>>,
}

impl<T> Clone for FetchHandle<T> {
    fn clone(&self) -> Self {
        FetchHandle {
            state: self.state.clone(),
        }
    }
}

impl<T: 'static> FetchHandle<T> {
    /// The last answer, if one arrived.
    pub fn data(&self) -> Option<&T> {
        self.state.data.as_deref()
    }

    /// The failure of the last request, if it failed.
    pub fn error(&self) -> Option<&Failure> {
        self.state.error.as_ref()
    }

    /// Still loading, with nothing to show: the first answer (or failure)
    /// has not arrived. A reload keeps the last answer on show instead.
    pub fn pending(&self) -> bool {
        self.state.data.is_none() && self.state.error.is_none()
    }

    /// Loads again (after a change the page made).
    pub fn reload(&self) {
        self.state.dispatch(FetchMsg::Reload);
    }

    /// [`reload`](Self::reload) as a callback, for a child component.
    pub fn reloader(&self) -> Callback<()> {
        let state = self.state.clone();
        Callback::from(move |()| state.dispatch(FetchMsg::Reload))
    }
}

/// Runs `fetch` on mount and whenever `deps` change (or on
/// [`FetchHandle::reload`]). An answer that arrives after the dependencies
/// changed again, or after the component went away, is dropped, so a slow
/// answer never overwrites a newer one.
///
/// `fetch` gets the session's client and the dependencies, e.g.
/// `use_fetch(id, |client, id| async move { client.get::<UserView>(&format!("/users/{id}")).await })`.
#[hook]
pub fn use_fetch<T, D, F, Fut>(deps: D, fetch: F) -> FetchHandle<T>
where
    T: 'static,
    D: PartialEq + Clone + 'static,
    F: FnOnce(Client, D) -> Fut + 'static,
    Fut: Future<Output = Result<T, Failure>> + 'static,
{
    let client = use_session().client.clone();
    let state = use_reducer(|| FetchState {
        data: None,
        error: None,
        generation: 0,
    });
    {
        let state = state.clone();
        use_effect_with((deps, state.generation), move |(deps, _)| {
            let live = Rc::new(Cell::new(true));
            let (deps, still) = (deps.clone(), live.clone());
            // The one place a load is spawned: the hook's own future.
            wasm_bindgen_futures::spawn_local(async move {
                let result = fetch(client, deps).await;
                if still.get() {
                    state.dispatch(FetchMsg::Finished(result));
                }
            });
            move || live.set(false)
        });
    }
    FetchHandle { state }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(data: Option<u8>, error: Option<Failure>) -> Rc<FetchState<u8>> {
        Rc::new(FetchState {
            data: data.map(Rc::new),
            error,
            generation: 0,
        })
    }

    fn offline() -> Failure {
        Failure::Network("offline".into())
    }

    #[test]
    fn a_failed_reload_keeps_the_last_answer_on_show() {
        let next = state(Some(1), None).reduce(FetchMsg::Finished(Err(offline())));
        assert_eq!(next.data.as_deref(), Some(&1));
        assert_eq!(next.error, Some(offline()));
    }

    #[test]
    fn an_answer_replaces_the_data_and_clears_the_failure() {
        let next = state(Some(1), Some(offline())).reduce(FetchMsg::Finished(Ok(2)));
        assert_eq!(next.data.as_deref(), Some(&2));
        assert_eq!(next.error, None);
    }

    #[test]
    fn reload_only_moves_the_generation() {
        let next = state(Some(1), Some(offline())).reduce(FetchMsg::Reload);
        assert_eq!(next.generation, 1);
        assert_eq!(next.data.as_deref(), Some(&1));
        assert_eq!(next.error, Some(offline()));
    }
}
