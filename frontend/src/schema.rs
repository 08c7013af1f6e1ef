//! A form generated from an offering's configuration schema (JSON Schema
//! draft 2020-12), and the browser's check of what is typed into it.
//!
//! The server validates every launch with the `jsonschema` crate and
//! answers 422 with the paths of what is wrong; this module applies the
//! same keywords before sending, so a mistake shows next to its field at
//! once. It reads the subset a configuration form needs — `type`
//! (`string`, `number`, `integer`, `boolean`, `object` for nesting),
//! `enum`, `minimum`/`maximum` and their exclusive forms, `multipleOf`,
//! `minLength`/`maxLength`, `pattern` when it is a simple one, `default`,
//! `title`, `description`, `required` — written by hand over
//! `serde_json::Value`: a JSON-Schema crate would weigh more in the
//! WebAssembly than the whole form. Whatever it does not read (`oneOf`,
//! `$ref`, a pattern with groups) is left to the server.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

/// What a field holds, with the limits the browser checks.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Text {
        min_length: Option<u64>,
        max_length: Option<u64>,
        pattern: Option<String>,
    },
    Number {
        integer: bool,
        minimum: Option<Number>,
        maximum: Option<Number>,
        exclusive_minimum: Option<Number>,
        exclusive_maximum: Option<Number>,
        multiple_of: Option<Number>,
    },
    Boolean,
    /// `enum`: one of these values (a `<select>`).
    Choice(Vec<Value>),
}

/// One field of the form: a leaf of the schema's `properties`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    /// Where the value sits in the configuration, as a JSON pointer
    /// (`/cpu`, `/database/name`): the paths the server's 422 names.
    pub path: String,
    /// `title`, else the property name.
    pub label: String,
    /// `description`, shown as help under the field.
    pub help: Option<String>,
    pub kind: Kind,
    pub required: bool,
    pub default: Option<Value>,
}

/// Why a value is refused; the page words it in the user's language.
#[derive(Clone, Debug, PartialEq)]
pub enum Invalid {
    Required,
    NotANumber,
    NotAnInteger,
    /// Below `minimum` (or at/below `exclusiveMinimum`): the bound, as written.
    Minimum(String),
    ExclusiveMinimum(String),
    Maximum(String),
    ExclusiveMaximum(String),
    MultipleOf(String),
    MinLength(u64),
    MaxLength(u64),
    Pattern(String),
    NotAChoice,
}

/// The form's fields, in the schema's property order (nested objects
/// flattened, their fields' paths under the object's).
pub fn fields(schema: &Value) -> Vec<FieldSpec> {
    let mut out = vec![];
    collect(schema, "", None, &mut out);
    out
}

fn collect(schema: &Value, path: &str, parent_label: Option<&str>, out: &mut Vec<FieldSpec>) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, prop) in props {
        let here = format!("{path}/{}", escape(name));
        let own = prop
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_owned();
        let label = match parent_label {
            Some(p) => format!("{p} › {own}"),
            None => own,
        };
        if type_of(prop) == Some("object") {
            collect(prop, &here, Some(&label), out);
            continue;
        }
        let Some(kind) = kind_of(prop) else { continue };
        out.push(FieldSpec {
            path: here,
            label,
            help: prop
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
            kind,
            required: required.contains(&name.as_str()),
            default: prop.get("default").cloned(),
        });
    }
}

/// JSON pointer escaping of one property name (RFC 6901).
fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `type`, or its first non-null entry when it is a list.
fn type_of(prop: &Value) -> Option<&str> {
    match prop.get("type")? {
        Value::String(s) => Some(s),
        Value::Array(a) => a.iter().filter_map(Value::as_str).find(|t| *t != "null"),
        _ => None,
    }
}

