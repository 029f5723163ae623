//! The CSV reader: tables with a header row.
//!
//! The delimiter is the one of `,` `;` tab `|` that the header row uses;
//! fields follow RFC 4180 (quotes, doubled quotes, delimiters and line
//! breaks inside quotes). Columns are chosen by name: a `type` column
//! beside a `value` column says what each row's value is; otherwise every
//! column named for an indicator kind is read. Leading `#` lines (as in
//! abuse.ch feeds) are comments.

use super::{Reader, Unmatchable};
use crate::indicator::{self, Kind, ParseOptions};
use crate::set::{Locator, SourceMeta};

/// One row of a table and the physical line it starts on (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Row {
    line: u64,
    /// The row's first [`MAX_FIELDS`] cells.
    cells: Vec<String>,
    /// How many cells the row has.
    width: usize,
}

/// The most cells of one row that are kept. A row past it is counted, not
/// kept: a single row of millions of tiny cells would otherwise cost some
/// 30 times its text. A header past it is not read as one.
const MAX_FIELDS: usize = 1 << 20;

/// What a named column holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    /// Values of any kind, classified one by one.
    Generic,
    /// Values of one kind.
    Typed(Kind),
    /// The kind of the row's value (MISP `type`).
    Type,
    /// The port of the row's address (abuse.ch `dst_port`).
    Port,
}

/// Whether the text is a table: its first non-comment line (or a header
/// written as the last leading comment) names an indicator column, and
/// nine rows in ten have its width.
pub fn looks_like(text: &str) -> bool {
    let whole = text;
    let text = sample(text);
    let Some(delim) = delimiter(text) else { return false };
    let mut rows: Vec<Row> = table_rows(text, delim).collect();
    // A row the sample cuts short is not held against the table.
    if text.len() < whole.len() && !text.ends_with('\n') && rows.len() > 1 {
        rows.pop();
    }
    let Some((header, data)) = rows.split_first() else { return false };
    let named = names_indicator(&header.cells);
    let width = header.width;
    let fit = data.iter().filter(|r| r.width == width).count();
    named && fit > 0 && fit * 10 >= data.len() * 9
}

/// How much of a file detection looks at: its first lines, within a byte
/// budget, so telling a table from a list costs the same for any size;
/// but at least the header and first row, within a larger budget, so a
/// wide table is still seen as one.
const SAMPLE_LINES: usize = 1000;
const SAMPLE_BYTES: usize = 256 << 10;
const SAMPLE_WIDE_BYTES: usize = 4 << 20;

/// Returns the first [`SAMPLE_LINES`] lines of `text`, cut to at most
/// [`SAMPLE_BYTES`], or its first two lines other than comments and
/// blanks, cut to at most [`SAMPLE_WIDE_BYTES`], whichever is longer (at
/// a character boundary).
fn sample(text: &str) -> &str {
    let b = text.as_bytes();
    let lines = memchr::memchr_iter(b'\n', b)
        .nth(SAMPLE_LINES - 1)
        .map_or(text.len(), |i| i + 1)
        .min(SAMPLE_BYTES);
    let mut two = 0;
    let mut start = 0;
    let mut seen = 0;
    while start < b.len().min(SAMPLE_WIDE_BYTES) && seen < 2 {
        let end = memchr::memchr(b'\n', &b[start..])
            .map_or(b.len(), |i| start + i + 1);
        let line = text[start..end].trim_start_matches('\u{feff}').trim();
        if !line.is_empty() && !line.starts_with('#') {
            seen += 1;
        }
        two = end;
        start = end;
    }
    let mut end = lines.max(two.min(SAMPLE_WIDE_BYTES)).min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Reads a table a row at a time: only the row being read is split into
/// cells, so a file of many short cells costs its text, not the dozens of
/// times more its cells would take all at once.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let delim = delimiter(text).unwrap_or(',');
    let mut data = table_rows(text, delim);
    let Some(header) = data.next() else { return };
    if header.width > MAX_FIELDS {
        let why = format!(
            "a header of {} fields, more than the {MAX_FIELDS} a table may \
             have; not read",
            header.width
        );
        return r.error(Some(Locator::Line(header.line)), why);
    }
    let cols: Vec<Option<Column>> =
        header.cells.iter().map(|c| column(c)).collect();
    let value_col = cols.iter().position(|c| *c == Some(Column::Generic));
    let type_col = cols.iter().position(|c| *c == Some(Column::Type));
    if let (Some(v), Some(t)) = (value_col, type_col) {
        return read_typed_rows(r, &header, data, v, t);
    }
    let named = |c: &Option<Column>| {
        matches!(c, Some(Column::Generic | Column::Typed(_)))
    };
    if cols.iter().any(named) {
        return read_columns(r, &header, data, &cols);
    }
    drop(data);
    read_by_content(r, text, delim);
}

