//! The audit manifest: what was swept, with what, by whom, when, and
//! with what result, as one JSON document to keep with the hits.
//!
//! It names the tool and its version, the full command line, the
//! operator and host, the start and end (UTC, RFC 3339), every indicator
//! file with its SHA-256 and what loaded from it (bundled sets by name,
//! hashed over their embedded text), every input with its size,
//! modification time, compression, what was swept of it, its status and
//! error, and (with `--hash-inputs`) the SHA-256 of its bytes as stored,
//! computed during the sweep's own read. A sweep stopped by a signal
//! still gets its manifest, saying where it stopped.

use std::collections::HashMap;
use std::path::Path;
use std::time::SystemTime;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::bundled;
use crate::load::{Loaded, Severity};
use crate::sweep::InputStats;
use crate::sweep::input::{Input, WalkReport};
use crate::sweep::tap::RawDigest;
use crate::time::Stamp;

use super::{Failures, Summary};

/// What became of one input (or archive member), as the sink heard it.
#[derive(Clone, Debug)]
pub struct InputRecord {
    /// The name hit records give it.
    pub name: String,
    /// For an archive member, the archive's name.
    pub archive: Option<String>,
    /// What was swept of it.
    pub stats: InputStats,
    /// Why it was not read to its end, if it was not.
    pub error: Option<String>,
    /// Whether the sweep was stopped in the middle of it.
    pub stopped: bool,
}

/// Every input's record, in sweep order, and the digests of their bytes.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    /// The records, in sweep order.
    pub records: Vec<InputRecord>,
    /// SHA-256 of each hashed input, by name.
    pub digests: HashMap<String, RawDigest>,
}

/// A file's size and modification time, taken before the sweep.
#[derive(Clone, Copy, Debug)]
pub struct FileFacts {
    /// Size in bytes.
    pub size: u64,
    /// Last modification, if the system gives one.
    pub modified: Option<Stamp>,
}

impl FileFacts {
    /// Returns the facts of the file at `path`, `None` if it cannot be
    /// read (the sweep then reports why).
    pub fn of(path: &Path) -> Option<FileFacts> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = meta.modified().ok().and_then(stamp_of);
        Some(FileFacts { size: meta.len(), modified })
    }
}

/// Returns a system time as a stamp.
pub fn stamp_of(t: SystemTime) -> Option<Stamp> {
    let (secs, nanos) = match t.duration_since(SystemTime::UNIX_EPOCH) {
        Ok(d) => (i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()),
        Err(e) => {
            let d = e.duration();
            let secs = -i64::try_from(d.as_secs()).ok()?;
            match d.subsec_nanos() {
                0 => (secs, 0),
                n => (secs - 1, 1_000_000_000 - n),
            }
        }
    };
    Some(Stamp { secs, nanos })
}

/// Returns the time now.
pub fn now() -> Stamp {
    stamp_of(SystemTime::now()).unwrap_or(Stamp { secs: 0, nanos: 0 })
}

/// How a sweep ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every input was swept.
    Complete,
    /// A signal stopped it.
    Interrupted(&'static str),
    /// The output was closed (a pipe reader left).
    OutputClosed,
}

/// Everything the manifest is built from.
pub struct ManifestInput<'a> {
    /// The command line, program first.
    pub command_line: Vec<String>,
    /// When the sweep started.
    pub started: Stamp,
    /// When it ended.
    pub ended: Stamp,
    /// How it ended.
    pub ending: Ending,
    /// The exit status the sweep returns.
    pub exit_status: u8,
    /// The indicators loaded.
    pub loaded: &'a Loaded,
    /// The inputs to sweep, as the walk found them.
    pub inputs: &'a [Input],
    /// Each input's size and modification time before the sweep.
    pub facts: &'a [Option<FileFacts>],
    /// What the walk met besides files.
    pub walk: &'a WalkReport,
    /// The totals and every input's record.
    pub summary: &'a Summary,
    /// The failures that set the exit status.
    pub failures: &'a Failures,
    /// Whether inputs were hashed.
    pub hashed: bool,
    /// The allowlist's files, if one was given.
    pub allowlist: Option<&'a Loaded>,
    /// What the allowlist and the time window left out.
    pub filtered: Filtered,
}

