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
