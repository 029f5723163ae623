//! The MISP event reader: `{"Event": …}`, `{"response": [{"Event": …}]}`
//! or a list of either, and attribute exports (`/attributes/restSearch`:
//! `{"response": {"Attribute": […]}}`).
//!
//! Each event's `Attribute` list and the attributes of its `Object`s load
//! by MISP type: addresses (`ip-src`, `ip-dst`, with `|port`), names
//! (`domain`, `hostname`), `url`, e-mail addresses, hashes, `filename`,
//! `user-agent` (a literal string), and composites such as `domain|ip` or
//! `filename|sha256`, which load both parts. A `uri` that is only a path
//! loads as a substring string. The attribute's `uuid` is its source, and
//! its `to_ids` flag is kept with it; with
//! [`LoadOptions::to_ids_only`](super::LoadOptions) attributes not meant
//! for detection are left out (and counted).
//!
//! Types the sweep cannot match (`text`, `comment`, `regkey`, `mutex`,
//! `yara`, `AS`, `port`, `ssdeep`…) are counted and named once per type.
//! `imphash` is one of them: it is MD5-shaped, but it digests a PE file's
//! import table, not the file, and a hit reported as an MD5 would mislead.

use std::fmt;

use serde::de::{
    DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::{Reader, Unmatchable, stream};
use crate::indicator::Kind;
use crate::set::{Locator, SourceMeta};

/// What a pass over the events met besides loaded values.
#[derive(Default)]
struct Tally {
    skipped: Unmatchable,
    not_for_ids: usize,
    deleted: usize,
}

/// Reads a MISP export, one attribute at a time.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let mut tally = Tally::default();
    let walk = Walk { r: &mut *r, tally: &mut tally, level: Level::Top };
    if let Err(e) = stream::parse(text, walk) {
        // What was read before the fault is kept.
        r.error(None, format!("not valid JSON: {e}"));
    }
    r.set_meta(SourceMeta::default());
    if tally.not_for_ids > 0 {
        let n = tally.not_for_ids;
        r.left_out(n);
        let noun = if n == 1 { "attribute" } else { "attributes" };
        r.warn(
            None,
            format!("{n} {noun} without to_ids left out (--to-ids-only)"),
        );
    }
    if tally.deleted > 0 {
        let n = tally.deleted;
        let noun = if n == 1 { "attribute" } else { "attributes" };
        r.warn(None, format!("{n} {noun} marked deleted left out"));
    }
    tally.skipped.report(r, ("attribute", "attributes"));
}

/// Where in the accepted shapes a value is.
#[derive(Clone, Copy)]
enum Level {
    /// An export, a `response` list, or a list of either: holds `Event`
    /// objects.
    Top,
    /// What `response` holds: a list of events, or an object holding an
    /// `Event` or an attribute search's `Attribute` list.
    Response,
    /// An `Event`: holds `Attribute` and `Object` lists.
    Event,
    /// An `Attribute` list.
    Attributes,
    /// An `Object` list.
    Objects,
    /// One `Object`: holds an `Attribute` list.
    Object,
}

/// Walks a MISP export without building it: only one attribute at a time
/// is built, read and dropped. A value of a shape not expected where it
/// is met is skipped, as a lookup in a parsed document would miss it.
struct Walk<'a, 'r> {
    r: &'a mut Reader<'r>,
    tally: &'a mut Tally,
    level: Level,
}

impl<'r> Walk<'_, 'r> {
    fn at(&mut self, level: Level) -> Walk<'_, 'r> {
        Walk { r: &mut *self.r, tally: &mut *self.tally, level }
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MISP export")
    }
    stream::skip_scalars!();
    fn visit_seq<A: SeqAccess<'de>>(
        mut self,
        mut seq: A,
    ) -> Result<(), A::Error> {
        let each = match self.level {
            Level::Top | Level::Response => Level::Top,
            Level::Objects => Level::Object,
            Level::Attributes => {
                let mut n = 0;
                while let Some(raw) = seq.next_element::<&'de RawValue>()? {
                    n += 1;
                    match stream::build(raw) {
                        Ok(attr) => read_attribute(self.r, &attr, self.tally),
                        Err(why) => {
                            let at = Locator::Id(format!("attribute {n}"));
                            self.r.error(Some(at), why);
                        }
                    }
                }
                return Ok(());
            }
            Level::Event | Level::Object => return stream::drain_seq(seq),
        };
        while seq.next_element_seed(self.at(each))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(
        mut self,
        mut map: A,
    ) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<stream::Key<'de>>()? {
            let next = match (self.level, key.as_str()) {
                (Level::Top, "Event") => Level::Event,
                (Level::Top, "response") => Level::Response,
                (Level::Response, "Event") => Level::Event,
                // An attribute search's result: `{"response":
                // {"Attribute": [...]}}`.
                (Level::Response, "Attribute") => Level::Attributes,
                (Level::Event, "Object") => Level::Objects,
                (Level::Event | Level::Object, "Attribute") => {
                    Level::Attributes
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            map.next_value_seed(self.at(next))?;
        }
        Ok(())
    }
}

