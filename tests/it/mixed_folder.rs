//! The whole input path at once: one folder mixing every kind of input the
//! sweep reads (plain, gzip, multi-member gzip, bzip2, xz, zstd, a
//! tar.gz, a truncated gzip, a binary file, a UTF-16LE export and an
//! unreadable entry), swept once: exact records from each, every file
//! in the summary, status 2 naming exactly the damaged and unreadable.

#![cfg(target_os = "linux")]

use crate::encode::{bzip2, gzip, xz, zstd};
use crate::inputs::{Setup, stderr, tuples};

/// Returns a tar.gz of `members`.
fn tar_gz(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, name, *data).unwrap();
    }
    gzip(&b.into_inner().unwrap())
}

/// Returns `text` in UTF-16LE with a byte-order mark.
fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xff, 0xfe];
    for u in text.encode_utf16() {
        out.extend(u.to_le_bytes());
    }
    out
}

/// Fills the folder `ev`; each file plants its indicators at known
/// lines.
fn evidence(s: &Setup) {
    s.file("ev/a.log", b"boot\nconn from 192.0.2.1 port 22\n");
    s.file("ev/b.log.gz", &gzip(b"query evil.example A\n"));
    let mut multi = gzip(b"one\n");
    multi.extend(gzip(b""));
    multi.extend(gzip(b"two\nsrc=192.0.2.1 dst=10.0.0.1\n"));
    s.file("ev/c.log.1.gz", &multi);
    s.file("ev/d.log.bz2", &bzip2(b"x\ny\nmx.evil.example\n"));
    s.file("ev/e.log.xz", &xz(b"[192.0.2.1]:443\n"));
    let zst = zstd(b"ok\nok\nok\nGET http://evil.example/\n");
    s.file("ev/f.log.zst", &zst);
    let members: [(&str, &[u8]); 2] = [
        ("var/log/auth.log", b"sshd from 192.0.2.1\n"),
        ("var/log/dns.log", b"a\nA? cdn.evil.example\n"),
    ];
    s.file("ev/g.tar.gz", &tar_gz(&members));
    // A whole member with a hit (25 bytes), then a member cut short,
    // which yields 21 bytes of a line before the cut: no hit.
    let mut cut = gzip(b"before the cut 192.0.2.1\n");
    let rest = gzip(&b"after the cut evil.example\n".repeat(50));
    cut.extend_from_slice(&rest[..rest.len() / 2]);
    s.file("ev/h.log.gz", &cut);
    s.file(
        "ev/i.bin",
        b"\x00\x01MZ\x00evil.example\x00\nbeacon 192.0.2.1\x00\n",
    );
    let export = "Time,Source\r\n2024-05-01 10:00,192.0.2.1\r\n";
    s.file("ev/j.csv", &utf16le(export));
    // Opens, as root too, but every read fails (see odd_files.rs).
    std::os::unix::fs::symlink("/proc/self/mem", s.path("ev/k.log")).unwrap();
}

/// One record as compared: path, line, offset, indicator.
type Record = (String, u64, u64, String);

#[test]
fn a_mixed_folder_gives_exact_records_and_names_every_file() {
    let s = Setup::new();
    evidence(&s);
    // --follow takes the link to the unreadable file.
    let out = s.sweep(&["--follow", "ev"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let got = tuples(&out);
    let want = [
        ("ev/a.log", 2, 15, "192.0.2.1"),
        ("ev/b.log.gz", 1, 6, "evil.example"),
        ("ev/c.log.1.gz", 3, 12, "192.0.2.1"),
        ("ev/d.log.bz2", 3, 4, "evil.example"),
        ("ev/e.log.xz", 1, 1, "192.0.2.1"),
        ("ev/f.log.zst", 4, 20, "evil.example"),
        ("ev/g.tar.gz:var/log/auth.log", 1, 10, "192.0.2.1"),
        ("ev/g.tar.gz:var/log/dns.log", 2, 5, "evil.example"),
        ("ev/h.log.gz", 1, 15, "192.0.2.1"),
        ("ev/i.bin", 1, 5, "evil.example"),
        ("ev/i.bin", 2, 26, "192.0.2.1"),
        ("ev/j.csv", 2, 30, "192.0.2.1"),
    ];
    let want: Vec<Record> = want
        .iter()
        .map(|w| (w.0.to_string(), w.1, w.2, w.3.to_string()))
        .collect();
    assert_eq!(got, want);

    let err = stderr(&out);
    let lines = crate::inputs::stderr_without_table(&out);
    let lines: Vec<&str> = lines.iter().skip(1).map(|l| l.as_str()).collect();
    assert_eq!(lines.len(), 7, "{err}");
    assert_eq!(
        lines[0],
        "iocsweep: ev/h.log.gz: gzip stream ends early (truncated?) after \
         46 bytes of output: incomplete deflate stream"
    );
    assert_eq!(
        lines[1],
        "iocsweep: ev/k.log: Input/output error (os error 5)"
    );
    assert!(lines[2].starts_with("iocsweep: swept 12 inputs, "), "{err}");
    assert!(
        lines[2].ends_with(
            " s: 12 hits (ipv4 7, domain 5); 2 errors: 2 inputs not fully \
             read"
        ),
        "{err}"
    );
    assert_eq!(
        lines[3],
        "iocsweep: 8 compressed inputs (bzip2 1, gzip 5, xz 1, zstd 1)"
    );
    assert_eq!(
        lines[4],
        "iocsweep: 1 tar archive: 2 members swept as inputs of their own"
    );
    assert_eq!(
        lines[5],
        "iocsweep: 1 binary input (NUL bytes; swept as bytes): ev/i.bin"
    );
    assert_eq!(lines[6], "iocsweep: 1 UTF-16 input decoded: ev/j.csv");
}
