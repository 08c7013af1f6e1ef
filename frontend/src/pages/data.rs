//! A project's "Data" tab (issue 15): its datasets (create, rename,
//! delete an empty one), a dataset's files a page at a time (size,
//! SHA-256, who uploaded them and when; download, delete), the SHA-256
//! manifest, and resumable uploads of one or many files through
//! [`crate::tus`], with their progress, speed, pause and resume, also
//! after a page reload.

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

use crate::hooks::{use_state, UseStateHandle};
use habilis_shared::dto::{
    AuthzResource, CreateDataset, DatasetPage, DatasetView, FilePage, FileQuery, FileView,
    PageQuery, ProjectState, ProjectView, UpdateDataset,
};
use serde::de::IgnoredAny;
use web_sys::{File, HtmlInputElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::components::{
    confirmed, download, failure_message, field_errors, save_text, use_pager, CopyButton, Field,
    PagerButtons, PersonLink, ProblemMessage, When,
};
use crate::format;
use crate::hooks::{use_action_then, use_fetch, ActionHandle, FetchHandle};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title};
use crate::tus::{self, Control, Event};

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub id: String,
    /// The "Data" tab is the one on show.
    pub data: bool,
}

/// The tabs of a project's page: overview, data.
#[function_component]
pub fn ProjectTabs(p: &TabsProps) -> Html {
    let session = use_session();
    let tab = |current: bool, label: String, to: Route| {
        if current {
            html! { <span class="tab current" aria-current="page">{ label }</span> }
        } else {
            html! { <Link<Route> {to} classes="tab">{ label }</Link<Route>> }
        }
    };
    html! {
        <nav class="tabs" aria-label={session.t("projects.tabs")}>
            { tab(!p.data, session.t("projects.tab_overview"), Route::Project { id: p.id.clone() }) }
            { tab(p.data, session.t("projects.tab_data"), Route::ProjectData { id: p.id.clone() }) }
        </nav>
    }
}

/// The project and what the policy lets me do with its data (the server
/// decides again on every request).
#[derive(Clone, PartialEq)]
struct Rights {
    manage: bool,
    upload: bool,
    download: bool,
    delete: bool,
    /// Changes need an active project.
    active: bool,
}

async fn load_project(client: Client, id: String) -> Result<(ProjectView, Rights), Failure> {
    let project = client
        .get::<ProjectView>(&format!("/projects/{id}"))
        .await?;
    let resource = || AuthzResource::Project { id: id.clone() };
    let rights = Rights {
        manage: client.allowed("dataset.manage", resource()).await,
        upload: client.allowed("file.upload", resource()).await,
        download: client.allowed("file.download", resource()).await,
        delete: client.allowed("file.delete", resource()).await,
        active: project.state == Some(ProjectState::Active),
    };
    Ok((project, rights))
}

#[derive(Properties, PartialEq)]
pub struct DataProps {
    pub id: String,
    #[prop_or_default]
    pub dataset: Option<String>,
}

