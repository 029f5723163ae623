//! The indicator set: every distinct indicator once, with every place it
//! was loaded from.
//!
//! Readers push values with their source into a [`SetBuilder`], which
//! merges duplicates as they come (one hash probe a value, so a million
//! values load in well under a second).
//!
//! A value repeated many times in one file (a feed written in a loop, or
//! a file made to exhaust memory) is listed as a source at most
//! [`LISTED_PER_FILE`] times per file; the further repeats are counted,
//! so memory and time stay linear in the distinct values, not the lines.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use foldhash::fast::FixedState;

use crate::indicator::{Kind, Value};

/// Where in an indicator file a value came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Locator {
    /// A 1-based line number.
    Line(u64),
    /// An object id, such as a STIX `indicator--…` id.
    Id(String),
}

/// The longest object id a locator keeps, in characters. Ids (STIX
/// `indicator--uuid`, MISP uuids) are under 60; every value an object
/// yields keeps a copy of its id, so a huge one is cut.
pub const MAX_ID_CHARS: usize = 200;

impl Locator {
    /// Returns the locator of object `id`, cut to [`MAX_ID_CHARS`]
    /// characters with `…` where it was cut.
    pub fn id(id: &str) -> Locator {
        match id.char_indices().nth(MAX_ID_CHARS) {
            Some((end, _)) => Locator::Id(format!("{}…", &id[..end])),
            None => Locator::Id(id.to_string()),
        }
    }
}

/// One place an indicator was loaded from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source {
    /// The indicator file, as named on the command line or in the walk.
    pub file: Arc<str>,
    /// The line or object inside it.
    pub at: Locator,
    /// Whether the value was one part of a compound (`AND`) pattern, which
    /// the sweep matches part by part.
    pub compound: bool,
    /// What else the format states about the entry.
    pub meta: SourceMeta,
}

/// What an indicator format may state about one entry beyond its value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceMeta {
    /// MISP's `to_ids` flag (whether the publisher meant the value for
    /// detection), where the format has one.
    pub to_ids: Option<bool>,
    /// Whether the entry was a substring condition (OpenIOC `contains`)
    /// loaded as a string indicator, not a whole value.
    pub contains: bool,
    /// Start of validity (STIX `valid_from`), Unix seconds UTC.
    pub valid_from: Option<i64>,
    /// End of validity (STIX `valid_until`), Unix seconds UTC.
    pub valid_until: Option<i64>,
    /// Whether the publisher revoked the entry (STIX `revoked: true`).
    pub revoked: bool,
    /// Whether the entry gave a validity time (`valid_from`,
    /// `valid_until`) or a `revoked` that does not read. The entry is read as if that
    /// bound were not there: an indicator is swept (missing a hit is the
    /// worse error), an allowlist entry is not applied (it might have
    /// ended, and hiding a true hit is the worse error there).
    pub validity_unread: bool,
    /// Whether the entry holds only under a condition the sweep does not
    /// test (a STIX pattern's `START … STOP`, `WITHIN`, `REPEATS`): an
    /// indicator is swept at any time, an allowlist entry is not applied.
    pub qualified: bool,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Locator::Line(n) => write!(f, "{}:{n}", self.file)?,
            Locator::Id(id) => write!(f, "{}#{id}", self.file)?,
        }
        if self.compound {
            f.write_str(" (part of an AND pattern)")?;
        }
        if self.meta.contains {
            f.write_str(" (substring condition)")?;
        }
        Ok(())
    }
}

/// The most distinct indicators one set holds: about 2 GB at the 200
/// bytes or so each takes (value, first source and index) once loaded,
/// 2.8 GB once compiled for a sweep.
/// Far beyond any published advisory or feed, it bounds what a hostile
/// indicator file, or many of them, can make the loader keep.
pub const MAX_INDICATORS: usize = 10_000_000;

/// How many sources of one indicator are kept from one file before
/// further repeats from that file are only counted.
pub const LISTED_PER_FILE: usize = 100;

/// How many of an indicator's latest sources a new source is compared
/// with, both to drop an exact repeat and to find a kept source that
/// states the same about the entry.
const RECENT: usize = 8;

/// One distinct indicator and everywhere it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    /// The normalised value.
    pub value: Value,
    /// Every source, in file then position order, without repeats; at
    /// most [`LISTED_PER_FILE`] from one file, unless later ones state
    /// something (validity, revocation) the listed ones do not.
    pub sources: Vec<Source>,
}

impl Indicator {
    /// Returns the kind of the indicator.
    pub fn kind(&self) -> Kind {
        self.value.kind()
    }
}

