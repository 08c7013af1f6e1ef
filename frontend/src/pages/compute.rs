//! Compute engines (issue 17, SPEC §7): the engines I may see; an
//! engine's page with its current version and a run form generated from
//! its parameters' JSON Schema (the same generator as the offerings' form
//! of issue 16), for a project where I may launch processing; and the
//! editor (create, change, delete) for those the policy lets. Buttons
//! appear only where the policy allows (`/authz/check`, the engine's
//! `can_run` / `can_modify`); the server decides again.
//!
//! The jobs, the job page with its live log and the queue are in
//! [`super::jobs`].

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::hooks::use_state;
use habilis_shared::dto::Language;
use habilis_shared::dto::{
    AuthzResource, CreateEngine, EnginePage, EngineResources, EngineView, JobView, PageQuery,
    ProjectPage, ProjectQuery, ProjectState, SubmitJob, UpdateEngine,
};
use serde::de::IgnoredAny;
use serde_json::Value;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    confirmed, field_errors, form_errors, use_pager, Choice, Field, PagerButtons, PersonLink,
    ProblemMessage, SchemaFields, When,
};
use crate::format;
use crate::hooks::{use_action_then, use_fetch};
use crate::i18n::{fill, tr};
use crate::route::Route;
use crate::schema::{self, FieldSpec};
use crate::state::{use_session, use_title, Session};

/// The sections of the compute pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Engines,
    Jobs,
    Queue,
}

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub current: Section,
    /// The section's own page (not one of its engines or jobs): the tab
    /// is not a link.
    #[prop_or(true)]
    pub exact: bool,
}

/// The tabs of the compute pages: engines, my jobs, the queue.
#[function_component]
pub fn ComputeTabs(p: &TabsProps) -> Html {
    let session = use_session();
    let tab = |s: Section, label: String, to: Route| {
        if s == p.current && p.exact {
            html! { <span class="tab current" aria-current="page">{ label }</span> }
        } else {
            let classes = classes!("tab", (s == p.current).then_some("current"));
            html! { <Link<Route> {to} {classes}>{ label }</Link<Route>> }
        }
    };
    html! {
        <nav class="tabs" aria-label={session.t("compute.tabs")}>
            { tab(Section::Engines, session.t("compute.tab_engines"), Route::Engines) }
            { tab(Section::Jobs, session.t("compute.tab_jobs"), Route::Jobs) }
            { tab(Section::Queue, session.t("compute.tab_queue"), Route::Queue) }
        </nav>
    }
}

/// A duration in the largest unit that divides it ("2 h", "90 s").
pub fn duration(lang: Language, secs: u32) -> String {
    let (key, n) = if secs >= 3600 && secs.is_multiple_of(3600) {
        ("compute.hours", secs / 3600)
    } else if secs >= 60 && secs.is_multiple_of(60) {
        ("compute.minutes", secs / 60)
    } else {
        ("compute.seconds", secs)
    };
    fill(&tr(lang, key), &[("n", &n.to_string())])
}

/// "2 CPU · 1.1 GB".
fn resources(lang: Language, r: &EngineResources) -> String {
    let cpus = fill(&tr(lang, "compute.cpus_n"), &[("n", &r.cpus.to_string())]);
    let memory = format::bytes(u64::from(r.memory_mb) * 1024 * 1024, lang);
    format!("{cpus} · {memory}")
}

