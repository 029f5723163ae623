//! The STIX 2.0/2.1 JSON reader.
//!
//! Indicators yield the values their patterns name on paths we can sweep
//! for (addresses, domains, URLs, e-mail addresses, file names and
//! hashes, a few strings): with `=` and `IN`; with `LIKE` and `MATCHES`
//! where the pattern is a literal our matching rules find exactly (see
//! [`wildcard`] for each shape); with `ISSUBSET` as a CIDR range. An
//! address compared beside `network-traffic:dst_port = N` keeps the
//! port. `!=` and `NOT` name nothing to sweep for and are warned about;
//! what cannot become an indicator is an error naming the indicator id
//! and why, never dropped silently. `valid_from`, `valid_until` and
//! `revoked` are kept in each source's [`SourceMeta`]; leaving out
//! expired and revoked indicators is a later step
//! ([`super::Loaded::retain_current`]). Observed-data objects and
//! top-level cyber-observables yield their values too. Every value is
//! located by the id of the object it came from.

pub(crate) mod pattern;
mod wildcard;

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::hash::BuildHasher;

use serde::de::{
    DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;
use serde_json::{Map, Value as Json};

use self::pattern::{Comparison, Expr, Literal, Observation, Path};
use super::{Reader, UNREAD, stream};
use crate::indicator::Kind;
use crate::set::{Locator, SourceMeta};
use crate::time::Civil;

/// Reads a bundle, one object at a time.
///
/// Of the versions of one object (one `id`, several `modified`), the
/// latest is read: a feed that revoked or ended an indicator in a later
/// version does not have it swept on the word of an earlier one. A
/// version revoked once stays revoked (STIX: revocation cannot be
/// undone). Versions are found by a first, lighter pass over the bundle.
///
/// A document that breaks off, or turns out not to be JSON, keeps what
/// was read before the fault, and the error says where it is.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let versions = Versions::of(text);
    // The ids of which earlier versions were skipped, in the order first
    // met, and how many of each.
    let mut skipped: Vec<(String, usize)> = Vec::new();
    let mut place: HashMap<String, usize> = HashMap::new();
    let walked = walk(text, &mut |n, raw| match stream::build(raw) {
        Ok(Json::Object(obj)) => {
            if let Some(id) = versions.superseded(&obj) {
                let i = *place.entry(id.to_string()).or_insert_with(|| {
                    skipped.push((id.to_string(), 0));
                    skipped.len() - 1
                });
                skipped[i].1 += 1;
            } else {
                read_object(r, &obj, &versions);
            }
        }
        Ok(_) => {}
        // Not built, so named by its place: an entry not loaded.
        Err(why) => r.error(Some(Locator::Id(format!("object {n}"))), why),
    });
    for id in versions.mixed() {
        let why = "objects of this id differ in created_by_ref or created, \
                   so are not versions of one another: each is read"
            .to_string();
        r.warn(Some(Locator::id(id)), why);
    }
    for (id, n) in skipped {
        let why = format!(
            "{n} earlier {} not read: of an id's versions, the one with the \
             latest \"modified\" is read",
            if n == 1 { "version" } else { "versions" },
        );
        r.warn(Some(Locator::id(&id)), why);
    }
    match walked {
        Ok(true) => {}
        Ok(false) => r.error(None, "expected an \"objects\" array".into()),
        Err(e) if e.is_data() => r.error(None, e.to_string()),
        Err(e) => r.error(None, format!("not valid JSON: {e}")),
    }
}

/// What is done with each element of the `objects` array: its place
/// (from 1) and its text, skimmed but not built.
type Each<'a, 'de> = &'a mut dyn FnMut(usize, &'de RawValue);

/// Walks a bundle's `objects` array, handing each element to `each`;
/// says whether there was such an array.
fn walk<'de>(
    text: &'de str,
    each: Each<'_, 'de>,
) -> Result<bool, serde_json::Error> {
    stream::parse(text, Bundle { each })
}

/// The top-level object of a bundle: reads the `objects` array, skips
/// the rest, and says whether there was such an array.
struct Bundle<'a, 'de> {
    each: Each<'a, 'de>,
}

