//! A person's page, lifecycle part (issue 5): activity log, promotion,
//! secondments, departure with its preview, deletion now, seat hand-over.
//! Each section asks the policy (`/authz/check`) whether to offer its form;
//! the server decides again.

use crate::hooks::use_state;
use chrono::{DateTime, Utc};
use habilis_shared::dto::{
    AccountState, ActivityPage, AuthzResource, CreateSecondment, CreatedUser, DeleteUserQuery,
    DepartureView, HandoverSeat, PageQuery, ScheduleDeparture, SecondmentPage, SecondmentView,
    UserView,
};
use serde::de::IgnoredAny;
use yew::prelude::*;

use crate::api::{with_query, Failure};
use crate::components::{
    confirmed, field_errors, CopyButton, Field, PersonLink, PersonPicker, Picked, ProblemMessage,
    When,
};
use crate::hooks::{use_action, use_action_then, use_fetch};
use crate::i18n::fill;
use crate::state::use_session;

/// Midnight UTC of an `<input type=date>` value, as the API wants it; an
/// empty one is refused on its field.
#[allow(
    clippy::result_large_err,
    reason = "Failure carries the problem as the API sent it; only 64-bit hosts find it large"
)]
fn day_start(field: &str, day: &str) -> Result<DateTime<Utc>, Failure> {
    crate::format::parse_day(day)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| Failure::invalid(field, "a date is required"))
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
    let allowed = use_fetch(p.user.clone(), |client, user| async move {
        let resource = || AuthzResource::User {
            id: user.id.clone(),
        };
        Ok(Allowed {
            promote: client.allowed("user.promote", resource()).await,
            second: client.allowed("user.second", resource()).await,
            depart: client.allowed("user.depart", resource()).await,
            handover: client.allowed("user.handover", resource()).await,
        })
    });
    let allowed = allowed.data().copied().unwrap_or_default();
    let gone = p.user.state == AccountState::Deleted;
    html! {
        <>
            if allowed.promote && !gone { <Promote user={p.user.clone()} changed={p.changed.clone()} /> }
            <Secondments user={p.user.clone()} changed={p.changed.clone()} can_add={allowed.second && !gone} />
            if !gone {
                <Departure user={p.user.clone()} changed={p.changed.clone()} can_schedule={allowed.depart} />
            }
            if allowed.handover && !gone { <Handover user={p.user.clone()} changed={p.changed.clone()} /> }
            <Activity user={p.user.clone()} changed={p.changed.clone()} />
        </>
    }
}

