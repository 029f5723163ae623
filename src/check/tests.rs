//! Unit tests of the check: each class raised, and a near miss that is
//! not.

use super::*;
use crate::load::{LoadOptions, Loader};

/// Loads `(file, text)` pairs, each as its own file.
fn load(files: &[(&str, &str)]) -> Loaded {
    let mut l = Loader::new(LoadOptions::default());
    for (name, text) in files {
        l.add_bytes((*name).into(), text.as_bytes());
    }
    l.finish()
}

/// Returns the classes found for each value of a one-file list.
fn classes(text: &str) -> Vec<(String, Vec<&'static str>)> {
    let loaded = load(&[("a.txt", text)]);
    let report = check(&loaded, &[], None);
    loaded
        .set
        .iter()
        .map(|(_, i)| {
            let v = i.value.to_string();
            let cs = report
                .findings
                .iter()
                .filter(|f| f.value == v)
                .map(|f| f.class.name())
                .collect();
            (v, cs)
        })
        .collect()
}

/// Asserts that each value raises exactly the classes given.
fn assert_classes(cases: &[(&str, &[&str])]) {
    let text: String = cases.iter().map(|(v, _)| format!("{v}\n")).collect();
    let got = classes(&text);
    let want: Vec<(String, Vec<&str>)> =
        cases.iter().map(|(v, c)| (v.to_string(), c.to_vec())).collect();
    assert_eq!(got, want);
}

#[test]
fn special_addresses_and_overlapping_ranges_warn() {
    assert_classes(&[
        ("10.0.0.1", &["private"]),
        ("11.0.0.1", &[]),
        ("172.16.5.4", &["private"]),
        ("172.32.0.1", &[]),
        ("192.168.1.1", &["private"]),
        ("192.169.1.1", &[]),
        ("100.64.0.1", &["private"]),
        ("100.128.0.1", &[]),
        ("fd00::1", &["private"]),
        ("fe00::1", &[]),
        ("127.0.0.1", &["loopback"]),
        ("128.0.0.1", &[]),
        ("::1", &["loopback"]),
        ("::2", &[]),
        ("169.254.1.1", &["link-local"]),
        ("169.253.1.1", &[]),
        ("fe80::1", &["link-local"]),
        ("224.0.0.251", &["multicast"]),
        ("223.255.255.255", &[]),
        ("ff02::fb", &["multicast"]),
        ("255.255.255.255", &["reserved"]),
        ("240.0.0.1", &["reserved"]),
        ("0.1.2.3", &["reserved"]),
        ("1.2.3.4", &[]),
        ("192.0.2.1", &["documentation"]),
        ("192.0.3.1", &[]),
        ("198.51.100.1", &["documentation"]),
        ("203.0.113.1", &["documentation"]),
        ("203.0.114.1", &[]),
        ("2001:db8::1", &["documentation"]),
        ("2001:db9::1", &[]),
        ("10.0.0.0/24", &["private"]),
        ("192.0.0.0/16", &["documentation"]),
        ("192.1.0.0/16", &[]),
        ("2001:db8::/40", &["documentation"]),
        ("2001:db9::/48", &[]),
    ]);
}

#[test]
fn broad_ranges_warn_from_ipv4_8_and_ipv6_32() {
    let loaded = {
        let parse =
            crate::indicator::ParseOptions { allow_broad_ranges: true };
        let mut l =
            Loader::new(LoadOptions { parse, ..LoadOptions::default() });
        l.add_bytes(
            "a.txt".into(),
            b"12.0.0.0/8\n12.0.0.0/9\n2a00::/32\n2a00::/33\n",
        );
        l.finish()
    };
    let r = check(&loaded, &[], None);
    let got: Vec<(&str, Option<&str>)> = r
        .findings
        .iter()
        .map(|f| (f.value.as_str(), f.detail.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("12.0.0.0/8", Some("16777216 addresses")),
            ("2a00::/32", Some("2^96 addresses"))
        ]
    );
}

