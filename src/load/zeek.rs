//! The Zeek intel framework reader.
//!
//! An intel file is a tab-separated table whose `#fields` line names the
//! columns; `indicator` holds the value and `indicator_type` an
//! `Intel::…` type that says what it is. A `#separator` line may change
//! the separator, and a later `#fields` line starts a new table (files
//! are often concatenated).

use super::Reader;
use crate::indicator::Kind;
use crate::set::Locator;

/// Where the two columns that matter sit in a `#fields` line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Columns {
    indicator: usize,
    kind: usize,
    count: usize,
}

/// Whether the leading `#` lines hold a `#fields` line with `indicator`
/// and `indicator_type` columns.
pub fn looks_like(text: &str) -> bool {
    let mut sep = '\t';
    for line in text.lines() {
        let line = line.trim_start_matches('\u{feff}');
        if !line.starts_with('#') {
            return false;
        }
        if let Some(s) = separator(line) {
            sep = s;
        } else if let Some(cols) = fields(line, sep) {
            return cols.is_some();
        }
    }
    false
}

/// Reads an intel file.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let mut sep = '\t';
    let mut cols: Option<Columns> = None;
    for (i, line) in text.lines().enumerate() {
        let at = Locator::Line(i as u64 + 1);
        let line = line.trim_start_matches('\u{feff}');
        if let Some(s) = separator(line) {
            sep = s;
        } else if let Some(found) = fields(line, sep) {
            cols = found;
            if cols.is_none() {
                let why = "#fields names no indicator and indicator_type \
                           columns; rows up to the next #fields line are \
                           skipped";
                r.error(Some(at), why.into());
            }
        } else if line.starts_with('#') || line.trim().is_empty() {
            continue;
        } else if let Some(c) = cols {
            read_row(r, line, sep, c, at);
        } else {
            let why = "expected a #fields line before the first row";
            r.error(Some(at), why.into());
            return;
        }
    }
}

/// Returns the separator a `#separator` line sets, such as `\x09`.
fn separator(line: &str) -> Option<char> {
    let spec = line.strip_prefix("#separator")?.trim();
    let hex = spec.strip_prefix("\\x")?;
    u8::from_str_radix(hex, 16).ok().map(char::from)
}

/// Parses a `#fields` line: `None` if it is not one, `Some(None)` if it
/// lacks the two columns.
fn fields(line: &str, sep: char) -> Option<Option<Columns>> {
    let rest = line.strip_prefix("#fields")?;
    let names: Vec<&str> =
        rest.split(sep).map(str::trim).filter(|s| !s.is_empty()).collect();
    let find = |n: &str| names.iter().position(|x| *x == n);
    Some(match (find("indicator"), find("indicator_type")) {
        (Some(indicator), Some(kind)) => {
            Some(Columns { indicator, kind, count: names.len() })
        }
        _ => None,
    })
}

/// Reads one data row.
fn read_row(
    r: &mut Reader<'_>,
    line: &str,
    sep: char,
    c: Columns,
    at: Locator,
) {
    let cells: Vec<&str> = line.split(sep).collect();
    if cells.len() != c.count {
        let why = format!(
            "row has {} fields, expected {} as named by #fields",
            cells.len(),
            c.count
        );
        return r.error(Some(at), why);
    }
    let value = cells[c.indicator].trim();
    let kind = cells[c.kind].trim();
    if value.is_empty() || value == "-" {
        return r.error(Some(at), "indicator cell is empty".into());
    }
    match kind_of(kind, value) {
        Ok(k) => {
            r.typed(value, k, at, false);
        }
        Err(why) => r.error(Some(at), why),
    }
}

/// Maps an `Intel::…` type to the kind of indicator it holds.
fn kind_of(intel: &str, value: &str) -> Result<Kind, String> {
    let name = intel.strip_prefix("Intel::").unwrap_or(intel);
    Ok(match name {
        "ADDR" => Kind::Ipv4,
        "SUBNET" => Kind::Cidr,
        "DOMAIN" => Kind::Domain,
        "URL" => Kind::Url,
        "EMAIL" => Kind::Email,
        "FILE_NAME" => Kind::Filename,
        "FILE_HASH" => {
            return Kind::hash_for_len(value.len()).ok_or_else(|| {
                format!(
                    "{value:?} is not a file hash: expected 32, 40, 64 or \
                     128 hex digits"
                )
            });
        }
        _ => Kind::String,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Format;
    use crate::load::test_support::{load_as, problems, shown};

    const HEAD: &str = "#fields\tindicator\tindicator_type\tmeta.source\n";

    #[test]
    fn detects_fields_after_other_header_lines() {
        assert!(looks_like(HEAD));
        assert!(looks_like(&format!("#separator \\x09\n#path intel\n{HEAD}")));
        assert!(!looks_like("#fields\tts\tuid\n"));
        assert!(!looks_like(&format!("192.0.2.1\n{HEAD}")));
    }

    #[test]
    fn reads_each_intel_type() {
        let sha1 = "a".repeat(40);
        let text = format!(
            "{HEAD}192.0.2.1\tIntel::ADDR\tx\n\
             2001:db8::1\tIntel::ADDR\tx\n\
             198.51.100.0/24\tIntel::SUBNET\tx\n\
             Evil.Example\tIntel::DOMAIN\tx\n\
             evil.example/gate.php\tIntel::URL\tx\n\
             A@evil.example\tIntel::EMAIL\tx\n\
             {sha1}\tIntel::FILE_HASH\tx\n\
             evil.zip\tIntel::FILE_NAME\tx\n\
             curl/7.1\tIntel::SOFTWARE\tx\n"
        );
        let got = load_as(Format::ZeekIntel, &text);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @2",
                "ipv6 2001:db8::1 @3",
                "cidr 198.51.100.0/24 @4",
                "domain evil.example @5",
                "url evil.example/gate.php @6",
                "email a@evil.example @7",
                &format!("sha1 {sha1} @8"),
                "filename evil.zip @9",
                "string curl/7.1 @10",
            ]
        );
    }

    #[test]
    fn bad_rows_are_errors_with_their_line() {
        let text = format!(
            "{HEAD}-\tIntel::ADDR\tx\n\
             192.0.2.1\tIntel::ADDR\n\
             abc\tIntel::FILE_HASH\tx\n\
             evil.example\tIntel::ADDR\tx\n"
        );
        let got = load_as(Format::ZeekIntel, &text);
        assert_eq!(
            problems(&got)[..4],
            [
                "t.txt:2: indicator cell is empty",
                "t.txt:3: row has 2 fields, expected 3 as named by #fields",
                "t.txt:4: \"abc\" is not a file hash: expected 32, 40, 64 \
                 or 128 hex digits",
                "t.txt:5: warning: \"evil.example\" is given as ipv4 but \
                 reads as domain; loaded as domain",
            ]
        );
    }

    #[test]
    fn honours_separator_and_repeated_fields_lines() {
        let text = "#separator \\x7c\n#fields|indicator_type|indicator\n\
                    Intel::ADDR|192.0.2.1\n\
                    #fields|indicator|indicator_type\n\
                    192.0.2.2|Intel::ADDR\n";
        let got = load_as(Format::ZeekIntel, text);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(shown(&got), ["ipv4 192.0.2.1 @3", "ipv4 192.0.2.2 @5"]);
    }
}
