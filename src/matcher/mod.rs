//! The matcher: an indicator set compiled for one pass over a byte slice.
//!
//! Most indicator kinds are found by scanning for the tokens they can
//! appear in and looking those tokens up in hash tables, which costs the
//! same whether the set holds ten indicators or a million:
//!
//! - every `.` starts a host token (letters, digits, `.`, `-`, `_`): IPv4
//!   addresses, CIDR members, domains (each label suffix), URL hosts and
//!   e-mail domains are looked up from it (`names`, `addr`);
//! - a percent-encoded dot (`%2E`) starts a host token to decode, for
//!   domains a query string or redirect target writes encoded (`names`);
//! - every `:` starts an IPv6 candidate, scanned only when the set holds
//!   IPv6 indicators (`addr`);
//! - hex runs of digest length are found by striding and looked up
//!   (`digest`);
//! - file names shaped like host tokens (`evil.exe`) are looked up from
//!   the same host tokens; other file names (with spaces, paths) and
//!   strings go through one Aho-Corasick automaton (`literal`), the one
//!   place where arbitrary substrings need it.
//!
//! Boundary rules (DESIGN.md, "What a match means") are applied where a
//! candidate is found, so a hit is final; the sweep only orders hits and
//! keeps one per line and indicator. Where the byte next to a token does
//! not tell alone whether it is a boundary (a JSON escape's letter), `edge`
//! reads the text around it.

mod addr;
mod class;
mod digest;
mod edge;
mod literal;
mod marks;
mod names;

use std::collections::HashMap;

use crate::indicator::{self, Value};
use crate::set::IndicatorSet;

/// The hasher used by every lookup table: fast, seeded per process.
type Hasher = foldhash::fast::RandomState;
type Map<K, V> = HashMap<K, V, Hasher>;

fn new_map<K, V>() -> Map<K, V> {
    HashMap::with_hasher(Hasher::default())
}

/// One indicator found in a haystack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RawHit {
    /// Offset of the first byte of the matched text.
    pub start: usize,
    /// Offset just past the matched text.
    pub end: usize,
    /// The indicator's id in the set the matcher was built from.
    pub id: u32,
}

/// An indicator set compiled for sweeping.
#[derive(Debug)]
pub struct Matcher {
    addr: addr::Addresses,
    names: names::Names,
    digests: digest::Digests,
    literals: Option<literal::Literals>,
}

impl Matcher {
    /// Compiles `set`.
    pub fn new(set: &IndicatorSet) -> Matcher {
        // The three kinds of table are independent: build them side by
        // side (a million indicators take a second on one core).
        let ((addr, digests), (names, literals)) = rayon::join(
            || rayon::join(|| addresses(set), || digests(set)),
            || names_and_literals(set),
        );
        Matcher { addr, names, digests, literals }
    }

    /// Appends every indicator found in `hay` to `out`, in no particular
    /// order; a line that holds an indicator twice gives two hits.
    pub fn scan(&self, hay: &[u8], out: &mut Vec<RawHit>) {
        let mut scratch = Vec::with_capacity(256);
        let dots = !self.names.is_empty() || self.addr.wants_dotted();
        let colons = self.addr.wants_colons() || self.names.has_v6_hosts();
        if dots || colons {
            marks::each(hay, dots, colons, |at, mark| {
                if mark == b'.' {
                    self.dotted_token(hay, at, out, &mut scratch)
                } else {
                    addr::check_colon(&self.addr, &self.names, hay, at, out)
                }
            });
        }
        if self.names.has_domains() {
            self.names.scan_dns_debug(hay, out, &mut scratch);
            self.names.scan_percent_dots(hay, out, &mut scratch);
        }
        if !self.digests.is_empty() {
            self.digests.scan(hay, out, &mut scratch);
        }
        if let Some(lits) = &self.literals {
            lits.scan(hay, out);
        }
    }

    /// Checks the host token (a run of host bytes) around the dot at `dot`
    /// for addresses and names; returns where the token ends.
    #[inline]
    fn dotted_token(
        &self,
        hay: &[u8],
        dot: usize,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) -> usize {
        // Expand to the whole token, noting which classes it holds and
        // how many dots.
        let (mut bits, mut dots) = (class::DOT, 1u32);
        let mut start = dot;
        while start > 0 {
            let c = class::of(hay[start - 1]);
            if c & class::HOST == 0 {
                break;
            }
            bits |= c;
            dots += u32::from(c == class::DOT);
            start -= 1;
        }
        let mut end = dot + 1;
        while end < hay.len() {
            let c = class::of(hay[end]);
            if c & class::HOST == 0 {
                break;
            }
            bits |= c;
            dots += u32::from(c == class::DOT);
            end += 1;
        }
        if self.addr.wants_dotted() && dots >= 3 && bits & class::DIGIT != 0 {
            addr::scan_v4_in_token(&self.addr, hay, start, end, bits, out);
        }
        if !self.names.is_empty() {
            self.names.check_token(hay, start, end, out, buf);
        }
        end
    }
}

fn addresses(set: &IndicatorSet) -> addr::Addresses {
    let mut addr = addr::Addresses::default();
    for (id, ind) in set.iter() {
        match &ind.value {
            Value::Ipv4(a, port) => addr.add_v4(*a, *port, id),
            Value::Ipv6(a, port) => addr.add_v6(*a, *port, id),
            Value::Cidr(net) => addr.add_net(*net, id),
            _ => {}
        }
    }
    addr
}

fn digests(set: &IndicatorSet) -> digest::Digests {
    let mut digests = digest::Digests::default();
    for (id, ind) in set.iter() {
        if let Value::Hash(h) = &ind.value {
            digests.add(h, id);
        }
    }
    digests
}

fn names_and_literals(
    set: &IndicatorSet,
) -> (names::Names, Option<literal::Literals>) {
    let mut names = names::Names::default();
    let mut lits = literal::Builder::default();
    for (id, ind) in set.iter() {
        match &ind.value {
            Value::Domain(d) => names.add_domain(d, id),
            Value::Url(u) => names.add_url(u, id),
            Value::Email(e) => names.add_email(e, id),
            Value::Filename(f) => {
                // A `%VAR%` path is also searched for as hosts expand it.
                // Host-shaped names are found through host tokens; the
                // others need the automaton.
                for form in indicator::file_name_patterns(f) {
                    if !names.add_file_name(&form, id) {
                        lits.add_file_name(&form, id);
                    }
                }
            }
            Value::String(s) => lits.add_string(s, id),
            _ => {}
        }
    }
    (names, lits.build())
}

#[cfg(test)]
mod tests;
