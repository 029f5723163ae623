//! The OpenIOC reader (1.0 `<ioc>` and 1.1 `<OpenIOC>` documents).
//!
//! Each `IndicatorItem` pairs a `Context` whose `search` names what is
//! looked at (`FileItem/Md5sum`, `Network/DNS`, `PortItem/remoteIP`…) with
//! a `Content` value. Condition `is` loads the value as the kind the
//! search implies; `contains`, `starts-with` and `ends-with` load it as a
//! string marked as a substring condition. Negated items (`negate="true"`,
//! `isnot`, `containsnot`) and conditions a literal sweep cannot honour
//! (`matches`, `greater-than`…) are named in a warning and not loaded.
//! Searches the sweep cannot match (registry, Snort rules, services…) are
//! counted and named once per search. Items under an `AND` indicator are
//! marked compound.
//!
//! Some exporters (MISP's among them) leave `Content` empty and write the
//! value into the item's `id`; such a value is loaded from the `id` when
//! it reads as the search's kind, with one warning for the file.

use roxmltree::Node;

use super::xml::{self, attr, child};
use super::{Reader, Unmatchable};
use crate::indicator::{self, Kind};
use crate::set::Locator;

/// Reads an OpenIOC document.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let doc = match xml::parse(text) {
        Ok(doc) => doc,
        Err(why) => return r.error(None, why),
    };
    let mut skipped = Unmatchable::default();
    let lines = xml::Lines::new(text);
    let mut from_id = 0;
    let items = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "IndicatorItem");
    for item in items {
        from_id += read_item(r, item, &lines, &mut skipped);
    }
    if from_id > 0 {
        let (noun, verb) =
            if from_id == 1 { ("item", "has") } else { ("items", "have") };
        r.warn(
            None,
            format!(
                "{from_id} {noun} {verb} an empty Content; their value was \
                 taken from the item's id attribute"
            ),
        );
    }
    skipped.report(r, ("item", "items"));
}

/// Reads one item; returns 1 when its value came from its `id`.
fn read_item(
    r: &mut Reader<'_>,
    item: Node<'_, '_>,
    lines: &xml::Lines,
    skipped: &mut Unmatchable,
) -> usize {
    let id = attr(item, "id").unwrap_or("");
    let line = || Locator::Line(lines.row(item.range().start));
    let at = if id.is_empty() { line() } else { Locator::id(id) };
    let search =
        child(item, "Context").and_then(|c| attr(c, "search")).unwrap_or("");
    let Some(kind) = kind_of_search(search) else {
        skipped.add(if search.is_empty() { "(none)" } else { search });
        return 0;
    };
    let mut values: Vec<String> = item
        .children()
        .filter(|c| c.is_element() && c.tag_name().name() == "Content")
        .map(xml::text)
        .filter(|v| !v.is_empty())
        .collect();
    let mut from_id = 0;
    if values.is_empty() {
        let fits = indicator::parse_typed(id, kind, Default::default())
            .is_ok_and(|p| p.value.kind() == kind || kind == Kind::Ipv4);
        if !fits || kind == Kind::String {
            r.error(Some(at), format!("{search} item has no Content"));
            return 0;
        }
        values.push(id.to_string());
        from_id = 1;
    }
    let condition = attr(item, "condition").unwrap_or("is");
    let negated = attr(item, "negate") == Some("true")
        || matches!(condition, "isnot" | "containsnot");
    let compound = in_and(item);
    for v in values {
        if negated {
            r.warn(
                Some(at.clone()),
                format!(
                    "negated item ({search} {condition} {v:?}) cannot \
                     be swept for; not loaded"
                ),
            );
            continue;
        }
        match condition {
            "is" if kind == Kind::String => {
                r.exact(&v, kind, at.clone(), compound)
            }
            "is" => r.typed(&v, kind, at.clone(), compound),
            "contains" | "starts-with" | "ends-with" => {
                r.contains(&v, at.clone(), compound)
            }
            other => {
                r.warn(
                    Some(at.clone()),
                    format!(
                        "{search} {other} {v:?}: a sweep for literal values \
                         cannot honour this condition; not loaded"
                    ),
                );
                false
            }
        };
    }
    from_id
}

/// Whether an `Indicator` holding `item`, at any depth, joins two or
/// more parts with operator `AND`: an item of an `OR` inside an `AND` is
/// still only part of what the `AND` looks for.
fn in_and(item: Node<'_, '_>) -> bool {
    let is_part = |n: &Node<'_, '_>| {
        n.is_element()
            && matches!(n.tag_name().name(), "Indicator" | "IndicatorItem")
    };
    item.ancestors()
        .filter(|a| a.is_element() && a.tag_name().name() == "Indicator")
        .any(|i| {
            attr(i, "operator") == Some("AND")
                && i.children().filter(is_part).count() >= 2
        })
}

