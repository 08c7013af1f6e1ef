//! Projects (issue 6): the list and the request form, a project's page with
//! its state history, participants (invite, revoke) and closing, and the
//! approvals inbox of sponsors and data stewards.

use crate::hooks::{use_state, UseStateHandle};
use habilis_shared::dto::{
    self, ApprovalDecision, ApprovalPage, ApprovalQuery, ApprovalView, AuthzResource,
    CreateProject, DataClass, DecideApproval, InviteParticipant, OrganizationList, ParticipantPage,
    ParticipantState, ParticipantView, ProjectQuery, ProjectState, ProjectView, UpdateProject,
    WorkPage, WorkQuery, WorkView,
};
use habilis_shared::policy::{Action, OrgCapability, Resource};
use serde::de::IgnoredAny;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    confirmed, field_errors, use_pager, Choice, Field, PagerButtons, PersonLink, PersonPicker,
    PickFrom, Picked, ProblemMessage, When,
};
use crate::hooks::{use_action_then, use_fetch};
use crate::pages::catalog::{OrderSubject, ProjectOrders};
use crate::pages::data::ProjectTabs;
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

fn state_label(session: &Session, s: Option<ProjectState>) -> String {
    s.map(|s| session.t(&format!("project_state.{}", s.as_str())))
        .unwrap_or_else(|| "—".into())
}

