//! Works (issue 5): the works I may see, recording one, a work's page with
//! its state, annotations, transfer and deletion. Buttons appear only where
//! the policy allows (`/authz/check`); the server decides again.

use crate::hooks::use_state;
use habilis_shared::dto::{
    AnnotationPage, AnnotationView, AuthzResource, ChangeWorkState, CreateAnnotation, CreateWork,
    ProjectList, TransferWork, UpdateWork, WorkPage, WorkQuery, WorkView,
};
use habilis_shared::policy::{Action, WorkState};
use serde::de::IgnoredAny;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    confirmed, field_errors, use_pager, Field, PagerButtons, PersonLink, PersonPicker, Picked,
    ProblemMessage, When,
};
use crate::hooks::{use_action_then, use_fetch};
use crate::route::Route;
use crate::state::{use_session, use_title};

fn state_label(session: &crate::state::Session, s: WorkState) -> String {
    session.t(&format!("work_state.{}", s.as_str()))
}

#[function_component]
pub fn Works() -> Html {
    let session = use_session();
    use_title(session.t("works.title"));
    let pager = use_pager();
    let title = use_state(String::new);
    let summary = use_state(String::new);
    let page = use_fetch(pager.current(), |client, cursor| async move {
        let query = WorkQuery {
            limit: Some(20),
            cursor,
            ..WorkQuery::default()
        };
        client.get::<WorkPage>(&with_query("/works", &query)).await
    });
    let create = {
        let (title, summary, pager, page) =
            (title.clone(), summary.clone(), pager.clone(), page.clone());
        use_action_then(
            |client, body: CreateWork| async move { client.post::<_, WorkView>("/works", &body).await },
            move |_| {
                title.set(String::new());
                summary.set(String::new());
                pager.reset();
                page.reload();
            },
        )
    };
    let onsubmit = create.on_submit(CreateWork {
        title: (*title).clone(),
        summary: (*summary).clone(),
        project_id: None,
    });
    let create_failure = create.error();
    let lang = session.lang;
    let next = page.data().and_then(|p| p.next_cursor.clone());
    let items = page.data().map(|p| p.items.clone()).unwrap_or_default();
    let busy = if page.pending() { "true" } else { "false" };
    html! {
        <section>
            <h1>{ session.t("works.title") }</h1>
            <p>{ session.t("works.intro") }</p>
            if session.allows(Action::WorkCreate) {
                <form {onsubmit} class="card" novalidate=true>
                    <h2>{ session.t("works.new") }</h2>
                    <ProblemMessage failure={create_failure.cloned()} />
                    <Field id="work-title" label={session.t("works.field_title")} value={(*title).clone()} required=true
                        errors={field_errors(lang, create_failure, "title")}
                        oninput={let s = title.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="work-summary" label={session.t("works.field_summary")} value={(*summary).clone()}
                        errors={field_errors(lang, create_failure, "summary")}
                        oninput={let s = summary.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit">{ session.t("works.create") }</button>
                </form>
            } else {
                <p class="hint" id="cannot-record">{ session.decide(Action::WorkCreate).map(|d| d.reason.render(lang)).unwrap_or_default() }</p>
            }
            <ProblemMessage failure={page.error().cloned()} />
            // Busy until the first page arrives: assistive technology (and the
            // browser tests) can tell "loading" from "nothing to list".
            <table id="works" aria-busy={busy}>
                <caption>{ session.t("works.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("works.field_title") }</th>
                    <th scope="col">{ session.t("works.state") }</th>
                    <th scope="col">{ session.t("works.owner") }</th>
                    <th scope="col">{ session.t("works.created") }</th>
                </tr></thead>
                <tbody>
                { for items.into_iter().map(|w| html! {
                    <tr>
                        <td><Link<Route> to={Route::Work { id: w.id.clone() }}>{ &w.title }</Link<Route>></td>
                        <td>{ state_label(&session, w.state) }</td>
                        <td><PersonLink id={w.owner_id.clone()} /></td>
                        <td><When at={w.created_at} /></td>
                    </tr>
                }) }
                </tbody>
            </table>
            if page.data().is_some_and(|p| p.items.is_empty()) {
                <p id="no-works">{ session.t("works.none") }</p>
            }
            <PagerButtons pager={pager.clone()} {next} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct WorkProps {
    pub id: String,
}

/// What the policy lets me do with this work.
#[derive(Clone, Copy, Default, PartialEq)]
struct Allowed {
    advance: bool,
    delete: bool,
    annotate: bool,
    transfer: bool,
}

/// A work, what I may do with it, and its annotations.
struct WorkPageData {
    work: WorkView,
    allowed: Allowed,
    notes: Vec<AnnotationView>,
}

async fn load_work(client: Client, id: String) -> Result<WorkPageData, Failure> {
    let work = client.get::<WorkView>(&format!("/works/{id}")).await?;
    let ask = |action: String| {
        let (client, resource) = (client.clone(), AuthzResource::Work { id: id.clone() });
        async move { client.allowed(&action, resource).await }
    };
    let advance = match work.state.next() {
        Some(n) => ask(format!("work.state.{}", n.as_str())).await,
        None => false,
    };
    let allowed = Allowed {
        advance,
        delete: ask("work.delete".into()).await,
        annotate: ask("work.annotate".into()).await,
        transfer: ask("work.transfer".into()).await,
    };
    let notes = client
        .get::<AnnotationPage>(&format!("/works/{id}/annotations?limit=200"))
        .await
        .map(|l| l.items)
        .unwrap_or_default();
    Ok(WorkPageData {
        work,
        allowed,
        notes,
    })
}

/// The changes the work's page makes, each followed by a reload.
#[derive(Clone)]
enum WorkChange {
    State(ChangeWorkState),
    Annotate(CreateAnnotation),
    Transfer(TransferWork),
    Project(UpdateWork),
}

async fn change_work(
    client: Client,
    (id, change): (String, WorkChange),
) -> Result<IgnoredAny, Failure> {
    match change {
        WorkChange::State(b) => client.post(&format!("/works/{id}/state"), &b).await,
        WorkChange::Annotate(b) => client.post(&format!("/works/{id}/annotations"), &b).await,
        WorkChange::Transfer(b) => client.post(&format!("/works/{id}/transfer"), &b).await,
        WorkChange::Project(b) => client.patch(&format!("/works/{id}"), &b).await,
    }
}

#[function_component]
pub fn Work(p: &WorkProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let note = use_state(String::new);
    let to = use_state(String::new);
    let project = use_state(|| None::<String>);
    let page = use_fetch(p.id.clone(), load_work);
    // The projects I can see, to name the work's and to choose one.
    let projects = use_fetch((), |client, ()| async move {
        client.get::<ProjectList>("/projects?limit=200").await
    });
    let change = {
        let page = page.clone();
        use_action_then(change_work, move |_| page.reload())
    };
    let delete = use_action_then(
        |client, id: String| async move { client.delete::<IgnoredAny>(&format!("/works/{id}")).await },
        move |_| {
            if let Some(n) = &navigator {
                n.push(&Route::Works);
            }
        },
    );
    use_title(
        page.data()
            .map(|d| d.work.title.clone())
            .unwrap_or_else(|| session.t("works.work")),
    );
    let failure = change.error().or(delete.error()).or(page.error()).cloned();
    let Some(WorkPageData {
        work: w,
        allowed,
        notes,
    }) = page.data()
    else {
        return html! { <section><ProblemMessage {failure} /></section> };
    };
    let id = w.id.clone();
    let on_note = {
        let (change, note, id) = (change.clone(), note.clone(), id.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = CreateAnnotation {
                body: (*note).clone(),
            };
            note.set(String::new());
            change.run((id.clone(), WorkChange::Annotate(body)));
        })
    };
    let on_transfer = change.on_submit((
        id.clone(),
        WorkChange::Transfer(TransferWork { to: (*to).clone() }),
    ));
    let chosen_project = match &*project {
        Some(p) => p.clone(),
        None => w.project_id.clone().unwrap_or_default(),
    };
    let on_project = change.on_submit((
        id.clone(),
        WorkChange::Project(UpdateWork {
            project_id: Some((!chosen_project.is_empty()).then(|| chosen_project.clone())),
        }),
    ));
    let project_items = projects.data().map(|l| l.items.clone()).unwrap_or_default();
    let project_name = w.project_id.as_ref().map(|pid| {
        project_items
            .iter()
            .find(|x| x.id == *pid)
            .map(|x| x.name.clone())
            .unwrap_or_else(|| session.t("works.project_unnamed"))
    });
    let on_delete = {
        let (session, delete, id) = (session.clone(), delete.clone(), id.clone());
        Callback::from(move |_| {
            if confirmed(&session.t("works.delete_confirm")) {
                delete.run(id.clone());
            }
        })
    };
    let me = session
        .me
        .as_ref()
        .map(|m| m.user.id.clone())
        .unwrap_or_default();
    let lang = session.lang;
    html! {
        <section>
            <h1>{ &w.title }</h1>
            <ProblemMessage failure={failure.clone()} />
            <dl class="facts">
                <dt>{ session.t("works.state") }</dt><dd id="work-state">{ state_label(&session, w.state) }</dd>
                <dt>{ session.t("works.owner") }</dt><dd id="work-owner"><PersonLink id={w.owner_id.clone()} /></dd>
                <dt>{ session.t("works.author") }</dt><dd><PersonLink id={w.author_id.clone()} /></dd>
                <dt>{ session.t("works.created") }</dt><dd><When at={w.created_at} time=true /></dd>
                <dt>{ session.t("works.project") }</dt>
                <dd id="work-project">{ match (&w.project_id, project_name) {
                    (Some(pid), Some(name)) => html! { <Link<Route> to={Route::Project { id: pid.clone() }}>{ name }</Link<Route>> },
                    _ => html! { session.t("works.no_project") },
                } }</dd>
                if let Some(at) = w.published_at {
                    <dt>{ session.t("works.published") }</dt><dd><When at={at} time=true /></dd>
                }
            </dl>
            if !w.summary.is_empty() { <p class="summary">{ &w.summary }</p> }
            <div class="actions">
                if allowed.advance {
                    if let Some(n) = w.state.next() {
                        <button type="button" id="advance" onclick={change.on_click((id.clone(), WorkChange::State(ChangeWorkState { state: n })))}>
                            { crate::i18n::fill(&session.t("works.advance"), &[("state", &state_label(&session, n))]) }
                        </button>
                    }
                }
                if allowed.delete {
                    <button type="button" class="danger" id="delete-work" onclick={on_delete}>{ session.t("works.delete") }</button>
                }
            </div>
            if allowed.transfer {
                <form class="card" onsubmit={on_transfer}>
                    <h2>{ session.t("works.transfer") }</h2>
                    <p class="hint">{ session.t("works.transfer_hint") }</p>
                    <PersonPicker id="transfer-to" label={session.t("works.transfer_to")} exclude={vec![me.clone()]}
                        errors={field_errors(lang, failure.as_ref(), "to")}
                        onchange={let s = to.clone(); Callback::from(move |v: Option<Picked>| s.set(v.and_then(|p| p.id).unwrap_or_default()))} />
                    <button type="submit" class="secondary">{ session.t("works.transfer_submit") }</button>
                </form>
            }
            if allowed.transfer || allowed.delete {
                <form class="card inline-card" onsubmit={on_project}>
                    <h2>{ session.t("works.project_title") }</h2>
                    <p class="hint">{ session.t("works.project_hint") }</p>
                    <div class={classes!("field", (!field_errors(lang, failure.as_ref(), "project_id").is_empty()).then_some("invalid"))}>
                        <label for="work-project-choice">{ session.t("works.project") }</label>
                        <select id="work-project-choice" onchange={let s = project.clone(); Callback::from(move |e: Event| {
                            let el: HtmlSelectElement = e.target_unchecked_into();
                            s.set(Some(el.value()));
                        })}>
                            <option value="" selected={chosen_project.is_empty()}>{ session.t("works.no_project") }</option>
                            { for project_items.iter().filter(|x| !x.names_only).map(|x| html! {
                                <option value={x.id.clone()} selected={chosen_project == x.id}>{ &x.name }</option>
                            }) }
                        </select>
                        if !field_errors(lang, failure.as_ref(), "project_id").is_empty() {
                            <p class="field-error" role="alert">{ field_errors(lang, failure.as_ref(), "project_id").join(" ") }</p>
                        }
                    </div>
                    <button type="submit" class="secondary" id="work-project-submit">{ session.t("works.project_submit") }</button>
                </form>
            }
            <h2>{ session.t("works.annotations") }</h2>
            <ul id="annotations">
                { for notes.iter().map(|a| html! {
                    <li><PersonLink id={a.author_id.clone()} />{ " · " }<When at={a.created_at} time=true />{ " — " }{ &a.body }</li>
                }) }
            </ul>
            if notes.is_empty() { <p>{ session.t("works.no_annotations") }</p> }
            if allowed.annotate {
                <form class="inline" onsubmit={on_note}>
                    <Field id="annotation" label={session.t("works.annotate")} value={(*note).clone()}
                        errors={field_errors(lang, failure.as_ref(), "body")}
                        oninput={let s = note.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit" class="secondary">{ session.t("works.annotate_submit") }</button>
                </form>
            }
            <p><Link<Route> to={Route::Works}>{ session.t("works.back") }</Link<Route>></p>
        </section>
    }
}
