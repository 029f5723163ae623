//! The openioc reader, on any bytes, whatever format detection would say.
#![no_main]

use iocsweep::fuzzing::load_as;
use iocsweep::load::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let loaded = load_as(Format::OpenIoc, data);
    common::check_loaded(&loaded);
});

#[path = "common.rs"]
mod common;
