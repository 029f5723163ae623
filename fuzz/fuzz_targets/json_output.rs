//! Hit records written from any bytes: every jsonl record is one line of
//! valid JSON whose `text` and `matched` say what the log held, an ecs
//! record is one line of valid JSON, a csv record is one row under its
//! header with balanced quotes, and no record holds a raw character that
//! could steer a terminal.
#![no_main]

use iocsweep::indicator::{ParseOptions, parse_value};
use iocsweep::report::{Format, Reporter, sanitize};
use iocsweep::set::{Locator, SetBuilder, Source};
use iocsweep::sweep::input::Input;
use iocsweep::sweep::{Hit, Sink};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    // The text repeated up to eight times, so that a line longer than
    // the 4096 bytes a record shows is cut, anywhere around its match.
    let times = 1 + (data[2] as usize) % 8;
    let text = data[4..].repeat(times);
    let text = &text[..];
    let start = (u16::from_le_bytes([data[0], data[1]]) as usize).min(text.len());
    let end = (start + data[3] as usize % 16).min(text.len());
    let mut sb = SetBuilder::new();
    let p = parse_value("evil.example", ParseOptions::default()).unwrap();
    let at = Locator::Line(1);
    let meta = Default::default();
    sb.push(
        p.value,
        Source { file: "iocs\u{202e}.txt".into(), at, compound: false, meta },
    );
    let set = sb.build();
    let name = String::from_utf8_lossy(text).into_owned();
    let input = Input::Member { archive: name.clone(), member: name };
    for format in [Format::Jsonl, Format::Ecs, Format::Csv, Format::Text] {
        let mut out = Vec::new();
        {
            let mut r = Reporter::new(&mut out, format, false, &set);
            let hit = Hit {
                line: 1,
                offset: 0,
                id: 0,
                matched: &text[start..end],
                text,
                time: None,
                log: None,
                fields: Vec::new(),
                // The peer is log text too: the same bytes go there.
                peer: std::str::from_utf8(text).ok(),
            };
            r.hit(&input, &hit).unwrap();
            r.finish().unwrap();
        }
        assert_eq!(
            out.last(),
            Some(&b'\n'),
            "a record not ended by a line break"
        );
        let lines = if format == Format::Csv { 2 } else { 1 };
        assert_eq!(
            out.iter().filter(|b| **b == b'\n').count(),
            lines,
            "a record over several lines"
        );
        let line = std::str::from_utf8(&out).expect("records are UTF-8");
        let body = &line[..line.len() - 1];
        match format {
            Format::Jsonl => {
                let v: serde_json::Value =
                    serde_json::from_str(body).expect("valid JSON");
                let matched = String::from_utf8_lossy(&text[start..end]);
                assert_eq!(v["matched"].as_str(), Some(&*matched));
                if text.len() <= iocsweep::report::TEXT_LIMIT {
                    assert_eq!(
                        v["text"].as_str(),
                        Some(&*String::from_utf8_lossy(text))
                    );
                }
                assert!(
                    !body.chars().any(sanitize::is_unsafe),
                    "raw unsafe character in JSON"
                );
            }
            Format::Ecs => {
                let v: Result<serde_json::Value, _> = serde_json::from_str(body);
                assert!(v.is_ok(), "invalid JSON: {body:?}");
                assert!(
                    !body.chars().any(sanitize::is_unsafe),
                    "raw unsafe character in JSON"
                );
            }
            Format::Csv => {
                let (head, row) = body.split_once('\n').unwrap();
                let cells = |l: &str| {
                    // Commas outside quotes; a quote count that is odd
                    // means a cell left open.
                    let mut quoted = false;
                    let mut n = 1;
                    for c in l.chars() {
                        match c {
                            '"' => quoted = !quoted,
                            ',' if !quoted => n += 1,
                            _ => {}
                        }
                    }
                    assert!(!quoted, "an open quote in {l:?}");
                    n
                };
                assert_eq!(cells(head), cells(row), "columns in {row:?}");
                assert!(
                    !body.chars().any(|c| c != '\n' && sanitize::is_unsafe(c)),
                    "unsafe character in csv: {body:?}"
                );
            }
            _ => {
                assert!(
                    !body.chars().any(sanitize::is_unsafe),
                    "unsafe character in text: {body:?}"
                );
            }
        }
    }
});
