//! Sign in.

use crate::hooks::use_state;
use habilis_shared::dto::Login;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{field_errors, Field, ProblemMessage};
use crate::hooks::use_action_then;
use crate::route::Route;
use crate::state::{use_session, use_title, Msg};

#[derive(serde::Deserialize, Clone, PartialEq, Default)]
struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: a page of this app named by `?next=`
/// (never another site), else home.
fn after_sign_in(next: Option<&str>) -> Route {
    next.filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .and_then(Route::recognize)
        .filter(|r| !matches!(r, Route::SignIn | Route::NotFound))
        .unwrap_or(Route::Home)
}

#[function_component]
pub fn SignIn() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let next = use_location()
        .and_then(|l| l.query::<NextQuery>().ok())
        .and_then(|q| q.next);
    use_title(session.t("signin.title"));
    let email = use_state(String::new);
    let password = use_state(String::new);
    let sign_in = {
        let session = session.clone();
        use_action_then(
            |client, body: Login| async move {
                let pair = client.login(&body).await?;
                let me = client.me().await?;
                Ok((pair, me))
            },
            move |(pair, me)| {
                session.dispatch(Msg::SignedIn(me.clone()));
                if let Some(n) = &navigator {
                    n.push(&if pair.must_change_password {
                        Route::ChangePassword
                    } else {
                        after_sign_in(next.as_deref())
                    });
                }
            },
        )
    };
    let onsubmit = sign_in.on_submit(Login {
        email: (*email).clone(),
        password: (*password).clone(),
    });
    let failure = sign_in.error();
    let lang = session.lang;
    html! {
        <section class="narrow">
            <h1>{ session.t("signin.title") }</h1>
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={failure.cloned()} />
                <Field id="email" kind="email" label={session.t("signin.email")} value={(*email).clone()}
                    autocomplete={Some(AttrValue::from("username"))} required=true
                    errors={field_errors(lang, failure, "email")}
                    oninput={let s = email.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="password" kind="password" label={session.t("signin.password")} value={(*password).clone()}
                    autocomplete={Some(AttrValue::from("current-password"))} required=true
                    errors={field_errors(lang, failure, "password")}
                    oninput={let s = password.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" disabled={sign_in.busy()}>{ session.t("signin.submit") }</button>
            </form>
            <p><Link<Route> to={Route::ForgotPassword}>{ session.t("signin.forgot") }</Link<Route>></p>
        </section>
    }
}
