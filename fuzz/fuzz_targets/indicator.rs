//! The indicator value parser every reader shares, driven directly: each
//! line of the input, untyped and stated as each kind, with and without
//! broad ranges allowed. No panic; every value it accepts is already
//! normal (written out and read back as its kind, it is itself), and a
//! file name's match patterns hold the name.
#![no_main]

use iocsweep::indicator::{
    Kind, ParseOptions, Value, file_name_patterns, parse_typed, parse_value,
};
use libfuzzer_sys::fuzz_target;

fn check(raw: &str, v: &Value) {
    let opts = ParseOptions { allow_broad_ranges: true };
    let text = v.to_string();
    match parse_typed(&text, v.kind(), opts) {
        Ok(p) => assert_eq!(
            &p.value, v,
            "{raw:?} gave {text:?}, which reads back as another value"
        ),
        Err(e) => panic!(
            "{raw:?} gave {text:?} ({}), which does not read back: {}",
            v.kind(),
            e.0
        ),
    }
    if let Value::Filename(f) = v {
        let patterns = file_name_patterns(f);
        assert_eq!(patterns.first(), Some(f), "{f:?} is not its own pattern");
        assert!(
            patterns.iter().all(|p| !p.is_empty()),
            "{f:?} has an empty pattern"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for raw in text.lines().take(8) {
        for broad in [false, true] {
            let opts = ParseOptions { allow_broad_ranges: broad };
            if let Ok(p) = parse_value(raw, opts) {
                check(raw, &p.value);
            }
            for kind in Kind::ALL {
                if let Ok(p) = parse_typed(raw, kind, opts) {
                    check(raw, &p.value);
                }
            }
        }
    }
});
