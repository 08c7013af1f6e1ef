//! The committed OpenAPI document must match the code.

#[test]
fn committed_openapi_matches_the_code() {
    let generated = habilis_api::routes::openapi_json();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is out of date: run `make openapi` and commit it"
    );
}

/// Every `$ref` names a schema of the document: a generated client cannot
/// follow a dangling one (openapi-python-client drops the operation).
#[test]
fn every_reference_resolves() {
    let doc: serde_json::Value =
        serde_json::from_str(&habilis_api::routes::openapi_json()).expect("json");
    let schemas = &doc["components"]["schemas"];
    let mut dangling = Vec::new();
    fn walk(v: &serde_json::Value, schemas: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(r) = map.get("$ref").and_then(|r| r.as_str()) {
                    let name = r.trim_start_matches("#/components/schemas/");
                    if schemas.get(name).is_none() {
                        out.push(r.to_owned());
                    }
                }
                map.values().for_each(|x| walk(x, schemas, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|x| walk(x, schemas, out)),
            _ => {}
        }
    }
    walk(&doc, schemas, &mut dangling);
    assert!(dangling.is_empty(), "dangling references: {dangling:?}");
}
