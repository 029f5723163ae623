//! The STIX 1.x reader: CybOX objects in a STIX 1 XML package.
//!
//! Every CybOX `Properties` element is read, wherever it sits (top-level
//! `Observables`, inside an `Indicator`, or in related objects), by its
//! `xsi:type`: `AddressObj` (kind by `category`), `DomainNameObj`,
//! `HostnameObj`, `URIObj` and `LinkObj`, `FileObj`/`WinFileObj`
//! (`File_Name`, `File_Path`, hashes by their `Type`) and the sender of an
//! `EmailMessageObj`. Other object types (mutexes, code, registry keys…)
//! are counted and named once per type.
//!
//! A value's sources are the indicator holding it and each indicator that
//! refers by `idref` to an observable or indicator holding it, through
//! references at any depth, each with the `AND`s and negations on its own
//! way (a report's list of observables refers to none); without one, the
//! observable or object id, else the line.
//! `Equals` (or no condition) loads the value as its kind. A field with
//! `apply_condition` holds a list: it is split at its `delimiter` (CybOX
//! 2.1's default is `##comma##`, which splits wherever it appears), or at
//! plain commas when that does not occur (CybOX 2.0 lists, where
//! `&comma;` stands for a literal comma). A comma in a field that is not
//! a list (a URL's query) is part of the value. `Contains`, `StartsWith` and `EndsWith` load a
//! string marked as a substring condition; other conditions cannot be
//! honoured and are named with their object. Several properties of one
//! object (a file's name and hashes), or objects under an `AND` of two or
//! more parts at any depth (an `Observable_Composition` or a
//! `Composite_Indicator_Expression`, an `OR` inside it included), all have
//! to hold, and are marked compound. An object under a negated observable
//! or indicator (`negate="true"` or `"1"`) says what is not there: it is
//! named in a warning and not loaded.
//!
//! An indicator's `Valid_Time_Position` windows (`Start_Time`,
//! `End_Time`) become its values' `valid_from` and `valid_until`: the
//! earliest start and the latest end, no end when a window has none.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use roxmltree::{Document, Node, NodeId};

use super::xml::{self, attr, child, children};
use super::{Reader, UNREAD, Unmatchable};
use crate::indicator::Kind;
use crate::set::{Locator, SourceMeta};

const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Reads a STIX 1 package.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let doc = match xml::parse(text) {
        Ok(doc) => doc,
        Err(why) => return r.error(None, why),
    };
    let lines = xml::Lines::new(text);
    let walked = walk(&doc, &lines);
    for (at, why) in &walked.problems {
        r.warn(Some(at.clone()), why.clone());
    }
    let times = indicator_times(r, &doc, &lines);
    let mut skipped = Unmatchable::default();
    let mut cut = 0;
    // Objects that sit alike (in one observable) share their sources,
    // found once; the memo is dropped when it grows past MAX_KEPT.
    let mut memo: HashMap<Site, Rc<Places>> = HashMap::new();
    let mut kept = 0;
    for (node, site, fallback) in &walked.objects {
        let found = match memo.get(site) {
            Some(found) => found.clone(),
            None => {
                let found = Rc::new(walked.places(*site));
                kept += found.live.len() + found.negated.len() + 1;
                if kept > MAX_KEPT {
                    memo.clear();
                    kept = 0;
                }
                memo.insert(*site, found.clone());
                found
            }
        };
        cut += usize::from(found.cut);
        let own = [Place {
            at: None,
            compound: site.and,
            negated: site.negated,
            indicator: None,
        }];
        let all = if found.live.is_empty() && found.negated.is_empty() {
            &own[..]
        } else {
            &[]
        };
        let at = |p: &Place| p.at.clone().unwrap_or_else(|| fallback.clone());
        let (negated, live): (Vec<&Place>, Vec<&Place>) = found
            .live
            .iter()
            .chain(&found.negated)
            .chain(all)
            .partition(|p| p.negated);
        for p in negated {
            let why = "a negated observable says what is not there; \
                       not loaded";
            r.warn(Some(at(p)), why.into());
        }
        if live.is_empty() {
            continue;
        }
        let mut obj = Object { fields: Vec::new() };
        match xsi_type(*node) {
            Some(t) => read_object(*node, t, &mut obj, &mut skipped),
            None => skipped.add("(none)"),
        }
        for p in live {
            let at = at(p);
            r.set_meta(times.of(p.indicator, &at));
            obj.load(r, &at, p.compound);
        }
    }
    if cut > 0 {
        let why = format!(
            "{cut} {} reached through references by more than \
             {MAX_PLACES} indicators (or {MAX_STEPS} steps); each lists the \
             first {MAX_PLACES} found as its sources",
            if cut == 1 { "object is" } else { "objects are" }
        );
        r.warn(None, why);
    }
    r.set_meta(SourceMeta::default());
    skipped.report(r, ("object", "objects"));
}

/// The validity each indicator states, by node and by id.
#[derive(Default)]
struct Times<'a> {
    by_node: HashMap<NodeId, SourceMeta>,
    by_id: HashMap<&'a str, NodeId>,
}

impl Times<'_> {
    /// Returns the validity of `holder`, the indicator an object's source
    /// is (or, without one, of the indicator `at` names by id).
    fn of(&self, holder: Option<NodeId>, at: &Locator) -> SourceMeta {
        let named = match at {
            Locator::Id(id) => self.by_id.get(id.as_str()).copied(),
            Locator::Line(_) => None,
        };
        holder
            .and_then(|n| self.by_node.get(&n))
            .or_else(|| named.and_then(|n| self.by_node.get(&n)))
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads every indicator's `Valid_Time_Position` windows; a time that
/// cannot be read is warned about and ignored.
fn indicator_times<'a>(
    r: &mut Reader<'_>,
    doc: &'a Document<'_>,
    lines: &xml::Lines,
) -> Times<'a> {
    let mut times = Times::default();
    let indicators = doc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name() == "Indicator");
    for ind in indicators {
        let windows: Vec<Node<'_, '_>> =
            children(ind, "Valid_Time_Position").collect();
        if windows.is_empty() {
            continue;
        }
        let at = attr(ind, "id").map_or_else(
            || Locator::Line(lines.row(ind.range().start)),
            Locator::id,
        );
        let mut validity_unread = false;
        let mut stamp = |w: Node<'_, '_>, name: &str| {
            let text = xml::text(child(w, name)?);
            if text.is_empty() {
                return None;
            }
            let secs = date_time(&text);
            if secs.is_none() {
                validity_unread = true;
                let why = format!(
                    "{name} {text:?} is not a date and time \
                     (2024-01-31T00:00:00Z); {UNREAD}"
                );
                r.warn(Some(at.clone()), why);
            }
            secs
        };
        let starts: Vec<Option<i64>> =
            windows.iter().map(|w| stamp(*w, "Start_Time")).collect();
        let ends: Vec<Option<i64>> =
            windows.iter().map(|w| stamp(*w, "End_Time")).collect();
        // A window without a start (or end) leaves that side open.
        let valid_from = starts.iter().copied().collect::<Option<Vec<_>>>();
        let valid_until = ends.iter().copied().collect::<Option<Vec<_>>>();
        let meta = SourceMeta {
            valid_from: valid_from.and_then(|v| v.into_iter().min()),
            valid_until: valid_until.and_then(|v| v.into_iter().max()),
            validity_unread,
            ..SourceMeta::default()
        };
        times.by_node.insert(ind.id(), meta);
        if let Some(id) = attr(ind, "id") {
            times.by_id.insert(id, ind.id());
        }
    }
    times
}

