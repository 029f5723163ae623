//! Allowlists: values a sweep must not report, loaded from files in any
//! indicator format.
//!
//! An [`Allowlist`] drops indicators at or under an allowlisted value
//! before the matcher is built (an address or range inside an allowed
//! range, a domain or URL host at or under an allowed domain, any other
//! value when equal, ports and URL paths aside; an address allowed with a
//! port excepts only that address with that port), and an [`AllowSink`]
//! drops hits whose matched text is at or under an allowlisted value
//! (indicator `evil.example`, allowed `cdn.evil.example`: a hit on
//! `cdn.evil.example` is dropped, one on `www.evil.example` is not).
//! E-mail addresses are dropped only when equal: allowing a domain does
//! not allow every sender there.

use std::collections::HashSet;
use std::io;
use std::net::IpAddr;
use std::path::PathBuf;

use ipnet::IpNet;

use crate::indicator::{self, ParseOptions, Value};
use crate::load::{LoadOptions, Loaded, load_paths};
use crate::matcher::{Matcher, RawHit};
use crate::set::{Indicator, IndicatorSet};
use crate::sweep::input::Input;
use crate::sweep::tap::RawDigest;
use crate::sweep::{CONTEXT, Hit, InputStats, Sink};

/// Values not to report, indexed for the three ways they allow.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    /// Allowed ranges and addresses (as /32 or /128), by network and
    /// prefix length.
    nets: HashSet<IpNet>,
    /// Allowed domains, lower-case.
    domains: HashSet<String>,
    /// Other allowed values, ports and URL paths kept.
    exact: HashSet<Value>,
    /// How many distinct values the list holds.
    len: usize,
    /// Whether it holds an address with a port, which only the line
    /// around a hit can tell apart (see [`Allowlist::covers_hit`]).
    ports: bool,
}

impl Allowlist {
    /// Builds an allowlist from loaded values.
    pub fn new(set: &IndicatorSet) -> Allowlist {
        let mut a = Allowlist { len: set.len(), ..Allowlist::default() };
        for (_, ind) in set.iter() {
            match &ind.value {
                // An address with a port excepts that port alone.
                Value::Ipv4(_, Some(_)) | Value::Ipv6(_, Some(_)) => {
                    a.ports = true;
                    a.exact.insert(ind.value.clone())
                }
                Value::Ipv4(ip, None) => a.nets.insert(host_net((*ip).into())),
                Value::Ipv6(ip, None) => a.nets.insert(host_net((*ip).into())),
                Value::Cidr(n) => a.nets.insert(*n),
                Value::Domain(d) => a.domains.insert(d.clone()),
                v => a.exact.insert(v.clone()),
            };
        }
        a
    }

    /// Returns how many distinct values the list holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds no value.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Whether `value` is at or under an allowlisted value: an address or
    /// range inside an allowed range or equal to an allowed address
    /// (any port), an address with a port equal to one allowed with it, a domain or a URL's host at or under an allowed
    /// domain, or anything equal to an allowed value.
    pub fn covers(&self, value: &Value) -> bool {
        match value {
            Value::Ipv4(ip, port) => {
                self.covers_net(host_net((*ip).into()))
                    || (port.is_some() && self.exact.contains(value))
            }
            Value::Ipv6(ip, port) => {
                self.covers_net(host_net((*ip).into()))
                    || (port.is_some() && self.exact.contains(value))
            }
            Value::Cidr(n) => self.covers_net(*n),
            Value::Domain(d) => self.covers_domain(d),
            Value::Url(u) => {
                self.covers_host(&u.host) || self.exact.contains(value)
            }
            v => self.exact.contains(v),
        }
    }

