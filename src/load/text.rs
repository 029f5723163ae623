//! The plain-text reader: one indicator a line.
//!
//! Each line's first field is taken (the text before the first `,`, `;`,
//! tab, space or ` #`) and classified; what follows is a comment. Lines
//! starting with `#` or `;` are comments, and a header row naming a
//! column (`IOC`, `IP address`, ...) is skipped. Anything else that is not
//! an indicator costs one error naming its line, and the rest loads.

use super::Reader;
use crate::set::Locator;

/// First fields that mark a line as a table header, not a value.
const HEADER_WORDS: &[&str] = &[
    "ioc",
    "indicator",
    "value",
    "observable",
    "ip",
    "ipv4",
    "ipv6",
    "address",
    "domain",
    "hostname",
    "host",
    "fqdn",
    "hash",
    "md5",
    "sha1",
    "sha256",
    "url",
    "uri",
    "email",
    "filename",
];

/// Reads a plain list, reporting each line's first field.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (i, line) in text.lines().enumerate() {
        // Text pasted from documents may break lines with U+2028/U+2029;
        // each part is a line of its own, under the physical line number.
        for part in line.split(['\u{2028}', '\u{2029}']) {
            let Some(field) = first_field(part) else { continue };
            if !is_header_word(field) {
                r.value(field, Locator::Line(i as u64 + 1));
            }
        }
    }
}

/// Returns the first field of a line that is neither blank nor a comment.
fn first_field(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';']) {
        return None;
    }
    let end = line
        .find(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .unwrap_or(line.len());
    Some(&line[..end])
}

/// Whether `field` is a column name such as `IOC` or `Domain`.
fn is_header_word(field: &str) -> bool {
    let field = field.trim_end_matches(':');
    HEADER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(field))
}

/// Returns the value of a `# key: value` line among the comment lines at
/// the top of `text` (bundled sets carry `# set:` and `# published:`).
///
/// The key compares case-insensitively; the value is trimmed. Only the
/// leading run of `#` lines is searched.
pub fn header_field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let comment = line.trim_start().strip_prefix('#')?;
        if let Some((k, v)) = comment.split_once(':') {
            if k.trim().eq_ignore_ascii_case(key) {
                return Some(v.trim());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicator::Kind;
    use crate::load::test_support::{load_as, shown};
    use crate::load::{Format, Severity};

    fn load(text: &str) -> crate::load::Loaded {
        load_as(Format::Text, text)
    }

    #[test]
    fn takes_the_first_field_of_each_line() {
        let got = load(
            "\u{feff}# list\r\n\
             ; also a comment\r\n\
             \r\n\
             192.0.2.1,seen 2024\r\n\
             198.51.100[.]7\tc2\r\n\
             EVIL.example;65\r\n\
             hxxp://bad.example/a # dropper\r\n\
             a.example.test  trailing words\r\n",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @4",
                "ipv4 198.51.100.7 @5",
                "domain a.example.test @8",
                "domain evil.example @6",
                "url http://bad.example/a @7",
            ]
        );
    }

    #[test]
    fn hashes_are_lower_cased_with_their_line() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        let got = load(&format!("{md5};SIGNATURE COMMENT\n"));
        let (_, ind) = got.set.iter().next().unwrap();
        assert_eq!(ind.kind(), Kind::Md5);
        assert_eq!(ind.value.to_string(), md5.to_ascii_lowercase());
    }

    #[test]
    fn header_rows_are_skipped_but_prose_is_an_error() {
        let got = load(
            "IOC\tType\tFirst Seen\n\
             203.0.113.5\tIP\t2024-01-01\n\
             IP address, Association\n\
             Yara Rules\n",
        );
        assert_eq!(shown(&got), ["ipv4 203.0.113.5 @2"]);
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        let p = &got.problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(p.to_string().split(": ").next(), Some("t.txt:4"));
        assert!(p.message.contains("\"Yara\" is not an indicator"));
    }

    #[test]
    fn near_misses_are_errors() {
        let got = load("1.2.3\n256.1.1.1\nlocalhost\n");
        let lines: Vec<_> =
            got.problems.iter().filter_map(|p| p.at.clone()).collect();
        assert_eq!(
            lines,
            [Locator::Line(1), Locator::Line(2), Locator::Line(3)]
        );
        assert!(got.set.is_empty());
    }

    #[test]
    fn unicode_line_separators_split_a_line() {
        let sha = "ab".repeat(32);
        let got = load(&format!("203.0.113.1\nx86_64.exe\u{2028}{sha}\n"));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 203.0.113.1 @1".to_string(),
                format!("sha256 {sha} @2"),
                "filename x86_64.exe @2".into(),
            ]
        );
    }

    #[test]
    fn header_fields_come_from_the_leading_comments() {
        let text = "# set: AA24-249A\n#Published : 2024-09-05\n\
                    192.0.2.1\n# late: no\n";
        assert_eq!(header_field(text, "set"), Some("AA24-249A"));
        assert_eq!(header_field(text, "published"), Some("2024-09-05"));
        assert_eq!(header_field(text, "late"), None);
        assert_eq!(header_field("192.0.2.1\n# set: x\n", "set"), None);
    }
}
