//! Compares iocsweep's hit records with the truth: records are keyed by
//! (file name, line, indicator), where a compressed log's name loses its
//! `.gz`/`.zst` suffix; any missing, unexpected, duplicated or
//! mis-kinded record is a difference.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

/// The key both sides are compared on.
pub type Key = (String, u64, String);

/// What a record says beyond its key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The indicator kind.
    pub kind: String,
    /// The planting form (truth) or the matched text (hits).
    pub note: String,
    /// The log line (hits only).
    pub text: String,
}

/// The differences between the truth and the hits.
#[derive(Debug, Default)]
pub struct Report {
    /// How many records the truth holds.
    pub truth_records: usize,
    /// How many records iocsweep wrote.
    pub hit_records: usize,
    /// Truth records iocsweep did not write.
    pub missing: Vec<(Key, Detail)>,
    /// Records iocsweep wrote that are not in the truth.
    pub unexpected: Vec<(Key, Detail)>,
    /// Keys iocsweep wrote more than once.
    pub duplicated: Vec<Key>,
    /// Keys on both sides whose kinds differ: (key, truth, hit).
    pub wrong_kind: Vec<(Key, String, String)>,
}

impl Report {
    /// Whether the hits equal the truth.
    pub fn is_exact(&self) -> bool {
        self.missing.is_empty()
            && self.unexpected.is_empty()
            && self.duplicated.is_empty()
            && self.wrong_kind.is_empty()
    }
}

/// Compares a truth file with a file of iocsweep's jsonl records.
///
/// # Errors
///
/// Returns an error if either file cannot be read or holds a line that
/// is not a record.
pub fn compare(truth: &Path, hits: &Path) -> io::Result<Report> {
    let want = read_records(truth, "file", "form")?;
    let got = read_records(hits, "path", "matched")?;
    Ok(diff(want, got))
}

/// Compares records already read.
pub fn diff(want: Vec<(Key, Detail)>, got: Vec<(Key, Detail)>) -> Report {
    let mut r = Report {
        truth_records: want.len(),
        hit_records: got.len(),
        ..Report::default()
    };
    let mut seen = BTreeSet::new();
    let mut got_map = BTreeMap::new();
    for (k, d) in got {
        if !seen.insert(k.clone()) {
            r.duplicated.push(k);
            continue;
        }
        got_map.insert(k, d);
    }
    for (k, d) in want {
        match got_map.remove(&k) {
            Some(h) if h.kind != d.kind => {
                r.wrong_kind.push((k, d.kind, h.kind))
            }
            Some(_) => {}
            None => r.missing.push((k, d)),
        }
    }
    r.unexpected = got_map.into_iter().collect();
    r
}

/// Reads jsonl records, keying each by the last path component of
/// `file_field`, `line` and `indicator`.
///
/// # Errors
///
/// Returns an error naming the file and line of a bad record.
pub fn read_records(
    path: &Path,
    file_field: &str,
    note_field: &str,
) -> io::Result<Vec<(Key, Detail)>> {
    let reader = BufReader::new(File::open(path)?);
    let mut out = Vec::new();
    for (i, line) in reader.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let rec = parse(&line, file_field, note_field).ok_or_else(|| {
            let msg =
                format!("{}:{}: not a hit record", path.display(), i + 1);
            io::Error::new(io::ErrorKind::InvalidData, msg)
        })?;
        out.push(rec);
    }
    Ok(out)
}

fn parse(
    line: &str,
    file_field: &str,
    note_field: &str,
) -> Option<(Key, Detail)> {
    let v: serde_json::Value = serde_json::from_str(line).ok()?;
    let s = |f: &str| v.get(f).and_then(|x| x.as_str()).unwrap_or("");
    let file = log_name(s(file_field))?.to_string();
    let key = (file, v.get("line")?.as_u64()?, s("indicator").to_string());
    let detail = Detail {
        kind: s("kind").to_string(),
        note: s(note_field).to_string(),
        text: s("text").to_string(),
    };
    Some((key, detail))
}

/// Returns the last path component without a compression suffix, so
/// that `DIR/gz/dns.log.gz` compares as `dns.log`.
pub fn log_name(path: &str) -> Option<&str> {
    let name = path.rsplit(['/', '\\']).next()?;
    let plain = [".gz", ".zst", ".bz2", ".xz"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext));
    Some(plain.unwrap_or(name))
}

/// Returns the text of the given 1-based lines of a file (lossily
/// decoded); lines past the end are left out.
///
/// # Errors
///
/// Returns an error if the file cannot be read.
pub fn lines_of(
    path: &Path,
    wanted: &BTreeSet<u64>,
) -> io::Result<BTreeMap<u64, String>> {
    let mut out = BTreeMap::new();
    let Some(&last) = wanted.iter().next_back() else { return Ok(out) };
    let mut reader = BufReader::new(File::open(path)?);
    let mut buf = Vec::new();
    for n in 1..=last {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        if wanted.contains(&n) {
            let text = String::from_utf8_lossy(&buf);
            out.insert(n, text.trim_end().to_string());
        }
    }
    Ok(out)
}
