//! The catalog file: the offerings a database starts with (SPEC §6).
//!
//! TOML, or JSON by extension, like the policy: `version = 1` and one
//! `[[offerings]]` table per offering with the fields of `POST /catalog`
//! (`id`, `name`, `category`, `description`, `config_schema`,
//! `readme_template`, `price_per_hour`, `unit`, `spawner`, `limits`).
//! Reading it reports the first problem with its path in the file
//! (`offerings[1].config_schema: /properties/port/minimum: …`). The
//! built-in file is `api/catalog/default.toml`; `HABILIS_CATALOG` names
//! another.

use std::collections::HashSet;
use std::path::Path;

use habilis_shared::dto::CreateOffering;
use serde::Deserialize;
use validator::Validate;

use super::schema;

/// The catalog compiled into the binary.
pub const DEFAULT: &str = include_str!("../../catalog/default.toml");

/// A catalog file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// Format version; only `1` exists.
    #[serde(default = "one")]
    pub version: u32,
    #[serde(default)]
    pub offerings: Vec<CreateOffering>,
}

fn one() -> u32 {
    1
}

/// The built-in catalog, or the file at `path` (TOML, JSON by extension),
/// checked; the error names the file and the first problem's path.
pub fn load(path: Option<&Path>) -> Result<Vec<CreateOffering>, String> {
    let Some(path) = path else {
        return parse_toml(DEFAULT).map_err(|e| format!("invalid built-in catalog: {e}"));
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read catalog {}: {e}", path.display()))?;
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let parsed = if json {
        parse_json(&text)
    } else {
        parse_toml(&text)
    };
    parsed.map_err(|e| format!("invalid catalog {}: {e}", path.display()))
}

pub fn parse_toml(text: &str) -> Result<Vec<CreateOffering>, String> {
    let de = toml::Deserializer::new(text);
    let file: CatalogFile = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let message = inner.message().to_owned();
        let at = inner
            .span()
            .map(|s| format!(" (line {})", line_of(text, s.start)))
            .unwrap_or_default();
        format!("{}: {message}{at}", shown(&path))
    })?;
    check(file)
}

pub fn parse_json(text: &str) -> Result<Vec<CreateOffering>, String> {
    let mut de = serde_json::Deserializer::from_str(text);
    let file: CatalogFile = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| format!("{}: {}", shown(&e.path().to_string()), e.inner()))?;
    de.end().map_err(|e| format!("(document): {e}"))?;
    check(file)
}

