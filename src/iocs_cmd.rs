//! `iocsweep iocs check|list|stats|export`: loads indicator files as a
//! sweep would and hands them to the library's check, listing and
//! export; this module only picks the output and the exit status.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use iocsweep::allow::{self, Allowlist, NotApplied};
use iocsweep::bundled;
use iocsweep::check;
use iocsweep::export::{self, Target};
use iocsweep::indicator::ParseOptions;
use iocsweep::inspect;
use iocsweep::load::{self, LoadOptions, Loaded, Loader, Retired};
use iocsweep::time::Stamp;

use crate::cli::{
    CheckArgs, ExportArgs, ExportFormat, IocsArgs, IocsCommand, ListArgs,
    ListFormat,
};
use crate::{print_problems, say};

/// Runs an `iocs` subcommand; returns the exit status.
pub fn run(args: &IocsArgs) -> io::Result<u8> {
    match &args.command {
        IocsCommand::Check(a) => check(a),
        IocsCommand::List(a) => list(a, false),
        IocsCommand::Stats(a) => list(a, true),
        IocsCommand::Export(a) => export(a),
    }
}

/// Loading options from the flags a sweep shares.
fn options(allow_broad_ranges: bool, to_ids_only: bool) -> LoadOptions {
    LoadOptions { parse: ParseOptions { allow_broad_ranges }, to_ids_only }
}

/// Loads the paths, or the bundled sets when there are none.
fn load_paths(paths: &[PathBuf], opts: LoadOptions) -> Loaded {
    let mut loader = Loader::new(opts);
    if paths.is_empty() {
        bundled::add_all(&mut loader);
    }
    for p in paths {
        loader.add_path(p);
    }
    loader.finish()
}

/// Returns the current time, Unix seconds.
pub fn unix_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}

/// Loads allowlist files, printing their problems; `Err` with the exit
/// status if one cannot be read at all (going on without it would
/// report what the user asked not to see).
pub fn allowlist(q: bool, paths: &[PathBuf]) -> Result<Option<Allowlist>, u8> {
    Ok(allowlist_loaded(q, paths)?.map(|(a, ..)| a))
}

/// Like [`allowlist`], also returning what was loaded (its files, for
/// the manifest).
pub fn allowlist_loaded(
    q: bool,
    paths: &[PathBuf],
) -> Result<Option<(Allowlist, Loaded, NotApplied)>, u8> {
    if paths.is_empty() {
        return Ok(None);
    }
    let mut loaded = allow::load(paths);
    print_problems(q, &loaded);
    if let Some(bad) = loaded.files.iter().find(|f| f.format.is_none()) {
        say(false, &format!("{}: cannot use this allowlist", bad.file));
        return Err(2);
    }
    let not_applied = allow::retire(&mut loaded, unix_now());
    if let Some(note) = not_applied.note() {
        say(q, &note);
    }
    Ok(Some((Allowlist::new(&loaded.set), loaded, not_applied)))
}

fn check(args: &CheckArgs) -> io::Result<u8> {
    let allow = match allowlist(false, &args.allow) {
        Ok(a) => a,
        Err(code) => return Ok(code),
    };
    let opts = options(args.allow_broad_ranges, false);
    let mut loaded = load_paths(&args.paths, opts);
    let retired = loaded.retain_current(unix_now(), false);
    let report = check::check(&loaded, &retired, allow.as_ref());
    let mut out = BufWriter::new(io::stdout().lock());
    match args.format {
        ListFormat::Text => check::text(&report, &mut out)?,
        ListFormat::Jsonl => check::jsonl(&report, &mut out)?,
    }
    out.flush()?;
    if loaded.files.is_empty() {
        // Folders holding nothing to read are not a clean set: a sweep
        // with them would stop, having no indicator.
        say(false, "no indicator file was read: nothing to check");
        return Ok(2);
    }
    Ok(report.status())
}

/// Loads as a sweep would: allowlist applied, expired and revoked left
/// out (and said so on standard error), as of `now`. The indicators kept
/// keep all their sources. Returns the set, what was left out, and the
/// exit status so far.
fn load_for_use(
    paths: &[PathBuf],
    allow: &[PathBuf],
    include_expired: bool,
    opts: LoadOptions,
    now: i64,
) -> Result<(Loaded, Vec<Retired>), u8> {
    let allow = allowlist(false, allow)?;
    let mut loaded = load_paths(paths, opts);
    print_problems(false, &loaded);
    if loaded.files.is_empty() {
        say(false, "no indicator file was read");
        return Err(2);
    }
    let dropped = allow.as_ref().map(|a| a.filter(&mut loaded));
    let retired = loaded.retain_current(now, include_expired);
    for note in load::retired_note(&retired, include_expired) {
        say(false, &note);
    }
    if let Some(d) = dropped {
        say(false, &allow::note(d.len(), 0).replace(" and 0 hits", ""));
    }
    Ok((loaded, retired))
}