#[function_component]
pub fn Projects() -> Html {
    let session = use_session();
    use_title(session.t("projects.title"));
    let org = use_state(String::new);
    let name = use_state(String::new);
    let data_class = use_state(|| "standard".to_owned());
    let domain = use_state(String::new);
    let description = use_state(String::new);
    let sponsor = use_state(String::new);
    let steward = use_state(String::new);
    let pager = use_pager();
    let list = use_fetch(pager.current(), |client, cursor| async move {
        let query = ProjectQuery {
            cursor,
            ..ProjectQuery::default()
        };
        client
            .get::<dto::ProjectPage>(&with_query("/projects", &query))
            .await
    });
    let all_orgs = use_fetch((), |client, ()| async move {
        client.get::<OrganizationList>("/organizations").await
    });
    let create = {
        let (name, list) = (name.clone(), list.clone());
        use_action_then(
            |client, body: CreateProject| async move {
                client.post::<_, ProjectView>("/projects", &body).await
            },
            move |_| {
                name.set(String::new());
                list.reload();
            },
        )
    };
    let onsubmit = create.on_submit(CreateProject {
        organization_id: (*org).clone(),
        name: (*name).clone(),
        // The blank choice reads as the default class.
        data_class: DataClass::parse(&data_class).unwrap_or(DataClass::Standard),
        domain: (*domain).clone(),
        description: (*description).clone(),
        sponsor_id: (*sponsor).clone(),
        data_steward_id: (*steward).clone(),
    });
    // The organisations where the policy lets me request projects.
    let orgs: Vec<(String, String)> = all_orgs
        .data()
        .map(|l| {
            l.items
                .iter()
                .filter(|o| {
                    session.allows_on(
                        Action::Org(OrgCapability::ProjectsManage),
                        Resource::Organization { role: o.my_role },
                    )
                })
                .map(|o| (o.id.clone(), o.name.clone()))
                .collect()
        })
        .unwrap_or_default();
    let me = session
        .me
        .as_ref()
        .map(|m| m.user.id.clone())
        .unwrap_or_default();
    let pick = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v: Option<Picked>| h.set(v.and_then(|p| p.id).unwrap_or_default()))
    };
    let create_failure = create.error();
    let lang = session.lang;
    let domains: Vec<(String, String)> = session
        .policy
        .as_ref()
        .map(|p| {
            p.organizations
                .project_domains
                .iter()
                .map(|d| (d.clone(), d.clone()))
                .collect()
        })
        .unwrap_or_default();
    let set = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v: String| h.set(v))
    };
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("projects.title") }</h1>
            <ProblemMessage failure={list.error().cloned()} />
            if !orgs.is_empty() {
                <form {onsubmit} class="card" novalidate=true>
                    <h2>{ session.t("projects.new") }</h2>
                    <p class="hint">{ session.t("projects.new_hint") }</p>
                    <ProblemMessage failure={create_failure.cloned()} />
                    <Choice id="project-org" label={session.t("projects.organization")} options={orgs} value={(*org).clone()}
                        errors={field_errors(lang, create_failure, "organization_id")} onchange={set(&org)} />
                    <Field id="project-name" label={session.t("projects.name")} value={(*name).clone()} required=true
                        errors={field_errors(lang, create_failure, "name")} oninput={set(&name)} />
                    <Choice id="project-class" label={session.t("projects.data_class")}
                        options={vec![("standard".to_owned(), session.t("data_class.standard")), ("hds".to_owned(), session.t("data_class.hds"))]}
                        value={(*data_class).clone()} onchange={set(&data_class)} />
                    <Choice id="project-domain" label={session.t("projects.domain")} options={domains} value={(*domain).clone()}
                        errors={field_errors(lang, create_failure, "domain")} onchange={set(&domain)} />
                    <Field id="project-description" label={session.t("projects.description")} value={(*description).clone()}
                        oninput={set(&description)} />
                    // Sponsor and data steward are chosen among the organisation's members.
                    <PersonPicker id="project-sponsor" label={session.t("projects.sponsor")} from={PickFrom::Members((*org).clone())}
                        exclude={vec![me.clone()]} hint={session.t("picker.members_hint")}
                        errors={field_errors(lang, create_failure, "sponsor_id")} onchange={pick(&sponsor)} />
                    <PersonPicker id="project-steward" label={session.t("projects.steward")} from={PickFrom::Members((*org).clone())}
                        exclude={vec![me.clone()]}
                        errors={field_errors(lang, create_failure, "data_steward_id")} onchange={pick(&steward)} />
                    <p class="hint">{ session.t("projects.approvers_hint") }</p>
                    <button type="submit">{ session.t("projects.create") }</button>
                </form>
            }
            <table id="projects">
                <caption>{ session.t("projects.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("projects.name") }</th>
                    <th scope="col">{ session.t("people.state") }</th>
                    <th scope="col">{ session.t("projects.domain") }</th>
                </tr></thead>
                <tbody>
                { for items.iter().map(|p| html! {
                    <tr>
                        <td><Link<Route> to={Route::Project { id: p.id.clone() }}>{ &p.name }</Link<Route>></td>
                        <td>{ state_label(&session, p.state) }</td>
                        <td>{ p.domain.clone().unwrap_or_else(|| "—".into()) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if list.data().is_some_and(|l| l.items.is_empty()) { <p>{ session.t("projects.none") }</p> }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProjectProps {
    pub id: String,
}

/// A project, its participants, and what the policy lets me do with it.
struct ProjectPage {
    project: ProjectView,
    participants: Option<Vec<ParticipantView>>,
    /// The first works of the project that I see.
    works: Option<Vec<WorkView>>,
    can_manage_access: bool,
    can_manage: bool,
}

async fn load_project(client: Client, id: String) -> Result<ProjectPage, Failure> {
    let project = client
        .get::<ProjectView>(&format!("/projects/{id}"))
        .await?;
    let participants = client
        .get::<ParticipantPage>(&format!("/projects/{id}/participants?limit=200"))
        .await
        .ok()
        .map(|l| l.items);
    let works_query = WorkQuery {
        project_id: Some(id.clone()),
        limit: Some(50),
        ..WorkQuery::default()
    };
    let works = client
        .get::<WorkPage>(&with_query("/works", &works_query))
        .await
        .ok()
        .map(|p| p.items);
    let resource = || AuthzResource::Project { id: id.clone() };
    Ok(ProjectPage {
        project,
        participants,
        works,
        can_manage_access: client.allowed("project.participants", resource()).await,
        can_manage: client.allowed("project.manage", resource()).await,
    })
}

/// Revoking a participant, closing the project: each followed by a reload.
#[derive(Clone)]
enum ProjectChange {
    Revoke(String),
    Close,
    Edit(UpdateProject),
}

async fn change_project(
    client: Client,
    (id, change): (String, ProjectChange),
) -> Result<IgnoredAny, Failure> {
    match change {
        ProjectChange::Revoke(participant) => {
            client
                .delete(&format!("/projects/{id}/participants/{participant}"))
                .await
        }
        ProjectChange::Close => client.post_empty(&format!("/projects/{id}/close")).await,
        ProjectChange::Edit(body) => client.patch(&format!("/projects/{id}"), &body).await,
    }
}

#[function_component]
pub fn Project(p: &ProjectProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let email = use_state(String::new);
    let editing = use_state(|| None::<UpdateProject>);
    let page = use_fetch(p.id.clone(), load_project);
    let invite = {
        let (email, page) = (email.clone(), page.clone());
        use_action_then(
            |client, (id, body): (String, InviteParticipant)| async move {
                client
                    .post::<_, ParticipantView>(&format!("/projects/{id}/participants"), &body)
                    .await
            },
            move |_| {
                email.set(String::new());
                page.reload();
            },
        )
    };
    let change = {
        let (page, editing) = (page.clone(), editing.clone());
        use_action_then(change_project, move |_| {
            editing.set(None);
            page.reload();
        })
    };
    let delete = use_action_then(
        |client, id: String| async move {
            client
                .delete::<IgnoredAny>(&format!("/projects/{id}"))
                .await
        },
        move |_| {
            if let Some(n) = &navigator {
                n.push(&Route::Projects);
            }
        },
    );
    use_title(
        page.data()
            .map(|d| d.project.name.clone())
            .unwrap_or_else(|| session.t("projects.title")),
    );
    let failure = invite
        .error()
        .or(change.error())
        .or(delete.error())
        .or(page.error())
        .cloned();
    let Some(ProjectPage {
        project: v,
        participants,
        works,
        can_manage_access,
        can_manage,
    }) = page.data()
    else {
        return html! { <section><ProblemMessage {failure} /></section> };
    };
    let on_invite = invite.on_submit((
        v.id.clone(),
        InviteParticipant {
            email: (*email).clone(),
            role: None,
        },
    ));
    let on_close = change.on_click((v.id.clone(), ProjectChange::Close));
    let on_edit_start = {
        let (editing, v) = (editing.clone(), v.clone());
        Callback::from(move |_| {
            editing.set(Some(UpdateProject {
                name: Some(v.name.clone()),
                domain: v.domain.clone(),
                description: v.description.clone(),
            }))
        })
    };
    let on_delete = {
        let (session, delete, id) = (session.clone(), delete.clone(), v.id.clone());
        Callback::from(move |_| {
            if confirmed(&session.t("projects.delete_confirm")) {
                delete.run(id.clone());
            }
        })
    };
    let edit_form = match &*editing {
        None => html! {},
        Some(draft) => {
            let set = |f: fn(&mut UpdateProject, String)| {
                let editing = editing.clone();
                Callback::from(move |val: String| {
                    if let Some(d) = &*editing {
                        let mut d = d.clone();
                        f(&mut d, val);
                        editing.set(Some(d));
                    }
                })
            };
            let cancel = {
                let editing = editing.clone();
                Callback::from(move |_| editing.set(None))
            };
            let domains: Vec<(String, String)> = session
                .policy
                .as_ref()
                .map(|p| {
                    p.organizations
                        .project_domains
                        .iter()
                        .map(|d| (d.clone(), d.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let on_save = change.on_submit((v.id.clone(), ProjectChange::Edit(draft.clone())));
            html! {
                <form class="card" id="project-edit" onsubmit={on_save} novalidate=true>
                    <h2>{ session.t("projects.edit") }</h2>
                    <Field id="edit-project-name" label={session.t("projects.name")} value={draft.name.clone().unwrap_or_default()} required=true
                        errors={field_errors(session.lang, failure.as_ref(), "name")} oninput={set(|d, v| d.name = Some(v))} />
                    <Choice id="edit-project-domain" label={session.t("projects.domain")} options={domains} value={draft.domain.clone().unwrap_or_default()}
                        errors={field_errors(session.lang, failure.as_ref(), "domain")}
                        onchange={set(|d, v| d.domain = (!v.is_empty()).then_some(v))} />
                    <Field id="edit-project-description" label={session.t("projects.description")} value={draft.description.clone().unwrap_or_default()}
                        errors={field_errors(session.lang, failure.as_ref(), "description")} oninput={set(|d, v| d.description = Some(v))} />
                    <div class="actions">
                        <button type="submit" id="project-save">{ session.t("common.save") }</button>
                        <button type="button" class="secondary" onclick={cancel}>{ session.t("common.cancel") }</button>
                    </div>
                </form>
            }
        }
    };
    let lang = session.lang;
    let link = |id: &Option<String>| match id {
        Some(i) => html! { <PersonLink id={i.clone()} /> },
        None => html! { "—" },
    };
    html! {
        <section>
            <h1>{ &v.name }</h1>
            if !v.names_only { <ProjectTabs id={v.id.clone()} data=false /> }
            <ProblemMessage failure={failure.clone()} />
            if v.names_only {
                <p id="names-only">{ session.t("projects.names_only") }</p>
            } else {
                <dl class="facts">
                    <dt>{ session.t("people.state") }</dt><dd id="project-state">{ state_label(&session, v.state) }</dd>
                    <dt>{ session.t("projects.data_class") }</dt><dd>{ v.data_class.map(|c| session.t(&format!("data_class.{}", c.as_str()))).unwrap_or_default() }</dd>
                    <dt>{ session.t("projects.domain") }</dt><dd>{ v.domain.clone().unwrap_or_default() }</dd>
                    <dt>{ session.t("projects.owner") }</dt><dd>{ link(&v.owner_id) }</dd>
                    <dt>{ session.t("projects.sponsor") }</dt><dd>{ link(&v.sponsor_id) }</dd>
                    <dt>{ session.t("projects.steward") }</dt><dd>{ link(&v.data_steward_id) }</dd>
                </dl>
                if let Some(d) = &v.description { if !d.is_empty() { <p>{ d }</p> } }
                if *can_manage {
                    <div class="actions">
                        if v.state != Some(ProjectState::Closed) && editing.is_none() {
                            <button type="button" class="secondary" id="edit-project" onclick={on_edit_start}>{ session.t("projects.edit") }</button>
                        }
                        if v.state == Some(ProjectState::Active) {
                            <button type="button" class="secondary" id="close-project" onclick={on_close}>{ session.t("projects.close") }</button>
                        }
                        if v.state != Some(ProjectState::Active) && v.state != Some(ProjectState::Closed) {
                            <button type="button" class="danger" id="delete-project" onclick={on_delete}>{ session.t("projects.delete") }</button>
                        }
                    </div>
                    { edit_form }
                }
                <h2>{ session.t("projects.history") }</h2>
                <ol id="history">
                    { for v.history.iter().map(|e| html! {
                        <li>
                            <When at={e.at} time=true />{ " — " }{ session.t(&format!("project_event.{}", e.kind)) }{ " — " }
                            <PersonLink id={e.actor_id.clone()} />
                            if let Some(c) = &e.comment { { format!(" « {c} »") } }
                        </li>
                    }) }
                </ol>
                <h2>{ session.t("projects.works") }</h2>
                if let Some(list) = works {
                    if list.is_empty() {
                        <p id="no-project-works">{ session.t("projects.no_works") }</p>
                    } else {
                        <table id="project-works">
                            <thead><tr>
                                <th scope="col">{ session.t("works.field_title") }</th>
                                <th scope="col">{ session.t("works.state") }</th>
                                <th scope="col">{ session.t("works.owner") }</th>
                            </tr></thead>
                            <tbody>
                            { for list.iter().map(|w| html! {
                                <tr>
                                    <td><Link<Route> to={Route::Work { id: w.id.clone() }}>{ &w.title }</Link<Route>></td>
                                    <td>{ session.t(&format!("work_state.{}", w.state.as_str())) }</td>
                                    <td><PersonLink id={w.owner_id.clone()} /></td>
                                </tr>
                            }) }
                            </tbody>
                        </table>
                    }
                    if v.state == Some(ProjectState::Active) {
                        <p class="hint">{ session.t("projects.works_hint") }</p>
                    }
                }
                <ProjectOrders project_id={v.id.clone()} active={v.state == Some(ProjectState::Active)} />
                <h2>{ session.t("projects.participants") }</h2>
                if let Some(list) = participants {
                    if list.is_empty() {
                        <p>{ session.t("projects.no_participants") }</p>
                    } else {
                        <table id="participants">
                            <thead><tr>
                                <th scope="col">{ session.t("people.email") }</th>
                                <th scope="col">{ session.t("people.state") }</th>
                                <th scope="col">{ session.t("projects.invited_by") }</th>
                                <th scope="col">{ session.t("orgs.invited_on") }</th>
                                if *can_manage_access { <th scope="col">{ session.t("orgs.actions") }</th> }
                            </tr></thead>
                            <tbody>
                            { for list.iter().map(|x| {
                                html! {
                                    <tr>
                                        <td>{ &x.email }</td>
                                        <td>{ session.t(&format!("participant.{}", x.state.as_str())) }</td>
                                        <td><PersonLink id={x.invited_by.clone()} /></td>
                                        <td><When at={x.invited_at} /></td>
                                        if *can_manage_access {
                                            <td>
                                                if x.state != ParticipantState::Revoked {
                                                    <button type="button" class="secondary" onclick={change.on_click((v.id.clone(), ProjectChange::Revoke(x.id.clone())))}>{ session.t("orgs.revoke") }</button>
                                                }
                                            </td>
                                        }
                                    </tr>
                                }
                            }) }
                            </tbody>
                        </table>
                    }
                }
                if *can_manage_access {
                    <form class="inline" onsubmit={on_invite} novalidate=true>
                        <PersonPicker id="participant-email" label={session.t("projects.invite_email")} by_email=true
                            hint={session.t("picker.email_hint")}
                            errors={field_errors(lang, failure.as_ref(), "email")}
                            onchange={let s = email.clone(); Callback::from(move |v: Option<Picked>| s.set(v.map(|p| p.email).unwrap_or_default()))} />
                        <button type="submit" class="secondary">{ session.t("projects.invite") }</button>
                    </form>
                }
            }
            <p><Link<Route> to={Route::Projects}>{ session.t("projects.back") }</Link<Route>></p>
        </section>
    }
}

/// My approvals inbox: approve, or reject with a comment.
#[function_component]
pub fn Approvals() -> Html {
    let session = use_session();
    use_title(session.t("approvals.title"));
    let comments = use_state(std::collections::BTreeMap::<String, String>::new);
    let pager = use_pager();
    let list = use_fetch(pager.current(), |client, cursor| async move {
        let query = ApprovalQuery {
            cursor,
            ..ApprovalQuery::default()
        };
        client
            .get::<ApprovalPage>(&with_query("/approvals", &query))
            .await
    });
    let decide = {
        let list = list.clone();
        use_action_then(
            |client, (id, body): (String, DecideApproval)| async move {
                client
                    .post::<_, ApprovalView>(&format!("/approvals/{id}/decision"), &body)
                    .await
            },
            move |_| list.reload(),
        )
    };
    let on_decide = |id: &str, decision: ApprovalDecision| {
        let body = DecideApproval {
            decision,
            comment: Some(comments.get(id).cloned().unwrap_or_default()),
        };
        decide.on_click((id.to_owned(), body))
    };
    let failure = decide.error().or(list.error());
    let lang = session.lang;
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("approvals.title") }</h1>
            <p>{ session.t("approvals.intro") }</p>
            <ProblemMessage failure={failure.cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="inbox-empty">{ session.t("approvals.none") }</p>
            }
            { for items.iter().map(|a| {
                let id = a.id.clone();
                let field = format!("comment-{}", a.id);
                html! {
                    <article class="card approval">
                        if a.subject_type == "order" {
                            <p class="subject-kind">{ session.t("approvals.order") }</p>
                        }
                        <h2>
                            if a.subject_type == "project" {
                                <Link<Route> to={Route::Project { id: a.subject_id.clone() }}>{ &a.subject_name }</Link<Route>>
                            } else if a.subject_type == "order" {
                                <OrderSubject id={a.subject_id.clone()} name={a.subject_name.clone()} />
                            } else {
                                { &a.subject_name }
                            }
                        </h2>
                        <p>{ crate::i18n::fill(&session.t("approvals.as"), &[("role", &session.t(&format!("approver.{}", a.approver_role)))]) }{ " · " }<When at={a.requested_at} /></p>
                        <Field id={field} label={session.t("approvals.comment")} value={comments.get(&a.id).cloned().unwrap_or_default()}
                            errors={field_errors(lang, failure, "comment")}
                            oninput={let c = comments.clone(); let i = id.clone(); Callback::from(move |v: String| {
                                let mut m = (*c).clone();
                                m.insert(i.clone(), v);
                                c.set(m);
                            })} />
                        <div class="actions">
                            <button type="button" onclick={on_decide(&a.id, ApprovalDecision::Approve)}>{ session.t("approvals.approve") }</button>
                            <button type="button" class="danger" onclick={on_decide(&a.id, ApprovalDecision::Reject)}>{ session.t("approvals.reject") }</button>
                        </div>
                    </article>
                }
            }) }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}
