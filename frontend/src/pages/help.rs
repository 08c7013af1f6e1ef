//! Help (issue 18, SPEC §8): my tickets, a new ticket (with the knowledge
//! base's suggestions while it is written), a ticket's thread, and the
//! agents' view: their desks' queue, assigning, internal notes,
//! escalating, resolving and drafting an article from a ticket.
//!
//! Buttons appear where the policy allows (the session's own copy of the
//! policy, fed the facts the page knows: am I the requester, am I an agent
//! of one of the ticket's desks); the server decides again.

use crate::hooks::{use_state, UseStateHandle};
use habilis_shared::dto::{
    AddTicketParticipant, AssignTicket, CommentTicket, CreateTicket, DeskAgentPage, DeskKind,
    DeskPage, DeskView, EscalateTicket, KbSuggestQuery, KbSuggestions, PageQuery, ProjectPage,
    ProjectQuery, ResolveTicket, TicketAttachmentView, TicketEventKind, TicketEventView,
    TicketPage, TicketParticipantView, TicketQuery, TicketState, TicketThread, TicketType,
    TicketView,
};
use habilis_shared::policy::{Action, Resource};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{failure_of, with_query, Client, Failure};
use crate::components::{
    download, field_errors, use_pager, Choice, Field, PagerButtons, PersonPicker, PickFrom, Picked,
    ProblemMessage, When,
};
use crate::hooks::{use_action_then, use_debounced, use_fetch};
use crate::i18n::fill;
use crate::route::Route;
use crate::state::{use_session, use_title, Session};

// ───────────────────────────── small pieces ─────────────────────────────

fn state_label(session: &Session, s: TicketState) -> String {
    session.t(&format!("ticket_state.{}", s.as_str()))
}

fn type_label(session: &Session, t: TicketType) -> String {
    session.t(&format!("ticket_type.{}", t.as_str()))
}

/// A ticket's state as a badge (`data-state` for the stylesheet and tests).
fn state_badge(session: &Session, s: TicketState) -> Html {
    html! {
        <span class={classes!("badge", "ticket-state", format!("ticket-{}", s.as_str()))} data-state={s.as_str()}>
            { state_label(session, s) }
        </span>
    }
}

/// The desks I may see (one page of 200 is all of them in practice: the
/// group desk and one per organisation I belong to or serve).
async fn my_desks(client: Client) -> Result<Vec<DeskView>, Failure> {
    let page: DeskPage = client
        .get(&with_query(
            "/desks",
            &PageQuery {
                limit: Some(200),
                cursor: None,
            },
        ))
        .await?;
    Ok(page.items)
}

/// The sections of the help pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Mine,
    New,
    Desk,
    Kb,
}

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub current: Section,
    /// The section's own page (not one of its tickets): the tab is not a
    /// link.
    #[prop_or(true)]
    pub exact: bool,
}

/// The tabs of the help pages: my tickets, a new ticket, the desk queue
/// (agents), the knowledge base.
#[function_component]
pub fn HelpTabs(p: &TabsProps) -> Html {
    let session = use_session();
    let desks = use_fetch((), |client, ()| my_desks(client));
    let agent = desks.data().is_some_and(|d| d.iter().any(|d| d.agent));
    let tab = |s: Section, label: String, to: Route| {
        if s == p.current && p.exact {
            html! { <span class="tab current" aria-current="page">{ label }</span> }
        } else {
            let classes = classes!("tab", (s == p.current).then_some("current"));
            html! { <Link<Route> {to} {classes}>{ label }</Link<Route>> }
        }
    };
    html! {
        <nav class="tabs" aria-label={session.t("help.tabs")}>
            { tab(Section::Mine, session.t("help.tab_mine"), Route::Help) }
            { tab(Section::New, session.t("help.tab_new"), Route::NewTicket) }
            if agent || p.current == Section::Desk {
                { tab(Section::Desk, session.t("help.tab_desk"), Route::DeskQueue) }
            }
            { tab(Section::Kb, session.t("help.tab_kb"), Route::Kb) }
        </nav>
    }
}

#[derive(Properties, PartialEq)]
struct TableProps {
    items: Vec<TicketView>,
    /// Show who asked (the desk queue).
    #[prop_or_default]
    requester: bool,
    busy: bool,
}

/// A list of tickets.
#[function_component]
fn TicketTable(p: &TableProps) -> Html {
    let session = use_session();
    html! {
        <table id="tickets" aria-busy={if p.busy { "true" } else { "false" }}>
            <caption>{ session.t("help.caption") }</caption>
            <thead><tr>
                <th scope="col">{ session.t("ticket.subject") }</th>
                <th scope="col">{ session.t("ticket.type") }</th>
                <th scope="col">{ session.t("ticket.category") }</th>
                if p.requester {
                    <th scope="col">{ session.t("ticket.requester") }</th>
                }
                <th scope="col">{ session.t("ticket.state") }</th>
                <th scope="col">{ session.t("ticket.created") }</th>
                <th scope="col">{ session.t("ticket.updated") }</th>
            </tr></thead>
            <tbody>
            { for p.items.iter().map(|t| html! {
                <tr data-ticket={t.id.clone()}>
                    <td><Link<Route> to={Route::Ticket { id: t.id.clone() }}>{ &t.subject }</Link<Route>></td>
                    <td>{ type_label(&session, t.kind) }</td>
                    <td><code>{ &t.category }</code></td>
                    if p.requester {
                        <td>{ &t.requester_name }</td>
                    }
                    <td class="state" data-state={t.state.as_str()}>{ state_badge(&session, t.state) }</td>
                    <td><When at={t.created_at} time=true /></td>
                    <td><When at={t.updated_at} time=true /></td>
                </tr>
            }) }
            </tbody>
        </table>
    }
}

fn state_options(session: &Session) -> Vec<(String, String)> {
    TicketState::ALL
        .iter()
        .map(|s| (s.as_str().to_owned(), state_label(session, *s)))
        .collect()
}

fn type_options(session: &Session) -> Vec<(String, String)> {
    [TicketType::Incident, TicketType::Request]
        .iter()
        .map(|t| (t.as_str().to_owned(), type_label(session, *t)))
        .collect()
}

