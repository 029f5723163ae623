//! Inputs as the command line names them: the output file may not be one
//! of them, a file reached twice is swept once, access times are left
//! alone, and the summary counts every failure that sets status 2.
//!
//! Also the helper the other input-facing modules use to run a sweep in a
//! temporary folder.

use std::fs::{File, FileTimes};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use tempfile::TempDir;

/// The indicators the tests plant, documentation values.
pub const IOCS: &str = "192.0.2.1\nevil.example\n";

/// A temporary folder holding `iocs.txt`, and a way to sweep in it.
pub struct Setup {
    /// The folder.
    pub dir: TempDir,
}

impl Setup {
    /// Creates the folder and its indicator file.
    pub fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("iocs.txt"), IOCS).unwrap();
        Setup { dir }
    }

    /// Returns the path of `name` in the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Writes `data` as `name` in the folder; returns its path.
    pub fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.path(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, data).unwrap();
        path
    }

    /// Runs `iocsweep sweep --format jsonl` with `args`, in the folder.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_iocsweep"))
            .current_dir(self.dir.path())
            .args(["sweep", "--format", "jsonl"])
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs a sweep with `iocs.txt` as the indicator file.
    pub fn sweep(&self, args: &[&str]) -> Output {
        let mut all = vec!["--iocs", "iocs.txt"];
        all.extend_from_slice(args);
        self.run(&all)
    }
}

/// Returns the standard error of a run.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Returns the lines of a run's standard error without the table of
/// top indicators that follows the summary.
pub fn stderr_without_table(out: &Output) -> Vec<String> {
    let err = stderr(out);
    let mut lines: Vec<String> = Vec::new();
    let mut table = false;
    for l in err.lines() {
        // The table comes last, from its header row on.
        table |= l.contains(" hits  peers  kind  ");
        if !table {
            lines.push(l.to_string());
        }
    }
    lines
}

