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
    let looks = |text: &str| detect(text) == Ok(Format::Stix2);
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
        "[domain-name:value = 'evil.example' OR file:size = 10]",
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
fn a_part_of_an_and_stays_compound_when_the_others_cannot_be_swept() {
    let got = load(&[
        r"[file:name = 'svchost.exe' AND file:parent_directory_ref.path = 'C:\\Users\\Public']",
        "[process:name = 'rundll32.exe' AND process:command_line = 'rundll32 x,y']",
        "[email-message:from_ref.value = 'a@evil.example' AND email-message:subject = 'Invoice']",
        "[domain-name:value = 'evil.example' AND file:size = 10]",
        // An AND inside an OR joins its parts; the OR's other side does not.
        "[url:value = 'http://x.example/a' OR (ipv4-addr:value = '192.0.2.7' AND file:size = 1)]",
        // Near miss: a port beside its address is folded into it, no part.
        "[network-traffic:dst_ref.value = '203.0.113.9' AND network-traffic:dst_port = 443]",
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.7 @indicator--5+",
            "ipv4 203.0.113.9:443 @indicator--6",
            "domain evil.example @indicator--4+",
            "url http://x.example/a @indicator--5",
            "email a@evil.example @indicator--3+",
            "filename rundll32.exe @indicator--2+",
            "filename svchost.exe @indicator--1+",
        ]
    );
}