fn kind_of(prop: &Value) -> Option<Kind> {
    if let Some(values) = prop.get("enum").and_then(Value::as_array) {
        return Some(Kind::Choice(values.clone()));
    }
    let num = |k: &str| match prop.get(k) {
        Some(Value::Number(n)) => Some(n.clone()),
        _ => None,
    };
    let count = |k: &str| prop.get(k).and_then(Value::as_u64);
    match type_of(prop)? {
        "string" => Some(Kind::Text {
            min_length: count("minLength"),
            max_length: count("maxLength"),
            pattern: prop
                .get("pattern")
                .and_then(Value::as_str)
                .map(str::to_owned),
        }),
        t @ ("number" | "integer") => Some(Kind::Number {
            integer: t == "integer",
            minimum: num("minimum"),
            maximum: num("maximum"),
            exclusive_minimum: num("exclusiveMinimum"),
            exclusive_maximum: num("exclusiveMaximum"),
            multiple_of: num("multipleOf"),
        }),
        "boolean" => Some(Kind::Boolean),
        _ => None,
    }
}

/// The text a field shows for a value (`true`/`false` for a checkbox, the
/// index of the choice for a `<select>`).
pub fn text_of(spec: &FieldSpec, value: &Value) -> String {
    match (&spec.kind, value) {
        (Kind::Choice(values), v) => values
            .iter()
            .position(|x| x == v)
            .map(|i| i.to_string())
            .unwrap_or_default(),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, v) => v.to_string(),
    }
}

/// The label of a choice of an `enum`.
pub fn choice_label(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}

/// What each field shows at first: the value in `config` (a saved
/// configuration), else the schema's default, else nothing.
pub fn initial(fields: &[FieldSpec], config: Option<&Value>) -> BTreeMap<String, String> {
    fields
        .iter()
        .map(|f| {
            let v = config
                .and_then(|c| c.pointer(&f.path))
                .or(f.default.as_ref());
            let text = match (v, &f.kind) {
                (Some(v), _) => text_of(f, v),
                (None, Kind::Boolean) => "false".to_owned(),
                (None, _) => String::new(),
            };
            (f.path.clone(), text)
        })
        .collect()
}

/// The value a field's text stands for; `Ok(None)` for an empty field (the
/// server then takes the default).
fn value_of(spec: &FieldSpec, text: &str) -> Result<Option<Value>, Invalid> {
    let text = match spec.kind {
        Kind::Text { .. } => text,
        _ => text.trim(),
    };
    if text.is_empty() && !matches!(spec.kind, Kind::Boolean) {
        return Ok(None);
    }
    match &spec.kind {
        Kind::Text { .. } => Ok(Some(Value::String(text.to_owned()))),
        Kind::Boolean => Ok(Some(Value::Bool(text == "true"))),
        Kind::Choice(values) => text
            .parse::<usize>()
            .ok()
            .and_then(|i| values.get(i).cloned())
            .map(Some)
            .ok_or(Invalid::NotAChoice),
        Kind::Number { integer, .. } => {
            let n = parse_number(text).ok_or(Invalid::NotANumber)?;
            let f = n.as_f64().ok_or(Invalid::NotANumber)?;
            if *integer && f.fract() != 0.0 {
                return Err(Invalid::NotAnInteger);
            }
            // A whole number is sent as one (`4`, not `4.0`).
            if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 {
                return Ok(Some(Value::from(f as i64)));
            }
            Ok(Some(Value::Number(n)))
        }
    }
}

/// A number as people type it (`4`, `-2.5`, `.5`, `+3`, `1e3`), read by
/// serde_json's own parser: core's `f64` parsing and formatting would add
/// kilobytes to the WebAssembly for the same result.
fn parse_number(text: &str) -> Option<Number> {
    let t = text.strip_prefix('+').unwrap_or(text);
    let (sign, digits) = match t.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", t),
    };
    let lead = if digits.starts_with('.') { "0" } else { "" };
    let digits = digits.strip_suffix('.').unwrap_or(digits);
    serde_json::from_str(&format!("{sign}{lead}{digits}")).ok()
}

