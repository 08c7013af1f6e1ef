//! Jobs (issue 17, SPEC §7, §2.6): "My jobs" with their state, filtered
//! by state and project; a job's page with its facts, its live log, the
//! draft work it produced and Cancel; "why am I waiting" while it is
//! queued; and the whole queue by rank, nobody named.

use std::cell::Cell;
use std::rc::Rc;

use crate::hooks::{use_state, UseStateHandle};
use gloo_net::http::Method;
use gloo_timers::future::TimeoutFuture;
use habilis_shared::dto::{
    JobPage, JobQuery, JobState, JobView, ProjectPage, ProjectQuery, QueuePosition, QueueView,
    RankAhead,
};
use habilis_shared::policy::Profile;
use serde::de::IgnoredAny;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, AbortSignal, HtmlInputElement, ReadableStreamDefaultReader,
    ReadableStreamReadResult,
};
use yew::prelude::*;
use yew_router::prelude::*;

use super::compute::{profile_name, ComputeTabs, Section};
use crate::api::{failure_of, with_query, Client, Failure};
use crate::components::{
    confirmed, use_pager, Choice, PagerButtons, PersonLink, ProblemMessage, When,
};
use crate::format;
use crate::hooks::{use_action_then, use_fetch, use_refresh_while};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

fn state_label(session: &Session, s: JobState) -> String {
    session.t(&format!("job_state.{}", s.as_str()))
}

/// A job's state as a badge (`data-state` for the stylesheet and tests).
fn state_badge(session: &Session, s: JobState) -> Html {
    html! {
        <span class={classes!("badge", "job-state", format!("job-{}", s.as_str()))} data-state={s.as_str()}>
            { state_label(session, s) }
        </span>
    }
}

/// A time, or a dash when it has not happened.
fn at(t: Option<chrono::DateTime<chrono::Utc>>) -> Html {
    match t {
        Some(at) => html! { <When {at} time=true /> },
        None => html! { "—" },
    }
}

