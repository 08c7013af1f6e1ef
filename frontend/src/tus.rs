//! A tus 1.0.0 client (resumable uploads, <https://tus.io>) for the
//! dataset uploads of the API (`/api/v1/datasets/{id}/uploads`, then
//! `/api/v1/uploads/{id}`).
//!
//! - create: `POST` with `Upload-Length` and `Upload-Metadata` (the file's
//!   name as its path in the dataset, its type);
//! - send: `PATCH` chunks of [`CHUNK`] bytes sliced from the `File`
//!   (`Blob.slice`: the browser reads each chunk from the disk as it sends
//!   it, the file is never held in memory);
//! - progress and speed from the offsets the server acknowledges;
//! - pause: the request in flight is aborted; resume: `HEAD`, then `PATCH`
//!   from the server's offset;
//! - retries with backoff after a network failure, a `423` (another
//!   request of the same upload still in flight) or a `409` (offsets
//!   differ), each time from the server's offset (`HEAD`);
//! - after a page reload: the upload's URL is kept in `localStorage` with
//!   the file's fingerprint (name, size, last modification) and the
//!   dataset, never a token. Choosing the same file again in the same
//!   dataset resumes it.
//!
//! No whole-file `sha256` metadata is sent: a digest computed in the
//! browser before the upload would read every file twice (or hold it in
//! memory); the server computes the SHA-256 while the bytes arrive and the
//! page shows it.
//!
//! The requests go through [`Client::raw`]: the session's access token in
//! memory and its refresh on a 401.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use gloo_net::http::{Method, Response};
use web_sys::{AbortController, AbortSignal, File};
use yew::Callback;

use crate::api::{failure_of, Client, Failure};

/// Bytes per `PATCH`.
pub const CHUNK: u64 = 4 << 20;
/// Consecutive failed attempts (network, 409, 423, 5xx) before giving up.
pub const MAX_ATTEMPTS: u32 = 8;
/// The `localStorage` key of the unfinished uploads.
const STORE_KEY: &str = "habilis.uploads";
const TUS: (&str, &str) = ("Tus-Resumable", "1.0.0");
const OCTETS: (&str, &str) = ("Content-Type", "application/offset+octet-stream");

/// Standard base64 with padding (RFC 4648 §4), as `Upload-Metadata` wants.
pub fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `Upload-Metadata`: the path in the dataset and, when the browser knows
/// it, the content type.
pub fn metadata(name: &str, content_type: &str) -> String {
    let mut m = format!("filename {}", base64(name.as_bytes()));
    if !content_type.is_empty() {
        m.push_str(",filetype ");
        m.push_str(&base64(content_type.as_bytes()));
    }
    m
}

/// The wait before attempt `attempt` (1, 2, …) again: 0.5 s doubling, at
/// most 10 s.
pub fn backoff_ms(attempt: u32) -> u32 {
    (500u32 << attempt.saturating_sub(1).min(5)).min(10_000)
}

/// Where the chunk that starts at `offset` ends.
pub fn chunk_end(offset: u64, size: u64) -> u64 {
    offset.saturating_add(CHUNK).min(size)
}

/// `Upload-Offset` (or any byte count header).
pub fn offset_of(value: Option<String>) -> Option<u64> {
    value?.trim().parse().ok()
}

/// The speed of the last few seconds, from the acknowledged offsets.
#[derive(Default)]
pub struct Meter {
    samples: VecDeque<(f64, u64)>,
}

impl Meter {
    const WINDOW_MS: f64 = 5_000.0;

    /// The offset acknowledged at `at_ms`.
    pub fn record(&mut self, at_ms: f64, offset: u64) {
        self.samples.push_back((at_ms, offset));
        while self.samples.len() > 2
            && self
                .samples
                .front()
                .is_some_and(|(t, _)| at_ms - t > Self::WINDOW_MS)
        {
            self.samples.pop_front();
        }
    }

