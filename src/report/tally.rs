//! The per-indicator summary of a sweep: for every indicator seen, how
//! often, first and last when and where, in which files, and (where the
//! log format says so) in which fields and kinds of log, and with which
//! distinct hosts or peers.
//!
//! Hits arrive in input then line order, so the files an indicator was
//! seen in come one after another and each hit costs a few comparisons.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::net::IpAddr;

use serde_json::{Map, Value, json};

use crate::set::{Indicator, IndicatorSet, Locator};
use crate::time::Stamp;

use super::sanitize;

/// How many files an indicator's summary lists; the rest are counted.
pub const FILES_LISTED: usize = 50;

/// How many distinct peers of one indicator are kept; past it more are
/// not counted and the summary says the count is capped.
pub const PEERS_KEPT: usize = 10_000;

/// How many distinct days and peers the whole tally keeps, over every
/// indicator (about 100 MB). Lines an attacker writes can name a new peer
/// or a new day on every hit; past this, a hit on a day not yet kept is
/// counted in [`IndicatorTally::days_unlisted`] and a new peer marks the
/// indicator's peer count as capped, so memory stays bounded whatever the
/// logs hold.
pub const DISTINCT_KEPT: usize = 1_000_000;

/// How many peers an indicator's summary lists, in order; the rest are
/// counted.
pub const PEERS_LISTED: usize = 20;

/// How many rows the table on the terminal shows.
pub const TABLE_ROWS: usize = 20;

/// One sighting: when the line says it was written (if it says so in a
/// form the sweep reads), and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// The line's time.
    pub time: Option<Stamp>,
    /// The input, as hit records name it.
    pub path: String,
    /// The 1-based line number.
    pub line: u64,
}

impl Seen {
    /// Returns the sighting as JSON: `{"time"?, "path", "line"}`.
    fn json(&self) -> Value {
        let mut o = Map::new();
        if let Some(t) = self.time {
            o.insert("time".into(), t.to_string().into());
        }
        o.insert("path".into(), self.path.clone().into());
        o.insert("line".into(), self.line.into());
        Value::Object(o)
    }

    /// Returns the sighting for a table cell: the time if known, else
    /// `path:line`.
    pub fn short(&self) -> String {
        match self.time {
            Some(t) => t.to_string(),
            None => format!("{}:{}", self.path, self.line),
        }
    }
}

/// A host or peer an indicator was seen with: addresses first, in
/// numeric order, then names as the logs wrote them.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Peer {
    /// An IPv4 or IPv6 address.
    Addr(IpAddr),
    /// A host name or anything else a log wrote there.
    Name(Box<str>),
}

impl Peer {
    /// Returns the peer a log wrote as `s`.
    pub fn new(s: &str) -> Peer {
        match s.parse() {
            Ok(a) => Peer::Addr(a),
            Err(_) => Peer::Name(s.into()),
        }
    }
}

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Peer::Addr(a) => a.fmt(f),
            Peer::Name(n) => f.write_str(n),
        }
    }
}

/// What the sweep saw of one indicator.
#[derive(Clone, Debug)]
pub struct IndicatorTally {
    /// The indicator's id in the set.
    pub id: u32,
    /// Hits, one per line.
    pub hits: u64,
    /// The first hit in sweep order.
    pub first_in_order: Seen,
    /// The last hit in sweep order.
    pub last_in_order: Seen,
    /// The hit with the earliest time, if any hit had one.
    pub earliest: Option<Seen>,
    /// The hit with the latest time, if any hit had one.
    pub latest: Option<Seen>,
    /// The first [`FILES_LISTED`] files with hits, in sweep order, and
    /// their hits.
    pub files: Vec<(String, u64)>,
    /// How many files had hits, listed or not.
    pub files_total: u64,
    /// Hits by the log field the match sat in (`src`, `query`), where the
    /// log format names fields.
    pub fields: BTreeMap<&'static str, u64>,
    /// The distinct hosts or peers the indicator was seen with (the
    /// other side of a connection, the client of a query), up to
    /// [`PEERS_KEPT`].
    pub peers: BTreeSet<Peer>,
    /// Whether more distinct peers were seen than [`PEERS_KEPT`].
    pub peers_capped: bool,
    /// Hits by kind of log (`zeek-conn`), where the format was recognised.
    pub logs: BTreeMap<&'static str, u64>,
    /// Hits by day (days since 1970-01-01, UTC) for hits with a time.
    pub days: BTreeMap<i64, u64>,
    /// Hits with a time on a day not kept in `days`, the tally being
    /// full ([`DISTINCT_KEPT`]).
    pub days_unlisted: u64,
    /// Hits whose line had no time the sweep could read.
    pub undated: u64,
}

