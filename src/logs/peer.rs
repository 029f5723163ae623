//! Reads the other side of a line that holds a hit: the address a bad
//! destination was reached from, the client that asked for a bad name,
//! the host that handed over a bad sender's mail.
//!
//! Which side is wanted follows from the field the match sat in (a `dst`
//! wants the `src`, a `query` or a `url` wants the `client`); its value
//! is read by the same means that named the field: a header's column, a
//! key before the value, or a position some logs keep. Only lines with a
//! hit get here.
//!
//! Not read yet: Exim's `H=host [addr]`, Juniper's `addr/port->addr/port`
//! flows, Palo Alto's CSV columns and sshd's `from addr` in syslog; their
//! hits carry no peer until each gets its rule and tests.

use super::Columns;
use super::fields::{canonical, word_starts};

/// The longest value taken as a peer; longer ones are not an address or
/// a host name.
const LONGEST: usize = 255;

/// Returns the fields that may hold the other side of a match in
/// `field`, in order of preference.
fn wanted(field: &str) -> &'static [&'static str] {
    match field {
        "src" => &["dst"],
        "dst" => &["src"],
        "client" => &["server"],
        "server" => &["client", "src"],
        "query" | "answer" | "host" | "uri" | "url" | "referrer" | "from"
        | "to" => &["client", "src"],
        _ => &[],
    }
}

/// Returns the other side of the match at `start..end` of `line`, a line
/// of a log of `kind` whose match sat in `fields`.
pub(super) fn peer<'l>(
    kind: &str,
    columns: Option<&Columns>,
    line: &'l [u8],
    (start, end): (usize, usize),
    fields: &[&'static str],
) -> Option<&'l str> {
    let take = |v: &'l [u8]| accept(kind, line, v, (start, end));
    // Logs whose other side is read by where the match is, not by the
    // field it sat in.
    match kind {
        "postfix" => return postfix_client(line).and_then(take),
        "unbound" => return unbound_client(line, start).and_then(take),
        _ => {}
    }
    for f in fields {
        for w in wanted(f) {
            let value = match columns {
                Some(c) => column_value(line, c, w),
                None => keyed_value(line, w)
                    .or_else(|| positional_value(kind, line, w)),
            };
            if let Some(p) = value.and_then(take) {
                return Some(p);
            }
        }
    }
    None
}

/// Returns `v`, a part of `line`, cleaned as a peer, unless nothing
/// usable is left or it holds the match at `start..end`: a value is no
/// peer of itself.
fn accept<'l>(
    kind: &str,
    line: &'l [u8],
    v: &'l [u8],
    (start, end): (usize, usize),
) -> Option<&'l str> {
    let v = clean(kind, v)?;
    let at = v.as_ptr() as usize - line.as_ptr() as usize;
    let apart = end <= at || start >= at + v.len();
    apart.then(|| std::str::from_utf8(v).ok()).flatten()
}

/// Returns the value of the first column named `name`.
fn column_value<'l>(
    line: &'l [u8],
    c: &Columns,
    name: &str,
) -> Option<&'l [u8]> {
    let index = c.names.iter().position(|n| *n == Some(name))?;
    line.split(|b| *b == c.sep).nth(index)
}

/// Returns the value of the first key that names field `name`: `key=v`,
/// `key="v"`, `"key":"v"`, `"key": "v"`.
fn keyed_value<'l>(line: &'l [u8], name: &str) -> Option<&'l [u8]> {
    for at in memchr::memchr2_iter(b'=', b':', line) {
        let mut k_end = at;
        if k_end > 0 && line[k_end - 1] == b'"' {
            k_end -= 1;
        }
        let mut k = k_end;
        while k > 0 && is_key_byte(line[k - 1]) {
            k -= 1;
        }
        if k == k_end || canonical(&line[k..k_end]) != Some(name) {
            continue;
        }
        let mut v = at + 1;
        while v < line.len() && matches!(line[v], b' ' | b'"' | b'\'') {
            v += 1;
        }
        let len = line[v..].iter().position(|b| ends_value(*b));
        return Some(&line[v..v + len.unwrap_or(line.len() - v)]);
    }
    None
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// Bytes that end a value going forwards.
fn ends_value(b: u8) -> bool {
    matches!(b, b'"' | b'\'' | b' ' | b'\t' | b',' | b';' | b'}' | b'>' | b'|')
}