/// Reads a `to_ids` flag, written as a boolean, a number or a string.
fn flag(v: Option<&Json>) -> Option<bool> {
    match v? {
        Json::Bool(b) => Some(*b),
        Json::Number(n) => Some(n.as_u64() != Some(0)),
        Json::String(s) => Some(matches!(s.as_str(), "1" | "true" | "True")),
        _ => None,
    }
}

fn read_attribute(r: &mut Reader<'_>, attr: &Json, tally: &mut Tally) {
    let field = |k: &str| attr.get(k).and_then(Json::as_str).unwrap_or("");
    if flag(attr.get("deleted")) == Some(true) {
        tally.deleted += 1;
        return;
    }
    let (t, value) = (field("type"), field("value"));
    let id = [field("uuid"), field("id")]
        .into_iter()
        .find(|s| !s.is_empty())
        .unwrap_or("(no uuid)");
    let at = Locator::id(id);
    let to_ids = flag(attr.get("to_ids"));
    if r.opts.to_ids_only && to_ids != Some(true) {
        tally.not_for_ids += 1;
        return;
    }
    r.set_meta(SourceMeta { to_ids, ..SourceMeta::default() });
    if value.trim().is_empty() {
        r.error(Some(at), format!("{t} attribute has an empty value"));
        return;
    }
    read_typed(r, t, value, at, &mut tally.skipped);
}

/// Loads `value` as MISP type `t`, splitting composite types. The CSV
/// reader loads a MISP CSV export's composite types through it too.
pub(super) fn read_typed(
    r: &mut Reader<'_>,
    t: &str,
    value: &str,
    at: Locator,
    skipped: &mut Unmatchable,
) {
    if let Some(addr) = t.strip_suffix("|port") {
        if matches!(addr, "ip-src" | "ip-dst") {
            return read_address_port(r, value, at);
        }
        if matches!(addr, "hostname" | "domain") {
            let host = value.rsplit_once('|').map_or(value, |(h, _)| h);
            r.typed(host, Kind::Domain, at, false);
            return;
        }
    }
    let types: Vec<&str> = t.split('|').collect();
    let kinds: Option<Vec<Kind>> = types.iter().map(|t| kind_of(t)).collect();
    let Some(kinds) = kinds else { return skipped.add(t) };
    let parts: Vec<&str> = if kinds.len() == 1 {
        vec![value]
    } else {
        value.split('|').collect()
    };
    if parts.len() != kinds.len() {
        let why = format!(
            "{t} attribute {value:?} has {} parts, expected {}",
            parts.len(),
            kinds.len()
        );
        return r.error(Some(at), why);
    }
    for ((part, kind), t) in parts.into_iter().zip(kinds).zip(types) {
        if t == "uri" && part.trim_start().starts_with('/') {
            r.contains(part, at.clone(), false);
        } else if kind == Kind::String {
            r.exact(part, kind, at.clone(), false);
        } else {
            r.typed(part, kind, at.clone(), false);
        }
    }
}

/// Loads an `ip-dst|port` value as an address with its port; an empty
/// port part (`192.0.2.1|`) means no port.
fn read_address_port(r: &mut Reader<'_>, value: &str, at: Locator) {
    let Some((ip, port)) = value.rsplit_once('|') else {
        let why = format!("{value:?} is not address|port");
        return r.error(Some(at), why);
    };
    let port = port.trim();
    if port.is_empty() {
        r.typed(ip, Kind::Ipv4, at, false);
        return;
    }
    let joined = if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    };
    r.typed(&joined, Kind::Ipv4, at, false);
}

