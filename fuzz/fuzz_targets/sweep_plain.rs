//! The sweep of a plain input: any bytes after the format's magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"", data);
});

#[path = "sweep_common.rs"]
mod common;
