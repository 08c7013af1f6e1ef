//! My account: language and date format (applied at once), phone, the
//! charter, my API tokens.

use crate::hooks::use_state;
use habilis_shared::dto::{
    AcceptCharter, ApiTokenPage, CreateApiToken, CreatedApiToken, DateFormat, Language, TokenScope,
    UpdateMe,
};
use serde::de::IgnoredAny;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::components::{confirmed, field_errors, CopyButton, Field, ProblemMessage, When};
use crate::hooks::{use_action_then, use_fetch, use_reload_me};
use crate::state::{use_session, use_title};

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
    let personal = session.me.as_ref().and_then(|m| m.user.personal.clone());
    let phone = use_state(|| {
        personal
            .as_ref()
            .and_then(|p| p.phone.clone())
            .unwrap_or_default()
    });
    let saved = use_state(|| false);
    let reload_me = use_reload_me();
    let save = {
        let saved = saved.clone();
        use_action_then(
            |client, body: UpdateMe| async move { client.patch::<_, IgnoredAny>("/me", &body).await },
            move |_| {
                saved.set(true);
                reload_me.emit(());
            },
        )
    };
    let on_lang = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(l) = Language::parse(&s.value()) {
                save.run(UpdateMe {
                    language: Some(l),
                    ..UpdateMe::default()
                });
            }
        })
    };
    let on_format = {
        let save = save.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(f) = DateFormat::parse(&s.value()) {
                save.run(UpdateMe {
                    date_format: Some(f),
                    ..UpdateMe::default()
                });
            }
        })
    };
    let on_phone = save.on_submit(UpdateMe {
        phone: Some((*phone).clone()),
        ..UpdateMe::default()
    });
    let failure = save.error();
    let lang = session.lang;
    let fmt = session.date_format;
    html! {
        <section aria-labelledby="prefs-h">
            <h2 id="prefs-h">{ session.t("account.preferences") }</h2>
            <ProblemMessage failure={failure.cloned()} />
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
                    autocomplete={Some(AttrValue::from("tel"))} errors={field_errors(lang, failure, "phone")}
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
    let reload_me = use_reload_me();
    let accept = use_action_then(
        |client, body: AcceptCharter| async move {
            client.post::<_, IgnoredAny>("/me/charter", &body).await
        },
        move |_| reload_me.emit(()),
    );
    let Some(me) = session.me.clone() else {
        return html! {};
    };
    let personal = me.user.personal.clone();
    let accepted = personal.as_ref().and_then(|p| p.charter_version.clone());
    let current = me.current_charter_version.clone();
    let onclick = accept.on_click(AcceptCharter {
        version: current.clone(),
    });
    let failure = accept.error();
    html! {
        <section aria-labelledby="charter-h">
            <h2 id="charter-h">{ session.t("account.charter") }</h2>
            <p>{ session.t("account.charter_text") }</p>
            <ProblemMessage failure={failure.cloned()} />
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
    let list = use_fetch((), |client, ()| async move {
        client.get::<ApiTokenPage>("/me/tokens?limit=200").await
    });
    let name = use_state(String::new);
    let scope = use_state(|| "read".to_owned());
    let days = use_state(|| "90".to_owned());
    let create = {
        let (list, name) = (list.clone(), name.clone());
        use_action_then(
            |client, body: CreateApiToken| async move {
                client.post::<_, CreatedApiToken>("/me/tokens", &body).await
            },
            move |_| {
                name.set(String::new());
                list.reload();
            },
        )
    };
    let revoke_token = {
        let list = list.clone();
        use_action_then(
            |client, id: String| async move {
                client
                    .delete::<IgnoredAny>(&format!("/me/tokens/{id}"))
                    .await
            },
            move |_| list.reload(),
        )
    };
    let onsubmit = create.on_submit(CreateApiToken {
        name: (*name).clone(),
        scopes: if *scope == "write" {
            vec![TokenScope::Read, TokenScope::Write]
        } else {
            vec![TokenScope::Read]
        },
        // Not a number: 0, which the server refuses with a message on the field.
        expires_in_days: Some(days.parse::<u32>().unwrap_or(0)),
    });
    let revoke = {
        let (session, revoke_token) = (session.clone(), revoke_token.clone());
        Callback::from(move |(id, label): (String, String)| {
            let question =
                crate::i18n::fill(&session.t("tokens.revoke_confirm"), &[("name", &label)]);
            if confirmed(&question) {
                revoke_token.run(id);
            }
        })
    };
    let created = create.value();
    let failure = revoke_token.error().or(create.error());
    let lang = session.lang;
    html! {
        <section aria-labelledby="tokens-h">
            <h2 id="tokens-h">{ session.t("tokens.title") }</h2>
            <p>{ session.t("tokens.intro") }</p>
            <form {onsubmit}>
                <ProblemMessage failure={failure.cloned()} />
                <Field id="token-name" label={session.t("tokens.name")} value={(*name).clone()}
                    errors={field_errors(lang, failure, "name")}
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
                    errors={field_errors(lang, failure, "expires_in_days")}
                    oninput={let s = days.clone(); Callback::from(move |v| s.set(v))} />
                <button type="submit">{ session.t("tokens.create") }</button>
            </form>
            if let Some(t) = created {
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
                { for list.data().map(|l| l.items.clone()).unwrap_or_default().into_iter().map(|t| {
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
