//! An engine's command: an argv template, never a shell string (issue 17
//! §1). Each element is text with `{name}` placeholders: a parameter of the
//! engine's schema, `{inputs.<name>}` for an input file, `{workdir}` or
//! `{outdir}`; `{{` and `}}` are literal braces. A placeholder that names
//! nothing is refused when the engine is written, so a job never meets
//! one. A rendered element stays one argument whatever it holds: spaces,
//! quotes and `;` reach the program as they are, with no shell between.

use std::collections::{BTreeMap, BTreeSet};

use habilis_shared::i18n::Msg;
use serde_json::Value;

/// What is wrong with a command, in the reader's language when answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    LoneClose,
    Unclosed,
    NotPlaceholder(String),
    UnknownParameter(String),
    UnknownInput(String),
    ProgramPlaceholder,
    Nul,
}

impl Problem {
    pub fn msg(&self) -> Msg {
        match self {
            Problem::LoneClose => Msg::new("engines-command-lone-brace"),
            Problem::Unclosed => Msg::new("engines-command-unclosed"),
            Problem::NotPlaceholder(n) => {
                Msg::new("engines-command-not-placeholder").arg("name", n.clone())
            }
            Problem::UnknownParameter(n) => {
                Msg::new("engines-command-unknown-parameter").arg("name", n.clone())
            }
            Problem::UnknownInput(n) => {
                Msg::new("engines-command-unknown-input").arg("name", n.clone())
            }
            Problem::ProgramPlaceholder => Msg::new("engines-command-program"),
            Problem::Nul => Msg::new("engines-command-nul"),
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.msg().render(habilis_shared::dto::Language::En))
    }
}

/// One piece of an argv element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    Text(&'a str),
    Brace(char),
    Param(&'a str),
    Input(&'a str),
    Workdir,
    Outdir,
}

/// The pieces of one element, or what is wrong with it.
pub fn parse(arg: &str) -> Result<Vec<Piece<'_>>, Problem> {
    let mut out = Vec::new();
    let mut rest = arg;
    while !rest.is_empty() {
        let Some(at) = rest.find(['{', '}']) else {
            out.push(Piece::Text(rest));
            break;
        };
        if at > 0 {
            out.push(Piece::Text(&rest[..at]));
        }
        let tail = &rest[at..];
        if let Some(after) = tail.strip_prefix("{{") {
            out.push(Piece::Brace('{'));
            rest = after;
        } else if let Some(after) = tail.strip_prefix("}}") {
            out.push(Piece::Brace('}'));
            rest = after;
        } else if tail.starts_with('}') {
            return Err(Problem::LoneClose);
        } else {
            let Some(end) = tail.find('}') else {
                return Err(Problem::Unclosed);
            };
            let name = &tail[1..end];
            out.push(placeholder(name)?);
            rest = &tail[end + 1..];
        }
    }
    Ok(out)
}

fn placeholder(name: &str) -> Result<Piece<'_>, Problem> {
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    match name {
        "workdir" => Ok(Piece::Workdir),
        "outdir" => Ok(Piece::Outdir),
        _ => match name.strip_prefix("inputs.") {
            Some(input) if ok(input) => Ok(Piece::Input(input)),
            None if ok(name) => Ok(Piece::Param(name)),
            _ => Err(Problem::NotPlaceholder(name.to_owned())),
        },
    }
}

/// The parameter names a schema declares (`properties` of its root).
pub fn parameter_names(schema: &Value) -> BTreeSet<String> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// Checks a command against the parameters and inputs it may use: the
/// first problem and its field, `command[2]` naming the element.
pub fn check(
    argv: &[String],
    params: &BTreeSet<String>,
    inputs: &BTreeSet<String>,
) -> Result<(), (String, Problem)> {
    for (i, arg) in argv.iter().enumerate() {
        let field = format!("command[{i}]");
        let pieces = parse(arg).map_err(|m| (field.clone(), m))?;
        for piece in pieces {
            match piece {
                Piece::Param(p) if !params.contains(p) => {
                    return Err((field, Problem::UnknownParameter(p.to_owned())));
                }
                Piece::Input(p) if !inputs.contains(p) => {
                    return Err((field, Problem::UnknownInput(p.to_owned())));
                }
                _ => {}
            }
        }
    }
    if argv.first().is_some_and(|a| a.contains('{')) {
        // The program itself is fixed: a parameter never chooses it.
        return Err(("command[0]".to_owned(), Problem::ProgramPlaceholder));
    }
    Ok(())
}