fn list(args: &ListArgs, stats: bool) -> io::Result<u8> {
    let now = unix_now();
    let (mut loaded, retired) = match load_for_use(
        &args.paths,
        &args.allow,
        args.include_expired,
        options(args.allow_broad_ranges, args.to_ids_only),
        now,
    ) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    if stats {
        // Counts what each file holds, as `iocs check` does.
        let report = check::check(&loaded, &retired, None);
        let s = inspect::stats(&loaded, &report);
        match args.format {
            ListFormat::Text => inspect::stats_text(&s, &report, &mut out)?,
            ListFormat::Jsonl => inspect::stats_json(&s, &mut out)?,
        }
    } else {
        // Lists what a sweep would name on its hits.
        loaded.drop_stale_sources(now, args.include_expired);
        match args.format {
            ListFormat::Text => inspect::list_text(&loaded, &mut out)?,
            ListFormat::Jsonl => inspect::list_jsonl(&loaded, &mut out)?,
        }
    }
    out.flush()?;
    Ok(if loaded.has_errors() { 2 } else { 0 })
}

fn export(args: &ExportArgs) -> io::Result<u8> {
    if let Some(out) = &args.output {
        if let Some(input) = args.paths.iter().find(|p| same_file(out, p)) {
            say(
                false,
                &format!(
                    "{}: cannot write the export here: it is the indicator \
                     file {}, which writing would destroy",
                    out.display(),
                    input.display()
                ),
            );
            return Ok(2);
        }
    }
    let now = unix_now();
    let (mut loaded, _) = match load_for_use(
        &args.paths,
        &args.allow,
        args.include_expired,
        options(args.allow_broad_ranges, args.to_ids_only),
        now,
    ) {
        Ok(l) => l,
        Err(code) => return Ok(code),
    };
    loaded.drop_stale_sources(now, args.include_expired);
    let to = match args.to {
        ExportFormat::Text => Target::Text,
        ExportFormat::Csv => Target::Csv,
        ExportFormat::Zeek => Target::Zeek,
        ExportFormat::Stix2 => Target::Stix2,
    };
    let e = export::export(&loaded.set, to, Stamp { secs: now, nanos: 0 });
    // Every value left out is named: it is in no file the export
    // writes. Changed values are written, and a format that changes
    // every value of a kind changes thousands: a few of each change are
    // named.
    for (value, why) in &e.left_out {
        say(
            false,
            &format!("left out of the {} export: {value}: {why}", to.name()),
        );
    }
    say_by_reason(&format!("{} export", to.name()), &e.changed);
    let written = match &args.output {
        Some(path) => File::create(path)
            .and_then(|mut f| f.write_all(e.text.as_bytes()))
            .map_err(|err| {
                io::Error::new(
                    err.kind(),
                    format!(
                        "{}: cannot write the export: {err}",
                        path.display()
                    ),
                )
            }),
        None => io::stdout().lock().write_all(e.text.as_bytes()),
    };
    written?;
    let changed = match e.changed.len() {
        0 => String::new(),
        n => format!(", {n} changed"),
    };
    let indicators = if e.written == 1 { "indicator" } else { "indicators" };
    say(
        false,
        &format!(
            "exported {} {indicators} as {} ({} left out{changed})",
            e.written,
            to.name(),
            e.left_out.len()
        ),
    );
    Ok(if loaded.has_errors() { 2 } else { 0 })
}

/// How many changed values of each change an export names on standard
/// error; the others are counted. A Zeek export of a feed changes every
/// URL in it (scheme dropped): the corpus's printed 15,064 lines, one a
/// URL.
const LISTED_PER_REASON: usize = 20;

/// Says `prefix: value: reason` for the first [`LISTED_PER_REASON`]
/// values of each reason, in the order given (the export sorts them by
/// kind, then as text), and then how many more each reason has. A value
/// merged into another's changed form is counted under its change,
/// whatever value it was written as; one with two changes (`port
/// dropped; AND mark lost`) is counted under the two together.
fn say_by_reason(prefix: &str, items: &[(String, String)]) {
    let mut reasons: Vec<(String, usize)> = Vec::new();
    for (value, why) in items {
        let key = match why.find(MERGED) {
            Some(i) => format!("{}{MERGED} another value", &why[..i]),
            None => why.clone(),
        };
        let seen = match reasons.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => n,
            None => {
                reasons.push((key, 0));
                &mut reasons.last_mut().expect("just pushed").1
            }
        };
        *seen += 1;
        if *seen <= LISTED_PER_REASON {
            say(false, &format!("{prefix}: {value}: {why}"));
        }
    }
    for (key, n) in reasons {
        if n > LISTED_PER_REASON {
            let more = n - LISTED_PER_REASON;
            let values = if more == 1 { "value" } else { "values" };
            say(
                false,
                &format!("{prefix}: {key}: {more} more {values}, not listed"),
            );
        }
    }
}

/// How the export says a value was written as another's changed form.
const MERGED: &str = "; written once as";

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