/// Returns the delimiter the first non-comment line uses most.
fn delimiter(text: &str) -> Option<char> {
    let line = text
        .lines()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .find(|l| !l.trim().is_empty() && !l.starts_with('#'))?;
    let mut best = None;
    let mut most = 0;
    for d in [',', ';', '\t', '|'] {
        let n = count_unquoted(line, d);
        if n > most {
            (best, most) = (Some(d), n);
        }
    }
    best
}

/// Counts `d` outside double quotes in one line.
fn count_unquoted(line: &str, d: char) -> usize {
    let mut quoted = false;
    let mut n = 0;
    for c in line.chars() {
        if c == '"' {
            quoted = !quoted;
        } else if c == d && !quoted {
            n += 1;
        }
    }
    n
}

/// Whether a row of cells names a column of indicators.
fn names_indicator(cells: &[String]) -> bool {
    cells
        .iter()
        .any(|c| matches!(column(c), Some(Column::Generic | Column::Typed(_))))
}

/// Returns the rows of a table. Some feeds write their header as the last
/// of the leading comment lines (`# id,dateadded,url,…`, as URLhaus
/// does): when the first row names no indicator column and that comment
/// does, with the same width, it is put first as the header.
fn table_rows(text: &str, delim: char) -> impl Iterator<Item = Row> + '_ {
    let mut rows = rows(text, delim);
    let first = rows.next();
    let shape = first.as_ref().map(|r| (names_indicator(&r.cells), r.width));
    let mut header = None;
    if let (Some((false, width)), Some(h)) =
        (shape, commented_header(text, delim))
    {
        if h.width == width {
            header = Some(h);
        }
    }
    header.into_iter().chain(first).chain(rows)
}

/// Returns the last of the leading `#` lines as a row, when it names an
/// indicator column.
fn commented_header(text: &str, delim: char) -> Option<Row> {
    let mut last = None;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_start_matches('\u{feff}');
        if line.trim().is_empty() {
            continue;
        }
        match line.strip_prefix('#') {
            Some(comment) => last = Some((i, comment.trim())),
            None => break,
        }
    }
    let (i, comment) = last?;
    let (cells, width) = row(&mut comment.chars().peekable(), delim, &mut 0);
    names_indicator(&cells).then(|| Row { line: i as u64 + 1, cells, width })
}

/// Splits text into rows (RFC 4180) as they are asked for, skipping
/// blank lines and lines that start with `#`.
fn rows(text: &str, delim: char) -> Rows<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    Rows { chars: text.chars().peekable(), delim, line: 1 }
}

/// The rows of a table, split one at a time.
struct Rows<'t> {
    chars: std::iter::Peekable<std::str::Chars<'t>>,
    delim: char,
    /// The line the next row starts on.
    line: u64,
}

impl Iterator for Rows<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        while self.chars.peek().is_some() {
            let start = self.line;
            if self.chars.peek() == Some(&'#') {
                for c in self.chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                self.line += 1;
                continue;
            }
            let (cells, width) =
                row(&mut self.chars, self.delim, &mut self.line);
            let blank = width == 1 && cells[0].trim().is_empty();
            if !blank {
                return Some(Row { line: start, cells, width });
            }
        }
        None
    }
}

