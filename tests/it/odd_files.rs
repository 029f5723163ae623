//! Odd inputs not covered elsewhere: empty gzip files (a valid stream of
//! nothing, and zero bytes named `.gz`), FIFOs (read when named, skipped
//! and named inside a walked folder), and a file that opens but cannot
//! be read, which works as root too.

#![cfg(unix)]

use std::io::Write;
use std::path::Path;
use std::process::Command;

use crate::encode::gzip;
use crate::inputs::{Setup, records, stderr, tuples};

#[test]
fn empty_gzip_files_are_swept_and_named_empty() {
    let s = Setup::new();
    s.file("empty.gz", &gzip(b""));
    s.file("zero.gz", b"");
    let out = s.sweep(&["empty.gz", "zero.gz"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    let tail: Vec<&str> = err.lines().skip(1).collect();
    assert_eq!(tail.len(), 3, "{err}");
    assert!(
        tail[0].starts_with("iocsweep: swept 2 inputs, 0 B, 0 lines in "),
        "{err}"
    );
    assert!(tail[0].ends_with(" s: 0 hits; 0 errors"), "{err}");
    // Only the real gzip stream counts as compressed; zero bytes carry
    // no magic.
    assert_eq!(tail[1], "iocsweep: 1 compressed input (gzip 1)");
    assert_eq!(tail[2], "iocsweep: 2 empty inputs: empty.gz, zero.gz");
}

/// Makes a FIFO at `path` with mkfifo(1).
fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success(), "mkfifo {}", path.display());
}

#[test]
fn a_fifo_is_read_when_named_and_skipped_in_a_walk() {
    let s = Setup::new();
    s.file("t/a.log", b"conn 192.0.2.1\n");
    let fifo = s.path("t/pipe");
    mkfifo(&fifo);
    // Opening the FIFO for writing waits for the sweep to open it.
    let writer = std::thread::spawn(move || {
        let mut w = std::fs::File::options().write(true).open(fifo).unwrap();
        w.write_all(b"one\nquery evil.example from 192.0.2.1\n").unwrap();
    });
    let out = s.sweep(&["t/pipe", "t"]);
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let got = tuples(&out);
    let want = [
        ("t/pipe", 2, 10, "evil.example"),
        ("t/pipe", 2, 28, "192.0.2.1"),
        ("t/a.log", 1, 5, "192.0.2.1"),
    ];
    let want: Vec<(String, u64, u64, String)> = want
        .iter()
        .map(|w| (w.0.to_string(), w.1, w.2, w.3.to_string()))
        .collect();
    assert_eq!(got, want);
    let err = stderr(&out);
    assert!(
        err.contains(
            "iocsweep: 1 FIFO, socket or device inside folders skipped: \
             t/pipe\n"
        ),
        "{err}"
    );
    assert!(err.contains("iocsweep: swept 2 inputs, 53 B, 3 lines"), "{err}");
}

/// `/proc/self/mem` opens for anyone, root included, but reading it from
/// offset 0 fails with EIO: no process has memory mapped at address 0.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_named_with_status_2() {
    let s = Setup::new();
    s.file("a.log", b"conn 192.0.2.1\n");
    let out = s.sweep(&["/proc/self/mem", "a.log"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // The sweep went on to the next input.
    assert_eq!(records(&out).len(), 1);
    let err = stderr(&out);
    let lines = crate::inputs::stderr_without_table(&out);
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(
        lines[1],
        "iocsweep: /proc/self/mem: Input/output error (os error 5)"
    );
    assert!(
        lines[2]
            .ends_with(" s: 1 hit (ipv4 1); 1 error: 1 input not fully read"),
        "{err}"
    );
}
