//! Loading indicator files: format detection and the readers for each
//! format.
//!
//! [`load_paths`] walks files and folders, detects each file's format from
//! its content (never its name) and hands the text to that format's
//! reader. Readers report every value through a [`Reader`], which
//! classifies it, records its source and collects problems, so a bad
//! entry costs one problem line and the rest of the file still loads.

mod csv;
mod jsonl;
mod misp;
mod openioc;
mod prose;
mod sniff;
mod stix1;
pub(crate) mod stix2;
mod stream;
mod text;
mod xml;
mod zeek;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::indicator::{self, Kind, ParseOptions};
use crate::set::{
    Indicator, IndicatorSet, Locator, SetBuilder, Source, SourceMeta,
};

pub use sniff::detect;
pub use text::header_field;

/// What becomes of an entry whose validity time does not read, the end
/// of a warning about it (see [`SourceMeta::validity_unread`]).
pub(crate) const UNREAD: &str =
    "an indicator is read without it, an allowlist entry is not applied";

/// The indicator file formats the loader reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One value a line, with comments.
    Text,
    /// A table with a header row (comma, semicolon, tab or pipe).
    Csv,
    /// A STIX 2.0 or 2.1 JSON bundle.
    Stix2,
    /// A Zeek intel framework file.
    ZeekIntel,
    /// A STIX 1.x XML package (CybOX observables).
    Stix1,
    /// An OpenIOC 1.0 or 1.1 XML document.
    OpenIoc,
    /// A MISP event export (JSON).
    Misp,
    /// One JSON object a line (Spamhaus DROP lists).
    JsonLines,
    /// A report or advisory appendix: prose, tables, lists.
    Prose,
}

impl Format {
    /// Returns the name shown in summaries.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Csv => "csv",
            Format::Stix2 => "stix2",
            Format::ZeekIntel => "zeek-intel",
            Format::Stix1 => "stix1",
            Format::OpenIoc => "openioc",
            Format::Misp => "misp",
            Format::JsonLines => "jsonl",
            Format::Prose => "prose",
        }
    }
}

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The value loaded, but not quite as written, or something was
    /// skipped that the user should know about.
    Warning,
    /// A value or a whole file could not be loaded.
    Error,
}

/// Something a user should hear about an indicator file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: Arc<str>,
    /// The line or object, when the problem is about one entry.
    pub at: Option<Locator>,
    /// How bad it is.
    pub severity: Severity,
    /// What is wrong and what was expected, lower-case, no final period.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(Locator::Line(n)) => write!(f, "{}:{n}: ", self.file)?,
            Some(Locator::Id(id)) => write!(f, "{}: {id}: ", self.file)?,
            None => write!(f, "{}: ", self.file)?,
        }
        if self.severity == Severity::Warning {
            f.write_str("warning: ")?;
        }
        f.write_str(&self.message)
    }
}

/// What became of one indicator file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The file.
    pub file: Arc<str>,
    /// The format detected, if the file could be read at all.
    pub format: Option<Format>,
    /// How many values it yielded, repeats included.
    pub values: usize,
    /// Entries not loaded whose errors are counted but not listed among
    /// the problems: past [`MAX_PROBLEMS_PER_FILE`], or refused because
    /// the set was full ([`crate::set::MAX_INDICATORS`]).
    pub unlisted_errors: usize,
    /// Warnings counted but not listed, past [`MAX_PROBLEMS_PER_FILE`].
    pub unlisted_warnings: usize,
    /// The problems added to say how many were not listed (errors,
    /// warnings): counted apart, they are not problems of their own.
    pub closing: (usize, usize),
    /// The SHA-256 and size of the bytes read, for a file read from disk:
    /// what was loaded, whatever the file holds later or its name spells.
    pub read: Option<([u8; 32], u64)>,
}

impl FileReport {
    /// Returns how many more errors and warnings the file had than its
    /// listed problems show, net of the closing problems that count them.
    pub fn unlisted(&self) -> (isize, isize) {
        let (e, w) = self.closing;
        (
            self.unlisted_errors as isize - e as isize,
            self.unlisted_warnings as isize - w as isize,
        )
    }
}

/// Returns `3 more entries not loaded and 2 more warnings`, naming
/// only the counts that are not 0 (one at least is).
fn unlisted_counts(errors: usize, warnings: usize) -> String {
    let e = match errors {
        0 => None,
        1 => Some("1 more entry not loaded".to_string()),
        n => Some(format!("{n} more entries not loaded")),
    };
    let w = match warnings {
        0 => None,
        1 => Some("1 more warning".to_string()),
        n => Some(format!("{n} more warnings")),
    };
    match (e, w) {
        (Some(e), Some(w)) => format!("{e} and {w}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => "nothing more".to_string(),
    }
}

/// The longest problem message, in characters: a message quoting a huge
/// value or pattern keeps its start and end, and says how much was cut.
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// Returns `message` cut to about `max` characters: its first and last
/// `max / 2 - 20` kept, with how many characters were left out between.
fn clip(message: String, max: usize) -> String {
    let n = message.chars().count();
    if n <= max {
        return message;
    }
    let keep = max / 2 - 20;
    let head_end = message.char_indices().nth(keep).map_or(0, |(i, _)| i);
    let tail_start =
        message.char_indices().nth(n - keep).map_or(message.len(), |(i, _)| i);
    format!(
        "{}…[{} characters left out]…{}",
        &message[..head_end],
        n - 2 * keep,
        &message[tail_start..]
    )
}

/// Reads a file named to be loaded, up to `limit` bytes; `None` when it
/// holds more. The size on disk is checked first, but a FIFO, a device or
/// standard input has none, so the read itself is bounded.
fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let hint = file.metadata().map_or(0, |m| m.len()).min(limit);
    let mut bytes = Vec::with_capacity(hint as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// How many problems one file may list. The rest are counted, in one
/// problem that says how many there were, so a file of millions of bad
/// lines costs bounded memory and does not flood the terminal.
pub const MAX_PROBLEMS_PER_FILE: usize = 10_000;

/// Options for loading.
#[derive(Clone, Copy, Debug, Default)]
pub struct LoadOptions {
    /// Options for classifying values.
    pub parse: ParseOptions,
    /// Load only entries the publisher flagged for detection (MISP
    /// `to_ids`); formats without the flag load whole.
    pub to_ids_only: bool,
}

/// The result of loading indicator files.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The deduplicated indicators.
    pub set: IndicatorSet,
    /// Every problem, in file then position order.
    pub problems: Vec<Problem>,
    /// One report per file read.
    pub files: Vec<FileReport>,
}

impl Loaded {
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }

    /// Leaves out the indicators no source still vouches for: those
    /// whose every source was revoked or expired (`valid_until` before
    /// the start of the UTC day of `now`, Unix seconds). With
    /// `include_expired`, expired ones are kept; revoked ones never
    /// are. Returns what was left out.
    pub fn retain_current(
        &mut self,
        now: i64,
        include_expired: bool,
    ) -> Vec<Retired> {
        let today = now - now.rem_euclid(86_400);
        let gone = self.set.retain(|i| {
            i.sources.iter().any(|s| vouches(s, today, include_expired))
        });
        gone.into_iter()
            .map(|indicator| {
                let revoked = indicator
                    .sources
                    .iter()
                    .all(|s| retirement(s, today) == Retirement::Revoked);
                let why = if revoked {
                    Retirement::Revoked
                } else {
                    Retirement::Expired
                };
                Retired { indicator, why }
            })
            .collect()
    }

    /// Drops from the indicators [`Loaded::retain_current`] kept the
    /// sources that do not vouch for them (revoked, or expired without
    /// `include_expired`): a hit names only the entries that stand behind
    /// it, and an export writes what those say (a value whole only in a
    /// revoked entry, and a part in a current one, is a part). `iocs
    /// check`, which accounts for every entry of a file, keeps them.
    pub fn drop_stale_sources(&mut self, now: i64, include_expired: bool) {
        let today = now - now.rem_euclid(86_400);
        self.set.retain_sources(|s| vouches(s, today, include_expired));
    }
}

