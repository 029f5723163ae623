//! Hash matching: whole hex tokens of 32, 40, 64 or 128 digits.
//!
//! A hex run that long covers four consecutive offsets that are
//! multiples of 8, so the scan probes one byte in eight and looks closer
//! only where four probes in a row are hex digits. A candidate is
//! the whole run of letters and digits around the probes: an MD5 inside a
//! SHA-256, or a digest glued to a word (in any script), is a different
//! token.

use super::class::{self, ALNUM, HEX};
use super::edge;
use super::{Map, RawHit, new_map};

/// Distance between probes.
const STRIDE: usize = 8;
/// Consecutive hex probes that any run of 32 hex digits covers.
const PROBES: usize = 4;

/// Every hash indicator, keyed by its lower-case hex digits.
#[derive(Debug)]
pub struct Digests {
    table: Map<Box<[u8]>, u32>,
}

impl Default for Digests {
    fn default() -> Digests {
        Digests { table: new_map() }
    }
}

impl Digests {
    pub fn add(&mut self, hex: &str, id: u32) {
        self.table.insert(hex.as_bytes().into(), id);
    }

    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    pub fn scan(&self, hay: &[u8], out: &mut Vec<RawHit>, buf: &mut Vec<u8>) {
        let hex = |i: usize| class::is(hay[i], HEX);
        // `run` counts consecutive probes on hex digits; the update has no
        // branch, since in logs a probe lands on a digit about half the
        // time and a branch on it would be mispredicted as often.
        let mut run = 0usize;
        let mut p = 0;
        while p < hay.len() {
            run = (run + 1) * usize::from(hex(p));
            if run < PROBES {
                p += STRIDE;
                continue;
            }
            // The probes from `first` to `p` are hex: so must be every byte
            // between them. Find the last one that is not, if any.
            let first = p - (PROBES - 1) * STRIDE;
            if let Some(q) = (first..p).rev().find(|&i| !hex(i)) {
                run = (p - q).div_ceil(STRIDE);
                p += STRIDE;
                continue;
            }
            let mut s = first;
            while s > 0 && class::is(hay[s - 1], ALNUM) {
                s -= 1;
            }
            // A JSON escape before the digest is not part of it
            // (`Hash:\n0cc1…`, `\u00090cc1…`).
            let alnum = |b: u8| b.is_ascii_alphanumeric();
            if let edge::Escape::Ends(len) = edge::escape_head(hay, s, alnum) {
                s += len;
            }
            let mut e = p + 1;
            while e < hay.len() && class::is(hay[e], ALNUM) {
                e += 1;
            }
            self.check(hay, s, e, out, buf);
            // Resume at the first probe past this token.
            run = 0;
            p = e.div_ceil(STRIDE) * STRIDE;
        }
    }

    fn check(
        &self,
        hay: &[u8],
        s: usize,
        e: usize,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        if !matches!(e - s, 32 | 40 | 64 | 128) {
            return;
        }
        // A letter outside ASCII glued to it makes it part of a word.
        if edge::letter_before(hay, s) || edge::letter_after(hay, e) {
            return;
        }
        let token = &hay[s..e];
        if !token.iter().all(|b| class::is(*b, HEX)) {
            return;
        }
        buf.clear();
        buf.extend(token.iter().map(u8::to_ascii_lowercase));
        if let Some(id) = self.table.get(buf.as_slice()) {
            out.push(RawHit { start: s, end: e, id: *id });
        }
    }
}