    /// Bytes per second, 0 until two samples are apart in time.
    pub fn speed(&self) -> f64 {
        match (self.samples.front(), self.samples.back()) {
            (Some(&(t0, o0)), Some(&(t1, o1))) if t1 > t0 => {
                o1.saturating_sub(o0) as f64 * 1000.0 / (t1 - t0)
            }
            _ => 0.0,
        }
    }

    /// Starts again (after a pause, the time paused is no transfer).
    pub fn reset(&mut self) {
        self.samples.clear();
    }
}

/// An upload begun and not finished, as kept in `localStorage`: where it
/// is and which file it is of. No token, no content.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfinished {
    pub url: String,
    pub dataset: String,
    pub name: String,
    pub size: u64,
    /// `File.lastModified`, ms since the epoch.
    pub modified: u64,
}

impl Unfinished {
    fn is_of(&self, dataset: &str, name: &str, size: u64, modified: u64) -> bool {
        self.dataset == dataset
            && self.name == name
            && self.size == size
            && self.modified == modified
    }
}

/// Keeps `u`, replacing an older upload of the same file in the same dataset.
pub fn remember(list: &mut Vec<Unfinished>, u: Unfinished) {
    list.retain(|x| !x.is_of(&u.dataset, &u.name, u.size, u.modified) && x.url != u.url);
    list.push(u);
}

/// The list as kept: one line per upload, `modified size dataset url
/// name` separated by tabs (the name last: it may hold a tab). Written by
/// hand rather than as JSON: a serde decoder per type weighs kilobytes in
/// the WebAssembly.
pub fn encode(list: &[Unfinished]) -> String {
    let mut out = String::new();
    for u in list {
        if u.name.contains('\n') {
            continue;
        }
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\n",
            u.modified, u.size, u.dataset, u.url, u.name
        ));
    }
    out
}

/// [`encode`]'s lines back; a line that does not read is skipped.
pub fn decode(text: &str) -> Vec<Unfinished> {
    text.lines()
        .filter_map(|line| {
            let mut f = line.splitn(5, '\t');
            Some(Unfinished {
                modified: f.next()?.parse().ok()?,
                size: f.next()?.parse().ok()?,
                dataset: f.next()?.to_owned(),
                url: f.next()?.to_owned(),
                name: f.next()?.to_owned(),
            })
        })
        .collect()
}

/// Drops the upload at `url`.
pub fn forget(list: &mut Vec<Unfinished>, url: &str) {
    list.retain(|x| x.url != url);
}

/// The upload of this file into this dataset, if one was begun.
pub fn find<'a>(
    list: &'a [Unfinished],
    dataset: &str,
    name: &str,
    size: u64,
    modified: u64,
) -> Option<&'a Unfinished> {
    list.iter().find(|u| u.is_of(dataset, name, size, modified))
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Every unfinished upload this browser knows of (none without storage).
pub fn load() -> Vec<Unfinished> {
    storage()
        .and_then(|s| s.get_item(STORE_KEY).ok().flatten())
        .map(|text| decode(&text))
        .unwrap_or_default()
}

fn update(change: impl FnOnce(&mut Vec<Unfinished>)) {
    let mut list = load();
    change(&mut list);
    if let Some(s) = storage() {
        let _ = if list.is_empty() {
            s.remove_item(STORE_KEY)
        } else {
            s.set_item(STORE_KEY, &encode(&list))
        };
    }
}

/// The unfinished uploads of one dataset.
pub fn unfinished(dataset: &str) -> Vec<Unfinished> {
    load()
        .into_iter()
        .filter(|u| u.dataset == dataset)
        .collect()
}

/// What an upload reports to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    /// Bytes acknowledged by the server so far, and the recent speed (B/s).
    Progress {
        offset: u64,
        speed: f64,
    },
    /// Stopped on request; [`run`] again resumes.
    Paused,
    /// The whole file is in the dataset.
    Done,
    Failed(Failure),
}

