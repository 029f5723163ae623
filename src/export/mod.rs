//! Writes a loaded indicator set in a format other tools (and our own
//! loader) read: a text list, CSV, a Zeek intel file or a STIX 2.1
//! bundle.
//!
//! Every export is checked by loading it back: an entry that does not
//! read back as what it should is left out of the export and named with
//! the reason, so what is written always round-trips. What each format
//! cannot hold:
//!
//! - text: plain strings, and names that read as another kind (a domain
//!   that looks like a file name); substring (`contains`) marks;
//! - text, csv and zeek: a value holding a line break (a line feed,
//!   carriage return or any other character Unicode makes end a line),
//!   as each writes one value a line and many tools read them a line at
//!   a time;
//! - csv: values a spreadsheet would run as a formula (`=`, `+`, `-`,
//!   `@` first); substring marks;
//! - zeek: plain strings (Zeek intel has no type for them); a port on
//!   an address, and a URL's scheme, are dropped, as Zeek intel writes
//!   addresses and URLs without them; substring marks;
//! - text, csv and zeek: that a value is one part of an `AND` (written
//!   as a whole value, and named); a `valid_until`, and a `valid_from`
//!   yet to come (the value is written, and the change named);
//! - any: a validity time that did not read, and a STIX pattern's
//!   qualifier (`START … STOP`, `WITHIN`, `REPEATS`) (named);
//! - stix2: nothing: ports go in `network-traffic:dst_port`, strings in
//!   an `x-iocsweep-string:value` object, substring marks as `LIKE
//!   '%…%'`, and one part of an `AND` as an `AND` with
//!   [`OTHER_PARTS`], since the other parts are not in the set.
//!
//! Each value loaded back is matched to the entry written on the line it
//! came from (or with the object id), the lines counted in the text
//! actually written, so no entry is judged by what another one holds.
//! The indicator files named beside the values (the CSV `sources` cell,
//! Zeek's `meta.source`) are escaped as terminal output is: `\n`,
//! `\x1b`.

mod uuid;

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::json;

use crate::indicator::{Kind, ParseOptions, Value};
use crate::load::{LoadOptions, Loader};
use crate::report::sanitize;
use crate::set::{Indicator, IndicatorSet, Locator};
use crate::time::Stamp;

pub use self::uuid::v5 as uuid_v5;

/// The formats an export can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// One value a line, grouped under `# kind` comments.
    Text,
    /// `kind,indicator,sources` with a header row.
    Csv,
    /// A Zeek intel file.
    Zeek,
    /// A STIX 2.1 bundle, one indicator object per value.
    Stix2,
}

impl Target {
    /// Returns the format's name.
    pub fn name(self) -> &'static str {
        match self {
            Target::Text => "text",
            Target::Csv => "csv",
            Target::Zeek => "zeek",
            Target::Stix2 => "stix2",
        }
    }
}

/// A written export.
#[derive(Clone, Debug, Default)]
pub struct Export {
    /// The file's content.
    pub text: String,
    /// How many indicators it holds.
    pub written: usize,
    /// Indicators left out, with why.
    pub left_out: Vec<(String, String)>,
    /// How many indicators were written in a changed form (a port or a
    /// URL scheme dropped; a substring or AND mark lost; validity
    /// dropped).
    pub changed: Vec<(String, String)>,
}

/// One indicator as an entry of the export.
struct Entry<'a> {
    ind: &'a Indicator,
    /// What the entry must load back as.
    expected: Value,
    /// Whether it must load back as one part of an AND.
    part: bool,
    /// How it differs from the indicator, if it does.
    change: Option<String>,
}

