//! Domain, URL and e-mail matching, all driven by host tokens.
//!
//! A host token is a run of letters, digits, `.`, `-` and `_` holding a
//! dot. A domain indicator matches when it equals the token or one of the
//! token's suffixes that starts after a dot, so `evil.example` matches
//! `a.b.evil.example` but never `notevil.example`. URL and e-mail
//! indicators are filed under their host, and checked around the token
//! only when the token is that host.

use std::net::Ipv6Addr;

use super::class;
use super::edge::{self, escaped};
use super::{Map, RawHit, new_map};
use crate::indicator::UrlValue;

/// A URL indicator, filed under its host.
#[derive(Debug)]
struct Url {
    id: u32,
    scheme: Option<Box<[u8]>>,
    port: Option<u16>,
    rest: Box<[u8]>,
}

/// `labels` flags: which kinds of indicator end in a label.
const DOMAIN: u8 = 1;
const URL: u8 = 2;
const EMAIL: u8 = 4;
const FILE: u8 = 8;

/// The longest last label a host token is looked up by: a host label is
/// at most 63 bytes; a file name with a longer extension part goes to the
/// literal automaton instead.
const LONGEST_LABEL: usize = 64;

/// Returns the bit of `label` in `Names::label_bits`: its length (up to
/// 15) and its first and last bytes, folded so that case does not count.
#[inline]
fn label_bit(label: &[u8]) -> usize {
    let fold = |b: u8| usize::from((b | 0x20) & 31);
    let len = label.len().min(15);
    let (first, last) = (label[0], label[label.len() - 1]);
    len << 10 | fold(first) << 5 | fold(last)
}

/// Returns the forms of a host name that logs write in ASCII: the name
/// itself, and for an internationalised name its punycode form too
/// (`bücher.example` and `xn--bcher-kva.example`), which is how DNS,
/// proxy and mail logs write it.
fn ascii_forms(host: &str) -> Vec<String> {
    let mut forms = vec![host.to_string()];
    if !host.is_ascii() {
        if let Ok(ascii) = idna::domain_to_ascii(host) {
            if ascii != host {
                forms.push(ascii);
            }
        }
    }
    forms
}

/// Returns the last dot-separated label of `name`.
fn last_label(name: &[u8]) -> &[u8] {
    name.rsplit(|b| *b == b'.').next().unwrap_or(name)
}

/// An e-mail indicator's local part and id, filed under its domain.
type LocalPart = (Box<[u8]>, u32);

/// Every domain, URL and e-mail indicator.
#[derive(Debug)]
pub struct Names {
    domains: Map<Box<[u8]>, u32>,
    /// Further indicators under a key `domains` already holds (an
    /// internationalised name and its punycode form both listed).
    more_domains: Map<Box<[u8]>, Vec<u32>>,
    /// Last labels (top-level domains, file extensions) of every name
    /// indicator, with which kinds use them: a token whose last label is
    /// not here holds no name indicator, which one probe tells.
    labels: Map<Box<[u8]>, u8>,
    /// A bit per (length, first letter, last letter) of those labels:
    /// one probe of this small table turns most tokens away before
    /// their label is lower-cased and hashed.
    label_bits: Box<[u64; 256]>,
    urls: Map<Box<[u8]>, Vec<Url>>,
    /// E-mail domain → (local part, id).
    emails: Map<Box<[u8]>, Vec<LocalPart>>,
    /// File names that are host-shaped tokens (`evil.exe`), lower-case;
    /// other file names go to the literal automaton.
    files: Map<Box<[u8]>, Vec<u32>>,
    v6_hosts: bool,
}

impl Default for Names {
    fn default() -> Names {
        Names {
            domains: new_map(),
            more_domains: new_map(),
            labels: new_map(),
            label_bits: Box::new([0; 256]),
            urls: new_map(),
            emails: new_map(),
            files: new_map(),
            v6_hosts: false,
        }
    }
}

impl Names {
    pub fn add_domain(&mut self, domain: &str, id: u32) {
        for form in ascii_forms(domain) {
            let d = form.as_bytes();
            self.label(last_label(d), DOMAIN);
            if let Some(&first) = self.domains.get(d) {
                if first != id {
                    self.more_domains.entry(d.into()).or_default().push(id);
                }
            } else {
                self.domains.insert(d.into(), id);
            }
        }
    }

