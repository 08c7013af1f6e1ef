//! Organisations (issue 6): the list (and creating one, for administrators),
//! an organisation's page with its members, roles, blocks, bulk invitations
//! with each address's outcome, pending invitations and the CSV export;
//! accepting an invitation from its e-mailed link.

use habilis_shared::dto::{
    InvitationList, InvitationReport, MemberList, MemberView, MembershipState, OrganizationList,
    OrganizationView,
};
use habilis_shared::policy::{Action, OrgCapability, OrgRole, Resource};
use wasm_bindgen::JsCast;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Failure;
use crate::components::{field_errors, Field, ProblemMessage, When};
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

pub fn role_label(session: &Session, r: OrgRole) -> String {
    session.t(&format!("org_role.{}", r.as_str()))
}

/// A `<select>` of the organisation roles.
#[derive(Properties, PartialEq)]
pub struct RoleSelectProps {
    pub id: AttrValue,
    pub label: String,
    pub value: OrgRole,
    pub onchange: Callback<OrgRole>,
}

#[function_component]
pub fn RoleSelect(p: &RoleSelectProps) -> Html {
    let session = use_session();
    let onchange = {
        let cb = p.onchange.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(r) = el.value().parse() {
                cb.emit(r);
            }
        })
    };
    html! {
        <div class="field">
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <select id={p.id.clone()} {onchange}>
                { for OrgRole::ALL.into_iter().map(|r| html! {
                    <option value={r.as_str()} selected={p.value == r}>{ role_label(&session, r) }</option>
                }) }
            </select>
        </div>
    }
}

