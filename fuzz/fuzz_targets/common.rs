//! Checks shared by the loader targets.

use iocsweep::indicator::{ParseOptions, parse_typed};
use iocsweep::load::Loaded;

/// What must hold of any load, whatever the input: every indicator has
/// a source, every problem says something, and every value is already
/// normal: written out and read back as its kind, it is itself (what an
/// export and a re-import rely on).
#[allow(dead_code)]
pub fn check_loaded(loaded: &Loaded) {
    let opts = ParseOptions { allow_broad_ranges: true };
    for (_, ind) in loaded.set.iter() {
        assert!(!ind.sources.is_empty(), "{} has no source", ind.value);
        let text = ind.value.to_string();
        match parse_typed(&text, ind.kind(), opts) {
            Ok(p) => assert_eq!(
                p.value, ind.value,
                "{text:?} reads back as another value"
            ),
            Err(e) => {
                panic!("{text:?} ({}) does not read back: {}", ind.kind(), e.0)
            }
        }
    }
    for p in &loaded.problems {
        assert!(!p.message.is_empty(), "a problem without a message");
    }
}
