//! Runs the matching-rule table (`tests/data/rules.txt`, format in
//! `tests/data/README.md`) through the built binary on every read path:
//! a small file (read), a file padded past 1 MiB with the case lines at
//! chunk boundaries (memory-mapped, several chunks), and standard input,
//! each with one and with four threads. Every run must give exactly the
//! records the table describes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// The sweep's chunk size (`sweep::Options::default`).
const CHUNK: usize = 256 * 1024;

#[derive(Debug, Default)]
struct Case {
    name: String,
    /// `(kind, raw, loaded)` per indicator-file line.
    iocs: Vec<(String, String, String)>,
    warns: Vec<String>,
    status: Option<i32>,
    lines: Vec<CaseLine>,
}

#[derive(Debug, Default)]
struct CaseLine {
    text: String,
    /// `(indicator, matched, column)`.
    hits: Vec<(String, String, usize)>,
}

fn parse_table(text: &str) -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        if raw.is_empty() || raw.starts_with('#') {
            continue;
        }
        let (key, rest) = raw.split_once(' ').unwrap_or((raw, ""));
        let at = format!("rules.txt:{}", n + 1);
        if key == "case" {
            cases.push(Case { name: rest.to_string(), ..Case::default() });
            continue;
        }
        let case = cases.last_mut().unwrap_or_else(|| panic!("{at}: no case"));
        let words: Vec<&str> = rest.split_whitespace().collect();
        match key {
            "ioc" => {
                let loaded = words.get(2).unwrap_or(&words[1]);
                case.iocs.push((
                    words[0].into(),
                    words[1].into(),
                    loaded.to_string(),
                ));
            }
            "warn" => case.warns.push(rest.into()),
            "status" => case.status = Some(rest.parse().expect(&at)),
            "line" => case
                .lines
                .push(CaseLine { text: rest.into(), hits: Vec::new() }),
            "hit" => {
                let line = case.lines.last_mut().expect(&at);
                let col = match words.get(2) {
                    Some(c) => c.parse().expect(&at),
                    None => line.text.find(words[1]).expect(&at),
                };
                line.hits.push((words[0].into(), words[1].into(), col));
            }
            _ => panic!("{at}: unknown keyword {key:?}"),
        }
    }
    cases
}

/// A log built from a case's lines: its bytes, and where each case line
/// starts (byte offset, 1-based line number).
struct Layout {
    bytes: Vec<u8>,
    at: Vec<(usize, u64)>,
}

impl Layout {
    /// The case lines one after the other.
    fn small(lines: &[CaseLine]) -> Layout {
        let mut l = Layout { bytes: Vec::new(), at: Vec::new() };
        for line in lines {
            l.place(&line.text);
        }
        l
    }

    /// The case lines among filler past 1 MiB, placed where the sweep cuts
    /// chunks: in turn straddling a cut target (so the line ends the
    /// chunk), right after such a cut (starting the next chunk), and with
    /// its line break exactly at a cut target.
    fn padded(lines: &[CaseLine]) -> Layout {
        let mut l = Layout { bytes: Vec::new(), at: Vec::new() };
        let mut chunk_start = 0;
        for (i, line) in lines.iter().enumerate() {
            let target = chunk_start + CHUNK;
            let len = line.text.len() + 1;
            match i % 3 {
                0 => {
                    l.fill_to(target - len / 2);
                    l.place(&line.text);
                    chunk_start = l.bytes.len();
                }
                1 => l.place(&line.text),
                _ => {
                    l.fill_to(target + 1 - len);
                    l.place(&line.text);
                    chunk_start = l.bytes.len();
                }
            }
        }
        l.fill_to(l.bytes.len().max(1 << 20) + 4000);
        l
    }

    fn place(&mut self, text: &str) {
        let line_no = self.bytes.iter().filter(|b| **b == b'\n').count();
        self.at.push((self.bytes.len(), line_no as u64 + 1));
        self.bytes.extend_from_slice(text.as_bytes());
        self.bytes.push(b'\n');
    }