#[function_component]
pub fn ProjectData(p: &DataProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let page = use_fetch(p.id.clone(), load_project);
    let pager = use_pager();
    let datasets = use_fetch(
        (p.id.clone(), pager.current()),
        |client, (id, cursor)| async move {
            let query = PageQuery {
                cursor,
                ..PageQuery::default()
            };
            client
                .get::<DatasetPage>(&with_query(&format!("/projects/{id}/datasets"), &query))
                .await
        },
    );
    let name = use_state(String::new);
    let description = use_state(String::new);
    let create = {
        let (name, description, datasets, id) = (
            name.clone(),
            description.clone(),
            datasets.clone(),
            p.id.clone(),
        );
        use_action_then(
            |client, (id, body): (String, CreateDataset)| async move {
                client
                    .post::<_, DatasetView>(&format!("/projects/{id}/datasets"), &body)
                    .await
            },
            move |ds: &DatasetView| {
                name.set(String::new());
                description.set(String::new());
                datasets.reload();
                if let Some(n) = &navigator {
                    n.push(&Route::ProjectDataset {
                        id: id.clone(),
                        dataset: ds.id.clone(),
                    });
                }
            },
        )
    };
    use_title(
        page.data()
            .map(|(v, _)| format!("{} · {}", session.t("projects.tab_data"), v.name))
            .unwrap_or_else(|| session.t("projects.tab_data")),
    );
    let failure = page.error().or(datasets.error()).cloned();
    let Some((project, rights)) = page.data() else {
        return html! { <section><ProblemMessage {failure} /></section> };
    };
    let set = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v: String| h.set(v))
    };
    let create_failure = create.error();
    let onsubmit = create.on_submit((
        p.id.clone(),
        CreateDataset {
            name: (*name).clone(),
            description: (!description.is_empty()).then(|| (*description).clone()),
        },
    ));
    let items = datasets.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ &project.name }</h1>
            <ProjectTabs id={p.id.clone()} data=true />
            <ProblemMessage {failure} />
            <h2 id="datasets-title">{ session.t("data.datasets") }</h2>
            if datasets.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-datasets">{ session.t("data.no_datasets") }</p>
            } else {
                <table id="datasets" aria-labelledby="datasets-title" aria-busy={datasets.pending().then_some("true")}>
                    <thead><tr>
                        <th scope="col">{ session.t("data.name") }</th>
                        <th scope="col">{ session.t("data.description") }</th>
                        <th scope="col">{ session.t("data.created") }</th>
                    </tr></thead>
                    <tbody>
                    { for items.iter().map(|d| {
                        let current = p.dataset.as_deref() == Some(d.id.as_str());
                        html! {
                            <tr class={classes!(current.then_some("current"))}>
                                <td>
                                    if current {
                                        <strong aria-current="page">{ &d.name }</strong>
                                    } else {
                                        <Link<Route> to={Route::ProjectDataset { id: p.id.clone(), dataset: d.id.clone() }}>{ &d.name }</Link<Route>>
                                    }
                                </td>
                                <td>{ d.description.clone().unwrap_or_default() }</td>
                                <td>if let Some(at) = d.created_at { <When {at} /> }</td>
                            </tr>
                        }
                    }) }
                    </tbody>
                </table>
            }
            <PagerButtons pager={pager.clone()} next={datasets.data().and_then(|l| l.next_cursor.clone())} />
            if let Some(ds) = &p.dataset {
                <DatasetPanel key={ds.clone()} project={p.id.clone()} dataset={ds.clone()} rights={rights.clone()}
                    on_change={datasets.reloader()} />
            } else if !items.is_empty() {
                <p class="hint">{ session.t("data.choose") }</p>
            }
            if rights.manage && rights.active {
                <form {onsubmit} class="card" id="new-dataset" novalidate=true>
                    <h2>{ session.t("data.new") }</h2>
                    <ProblemMessage failure={create_failure.cloned()} />
                    <Field id="dataset-name" label={session.t("data.name")} value={(*name).clone()} required=true
                        errors={field_errors(session.lang, create_failure, "name")} oninput={set(&name)} />
                    <Field id="dataset-description" label={session.t("data.description")} value={(*description).clone()}
                        errors={field_errors(session.lang, create_failure, "description")} oninput={set(&description)} />
                    <button type="submit">{ session.t("data.create") }</button>
                </form>
            }
        </section>
    }
}

/// One upload on show.
#[derive(Clone, PartialEq)]
enum Phase {
    /// Waits for one of the [`PARALLEL`] uploads to end.
    Queued,
    Running,
    Pausing,
    Paused,
    Done,
    Failed(Failure),
}

#[derive(Clone, PartialEq)]
struct Row {
    key: u32,
    name: String,
    size: u64,
    offset: u64,
    /// Bytes per second, lately.
    speed: f64,
    phase: Phase,
}

#[derive(Default, PartialEq)]
struct Uploads(Vec<Row>);

enum UploadMsg {
    Add(Row),
    Report(u32, Event),
    Phase(u32, Phase),
    Dismiss(u32),
}

impl Reducible for Uploads {
    type Action = UploadMsg;

