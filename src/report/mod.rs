//! Reporting: hit records (JSON lines, CSV, text, ECS), the sweep
//! summary, the per-indicator summary, the HTML report and the audit
//! manifest.
//!
//! Log content is attacker-controlled: JSON output escapes it as JSON
//! does and also escapes what could steer a terminal, text output
//! escapes control, bidi and invisible characters (see [`sanitize`]),
//! CSV output also neutralises formulas (see [`csv`]), and the HTML
//! report escapes everything it shows.

pub mod csv;
pub mod ecs;
pub mod html;
pub mod manifest;
pub mod progress;
pub mod sanitize;
pub mod tally;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::indicator::Kind;
use crate::load::{Loaded, Problem, Severity};
use crate::set::IndicatorSet;
use crate::sweep::input::{Input, WalkReport};
use crate::sweep::tap::RawDigest;
use crate::sweep::{Hit, InputStats, Sink};
use crate::time::Stamp;
use manifest::{InputRecord, Ledger};
use tally::{Sighting, Tally};

/// How much of a line a hit record carries.
pub const TEXT_LIMIT: usize = 4096;

/// Output formats for hit records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per hit.
    Jsonl,
    /// One line per hit for people: `path:line: kind indicator: text`.
    Text,
    /// One row per hit under a header, safe to open in a spreadsheet.
    Csv,
    /// One Elastic Common Schema document per hit.
    Ecs,
}

/// Totals of a sweep, for the summary and the exit status.
#[derive(Debug, Default)]
pub struct Summary {
    /// Inputs swept, including those that failed.
    pub inputs: u64,
    /// Bytes swept.
    pub bytes: u64,
    /// Lines swept.
    pub lines: u64,
    /// Hits by kind.
    pub hits: BTreeMap<Kind, u64>,
    /// Inputs that held NUL bytes.
    pub binary: Vec<String>,
    /// Compressed inputs, counted by format.
    pub compressed: BTreeMap<&'static str, u64>,
    /// UTF-16 inputs, decoded before they were swept.
    pub utf16: Vec<String>,
    /// Inputs, other than binary ones, holding invalid UTF-8.
    pub invalid_utf8: Vec<String>,
    /// Inputs with no bytes, read without error.
    pub empty: Vec<String>,
    /// Tar archives whose members were swept, and the members swept.
    pub archives: u64,
    /// Members of tar archives swept, each also counted as an input.
    pub members: u64,
    /// Inputs that failed, with why.
    pub errors: Vec<(String, String)>,
    /// Every indicator seen, with where and when.
    pub tally: Tally,
    /// What became of every input, for the manifest.
    pub ledger: Ledger,
    /// Hits dropped as outside `--since`/`--until`.
    pub outside_window: u64,
    /// Hits kept under `--since`/`--until` whose line has no time read.
    pub untimed_kept: u64,
}

impl Summary {
    /// Returns the total number of hits.
    pub fn total_hits(&self) -> u64 {
        self.hits.values().sum()
    }

    /// Returns the number of compressed inputs.
    pub fn total_compressed(&self) -> u64 {
        self.compressed.values().sum()
    }
}

/// Every failure of a sweep that makes its exit status 2, by kind.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Failures {
    /// Paths given that do not exist.
    pub paths_not_found: usize,
    /// Paths given or folders met that could not be read.
    pub paths_unreadable: usize,
    /// Inputs that could not be opened or read to their end.
    pub inputs_failed: usize,
    /// Indicator files with errors.
    pub indicator_files: usize,
    /// Entries of those files that could not be loaded.
    pub entries_not_loaded: usize,
}

impl Failures {
    /// Counts the failures of a sweep: paths the walk could not read,
    /// inputs that failed, and indicator files with errors (with their
    /// entries that did not load).
    pub fn count(
        walk: &WalkReport,
        summary: &Summary,
        loaded: &Loaded,
    ) -> Failures {
        let mut f = Failures::default();
        for e in &walk.errors {
            if e.error.kind() == io::ErrorKind::NotFound {
                f.paths_not_found += 1;
            } else {
                f.paths_unreadable += 1;
            }
        }
        f.inputs_failed = summary.errors.len();
        let mut bad: Vec<&str> = Vec::new();
        for p in &loaded.problems {
            if p.severity == Severity::Error {
                if !bad.contains(&&*p.file) {
                    bad.push(&p.file);
                }
                f.entries_not_loaded += usize::from(p.at.is_some());
            }
        }
        // Entries past a file's listed problems, or refused by a full set.
        f.entries_not_loaded +=
            loaded.files.iter().map(|r| r.unlisted_errors).sum::<usize>();
        f.indicator_files = bad.len();
        f
    }

