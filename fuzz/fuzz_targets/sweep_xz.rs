//! The sweep of a xz input: any bytes after the format's magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"\xfd7zXZ\x00", data);
});

#[path = "sweep_common.rs"]
mod common;
