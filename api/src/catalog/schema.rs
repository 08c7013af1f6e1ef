//! An offering's configuration schema and README template (SPEC §6).
//!
//! The schema is JSON Schema draft 2020-12, compiled with the `jsonschema`
//! crate, which is built without its HTTP and file resolvers and told to
//! stay offline: a `$ref` to anything but the schema itself is an error,
//! never a request. Its root describes an object; the `default` of each
//! property is what a one-click launch gets. The README is a minijinja
//! template, compiled when the offering is written and rendered for the
//! instance's owner with `instance`, `open_url`, `config`, `secrets` and
//! `connection`.

use std::fmt;

use serde_json::{Map, Value};

/// Where a schema, a configuration or a template is wrong: a JSON pointer
/// (`/properties/port/minimum`; empty for the whole) or a template line,
/// and what is wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem {
        path: path.into(),
        message: message.into(),
    }
}

/// The schema compiled (draft 2020-12, offline), after checking that it
/// describes an object and that its own defaults pass it.
pub fn compile(schema: &Value) -> Result<jsonschema::Validator, Problem> {
    let Some(root) = schema.as_object() else {
        return Err(problem("", "the schema must be a JSON object"));
    };
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(problem(
            "/type",
            "the configuration is an object: the schema must say \"type\": \"object\"",
        ));
    }
    let validator = jsonschema::draft202012::options()
        .offline()
        .build(schema)
        .map_err(|e| problem(e.instance_path().as_str(), e.to_string()))?;
    let defaults = defaults(schema);
    if let Some(first) = validator.iter_errors(&defaults).next() {
        let at = first.instance_path().as_str().to_owned();
        return Err(problem(
            format!("{}/default", pointer_of_property(&at)),
            format!("the default does not pass the schema: {first}"),
        ));
    }
    Ok(validator)
}

/// The schema pointer of the property at instance pointer `at`
/// (`/port` → `/properties/port`).
fn pointer_of_property(at: &str) -> String {
    at.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| format!("/properties/{s}"))
        .collect()
}

/// The JSON-Schema instance path of an error (`/users/0`) as a field name
/// of a 422 answer under `root`: `config.users[0]`, `parameters.count`.
pub fn field_of(root: &str, pointer: &str) -> String {
    let mut out = String::from(root);
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        if seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            out.push('.');
            out.push_str(&seg);
        }
    }
    out
}

/// The configuration a launch gets without asking anything: the `default`
/// of every property of the schema, nested objects included.
pub fn defaults(schema: &Value) -> Value {
    let mut out = Map::new();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            if let Some(d) = prop.get("default") {
                out.insert(name.clone(), d.clone());
            } else if prop.get("type").and_then(Value::as_str) == Some("object") {
                let inner = defaults(prop);
                if inner.as_object().is_some_and(|m| !m.is_empty()) {
                    out.insert(name.clone(), inner);
                }
            }
        }
    }
    Value::Object(out)
}