#[test]
fn popular_values_warn_only_when_equal() {
    assert_classes(&[
        ("google.com", &["popular"]),
        ("google.com.evil.example", &[]),
        ("evil-google.com", &[]),
        ("8.8.8.8", &["popular"]),
        ("8.8.8.9", &[]),
        ("duckdns.org", &["popular"]),
        ("evil.duckdns.org", &[]),
        ("https://github.com/", &["popular"]),
        ("https://github.com/evil/repo", &[]),
        ("2606:4700:4700::1111", &["popular"]),
    ]);
}

#[test]
fn an_allowlist_replaces_the_popular_list_and_covers_subdomains() {
    let loaded =
        load(&[("a.txt", "google.com\nmail.corp.example\n10.1.2.3\n")]);
    let allow = Allowlist::new(&load(&[("allow.txt", "corp.example\n")]).set);
    let r = check(&loaded, &[], Some(&allow));
    let got: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.class.name(), f.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [("private", "10.1.2.3"), ("popular", "mail.corp.example")]
    );
    assert!(r.allowlist);
}

#[test]
fn short_strings_and_empty_digests_warn() {
    let loaded = load(&[
        (
            "s.intel",
            "#fields\tindicator\tindicator_type\n\
             abc\tIntel::SOFTWARE\nabcd\tIntel::SOFTWARE\n",
        ),
        (
            "a.csv",
            "type,value\nfilename,a.b\nfilename,a.js\n\
         md5,d41d8cd98f00b204e9800998ecf8427e\n\
         md5,d41d8cd98f00b204e9800998ecf8427f\n\
         sha1,da39a3ee5e6b4b0d3255bfef95601890afd80709\n\
         sha256,e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
         sha512,cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e\n",
        ),
    ]);
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    let r = check(&loaded, &[], None);
    let got: Vec<(&str, &str)> = r
        .findings
        .iter()
        .map(|f| (f.class.name(), f.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("short", "a.b"),
            ("short", "abc"),
            ("empty-hash", "d41d8cd98f00b204e9800998ecf8427e"),
            ("empty-hash", "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            (
                "empty-hash",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            ),
            ("empty-hash", EMPTY_DIGESTS[3]),
        ]
    );
}

#[test]
fn documentation_domains_and_placeholder_digests_warn() {
    assert_classes(&[
        ("example.com", &["documentation"]),
        ("cdn.example.org", &["documentation"]),
        ("example.net", &["documentation"]),
        // URLs by their host, e-mail addresses by their domain.
        ("http://example.com/x", &["documentation"]),
        ("https://www.example.org:8443/a?b=1", &["documentation"]),
        ("http://192.0.2.7/x", &["documentation"]),
        ("http://[2001:db8::1]/x", &["documentation"]),
        ("a@example.com", &["documentation"]),
        ("b@mail.example.net", &["documentation"]),
        // Near misses: a name that only ends alike, and the reserved
        // top-level names, which never reach a log.
        ("badexample.com", &[]),
        ("example.com.evil.example", &[]),
        ("evil.example", &[]),
        ("http://badexample.com/x", &[]),
        ("http://evil.example/example.com", &[]),
        ("example.com@evil.example", &[]),
        ("a@badexample.com", &[]),
        ("00000000000000000000000000000000", &["placeholder-hash"]),
        ("ffffffffffffffffffffffffffffffffffffffff", &["placeholder-hash"]),
        // One digit different is a digest like any other.
        ("00000000000000000000000000000001", &[]),
    ]);
}

#[test]
fn sign_in_pages_and_link_shorteners_are_popular() {
    assert_classes(&[
        ("login.microsoftonline.com", &["popular"]),
        ("mail.google.com", &["popular"]),
        ("bit.ly", &["popular"]),
        // k.root-servers.net, and a request-capture service's base.
        ("193.0.14.129", &["popular"]),
        ("193.0.14.130", &[]),
        ("webhook.site", &["popular"]),
        ("evil.webhook.site", &[]),
        // A shortened link is a fine indicator.
        ("https://bit.ly/3xYz", &[]),
    ]);
}

