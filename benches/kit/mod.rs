//! The benchmark kit: a deterministic generator of log corpora and
//! indicator sets with planted hits, near-miss decoys and the truth, and
//! a checker that compares iocsweep's hit records with that truth.
//!
//! `benches/gen.rs` is its command line; `tests/it/bench_kit.rs` runs it
//! in a smoke mode. See `benches/README.md` for the files it writes.

pub mod check;
pub mod corpus;
pub mod iocs;
pub mod lines;
pub mod oracle;
pub mod plant;
pub mod rng;
pub mod vocab;

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use corpus::Placed;
use iocs::Kind;
use oracle::Oracle;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Config {
    /// The folder to write into.
    pub out: PathBuf,
    /// The total size of the six log files, in bytes.
    pub size: u64,
    /// The seed of every random choice.
    pub seed: u64,
    /// Indicator set sizes; the first is written at the top of `out`,
    /// each other one into `out/iocs-N/`. Hits are planted from the
    /// smallest set, so they are hits for every set.
    pub sets: Vec<usize>,
}

/// One expected hit record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Truth {
    /// The log file name.
    pub file: String,
    /// The 1-based line number.
    pub line: u64,
    /// The indicator kind.
    pub kind: Kind,
    /// The normalised indicator.
    pub indicator: String,
    /// How it was planted (see [`plant::Form`]).
    pub form: String,
}

/// What a generation run wrote.
pub struct Summary {
    /// Every planted hit and decoy.
    pub placed: Vec<Placed>,
    /// The truth for each set size, in the order of [`Config::sets`].
    pub truths: Vec<(usize, Vec<Truth>)>,
}

/// Writes the corpus, the indicator lists and the truth.
///
/// # Errors
///
/// Returns the first I/O error.
pub fn generate(cfg: &Config) -> io::Result<Summary> {
    let largest = cfg.sets.iter().copied().max().unwrap_or(0);
    let smallest = cfg.sets.iter().copied().min().unwrap_or(0);
    let all = iocs::generate(cfg.seed, largest);
    let logs = cfg.out.join("logs");
    fs::create_dir_all(&logs)?;
    let plant_from = Oracle::new(&all[..smallest]);
    let placed = corpus::write_logs(&logs, cfg.size, cfg.seed, &plant_from)?;
    let mut truths = Vec::new();
    for (i, &n) in cfg.sets.iter().enumerate() {
        let dir = set_dir(&cfg.out, i, n);
        fs::create_dir_all(&dir)?;
        iocs::write_lists(&dir, &all[..n], cfg.seed)?;
        let truth = truth_for(&placed, &Oracle::new(&all[..n]));
        write_truth(&dir.join("truth.jsonl"), &truth)?;
        truths.push((n, truth));
    }
    write_placed(&cfg.out.join("planted.jsonl"), &placed)?;
    Ok(Summary { placed, truths })
}

/// Returns the folder of the `i`th set: `out` itself for the first.
pub fn set_dir(out: &Path, i: usize, n: usize) -> PathBuf {
    if i == 0 { out.to_path_buf() } else { out.join(format!("iocs-{n}")) }
}

/// Returns the records iocsweep must write for the planted values.
pub fn truth_for(placed: &[Placed], o: &Oracle) -> Vec<Truth> {
    let mut out: Vec<Truth> = placed
        .iter()
        .flat_map(|p| {
            o.hits(&p.token).into_iter().map(|(kind, indicator)| Truth {
                file: p.log.file_name().to_string(),
                line: p.line,
                kind,
                indicator,
                form: p.form.name(),
            })
        })
        .collect();
    out.sort();
    out
}

fn write_truth(path: &Path, truth: &[Truth]) -> io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    for t in truth {
        let rec = serde_json::json!({
            "file": t.file,
            "line": t.line,
            "kind": t.kind.name(),
            "indicator": t.indicator,
            "form": t.form,
        });
        writeln!(w, "{rec}")?;
    }
    w.flush()
}

fn write_placed(path: &Path, placed: &[Placed]) -> io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    let mut sorted: Vec<&Placed> = placed.iter().collect();
    sorted.sort_by_key(|p| (p.log.file_name(), p.line));
    for p in sorted {
        let rec = serde_json::json!({
            "file": p.log.file_name(),
            "line": p.line,
            "form": p.form.name(),
            "decoy": p.form.is_decoy(),
            "text": p.text,
        });
        writeln!(w, "{rec}")?;
    }
    w.flush()
}