impl IndicatorTally {
    /// Returns the first sighting: the earliest by time when any hit had
    /// a time, else the first in sweep order.
    pub fn first(&self) -> &Seen {
        self.earliest.as_ref().unwrap_or(&self.first_in_order)
    }

    /// Returns the last sighting: the latest by time when any hit had a
    /// time, else the last in sweep order.
    pub fn last(&self) -> &Seen {
        self.latest.as_ref().unwrap_or(&self.last_in_order)
    }
}

/// One hit as the tally takes it.
#[derive(Clone, Copy, Debug)]
pub struct Sighting<'a> {
    /// The indicator's id.
    pub id: u32,
    /// The input's name.
    pub path: &'a str,
    /// The line number.
    pub line: u64,
    /// The line's time, if known.
    pub time: Option<Stamp>,
    /// The kind of log, if recognised.
    pub log: Option<&'static str>,
    /// The fields the match sat in.
    pub fields: &'a [&'static str],
    /// The other side of the line, where the log names it.
    pub peer: Option<&'a str>,
}

/// Every indicator seen in a sweep.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    by_id: HashMap<u32, IndicatorTally>,
    /// Days and peers kept, over every indicator.
    kept: usize,
    /// The most days and peers kept, if not [`DISTINCT_KEPT`].
    limit: Option<usize>,
}

impl Tally {
    /// Creates a tally that keeps at most `limit` days and peers in all,
    /// instead of [`DISTINCT_KEPT`].
    pub fn with_limit(limit: usize) -> Tally {
        Tally { limit: Some(limit), ..Tally::default() }
    }

    /// Counts one hit.
    pub fn add(&mut self, s: &Sighting<'_>) {
        let Tally { by_id, kept, limit } = self;
        let limit = limit.unwrap_or(DISTINCT_KEPT);
        let seen = || Seen { time: s.time, path: s.path.into(), line: s.line };
        let t = by_id.entry(s.id).or_insert_with(|| IndicatorTally {
            id: s.id,
            hits: 0,
            first_in_order: seen(),
            last_in_order: seen(),
            earliest: None,
            latest: None,
            files: Vec::new(),
            files_total: 0,
            fields: BTreeMap::new(),
            peers: BTreeSet::new(),
            peers_capped: false,
            logs: BTreeMap::new(),
            days: BTreeMap::new(),
            days_unlisted: 0,
            undated: 0,
        });
        let new_file = t.hits == 0 || t.last_in_order.path != s.path;
        t.hits += 1;
        if t.hits > 1 {
            // Most hits of an indicator come from the file of the hit
            // before: keep its path rather than allocate it again.
            let last = &mut t.last_in_order;
            if new_file {
                last.path = s.path.to_string();
            }
            (last.time, last.line) = (s.time, s.line);
        }
        match s.time {
            Some(time) => {
                if t.earliest.as_ref().is_none_or(|e| Some(time) < e.time) {
                    t.earliest = Some(seen());
                }
                if t.latest.as_ref().is_none_or(|e| Some(time) >= e.time) {
                    t.latest = Some(seen());
                }
                let day = time.secs.div_euclid(86_400);
                if let Some(n) = t.days.get_mut(&day) {
                    *n += 1;
                } else if *kept < limit {
                    t.days.insert(day, 1);
                    *kept += 1;
                } else {
                    t.days_unlisted += 1;
                }
            }
            None => t.undated += 1,
        }
        count_file(t, s.path, new_file);
        for f in s.fields {
            *t.fields.entry(f).or_insert(0) += 1;
        }
        if let Some(log) = s.log {
            *t.logs.entry(log).or_insert(0) += 1;
        }
        if let Some(p) = s.peer {
            count_peer(t, Peer::new(p), kept, limit);
        }
    }

