//! Tar archives, plain and compressed, told by content: each regular
//! member is an input of its own (`archive:member`), lines and offsets
//! count within the member, compressed members are decompressed, other
//! members are skipped, and a truncated archive keeps the hits before
//! the damage and names the member it broke in.
//!
//! The archives are built here with the `tar` crate.

use std::io::Write;
use std::process::Output;

use crate::encode::{self, gzip};
use crate::inputs::{Setup, stderr, tuples};

/// The members of the test archive: name, bytes.
fn members() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("logs/a.log", b"ok\nconn from 192.0.2.1 port 22\n".to_vec()),
        ("logs/b.log.gz", gzip(b"x\ny\nquery evil.example A\n")),
        ("c.log", b"nothing here\n".to_vec()),
    ]
}

/// The records of the test archive named `name`: path, line, offset,
/// indicator.
fn expected(name: &str) -> Vec<(String, u64, u64, String)> {
    vec![
        (format!("{name}:logs/a.log"), 2, 13, "192.0.2.1".into()),
        (format!("{name}:logs/b.log.gz"), 3, 10, "evil.example".into()),
    ]
}

/// Returns a tar archive of `members()` with a folder and a symbolic
/// link among them.
fn tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut dir = tar::Header::new_ustar();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_size(0);
    dir.set_mode(0o755);
    b.append_data(&mut dir, "logs/", &[][..]).unwrap();
    for (name, data) in members() {
        append(&mut b, name, &data);
    }
    let mut link = tar::Header::new_ustar();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    b.append_link(&mut link, "logs/link.log", "a.log").unwrap();
    b.into_inner().unwrap()
}

/// Adds a regular file `name` holding `data` to `b`.
fn append(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_ustar();
    h.set_size(data.len() as u64);
    h.set_mode(0o644);
    b.append_data(&mut h, name, data).unwrap();
}

/// Returns a tar archive of regular files.
fn tar_of(members: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (name, data) in members {
        append(&mut b, name, data);
    }
    b.into_inner().unwrap()
}

/// Returns the summary's first line.
fn summary(out: &Output) -> String {
    let err = stderr(out);
    let line = err.lines().find(|l| l.starts_with("iocsweep: swept "));
    line.expect("a summary line").to_string()
}

fn compressed(format: &str, data: &[u8]) -> Vec<u8> {
    match format {
        "gzip" => encode::gzip(data),
        "zstd" => encode::zstd(data),
        "xz" => encode::xz(data),
        "bzip2" => encode::bzip2(data),
        _ => unreachable!("{format}"),
    }
}

