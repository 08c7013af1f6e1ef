//! The engine rules (SPEC §7, issue 17 §1, §7): an engine's parameters
//! are an object schema that compiles offline and whose defaults pass it;
//! its inputs have distinct names; its command names only what exists.
//! Every change is a new version, written in one transaction with its
//! audit row; the caller has already been authorised.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use habilis_shared::dto::{CreateEngine, EngineInput, EngineResources, UpdateEngine};
use habilis_shared::i18n::Msg;
use serde_json::{json, Value};
use validator::Validate;

use super::command;
use super::queries::{self, EngineRow, EngineVersionRow};
use crate::audit::{self, AuditAction, Event, Outcome};
use crate::auth::Caller;
use crate::catalog::schema;
use crate::clock::db_time;
use crate::db::DbConn;
use crate::error::{ApiError, ProblemType};

/// What an engine rule refuses.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    #[error("{field}: {problem}")]
    Command {
        field: String,
        problem: command::Problem,
    },
    #[error("the engine changed meanwhile")]
    Changed,
    #[error("no such engine")]
    NotFound,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<EngineError> for ApiError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Invalid { field, message } => ApiError::field(
                &field,
                Msg::new("engines-field-invalid").arg("detail", message),
            ),
            EngineError::Command { field, problem } => ApiError::field(&field, problem.msg()),
            EngineError::Changed => {
                ApiError::conflict(ProblemType::WrongState, Msg::new("engines-changed"))
            }
            EngineError::NotFound => ApiError::not_found(),
            EngineError::Db(e) => e.into(),
        }
    }
}

pub type EngineResult<T> = Result<T, EngineError>;

fn invalid(field: impl Into<String>, message: impl Into<String>) -> EngineError {
    EngineError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// The first field error of a validator report, as (field, message).
fn first_error(errors: &validator::ValidationErrors) -> Option<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for (field, kind) in errors.errors() {
        match kind {
            validator::ValidationErrorsKind::Field(list) => {
                let codes: Vec<String> = list.iter().map(|e| e.code.to_string()).collect();
                fields.push((field.to_string(), format!("invalid ({})", codes.join(", "))));
            }
            validator::ValidationErrorsKind::Struct(inner) => {
                if let Some((f, m)) = first_error(inner) {
                    fields.push((format!("{field}.{f}"), m));
                }
            }
            validator::ValidationErrorsKind::List(items) => {
                if let Some((i, inner)) = items.iter().next() {
                    if let Some((f, m)) = first_error(inner) {
                        fields.push((format!("{field}[{i}].{f}"), m));
                    }
                }
            }
        }
    }
    fields.sort();
    fields.into_iter().next()
}

/// Everything a version holds, checked together.
struct Definition<'a> {
    command: &'a [String],
    parameters: &'a Value,
    inputs: &'a [EngineInput],
}

fn check(d: &Definition<'_>) -> EngineResult<()> {
    schema::compile(d.parameters).map_err(|p| {
        invalid(
            if p.path.is_empty() {
                "parameters".to_owned()
            } else {
                format!("parameters{}", p.path.replace('/', "."))
            },
            p.message,
        )
    })?;
    let mut names = BTreeSet::new();
    for (i, input) in d.inputs.iter().enumerate() {
        let ok = input
            .name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !ok {
            return Err(invalid(
                format!("inputs[{i}].name"),
                "letters, digits, \"_\" and \"-\" only",
            ));
        }
        if !names.insert(input.name.clone()) {
            return Err(invalid(format!("inputs[{i}].name"), "used twice"));
        }
    }
    let params = command::parameter_names(d.parameters);
    command::check(d.command, &params, &names)
        .map_err(|(field, problem)| EngineError::Command { field, problem })
}

fn json_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_owned())
}

/// Records a new engine at version 1.
pub fn create(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    req: &CreateEngine,
) -> EngineResult<(EngineRow, EngineVersionRow)> {
    if let Err(e) = req.validate() {
        if let Some((f, m)) = first_error(&e) {
            return Err(invalid(f, m));
        }
    }
    check(&Definition {
        command: &req.command,
        parameters: &req.parameters,
        inputs: &req.inputs,
    })?;
    let at = db_time(now);
    let id = uuid::Uuid::now_v7().to_string();
    let engine = EngineRow {
        id: id.clone(),
        version: 1,
        created_by: caller.id().to_owned(),
        created_at: at,
        updated_at: at,
        retired_at: None,
    };
    let v = EngineVersionRow {
        engine_id: id.clone(),
        version: 1,
        name: req.name.trim().to_owned(),
        description: req.description.trim().to_owned(),
        command: json_text(&req.command),
        parameters: req.parameters.to_string(),
        inputs: json_text(&req.inputs),
        timeout_secs: i64::from(req.timeout_secs),
        cpus: i64::from(req.resources.cpus),
        memory_mb: i64::from(req.resources.memory_mb),
        created_by: caller.id().to_owned(),
        created_at: at,
    };
    conn.write_tx(|conn| {
        queries::insert(conn, &engine, &v)?;
        audit::append(
            conn,
            now,
            Event::new(AuditAction::EngineCreate, Outcome::Success)
                .actor(caller.id())
                .target("engine", id.clone())
                .detail(json!({"version": 1, "name": v.name})),
        )?;
        Ok::<_, EngineError>(())
    })?;
    Ok((engine, v))
}