/// What the sweep was told to leave out, and how much it left out.
#[derive(Clone, Copy, Debug, Default)]
pub struct Filtered {
    /// Indicators the allowlist removed before the sweep.
    pub indicators_allowed: usize,
    /// Hits the allowlist dropped.
    pub hits_allowed: u64,
    /// Allowlist entries not applied: revoked, or not valid at the time
    /// of the sweep.
    pub allow_entries_not_applied: usize,
    /// `--since`, resolved.
    pub since: Option<Stamp>,
    /// `--until`, resolved.
    pub until: Option<Stamp>,
}

/// Returns the manifest document.
pub fn build(m: &ManifestInput<'_>) -> Value {
    let mut o = Map::new();
    o.insert(
        "tool".into(),
        json!({"name": "iocsweep", "version": env!("CARGO_PKG_VERSION")}),
    );
    o.insert("command_line".into(), json!(m.command_line));
    o.insert("operator".into(), json!(operator()));
    o.insert("host".into(), json!(host_name()));
    o.insert("started".into(), m.started.to_string().into());
    o.insert("ended".into(), m.ended.to_string().into());
    let status = match m.ending {
        Ending::Complete => "complete",
        Ending::Interrupted(_) => "interrupted",
        Ending::OutputClosed => "output closed",
    };
    o.insert("status".into(), status.into());
    if let Ending::Interrupted(signal) = m.ending {
        o.insert("interrupted".into(), where_stopped(m, signal));
    }
    o.insert("exit_status".into(), m.exit_status.into());
    o.insert("indicator_files".into(), indicator_files(m.loaded));
    let allow = m.allowlist.map_or(Value::Array(Vec::new()), indicator_files);
    o.insert("allowlist_files".into(), allow);
    let stamp = |t: Option<Stamp>| t.map(|t| t.to_string());
    o.insert(
        "window".into(),
        json!({"since": stamp(m.filtered.since),
               "until": stamp(m.filtered.until)}),
    );
    let by_kind: Map<String, Value> = m
        .loaded
        .set
        .counts()
        .iter()
        .map(|(k, n)| (k.to_string(), (*n).into()))
        .collect();
    o.insert(
        "indicators".into(),
        json!({"loaded": m.loaded.set.len(), "by_kind": by_kind}),
    );
    o.insert("inputs_hashed".into(), m.hashed.into());
    o.insert("inputs".into(), inputs(m));
    let walk_errors: Vec<Value> = m
        .walk
        .errors
        .iter()
        .map(|e| {
            json!({"path": e.path.display().to_string(),
                   "error": e.error.to_string()})
        })
        .collect();
    o.insert("walk_errors".into(), walk_errors.into());
    o.insert(
        "walk_left_out".into(),
        json!({"files": m.walk.files_left_out,
               "folders": m.walk.folders_left_out}),
    );
    o.insert("totals".into(), totals(m));
    Value::Object(o)
}

/// Returns where a stopped sweep stopped: the last input completed and
/// the one in progress, with how much of it was swept.
fn where_stopped(m: &ManifestInput<'_>, signal: &str) -> Value {
    let records = &m.summary.ledger.records;
    let last_done = records.iter().rev().find(|r| !r.stopped);
    let in_progress = records.iter().find(|r| r.stopped).map(|r| {
        json!({"path": r.name, "bytes_swept": r.stats.bytes,
               "lines_swept": r.stats.lines, "hits": r.stats.hits})
    });
    json!({
        "signal": signal,
        "last_completed": last_done.map(|r| r.name.clone()),
        "in_progress": in_progress,
    })
}

