//! IPv4, IPv6 and CIDR matching.
//!
//! Addresses are parsed out of the log and looked up as integers, so every
//! text form of an address matches (`010.0.0.1`, `2001:0DB8::1`,
//! `::ffff:192.0.2.1`). Ranges are kept as one hash set per prefix length:
//! a lookup masks the address once per length present, at most 33 (IPv4)
//! or 129 (IPv6) probes whatever the number of ranges.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;

use super::class::{self, DIGIT, DOT};
use super::edge;
use super::names::Names;
use super::{Map, RawHit, new_map};

/// An address indicator: its id and the port the advisory gave, if any.
#[derive(Clone, Copy, Debug)]
struct Entry {
    id: u32,
    port: Option<u16>,
}

/// Prefix tables for one address family: `(prefix length, masked
/// network → ids)`, longest prefix first.
#[derive(Debug, Default)]
struct Ranges<T> {
    by_len: Vec<(u8, Map<T, Vec<u32>>)>,
}

impl<T: Copy + Eq + std::hash::Hash> Ranges<T> {
    fn add(&mut self, len: u8, net: T, id: u32) {
        let i = match self.by_len.iter().position(|(l, _)| *l == len) {
            Some(i) => i,
            None => {
                self.by_len.push((len, new_map()));
                self.by_len.sort_by_key(|e| std::cmp::Reverse(e.0));
                self.by_len.iter().position(|(l, _)| *l == len).unwrap()
            }
        };
        self.by_len[i].1.entry(net).or_default().push(id);
    }

    fn lookup(&self, mask: impl Fn(u8) -> T, mut f: impl FnMut(u32)) {
        for (len, table) in &self.by_len {
            if let Some(ids) = table.get(&mask(*len)) {
                ids.iter().for_each(|id| f(*id));
            }
        }
    }
}

/// One bit per IPv4 /24: set when some indicator (address or range)
/// covers part of it. Most addresses in logs fail this one probe, which
/// saves the hash lookups.
#[derive(Debug, Default)]
struct Filter24 {
    bits: Vec<u64>,
}

impl Filter24 {
    fn set_range(&mut self, first: u32, last: u32) {
        if self.bits.is_empty() {
            self.bits = vec![0; (1 << 24) / 64];
        }
        for slash24 in (first >> 8)..=(last >> 8) {
            self.bits[(slash24 / 64) as usize] |= 1 << (slash24 % 64);
        }
    }

    #[inline]
    fn may_hold(&self, a: u32) -> bool {
        let slash24 = a >> 8;
        self.bits
            .get((slash24 / 64) as usize)
            .is_some_and(|w| w & (1 << (slash24 % 64)) != 0)
    }
}

/// Every address and range indicator.
#[derive(Debug, Default)]
pub struct Addresses {
    filter4: Filter24,
    v4: Map<u32, Vec<Entry>>,
    v6: Map<u128, Vec<Entry>>,
    nets4: Ranges<u32>,
    nets6: Ranges<u128>,
}

fn mask4(addr: u32, len: u8) -> u32 {
    if len == 0 { 0 } else { addr & (u32::MAX << (32 - len)) }
}

fn mask6(addr: u128, len: u8) -> u128 {
    if len == 0 { 0 } else { addr & (u128::MAX << (128 - len)) }
}

impl Addresses {
    pub fn add_v4(&mut self, a: Ipv4Addr, port: Option<u16>, id: u32) {
        self.filter4.set_range(a.to_bits(), a.to_bits());
        self.v4.entry(a.to_bits()).or_default().push(Entry { id, port });
    }

    pub fn add_v6(&mut self, a: Ipv6Addr, port: Option<u16>, id: u32) {
        self.v6.entry(a.to_bits()).or_default().push(Entry { id, port });
    }

    pub fn add_net(&mut self, net: IpNet, id: u32) {
        match net {
            IpNet::V4(n) => {
                let (first, last) = (n.network(), n.broadcast());
                self.filter4.set_range(first.to_bits(), last.to_bits());
                self.nets4.add(n.prefix_len(), first.to_bits(), id)
            }
            IpNet::V6(n) => {
                self.nets6.add(n.prefix_len(), n.network().to_bits(), id)
            }
        }
    }

    /// Whether IPv4 indicators exist, found through dotted tokens.
    pub fn wants_dotted(&self) -> bool {
        !self.v4.is_empty() || !self.nets4.by_len.is_empty()
    }