    /// Whether `value` is exactly an allowlisted value (an address with
    /// any port when the address is listed without one, with its port
    /// when listed with it; a URL with no path whose host is listed).
    pub fn lists(&self, value: &Value) -> bool {
        match value {
            Value::Ipv4(ip, _) => {
                self.nets.contains(&host_net((*ip).into()))
                    || self.exact.contains(value)
            }
            Value::Ipv6(ip, _) => {
                self.nets.contains(&host_net((*ip).into()))
                    || self.exact.contains(value)
            }
            Value::Cidr(n) => self.nets.contains(n),
            Value::Domain(d) => self.domains.contains(d),
            Value::Url(u) => {
                let bare = u.rest.is_empty() || u.rest == "/";
                (bare && self.domains.contains(&u.host))
                    || self.exact.contains(value)
            }
            v => self.exact.contains(v),
        }
    }

    /// Whether the text a hit matched is at or under an allowlisted
    /// value. Text that reads as no indicator is not covered.
    pub fn covers_text(&self, matched: &[u8]) -> bool {
        if self.is_empty() {
            return false;
        }
        let Ok(text) = std::str::from_utf8(matched) else { return false };
        let text = dns_wire_name(text).unwrap_or_else(|| text.to_string());
        let opts = ParseOptions { allow_broad_ranges: true };
        match indicator::parse_value(&text, opts) {
            Ok(p) => self.covers(&p.value),
            Err(_) => false,
        }
    }

    /// Whether a hit is allowed: its matched text is covered, or it is
    /// an address the list allows with the port the line writes right
    /// after it (`198.51.100.7:443`, `[2001:db8::9]:853`, BIND's `#53`,
    /// tcpdump's `198.51.100.7.443`). `matched` lies inside `line`.
    pub fn covers_hit(&self, line: &[u8], matched: &[u8]) -> bool {
        if self.covers_text(matched) {
            return true;
        }
        if !self.ports {
            return false;
        }
        let Some(start) = offset_in(line, matched) else { return false };
        let after = &line[start + matched.len()..];
        let Ok(text) = std::str::from_utf8(matched) else { return false };
        let text = text.trim_start_matches('[').trim_end_matches(']');
        let Ok(ip) = text.parse::<IpAddr>() else { return false };
        // `[198.51.100.7]:443`, `[2001:db8::9]:853`; an IPv4-mapped
        // address is the IPv4 one, as the matcher takes it.
        let after = after.strip_prefix(b"]").unwrap_or(after);
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let seps: &[u8] = if ip.is_ipv4() { b":#/." } else { b":#/" };
        let Some((&sep, rest)) = after.split_first() else { return false };
        if !seps.contains(&sep) {
            return false;
        }
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 5 {
            return false;
        }
        let Some(port) = std::str::from_utf8(&rest[..digits])
            .ok()
            .and_then(|d| d.parse::<u16>().ok())
        else {
            return false;
        };
        let value = match ip {
            IpAddr::V4(a) => Value::Ipv4(a, Some(port)),
            IpAddr::V6(a) => Value::Ipv6(a, Some(port)),
        };
        self.exact.contains(&value)
    }

    /// Whether a range lies inside an allowed range.
    fn covers_net(&self, net: IpNet) -> bool {
        if self.nets.is_empty() {
            return false;
        }
        (0..=net.prefix_len()).any(|len| {
            let wider = IpNet::new(net.addr(), len)
                .expect("a shorter prefix is valid")
                .trunc();
            self.nets.contains(&wider)
        })
    }

    /// Whether a domain is at or under an allowed domain.
    fn covers_domain(&self, d: &str) -> bool {
        let mut rest = d;
        loop {
            if self.domains.contains(rest) {
                return true;
            }
            match rest.split_once('.') {
                Some((_, up)) => rest = up,
                None => return false,
            }
        }
    }

    /// Whether a URL's host is at or under an allowed domain or address.
    fn covers_host(&self, host: &str) -> bool {
        let bare = host.trim_start_matches('[').trim_end_matches(']');
        match bare.parse::<IpAddr>() {
            Ok(ip) => self.covers_net(host_net(ip)),
            Err(_) => self.covers_domain(host),
        }
    }

