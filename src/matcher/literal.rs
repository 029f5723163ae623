//! File-name and string matching with one Aho-Corasick automaton.
//!
//! File names may hold spaces and any punctuation, and strings are
//! arbitrary, so neither has a token shape to scan for. Both go into one
//! ASCII case-insensitive automaton searched for overlapping matches;
//! strings are then compared exactly, and file names must stand as whole
//! path components. A value holding a backslash is also searched for as
//! JSON writes it, each backslash doubled.

use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind,
};

use super::RawHit;
use super::{class, edge};

#[derive(Debug)]
struct Pattern {
    id: u32,
    file_name: bool,
    bytes: Box<[u8]>,
}

/// Collects literal indicators before the automaton is built.
#[derive(Debug, Default)]
pub struct Builder {
    patterns: Vec<Pattern>,
}

impl Builder {
    pub fn add_file_name(&mut self, name: &str, id: u32) {
        self.add(name.as_bytes(), id, true);
    }

    pub fn add_string(&mut self, s: &str, id: u32) {
        self.add(s.as_bytes(), id, false);
    }

    /// Adds a pattern, and for one holding a backslash (a Windows path)
    /// its form with every backslash doubled, as JSON logs write it
    /// (`C:\\Windows\\evil.exe` in Sysmon's JSON), reporting the same
    /// indicator.
    fn add(&mut self, bytes: &[u8], id: u32, file_name: bool) {
        if bytes.contains(&b'\\') {
            let mut json = Vec::with_capacity(bytes.len() + 8);
            for &b in bytes {
                json.push(b);
                if b == b'\\' {
                    json.push(b);
                }
            }
            let bytes = json.into();
            self.patterns.push(Pattern { id, file_name, bytes });
        }
        let bytes = bytes.into();
        self.patterns.push(Pattern { id, file_name, bytes });
    }

    /// Builds the automaton, or returns `None` when there is nothing to
    /// search for.
    pub fn build(self) -> Option<Literals> {
        if self.patterns.is_empty() {
            return None;
        }
        // Thousands of patterns make a full DFA large; let the crate pick
        // between its NFA and DFA forms below that.
        let kind = (self.patterns.len() > 2_000)
            .then_some(AhoCorasickKind::ContiguousNFA);
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(kind)
            .build(self.patterns.iter().map(|p| &p.bytes))
            .expect("literal patterns are within the automaton's size limits");
        Some(Literals { ac, patterns: self.patterns })
    }
}

/// The compiled literal indicators.
#[derive(Debug)]
pub struct Literals {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
}

impl Literals {
    pub fn scan(&self, hay: &[u8], out: &mut Vec<RawHit>) {
        for m in self.ac.find_overlapping_iter(hay) {
            let p = &self.patterns[m.pattern().as_usize()];
            let (s, e) = (m.start(), m.end());
            let ok = if p.file_name {
                is_component(hay, s, e)
            } else {
                hay[s..e] == *p.bytes
            };
            if ok {
                out.push(RawHit { start: s, end: e, id: p.id });
            }
        }
    }
}

/// Whether `s..e` is a whole path component: no file-name character,
/// nor a letter or digit outside ASCII, joined to it on either side (a dot after it is allowed when it ends a
/// sentence).
fn is_component(hay: &[u8], s: usize, e: usize) -> bool {
    let joined_at = |p: usize| {
        hay.get(p).is_some_and(|b| class::in_file_name(*b))
            || edge::letter_after(hay, p)
    };
    if s > 0 && class::in_file_name(hay[s - 1]) || edge::letter_before(hay, s)
    {
        return false;
    }
    match hay.get(e) {
        Some(b'.') => !joined_at(e + 1),
        _ => !joined_at(e),
    }
}
