//! Stopping a sweep cleanly on Ctrl-C (SIGINT) or SIGTERM: the handler
//! only sets a flag, which the sweep looks at between batches and while
//! it waits on a reader. A second signal of the same kind ends the
//! process at once, as if no handler were set.

use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};

/// Set once a stop signal arrived.
static STOP: AtomicBool = AtomicBool::new(false);

/// The signal that arrived, 0 if none.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_signal(sig: libc::c_int) {
    // Only lock-free atomic stores: safe in a signal handler.
    SIGNAL.store(sig, Ordering::Relaxed);
    STOP.store(true, Ordering::Relaxed);
}

/// Installs the handler for SIGINT and SIGTERM and returns the flag it
/// sets. Where a handler cannot be installed, the signal keeps its
/// default action (the process ends without its manifest).
pub fn install() -> &'static AtomicBool {
    #[cfg(unix)]
    for sig in [libc::SIGINT, libc::SIGTERM] {
        // SAFETY: the action is zeroed then filled in: a handler that
        // only stores to atomics, an empty mask, and flags that restart
        // interrupted reads and restore the default action after the
        // first signal. sigaction reads the struct and keeps no pointer.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            let handler: extern "C" fn(libc::c_int) = on_signal;
            action.sa_sigaction = handler as usize;
            action.sa_flags = libc::SA_RESTART | libc::SA_RESETHAND;
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
