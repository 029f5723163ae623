//! The `iocsweep` binary: parses arguments, loads indicators, runs the
//! sweep and maps the outcome to the exit status (0 no hits, 1 hits, 2
//! something could not be read or loaded, 130 or 143 stopped by SIGINT
//! or SIGTERM).

mod cli;
mod interrupt;
mod iocs_cmd;
mod outputs;
mod run;

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use iocsweep::allow;
use iocsweep::load::{self, LoadOptions, Loaded, Loader, Problem};
use iocsweep::matcher::Matcher;
use iocsweep::report::manifest::{self, Ending, ManifestInput};
use iocsweep::report::progress::Spinner;
use iocsweep::report::{self, Failures, Summary, sanitize};
use iocsweep::sweep::input;
use iocsweep::sweep::select::{self, Selection};
use iocsweep::{bundled, indicator::ParseOptions};

use cli::{Cli, Command, SweepArgs};

/// How many problems are listed per indicator file before the rest are
/// only counted.
const PROBLEMS_SHOWN: usize = 5;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sweep(args) => sweep(&args),
        Command::Iocs(args) => iocs_cmd::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            to_stderr(&sanitize::escape(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Prints a message on standard error with the tool's prefix.
fn say(quiet: bool, msg: &str) {
    if !quiet {
        to_stderr(&sanitize::escape(msg));
    }
}

/// Writes one line on standard error with the tool's prefix; a closed
/// standard error (`2>&1 | head -1`) is not a reason to stop or panic,
/// as `eprintln!` would.
fn to_stderr(line: &str) {
    let _ = writeln!(io::stderr().lock(), "iocsweep: {line}");
}

fn load(args: &SweepArgs) -> (Loaded, String) {
    let opts = LoadOptions {
        parse: ParseOptions { allow_broad_ranges: args.allow_broad_ranges },
        to_ids_only: args.to_ids_only,
    };
    let mut loader = Loader::new(opts);
    let name = if args.iocs.is_empty() {
        bundled::add_all(&mut loader);
        bundled_name()
    } else {
        for p in &args.iocs {
            loader.add_path(p);
        }
        let names: Vec<String> =
            args.iocs.iter().map(|p| input::path_name(p)).collect();
        names.join(", ")
    };
    (loader.finish(), name)
}

/// Returns how the summary names the bundled sets: how many, which (file
/// names without `.txt`), and the newest publication date, so the audit
/// trail says exactly what was swept for.
fn bundled_name() -> String {
    let sets = bundled::sets();
    let names: Vec<&str> = sets
        .iter()
        .map(|s| s.file.strip_suffix(".txt").unwrap_or(s.file))
        .collect();
    format!(
        "bundled indicator sets ({} sets: {}; newest published {})",
        sets.len(),
        names.join(", "),
        bundled::newest().unwrap_or("unknown")
    )
}

fn sweep(args: &SweepArgs) -> io::Result<u8> {
    let started = Instant::now();
    let started_at = manifest::now();
    let q = args.quiet;
    let progress = !q && io::stderr().is_terminal();
    let paths = paths(args)?;
    let sel = Selection::new(
        &args.glob,
        &args.exclude,
        args.max_depth.map(|d| d as usize),
        args.follow,
    )
    .map_err(io::Error::other)?;
    let (inputs, walk) = input::expand(&paths, &sel);
    let clash =
        outputs_clash(args).or_else(|| output_clash(args, &paths, &walk));
    if let Some(clash) = clash {
        say(false, &clash);
        return Ok(2);
    }
    let (since, until) = match run::window(args) {
        Ok(w) => w,
        Err(e) => {
            say(false, &e);
            return Ok(2);
        }
    };
    let spinner = progress.then(|| Spinner::start("loading indicators"));
    let (mut loaded, set_name) = load(args);
    if let Some(s) = spinner {
        s.finish();
    }
    // With nothing loaded, why is the one thing worth saying, quiet or not.
    print_problems(q && !loaded.set.is_empty(), &loaded);
    let (allow, allow_loaded, not_applied) =
        match iocs_cmd::allowlist_loaded(q, &args.allow) {
            Ok(Some((a, l, n))) => (a, Some(l), n),
            Ok(None) => {
                (allow::Allowlist::default(), None, Default::default())
            }
            Err(code) => return Ok(code),
        };
    let allowed = allow.filter(&mut loaded);
    let now = iocs_cmd::unix_now();
    let retired = loaded.retain_current(now, args.include_expired);
    loaded.drop_stale_sources(now, args.include_expired);
    for note in load::retired_note(&retired, args.include_expired) {
        say(q, &note);
    }
    if loaded.set.is_empty() {
        let none = retired.is_empty() && allowed.is_empty();
        let what = if none { "loaded" } else { "left" };
        say(false, &format!("no indicators {what}: nothing to sweep for"));
        return Ok(2);
    }
    let counts: Vec<String> =
        loaded.set.counts().iter().map(|(k, n)| format!("{k} {n}")).collect();
    say(
        q,
        &format!(
            "indicators: {} from {} ({})",
            loaded.set.len(),
            set_name,
            counts.join(", ")
        ),
    );

    let matcher = Matcher::new(&loaded.set);
    let threads = args.threads.map_or(0, usize::from);
    let pool =
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().map_err(
            |e| io::Error::other(format!("cannot start worker threads: {e}")),
        )?;

    report_walk(q, &walk);
    let facts = outputs::facts(&inputs, progress || outputs::wanted(args));
    let run = run::Run {
        args,
        inputs: &inputs,
        facts: &facts,
        progress,
        started_at,
        since,
        until,
    };
    // Until the sweep starts there is nothing to flush, so a stop signal
    // while the walk, the load or the compile runs ends the process at
    // once (a slow or blocking indicator file cannot hold it).
    let stop = interrupt::install();
    let (summary, ending, hits_allowed) =
        run.sweep(&matcher, &loaded, &allow, &pool, stop)?;

    let failures = Failures::count(&walk, &summary, &loaded);
    let code = outputs::exit_status(ending, &failures, &summary);
    if ending != Ending::OutputClosed {
        for (name, err) in &summary.errors {
            say(false, &format!("{name}: {err}"));
        }
        print_summary(q, &summary, &failures, started);
        if !allow.is_empty() {
            say(q, &allow::note(allowed.len(), hits_allowed));
        }
        if !q {
            for line in summary.tally.table(&loaded.set) {
                // The table's cells are escaped already.
                to_stderr(&line);
            }
        }
        if let Ending::Interrupted(signal) = ending {
            say(false, &outputs::stopped_note(signal, &summary, inputs.len()));
        }
    }
    let outcome = ManifestInput {
        // Arguments that are not UTF-8 are written as names are, `\xNN`.
        command_line: std::env::args_os()
            .map(|a| input::path_name(std::path::Path::new(&a)))
            .collect(),
        started: started_at,
        ended: started_at,
        ending,
        exit_status: code,
        loaded: &loaded,
        inputs: &inputs,
        facts: &facts,
        walk: &walk,
        summary: &summary,
        failures: &failures,
        hashed: args.hash_inputs,
        allowlist: allow_loaded.as_ref(),
        filtered: manifest::Filtered {
            indicators_allowed: allowed.len(),
            hits_allowed,
            allow_entries_not_applied: not_applied.total(),
            since,
            until,
        },
    };
    let write_errors = outputs::write(args, outcome);
    for e in &write_errors {
        say(false, e);
    }
    // Freeing a million indicators costs a good part of what building
    // them did, and the process ends next: leave that to the OS.
    std::mem::forget(matcher);
    std::mem::forget(loaded);
    Ok(if write_errors.is_empty() { code } else { 2 })
}

/// Prints what the walk of the inputs met besides files to sweep: paths
/// that failed, files reached twice, links and special files skipped.
fn report_walk(q: bool, walk: &input::WalkReport) {
    for e in &walk.errors {
        say(false, &format!("{}: {}", e.path.display(), e.error));
    }
    for note in report::walk_notes(walk) {
        say(q, &note);
    }
}

/// Returns the paths to sweep: those given, then those listed in the
/// `--files-from` file.
fn paths(args: &SweepArgs) -> io::Result<Vec<PathBuf>> {
    let mut paths = args.paths.clone();
    let Some(list) = &args.files_from else { return Ok(paths) };
    let stdin = list.as_os_str() == "-";
    let listed = if stdin {
        select::read_list(io::stdin().lock(), args.null)
    } else {
        File::open(list).and_then(|f| select::read_list(f, args.null))
    };
    let name = list.display();
    let listed = listed.map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{name}: cannot read the file list: {e}"),
        )
    })?;
    paths.extend(listed);
    if stdin && paths.iter().any(|p| p.as_os_str() == "-") {
        return Err(io::Error::other(
            "--files-from -: standard input holds the file list, so it \
             cannot also be an input (`-`)",
        ));
    }
    Ok(paths)
}

