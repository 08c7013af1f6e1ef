//! The service catalog (issue 16): offerings grouped by category; an
//! offering's page, where a project member orders it for a project and,
//! once the order is approved, launches instances of it — in one click
//! with the defaults, or customised through a form generated from the
//! offering's configuration schema, from a saved configuration or saved
//! as one; a project's orders (modify, cancel) and an order's line in the
//! approvals inbox.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::hooks::use_state;
use habilis_shared::dto::{
    self, AuthzResource, ConfigurationPage, CreateConfiguration, CreateOrder, InstanceView,
    LaunchInstance, OrderPage, OrderState, OrderView, PageQuery, ProjectPage, ProjectQuery,
    ProjectState, SavedConfiguration, UpdateOrder, MAX_PAGE_LIMIT,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    confirmed, field_errors, form_errors, Choice, Field, PersonLink, ProblemMessage, SchemaFields,
    When,
};
use crate::format::money;
use crate::hooks::{use_action_then, use_fetch};
use crate::i18n::{fill, try_tr};
use crate::route::Route;
use crate::schema::{self, FieldSpec};
use crate::state::{use_session, use_title, Session};

/// `?project=<id>`: the project an offering's page opens on (from a
/// project's list of orders).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ForProject {
    pub project: String,
}

/// Every offering: the catalog is short, its pages are followed.
async fn all_offerings(client: Client) -> Result<Vec<dto::Offering>, Failure> {
    let mut items = vec![];
    let mut cursor = None;
    // A bound, so a server that keeps answering a cursor cannot hold the page.
    for _ in 0..20 {
        let query = PageQuery {
            limit: Some(MAX_PAGE_LIMIT),
            cursor,
        };
        let page: dto::OfferingPage = client.get(&with_query("/catalog", &query)).await?;
        items.extend(page.items);
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    Ok(items)
}

/// "0.05 EUR per hour".
fn price(session: &Session, o: &dto::Offering) -> String {
    fill(
        &session.t("catalog.per_hour"),
        &[("price", &money(o.price_per_hour, &o.unit, session.lang))],
    )
}

/// A category's name: translated when the catalogs know it, else as the
/// catalog file writes it.
fn category(session: &Session, c: &str) -> String {
    try_tr(session.lang, &format!("category.{c}")).unwrap_or_else(|| c.to_owned())
}

fn order_state(session: &Session, s: OrderState) -> String {
    session.t(&format!("order_state.{}", s.as_str()))
}

#[function_component]
pub fn Catalog() -> Html {
    let session = use_session();
    use_title(session.t("catalog.title"));
    let list = use_fetch((), |client, ()| all_offerings(client));
    // Categories in the catalog's order, offerings in theirs.
    let mut groups: Vec<(&str, Vec<&dto::Offering>)> = vec![];
    for o in list.data().into_iter().flatten() {
        match groups.iter_mut().find(|(c, _)| *c == o.category) {
            Some((_, v)) => v.push(o),
            None => groups.push((&o.category, vec![o])),
        }
    }
    html! {
        <section>
            <h1>{ session.t("catalog.title") }</h1>
            <p>{ session.t("catalog.intro") }</p>
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(Vec::is_empty) {
                <p id="catalog-empty">{ session.t("catalog.none") }</p>
            }
            { for groups.iter().enumerate().map(|(i, (c, items))| {
                let heading = format!("category-{i}");
                html! {
                    <section class="category" aria-labelledby={heading.clone()}>
                        <h2 id={heading}>{ category(&session, c) }</h2>
                        <ul class="offerings">
                            { for items.iter().map(|o| html! {
                                <li class="card offering" data-offering={o.id.clone()}>
                                    <h3><Link<Route> to={Route::Offering { id: o.id.clone() }}>{ &o.name }</Link<Route>></h3>
                                    if !o.available {
                                        <p class="badge">{ session.t("catalog.unavailable") }</p>
                                    }
                                    <p>{ &o.description }</p>
                                    <p class="price">{ price(&session, o) }</p>
                                </li>
                            }) }
                        </ul>
                    </section>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct OfferingProps {
    pub id: String,
}

/// An offering, its form, and my active projects where I may order it.
struct OfferingData {
    offering: Rc<dto::Offering>,
    fields: Rc<Vec<FieldSpec>>,
    /// (id, name) of the projects the policy lets me order for.
    projects: Vec<(String, String)>,
}

async fn load_offering(client: Client, id: String) -> Result<OfferingData, Failure> {
    let offering: dto::Offering = client.get(&format!("/catalog/{id}")).await?;
    let query = ProjectQuery {
        state: Some(ProjectState::Active),
        limit: Some(200),
        ..ProjectQuery::default()
    };
    let mut projects = vec![];
    if let Ok(page) = client
        .get::<ProjectPage>(&with_query("/projects", &query))
        .await
    {
        for p in page.items {
            let resource = AuthzResource::Project { id: p.id.clone() };
            if client.allowed("order.create", resource).await {
                projects.push((p.id, p.name));
            }
        }
    }
    Ok(OfferingData {
        fields: Rc::new(schema::fields(&offering.config_schema)),
        offering: Rc::new(offering),
        projects,
    })
}

/// The orders of a project for one offering (`""`: no project).
async fn orders_of(
    client: Client,
    (project, offering): (String, String),
) -> Result<Vec<OrderView>, Failure> {
    if project.is_empty() {
        return Ok(vec![]);
    }
    let page: OrderPage = client
        .get(&format!(
            "/projects/{project}/orders?limit={MAX_PAGE_LIMIT}"
        ))
        .await?;
    Ok(page
        .items
        .into_iter()
        .filter(|o| o.offering_id == offering)
        .collect())
}

#[function_component]
pub fn OfferingDetails(p: &OfferingProps) -> Html {
    let session = use_session();
    let wanted = use_location()
        .and_then(|l| l.query::<ForProject>().ok())
        .map(|q| q.project);
    let chosen = use_state(|| None::<String>);
    let comment = use_state(String::new);
    let page = use_fetch(p.id.clone(), load_offering);
    // The project on show: my choice, else the one the link named, else
    // the first I may order for.
    let project = page
        .data()
        .and_then(|d| {
            let known = |id: &String| d.projects.iter().any(|(p, _)| p == id);
            (*chosen)
                .clone()
                .filter(known)
                .or(wanted.filter(known))
                .or_else(|| d.projects.first().map(|(id, _)| id.clone()))
        })
        .unwrap_or_default();
    let orders = use_fetch((project.clone(), p.id.clone()), orders_of);
    let order = {
        let (comment, orders) = (comment.clone(), orders.clone());
        use_action_then(
            |client, (project, body): (String, CreateOrder)| async move {
                client
                    .post::<_, OrderView>(&format!("/projects/{project}/orders"), &body)
                    .await
            },
            move |_| {
                comment.set(String::new());
                orders.reload();
            },
        )
    };
    use_title(
        page.data()
            .map(|d| d.offering.name.clone())
            .unwrap_or_else(|| session.t("catalog.title")),
    );
    let Some(data) = page.data() else {
        return html! { <section><ProblemMessage failure={page.error().cloned()} /></section> };
    };
    let o = &data.offering;
    let list = orders.data().cloned().unwrap_or_default();
    // The newest approved order launches; a pending one waits.
    let approved = list
        .iter()
        .filter(|x| x.state == OrderState::Approved)
        .max_by_key(|x| x.created_at);
    let pending = list.iter().any(|x| x.state == OrderState::Pending);
    let on_order = order.on_submit((
        project.clone(),
        CreateOrder {
            offering_id: o.id.clone(),
            comment: Some((*comment).clone()).filter(|c| !c.trim().is_empty()),
        },
    ));
    let limits: Vec<String> = [
        o.limits.max_per_user.map(|n| {
            fill(
                &session.t("offering.max_per_user"),
                &[("n", &n.to_string())],
            )
        }),
        o.limits.max_per_project.map(|n| {
            fill(
                &session.t("offering.max_per_project"),
                &[("n", &n.to_string())],
            )
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    let on_project = {
        let chosen = chosen.clone();
        Callback::from(move |v: String| chosen.set(Some(v)))
    };
    html! {
        <section>
            <h1>{ &o.name }</h1>
            if !o.available {
                <p class="badge" id="unavailable">{ session.t("catalog.unavailable") }</p>
                <p class="hint">{ session.t("offering.unavailable_hint") }</p>
            }
            <p id="offering-description">{ &o.description }</p>
            <dl class="facts">
                <dt>{ session.t("offering.category") }</dt><dd>{ category(&session, &o.category) }</dd>
                <dt>{ session.t("offering.price") }</dt><dd id="offering-price">{ price(&session, o) }</dd>
                if !limits.is_empty() {
                    <dt>{ session.t("offering.limits") }</dt><dd>{ limits.join(" · ") }</dd>
                }
            </dl>
            <h2>{ session.t("offering.for_project") }</h2>
            if data.projects.is_empty() {
                <p id="no-projects">{ session.t("offering.no_projects") }</p>
            } else {
                <Choice id="order-project" label={session.t("offering.project")} options={data.projects.clone()}
                    value={project.clone()} onchange={on_project} />
                <ProblemMessage failure={orders.error().cloned()} />
                if !list.is_empty() {
                    <table id="offering-orders">
                        <caption>{ session.t("offering.orders") }</caption>
                        <thead><tr>
                            <th scope="col">{ session.t("orders.state") }</th>
                            <th scope="col">{ session.t("orders.requested_by") }</th>
                            <th scope="col">{ session.t("orders.on") }</th>
                            <th scope="col">{ session.t("orders.comment") }</th>
                        </tr></thead>
                        <tbody>
                        { for list.iter().map(|x| html! {
                            <tr>
                                <td class="state" data-state={x.state.as_str()}>{ order_state(&session, x.state) }</td>
                                <td><PersonLink id={x.requested_by.clone()} /></td>
                                <td><When at={x.created_at} /></td>
                                <td>{ x.comment.clone().unwrap_or_default() }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
                if let Some(a) = approved {
                    <Launch order_id={a.id.clone()} offering={data.offering.clone()} fields={data.fields.clone()} />
                } else if pending {
                    <p class="notice" id="order-pending" role="status">{ session.t("offering.pending") }</p>
                } else {
                    <form class="card" id="order-form" onsubmit={on_order} novalidate=true>
                        <h3>{ session.t("offering.order") }</h3>
                        <p class="hint">{ session.t("offering.order_hint") }</p>
                        <ProblemMessage failure={order.error().cloned()} />
                        <Field id="order-comment" label={session.t("offering.comment")} value={(*comment).clone()}
                            errors={field_errors(session.lang, order.error(), "comment")}
                            oninput={let c = comment.clone(); Callback::from(move |v: String| c.set(v))} />
                        <button type="submit" disabled={order.busy()}>{ session.t("offering.order_button") }</button>
                    </form>
                }
            }
            <p><Link<Route> to={Route::Catalog}>{ session.t("offering.back") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LaunchProps {
    order_id: String,
    offering: Rc<dto::Offering>,
    fields: Rc<Vec<FieldSpec>>,
}

/// A name to start from: the offering's id and four random hex digits.
fn suggested_name(offering: &str) -> String {
    let n = (js_sys::Math::random() * 65536.0) as u32;
    format!("{offering}-{n:04x}")
}

/// Launching an approved order: the default configuration in one click,
/// or the generated form (checked here, then by the server), and my saved
/// configurations of this offering.
#[function_component]
fn Launch(p: &LaunchProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let name = {
        let id = p.offering.id.clone();
        use_state(move || suggested_name(&id))
    };
    let customising = use_state(|| false);
    let texts = {
        let fields = p.fields.clone();
        use_state(move || Rc::new(schema::initial(&fields, None)))
    };
    // Browser errors show once a launch or a save was tried.
    let attempted = use_state(|| false);
    let config_name = use_state(String::new);
    let configs = use_fetch(p.offering.id.clone(), |client, offering| async move {
        let query = PageQuery {
            limit: Some(MAX_PAGE_LIMIT),
            cursor: None,
        };
        let page: ConfigurationPage = client
            .get(&with_query("/me/configurations", &query))
            .await?;
        Ok(page
            .items
            .into_iter()
            .filter(|c| c.offering_id == offering)
            .collect::<Vec<_>>())
    });
    let launch = use_action_then(
        |client, (order, body): (String, LaunchInstance)| async move {
            client
                .post::<_, InstanceView>(&format!("/orders/{order}/instances"), &body)
                .await
        },
        move |i: &InstanceView| {
            if let Some(n) = &navigator {
                n.push(&Route::Service { id: i.id.clone() });
            }
        },
    );
    let save = {
        let (configs, config_name) = (configs.clone(), config_name.clone());
        use_action_then(
            |client, body: CreateConfiguration| async move {
                client
                    .post::<_, SavedConfiguration>("/me/configurations", &body)
                    .await
            },
            move |_| {
                config_name.set(String::new());
                configs.reload();
            },
        )
    };
    let forget = {
        let configs = configs.clone();
        use_action_then(
            |client, id: String| async move {
                client
                    .delete::<IgnoredAny>(&format!("/me/configurations/{id}"))
                    .await
            },
            move |_| configs.reload(),
        )
    };
    let lang = session.lang;
    let (config, invalid) = schema::build(&p.fields, &texts);
    let valid = invalid.is_empty();
    let browser = if *attempted { invalid } else { BTreeMap::new() };
    let errors = Rc::new(form_errors(
        lang,
        "config",
        &p.fields,
        &browser,
        launch.error(),
    ));
    let body =
        |config: Option<serde_json::Value>, configuration_id: Option<String>| LaunchInstance {
            name: (*name).clone(),
            config,
            configuration_id,
        };
    let on_default = launch.on_click((p.order_id.clone(), body(None, None)));
    let on_customised = {
        let (attempted, launch) = (attempted.clone(), launch.clone());
        let input = (p.order_id.clone(), body(Some(config.clone()), None));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            attempted.set(true);
            if valid {
                launch.run(input.clone());
            }
        })
    };
    let on_save = {
        let (attempted, save) = (attempted.clone(), save.clone());
        let input = CreateConfiguration {
            name: (*config_name).clone(),
            offering_id: p.offering.id.clone(),
            config: config.clone(),
        };
        Callback::from(move |_: MouseEvent| {
            attempted.set(true);
            if valid {
                save.run(input.clone());
            }
        })
    };
    let on_toggle = {
        let customising = customising.clone();
        Callback::from(move |_| customising.set(!*customising))
    };
    let on_field = {
        let texts = texts.clone();
        Callback::from(move |(path, v): (String, String)| {
            let mut t = (**texts).clone();
            t.insert(path, v);
            texts.set(Rc::new(t));
        })
    };
    let use_saved = |c: &SavedConfiguration| {
        let (texts, customising, fields, config) = (
            texts.clone(),
            customising.clone(),
            p.fields.clone(),
            c.config.clone(),
        );
        Callback::from(move |_| {
            texts.set(Rc::new(schema::initial(&fields, Some(&config))));
            customising.set(true);
        })
    };
    let on_forget = |c: &SavedConfiguration| {
        let (session, forget, id) = (session.clone(), forget.clone(), c.id.clone());
        let question = fill(&session.t("launch.forget_confirm"), &[("name", &c.name)]);
        Callback::from(move |_| {
            if confirmed(&question) {
                forget.run(id.clone());
            }
        })
    };
    let saved = configs.data().cloned().unwrap_or_default();
    html! {
        <section class="card" id="launch" aria-labelledby="launch-title">
            <h3 id="launch-title">{ session.t("launch.title") }</h3>
            <p class="hint">{ session.t("launch.hint") }</p>
            <ProblemMessage failure={launch.error().cloned()} />
            <Field id="instance-name" label={session.t("launch.name")} value={(*name).clone()} required=true
                hint={session.t("launch.name_hint")}
                errors={field_errors(lang, launch.error(), "name")}
                oninput={let n = name.clone(); Callback::from(move |v: String| n.set(v))} />
            <div class="actions">
                <button type="button" id="launch-default" onclick={on_default} disabled={launch.busy()}>{ session.t("launch.default") }</button>
                <button type="button" class="secondary" id="customise" aria-expanded={(*customising).to_string()}
                    aria-controls="customise-form" onclick={on_toggle}>{ session.t("launch.customise") }</button>
            </div>
            if *customising {
                <form id="customise-form" onsubmit={on_customised} novalidate=true>
                    <h4>{ session.t("launch.configuration") }</h4>
                    if p.fields.is_empty() {
                        <p class="hint">{ session.t("launch.no_fields") }</p>
                    }
                    <SchemaFields fields={p.fields.clone()} texts={(*texts).clone()} errors={errors} onchange={on_field} />
                    <div class="actions">
                        <button type="submit" id="launch-customised" disabled={launch.busy()}>{ session.t("launch.customised") }</button>
                    </div>
                    <div class="inline save-configuration">
                        <Field id="configuration-name" label={session.t("launch.save_name")} value={(*config_name).clone()}
                            errors={field_errors(lang, save.error(), "name")}
                            oninput={let n = config_name.clone(); Callback::from(move |v: String| n.set(v))} />
                        <button type="button" class="secondary" id="save-configuration" onclick={on_save} disabled={save.busy()}>{ session.t("launch.save") }</button>
                    </div>
                    <ProblemMessage failure={save.error().cloned()} />
                </form>
            }
            if !saved.is_empty() {
                <h4 id="saved-title">{ session.t("launch.saved") }</h4>
                <ProblemMessage failure={forget.error().cloned()} />
                <ul class="saved-configurations" id="saved-configurations" aria-labelledby="saved-title">
                    { for saved.iter().map(|c| html! {
                        <li>
                            <span class="saved-name">{ &c.name }</span>
                            <button type="button" class="secondary" onclick={use_saved(c)}>{ session.t("launch.use") }</button>
                            <button type="button" class="secondary"
                                onclick={launch.on_click((p.order_id.clone(), body(None, Some(c.id.clone()))))}>
                                { session.t("launch.launch_saved") }
                            </button>
                            <button type="button" class="link" onclick={on_forget(c)}>{ session.t("launch.forget") }</button>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProjectOrdersProps {
    pub project_id: String,
    /// Orders are placed and launched in an active project only.
    pub active: bool,
}

/// A change to an order, followed by a reload of the list.
#[derive(Clone)]
enum OrderChange {
    Modify(UpdateOrder),
    Cancel,
}

/// A project's orders: state, who asked, modify (back to approval) and
/// cancel (stops the order's running services).
#[function_component]
pub fn ProjectOrders(p: &ProjectOrdersProps) -> Html {
    let session = use_session();
    let editing = use_state(|| None::<(String, UpdateOrder)>);
    let orders = use_fetch(p.project_id.clone(), |client, id| async move {
        client
            .get::<OrderPage>(&format!("/projects/{id}/orders?limit={MAX_PAGE_LIMIT}"))
            .await
    });
    // The offerings, for the "modify" form only.
    let offerings = use_fetch(editing.is_some(), |client, on| async move {
        if on {
            all_offerings(client).await
        } else {
            Ok(vec![])
        }
    });
    let change = {
        let (editing, orders) = (editing.clone(), orders.clone());
        use_action_then(
            |client, (id, change): (String, OrderChange)| async move {
                match change {
                    OrderChange::Modify(body) => {
                        client
                            .patch::<_, IgnoredAny>(&format!("/orders/{id}"), &body)
                            .await
                    }
                    OrderChange::Cancel => {
                        client
                            .post_empty::<IgnoredAny>(&format!("/orders/{id}/cancel"))
                            .await
                    }
                }
            },
            move |_| {
                editing.set(None);
                orders.reload();
            },
        )
    };
    let items = orders.data().map(|l| l.items.clone()).unwrap_or_default();
    let lang = session.lang;
    let failure = change.error().or(orders.error()).cloned();
    let on_cancel = |o: &OrderView| {
        let (session, change, id) = (session.clone(), change.clone(), o.id.clone());
        Callback::from(move |_| {
            if confirmed(&session.t("orders.cancel_confirm")) {
                change.run((id.clone(), OrderChange::Cancel));
            }
        })
    };
    let on_modify = |o: &OrderView| {
        let editing = editing.clone();
        let draft = UpdateOrder {
            offering_id: Some(o.offering_id.clone()),
            comment: o.comment.clone(),
        };
        let id = o.id.clone();
        Callback::from(move |_| editing.set(Some((id.clone(), draft.clone()))))
    };
    let edit_form = match &*editing {
        None => html! {},
        Some((id, draft)) => {
            let set = |f: fn(&mut UpdateOrder, String)| {
                let editing = editing.clone();
                Callback::from(move |v: String| {
                    if let Some((id, d)) = &*editing {
                        let mut d = d.clone();
                        f(&mut d, v);
                        editing.set(Some((id.clone(), d)));
                    }
                })
            };
            let options: Vec<(String, String)> = offerings
                .data()
                .into_iter()
                .flatten()
                .map(|o| (o.id.clone(), o.name.clone()))
                .collect();
            let close = {
                let editing = editing.clone();
                Callback::from(move |_| editing.set(None))
            };
            html! {
                <form class="card" id="order-edit" novalidate=true
                    onsubmit={change.on_submit((id.clone(), OrderChange::Modify(draft.clone())))}>
                    <h3>{ session.t("orders.modify") }</h3>
                    <p class="hint">{ session.t("orders.modify_hint") }</p>
                    <Choice id="order-edit-offering" label={session.t("orders.offering")} options={options}
                        value={draft.offering_id.clone().unwrap_or_default()}
                        errors={field_errors(lang, failure.as_ref(), "offering_id")}
                        onchange={set(|d, v| d.offering_id = (!v.is_empty()).then_some(v))} />
                    <Field id="order-edit-comment" label={session.t("offering.comment")} value={draft.comment.clone().unwrap_or_default()}
                        errors={field_errors(lang, failure.as_ref(), "comment")}
                        oninput={set(|d, v| d.comment = Some(v))} />
                    <div class="actions">
                        <button type="submit" id="order-save">{ session.t("common.save") }</button>
                        <button type="button" class="secondary" onclick={close}>{ session.t("common.cancel") }</button>
                    </div>
                </form>
            }
        }
    };
    html! {
        <>
            <h2 id="orders-title">{ session.t("orders.title") }</h2>
            <ProblemMessage {failure} />
            if orders.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-orders">{ session.t("orders.none") }</p>
            } else if !items.is_empty() {
                <table id="orders" aria-labelledby="orders-title">
                    <thead><tr>
                        <th scope="col">{ session.t("orders.offering") }</th>
                        <th scope="col">{ session.t("orders.state") }</th>
                        <th scope="col">{ session.t("orders.requested_by") }</th>
                        <th scope="col">{ session.t("orders.on") }</th>
                        <th scope="col">{ session.t("orders.comment") }</th>
                        <th scope="col">{ session.t("orgs.actions") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|o| {
                        let open = matches!(o.state, OrderState::Pending | OrderState::Approved);
                        html! {
                            <tr data-order={o.id.clone()}>
                                <td><Link<Route, ForProject> to={Route::Offering { id: o.offering_id.clone() }}
                                    query={Some(ForProject { project: p.project_id.clone() })}>{ &o.offering_name }</Link<Route, ForProject>></td>
                                <td class="state" data-state={o.state.as_str()}>{ order_state(&session, o.state) }</td>
                                <td><PersonLink id={o.requested_by.clone()} /></td>
                                <td><When at={o.created_at} /></td>
                                <td>{ o.comment.clone().unwrap_or_default() }</td>
                                <td class="actions">
                                    if o.state == OrderState::Approved && p.active {
                                        <Link<Route, ForProject> to={Route::Offering { id: o.offering_id.clone() }} classes="launch-link"
                                            query={Some(ForProject { project: p.project_id.clone() })}>{ session.t("orders.launch") }</Link<Route, ForProject>>
                                    }
                                    if open {
                                        <button type="button" class="secondary" onclick={on_modify(o)}>{ session.t("orders.modify") }</button>
                                        <button type="button" class="danger" onclick={on_cancel(o)}>{ session.t("orders.cancel") }</button>
                                    }
                                </td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            { edit_form }
            if p.active {
                <p><Link<Route> to={Route::Catalog}>{ session.t("orders.order_more") }</Link<Route>></p>
            }
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct OrderSubjectProps {
    pub id: String,
    /// "<offering> for <project>", as the inbox names it.
    pub name: String,
}

/// An order in the approvals inbox: its offering and project (links) and
/// the requester's comment; its name alone if the order cannot be read.
#[function_component]
pub fn OrderSubject(p: &OrderSubjectProps) -> Html {
    let session = use_session();
    let order = use_fetch(p.id.clone(), |client, id| async move {
        client.get::<OrderView>(&format!("/orders/{id}")).await
    });
    let Some(o) = order.data() else {
        return html! { <>{ &p.name }</> };
    };
    html! {
        <>
            <Link<Route> to={Route::Offering { id: o.offering_id.clone() }}>{ &o.offering_name }</Link<Route>>
            { format!(" {} ", session.t("approvals.order_for")) }
            <Link<Route> to={Route::Project { id: o.project_id.clone() }}>{ &o.project_name }</Link<Route>>
            if let Some(c) = o.comment.as_ref().filter(|c| !c.is_empty()) {
                <span class="order-comment">{ format!(" « {c} »") }</span>
            }
        </>
    }
}
