//! A person's page, lifecycle part (issue 5): activity log, promotion,
//! secondments, departure with its preview, deletion now, seat hand-over.
//! Each section asks the policy (`/authz/check`) whether to offer its form;
//! the server decides again.

use std::collections::BTreeMap;

use habilis_shared::dto::{
    ActivityPage, CreatedUser, DepartureView, SecondmentList, SecondmentView, UserView,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::Failure;
use crate::components::{field_errors, CopyButton, Field, ProblemMessage, When};
use crate::i18n::fill;
use crate::pages::works::{use_people, PersonLink};
use crate::state::use_session;

/// Midnight UTC of a `<input type=date>` value, as the API wants it.
fn day_start(day: &str) -> String {
    format!("{day}T00:00:00Z")
}

#[derive(Properties, PartialEq)]
pub struct SectionProps {
    pub user: UserView,
    /// Fired after a change, so the page reloads the person.
    pub changed: Callback<()>,
}

/// What the policy lets me do to this person.
#[derive(Clone, Copy, Default, PartialEq)]
struct Allowed {
    promote: bool,
    second: bool,
    depart: bool,
    handover: bool,
}

/// Everything below the person's facts.
#[function_component]
pub fn Lifecycle(p: &SectionProps) -> Html {
    let session = use_session();
    let people = use_people();
    let allowed = use_state(Allowed::default);
    {
        let (session, allowed) = (session.clone(), allowed.clone());
        use_effect_with(p.user.clone(), move |u| {
            let id = u.id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let res = serde_json::json!({ "type": "user", "id": id });
                let c = &session.client;
                allowed.set(Allowed {
                    promote: c.allowed("user.promote", res.clone()).await,
                    second: c.allowed("user.second", res.clone()).await,
                    depart: c.allowed("user.depart", res.clone()).await,
                    handover: c.allowed("user.handover", res).await,
                });
            });
        });
    }
    let gone = p.user.state == habilis_shared::dto::AccountState::Deleted;
    html! {
        <>
            if allowed.promote && !gone { <Promote user={p.user.clone()} changed={p.changed.clone()} /> }
            <Secondments user={p.user.clone()} changed={p.changed.clone()} can_add={allowed.second && !gone} people={(*people).clone()} />
            if !gone {
                <Departure user={p.user.clone()} changed={p.changed.clone()} can_schedule={allowed.depart} people={(*people).clone()} />
            }
            if allowed.handover && !gone { <Handover user={p.user.clone()} changed={p.changed.clone()} /> }
            <Activity user={p.user.clone()} changed={p.changed.clone()} />
        </>
    }
}

