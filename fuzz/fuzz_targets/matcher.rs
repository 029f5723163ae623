//! The matcher against the naive model of the matching rules that the
//! property test uses (`tests/it/model.rs`): any difference in the set
//! of (indicator, line) pairs found is a failure, not only a crash.
//!
//! Input: indicator lines, a NUL byte, then the haystack. Indicators the
//! model has no rule for, and non-ASCII ones, are left out; haystack
//! bytes that start encodings the model does not know (Windows DNS
//! debug names' parentheses, percent escapes) are blanked.
#![no_main]

use std::collections::BTreeSet;

use iocsweep::indicator::{ParseOptions, parse_value};
use iocsweep::matcher::{Matcher, RawHit};
use iocsweep::set::{Locator, SetBuilder, Source};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/it/model.rs"]
mod model;

/// Indicators used when the input names none.
const DEFAULT: &str = "192.0.2.1\n198.51.100.0/24\nevil.example\n\
    23f02508b165ec7313f038c28dc9ce82\na@evil.example\nevil.exe\n";

fuzz_target!(|data: &[u8]| {
    let (iocs, hay) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (DEFAULT.as_bytes(), data),
    };
    let mut b = SetBuilder::new();
    for (n, raw) in String::from_utf8_lossy(iocs).lines().enumerate().take(16)
    {
        if !raw.is_ascii() {
            continue;
        }
        let Ok(p) = parse_value(raw, ParseOptions::default()) else {
            continue;
        };
        if !model::model_knows(&p.value) {
            continue;
        }
        let source = Source {
            file: "fuzz".into(),
            at: Locator::Line(n as u64 + 1),
            compound: false,
            meta: Default::default(),
        };
        b.push(p.value, source);
    }
    let set = b.build();
    if set.is_empty() {
        return;
    }
    let hay: String = String::from_utf8_lossy(hay)
        .chars()
        .map(|c| if matches!(c, '(' | ')' | '%') { ' ' } else { c })
        .collect();
    let m = Matcher::new(&set);
    let mut raw: Vec<RawHit> = Vec::new();
    m.scan(hay.as_bytes(), &mut raw);
    let got: BTreeSet<(u32, usize)> = raw
        .iter()
        .map(|h| {
            let line = hay.as_bytes()[..h.start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            (h.id, line)
        })
        .collect();
    let want = model::model(&set, &hay);
    if got != want {
        let show = |pairs: &BTreeSet<(u32, usize)>| {
            pairs
                .iter()
                .map(|(id, n)| format!("{} (line {n})", set.get(*id).value))
                .collect::<Vec<_>>()
                .join(", ")
        };
        panic!(
            "haystack {hay:?}\n  model only:   {}\n  matcher only: {}",
            show(&(&want - &got)),
            show(&(&got - &want))
        );
    }
});
