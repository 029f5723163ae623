//! Names the field a match sits in, with the canonical names hit records
//! use whatever the log calls them: `src`, `dst`, `client`, `server`,
//! `query`, `answer`, `host`, `uri`, `url`, `from`, `to`, `hash`,
//! `image`, `file`, `command`, `referrer`.
//!
//! Logs with a header (Zeek TSV `#fields`, W3C `#Fields:`) name each
//! column; the match's column is counted. Other logs name the field
//! before its value: `SRC=` (netfilter), `srcip=` (FortiGate), `"id.orig_h":`
//! (Zeek JSON), `query: ` (BIND), `from=<` (Postfix). A few logs say it by
//! position: the first column of an access log is the client.

/// Returns the canonical name of a field a log calls `key` (any case).
pub(super) fn canonical(key: &[u8]) -> Option<&'static str> {
    let mut lower = [0u8; 40];
    if key.is_empty() || key.len() > lower.len() {
        return None;
    }
    let lower = &mut lower[..key.len()];
    lower.copy_from_slice(key);
    lower.make_ascii_lowercase();
    let name = match &*lower {
        b"src" | b"srcip" | b"src_ip" | b"source_ip" | b"sourceip"
        | b"sourceaddress" | b"source.ip" | b"id.orig_h" | b"id_orig_h"
        | b"saddr" | b"tx_hosts" | b"orig_h" | b"ipaddress"
        | b"source-address" => "src",
        b"dst"
        | b"dstip"
        | b"dst_ip"
        | b"dest_ip"
        | b"destination_ip"
        | b"destinationip"
        | b"destinationaddress"
        | b"destination.ip"
        | b"id.resp_h"
        | b"id_resp_h"
        | b"daddr"
        | b"rx_hosts"
        | b"resp_h"
        | b"destaddress"
        | b"destination-address" => "dst",
        b"client" | b"c-ip" | b"clientip" | b"client_ip" | b"client-ip"
        | b"rhost" => "client",
        b"server" | b"s-ip" | b"serverip" | b"server_ip" => "server",
        b"query" | b"qname" | b"queryname" | b"question" => "query",
        b"answers" | b"answer" | b"queryresults" => "answer",
        b"host" | b"cs-host" | b"cs(host)" | b"dhost"
        | b"destination_host" | b"server_name" | b"hostname" | b"sni" => {
            "host"
        }
        b"uri" | b"cs-uri-stem" | b"cs-uri" | b"path" => "uri",
        b"url" | b"request" | b"cs-uri-query" => "url",
        b"referrer" | b"referer" | b"cs(referer)" | b"cs-referer" => {
            "referrer"
        }
        b"from" | b"sender" | b"mailfrom" | b"senderaddress"
        | b"sender-address" => "from",
        b"to" | b"recipient" | b"rcpt" | b"recipientaddress"
        | b"recipient-address" | b"rcptto" => "to",
        b"hashes" | b"hash" | b"md5" | b"sha1" | b"sha256" | b"imphash"
        | b"fingerprint" => "hash",
        b"image" | b"parentimage" | b"sourceimage" | b"targetimage"
        | b"imageloaded" => "image",
        b"targetfilename" | b"filename" | b"file" | b"filepath" => "file",
        b"commandline" | b"parentcommandline" | b"command" => "command",
        b"destinationhostname" | b"sourcehostname" => "host",
        _ => return None,
    };
    Some(name)
}

/// Returns the column names of a log with a header: Zeek TSV
/// (`#fields\t…`, tab-separated) or W3C (`#Fields: …`, blank-separated).
pub(super) fn header_columns(
    kind: &str,
    head: &[u8],
) -> Option<super::Columns> {
    let (mark, sep, split): (&[u8], u8, u8) =
        if kind.starts_with("zeek-") || kind == "zeek" {
            (b"#fields\t", b'\t', b'\t')
        } else if kind == "w3c" || kind == "exchange-tracking" {
            (b"#Fields: ", b' ', b' ')
        } else {
            return None;
        };
    let at = memchr::memmem::find(head, mark)?;
    let rest = &head[at + mark.len()..];
    let end = rest
        .iter()
        .position(|b| matches!(b, b'\n' | b'\r'))
        .unwrap_or(rest.len());
    let header = &rest[..end];
    // Exchange writes its header comma-separated.
    let (sep, split) =
        if kind == "exchange-tracking" { (b',', b',') } else { (sep, split) };
    let names = header
        .split(|b| *b == split)
        .filter(|n| !n.is_empty())
        .map(|n| canonical(n.trim_ascii()))
        .collect();
    Some(super::Columns { sep, names })
}

/// Returns the name of the column that byte `at` of `line` is in.
pub(super) fn column(
    line: &[u8],
    at: usize,
    sep: u8,
    names: &[Option<&'static str>],
) -> Option<&'static str> {
    let index = memchr::memchr_iter(sep, &line[..at.min(line.len())]).count();
    names.get(index).copied().flatten()
}

/// Bytes that end a value going backwards from inside it.
fn opens_value(b: u8) -> bool {
    matches!(
        b,
        b'"' | b' ' | b'\t' | b'=' | b',' | b'{' | b'[' | b'<' | b'\'' | b'('
    )
}

