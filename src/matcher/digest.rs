//! Hash matching: whole hex tokens of 32, 40, 64 or 128 digits.
//!
//! A hex run that long must cover two consecutive offsets that are
//! multiples of 16, so the scan probes one byte in sixteen and looks
//! closer only where two probes in a row are hex digits. A candidate is
//! the whole run of letters and digits around the probes: an MD5 inside a
//! SHA-256, or a digest glued to a word, is a different token.

use super::class::{self, ALNUM, HEX};
use super::{Map, RawHit, new_map};

const STRIDE: usize = 16;

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
        let mut p = 0;
        while p + STRIDE < hay.len() {
            // A run covering both probes covers every byte between them:
            // probe a few of those too before looking closer.
            let hex = |i: usize| class::is(hay[i], HEX);
            if !hex(p)
                || !hex(p + STRIDE)
                || !hex(p + 8)
                || !hex(p + 4)
                || !hex(p + 12)
            {
                p += STRIDE;
                continue;
            }
            // Any digest covering both probes covers the second one: take
            // the whole run of letters and digits around it.
            let mut s = p + STRIDE;
            while s > 0 && class::is(hay[s - 1], ALNUM) {
                s -= 1;
            }
            let mut e = p + STRIDE + 1;
            while e < hay.len() && class::is(hay[e], ALNUM) {
                e += 1;
            }
            self.check(hay, s, e, out, buf);
            // Resume at the first probe offset past this token.
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
