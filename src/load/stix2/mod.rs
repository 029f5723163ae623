//! The STIX 2.0/2.1 JSON reader.
//!
//! Indicators yield the values their patterns compare with `=` on paths
//! we can sweep for (addresses, domains, URLs, e-mail addresses, file
//! names and hashes, a few strings); everything else in a pattern is
//! reported, never dropped silently. Observed-data objects and top-level
//! cyber-observables yield their values too. Every value is located by
//! the id of the object it came from.

pub(crate) mod pattern;

use serde_json::{Map, Value as Json};

use self::pattern::{Comparison, Expr, Literal, Observation, Path};
use super::Reader;
use crate::indicator::Kind;
use crate::set::Locator;

/// Whether `json` is an object that is a bundle, or that holds an
/// `objects` array of typed objects.
pub fn looks_like(json: &Json) -> bool {
    let Json::Object(top) = json else { return false };
    if top.get("type").and_then(Json::as_str) == Some("bundle") {
        return true;
    }
    match top.get("objects") {
        Some(Json::Array(objs)) => {
            !objs.is_empty()
                && objs
                    .iter()
                    .all(|o| o.get("type").is_some_and(Json::is_string))
        }
        _ => false,
    }
}

/// Reads a bundle.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let top = match serde_json::from_str::<Json>(text) {
        Ok(Json::Object(top)) => top,
        Ok(_) => return r.error(None, "expected a JSON object".into()),
        Err(e) => return r.error(None, format!("invalid JSON: {e}")),
    };
    let Some(Json::Array(objects)) = top.get("objects") else {
        return r.error(None, "expected an \"objects\" array".into());
    };
    for obj in objects.iter().filter_map(Json::as_object) {
        read_object(r, obj);
    }
}

/// Reads one top-level object.
fn read_object(r: &mut Reader<'_>, obj: &Map<String, Json>) {
    let id = obj.get("id").and_then(Json::as_str).unwrap_or("(no id)");
    let at = Locator::Id(id.to_string());
    match obj.get("type").and_then(Json::as_str) {
        Some("indicator") => read_indicator(r, obj, at),
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
fn read_indicator(r: &mut Reader<'_>, obj: &Map<String, Json>, at: Locator) {
    if obj.get("revoked").and_then(Json::as_bool) == Some(true) {
        return r.warn(Some(at), "indicator is revoked; skipped".into());
    }
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
        let why = format!(
            "qualifier {q} is ignored: the values are swept for at any time"
        );
        r.warn(Some(at.clone()), why);
    }
    match obs {
        Observation::One(expr, _) => {
            let parts = match expr {
                Expr::And(parts) => parts.as_slice(),
                e => std::slice::from_ref(e),
            };
            let yielding = parts.iter().filter(|e| yields(e)).count();
            let compound = compound || yielding >= 2;
            for part in parts {
                comparisons(r, part, at, compound);
            }
        }
        Observation::Join(op, parts, _) => {
            let compound = compound || op != "OR";
            for part in parts {
                observation(r, part, at, compound);
            }
        }
    }
}

/// Whether any comparison in `e` yields an indicator.
fn yields(e: &Expr) -> bool {
    match e {
        Expr::And(parts) | Expr::Or(parts) => parts.iter().any(yields),
        Expr::Test(c) => {
            c.op == "=" && !c.negated && target(&c.path).is_some()
        }
    }
}

/// Reports every comparison in `e`.
fn comparisons(r: &mut Reader<'_>, e: &Expr, at: &Locator, compound: bool) {
    match e {
        Expr::And(parts) | Expr::Or(parts) => {
            for p in parts {
                comparisons(r, p, at, compound);
            }
        }
        Expr::Test(c) => comparison(r, c, at, compound),
    }
}

/// Reports one comparison: its value, or why it yields none.
fn comparison(
    r: &mut Reader<'_>,
    c: &Comparison,
    at: &Locator,
    compound: bool,
) {
    let warn = |r: &mut Reader<'_>, why: String| r.warn(Some(at.clone()), why);
    let Some(target) = target(&c.path) else {
        if let Some(key) = hash_key(&c.path) {
            return unsupported_hash(r, key, at);
        }
        return warn(r, format!("{} cannot be swept for; skipped", c.path));
    };
    // A negation or `!=` says what the indicator is not: nothing to sweep
    // for, which is no loss. Other operators do name indicators that are
    // not read yet: those are entries not loaded.
    if c.negated || c.op == "!=" {
        let op =
            if c.negated { format!("NOT {}", c.op) } else { c.op.clone() };
        return warn(
            r,
            format!("{} {op} names no value to sweep for; skipped", c.path),
        );
    }
    let values: Vec<&Literal> = match (c.op.as_str(), &c.literal) {
        ("=", lit) => vec![lit],
        ("IN", Literal::List(items)) => items.iter().collect(),
        (op, _) => {
            let why = format!(
                "operator {op} is not supported yet; {} not loaded",
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
        match target {
            Some(k) => r.typed(v, k, at.clone(), compound),
            None => r.value(v, at.clone()),
        };
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

fn unsupported_hash(r: &mut Reader<'_>, key: &str, at: &Locator) {
    let why = format!("hash type {key} cannot be swept for; skipped");
    r.warn(Some(at.clone()), why);
}

#[cfg(test)]
mod tests;
