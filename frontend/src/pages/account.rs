//! My account: language and date format (applied at once), phone, the
//! charter, my API tokens.

use habilis_shared::dto::{
    ApiTokenList, CreatedApiToken, DateFormat, Language, Me, TokenScope, UserView,
};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::Failure;
use crate::components::{field_errors, CopyButton, Field, ProblemMessage, When};
use crate::state::{use_session, use_title, Msg, SessionHandle};

async fn reload_me(session: &SessionHandle) {
    if let Ok(me) = session.client.get::<Me>("/me").await {
        session.dispatch(Msg::SignedIn(me));
    }
}

#[function_component]
pub fn Account() -> Html {
    let session = use_session();
    use_title(session.t("account.title"));
    html! {
        <section>
            <h1>{ session.t("account.title") }</h1>
            <Preferences />
            <Charter />
            <Tokens />
        </section>
    }
}

#[function_component]
fn Preferences() -> Html {
    let session = use_session();
    let failure = use_state(|| None::<Failure>);
    let personal = session.me.as_ref().and_then(|m| m.user.personal.clone());
    let phone = use_state(|| {
        personal
            .as_ref()
            .and_then(|p| p.phone.clone())
            .unwrap_or_default()
    });
    let saved = use_state(|| false);
    let save = {
        let (session, failure, saved) = (session.clone(), failure.clone(), saved.clone());
        Callback::from(move |body: serde_json::Value| {
            let (session, failure, saved) = (session.clone(), failure.clone(), saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.patch::<UserView>("/me", body).await {
                    Ok(_) => {
                        failure.set(None);
                        saved.set(true);
                        reload_me(&session).await;
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let on_lang = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(l) = Language::parse(&s.value()) {
                save.emit(serde_json::json!({ "language": l }));
            }
        })
    };
    let on_format = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(f) = DateFormat::parse(&s.value()) {
                save.emit(serde_json::json!({ "date_format": f }));
            }
        })
    };
    let on_phone = {
        let (save, phone) = (save.clone(), phone.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            save.emit(serde_json::json!({ "phone": *phone }));
        })
    };
    let lang = session.lang;
    let fmt = session.date_format;
    html! {
        <section aria-labelledby="prefs-h">
            <h2 id="prefs-h">{ session.t("account.preferences") }</h2>
            <ProblemMessage failure={(*failure).clone()} />
            <div class="field">
                <label for="pref-language">{ session.t("account.language") }</label>
                <select id="pref-language" onchange={on_lang}>
                    <option value="en" selected={lang == Language::En}>{ "English" }</option>
                    <option value="fr" selected={lang == Language::Fr}>{ "Français" }</option>
                    <option value="ja" selected={lang == Language::Ja}>{ "日本語" }</option>
                </select>
            </div>
            <div class="field">
                <label for="pref-date-format">{ session.t("account.date_format") }</label>
                <select id="pref-date-format" onchange={on_format}>
                    <option value="dd/MM/yyyy" selected={fmt == DateFormat::DayMonthYear}>{ session.t("account.date_dmy") }</option>
                    <option value="MM/dd/yyyy" selected={fmt == DateFormat::MonthDayYear}>{ session.t("account.date_mdy") }</option>
                </select>
            </div>
            <form onsubmit={on_phone} class="inline">
                <Field id="phone" kind="tel" label={session.t("account.phone")} value={(*phone).clone()}
                    autocomplete={Some(AttrValue::from("tel"))} errors={field_errors(lang, &failure, "phone")}
                    oninput={let s = phone.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit" class="secondary">{ session.t("common.save") }</button>
            </form>
            if *saved { <p class="success" role="status">{ session.t("account.saved") }</p> }
        </section>
    }
}

