//! Organisations (issue 6): the list (and creating one, for administrators),
//! an organisation's page with its members, roles, blocks, bulk invitations
//! with each address's outcome, pending invitations and the CSV export;
//! accepting an invitation from its e-mailed link.

use crate::hooks::use_state;
use habilis_shared::dto::{
    ChangeMemberRole, CreateOrganization, EmailList, InvitationPage, InvitationReport,
    InviteMembers, MemberPage, MemberQuery, MemberView, MembershipState, OrganizationPage,
    OrganizationView, PageQuery, UpdateOrganization,
};
use habilis_shared::policy::{Action, OrgCapability, OrgRole, Resource};
use serde::de::IgnoredAny;
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    field_errors, save_text, use_pager, Field, PagerButtons, ProblemMessage, When,
};
use crate::hooks::{use_action, use_action_then, use_fetch};
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
    let name = use_state(String::new);
    let description = use_state(String::new);
    let pager = use_pager();
    let list = use_fetch(pager.current(), |client, cursor| async move {
        let query = PageQuery {
            limit: None,
            cursor,
        };
        client
            .get::<OrganizationPage>(&with_query("/organizations", &query))
            .await
    });
    let create = {
        let (name, description, list) = (name.clone(), description.clone(), list.clone());
        use_action_then(
            |client, body: CreateOrganization| async move {
                client
                    .post::<_, OrganizationView>("/organizations", &body)
                    .await
            },
            move |_| {
                name.set(String::new());
                description.set(String::new());
                list.reload();
            },
        )
    };
    let onsubmit = create.on_submit(CreateOrganization {
        name: (*name).clone(),
        description: (*description).clone(),
    });
    let failure = create.error().or(list.error());
    let lang = session.lang;
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("orgs.title") }</h1>
            <ProblemMessage failure={failure.cloned()} />
            if session.allows(Action::OrgCreate) {
                <form {onsubmit} class="card" novalidate=true>
                    <h2>{ session.t("orgs.new") }</h2>
                    <Field id="org-name" label={session.t("orgs.name")} value={(*name).clone()} required=true
                        errors={field_errors(lang, failure, "name")}
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
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p>{ session.t("orgs.none") }</p>
            }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct OrgProps {
    pub id: String,
}

/// An organisation, its members, and its pending invitations (for those
/// who may see them).
struct OrgPage {
    org: OrganizationView,
    /// One page of members (none for who may not see them: operators).
    members: Vec<MemberView>,
    members_next: Option<String>,
    /// The first page of pending invitations, for managers.
    pending: Option<InvitationPage>,
}

async fn load_org(
    client: Client,
    (id, cursor): (String, Option<String>),
) -> Result<OrgPage, Failure> {
    let org = client
        .get::<OrganizationView>(&format!("/organizations/{id}"))
        .await?;
    let query = MemberQuery {
        cursor,
        ..MemberQuery::default()
    };
    let members = client
        .get::<MemberPage>(&with_query(&format!("/organizations/{id}/members"), &query))
        .await
        .ok();
    let pending = client
        .get::<InvitationPage>(&format!("/organizations/{id}/invitations"))
        .await
        .ok();
    Ok(OrgPage {
        org,
        members_next: members.as_ref().and_then(|m| m.next_cursor.clone()),
        members: members.map(|m| m.items).unwrap_or_default(),
        pending,
    })
}

/// What a manager does to a member or an invitation, each followed by a reload.
#[derive(Clone)]
enum OrgChange {
    Role(String, OrgRole),
    Block(String),
    Unblock(String),
    Remove(String),
    Revoke(String),
    Rename(UpdateOrganization),
}

async fn change_org(
    client: Client,
    (org, change): (String, OrgChange),
) -> Result<IgnoredAny, Failure> {
    let member = |user: &str| format!("/organizations/{org}/members/{user}");
    match change {
        OrgChange::Role(user, role) => {
            client
                .patch(&member(&user), &ChangeMemberRole { role })
                .await
        }
        OrgChange::Block(user) => client.post_empty(&format!("{}/block", member(&user))).await,
        OrgChange::Unblock(user) => {
            client
                .post_empty(&format!("{}/unblock", member(&user)))
                .await
        }
        OrgChange::Remove(user) => client.delete(&member(&user)).await,
        OrgChange::Rename(body) => client.patch(&format!("/organizations/{org}"), &body).await,
        OrgChange::Revoke(invitation) => {
            client
                .delete(&format!("/organizations/{org}/invitations/{invitation}"))
                .await
        }
    }
}