    fn label(&mut self, label: &[u8], kind: u8) {
        if label.is_empty() {
            return;
        }
        let key = label.to_ascii_lowercase().into_boxed_slice();
        *self.labels.entry(key).or_default() |= kind;
        let bit = label_bit(label);
        self.label_bits[bit / 64] |= 1 << (bit % 64);
    }

    pub fn add_url(&mut self, u: &UrlValue, id: u32) {
        self.v6_hosts |= u.host.starts_with('[');
        for host in ascii_forms(&u.host) {
            let entry = Url {
                id,
                scheme: u.scheme.as_ref().map(|s| s.as_bytes().into()),
                port: u.port,
                rest: decode_unreserved(u.rest.as_bytes()).into(),
            };
            if !host.starts_with('[') {
                self.label(last_label(host.as_bytes()), URL);
            }
            self.urls.entry(host.as_bytes().into()).or_default().push(entry);
        }
    }

    pub fn add_email(&mut self, email: &str, id: u32) {
        let (local, domain) =
            email.rsplit_once('@').expect("e-mail indicators hold an @");
        for domain in ascii_forms(domain) {
            self.label(last_label(domain.as_bytes()), EMAIL);
            let list =
                self.emails.entry(domain.as_bytes().into()).or_default();
            list.push((local.as_bytes().into(), id));
        }
    }

    /// Files a file name that host tokens can find: one with a dot, made
    /// of letters, digits, `.`, `-` and `_` only, whose last part is no
    /// longer than a token's label can be. Returns whether it was taken.
    pub fn add_file_name(&mut self, name: &str, id: u32) -> bool {
        let b = name.as_bytes();
        let dotted = b.contains(&b'.')
            && !b.ends_with(b".")
            && last_label(b).len() <= LONGEST_LABEL
            && b.iter().all(|c| class::is(*c, class::HOST));
        if dotted {
            self.label(last_label(b), FILE);
            let key = b.to_ascii_lowercase().into_boxed_slice();
            self.files.entry(key).or_default().push(id);
        }
        dotted
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
            && self.urls.is_empty()
            && self.emails.is_empty()
            && self.files.is_empty()
    }

    pub fn has_domains(&self) -> bool {
        !self.domains.is_empty()
    }

    pub fn has_v6_hosts(&self) -> bool {
        self.v6_hosts
    }

