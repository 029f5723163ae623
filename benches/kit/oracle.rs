//! Decides which indicators of a set a planted value matches, by the
//! rules of DESIGN.md, so that the truth follows from the set and the
//! text actually written into the logs.

use std::collections::HashSet;

use super::iocs::{Ioc, Kind, host_mask};

/// A value as written into a log line, reduced to what matching needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    /// Text that holds no address (such as `1.2.3.4.5.6`).
    Nothing,
    /// An IPv4 address (written plain, with a port or `::ffff:`-mapped).
    V4(u32),
    /// An IPv6 address.
    V6(u128),
    /// A host name as written.
    Domain(String),
    /// A URL as written (a split host and path joined again).
    Url(String),
    /// An e-mail address as written.
    Email(String),
    /// A run of hex digits as written.
    Hex(String),
    /// A file name (the last path component) as written.
    File(String),
}

/// The lookup structures of one indicator set.
pub struct Oracle<'a> {
    iocs: &'a [Ioc],
    v4: HashSet<u32>,
    cidrs: Vec<Vec<(u32, u8, usize)>>,
    v6: HashSet<u128>,
    texts: HashSet<(Kind, &'a str)>,
    by_kind: Vec<Vec<usize>>,
    v4_in_cidr: Vec<usize>,
    nested: Vec<usize>,
}

impl<'a> Oracle<'a> {
    /// Builds the lookups for a set.
    pub fn new(iocs: &'a [Ioc]) -> Oracle<'a> {
        let mut o = Oracle {
            iocs,
            v4: HashSet::new(),
            cidrs: vec![Vec::new(); 256],
            v6: HashSet::new(),
            texts: HashSet::with_capacity(iocs.len()),
            by_kind: vec![Vec::new(); Kind::MIX.len()],
            v4_in_cidr: Vec::new(),
            nested: Vec::new(),
        };
        for (i, ioc) in iocs.iter().enumerate() {
            o.add(i, ioc);
        }
        o.find_overlaps();
        o
    }

    fn add(&mut self, i: usize, ioc: &'a Ioc) {
        self.by_kind[ioc.kind as usize].push(i);
        match ioc.kind {
            Kind::Ipv4 => {
                self.v4.insert(parse_v4(&ioc.text).expect("generated v4"));
            }
            Kind::Cidr => {
                let (a, len) = ioc.text.split_once('/').expect("a range");
                let net = parse_v4(a).expect("generated range");
                let len = len.parse().expect("generated prefix length");
                self.cidrs[(net >> 24) as usize].push((net, len, i));
            }
            Kind::Ipv6 => {
                let a: std::net::Ipv6Addr = ioc.text.parse().expect("v6");
                self.v6.insert(u128::from(a));
            }
            _ => {
                self.texts.insert((ioc.kind, ioc.text.as_str()));
            }
        }
    }

    fn find_overlaps(&mut self) {
        for &i in &self.by_kind[Kind::Ipv4 as usize] {
            let a = parse_v4(&self.iocs[i].text).expect("generated v4");
            if self.ranges_holding(a).next().is_some() {
                self.v4_in_cidr.push(i);
            }
        }
        for &i in &self.by_kind[Kind::Domain as usize] {
            let d = &self.iocs[i].text;
            let parent = d.split_once('.').map(|(_, p)| p).unwrap_or("");
            if self.domain_hits(parent).next().is_some() {
                self.nested.push(i);
            }
        }
    }

    /// Returns the indicators of a kind, by index into the set.
    pub fn of_kind(&self, kind: Kind) -> &[usize] {
        &self.by_kind[kind as usize]
    }

    /// Returns the IPv4 indicators that lie inside a range indicator.
    pub fn v4_in_cidr(&self) -> &[usize] {
        &self.v4_in_cidr
    }

    /// Returns the domain indicators that are subdomains of another.
    pub fn nested_domains(&self) -> &[usize] {
        &self.nested
    }

    /// Returns the indicator at an index.
    pub fn ioc(&self, i: usize) -> &'a Ioc {
        &self.iocs[i]
    }