/// Pause for one upload: stops it and aborts the request in flight.
#[derive(Default)]
pub struct Control {
    paused: Cell<bool>,
    current: RefCell<Option<AbortController>>,
}

impl Control {
    pub fn pause(&self) {
        self.paused.set(true);
        if let Some(c) = self.current.borrow().as_ref() {
            c.abort();
        }
    }

    /// Before [`run`] again.
    pub fn unpause(&self) {
        self.paused.set(false);
    }

    pub fn paused(&self) -> bool {
        self.paused.get()
    }

    /// A fresh signal for the next request (an aborted one stays aborted).
    fn signal(&self) -> Option<AbortSignal> {
        let c = AbortController::new().ok()?;
        let s = c.signal();
        *self.current.borrow_mut() = Some(c);
        Some(s)
    }
}

/// Gives an unfinished upload up: the server drops its bytes
/// (termination) and this browser forgets it.
pub async fn terminate(client: &Client, url: &str) {
    let _ = client.raw(Method::DELETE, url, &[TUS], None, None).await;
    update(|l| forget(l, url));
}

/// Uploads `file` into `dataset` under its name, reporting through `on`;
/// resumes the upload of the same file begun earlier (this page or before
/// a reload) if the server still has it.
pub async fn run(
    client: Client,
    dataset: String,
    file: File,
    control: Rc<Control>,
    on: Callback<Event>,
) {
    let event = match upload(&client, &dataset, &file, &control, &on).await {
        Ok(true) => Event::Done,
        Ok(false) => Event::Paused,
        Err(f) => Event::Failed(f),
    };
    on.emit(event);
}