    fn reduce(self: Rc<Self>, msg: UploadMsg) -> Rc<Self> {
        let mut rows = self.0.clone();
        match msg {
            UploadMsg::Add(r) => rows.push(r),
            UploadMsg::Dismiss(key) => rows.retain(|r| r.key != key),
            UploadMsg::Phase(key, phase) => {
                if let Some(r) = rows.iter_mut().find(|r| r.key == key) {
                    r.phase = phase;
                }
            }
            UploadMsg::Report(key, event) => {
                if let Some(r) = rows.iter_mut().find(|r| r.key == key) {
                    match event {
                        Event::Progress { offset, speed } => {
                            r.offset = offset;
                            r.speed = speed;
                            if r.phase != Phase::Pausing {
                                r.phase = Phase::Running;
                            }
                        }
                        Event::Paused => {
                            r.speed = 0.0;
                            r.phase = Phase::Paused;
                        }
                        Event::Done => {
                            r.offset = r.size;
                            r.speed = 0.0;
                            r.phase = Phase::Done;
                        }
                        Event::Failed(f) => {
                            r.speed = 0.0;
                            r.phase = Phase::Failed(f);
                        }
                    }
                }
            }
        }
        Rc::new(Uploads(rows))
    }
}

/// What follows a change: nothing (a download), a reload, leaving the
/// deleted dataset.
#[derive(Clone, Copy, PartialEq)]
enum After {
    Nothing,
    Reload,
    Gone,
}

/// Changes to the dataset or its files, and downloads.
#[derive(Clone)]
enum Change {
    Edit(UpdateDataset),
    /// The dataset itself (empty).
    Delete,
    DeleteFile(String),
    /// Download one file (id, name to save as).
    Download(String, String),
    /// The manifest, saved as `<name>.sha256`.
    Manifest(String),
}

async fn apply(client: Client, (dataset, change): (String, Change)) -> Result<After, Failure> {
    match change {
        Change::Edit(body) => client
            .patch::<_, IgnoredAny>(&format!("/datasets/{dataset}"), &body)
            .await
            .map(|_| After::Reload),
        Change::Delete => client
            .delete::<IgnoredAny>(&format!("/datasets/{dataset}"))
            .await
            .map(|_| After::Gone),
        Change::DeleteFile(id) => client
            .delete::<IgnoredAny>(&format!("/files/{id}"))
            .await
            .map(|_| After::Reload),
        Change::Download(id, name) => {
            download(&client, &format!("/api/v1/files/{id}/content"), &name).await?;
            Ok(After::Nothing)
        }
        Change::Manifest(name) => {
            let text = client
                .get_text(&format!("/datasets/{dataset}/manifest.sha256"))
                .await?;
            save_text(&format!("{name}.sha256"), &text, "text/plain;charset=utf-8");
            Ok(After::Nothing)
        }
    }
}

#[derive(Properties, PartialEq)]
struct PanelProps {
    project: String,
    dataset: String,
    rights: Rights,
    /// The list of datasets changed (renamed, deleted).
    on_change: Callback<()>,
}

/// The uploads of the panel: how to pause each, and its file.
type Controls = Rc<RefCell<HashMap<u32, (Rc<Control>, File)>>>;

/// Uploads sent at once; the others wait their turn (the browser has few
/// connections per server, and the page's other requests need one).
const PARALLEL: u32 = 2;

#[derive(Default)]
struct Queue {
    /// Keys of the uploads to start, in order.
    waiting: VecDeque<u32>,
    /// Workers taking uploads from `waiting`.
    active: u32,
    last_key: u32,
}

/// What a worker needs: the panel's handles.
struct Ctx {
    client: Client,
    dataset: String,
    controls: Controls,
    queue: Rc<RefCell<Queue>>,
    uploads: UseReducerHandle<Uploads>,
    files: FetchHandle<FilePage>,
    unfinished: UseStateHandle<Vec<tus::Unfinished>>,
}