#[function_component]
pub fn Organizations() -> Html {
    let session = use_session();
    use_title(session.t("orgs.title"));
    let list = use_state(|| None::<OrganizationList>);
    let failure = use_state(|| None::<Failure>);
    let reload = use_state(|| 0u32);
    let name = use_state(String::new);
    let description = use_state(String::new);
    {
        let (session, list, failure) = (session.clone(), list.clone(), failure.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .get::<OrganizationList>("/organizations")
                    .await
                {
                    Ok(l) => list.set(Some(l)),
                    Err(f) => failure.set(Some(f)),
                }
            });
        });
    }
    let onsubmit = {
        let (session, name, description, failure, reload) = (
            session.clone(),
            name.clone(),
            description.clone(),
            failure.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "name": *name, "description": *description });
            let (session, name, description, failure, reload) = (
                session.clone(),
                name.clone(),
                description.clone(),
                failure.clone(),
                reload.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<OrganizationView>("/organizations", body)
                    .await
                {
                    Ok(_) => {
                        failure.set(None);
                        name.set(String::new());
                        description.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let lang = session.lang;
    let items = list.as_ref().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("orgs.title") }</h1>
            <ProblemMessage failure={(*failure).clone()} />
            if session.allows(Action::OrgCreate) {
                <form {onsubmit} class="card" novalidate=true>
                    <h2>{ session.t("orgs.new") }</h2>
                    <Field id="org-name" label={session.t("orgs.name")} value={(*name).clone()} required=true
                        errors={field_errors(lang, &failure, "name")}
                        oninput={let s = name.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="org-description" label={session.t("orgs.description")} value={(*description).clone()}
                        oninput={let s = description.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit">{ session.t("orgs.create") }</button>
                </form>
            }
            <table id="organizations">
                <caption>{ session.t("orgs.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("orgs.name") }</th>
                    <th scope="col">{ session.t("orgs.my_role") }</th>
                    <th scope="col">{ session.t("orgs.members") }</th>
                </tr></thead>
                <tbody>
                { for items.iter().map(|o| html! {
                    <tr>
                        <td><Link<Route> to={Route::Organization { id: o.id.clone() }}>{ &o.name }</Link<Route>></td>
                        <td>{ o.my_role.map(|r| role_label(&session, r)).unwrap_or_else(|| "—".into()) }</td>
                        <td>{ o.members }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if list.as_ref().is_some_and(|l| l.items.is_empty()) {
                <p>{ session.t("orgs.none") }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct OrgProps {
    pub id: String,
}

/// Saves `text` as a file through a temporary object URL.
fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        if let Some(a) = doc
            .create_element("a")
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        {
            a.set_href(&url);
            a.set_download(name);
            a.click();
        }
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

#[function_component]
pub fn Organization(p: &OrgProps) -> Html {
    let session = use_session();
    let org = use_state(|| None::<OrganizationView>);
    let members = use_state(Vec::<MemberView>::new);
    let pending = use_state(|| None::<InvitationList>);
    let failure = use_state(|| None::<Failure>);
    let reload = use_state(|| 0u32);
    let pasted = use_state(String::new);
    let role = use_state(|| OrgRole::User);
    let report = use_state(|| None::<InvitationReport>);
    let invite_failure = use_state(|| None::<Failure>);
    use_title(
        org.as_ref()
            .map(|o| o.name.clone())
            .unwrap_or_else(|| session.t("orgs.title")),
    );
    {
        let (session, org, members, pending, failure) = (
            session.clone(),
            org.clone(),
            members.clone(),
            pending.clone(),
            failure.clone(),
        );
        use_effect_with((p.id.clone(), *reload), move |(id, _)| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .get::<OrganizationView>(&format!("/organizations/{id}"))
                    .await
                {
                    Ok(o) => org.set(Some(o)),
                    Err(f) => {
                        failure.set(Some(f));
                        return;
                    }
                }
                if let Ok(m) = session
                    .client
                    .get::<MemberList>(&format!("/organizations/{id}/members"))
                    .await
                {
                    members.set(m.items);
                }
                pending.set(
                    session
                        .client
                        .get::<InvitationList>(&format!("/organizations/{id}/invitations"))
                        .await
                        .ok(),
                );
            });
        });
    }
    let Some(o) = (*org).clone() else {
        return html! { <section><ProblemMessage failure={(*failure).clone()} /></section> };
    };
    let manages = session.allows_on(
        Action::Org(OrgCapability::MembersManage),
        Resource::Organization { role: o.my_role },
    );
    let exports = session.allows_on(
        Action::Org(OrgCapability::MembersExport),
        Resource::Organization { role: o.my_role },
    );
    // One helper for the member buttons: run, then reload or report.
    let act = {
        let (session, failure, reload, id) = (
            session.clone(),
            failure.clone(),
            reload.clone(),
            o.id.clone(),
        );
        Callback::from(
            move |(user, what, body): (String, &'static str, Option<serde_json::Value>)| {
                let (session, failure, reload) = (session.clone(), failure.clone(), reload.clone());
                let path = match what {
                    "block" | "unblock" => format!("/organizations/{id}/members/{user}/{what}"),
                    _ => format!("/organizations/{id}/members/{user}"),
                };
                wasm_bindgen_futures::spawn_local(async move {
                    let done = match (what, body) {
                        ("remove", _) => session.client.delete(&path).await,
                        ("role", Some(b)) => {
                            session.client.patch::<MemberView>(&path, b).await.map(drop)
                        }
                        _ => session
                            .client
                            .post::<MemberView>(&path, serde_json::json!({}))
                            .await
                            .map(drop),
                    };
                    match done {
                        Ok(()) => {
                            failure.set(None);
                            reload.set(*reload + 1);
                        }
                        Err(f) => failure.set(Some(f)),
                    }
                });
            },
        )
    };
    let on_invite = {
        let (session, pasted, role, report, invite_failure, reload, id) = (
            session.clone(),
            pasted.clone(),
            role.clone(),
            report.clone(),
            invite_failure.clone(),
            reload.clone(),
            o.id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "emails": *pasted, "role": *role });
            let (session, report, invite_failure, reload, id) = (
                session.clone(),
                report.clone(),
                invite_failure.clone(),
                reload.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<InvitationReport>(&format!("/organizations/{id}/invitations"), body)
                    .await
                {
                    Ok(r) => {
                        invite_failure.set(None);
                        report.set(Some(r));
                        reload.set(*reload + 1);
                    }
                    Err(f) => invite_failure.set(Some(f)),
                }
            });
        })
    };
    let on_export = {
        let (session, failure, id, name) = (
            session.clone(),
            failure.clone(),
            o.id.clone(),
            o.name.clone(),
        );
        Callback::from(move |_| {
            let (session, failure, id, name) =
                (session.clone(), failure.clone(), id.clone(), name.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .get_text(&format!("/organizations/{id}/members.csv"))
                    .await
                {
                    Ok(text) => {
                        let safe: String = name
                            .chars()
                            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                            .collect();
                        download(&format!("members-{safe}.csv"), &text);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let on_revoke = {
        let (session, failure, reload, id) = (
            session.clone(),
            failure.clone(),
            reload.clone(),
            o.id.clone(),
        );
        Callback::from(move |inv: String| {
            let (session, failure, reload, path) = (
                session.clone(),
                failure.clone(),
                reload.clone(),
                format!("/organizations/{id}/invitations/{inv}"),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.delete(&path).await {
                    Ok(()) => reload.set(*reload + 1),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let lang = session.lang;
    html! {
        <section>
            <h1>{ &o.name }</h1>
            if !o.description.is_empty() { <p>{ &o.description }</p> }
            <ProblemMessage failure={(*failure).clone()} />
            <p>
                { session.t("orgs.my_role") }{ ": " }
                <strong id="my-org-role">{ o.my_role.map(|r| role_label(&session, r)).unwrap_or_else(|| "—".into()) }</strong>
            </p>
            if exports {
                <p><button type="button" class="secondary" id="export-csv" onclick={on_export}>{ session.t("orgs.export") }</button></p>
            }
            <h2>{ session.t("orgs.members") }</h2>
            <table id="members">
                <thead><tr>
                    <th scope="col">{ session.t("people.name") }</th>
                    <th scope="col">{ session.t("people.email") }</th>
                    <th scope="col">{ session.t("orgs.role") }</th>
                    <th scope="col">{ session.t("people.state") }</th>
                    if manages { <th scope="col">{ session.t("orgs.actions") }</th> }
                </tr></thead>
                <tbody>
                { for members.iter().map(|m| {
                    let uid = m.user_id.clone();
                    let blocked = m.state == MembershipState::Blocked;
                    let select_id = format!("role-{}", m.user_id);
                    html! {
                        <tr>
                            <td>{ format!("{} {}", m.first_name, m.last_name) }</td>
                            <td>{ &m.email }</td>
                            <td>
                                if manages {
                                    <label class="visually-hidden" for={select_id.clone()}>{ session.t("orgs.role") }</label>
                                    <select id={select_id} onchange={let a = act.clone(); let u = uid.clone(); Callback::from(move |e: Event| {
                                        let el: HtmlSelectElement = e.target_unchecked_into();
                                        a.emit((u.clone(), "role", Some(serde_json::json!({ "role": el.value() }))));
                                    })}>
                                        { for OrgRole::ALL.into_iter().map(|r| html! {
                                            <option value={r.as_str()} selected={m.role == r}>{ role_label(&session, r) }</option>
                                        }) }
                                    </select>
                                } else {
                                    { role_label(&session, m.role) }
                                }
                            </td>
                            <td>{ session.t(&format!("membership.{}", m.state.as_str())) }</td>
                            if manages {
                                <td class="actions">
                                    if blocked {
                                        <button type="button" class="secondary" onclick={let a = act.clone(); let u = uid.clone(); Callback::from(move |_| a.emit((u.clone(), "unblock", None)))}>{ session.t("orgs.unblock") }</button>
                                    } else {
                                        <button type="button" class="secondary" onclick={let a = act.clone(); let u = uid.clone(); Callback::from(move |_| a.emit((u.clone(), "block", None)))}>{ session.t("orgs.block") }</button>
                                    }
                                    <button type="button" class="danger" onclick={let a = act.clone(); let u = uid.clone(); Callback::from(move |_| a.emit((u.clone(), "remove", None)))}>{ session.t("orgs.remove") }</button>
                                </td>
                            }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            if manages {
                <form class="card" onsubmit={on_invite} novalidate=true>
                    <h2>{ session.t("orgs.invite") }</h2>
                    <ProblemMessage failure={(*invite_failure).clone()} />
                    <div class={classes!("field", (!field_errors(lang, &invite_failure, "emails").is_empty()).then_some("invalid"))}>
                        <label for="invite-emails">{ session.t("orgs.invite_emails") }</label>
                        <textarea id="invite-emails" rows="4" value={(*pasted).clone()}
                            aria-describedby="invite-emails-hint"
                            oninput={let s = pasted.clone(); Callback::from(move |e: InputEvent| {
                                let el: HtmlTextAreaElement = e.target_unchecked_into();
                                s.set(el.value());
                            })} />
                        <p class="hint" id="invite-emails-hint">{ session.t("orgs.invite_hint") }</p>
                        { for field_errors(lang, &invite_failure, "emails").into_iter().map(|e| html! { <p class="field-error" role="alert">{ e }</p> }) }
                    </div>
                    <RoleSelect id="invite-role" label={session.t("orgs.role")} value={*role}
                        onchange={let s = role.clone(); Callback::from(move |r| s.set(r))} />
                    <button type="submit">{ session.t("orgs.invite_submit") }</button>
                </form>
                if let Some(r) = &*report {
                    <table id="invite-results" aria-live="polite">
                        <caption>{ session.t("orgs.invite_results") }</caption>
                        <thead><tr>
                            <th scope="col">{ session.t("people.email") }</th>
                            <th scope="col">{ session.t("orgs.outcome") }</th>
                        </tr></thead>
                        <tbody>
                        { for r.results.iter().map(|x| {
                            let code = serde_json::to_value(x.outcome).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                            html! {
                                <tr class={format!("outcome-{code}")}>
                                    <td>{ &x.email }</td>
                                    <td>{ session.t(&format!("invitation.{code}")) }</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                }
                if let Some(list) = &*pending {
                    <h2>{ session.t("orgs.pending") }</h2>
                    if list.items.is_empty() {
                        <p>{ session.t("orgs.no_pending") }</p>
                    } else {
                        <table id="pending-invitations">
                            <thead><tr>
                                <th scope="col">{ session.t("people.email") }</th>
                                <th scope="col">{ session.t("orgs.role") }</th>
                                <th scope="col">{ session.t("orgs.invited_on") }</th>
                                <th scope="col">{ session.t("orgs.actions") }</th>
                            </tr></thead>
                            <tbody>
                            { for list.items.iter().map(|i| {
                                let inv = i.id.clone();
                                html! {
                                    <tr>
                                        <td>{ &i.email }</td>
                                        <td>{ role_label(&session, i.role) }</td>
                                        <td><When at={i.created_at} /></td>
                                        <td><button type="button" class="secondary" onclick={let r = on_revoke.clone(); Callback::from(move |_| r.emit(inv.clone()))}>{ session.t("orgs.revoke") }</button></td>
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                    }
                }
            }
            <p><Link<Route> to={Route::Organizations}>{ session.t("orgs.back") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct AcceptProps {
    pub token: String,
}

/// `/invitations/{token}`: join the organisation, signed in as the account
/// the invitation was sent to (a signed-out visitor signs in first and
/// comes back here).
#[function_component]
pub fn AcceptInvitation(p: &AcceptProps) -> Html {
    let session = use_session();
    use_title(session.t("invitation.title"));
    let token = p.token.clone();
    let done = use_state(|| None::<MemberView>);
    let failure = use_state(|| None::<Failure>);
    let onclick = {
        let (session, done, failure) = (session.clone(), done.clone(), failure.clone());
        Callback::from(move |_| {
            let (session, done, failure, token) = (
                session.clone(),
                done.clone(),
                failure.clone(),
                token.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!(
                    "/invitations/{}/accept",
                    String::from(js_sys::encode_uri_component(&token))
                );
                match session
                    .client
                    .post::<MemberView>(&path, serde_json::json!({}))
                    .await
                {
                    Ok(m) => done.set(Some(m)),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    html! {
        <section class="narrow">
            <h1>{ session.t("invitation.title") }</h1>
            <ProblemMessage failure={(*failure).clone()} />
            if let Some(m) = &*done {
                <p class="success" role="status">{ crate::i18n::fill(&session.t("invitation.joined"), &[("role", &role_label(&session, m.role))]) }</p>
                <p><Link<Route> to={Route::Organizations}>{ session.t("orgs.title") }</Link<Route>></p>
            } else {
                <p>{ session.t("invitation.text") }</p>
                <button type="button" id="accept-invitation" {onclick}>{ session.t("invitation.accept") }</button>
            }
        </section>
    }
}