    /// Checks the host token `start..end` for domains, URL hosts, e-mail
    /// domains and file names. `buf` is scratch space.
    #[inline]
    pub fn check_token(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        let mut e = end;
        while e > start && matches!(hay[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let Some(dot) = memchr::memrchr(b'.', &hay[start..e]) else { return };
        let label = &hay[start + dot + 1..e];
        let mut lower = [0u8; LONGEST_LABEL];
        if label.is_empty() || label.len() > lower.len() {
            return;
        }
        let bit = label_bit(label);
        if self.label_bits[bit / 64] & (1 << (bit % 64)) == 0 {
            return;
        }
        let lower = &mut lower[..label.len()];
        lower.copy_from_slice(label);
        lower.make_ascii_lowercase();
        let Some(&kinds) = self.labels.get(&*lower) else { return };
        if kinds & FILE != 0 {
            self.check_file_name(hay, start, end, out, buf);
        }
        if kinds & (DOMAIN | URL | EMAIL) != 0 {
            self.check_host_edges(hay, start, end, kinds, out, buf);
        }
    }

    /// Reads the edges of the token `start..end`, then checks it for
    /// domains, URL hosts and e-mail domains. A JSON escape's letter
    /// before the name is not part of it (`\tevil.example`), nor the hex
    /// digits of an escaped delimiter (`%2Fevil.example`); an escaped
    /// host byte joins the labels on its side (`%41evil.example` is
    /// `Aevil.example`). File names keep every letter (`C:\Temp\nevil.exe`
    /// in a plain log is the file `nevil.exe`) and are not read encoded.
    fn check_host_edges(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        kinds: u8,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        if edge::host_continues(hay, end) {
            return;
        }
        let mut e = end;
        while e > start && matches!(hay[e - 1], b'.' | b'-') {
            e -= 1;
        }
        let s = match edge::host_head(hay, start) {
            edge::Head::At(s) => s,
            edge::Head::Joined => {
                let Some(dot) = memchr::memchr(b'.', &hay[start..e]) else {
                    return;
                };
                start + dot + 1
            }
        };
        self.check_host(hay, s, e, kinds, out, buf);
    }

    /// Checks the token (trailing dots and hyphens already trimmed) for
    /// domains, URL hosts and e-mail domains.
    fn check_host(
        &self,
        hay: &[u8],
        start: usize,
        e: usize,
        kinds: u8,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        // Leading dots and hyphens are punctuation (`.evil.example` as a
        // cookie domain); a leading underscore belongs to the name
        // (`_dmarc.evil.example`).
        let mut s = start;
        while s < e && matches!(hay[s], b'.' | b'-') {
            s += 1;
        }
        if e - s < 3 {
            return;
        }
        buf.clear();
        buf.extend(hay[s..e].iter().map(u8::to_ascii_lowercase));
        if kinds & DOMAIN != 0 {
            self.check_domain(buf, s, e, out);
        }
        if kinds & URL != 0 {
            if let Some(list) = self.urls.get(buf.as_slice()) {
                for u in list {
                    check_url(u, hay, s, e, out);
                }
            }
        }
        let after_at = s == start && s > 0 && hay[s - 1] == b'@';
        if kinds & EMAIL != 0 && after_at {
            if let Some(list) = self.emails.get(buf.as_slice()) {
                for (local, id) in list {
                    check_email(local, *id, hay, s - 1, e, out);
                }
            }
        }
    }

    /// Checks the token as a whole path component (a dot ending a
    /// sentence after it is allowed).
    fn check_file_name(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        let joined =
            |b: Option<&u8>| b.is_some_and(|b| class::in_file_name(*b));
        if start > 0 && joined(hay.get(start - 1))
            || joined(hay.get(end))
            || edge::letter_before(hay, start)
            || edge::letter_after(hay, end)
        {
            return;
        }
        // One dot after the name may end a sentence; two do not.
        let e = if hay[..end].ends_with(b".") { end - 1 } else { end };
        buf.clear();
        buf.extend(hay[start..e].iter().map(u8::to_ascii_lowercase));
        if let Some(ids) = self.files.get(buf.as_slice()) {
            for id in ids {
                out.push(RawHit { start, end: e, id: *id });
            }
        }
    }

    fn check_domain(
        &self,
        name: &[u8],
        s: usize,
        e: usize,
        out: &mut Vec<RawHit>,
    ) {
        let Some(last_dot) = memchr::memrchr(b'.', name) else { return };
        let mut from = 0;
        loop {
            if let Some(id) = self.domains.get(&name[from..]) {
                out.push(RawHit { start: s, end: e, id: *id });
                if !self.more_domains.is_empty() {
                    for id in self
                        .more_domains
                        .get(&name[from..])
                        .into_iter()
                        .flatten()
                    {
                        out.push(RawHit { start: s, end: e, id: *id });
                    }
                }
            }
            match memchr::memchr(b'.', &name[from..]) {
                Some(i) if from + i < last_dot => from += i + 1,
                _ => break,
            }
        }
    }

    /// Finds names written as Windows DNS Server debug logs write them,
    /// `(3)www(4)evil(7)example(0)`: each label after its length in
    /// brackets, ending with `(0)`. The name is read back from the `(0)`
    /// and checked against the domain indicators like any host token.
    pub fn scan_dns_debug(
        &self,
        hay: &[u8],
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        if self.domains.is_empty() {
            return;
        }
        for end in memchr::memmem::find_iter(hay, b"(0)") {
            let mut labels: Vec<&[u8]> = Vec::new();
            let mut pos = end;
            while let Some((open, label)) = encoded_label(hay, pos) {
                labels.push(label);
                pos = open;
            }
            if labels.len() < 2 {
                continue;
            }
            buf.clear();
            for (i, label) in labels.iter().rev().enumerate() {
                if i > 0 {
                    buf.push(b'.');
                }
                buf.extend(label.iter().map(u8::to_ascii_lowercase));
            }
            self.check_domain(buf, pos, end + 3, out);
        }
    }

    /// Finds domains whose dots a log wrote percent-encoded
    /// (`evil%2Eexample` in a query string or redirect target): the token
    /// around each `%2E` is decoded (escapes of letters, digits, `-` and
    /// `_` too) and checked against the domain indicators. A match
    /// covers the token as written.
    pub fn scan_percent_dots(
        &self,
        hay: &[u8],
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        if self.domains.is_empty() {
            return;
        }
        let mut done = 0;
        for at in memchr::memmem::find_iter(hay, b"%2") {
            if at < done || !matches!(hay.get(at + 2), Some(b'E' | b'e')) {
                continue;
            }
            let (s, e) = encoded_token(hay, at);
            done = e;
            buf.clear();
            let mut i = s;
            while i < e {
                match escaped(hay, i) {
                    Some(c) => {
                        buf.push(c.to_ascii_lowercase());
                        i += 3;
                    }
                    None => {
                        buf.push(hay[i].to_ascii_lowercase());
                        i += 1;
                    }
                }
            }
            while buf.last().is_some_and(|b| matches!(b, b'.' | b'-')) {
                buf.pop();
            }
            let lead = buf.iter().take_while(|b| matches!(b, b'.' | b'-'));
            let lead = lead.count();
            buf.drain(..lead);
            if buf.len() >= 3 {
                self.check_domain(buf, s, e, out);
            }
        }
    }

    /// Checks URL indicators whose host is the IPv6 address written
    /// bracketed at `hs..he` (brackets included).
    pub fn check_v6_host(
        &self,
        addr: &Ipv6Addr,
        hay: &[u8],
        hs: usize,
        he: usize,
        out: &mut Vec<RawHit>,
    ) {
        if !self.v6_hosts {
            return;
        }
        let key = format!("[{addr}]");
        if let Some(list) = self.urls.get(key.as_bytes()) {
            for u in list {
                check_url(u, hay, hs, he, out);
            }
        }
    }
}

/// Returns the host token around the escape at `at`: host bytes and
/// escapes of host bytes, either side.
fn encoded_token(hay: &[u8], at: usize) -> (usize, usize) {
    let host = |c: u8| class::is(c, class::HOST);
    let mut s = at;
    loop {
        // An escape's hex digits look like host bytes: read it whole.
        if let Some(c) = s.checked_sub(3).and_then(|p| escaped(hay, p)) {
            if !host(c) {
                break;
            }
            s -= 3;
        } else if s > 0 && host(hay[s - 1]) {
            s -= 1;
        } else {
            break;
        }
    }
    let mut e = at;
    loop {
        if escaped(hay, e).is_some_and(host) {
            e += 3;
        } else if e < hay.len() && host(hay[e]) {
            e += 1;
        } else {
            break;
        }
    }
    (s, e)
}

/// Reads the encoded label that ends at `end` in a Windows DNS debug
/// name: `(N)label` with N the label's length. Returns where its `(`
/// is, and the label.
fn encoded_label(hay: &[u8], end: usize) -> Option<(usize, &[u8])> {
    let close = memchr::memrchr(b')', &hay[end.saturating_sub(64)..end])?
        + end.saturating_sub(64);
    let label = &hay[close + 1..end];
    let ok = !label.is_empty()
        && label
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(b));
    if !ok {
        return None;
    }
    let digits_start =
        close.checked_sub(if label.len() >= 10 { 2 } else { 1 })?;
    let open = digits_start.checked_sub(1)?;
    let digits = &hay[digits_start..close];
    let len = std::str::from_utf8(digits).ok()?.parse::<usize>().ok()?;
    (hay[open] == b'(' && len == label.len()).then_some((open, label))
}

/// Returns the default port of a scheme, where one is well known.
fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// Checks URL indicator `u` around its host, found at `hs..he`: written
/// whole (`http://host/rest`), or split into fields as web logs write it.
fn check_url(
    u: &Url,
    hay: &[u8],
    hs: usize,
    he: usize,
    out: &mut Vec<RawHit>,
) {
    let before = out.len();
    if let Some(start) = scheme_start(u, hay, hs) {
        check_whole_url(u, hay, start, he, out);
    }
    if out.len() == before {
        check_split_url(u, hay, hs, he, out);
    }
}

/// Returns where the URL starts if the indicator's scheme (when it has
/// one) is written before the host, with optional user info between.
fn scheme_start(u: &Url, hay: &[u8], hs: usize) -> Option<usize> {
    let Some(scheme) = &u.scheme else { return Some(hs) };
    let mut p = hs;
    if p > 0 && hay[p - 1] == b'@' {
        p -= 1;
        while p > 0 && !class::ends_url(hay[p - 1]) && hay[p - 1] != b'/' {
            p -= 1;
        }
    }
    // JSON may escape the slashes: `http:\/\/evil.example\/a`.
    let sep: &[u8] =
        if hay[..p].ends_with(br":\/\/") { br":\/\/" } else { b"://" };
    let before = p.checked_sub(sep.len() + scheme.len())?;
    let head = &hay[before..p];
    let written = &head[scheme.len()..] == sep
        && head[..scheme.len()].eq_ignore_ascii_case(scheme);
    let in_scheme =
        |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.');
    let glued = match edge::escape_before(hay, before, in_scheme) {
        edge::Escape::Ends(_) => false,
        edge::Escape::Joins => true,
        edge::Escape::None => {
            before > 0 && in_scheme(hay[before - 1])
                || edge::letter_before(hay, before)
        }
    };
    (written && !glued).then_some(before)
}

/// Returns the port written right after a host ending at `he` and where
/// the port ends (or `he` when there is none).
fn port_after_host(hay: &[u8], he: usize) -> (Option<u16>, usize) {
    if hay.get(he) != Some(&b':') {
        return (None, he);
    }
    let mut r = he + 1;
    while r < hay.len() && r - he <= 6 && hay[r].is_ascii_digit() {
        r += 1;
    }
    let port = std::str::from_utf8(&hay[he + 1..r])
        .ok()
        .and_then(|p| p.parse::<u16>().ok());
    match port {
        Some(p) if r > he + 1 => (Some(p), r),
        _ => (None, he),
    }
}

/// The port rule for URLs: an absent port equals the scheme's default.
fn port_fits(u: &Url, seen: Option<u16>) -> bool {
    let default = u.scheme.as_deref().and_then(default_port);
    match (u.port, seen) {
        (Some(w), Some(s)) => w == s,
        (Some(w), None) => Some(w) == default,
        (None, Some(s)) => Some(s) == default,
        (None, None) => true,
    }
}

/// Whether a URL part written up to `end` ends where a URL may end: the
/// end of the URL, `?`, `#` or `/` (anything, when `open_ended`: the
/// part is empty or ends with `/`).
fn rest_ends(open_ended: bool, hay: &[u8], end: usize) -> bool {
    match hay.get(end) {
        None => true,
        // A dot after a URL that ends a sentence is not part of it.
        Some(b'.') => {
            open_ended || hay.get(end + 1).is_none_or(|b| class::ends_url(*b))
        }
        Some(b) => {
            open_ended
                || matches!(b, b'?' | b'#' | b'/')
                || class::ends_url(*b)
        }
    }
}

/// Returns where `rest` (decoded, see [`decode_unreserved`]) ends if it
/// is written at `hay[at..]`, where the log may percent-encode any
/// unreserved character of it (`%61` for `a`, `%2E` for `.`). Reserved
/// characters must be written as the indicator has them: `%2F` is not
/// the `/` between path segments (RFC 3986, 6.2.2.2). A slash may be
/// written `\/`, as JSON may escape it.
fn rest_at(rest: &[u8], hay: &[u8], at: usize) -> Option<usize> {
    let mut p = at;
    for &want in rest {
        match hay.get(p) {
            Some(&b) if b == want => p += 1,
            Some(b'\\') if want == b'/' && hay.get(p + 1) == Some(&b'/') => {
                p += 2
            }
            Some(b'%') => match escaped(hay, p) {
                Some(c) if c == want && is_unreserved(c) => p += 3,
                _ => return None,
            },
            _ => return None,
        }
    }
    Some(p)
}

/// Whether RFC 3986 lists `b` as unreserved: letters, digits, `-`, `.`,
/// `_`, `~`. Only these may be decoded without changing what a URL means.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Decodes the percent-encoded unreserved characters of a URL part,
/// leaving every other escape as written.
fn decode_unreserved(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        match escaped(s, i) {
            Some(c) if is_unreserved(c) => {
                out.push(c);
                i += 3;
            }
            _ => {
                out.push(s[i]);
                i += 1;
            }
        }
    }
    out
}