/// Sends the waiting uploads one after the other (each until it is done,
/// paused or failed), then ends.
async fn worker(ctx: Rc<Ctx>) {
    loop {
        let next = ctx.queue.borrow_mut().waiting.pop_front();
        let Some(key) = next else {
            let mut q = ctx.queue.borrow_mut();
            q.active = q.active.saturating_sub(1);
            return;
        };
        // Dismissed while it waited.
        let Some((control, file)) = ctx.controls.borrow().get(&key).cloned() else {
            continue;
        };
        control.unpause();
        ctx.uploads.dispatch(UploadMsg::Phase(key, Phase::Running));
        let on = {
            let (uploads, files, unfinished, dataset) = (
                ctx.uploads.clone(),
                ctx.files.clone(),
                ctx.unfinished.clone(),
                ctx.dataset.clone(),
            );
            Callback::from(move |event: Event| {
                let settled = !matches!(event, Event::Progress { .. });
                if event == Event::Done {
                    files.reload();
                }
                uploads.dispatch(UploadMsg::Report(key, event));
                if settled {
                    unfinished.set(tus::unfinished(&dataset));
                }
            })
        };
        tus::run(ctx.client.clone(), ctx.dataset.clone(), file, control, on).await;
    }
}

#[function_component]
fn DatasetPanel(p: &PanelProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let lang = session.lang;
    let ds = use_fetch(p.dataset.clone(), |client, id| async move {
        client.get::<DatasetView>(&format!("/datasets/{id}")).await
    });
    let pager = use_pager();
    let files = use_fetch(
        (p.dataset.clone(), pager.current()),
        |client, (id, cursor)| async move {
            let query = FileQuery {
                cursor,
                ..FileQuery::default()
            };
            client
                .get::<FilePage>(&with_query(&format!("/datasets/{id}/files"), &query))
                .await
        },
    );
    let editing = use_state(|| None::<UpdateDataset>);
    let change = {
        let (ds, files, editing, on_change, project) = (
            ds.clone(),
            files.clone(),
            editing.clone(),
            p.on_change.clone(),
            p.project.clone(),
        );
        use_action_then(apply, move |after: &After| match after {
            After::Nothing => {}
            After::Reload => {
                editing.set(None);
                on_change.emit(());
                ds.reload();
                files.reload();
            }
            After::Gone => {
                on_change.emit(());
                if let Some(n) = &navigator {
                    n.push(&Route::ProjectData {
                        id: project.clone(),
                    });
                }
            }
        })
    };
    // Uploads.
    let uploads = use_reducer(Uploads::default);
    let controls: Controls = use_mut_ref(HashMap::new);
    let queue = use_mut_ref(Queue::default);
    let unfinished = use_state(|| tus::unfinished(&p.dataset));
    let ctx = Rc::new(Ctx {
        client: session.client.clone(),
        dataset: p.dataset.clone(),
        controls: controls.clone(),
        queue: queue.clone(),
        uploads: uploads.clone(),
        files: files.clone(),
        unfinished: unfinished.clone(),
    });
    let enqueue: Rc<dyn Fn(u32)> = {
        let ctx = ctx.clone();
        Rc::new(move |key: u32| {
            ctx.uploads.dispatch(UploadMsg::Phase(key, Phase::Queued));
            let start = {
                let mut q = ctx.queue.borrow_mut();
                q.waiting.push_back(key);
                let free = q.active < PARALLEL;
                if free {
                    q.active += 1;
                }
                free
            };
            if start {
                // An upload outlives the event that starts it and reports
                // as it goes: its own task, not a hook's request.
                wasm_bindgen_futures::spawn_local(worker(ctx.clone()));
            }
        })
    };
    {
        // Leaving the dataset pauses its uploads; choosing the files
        // again resumes them.
        let (controls, queue) = (controls.clone(), queue.clone());
        use_effect_with((), move |_| {
            move || {
                queue.borrow_mut().waiting.clear();
                for (control, _) in controls.borrow().values() {
                    control.pause();
                }
            }
        });
    }
    let on_files = {
        let (uploads, controls, queue, enqueue) = (
            uploads.clone(),
            controls.clone(),
            queue.clone(),
            enqueue.clone(),
        );
        Callback::from(move |e: web_sys::Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let Some(list) = input.files() else { return };
            for i in 0..list.length() {
                let Some(file) = list.get(i) else { continue };
                let key = {
                    let mut q = queue.borrow_mut();
                    q.last_key += 1;
                    q.last_key
                };
                uploads.dispatch(UploadMsg::Add(Row {
                    key,
                    name: file.name(),
                    size: file.size() as u64,
                    offset: 0,
                    speed: 0.0,
                    phase: Phase::Queued,
                }));
                controls
                    .borrow_mut()
                    .insert(key, (Rc::new(Control::default()), file));
                enqueue(key);
            }
            // The same file may be chosen again (to resume it).
            input.set_value("");
        })
    };
    let failure = change.error().or(ds.error()).cloned();
    let Some(view) = ds.data() else {
        return html! { <ProblemMessage {failure} /> };
    };
    // Who sees names only may not list the files: no failure to show.
    let failure = failure.or_else(|| (!view.names_only).then(|| files.error().cloned()).flatten());
    let rights = &p.rights;
    let on_edit = {
        let (editing, view) = (editing.clone(), view.clone());
        Callback::from(move |_| {
            editing.set(Some(UpdateDataset {
                name: Some(view.name.clone()),
                description: view.description.clone(),
            }))
        })
    };
    let on_delete = {
        let (session, change, id) = (session.clone(), change.clone(), view.id.clone());
        Callback::from(move |_| {
            if confirmed(&session.t("data.delete_confirm")) {
                change.run((id.clone(), Change::Delete));
            }
        })
    };
    let edit_form = match &*editing {
        None => html! {},
        Some(draft) => {
            let set = |f: fn(&mut UpdateDataset, String)| {
                let editing = editing.clone();
                Callback::from(move |v: String| {
                    if let Some(d) = &*editing {
                        let mut d = d.clone();
                        f(&mut d, v);
                        editing.set(Some(d));
                    }
                })
            };
            let cancel = {
                let editing = editing.clone();
                Callback::from(move |_| editing.set(None))
            };
            let on_save = change.on_submit((view.id.clone(), Change::Edit(draft.clone())));
            html! {
                <form class="card" id="dataset-edit" onsubmit={on_save} novalidate=true>
                    <Field id="edit-dataset-name" label={session.t("data.name")} value={draft.name.clone().unwrap_or_default()} required=true
                        errors={field_errors(lang, failure.as_ref(), "name")} oninput={set(|d, v| d.name = Some(v))} />
                    <Field id="edit-dataset-description" label={session.t("data.description")} value={draft.description.clone().unwrap_or_default()}
                        errors={field_errors(lang, failure.as_ref(), "description")} oninput={set(|d, v| d.description = Some(v))} />
                    <div class="actions">
                        <button type="submit">{ session.t("common.save") }</button>
                        <button type="button" class="secondary" onclick={cancel}>{ session.t("common.cancel") }</button>
                    </div>
                </form>
            }
        }
    };
    let rows = &uploads.0;
    let running = rows
        .iter()
        .any(|r| matches!(r.phase, Phase::Queued | Phase::Running | Phase::Pausing));
    // Interrupted uploads not being resumed on this page.
    let waiting: Vec<&tus::Unfinished> = unfinished
        .iter()
        .filter(|u| {
            !rows
                .iter()
                .any(|r| r.name == u.name && r.size == u.size && r.phase != Phase::Done)
        })
        .collect();
    let file_items = files.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section class="card" id="dataset" aria-labelledby="dataset-title">
            <h2 id="dataset-title">{ &view.name }</h2>
            if let Some(d) = &view.description { if !d.is_empty() { <p>{ d }</p> } }
            <ProblemMessage failure={failure.clone()} />
            <div class="actions">
                if !view.names_only {
                    <button type="button" class="secondary" id="manifest"
                        onclick={change.on_click((view.id.clone(), Change::Manifest(view.name.clone())))}>
                        { session.t("data.manifest") }
                    </button>
                }
                if rights.manage && rights.active && editing.is_none() {
                    <button type="button" class="secondary" id="edit-dataset" onclick={on_edit}>{ session.t("data.edit") }</button>
                    <button type="button" class="danger" id="delete-dataset" onclick={on_delete}>{ session.t("data.delete") }</button>
                }
            </div>
            { edit_form }
            if rights.upload && rights.active {
                <h3>{ session.t("data.upload") }</h3>
                <div class="field">
                    <label for="upload-files">{ session.t("data.upload_files") }</label>
                    <input type="file" id="upload-files" multiple=true onchange={on_files} aria-describedby="upload-hint" />
                    <p class="hint" id="upload-hint">{ session.t("data.upload_hint") }</p>
                </div>
                if !waiting.is_empty() {
                    <div class="notice" id="unfinished">
                        <p>{ session.t("data.unfinished") }</p>
                        <ul>
                        { for waiting.iter().map(|u| {
                            let url = u.url.clone();
                            let (client, unfinished, dataset) = (session.client.clone(), unfinished.clone(), p.dataset.clone());
                            let forget = Callback::from(move |_| {
                                let (client, url, unfinished, dataset) = (client.clone(), url.clone(), unfinished.clone(), dataset.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    tus::terminate(&client, &url).await;
                                    unfinished.set(tus::unfinished(&dataset));
                                });
                            });
                            html! {
                                <li>
                                    { format!("{} ({}) ", u.name, format::bytes(u.size, lang)) }
                                    <button type="button" class="secondary" onclick={forget}
                                        aria-label={fill(&session.t("data.forget_named"), &[("name", &u.name)])}>
                                        { session.t("data.forget") }
                                    </button>
                                </li>
                            }
                        }) }
                        </ul>
                    </div>
                }
                if !rows.is_empty() {
                    <ul id="uploads" class="uploads" aria-busy={running.then_some("true")}>
                    { for rows.iter().map(|r| upload_row(&session.t("data.progress"), lang, r, &uploads, &controls, &enqueue, &|k| session.t(k))) }
                    </ul>
                }
            }
            if !view.names_only {
            <h3 id="files-title">{ session.t("data.files") }</h3>
            if files.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-files">{ session.t("data.no_files") }</p>
            } else {
                <table id="files" aria-labelledby="files-title" aria-busy={files.pending().then_some("true")}>
                    <thead><tr>
                        <th scope="col">{ session.t("data.path") }</th>
                        <th scope="col">{ session.t("data.size") }</th>
                        <th scope="col">{ session.t("data.sha256") }</th>
                        <th scope="col">{ session.t("data.uploaded_by") }</th>
                        <th scope="col">{ session.t("data.uploaded_at") }</th>
                        if rights.download || (rights.delete && rights.active) {
                            <th scope="col">{ session.t("orgs.actions") }</th>
                        }
                    </tr></thead>
                    <tbody>
                    { for file_items.iter().map(|f| file_row(f, rights, &change, &session.t("data.delete_file_confirm"), &|k| session.t(k), lang)) }
                    </tbody>
                </table>
            }
            <PagerButtons pager={pager.clone()} next={files.data().and_then(|l| l.next_cursor.clone())} />
            }
        </section>
    }
}

