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

/// Returns the JSON records of a run's standard output.
pub fn records(out: &Output) -> Vec<serde_json::Value> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    text.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
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
