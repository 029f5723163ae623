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

/// An e-mail indicator's local part and id, filed under its domain.
type LocalPart = (Box<[u8]>, u32);

/// Every domain, URL and e-mail indicator.
#[derive(Debug)]
pub struct Names {
    domains: Map<Box<[u8]>, u32>,
    /// Last labels of the domains: a token whose last label is not here
    /// cannot hold a domain indicator.
    tlds: Map<Box<[u8]>, ()>,
    urls: Map<Box<[u8]>, Vec<Url>>,
    /// E-mail domain → (local part, id).
    emails: Map<Box<[u8]>, Vec<LocalPart>>,
    v6_hosts: bool,
}

impl Default for Names {
    fn default() -> Names {
        Names {
            domains: new_map(),
            tlds: new_map(),
            urls: new_map(),
            emails: new_map(),
            v6_hosts: false,
        }
    }
}

impl Names {
    pub fn add_domain(&mut self, domain: &str, id: u32) {
        let d = domain.as_bytes();
        let tld = d.rsplit(|b| *b == b'.').next().unwrap_or(d);
        self.tlds.insert(tld.into(), ());
        self.domains.insert(d.into(), id);
    }

    pub fn add_url(&mut self, u: &UrlValue, id: u32) {
        self.v6_hosts |= u.host.starts_with('[');
        let entry = Url {
            id,
            scheme: u.scheme.as_ref().map(|s| s.as_bytes().into()),
            port: u.port,
            rest: u.rest.as_bytes().into(),
        };
        self.urls.entry(u.host.as_bytes().into()).or_default().push(entry);
    }

    pub fn add_email(&mut self, email: &str, id: u32) {
        let (local, domain) =
            email.rsplit_once('@').expect("e-mail indicators hold an @");
        let list = self.emails.entry(domain.as_bytes().into()).or_default();
        list.push((local.as_bytes().into(), id));
    }

    pub fn is_empty(&self) -> bool {
        self.domains.is_empty()
            && self.urls.is_empty()
            && self.emails.is_empty()
    }

    pub fn has_v6_hosts(&self) -> bool {
        self.v6_hosts
    }

    /// Checks the host token `start..end` for domains, URL hosts and
    /// e-mail domains. `buf` is scratch space for the lower-cased token.
    pub fn check_token(
        &self,
        hay: &[u8],
        start: usize,
        end: usize,
        out: &mut Vec<RawHit>,
        buf: &mut Vec<u8>,
    ) {
        let mut s = start;
        while s < end && matches!(hay[s], b'.' | b'-' | b'_') {
            s += 1;
        }
        let mut e = end;
        while e > s && matches!(hay[e - 1], b'.' | b'-') {
            e -= 1;
        }
        if e - s < 3 {
            return;
        }
        buf.clear();
        buf.extend(hay[s..e].iter().map(u8::to_ascii_lowercase));
        if !self.domains.is_empty() {
            self.check_domain(buf, s, e, out);
        }
        if !self.urls.is_empty() {
            if let Some(list) = self.urls.get(buf.as_slice()) {
                for u in list {
                    check_url(u, hay, s, e, out);
                }
            }
        }
        if !self.emails.is_empty() && s == start && s > 0 && hay[s - 1] == b'@'
        {
            if let Some(list) = self.emails.get(buf.as_slice()) {
                for (local, id) in list {
                    check_email(local, *id, hay, s - 1, e, out);
                }
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
        if !self.tlds.contains_key(&name[last_dot + 1..]) {
            return;
        }
        let mut from = 0;
        loop {
            if let Some(id) = self.domains.get(&name[from..]) {
                out.push(RawHit { start: s, end: e, id: *id });
            }
            match memchr::memchr(b'.', &name[from..]) {
                Some(i) if from + i < last_dot => from += i + 1,
                _ => break,
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

/// Returns the default port of a scheme, where one is well known.
fn default_port(scheme: &[u8]) -> Option<u16> {
    match scheme {
        b"http" | b"ws" => Some(80),
        b"https" | b"wss" => Some(443),
        b"ftp" => Some(21),
        _ => None,
    }
}

/// Checks URL indicator `u` around its host, found at `hs..he`.
///
/// The scheme (when the indicator has one) must precede the host, with
/// optional user info between; the port must agree (an absent port equals
/// the scheme's default); the rest must follow exactly, then end the URL,
/// or be followed by `?`, `#` or `/`.
fn check_url(
    u: &Url,
    hay: &[u8],
    hs: usize,
    he: usize,
    out: &mut Vec<RawHit>,
) {
    let mut start = hs;
    if let Some(scheme) = &u.scheme {
        let mut p = hs;
        if p > 0 && hay[p - 1] == b'@' {
            p -= 1;
            while p > 0 && !class::ends_url(hay[p - 1]) && hay[p - 1] != b'/' {
                p -= 1;
            }
        }
        let Some(before) = p.checked_sub(3 + scheme.len()) else { return };
        let head = &hay[before..p];
        if &head[scheme.len()..] != b"://"
            || !head[..scheme.len()].eq_ignore_ascii_case(scheme)
        {
            return;
        }
        if before > 0
            && (hay[before - 1].is_ascii_alphanumeric()
                || matches!(hay[before - 1], b'+' | b'-' | b'.'))
        {
            return;
        }
        start = before;
    }
    let mut q = he;
    let mut seen_port = None;
    if hay.get(q) == Some(&b':') {
        let mut r = q + 1;
        while r < hay.len() && hay[r].is_ascii_digit() {
            r += 1;
        }
        if r > q + 1 && r - q <= 6 {
            seen_port = std::str::from_utf8(&hay[q + 1..r])
                .ok()
                .and_then(|p| p.parse::<u16>().ok());
            if seen_port.is_some() {
                q = r;
            }
        }
    }
    let default = u.scheme.as_deref().and_then(default_port);
    let port_ok = match (u.port, seen_port) {
        (Some(w), Some(s)) => w == s,
        (Some(w), None) => Some(w) == default,
        (None, Some(s)) => Some(s) == default,
        (None, None) => true,
    };
    if !port_ok || !hay[q..].starts_with(&u.rest) {
        return;
    }
    let end = q + u.rest.len();
    let open_ended = u.rest.is_empty() || u.rest.ends_with(b"/");
    let boundary = match hay.get(end) {
        None => true,
        Some(b) => {
            open_ended
                || matches!(b, b'?' | b'#' | b'/')
                || class::ends_url(*b)
        }
    };
    if boundary {
        out.push(RawHit { start, end, id: u.id });
    }
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
    if start > 0 && class::in_local_part(hay[start - 1]) {
        return;
    }
    out.push(RawHit { start, end, id });
}