    /// Appends filler lines so that the next line starts at `pos`.
    fn fill_to(&mut self, pos: usize) {
        const FILL: &[u8] = b"Dec  4 12:00:01 host sshd[42]: filler lorem \
            ipsum dolor sit amet consectetur adipiscing elit sed do";
        assert!(pos >= self.bytes.len(), "case lines overlap");
        let mut left = pos - self.bytes.len();
        while left > 0 {
            let n = left.min(FILL.len() + 1);
            self.bytes.extend_from_slice(&FILL[..n - 1]);
            self.bytes.push(b'\n');
            left -= n;
        }
    }
}

/// Returns the records a case should give with `layout`, read from
/// `path` (as named in records), with indicators from `iocs`.
fn expected(
    case: &Case,
    layout: &Layout,
    path: &str,
    iocs: &str,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (line, (start, line_no)) in case.lines.iter().zip(&layout.at) {
        for (indicator, matched, col) in &line.hits {
            let kind = case
                .iocs
                .iter()
                .find(|(_, _, loaded)| loaded == indicator)
                .map(|(k, _, _)| k.clone())
                .unwrap_or_else(|| panic!("{indicator} is no case ioc"));
            let sources: Vec<Value> = (1..)
                .zip(&case.iocs)
                .filter(|(_, (_, _, loaded))| loaded == indicator)
                .map(|(n, _)| json!({"file": iocs, "line": n}))
                .collect();
            out.push(json!({
                "path": path,
                "line": line_no,
                "offset": start + col,
                "kind": kind,
                "indicator": indicator,
                "matched": matched,
                "sources": sources,
                "text": line.text,
            }));
        }
    }
    sort(&mut out);
    out
}

fn sort(records: &mut [Value]) {
    records.sort_by_key(|r| {
        (r["line"].as_u64(), r["offset"].as_u64(), r["indicator"].to_string())
    });
}

/// What one run of the binary gave.
struct Run {
    stdout: Vec<u8>,
    stderr: String,
    status: Option<i32>,
}

/// Runs `iocsweep sweep` with `args`, feeding `stdin` through a pipe.
fn sweep(args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iocsweep"));
    cmd.arg("sweep").args(args);
    cmd.stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() });
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the iocsweep binary runs");
    let out = std::thread::scope(|s| {
        if let (Some(data), Some(mut pipe)) = (stdin, child.stdin.take()) {
            s.spawn(move || pipe.write_all(data).expect("write to stdin"));
        }
        child.wait_with_output().expect("the iocsweep binary finishes")
    });
    Run {
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code(),
    }
}

/// The rules are about what matches: the log kind every record carries
/// is checked to be there, then set aside with the time, fields and peer
/// (the logs tests check those).
fn parse_records(stdout: &[u8]) -> Vec<Value> {
    let text = std::str::from_utf8(stdout).expect("jsonl output is UTF-8");
    text.lines()
        .map(|l| {
            let mut r: Value =
                serde_json::from_str(l).expect("each output line is JSON");
            let o = r.as_object_mut().expect("a record is an object");
            assert!(o.remove("log").is_some_and(|l| l.is_string()), "{l}");
            o.remove("time");
            o.remove("fields");
            o.remove("peer");
            r
        })
        .collect()
}

/// Runs one case on one layout, from a file or from standard input, with
/// one and four threads; returns the failures.
fn run_layout(
    case: &Case,
    dir: &Path,
    name: &str,
    layout: &Layout,
    iocs: &str,
) -> Vec<String> {
    let log = dir.join(format!("{name}.log"));
    std::fs::write(&log, &layout.bytes).unwrap();
    let log = log.to_str().unwrap().to_string();
    let any_hit = case.lines.iter().any(|l| !l.hits.is_empty());
    let want_status = case.status.unwrap_or(i32::from(any_hit));
    let mut fails = Vec::new();
    for via_stdin in [false, true] {
        let (path, stdin) = if via_stdin {
            ("-", Some(layout.bytes.as_slice()))
        } else {
            (log.as_str(), None)
        };
        let want = expected(case, layout, path, iocs);
        let mut first: Option<Vec<u8>> = None;
        for threads in ["1", "4"] {
            let args = ["--iocs", iocs, "--format", "jsonl", "-j", threads];
            let run = sweep(&[&args[..], &[path]].concat(), stdin);
            let how = format!("{}: {name} {path} -j {threads}", case.name);
            let mut got = parse_records(&run.stdout);
            let lines: Vec<_> =
                got.iter().map(|r| r["line"].as_u64()).collect();
            if !lines.is_sorted() {
                fails.push(format!("{how}: records out of line order"));
            }
            sort(&mut got);
            if got != want {
                fails.push(format!(
                    "{how}: records differ\n  want {}\n  got  {}",
                    serde_json::to_string_pretty(&want).unwrap(),
                    serde_json::to_string_pretty(&got).unwrap()
                ));
            }
            if run.status != Some(want_status) {
                fails.push(format!(
                    "{how}: exit status {:?}, want {want_status}",
                    run.status
                ));
            }
            for w in &case.warns {
                if !run.stderr.contains(w.as_str()) {
                    fails.push(format!(
                        "{how}: stderr lacks {w:?}:\n{}",
                        run.stderr
                    ));
                }
            }
            match &first {
                None => first = Some(run.stdout),
                Some(f) if *f != run.stdout => {
                    fails.push(format!("{how}: output differs from -j 1"))
                }
                Some(_) => {}
            }
        }
    }
    fails
}

