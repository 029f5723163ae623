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
use std::net::Ipv4Addr;

use iocsweep::indicator::{ParseOptions, parse_value};
use iocsweep::matcher::{Matcher, RawHit};
use iocsweep::set::{IndicatorSet, Locator, SetBuilder, Source};
use proptest::prelude::*;

use super::model::*;
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
    "na@evil.example",
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
    "na@evil.example",
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
    "",
    "",
    "",
    "",
    "1",
    "0",
    "a",
    "a.",
    "x-",
    "not",
    "_",
    "::ffff:",
    "[",
    "<",
    "=",
    "http://",
    "C:\\x\\",
    "/",
    "f",
    "MD5=",
    "@",
    "1.",
    "b.",
    "\\t",
    "\\n",
    "\\\\n",
    "\\u0009",
    "\\u0022",
    "\\u0041",
    "\\u0031",
    "\\u8bbf",
    "C:\\\\x\\\\",
    "'",
    "|",
    "`",
    "{",
    "x+",
    "x_",
    "ü",
    "«",
    "\u{a0}",
    "访问",
    "u\u{308}",
    "ｘ",
];

const SUFFIXES: &[&str] = &[
    "", "", "", "", "1", "0", ".", ".7", ".7.3", ".51234", ":8080", "#53",
    "]", ">", "a", "g", ".org", "/x", "-", "_", "0f", ":443", ".example", "@",
    "..", "ü", "é1", "»", ".ü", "에", "网站", "\u{301}",
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
        assert!(model_knows(&p.value), "the model has no rule for {raw}");
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
