//! Unit tests of the exports: exact output for a small set, and every
//! format loading back to the same set.

use std::collections::BTreeSet;

use super::*;
use crate::load::{Format, detect};

/// 2024-03-10T12:00:00Z.
const NOW: Stamp = Stamp { secs: 1_710_072_000, nanos: 0 };

/// Loads `text` as one file named `name` and returns the set.
fn load(name: &str, text: &str) -> IndicatorSet {
    let mut l = Loader::new(LoadOptions::default());
    l.add_bytes(name.into(), text.as_bytes());
    let loaded = l.finish();
    assert!(!loaded.has_errors(), "{:?}", loaded.problems);
    loaded.set
}

/// A set with every kind, a port, a scheme-less URL and a substring
/// string, from a STIX bundle (the one format that states them all).
fn sample() -> IndicatorSet {
    let patterns = [
        "[ipv4-addr:value = '198.51.100.7']",
        "[network-traffic:dst_ref.value = '203.0.113.80' AND network-traffic:dst_port = 8080]",
        "[ipv6-addr:value = '2001:db8::1']",
        "[ipv4-addr:value = '198.51.100.0/24']",
        "[domain-name:value = 'evil.example']",
        "[url:value = 'http://evil.example/gate.php?a=1,2']",
        "[url:value = 'evil.example/b']",
        "[email-addr:value = 'a@evil.example']",
        "[file:hashes.MD5 = '0123456789abcdef0123456789abcdef']",
        "[file:hashes.'SHA-256' = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef']",
        "[file:name = 'evil.exe']",
        "[file:name = 'evilbin']",
        "[file:name = 'C:\\\\Program Files\\\\x.dll']",
        "[mutex:name = 'Global\\\\m1']",
        "[mutex:name LIKE '%part%']",
    ];
    let objs: Vec<serde_json::Value> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            json!({"type": "indicator", "id": format!("indicator--{i}"),
                   "pattern": p, "pattern_type": "stix",
                   "valid_from": "2024-01-01T00:00:00Z"})
        })
        .collect();
    let text = json!({"type": "bundle", "objects": objs}).to_string();
    load("sample.json", &text)
}

fn pairs(set: &IndicatorSet) -> BTreeSet<(Kind, String)> {
    set.iter().map(|(_, i)| (i.kind(), i.value.to_string())).collect()
}

/// Exports `set` as `to`, loads the export back, and checks that it
/// holds what was written, in the form the format holds it.
fn round_trip(set: &IndicatorSet, to: Target) -> Export {
    let e = export(set, to, NOW);
    let back = load(&format!("export.{}", to.name()), &e.text);
    let left: BTreeSet<&String> = e.left_out.iter().map(|(v, _)| v).collect();
    let want: BTreeSet<(Kind, String)> = set
        .iter()
        .filter(|(_, i)| !left.contains(&shown(i)))
        .map(|(_, i)| {
            let v = entry(i, to).unwrap().expected;
            (v.kind(), v.to_string())
        })
        .collect();
    assert_eq!(pairs(&back), want, "{}", to.name());
    assert_eq!(e.written, want.len());
    e
}

#[test]
fn stix2_and_csv_keep_everything() {
    let set = sample();
    assert_eq!(set.len(), 15);
    for to in [Target::Stix2, Target::Csv] {
        let e = round_trip(&set, to);
        assert!(e.left_out.is_empty(), "{}: {:?}", to.name(), e.left_out);
        assert_eq!(e.written, 15);
        let back = load("x", &e.text);
        assert_eq!(pairs(&back), pairs(&set));
    }
}

#[test]
fn stix2_keeps_ports_substring_marks_and_validity() {
    let e = export(&sample(), Target::Stix2, NOW);
    assert_eq!(detect(&e.text), Ok(Format::Stix2));
    assert!(e.changed.is_empty(), "{:?}", e.changed);
    let back = load("x.json", &e.text);
    let part =
        back.iter().find(|(_, i)| i.value.to_string() == "part").unwrap().1;
    assert!(part.sources[0].meta.contains);
    assert_eq!(part.sources[0].meta.valid_from, Some(1_704_067_200));
    assert!(e.text.contains(
        "[network-traffic:dst_ref.value = '203.0.113.80' AND network-traffic:dst_port = 8080]"
    ));
    // The same set exports to the same ids.
    assert_eq!(export(&sample(), Target::Stix2, NOW).text, e.text);
    let id = format!(
        "\"id\": \"indicator--{}\"",
        uuid_v5("iocsweep:domain:evil.example")
    );
    assert!(e.text.contains(&id));
}

#[test]
fn text_leaves_out_what_it_cannot_say() {
    let e = round_trip(&sample(), Target::Text);
    assert_eq!(
        e.left_out,
        [
            (
                "filename evilbin".to_string(),
                "does not read back as the same filename from text"
                    .to_string()
            ),
            (
                "string Global\\m1".into(),
                "a text list cannot say a value is a plain string; csv and \
                 stix2 can"
                    .into()
            ),
            (
                "string part".into(),
                "a text list cannot say a value is a plain string; csv and \
                 stix2 can"
                    .into()
            ),
        ]
    );
    assert!(e.text.starts_with("# iocsweep export\n# ipv4\n198.51.100.7\n"));
}

#[test]
fn zeek_drops_ports_and_schemes_and_says_so() {
    let e = round_trip(&sample(), Target::Zeek);
    let left: Vec<&str> = e.left_out.iter().map(|(v, _)| v.as_str()).collect();
    assert_eq!(left, ["string Global\\m1", "string part"]);
    assert_eq!(
        e.changed,
        [
            ("ipv4 203.0.113.80:8080".to_string(), "port dropped".to_string()),
            (
                "url http://evil.example/gate.php?a=1,2".into(),
                "scheme dropped".into()
            ),
        ]
    );
    assert!(e.text.contains(
        "evil.example/gate.php?a=1,2\tIntel::URL\tsample.json#indicator--5\n"
    ));
    assert!(e.text.contains("203.0.113.80\tIntel::ADDR\t"));
}

#[test]
fn csv_quotes_cells_and_refuses_formulas() {
    let set = load("f.txt", "=cmd.exe\nevil.example\n");
    let e = round_trip(&set, Target::Csv);
    assert_eq!(
        e.text,
        "kind,indicator,sources\ndomain,evil.example,f.txt:2\n"
    );
    assert_eq!(e.left_out.len(), 1);
    assert!(e.left_out[0].1.contains("formula"));
    let e = export(&sample(), Target::Csv, NOW);
    assert!(e.text.contains(
        "url,\"http://evil.example/gate.php?a=1,2\",sample.json#indicator--5\n"
    ));
}