#[function_component]
fn Promote(p: &SectionProps) -> Html {
    let session = use_session();
    let failure = use_state(|| None::<Failure>);
    let onclick = {
        let (session, failure, changed, id) = (
            session.clone(),
            failure.clone(),
            p.changed.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |_| {
            let (session, failure, changed, id) = (
                session.clone(),
                failure.clone(),
                changed.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<UserView>(&format!("/users/{id}/promote"), serde_json::json!({}))
                    .await
                {
                    Ok(_) => changed.emit(()),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    html! {
        <section class="card" aria-labelledby="promote-h">
            <h2 id="promote-h">{ session.t("lifecycle.promote") }</h2>
            <p class="hint">{ session.t("lifecycle.promote_hint") }</p>
            <ProblemMessage failure={(*failure).clone()} />
            <button type="button" id="promote" {onclick}>{ session.t("lifecycle.promote_submit") }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SecondmentProps {
    user: UserView,
    changed: Callback<()>,
    can_add: bool,
    /// The people I may see, fetched once for the whole page.
    people: BTreeMap<String, String>,
}

#[function_component]
fn Secondments(p: &SecondmentProps) -> Html {
    let session = use_session();
    let people = &p.people;
    let list = use_state(|| None::<Vec<SecondmentView>>);
    let reload = use_state(|| 0u32);
    let host = use_state(String::new);
    let starts = use_state(String::new);
    let ends = use_state(String::new);
    let failure = use_state(|| None::<Failure>);
    {
        let (session, list) = (session.clone(), list.clone());
        use_effect_with((p.user.id.clone(), *reload), move |(id, _)| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = session
                    .client
                    .get::<SecondmentList>(&format!("/users/{id}/secondments"))
                    .await;
                list.set(got.ok().map(|l| l.items));
            });
        });
    }
    let onsubmit = {
        let (session, host, starts, ends, failure, reload, changed, id) = (
            session.clone(),
            host.clone(),
            starts.clone(),
            ends.clone(),
            failure.clone(),
            reload.clone(),
            p.changed.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body = serde_json::json!({
                "host_supervisor_id": *host,
                "starts_at": day_start(&starts),
                "ends_at": day_start(&ends),
            });
            let (session, failure, reload, changed, id) = (
                session.clone(),
                failure.clone(),
                reload.clone(),
                changed.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<SecondmentView>(&format!("/users/{id}/secondments"), body)
                    .await
                {
                    Ok(_) => {
                        failure.set(None);
                        reload.set(*reload + 1);
                        changed.emit(());
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let Some(items) = (*list).clone() else {
        return html! {};
    };
    let lang = session.lang;
    html! {
        <section class="card" aria-labelledby="secondments-h">
            <h2 id="secondments-h">{ session.t("lifecycle.secondments") }</h2>
            <p class="hint">{ session.t("lifecycle.secondments_hint") }</p>
            if items.is_empty() {
                <p>{ session.t("lifecycle.no_secondments") }</p>
            } else {
                <table id="secondments">
                    <thead><tr>
                        <th scope="col">{ session.t("lifecycle.host") }</th>
                        <th scope="col">{ session.t("lifecycle.starts") }</th>
                        <th scope="col">{ session.t("lifecycle.ends") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|s| html! {
                        <tr>
                            <td><PersonLink id={s.host_supervisor_id.clone()} people={(*people).clone()} /></td>
                            <td><When at={s.starts_at} /></td>
                            <td><When at={s.ends_at} /></td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if p.can_add {
                <form {onsubmit} novalidate=true>
                    <ProblemMessage failure={(*failure).clone()} />
                    <PersonSelect id="host" label={session.t("lifecycle.host")} people={(*people).clone()}
                        exclude={vec![p.user.id.clone()]} value={(*host).clone()}
                        errors={field_errors(lang, &failure, "host_supervisor_id")}
                        onchange={let s = host.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="starts" kind="date" label={session.t("lifecycle.starts")} value={(*starts).clone()} required=true
                        errors={field_errors(lang, &failure, "starts_at")}
                        oninput={let s = starts.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="ends" kind="date" label={session.t("lifecycle.ends")} value={(*ends).clone()} required=true
                        errors={field_errors(lang, &failure, "ends_at")}
                        oninput={let s = ends.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit" class="secondary">{ session.t("lifecycle.second_submit") }</button>
                </form>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PersonSelectProps {
    id: AttrValue,
    label: String,
    people: BTreeMap<String, String>,
    exclude: Vec<String>,
    value: String,
    onchange: Callback<String>,
    #[prop_or_default]
    errors: Vec<String>,
    /// The first choice ("none") when the field is optional.
    #[prop_or_default]
    none: Option<String>,
}

/// A labelled choice among the people I may see.
#[function_component]
fn PersonSelect(p: &PersonSelectProps) -> Html {
    let onchange = {
        let cb = p.onchange.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(el.value());
        })
    };
    let err_id = format!("{}-error", p.id);
    html! {
        <div class={classes!("field", (!p.errors.is_empty()).then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <select id={p.id.clone()} {onchange}
                aria-invalid={(!p.errors.is_empty()).then_some("true")}
                aria-describedby={(!p.errors.is_empty()).then(|| err_id.clone())}>
                <option value="" selected={p.value.is_empty()}>{ p.none.clone().unwrap_or_else(|| "—".into()) }</option>
                { for p.people.iter().filter(|(id, _)| !p.exclude.contains(id)).map(|(id, name)| html! {
                    <option value={id.clone()} selected={p.value == *id}>{ name }</option>
                }) }
            </select>
            if !p.errors.is_empty() {
                <p class="field-error" id={err_id} role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct DepartureProps {
    user: UserView,
    changed: Callback<()>,
    can_schedule: bool,
    /// The people I may see, fetched once for the whole page.
    people: BTreeMap<String, String>,
}

/// The scheduled departure, or the form to schedule one: date, heir,
/// a preview from the server of what goes to whom, then confirmation; or
/// deletion now with the same hand-over.
#[function_component]
fn Departure(p: &DepartureProps) -> Html {
    let session = use_session();
    let people = &p.people;
    let scheduled = use_state(|| None::<DepartureView>);
    let preview = use_state(|| None::<DepartureView>);
    let date = use_state(String::new);
    let heir = use_state(String::new);
    let failure = use_state(|| None::<Failure>);
    {
        let (session, scheduled) = (session.clone(), scheduled.clone());
        use_effect_with(p.user.clone(), move |u| {
            let id = u.id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = session
                    .client
                    .get::<DepartureView>(&format!("/users/{id}/departure"))
                    .await;
                scheduled.set(got.ok());
            });
        });
    }
    let heir_query = |heir: &str| {
        if heir.is_empty() {
            String::new()
        } else {
            format!(
                "?heir_id={}",
                String::from(js_sys::encode_uri_component(heir))
            )
        }
    };
    let on_preview = {
        let (session, heir, preview, failure, id) = (
            session.clone(),
            heir.clone(),
            preview.clone(),
            failure.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let path = format!("/users/{id}/departure/preview{}", heir_query(&heir));
            let (session, preview, failure) = (session.clone(), preview.clone(), failure.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.get::<DepartureView>(&path).await {
                    Ok(v) => {
                        failure.set(None);
                        preview.set(Some(v));
                    }
                    Err(f) => {
                        preview.set(None);
                        failure.set(Some(f));
                    }
                }
            });
        })
    };
    let on_schedule = {
        let (session, date, heir, failure, changed, id) = (
            session.clone(),
            date.clone(),
            heir.clone(),
            failure.clone(),
            p.changed.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |_| {
            let mut body = serde_json::json!({ "date": day_start(&date) });
            if !heir.is_empty() {
                body["heir_id"] = serde_json::json!(*heir);
            }
            let (session, failure, changed, id) = (
                session.clone(),
                failure.clone(),
                changed.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<DepartureView>(&format!("/users/{id}/departure"), body)
                    .await
                {
                    Ok(_) => changed.emit(()),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let on_delete_now = {
        let (session, heir, failure, changed, id) = (
            session.clone(),
            heir.clone(),
            failure.clone(),
            p.changed.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |_| {
            let sure = web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(&session.t("lifecycle.delete_confirm"))
                        .ok()
                })
                .unwrap_or(false);
            if !sure {
                return;
            }
            let path = format!("/users/{id}{}", heir_query(&heir));
            let (session, failure, changed) = (session.clone(), failure.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.delete(&path).await {
                    Ok(()) => changed.emit(()),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let summary = |v: &DepartureView| {
        fill(
            &session.t("lifecycle.handover_summary"),
            &[
                ("drafts", &v.drafts.to_string()),
                ("unpublished", &v.unpublished.to_string()),
                ("published", &v.published.to_string()),
                ("people", &v.subordinates.to_string()),
            ],
        )
    };
    if let Some(v) = &*scheduled {
        return html! {
            <section class="card" aria-labelledby="departure-h">
                <h2 id="departure-h">{ session.t("lifecycle.departure") }</h2>
                <p id="departure-scheduled">
                    { session.t("lifecycle.departure_on") }{ " " }<When at={v.date} />{ ". " }
                    { summary(v) }{ " " }<PersonLink id={v.receiver_id.clone()} people={(*people).clone()} />
                </p>
            </section>
        };
    }
    if !p.can_schedule {
        return html! {};
    }
    let lang = session.lang;
    html! {
        <section class="card" aria-labelledby="departure-h">
            <h2 id="departure-h">{ session.t("lifecycle.departure") }</h2>
            <p class="hint">{ session.t("lifecycle.departure_hint") }</p>
            <form onsubmit={on_preview} novalidate=true>
                <ProblemMessage failure={(*failure).clone()} />
                <Field id="departure-date" kind="date" label={session.t("lifecycle.departure_date")} value={(*date).clone()}
                    errors={field_errors(lang, &failure, "date")}
                    oninput={let s = date.clone(); let pv = preview.clone(); Callback::from(move |v| { s.set(v); pv.set(None); })} />
                <PersonSelect id="heir" label={session.t("lifecycle.heir")} people={(*people).clone()}
                    exclude={vec![p.user.id.clone()]} value={(*heir).clone()} none={session.t("lifecycle.heir_none")}
                    errors={field_errors(lang, &failure, "heir_id")}
                    onchange={let s = heir.clone(); let pv = preview.clone(); Callback::from(move |v| { s.set(v); pv.set(None); })} />
                <button type="submit" class="secondary" id="departure-preview">{ session.t("lifecycle.preview") }</button>
            </form>
            if let Some(v) = &*preview {
                <div class="preview" role="status" id="handover-preview">
                    <p>{ summary(v) }{ " " }<PersonLink id={v.receiver_id.clone()} people={(*people).clone()} /></p>
                    <button type="button" id="departure-schedule" onclick={on_schedule} disabled={date.is_empty()}>{ session.t("lifecycle.schedule") }</button>
                    { " " }
                    <button type="button" class="danger" id="delete-now" onclick={on_delete_now}>{ session.t("lifecycle.delete_now") }</button>
                </div>
            }
        </section>
    }
}

/// An admin or webmaster seat goes to a new person (never deleted).
#[function_component]
fn Handover(p: &SectionProps) -> Html {
    let session = use_session();
    let email = use_state(String::new);
    let first = use_state(String::new);
    let last = use_state(String::new);
    let failure = use_state(|| None::<Failure>);
    let created = use_state(|| None::<CreatedUser>);
    let onsubmit = {
        let (session, email, first, last, failure, created, id) = (
            session.clone(),
            email.clone(),
            first.clone(),
            last.clone(),
            failure.clone(),
            created.clone(),
            p.user.id.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let body =
                serde_json::json!({ "email": *email, "first_name": *first, "last_name": *last });
            let (session, failure, created, id) = (
                session.clone(),
                failure.clone(),
                created.clone(),
                id.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<CreatedUser>(&format!("/users/{id}/handover"), body)
                    .await
                {
                    Ok(c) => {
                        failure.set(None);
                        created.set(Some(c));
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    if let Some(c) = &*created {
        return html! {
            <section class="card secret" role="status">
                <h2>{ session.t("lifecycle.handover_done") }</h2>
                <p><strong>{ session.t("newperson.password_once") }</strong></p>
                <p>{ session.t("newperson.password_warning") }</p>
                <code id="handover-password">{ &c.initial_password }</code>
                <CopyButton text={c.initial_password.clone()} label={session.t("common.copy")} />
            </section>
        };
    }
    let lang = session.lang;
    html! {
        <section class="card" aria-labelledby="handover-h">
            <h2 id="handover-h">{ session.t("lifecycle.handover") }</h2>
            <p class="hint">{ session.t("lifecycle.handover_hint") }</p>
            <form {onsubmit} novalidate=true>
                <ProblemMessage failure={(*failure).clone()} />
                <Field id="seat-first" label={session.t("newperson.first_name")} value={(*first).clone()} required=true
                    errors={field_errors(lang, &failure, "first_name")}
                    oninput={let s = first.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="seat-last" label={session.t("newperson.last_name")} value={(*last).clone()} required=true
                    errors={field_errors(lang, &failure, "last_name")}
                    oninput={let s = last.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="seat-email" kind="email" label={session.t("newperson.email")} value={(*email).clone()} required=true
                    errors={field_errors(lang, &failure, "email")}
                    oninput={let s = email.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" class="danger">{ session.t("lifecycle.handover_submit") }</button>
            </form>
        </section>
    }
}

/// The person's activity, when the policy shows it to me.
#[function_component]
fn Activity(p: &SectionProps) -> Html {
    let session = use_session();
    let page = use_state(|| None::<ActivityPage>);
    {
        let (session, page) = (session.clone(), page.clone());
        use_effect_with(p.user.id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let got = session
                    .client
                    .get::<ActivityPage>(&format!("/users/{id}/activity?limit=50"))
                    .await;
                page.set(got.ok());
            });
        });
    }
    let Some(page) = &*page else {
        return html! {};
    };
    html! {
        <section aria-labelledby="activity-h">
            <h2 id="activity-h">{ session.t("lifecycle.activity") }</h2>
            if page.items.is_empty() {
                <p>{ session.t("lifecycle.no_activity") }</p>
            } else {
                <table id="activity">
                    <thead><tr>
                        <th scope="col">{ session.t("lifecycle.when") }</th>
                        <th scope="col">{ session.t("lifecycle.what") }</th>
                    </tr></thead>
                    <tbody>
                    { for page.items.iter().map(|e| html! {
                        <tr>
                            <td><When at={e.at} time=true /></td>
                            <td>{ session.t(&format!("activity.{}", e.kind)) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}