#[test]
fn an_or_under_followedby_is_a_part_of_the_sequence() {
    // FOLLOWEDBY binds loosest: the OR is the sequence's second step.
    let got = load(&[
        "[domain-name:value = 'one.example'] FOLLOWEDBY \
         [domain-name:value = 'two.example'] OR [ipv4-addr:value = '192.0.2.9']",
        // Near miss: the sequence in parentheses is one side of the OR,
        // whose other side stands alone.
        "([domain-name:value = 'three.example'] FOLLOWEDBY \
         [domain-name:value = 'four.example']) OR [ipv4-addr:value = '192.0.2.10']",
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.9 @indicator--1+",
            "ipv4 192.0.2.10 @indicator--2",
            "domain four.example @indicator--2+",
            "domain one.example @indicator--1+",
            "domain three.example @indicator--2+",
            "domain two.example @indicator--1+",
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
            "t.txt: indicator--1: file:name LIKE '%.exe' not loaded: a \
             suffix match that does not start at a path separator ('\\' \
             or '/') also matches longer names ending in the same text",
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
fn reference_parts_of_an_and_are_compound() {
    let got = load(&[
        "[network-traffic:dst_ref.value = '198.51.100.7' AND \
          network-traffic:src_ref.value = 'evil.example']",
        "[network-traffic:dst_ref.value = '198.51.100.8'] AND [file:name = 'x.exe']",
        // Near miss: the same reference alone.
        "[network-traffic:dst_ref.value = '198.51.100.9']",
    ]);
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(
        shown(&got),
        [
            "ipv4 198.51.100.7 @indicator--1+",
            "ipv4 198.51.100.8 @indicator--2+",
            "ipv4 198.51.100.9 @indicator--3",
            "domain evil.example @indicator--1+",
            "filename x.exe @indicator--2+",
        ]
    );
}

/// The warning for a `dst_port` left beside what it cannot fold into.
fn port_skipped(n: usize) -> String {
    format!(
        "t.txt: indicator--{n}: warning: network-traffic:dst_port cannot \
         be swept for; skipped"
    )
}

#[test]
fn a_port_folds_only_into_addresses_compared_whole() {
    let got = load(&[
        "[network-traffic:dst_ref.value ISSUBSET '198.51.100.64/30' AND \
          network-traffic:dst_port = 443]",
        "[network-traffic:dst_ref.value = '198.51.100.80/29' AND \
          network-traffic:dst_port = 443]",
        "[network-traffic:dst_ref.value = 'fold.example' AND \
          network-traffic:dst_port = 443]",
        "[domain-name:value = 'dpo.example' AND network-traffic:dst_port = 443]",
        "[network-traffic:dst_ref.value LIKE '198.51.100.71' AND \
          network-traffic:dst_port = 443]",
        "[(network-traffic:dst_ref.value = '198.51.100.21' OR \
          network-traffic:dst_ref.value = '2001:db8::21') AND \
          network-traffic:dst_port = 443]",
        // Near miss: an address compared whole, beside its port.
        "[network-traffic:dst_ref.value = '198.51.100.20' AND \
          network-traffic:dst_port = 443]",
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 198.51.100.20:443 @indicator--7",
            "ipv4 198.51.100.21:443 @indicator--6",
            "ipv4 198.51.100.71 @indicator--5+",
            "ipv6 [2001:db8::21]:443 @indicator--6",
            "cidr 198.51.100.64/30 @indicator--1+",
            "cidr 198.51.100.80/29 @indicator--2+",
            "domain dpo.example @indicator--4+",
            "domain fold.example @indicator--3+",
        ]
    );
    assert_eq!(problems(&got), (1..=5).map(port_skipped).collect::<Vec<_>>());
}

#[test]
fn a_port_folds_into_an_in_list_of_addresses_but_not_beside_another_port() {
    let got = load(&[
        "[network-traffic:dst_ref.value IN ('198.51.100.3', '2001:db8::3') \
          AND network-traffic:dst_port = 8080]",
        "[network-traffic:dst_ref.value = '198.51.100.9' AND \
          network-traffic:dst_port = 80 AND network-traffic:dst_port = 443]",
        // Near miss: an IN list holding a name.
        "[network-traffic:dst_ref.value IN ('198.51.100.5', 'in.example') \
          AND network-traffic:dst_port = 8080]",
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 198.51.100.3:8080 @indicator--1",
            "ipv4 198.51.100.5 @indicator--3+",
            "ipv4 198.51.100.9 @indicator--2+",
            "ipv6 [2001:db8::3]:8080 @indicator--1",
            "domain in.example @indicator--3+",
        ]
    );
    assert_eq!(
        problems(&got),
        [port_skipped(2), port_skipped(2), port_skipped(3)]
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
fn reads_observables_marks_revoked_and_skips_foreign_patterns() {
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
            "ipv4 192.0.2.8 @indicator--r",
            "domain c2.example @observed-data--1",
            &format!("sha1 {} @file--1", "a".repeat(40)),
            "filename x.dll @file--1",
        ]
    );
    assert_eq!(
        problems(&got),
        ["t.txt: indicator--y: warning: pattern_type \"yara\" is not \
             supported; skipped",]
    );
    let revoked: Vec<bool> = got
        .set
        .iter()
        .flat_map(|(_, i)| i.sources.iter().map(|s| s.meta.revoked))
        .collect();
    assert_eq!(revoked, [false, false, false, false, true]);
}

/// Loads one pattern and returns what loaded and every problem.
fn one(pattern: &str) -> (Vec<String>, Vec<String>) {
    let got = load(&[pattern]);
    let mut problems = problems(&got);
    // A file that yields nothing says so too; that is not about the
    // pattern.
    problems.retain(|p| !p.contains("no usable indicator in this file"));
    (shown(&got), problems)
}

#[test]
fn each_operator_loads_what_it_names_or_says_why_not() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        // `=` and `IN` on every object we sweep for
        ("[ipv6-addr:value = '2001:DB8::1']", &["ipv6 2001:db8::1"], &[]),
        (
            "[email-addr:value = 'A@Evil.Example']",
            &["email a@evil.example"],
            &[],
        ),
        ("[process:name = 'evil.exe']", &["filename evil.exe"], &[]),
        (
            "[x509-certificate:hashes.'SHA-1' = '0123456789abcdef0123456789abcdef01234567']",
            &["sha1 0123456789abcdef0123456789abcdef01234567"],
            &[],
        ),
        (
            "[network-traffic:src_ref.value = '192.0.2.5']",
            &["ipv4 192.0.2.5"],
            &[],
        ),
        (
            "[network-traffic:dst_ref.value IN ('192.0.2.5', 'evil.example')]",
            &["ipv4 192.0.2.5", "domain evil.example"],
            &[],
        ),
        // LIKE without a wildcard is `=`
        (
            "[domain-name:value LIKE 'evil.example']",
            &["domain evil.example"],
            &[],
        ),
        // LIKE '%.d' is the domain d, which also matches d itself
        (
            "[domain-name:value LIKE '%.evil.example']",
            &["domain evil.example"],
            &[
                "warning: loaded as the domain evil.example, which also matches evil.example itself",
            ],
        ),
        (
            "[domain-name:value LIKE '%evil.example']",
            &[],
            &[
                "domain-name:value LIKE '%evil.example' not loaded: a suffix match that does not start at a label boundary ('.') also matches longer names ending in the same text",
            ],
        ),
        (
            "[domain-name:value LIKE 'evil.%']",
            &[],
            &[
                "domain-name:value LIKE 'evil.%' not loaded: a prefix match (anything may follow) cannot be an indicator",
            ],
        ),
        (
            "[email-message:from_ref.value LIKE '%@evil.example']",
            &["domain evil.example"],
            &[
                "warning: loaded as the domain evil.example: every address there, and the domain outside addresses too",
            ],
        ),
        ("[file:name LIKE '%\\\\evil.exe']", &["filename evil.exe"], &[]),
        ("[mutex:name LIKE '%Global\\\\m%']", &["string Global\\m"], &[]),
        (
            "[url:value LIKE 'http://evil.example/%']",
            &[],
            &[
                "url:value LIKE 'http://evil.example/%' not loaded: a wildcard on this kind of value cannot be an indicator: addresses take ISSUBSET with a CIDR range; URLs and hashes only whole values",
            ],
        ),
        (
            "[file:name LIKE 'ev_l.exe']",
            &[],
            &[
                "file:name LIKE 'ev_l.exe' not loaded: '_' in a LIKE pattern stands for any one character, which no indicator can express",
            ],
        ),
        // MATCHES with a literal regex is that literal
        (
            "[domain-name:value MATCHES '^evil\\\\.example$']",
            &["domain evil.example"],
            &[],
        ),
        (
            "[domain-name:value MATCHES '\\\\.evil\\\\.example$']",
            &["domain evil.example"],
            &[
                "warning: loaded as the domain evil.example, which also matches evil.example itself",
            ],
        ),
        (
            "[domain-name:value MATCHES '^[a-z]+\\\\.example$']",
            &[],
            &[
                "domain-name:value MATCHES '^[a-z]+\\.example$' not loaded: the regular expression is not a literal (it has a class, repetition, group or alternation)",
            ],
        ),
        // ISSUBSET on an address is the range
        (
            "[ipv4-addr:value ISSUBSET '198.51.100.0/24']",
            &["cidr 198.51.100.0/24"],
            &[],
        ),
        (
            "[network-traffic:dst_ref.value ISSUBSET '2001:db8::/32']",
            &["cidr 2001:db8::/32"],
            &[],
        ),
        (
            "[ipv4-addr:value ISSUBSET '198.51.100.7']",
            &[],
            &[
                "ipv4-addr:value ISSUBSET '198.51.100.7' not loaded: expected a CIDR range such as '198.51.100.0/24'",
            ],
        ),
        (
            "[domain-name:value ISSUBSET '198.51.100.0/24']",
            &[],
            &[
                "domain-name:value ISSUBSET '198.51.100.0/24' not loaded: ISSUBSET applies to addresses only",
            ],
        ),
        (
            "[ipv4-addr:value ISSUPERSET '198.51.100.7']",
            &[],
            &[
                "ipv4-addr:value ISSUPERSET names no single value to sweep for; not loaded",
            ],
        ),
        // `!=` and NOT name nothing to sweep for
        (
            "[domain-name:value != 'evil.example']",
            &[],
            &[
                "warning: domain-name:value != names no value to sweep for; skipped",
            ],
        ),
        (
            "[domain-name:value NOT LIKE '%.evil.example']",
            &[],
            &[
                "warning: domain-name:value NOT LIKE names no value to sweep for; skipped",
            ],
        ),
        // an address with the port it was contacted on
        (
            "[network-traffic:dst_ref.value = '203.0.113.80' AND network-traffic:dst_port = 8080]",
            &["ipv4 203.0.113.80:8080"],
            &[],
        ),
        (
            "[network-traffic:dst_ref.value = '2001:db8::8' AND network-traffic:dst_port = 443]",
            &["ipv6 [2001:db8::8]:443"],
            &[],
        ),
        // qualifiers that change what a sighting means are named
        (
            "[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES",
            &["ipv4 192.0.2.1"],
            &[
                "warning: qualifier REPEATS is ignored: every sighting is reported, not only repeated ones",
            ],
        ),
        (
            "[ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
            &["ipv4 192.0.2.1"],
            &[
                "warning: qualifier START is ignored: sightings outside its START … STOP window are reported too",
            ],
        ),
        // unknown objects are named
        (
            "[software:name = 'x']",
            &[],
            &["warning: software:name cannot be swept for; skipped"],
        ),
    ];
    for (pattern, loads, why) in cases {
        let (got, problems) = one(pattern);
        let got: Vec<String> = got
            .iter()
            .map(|s| s.trim_end_matches(" @indicator--1").to_string())
            .collect();
        let mut want: Vec<String> =
            loads.iter().map(|s| s.to_string()).collect();
        let mut sorted = got.clone();
        sorted.sort();
        want.sort();
        assert_eq!(sorted, want, "{pattern}");
        let why: Vec<String> =
            why.iter().map(|w| format!("t.txt: indicator--1: {w}")).collect();
        assert_eq!(problems, why, "{pattern}");
    }
}

#[test]
fn substring_conditions_are_marked_in_their_source() {
    let got = load(&["[mutex:name LIKE '%m1%' OR mutex:name = 'm2']"]);
    let contains: Vec<(String, bool)> = got
        .set
        .iter()
        .map(|(_, i)| (i.value.to_string(), i.sources[0].meta.contains))
        .collect();
    assert_eq!(contains, [("m1".into(), true), ("m2".into(), false)]);
}

#[test]
fn validity_and_revocation_are_kept_per_source() {
    let text = serde_json::json!({
        "type": "bundle",
        "objects": [
            {"type": "indicator", "id": "indicator--a",
             "pattern": "[ipv4-addr:value = '192.0.2.1']",
             "valid_from": "2024-01-31T00:00:00.000Z",
             "valid_until": "2024-03-01T01:00:00+01:00"},
            {"type": "indicator", "id": "indicator--b", "revoked": true,
             "pattern": "[ipv4-addr:value = '192.0.2.2']",
             "valid_until": "next week"},
            {"type": "ipv4-addr", "id": "ipv4-addr--c", "value": "192.0.2.3"}
        ]
    })
    .to_string();
    let got = load_as(Format::Stix2, &text);
    let metas: Vec<_> = got
        .set
        .iter()
        .map(|(_, i)| {
            let m = &i.sources[0].meta;
            (m.valid_from, m.valid_until, m.revoked, m.validity_unread)
        })
        .collect();
    assert_eq!(
        metas,
        [
            (Some(1_706_659_200), Some(1_709_251_200), false, false),
            (None, None, true, true),
            (None, None, false, false),
        ]
    );
    assert_eq!(
        problems(&got),
        ["t.txt: indicator--b: warning: valid_until \"next week\" is not \
          an RFC 3339 timestamp; an indicator is read without it, an \
          allowlist entry is not applied"]
    );
}

/// An indicator object of id `indicator--{id}` naming `ip`, with the
/// extra members given.
fn version(id: &str, ip: &str, extra: Json) -> Json {
    let mut obj = serde_json::json!({
        "type": "indicator", "id": format!("indicator--{id}"),
        "pattern_type": "stix",
        "pattern": format!("[ipv4-addr:value = '{ip}']"),
    });
    let map = obj.as_object_mut().unwrap();
    for (k, v) in extra.as_object().unwrap() {
        map.insert(k.clone(), v.clone());
    }
    obj
}

#[test]
fn of_an_ids_versions_the_latest_modified_is_read() {
    use serde_json::json;
    let m = |t: &str| json!({ "modified": t });
    let objects = [
        // The later version ends its validity.
        version("a", "192.0.2.1", m("2024-01-01T00:00:00Z")),
        version(
            "a",
            "192.0.2.1",
            json!({"modified": "2024-06-01T00:00:00Z",
                   "valid_until": "2024-07-01T00:00:00Z"}),
        ),
        // Later by a quarter of a second, though earlier in the file.
        version("b", "192.0.2.2", m("2024-01-01T00:00:00.5Z")),
        version("b", "192.0.2.20", m("2024-01-01T00:00:00.25Z")),
        // Revoked once, revoked for good: a later version cannot undo it.
        version(
            "c",
            "192.0.2.3",
            json!({"modified": "2024-01-01T00:00:00Z", "revoked": true}),
        ),
        version("c", "192.0.2.3", m("2024-02-01T00:00:00Z")),
        // Near misses: two versions modified at the same time, a version
        // with no `modified`, and two ids naming one value, are all read.
        version("d", "192.0.2.4", m("2024-01-01T00:00:00Z")),
        version("d", "192.0.2.5", m("2024-01-01T00:00:00.000Z")),
        version("e", "192.0.2.6", json!({})),
        version("e", "192.0.2.7", m("2024-01-01T00:00:00Z")),
        version("f", "192.0.2.8", m("2024-01-01T00:00:00Z")),
        version(
            "g",
            "192.0.2.8",
            json!({"modified": "2025-01-01T00:00:00Z", "revoked": true}),
        ),
    ];
    let text = json!({"type": "bundle", "objects": objects}).to_string();
    let got = load_as(Format::Stix2, &text);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.1 @indicator--a",
            "ipv4 192.0.2.2 @indicator--b",
            "ipv4 192.0.2.3 @indicator--c",
            "ipv4 192.0.2.4 @indicator--d",
            "ipv4 192.0.2.5 @indicator--d",
            "ipv4 192.0.2.6 @indicator--e",
            "ipv4 192.0.2.7 @indicator--e",
            "ipv4 192.0.2.8 @indicator--f",
            "ipv4 192.0.2.8 @indicator--g",
        ]
    );
    let metas: Vec<(Option<i64>, bool)> = got
        .set
        .iter()
        .flat_map(|(_, i)| i.sources.iter())
        .map(|s| (s.meta.valid_until, s.meta.revoked))
        .collect();
    assert_eq!(
        metas,
        [
            (Some(1_719_792_000), false),
            (None, false),
            (None, true),
            (None, false),
            (None, false),
            (None, false),
            (None, false),
            (None, false),
            (None, true),
        ]
    );
    let skipped = |id: &str| {
        format!(
            "t.txt: indicator--{id}: warning: 1 earlier version not read: of \
             an id's versions, the one with the latest \"modified\" is read"
        )
    };
    assert_eq!(problems(&got), [skipped("a"), skipped("b"), skipped("c")]);
}