    /// Removes the indicators the list covers from a loaded set and
    /// returns them.
    pub fn filter(&self, loaded: &mut Loaded) -> Vec<Indicator> {
        if self.is_empty() {
            return Vec::new();
        }
        loaded.set.retain(|i| !self.covers(&i.value))
    }
}

/// Loads allowlist files (any indicator format; ranges of any width).
pub fn load(paths: &[PathBuf]) -> Loaded {
    let parse = ParseOptions { allow_broad_ranges: true };
    load_paths(paths, LoadOptions { parse, ..LoadOptions::default() })
}

/// Returns where `inner`, a slice of `outer`, starts in it; `None` if
/// it is not one.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    (inner.as_ptr() as usize)
        .checked_sub(outer.as_ptr() as usize)
        .filter(|s| s + inner.len() <= outer.len())
}

/// Returns the single-address network of `ip`.
fn host_net(ip: IpAddr) -> IpNet {
    let len = if ip.is_ipv4() { 32 } else { 128 };
    IpNet::new(ip, len).expect("a full-length prefix is valid")
}

/// Turns a name in DNS wire form as Windows DNS debug logs write it,
/// `(3)cdn(4)evil(7)example(0)`, into `cdn.evil.example`.
fn dns_wire_name(text: &str) -> Option<String> {
    if !text.starts_with('(') {
        return None;
    }
    let mut labels = Vec::new();
    let mut rest = text;
    while let Some(r) = rest.strip_prefix('(') {
        let (len, r) = r.split_once(')')?;
        let len: usize = len.parse().ok()?;
        if len == 0 {
            break;
        }
        labels.push(r.get(..len)?);
        rest = &r[len..];
    }
    Some(labels.join("."))
}

/// A [`Sink`] that forwards every hit except those whose matched text an
/// [`Allowlist`] covers, and counts those.
pub struct AllowSink<'a, S: Sink> {
    inner: S,
    allow: &'a Allowlist,
    /// The sweep's matcher, to find another match of an indicator on a
    /// line whose first match is allowed.
    matcher: Option<&'a Matcher>,
    /// The last text rescanned and the matches found in it: the hits of
    /// one short line share their text.
    rescanned: Option<(usize, usize, Vec<RawHit>)>,
    /// Hits dropped in all, and in the input being swept (taken off its
    /// count, which the sweep made before this sink saw them).
    dropped: u64,
    dropped_here: u64,
}

/// What a rescan of a line whose first match is allowed found.
enum Rescan<'h> {
    /// A later match of the indicator the list does not cover.
    Other(Hit<'h>),
    /// The line was cut short of its end (past [`CONTEXT`] bytes after
    /// the match): what is beyond was not seen, so the hit is kept.
    Cut,
    /// Every match of the indicator on the line is allowed.
    AllAllowed,
}