/// Collects values from readers and merges duplicates as they come.
///
/// An indicator's id is the order in which its value was first pushed,
/// so ids are stable for the same files read in the same order.
#[derive(Debug, Default)]
pub struct SetBuilder {
    /// The most distinct indicators, if not [`MAX_INDICATORS`].
    limit: Option<usize>,
    indicators: Vec<Indicator>,
    /// Value hash → id of the first indicator with that hash.
    by_hash: HashMap<u64, u32, FixedState>,
    /// Values whose hash is taken by a different value (rare).
    collided: HashMap<Value, u32, FixedState>,
    hasher: FixedState,
    pushed: usize,
    unlisted: usize,
}

impl SetBuilder {
    /// Creates an empty builder.
    pub fn new() -> SetBuilder {
        SetBuilder::default()
    }

    /// Creates an empty builder that holds at most `limit` distinct
    /// indicators instead of [`MAX_INDICATORS`].
    pub fn with_limit(limit: usize) -> SetBuilder {
        SetBuilder { limit: Some(limit), ..SetBuilder::default() }
    }

    /// Adds one value with the place it came from. Returns false, and
    /// adds nothing, when the value is new and the set already holds as
    /// many indicators as it may (a repeat of a value held is still
    /// added as a source).
    pub fn push(&mut self, value: Value, source: Source) -> bool {
        self.pushed += 1;
        let h = self.hasher.hash_one(&value);
        let id = match self.by_hash.get(&h) {
            Some(&i) if self.indicators[i as usize].value == value => Some(i),
            Some(_) => self.collided.get(&value).copied(),
            None => None,
        };
        if let Some(i) = id {
            let sources = &mut self.indicators[i as usize].sources;
            if Self::listed(sources, &source) {
                sources.push(source);
            } else if !sources[sources.len().saturating_sub(RECENT)..]
                .contains(&source)
            {
                self.unlisted += 1;
            }
            return true;
        }
        if self.indicators.len() >= self.limit.unwrap_or(MAX_INDICATORS) {
            self.pushed -= 1;
            return false;
        }
        let i = u32::try_from(self.indicators.len())
            .expect("fewer than 4 billion indicators");
        match self.by_hash.entry(h) {
            Entry::Occupied(_) => {
                self.collided.insert(value.clone(), i);
            }
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
        self.indicators.push(Indicator { value, sources: vec![source] });
        true
    }

    /// Whether `source` goes into `sources`: not if it repeats one of the
    /// latest, nor once the file has [`LISTED_PER_FILE`] listed and one of
    /// the latest says the same of the entry (so what
    /// [`crate::load::Loaded::retain_current`] decides from the sources
    /// stays the same). Checks a fixed number of sources: a file's
    /// sources are contiguous, since files are read one after another.
    fn listed(sources: &[Source], source: &Source) -> bool {
        let n = sources.len();
        let recent = &sources[n.saturating_sub(RECENT)..];
        if recent.contains(source) {
            return false;
        }
        let full = n >= LISTED_PER_FILE
            && Arc::ptr_eq(&sources[n - LISTED_PER_FILE].file, &source.file);
        !(full
            && recent.iter().any(|s| {
                s.meta == source.meta && s.compound == source.compound
            }))
    }

    /// Returns how many values were pushed, repeats included.
    pub fn pushed(&self) -> usize {
        self.pushed
    }

    /// Returns how many repeats were counted but not listed as sources,
    /// beyond the first [`LISTED_PER_FILE`] from one file.
    pub fn unlisted(&self) -> usize {
        self.unlisted
    }

    /// Builds the set.
    pub fn build(self) -> IndicatorSet {
        IndicatorSet { indicators: self.indicators }
    }
}

/// A deduplicated set of indicators; an indicator's id is its index.
#[derive(Clone, Debug, Default)]
pub struct IndicatorSet {
    indicators: Vec<Indicator>,
}

impl IndicatorSet {
    /// Returns the number of distinct indicators.
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Whether the set holds no indicator.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// Returns the indicator with id `id`.
    ///
    /// # Panics
    ///
    /// Panics if `id` is not an id of this set.
    pub fn get(&self, id: u32) -> &Indicator {
        &self.indicators[id as usize]
    }

    /// Returns the indicators in id order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Indicator)> {
        self.indicators.iter().enumerate().map(|(i, ind)| (i as u32, ind))
    }

    /// Removes the indicators `keep` says no to and returns them, in id
    /// order. Ids of the indicators kept change: do this before
    /// compiling a matcher.
    pub fn retain(
        &mut self,
        mut keep: impl FnMut(&Indicator) -> bool,
    ) -> Vec<Indicator> {
        let (kept, gone) = std::mem::take(&mut self.indicators)
            .into_iter()
            .partition(|i| keep(i));
        self.indicators = kept;
        gone
    }

    /// Drops, from every indicator, the sources `keep` says no to; ids
    /// stay as they are.
    pub fn retain_sources(&mut self, mut keep: impl FnMut(&Source) -> bool) {
        for ind in &mut self.indicators {
            ind.sources.retain(&mut keep);
        }
    }

