//! Keeps a memory-mapped input that shrinks under the sweep from killing
//! the process.
//!
//! Reading a page of a mapped file past its new end raises SIGBUS, which
//! ends the process by default: a log truncated by `copytruncate` while
//! it is swept would take every other input's hits with it. Each mapping
//! is registered here; a SIGBUS handler that finds the faulting address
//! inside a registered mapping puts a page of zeros in place of the lost
//! one and lets the read go on. Zeros hold no indicator, and the file's
//! size check after its sweep reports it as changed. A fault anywhere
//! else gets the default action, as before.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How many mappings can be guarded at once; a mapping that finds no
/// free slot is not made (the file is read instead).
const SLOTS: usize = 64;

#[allow(clippy::declare_interior_mutable_const)]
const EMPTY: AtomicUsize = AtomicUsize::new(0);
#[allow(clippy::declare_interior_mutable_const)]
const CLEAN: AtomicBool = AtomicBool::new(false);

/// Start and end address of each guarded mapping; a start of 0 marks a
/// free slot.
static STARTS: [AtomicUsize; SLOTS] = [EMPTY; SLOTS];
static ENDS: [AtomicUsize; SLOTS] = [EMPTY; SLOTS];
/// Whether a page of the mapping had to be replaced by zeros.
static DAMAGED: [AtomicBool; SLOTS] = [CLEAN; SLOTS];
static PAGE: AtomicUsize = AtomicUsize::new(4096);
static INSTALL: Once = Once::new();
static INSTALLED: AtomicBool = AtomicBool::new(false);

/// A registered mapping; dropping it frees the slot.
#[derive(Debug)]
pub struct Guard {
    slot: usize,
}

impl Guard {
    /// Registers the mapping at `ptr..ptr + len`. Returns `None` when the
    /// handler could not be installed or every slot is taken: the caller
    /// must then not rely on a mapping.
    pub fn register(ptr: *const u8, len: usize) -> Option<Guard> {
        INSTALL.call_once(install);
        if !INSTALLED.load(Ordering::Acquire) || len == 0 {
            return None;
        }
        let start = ptr as usize;
        for slot in 0..SLOTS {
            let taken = STARTS[slot].compare_exchange(
                0,
                usize::MAX,
                Ordering::AcqRel,
                Ordering::Relaxed,
            );
            if taken.is_ok() {
                DAMAGED[slot].store(false, Ordering::Relaxed);
                ENDS[slot].store(start + len, Ordering::Release);
                STARTS[slot].store(start, Ordering::Release);
                return Some(Guard { slot });
            }
        }
        None
    }

    /// Whether part of the mapping was lost and read as zeros.
    pub fn damaged(&self) -> bool {
        DAMAGED[self.slot].load(Ordering::Acquire)
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        ENDS[self.slot].store(0, Ordering::Release);
        STARTS[self.slot].store(0, Ordering::Release);
    }
}

#[cfg(target_os = "linux")]
fn install() {
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if page > 0 {
        PAGE.store(page as usize, Ordering::Relaxed);
    }
    // SAFETY: the action is zeroed, then given a handler of the type
    // SA_SIGINFO asks for; sigaction only reads it.
    let ok = unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_sigbus as *const () as usize;
        action.sa_flags = libc::SA_SIGINFO;
        libc::sigemptyset(&mut action.sa_mask);
        libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut()) == 0
    };
    INSTALLED.store(ok, Ordering::Release);
}

#[cfg(not(target_os = "linux"))]
fn install() {}

/// The SIGBUS handler. It only reads atomics and calls mmap, which is a
/// plain system call on Linux.
#[cfg(target_os = "linux")]
extern "C" fn on_sigbus(
    sig: libc::c_int,
    info: *mut libc::siginfo_t,
    _context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid siginfo_t to an SA_SIGINFO
    // handler; si_addr is the faulting address for SIGBUS.
    let addr = unsafe { (*info).si_addr() } as usize;
    let page = PAGE.load(Ordering::Relaxed);
    for slot in 0..SLOTS {
        let start = STARTS[slot].load(Ordering::Acquire);
        let end = ENDS[slot].load(Ordering::Acquire);
        if start == 0 || start == usize::MAX || addr < start || addr >= end {
            continue;
        }
        let at = addr & !(page - 1);
        // SAFETY: the page lies inside a read-only file mapping of ours
        // that is still registered, so still mapped; replacing it with an
        // anonymous page of zeros touches nothing else.
        let zeros = unsafe {
            libc::mmap(
                at as *mut libc::c_void,
                page,
                libc::PROT_READ,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                -1,
                0,
            )
        };
        if zeros != libc::MAP_FAILED {
            DAMAGED[slot].store(true, Ordering::Release);
            return;
        }
    }
    // Not a page of ours: what SIGBUS would have done without us.
    // SAFETY: signal and raise are async-signal-safe.
    unsafe {
        libc::signal(sig, libc::SIG_DFL);
        libc::raise(sig);
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_truncated_mapping_reads_as_zeros_instead_of_dying() {
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&vec![b'x'; 64 * 1024]).unwrap();
        // SAFETY: the file is ours; truncating it under the map is the
        // point of the test, and the guard below is what makes the read
        // of the lost pages safe.
        let map = unsafe { memmap2::Mmap::map(&file) }.unwrap();
        let guard = Guard::register(map.as_ptr(), map.len()).unwrap();
        file.set_len(0).unwrap();
        let sum: u64 = map.iter().map(|b| u64::from(*b)).sum();
        assert_eq!(sum, 0, "lost pages read as zeros");
        assert!(guard.damaged());
        drop(guard);
        drop(map);
    }
}
