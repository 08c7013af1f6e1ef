//! Choosing a person by typing: the one people picker of the app (heir,
//! secondment host, sponsor, data steward, participant, audit actor), and
//! the names of people shown by id.
//!
//! The picker asks the server for at most ten matches of what is typed
//! (`GET /users?q=…&limit=10`, or the members of an organisation), after a
//! pause in typing; it is a WAI-ARIA combobox: arrow keys move in the list,
//! Enter chooses, Escape closes. Nothing is loaded up front, so it works the
//! same with ten accounts or ten thousand.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use crate::hooks::use_state;
use gloo_timers::callback::Timeout;
use habilis_shared::dto::{MemberView, MembershipState, UserPage, UserQuery, UserView};
use serde::Deserialize;
use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::{with_query, Client, Failure};
use crate::hooks::use_fetch;
use crate::route::Route;
use crate::state::use_session;

/// How many matches the list shows.
const MATCHES: usize = 10;
/// The pause in typing (ms) before asking the server.
const DEBOUNCE_MS: u32 = 250;

/// A person chosen in a picker.
#[derive(Clone, Debug, PartialEq)]
pub struct Picked {
    /// The account's id; `None` for an address typed in full that is not
    /// among the accounts I may list (a host in another team, a guest).
    pub id: Option<String>,
    pub name: String,
    pub email: String,
}

impl Picked {
    fn of_user(u: &UserView) -> Picked {
        Picked {
            id: Some(u.id.clone()),
            name: format!("{} {}", u.first_name, u.last_name),
            email: u.email.clone(),
        }
    }

    fn of_member(m: &MemberView) -> Picked {
        Picked {
            id: Some(m.user_id.clone()),
            name: format!("{} {}", m.first_name, m.last_name),
            email: m.email.clone(),
        }
    }

    /// What the input shows once chosen.
    fn label(&self) -> String {
        if self.id.is_some() {
            format!("{} <{}>", self.name, self.email)
        } else {
            self.email.clone()
        }
    }
}

/// Where the picker looks.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum PickFrom {
    /// The accounts I may list (`GET /users?q=`).
    #[default]
    Users,
    /// The active members of an organisation (sponsors, data stewards).
    Members(String),
}

/// A plausible complete e-mail address (the server checks it for real).
fn looks_like_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// A member page as `GET /organizations/{id}/members` sends it, with or
/// without a cursor.
#[derive(Deserialize)]
struct MemberPage {
    items: Vec<MemberView>,
    #[serde(default)]
    next_cursor: Option<String>,
}

/// The matches of `q` in `from`, at most [`MATCHES`].
async fn matches(client: Client, from: PickFrom, q: String) -> Result<Vec<Picked>, Failure> {
    let q = q.trim().to_owned();
    if q.is_empty() {
        return Ok(vec![]);
    }
    match from {
        PickFrom::Users => {
            let query = UserQuery {
                q: Some(q),
                limit: Some(MATCHES as u32),
                ..UserQuery::default()
            };
            let page = client
                .get::<UserPage>(&with_query("/users", &query))
                .await?;
            for u in &page.items {
                remember(&u.id, Some(format!("{} {}", u.first_name, u.last_name)));
            }
            // The server pages by id; people read a list by name.
            let mut found: Vec<Picked> = page.items.iter().map(Picked::of_user).collect();
            found.sort_by_cached_key(|p| lower(&p.name));
            Ok(found)
        }
        PickFrom::Members(org) => {
            if org.is_empty() {
                return Ok(vec![]);
            }
            let needle = lower(&q);
            let mut found = vec![];
            let mut cursor: Option<String> = None;
            // Walks the member pages (one when the list is not paged).
            loop {
                let path = match &cursor {
                    Some(c) => with_query(
                        &format!("/organizations/{org}/members"),
                        &[("limit", "200"), ("cursor", c.as_str())],
                    ),
                    None => format!("/organizations/{org}/members?limit=200"),
                };
                let page = client.get::<MemberPage>(&path).await?;
                found.extend(
                    page.items
                        .iter()
                        .filter(|m| m.state == MembershipState::Active)
                        .filter(|m| {
                            [&m.first_name, &m.last_name, &m.email]
                                .iter()
                                .any(|f| lower(f).contains(&needle))
                                || lower(&format!("{} {}", m.first_name, m.last_name))
                                    .contains(&needle)
                        })
                        .map(Picked::of_member),
                );
                match page.next_cursor {
                    Some(c) if found.len() < MATCHES => cursor = Some(c),
                    _ => break,
                }
            }
            found.sort_by_cached_key(|p| lower(&p.name));
            found.truncate(MATCHES);
            Ok(found)
        }
    }
}

