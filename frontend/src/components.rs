//! Small building blocks: labelled fields, problem messages, dates.

use std::collections::BTreeMap;

use crate::hooks::{use_state, UseStateHandle};
use chrono::{DateTime, Utc};
use habilis_shared::dto::Language;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::Failure;
use crate::format;
use crate::i18n::{self, tr};
use crate::state::use_session;

mod picker;
mod schema_form;
pub use picker::{PersonLink, PersonPicker, PickFrom, Picked, TargetLink};
pub use schema_form::{form_errors, SchemaFields};

#[derive(Properties, PartialEq)]
pub struct FieldProps {
    pub id: AttrValue,
    pub label: AttrValue,
    pub value: AttrValue,
    pub oninput: Callback<String>,
    #[prop_or(AttrValue::Static("text"))]
    pub kind: AttrValue,
    #[prop_or_default]
    pub autocomplete: Option<AttrValue>,
    #[prop_or_default]
    pub errors: Vec<String>,
    #[prop_or_default]
    pub required: bool,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

/// A labelled input with its errors next to it (announced to screen readers).
#[function_component]
pub fn Field(p: &FieldProps) -> Html {
    let oninput = {
        let cb = p.oninput.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            cb.emit(input.value());
        })
    };
    let err_id = format!("{}-error", p.id);
    let hint_id = format!("{}-hint", p.id);
    let mut described = vec![];
    if p.hint.is_some() {
        described.push(hint_id.clone());
    }
    if !p.errors.is_empty() {
        described.push(err_id.clone());
    }
    html! {
        <div class={classes!("field", (!p.errors.is_empty()).then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <input id={p.id.clone()} name={p.id.clone()} type={p.kind.clone()} value={p.value.clone()}
                {oninput} required={p.required} autocomplete={p.autocomplete.clone()}
                aria-invalid={(!p.errors.is_empty()).then_some("true")}
                aria-describedby={(!described.is_empty()).then(|| described.join(" "))} />
            if let Some(h) = &p.hint { <p class="hint" id={hint_id}>{ h.clone() }</p> }
            if !p.errors.is_empty() {
                <p class="field-error" id={err_id} role="alert">{ p.errors.join(" ") }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ChoiceProps {
    pub id: AttrValue,
    pub label: String,
    pub options: Vec<(String, String)>,
    pub value: String,
    pub onchange: Callback<String>,
    #[prop_or_default]
    pub errors: Vec<String>,
}

/// A labelled `<select>` over (value, label) pairs, with a blank first choice.
#[function_component]
pub fn Choice(p: &ChoiceProps) -> Html {
    let onchange = {
        let cb = p.onchange.clone();
        Callback::from(move |e: Event| {
            let el: HtmlSelectElement = e.target_unchecked_into();
            cb.emit(el.value());
        })
    };
    html! {
        <div class={classes!("field", (!p.errors.is_empty()).then_some("invalid"))}>
            <label for={p.id.clone()}>{ p.label.clone() }</label>
            <select id={p.id.clone()} {onchange}>
                <option value="" selected={p.value.is_empty()}>{ "—" }</option>
                { for p.options.iter().map(|(v, l)| html! {
                    <option value={v.clone()} selected={p.value == *v}>{ l }</option>
                }) }
            </select>
            if !p.errors.is_empty() { <p class="field-error" role="alert">{ p.errors.join(" ") }</p> }
        </div>
    }
}

/// Field messages from a 422, in the user's language: English shows the
/// server's words; other languages a translated message per field (or a
/// generic one) with the server's words in brackets.
pub fn field_errors(lang: Language, failure: Option<&Failure>, field: &str) -> Vec<String> {
    let Some(f) = failure else { return vec![] };
    let errors: BTreeMap<String, Vec<String>> = f.field_errors();
    let Some(msgs) = errors.get(field) else {
        return vec![];
    };
    if lang == Language::En {
        return msgs.clone();
    }
    let head = i18n::try_tr(lang, &format!("error.field.{field}"))
        .unwrap_or_else(|| tr(lang, "error.field_invalid"));
    vec![format!("{head} ({})", msgs.join(" "))]
}

/// A translated message for a failure: by problem type, else its status.
pub fn failure_message(lang: Language, f: &Failure) -> String {
    if let Some(m) = i18n::try_tr(lang, &format!("problem.{}", f.kind())) {
        return m;
    }
    match f {
        Failure::Network(_) => tr(lang, "problem.network"),
        Failure::Problem(p) => match p.status {
            403 => tr(lang, "problem.forbidden"),
            404 => tr(lang, "problem.not_found"),
            409 => tr(lang, "problem.conflict"),
            422 => tr(lang, "problem.validation_failed"),
            s if s >= 500 => tr(lang, "problem.server"),
            _ => p.detail.clone(),
        },
    }
}

/// Saves what `GET url` (absolute, `/api/v1/…`) answers as the file
/// `name`: fetched with the session's token, which a plain link would not
/// send, then handed to the browser's download.
pub async fn download(client: &crate::api::Client, url: &str, name: &str) -> Result<(), Failure> {
    use wasm_bindgen::JsCast;
    let res = client
        .raw(gloo_net::http::Method::GET, url, &[], None, None)
        .await?;
    if !res.ok() {
        return Err(crate::api::failure_of(res).await);
    }
    let raw: web_sys::Response = res.into();
    let unreadable = |_| Failure::Network("the download was interrupted".into());
    let promise = raw.blob().map_err(unreadable)?;
    let blob = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(unreadable)?;
    save_blob(name, &blob.unchecked_into());
    Ok(())
}

/// Saves `blob` as the file `name` through a temporary object URL (let go
/// a minute later, once the browser has taken the download over).
pub fn save_blob(name: &str, blob: &web_sys::Blob) {
    use wasm_bindgen::JsCast;
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Some(a) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// Saves `text` as the file `name` of type `mime`.
pub fn save_text(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) {
        save_blob(name, &blob);
    }
}

/// Asks the browser's confirmation dialog; no window, or no answer, is "no".
pub fn confirmed(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}

#[derive(Properties, PartialEq)]
pub struct ProblemProps {
    pub failure: Option<Failure>,
}

/// The message of a failed request, in the user's language.
#[function_component]
pub fn ProblemMessage(p: &ProblemProps) -> Html {
    let session = use_session();
    match &p.failure {
        None => html! {},
        Some(f) => html! {
            <p class="problem" role="alert">{ failure_message(session.lang, f) }</p>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct DateProps {
    pub at: DateTime<Utc>,
    #[prop_or_default]
    pub time: bool,
}

/// A date in the account's format.
#[function_component]
pub fn When(p: &DateProps) -> Html {
    let session = use_session();
    let text = if p.time {
        format::datetime(&p.at, session.date_format)
    } else {
        format::date(&p.at, session.date_format)
    };
    html! { <time datetime={p.at.to_rfc3339()}>{ text }</time> }
}

/// A button that copies text to the clipboard.
#[derive(Properties, PartialEq)]
pub struct CopyProps {
    pub text: AttrValue,
    pub label: AttrValue,
}

#[function_component]
pub fn CopyButton(p: &CopyProps) -> Html {
    let session = use_session();
    let copied = use_state(|| false);
    let onclick = {
        let text = p.text.to_string();
        let copied = copied.clone();
        Callback::from(move |_| {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&text);
                copied.set(true);
            }
        })
    };
    html! {
        <button type="button" class="secondary" {onclick}>
            { if *copied { session.t("common.copied") } else { p.label.to_string() } }
        </button>
    }
}

/// Cursor paging (SPEC §11 lists): the cursors of the pages seen so far,
/// so "previous" works without the server keeping state.
#[derive(Clone, PartialEq)]
pub struct Pager(UseStateHandle<Vec<Option<String>>>);

#[hook]
pub fn use_pager() -> Pager {
    Pager(use_state(Vec::new))
}

impl Pager {
    /// The cursor of the page on show (`None` = first page).
    pub fn current(&self) -> Option<String> {
        self.0.last().cloned().flatten()
    }
    pub fn reset(&self) {
        self.0.set(vec![]);
    }
}

#[derive(Properties, PartialEq)]
pub struct PagerProps {
    pub pager: Pager,
    /// The `next_cursor` of the page on show.
    pub next: Option<String>,
}

/// "Previous page" / "Next page".
#[function_component]
pub fn PagerButtons(p: &PagerProps) -> Html {
    let session = use_session();
    let on_next = {
        let (cursors, next) = (p.pager.0.clone(), p.next.clone());
        Callback::from(move |_| {
            let mut v = (*cursors).clone();
            v.push(next.clone());
            cursors.set(v);
        })
    };
    let on_prev = {
        let cursors = p.pager.0.clone();
        Callback::from(move |_| {
            let mut v = (*cursors).clone();
            v.pop();
            cursors.set(v);
        })
    };
    html! {
        <div class="pager">
            <button type="button" class="secondary" onclick={on_prev} disabled={p.pager.0.is_empty()}>{ session.t("common.previous") }</button>
            <button type="button" class="secondary" onclick={on_next} disabled={p.next.is_none()}>{ session.t("common.next") }</button>
        </div>
    }
}
