//! The sweep of a bzip2 input: any bytes after the format's magic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    common::run(b"BZh9", data);
});

#[path = "sweep_common.rs"]
mod common;