/// `str::to_lowercase`, through the browser's `toLowerCase` (the same
/// Unicode mapping) in the SPA: Rust's case tables and their code added
/// 8 KB gzipped to the WebAssembly for this one use.
fn lower(s: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        String::from(js_sys::JsString::from(s).to_lower_case())
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        s.to_lowercase()
    }
}

#[derive(Properties, PartialEq)]
pub struct PersonPickerProps {
    pub id: AttrValue,
    pub label: String,
    /// Fired with the chosen person, or `None` when the choice is undone.
    pub onchange: Callback<Option<Picked>>,
    #[prop_or_default]
    pub from: PickFrom,
    /// Ids never offered (the person themselves).
    #[prop_or_default]
    pub exclude: Vec<String>,
    /// A complete e-mail address typed counts as a choice (`id: None`).
    #[prop_or_default]
    pub by_email: bool,
    #[prop_or_default]
    pub hint: Option<String>,
    #[prop_or_default]
    pub errors: Vec<String>,
}

/// A labelled type-ahead over people: name and e-mail of each match.
#[function_component]
pub fn PersonPicker(p: &PersonPickerProps) -> Html {
    let session = use_session();
    let text = use_state(String::new);
    let query = use_state(String::new);
    let open = use_state(|| false);
    let active = use_state(|| None::<usize>);
    let chosen = use_state(|| None::<Picked>);
    // Ask the server only after a pause in typing.
    {
        let query = query.clone();
        use_effect_with((*text).clone(), move |t| {
            let t = t.clone();
            let timer = Timeout::new(DEBOUNCE_MS, move || query.set(t));
            move || drop(timer)
        });
    }
    let found = use_fetch((p.from.clone(), (*query).clone()), |client, (from, q)| {
        matches(client, from, q)
    });
    let options: Vec<Picked> = found
        .data()
        .map(|v| {
            v.iter()
                .filter(|o| o.id.as_ref().is_none_or(|id| !p.exclude.contains(id)))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let pending = *query != *text || found.data().is_none();
    let show = *open && !text.trim().is_empty() && chosen.is_none();
    let list_id = format!("{}-list", p.id);
    let option_id = |i: usize| format!("{}-option-{i}", p.id);

    let choose = {
        let (text, chosen, open, active, cb) = (
            text.clone(),
            chosen.clone(),
            open.clone(),
            active.clone(),
            p.onchange.clone(),
        );
        Callback::from(move |o: Picked| {
            text.set(o.label());
            chosen.set(Some(o.clone()));
            open.set(false);
            active.set(None);
            cb.emit(Some(o));
        })
    };
    let oninput = {
        let (text, chosen, open, active, cb, by_email) = (
            text.clone(),
            chosen.clone(),
            open.clone(),
            active.clone(),
            p.onchange.clone(),
            p.by_email,
        );
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let v = input.value();
            open.set(true);
            active.set(None);
            chosen.set(None);
            if by_email && looks_like_email(&v) {
                let email = v.trim().to_owned();
                cb.emit(Some(Picked {
                    id: None,
                    name: email.clone(),
                    email,
                }));
            } else {
                cb.emit(None);
            }
            text.set(v);
        })
    };
    let onkeydown = {
        let (options, open, active, choose) = (
            options.clone(),
            open.clone(),
            active.clone(),
            choose.clone(),
        );
        Callback::from(move |e: KeyboardEvent| {
            let n = options.len();
            match e.key().as_str() {
                "ArrowDown" if n > 0 => {
                    e.prevent_default();
                    open.set(true);
                    active.set(Some(active.map_or(0, |i| (i + 1) % n)));
                }
                "ArrowUp" if n > 0 => {
                    e.prevent_default();
                    open.set(true);
                    active.set(Some(active.map_or(n - 1, |i| (i + n - 1) % n)));
                }
                "Enter" if *open => {
                    if let Some(o) = active.and_then(|i| options.get(i)) {
                        // Enter chooses; it does not submit the form.
                        e.prevent_default();
                        choose.emit(o.clone());
                    }
                }
                "Escape" => {
                    open.set(false);
                    active.set(None);
                }
                _ => {}
            }
        })
    };
    let onblur = {
        let (open, active) = (open.clone(), active.clone());
        Callback::from(move |_: FocusEvent| {
            open.set(false);
            active.set(None);
        })
    };
    let onfocus = {
        let open = open.clone();
        Callback::from(move |_: FocusEvent| open.set(true))
    };
    let err_id = format!("{}-error", p.id);
    let hint_id = format!("{}-hint", p.id);
    let status_id = format!("{}-status", p.id);
    let mut described = vec![status_id.clone()];
    if p.hint.is_some() {
        described.push(hint_id.clone());
    }
    if !p.errors.is_empty() {
        described.push(err_id.clone());
    }
    let status = if !show {
        String::new()
    } else if pending {
        session.t("picker.searching")
    } else if options.is_empty() {
        if p.by_email && looks_like_email(&text) {
            session.t("picker.by_email")
        } else {
            session.t("picker.none")
        }
    } else {
        crate::i18n::fill(
            &session.t("picker.count"),
            &[("count", &options.len().to_string())],
        )
    };
    html! {
        <div class={classes!("field", "picker", (!p.errors.is_empty()).then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <input id={p.id.clone()} name={p.id.clone()} type="text" value={(*text).clone()}
                role="combobox" autocomplete="off" spellcheck="false"
                aria-autocomplete="list"
                aria-expanded={if show && !options.is_empty() { "true" } else { "false" }}
                aria-controls={list_id.clone()}
                aria-activedescendant={active.filter(|_| show).map(option_id)}
                aria-invalid={(!p.errors.is_empty()).then_some("true")}
                aria-describedby={described.join(" ")}
                {oninput} {onkeydown} {onblur} {onfocus} />
            <ul id={list_id} role="listbox" aria-label={format!("{} — {}", p.label, session.t("picker.matches"))} class="picker-list"
                hidden={!show || options.is_empty()}>
                { for options.iter().enumerate().map(|(i, o)| {
                    let onmousedown = {
                        let (choose, o) = (choose.clone(), o.clone());
                        // mousedown, before the input's blur closes the list.
                        Callback::from(move |e: MouseEvent| {
                            e.prevent_default();
                            choose.emit(o.clone());
                        })
                    };
                    let is_active = *active == Some(i);
                    html! {
                        <li id={option_id(i)} role="option" aria-selected={if is_active { "true" } else { "false" }}
                            class={classes!(is_active.then_some("active"))} {onmousedown}>
                            <span class="picker-name">{ &o.name }</span>{ " " }
                            <span class="picker-email">{ &o.email }</span>
                        </li>
                    }
                }) }
            </ul>
            <p class="visually-hidden" id={status_id} role="status" aria-live="polite">{ status }</p>
            if let Some(h) = &p.hint { <p class="hint" id={hint_id}>{ h.clone() }</p> }
            if !p.errors.is_empty() {
                <p class="field-error" id={err_id} role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

// ───────────────────────── names of people shown by id ─────────────────────────

/// What is known of a name: `Some(name)`, or `None` when the account is not
/// mine to see.
type Known = Option<String>;

#[derive(Default)]
struct Names {
    known: HashMap<String, Known>,
    /// Ids being asked for, with whoever waits for the answer.
    waiting: HashMap<String, Vec<Callback<Known>>>,
}

thread_local! {
    static NAMES: RefCell<Names> = RefCell::new(Names::default());
}

/// Records a person's name seen elsewhere (a search result), so links need
/// not ask.
pub fn remember(id: &str, name: Known) {
    NAMES.with(|n| {
        n.borrow_mut().known.insert(format!("user:{id}"), name);
    });
}

/// Reads a name out of an answer.
type ReadName = fn(&serde_json::Value) -> Option<String>;

/// Where the name of a `kind` (`user`, `organization`, `project`, `work`)
/// is read, and from which fields.
fn source(kind: &str, id: &str) -> Option<(String, ReadName)> {
    fn text(v: &serde_json::Value, k: &str) -> Option<String> {
        v.get(k).and_then(|x| x.as_str()).map(str::to_owned)
    }
    Some(match kind {
        "user" => (format!("/users/{id}"), |v| {
            Some(format!(
                "{} {}",
                text(v, "first_name")?,
                text(v, "last_name")?
            ))
        }),
        "organization" => (format!("/organizations/{id}"), |v| text(v, "name")),
        "project" => (format!("/projects/{id}"), |v| text(v, "name")),
        "work" => (format!("/works/{id}"), |v| text(v, "title")),
        _ => return None,
    })
}

/// The name of `kind` `id`, from the cache or from the API (asked once
/// however many wait for it); `then` gets it.
fn name_of(client: &Client, kind: &str, id: &str, then: Callback<Known>) {
    let Some((path, read)) = source(kind, id) else {
        then.emit(None);
        return;
    };
    let key = format!("{kind}:{id}");
    let first = NAMES.with(|n| {
        let mut n = n.borrow_mut();
        if let Some(k) = n.known.get(&key) {
            then.emit(k.clone());
            return false;
        }
        let waiting = n.waiting.entry(key.clone()).or_default();
        waiting.push(then);
        waiting.len() == 1
    });
    if !first {
        return;
    }
    let client = client.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let known = client
            .get::<serde_json::Value>(&path)
            .await
            .ok()
            .and_then(|v| read(&v));
        let waiters = NAMES.with(|n| {
            let mut n = n.borrow_mut();
            n.known.insert(key.clone(), known.clone());
            n.waiting.remove(&key).unwrap_or_default()
        });
        for w in waiters {
            w.emit(known.clone());
        }
    });
}

/// The name of a `kind` (`user`, `organization`, `project`, `work`) by id,
/// once known (`None` while asking, or when it is not mine to see).
#[hook]
pub fn use_name(kind: &'static str, id: String) -> Option<String> {
    let session = use_session();
    let name = use_state(|| None::<String>);
    {
        let (name, client) = (name.clone(), session.client.clone());
        use_effect_with(id, move |id| {
            let live = Rc::new(std::cell::Cell::new(true));
            let still = live.clone();
            if !id.is_empty() {
                name_of(
                    &client,
                    kind,
                    id,
                    Callback::from(move |k: Known| {
                        if still.get() {
                            name.set(k);
                        }
                    }),
                );
            }
            move || live.set(false)
        });
    }
    (*name).clone()
}

#[derive(Properties, PartialEq)]
pub struct TargetProps {
    pub kind: String,
    pub id: String,
}

/// What an audit entry is about: a person, organisation, project or work
/// by name with a link to it; anything else by kind.
#[function_component]
pub fn TargetLink(p: &TargetProps) -> Html {
    let session = use_session();
    let kind: &'static str = match p.kind.as_str() {
        "organization" => "organization",
        "project" => "project",
        "work" => "work",
        _ => "",
    };
    let name = use_name(
        kind,
        if kind.is_empty() {
            String::new()
        } else {
            p.id.clone()
        },
    );
    let label = |k: &str| session.t(&format!("audit.target_{k}"));
    let shown = name.unwrap_or_else(|| label(kind));
    match kind {
        "organization" => {
            html! { <Link<Route> to={Route::Organization { id: p.id.clone() }}>{ shown }</Link<Route>> }
        }
        "project" => {
            html! { <Link<Route> to={Route::Project { id: p.id.clone() }}>{ shown }</Link<Route>> }
        }
        "work" => {
            html! { <Link<Route> to={Route::Work { id: p.id.clone() }}>{ shown }</Link<Route>> }
        }
        _ => html! { <span title={p.id.clone()}>{ p.kind.clone() }</span> },
    }
}

#[derive(Properties, PartialEq)]
pub struct PersonLinkProps {
    pub id: String,
}

/// A link to a person's page, by name when I may see the account.
#[function_component]
pub fn PersonLink(p: &PersonLinkProps) -> Html {
    let session = use_session();
    let me = session.me.as_ref().map(|m| m.user.id.clone());
    let mine = me.as_deref() == Some(p.id.as_str());
    let known = use_name("user", if mine { String::new() } else { p.id.clone() });
    let name = if mine {
        session.t("works.me")
    } else {
        known.unwrap_or_else(|| session.t("people.person"))
    };
    html! { <Link<Route> to={Route::Person { id: p.id.clone() }}>{ name }</Link<Route>> }
}