/// Where a source stands on the day starting at `today` (Unix seconds).
fn retirement(s: &Source, today: i64) -> Retirement {
    if s.meta.revoked {
        Retirement::Revoked
    } else if s.meta.valid_until.is_some_and(|u| u < today) {
        Retirement::Expired
    } else {
        Retirement::Current
    }
}

/// Whether a source still vouches for its value on the day starting at
/// `today`.
fn vouches(s: &Source, today: i64, include_expired: bool) -> bool {
    match retirement(s, today) {
        Retirement::Current => true,
        Retirement::Expired => include_expired,
        Retirement::Revoked => false,
    }
}

/// Why an indicator was left out of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Retirement {
    /// A source still vouches for it (not left out).
    Current,
    /// Its sources' validity ended before the day of the sweep.
    Expired,
    /// Every source revoked it.
    Revoked,
}

/// An indicator [`Loaded::retain_current`] left out, and why.
#[derive(Clone, Debug)]
pub struct Retired {
    /// The indicator.
    pub indicator: Indicator,
    /// Why it was left out.
    pub why: Retirement,
}

/// Returns the summary line for what [`Loaded::retain_current`] left
/// out, if anything was.
pub fn retired_note(
    retired: &[Retired],
    include_expired: bool,
) -> Vec<String> {
    let count = |w| retired.iter().filter(|r| r.why == w).count();
    let (expired, revoked) =
        (count(Retirement::Expired), count(Retirement::Revoked));
    let mut out = Vec::new();
    if expired > 0 && !include_expired {
        out.push(format!(
            "{expired} expired {} left out (valid_until before today); \
             --include-expired keeps them",
            if expired == 1 { "indicator" } else { "indicators" }
        ));
    }
    if revoked > 0 {
        out.push(format!(
            "{revoked} revoked {} left out",
            if revoked == 1 { "indicator" } else { "indicators" }
        ));
    }
    out
}

/// The largest indicator file read, in bytes (1 GiB). Published feeds are
/// far smaller; a larger file is refused before it is read, since
/// reading holds it, and its decoded text, in memory.
pub const MAX_FILE_SIZE: u64 = 1 << 30;

/// Collects indicator files and builds one set from them.
#[derive(Debug, Default)]
pub struct Loader {
    opts: LoadOptions,
    builder: SetBuilder,
    problems: Vec<Problem>,
    files: Vec<FileReport>,
    /// The files read so far, as the file system identifies them.
    read: std::collections::HashSet<FileId>,
}

impl Loader {
    /// Creates a loader.
    pub fn new(opts: LoadOptions) -> Loader {
        Loader { opts, ..Loader::default() }
    }