#[function_component]
fn Promote(p: &SectionProps) -> Html {
    let session = use_session();
    let promote = {
        let changed = p.changed.clone();
        use_action_then(
            |client, id: String| async move {
                client
                    .post_empty::<IgnoredAny>(&format!("/users/{id}/promote"))
                    .await
            },
            move |_| changed.emit(()),
        )
    };
    let onclick = promote.on_click(p.user.id.clone());
    html! {
        <section class="card" aria-labelledby="promote-h">
            <h2 id="promote-h">{ session.t("lifecycle.promote") }</h2>
            <p class="hint">{ session.t("lifecycle.promote_hint") }</p>
            <ProblemMessage failure={promote.error().cloned()} />
            <button type="button" id="promote" {onclick}>{ session.t("lifecycle.promote_submit") }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct SecondmentProps {
    user: UserView,
    changed: Callback<()>,
    can_add: bool,
}

#[function_component]
#[allow(
    clippy::result_large_err,
    reason = "Failure carries the problem as the API sent it; only 64-bit hosts find it large"
)]
fn Secondments(p: &SecondmentProps) -> Html {
    let session = use_session();
    let host = use_state(|| None::<Picked>);
    let starts = use_state(String::new);
    let ends = use_state(String::new);
    let list = use_fetch(p.user.id.clone(), |client, id| async move {
        client
            .get::<SecondmentPage>(&format!("/users/{id}/secondments?limit=200"))
            .await
    });
    let second = {
        let (list, changed) = (list.clone(), p.changed.clone());
        use_action_then(
            |client, (id, body): (String, Result<CreateSecondment, Failure>)| async move {
                client
                    .post::<_, SecondmentView>(&format!("/users/{id}/secondments"), &body?)
                    .await
            },
            move |_| {
                list.reload();
                changed.emit(());
            },
        )
    };
    let form = day_start("starts_at", &starts).and_then(|starts_at| {
        // A host I may list is named by id; one typed as an address, by it.
        let (host_supervisor_id, host_email) = match &*host {
            Some(Picked { id: Some(id), .. }) => (Some(id.clone()), None),
            Some(Picked { email, .. }) => (None, Some(email.clone())),
            None => (Some(String::new()), None),
        };
        Ok(CreateSecondment {
            host_supervisor_id,
            host_email,
            starts_at,
            ends_at: day_start("ends_at", &ends)?,
        })
    });
    let onsubmit = second.on_submit((p.user.id.clone(), form));
    let failure = second.error();
    let Some(SecondmentPage { items, .. }) = list.data() else {
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
                            <td><PersonLink id={s.host_supervisor_id.clone()} /></td>
                            <td><When at={s.starts_at} /></td>
                            <td><When at={s.ends_at} /></td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if p.can_add {
                <form {onsubmit} novalidate=true>
                    <ProblemMessage failure={failure.cloned()} />
                    <PersonPicker id="host" label={session.t("lifecycle.host")} by_email=true
                        exclude={vec![p.user.id.clone()]} hint={session.t("lifecycle.host_hint")}
                        errors={[field_errors(lang, failure, "host_supervisor_id"), field_errors(lang, failure, "host_email")].concat()}
                        onchange={let s = host.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="starts" kind="date" label={session.t("lifecycle.starts")} value={(*starts).clone()} required=true
                        errors={field_errors(lang, failure, "starts_at")}
                        oninput={let s = starts.clone(); Callback::from(move |v| s.set(v))} />
                    <Field id="ends" kind="date" label={session.t("lifecycle.ends")} value={(*ends).clone()} required=true
                        errors={field_errors(lang, failure, "ends_at")}
                        oninput={let s = ends.clone(); Callback::from(move |v| s.set(v))} />
                    <button type="submit" class="secondary">{ session.t("lifecycle.second_submit") }</button>
                </form>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DepartureProps {
    user: UserView,
    changed: Callback<()>,
    can_schedule: bool,
}

/// The scheduled departure, or the form to schedule one: date, heir,
/// a preview from the server of what goes to whom, then confirmation; or
/// deletion now with the same hand-over.
#[function_component]
fn Departure(p: &DepartureProps) -> Html {
    let session = use_session();
    let preview = use_state(|| None::<DepartureView>);
    let date = use_state(String::new);
    let heir = use_state(String::new);
    let scheduled = use_fetch(p.user.clone(), |client, user| async move {
        client
            .get::<DepartureView>(&format!("/users/{}/departure", user.id))
            .await
    });
    let ask_preview = {
        let (cleared, shown) = (preview.clone(), preview.clone());
        use_action_then(
            move |client, path: String| {
                cleared.set(None);
                async move { client.get::<DepartureView>(&path).await }
            },
            move |v| shown.set(Some(v.clone())),
        )
    };
    let schedule = {
        let changed = p.changed.clone();
        use_action_then(
            |client, (id, body): (String, Result<ScheduleDeparture, Failure>)| async move {
                client
                    .post::<_, DepartureView>(&format!("/users/{id}/departure"), &body?)
                    .await
            },
            move |_| changed.emit(()),
        )
    };
    let delete_now = {
        let changed = p.changed.clone();
        use_action_then(
            |client, path: String| async move { client.delete::<IgnoredAny>(&path).await },
            move |_| changed.emit(()),
        )
    };
    let heir_query = DeleteUserQuery {
        heir_id: (!heir.is_empty()).then(|| (*heir).clone()),
    };
    let id = &p.user.id;
    let on_preview = ask_preview.on_submit(with_query(
        &format!("/users/{id}/departure/preview"),
        &heir_query,
    ));
    let on_schedule = schedule.on_click((
        id.clone(),
        day_start("date", &date).map(|date| ScheduleDeparture {
            date,
            heir_id: heir_query.heir_id.clone(),
        }),
    ));
    let on_delete_now = {
        let (session, delete_now) = (session.clone(), delete_now.clone());
        let path = with_query(&format!("/users/{id}"), &heir_query);
        Callback::from(move |_| {
            if confirmed(&session.t("lifecycle.delete_confirm")) {
                delete_now.run(path.clone());
            }
        })
    };
    let failure = ask_preview
        .error()
        .or(schedule.error())
        .or(delete_now.error());
    // A count the server leaves out (not mine to see) reads as a dash.
    let count = |n: Option<i64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let summary = |v: &DepartureView| {
        fill(
            &session.t("lifecycle.handover_summary"),
            &[
                ("drafts", &count(v.drafts)),
                ("unpublished", &count(v.unpublished)),
                ("published", &count(v.published)),
                ("people", &v.subordinates.to_string()),
            ],
        )
    };
    if let Some(v) = scheduled.data() {
        return html! {
            <section class="card" aria-labelledby="departure-h">
                <h2 id="departure-h">{ session.t("lifecycle.departure") }</h2>
                <p id="departure-scheduled">
                    { session.t("lifecycle.departure_on") }{ " " }<When at={v.date} />{ ". " }
                    { summary(v) }{ " " }<PersonLink id={v.receiver_id.clone()} />
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
                <ProblemMessage failure={failure.cloned()} />
                <Field id="departure-date" kind="date" label={session.t("lifecycle.departure_date")} value={(*date).clone()}
                    errors={field_errors(lang, failure, "date")}
                    oninput={let s = date.clone(); let pv = preview.clone(); Callback::from(move |v| { s.set(v); pv.set(None); })} />
                <PersonPicker id="heir" label={session.t("lifecycle.heir")}
                    exclude={vec![p.user.id.clone()]} hint={session.t("lifecycle.heir_hint")}
                    errors={field_errors(lang, failure, "heir_id")}
                    onchange={let s = heir.clone(); let pv = preview.clone(); Callback::from(move |v: Option<Picked>| { s.set(v.and_then(|p| p.id).unwrap_or_default()); pv.set(None); })} />
                <button type="submit" class="secondary" id="departure-preview">{ session.t("lifecycle.preview") }</button>
            </form>
            if let Some(v) = &*preview {
                <div class="preview" role="status" id="handover-preview">
                    <p>{ summary(v) }{ " " }<PersonLink id={v.receiver_id.clone()} /></p>
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
    let handover = use_action(|client, (id, body): (String, HandoverSeat)| async move {
        client
            .post::<_, CreatedUser>(&format!("/users/{id}/handover"), &body)
            .await
    });
    let onsubmit = handover.on_submit((
        p.user.id.clone(),
        HandoverSeat {
            email: (*email).clone(),
            first_name: (*first).clone(),
            last_name: (*last).clone(),
        },
    ));
    let failure = handover.error();
    if let Some(c) = handover.value() {
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
                <ProblemMessage failure={failure.cloned()} />
                <Field id="seat-first" label={session.t("newperson.first_name")} value={(*first).clone()} required=true
                    errors={field_errors(lang, failure, "first_name")}
                    oninput={let s = first.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="seat-last" label={session.t("newperson.last_name")} value={(*last).clone()} required=true
                    errors={field_errors(lang, failure, "last_name")}
                    oninput={let s = last.clone(); Callback::from(move |v| s.set(v))} />
                <Field id="seat-email" kind="email" label={session.t("newperson.email")} value={(*email).clone()} required=true
                    errors={field_errors(lang, failure, "email")}
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
    let page = use_fetch(p.user.id.clone(), |client, id| async move {
        client
            .get::<ActivityPage>(&with_query(
                &format!("/users/{id}/activity"),
                &PageQuery {
                    limit: Some(50),
                    cursor: None,
                },
            ))
            .await
    });
    let Some(page) = page.data() else {
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