/// A bound as the schema writes it, for a message (`0.5`, `200`).
fn written(n: &Number) -> String {
    serde_json::to_string(n).unwrap_or_default()
}

/// Checks one value against its field's keywords (the rules the server's
/// validator applies to the same value).
pub fn check(spec: &FieldSpec, value: &Value) -> Result<(), Invalid> {
    match (&spec.kind, value) {
        (Kind::Choice(values), v) => {
            if values.contains(v) {
                Ok(())
            } else {
                Err(Invalid::NotAChoice)
            }
        }
        (Kind::Boolean, Value::Bool(_)) => Ok(()),
        (
            Kind::Text {
                min_length,
                max_length,
                pattern,
            },
            Value::String(s),
        ) => {
            // JSON Schema counts characters (code points), not bytes.
            let len = s.chars().count() as u64;
            if let Some(min) = min_length.filter(|m| len < *m) {
                return Err(Invalid::MinLength(min));
            }
            if let Some(max) = max_length.filter(|m| len > *m) {
                return Err(Invalid::MaxLength(max));
            }
            if let Some(p) = pattern {
                if pattern_matches(p, s) == Some(false) {
                    return Err(Invalid::Pattern(p.clone()));
                }
            }
            Ok(())
        }
        (
            Kind::Number {
                integer,
                minimum,
                maximum,
                exclusive_minimum,
                exclusive_maximum,
                multiple_of,
            },
            Value::Number(n),
        ) => {
            let v = n.as_f64().ok_or(Invalid::NotANumber)?;
            if *integer && v.fract() != 0.0 {
                return Err(Invalid::NotAnInteger);
            }
            if let Some((_, b)) = bound(minimum).filter(|(m, _)| v < *m) {
                return Err(Invalid::Minimum(written(b)));
            }
            if let Some((_, b)) = bound(exclusive_minimum).filter(|(m, _)| v <= *m) {
                return Err(Invalid::ExclusiveMinimum(written(b)));
            }
            if let Some((_, b)) = bound(maximum).filter(|(m, _)| v > *m) {
                return Err(Invalid::Maximum(written(b)));
            }
            if let Some((_, b)) = bound(exclusive_maximum).filter(|(m, _)| v >= *m) {
                return Err(Invalid::ExclusiveMaximum(written(b)));
            }
            if let Some((m, b)) = bound(multiple_of).filter(|(m, _)| *m > 0.0) {
                let q = v / m;
                if (q - q.round()).abs() > 1e-9 {
                    return Err(Invalid::MultipleOf(written(b)));
                }
            }
            Ok(())
        }
        (Kind::Number { .. }, _) => Err(Invalid::NotANumber),
        _ => Err(Invalid::NotAChoice),
    }
}

/// A bound of the schema, as a number and as written.
fn bound(b: &Option<Number>) -> Option<(f64, &Number)> {
    let b = b.as_ref()?;
    Some((b.as_f64()?, b))
}

/// The configuration the form's texts stand for, and what is wrong with
/// it, by field path. An empty field is left out (the server fills in the
/// default), unless it is required and has no default.
pub fn build(
    fields: &[FieldSpec],
    texts: &BTreeMap<String, String>,
) -> (Value, BTreeMap<String, Invalid>) {
    let mut config = Value::Object(Map::new());
    let mut errors = BTreeMap::new();
    for f in fields {
        let text = texts.get(&f.path).map(String::as_str).unwrap_or_default();
        match value_of(f, text) {
            Err(e) => {
                errors.insert(f.path.clone(), e);
            }
            Ok(None) => {
                if f.required && f.default.is_none() {
                    errors.insert(f.path.clone(), Invalid::Required);
                }
            }
            Ok(Some(v)) => match check(f, &v) {
                Err(e) => {
                    errors.insert(f.path.clone(), e);
                }
                Ok(()) => set(&mut config, &f.path, v),
            },
        }
    }
    (config, errors)
}