    /// Returns the number of indicators of each kind, for every kind that
    /// has at least one.
    pub fn counts(&self) -> BTreeMap<Kind, usize> {
        let mut out = BTreeMap::new();
        for ind in &self.indicators {
            *out.entry(ind.kind()).or_insert(0) += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(file: &str, line: u64) -> Source {
        Source {
            file: file.into(),
            at: Locator::Line(line),
            compound: false,
            meta: SourceMeta::default(),
        }
    }

    #[test]
    fn duplicates_merge_and_keep_every_source() {
        let mut b = SetBuilder::new();
        b.push(Value::Domain("b.example".into()), src("x", 1));
        b.push(Value::Domain("a.example".into()), src("y", 3));
        b.push(Value::Domain("b.example".into()), src("y", 2));
        b.push(Value::Domain("b.example".into()), src("y", 2));
        let set = b.build();
        assert_eq!(set.len(), 2);
        assert_eq!(set.get(1).value, Value::Domain("a.example".into()));
        let b = set.get(0);
        assert_eq!(b.sources, vec![src("x", 1), src("y", 2)]);
        assert_eq!(b.sources[1].to_string(), "y:2");
    }

    #[test]
    fn a_substring_condition_shows_in_the_source() {
        let mut s = src("x.ioc", 3);
        assert_eq!(s.to_string(), "x.ioc:3");
        s.meta.contains = true;
        assert_eq!(s.to_string(), "x.ioc:3 (substring condition)");
    }

    #[test]
    fn repeats_in_one_file_are_listed_up_to_the_limit_then_counted() {
        let file: Arc<str> = "x".into();
        let other: Arc<str> = "y".into();
        let at = |file: &Arc<str>, n| Source {
            file: file.clone(),
            at: Locator::Line(n),
            compound: false,
            meta: SourceMeta::default(),
        };
        let v = Value::Domain("evil.example".into());
        let mut b = SetBuilder::new();
        for n in 1..=100 {
            b.push(v.clone(), at(&file, n));
        }
        // An exact repeat of a listed source is neither listed again nor
        // counted; other lines past the limit are counted.
        b.push(v.clone(), at(&file, 100));
        assert_eq!(b.unlisted(), 0);
        for n in 101..=250 {
            b.push(v.clone(), at(&file, n));
        }
        assert_eq!((b.pushed(), b.unlisted()), (251, 150));
        b.push(v.clone(), at(&other, 1));
        b.push(v.clone(), at(&other, 2));
        let set = b.build();
        let lines: Vec<String> =
            set.get(0).sources.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), LISTED_PER_FILE + 2);
        assert_eq!(lines[99], "x:100");
        assert_eq!(lines[100..], ["y:1", "y:2"]);
    }

    #[test]
    fn a_repeat_past_the_limit_that_states_other_validity_is_listed() {
        let file: Arc<str> = "x".into();
        let v = Value::Domain("evil.example".into());
        let mut b = SetBuilder::new();
        let mut s = Source {
            file: file.clone(),
            at: Locator::Line(1),
            compound: false,
            meta: SourceMeta { valid_until: Some(0), ..Default::default() },
        };
        for n in 1..=150 {
            s.at = Locator::Line(n);
            b.push(v.clone(), s.clone());
        }
        s.at = Locator::Line(151);
        s.meta.valid_until = None;
        b.push(v.clone(), s.clone());
        assert_eq!(b.unlisted(), 50);
        let set = b.build();
        let last = set.get(0).sources.last().unwrap();
        assert_eq!((last.at.clone(), last.meta.valid_until), (s.at, None));
        assert_eq!(set.get(0).sources.len(), LISTED_PER_FILE + 1);
    }

    #[test]
    fn a_full_set_refuses_new_values_and_keeps_taking_sources() {
        let file: Arc<str> = "x".into();
        let src = |n| Source {
            file: file.clone(),
            at: Locator::Line(n),
            compound: false,
            meta: SourceMeta::default(),
        };
        let d = |s: &str| Value::Domain(s.into());
        let mut b = SetBuilder::with_limit(2);
        assert!(b.push(d("a.example"), src(1)));
        assert!(b.push(d("b.example"), src(2)));
        assert!(!b.push(d("c.example"), src(3)));
        // Near miss: a value already held is still a source.
        assert!(b.push(d("a.example"), src(4)));
        assert_eq!(b.pushed(), 3);
        let set = b.build();
        assert_eq!(set.len(), 2);
        assert_eq!(set.get(0).sources.len(), 2);
    }

    #[test]
    fn a_long_id_is_cut_in_its_locator() {
        let long = "é".repeat(MAX_ID_CHARS + 1);
        let Locator::Id(cut) = Locator::id(&long) else { panic!() };
        assert_eq!(cut, format!("{}…", "é".repeat(MAX_ID_CHARS)));
        // Near miss: an id at the limit is kept whole.
        let whole = "é".repeat(MAX_ID_CHARS);
        assert_eq!(Locator::id(&whole), Locator::Id(whole));
    }
}
