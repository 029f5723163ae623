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

/// The most namespace declarations in scope at one element (its own and
/// its ancestors'). The parser's time grows with the declarations in
/// scope times the elements that declare more (2,000 on the root and
/// 2,000 children declaring one took 7 s); real packages have a few dozen
/// in scope.
pub const MAX_IN_SCOPE: usize = 100;

/// The most namespace declarations a document may hold: with
/// [`MAX_IN_SCOPE`], this bounds the parser's namespace work (siblings
/// that each declare their own are common, and cheap).
pub const MAX_NAMESPACES: usize = 20_000;

/// The most attributes one element may have: the parser's time grows with
/// their square (160,000 on one element took 21 s).
pub const MAX_ATTRIBUTES: usize = 10_000;

/// The most parsing work attributes may cost, as the sum over elements of
/// the square of each one's attribute count: elements each just under
/// [`MAX_ATTRIBUTES`] took 26 s for 14 MB. This allows two elements at the
/// bound, or millions of elements with a few dozen attributes each.
pub const MAX_ATTRIBUTE_WORK: u64 = 200_000_000;

/// The most elements, attributes, text runs, comments and processing
/// instructions together a document may hold (counted by the scan before
/// parsing), and the most nodes the parser may make. The whole tree is
/// held while a file is read, at some 70 to 80 bytes an item, so this
/// bounds a hostile file's cost near 0.7 GB whatever its size; the
/// 2.7 MB STIX file of the corpus holds about 150,000.
pub const MAX_ITEMS: usize = 8_000_000;

/// Parses `text` as XML.
///
/// # Errors
///
/// Returns why the document cannot be read: a DTD, nesting deeper than
/// [`MAX_DEPTH`], or malformed XML (with its line and column).
pub fn parse(text: &str) -> Result<Document<'_>, String> {
    parse_within(text, MAX_ITEMS)
}

/// [`parse`] with `max_items` in place of [`MAX_ITEMS`].
fn parse_within(text: &str, max_items: usize) -> Result<Document<'_>, String> {
    let shape = scan(text);
    if shape.depth > MAX_DEPTH {
        return Err(format!(
            "XML nests elements more than {MAX_DEPTH} deep; refused"
        ));
    }
    if shape.in_scope > MAX_IN_SCOPE || shape.namespaces > MAX_NAMESPACES {
        return Err(format!(
            "XML declares more than {MAX_IN_SCOPE} namespaces in scope at \
             one element, or more than {MAX_NAMESPACES} in all; refused \
             (parsing time grows with the two multiplied)"
        ));
    }
    if shape.attributes > MAX_ATTRIBUTES {
        return Err(format!(
            "XML has an element with more than {MAX_ATTRIBUTES} attributes; \
             refused (parsing time grows with their square)"
        ));
    }
    if shape.attribute_work > MAX_ATTRIBUTE_WORK {
        return Err(format!(
            "XML has too many elements with many attributes (the squares \
             of their attribute counts add up past {MAX_ATTRIBUTE_WORK}); \
             refused (parsing time grows with that sum)"
        ));
    }
    let too_many = || {
        format!(
            "XML holds more than {max_items} elements and attributes (or \
             other nodes); refused: the whole document would be held in \
             memory while it is read"
        )
    };
    let items = shape.elements + shape.all_attributes + shape.other_nodes;
    if items > max_items {
        return Err(too_many());
    }
    let opts = ParsingOptions {
        allow_dtd: false,
        // The parser counts the document's root node, and refuses the
        // node that would make its count pass the limit.
        nodes_limit: u32::try_from(max_items + 1).unwrap_or(u32::MAX),
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, opts).map_err(|e| match e {
        roxmltree::Error::DtdDetected => {
            "XML with a document type declaration (DTD) is refused: its \
             entities could expand without bound or read other files"
                .to_string()
        }
        roxmltree::Error::NodesLimitReached => too_many(),
        other => format!("not valid XML: {other}"),
    })
}

/// What a scan of a document's tags finds before it is parsed.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// The deepest element nesting.
    depth: usize,
    /// Namespace declarations (`xmlns` attributes), over the document.
    namespaces: usize,
    /// The most namespace declarations in scope at one element (its own
    /// and its ancestors').
    in_scope: usize,
    /// The most attributes on one element.
    attributes: usize,
    /// Elements, over the document.
    elements: usize,
    /// Attributes (namespace declarations included), over the document.
    all_attributes: usize,
    /// Text runs, comments, CDATA sections and processing instructions,
    /// over the document (each is a node of the tree).
    other_nodes: usize,
    /// The sum over elements of the square of their attribute counts.
    attribute_work: u64,
}

/// One tag, read by [`tag`]: where it ends (after its `>`), and what it
/// holds outside its quoted values.
struct Tag {
    end: usize,
    closing: bool,
    empty: bool,
    attributes: usize,
    declarations: usize,
}