impl<'de> DeserializeSeed<'de> for Bundle<'_, 'de> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<bool, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Bundle<'_, 'de> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<bool, A::Error> {
        let mut found = false;
        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
            if key.as_str() == "objects" {
                map.next_value_seed(Objects { each: &mut *self.each })?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

/// The `objects` array: each element is skimmed and handed on in turn.
struct Objects<'a, 'de> {
    each: Each<'a, 'de>,
}

impl<'de> DeserializeSeed<'de> for Objects<'_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Objects<'_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an \"objects\" array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        while let Some(raw) = seq.next_element::<&'de RawValue>()? {
            n += 1;
            (self.each)(n, raw);
        }
        Ok(())
    }
}

/// An instant to the nanosecond, as `modified` orders versions.
type Instant = (i64, u32);

/// What the objects of one id say together.
#[derive(Debug)]
struct Version {
    /// Who made the first object met, and when (`created_by_ref` and
    /// `created`, hashed): versions of one object share both.
    origin: u64,
    /// Whether objects of the id differ in origin: then they are not
    /// versions of one another, and each is read on its own.
    mixed: bool,
    /// How many objects have the id and a `modified`.
    count: u32,
    /// The latest readable `modified` among them.
    latest: Option<Instant>,
    /// Whether any of them is revoked.
    revoked: bool,
}

/// The ids of a bundle that have more than one version, or an object
/// marked revoked, or objects of different origins. Only an object whose
/// id names its own type (`indicator--…` for an indicator) counts: any
/// other is read as itself, and neither stands for nor revokes the
/// object its id names.
#[derive(Debug, Default)]
struct Versions<'t> {
    ids: HashMap<Cow<'t, str>, Version>,
}

impl<'t> Versions<'t> {
    /// Finds the objects of `text` that have an `id` naming their type
    /// and a `modified` or a `revoked`, and keeps the ids that matter. An
    /// element too large to build, or a fault in the document, ends
    /// nothing here: the reading pass names it; the latest version
    /// decides whether or not it can be read, so that an earlier one
    /// never stands in for it. Ids are borrowed from the text where they
    /// hold no escape: a million indicators take some 60 MB here.
    fn of(text: &'t str) -> Versions<'t> {
        let mut ids: HashMap<Cow<'t, str>, Version> = HashMap::new();
        // Keyed at random, so that a feed cannot make two origins hash
        // alike.
        let keys = std::hash::RandomState::new();
        let _ = walk(text, &mut |_, raw| {
            let Ok(h) = serde_json::from_str::<Header<'t>>(raw.get()) else {
                return;
            };
            let Some(id) = h.id.filter(|id| names_type(id, h.kind.as_deref()))
            else {
                return;
            };
            if h.modified.is_none() && !h.revoked {
                return;
            }
            let origin = keys.hash_one((&h.created_by_ref, &h.created));
            let v = ids.entry(id).or_insert(Version {
                origin,
                mixed: false,
                count: 0,
                latest: None,
                revoked: false,
            });
            v.mixed |= v.origin != origin;
            v.revoked |= h.revoked;
            if let Some(modified) = h.modified {
                v.count += 1;
                v.latest = v.latest.max(modified);
            }
        });
        ids.retain(|_, v| v.count > 1 || v.revoked || v.mixed);
        ids.shrink_to_fit();
        Versions { ids }
    }

    /// Returns the versioning facts of `obj`'s id, if it has any and
    /// they apply to it.
    fn of_object(&self, obj: &Map<String, Json>) -> Option<&Version> {
        let id = obj.get("id").and_then(Json::as_str)?;
        let kind = obj.get("type").and_then(Json::as_str);
        let v = self.ids.get(id)?;
        (names_type(id, kind) && !v.mixed).then_some(v)
    }

