//! The `iocsweep` binary: parses arguments, loads indicators, runs the
//! sweep and maps the outcome to the exit status (0 no hits, 1 hits, 2
//! something could not be read or loaded).

mod cli;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use iocsweep::load::{LoadOptions, Loaded, Loader};
use iocsweep::logs::time::parse_bound;
use iocsweep::matcher::Matcher;
use iocsweep::report::{self, Failures, Format, Reporter, Summary, sanitize};
use iocsweep::sweep::input;
use iocsweep::sweep::select::{self, Selection};
use iocsweep::sweep::{self, Sweeper};
use iocsweep::time::Stamp;
use iocsweep::{bundled, indicator::ParseOptions};

use cli::{Cli, ColorArg, Command, FormatArg, SweepArgs};

/// How many problems are listed per indicator file before the rest are
/// only counted.
const PROBLEMS_SHOWN: usize = 5;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sweep(args) => sweep(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iocsweep: {}", sanitize::escape(&e.to_string()));
            ExitCode::from(2)
        }
    }
}

/// Prints a message on standard error with the tool's prefix.
fn say(quiet: bool, msg: &str) {
    if !quiet {
        eprintln!("iocsweep: {}", sanitize::escape(msg));
    }
}

fn load(args: &SweepArgs) -> (Loaded, String) {
    let opts = LoadOptions {
        parse: ParseOptions { allow_broad_ranges: args.allow_broad_ranges },
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
            args.iocs.iter().map(|p| p.display().to_string()).collect();
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
    let q = args.quiet;
    let paths = paths(args)?;
    let sel = Selection::new(
        &args.glob,
        &args.exclude,
        args.max_depth.map(|d| d as usize),
        args.follow,
    )
    .map_err(io::Error::other)?;
    let (inputs, walk) = input::expand(&paths, &sel);
    if let Some(clash) = output_clash(args, &paths, &walk) {
        say(false, &clash);
        return Ok(2);
    }
    let (since, until) = match window(args) {
        Ok(w) => w,
        Err(e) => {
            say(false, &e);
            return Ok(2);
        }
    };
    let (loaded, set_name) = load(args);
    print_problems(q, &loaded);
    if loaded.set.is_empty() {
        say(false, "no indicators loaded: nothing to sweep for");
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
    let out: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(File::create(path).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("{}: cannot create output: {e}", path.display()),
            )
        })?),
        None => Box::new(io::stdout()),
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let format = match args.format {
        Some(FormatArg::Jsonl) => Format::Jsonl,
        Some(FormatArg::Text) => Format::Text,
        None if to_terminal => Format::Text,
        None => Format::Jsonl,
    };
    let color = match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal,
    };
    let mut reporter = Reporter::new(
        BufWriter::with_capacity(1 << 16, out),
        format,
        color,
        &loaded.set,
    );
    let opts = sweep::Options { since, until, ..sweep::Options::default() };
    let sweeper = Sweeper::new(&matcher, opts);
    pool.install(|| sweeper.run(&inputs, &mut reporter))?;
    let summary = reporter.finish()?;

    for (name, err) in &summary.errors {
        say(false, &format!("{name}: {err}"));
    }
    let failures = Failures::count(&walk, &summary, &loaded);
    print_summary(q, &summary, &failures, started);
    let failed = failures.total() > 0;
    // Freeing a million indicators costs a good part of what building
    // them did, and the process ends next: leave that to the OS.
    std::mem::forget(matcher);
    std::mem::forget(loaded);
    Ok(if failed {
        2
    } else if summary.total_hits() > 0 {
        1
    } else {
        0
    })
}

/// Returns the `--since`/`--until` window, ages counted back from now.
fn window(args: &SweepArgs) -> Result<(Option<Stamp>, Option<Stamp>), String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(Stamp { secs: 0, nanos: 0 }, |d| Stamp {
            secs: d.as_secs() as i64,
            nanos: 0,
        });
    let bound = |flag: &str, v: &Option<String>| {
        v.as_deref()
            .map(|s| parse_bound(s, now).map_err(|e| format!("--{flag}: {e}")))
            .transpose()
    };
    let since = bound("since", &args.since)?;
    let until = bound("until", &args.until)?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(format!(
                "--since {s} is after --until {u}: no hit could be reported"
            ));
        }
    }
    Ok((since, until))
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
    let out = args.output.as_ref()?;
    let stdin = paths.iter().any(|p| p.as_os_str() == "-");
    let (what, path) = input::clash(out, walk, &args.iocs, stdin)?;
    Some(format!(
        "{}: cannot write the output here: it is the same file as the \
         {what} {}, which writing would destroy; choose another path",
        out.display(),
        path.display()
    ))
}

/// Prints the problems of each indicator file: the first few, how many
/// more, and how many entries loaded and how many did not.
fn print_problems(q: bool, loaded: &Loaded) {
    for f in report::problems_by_file(loaded) {
        for p in f.problems.iter().take(PROBLEMS_SHOWN) {
            say(q, &p.to_string());
        }
        if f.problems.len() > PROBLEMS_SHOWN {
            let more = f.problems.len() - PROBLEMS_SHOWN;
            say(q, &format!("… and {more} more problems in {}", f.file));
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