/// Returns the value of field `name` where a log of `kind` keeps it by
/// position or after a word.
fn positional_value<'l>(
    kind: &str,
    line: &'l [u8],
    name: &str,
) -> Option<&'l [u8]> {
    let words: Vec<&[u8]> =
        line.split(|b| *b == b' ').filter(|w| !w.is_empty()).collect();
    let after = |marks: &[&[u8]]| {
        let i = words.iter().position(|w| marks.contains(w))?;
        words.get(i + 1).copied()
    };
    match (kind, name) {
        ("bind-query", "client") => {
            let i = words.iter().position(|w| *w == b"client")?;
            let mut w = words.get(i + 1).copied()?;
            if w.starts_with(b"@0x") {
                w = words.get(i + 2).copied()?;
            }
            // BIND writes the client as `address#port`.
            w.contains(&b'#').then_some(w)
        }
        ("dnsmasq", "client") => words
            .iter()
            .any(|w| w.starts_with(b"query["))
            .then(|| after(&[b"from"]))?,
        ("squid", "client") => {
            let starts = word_starts(line);
            let s = *starts.get(2)?;
            line[s..].split(|b| *b == b' ').next()
        }
        ("access-combined", "client") => access_client(line, &words),
        ("cisco-asa", "src") => after(&[b"src", b"from"]),
        ("cisco-asa", "dst") => after(&[b"dst", b"to"]),
        ("pf-filterlog", "src" | "dst") => filterlog_value(line, name),
        _ => None,
    }
}

/// Returns the client column of an access log line: the first, or the
/// second after a vhost-combined `vhost:port`.
fn access_client<'l>(line: &'l [u8], words: &[&'l [u8]]) -> Option<&'l [u8]> {
    memchr::memmem::find(line, b" [")?;
    let first = *words.first()?;
    let ported = first
        .rsplit(|b| *b == b':')
        .next()
        .is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    let vhost = ported && first.contains(&b':') && words.len() >= 5;
    words.get(usize::from(vhost)).copied()
}

/// Returns pf filterlog's source or destination column (18 and 19 for
/// IPv4, 15 and 16 for IPv6).
fn filterlog_value<'l>(line: &'l [u8], name: &str) -> Option<&'l [u8]> {
    let csv_start = memchr::memmem::find(line, b"]: ").map_or(0, |i| i + 3);
    let cols: Vec<&[u8]> = line[csv_start..].split(|b| *b == b',').collect();
    let (src, dst) = match cols.get(8).copied() {
        Some(b"4") => (18, 19),
        Some(b"6") => (15, 16),
        _ => return None,
    };
    cols.get(if name == "src" { src } else { dst }).copied()
}

/// Returns the address of the host that talked to Postfix, where the
/// line names it: `client=name[addr]` (smtpd) or `RCPT from name[addr]:`
/// (a rejected or filtered recipient).
fn postfix_client(line: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(line, b"client=").map(|i| i + 7).or_else(
        || memchr::memmem::find(line, b"RCPT from ").map(|i| i + 10),
    )?;
    let rest = &line[at..];
    let open = rest.iter().position(|b| *b == b'[')?;
    let close = rest[open..].iter().position(|b| *b == b']')? + open;
    if rest[..open].iter().any(|b| ends_value(*b)) {
        return None;
    }
    Some(&rest[open + 1..close])
}

/// Returns the client of an Unbound query line (`info: ADDR NAME. A IN`)
/// when the match at `start` lies after it.
fn unbound_client(line: &[u8], start: usize) -> Option<&[u8]> {
    let at = memchr::memmem::find(line, b"info: ")? + 6;
    let len = line[at..].iter().position(|b| *b == b' ')?;
    (start > at + len).then(|| &line[at..at + len])
}

/// Returns `v` without what surrounds an address in some logs (Cisco
/// ASA's `iface:addr/port`, BIND's `addr#port`, `[v6]:port`, quotes),
/// or `None`
/// when nothing usable is left.
fn clean<'l>(kind: &str, mut v: &'l [u8]) -> Option<&'l [u8]> {
    v = v.trim_ascii();
    // Some W3C writers quote every column.
    if v.len() >= 2 && v.starts_with(b"\"") && v.ends_with(b"\"") {
        v = &v[1..v.len() - 1];
    }
    if let Some(i) = v.iter().position(|b| *b == b'#') {
        v = &v[..i];
    }
    if kind == "cisco-asa" {
        if let Some(i) = v.iter().rposition(|b| *b == b'/') {
            v = &v[..i];
        }
        if let Some(i) = v.iter().position(|b| *b == b':') {
            v = &v[i + 1..];
        }
    }
    if v.first() == Some(&b'[') {
        let close = v.iter().position(|b| *b == b']')?;
        v = &v[1..close];
    }
    let usable = !v.is_empty()
        && v.len() <= LONGEST
        && v != b"-"
        && v != b"(empty)"
        && v.iter().all(|b| b.is_ascii_graphic() || *b >= 0x80);
    usable.then_some(v)
}
