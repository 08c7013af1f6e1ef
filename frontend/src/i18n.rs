//! Message catalogs: every visible string comes from `i18n/<lang>.json`.
//! The catalogs must have the same keys (tested), and every key the code
//! asks for must exist (tested against the sources).

use std::collections::HashMap;
use std::sync::OnceLock;

use habilis_shared::dto::Language;

pub const EN: &str = include_str!("../i18n/en.json");
pub const FR: &str = include_str!("../i18n/fr.json");
pub const JA: &str = include_str!("../i18n/ja.json");

type Catalog = HashMap<String, String>;

fn parse(text: &str) -> Catalog {
    serde_json::from_str(text).unwrap_or_default()
}

fn catalog(lang: Language) -> &'static Catalog {
    static EN_C: OnceLock<Catalog> = OnceLock::new();
    static FR_C: OnceLock<Catalog> = OnceLock::new();
    static JA_C: OnceLock<Catalog> = OnceLock::new();
    match lang {
        Language::En => EN_C.get_or_init(|| parse(EN)),
        Language::Fr => FR_C.get_or_init(|| parse(FR)),
        Language::Ja => JA_C.get_or_init(|| parse(JA)),
    }
}

/// The message for `key` in `lang`, falling back to English, then to the key.
pub fn tr(lang: Language, key: &str) -> String {
    catalog(lang)
        .get(key)
        .or_else(|| catalog(Language::En).get(key))
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// Like [`tr`] but `None` when no catalog has the key.
pub fn try_tr(lang: Language, key: &str) -> Option<String> {
    catalog(lang)
        .get(key)
        .or_else(|| catalog(Language::En).get(key))
        .cloned()
}

/// `{name}` placeholders.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut s = template.to_owned();
    for (k, v) in args {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn keys(text: &str) -> BTreeSet<String> {
        let map: HashMap<String, String> = serde_json::from_str(text).expect("catalog is JSON");
        map.into_keys().collect()
    }

    #[test]
    fn catalogs_have_the_same_keys() {
        let en = keys(EN);
        for (name, text) in [("fr", FR), ("ja", JA)] {
            let other = keys(text);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(
                missing.is_empty() && extra.is_empty(),
                "{name}: missing {missing:?}, extra {extra:?}"
            );
        }
    }

    #[test]
    fn no_empty_messages() {
        for (name, text) in [("en", EN), ("fr", FR), ("ja", JA)] {
            let map: HashMap<String, String> = serde_json::from_str(text).expect("JSON");
            for (k, v) in map {
                assert!(!v.trim().is_empty(), "{name}: {k} is empty");
            }
        }
    }

    /// Every literal key passed to `t("…")` in the sources exists in English.
    #[test]
    fn every_key_used_exists() {
        let en = keys(EN);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut files = vec![];
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("src dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut missing = vec![];
        for f in files {
            let src = std::fs::read_to_string(&f).expect("source");
            for part in src.split("t(\"").skip(1) {
                if let Some(end) = part.find('"') {
                    let key = &part[..end];
                    if key.contains('.') && !key.ends_with('.') && !en.contains(key) {
                        missing.push(format!("{}: {key}", f.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys missing from en.json: {missing:#?}"
        );
    }
}