/// Reads one row, consuming its final line break: its first
/// [`MAX_FIELDS`] cells, and how many it has.
fn row(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    delim: char,
    line: &mut u64,
) -> (Vec<String>, usize) {
    let mut cells = Vec::new();
    let mut width = 0;
    let mut cell = String::new();
    // Whether the cell holds more than white space so far: past the kept
    // cells nothing is kept, but quotes must be read as they would be.
    let mut seen = false;
    let mut quoted = false;
    let push = |cell: &mut String, c: char, keep: bool| {
        if keep {
            cell.push(c);
        }
    };
    while let Some(c) = chars.next() {
        let keep = width < MAX_FIELDS;
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                push(&mut cell, '"', keep);
                seen = true;
            }
            '"' if quoted => quoted = false,
            '"' if !seen => {
                cell.clear();
                quoted = true;
            }
            '\n' if quoted => {
                *line += 1;
                push(&mut cell, c, keep);
            }
            '\n' => {
                *line += 1;
                break;
            }
            '\r' if !quoted && chars.peek() == Some(&'\n') => {}
            c if c == delim && !quoted => {
                if keep {
                    cells.push(std::mem::take(&mut cell));
                }
                width += 1;
                seen = false;
            }
            c => {
                push(&mut cell, c, keep);
                seen |= !c.is_whitespace();
            }
        }
    }
    if width < MAX_FIELDS {
        cells.push(cell);
    }
    (cells, width + 1)
}

/// Returns what a column holds, judging by its header name.
fn column(name: &str) -> Option<Column> {
    let name = name.trim().trim_matches(['"', '\'']).trim();
    let name = name.to_ascii_lowercase();
    Some(match name.as_str() {
        "value" | "indicator" | "ioc" | "observable" | "indicator_value"
        | "ioc_value" | "hash" => Column::Generic,
        "type" | "indicator_type" | "ioc_type" | "kind" => Column::Type,
        "port" | "dst_port" | "dest_port" | "dstport" | "c2_port" => {
            Column::Port
        }
        "ip" | "ip_address" | "ipaddress" | "ip-address" | "dst_ip"
        | "src_ip" | "address" | "ipv4" | "ipv6" => Column::Typed(Kind::Ipv4),
        "domain" | "fqdn" | "hostname" | "host" | "domain_name" => {
            Column::Typed(Kind::Domain)
        }
        "url" | "uri" => Column::Typed(Kind::Url),
        "md5" => Column::Typed(Kind::Md5),
        "sha1" | "sha-1" => Column::Typed(Kind::Sha1),
        "sha256" | "sha-256" => Column::Typed(Kind::Sha256),
        "sha512" | "sha-512" => Column::Typed(Kind::Sha512),
        "email" | "e-mail" | "email_address" => Column::Typed(Kind::Email),
        "filename" | "file_name" | "file name" => {
            Column::Typed(Kind::Filename)
        }
        _ => return None,
    })
}

/// Whether a row has the header's width; warns about it if not.
fn fits(r: &mut Reader<'_>, header: &Row, row: &Row) -> bool {
    if row.width == header.width {
        return true;
    }
    let why = format!(
        "row has {} fields but the header on line {} has {}; row skipped",
        row.width, header.line, header.width
    );
    r.warn(Some(Locator::Line(row.line)), why);
    false
}

/// Reads rows whose `type` cell says what their value cell holds.
fn read_typed_rows(
    r: &mut Reader<'_>,
    header: &Row,
    data: impl Iterator<Item = Row>,
    value: usize,
    kind: usize,
) {
    // A MISP CSV export has a `to_ids` column (1 or 0).
    let flag_col = header
        .cells
        .iter()
        .position(|c| c.trim().eq_ignore_ascii_case("to_ids"));
    let mut left_out = 0;
    let mut skipped = Unmatchable::default();
    for row in data {
        if !fits(r, header, &row) || row.cells[value].trim().is_empty() {
            continue;
        }
        let to_ids = flag_col.and_then(|i| match row.cells[i].trim() {
            "1" | "true" | "True" => Some(true),
            "0" | "false" | "False" => Some(false),
            _ => None,
        });
        if r.opts.to_ids_only && to_ids == Some(false) {
            left_out += 1;
            continue;
        }
        r.set_meta(SourceMeta { to_ids, ..SourceMeta::default() });
        let (v, t) = (row.cells[value].as_str(), row.cells[kind].trim());
        if t.contains('|') {
            // A MISP export's composite type (`ip-dst|port`,
            // `domain|ip`, `filename|sha256`) loads as MISP JSON does.
            let at = Locator::Line(row.line);
            super::misp::read_typed(r, t, v, at, &mut skipped);
        } else {
            read_as_type(r, v, t, row.line);
        }
    }
    r.set_meta(SourceMeta::default());
    skipped.report(r, ("row", "rows"));
    if left_out > 0 {
        let noun = if left_out == 1 { "row" } else { "rows" };
        r.warn(
            None,
            format!(
                "{left_out} {noun} with to_ids 0 left out (--to-ids-only)"
            ),
        );
    }
}

