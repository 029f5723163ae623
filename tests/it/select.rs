//! Choosing inputs: `--glob`, `--exclude`, `--max-depth`, `--follow`
//! (with loops), `--files-from` (lines or NULs, from a file or standard
//! input), and what walks skip and name: sockets, empty files.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::inputs::{Setup, records, stderr};

/// A line every file of the tree holds, with an indicator.
const HIT: &[u8] = b"conn 192.0.2.1\n";

/// Returns the path of each record of a run, in order.
fn paths(out: &Output) -> Vec<String> {
    let recs = records(out);
    recs.iter().map(|r| r["path"].as_str().unwrap().to_string()).collect()
}

/// Returns a folder `t` holding a small tree of logs.
fn tree() -> Setup {
    let s = Setup::new();
    for name in [
        "t/a.log",
        "t/a.1.log",
        "t/notes.txt",
        "t/.hidden/h.log",
        "t/old/o.log",
        "t/web/x/access.log",
        "t/web/access",
        "t/web/x/y/z.log",
    ] {
        s.file(name, HIT);
    }
    s
}

/// Sweeps with `args`; checks the exit status is 1 and returns the
/// paths of the records.
fn swept(s: &Setup, args: &[&str]) -> Vec<String> {
    let out = s.sweep(args);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
    paths(&out)
}

#[test]
fn globs_and_excludes_match_relative_paths_and_names() {
    let s = tree();
    let got = swept(&s, &["--glob", "*.log", "--exclude", "old", "t"]);
    assert_eq!(
        got,
        [
            "t/.hidden/h.log",
            "t/a.1.log",
            "t/a.log",
            "t/web/x/access.log",
            "t/web/x/y/z.log"
        ]
    );
    let args = ["--glob", "web/**/access*", "--exclude", "*.1.log", "t"];
    assert_eq!(swept(&s, &args), ["t/web/access", "t/web/x/access.log"]);
    // A file named on the command line is swept whatever the patterns.
    let args = ["--glob", "*.txt", "t/a.log", "t"];
    assert_eq!(swept(&s, &args), ["t/a.log", "t/notes.txt"]);
}

#[test]
fn what_the_patterns_leave_out_is_counted() {
    let s = tree();
    let out = s.sweep(&["--glob", "*.log", "--exclude", "old", "t"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let note = "iocsweep: 2 files and 1 folder left out by --glob, \
                --exclude or --max-depth\n";
    assert!(stderr(&out).contains(note), "{}", stderr(&out));

    // A pattern that matches nothing is no clean sweep: it says so.
    let out = s.sweep(&["--glob", "*.gz", "--manifest", "m.json", "t"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("swept 0 inputs"), "{err}");
    let note = "iocsweep: 8 files left out by --glob, --exclude or \
                --max-depth\n";
    assert!(err.contains(note), "{err}");
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("m.json")).unwrap())
            .unwrap();
    assert_eq!(
        m["walk_left_out"],
        serde_json::json!({"files": 8, "folders": 0})
    );

    // Near miss: with no pattern nothing is left out, and nothing said.
    let out = s.sweep(&["t", "--manifest", "m.json"]);
    assert!(!stderr(&out).contains("left out"), "{}", stderr(&out));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("m.json")).unwrap())
            .unwrap();
    assert_eq!(
        m["walk_left_out"],
        serde_json::json!({"files": 0, "folders": 0})
    );
}

#[test]
fn a_bad_pattern_stops_the_sweep_with_status_2() {
    let s = tree();
    let out = s.sweep(&["--glob", "a[", "t"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .starts_with("iocsweep: --glob \"a[\": not a valid pattern"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn max_depth_limits_the_walk() {
    let s = tree();
    assert_eq!(
        swept(&s, &["--max-depth", "1", "t"]),
        ["t/a.1.log", "t/a.log", "t/notes.txt"]
    );
    assert_eq!(
        swept(&s, &["--max-depth", "2", "--glob", "*access*", "t"]),
        ["t/web/access"]
    );
}

/// Runs a sweep with `args` and `input` on standard input.
fn sweep_stdin(s: &Setup, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(s.dir.path())
        .args(["sweep", "--format", "jsonl", "--iocs", "iocs.txt"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn files_from_reads_lines_or_nuls() {
    let s = tree();
    s.file("odd\nname.log", HIT);
    s.file("list.txt", b"t/notes.txt\nt/web\n");
    let got = swept(&s, &["--files-from", "list.txt", "t/a.log"]);
    let want =
        ["t/a.log", "t/notes.txt", "t/web/access", "t/web/x/access.log"];
    assert_eq!(got[..4], want);
    assert_eq!(got.len(), 5);

    let out = sweep_stdin(
        &s,
        &["--files-from", "-", "-0"],
        b"odd\nname.log\0t/a.log\0",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(paths(&out), ["odd\nname.log", "t/a.log"]);

    let out = sweep_stdin(&s, &["--files-from", "-", "-"], b"t/a.log\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "iocsweep: --files-from -: standard input holds the file list, so \
         it cannot also be an input (`-`)\n"
    );
    let out = s.sweep(&["--files-from", "gone.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with(
            "iocsweep: gone.txt: cannot read the file list: No such file"
        ),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn follow_takes_links_and_names_loops() {
    use std::os::unix::fs::symlink;
    let s = Setup::new();
    s.file("t/in/a.log", HIT);
    s.file("elsewhere/b.log", HIT);
    symlink("../elsewhere", s.path("t/out")).unwrap();
    symlink("..", s.path("t/in/up")).unwrap();

    let out = s.sweep(&["t"]);
    assert_eq!(paths(&out), ["t/in/a.log"]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: 2 symbolic links inside folders not followed: \
             t/in/up, t/out\n"
        ),
        "{err}"
    );

    let out = s.sweep(&["--follow", "t"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(paths(&out), ["t/in/a.log", "t/out/b.log"]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: 1 symbolic link loop not followed (a link back to a \
             folder being walked): t/in/up\n"
        ),
        "{err}"
    );
    assert!(err.contains("; 0 errors\n"), "{err}");
}

#[cfg(unix)]
#[test]
fn sockets_are_skipped_and_named_and_empty_files_counted() {
    let s = Setup::new();
    s.file("t/a.log", HIT);
    s.file("t/empty.log", b"");
    let sock = s.path("t/s.sock");
    let _listener = std::os::unix::net::UnixListener::bind(&sock).unwrap();

    let out = s.sweep(&["t", "/dev/null"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(paths(&out), ["t/a.log"]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: 1 FIFO, socket or device inside folders skipped: \
             t/s.sock\n"
        ),
        "{err}"
    );
    assert!(err.contains("iocsweep: swept 3 inputs, 15 B, 1 line "), "{err}");
    assert!(
        err.contains("iocsweep: 2 empty inputs: t/empty.log, /dev/null\n"),
        "{err}"
    );
}