/// Writes `set` as `to`. `now` dates a STIX bundle's objects.
pub fn export(set: &IndicatorSet, to: Target, now: Stamp) -> Export {
    let mut inds: Vec<&Indicator> = set.iter().map(|(_, i)| i).collect();
    inds.sort_by(|a, b| (a.kind(), &a.value).cmp(&(b.kind(), &b.value)));
    let mut left_out = Vec::new();
    let mut entries: Vec<Entry<'_>> = Vec::new();
    // Values that become the same once changed (an address with many
    // ports, in Zeek) are written once: the loader keeps 100 sources of a
    // value per file, and one line says all the others would.
    let mut seen: HashMap<Value, usize> = HashMap::new();
    let mut merged = Vec::new();
    for ind in inds {
        match entry(ind, to, now) {
            Ok(e) => {
                if e.change.is_some() && seen.contains_key(&e.expected) {
                    merged.push(e);
                    continue;
                }
                seen.insert(e.expected.clone(), entries.len());
                entries.push(e);
            }
            Err(why) => left_out.push((shown(ind), why)),
        }
    }
    let (kept, lost) = check(entries, to, now);
    let mut unreadable = HashSet::new();
    for e in lost {
        let why = format!(
            "does not read back as the same {} from {}",
            e.ind.kind(),
            to.name()
        );
        left_out.push((shown(e.ind), why));
        unreadable.insert(e.expected);
    }
    let mut changed: Vec<(String, String)> = kept
        .iter()
        .filter_map(|e| Some((shown(e.ind), e.change.clone()?)))
        .collect();
    // A value merged into one that did not read back is not written
    // either.
    for e in merged {
        let change = e.change.unwrap_or_default();
        if unreadable.contains(&e.expected) {
            let why = format!(
                "{change}; would be written as {}, which does not read back \
                 as the same {} from {}",
                e.expected,
                e.ind.kind(),
                to.name()
            );
            left_out.push((shown(e.ind), why));
        } else {
            let why = format!("{change}; written once as {}", e.expected);
            changed.push((shown(e.ind), why));
        }
    }
    left_out.sort();
    changed.sort();
    Export {
        text: render(&kept, to, now).0,
        written: kept.len(),
        left_out,
        changed,
    }
}

/// Writes the entries and loads them back; returns those that read back
/// as they should, then those that do not.
fn check<'a>(
    entries: Vec<Entry<'a>>,
    to: Target,
    now: Stamp,
) -> (Vec<Entry<'a>>, Vec<Entry<'a>>) {
    let (text, places) = render(&entries, to, now);
    let back = load_back(&text);
    let mut kept = Vec::with_capacity(entries.len());
    let mut lost = Vec::new();
    for (e, place) in entries.into_iter().zip(places) {
        if reads_back(&back, &place, &e.expected, e.part) {
            kept.push(e);
        } else {
            lost.push(e);
        }
    }
    (kept, lost)
}

/// Whether exactly `expected`, as one part of an AND if `part` and as a
/// whole value if not, and nothing else, was loaded back from `place`.
fn reads_back(
    back: &HashMap<Locator, Vec<(Value, bool)>>,
    place: &Place,
    expected: &Value,
    part: bool,
) -> bool {
    let places: Vec<Locator> = match place {
        Place::Lines(first, last) => {
            (*first..=*last).map(Locator::Line).collect()
        }
        Place::Id(id) => vec![Locator::Id(id.clone())],
    };
    let mut found = places.iter().filter_map(|at| back.get(at)).flatten();
    matches!(found.next(), Some((v, p)) if v == expected && *p == part)
        && found.next().is_none()
}

/// Returns `kind value` for messages.
fn shown(ind: &Indicator) -> String {
    format!("{} {}", ind.kind(), ind.value)
}