    /// Loads a file, or every file under a folder (sorted, recursively,
    /// hidden files included).
    pub fn add_path(&mut self, path: &Path) {
        let name: Arc<str> = crate::sweep::input::path_name(path).into();
        if path == Path::new("-") {
            // Indicator files are hashed for the manifest and may be read
            // again for a check; a sweep may read its logs from standard
            // input. So `-` names no indicator file.
            let why = "standard input is not read for indicators: name a \
                       file or folder (save piped indicators to a file \
                       first)";
            return self.file_error(name, why.into());
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                return self.file_error(name, format!("cannot read: {e}"));
            }
        };
        if !meta.is_dir() {
            // A file named twice, or named and met again in a folder, is
            // read once: read twice, its counts would be one account
            // under one name, twice over.
            if !self.read.insert(FileId::of(path, &meta)) {
                self.problems.push(Problem {
                    file: name,
                    at: None,
                    severity: Severity::Warning,
                    message: "skipped: named more than once (or also found \
                              in a folder named, or a link to a file read); \
                              read once"
                        .into(),
                });
                return;
            }
            if meta.len() > MAX_FILE_SIZE {
                let why = format!(
                    "{} bytes, larger than the {} MiB limit for an \
                     indicator file; not read",
                    meta.len(),
                    MAX_FILE_SIZE >> 20
                );
                return self.file_error(name, why);
            }
            return match read_bounded(path, MAX_FILE_SIZE) {
                Ok(Some(bytes)) => {
                    use sha2::Digest as _;
                    let read = (
                        sha2::Sha256::digest(&bytes).into(),
                        bytes.len() as u64,
                    );
                    self.add_owned(name, bytes);
                    // add_owned gives every file one report.
                    if let Some(f) = self.files.last_mut() {
                        f.read = Some(read);
                    }
                }
                Ok(None) => self.file_error(
                    name,
                    format!(
                        "more than {} MiB read, the limit for an indicator \
                         file; not loaded",
                        MAX_FILE_SIZE >> 20
                    ),
                ),
                Err(e) => self.file_error(name, format!("cannot read: {e}")),
            };
        }
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
            Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
            Err(e) => {
                return self
                    .file_error(name, format!("cannot read folder: {e}"));
            }
        };
        entries.sort();
        for entry in entries {
            self.add_entry(&entry);
        }
    }

    /// Loads one entry met in a folder. Symbolic links are not followed
    /// (a link to `..` would loop, or pull in the logs being swept);
    /// Markdown documentation, licence and notice files, and hidden files
    /// and folders (`.git` of a cloned feed repository, whose object ids
    /// read as SHA-1 hashes) are not read as indicators; all are named.
    fn add_entry(&mut self, entry: &Path) {
        let name: Arc<str> = crate::sweep::input::path_name(entry).into();
        let kind = std::fs::symlink_metadata(entry).map(|m| m.file_type());
        let is_link = kind.as_ref().is_ok_and(|t| t.is_symlink());
        // A FIFO would block the load until something writes to it, and
        // a device can be endless: only files and folders are walked.
        let is_special = kind
            .as_ref()
            .is_ok_and(|t| !t.is_file() && !t.is_dir() && !t.is_symlink());
        let is_doc = entry.extension().is_some_and(|e| {
            e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
        });
        let file_name = entry.file_name().map(|n| n.to_string_lossy());
        let file_name = file_name.as_deref().unwrap_or("");
        let is_hidden = file_name.starts_with('.');
        let is_legal = ["LICENSE", "LICENCE", "COPYING", "NOTICE", "AUTHORS"]
            .iter()
            .any(|p| {
                // Bytes, not a string slice: a name such as `2024_été.txt`
                // has no character boundary where the prefix ends.
                file_name.as_bytes().get(..p.len()).is_some_and(|head| {
                    head.eq_ignore_ascii_case(p.as_bytes())
                })
            });
        let skip = if is_link {
            "symbolic link inside a folder, not followed; name it to load it"
        } else if is_special {
            "FIFO, socket or device inside a folder, not read; name it to \
             load it"
        } else if is_doc {
            "Markdown documentation, not read as indicators; name it to \
             load it"
        } else if is_hidden {
            "hidden file or folder (such as .git), not read as indicators; \
             name it to load it"
        } else if is_legal {
            "licence, notice or authors file, not read as indicators; name \
             it to load it"
        } else {
            return self.add_path(entry);
        };
        self.problems.push(Problem {
            file: name,
            at: None,
            severity: Severity::Warning,
            message: format!("skipped: {skip}"),
        });
    }

    /// Loads one file's bytes, detecting its format from the content.
    pub fn add_bytes(&mut self, name: Arc<str>, bytes: &[u8]) {
        self.add_owned(name, bytes.to_vec());
    }

    /// Loads one file's bytes, taking them over: UTF-8 text is read where
    /// it is, without a copy.
    fn add_owned(&mut self, name: Arc<str>, bytes: Vec<u8>) {
        // A lone CR ends a line, in detection as in every reader.
        let read = sniff::decode(bytes)
            .map(|t| sniff::Decoded {
                text: sniff::lone_cr_as_lf(t.text),
                ..t
            })
            .and_then(|t| Ok((sniff::detect(&t.text)?, t)));
        match read {
            Ok((format, t)) => {
                if let Some(encoding) = t.guessed {
                    self.problems.push(Problem {
                        file: name.clone(),
                        at: None,
                        severity: Severity::Warning,
                        message: format!(
                            "read as {encoding}: no byte order mark, but \
                             NUL bytes on one side of nearly every byte pair"
                        ),
                    });
                }
                // Detection reads past any further byte order marks (a
                // file saved twice with one); so do the readers.
                let text = t.text.trim_start_matches('\u{feff}');
                self.add_text(name, text, t.lossy, format);
            }
            Err(why) => self.file_error(name, why),
        }
    }

    /// Reads decoded text with the reader for `format`.
    pub(crate) fn add_text(
        &mut self,
        name: Arc<str>,
        text: &str,
        lossy: bool,
        format: Format,
    ) {
        let text = &*sniff::lone_cr_as_lf_ref(text);
        let unlisted = self.builder.unlisted();
        let mut reader = Reader {
            file: name.clone(),
            opts: self.opts,
            builder: &mut self.builder,
            problems: &mut self.problems,
            values: 0,
            unmatchable: 0,
            left_out: 0,
            meta: SourceMeta::default(),
            listed: 0,
            unlisted_errors: 0,
            unlisted_warnings: 0,
            over_limit: 0,
            within_line: None,
        };
        if lossy {
            reader.warn(None, "invalid UTF-8 replaced with U+FFFD".into());
        }
        match format {
            Format::Text => text::read(&mut reader, text),
            Format::Csv => csv::read(&mut reader, text),
            Format::Stix2 => stix2::read(&mut reader, text),
            Format::ZeekIntel => zeek::read(&mut reader, text),
            Format::Stix1 => stix1::read(&mut reader, text),
            Format::OpenIoc => openioc::read(&mut reader, text),
            Format::Misp => misp::read(&mut reader, text),
            Format::JsonLines => jsonl::read(&mut reader, text),
            Format::Prose => prose::read(&mut reader, text),
        }
        let (values, unmatchable) = (reader.values, reader.unmatchable);
        let left_out = reader.left_out;
        let over_limit = reader.over_limit;
        let unlisted_errors = reader.unlisted_errors + over_limit;
        let unlisted_warnings = reader.unlisted_warnings;
        let mut closing = (0, 0);
        if over_limit > 0 {
            closing.0 += 1;
            self.problems.push(Problem {
                file: name.clone(),
                at: None,
                severity: Severity::Error,
                message: format!(
                    "{over_limit} values not loaded: the indicator set is \
                     full ({} distinct indicators, the most one run loads); \
                     sweep with fewer indicator files at a time",
                    crate::set::MAX_INDICATORS
                ),
            });
        }
        if unlisted_errors > over_limit || unlisted_warnings > 0 {
            let errors = unlisted_errors - over_limit;
            if errors > 0 {
                closing.0 += 1;
            } else {
                closing.1 += 1;
            }
            self.problems.push(Problem {
                file: name.clone(),
                at: None,
                severity: if errors > 0 {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                message: format!(
                    "{}, not listed: a file lists at most \
                     {MAX_PROBLEMS_PER_FILE} problems",
                    unlisted_counts(errors, unlisted_warnings)
                ),
            });
        }
        let repeats = self.builder.unlisted() - unlisted;
        if repeats > 0 {
            self.problems.push(Problem {
                file: name.clone(),
                at: None,
                severity: Severity::Warning,
                message: format!(
                    "{repeats} repeated values beyond the first {} listings \
                     of a value are counted, not listed as sources",
                    crate::set::LISTED_PER_FILE
                ),
            });
        }
        if values == 0 {
            // A file that holds only what the sweep cannot match (AS
            // numbers, registry keys), or only what the options leave
            // out, was understood: that is a warning.
            let (severity, what) = if left_out > 0 {
                (Severity::Warning, "every entry left out by the options")
            } else if unmatchable > 0 {
                (Severity::Warning, "no indicator the sweep can match")
            } else {
                (Severity::Error, "no usable indicator")
            };
            self.problems.push(Problem {
                file: name.clone(),
                at: None,
                severity,
                message: format!(
                    "{what} in this file (read as {})",
                    format.name()
                ),
            });
        }
        self.files.push(FileReport {
            file: name,
            format: Some(format),
            values,
            unlisted_errors,
            unlisted_warnings,
            closing,
            read: None,
        });
    }

    fn file_error(&mut self, file: Arc<str>, message: String) {
        self.problems.push(Problem {
            file: file.clone(),
            at: None,
            severity: Severity::Error,
            message,
        });
        self.files.push(FileReport {
            file,
            format: None,
            values: 0,
            unlisted_errors: 0,
            unlisted_warnings: 0,
            closing: (0, 0),
            read: None,
        });
    }

    /// Builds the set and returns it with every problem found.
    pub fn finish(self) -> Loaded {
        Loaded {
            set: self.builder.build(),
            problems: self.problems,
            files: self.files,
        }
    }
}

