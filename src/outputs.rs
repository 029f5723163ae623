//! What a sweep leaves besides hit records: its exit status, the note
//! on an interruption, and the per-indicator summary (`--summary`), the
//! HTML report (`--report`) and the audit manifest (`--manifest`), each
//! written to its own file once the sweep is over, stopped or not.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use iocsweep::load::Loaded;
use iocsweep::report::manifest::{self, Ending, FileFacts, ManifestInput};
use iocsweep::report::{self, Failures, Summary, html};
use iocsweep::sweep::input::{Input, WalkReport};
use iocsweep::time::Stamp;

use crate::cli::SweepArgs;
use crate::interrupt;

/// Returns the exit status of a sweep: 128 + the signal's number if one
/// stopped it, 0 if its output was closed, else 2 on any failure, 1 on
/// hits, 0 otherwise.
pub fn exit_status(
    ending: Ending,
    failures: &Failures,
    summary: &Summary,
) -> u8 {
    match ending {
        Ending::Interrupted(_) => interrupt::stopped_by().map_or(130, |s| s.1),
        Ending::OutputClosed => 0,
        Ending::Complete if failures.total() > 0 => 2,
        Ending::Complete if summary.total_hits() > 0 => 1,
        Ending::Complete => 0,
    }
}

/// Returns what to say when a signal stopped the sweep: by which signal,
/// in which input and after how many lines, and how many inputs were
/// done.
pub fn stopped_note(signal: &str, summary: &Summary, inputs: usize) -> String {
    let records = &summary.ledger.records;
    let at = records.iter().find(|r| r.stopped).map_or(String::new(), |r| {
        format!(", stopped in {} after {} lines", r.name, r.stats.lines)
    });
    let done = records.iter().filter(|r| !r.stopped).count();
    format!(
        "interrupted by {signal}{at}: hits found so far are written; \
         {done} of {inputs} inputs done"
    )
}

/// Returns each input's size and modification time, taken before the
/// sweep, when the manifest, the report or the progress bar needs them;
/// an empty list otherwise.
pub fn facts(inputs: &[Input], needed: bool) -> Vec<Option<FileFacts>> {
    if !needed {
        return Vec::new();
    }
    inputs
        .iter()
        .map(|i| match i {
            Input::File(p) => FileFacts::of(p),
            _ => None,
        })
        .collect()
}

/// Whether any file beyond the hit records is asked for.
pub fn wanted(args: &SweepArgs) -> bool {
    args.manifest.is_some() || args.report.is_some()
}

/// What the files are written from.
pub struct Outcome<'a> {
    /// When the sweep started.
    pub started: Stamp,
    /// How it ended.
    pub ending: Ending,
    /// Its exit status.
    pub exit_status: u8,
    /// The indicators.
    pub loaded: &'a Loaded,
    /// The inputs.
    pub inputs: &'a [Input],
    /// Their facts, from [`facts`].
    pub facts: &'a [Option<FileFacts>],
    /// The walk.
    pub walk: &'a WalkReport,
    /// The summary.
    pub summary: &'a Summary,
    /// The failures.
    pub failures: &'a Failures,
}

/// Writes the summary, report and manifest that `args` ask for; returns
/// a message per file that could not be written.
pub fn write(args: &SweepArgs, o: &Outcome<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    let set = &o.loaded.set;
    if let Some(path) = &args.summary {
        let doc = o.summary.tally.to_json(set);
        let text = serde_json::to_string_pretty(&doc).expect("JSON values");
        let text = report::terminal_safe_json_text(text) + "\n";
        errors.extend(save(path, "summary", text.as_bytes()));
    }
    if !wanted(args) {
        return errors;
    }
    let facts =
        if o.facts.len() == o.inputs.len() { o.facts } else { &[][..] };
    let command_line: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut input = ManifestInput {
        command_line,
        started: o.started,
        ended: manifest::now(),
        ending: o.ending,
        exit_status: o.exit_status,
        loaded: o.loaded,
        inputs: o.inputs,
        facts,
        walk: o.walk,
        summary: o.summary,
        failures: o.failures,
        hashed: args.hash_inputs,
    };
    if let Some(path) = &args.report {
        let doc = manifest::build(&input);
        let page = html::render(&doc, &o.summary.tally, set);
        errors.extend(save(path, "report", page.as_bytes()));
    }
    if let Some(path) = &args.manifest {
        // A file that could not be written makes the sweep's status 2:
        // the manifest says so.
        if !errors.is_empty() {
            input.exit_status = 2;
        }
        let doc = manifest::build(&input);
        let text = serde_json::to_string_pretty(&doc).expect("JSON values");
        let text = report::terminal_safe_json_text(text) + "\n";
        errors.extend(save(path, "manifest", text.as_bytes()));
    }
    errors
}

/// Writes `bytes` to `path`; returns why it could not.
fn save(path: &Path, what: &str, bytes: &[u8]) -> Option<String> {
    let write = || -> io::Result<()> {
        let mut f = BufWriter::new(File::create(path)?);
        f.write_all(bytes)?;
        f.into_inner().map_err(|e| e.into_error())?.sync_all()
    };
    write()
        .err()
        .map(|e| format!("{}: cannot write the {what}: {e}", path.display()))
}
