//! Criterion benchmarks: loading and compiling indicator sets, and the
//! matcher over each log kind of the bench kit's corpus.
//!
//! The corpus (4 MiB of logs, sets of 10k and 100k indicators) is
//! generated into a temporary folder at start; every matcher benchmark
//! first checks that the matcher finds the planted hits of its file, so a
//! fast but wrong matcher cannot post a number.
//!
//! Run: `cargo bench --bench matcher` (add a filter such as `scan/dns`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use iocsweep::load::{LoadOptions, load_paths};
use iocsweep::matcher::Matcher;

#[allow(dead_code)]
mod kit;

const SETS: [usize; 2] = [10_000, 100_000];

struct Corpus {
    _dir: tempfile::TempDir,
    root: PathBuf,
    summary: kit::Summary,
}

fn corpus() -> Corpus {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().to_path_buf();
    let cfg = kit::Config {
        out: root.clone(),
        size: 4 << 20,
        seed: 7,
        sets: SETS.to_vec(),
    };
    let summary = kit::generate(&cfg).expect("the corpus is written");
    Corpus { _dir: dir, root, summary }
}

fn set_file(root: &Path, i: usize) -> PathBuf {
    kit::set_dir(root, i, SETS[i]).join("iocs.txt")
}

fn load_and_compile(c: &mut Criterion, corpus: &Corpus) {
    let mut g = c.benchmark_group("load+compile");
    g.sample_size(10);
    for (i, n) in SETS.iter().enumerate() {
        let path = set_file(&corpus.root, i);
        g.bench_function(format!("{n}"), |b| {
            b.iter(|| {
                let loaded = load_paths(
                    std::slice::from_ref(&path),
                    LoadOptions::default(),
                );
                assert_eq!(loaded.set.len(), *n);
                black_box(Matcher::new(&loaded.set))
            })
        });
    }
    g.finish();
}

fn scan_each_log(c: &mut Criterion, corpus: &Corpus) {
    for (i, n) in SETS.iter().enumerate() {
        let loaded =
            load_paths(&[set_file(&corpus.root, i)], LoadOptions::default());
        let matcher = Matcher::new(&loaded.set);
        let truth = &corpus.summary.truths[i].1;
        let mut g = c.benchmark_group(format!("scan/{n}"));
        let mut logs: Vec<PathBuf> =
            std::fs::read_dir(corpus.root.join("logs"))
                .expect("the logs folder")
                .map(|e| e.expect("a folder entry").path())
                .collect();
        logs.sort();
        for log in logs {
            let name = log.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&log).expect("the log file");
            let mut hits = Vec::new();
            matcher.scan(&bytes, &mut hits);
            let planted = truth.iter().filter(|t| t.file == name).count();
            assert!(
                hits.len() >= planted,
                "{name}: {} hits, {planted} planted",
                hits.len()
            );
            g.throughput(Throughput::Bytes(bytes.len() as u64));
            g.bench_function(name.trim_end_matches(".log"), |b| {
                b.iter(|| {
                    hits.clear();
                    matcher.scan(black_box(&bytes), &mut hits);
                    hits.len()
                })
            });
        }
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    let corpus = corpus();
    load_and_compile(c, &corpus);
    scan_each_log(c, &corpus);
}

criterion_group!(matcher, benches);
criterion_main!(matcher);