/// A filter's change: back to the first page.
fn on_filter(h: &UseStateHandle<String>, pager: &crate::components::Pager) -> Callback<String> {
    let (h, pager) = (h.clone(), pager.clone());
    Callback::from(move |v: String| {
        pager.reset();
        h.set(v);
    })
}

fn some(s: String) -> Option<String> {
    Some(s).filter(|s| !s.is_empty())
}

// ───────────────────────────── my tickets ─────────────────────────────

#[derive(Clone, Debug, PartialEq)]
struct MineFilters {
    state: String,
    kind: String,
    cursor: Option<String>,
}

/// My tickets (and those I follow), filtered by state and type.
#[function_component]
pub fn Help() -> Html {
    let session = use_session();
    use_title(session.t("help.title"));
    let pager = use_pager();
    let state = use_state(String::new);
    let kind = use_state(String::new);
    let me = session
        .me
        .as_ref()
        .map(|m| m.user.id.clone())
        .unwrap_or_default();
    let filters = MineFilters {
        state: (*state).clone(),
        kind: (*kind).clone(),
        cursor: pager.current(),
    };
    let list = use_fetch((filters, me), |client, (f, me)| async move {
        let query = TicketQuery {
            state: some(f.state),
            kind: some(f.kind),
            requester: Some(me),
            cursor: f.cursor,
            ..TicketQuery::default()
        };
        client
            .get::<TicketPage>(&with_query("/tickets", &query))
            .await
    });
    let items = list.data().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("help.title") }</h1>
            <HelpTabs current={Section::Mine} />
            <p>{ session.t("help.intro") }</p>
            <p><Link<Route> to={Route::NewTicket} classes="button">{ session.t("help.new") }</Link<Route>></p>
            <div class="inline filters">
                <Choice id="tickets-state" label={session.t("ticket.state")} options={state_options(&session)}
                    value={(*state).clone()} onchange={on_filter(&state, &pager)} />
                <Choice id="tickets-type" label={session.t("ticket.type")} options={type_options(&session)}
                    value={(*kind).clone()} onchange={on_filter(&kind, &pager)} />
            </div>
            <ProblemMessage failure={list.error().cloned()} />
            if list.data().is_some_and(|l| l.items.is_empty()) {
                <p id="no-tickets">{ session.t("help.none") }</p>
            } else {
                <TicketTable {items} busy={list.pending()} />
            }
            <PagerButtons pager={pager.clone()} next={list.data().and_then(|l| l.next_cursor.clone())} />
        </section>
    }
}

// ───────────────────────────── the desk queue ─────────────────────────────

#[derive(Clone, Debug, PartialEq)]
struct QueueFilters {
    desk: String,
    state: String,
    kind: String,
    assignee: String,
    cursor: Option<String>,
}

/// The queue of the desks I serve: filters desk, state, type, assignee.
#[function_component]
pub fn DeskQueue() -> Html {
    let session = use_session();
    use_title(session.t("desk.title"));
    let pager = use_pager();
    let desk = use_state(String::new);
    let state = use_state(String::new);
    let kind = use_state(String::new);
    let assignee = use_state(String::new);
    let desks = use_fetch((), |client, ()| my_desks(client));
    let mine: Vec<DeskView> = desks
        .data()
        .map(|d| d.iter().filter(|d| d.agent).cloned().collect())
        .unwrap_or_default();
    // The desk on show: the one chosen, else the first I serve.
    let shown = if desk.is_empty() {
        mine.first().map(|d| d.id.clone()).unwrap_or_default()
    } else {
        (*desk).clone()
    };
    let filters = QueueFilters {
        desk: shown.clone(),
        state: (*state).clone(),
        kind: (*kind).clone(),
        assignee: (*assignee).clone(),
        cursor: pager.current(),
    };
    let list = use_fetch(filters, |client, f| async move {
        if f.desk.is_empty() {
            return Ok(None);
        }
        let query = TicketQuery {
            desk: Some(f.desk),
            state: some(f.state),
            kind: some(f.kind),
            assignee: some(f.assignee),
            cursor: f.cursor,
            ..TicketQuery::default()
        };
        client
            .get::<TicketPage>(&with_query("/tickets", &query))
            .await
            .map(Some)
    });
    let agents = use_fetch(shown.clone(), |client, desk| async move {
        if desk.is_empty() {
            return Ok(vec![]);
        }
        let page: DeskAgentPage = client
            .get(&with_query(
                &format!("/desks/{desk}/agents"),
                &PageQuery {
                    limit: Some(200),
                    cursor: None,
                },
            ))
            .await?;
        Ok(page.items)
    });
    let me = session.me.as_ref().map(|m| m.user.id.clone());
    let mut assignees = vec![("none".to_owned(), session.t("desk.unassigned"))];
    if let Some(me) = &me {
        assignees.push((me.clone(), session.t("desk.assigned_to_me")));
    }
    for a in agents.data().map(Vec::as_slice).unwrap_or_default() {
        if Some(&a.account_id) != me.as_ref() {
            assignees.push((a.account_id.clone(), a.name.clone()));
        }
    }
    let desk_options: Vec<(String, String)> = mine
        .iter()
        .map(|d| (d.id.clone(), desk_name(&session, d)))
        .collect();
    let on_desk = {
        let (desk, assignee, pager) = (desk.clone(), assignee.clone(), pager.clone());
        Callback::from(move |v: String| {
            pager.reset();
            // Another desk has other agents.
            assignee.set(String::new());
            desk.set(v);
        })
    };
    let page = list.data().cloned().flatten();
    let items = page.as_ref().map(|l| l.items.clone()).unwrap_or_default();
    html! {
        <section>
            <h1>{ session.t("desk.title") }</h1>
            <HelpTabs current={Section::Desk} />
            <p>{ session.t("desk.intro") }</p>
            <ProblemMessage failure={desks.error().cloned()} />
            if desks.data().is_some() && mine.is_empty() {
                <p id="no-desk">{ session.t("desk.not_agent") }</p>
            } else {
                <div class="inline filters">
                    <Choice id="queue-desk" label={session.t("desk.desk")} options={desk_options}
                        value={shown.clone()} onchange={on_desk} />
                    <Choice id="queue-state" label={session.t("ticket.state")} options={state_options(&session)}
                        value={(*state).clone()} onchange={on_filter(&state, &pager)} />
                    <Choice id="queue-type" label={session.t("ticket.type")} options={type_options(&session)}
                        value={(*kind).clone()} onchange={on_filter(&kind, &pager)} />
                    <Choice id="queue-assignee" label={session.t("ticket.assignee")} options={assignees}
                        value={(*assignee).clone()} onchange={on_filter(&assignee, &pager)} />
                </div>
                <ProblemMessage failure={list.error().cloned()} />
                if page.as_ref().is_some_and(|l| l.items.is_empty()) {
                    <p id="no-tickets">{ session.t("desk.none") }</p>
                } else {
                    <TicketTable {items} requester=true busy={list.pending()} />
                }
                <PagerButtons pager={pager.clone()} next={page.as_ref().and_then(|l| l.next_cursor.clone())} />
            }
        </section>
    }
}