    /// Returns the object's id if a later version of it stands: its
    /// `modified` reads and is earlier than the id's latest. A version
    /// whose `modified` does not read is not shown to be earlier, and
    /// is read.
    fn superseded<'o>(&self, obj: &'o Map<String, Json>) -> Option<&'o str> {
        let v = self.of_object(obj)?;
        let modified =
            rfc3339_nanos(obj.get("modified").and_then(Json::as_str)?)?;
        let id = obj.get("id").and_then(Json::as_str)?;
        (Some(modified) < v.latest).then_some(id)
    }

    /// Whether some version of `obj` is revoked.
    fn revoked(&self, obj: &Map<String, Json>) -> bool {
        self.of_object(obj).is_some_and(|v| v.revoked)
    }

    /// The ids whose objects differ in origin, sorted.
    fn mixed(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self
            .ids
            .iter()
            .filter(|(_, v)| v.mixed)
            .map(|(id, _)| id.as_ref())
            .collect();
        out.sort_unstable();
        out
    }
}

/// Whether `id` names objects of type `kind` (`indicator--…`).
fn names_type(id: &str, kind: Option<&str>) -> bool {
    kind.is_some_and(|k| {
        id.strip_prefix(k).is_some_and(|rest| rest.starts_with("--"))
    })
}

/// The members of an object that tell its versions apart. `modified`
/// is `Some(None)` when present but not a readable time (or not a
/// string).
#[derive(Default)]
struct Header<'t> {
    kind: Option<Cow<'t, str>>,
    id: Option<Cow<'t, str>>,
    created_by_ref: Option<Cow<'t, str>>,
    created: Option<Cow<'t, str>>,
    modified: Option<Option<Instant>>,
    revoked: bool,
}

impl<'de> serde::Deserialize<'de> for Header<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(HeaderVisitor)
    }
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = Header<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a STIX object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Header<'de>, A::Error> {
        let mut h = Header::default();
        // As a built object keeps the last of a repeated member, so do
        // these.
        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
            match key.as_str() {
                "type" => h.kind = map.next_value::<Text<'de>>()?.0,
                "id" => h.id = map.next_value::<Text<'de>>()?.0,
                "created_by_ref" => {
                    h.created_by_ref = map.next_value::<Text<'de>>()?.0;
                }
                "created" => h.created = map.next_value::<Text<'de>>()?.0,
                "modified" => {
                    let text = map.next_value::<Text<'de>>()?.0;
                    h.modified = Some(text.and_then(|t| rfc3339_nanos(&t)));
                }
                "revoked" => h.revoked = map.next_value::<Text<'de>>()?.1,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(h)
    }
}

/// A member's value if it is a string, borrowed where it holds no escape
/// (`None` for any other value), and whether it is `true`. Nothing else
/// is built: this pass reads elements of any size, and a member holding
/// a huge array must cost no more than its text.
struct Text<'de>(Option<Cow<'de, str>>, bool);

impl<'de> serde::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                s: &'de str,
            ) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Borrowed(s)), false))
            }
            fn visit_str<E: serde::de::Error>(
                self,
                s: &str,
            ) -> Result<Text<'de>, E> {
                Ok(Text(Some(Cow::Owned(s.to_string())), false))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Text<'de>, A::Error> {
                stream::drain_map(map)?;
                Ok(Text(None, false))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Text<'de>, A::Error> {
                stream::drain_seq(seq)?;
                Ok(Text(None, false))
            }
            fn visit_bool<E: serde::de::Error>(
                self,
                b: bool,
            ) -> Result<Text<'de>, E> {
                Ok(Text(None, b))
            }
            fn visit_i64<E: serde::de::Error>(
                self,
                _: i64,
            ) -> Result<Text<'de>, E> {
                Ok(Text(None, false))
            }
            fn visit_u64<E: serde::de::Error>(
                self,
                _: u64,
            ) -> Result<Text<'de>, E> {
                Ok(Text(None, false))
            }
            fn visit_f64<E: serde::de::Error>(
                self,
                _: f64,
            ) -> Result<Text<'de>, E> {
                Ok(Text(None, false))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text(None, false))
            }
        }
        d.deserialize_any(V)
    }
}

/// The longest pattern parsed, in bytes. Its parse tree takes some 50
/// times its text; advisories' patterns are a few KiB at most.
const MAX_PATTERN: usize = 256 << 10;