/// Each source loaded, as its value and whether it is revoked.
fn revoked_by_value(got: &crate::load::Loaded) -> Vec<(String, bool)> {
    got.set
        .iter()
        .flat_map(|(_, i)| {
            i.sources.iter().map(|s| (i.value.to_string(), s.meta.revoked))
        })
        .collect()
}

#[test]
fn revocation_carries_from_any_object_of_the_id() {
    use serde_json::json;
    let objects = [
        // A version with no `modified`, or one that is not a string,
        // still revokes the version read.
        version("a", "192.0.2.1", json!({"revoked": true})),
        version("a", "192.0.2.1", json!({"modified": "2024-01-01T00:00:00Z"})),
        version("b", "192.0.2.2", json!({"modified": "2024-01-01T00:00:00Z"})),
        version("b", "192.0.2.2", json!({"modified": [1], "revoked": true})),
        // Observed data, and an observable marked revoked, are left out as
        // an indicator is.
        json!({"type": "observed-data", "id": "observed-data--c",
               "revoked": true,
               "objects": {"0": {"type": "ipv4-addr", "value": "192.0.2.3"}}}),
        json!({"type": "domain-name", "id": "domain-name--d",
               "value": "d.example", "revoked": true}),
        // Near miss: observed data not revoked.
        json!({"type": "observed-data", "id": "observed-data--e",
               "objects": {"0": {"type": "ipv4-addr", "value": "192.0.2.5"}}}),
    ];
    let text = json!({"type": "bundle", "objects": objects}).to_string();
    let got = load_as(Format::Stix2, &text);
    let revoked = revoked_by_value(&got);
    assert_eq!(
        revoked,
        [
            ("192.0.2.1".into(), true),
            ("192.0.2.2".into(), true),
            ("192.0.2.3".into(), true),
            ("d.example".into(), true),
            ("192.0.2.5".into(), false),
        ]
    );
}