/// Reads the tag that starts at `b[at]` (a `<`), skipping quoted values,
/// in which `>`, `=` and `xmlns` are only text.
fn tag(b: &[u8], at: usize) -> Tag {
    let mut t = Tag {
        end: b.len(),
        closing: b.get(at + 1) == Some(&b'/'),
        empty: false,
        attributes: 0,
        declarations: 0,
    };
    let mut quote = None;
    let mut last = 0u8;
    for (i, &c) in b.iter().enumerate().skip(at + 1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                b'"' | b'\'' => quote = Some(c),
                b'>' => {
                    t.end = i + 1;
                    t.empty = last == b'/';
                    return t;
                }
                b'=' => t.attributes += 1,
                b'x' if b[i..].starts_with(b"xmlns")
                    && b[i - 1].is_ascii_whitespace() =>
                {
                    t.declarations += 1;
                }
                _ => {}
            },
        }
        if !c.is_ascii_whitespace() {
            last = c;
        }
    }
    t
}

/// Scans the tags of `text`, skipping comments, CDATA sections,
/// declarations and processing instructions (the scan never recurses,
/// whatever the depth).
fn scan(text: &str) -> Shape {
    let b = text.as_bytes();
    let mut i = 0usize;
    let mut shape = Shape::default();
    // Declarations of each open element; their sum is in scope.
    let mut open: Vec<usize> = Vec::new();
    let mut in_scope = 0usize;
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let at = i + off;
        // Text before the tag (white space too) is a node of its own.
        shape.other_nodes += usize::from(off > 0);
        let rest = &b[at..];
        // The opener and the closer a skipped part has: the closer is
        // looked for past the opener, so that `<!-->` does not close
        // itself (the comment goes on to the next `-->`, as the parser
        // reads it).
        let skip: Option<(usize, &[u8])> = if rest.starts_with(b"<!--") {
            Some((4, b"-->"))
        } else if rest.starts_with(b"<![CDATA[") {
            Some((9, b"]]>"))
        } else if rest.starts_with(b"<?") {
            Some((2, b"?>"))
        } else if rest.starts_with(b"<!") {
            Some((2, b">"))
        } else {
            None
        };
        if let Some((open, end)) = skip {
            shape.other_nodes += 1;
            match memchr::memmem::find(&rest[open..], end) {
                Some(e) => i = at + open + e + end.len(),
                None => break,
            }
            continue;
        }
        let t = tag(b, at);
        if t.closing {
            in_scope -= open.pop().unwrap_or(0);
        } else {
            shape.namespaces += t.declarations;
            shape.in_scope = shape.in_scope.max(in_scope + t.declarations);
            shape.attributes = shape.attributes.max(t.attributes);
            shape.elements += 1;
            shape.all_attributes += t.attributes;
            let n = t.attributes as u64;
            shape.attribute_work = shape.attribute_work.saturating_add(n * n);
            if !t.empty {
                open.push(t.declarations);
                in_scope += t.declarations;
                shape.depth = shape.depth.max(open.len());
            }
        }
        i = t.end;
    }
    shape
}

/// Gives a node's line number from the line breaks counted before each
/// block of [`Lines::BLOCK`] bytes, so that a lookup counts within one
/// block. (`Document::text_pos_at` counts from the start of the text each
/// time: quadratic over a file of items without ids. An index of every
/// line start took 8 bytes a line, 8 GB for a 1 GiB file of line breaks.)
pub struct Lines<'t> {
    text: &'t [u8],
    /// Line breaks before the start of each block.
    before: Vec<u64>,
}

impl<'t> Lines<'t> {
    const BLOCK: usize = 1024;