/// Reads one top-level object.
fn read_object(r: &mut Reader<'_>, obj: &Map<String, Json>, v: &Versions) {
    let id = obj.get("id").and_then(Json::as_str).unwrap_or("(no id)");
    let at = Locator::id(id);
    let revoked = v.revoked(obj);
    if obj.get("type").and_then(Json::as_str) != Some("indicator") {
        // Observed data is revoked as an indicator is (and an observable
        // marked so is taken at its word).
        let member = revoked_member(r, obj, &at);
        r.set_meta(SourceMeta {
            revoked: revoked || member == Some(true),
            validity_unread: member.is_none(),
            ..SourceMeta::default()
        });
    }
    match obj.get("type").and_then(Json::as_str) {
        Some("indicator") => read_indicator(r, obj, at, revoked),
        Some("bundle") => {
            let why = "a bundle inside a bundle's objects is not read".into();
            r.warn(Some(at), why);
        }
        Some("observed-data") => {
            // STIX 2.0 embeds observables; 2.1's object_refs name
            // top-level objects, which are read on their own.
            if let Some(Json::Object(map)) = obj.get("objects") {
                for o in map.values().filter_map(Json::as_object) {
                    read_observable(r, o, &at);
                }
            }
        }
        _ => read_observable(r, obj, &at),
    }
}

/// Reads the value of a cyber-observable object, if it has one we sweep
/// for; other objects are not indicators and are ignored.
fn read_observable(r: &mut Reader<'_>, o: &Map<String, Json>, at: &Locator) {
    let str_of = |k: &str| o.get(k).and_then(Json::as_str);
    let kind = match o.get("type").and_then(Json::as_str) {
        Some("ipv4-addr") => Kind::Ipv4,
        Some("ipv6-addr") => Kind::Ipv6,
        Some("domain-name") => Kind::Domain,
        Some("url") => Kind::Url,
        Some("email-addr") => Kind::Email,
        Some("file") => {
            if let Some(name) = str_of("name") {
                r.typed(name, Kind::Filename, at.clone(), false);
            }
            if let Some(Json::Object(hashes)) = o.get("hashes") {
                for (key, v) in hashes {
                    let Some(v) = v.as_str() else { continue };
                    match hash_kind(key) {
                        Some(k) => {
                            r.typed(v, k, at.clone(), false);
                        }
                        None => unsupported_hash(r, key, at),
                    }
                }
            }
            return;
        }
        _ => return,
    };
    if let Some(v) = str_of("value") {
        r.typed(v, kind, at.clone(), false);
    }
}

/// Reads an indicator object's pattern.
/// `revoked` is set when another version of the indicator is revoked.
fn read_indicator(
    r: &mut Reader<'_>,
    obj: &Map<String, Json>,
    at: Locator,
    revoked: bool,
) {
    let mut meta = validity(r, obj, &at);
    meta.revoked |= revoked;
    r.set_meta(meta);
    let kind = obj.get("pattern_type").and_then(Json::as_str);
    if kind.is_some_and(|k| k != "stix") {
        let why = format!(
            "pattern_type {:?} is not supported; skipped",
            kind.unwrap_or_default()
        );
        return r.warn(Some(at), why);
    }
    let Some(text) = obj.get("pattern").and_then(Json::as_str) else {
        return r.error(Some(at), "expected a \"pattern\" string".into());
    };
    if text.len() > MAX_PATTERN {
        let why = format!(
            "pattern of {} bytes not read: larger than the {} KiB a pattern \
             may have",
            text.len(),
            MAX_PATTERN >> 10
        );
        return r.error(Some(at), why);
    }
    match pattern::parse(text) {
        Ok(obs) => observation(r, &obs, &at, false),
        Err(e) => r.error(Some(at), format!("pattern: {e}")),
    }
}