#[function_component]
pub fn Engines() -> Html {
    let session = use_session();
    use_title(session.t("compute.title"));
    let pager = use_pager();
    let list = use_fetch(pager.current(), |client, cursor| async move {
        client
            .get::<EnginePage>(&with_query(
                "/engines",
                &PageQuery {
                    limit: None,
                    cursor,
                },
            ))
            .await
    });
    // `engine.create` concerns no resource in particular.
    let can_create = use_fetch((), |client, ()| async move {
        Ok(client.may("engine.create", None).await)
    });
    let lang = session.lang;
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    let busy = if list.pending() { "true" } else { "false" };
    html! {
        <section>
            <h1>{ session.t("compute.title") }</h1>
            <ComputeTabs current={Section::Engines} />
            <p>{ session.t("compute.intro") }</p>
            if can_create.data().copied().unwrap_or(false) {
                <p><Link<Route> to={Route::NewEngine} classes="button">{ session.t("engine.new") }</Link<Route>></p>
            }
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-engines">{ session.t("compute.none") }</p>
            } else {
                <table id="engines" aria-busy={busy}>
                    <caption>{ session.t("compute.caption") }</caption>
                    <thead><tr>
                        <th scope="col">{ session.t("engine.name") }</th>
                        <th scope="col">{ session.t("engine.description") }</th>
                        <th scope="col">{ session.t("engine.version") }</th>
                        <th scope="col">{ session.t("engine.resources") }</th>
                        <th scope="col">{ session.t("engine.timeout") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|e| html! {
                        <tr data-engine={e.id.clone()}>
                            <td>
                                <Link<Route> to={Route::Engine { id: e.id.clone() }}>{ &e.name }</Link<Route>>
                                if !e.can_run {
                                    { " " }<span class="badge">{ session.t("engine.cannot_run") }</span>
                                }
                            </td>
                            <td>{ &e.description }</td>
                            <td>{ e.version }</td>
                            <td>{ resources(lang, &e.resources) }</td>
                            <td>{ duration(lang, e.timeout_secs) }</td>
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
pub struct EngineProps {
    pub id: String,
}

/// An engine, its run form, and my active projects where I may run it.
struct EngineData {
    engine: Rc<EngineView>,
    fields: Rc<Vec<FieldSpec>>,
    /// (id, name) of the projects where I may launch processing.
    projects: Vec<(String, String)>,
}

/// My active projects where I may run jobs: `job.submit` on each (the
/// project read, an organisation role that may launch processing, and
/// `engine.run`). The server decides again on the submission.
pub async fn runnable_projects(client: &Client) -> Vec<(String, String)> {
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
            if client.allowed("job.submit", resource).await {
                projects.push((p.id, p.name));
            }
        }
    }
    projects
}

async fn load_engine(client: Client, id: String) -> Result<EngineData, Failure> {
    let engine: EngineView = client.get(&format!("/engines/{id}")).await?;
    let projects = if engine.can_run {
        runnable_projects(&client).await
    } else {
        vec![]
    };
    Ok(EngineData {
        fields: Rc::new(schema::fields(&engine.parameters)),
        engine: Rc::new(engine),
        projects,
    })
}

#[function_component]
pub fn Engine(p: &EngineProps) -> Html {
    let session = use_session();
    let page = use_fetch(p.id.clone(), load_engine);
    use_title(
        page.data()
            .map(|d| d.engine.name.clone())
            .unwrap_or_else(|| session.t("compute.title")),
    );
    let Some(data) = page.data() else {
        return html! {
            <section>
                <ComputeTabs current={Section::Engines} exact=false />
                <ProblemMessage failure={page.error().cloned()} />
            </section>
        };
    };
    let e = &data.engine;
    let lang = session.lang;
    html! {
        <section>
            <h1>{ &e.name }</h1>
            <ComputeTabs current={Section::Engines} exact=false />
            if !e.description.is_empty() {
                <p id="engine-description">{ &e.description }</p>
            }
            <dl class="facts">
                <dt>{ session.t("engine.version") }</dt><dd id="engine-version">{ e.version }</dd>
                <dt>{ session.t("engine.command") }</dt>
                <dd><ol class="argv" id="engine-command">
                    { for e.command.iter().map(|a| html! { <li><code>{ a }</code></li> }) }
                </ol></dd>
                <dt>{ session.t("engine.resources") }</dt><dd id="engine-resources">{ resources(lang, &e.resources) }</dd>
                <dt>{ session.t("engine.timeout") }</dt><dd id="engine-timeout">{ duration(lang, e.timeout_secs) }</dd>
                if !e.inputs.is_empty() {
                    <dt>{ session.t("engine.inputs") }</dt>
                    <dd><ul class="plain">
                        { for e.inputs.iter().map(|i| html! {
                            <li><code>{ &i.name }</code>{ " " }{ &i.description }
                                if !i.required { { " " }<span class="hint">{ session.t("engine.optional") }</span> }
                            </li>
                        }) }
                    </ul></dd>
                }
                <dt>{ session.t("engine.created_by") }</dt><dd><PersonLink id={e.created_by.clone()} /></dd>
                <dt>{ session.t("engine.updated") }</dt><dd><When at={e.updated_at} time=true /></dd>
            </dl>
            <details class="schema">
                <summary>{ session.t("engine.parameters_schema") }</summary>
                <pre id="engine-parameters">{ e.parameters.to_string() }</pre>
            </details>
            if e.can_modify {
                <p><Link<Route> to={Route::EditEngine { id: e.id.clone() }} classes="button secondary">{ session.t("engine.edit") }</Link<Route>></p>
            }
            if !e.can_run {
                <p class="hint" id="cannot-run">{ session.t("engine.cannot_run_hint") }</p>
            } else if data.projects.is_empty() {
                <p class="hint" id="no-projects">{ session.t("engine.no_projects") }</p>
            } else {
                <RunForm engine={data.engine.clone()} fields={data.fields.clone()} projects={data.projects.clone()} />
            }
            <p><Link<Route> to={Route::Engines}>{ session.t("engine.back") }</Link<Route>></p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct RunProps {
    engine: Rc<EngineView>,
    fields: Rc<Vec<FieldSpec>>,
    projects: Vec<(String, String)>,
}

/// Running an engine: a project, an optional name, the parameters (the
/// generated form, checked here, then by the server against the schema)
/// and a file id for each of its inputs. Lands on the job's page.
#[function_component]
fn RunForm(p: &RunProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let project = {
        let first = p.projects.first().map(|(id, _)| id.clone());
        use_state(move || first.unwrap_or_default())
    };
    let name = use_state(String::new);
    let texts = {
        let fields = p.fields.clone();
        use_state(move || Rc::new(schema::initial(&fields, None)))
    };
    let inputs = use_state(BTreeMap::<String, String>::new);
    // Browser errors show once a run was tried.
    let attempted = use_state(|| false);
    let submit = use_action_then(
        |client, (project, body): (String, SubmitJob)| async move {
            client
                .post::<_, JobView>(&format!("/projects/{project}/jobs"), &body)
                .await
        },
        move |j: &JobView| {
            if let Some(n) = &navigator {
                n.push(&Route::Job { id: j.id.clone() });
            }
        },
    );
    let lang = session.lang;
    let (parameters, invalid) = schema::build(&p.fields, &texts);
    let valid = invalid.is_empty() && !project.is_empty();
    let browser = if *attempted { invalid } else { BTreeMap::new() };
    let errors = Rc::new(form_errors(
        lang,
        "parameters",
        &p.fields,
        &browser,
        submit.error(),
    ));
    let body = SubmitJob {
        engine_id: p.engine.id.clone(),
        parameters: Some(parameters),
        name: Some(name.trim().to_owned()).filter(|n| !n.is_empty()),
        inputs: inputs
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
            .collect(),
    };
    let onsubmit = {
        let (attempted, submit) = (attempted.clone(), submit.clone());
        let input = ((*project).clone(), body);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            attempted.set(true);
            if valid {
                submit.run(input.clone());
            }
        })
    };
    let on_field = {
        let texts = texts.clone();
        Callback::from(move |(path, v): (String, String)| {
            let mut t = (**texts).clone();
            t.insert(path, v);
            texts.set(Rc::new(t));
        })
    };
    let on_input = |input: &str| {
        let (inputs, input) = (inputs.clone(), input.to_owned());
        Callback::from(move |v: String| {
            let mut m = (*inputs).clone();
            m.insert(input.clone(), v);
            inputs.set(m);
        })
    };
    let project_errors = if *attempted && project.is_empty() {
        vec![session.t("engine.project_required")]
    } else {
        field_errors(lang, submit.error(), "project_id")
    };
    html! {
        <form class="card" id="run-form" {onsubmit} novalidate=true aria-labelledby="run-title">
            <h2 id="run-title">{ session.t("engine.run_title") }</h2>
            <p class="hint">{ session.t("engine.run_hint") }</p>
            <ProblemMessage failure={submit.error().cloned()} />
            <Choice id="job-project" label={session.t("engine.project")} options={p.projects.clone()}
                value={(*project).clone()} errors={project_errors}
                onchange={let s = project.clone(); Callback::from(move |v: String| s.set(v))} />
            <Field id="job-name" label={session.t("engine.job_name")} value={(*name).clone()}
                hint={session.t("engine.job_name_hint")}
                errors={field_errors(lang, submit.error(), "name")}
                oninput={let n = name.clone(); Callback::from(move |v: String| n.set(v))} />
            <h3>{ session.t("engine.parameters") }</h3>
            if p.fields.is_empty() {
                <p class="hint" id="no-parameters">{ session.t("engine.no_parameters") }</p>
            }
            <SchemaFields fields={p.fields.clone()} texts={(*texts).clone()} {errors} onchange={on_field} />
            if !p.engine.inputs.is_empty() {
                <h3>{ session.t("engine.inputs") }</h3>
                <p class="hint">{ session.t("engine.inputs_hint") }</p>
                { for p.engine.inputs.iter().map(|i| {
                    let mut errors = field_errors(lang, submit.error(), &format!("inputs.{}", i.name));
                    if errors.is_empty() {
                        errors = field_errors(lang, submit.error(), "inputs");
                    }
                    let label = if i.description.is_empty() { i.name.clone() } else { format!("{} — {}", i.name, i.description) };
                    html! {
                        <Field id={format!("input-{}", i.name)} {label} required={i.required}
                            value={inputs.get(&i.name).cloned().unwrap_or_default()}
                            {errors} oninput={on_input(&i.name)} />
                    }
                }) }
            }
            <div class="actions">
                <button type="submit" id="run" disabled={submit.busy()}>{ session.t("engine.run") }</button>
            </div>
        </form>
    }
}

/// What the editor's fields hold, as typed.
#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    name: String,
    description: String,
    /// One argv element per line.
    command: String,
    /// The parameters' JSON Schema, as JSON text.
    parameters: String,
    timeout_secs: String,
    cpus: String,
    memory_mb: String,
}

impl Draft {
    fn of(e: Option<&EngineView>) -> Draft {
        let Some(e) = e else {
            let r = EngineResources::default();
            return Draft {
                command: String::new(),
                parameters: "{\"type\": \"object\", \"properties\": {}}".to_owned(),
                timeout_secs: "3600".to_owned(),
                cpus: r.cpus.to_string(),
                memory_mb: r.memory_mb.to_string(),
                ..Draft::default()
            };
        };
        Draft {
            name: e.name.clone(),
            description: e.description.clone(),
            command: e.command.join("\n"),
            parameters: e.parameters.to_string(),
            timeout_secs: e.timeout_secs.to_string(),
            cpus: e.resources.cpus.to_string(),
            memory_mb: e.resources.memory_mb.to_string(),
        }
    }
}

/// The argv of the command field: one element per line, a line's end
/// (`\r\n` too) is not part of it, blank lines are left out.
pub fn argv_of(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// The fields of the editor, checked before sending as the server would
/// (one 422 naming every field that is wrong), or the request's own parts.
#[allow(
    clippy::result_large_err,
    reason = "Failure carries the problem as the API sent it; only 64-bit hosts find it large"
)]
fn parsed(d: &Draft, lang: Language) -> Result<(Value, u32, EngineResources), Failure> {
    let mut wrong: Vec<(&str, String)> = vec![];
    let mut number = |field: &'static str, text: &str| {
        text.trim().parse::<u32>().unwrap_or_else(|_| {
            wrong.push((field, tr(lang, "engine.whole_number")));
            0
        })
    };
    let timeout = number("timeout_secs", &d.timeout_secs);
    let resources = EngineResources {
        cpus: number("resources.cpus", &d.cpus),
        memory_mb: number("resources.memory_mb", &d.memory_mb),
    };
    let parameters = if d.parameters.trim().is_empty() {
        Ok(serde_json::json!({"type": "object"}))
    } else {
        serde_json::from_str::<Value>(&d.parameters)
            .map_err(|e| fill(&tr(lang, "engine.bad_json"), &[("error", &e.to_string())]))
            .and_then(|v| {
                if v.is_object() {
                    Ok(v)
                } else {
                    Err(tr(lang, "engine.schema_object"))
                }
            })
    };
    let parameters = parameters.unwrap_or_else(|e| {
        wrong.insert(0, ("parameters", e));
        Value::Null
    });
    let Some((field, message)) = wrong.first() else {
        return Ok((parameters, timeout, resources));
    };
    let mut failure = Failure::invalid(field, message);
    if let Failure::Problem(p) = &mut failure {
        p.errors = Some(
            wrong
                .iter()
                .map(|(f, m)| ((*f).to_owned(), vec![m.clone()]))
                .collect(),
        );
    }
    Err(failure)
}

