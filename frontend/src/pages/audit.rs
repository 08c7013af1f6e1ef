//! The audit log (admins, webmasters): filterable, paginated, newest first.

use chrono::{NaiveDate, TimeZone, Utc};
use habilis_shared::dto::AuditPage;
use yew::prelude::*;

use crate::components::{field_errors, use_pager, Field, PagerButtons, ProblemMessage, When};
use crate::hooks::use_fetch;
use crate::state::{use_session, use_title};

#[derive(Clone, PartialEq, Default)]
struct Filters {
    actor: String,
    action: String,
    since: String,
    until: String,
}

fn day(s: &str) -> Option<String> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()?;
    let t = Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0)?);
    Some(t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

fn path(f: &Filters, cursor: Option<&str>) -> String {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s.trim()));
    let mut q = vec!["limit=25".to_owned()];
    if !f.actor.trim().is_empty() {
        q.push(format!("actor_id={}", enc(&f.actor)));
    }
    if !f.action.trim().is_empty() {
        q.push(format!("action={}", enc(&f.action)));
    }
    if let Some(d) = day(&f.since) {
        q.push(format!("since={}", enc(&d)));
    }
    if let Some(d) = day(&f.until) {
        q.push(format!("until={}", enc(&d)));
    }
    if let Some(c) = cursor {
        q.push(format!("cursor={c}"));
    }
    format!("/audit?{}", q.join("&"))
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
            client
                .get::<AuditPage>(&path(&filters, cursor.as_deref()))
                .await
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
                <Field id="audit-actor" label={session.t("audit.actor")} value={draft.actor.clone()} oninput={set(|d, v| d.actor = v)} />
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
                        <td><code>{ e.actor_id.clone().unwrap_or_else(|| "—".into()) }</code></td>
                        <td><code>{ &e.action }</code></td>
                        <td>{ match (&e.target_type, &e.target_id) {
                            (Some(t), Some(id)) => html! { <><span>{ t }</span>{ " " }<code>{ id }</code></> },
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
