//! The shell: session provider, start-up, router, navigation, guards.

use std::rc::Rc;

use habilis_shared::dto::{Language, UpdateMe};
use habilis_shared::policy::{Action, Policy};
use serde::de::IgnoredAny;
use web_sys::HtmlSelectElement;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::hooks::{use_action_then, use_reload_me};
use crate::pages;
use crate::route::Route;
use crate::state::{browser_language, use_session, Msg, Session, SessionHandle};

#[function_component]
pub fn App() -> Html {
    let session = use_reducer(|| Session::new(browser_language()));
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            // A refused refresh anywhere ends the session.
            let s = session.clone();
            session
                .client
                .set_on_expired(Callback::from(move |_| s.dispatch(Msg::SignedOut)));
            let client = session.client.clone();
            // Start-up feeds the session reducer itself (policy, then me
            // after a silent refresh), not a component's state: no hook fits.
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(p) = client.get::<Policy>("/policy").await {
                    session.dispatch(Msg::Policy(Rc::new(p)));
                }
                // A page reload keeps the session through the refresh cookie.
                let me = if client.refresh().await {
                    client.me().await.ok()
                } else {
                    None
                };
                session.dispatch(Msg::Booted(me));
            });
        });
    }
    {
        // A language asked for is shown once its catalog has arrived.
        let session = session.clone();
        use_effect_with(session.wanted, move |wanted| {
            if let Some(lang) = *wanted {
                wasm_bindgen_futures::spawn_local(async move {
                    let loaded = crate::i18n::load(lang).await;
                    session.dispatch(Msg::CatalogLoaded(lang, loaded));
                });
            }
        });
    }
    {
        // <html lang> follows the language.
        let lang = session.lang;
        use_effect_with(lang, |lang| {
            if let Some(el) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = el.set_attribute("lang", lang.as_str());
            }
        });
    }
    html! {
        <ContextProvider<SessionHandle> context={session}>
            <BrowserRouter>
                <Shell />
            </BrowserRouter>
        </ContextProvider<SessionHandle>>
    }
}

#[function_component]
fn Shell() -> Html {
    let session = use_session();
    html! {
        <>
            <a class="skip" href="#main">{ session.t("nav.skip") }</a>
            <header class="top">
                <Link<Route> to={Route::Home} classes="brand">{ "Habilis" }</Link<Route>>
                <Nav />
                <HelpLink />
                <LanguagePicker />
            </header>
            <main id="main" tabindex="-1">
                <Switch<Route> render={|route: Route| html! { <Guard {route} /> }} />
            </main>
        </>
    }
}

