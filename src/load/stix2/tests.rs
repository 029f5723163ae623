//! Unit tests of the STIX 2 reader.

use super::*;
use crate::load::test_support::{load_as, problems, shown};
use crate::load::{Format, detect};

/// Wraps indicator patterns into a bundle, ids `indicator--1`, `--2`, …
fn bundle(patterns: &[&str]) -> String {
    let objs: Vec<Json> = patterns
        .iter()
        .enumerate()
        .map(|(i, p)| {
            serde_json::json!({
                "type": "indicator",
                "id": format!("indicator--{}", i + 1),
                "pattern": p,
                "pattern_type": "stix",
            })
        })
        .collect();
    serde_json::json!({"type": "bundle", "objects": objs}).to_string()
}

fn load(patterns: &[&str]) -> crate::load::Loaded {
    let text = bundle(patterns);
    assert_eq!(detect(&text), Ok(Format::Stix2));
    load_as(Format::Stix2, &text)
}

#[test]
fn detection_wants_a_bundle_or_typed_objects() {
    let looks = |text: &str| looks_like(&serde_json::from_str(text).unwrap());
    assert!(looks(r#"{"type":"bundle","id":"bundle--1"}"#));
    assert!(looks(r#"{"objects":[{"type":"indicator"}]}"#));
    assert!(!looks(r#"{"objects":[{"name":"x"}]}"#));
    assert!(!looks(r#"{"Event":{"Attribute":[]}}"#));
    assert!(!looks(r#"[{"type":"bundle"}]"#));
}

#[test]
fn and_of_hashes_and_name_marks_every_part_compound() {
    let up = "AB".repeat(32);
    let got = load(&[&format!(
        "[(file:hashes.'SHA-256' = '{up}' OR file:hashes.MD5 = '{}') \
         AND file:name = 'z.exe']",
        "0".repeat(32)
    )]);
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(
        shown(&got),
        [
            format!("md5 {} @indicator--1+", "0".repeat(32)),
            format!("sha256 {} @indicator--1+", "ab".repeat(32)),
            "filename z.exe @indicator--1+".to_string(),
        ]
    );
}

#[test]
fn or_lists_and_single_values_are_not_compound() {
    let got = load(&[
        "[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '198.51.100.0/24']",
        "[domain-name:value = 'evil.example' AND file:size = 10]",
        "[url:value = 'hxxp://evil.example/a']",
        "[email-message:from_ref.value = 'a@evil.example']",
        "[network-traffic:dst_ref.value = '203.0.113.9']",
        "[file:hashes.SSDEEP = '3:a:b' OR mutex:name = 'Global\\\\m']",
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.1 @indicator--1",
            "ipv4 203.0.113.9 @indicator--5",
            "cidr 198.51.100.0/24 @indicator--1",
            "domain evil.example @indicator--2",
            "url http://evil.example/a @indicator--3",
            "email a@evil.example @indicator--4",
            "string 3:a:b @indicator--6",
            "string Global\\m @indicator--6",
        ]
    );
    assert_eq!(
        problems(&got),
        [
            "t.txt: indicator--2: warning: file:size cannot be swept for; skipped"
        ]
    );
}

#[test]
fn in_lists_load_and_unsupported_parts_are_reported_by_id() {
    let got = load(&[
        "[file:name LIKE '%.exe' OR file:name = 'a.exe']",
        "[domain-name:value IN ('a.example', 'b.example')]",
        "[ipv4-addr:value NOT = '192.0.2.1']",
        "[file:hashes.'SHA3-256' = 'aa'] WITHIN 60 SECONDS",
        "[file:name = 'x.exe'",
        "[ipv4-addr:value != '192.0.2.9']",
    ]);
    assert_eq!(
        shown(&got),
        [
            "domain a.example @indicator--2",
            "domain b.example @indicator--2",
            "filename a.exe @indicator--1",
        ]
    );
    assert_eq!(
        problems(&got),
        [
            "t.txt: indicator--1: operator LIKE is not supported yet; \
             file:name not loaded",
            "t.txt: indicator--3: warning: ipv4-addr:value NOT = names no \
             value to sweep for; skipped",
            "t.txt: indicator--4: warning: qualifier WITHIN is ignored: the \
             values are swept for at any time",
            "t.txt: indicator--4: warning: hash type SHA3-256 cannot be \
             swept for; skipped",
            "t.txt: indicator--5: pattern: expected ']' at column 21",
            "t.txt: indicator--6: warning: ipv4-addr:value != names no \
             value to sweep for; skipped",
        ]
    );
}

#[test]
fn observation_and_marks_both_sides_compound() {
    let got =
        load(&["[ipv4-addr:value = '192.0.2.1'] AND [file:name = 'a.exe']"]);
    assert_eq!(
        shown(&got),
        ["ipv4 192.0.2.1 @indicator--1+", "filename a.exe @indicator--1+"]
    );
}

#[test]
fn reads_observables_and_skips_revoked_and_foreign_patterns() {
    let text = serde_json::json!({
        "type": "bundle",
        "objects": [
            {"type": "ipv4-addr", "id": "ipv4-addr--1", "value": "192.0.2.7"},
            {"type": "file", "id": "file--1", "name": "x.dll",
             "hashes": {"SHA-1": "A".repeat(40)}},
            {"type": "observed-data", "id": "observed-data--1",
             "objects": {"0": {"type": "domain-name", "value": "c2.example"}}},
            {"type": "indicator", "id": "indicator--r", "revoked": true,
             "pattern": "[ipv4-addr:value = '192.0.2.8']"},
            {"type": "indicator", "id": "indicator--y", "pattern_type": "yara",
             "pattern": "rule x {}"},
            {"type": "malware", "id": "malware--1", "name": "x"}
        ]
    })
    .to_string();
    let got = load_as(Format::Stix2, &text);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.7 @ipv4-addr--1",
            "domain c2.example @observed-data--1",
            &format!("sha1 {} @file--1", "a".repeat(40)),
            "filename x.dll @file--1",
        ]
    );
    assert_eq!(
        problems(&got),
        [
            "t.txt: indicator--r: warning: indicator is revoked; skipped",
            "t.txt: indicator--y: warning: pattern_type \"yara\" is not \
             supported; skipped",
        ]
    );
}
