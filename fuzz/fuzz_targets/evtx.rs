//! The sweep of a Windows event log (EVTX): any bytes after the file
//! magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"ElfFile\0", data);
});

#[path = "sweep_common.rs"]
mod common;