    /// Returns every (kind, indicator) that the token matches.
    pub fn hits(&self, token: &Token) -> Vec<(Kind, String)> {
        let mut out = Vec::new();
        match token {
            Token::Nothing => {}
            Token::V4(a) => self.v4_hits(*a, &mut out),
            Token::V6(a) => {
                if self.v6.contains(a) {
                    let s = std::net::Ipv6Addr::from(*a).to_string();
                    out.push((Kind::Ipv6, s));
                }
            }
            Token::Domain(d) => {
                let d = d.to_ascii_lowercase();
                let d = d.strip_suffix('.').unwrap_or(&d);
                let hits = self.domain_hits(d).map(|s| (Kind::Domain, s));
                out.extend(hits);
            }
            Token::Url(u) => self.url_hits(u, &mut out),
            Token::Email(e) => self.exact(Kind::Email, e, &mut out),
            Token::File(f) => self.exact(Kind::Filename, f, &mut out),
            Token::Hex(h) => {
                let kind = match h.len() {
                    32 => Kind::Md5,
                    40 => Kind::Sha1,
                    64 => Kind::Sha256,
                    _ => return out,
                };
                self.exact(kind, h, &mut out);
            }
        }
        out.sort();
        out
    }

    fn v4_hits(&self, a: u32, out: &mut Vec<(Kind, String)>) {
        if self.v4.contains(&a) {
            out.push((Kind::Ipv4, super::iocs::dotted(a)));
        }
        let ranges: Vec<_> = self.ranges_holding(a).collect();
        for i in ranges {
            out.push((Kind::Cidr, self.iocs[i].text.clone()));
        }
    }

    fn ranges_holding(&self, a: u32) -> impl Iterator<Item = usize> + '_ {
        self.cidrs[(a >> 24) as usize]
            .iter()
            .filter(move |(net, len, _)| a & !host_mask(*len) == *net)
            .map(|&(_, _, i)| i)
    }

    /// Yields the domain itself and each parent on label boundaries that
    /// is an indicator.
    fn domain_hits<'s>(
        &'s self,
        d: &'s str,
    ) -> impl Iterator<Item = String> + 's {
        let starts = std::iter::once(0).chain(
            d.match_indices('.').map(|(i, _)| i + 1).filter(|&i| i < d.len()),
        );
        starts
            .map(move |i| &d[i..])
            .filter(move |s| self.texts.contains(&(Kind::Domain, *s)))
            .map(str::to_string)
    }

    fn exact(&self, kind: Kind, s: &str, out: &mut Vec<(Kind, String)>) {
        let s = s.to_ascii_lowercase();
        if self.texts.contains(&(kind, s.as_str())) {
            out.push((kind, s));
        }
    }

    /// Finds URL indicators that the written URL starts with, where the
    /// written URL goes on with nothing, `/`, `?` or `#`.
    fn url_hits(&self, u: &str, out: &mut Vec<(Kind, String)>) {
        let Some(sep) = u.find("://") else { return };
        let host_end = u[sep + 3..]
            .find(['/', '?', '#'])
            .map_or(u.len(), |i| i + sep + 3);
        let norm = format!(
            "{}{}",
            u[..host_end].to_ascii_lowercase(),
            &u[host_end..]
        );
        let cuts = norm[host_end..]
            .match_indices(['/', '?', '#'])
            .map(|(i, _)| i + host_end)
            .chain([norm.len()]);
        for cut in cuts {
            let cand = &norm[..cut];
            if self.texts.contains(&(Kind::Url, cand)) {
                out.push((Kind::Url, cand.to_string()));
            }
        }
        out.dedup();
    }
}

/// Parses a plain dotted IPv4 address.
pub fn parse_v4(s: &str) -> Option<u32> {
    s.parse::<std::net::Ipv4Addr>().ok().map(u32::from)
}