#[function_component]
fn Nav() -> Html {
    let session = use_session();
    let navigator = use_navigator();
    let sign_out = {
        let session = session.clone();
        use_action_then(
            |client, ()| async move {
                client.logout().await;
                Ok(())
            },
            move |()| {
                session.dispatch(Msg::SignedOut);
                if let Some(n) = &navigator {
                    n.push(&Route::SignIn);
                }
            },
        )
    };
    let Some(me) = &session.me else {
        return html! {
            <nav aria-label={session.t("nav.label")} class="main-nav">
                <Link<Route> to={Route::SignIn}>{ session.t("nav.signin") }</Link<Route>>
                <Link<Route> to={Route::Policy}>{ session.t("nav.policy") }</Link<Route>>
            </nav>
        };
    };
    let signout = sign_out.on_click(());
    let settled = !me
        .user
        .personal
        .as_ref()
        .is_some_and(|p| p.must_change_password);
    let group = |id: &'static str, label: String, links: Html| {
        html! {
            <div class="nav-group" role="group" aria-labelledby={id}>
                <span class="nav-group-label" id={id}>{ label }</span>
                <span class="nav-group-links">{ links }</span>
            </div>
        }
    };
    html! {
        <nav aria-label={session.t("nav.label")} class="main-nav">
            if settled {
                <div class="nav-groups">
                    <Link<Route> to={Route::Home}>{ session.t("nav.home") }</Link<Route>>
                    { group("nav-g-people", session.t("nav.group_people"), html! { <>
                        <Link<Route> to={Route::People}>{ session.t("nav.people") }</Link<Route>>
                        <Link<Route> to={Route::Organizations}>{ session.t("nav.organizations") }</Link<Route>>
                    </> }) }
                    { group("nav-g-research", session.t("nav.group_research"), html! { <>
                        <Link<Route> to={Route::Works}>{ session.t("nav.works") }</Link<Route>>
                        <Link<Route> to={Route::Projects}>{ session.t("nav.projects") }</Link<Route>>
                        <Link<Route> to={Route::Approvals}>{ session.t("nav.approvals") }</Link<Route>>
                        // One short link each for services and compute: the navigation
                        // stays on one line at 1024 px in French (style.css tightens its
                        // spacing below 1280 px for that). My services links to the
                        // catalog; engines, my jobs and the queue are tabs behind Compute.
                        <Link<Route> to={Route::Services}>{ session.t("nav.services") }</Link<Route>>
                        <Link<Route> to={Route::Engines}>{ session.t("nav.compute") }</Link<Route>>
                    </> }) }
                    { group("nav-g-admin", session.t("nav.group_admin"), html! { <>
                        if session.allows(Action::AuditRead) {
                            <Link<Route> to={Route::Audit}>{ session.t("nav.audit") }</Link<Route>>
                        }
                        <Link<Route> to={Route::Policy}>{ session.t("nav.policy") }</Link<Route>>
                    </> }) }
                    <Link<Route> to={Route::Account}>{ session.t("nav.account") }</Link<Route>>
                </div>
            }
            <div class="nav-session">
                <span class="who">{ format!("{} {}", me.user.first_name, me.user.last_name) }</span>
                <button type="button" class="link" onclick={signout}>{ session.t("nav.signout") }</button>
            </div>
        </nav>
    }
}

/// Help (signed in) or the knowledge base (signed out), on the header's
/// first row beside the language: the main navigation's row is full at
/// 1024 px in French.
#[function_component]
fn HelpLink() -> Html {
    let session = use_session();
    let (to, label) = if session.me.is_some() {
        (Route::Help, session.t("nav.help"))
    } else {
        (Route::Kb, session.t("nav.kb"))
    };
    html! {
        <nav class="help-nav" aria-label={session.t("nav.help_label")}>
            <Link<Route> {to}>{ label }</Link<Route>>
        </nav>
    }
}

#[function_component]
fn LanguagePicker() -> Html {
    let session = use_session();
    let reload_me = use_reload_me();
    let save = use_action_then(
        |client, language: Language| async move {
            let body = UpdateMe {
                language: Some(language),
                ..UpdateMe::default()
            };
            client.patch::<_, IgnoredAny>("/me", &body).await
        },
        move |_| reload_me.emit(()),
    );
    let onchange = {
        let session = session.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            let Some(lang) = Language::parse(&select.value()) else {
                return;
            };
            session.dispatch(Msg::Lang(lang));
            // Signed in: the choice is kept on the account.
            if session.me.is_some() {
                save.run(lang);
            }
        })
    };
    let option = |l: Language, name: &str| {
        html! { <option value={l.as_str()} selected={session.lang == l}>{ name.to_owned() }</option> }
    };
    html! {
        <div class="lang">
            <label for="language-picker">{ session.t("nav.language") }</label>
            <select id="language-picker" {onchange}>
                { option(Language::En, "English") }
                { option(Language::Fr, "Français") }
                { option(Language::Ja, "日本語") }
            </select>
        </div>
    }
}

/// Sends a signed-out visitor to sign-in, remembering where they were
/// going (`?next=`), so that an e-mailed link still works after signing in.
#[function_component]
fn ToSignIn() -> Html {
    let navigator = use_navigator();
    let location = use_location();
    use_effect_with((), move |_| {
        if let Some(n) = navigator {
            let next = location.map(|l| l.path().to_owned()).unwrap_or_default();
            if n.push_with_query(&Route::SignIn, &[("next", next)])
                .is_err()
            {
                n.push(&Route::SignIn);
            }
        }
    });
    html! {}
}

#[derive(Properties, PartialEq)]
struct GuardProps {
    route: Route,
}