/// Records the next version of an engine: what the request names, over
/// the current version.
pub fn update(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
    req: &UpdateEngine,
) -> EngineResult<(EngineRow, EngineVersionRow)> {
    if let Err(e) = req.validate() {
        if let Some((f, m)) = first_error(&e) {
            return Err(invalid(f, m));
        }
    }
    let (_, cur) = queries::find_live(conn, id)?.ok_or(EngineError::NotFound)?;
    let command = req.command.clone().unwrap_or_else(|| cur.command());
    let parameters = req.parameters.clone().unwrap_or_else(|| cur.parameters());
    let inputs = req.inputs.clone().unwrap_or_else(|| cur.inputs());
    let resources = req.resources.unwrap_or_else(|| cur.resources());
    check(&Definition {
        command: &command,
        parameters: &parameters,
        inputs: &inputs,
    })?;
    let at = db_time(now);
    let v = EngineVersionRow {
        engine_id: id.to_owned(),
        version: cur.version + 1,
        name: req
            .name
            .as_deref()
            .map_or_else(|| cur.name.clone(), |s| s.trim().to_owned()),
        description: req
            .description
            .as_deref()
            .map_or_else(|| cur.description.clone(), |s| s.trim().to_owned()),
        command: json_text(&command),
        parameters: parameters.to_string(),
        inputs: json_text(&inputs),
        timeout_secs: req.timeout_secs.map_or(cur.timeout_secs, i64::from),
        cpus: i64::from(resources.cpus),
        memory_mb: i64::from(resources.memory_mb),
        created_by: caller.id().to_owned(),
        created_at: at,
    };
    conn.write_tx(|conn| {
        if !queries::add_version(conn, &v)? {
            return Err(EngineError::Changed);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::EngineUpdate, Outcome::Success)
                .actor(caller.id())
                .target("engine", id.to_owned())
                .detail(json!({"version": v.version})),
        )?;
        Ok(())
    })?;
    let engine = queries::find(conn, id)?.ok_or(EngineError::NotFound)?;
    Ok((engine, v))
}

/// Retires an engine: it is no longer listed or runnable; its jobs keep
/// the version they ran.
pub fn retire(
    conn: &mut DbConn,
    now: DateTime<Utc>,
    caller: &Caller,
    id: &str,
) -> EngineResult<()> {
    conn.write_tx(|conn| {
        if !queries::retire(conn, id, db_time(now))? {
            return Err(EngineError::NotFound);
        }
        audit::append(
            conn,
            now,
            Event::new(AuditAction::EngineRetire, Outcome::Success)
                .actor(caller.id())
                .target("engine", id.to_owned()),
        )?;
        Ok(())
    })
}

/// The parameters of a job: `given` over the schema's defaults, validated;
/// every error by field (`parameters.count`).
pub fn effective_parameters(
    v: &EngineVersionRow,
    given: Option<&Value>,
) -> Result<Value, BTreeMap<String, Vec<Msg>>> {
    schema::effective_config(&v.parameters(), given).map_err(|problems| {
        let mut errors: BTreeMap<String, Vec<Msg>> = BTreeMap::new();
        for p in problems {
            errors
                .entry(schema::field_of("parameters", &p.path))
                .or_default()
                .push(Msg::new("engines-parameter-invalid").arg("reason", p.message));
        }
        errors
    })
}

/// The resources of a version, for the executor.
pub fn resources(v: &EngineVersionRow) -> EngineResources {
    v.resources()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def<'a>(
        command: &'a [String],
        parameters: &'a Value,
        inputs: &'a [EngineInput],
    ) -> Definition<'a> {
        Definition {
            command,
            parameters,
            inputs,
        }
    }

    #[test]
    fn a_definition_is_checked_whole() {
        let cmd = vec!["seq".to_owned(), "{count}".to_owned()];
        let good =
            json!({"type": "object", "properties": {"count": {"type": "integer", "default": 3}}});
        assert!(check(&def(&cmd, &good, &[])).is_ok());
        let not_object = json!({"type": "array"});
        assert!(matches!(
            check(&def(&cmd, &not_object, &[])),
            Err(EngineError::Invalid { field, .. }) if field == "parameters.type"
        ));
        let bad_default =
            json!({"type": "object", "properties": {"count": {"type": "integer", "default": "x"}}});
        assert!(matches!(
            check(&def(&cmd, &bad_default, &[])),
            Err(EngineError::Invalid { .. })
        ));
        let no_param = json!({"type": "object"});
        assert!(matches!(
            check(&def(&cmd, &no_param, &[])),
            Err(EngineError::Command { field, .. }) if field == "command[1]"
        ));
        let twice = [
            EngineInput {
                name: "a".into(),
                description: String::new(),
                required: true,
            },
            EngineInput {
                name: "a".into(),
                description: String::new(),
                required: true,
            },
        ];
        assert!(matches!(
            check(&def(&cmd, &good, &twice)),
            Err(EngineError::Invalid { field, .. }) if field == "inputs[1].name"
        ));
        let remote = json!({"type": "object", "properties": {"count": {"$ref": "https://example.org/s.json"}}});
        assert!(check(&def(&cmd, &remote, &[])).is_err());
    }
}