    /// Whether any address indicator exists that an IPv6 form can match:
    /// IPv6 ones, and IPv4 ones through mapped forms (`::ffff:c000:201`).
    pub fn wants_colons(&self) -> bool {
        !self.v6.is_empty()
            || !self.nets6.by_len.is_empty()
            || self.wants_dotted()
    }

    /// Reports every indicator matching IPv4 address `a`, written in the
    /// log at `start..end` and followed there by `port` (if any).
    fn hit_v4(
        &self,
        a: u32,
        port: After,
        start: usize,
        end: usize,
        out: &mut Vec<RawHit>,
    ) {
        if !self.filter4.may_hold(a) {
            return;
        }
        if let Some(entries) = self.v4.get(&a) {
            for e in entries {
                if port_allows(e.port, port) {
                    out.push(RawHit { start, end, id: e.id });
                }
            }
        }
        self.nets4.lookup(
            |len| mask4(a, len),
            |id| out.push(RawHit { start, end, id }),
        );
    }

    fn hit_v6(
        &self,
        a: u128,
        port: After,
        start: usize,
        end: usize,
        out: &mut Vec<RawHit>,
    ) {
        if let Some(entries) = self.v6.get(&a) {
            for e in entries {
                if port_allows(e.port, port) {
                    out.push(RawHit { start, end, id: e.id });
                }
            }
        }
        self.nets6.lookup(
            |len| mask6(a, len),
            |id| out.push(RawHit { start, end, id }),
        );
    }
}

/// What a log writes right after an address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    /// No port.
    Nothing,
    /// A port.
    Port(u16),
    /// Digits after a port separator that are no port (`:80801`).
    NotAPort,
}

/// The port rule: an indicator with a port matches its address unless the
/// log writes a different port right after the address.
fn port_allows(wanted: Option<u16>, seen: After) -> bool {
    match (wanted, seen) {
        (Some(w), After::Port(s)) => w == s,
        (Some(_), After::NotAPort) => false,
        _ => true,
    }
}