/// Signed-out visitors go to sign-in; a pending password change allows
/// nothing else (SPEC §3.2).
#[function_component]
fn Guard(p: &GuardProps) -> Html {
    let session = use_session();
    if !session.booted {
        return html! { <p class="loading" aria-live="polite">{ session.t("common.loading") }</p> };
    }
    let must_change = session
        .me
        .as_ref()
        .and_then(|m| m.user.personal.as_ref())
        .is_some_and(|p| p.must_change_password);
    match (&session.me, &p.route) {
        (None, r) if !r.is_public() && *r != Route::ChangePassword => return html! { <ToSignIn /> },
        (None, Route::ChangePassword) => return html! { <Redirect<Route> to={Route::SignIn} /> },
        (Some(_), Route::SignIn) if !must_change => {
            return html! { <Redirect<Route> to={Route::Home} /> }
        }
        (Some(_), r) if must_change && *r != Route::ChangePassword => {
            return html! { <Redirect<Route> to={Route::ChangePassword} /> }
        }
        _ => {}
    }
    match p.route.clone() {
        Route::Home => html! { <pages::home::Home /> },
        Route::SignIn => html! { <pages::signin::SignIn /> },
        Route::Activate => html! { <pages::activate::Activate /> },
        Route::ChangePassword => html! { <pages::password::ChangePassword /> },
        Route::ForgotPassword => html! { <pages::recovery::ForgotPassword /> },
        Route::ResetPassword => html! { <pages::recovery::ResetPassword /> },
        Route::Account => html! { <pages::account::Account /> },
        Route::People => html! { <pages::people::People /> },
        Route::NewPerson => html! { <pages::people::NewPerson /> },
        Route::Person { id } => html! { <pages::people::Person {id} /> },
        Route::Works => html! { <pages::works::Works /> },
        Route::Work { id } => html! { <pages::works::Work {id} /> },
        Route::Organizations => html! { <pages::orgs::Organizations /> },
        Route::Organization { id } => html! { <pages::orgs::Organization {id} /> },
        Route::AcceptInvitation { token } => html! { <pages::orgs::AcceptInvitation {token} /> },
        Route::Projects => html! { <pages::projects::Projects /> },
        Route::Project { id } => html! { <pages::projects::Project {id} /> },
        Route::ProjectData { id } => html! { <pages::data::ProjectData {id} /> },
        Route::ProjectDataset { id, dataset } => {
            html! { <pages::data::ProjectData {id} dataset={Some(dataset)} /> }
        }
        Route::Approvals => html! { <pages::projects::Approvals /> },
        Route::Catalog => html! { <pages::catalog::Catalog /> },
        Route::Offering { id } => html! { <pages::catalog::OfferingDetails {id} /> },
        Route::Services => html! { <pages::services::Services /> },
        Route::Service { id } => html! { <pages::services::Service {id} /> },
        Route::KeepService { id } => html! { <pages::services::KeepService {id} /> },
        Route::Engines => html! { <pages::compute::Engines /> },
        Route::NewEngine => html! { <pages::compute::EngineEditor /> },
        Route::Engine { id } => html! { <pages::compute::Engine {id} /> },
        Route::EditEngine { id } => html! { <pages::compute::EngineEditor id={Some(id)} /> },
        Route::Jobs => html! { <pages::jobs::Jobs /> },
        Route::Job { id } => html! { <pages::jobs::Job {id} /> },
        Route::Queue => html! { <pages::jobs::Queue /> },
        Route::Help => html! { <pages::help::Help /> },
        Route::NewTicket => html! { <pages::help::NewTicket /> },
        Route::Ticket { id } => html! { <pages::help::Ticket {id} /> },
        Route::DeskQueue => html! { <pages::help::DeskQueue /> },
        Route::Kb => html! { <pages::kb::Kb /> },
        Route::NewKbArticle => html! { <pages::kb::ArticleEditor /> },
        Route::KbArticle { id } => html! { <pages::kb::Article {id} /> },
        Route::EditKbArticle { id } => html! { <pages::kb::ArticleEditor id={Some(id)} /> },
        Route::Policy => html! { <pages::policy::PolicyPage /> },
        Route::Audit => html! { <pages::audit::Audit /> },
        Route::NotFound => html! { <pages::NotFound /> },
    }
}