    /// Returns the number of failures.
    pub fn total(&self) -> usize {
        self.paths_not_found
            + self.paths_unreadable
            + self.inputs_failed
            + self.indicator_files
    }
}

/// Writes `0 errors`, or the count and what they were: `3 errors: 1 path
/// not found, 1 input not fully read, 1 indicator file with errors (412
/// entries not loaded)`.
impl fmt::Display for Failures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.total();
        write!(f, "{total} {}", plural(total, "error", "errors"))?;
        let mut parts = Vec::new();
        let mut add = |n: usize, one: &str, many: &str| {
            if n > 0 {
                parts.push(format!("{n} {}", plural(n, one, many)));
            }
        };
        add(self.paths_not_found, "path not found", "paths not found");
        add(self.paths_unreadable, "path unreadable", "paths unreadable");
        add(
            self.inputs_failed,
            "input not fully read",
            "inputs not fully read",
        );
        add(
            self.indicator_files,
            "indicator file with errors",
            "indicator files with errors",
        );
        if self.indicator_files > 0 && self.entries_not_loaded > 0 {
            let n = self.entries_not_loaded;
            let entries = plural(n, "entry", "entries");
            let files = parts.last_mut().expect("indicator files counted");
            files.push_str(&format!(" ({n} {entries} not loaded)"));
        }
        if !parts.is_empty() {
            write!(f, ": {}", parts.join(", "))?;
        }
        Ok(())
    }
}

/// Returns notes on what a walk met besides files to sweep, one a line:
/// files reached twice, symbolic links not followed, link loops, and
/// FIFOs, sockets or devices skipped. Paths that failed are not among
/// them: those are errors.
pub fn walk_notes(walk: &WalkReport) -> Vec<String> {
    let mut notes = Vec::new();
    for (dup, first) in &walk.duplicates {
        notes.push(if dup == first {
            format!("{}: given twice, swept once", dup.display())
        } else {
            let (dup, first) = (dup.display(), first.display());
            format!("{dup}: same file as {first}, swept once")
        });
    }
    let skipped: [(&[PathBuf], &str, &str); 3] = [
        (
            &walk.symlinks_skipped,
            "symbolic link inside folders not followed",
            "symbolic links inside folders not followed",
        ),
        (
            &walk.loops,
            "symbolic link loop not followed (a link back to a folder \
             being walked)",
            "symbolic link loops not followed (links back to folders \
             being walked)",
        ),
        (
            &walk.special_skipped,
            "FIFO, socket or device inside folders skipped",
            "FIFOs, sockets or devices inside folders skipped",
        ),
    ];
    for (paths, one, many) in skipped {
        if !paths.is_empty() {
            let shown: Vec<String> = paths
                .iter()
                .take(NAMES_SHOWN)
                .map(|p| p.display().to_string())
                .collect();
            let more = paths.len().saturating_sub(NAMES_SHOWN);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let n = paths.len();
            let what = plural(n, one, many);
            notes.push(format!("{n} {what}: {}{more}", shown.join(", ")));
        }
    }
    let (files, folders) = (walk.files_left_out, walk.folders_left_out);
    if files + folders > 0 {
        // Said even when it is all that was asked: a pattern that leaves
        // out every file would otherwise look like a clean sweep.
        let mut parts = Vec::new();
        if files > 0 {
            parts.push(format!(
                "{files} {}",
                plural(files as usize, "file", "files")
            ));
        }
        if folders > 0 {
            let f = plural(folders as usize, "folder", "folders");
            parts.push(format!("{folders} {f}"));
        }
        notes.push(format!(
            "{} left out by --glob, --exclude or --max-depth",
            parts.join(" and ")
        ));
    }
    notes
}

/// How many names a summary line lists before it only counts the rest.
const NAMES_SHOWN: usize = 5;