/// Reports one observation expression's values. `compound` is set for
/// observations joined by `AND` or `FOLLOWEDBY`: each is only part of
/// what the pattern looks for.
fn observation(
    r: &mut Reader<'_>,
    obs: &Observation,
    at: &Locator,
    compound: bool,
) {
    let quals = match obs {
        Observation::One(_, q) | Observation::Join(_, _, q) => q,
    };
    for q in quals {
        let why = match q.as_str() {
            "REPEATS" => "every sighting is reported, not only repeated ones",
            "START" => {
                "sightings outside its START … STOP window are \
                        reported too"
            }
            _ => "the values are swept for at any time",
        };
        r.warn(Some(at.clone()), format!("qualifier {q} is ignored: {why}"));
    }
    // The values under a qualifier hold only under it.
    let outer = (!quals.is_empty() && !r.meta().qualified).then(|| {
        let outer = r.meta().clone();
        r.set_meta(SourceMeta { qualified: true, ..outer.clone() });
        outer
    });
    match obs {
        Observation::One(expr, _) => {
            let parts = match expr {
                Expr::And(parts) => parts.as_slice(),
                e => std::slice::from_ref(e),
            };
            let ports: Vec<u16> = parts
                .iter()
                .filter_map(|e| match e {
                    Expr::Test(c) => dst_port(c),
                    _ => None,
                })
                .collect();
            // Every part of an AND is only part of what the pattern looks
            // for, whether or not the other parts can be swept for; only
            // a `dst_port` folded into the addresses beside it is no part
            // of its own. It folds into addresses compared whole, alone
            // or in an OR; beside anything else, or beside another port,
            // it is a part that cannot be swept for.
            let port = match ports[..] {
                [p] if parts.iter().any(takes_port) => Some(p),
                _ => None,
            };
            let folded = |e: &Expr| {
                port.is_some() && matches!(e, Expr::Test(c) if is_dst_port(c))
            };
            let own = parts.iter().filter(|e| !folded(e)).count();
            let compound = compound || own >= 2;
            for part in parts {
                comparisons(r, part, at, compound, port);
            }
        }
        Observation::Join(op, parts, _) => {
            let compound = compound || op != "OR";
            // What our own STIX export joins one part of an AND to, in
            // place of the other parts it did not hold: the AND marks the
            // rest as a part, and the mark itself is nothing to sweep for
            // or to warn about. Anywhere else it is an unknown object.
            let marked =
                op == "AND" && parts.iter().any(|p| !is_other_parts(p));
            for part in parts {
                if !(marked && is_other_parts(part)) {
                    observation(r, part, at, compound);
                }
            }
        }
    }
    if let Some(outer) = outer {
        r.set_meta(outer);
    }
}

/// Whether `o` is exactly the observation `iocs export --to stix2` writes
/// for the other parts of an AND,
/// `[x-iocsweep-and:other_parts = 'not exported']`, with no qualifier.
fn is_other_parts(o: &Observation) -> bool {
    let Observation::One(Expr::Test(c), quals) = o else { return false };
    quals.is_empty()
        && c.path.object == "x-iocsweep-and"
        && c.path.steps == ["other_parts"]
        && c.op == "="
        && !c.negated
        && c.literal == Literal::Str("not exported".into())
}

/// Reports every comparison in `e`.
fn comparisons(
    r: &mut Reader<'_>,
    e: &Expr,
    at: &Locator,
    compound: bool,
    port: Option<u16>,
) {
    match e {
        Expr::And(parts) | Expr::Or(parts) => {
            // An AND nested in an OR still joins its parts.
            let and = matches!(e, Expr::And(_)) && parts.len() >= 2;
            for p in parts {
                comparisons(r, p, at, compound || and, port);
            }
        }
        Expr::Test(c) => comparison(r, c, at, compound, port),
    }
}

