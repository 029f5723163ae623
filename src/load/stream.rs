//! Pieces for reading one large JSON document an element at a time.
//!
//! A STIX 2 bundle or a MISP export is one JSON document, often a single
//! line, that may be as large as an indicator file may be. Parsed whole
//! into a [`serde_json::Value`] it takes ten to fifteen times its size.
//! The readers instead walk the document with serde visitors that keep
//! one array element (one STIX object, one MISP attribute) at a time and
//! skip everything else without building it, so the memory a file needs
//! is its text and its largest element. serde_json's nesting limit still
//! applies to every step.

use std::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, IgnoredAny, MapAccess,
    SeqAccess, Visitor,
};

/// The largest JSON element (a STIX object, a MISP attribute, a JSON
/// Lines record) that is built to be read. Built, JSON takes some 36
/// times its text; a real object is a few KiB at most.
pub(super) const MAX_ELEMENT: usize = 4 << 20;

/// Builds one element whose text `raw` was skimmed without building it,
/// unless it is larger than [`MAX_ELEMENT`]: then returns why not.
pub(super) fn build(
    raw: &serde_json::value::RawValue,
) -> Result<serde_json::Value, String> {
    let text = raw.get();
    if text.len() > MAX_ELEMENT {
        return Err(format!(
            "{} bytes, larger than the {} MiB an element may have; not read",
            text.len(),
            MAX_ELEMENT >> 20
        ));
    }
    serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))
}

/// Parses `text` as one JSON document with `seed`, refusing anything but
/// whitespace after it.
///
/// # Errors
///
/// Returns serde_json's error, with its line and column.
pub(super) fn parse<'de, S>(
    text: &'de str,
    seed: S,
) -> Result<S::Value, serde_json::Error>
where
    S: DeserializeSeed<'de>,
{
    let mut de = serde_json::Deserializer::from_str(text);
    let value = seed.deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// Implements the visitor methods for every JSON scalar as "skip it and
/// return the default", for visitors that only care about some shapes.
macro_rules! skip_scalars {
    () => {
        fn visit_bool<E: serde::de::Error>(
            self,
            _: bool,
        ) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_i64<E: serde::de::Error>(
            self,
            _: i64,
        ) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_u64<E: serde::de::Error>(
            self,
            _: u64,
        ) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_f64<E: serde::de::Error>(
            self,
            _: f64,
        ) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_str<E: serde::de::Error>(
            self,
            _: &str,
        ) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Default::default())
        }
    };
}
pub(super) use skip_scalars;

/// Skips every remaining element of a sequence.
pub(super) fn drain_seq<'de, A: SeqAccess<'de>>(
    mut seq: A,
) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

/// Skips every remaining entry of a map.
pub(super) fn drain_map<'de, A: MapAccess<'de>>(
    mut map: A,
) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A map key, borrowed from the text when it holds no escape.
pub(super) struct Key<'de>(pub std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(
                self,
                s: &'de str,
            ) -> Result<Key<'de>, E> {
                Ok(Key(s.into()))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(s.to_string().into()))
            }
        }
        d.deserialize_str(V)
    }
}

impl Key<'_> {
    /// The key's text.
    pub(super) fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whatever value comes next, reduced to whether it is the string given.
pub(super) struct IsStr(pub &'static str);

/// What [`IsStr`] found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) enum StrIs {
    /// Not a string.
    #[default]
    NotAString,
    /// A string other than the one looked for.
    Other,
    /// The string looked for.
    Same,
}

