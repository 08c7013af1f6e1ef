//! Message catalogs: every visible string comes from `i18n/<lang>.json`.
//! The catalogs must have the same keys (tested), and every key the code
//! asks for must exist (tested against the sources).
//!
//! They are not compiled into the WebAssembly: `make spa` puts them beside
//! it (`dist/i18n/<lang>.json`) and the app fetches the one language it
//! shows, before the first render and again when the language changes
//! ([`load`]). Three catalogs inside the module weighed about 37 KB of its
//! gzipped size, and a reader needs only one of them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use habilis_shared::dto::Language;

#[cfg(test)]
pub const EN: &str = include_str!("../i18n/en.json");
#[cfg(test)]
pub const FR: &str = include_str!("../i18n/fr.json");
#[cfg(test)]
pub const JA: &str = include_str!("../i18n/ja.json");

type Catalog = HashMap<String, String>;

thread_local! {
    /// The catalogs fetched so far: English, French, Japanese.
    static CATALOGS: RefCell<[Option<Rc<Catalog>>; 3]> = const { RefCell::new([None, None, None]) };
}

fn slot(lang: Language) -> usize {
    match lang {
        Language::En => 0,
        Language::Fr => 1,
        Language::Ja => 2,
    }
}

fn catalog(lang: Language) -> Option<Rc<Catalog>> {
    CATALOGS.with(|c| {
        let mut c = c.borrow_mut();
        let slot = &mut c[slot(lang)];
        // Unit tests run without a server: the files themselves.
        #[cfg(test)]
        if slot.is_none() {
            let text = match lang {
                Language::En => EN,
                Language::Fr => FR,
                Language::Ja => JA,
            };
            *slot = serde_json::from_str(text).ok().map(Rc::new);
        }
        slot.clone()
    })
}

/// Has the catalog of `lang` arrived?
pub fn is_loaded(lang: Language) -> bool {
    catalog(lang).is_some()
}

/// Fetches the catalog of `lang` unless it is already here; `false` when
/// it could not be had (the app then stays in the language it shows).
pub async fn load(lang: Language) -> bool {
    if is_loaded(lang) {
        return true;
    }
    let url = format!("/i18n/{}.json", lang.as_str());
    let Ok(res) = gloo_net::http::Request::get(&url).send().await else {
        return false;
    };
    if !res.ok() {
        return false;
    }
    let Ok(text) = res.text().await else {
        return false;
    };
    let Ok(catalog) = serde_json::from_str::<Catalog>(&text) else {
        return false;
    };
    CATALOGS.with(|c| c.borrow_mut()[slot(lang)] = Some(Rc::new(catalog)));
    true
}

/// The message for `key` in `lang`, falling back to English, then to the key.
pub fn tr(lang: Language, key: &str) -> String {
    try_tr(lang, key).unwrap_or_else(|| key.to_owned())
}

/// Like [`tr`] but `None` when no catalog has the key.
pub fn try_tr(lang: Language, key: &str) -> Option<String> {
    [lang, Language::En]
        .into_iter()
        .find_map(|l| catalog(l)?.get(key).cloned())
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
