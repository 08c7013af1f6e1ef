//! The catalogs' files and the renderer: on the server (`full-catalog`)
//! the Fluent bundles, built once per language from the compiled-in files;
//! in the SPA the patterns `build.rs` compiled from the same files
//! (`compiled.rs`), so the WebAssembly carries no Fluent parser or runtime.

#[cfg(feature = "full-catalog")]
use std::sync::OnceLock;

#[cfg(feature = "full-catalog")]
use fluent_bundle::concurrent::FluentBundle;
#[cfg(feature = "full-catalog")]
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use super::{Arg, Language};

#[cfg(not(feature = "full-catalog"))]
use super::compiled::format;

#[cfg(feature = "full-catalog")]
type Bundle = FluentBundle<FluentResource>;

/// The areas, one `.ftl` file each per language. A new capability adds its
/// file here and under every `shared/locales/<lang>/`.
#[cfg(feature = "full-catalog")]
pub const AREAS: [&str; 18] = [
    "errors",
    "validation",
    "auth",
    "accounts",
    "orgs",
    "projects",
    "works",
    "datasets",
    "instances",
    "services",
    "jobs",
    "engines",
    "compute",
    "support",
    "policy",
    "policydoc",
    "mail",
    "kb",
];

/// Without `full-catalog` (the SPA): only the policy's reasons, the one
/// text the SPA renders itself (its own words are in `frontend/i18n/`).
/// `policy.ftl` refers to no message of another file (`policydoc.ftl`,
/// the policy reference the server writes, may use its messages).
/// `build.rs` compiles these files (its own `AREAS` names the same).
#[cfg(not(feature = "full-catalog"))]
pub const AREAS: [&str; 1] = ["policy"];

#[cfg(feature = "full-catalog")]
macro_rules! files {
    ($lang:literal) => {
        [
            include_str!(concat!("../../locales/", $lang, "/errors.ftl")),
            include_str!(concat!("../../locales/", $lang, "/validation.ftl")),
            include_str!(concat!("../../locales/", $lang, "/auth.ftl")),
            include_str!(concat!("../../locales/", $lang, "/accounts.ftl")),
            include_str!(concat!("../../locales/", $lang, "/orgs.ftl")),
            include_str!(concat!("../../locales/", $lang, "/projects.ftl")),
            include_str!(concat!("../../locales/", $lang, "/works.ftl")),
            include_str!(concat!("../../locales/", $lang, "/datasets.ftl")),
            include_str!(concat!("../../locales/", $lang, "/instances.ftl")),
            include_str!(concat!("../../locales/", $lang, "/services.ftl")),
            include_str!(concat!("../../locales/", $lang, "/jobs.ftl")),
            include_str!(concat!("../../locales/", $lang, "/engines.ftl")),
            include_str!(concat!("../../locales/", $lang, "/compute.ftl")),
            include_str!(concat!("../../locales/", $lang, "/support.ftl")),
            include_str!(concat!("../../locales/", $lang, "/policy.ftl")),
            include_str!(concat!("../../locales/", $lang, "/policydoc.ftl")),
            include_str!(concat!("../../locales/", $lang, "/mail.ftl")),
            include_str!(concat!("../../locales/", $lang, "/kb.ftl")),
        ]
    };
}

#[cfg(all(not(feature = "full-catalog"), test))]
macro_rules! files {
    ($lang:literal) => {
        [include_str!(concat!(
            "../../locales/",
            $lang,
            "/policy.ftl"
        ))]
    };
}

/// The source of every file of `lang`, in [`AREAS`] order.
#[cfg(any(feature = "full-catalog", test))]
pub(crate) fn sources(lang: Language) -> [&'static str; AREAS.len()] {
    match lang {
        Language::En => files!("en"),
        Language::Fr => files!("fr"),
        Language::Ja => files!("ja"),
    }
}

#[cfg(feature = "full-catalog")]
fn build(lang: Language) -> Bundle {
    let id = lang
        .as_str()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks around arguments: e-mail clients and JSON
    // readers would show them as stray characters.
    bundle.set_use_isolating(false);
    for source in sources(lang) {
        // A syntax error drops only the broken entries (and the parity test
        // names them); the rest of the file still loads.
        let resource = FluentResource::try_new(source.to_owned()).unwrap_or_else(|(res, _)| res);
        // An id defined twice keeps its first definition (the test refuses
        // duplicates, so this never happens in a build that passed).
        let _duplicates = bundle.add_resource(resource);
    }
    bundle
}

#[cfg(feature = "full-catalog")]
fn bundle(lang: Language) -> &'static Bundle {
    static EN: OnceLock<Bundle> = OnceLock::new();
    static FR: OnceLock<Bundle> = OnceLock::new();
    static JA: OnceLock<Bundle> = OnceLock::new();
    let cell = match lang {
        Language::En => &EN,
        Language::Fr => &FR,
        Language::Ja => &JA,
    };
    cell.get_or_init(|| build(lang))
}

#[cfg(feature = "full-catalog")]
pub(crate) fn format(lang: Language, key: &str, args: &[(&str, Arg)]) -> Option<String> {
    let bundle = bundle(lang);
    let pattern = bundle.get_message(key)?.value()?;
    let mut fluent_args = FluentArgs::with_capacity(args.len());
    for (name, value) in args {
        let value = match value {
            Arg::Text(s) => FluentValue::from(s.as_ref()),
            Arg::Number(n) => FluentValue::from(*n),
            Arg::Msg(m) => FluentValue::from(m.render(lang)),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    Some(text.into_owned())
}

/// The text of `key` in `lang`, else in English, else the key itself.
/// Argument names need not be `'static`: the e-mail templates name them.
pub fn render(lang: Language, key: &str, args: &[(&str, Arg)]) -> String {
    format(lang, key, args)
        .or_else(|| format(Language::En, key, args))
        .unwrap_or_else(|| key.to_owned())
}
