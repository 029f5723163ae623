//! A property test of the hit records written from attacker-controlled
//! log bytes: in jsonl, ecs and csv, every record is exactly one line,
//! each line parses (JSON, or RFC 4180 CSV with the header's number of
//! columns), and no control or bidi character appears raw.
//!
//! `PROPTEST_CASES` sets the number of cases (default 256).

use iocsweep::indicator::{ParseOptions, parse_value};
use iocsweep::report::{Format, Reporter, sanitize};
use iocsweep::set::{IndicatorSet, Locator, SetBuilder, Source};
use iocsweep::sweep::input::Input;
use iocsweep::sweep::{Hit, Sink};
use proptest::prelude::*;

fn set() -> IndicatorSet {
    let mut b = SetBuilder::new();
    let p = parse_value("evil.example", ParseOptions::default()).unwrap();
    let source = Source {
        file: "iocs\u{202e}\n,=x.txt".into(),
        at: Locator::Line(1),
        compound: false,
        meta: Default::default(),
    };
    b.push(p.value, source);
    b.build()
}

/// Splits one CSV line into its cells by RFC 4180: a quoted cell may hold
/// commas and doubled quotes. Returns `None` for a malformed line.
fn csv_cells(line: &str) -> Option<Vec<String>> {
    let mut cells = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        let mut cell = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    '"' => break,
                    c => cell.push(c),
                }
            }
            match chars.next() {
                None => {
                    cells.push(cell);
                    return Some(cells);
                }
                Some(',') => {}
                Some(_) => return None,
            }
        } else {
            loop {
                match chars.next() {
                    None => {
                        cells.push(cell);
                        return Some(cells);
                    }
                    Some(',') => break,
                    Some('"') => return None,
                    Some(c) => cell.push(c),
                }
            }
        }
        cells.push(cell);
    }
}

#[test]
fn the_csv_reader_of_this_test_follows_rfc_4180() {
    assert_eq!(
        csv_cells(r#"a,"b,""c""",,"#),
        Some(vec!["a".into(), "b,\"c\"".into(), String::new(), String::new()])
    );
    assert_eq!(csv_cells(r#"a,b"c"#), None);
    assert_eq!(csv_cells(r#""a"b"#), None);
}

/// Writes one hit on `text` (matched at `start..end`) from an input named
/// after `name`, in `format`.
fn record(
    set: &IndicatorSet,
    format: Format,
    name: &[u8],
    text: &[u8],
    start: usize,
    end: usize,
) -> String {
    let name = String::from_utf8_lossy(name).into_owned();
    let input = Input::Member { archive: name.clone(), member: name };
    // The peer is read from the line, so it is as hostile as the line.
    let peer = String::from_utf8_lossy(text).into_owned();
    let mut out = Vec::new();
    {
        let mut r = Reporter::new(&mut out, format, false, set);
        let hit = Hit {
            line: 1,
            offset: start as u64,
            id: 0,
            matched: &text[start..end],
            text,
            time: None,
            log: None,
            fields: Vec::new(),
            peer: Some(&peer),
        };
        r.hit(&input, &hit).unwrap();
        r.finish().unwrap();
    }
    String::from_utf8(out).expect("records are UTF-8")
}

proptest! {
    #[test]
    fn records_from_random_bytes_are_one_safe_line_each(
        text in proptest::collection::vec(any::<u8>(), 0..300),
        name in proptest::collection::vec(any::<u8>(), 0..40),
        a in any::<usize>(),
        b in 0usize..32,
    ) {
        let set = set();
        let start = a % (text.len() + 1);
        let end = (start + b).min(text.len());
        for format in [Format::Jsonl, Format::Ecs, Format::Csv] {
            let out = record(&set, format, &name, &text, start, end);
            prop_assert!(out.ends_with('\n'), "{format:?}: {out:?}");
            prop_assert!(
                !out.chars().any(|c| c != '\n' && sanitize::is_unsafe(c)),
                "{format:?}: raw unsafe character in {out:?}"
            );
            let lines: Vec<&str> = out[..out.len() - 1].split('\n').collect();
            match format {
                Format::Csv => {
                    prop_assert_eq!(lines.len(), 2, "header and one row");
                    let head = csv_cells(lines[0]).expect("header parses");
                    let row = csv_cells(lines[1]);
                    prop_assert!(row.is_some(), "bad CSV: {:?}", lines[1]);
                    prop_assert_eq!(row.unwrap().len(), head.len());
                }
                _ => {
                    prop_assert_eq!(lines.len(), 1, "{:?}", out);
                    let v: Result<serde_json::Value, _> =
                        serde_json::from_str(lines[0]);
                    prop_assert!(v.is_ok(), "invalid JSON: {:?}", lines[0]);
                }
            }
        }
    }
}
