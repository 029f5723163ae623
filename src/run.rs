//! The sweep proper, as the binary runs it: the output and its format,
//! the reporter, the taps on the readers (hashes, bytes read), the
//! progress bar and the stop flag; and how the sweep ended.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use iocsweep::allow::{AllowSink, Allowlist};
use iocsweep::load::Loaded;
use iocsweep::logs::time::parse_bound;
use iocsweep::matcher::Matcher;
use iocsweep::report::manifest::{Ending, FileFacts};
use iocsweep::report::progress::Progress;
use iocsweep::report::{Counters, Format, Reporter, Summary};
use iocsweep::sweep::input::Input;
use iocsweep::sweep::tap::TapOptions;
use iocsweep::sweep::{self, Sweeper};
use iocsweep::time::Stamp;

use crate::cli::{ColorArg, FormatArg, SweepArgs};
use crate::interrupt;

/// What the sweep itself needs, besides the matcher and the pool.
pub struct Run<'a> {
    /// The arguments.
    pub args: &'a SweepArgs,
    /// The inputs, in order.
    pub inputs: &'a [Input],
    /// Their sizes, for the progress bar; may be empty.
    pub facts: &'a [Option<FileFacts>],
    /// Whether to draw a progress bar.
    pub progress: bool,
    /// When the sweep started.
    pub started_at: Stamp,
    /// Hits whose line was written before this are left out.
    pub since: Option<Stamp>,
    /// Hits whose line was written after this are left out.
    pub until: Option<Stamp>,
}

impl Run<'_> {
    /// Sweeps the inputs into the output the arguments name, leaving out
    /// hits the allowlist covers; returns the summary, how the sweep
    /// ended and how many hits the allowlist dropped.
    pub fn sweep(
        &self,
        matcher: &Matcher,
        loaded: &Loaded,
        allow: &Allowlist,
        pool: &rayon::ThreadPool,
        stop: &'static AtomicBool,
    ) -> io::Result<(Summary, Ending, u64)> {
        let args = self.args;
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
            Some(FormatArg::Csv) => Format::Csv,
            Some(FormatArg::Ecs) => Format::Ecs,
            None if to_terminal => Format::Text,
            None => Format::Jsonl,
        };
        let no_color = std::env::var_os("NO_COLOR");
        let color = colour(args.color, to_terminal, no_color.as_deref());
        let counters = Arc::new(Counters::default());
        let reporter = Reporter::new(
            BufWriter::with_capacity(1 << 16, out),
            format,
            color,
            &loaded.set,
        )
        .started_at(self.started_at)
        .count_in(counters.clone());
        let read = Arc::new(AtomicU64::new(0));
        let opts = sweep::Options {
            tap: TapOptions {
                hash: args.hash_inputs,
                counter: self.progress.then(|| read.clone()),
            },
            since: self.since,
            until: self.until,
            ..sweep::Options::default()
        };
        let bar = self.progress.then(|| {
            let total = self.facts.iter().flatten().map(|f| f.size).sum();
            Progress::start(total, self.inputs.len(), read, counters)
        });
        let sweeper = Sweeper::new(matcher, opts).stop_on(stop);
        let mut sink = AllowSink::new(reporter, allow).rescanning(matcher);
        let result = pool.install(|| sweeper.run(self.inputs, &mut sink));
        let hits_allowed = sink.dropped();
        let reporter = sink.into_inner();
        if let Some(b) = bar {
            b.finish();
        }
        let (summary, flushed) = reporter.finish_keeping();
        let ending = match result.and(flushed) {
            Ok(()) => Ending::Complete,
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                Ending::OutputClosed
            }
            Err(_) if stop.load(Ordering::Relaxed) => Ending::Interrupted(
                interrupt::stopped_by().map_or("signal", |s| s.0),
            ),
            Err(e) => return Err(e),
        };
        Ok((summary, ending, hits_allowed))
    }
}

/// Returns the `--since`/`--until` window, ages counted back from now.
pub fn window(
    args: &SweepArgs,
) -> Result<(Option<Stamp>, Option<Stamp>), String> {
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

/// Whether text records mark their matches with colour: as `--color` says;
/// in `auto`, when writing to a terminal and `NO_COLOR` is unset or empty
/// (<https://no-color.org>).
fn colour(
    arg: ColorArg,
    to_terminal: bool,
    no_color: Option<&std::ffi::OsStr>,
) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => to_terminal && no_color.is_none_or(|v| v.is_empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::{ColorArg, colour};
    use std::ffi::OsStr;

    #[test]
    fn no_color_turns_off_automatic_colour_only() {
        let set = Some(OsStr::new("1"));
        assert!(colour(ColorArg::Auto, true, None));
        assert!(!colour(ColorArg::Auto, true, set));
        // Near misses: an empty NO_COLOR is unset, and an explicit
        // --color always wins; no terminal, no colour.
        assert!(colour(ColorArg::Auto, true, Some(OsStr::new(""))));
        assert!(colour(ColorArg::Always, false, set));
        assert!(!colour(ColorArg::Auto, false, None));
        assert!(!colour(ColorArg::Never, true, None));
    }
}
