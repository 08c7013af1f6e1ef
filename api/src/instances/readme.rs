//! An instance's README: the offering's `readme_template` rendered with
//! minijinja (never string replacement) over `instance` (name, id),
//! `open_url`, `config`, `secrets` and `connection` (what the spawner
//! reported: host, port, user, url, psql, …), as Markdown; then the same
//! as HTML, rendered by pulldown-cmark and sanitised by ammonia (the
//! template is admin data, the values come from spawners: neither may put
//! a script in the page).

use minijinja::{context, Environment, UndefinedBehavior};
use serde_json::Value;

use super::queries::{InstanceRow, OfferingRow};

/// The Markdown README of `row`, or `None` when its template does not
/// render (logged: the catalog checks templates when it loads them).
pub fn render(offering: &OfferingRow, row: &InstanceRow) -> Option<String> {
    let stored: Value = row
        .secrets
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(Value::Null);
    let secrets = stored.get("secrets").cloned().unwrap_or(Value::Null);
    let connection = stored.get("connection").cloned().unwrap_or(Value::Null);
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    let ctx = context! {
        instance => context! { name => &row.name, id => &row.id },
        open_url => row.open_url.as_deref().unwrap_or(""),
        config => minijinja::Value::from(minijinja::value::Serde(row.config())),
        secrets => minijinja::Value::from(minijinja::value::Serde(secrets)),
        connection => minijinja::Value::from(minijinja::value::Serde(connection)),
    };
    match env.render_str(&offering.readme_template, ctx) {
        Ok(md) => Some(md),
        Err(e) => {
            tracing::warn!(offering = %offering.id, error = %e, "README template does not render");
            None
        }
    }
}

/// Markdown → sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut out = String::new();
    html::push_html(&mut out, parser);
    ammonia::clean(&out)
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn html_is_sanitised() {
        let html = to_html("# Hi\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1)) `psql`");
        assert!(html.contains("<h1>Hi</h1>"), "{html}");
        assert!(html.contains("<code>psql</code>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}