#[test]
fn members_of_plain_and_compressed_archives_are_inputs() {
    let s = Setup::new();
    let plain = tar();
    // Names that say nothing: the content decides.
    s.file("bundle", &plain);
    let out = s.sweep(&["bundle"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(tuples(&out), expected("bundle"));
    let err = stderr(&out);
    assert!(summary(&out).starts_with("iocsweep: swept 3 inputs, "), "{err}");
    assert!(
        err.contains(
            "iocsweep: 1 tar archive: 3 members swept as inputs of their own\n"
        ),
        "{err}"
    );
    // The gzip member is counted as compressed.
    assert!(err.contains("1 compressed input (gzip 1)"), "{err}");

    for format in ["gzip", "zstd", "xz", "bzip2"] {
        let name = format!("logs-{format}.tgz");
        s.file(&name, &compressed(format, &plain));
        let out = s.sweep(&[&name]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        assert_eq!(tuples(&out), expected(&name), "{format}");
        let note = match format {
            "gzip" => "3 compressed inputs (gzip 3)".to_string(),
            "bzip2" => "3 compressed inputs (bzip2 2, gzip 1)".to_string(),
            _ => format!("3 compressed inputs (gzip 1, {format} 2)"),
        };
        assert!(stderr(&out).contains(&note), "{}", stderr(&out));
    }
}

#[test]
fn an_archive_on_standard_input_is_swept_by_member() {
    let s = Setup::new();
    let data = gzip(&tar());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(s.dir.path())
        .args(["sweep", "--format", "jsonl", "--iocs", "iocs.txt", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&data).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(tuples(&out), expected("-"));
}

#[test]
fn a_truncated_archive_keeps_earlier_members_and_names_the_broken_one() {
    let s = Setup::new();
    let plain = tar();
    // Headers of 512 bytes: folder, then a.log (header at 512, data at
    // 1024), then b.log.gz (header at 1536, data at 2048). Cut inside
    // b.log.gz's data.
    s.file("cut.tar", &plain[..2048 + 10]);
    let out = s.sweep(&["cut.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(tuples(&out), expected("cut.tar")[..1]);
    let err = stderr(&out);
    let want = "iocsweep: cut.tar:logs/b.log.gz: tar archive ends inside \
                this member, after 10 of its 45 bytes\n";
    assert!(err.contains(want), "{err}");
    assert!(summary(&out).ends_with("1 error: 1 input not fully read"));

    // A compressed archive cut inside a plain member's data.
    s.file("cut.tar.gz", &gzip(&plain[..1024 + 20]));
    let out = s.sweep(&["cut.tar.gz"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let want = "iocsweep: cut.tar.gz:logs/a.log: tar archive ends inside \
                this member, after 20 of its 31 bytes\n";
    assert!(err.contains(want), "{err}");
    // The member's first line and a half were swept; the hit on its
    // second line lies past the cut.
    assert!(tuples(&out).is_empty());
}

#[test]
fn a_member_the_archive_ends_inside_does_not_sweep_the_word_it_cut() {
    let s = Setup::new();
    let log: &[u8] =
        b"conn from 192.0.2.1 port 22\nconn to 192.0.2.100 port 443\n";
    let plain = tar_of(&[("a.log", log)]);
    // Cut just after `192.0.2.1` of `192.0.2.100`: the log does not name
    // 192.0.2.1 there, so the only hit is the one on the first line.
    let cut =
        512 + log.windows(11).position(|w| w == b"192.0.2.100").unwrap() + 9;
    for (name, data) in [
        ("cut.tar", plain[..cut].to_vec()),
        ("cut.tar.gz", gzip(&plain[..cut])),
    ] {
        s.file(name, &data);
        let out = s.sweep(&[name]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let member = format!("{name}:a.log");
        assert_eq!(
            tuples(&out),
            [(member.clone(), 1, 10, "192.0.2.1".to_string())],
            "{name}"
        );
        let want = format!(
            "iocsweep: {member}: tar archive ends inside this member, after \
             {} of its {} bytes\n",
            cut - 512,
            log.len()
        );
        assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    }

    // A line without blanks loses only its last field to the cut: the
    // whole line was dropped, back to its last blank.
    let csv: &[u8] = b"ts,src,198.51.100.9,dst\nnext,line,192.0.2.1,here";
    let plain = tar_of(&[("b.log", csv)]);
    s.file("csv.tar", &plain[..512 + csv.len() - 1]);
    let out = s.sweep(&["csv.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        [("csv.tar:b.log".to_string(), 2, 34, "192.0.2.1".to_string())]
    );

    // A compressed member the archive ends inside is told the same way.
    let member = gzip(log);
    let whole = tar_of(&[("a.log.gz", &member)]);
    s.file("cutz.tar", &whole[..512 + member.len() - 3]);
    let out = s.sweep(&["cutz.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let want = format!(
        "iocsweep: cutz.tar:a.log.gz: tar archive ends inside this member, \
         after {} of its {} bytes\n",
        member.len() - 3,
        member.len()
    );
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        [("cutz.tar:a.log.gz".into(), 1, 10, "192.0.2.1".into())]
    );
    let one =
        "iocsweep: 1 tar archive: 1 member swept as an input of its own\n";
    assert!(stderr(&out).contains(one), "{}", stderr(&out));
}

/// Returns a GNU tar archive of one sparse member `name`: a hole of
/// `hole` bytes, `data`, then a hole of as many bytes again.
fn sparse_tar(name: &str, hole: u64, data: &[u8]) -> Vec<u8> {
    let mut h = tar::Header::new_gnu();
    h.set_path(name).unwrap();
    h.set_entry_type(tar::EntryType::GNUSparse);
    h.set_mode(0o644);
    h.set_size(data.len() as u64);
    let end = 2 * hole + data.len() as u64;
    let gnu = h.as_gnu_mut().unwrap();
    gnu.sparse[0].set_offset(hole);
    gnu.sparse[0].set_length(data.len() as u64);
    // An empty stretch at the end sets where the last hole ends.
    gnu.sparse[1].set_offset(end);
    gnu.sparse[1].set_length(0);
    gnu.set_real_size(end);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(512) + 1024, 0);
    out
}

/// A sparse member the archive ended inside was given the zeros of its
/// last hole after the cut, which made the cut word look whole:
/// `192.0.2.1` of `192.0.2.100` gave a hit, and the sweep reported more
/// bytes than the archive holds.
#[test]
fn a_sparse_member_the_archive_ends_inside_does_not_sweep_the_word_it_cut() {
    // Holes longer than a read, so that the zeros after a cut come in
    // more reads than the one that met the cut.
    const HOLE: u64 = 100_000;
    let s = Setup::new();
    let log: &[u8] =
        b"conn from 192.0.2.1 port 22\nconn to 192.0.2.100 port 443\n";
    let whole = sparse_tar("sp.log", HOLE, log);
    s.file("sp.tar", &whole);
    let out = s.sweep(&["sp.tar"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let hit =
        ("sp.tar:sp.log".to_string(), 1, HOLE + 10, "192.0.2.1".to_string());
    assert_eq!(tuples(&out), [hit]);

    let at = log.windows(11).position(|w| w == b"192.0.2.100").unwrap() + 9;
    s.file("cut.tar", &whole[..512 + at]);
    let out = s.sweep(&["cut.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        [(
            "cut.tar:sp.log".to_string(),
            1,
            HOLE + 10,
            "192.0.2.1".to_string()
        )]
    );
    let want = format!(
        "iocsweep: cut.tar:sp.log: tar archive ends inside this member, \
         after {} of its {} bytes\n",
        HOLE + at as u64,
        2 * HOLE + log.len() as u64
    );
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
}

/// An archive cut between two members ended like a whole one: the
/// members after the cut were missing without a word.
#[test]
fn an_archive_without_its_end_marker_may_have_been_cut_short() {
    let s = Setup::new();
    let whole =
        tar_of(&[("a.log", b"conn from 192.0.2.1\n"), ("b.log", b"x\n")]);
    // a.log's header and data, then nothing: no b.log, no marker.
    s.file("cut.tar", &whole[..1024]);
    let out = s.sweep(&["cut.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        [("cut.tar:a.log".to_string(), 1, 10, "192.0.2.1".to_string())]
    );
    let want = "iocsweep: cut.tar: tar archive ends after member a.log without \
                its end-of-archive marker: it may have been cut short, and any \
                members after it are missing\n";
    assert!(stderr(&out).contains(want), "{}", stderr(&out));
    // Near miss: the whole archive, or one cut inside its marker's
    // blocks after the first, is no error.
    for len in [whole.len(), whole.len() - 512] {
        s.file("whole.tar", &whole[..len]);
        let out = s.sweep(&["whole.tar"]);
        assert_eq!(out.status.code(), Some(1), "{len}: {}", stderr(&out));
    }
}

/// What follows the end-of-archive marker was read but not checked: a
/// .tar.gz whose gzip checksum does not match, or whose stream ends
/// before its trailer, swept as sound, exit 0 or 1.
#[test]
fn a_compressed_archive_s_stream_is_checked_to_its_end() {
    let s = Setup::new();
    let plain = tar_of(&[("a.log", b"conn from 192.0.2.1\n")]);
    // Not zstd: written without a checksum, its last 4 bytes are the
    // archive's own, and a cut there breaks inside a member.
    for format in ["gzip", "xz", "bzip2"] {
        let whole = compressed(format, &plain);
        let name = format!("cut-{format}.tar");
        s.file(&name, &whole[..whole.len() - 4]);
        let out = s.sweep(&[&name]);
        assert_eq!(out.status.code(), Some(2), "{format}: {}", stderr(&out));
        assert_eq!(
            tuples(&out),
            [(format!("{name}:a.log"), 1, 10, "192.0.2.1".to_string())]
        );
        let want = format!(
            "iocsweep: {name}: tar archive's stream fails after its last member: "
        );
        assert!(stderr(&out).contains(&want), "{format}: {}", stderr(&out));
        // Near miss: the whole stream is no error.
        s.file(&name, &whole);
        assert_eq!(s.sweep(&[&name]).status.code(), Some(1), "{format}");
    }
}

/// A member whose archive's own stream broke under it was named with
/// its decoder's restatement of that error after the archive's: two
/// "gzip stream ends early" messages for two streams.
#[test]
fn a_member_whose_archive_breaks_under_it_reports_the_archive_s_error_once() {
    let s = Setup::new();
    let log: Vec<u8> =
        (0..2000).flat_map(|i| format!("line {i} x\n").into_bytes()).collect();
    let whole = gzip(&tar_of(&[("a.log.gz", &gzip(&log))]));
    s.file("cut.tar.gz", &whole[..whole.len() / 2]);
    let out = s.sweep(&["cut.tar.gz"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    let want = "iocsweep: cut.tar.gz:a.log.gz: tar archive breaks inside this \
                member: gzip stream ends early (truncated?) after ";
    assert!(err.contains(want), "{err}");
    assert_eq!(err.matches("gzip stream ends early").count(), 1, "{err}");
}

/// Two archives written one after the other (`cat a.tar b.tar`) swept
/// as the first alone: the second's members were silently left out.
#[test]
fn data_after_the_end_marker_is_told() {
    let s = Setup::new();
    let a = tar_of(&[("a.log", b"conn from 192.0.2.1\n")]);
    let b = tar_of(&[("b.log", b"query evil.example A\n")]);
    s.file("two.tar", &[a.clone(), b].concat());
    let out = s.sweep(&["two.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        [("two.tar:a.log".to_string(), 1, 10, "192.0.2.1".to_string())]
    );
    let want = "iocsweep: two.tar: tar archive holds data 1024 bytes into its \
                end-of-archive marker after member a.log, which is not swept";
    assert!(stderr(&out).contains(want), "{}", stderr(&out));
    // Near miss: padding of zeros to a full record is no error.
    s.file("padded.tar", &[a, vec![0; 10240]].concat());
    let out = s.sweep(&["padded.tar"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_damaged_header_is_an_error_of_the_archive() {
    let s = Setup::new();
    let mut data = tar();
    // Spoil the checksum of b.log.gz's header (at 1536).
    let digit = &mut data[1536 + 150];
    *digit = if *digit == b'7' { b'6' } else { b'7' };
    s.file("bad.tar", &data);
    let out = s.sweep(&["bad.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(tuples(&out), expected("bad.tar")[..1]);
    let err = stderr(&out);
    let want = "iocsweep: bad.tar: tar archive is damaged after member \
                logs/a.log: archive header checksum mismatch\n";
    assert!(err.contains(want), "{err}");
}

#[test]
fn a_member_whose_content_fails_does_not_stop_the_archive() {
    let s = Setup::new();
    // A gzip member corrupt inside its deflate data, then a member with
    // a hit: the archive's own bytes are whole, so the sweep goes on.
    let mut bad = gzip(&b"conn from 192.0.2.1\n".repeat(2000));
    let mid = bad.len() / 2;
    bad[mid..mid + 8].copy_from_slice(b"\xff\xff\xff\xff\xff\xff\xff\xff");
    let members: [(&str, &[u8]); 2] =
        [("bad.log.gz", &bad), ("after.log", b"query evil.example A\n")];
    let data = tar_of(&members);
    for (name, file) in
        [("m.tar", data.clone()), ("m.tar.zst", encode::zstd(&data))]
    {
        s.file(name, &file);
        let out = s.sweep(&[name]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        let hits = tuples(&out);
        let after = (format!("{name}:after.log"), 1, 6, "evil.example".into());
        assert_eq!(hits.last(), Some(&after), "{hits:?}");
        // The hits of the corrupt member before the damage are kept.
        assert!(hits.len() > 1, "{hits:?}");
        let err = stderr(&out);
        let want = format!("iocsweep: {name}:bad.log.gz: gzip stream ");
        assert!(err.contains(&want), "{err}");
        // Near miss: the archive itself is not said to break.
        assert!(!err.contains("tar archive breaks"), "{err}");
        assert!(
            summary(&out).ends_with("1 error: 1 input not fully read"),
            "{}",
            summary(&out)
        );
    }
}

#[test]
fn a_member_stopped_as_a_bomb_is_named_with_how_to_sweep_it_anyway() {
    let s = Setup::new();
    let bomb = encode::bzip2_bomb(b"x src=192.0.2.1\n", 2);
    // Two gzip members in one file, as pigz and rotators write.
    let mut small = gzip(b"conn 192.0.2.1\n");
    small.extend(gzip(b"conn evil.example\n"));
    // 300 KiB of log lines, with a hit on the last.
    let mut medium = b"x\n".repeat(150 << 10);
    medium.extend_from_slice(b"query evil.example A\n");
    let medium = encode::zstd(&medium);
    let members: [(&str, &[u8]); 4] = [
        ("bomb.log.bz2", &bomb),
        ("small.log.gz", &small),
        ("medium.log.zst", &medium),
        ("after.log", b"query evil.example A\n"),
    ];
    s.file("m.tar", &tar_of(&members));
    let out = s.sweep(&["m.tar"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // The bomb's hit before the stop, then every hit of the members
    // after it: a bomb does not stop the real logs beside it.
    let medium_line = (150 << 10) + 1;
    assert_eq!(
        tuples(&out),
        vec![
            ("m.tar:bomb.log.bz2".into(), 1, 6, "192.0.2.1".into()),
            ("m.tar:small.log.gz".into(), 1, 5, "192.0.2.1".into()),
            ("m.tar:small.log.gz".into(), 2, 20, "evil.example".into()),
            (
                "m.tar:medium.log.zst".into(),
                medium_line,
                307_206,
                "evil.example".into()
            ),
            ("m.tar:after.log".into(), 1, 6, "evil.example".into()),
        ]
    );
    let err = stderr(&out);
    let want = "iocsweep: m.tar:bomb.log.bz2: bzip2 stream stopped after ";
    assert!(err.contains(want), "{err}");
    // How to sweep it anyway fits a member, not a file, and keeps the
    // options (the indicators) of the sweep.
    let want = "past the 1 GiB an archive's members may give together, as a \
                decompression bomb does (a real log that compresses so well \
                can be swept decompressed outside iocsweep: tar -xOf ARCHIVE \
                MEMBER | bzip2 -dc | iocsweep sweep [same options] -)";
    assert!(err.contains(want), "{err}");
    // Near misses: the archive itself is not said to break, and the
    // members after the bomb, each within the ratio of its own bytes, are
    // no error although the archive's floor is spent.
    assert!(!err.contains("tar archive breaks"), "{err}");
    assert!(!err.contains("bzip2 -dc FILE"), "{err}");
    assert!(!err.contains("small.log.gz: gzip"), "{err}");
    assert!(!err.contains("medium.log.zst: zstd"), "{err}");
    assert!(summary(&out).ends_with("1 error: 1 input not fully read"));
}

/// A compressed tar whose own stream passes its budget inside a member
/// cannot be read past it: that is said, with how to sweep it anyway.
#[test]
fn an_archive_stopped_as_a_bomb_says_the_members_after_it_are_not_swept() {
    let s = Setup::new();
    let header = |name: &str, size: u64| {
        let mut h = tar::Header::new_ustar();
        h.set_path(name).unwrap();
        h.set_size(size);
        h.set_mode(0o644);
        h.set_cksum();
        h.as_bytes().to_vec()
    };
    let line = b"x src=192.0.2.1\n";
    let zeros = 2u64 << 30;
    let mut head = header("bomb.log", line.len() as u64 + zeros);
    head.extend_from_slice(line);
    let mut archive = encode::bzip2(&head);
    let block = encode::bzip2(&vec![0; 64 << 20]);
    for _ in 0..zeros / (64 << 20) {
        archive.extend_from_slice(&block);
    }
    let after = b"query evil.example A\n";
    let mut tail = vec![0; 512 - line.len()];
    tail.extend(header("after.log", after.len() as u64));
    tail.extend_from_slice(after);
    tail.resize(tail.len() + 512 - after.len() + 1024, 0);
    archive.extend(encode::bzip2(&tail));
    s.file("m.tar.bz2", &archive);
    let out = s.sweep(&["m.tar.bz2"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        vec![("m.tar.bz2:bomb.log".into(), 1, 6, "192.0.2.1".into())]
    );
    let err = stderr(&out);
    let want = "iocsweep: m.tar.bz2:bomb.log: the archive's own decompression \
                stopped inside this member, and the members after it are not \
                swept: bzip2 stream stopped after ";
    assert!(err.contains(want), "{err}");
    let want = "(a real log that compresses so well can be swept \
                decompressed outside iocsweep: bzip2 -dc FILE | iocsweep \
                sweep [same options] -)";
    assert!(err.contains(want), "{err}");
    // Near miss: the same archive with 64 MiB of zeros, within the
    // budget, is swept whole.
    let mut tar = header("bomb.log", line.len() as u64 + (64 << 20));
    tar.extend_from_slice(line);
    tar.resize(tar.len() + (64 << 20), 0);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
    tar.extend(header("after.log", after.len() as u64));
    tar.extend_from_slice(after);
    tar.resize(tar.len().div_ceil(512) * 512 + 1024, 0);
    let whole = encode::bzip2(&tar);
    s.file("ok.tar.bz2", &whole);
    let out = s.sweep(&["ok.tar.bz2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(tuples(&out).len(), 2, "{}", stderr(&out));
}

/// A bzip2'd tar holding a member of 1,000 bzip2 streams of 64 MiB of
/// zeros: the member's 100 KB of its own would allow 2 GB at 20,000
/// times, but they came from a few hundred bytes of the file, so it stops
/// at the 1 GiB floor.
#[test]
fn a_bomb_member_inside_a_compressed_tar_is_held_to_the_file_s_bytes() {
    let s = Setup::new();
    let zeros = encode::bzip2(&vec![0; 64 << 20]);
    let mut member = encode::bzip2(b"x src=192.0.2.1\n");
    for _ in 0..1000 {
        member.extend_from_slice(&zeros);
    }
    let archive = encode::bzip2(&tar_of(&[("auth.log.bz2", &member)]));
    assert!(archive.len() < 4096, "{}", archive.len());
    s.file("n.tar.bz2", &archive);
    let out = s.sweep(&["n.tar.bz2"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        tuples(&out),
        vec![("n.tar.bz2:auth.log.bz2".into(), 1, 6, "192.0.2.1".into())]
    );
    let err = stderr(&out);
    let at = err
        .split("n.tar.bz2:auth.log.bz2: bzip2 stream stopped after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{err}"));
    // Near miss on each side: past the floor, short of the 2 GB its own
    // bytes would allow.
    assert!(at > 1 << 30 && at < (1 << 30) + (64 << 20), "{at}");
    assert!(
        err.contains(
            " bytes of the archive) had expanded more than 20000 times"
        ),
        "{err}"
    );
}