impl<'a, S: Sink> AllowSink<'a, S> {
    /// Wraps `inner`, dropping hits `allow` covers.
    pub fn new(inner: S, allow: &'a Allowlist) -> AllowSink<'a, S> {
        AllowSink {
            inner,
            allow,
            matcher: None,
            rescanned: None,
            dropped: 0,
            dropped_here: 0,
        }
    }

    /// Looks, with the sweep's matcher, for another match on the line
    /// when a hit's match is allowed: a sweep reports a line once an
    /// indicator, at its first match, and `cdn.evil.example` allowed must
    /// not hide `www.evil.example` later on the line.
    pub fn rescanning(mut self, matcher: &'a Matcher) -> AllowSink<'a, S> {
        self.matcher = Some(matcher);
        self
    }

    /// Returns how many hits were dropped.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Returns the wrapped sink.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// Looks for the first match of `hit`'s indicator on the line after
    /// `hit`'s that the list does not cover. The hit returned has its
    /// `fields` and `peer`, found for the first match, left empty.
    fn rescan<'h>(&mut self, hit: &Hit<'h>) -> Rescan<'h> {
        let text = hit.text;
        let first = offset_in(text, hit.matched);
        let (Some(m), Some(first)) = (self.matcher, first) else {
            return Rescan::AllAllowed;
        };
        // A token or port split where the text was cut would read as
        // something else: a line cut short is not rescanned.
        if text.len() - (first + hit.matched.len()) >= CONTEXT {
            return Rescan::Cut;
        }
        let key = (text.as_ptr() as usize, text.len());
        let raw = match &self.rescanned {
            Some((p, n, raw)) if (*p, *n) == key => raw,
            _ => {
                let mut raw = Vec::new();
                m.scan(text, &mut raw);
                raw.sort_unstable();
                &self.rescanned.insert((key.0, key.1, raw)).2
            }
        };
        let other = raw.iter().find(|r| {
            r.id == hit.id
                && r.start > first
                && !self.allow.covers_hit(text, &text[r.start..r.end])
        });
        let Some(r) = other else { return Rescan::AllAllowed };
        Rescan::Other(Hit {
            line: hit.line,
            offset: hit.offset + (r.start - first) as u64,
            id: hit.id,
            matched: &text[r.start..r.end],
            text,
            time: hit.time,
            log: hit.log,
            fields: Vec::new(),
            peer: None,
        })
    }

    /// Returns `stats` less the hits this sink dropped from the input.
    fn net(&mut self, stats: &InputStats) -> InputStats {
        let mut stats = stats.clone();
        stats.hits = stats.hits.saturating_sub(self.dropped_here);
        self.dropped_here = 0;
        self.rescanned = None;
        stats
    }
}

impl<S: Sink> Sink for AllowSink<'_, S> {
    fn hit(&mut self, input: &Input, hit: &Hit<'_>) -> io::Result<()> {
        if !self.allow.covers_hit(hit.text, hit.matched) {
            return self.inner.hit(input, hit);
        }
        match self.rescan(hit) {
            Rescan::Other(other) => self.inner.hit(input, &other),
            Rescan::Cut => self.inner.hit(input, hit),
            Rescan::AllAllowed => {
                self.dropped += 1;
                self.dropped_here += 1;
                Ok(())
            }
        }
    }

    fn input_done(
        &mut self,
        input: &Input,
        stats: &InputStats,
        error: Option<&io::Error>,
    ) -> io::Result<()> {
        let stats = self.net(stats);
        self.inner.input_done(input, &stats, error)
    }

    fn input_hashed(
        &mut self,
        input: &Input,
        digest: &RawDigest,
    ) -> io::Result<()> {
        self.inner.input_hashed(input, digest)
    }

    fn input_stopped(
        &mut self,
        input: &Input,
        stats: &InputStats,
    ) -> io::Result<()> {
        let stats = self.net(stats);
        self.inner.input_stopped(input, &stats)
    }
}

/// Returns the summary line for what an allowlist dropped.
pub fn note(indicators: usize, hits: u64) -> String {
    let i = if indicators == 1 { "indicator" } else { "indicators" };
    let h = if hits == 1 { "hit" } else { "hits" };
    format!("allowlist: {indicators} {i} and {hits} {h} dropped")
}

/// Allowlist entries that are not applied, by why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NotApplied {
    /// Entries whose `valid_until` has passed.
    pub expired: usize,
    /// Entries their file marks revoked.
    pub revoked: usize,
    /// Entries whose `valid_from` has not come yet.
    pub not_yet_valid: usize,
    /// Entries with a validity time or a `revoked` that does not read,
    /// which might have ended.
    pub validity_unread: usize,
    /// `AND` patterns: an exception for values seen together is no
    /// exception for each one alone.
    pub and_patterns: usize,
    /// Patterns under a qualifier (`START … STOP`, `WITHIN`, `REPEATS`):
    /// an exception for a window or a repetition is none at any time.
    pub qualified: usize,
}