/// "Group desk", or a local desk's organisation.
fn desk_name(session: &Session, d: &DeskView) -> String {
    match d.kind {
        DeskKind::Group => session.t("desk.group"),
        DeskKind::Local => fill(&session.t("desk.local"), &[("name", &d.name)]),
    }
}

// ───────────────────────────── a new ticket ─────────────────────────────

#[derive(Clone, Debug, Default, PartialEq)]
struct Draft {
    kind: String,
    category: String,
    subject: String,
    body: String,
    project: String,
}

/// The request a draft makes, or the field refused before sending (boxed:
/// a problem is large beside the request).
fn create_of(d: &Draft, lang: habilis_shared::dto::Language) -> Result<CreateTicket, Box<Failure>> {
    let kind = TicketType::parse(&d.kind).ok_or_else(|| {
        Box::new(Failure::invalid(
            "type",
            &crate::i18n::tr(lang, "ticket.type_required"),
        ))
    })?;
    Ok(CreateTicket {
        desk_id: None,
        kind,
        category: d.category.trim().to_owned(),
        subject: d.subject.trim().to_owned(),
        body: d.body.clone(),
        project_id: some(d.project.clone()),
    })
}

#[derive(Properties, PartialEq)]
pub struct TextBoxProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or(6)]
    pub rows: u32,
    #[prop_or_default]
    pub errors: Vec<String>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub required: bool,
}

