//! The fields of a form generated from a configuration schema
//! ([`crate::schema`]): one labelled control per field, its description
//! as help, its errors (the browser's and the server's) next to it.

use std::collections::BTreeMap;
use std::rc::Rc;

use habilis_shared::dto::Language;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::api::Failure;
use crate::i18n::{fill, tr};
use crate::schema::{choice_label, field_of_error_key, FieldSpec, Invalid, Kind};

/// The message for a value the browser refused.
pub fn invalid_message(lang: Language, e: &Invalid) -> String {
    let with = |key: &str, limit: &str| fill(&tr(lang, key), &[("limit", limit)]);
    match e {
        Invalid::Required => tr(lang, "schema.required"),
        Invalid::NotANumber => tr(lang, "schema.not_a_number"),
        Invalid::NotAnInteger => tr(lang, "schema.not_an_integer"),
        Invalid::Minimum(l) => with("schema.minimum", l),
        Invalid::ExclusiveMinimum(l) => with("schema.exclusive_minimum", l),
        Invalid::Maximum(l) => with("schema.maximum", l),
        Invalid::ExclusiveMaximum(l) => with("schema.exclusive_maximum", l),
        Invalid::MultipleOf(l) => with("schema.multiple_of", l),
        Invalid::MinLength(n) => with("schema.min_length", &n.to_string()),
        Invalid::MaxLength(n) => with("schema.max_length", &n.to_string()),
        Invalid::Pattern(p) => with("schema.pattern", p),
        Invalid::NotAChoice => tr(lang, "schema.not_a_choice"),
    }
}

/// Every message for the form, by field path (`""`: the configuration as
/// a whole): the browser's findings, then the server's 422 `errors` about
/// the request's field `root` the form fills (`config`, `parameters`;
/// English shows the server's words; other languages a translated head
/// with them in brackets).
pub fn form_errors(
    lang: Language,
    root: &str,
    fields: &[FieldSpec],
    browser: &BTreeMap<String, Invalid>,
    server: Option<&Failure>,
) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (path, e) in browser {
        out.entry(path.clone())
            .or_default()
            .push(invalid_message(lang, e));
    }
    if let Some(f) = server.filter(|f| f.status() == Some(422)) {
        for (key, msgs) in f.field_errors() {
            let text = if lang == Language::En {
                msgs.join(" ")
            } else {
                format!("{} ({})", tr(lang, "error.field_invalid"), msgs.join(" "))
            };
            // A path the form has no field for (inside a list, say) is
            // shown for the configuration as a whole.
            let Some(path) = field_of_error_key(root, &key) else {
                continue;
            };
            let path = if fields.iter().any(|f| f.path == path) {
                path
            } else {
                String::new()
            };
            out.entry(path).or_default().push(text);
        }
    }
    out
}

/// The element id of a field: `cfg-` and its path (`/backup/every_hours`
/// → `cfg-backup-every_hours`).
pub fn field_id(path: &str) -> String {
    let mut id = String::from("cfg");
    for c in path.chars() {
        id.push(match c {
            '/' => '-',
            c if c.is_ascii_alphanumeric() || c == '_' => c,
            _ => '_',
        });
    }
    id
}

#[derive(Properties, PartialEq)]
pub struct SchemaFieldsProps {
    pub fields: Rc<Vec<FieldSpec>>,
    /// What each field shows, by path.
    pub texts: Rc<BTreeMap<String, String>>,
    pub errors: Rc<BTreeMap<String, Vec<String>>>,
    /// (path, new text) on every change.
    pub onchange: Callback<(String, String)>,
}

#[function_component]
pub fn SchemaFields(p: &SchemaFieldsProps) -> Html {
    let whole = p.errors.get("").cloned().unwrap_or_default();
    html! {
        <div class="schema-fields">
            if !whole.is_empty() {
                <p class="field-error" role="alert" id="cfg-errors">{ whole.join(" ") }</p>
            }
            { for p.fields.iter().map(|f| {
                let text = p.texts.get(&f.path).cloned().unwrap_or_default();
                let errors = p.errors.get(&f.path).cloned().unwrap_or_default();
                field(f, text, errors, &p.onchange)
            }) }
        </div>
    }
}

