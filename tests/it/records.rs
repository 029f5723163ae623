//! Hit records and the summary: what a record carries of the line it was
//! found on, and how the summary names the indicators swept for.

use crate::inputs::{Setup, records, stderr};

#[test]
fn the_text_of_a_very_long_line_is_cut_around_the_match() {
    // A 100 KiB line with the match at 50 KiB, after a short first line.
    let s = Setup::new();
    let at = 50 * 1024;
    let mut line = vec![b'a'; at];
    line.extend_from_slice(b"192.0.2.1");
    line.resize(100 * 1024, b'b');
    let mut data = b"first line\n".to_vec();
    data.extend_from_slice(&line);
    data.push(b'\n');
    s.file("long.log", &data);

    let out = s.sweep(&["long.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1, "{recs:?}");
    let r = &recs[0];
    // 4096 bytes: 2043 before the match, 9 of it, 2044 after.
    let text = format!("{}192.0.2.1{}", "a".repeat(2043), "b".repeat(2044));
    assert_eq!(r["text"], text.as_str());
    assert_eq!(r["path"], "long.log");
    assert_eq!(r["line"], 2);
    assert_eq!(r["offset"], 11 + at as u64);
    assert_eq!(r["matched"], "192.0.2.1");
    assert_eq!(r["indicator"], "192.0.2.1");
    assert_eq!(r["kind"], "ipv4");
}

/// A line of 4097 bytes opening with a two-byte character, its match
/// near the end: cutting its text to 4096 bytes on character boundaries
/// sliced past the line's end, and the sweep panicked in every format.
#[test]
fn a_line_just_over_the_text_limit_opening_with_a_wide_character_is_cut() {
    let s = Setup::new();
    let mut line = "é".as_bytes().to_vec();
    line.resize(4087, b'a');
    line.extend_from_slice(b" 192.0.2.1\n");
    assert_eq!(line.len(), 4098);
    s.file("wide.log", &line);
    let out = s.sweep(&["wide.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    assert_eq!(recs.len(), 1, "{recs:?}");
    // The window drops the `é` it would have cut in two.
    let want = format!("{} 192.0.2.1", "a".repeat(4085));
    assert_eq!(recs[0]["text"], want.as_str());
    assert_eq!(recs[0]["offset"], 4088);
}

#[test]
fn the_summary_names_each_bundled_set() {
    let s = Setup::new();
    s.file("quiet.log", b"nothing to see\n");
    let out = s.run(&["quiet.log"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names = "blacklotuslabs-kv-botnet, blacklotuslabs-raptor-train, \
                 cisa-aa23-325a, cisa-aa25-203a, cisa-aa25-239a, \
                 cisa-aa26-097a, cisa-aa26-204a";
    let want = format!("from bundled indicator sets (7 sets: {names}; ");
    assert!(stderr(&out).contains(&want), "{}", stderr(&out));
}