/// A labelled `<textarea>` for prose, its hint and errors next to it.
#[function_component]
pub fn TextBox(p: &TextBoxProps) -> Html {
    let oninput = {
        let cb = p.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let el: HtmlTextAreaElement = e.target_unchecked_into();
            cb.emit(el.value());
        })
    };
    let (hint_id, err_id) = (format!("{}-hint", p.id), format!("{}-error", p.id));
    let invalid = !p.errors.is_empty();
    let mut described = vec![];
    if p.hint.is_some() {
        described.push(hint_id.clone());
    }
    if invalid {
        described.push(err_id.clone());
    }
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <textarea id={p.id.clone()} name={p.id.clone()} rows={p.rows.to_string()} value={p.value.clone()}
                {oninput} required={p.required} aria-invalid={invalid.then_some("true")}
                aria-describedby={(!described.is_empty()).then(|| described.join(" "))} />
            if let Some(h) = &p.hint { <p class="hint" id={hint_id}>{ h.clone() }</p> }
            if invalid {
                <p class="field-error" id={err_id} role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

/// The new-ticket form; the knowledge base suggests articles while the
/// subject and the text are written.
#[function_component]
pub fn NewTicket() -> Html {
    let session = use_session();
    use_title(session.t("ticket.new_title"));
    let navigator = use_navigator();
    let draft = use_state(|| Draft {
        kind: TicketType::Incident.as_str().to_owned(),
        ..Draft::default()
    });
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
    let create = use_action_then(
        |client, body: Result<CreateTicket, Box<Failure>>| async move {
            let body = body.map_err(|f| *f)?;
            client.post::<_, TicketThread>("/tickets", &body).await
        },
        move |t: &TicketThread| {
            if let Some(n) = &navigator {
                n.push(&Route::Ticket {
                    id: t.ticket.id.clone(),
                });
            }
        },
    );
    let lang = session.lang;
    let failure = create.error();
    let errors = |field: &str| field_errors(lang, failure, field);
    let set = |f: fn(&mut Draft, String)| {
        let draft = draft.clone();
        Callback::from(move |v: String| {
            let mut d = (*draft).clone();
            f(&mut d, v);
            draft.set(d);
        })
    };
    // The categories the policy holds for approval, offered as suggestions;
    // any code is accepted.
    let categories: Vec<String> = session
        .policy
        .as_ref()
        .map(|p| p.support.approval_categories.iter().cloned().collect())
        .unwrap_or_default();
    let needs_approval = draft.kind == TicketType::Request.as_str()
        && categories.iter().any(|c| *c == draft.category.trim());
    let onsubmit = create.on_submit(create_of(&draft, lang));
    let written = format!("{}\n{}", draft.subject, draft.body);
    html! {
        <section>
            <h1>{ session.t("ticket.new_title") }</h1>
            <HelpTabs current={Section::New} />
            <p>{ session.t("ticket.new_intro") }</p>
            <div class="with-aside">
                <form class="card" id="ticket-form" {onsubmit} novalidate=true>
                    <ProblemMessage failure={failure.cloned()} />
                    <Choice id="ticket-type" label={session.t("ticket.type")} options={type_options(&session)}
                        value={draft.kind.clone()} errors={errors("type")} onchange={set(|d, v| d.kind = v)} />
                    <p class="hint" id="ticket-type-hint">{ session.t("ticket.type_hint") }</p>
                    <CategoryField value={draft.category.clone()} options={categories}
                        errors={errors("category")} oninput={set(|d, v| d.category = v)} />
                    if needs_approval {
                        <p class="hint" id="ticket-approval-hint">{ session.t("ticket.needs_approval") }</p>
                    }
                    <Field id="ticket-subject" label={session.t("ticket.subject")} value={draft.subject.clone()} required=true
                        errors={errors("subject")} oninput={set(|d, v| d.subject = v)} />
                    <TextBox id="ticket-body" label={session.t("ticket.body")} value={draft.body.clone()} required=true
                        rows=8 errors={errors("body")} oninput={set(|d, v| d.body = v)} />
                    <Choice id="ticket-project" label={session.t("ticket.project")}
                        options={projects.data().cloned().unwrap_or_default()}
                        value={draft.project.clone()} errors={errors("project_id")} onchange={set(|d, v| d.project = v)} />
                    <div class="actions">
                        <button type="submit" id="ticket-submit" disabled={create.busy()}>{ session.t("ticket.submit") }</button>
                    </div>
                </form>
                <Suggestions text={written} />
            </div>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CategoryProps {
    value: String,
    options: Vec<String>,
    errors: Vec<String>,
    oninput: Callback<String>,
}

/// The category: a code (`a-z`, `0-9`, `-`), the policy's categories
/// offered through a `<datalist>`.
#[function_component]
fn CategoryField(p: &CategoryProps) -> Html {
    let session = use_session();
    let oninput = {
        let cb = p.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let invalid = !p.errors.is_empty();
    html! {
        <div class={classes!("field", invalid.then_some("invalid"))}>
            <label for="ticket-category">{ session.t("ticket.category") }</label>
            <input id="ticket-category" name="ticket-category" type="text" list="ticket-categories"
                value={p.value.clone()} {oninput} required=true autocomplete="off"
                aria-invalid={invalid.then_some("true")}
                aria-describedby={if invalid { "ticket-category-hint ticket-category-error" } else { "ticket-category-hint" }} />
            <datalist id="ticket-categories">
                { for p.options.iter().map(|c| html! { <option value={c.clone()} /> }) }
            </datalist>
            <p class="hint" id="ticket-category-hint">{ session.t("ticket.category_hint") }</p>
            if invalid {
                <p class="field-error" id="ticket-category-error" role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

// ───────────────────────────── a ticket ─────────────────────────────

#[derive(Properties, PartialEq)]
pub struct TicketProps {
    pub id: String,
}

/// How I stand to a ticket, as far as the page knows.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Standing {
    requester: bool,
    participant: bool,
    agent: bool,
}

impl Standing {
    fn resource(self) -> Resource {
        Resource::Ticket {
            requester: self.requester,
            participant: self.participant,
            agent: self.agent,
        }
    }
}

/// One ticket: its facts, its history (internal notes for agents only,
/// marked), the comment box, and what I may do to it.
#[function_component]
pub fn Ticket(p: &TicketProps) -> Html {
    let session = use_session();
    let thread = use_fetch(p.id.clone(), |client, id| async move {
        client.get::<TicketThread>(&format!("/tickets/{id}")).await
    });
    let desks = use_fetch((), |client, ()| my_desks(client));
    use_title(
        thread
            .data()
            .map(|t| t.ticket.subject.clone())
            .unwrap_or_else(|| session.t("help.title")),
    );
    let Some(th) = thread.data() else {
        return html! {
            <section>
                <HelpTabs current={Section::Mine} exact=false />
                <ProblemMessage failure={thread.error().cloned()} />
            </section>
        };
    };
    let t = &th.ticket;
    let all_desks = desks.data().map(Vec::as_slice).unwrap_or_default();
    let desk_of = |id: &str| all_desks.iter().find(|d| d.id == id);
    let me = session.me.as_ref().map(|m| m.user.id.as_str());
    let standing = Standing {
        requester: me == Some(t.requester_id.as_str()),
        participant: th
            .participants
            .iter()
            .any(|p| Some(p.account_id.as_str()) == me),
        agent: std::iter::once(t.desk_id.as_str())
            .chain(t.escalated_from.as_deref())
            .any(|id| desk_of(id).is_some_and(|d| d.agent)),
    };
    let res = standing.resource();
    let may_work = session.allows_on(Action::TicketWork, res);
    let may_settle = session.allows_on(Action::TicketSettle, res);
    let may_comment = session.allows_on(Action::TicketComment, res);
    let may_name = session.allows_on(Action::TicketParticipants, res);
    // The organisation whose people may follow the ticket: its local desk's.
    let org = t
        .escalated_from
        .as_deref()
        .or(Some(t.desk_id.as_str()))
        .and_then(desk_of)
        .and_then(|d| d.org_id.clone());
    let desk_label = |id: &str| {
        desk_of(id)
            .map(|d| desk_name(&session, d))
            .unwrap_or_else(|| session.t("desk.desk"))
    };
    let current_desk = desk_of(&t.desk_id).cloned();
    let escalable = may_work
        && t.state.in_progress()
        && t.escalated_from.is_none()
        && current_desk
            .as_ref()
            .is_none_or(|d| d.kind == DeskKind::Local);
    html! {
        <section>
            <h1>{ &t.subject }</h1>
            <HelpTabs current={if standing.agent && !standing.requester { Section::Desk } else { Section::Mine }} exact=false />
            <dl class="facts">
                <dt>{ session.t("ticket.state") }</dt>
                <dd id="ticket-state" data-state={t.state.as_str()} aria-live="polite">{ state_badge(&session, t.state) }</dd>
                <dt>{ session.t("ticket.type") }</dt><dd id="ticket-type-shown">{ type_label(&session, t.kind) }</dd>
                <dt>{ session.t("ticket.category") }</dt><dd><code>{ &t.category }</code></dd>
                <dt>{ session.t("desk.desk") }</dt><dd id="ticket-desk">{ desk_label(&t.desk_id) }</dd>
                if let Some(from) = &t.escalated_from {
                    <dt>{ session.t("ticket.escalated_from") }</dt><dd>{ desk_label(from) }</dd>
                }
                <dt>{ session.t("ticket.requester") }</dt><dd id="ticket-requester">{ &t.requester_name }</dd>
                <dt>{ session.t("ticket.assignee") }</dt>
                <dd id="ticket-assignee">{ assignee_name(&session, th) }</dd>
                if let Some(project) = &t.project_id {
                    <dt>{ session.t("ticket.project") }</dt>
                    <dd><Link<Route> to={Route::Project { id: project.clone() }}>{ session.t("ticket.project_link") }</Link<Route>></dd>
                }
                <dt>{ session.t("ticket.created") }</dt><dd><When at={t.created_at} time=true /></dd>
            </dl>
            if let Some(r) = &t.resolution {
                <div class="card resolution" id="ticket-resolution">
                    <h2>{ session.t("ticket.resolution") }</h2>
                    <p class="prose">{ r }</p>
                </div>
            }
            <h2>{ session.t("ticket.history") }</h2>
            <ol class="thread" id="ticket-history">
                { for th.history.iter().map(|e| html! { <HistoryEntry event={e.clone()} desk={e.desk_id.as_deref().map(&desk_label)} /> }) }
            </ol>
            <Files id={t.id.clone()} files={th.attachments.clone()}
                may_attach={may_comment && t.state != TicketState::Closed} agent={may_work}
                on_done={thread.reloader()} />
            <Participants id={t.id.clone()} people={th.participants.clone()} may_name={may_name && t.state != TicketState::Closed}
                requester={t.requester_id.clone()} org={org} on_done={thread.reloader()} />
            if may_settle && t.state == TicketState::Resolved {
                <Settle id={t.id.clone()} on_done={thread.reloader()} />
            }
            if t.state != TicketState::Closed {
                <CommentBox id={t.id.clone()} agent={may_work} on_done={thread.reloader()} />
            }
            if may_work {
                <AgentPanel ticket={t.clone()} escalable={escalable} on_done={thread.reloader()} />
            }
            <p><Link<Route> to={if standing.agent { Route::DeskQueue } else { Route::Help }}>{ session.t("ticket.back") }</Link<Route>></p>
        </section>
    }
}

/// The assignee's name, from the history's last assignment (its author
/// named them), else their account.
fn assignee_name(session: &Session, th: &TicketThread) -> Html {
    let Some(id) = &th.ticket.assignee_id else {
        return html! { session.t("desk.unassigned") };
    };
    if session.me.as_ref().is_some_and(|m| m.user.id == *id) {
        return html! { session.t("works.me") };
    }
    html! { <crate::components::PersonLink id={id.clone()} /> }
}

#[derive(Properties, PartialEq)]
struct EntryProps {
    event: TicketEventView,
    /// The name of the desk the event names (an escalation's).
    desk: Option<String>,
}

/// One entry of a ticket's history.
#[function_component]
fn HistoryEntry(p: &EntryProps) -> Html {
    let session = use_session();
    let e = &p.event;
    let state = |s: Option<TicketState>| s.map(|s| state_label(&session, s)).unwrap_or_default();
    let what = match e.kind {
        TicketEventKind::Created => session.t("event.created"),
        TicketEventKind::Comment if e.internal => session.t("event.note"),
        TicketEventKind::Comment => session.t("event.comment"),
        TicketEventKind::State => fill(
            &session.t("event.state"),
            &[("from", &state(e.from_state)), ("to", &state(e.to_state))],
        ),
        TicketEventKind::Assign => fill(
            &session.t("event.assign"),
            &[("name", e.assignee_name.as_deref().unwrap_or_default())],
        ),
        TicketEventKind::Attachment => fill(
            &session.t("event.attachment"),
            &[("name", e.body.as_deref().unwrap_or_default())],
        ),
        TicketEventKind::ParticipantAdded => fill(
            &session.t("event.participant_added"),
            &[("name", e.participant_name.as_deref().unwrap_or_default())],
        ),
        TicketEventKind::ParticipantRemoved => fill(
            &session.t("event.participant_removed"),
            &[("name", e.participant_name.as_deref().unwrap_or_default())],
        ),
        TicketEventKind::Escalate => fill(
            &session.t("event.escalate"),
            &[("desk", p.desk.as_deref().unwrap_or_default())],
        ),
        TicketEventKind::Approval => {
            fill(&session.t("event.approval"), &[("to", &state(e.to_state))])
        }
    };
    let classes = classes!(
        "event",
        format!("event-{}", e.kind.as_str()),
        e.internal.then_some("internal")
    );
    html! {
        <li class={classes} data-kind={e.kind.as_str()} data-internal={e.internal.to_string()}>
            <p class="event-head">
                <strong>{ &e.author_name }</strong>{ " · " }{ what }{ " · " }<When at={e.at} time=true />
                if e.internal {
                    { " " }<span class="badge internal-badge">{ session.t("ticket.internal_badge") }</span>
                }
            </p>
            if let (Some(b), false) = (&e.body, e.kind == TicketEventKind::Attachment) {
                <p class="prose event-body">{ b }</p>
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct FilesProps {
    id: String,
    files: Vec<TicketAttachmentView>,
    may_attach: bool,
    /// Offer the agents-only checkbox.
    agent: bool,
    on_done: Callback<()>,
}

/// What the files of a ticket ask of the server.
#[derive(Clone)]
enum FileAct {
    /// Send the file chosen in the form.
    Attach { ticket: String, internal: bool },
    /// Save one: its id and name.
    Download {
        ticket: String,
        id: String,
        name: String,
    },
}

async fn file_act(client: Client, act: FileAct) -> Result<bool, Failure> {
    use wasm_bindgen::JsCast;
    match act {
        FileAct::Attach { ticket, internal } => {
            let file = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("ticket-file"))
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
                .and_then(|i| i.files())
                .and_then(|f| f.get(0))
                .ok_or_else(|| Failure::invalid("name", "no file chosen"))?;
            let query = [("name", file.name()), ("internal", internal.to_string())];
            let url = with_query(&format!("/api/v1/tickets/{ticket}/attachments"), &query);
            let kind = file.type_();
            let kind = if kind.is_empty() {
                "application/octet-stream".to_owned()
            } else {
                kind
            };
            let res = client
                .raw(
                    gloo_net::http::Method::POST,
                    &url,
                    &[("Content-Type", kind.as_str())],
                    Some(&file.into()),
                    None,
                )
                .await?;
            if !res.ok() {
                return Err(failure_of(res).await);
            }
            // Attached: the field is empty again for the next one.
            if let Some(input) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("ticket-file"))
                .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            {
                input.set_value("");
            }
            Ok(true)
        }
        FileAct::Download { ticket, id, name } => {
            download(
                &client,
                &format!("/api/v1/tickets/{ticket}/attachments/{id}"),
                &name,
            )
            .await?;
            Ok(false)
        }
    }
}

/// The files of a ticket (each saved on a click), and the form that
/// attaches one (agents: or an agents-only one).
#[function_component]
fn Files(p: &FilesProps) -> Html {
    let session = use_session();
    let internal = use_state(|| false);
    let has_file = use_state(|| false);
    let act = {
        let (done, has_file) = (p.on_done.clone(), has_file.clone());
        use_action_then(file_act, move |reload: &bool| {
            if *reload {
                has_file.set(false);
                done.emit(());
            }
        })
    };
    let on_file = {
        let has_file = has_file.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            has_file.set(el.files().is_some_and(|f| f.length() > 0));
        })
    };
    let on_internal = {
        let internal = internal.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            internal.set(el.checked());
        })
    };
    let max = session
        .policy
        .as_ref()
        .map(|pol| pol.support.attachment_max_bytes)
        .unwrap_or_default();
    let hint = fill(
        &session.t("ticket.file_hint"),
        &[("size", &crate::format::bytes(max, session.lang))],
    );
    html! {
        <div class="card" id="ticket-files">
            <h2>{ session.t("ticket.files") }</h2>
            if p.files.is_empty() {
                <p class="muted">{ session.t("ticket.no_files") }</p>
            } else {
                <ul class="files">
                    { for p.files.iter().map(|f| html! {
                        <li data-name={f.name.clone()} data-internal={f.internal.to_string()}>
                            <button type="button" class="link" disabled={act.busy()}
                                onclick={act.on_click(FileAct::Download { ticket: p.id.clone(), id: f.id.clone(), name: f.name.clone() })}>
                                { &f.name }
                            </button>
                            { " · " }{ crate::format::bytes(u64::try_from(f.size).unwrap_or_default(), session.lang) }
                            { " · " }{ &f.uploaded_by_name }
                            if f.internal {
                                { " " }<span class="badge internal-badge">{ session.t("ticket.internal_badge") }</span>
                            }
                        </li>
                    }) }
                </ul>
            }
            <ProblemMessage failure={act.error().cloned()} />
            if p.may_attach {
                <div class="field">
                    <label for="ticket-file">{ session.t("ticket.file") }</label>
                    <input type="file" id="ticket-file" aria-describedby="ticket-file-hint" onchange={on_file} />
                    <p class="hint" id="ticket-file-hint">{ hint }</p>
                </div>
                if p.agent {
                    <div class="field check">
                        <label for="ticket-file-internal">
                            <input type="checkbox" id="ticket-file-internal" checked={*internal} onchange={on_internal} />
                            { " " }{ session.t("ticket.file_internal") }
                        </label>
                    </div>
                }
                <div class="actions">
                    <button type="button" id="ticket-attach" disabled={act.busy() || !*has_file}
                        onclick={act.on_click(FileAct::Attach { ticket: p.id.clone(), internal: p.agent && *internal })}>
                        { session.t("ticket.attach") }
                    </button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ParticipantsProps {
    id: String,
    people: Vec<TicketParticipantView>,
    may_name: bool,
    requester: String,
    /// The organisation whose members are offered.
    org: Option<String>,
    on_done: Callback<()>,
}

/// What the participants' card asks of the server.
#[derive(Clone)]
enum PeopleAct {
    Add(String, AddTicketParticipant),
    Remove(String, String),
}

/// Who follows a ticket besides its requester; the requester and the
/// agents name and remove them, and anyone may stop following.
#[function_component]
fn Participants(p: &ParticipantsProps) -> Html {
    let session = use_session();
    let picked = use_state(|| None::<Picked>);
    let act = {
        let (done, picked) = (p.on_done.clone(), picked.clone());
        use_action_then(
            |client, act: PeopleAct| async move {
                match act {
                    PeopleAct::Add(ticket, req) => client
                        .post::<_, serde::de::IgnoredAny>(
                            &format!("/tickets/{ticket}/participants"),
                            &req,
                        )
                        .await
                        .map(|_| ()),
                    PeopleAct::Remove(ticket, who) => client
                        .delete::<serde::de::IgnoredAny>(&format!(
                            "/tickets/{ticket}/participants/{who}"
                        ))
                        .await
                        .map(|_| ()),
                }
            },
            move |_| {
                picked.set(None);
                done.emit(());
            },
        )
    };
    let me = session
        .me
        .as_ref()
        .map(|m| m.user.id.clone())
        .unwrap_or_default();
    let on_pick = {
        let picked = picked.clone();
        Callback::from(move |o: Option<Picked>| picked.set(o))
    };
    let chosen = (*picked).as_ref().and_then(|o| o.id.clone());
    let mut exclude: Vec<String> = p.people.iter().map(|x| x.account_id.clone()).collect();
    exclude.push(p.requester.clone());
    html! {
        <div class="card" id="ticket-participants">
            <h2>{ session.t("ticket.participants") }</h2>
            <p class="hint">{ session.t("ticket.participants_hint") }</p>
            if p.people.is_empty() {
                <p class="muted">{ session.t("ticket.no_participants") }</p>
            } else {
                <ul>
                    { for p.people.iter().map(|x| html! {
                        <li data-account={x.account_id.clone()}>
                            { &x.name }
                            if p.may_name || x.account_id == me {
                                { " " }
                                <button type="button" class="secondary small" disabled={act.busy()}
                                    onclick={act.on_click(PeopleAct::Remove(p.id.clone(), x.account_id.clone()))}>
                                    { if x.account_id == me { session.t("ticket.leave") } else { session.t("ticket.remove_participant") } }
                                </button>
                            }
                        </li>
                    }) }
                </ul>
            }
            <ProblemMessage failure={act.error().cloned()} />
            if p.may_name {
                // A new, empty picker once the list changed.
                <PersonPicker key={p.people.len()} id="participant-pick" label={session.t("ticket.add_participant")}
                    from={p.org.clone().map(PickFrom::Members).unwrap_or_default()}
                    exclude={exclude} onchange={on_pick}
                    errors={field_errors(session.lang, act.error(), "account_id")} />
                <div class="actions">
                    <button type="button" id="participant-add" disabled={act.busy() || chosen.is_none()}
                        onclick={act.on_click(PeopleAct::Add(p.id.clone(), AddTicketParticipant { account_id: chosen.clone().unwrap_or_default() }))}>
                        { session.t("ticket.add") }
                    </button>
                </div>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ActProps {
    id: String,
    on_done: Callback<()>,
}

/// Reopen or close a resolved ticket (its requester, its agents).
#[function_component]
fn Settle(p: &ActProps) -> Html {
    let session = use_session();
    let act = {
        let done = p.on_done.clone();
        use_action_then(
            |client, path: String| async move { client.post_empty::<TicketThread>(&path).await },
            move |_| done.emit(()),
        )
    };
    html! {
        <div class="card" id="ticket-settle">
            <p>{ session.t("ticket.settle_hint") }</p>
            <ProblemMessage failure={act.error().cloned()} />
            <div class="actions">
                <button type="button" id="ticket-close" disabled={act.busy()}
                    onclick={act.on_click(format!("/tickets/{}/close", p.id))}>{ session.t("ticket.close") }</button>
                <button type="button" class="secondary" id="ticket-reopen" disabled={act.busy()}
                    onclick={act.on_click(format!("/tickets/{}/reopen", p.id))}>{ session.t("ticket.reopen") }</button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CommentProps {
    id: String,
    /// Offer the internal-note checkbox.
    agent: bool,
    on_done: Callback<()>,
}

/// The comment box (agents: or an internal note).
#[function_component]
fn CommentBox(p: &CommentProps) -> Html {
    let session = use_session();
    let body = use_state(String::new);
    let internal = use_state(|| false);
    let send = {
        let (done, body, internal) = (p.on_done.clone(), body.clone(), internal.clone());
        use_action_then(
            |client, (id, req): (String, CommentTicket)| async move {
                client
                    .post::<_, TicketThread>(&format!("/tickets/{id}/comments"), &req)
                    .await
            },
            move |_| {
                body.set(String::new());
                internal.set(false);
                done.emit(());
            },
        )
    };
    let lang = session.lang;
    let onsubmit = send.on_submit((
        p.id.clone(),
        CommentTicket {
            body: (*body).clone(),
            internal: p.agent && *internal,
        },
    ));
    let on_body = {
        let body = body.clone();
        Callback::from(move |v: String| body.set(v))
    };
    let on_internal = {
        let internal = internal.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            internal.set(el.checked());
        })
    };
    html! {
        <form class="card" id="comment-form" {onsubmit} novalidate=true>
            <ProblemMessage failure={send.error().cloned()} />
            <TextBox id="comment-body" label={session.t("ticket.comment")} value={(*body).clone()} rows=4
                errors={field_errors(lang, send.error(), "body")} oninput={on_body} />
            if p.agent {
                <div class="field check">
                    <label for="comment-internal">
                        <input type="checkbox" id="comment-internal" checked={*internal} onchange={on_internal} />
                        { " " }{ session.t("ticket.internal") }
                    </label>
                </div>
            }
            <div class="actions">
                <button type="submit" id="comment-send" disabled={send.busy()}>
                    { if p.agent && *internal { session.t("ticket.send_note") } else { session.t("ticket.send") } }
                </button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct AgentProps {
    ticket: TicketView,
    escalable: bool,
    on_done: Callback<()>,
}

/// What an agent does: assign, escalate, resolve, draft an article.
#[function_component]
fn AgentPanel(p: &AgentProps) -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let t = &p.ticket;
    let agents = use_fetch(t.desk_id.clone(), |client, desk| async move {
        let page: DeskAgentPage = client
            .get(&with_query(
                &format!("/desks/{desk}/agents"),
                &PageQuery {
                    limit: Some(200),
                    cursor: None,
                },
            ))
            .await?;
        Ok(page.items)
    });
    // The agents of the desk the ticket is at now: after an escalation the
    // last answer (the local desk's) stays on show if the group desk's
    // agents may not be read, so each item is checked against the desk.
    let desk_agents: Vec<_> = agents
        .data()
        .map(|a| a.iter().filter(|a| a.desk_id == t.desk_id).collect())
        .unwrap_or_default();
    let reload = p.on_done.clone();
    let act = {
        let reload = reload.clone();
        use_action_then(
            |client, a: Act| async move {
                let path = format!("/tickets/{}/{}", a.id, a.verb());
                match a.what {
                    What::Assign(b) => client.post::<_, TicketThread>(&path, &b).await,
                    What::Escalate(b) => client.post(&path, &b).await,
                    What::Resolve(b) => client.post(&path, &b).await,
                }
            },
            move |_| reload.emit(()),
        )
    };
    let article = use_action_then(
        |client, id: String| async move {
            client
                .post_empty::<habilis_shared::dto::KbArticleView>(&format!("/tickets/{id}/article"))
                .await
        },
        move |a: &habilis_shared::dto::KbArticleView| {
            if let Some(n) = &navigator {
                n.push(&Route::EditKbArticle { id: a.id.clone() });
            }
        },
    );
    let chosen = use_state(String::new);
    let reason = use_state(String::new);
    let resolution = use_state(String::new);
    let lang = session.lang;
    let me = session
        .me
        .as_ref()
        .map(|m| m.user.id.clone())
        .unwrap_or_default();
    let working = t.state.in_progress();
    let options: Vec<(String, String)> = desk_agents
        .iter()
        .map(|a| (a.account_id.clone(), a.name.clone()))
        .collect();
    let i_serve_it = desk_agents.iter().any(|a| a.account_id == me);
    let run = |what: What| {
        act.on_submit(Act {
            id: t.id.clone(),
            what,
        })
    };
    let on_me = act.on_click(Act {
        id: t.id.clone(),
        what: What::Assign(AssignTicket {
            agent_id: me.clone(),
        }),
    });
    let text = |h: &UseStateHandle<String>| {
        let h = h.clone();
        Callback::from(move |v: String| h.set(v))
    };
    let errors = |field: &str| field_errors(lang, act.error(), field);
    html! {
        <div class="agent-panel" id="agent-panel">
            <h2>{ session.t("ticket.agent_tools") }</h2>
            <ProblemMessage failure={act.error().cloned()} />
            if working {
                <form class="card" id="assign-form" onsubmit={run(What::Assign(AssignTicket { agent_id: (*chosen).clone() }))} novalidate=true>
                    <h3>{ session.t("ticket.assign") }</h3>
                    if i_serve_it && t.assignee_id.as_deref() != Some(me.as_str()) {
                        <p><button type="button" class="secondary" id="assign-me" onclick={on_me} disabled={act.busy()}>
                            { session.t("ticket.assign_me") }
                        </button></p>
                    }
                    <Choice id="assign-agent" label={session.t("ticket.assign_to")} options={options}
                        value={(*chosen).clone()} errors={errors("agent_id")} onchange={text(&chosen)} />
                    <div class="actions">
                        <button type="submit" id="assign-send" disabled={act.busy() || chosen.is_empty()}>{ session.t("ticket.assign") }</button>
                    </div>
                </form>
                if p.escalable {
                    <form class="card" id="escalate-form" onsubmit={run(What::Escalate(EscalateTicket { reason: (*reason).clone() }))} novalidate=true>
                        <h3>{ session.t("ticket.escalate") }</h3>
                        <TextBox id="escalate-reason" label={session.t("ticket.escalate_reason")} value={(*reason).clone()} rows=3
                            hint={AttrValue::from(session.t("ticket.escalate_hint"))} errors={errors("reason")} oninput={text(&reason)} />
                        <div class="actions">
                            <button type="submit" id="escalate-send" disabled={act.busy()}>{ session.t("ticket.escalate") }</button>
                        </div>
                    </form>
                }
                <form class="card" id="resolve-form" onsubmit={run(What::Resolve(ResolveTicket { resolution: (*resolution).clone() }))} novalidate=true>
                    <h3>{ session.t("ticket.resolve") }</h3>
                    <TextBox id="resolve-resolution" label={session.t("ticket.resolution")} value={(*resolution).clone()} rows=4
                        hint={AttrValue::from(session.t("ticket.resolution_hint"))} errors={errors("resolution")} oninput={text(&resolution)} />
                    <div class="actions">
                        <button type="submit" id="resolve-send" disabled={act.busy()}>{ session.t("ticket.resolve") }</button>
                    </div>
                </form>
            }
            if t.resolution.is_some() {
                <div class="card" id="article-from-ticket">
                    <p>{ session.t("ticket.article_hint") }</p>
                    <ProblemMessage failure={article.error().cloned()} />
                    <button type="button" class="secondary" id="article-draft" disabled={article.busy()}
                        onclick={article.on_click(t.id.clone())}>{ session.t("ticket.article") }</button>
                </div>
            }
        </div>
    }
}

/// An agent's change to a ticket.
#[derive(Clone)]
struct Act {
    id: String,
    what: What,
}

#[derive(Clone)]
enum What {
    Assign(AssignTicket),
    Escalate(EscalateTicket),
    Resolve(ResolveTicket),
}

impl Act {
    fn verb(&self) -> &'static str {
        match self.what {
            What::Assign(_) => "assign",
            What::Escalate(_) => "escalate",
            What::Resolve(_) => "resolve",
        }
    }
}

// ───────────────────── knowledge-base suggestions ─────────────────────

#[derive(Properties, PartialEq)]
pub struct SuggestionsProps {
    /// What has been written so far.
    pub text: String,
}

/// Published articles that may answer what is being written, asked for
/// once typing pauses ([`use_debounced`]); each a link to the article.
#[function_component]
pub fn Suggestions(p: &SuggestionsProps) -> Html {
    let session = use_session();
    let text = use_debounced(p.text.trim().to_owned());
    let found = use_fetch(text, |client, q| async move {
        if q.chars().count() < 3 {
            return Ok(KbSuggestions { items: vec![] });
        }
        let query = KbSuggestQuery {
            q: Some(q.chars().take(habilis_shared::dto::KB_QUERY_MAX).collect()),
            service: None,
            limit: Some(5),
        };
        client
            .get::<KbSuggestions>(&with_query("/kb/suggest", &query))
            .await
    });
    let items = found.data().map(|s| s.items.clone()).unwrap_or_default();
    html! {
        <aside class="card suggestions" id="kb-suggestions" aria-live="polite" aria-labelledby="kb-suggestions-title">
            <h2 id="kb-suggestions-title">{ session.t("kb.suggestions") }</h2>
            if items.is_empty() {
                <p class="hint">{ session.t("kb.suggestions_none") }</p>
            } else {
                <p class="hint">{ session.t("kb.suggestions_hint") }</p>
                <ul>
                    { for items.iter().map(|a| html! {
                        <li data-article={a.id.clone()}>
                            // A new tab keeps the ticket being written.
                            <a href={format!("/kb/{}", a.id)} target="_blank" rel="noopener">{ &a.title }</a>
                        </li>
                    }) }
                </ul>
            }
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_without_a_type_is_refused_before_sending() {
        let d = Draft::default();
        let f = create_of(&d, habilis_shared::dto::Language::En).expect_err("no type");
        assert_eq!(f.status(), Some(422));
        assert!(f.field_errors().contains_key("type"));
    }

    #[test]
    fn a_draft_makes_its_request() {
        let d = Draft {
            kind: "request".into(),
            category: " admin-rights ".into(),
            subject: " Install R ".into(),
            body: "Please".into(),
            project: String::new(),
        };
        let r = create_of(&d, habilis_shared::dto::Language::En).expect("a request");
        assert_eq!(r.kind, TicketType::Request);
        assert_eq!(r.category, "admin-rights");
        assert_eq!(r.subject, "Install R");
        assert_eq!(r.project_id, None);
        assert_eq!(r.desk_id, None);
    }
}