/// Returns the indicator files: each with its SHA-256, size, format, how
/// many values it yielded and its problems.
fn indicator_files(loaded: &Loaded) -> Value {
    let bundled = bundled::sets();
    let list: Vec<Value> = loaded
        .files
        .iter()
        .map(|f| {
            let name: &str = &f.file;
            // The digest of the bytes loaded, taken as they were read; a
            // file that could not be read has none (its name is not read
            // again: it may spell another file, or have changed).
            let read = match name.strip_prefix("bundled:") {
                Some(file) => {
                    bundled.iter().find(|s| s.file == file).map(|s| {
                        let b = s.text.as_bytes();
                        (Sha256::digest(b).into(), b.len() as u64)
                    })
                }
                None => f.read,
            };
            let count = |sev: Severity| {
                loaded
                    .problems
                    .iter()
                    .filter(|p| &*p.file == name && p.severity == sev)
                    .count()
            };
            let mut o = Map::new();
            o.insert("file".into(), name.into());
            if let Some((sha256, size)) = read {
                o.insert("sha256".into(), hex(&sha256).into());
                o.insert("size".into(), size.into());
            }
            if let Some(set) = name
                .strip_prefix("bundled:")
                .and_then(|f| bundled.iter().find(|s| s.file == f))
            {
                o.insert("title".into(), set.title.into());
                o.insert("published".into(), set.published.into());
            }
            o.insert("format".into(), f.format.map(|f| f.name()).into());
            o.insert("loaded".into(), (f.values > 0).into());
            o.insert("values".into(), f.values.into());
            // Counted past the problems a file lists, too.
            let (more_errors, more_warnings) = loaded
                .files
                .iter()
                .filter(|r| &*r.file == name)
                .fold((0, 0), |(e, w), r| {
                    let (re, rw) = r.unlisted();
                    (e + re, w + rw)
                });
            let errors = count(Severity::Error) as isize + more_errors;
            let warnings = count(Severity::Warning) as isize + more_warnings;
            o.insert("errors".into(), errors.into());
            o.insert("warnings".into(), warnings.into());
            Value::Object(o)
        })
        .collect();
    Value::Array(list)
}

/// Returns the inputs, in the order given: each with its facts, its
/// digest, and what became of it (for a tar archive, of each member).
fn inputs(m: &ManifestInput<'_>) -> Value {
    let ledger = &m.summary.ledger;
    let mut own: HashMap<&str, &InputRecord> = HashMap::new();
    let mut members: HashMap<&str, Vec<&InputRecord>> = HashMap::new();
    for r in &ledger.records {
        match &r.archive {
            Some(a) => members.entry(a).or_default().push(r),
            None => {
                own.insert(&r.name, r);
            }
        }
    }
    let list: Vec<Value> = m
        .inputs
        .iter()
        .zip(m.facts)
        .map(|(input, facts)| {
            let name = input.name();
            let mut o = Map::new();
            o.insert("path".into(), name.clone().into());
            if let Some(f) = facts {
                o.insert("size".into(), f.size.into());
                let modified = f.modified.map(|t| t.to_string());
                o.insert("modified".into(), modified.into());
            }
            if let Some(d) = ledger.digests.get(&name) {
                o.insert("sha256".into(), d.hex().into());
                o.insert("sha256_bytes".into(), d.bytes.into());
            }
            let parts = members.get(name.as_str());
            match (own.get(name.as_str()), parts) {
                (Some(r), _) => record_fields(&mut o, r),
                (None, Some(parts)) => {
                    let status = if parts.iter().any(|r| r.stopped) {
                        "interrupted"
                    } else {
                        "swept"
                    };
                    o.insert("status".into(), status.into());
                    let list: Vec<Value> = parts
                        .iter()
                        .map(|r| {
                            let mut p = Map::new();
                            p.insert("member".into(), r.name.clone().into());
                            record_fields(&mut p, r);
                            Value::Object(p)
                        })
                        .collect();
                    o.insert("members".into(), list.into());
                }
                (None, None) => {
                    o.insert("status".into(), "not swept".into());
                }
            }
            Value::Object(o)
        })
        .collect();
    Value::Array(list)
}

