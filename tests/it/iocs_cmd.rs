//! `iocsweep iocs check|list|stats|export`, `--allow` and expiry, run
//! through the binary, and exports of the real corpus loading back to
//! the same set.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use iocsweep::export::{Target, export};
use iocsweep::indicator::Value;
use iocsweep::load::{LoadOptions, Loader, load_paths};
use iocsweep::set::IndicatorSet;
use iocsweep::time::Stamp;

use crate::inputs::{Setup, records, stderr};

/// Runs `iocsweep iocs ARGS` in the setup's folder.
fn iocs(s: &Setup, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(s.dir.path())
        .arg("iocs")
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn check_exits_0_clean_1_warned_2_not_loaded() {
    let s = Setup::new();
    s.file("clean.txt", b"11.0.0.1\nbad.example\n");
    s.file("private.txt", b"10.0.0.1\n");
    s.file("broken.txt", b"11.0.0.1\nnot an indicator!\n");

    let out = iocs(&s, &["check", "clean.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out)
            .ends_with("\n1 file; 0 errors, 0 load warnings, 0 findings\n")
    );

    let out = iocs(&s, &["check", "private.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains(
        "\nprivate (1): private address space (RFC 1918, RFC 6598, ULA): \
         every internal host matches\n  ipv4 10.0.0.1 [10.0.0.0/8]: \
         private.txt:1\n"
    ));

    let out = iocs(&s, &["check", "broken.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("\nnot loaded (1):\n  broken.txt:2: "));

    let out = iocs(&s, &["check", "missing.txt"]);
    assert_eq!(out.status.code(), Some(2));

    // A folder with nothing to read is not a clean set.
    std::fs::create_dir(s.dir.path().join("empty")).unwrap();
    s.file("docs/README.md", b"11.0.0.1\n");
    for dir in ["empty", "docs"] {
        let out = iocs(&s, &["check", dir]);
        assert_eq!(out.status.code(), Some(2), "{dir}");
        assert!(
            stderr(&out)
                .contains("no indicator file was read: nothing to check"),
            "{dir}: {}",
            stderr(&out)
        );
        for cmd in [&["list"][..], &["stats"], &["export", "--to", "text"]] {
            let out = iocs(&s, &[cmd, &[dir]].concat());
            assert_eq!(out.status.code(), Some(2), "{cmd:?} {dir}");
            assert!(stderr(&out).contains("no indicator file was read"));
        }
    }
}

#[test]
fn iocs_commands_take_allow_broad_ranges_as_sweep_does() {
    let s = Setup::new();
    s.file("broad.txt", b"16.0.0.0/4\n");
    let out = iocs(&s, &["check", "broad.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains(
        "broad.txt:1: 16.0.0.0/4 is too broad to sweep for (an IPv4 range \
         must be /8 or narrower); pass --allow-broad-ranges to load it anyway"
    ));
    // As the message says: loaded, and a finding of its own.
    let out = iocs(&s, &["check", "--allow-broad-ranges", "broad.txt"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains(
        "\nbroad-range (1): ranges of IPv4 /8 or IPv6 /32 or broader\n  \
         cidr 16.0.0.0/4 [268435456 addresses]: broad.txt:1\n"
    ));
    for (cmd, shows) in [
        (&["list"][..], "16.0.0.0/4"),
        (&["stats"], "indicators: 1 (cidr 1)\n"),
        (&["export", "--to", "zeek"], "\n16.0.0.0/4\tIntel::SUBNET\t"),
    ] {
        let args = [cmd, &["--allow-broad-ranges", "broad.txt"]].concat();
        let out = iocs(&s, &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).contains(shows), "{args:?}: {}", stdout(&out));
        let without = iocs(&s, &[cmd, &["broad.txt"][..]].concat());
        assert!(!stdout(&without).contains(shows), "{args:?}");
    }
}

#[test]
fn check_allow_replaces_the_popular_list() {
    let s = Setup::new();
    s.file("iocs.txt", b"google.com\nmail.corp.example\n");
    s.file("allow.txt", b"corp.example\n");
    let out = iocs(&s, &["check", "--format", "jsonl", "iocs.txt"]);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<String> = records(&out)
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| format!("{} {}", r["class"], r["indicator"]))
        .collect();
    assert_eq!(found, ["\"popular\" \"google.com\""]);
    let out = iocs(
        &s,
        &["check", "--format", "jsonl", "--allow", "allow.txt", "iocs.txt"],
    );
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<String> = records(&out)
        .iter()
        .filter(|r| r["type"] == "finding")
        .map(|r| format!("{} {}", r["class"], r["indicator"]))
        .collect();
    assert_eq!(found, ["\"popular\" \"mail.corp.example\""]);
}

#[test]
fn list_and_stats_use_the_given_files_or_the_bundled_sets() {
    let s = Setup::new();
    let out = iocs(&s, &["list", "iocs.txt"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "ipv4\t192.0.2.1\tiocs.txt:1\ndomain\tevil.example\tiocs.txt:2\n"
    );
    let out = iocs(&s, &["list", "--format", "jsonl"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let bundled = records(&out);
    assert!(bundled.len() > 100, "{}", bundled.len());
    assert!(
        bundled[0]["sources"][0].as_str().unwrap().starts_with("bundled:")
    );

    let out = iocs(&s, &["stats", "iocs.txt"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with(
        "indicators: 2 (ipv4 1, domain 1)\nentries read: 2 (repeats \
         included)\nformat text: 1 file, 2 indicators\n"
    ));
}

/// A bundle with an expired, a revoked and a current indicator.
fn dated_bundle() -> String {
    serde_json::json!({
        "type": "bundle",
        "objects": [
            {"type": "indicator", "id": "indicator--old",
             "pattern": "[ipv4-addr:value = '11.0.0.1']",
             "valid_until": "2020-01-01T00:00:00Z"},
            {"type": "indicator", "id": "indicator--gone", "revoked": true,
             "pattern": "[ipv4-addr:value = '11.0.0.2']"},
            {"type": "indicator", "id": "indicator--new",
             "pattern": "[ipv4-addr:value = '11.0.0.3']",
             "valid_until": "2999-01-01T00:00:00Z"}
        ]
    })
    .to_string()
}

#[test]
fn sweeps_leave_out_expired_and_revoked_unless_asked() {
    let s = Setup::new();
    s.file("dated.json", dated_bundle().as_bytes());
    s.file("log", b"a 11.0.0.1\nb 11.0.0.2\nc 11.0.0.3\n");
    let out = s.run(&["--iocs", "dated.json", "log"]);
    assert_eq!(out.status.code(), Some(1));
    let hits: Vec<String> = records(&out)
        .iter()
        .map(|r| r["indicator"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hits, ["11.0.0.3"]);
    let err = stderr(&out);
    assert!(err.contains(
        "iocsweep: 1 expired indicator left out (valid_until before \
         today); --include-expired keeps them\n"
    ));
    assert!(err.contains("iocsweep: 1 revoked indicator left out\n"));

    let out = s.run(&["--include-expired", "--iocs", "dated.json", "log"]);
    let hits: Vec<String> = records(&out)
        .iter()
        .map(|r| r["indicator"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hits, ["11.0.0.1", "11.0.0.3"]);
    assert!(!stderr(&out).contains("expired"));

    let out = iocs(&s, &["check", "dated.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("\n  ipv4 11.0.0.1: dated.json#indicator--old\n"));
    assert!(text.contains("\n  ipv4 11.0.0.2: dated.json#indicator--gone\n"));
}

#[test]
fn a_hit_lists_only_the_sources_that_still_vouch() {
    let s = Setup::new();
    s.file("dated.json", dated_bundle().as_bytes());
    // The same three addresses, each one part of an AND that stands.
    let parts = serde_json::json!({"type": "bundle", "objects": [
        {"type": "indicator", "id": "indicator--and",
         "pattern": "[ipv4-addr:value = '11.0.0.1'] AND \
                     [ipv4-addr:value = '11.0.0.2'] AND \
                     [ipv4-addr:value = '11.0.0.3']"}
    ]});
    s.file("and.json", parts.to_string().as_bytes());
    s.file("log", b"a 11.0.0.1\nb 11.0.0.2\nc 11.0.0.3\n");
    let sources = |args: &[&str]| -> Vec<String> {
        let out = s.run(args);
        records(&out)
            .iter()
            .map(|r| {
                let s: Vec<String> = r["sources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| {
                        let part =
                            if s["compound"] == true { "+" } else { "" };
                        format!("{}{part}", s["id"].as_str().unwrap())
                    })
                    .collect();
                format!("{} {}", r["indicator"].as_str().unwrap(), s.join(" "))
            })
            .collect()
    };
    let both = ["--iocs", "dated.json", "--iocs", "and.json", "log"];
    assert_eq!(
        sources(&both),
        [
            "11.0.0.1 indicator--and+",
            "11.0.0.2 indicator--and+",
            "11.0.0.3 indicator--new indicator--and+",
        ]
    );
    let mut with_expired = vec!["--include-expired"];
    with_expired.extend(both);
    assert_eq!(
        sources(&with_expired),
        [
            "11.0.0.1 indicator--old indicator--and+",
            "11.0.0.2 indicator--and+",
            "11.0.0.3 indicator--new indicator--and+",
        ]
    );
    // So an export writes the revoked whole value as the part it is now.
    let out = iocs(&s, &["export", "--to", "text", "dated.json", "and.json"]);
    assert!(
        stderr(&out).contains("ipv4 11.0.0.2: AND mark lost\n"),
        "{}",
        stderr(&out)
    );
    // Statistics still count what each file holds, as `iocs check` does.
    s.file("b.txt", b"11.0.0.1\n11.0.0.2\n");
    let out = iocs(&s, &["stats", "dated.json", "b.txt"]);
    let text = stdout(&out);
    assert!(text.contains("format stix2: 1 file, 3 indicators\n"), "{text}");
    assert!(text.contains("repeated: 2 indicators with more than one source"));
}

#[test]
fn allowlists_drop_indicators_and_hits_and_count_them() {
    let s = Setup::new();
    s.file("iocs.txt", b"203.0.113.0/24\nevil.example\n10.1.2.3\n");
    s.file("allow.txt", b"203.0.113.5\ncdn.evil.example\n10.0.0.0/8\n");
    s.file(
        "log",
        b"a 203.0.113.5\nb 203.0.113.6\nc cdn.evil.example\n\
          d www.evil.example\ne 10.1.2.3\n",
    );
    let line = |out: &Output| -> Vec<u64> {
        records(out).iter().map(|r| r["line"].as_u64().unwrap()).collect()
    };
    let out = s.run(&["--iocs", "iocs.txt", "log"]);
    assert_eq!(line(&out), [1, 2, 3, 4, 5]);
    assert!(!stderr(&out).contains("allowlist"));

    let out = s.run(&["--iocs", "iocs.txt", "--allow", "allow.txt", "log"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(line(&out), [2, 4]);
    assert!(
        stderr(&out)
            .contains("iocsweep: allowlist: 1 indicator and 2 hits dropped\n"),
        "{}",
        stderr(&out)
    );

    let out = iocs(&s, &["list", "--allow", "allow.txt", "iocs.txt"]);
    assert_eq!(
        stdout(&out),
        "cidr\t203.0.113.0/24\tiocs.txt:1\ndomain\tevil.example\tiocs.txt:2\n"
    );
    assert!(stderr(&out).contains("allowlist: 1 indicator dropped"));

    let out = s.run(&["--iocs", "iocs.txt", "--allow", "nope.txt", "log"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("nope.txt: cannot use this allowlist"));
}

#[test]
fn an_allowed_address_with_a_port_drops_hits_on_that_port_alone() {
    let s = Setup::new();
    s.file("iocs.txt", b"198.51.100.7\n");
    s.file("allow.txt", b"198.51.100.7:443\n");
    s.file("log", b"a 198.51.100.7:443\nb 198.51.100.7:22\nc 198.51.100.7\n");
    let out = s.run(&["--iocs", "iocs.txt", "--allow", "allow.txt", "log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<u64> =
        records(&out).iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3]);
    assert!(
        stderr(&out).contains("allowlist: 0 indicators and 1 hit dropped"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_allowed_match_leaves_the_line_reported_for_another_match() {
    // One record a line and indicator: when its first match is allowed,
    // another match of the same indicator on the line is reported.
    let s = Setup::new();
    s.file("iocs.txt", b"198.51.100.7\nevil.example\n");
    s.file("allow.txt", b"198.51.100.7:443\ncdn.evil.example\n");
    let log = "conn 198.51.100.7:443 -> 198.51.100.7:22\n\
               x cdn.evil.example y www.evil.example\n\
               conn 198.51.100.7:443 ok\n\
               only cdn.evil.example, CDN.evil.example\n";
    s.file("log", log.as_bytes());
    let out = s.run(&[
        "--iocs",
        "iocs.txt",
        "--allow",
        "allow.txt",
        "--manifest",
        "m.json",
        "log",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The input's count is of the hits reported, as the totals are.
    let m = std::fs::read(s.dir.path().join("m.json")).unwrap();
    let m: serde_json::Value = serde_json::from_slice(&m).unwrap();
    assert_eq!(m["inputs"][0]["hits"], 2, "{m}");
    assert_eq!(m["totals"]["hits"], 2);
    assert_eq!(m["totals"]["hits_allowed"], 2);
    let got: Vec<(u64, u64, String)> = records(&out)
        .iter()
        .map(|r| {
            let m = r["matched"].as_str().unwrap().to_string();
            (r["line"].as_u64().unwrap(), r["offset"].as_u64().unwrap(), m)
        })
        .collect();
    let at = |what: &str| log.find(what).unwrap() as u64;
    assert_eq!(
        got,
        [
            (1, at("198.51.100.7:22"), "198.51.100.7".to_string()),
            (2, at("www.evil.example"), "www.evil.example".into()),
        ]
    );
    assert!(
        stderr(&out).contains("allowlist: 0 indicators and 2 hits dropped"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_line_cut_past_an_allowed_match_keeps_its_hit() {
    // The line is kept 4 KiB past a match: what lies beyond was not
    // seen, so an allowed first match cannot drop it.
    let s = Setup::new();
    s.file("iocs.txt", b"evil.example\n");
    s.file("allow.txt", b"cdn.evil.example\n");
    let pad = "w".repeat(5000);
    let log = format!(
        "q cdn.evil.example {pad} www.evil.example\n\
         q cdn.evil.example {pad} cdn.evil.example\n\
         q cdn.evil.example {pad} evil.example.org\n"
    );
    s.file("log", log.as_bytes());
    let out = s.run(&["--iocs", "iocs.txt", "--allow", "allow.txt", "log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got: Vec<(u64, String)> = records(&out)
        .iter()
        .map(|r| {
            let m = r["matched"].as_str().unwrap().to_string();
            (r["line"].as_u64().unwrap(), m)
        })
        .collect();
    let first = "cdn.evil.example".to_string();
    assert_eq!(got, [(1, first.clone()), (2, first.clone()), (3, first)]);
}

#[test]
fn allowlist_entries_revoked_or_expired_are_not_applied() {
    // An allowlist entry that no longer holds would hide a true hit.
    let s = Setup::new();
    s.file(
        "iocs.txt",
        b"evil.example\nbad.example\ngone.example\nodd.example\n",
    );
    let entry = |value: &str, extra: &str| {
        format!(
            r#"{{"type":"indicator","id":"indicator--{value}",
            "pattern_type":"stix","valid_from":"2020-01-01T00:00:00Z",
            "pattern":"[domain-name:value = '{value}']"{extra}}}"#
        )
    };
    let objs = [
        entry("evil.example", r#","valid_until":"2021-01-01T00:00:00Z""#),
        entry("gone.example", r#","revoked":true"#),
        // An end that does not read (month 13) might have passed.
        entry("odd.example", r#","valid_until":"2999-13-01T00:00:00Z""#),
        // Near miss: an entry valid until 2999 is applied.
        entry("bad.example", r#","valid_until":"2999-01-01T00:00:00Z""#),
    ];
    let bundle =
        format!(r#"{{"type":"bundle","objects":[{}]}}"#, objs.join(","));
    s.file("allow.json", bundle.as_bytes());
    s.file(
        "log",
        b"a evil.example\nb bad.example\nc gone.example\nd odd.example\n",
    );
    let out = s.run(&["--iocs", "iocs.txt", "--allow", "allow.json", "log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines: Vec<u64> =
        records(&out).iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [1, 3, 4]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: allowlist: 3 entries not applied (1 expired, 1 \
             revoked, 1 whose validity does not read)\n"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "allow.json: indicator--odd.example: warning: valid_until \
             \"2999-13-01T00:00:00Z\" is not an RFC 3339 timestamp; an \
             indicator is read without it, an allowlist entry is not applied"
        ),
        "{err}"
    );
    assert!(
        err.contains("allowlist: 1 indicator and 0 hits dropped"),
        "{err}"
    );
    // The manifest counts them too.
    let out = s.run(&[
        "--iocs",
        "iocs.txt",
        "--allow",
        "allow.json",
        "--manifest",
        "m.json",
        "log",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let m = std::fs::read(s.dir.path().join("m.json")).unwrap();
    let m: serde_json::Value = serde_json::from_slice(&m).unwrap();
    assert_eq!(m["totals"]["allowlist_entries_not_applied"], 3);
    assert_eq!(m["totals"]["indicators_allowed"], 1);
    // --include-expired keeps expired indicators, not expired exceptions.
    let out = s.run(&[
        "--iocs",
        "iocs.txt",
        "--allow",
        "allow.json",
        "--include-expired",
        "log",
    ]);
    assert_eq!(records(&out).len(), 3, "{}", stderr(&out));
    let out = iocs(&s, &["list", "--allow", "allow.json", "iocs.txt"]);
    assert_eq!(
        stdout(&out),
        "domain\tevil.example\tiocs.txt:1\ndomain\tgone.example\tiocs.txt:3\n\
         domain\todd.example\tiocs.txt:4\n"
    );
}

/// Returns each value of a set, shown.
fn values(set: &IndicatorSet) -> BTreeSet<String> {
    set.iter().map(|(_, i)| format!("{} {}", i.kind(), i.value)).collect()
}

#[test]
fn export_writes_files_that_list_back_the_same() {
    let s = Setup::new();
    s.file(
        "iocs.csv",
        b"type,value\nip,203.0.113.80:8080\ndomain,evil.example\n\
          url,http://evil.example/a\nsha1,da39a3ee5e6b4b0d3255bfef95601890afd80709\n",
    );
    let listed = |file: &str| -> Vec<String> {
        let out = iocs(&s, &["list", file]);
        let mut v: Vec<String> = stdout(&out)
            .lines()
            .map(|l| l.split('\t').take(2).collect::<Vec<_>>().join(" "))
            .collect();
        v.sort();
        v
    };
    let want = listed("iocs.csv");
    assert_eq!(want.len(), 4);
    for to in ["text", "csv", "stix2"] {
        let file = format!("out.{to}");
        let out = iocs(&s, &["export", "--to", to, "-o", &file, "iocs.csv"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!(
                "exported 4 indicators as {to} (0 left out)"
            ))
        );
        assert_eq!(listed(&file), want, "{to}");
    }
    let out = iocs(&s, &["export", "--to", "zeek", "iocs.csv"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("evil.example/a\tIntel::URL\tiocs.csv:4\n"));
    let err = stderr(&out);
    assert!(err.contains("zeek export: ipv4 203.0.113.80:8080: port dropped"));
    assert!(
        err.contains("zeek export: url http://evil.example/a: scheme dropped")
    );

    let out =
        iocs(&s, &["export", "--to", "csv", "-o", "iocs.csv", "iocs.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(listed("iocs.csv"), want, "the input was left alone");
}

#[test]
fn export_lists_a_few_values_a_reason_and_counts_the_rest() {
    // A Zeek export of a feed's URLs changes every one of them: the
    // corpus's 15,064 each had their own line.
    let s = Setup::new();
    let mut text = String::from("203.0.113.80:8080\n");
    for n in 1..=25 {
        text.push_str(&format!("http://a{n:02}.example/x\n"));
    }
    s.file("urls.txt", text.as_bytes());
    let out = iocs(&s, &["export", "--to", "zeek", "urls.txt"]);
    assert_eq!(out.status.code(), Some(0));
    let mut want = String::from(
        "iocsweep: zeek export: ipv4 203.0.113.80:8080: port dropped\n",
    );
    for n in 1..=20 {
        want.push_str(&format!(
            "iocsweep: zeek export: url http://a{n:02}.example/x: \
             scheme dropped\n"
        ));
    }
    want.push_str(
        "iocsweep: zeek export: scheme dropped: 5 more values, not listed\n\
         iocsweep: exported 26 indicators as zeek (0 left out, 26 changed)\n",
    );
    let err = stderr(&out);
    assert!(err.ends_with(&want), "{err}");
    // One more than listed: one value, and one indicator written.
    let mut text = String::new();
    for n in 1..=21 {
        text.push_str(&format!("http://c{n:02}.example/x\n"));
    }
    s.file("c.txt", text.as_bytes());
    let out = iocs(&s, &["export", "--to", "zeek", "c.txt"]);
    let err = stderr(&out);
    assert!(err.contains(": scheme dropped: 1 more value, not listed\n"));
    s.file("one.txt", b"evil.example\n");
    let out = iocs(&s, &["export", "--to", "zeek", "one.txt"]);
    assert!(
        stderr(&out).ends_with("exported 1 indicator as zeek (0 left out)\n")
    );
    // Near miss: 20 values of one reason are all listed, with no count.
    let mut text = String::new();
    for n in 1..=20 {
        text.push_str(&format!("http://b{n:02}.example/x\n"));
    }
    s.file("twenty.txt", text.as_bytes());
    let out = iocs(&s, &["export", "--to", "zeek", "twenty.txt"]);
    let err = stderr(&out);
    assert_eq!(err.matches(": scheme dropped\n").count(), 20, "{err}");
    assert!(!err.contains("not listed"), "{err}");
    assert!(err.ends_with("(0 left out, 20 changed)\n"), "{err}");
}

#[test]
fn export_leaves_out_a_value_with_a_line_break_and_keeps_the_rest() {
    let s = Setup::new();
    let mut objs = vec![
        r#"{"type":"file","id":"file--nl","name":"a\nb.exe"}"#.to_string(),
        // Near miss: a backslash and an `n` in a URL path is one line.
        r#"{"type":"url","id":"url--bs","value":"http://evil.example/a\\nb"}"#
            .into(),
    ];
    for n in 1..=5 {
        objs.push(format!(
            r#"{{"type":"file","id":"file--{n}","name":"z{n}.exe"}}"#
        ));
    }
    let bundle =
        format!(r#"{{"type":"bundle","objects":[{}]}}"#, objs.join(","));
    s.file("nl.json", bundle.as_bytes());
    // The five plain names, one row each.
    let rows = |before: &str, sep: &str| -> String {
        (1..=5)
            .map(|n| format!("{before}z{n}.exe{sep}nl.json#file--{n}\n"))
            .collect()
    };
    let want = [
        (
            "text",
            "# iocsweep export\n# url\nhttp://evil.example/a\\nb\n\
             # filename\nz1.exe\nz2.exe\nz3.exe\nz4.exe\nz5.exe\n"
                .to_string(),
        ),
        (
            "csv",
            format!(
                "kind,indicator,sources\n\
                 url,http://evil.example/a\\nb,nl.json#url--bs\n{}",
                rows("filename,", ",")
            ),
        ),
        (
            "zeek",
            format!(
                "#fields\tindicator\tindicator_type\tmeta.source\n\
                 evil.example/a\\nb\tIntel::URL\tnl.json#url--bs\n{}",
                rows("", "\tIntel::FILE_NAME\t")
            ),
        ),
    ];
    for (to, text) in want {
        let out = iocs(&s, &["export", "--to", to, "nl.json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), text, "{to}");
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "iocsweep: left out of the {to} export: filename a\\nb.exe: \
                 it holds a line break, and a {to} export writes one value \
                 a line; stix2 can hold it\n"
            )),
            "{err}"
        );
        // Zeek writes the URL without its scheme.
        let changed = if to == "zeek" { ", 1 changed" } else { "" };
        assert!(
            err.contains(&format!(
                "iocsweep: exported 6 indicators as {to} (1 left out{changed})\n"
            )),
            "{err}"
        );
        assert!(!err.contains("does not read back"), "{err}");
    }
    let out = iocs(&s, &["export", "--to", "stix2", "nl.json"]);
    assert!(
        stderr(&out).contains("exported 7 indicators as stix2 (0 left out)")
    );
    assert!(
        stdout(&out).contains(r#""pattern": "[file:name = 'a\nb.exe']","#)
    );
}

#[test]
fn export_escapes_control_characters_in_indicator_file_names() {
    let s = Setup::new();
    s.file("a\nb\u{1b}[31mred.txt", b"evil.example\n");
    // Near miss: a name with a space and a letter outside ASCII.
    s.file("caf\u{e9} b.txt", b"other.example\n");
    let files = ["a\nb\u{1b}[31mred.txt", "caf\u{e9} b.txt"];
    let want = [
        (
            "csv",
            "kind,indicator,sources\n\
             domain,evil.example,a\\nb\\x1b[31mred.txt:1\n\
             domain,other.example,caf\u{e9} b.txt:1\n",
        ),
        (
            "zeek",
            "#fields\tindicator\tindicator_type\tmeta.source\n\
             evil.example\tIntel::DOMAIN\ta\\nb\\x1b[31mred.txt:1\n\
             other.example\tIntel::DOMAIN\tcaf\u{e9} b.txt:1\n",
        ),
    ];
    for (to, text) in want {
        let out = iocs(&s, &[&["export", "--to", to][..], &files].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(stdout(&out), text, "{to}");
        assert!(!out.stderr.contains(&0x1b), "{to}");
    }
    // `iocs list` names the file the same way.
    let out = iocs(&s, &[&["list"][..], &files].concat());
    assert!(stdout(&out).contains("\ta\\nb\\x1b[31mred.txt:1\n"));
}

/// Returns the corpus folder, or `None` (with a note) when it is absent.
fn corpus() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/iocs");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("corpus not found at {}, skipping", dir.display());
    None
}

/// Returns the value a Zeek intel file holds for `v`.
fn zeek_form(v: &Value) -> Value {
    match v {
        Value::Ipv4(a, Some(_)) => Value::Ipv4(*a, None),
        Value::Ipv6(a, Some(_)) => Value::Ipv6(*a, None),
        Value::Url(u) => {
            let mut u = u.clone();
            u.scheme = None;
            Value::Url(u)
        }
        v => v.clone(),
    }
}

#[test]
fn corpus_stix2_and_cisa_sets_export_and_load_back_the_same() {
    let Some(dir) = corpus() else { return };
    let mut paths = vec![dir.join("stix2")];
    for adv in ["AA25-203A", "AA25-239A", "AA26-097A", "AA26-204A"] {
        paths.push(dir.join(format!("cisa/cisa_{adv}.stix2.json")));
    }
    let loaded = load_paths(&paths, LoadOptions::default());
    // The per-file counts load_corpus pins add up to this: no value is
    // in two of these files.
    assert_eq!(loaded.set.len(), 762);
    let now = Stamp { secs: 1_796_396_300, nanos: 0 };
    for to in [Target::Text, Target::Csv, Target::Zeek, Target::Stix2] {
        let e = export(&loaded.set, to, now);
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("export".into(), e.text.as_bytes());
        let back = l.finish();
        assert!(!back.has_errors(), "{}: {:?}", to.name(), back.problems);
        let left: BTreeSet<&String> =
            e.left_out.iter().map(|(v, _)| v).collect();
        let want: BTreeSet<String> = loaded
            .set
            .iter()
            .map(|(_, i)| (i.kind(), &i.value))
            .filter(|(k, v)| !left.contains(&format!("{k} {v}")))
            .map(|(_, v)| {
                let v =
                    if to == Target::Zeek { zeek_form(v) } else { v.clone() };
                format!("{} {v}", v.kind())
            })
            .collect();
        assert_eq!(values(&back.set), want, "{}", to.name());
        let strings = loaded
            .set
            .iter()
            .filter(|(_, i)| matches!(i.value, Value::String(_)));
        match to {
            Target::Csv | Target::Stix2 => {
                assert!(
                    e.left_out.is_empty(),
                    "{}: {:?}",
                    to.name(),
                    e.left_out
                )
            }
            Target::Zeek => assert_eq!(e.left_out.len(), strings.count()),
            Target::Text => assert!(e.left_out.len() >= strings.count()),
        }
    }
}

#[test]
fn check_gives_an_account_of_each_corpus_file() {
    let Some(dir) = corpus() else { return };
    let s = Setup::new();
    let path = dir.display().to_string();
    let out = iocs(&s, &["check", "--format", "jsonl", &path]);
    // Prose lines in the report tables are entries not loaded.
    assert_eq!(out.status.code(), Some(2));
    let files: Vec<serde_json::Value> =
        records(&out).into_iter().filter(|r| r["type"] == "file").collect();
    let find = |name: &str| {
        files
            .iter()
            .find(|f| f["file"].as_str().unwrap().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not listed"))
            .clone()
    };
    let f = find("cisa/cisa_AA26-097A.stix2.json");
    assert_eq!(f["format"], "stix2");
    assert_eq!(f["entries"], 21);
    assert_eq!(f["indicators"], serde_json::json!({"ipv4": 21}));
    let f = find("zeek-intel/criticalpath_gru-aa25.intel");
    assert_eq!(f["indicators"], serde_json::json!({"ipv4": 65, "domain": 57}));
    // Expired indicators are still accounted to their file.
    let f = find("stix2/elastic_ghostengine_stix-bundle.json");
    assert_eq!(
        f["indicators"],
        serde_json::json!({"ipv4": 2, "domain": 3, "md5": 12, "sha1": 12, "sha256": 12})
    );
    let expired = records(&out)
        .iter()
        .filter(|r| r["class"] == "expired")
        .filter(|r| r["sources"][0].as_str().unwrap().contains("ghostengine"))
        .count();
    // Two of its 41 are also in signature-base's hash list, which sets no
    // end of validity: those are still current.
    assert_eq!(expired, 39);
    let current = records(&out)
        .iter()
        .filter(|r| r["type"] == "finding" && r["class"] != "duplicate")
        .any(|r| r["indicator"] == "d25340ae8e92a6d29f599fef426a2bc1b5217299");
    assert!(!current);
    let md =
        files.iter().any(|f| f["file"].as_str().unwrap().ends_with(".md"));
    assert!(!md, "documentation is not an indicator file");
}