/// Returns the Unix seconds of an XML Schema date and time: RFC 3339,
/// or without a zone (read as UTC), or a bare date (its midnight UTC).
fn date_time(text: &str) -> Option<i64> {
    use super::stix2::rfc3339;
    let has_zone = text.ends_with(['Z', 'z'])
        || text.get(19..).is_some_and(|t| t.contains(['+', '-']));
    if text.len() == 10 {
        return rfc3339(&format!("{text}T00:00:00Z"));
    }
    if has_zone { rfc3339(text) } else { rfc3339(&format!("{text}Z")) }
}

/// One field value to load, with its kind and CybOX condition.
struct Field {
    kind: Option<Kind>,
    node_text: String,
    condition: String,
    apply: Option<String>,
    delimiter: Option<String>,
    field: String,
}

/// The fields read from one object, loaded together.
struct Object {
    fields: Vec<Field>,
}

impl Object {
    /// Takes the value element `node` as a field of `kind` (`None`: any).
    fn push(&mut self, node: Node<'_, '_>, kind: Option<Kind>) {
        let text = xml::text(node);
        if text.is_empty() {
            return;
        }
        self.fields.push(Field {
            kind,
            node_text: text,
            condition: attr(node, "condition").unwrap_or("Equals").into(),
            apply: attr(node, "apply_condition").map(Into::into),
            delimiter: attr(node, "delimiter").map(Into::into),
            field: node.tag_name().name().to_string(),
        });
    }

    /// Loads the fields as found at `at`, `compound` if one part of an
    /// `AND`.
    fn load(&self, r: &mut Reader<'_>, at: &Locator, compound: bool) {
        let compound = compound || self.fields.len() > 1;
        for f in &self.fields {
            let values = split_list(f);
            let all = f.apply.as_deref() == Some("ALL") && values.len() > 1;
            for v in values {
                load_field(r, f, &v, at.clone(), compound || all);
            }
        }
    }
}

/// Loads one value of a field as its condition says.
fn load_field(
    r: &mut Reader<'_>,
    f: &Field,
    v: &str,
    at: Locator,
    compound: bool,
) {
    match (f.condition.as_str(), f.kind) {
        ("Equals", Some(kind)) => {
            r.typed(v, kind, at, compound);
        }
        ("Equals", None) => {
            r.untyped(v, at, compound);
        }
        ("Contains" | "StartsWith" | "EndsWith", _) => {
            r.contains(v, at, compound);
        }
        (other, _) => r.warn(
            Some(at),
            format!(
                "{} {v:?} has condition {other:?}, which a sweep for \
                 literal values cannot honour; not loaded",
                f.field
            ),
        ),
    }
}

/// Splits a list field (one with `apply_condition`) into its values.
fn split_list(f: &Field) -> Vec<String> {
    let text = f.node_text.as_str();
    let delim = f.delimiter.as_deref().unwrap_or("##comma##");
    // The delimiter never occurs in a value, so it splits wherever it
    // appears; plain commas split only a field marked as a list.
    let parts: Vec<&str> = if text.contains(delim) {
        text.split(delim).collect()
    } else if f.apply.is_some() {
        text.split(',').collect()
    } else {
        return vec![text.to_string()];
    };
    parts
        .into_iter()
        .map(|p| p.trim().replace("&comma;", ","))
        .filter(|p| !p.is_empty())
        .collect()
}

/// Reads the fields of one object of type `t` (`AddressObjectType`…).
fn read_object(
    node: Node<'_, '_>,
    t: &str,
    obj: &mut Object,
    skipped: &mut Unmatchable,
) {
    let name = t.strip_suffix("ObjectType").unwrap_or(t);
    match name {
        "Address" => read_address(node, obj, skipped),
        "DomainName" => {
            if let Some(v) = child(node, "Value") {
                obj.push(v, Some(Kind::Domain));
            }
        }
        "Hostname" => {
            if let Some(v) = child(node, "Hostname_Value") {
                obj.push(v, Some(Kind::Domain));
            }
        }
        "URI" | "Link" => read_uri(node, obj, skipped),
        "File" | "WindowsFile" | "UnixFile" | "WindowsExecutableFile" => {
            read_file(node, obj, skipped)
        }
        "EmailMessage" => {
            let header = child(node, "Header");
            let from = header.and_then(|h| {
                ["From", "Sender"].iter().find_map(|w| child(h, w))
            });
            match from.and_then(|f| child(f, "Address_Value")) {
                Some(v) => obj.push(v, Some(Kind::Email)),
                None => skipped.add("EmailMessage without a sender"),
            }
        }
        other => skipped.add(other),
    }
}

fn read_address(
    node: Node<'_, '_>,
    obj: &mut Object,
    skipped: &mut Unmatchable,
) {
    let kind = match attr(node, "category") {
        None => None,
        Some("ipv4-addr") => Some(Kind::Ipv4),
        Some("ipv6-addr") => Some(Kind::Ipv6),
        Some("ipv4-net" | "ipv6-net" | "cidr") => Some(Kind::Cidr),
        Some("e-mail") => Some(Kind::Email),
        Some(other) => return skipped.add(&format!("Address ({other})")),
    };
    if let Some(v) = child(node, "Address_Value") {
        obj.push(v, kind);
    }
}

fn read_uri(node: Node<'_, '_>, obj: &mut Object, skipped: &mut Unmatchable) {
    let kind = match attr(node, "type") {
        None | Some("URL") => Kind::Url,
        Some("Domain Name") => Kind::Domain,
        Some(other) => return skipped.add(&format!("URI ({other})")),
    };
    if let Some(v) = child(node, "Value") {
        obj.push(v, Some(kind));
    }
}