/// What the editor sends.
#[derive(Clone)]
enum Save {
    Create(CreateEngine),
    /// The engine's id and what changed (a change makes a new version;
    /// unchanged fields are not sent).
    Update(String, UpdateEngine),
    Delete(String),
}

#[allow(
    clippy::result_large_err,
    reason = "Failure carries the problem as the API sent it; only 64-bit hosts find it large"
)]
fn save_of(d: &Draft, original: Option<&EngineView>, lang: Language) -> Result<Save, Failure> {
    let (parameters, timeout_secs, resources) = parsed(d, lang)?;
    let command = argv_of(&d.command);
    let Some(o) = original else {
        return Ok(Save::Create(CreateEngine {
            name: d.name.trim().to_owned(),
            description: d.description.trim().to_owned(),
            command,
            parameters,
            inputs: vec![],
            timeout_secs,
            resources,
        }));
    };
    let changed = |now: String, was: &str| (now != was).then_some(now);
    Ok(Save::Update(
        o.id.clone(),
        UpdateEngine {
            name: changed(d.name.trim().to_owned(), &o.name),
            description: changed(d.description.trim().to_owned(), &o.description),
            command: (command != o.command).then_some(command),
            parameters: (parameters != o.parameters).then_some(parameters),
            inputs: None,
            timeout_secs: (timeout_secs != o.timeout_secs).then_some(timeout_secs),
            resources: (resources != o.resources).then_some(resources),
        },
    ))
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The engine to change; `None` creates one.
    #[prop_or_default]
    pub id: Option<String>,
}