    /// Indexes the lines of `text`.
    pub fn new(text: &'t str) -> Lines<'t> {
        let text = text.as_bytes();
        let mut before = Vec::with_capacity(text.len() / Self::BLOCK + 1);
        let mut breaks = 0u64;
        for block in text.chunks(Self::BLOCK) {
            before.push(breaks);
            breaks += memchr::memchr_iter(b'\n', block).count() as u64;
        }
        // The end of a text of whole blocks (or an empty one) starts a
        // block of its own.
        if text.len() % Self::BLOCK == 0 {
            before.push(breaks);
        }
        Lines { text, before }
    }

    /// Returns the 1-based line of byte `pos`.
    pub fn row(&self, pos: usize) -> u64 {
        let pos = pos.min(self.text.len());
        let start = pos / Self::BLOCK * Self::BLOCK;
        let within = memchr::memchr_iter(b'\n', &self.text[start..pos]);
        1 + self.before[pos / Self::BLOCK] + within.count() as u64
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

/// Returns the text of `node` (its text children joined: CDATA sections
/// and text split by comments included), trimmed. Text inside child
/// elements is not the node's: taking it made every level of a deep nest
/// of value elements walk and copy all that lay below it (450 levels
/// around 60 MB of text took 51 s; 498 levels around 8 million empty
/// elements, 20 s).
///
/// Past [`crate::indicator::MAX_VALUE_LEN`] bytes (after leading white
/// space) the text is cut there, untrimmed, so that as a value it is
/// refused as too long.
pub fn text(node: Node<'_, '_>) -> String {
    const MAX: usize = crate::indicator::MAX_VALUE_LEN;
    let mut out = String::new();
    for d in node.children().filter(|d| d.is_text()) {
        let mut part = d.text().unwrap_or("");
        if out.is_empty() {
            part = part.trim_start();
        }
        if out.len() + part.len() > MAX {
            let mut end = MAX + 1 - out.len();
            while !part.is_char_boundary(end) {
                end += 1;
            }
            out.push_str(&part[..end]);
            return out;
        }
        out.push_str(part);
    }
    out.trim_end().to_string()
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
        // A root declaring n, then n children declaring one each; `lead`
        // goes first in every tag (a quoted `>` once hid the rest).
        let declared = |n: usize, lead: &str| {
            let ns: String =
                (0..n).map(|i| format!(" xmlns:p{i}=\"u{i}\"")).collect();
            let child = format!("<e{lead} xmlns:q=\"v\"/>");
            format!("<ioc{lead} xmlns=\"x\"{ns}>{}</ioc>", child.repeat(n))
        };
        let refused = "XML declares more than 100 namespaces in scope at one \
                       element, or more than 20000 in all; refused (parsing \
                       time grows with the two multiplied)";
        assert_eq!(parse(&declared(500, "")).unwrap_err(), refused);
        assert_eq!(parse(&declared(500, " z=\">\"")).unwrap_err(), refused);
        // Near misses: 100 in scope parse; so do many siblings that each
        // declare their own under a root with a few.
        assert_eq!(scan(&declared(98, "")).in_scope, 100);
        assert!(parse(&declared(98, "")).is_ok());
        let siblings = format!(
            "<ioc xmlns=\"x\" xmlns:a=\"y\">{}</ioc>",
            "<e xmlns:q=\"v\"/>".repeat(1100)
        );
        assert_eq!(scan(&siblings).namespaces, 1102);
        assert!(parse(&siblings).is_ok());
        let attributes = |n: usize, lead: &str| {
            let a: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
            format!("<ioc{lead}{a}/>")
        };
        let too_many = "XML has an element with more than 10000 attributes; \
                        refused (parsing time grows with their square)";
        assert_eq!(parse(&attributes(10_001, "")).unwrap_err(), too_many);
        assert_eq!(
            parse(&attributes(10_000, " z=\">\"")).unwrap_err(),
            too_many
        );
        assert!(parse(&attributes(10_000, "")).is_ok());
        // What quoted values hold is text: `=`, `xmlns` and `>` in them
        // count for nothing.
        let text = format!(
            "<ioc note=\"{}{}\">{}</ioc>",
            "=".repeat(20_000),
            " xmlns".repeat(2000),
            "<c note='a>b' />".repeat(1100)
        );
        assert_eq!(
            scan(&text),
            Shape {
                depth: 1,
                namespaces: 0,
                in_scope: 0,
                attributes: 1,
                elements: 1101,
                all_attributes: 1101,
                other_nodes: 0,
                attribute_work: 1101,
            }
        );
        assert!(parse(&text).is_ok());
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
        // Across blocks, and at the very end, against a plain count.
        let long: String = (0..3000)
            .map(|i| {
                if i % 7 == 0 {
                    "<x/>\n".to_string()
                } else {
                    "é".repeat(i % 5)
                }
            })
            .collect();
        let lines = Lines::new(&long);
        for pos in (0..=long.len()).step_by(13).chain([long.len(), 1024, 2048])
        {
            let want = 1 + long.as_bytes()[..pos]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            assert_eq!(lines.row(pos), want as u64, "at {pos}");
        }
        let whole = "a\n".repeat(1024);
        assert_eq!(Lines::new(&whole).row(whole.len()), 1025);
        assert_eq!(Lines::new("").row(0), 1);
    }

    #[test]
    fn documents_past_the_item_bound_are_refused() {
        let refused = "XML holds more than 100 elements and attributes (or \
                       other nodes); refused: the whole document would be \
                       held in memory while it is read";
        // Elements and attributes are counted before parsing; nodes of
        // other kinds (here comments) by the parser.
        let elements = format!("<r>{}</r>", "<a/>".repeat(100));
        assert_eq!(parse_within(&elements, 100).unwrap_err(), refused);
        let attributes = format!("<r>{}</r>", "<a b='' c=''/>".repeat(34));
        assert_eq!(parse_within(&attributes, 100).unwrap_err(), refused);
        let comments = format!("<r>{}</r>", "<!---->".repeat(100));
        assert_eq!(parse_within(&comments, 100).unwrap_err(), refused);
        // Near misses: just within the bound.
        let elements = format!("<r>{}</r>", "<a/>".repeat(99));
        assert!(parse_within(&elements, 100).is_ok());
        let attributes = format!("<r>{}</r>", "<a b='' c=''/>".repeat(33));
        assert!(parse_within(&attributes, 100).is_ok());
        let comments = format!("<r>{}</r>", "<!---->".repeat(99));
        assert!(parse_within(&comments, 100).is_ok());
        // Text runs and processing instructions are counted before the
        // tree is built, as comments are.
        let text = format!("<r>{}</r>", "<a/>x".repeat(50));
        assert_eq!(scan(&text).other_nodes, 50);
        assert_eq!(parse_within(&text, 100).unwrap_err(), refused);
        assert!(
            parse_within(&format!("<r>{}</r>", "<a/>x".repeat(49)), 100)
                .is_ok()
        );
        let pis = format!("<r>{}</r>", "<?p?>".repeat(100));
        assert_eq!(scan(&pis).other_nodes, 100);
    }

    #[test]
    fn text_past_the_value_bound_is_cut_untrimmed() {
        const MAX: usize = crate::indicator::MAX_VALUE_LEN;
        let doc = |body: &str| format!("<r><v>{body}</v></r>");
        let first = |text: &str| {
            let d = parse(text).unwrap();
            let v = d.descendants().find(|n| n.has_tag_name("v")).unwrap();
            super::text(v)
        };
        // Within the bound: joined and trimmed, leading space not counted.
        let pad = " ".repeat(MAX);
        let within =
            doc(&format!("{pad}<!-- c --> evil<![CDATA[.exa]]>mple \n"));
        assert_eq!(first(&within), "evil.example");
        // Near miss: text inside a child element is not the node's.
        assert_eq!(first(&doc("<b>evil</b>.example")), ".example");
        let at = "é".repeat(MAX / 2);
        assert_eq!(first(&doc(&at)), at);
        // Past it: cut just past the bound at a character boundary, so
        // that a value read from it is too long.
        let over = first(&doc(&format!("{at}x{}", "y".repeat(10 * MAX))));
        assert_eq!(over.len(), MAX + 1);
        let over = first(&doc(&format!("xx{at}y")));
        assert_eq!(over.len(), MAX + 2);
        assert!(over.starts_with("xxé") && over.ends_with('é'));
    }

    #[test]
    fn a_comment_opener_that_looks_closed_hides_nothing() {
        // `<!-->` opens a comment that runs to the next `-->`: what is
        // in it is not markup, and what follows it is.
        let hidden = format!(
            "<r><!--><![CDATA[-->{}<!--]]>--></r>",
            "<a>".repeat(1001) + &"</a>".repeat(1001)
        );
        assert_eq!(
            parse(&hidden).unwrap_err(),
            "XML nests elements more than 1000 deep; refused"
        );
        let inside = format!("<r><!--> {} --></r>", "<a>".repeat(1001));
        assert_eq!(scan(&inside).depth, 1);
        assert!(parse(&inside).is_ok());
        // Near misses: `<?>` and `<![CDATA[]]>` close where the parser
        // closes them.
        assert_eq!(scan("<r><?p?><![CDATA[]]><a/></r>").elements, 2);
        assert_eq!(scan("<r><!---->x<a/></r>").other_nodes, 2);
    }

    #[test]
    fn attributes_are_bounded_over_the_document_too() {
        let element = |n: usize| {
            let a: String = (0..n).map(|i| format!(" a{i}=\"\"")).collect();
            format!("<e{a}/>")
        };
        // Three elements at the per-element bound pass the sum of
        // squares; two do not.
        let three = format!("<r>{}</r>", element(10_000).repeat(3));
        assert_eq!(scan(&three).attribute_work, 300_000_000);
        assert_eq!(
            parse(&three).unwrap_err(),
            "XML has too many elements with many attributes (the squares of \
             their attribute counts add up past 200000000); refused \
             (parsing time grows with that sum)"
        );
        let two = format!("<r>{}</r>", element(10_000).repeat(2));
        assert!(parse(&two).is_ok());
        // Many elements with a few attributes are cheap.
        let many = format!("<r>{}</r>", element(10).repeat(100_000));
        assert_eq!(scan(&many).attribute_work, 10_000_000);
        assert!(parse(&many).is_ok());
    }

    #[test]
    fn malformed_xml_names_the_position() {
        let err = parse("<a>\n<b></a>").unwrap_err();
        assert!(err.starts_with("not valid XML: "), "{err}");
        assert!(err.contains("2:"), "{err}");
    }
}