/// Returns the name of the field at byte `at` of `line`, told by the key
/// written before its value, or by position for logs of `kind`.
pub(super) fn named(
    kind: &str,
    line: &[u8],
    at: usize,
) -> Option<&'static str> {
    let at = at.min(line.len());
    let mut v = at;
    while v > 0 && !opens_value(line[v - 1]) {
        v -= 1;
    }
    if let Some(name) = keyed(line, v) {
        return Some(name);
    }
    positional(kind, line, v)
}

/// Reads the key before a value starting at `v`: `key=`, `key="`,
/// `key=<`, `"key":"`, `"key": [ "`, `key: `.
fn keyed(line: &[u8], v: usize) -> Option<&'static str> {
    let mut p = v;
    // Opening quote, bracket or angle bracket of the value.
    while p > 0 && matches!(line[p - 1], b'"' | b'<' | b'[' | b'\'') {
        p -= 1;
    }
    while p > 0 && line[p - 1] == b' ' {
        p -= 1;
    }
    if p == 0 {
        return None;
    }
    match line[p - 1] {
        b'=' | b':' => {
            let mut k_end = p - 1;
            if k_end > 0 && line[k_end - 1] == b'"' {
                k_end -= 1;
            }
            let mut k = k_end;
            while k > 0 && is_key_byte(line[k - 1]) {
                k -= 1;
            }
            canonical(&line[k..k_end])
        }
        _ => None,
    }
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(b, b'_' | b'.' | b'-' | b'@' | b'(' | b')')
}

/// Names fields that some logs tell by position or by a word before the
/// value rather than a key.
fn positional(kind: &str, line: &[u8], v: usize) -> Option<&'static str> {
    let word_before = || {
        let end = line[..v].trim_ascii_end().len();
        let start =
            line[..end].iter().rposition(|b| *b == b' ').map_or(0, |i| i + 1);
        &line[start..end]
    };
    match kind {
        // `1.2.3.4 - - [04/Dec/2026:…] "GET /a HTTP/1.1" 200 …`; a
        // vhost-combined line puts `vhost:port` first.
        "access-combined" => access_log_field(line, v),
        "pf-filterlog" => filterlog_field(line, v),
        "bind-query" if v > 0 && line[v - 1] == b'(' => Some("query"),
        "squid" => {
            let words: Vec<usize> = word_starts(line);
            match words.iter().position(|w| *w == v) {
                Some(2) => Some("client"),
                Some(6) => Some("url"),
                _ => None,
            }
        }
        "cisco-asa" | "bind-query" | "dnsmasq" | "unbound" => {
            let w = word_before();
            let w = w.strip_suffix(b":").unwrap_or(w);
            match w {
                b"src" | b"from" => Some("src"),
                b"dst" | b"to" => Some("dst"),
                b"client" => Some("client"),
                b"query" | b"forwarded" | b"cached" => Some("query"),
                _ if w.starts_with(b"query[") => Some("query"),
                b"is" => Some("answer"),
                _ if w.starts_with(b"@0x") => Some("client"),
                _ if kind == "unbound" && w == b"info" => Some("client"),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Returns where each blank-separated word of `line` starts.
pub(super) fn word_starts(line: &[u8]) -> Vec<usize> {
    let mut out = Vec::new();
    for (i, b) in line.iter().enumerate() {
        if *b != b' ' && (i == 0 || line[i - 1] == b' ') {
            out.push(i);
        }
    }
    out
}

/// Names the field at `v` of an access log line: `client` (first column,
/// or second after a vhost-combined `vhost:port`), `host` (the vhost),
/// `uri` (inside the quoted request).
fn access_log_field(line: &[u8], v: usize) -> Option<&'static str> {
    let bracket = memchr::memmem::find(line, b" [")?;
    let words: Vec<usize> =
        word_starts(&line[..bracket]).into_iter().collect();
    let first_end = line.iter().position(|b| *b == b' ')?;
    let ported = line[..first_end]
        .rsplit(|b| *b == b':')
        .next()
        .is_some_and(|p| !p.is_empty() && p.iter().all(u8::is_ascii_digit));
    let vhost = words.len() >= 4 && ported;
    match words.iter().position(|w| *w == v) {
        Some(0) => return Some(if vhost { "host" } else { "client" }),
        Some(1) if vhost => return Some("client"),
        _ => {}
    }
    let req = memchr::memmem::find(line, b"] \"")? + 3;
    let req_end = line[req..].iter().position(|b| *b == b'"')? + req;
    (v > req && v < req_end).then_some("uri")
}

/// Names the address columns of pf's filterlog CSV: source and
/// destination follow the IP header fields, at 18 and 19 for IPv4, at 15
/// and 16 for IPv6.
fn filterlog_field(line: &[u8], v: usize) -> Option<&'static str> {
    let csv_start = memchr::memmem::find(line, b"]: ").map_or(0, |i| i + 3);
    if v < csv_start {
        return None;
    }
    let cols: Vec<&[u8]> = line[csv_start..].split(|b| *b == b',').collect();
    let index = memchr::memchr_iter(b',', &line[csv_start..v]).count();
    let (src, dst) = match cols.get(8).copied() {
        Some(b"4") => (18, 19),
        Some(b"6") => (15, 16),
        _ => return None,
    };
    match index {
        i if i == src => Some("src"),
        i if i == dst => Some("dst"),
        _ => None,
    }
}
