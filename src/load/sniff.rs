//! Format detection: decodes an indicator file's bytes and tells from its
//! content which reader takes it, or why none can.
//!
//! XML goes to the STIX 1 or OpenIOC reader by its root element, JSON to
//! the STIX 2 or MISP reader by its shape (or the JSON Lines reader), and
//! text to the Zeek, CSV, prose or list reader. Binary files, other XML
//! and other JSON are refused here with one reason for the whole file, so
//! their bytes or markup are never read line by line as junk values.

use super::{Format, csv, jsonl, prose, stream, zeek};

/// How many leading bytes are checked for signs of a binary file.
const HEAD: usize = 8192;

/// Text decoded from an indicator file.
pub(super) struct Decoded {
    /// The text, without a byte order mark.
    pub text: String,
    /// Whether invalid sequences were replaced with U+FFFD.
    pub lossy: bool,
    /// The UTF-16 byte order guessed for a file without a byte order
    /// mark (`"UTF-16LE"` or `"UTF-16BE"`), which the user is told.
    pub guessed: Option<&'static str>,
}

/// Decodes UTF-8 (with or without BOM) and UTF-16 with a BOM.
///
/// # Errors
///
/// Returns why the file is not text: a NUL byte in its first 8 KiB, or
/// a high share of bytes that are invalid UTF-8 or control characters.
pub(super) fn decode(mut bytes: Vec<u8>) -> Result<Decoded, String> {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        bytes.drain(..3);
        return Ok(utf8(bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xff\xfe") {
        return Ok(utf16(rest, u16::from_le_bytes));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xfe\xff") {
        return Ok(utf16(rest, u16::from_be_bytes));
    }
    let head = &bytes[..bytes.len().min(HEAD)];
    if let Some((unit, name)) = utf16_without_bom(head) {
        return Ok(Decoded { guessed: Some(name), ..utf16(&bytes, unit) });
    }
    if is_binary(head) {
        return Err("binary file, not an indicator list".into());
    }
    Ok(utf8(bytes))
}

/// Builds a UTF-16 code unit from a byte pair, in one byte order.
type Unit = fn([u8; 2]) -> u16;

/// Recognises UTF-16 text without a byte-order mark (as some Windows
/// tools write it) by its ASCII characters: in at least 9 of 10 byte
/// pairs of `head`, one byte is NUL and the other is not, always on the
/// same side. Returns how to build code units, little- or big-endian.
fn utf16_without_bom(head: &[u8]) -> Option<(Unit, &'static str)> {
    let pairs = head.len() / 2;
    if pairs < 4 {
        return None;
    }
    let count = |hi: usize| {
        head.chunks_exact(2).filter(|p| p[hi] == 0 && p[1 - hi] != 0).count()
    };
    if count(1) * 10 >= pairs * 9 {
        Some((u16::from_le_bytes, "UTF-16LE"))
    } else if count(0) * 10 >= pairs * 9 {
        Some((u16::from_be_bytes, "UTF-16BE"))
    } else {
        None
    }
}

/// Decodes UTF-16 code units built from byte pairs by `unit`.
fn utf16(rest: &[u8], unit: Unit) -> Decoded {
    let units = rest.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let text: String = char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    let lossy =
        text.contains(char::REPLACEMENT_CHARACTER) || rest.len() % 2 == 1;
    Decoded { text, lossy, guessed: None }
}

/// Whether `b` holds a carriage return that no line feed follows: a line
/// end as classic Mac OS and Excel's "CSV (Macintosh)" write it.
fn has_lone_cr(b: &[u8]) -> bool {
    memchr::memchr_iter(b'\r', b).any(|i| b.get(i + 1) != Some(&b'\n'))
}

/// Turns each lone carriage return into a line feed, so that every
/// reader (which split lines at `\n`, taking `\r\n` as one line end)
/// ends a line there too. Both are one ASCII byte, so the text keeps its
/// length and its other bytes; text without a lone CR is not copied.
pub(super) fn lone_cr_as_lf(text: String) -> String {
    if !has_lone_cr(text.as_bytes()) {
        return text;
    }
    let mut b = text.into_bytes();
    for i in 0..b.len() {
        if b[i] == b'\r' && b.get(i + 1) != Some(&b'\n') {
            b[i] = b'\n';
        }
    }
    String::from_utf8(b)
        .expect("replacing one ASCII byte with another keeps UTF-8 valid")
}

/// Like [`lone_cr_as_lf`], for borrowed text: copies only when a lone CR
/// is there to replace.
pub(super) fn lone_cr_as_lf_ref(text: &str) -> std::borrow::Cow<'_, str> {
    if has_lone_cr(text.as_bytes()) {
        lone_cr_as_lf(text.to_string()).into()
    } else {
        text.into()
    }
}