/// Returns the kind a `search` path looks at, or `None` for what the
/// sweep cannot match.
fn kind_of_search(search: &str) -> Option<Kind> {
    let (item, field) = search.split_once('/').unwrap_or(("", search));
    let field = field.to_ascii_lowercase();
    let item = item.to_ascii_lowercase();
    Some(match (item.as_str(), field.as_str()) {
        (_, "md5sum" | "md5") => Kind::Md5,
        (_, "sha1sum" | "sha1") => Kind::Sha1,
        (_, "sha256sum" | "sha256") => Kind::Sha256,
        (_, "sha512sum" | "sha512") => Kind::Sha512,
        ("fileitem", "filename" | "fullpath" | "filepath") => Kind::Filename,
        ("processitem", "name" | "path") => Kind::Filename,
        ("network", "dns" | "hostname")
        | ("dnsentryitem", "host" | "recordname")
        | ("urlhistoryitem", "hostname")
        | ("portitem", "remotehost") => Kind::Domain,
        ("portitem", "remoteip" | "localip")
        | ("network", "ip" | "remoteip")
        | ("dnsentryitem", "recorddata/ipv4address") => Kind::Ipv4,
        ("network", "uri" | "url") | ("urlhistoryitem", "url") => Kind::Url,
        ("email", "from" | "to" | "replyto" | "sender") => Kind::Email,
        ("network", "string") => Kind::String,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, detect};

    fn load(items: &str) -> crate::load::Loaded {
        let text = format!(
            "<?xml version=\"1.0\"?>\n<ioc xmlns=\"http://schemas.mandiant.\
             com/2010/ioc\" id=\"i-0\">\n<definition>\n{items}\
             </definition>\n</ioc>\n"
        );
        assert_eq!(detect(&text), Ok(Format::OpenIoc));
        load_as(Format::OpenIoc, &text)
    }

    fn item(id: &str, cond: &str, search: &str, content: &str) -> String {
        format!(
            "<IndicatorItem id=\"{id}\" condition=\"{cond}\">\
             <Context document=\"x\" search=\"{search}\" type=\"mir\"/>\
             <Content type=\"string\">{content}</Content></IndicatorItem>\n"
        )
    }

    #[test]
    fn items_load_by_search_and_condition() {
        let sha1 = "DA39A3EE5E6B4B0D3255BFEF95601890AFD80709";
        let body = [
            item("a", "is", "FileItem/Sha1sum", sha1),
            item("b", "is", "Network/DNS", "evil[.]example"),
            item("c", "is", "PortItem/remoteIP", "192.0.2.7"),
            item("d", "contains", "Network/URI", "/gate.php"),
            item("e", "is", "Email/From", "x@evil.example"),
            item("f", "matches", "Network/URI", "^/a.*"),
            item("g", "is", "RegistryItem/Path", "HKLM\\x"),
            item("h", "is", "Snort/Snort", "alert tcp"),
            item("i", "is", "Snort/Snort", "alert udp"),
            item("j", "is", "FileItem/Md5sum", "1234"),
        ]
        .concat();
        let got = load(&format!(
            "<Indicator operator=\"OR\" id=\"top\">{body}</Indicator>"
        ));
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.7 @c".to_string(),
                "domain evil.example @b".into(),
                "email x@evil.example @e".into(),
                format!("sha1 {} @a", sha1.to_ascii_lowercase()),
                "string /gate.php @d".into(),
            ]
        );
        let (_, s) = got
            .set
            .iter()
            .find(|(_, i)| i.value.to_string() == "/gate.php")
            .unwrap();
        assert!(s.sources[0].meta.contains);
        assert_eq!(
            problems(&got),
            [
                "t.txt: f: warning: Network/URI matches \"^/a.*\": a sweep \
                 for literal values cannot honour this condition; not loaded",
                "t.txt: j: \"1234\" is not an md5 hash: expected 32 hex \
                 digits, found 4",
                "t.txt: warning: 1 item of type RegistryItem/Path not \
                 loaded: not an indicator the sweep can match",
                "t.txt: warning: 2 items of type Snort/Snort not loaded: \
                 not an indicator the sweep can match",
            ]
        );
    }

    #[test]
    fn negated_and_compound_items() {
        let not = item("n", "is", "Network/DNS", "good.example")
            .replace("condition=\"is\"", "condition=\"is\" negate=\"true\"");
        let got = load(&format!(
            "<Indicator operator=\"AND\" id=\"x\">{}{}{not}</Indicator>",
            item("a", "is", "FileItem/FileName", "evil.exe"),
            item("b", "is", "FileItem/Md5sum", &"0".repeat(32)),
        ));
        assert_eq!(
            shown(&got),
            [
                format!("md5 {} @b+", "0".repeat(32)),
                "filename evil.exe @a+".into(),
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: n: warning: negated item (Network/DNS is \
              \"good.example\") cannot be swept for; not loaded"]
        );
    }

    #[test]
    fn substring_and_string_items_of_an_and_are_compound() {
        let got = load(&format!(
            "<Indicator operator=\"AND\" id=\"x\">{}{}{}</Indicator>\
             <Indicator operator=\"OR\" id=\"y\">{}{}</Indicator>",
            item("a", "contains", "Network/URI", "/gate.php"),
            item("b", "is", "Network/String", "beacon-7"),
            item("c", "is", "FileItem/FileName", "evil.exe"),
            // Near miss: the same conditions under an OR.
            item("d", "contains", "Network/URI", "/other.php"),
            item("e", "is", "Network/String", "beacon-8"),
        ));
        assert_eq!(
            shown(&got),
            [
                "filename evil.exe @c+",
                "string /gate.php @a+",
                "string /other.php @d",
                "string beacon-7 @b+",
                "string beacon-8 @e",
            ]
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
    }

    #[test]
    fn items_of_an_or_inside_an_and_are_compound() {
        let sha = "ab".repeat(32);
        let got = load(&format!(
            "<Indicator operator=\"AND\" id=\"x\">{}{}\
             <Indicator operator=\"OR\" id=\"y\">{}{}</Indicator>\
             </Indicator>\
             <Indicator operator=\"OR\" id=\"z\">{}\
             <Indicator operator=\"AND\" id=\"w\">{}</Indicator>\
             </Indicator>",
            item("a", "is", "FileItem/Md5sum", &"0".repeat(32)),
            item("b", "is", "FileItem/FileName", "evil.exe"),
            item("c", "is", "Network/DNS", "evil.example"),
            item("d", "is", "FileItem/Sha256sum", &sha),
            // Near miss: an OR at the top, and an AND of one item.
            item("e", "is", "Network/DNS", "plain.example"),
            item("f", "is", "Network/DNS", "alone.example"),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain alone.example @f".to_string(),
                "domain evil.example @c+".into(),
                "domain plain.example @e".into(),
                format!("md5 {} @a+", "0".repeat(32)),
                format!("sha256 {sha} @d+"),
                "filename evil.exe @b+".into(),
            ]
        );
    }

    #[test]
    fn openioc_1_1_documents_load_the_same_way() {
        let text = "<?xml version=\"1.0\"?>\n\
            <OpenIOC xmlns=\"http://openioc.org/schemas/OpenIOC_1.1\" \
            id=\"d\"><criteria><Indicator id=\"i\" operator=\"OR\">\
            <IndicatorItem id=\"a\" condition=\"is\" preserve-case=\"false\" \
            negate=\"false\"><Context document=\"PortItem\" \
            search=\"PortItem/remoteIP\" type=\"mir\"/>\
            <Content type=\"IP\">198.51.100.9</Content></IndicatorItem>\
            <IndicatorItem id=\"b\" condition=\"is\" preserve-case=\"true\" \
            negate=\"true\"><Context document=\"FileItem\" \
            search=\"FileItem/FileName\" type=\"mir\"/>\
            <Content type=\"string\">svchost.exe</Content></IndicatorItem>\
            </Indicator></criteria></OpenIOC>\n";
        assert_eq!(detect(text), Ok(Format::OpenIoc));
        let got = load_as(Format::OpenIoc, text);
        assert_eq!(shown(&got), ["ipv4 198.51.100.9 @a"]);
        assert_eq!(
            problems(&got),
            ["t.txt: b: warning: negated item (FileItem/FileName is \
              \"svchost.exe\") cannot be swept for; not loaded"]
        );
    }

    #[test]
    fn an_empty_content_takes_the_value_from_the_id() {
        let got = load(&format!(
            "<Indicator operator=\"OR\" id=\"x\">{}{}</Indicator>",
            item("evil.example", "is", "Network/DNS", ""),
            item("5bb27709-12a0", "is", "Network/DNS", ""),
        ));
        assert_eq!(shown(&got), ["domain evil.example @evil.example"]);
        assert_eq!(
            problems(&got),
            [
                "t.txt: 5bb27709-12a0: Network/DNS item has no Content",
                "t.txt: warning: 1 item has an empty Content; their value \
                 was taken from the item's id attribute",
            ]
        );
    }
}