/// What identifies a file whatever path reaches it: its device and inode
/// where there are such (hard links included), else its canonical path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum FileId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg(not(unix))]
    Path(PathBuf),
}

impl FileId {
    #[cfg(unix)]
    fn of(_path: &Path, meta: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        FileId::Inode(meta.dev(), meta.ino())
    }

    #[cfg(not(unix))]
    fn of(path: &Path, _meta: &std::fs::Metadata) -> FileId {
        let path =
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        FileId::Path(path)
    }
}

/// Loads every path into one set.
pub fn load_paths(paths: &[PathBuf], opts: LoadOptions) -> Loaded {
    let mut loader = Loader::new(opts);
    for p in paths {
        loader.add_path(p);
    }
    loader.finish()
}

/// The context a format reader reports values and problems through.
pub struct Reader<'a> {
    file: Arc<str>,
    opts: LoadOptions,
    builder: &'a mut SetBuilder,
    problems: &'a mut Vec<Problem>,
    values: usize,
    unmatchable: usize,
    /// Entries left out on purpose (`--to-ids-only`).
    left_out: usize,
    meta: SourceMeta,
    /// Problems listed for this file so far.
    listed: usize,
    /// Entry errors and other problems past [`MAX_PROBLEMS_PER_FILE`].
    unlisted_errors: usize,
    unlisted_warnings: usize,
    /// Values refused because the set was full.
    over_limit: usize,
    /// The line of a JSON Lines file whose bundle or event is being read:
    /// problems name it.
    within_line: Option<u64>,
}

impl Reader<'_> {
    /// Classifies a raw value of unknown kind and adds it. Returns whether
    /// it became an indicator; if not, an error naming `at` was recorded.
    pub fn value(&mut self, raw: &str, at: Locator) -> bool {
        self.untyped(raw, at, false)
    }

    /// Like [`Reader::value`], for a value that may be one part of an
    /// `AND` pattern (`compound`), as [`Reader::typed`] takes it.
    pub fn untyped(&mut self, raw: &str, at: Locator, compound: bool) -> bool {
        let parsed = indicator::parse_value(raw, self.opts.parse);
        self.take(parsed, at, compound)
    }

    /// Classifies many raw values of unknown kind, on every core, and adds
    /// them in order, as [`Reader::value`] would one by one: for lists of
    /// hundreds of thousands of lines.
    pub fn values(&mut self, items: Vec<(&str, Locator)>) {
        let opts = self.opts.parse;
        let parsed: Vec<_> = items
            .par_iter()
            .with_min_len(1024)
            .map(|(raw, _)| indicator::parse_value(raw, opts))
            .collect();
        for ((_, at), p) in items.into_iter().zip(parsed) {
            self.take(p, at, false);
        }
    }

    /// Adds a raw value whose kind the format states. `compound` marks a
    /// value that was one part of an `AND` pattern.
    pub fn typed(
        &mut self,
        raw: &str,
        kind: Kind,
        at: Locator,
        compound: bool,
    ) -> bool {
        let parsed = indicator::parse_typed(raw, kind, self.opts.parse);
        if parsed.is_err() && !matches!(kind, Kind::Filename | Kind::String) {
            // Feeds file values under the wrong type now and then (an
            // address under a domain field): load what it really is, and
            // say so.
            if let Ok(p) = indicator::parse_value(raw, self.opts.parse) {
                let got = p.value.kind();
                self.warn(
                    Some(at.clone()),
                    format!("{raw:?} is given as {kind} but reads as {got}; loaded as {got}"),
                );
                return self.take(Ok(p), at, compound);
            }
        }
        self.take(parsed, at, compound)
    }

    /// Adds a raw value that must be of `kind`, as written: unlike
    /// [`Reader::typed`], a value that reads as another kind is an error.
    /// `compound` as for [`Reader::typed`].
    pub fn exact(
        &mut self,
        raw: &str,
        kind: Kind,
        at: Locator,
        compound: bool,
    ) -> bool {
        let parsed = indicator::parse_typed(raw, kind, self.opts.parse);
        self.take(parsed, at, compound)
    }

    /// Adds `raw` as a string indicator marked as a substring condition
    /// (OpenIOC `contains`, CybOX `Contains`): the sweep finds it inside
    /// longer text, so the source says it was not a whole value.
    /// `compound` as for [`Reader::typed`].
    pub fn contains(
        &mut self,
        raw: &str,
        at: Locator,
        compound: bool,
    ) -> bool {
        let saved = self.meta.clone();
        self.meta.contains = true;
        let loaded = self.exact(raw, Kind::String, at, compound);
        self.meta = saved;
        loaded
    }

    /// Like [`Reader::value`], but a value that is not an indicator is
    /// ignored silently: for cells or tokens that may hold anything.
    pub fn try_value(&mut self, raw: &str, at: Locator) -> bool {
        match indicator::parse_value(raw, self.opts.parse) {
            Ok(p) => self.take(Ok(p), at, false),
            Err(_) => false,
        }
    }

    fn take(
        &mut self,
        parsed: Result<indicator::Parsed, indicator::Rejected>,
        at: Locator,
        compound: bool,
    ) -> bool {
        match parsed {
            Ok(p) => {
                if let Some(w) = p.warning {
                    self.warn(Some(at.clone()), w);
                }
                let source = Source {
                    file: self.file.clone(),
                    at,
                    compound,
                    meta: self.meta.clone(),
                };
                if !self.builder.push(p.value, source) {
                    self.over_limit += 1;
                    return false;
                }
                self.values += 1;
                true
            }
            Err(why) => {
                self.error(Some(at), why.0);
                false
            }
        }
    }

    /// Sets what the format states about the entries read next (validity,
    /// flags); it stays until set again.
    pub fn set_meta(&mut self, meta: SourceMeta) {
        self.meta = meta;
    }

    /// Sets the line of a JSON Lines file whose whole document (a STIX
    /// bundle, a MISP event) is read next, so that every problem found in
    /// it names the line; `None` when done.
    pub(super) fn set_within_line(&mut self, line: Option<u64>) {
        self.within_line = line;
    }

    /// A count that grows with everything read so far: values, entries
    /// not loaded or left out, and problems. When it has not moved, a
    /// reader found nothing at all.
    pub(super) fn progress(&self) -> usize {
        self.values
            + self.unmatchable
            + self.left_out
            + self.listed
            + self.unlisted_errors
            + self.unlisted_warnings
            + self.over_limit
    }

    /// Returns what is set about the entries read next.
    pub fn meta(&self) -> &SourceMeta {
        &self.meta
    }

    /// Counts `n` entries left out on purpose by the load options.
    pub(crate) fn left_out(&mut self, n: usize) {
        self.left_out += n;
    }

    /// Records a warning.
    pub fn warn(&mut self, at: Option<Locator>, message: String) {
        self.problem(at, Severity::Warning, message);
    }

    /// Records an error.
    pub fn error(&mut self, at: Option<Locator>, message: String) {
        self.problem(at, Severity::Error, message);
    }

    fn problem(
        &mut self,
        at: Option<Locator>,
        severity: Severity,
        mut message: String,
    ) {
        // Inside one line's document, a problem about the whole document
        // is about that line, and one about an object in it says where
        // the object is.
        let at = match (at, self.within_line) {
            (None, Some(n)) => Some(Locator::Line(n)),
            (Some(Locator::Id(id)), Some(n)) => {
                message = format!("on line {n}: {message}");
                Some(Locator::Id(id))
            }
            (at, _) => at,
        };
        // Errors about the whole file are few, and always listed.
        let entry_error = severity == Severity::Error && at.is_some();
        if self.listed >= MAX_PROBLEMS_PER_FILE {
            if entry_error {
                self.unlisted_errors += 1;
                return;
            }
            if severity == Severity::Warning {
                self.unlisted_warnings += 1;
                return;
            }
        }
        self.listed += 1;
        let message = clip(message, MAX_MESSAGE_CHARS);
        self.problems.push(Problem {
            file: self.file.clone(),
            at,
            severity,
            message,
        });
    }

    /// Returns the file being read.
    pub fn file(&self) -> &Arc<str> {
        &self.file
    }
}

