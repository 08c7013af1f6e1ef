//! The session: who is signed in, the policy, the language. A `Reducible`
//! behind a context provider (yew's function_todomvc pattern).

use std::rc::Rc;

use habilis_shared::dto::{DateFormat, Language, Me};
use habilis_shared::policy::{Action, Actor, Decision, Policy, Resource};
use yew::prelude::*;

use crate::api::Client;
use crate::i18n;

#[derive(Clone, PartialEq)]
pub struct Session {
    pub client: Client,
    /// `None` until the start-up refresh has been tried.
    pub booted: bool,
    pub me: Option<Me>,
    pub policy: Option<Rc<Policy>>,
    /// The language shown: its catalog is here (see [`i18n::load`]).
    pub lang: Language,
    /// A language asked for whose catalog is still on its way: it becomes
    /// `lang` when the catalog arrives ([`Msg::CatalogLoaded`]).
    pub wanted: Option<Language>,
    pub date_format: DateFormat,
}

pub enum Msg {
    Booted(Option<Me>),
    SignedIn(Me),
    SignedOut,
    Policy(Rc<Policy>),
    Lang(Language),
    /// The catalog of this language arrived (`true`) or could not be had.
    CatalogLoaded(Language, bool),
}

impl Session {
    pub fn new(lang: Language) -> Self {
        Session {
            client: Client::default(),
            booted: false,
            me: None,
            policy: None,
            lang,
            wanted: None,
            date_format: DateFormat::DayMonthYear,
        }
    }

    pub fn t(&self, key: &str) -> String {
        i18n::tr(self.lang, key)
    }

    /// The caller's view of the policy decision (the server decides again).
    pub fn decide(&self, action: Action) -> Option<Decision> {
        self.decide_on(action, Resource::None)
    }

    /// Same, about a resource whose facts the page knows (e.g. my role in
    /// an organisation).
    pub fn decide_on(&self, action: Action, resource: Resource) -> Option<Decision> {
        let me = self.me.as_ref()?;
        let policy = self.policy.as_ref()?;
        let actor = Actor {
            profile: me.user.profile,
            charter_accepted: me
                .user
                .personal
                .as_ref()
                .and_then(|p| p.charter_version.as_deref())
                == Some(policy.charter_version.as_str()),
        };
        Some(policy.decide(&actor, &action, &resource))
    }

    pub fn allows(&self, action: Action) -> bool {
        self.decide(action).is_some_and(|d| d.allowed)
    }

    pub fn allows_on(&self, action: Action, resource: Resource) -> bool {
        self.decide_on(action, resource).is_some_and(|d| d.allowed)
    }
}

impl Reducible for Session {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut next = (*self).clone();
        match msg {
            Msg::Booted(me) => {
                next.booted = true;
                if let Some(me) = me {
                    apply_me(&mut next, me);
                }
            }
            Msg::SignedIn(me) => apply_me(&mut next, me),
            Msg::SignedOut => next.me = None,
            Msg::Policy(p) => next.policy = Some(p),
            Msg::Lang(l) => choose_lang(&mut next, l),
            Msg::CatalogLoaded(l, loaded) => {
                if next.wanted == Some(l) {
                    next.wanted = None;
                    if loaded {
                        next.lang = l;
                    }
                }
            }
        }
        Rc::new(next)
    }
}

fn apply_me(s: &mut Session, me: Me) {
    if let Some(p) = &me.user.personal {
        choose_lang(s, p.language);
        s.date_format = p.date_format;
    }
    s.me = Some(me);
}

/// Shows `l` at once when its catalog is here, else asks for it: the page
/// keeps its language until the catalog arrives, never showing bare keys.
fn choose_lang(s: &mut Session, l: Language) {
    if i18n::is_loaded(l) {
        s.lang = l;
        s.wanted = None;
    } else {
        s.wanted = Some(l);
    }
}

pub type SessionHandle = UseReducerHandle<Session>;

/// The session from context (the provider wraps the whole app).
#[hook]
pub fn use_session() -> SessionHandle {
    // App wraps every component in the provider: an invariant, not input.
    use_context::<SessionHandle>().expect("App provides the session context")
}

/// Sets the page title: "<title> · Habilis".
#[hook]
pub fn use_title(title: String) {
    use_effect_with(title, |title| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&format!("{title} · Habilis"));
        }
    });
}

/// The browser's preferred language among ours.
pub fn browser_language() -> Language {
    let lang = web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if lang.starts_with("fr") {
        Language::Fr
    } else if lang.starts_with("ja") {
        Language::Ja
    } else {
        Language::En
    }
}
