//! Safe XML parsing for the XML indicator formats (STIX 1.x, OpenIOC).
//!
//! Documents are parsed by `roxmltree` into a read-only tree. A document
//! type declaration (DTD) is refused outright: it is the only way to
//! declare entities, so neither an entity that expands without bound
//! ("billion laughs") nor an external entity that would read a file or
//! fetch a URL can reach the readers. Nesting deeper than [`MAX_DEPTH`]
//! is refused before the tree is built, so no reader walks it.

use roxmltree::{Document, Node, ParsingOptions};

/// The deepest element nesting accepted. Real STIX 1 packages nest about
/// 20 levels; a thousand leaves ample room and bounds every walk.
pub const MAX_DEPTH: usize = 1000;

/// The most namespace declarations a document may hold. The parser's
/// time grows with the declarations in scope times the elements that
/// declare more (2,000 on the root and 2,000 children declaring one took
/// 7 s); real packages declare a few dozen.
pub const MAX_NAMESPACES: usize = 1000;

/// The most attributes one element may have: the parser's time grows with
/// their square (160,000 on one element took 21 s).
pub const MAX_ATTRIBUTES: usize = 10_000;

/// The most nodes a document may hold (bounds memory for hostile input;
/// the 2.7 MB STIX file of the corpus has about 150,000).
const MAX_NODES: u32 = 20_000_000;

/// Parses `text` as XML.
///
/// # Errors
///
/// Returns why the document cannot be read: a DTD, nesting deeper than
/// [`MAX_DEPTH`], or malformed XML (with its line and column).
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    let shape = scan(text);
    if shape.depth > MAX_DEPTH {
        return Err(format!(
            "XML nests elements more than {MAX_DEPTH} deep; refused"
        ));
    }
    if shape.namespaces > MAX_NAMESPACES {
        return Err(format!(
            "XML declares more than {MAX_NAMESPACES} namespaces; refused \
             (parsing time grows with their square)"
        ));
    }
    if shape.attributes > MAX_ATTRIBUTES {
        return Err(format!(
            "XML has an element with more than {MAX_ATTRIBUTES} attributes; \
             refused (parsing time grows with their square)"
        ));
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "XML with a document type declaration (DTD) is refused: its \
             entities could expand without bound or read other files"
                .to_string()
        }
        other => format!("not valid XML: {other}"),
    })
}

/// What a scan of a document's tags finds before it is parsed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// The deepest element nesting.
    depth: usize,
    /// Namespace declarations (`xmlns` in tags), over the document.
    namespaces: usize,
    /// The most attributes on one element (its `=` signs, an upper
    /// bound).
    attributes: usize,
}

/// Scans the tags of `text`, skipping comments, CDATA sections,
/// declarations and processing instructions (the scan never recurses,
/// whatever the depth).
fn scan(text: &str) -> Shape {
    let b = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut shape = Shape::default();
    let xmlns = memchr::memmem::Finder::new(b"xmlns");
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        let rest = &b[at..];
        let skip_to: Option<&[u8]> = if rest.starts_with(b"<!--") {
            Some(b"-->")
        } else if rest.starts_with(b"<![CDATA[") {
            Some(b"]]>")
        } else if rest.starts_with(b"<?") {
            Some(b"?>")
        } else if rest.starts_with(b"<!") {
            Some(b">")
        } else {
            None
        };
        if let Some(end) = skip_to {
            match memchr::memmem::find(rest, end) {
                Some(e) => i = at + e + end.len(),
                None => break,
            }
            continue;
        }
        let close = memchr::memchr(b'>', rest).unwrap_or(rest.len());
        let tag = &rest[..close];
        if tag.starts_with(b"</") {
            depth = depth.saturating_sub(1);
        } else {
            if !tag.ends_with(b"/") {
                depth += 1;
                shape.depth = shape.depth.max(depth);
            }
            shape.namespaces += xmlns.find_iter(tag).count();
            let equals = memchr::memchr_iter(b'=', tag).count();
            shape.attributes = shape.attributes.max(equals);
        }
        i = at + close.max(1);
    }
    shape
}

/// Where each line of a document starts, to give a node's line number by
/// a binary search. (`Document::text_pos_at` counts from the start of the
/// text each time: quadratic over a file of items without ids.)
pub struct Lines(Vec<usize>);

impl Lines {
    /// Indexes the lines of `text`.
    pub fn new(text: &str) -> Lines {
        let breaks =
            memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1);
        Lines(std::iter::once(0).chain(breaks).collect())
    }

    /// Returns the 1-based line of byte `pos`.
    pub fn row(&self, pos: usize) -> u64 {
        self.0.partition_point(|&start| start <= pos) as u64
    }
}

