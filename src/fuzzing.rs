//! Entry points for the fuzz targets under `fuzz/`, built only with the
//! `fuzzing` feature: they reach the format readers and the STIX pattern
//! parser, which the public API keeps behind format detection.

use crate::load::{Format, LoadOptions, Loaded, Loader};

/// Reads `bytes` (decoded lossily as UTF-8) with the reader for
/// `format`, whatever the content looks like.
pub fn load_as(format: Format, bytes: &[u8]) -> Loaded {
    let text = String::from_utf8_lossy(bytes);
    let mut loader = Loader::new(LoadOptions::default());
    loader.add_text("fuzz".into(), &text, false, format);
    loader.finish()
}

/// Parses a STIX 2 pattern; returns whether it parsed.
pub fn stix2_pattern(pattern: &str) -> bool {
    crate::load::stix2::pattern::parse(pattern).is_ok()
}
