//! The prose reader: indicators pulled out of advisory appendices and
//! vendor reports (AsciiDoc or Markdown with tables, lists and code
//! blocks, or plain paragraphs), where the list reader would call every
//! sentence an error.
//!
//! The rule, chosen so that a report's own words and links stay out:
//!
//! - A **defanged** value (`evil[.]example`, `hxxp://…`, `a[@]b`) is an
//!   indicator wherever it stands: publishers defang what they mean as
//!   indicators, and nothing else.
//! - A **hash** (a whole token of 32, 40, 64 or 128 hex digits) is an
//!   indicator wherever it stands (`Sha256: …` layouts included).
//! - Any other value counts only where it **fills a slot of its own**: a
//!   table cell, an inline code span, a list item or a line of a code
//!   block, holding that value and nothing else. A value inside a
//!   sentence is not taken: the publisher's own links
//!   (`https://www.welivesecurity.com/…`), file names and version numbers
//!   in prose are not indicators.
//! - Even in a slot of its own, a plain name whose last label is a common
//!   file extension (`README.adoc`) or a single letter (`e.g.`) is not a
//!   domain, a file name counts only as a path (`%TEMP%\x.log`,
//!   `/tmp/.x`), and a table column whose header names a version or a
//!   detection is skipped (`1.0.0.1` under `Version`).
//! - Under a section title or column header naming files or paths
//!   (`=== Filenames`, `|Filename`), a value alone in its slot is a file
//!   name (`mapid.tlb`, `winnet.dll.mui`), except a bare extension
//!   (`.tlb`) or a placeholder (`N/A`).
//!
//! ESET's `host:port:/path` notation loads as the URL `host:port/path`.
//! A defanged token that still is not an indicator is an error naming its
//! line; anything else that is not an indicator is prose, and ignored.

use super::Reader;
use crate::indicator::{self, Kind, ParseOptions};
use crate::set::Locator;

/// Markers of a defanged value.
const DEFANG: &[&str] = &[
    "[.]", "(.)", "{.}", "[dot]", "(dot)", "hxxp", "[:]", "[://]", "[@]",
    "(@)", "[at]",
];

/// Last labels that make a name a file, not a domain, in prose.
const FILE_EXTENSIONS: &[&str] = &[
    "adoc", "md", "txt", "pdf", "doc", "docx", "xls", "xlsx", "ppt", "rtf",
    "exe", "dll", "sys", "ps1", "js", "vbs", "bat", "cmd", "lnk", "php",
    "html", "htm", "log", "tmp", "dat", "zip", "rar", "gz", "jar", "py", "sh",
    "json", "xml", "csv", "png", "jpg", "gif", "cvr", "msi", "msp", "tlb",
    "pdb", "mui", "nls", "bin", "db", "ini", "cfg", "cab", "iso", "hta",
    "scr", "ocx", "cpl", "drv", "apk", "dmg", "so", "tnl",
];

/// Whether `text` reads as a document rather than a list: AsciiDoc or
/// Markdown markup (tables, code fences, two or more section titles), or
/// mostly lines that are not values: fewer than one in ten of the first
/// 500 content lines (20 at least) starts with an indicator, as the list
/// reader would take it. Lists with prose around them (a YARA rule and a
/// few hashes) stay with the list reader.
pub fn looks_like(text: &str) -> bool {
    let mut titles = 0;
    for line in text.lines() {
        if line.starts_with("|===")
            || line.starts_with("```")
            || is_markdown_rule(line)
        {
            return true;
        }
        if line.starts_with("== ") || line.starts_with("= ") {
            titles += 1;
        }
    }
    if titles >= 2 {
        return true;
    }
    let content = text.lines().filter_map(super::text::first_field).take(500);
    let (mut n, mut values) = (0, 0);
    for first in content {
        n += 1;
        if indicator::parse_value(first, ParseOptions::default()).is_ok() {
            values += 1;
        }
    }
    n >= 20 && values * 10 < n
}

/// Whether `line` is the rule under a Markdown table's header
/// (`|---|:---|`).
fn is_markdown_rule(line: &str) -> bool {
    let line = line.trim();
    line.starts_with('|')
        && line.contains("---")
        && line.bytes().all(|b| b"|-: ".contains(&b))
}

/// Where a line sits in the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Context {
    Prose,
    List,
}