/// Returns why the output file may not be written, if it is a file the
/// sweep reads: opening it would destroy that evidence before it is read.
fn output_clash(
    args: &SweepArgs,
    paths: &[PathBuf],
    walk: &input::WalkReport,
) -> Option<String> {
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let outputs = [&args.output, &args.summary, &args.report, &args.manifest];
    let (out, (what, path)) =
        outputs.into_iter().flatten().find_map(|out| {
            Some((out, input::clash(out, walk, &args.iocs, stdin)?))
        })?;
    Some(format!(
        "{}: cannot write the output here: it is the same file as the \
         {what} {}, which writing would destroy; choose another path",
        out.display(),
        path.display()
    ))
}

/// Returns why two of the files the sweep writes may not be written, if
/// they are one file: the second written would replace the first (the
/// hit records, most often) without a word. Paths are compared after
/// symbolic links are followed, existing files by identity; devices such
/// as `/dev/null` may be named twice.
fn outputs_clash(args: &SweepArgs) -> Option<String> {
    let named = [
        ("hit records (-o)", &args.output),
        ("summary (--summary)", &args.summary),
        ("report (--report)", &args.report),
        ("manifest (--manifest)", &args.manifest),
    ];
    let mut seen: Vec<(&str, &Path, Written)> = Vec::new();
    for (what, path) in named {
        let Some(path) = path else { continue };
        let Some(dest) = written(path) else { continue };
        if let Some((other, first, _)) = seen.iter().find(|s| s.2 == dest) {
            return Some(format!(
                "{}: cannot write both the {other} and the {what} here: \
                 {} names the same file, and the one written last would \
                 replace the other; choose two paths",
                path.display(),
                first.display()
            ));
        }
        seen.push((what, path, dest));
    }
    None
}