/// "confirmed scientist, webmaster": the profiles of a rank.
fn profiles(session: &Session, list: &[Profile]) -> String {
    list.iter()
        .map(|p| profile_name(session, *p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The filters of "My jobs", and the page on show.
#[derive(Clone, Debug, PartialEq)]
struct Filters {
    state: String,
    project: String,
    /// The jobs of the people whose activity I see (SPEC §2.5), not mine.
    others: bool,
    cursor: Option<String>,
}

#[function_component]
pub fn Jobs() -> Html {
    let session = use_session();
    use_title(session.t("jobs.title"));
    let pager = use_pager();
    let state = use_state(String::new);
    let project = use_state(String::new);
    let others = use_state(|| false);
    let filters = Filters {
        state: (*state).clone(),
        project: (*project).clone(),
        others: *others,
        cursor: pager.current(),
    };
    let list = use_fetch(filters, |client, f| async move {
        let query = JobQuery {
            project_id: Some(f.project).filter(|p| !p.is_empty()),
            state: Some(f.state).filter(|s| !s.is_empty()),
            owner: f.others.then(|| "subordinates".to_owned()),
            limit: None,
            cursor: f.cursor,
        };
        client.get::<JobPage>(&with_query("/jobs", &query)).await
    });
    // Every project I see, for the filter.
    let projects = use_fetch((), |client, ()| async move {
        let query = ProjectQuery {
            limit: Some(200),
            ..ProjectQuery::default()
        };
        let page: ProjectPage = client.get(&with_query("/projects", &query)).await?;
        Ok(page
            .items
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect::<Vec<_>>())
    });
    let active = list
        .data()
        .is_some_and(|l| l.items.iter().any(|j| !j.state.is_final()));
    use_refresh_while(active, 3_000, list.reloader());
    let on_filter = |h: &UseStateHandle<String>| {
        let (h, pager) = (h.clone(), pager.clone());
        Callback::from(move |v: String| {
            pager.reset();
            h.set(v);
        })
    };
    let on_others = {
        let (others, pager) = (others.clone(), pager.clone());
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            pager.reset();
            others.set(el.checked());
        })
    };
    let states: Vec<(String, String)> = JobState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), state_label(&session, *s)))
        .collect();
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    let busy = if list.pending() { "true" } else { "false" };
    html! {
        <section>
            <h1>{ session.t("jobs.title") }</h1>
            <ComputeTabs current={Section::Jobs} />
            <p>{ session.t("jobs.intro") }</p>
            <div class="inline filters">
                <Choice id="jobs-state" label={session.t("jobs.state")} options={states}
                    value={(*state).clone()} onchange={on_filter(&state)} />
                <Choice id="jobs-project" label={session.t("jobs.project")} options={projects.data().cloned().unwrap_or_default()}
                    value={(*project).clone()} onchange={on_filter(&project)} />
                <div class="field check">
                    <label for="jobs-others">
                        <input type="checkbox" id="jobs-others" checked={*others} onchange={on_others} />
                        { " " }{ session.t("jobs.others") }
                    </label>
                </div>
            </div>
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-jobs">{ session.t("jobs.none") }</p>
            } else {
                <table id="jobs" aria-busy={busy}>
                    <caption>{ session.t("jobs.caption") }</caption>
                    <thead><tr>
                        <th scope="col">{ session.t("jobs.name") }</th>
                        <th scope="col">{ session.t("jobs.engine") }</th>
                        <th scope="col">{ session.t("jobs.project") }</th>
                        if *others {
                            <th scope="col">{ session.t("job.owner") }</th>
                        }
                        <th scope="col">{ session.t("jobs.state") }</th>
                        <th scope="col">{ session.t("jobs.queued") }</th>
                        <th scope="col">{ session.t("jobs.started") }</th>
                        <th scope="col">{ session.t("jobs.finished") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|j| html! {
                        <tr data-job={j.id.clone()}>
                            <td><Link<Route> to={Route::Job { id: j.id.clone() }}>{ &j.name }</Link<Route>></td>
                            <td><Link<Route> to={Route::Engine { id: j.engine_id.clone() }}>{ &j.engine_name }</Link<Route>></td>
                            <td><Link<Route> to={Route::Project { id: j.project_id.clone() }}>{ &j.project_name }</Link<Route>></td>
                            if *others {
                                <td>{ &j.owner_name }</td>
                            }
                            <td class="state" data-state={j.state.as_str()}>{ state_badge(&session, j.state) }</td>
                            <td><When at={j.queued_at} time=true /></td>
                            <td>{ at(j.started_at) }</td>
                            <td>{ at(j.finished_at) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct JobProps {
    pub id: String,
}

/// How far a job's log goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Queued: no log yet.
    Waiting,
    /// Running: followed live.
    Running,
    /// Final: the stored log, once.
    Done,
}

fn phase(s: JobState) -> Phase {
    match s {
        JobState::Queued => Phase::Waiting,
        JobState::Running => Phase::Running,
        _ => Phase::Done,
    }
}

#[function_component]
pub fn Job(p: &JobProps) -> Html {
    let session = use_session();
    let job = use_fetch(p.id.clone(), |client, id| async move {
        client.get::<JobView>(&format!("/jobs/{id}")).await
    });
    let moving = job.data().is_some_and(|j| !j.state.is_final());
    use_refresh_while(moving, 2_000, job.reloader());
    let cancel = {
        let job = job.clone();
        use_action_then(
            |client, id: String| async move {
                client
                    .post_empty::<IgnoredAny>(&format!("/jobs/{id}/cancel"))
                    .await
            },
            move |_| job.reload(),
        )
    };
    use_title(
        job.data()
            .map(|j| j.name.clone())
            .unwrap_or_else(|| session.t("jobs.title")),
    );
    let Some(j) = job.data() else {
        return html! {
            <section>
                <ComputeTabs current={Section::Jobs} exact=false />
                <ProblemMessage failure={job.error().cloned()} />
            </section>
        };
    };
    let lang = session.lang;
    let on_cancel = {
        let (session, cancel, id) = (session.clone(), cancel.clone(), j.id.clone());
        Callback::from(move |_: MouseEvent| {
            if confirmed(&session.t("job.cancel_confirm")) {
                cancel.run(id.clone());
            }
        })
    };
    let parameters = j.parameters.as_object().cloned().unwrap_or_default();
    html! {
        <section>
            <h1>{ &j.name }</h1>
            <ComputeTabs current={Section::Jobs} exact=false />
            <ProblemMessage failure={job.error().cloned()} />
            <dl class="facts">
                <dt>{ session.t("jobs.state") }</dt>
                <dd id="job-state" data-state={j.state.as_str()} aria-live="polite">{ state_badge(&session, j.state) }</dd>
                <dt>{ session.t("jobs.engine") }</dt>
                <dd>
                    <Link<Route> to={Route::Engine { id: j.engine_id.clone() }}>{ &j.engine_name }</Link<Route>>
                    { " " }{ fill(&session.t("job.engine_version"), &[("version", &j.engine_version.to_string())]) }
                </dd>
                <dt>{ session.t("jobs.project") }</dt>
                <dd><Link<Route> to={Route::Project { id: j.project_id.clone() }}>{ &j.project_name }</Link<Route>></dd>
                <dt>{ session.t("job.owner") }</dt><dd><PersonLink id={j.owner_id.clone()} /></dd>
                <dt>{ session.t("job.priority") }</dt>
                <dd id="job-rank">{ fill(&session.t("job.rank_of"), &[("rank", &j.rank.to_string()), ("profile", &profile_name(&session, j.profile))]) }</dd>
                <dt>{ session.t("jobs.queued") }</dt><dd><When at={j.queued_at} time=true /></dd>
                <dt>{ session.t("jobs.started") }</dt><dd>{ at(j.started_at) }</dd>
                <dt>{ session.t("jobs.finished") }</dt><dd>{ at(j.finished_at) }</dd>
                if let Some(x) = &j.executor {
                    <dt>{ session.t("job.executor") }</dt><dd>{ x }</dd>
                }
                if let Some(code) = j.exit_code {
                    <dt>{ session.t("job.exit_code") }</dt><dd id="job-exit-code">{ code }</dd>
                }
                if let Some(cpu) = j.cpu_secs {
                    <dt>{ session.t("job.cpu_time") }</dt>
                    <dd id="job-cpu">{ fill(&session.t("compute.seconds"), &[("n", &format!("{cpu:.2}"))]) }</dd>
                }
                if let Some(kb) = j.max_rss_kb {
                    <dt>{ session.t("job.peak_memory") }</dt>
                    <dd id="job-memory">{ format::bytes(u64::try_from(kb).unwrap_or(0).saturating_mul(1024), lang) }</dd>
                }
                if let Some(work) = &j.work_id {
                    <dt>{ session.t("job.work") }</dt>
                    <dd><Link<Route> to={Route::Work { id: work.clone() }} classes="job-work">{ session.t("job.work_link") }</Link<Route>></dd>
                }
                if let Some(dataset) = &j.dataset_id {
                    <dt>{ session.t("job.dataset") }</dt>
                    <dd><Link<Route> to={Route::ProjectDataset { id: j.project_id.clone(), dataset: dataset.clone() }} classes="job-dataset">
                        { session.t("job.dataset_link") }
                    </Link<Route>></dd>
                }
            </dl>
            if let Some(f) = &j.failure {
                <p class="problem" id="job-failure">{ session.t("job.failure") }{ " " }{ f }</p>
            }
            if j.can_cancel && !j.state.is_final() {
                <ProblemMessage failure={cancel.error().cloned()} />
                <p><button type="button" class="danger" id="cancel-job" onclick={on_cancel} disabled={cancel.busy()}>{ session.t("job.cancel") }</button></p>
            }
            if j.state == JobState::Queued {
                <WhyWaiting id={j.id.clone()} />
            }
            <h2>{ session.t("job.parameters") }</h2>
            if parameters.is_empty() {
                <p class="hint">{ session.t("job.no_parameters") }</p>
            } else {
                <dl class="facts" id="job-parameters">
                    { for parameters.iter().map(|(k, v)| html! {
                        <>
                            <dt><code>{ k }</code></dt>
                            <dd><code>{ v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()) }</code></dd>
                        </>
                    }) }
                </dl>
            }
            if !j.inputs.is_empty() {
                <h2>{ session.t("engine.inputs") }</h2>
                <dl class="facts" id="job-inputs">
                    { for j.inputs.iter().map(|(k, v)| html! { <><dt><code>{ k }</code></dt><dd><code>{ v }</code></dd></> }) }
                </dl>
            }
            <h2>{ session.t("job.log") }</h2>
            <LiveLog id={j.id.clone()} phase={phase(j.state)} on_end={job.reloader()} />
            <p><Link<Route> to={Route::Jobs}>{ session.t("job.back") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct WaitingProps {
    id: String,
}

/// "Why am I waiting" (SPEC §2.6): the server's sentence in my language,
/// my position and the jobs ahead by rank, refreshed every few seconds.
#[function_component]
fn WhyWaiting(p: &WaitingProps) -> Html {
    let session = use_session();
    let queue = use_fetch(p.id.clone(), |client, id| async move {
        client
            .get::<QueuePosition>(&format!("/jobs/{id}/queue"))
            .await
    });
    use_refresh_while(true, 3_000, queue.reloader());
    let Some(q) = queue.data() else {
        return html! { <ProblemMessage failure={queue.error().cloned()} /> };
    };
    html! {
        <section class="card" id="why-waiting" aria-labelledby="why-waiting-title">
            <h2 id="why-waiting-title">{ session.t("queue.why") }</h2>
            <p id="queue-reason" data-rule={q.binding_rule.as_str()} role="status">{ &q.reason }</p>
            if q.position > 0 {
                <p id="queue-position">{ fill(&session.t("queue.position"), &[("n", &q.position.to_string())]) }</p>
            }
            if !q.ahead.is_empty() {
                <AheadTable ahead={q.ahead.clone()} />
            }
            <p><Link<Route> to={Route::Queue}>{ session.t("queue.whole") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct AheadProps {
    ahead: Vec<RankAhead>,
}

#[function_component]
fn AheadTable(p: &AheadProps) -> Html {
    let session = use_session();
    html! {
        <table id="queue-ahead">
            <caption>{ session.t("queue.ahead") }</caption>
            <thead><tr>
                <th scope="col">{ session.t("queue.rank") }</th>
                <th scope="col">{ session.t("queue.profiles") }</th>
                <th scope="col">{ session.t("queue.jobs") }</th>
                <th scope="col">{ session.t("queue.people") }</th>
            </tr></thead>
            <tbody>
            { for p.ahead.iter().map(|r| html! {
                <tr data-rank={r.rank.to_string()}>
                    <td>{ r.rank }</td>
                    <td>{ profiles(&session, &r.profiles) }</td>
                    <td>{ r.jobs }</td>
                    <td>{ r.people }</td>
                </tr>
            }) }
            </tbody>
        </table>
    }
}

/// The whole queue by rank, highest first, with counts only.
#[function_component]
pub fn Queue() -> Html {
    let session = use_session();
    use_title(session.t("queue.title"));
    let queue = use_fetch((), |client, ()| async move {
        client.get::<QueueView>("/queue").await
    });
    use_refresh_while(true, 5_000, queue.reloader());
    let q = queue.data();
    html! {
        <section>
            <h1>{ session.t("queue.title") }</h1>
            <ComputeTabs current={Section::Queue} />
            <p>{ session.t("queue.intro") }</p>
            <ProblemMessage failure={queue.error().cloned()} />
            if let Some(q) = q {
                <dl class="facts" id="queue-totals">
                    <dt>{ session.t("queue.capacity") }</dt><dd id="queue-capacity">{ q.capacity }</dd>
                    <dt>{ session.t("queue.running") }</dt><dd id="queue-running">{ q.running }</dd>
                    <dt>{ session.t("queue.queued") }</dt><dd id="queue-queued">{ q.queued }</dd>
                </dl>
                <table id="queue-ranks">
                    <caption>{ session.t("queue.by_rank") }</caption>
                    <thead><tr>
                        <th scope="col">{ session.t("queue.rank") }</th>
                        <th scope="col">{ session.t("queue.profiles") }</th>
                        <th scope="col">{ session.t("queue.running") }</th>
                        <th scope="col">{ session.t("queue.queued") }</th>
                        <th scope="col">{ session.t("queue.people") }</th>
                    </tr></thead>
                    <tbody>
                    { for q.ranks.iter().map(|r| html! {
                        <tr data-rank={r.rank.to_string()}>
                            <td>{ r.rank }</td>
                            <td>{ profiles(&session, &r.profiles) }</td>
                            <td>{ r.running }</td>
                            <td>{ r.queued }</td>
                            <td>{ r.people }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

// ───────────────────────────── the live log ─────────────────────────────

/// One Server-Sent Event: its type (`message` when unnamed) and data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseEvent {
    pub event: String,
    pub data: String,
}

/// The parser of an SSE stream, fed the body's bytes as they come (the
/// HTML Living Standard's "event stream interpretation"): lines end with
/// CR, LF or CRLF; `event:` names the event, `data:` lines are joined
/// with LF; a blank line dispatches it; comments (`:`), `id:` and
/// `retry:` are ignored. A line is decoded once complete, so a character
/// split between two chunks is never broken.
#[derive(Default)]
pub struct SseParser {
    pending: Vec<u8>,
    event: String,
    data: String,
    /// The last line ended with CR: an LF first in the next chunk is the
    /// rest of that CRLF, not a blank line.
    after_cr: bool,
}

impl SseParser {
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        let mut bytes = bytes;
        if self.after_cr && !bytes.is_empty() {
            self.after_cr = false;
            if bytes[0] == b'\n' {
                bytes = &bytes[1..];
            }
        }
        self.pending.extend_from_slice(bytes);
        let mut out = vec![];
        let mut start = 0;
        while let Some(i) = self.pending[start..]
            .iter()
            .position(|b| *b == b'\n' || *b == b'\r')
        {
            let end = start + i;
            let line = String::from_utf8_lossy(&self.pending[start..end]).into_owned();
            start = end + 1;
            if self.pending[end] == b'\r' {
                match self.pending.get(start) {
                    Some(b'\n') => start += 1,
                    // The LF of this CRLF may come with the next chunk.
                    None => self.after_cr = true,
                    Some(_) => {}
                }
            }
            if let Some(e) = self.line(&line) {
                out.push(e);
            }
        }
        self.pending.drain(..start);
        out
    }

    fn line(&mut self, line: &str) -> Option<SseEvent> {
        if line.is_empty() {
            let event = std::mem::take(&mut self.event);
            let mut data = std::mem::take(&mut self.data);
            if data.is_empty() {
                return None;
            }
            data.pop(); // the LF after the last data line
            let event = if event.is_empty() {
                "message".to_owned()
            } else {
                event
            };
            return Some(SseEvent { event, data });
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            _ => {}
        }
        None
    }
}

/// What the log on show becomes.
enum LogMsg {
    /// The whole log (the stored one; empty when a stream starts over).
    Replace(String),
    /// A chunk of a live log.
    Append(String),
    Failed(Failure),
}

#[derive(Default)]
struct LogState {
    text: String,
    error: Option<Failure>,
}

impl Reducible for LogState {
    type Action = LogMsg;

    fn reduce(self: Rc<Self>, msg: LogMsg) -> Rc<Self> {
        let mut next = LogState {
            text: self.text.clone(),
            error: None,
        };
        match msg {
            LogMsg::Replace(t) => next.text = t,
            LogMsg::Append(t) => next.text.push_str(&t),
            LogMsg::Failed(f) => next.error = Some(f),
        }
        Rc::new(next)
    }
}

/// How one connection to the log ended.
enum Ended {
    /// `event: end`: the job is over.
    End,
    /// The stream closed or broke without `end`.
    Broken,
    /// The answer was the plain stored log, not a stream.
    Plain,
}

fn broken() -> Failure {
    Failure::Network("the log stream broke".into())
}

/// One connection to `GET /jobs/{id}/logs` asking for the SSE stream.
async fn stream_once(
    client: &Client,
    url: &str,
    out: &Callback<LogMsg>,
    signal: &AbortSignal,
) -> Result<Ended, Failure> {
    let res = client
        .raw(
            Method::GET,
            url,
            &[("Accept", "text/event-stream")],
            None,
            Some(signal),
        )
        .await?;
    if !res.ok() {
        return Err(failure_of(res).await);
    }
    let is_stream = res
        .headers()
        .get("content-type")
        .is_some_and(|t| t.starts_with("text/event-stream"));
    if !is_stream {
        let text = res.text().await.map_err(|_| broken())?;
        out.emit(LogMsg::Replace(text));
        return Ok(Ended::Plain);
    }
    let Some(reader) = res
        .body()
        .and_then(|body| ReadableStreamDefaultReader::new(&body).ok())
    else {
        return Ok(Ended::Broken);
    };
    // Each connection starts with the stored log.
    out.emit(LogMsg::Replace(String::new()));
    let mut parser = SseParser::default();
    loop {
        let chunk: ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(|_| broken())?
            .unchecked_into();
        if chunk.get_done().unwrap_or(true) {
            return Ok(Ended::Broken);
        }
        let bytes = js_sys::Uint8Array::new(&chunk.get_value()).to_vec();
        for e in parser.feed(&bytes) {
            match e.event.as_str() {
                "log" | "message" => out.emit(LogMsg::Append(e.data)),
                "end" => {
                    let _ = reader.cancel();
                    return Ok(Ended::End);
                }
                _ => {}
            }
        }
    }
}

/// Follows a running job's log until it ends or `signal` aborts.
///
/// The API authenticates with a bearer token in the `Authorization`
/// header (the access token lives in memory only, see `api.rs`), and
/// `EventSource` cannot send a header. So the log's SSE stream (`Accept:
/// text/event-stream`) is read through `fetch`, with the same token and
/// refresh-on-401 as every call ([`Client::raw`]): the answer's body is a
/// `ReadableStream`, read chunk by chunk and parsed by [`SseParser`].
/// Each `log` event's data is a chunk of the log text, appended as it is
/// (its line ends included); `end` (its data: the final state) closes
/// it, and the page reloads the job. A stream that breaks without `end`
/// (a proxy's timeout, a restarted server) is opened again two seconds
/// later and starts over with the stored log; an answer that is not a
/// stream (the plain stored log) is fetched again every second.
async fn follow(
    client: Client,
    id: String,
    out: Callback<LogMsg>,
    ended: Callback<()>,
    signal: AbortSignal,
) {
    let url = format!("/api/v1/jobs/{id}/logs");
    let mut network_failures = 0u32;
    while !signal.aborted() {
        let result = stream_once(&client, &url, &out, &signal).await;
        if signal.aborted() {
            // The page moved on (the job ended, the reader left).
            return;
        }
        let pause = match result {
            Ok(Ended::End) => {
                ended.emit(());
                return;
            }
            Ok(Ended::Plain) => 1_000,
            Ok(Ended::Broken) => 2_000,
            Err(f @ Failure::Problem(_)) => {
                out.emit(LogMsg::Failed(f));
                return;
            }
            Err(f @ Failure::Network(_)) => {
                network_failures += 1;
                if network_failures >= 10 {
                    out.emit(LogMsg::Failed(f));
                    return;
                }
                2_000
            }
        };
        TimeoutFuture::new(pause).await;
    }
}

#[derive(Properties, PartialEq)]
struct LogProps {
    id: String,
    phase: Phase,
    /// The log's stream said the job is over.
    on_end: Callback<()>,
}

/// A job's log: nothing while queued, followed live while it runs, the
/// stored log once it is over.
#[function_component]
fn LiveLog(p: &LogProps) -> Html {
    let session = use_session();
    let client = session.client.clone();
    let log = use_reducer(LogState::default);
    {
        let (log, on_end) = (log.clone(), p.on_end.clone());
        use_effect_with((p.id.clone(), p.phase), move |(id, phase)| {
            let alive = Rc::new(Cell::new(true));
            let out = {
                let alive = alive.clone();
                Callback::from(move |m: LogMsg| {
                    if alive.get() {
                        log.dispatch(m);
                    }
                })
            };
            let controller = AbortController::new().ok();
            match (phase, &controller) {
                (Phase::Waiting, _) => {}
                (Phase::Running, Some(c)) => {
                    let (id, signal) = (id.clone(), c.signal());
                    // The one place the log is followed: this effect's future.
                    wasm_bindgen_futures::spawn_local(follow(client, id, out, on_end, signal));
                }
                (Phase::Running | Phase::Done, _) => {
                    let id = id.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        match client.get_text(&format!("/jobs/{id}/logs")).await {
                            Ok(text) => out.emit(LogMsg::Replace(text)),
                            Err(f) => out.emit(LogMsg::Failed(f)),
                        }
                    });
                }
            }
            move || {
                alive.set(false);
                if let Some(c) = controller {
                    c.abort();
                }
            }
        });
    }
    // The newest lines stay in view.
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(log.text.len(), move |_| {
            if let Some(el) = node.cast::<web_sys::Element>() {
                el.set_scroll_top(el.scroll_height());
            }
        });
    }
    let live = p.phase == Phase::Running;
    html! {
        <>
            <ProblemMessage failure={log.error.clone()} />
            if p.phase == Phase::Waiting {
                <p class="hint" id="log-waiting">{ session.t("job.log_waiting") }</p>
            } else {
                if live {
                    <p class="hint" id="log-live" role="status">{ session.t("job.log_live") }</p>
                }
                <pre class="logs" id="job-log" tabindex="0" ref={node} aria-busy={live.then_some("true")}>
                    { if log.text.is_empty() && !live { session.t("job.log_empty") } else { log.text.clone() } }
                </pre>
            }
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(event: &str, data: &str) -> SseEvent {
        SseEvent {
            event: event.into(),
            data: data.into(),
        }
    }

    #[test]
    fn events_are_dispatched_on_a_blank_line() {
        let mut p = SseParser::default();
        assert!(p.feed(b"event: log\ndata: 1\n").is_empty());
        assert_eq!(p.feed(b"\n"), vec![ev("log", "1")]);
        // Data lines are joined with LF; an empty data line keeps the
        // chunk's final line end.
        assert_eq!(
            p.feed(b"event: log\ndata: 2\ndata: 3\ndata: \n\nevent: end\ndata: succeeded\n\n"),
            vec![ev("log", "2\n3\n"), ev("end", "succeeded")]
        );
    }

    #[test]
    fn chunks_split_anywhere_give_the_same_events() {
        let stream =
            "event: log\r\ndata: héllo wörld\r\n\r\n: keep-alive\r\nevent: end\rdata: failed\r\r";
        let whole = SseParser::default().feed(stream.as_bytes());
        assert_eq!(whole, vec![ev("log", "héllo wörld"), ev("end", "failed")]);
        for size in 1..8 {
            let mut p = SseParser::default();
            let mut got = vec![];
            for chunk in stream.as_bytes().chunks(size) {
                got.extend(p.feed(chunk));
            }
            assert_eq!(got, whole, "chunks of {size} bytes");
        }
    }

    #[test]
    fn a_crlf_split_between_chunks_is_one_line_end() {
        let mut p = SseParser::default();
        assert!(p.feed(b"data: a\r").is_empty());
        assert!(p.feed(b"\n").is_empty());
        assert_eq!(p.feed(b"\n"), vec![ev("message", "a")]);
    }

    #[test]
    fn unnamed_events_are_messages_and_other_fields_are_ignored() {
        let mut p = SseParser::default();
        assert_eq!(
            p.feed(b"id: 7\nretry: 1000\ndata:x\n\nevent: log\n\n"),
            vec![ev("message", "x")]
        );
    }
}
