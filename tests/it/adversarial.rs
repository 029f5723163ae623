//! Indicator files made to crash, hang or exhaust the loader: each must
//! end in a clear message naming the file, and the exit status of the
//! contract, within a generous deadline (a hang fails the test; nothing
//! here measures speed).

use std::fs::File;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a run may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(60);

/// What a run printed and how it ended.
struct Run {
    status: i32,
    stdout: String,
    stderr: String,
}

/// Runs `iocsweep iocs stats FILE` and waits for it, killing it and
/// failing the test when it outlives [`DEADLINE`].
fn stats(dir: &Path, file: &Path) -> Run {
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .args(["iocs", "stats"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > DEADLINE {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("no answer within {DEADLINE:?} on {}", file.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        status: status.code().expect("ended by a signal"),
        stdout: std::fs::read_to_string(out).unwrap(),
        stderr: std::fs::read_to_string(err).unwrap(),
    }
}

/// Writes `bytes` as `name` in `dir` and runs `iocs stats` on it.
fn stats_of(dir: &Path, name: &str, bytes: &[u8]) -> (Run, String) {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    (stats(dir, &path), path.display().to_string())
}

#[test]
fn json_nested_half_a_million_deep_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let stderr_has = |run: &Run, want: String| {
        assert!(run.stderr.contains(&want), "{want}\n{}", run.stderr);
    };
    // Detection skips what it does not need without recursion, so an
    // unclosed nest is found to end early, and a closed one is a document
    // of no format.
    let arrays = "[".repeat(500_000);
    let (run, name) = stats_of(dir.path(), "deep.json", arrays.as_bytes());
    assert_eq!(run.status, 2);
    stderr_has(
        &run,
        format!(
            "{name}: not valid JSON: EOF while parsing a list at line 1 \
             column 500000\n"
        ),
    );
    let objects = "{\"a\":".repeat(500_000);
    let (run, name) = stats_of(dir.path(), "deep2.json", objects.as_bytes());
    assert_eq!(run.status, 2);
    stderr_has(
        &run,
        format!(
            "{name}: not valid JSON: EOF while parsing a value at line 1 \
             column 2500000\n"
        ),
    );
    let closed = format!("{}{}", "[".repeat(500_000), "]".repeat(500_000));
    let (run, name) = stats_of(dir.path(), "deep3.json", closed.as_bytes());
    assert_eq!(run.status, 2);
    stderr_has(
        &run,
        format!(
            "{name}: JSON that is neither a STIX 2 bundle nor a MISP event"
        ),
    );
    // What a reader builds, one object at a time, keeps serde_json's
    // nesting limit; the objects before it are kept.
    let bundle = format!(
        r#"{{"type":"bundle","objects":[{{"type":"domain-name","id":"d--1","value":"evil.example"}},{{"type":"x","a":{}{}}}]}}"#,
        "[".repeat(500_000),
        "]".repeat(500_000)
    );
    let (run, name) = stats_of(dir.path(), "deep4.json", bundle.as_bytes());
    assert_eq!(run.status, 2);
    stderr_has(
        &run,
        format!(
            "{name}: object 2: not valid JSON: recursion limit exceeded at \
             line 1 column 143\n"
        ),
    );
    stderr_has(&run, format!("{name}: 1 entry loaded, 1 not loaded\n"));
}

#[test]
fn an_indicator_file_over_the_size_limit_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: no disk and no memory is used unless the file is read.
    let path = dir.path().join("huge.json");
    File::create(&path).unwrap().set_len(2 << 30).unwrap();
    let run = stats(dir.path(), &path);
    assert_eq!(run.status, 2);
    let want = format!(
        "{}: 2147483648 bytes, larger than the 1024 MiB limit for an \
         indicator file; not read\n",
        path.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    // One byte over is refused too (reading a file at the limit would
    // take 1 GiB of memory, more than a test should).
    File::create(&path).unwrap().set_len((1 << 30) + 1).unwrap();
    let run = stats(dir.path(), &path);
    assert_eq!(run.status, 2);
    let want = format!(
        "{}: 1073741825 bytes, larger than the 1024 MiB limit",
        path.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
}

#[test]
fn a_64_mib_single_line_stix_bundle_loads() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("{\"type\":\"bundle\",\"objects\":[");
    let mut n = 0u32;
    while text.len() < 64 << 20 {
        if n > 0 {
            text.push(',');
        }
        let ip = n.to_be_bytes();
        text.push_str(&format!(
            "{{\"type\":\"indicator\",\"id\":\"indicator--{n}\",\
             \"pattern_type\":\"stix\",\"pattern\":\
             \"[ipv4-addr:value = '10.{}.{}.{}']\"}}",
            ip[1], ip[2], ip[3]
        ));
        n += 1;
    }
    text.push_str("]}");
    let (run, _) = stats_of(dir.path(), "big.json", text.as_bytes());
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(&format!("indicators: {n} (ipv4 {n})\n")),
        "{}",
        run.stdout
    );
}

const DTD_REFUSED: &str = "XML with a document type declaration (DTD) is \
                           refused: its entities could expand without \
                           bound or read other files\n";

#[test]
fn xml_entity_expansion_and_external_entities_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE stix:STIX_Package [\n\
                  <!ENTITY a \"lol\">\n\
                  <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n\
                  <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n\
                  <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n\
                  <!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n\
                  <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n\
                  <!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n\
                  <!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\">\n\
                  <!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">\n]>\n\
                  <stix:STIX_Package xmlns:stix=\"x\">&i;\
                  </stix:STIX_Package>\n";
    let (run, name) = stats_of(dir.path(), "laughs.xml", laughs.as_bytes());
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains(&format!("{name}: {DTD_REFUSED}")),
        "{}",
        run.stderr
    );
    let external = "<?xml version=\"1.0\"?>\n<!DOCTYPE ioc [\n\
                    <!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n\
                    <ioc xmlns=\"http://schemas.mandiant.com/2010/ioc\">\
                    &x;</ioc>\n";
    let (run, name) = stats_of(dir.path(), "xxe.ioc", external.as_bytes());
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains(&format!("{name}: {DTD_REFUSED}")),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("root:"), "{}", run.stderr);
}