/// Reads one value whose type a `type` cell names.
fn read_as_type(r: &mut Reader<'_>, value: &str, kind: &str, line: u64) {
    let at = Locator::Line(line);
    match kind_of_type(kind) {
        Some(k) => r.typed(value, k, at, false),
        None => r.value(value, at),
    };
}

/// Maps a MISP-style or free-word type to a kind.
fn kind_of_type(t: &str) -> Option<Kind> {
    let t = t.trim().to_ascii_lowercase();
    Some(match t.as_str() {
        "ip-dst" | "ip-src" | "ip" | "ipv4" | "ipv6" | "ip address"
        | "ipv4-addr" | "ipv6-addr" => Kind::Ipv4,
        "domain" | "hostname" | "fqdn" | "domain-name" | "tls cert domain" => {
            Kind::Domain
        }
        "url" | "uri" => Kind::Url,
        "email"
        | "email-src"
        | "email-dst"
        | "e-mail"
        | "email-addr"
        | "whois-registrant-email" => Kind::Email,
        "md5" => Kind::Md5,
        "sha1" | "sha-1" => Kind::Sha1,
        "sha256" | "sha-256" | "tls fingerprint" => Kind::Sha256,
        "sha512" | "sha-512" => Kind::Sha512,
        "filename" | "file name" => Kind::Filename,
        // The rest of the kind names our own CSV export writes.
        "cidr" => Kind::Cidr,
        "string" => Kind::String,
        _ => return None,
    })
}

/// Reads every column whose name says it holds indicators. A port column
/// (`dst_port`) gives the row's address its port, so the indicator is the
/// address with that port (as abuse.ch lists C2 servers), whether in an
/// address column or one of any values, but not a source address
/// (`src_ip`); a port cell that is not a port number is an error, and the
/// address loads alone.
fn read_columns(
    r: &mut Reader<'_>,
    header: &Row,
    data: impl Iterator<Item = Row>,
    cols: &[Option<Column>],
) {
    let port_col = cols.iter().position(|c| *c == Some(Column::Port));
    // The port is the destination's (`dst_port`): a source address
    // column (`src_ip`) beside it keeps none.
    let source: Vec<bool> = header
        .cells
        .iter()
        .map(|h| {
            let h = h.trim().trim_matches(['"', '\'']).trim();
            h.eq_ignore_ascii_case("src_ip")
        })
        .collect();
    for row in data {
        if !fits(r, header, &row) {
            continue;
        }
        let port = port_col.map(|i| row.cells[i].trim());
        for (i, (cell, col)) in row.cells.iter().zip(cols).enumerate() {
            let at = Locator::Line(row.line);
            let to_dst =
                port.is_some() && !source.get(i).copied().unwrap_or(false);
            match col {
                _ if cell.trim().is_empty() => false,
                Some(Column::Typed(Kind::Ipv4)) if to_dst => {
                    read_with_port(r, cell, port.unwrap_or(""), at)
                }
                Some(Column::Typed(k)) => r.typed(cell, *k, at, false),
                // An address in a column of any values takes the port as
                // one in an address column does.
                Some(Column::Generic) if to_dst && is_address(cell) => {
                    read_with_port(r, cell, port.unwrap_or(""), at)
                }
                Some(Column::Generic) => r.value(cell, at),
                _ => false,
            };
        }
    }
}

/// Whether a cell holds one address (defanged or not), no range or name.
fn is_address(cell: &str) -> bool {
    let bare = indicator::refang(cell);
    let bare = bare.trim();
    indicator::parse_ipv4_loose(bare).is_some()
        || bare.parse::<std::net::Ipv6Addr>().is_ok()
}