/// Reads a document.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut fence: Option<&str> = None;
    let mut table = Table::default();
    let mut files = false;
    for (i, line) in text.lines().enumerate() {
        let at = Locator::Line(i as u64 + 1);
        let trimmed = line.trim();
        if let Some(f) = fence {
            if trimmed.starts_with(f) {
                fence = None;
            } else {
                read_unit(r, trimmed, Slot::new(true, files), &at);
            }
            continue;
        }
        if let Some(title) = heading(trimmed) {
            files = names_files(title);
            continue;
        }
        if let Some(f) = ["```", "----", "...."]
            .into_iter()
            .find(|f| trimmed.starts_with(f))
        {
            fence = Some(f);
            continue;
        }
        if trimmed.starts_with("|===") {
            table = Table::default();
            continue;
        }
        if trimmed.starts_with('|') {
            table.row(r, trimmed, files, &at);
            continue;
        }
        table = Table::default();
        let (context, body) = match list_item(trimmed) {
            Some(item) => (Context::List, item),
            None => (Context::Prose, trimmed),
        };
        read_line(r, body, Slot::new(context == Context::List, files), &at);
    }
}

/// Returns the title of an AsciiDoc (`== x`) or Markdown (`## x`)
/// section heading.
fn heading(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(['=', '#']);
    (rest.len() < line.len() && rest.starts_with(' ')).then(|| rest.trim())
}

/// Whether a section title or column header says it lists file names or
/// paths.
fn names_files(title: &str) -> bool {
    let t = title.to_lowercase();
    t.contains("file") || t.contains("path")
}

/// What kind of place a unit of text is.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// A slot of its own (cell, code span, list item, block line), where
    /// a value alone in it counts.
    own: bool,
    /// Under a section or column that lists file names: a value alone in
    /// its slot is a file name.
    files: bool,
    /// Under a column whose values are not indicators (version numbers,
    /// detection names).
    skip: bool,
}

impl Slot {
    fn new(own: bool, files: bool) -> Slot {
        Slot { own, files, skip: false }
    }
}

/// The table being read: its header, once known.
#[derive(Default)]
struct Table {
    rows: usize,
    header: Vec<String>,
}

impl Table {
    /// Reads one table row; the first row of a table is its header when
    /// none of its cells holds an indicator.
    fn row(
        &mut self,
        r: &mut Reader<'_>,
        line: &str,
        files: bool,
        at: &Locator,
    ) {
        let cells: Vec<&str> =
            line.trim_start_matches('|').split('|').map(str::trim).collect();
        if cells.iter().all(|c| c.trim_start_matches([':', '-']).is_empty()) {
            return; // A Markdown separator row (`|---|:--|`).
        }
        self.rows += 1;
        let first = self.rows == 1;
        if first && cells.iter().all(|c| !holds_indicator(c)) {
            self.header = cells.iter().map(|c| c.to_lowercase()).collect();
            return;
        }
        for (col, cell) in cells.iter().enumerate() {
            let name = self.header.get(col).map(String::as_str);
            let slot = Slot {
                own: true,
                files: name.map_or(files, names_files),
                skip: name.is_some_and(|c| {
                    c.contains("version") || c.contains("detection")
                }),
            };
            read_unit(r, cell, slot, at);
        }
    }
}

/// Whether a cell holds a value that would load.
fn holds_indicator(cell: &str) -> bool {
    let v = unwrap(cell);
    indicator::parse_value(v, ParseOptions::default()).is_ok()
}

