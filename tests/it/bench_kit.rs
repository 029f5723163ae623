//! Smoke test of the benchmark kit (`benches/kit`): a tiny corpus is
//! generated, swept by the built binary, and the hit records must equal
//! the truth exactly. Times are never asserted here.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;
use std::process::Command;

#[path = "../../benches/kit/mod.rs"]
#[allow(dead_code, reason = "the test uses part of the kit")]
mod kit;

use kit::check::{self, Detail, Key};
use kit::iocs::Kind;
use kit::plant::Form;

/// Total size of the smoke corpus.
const SIZE: u64 = 200 * 1024;
/// Indicators in the smoke set.
const IOCS: usize = 300;

fn generate(dir: &Path) -> kit::Summary {
    let cfg = kit::Config {
        out: dir.to_path_buf(),
        size: SIZE,
        seed: 3,
        sets: vec![IOCS],
    };
    kit::generate(&cfg).expect("the kit writes a corpus")
}

#[test]
fn same_seed_gives_identical_files() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path());
    generate(b.path());
    for name in ["iocs.txt", "truth.jsonl", "planted.jsonl", "logs/dns.log"] {
        let x = fs::read(a.path().join(name)).unwrap();
        let y = fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{name} differs between two runs with one seed");
    }
    let size: u64 = fs::read_dir(a.path().join("logs"))
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!((SIZE..SIZE + SIZE / 10).contains(&size), "logs are {size} B");
}

#[test]
fn truth_holds_every_kind_and_every_decoy_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path());
    let truth = &summary.truths[0].1;
    let kinds: BTreeSet<Kind> = truth.iter().map(|t| t.kind).collect();
    for (kind, _) in Kind::MIX {
        assert!(kinds.contains(&kind), "no planted {} hit", kind.name());
    }
    let forms: BTreeSet<Form> =
        summary.placed.iter().map(|p| p.form).collect();
    for form in Form::PLANTS.iter().chain(&Form::DECOYS) {
        assert!(forms.contains(form), "no {} written", form.name());
    }
    let mut per_line = std::collections::BTreeMap::new();
    for t in truth {
        per_line
            .entry((&t.file, t.line))
            .or_insert_with(Vec::new)
            .push(t.kind);
    }
    let multi = |a: Kind, b: Kind| {
        per_line
            .values()
            .any(|k| k.contains(&a) && k.contains(&b) && k.len() > 1)
    };
    assert!(
        multi(Kind::Ipv4, Kind::Cidr),
        "no line hits an address and its range"
    );
    assert!(multi(Kind::Domain, Kind::Domain), "no line hits nested domains");
}

#[test]
fn checker_reports_every_sort_of_difference() {
    let rec = |line: u64, ind: &str, kind: &str| -> (Key, Detail) {
        let key = ("a.log".to_string(), line, ind.to_string());
        let d = Detail {
            kind: kind.into(),
            note: String::new(),
            text: String::new(),
        };
        (key, d)
    };
    let want = vec![
        rec(1, "x.top", "domain"),
        rec(2, "1.2.3.4", "ipv4"),
        rec(3, "y.top", "domain"),
    ];
    let got = vec![
        rec(2, "1.2.3.4", "cidr"),
        rec(3, "y.top", "domain"),
        rec(3, "y.top", "domain"),
        rec(4, "z.top", "domain"),
    ];
    let r = check::diff(want, got);
    assert_eq!(r.missing.len(), 1);
    assert_eq!(r.unexpected.len(), 1);
    assert_eq!(r.duplicated.len(), 1);
    assert_eq!(r.wrong_kind.len(), 1);
    assert!(!r.is_exact());
}

#[test]
fn sweep_writes_exactly_the_truth() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let out = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .arg("sweep")
        .arg("--iocs")
        .arg(dir.path().join("iocs.txt"))
        .args(["--format", "jsonl"])
        .arg(dir.path().join("logs"))
        .output()
        .expect("iocsweep runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit status; stderr: {stderr}");
    let hits = dir.path().join("hits.jsonl");
    fs::write(&hits, &out.stdout).unwrap();
    let r = check::compare(&dir.path().join("truth.jsonl"), &hits).unwrap();
    assert!(r.is_exact(), "hits differ from the truth:\n{}", describe(&r));
}

/// Lists the differences of a report, a few of each sort.
fn describe(r: &check::Report) -> String {
    let mut s = format!(
        "{} truth records, {} hit records\n",
        r.truth_records, r.hit_records
    );
    for ((f, l, i), d) in r.missing.iter().take(20) {
        s += &format!("missing {f}:{l} {} {i} ({})\n", d.kind, d.note);
    }
    for ((f, l, i), d) in r.unexpected.iter().take(20) {
        s += &format!("unexpected {f}:{l} {} {i}: {}\n", d.kind, d.text);
    }
    for (f, l, i) in r.duplicated.iter().take(20) {
        s += &format!("duplicated {f}:{l} {i}\n");
    }
    for ((f, l, i), want, got) in r.wrong_kind.iter().take(20) {
        s += &format!("wrong kind {f}:{l} {i}: want {want}, got {got}\n");
    }
    s
}