#[function_component]
fn Charter() -> Html {
    let session = use_session();
    let failure = use_state(|| None::<Failure>);
    let Some(me) = session.me.clone() else {
        return html! {};
    };
    let personal = me.user.personal.clone();
    let accepted = personal.as_ref().and_then(|p| p.charter_version.clone());
    let current = me.current_charter_version.clone();
    let onclick = {
        let (session, failure, current) = (session.clone(), failure.clone(), current.clone());
        Callback::from(move |_| {
            let (session, failure) = (session.clone(), failure.clone());
            let body = serde_json::json!({ "version": current });
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.post::<UserView>("/me/charter", body).await {
                    Ok(_) => reload_me(&session).await,
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    html! {
        <section aria-labelledby="charter-h">
            <h2 id="charter-h">{ session.t("account.charter") }</h2>
            <p>{ session.t("account.charter_text") }</p>
            <ProblemMessage failure={(*failure).clone()} />
            if accepted.as_deref() == Some(current.as_str()) {
                <p class="success" id="charter-status">
                    { crate::i18n::fill(&session.t("account.charter_accepted"), &[("version", &current)]) }
                    { " " }
                    if let Some(at) = personal.and_then(|p| p.charter_accepted_at) { <When at={at} /> }
                </p>
            } else {
                <button type="button" onclick={onclick} id="accept-charter">
                    { crate::i18n::fill(&session.t("account.charter_accept"), &[("version", &current)]) }
                </button>
            }
        </section>
    }
}

#[function_component]
fn Tokens() -> Html {
    let session = use_session();
    let list = use_state(|| None::<ApiTokenList>);
    let reload = use_state(|| 0u32);
    let failure = use_state(|| None::<Failure>);
    let created = use_state(|| None::<CreatedApiToken>);
    let name = use_state(String::new);
    let scope = use_state(|| "read".to_owned());
    let days = use_state(|| "90".to_owned());
    {
        let (session, list) = (session.clone(), list.clone());
        use_effect_with(*reload, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(l) = session.client.get::<ApiTokenList>("/me/tokens").await {
                    list.set(Some(l));
                }
            });
        });
    }
    let onsubmit = {
        let (session, failure, created, name, scope, days, reload) = (
            session.clone(),
            failure.clone(),
            created.clone(),
            name.clone(),
            scope.clone(),
            days.clone(),
            reload.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let scopes = if *scope == "write" {
                vec![TokenScope::Read, TokenScope::Write]
            } else {
                vec![TokenScope::Read]
            };
            let body = serde_json::json!({
                "name": *name,
                "scopes": scopes,
                "expires_in_days": days.parse::<u32>().unwrap_or(0),
            });
            let (session, failure, created, reload, name) = (
                session.clone(),
                failure.clone(),
                created.clone(),
                reload.clone(),
                name.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                match session
                    .client
                    .post::<CreatedApiToken>("/me/tokens", body)
                    .await
                {
                    Ok(t) => {
                        failure.set(None);
                        created.set(Some(t));
                        name.set(String::new());
                        reload.set(*reload + 1);
                    }
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let revoke = {
        let (session, reload, failure) = (session.clone(), reload.clone(), failure.clone());
        Callback::from(move |(id, label): (String, String)| {
            let question =
                crate::i18n::fill(&session.t("tokens.revoke_confirm"), &[("name", &label)]);
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(&question).ok())
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            let (session, reload, failure) = (session.clone(), reload.clone(), failure.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match session.client.delete(&format!("/me/tokens/{id}")).await {
                    Ok(()) => reload.set(*reload + 1),
                    Err(f) => failure.set(Some(f)),
                }
            });
        })
    };
    let lang = session.lang;
    html! {
        <section aria-labelledby="tokens-h">
            <h2 id="tokens-h">{ session.t("tokens.title") }</h2>
            <p>{ session.t("tokens.intro") }</p>
            <form {onsubmit}>
                <ProblemMessage failure={(*failure).clone()} />
                <Field id="token-name" label={session.t("tokens.name")} value={(*name).clone()}
                    errors={field_errors(lang, &failure, "name")}
                    oninput={let s = name.clone(); Callback::from(move |v| s.set(v))} />
                <div class="field">
                    <label for="token-scope">{ session.t("tokens.scope") }</label>
                    <select id="token-scope" onchange={let s = scope.clone(); Callback::from(move |e: Event| {
                        let el: HtmlSelectElement = e.target_unchecked_into();
                        s.set(el.value());
                    })}>
                        <option value="read" selected={*scope == "read"}>{ session.t("tokens.scope_read") }</option>
                        <option value="write" selected={*scope == "write"}>{ session.t("tokens.scope_write") }</option>
                    </select>
                </div>
                <Field id="token-days" kind="number" label={session.t("tokens.days")} value={(*days).clone()}
                    errors={field_errors(lang, &failure, "expires_in_days")}
                    oninput={let s = days.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit">{ session.t("tokens.create") }</button>
            </form>
            if let Some(t) = &*created {
                <div class="secret" role="status">
                    <p><strong>{ session.t("tokens.shown_once") }</strong></p>
                    <code id="new-token">{ &t.token }</code>
                    <CopyButton text={t.token.clone()} label={session.t("common.copy")} />
                </div>
            }
            <table>
                <caption>{ session.t("tokens.list") }</caption>
                <thead><tr>
                    <th scope="col">{ session.t("tokens.name") }</th>
                    <th scope="col">{ session.t("tokens.scope") }</th>
                    <th scope="col">{ session.t("tokens.expires") }</th>
                    <th scope="col">{ session.t("tokens.last_used") }</th>
                    <th scope="col"><span class="sr-only">{ session.t("tokens.revoke") }</span></th>
                </tr></thead>
                <tbody>
                { for list.as_ref().map(|l| l.items.clone()).unwrap_or_default().into_iter().map(|t| {
                    let (id, label) = (t.id.clone(), t.name.clone());
                    let revoke = revoke.clone();
                    let scopes = t.scopes.iter().map(|s| match s {
                        TokenScope::Read => session.t("tokens.scope_read"),
                        TokenScope::Write => session.t("tokens.scope_write"),
                    }).collect::<Vec<_>>().join(", ");
                    html! {
                        <tr>
                            <td>{ &t.name }</td>
                            <td>{ scopes }</td>
                            <td><When at={t.expires_at} /></td>
                            <td>{ match t.last_used_at { Some(at) => html!{ <When at={at} time=true /> }, None => html!{ "—" } } }</td>
                            <td><button type="button" class="danger" onclick={Callback::from(move |_| revoke.emit((id.clone(), label.clone())))}
                                aria-label={format!("{} {}", session.t("tokens.revoke"), t.name)}>{ session.t("tokens.revoke") }</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
        </section>
    }
}