/// Where an output lands: an existing regular file by identity, a file
/// still to be made by its resolved path.
#[derive(PartialEq)]
enum Written {
    File(input::FileId),
    New(PathBuf),
}

/// Returns where writing `path` lands, or `None` for what can take any
/// number of writers (a device, a FIFO) or where it cannot be known.
fn written(path: &Path) -> Option<Written> {
    if let Ok(meta) = std::fs::metadata(path) {
        return meta
            .is_file()
            .then(|| input::FileId::of(&meta).map(Written::File))
            .flatten();
    }
    // Not there yet, or a link to nothing: follow the links by hand.
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&p) {
            Ok(target) => {
                p = match p.parent() {
                    Some(dir) if target.is_relative() => dir.join(target),
                    _ => target,
                }
            }
            Err(_) => break,
        }
    }
    let name = p.file_name()?.to_owned();
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(Written::New(std::fs::canonicalize(dir).ok()?.join(name)))
}

/// Prints the problems of each indicator file: the first few, how many
/// more, and how many entries loaded and how many did not.
fn print_problems(q: bool, loaded: &Loaded) {
    for f in report::problems_by_file(loaded) {
        // Problems with the whole file are always shown (they are few,
        // and one may count the entry problems not listed).
        let (whole, entries): (Vec<&&Problem>, Vec<_>) =
            f.problems.iter().partition(|p| p.at.is_none());
        for p in entries.iter().take(PROBLEMS_SHOWN) {
            say(q, &p.to_string());
        }
        if entries.len() > PROBLEMS_SHOWN {
            let more = entries.len() - PROBLEMS_SHOWN;
            let problems = if more == 1 { "problem" } else { "problems" };
            say(q, &format!("… and {more} more {problems} in {}", f.file));
        }
        for p in whole {
            say(q, &p.to_string());
        }
        if !f.read {
            continue;
        }
        let entries = if f.loaded == 1 { "entry" } else { "entries" };
        let (file, n, failed) = (f.file, f.loaded, f.not_loaded);
        say(q, &format!("{file}: {n} {entries} loaded, {failed} not loaded"));
    }
}

fn print_summary(
    quiet: bool,
    s: &Summary,
    failures: &Failures,
    started: Instant,
) {
    let hits: Vec<String> =
        s.hits.iter().map(|(k, n)| format!("{k} {n}")).collect();
    let hits = if hits.is_empty() {
        String::new()
    } else {
        format!(" ({})", hits.join(", "))
    };
    say(
        quiet,
        &format!(
            "swept {} {}, {}, {} {} in {:.2} s: {} {}{}; {}",
            s.inputs,
            report::plural(s.inputs as usize, "input", "inputs"),
            report::human_bytes(s.bytes),
            s.lines,
            report::plural(s.lines as usize, "line", "lines"),
            started.elapsed().as_secs_f64(),
            s.total_hits(),
            report::plural(s.total_hits() as usize, "hit", "hits"),
            hits,
            failures
        ),
    );
    for note in s.notes() {
        say(quiet, &note);
    }
}
