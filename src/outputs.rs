//! What a sweep leaves besides hit records: its exit status, the note
//! on an interruption, and the per-indicator summary (`--summary`), the
//! HTML report (`--report`) and the audit manifest (`--manifest`), each
//! written to its own file once the sweep is over, stopped or not.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use iocsweep::report::manifest::{self, Ending, FileFacts, ManifestInput};
use iocsweep::report::{self, Failures, Summary, html};
use iocsweep::sweep::input::Input;

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

/// Writes the summary, report and manifest that `args` ask for; returns
/// a message per file that could not be written.
/// `m.ended` is set here, when the files are written; facts that do not
/// cover every input are left out.
pub fn write(args: &SweepArgs, mut m: ManifestInput<'_>) -> Vec<String> {
    let mut errors = Vec::new();
    let set = &m.loaded.set;
    let tally = &m.summary.tally;
    if let Some(path) = &args.summary {
        let doc = tally.to_json(set);
        let text = serde_json::to_string_pretty(&doc).expect("JSON values");
        let text = report::terminal_safe_json_text(text) + "\n";
        errors.extend(save(path, "summary", text.as_bytes()));
    }
    if !wanted(args) {
        return errors;
    }
    if m.facts.len() != m.inputs.len() {
        m.facts = &[];
    }
    m.ended = manifest::now();
    if let Some(path) = &args.report {
        let doc = manifest::build(&m);
        let page = html::render(&doc, tally, set);
        errors.extend(save(path, "report", page.as_bytes()));
    }
    if let Some(path) = &args.manifest {
        // A file that could not be written makes the sweep's status 2:
        // the manifest says so.
        if !errors.is_empty() {
            m.exit_status = 2;
        }
        let doc = manifest::build(&m);
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
        let f = f.into_inner().map_err(|e| e.into_error())?;
        // A device or a pipe (`/dev/null`, `/dev/stdout`) has nothing to
        // sync, and says so with an error.
        if f.metadata()?.is_file() { f.sync_all() } else { Ok(()) }
    };
    write()
        .err()
        .map(|e| format!("{}: cannot write the {what}: {e}", path.display()))
}