impl Summary {
    /// Returns the summary's notes after its first line, one a line:
    /// compressed, tar, binary, UTF-16, invalid UTF-8 and empty inputs,
    /// each only if there are any.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.outside_window > 0 {
            let n = self.outside_window;
            let hits = plural(n as usize, "hit", "hits");
            notes.push(format!("{n} {hits} outside --since/--until left out"));
        }
        if self.untimed_kept > 0 {
            let n = self.untimed_kept;
            let hits = plural(n as usize, "hit", "hits");
            notes.push(format!(
                "{n} {hits} without a time kept: their lines give no time \
                 read here, so --since/--until cannot rule them out"
            ));
        }
        if !self.compressed.is_empty() {
            let formats: Vec<String> = self
                .compressed
                .iter()
                .map(|(f, n)| format!("{f} {n}"))
                .collect();
            let n = self.total_compressed();
            let inputs = plural(n as usize, "input", "inputs");
            notes.push(format!(
                "{n} compressed {inputs} ({})",
                formats.join(", ")
            ));
        }
        if self.archives > 0 {
            let (a, m) = (self.archives, self.members as usize);
            let archives = plural(a as usize, "tar archive", "tar archives");
            let members = plural(
                m,
                "member swept as an input of its own",
                "members swept as inputs of their own",
            );
            notes.push(format!("{a} {archives}: {m} {members}"));
        }
        let lists: [(&[String], &str, &str); 4] = [
            (&self.binary, "binary input", "(NUL bytes; swept as bytes)"),
            (&self.utf16, "UTF-16 input", "decoded"),
            (
                &self.invalid_utf8,
                "input",
                "with invalid UTF-8 (swept as bytes)",
            ),
            (&self.empty, "empty input", ""),
        ];
        for (names, what, how) in lists {
            if !names.is_empty() {
                notes.push(named_list(names, what, how));
            }
        }
        notes
    }
}

/// Returns `N what how: a, b, c`, naming the first [`NAMES_SHOWN`] and
/// counting the rest; `what` is pluralised with an `s`.
fn named_list(names: &[String], what: &str, how: &str) -> String {
    let n = names.len();
    let what = if n == 1 { what.to_string() } else { format!("{what}s") };
    let how = if how.is_empty() { String::new() } else { format!(" {how}") };
    let shown = names[..n.min(NAMES_SHOWN)].join(", ");
    let more = if n > NAMES_SHOWN {
        format!(" and {} more", n - NAMES_SHOWN)
    } else {
        String::new()
    };
    format!("{n} {what}{how}: {shown}{more}")
}

/// Returns `one` if `n` is 1, `many` otherwise.
pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The problems of one indicator file, for the list printed before a
/// sweep.
#[derive(Debug)]
pub struct FileProblems<'a> {
    /// The file.
    pub file: &'a str,
    /// Its problems, in order.
    pub problems: Vec<&'a Problem>,
    /// How many values it yielded.
    pub loaded: usize,
    /// How many of its entries could not be loaded: its errors about one
    /// entry each.
    pub not_loaded: usize,
    /// Whether it was read, or tried: false for a path skipped in a
    /// folder walk or named again, which has nothing to count.
    pub read: bool,
}

/// Returns the problems of a load grouped by file, in the order the files
/// were read.
pub fn problems_by_file(loaded: &Loaded) -> Vec<FileProblems<'_>> {
    let mut files: Vec<FileProblems<'_>> = Vec::new();
    for p in &loaded.problems {
        let i = match files.iter().position(|f| f.file == &*p.file) {
            Some(i) => i,
            None => {
                let file = &*p.file;
                let reports =
                    || loaded.files.iter().filter(|r| &*r.file == file);
                files.push(FileProblems {
                    file,
                    problems: Vec::new(),
                    loaded: reports().map(|r| r.values).sum(),
                    not_loaded: reports().map(|r| r.unlisted_errors).sum(),
                    read: reports().next().is_some(),
                });
                files.len() - 1
            }
        };
        let entry_error = p.severity == Severity::Error && p.at.is_some();
        files[i].not_loaded += usize::from(entry_error);
        files[i].problems.push(p);
    }
    files
}

/// Counts a sweep's progress as the sink sees it, for a progress bar
/// on another thread.
#[derive(Debug, Default)]
pub struct Counters {
    /// Inputs done.
    pub inputs: AtomicU64,
    /// Hits so far.
    pub hits: AtomicU64,
}