#[test]
fn only_an_object_of_the_same_type_and_origin_is_a_version() {
    use serde_json::json;
    let dated = |extra: Json| {
        let mut m = json!({"modified": "2025-01-01T00:00:00Z"});
        for (k, v) in extra.as_object().unwrap() {
            m[k] = v.clone();
        }
        m
    };
    let objects = [
        // Another type reusing the id, later and revoked: not a version.
        version("a", "192.0.2.1", json!({"modified": "2024-01-01T00:00:00Z"})),
        json!({"type": "note", "id": "indicator--a", "revoked": true,
               "modified": "2025-01-01T00:00:00Z"}),
        json!({"type": "observed-data", "id": "indicator--a",
               "modified": "2025-01-01T00:00:00Z",
               "objects": {"0": {"type": "ipv4-addr", "value": "192.0.2.9"}}}),
        // Another creator, later and revoked: both read, and said so.
        version(
            "b",
            "192.0.2.2",
            json!({"modified": "2024-01-01T00:00:00Z",
                   "created_by_ref": "identity--x",
                   "created": "2024-01-01T00:00:00Z"}),
        ),
        version(
            "b",
            "192.0.2.3",
            dated(json!({"created_by_ref": "identity--y", "revoked": true,
                         "created": "2024-01-01T00:00:00Z"})),
        ),
        // Near miss: the same creator and creation make a version.
        version(
            "c",
            "192.0.2.4",
            json!({"modified": "2024-01-01T00:00:00Z",
                   "created_by_ref": "identity--x",
                   "created": "2024-01-01T00:00:00Z"}),
        ),
        version(
            "c",
            "192.0.2.5",
            dated(json!({"created_by_ref": "identity--x",
                         "created": "2024-01-01T00:00:00Z"})),
        ),
        json!({"type": "bundle", "id": "bundle--inner", "objects": []}),
    ];
    let text = json!({"type": "bundle", "objects": objects}).to_string();
    let got = load_as(Format::Stix2, &text);
    let read = revoked_by_value(&got);
    assert_eq!(
        read,
        [
            ("192.0.2.1".into(), false),
            ("192.0.2.9".into(), false),
            ("192.0.2.2".into(), false),
            ("192.0.2.3".into(), true),
            ("192.0.2.5".into(), false),
        ]
    );
    assert_eq!(
        problems(&got),
        [
            "t.txt: bundle--inner: warning: a bundle inside a bundle's \
             objects is not read",
            "t.txt: indicator--b: warning: objects of this id differ in \
             created_by_ref or created, so are not versions of one another: \
             each is read",
            "t.txt: indicator--c: warning: 1 earlier version not read: of an \
             id's versions, the one with the latest \"modified\" is read",
        ]
    );
}