#[function_component]
pub fn Organization(p: &OrgProps) -> Html {
    let session = use_session();
    let pasted = use_state(String::new);
    let role = use_state(|| OrgRole::User);
    let renaming = use_state(|| None::<UpdateOrganization>);
    let pager = use_pager();
    let page = use_fetch((p.id.clone(), pager.current()), load_org);
    let change = {
        let (page, renaming) = (page.clone(), renaming.clone());
        use_action_then(change_org, move |_| {
            renaming.set(None);
            page.reload();
        })
    };
    let invite = {
        let page = page.clone();
        use_action_then(
            |client, (id, body): (String, InviteMembers)| async move {
                client
                    .post::<_, InvitationReport>(&format!("/organizations/{id}/invitations"), &body)
                    .await
            },
            move |_| page.reload(),
        )
    };
    let export = use_action(|client, (id, file): (String, String)| async move {
        let text = client
            .get_text(&format!("/organizations/{id}/members.csv"))
            .await?;
        save_text(&file, &text, "text/csv;charset=utf-8");
        Ok(())
    });
    use_title(
        page.data()
            .map(|d| d.org.name.clone())
            .unwrap_or_else(|| session.t("orgs.title")),
    );
    let failure = change.error().or(export.error()).or(page.error()).cloned();
    let Some(OrgPage {
        org: o,
        members,
        members_next,
        pending,
    }) = page.data()
    else {
        return html! { <section><ProblemMessage {failure} /></section> };
    };
    let manages = session.allows_on(
        Action::Org(OrgCapability::MembersManage),
        Resource::Organization { role: o.my_role },
    );
    let exports = session.allows_on(
        Action::Org(OrgCapability::MembersExport),
        Resource::Organization { role: o.my_role },
    );
    let on_change = |c: OrgChange| change.on_click((o.id.clone(), c));
    let on_role = |user: String| {
        let (change, org) = (change.clone(), o.id.clone());
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            if let Ok(role) = el.value().parse() {
                change.run((org.clone(), OrgChange::Role(user.clone(), role)));
            }
        })
    };
    let on_invite = invite.on_submit((
        o.id.clone(),
        InviteMembers {
            emails: EmailList::Joined((*pasted).clone()),
            role: *role,
        },
    ));
    let safe: String = o
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let on_export = export.on_click((o.id.clone(), format!("members-{safe}.csv")));
    let invite_failure = invite.error();
    let report = invite.value();
    let lang = session.lang;
    let on_rename_start = {
        let (renaming, o) = (renaming.clone(), o.clone());
        Callback::from(move |_| {
            renaming.set(Some(UpdateOrganization {
                name: Some(o.name.clone()),
                description: Some(o.description.clone()),
            }))
        })
    };
    let rename_form = match &*renaming {
        None => html! {},
        Some(draft) => {
            let set = |f: fn(&mut UpdateOrganization, String)| {
                let renaming = renaming.clone();
                Callback::from(move |v: String| {
                    if let Some(d) = &*renaming {
                        let mut d = d.clone();
                        f(&mut d, v);
                        renaming.set(Some(d));
                    }
                })
            };
            let cancel = {
                let renaming = renaming.clone();
                Callback::from(move |_| renaming.set(None))
            };
            let on_save = change.on_submit((o.id.clone(), OrgChange::Rename(draft.clone())));
            html! {
                <form class="card" id="org-rename" onsubmit={on_save} novalidate=true>
                    <h2>{ session.t("orgs.rename") }</h2>
                    <Field id="rename-org-name" label={session.t("orgs.name")} value={draft.name.clone().unwrap_or_default()} required=true
                        errors={field_errors(lang, failure.as_ref(), "name")} oninput={set(|d, v| d.name = Some(v))} />
                    <Field id="rename-org-description" label={session.t("orgs.description")} value={draft.description.clone().unwrap_or_default()}
                        errors={field_errors(lang, failure.as_ref(), "description")} oninput={set(|d, v| d.description = Some(v))} />
                    <div class="actions">
                        <button type="submit" id="org-save">{ session.t("common.save") }</button>
                        <button type="button" class="secondary" onclick={cancel}>{ session.t("common.cancel") }</button>
                    </div>
                </form>
            }
        }
    };
    html! {
        <section>
            <h1>{ &o.name }</h1>
            if !o.description.is_empty() { <p>{ &o.description }</p> }
            <ProblemMessage failure={failure.clone()} />
            if manages && renaming.is_none() {
                <p><button type="button" class="secondary" id="rename-org" onclick={on_rename_start}>{ session.t("orgs.rename") }</button></p>
            }
            { rename_form }
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
                                    <select id={select_id} onchange={on_role(uid.clone())}>
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
                                        <button type="button" class="secondary" onclick={on_change(OrgChange::Unblock(uid.clone()))}>{ session.t("orgs.unblock") }</button>
                                    } else {
                                        <button type="button" class="secondary" onclick={on_change(OrgChange::Block(uid.clone()))}>{ session.t("orgs.block") }</button>
                                    }
                                    <button type="button" class="danger" onclick={on_change(OrgChange::Remove(uid.clone()))}>{ session.t("orgs.remove") }</button>
                                </td>
                            }
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            <PagerButtons pager={pager.clone()} next={members_next.clone()} />
            if manages {
                <form class="card" onsubmit={on_invite} novalidate=true>
                    <h2>{ session.t("orgs.invite") }</h2>
                    <ProblemMessage failure={invite_failure.cloned()} />
                    <div class={classes!("field", (!field_errors(lang, invite_failure, "emails").is_empty()).then_some("invalid"))}>
                        <label for="invite-emails">{ session.t("orgs.invite_emails") }</label>
                        <textarea id="invite-emails" rows="4" value={(*pasted).clone()}
                            aria-describedby="invite-emails-hint"
                            oninput={let s = pasted.clone(); Callback::from(move |e: InputEvent| {
                                let el: HtmlTextAreaElement = e.target_unchecked_into();
                                s.set(el.value());
                            })} />
                        <p class="hint" id="invite-emails-hint">{ session.t("orgs.invite_hint") }</p>
                        { for field_errors(lang, invite_failure, "emails").into_iter().map(|e| html! { <p class="field-error" role="alert">{ e }</p> }) }
                    </div>
                    <RoleSelect id="invite-role" label={session.t("orgs.role")} value={*role}
                        onchange={let s = role.clone(); Callback::from(move |r| s.set(r))} />
                    <button type="submit">{ session.t("orgs.invite_submit") }</button>
                </form>
                if let Some(r) = report {
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
                if let Some(list) = pending {
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
                                html! {
                                    <tr>
                                        <td>{ &i.email }</td>
                                        <td>{ role_label(&session, i.role) }</td>
                                        <td><When at={i.created_at} /></td>
                                        <td><button type="button" class="secondary" onclick={on_change(OrgChange::Revoke(i.id.clone()))}>{ session.t("orgs.revoke") }</button></td>
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
    let accept = use_action(|client, token: String| async move {
        let path = format!(
            "/invitations/{}/accept",
            String::from(js_sys::encode_uri_component(&token))
        );
        client.post_empty::<MemberView>(&path).await
    });
    let onclick = accept.on_click(p.token.clone());
    html! {
        <section class="narrow">
            <h1>{ session.t("invitation.title") }</h1>
            <ProblemMessage failure={accept.error().cloned()} />
            if let Some(m) = accept.value() {
                <p class="success" role="status">{ crate::i18n::fill(&session.t("invitation.joined"), &[("role", &role_label(&session, m.role))]) }</p>
                <p><Link<Route> to={Route::Organizations}>{ session.t("orgs.title") }</Link<Route>></p>
            } else {
                <p>{ session.t("invitation.text") }</p>
                <button type="button" id="accept-invitation" {onclick}>{ session.t("invitation.accept") }</button>
            }
        </section>
    }
}
