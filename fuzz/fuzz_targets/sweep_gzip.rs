//! The sweep of a gzip input: any bytes after the format's magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"\x1f\x8b\x08", data);
});

#[path = "sweep_common.rs"]
mod common;