/// Checks a URL written whole, from `start` (its scheme, or its host when
/// the indicator has no scheme): port, then the rest exactly.
fn check_whole_url(
    u: &Url,
    hay: &[u8],
    start: usize,
    he: usize,
    out: &mut Vec<RawHit>,
) {
    // A fully qualified host may keep its root dot: `evil.example./a`.
    let he = if hay.get(he) == Some(&b'.')
        && matches!(hay.get(he + 1), Some(b'/' | b':'))
    {
        he + 1
    } else {
        he
    };
    let (seen_port, q) = port_after_host(hay, he);
    if !port_fits(u, seen_port) {
        return;
    }
    let whole = rest_at(&u.rest, hay, q).filter(|&end| {
        rest_ends(u.rest.is_empty() || u.rest.ends_with(b"/"), hay, end)
    });
    if let Some(end) = whole {
        out.push(RawHit { start, end, id: u.id });
    } else if *u.rest == *b"/" && rest_ends(true, hay, q) {
        // `http://evil.example` is the same URL as `http://evil.example/`.
        let bare = hay.get(q).is_none_or(|b| class::ends_url(*b));
        if bare {
            out.push(RawHit { start, end: q, id: u.id });
        }
    }
}

/// Whether `b` separates fields in the web logs that split URLs (Zeek
/// TSV, Squid, W3C, JSON).
fn separates_fields(b: u8) -> bool {
    matches!(b, b'\t' | b' ' | b'"' | b'\'' | b',' | b';' | b'|')
}

