//! Stopping a sweep cleanly on Ctrl-C (SIGINT) or SIGTERM: the handler
//! only sets a flag, which the sweep looks at between batches and while
//! it waits on a reader. A second signal a second or more after the
//! first ends the process at once, as if no handler were set; one
//! sooner is taken for the same request sent twice, as `timeout` does
//! (to the process, then to its process group), and changes nothing.

use std::sync::atomic::{AtomicBool, AtomicI32, AtomicI64, Ordering};

/// Set once a stop signal arrived.
static STOP: AtomicBool = AtomicBool::new(false);

/// The signal that arrived, 0 if none.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

/// When the first stop signal arrived, in milliseconds of the monotonic
/// clock; -1 if none did.
static FIRST_AT: AtomicI64 = AtomicI64::new(-1);

/// How long after the first signal another is still the same request.
const REPEAT_MS: i64 = 1000;

/// Milliseconds of the monotonic clock (`clock_gettime` is
/// async-signal-safe).
// The casts do nothing where `time_t` and `c_long` are 64 bits, and are
// needed where they are 32.
#[allow(clippy::unnecessary_cast)]
fn now_ms() -> i64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec that clock_gettime fills in.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut t) };
    t.tv_sec as i64 * 1000 + t.tv_nsec as i64 / 1_000_000
}

extern "C" fn on_signal(sig: libc::c_int) {
    // Only lock-free atomics and async-signal-safe calls.
    let now = now_ms();
    let first = FIRST_AT.load(Ordering::Relaxed);
    if first < 0 {
        FIRST_AT.store(now, Ordering::Relaxed);
        SIGNAL.store(sig, Ordering::Relaxed);
        STOP.store(true, Ordering::Relaxed);
    } else if now - first >= REPEAT_MS {
        // SAFETY: signal and raise are async-signal-safe; the default
        // action of SIGINT and SIGTERM ends the process.
        unsafe {
            libc::signal(sig, libc::SIG_DFL);
            libc::raise(sig);
        }
    }
}

/// Installs the handler for SIGINT and SIGTERM and returns the flag it
/// sets. Where a handler cannot be installed, the signal keeps its
/// default action (the process ends without its manifest).
pub fn install() -> &'static AtomicBool {
    #[cfg(unix)]
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the action is zeroed then filled in: a handler that
        // only uses atomics and async-signal-safe calls, an empty mask,
        // and a flag that restarts interrupted reads. sigaction reads
        // the struct and keeps no pointer.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let handler: extern "C" fn(libc::c_int) = on_signal;
            action.sa_sigaction = handler as usize;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
    &STOP
}

/// Returns the signal that stopped the sweep, by name and with the exit
/// status it maps to (128 + its number: 130 for SIGINT, 143 for
/// SIGTERM), if one arrived.
pub fn stopped_by() -> Option<(&'static str, u8)> {
    let sig = SIGNAL.load(Ordering::Relaxed);
    match sig {
        0 => None,
        libc::SIGINT => Some(("SIGINT", 130)),
        libc::SIGTERM => Some(("SIGTERM", 143)),
        _ => Some(("signal", 128u8.saturating_add(sig as u8))),
    }
}