#[test]
fn duplicates_across_files_warn_but_not_within_one() {
    let loaded = load(&[
        ("a.txt", "1.2.3.4\n5.6.7.8\n5.6.7.8\n"),
        ("b.txt", "1.2.3.4\n"),
    ]);
    let r = check(&loaded, &[], None);
    let got: Vec<(&str, &str, Vec<String>)> = r
        .findings
        .iter()
        .map(|f| (f.class.name(), f.value.as_str(), f.sources.clone()))
        .collect();
    assert_eq!(
        got,
        [("duplicate", "1.2.3.4", vec!["a.txt:1".into(), "b.txt:1".into()])]
    );
}

#[test]
fn expired_and_revoked_are_findings_and_still_counted_per_file() {
    let bundle = serde_json::json!({
        "type": "bundle",
        "objects": [
            {"type": "indicator", "id": "indicator--1",
             "pattern": "[ipv4-addr:value = '1.2.3.4']",
             "valid_until": "2020-01-01T00:00:00Z"},
            {"type": "indicator", "id": "indicator--2", "revoked": true,
             "pattern": "[domain-name:value = 'evil.example']"},
            {"type": "indicator", "id": "indicator--3",
             "pattern": "[ipv4-addr:value = '5.6.7.8']",
             "valid_until": "2099-01-01T00:00:00Z"}
        ]
    })
    .to_string();
    let mut loaded = load(&[("s.json", &bundle)]);
    let retired = loaded.retain_current(1_710_072_000, false);
    let r = check(&loaded, &retired, None);
    let got: Vec<(&str, &str, Vec<String>)> = r
        .findings
        .iter()
        .map(|f| (f.class.name(), f.value.as_str(), f.sources.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("expired", "1.2.3.4", vec!["s.json#indicator--1".into()]),
            ("revoked", "evil.example", vec!["s.json#indicator--2".into()]),
        ]
    );
    let f = &r.files[0];
    assert_eq!(f.format, Some(Format::Stix2));
    assert_eq!(f.kinds.get(&Kind::Ipv4), Some(&2));
    assert_eq!(f.kinds.get(&Kind::Domain), Some(&1));
    assert_eq!(r.status(), 1);
}

#[test]
fn status_is_0_clean_1_warnings_2_errors() {
    let clean = load(&[("a.txt", "1.2.3.4\nevil.example\n")]);
    assert_eq!(check(&clean, &[], None).status(), 0);
    let finding = load(&[("a.txt", "10.0.0.1\n")]);
    assert_eq!(check(&finding, &[], None).status(), 1);
    let warned = load(&[("a.txt", "1.2.3.0/23\n")]);
    let r = check(&warned, &[], None);
    assert!(r.findings.is_empty());
    assert_eq!(r.status(), 1, "{:?}", r.problems);
    let bad = load(&[("a.txt", "1.2.3.4\nnot an indicator!\n")]);
    let r = check(&bad, &[], None);
    assert_eq!(r.status(), 2);
    assert_eq!(r.files[0].not_loaded, 1);
}

#[test]
fn entries_past_the_listed_problems_are_still_counted() {
    use crate::load::MAX_PROBLEMS_PER_FILE;
    let mut list = String::new();
    for i in 0..MAX_PROBLEMS_PER_FILE + 7 {
        list.push_str(&format!("1.2.{}.{}\n1.2.3.0/99\n", i / 256, i % 256));
    }
    let r = check(&load(&[("a.txt", &list)]), &[], None);
    assert_eq!(r.files[0].not_loaded, MAX_PROBLEMS_PER_FILE + 7);
    assert_eq!(r.problems.len(), MAX_PROBLEMS_PER_FILE + 1);
    assert_eq!(r.status(), 2);
    // The heading and the closing line count what the table counts; the
    // problem that says how many were not listed is not one more.
    let mut out = Vec::new();
    text(&r, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("\nnot loaded (10007):\n"), "{}", &out[..300]);
    assert!(
        out.ends_with("\n1 file; 10007 errors, 0 load warnings, 0 findings\n")
    );
}

