//! The log time reader on any line: no panic; a time it reads prints as
//! RFC 3339 UTC, and, for years 0 to 9999, that text reads back as the
//! same time.
#![no_main]

use iocsweep::logs::time::{Context, iso, line_time};
use iocsweep::time::Stamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    // The first bytes choose the context: a modification time (syslog
    // years) and a W3C header date.
    let modified = Stamp { secs: i64::from(data[0]) * 40_000_000, nanos: 0 };
    let date = (data[1] & 1 == 1).then_some((2026, 12, 4));
    let ctx = Context { modified: Some(modified), date };
    let Some(t) = line_time(&data[2..], &ctx) else { return };
    assert!(t.nanos < 1_000_000_000, "nanoseconds out of range: {t:?}");
    let text = t.to_string();
    let b = text.as_bytes();
    assert!(text.ends_with('Z'), "not UTC: {text}");
    let year_ok = (0..=9999).contains(&t.civil().year);
    if year_ok {
        assert!(
            b.len() >= 20
                && b[4] == b'-'
                && b[7] == b'-'
                && b[10] == b'T'
                && b[13] == b':'
                && b[16] == b':',
            "not RFC 3339: {text}"
        );
        let back = iso(b);
        assert_eq!(back, Some((t, b.len())), "{text} does not read back");
    }
});