/// Writes hit records and keeps the summary.
pub struct Reporter<'s, W: Write> {
    out: W,
    format: Format,
    color: bool,
    set: &'s IndicatorSet,
    sources: Vec<Option<String>>,
    summary: Summary,
    buf: Vec<u8>,
    last_archive: Option<String>,
    started: Stamp,
    header: bool,
    counters: Option<Arc<Counters>>,
    /// The hits given for the input not yet done: how many, and the line
    /// and stream offset the last one ends at. A sweep cut short by a
    /// closed output knows no more of that input than this.
    current: Option<(Input, u64, u64, u64)>,
}

impl<'s, W: Write> Reporter<'s, W> {
    /// Creates a reporter writing `format` to `out`; `color` marks the
    /// matched text with terminal colours in text output.
    pub fn new(
        out: W,
        format: Format,
        color: bool,
        set: &'s IndicatorSet,
    ) -> Reporter<'s, W> {
        Reporter {
            out,
            format,
            color,
            set,
            sources: vec![None; set.len()],
            summary: Summary::default(),
            buf: Vec::with_capacity(8192),
            last_archive: None,
            started: manifest::now(),
            header: false,
            current: None,
            counters: None,
        }
    }

    /// Sets when the sweep started, which ECS records carry.
    pub fn started_at(mut self, started: Stamp) -> Self {
        self.started = started;
        self
    }

    /// Makes the reporter count inputs done and hits in `counters`.
    pub fn count_in(mut self, counters: Arc<Counters>) -> Self {
        self.counters = Some(counters);
        self
    }

    /// Flushes the output and returns the summary.
    ///
    /// # Errors
    ///
    /// Returns the error of the final flush.
    pub fn finish(self) -> io::Result<Summary> {
        let (summary, flushed) = self.finish_keeping();
        flushed.map(|()| summary)
    }

    /// Flushes the output; returns the summary, and the error of the
    /// final flush if it failed (a closed pipe, a full disk).
    pub fn finish_keeping(mut self) -> (Summary, io::Result<()>) {
        self.write_header();
        let flushed =
            self.out.write_all(&self.buf).and_then(|()| self.out.flush());
        (self.summary, flushed)
    }

    /// Writes the CSV header row once, before the first row (or at the
    /// end, for a sweep without hits).
    fn write_header(&mut self) {
        if self.format == Format::Csv && !self.header {
            self.buf.extend_from_slice(csv::HEADER.as_bytes());
            self.header = true;
        }
    }

    /// Returns the JSON array of an indicator's sources, built once.
    /// File names and ids go through [`json_str`], like log text: an
    /// indicator file's name is no safer to print than a log line.
    fn sources_json(&mut self, id: u32) -> &str {
        let set = self.set;
        self.sources[id as usize].get_or_insert_with(|| {
            terminal_safe_json(&tally::sources_json(set.get(id)))
        })
    }

    fn write_jsonl(&mut self, name: &str, hit: &Hit<'_>) {
        let ind = self.set.get(hit.id);
        let kind = ind.kind();
        let indicator = ind.value.to_string();
        let sources = self.sources_json(hit.id).to_string();
        let b = &mut self.buf;
        b.extend_from_slice(b"{\"path\":");
        json_str(b, name);
        b.extend_from_slice(
            format!(
                ",\"line\":{},\"offset\":{},\"kind\":\"{}\",\"indicator\":",
                hit.line, hit.offset, kind
            )
            .as_bytes(),
        );
        json_str(b, &indicator);
        b.extend_from_slice(b",\"matched\":");
        json_str(b, &String::from_utf8_lossy(hit.matched));
        b.extend_from_slice(b",\"sources\":");
        b.extend_from_slice(sources.as_bytes());
        if let Some(t) = hit.time {
            b.extend_from_slice(format!(",\"time\":\"{t}\"").as_bytes());
        }
        if let Some(log) = hit.log {
            b.extend_from_slice(b",\"log\":");
            json_str(b, log);
        }
        if !hit.fields.is_empty() {
            b.extend_from_slice(b",\"fields\":[");
            for (i, f) in hit.fields.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                json_str(b, f);
            }
            b.push(b']');
        }
        if let Some(peer) = hit.peer {
            b.extend_from_slice(b",\"peer\":");
            json_str(b, peer);
        }
        b.extend_from_slice(b",\"text\":");
        let text = cut_text(hit.text, match_range(hit));
        json_str(b, &String::from_utf8_lossy(text));
        b.extend_from_slice(b"}\n");
    }

    fn write_text(&mut self, name: &str, hit: &Hit<'_>) {
        let ind = self.set.get(hit.id);
        let b = &mut self.buf;
        let head = format!(
            "{}:{}: {} {}: ",
            sanitize::escape(name),
            hit.line,
            ind.kind(),
            sanitize::escape(&ind.value.to_string())
        );
        b.extend_from_slice(head.as_bytes());
        // Show the line around the match, the match marked.
        let text = hit.text;
        let (m_start, m_end) = match_range(hit);
        let from = floor_char(text, m_start.saturating_sub(120));
        let to = floor_char(text, (m_end + 120).min(text.len()));
        let (open, close) =
            if self.color { ("\x1b[1;31m", "\x1b[0m") } else { ("[[", "]]") };
        if from > 0 {
            b.extend_from_slice("…".as_bytes());
        }
        b.extend_from_slice(
            sanitize::escape_bytes(&text[from..m_start]).as_bytes(),
        );
        b.extend_from_slice(open.as_bytes());
        b.extend_from_slice(
            sanitize::escape_bytes(&text[m_start..m_end]).as_bytes(),
        );
        b.extend_from_slice(close.as_bytes());
        b.extend_from_slice(
            sanitize::escape_bytes(&text[m_end..to]).as_bytes(),
        );
        if to < text.len() {
            b.extend_from_slice("…".as_bytes());
        }
        b.push(b'\n');
    }

    fn write_csv(&mut self, name: &str, hit: &Hit<'_>) {
        self.write_header();
        let ind = self.set.get(hit.id);
        let text = cut_text(hit.text, match_range(hit));
        csv::write_row(&mut self.buf, name, hit, ind, text);
    }

    fn write_ecs(&mut self, name: &str, hit: &Hit<'_>) {
        let ind = self.set.get(hit.id);
        let text = cut_text(hit.text, match_range(hit));
        let doc = ecs::record(name, hit, ind, text, self.started);
        self.buf.extend_from_slice(terminal_safe_json(&doc).as_bytes());
        self.buf.push(b'\n');
    }
}

