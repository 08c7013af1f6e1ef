//! "My services" (issue 16): my instances (and, for a project manager,
//! those of the project's members) with their state, refreshed while one
//! starts or stops; an instance's page with its Open link, its README (with
//! a copy button on each command, address and secret), its logs, and
//! deletion with the name typed as confirmation; the page the idle
//! notice's e-mail links to, which keeps an instance running.

use crate::hooks::use_state;
use habilis_shared::dto::{DeleteInstance, InstancePage, InstanceState, InstanceView, PageQuery};
use serde::de::IgnoredAny;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::with_query;
use crate::components::{
    field_errors, use_pager, CopyButton, Field, PagerButtons, PersonLink, ProblemMessage, When,
};
use crate::format::money;
use crate::hooks::{use_action, use_action_then, use_fetch, use_refresh_while};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

fn state_label(session: &Session, s: InstanceState) -> String {
    session.t(&format!("instance_state.{}", s.as_str()))
}

/// Starting or stopping: the state will change without anyone acting.
fn moving(s: InstanceState) -> bool {
    matches!(s, InstanceState::Starting | InstanceState::Stopping)
}

#[function_component]
pub fn Services() -> Html {
    let session = use_session();
    use_title(session.t("services.title"));
    let pager = use_pager();
    let list = use_fetch(pager.current(), |client, cursor| async move {
        client
            .get::<InstancePage>(&with_query(
                "/instances",
                &PageQuery {
                    limit: None,
                    cursor,
                },
            ))
            .await
    });
    let active = list
        .data()
        .is_some_and(|l| l.items.iter().any(|i| moving(i.state)));
    use_refresh_while(active, 2_000, list.reloader());
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("services.title") }</h1>
            <p>{ session.t("services.intro") }</p>
            <p><Link<Route> to={Route::Catalog} classes="button">{ session.t("services.to_catalog") }</Link<Route>></p>
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-services">{ session.t("services.none") }</p>
            } else if !items.is_empty() {
                <table id="services" aria-busy={active.then_some("true")}>
                    <caption>{ session.t("services.caption") }</caption>
                    <thead><tr>
                        <th scope="col">{ session.t("services.name") }</th>
                        <th scope="col">{ session.t("services.offering") }</th>
                        <th scope="col">{ session.t("services.project") }</th>
                        <th scope="col">{ session.t("services.state") }</th>
                        <th scope="col">{ session.t("services.cost") }</th>
                        <th scope="col">{ session.t("services.open") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|i| html! {
                        <tr data-instance={i.id.clone()}>
                            <td><Link<Route> to={Route::Service { id: i.id.clone() }}>{ &i.name }</Link<Route>></td>
                            <td>{ &i.offering_name }</td>
                            <td><Link<Route> to={Route::Project { id: i.project_id.clone() }}>{ &i.project_name }</Link<Route>></td>
                            <td class="state" data-state={i.state.as_str()}>{ state_label(&session, i.state) }</td>
                            <td>{ money(i.cost_so_far, &i.unit, session.lang) }</td>
                            <td>{ open_link(&session, i) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

/// "Open", in a new tab, once the instance runs.
fn open_link(session: &Session, i: &InstanceView) -> Html {
    match (&i.open_url, i.state) {
        (Some(url), InstanceState::Running) => html! {
            <a href={url.clone()} target="_blank" rel="noopener noreferrer" class="open-link">
                { session.t("services.open") }<span class="visually-hidden">{ format!(" {}", i.name) }</span>
            </a>
        },
        _ => html! { "—" },
    }
}

#[derive(Properties, PartialEq)]
pub struct ServiceProps {
    pub id: String,
}

#[function_component]
pub fn Service(p: &ServiceProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let confirm = use_state(String::new);
    let instance = use_fetch(p.id.clone(), |client, id| async move {
        client
            .get::<InstanceView>(&format!("/instances/{id}"))
            .await
    });
    let active = instance.data().is_some_and(|i| moving(i.state));
    use_refresh_while(active, 2_000, instance.reloader());
    let logs = use_action(|client, id: String| async move {
        client.get_text(&format!("/instances/{id}/logs")).await
    });
    let delete = use_action_then(
        |client, (id, body): (String, DeleteInstance)| async move {
            client
                .delete_with::<_, IgnoredAny>(&format!("/instances/{id}"), &body)
                .await
        },
        move |_| {
            if let Some(n) = &navigator {
                n.push(&Route::Services);
            }
        },
    );
    use_title(
        instance
            .data()
            .map(|i| i.name.clone())
            .unwrap_or_else(|| session.t("services.title")),
    );
    let Some(i) = instance.data() else {
        return html! { <section><ProblemMessage failure={instance.error().cloned()} /></section> };
    };
    let lang = session.lang;
    let on_delete = delete.on_submit((
        i.id.clone(),
        DeleteInstance {
            confirm: (*confirm).clone(),
        },
    ));
    let at = |t: &Option<chrono::DateTime<chrono::Utc>>| match t {
        Some(at) => html! { <When at={*at} time=true /> },
        None => html! { "—" },
    };
    html! {
        <section>
            <h1>{ &i.name }</h1>
            <ProblemMessage failure={instance.error().cloned()} />
            <dl class="facts">
                <dt>{ session.t("services.state") }</dt>
                <dd id="instance-state" data-state={i.state.as_str()} aria-live="polite">{ state_label(&session, i.state) }</dd>
                <dt>{ session.t("services.offering") }</dt>
                <dd><Link<Route> to={Route::Offering { id: i.offering_id.clone() }}>{ &i.offering_name }</Link<Route>></dd>
                <dt>{ session.t("services.project") }</dt>
                <dd><Link<Route> to={Route::Project { id: i.project_id.clone() }}>{ &i.project_name }</Link<Route>></dd>
                <dt>{ session.t("services.owner") }</dt><dd><PersonLink id={i.owner_id.clone()} /></dd>
                <dt>{ session.t("services.created") }</dt><dd><When at={i.created_at} time=true /></dd>
                <dt>{ session.t("services.running_since") }</dt><dd>{ at(&i.started_at) }</dd>
                <dt>{ session.t("services.last_activity") }</dt><dd>{ at(&i.last_activity_at) }</dd>
                <dt>{ session.t("services.cost") }</dt><dd id="instance-cost">{ money(i.cost_so_far, &i.unit, lang) }</dd>
            </dl>
            if active {
                <p class="hint" role="status">{ session.t(if i.state == InstanceState::Starting { "service.starting" } else { "service.stopping" }) }</p>
            }
            if let Some(f) = &i.failure {
                <p class="problem" id="instance-failure">{ session.t("service.failure") }{ " " }{ f }</p>
            }
            if i.idle_notice_at.is_some() && i.state == InstanceState::Running {
                <p class="notice" id="idle-notice">
                    { session.t("service.idle_notice") }{ " " }
                    <Link<Route> to={Route::KeepService { id: i.id.clone() }}>{ session.t("keep.button") }</Link<Route>>
                </p>
            }
            if let (Some(url), InstanceState::Running) = (&i.open_url, i.state) {
                <div class="open actions">
                    <a href={url.clone()} target="_blank" rel="noopener noreferrer" class="button" id="open-link">{ session.t("services.open") }</a>
                    <code id="open-url">{ url }</code>
                    <CopyButton text={url.clone()} label={session.t("service.copy_url")} />
                </div>
            }
            <h2>{ session.t("service.readme") }</h2>
            if let Some(html) = &i.readme_html {
                <Readme html={AttrValue::from(html.clone())} />
            } else if let Some(text) = &i.readme {
                <pre class="readme-text" id="readme">{ text }</pre>
                <CopyButton text={text.clone()} label={session.t("common.copy")} />
            } else {
                <p class="hint" id="no-readme">{ session.t("service.no_readme") }</p>
            }
            <h2>{ session.t("service.logs") }</h2>
            <ProblemMessage failure={logs.error().cloned()} />
            <button type="button" class="secondary" id="show-logs" onclick={logs.on_click(i.id.clone())} disabled={logs.busy()}>
                { session.t(if logs.value().is_some() { "service.logs_refresh" } else { "service.logs_show" }) }
            </button>
            if let Some(text) = logs.value() {
                <pre class="logs" id="logs" tabindex="0">{ if text.is_empty() { session.t("service.logs_empty") } else { text.clone() } }</pre>
            }
            <form class="card danger-zone" id="delete-service" onsubmit={on_delete} novalidate=true>
                <h2>{ session.t("service.delete") }</h2>
                <p>{ session.t("service.delete_hint") }</p>
                <ProblemMessage failure={delete.error().cloned()} />
                <Field id="delete-confirm" label={fill(&session.t("service.delete_type"), &[("name", &i.name)])}
                    value={(*confirm).clone()} autocomplete="off"
                    errors={field_errors(lang, delete.error(), "confirm")}
                    oninput={let c = confirm.clone(); Callback::from(move |v: String| c.set(v))} />
                <button type="submit" class="danger" disabled={*confirm != i.name || delete.busy()}>{ session.t("service.delete_button") }</button>
            </form>
            <p><Link<Route> to={Route::Services}>{ session.t("service.back") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct ReadmeProps {
    html: AttrValue,
}

/// The README as the server rendered it from Markdown and sanitised it
/// (no script, no event attribute, no style survive; the CSP forbids
/// inline scripts besides). Yew cannot diff raw HTML, so it is set as the
/// element's content once per change, and each code block gets a copy
/// button after it; one click handler on the element serves them all.
#[function_component]
fn Readme(p: &ReadmeProps) -> Html {
    let session = use_session();
    let node = use_node_ref();
    {
        let node = node.clone();
        let label = session.t("common.copy");
        use_effect_with((p.html.clone(), label), move |(html, label)| {
            if let Some(el) = node.cast::<Element>() {
                el.set_inner_html(html);
                add_copy_buttons(&el, label);
            }
        });
    }
    let copied = session.t("common.copied");
    let onclick = Callback::from(move |e: MouseEvent| {
        let Some(button) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
            return;
        };
        if !button.has_attribute("data-copy") {
            return;
        }
        let text = button
            .previous_element_sibling()
            .and_then(|code| code.text_content())
            .unwrap_or_default();
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(text.trim_end());
            button.set_text_content(Some(&copied));
        }
    });
    html! { <div class="readme" id="readme" ref={node} {onclick}></div> }
}

/// A "Copy" button after each code block and each inline code (a
/// command, an address, a password) of the README.
fn add_copy_buttons(root: &Element, label: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(blocks) = root.query_selector_all("pre, :not(pre) > code") else {
        return;
    };
    for i in 0..blocks.length() {
        let Some(block) = blocks.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        let Ok(button) = doc.create_element("button") else {
            continue;
        };
        let _ = button.set_attribute("type", "button");
        let _ = button.set_attribute("class", "secondary copy");
        let _ = button.set_attribute("data-copy", "");
        button.set_text_content(Some(label));
        let _ = block.insert_adjacent_element("afterend", &button);
    }
}

/// The page the idle notice's e-mail links to: one button keeps the
/// instance running (the idle clock starts again).
#[function_component]
pub fn KeepService(p: &ServiceProps) -> Html {
    let session = use_session();
    use_title(session.t("keep.title"));
    let instance = use_fetch(p.id.clone(), |client, id| async move {
        client
            .get::<InstanceView>(&format!("/instances/{id}"))
            .await
    });
    let keep = use_action(|client, id: String| async move {
        client
            .post_empty::<IgnoredAny>(&format!("/instances/{id}/keep"))
            .await
    });
    html! {
        <section class="narrow">
            <h1>{ session.t("keep.title") }</h1>
            if let Some(i) = instance.data() {
                <p id="keep-intro">{ fill(&session.t("keep.intro"), &[("name", &i.name), ("offering", &i.offering_name), ("project", &i.project_name)]) }</p>
            } else {
                <p>{ session.t("keep.intro_plain") }</p>
            }
            if keep.value().is_some() {
                <p class="success" role="status" id="kept">{ session.t("keep.done") }</p>
            } else {
                <ProblemMessage failure={keep.error().cloned()} />
                <button type="button" id="keep" onclick={keep.on_click(p.id.clone())} disabled={keep.busy()}>{ session.t("keep.button") }</button>
            }
            <p><Link<Route> to={Route::Service { id: p.id.clone() }}>{ session.t("keep.to_service") }</Link<Route>></p>
        </section>
    }
}
