//! `use_fetch`: data a component shows, loaded from the API.
//!
//! The hook's machinery (its state, reducer, effect and spawned future) is
//! written once, over answers and dependencies behind `dyn Any`: only a
//! thin wrapper is generic, so each of the SPA's answer types does not
//! carry its own copy of the reducer, the effect and the task (that copy
//! per answer type weighed about 2 KB of WebAssembly each, over 60 uses).

use std::any::Any;
use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use yew::prelude::*;

use crate::api::{Client, Failure};
use crate::state::use_session;

/// An answer of any type, as the hooks keep it.
pub(crate) type Answer = Rc<dyn Any>;

/// A request under way, its answer erased.
pub(crate) type Pending = Pin<Box<dyn Future<Output = Result<Answer, Failure>>>>;

/// A page's request, its answer erased once it arrives: a plain future
/// generic in the answer's type only, not an `async` block per use.
struct Erased<T> {
    request: Pin<Box<dyn Future<Output = Result<T, Failure>>>>,
}

impl<T: 'static> Future for Erased<T> {
    type Output = Result<Answer, Failure>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Poll::Ready(answer) = self.request.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        Poll::Ready(match answer {
            Ok(t) => Ok(Rc::new(t)),
            Err(f) => Err(f),
        })
    }
}

/// `request`, its answer erased.
pub(crate) fn erase<T: 'static>(
    request: impl Future<Output = Result<T, Failure>> + 'static,
) -> Pending {
    Box::pin(Erased {
        request: Box::pin(request),
    })
}

/// What a fetch has to show. The last answer stays on show while a reload
/// runs, and after a failed one, so the page does not flash.
struct FetchState {
    data: Option<Answer>,
    error: Option<Failure>,
    /// Bumped by [`FetchHandle::reload`]: one of the effect's dependencies.
    generation: u32,
}

enum FetchMsg {
    Finished(Result<Answer, Failure>),
    Reload,
}

impl Reducible for FetchState {
    type Action = FetchMsg;

    fn reduce(self: Rc<Self>, msg: FetchMsg) -> Rc<Self> {
        let next = match msg {
            FetchMsg::Finished(Ok(d)) => FetchState {
                data: Some(d),
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
    state: UseReducerHandle<FetchState>,
    answer: PhantomData<fn() -> T>,
}

impl<T> Clone for FetchHandle<T> {
    fn clone(&self) -> Self {
        FetchHandle {
            state: self.state.clone(),
            answer: PhantomData,
        }
    }
}

impl<T: 'static> FetchHandle<T> {
    /// The last answer, if one arrived.
    pub fn data(&self) -> Option<&T> {
        // Only the wrapper of this handle's `T` stores answers here.
        self.state
            .data
            .as_deref()
            .and_then(|a| a.downcast_ref::<T>())
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

/// Dependencies of any type, compared as their own type.
trait AnyDeps {
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn AnyDeps) -> bool;
}

impl<D: PartialEq + 'static> AnyDeps for D {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn same(&self, other: &dyn AnyDeps) -> bool {
        other.as_any().downcast_ref::<D>() == Some(self)
    }
}

#[derive(Clone)]
struct Deps(Rc<dyn AnyDeps>);

impl PartialEq for Deps {
    fn eq(&self, other: &Self) -> bool {
        self.0.same(&*other.0)
    }
}

/// Starts a load with the session's client.
type Load = Box<dyn FnOnce(Client) -> Pending>;

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
    let load: Load = {
        let deps = deps.clone();
        Box::new(move |client| erase(fetch(client, deps)))
    };
    let state = use_fetch_any(Deps(Rc::new(deps)), load);
    FetchHandle {
        state,
        answer: PhantomData,
    }
}

/// The one body of [`use_fetch`], whatever the answer's type.
#[hook]
fn use_fetch_any(deps: Deps, load: Load) -> UseReducerHandle<FetchState> {
    let client = use_session().client.clone();
    let state = use_reducer(|| FetchState {
        data: None,
        error: None,
        generation: 0,
    });
    {
        let state = state.clone();
        use_effect_with((deps, state.generation), move |_| {
            let live = Rc::new(Cell::new(true));
            let still = live.clone();
            // The one place a load is spawned: the hook's own future.
            wasm_bindgen_futures::spawn_local(async move {
                let result = load(client).await;
                if still.get() {
                    state.dispatch(FetchMsg::Finished(result));
                }
            });
            move || live.set(false)
        });
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(data: Option<u8>, error: Option<Failure>) -> Rc<FetchState> {
        Rc::new(FetchState {
            data: data.map(|d| Rc::new(d) as Answer),
            error,
            generation: 0,
        })
    }

    fn data(s: &FetchState) -> Option<u8> {
        s.data
            .as_deref()
            .and_then(|a| a.downcast_ref::<u8>())
            .copied()
    }

    fn offline() -> Failure {
        Failure::Network("offline".into())
    }

    #[test]
    fn a_failed_reload_keeps_the_last_answer_on_show() {
        let next = state(Some(1), None).reduce(FetchMsg::Finished(Err(offline())));
        assert_eq!(data(&next), Some(1));
        assert_eq!(next.error, Some(offline()));
    }

    #[test]
    fn an_answer_replaces_the_data_and_clears_the_failure() {
        let next = state(Some(1), Some(offline())).reduce(FetchMsg::Finished(Ok(Rc::new(2u8))));
        assert_eq!(data(&next), Some(2));
        assert_eq!(next.error, None);
    }

    #[test]
    fn reload_only_moves_the_generation() {
        let next = state(Some(1), Some(offline())).reduce(FetchMsg::Reload);
        assert_eq!(next.generation, 1);
        assert_eq!(data(&next), Some(1));
        assert_eq!(next.error, Some(offline()));
    }
}
