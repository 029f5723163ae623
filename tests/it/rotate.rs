//! Files that change while they are swept: another thread truncates,
//! appends to and rewrites a log in a loop while the binary sweeps it.
//! Every run must end with status 1 or 2 (never a signal), write only
//! records of the indicator where the log holds it, and say so on standard error when the file
//! changed under it.
//!
//! Each case runs `ROTATE_RUNS` times (20 unless set), both for a file
//! just written (read with read()) and for one whose modification time
//! is set an hour back before every sweep (large and quiet: mapped).

#![cfg(unix)]

use std::fs::{File, FileTimes};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::process::Output;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, SystemTime};

use crate::inputs::{Setup, records, stderr};

/// The planted indicator, one of `inputs::IOCS`.
const IOC: &str = "192.0.2.1";

/// Returns the log: 9000 lines (about 300 KiB, enough to be mapped),
/// every tenth naming the indicator, the first among them.
fn log() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..9000u32 {
        let line = if i % 10 == 0 {
            format!("{i:05} conn from {IOC} port 22\n")
        } else {
            format!("{i:05} heartbeat ok seq={}\n", i * 7)
        };
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// Returns the line number and offset of each planted indicator in the
/// whole, unchanged log.
fn expected(log: &[u8]) -> Vec<(u64, u64)> {
    let mut want = Vec::new();
    let mut start = 0;
    for (n, line) in log.split_inclusive(|b| *b == b'\n').enumerate() {
        let text = std::str::from_utf8(line).unwrap();
        if let Some(at) = text.find(IOC) {
            want.push((n as u64 + 1, (start + at) as u64));
        }
        start += line.len();
    }
    want
}

/// Sets the file's modification time to an hour ago.
fn age(path: &Path) {
    let f = File::options().write(true).open(path).unwrap();
    let then = SystemTime::now() - Duration::from_secs(3600);
    f.set_times(FileTimes::new().set_modified(then)).unwrap();
}

/// Truncates, appends to and rewrites `path` in a loop until `stop` is
/// set. The file never gets shorter than its first third, which starts
/// with a line naming the indicator, and the bytes written at any offset
/// are always those of `log`. With `aged`, the modification time goes an hour back after each
/// round, so that a sweep starting then maps the file.
fn churn(path: &Path, log: &[u8], aged: bool, stop: &AtomicBool) {
    let third = log.len() / 3;
    let keep = third + log[third..].iter().position(|b| *b == b'\n').unwrap();
    let keep = keep + 1;
    let f = File::options().write(true).open(path).unwrap();
    while !stop.load(Ordering::Relaxed) {
        f.set_len(keep as u64).unwrap();
        f.write_all_at(&log[keep..], keep as u64).unwrap();
        f.write_all_at(log, 0).unwrap();
        if aged {
            age(path);
        }
    }
}

/// Sweeps `name` in `s` while another thread churns it.
fn sweep_while_churned(
    s: &Setup,
    name: &str,
    log: &[u8],
    aged: bool,
) -> Output {
    let path = s.file(name, log);
    if aged {
        age(&path);
    }
    let stop = Arc::new(AtomicBool::new(false));
    let churner = {
        let (stop, log) = (stop.clone(), log.to_vec());
        thread::spawn(move || churn(&path, &log, aged, &stop))
    };
    let out = s.sweep(&[name]);
    stop.store(true, Ordering::Relaxed);
    churner.join().unwrap();
    out
}

/// Checks one run: its status; that each record is a hit of the
/// indicator at one of its offsets in the log, in order; and that a
/// failure is the file's change, named. Bytes read while the file is
/// truncated and regrown can come back as NULs (the kernel zeroes what
/// a truncation cuts off a page): line breaks then go missing and line
/// numbers come out low. Such a run must have seen the change.
fn check_run(out: &Output, name: &str, want: &[(u64, u64)], run: usize) {
    let err = stderr(out);
    let code = out.status.code();
    let status = &out.status;
    assert!(matches!(code, Some(1 | 2)), "run {run}: {status:?}: {err}");
    let mut next = 0;
    let mut exact = true;
    for r in records(out) {
        assert_eq!(r["path"], name, "run {run}");
        assert_eq!(r["indicator"], IOC, "run {run}");
        assert_eq!(r["matched"], IOC, "run {run}");
        assert!(r["text"].as_str().unwrap().contains(IOC), "run {run}: {r}");
        let offset = r["offset"].as_u64().unwrap();
        let at = want[next..].iter().position(|w| w.1 == offset);
        let at = at.unwrap_or_else(|| panic!("run {run}: not a hit: {r}"));
        let (line, got) = (want[next + at].0, r["line"].as_u64().unwrap());
        assert!((1..=line).contains(&got), "run {run}: {r}");
        exact &= got == line;
        next += at + 1;
    }
    assert!(next > 0, "run {run}: the first line is always a hit: {err}");
    assert!(exact || code == Some(2), "run {run}: {err}");
    let errors: Vec<&str> =
        err.lines().filter(|l| l.contains(": changed while")).collect();
    if code == Some(2) {
        let head = format!("iocsweep: {name}: changed while being read: ");
        assert_eq!(errors.len(), 1, "run {run}: {err}");
        assert!(errors[0].starts_with(&head), "run {run}: {err}");
        assert!(
            err.contains("; 1 error: 1 input not fully read\n"),
            "run {run}: {err}"
        );
    } else {
        assert!(errors.is_empty(), "run {run}: {err}");
        assert!(err.contains("; 0 errors\n"), "run {run}: {err}");
    }
}

/// Returns how many times each case runs: `ROTATE_RUNS`, or 20.
fn runs() -> usize {
    std::env::var("ROTATE_RUNS").map_or(20, |v| v.parse().unwrap())
}

fn churned_runs(aged: bool) {
    let s = Setup::new();
    let log = log();
    let want = expected(&log);
    assert_eq!(want.len(), 900);
    assert_eq!((want[0], want[1]), ((1, 16), (11, 283)));
    let mut changed = 0;
    for run in 0..runs() {
        let name = format!("live-{run}.log");
        let out = sweep_while_churned(&s, &name, &log, aged);
        check_run(&out, &name, &want, run);
        changed += usize::from(out.status.code() == Some(2));
    }
    eprintln!("{changed} of {} runs saw the file change", runs());
}

#[test]
fn a_live_file_churned_while_read_never_crashes_the_sweep() {
    churned_runs(false);
}

/// A mapped file that shrinks under the sweep used to raise SIGBUS and
/// kill the process (exit by signal 7) within 20 runs; the lost pages now
/// read as zeros and the file is reported as changed.
#[test]
fn a_quiet_file_churned_while_mapped_never_crashes_the_sweep() {
    churned_runs(true);
}