fn missing(header: &str) -> Failure {
    Failure::Network(format!("no {header} in the answer"))
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

/// The server's offset of the upload at `url`; `None` when it is gone
/// (expired, finished, unknown).
async fn head(client: &Client, url: &str) -> Result<Option<u64>, Failure> {
    let mut attempt = 0;
    loop {
        let failure = match client.raw(Method::HEAD, url, &[TUS], None, None).await {
            Ok(r) if r.ok() => {
                return offset_of(r.headers().get("Upload-Offset"))
                    .map(Some)
                    .ok_or_else(|| missing("Upload-Offset"))
            }
            Ok(r) if matches!(r.status(), 404 | 410) => return Ok(None),
            Ok(r) if retried(r.status()) => failure_of(r).await,
            Ok(r) => return Err(failure_of(r).await),
            Err(f) => f,
        };
        attempt += 1;
        if attempt >= MAX_ATTEMPTS {
            return Err(failure);
        }
        sleep(backoff_ms(attempt)).await;
    }
}

/// Answers worth trying again (from the server's offset).
fn retried(status: u16) -> bool {
    matches!(status, 409 | 423 | 460) || status >= 500
}

/// A new upload, kept in `localStorage` at once: its URL, the server's
/// offset, and whether the file is already complete (an empty file is
/// recorded on creation: `Habilis-File-Id`).
async fn create(
    client: &Client,
    dataset: &str,
    file: &File,
) -> Result<(String, u64, bool), Failure> {
    let size = file.size() as u64;
    let res: Response = client
        .raw(
            Method::POST,
            &format!("/api/v1/datasets/{dataset}/uploads"),
            &[
                TUS,
                ("Upload-Length", &size.to_string()),
                ("Upload-Metadata", &metadata(&file.name(), &file.type_())),
            ],
            None,
            None,
        )
        .await?;
    if res.status() != 201 {
        return Err(failure_of(res).await);
    }
    let url = res
        .headers()
        .get("Location")
        .ok_or_else(|| missing("Location"))?;
    let offset = offset_of(res.headers().get("Upload-Offset")).unwrap_or(0);
    if res.headers().get("Habilis-File-Id").is_some() {
        return Ok((url, offset, true));
    }
    update(|l| {
        remember(
            l,
            Unfinished {
                url: url.clone(),
                dataset: dataset.to_owned(),
                name: file.name(),
                size,
                modified: file.last_modified() as u64,
            },
        )
    });
    Ok((url, offset, false))
}

/// `Ok(true)`: done; `Ok(false)`: paused.
async fn upload(
    client: &Client,
    dataset: &str,
    file: &File,
    control: &Control,
    on: &Callback<Event>,
) -> Result<bool, Failure> {
    let (name, size, modified) = (file.name(), file.size() as u64, file.last_modified() as u64);
    let earlier = find(&load(), dataset, &name, size, modified).map(|u| u.url.clone());
    let (url, mut offset, complete) = match earlier {
        Some(url) => match head(client, &url).await? {
            Some(offset) => (url, offset, false),
            None => {
                update(|l| forget(l, &url));
                create(client, dataset, file).await?
            }
        },
        None => create(client, dataset, file).await?,
    };
    let mut meter = Meter::default();
    let mut report = |offset: u64| {
        meter.record(js_sys::Date::now(), offset);
        on.emit(Event::Progress {
            offset,
            speed: meter.speed(),
        });
    };
    report(offset);
    if complete {
        return Ok(true);
    }
    if size > 0 && offset >= size {
        // Every byte arrived before (the last answer was lost).
        update(|l| forget(l, &url));
        return Ok(true);
    }
    let mut attempt = 0;
    loop {
        if control.paused() {
            return Ok(false);
        }
        let end = chunk_end(offset, size);
        let chunk = file
            .slice_with_f64_and_f64(offset as f64, end as f64)
            .map_err(|_| Failure::Network("the file cannot be read".into()))?;
        let signal = control.signal();
        let sent = client
            .raw(
                Method::PATCH,
                &url,
                &[TUS, OCTETS, ("Upload-Offset", &offset.to_string())],
                Some(&chunk.into()),
                signal.as_ref(),
            )
            .await;
        let failure = match sent {
            Ok(r) if r.status() == 204 => {
                attempt = 0;
                offset = offset_of(r.headers().get("Upload-Offset")).unwrap_or(end);
                report(offset);
                if offset >= size {
                    update(|l| forget(l, &url));
                    return Ok(true);
                }
                continue;
            }
            Ok(r) if matches!(r.status(), 404 | 410) => {
                update(|l| forget(l, &url));
                return Err(failure_of(r).await);
            }
            Ok(r) if retried(r.status()) => failure_of(r).await,
            Ok(r) => return Err(failure_of(r).await),
            Err(_) if control.paused() => return Ok(false),
            Err(f) => f,
        };
        attempt += 1;
        if attempt >= MAX_ATTEMPTS {
            return Err(failure);
        }
        sleep(backoff_ms(attempt)).await;
        if control.paused() {
            return Ok(false);
        }
        match head(client, &url).await? {
            Some(o) => offset = o,
            None => {
                update(|l| forget(l, &url));
                return Err(failure);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_follows_rfc_4648() {
        for (plain, coded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), coded, "{plain}");
        }
        assert_eq!(base64(&[0xfb, 0xff, 0xbf]), "+/+/");
        assert_eq!(base64("é.csv".as_bytes()), "w6kuY3N2");
    }

    #[test]
    fn metadata_carries_the_name_and_the_type_if_known() {
        assert_eq!(
            metadata("raw/a b.txt", "text/plain"),
            "filename cmF3L2EgYi50eHQ=,filetype dGV4dC9wbGFpbg=="
        );
        assert_eq!(metadata("x", ""), "filename eA==");
    }

    #[test]
    fn backoff_doubles_up_to_ten_seconds() {
        let waits: Vec<u32> = (1..=8).map(backoff_ms).collect();
        assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000]);
    }

    #[test]
    fn chunks_cover_the_file_and_stop_at_its_end() {
        let size = 2 * CHUNK + 7;
        let mut offset = 0;
        let mut ends = vec![];
        while offset < size {
            offset = chunk_end(offset, size);
            ends.push(offset);
        }
        assert_eq!(ends, [CHUNK, 2 * CHUNK, size]);
        assert_eq!(chunk_end(0, 0), 0);
    }

    #[test]
    fn offsets_are_read_from_headers() {
        assert_eq!(offset_of(Some(" 4194304".into())), Some(4_194_304));
        assert_eq!(offset_of(Some("-1".into())), None);
        assert_eq!(offset_of(Some("".into())), None);
        assert_eq!(offset_of(None), None);
    }

    #[test]
    fn the_speed_is_that_of_the_last_seconds() {
        let mut m = Meter::default();
        assert_eq!(m.speed(), 0.0);
        m.record(0.0, 0);
        assert_eq!(m.speed(), 0.0);
        m.record(1000.0, 4_000_000);
        assert_eq!(m.speed(), 4_000_000.0);
        // Ten seconds later at 1 MB/s: the first seconds are forgotten.
        for s in 2u32..=11 {
            m.record(
                f64::from(s) * 1000.0,
                4_000_000 + u64::from(s - 1) * 1_000_000,
            );
        }
        assert_eq!(m.speed(), 1_000_000.0);
        m.reset();
        assert_eq!(m.speed(), 0.0);
    }

    fn upload(url: &str, name: &str, size: u64) -> Unfinished {
        Unfinished {
            url: url.into(),
            dataset: "d1".into(),
            name: name.into(),
            size,
            modified: 1_700_000_000_000,
        }
    }

    #[test]
    fn the_same_file_in_the_same_dataset_is_found_again() {
        let mut list = vec![];
        remember(&mut list, upload("/api/v1/uploads/a", "big.bin", 20));
        remember(&mut list, upload("/api/v1/uploads/b", "other.bin", 20));
        let t = 1_700_000_000_000;
        assert_eq!(
            find(&list, "d1", "big.bin", 20, t).map(|u| u.url.as_str()),
            Some("/api/v1/uploads/a")
        );
        // Another size, another modification time, another dataset: another file.
        assert!(find(&list, "d1", "big.bin", 21, t).is_none());
        assert!(find(&list, "d1", "big.bin", 20, t + 1).is_none());
        assert!(find(&list, "d2", "big.bin", 20, t).is_none());
        // A new upload of the same file replaces the old one.
        remember(&mut list, upload("/api/v1/uploads/c", "big.bin", 20));
        assert_eq!(list.len(), 2);
        assert_eq!(
            find(&list, "d1", "big.bin", 20, t).map(|u| u.url.as_str()),
            Some("/api/v1/uploads/c")
        );
        forget(&mut list, "/api/v1/uploads/c");
        assert!(find(&list, "d1", "big.bin", 20, t).is_none());
        assert_eq!(list.len(), 1);
    }

    #[test]
    fn what_is_kept_is_where_and_which_file_and_nothing_else() {
        let mut odd = upload("/api/v1/uploads/b", "a\tb.bin", 7);
        odd.dataset = "d2".into();
        let list = vec![upload("/api/v1/uploads/a", "big.bin", 20), odd];
        let text = encode(&list);
        assert_eq!(
            text,
            "1700000000000\t20\td1\t/api/v1/uploads/a\tbig.bin\n\
             1700000000000\t7\td2\t/api/v1/uploads/b\ta\tb.bin\n"
        );
        assert_eq!(decode(&text), list);
        // A name that would break the lines is not kept; a damaged line is skipped.
        assert_eq!(encode(&[upload("/u/c", "x\ny", 1)]), "");
        assert_eq!(decode("garbage\n12\tx\td1\t/u\tn\n"), vec![]);
    }

    #[test]
    fn conflicts_locks_and_server_errors_are_retried_refusals_are_not() {
        for s in [409, 423, 460, 500, 503] {
            assert!(retried(s), "{s}");
        }
        for s in [400, 403, 404, 410, 413, 415, 422] {
            assert!(!retried(s), "{s}");
        }
    }
}
