//! A property test of the matcher library against a naive model.
//!
//! Random lines are built from a vocabulary of indicators, near-miss
//! variants (digits, labels and hex digits added, case changed), separators
//! and noise. The model reads DESIGN.md's rules directly: it finds every
//! candidate by brute force (every maximal run, every position) and applies
//! each kind's boundary rule; the set of (indicator, line) pairs it finds
//! must equal the matcher's.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use iocsweep::indicator::{ParseOptions, Value, parse_value};
use iocsweep::matcher::{Matcher, RawHit};
use iocsweep::set::{IndicatorSet, Locator, SetBuilder, Source};
use ipnet::IpNet;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const MD5: &str = "23f02508b165ec7313f038c28dc9ce82";
const SHA256: &str =
    "b020ee9a07c023b87c75dafcd1886c610c382f04a0142f0f3a24094385657e05";

/// The indicators every case sweeps for.
const IOCS: &[&str] = &[
    "192.0.2.1",
    "203.0.113.5",
    "198.51.100.0/24",
    "203.0.113.128/25",
    "evil.example",
    "higan.example",
    "a.b.test",
    MD5,
    SHA256,
    "a@evil.example",
    "ops@mail.test",
    "evil.exe",
    "run.ps1",
];

/// Bases of tokens: indicators, their neighbours and noise.
const BASES: &[&str] = &[
    "192.0.2.1",
    "192.0.2.10",
    "192.000.002.001",
    "203.0.113.5",
    "203.0.113.50",
    "198.51.100.7",
    "198.51.100.255",
    "198.51.101.7",
    "203.0.113.127",
    "203.0.113.128",
    "203.0.113.255",
    "10.0.0.1",
    "256.0.2.1",
    "evil.example",
    "EVIL.Example",
    "a.evil.example",
    "notevil.example",
    "my-evil.example",
    "evil-example",
    "higan.example",
    "michigan.example",
    "cdn.higan.example",
    "a.b.test",
    "b.test",
    "xa.b.test",
    "x.a.b.test",
    MD5,
    "23F02508B165EC7313F038C28DC9CE82",
    SHA256,
    "B020EE9A07C023B87C75DAFCD1886C610C382F04A0142F0F3A24094385657E05",
    "a@evil.example",
    "aa@evil.example",
    "a@sub.evil.example",
    "b.a@evil.example",
    "ops@mail.test",
    "OPS@MAIL.TEST",
    "evil.exe",
    "notevil.exe",
    "evil.exe.bak",
    "run.ps1",
    "C:\\Temp\\RUN.PS1",
    "/tmp/evil.exe",
    "GET",
    "src",
    "443",
    "id42",
    "x",
    "::1",
    "deadbeef",
];

const PREFIXES: &[&str] = &[
    "", "", "", "", "1", "0", "a", "a.", "x-", "not", "_", "::ffff:", "[",
    "<", "=", "http://", "C:\\x\\", "/", "f", "MD5=", "@", "1.", "b.",
];

const SUFFIXES: &[&str] = &[
    "", "", "", "", "1", "0", ".", ".7", ".7.3", ".51234", ":8080", "#53",
    "]", ">", "a", "g", ".org", "/x", "-", "_", "0f", ":443", ".example", "@",
    "..",
];

const SEPARATORS: &[&str] =
    &[" ", " ", " ", ",", ";", "=", "\t", " | ", "\"", ":", "(", ")", ""];

fn token() -> impl Strategy<Value = String> {
    (
        prop::sample::select(PREFIXES),
        prop::sample::select(BASES),
        prop::sample::select(SUFFIXES),
        0..4u8,
    )
        .prop_map(|(p, b, s, case)| {
            let t = format!("{p}{b}{s}");
            match case {
                0 => t.to_ascii_uppercase(),
                1 => t.to_ascii_lowercase(),
                _ => t,
            }
        })
}