/// Returns a list item's text without its bullet (`- `, `* `, `** `,
/// `. `, `1. `), or `None`.
fn list_item(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(['*', '-', '.']);
    if rest.len() < line.len() && rest.starts_with(' ') {
        return Some(rest.trim());
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let rest = line[digits..].strip_prefix(". ")?;
    (digits > 0).then(|| rest.trim())
}

/// Reads a line of prose or a list item: its inline code spans are units
/// of their own; the rest is searched for defanged values and hashes, or,
/// for a list item that holds one token, taken as a unit.
fn read_line(r: &mut Reader<'_>, line: &str, slot: Slot, at: &Locator) {
    let mut rest = String::new();
    let mut spans = line.split('`');
    if let Some(first) = spans.next() {
        rest.push_str(first);
    }
    let mut inside = true;
    for part in spans {
        if inside {
            read_unit(r, part, Slot { own: true, ..slot }, at);
        } else {
            rest.push(' ');
            rest.push_str(part);
        }
        inside = !inside;
    }
    read_unit(r, rest.trim(), slot, at);
}

/// Strips AsciiDoc passthrough `+…+`, emphasis and quotes around a unit.
fn unwrap(unit: &str) -> &str {
    unit.trim()
        .trim_matches('`')
        .trim_matches('+')
        .trim_matches(['*', '_', '"', '\''])
        .trim()
}

/// Reads one unit (a cell, a code span, a list item, a block line or the
/// prose of a line) in the place `slot` describes.
fn read_unit(r: &mut Reader<'_>, unit: &str, slot: Slot, at: &Locator) {
    let unit = unwrap(unit);
    if unit.is_empty() {
        return;
    }
    let tokens: Vec<&str> = unit
        .split(|c: char| c.is_whitespace() || c == '|' || c == '`')
        .map(trim_token)
        .filter(|t| !t.is_empty())
        .collect();
    let alone = slot.own && tokens.len() == 1 && !slot.skip;
    for token in tokens {
        read_token(r, token, alone, slot.files, at);
    }
}

/// Trims the punctuation prose puts around a value.
fn trim_token(t: &str) -> &str {
    // `<…>` in a value is a placeholder (`?q=<base64-encoded data>`).
    let t = t.split('<').find(|p| !p.is_empty()).unwrap_or("");
    let t = t.trim_start_matches(['(', '[', '{', '"', '\'', '+']);
    let mut t = t.trim_end_matches(['"', '\'', '`', '+', ',', ';', '!', '?']);
    // A closing bracket or a final dot ends a sentence or a parenthesis,
    // unless it closes a defanged dot (`evil[.]`).
    loop {
        let defanged_end = DEFANG.iter().any(|d| t.ends_with(d));
        match t.chars().last() {
            Some(')' | ']' | '}' | '>' | '.' | ':') if !defanged_end => {
                t = &t[..t.len() - 1];
            }
            _ => return t,
        }
    }
}

/// Whether `t` is a whole hex digest.
fn is_hash(t: &str) -> bool {
    Kind::hash_for_len(t.len()).is_some()
        && t.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether `t` is what tables write for "no value" (`N/A`, `-`, `none`).
fn is_placeholder(t: &str) -> bool {
    ["n/a", "na", "-", "none", "unknown", "tbd"]
        .iter()
        .any(|p| p.eq_ignore_ascii_case(t))
}

/// Whether `t` carries a defanging marker.
fn is_defanged(t: &str) -> bool {
    let lower = t.to_ascii_lowercase();
    DEFANG.iter().any(|d| lower.contains(d))
}

/// Rewrites ESET's `host:port:/path` as `host:port/path`.
fn host_port_path(t: &str) -> Option<String> {
    let (host, rest) = t.split_once(':')?;
    let (port, path) = rest.split_once(':')?;
    let ok = !host.is_empty()
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && path.starts_with('/');
    ok.then(|| format!("{host}:{port}{path}"))
}

/// Reads one token under the rule in the module doc.
fn read_token(
    r: &mut Reader<'_>,
    token: &str,
    alone: bool,
    files: bool,
    at: &Locator,
) {
    let defanged = is_defanged(token);
    let hash = is_hash(token);
    if !(defanged || hash || alone) {
        return;
    }
    if files && alone && !defanged && !hash {
        // `.tlb` alone names an extension, not a file.
        let bare_extension =
            token.starts_with('.') && !token[1..].contains(['.', '/', '\\']);
        // `%APPDATA%` alone names a folder.
        let bare_variable = token.len() > 2
            && token.starts_with('%')
            && token.ends_with('%')
            && !token[1..token.len() - 1].contains('%');
        if !is_placeholder(token) && !bare_extension && !bare_variable {
            r.exact(token, Kind::Filename, at.clone(), false);
        }
        return;
    }
    let rewritten = host_port_path(token);
    let token = rewritten.as_deref().unwrap_or(token);
    let parsed = indicator::parse_value(token, r.opts.parse);
    let Ok(p) = parsed else {
        if defanged {
            r.value(token, at.clone());
        }
        return;
    };
    if !(defanged || hash || plain_value_counts(&p.value, token)) {
        return;
    }
    r.value(token, at.clone());
}

/// Whether a plain (not defanged) value alone in its slot counts: not a
/// name whose last label is a file extension or one letter, and a file
/// name only when it is written as a path (`%TEMP%\\x.log`).
fn plain_value_counts(v: &indicator::Value, written: &str) -> bool {
    match v {
        indicator::Value::Domain(d) => {
            let tld = d.rsplit('.').next().unwrap_or("");
            tld.len() >= 2
                && tld.bytes().all(|b| b.is_ascii_alphabetic())
                && !FILE_EXTENSIONS.contains(&tld)
        }
        indicator::Value::Filename(f) => {
            f.contains(['\\', '/']) || written.contains(['\\', '/'])
        }
        indicator::Value::String(_) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, detect};

    fn load(text: &str) -> crate::load::Loaded {
        assert_eq!(detect(text), Ok(Format::Prose), "{text}");
        load_as(Format::Prose, text)
    }

    #[test]
    fn defanged_values_and_hashes_count_anywhere() {
        let sha1 = "DF1C0A70E7A02B839AB3AAC3FC410E61EEFB58EB";
        let got = load(&format!(
            "= Report\n\n== Findings\n\n\
             The actor used evil[.]example and hxxp://bad[.]example/a.\n\
             Its dropper ({sha1}) ran from C:\\x\\drop.exe.\n\
             Version 1.2.3.4 of the tool, see https://vendor.example/blog.\n\
             Contact us at research@vendor.example or README.adoc.\n\
             A broken one: hxxp://[.]\n"
        ));
        assert_eq!(
            shown(&got),
            [
                "domain evil.example @5".to_string(),
                "url http://bad.example/a @5".into(),
                format!("sha1 {} @6", sha1.to_ascii_lowercase()),
            ]
        );
        let p = problems(&got);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(
            p[0],
            "t.txt:9: \"http://.\" is not a URL: expected a host name or \
             address"
        );
    }

    #[test]
    fn plain_values_count_only_in_a_slot_of_their_own() {
        let got = load(
            "= IOCs\n\n\
             [options=\"header\"]\n\
             |===\n\
             |IP |Domain |Version |Detection\n\
             |`+192.0.2.1+` |`+N/A+` |1.0.0.1 |Win32/Agent.AB\n\
             |N/A |c2.example |2.0 |x.exe\n\
             |===\n\n\
             == Network\n\n\
             * `www.hacked.example:80:/wp-content/x.php`\n\
             - 198.51.100.7\n\
             - see 198.51.100.8 for details\n\
             * `%TEMP%\\KB1.log`\n\
             * `ntuser.dat` and `README.adoc`\n\n\
             ```\n\
             abdurs.space\n\
             e.g.\n\
             ```\n\n\
             Read https://www.vendor.example/2020/report/ for more.\n\
             https://www.vendor.example/2017/carbon/\n",
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @6",
                "ipv4 198.51.100.7 @13",
                "domain abdurs.space @19",
                "domain c2.example @7",
                "url www.hacked.example:80/wp-content/x.php @12",
                "filename %TEMP%\\KB1.log @15",
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt:15: warning: \"%TEMP%\\\\KB1.log\" starts with %TEMP%, \
              which each host expands to a folder of its own (whose last \
              folder is Temp on every host); matched as written and as \
              Temp\\KB1.log, as whole path components wherever that \
              folder is"]
        );
    }

    #[test]
    fn sections_and_columns_naming_files_hold_file_names() {
        let got = load(
            "= IOCs\n\n\
             === Filenames\n\
             * `mapid.tlb`\n\
             - Three files (`.tlb`, `.pdb`) in `%APPDATA%`\n\
             * `N/A`\n\n\
             === Samples\n\
             |===\n\
             |SHA-1 |Filename |Detection\n\
             |`0000000000000000000000000000000000000000` |`winnet.dll.mui` \
             |Win64/X.B\n\
             |===\n\n\
             === Other\n\
             * `mapid2.tlb`\n",
        );
        assert_eq!(
            shown(&got),
            [
                format!("sha1 {} @11", "0".repeat(40)),
                "filename mapid.tlb @4".into(),
                "filename winnet.dll.mui @11".into(),
            ]
        );
    }

    #[test]
    fn markdown_tables_are_read_by_cell() {
        let got = load(
            "# Report\n\n\
             | Indicator | Type |\n\
             |---|:---|\n\
             | evil.example | domain |\n\
             | 192.0.2.5 | ip |\n\n\
             See https://vendor.example/blog for details.\n",
        );
        assert_eq!(
            shown(&got),
            ["ipv4 192.0.2.5 @6", "domain evil.example @5"]
        );
        assert!(!is_markdown_rule("| a | b |"));
        assert!(!is_markdown_rule("192.0.2.1 --- x"));
    }

    #[test]
    fn lists_stay_with_the_list_reader() {
        assert_eq!(detect("192.0.2.1\nevil.example\n"), Ok(Format::Text));
        let mut list = String::from("# feed\n");
        for i in 0..30 {
            list.push_str(&format!("192.0.2.{i} seen in a long campaign\n"));
        }
        assert_eq!(detect(&list), Ok(Format::Text));
        let mut prose = String::new();
        for i in 0..30 {
            prose.push_str(&format!("Paragraph {i} says little.\n"));
        }
        prose.push_str("The server was evil[.]example.\n");
        assert_eq!(detect(&prose), Ok(Format::Prose));
        assert_eq!(shown(&load(&prose)), ["domain evil.example @31"]);
    }

    #[test]
    fn tokens_lose_the_punctuation_of_sentences() {
        assert_eq!(trim_token("(evil[.]example)."), "evil[.]example");
        assert_eq!(trim_token("evil[.]"), "evil[.]");
        assert_eq!(trim_token("\"a.example\","), "a.example");
        assert_eq!(
            host_port_path("a.example:80:/x"),
            Some("a.example:80/x".into())
        );
        assert_eq!(host_port_path("a.example:80/x"), None);
        assert_eq!(
            list_item("** AutorunManager::Init"),
            Some("AutorunManager::Init")
        );
        assert_eq!(list_item("12. item"), Some("item"));
        assert_eq!(list_item("1.2.3.4"), None);
        assert_eq!(list_item("...."), None);
    }
}
