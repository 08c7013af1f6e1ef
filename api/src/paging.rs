//! `?limit=&cursor=` (SPEC §11): limit 1–200, default 50; cursors opaque.

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

/// The key inside a cursor, if it is one of ours (422 otherwise).
pub fn decode_cursor(cursor: Option<&str>) -> ApiResult<Option<String>> {
    let Some(c) = cursor else { return Ok(None) };
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
        let (rows, next) = split_page(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!((rows, next.as_deref()), (vec![1, 2], Some("2")));
    }
}
