//! Works (issue 5): the works I may see, recording one, a work's page with
//! its state, annotations, transfer and deletion. Buttons appear only where
//! the policy allows (`/authz/check`); the server decides again.

use std::collections::BTreeMap;

use habilis_shared::dto::{AnnotationList, AnnotationView, UserPage, WorkPage, WorkView};
use habilis_shared::policy::{Action, WorkState};
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::Failure;
use crate::components::{field_errors, use_pager, Field, PagerButtons, ProblemMessage, When};
use crate::route::Route;
use crate::state::{use_session, use_title};

/// Names of the people I may see (first page of 100), for links and choices.
#[hook]
pub fn use_people() -> UseStateHandle<BTreeMap<String, String>> {
    let session = use_session();
    let people = use_state(BTreeMap::new);
    {
        let people = people.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(page) = session.client.get::<UserPage>("/users?limit=100").await {
                    people.set(
                        page.items
                            .into_iter()
                            .map(|u| (u.id, format!("{} {}", u.first_name, u.last_name)))
                            .collect(),
                    );
                }
            });
        });
    }
    people
}

#[derive(Properties, PartialEq)]
pub struct PersonLinkProps {
    pub id: String,
    pub people: BTreeMap<String, String>,
}

/// A link to a person's page, by name when I may see it.
#[function_component]
pub fn PersonLink(p: &PersonLinkProps) -> Html {
    let session = use_session();
    let me = session.me.as_ref().map(|m| m.user.id.clone());
    let name = if me.as_deref() == Some(p.id.as_str()) {
        session.t("works.me")
    } else {
        p.people
            .get(&p.id)
            .cloned()
            .unwrap_or_else(|| session.t("people.person"))
    };
    html! { <Link<Route> to={Route::Person { id: p.id.clone() }}>{ name }</Link<Route>> }
}

fn state_label(session: &crate::state::Session, s: WorkState) -> String {
    session.t(&format!("work_state.{}", s.as_str()))
}