#[test]
fn an_exploding_matches_regex_is_refused_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = r#"{"type":"bundle","objects":[
      {"type":"indicator","id":"indicator--1","pattern_type":"stix",
       "pattern":"[url:value MATCHES '(a{1000}){1000}']"},
      {"type":"indicator","id":"indicator--2","pattern_type":"stix",
       "pattern":"[url:value MATCHES '((a+)+)+b{100}']"},
      {"type":"indicator","id":"indicator--3","pattern_type":"stix",
       "pattern":"[ipv4-addr:value = '192.0.2.1']"}]}"#;
    let (run, name) = stats_of(dir.path(), "re.json", bundle.as_bytes());
    assert_eq!(run.status, 2);
    let want = format!(
        "{name}: indicator--1: url:value MATCHES '(a{{1000}}){{1000}}' not \
         loaded: the regular expression is too large to compile\n"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(run.stderr.contains(&format!("{name}: indicator--2: ")));
    assert!(run.stdout.starts_with("indicators: 1 (ipv4 1)\n"));
}

#[test]
fn two_million_identical_lines_load_as_one_indicator_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let text = "192.0.2.1\n".repeat(2_000_000);
    let (run, name) = stats_of(dir.path(), "dups.txt", text.as_bytes());
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "iocsweep: {name}: warning: 1999900 repeated values beyond the \
             first 100 listings of a value are counted, not listed as \
             sources\niocsweep: {name}: 2000000 entries loaded, 0 not \
             loaded\n"
        )
    );
    assert!(run.stdout.starts_with("indicators: 1 (ipv4 1)\n"));
}

#[test]
fn a_csv_with_a_million_columns_loads_its_one_indicator() {
    let dir = tempfile::tempdir().unwrap();
    let cols = 1_000_000;
    let mut text = String::from("ip");
    for c in 1..cols {
        text.push_str(&format!(",c{c}"));
    }
    text.push_str("\n192.0.2.1");
    text.push_str(&",x".repeat(cols - 1));
    text.push('\n');
    let (run, _) = stats_of(dir.path(), "wide.csv", text.as_bytes());
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("indicators: 1 (ipv4 1)\n"));
    // Its first row alone is past the 256 KiB that detection samples, so
    // it is read as a list, which finds the same indicator.
    assert!(run.stdout.contains("\ntext "), "{}", run.stdout);
}

#[test]
fn invalid_utf8_is_replaced_with_a_warning_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"192.0.2.1\n\xff\xfeevil.example\n198.51.100.7\n";
    let (run, name) = stats_of(dir.path(), "bad.txt", bytes);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains(&format!(
            "{name}: warning: invalid UTF-8 replaced with U+FFFD\n"
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains(&format!(
        "{name}:2: \"\u{fffd}\u{fffd}evil.example\" is not an indicator"
    )));
    assert!(run.stdout.starts_with("indicators: 2 (ipv4 2)\n"));
}

#[test]
fn utf16_without_a_byte_order_mark_is_decoded() {
    let dir = tempfile::tempdir().unwrap();
    let text = "192.0.2.1\r\nevil.example\r\n";
    for (name, big, encoding) in
        [("le.txt", false, "UTF-16LE"), ("be.txt", true, "UTF-16BE")]
    {
        let bytes: Vec<u8> = text
            .encode_utf16()
            .flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect();
        let (run, path) = stats_of(dir.path(), name, &bytes);
        assert_eq!(run.status, 0, "{}", run.stderr);
        // The guess is named, since it could be wrong.
        let said = format!(
            "{path}: warning: read as {encoding}: no byte order mark, but \
             NUL bytes on one side of nearly every byte pair\n"
        );
        assert!(run.stderr.contains(&said), "{}", run.stderr);
        assert!(
            run.stdout.starts_with("indicators: 2 (ipv4 1, domain 1)\n"),
            "{}",
            run.stdout
        );
    }
}