/// Adds what became of one input to its object.
fn record_fields(o: &mut Map<String, Value>, r: &InputRecord) {
    let status = if r.stopped {
        "interrupted"
    } else if r.error.is_some() {
        "error"
    } else {
        "swept"
    };
    o.insert("status".into(), status.into());
    o.insert("compression".into(), r.stats.compression.into());
    o.insert("bytes_swept".into(), r.stats.bytes.into());
    o.insert("lines_swept".into(), r.stats.lines.into());
    o.insert("hits".into(), r.stats.hits.into());
    if let Some(e) = &r.error {
        o.insert("error".into(), e.clone().into());
    }
}

/// Returns the totals.
fn totals(m: &ManifestInput<'_>) -> Value {
    let s = m.summary;
    let by_kind: Map<String, Value> =
        s.hits.iter().map(|(k, n)| (k.to_string(), (*n).into())).collect();
    json!({
        "inputs": s.inputs,
        "bytes": s.bytes,
        "lines": s.lines,
        "hits": s.total_hits(),
        "hits_by_kind": by_kind,
        "indicators_seen": s.tally.len(),
        "errors": m.failures.total(),
        "errors_summary": m.failures.to_string(),
        "indicators_allowed": m.filtered.indicators_allowed,
        "hits_allowed": m.filtered.hits_allowed,
        "allowlist_entries_not_applied": m.filtered.allow_entries_not_applied,
        "hits_outside_window": s.outside_window,
        "untimed_hits_kept": s.untimed_kept,
    })
}

/// Returns bytes in lower-case hex.
fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Returns the user running the sweep: `$USER` or `$LOGNAME`, else the
/// name of the effective user id, else the id itself.
pub fn operator() -> String {
    for var in ["USER", "LOGNAME"] {
        if let Ok(v) = std::env::var(var) {
            if !v.is_empty() {
                return v;
            }
        }
    }
    user_name().unwrap_or_else(|| "unknown".into())
}

#[cfg(unix)]
fn user_name() -> Option<String> {
    // SAFETY: geteuid cannot fail. getpwuid_r writes into `pw` and the
    // buffer we own and size; the name it points to lies in that buffer,
    // read before the buffer is dropped.
    unsafe {
        let uid = libc::geteuid();
        let mut pw: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 4096];
        let mut out: *mut libc::passwd = std::ptr::null_mut();
        let rc = libc::getpwuid_r(
            uid,
            &mut pw,
            buf.as_mut_ptr(),
            buf.len(),
            &mut out,
        );
        if rc != 0 || out.is_null() || pw.pw_name.is_null() {
            return Some(format!("uid {uid}"));
        }
        let name = std::ffi::CStr::from_ptr(pw.pw_name);
        Some(name.to_string_lossy().into_owned())
    }
}

#[cfg(not(unix))]
fn user_name() -> Option<String> {
    None
}

/// Returns the host's name, as gethostname gives it.
pub fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is ours and its length is passed; the name
        // is NUL-terminated within it when the call succeeds (the last
        // byte stays 0 in case it was cut).
        let rc = unsafe {
            libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1)
        };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(0);
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    "unknown".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_times_become_stamps() {
        let t = SystemTime::UNIX_EPOCH + std::time::Duration::new(5, 7);
        assert_eq!(stamp_of(t), Some(Stamp { secs: 5, nanos: 7 }));
        let before =
            SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(1500);
        assert_eq!(
            stamp_of(before),
            Some(Stamp { secs: -2, nanos: 500_000_000 })
        );
    }

    #[test]
    fn the_host_and_operator_have_names() {
        assert!(!host_name().is_empty());
        assert_ne!(host_name(), "unknown");
        assert!(!operator().is_empty());
    }
}
