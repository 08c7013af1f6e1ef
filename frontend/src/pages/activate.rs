//! `/activate?token=…`: the link from the activation e-mail.

use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Failure;
use crate::components::ProblemMessage;
use crate::route::Route;
use crate::state::{use_session, use_title};

#[derive(Deserialize, Clone, PartialEq, Default)]
struct Query {
    token: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Working,
    Done,
    Failed(Failure),
}

#[function_component]
pub fn Activate() -> Html {
    let session = use_session();
    use_title(session.t("activate.title"));
    let location = use_location();
    let token = location
        .and_then(|l| l.query::<Query>().ok())
        .and_then(|q| q.token)
        .unwrap_or_default();
    let outcome = use_state(|| Outcome::Working);
    {
        let (session, outcome) = (session.clone(), outcome.clone());
        use_effect_with(token, move |token| {
            let token = token.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let body = serde_json::json!({ "token": token });
                match session
                    .client
                    .post_empty("/auth/activate", Some(body))
                    .await
                {
                    Ok(()) => outcome.set(Outcome::Done),
                    Err(f) => outcome.set(Outcome::Failed(f)),
                }
            });
        });
    }
    html! {
        <section class="narrow">
            <h1>{ session.t("activate.title") }</h1>
            { match &*outcome {
                Outcome::Working => html! { <p aria-live="polite">{ session.t("activate.working") }</p> },
                Outcome::Done => html! {
                    <>
                        <p class="success" role="status">{ session.t("activate.done") }</p>
                        <p><Link<Route> to={Route::SignIn}>{ session.t("activate.signin") }</Link<Route>></p>
                    </>
                },
                Outcome::Failed(f) => html! { <ProblemMessage failure={Some(f.clone())} /> },
            } }
        </section>
    }
}
