//! The matrices of SPEC §2.3–2.6, rendered from `GET /policy`;
//! provisional values are marked.

use std::collections::{BTreeMap, BTreeSet};

use habilis_shared::policy::{Capability, Profile};
use yew::prelude::*;

use crate::state::{use_session, use_title, SessionHandle};

fn profile_name(s: &SessionHandle, p: Profile) -> String {
    s.t(&format!("profile.{}", p.as_str()))
}

fn yes_no(s: &SessionHandle, yes: bool) -> String {
    if yes {
        s.t("common.yes")
    } else {
        s.t("common.no")
    }
}

fn matrix(
    s: &SessionHandle,
    id: &str,
    caption: String,
    m: &BTreeMap<Profile, BTreeSet<Profile>>,
) -> Html {
    let cols = Profile::ACCOUNT_PROFILES;
    html! {
        <table id={id.to_owned()} class="matrix">
            <caption>{ caption }</caption>
            <thead><tr>
                <th scope="col">{ s.t("policy.by_for") }</th>
                { for cols.iter().map(|c| html! { <th scope="col">{ profile_name(s, *c) }</th> }) }
            </tr></thead>
            <tbody>
            { for cols.iter().map(|row| html! {
                <tr>
                    <th scope="row">{ profile_name(s, *row) }</th>
                    { for cols.iter().map(|c| {
                        let yes = m.get(row).is_some_and(|set| set.contains(c));
                        html! { <td class={if yes { "yes" } else { "no" }}>{ yes_no(s, yes) }</td> }
                    }) }
                </tr>
            }) }
            </tbody>
        </table>
    }
}

#[function_component]
pub fn PolicyPage() -> Html {
    let session = use_session();
    use_title(session.t("policy.title"));
    let Some(policy) = session.policy.clone() else {
        return html! { <p aria-live="polite">{ session.t("common.loading") }</p> };
    };
    let s = &session;
    let visibility = serde_json::to_value(&policy.visibility)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default();
    html! {
        <section>
            <h1>{ s.t("policy.title") }</h1>
            <p>{ s.t("policy.intro") }</p>
            <h2>{ s.t("policy.creation") }</h2>
            { matrix(s, "creation-matrix", s.t("policy.creation_caption"), &policy.creation) }
            <h2>{ s.t("policy.habilitation") }</h2>
            { matrix(s, "habilitation-matrix", s.t("policy.habilitation_caption"), &policy.habilitation) }
            <h2>{ s.t("policy.capabilities") }</h2>
            <table id="capability-matrix" class="matrix">
                <caption>{ s.t("policy.capabilities_caption") }</caption>
                <thead><tr>
                    <th scope="col">{ s.t("policy.capability") }</th>
                    { for Profile::ALL.iter().map(|p| html! { <th scope="col">{ profile_name(s, *p) }</th> }) }
                </tr></thead>
                <tbody>
                { for Capability::ALL.iter().map(|c| {
                    let rule = policy.capabilities.get(c);
                    html! {
                        <tr>
                            <th scope="row">{ s.t(&format!("capability.{}", c.code())) }<br/><code>{ c.code() }</code></th>
                            { for Profile::ALL.iter().map(|p| {
                                let yes = rule.is_some_and(|r| r.allowed.contains(p));
                                let tbc = rule.is_some_and(|r| r.provisional.contains(p));
                                html! {
                                    <td class={classes!(if yes { "yes" } else { "no" }, tbc.then_some("provisional"))}>
                                        { yes_no(s, yes) }
                                        if tbc { <span class="tbc">{ format!(" ({})", s.t("policy.provisional")) }</span> }
                                    </td>
                                }
                            }) }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <h2>{ s.t("policy.visibility") }</h2>
            <table id="visibility" class="matrix">
                <caption>{ s.t("policy.visibility_caption") }</caption>
                <tbody>
                { for visibility.iter().map(|(k, v)| html! {
                    <tr><th scope="row">{ s.t(&format!("visibility.{k}")) }</th><td>{ yes_no(s, v.as_bool().unwrap_or(false)) }</td></tr>
                }) }
                </tbody>
            </table>
            <h2>{ s.t("policy.priority") }</h2>
            <table id="priority" class="matrix">
                <caption>{ s.t("policy.priority_caption") }</caption>
                <thead><tr>
                    <th scope="col">{ s.t("policy.profile") }</th>
                    <th scope="col">{ s.t("policy.rank") }</th>
                    <th scope="col">{ s.t("policy.access") }</th>
                    <th scope="col">{ s.t("policy.max_running") }</th>
                    <th scope="col">{ s.t("policy.max_share") }</th>
                </tr></thead>
                <tbody>
                { for Profile::ALL.iter().map(|p| {
                    let cap = policy.priority.caps.get(p);
                    let access = policy.priority.access.get(p).map(|a| {
                        serde_json::to_value(a).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
                    }).unwrap_or_default();
                    html! {
                        <tr>
                            <th scope="row">{ profile_name(s, *p) }</th>
                            <td>{ policy.rank(*p) }</td>
                            <td>{ s.t(&format!("priority.{access}")) }</td>
                            <td>{ cap.map(|c| c.max_running.to_string()).unwrap_or_default() }</td>
                            <td>{ cap.map(|c| format!("{:.0} %", c.max_share * 100.0)).unwrap_or_default() }</td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <h2>{ s.t("policy.accounts") }</h2>
            <dl class="facts">
                <dt>{ s.t("policy.domains") }</dt><dd>{ policy.accounts.allowed_email_domains.join(", ") }</dd>
                <dt>{ s.t("policy.webmaster_limit") }</dt><dd>{ policy.profile_limit(Profile::Webmaster).unwrap_or(0) }</dd>
                <dt>{ s.t("policy.password_min") }</dt><dd>{ policy.accounts.password_min_length }</dd>
                <dt>{ s.t("policy.access_minutes") }</dt><dd>{ policy.auth.access_token_minutes }</dd>
                <dt>{ s.t("policy.lockout") }</dt><dd>{ crate::i18n::fill(&s.t("policy.lockout_value"), &[
                    ("failures", &policy.auth.lockout_max_failures.to_string()),
                    ("window", &policy.auth.lockout_window_minutes.to_string()),
                    ("minutes", &policy.auth.lockout_minutes.to_string()),
                ]) }</dd>
                <dt>{ s.t("policy.charter_version") }</dt><dd>{ &policy.charter_version }</dd>
            </dl>
        </section>
    }
}
