//! The STIX 2 pattern parser, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        iocsweep::fuzzing::stix2_pattern(s);
    }
});
