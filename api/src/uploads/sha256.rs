//! A SHA-256 whose state can be saved between requests (and processes):
//! the eight state words, the byte count and the fewer than 64 bytes not
//! yet compressed. A tus upload keeps it in its row after every accepted
//! chunk, so that the whole-file digest is computed while the bytes stream
//! in, never by reading the file again (issue 15). The compression is
//! sha2's own (`sha2::compress256`); the padding (FIPS 180-4 §5.1.1) is
//! done here.

use sha2::digest::consts::U64;
// generic-array 0.14 is what sha2 0.10's `compress256` takes (its
// deprecation asks for the 1.x of sha2 0.11's successors).
#[allow(deprecated)]
use sha2::digest::generic_array::GenericArray;

/// FIPS 180-4 §5.3.3.
const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sha256State {
    words: [u32; 8],
    /// Bytes hashed so far (the pending ones included).
    len: u64,
    /// The bytes after the last full block (`len % 64` of them).
    pending: Vec<u8>,
}

impl Default for Sha256State {
    fn default() -> Self {
        Sha256State {
            words: H0,
            len: 0,
            pending: Vec::with_capacity(64),
        }
    }
}

#[allow(deprecated)]
fn compress(words: &mut [u32; 8], block: &[u8]) {
    let block: &GenericArray<u8, U64> = GenericArray::from_slice(block);
    sha2::compress256(words, std::slice::from_ref(block));
}

impl Sha256State {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes hashed so far.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if !self.pending.is_empty() {
            let take = (64 - self.pending.len()).min(bytes.len());
            self.pending.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.pending.len() < 64 {
                return;
            }
            compress(&mut self.words, &self.pending);
            self.pending.clear();
        }
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            compress(&mut self.words, block);
        }
        self.pending.extend_from_slice(blocks.remainder());
    }

    /// The digest of every byte given (the state itself is kept).
    pub fn finish(&self) -> [u8; 32] {
        let mut words = self.words;
        let mut tail = self.pending.clone();
        tail.push(0x80);
        while tail.len() % 64 != 56 {
            tail.push(0);
        }
        tail.extend_from_slice(&(self.len.wrapping_mul(8)).to_be_bytes());
        for block in tail.chunks_exact(64) {
            compress(&mut words, block);
        }
        let mut out = [0u8; 32];
        for (chunk, w) in out.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&w.to_be_bytes());
        }
        out
    }

    /// `<len>:<64 hex digits of the words>:<hex of the pending bytes>`.
    pub fn to_text(&self) -> String {
        let mut words = String::with_capacity(64);
        for w in self.words {
            words.push_str(&format!("{w:08x}"));
        }
        format!("{}:{words}:{}", self.len, hex::encode(&self.pending))
    }

    /// The state [`to_text`](Self::to_text) wrote; `None` when the text is
    /// not one (or is inconsistent: the pending bytes must be `len % 64`).
    pub fn from_text(text: &str) -> Option<Self> {
        let mut parts = text.split(':');
        let len: u64 = parts.next()?.parse().ok()?;
        let words_hex = parts.next()?;
        let pending = hex::decode(parts.next()?).ok()?;
        if parts.next().is_some() || words_hex.len() != 64 || pending.len() as u64 != len % 64 {
            return None;
        }
        let mut words = [0u32; 8];
        for (i, w) in words.iter_mut().enumerate() {
            *w = u32::from_str_radix(words_hex.get(i * 8..i * 8 + 8)?, 16).ok()?;
        }
        Some(Sha256State {
            words,
            len,
            pending,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    #[test]
    fn equals_sha256_for_every_length_and_split() {
        for n in [0usize, 1, 55, 56, 63, 64, 65, 119, 120, 127, 128, 129, 1000] {
            let bytes = data(n);
            let want: [u8; 32] = Sha256::digest(&bytes).into();
            let mut whole = Sha256State::new();
            whole.update(&bytes);
            assert_eq!(whole.finish(), want, "n = {n}");
            for split in 0..=n {
                let mut a = Sha256State::new();
                a.update(&bytes[..split]);
                // Saved and restored between the two parts, as between
                // two requests.
                let mut b = Sha256State::from_text(&a.to_text()).expect("restored");
                assert_eq!(a, b);
                b.update(&bytes[split..]);
                assert_eq!(b.finish(), want, "n = {n}, split at {split}");
            }
        }
    }

    #[test]
    fn many_small_and_odd_pieces() {
        let bytes = data(100_003);
        let want: [u8; 32] = Sha256::digest(&bytes).into();
        let mut s = Sha256State::new();
        let mut at = 0;
        let mut step = 1;
        while at < bytes.len() {
            let end = (at + step).min(bytes.len());
            s.update(&bytes[at..end]);
            s = Sha256State::from_text(&s.to_text()).expect("restored");
            at = end;
            step = step * 3 % 997 + 1;
        }
        assert_eq!(s.len(), bytes.len() as u64);
        assert_eq!(s.finish(), want);
    }

    #[test]
    fn bad_texts_are_refused() {
        for bad in [
            "",
            "1:00:",
            "x:0000000000000000000000000000000000000000000000000000000000000000:",
            "1:0000000000000000000000000000000000000000000000000000000000000000:",
            "0:0000000000000000000000000000000000000000000000000000000000000000:00",
            "0:000000000000000000000000000000000000000000000000000000000000000g:",
            "0:0000000000000000000000000000000000000000000000000000000000000000::",
        ] {
            assert!(Sha256State::from_text(bad).is_none(), "{bad:?}");
        }
        assert!(Sha256State::from_text(&Sha256State::new().to_text()).is_some());
    }
}