#[test]
fn a_latest_version_that_cannot_be_read_is_an_error_and_stands() {
    use serde_json::json;
    // The latest version holds a number no JSON value can: it is named as
    // not loaded, and the earlier version is not read in its place, as
    // for one too large to build.
    let old =
        version("a", "192.0.2.1", json!({"modified": "2024-01-01T00:00:00Z"}));
    let text = format!(
        r#"{{"type":"bundle","objects":[{old},
        {{"type":"indicator","id":"indicator--a","x":1e400,
          "modified":"2024-02-01T00:00:00Z","pattern_type":"stix",
          "pattern":"[ipv4-addr:value = '192.0.2.2']"}}]}}"#
    );
    let got = load_as(Format::Stix2, &text);
    assert!(got.set.is_empty(), "{:?}", shown(&got));
    assert_eq!(
        problems(&got),
        [
            "t.txt: object 2: not valid JSON: number out of range at line 1 \
             column 49",
            "t.txt: indicator--a: warning: 1 earlier version not read: of an \
             id's versions, the one with the latest \"modified\" is read",
            "t.txt: no usable indicator in this file (read as stix2)",
        ]
    );
}

#[test]
fn revoked_and_validity_of_the_wrong_type_are_named() {
    use serde_json::json;
    let objects = [
        version("a", "192.0.2.1", json!({"revoked": "true"})),
        version("b", "192.0.2.2", json!({"valid_until": 1_700_000_000})),
        // Near miss: `false` is a boolean, and says nothing.
        version("c", "192.0.2.3", json!({"revoked": false})),
    ];
    let text = json!({"type": "bundle", "objects": objects}).to_string();
    let got = load_as(Format::Stix2, &text);
    assert_eq!(got.set.len(), 3);
    assert!(got.set.iter().all(|(_, i)| !i.sources[0].meta.revoked
        && i.sources[0].meta.valid_until.is_none()));
    // What did not read marks the entry: an allowlist does not apply it.
    let unread: Vec<bool> = got
        .set
        .iter()
        .map(|(_, i)| i.sources[0].meta.validity_unread)
        .collect();
    assert_eq!(unread, [true, true, false]);
    assert_eq!(
        problems(&got),
        [
            "t.txt: indicator--a: warning: revoked \"true\" is not true or \
             false; an indicator is read as not revoked, an allowlist entry \
             is not applied",
            "t.txt: indicator--b: warning: valid_until 1700000000 is not an \
             RFC 3339 timestamp; an indicator is read without it, an \
             allowlist entry is not applied",
        ]
    );
}