/// Returns the JSON records of a run's standard output.
pub fn records(out: &Output) -> Vec<serde_json::Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// Returns the records of a run as (path, line, offset, indicator).
pub fn tuples(out: &Output) -> Vec<(String, u64, u64, String)> {
    records(out)
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
                r["offset"].as_u64().unwrap(),
                r["indicator"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Returns 2000-01-01T00:00:00Z.
fn y2k() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(946_684_800)
}

/// Sets a file's access time, and its modification time if given.
fn set_times(path: &Path, modified: Option<SystemTime>) {
    let f = File::options().write(true).open(path).unwrap();
    let mut times = FileTimes::new().set_accessed(y2k());
    if let Some(m) = modified {
        times = times.set_modified(m);
    }
    f.set_times(times).unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn sweeping_leaves_access_times_alone() {
    // The files are ours, so O_NOATIME is permitted whatever the user.
    let s = Setup::new();
    let read = s.file("read.log", b"conn from 192.0.2.1\n");
    // Large and long unmodified: swept through a memory map.
    let mapped = s.file("mapped.log", &b"x 192.0.2.1\n".repeat(30_000));
    set_times(&read, None);
    set_times(&mapped, Some(y2k()));

    let out = s.sweep(&["read.log", "mapped.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 30_001);
    for path in [&read, &mapped] {
        let atime = std::fs::metadata(path).unwrap().accessed().unwrap();
        assert_eq!(atime, y2k(), "{}", path.display());
    }
}

/// The evidence the output-clash tests must leave intact.
const EVIDENCE: &[u8] = b"x 192.0.2.1\n";

/// Sweeps with `-o out`, which names a file read by the sweep (`what`
/// at `read`), and checks the sweep refuses before touching anything.
fn assert_refused(s: &Setup, args: &[&str], out: &str, what: &str) {
    let before = std::fs::read(s.path(out)).unwrap();
    let mut all = args.to_vec();
    all.extend_from_slice(&["-o", out]);
    let run = s.sweep(&all);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    let want = format!(
        "iocsweep: {out}: cannot write the output here: it is the same \
         file as the {what}, which writing would destroy; choose another \
         path\n"
    );
    assert_eq!(stderr(&run), want);
    assert_eq!(std::fs::read(s.path(out)).unwrap(), before, "{out}");
}

#[test]
fn the_output_may_not_be_an_input_or_an_indicator_file() {
    let s = Setup::new();
    s.file("ev.log", EVIDENCE);
    s.file("logs/a.log", EVIDENCE);
    std::fs::hard_link(s.path("ev.log"), s.path("link.log")).unwrap();

    assert_refused(&s, &["ev.log"], "ev.log", "input ev.log");
    assert_refused(&s, &["logs"], "logs/a.log", "input logs/a.log");
    assert_refused(&s, &["ev.log"], "link.log", "input ev.log");
    assert_refused(&s, &["ev.log"], "iocs.txt", "indicator file iocs.txt");
    s.file("feeds/more.txt", b"evil.example\n");
    let args = ["--iocs", "feeds", "ev.log"];
    assert_refused(
        &s,
        &args,
        "feeds/more.txt",
        "indicator file feeds/more.txt",
    );
}

#[test]
fn two_outputs_may_not_be_one_file() {
    let s = Setup::new();
    s.file("ev.log", EVIDENCE);
    std::os::unix::fs::symlink("m.json", s.path("m.link")).unwrap();
    s.file("old.json", b"kept\n");
    std::fs::hard_link(s.path("old.json"), s.path("old2.json")).unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["-o", "m.json", "--manifest", "m.json"],
            "m.json: cannot write both the hit records (-o) and the manifest \
             (--manifest) here: m.json",
        ),
        // A link to a file not made yet.
        (
            &["-o", "m.json", "--summary", "m.link"],
            "m.link: cannot write both the hit records (-o) and the summary \
             (--summary) here: m.json",
        ),
        (
            &["--report", "./sub/../m.json", "--manifest", "m.json"],
            "m.json: cannot write both the report (--report) and the \
             manifest (--manifest) here: ./sub/../m.json",
        ),
        // Hard links to an existing file.
        (
            &["--summary", "old.json", "--manifest", "old2.json"],
            "old2.json: cannot write both the summary (--summary) and the \
             manifest (--manifest) here: old.json",
        ),
        (
            &["-o", "old2.json", "--report", "old.json"],
            "old.json: cannot write both the hit records (-o) and the \
             report (--report) here: old2.json",
        ),
    ];
    std::fs::create_dir(s.path("sub")).unwrap();
    for (args, want) in cases {
        let mut all = vec!["ev.log"];
        all.extend_from_slice(args);
        let run = s.sweep(&all);
        assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
        let want = format!(
            "iocsweep: {want} names the same file, and the one written \
             last would replace the other; choose two paths\n"
        );
        assert_eq!(stderr(&run), want);
        assert!(!s.path("m.json").exists());
        assert_eq!(std::fs::read(s.path("old.json")).unwrap(), b"kept\n");
    }
    // Devices take any number of writers; near miss: two files.
    let run = s.sweep(&[
        "ev.log",
        "--summary",
        "/dev/null",
        "--manifest",
        "/dev/null",
        "-o",
        "hits.jsonl",
        "--report",
        "m.json",
    ]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert!(s.path("hits.jsonl").exists() && s.path("m.json").exists());
}

/// Two file names that are not UTF-8 and differ only in their invalid
/// bytes stay two inputs in the records, the manifest and the summary.
#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_stay_apart() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let s = Setup::new();
    std::fs::create_dir(s.path("nu")).unwrap();
    let dir = s.path("nu");
    std::fs::write(dir.join(OsStr::from_bytes(b"a\xffb.log")), EVIDENCE)
        .unwrap();
    let two = b"x\nx 192.0.2.1\n";
    std::fs::write(dir.join(OsStr::from_bytes(b"a\xfeb.log")), two).unwrap();
    // Near miss: a UTF-8 name is shown as it is.
    s.file("nu/c\u{e9}.log", EVIDENCE);
    let run = s.sweep(&["nu", "--manifest", "m.json", "--summary", "s.json"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let got: Vec<(String, u64)> = records(&run)
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap().to_string(),
                r["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let want =
        [("nu/a\\xFEb.log", 2), ("nu/a\\xFFb.log", 1), ("nu/c\u{e9}.log", 1)];
    let want: Vec<(String, u64)> =
        want.iter().map(|(p, l)| (p.to_string(), *l)).collect();
    assert_eq!(got, want);
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("m.json")).unwrap())
            .unwrap();
    let inputs: Vec<(String, u64, u64)> = m["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["path"].as_str().unwrap().to_string(),
                i["bytes_swept"].as_u64().unwrap(),
                i["lines_swept"].as_u64().unwrap(),
            )
        })
        .collect();
    let want = [
        ("nu/a\\xFEb.log".to_string(), two.len() as u64, 2),
        ("nu/a\\xFFb.log".to_string(), EVIDENCE.len() as u64, 1),
        ("nu/c\u{e9}.log".to_string(), EVIDENCE.len() as u64, 1),
    ];
    assert_eq!(inputs, want);
    let sum: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("s.json")).unwrap())
            .unwrap();
    let files = sum.to_string();
    assert!(files.contains("\"files_total\":3"), "{files}");
}

