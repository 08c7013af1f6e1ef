//! People: the accounts I may see, a person's page, creating an account.

use crate::hooks::use_state;
use habilis_shared::dto::{
    AccountState, AuthzResource, CreateUser, CreatedUser, UserPage, UserQuery, UserView,
};
use habilis_shared::policy::Profile;
use serde::de::IgnoredAny;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    field_errors, use_pager, CopyButton, Field, PagerButtons, ProblemMessage, When,
};
use crate::hooks::{use_action_then, use_fetch, use_reload_me};
use crate::route::Route;
use crate::state::{use_session, use_title};

#[function_component]
pub fn People() -> Html {
    let session = use_session();
    use_title(session.t("people.title"));
    let search = use_state(String::new);
    let applied = use_state(String::new);
    let pager = use_pager();
    let page = use_fetch(
        ((*applied).clone(), pager.current()),
        |client, (q, cursor)| async move {
            let q = q.trim();
            let query = UserQuery {
                q: (!q.is_empty()).then(|| q.to_owned()),
                limit: Some(20),
                cursor,
            };
            client.get::<UserPage>(&with_query("/users", &query)).await
        },
    );
    let onsubmit = {
        let (search, applied, pager) = (search.clone(), applied.clone(), pager.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            pager.reset();
            applied.set((*search).clone());
        })
    };
    let next = page.data().and_then(|p| p.next_cursor.clone());
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
            <ProblemMessage failure={page.error().cloned()} />
            <table id="people">
                <caption>{ session.t("people.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("people.name") }</th>
                    <th scope="col">{ session.t("people.email") }</th>
                    <th scope="col">{ session.t("people.profile") }</th>
                    <th scope="col">{ session.t("people.state") }</th>
                </tr></thead>
                <tbody>
                { for page.data().map(|p| p.items.clone()).unwrap_or_default().into_iter().map(|u| html! {
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

/// A person, and the buttons the policy allows for this very account.
struct PersonPage {
    user: UserView,
    can_block: bool,
    can_unblock: bool,
}

async fn load_person(client: Client, id: String) -> Result<PersonPage, Failure> {
    let user = client.get::<UserView>(&format!("/users/{id}")).await?;
    let resource = || AuthzResource::User { id: id.clone() };
    Ok(PersonPage {
        can_block: client.allowed("user.block", resource()).await,
        can_unblock: client.allowed("user.unblock", resource()).await,
        user,
    })
}

#[function_component]
pub fn Person(p: &PersonProps) -> Html {
    let session = use_session();
    let person = use_fetch(p.id.clone(), load_person);
    // Block or unblock: the verb is the path's last segment.
    let act = {
        let person = person.clone();
        use_action_then(
            |client, path: String| async move { client.post_empty::<IgnoredAny>(&path).await },
            move |_| person.reload(),
        )
    };
    use_title(
        person
            .data()
            .map(|p| format!("{} {}", p.user.first_name, p.user.last_name))
            .unwrap_or_else(|| session.t("people.person")),
    );
    let failure = act.error().or(person.error()).cloned();
    let Some(PersonPage {
        user: u,
        can_block,
        can_unblock,
    }) = person.data()
    else {
        return html! { <section><ProblemMessage {failure} /></section> };
    };
    let blocked = u.state == AccountState::Blocked;
    html! {
        <section>
            <h1>{ format!("{} {}", u.first_name, u.last_name) }</h1>
            <ProblemMessage {failure} />
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
                <button type="button" class="danger" id="block" onclick={act.on_click(format!("/users/{}/block", u.id))}>{ session.t("people.block") }</button>
            }
            if *can_unblock && blocked {
                <button type="button" id="unblock" onclick={act.on_click(format!("/users/{}/unblock", u.id))}>{ session.t("people.unblock") }</button>
            }
            <crate::pages::recovery::Identity user={u.clone()} changed={person.reloader()} />
            <crate::pages::lifecycle::Lifecycle user={u.clone()} changed={person.reloader()} />
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
    let reload_me = use_reload_me();
    let create = use_action_then(
        |client, body: CreateUser| async move { client.post::<_, CreatedUser>("/users", &body).await },
        // Keep my account, and what it may still create, current.
        move |_| reload_me.emit(()),
    );
    let onsubmit = match *profile {
        Some(profile) => create.on_submit(CreateUser {
            first_name: (*first).clone(),
            last_name: (*last).clone(),
            email: (*email).clone(),
            profile,
            supervisor_id: None,
        }),
        // Nothing to choose from: the page says so instead of a form.
        None => Callback::from(|e: SubmitEvent| e.prevent_default()),
    };
    let failure = create.error();
    let lang = session.lang;
    if let Some(c) = create.value() {
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
                <ProblemMessage failure={failure.cloned()} />
                <Field id="first_name" label={session.t("newperson.first_name")} value={(*first).clone()} required=true
                    errors={field_errors(lang, failure, "first_name")}
                    oninput={let s = first.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="last_name" label={session.t("newperson.last_name")} value={(*last).clone()} required=true
                    errors={field_errors(lang, failure, "last_name")}
                    oninput={let s = last.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="new_email" kind="email" label={session.t("newperson.email")} value={(*email).clone()} required=true
                    hint={session.policy.as_ref().map(|p| AttrValue::from(crate::i18n::fill(&session.t("newperson.domains"), &[("domains", &p.accounts.allowed_email_domains.join(", "))])))}
                    errors={field_errors(lang, failure, "email")}
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