impl<'de> DeserializeSeed<'de> for IsStr {
    type Value = StrIs;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<StrIs, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for IsStr {
    type Value = StrIs;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<StrIs, E> {
        Ok(if s == self.0 { StrIs::Same } else { StrIs::Other })
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<StrIs, E> {
        Ok(StrIs::NotAString)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<StrIs, E> {
        Ok(StrIs::NotAString)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<StrIs, E> {
        Ok(StrIs::NotAString)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<StrIs, E> {
        Ok(StrIs::NotAString)
    }
    fn visit_unit<E: de::Error>(self) -> Result<StrIs, E> {
        Ok(StrIs::NotAString)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<StrIs, A::Error> {
        drain_seq(seq)?;
        Ok(StrIs::NotAString)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<StrIs, A::Error> {
        drain_map(map)?;
        Ok(StrIs::NotAString)
    }
}

/// The shape of a JSON document, as far as format detection needs it,
/// found without building the document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Shape {
    /// The top level is an object.
    pub object: bool,
    /// The top-level object's `type` is `"bundle"`.
    pub bundle: bool,
    /// The top-level object's `objects` is a non-empty array of objects
    /// that each have a string `type`.
    pub typed_objects: bool,
    /// The top-level object, or the first element of a top-level array,
    /// is an object with an `Event` object or a `response` list.
    pub event: bool,
    /// The top-level object has a string under a key that names a JSON
    /// Lines record's indicator (`ip`, `domain`, `indicator`…).
    pub record: bool,
}

/// Finds the [`Shape`] of a document.
pub(super) struct ShapeSeed;

impl<'de> DeserializeSeed<'de> for ShapeSeed {
    type Value = Shape;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<Shape, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ShapeSeed {
    type Value = Shape;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    skip_scalars!();
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<Shape, A::Error> {
        let mut shape = Shape { object: true, ..Shape::default() };
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "type" => {
                    shape.bundle =
                        map.next_value_seed(IsStr("bundle"))? == StrIs::Same;
                }
                "objects" => {
                    shape.typed_objects = map.next_value_seed(TypedObjects)?;
                }
                "Event" | "response" => {
                    shape.event |=
                        holds_event(&key, map.next_value_seed(KindOf)?);
                }
                k if super::jsonl::FIELDS.contains(&k) => {
                    let is = map.next_value_seed(IsStr(""))?;
                    shape.record |= is != StrIs::NotAString;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(shape)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<Shape, A::Error> {
        let event = seq.next_element_seed(HasEventKey)?.unwrap_or(false);
        drain_seq(seq)?;
        Ok(Shape { event, ..Shape::default() })
    }
}

/// Whether a value is a non-empty array of objects with a string `type`.
struct TypedObjects;

impl<'de> DeserializeSeed<'de> for TypedObjects {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TypedObjects {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    skip_scalars!();
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<bool, A::Error> {
        drain_map(map)?;
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> Result<bool, A::Error> {
        let (mut any, mut all) = (false, true);
        while let Some(typed) = seq.next_element_seed(HasStringType)? {
            any = true;
            all &= typed;
        }
        Ok(any && all)
    }
}

/// Whether a value is an object with a string `type`.
struct HasStringType;

impl<'de> DeserializeSeed<'de> for HasStringType {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HasStringType {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    skip_scalars!();
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        drain_seq(seq)?;
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<bool, A::Error> {
        let mut typed = false;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == "type" {
                // Like a parsed map, the last of repeated keys counts.
                typed = map.next_value_seed(IsStr(""))? != StrIs::NotAString;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(typed)
    }
}

/// Whether a key and the kind of its value make a MISP event: an
/// `Event` object, or a `response` list (or object) of them. A key that
/// holds anything else (`"Event": null` in a record of another shape)
/// is read as a lookup in a parsed document would: as no event.
fn holds_event(key: &Key<'_>, value: Is) -> bool {
    match key.as_str() {
        "Event" => value == Is::Object,
        "response" => value != Is::Scalar,
        _ => false,
    }
}

/// The kind of a JSON value: found by skipping it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Is {
    #[default]
    Scalar,
    Array,
    Object,
}

/// Finds the kind of a value.
struct KindOf;

impl<'de> DeserializeSeed<'de> for KindOf {
    type Value = Is;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Is, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KindOf {
    type Value = Is;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    skip_scalars!();
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Is, A::Error> {
        drain_seq(seq)?;
        Ok(Is::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Is, A::Error> {
        drain_map(map)?;
        Ok(Is::Object)
    }
}

/// Whether a value is an object with an `Event` object or a `response`
/// list.
struct HasEventKey;

impl<'de> DeserializeSeed<'de> for HasEventKey {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for HasEventKey {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    skip_scalars!();
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        drain_seq(seq)?;
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> Result<bool, A::Error> {
        let mut event = false;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            event |= holds_event(&key, map.next_value_seed(KindOf)?);
        }
        Ok(event)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> Shape {
        parse(text, ShapeSeed).unwrap()
    }

    #[test]
    fn finds_the_shape_without_building_the_document() {
        let bundle = shape(r#"{"type": "bundle", "objects": []}"#);
        assert_eq!((bundle.bundle, bundle.typed_objects), (true, false));
        let typed =
            shape(r#"{"objects": [{"type": "x"}, {"a": 1, "type": ""}]}"#);
        assert_eq!((typed.bundle, typed.typed_objects), (false, true));
        assert!(shape(r#"{"response": []}"#).event);
        assert!(shape(r#"[{"Event": {}}, 1, "x"]"#).event);
        // Near misses: one untyped object, a type that is not a string,
        // an event key after the first element, a bundle type elsewhere.
        assert!(!shape(r#"{"objects": [{"type": "x"}, {}]}"#).typed_objects);
        assert!(!shape(r#"{"objects": [{"type": 1}]}"#).typed_objects);
        assert!(
            !shape(r#"{"objects": [{"type": "x", "type": 2}]}"#).typed_objects
        );
        assert!(!shape(r#"[1, {"Event": {}}]"#).event);
        assert!(!shape(r#"{"Event": null, "response": 1}"#).event);
        assert!(!shape(r#"[{"Event": []}]"#).event);
        assert!(shape(r#"{"Event": null, "response": {}}"#).event);
        assert!(!shape(r#"{"type": "Bundle"}"#).bundle);
        assert!(!shape(r#"{"x": {"type": "bundle"}}"#).bundle);
        assert_eq!(shape("[]"), Shape::default());
        assert_eq!(shape("3"), Shape::default());
    }

    #[test]
    fn trailing_text_and_deep_nesting_are_errors() {
        assert!(parse("{} x", ShapeSeed).is_err());
        // What is skipped is skipped without recursion.
        let deep =
            format!("[[{}{}]]", "[".repeat(200_000), "]".repeat(200_000));
        assert_eq!(parse(&deep, ShapeSeed).unwrap(), Shape::default());
        let unclosed = "[".repeat(200_000);
        let e = parse(&unclosed, ShapeSeed).unwrap_err().to_string();
        assert!(e.starts_with("EOF while parsing a list"), "{e}");
    }
}