/// Puts `value` at the JSON pointer `path`, making the objects on the way.
fn set(root: &mut Value, path: &str, value: Value) {
    let parts: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = parts.split_last() else {
        return;
    };
    let mut here = root;
    for p in parents {
        let Value::Object(map) = here else { return };
        here = map
            .entry(p.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if let Value::Object(map) = here {
        map.insert(last.clone(), value);
    }
}

/// The field a key of the server's 422 `errors` names, when it is one of
/// the schema's: the server writes the JSON-Schema instance path under the
/// request's field `root` (`config` for an instance, `parameters` for a
/// job) with dots and brackets (`config.max_connections`,
/// `config.backup.every_hours`, `config.users[0]`); this gives the field's
/// JSON pointer (`/max_connections`), `""` for `root` itself. Other keys
/// (`name`, `configuration_id`) are the request's own fields: `None`.
pub fn field_of_error_key(root: &str, key: &str) -> Option<String> {
    let mut rest = key.strip_prefix(root)?;
    let mut path = String::new();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            path.push('/');
            path.push_str(&escape(&r[..end]));
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            path.push('/');
            path.push_str(&r[..end]);
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(path)
}

// ───────────────────────────── simple patterns ─────────────────────────────

/// What one position of a pattern matches.
#[derive(Clone, Debug, PartialEq)]
enum Atom {
    Any,
    Char(char),
    /// A class: ranges, negated or not.
    Class(Vec<(char, char)>, bool),
}

#[derive(Clone, Debug, PartialEq)]
struct Piece {
    atom: Atom,
    min: usize,
    max: usize,
}

struct Simple {
    start: bool,
    end: bool,
    pieces: Vec<Piece>,
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('a', 'z'), ('_', '_')];
const SPACE: &[(char, char)] = &[
    (' ', ' '),
    ('\t', '\r'),
    ('\u{a0}', '\u{a0}'),
    ('\u{2028}', '\u{2029}'),
];

/// `\d`, `\w`, `\s` and their negations, or an escaped literal.
fn escape_class(c: char) -> Option<Atom> {
    Some(match c {
        'd' => Atom::Class(DIGIT.to_vec(), false),
        'D' => Atom::Class(DIGIT.to_vec(), true),
        'w' => Atom::Class(WORD.to_vec(), false),
        'W' => Atom::Class(WORD.to_vec(), true),
        's' => Atom::Class(SPACE.to_vec(), false),
        'S' => Atom::Class(SPACE.to_vec(), true),
        'n' => Atom::Char('\n'),
        't' => Atom::Char('\t'),
        c if c.is_ascii_punctuation() => Atom::Char(c),
        _ => return None,
    })
}

/// Reads a pattern made of literals, `.`, classes, `\d \w \s`, the
/// quantifiers `* + ? {n} {n,} {n,m}` and the anchors `^ … $`; `None` for
/// anything else (groups, alternation, back-references, lazy quantifiers).
fn parse(pattern: &str) -> Option<Simple> {
    let mut chars: Vec<char> = pattern.chars().collect();
    let start = chars.first() == Some(&'^');
    if start {
        chars.remove(0);
    }
    let end = chars.last() == Some(&'$') && !(chars.len() >= 2 && chars[chars.len() - 2] == '\\');
    if end {
        chars.pop();
    }
    let mut pieces = vec![];
    let mut i = 0;
    while i < chars.len() {
        let atom = match chars[i] {
            '.' => Atom::Any,
            '\\' => {
                i += 1;
                escape_class(*chars.get(i)?)?
            }
            '[' => {
                let (atom, next) = class(&chars, i + 1)?;
                i = next;
                atom
            }
            '(' | ')' | '|' | '^' | '$' | '*' | '+' | '?' | '{' | '}' | ']' => return None,
            c => Atom::Char(c),
        };
        i += 1;
        let (min, max) = match chars.get(i) {
            Some('*') => (0, usize::MAX),
            Some('+') => (1, usize::MAX),
            Some('?') => (0, 1),
            Some('{') => {
                let close = chars[i..].iter().position(|c| *c == '}')? + i;
                let inside: String = chars[i + 1..close].iter().collect();
                let (a, b) = match inside.split_once(',') {
                    None => {
                        let n = inside.parse().ok()?;
                        (n, n)
                    }
                    Some((a, "")) => (a.parse().ok()?, usize::MAX),
                    Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                };
                i = close;
                (a, b)
            }
            _ => {
                pieces.push(Piece {
                    atom,
                    min: 1,
                    max: 1,
                });
                continue;
            }
        };
        i += 1;
        // A lazy or possessive quantifier is not "simple".
        if matches!(chars.get(i), Some('?' | '+')) || min > max {
            return None;
        }
        pieces.push(Piece { atom, min, max });
    }
    Some(Simple { start, end, pieces })
}

/// A class `[…]` starting after its `[`: the atom and the index of its `]`.
fn class(chars: &[char], mut i: usize) -> Option<(Atom, usize)> {
    let negated = chars.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut ranges = vec![];
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Atom::Class(ranges, negated), i));
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            match escape_class(*chars.get(i)?)? {
                Atom::Char(c) => c,
                Atom::Class(r, false) => {
                    ranges.extend(r);
                    i += 1;
                    continue;
                }
                _ => return None,
            }
        } else if c == '[' {
            // `[[:alpha:]]` and set operations are not simple.
            return None;
        } else {
            c
        };
        if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']') {
            let hi = chars[i + 2];
            if hi == '\\' || hi < lo {
                return None;
            }
            ranges.push((lo, hi));
            i += 3;
        } else {
            ranges.push((lo, lo));
            i += 1;
        }
    }
}