fn read_file(node: Node<'_, '_>, obj: &mut Object, skipped: &mut Unmatchable) {
    for name in ["File_Name", "File_Path"] {
        if let Some(v) = child(node, name) {
            obj.push(v, Some(Kind::Filename));
        }
    }
    let hashes = child(node, "Hashes");
    for hash in hashes.into_iter().flat_map(|h| children(h, "Hash")) {
        let Some(value) = child(hash, "Simple_Hash_Value") else {
            skipped.add("hash without a simple value");
            continue;
        };
        let t = child(hash, "Type").map(xml::text).unwrap_or_default();
        let norm = t.to_ascii_uppercase().replace('-', "");
        let kind = match norm.as_str() {
            "MD5" => Some(Kind::Md5),
            "SHA1" => Some(Kind::Sha1),
            "SHA256" => Some(Kind::Sha256),
            "SHA512" => Some(Kind::Sha512),
            "" => None,
            _ => {
                skipped.add(&format!("hash {t}"));
                continue;
            }
        };
        obj.push(value, kind);
    }
}

/// Returns the local part of an element's `xsi:type`
/// (`AddressObj:AddressObjectType` → `AddressObjectType`).
fn xsi_type<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    let t = node
        .attributes()
        .find(|a| a.namespace() == Some(XSI) && a.name() == "type")?
        .value();
    Some(t.rsplit(':').next().unwrap_or(t))
}

/// The most sources one object gets through references, as many as a
/// value lists ([`crate::set::LISTED_PER_FILE`]), and the most negated
/// ones; past them the rest are not looked for, and the file's warning
/// counts the objects cut so. Each source costs memory in the set for
/// every value of the object: a hub (one observable naming 40,000 others,
/// referred to by 1,000 indicators, 11 MB) took 3.2 GB with 1,000 sources
/// an object, 0.6 GB with 100. The corpus's FireEye report gives a value
/// up to 23.
const MAX_PLACES: usize = crate::set::LISTED_PER_FILE;

/// The most steps (frames and references) the search for one object's
/// sources takes.
const MAX_STEPS: usize = 4_000;

/// The most sources kept for objects that sit alike (in one observable),
/// found once for all of them.
const MAX_KEPT: usize = 1_000_000;

/// An element whose objects find their sources through it: an indicator
/// (a source itself), or an observable or indicator that others refer to
/// by `idref`.
struct Frame<'a, 'i> {
    node: Node<'a, 'i>,
    /// Whether it is an indicator.
    indicator: bool,
    /// Whether it is the source of the objects it holds: an indicator, or
    /// an observable outside indicators that nothing refers to (which its
    /// own `AND`s and negations then apply to).
    source: bool,
    /// Whether an `AND` or a negation lies anywhere above it (up to a
    /// `Related_Indicators`, which starts afresh).
    outer: (bool, bool),
    /// Its id and element name, when others refer to it.
    referred: Option<(&'a str, &'a str)>,
    /// Where it sits.
    site: Site,
}

/// Where an element sits: its nearest frame, and whether an `AND` of two
/// or more parts or a negation lies between that frame and it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Site {
    frame: Option<usize>,
    and: bool,
    negated: bool,
}

/// What one walk of a package finds.
struct Walked<'a, 'i> {
    frames: Vec<Frame<'a, 'i>>,
    /// The sites of the references to each (id, element name), in
    /// document order, each once.
    refs: HashMap<(&'a str, &'a str), Vec<(Site, Locator)>>,
    /// Every `Properties` element, where it sits, and its locator when no
    /// indicator is its source: its observable's or object's id, else its
    /// line.
    objects: Vec<(Node<'a, 'i>, Site, Locator)>,
    /// References to ids nothing has, and `negate` values that are not
    /// booleans.
    problems: Vec<(Locator, String)>,
}

/// Walks the package once, in document order, keeping the ancestors'
/// state on a stack: the cost is the document's size, not the number of
/// elements times their depth (five million objects nested a thousand
/// deep took a minute when each looked up its own ancestors).
fn walk<'a, 'i>(doc: &'a Document<'i>, lines: &xml::Lines) -> Walked<'a, 'i> {
    let elements = || doc.descendants().filter(Node::is_element);
    let named = |n: Node<'a, 'i>, a: &str| {
        let name = n.tag_name().name();
        matches!(name, "Observable" | "Indicator")
            .then(|| attr(n, a))
            .flatten()
            .map(|v| (v, name))
    };
    // What indicators and observables refer to; a report's or package's
    // list of observables refers to nothing.
    let mut referred: HashSet<(&str, &str)> = HashSet::new();
    let mut held: Vec<(NodeId, bool)> = vec![(doc.root().id(), false)];
    for n in elements() {
        let parent = n.parent().map(|p| p.id());
        while held.len() > 1 && Some(held[held.len() - 1].0) != parent {
            held.pop();
        }
        let inside = held[held.len() - 1].1;
        if let Some(target) = named(n, "idref").filter(|_| inside) {
            referred.insert(target);
        }
        let name = n.tag_name().name();
        let holds = matches!(name, "Indicator" | "Observable");
        held.push((n.id(), (inside || holds) && name != "Related_Indicators"));
    }
    let defined: HashSet<(&str, &str)> = elements()
        .filter(|n| attr(*n, "idref").is_none())
        .filter_map(|n| named(n, "id"))
        .collect();
    let line = |n: Node<'_, '_>| Locator::Line(lines.row(n.range().start));
    let mut w = Walked {
        frames: Vec::new(),
        refs: HashMap::new(),
        objects: Vec::new(),
        problems: Vec::new(),
    };
    let mut seen_refs = HashSet::new();
    let mut seen_missing = HashSet::new();
    /// What the children of an element have around them.
    #[derive(Clone, Copy)]
    struct State<'a, 'i> {
        site: Site,
        indicator: Option<Node<'a, 'i>>,
        observable: Option<Node<'a, 'i>>,
        object: Option<Node<'a, 'i>>,
    }
    let root = doc.root();
    let top = State {
        site: Site { frame: None, and: false, negated: false },
        indicator: None,
        observable: None,
        object: None,
    };
    let mut stack: Vec<(NodeId, State<'_, '_>)> = vec![(root.id(), top)];
    for node in elements() {
        let parent = node.parent().map(|p| p.id());
        while stack.len() > 1 && Some(stack[stack.len() - 1].0) != parent {
            stack.pop();
        }
        let mut st = stack[stack.len() - 1].1;
        let name = node.tag_name().name();
        let negate = attr(node, "negate").map(str::trim);
        if let Some(v) =
            negate.filter(|v| !matches!(*v, "true" | "false" | "1" | "0"))
        {
            let why = format!(
                "negate={v:?} is not a boolean (true, false, 1, 0); read as \
                 true"
            );
            w.problems.push((line(node), why));
        }
        let negated = negate.is_some_and(|v| !matches!(v, "false" | "0"));
        if name == "Properties" {
            let id = |n: Option<Node<'a, 'i>>| n.and_then(|n| attr(n, "id"));
            let at = id(st.observable)
                .or_else(|| id(st.object))
                .map_or_else(|| line(node), Locator::id);
            w.objects.push((node, st.site, at));
        }
        if let Some(target) = named(node, "idref") {
            let site = Site { negated: st.site.negated || negated, ..st.site };
            if !defined.contains(&target) {
                let at = st
                    .indicator
                    .and_then(|i| attr(i, "id"))
                    .map_or_else(|| line(node), Locator::id);
                if seen_missing.insert((at.clone(), target)) {
                    let why = format!(
                        "idref {:?} names no {} in this file; nothing loaded \
                         from it",
                        target.0,
                        target.1.to_ascii_lowercase()
                    );
                    w.problems.push((at, why));
                }
            } else if site.frame.is_some() && seen_refs.insert((target, site))
            {
                // Only indicators and what they refer to hold references;
                // a report's or package's list of observables is none.
                w.refs.entry(target).or_default().push((site, line(node)));
            }
        }
        match name {
            // A related indicator is one of its own: neither negated nor
            // joined by the indicator naming it, nor one of its parts.
            "Related_Indicators" => {
                st.site = Site { frame: None, and: false, negated: false };
                stack.push((node.id(), st));
                continue;
            }
            "Observable_Composition" | "Composite_Indicator_Expression" => {
                let parts = node.children().filter(Node::is_element).count();
                st.site.and |=
                    attr(node, "operator") == Some("AND") && parts >= 2;
            }
            "Observable" => st.observable = Some(node),
            "Object" => st.object = Some(node),
            _ => {}
        }
        let indicator = name == "Indicator" && attr(node, "idref").is_none();
        if indicator {
            st.indicator = Some(node);
        }
        let target = named(node, "id").filter(|t| referred.contains(t));
        let standalone = name == "Observable"
            && st.site.frame.is_none()
            && target.is_none()
            && attr(node, "idref").is_none();
        if indicator || target.is_some() || standalone {
            let parent =
                st.site.frame.map_or((false, false), |f| w.frames[f].outer);
            w.frames.push(Frame {
                node,
                indicator,
                source: indicator || standalone,
                outer: (parent.0 || st.site.and, parent.1 || st.site.negated),
                referred: target,
                site: st.site,
            });
            st.site =
                Site { frame: Some(w.frames.len() - 1), and: false, negated };
        } else {
            st.site.negated |= negated;
        }
        stack.push((node.id(), st));
    }
    w
}