/// Counts entries of types the sweep cannot match (registry keys,
/// mutexes, YARA rules, AS numbers…), so each type costs the user one
/// warning a file, not one a line.
#[derive(Debug, Default)]
pub(crate) struct Unmatchable {
    counts: std::collections::BTreeMap<String, usize>,
}

impl Unmatchable {
    /// Counts one entry of type `what`.
    pub fn add(&mut self, what: &str) {
        *self.counts.entry(what.to_string()).or_insert(0) += 1;
    }

    /// Warns once per type: "`n` `noun`s of type `what` not loaded".
    pub fn report(self, r: &mut Reader<'_>, noun: (&str, &str)) {
        for (what, n) in self.counts {
            r.unmatchable += n;
            let noun = if n == 1 { noun.0 } else { noun.1 };
            r.warn(
                None,
                format!(
                    "{n} {noun} of type {what} not loaded: not an \
                     indicator the sweep can match"
                ),
            );
        }
    }
}

/// Helpers for the readers' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// Loads `text` as file `t.txt` with the reader for `format`.
    pub fn load_as(format: Format, text: &str) -> Loaded {
        load_as_with(format, text, LoadOptions::default())
    }

    /// Loads `text` as file `t.txt` with the reader for `format`, under
    /// `opts`.
    pub fn load_as_with(
        format: Format,
        text: &str,
        opts: LoadOptions,
    ) -> Loaded {
        let mut loader = Loader::new(opts);
        loader.add_text("t.txt".into(), text, false, format);
        loader.finish()
    }

    /// Lists the set as `kind value @where`, `+` marking compound parts.
    pub fn shown(loaded: &Loaded) -> Vec<String> {
        let mut out = Vec::new();
        let mut sorted: Vec<_> = loaded.set.iter().map(|(_, i)| i).collect();
        sorted.sort_by(|a, b| (a.kind(), &a.value).cmp(&(b.kind(), &b.value)));
        for ind in sorted {
            for s in &ind.sources {
                let at = match &s.at {
                    Locator::Line(n) => n.to_string(),
                    Locator::Id(id) => id.clone(),
                };
                let plus = if s.compound { "+" } else { "" };
                out.push(format!("{} {} @{at}{plus}", ind.kind(), ind.value));
            }
        }
        out
    }

    /// Lists the problems as their display strings.
    pub fn problems(loaded: &Loaded) -> Vec<String> {
        loaded.problems.iter().map(|p| p.to_string()).collect()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn folders_skip_links_and_documentation_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let iocs = dir.path().join("iocs");
        std::fs::create_dir(&iocs).unwrap();
        std::fs::write(iocs.join("a.txt"), "192.0.2.1\n").unwrap();
        std::fs::write(iocs.join("NOTES.md"), "198.51.100.1\n").unwrap();
        std::os::unix::fs::symlink("..", iocs.join("up")).unwrap();
        let d = iocs.display().to_string();
        let loaded = load_paths(&[iocs], LoadOptions::default());
        let values: Vec<String> =
            loaded.set.iter().map(|(_, i)| i.value.to_string()).collect();
        assert_eq!(values, ["192.0.2.1"]);
        let shown = test_support::problems(&loaded);
        assert_eq!(
            shown,
            [
                format!(
                    "{d}/NOTES.md: warning: skipped: Markdown documentation, \
                     not read as indicators; name it to load it"
                ),
                format!(
                    "{d}/up: warning: skipped: symbolic link inside a \
                     folder, not followed; name it to load it"
                ),
            ]
        );
    }

    #[test]
    fn files_read_from_disk_keep_the_digest_of_the_bytes_read() {
        use sha2::Digest as _;
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "evil.example\n").unwrap();
        let mut l = Loader::new(LoadOptions::default());
        l.add_path(&a);
        // Changed after the load: the digest is still of what was read.
        std::fs::write(&a, "other.example\n").unwrap();
        l.add_bytes("given".into(), b"evil.example\n");
        l.add_path(&dir.path().join("missing.txt"));
        let loaded = l.finish();
        let want: [u8; 32] = sha2::Sha256::digest(b"evil.example\n").into();
        assert_eq!(loaded.files[0].read, Some((want, 13)));
        // Near misses: bytes handed over, and a file never read, have none.
        assert_eq!(loaded.files[1].read, None);
        assert_eq!(loaded.files[2].read, None);
    }

    #[test]
    fn a_file_named_twice_is_read_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "bad..v\nevil.example\n").unwrap();
        let loaded = load_paths(
            &[a.clone(), dir.path().to_path_buf(), dir.path().join("./a.txt")],
            LoadOptions::default(),
        );
        assert_eq!(loaded.files.len(), 1);
        assert_eq!(loaded.files[0].values, 1);
        let name = a.display().to_string();
        let twice = |n: &str| {
            format!(
                "{n}: warning: skipped: named more than once (or also \
                 found in a folder named, or a link to a file read); read \
                 once"
            )
        };
        let p = test_support::problems(&loaded);
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].starts_with(&format!("{name}:1: ")), "{p:?}");
        assert_eq!(p[1], twice(&name));
        assert_eq!(
            p[2],
            twice(&dir.path().join("./a.txt").display().to_string())
        );
        #[cfg(unix)]
        {
            let hard = dir.path().join("hard.txt");
            std::fs::hard_link(&a, &hard).unwrap();
            let loaded =
                load_paths(&[a.clone(), hard], LoadOptions::default());
            assert_eq!(loaded.files.len(), 1);
        }
        // Near miss: two files of the same content are two files.
        let b = dir.path().join("b.txt");
        std::fs::write(&b, "bad..v\nevil.example\n").unwrap();
        let loaded = load_paths(&[a, b], LoadOptions::default());
        assert_eq!(loaded.files.len(), 2);
    }

    #[test]
    fn folder_names_with_letters_outside_ascii_load() {
        let dir = tempfile::tempdir().unwrap();
        let iocs = dir.path().join("feed");
        std::fs::create_dir_all(&iocs).unwrap();
        // A multi-byte letter where a licence word would end: the walk
        // once cut the name there and panicked.
        std::fs::write(iocs.join("2024_été.txt"), "evil.example\n").unwrap();
        std::fs::write(iocs.join("NOTICé.txt"), "a.example\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let name = std::ffi::OsStr::from_bytes(b"g\xff\xfeh.txt");
            std::fs::write(iocs.join(name), "b.example\n").unwrap();
        }
        let loaded =
            load_paths(std::slice::from_ref(&iocs), LoadOptions::default());
        let mut values: Vec<String> =
            loaded.set.iter().map(|(_, i)| i.value.to_string()).collect();
        values.sort();
        let want: &[&str] = if cfg!(unix) {
            &["a.example", "b.example", "evil.example"]
        } else {
            &["a.example", "evil.example"]
        };
        assert_eq!(values, want);
        // Near miss: the licence word itself, any case, is still skipped.
        std::fs::write(iocs.join("Notice"), "c.example\n").unwrap();
        let loaded =
            load_paths(std::slice::from_ref(&iocs), LoadOptions::default());
        assert!(
            !loaded
                .set
                .iter()
                .any(|(_, i)| i.value.to_string() == "c.example")
        );
    }

    #[test]
    fn folders_skip_hidden_entries_and_licence_files_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let iocs = dir.path().join("feed");
        let git = iocs.join(".git");
        std::fs::create_dir_all(git.join("logs")).unwrap();
        std::fs::write(iocs.join("i1.txt"), "192.0.2.1\n").unwrap();
        std::fs::write(
            iocs.join("LICENSE"),
            "Apache License\nhttp://www.apache.org/licenses/LICENSE-2.0\n",
        )
        .unwrap();
        std::fs::write(iocs.join("copying.txt"), "evil.example\n").unwrap();
        std::fs::write(iocs.join("NOTICE"), "a.example\n").unwrap();
        std::fs::write(iocs.join("AUTHORS.md"), "b.example\n").unwrap();
        std::fs::write(iocs.join(".hidden.txt"), "c.example\n").unwrap();
        let oid = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("ORIG_HEAD"), format!("{oid}\n")).unwrap();
        std::fs::write(
            git.join("logs/HEAD"),
            format!("{} {oid} a <a@b.example> 1 +0000\n", "0".repeat(40)),
        )
        .unwrap();
        // Near misses: a name that only contains a licence word is read,
        // and a licence file named on its own is read.
        std::fs::write(iocs.join("my-license-iocs.txt"), "198.51.100.1\n")
            .unwrap();
        let d = iocs.display().to_string();
        let loaded =
            load_paths(std::slice::from_ref(&iocs), LoadOptions::default());
        let mut values: Vec<String> =
            loaded.set.iter().map(|(_, i)| i.value.to_string()).collect();
        values.sort();
        assert_eq!(values, ["192.0.2.1", "198.51.100.1"]);
        let skipped = |name: &str, why: &str| {
            format!("{d}/{name}: warning: skipped: {why}; name it to load it")
        };
        let hidden = "hidden file or folder (such as .git), not read as \
                      indicators";
        let legal = "licence, notice or authors file, not read as indicators";
        assert_eq!(
            test_support::problems(&loaded),
            [
                skipped(".git", hidden),
                skipped(".hidden.txt", hidden),
                skipped(
                    "AUTHORS.md",
                    "Markdown documentation, not read as indicators"
                ),
                skipped("LICENSE", legal),
                skipped("NOTICE", legal),
                skipped("copying.txt", legal),
            ]
        );
        let named = load_paths(&[iocs.join("NOTICE")], LoadOptions::default());
        assert_eq!(named.set.len(), 1);
        assert!(named.problems.is_empty(), "{:?}", named.problems);
    }

    #[test]
    fn a_dash_names_no_indicator_file() {
        let loaded = load_paths(&[PathBuf::from("-")], LoadOptions::default());
        assert_eq!(
            test_support::problems(&loaded),
            ["-: standard input is not read for indicators: name a file or \
              folder (save piped indicators to a file first)"]
        );
        assert_eq!(loaded.files[0].format, None);
        // Near miss: a file called `-` in a folder is named `./-`.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("-"), "192.0.2.1\n").unwrap();
        let loaded =
            load_paths(&[dir.path().join("-")], LoadOptions::default());
        assert_eq!(loaded.set.len(), 1);
    }

    #[test]
    fn repeats_beyond_the_listing_limit_make_one_warning_per_file() {
        let mut text = "192.0.2.1\n".repeat(250);
        text.push_str("192.0.2.2\n192.0.2.2\n");
        let mut loader = Loader::new(LoadOptions::default());
        loader.add_text("a.txt".into(), &text, false, Format::Text);
        loader.add_text("b.txt".into(), "192.0.2.1\n", false, Format::Text);
        let loaded = loader.finish();
        assert_eq!(
            test_support::problems(&loaded),
            ["a.txt: warning: 150 repeated values beyond the first 100 \
              listings of a value are counted, not listed as sources"]
        );
        let first = loaded.set.get(0);
        assert_eq!(first.sources.len(), 101);
        assert_eq!(first.sources[100].to_string(), "b.txt:1");
        assert_eq!(loaded.set.get(1).sources.len(), 2);
        assert_eq!(loaded.files[0].values, 252);
    }
}