/// Reads an address cell with the row's port cell (empty: no port).
fn read_with_port(
    r: &mut Reader<'_>,
    addr: &str,
    port: &str,
    at: Locator,
) -> bool {
    let bare = indicator::refang(addr);
    let bare = bare.trim();
    // A name filed under the address column loads as what it is, alone.
    if port.is_empty() || !is_address(addr) {
        return r.typed(addr, Kind::Ipv4, at, false);
    }
    if port.parse::<u16>().is_err() {
        r.error(
            Some(at.clone()),
            format!("{port:?} is not a port number (0 to 65535)"),
        );
        return r.typed(addr, Kind::Ipv4, at, false);
    }
    let joined = if bare.contains(':') {
        format!("[{bare}]:{port}")
    } else {
        format!("{bare}:{port}")
    };
    r.typed(&joined, Kind::Ipv4, at, false)
}

/// Reads a table whose header names no indicator column: the columns
/// where most non-empty cells are indicators are read, row by row, and
/// the first row only where it holds indicators (it may be a header).
/// The table is split twice, once to choose the columns and once to read
/// them, rather than kept whole between the two.
fn read_by_content(r: &mut Reader<'_>, text: &str, delim: char) {
    let chosen = indicator_columns(table_rows(text, delim));
    if !chosen.contains(&true) {
        return;
    }
    for (i, row) in table_rows(text, delim).enumerate() {
        let cols = row.cells.iter().zip(&chosen);
        for (cell, _) in cols.filter(|(_, chosen)| **chosen) {
            let at = Locator::Line(row.line);
            if cell.trim().is_empty() {
            } else if i == 0 {
                r.try_value(cell, at);
            } else {
                r.value(cell, at);
            }
        }
    }
}

