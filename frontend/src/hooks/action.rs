//! `use_action`: a request a component runs on an event.

use std::future::Future;
use std::rc::Rc;

use yew::prelude::*;

use crate::api::{Client, Failure};
use crate::state::use_session;

struct ActionState<T> {
    busy: bool,
    error: Option<Failure>,
    /// The answer of the last run that succeeded.
    value: Option<Rc<T>>,
}

enum ActionMsg<T> {
    Started,
    Finished(Result<Rc<T>, Failure>),
}

impl<T> Reducible for ActionState<T> {
    type Action = ActionMsg<T>;

    fn reduce(self: Rc<Self>, msg: ActionMsg<T>) -> Rc<Self> {
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
    state: UseReducerHandle<ActionState<T>>,
    trigger: Callback<I>,
}

impl<I, T> Clone for ActionHandle<I, T> {
    fn clone(&self) -> Self {
        ActionHandle {
            state: self.state.clone(),
            trigger: self.trigger.clone(),
        }
    }
}

impl<I: 'static, T> ActionHandle<I, T> {
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
        self.state.value.as_deref()
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
    let client = use_session().client.clone();
    let state = use_reducer(|| ActionState {
        busy: false,
        error: None,
        value: None,
    });
    let trigger = {
        let state = state.clone();
        let on_success = Rc::new(on_success);
        Callback::from(move |input: I| {
            state.dispatch(ActionMsg::Started);
            let (state, on_success) = (state.clone(), on_success.clone());
            let request = run(client.clone(), input);
            // The one place an action is spawned: the hook's own future.
            wasm_bindgen_futures::spawn_local(async move {
                match request.await.map(Rc::new) {
                    Ok(v) => {
                        state.dispatch(ActionMsg::Finished(Ok(v.clone())));
                        on_success(&v);
                    }
                    Err(f) => state.dispatch(ActionMsg::Finished(Err(f))),
                }
            });
        })
    };
    ActionHandle { state, trigger }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn idle() -> Rc<ActionState<u8>> {
        Rc::new(ActionState {
            busy: false,
            error: None,
            value: None,
        })
    }

    #[test]
    fn a_run_is_busy_until_it_finishes() {
        let running = idle().reduce(ActionMsg::Started);
        assert!(running.busy);
        let done = running.reduce(ActionMsg::Finished(Ok(Rc::new(7))));
        assert!(!done.busy);
        assert_eq!(done.value.as_deref(), Some(&7));
    }

    #[test]
    fn a_failure_keeps_the_last_value_and_a_success_clears_the_failure() {
        let done = idle().reduce(ActionMsg::Finished(Ok(Rc::new(7))));
        let failed = done.reduce(ActionMsg::Finished(Err(Failure::Network("offline".into()))));
        assert_eq!(failed.value.as_deref(), Some(&7));
        assert!(failed.error.is_some());
        let again = failed.reduce(ActionMsg::Finished(Ok(Rc::new(8))));
        assert_eq!(again.error, None);
        assert_eq!(again.value.as_deref(), Some(&8));
    }
}