/// Returns the kind a simple MISP type holds, or `None` for types the
/// sweep cannot match.
fn kind_of(t: &str) -> Option<Kind> {
    Some(match t {
        // `ip` only occurs as a part of composites (`domain|ip`).
        "ip-src" | "ip-dst" | "ip" => Kind::Ipv4,
        "domain" | "hostname" => Kind::Domain,
        "url" | "uri" => Kind::Url,
        "email"
        | "email-src"
        | "email-dst"
        | "email-reply-to"
        | "whois-registrant-email" => Kind::Email,
        "md5" | "x509-fingerprint-md5" => Kind::Md5,
        "sha1" | "x509-fingerprint-sha1" => Kind::Sha1,
        "sha256" | "x509-fingerprint-sha256" => Kind::Sha256,
        "sha512" => Kind::Sha512,
        "filename" => Kind::Filename,
        "user-agent" => Kind::String,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, LoadOptions, Loader, detect};

    const EVENT: &str = r#"{"response": [{"Event": {"id": "1",
      "Attribute": [
        {"uuid": "a-1", "type": "ip-dst", "value": "192.0.2.1", "to_ids": true},
        {"uuid": "a-2", "type": "ip-dst|port", "value": "192.0.2.2|8080", "to_ids": true},
        {"uuid": "a-3", "type": "domain|ip", "value": "evil.example|192.0.2.3", "to_ids": false},
        {"uuid": "a-4", "type": "filename|md5", "value": "x.exe|D41D8CD98F00B204E9800998ECF8427E", "to_ids": "1"},
        {"uuid": "a-5", "type": "regkey", "value": "HKLM\\x", "to_ids": false},
        {"uuid": "a-6", "type": "regkey", "value": "HKLM\\y", "to_ids": false},
        {"uuid": "a-7", "type": "comment", "value": "hello", "to_ids": false},
        {"uuid": "a-8", "type": "md5", "value": "abc", "to_ids": true},
        {"uuid": "a-9", "type": "uri", "value": "/gate.php", "to_ids": true},
        {"uuid": "a-10", "type": "domain", "value": "old.example", "deleted": true}
      ],
      "Object": [{"name": "domain-ip", "Attribute": [
        {"uuid": "o-1", "type": "hostname", "value": "c2.example", "to_ids": true},
        {"uuid": "o-2", "type": "port", "value": "443", "to_ids": false}
      ]}]}}]}"#;

    #[test]
    fn attributes_and_object_attributes_load_by_type() {
        assert_eq!(detect(EVENT), Ok(Format::Misp));
        let got = load_as(Format::Misp, EVENT);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @a-1",
                "ipv4 192.0.2.2:8080 @a-2",
                "ipv4 192.0.2.3 @a-3",
                "domain c2.example @o-1",
                "domain evil.example @a-3",
                "md5 d41d8cd98f00b204e9800998ecf8427e @a-4",
                "filename x.exe @a-4",
                "string /gate.php @a-9",
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt: a-8: \"abc\" is not an md5 hash: expected 32 hex \
                 digits, found 3",
                "t.txt: warning: 1 attribute marked deleted left out",
                "t.txt: warning: 1 attribute of type comment not loaded: \
                 not an indicator the sweep can match",
                "t.txt: warning: 1 attribute of type port not loaded: not \
                 an indicator the sweep can match",
                "t.txt: warning: 2 attributes of type regkey not loaded: \
                 not an indicator the sweep can match",
            ]
        );
        let flags: Vec<(String, Option<bool>, bool)> = got
            .set
            .iter()
            .map(|(_, i)| {
                let m = &i.sources[0].meta;
                (i.value.to_string(), m.to_ids, m.contains)
            })
            .collect();
        assert!(flags.contains(&("192.0.2.1".into(), Some(true), false)));
        assert!(flags.contains(&("evil.example".into(), Some(false), false)));
        assert!(flags.contains(&("x.exe".into(), Some(true), false)));
        assert!(flags.contains(&("/gate.php".into(), Some(true), true)));
    }

    #[test]
    fn to_ids_only_leaves_the_rest_out_and_says_so() {
        let opts = LoadOptions { to_ids_only: true, ..LoadOptions::default() };
        let mut loader = Loader::new(opts);
        loader.add_text("t.txt".into(), EVENT, false, Format::Misp);
        let got = loader.finish();
        let values: Vec<String> =
            got.set.iter().map(|(_, i)| i.value.to_string()).collect();
        assert_eq!(
            values,
            [
                "192.0.2.1",
                "192.0.2.2:8080",
                "x.exe",
                "d41d8cd98f00b204e9800998ecf8427e",
                "/gate.php",
                "c2.example"
            ]
        );
        let p = problems(&got);
        assert!(
            p.contains(
                &"t.txt: warning: 5 attributes without to_ids left \
                         out (--to-ids-only)"
                    .to_string()
            ),
            "{p:?}"
        );
    }

    #[test]
    fn bare_events_and_lists_of_events_are_read() {
        let one = r#"{"Event": {"Attribute": [{"uuid": "u", "type": "url",
                     "value": "hxxp://evil[.]example/a"}]}}"#;
        assert_eq!(detect(one), Ok(Format::Misp));
        let got = load_as(Format::Misp, one);
        assert_eq!(shown(&got), ["url http://evil.example/a @u"]);
        let list = format!("[{one}, {one}]");
        assert_eq!(detect(&list), Ok(Format::Misp));
        assert_eq!(shown(&load_as(Format::Misp, &list)).len(), 1);
        let bad = r#"{"Event": {"Attribute": [{"uuid": "u",
                     "type": "domain|ip", "value": "evil.example"}]}}"#;
        assert_eq!(
            problems(&load_as(Format::Misp, bad)),
            [
                "t.txt: u: domain|ip attribute \"evil.example\" has 1 \
                 parts, expected 2",
                "t.txt: no usable indicator in this file (read as misp)",
            ]
        );
    }

    #[test]
    fn attributes_are_read_only_where_an_export_holds_them() {
        let attr = |u: &str, d: &str| {
            format!(r#"{{"uuid": "{u}", "type": "domain", "value": "{d}"}}"#)
        };
        let text = format!(
            r#"[[{{"response": [{{"Event": {{
                 "Attribute": [{}],
                 "Object": [{{"Attribute": [{}], "Event": {{"Attribute": [{}]}}}}],
                 "Tag": [{{"Attribute": [{}]}}]}}}}],
               "Attribute": [{}]}}]]"#,
            attr("a", "one.example"),
            attr("b", "two.example"),
            attr("c", "not-in-an-event.example"),
            attr("d", "not-in-an-object.example"),
            attr("e", "not-at-the-top.example"),
        );
        let got = load_as(Format::Misp, &text);
        assert_eq!(
            shown(&got),
            ["domain one.example @a", "domain two.example @b"]
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
    }

    #[test]
    fn an_attribute_search_export_loads_its_attributes() {
        let text = r#"{"response": {"Attribute": [
            {"uuid": "a-1", "type": "ip-dst|port", "value": "198.51.100.80|8443", "to_ids": true},
            {"uuid": "a-2", "type": "domain", "value": "evil.example", "to_ids": false},
            {"uuid": "a-3", "type": "text", "value": "note"}
        ]}}"#;
        let mut loader = crate::load::Loader::new(Default::default());
        loader.add_bytes("t.txt".into(), text.as_bytes());
        let got = loader.finish();
        assert_eq!(got.files[0].format, Some(Format::Misp));
        assert_eq!(
            shown(&got),
            ["ipv4 198.51.100.80:8443 @a-1", "domain evil.example @a-2"]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: warning: 1 attribute of type text not loaded: not an \
              indicator the sweep can match"]
        );
        // Near miss: an attribute list beside an event's, not under a
        // response, is no export of either shape.
        let got = load_as(Format::Misp, r#"{"x": {"Attribute": []}}"#);
        assert!(got.set.is_empty());
    }

    #[test]
    fn a_broken_export_keeps_the_attributes_before_the_fault() {
        let text = format!(
            r#"{{"Event": {{"Attribute": [
                 {{"uuid": "a", "type": "domain", "value": "evil.example"}},
                 {{"uuid": "b", "type": "domain", "value": {}"#,
            "[".repeat(200)
        );
        let got = load_as(Format::Misp, &text);
        assert_eq!(shown(&got), ["domain evil.example @a"]);
        assert_eq!(
            problems(&got),
            ["t.txt: not valid JSON: EOF while parsing a list at line 3 \
              column 258"]
        );
        // Detection reads the whole document first, so a file like this
        // is refused before any of it is loaded.
        assert!(detect(&text).unwrap_err().starts_with("not valid JSON"));
    }
}