/// Returns the entry for one indicator, or why the format cannot hold
/// it. `now` tells a `valid_from` that still binds from one past.
fn entry(
    ind: &Indicator,
    to: Target,
    now: Stamp,
) -> Result<Entry<'_>, String> {
    let contains = ind.sources.iter().any(|s| s.meta.contains);
    let like_safe = !ind.value.to_string().contains(['%', '_']);
    let mut changes = Vec::new();
    if contains && (to != Target::Stix2 || !like_safe) {
        changes.push("substring mark lost");
    }
    // A value is a part when every source says so: one whole source makes
    // it an indicator of its own, as a sweep reports it.
    let part = is_part(ind);
    if part && to != Target::Stix2 {
        changes.push("AND mark lost");
    }
    let mut expected = ind.value.clone();
    if to != Target::Stix2 && ind.value.to_string().contains(LINE_BREAKS) {
        return Err(format!(
            "it holds a line break, and a {} export writes one value a \
             line; stix2 can hold it",
            to.name()
        ));
    }
    // Exports go to terminals and line-based tools as often as to files:
    // an escape sequence or a bidi override in a value (from an untrusted
    // feed) would act there. A tab is Zeek's separator and checked by
    // the round trip like any other value.
    let unsafe_char = |c: char| c != '\t' && sanitize::is_unsafe(c);
    if to != Target::Stix2 && ind.value.to_string().contains(unsafe_char) {
        return Err(format!(
            "it holds a control, bidi or invisible character a terminal \
             would act on, and a {} export writes values as they are; \
             stix2 escapes it",
            to.name()
        ));
    }
    match (to, &ind.value) {
        (Target::Text, Value::String(_)) => {
            return Err("a text list cannot say a value is a plain \
                        string; csv and stix2 can"
                .into());
        }
        (Target::Csv, v) if is_formula(&v.to_string()) => {
            return Err("it would run as a formula in a spreadsheet; text \
                        and stix2 can hold it"
                .into());
        }
        (Target::Zeek, Value::String(_)) => {
            return Err("Zeek intel has no type for a plain string; csv \
                        and stix2 can hold it"
                .into());
        }
        (Target::Zeek, Value::Ipv4(a, Some(_))) => {
            expected = Value::Ipv4(*a, None);
            changes.insert(0, "port dropped");
        }
        (Target::Zeek, Value::Ipv6(a, Some(_))) => {
            expected = Value::Ipv6(*a, None);
            changes.insert(0, "port dropped");
        }
        (Target::Zeek, Value::Url(u)) if u.scheme.is_some() => {
            let mut u = u.clone();
            u.scheme = None;
            expected = Value::Url(u);
            changes.insert(0, "scheme dropped");
        }
        _ => {}
    }
    changes.extend(validity_changes(ind, to, now.secs));
    let change = (!changes.is_empty()).then(|| changes.join("; "));
    let part = part && to == Target::Stix2;
    Ok(Entry { ind, expected, part, change })
}

/// Returns how exporting `ind` as `to` changes when it holds, if it
/// does, beside what [`entry`] names (every source a part). A source is whole when it is no part of an `AND`, under
/// no qualifier and all of its validity read: what an allowlist applies.
/// Nothing changes when a whole source holds the value for good (from
/// now on, no end): the value is written whole and unbounded, as that
/// source says. Otherwise:
/// - no export writes a qualifier or a time that did not read, and a
///   part beside other sources is written whole: named;
/// - text, CSV and Zeek have no place for validity: a `valid_until`
///   every whole source has, or a `valid_from` yet to come, is named as
///   dropped, and any other bound as validity dropped;
/// - STIX 2 writes one window, from the earliest start to the latest
///   end: whole sources' windows with a gap between them, or one that
///   ends before it starts, are widened into it, and named.
fn validity_changes(
    ind: &Indicator,
    to: Target,
    now: i64,
) -> Vec<&'static str> {
    use crate::set::Source;
    let sources = &ind.sources;
    let whole = |s: &&Source| {
        !s.compound && !s.meta.qualified && !s.meta.validity_unread
    };
    let for_good = |s: &&Source| {
        whole(s)
            && s.meta.valid_until.is_none()
            && s.meta.valid_from.is_none_or(|f| f <= now)
    };
    if sources.is_empty() || sources.iter().any(|s| for_good(&s)) {
        return Vec::new();
    }
    let mut out = Vec::new();
    // Every source a part is named by `entry` (STIX keeps it a part).
    let parts = sources.iter().filter(|s| s.compound).count();
    if parts > 0 && parts < sources.len() {
        out.push("AND mark lost");
    }
    if sources.iter().any(|s| s.meta.qualified) {
        out.push("qualifier dropped");
    }
    if sources.iter().any(|s| s.meta.validity_unread) {
        out.push("validity that does not read dropped");
    }
    let wholes: Vec<&Source> = sources.iter().filter(whole).collect();
    if to != Target::Stix2 {
        if wholes.is_empty() {
            return out;
        }
        let before = out.len();
        if wholes.iter().all(|s| s.meta.valid_until.is_some()) {
            out.push("valid_until dropped");
        }
        if wholes.iter().all(|s| s.meta.valid_from.is_some_and(|f| f > now)) {
            out.push("valid_from dropped");
        }
        if out.len() == before {
            out.push("validity dropped");
        }
        return out;
    }
    // The whole sources' windows, open ends as far as they go.
    let mut windows: Vec<(i64, i64)> = wholes
        .iter()
        .map(|s| {
            let m = &s.meta;
            (
                m.valid_from.unwrap_or(i64::MIN),
                m.valid_until.unwrap_or(i64::MAX),
            )
        })
        .collect();
    // An end at or before the start (to the second, as kept) holds at
    // no time; written, it gets a second.
    let backwards = windows.iter().any(|(from, until)| until <= from);
    windows.sort_unstable();
    let gap = windows.windows(2).scan(i64::MIN, |end, w| {
        *end = (*end).max(w[0].1);
        Some(w[1].0 > *end)
    });
    if backwards || gap.into_iter().any(|g| g) {
        out.push("validity windows merged into one");
    }
    out
}

