//! The JSON Lines reader: one JSON object a line, as Spamhaus publishes
//! its DROP lists (`{"cidr": "192.0.2.0/24", "sblid": "SBL1"}`).
//!
//! A line's indicator is the first of its fields `cidr`, `ip`, `domain`,
//! `url`, `value`, `indicator` or `ioc`. A record with an `asn` field is
//! an autonomous system (its `domain` names the AS owner, not an
//! indicator): AS numbers cannot be matched in logs, so such records are
//! counted and named in one warning. A `"type": "metadata"` record is
//! skipped. Anything else costs one error naming its line.

use serde_json::Value as Json;

use super::{Reader, stream};
use crate::set::Locator;

/// The fields that hold a line's indicator, in order of preference.
pub(super) const FIELDS: &[&str] =
    &["cidr", "ip", "domain", "url", "value", "indicator", "ioc"];

/// How a text's non-blank lines read as JSON Lines records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Lines {
    /// Non-blank lines.
    pub all: usize,
    /// Lines that start with `{`: records, whole or damaged.
    pub starts: usize,
    /// Lines that are whole JSON objects.
    pub objects: usize,
}

/// Counts the lines of `text` that start or are JSON objects; `#`
/// comment lines are not counted.
pub fn lines(text: &str) -> Lines {
    let mut n = Lines::default();
    for l in text.lines().filter(|l| !is_blank_or_comment(l)) {
        n.all += 1;
        if l.trim_start().starts_with('{') {
            n.starts += 1;
            // Checked, not built: a line is built only when it is read.
            if serde_json::from_str::<serde::de::IgnoredAny>(l).is_ok() {
                n.objects += 1;
            }
        }
    }
    n
}

/// Whether a line is skipped: blank, or a `#` comment.
fn is_blank_or_comment(line: &str) -> bool {
    let l = line.trim_start();
    l.is_empty() || l.starts_with('#')
}

/// Returns the number (1-based) of the second line holding something,
/// or of the last line if there is none: a JSON Lines file read as one
/// document fails there at the latest, whatever its first line holds,
/// while a pretty-printed document with an error fails further on.
pub fn second_line(text: &str) -> usize {
    let mut seen = 0;
    let mut last = 0;
    for (i, l) in text.lines().enumerate() {
        last = i + 1;
        if !l.trim().is_empty() {
            seen += 1;
            if seen == 2 {
                return last;
            }
        }
    }
    last
}

/// Whether a text that is not one JSON document reads as JSON Lines: two
/// lines or more besides `#` comments, most of them starting a record
/// with `{`, and at least half of those whole objects. A damaged record
/// (cut short, first or last) then costs its line alone, not the file.
/// Few lines of a pretty-printed document start with `{`; one whose
/// inner objects sit one a line is told apart by [`second_line`].
pub fn looks_like(text: &str) -> bool {
    lines(text).are_records()
}

impl Lines {
    /// Whether these lines read as JSON Lines (see [`looks_like`]).
    pub fn are_records(self) -> bool {
        self.all >= 2
            && self.objects >= 1
            && self.starts * 2 > self.all
            && self.objects * 2 >= self.starts
    }
}