/// Whether most non-empty cells of each column are indicators, for
/// every column the widest row has.
fn indicator_columns(rows: impl Iterator<Item = Row>) -> Vec<bool> {
    // (indicators, non-empty cells) of each column.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for row in rows {
        if counts.len() < row.cells.len() {
            counts.resize(row.cells.len(), (0, 0));
        }
        for (cell, (hits, total)) in row.cells.iter().zip(&mut counts) {
            if cell.trim().is_empty() {
                continue;
            }
            *total += 1;
            if indicator::parse_value(cell, ParseOptions::default()).is_ok() {
                *hits += 1;
            }
        }
    }
    counts.into_iter().map(|(hits, total)| hits * 2 > total).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, detect};

    fn load(text: &str) -> crate::load::Loaded {
        assert_eq!(detect(text), Ok(Format::Csv), "{text}");
        load_as(Format::Csv, text)
    }

    #[test]
    fn splits_rows_as_rfc_4180_says() {
        let got: Vec<Row> =
            rows("a,\"b,\"\"c\"\"\",d\r\n\n\"x\ny\",,z\n#c\nq", ',').collect();
        let cells = |r: &Row| r.cells.clone();
        assert_eq!(cells(&got[0]), ["a", "b,\"c\"", "d"]);
        assert_eq!(
            (got[1].line, cells(&got[1])),
            (3, vec!["x\ny".to_string(), String::new(), "z".into()])
        );
        assert_eq!((got[2].line, cells(&got[2])), (6, vec!["q".to_string()]));
    }

    #[test]
    fn detection_needs_a_named_column_and_even_rows() {
        assert!(looks_like("Domain,IP\nevil.example,192.0.2.1\n"));
        assert!(looks_like("# feed\n\"dst_ip\";\"x\"\n192.0.2.1;y\n"));
        assert!(!looks_like("Domain,IP\n"));
        assert!(!looks_like("Name,Size\nx,1\n"));
        assert!(!looks_like("192.0.2.1,comment\n198.51.100.1,c\n"));
        let ragged = "IOC\tType\n192.0.2.1\tIP\nx\ny\n";
        assert!(!looks_like(ragged));
    }

    #[test]
    fn reads_named_columns_by_their_kind() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        let got = load(&format!(
            "# abuse.ch style\n\
             first_seen,dst_ip,dst_port,MD5,\"File Name\"\n\
             2024,192.0.2.1,443,{md5},\"a, b.exe\"\n\
             2024,,,,\n\
             2024,evil.example,1,,\n"
        ));
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1:443 @3",
                "domain evil.example @5",
                &format!("md5 {} @3", md5.to_ascii_lowercase()),
                "filename a, b.exe @3",
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt:5: warning: \"evil.example\" is given as ipv4 but \
                 reads as domain; loaded as domain"]
        );
    }

    #[test]
    fn a_header_written_as_the_last_comment_line_is_used() {
        let text = "################\n\
                    # abuse.ch URLhaus feed\n\
                    # id,dateadded,url,url_status\n\
                    \"1\",\"2024-04-04\",\"http://evil.example/a\",\"online\"\n\
                    \"2\",\"2024-04-04\",\"http://192.0.2.1/b\",\"offline\"\n";
        let got = load(text);
        assert_eq!(
            shown(&got),
            ["url http://192.0.2.1/b @5", "url http://evil.example/a @4"]
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        // A comment that names no column is no header.
        let prose = "# a list of ids\n1,2024\n2,2024\n";
        assert_ne!(detect(prose), Ok(Format::Csv));
    }

    #[test]
    fn a_port_column_gives_the_address_its_port() {
        let got = load(
            "# feed\n\
             \"first_seen_utc\",\"dst_ip\",\"dst_port\",\"malware\"\n\
             \"2024\",\"192.0.2.1\",\"8080\",\"x\"\n\
             \"2024\",\"192.0.2.1\",\"443\",\"x\"\n\
             \"2024\",\"2001:db8::1\",\"443\",\"x\"\n\
             \"2024\",\"192.0.2.2\",\"\",\"x\"\n\
             \"2024\",\"192.0.2.3\",\"99999\",\"x\"\n",
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1:443 @4",
                "ipv4 192.0.2.1:8080 @3",
                "ipv4 192.0.2.2 @6",
                "ipv4 192.0.2.3 @7",
                "ipv6 [2001:db8::1]:443 @5",
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt:7: \"99999\" is not a port number (0 to 65535)"]
        );
    }

    #[test]
    fn the_port_goes_to_the_destination_and_to_addresses_of_any_column() {
        let got = load(
            "src_ip,src_port,dst_ip,dst_port\n\
             198.51.100.56,443,198.51.100.57,22\n\
             198.51.100.58,5000,,8080\n",
        );
        // The source keeps no port (its own is not the destination's);
        // a row with no destination gives the port to no one.
        assert_eq!(
            shown(&got),
            [
                "ipv4 198.51.100.56 @2",
                "ipv4 198.51.100.57:22 @2",
                "ipv4 198.51.100.58 @3",
            ]
        );
        let got = load(
            "indicator,dst_port,comment\n\
             198.51.100.52,443,x\n\
             2001:db8::53,853,x\n\
             evil.example,443,x\n",
        );
        // Near miss: a name in the column loads alone, as in an address
        // column.
        assert_eq!(
            shown(&got),
            [
                "ipv4 198.51.100.52:443 @2",
                "ipv6 [2001:db8::53]:853 @3",
                "domain evil.example @4",
            ]
        );
    }

    #[test]
    fn a_type_column_chooses_the_kind() {
        let sha = "ab".repeat(32);
        let got = load_as(
            Format::Csv,
            &format!(
                "uuid,type,value,comment\n\
             1,ip-dst,198.51.100[.]9,\n\
             2,TLS Fingerprint,{sha},\n\
             3,TLS Cert Domain,Evil.Example,\n\
             4,filename|md5,x.exe|{},\n\
             5,whatever,a@evil.example,\n\
             6,md5,evil.example,\n\
             7,domain,,\n\
             8,domain\n",
                "0".repeat(32)
            ),
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 198.51.100.9 @2",
                "domain evil.example @4",
                "domain evil.example @7",
                "email a@evil.example @6",
                &format!("md5 {} @5", "0".repeat(32)),
                &format!("sha256 {sha} @3"),
                "filename x.exe @5",
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt:7: warning: \"evil.example\" is given as md5 but \
                 reads as domain; loaded as domain",
                "t.txt:9: warning: row has 2 fields but the header on line \
                 1 has 4; row skipped",
            ]
        );
    }

    #[test]
    fn a_misp_csv_keeps_to_ids() {
        let text = "uuid,type,value,to_ids\n\
                    u1,domain,a.example,1\n\
                    u2,domain,b.example,0\n";
        let got = load(text);
        let flags: Vec<(String, Option<bool>)> = got
            .set
            .iter()
            .map(|(_, i)| (i.value.to_string(), i.sources[0].meta.to_ids))
            .collect();
        assert_eq!(
            flags,
            [
                ("a.example".into(), Some(true)),
                ("b.example".into(), Some(false))
            ]
        );
        let opts = crate::load::LoadOptions {
            to_ids_only: true,
            ..Default::default()
        };
        let mut loader = crate::load::Loader::new(opts);
        loader.add_text("t.txt".into(), text, false, Format::Csv);
        let got = loader.finish();
        assert_eq!(shown(&got), ["domain a.example @2"]);
        assert_eq!(
            problems(&got),
            ["t.txt: warning: 1 row with to_ids 0 left out (--to-ids-only)"]
        );
    }

    #[test]
    fn a_misp_csv_loads_composite_types_as_misp_json_does() {
        let rows = [
            ("u1", "ip-dst|port", "198.51.100.80|8443"),
            ("u2", "ip-src|port", "2001:db8::5|53"),
            ("u3", "hostname|port", "c2.example|443"),
            ("u4", "domain|ip", "d.example|203.0.113.9"),
            ("u5", "filename|sha256", &format!("x.exe|{}", "ab".repeat(32))),
            ("u6", "filename|ssdeep", "y.exe|3:abc:def"),
            // Near miss: a port that is no number is an error, as in JSON.
            ("u7", "ip-dst|port", "198.51.100.81|http"),
            // An empty port part means no port.
            ("u8", "ip-dst|port", "198.51.100.82|"),
        ];
        let mut csv =
            "uuid,event_id,category,type,value,comment,to_ids,date\n"
                .to_string();
        let mut json = String::from(r#"{"Event": {"Attribute": ["#);
        for (i, (id, t, v)) in rows.iter().enumerate() {
            csv.push_str(&format!(
                "{id},1,Network activity,{t},\"{v}\",\"\",1,20181001\n"
            ));
            let comma = if i == 0 { "" } else { "," };
            json.push_str(&format!(
                r#"{comma}{{"uuid": "{id}", "type": "{t}", "value": "{v}", "to_ids": true}}"#
            ));
        }
        json.push_str("]}}");
        let got = load(&csv);
        let sha = "ab".repeat(32);
        assert_eq!(
            shown(&got),
            [
                "ipv4 198.51.100.80:8443 @2".to_string(),
                "ipv4 198.51.100.82 @9".into(),
                "ipv4 203.0.113.9 @5".into(),
                "ipv6 [2001:db8::5]:53 @3".into(),
                "domain c2.example @4".into(),
                "domain d.example @5".into(),
                format!("sha256 {sha} @6"),
                "filename x.exe @6".into(),
            ]
        );
        let from_json = load_as(Format::Misp, &json);
        let values = |l: &crate::load::Loaded| -> Vec<String> {
            shown(l)
                .iter()
                .map(|s| s.split(" @").next().unwrap().into())
                .collect()
        };
        assert_eq!(values(&got), values(&from_json));
        let csv_problems = problems(&got);
        assert_eq!(csv_problems.len(), 2, "{csv_problems:?}");
        assert!(csv_problems[0].starts_with("t.txt:8: "), "{csv_problems:?}");
        assert_eq!(
            csv_problems[1],
            "t.txt: warning: 1 row of type filename|ssdeep not loaded: not \
             an indicator the sweep can match"
        );
    }

    #[test]
    fn unnamed_columns_are_chosen_by_content() {
        let text = "when,where\n2024,192.0.2.1\n2023,evil.example\n";
        let got = load_as(Format::Csv, text);
        assert_eq!(
            shown(&got),
            ["ipv4 192.0.2.1 @2", "domain evil.example @3"]
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
    }

    #[test]
    fn a_row_past_the_kept_cells_is_counted_not_kept() {
        let over = MAX_FIELDS + 3;
        // Quotes past the kept cells still join what they enclose.
        let wide = format!("{}\"x,\ny\"\nnext,row\n", "a,".repeat(over - 1));
        let mut it = rows(&wide, ',');
        let first = it.next().unwrap();
        assert_eq!((first.width, first.cells.len()), (over, MAX_FIELDS));
        let next = it.next().unwrap();
        assert_eq!(
            (next.line, next.cells.clone()),
            (3, vec!["next".to_string(), "row".into()])
        );
        // As a data row it is skipped with a warning naming its width.
        let table = format!("ip,note\n192.0.2.1,a\n{wide}192.0.2.2,b\n");
        let got = load_as(Format::Csv, &table);
        assert_eq!(shown(&got), ["ipv4 192.0.2.1 @2", "ipv4 192.0.2.2 @6"]);
        assert_eq!(
            problems(&got)[0],
            format!(
                "t.txt:3: warning: row has {over} fields but the header on \
                 line 1 has 2; row skipped"
            )
        );
        // A header past it is not read; near miss: one at it is.
        let header = format!("ip{}\n192.0.2.1\n", ",".repeat(MAX_FIELDS));
        let got = load_as(Format::Csv, &header);
        assert!(got.set.is_empty());
        assert_eq!(
            problems(&got)[0],
            format!(
                "t.txt:1: a header of {} fields, more than the {MAX_FIELDS} \
                 a table may have; not read",
                MAX_FIELDS + 1
            )
        );
        let at = format!(
            "ip{}\n192.0.2.1{}\n",
            ",".repeat(MAX_FIELDS - 1),
            ",".repeat(MAX_FIELDS - 1)
        );
        let got = load_as(Format::Csv, &at);
        assert_eq!(shown(&got), ["ipv4 192.0.2.1 @2"]);
    }

    #[test]
    fn columns_chosen_by_content_are_read_row_by_row() {
        // Both value columns are chosen; their problems come in line
        // order, as the rows are read (the header row only where it
        // holds indicators, so silently here).
        let text = "n,addr,name\n\
                    1,192.0.2.1,one.example\n\
                    2,192.0.2.2,two..example\n\
                    3,192.0.2.999,three.example\n\
                    4,192.0.2.4,four.example\n";
        let got = load_as(Format::Csv, text);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @2",
                "ipv4 192.0.2.2 @3",
                "ipv4 192.0.2.4 @5",
                "domain four.example @5",
                "domain one.example @2",
                "domain three.example @4",
            ]
        );
        let p = problems(&got);
        let lines: Vec<&str> =
            p.iter().map(|p| p.split(' ').next().unwrap()).collect();
        assert_eq!(lines, ["t.txt:3:", "t.txt:4:"], "{p:?}");
    }

    #[test]
    fn a_table_wider_than_the_sample_is_still_a_table() {
        // A header and rows of 30,000 columns: the first rows alone pass
        // the line sample's budget.
        let n = 30_000;
        let mut text = format!(
            "# feed\nnote,ip,{}\n",
            (0..n).map(|i| format!("c{i}")).collect::<Vec<_>>().join(",")
        );
        for i in 0..30 {
            text.push_str(&format!("seen,198.51.100.{i}{}\n", ",".repeat(n)));
        }
        assert!(text.len() > SAMPLE_BYTES);
        assert!(looks_like(&text));
        let got = load_as(Format::Csv, &text);
        assert_eq!(got.set.len(), 30);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        // Near miss: rows of another width are still outvoted, cut row
        // or not.
        let ragged = format!(
            "{}{}",
            &text[..text.find("seen").unwrap()],
            "a,b\n".repeat(20)
        );
        assert!(!looks_like(&ragged));
    }

    #[test]
    fn detection_looks_at_the_first_lines_only() {
        let rows: String = (0..SAMPLE_LINES)
            .map(|i| format!("192.0.{}.{},a\n", i / 256, i % 256))
            .collect();
        let table = format!("ip,note\n{rows}");
        assert!(looks_like(&table));
        // Rows past the sample do not change the verdict, whatever they
        // hold.
        let tail = format!("{table}{}", "x\n".repeat(SAMPLE_LINES * 20));
        assert!(looks_like(&tail));
        assert_eq!(sample(&tail).lines().count(), SAMPLE_LINES);
        // Near miss: within the sample, junk rows outvote the table.
        let junk = format!("ip,note\n192.0.2.1,a\n{}", "x\n".repeat(20));
        assert!(!looks_like(&junk));
        // The byte budget holds for one huge line, cut at a character.
        let wide = format!("ip,é{}", "é".repeat(SAMPLE_WIDE_BYTES));
        let cut = sample(&wide);
        assert!(
            cut.len() <= SAMPLE_WIDE_BYTES
                && cut.len() > SAMPLE_WIDE_BYTES - 2
        );
    }
}