/// Takes UTF-8 text as it is, without a copy, or replaces what is not
/// UTF-8.
fn utf8(bytes: Vec<u8>) -> Decoded {
    match String::from_utf8(bytes) {
        Ok(text) => Decoded { text, lossy: false, guessed: None },
        Err(e) => Decoded {
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            lossy: true,
            guessed: None,
        },
    }
}

/// Whether `head` holds a NUL byte, or more than one byte in eight that
/// is invalid UTF-8 or a control character other than tab, CR, LF and FF.
fn is_binary(head: &[u8]) -> bool {
    if head.contains(&0) {
        return true;
    }
    let mut odd = 0;
    for chunk in head.utf8_chunks() {
        odd += chunk.invalid().len();
        odd += chunk
            .valid()
            .bytes()
            .filter(|b| b.is_ascii_control() && !b"\t\n\r\x0c".contains(b))
            .count();
    }
    odd * 8 > head.len()
}

/// Detects a file's format from its decoded text.
///
/// # Errors
///
/// Returns one reason for the whole file when it is XML other than STIX 1
/// or OpenIOC, JSON that does not parse, or JSON that is neither a STIX 2
/// bundle nor a MISP event.
pub fn detect(text: &str) -> Result<Format, String> {
    let text = text.trim_start_matches('\u{feff}');
    let head = text.trim_start();
    if head.starts_with('<') {
        return xml_format(head);
    }
    if looks_like_json(head) {
        return json_format(text);
    }
    // JSON Lines whose first line is a comment, or a record cut at its
    // start (a download resumed, a file cut with `tail -c`).
    if jsonl::looks_like(text) {
        return Ok(Format::JsonLines);
    }
    if zeek::looks_like(text) {
        return Ok(Format::ZeekIntel);
    }
    if csv::looks_like(text) {
        return Ok(Format::Csv);
    }
    if prose::looks_like(text) {
        return Ok(Format::Prose);
    }
    Ok(Format::Text)
}

/// Whether `head` opens a JSON object or array: `{` then a key or `}`, or
/// `[` then a value that is not a bare word (a defanged `[.]` or an
/// `[v6]:port` literal is not JSON).
fn looks_like_json(head: &str) -> bool {
    let after = |open: char| {
        head.strip_prefix(open).map(|rest| rest.trim_start().chars().next())
    };
    match (after('{'), after('[')) {
        (Some(next), _) => matches!(next, None | Some('"' | '}')),
        (_, Some(next)) => {
            matches!(next, None | Some('{' | '[' | '"' | ']'))
        }
        _ => false,
    }
}

/// Returns the STIX 2 format for a bundle, or why other JSON is refused.
fn json_format(text: &str) -> Result<Format, String> {
    let shape = match stream::parse(text, stream::ShapeSeed) {
        Ok(shape) => shape,
        Err(e) => {
            // Read as one document, JSON Lines fails by its second line;
            // a pretty-printed document with an error, even one whose
            // inner objects sit one a line, fails further on.
            let n = jsonl::lines(text);
            if e.line() <= jsonl::second_line(text) && n.are_records() {
                return Ok(Format::JsonLines);
            }
            if n.all < 2 || n.objects == 0 {
                return Err(format!("not valid JSON: {e}"));
            }
            let verb = if n.objects == 1 {
                "is a whole JSON object"
            } else {
                "are whole JSON objects"
            };
            return Err(format!(
                "not valid JSON: {e}; nor JSON Lines: {} of {} lines {verb}",
                n.objects, n.all
            ));
        }
    };
    if shape.object && (shape.bundle || shape.typed_objects) {
        return Ok(Format::Stix2);
    }
    if shape.event {
        return Ok(Format::Misp);
    }
    // One record alone on its line (a one-entry `iocs list --format
    // jsonl`, a feed of one range) is JSON Lines of one line.
    if shape.object && shape.record && !text.trim().contains('\n') {
        return Ok(Format::JsonLines);
    }
    Err("JSON that is neither a STIX 2 bundle nor a MISP event: expected \
         \"type\": \"bundle\", an \"objects\" array of typed objects, or \
         an \"Event\""
        .into())
}