/// Reports one comparison: its value, or why it yields none. `port` is
/// the `network-traffic:dst_port` compared with `=` beside it, if any.
fn comparison(
    r: &mut Reader<'_>,
    c: &Comparison,
    at: &Locator,
    compound: bool,
    port: Option<u16>,
) {
    let warn = |r: &mut Reader<'_>, why: String| r.warn(Some(at.clone()), why);
    let Some(target) = target(&c.path) else {
        if let Some(key) = hash_key(&c.path) {
            return unsupported_hash(r, key, at);
        }
        if port.is_some() && is_dst_port(c) {
            return;
        }
        return warn(r, format!("{} cannot be swept for; skipped", c.path));
    };
    // A negation or `!=` says what the indicator is not: nothing to sweep
    // for, which is no loss.
    if c.negated || c.op == "!=" {
        let op =
            if c.negated { format!("NOT {}", c.op) } else { c.op.clone() };
        return warn(
            r,
            format!("{} {op} names no value to sweep for; skipped", c.path),
        );
    }
    let values: Vec<&Literal> = match (c.op.as_str(), &c.literal) {
        ("=" | "LIKE" | "MATCHES" | "ISSUBSET", lit) => vec![lit],
        ("IN", Literal::List(items)) => items.iter().collect(),
        (op, _) => {
            let why = format!(
                "{} {op} names no single value to sweep for; not loaded",
                c.path
            );
            return r.error(Some(at.clone()), why);
        }
    };
    for lit in values {
        let Literal::Str(v) = lit else {
            let why = format!("{} {} expects quoted strings", c.path, c.op);
            r.error(Some(at.clone()), why);
            continue;
        };
        match loadable(c, v, target, port) {
            Ok(l) => load(r, l, at, compound),
            Err(why) => {
                let why =
                    format!("{} {} '{v}' not loaded: {why}", c.path, c.op);
                r.error(Some(at.clone()), why);
            }
        }
    }
}

/// Returns what one quoted value of a comparison loads as.
fn loadable(
    c: &Comparison,
    v: &str,
    target: Option<Kind>,
    port: Option<u16>,
) -> Result<wildcard::Loadable, String> {
    let plain = |value: String| wildcard::Loadable {
        value,
        kind: target,
        contains: false,
        note: None,
    };
    match c.op.as_str() {
        "LIKE" => wildcard::loadable(wildcard::like(v)?, target),
        "MATCHES" => wildcard::loadable(wildcard::matches(v)?, target),
        "ISSUBSET" => subset(v, target),
        _ => match port {
            Some(p) if whole_address(c) => Ok(plain(with_port(v, p))),
            _ => Ok(plain(v.to_string())),
        },
    }
}

/// Returns what `address ISSUBSET 'range'` loads as: the range.
fn subset(
    v: &str,
    target: Option<Kind>,
) -> Result<wildcard::Loadable, String> {
    let is_addr = matches!(target, None | Some(Kind::Ipv4 | Kind::Ipv6));
    let range = v.split_once('/').is_some_and(|(a, n)| {
        a.parse::<std::net::IpAddr>().is_ok() && n.parse::<u8>().is_ok()
    });
    if !is_addr {
        return Err("ISSUBSET applies to addresses only".into());
    }
    if !range {
        return Err("expected a CIDR range such as '198.51.100.0/24'".into());
    }
    Ok(wildcard::Loadable {
        value: v.to_string(),
        kind: Some(Kind::Cidr),
        contains: false,
        note: None,
    })
}

/// Adds one loadable value, marking a substring condition in its source.
fn load(
    r: &mut Reader<'_>,
    l: wildcard::Loadable,
    at: &Locator,
    compound: bool,
) {
    if let Some(note) = l.note {
        r.warn(Some(at.clone()), note);
    }
    let meta = r.meta().clone();
    if l.contains {
        r.set_meta(SourceMeta { contains: true, ..meta.clone() });
    }
    match l.kind {
        Some(k) => r.typed(&l.value, k, at.clone(), compound),
        None => r.untyped(&l.value, at.clone(), compound),
    };
    r.set_meta(meta);
}

/// Writes an address with a port as our loader reads it.
fn with_port(addr: &str, port: u16) -> String {
    if addr.contains(':') {
        format!("[{addr}]:{port}")
    } else {
        format!("{addr}:{port}")
    }
}

/// Whether the path is `network-traffic:dst_ref.value`.
fn is_traffic_ref(path: &Path) -> bool {
    path.object == "network-traffic"
        && path.steps.iter().map(String::as_str).eq(["dst_ref", "value"])
}

/// Whether a `dst_port` beside `e` folds into it: `e` compares
/// `dst_ref.value` with one address, or is an `OR` of such comparisons.
fn takes_port(e: &Expr) -> bool {
    match e {
        Expr::Test(c) => whole_address(c),
        Expr::Or(parts) => parts.iter().all(takes_port),
        Expr::And(_) => false,
    }
}

