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
    let depth = nesting(text);
    if depth > MAX_DEPTH {
        return Err(format!(
            "XML nests elements more than {MAX_DEPTH} deep; refused"
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

/// Returns the deepest element nesting in `text`, by a scan of its tags
/// that skips comments, CDATA sections, declarations and processing
/// instructions (the scan never recurses, whatever the depth).
fn nesting(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
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
        } else if !tag.ends_with(b"/") {
            depth += 1;
            max = max.max(depth);
        }
        i = at + close.max(1);
    }
    max
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
        assert_eq!(nesting(&fair), 999);
        assert!(parse(&fair).is_ok());
    }

    #[test]
    fn malformed_xml_names_the_position() {
        let err = parse("<a>\n<b></a>").unwrap_err();
        assert!(err.starts_with("not valid XML: "), "{err}");
        assert!(err.contains("2:"), "{err}");
    }
}
