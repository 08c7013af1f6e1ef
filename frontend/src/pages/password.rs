//! Change my password (forced after the first sign-in).

use crate::hooks::use_state;
use habilis_shared::dto;
use serde::de::IgnoredAny;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{field_errors, Field, ProblemMessage};
use crate::hooks::use_action_then;
use crate::route::Route;
use crate::state::{use_session, use_title, Msg};

#[function_component]
pub fn ChangePassword() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    use_title(session.t("password.title"));
    let current = use_state(String::new);
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let mismatch = use_state(|| false);
    let forced = session
        .me
        .as_ref()
        .and_then(|m| m.user.personal.as_ref())
        .is_some_and(|p| p.must_change_password);

    let change = {
        let (session, navigator) = (session.clone(), navigator.clone());
        use_action_then(
            |client, body: dto::ChangePassword| async move {
                client
                    .post::<_, IgnoredAny>("/auth/password", &body)
                    .await?;
                client.me().await
            },
            move |me| {
                session.dispatch(Msg::SignedIn(me.clone()));
                if let Some(n) = &navigator {
                    n.push(&Route::Home);
                }
            },
        )
    };
    let onsubmit = {
        let (change, mismatch) = (change.clone(), mismatch.clone());
        let body = dto::ChangePassword {
            current_password: (*current).clone(),
            new_password: (*new).clone(),
        };
        let confirmed = *new == *confirm;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            mismatch.set(!confirmed);
            if confirmed {
                change.run(body.clone());
            }
        })
    };
    let failure = change.error();
    let lang = session.lang;
    let mut confirm_errors = field_errors(lang, failure, "confirm");
    if *mismatch {
        confirm_errors.push(session.t("password.mismatch"));
    }
    let min = session
        .policy
        .as_ref()
        .map(|p| p.accounts.password_min_length)
        .unwrap_or(12)
        .to_string();
    html! {
        <section class="narrow">
            <h1>{ session.t("password.title") }</h1>
            if forced { <p class="notice" role="status">{ session.t("password.forced") }</p> }
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={failure.cloned()} />
                <Field id="current_password" kind="password" label={session.t("password.current")}
                    value={(*current).clone()} autocomplete={Some(AttrValue::from("current-password"))}
                    errors={field_errors(lang, failure, "current_password")}
                    oninput={let s = current.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="new_password" kind="password" label={session.t("password.new")}
                    value={(*new).clone()} autocomplete={Some(AttrValue::from("new-password"))}
                    hint={Some(AttrValue::from(crate::i18n::fill(&session.t("password.rules"), &[("min", &min)])))}
                    errors={field_errors(lang, failure, "new_password")}
                    oninput={let s = new.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="confirm_password" kind="password" label={session.t("password.confirm")}
                    value={(*confirm).clone()} autocomplete={Some(AttrValue::from("new-password"))}
                    errors={confirm_errors}
                    oninput={let s = confirm.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit">{ session.t("password.submit") }</button>
            </form>
        </section>
    }
}