/// The editor's page: whether I may use it, then the form.
#[function_component]
pub fn EngineEditor(p: &EditorProps) -> Html {
    let session = use_session();
    let loaded = use_fetch(p.id.clone(), |client, id| async move {
        match id {
            None => Ok((None, client.may("engine.create", None).await)),
            Some(id) => {
                let e: EngineView = client.get(&format!("/engines/{id}")).await?;
                let may = e.can_modify;
                Ok((Some(Rc::new(e)), may))
            }
        }
    });
    let title = session.t(if p.id.is_some() {
        "engine.edit_title"
    } else {
        "engine.new_title"
    });
    use_title(title.clone());
    let body = match loaded.data() {
        None => html! { <ProblemMessage failure={loaded.error().cloned()} /> },
        Some((_, false)) => {
            html! { <p class="problem" id="may-not-edit">{ session.t("engine.may_not_edit") }</p> }
        }
        Some((engine, true)) => html! { <EngineForm engine={engine.clone()} /> },
    };
    html! {
        <section>
            <h1>{ title }</h1>
            <ComputeTabs current={Section::Engines} exact=false />
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct FormProps {
    engine: Option<Rc<EngineView>>,
}

#[function_component]
fn EngineForm(p: &FormProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let draft = {
        let e = p.engine.clone();
        use_state(move || Draft::of(e.as_deref()))
    };
    let save = use_action_then(
        |client, save: Result<Save, Failure>| async move {
            match save? {
                Save::Create(body) => {
                    let e: EngineView = client.post("/engines", &body).await?;
                    Ok(Some(e.id))
                }
                Save::Update(id, body) => {
                    client
                        .patch::<_, IgnoredAny>(&format!("/engines/{id}"), &body)
                        .await?;
                    Ok(Some(id))
                }
                Save::Delete(id) => {
                    client
                        .delete::<IgnoredAny>(&format!("/engines/{id}"))
                        .await?;
                    Ok(None)
                }
            }
        },
        move |id: &Option<String>| {
            if let Some(n) = &navigator {
                match id {
                    Some(id) => n.push(&Route::Engine { id: id.clone() }),
                    None => n.push(&Route::Engines),
                }
            }
        },
    );
    let lang = session.lang;
    let failure = save.error();
    let onsubmit = save.on_submit(save_of(&draft, p.engine.as_deref(), lang));
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    let errors = |field: &str| field_errors(lang, failure, field);
    // The server names an element or a schema path under a field
    // (`command[2]`, `parameters.type`): shown on that field.
    let errors_under = |root: &str| -> Vec<String> {
        let Some(f) = failure else { return vec![] };
        let (index, member) = (format!("{root}["), format!("{root}."));
        f.field_errors()
            .keys()
            .filter(|k| *k == root || k.starts_with(&index) || k.starts_with(&member))
            .flat_map(|k| field_errors(lang, failure, k))
            .collect()
    };
    let mut cpus_errors = errors("resources.cpus");
    cpus_errors.extend(errors("resources"));
    let on_delete = p.engine.as_ref().map(|e| {
        let (save, id) = (save.clone(), e.id.clone());
        let question = fill(&session.t("engine.delete_confirm"), &[("name", &e.name)]);
        Callback::from(move |_: MouseEvent| {
            if confirmed(&question) {
                save.run(Ok(Save::Delete(id.clone())));
            }
        })
    });
    html! {
        <>
        <form class="card" id="engine-form" {onsubmit} novalidate=true>
            <ProblemMessage failure={failure.cloned()} />
            <Field id="engine-name" label={session.t("engine.name")} value={draft.name.clone()} required=true
                errors={errors("name")} oninput={set(|d, v| d.name = v)} />
            <Field id="engine-description-field" label={session.t("engine.description")} value={draft.description.clone()}
                errors={errors("description")} oninput={set(|d, v| d.description = v)} />
            <TextArea id="engine-command-field" label={session.t("engine.command")} value={draft.command.clone()}
                hint={session.t("engine.command_hint")} rows=5 errors={errors_under("command")}
                oninput={set(|d, v| d.command = v)} />
            <TextArea id="engine-parameters-field" label={session.t("engine.parameters_schema")} value={draft.parameters.clone()}
                hint={session.t("engine.parameters_hint")} rows=10 errors={errors_under("parameters")}
                oninput={set(|d, v| d.parameters = v)} />
            <Field id="engine-timeout" label={session.t("engine.timeout_secs")} value={draft.timeout_secs.clone()} required=true
                errors={errors("timeout_secs")} oninput={set(|d, v| d.timeout_secs = v)} />
            <Field id="engine-cpus" label={session.t("engine.cpus")} value={draft.cpus.clone()} required=true
                errors={cpus_errors} oninput={set(|d, v| d.cpus = v)} />
            <Field id="engine-memory" label={session.t("engine.memory_mb")} value={draft.memory_mb.clone()} required=true
                errors={errors("resources.memory_mb")} oninput={set(|d, v| d.memory_mb = v)} />
            <div class="actions">
                <button type="submit" id="engine-save" disabled={save.busy()}>{ session.t("common.save") }</button>
                if let Some(e) = &p.engine {
                    <Link<Route> to={Route::Engine { id: e.id.clone() }} classes="button secondary">{ session.t("common.cancel") }</Link<Route>>
                }
            </div>
        </form>
        if let Some(on_delete) = on_delete {
            <div class="card danger-zone" id="delete-engine">
                <h2>{ session.t("engine.delete") }</h2>
                <p>{ session.t("engine.delete_hint") }</p>
                <button type="button" class="danger" onclick={on_delete} disabled={save.busy()}>{ session.t("engine.delete") }</button>
            </div>
        }
        </>
    }
}

#[derive(Properties, PartialEq)]
struct TextAreaProps {
    id: AttrValue,
    label: AttrValue,
    value: AttrValue,
    oninput: Callback<String>,
    hint: AttrValue,
    rows: u32,
    errors: Vec<String>,
}

/// A labelled `<textarea>` with its hint and errors, as [`Field`] lays
/// out an input.
#[function_component]
fn TextArea(p: &TextAreaProps) -> Html {
    let oninput = {
        let cb = p.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(el.value());
        })
    };
    let (hint_id, err_id) = (format!("{}-hint", p.id), format!("{}-error", p.id));
    let invalid = !p.errors.is_empty();
    let described = if invalid {
        format!("{hint_id} {err_id}")
    } else {
        hint_id.clone()
    };
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <textarea id={p.id.clone()} name={p.id.clone()} rows={p.rows.to_string()} value={p.value.clone()}
                spellcheck="false" class="code" {oninput}
                aria-invalid={invalid.then_some("true")} aria-describedby={described} />
            <p class="hint" id={hint_id}>{ p.hint.clone() }</p>
            if invalid {
                <p class="field-error" id={err_id} role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

/// A profile's name in the reader's language.
pub fn profile_name(session: &Session, p: habilis_shared::policy::Profile) -> String {
    session.t(&format!("profile.{}", p.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_argv_element_per_line() {
        assert_eq!(
            argv_of("seq\r\n1\n\n{count}\n"),
            vec!["seq".to_owned(), "1".into(), "{count}".into()]
        );
        // Spaces are part of an element: never split like a shell would.
        assert_eq!(argv_of("printf\n%s and %s\n"), vec!["printf", "%s and %s"]);
        assert!(argv_of("\n  \n").is_empty());
    }

    #[test]
    fn durations_use_the_largest_unit_that_divides() {
        assert_eq!(duration(Language::En, 7200), "2 h");
        assert_eq!(duration(Language::En, 90), "90 s");
        assert_eq!(duration(Language::En, 300), "5 min");
    }

    fn draft() -> Draft {
        Draft {
            name: "Count".into(),
            description: String::new(),
            command: "seq\n1\n{count}".into(),
            parameters: r#"{"type":"object","properties":{"count":{"type":"integer"}}}"#.into(),
            timeout_secs: "60".into(),
            cpus: "1".into(),
            memory_mb: "256".into(),
        }
    }

    #[test]
    fn a_bad_field_is_refused_on_its_own_field_before_sending() {
        let bad = Draft {
            parameters: "{nope".into(),
            ..draft()
        };
        let f = save_of(&bad, None, Language::En).err().expect("refused");
        assert!(f.field_errors().contains_key("parameters"));
        let bad = Draft {
            parameters: "[1]".into(),
            ..draft()
        };
        let f = save_of(&bad, None, Language::En).err().expect("refused");
        assert!(f.field_errors().contains_key("parameters"));
        let bad = Draft {
            memory_mb: "1 GB".into(),
            ..draft()
        };
        let f = save_of(&bad, None, Language::En).err().expect("refused");
        assert!(f.field_errors().contains_key("resources.memory_mb"));
        // Every wrong field at once.
        let bad = Draft {
            parameters: "{nope".into(),
            timeout_secs: "soon".into(),
            ..draft()
        };
        let f = save_of(&bad, None, Language::En).err().expect("refused");
        let fields: Vec<String> = f.field_errors().into_keys().collect();
        assert_eq!(fields, vec!["parameters", "timeout_secs"]);
    }

    #[test]
    fn an_update_sends_only_what_changed() {
        let Ok(Save::Create(created)) = save_of(&draft(), None, Language::En) else {
            panic!("a creation");
        };
        assert_eq!(created.command, vec!["seq", "1", "{count}"]);
        let view = EngineView {
            id: "e1".into(),
            name: created.name,
            description: created.description,
            version: 1,
            command: created.command,
            parameters: created.parameters,
            inputs: vec![],
            timeout_secs: created.timeout_secs,
            resources: created.resources,
            created_by: "u1".into(),
            created_at: chrono::DateTime::from_timestamp(0, 0).expect("epoch"),
            updated_at: chrono::DateTime::from_timestamp(0, 0).expect("epoch"),
            can_run: true,
            can_modify: true,
        };
        let d = Draft {
            timeout_secs: "120".into(),
            ..Draft::of(Some(&view))
        };
        let Ok(Save::Update(id, body)) = save_of(&d, Some(&view), Language::En) else {
            panic!("an update");
        };
        assert_eq!(id, "e1");
        assert_eq!(
            body,
            UpdateEngine {
                timeout_secs: Some(120),
                ..UpdateEngine::default()
            }
        );
    }
}
