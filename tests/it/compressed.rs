//! Compressed inputs: each format gives exactly the records of the same
//! text uncompressed; multi-member gzip, magic bytes over names, standard
//! input, thread counts, and damaged streams (hits before the damage are
//! kept, the input is named with its offset, exit status 2).
//!
//! The compressed files are made here with the crates' encoders.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use tempfile::TempDir;

use crate::encode::{bzip2, bzip2_bomb, gzip, xz, zstd};

/// Indicators planted in the log text, all documentation values.
const IOCS: &str = "192.0.2.7\n198.51.100.0/24\n203.0.113.99\nevil.example\n\
                    https://split.example/login\n";

/// A format's name and an encoder for it.
type Encoder = (&'static str, fn(&[u8]) -> Vec<u8>);

/// One record as compared here: path, line, offset, indicator.
type Record = (String, u64, u64, String);

/// Returns about 800 KiB of log lines, several chunks' worth, with
/// indicators planted at known lines among near misses.
fn log_text() -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..20_000u32 {
        let line = match i % 997 {
            3 => format!("{i} fw DROP src=192.0.2.7 dst=10.0.0.{}\n", i % 250),
            10 => format!("{i} dns query a{i}.evil.example from 10.1.1.1\n"),
            50 => {
                format!("{i} fw ACCEPT src=198.51.100.{} dpt=443\n", i % 250)
            }
            77 => format!("{i} proxy GET http://203.0.113.99/x near 1.2\n"),
            // Near misses: none of these may match.
            500 => format!("{i} noise 192.0.2.70 notevil.example\n"),
            _ => format!("{i} info service heartbeat ok seq={}\n", i * 7),
        };
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// A temporary folder holding the indicator file.
struct Setup {
    dir: TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("iocs.txt"), IOCS).unwrap();
        Setup { dir }
    }

    /// Writes `data` as `name` in the folder; returns its path.
    fn file(&self, name: &str, data: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, data).unwrap();
        path
    }

    /// Runs `iocsweep sweep` with `args`, `stdin` piped in.
    fn sweep(&self, args: &[&Path], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iocsweep"));
        cmd.arg("sweep")
            .arg("--iocs")
            .arg(self.dir.path().join("iocs.txt"))
            .args(["--format", "jsonl"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut pipe = child.stdin.take().unwrap();
        pipe.write_all(stdin.unwrap_or_default()).unwrap();
        drop(pipe);
        child.wait_with_output().unwrap()
    }
}

/// Returns the records of a sweep's standard output.
fn records(out: &Output) -> Vec<Record> {
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["path"].as_str().unwrap().to_string(),
                v["line"].as_u64().unwrap(),
                v["offset"].as_u64().unwrap(),
                v["indicator"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Returns `recs` with every path replaced by `path`.
fn renamed(recs: &[Record], path: &Path) -> Vec<Record> {
    let name = path.display().to_string();
    recs.iter().map(|r| (name.clone(), r.1, r.2, r.3.clone())).collect()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Sweeps the plain text; returns its records (path `plain.log`).
fn plain_records(s: &Setup, text: &[u8]) -> Vec<Record> {
    let plain = s.file("plain.log", text);
    let out = s.sweep(&[&plain], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    // Lines 3, 10 and 50 of every 997 are planted 21 times, 77 20 times.
    assert_eq!(recs.len(), 3 * 21 + 20, "planted indicators");
    recs
}

#[test]
fn every_format_gives_the_records_of_the_plain_text() {
    let s = Setup::new();
    let text = log_text();
    let plain = plain_records(&s, &text);
    let encoders: [Encoder; 4] =
        [("gzip", gzip), ("bzip2", bzip2), ("xz", xz), ("zstd", zstd)];
    for (format, encode) in encoders {
        // No telling extension: the magic bytes must decide.
        let path = s.file(&format!("archived-{format}"), &encode(&text));
        let out = s.sweep(&[&path], None);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert_eq!(records(&out), renamed(&plain, &path), "{format}");
        let note = format!("1 compressed input ({format} 1)");
        assert!(stderr(&out).contains(&note), "{}", stderr(&out));
    }
}

#[test]
fn multi_member_gzip_with_an_empty_member_reads_whole() {
    let s = Setup::new();
    let text = log_text();
    let plain = plain_records(&s, &text);
    let (first, second) = text.split_at(text.len() / 3 + 17);
    let mut data = gzip(first);
    data.extend(gzip(b""));
    data.extend(gzip(second));
    let path = s.file("rotated.1.gz", &data);
    let out = s.sweep(&[&path], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(records(&out), renamed(&plain, &path));
}

#[test]
fn a_gzip_file_named_log_is_read_as_gzip() {
    let s = Setup::new();
    let text = log_text();
    let plain = plain_records(&s, &text);
    let path = s.file("misnamed.log", &gzip(&text));
    let out = s.sweep(&[&path], None);
    assert_eq!(records(&out), renamed(&plain, &path));
}

#[test]
fn compressed_standard_input_is_read() {
    let s = Setup::new();
    let text = log_text();
    let plain = plain_records(&s, &text);
    for data in [gzip(&text), zstd(&text)] {
        let out = s.sweep(&[Path::new("-")], Some(&data));
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(records(&out), renamed(&plain, Path::new("-")));
    }
}

#[test]
fn thread_counts_give_the_same_records_over_a_mixed_folder() {
    let s = Setup::new();
    let text = log_text();
    s.file("logs/a.gz", &gzip(&text));
    s.file("logs/b.txt", &text);
    s.file("logs/c.bz2", &bzip2(&text[..text.len() / 2]));
    s.file("logs/d.xz", &xz(&text));
    s.file("logs/e.zst", &zstd(&text[text.len() / 3..]));
    s.file("logs/f.gz", &gzip(b""));
    let folder = s.dir.path().join("logs");
    let one = s.sweep(&[Path::new("-j"), Path::new("1"), &folder], None);
    let four = s.sweep(&[Path::new("-j"), Path::new("4"), &folder], None);
    assert_eq!(one.status.code(), Some(1), "{}", stderr(&one));
    assert_eq!(one.stdout, four.stdout);
    let recs = records(&one);
    assert!(recs.len() > 4 * 83, "{}", recs.len());
    let paths: Vec<&str> = recs.iter().map(|r| r.0.as_str()).collect();
    assert!(paths.is_sorted(), "records in walk order");
    let note = "5 compressed inputs (bzip2 1, gzip 2, xz 1, zstd 1)";
    assert!(stderr(&one).contains(note), "{}", stderr(&one));
}

/// Returns the decompressed offset an error message gives after
/// "after", e.g. "gzip stream ends early (truncated?) after 123 bytes".
fn broken_at(err: &str, path: &Path) -> u64 {
    let line = err
        .lines()
        .find(|l| l.contains(&path.display().to_string()))
        .unwrap_or_else(|| panic!("no error names the file: {err}"));
    let (_, rest) = line.split_once(" after ").expect(line);
    rest.split(' ').next().unwrap().parse().expect(line)
}

#[test]
fn truncated_streams_keep_the_hits_before_the_cut() {
    let s = Setup::new();
    let text = log_text();
    let plain = plain_records(&s, &text);
    let encoders: [Encoder; 2] = [("gzip", gzip), ("zstd", zstd)];
    for (format, encode) in encoders {
        let mut data = encode(&text);
        data.truncate(data.len() * 6 / 10);
        let path = s.file(&format!("cut-{format}"), &data);
        let out = s.sweep(&[&path], None);
        assert_eq!(out.status.code(), Some(2), "{format}");
        let err = stderr(&out);
        assert!(err.contains(&format!("{format} stream ends early")), "{err}");
        let at = broken_at(&err, &path);
        let got = records(&out);
        let full = renamed(&plain, &path);
        assert!(!got.is_empty() && at > 0, "{format}: {err}");
        assert_eq!(got[..], full[..got.len()], "{format}: a prefix");
        // Every hit on a line wholly before the cut is there (no line
        // of the text is longer than 80 bytes).
        let before = full.iter().filter(|r| r.2 + 80 < at).count();
        assert!(got.len() >= before, "{format}: {} < {before}", got.len());
        assert!(got.iter().all(|r| r.2 < at), "{format}: past the cut");
    }
}

#[test]
fn a_real_broken_gzip_is_reported_with_exit_status_2() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus/logs/syslog/lnav_textfile_broken_gz.txt.gz");
    if !path.is_file() {
        eprintln!("corpus file {} not found, skipping", path.display());
        return;
    }
    let s = Setup::new();
    let fine = s.file("fine.log", b"one 192.0.2.7 here\n");
    let out = s.sweep(&[&path, &fine], None);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("lnav_textfile_broken_gz.txt.gz: gzip"), "{err}");
    broken_at(&err, &path);
    // The sweep went on to the next input.
    assert_eq!(records(&out).len(), 1);
}

#[test]
fn a_decompression_bomb_is_stopped_past_1_gib_keeping_its_hits() {
    let s = Setup::new();
    let bomb = bzip2_bomb(b"x src=192.0.2.7\n", 2);
    assert!(bomb.len() < 4096, "{} bytes", bomb.len());
    let path = s.file("bomb.log.bz2", &bomb);
    let out = s.sweep(&[&path], None);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        records(&out),
        vec![(path.display().to_string(), 1, 6, "192.0.2.7".to_string())]
    );
    let err = stderr(&out);
    let want =
        format!("iocsweep: {}: bzip2 stream stopped after ", path.display());
    assert!(err.contains(&want), "{err}");
    let want = format!(
        " bytes of output: its {} compressed bytes had expanded more than \
         20000 times, past the 1 GiB any input may give, as a \
         decompression bomb does (a real log that compresses so well can \
         be swept decompressed outside iocsweep: bzip2 -dc FILE | iocsweep \
         sweep [same options] -)",
        bomb.len()
    );
    assert!(err.contains(&want), "{err}");
    // Near miss: the same bomb under the floor is swept whole.
    let small = s.file("small.log.bz2", &bzip2_bomb(b"x src=192.0.2.7\n", 0));
    let out = s.sweep(&[&small], None);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// A line over 8 MiB is swept in pieces cut at a blank. A stream read
/// in even 256 KiB steps (zstd, a pipe) filled its buffer to exactly
/// 8 MiB + 256 KiB, which was taken for the end and cut mid-word: an
/// indicator across that byte was lost from `.zst` and piped input while
/// the same file, plain or gzip'd, found it.
#[test]
fn an_indicator_across_the_cut_of_a_huge_line_is_found_whatever_the_reads() {
    let s = Setup::new();
    let at = (8 << 20) + (256 << 10) - 4;
    let mut line = Vec::new();
    while line.len() < at {
        line.extend_from_slice(b"word ");
    }
    line.truncate(at - 1);
    line.extend_from_slice(b" evil.example ");
    while line.len() < (9 << 20) {
        line.extend_from_slice(b"word ");
    }
    line.push(b'\n');
    let want = |path: &str| {
        vec![(path.to_string(), 1, at as u64, "evil.example".to_string())]
    };
    let encoders: [Encoder; 5] = [
        ("log", <[u8]>::to_vec),
        ("gz", gzip),
        ("bz2", bzip2),
        ("xz", xz),
        ("zst", zstd),
    ];
    for (name, encode) in encoders {
        let path = s.file(&format!("long.{name}"), &encode(&line));
        let out = s.sweep(&[&path], None);
        assert_eq!(records(&out), want(&path.display().to_string()), "{name}");
    }
    let out = s.sweep(&[Path::new("-")], Some(&line));
    assert_eq!(records(&out), want("-"), "piped");
    // Near miss: the word just before the indicator is not one.
    assert!(!String::from_utf8_lossy(&line[at - 6..at]).contains("evil"));
}

/// A line over 8 MiB with no blank at all (minified JSON) was cut where
/// the limit fell, 8 MiB + 256 KiB into the line, inside a word: an
/// indicator across it was lost, and `xevil.example` cut after its `x`
/// gave a hit on `evil.example`. It is now cut after the last quote,
/// comma, semicolon or angle bracket before the limit, which no
/// indicator but a literal string holds and every kind ends at.
#[test]
fn a_huge_line_without_blanks_is_cut_between_fields() {
    let s = Setup::new();
    let limit = (8 << 20) + (256 << 10);
    // `word` fields up to `at`, then `"` + `value` + `"`, then more.
    let json = |at: usize, value: &[u8]| {
        let mut line = b"{\"f\":[".to_vec();
        while line.len() < at - 1 {
            line.extend_from_slice(b"\"word\",");
        }
        line.truncate(at - 1);
        // Let the field before end where it must.
        *line.last_mut().unwrap() = b',';
        line.push(b'"');
        line.extend_from_slice(value);
        line.push(b'"');
        while line.len() < (9 << 20) {
            line.extend_from_slice(b",\"word\"");
        }
        line.extend_from_slice(b"]}\n");
        line
    };
    // The indicator spans the limit; near miss: one whose `x` ends just
    // before it, so that the old cut left `evil.example` on its own.
    let across = json(limit - 4, b"evil.example");
    let near = json(limit - 1, b"xevil.example");
    assert_eq!(&near[limit - 1..limit + 1], b"xe");
    let encoders: [Encoder; 3] =
        [("log", <[u8]>::to_vec), ("gz", gzip), ("zst", zstd)];
    for (name, encode) in encoders {
        let path = s.file(&format!("across.{name}"), &encode(&across));
        let out = s.sweep(&[&path], None);
        let want = (
            path.display().to_string(),
            1,
            limit as u64 - 4,
            "evil.example".to_string(),
        );
        assert_eq!(records(&out), vec![want], "{name}");
        let path = s.file(&format!("near.{name}"), &encode(&near));
        let out = s.sweep(&[&path], None);
        assert_eq!(records(&out), vec![], "{name}");
    }
    let out = s.sweep(&[Path::new("-")], Some(&near));
    assert_eq!(records(&out), vec![], "piped");
}

/// A URL matches where a log splits its host and path into fields of
/// their own. A huge line was cut after a `<` or `>` too, and a piece
/// starting after one showed a host as a field that the line does not:
/// `<a>split.example,"/login"` gave a hit on `https://split.example/login`
/// once cut after its `>`. It is now cut only after a blank, quote, comma
/// or semicolon, which separate fields in the line as in the piece.
#[test]
fn a_huge_line_is_not_cut_where_a_piece_would_show_a_field_the_line_does_not()
{
    let s = Setup::new();
    let limit = (8 << 20) + (256 << 10);
    let fields = |value: &[u8], at: usize| {
        let mut line = Vec::new();
        while line.len() + 4 <= at {
            line.extend_from_slice(b"\"x\",");
        }
        line.resize(at, b'x');
        line.extend_from_slice(value);
        while line.len() < (9 << 20) {
            line.extend_from_slice(b",\"y\"");
        }
        line.push(b'\n');
        line
    };
    // `>` falls 6 bytes before the limit, which lies inside the host.
    let near = fields(b"<a>split.example,\"/login\"", limit - 8);
    assert_eq!(&near[limit - 6..limit], b">split");
    // The same fields as a log writes them, there: a hit.
    let hit = fields(b"\"split.example\",\"/login\"", limit - 8);
    let encoders: [Encoder; 2] = [("log", <[u8]>::to_vec), ("gz", gzip)];
    for (name, encode) in encoders {
        let path = s.file(&format!("near.{name}"), &encode(&near));
        assert_eq!(records(&s.sweep(&[&path], None)), vec![], "{name}");
        let path = s.file(&format!("hit.{name}"), &encode(&hit));
        let got = records(&s.sweep(&[&path], None));
        let want = "https://split.example/login".to_string();
        assert_eq!(
            got.iter().map(|r| &r.3).collect::<Vec<_>>(),
            [&want],
            "{name}"
        );
    }
}