/// Checks a URL split into fields on one line: the host as a field of its
/// own (optionally with a port), and a field starting with the rest of
/// the URL: the first path field after it (`host<TAB>/path` in Zeek's
/// http.log, `host 80 /path` in ProxySG's) or any field before it (W3C's
/// `cs-uri-stem … cs-host`), with the query perhaps in the field after
/// the path; or Squid's `CONNECT host:443`. The scheme is not
/// written in such logs, so it is not compared, except that only web
/// schemes can match.
fn check_split_url(
    u: &Url,
    hay: &[u8],
    hs: usize,
    he: usize,
    out: &mut Vec<RawHit>,
) {
    if u.scheme.as_deref().is_some_and(|s| {
        default_port(s) != Some(80) && default_port(s) != Some(443)
    }) {
        return;
    }
    let field_start = hs == 0
        || matches!(hay[hs - 1], b'\n' | b'\r' | b'=')
        || separates_fields(hay[hs - 1]);
    let (seen_port, q) = port_after_host(hay, he);
    let field_end = hay
        .get(q)
        .is_none_or(|b| separates_fields(*b) || matches!(b, b'\n' | b'\r'));
    if !field_start || !field_end {
        return;
    }
    // The scheme is not written: a port written must be the indicator's,
    // or the default of its scheme (of either web scheme without one).
    let default = u.scheme.as_deref().and_then(default_port);
    let port_ok = match (u.port, seen_port) {
        (Some(w), Some(s)) => w == s,
        (None, Some(s)) if default.is_some() => Some(s) == default,
        (None, Some(s)) => s == 80 || s == 443,
        _ => true,
    };
    if !port_ok {
        return;
    }
    // A proxy's CONNECT names only host and port: it reaches every path,
    // so an indicator for the whole host matches.
    let whole_host = u.rest.is_empty() || *u.rest == *b"/";
    if whole_host && hay[..hs].ends_with(b"CONNECT ") {
        out.push(RawHit { start: hs, end: q, id: u.id });
        return;
    }
    let line_end =
        memchr::memchr(b'\n', &hay[q..]).map_or(hay.len(), |i| q + i);
    let line_start = memchr::memrchr(b'\n', &hay[..hs]).map_or(0, |i| i + 1);
    // The rest may not be empty here: some field on the line must look
    // like a request path, or a DNS log naming the host would match. The
    // path field may come after the host (Zeek, Squid, ProxySG) or before
    // it (W3C's cs-uri-stem … cs-host).
    let rest: &[u8] = if u.rest.is_empty() { b"/" } else { &u.rest };
    let line = &hay[..line_end];
    let open_ended = u.rest.is_empty() || rest.ends_with(b"/");
    //
    // The matcher sees a line, not its columns: which field is the path
    // is told from the bytes around it. After the host, the path is the
    // first field that starts with `/` (Zeek's next field, ProxySG's
    // after cs-uri-port, W3C's after cs-method, a quoted request's), so
    // no later column (a user agent of `/x`) stands for it. Before the
    // host (W3C's cs-uri-stem … cs-host, a `host=` after a combined
    // line) any field still may: telling cs-uri-stem from other columns
    // there needs the `#Fields:` header, which only the sweep's log
    // reader (`logs::fields`) knows. Checking the path's column against
    // that header is what is missing.
    let after = first_path_field(line, q);
    for p in memchr::memchr_iter(rest[0], &line[line_start..]) {
        let p = line_start + p;
        let in_host = p >= hs && p < q;
        if in_host || !field_starts(line, p) || p >= q && Some(p) != after {
            continue;
        }
        let end = match rest_at(rest, line, p) {
            Some(end) if u.rest.is_empty() => Some(end),
            Some(end) => rest_ends(open_ended, line, end).then_some(end),
            None => query_in_next_field(rest, line, p),
        };
        if let Some(end) = end {
            let (start, end) = if p < hs { (p, q) } else { (hs, end) };
            out.push(RawHit { start, end, id: u.id });
            return;
        }
    }
}