/// `over` laid over `under`, objects merged key by key.
fn merge(under: &mut Value, over: &Value) {
    match (under, over) {
        (Value::Object(u), Value::Object(o)) => {
            for (k, v) in o {
                match u.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        u.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

/// The effective configuration of a launch: `given` merged over the
/// schema's defaults, then validated; every error with its path in the
/// configuration (`/port`).
pub fn effective_config(schema: &Value, given: Option<&Value>) -> Result<Value, Vec<Problem>> {
    let validator = compile(schema).map_err(|p| vec![p])?;
    let mut config = defaults(schema);
    if let Some(given) = given {
        if !given.is_object() {
            return Err(vec![problem("", "the configuration must be a JSON object")]);
        }
        merge(&mut config, given);
    }
    let errors: Vec<Problem> = validator
        .iter_errors(&config)
        .map(|e| problem(e.instance_path().as_str(), e.to_string()))
        .collect();
    if errors.is_empty() {
        Ok(config)
    } else {
        Err(errors)
    }
}

/// An environment for README templates: Markdown, so nothing is escaped;
/// a variable the instance lacks renders empty.
fn environment() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Compiles a README template; the error names the line.
pub fn check_template(source: &str) -> Result<(), Problem> {
    let env = environment();
    env.template_from_str(source).map(drop).map_err(|e| {
        let line = e.line().map(|l| format!("line {l}")).unwrap_or_default();
        problem(line, e.to_string())
    })
}

/// The README of an instance: `template` rendered with `context`
/// (`instance`, `open_url`, `config`, `secrets`, `connection`).
pub fn render_readme(template: &str, context: &Value) -> Result<String, Problem> {
    let env = environment();
    let tmpl = env
        .template_from_str(template)
        .map_err(|e| problem("", e.to_string()))?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(context)))
        .map_err(|e| problem("", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "version": {"type": "string", "enum": ["15", "16"], "default": "16"},
                "memory_mb": {"type": "integer", "minimum": 128, "maximum": 4096, "default": 512},
                "extensions": {"type": "boolean", "default": false},
                "tuning": {
                    "type": "object",
                    "properties": {"work_mem_mb": {"type": "integer", "default": 4}}
                }
            },
            "additionalProperties": false
        })
    }

    #[test]
    fn a_good_schema_compiles_and_gives_its_defaults() {
        assert!(compile(&schema()).is_ok());
        assert_eq!(
            defaults(&schema()),
            json!({"version": "16", "memory_mb": 512, "extensions": false,
                   "tuning": {"work_mem_mb": 4}})
        );
        let c = effective_config(&schema(), Some(&json!({"memory_mb": 1024})));
        assert_eq!(
            c.ok().and_then(|c| c.get("memory_mb").cloned()),
            Some(json!(1024))
        );
        let c = effective_config(&schema(), None).ok();
        assert_eq!(c.and_then(|c| c.get("version").cloned()), Some(json!("16")));
    }

    #[test]
    fn bad_schemas_are_refused_with_a_path() {
        let e = compile(&json!([1])).err();
        assert_eq!(e.map(|e| e.path), Some(String::new()));
        let e = compile(&json!({"type": "string"})).err();
        assert_eq!(e.map(|e| e.path), Some("/type".to_owned()));
        // Not a valid schema: `minimum` must be a number.
        let e = compile(&json!({
            "type": "object",
            "properties": {"port": {"type": "integer", "minimum": "low"}}
        }))
        .err();
        assert_eq!(
            e.map(|e| e.path),
            Some("/properties/port/minimum".to_owned())
        );
        // A default that its own schema refuses.
        let e = compile(&json!({
            "type": "object",
            "properties": {"port": {"type": "integer", "maximum": 10, "default": 99}}
        }))
        .err();
        assert_eq!(
            e.map(|e| e.path),
            Some("/properties/port/default".to_owned())
        );
    }

    #[test]
    fn remote_references_are_never_fetched() {
        for reference in [
            "https://example.org/schema.json",
            "http://127.0.0.1:9/x.json",
            "file:///etc/passwd",
        ] {
            let s = json!({"type": "object", "properties": {"x": {"$ref": reference}}});
            assert!(compile(&s).is_err(), "{reference}");
        }
        // A local reference works.
        let s = json!({
            "type": "object",
            "$defs": {"port": {"type": "integer"}},
            "properties": {"x": {"$ref": "#/$defs/port"}}
        });
        assert!(compile(&s).is_ok());
    }

    #[test]
    fn configurations_are_validated_with_paths() {
        let errors = effective_config(
            &schema(),
            Some(&json!({"memory_mb": 1, "version": "9", "nope": 1})),
        )
        .err()
        .unwrap_or_default();
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert!(paths.contains(&"/memory_mb"), "{errors:?}");
        assert!(paths.contains(&"/version"), "{errors:?}");
        assert!(effective_config(&schema(), Some(&json!(3))).is_err());
    }

    #[test]
    fn templates_compile_and_render() {
        assert!(check_template("Hello {{ instance.name }}").is_ok());
        let e = check_template("{% if %}").err();
        assert!(e.is_some_and(|e| e.path.starts_with("line")));
        let out = render_readme(
            "psql {{ connection.url }} <{{ secrets.password }}>{{ missing }}",
            &json!({"connection": {"url": "postgresql://u@h/db"}, "secrets": {"password": "p&q"}}),
        );
        assert_eq!(out.ok().as_deref(), Some("psql postgresql://u@h/db <p&q>"));
    }
}
