//! The audit log (admins, webmasters): filterable, paginated, newest first.

use crate::hooks::use_state;
use chrono::{DateTime, Utc};
use habilis_shared::dto::{AuditPage, AuditQuery};
use yew::prelude::*;

use crate::api::with_query;
use crate::components::{
    field_errors, use_pager, Field, PagerButtons, PersonLink, PersonPicker, Picked, ProblemMessage,
    TargetLink, When,
};
use crate::hooks::use_fetch;
use crate::state::{use_session, use_title};

#[derive(Clone, PartialEq, Default)]
struct Filters {
    actor: String,
    action: String,
    since: String,
    until: String,
}

/// Midnight UTC of a date field (`YYYY-MM-DD`); anything else filters nothing.
fn day(s: &str) -> Option<DateTime<Utc>> {
    let d = crate::format::parse_day(s.trim())?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc())
}

/// The query of the filters as typed, blanks left out.
fn query(f: &Filters, cursor: Option<String>) -> AuditQuery {
    let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    AuditQuery {
        actor_id: text(&f.actor),
        action: text(&f.action),
        since: day(&f.since),
        until: day(&f.until),
        limit: Some(25),
        cursor,
    }
}

#[function_component]
pub fn Audit() -> Html {
    let session = use_session();
    use_title(session.t("audit.title"));
    let draft = use_state(Filters::default);
    let applied = use_state(Filters::default);
    let pager = use_pager();
    let page = use_fetch(
        ((*applied).clone(), pager.current()),
        |client, (filters, cursor)| async move {
            let path = with_query("/audit", &query(&filters, cursor));
            client.get::<AuditPage>(&path).await
        },
    );
    let failure = page.error();
    let onsubmit = {
        let (draft, applied, pager) = (draft.clone(), applied.clone(), pager.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            pager.reset();
            applied.set((*draft).clone());
        })
    };
    let set = |f: fn(&mut Filters, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    let next = page.data().and_then(|p| p.next_cursor.clone());
    let lang = session.lang;
    html! {
        <section>
            <h1>{ session.t("audit.title") }</h1>
            <form {onsubmit} class="filters">
                <PersonPicker id="audit-actor" label={session.t("audit.actor")}
                    onchange={let set = set(|d, v| d.actor = v); Callback::from(move |v: Option<Picked>| set.emit(v.and_then(|p| p.id).unwrap_or_default()))} />
                <Field id="audit-action" label={session.t("audit.action")} value={draft.action.clone()} oninput={set(|d, v| d.action = v)}
                    hint={Some(AttrValue::from(session.t("audit.action_hint")))} />
                <Field id="audit-since" kind="date" label={session.t("audit.since")} value={draft.since.clone()} oninput={set(|d, v| d.since = v)}
                    errors={field_errors(lang, failure, "since")} />
                <Field id="audit-until" kind="date" label={session.t("audit.until")} value={draft.until.clone()} oninput={set(|d, v| d.until = v)}
                    errors={field_errors(lang, failure, "until")} />
                <button type="submit" class="secondary">{ session.t("audit.apply") }</button>
            </form>
            <ProblemMessage failure={failure.cloned()} />
            <table id="audit">
                <caption>{ session.t("audit.caption") }</caption>
                <thead><tr>
                    <th scope="col">{ "#" }</th>
                    <th scope="col">{ session.t("audit.when") }</th>
                    <th scope="col">{ session.t("audit.actor") }</th>
                    <th scope="col">{ session.t("audit.action") }</th>
                    <th scope="col">{ session.t("audit.target") }</th>
                    <th scope="col">{ session.t("audit.outcome") }</th>
                </tr></thead>
                <tbody>
                { for page.data().map(|p| p.items.clone()).unwrap_or_default().into_iter().map(|e| html! {
                    <tr class={e.outcome.clone()}>
                        <td>{ e.seq }</td>
                        <td><When at={e.at} time=true /></td>
                        <td>{ match &e.actor_id {
                            Some(id) => html! { <PersonLink id={id.clone()} /> },
                            None => html! { session.t("audit.system") },
                        } }</td>
                        <td><code>{ &e.action }</code></td>
                        <td>{ match (&e.target_type, &e.target_id) {
                            (Some(t), Some(id)) if t == "user" => html! { <PersonLink id={id.clone()} /> },
                            (Some(t), Some(id)) => html! { <TargetLink kind={t.clone()} id={id.clone()} /> },
                            _ => html! { "—" },
                        } }</td>
                        <td>{ session.t(&format!("audit.outcome_{}", e.outcome)) }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            <PagerButtons pager={pager.clone()} {next} />
        </section>
    }
}
