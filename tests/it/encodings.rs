//! Text encodings: UTF-16 with a byte-order mark is decoded before it is
//! swept (offsets count in the decoded UTF-8, the mark excluded), and the
//! summary names UTF-16, invalid UTF-8 and binary inputs.

use crate::inputs::{Setup, records, stderr};

/// Returns `text` in UTF-16 with a byte-order mark.
fn utf16(text: &str, big: bool) -> Vec<u8> {
    let mut out = if big { vec![0xfe, 0xff] } else { vec![0xff, 0xfe] };
    for u in text.encode_utf16() {
        out.extend(if big { u.to_be_bytes() } else { u.to_le_bytes() });
    }
    out
}

/// A Windows export: a header row, then a row naming an indicator.
const EXPORT: &str = "Zeit,Quelle,Ziel\r\n2024-05-01,192.0.2.1,Über\r\n";

#[test]
fn utf16_exports_are_decoded_and_named() {
    let s = Setup::new();
    s.file("le.csv", &utf16(EXPORT, false));
    s.file("be.csv", &utf16(EXPORT, true));
    let out = s.sweep(&["le.csv", "be.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 2);
    for (r, name) in recs.iter().zip(["le.csv", "be.csv"]) {
        assert_eq!(r["path"], name);
        assert_eq!(r["line"], 2);
        // 18 bytes of the header row, then "2024-05-01,".
        assert_eq!(r["offset"], 18 + 11);
        assert_eq!(r["text"], "2024-05-01,192.0.2.1,Über");
    }
    let err = stderr(&out);
    assert!(err.contains("swept 2 inputs, 92 B, 4 lines"), "{err}");
    assert!(
        err.contains("iocsweep: 2 UTF-16 inputs decoded: le.csv, be.csv\n"),
        "{err}"
    );
    assert!(!err.contains("invalid UTF-8"), "{err}");
}

#[test]
fn invalid_utf8_and_binary_inputs_are_named_apart() {
    let s = Setup::new();
    s.file("latin1.log", b"Gr\xfc\xdfe von 192.0.2.1\n");
    s.file("blob.bin", b"\x00\xff evil.example\n");
    s.file("fine.log", "Grüße 192.0.2.1\n".as_bytes());
    let out = s.sweep(&["latin1.log", "blob.bin", "fine.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(records(&out).len(), 3);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: 1 input with invalid UTF-8 (swept as bytes): \
             latin1.log\n"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "iocsweep: 1 binary input (NUL bytes; swept as bytes): blob.bin\n"
        ),
        "{err}"
    );
}