#[test]
fn a_fifo_inside_an_indicator_folder_is_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("iocs");
    std::fs::create_dir(&iocs).unwrap();
    std::fs::write(iocs.join("a.txt"), "192.0.2.1\n").unwrap();
    let fifo = iocs.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.unwrap().success(), "mkfifo");
    // Nothing ever writes to the FIFO: opening it would block for good.
    let run = stats(dir.path(), &iocs);
    assert_eq!(run.status, 0, "{}", run.stderr);
    let want = format!(
        "{}: warning: skipped: FIFO, socket or device inside a folder, not \
         read; name it to load it\n",
        fifo.display()
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(run.stdout.starts_with("indicators: 1 (ipv4 1)\n"));
}

#[test]
fn nul_bytes_make_an_indicator_file_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = b"192.0.2.1\n\0\0\0\0evil.example\n";
    let (run, name) = stats_of(dir.path(), "nul.txt", bytes);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.contains(&format!(
            "{name}: binary file, not an indicator list\n"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn a_csv_row_of_millions_of_cells_after_a_clean_sample_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("ip,note\n");
    for i in 0..999 {
        text.push_str(&format!("192.0.{}.{},a\n", i / 256, i % 256));
    }
    // Four million cells: kept whole, they took some 30 times their text.
    text.push_str(&"a,".repeat(4_000_000));
    text.push_str("a\n192.0.9.9,b\n");
    let (run, name) = stats_of(dir.path(), "row.csv", text.as_bytes());
    assert_eq!(run.status, 0, "{}", run.stderr);
    let want = format!(
        "iocsweep: {name}:1001: warning: row has 4000001 fields but the \
         header on line 1 has 2; row skipped\n"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    assert!(run.stdout.starts_with("indicators: 1000 (ipv4 1000)\n"));
}

#[test]
fn stix1_objects_nested_deep_and_values_nested_deep_cost_their_size() {
    let dir = tempfile::tempdir().unwrap();
    let head = "<?xml version=\"1.0\"?>\n<stix:STIX_Package \
                xmlns:stix=\"http://stix.mitre.org/stix-1\" \
                xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";
    let tail = "</stix:STIX_Package>\n";
    // 300,000 objects 998 deep: each once looked up its own ancestors.
    let deep = format!(
        "{head}{}{}{}{tail}",
        "<a>".repeat(998),
        "<Properties/>".repeat(300_000),
        "</a>".repeat(998)
    );
    let (run, name) = stats_of(dir.path(), "deep.xml", deep.as_bytes());
    assert_eq!(run.status, 0, "{}", run.stderr);
    let want = format!(
        "iocsweep: {name}: warning: 300000 objects of type (none) not loaded"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    // 400 nested values around 8 MB of text: each once copied it all.
    let open = "<Properties xsi:type=\"DomainNameObj:DomainNameObjectType\">\
                <Value>";
    let nest = format!(
        "{head}{}{}{}{tail}",
        open.repeat(400),
        "a".repeat(8 << 20),
        "</Value></Properties>".repeat(400)
    );
    let (run, name) = stats_of(dir.path(), "nest.xml", nest.as_bytes());
    assert_eq!(run.status, 2, "{}", run.stderr);
    let want = format!(
        "iocsweep: {name}:3: a value longer than 8192 bytes is not an \
         indicator\n"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    // Only the innermost value holds text of its own.
    let counted = format!("iocsweep: {name}: 0 entries loaded, 1 not loaded");
    assert!(run.stderr.contains(&counted), "{}", run.stderr);
    // 400 nested values around a million empty elements: each once
    // walked all of them looking for text.
    let empty = format!(
        "{head}{}{}{}{tail}",
        open.repeat(400),
        "<a/>".repeat(1_000_000),
        "</Value></Properties>".repeat(400)
    );
    let (run, name) = stats_of(dir.path(), "empty.xml", empty.as_bytes());
    assert_eq!(run.status, 2, "{}", run.stderr);
    let want = format!("iocsweep: {name}: 0 entries loaded, 0 not loaded");
    assert!(run.stderr.contains(&want), "{}", run.stderr);
}

#[test]
fn xml_made_to_fill_the_tree_or_the_attribute_checks_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Elements of 9,999 attributes each: parsing time grows with the
    // square of each one's count.
    let attrs: String = (0..9_999).map(|i| format!(" a{i}=\"\"")).collect();
    let many = format!("<ioc>{}</ioc>", format!("<a{attrs}/>").repeat(20));
    let (run, name) = stats_of(dir.path(), "attrs.ioc", many.as_bytes());
    assert_eq!(run.status, 2);
    let want = format!(
        "iocsweep: {name}: XML has too many elements with many attributes"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
    // Eight million processing instructions are counted before any tree
    // is built.
    let pis = format!("<ioc>{}</ioc>", "<?p?>".repeat(8_000_001));
    let (run, name) = stats_of(dir.path(), "pis.ioc", pis.as_bytes());
    assert_eq!(run.status, 2);
    let want = format!(
        "iocsweep: {name}: XML holds more than 8000000 elements and \
         attributes (or other nodes); refused"
    );
    assert!(run.stderr.contains(&want), "{}", run.stderr);
}