/// Parses 1 to 5 ASCII digits as a port.
fn parse_port(digits: &[u8]) -> Option<u16> {
    if digits.is_empty()
        || digits.len() > 5
        || !digits.iter().all(u8::is_ascii_digit)
    {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// Returns what is written right after an address ending at `end`: a
/// port (`:443`, `#53`, `/443`), digits that are no port, or nothing.
fn port_after(hay: &[u8], end: usize) -> After {
    // `:443`, BIND's `#53`, Cisco ASA's `outside:192.0.2.1/443`.
    if !matches!(hay.get(end), Some(b':' | b'#' | b'/')) {
        return After::Nothing;
    }
    let from = end + 1;
    let mut to = from;
    while to < hay.len() && hay[to].is_ascii_digit() {
        to += 1;
    }
    match parse_port(&hay[from..to]) {
        Some(p) => After::Port(p),
        None if to > from => After::NotAPort,
        None => After::Nothing,
    }
}

/// Finds IPv4 addresses inside the host token `start..end` (which holds a
/// dot): every maximal run of digits and dots, checked against the
/// boundary rules, then looked up.
pub fn scan_v4_in_token(
    a: &Addresses,
    hay: &[u8],
    start: usize,
    end: usize,
    bits: u8,
    out: &mut Vec<RawHit>,
) {
    if bits & !(DIGIT | DOT) == 0 {
        // The whole token is one run: most dotted tokens in logs.
        return check_v4_run(a, hay, start, end, start, end, out);
    }
    let mut i = start;
    while i < end {
        if !class::is(hay[i], DIGIT | DOT) {
            i += 1;
            continue;
        }
        let mut run_start = i;
        while i < end && class::is(hay[i], DIGIT | DOT) {
            i += 1;
        }
        // A JSON `\u0009` before the address: its hex digits are no
        // part of the run.
        let escape = match run_start.checked_sub(1) {
            Some(u) => edge::escape_head(hay, u, v4_byte),
            None => edge::Escape::None,
        };
        if let edge::Escape::Ends(5) = escape {
            run_start += 4;
            if run_start >= i {
                continue;
            }
        }
        check_v4_run(a, hay, run_start, i, start, end, out);
    }
}

/// Applies the IPv4 rules to the digit-and-dot run `rs..re` of the host
/// token `ts..te`.
///
/// The run must be four octets, optionally followed by one port component
/// (tcpdump's `a.b.c.d.port`). A leading dot joined to a letter or digit
/// before it, or a trailing dot joined to a letter after it, makes the
/// address part of a longer dotted name, which is not a match.
fn check_v4_run(
    a: &Addresses,
    hay: &[u8],
    mut rs: usize,
    mut re: usize,
    ts: usize,
    te: usize,
    out: &mut Vec<RawHit>,
) {
    if hay[rs] == b'.' {
        if rs > ts {
            return;
        }
        rs += 1;
    }
    if re > rs && hay[re - 1] == b'.' {
        if re < te {
            return;
        }
        re -= 1;
    }
    if re <= rs {
        return;
    }
    let run = &hay[rs..re];
    let mut octets = [0u32; 5];
    let mut n = 0;
    for part in run.split(|b| *b == b'.') {
        if n == 5 || part.is_empty() {
            return;
        }
        if n < 4 {
            if part.len() > 3 {
                return;
            }
            let v =
                part.iter().fold(0u32, |v, d| v * 10 + u32::from(d - b'0'));
            if v > 255 {
                return;
            }
            octets[n] = v;
        } else if parse_port(part).is_none() {
            return;
        }
        n += 1;
    }
    if n < 4 {
        return;
    }
    let addr = octets[0] << 24 | octets[1] << 16 | octets[2] << 8 | octets[3];
    let addr_end = if n == 5 {
        rs + run
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'.')
            .nth(3)
            .map(|(i, _)| i)
            .unwrap()
    } else {
        re
    };
    if rs > 0 && hay[rs - 1] == b':' && !mapped_or_not_v6(hay, rs, addr_end) {
        // The tail of an IPv6 address (`2001:db8::192.0.2.1`) is not the
        // IPv4 address, unless the IPv6 address maps it.
        return;
    }
    let port = if n == 5 {
        parse_port(&hay[addr_end + 1..re]).map_or(After::NotAPort, After::Port)
    } else if hay.get(re) == Some(&b']') {
        // A bracketed host, `[192.0.2.1]:443` or `[::ffff:192.0.2.1]:443`.
        port_after(hay, re + 1)
    } else {
        port_after(hay, re)
    };
    a.hit_v4(addr, port, rs, addr_end, out);
}

/// For a dotted address at `rs..end` written right after a colon: whether
/// it stands as an IPv4 address, which it does unless it is the tail of an
/// IPv6 address (hex groups with `::` or six colons before it) that does
/// not map it (`::ffff:192.0.2.1` maps it; `64:ff9b::192.0.2.1` does
/// not). `src:192.0.2.1` is no IPv6 address at all.
fn mapped_or_not_v6(hay: &[u8], rs: usize, end: usize) -> bool {
    let mut s = rs - 1;
    while s > 0 && class::is(hay[s - 1], class::HEX | class::COLON) {
        s -= 1;
    }
    if s > 0 && (hay[s - 1].is_ascii_alphanumeric() || hay[s - 1] == b'.') {
        // The first group is the end of a word or of another address
        // (`192.0.2.1::ffff:…`): the IPv6 text starts at its colon.
        s += memchr::memchr(b':', &hay[s..rs]).unwrap_or(0);
    }
    let head = &hay[s..rs];
    let colons = head.iter().filter(|b| **b == b':').count();
    if memchr::memmem::find(head, b"::").is_none() && colons < 6 {
        return true;
    }
    let text = std::str::from_utf8(&hay[s..end]).unwrap_or("");
    match text.parse::<Ipv6Addr>() {
        Ok(v6) => v6.to_ipv4_mapped().is_some(),
        Err(_) => true,
    }
}

/// Whether `b` continues an IPv4 address's dotted run when a `\u` escape
/// writes it before the address.
fn v4_byte(b: u8) -> bool {
    class::is(b, DIGIT | DOT)
}

/// Whether `b` can be part of an IPv6 address as written in logs.
fn in_v6(b: u8) -> bool {
    class::is(b, class::HEX | class::COLON | DOT)
}

/// Checks the colon at `colon` for an IPv6 address around it: the run
/// of hex digits, colons and dots holding it, if it parses as one.
/// Returns where to go on from.
#[inline]
pub fn check_colon(
    a: &Addresses,
    names: &Names,
    hay: &[u8],
    colon: usize,
    out: &mut Vec<RawHit>,
) -> usize {
    // Most colons in logs (`"key":"value"`, `key: value`) have no address
    // character on one side: an address can only start or end there with
    // `::`.
    let before = colon > 0 && in_v6(hay[colon - 1]);
    let after = hay.get(colon + 1).is_some_and(|b| in_v6(*b));
    let double = hay.get(colon + 1) == Some(&b':')
        || (colon > 0 && hay[colon - 1] == b':');
    if !(double || before && after) {
        return colon + 1;
    }
    let mut start = colon;
    while start > 0 && in_v6(hay[start - 1]) {
        start -= 1;
    }
    let mut end = colon + 1;
    while end < hay.len() && in_v6(hay[end]) {
        end += 1;
    }
    check_v6_run(a, names, hay, start, end, out);
    // Dots inside the run still start host tokens: the IPv4 scan reads
    // `::ffff:192.0.2.1`'s dotted tail.
    match memchr::memchr(b'.', &hay[colon + 1..end.max(colon + 1)]) {
        Some(i) => colon + 1 + i,
        None => end.max(colon + 1),
    }
}

fn check_v6_run(
    a: &Addresses,
    names: &Names,
    hay: &[u8],
    mut s: usize,
    mut e: usize,
    out: &mut Vec<RawHit>,
) {
    // A JSON escape before the run (`\t2001:db8::1`, `\u00092001:…`)
    // ends the word before it; a `\u` escape's hex digits are no part of
    // the address.
    let mut glued = s > 0 && hay[s - 1].is_ascii_alphanumeric();
    if s > 0 {
        let alnum = |b: u8| b.is_ascii_alphanumeric();
        match edge::escape_head(hay, s - 1, alnum) {
            edge::Escape::Ends(len) => (s, glued) = (s - 1 + len, false),
            edge::Escape::Joins => glued = true,
            edge::Escape::None => {}
        }
    }
    while e > s && hay[e - 1] == b'.' {
        e -= 1;
    }
    if e <= s || e - s < 2 || e - s > 64 {
        return;
    }
    let run = &hay[s..e];
    let colons = run.iter().filter(|b| **b == b':').count();
    let has_gap = run.windows(2).any(|w| w == b"::");
    if colons < 2 || (!has_gap && colons < 6) {
        return;
    }
    // A letter or digit right before the run means its first group is
    // the end of a word (`data:2001:db8::1`, `ip:2001:db8::1`): read the
    // address from after that group's colon.
    let parsed = if glued {
        let i = memchr::memchr(b':', run).unwrap_or(0);
        let s2 = s + i + 1;
        let single = hay.get(s2) != Some(&b':');
        single.then(|| parse_v6(hay, s2, e).map(|p| (s2, p))).flatten()
    } else {
        parse_v6(hay, s, e).map(|p| (s, p))
    };
    let Some((s, (addr, addr_end, mut port))) = parsed else { return };
    let bracketed =
        s > 0 && hay[s - 1] == b'[' && hay.get(addr_end) == Some(&b']');
    if bracketed && port == After::Nothing {
        port = port_after(hay, addr_end + 1);
    } else if port == After::Nothing && hay.get(addr_end) == Some(&b'#') {
        // BIND's `2001:db8::2#53`; a `:` would be part of the address.
        port = port_after(hay, addr_end);
    }
    if let Some(v4) = addr.to_ipv4_mapped() {
        // Dotted forms were already seen by the IPv4 scan.
        if !hay[s..addr_end].contains(&b'.') {
            a.hit_v4(v4.to_bits(), port, s, addr_end, out);
        }
    } else {
        a.hit_v6(addr.to_bits(), port, s, addr_end, out);
    }
    if bracketed {
        names.check_v6_host(&addr, hay, s - 1, addr_end + 1, out);
    }
}

/// Parses `hay[s..e]` as an IPv6 address, or as an address followed by
/// tcpdump's `.port`. Returns the address, where it ends, and the port.
fn parse_v6(
    hay: &[u8],
    s: usize,
    e: usize,
) -> Option<(Ipv6Addr, usize, After)> {
    let text = std::str::from_utf8(&hay[s..e]).ok()?;
    if let Ok(addr) = text.parse::<Ipv6Addr>() {
        return Some((addr, e, After::Nothing));
    }
    let (head, port) = text.rsplit_once('.')?;
    if head.contains('.') {
        return None;
    }
    let port = parse_port(port.as_bytes())?;
    let addr = head.parse::<Ipv6Addr>().ok()?;
    Some((addr, s + head.len(), After::Port(port)))
}