#[test]
fn rfc3339_fractions_order_versions_to_the_nanosecond() {
    let at = |s| rfc3339_nanos(s).map(|(_, n)| n);
    assert_eq!(at("2024-01-31T00:00:00Z"), Some(0));
    assert_eq!(at("2024-01-31T00:00:00.5Z"), Some(500_000_000));
    assert_eq!(at("2024-01-31T00:00:00.000000001Z"), Some(1));
    // Near miss: a tenth digit is dropped, not rounded.
    assert_eq!(at("2024-01-31T00:00:00.1234567899Z"), Some(123_456_789));
    assert_eq!(at("2024-01-31T00:00:00.Z"), None);
    // A leap second comes before the next minute, fraction and all.
    assert!(
        rfc3339_nanos("2016-12-31T23:59:60.5Z")
            < rfc3339_nanos("2017-01-01T00:00:00.2Z")
    );
    // An offset is at most 23:59.
    assert_eq!(rfc3339("2024-01-31T00:00:00+23:59"), Some(1_706_572_860));
    assert_eq!(rfc3339("2024-01-31T00:00:00+24:00"), None);
    assert_eq!(rfc3339("2024-01-31T00:00:00+99:99"), None);
    assert_eq!(rfc3339("2024-01-31T00:00:00-00:60"), None);
}

