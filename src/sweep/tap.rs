//! Taps on the raw bytes of inputs, as the readers read them: a SHA-256
//! of each input for the audit manifest, and a count of bytes read for
//! the progress bar.
//!
//! A tap sees the bytes of the file itself (compressed bytes for a
//! compressed file), each once, in order, during the one read the sweep
//! makes. No tap is set up unless asked for, so a plain sweep pays
//! nothing for it.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

/// What to tap on every input.
#[derive(Clone, Debug, Default)]
pub struct TapOptions {
    /// Whether to hash each input's raw bytes with SHA-256.
    pub hash: bool,
    /// A counter every raw byte read is added to.
    pub counter: Option<Arc<AtomicU64>>,
}

impl TapOptions {
    /// Whether anything is tapped at all.
    pub fn any(&self) -> bool {
        self.hash || self.counter.is_some()
    }
}

/// The SHA-256 of the raw bytes of an input, and how many bytes it
/// covers: fewer than the file's size when the read stopped early.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawDigest {
    /// The digest.
    pub sha256: [u8; 32],
    /// How many bytes were hashed.
    pub bytes: u64,
}

impl RawDigest {
    /// Returns the digest in lower-case hex, as `sha256sum` writes it.
    pub fn hex(&self) -> String {
        use std::fmt::Write;
        let mut s = String::with_capacity(64);
        for b in self.sha256 {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

/// Where a tap leaves its digest once the input is read.
pub type DigestSlot = Arc<Mutex<Option<RawDigest>>>;

/// The state of one input's tap.
pub struct Tap {
    hasher: Option<Sha256>,
    hashed: u64,
    counter: Option<Arc<AtomicU64>>,
    slot: DigestSlot,
}

impl Tap {
    /// Creates a tap for one input as `opts` ask, or `None` when nothing
    /// is tapped.
    pub fn new(opts: &TapOptions) -> Option<Tap> {
        opts.any().then(|| Tap {
            hasher: opts.hash.then(Sha256::new),
            hashed: 0,
            counter: opts.counter.clone(),
            slot: DigestSlot::default(),
        })
    }

    /// Returns where the digest will be once the tap is dropped.
    pub fn slot(&self) -> DigestSlot {
        self.slot.clone()
    }

    /// Takes in the next raw bytes of the input.
    pub fn feed(&mut self, bytes: &[u8]) {
        if let Some(h) = &mut self.hasher {
            h.update(bytes);
            self.hashed += bytes.len() as u64;
        }
        if let Some(c) = &self.counter {
            c.fetch_add(bytes.len() as u64, Ordering::Relaxed);
        }
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        if let Some(h) = self.hasher.take() {
            let digest =
                RawDigest { sha256: h.finalize().into(), bytes: self.hashed };
            if let Ok(mut slot) = self.slot.lock() {
                *slot = Some(digest);
            }
        }
    }
}

/// A reader whose bytes pass through a tap.
pub struct Tapped<R> {
    inner: R,
    tap: Tap,
}

impl<R> Tapped<R> {
    /// Creates a reader over `inner` feeding `tap`.
    pub fn new(inner: R, tap: Tap) -> Tapped<R> {
        Tapped { inner, tap }
    }
}

impl<R: Read> Read for Tapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.tap.feed(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tapped_read_hashes_and_counts_every_byte_once() {
        let counter = Arc::new(AtomicU64::new(0));
        let opts = TapOptions { hash: true, counter: Some(counter.clone()) };
        let tap = Tap::new(&opts).unwrap();
        let slot = tap.slot();
        let data = b"abc".repeat(10_000);
        let mut r = Tapped::new(&data[..], tap);
        let mut small = [0u8; 7];
        let mut out = Vec::new();
        loop {
            let n = r.read(&mut small).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&small[..n]);
        }
        drop(r);
        assert_eq!(out, data);
        assert_eq!(counter.load(Ordering::Relaxed), 30_000);
        let d = slot.lock().unwrap().unwrap();
        assert_eq!(d.bytes, 30_000);
        let want: [u8; 32] = Sha256::digest(&data).into();
        assert_eq!(d.sha256, want);
    }

    #[test]
    fn the_hex_form_is_sha256sum_s() {
        // The SHA-256 of "abc", from FIPS 180-2.
        let tap = Tap::new(&TapOptions { hash: true, counter: None });
        let mut tap = tap.unwrap();
        let slot = tap.slot();
        tap.feed(b"abc");
        drop(tap);
        let d = slot.lock().unwrap().unwrap();
        assert_eq!(
            d.hex(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn nothing_asked_means_no_tap() {
        assert!(Tap::new(&TapOptions::default()).is_none());
    }
}