/// What a placeholder becomes: a parameter's text (strings as they are,
/// numbers and booleans as JSON writes them, `null` empty, arrays and
/// objects as JSON).
fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Where a job's files are, for `{workdir}`, `{outdir}` and inputs.
pub struct Places<'a> {
    pub workdir: &'a str,
    pub outdir: &'a str,
    /// Input name → its path in the working directory.
    pub inputs: &'a BTreeMap<String, String>,
}

/// The argv of a job: every placeholder replaced. A placeholder with no
/// value (an optional parameter left out, an input not given) renders
/// empty; the element stays one argument.
pub fn render(
    argv: &[String],
    params: &Value,
    places: &Places<'_>,
) -> Result<Vec<String>, Problem> {
    argv.iter()
        .map(|arg| {
            let mut out = String::with_capacity(arg.len());
            for piece in parse(arg)? {
                match piece {
                    Piece::Text(t) => out.push_str(t),
                    Piece::Brace(c) => out.push(c),
                    Piece::Param(p) => {
                        if let Some(v) = params.get(p) {
                            out.push_str(&text_of(v));
                        }
                    }
                    Piece::Input(p) => {
                        if let Some(path) = places.inputs.get(p) {
                            out.push_str(path);
                        }
                    }
                    Piece::Workdir => out.push_str(places.workdir),
                    Piece::Outdir => out.push_str(places.outdir),
                }
            }
            if out.contains('\0') {
                return Err(Problem::Nul);
            }
            Ok(out)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn argv(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn placeholders_are_checked_against_the_schema_and_inputs() {
        let params = set(&["count", "label"]);
        let inputs = set(&["table"]);
        assert_eq!(
            check(
                &argv(&[
                    "seq",
                    "{count}",
                    "--in={inputs.table}",
                    "{outdir}/x",
                    "{{lit}}"
                ]),
                &params,
                &inputs
            ),
            Ok(())
        );
        assert_eq!(
            check(&argv(&["seq", "{size}"]), &params, &inputs),
            Err((
                "command[1]".to_owned(),
                Problem::UnknownParameter("size".to_owned())
            ))
        );
        assert_eq!(
            check(&argv(&["x", "{inputs.other}"]), &params, &inputs).map_err(|e| e.0),
            Err("command[1]".to_owned())
        );
        assert!(check(&argv(&["x", "{count"]), &params, &inputs).is_err());
        assert!(check(&argv(&["x", "count}"]), &params, &inputs).is_err());
        assert!(check(&argv(&["x", "{a b}"]), &params, &inputs).is_err());
        assert_eq!(
            check(&argv(&["{count}"]), &params, &inputs).map_err(|e| e.0),
            Err("command[0]".to_owned())
        );
    }

    #[test]
    fn problems_are_written_in_the_readers_language() {
        use habilis_shared::dto::Language;
        let lone = Problem::LoneClose.msg();
        assert_eq!(
            lone.render(Language::En),
            "A lone \"}\": write \"}}\" for a brace."
        );
        assert_eq!(
            Problem::Unclosed.msg().render(Language::En),
            "A \"{\" is not closed: write \"{{\" for a brace."
        );
        let unknown = Problem::UnknownParameter("size".into()).msg();
        assert!(unknown.render(Language::Fr).contains("size"));
        assert_ne!(unknown.render(Language::Fr), unknown.render(Language::En));
        assert_ne!(unknown.render(Language::Ja), unknown.render(Language::En));
    }

    #[test]
    fn rendering_keeps_each_element_one_argument() {
        let inputs = BTreeMap::from([("table".to_owned(), "inputs/table".to_owned())]);
        let places = Places {
            workdir: "/w",
            outdir: "/w/out",
            inputs: &inputs,
        };
        let params = json!({"count": 3, "label": "a b; rm -rf / $(x)", "flag": true});
        let out = render(
            &argv(&[
                "prog",
                "{count}",
                "--label={label}",
                "{flag}",
                "{inputs.table}",
                "{outdir}/r.txt",
                "{{x}}",
                "{missing}",
            ]),
            &params,
            &places,
        );
        assert_eq!(
            out,
            Ok(argv(&[
                "prog",
                "3",
                "--label=a b; rm -rf / $(x)",
                "true",
                "inputs/table",
                "/w/out/r.txt",
                "{x}",
                "",
            ]))
        );
        assert!(render(&argv(&["p", "{l}"]), &json!({"l": "a\u{0}b"}), &places).is_err());
    }
}