/// Reads JSON Lines.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let mut asns = 0;
    // Records with more than one indicator field, of which the first is
    // read: counted, and named in one warning.
    let mut more_fields = 0;
    for (i, line) in text.lines().enumerate() {
        let at = Locator::Line(i as u64 + 1);
        if is_blank_or_comment(line) {
            continue;
        }
        // Compact STIX bundles or MISP events written one a line (as
        // feeds concatenate them) are read by their own readers, an
        // element at a time: their shape is found without building them.
        let shape = match stream::parse(line, stream::ShapeSeed) {
            Ok(shape) => shape,
            Err(e) => {
                r.error(Some(at), format!("not valid JSON: {e}"));
                continue;
            }
        };
        let bundle = shape.bundle || shape.typed_objects;
        let document = shape.object && (bundle || shape.event);
        if document {
            r.set_within_line(Some(i as u64 + 1));
            let before = r.progress();
            // A line may be both (or also a record): each reader takes
            // what it knows.
            if bundle {
                super::stix2::read(r, line);
            }
            if shape.event {
                super::misp::read(r, line);
            }
            if r.progress() == before {
                let what = if bundle { "STIX bundle" } else { "MISP event" };
                let why =
                    format!("a {what} with nothing in it the sweep can match");
                r.warn(Some(at.clone()), why);
            }
            r.set_within_line(None);
            if !shape.record {
                continue;
            }
        }
        if line.len() > super::stream::MAX_ELEMENT {
            let what = if document {
                "the record fields (ip, domain…) beside the document of a line"
            } else {
                "a line"
            };
            let why = format!(
                "{what} of {} bytes not read: larger than the {} MiB a \
                 record may have",
                line.len(),
                super::stream::MAX_ELEMENT >> 20
            );
            r.error(Some(at), why);
            continue;
        }
        let obj = match serde_json::from_str::<Json>(line) {
            Ok(Json::Object(o)) => o,
            Ok(_) => {
                r.error(Some(at), "expected a JSON object".into());
                continue;
            }
            Err(e) => {
                r.error(Some(at), format!("not valid JSON: {e}"));
                continue;
            }
        };
        if obj.contains_key("asn") {
            asns += 1;
            continue;
        }
        if obj.get("type").and_then(Json::as_str) == Some("metadata") {
            continue;
        }
        let mut strings = FIELDS.iter().filter_map(|f| {
            obj.get(*f).and_then(Json::as_str).map(|v| (*f, v))
        });
        let found = strings.next();
        more_fields += usize::from(strings.next().is_some());
        let found = found.map(|(_, v)| v);
        // A record that names its kind (`iocs list --format jsonl`) is
        // read as that kind: `a.zip` stated as a file name stays one.
        let kind = obj
            .get("kind")
            .and_then(Json::as_str)
            .and_then(|k| k.parse::<crate::indicator::Kind>().ok());
        match (found, kind) {
            (Some(v), Some(kind)) => {
                r.exact(v, kind, at, false);
            }
            (Some(v), None) => {
                r.value(v, at);
            }
            (None, _) => r.error(
                Some(at),
                format!(
                    "no indicator field (expected one of {})",
                    FIELDS.join(", ")
                ),
            ),
        }
    }
    if more_fields > 0 {
        let (noun, verb) = if more_fields == 1 {
            ("record", "has")
        } else {
            ("records", "have")
        };
        r.warn(
            None,
            format!(
                "{more_fields} {noun} {verb} more than one indicator field; \
                 only the first of {} was read from each",
                FIELDS.join(", ")
            ),
        );
    }
    if asns > 0 {
        r.unmatchable += asns;
        r.warn(
            None,
            format!(
                "{asns} autonomous system (ASN) records not loaded: AS \
                 numbers cannot be matched in logs"
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, detect};

    #[test]
    fn ranges_load_and_asns_are_counted_once() {
        let text = "{\"cidr\":\"192.0.2.0/24\",\"sblid\":\"SBL1\"}\n\
                    {\"asn\":64500,\"domain\":\"owner.example\"}\n\
                    {\"asn\":64501,\"domain\":\"owner.example\"}\n\
                    {\"sblid\":\"SBL2\"}\n\
                    {\"type\":\"metadata\",\"records\":4}\n";
        assert_eq!(detect(text), Ok(Format::JsonLines));
        let got = load_as(Format::JsonLines, text);
        assert_eq!(shown(&got), ["cidr 192.0.2.0/24 @1"]);
        assert_eq!(
            problems(&got),
            [
                "t.txt:4: no indicator field (expected one of cidr, ip, \
                 domain, url, value, indicator, ioc)",
                "t.txt: warning: 2 autonomous system (ASN) records not \
                 loaded: AS numbers cannot be matched in logs",
            ]
        );
    }

    #[test]
    fn a_damaged_line_costs_that_line_not_the_file() {
        let text = "{\"ip\":\"192.0.2.1\"}\n\
                    {\"ip\":\"192.0.2.2\",\"sbl\n\
                    not json\n\
                    {\"ip\":\"192.0.2.3\"}\n\
                    {\"ip\":\"192.0.2.4\"}\n";
        assert_eq!(detect(text), Ok(Format::JsonLines));
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            ["ipv4 192.0.2.1 @1", "ipv4 192.0.2.3 @4", "ipv4 192.0.2.4 @5"]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt:2: not valid JSON: EOF while parsing a string at \
                 line 1 column 22",
                "t.txt:3: not valid JSON: expected ident at line 1 column 2",
            ]
        );
        // Near misses: a pretty-printed document with an error, damage
        // in most records, and one record followed by something else stay
        // one error for the file.
        for bad in [
            "{\n  \"ip\": \"192.0.2.1\",\n}\n",
            "{\"ip\":\"192.0.2.1\"}\n{\"ip\"\n{\"ip\"\n",
            "{\"ip\":\"192.0.2.1\"}\ngarbage\n",
        ] {
            let e = detect(bad).unwrap_err();
            assert!(e.starts_with("not valid JSON: "), "{bad:?}: {e}");
        }
    }

    #[test]
    fn a_damaged_first_or_last_record_and_a_lone_record_load() {
        let first = "{\"cidr\":\"10.0.0.0/2\n\
                     {\"cidr\":\"192.0.2.0/24\"}\n{\"cidr\":\"198.51.100.0/24\"}\n";
        let last = "{\"cidr\":\"192.0.2.0/24\"}\n{\"cidr\":\"198.51.1";
        let lone = "{\"kind\":\"domain\",\"value\":\"evil.example\"}\n";
        for (text, want, bad) in [
            (
                first,
                &["cidr 192.0.2.0/24 @2", "cidr 198.51.100.0/24 @3"][..],
                Some(1),
            ),
            (last, &["cidr 192.0.2.0/24 @1"], Some(2)),
            (lone, &["domain evil.example @1"], None),
        ] {
            assert_eq!(detect(text), Ok(Format::JsonLines), "{text:?}");
            let got = load_as(Format::JsonLines, text);
            assert_eq!(shown(&got), want, "{text:?}");
            let p = problems(&got);
            match bad {
                Some(n) => {
                    assert_eq!(p.len(), 1, "{p:?}");
                    let at = format!("t.txt:{n}: not valid JSON: ");
                    assert!(p[0].starts_with(&at), "{p:?}");
                }
                None => assert!(p.is_empty(), "{p:?}"),
            }
        }
        // Near misses: a lone object that is no record, and a lone
        // damaged record, are refused whole, saying why.
        let e = detect("{\"name\":\"x\"}\n").unwrap_err();
        assert!(e.starts_with("JSON that is neither"), "{e}");
        let e = detect("{\"cidr\":\"192.0.2.0/24\"}\n{\"cidr\":\"1\n{\"x\n")
            .unwrap_err();
        assert_eq!(
            e,
            "not valid JSON: trailing characters at line 2 column 1; nor JSON \
             Lines: 1 of 3 lines is a whole JSON object"
        );
    }

    #[test]
    fn records_after_a_cut_start_or_a_comment_load() {
        let cut = ".0/24\",\"sblid\":\"SBL1\"}\n\
                   {\"cidr\":\"192.0.2.0/24\"}\n{\"cidr\":\"198.51.100.0/24\"}\n";
        let comment = "# feed of 2024-01-02\n\
                       {\"cidr\":\"192.0.2.0/24\"}\n{\"cidr\":\"198.51.100.0/24\"}\n";
        for (text, errors) in [(cut, 1), (comment, 0)] {
            assert_eq!(detect(text), Ok(Format::JsonLines), "{text:?}");
            let got = load_as(Format::JsonLines, text);
            assert_eq!(
                shown(&got),
                ["cidr 192.0.2.0/24 @2", "cidr 198.51.100.0/24 @3"]
            );
            assert_eq!(problems(&got).len(), errors, "{:?}", problems(&got));
        }
        // Near miss: a list of values with a JSON line or two is a list.
        let list = "192.0.2.1\n{\"ip\":\"192.0.2.2\"}\n198.51.100.1\n";
        assert_eq!(detect(list), Ok(Format::Text));
    }

    #[test]
    fn a_damaged_document_with_objects_one_a_line_is_one_error() {
        // A bundle written an object a line, with its small arrays'
        // elements on lines of their own: most lines start with `{` and
        // half of those are whole, but one missing comma deep inside
        // must not turn the bundle into records.
        let obj = |i: u32, comma: &str| {
            format!(
                "{{\"type\":\"indicator\",\"id\":\"indicator--{i}\",\
                 \"pattern\":\"[ipv4-addr:value = '203.0.113.{i}']\",\
                 \"kill_chain_phases\":[\n\
                 {{\"kill_chain_name\":\"k\",\"phase_name\":\"c2\"}}\n\
                 ],\"external_references\":[\n\
                 {{\"url\":\"https://blog.vendor.example/report-{i}\"}}\n\
                 ]}}{comma}\n"
            )
        };
        let mut text = String::from("{\"type\":\"bundle\",\"objects\":[\n");
        for i in 1..=6 {
            // The third object lacks its comma.
            text += &obj(i, if i == 3 || i == 6 { "" } else { "," });
        }
        text += "]}\n";
        let n = super::lines(&text);
        assert_eq!((n.all, n.starts, n.objects), (32, 19, 12));
        let e = detect(&text).unwrap_err();
        assert!(e.starts_with("not valid JSON: expected `,` or `]`"), "{e}");
    }

    #[test]
    fn a_file_of_asns_alone_says_why_nothing_loaded() {
        let text = "{\"asn\":64500}\n{\"asn\":64501}\n";
        let got = load_as(Format::JsonLines, text);
        assert!(got.set.is_empty());
        let p = problems(&got);
        assert_eq!(
            p,
            [
                "t.txt: warning: 2 autonomous system (ASN) records not \
                 loaded: AS numbers cannot be matched in logs",
                "t.txt: warning: no indicator the sweep can match in this \
                 file (read as jsonl)",
            ]
        );
    }

    #[test]
    fn a_record_that_names_its_kind_is_read_as_that_kind() {
        // As `iocs list --format jsonl` writes them.
        let text = r#"{"kind":"string","indicator":"1.2.3.4","sources":["a:1"]}
{"kind":"filename","indicator":"a.zip","sources":["a:2"]}
{"kind":"url","indicator":"evil.example","sources":["a:3"]}
{"kind":"ipv4","indicator":"evil.example","sources":["a:4"]}
{"indicator":"a.zip"}
"#;
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            [
                "domain a.zip @5",
                "url evil.example @3",
                "filename a.zip @2",
                "string 1.2.3.4 @1",
            ]
        );
        // A value that is not the kind it names is an error, not another
        // kind; without a kind (the near miss) it is classified.
        assert_eq!(
            problems(&got),
            ["t.txt:4: \"evil.example\" is not an ipv4: it reads as domain"]
        );
    }

    #[test]
    fn bundles_and_events_one_a_line_are_read_by_their_readers() {
        let text = r#"{"type":"bundle","objects":[{"type":"domain-name","id":"d--1","value":"one.example"}]}
{"type":"bundle","objects":[{"type":"domain-name","id":"d--2","value":"two.example"}]}
{"Event":{"Attribute":[{"uuid":"u-3","type":"domain","value":"three.example"}]}}
{"indicator":"four.example"}
"#;
        assert_eq!(detect(text), Ok(Format::JsonLines));
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            [
                "domain four.example @4",
                "domain one.example @d--1",
                "domain three.example @u-3",
                "domain two.example @d--2",
            ]
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        // A bundle line past the 4 MiB a record may have is still read
        // an object at a time.
        let objs: Vec<String> = (0..80_000)
            .map(|i| format!(r#"{{"type":"domain-name","id":"d--{i}","value":"d{i}.example.com.evil.example"}}"#))
            .collect();
        let big = format!(
            "{{\"type\":\"bundle\",\"objects\":[{}]}}\n{{\"ip\":\"192.0.2.1\"}}\n",
            objs.join(",")
        );
        assert!(big.len() > super::stream::MAX_ELEMENT);
        let got = load_as(Format::JsonLines, &big);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.set.len(), 80_001);
        // Near miss: an object of another type is still a record.
        let other = load_as(
            Format::JsonLines,
            "{\"type\":\"x\"}\n{\"ip\":\"192.0.2.1\"}\n",
        );
        assert_eq!(problems(&other).len(), 1);
    }

    #[test]
    fn problems_in_a_bundle_or_event_line_name_the_line() {
        let text = r#"{"type":"bundle","objects":[{"type":"indicator","id":"indicator--1","pattern_type":"stix","pattern":"[ipv4-addr:value = 'x']"}]}
{"Event":{"Attribute":[{"uuid":"u-2","type":"domain","value":"two.example"},{"uuid":"u-3","type":"mutex","value":"m"}]}}
{"type":"bundle","objects":[{"type":"domain-name","id":"d--3","value":"three.example"}]}
"#;
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            ["domain three.example @d--3", "domain two.example @u-2"]
        );
        let p = problems(&got);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].starts_with("t.txt: indicator--1: on line 1: "), "{p:?}");
        assert_eq!(
            p[1],
            "t.txt:2: warning: 1 attribute of type mutex not loaded: not an \
             indicator the sweep can match"
        );
    }

    #[test]
    fn an_event_key_that_holds_no_event_does_not_hide_the_record() {
        // `Event` or `response` that is not an event (or a list of them)
        // does not make the line a MISP event: its indicator loads.
        let text = "{\"Event\":null,\"indicator\":\"one.example\"}\n\
                    {\"response\":\"ok\",\"ip\":\"192.0.2.2\"}\n\
                    {\"Event\":7}\n";
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            ["ipv4 192.0.2.2 @2", "domain one.example @1"]
        );
        assert_eq!(
            problems(&got),
            ["t.txt:3: no indicator field (expected one of cidr, ip, \
                 domain, url, value, indicator, ioc)"]
        );
        // Near miss: an event object, or a list under `response`, is an
        // event, read by the MISP reader; a record's field beside it is
        // read too.
        let events = "{\"Event\":{\"Attribute\":[{\"type\":\"domain\",\
                      \"value\":\"a.example\"}]},\"indicator\":\"b.example\"}\n\
                      {\"response\":[{\"Event\":{\"Attribute\":[{\"type\":\
                      \"domain\",\"value\":\"c.example\"}]}}]}\n";
        let got = load_as(Format::JsonLines, events);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let mut values: Vec<String> =
            got.set.iter().map(|(_, i)| i.value.to_string()).collect();
        values.sort();
        assert_eq!(values, ["a.example", "b.example", "c.example"]);
    }

    #[test]
    fn no_line_that_looks_like_a_document_is_dropped_without_a_word() {
        // Each line either loads its indicators or is named in a problem.
        let lines = [
            r#"{"Event": {}, "indicator": "e1.example"}"#,
            r#"{"response": [], "indicator": "e2.example"}"#,
            r#"{"response": {}, "ip": "192.0.2.77"}"#,
            r#"{"response": [1, 2, "x"], "domain": "e9.example"}"#,
            r#"{"type": "bundle", "objects": [], "ioc": "e4.example"}"#,
            r#"{"type": "x", "type": "bundle", "objects": [{"type": "domain-name", "id": "d--8", "value": "a8.example"}], "domain": "e8.example"}"#,
            r#"{"Event": {"Event": {"Attribute": [{"type": "domain", "value": "a11.example"}]}}}"#,
            r#"{"Event": {"Attribute": {"type": "domain", "value": "a12.example"}}}"#,
            r#"{"Event": {"Attribute": [{"type": "ip-dst", "value": "198.51.100.7"}]}, "type": "bundle", "objects": [{"type": "domain-name", "id": "d--7", "value": "r7.example"}]}"#,
            r#"{"objects": [{"type": "domain-name", "id": "d--14", "value": "a14.example"}], "url": "http://e14.example/"}"#,
        ];
        let got = load_as(Format::JsonLines, &(lines.join("\n") + "\n"));
        let mut values: Vec<String> =
            got.set.iter().map(|(_, i)| i.value.to_string()).collect();
        values.sort();
        assert_eq!(
            values,
            [
                "192.0.2.77",
                "198.51.100.7",
                "a14.example",
                "a8.example",
                "e1.example",
                "e2.example",
                "e4.example",
                "e8.example",
                "e9.example",
                "http://e14.example/",
                "r7.example",
            ]
        );
        let said: Vec<String> = problems(&got);
        assert_eq!(
            said,
            [
                "t.txt:1: warning: a MISP event with nothing in it the sweep \
                 can match",
                "t.txt:2: warning: a MISP event with nothing in it the sweep \
                 can match",
                "t.txt:3: warning: a MISP event with nothing in it the sweep \
                 can match",
                "t.txt:4: warning: a MISP event with nothing in it the sweep \
                 can match",
                "t.txt:5: warning: a STIX bundle with nothing in it the sweep \
                 can match",
                "t.txt:7: warning: a MISP event with nothing in it the sweep \
                 can match",
                "t.txt:8: warning: a MISP event with nothing in it the sweep \
                 can match",
            ]
        );
    }

    #[test]
    fn a_record_of_several_indicator_fields_says_only_the_first_is_read() {
        let text = r#"{"ip":"203.0.113.9","domain":"second.example","url":"http://third.example/x"}
{"type":"bundle","objects":[{"type":"domain-name","id":"d--1","value":"a.example"}],"value":{"x":1}}
{"domain":"one.example","note":"x"}
"#;
        let got = load_as(Format::JsonLines, text);
        assert_eq!(
            shown(&got),
            [
                "ipv4 203.0.113.9 @1",
                "domain a.example @d--1",
                "domain one.example @3",
            ]
        );
        // A field that is not a string does not make a document's line a
        // record (near miss: no "no indicator field" error for line 2).
        assert_eq!(
            problems(&got),
            ["t.txt: warning: 1 record has more than one indicator field; \
                 only the first of cidr, ip, domain, url, value, indicator, \
                 ioc was read from each"]
        );
    }
}