fn file_row(
    f: &FileView,
    rights: &Rights,
    change: &ActionHandle<(String, Change), After>,
    confirm_text: &str,
    t: &dyn Fn(&str) -> String,
    lang: habilis_shared::dto::Language,
) -> Html {
    let short = f.sha256.get(..12).unwrap_or(&f.sha256);
    let name = f.path.rsplit('/').next().unwrap_or(&f.path).to_owned();
    let on_delete = {
        let (change, question, id, dataset) = (
            change.clone(),
            fill(confirm_text, &[("path", &f.path)]),
            f.id.clone(),
            f.dataset_id.clone(),
        );
        Callback::from(move |_| {
            if confirmed(&question) {
                change.run((dataset.clone(), Change::DeleteFile(id.clone())));
            }
        })
    };
    html! {
        <tr>
            <td class="path">{ &f.path }</td>
            <td>{ format::bytes(f.size, lang) }</td>
            <td class="sha">
                <code title={f.sha256.clone()} data-sha256={f.sha256.clone()}>{ format!("{short}…") }</code>
                { " " }
                <CopyButton text={f.sha256.clone()} label={t("common.copy")} />
            </td>
            <td><PersonLink id={f.uploaded_by.clone()} /></td>
            <td><When at={f.uploaded_at} time=true /></td>
            if rights.download || (rights.delete && rights.active) {
                <td class="actions">
                    if rights.download {
                        <button type="button" class="secondary"
                            aria-label={fill(&t("data.download_named"), &[("name", &f.path)])}
                            onclick={change.on_click((f.dataset_id.clone(), Change::Download(f.id.clone(), name)))}>
                            { t("data.download") }
                        </button>
                    }
                    if rights.delete && rights.active {
                        <button type="button" class="danger"
                            aria-label={fill(&t("data.delete_named"), &[("name", &f.path)])}
                            onclick={on_delete}>{ t("data.delete_file") }</button>
                    }
                </td>
            }
        </tr>
    }
}

