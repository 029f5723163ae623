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
        let mut rest = Some(line);
        while let Some(part) = next_part(&mut rest) {
            let Some(field) = first_field(part) else { continue };
            let at = Locator::Line(i as u64 + 1);
            if is_header_word(field) {
                continue;
            }
            if let Some(sign) = regex_sign(field) {
                let msg = format!(
                    "{field:?} looks like a regular expression ({sign}), not \
                     a literal indicator; regular expressions are not swept for"
                );
                r.error(Some(at), msg);
                continue;
            }
            r.value(field, at);
        }
    }
}

/// Takes the next part of a line split at U+2028/U+2029. Both start with
/// byte 0xE2, so most lines skip the search.
fn next_part<'t>(rest: &mut Option<&'t str>) -> Option<&'t str> {
    let line = rest.take()?;
    if !line.as_bytes().contains(&0xE2) {
        return Some(line);
    }
    match line.find(['\u{2028}', '\u{2029}']) {
        Some(i) => {
            *rest = Some(&line[i + 3..]);
            Some(&line[..i])
        }
        None => Some(line),
    }
}

/// Returns the first field of a line that is neither blank nor a comment.
fn first_field(line: &str) -> Option<&str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';']) {
        return None;
    }
    // A path may hold blanks (`/Install Flash Player.dmg;75`): it runs to
    // the first `,`, `;`, tab or ` #`. Anything else ends at a blank too.
    let b = line.as_bytes();
    let is_path = matches!(b[0], b'/' | b'\\' | b'%')
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && &b[1..3] == b":\\");
    let end = if is_path {
        let end = line.find([',', ';', '\t']).unwrap_or(line.len());
        line[..end].find(" #").unwrap_or(end)
    } else {
        line.find(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .unwrap_or(line.len())
    };
    Some(line[..end].trim_end())
}

/// Returns what makes `field` read as a regular expression rather than a
/// value (lists such as signature-base's file-name list hold regexes),
/// or `None`. Defanged forms (`[.]`, `(.)`) are not signs of a regex.
fn regex_sign(field: &str) -> Option<&'static str> {
    const SIGNS: &[(&str, &str)] = &[
        ("(?", "an inline flag group"),
        (".*", "a '.*' wildcard"),
        (".+", "a '.+' wildcard"),
        ("[^", "a negated class"),
        ("\\\\", "an escaped backslash"),
        ("\\d", "a \\d class"),
        ("\\w", "a \\w class"),
        ("\\s", "a \\s class"),
        ("|", "an alternation"),
    ];
    let special = |b: u8| b"(*+[\\|^${".contains(&b);
    if !field.bytes().any(special) {
        return None;
    }
    if let Some((_, why)) = SIGNS.iter().find(|(s, _)| field.contains(s)) {
        return Some(why);
    }
    if field.starts_with('^') || field.ends_with('$') {
        return Some("an anchor");
    }
    if !field.contains(['[', '{']) {
        return None;
    }
    let mut rest = field.to_ascii_lowercase();
    for defanged in ["[.]", "[dot]", "[:]", "[://]", "[/]", "[@]", "[at]"] {
        rest = rest.replace(defanged, "");
    }
    rest = without_bracketed_ipv6(&rest);
    if rest.contains('[') {
        return Some("a character class");
    }
    let quantifier = rest
        .split('{')
        .skip(1)
        .any(|after| after.starts_with(|c: char| c.is_ascii_digit()));
    quantifier.then_some("a repetition count")
}

/// Removes bracketed IPv6 literals (`[2001:db8::1]:443`) from `s`: their
/// brackets are not a character class.
fn without_bracketed_ipv6(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close)
                if after[..close].contains(':')
                    && after[..close].bytes().all(|b| {
                        b.is_ascii_hexdigit() || b"::.".contains(&b)
                    }) =>
            {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
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

    #[test]
    fn regular_expressions_are_refused_with_the_reason() {
        assert_eq!(
            regex_sign(r"\\svcsstat\.exe"),
            Some("an escaped backslash")
        );
        assert_eq!(regex_sign(r"(?i)\procdump"), Some("an inline flag group"));
        assert_eq!(regex_sign(r"x\.(xmd|yls)$"), Some("an alternation"));
        assert_eq!(regex_sign("evil.exe$"), Some("an anchor"));
        assert_eq!(regex_sign("evil[.]example"), None);
        assert_eq!(regex_sign("hxxp[:]//a[.]b/c"), None);
        assert_eq!(regex_sign("obfusc[0-9_]{0"), Some("a character class"));
        assert_eq!(regex_sign("a{2,3}b"), Some("a repetition count"));
        assert_eq!(regex_sign("{guid}.exe"), None);
        assert_eq!(regex_sign(r"C:\Users\x\evil.exe"), None);
        use crate::load::{Format, test_support};
        let loaded = test_support::load_as(
            Format::Text,
            "evil.exe\n\\\\svcsstat\\.exe;70\n",
        );
        assert_eq!(test_support::shown(&loaded), vec!["filename evil.exe @1"]);
        assert_eq!(
            test_support::problems(&loaded),
            vec![
                "t.txt:2: \"\\\\\\\\svcsstat\\\\.exe\" looks like a regular \
                 expression (an escaped backslash), not a literal indicator; \
                 regular expressions are not swept for"
            ]
        );
    }
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
