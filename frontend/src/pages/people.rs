//! People: the accounts I may see, a person's page, creating an account.

use habilis_shared::dto::{CreatedUser, Me, UserPage, UserView};
use habilis_shared::policy::{Decision, Profile};
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Failure;
use crate::components::{
    field_errors, use_pager, CopyButton, Field, PagerButtons, ProblemMessage, When,
};
use crate::route::Route;
use crate::state::{use_session, use_title, Msg};

fn query_string(q: &str, cursor: Option<&str>) -> String {
    let mut parts = vec!["limit=20".to_owned()];
    if !q.trim().is_empty() {
        parts.push(format!(
            "q={}",
            String::from(js_sys::encode_uri_component(q.trim()))
        ));
    }
    if let Some(c) = cursor {
        parts.push(format!("cursor={c}"));
    }
    format!("/users?{}", parts.join("&"))
}

#[function_component]
pub fn People() -> Html {
    let session = use_session();
    use_title(session.t("people.title"));
    let search = use_state(String::new);
    let applied = use_state(String::new);
    let pager = use_pager();
    let page = use_state(|| None::<UserPage>);
    let failure = use_state(|| None::<Failure>);
    let current = pager.current();
    {
        let (session, page, failure) = (session.clone(), page.clone(), failure.clone());
        use_effect_with(((*applied).clone(), current.clone()), move |(q, cursor)| {
            let path = query_string(q, cursor.as_deref());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.get::<UserPage>(&path).await {
                    Ok(p) => {
                        failure.set(None);
                        page.set(Some(p));
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        });
    }
    let onsubmit = {
        let (search, applied, pager) = (search.clone(), applied.clone(), pager.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            pager.reset();
            applied.set((*search).clone());
        })
    };
    let next = page.as_ref().and_then(|p| p.next_cursor.clone());
    let can_create = session
        .me
        .as_ref()
        .is_some_and(|m| !m.can_create.is_empty());
    html! {
        <section>
            <h1>{ session.t("people.title") }</h1>
            if can_create {
                <p><Link<Route> to={Route::NewPerson} classes="button">{ session.t("people.create") }</Link<Route>></p>
            }
            <form {onsubmit} class="inline" role="search">
                <Field id="people-search" kind="search" label={session.t("people.search")} value={(*search).clone()}
                    oninput={let s = search.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" class="secondary">{ session.t("people.search_submit") }</button>
            </form>
            <ProblemMessage failure={(*failure).clone()} />
            <table id="people">
                <caption>{ session.t("people.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("people.name") }</th>
                    <th scope="col">{ session.t("people.email") }</th>
                    <th scope="col">{ session.t("people.profile") }</th>
                    <th scope="col">{ session.t("people.state") }</th>
                </tr></thead>
                <tbody>
                { for page.as_ref().map(|p| p.items.clone()).unwrap_or_default().into_iter().map(|u| html! {
                    <tr>
                        <td><Link<Route> to={Route::Person { id: u.id.clone() }}>{ format!("{} {}", u.first_name, u.last_name) }</Link<Route>></td>
                        <td>{ &u.email }</td>
                        <td>{ session.t(&format!("profile.{}", u.profile.as_str())) }</td>
                        <td>{ session.t(&format!("state.{}", u.state.as_str())) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <PagerButtons pager={pager.clone()} {next} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PersonProps {
    pub id: String,
}

#[function_component]
pub fn Person(p: &PersonProps) -> Html {
    let session = use_session();
    let user = use_state(|| None::<UserView>);
    let failure = use_state(|| None::<Failure>);
    let can_block = use_state(|| false);
    let can_unblock = use_state(|| false);
    let reload = use_state(|| 0u32);
    use_title(
        user.as_ref()
            .map(|u| format!("{} {}", u.first_name, u.last_name))
            .unwrap_or_else(|| session.t("people.person")),
    );
    {
        let (session, user, failure, can_block, can_unblock) = (
            session.clone(),
            user.clone(),
            failure.clone(),
            can_block.clone(),
            can_unblock.clone(),
        );
        use_effect_with((p.id.clone(), *reload), move |(id, _)| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .get::<UserView>(&format!("/users/{id}"))
                    .await
                {
                    Ok(u) => user.set(Some(u)),
                    Err(f) => {
                        failure.set(Some(f));
                        return;
                    }
                }
                // Show the buttons the policy allows for this very account.
                for (action, flag) in [("user.block", &can_block), ("user.unblock", &can_unblock)] {
                    let body = serde_json::json!({ "action": action, "resource": { "type": "user", "id": id } });
                    let allowed = session
                        .client
                        .post::<Decision>("/authz/check", body)
                        .await
                        .is_ok_and(|d| d.allowed);
                    flag.set(allowed);
                }
            });
        });
    }
    let act = {
        let (session, failure, reload, id) = (
            session.clone(),
            failure.clone(),
            reload.clone(),
            p.id.clone(),
        );
        Callback::from(move |verb: &'static str| {
            let (session, failure, reload, id) =
                (session.clone(), failure.clone(), reload.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<UserView>(&format!("/users/{id}/{verb}"), serde_json::json!({}))
                    .await
                {
                    Ok(_) => {
                        failure.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let Some(u) = &*user else {
        return html! { <section><ProblemMessage failure={(*failure).clone()} /></section> };
    };
    let blocked = u.state == habilis_shared::dto::AccountState::Blocked;
    html! {
        <section>
            <h1>{ format!("{} {}", u.first_name, u.last_name) }</h1>
            <ProblemMessage failure={(*failure).clone()} />
            <dl class="facts">
                <dt>{ session.t("people.email") }</dt><dd>{ &u.email }</dd>
                <dt>{ session.t("people.profile") }</dt><dd>{ session.t(&format!("profile.{}", u.profile.as_str())) }</dd>
                <dt>{ session.t("people.state") }</dt><dd id="person-state">{ session.t(&format!("state.{}", u.state.as_str())) }</dd>
                <dt>{ session.t("home.supervisor") }</dt>
                <dd>{ match &u.supervisor_id {
                    Some(s) => html! { <Link<Route> to={Route::Person { id: s.clone() }}>{ session.t("people.open_supervisor") }</Link<Route>> },
                    None => html! { session.t("home.no_supervisor") },
                } }</dd>
                <dt>{ session.t("home.member_since") }</dt><dd><When at={u.created_at} /></dd>
                if let Some(pd) = &u.personal {
                    <dt>{ session.t("account.phone") }</dt><dd>{ pd.phone.clone().unwrap_or_else(|| "—".into()) }</dd>
                }
            </dl>
            if *can_block && !blocked {
                <button type="button" class="danger" id="block" onclick={let a = act.clone(); Callback::from(move |_| a.emit("block"))}>{ session.t("people.block") }</button>
            }
            if *can_unblock && blocked {
                <button type="button" id="unblock" onclick={let a = act.clone(); Callback::from(move |_| a.emit("unblock"))}>{ session.t("people.unblock") }</button>
            }
            <crate::pages::lifecycle::Lifecycle user={u.clone()}
                changed={let r = reload.clone(); Callback::from(move |_| r.set(*r + 1))} />
            <p><Link<Route> to={Route::People}>{ session.t("people.back") }</Link<Route>></p>
        </section>
    }
}

#[function_component]
pub fn NewPerson() -> Html {
    let session = use_session();
    use_title(session.t("newperson.title"));
    let creatable: Vec<Profile> = session
        .me
        .as_ref()
        .map(|m| m.can_create.clone())
        .unwrap_or_default();
    let first = use_state(String::new);
    let last = use_state(String::new);
    let email = use_state(String::new);
    let profile = use_state(|| creatable.first().copied());
    let failure = use_state(|| None::<Failure>);
    let created = use_state(|| None::<CreatedUser>);

    let onsubmit = {
        let (session, first, last, email, profile, failure, created) = (
            session.clone(),
            first.clone(),
            last.clone(),
            email.clone(),
            profile.clone(),
            failure.clone(),
            created.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({
                "first_name": *first, "last_name": *last, "email": *email, "profile": *profile,
            });
            let (session, failure, created) = (session.clone(), failure.clone(), created.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.post::<CreatedUser>("/users", body).await {
                    Ok(c) => {
                        failure.set(None);
                        created.set(Some(c));
                        if let Ok(me) = session.client.get::<Me>("/me").await {
                            session.dispatch(Msg::SignedIn(me));
                        }
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let lang = session.lang;
    if let Some(c) = &*created {
        return html! {
            <section class="narrow">
                <h1>{ session.t("newperson.created") }</h1>
                <p>{ crate::i18n::fill(&session.t("newperson.created_text"), &[("name", &format!("{} {}", c.user.first_name, c.user.last_name)), ("email", &c.user.email)]) }</p>
                <div class="secret" role="status">
                    <p><strong>{ session.t("newperson.password_once") }</strong></p>
                    <p>{ session.t("newperson.password_warning") }</p>
                    <code id="initial-password">{ &c.initial_password }</code>
                    <CopyButton text={c.initial_password.clone()} label={session.t("common.copy")} />
                </div>
                <p>
                    <Link<Route> to={Route::Person { id: c.user.id.clone() }}>{ session.t("newperson.open") }</Link<Route>>
                    { " · " }
                    <Link<Route> to={Route::People}>{ session.t("people.back") }</Link<Route>>
                </p>
            </section>
        };
    }
    if creatable.is_empty() {
        return html! {
            <section class="narrow">
                <h1>{ session.t("newperson.title") }</h1>
                <p id="cannot-create">{ session.t("home.can_create_none") }</p>
            </section>
        };
    }
    html! {
        <section class="narrow">
            <h1>{ session.t("newperson.title") }</h1>
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={(*failure).clone()} />
                <Field id="first_name" label={session.t("newperson.first_name")} value={(*first).clone()} required=true
                    errors={field_errors(lang, &failure, "first_name")}
                    oninput={let s = first.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="last_name" label={session.t("newperson.last_name")} value={(*last).clone()} required=true
                    errors={field_errors(lang, &failure, "last_name")}
                    oninput={let s = last.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="new_email" kind="email" label={session.t("newperson.email")} value={(*email).clone()} required=true
                    hint={session.policy.as_ref().map(|p| AttrValue::from(crate::i18n::fill(&session.t("newperson.domains"), &[("domains", &p.accounts.allowed_email_domains.join(", "))])))}
                    errors={field_errors(lang, &failure, "email")}
                    oninput={let s = email.clone(); Callback::from(move |v| s.set(v))} />
                <div class="field">
                    <label for="new_profile">{ session.t("newperson.profile") }</label>
                    <select id="new_profile" onchange={let s = profile.clone(); Callback::from(move |e: Event| {
                        let el: HtmlSelectElement = e.target_unchecked_into();
                        s.set(el.value().parse::<Profile>().ok());
                    })}>
                        { for creatable.iter().map(|p| html! {
                            <option value={p.as_str()} selected={*profile == Some(*p)}>{ session.t(&format!("profile.{}", p.as_str())) }</option>
                        }) }
                    </select>
                </div>
                <button type="submit">{ session.t("newperson.submit") }</button>
            </form>
        </section>
    }
}