fn table() -> Vec<Case> {
    let path: PathBuf =
        [env!("CARGO_MANIFEST_DIR"), "tests", "data", "rules.txt"]
            .iter()
            .collect();
    parse_table(&std::fs::read_to_string(path).expect("rules.txt is there"))
}

#[test]
fn every_rule_on_every_read_path() {
    let cases = table();
    assert!(cases.len() >= 15, "the table lost cases");
    let mut fails = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let iocs = dir.path().join(format!("case{i}.iocs"));
        let list: String =
            case.iocs.iter().map(|(_, raw, _)| format!("{raw}\n")).collect();
        std::fs::write(&iocs, list).unwrap();
        let iocs = iocs.to_str().unwrap();
        let small = Layout::small(&case.lines);
        assert!(small.bytes.len() < CHUNK, "{}: not small", case.name);
        fails.extend(run_layout(case, dir.path(), "small", &small, iocs));
        let padded = Layout::padded(&case.lines);
        assert!(padded.bytes.len() > 1 << 20);
        fails.extend(run_layout(case, dir.path(), "padded", &padded, iocs));
    }
    assert!(
        fails.is_empty(),
        "{} failures:\n{}",
        fails.len(),
        fails.join("\n")
    );
}

#[test]
fn padded_layout_puts_lines_at_cuts() {
    let lines: Vec<CaseLine> = (0..6)
        .map(|i| CaseLine { text: format!("case line {i}"), hits: Vec::new() })
        .collect();
    let l = Layout::padded(&lines);
    let ends: Vec<usize> =
        l.at.iter().map(|(s, _)| s + lines[0].text.len() + 1).collect();
    // Line 0 straddles the first target and ends the first chunk; line 1
    // starts the second; line 2's break sits on the second target.
    assert!(l.at[0].0 < CHUNK && ends[0] > CHUNK);
    assert_eq!(l.at[1].0, ends[0]);
    assert_eq!(ends[2] - 1, ends[0] + CHUNK);
    for (s, n) in &l.at {
        let before = l.bytes[..*s].iter().filter(|b| **b == b'\n').count();
        assert_eq!(before as u64 + 1, *n);
    }
}

/// A plain-text list loads bracketed IPv6 values (`[2001:db8::5]:8443`,
/// `http://[2001:db8::7]/p`): their brackets are not a regex character
/// class.
#[test]
fn text_list_loads_bracketed_ipv6() {
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("v6.iocs");
    std::fs::write(&iocs, "[2001:db8::5]:8443\nhttp://[2001:db8::7]/p\n")
        .unwrap();
    let line = b"a [2001:db8::5]:8443 b GET http://[2001:db8::7]/p\n";
    let run = sweep(
        &["--iocs", iocs.to_str().unwrap(), "--format", "jsonl", "-"],
        Some(line),
    );
    let got: Vec<_> = parse_records(&run.stdout)
        .iter()
        .map(|r| r["indicator"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(got, ["[2001:db8::5]:8443", "http://[2001:db8::7]/p"]);
    assert_eq!(run.status, Some(1), "{}", run.stderr);
}