/// Bounds on what one hostile file can make the loader keep.
#[cfg(test)]
mod bound_tests {
    use super::*;

    #[test]
    fn a_file_lists_at_most_so_many_problems_and_counts_the_rest() {
        // A list with a bad line after each good one.
        let list = |bad: usize| {
            let mut text = String::new();
            for i in 0..bad {
                text.push_str(&format!("10.0.{}.{}\n", i / 256, i % 256));
                text.push_str("192.0.2.0/99\n");
            }
            let mut l = Loader::new(LoadOptions::default());
            l.add_bytes("bad.txt".into(), text.as_bytes());
            l.finish()
        };
        let got = list(MAX_PROBLEMS_PER_FILE + 3);
        assert_eq!(got.files[0].format, Some(Format::Text));
        assert_eq!(got.problems.len(), MAX_PROBLEMS_PER_FILE + 1);
        let last = got.problems.last().unwrap();
        assert_eq!(
            last.to_string(),
            "bad.txt: 3 more entries not loaded, not listed: a file lists \
             at most 10000 problems"
        );
        assert_eq!(last.severity, Severity::Error);
        assert_eq!(got.files[0].unlisted_errors, 3);
        let by_file = crate::report::problems_by_file(&got);
        assert_eq!(by_file[0].not_loaded, MAX_PROBLEMS_PER_FILE + 3);
        assert_eq!(by_file[0].loaded, MAX_PROBLEMS_PER_FILE + 3);
        // Near miss: exactly as many as a file lists, all listed.
        let got = list(MAX_PROBLEMS_PER_FILE);
        assert_eq!(got.problems.len(), MAX_PROBLEMS_PER_FILE);
        assert!(got.problems.iter().all(|p| p.at.is_some()));
        assert_eq!(got.files[0].unlisted_errors, 0);
    }

