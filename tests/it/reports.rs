//! Report outputs: every format against golden files made from the
//! synthetic corpus in `tests/data/reports/`, log lines built to attack
//! spreadsheets, terminals and browsers, the audit manifest checked
//! field by field (input hashes against `sha256sum`), a sweep stopped by
//! SIGTERM, and a closed output pipe.
//!
//! `UPDATE_GOLDEN=1 cargo test --release --test it golden` rewrites the
//! golden files from the current output; review the diff before
//! committing it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use crate::encode::gzip;

/// The binary under test.
const BIN: &str = env!("CARGO_BIN_EXE_iocsweep");

/// Returns the folder of the report corpus.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/reports")
}

/// Runs `iocsweep sweep --iocs iocs.txt logs` in the corpus folder with
/// `args`.
fn sweep_corpus(args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(corpus())
        .args(["sweep", "--iocs", "iocs.txt", "logs", "-j", "2"])
        .args(args)
        .output()
        .unwrap()
}

/// Compares `actual` with the golden file `name`, or rewrites it when
/// `UPDATE_GOLDEN` is set.
fn golden(name: &str, actual: &str) {
    let path = corpus().join("golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; run with UPDATE_GOLDEN=1", path.display())
    });
    assert!(
        want == actual,
        "{name} differs from its golden file; if the change is meant, \
         run UPDATE_GOLDEN=1 cargo test --release --test it golden\n\
         --- want\n{want}\n--- got\n{actual}"
    );
}

/// Replaces what changes from run to run in a text: the temporary
/// folder and the binary's path.
fn stable(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[out]").replace(BIN, "iocsweep")
}

/// Sets the given keys of a JSON object to `"<masked>"`.
fn mask(v: &mut Value, keys: &[&str]) {
    for k in keys {
        if let Some(x) = v.get_mut(*k) {
            *x = "<masked>".into();
        }
    }
}