impl Atom {
    fn matches(&self, c: char) -> bool {
        match self {
            // ECMAScript's `.` takes anything but a line terminator.
            Atom::Any => !matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}'),
            Atom::Char(x) => *x == c,
            Atom::Class(ranges, negated) => {
                ranges.iter().any(|(lo, hi)| (*lo..=*hi).contains(&c)) != *negated
            }
        }
    }
}

/// Does the end of `pieces` match `text` from `at`? Greedy with
/// backtracking; configuration values are short.
fn match_from(pieces: &[Piece], text: &[char], at: usize, end: bool) -> bool {
    let Some((p, rest)) = pieces.split_first() else {
        return !end || at == text.len();
    };
    let mut n = 0;
    while n < p.max && at + n < text.len() && p.atom.matches(text[at + n]) {
        n += 1;
    }
    loop {
        if n >= p.min && match_from(rest, text, at + n, end) {
            return true;
        }
        if n == 0 || n <= p.min {
            return false;
        }
        n -= 1;
    }
}

/// Does `text` match `pattern` (ECMAScript semantics: found anywhere
/// unless anchored)? `None` when the pattern is not a simple one: the
/// server alone decides then.
pub fn pattern_matches(pattern: &str, text: &str) -> Option<bool> {
    let p = parse(pattern)?;
    let chars: Vec<char> = text.chars().collect();
    let starts = if p.start { 0..=0 } else { 0..=chars.len() };
    Some(
        starts
            .into_iter()
            .any(|s| match_from(&p.pieces, &chars, s, p.end)),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn schema() -> Value {
        json!({
            "type": "object",
            "required": ["name", "cpu"],
            "properties": {
                "name": {"type": "string", "title": "Database name", "minLength": 3, "maxLength": 20,
                         "pattern": "^[a-z][a-z0-9_]*$", "default": "research",
                         "description": "Lower case letters, digits, underscores"},
                "cpu": {"type": "integer", "minimum": 1, "maximum": 8, "default": 2},
                "memory_gb": {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.5},
                "version": {"enum": ["15", "16"], "default": "15"},
                "public": {"type": "boolean", "default": false},
                "backup": {"type": "object", "properties": {
                    "every_hours": {"type": ["integer", "null"], "minimum": 1}
                }},
                "notes": {"oneOf": [{"type": "string"}]}
            }
        })
    }

    fn texts(fields: &[FieldSpec], changes: &[(&str, &str)]) -> BTreeMap<String, String> {
        let mut t = initial(fields, None);
        for (k, v) in changes {
            t.insert((*k).to_owned(), (*v).to_owned());
        }
        t
    }

    #[test]
    fn reads_the_fields_of_a_schema() {
        let f = fields(&schema());
        let mut paths: Vec<&str> = f.iter().map(|f| f.path.as_str()).collect();
        // `notes` (oneOf) is left to the server.
        paths.sort_unstable();
        assert_eq!(
            paths,
            [
                "/backup/every_hours",
                "/cpu",
                "/memory_gb",
                "/name",
                "/public",
                "/version"
            ]
        );
        let name = f.iter().find(|f| f.path == "/name").expect("name");
        assert_eq!(name.label, "Database name");
        assert!(name.required);
        assert_eq!(
            name.help.as_deref(),
            Some("Lower case letters, digits, underscores")
        );
        let nested = f
            .iter()
            .find(|f| f.path == "/backup/every_hours")
            .expect("nested");
        assert_eq!(nested.label, "backup › every_hours");
        assert!(matches!(nested.kind, Kind::Number { integer: true, .. }));
    }

    #[test]
    fn defaults_fill_the_form_and_build_a_valid_configuration() {
        let f = fields(&schema());
        let t = initial(&f, None);
        assert_eq!(t["/name"], "research");
        assert_eq!(t["/version"], "0");
        assert_eq!(t["/public"], "false");
        assert_eq!(t["/memory_gb"], "");
        let (config, errors) = build(&f, &t);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            config,
            json!({"name": "research", "cpu": 2, "version": "15", "public": false})
        );
    }

    #[test]
    fn a_saved_configuration_fills_the_form() {
        let f = fields(&schema());
        let saved = json!({"cpu": 4, "version": "16", "backup": {"every_hours": 6}});
        let t = initial(&f, Some(&saved));
        assert_eq!(t["/cpu"], "4");
        assert_eq!(t["/version"], "1");
        assert_eq!(t["/backup/every_hours"], "6");
        let (config, errors) = build(&f, &t);
        assert!(errors.is_empty());
        assert_eq!(config["backup"]["every_hours"], json!(6));
    }

    #[test]
    fn each_keyword_is_checked() {
        let f = fields(&schema());
        let cases: &[(&str, &str, Invalid)] = &[
            ("/cpu", "0", Invalid::Minimum("1".into())),
            ("/cpu", "9", Invalid::Maximum("8".into())),
            ("/cpu", "2.5", Invalid::NotAnInteger),
            ("/cpu", "two", Invalid::NotANumber),
            ("/memory_gb", "0", Invalid::ExclusiveMinimum("0".into())),
            ("/memory_gb", "1.2", Invalid::MultipleOf("0.5".into())),
            ("/name", "ab", Invalid::MinLength(3)),
            ("/name", &"a".repeat(21), Invalid::MaxLength(20)),
            (
                "/name",
                "9lives",
                Invalid::Pattern("^[a-z][a-z0-9_]*$".into()),
            ),
            ("/version", "7", Invalid::NotAChoice),
            ("/backup/every_hours", "0", Invalid::Minimum("1".into())),
        ];
        for (path, text, want) in cases {
            let (_, errors) = build(&f, &texts(&f, &[(path, text)]));
            assert_eq!(errors.get(*path), Some(want), "{path} = {text}");
            assert_eq!(errors.len(), 1, "{path} = {text}: {errors:?}");
        }
        for (path, text) in [
            ("/memory_gb", "1.5"),
            ("/memory_gb", ".5"),
            ("/memory_gb", "+2"),
            ("/cpu", "8"),
            ("/cpu", "4.0"),
            ("/cpu", "4."),
        ] {
            let (_, errors) = build(&f, &texts(&f, &[(path, text)]));
            assert!(errors.is_empty(), "{path} = {text}: {errors:?}");
        }
    }

    #[test]
    fn numbers_are_read_as_typed_and_whole_ones_sent_whole() {
        let f = fields(&schema());
        let (config, errors) = build(&f, &texts(&f, &[("/cpu", "4.0"), ("/memory_gb", ".5")]));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(config["cpu"], json!(4));
        assert!(config["cpu"].is_i64());
        assert_eq!(config["memory_gb"], json!(0.5));
        assert_eq!(parse_number("1e3").and_then(|n| n.as_f64()), Some(1000.0));
        for bad in ["", "-", "1,5", "0x10", "1.2.3", "NaN", "inf"] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_empty_field_takes_the_default_unless_required_without_one() {
        let f = fields(&json!({
            "type": "object", "required": ["a", "b"],
            "properties": {"a": {"type": "string"}, "b": {"type": "integer", "default": 1},
                           "c": {"type": "string"}}
        }));
        let (config, errors) = build(&f, &texts(&f, &[("/b", "")]));
        assert_eq!(errors.get("/a"), Some(&Invalid::Required));
        assert_eq!(errors.len(), 1);
        assert_eq!(config, json!({}));
    }

    #[test]
    fn server_error_keys_name_the_fields() {
        let key = |k| field_of_error_key("config", k);
        assert_eq!(key("config.cpu").as_deref(), Some("/cpu"));
        assert_eq!(
            key("config.backup.every_hours").as_deref(),
            Some("/backup/every_hours")
        );
        assert_eq!(key("config.a/b[0].c").as_deref(), Some("/a~1b/0/c"));
        assert_eq!(key("config").as_deref(), Some(""));
        assert_eq!(key("name"), None);
        assert_eq!(key("configuration_id"), None);
        assert_eq!(key("config[1"), None);
        // A job's parameters, under their own field.
        assert_eq!(
            field_of_error_key("parameters", "parameters.count").as_deref(),
            Some("/count")
        );
        assert_eq!(field_of_error_key("parameters", "config.count"), None);
    }

    #[test]
    fn simple_patterns_match_like_ecmascript() {
        let yes = [
            ("^[a-z][a-z0-9_]*$", "db_1"),
            ("[0-9]", "abc1"),
            ("^\\d{3}-\\d{2,}$", "123-4567"),
            ("^a.c$", "abc"),
            ("^[^@\\s]+@[\\w.-]+$", "a.b@inserm.fr"),
            ("^x?y+z*$", "yy"),
            ("^\\.$", "."),
            ("^[-a]$", "-"),
            ("^a{2}$", "aa"),
        ];
        for (p, t) in yes {
            assert_eq!(pattern_matches(p, t), Some(true), "{p} on {t}");
        }
        let no = [
            ("^[a-z][a-z0-9_]*$", "Db"),
            ("^[a-z][a-z0-9_]*$", "db-1"),
            ("[0-9]", "abc"),
            ("^\\d{3}-\\d{2,}$", "12-45"),
            ("^a.c$", "a\nc"),
            ("^a{2}$", "aaa"),
            ("^[^@\\s]+@[\\w.-]+$", "a b@x"),
        ];
        for (p, t) in no {
            assert_eq!(pattern_matches(p, t), Some(false), "{p} on {t}");
        }
        for p in [
            "^(a|b)$",
            "a|b",
            "^a+?$",
            "\\1",
            "[[:alpha:]]",
            "^[z-a]$",
            "\\p{L}",
        ] {
            assert_eq!(pattern_matches(p, "a"), None, "{p} is not simple");
        }
    }
}
