//! Writes the six log files of a corpus, planting indicators and decoys
//! at spread-out lines, one thread per file.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::lines::{Cx, LogKind, Slot, Template};
use super::oracle::{Oracle, Token};
use super::plant::{self, Form};
use super::rng::Rng;

/// The first millisecond of every log (2024-06-01T00:00:00Z).
const EPOCH_MS: u64 = 1_717_200_000_000;
/// Lines per planted hit, at least (small corpora plant more).
const LINES_PER_HIT: u64 = 10_000;
/// Lines per decoy, at least.
const LINES_PER_DECOY: u64 = 20_000;

/// A planted hit or decoy: where it is and what was written.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The log file it is in.
    pub log: LogKind,
    /// Its 1-based line number.
    pub line: u64,
    /// How it was written.
    pub form: Form,
    /// The text written.
    pub text: String,
    /// What the text means for matching.
    pub token: Token,
}

/// Writes every log file of the corpus into `dir`, `size` bytes in all,
/// and returns what was planted.
///
/// # Errors
///
/// Returns the first error from creating or writing a file.
pub fn write_logs(
    dir: &Path,
    size: u64,
    seed: u64,
    o: &Oracle,
) -> io::Result<Vec<Placed>> {
    let root = Rng::new(seed);
    let results: Vec<io::Result<Vec<Placed>>> = std::thread::scope(|s| {
        let handles: Vec<_> = LogKind::ALL
            .iter()
            .enumerate()
            .map(|(i, &(log, share))| {
                let rng = root.fork(100 + i as u64);
                let path = dir.join(log.file_name());
                s.spawn(move || {
                    let target = size * share / 100;
                    LogWriter::new(log, rng, o).write(&path, target)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a log writer panicked"))
            .collect()
    });
    let mut all = Vec::new();
    for r in results {
        all.extend(r?);
    }
    Ok(all)
}

/// Returns the forms that some template of the log can hold.
pub fn forms_for(log: LogKind, among: &[Form]) -> Vec<Form> {
    let slots: Vec<Slot> =
        log.templates().iter().flat_map(|(_, s)| s.iter().copied()).collect();
    among.iter().copied().filter(|f| slots.contains(&f.slot())).collect()
}

struct LogWriter<'a> {
    log: LogKind,
    rng: Rng,
    oracle: &'a Oracle<'a>,
    ms: u64,
}

impl<'a> LogWriter<'a> {
    fn new(log: LogKind, rng: Rng, oracle: &'a Oracle<'a>) -> Self {
        LogWriter { log, rng, oracle, ms: EPOCH_MS }
    }

    fn write(mut self, path: &Path, target: u64) -> io::Result<Vec<Placed>> {
        let est_lines = (target / self.mean_line_len()).max(1);
        let events = self.schedule(est_lines);
        let mut w = BufWriter::with_capacity(1 << 22, File::create(path)?);
        let mut line = Vec::with_capacity(1024);
        let (mut written, mut n, mut next) = (0u64, 0u64, 0usize);
        let mut placed = Vec::new();
        while written < target || next < events.len() {
            n += 1;
            line.clear();
            let due = next < events.len()
                && (events[next].0 <= n || written >= target);
            if due {
                let form = events[next].1;
                next += 1;
                if let Some(p) = self.event(form, n, &mut line) {
                    placed.push(p);
                }
            } else {
                self.background(&mut line);
            }
            w.write_all(&line)?;
            written += line.len() as u64;
        }
        w.flush()?;
        Ok(placed)
    }

    /// Estimates the mean line length from a sample on a side stream.
    fn mean_line_len(&self) -> u64 {
        let mut probe =
            LogWriter::new(self.log, self.rng.fork(7), self.oracle);
        let mut buf = Vec::new();
        for _ in 0..200 {
            probe.background(&mut buf);
        }
        (buf.len() as u64 / 200).max(1)
    }

    /// Returns (line, form) pairs in line order: every form the log can
    /// hold at least once, more in big logs, shuffled and spread out.
    fn schedule(&mut self, est_lines: u64) -> Vec<(u64, Form)> {
        let mut forms = self.forms(&Form::PLANTS, est_lines / LINES_PER_HIT);
        forms.extend(self.forms(&Form::DECOYS, est_lines / LINES_PER_DECOY));
        for i in (1..forms.len()).rev() {
            let j = self.rng.index(i + 1);
            forms.swap(i, j);
        }
        let k = forms.len() as u64;
        let stride = (est_lines * 8 / 10 / k.max(1)).max(1);
        let lines = (0..k).map(|i| 1 + i * stride + self.rng.below(stride));
        lines.zip(forms).collect()
    }

    fn forms(&mut self, among: &[Form], wanted: u64) -> Vec<Form> {
        let fit = forms_for(self.log, among);
        if fit.is_empty() {
            return Vec::new();
        }
        let n = (wanted as usize).max(fit.len());
        (0..n)
            .map(|i| fit.get(i).copied().unwrap_or(*self.rng.pick(&fit)))
            .collect()
    }

    fn tick(&mut self) -> u64 {
        self.ms += self.rng.below(120);
        self.ms
    }

    fn background(&mut self, out: &mut Vec<u8>) {
        let ms = self.tick();
        let (t, _) = *self.rng.pick(self.log.templates());
        t(&mut Cx::new(&mut self.rng, ms, None), out);
    }

    /// Writes the line of a planted hit or decoy (or a background line
    /// when the set offers nothing for the form).
    fn event(
        &mut self,
        form: Form,
        n: u64,
        out: &mut Vec<u8>,
    ) -> Option<Placed> {
        let Some(p) = plant::make(form, self.oracle, &mut self.rng) else {
            self.background(out);
            return None;
        };
        let t = self.template_for(form.slot());
        let ms = self.tick();
        let mut cx = Cx::new(&mut self.rng, ms, Some((form.slot(), &p.text)));
        t(&mut cx, out);
        assert!(cx.planted(), "{form:?} was not written by its template");
        Some(Placed {
            log: self.log,
            line: n,
            form,
            text: p.text,
            token: p.token,
        })
    }

    fn template_for(&mut self, slot: Slot) -> Template {
        let fit: Vec<Template> = self
            .log
            .templates()
            .iter()
            .filter(|(_, s)| s.contains(&slot))
            .map(|&(t, _)| t)
            .collect();
        *self.rng.pick(&fit)
    }
}