#[test]
fn golden_record_formats() {
    let dir = tempfile::tempdir().unwrap();
    for (format, file) in [
        ("jsonl", "hits.jsonl"),
        ("csv", "hits.csv"),
        ("text", "hits.txt"),
        ("ecs", "hits.ecs.jsonl"),
    ] {
        let out = sweep_corpus(&["--format", format, "--color", "never"]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let mut text = String::from_utf8(out.stdout).unwrap();
        if format == "ecs" {
            let lines: Vec<String> = text
                .lines()
                .map(|l| {
                    let mut v: Value = serde_json::from_str(l).unwrap();
                    // A line without a time has the sweep's own time,
                    // which changes from run to run; a line's time stays.
                    let created = v["event"]["created"].clone();
                    if v["@timestamp"] == created {
                        mask(&mut v, &["@timestamp"]);
                    }
                    mask(&mut v["event"], &["created"]);
                    v.to_string()
                })
                .collect();
            text = lines.join("\n") + "\n";
        }
        golden(file, &stable(&text, dir.path()));
    }
}

#[test]
fn golden_summary_report_and_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let (s, r, m) = (
        dir.path().join("summary.json"),
        dir.path().join("report.html"),
        dir.path().join("manifest.json"),
    );
    let out = sweep_corpus(&[
        "-o",
        dir.path().join("hits.jsonl").to_str().unwrap(),
        "--summary",
        s.to_str().unwrap(),
        "--report",
        r.to_str().unwrap(),
        "--manifest",
        m.to_str().unwrap(),
        "--hash-inputs",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    golden("summary.json", &std::fs::read_to_string(&s).unwrap());

    let manifest = std::fs::read_to_string(&m).unwrap();
    let mut doc: Value = serde_json::from_str(&manifest).unwrap();
    let volatile: Vec<String> = ["started", "ended", "operator", "host"]
        .iter()
        .map(|k| doc[*k].as_str().unwrap().to_string())
        .chain(
            doc["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["modified"].as_str().unwrap().to_string()),
        )
        .collect();
    let mut html = std::fs::read_to_string(&r).unwrap();
    for k in ["Started", "Ended", "Operator", "Host"] {
        let head = format!("<tr><th>{k}</th><td>");
        let at = html.find(&head).unwrap() + head.len();
        let end = at + html[at..].find("</td>").unwrap();
        html.replace_range(at..end, "&lt;masked&gt;");
    }
    for v in &volatile[4..] {
        html = html.replace(v, "&lt;masked&gt;");
    }
    golden("report.html", &stable(&html, dir.path()));

    mask(&mut doc, &["started", "ended", "operator", "host"]);
    for i in doc["inputs"].as_array_mut().unwrap() {
        mask(i, &["modified"]);
    }
    let text = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    golden("manifest.json", &stable(&text, dir.path()));
}

/// Returns the line of `text` that holds `needle`.
fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line holds {needle:?} in\n{text}"))
}

#[test]
fn hostile_lines_reach_csv_and_text_escaped() {
    let csv = sweep_corpus(&["--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).unwrap();
    let odd: Vec<&str> =
        csv.lines().filter(|l| l.starts_with("\"logs/odd.log\"")).collect();
    let want = [
        r#""'=HYPERLINK(""http://x"",""y"") 198.51.100.7""#,
        r#""'+cmd|' /C calc'!A0 198.51.100.7""#,
        r#""'@SUM(1) 198.51.100.7""#,
        r#""'-2+3 198.51.100.7""#,
        r#""\tlead 198.51.100.7""#,
        r#""\x1b[31mred\x1b[0m 198.51.100.7""#,
        r#""\x1b]0;title\x07 198.51.100.7""#,
        r#""x\u{202e}exe.txt 198.51.100.7""#,
        r#""zero\u{200b}width 198.51.100.7""#,
        r#""<script>alert(1)</script> 198.51.100.7""#,
        r#""""><img src=x onerror=alert(1)> 198.51.100.7""#,
    ];
    assert_eq!(odd.len(), want.len());
    for (line, cell) in odd.iter().zip(want) {
        assert!(line.ends_with(&format!(",{cell}")), "{line}\nwant {cell}");
    }
    // No raw control, bidi or zero-width character anywhere.
    assert!(!csv.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\t']));

    let out = sweep_corpus(&["--format", "text", "--color", "never"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        line_with(&text, "odd.log:6:"),
        "logs/odd.log:6: ipv4 198.51.100.7: \\x1b[31mred\\x1b[0m \
         [[198.51.100.7]]"
    );
    assert_eq!(
        line_with(&text, "odd.log:7:"),
        "logs/odd.log:7: ipv4 198.51.100.7: \\x1b]0;title\\x07 \
         [[198.51.100.7]]"
    );
    assert_eq!(
        line_with(&text, "odd.log:8:"),
        "logs/odd.log:8: ipv4 198.51.100.7: x\\u{202e}exe.txt \
         [[198.51.100.7]]"
    );
    assert_eq!(
        line_with(&text, "odd.log:9:"),
        "logs/odd.log:9: ipv4 198.51.100.7: zero\\u{200b}width \
         [[198.51.100.7]]"
    );
    assert_eq!(
        line_with(&text, "odd.log:5:"),
        "logs/odd.log:5: ipv4 198.51.100.7: \\tlead [[198.51.100.7]]"
    );
    assert!(!text.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\t']));

    let out = sweep_corpus(&["--format", "ecs"]);
    let ecs = String::from_utf8(out.stdout).unwrap();
    assert!(!ecs.contains(['\u{1b}', '\u{7}', '\u{202e}', '\u{200b}']));
    let doc: Value = serde_json::from_str(line_with(&ecs, "title")).unwrap();
    assert_eq!(doc["message"], "\u{1b}]0;title\u{7} 198.51.100.7");
}

/// Names of files that carry markup and terminal controls, each holding
/// a hit, for the HTML report. The first is a file in a folder, to have
/// its `/` in the path.
const HOSTILE_NAMES: [&str; 4] = [
    "<script>alert(1)</script>.log",
    "\"><img src=x onerror=alert(1)>.log",
    "x\u{202e}gol.exe",
    "\u{1b}[31mred.log",
];

#[test]
fn hostile_names_reach_the_html_report_escaped_and_it_parses() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\n").unwrap();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::create_dir(d.join("in/<script>alert(1)<")).unwrap();
    for name in HOSTILE_NAMES {
        std::fs::write(d.join("in").join(name), "x 198.51.100.7\n").unwrap();
    }
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "in", "-o", "hits.jsonl"])
        .args(["--report", "r.html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    for want in [
        "<code>in/&lt;script&gt;alert(1)&lt;/script&gt;.log</code>",
        "<code>in/&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.log</code>",
        "<code>in/x\\u{202e}gol.exe</code>",
        "<code>in/\\x1b[31mred.log</code>",
    ] {
        assert!(html.contains(want), "{want} not in\n{html}");
    }
    assert!(!html.contains(['\u{1b}', '\u{202e}']));
    no_external_reference(&html);

    let page = scraper::Html::parse_document(&html);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    assert_eq!(page.select(&sel("script")).count(), 0);
    assert_eq!(page.select(&sel("img")).count(), 0);
    // The names come back whole as text, shown with their escapes.
    let cells: Vec<String> = page
        .select(&sel("code"))
        .map(|c| c.text().collect::<String>())
        .collect();
    assert!(cells.contains(&"in/<script>alert(1)</script>.log".to_string()));
    assert!(
        cells.contains(&"in/\"><img src=x onerror=alert(1)>.log".to_string())
    );
}

/// Asserts that a page loads nothing from anywhere.
fn no_external_reference(html: &str) {
    let lower = html.to_ascii_lowercase();
    for bad in
        ["src=\"", "src='", "href=", "@import", "url(", "<link", "<script"]
    {
        assert!(!lower.contains(bad), "{bad} in the report");
    }
    assert!(!lower.contains("http://") && !lower.contains("https://"));
}

#[test]
fn the_golden_report_parses_and_loads_nothing() {
    let html =
        std::fs::read_to_string(corpus().join("golden/report.html")).unwrap();
    let page = scraper::Html::parse_document(&html);
    assert!(page.errors.is_empty(), "{:?}", page.errors);
    // The corpus's URL indicator is shown as text; nothing refers to it.
    let text = html.replace("http://bad.example/dl/payload.bin", "");
    no_external_reference(&text);
}

/// Returns `sha256sum`'s digest of `path`, or `None` if the tool is
/// missing.
fn sha256sum(path: &Path) -> Option<String> {
    let out = Command::new("sha256sum").arg(path).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    Some(text.split_whitespace().next()?.to_string())
}

/// Returns the SHA-256 of `bytes` in hex.
fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Sets a file's modification time to an hour ago, so it is mapped.
fn age(path: &Path) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let then =
        std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    f.set_times(std::fs::FileTimes::new().set_modified(then)).unwrap();
}

#[test]
fn the_manifest_names_everything_and_hashes_match_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\nnot an indicator!\n")
        .unwrap();
    let small = b"a 198.51.100.7\nb\n".to_vec();
    let big: Vec<u8> = b"conn 198.51.100.7 ok\n"
        .iter()
        .copied()
        .cycle()
        .take(600_000)
        .collect();
    let zipped = gzip(b"x\ny 198.51.100.7\n");
    std::fs::write(d.join("small.log"), &small).unwrap();
    std::fs::write(d.join("big.log"), &big).unwrap();
    age(&d.join("big.log"));
    std::fs::write(d.join("z.log.gz"), &zipped).unwrap();
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "--hash-inputs", "-o", "h"])
        .args(["--manifest", "m.json", "small.log", "big.log", "z.log.gz"])
        .arg("missing.log")
        .output()
        .unwrap();
    // A missing input and a bad indicator entry: status 2.
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();

    assert_eq!(m["tool"]["name"], "iocsweep");
    assert_eq!(m["tool"]["version"], env!("CARGO_PKG_VERSION"));
    let argv: Vec<&str> = m["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(argv[0], BIN);
    assert_eq!(argv.last(), Some(&"missing.log"));
    assert_eq!(argv.len(), 13);
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .ok()
        .filter(|u| !u.is_empty());
    if let Some(user) = user {
        assert_eq!(m["operator"], user.as_str());
    }
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname");
    if let Ok(host) = host {
        assert_eq!(m["host"], host.trim());
    }
    let (started, ended) =
        (m["started"].as_str().unwrap(), m["ended"].as_str().unwrap());
    assert!(started.ends_with('Z') && started.len() >= 20, "{started}");
    assert!(started <= ended, "{started} > {ended}");
    assert_eq!(m["status"], "complete");
    assert!(m.get("interrupted").is_none());
    assert_eq!(m["exit_status"], 2);
    assert_eq!(m["inputs_hashed"], true);

    let iocs = std::fs::read(d.join("iocs.txt")).unwrap();
    assert_eq!(
        m["indicator_files"],
        serde_json::json!([{
            "file": "iocs.txt", "sha256": sha256(&iocs), "size": iocs.len(),
            "format": "text", "loaded": true, "values": 1, "errors": 1,
            "warnings": 0,
        }])
    );
    assert_eq!(
        m["indicators"],
        serde_json::json!({"loaded": 1, "by_kind": {"ipv4": 1}})
    );

    let inputs = m["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 3, "the missing path is no input");
    let expect = [
        ("small.log", &small, Value::Null, 2, 1),
        // 28571 whole lines of 21 bytes, then 9 bytes of a last line.
        ("big.log", &big, Value::Null, 28_572, 28_571),
        ("z.log.gz", &zipped, "gzip".into(), 2, 1),
    ];
    for (input, (name, bytes, compression, lines, hits)) in
        inputs.iter().zip(expect)
    {
        assert_eq!(input["path"], name);
        assert_eq!(input["size"], bytes.len());
        let modified = input["modified"].as_str().unwrap();
        assert!(modified.ends_with('Z'), "{modified}");
        assert_eq!(input["status"], "swept");
        assert_eq!(input["compression"], compression);
        assert_eq!(input["lines_swept"], lines, "{name}");
        assert_eq!(input["hits"], hits, "{name}");
        let digest = input["sha256"].as_str().unwrap();
        assert_eq!(digest, sha256(bytes), "{name}");
        if let Some(theirs) = sha256sum(&d.join(name)) {
            assert_eq!(digest, theirs, "{name} against sha256sum");
        }
        assert_eq!(input["sha256_bytes"], bytes.len());
    }
    assert_eq!(inputs[0]["bytes_swept"], small.len());
    assert_eq!(inputs[1]["bytes_swept"], big.len());
    assert_eq!(inputs[2]["bytes_swept"], 17, "decompressed bytes");
    assert!(m["walk_errors"][0]["path"] == "missing.log");
    let t = &m["totals"];
    assert_eq!(t["inputs"], 3);
    assert_eq!(t["hits"], 2 + 28_571);
    assert_eq!(t["errors"], 2);
    assert_eq!(
        t["errors_summary"],
        "2 errors: 1 path not found, 1 indicator file with errors \
         (1 entry not loaded)"
    );
}

#[test]
fn a_tar_archive_is_hashed_whole_with_its_members_listed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\n").unwrap();
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in [("a.log", &b"198.51.100.7\n"[..]), ("b.log", b"no\n")]
    {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        b.append_data(&mut h, name, data).unwrap();
    }
    let archive = gzip(&b.into_inner().unwrap());
    std::fs::write(d.join("t.tar.gz"), &archive).unwrap();
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "--hash-inputs", "-o", "h"])
        .args(["--manifest", "m.json", "t.tar.gz"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    let i = &m["inputs"][0];
    assert_eq!(i["path"], "t.tar.gz");
    assert_eq!(i["sha256"], sha256(&archive));
    assert_eq!(i["sha256_bytes"], archive.len());
    assert_eq!(i["status"], "swept");
    let members: Vec<(&str, u64)> = i["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["member"].as_str().unwrap(), m["hits"].as_u64().unwrap()))
        .collect();
    assert_eq!(members, [("t.tar.gz:a.log", 1), ("t.tar.gz:b.log", 0)]);
}

/// Waits for `child` to end; kills it and fails with `why` if it has
/// not within 30 seconds (a hang fails the test, with no timing claim).
fn wait_at_most_30s(
    child: &mut std::process::Child,
    why: &str,
) -> std::process::ExitStatus {
    let deadline =
        std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("{why}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn sigterm_while_indicators_load_ends_the_process_at_once() {
    use std::os::unix::process::ExitStatusExt;

    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(d.join("a.log"), "198.51.100.7\n").unwrap();
    // Named as the indicator file, a FIFO nobody writes to blocks the
    // load as long as it is open.
    let fifo = d.join("iocs");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo keeps no pointer.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let mut child = Command::new(BIN)
        .current_dir(&d)
        .args(["sweep", "--iocs", "iocs", "--manifest", "m.json", "a.log"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    // SAFETY: signalling our own child by its id.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = wait_at_most_30s(
        &mut child,
        "SIGTERM did not end a load blocked on a FIFO",
    );
    // Nothing was swept: the default action ends it, and no manifest
    // claims a sweep that never began.
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert!(!d.join("m.json").exists());
}

#[test]
fn sigterm_stops_cleanly_with_every_hit_so_far_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\n").unwrap();
    std::fs::write(d.join("after.log"), "198.51.100.7\n").unwrap();
    let fifo = d.join("feed");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo keeps no pointer.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);

    let mut child = Command::new(BIN)
        .current_dir(&d)
        .args(["sweep", "--iocs", "iocs.txt", "--format", "jsonl"])
        .args(["--manifest", "m.json", "feed", "after.log"])
        .args(["--summary", "s.json", "--report", "r.html"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Every line is a hit. The writer keeps the FIFO open afterwards, so
    // the sweep waits for more in the middle of its input.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::File::options().write(true).open(&fifo).unwrap();
        for i in 0..100_000 {
            // The sweep may stop before it read everything.
            if writeln!(f, "{i} conn 198.51.100.7").is_err() {
                break;
            }
        }
        let _ = f.flush();
        let _ = done_rx.recv();
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains("198.51.100.7"), "{first}");
    // SAFETY: signalling our own child by its id.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let _ = done_tx.send(());
    writer.join().unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(143), "{err}");

    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    assert_eq!(m["status"], "interrupted");
    assert_eq!(m["exit_status"], 143);
    let stop = &m["interrupted"];
    assert_eq!(stop["signal"], "SIGTERM");
    assert_eq!(stop["last_completed"], Value::Null);
    assert_eq!(stop["in_progress"]["path"], "feed");
    let lines = stop["in_progress"]["lines_swept"].as_u64().unwrap();
    assert!(lines > 0 && lines < 100_000, "{lines}");
    assert_eq!(m["inputs"][0]["status"], "interrupted");
    assert_eq!(m["inputs"][1]["status"], "not swept");

    // Every hit of every line swept, in order, and nothing else.
    let all = first + &rest;
    let got: Vec<u64> = all
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["line"].as_u64().unwrap()
        })
        .collect();
    let want: Vec<u64> = (1..=lines).collect();
    assert_eq!(got, want);
    assert!(err.contains("interrupted by SIGTERM"), "{err}");

    // The summary and the report are written too, and say so.
    let s: Value =
        serde_json::from_slice(&std::fs::read(d.join("s.json")).unwrap())
            .unwrap();
    assert_eq!(s["hits"], lines);
    let html = std::fs::read_to_string(d.join("r.html")).unwrap();
    assert!(html.contains("<tr><th>Status</th><td>interrupted</td></tr>"));
    assert!(html.contains("<tr><th>Stopped by</th><td>SIGTERM"), "{html}");
}

/// Starts a sweep of a FIFO whose writer sends `lines` hits and keeps it
/// open, so the sweep waits in the middle of its input; returns the
/// child, its folder, and the sender that lets the writer close.
fn sweep_waiting_on_a_fifo(
    lines: usize,
) -> (
    std::process::Child,
    tempfile::TempDir,
    std::sync::mpsc::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\n").unwrap();
    let fifo = d.join("feed");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo keeps no pointer.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let child = Command::new(BIN)
        .current_dir(&d)
        .args(["sweep", "--iocs", "iocs.txt", "--format", "jsonl"])
        .args(["--manifest", "m.json", "feed"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut f = std::fs::File::options().write(true).open(&fifo).unwrap();
        for i in 0..lines {
            if writeln!(f, "{i} conn 198.51.100.7").is_err() {
                break;
            }
        }
        let _ = f.flush();
        let _ = done_rx.recv();
    });
    (child, dir, done_tx, writer)
}

/// `timeout` sends its signal to the process and then to its process
/// group: the two arrive together and are one request to stop.
#[test]
fn a_stop_signal_sent_twice_at_once_still_stops_cleanly() {
    // More than one 256 KiB piece of the stream, so some is swept.
    let (mut child, dir, done, writer) = sweep_waiting_on_a_fifo(100_000);
    // Time to read them, then wait for more.
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: signalling our own child by its id.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let mut all = String::new();
    child.stdout.take().unwrap().read_to_string(&mut all).unwrap();
    let status = child.wait().unwrap();
    let _ = done.send(());
    writer.join().unwrap();
    assert_eq!(status.code(), Some(143));
    let m: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("m.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["status"], "interrupted");
    assert_eq!(m["interrupted"]["signal"], "SIGTERM");
    let lines = m["interrupted"]["in_progress"]["lines_swept"].as_u64();
    let lines = lines.unwrap();
    assert!(lines > 0 && lines < 100_000, "{lines}");
    assert_eq!(all.lines().count() as u64, lines);
}

/// A sweep blocked after the first signal (here on an output pipe nobody
/// reads) can still be ended by a second signal sent later.
#[test]
fn a_second_signal_a_second_later_ends_the_process_at_once() {
    use std::os::unix::process::ExitStatusExt;

    // Far more records than a pipe holds: the sweep blocks writing them.
    let (mut child, dir, done, writer) = sweep_waiting_on_a_fifo(100_000);
    std::thread::sleep(std::time::Duration::from_millis(500));
    // SAFETY: signalling our own child by its id.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(child.try_wait().unwrap().is_none(), "not blocked on output");
    // SAFETY: as above.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let status = wait_at_most_30s(
        &mut child,
        "a second SIGTERM did not end a blocked sweep",
    );
    let _ = done.send(());
    writer.join().unwrap();
    assert_eq!(status.signal(), Some(libc::SIGTERM));
    assert!(!dir.path().join("m.json").exists());
}

#[test]
fn a_closed_output_pipe_ends_the_sweep_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\n").unwrap();
    let data = "conn 198.51.100.7\n".repeat(200_000);
    std::fs::write(d.join("a.log"), data).unwrap();
    let mut child = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "a.log", "--manifest", "m.json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("pipe") && !err.contains("error"), "{err}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    assert_eq!(m["status"], "output closed");
    assert_eq!(m["exit_status"], 0);
    // The input whose records met the closed pipe is told as far as it
    // was read, not as never swept.
    let input = &m["inputs"][0];
    assert_eq!(input["status"], "interrupted", "{input}");
    assert_eq!(m["totals"]["inputs"], 1, "{m}");
    // Its counts are at least what the hits given show, and agree with
    // the totals.
    let hits = input["hits"].as_u64().unwrap();
    assert!(hits > 0, "{input}");
    assert_eq!(m["totals"]["hits"], hits, "{m}");
    let lines = input["lines_swept"].as_u64().unwrap();
    assert!(lines >= hits, "{input}");
    assert_eq!(m["totals"]["lines"], lines, "{m}");
    let bytes = input["bytes_swept"].as_u64().unwrap();
    assert!(bytes >= lines * 17, "{input}");
    assert_eq!(m["totals"]["bytes"], bytes, "{m}");
}