#[function_component]
pub fn Works() -> Html {
    let session = use_session();
    use_title(session.t("works.title"));
    let people = use_people();
    let pager = use_pager();
    let page = use_state(|| None::<WorkPage>);
    let failure = use_state(|| None::<Failure>);
    let reload = use_state(|| 0u32);
    let title = use_state(String::new);
    let summary = use_state(String::new);
    let create_failure = use_state(|| None::<Failure>);
    let current = pager.current();
    {
        let (session, page, failure) = (session.clone(), page.clone(), failure.clone());
        use_effect_with((current.clone(), *reload), move |(cursor, _)| {
            let mut path = "/works?limit=20".to_owned();
            if let Some(c) = cursor {
                path.push_str(&format!("&cursor={c}"));
            }
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.get::<WorkPage>(&path).await {
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
        let (session, title, summary, create_failure, reload, pager) = (
            session.clone(),
            title.clone(),
            summary.clone(),
            create_failure.clone(),
            reload.clone(),
            pager.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({ "title": *title, "summary": *summary });
            let (session, title, summary, create_failure, reload, pager) = (
                session.clone(),
                title.clone(),
                summary.clone(),
                create_failure.clone(),
                reload.clone(),
                pager.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.post::<WorkView>("/works", body).await {
                    Ok(_) => {
                        create_failure.set(None);
                        title.set(String::new());
                        summary.set(String::new());
                        pager.reset();
                        reload.set(*reload + 1);
                    }
                    Err(f) => create_failure.set(Some(f)),
                }
            });
        })
    };
    let lang = session.lang;
    let next = page.as_ref().and_then(|p| p.next_cursor.clone());
    let items = page.as_ref().map(|p| p.items.clone()).unwrap_or_default();
    let busy = if page.is_none() && failure.is_none() {
        "true"
    } else {
        "false"
    };
    html! {
        <section>
            <h1>{ session.t("works.title") }</h1>
            <p>{ session.t("works.intro") }</p>
            if session.allows(Action::WorkCreate) {
                <form {onsubmit} class="card" novalidate=true>
                    <h2>{ session.t("works.new") }</h2>
                    <ProblemMessage failure={(*create_failure).clone()} />
                    <Field id="work-title" label={session.t("works.field_title")} value={(*title).clone()} required=true
                        errors={field_errors(lang, &create_failure, "title")}
                        oninput={let s = title.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="work-summary" label={session.t("works.field_summary")} value={(*summary).clone()}
                        errors={field_errors(lang, &create_failure, "summary")}
                        oninput={let s = summary.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit">{ session.t("works.create") }</button>
                </form>
            } else {
                <p class="hint" id="cannot-record">{ session.decide(Action::WorkCreate).map(|d| d.reason.to_string()).unwrap_or_default() }</p>
            }
            <ProblemMessage failure={(*failure).clone()} />
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
                        <td><PersonLink id={w.owner_id.clone()} people={(*people).clone()} /></td>
                        <td><When at={w.created_at} /></td>
                    </tr>
                }) }
                </tbody>
            </table>
            if page.as_ref().is_some_and(|p| p.items.is_empty()) {
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

#[function_component]
pub fn Work(p: &WorkProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let people = use_people();
    let work = use_state(|| None::<WorkView>);
    let notes = use_state(Vec::<AnnotationView>::new);
    let allowed = use_state(Allowed::default);
    let failure = use_state(|| None::<Failure>);
    let reload = use_state(|| 0u32);
    let note = use_state(String::new);
    let to = use_state(String::new);
    use_title(
        work.as_ref()
            .map(|w| w.title.clone())
            .unwrap_or_else(|| session.t("works.work")),
    );
    {
        let (session, work, notes, allowed, failure) = (
            session.clone(),
            work.clone(),
            notes.clone(),
            allowed.clone(),
            failure.clone(),
        );
        use_effect_with((p.id.clone(), *reload), move |(id, _)| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let w = match session
                    .client
                    .get::<WorkView>(&format!("/works/{id}"))
                    .await
                {
                    Ok(w) => w,
                    Err(f) => {
                        failure.set(Some(f));
                        return;
                    }
                };
                let res = serde_json::json!({ "type": "work", "id": id });
                let ask = |code: String| {
                    let (client, res) = (session.client.clone(), res.clone());
                    async move { client.allowed(&code, res).await }
                };
                let advance = match w.state.next() {
                    Some(n) => ask(format!("work.state.{}", n.as_str())).await,
                    None => false,
                };
                allowed.set(Allowed {
                    advance,
                    delete: ask("work.delete".into()).await,
                    annotate: ask("work.annotate".into()).await,
                    transfer: ask("work.transfer".into()).await,
                });
                if let Ok(list) = session
                    .client
                    .get::<AnnotationList>(&format!("/works/{id}/annotations"))
                    .await
                {
                    notes.set(list.items);
                }
                work.set(Some(w));
            });
        });
    }
    let Some(w) = (*work).clone() else {
        return html! { <section><ProblemMessage failure={(*failure).clone()} /></section> };
    };
    let id = w.id.clone();
    // One helper for the buttons: run, then reload or report.
    let run = {
        let (failure, reload) = (failure.clone(), reload.clone());
        move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), Failure>>>>| {
            let (failure, reload) = (failure.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match fut.await {
                    Ok(()) => {
                        failure.set(None);
                        reload.set(*reload + 1);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        }
    };
    let on_advance = {
        let (session, id, run, next) = (session.clone(), id.clone(), run.clone(), w.state.next());
        Callback::from(move |_| {
            let Some(next) = next else { return };
            let (client, id) = (session.client.clone(), id.clone());
            run(Box::pin(async move {
                client
                    .post::<WorkView>(
                        &format!("/works/{id}/state"),
                        serde_json::json!({ "state": next }),
                    )
                    .await
                    .map(drop)
            }));
        })
    };
    let on_note = {
        let (session, id, run, note) = (session.clone(), id.clone(), run.clone(), note.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (client, id, body) = (session.client.clone(), id.clone(), (*note).clone());
            note.set(String::new());
            run(Box::pin(async move {
                client
                    .post::<AnnotationView>(
                        &format!("/works/{id}/annotations"),
                        serde_json::json!({ "body": body }),
                    )
                    .await
                    .map(drop)
            }));
        })
    };
    let on_transfer = {
        let (session, id, run, to) = (session.clone(), id.clone(), run.clone(), to.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (client, id, body) = (
                session.client.clone(),
                id.clone(),
                serde_json::json!({ "to": *to }),
            );
            run(Box::pin(async move {
                client
                    .post::<WorkView>(&format!("/works/{id}/transfer"), body)
                    .await
                    .map(drop)
            }));
        })
    };
    let on_delete = {
        let (session, id, failure, navigator) = (
            session.clone(),
            id.clone(),
            failure.clone(),
            navigator.clone(),
        );
        Callback::from(move |_| {
            let confirmed = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&session.t("works.delete_confirm"))
                        .ok()
                })
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let (client, id, failure, navigator) = (
                session.client.clone(),
                id.clone(),
                failure.clone(),
                navigator.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match client.delete(&format!("/works/{id}")).await {
                    Ok(()) => {
                        if let Some(n) = navigator {
                            n.push(&Route::Works);
                        }
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
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
            <ProblemMessage failure={(*failure).clone()} />
            <dl class="facts">
                <dt>{ session.t("works.state") }</dt><dd id="work-state">{ state_label(&session, w.state) }</dd>
                <dt>{ session.t("works.owner") }</dt><dd id="work-owner"><PersonLink id={w.owner_id.clone()} people={(*people).clone()} /></dd>
                <dt>{ session.t("works.author") }</dt><dd><PersonLink id={w.author_id.clone()} people={(*people).clone()} /></dd>
                <dt>{ session.t("works.created") }</dt><dd><When at={w.created_at} time=true /></dd>
                if let Some(at) = w.published_at {
                    <dt>{ session.t("works.published") }</dt><dd><When at={at} time=true /></dd>
                }
            </dl>
            if !w.summary.is_empty() { <p class="summary">{ &w.summary }</p> }
            <div class="actions">
                if allowed.advance {
                    if let Some(n) = w.state.next() {
                        <button type="button" id="advance" onclick={on_advance}>
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
                    <div class="field">
                        <label for="transfer-to">{ session.t("works.transfer_to") }</label>
                        <select id="transfer-to" onchange={let s = to.clone(); Callback::from(move |e: Event| {
                            let el: HtmlSelectElement = e.target_unchecked_into();
                            s.set(el.value());
                        })}>
                            <option value="" selected={to.is_empty()}>{ "—" }</option>
                            { for people.iter().filter(|(pid, _)| **pid != me).map(|(pid, name)| html! {
                                <option value={pid.clone()} selected={*to == *pid}>{ name }</option>
                            }) }
                        </select>
                    </div>
                    <button type="submit" class="secondary">{ session.t("works.transfer_submit") }</button>
                </form>
            }
            <h2>{ session.t("works.annotations") }</h2>
            <ul id="annotations">
                { for notes.iter().map(|a| html! {
                    <li><PersonLink id={a.author_id.clone()} people={(*people).clone()} />{ " · " }<When at={a.created_at} time=true />{ " — " }{ &a.body }</li>
                }) }
            </ul>
            if notes.is_empty() { <p>{ session.t("works.no_annotations") }</p> }
            if allowed.annotate {
                <form class="inline" onsubmit={on_note}>
                    <Field id="annotation" label={session.t("works.annotate")} value={(*note).clone()}
                        errors={field_errors(lang, &failure, "body")}
                        oninput={let s = note.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit" class="secondary">{ session.t("works.annotate_submit") }</button>
                </form>
            }
            <p><Link<Route> to={Route::Works}>{ session.t("works.back") }</Link<Route>></p>
        </section>
    }
}
