//! Home: who I am, my supervisor, what the policy lets me do.

use habilis_shared::policy::{Action, Capability};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::components::When;
use crate::route::Route;
use crate::state::{use_session, use_title};

#[function_component]
pub fn Home() -> Html {
    let session = use_session();
    use_title(session.t("home.title"));
    let Some(me) = &session.me else {
        return html! {};
    };
    let u = &me.user;
    let profile = session.t(&format!("profile.{}", u.profile.as_str()));
    // SPEC §3.3: every profile signs before any scientific action.
    let charter_ok = u
        .personal
        .as_ref()
        .and_then(|p| p.charter_version.as_deref())
        == Some(me.current_charter_version.as_str());
    let provisional = |c: Capability| {
        session
            .policy
            .as_ref()
            .is_some_and(|p| p.is_provisional(c, u.profile))
    };
    html! {
        <section>
            <h1>{ session.t("home.title") }</h1>
            <dl class="facts">
                <dt>{ session.t("home.name") }</dt><dd id="me-name">{ format!("{} {}", u.first_name, u.last_name) }</dd>
                <dt>{ session.t("home.email") }</dt><dd>{ &u.email }</dd>
                <dt>{ session.t("home.profile") }</dt><dd id="me-profile">{ profile }</dd>
                <dt>{ session.t("home.supervisor") }</dt>
                <dd>{ match &me.supervisor {
                    Some(s) => html! { <Link<Route> to={Route::Person { id: s.id.clone() }}>{ format!("{} {}", s.first_name, s.last_name) }</Link<Route>> },
                    None => html! { session.t("home.no_supervisor") },
                } }</dd>
                <dt>{ session.t("home.member_since") }</dt><dd><When at={u.created_at} /></dd>
            </dl>
            if !charter_ok {
                <p class="notice" role="status">
                    { session.t("home.charter_needed") }{ " " }
                    <Link<Route> to={Route::Account}>{ session.t("home.charter_link") }</Link<Route>>
                </p>
            }
            <h2>{ session.t("home.can_do") }</h2>
            <ul class="capabilities" id="capabilities">
                { for Capability::ALL.iter().map(|c| {
                    let d = session.decide(Action::Capability(*c));
                    let allowed = d.as_ref().is_some_and(|d| d.allowed);
                    let reason = d.map(|d| d.reason.render(session.lang)).unwrap_or_default();
                    html! {
                        <li class={if allowed { "yes" } else { "no" }} title={reason}>
                            <span class="mark" aria-hidden="true">{ if allowed { "✓" } else { "✗" } }</span>
                            { session.t(&format!("capability.{}", c.code())) }
                            { " — " }
                            { if allowed { session.t("home.allowed") } else { session.t("home.not_allowed") } }
                            if provisional(*c) { <span class="provisional">{ format!(" ({})", session.t("policy.provisional")) }</span> }
                        </li>
                    }
                }) }
            </ul>
            <h2>{ session.t("home.can_create") }</h2>
            if me.can_create.is_empty() {
                <p id="can-create-none">{ session.t("home.can_create_none") }</p>
            } else {
                <p>
                    { me.can_create.iter().map(|p| session.t(&format!("profile.{}", p.as_str()))).collect::<Vec<_>>().join(", ") }
                    { " — " }
                    <Link<Route> to={Route::NewPerson}>{ session.t("people.create") }</Link<Route>>
                </p>
            }
        </section>
    }
}
