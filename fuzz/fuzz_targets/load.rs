//! Format detection and every reader behind it, on any bytes.
#![no_main]

use iocsweep::load::{LoadOptions, Loader};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut loader = Loader::new(LoadOptions::default());
    loader.add_bytes("fuzz".into(), data);
    common::check_loaded(&loader.finish());
});

#[path = "common.rs"]
mod common;