/// Returns the format of an XML file by its root element, or why it is
/// refused.
fn xml_format(head: &str) -> Result<Format, String> {
    let what = match root_element(head) {
        Some(name) => {
            let local = name.rsplit(':').next().unwrap_or(name);
            match local {
                "STIX_Package" => return Ok(Format::Stix1),
                "ioc" | "OpenIOC" => return Ok(Format::OpenIoc),
                _ if local.eq_ignore_ascii_case("html") => {
                    return Err("HTML page, not an indicator list".into());
                }
                _ => format!("root element <{name}>"),
            }
        }
        None => "no root element found".to_string(),
    };
    Err(format!(
        "XML file that is neither STIX 1.x nor OpenIOC ({what}); not an \
         indicator format this tool reads"
    ))
}

/// Returns the name of the first element, after any declaration,
/// comments and document type.
fn root_element(mut rest: &str) -> Option<&str> {
    loop {
        rest = rest.trim_start();
        let skip_to = if rest.starts_with("<?") {
            "?>"
        } else if rest.starts_with("<!--") {
            "-->"
        } else if rest.starts_with("<!") {
            // A document type with an internal subset (`[ <!ENTITY …> ]`)
            // ends at `]>`.
            let open = rest.find('[');
            match (open, rest.find('>')) {
                (Some(o), Some(c)) if o < c => "]>",
                _ => ">",
            }
        } else {
            break;
        };
        let end = rest.find(skip_to)?;
        rest = &rest[end + skip_to.len()..];
    }
    let name = rest.strip_prefix('<')?;
    let end = name
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .unwrap_or(name.len());
    (end > 0).then(|| &name[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| if big { u.to_be_bytes() } else { u.to_le_bytes() })
            .collect()
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_decoded() {
        let text = "192.0.2.1\nevil.example\n";
        for (big, name) in [(false, "UTF-16LE"), (true, "UTF-16BE")] {
            let got = decode(utf16(text, big)).unwrap();
            assert_eq!((got.text.as_str(), got.lossy), (text, false));
            assert_eq!(got.guessed, Some(name));
        }
        // Near miss: with a byte order mark nothing is guessed.
        let mut marked = b"\xff\xfe".to_vec();
        marked.extend(utf16(text, false));
        assert_eq!(decode(marked).unwrap().guessed, None);
        // A near miss: NUL bytes in one pair in five is not UTF-16 text.
        let mut odd = utf16(text, false);
        for p in odd.chunks_exact_mut(10) {
            p[1] = b'x';
            p[3] = b'x';
        }
        assert_eq!(
            decode(odd).err(),
            Some("binary file, not an indicator list".into())
        );
    }

    #[test]
    fn nul_bytes_or_many_odd_bytes_make_a_file_binary() {
        let why = "binary file, not an indicator list";
        assert_eq!(
            decode(b"evil.example\n\0".to_vec()).err().as_deref(),
            Some(why)
        );
        let noise: Vec<u8> = (0..64u8).map(|i| 0x80 | i).collect();
        assert_eq!(decode(noise).err().as_deref(), Some(why));
        let controls = b"a\x01\x02b\x03\x04\x05\x06";
        assert_eq!(decode(controls.to_vec()).err().as_deref(), Some(why));
        // One Latin-1 byte in a longer list is a lossy text file.
        let latin1 = b"caf\xe9.example\n192.0.2.1\n";
        let got = decode(latin1.to_vec()).unwrap();
        assert!(got.lossy);
        assert_eq!(got.text, "caf\u{fffd}.example\n192.0.2.1\n");
        // A NUL past the first 8 KiB is not looked for.
        let mut late = "192.0.2.1\n".repeat(900).into_bytes();
        late.push(0);
        assert!(decode(late).is_ok());
        // UTF-16 is full of NUL bytes, and is text.
        let utf16: Vec<u8> = b"\xff\xfea\0.\0b\0\n\0".to_vec();
        assert_eq!(decode(utf16).unwrap().text, "a.b\n");
        // A byte order mark comes off UTF-8 text, and nothing else does.
        let bom = b"\xef\xbb\xbf192.0.2.1\n".to_vec();
        assert_eq!(decode(bom).unwrap().text, "192.0.2.1\n");
        let bom_lossy = b"\xef\xbb\xbf\xe9x\n".to_vec();
        assert_eq!(decode(bom_lossy).unwrap().text, "\u{fffd}x\n");
    }

    #[test]
    fn xml_is_told_by_its_root_element() {
        let stix1 = "\u{feff}<?xml version=\"1.0\"?>\n<!-- by IMX -->\n\
                     <stix:STIX_Package\n\txmlns:AIS=\"http://x/\">";
        assert_eq!(detect(stix1), Ok(Format::Stix1));
        let ioc = "<?xml version=\"1.0\"?>\n<ioc xmlns=\"x\" id=\"1\">";
        assert_eq!(detect(ioc), Ok(Format::OpenIoc));
        let ioc11 =
            "<OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\">";
        assert_eq!(detect(ioc11), Ok(Format::OpenIoc));
        assert_eq!(
            detect("  <feed>\n<item/>"),
            Err("XML file that is neither STIX 1.x nor OpenIOC (root \
                 element <feed>); not an indicator format this tool reads"
                .into())
        );
        assert_eq!(
            detect("<!DOCTYPE html>\n<HTML lang=en>"),
            Err("HTML page, not an indicator list".into())
        );
        // An internal subset is skipped whole: the root is still found,
        // and the reader then refuses the DTD.
        let dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE ioc [\n\
                   <!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n<ioc/>";
        assert_eq!(detect(dtd), Ok(Format::OpenIoc));
    }

    #[test]
    fn entity_tricks_in_indicator_files_are_refused_whole() {
        use crate::load::test_support::{load_as, problems};
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE stix:STIX_Package [\n\
                    <!ENTITY a \"aaaaaaaaaa\">\n\
                    <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n\
                    <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n]>\n\
                    <stix:STIX_Package xmlns:stix=\"x\">&c;</stix:STIX_Package>";
        assert_eq!(detect(bomb), Ok(Format::Stix1));
        let got = load_as(Format::Stix1, bomb);
        assert!(got.set.is_empty());
        assert_eq!(
            problems(&got),
            [
                "t.txt: XML with a document type declaration (DTD) is \
                 refused: its entities could expand without bound or read \
                 other files",
                "t.txt: no usable indicator in this file (read as stix1)",
            ]
        );
    }

    #[test]
    fn json_is_a_bundle_or_refused_with_what_it_looks_like() {
        let bundle = r#"{"type": "bundle", "objects": []}"#;
        assert_eq!(detect(bundle), Ok(Format::Stix2));
        let misp = "{\"response\":[{\n\"Event\": {\"id\": \"1\"}}]}";
        assert_eq!(detect(misp), Ok(Format::Misp));
        assert_eq!(detect(r#"[{"Event": {}}]"#), Ok(Format::Misp));
        let other = detect(r#"["evil.example"]"#).unwrap_err();
        assert!(other.starts_with("JSON that is neither a STIX 2 bundle"));
        let lines = "{\"asn\":932}\n{\"asn\":6060}\n";
        assert_eq!(detect(lines), Ok(Format::JsonLines));
        // One object alone is JSON, not JSON Lines; two bare values are
        // neither.
        assert!(detect("{\"asn\":932}\n").is_err());
        assert!(detect("[\"a\"]\n[\"b\"]\n").is_err());
    }

    #[test]
    fn broken_json_names_the_line_and_column() {
        let cut = "{\n  \"type\": \"bundle\",\n  \"objects\": [\n    {\"id";
        assert_eq!(
            detect(cut),
            Err("not valid JSON: EOF while parsing a string at line 4 \
                 column 8"
                .into())
        );
    }

    #[test]
    fn brackets_that_open_no_json_leave_the_text_readers() {
        assert_eq!(detect("[2001:db8::1]:443\n"), Ok(Format::Text));
        assert_eq!(detect("{guid}.exe\n"), Ok(Format::Text));
        assert_eq!(detect("[.]evil.example\n"), Ok(Format::Text));
        assert_eq!(
            detect("{\n"),
            Err("not valid JSON: EOF while parsing \
                                       an object at line 2 column 0"
                .into())
        );
    }
}