fn field(
    f: &FieldSpec,
    text: String,
    errors: Vec<String>,
    onchange: &Callback<(String, String)>,
) -> Html {
    let id = field_id(&f.path);
    let (hint_id, err_id) = (format!("{id}-hint"), format!("{id}-error"));
    let described: Vec<&str> = [
        f.help.is_some().then_some(hint_id.as_str()),
        (!errors.is_empty()).then_some(err_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let described = (!described.is_empty()).then(|| described.join(" "));
    let invalid = (!errors.is_empty()).then_some("true");
    let path = f.path.clone();
    let emit = {
        let (cb, path) = (onchange.clone(), path.clone());
        move |v: String| cb.emit((path.clone(), v))
    };
    let control = match &f.kind {
        Kind::Boolean => {
            let emit = emit.clone();
            let onchange = Callback::from(move |e: Event| {
                let el: HtmlInputElement = e.target_unchecked_into();
                emit(if el.checked() { "true" } else { "false" }.to_owned());
            });
            html! {
                <input type="checkbox" id={id.clone()} checked={text == "true"} {onchange}
                    aria-invalid={invalid} aria-describedby={described.clone()} />
            }
        }
        Kind::Choice(values) => {
            let emit = emit.clone();
            let onchange = Callback::from(move |e: Event| {
                let el: HtmlSelectElement = e.target_unchecked_into();
                emit(el.value());
            });
            html! {
                <select id={id.clone()} {onchange} aria-invalid={invalid} aria-describedby={described.clone()}>
                    if !f.required || f.default.is_none() {
                        <option value="" selected={text.is_empty()}>{ "—" }</option>
                    }
                    { for values.iter().enumerate().map(|(i, v)| html! {
                        <option value={i.to_string()} selected={text == i.to_string()}>{ choice_label(v) }</option>
                    }) }
                </select>
            }
        }
        Kind::Text { .. } | Kind::Number { .. } => {
            let numeric = match f.kind {
                Kind::Number { integer: true, .. } => Some("numeric"),
                Kind::Number { .. } => Some("decimal"),
                _ => None,
            };
            let oninput = Callback::from(move |e: InputEvent| {
                let el: HtmlInputElement = e.target_unchecked_into();
                emit(el.value());
            });
            html! {
                <input type="text" id={id.clone()} name={id.clone()} value={text} {oninput} inputmode={numeric}
                    required={f.required} aria-invalid={invalid} aria-describedby={described.clone()} />
            }
        }
    };
    let boolean = matches!(f.kind, Kind::Boolean);
    html! {
        <div class={classes!("field", boolean.then_some("check"), (!errors.is_empty()).then_some("invalid"))} data-path={path}>
            if boolean {
                <label for={id.clone()}>{ control }{ " " }{ &f.label }</label>
            } else {
                <label for={id.clone()}>{ &f.label }</label>
                { control }
            }
            if let Some(h) = &f.help { <p class="hint" id={hint_id}>{ h }</p> }
            if !errors.is_empty() {
                <p class="field-error" id={err_id} role="alert">{ errors.join(" ") }</p>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_ids_are_safe_and_follow_the_path() {
        assert_eq!(field_id("/cpu"), "cfg-cpu");
        assert_eq!(field_id("/backup/every_hours"), "cfg-backup-every_hours");
        assert_eq!(field_id("/a b~1c"), "cfg-a_b_1c");
    }

    #[test]
    fn server_errors_join_the_browsers_by_field() {
        let fields = crate::schema::fields(&serde_json::json!({"properties": {
            "cpu": {"type": "integer", "maximum": 8},
            "name": {"type": "string", "pattern": "^[a-z]+$"}
        }}));
        let browser = BTreeMap::from([("/cpu".to_owned(), Invalid::Maximum("8".into()))]);
        let server = Failure::invalid("config.name", "\"9x\" does not match \"^[a-z]+$\"");
        let all = form_errors(Language::En, "config", &fields, &browser, Some(&server));
        assert_eq!(
            all["/name"],
            vec!["\"9x\" does not match \"^[a-z]+$\"".to_owned()]
        );
        assert_eq!(all["/cpu"], vec!["At most 8.".to_owned()]);
        // A path the form has no field for is the configuration's.
        let elsewhere = Failure::invalid("config.users[0]", "not a string");
        let all = form_errors(
            Language::Fr,
            "config",
            &fields,
            &BTreeMap::new(),
            Some(&elsewhere),
        );
        assert_eq!(
            all[""],
            vec!["Valeur non valide. (not a string)".to_owned()]
        );
        // The instance's own name is not a configuration field.
        let own = Failure::invalid("name", "too long");
        assert!(form_errors(
            Language::En,
            "config",
            &fields,
            &BTreeMap::new(),
            Some(&own)
        )
        .is_empty());
    }
}