/// Returns `v` as compact JSON in which every character that could
/// steer a terminal is written as a `\u` escape, as in JSON lines
/// records. Such characters can only stand inside JSON strings, where
/// the escape means the same character.
pub fn terminal_safe_json(v: &serde_json::Value) -> String {
    terminal_safe_json_text(v.to_string())
}

/// Returns JSON text with every character that could steer a terminal
/// written as a `\u` escape; see [`terminal_safe_json`].
pub fn terminal_safe_json_text(text: String) -> String {
    use std::fmt::Write as _;
    // Line breaks, tabs and carriage returns can only be whitespace
    // between tokens (pretty printing): inside strings they are escaped.
    let steers =
        |c: char| sanitize::is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r');
    if !text.chars().any(steers) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if steers(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

impl<W: Write> Sink for Reporter<'_, W> {
    fn hit(&mut self, input: &Input, hit: &Hit<'_>) -> io::Result<()> {
        let name = input.name();
        match self.format {
            Format::Jsonl => self.write_jsonl(&name, hit),
            Format::Text => self.write_text(&name, hit),
            Format::Csv => self.write_csv(&name, hit),
            Format::Ecs => self.write_ecs(&name, hit),
        }
        *self.summary.hits.entry(self.set.get(hit.id).kind()).or_insert(0) +=
            1;
        self.summary.tally.add(&Sighting {
            id: hit.id,
            path: &name,
            line: hit.line,
            time: hit.time,
            log: hit.log,
            fields: &hit.fields,
            peer: hit.peer,
        });
        if let Some(c) = &self.counters {
            c.hits.fetch_add(1, Ordering::Relaxed);
        }
        let end = hit.offset + hit.matched.len() as u64;
        match &mut self.current {
            Some((i, n, line, at)) if i == input => {
                *n += 1;
                (*line, *at) = ((*line).max(hit.line), (*at).max(end));
            }
            _ => self.current = Some((input.clone(), 1, hit.line, end)),
        }
        if self.buf.len() >= 64 * 1024 {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn input_done(
        &mut self,
        input: &Input,
        stats: &InputStats,
        error: Option<&io::Error>,
    ) -> io::Result<()> {
        self.current = None;
        let s = &mut self.summary;
        s.inputs += 1;
        s.bytes += stats.bytes;
        s.lines += stats.lines;
        s.outside_window += stats.outside_window;
        s.untimed_kept += stats.untimed_kept;
        if stats.binary {
            s.binary.push(input.name());
        }
        if let Some(format) = stats.compression {
            *s.compressed.entry(format).or_insert(0) += 1;
        }
        if stats.utf16 {
            s.utf16.push(input.name());
        }
        if stats.invalid_utf8 && !stats.binary {
            s.invalid_utf8.push(input.name());
        }
        if stats.bytes == 0 && error.is_none() {
            s.empty.push(input.name());
        }
        if let Input::Member { archive, .. } = input {
            // An archive's members come one after another.
            if self.last_archive.as_deref() != Some(archive) {
                self.last_archive = Some(archive.clone());
                s.archives += 1;
            }
            s.members += 1;
        }
        if let Some(e) = error {
            s.errors.push((input.name(), e.to_string()));
        }
        self.record(input, stats, error.map(ToString::to_string), false);
        if let Some(c) = &self.counters {
            c.inputs.fetch_add(1, Ordering::Relaxed);
        }
        // Written after the books are kept, so an input whose records
        // meet a closed output is still in the ledger.
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    fn input_hashed(
        &mut self,
        input: &Input,
        digest: &RawDigest,
    ) -> io::Result<()> {
        self.summary.ledger.digests.insert(input.name(), *digest);
        Ok(())
    }

    fn input_stopped(
        &mut self,
        input: &Input,
        stats: &InputStats,
    ) -> io::Result<()> {
        // Cut short by a closed output, the sweep may not have counted
        // the units whose hits it was giving: what those hits show of
        // the input is then the better count.
        let mut stats = stats.clone();
        if let Some((i, hits, line, end)) = self.current.take() {
            if &i == input {
                stats.hits = stats.hits.max(hits);
                stats.lines = stats.lines.max(line);
                stats.bytes = stats.bytes.max(end);
            }
        }
        let stats = &stats;
        let s = &mut self.summary;
        s.inputs += 1;
        s.bytes += stats.bytes;
        s.lines += stats.lines;
        self.record(input, stats, None, true);
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

impl<W: Write> Reporter<'_, W> {
    /// Adds an input's record to the ledger.
    fn record(
        &mut self,
        input: &Input,
        stats: &InputStats,
        error: Option<String>,
        stopped: bool,
    ) {
        let archive = match input {
            Input::Member { archive, .. } => Some(archive.clone()),
            _ => None,
        };
        self.summary.ledger.records.push(InputRecord {
            name: input.name(),
            archive,
            stats: stats.clone(),
            error,
            stopped,
        });
    }
}

/// Returns where the match lies within the hit's line, as a start and
/// end offset into `hit.text` (the matched bytes are a slice of it).
fn match_range(hit: &Hit<'_>) -> (usize, usize) {
    let len = hit.text.len();
    let start = (hit.matched.as_ptr() as usize)
        .saturating_sub(hit.text.as_ptr() as usize)
        .min(len);
    (start, (start + hit.matched.len()).min(len))
}

/// Returns a window of `text` at most [`TEXT_LIMIT`] bytes long, cut at
/// character boundaries, that holds the match `start..end` with about as
/// much of the line before it as after it. A line that fits is returned
/// whole; a match longer than the limit is shown from its start.
fn cut_text(text: &[u8], (start, end): (usize, usize)) -> &[u8] {
    if text.len() <= TEXT_LIMIT {
        return text;
    }
    let room = TEXT_LIMIT.saturating_sub(end - start) / 2;
    let from = start.saturating_sub(room).min(text.len() - TEXT_LIMIT);
    let from = ceil_char(text, from).min(start);
    // Moved to a character's start, `from` may leave less than the
    // limit after it.
    let to = floor_char(text, (from + TEXT_LIMIT).min(text.len()));
    &text[from..to]
}

/// Moves `i` back to the start of a UTF-8 character, at most three
/// bytes: in invalid UTF-8 a run of continuation bytes can be any length,
/// and must not drag a cut point back past the match.
fn floor_char(text: &[u8], mut i: usize) -> usize {
    let limit = i.saturating_sub(3);
    while i > limit && i < text.len() && (text[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// Moves `i` forward to the start of a UTF-8 character, at most three
/// bytes (the continuation bytes one character can have).
fn ceil_char(text: &[u8], mut i: usize) -> usize {
    let limit = (i + 3).min(text.len());
    while i < limit && (text[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

/// Appends `s` as a JSON string. Besides what JSON requires, every
/// character that could steer a terminal (DEL, C1 controls, bidi and
/// invisible characters, U+2028/U+2029) is written as a `\u` escape
/// (`\u202e`), so a record is safe to view raw.
fn json_str(out: &mut Vec<u8>, s: &str) {
    use std::io::Write as _;
    out.push(b'"');
    let bytes = s.as_bytes();
    // Runs of printable ASCII, most of any log line, are copied whole.
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        let c = s[i..].chars().next().expect("i is on a char boundary");
        let len = c.len_utf8();
        if b >= 0x80 && !sanitize::is_unsafe(c) {
            i += len;
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{u:04x}");
                }
            }
        }
        i += len;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Returns a byte count for people: `512 B`, `3.4 MiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 { format!("{n} B") } else { format!("{v:.1} {}", UNITS[u]) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::{ParseOptions, parse_value};
    use crate::set::{Locator, SetBuilder, Source};

    /// Writes one text record of `text`, the match at `at`.
    fn text_record(text: &[u8], at: std::ops::Range<usize>) -> String {
        let mut b = SetBuilder::new();
        let p = parse_value("192.0.2.1", ParseOptions::default()).unwrap();
        let source = Source {
            file: "i.txt".into(),
            at: Locator::Line(1),
            compound: false,
            meta: Default::default(),
        };
        b.push(p.value, source);
        let set = b.build();
        let mut out = Vec::new();
        let mut r = Reporter::new(&mut out, Format::Text, false, &set);
        let hit = Hit {
            line: 1,
            offset: 0,
            id: 0,
            matched: &text[at],
            text,
            time: None,
            log: None,
            fields: Vec::new(),
            peer: None,
        };
        r.hit(&Input::Stdin, &hit).unwrap();
        r.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn invalid_utf8_after_a_match_does_not_move_the_cut_before_it() {
        // 200 continuation bytes after the match: the window's end must
        // not walk back through them to before the match.
        let mut t = b"192.0.2.1".to_vec();
        t.extend_from_slice(&[0x80; 200]);
        let got = text_record(&t, 0..9);
        let tail = "\\x80".repeat(117);
        assert_eq!(
            got,
            format!("-:1: ipv4 192.0.2.1: [[192.0.2.1]]{tail}…\n")
        );
    }

    #[test]
    fn a_bidi_override_in_an_indicator_file_name_is_escaped_in_sources() {
        let mut b = SetBuilder::new();
        let p = parse_value("192.0.2.1", ParseOptions::default()).unwrap();
        let source = Source {
            file: "iocs\u{202e}txt.exe".into(),
            at: Locator::Id("x\u{200b}".into()),
            compound: false,
            meta: Default::default(),
        };
        b.push(p.value, source);
        let set = b.build();
        let mut r = Reporter::new(Vec::new(), Format::Jsonl, false, &set);
        assert_eq!(
            r.sources_json(0),
            r#"[{"file":"iocs\u202etxt.exe","id":"x\u200b"}]"#
        );
    }

    #[test]
    fn hits_still_buffered_are_written_by_finish() {
        let got = text_record(b"192.0.2.1", 0..9);
        assert_eq!(got, "-:1: ipv4 192.0.2.1: [[192.0.2.1]]\n");
    }

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        let mut t = vec![b'a'; TEXT_LIMIT - 1];
        t.extend_from_slice("é and more".as_bytes());
        assert_eq!(cut_text(&t, (0, 1)).len(), TEXT_LIMIT - 1);
        assert_eq!(cut_text(b"short", (0, 5)), b"short");
    }

    #[test]
    fn a_long_line_is_cut_around_its_match() {
        // 100 KiB line, the match at 50 KiB.
        let at = 50 * 1024;
        let mut t = vec![b'a'; at];
        t.extend_from_slice(b"192.0.2.1");
        t.resize(100 * 1024, b'b');
        let got = cut_text(&t, (at, at + 9));
        let room = (TEXT_LIMIT - 9) / 2;
        let mut want = vec![b'a'; room];
        want.extend_from_slice(b"192.0.2.1");
        want.resize(TEXT_LIMIT, b'b');
        assert_eq!(got, &want[..]);
    }

    #[test]
    fn a_window_in_multibyte_text_keeps_whole_characters() {
        // Two-byte characters on both sides and an odd margin: both edges
        // of the window fall inside a character and move to a boundary.
        let before = "é".repeat(30_001);
        let t = format!("{before}192.0.2.1{}", "ü".repeat(30_000));
        let start = before.len();
        let got = cut_text(t.as_bytes(), (start, start + 9));
        let got = std::str::from_utf8(got).expect("whole characters");
        // The margin is 2043 bytes: 1021 characters before, and after,
        // what is left of 4096 bytes rounded down, 1022 characters.
        let want =
            format!("{}192.0.2.1{}", "é".repeat(1021), "ü".repeat(1022));
        assert_eq!(got, want);
    }

    #[test]
    fn a_match_at_either_end_of_a_long_line_is_kept() {
        let mut t = vec![b'x'; 10_000];
        t[..4].copy_from_slice(b"AAAA");
        t[9_996..].copy_from_slice(b"ZZZZ");
        assert_eq!(cut_text(&t, (0, 4)), &t[..TEXT_LIMIT]);
        assert_eq!(cut_text(&t, (9_996, 10_000)), &t[10_000 - TEXT_LIMIT..]);
    }

    #[test]
    fn failures_are_counted_and_named() {
        assert_eq!(Failures::default().to_string(), "0 errors");
        let f = Failures {
            paths_not_found: 1,
            paths_unreadable: 0,
            inputs_failed: 2,
            indicator_files: 1,
            entries_not_loaded: 412,
        };
        assert_eq!(
            f.to_string(),
            "4 errors: 1 path not found, 2 inputs not fully read, \
             1 indicator file with errors (412 entries not loaded)"
        );
    }

    #[test]
    fn json_strings_escape_controls() {
        let mut v = Vec::new();
        json_str(&mut v, "a\"\u{1b}[31m\n\u{202e}\u{7f}\\é");
        let text = String::from_utf8(v).unwrap();
        assert_eq!(text, r#""a\"\u001b[31m\n\u202e\u007f\\é""#);
        let back: String = serde_json::from_str(&text).unwrap();
        assert_eq!(back, "a\"\u{1b}[31m\n\u{202e}\u{7f}\\é");
    }

    /// A line one byte over the limit, opening with a two-byte
    /// character and matched near its end: the window's start moved to
    /// the character after it, and its end then fell past the line's.
    #[test]
    fn a_window_moved_off_a_character_ends_within_the_line() {
        let mut t = "é".as_bytes().to_vec();
        t.resize(TEXT_LIMIT - 11, b'a');
        t.extend_from_slice(b" 192.0.2.100");
        assert_eq!(t.len(), TEXT_LIMIT + 1);
        let at = t.len() - 11;
        assert_eq!(cut_text(&t, (at, t.len())), &t[2..]);
    }

    proptest::proptest! {
        /// Whatever the bytes and the match, the window is within the
        /// limit and the line, and holds a match that fits in it.
        #[test]
        fn a_window_holds_its_match_within_the_limit(
            text in proptest::collection::vec(
                proptest::sample::select(vec![b'a', b' ', 0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0x80]),
                0..9000,
            ),
            a in 0usize..9000,
            b in 0usize..9000,
        ) {
            let start = a.min(text.len());
            let end = (start + b).min(text.len());
            let got = cut_text(&text, (start, end));
            let from = got.as_ptr() as usize - text.as_ptr() as usize;
            proptest::prop_assert!(got.len() <= TEXT_LIMIT);
            if end - start <= TEXT_LIMIT - 6 {
                proptest::prop_assert!(from <= start && end <= from + got.len());
            }
        }

        #[test]
        fn any_bytes_make_one_valid_json_string(bytes: Vec<u8>) {
            let text = String::from_utf8_lossy(&bytes);
            let mut v = Vec::new();
            json_str(&mut v, &text);
            proptest::prop_assert!(!v.contains(&b'\n'));
            let back: String = serde_json::from_slice(&v).unwrap();
            proptest::prop_assert_eq!(back, text.into_owned());
        }
    }
}
