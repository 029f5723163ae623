//! CSV hit records: one row per hit under a header row, quoted as RFC
//! 4180 says, and safe to open in a spreadsheet.
//!
//! Every cell taken from a log or an indicator file is escaped as text
//! output is (control, bidi and invisible characters become visible
//! escapes such as `\x1b`), and a cell that would start with `=`, `+`,
//! `-`, `@`, a tab or a carriage return gets a `'` in front, so no
//! spreadsheet runs it as a formula. That includes cells that look like
//! negative numbers (`-1` becomes `'-1`): the only numbers in the table
//! are the line and offset columns, which the sweep writes itself and
//! leaves as they are. IPv6 values such as `::1` start with `:` and are
//! left alone. The exact bytes of a line are in `--format jsonl`.

use crate::set::Indicator;
use crate::sweep::Hit;

use super::sanitize;

/// The header row.
pub const HEADER: &str =
    "path,line,offset,kind,indicator,matched,time,log,fields,sources,text\n";

/// Appends one row for `hit` in the input named `path`; `text` is the
/// part of the line the record keeps.
pub fn write_row(
    b: &mut Vec<u8>,
    path: &str,
    hit: &Hit<'_>,
    ind: &Indicator,
    text: &[u8],
) {
    let sources: Vec<String> =
        ind.sources.iter().map(ToString::to_string).collect();
    let time = hit.time.map(|t| t.to_string()).unwrap_or_default();
    let cells: [(String, bool); 11] = [
        (sanitize::escape(path), true),
        (hit.line.to_string(), false),
        (hit.offset.to_string(), false),
        (ind.kind().to_string(), true),
        (sanitize::escape(&ind.value.to_string()), true),
        (sanitize::escape_bytes(hit.matched), true),
        (time, true),
        (hit.log.unwrap_or_default().to_string(), true),
        (hit.fields.join(";"), true),
        (sanitize::escape(&sources.join("; ")), true),
        (sanitize::escape_bytes(text), true),
    ];
    for (i, (cell, untrusted)) in cells.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        if *untrusted {
            push_cell(b, cell);
        } else {
            b.extend_from_slice(cell.as_bytes());
        }
    }
    b.push(b'\n');
}

/// Returns whether a spreadsheet could read a cell starting like `s` as
/// a formula.
pub fn is_formula_like(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// Appends `s` as a quoted cell, neutralised if it looks like a formula.
pub fn push_cell(b: &mut Vec<u8>, s: &str) {
    b.push(b'"');
    if is_formula_like(s) {
        b.push(b'\'');
    }
    for &c in s.as_bytes() {
        if c == b'"' {
            b.push(b'"');
        }
        b.push(c);
    }
    b.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(s: &str) -> String {
        let mut b = Vec::new();
        push_cell(&mut b, s);
        String::from_utf8(b).unwrap()
    }

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(cell("=1+1"), "\"'=1+1\"");
        assert_eq!(cell("+cmd"), "\"'+cmd\"");
        assert_eq!(cell("-1"), "\"'-1\"");
        assert_eq!(cell("@SUM(1)"), "\"'@SUM(1)\"");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("\rx"), "\"'\rx\"");
        assert_eq!(cell("say \"hi\", then"), "\"say \"\"hi\"\", then\"");
        // Near misses: not at the start, or not a trigger.
        assert_eq!(cell("a=1"), "\"a=1\"");
        assert_eq!(cell("::1"), "\"::1\"");
        assert_eq!(cell(" =1"), "\" =1\"");
        assert_eq!(cell(""), "\"\"");
    }
}