/// Whether a field starts at `p`: after a separator or a `key=`.
fn field_starts(line: &[u8], p: usize) -> bool {
    p > 0 && (separates_fields(line[p - 1]) || line[p - 1] == b'=')
}

/// Returns where the first field at or after `q` that starts with `/`
/// (a request path) begins.
fn first_path_field(line: &[u8], q: usize) -> Option<usize> {
    memchr::memchr_iter(b'/', &line[q..])
        .map(|i| q + i)
        .find(|&p| field_starts(line, p))
}

/// Returns where a URL's query ends if `rest` holds one and the log
/// writes the path at `p` and the query as the next field, as W3C and
/// IIS logs do (`cs-uri-stem cs-uri-query`: `/p/q.php id=5`), or ProxySG
/// with its `?` (`/p/q.php ?id=5`).
fn query_in_next_field(rest: &[u8], line: &[u8], p: usize) -> Option<usize> {
    let mark = memchr::memchr(b'?', rest)?;
    let (path, query) = (&rest[..mark], &rest[mark + 1..]);
    if path.is_empty() || query.is_empty() {
        return None;
    }
    let pe = rest_at(path, line, p)?;
    if !matches!(line.get(pe), Some(b' ' | b'\t')) {
        return None;
    }
    // ProxySG writes cs-uri-query with its `?`; W3C and IIS without.
    let qs = pe + 1 + usize::from(line.get(pe + 1) == Some(&b'?'));
    let end = rest_at(query, line, qs)?;
    rest_ends(false, line, end).then_some(end)
}

