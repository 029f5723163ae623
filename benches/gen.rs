//! The command line of the benchmark kit (a `harness = false` bench).
//!
//! ```text
//! cargo bench --bench gen -- corpus --out DIR --size 100M --seed 1 \
//!     --iocs 10000[,100000,...]
//! cargo bench --bench gen -- check --truth DIR/truth.jsonl --hits H.jsonl
//! ```

mod kit;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use kit::check::{self, Report};

/// How many differences of each sort are printed.
const SHOW: usize = 40;

fn main() -> ExitCode {
    let args: Vec<String> =
        std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let result = match args.first().map(String::as_str) {
        Some("corpus") => corpus(&args[1..]),
        Some("check") => check(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("gen: {msg}");
            ExitCode::from(2)
        }
    }
}

const USAGE: &str = "usage:\n  \
    gen corpus --out DIR [--size 100M] [--seed 1] [--iocs 10000[,100000]]\n  \
    gen check --truth DIR/truth.jsonl --hits HITS.jsonl";

/// Returns the value of `--name`, if given.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1).map(String::as_str)
}

fn required<'a>(args: &'a [String], name: &str) -> Result<&'a str, String> {
    flag(args, name).ok_or_else(|| format!("{name} is required\n{USAGE}"))
}

/// Parses a size such as `100M`, `1G`, `200K` or `12345` (binary units).
fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim().trim_end_matches(['B', 'b']).trim_end_matches('i');
    let (num, unit) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => (&s[..i], c),
        _ => (s, ' '),
    };
    let shift = match unit.to_ascii_uppercase() {
        ' ' => 0,
        'K' => 10,
        'M' => 20,
        'G' => 30,
        _ => return Err(format!("{s:?}: unknown size unit")),
    };
    let n: f64 = num.parse().map_err(|_| format!("{s:?} is not a size"))?;
    Ok((n * (1u64 << shift) as f64) as u64)
}

fn corpus(args: &[String]) -> Result<ExitCode, String> {
    let cfg = kit::Config {
        out: PathBuf::from(required(args, "--out")?),
        size: parse_size(flag(args, "--size").unwrap_or("100M"))?,
        seed: flag(args, "--seed")
            .unwrap_or("1")
            .parse()
            .map_err(|_| "--seed takes a number")?,
        sets: flag(args, "--iocs")
            .unwrap_or("10000")
            .split(',')
            .map(|n| {
                n.trim()
                    .parse::<usize>()
                    .map_err(|_| format!("--iocs: bad number {n:?}"))
            })
            .collect::<Result<_, _>>()?,
    };
    let start = Instant::now();
    let summary = kit::generate(&cfg)
        .map_err(|e| format!("{}: {e}", cfg.out.display()))?;
    let decoys = summary.placed.iter().filter(|p| p.form.is_decoy()).count();
    eprintln!(
        "gen: wrote {:.1} MiB of logs to {} in {:.2} s: {} hits planted, \
         {} decoys",
        cfg.size as f64 / f64::from(1u32 << 20),
        cfg.out.join("logs").display(),
        start.elapsed().as_secs_f64(),
        summary.placed.len() - decoys,
        decoys
    );
    for (i, (n, truth)) in summary.truths.iter().enumerate() {
        let dir = kit::set_dir(&cfg.out, i, *n);
        eprintln!(
            "gen: {n} indicators, {} truth records in {}",
            truth.len(),
            dir.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: &[String]) -> Result<ExitCode, String> {
    let truth = Path::new(required(args, "--truth")?);
    let hits = Path::new(required(args, "--hits")?);
    let report = check::compare(truth, hits).map_err(|e| e.to_string())?;
    if report.is_exact() {
        println!("truth: {} records, all matched", report.truth_records);
        return Ok(ExitCode::SUCCESS);
    }
    let logs = truth.parent().unwrap_or(Path::new(".")).join("logs");
    print_report(&report, &logs);
    Ok(ExitCode::from(1))
}

fn print_report(r: &Report, logs: &Path) {
    println!(
        "truth: {} records; hits: {} records; {} missing, {} unexpected, \
         {} duplicated, {} with the wrong kind",
        r.truth_records,
        r.hit_records,
        r.missing.len(),
        r.unexpected.len(),
        r.duplicated.len(),
        r.wrong_kind.len()
    );
    let texts = missing_texts(r, logs);
    for ((file, line, ind), d) in r.missing.iter().take(SHOW) {
        println!("missing:    {file}:{line} {} {ind} ({})", d.kind, d.note);
        if let Some(t) = texts.get(&(file.clone(), *line)) {
            println!("    | {t}");
        }
    }
    for ((file, line, ind), d) in r.unexpected.iter().take(SHOW) {
        println!(
            "unexpected: {file}:{line} {} {ind} (matched {:?})",
            d.kind, d.note
        );
        println!("    | {}", d.text);
    }
    for (file, line, ind) in r.duplicated.iter().take(SHOW) {
        println!("duplicated: {file}:{line} {ind}");
    }
    for ((file, line, ind), want, got) in r.wrong_kind.iter().take(SHOW) {
        println!("wrong kind: {file}:{line} {ind}: want {want}, got {got}");
    }
}

/// Reads the log lines of the first missing records, keyed by file and
/// line; unreadable logs are skipped (the listing still names the line).
fn missing_texts(r: &Report, logs: &Path) -> BTreeMap<(String, u64), String> {
    let mut wanted: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for ((file, line, _), _) in r.missing.iter().take(SHOW) {
        wanted.entry(file).or_default().insert(*line);
    }
    let mut out = BTreeMap::new();
    for (file, lines) in wanted {
        let Ok(texts) = check::lines_of(&logs.join(file), &lines) else {
            continue;
        };
        for (n, t) in texts {
            out.insert((file.to_string(), n), t);
        }
    }
    out
}