#[test]
fn no_progress_bar_when_standard_error_is_no_terminal() {
    let out = sweep_corpus(&["--format", "jsonl"]);
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains('\r') && !err.contains('\u{1b}'), "{err}");
    assert!(err.lines().all(|l| l.starts_with("iocsweep: ")), "{err}");
}

/// The allowlist wraps the reporter: input hashes must still reach the
/// manifest through it.
#[test]
fn an_allowlist_keeps_the_manifests_input_hashes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.0/24\n").unwrap();
    std::fs::write(d.join("allow.txt"), "198.51.100.5\n").unwrap();
    let log = b"a 198.51.100.5\nb 198.51.100.6\n";
    std::fs::write(d.join("fw.log"), log).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(d)
        .args(["sweep", "--format", "jsonl", "--iocs", "iocs.txt"])
        .args(["--allow", "allow.txt", "--hash-inputs"])
        .args(["--manifest", "m.json", "fw.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let hits = String::from_utf8(out.stdout).unwrap();
    assert_eq!(hits.lines().count(), 1, "{hits}");
    assert!(hits.contains("\"matched\":\"198.51.100.6\""), "{hits}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    let input = &m["inputs"][0];
    assert_eq!(input["path"], "fw.log");
    assert_eq!(input["sha256"], sha256(log));
    assert_eq!(input["sha256_bytes"], log.len());
    // The allowlist is named and hashed like an indicator file, and what
    // it left out is counted: the record of legal asks what was not
    // reported and why.
    let allow = &m["allowlist_files"][0];
    assert_eq!(allow["file"], "allow.txt");
    assert_eq!(allow["sha256"], sha256(b"198.51.100.5\n"));
    assert_eq!(allow["values"], 1);
    assert_eq!(m["totals"]["hits_allowed"], 1);
    assert_eq!(m["totals"]["indicators_allowed"], 0);
    assert_eq!(m["totals"]["hits"], 1);
}

#[test]
fn the_manifest_tells_the_time_window_and_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.6\nevil.example\n")
        .unwrap();
    std::fs::write(d.join("allow.txt"), "evil.example\n").unwrap();
    let log = "2025-06-01T00:00:00Z conn 198.51.100.6\n\
               2026-06-01T00:00:00Z conn 198.51.100.6\n\
               2026-06-01T00:00:01Z conn evil.example\n";
    std::fs::write(d.join("fw.log"), log).unwrap();
    std::fs::write(d.join("b.log"), "no time here 198.51.100.6\n").unwrap();
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--format", "jsonl", "--iocs", "iocs.txt"])
        .args(["--allow", "allow.txt", "--since", "2026-01-01"])
        .args(["--until", "2026-12-01T00:00:00Z", "--manifest", "m.json"])
        .args(["fw.log", "b.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let hits = String::from_utf8(out.stdout).unwrap();
    assert_eq!(hits.lines().count(), 2, "{hits}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    assert_eq!(m["window"]["since"], "2026-01-01T00:00:00Z");
    assert_eq!(m["window"]["until"], "2026-12-01T00:00:00Z");
    let t = &m["totals"];
    assert_eq!(t["hits"], 2);
    assert_eq!(t["hits_outside_window"], 1);
    assert_eq!(t["untimed_hits_kept"], 1);
    // The listed domain was taken out before the sweep.
    assert_eq!(t["indicators_allowed"], 1);
    assert_eq!(t["hits_allowed"], 0);
    assert_eq!(m["allowlist_files"][0]["file"], "allow.txt");

    // Near miss: without either, the window is null and nothing is
    // counted as left out.
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "--manifest", "m2.json"])
        .arg("fw.log")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m2.json")).unwrap())
            .unwrap();
    assert_eq!(m["window"], serde_json::json!({"since": null, "until": null}));
    assert_eq!(m["allowlist_files"], serde_json::json!([]));
    assert_eq!(m["totals"]["hits_outside_window"], 0);
    assert_eq!(m["totals"]["hits_allowed"], 0);
}

/// Names that are not UTF-8, in the manifest: the indicator file hashed
/// is the one read, not another file its escaped name spells, and the
/// command line writes the bytes as the names do, `\xNN`.
#[cfg(unix)]
#[test]
fn manifest_names_and_hashes_files_whose_names_are_not_utf8() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let odd = OsStr::from_bytes(b"iocs\xff.txt");
    std::fs::write(d.join(odd), "198.51.100.7\n").unwrap();
    // A file whose name spells the escape: never read, never hashed.
    std::fs::write(d.join("iocs\\xFF.txt"), "203.0.113.9\n").unwrap();
    std::fs::write(d.join("a.log"), "x 198.51.100.7\n").unwrap();
    let out = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "-q", "--manifest", "m.json", "--iocs"])
        .arg(odd)
        .arg("a.log")
        .output()
        .unwrap();
    // One hit: status 1.
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let m: Value =
        serde_json::from_slice(&std::fs::read(d.join("m.json")).unwrap())
            .unwrap();
    let f = &m["indicator_files"][0];
    assert_eq!(f["file"], "iocs\\xFF.txt");
    // The digest of the bytes read, not of the file the escape spells.
    assert_eq!(f["sha256"], sha256(b"198.51.100.7\n"));
    assert_eq!(f["size"], 13);
    let argv: Vec<&str> = m["command_line"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(argv[argv.len() - 2], "iocs\\xFF.txt");
}

/// Standard error closed early (`2>&1 | head -1`): the sweep ends with
/// its own status, not a panic's 101.
#[test]
fn a_closed_standard_error_does_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("iocs.txt"), "198.51.100.7\nbad..v\n").unwrap();
    std::fs::write(d.join("a.log"), "x 198.51.100.7\n").unwrap();
    let mut child = Command::new(BIN)
        .current_dir(d)
        .args(["sweep", "--iocs", "iocs.txt", "a.log"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    // A bad entry and a hit: status 2, as with standard error open.
    assert_eq!(child.wait().unwrap().code(), Some(2));
}