/// Returns the first child element of `node` with local name `name`.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|c| c.is_element() && c.tag_name().name() == name)
}

/// Returns the child elements of `node` with local name `name`.
pub fn children<'a, 'i>(
    node: Node<'a, 'i>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'i>> + 'a {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

/// Returns the attribute `name` of `node` in no namespace.
pub fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.namespace().is_none() && a.name() == name)
        .map(|a| a.value())
}

/// Returns the text of `node` (all its text children joined), trimmed.
pub fn text(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants().filter(|d| d.is_text()) {
        out.push_str(d.text().unwrap_or(""));
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn billion_laughs_is_refused_without_expanding() {
        let mut bomb =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n");
        bomb.push_str("<!ENTITY lol \"lol\">\n");
        for i in 1..10 {
            let prev = if i == 1 {
                "lol".to_string()
            } else {
                format!("lol{}", i - 1)
            };
            let refs = format!("&{prev};").repeat(10);
            bomb.push_str(&format!("<!ENTITY lol{i} \"{refs}\">\n"));
        }
        bomb.push_str("]>\n<lolz>&lol9;</lolz>\n");
        let err = parse(&bomb).unwrap_err();
        assert_eq!(
            err,
            "XML with a document type declaration (DTD) is refused: its \
             entities could expand without bound or read other files"
        );
    }

    #[test]
    fn external_entities_are_refused_not_fetched() {
        let xxe = "<?xml version=\"1.0\"?>\n\
                   <!DOCTYPE x [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n\
                   <ioc><Content>&x;</Content></ioc>";
        let err = parse(xxe).unwrap_err();
        assert!(err.contains("(DTD) is refused"), "{err}");
        // Without a DTD, the reference names an unknown entity: an error,
        // never the file's content.
        let bare = "<ioc><Content>&x;</Content></ioc>";
        let err = parse(bare).unwrap_err();
        assert!(err.starts_with("not valid XML: unknown entity"), "{err}");
    }

    #[test]
    fn absurd_nesting_is_refused_and_fair_nesting_is_not() {
        let deep =
            format!("{}{}", "<a>".repeat(200_000), "</a>".repeat(200_000));
        assert_eq!(
            parse(&deep).unwrap_err(),
            "XML nests elements more than 1000 deep; refused"
        );
        let fair = format!(
            "<!-- <x><x><x> --><r>{}<e/><![CDATA[<y><y>]]>{}</r>",
            "<a b=\"1\">".repeat(998),
            "</a>".repeat(998)
        );
        assert_eq!(scan(&fair).depth, 999);
        assert!(parse(&fair).is_ok());
    }

    #[test]
    fn many_namespaces_or_attributes_are_refused_before_parsing() {
        let declared = |n: usize| {
            let ns: String =
                (0..n).map(|i| format!(" xmlns:p{i}=\"u{i}\"")).collect();
            format!(
                "<ioc xmlns=\"x\"{ns}>{}</ioc>",
                "<e xmlns:q=\"v\"/>".repeat(n)
            )
        };
        assert_eq!(
            parse(&declared(500)).unwrap_err(),
            "XML declares more than 1000 namespaces; refused (parsing time \
             grows with their square)"
        );
        // Near miss: 999 declarations in all parse.
        assert_eq!(scan(&declared(499)).namespaces, 999);
        assert!(parse(&declared(499)).is_ok());
        let attributes = |n: usize| {
            let a: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
            format!("<ioc{a}/>")
        };
        assert_eq!(
            parse(&attributes(10_001)).unwrap_err(),
            "XML has an element with more than 10000 attributes; refused \
             (parsing time grows with their square)"
        );
        assert!(parse(&attributes(10_000)).is_ok());
    }

    #[test]
    fn line_numbers_come_from_the_index_as_the_parser_counts_them() {
        let text = "<?xml version=\"1.0\"?>\n<a>\n  <b>é</b><c/>\n\n<d\n x=\"1\"/></a>\n";
        let doc = parse(text).unwrap();
        let lines = Lines::new(text);
        for node in doc.descendants() {
            let start = node.range().start;
            assert_eq!(
                lines.row(start),
                u64::from(doc.text_pos_at(start).row),
                "{node:?}"
            );
        }
        assert_eq!(lines.row(text.find("<d").unwrap()), 5);
    }

    #[test]
    fn malformed_xml_names_the_position() {
        let err = parse("<a>\n<b></a>").unwrap_err();
        assert!(err.starts_with("not valid XML: "), "{err}");
        assert!(err.contains("2:"), "{err}");
    }
}
