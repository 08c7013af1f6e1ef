//! Getting back into an account (issue 14 §1): "Forgot your password?"
//! (`/forgot-password`), the e-mailed link's page (`/reset-password?token=…`),
//! and on a person's page what their creator line or an admin may do: send
//! a new activation link, correct the name or the e-mail address.

use crate::hooks::use_state;
use habilis_shared::dto::{
    AccountState, AuthzResource, PasswordResetConfirm, PasswordResetRequest, UpdateUser, UserView,
};
use serde::de::IgnoredAny;
use serde::Deserialize;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::{field_errors, Field, ProblemMessage};
use crate::hooks::{use_action, use_action_then, use_fetch};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title};

#[function_component]
pub fn ForgotPassword() -> Html {
    let session = use_session();
    use_title(session.t("forgot.title"));
    let email = use_state(String::new);
    let ask = use_action(|client, body: PasswordResetRequest| async move {
        client
            .post::<_, IgnoredAny>("/auth/password-reset", &body)
            .await
    });
    let onsubmit = ask.on_submit(PasswordResetRequest {
        email: (*email).clone(),
    });
    let failure = ask.error();
    // Too many requests for this address: say so in these words (the
    // generic message speaks of failed sign-ins).
    let too_many = failure.is_some_and(|f| f.status() == Some(429));
    let lang = session.lang;
    let back = html! {
        <p><Link<Route> to={Route::SignIn}>{ session.t("forgot.back") }</Link<Route>></p>
    };
    if ask.value().is_some() {
        return html! {
            <section class="narrow">
                <h1>{ session.t("forgot.title") }</h1>
                <p class="success" role="status" id="reset-sent">{ session.t("forgot.sent") }</p>
                { back }
            </section>
        };
    }
    html! {
        <section class="narrow">
            <h1>{ session.t("forgot.title") }</h1>
            <p>{ session.t("forgot.intro") }</p>
            <form {onsubmit} novalidate=true>
                if too_many {
                    <p class="problem" role="alert">{ session.t("forgot.too_many") }</p>
                } else {
                    <ProblemMessage failure={failure.cloned()} />
                }
                <Field id="reset_email" kind="email" label={session.t("signin.email")} value={(*email).clone()}
                    autocomplete={Some(AttrValue::from("username"))} required=true
                    errors={field_errors(lang, failure, "email")}
                    oninput={let s = email.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" disabled={ask.busy()}>{ session.t("forgot.submit") }</button>
            </form>
            { back }
        </section>
    }
}

#[derive(Deserialize, Clone, PartialEq, Default)]
struct TokenQuery {
    token: Option<String>,
}

#[function_component]
pub fn ResetPassword() -> Html {
    let session = use_session();
    use_title(session.t("reset.title"));
    let token = use_location()
        .and_then(|l| l.query::<TokenQuery>().ok())
        .and_then(|q| q.token)
        .unwrap_or_default();
    let new = use_state(String::new);
    let confirm = use_state(String::new);
    let mismatch = use_state(|| false);
    let reset = use_action(|client, body: PasswordResetConfirm| async move {
        client
            .post::<_, IgnoredAny>("/auth/password-reset/confirm", &body)
            .await
    });
    let ask_again = html! {
        <p><Link<Route> to={Route::ForgotPassword}>{ session.t("reset.ask_again") }</Link<Route>></p>
    };
    if reset.value().is_some() {
        return html! {
            <section class="narrow">
                <h1>{ session.t("reset.title") }</h1>
                <p class="success" role="status" id="reset-done">{ session.t("reset.done") }</p>
                <p><Link<Route> to={Route::SignIn}>{ session.t("activate.signin") }</Link<Route>></p>
            </section>
        };
    }
    if token.is_empty() {
        return html! {
            <section class="narrow">
                <h1>{ session.t("reset.title") }</h1>
                <p>{ session.t("reset.no_token") }</p>
                { ask_again }
            </section>
        };
    }
    let onsubmit = {
        let (reset, mismatch) = (reset.clone(), mismatch.clone());
        let body = PasswordResetConfirm {
            token,
            new_password: (*new).clone(),
        };
        let same = *new == *confirm;
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            mismatch.set(!same);
            if same {
                reset.run(body.clone());
            }
        })
    };
    let failure = reset.error();
    let lang = session.lang;
    let mut confirm_errors = vec![];
    if *mismatch {
        confirm_errors.push(session.t("password.mismatch"));
    }
    let min = session
        .policy
        .as_ref()
        .map(|p| p.accounts.password_min_length)
        .unwrap_or(12)
        .to_string();
    // A link that no longer works: say so and offer a new one.
    let link_dead = failure.is_some_and(|f| f.kind().starts_with("reset_link_"));
    html! {
        <section class="narrow">
            <h1>{ session.t("reset.title") }</h1>
            <p>{ session.t("reset.intro") }</p>
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={failure.cloned()} />
                <Field id="new_password" kind="password" label={session.t("password.new")}
                    value={(*new).clone()} autocomplete={Some(AttrValue::from("new-password"))}
                    hint={Some(AttrValue::from(fill(&session.t("password.rules"), &[("min", &min)])))}
                    errors={field_errors(lang, failure, "new_password")}
                    oninput={let s = new.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="confirm_password" kind="password" label={session.t("password.confirm")}
                    value={(*confirm).clone()} autocomplete={Some(AttrValue::from("new-password"))}
                    errors={confirm_errors}
                    oninput={let s = confirm.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" disabled={reset.busy()}>{ session.t("reset.submit") }</button>
            </form>
            if link_dead { { ask_again } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct IdentityProps {
    pub user: UserView,
    /// Fired after a change, so the page reloads the person.
    pub changed: Callback<()>,
}

/// What the policy lets me do to this person's identity.
#[derive(Clone, Copy, Default, PartialEq)]
struct Allowed {
    edit: bool,
    activation: bool,
}

/// The person's page, identity part: shown only to whom the policy allows.
#[function_component]
pub fn Identity(p: &IdentityProps) -> Html {
    let allowed = use_fetch(p.user.id.clone(), |client, id| async move {
        let resource = || AuthzResource::User { id: id.clone() };
        Ok(Allowed {
            edit: client.allowed("user.edit", resource()).await,
            activation: client.allowed("user.activation", resource()).await,
        })
    });
    let allowed = allowed.data().copied().unwrap_or_default();
    let gone = matches!(p.user.state, AccountState::Deleted);
    html! {
        <>
            if allowed.activation && p.user.state == AccountState::Created {
                <Resend user={p.user.clone()} changed={p.changed.clone()} />
            }
            if allowed.edit && !gone {
                <EditIdentity user={p.user.clone()} changed={p.changed.clone()} />
            }
        </>
    }
}

#[function_component]
fn Resend(p: &IdentityProps) -> Html {
    let session = use_session();
    let resend = use_action(|client, id: String| async move {
        client
            .post_empty::<IgnoredAny>(&format!("/users/{id}/activation"))
            .await
    });
    let onclick = resend.on_click(p.user.id.clone());
    html! {
        <section class="card" aria-labelledby="activation-h">
            <h2 id="activation-h">{ session.t("identity.activation") }</h2>
            <p class="hint">{ session.t("identity.activation_hint") }</p>
            <ProblemMessage failure={resend.error().cloned()} />
            if resend.value().is_some() {
                <p class="success" role="status" id="activation-sent">
                    { fill(&session.t("identity.resent"), &[("email", &p.user.email)]) }
                </p>
            }
            <button type="button" id="resend-activation" disabled={resend.busy()} {onclick}>
                { session.t("identity.resend") }
            </button>
        </section>
    }
}

#[function_component]
fn EditIdentity(p: &IdentityProps) -> Html {
    let session = use_session();
    let open = use_state(|| false);
    let first = use_state(|| p.user.first_name.clone());
    let last = use_state(|| p.user.last_name.clone());
    let email = use_state(|| p.user.email.clone());
    let save = {
        let (changed, open) = (p.changed.clone(), open.clone());
        use_action_then(
            |client, (id, body): (String, UpdateUser)| async move {
                client
                    .patch::<_, UserView>(&format!("/users/{id}"), &body)
                    .await
            },
            move |_| {
                open.set(false);
                changed.emit(());
            },
        )
    };
    let failure = save.error();
    let lang = session.lang;
    if !*open {
        let onclick = {
            let (open, first, last, email, user) = (
                open.clone(),
                first.clone(),
                last.clone(),
                email.clone(),
                p.user.clone(),
            );
            Callback::from(move |_| {
                first.set(user.first_name.clone());
                last.set(user.last_name.clone());
                email.set(user.email.clone());
                open.set(true);
            })
        };
        return html! {
            <section class="card" aria-labelledby="identity-h">
                <h2 id="identity-h">{ session.t("identity.title") }</h2>
                <p class="hint">{ session.t("identity.hint") }</p>
                if save.value().is_some() {
                    <p class="success" role="status">{ session.t("identity.saved") }</p>
                }
                <button type="button" class="secondary" id="edit-identity" {onclick}>{ session.t("identity.edit") }</button>
            </section>
        };
    }
    // Only what differs is sent: an unchanged address notifies nobody.
    let differs = |now: &str, was: &str| (now.trim() != was).then(|| now.to_owned());
    let body = UpdateUser {
        first_name: differs(&first, &p.user.first_name),
        last_name: differs(&last, &p.user.last_name),
        email: differs(&email, &p.user.email),
    };
    let onsubmit = save.on_submit((p.user.id.clone(), body));
    let oncancel = {
        let open = open.clone();
        Callback::from(move |_| open.set(false))
    };
    html! {
        <section class="card" aria-labelledby="identity-h">
            <h2 id="identity-h">{ session.t("identity.title") }</h2>
            <p class="hint">{ session.t("identity.hint") }</p>
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={failure.cloned()} />
                <Field id="edit_first_name" label={session.t("newperson.first_name")} value={(*first).clone()} required=true
                    errors={field_errors(lang, failure, "first_name")}
                    oninput={let s = first.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="edit_last_name" label={session.t("newperson.last_name")} value={(*last).clone()} required=true
                    errors={field_errors(lang, failure, "last_name")}
                    oninput={let s = last.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="edit_email" kind="email" label={session.t("newperson.email")} value={(*email).clone()} required=true
                    errors={field_errors(lang, failure, "email")}
                    oninput={let s = email.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" id="save-identity" disabled={save.busy()}>{ session.t("identity.save") }</button>
                { " " }
                <button type="button" class="secondary" onclick={oncancel}>{ session.t("identity.cancel") }</button>
            </form>
        </section>
    }
}