    #[test]
    fn unlisted_counts_name_only_what_is_not_zero() {
        assert_eq!(
            unlisted_counts(3, 2),
            "3 more entries not loaded and 2 more warnings"
        );
        assert_eq!(unlisted_counts(1, 0), "1 more entry not loaded");
        assert_eq!(unlisted_counts(0, 90_000), "90000 more warnings");
        assert_eq!(unlisted_counts(0, 1), "1 more warning");
    }

    #[test]
    fn a_long_message_keeps_its_start_and_end() {
        let long = format!("\"{}\" is not an indicator", "é!".repeat(3000));
        let m = clip(long, MAX_MESSAGE_CHARS);
        assert_eq!(
            m.chars().count(),
            960 + "…[5063 characters left out]…".chars().count()
        );
        assert!(m.starts_with("\"é!é!"), "{m}");
        assert!(m.ends_with("é!\" is not an indicator"), "{m}");
        // Near miss: a message at the limit is whole.
        assert_eq!(clip("x".repeat(1000), 1000), "x".repeat(1000));
        assert_eq!(
            clip("abcdefghij".repeat(101), 1000).chars().count(),
            960 + "…[50 characters left out]…".chars().count()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_read_without_a_size_stops_past_the_limit() {
        // A device has no size on disk: the read itself is bounded.
        let zero = Path::new("/dev/zero");
        assert_eq!(read_bounded(zero, 4096).unwrap(), None);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.txt");
        std::fs::write(&f, "192.0.2.1\n").unwrap();
        // Near miss: a file within the limit is read whole.
        assert_eq!(read_bounded(&f, 10).unwrap().unwrap(), b"192.0.2.1\n");
        assert_eq!(read_bounded(&f, 9).unwrap(), None);
    }

    #[test]
    fn a_second_byte_order_mark_is_read_past_in_every_format() {
        let bundle = r#"{"type": "bundle", "objects": [{"type": "domain-name",
            "id": "d--1", "value": "evil.example"}]}"#;
        for text in [
            format!("\u{feff}\u{feff}{bundle}"),
            format!("\u{feff}{bundle}"),
            "\u{feff}\u{feff}evil.example\n".to_string(),
        ] {
            let mut l = Loader::new(LoadOptions::default());
            l.add_bytes("t.json".into(), text.as_bytes());
            let got = l.finish();
            assert!(got.problems.is_empty(), "{:?}", got.problems);
            assert_eq!(got.set.len(), 1);
        }
    }

    #[test]
    fn values_past_a_full_set_are_refused_with_one_error() {
        let mut l = Loader {
            builder: SetBuilder::with_limit(2),
            ..Loader::new(LoadOptions::default())
        };
        let text = "a.example\nb.example\nc.example\na.example\nd.example\n";
        l.add_bytes("many.txt".into(), text.as_bytes());
        let got = l.finish();
        assert_eq!(got.set.len(), 2);
        assert_eq!(
            got.problems.iter().map(ToString::to_string).collect::<Vec<_>>(),
            [format!(
                "many.txt: 2 values not loaded: the indicator set is full \
                 ({} distinct indicators, the most one run loads); sweep \
                 with fewer indicator files at a time",
                crate::set::MAX_INDICATORS
            )]
        );
        assert_eq!(got.files[0].values, 3);
        assert_eq!(got.files[0].unlisted_errors, 2);
    }
}

#[cfg(test)]
mod retain_tests {
    use super::*;
    use crate::indicator::Value;

    /// 2024-03-10T12:00:00Z.
    const NOW: i64 = 1_710_072_000;
    /// 2024-03-10T00:00:00Z, the start of NOW's day.
    const TODAY: i64 = 1_710_028_800;

    fn source(id: &str, until: Option<i64>, revoked: bool) -> Source {
        Source {
            file: "f".into(),
            at: Locator::Id(id.into()),
            compound: false,
            meta: SourceMeta {
                valid_until: until,
                revoked,
                ..SourceMeta::default()
            },
        }
    }

    /// Loads one domain per entry, each with the sources given.
    fn loaded(entries: &[(&str, Vec<Source>)]) -> Loaded {
        let mut b = SetBuilder::new();
        for (d, sources) in entries {
            for s in sources {
                b.push(Value::Domain(d.to_string()), s.clone());
            }
        }
        Loaded { set: b.build(), ..Loaded::default() }
    }

    fn entries() -> Vec<(&'static str, Vec<Source>)> {
        vec![
            ("current.example", vec![source("a", None, false)]),
            ("today.example", vec![source("b", Some(TODAY), false)]),
            ("expired.example", vec![source("c", Some(TODAY - 1), false)]),
            ("revoked.example", vec![source("d", None, true)]),
            (
                "one-current.example",
                vec![
                    source("e", Some(0), false),
                    source("f", None, true),
                    source("g", Some(NOW + 1), false),
                ],
            ),
            (
                "all-gone.example",
                vec![source("h", Some(0), false), source("i", None, true)],
            ),
        ]
    }

