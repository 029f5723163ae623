//! Hit records as Elastic Common Schema (ECS) documents, one JSON object
//! a line, for Elasticsearch and the tools that read ECS.
//!
//! Field names follow ECS 8.17: `@timestamp`, `ecs.version`,
//! `event.kind` (`enrichment`), `event.category` (`threat`),
//! `event.type` (`indicator`), `event.created`, `event.module`,
//! `message` (the line), `log.file.path`, and `threat.indicator.*`
//! (`type` as ECS spells it, `ip`, `url.full`, `url.domain`,
//! `email.address`, `file.name`, `file.hash.*`, `description`) with
//! `threat.feed.name`. ECS has no field for a match's line number or
//! offset (`log.offset` is Filebeat's, for where a line starts), so
//! these, the matched text and the sources go under `iocsweep.*`.
//!
//! `@timestamp` is the line's time when the sweep read one, else the
//! time the sweep started, which `event.created` always holds.
//!
//! Not written: `threat.indicator.provider`, `reference`, `confidence`
//! and `first_seen`, which indicator files state in some formats (STIX,
//! MISP) but the indicator set does not keep yet.

use serde_json::{Map, Value, json};

use crate::indicator::Kind;
use crate::set::Indicator;
use crate::sweep::Hit;
use crate::time::Stamp;

use super::tally::sources_json;

/// The ECS version the records follow.
pub const ECS_VERSION: &str = "8.17.0";

/// Returns the ECS document for `hit` in the input named `path`; `text`
/// is the part of the line the record keeps.
pub fn record(
    path: &str,
    hit: &Hit<'_>,
    ind: &Indicator,
    text: &[u8],
    started: Stamp,
) -> Value {
    let mut doc = Map::new();
    let when = hit.time.unwrap_or(started);
    doc.insert("@timestamp".into(), when.to_string().into());
    doc.insert("ecs".into(), json!({"version": ECS_VERSION}));
    doc.insert(
        "event".into(),
        json!({
            "kind": "enrichment",
            "category": ["threat"],
            "type": ["indicator"],
            "created": started.to_string(),
            "module": "iocsweep",
        }),
    );
    doc.insert("message".into(), String::from_utf8_lossy(text).into());
    doc.insert("log".into(), json!({"file": {"path": path}}));
    let mut threat = Map::new();
    if let Some(first) = ind.sources.first() {
        threat.insert("feed".into(), json!({"name": first.file.as_ref()}));
    }
    threat.insert("indicator".into(), indicator(ind));
    doc.insert("threat".into(), Value::Object(threat));
    let mut own = Map::new();
    own.insert("kind".into(), ind.kind().to_string().into());
    own.insert("indicator".into(), ind.value.to_string().into());
    own.insert(
        "matched".into(),
        String::from_utf8_lossy(hit.matched).into_owned().into(),
    );
    own.insert("line".into(), hit.line.into());
    own.insert("offset".into(), hit.offset.into());
    own.insert("sources".into(), sources_json(ind));
    if let Some(log) = hit.log {
        own.insert("log".into(), log.into());
    }
    if !hit.fields.is_empty() {
        own.insert("fields".into(), hit.fields.clone().into());
    }
    doc.insert("iocsweep".into(), Value::Object(own));
    Value::Object(doc)
}

/// Returns `threat.indicator` for an indicator.
fn indicator(ind: &Indicator) -> Value {
    let value = ind.value.to_string();
    let sources: Vec<String> =
        ind.sources.iter().map(ToString::to_string).collect();
    let kind = ind.kind();
    let description =
        format!("{kind} indicator {value} from {}", sources.join("; "));
    let mut o = Map::new();
    if let Some(t) = ecs_type(kind) {
        o.insert("type".into(), t.into());
    }
    match kind {
        // A port given with an address stays out of `ip`, which holds
        // addresses only; the description keeps it.
        Kind::Ipv4 | Kind::Ipv6 => {
            let ip = ind.value.to_string();
            let bare = match &ind.value {
                crate::indicator::Value::Ipv4(a, _) => a.to_string(),
                crate::indicator::Value::Ipv6(a, _) => a.to_string(),
                _ => ip,
            };
            o.insert("ip".into(), bare.into());
        }
        Kind::Url => {
            o.insert("url".into(), json!({"full": value}));
        }
        Kind::Domain => {
            o.insert("url".into(), json!({"domain": value}));
        }
        Kind::Email => {
            o.insert("email".into(), json!({"address": value}));
        }
        Kind::Filename => {
            o.insert("file".into(), json!({"name": value}));
        }
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 => {
            let algo = kind.to_string();
            o.insert("file".into(), json!({"hash": {algo: value}}));
        }
        // A range has no ECS field (`ip` holds one address); a plain
        // string has no ECS type. The description names both.
        Kind::Cidr | Kind::String => {}
    }
    o.insert("description".into(), description.into());
    Value::Object(o)
}

/// Returns the ECS `threat.indicator.type` of a kind, if ECS has one.
pub fn ecs_type(kind: Kind) -> Option<&'static str> {
    Some(match kind {
        Kind::Ipv4 => "ipv4-addr",
        Kind::Ipv6 => "ipv6-addr",
        Kind::Cidr => return None,
        Kind::Domain => "domain-name",
        Kind::Url => "url",
        Kind::Email => "email-addr",
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 => "file",
        Kind::Filename => "file",
        Kind::String => return None,
    })
}
