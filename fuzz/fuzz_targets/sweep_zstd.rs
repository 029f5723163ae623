//! The sweep of a zstd input: any bytes after the format's magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"\x28\xb5\x2f\xfd", data);
});

#[path = "sweep_common.rs"]
mod common;