/// Where an object came from, and what holds it.
struct Place {
    /// `None`: the object's own locator (an indicator without an id
    /// holding it).
    at: Option<Locator>,
    /// One part of an `AND`.
    compound: bool,
    /// Under a negation: what is not there.
    negated: bool,
    /// The indicator whose validity applies.
    indicator: Option<NodeId>,
}

/// An object's sources, and whether the search for them was cut.
#[derive(Default)]
struct Places {
    live: Vec<Place>,
    negated: Vec<Place>,
    cut: bool,
}

impl Walked<'_, '_> {
    /// Returns the sources of an object at `site`: the indicator holding
    /// it, and every indicator referring to an observable or indicator
    /// holding it, through references at any depth; each with the `AND`s
    /// and negations on its way. An indicator without an id is named by
    /// the reference that led to it, else (`None`) by the object's own
    /// locator. Empty when no indicator is a source.
    fn places(&self, site: Site) -> Places {
        let mut out = Places::default();
        let mut seen = HashSet::new();
        let mut work = std::collections::VecDeque::from([(site, None)]);
        let mut steps = 0;
        while let Some((Site { frame, and, negated }, via)) = work.pop_front()
        {
            steps += 1;
            if steps > MAX_STEPS
                || out.live.len() >= MAX_PLACES
                    && out.negated.len() >= MAX_PLACES
            {
                out.cut = true;
                break;
            }
            let Some(f) = frame else { continue };
            if !seen.insert((f, and, negated)) {
                continue;
            }
            let fr = &self.frames[f];
            if fr.source {
                let place = Place {
                    at: attr(fr.node, "id").map(Locator::id).or(via.clone()),
                    compound: and || fr.outer.0,
                    negated: negated || fr.outer.1,
                    indicator: fr.indicator.then(|| fr.node.id()),
                };
                let list = if place.negated {
                    &mut out.negated
                } else {
                    &mut out.live
                };
                if list.len() < MAX_PLACES {
                    list.push(place);
                } else {
                    out.cut = true;
                }
            } else {
                let up = Site {
                    frame: fr.site.frame,
                    and: and || fr.site.and,
                    negated: negated || fr.site.negated,
                };
                work.push_back((up, via.clone()));
            }
            let refs = fr.referred.and_then(|t| self.refs.get(&t));
            for (r, at) in refs.into_iter().flatten() {
                let r = Site {
                    frame: r.frame,
                    and: and || r.and,
                    negated: negated || r.negated,
                };
                work.push_back((r, Some(at.clone())));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, detect};

    const HEAD: &str = "<?xml version=\"1.0\"?>\n<stix:STIX_Package \
        xmlns:stix=\"http://stix.mitre.org/stix-1\" \
        xmlns:indicator=\"http://stix.mitre.org/Indicator-2\" \
        xmlns:cybox=\"http://cybox.mitre.org/cybox-2\" \
        xmlns:cyboxCommon=\"http://cybox.mitre.org/common-2\" \
        xmlns:AddressObj=\"http://cybox.mitre.org/objects#AddressObject-2\" \
        xmlns:DomainNameObj=\"http://cybox.mitre.org/objects#DomainNameObject-1\" \
        xmlns:URIObj=\"http://cybox.mitre.org/objects#URIObject-2\" \
        xmlns:FileObj=\"http://cybox.mitre.org/objects#FileObject-2\" \
        xmlns:EmailMessageObj=\"http://cybox.mitre.org/objects#EmailMessageObject-2\" \
        xmlns:MutexObj=\"http://cybox.mitre.org/objects#MutexObject-2\" \
        xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n";

    fn package(body: &str) -> String {
        format!("{HEAD}{body}</stix:STIX_Package>\n")
    }

    fn load(body: &str) -> crate::load::Loaded {
        let text = package(body);
        assert_eq!(detect(&text), Ok(Format::Stix1));
        load_as(Format::Stix1, &text)
    }

    #[test]
    fn reads_objects_by_type_and_resolves_idrefs() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        let got = load(&format!(
            "<stix:Observables>\n\
             <cybox:Observable id=\"x:Observable-1\"><cybox:Object>\
             <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" \
             category=\"ipv4-addr\"><AddressObj:Address_Value \
             condition=\"Equals\">192.0.2.1</AddressObj:Address_Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\n\
             <cybox:Observable id=\"x:Observable-2\"><cybox:Object>\
             <cybox:Properties xsi:type=\"FileObj:FileObjectType\">\
             <FileObj:File_Name>evil.exe</FileObj:File_Name>\
             <FileObj:Hashes><cyboxCommon:Hash><cyboxCommon:Type>MD5\
             </cyboxCommon:Type><cyboxCommon:Simple_Hash_Value>{md5}\
             </cyboxCommon:Simple_Hash_Value></cyboxCommon:Hash>\
             <cyboxCommon:Hash><cyboxCommon:Type>SSDEEP</cyboxCommon:Type>\
             <cyboxCommon:Simple_Hash_Value>3:a:b</cyboxCommon:Simple_Hash_Value>\
             </cyboxCommon:Hash></FileObj:Hashes>\
             </cybox:Properties></cybox:Object></cybox:Observable>\n\
             <cybox:Observable id=\"x:Observable-3\"><cybox:Object>\
             <cybox:Properties xsi:type=\"MutexObj:MutexObjectType\">\
             <MutexObj:Name>m</MutexObj:Name></cybox:Properties>\
             </cybox:Object></cybox:Observable>\n\
             </stix:Observables>\n\
             <stix:Indicators><stix:Indicator id=\"x:Indicator-9\">\
             <indicator:Observable idref=\"x:Observable-1\"/></stix:Indicator>\
             <stix:Indicator id=\"x:Indicator-8\">\
             <indicator:Observable id=\"x:Observable-4\"><cybox:Object>\
             <cybox:Properties xsi:type=\"DomainNameObj:DomainNameObjectType\">\
             <DomainNameObj:Value condition=\"Equals\">evil[.]example\
             </DomainNameObj:Value></cybox:Properties></cybox:Object>\
             </indicator:Observable></stix:Indicator>\
             <stix:Indicator id=\"x:Indicator-7\">\
             <indicator:Observable><cybox:Object>\
             <cybox:Properties xsi:type=\"EmailMessageObj:EmailMessageObjectType\">\
             <EmailMessageObj:Header><EmailMessageObj:From>\
             <AddressObj:Address_Value>a@evil.example</AddressObj:Address_Value>\
             </EmailMessageObj:From></EmailMessageObj:Header>\
             </cybox:Properties></cybox:Object></indicator:Observable>\
             </stix:Indicator></stix:Indicators>\n"
        ));
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @x:Indicator-9".to_string(),
                "domain evil.example @x:Indicator-8".into(),
                "email a@evil.example @x:Indicator-7".into(),
                format!("md5 {} @x:Observable-2+", md5.to_ascii_lowercase()),
                "filename evil.exe @x:Observable-2+".into(),
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt: warning: 1 object of type Mutex not loaded: not an \
                 indicator the sweep can match",
                "t.txt: warning: 1 object of type hash SSDEEP not loaded: \
                 not an indicator the sweep can match",
            ]
        );
    }

    #[test]
    fn substring_and_untyped_parts_of_an_and_are_compound() {
        let parts = |uri: &str, addr: &str| {
            format!(
                "<cybox:Observable><cybox:Object>\
                 <cybox:Properties xsi:type=\"URIObj:URIObjectType\">\
                 <URIObj:Value condition=\"Contains\">{uri}</URIObj:Value>\
                 </cybox:Properties></cybox:Object></cybox:Observable>\
                 <cybox:Observable><cybox:Object>\
                 <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\">\
                 <AddressObj:Address_Value>{addr}</AddressObj:Address_Value>\
                 </cybox:Properties></cybox:Object></cybox:Observable>"
            )
        };
        let got = load(&format!(
            "<stix:Indicators>\
             <stix:Indicator id=\"x:Indicator-1\"><indicator:Observable>\
             <cybox:Observable_Composition operator=\"AND\">{}\
             </cybox:Observable_Composition></indicator:Observable>\
             </stix:Indicator>\
             <stix:Indicator id=\"x:Indicator-2\"><indicator:Observable>\
             <cybox:Observable_Composition operator=\"OR\">{}\
             </cybox:Observable_Composition></indicator:Observable>\
             </stix:Indicator></stix:Indicators>",
            parts("/gate.php?id=", "192.0.2.9"),
            // Near miss: the same parts under an OR.
            parts("/other.php", "192.0.2.10"),
        ));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.9 @x:Indicator-1+",
                "ipv4 192.0.2.10 @x:Indicator-2",
                "string /gate.php?id= @x:Indicator-1+",
                "string /other.php @x:Indicator-2",
            ]
        );
    }

    /// An observable of one domain, with `attrs` on its element.
    fn domain_obs(attrs: &str, domain: &str) -> String {
        format!(
            "<cybox:Observable{attrs}><cybox:Object>\
             <cybox:Properties xsi:type=\"DomainNameObj:DomainNameObjectType\">\
             <DomainNameObj:Value>{domain}</DomainNameObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>"
        )
    }

    /// The warning for an object under a negation, located at `id`.
    fn negated(id: &str) -> String {
        format!(
            "t.txt: {id}: warning: a negated observable says what is not \
             there; not loaded"
        )
    }

    fn composition(op: &str, parts: &str) -> String {
        format!(
            "<cybox:Observable><cybox:Observable_Composition \
             operator=\"{op}\">{parts}</cybox:Observable_Composition>\
             </cybox:Observable>"
        )
    }

    fn indicator(id: &str, body: &str) -> String {
        format!(
            "<stix:Indicator id=\"{id}\"><indicator:Observable>{body}\
             </indicator:Observable></stix:Indicator>"
        )
    }

    #[test]
    fn every_part_under_an_and_of_two_or_more_is_compound() {
        let or = composition(
            "OR",
            &[domain_obs("", "or-1.example"), domain_obs("", "or-2.example")]
                .concat(),
        );
        let nested = format!("{or}{}", domain_obs("", "and.example"));
        let got = load(&format!(
            "<stix:Indicators>{}{}{}\
             <stix:Indicator id=\"x:Composite\">\
             <indicator:Composite_Indicator_Expression operator=\"AND\">\
             {}{}</indicator:Composite_Indicator_Expression>\
             </stix:Indicator></stix:Indicators>",
            indicator("x:Nested", &composition("AND", &nested)),
            // Near misses: an AND of one part, an OR of two.
            indicator(
                "x:Single",
                &composition("AND", &domain_obs("", "single.example"))
            ),
            indicator(
                "x:Or",
                &composition(
                    "OR",
                    &[
                        domain_obs("", "or-a.example"),
                        domain_obs("", "or-b.example")
                    ]
                    .concat()
                )
            ),
            indicator("x:Part-1", &domain_obs("", "part-1.example")),
            indicator("x:Part-2", &domain_obs("", "part-2.example")),
        ));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "domain and.example @x:Nested+",
                "domain or-1.example @x:Nested+",
                "domain or-2.example @x:Nested+",
                "domain or-a.example @x:Or",
                "domain or-b.example @x:Or",
                "domain part-1.example @x:Part-1+",
                "domain part-2.example @x:Part-2+",
                "domain single.example @x:Single",
            ]
        );
    }

    #[test]
    fn an_observable_referred_to_by_several_indicators_has_a_source_each() {
        let alone = "<stix:Indicator id=\"x:Alone\">\
             <indicator:Observable idref=\"x:Shared\"/></stix:Indicator>";
        let and = composition(
            "AND",
            "<cybox:Observable idref=\"x:Shared\"/>\
             <cybox:Observable idref=\"x:Other\"/>",
        );
        // Near miss: a second reference from the same indicator.
        let twice = "<stix:Indicator id=\"x:Twice\">\
             <indicator:Observable idref=\"x:Other\"/>\
             <indicator:Observable idref=\"x:Other\"/></stix:Indicator>";
        let negated = "<stix:Indicator id=\"x:Negated\">\
             <indicator:Observable idref=\"x:Other\" negate=\"true\"/>\
             </stix:Indicator>";
        let got = load(&format!(
            "<stix:Observables>{}{}</stix:Observables><stix:Indicators>\
             {}{alone}{twice}{negated}</stix:Indicators>",
            domain_obs(" id=\"x:Shared\"", "shared.example"),
            domain_obs(" id=\"x:Other\"", "other.example"),
            indicator("x:And", &and),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain other.example @x:And+",
                "domain other.example @x:Twice",
                "domain shared.example @x:And+",
                "domain shared.example @x:Alone",
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: x:Negated: warning: a negated observable says what is \
              not there; not loaded"]
        );
    }

    #[test]
    fn negation_is_read_as_xml_schema_writes_it_and_stops_at_related_indicators()
     {
        let related = "<indicator:Related_Indicators>\
             <indicator:Related_Indicator>\
             <stix:Indicator id=\"x:Related\"><indicator:Observable>\
             <cybox:Object><cybox:Properties \
             xsi:type=\"DomainNameObj:DomainNameObjectType\">\
             <DomainNameObj:Value>related.example</DomainNameObj:Value>\
             </cybox:Properties></cybox:Object></indicator:Observable>\
             </stix:Indicator></indicator:Related_Indicator>\
             </indicator:Related_Indicators>";
        let got = load(&format!(
            "<stix:Indicators>{}{}\
             <stix:Indicator id=\"x:Negated\" negate=\"true\">\
             <indicator:Observable>{}</indicator:Observable>{related}\
             </stix:Indicator>{}</stix:Indicators>",
            indicator("x:One", &domain_obs(" negate=\"1\"", "one.example")),
            indicator(
                "x:Blank",
                &domain_obs(" negate=\" true \"", "blank.example")
            ),
            domain_obs("", "negated.example"),
            // Near miss: "0" is false.
            indicator("x:Zero", &domain_obs(" negate=\"0\"", "zero.example")),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain related.example @x:Related",
                "domain zero.example @x:Zero"
            ]
        );
        assert_eq!(
            problems(&got),
            [negated("x:One"), negated("x:Blank"), negated("x:Negated")]
        );
    }

    #[test]
    fn references_reach_composite_observables_and_name_what_is_missing() {
        let or = composition(
            "OR",
            &[domain_obs("", "or-a.example"), domain_obs("", "or-b.example")]
                .concat(),
        )
        .replacen(
            "<cybox:Observable>",
            "<cybox:Observable id=\"x:Or\">",
            1,
        );
        let got = load(&format!(
            "<stix:Observables>{or}{}</stix:Observables><stix:Indicators>\
             <stix:Indicator id=\"x:Not-or\" negate=\"true\">\
             <indicator:Observable idref=\"x:Or\"/></stix:Indicator>\
             <stix:Indicator negate=\"true\">\
             <indicator:Observable idref=\"x:Plain\"/></stix:Indicator>\
             <stix:Indicator id=\"x:Missing\">\
             <indicator:Observable idref=\"x:Nowhere\"/></stix:Indicator>\
             {}</stix:Indicators>",
            domain_obs(" id=\"x:Plain\"", "plain.example"),
            indicator(
                "x:And",
                &composition(
                    "AND",
                    &format!(
                        "<cybox:Observable idref=\"x:Or\"/>{}",
                        domain_obs("", "and.example")
                    )
                )
            ),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain and.example @x:And+",
                "domain or-a.example @x:And+",
                "domain or-b.example @x:And+",
            ]
        );
        let negated = |at: &str| {
            format!(
                "t.txt{at}: warning: a negated observable says what is not \
                 there; not loaded"
            )
        };
        assert_eq!(
            problems(&got),
            [
                "t.txt: x:Missing: warning: idref \"x:Nowhere\" names no \
                 observable in this file; nothing loaded from it"
                    .to_string(),
                negated(": x:Not-or"),
                negated(": x:Not-or"),
                negated(":3"),
            ]
        );
    }

    #[test]
    fn a_report_listing_observables_adds_no_source() {
        let got = load(&format!(
            "<stix:Observables>{}</stix:Observables>\
             <stix:Reports><stix:Report><report:Observables \
             xmlns:report=\"http://stix.mitre.org/Report-1\">\
             <cybox:Observable idref=\"x:Listed\"/>\
             </report:Observables></stix:Report></stix:Reports>",
            domain_obs(" id=\"x:Listed\"", "listed.example"),
        ));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(shown(&got), ["domain listed.example @x:Listed"]);
    }

    #[test]
    fn references_are_followed_at_every_depth_each_with_its_own_context() {
        let with_id = |id: &str, body: &str| {
            body.replacen(
                "<cybox:Observable>",
                &format!("<cybox:Observable id=\"{id}\">"),
                1,
            )
        };
        let refer = |id: &str| format!("<cybox:Observable idref=\"{id}\"/>");
        let by_ref = |ind: &str, attrs: &str, target: &str| {
            format!(
                "<stix:Indicator id=\"{ind}\"{attrs}>\
                 <indicator:Observable idref=\"{target}\"/></stix:Indicator>"
            )
        };
        let chain = with_id(
            "x:P",
            &composition(
                "OR",
                &[refer("x:O"), domain_obs("", "p.example")].concat(),
            ),
        );
        let held = with_id(
            "x:Y",
            &composition(
                "OR",
                &[
                    domain_obs(" id=\"x:X\"", "x.example"),
                    domain_obs("", "z.example"),
                ]
                .concat(),
            ),
        );
        let got = load(&format!(
            "<stix:Observables>{}{chain}{held}</stix:Observables>\
             <stix:Indicators>{}{}{}{}\
             <stix:Indicator id=\"x:Neg-holder\" negate=\"true\">\
             <indicator:Observable>{}</indicator:Observable></stix:Indicator>\
             {}{}{}\
             <stix:Indicator id=\"x:Composite\">\
             <indicator:Composite_Indicator_Expression operator=\"AND\">\
             <stix:Indicator idref=\"x:Neg-user\"/>\
             <stix:Indicator idref=\"x:And-holder\"/>\
             </indicator:Composite_Indicator_Expression></stix:Indicator>\
             </stix:Indicators>",
            domain_obs(" id=\"x:O\"", "o.example"),
            by_ref("x:I", "", "x:P"),
            by_ref("x:Not-I", " negate=\"true\"", "x:P"),
            by_ref("x:IY", "", "x:Y"),
            by_ref("x:IX", "", "x:X"),
            domain_obs(" id=\"x:Held\"", "held.example"),
            by_ref("x:Neg-user", "", "x:Held"),
            indicator(
                "x:And-holder",
                &composition(
                    "AND",
                    &[
                        domain_obs(" id=\"x:Held-and\"", "held-and.example"),
                        domain_obs("", "mate.example"),
                    ]
                    .concat()
                )
            ),
            by_ref("x:Alone-user", "", "x:Held-and"),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain held-and.example @x:And-holder+",
                "domain held-and.example @x:Alone-user",
                "domain held-and.example @x:Composite+",
                "domain held.example @x:Neg-user",
                "domain held.example @x:Composite+",
                "domain mate.example @x:And-holder+",
                "domain mate.example @x:Composite+",
                "domain o.example @x:I",
                "domain p.example @x:I",
                "domain x.example @x:IX",
                "domain x.example @x:IY",
                "domain z.example @x:IY",
            ]
        );
        assert_eq!(
            problems(&got),
            [negated("x:Not-I"), negated("x:Not-I"), negated("x:Neg-holder"),]
        );
    }

    #[test]
    fn a_composition_outside_indicators_holds_what_it_refers_to() {
        let with_id = |id: &str, body: &str| {
            body.replacen(
                "<cybox:Observable>",
                &format!("<cybox:Observable id=\"{id}\">"),
                1,
            )
        };
        let and = composition(
            "AND",
            &format!(
                "<cybox:Observable idref=\"x:B\"/>{}",
                domain_obs("", "inline-c.example")
            ),
        );
        let negated = composition("OR", "<cybox:Observable idref=\"x:D\"/>")
            .replacen(
                "<cybox:Observable>",
                "<cybox:Observable id=\"x:N\" negate=\"1\">",
                1,
            );
        // A report listing them changes nothing.
        let report = "<stix:Reports><stix:Report><report:Observables \
             xmlns:report=\"http://stix.mitre.org/Report-1\">\
             <cybox:Observable idref=\"x:A\"/><cybox:Observable idref=\"x:N\"/>\
             <cybox:Observable idref=\"x:B\"/><cybox:Observable idref=\"x:D\"/>\
             </report:Observables></stix:Report></stix:Reports>";
        let got = load(&format!(
            "<stix:Observables>{}{}{}{}</stix:Observables><stix:Indicators>\
             <stix:Indicator><indicator:Observable>{}</indicator:Observable>\
             </stix:Indicator></stix:Indicators>{report}",
            with_id("x:A", &and),
            domain_obs(" id=\"x:B\"", "ref-b.example"),
            negated,
            domain_obs(" id=\"x:D\"", "neg-d.example"),
            // An indicator without an id names its object by the
            // observable's id.
            domain_obs(" id=\"x:Obs-1\"", "anonymous.example"),
        ));
        assert_eq!(
            shown(&got),
            [
                "domain anonymous.example @x:Obs-1",
                "domain inline-c.example @x:A+",
                "domain ref-b.example @x:A+",
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: x:N: warning: a negated observable says what is not \
              there; not loaded"]
        );
    }

    #[test]
    fn sources_through_references_stop_at_a_hundred_of_each_kind() {
        let negated: String = (0..150)
            .map(|n| {
                format!(
                    "<stix:Indicator id=\"x:Not-{n}\" negate=\"true\">\
                     <indicator:Observable idref=\"x:O\"/></stix:Indicator>"
                )
            })
            .collect();
        let got = load(&format!(
            "<stix:Observables>{}</stix:Observables><stix:Indicators>\
             {negated}<stix:Indicator id=\"x:Good\">\
             <indicator:Observable idref=\"x:O\"/></stix:Indicator>\
             </stix:Indicators>",
            domain_obs(" id=\"x:O\"", "o.example"),
        ));
        assert_eq!(shown(&got), ["domain o.example @x:Good"]);
        let problems = problems(&got);
        assert_eq!(problems.len(), 101, "{problems:?}");
        assert_eq!(
            problems[100],
            "t.txt: warning: 1 object is reached through references by more \
             than 100 indicators (or 4000 steps); each lists the first 100 \
             found as its sources"
        );
    }

    #[test]
    fn negated_observables_and_indicators_are_not_loaded() {
        let and = [
            domain_obs(" negate=\"true\"", "not-this.example"),
            domain_obs("", "this.example"),
        ]
        .concat();
        let got = load(&format!(
            "<stix:Observables>{}</stix:Observables><stix:Indicators>{}\
             <stix:Indicator id=\"x:Negated\" negate=\"true\">\
             <indicator:Observable>{}</indicator:Observable></stix:Indicator>\
             <stix:Indicator id=\"x:By-ref\">\
             <indicator:Observable idref=\"x:Obs-1\" negate=\"true\"/>\
             </stix:Indicator>{}</stix:Indicators>",
            domain_obs(" id=\"x:Obs-1\"", "referred.example"),
            indicator("x:And", &composition("AND", &and)),
            domain_obs("", "negated-indicator.example"),
            // Near miss: negate="false".
            indicator(
                "x:Plain",
                &domain_obs(" negate=\"false\"", "plain.example")
            ),
        ));
        assert_eq!(
            shown(&got),
            ["domain plain.example @x:Plain", "domain this.example @x:And+"]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt: x:By-ref: warning: a negated observable says what \
                 is not there; not loaded",
                "t.txt: x:And: warning: a negated observable says what is \
                 not there; not loaded",
                "t.txt: x:Negated: warning: a negated observable says what \
                 is not there; not loaded",
            ]
        );
    }

    #[test]
    fn lists_split_and_conditions_are_honoured_or_named() {
        let got = load(
            "<stix:Observables>\
             <cybox:Observable id=\"o-1\"><cybox:Object>\
             <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" \
             category=\"ipv4-addr\"><AddressObj:Address_Value \
             condition=\"Equals\" apply_condition=\"ANY\">192.0.2.1##comma##\
             192.0.2.2</AddressObj:Address_Value></cybox:Properties>\
             </cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-2\"><cybox:Object>\
             <cybox:Properties xsi:type=\"DomainNameObj:DomainNameObjectType\">\
             <DomainNameObj:Value condition=\"Equals\" apply_condition=\"ANY\">\
             a.example,b.example</DomainNameObj:Value></cybox:Properties>\
             </cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-3\"><cybox:Object>\
             <cybox:Properties xsi:type=\"URIObj:URIObjectType\">\
             <URIObj:Value condition=\"Contains\">/gate.php?id=</URIObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-4\"><cybox:Object>\
             <cybox:Properties xsi:type=\"URIObj:URIObjectType\">\
             <URIObj:Value condition=\"FitsPattern\">.*x</URIObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-5\"><cybox:Object>\
             <cybox:Properties xsi:type=\"URIObj:URIObjectType\">\
             <URIObj:Value>http://c.example/a,b</URIObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-6\"><cybox:Object>\
             <cybox:Properties xsi:type=\"URIObj:URIObjectType\">\
             <URIObj:Value apply_condition=\"ANY\">http://d.example/x\
             &amp;comma;y,http://e.example/</URIObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\
             <cybox:Observable id=\"o-7\"><cybox:Object>\
             <cybox:Properties xsi:type=\"DomainNameObj:DomainNameObjectType\">\
             <DomainNameObj:Value>f.example##comma##g.example</DomainNameObj:Value>\
             </cybox:Properties></cybox:Object></cybox:Observable>\
             </stix:Observables>",
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @o-1",
                "ipv4 192.0.2.2 @o-1",
                "domain a.example @o-2",
                "domain b.example @o-2",
                "domain f.example @o-7",
                "domain g.example @o-7",
                "url http://c.example/a,b @o-5",
                "url http://d.example/x,y @o-6",
                "url http://e.example/ @o-6",
                "string /gate.php?id= @o-3",
            ]
        );
        let (_, s) = got
            .set
            .iter()
            .find(|(_, i)| i.kind() == crate::indicator::Kind::String)
            .unwrap();
        assert!(s.sources[0].meta.contains);
        assert_eq!(
            problems(&got),
            ["t.txt: o-4: warning: Value \".*x\" has condition \
              \"FitsPattern\", which a sweep for literal values cannot \
              honour; not loaded"]
        );
    }

    #[test]
    fn bad_values_name_their_object_and_broken_xml_the_file() {
        let got = load(
            "<stix:Observables><cybox:Observable id=\"o-1\"><cybox:Object>\
             <cybox:Properties xsi:type=\"AddressObj:AddressObjectType\" \
             category=\"ipv4-addr\"><AddressObj:Address_Value>\
             not an address</AddressObj:Address_Value></cybox:Properties>\
             </cybox:Object></cybox:Observable></stix:Observables>",
        );
        assert!(got.set.is_empty());
        let p = problems(&got);
        assert!(p[0].starts_with("t.txt: o-1: \"not an address\""), "{p:?}");
        let broken = load_as(Format::Stix1, &format!("{HEAD}<a>"));
        assert!(
            problems(&broken)[0].starts_with("t.txt: not valid XML: "),
            "{:?}",
            problems(&broken)
        );
    }

    #[test]
    fn valid_time_windows_become_validity_and_expire() {
        let window = |start: &str, end: &str| {
            let side = |name: &str, t: &str| {
                if t.is_empty() {
                    String::new()
                } else {
                    format!("<indicator:{name}>{t}</indicator:{name}>")
                }
            };
            format!(
                "<indicator:Valid_Time_Position>{}{}\
                 </indicator:Valid_Time_Position>",
                side("Start_Time", start),
                side("End_Time", end)
            )
        };
        let address = |v: &str| {
            format!(
                "<cybox:Object><cybox:Properties \
                 xsi:type=\"AddressObj:AddressObjectType\" \
                 category=\"ipv4-addr\"><AddressObj:Address_Value>{v}\
                 </AddressObj:Address_Value></cybox:Properties>\
                 </cybox:Object>"
            )
        };
        let indicator = |id: &str, windows: &str, obs: &str| {
            format!(
                "<stix:Indicator id=\"x:Indicator-{id}\">{windows}\
                 <indicator:Observable>{obs}</indicator:Observable>\
                 </stix:Indicator>"
            )
        };
        let by_ref = format!(
            "<stix:Indicator id=\"x:Indicator-2\">{}\
             <indicator:Observable idref=\"x:Observable-1\"/>\
             </stix:Indicator>",
            window("2024-01-31T00:00:00", "")
        );
        let body = format!(
            "<stix:Observables><cybox:Observable id=\"x:Observable-1\">{}\
             </cybox:Observable></stix:Observables>\n<stix:Indicators>{}{}{}{}\
             {}{}</stix:Indicators>\n",
            address("192.0.2.2"),
            // Expired: its one window ended in 2020.
            indicator(
                "1",
                &window("2020-01-01T00:00:00Z", "2020-06-30T02:00:00+02:00"),
                &address("192.0.2.1"),
            ),
            // Not expired, and reached by idref: no zone reads as UTC, no
            // end leaves it open.
            by_ref,
            // No validity: an empty window, as the corpus writes them.
            indicator(
                "3",
                "<indicator:Valid_Time_Position/>",
                &address("192.0.2.3")
            ),
            // Two windows: the latest end; one without a start leaves
            // the start open. A bare date is its midnight UTC.
            indicator(
                "4",
                &(window("2019-01-01T00:00:00Z", "2021-01-01T00:00:00Z")
                    + &window("", "2022-01-01")),
                &address("192.0.2.4"),
            ),
            // Unreadable: warned about, ignored.
            indicator("5", &window("", "soon"), &address("192.0.2.5")),
            indicator("6", "", &address("192.0.2.6")),
        );
        let mut got = load(&body);
        let metas: Vec<_> = got
            .set
            .iter()
            .map(|(_, i)| {
                let m = &i.sources[0].meta;
                (i.value.to_string(), m.valid_from, m.valid_until)
            })
            .collect();
        let day =
            |y, m, d| Some(crate::time::days_from_civil(y, m, d) * 86_400);
        assert_eq!(
            metas,
            [
                ("192.0.2.2".into(), day(2024, 1, 31), None),
                ("192.0.2.1".into(), day(2020, 1, 1), day(2020, 6, 30)),
                ("192.0.2.3".into(), None, None),
                ("192.0.2.4".into(), None, day(2022, 1, 1)),
                ("192.0.2.5".into(), None, None),
                ("192.0.2.6".into(), None, None),
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: x:Indicator-5: warning: End_Time \"soon\" is not a \
              date and time (2024-01-31T00:00:00Z); an indicator is read \
              without it, an allowlist entry is not applied"]
        );
        let now = day(2026, 12, 4).unwrap() + 3600;
        let left: Vec<String> = got
            .retain_current(now, false)
            .iter()
            .map(|r| r.indicator.value.to_string())
            .collect();
        assert_eq!(left, ["192.0.2.1", "192.0.2.4"]);
        assert_eq!(got.set.len(), 4);
    }
}