impl NotApplied {
    /// How many entries are not applied.
    pub fn total(&self) -> usize {
        self.expired
            + self.revoked
            + self.not_yet_valid
            + self.validity_unread
            + self.and_patterns
            + self.qualified
    }

    /// The summary's line, if any entry is not applied:
    /// `allowlist: 2 entries not applied (1 expired, 1 revoked)`.
    pub fn note(&self) -> Option<String> {
        let n = self.total();
        if n == 0 {
            return None;
        }
        let why: Vec<String> = [
            (self.expired, "expired"),
            (self.revoked, "revoked"),
            (self.not_yet_valid, "not yet valid"),
            (self.validity_unread, "whose validity does not read"),
            (self.and_patterns, "AND pattern"),
            (self.qualified, "qualified by START, WITHIN or REPEATS"),
        ]
        .iter()
        .filter(|(k, _)| *k > 0)
        .map(|&(k, what)| match what {
            "AND pattern" if k > 1 => format!("{k} AND patterns"),
            _ => format!("{k} {what}"),
        })
        .collect();
        let entries = if n == 1 { "entry" } else { "entries" };
        Some(format!(
            "allowlist: {n} {entries} not applied ({})",
            why.join(", ")
        ))
    }
}

/// Drops from a loaded allowlist every entry that does not hold at
/// `now` (Unix seconds), and the values no entry is left for: an
/// exception its own file revoked, or whose validity has ended or not
/// begun (or is given in a form that does not read, so might have
/// ended), would hide true hits; so would one part of an `AND` pattern
/// applied alone, when the file excepts only the values seen together,
/// or one under a pattern's qualifier, applied at any time. Validity is taken to the second, not
/// the day as for indicators: an exception that ended an hour ago
/// hides nothing. `--include-expired` is about indicators and does not
/// bring an entry back.
pub fn retire(loaded: &mut Loaded, now: i64) -> NotApplied {
    let mut out = NotApplied::default();
    // An entry naming several values (`IN`, `OR`) is one entry.
    let mut seen = HashSet::new();
    loaded.set.retain_sources(|s| {
        let m = &s.meta;
        let count = if m.revoked {
            &mut out.revoked
        } else if m.valid_until.is_some_and(|u| u <= now) {
            &mut out.expired
        } else if m.valid_from.is_some_and(|f| f > now) {
            &mut out.not_yet_valid
        } else if m.validity_unread {
            &mut out.validity_unread
        } else if s.compound {
            &mut out.and_patterns
        } else if m.qualified {
            &mut out.qualified
        } else {
            return true;
        };
        if seen.insert((s.file.clone(), s.at.clone())) {
            *count += 1;
        }
        false
    });
    loaded.set.retain(|i| !i.sources.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{LoadOptions, Loader};

    #[test]
    fn entries_not_holding_to_the_second_are_not_applied() {
        // 2023-11-14T22:13:20Z.
        let now = 1_700_000_000;
        let entry = |value: &str, extra: &str| {
            format!(
                r#"{{"type":"indicator","id":"indicator--{value}{}",
                "pattern_type":"stix",
                "pattern":"[domain-name:value = '{value}']"{extra}}}"#,
                extra.len()
            )
        };
        let hour_ago = r#","valid_until":"2023-11-14T21:13:20Z""#;
        let objs = [
            entry("ended.example", hour_ago),
            entry("revoked.example", r#","revoked":true"#),
            entry("later.example", r#","valid_from":"2023-11-14T23:13:20Z""#),
            // An end the reader cannot read might have passed: an
            // exception is not applied on a guess.
            entry("unread.example", r#","valid_until":"2023-11-14 soon""#),
            entry("unread2.example", r#","valid_from":17000"#),
            // Near misses: valid for another hour; and a value one entry
            // has ended and another still allows.
            entry("valid.example", r#","valid_until":"2023-11-14T23:13:20Z""#),
            entry("both.example", hour_ago),
            entry("both.example", ""),
            // An exception for two values seen together is none for
            // either alone.
            r#"{"type":"indicator","id":"indicator--and",
                "pattern_type":"stix",
                "pattern":"[domain-name:value = 'a1.example'] AND [ipv4-addr:value = '192.0.2.9']"}"#
                .to_string(),
            // An exception for what is seen in a window, or repeated, is
            // none at any other time.
            r#"{"type":"indicator","id":"indicator--q",
                "pattern_type":"stix",
                "pattern":"[domain-name:value = 'q.example'] START t'2020-01-01T00:00:00Z' STOP t'2020-02-01T00:00:00Z'"}"#
                .to_string(),
            // Near miss: a part of an AND that another entry allows alone.
            r#"{"type":"indicator","id":"indicator--and2",
                "pattern_type":"stix",
                "pattern":"[domain-name:value = 'valid.example'] AND [ipv4-addr:value = '192.0.2.9']"}"#
                .to_string(),
            // One entry naming two values is one entry.
            r#"{"type":"indicator","id":"indicator--in",
                "pattern_type":"stix","revoked":true,
                "pattern":"[domain-name:value IN ('m1.example', 'm2.example')]"}"#
                .to_string(),
        ];
        let text =
            format!(r#"{{"type":"bundle","objects":[{}]}}"#, objs.join(","));
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("allow.json".into(), text.as_bytes());
        let mut loaded = l.finish();
        let warned: Vec<String> =
            loaded.problems.iter().map(|p| p.to_string()).collect();
        assert_eq!(warned.len(), 3, "{warned:?}");
        assert!(warned[2].contains("qualifier START is ignored"));
        assert!(warned[0].contains("valid_until \"2023-11-14 soon\""));
        assert!(warned[1].contains("valid_from 17000"));
        let got = retire(&mut loaded, now);
        assert_eq!(
            got,
            NotApplied {
                expired: 2,
                revoked: 2,
                not_yet_valid: 1,
                validity_unread: 2,
                and_patterns: 2,
                qualified: 1,
            }
        );
        assert_eq!(
            got.note().unwrap(),
            "allowlist: 10 entries not applied (2 expired, 2 revoked, 1 not \
             yet valid, 2 whose validity does not read, 2 AND patterns, 1 \
             qualified by START, WITHIN or REPEATS)"
        );
        let left: Vec<String> =
            loaded.set.iter().map(|(_, i)| i.value.to_string()).collect();
        assert_eq!(left, ["valid.example", "both.example"]);
        assert_eq!(NotApplied::default().note(), None);
        let one = NotApplied { and_patterns: 1, ..NotApplied::default() };
        assert_eq!(
            one.note().unwrap(),
            "allowlist: 1 entry not applied (1 AND pattern)"
        );
    }

    fn set(text: &str) -> IndicatorSet {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("allow.txt".into(), text.as_bytes());
        let loaded = l.finish();
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        loaded.set
    }

    fn value(s: &str) -> Value {
        let opts = ParseOptions { allow_broad_ranges: true };
        indicator::parse_value(s, opts).unwrap().value
    }

    const LIST: &str = "10.0.0.0/8\n203.0.113.5\n2001:db8:1::/48\n\
                        cdn.evil.example\nfriend@evil.example\n\
                        http://ok.example/a\n\
                        d41d8cd98f00b204e9800998ecf8427e\n";

    #[test]
    fn covers_values_at_or_under_an_allowed_one() {
        let a = Allowlist::new(&set(LIST));
        assert_eq!(a.len(), 7);
        for yes in [
            "10.1.2.3",
            "10.1.2.3:8080",
            "10.9.0.0/16",
            "10.0.0.0/8",
            "203.0.113.5",
            "203.0.113.5:443",
            "2001:db8:1::7",
            "cdn.evil.example",
            "x.cdn.evil.example",
            "http://cdn.evil.example/gate.php",
            "http://10.0.0.1/x",
            "friend@evil.example",
            "http://ok.example/a",
            "D41D8CD98F00B204E9800998ECF8427E",
        ] {
            assert!(a.covers(&value(yes)), "{yes}");
        }
        for no in [
            "11.0.0.1",
            "9.255.255.255",
            "10.0.0.0/7",
            "203.0.113.6",
            "203.0.113.0/24",
            "2001:db8:2::7",
            "evil.example",
            "www.evil.example",
            "notcdn.evil.example",
            "cdn.evil.example.org",
            "foe@evil.example",
            "friend@cdn.evil.example",
            "http://ok.example/ab",
            "http://evil.example/cdn.evil.example",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ] {
            assert!(!a.covers(&value(no)), "{no}");
        }
    }

    #[test]
    fn an_address_with_a_port_allows_that_port_alone() {
        let a = Allowlist::new(&set("198.51.100.7:443\n[2001:db8::9]:853\n"));
        for yes in ["198.51.100.7:443", "[2001:db8::9]:853"] {
            assert!(a.covers(&value(yes)), "{yes}");
            assert!(a.lists(&value(yes)), "{yes}");
            assert!(a.covers_text(yes.as_bytes()), "{yes}");
        }
        // Near misses: the address on another port, or on any port (an
        // indicator without one hits them all), or a range holding it.
        for no in [
            "198.51.100.7",
            "198.51.100.7:22",
            "198.51.100.0/24",
            "2001:db8::9",
            "[2001:db8::9]:53",
        ] {
            assert!(!a.covers(&value(no)), "{no}");
            assert!(!a.lists(&value(no)), "{no}");
            assert!(!a.covers_text(no.as_bytes()), "{no}");
        }
    }

    #[test]
    fn a_hit_is_allowed_with_the_port_its_line_writes() {
        let a = Allowlist::new(&set("198.51.100.7:443\n[2001:db8::9]:853\n"));
        // Returns whether the first `what` in `line` is allowed.
        let hit = |line: &str, what: &str| {
            let at = line.find(what).unwrap();
            let line = line.as_bytes();
            a.covers_hit(line, &line[at..at + what.len()])
        };
        for (line, what) in [
            ("conn 198.51.100.7:443 ok", "198.51.100.7"),
            ("IP 10.0.0.1.5 > 198.51.100.7.443: S", "198.51.100.7"),
            ("client 198.51.100.7#443 query", "198.51.100.7"),
            ("to [2001:db8::9]:853 tls", "2001:db8::9"),
            ("to [2001:db8::9]:853 tls", "[2001:db8::9]:853"),
            ("to [198.51.100.7]:443 tls", "198.51.100.7"),
            ("to [::ffff:198.51.100.7]:443 tls", "::ffff:198.51.100.7"),
            ("to [::ffff:c633:6407]:443 tls", "::ffff:c633:6407"),
        ] {
            assert!(hit(line, what), "{line}");
        }
        // Near misses: another port, a longer number, no port at all, a
        // port only further on.
        for (line, what) in [
            ("conn 198.51.100.7:22 ok", "198.51.100.7"),
            ("conn 198.51.100.7:4430 ok", "198.51.100.7"),
            ("conn 198.51.100.7 ok", "198.51.100.7"),
            ("conn 198.51.100.7 port 443", "198.51.100.7"),
            ("to [2001:db8::9]:53 dns", "2001:db8::9"),
            ("to 2001:db8::9.853", "2001:db8::9"),
            ("to [::ffff:198.51.100.7]:22 ssh", "::ffff:198.51.100.7"),
        ] {
            assert!(!hit(line, what), "{line}");
        }
        // A list without ports looks at no port.
        let plain = Allowlist::new(&set("192.0.2.1\n"));
        let line = b"192.0.2.1:80";
        assert!(plain.covers_hit(line, &line[..9]));
        assert!(!plain.covers_hit(b"192.0.2.2:80", b"192.0.2.2"));
    }

    #[test]
    fn lists_only_exact_values() {
        let a = Allowlist::new(&set("google.com\n8.8.8.8\n"));
        for yes in
            ["google.com", "8.8.8.8", "8.8.8.8:53", "https://google.com/"]
        {
            assert!(a.lists(&value(yes)), "{yes}");
        }
        for no in [
            "www.google.com",
            "google.com.evil.example",
            "8.8.8.9",
            "https://google.com/x",
        ] {
            assert!(!a.lists(&value(no)), "{no}");
        }
    }

    #[test]
    fn matched_text_is_read_as_an_indicator() {
        let a = Allowlist::new(&set(LIST));
        assert!(a.covers_text(b"cdn.evil.example"));
        assert!(a.covers_text(b"CDN.Evil.Example."));
        assert!(a.covers_text(b"(3)cdn(4)evil(7)example(0)"));
        assert!(a.covers_text(b"203.0.113.5"));
        assert!(!a.covers_text(b"www.evil.example"));
        assert!(!a.covers_text(b"(3)www(4)evil(7)example(0)"));
        assert!(!a.covers_text(b"203.0.113.7"));
        assert!(!a.covers_text(b"\xff"));
        assert!(!a.covers_text(b"not an indicator"));
    }

    proptest::proptest! {
        /// Ranges and addresses against a list scan: a value is covered
        /// exactly when some allowed range contains all of it. Octets
        /// are drawn from a few values so that cases meet often.
        #[test]
        fn ranges_cover_as_a_list_scan_says(
            allowed in proptest::collection::vec(
                (proptest::sample::select(vec![10u8, 11, 203]),
                 proptest::sample::select(vec![0u8, 1, 113]),
                 0u8..=255, 8u8..=32),
                1..6,
            ),
            probe in (proptest::sample::select(vec![10u8, 11, 203]),
                      proptest::sample::select(vec![0u8, 1, 113]),
                      0u8..=255, 0u8..=255, 8u8..=32),
        ) {
            use std::net::Ipv4Addr;
            let nets: Vec<IpNet> = allowed
                .iter()
                .map(|&(a, b, c, len)| {
                    let ip = IpAddr::V4(Ipv4Addr::new(a, b, c, 0));
                    IpNet::new(ip, len).unwrap().trunc()
                })
                .collect();
            let text: String =
                nets.iter().map(|n| format!("{n}\n")).collect();
            let a = Allowlist::new(&set(&text));
            let ip = Ipv4Addr::new(probe.0, probe.1, probe.2, probe.3);
            let net = IpNet::new(IpAddr::V4(ip), probe.4).unwrap().trunc();
            let naive = |n: &IpNet| {
                nets.iter().any(|m| {
                    m.contains(&n.network()) && m.prefix_len() <= n.prefix_len()
                })
            };
            let host = IpNet::from(IpAddr::V4(ip));
            proptest::prop_assert_eq!(
                a.covers(&Value::Ipv4(ip, None)),
                naive(&host)
            );
            proptest::prop_assert_eq!(a.covers(&Value::Cidr(net)), naive(&net));
        }
    }

    #[test]
    fn filter_drops_covered_indicators() {
        let a = Allowlist::new(&set("10.0.0.0/8\ncdn.evil.example\n"));
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes(
            "iocs.txt".into(),
            b"10.1.2.3\n11.0.0.1\nevil.example\na.cdn.evil.example\n",
        );
        let mut loaded = l.finish();
        let gone = a.filter(&mut loaded);
        let names = |s: &IndicatorSet| -> Vec<String> {
            s.iter().map(|(_, i)| i.value.to_string()).collect()
        };
        assert_eq!(names(&loaded.set), ["11.0.0.1", "evil.example"]);
        let gone: Vec<String> =
            gone.iter().map(|i| i.value.to_string()).collect();
        assert_eq!(gone, ["10.1.2.3", "a.cdn.evil.example"]);
        assert_eq!(note(2, 1), "allowlist: 2 indicators and 1 hit dropped");
    }
}
