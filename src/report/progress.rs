//! The progress bar on standard error: bytes read of the total, rate,
//! time left, inputs done and hits so far; and a spinner for long loads.
//!
//! The readers add the raw bytes they read to a counter (compressed
//! bytes for compressed files, so the total is the files' sizes on
//! disk), the sink counts inputs and hits; a thread of its own looks at
//! those counters ten times a second and redraws, so the sweep never
//! waits on the terminal.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Counters;

/// How often the bar is redrawn.
const TICK: Duration = Duration::from_millis(100);

/// A progress bar drawn by a thread of its own until finished.
pub struct Progress {
    bar: ProgressBar,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    /// Starts a bar over `total_bytes` bytes in `total_inputs` inputs,
    /// fed by the readers' byte counter `read` and the sink's
    /// `counters`.
    pub fn start(
        total_bytes: u64,
        total_inputs: usize,
        read: Arc<AtomicU64>,
        counters: Arc<Counters>,
    ) -> Progress {
        let bar = ProgressBar::with_draw_target(
            Some(total_bytes),
            ProgressDrawTarget::stderr_with_hz(10),
        );
        let style = ProgressStyle::with_template(
            "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} {msg}",
        )
        .expect("the template is valid");
        bar.set_style(style);
        let stop = Arc::new(AtomicBool::new(false));
        let (b, s) = (bar.clone(), stop.clone());
        let thread = thread::Builder::new()
            .name("iocsweep-progress".into())
            .spawn(move || {
                while !s.load(Ordering::Relaxed) {
                    b.set_position(read.load(Ordering::Relaxed));
                    let done = counters.inputs.load(Ordering::Relaxed);
                    let hits = counters.hits.load(Ordering::Relaxed);
                    b.set_message(format!(
                        "{done}/{total_inputs} inputs, {hits} hits"
                    ));
                    thread::sleep(TICK);
                }
            })
            .ok();
        Progress { bar, stop, thread }
    }

    /// Stops the thread and clears the bar.
    pub fn finish(mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.bar.finish_and_clear();
    }
}

/// A spinner with a line saying what is going on, for a long phase such
/// as loading a large indicator set.
pub struct Spinner(ProgressBar);

impl Spinner {
    /// Starts a spinner saying `what`.
    pub fn start(what: &str) -> Spinner {
        let bar = ProgressBar::with_draw_target(
            None,
            ProgressDrawTarget::stderr_with_hz(10),
        );
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .expect("the template is valid"),
        );
        bar.set_message(what.to_string());
        bar.enable_steady_tick(TICK);
        Spinner(bar)
    }

    /// Clears the spinner.
    pub fn finish(self) {
        self.0.finish_and_clear();
    }
}