/// Quiet hides the problem list, but not when it is why nothing loaded.
#[test]
fn quiet_still_says_why_no_indicator_loaded() {
    let s = Setup::new();
    s.file("ev.log", EVIDENCE);
    s.file("broad.txt", b"10.0.0.0/7\n");
    let run = s.run(&["-q", "--iocs", "broad.txt", "ev.log"]);
    assert_eq!(run.status.code(), Some(2));
    let err = stderr(&run);
    assert!(err.contains("broad.txt:1: "), "{err}");
    assert!(err.contains("--allow-broad-ranges"), "{err}");
    assert!(err.ends_with("no indicators loaded: nothing to sweep for\n"));
    // Near miss: with something loaded, quiet stays quiet about the rest.
    s.file("mixed.txt", b"10.0.0.0/7\n192.0.2.1\n");
    let run = s.run(&["-q", "--iocs", "mixed.txt", "ev.log"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(!stderr(&run).contains("mixed.txt:1: "), "{}", stderr(&run));
}

#[test]
fn an_output_that_is_no_input_is_written() {
    let s = Setup::new();
    s.file("ev.log", EVIDENCE);
    s.file("old.jsonl", b"stale\n");
    let run = s.sweep(&["ev.log", "-o", "old.jsonl"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let text = std::fs::read_to_string(s.path("old.jsonl")).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with(r#"{"path":"ev.log","line":1,"offset":2,"#));
}

/// Returns the path of each record of a run.
fn paths(out: &Output) -> Vec<String> {
    let recs = records(out);
    recs.iter().map(|r| r["path"].as_str().unwrap().to_string()).collect()
}

#[test]
fn a_file_reached_twice_is_swept_once() {
    let s = Setup::new();
    s.file("logs/a.log", EVIDENCE);
    s.file("logs/b.log", EVIDENCE);
    std::fs::hard_link(s.path("logs/b.log"), s.path("b-link.log")).unwrap();

    let run = s.sweep(&["logs/b.log", "logs", "b-link.log", "logs/b.log"]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    assert_eq!(paths(&run), ["logs/b.log", "logs/a.log"]);
    let err = stderr(&run);
    let notes: Vec<&str> =
        err.lines().filter(|l| l.contains("swept once")).collect();
    assert_eq!(
        notes,
        [
            "iocsweep: logs/b.log: given twice, swept once",
            "iocsweep: b-link.log: same file as logs/b.log, swept once",
            "iocsweep: logs/b.log: given twice, swept once",
        ]
    );
    assert!(err.contains("swept 2 inputs, 24 B, 2 lines"), "{err}");
}

/// Returns the summary line of a run.
fn summary(out: &Output) -> String {
    let err = stderr(out);
    let line = err.lines().find(|l| l.starts_with("iocsweep: swept "));
    line.expect("a summary line").to_string()
}

#[test]
fn the_summary_counts_every_failure() {
    let s = Setup::new();
    s.file("x.log", b"nothing\n");
    let run = s.sweep(&["/nonexistent", "x.log"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(summary(&run).ends_with("; 1 error: 1 path not found"));

    let mut bad = String::from("192.0.2.9\n");
    for i in 0..12 {
        bad.push_str(&format!("not an indicator {i}\n"));
    }
    s.file("bad.txt", bad.as_bytes());
    let args = ["--iocs", "bad.txt", "--iocs", "gone.txt", "/nonexistent"];
    let run = s.sweep(&[&args[..], &["x.log"]].concat());
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(
        summary(&run).ends_with(
            "; 3 errors: 1 path not found, 2 indicator files with errors \
             (12 entries not loaded)"
        ),
        "{}",
        summary(&run)
    );
    let err = stderr(&run);
    let bad_lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("indicators: "))
        .filter(|l| l.contains(" bad.txt"))
        .collect();
    assert_eq!(bad_lines.len(), 7, "{err}");
    assert!(bad_lines[0].starts_with("iocsweep: bad.txt:2: "), "{err}");
    assert!(bad_lines[4].starts_with("iocsweep: bad.txt:6: "), "{err}");
    assert_eq!(bad_lines[5], "iocsweep: … and 7 more problems in bad.txt");
    assert_eq!(
        bad_lines[6],
        "iocsweep: bad.txt: 1 entry loaded, 12 not loaded"
    );
    // One past those shown is one problem.
    let six: String =
        (0..6).map(|i| format!("not an indicator {i}\n")).collect();
    s.file("six.txt", format!("192.0.2.9\n{six}").as_bytes());
    let run = s.sweep(&["--iocs", "six.txt", "x.log"]);
    assert!(
        stderr(&run).contains("iocsweep: … and 1 more problem in six.txt\n"),
        "{}",
        stderr(&run)
    );
}