fn shown(path: &str) -> &str {
    if path == "." {
        "(document)"
    } else {
        path
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The rules a file must meet beyond its shape: version 1, unique ids,
/// each offering valid as `POST /catalog` would take it.
fn check(file: CatalogFile) -> Result<Vec<CreateOffering>, String> {
    if file.version != 1 {
        return Err(format!(
            "version: only version 1 exists (got {})",
            file.version
        ));
    }
    let mut seen = HashSet::new();
    for (i, o) in file.offerings.iter().enumerate() {
        let at = |field: &str| format!("offerings[{i}].{field}");
        if !seen.insert(o.id.as_str()) {
            return Err(format!("{}: the id {:?} is used twice", at("id"), o.id));
        }
        check_offering(o).map_err(|(field, message)| format!("{}: {message}", at(&field)))?;
    }
    Ok(file.offerings)
}

/// One offering as `POST /catalog` checks it: its fields, its spawner,
/// its schema and its README template. The error is (field, message).
pub fn check_offering(o: &CreateOffering) -> Result<(), (String, String)> {
    if let Err(errors) = o.validate() {
        let mut fields: Vec<(String, String)> = Vec::new();
        for (field, kind) in errors.errors() {
            let detail = match kind {
                validator::ValidationErrorsKind::Field(list) => list
                    .iter()
                    .map(|e| e.code.to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "invalid".to_owned(),
            };
            fields.push((field.to_string(), detail));
        }
        fields.sort();
        if let Some((field, code)) = fields.into_iter().next() {
            return Err((field, format!("invalid ({code})")));
        }
    }
    check_spawner(&o.spawner.kind, o.spawner.recipe.as_deref())?;
    schema::compile(&o.config_schema).map_err(|p| ("config_schema".to_owned(), p.to_string()))?;
    schema::check_template(&o.readme_template)
        .map_err(|p| ("readme_template".to_owned(), p.to_string()))?;
    Ok(())
}

/// A spawner kind this platform knows; the local one needs a recipe.
pub fn check_spawner(kind: &str, recipe: Option<&str>) -> Result<(), (String, String)> {
    if !super::SPAWNER_KINDS.contains(&kind) {
        return Err((
            "spawner.kind".to_owned(),
            format!(
                "unknown spawner kind {kind:?} (one of {})",
                super::SPAWNER_KINDS.join(", ")
            ),
        ));
    }
    if kind == "local" && recipe.is_none() {
        return Err((
            "spawner.recipe".to_owned(),
            "the local spawner needs a recipe".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_catalog_is_valid() {
        let offerings = load(None).unwrap_or_else(|e| panic!("{e}"));
        let ids: Vec<&str> = offerings.iter().map(|o| o.id.as_str()).collect();
        for id in ["postgresql", "jupyterlab"] {
            assert!(ids.contains(&id), "{ids:?}");
        }
        // The local offerings name the local spawner's recipes, which it
        // runs once their tools are installed.
        let local: Vec<(&str, Option<&str>)> = offerings
            .iter()
            .filter(|o| o.spawner.kind == "local")
            .map(|o| (o.id.as_str(), o.spawner.recipe.as_deref()))
            .collect();
        assert_eq!(
            local,
            [
                ("postgresql", Some(crate::spawners::local::RECIPES[0])),
                ("jupyterlab", Some(crate::spawners::local::RECIPES[1])),
            ]
        );
        assert!(offerings.iter().any(|o| o.spawner.kind == "kubernetes"));
        assert!(offerings.iter().any(|o| o.spawner.kind == "slurm"));
    }

    #[test]
    fn errors_name_their_path() {
        let bad_schema = r#"
[[offerings]]
id = "a"
name = "A"
category = "Tools"
price_per_hour = 0.0
unit = "EUR"
spawner = { kind = "slurm" }
config_schema = { type = "object" }

[[offerings]]
id = "b"
name = "B"
category = "Tools"
price_per_hour = 0.0
unit = "EUR"
spawner = { kind = "slurm" }
config_schema = { type = "object", properties = { port = { type = "integer", minimum = "low" } } }
"#;
        let e = parse_toml(bad_schema).err().unwrap_or_default();
        assert!(
            e.starts_with("offerings[1].config_schema: /properties/port/minimum: "),
            "{e}"
        );
        let e = parse_toml("[[offerings]]\nid = \"a\"\ncolour = 1\n")
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("offerings[0].colour: unknown field"), "{e}");
        let e = parse_toml("version = 2\n").err().unwrap_or_default();
        assert!(e.starts_with("version: "), "{e}");
        let e = parse_json(r#"{"offerings": [{"id": 3}]}"#)
            .err()
            .unwrap_or_default();
        assert!(e.starts_with("offerings[0].id: "), "{e}");
        let twice = bad_schema
            .replace("id = \"b\"", "id = \"a\"")
            .replace("minimum = \"low\"", "minimum = 1");
        let e = parse_toml(&twice).err().unwrap_or_default();
        assert!(e.starts_with("offerings[1].id: "), "{e}");
        let bad_template =
            bad_schema.replace("id = \"b\"", "id = \"b\"\nreadme_template = \"{% if %}\"");
        let bad_template = bad_template.replace("minimum = \"low\"", "minimum = 1");
        let e = parse_toml(&bad_template).err().unwrap_or_default();
        assert!(e.starts_with("offerings[1].readme_template: line 1"), "{e}");
        let local = bad_schema
            .replace("minimum = \"low\"", "minimum = 1")
            .replace(
                "kind = \"slurm\" }\nconfig_schema = { type = \"object\", p",
                "kind = \"local\" }\nconfig_schema = { type = \"object\", p",
            );
        let e = parse_toml(&local).err().unwrap_or_default();
        assert!(e.starts_with("offerings[1].spawner.recipe: "), "{e}");
    }
}