fn line() -> impl Strategy<Value = String> {
    prop::collection::vec((token(), prop::sample::select(SEPARATORS)), 1..8)
        .prop_map(|parts| {
            parts.into_iter().map(|(t, s)| format!("{t}{s}")).collect()
        })
}

fn set_of(iocs: &[&str]) -> IndicatorSet {
    let mut b = SetBuilder::new();
    for (i, raw) in iocs.iter().enumerate() {
        let p = parse_value(raw, ParseOptions::default()).unwrap();
        let at = Locator::Line(i as u64 + 1);
        b.push(
            p.value,
            Source {
                file: "prop".into(),
                at,
                compound: false,
                meta: Default::default(),
            },
        );
    }
    b.build()
}

// ---- the model -------------------------------------------------------

/// Letters, digits, `.`, `-`, `_`: the bytes of a host-name token.
fn is_host(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

/// Returns the maximal runs of bytes for which `f` holds.
fn runs(line: &[u8], f: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if !f(line[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < line.len() && f(line[i]) {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

/// Whether the dotted address `text` at `s` is the tail of an IPv6
/// address that does not map it (`2001:db8::192.0.2.1`): the hex digits
/// and colons right before it, from a colon or a byte that is neither a
/// letter, a digit nor a dot, holding `::` or six colons, and parsing as
/// IPv6 together with the address.
fn in_unmapped_v6(line: &[u8], s: usize, text: &str) -> bool {
    if s == 0 || line[s - 1] != b':' {
        return false;
    }
    let mut h = s;
    while h > 0 && (line[h - 1].is_ascii_hexdigit() || line[h - 1] == b':') {
        h -= 1;
    }
    if h > 0 && (line[h - 1].is_ascii_alphanumeric() || line[h - 1] == b'.') {
        while line[h] != b':' {
            h += 1;
        }
    }
    let head = std::str::from_utf8(&line[h..s]).unwrap();
    if !head.contains("::") && head.matches(':').count() < 6 {
        return false;
    }
    match format!(
        "{head}{}",
        text.split('.').take(4).collect::<Vec<_>>().join(".")
    )
    .parse::<std::net::Ipv6Addr>()
    {
        Ok(v6) => v6.to_ipv4_mapped().is_none(),
        Err(_) => false,
    }
}

/// Every IPv4 address written in `line`, by DESIGN's rule: four octets
/// that are not part of a longer number or dotted run, optionally
/// followed by one tcpdump port component.
pub(crate) fn model_v4(line: &[u8]) -> Vec<Ipv4Addr> {
    let mut out = Vec::new();
    for (mut s, mut e) in runs(line, |b| b.is_ascii_digit() || b == b'.') {
        // A dot at either end joined to a letter (or `-`, `_`) continues
        // a dotted name: `a.1.2.3.4`, `1.2.3.4.example`.
        if line[s] == b'.' {
            if s > 0 && is_host(line[s - 1]) {
                continue;
            }
            s += 1;
        }
        if e > s && line[e - 1] == b'.' {
            if e < line.len() && is_host(line[e]) {
                continue;
            }
            e -= 1;
        }
        let text = std::str::from_utf8(&line[s..e.max(s)]).unwrap();
        let parts: Vec<&str> = text.split('.').collect();
        let octet =
            |p: &str| (1..=3).contains(&p.len()) && p.parse::<u8>().is_ok();
        let port =
            |p: &str| (1..=5).contains(&p.len()) && p.parse::<u16>().is_ok();
        let ok = match parts.len() {
            4 => parts.iter().all(|p| octet(p)),
            5 => parts[..4].iter().all(|p| octet(p)) && port(parts[4]),
            _ => false,
        };
        if ok && !in_unmapped_v6(line, s, text) {
            let o: Vec<u8> =
                parts[..4].iter().map(|p| p.parse().unwrap()).collect();
            out.push(Ipv4Addr::new(o[0], o[1], o[2], o[3]));
        }
    }
    out
}

/// Every host token in `line`, lower case, without the dots and dashes
/// that punctuation leaves at its ends. A leading underscore stays: it
/// belongs to the first label (`_evil.example` is not `evil.example`).
fn model_hosts(line: &[u8]) -> Vec<(usize, usize, String)> {
    runs(line, is_host)
        .into_iter()
        .map(|(mut s, mut e)| {
            while s < e && matches!(line[s], b'.' | b'-') {
                s += 1;
            }
            while e > s && matches!(line[e - 1], b'.' | b'-') {
                e -= 1;
            }
            let t = String::from_utf8_lossy(&line[s..e]).to_lowercase();
            (s, e, t)
        })
        .collect()
}

pub(crate) fn model_domain(line: &[u8], d: &str) -> bool {
    let dotted = format!(".{d}");
    model_hosts(line).iter().any(|(_, _, t)| t == d || t.ends_with(&dotted))
}

pub(crate) fn model_hash(line: &[u8], h: &str) -> bool {
    runs(line, |b| b.is_ascii_alphanumeric())
        .iter()
        .any(|(s, e)| line[*s..*e].eq_ignore_ascii_case(h.as_bytes()))
}

/// Bytes an e-mail local part may hold: RFC 5322 atext and `.`, less
/// `=`, `?` and `/`, which logs use between a key and an address
/// (`from=a@evil.example`, `?to=`); the matcher makes the same choice.
fn in_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-^_`{|}~.".contains(&b)
}

/// Every position where `needle` occurs, ignoring ASCII case.
fn find_all(line: &[u8], needle: &str) -> Vec<usize> {
    let n = needle.as_bytes();
    (0..=line.len().saturating_sub(n.len()))
        .filter(|i| {
            line.len() >= n.len()
                && line[*i..*i + n.len()].eq_ignore_ascii_case(n)
        })
        .collect()
}

pub(crate) fn model_email(line: &[u8], email: &str) -> bool {
    let hosts = model_hosts(line);
    find_all(line, email).into_iter().any(|s| {
        let e = s + email.len();
        let left_ok = s == 0 || !in_local(line[s - 1]);
        // The domain must be a whole host token.
        let right_ok = hosts.iter().any(|(_, he, _)| *he == e);
        left_ok && right_ok
    })
}

fn in_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._-~$".contains(&b)
}

pub(crate) fn model_filename(line: &[u8], name: &str) -> bool {
    find_all(line, name).into_iter().any(|s| {
        let e = s + name.len();
        let left_ok = s == 0 || !in_name(line[s - 1]);
        // A dot right after the name may end a sentence.
        let right_ok = match line.get(e) {
            None => true,
            Some(b'.') => line.get(e + 1).is_none_or(|b| !in_name(*b)),
            Some(b) => !in_name(*b),
        };
        left_ok && right_ok
    })
}

/// Whether the model finds indicator `v` in `line`.
fn model_finds(v: &Value, line: &[u8]) -> bool {
    match v {
        Value::Ipv4(a, None) => model_v4(line).contains(a),
        Value::Cidr(net @ IpNet::V4(_)) => {
            model_v4(line).iter().any(|a| net.contains(&IpAddr::V4(*a)))
        }
        Value::Domain(d) => model_domain(line, d),
        Value::Hash(h) => model_hash(line, h),
        Value::Email(e) => model_email(line, e),
        Value::Filename(f) => model_filename(line, f),
        other => panic!("the model has no rule for {other:?}"),
    }
}

/// Returns `(indicator id, line index)` for every hit of the model.
fn model(set: &IndicatorSet, hay: &str) -> BTreeSet<(u32, usize)> {
    let mut out = BTreeSet::new();
    for (n, line) in hay.split('\n').enumerate() {
        for (id, ind) in set.iter() {
            if model_finds(&ind.value, line.as_bytes()) {
                out.insert((id, n));
            }
        }
    }
    out
}

/// Returns `(indicator id, line index)` for every hit of the matcher.
fn matcher(m: &Matcher, hay: &str) -> BTreeSet<(u32, usize)> {
    let mut raw: Vec<RawHit> = Vec::new();
    m.scan(hay.as_bytes(), &mut raw);
    raw.iter()
        .map(|h| {
            let line = hay.as_bytes()[..h.start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            (h.id, line)
        })
        .collect()
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

/// Shows a difference with the indicators' values, not their ids.
fn explain(set: &IndicatorSet, pairs: &BTreeSet<(u32, usize)>) -> String {
    let v: Vec<String> = pairs
        .iter()
        .map(|(id, n)| format!("{} (line {n})", set.get(*id).value))
        .collect();
    v.join(", ")
}

fn check(set: &IndicatorSet, m: &Matcher, hay: &str) -> Result<(), String> {
    let want = model(set, hay);
    let got = matcher(m, hay);
    if want == got {
        return Ok(());
    }
    Err(format!(
        "haystack {hay:?}\n  model only:   {}\n  matcher only: {}",
        explain(set, &(&want - &got)),
        explain(set, &(&got - &want)),
    ))
}

#[test]
fn matcher_agrees_with_the_model() {
    let set = set_of(IOCS);
    let m = Matcher::new(&set);
    let lines = prop::collection::vec(line(), 1..4).prop_map(|l| l.join("\n"));
    let n = cases();
    let mut runner = TestRunner::new(Config::with_cases(n));
    // Which indicators the cases hit, and which they only came near
    // (written, in any case, without a hit): each should do both.
    let hit = RefCell::new(BTreeSet::new());
    let near = RefCell::new(BTreeSet::new());
    let result = runner.run(&lines, |hay| {
        check(&set, &m, &hay).map_err(TestCaseError::fail)?;
        let found = matcher(&m, &hay);
        for (id, ind) in set.iter() {
            if found.iter().any(|(i, _)| *i == id) {
                hit.borrow_mut().insert(id);
            } else if !find_all(hay.as_bytes(), &ind.value.to_string())
                .is_empty()
            {
                near.borrow_mut().insert(id);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    if n >= 256 {
        let all: BTreeSet<u32> = set.iter().map(|(id, _)| id).collect();
        assert_eq!(*hit.borrow(), all, "some indicators were never hit");
        let cidrs = |id: &u32| !set.get(*id).value.to_string().contains('/');
        let near: BTreeSet<u32> = near.borrow().iter().copied().collect();
        let want: BTreeSet<u32> = all.iter().copied().filter(cidrs).collect();
        assert_eq!(near, want, "some indicators never met a near miss");
    }
}

/// The model itself, on DESIGN's examples, so that agreement means
/// something.
#[test]
fn the_model_reads_design_examples() {
    let v4 = |s: &str| model_v4(s.as_bytes());
    let a: Ipv4Addr = "1.2.3.4".parse().unwrap();
    for hit in ["SRC=1.2.3.4", "[1.2.3.4]", "1.2.3.4:443", "1.2.3.4#53"] {
        assert_eq!(v4(hit), [a], "{hit}");
    }
    assert_eq!(v4("1.2.3.4.443"), [a]);
    for miss in ["11.2.3.4", "1.2.3.45", "1.2.3.4.5.6", "a.1.2.3.4"] {
        assert!(!v4(miss).contains(&a), "{miss}");
    }
    assert!(model_domain(b"x A.B.Evil.Example. y", "evil.example"));
    assert!(!model_domain(b"notevil.example", "evil.example"));
    assert!(!model_domain(b"evil.example.org", "evil.example"));
    assert!(model_hash(
        &format!("MD5={}", MD5.to_uppercase()).into_bytes(),
        MD5
    ));
    assert!(!model_hash(format!("{MD5}00").as_bytes(), MD5));
    assert!(model_email(b"from=<A@evil.example>", "a@evil.example"));
    assert!(!model_email(b"aa@evil.example", "a@evil.example"));
    assert!(!model_email(b"a@evil.example.org", "a@evil.example"));
    assert!(model_filename(b"C:\\x\\EVIL.EXE", "evil.exe"));
    assert!(!model_filename(b"notevil.exe", "evil.exe"));
}