    /// Returns the number of distinct indicators seen.
    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    /// Whether no indicator was seen.
    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Returns the tallies by hits, most first; ties by kind, then value.
    pub fn ranked<'t>(
        &'t self,
        set: &IndicatorSet,
    ) -> Vec<&'t IndicatorTally> {
        let mut v: Vec<&IndicatorTally> = self.by_id.values().collect();
        v.sort_by(|a, b| {
            let (ia, ib) = (set.get(a.id), set.get(b.id));
            b.hits
                .cmp(&a.hits)
                .then_with(|| ia.kind().cmp(&ib.kind()))
                .then_with(|| ia.value.cmp(&ib.value))
        });
        v
    }

    /// Returns the summary document written by `--summary`: totals, and
    /// one object per indicator seen, most hits first.
    pub fn to_json(&self, set: &IndicatorSet) -> Value {
        let ranked = self.ranked(set);
        let total: u64 = ranked.iter().map(|t| t.hits).sum();
        let list: Vec<Value> =
            ranked.iter().map(|t| indicator_json(t, set.get(t.id))).collect();
        json!({
            "indicators_loaded": set.len(),
            "indicators_seen": ranked.len(),
            "hits": total,
            "indicators": list,
        })
    }

    /// Returns the table shown on the terminal after a sweep: the top
    /// [`TABLE_ROWS`] indicators by hits with first and last sighting,
    /// then how many more. Log-derived text is escaped for a terminal.
    pub fn table(&self, set: &IndicatorSet) -> Vec<String> {
        let ranked = self.ranked(set);
        if ranked.is_empty() {
            return Vec::new();
        }
        let mut rows = vec![[
            "hits".to_string(),
            "peers".into(),
            "kind".into(),
            "indicator".into(),
            "first seen".into(),
            "last seen".into(),
        ]];
        for t in ranked.iter().take(TABLE_ROWS) {
            let ind = set.get(t.id);
            rows.push([
                t.hits.to_string(),
                t.peers_cell(),
                ind.kind().to_string(),
                cell(&ind.value.to_string(), 48),
                tail(&t.first().short(), 48),
                tail(&t.last().short(), 48),
            ]);
        }
        let mut widths = [0usize; 6];
        for r in &rows {
            for (w, c) in widths.iter_mut().zip(r) {
                *w = (*w).max(c.chars().count());
            }
        }
        let mut lines: Vec<String> = rows
            .iter()
            .map(|r| {
                // The counts are aligned right, the rest left.
                let mut line = format!(
                    "{:>w0$}  {:>w1$}",
                    r[0],
                    r[1],
                    w0 = widths[0],
                    w1 = widths[1]
                );
                for (c, w) in r[2..].iter().zip(&widths[2..]) {
                    line.push_str("  ");
                    line.push_str(c);
                    line.extend(std::iter::repeat_n(
                        ' ',
                        w - c.chars().count(),
                    ));
                }
                line.trim_end().to_string()
            })
            .collect();
        if ranked.len() > TABLE_ROWS {
            lines.push(format!("… and {} more", ranked.len() - TABLE_ROWS));
        }
        lines
    }
}

/// Counts a hit in `path` among the indicator's files; `new_file` says
/// whether the hit before it was in another file. Hits come in input
/// order, so a file left is never met again.
fn count_file(t: &mut IndicatorTally, path: &str, new_file: bool) {
    if new_file {
        t.files_total += 1;
        if t.files.len() < FILES_LISTED {
            t.files.push((path.to_string(), 1));
        }
    } else if t.files.len() as u64 == t.files_total {
        t.files.last_mut().expect("the current file is listed").1 += 1;
    }
}