    fn names(l: &Loaded) -> Vec<String> {
        l.set.iter().map(|(_, i)| i.value.to_string()).collect()
    }

    #[test]
    fn expired_and_revoked_are_left_out_unless_a_source_vouches() {
        let mut l = loaded(&entries());
        let gone = l.retain_current(NOW, false);
        assert_eq!(
            names(&l),
            ["current.example", "today.example", "one-current.example"]
        );
        let gone: Vec<(String, Retirement)> = gone
            .iter()
            .map(|r| (r.indicator.value.to_string(), r.why))
            .collect();
        assert_eq!(
            gone,
            [
                ("expired.example".into(), Retirement::Expired),
                ("revoked.example".into(), Retirement::Revoked),
                ("all-gone.example".into(), Retirement::Expired),
            ]
        );
    }

    #[test]
    fn only_the_sources_that_vouch_stay_listed() {
        let listed = |l: &Loaded, name: &str| -> Vec<String> {
            let (_, i) = l
                .set
                .iter()
                .find(|(_, i)| i.value.to_string() == name)
                .unwrap();
            i.sources.iter().map(ToString::to_string).collect()
        };
        let mut l = loaded(&entries());
        l.retain_current(NOW, false);
        // Near miss: all listed until asked.
        assert_eq!(listed(&l, "one-current.example").len(), 3);
        l.drop_stale_sources(NOW, false);
        // e expired, f revoked, g current.
        assert_eq!(listed(&l, "one-current.example"), ["f#g"]);
        // Near miss: a source valid to the start of today still vouches.
        assert_eq!(listed(&l, "today.example"), ["f#b"]);
        let mut l = loaded(&entries());
        l.retain_current(NOW, true);
        l.drop_stale_sources(NOW, true);
        assert_eq!(listed(&l, "one-current.example"), ["f#e", "f#g"]);
        assert_eq!(listed(&l, "all-gone.example"), ["f#h"]);
    }

    #[test]
    fn a_current_source_after_many_expired_repeats_still_vouches() {
        let file: Arc<str> = "f".into();
        let mut b = SetBuilder::new();
        for n in 0..300 {
            let mut s = source(&format!("x{n}"), Some(0), false);
            s.file = file.clone();
            // The last one from the file still vouches; a near miss of
            // it in another value has none.
            let current = n == 299;
            let until = if current { None } else { Some(0) };
            s.meta.valid_until = until;
            b.push(Value::Domain("kept.example".into()), s.clone());
            s.meta.valid_until = Some(0);
            b.push(Value::Domain("gone.example".into()), s);
        }
        let mut l = Loaded { set: b.build(), ..Loaded::default() };
        let gone = l.retain_current(NOW, false);
        assert_eq!(names(&l), ["kept.example"]);
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].why, Retirement::Expired);
    }

    #[test]
    fn include_expired_keeps_expired_but_not_revoked() {
        let mut l = loaded(&entries());
        let gone = l.retain_current(NOW, true);
        assert_eq!(
            names(&l),
            [
                "current.example",
                "today.example",
                "expired.example",
                "one-current.example",
                "all-gone.example"
            ]
        );
        assert_eq!(gone.len(), 1);
        assert_eq!(
            retired_note(&gone, true),
            ["1 revoked indicator left out"]
        );
    }

    #[test]
    fn the_note_counts_each_reason() {
        let mut l = loaded(&entries());
        let gone = l.retain_current(NOW, false);
        assert_eq!(
            retired_note(&gone, false),
            [
                "2 expired indicators left out (valid_until before \
                 today); --include-expired keeps them",
                "1 revoked indicator left out",
            ]
        );
        assert!(retired_note(&[], false).is_empty());
    }
}

/// Line ends: LF, CRLF and a lone CR each end one line, in every reader.
#[cfg(test)]
mod line_end_tests {
    use super::*;

    /// Loads `bytes` as file `t.txt`, detecting the format.
    fn load(bytes: &[u8]) -> Loaded {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("t.txt".into(), bytes);
        l.finish()
    }

    fn formats(l: &Loaded) -> Vec<Option<Format>> {
        l.files.iter().map(|f| f.format).collect()
    }

    #[test]
    fn a_lone_cr_ends_a_line_of_a_list() {
        let got = load(
            b"198.51.100.7\revil.example\rhxxp://bad[.]example/a\r\
              44d88612fea8a8f36de82e1278abb02f\r",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(formats(&got), [Some(Format::Text)]);
        assert_eq!(
            test_support::shown(&got),
            [
                "ipv4 198.51.100.7 @1",
                "domain evil.example @2",
                "url http://bad.example/a @3",
                "md5 44d88612fea8a8f36de82e1278abb02f @4",
            ]
        );
    }

    #[test]
    fn crlf_stays_one_line_end_beside_lone_crs() {
        // Near miss: `\r\n` is one line end, `\r\r\n` two, `\n\r` two.
        let got = load(
            b"a.example\r\nb.example\rc.example\r\r\nd.example\n\re.example",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            test_support::shown(&got),
            [
                "domain a.example @1",
                "domain b.example @2",
                "domain c.example @3",
                "domain d.example @5",
                "domain e.example @7",
            ]
        );
    }

    #[test]
    fn a_lone_cr_ends_a_csv_row_and_stays_a_break_inside_quotes() {
        let got = load(
            b"indicator,comment\revil.example,\"two\rlines\"\r\
              bad.example,x\r\r\"third.example\",\"a\r\nb\"\rlast.example,y",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(formats(&got), [Some(Format::Csv)]);
        assert_eq!(
            test_support::shown(&got),
            [
                "domain bad.example @4",
                "domain evil.example @2",
                "domain last.example @8",
                "domain third.example @6",
            ]
        );
    }

    #[test]
    fn a_lone_cr_ends_a_zeek_intel_line() {
        let got = load(
            b"#fields\tindicator\tindicator_type\tmeta.source\r\
              198.51.100.7\tIntel::ADDR\tfeed\r\
              evil.example\tIntel::DOMAIN\tfeed\r",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(formats(&got), [Some(Format::ZeekIntel)]);
        assert_eq!(
            test_support::shown(&got),
            ["ipv4 198.51.100.7 @2", "domain evil.example @3"]
        );
    }

    #[test]
    fn a_reader_given_text_directly_splits_at_a_lone_cr_too() {
        let got = test_support::load_as(Format::Text, "192.0.2.1\r192.0.2.2");
        assert_eq!(
            test_support::shown(&got),
            ["ipv4 192.0.2.1 @1", "ipv4 192.0.2.2 @2"]
        );
    }
}