/// Checks an e-mail indicator's local part before the `@` at `at`, with
/// the domain (already matched) ending at `end`.
fn check_email(
    local: &[u8],
    id: u32,
    hay: &[u8],
    at: usize,
    end: usize,
    out: &mut Vec<RawHit>,
) {
    let Some(start) = at.checked_sub(local.len()) else { return };
    if !hay[start..at].eq_ignore_ascii_case(local) {
        return;
    }
    // A JSON escape (`\n`, `\u0022`) or an escaped delimiter (`%3C`,
    // `%22`) before the address is not part of it.
    let delimiter = start
        .checked_sub(3)
        .and_then(|p| escaped(hay, p))
        .is_some_and(|b| b < 0x80 && !class::in_local_part(b));
    let joined = match edge::escape_before(hay, start, class::in_local_part) {
        edge::Escape::Ends(_) => false,
        edge::Escape::Joins => true,
        edge::Escape::None => {
            start > 0 && class::in_local_part(hay[start - 1]) && !delimiter
        }
    };
    // Nor is the letter of a JSON escape (`x\na@evil.example` is `a@…`,
    // not `na@…`; `\u0009a@…` is not `u0009a@…`).
    let escape = !matches!(
        edge::escape_head(hay, start, class::in_local_part),
        edge::Escape::None
    );
    if joined || escape || edge::letter_before(hay, start) {
        return;
    }
    out.push(RawHit { start, end, id });
}