fn upload_row(
    progress_text: &str,
    lang: habilis_shared::dto::Language,
    r: &Row,
    uploads: &UseReducerHandle<Uploads>,
    controls: &Controls,
    enqueue: &Rc<dyn Fn(u32)>,
    t: &dyn Fn(&str) -> String,
) -> Html {
    let key = r.key;
    let pause = {
        let (controls, uploads) = (controls.clone(), uploads.clone());
        Callback::from(move |_| {
            if let Some((c, _)) = controls.borrow().get(&key) {
                c.pause();
            }
            uploads.dispatch(UploadMsg::Phase(key, Phase::Pausing));
        })
    };
    let resume = {
        let enqueue = enqueue.clone();
        Callback::from(move |_| enqueue(key))
    };
    let dismiss = {
        let (controls, uploads) = (controls.clone(), uploads.clone());
        Callback::from(move |_| {
            controls.borrow_mut().remove(&key);
            uploads.dispatch(UploadMsg::Dismiss(key));
        })
    };
    let mut text = fill(
        progress_text,
        &[
            ("done", &format::bytes(r.offset, lang)),
            ("total", &format::bytes(r.size, lang)),
            ("percent", &format::percent(r.offset, r.size).to_string()),
        ],
    );
    if r.phase == Phase::Running && r.speed > 0.0 {
        text.push_str(" · ");
        text.push_str(&format!("{}/s", format::bytes(r.speed as u64, lang)));
    }
    let (state, problem) = match &r.phase {
        Phase::Queued => (t("data.queued"), None),
        Phase::Running => (t("data.running"), None),
        Phase::Pausing => (t("data.pausing"), None),
        Phase::Paused => (t("data.paused"), None),
        Phase::Done => (t("data.done"), None),
        Phase::Failed(f) => (t("data.failed"), Some(failure_message(lang, f))),
    };
    let label = fill(&t("data.progress_label"), &[("name", &r.name)]);
    html! {
        <li class="upload" data-phase={match r.phase { Phase::Queued => "queued", Phase::Running => "running", Phase::Pausing => "pausing", Phase::Paused => "paused", Phase::Done => "done", Phase::Failed(_) => "failed" }}>
            <span class="upload-name">{ &r.name }</span>
            <progress max={r.size.max(1).to_string()} value={if r.size == 0 && r.phase == Phase::Done { "1".to_owned() } else { r.offset.to_string() }}
                aria-label={label} aria-valuetext={text.clone()}></progress>
            <span class="upload-progress">{ text }</span>
            <span class="upload-state" role="status">{ state }</span>
            if let Some(p) = problem { <span class="problem">{ p }</span> }
            <span class="upload-actions">
                { match &r.phase {
                    Phase::Running => html! { <button type="button" class="secondary" onclick={pause}>{ t("data.pause") }</button> },
                    Phase::Paused => html! { <button type="button" onclick={resume}>{ t("data.resume") }</button> },
                    Phase::Failed(_) => html! { <>
                        <button type="button" onclick={resume}>{ t("data.retry") }</button>
                        <button type="button" class="secondary" onclick={dismiss}>{ t("data.dismiss") }</button>
                    </> },
                    Phase::Done | Phase::Queued => html! { <button type="button" class="secondary" onclick={dismiss}>{ t("data.dismiss") }</button> },
                    Phase::Pausing => html! {},
                } }
            </span>
        </li>
    }
}