#[test]
fn warnings_past_the_listed_problems_are_counted_once() {
    use crate::load::MAX_PROBLEMS_PER_FILE;
    // Host bits set: loaded as the network, with a warning each.
    let list: String = (0..MAX_PROBLEMS_PER_FILE + 1)
        .map(|i| format!("10.{}.{}.1/24\n", i / 256, i % 256))
        .collect();
    let r = check(&load(&[("w.txt", &list)]), &[], None);
    assert_eq!(r.files[0].warnings, MAX_PROBLEMS_PER_FILE + 1);
    assert_eq!(r.files[0].not_loaded, 0);
    let mut out = Vec::new();
    text(&r, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(
        out.contains("w.txt: warning: 1 more warning, not listed"),
        "{}",
        &out[..300]
    );
    assert!(out.contains(" 10001 load warnings,"), "{}", &out[..300]);
}

#[test]
fn text_output_lists_files_then_findings_by_class() {
    let loaded =
        load(&[("a.txt", "10.0.0.1\n1.2.3.4\nx!\n"), ("b.txt", "1.2.3.4\n")]);
    let r = check(&loaded, &[], None);
    let mut out = Vec::new();
    text(&r, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let want = "\
format  entries  not loaded  warnings  indicators  file
text          2           1         0  ipv4 2      a.txt
text          1           0         0  ipv4 1      b.txt

not loaded (1):
  a.txt:3: \"x!\" is not an indicator: expected an IP address, CIDR range, domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 hash or file name

private (1): private address space (RFC 1918, RFC 6598, ULA): every internal host matches
  ipv4 10.0.0.1 [10.0.0.0/8]: a.txt:1

duplicate (1): listed by more than one file
  ipv4 1.2.3.4 [2 files]: a.txt:2, b.txt:1

2 files; 1 error, 0 load warnings, 2 findings
";
    assert_eq!(out, want);
    let mut out = Vec::new();
    jsonl(&r, &mut out).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["indicators"]["ipv4"], 2);
    assert_eq!(lines[2]["severity"], "error");
    assert_eq!(lines[2]["file"], "a.txt");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[2]["object"], serde_json::Value::Null);
    assert_eq!(
        lines[2]["reason"],
        "\"x!\" is not an indicator: expected an IP address, CIDR range, \
         domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 hash or file \
         name"
    );
    assert!(
        lines[2]["message"].as_str().unwrap().starts_with("a.txt:3: \"x!\"")
    );
    assert_eq!(lines[3]["class"], "private");
    assert_eq!(lines[4]["sources"][1], "b.txt:1");
}

#[test]
fn skipped_documentation_is_named_but_keeps_the_status_clean() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "1.2.3.4\n").unwrap();
    std::fs::write(dir.path().join("README.md"), "10.0.0.1\n").unwrap();
    let loaded = crate::load::load_paths(
        &[dir.path().to_path_buf()],
        LoadOptions::default(),
    );
    let r = check(&loaded, &[], None);
    assert_eq!(r.status(), 0, "{:?}", r.problems);
    assert_eq!(r.skipped.len(), 1);
    assert!(r.skipped[0].to_string().ends_with(
        "README.md: warning: skipped: Markdown documentation, not read as \
         indicators; name it to load it"
    ));
    // A file-level warning about a file that was read still counts.
    let mut l = Loader::new(LoadOptions::default());
    l.add_bytes("c.txt".into(), b"1.2.3.4\n\xff\n");
    let lossy = l.finish();
    let r = check(&lossy, &[], None);
    assert!(r.skipped.is_empty());
    assert_eq!(r.status(), 2, "{:?}", r.problems);
    assert!(
        r.problems[0].message.ends_with("invalid UTF-8 replaced with U+FFFD")
    );
}