#[test]
fn rfc3339_timestamps_read_to_the_second() {
    assert_eq!(rfc3339("1970-01-01T00:00:00Z"), Some(0));
    assert_eq!(rfc3339("2024-01-31T00:00:00.000Z"), Some(1_706_659_200));
    assert_eq!(rfc3339("2024-01-31T00:00:00.123456789Z"), Some(1_706_659_200));
    assert_eq!(rfc3339("2024-01-31T02:30:00+02:30"), Some(1_706_659_200));
    assert_eq!(rfc3339("2024-01-30T22:00:00-02:00"), Some(1_706_659_200));
    for bad in [
        "2024-01-31",
        "2024-01-31T00:00:00",
        "2024-02-30T00:00:00Z",
        "2024-01-31T00:00:00.Z",
        "2024-01-31T00:00:00+0200",
        "2024-01-31T24:00:00Z",
        "２024-01-31T00:00:00Z",
    ] {
        assert_eq!(rfc3339(bad), None, "{bad}");
    }
}

#[test]
fn a_broken_bundle_keeps_the_objects_before_the_fault() {
    let text = format!(
        r#"{{"type": "bundle", "objects": [
             {{"type": "domain-name", "id": "d--1", "value": "evil.example"}},
             {{"type": "domain-name", "id": "d--2", "value": {}"#,
        "[".repeat(200)
    );
    let got = load_as(Format::Stix2, &text);
    assert_eq!(shown(&got), ["domain evil.example @d--1"]);
    assert_eq!(
        problems(&got),
        [
            "t.txt: not valid JSON: EOF while parsing a list at line 3 column 260"
        ]
    );
    // An object nested too deep to build, or too large, is refused on
    // its own; the objects after it load.
    let deep = format!(
        r#"{{"type": "bundle", "objects": [
             {{"type": "x", "a": {}{}}},
             {{"type": "domain-name", "id": "d--2", "value": "two.example"}},
             {{"type": "x", "a": "{}"}},
             {{"type": "domain-name", "id": "d--3", "value": "three.example"}}]}}"#,
        "[".repeat(200),
        "]".repeat(200),
        "a".repeat(4 << 20)
    );
    let got = load_as(Format::Stix2, &deep);
    assert_eq!(
        shown(&got),
        ["domain three.example @d--3", "domain two.example @d--2"]
    );
    assert_eq!(
        problems(&got),
        [
            "t.txt: object 1: not valid JSON: recursion limit exceeded at \
             line 1 column 146",
            "t.txt: object 3: 4194326 bytes, larger than the 4 MiB an \
             element may have; not read",
        ]
    );
    // Near misses: a whole bundle loads with no problem; one without an
    // objects array, or whose top level is not an object, says so.
    let whole = r#"{"type": "bundle", "objects": [
        {"type": "domain-name", "id": "d--1", "value": "evil.example"}]}"#;
    assert!(load_as(Format::Stix2, whole).problems.is_empty());
    assert_eq!(
        problems(&load_as(Format::Stix2, r#"{"type": "bundle"}"#))[0],
        "t.txt: expected an \"objects\" array"
    );
    assert_eq!(
        problems(&load_as(Format::Stix2, "[1]"))[0],
        "t.txt: invalid type: sequence, expected a JSON object at line 1 \
         column 0"
    );
}

#[test]
fn a_pattern_past_the_size_limit_is_refused_unparsed() {
    let list = |n: usize| {
        let items: Vec<String> =
            (0..n).map(|i| format!("'a{i}.evil.example'")).collect();
        format!("[domain-name:value IN ({})]", items.join(","))
    };
    // About 20 bytes an item: 13,000 items pass 256 KiB, 12,000 do not.
    let big = list(14_000);
    let got = load(&[&big]);
    assert!(got.set.is_empty());
    assert_eq!(
        problems(&got)[0],
        format!(
            "t.txt: indicator--1: pattern of {} bytes not read: larger than \
             the 256 KiB a pattern may have",
            big.len()
        )
    );
    let got = load(&[&list(12_000)]);
    assert_eq!(got.set.len(), 12_000);
}

#[test]
fn our_own_mark_of_an_and_is_a_silent_part() {
    // What `iocs export --to stix2` writes for one part of an AND whose
    // other parts were not kept: read back as a part, with no warning.
    let mark = "[x-iocsweep-and:other_parts = 'not exported']";
    let got = load(&[
        &format!("[domain-name:value = 'evil.example'] AND {mark}"),
        &format!("{mark} AND [ipv4-addr:value = '192.0.2.1']"),
        // Near misses: anything else on that object is an unknown
        // object, named as one.
        "[domain-name:value = 'a.example'] AND [x-iocsweep-and:other_parts = 'not exported!']",
        "[domain-name:value = 'b.example'] AND [x-iocsweep-and:others = 'not exported']",
        "[domain-name:value = 'c.example'] AND [x-iocsweep-and:other_parts != 'not exported']",
        "[domain-name:value = 'd.example'] AND [x-iocsweep-and:other_parts = 'not exported' AND domain-name:value = 'e.example']",
        &format!(
            "[domain-name:value = 'f.example'] AND {mark} REPEATS 2 TIMES"
        ),
        &format!("[domain-name:value = 'g.example'] OR {mark}"),
        mark,
        &format!("{mark} AND {mark}"),
    ]);
    assert_eq!(
        shown(&got),
        [
            "ipv4 192.0.2.1 @indicator--2+",
            "domain a.example @indicator--3+",
            "domain b.example @indicator--4+",
            "domain c.example @indicator--5+",
            "domain d.example @indicator--6+",
            "domain e.example @indicator--6+",
            "domain evil.example @indicator--1+",
            "domain f.example @indicator--7+",
            "domain g.example @indicator--8",
        ]
    );
    let unknown = |n: u32, what: &str| {
        format!(
            "t.txt: indicator--{n}: warning: {what} cannot be swept for; skipped"
        )
    };
    assert_eq!(
        problems(&got),
        [
            unknown(3, "x-iocsweep-and:other_parts"),
            unknown(4, "x-iocsweep-and:others"),
            unknown(5, "x-iocsweep-and:other_parts"),
            unknown(6, "x-iocsweep-and:other_parts"),
            "t.txt: indicator--7: warning: qualifier REPEATS is ignored: \
             every sighting is reported, not only repeated ones"
                .to_string(),
            unknown(7, "x-iocsweep-and:other_parts"),
            unknown(8, "x-iocsweep-and:other_parts"),
            unknown(9, "x-iocsweep-and:other_parts"),
            unknown(10, "x-iocsweep-and:other_parts"),
            unknown(10, "x-iocsweep-and:other_parts"),
        ]
    );
}