/// Counts a peer among the indicator's distinct peers, up to
/// [`PEERS_KEPT`] of them, while the tally keeps fewer than `limit`
/// days and peers in all (`kept`).
fn count_peer(
    t: &mut IndicatorTally,
    p: Peer,
    kept: &mut usize,
    limit: usize,
) {
    if t.peers.contains(&p) {
        return;
    }
    if t.peers.len() < PEERS_KEPT && *kept < limit {
        t.peers.insert(p);
        *kept += 1;
    } else {
        t.peers_capped = true;
    }
}

impl IndicatorTally {
    /// Returns the count of distinct peers for a table cell: `-` when no
    /// hit named one, `N+` when capped.
    pub fn peers_cell(&self) -> String {
        match (self.peers.len(), self.peers_capped) {
            (0, _) => "-".into(),
            (n, false) => n.to_string(),
            (n, true) => format!("{n}+"),
        }
    }
}

/// Returns `s` escaped for a terminal and cut to `max` characters.
fn cell(s: &str, max: usize) -> String {
    let s = sanitize::escape(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut cut: String = s.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Returns `s` escaped for a terminal and cut to its last `max`
/// characters: the end of a path and the line number are what tell.
fn tail(s: &str, max: usize) -> String {
    let s = sanitize::escape(s);
    let n = s.chars().count();
    if n <= max {
        return s;
    }
    let mut cut = String::from("…");
    cut.extend(s.chars().skip(n - (max - 1)));
    cut
}

/// Returns the JSON array of an indicator's sources.
pub fn sources_json(ind: &Indicator) -> Value {
    let list = ind
        .sources
        .iter()
        .map(|s| {
            let mut o = Map::new();
            o.insert("file".into(), s.file.as_ref().into());
            match &s.at {
                Locator::Line(n) => o.insert("line".into(), (*n).into()),
                Locator::Id(id) => o.insert("id".into(), id.as_str().into()),
            };
            if s.compound {
                o.insert("compound".into(), true.into());
            }
            if s.meta.contains {
                o.insert("contains".into(), true.into());
            }
            if let Some(flag) = s.meta.to_ids {
                o.insert("to_ids".into(), flag.into());
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(list)
}

/// Returns the summary of one indicator.
fn indicator_json(t: &IndicatorTally, ind: &Indicator) -> Value {
    let mut o = Map::new();
    o.insert("kind".into(), ind.kind().to_string().into());
    o.insert("indicator".into(), ind.value.to_string().into());
    o.insert("hits".into(), t.hits.into());
    o.insert("first_seen".into(), t.first().json());
    o.insert("last_seen".into(), t.last().json());
    if !t.days.is_empty() {
        o.insert("undated_hits".into(), t.undated.into());
    }
    if t.days_unlisted > 0 {
        o.insert("days_unlisted_hits".into(), t.days_unlisted.into());
    }
    let files: Vec<Value> =
        t.files.iter().map(|(p, n)| json!({"path": p, "hits": n})).collect();
    o.insert("files".into(), files.into());
    o.insert("files_total".into(), t.files_total.into());
    if !t.fields.is_empty() {
        o.insert("fields".into(), json!(t.fields));
    }
    if !t.logs.is_empty() {
        o.insert("logs".into(), json!(t.logs));
    }
    if !t.peers.is_empty() {
        let listed: Vec<String> = t
            .peers
            .iter()
            .take(PEERS_LISTED)
            .map(ToString::to_string)
            .collect();
        o.insert("peers".into(), listed.into());
        o.insert("peers_total".into(), t.peers.len().into());
        if t.peers_capped {
            o.insert("peers_capped".into(), true.into());
        }
    }
    o.insert("sources".into(), sources_json(ind));
    Value::Object(o)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Loader};

    fn set() -> IndicatorSet {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("iocs.txt".into(), b"192.0.2.1\nevil.example\n");
        l.finish().set
    }

    fn at(secs: i64) -> Option<Stamp> {
        Some(Stamp { secs, nanos: 0 })
    }

    fn hit<'a>(
        id: u32,
        path: &'a str,
        line: u64,
        time: Option<Stamp>,
    ) -> Sighting<'a> {
        Sighting { id, path, line, time, log: None, fields: &[], peer: None }
    }

    #[test]
    fn first_and_last_follow_time_when_known_and_order_otherwise() {
        let mut t = Tally::default();
        // Lines out of time order, as merged or rotated logs have them.
        t.add(&hit(0, "a.log", 1, at(86_400 * 3)));
        t.add(&hit(0, "a.log", 7, at(86_400)));
        t.add(&hit(0, "b.log", 2, None));
        t.add(&hit(0, "b.log", 9, at(86_400 * 2 + 5)));
        t.add(&hit(1, "b.log", 4, None));
        t.add(&hit(1, "c.log", 1, None));
        let s = set();
        let j = t.to_json(&s);
        let ip = &j["indicators"][0];
        assert_eq!(ip["indicator"], "192.0.2.1");
        assert_eq!(ip["hits"], 4);
        assert_eq!(
            ip["first_seen"],
            json!({"time": "1970-01-02T00:00:00Z", "path": "a.log", "line": 7})
        );
        assert_eq!(
            ip["last_seen"],
            json!({"time": "1970-01-04T00:00:00Z", "path": "a.log", "line": 1})
        );
        assert_eq!(ip["undated_hits"], 1);
        assert_eq!(
            ip["files"],
            json!([{"path": "a.log", "hits": 2}, {"path": "b.log", "hits": 2}])
        );
        let dom = &j["indicators"][1];
        assert_eq!(dom["first_seen"], json!({"path": "b.log", "line": 4}));
        assert_eq!(dom["last_seen"], json!({"path": "c.log", "line": 1}));
        assert!(dom.get("undated_hits").is_none());
        assert_eq!(dom["sources"], json!([{"file": "iocs.txt", "line": 2}]));
        assert_eq!(j["hits"], 6);
        assert_eq!(j["indicators_seen"], 2);
        let days = &t.by_id[&0].days;
        assert_eq!(
            days.iter().collect::<Vec<_>>(),
            [(&1, &1), (&2, &1), (&3, &1)]
        );
    }

    #[test]
    fn files_past_the_cap_are_counted_not_listed() {
        let mut t = Tally::default();
        for f in 0..FILES_LISTED + 7 {
            let name = format!("f{f}.log");
            t.add(&hit(0, &name, 1, None));
            t.add(&hit(0, &name, 2, None));
        }
        let it = &t.by_id[&0];
        assert_eq!(it.files.len(), FILES_LISTED);
        assert_eq!(it.files_total, FILES_LISTED as u64 + 7);
        assert!(it.files.iter().all(|(_, n)| *n == 2));
        assert_eq!(it.hits, 2 * (FILES_LISTED as u64 + 7));
    }

    #[test]
    fn fields_and_logs_are_counted_where_hits_carry_them() {
        let mut t = Tally::default();
        let fields = ["src"];
        let s = Sighting {
            id: 0,
            path: "conn.log",
            line: 3,
            time: None,
            log: Some("zeek-conn"),
            fields: &fields,
            peer: None,
        };
        t.add(&s);
        t.add(&Sighting { fields: &["dst"], ..s });
        let j = t.to_json(&set());
        assert_eq!(j["indicators"][0]["fields"], json!({"dst": 1, "src": 1}));
        assert_eq!(j["indicators"][0]["logs"], json!({"zeek-conn": 2}));
    }

    #[test]
    fn distinct_peers_are_counted_listed_in_order_and_capped() {
        let mut t = Tally::default();
        fn with(id: u32, peer: Option<&str>) -> Sighting<'_> {
            Sighting { peer, ..hit(id, "fw.log", 1, None) }
        }
        // 25 distinct addresses, each seen twice, and one name; listed
        // addresses first, in numeric order, not text order.
        for _ in 0..2 {
            for i in (1..=25).rev() {
                t.add(&with(0, Some(&format!("10.0.0.{i}"))));
            }
            t.add(&with(0, Some("mail.corp.example")));
            t.add(&with(0, None));
        }
        let j = t.to_json(&set());
        let ip = &j["indicators"][0];
        assert_eq!(ip["peers_total"], 26);
        let listed: Vec<String> =
            (1..=PEERS_LISTED).map(|i| format!("10.0.0.{i}")).collect();
        assert_eq!(ip["peers"], json!(listed));
        assert!(ip.get("peers_capped").is_none());
        assert_eq!(t.by_id[&0].peers_cell(), "26");
        // Near miss: hits that name no peer give no peers at all.
        t.add(&with(1, None));
        let j = t.to_json(&set());
        assert!(j["indicators"][1].get("peers").is_none());
        assert_eq!(t.by_id[&1].peers_cell(), "-");
        // Past the cap, a peer already kept is still no news; a new one
        // marks the count as capped.
        let mut t = Tally::default();
        for i in 0..PEERS_KEPT as u32 {
            let a = std::net::Ipv4Addr::from(0x0a00_0000 + i).to_string();
            t.add(&with(0, Some(&a)));
        }
        t.add(&with(0, Some("10.0.0.0")));
        assert!(!t.by_id[&0].peers_capped);
        t.add(&with(0, Some("192.0.2.1")));
        let j = t.to_json(&set());
        let ip = &j["indicators"][0];
        assert_eq!(ip["peers_total"], PEERS_KEPT);
        assert_eq!(ip["peers_capped"], true);
        assert_eq!(ip["peers"][0], "10.0.0.0");
        assert_eq!(t.by_id[&0].peers_cell(), format!("{PEERS_KEPT}+"));
    }

    #[test]
    fn days_and_peers_are_bounded_over_the_whole_tally() {
        // Room for four days and peers in all: two indicators, each hit
        // with a new peer on a new day every time.
        let mut t = Tally::with_limit(4);
        let day = |d: i64| at(d * 86_400 + 60);
        for d in 0..3 {
            for id in 0..2 {
                let peer = format!("10.0.{id}.{d}");
                t.add(&Sighting {
                    peer: Some(&peer),
                    ..hit(id, "x.log", 1, day(d))
                });
            }
        }
        let (a, b) = (&t.by_id[&0], &t.by_id[&1]);
        // Kept in order of arrival: day 0 and its peer for both, then
        // nothing: the six hits are all counted.
        assert_eq!(a.days.iter().collect::<Vec<_>>(), [(&0, &1)]);
        assert_eq!((a.days_unlisted, b.days_unlisted), (2, 2));
        assert_eq!((a.peers.len(), b.peers.len()), (1, 1));
        assert!(a.peers_capped && b.peers_capped);
        assert_eq!((a.hits, b.hits), (3, 3));
        let j = t.to_json(&set());
        assert_eq!(j["indicators"][0]["days_unlisted_hits"], 2);
        // Near miss: a day and a peer already kept are counted as before.
        t.add(&Sighting {
            peer: Some("10.0.0.0"),
            ..hit(0, "x.log", 2, day(0))
        });
        assert_eq!(t.by_id[&0].days[&0], 2);
        assert_eq!(t.by_id[&0].days_unlisted, 2);
    }

    #[test]
    fn the_table_is_capped_and_escaped() {
        let mut l = Loader::new(LoadOptions::default());
        let list: String = (0..25).map(|i| format!("192.0.2.{i}\n")).collect();
        l.add_bytes("iocs.txt".into(), list.as_bytes());
        let s = l.finish().set;
        let mut t = Tally::default();
        for id in 0..25u32 {
            for line in 0..=u64::from(id) {
                t.add(&hit(id, "x\u{1b}[2J.log", line + 1, None));
            }
        }
        let lines = t.table(&s);
        assert_eq!(lines.len(), 1 + TABLE_ROWS + 1);
        assert_eq!(
            lines[0],
            "hits  peers  kind  indicator   first seen      last seen"
        );
        assert_eq!(
            lines[1],
            "  25      -  ipv4  192.0.2.24  x\\x1b[2J.log:1  x\\x1b[2J.log:25"
        );
        assert_eq!(lines[21], "… and 5 more");
        let long = "/srv/archive/2024/03/firewall/edge-01/ufw.log.12:4711";
        assert_eq!(tail(long, 30), "…ewall/edge-01/ufw.log.12:4711");
        assert_eq!(tail("a.log:1", 30), "a.log:1");
    }
}