/// Whether the comparison is `network-traffic:dst_ref.value = 'ADDRESS'`,
/// one address (not a range, not a name), or `IN` a list of such.
fn whole_address(c: &Comparison) -> bool {
    let address = |l: &Literal| matches!(l, Literal::Str(v) if v.parse::<std::net::IpAddr>().is_ok());
    let whole = match (c.op.as_str(), &c.literal) {
        ("=", l) => address(l),
        ("IN", Literal::List(items)) => {
            !items.is_empty() && items.iter().all(address)
        }
        _ => false,
    };
    is_traffic_ref(&c.path) && !c.negated && whole
}

/// Whether the comparison is `network-traffic:dst_port = N`.
fn is_dst_port(c: &Comparison) -> bool {
    dst_port(c).is_some()
}

/// Returns N of `network-traffic:dst_port = N`.
fn dst_port(c: &Comparison) -> Option<u16> {
    let ok = c.path.object == "network-traffic"
        && c.path.steps == ["dst_port"]
        && c.op == "="
        && !c.negated;
    match &c.literal {
        Literal::Int(n) if ok => u16::try_from(*n).ok(),
        _ => None,
    }
}

/// Returns what a path compared with `=` yields: `Some(Some(kind))` for a
/// value of that kind, `Some(None)` for a value to classify, `None` if
/// it cannot be swept for.
fn target(path: &Path) -> Option<Option<Kind>> {
    let steps: Vec<&str> = path
        .steps
        .iter()
        .map(String::as_str)
        .filter(|s| !s.starts_with('['))
        .collect();
    let typed = |k| Some(Some(k));
    match (path.object.as_str(), steps.as_slice()) {
        ("ipv4-addr", ["value"]) => typed(Kind::Ipv4),
        ("ipv6-addr", ["value"]) => typed(Kind::Ipv6),
        ("domain-name", ["value"]) => typed(Kind::Domain),
        ("url", ["value"]) => typed(Kind::Url),
        ("email-addr", ["value"]) => typed(Kind::Email),
        ("email-message", [r, "value"])
            if matches!(
                *r,
                "from_ref" | "sender_ref" | "to_refs" | "cc_refs" | "bcc_refs"
            ) =>
        {
            typed(Kind::Email)
        }
        ("file", ["name" | "path"]) => typed(Kind::Filename),
        ("process", ["name"]) => typed(Kind::Filename),
        ("mutex", ["name"]) => typed(Kind::String),
        // What our own STIX export writes plain strings as.
        ("x-iocsweep-string", ["value"]) => typed(Kind::String),
        ("windows-registry-key", ["key"]) => typed(Kind::String),
        ("network-traffic", ["dst_ref" | "src_ref", "value"]) => Some(None),
        (
            "network-traffic",
            ["extensions", "http-request-ext", "request_header", h],
        ) if h.eq_ignore_ascii_case("user-agent") => typed(Kind::String),
        _ => hash_key(path).and_then(hash_kind).map(Some),
    }
}

/// Returns the key of a `file:hashes.KEY` or certificate hash path.
fn hash_key(path: &Path) -> Option<&str> {
    match (path.object.as_str(), path.steps.as_slice()) {
        ("file" | "x509-certificate" | "artifact", [h, key])
            if h == "hashes" =>
        {
            Some(key)
        }
        _ => None,
    }
}

/// Maps a hash key in any spelling (`SHA-256`, `sha256`) to a kind.
fn hash_kind(key: &str) -> Option<Kind> {
    let key: String = key
        .chars()
        .filter(|c| *c != '-' && *c != '_' && *c != '\'')
        .collect::<String>()
        .to_ascii_lowercase();
    Some(match key.as_str() {
        "md5" => Kind::Md5,
        "sha1" => Kind::Sha1,
        "sha256" => Kind::Sha256,
        "sha512" => Kind::Sha512,
        "ssdeep" | "tlsh" => Kind::String,
        _ => return None,
    })
}