#[test]
fn indicators_valid_only_from_a_later_date_are_named() {
    let bundle = serde_json::json!({
        "type": "bundle",
        "objects": [
            {"type": "indicator", "id": "indicator--1",
             "pattern": "[ipv4-addr:value = '1.2.3.4']",
             "valid_from": "2024-03-11T00:00:00Z"},
            {"type": "indicator", "id": "indicator--2",
             "pattern": "[ipv4-addr:value = '5.6.7.8']",
             "valid_from": "2024-03-10T00:00:00Z"},
            // Near miss: one source valid already vouches for it.
            {"type": "indicator", "id": "indicator--3",
             "pattern": "[domain-name:value = 'evil.example']",
             "valid_from": "2099-01-01T00:00:00Z"},
            {"type": "indicator", "id": "indicator--4",
             "pattern": "[domain-name:value = 'evil.example']",
             "valid_from": "2020-01-01T00:00:00Z"},
            {"type": "indicator", "id": "indicator--5",
             "pattern": "[domain-name:value = 'bad.example']"}
        ]
    })
    .to_string();
    let loaded = load(&[("s.json", &bundle)]);
    // 2024-03-10T12:00:00Z
    let r = check_at(&loaded, &[], None, 1_710_072_000);
    let got: Vec<(&str, &str, Vec<String>)> = r
        .findings
        .iter()
        .map(|f| (f.class.name(), f.value.as_str(), f.sources.clone()))
        .collect();
    assert_eq!(
        got,
        [("not-yet-valid", "1.2.3.4", vec!["s.json#indicator--1".into()])]
    );
    assert_eq!(r.status(), 1);
    // A day later it is valid, and the check is clean.
    let r = check_at(&loaded, &[], None, 1_710_072_000 + 86_400);
    assert!(r.findings.is_empty());
    assert_eq!(r.status(), 0);
}

#[test]
fn jsonl_problems_name_their_object_or_no_place() {
    let bundle = r#"{"type":"bundle","id":"bundle--1","objects":[
        {"type":"indicator","id":"indicator--1","pattern_type":"stix",
         "pattern":"[ipv4-addr:value = 'not an address']"}]}"#;
    let loaded = load(&[("b.json", bundle)]);
    let r = check(&loaded, &[], None);
    let mut out = Vec::new();
    jsonl(&r, &mut out).unwrap();
    let problems: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|l| l["type"] == "problem")
        .collect();
    let [by_id, whole] = &problems[..] else { panic!("{problems:?}") };
    assert_eq!(by_id["file"], "b.json");
    assert_eq!(by_id["object"], "indicator--1");
    assert_eq!(by_id["line"], serde_json::Value::Null);
    assert_eq!(whole["file"], "b.json");
    assert_eq!(
        whole["reason"],
        "no usable indicator in this file (read as stix2)"
    );
    assert_eq!(whole["line"], serde_json::Value::Null);
    assert_eq!(whole["object"], serde_json::Value::Null);
}

#[test]
fn jsonl_skipped_and_messages_are_escaped_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("README.md"), "10.0.0.1\n").unwrap();
    let mut l = Loader::new(LoadOptions::default());
    l.add_path(dir.path());
    l.add_bytes("e\u{1b}[31m.txt".into(), b"bad..v\n");
    let r = check(&l.finish(), &[], None);
    let mut out = Vec::new();
    jsonl(&r, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let skipped = lines.iter().find(|l| l["type"] == "skipped").unwrap();
    let readme = dir.path().join("README.md").display().to_string();
    assert_eq!(skipped["file"], readme.as_str());
    assert_eq!(
        skipped["reason"],
        "Markdown documentation, not read as indicators; name it to load it"
    );
    let bad = lines.iter().find(|l| l["type"] == "problem").unwrap();
    // The name as it is; the message as the text report prints it.
    assert_eq!(bad["file"], "e\u{1b}[31m.txt");
    let msg = bad["message"].as_str().unwrap();
    assert!(msg.starts_with("e\\x1b[31m.txt:1: "), "{msg}");
    assert!(!msg.contains('\u{1b}'));
}
