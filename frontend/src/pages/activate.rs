//! `/activate?token=…`: the link from the activation e-mail.

use habilis_shared::dto;
use serde::de::IgnoredAny;
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::ProblemMessage;
use crate::hooks::use_fetch;
use crate::route::Route;
use crate::state::{use_session, use_title};

#[derive(Deserialize, Clone, PartialEq, Default)]
struct Query {
    token: Option<String>,
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
    // Activation is what the link is for: it runs on arrival.
    let activation = use_fetch(token, |client, token| async move {
        client
            .post::<_, IgnoredAny>("/auth/activate", &dto::Activate { token })
            .await
    });
    html! {
        <section class="narrow">
            <h1>{ session.t("activate.title") }</h1>
            if let Some(f) = activation.error() {
                <ProblemMessage failure={Some(f.clone())} />
            } else if activation.data().is_some() {
                <p class="success" role="status">{ session.t("activate.done") }</p>
                <p><Link<Route> to={Route::SignIn}>{ session.t("activate.signin") }</Link<Route>></p>
            } else {
                <p aria-live="polite">{ session.t("activate.working") }</p>
            }
        </section>
    }
}