/// Returns what an indicator object states about its validity:
/// `valid_from`, `valid_until` and `revoked`. A timestamp that is not
/// RFC 3339 is warned about and marked (see
/// [`SourceMeta::validity_unread`]).
fn validity(
    r: &mut Reader<'_>,
    obj: &Map<String, Json>,
    at: &Locator,
) -> SourceMeta {
    let mut validity_unread = false;
    let mut stamp = |key: &str| {
        let secs = match obj.get(key)? {
            Json::String(text) => rfc3339(text),
            _ => None,
        };
        if secs.is_none() {
            validity_unread = true;
            let why = format!(
                "{key} {} is not an RFC 3339 timestamp; {UNREAD}",
                obj[key]
            );
            r.warn(Some(at.clone()), why);
        }
        secs
    };
    let valid_from = stamp("valid_from");
    let valid_until = stamp("valid_until");
    let revoked = revoked_member(r, obj, at);
    SourceMeta {
        valid_from,
        valid_until,
        revoked: revoked == Some(true),
        validity_unread: validity_unread || revoked.is_none(),
        ..SourceMeta::default()
    }
}

/// Returns an object's `revoked`; one that is not a boolean is warned
/// about and `None` (read as not revoked, and marked
/// [`SourceMeta::validity_unread`]).
fn revoked_member(
    r: &mut Reader<'_>,
    obj: &Map<String, Json>,
    at: &Locator,
) -> Option<bool> {
    match obj.get("revoked") {
        None | Some(Json::Bool(false)) => Some(false),
        Some(Json::Bool(true)) => Some(true),
        Some(other) => {
            let why = format!(
                "revoked {other} is not true or false; an indicator is read \
                 as not revoked, an allowlist entry is not applied"
            );
            r.warn(Some(at.clone()), why);
            None
        }
    }
}

/// Returns the Unix seconds of an RFC 3339 timestamp
/// (`2024-01-31T00:00:00.000Z`, `2024-01-31T02:00:00+02:00`); the
/// fraction is dropped.
pub fn rfc3339(s: &str) -> Option<i64> {
    rfc3339_nanos(s).map(|(secs, _)| secs)
}

/// Returns the Unix seconds and nanoseconds of an RFC 3339 timestamp;
/// digits past the ninth of the fraction are dropped.
fn rfc3339_nanos(s: &str) -> Option<Instant> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let d = b.get(from..from + len)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(d).ok()?.parse().ok()
    };
    let seps = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if seps.iter().any(|&(i, c)| b.get(i) != Some(&c))
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let civil = Civil {
        year: i64::from(num(0, 4)?),
        month: num(5, 2)?,
        day: num(8, 2)?,
        hour: num(11, 2)?,
        minute: num(14, 2)?,
        second: num(17, 2)?,
        nanos: 0,
    };
    let mut at = 19;
    let mut nanos = 0;
    if b.get(at) == Some(&b'.') {
        at += 1;
        let digits = b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return None;
        }
        for place in 0..9 {
            let d = b.get(at + place).filter(|_| place < digits);
            nanos = nanos * 10 + d.map_or(0, |d| u32::from(d - b'0'));
        }
        at += digits;
    }
    let offset = match b.get(at..)? {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), ..]
            if b.len() == at + 6 && b[at + 3] == b':' =>
        {
            let (hours, minutes) = (num(at + 1, 2)?, num(at + 4, 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let mins = i64::from(hours * 60 + minutes);
            if *sign == b'+' { mins * 60 } else { -mins * 60 }
        }
        _ => return None,
    };
    // A leap second (`23:59:60.5`) comes before the next minute
    // (`00:00:00.2`): it is read as the last instant of its minute.
    let (civil, nanos) = if civil.second == 60 {
        (Civil { second: 59, ..civil }, 999_999_999)
    } else {
        (civil, nanos)
    };
    Some((civil.stamp()?.secs - offset, nanos))
}

fn unsupported_hash(r: &mut Reader<'_>, key: &str, at: &Locator) {
    let why = format!("hash type {key} cannot be swept for; skipped");
    r.warn(Some(at.clone()), why);
}

#[cfg(test)]
mod tests;
