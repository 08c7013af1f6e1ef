//! `use_action`: a request a component runs on an event.
//!
//! As for [`use_fetch`](super::use_fetch), the state, the reducer and the
//! spawned task are written once over answers behind `dyn Any`; only a
//! thin wrapper is generic in the input and the answer.

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;

use yew::prelude::*;

use super::fetch::{erase, Answer, Pending};
use crate::api::{Client, Failure};
use crate::state::use_session;

struct ActionState {
    busy: bool,
    error: Option<Failure>,
    /// The answer of the last run that succeeded.
    value: Option<Answer>,
}

enum ActionMsg {
    Started,
    Finished(Result<Answer, Failure>),
}

impl Reducible for ActionState {
    type Action = ActionMsg;

    fn reduce(self: Rc<Self>, msg: ActionMsg) -> Rc<Self> {
        let next = match msg {
            ActionMsg::Started => ActionState {
                busy: true,
                error: self.error.clone(),
                value: self.value.clone(),
            },
            ActionMsg::Finished(Ok(v)) => ActionState {
                busy: false,
                error: None,
                value: Some(v),
            },
            ActionMsg::Finished(Err(f)) => ActionState {
                busy: false,
                error: Some(f),
                value: self.value.clone(),
            },
        };
        Rc::new(next)
    }
}

/// A request to run on an event (input `I`, answer `T`), and its state.
pub struct ActionHandle<I, T> {
    state: UseReducerHandle<ActionState>,
    trigger: Callback<I>,
    answer: PhantomData<fn() -> T>,
}

impl<I, T> Clone for ActionHandle<I, T> {
    fn clone(&self) -> Self {
        ActionHandle {
            state: self.state.clone(),
            trigger: self.trigger.clone(),
            answer: PhantomData,
        }
    }
}

impl<I: 'static, T: 'static> ActionHandle<I, T> {
    /// Runs the request with this input.
    pub fn run(&self, input: I) {
        self.trigger.emit(input);
    }

    /// Is a run in flight?
    pub fn busy(&self) -> bool {
        self.state.busy
    }

    /// The failure of the last run, until one succeeds.
    pub fn error(&self) -> Option<&Failure> {
        self.state.error.as_ref()
    }

    /// The answer of the last successful run.
    pub fn value(&self) -> Option<&T> {
        // Only the wrapper of this handle's `T` stores answers here.
        self.state
            .value
            .as_deref()
            .and_then(|a| a.downcast_ref::<T>())
    }

    /// A click handler that runs the request with `input`.
    pub fn on_click(&self, input: I) -> Callback<MouseEvent>
    where
        I: Clone,
    {
        let trigger = self.trigger.clone();
        Callback::from(move |_| trigger.emit(input.clone()))
    }

    /// A submit handler that keeps the browser from posting the form and
    /// runs the request with `input` (the form's fields, read at render).
    pub fn on_submit(&self, input: I) -> Callback<SubmitEvent>
    where
        I: Clone,
    {
        let trigger = self.trigger.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            trigger.emit(input.clone());
        })
    }
}

/// A request run on an event: `run` gets the session's client and the
/// input, e.g.
/// `use_action(|client, body: CreateWork| async move { client.post::<_, WorkView>("/works", &body).await })`.
#[hook]
pub fn use_action<I, T, F, Fut>(run: F) -> ActionHandle<I, T>
where
    I: 'static,
    T: 'static,
    F: Fn(Client, I) -> Fut + 'static,
    Fut: Future<Output = Result<T, Failure>> + 'static,
{
    use_action_then(run, |_: &T| ())
}

/// A run of an action with its input bound: started with the client.
type Start = Box<dyn FnOnce(Client) -> Pending>;

/// What to do with an answer of any type once a run succeeds.
type OnSuccess = dyn Fn(&dyn Any);

/// [`use_action`], then `on_success` with the answer (reload a list, clear
/// a form, go to another page).
#[hook]
pub fn use_action_then<I, T, F, Fut, S>(run: F, on_success: S) -> ActionHandle<I, T>
where
    I: 'static,
    T: 'static,
    F: Fn(Client, I) -> Fut + 'static,
    Fut: Future<Output = Result<T, Failure>> + 'static,
    S: Fn(&T) + 'static,
{
    let on_success: Box<OnSuccess> = Box::new(move |v: &dyn Any| {
        if let Some(v) = v.downcast_ref::<T>() {
            on_success(v);
        }
    });
    let (state, start) = use_action_any(on_success);
    let run = Rc::new(run);
    let trigger = start.reform(move |input: I| -> Start {
        let run = run.clone();
        Box::new(move |client| erase(run(client, input)))
    });
    ActionHandle {
        state,
        trigger,
        answer: PhantomData,
    }
}

/// The one body of [`use_action_then`], whatever the input and the answer.
#[hook]
fn use_action_any(on_success: Box<OnSuccess>) -> (UseReducerHandle<ActionState>, Callback<Start>) {
    let client = use_session().client.clone();
    let state = use_reducer(|| ActionState {
        busy: false,
        error: None,
        value: None,
    });
    let start = {
        let state = state.clone();
        let on_success: Rc<OnSuccess> = Rc::from(on_success);
        Callback::from(move |start: Start| {
            state.dispatch(ActionMsg::Started);
            let (state, on_success) = (state.clone(), on_success.clone());
            let request = start(client.clone());
            // The one place an action is spawned: the hook's own future.
            wasm_bindgen_futures::spawn_local(async move {
                match request.await {
                    Ok(v) => {
                        state.dispatch(ActionMsg::Finished(Ok(v.clone())));
                        on_success(&*v);
                    }
                    Err(f) => state.dispatch(ActionMsg::Finished(Err(f))),
                }
            });
        })
    };
    (state, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> Rc<ActionState> {
        Rc::new(ActionState {
            busy: false,
            error: None,
            value: None,
        })
    }

    fn value(s: &ActionState) -> Option<u8> {
        s.value
            .as_deref()
            .and_then(|a| a.downcast_ref::<u8>())
            .copied()
    }

    #[test]
    fn a_run_is_busy_until_it_finishes() {
        let running = idle().reduce(ActionMsg::Started);
        assert!(running.busy);
        let done = running.reduce(ActionMsg::Finished(Ok(Rc::new(7u8))));
        assert!(!done.busy);
        assert_eq!(value(&done), Some(7));
    }

    #[test]
    fn a_failure_keeps_the_last_value_and_a_success_clears_the_failure() {
        let done = idle().reduce(ActionMsg::Finished(Ok(Rc::new(7u8))));
        let failed = done.reduce(ActionMsg::Finished(Err(Failure::Network("offline".into()))));
        assert_eq!(value(&failed), Some(7));
        assert!(failed.error.is_some());
        let again = failed.reduce(ActionMsg::Finished(Ok(Rc::new(8u8))));
        assert_eq!(again.error, None);
        assert_eq!(value(&again), Some(8));
    }
}