/// Whether every source of `ind` is one part of an AND.
fn is_part(ind: &Indicator) -> bool {
    !ind.sources.is_empty() && ind.sources.iter().all(|s| s.compound)
}

/// The characters that end a line: line feed, vertical tab, form feed,
/// carriage return, next line, line separator and paragraph separator
/// (the mandatory breaks of Unicode line breaking).
const LINE_BREAKS: [char; 7] =
    ['\n', '\u{b}', '\u{c}', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// Whether a spreadsheet would run a cell starting this way.
fn is_formula(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Where an entry is in a written export.
enum Place {
    /// The first and last line it spans, 1-based.
    Lines(u64, u64),
    /// Its object id.
    Id(String),
}

/// Renders entries; returns the text and each entry's place in it.
fn render(
    entries: &[Entry<'_>],
    to: Target,
    now: Stamp,
) -> (String, Vec<Place>) {
    match to {
        Target::Text => lines(entries, text_line, "# iocsweep export\n"),
        Target::Csv => lines(entries, csv_line, "kind,indicator,sources\n"),
        Target::Zeek => lines(
            entries,
            zeek_line,
            "#fields\tindicator\tindicator_type\tmeta.source\n",
        ),
        Target::Stix2 => stix2(entries, now),
    }
}

/// Renders a line-based format: the header, then one line an entry
/// (text lists also get a `# kind` line before each kind's values).
/// Each entry's lines are counted in what is written, so an entry that
/// spans more than one line cannot shift where the next ones are sought.
/// Counts the line ends inside `written` as the loader reads them: each
/// LF, and each CR that no LF follows (a lone CR ends a line too).
fn line_ends(written: &str) -> u64 {
    let b = written.as_bytes();
    let lone_cr = (0..b.len())
        .filter(|&i| b[i] == b'\r' && b.get(i + 1) != Some(&b'\n'))
        .count();
    (b.iter().filter(|&&c| c == b'\n').count() + lone_cr) as u64
}

fn lines(
    entries: &[Entry<'_>],
    line: fn(&Entry<'_>) -> String,
    header: &str,
) -> (String, Vec<Place>) {
    let mut out = header.to_string();
    // Lines written so far, each ended by a line feed.
    let mut n = header.matches('\n').count() as u64;
    let mut at = Vec::with_capacity(entries.len());
    let mut last = None;
    let text = header.starts_with("# iocsweep");
    for e in entries {
        if text && last != Some(e.ind.kind()) {
            let _ = writeln!(out, "# {}", e.ind.kind());
            n += 1;
            last = Some(e.ind.kind());
        }
        let written = line(e);
        let first = n + 1;
        n += line_ends(&written) + 1;
        out.push_str(&written);
        out.push('\n');
        at.push(Place::Lines(first, n));
    }
    (out, at)
}

fn text_line(e: &Entry<'_>) -> String {
    e.expected.to_string()
}

fn csv_line(e: &Entry<'_>) -> String {
    let sources: Vec<String> =
        e.ind.sources.iter().map(ToString::to_string).collect();
    let mut sources = sanitize::escape(&sources.join("; "));
    if is_formula(&sources) {
        sources.insert(0, '\'');
    }
    format!(
        "{},{},{}",
        e.ind.kind(),
        csv_cell(&e.expected.to_string()),
        csv_cell(&sources)
    )
}

/// Quotes a CSV cell when it holds a separator, quote or line break.
fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn zeek_line(e: &Entry<'_>) -> String {
    let kind = match e.ind.kind() {
        Kind::Ipv4 | Kind::Ipv6 => "Intel::ADDR",
        Kind::Cidr => "Intel::SUBNET",
        Kind::Domain => "Intel::DOMAIN",
        Kind::Url => "Intel::URL",
        Kind::Email => "Intel::EMAIL",
        Kind::Filename => "Intel::FILE_NAME",
        Kind::String => "Intel::SOFTWARE",
        _ => "Intel::FILE_HASH",
    };
    let source = e.ind.sources.first().map_or("-".into(), |s| {
        let more = e.ind.sources.len() - 1;
        let s = sanitize::escape(&s.to_string());
        if more > 0 { format!("{s} (+{more})") } else { s }
    });
    format!("{}\t{kind}\t{source}", e.expected)
}

/// Renders a STIX 2.1 bundle.
fn stix2(entries: &[Entry<'_>], now: Stamp) -> (String, Vec<Place>) {
    let now_text = Stamp { nanos: 0, ..now }.to_string();
    let mut ids = Vec::with_capacity(entries.len());
    let mut objects = Vec::with_capacity(entries.len());
    for e in entries {
        // A part is another object than the whole value: its own id, so
        // that two exports never give one id and time two patterns.
        let scheme = if e.part { "iocsweep-part" } else { "iocsweep" };
        let name = format!("{scheme}:{}:{}", e.ind.kind(), e.ind.value);
        let id = format!("indicator--{}", uuid_v5(&name));
        let until = e
            .ind
            .sources
            .iter()
            .map(|s| s.meta.valid_until)
            .collect::<Option<Vec<i64>>>()
            .and_then(|u| u.into_iter().max());
        // A source without a start holds the value from any time: the
        // bundle's time, or a second before the end if that is earlier
        // (STIX wants the end after the start).
        let open =
            until.map_or(now.secs, |u| now.secs.min(u.saturating_sub(1)));
        let from = e
            .ind
            .sources
            .iter()
            .map(|s| s.meta.valid_from.unwrap_or(open))
            .min();
        let stamp = |secs| Stamp { secs, nanos: 0 }.to_string();
        let mut obj = json!({
            "type": "indicator",
            "spec_version": "2.1",
            "id": id,
            "created": now_text,
            "modified": now_text,
            "name": e.ind.value.to_string(),
            "indicator_types": ["malicious-activity"],
            "pattern": pattern(e.ind),
            "pattern_type": "stix",
            "valid_from": from.map_or(now_text.clone(), stamp),
        });
        if let Some(u) = until {
            // STIX wants the end after the start: a window cut to equal
            // seconds (fractions are not kept) or written backwards is
            // given one second (and named, by `validity_changes`).
            let start = from.unwrap_or(now.secs);
            obj["valid_until"] = json!(stamp(u.max(start.saturating_add(1))));
        }
        ids.push(id);
        objects.push(obj);
    }
    let bundle_name = ids.join(",");
    let bundle = json!({
        "type": "bundle",
        "id": format!("bundle--{}", uuid_v5(&format!("iocsweep:bundle:{bundle_name}"))),
        "objects": objects,
    });
    let text =
        serde_json::to_string_pretty(&bundle).expect("JSON values serialise");
    (escape_json(&text) + "\n", ids.into_iter().map(Place::Id).collect())
}

/// Writes every character a terminal would act on as a JSON `\u` escape
/// (serde_json escapes only C0). Outside strings JSON holds only
/// structure and the line breaks and blanks of pretty printing, which are
/// kept; inside, the escape reads back as the same character.
fn escape_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if sanitize::is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{u:04x}");
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The observation an exported part of an AND is joined to in place of
/// the other parts, which the set does not hold. No observed data has
/// this object, so a tool that reads the pattern never reports the part
/// alone; our reader takes it as a part that is known not to be there.
pub const OTHER_PARTS: &str = "[x-iocsweep-and:other_parts = 'not exported']";

/// Returns the STIX pattern that names one indicator: its value, joined
/// to [`OTHER_PARTS`] when it is one part of an AND. Written from the
/// indicator, not from the entry's `part`, so the check that loads the
/// export back tests the writer against that decision.
fn pattern(ind: &Indicator) -> String {
    let value = value_pattern(ind);
    if is_part(ind) { format!("{value} AND {OTHER_PARTS}") } else { value }
}

/// Returns the STIX pattern that names one indicator's value.
fn value_pattern(ind: &Indicator) -> String {
    let q = |s: &str| {
        format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
    };
    let contains = ind.sources.iter().any(|s| s.meta.contains);
    match &ind.value {
        Value::Ipv4(a, None) => {
            format!("[ipv4-addr:value = {}]", q(&a.to_string()))
        }
        Value::Ipv6(a, None) => {
            format!("[ipv6-addr:value = {}]", q(&a.to_string()))
        }
        Value::Ipv4(a, Some(p)) => traffic(&a.to_string(), *p),
        Value::Ipv6(a, Some(p)) => traffic(&a.to_string(), *p),
        Value::Cidr(n) => {
            let obj =
                if n.addr().is_ipv4() { "ipv4-addr" } else { "ipv6-addr" };
            format!("[{obj}:value = {}]", q(&n.to_string()))
        }
        Value::Domain(d) => format!("[domain-name:value = {}]", q(d)),
        Value::Url(_) => {
            format!("[url:value = {}]", q(&ind.value.to_string()))
        }
        Value::Email(m) => format!("[email-addr:value = {}]", q(m)),
        Value::Hash(h) => {
            let key = match ind.kind() {
                Kind::Md5 => "MD5",
                Kind::Sha1 => "'SHA-1'",
                Kind::Sha256 => "'SHA-256'",
                _ => "'SHA-512'",
            };
            format!("[file:hashes.{key} = {}]", q(h))
        }
        Value::Filename(f) => format!("[file:name = {}]", q(f)),
        Value::String(s) if contains && !s.contains(['%', '_']) => {
            format!("[x-iocsweep-string:value LIKE {}]", q(&format!("%{s}%")))
        }
        Value::String(s) => format!("[x-iocsweep-string:value = {}]", q(s)),
    }
}

/// Returns the pattern of an address contacted on a port.
fn traffic(addr: &str, port: u16) -> String {
    format!(
        "[network-traffic:dst_ref.value = '{addr}' AND \
         network-traffic:dst_port = {port}]"
    )
}

/// Loads an export back; returns the distinct values loaded from each
/// place, each with whether it was read as one part of an AND. Broad
/// ranges read back: they are in the set only when the user loaded them
/// on purpose, and what is checked here is the format.
fn load_back(text: &str) -> HashMap<Locator, Vec<(Value, bool)>> {
    let parse = ParseOptions { allow_broad_ranges: true };
    let mut l = Loader::new(LoadOptions { parse, ..LoadOptions::default() });
    l.add_bytes("export".into(), text.as_bytes());
    let loaded = l.finish();
    let mut back: HashMap<Locator, Vec<(Value, bool)>> = HashMap::new();
    for (_, i) in loaded.set.iter() {
        for s in &i.sources {
            let values = back.entry(s.at.clone()).or_default();
            let v = (i.value.clone(), s.compound);
            if !values.contains(&v) {
                values.push(v);
            }
        }
    }
    back
}

#[cfg(test)]
mod tests;
