//! `?limit=&cursor=` (SPEC §11): limit 1–200, default 50; cursors opaque;
//! an empty `cursor=` is the first page.
//!
//! Pages are keyset pages: a cursor names the sort key of the last row
//! shown (an id, or the sort columns then the id, see [`encode_keys`]), and
//! the next page starts strictly after it, so rows added or removed
//! meanwhile never shift a page.

use base64::Engine;
use habilis_shared::dto::{DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT};
use habilis_shared::i18n::Msg;

use crate::error::{ApiError, ApiResult};

/// The page size asked for, checked.
pub fn limit(asked: Option<u32>) -> ApiResult<i64> {
    let limit = asked.unwrap_or(DEFAULT_PAGE_LIMIT);
    if limit == 0 || limit > MAX_PAGE_LIMIT {
        return Err(ApiError::field(
            "limit",
            Msg::new("validation-range-between")
                .arg("min", 1)
                .arg("max", MAX_PAGE_LIMIT),
        ));
    }
    Ok(i64::from(limit))
}

/// A cursor naming the last key of a page (an id).
pub fn encode_cursor(key: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(key.as_bytes())
}

/// The key inside a cursor, if it is one of ours (422 otherwise); no
/// cursor, or an empty one, is the first page.
pub fn decode_cursor(cursor: Option<&str>) -> ApiResult<Option<String>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let key = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c.as_bytes())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    key.map(Some)
        .ok_or_else(|| ApiError::field("cursor", Msg::new("validation-cursor")))
}

fn bad_cursor() -> ApiError {
    ApiError::field("cursor", Msg::new("validation-cursor"))
}

/// The longest key part a composite cursor carries (names are at most 200
/// characters).
const MAX_KEY_CHARS: usize = 400;

/// A cursor naming the last row of a page by several keys: the sort columns
/// in order, the id last.
pub fn encode_keys(keys: &[&str]) -> String {
    let json = serde_json::to_string(keys).unwrap_or_default();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.as_bytes())
}

/// The `n` keys inside a cursor of [`encode_keys`] (422 if it is not one
/// of ours); no cursor, or an empty one, is the first page.
pub fn decode_keys(cursor: Option<&str>, n: usize) -> ApiResult<Option<Vec<String>>> {
    let Some(c) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(c.as_bytes())
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
        .filter(|keys| keys.len() == n && keys.iter().all(|k| k.chars().count() <= MAX_KEY_CHARS))
        .map(Some)
        .ok_or_else(bad_cursor)
}

/// A timestamp as a cursor key, exactly (microseconds), and back.
pub fn time_key(t: chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// The timestamp of a [`time_key`] (422 if it is none).
pub fn parse_time_key(key: &str) -> ApiResult<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(key, "%Y-%m-%dT%H:%M:%S%.6f").map_err(|_| bad_cursor())
}

/// `?limit=` and `?cursor=` of a list, checked: the page size, and the keys
/// the page starts after (`keys` of them, see [`encode_keys`]).
pub struct Keyset {
    pub limit: i64,
    pub after: Option<Vec<String>>,
}

impl Keyset {
    pub fn parse(limit: Option<u32>, cursor: Option<&str>, keys: usize) -> ApiResult<Keyset> {
        Ok(Keyset {
            limit: self::limit(limit)?,
            after: decode_keys(cursor, keys)?,
        })
    }

    /// Key `i` of the cursor, if there is a cursor.
    pub fn key(&self, i: usize) -> Option<&str> {
        self.after
            .as_ref()
            .and_then(|k| k.get(i))
            .map(String::as_str)
    }

    /// How many rows to fetch: one more than shown, to know whether a next
    /// page exists.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }

    /// The page of `rows` (fetched with [`Keyset::fetch`]) and the cursor
    /// of the next one, made of the keys `key` gives for a row.
    pub fn page<T>(
        &self,
        rows: Vec<T>,
        key: impl Fn(&T) -> Vec<String>,
    ) -> (Vec<T>, Option<String>) {
        split_page(rows, self.limit, |r| {
            let keys = key(r);
            encode_keys(&keys.iter().map(String::as_str).collect::<Vec<_>>())
        })
    }
}

/// Cuts a page fetched with `limit + 1` rows and names the next cursor.
pub fn split_page<T>(
    mut rows: Vec<T>,
    limit: i64,
    key: impl Fn(&T) -> String,
) -> (Vec<T>, Option<String>) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        let next = rows.last().map(key);
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_cursors() {
        assert_eq!(limit(None).ok(), Some(50));
        assert!(limit(Some(0)).is_err() && limit(Some(201)).is_err());
        let c = encode_cursor("01a2-b3");
        assert_eq!(
            decode_cursor(Some(&c)).ok().flatten().as_deref(),
            Some("01a2-b3")
        );
        assert!(decode_cursor(Some("%%%")).is_err());
        assert!(decode_cursor(Some(&encode_cursor("a'b"))).is_err());
        // An empty cursor is the first page.
        assert_eq!(decode_cursor(Some("")).ok(), Some(None));
        assert_eq!(decode_keys(Some(""), 2).ok(), Some(None));
        let keys = encode_keys(&["Zoë O'Hara", "01a2"]);
        assert_eq!(
            decode_keys(Some(&keys), 2).ok().flatten(),
            Some(vec!["Zoë O'Hara".to_owned(), "01a2".to_owned()])
        );
        assert!(decode_keys(Some(&keys), 3).is_err());
        assert!(decode_keys(Some("%%%"), 1).is_err());
        assert!(decode_keys(Some(&encode_cursor("not json")), 1).is_err());
        let t = chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
            .map(|t| t.naive_utc())
            .expect("a time");
        assert_eq!(parse_time_key(&time_key(t)).ok(), Some(t));
        let (rows, next) = split_page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((rows, next.as_deref()), (vec![1, 2], Some("2")));
    }
}
