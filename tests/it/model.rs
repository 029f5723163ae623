//! A naive model of DESIGN.md's matching rules, for the property test
//! and the matcher fuzz target (`fuzz/fuzz_targets/matcher.rs` includes
//! this file): it finds every candidate by brute force (every maximal
//! run, every position) and applies each kind's boundary rule.
//!
//! It knows IPv4 addresses and ranges, domains, hashes, e-mail addresses
//! and file names; [`model_knows`] tells whether a value is one of them.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

use iocsweep::indicator::{Value, file_name_patterns};
use iocsweep::set::IndicatorSet;
use ipnet::IpNet;

/// Letters, digits, `.`, `-`, `_`: the bytes of a host-name token.
pub fn is_host(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_')
}

/// Returns the maximal runs of bytes for which `f` holds.
pub fn runs(line: &[u8], f: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if !f(line[i]) {
            i += 1;
            continue;
        }
        let s = i;
        while i < line.len() && f(line[i]) {
            i += 1;
        }
        out.push((s, i));
    }
    out
}

/// Whether the dotted address `text` at `s` is the tail of an IPv6
/// address that does not map it (`2001:db8::192.0.2.1`): the hex digits
/// and colons right before it, from a colon or a byte that is neither a
/// letter, a digit nor a dot, holding `::` or six colons, and parsing as
/// IPv6 together with the address.
pub fn in_unmapped_v6(line: &[u8], s: usize, text: &str) -> bool {
    if s == 0 || line[s - 1] != b':' {
        return false;
    }
    let mut h = s;
    while h > 0 && (line[h - 1].is_ascii_hexdigit() || line[h - 1] == b':') {
        h -= 1;
    }
    if h > 0 && (line[h - 1].is_ascii_alphanumeric() || line[h - 1] == b'.') {
        while line[h] != b':' {
            h += 1;
        }
    }
    let head = std::str::from_utf8(&line[h..s]).unwrap();
    if !head.contains("::") && head.matches(':').count() < 6 {
        return false;
    }
    match format!(
        "{head}{}",
        text.split('.').take(4).collect::<Vec<_>>().join(".")
    )
    .parse::<std::net::Ipv6Addr>()
    {
        Ok(v6) => v6.to_ipv4_mapped().is_none(),
        Err(_) => false,
    }
}

/// Every IPv4 address written in `line`, by DESIGN's rule: four octets
/// that are not part of a longer number or dotted run, optionally
/// followed by one tcpdump port component.
pub fn model_v4(line: &[u8]) -> Vec<Ipv4Addr> {
    let mut out = Vec::new();
    for (mut s, mut e) in runs(line, |b| b.is_ascii_digit() || b == b'.') {
        // The hex digits of a JSON `\u0009` before it are no part of it.
        let v4 = |b: u8| b.is_ascii_digit() || b == b'.';
        if s > 0 && escape_at(line, s - 1, v4) == Some(Ok(5)) {
            s += 4;
            if s >= e {
                continue;
            }
        }
        // A dot at either end joined to a letter (or `-`, `_`) continues
        // a dotted name: `a.1.2.3.4`, `1.2.3.4.example`.
        if line[s] == b'.' {
            if s > 0 && is_host(line[s - 1]) {
                continue;
            }
            s += 1;
        }
        if e > s && line[e - 1] == b'.' {
            if e < line.len() && is_host(line[e]) {
                continue;
            }
            e -= 1;
        }
        let text = std::str::from_utf8(&line[s..e.max(s)]).unwrap();
        let parts: Vec<&str> = text.split('.').collect();
        let octet =
            |p: &str| (1..=3).contains(&p.len()) && p.parse::<u8>().is_ok();
        let port =
            |p: &str| (1..=5).contains(&p.len()) && p.parse::<u16>().is_ok();
        let ok = match parts.len() {
            4 => parts.iter().all(|p| octet(p)),
            5 => parts[..4].iter().all(|p| octet(p)) && port(parts[4]),
            _ => false,
        };
        if ok && !in_unmapped_v6(line, s, text) {
            let o: Vec<u8> =
                parts[..4].iter().map(|p| p.parse().unwrap()).collect();
            out.push(Ipv4Addr::new(o[0], o[1], o[2], o[3]));
        }
    }
    out
}

/// Whether `line[at]` is the letter of a JSON escape (`\t`, `\n`,
/// `\r`): `t`, `n` or `r` after an odd number of backslashes.
pub fn escape_letter(line: &[u8], at: usize) -> bool {
    matches!(line.get(at), Some(b't' | b'n' | b'r'))
        && line[..at].iter().rev().take_while(|b| **b == b'\\').count() % 2
            == 1
}

/// What a JSON escape whose letter is at `at` does to the word after
/// it: `Some(Ok(n))` ends it, the escape being `n` bytes after its
/// backslash (`\t`, `\n`, `\r`, and `\uHHHH` of a character that
/// written plain would end it: ASCII that `ascii_joins` rejects, or
/// outside ASCII no letter that joins words); `Some(Err(()))` joins it
/// (`\u0041`); `None`: no escape there.
pub fn escape_at(
    line: &[u8],
    at: usize,
    ascii_joins: fn(u8) -> bool,
) -> Option<Result<usize, ()>> {
    if escape_letter(line, at) {
        return Some(Ok(1));
    }
    let odd = line[..at.min(line.len())]
        .iter()
        .rev()
        .take_while(|b| **b == b'\\')
        .count()
        % 2
        == 1;
    let hex = line.get(at + 1..at + 5)?;
    if line[at] != b'u' || !odd || !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    let code = u32::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
    let joins = char::from_u32(code).is_some_and(|c| {
        if c.is_ascii() { ascii_joins(c as u8) } else { joins_word(c) }
    });
    Some(if joins { Err(()) } else { Ok(5) })
}

/// Whether a JSON escape that ends the word after it ends just before
/// `at`.
pub fn escape_ends_before(
    line: &[u8],
    at: usize,
    ascii_joins: fn(u8) -> bool,
) -> bool {
    let one = at >= 1 && escape_at(line, at - 1, ascii_joins) == Some(Ok(1));
    let five = at >= 5 && escape_at(line, at - 5, ascii_joins) == Some(Ok(5));
    one || five
}

/// Whether a JSON escape that joins the word after it ends just before
/// `at`.
pub fn escape_joins_before(
    line: &[u8],
    at: usize,
    ascii_joins: fn(u8) -> bool,
) -> bool {
    at >= 5 && escape_at(line, at - 5, ascii_joins) == Some(Err(()))
}

/// Blocks of scripts written without spaces between words (CJK
/// ideographs, kana, Bopomofo, Hangul, Thai, Lao, Khmer, Myanmar) and the
/// full-width forms: their letters are boundaries.
const UNSPACED: &[(u32, u32)] = &[
    (0x0E00, 0x0EFF),
    (0x1000, 0x109F),
    (0x1100, 0x11FF),
    (0x1780, 0x17FF),
    (0x19E0, 0x19FF),
    (0x2E80, 0x2FDF),
    (0x3000, 0x9FFF),
    (0xA960, 0xA97F),
    (0xA9E0, 0xA9FF),
    (0xAA60, 0xAA7F),
    (0xAC00, 0xD7FF),
    (0xF900, 0xFAFF),
    (0xFF00, 0xFFEF),
    (0x1B000, 0x1B16F),
    (0x20000, 0x3FFFF),
];

/// Blocks of the combining marks decomposed text writes accents with:
/// they join the letter before them.
const MARKS: &[(u32, u32)] = &[
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
];

fn in_blocks(c: char, blocks: &[(u32, u32)]) -> bool {
    blocks.iter().any(|(lo, hi)| (*lo..=*hi).contains(&u32::from(c)))
}

/// Whether `c` joins a word it touches: a combining mark, or a letter or
/// digit outside ASCII of a script written with spaces.
pub fn joins_word(c: char) -> bool {
    in_blocks(c, MARKS)
        || !c.is_ascii() && c.is_alphanumeric() && !in_blocks(c, UNSPACED)
}

/// Whether the character before `at` joins a word (invalid UTF-8 does
/// not).
pub fn letter_before(line: &[u8], at: usize) -> bool {
    let c = String::from_utf8_lossy(&line[..at]).chars().next_back();
    c.is_some_and(joins_word)
}

/// Whether the character at `at` joins a word.
pub fn letter_after(line: &[u8], at: usize) -> bool {
    let c =
        String::from_utf8_lossy(&line[at.min(line.len())..]).chars().next();
    c.is_some_and(joins_word)
}

/// Every host token in `line`, lower case, without the dots and dashes
/// that punctuation leaves at its ends, nor a JSON escape's letter at its
/// head. A leading underscore stays: it belongs to the first label
/// (`_evil.example` is not `evil.example`). A token joined to a letter
/// outside ASCII after it is no name; one joined before it keeps only
/// the labels after its first dot.
pub fn model_hosts(line: &[u8]) -> Vec<(usize, usize, String)> {
    runs(line, is_host)
        .into_iter()
        .filter(|(_, e)| !letter_after(line, *e))
        .map(|(mut s, mut e)| {
            let label = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
            let escape = escape_at(line, s, label);
            if let Some(Ok(n)) = escape {
                s += n;
            } else if escape.is_some() || letter_before(line, s) {
                s = match line[s..e].iter().position(|b| *b == b'.') {
                    Some(dot) => s + dot + 1,
                    None => e,
                };
            }
            while s < e && matches!(line[s], b'.' | b'-') {
                s += 1;
            }
            while e > s && matches!(line[e - 1], b'.' | b'-') {
                e -= 1;
            }
            let t = String::from_utf8_lossy(&line[s..e]).to_lowercase();
            (s, e, t)
        })
        .collect()
}

pub fn model_domain(line: &[u8], d: &str) -> bool {
    let dotted = format!(".{d}");
    model_hosts(line).iter().any(|(_, _, t)| t == d || t.ends_with(&dotted))
}

pub fn model_hash(line: &[u8], h: &str) -> bool {
    runs(line, |b| b.is_ascii_alphanumeric()).into_iter().any(|(s, e)| {
        let alnum = |b: u8| b.is_ascii_alphanumeric();
        let s = match escape_at(line, s, alnum) {
            Some(Ok(n)) => s + n,
            _ => s,
        };
        let glued = letter_before(line, s) || letter_after(line, e);
        !glued && line[s..e].eq_ignore_ascii_case(h.as_bytes())
    })
}

/// Bytes an e-mail local part may hold: RFC 5322 atext and `.`, less
/// `=`, `?` and `/`, which logs use between a key and an address
/// (`from=a@evil.example`, `?to=`), and less `'`, `` ` ``, `|`, `{` and
/// `}`, which logs put around values; the matcher makes the same choice.
pub fn in_local(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&*+-^_~.".contains(&b)
}

/// Every position where `needle` occurs, ignoring ASCII case.
pub fn find_all(line: &[u8], needle: &str) -> Vec<usize> {
    let n = needle.as_bytes();
    (0..=line.len().saturating_sub(n.len()))
        .filter(|i| {
            line.len() >= n.len()
                && line[*i..*i + n.len()].eq_ignore_ascii_case(n)
        })
        .collect()
}

pub fn model_email(line: &[u8], email: &str) -> bool {
    let hosts = model_hosts(line);
    find_all(line, email).into_iter().any(|s| {
        let e = s + email.len();
        // A JSON escape's letter is no part of the address after it.
        let left_ok = escape_at(line, s, in_local).is_none()
            && !escape_joins_before(line, s, in_local)
            && (s == 0
                || (!in_local(line[s - 1]) && !letter_before(line, s))
                || escape_ends_before(line, s, in_local));
        // The domain must be a whole host token.
        let right_ok = hosts.iter().any(|(_, he, _)| *he == e);
        left_ok && right_ok
    })
}

pub fn in_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"._-~$".contains(&b)
}

pub fn model_filename(line: &[u8], name: &str) -> bool {
    find_all(line, name).into_iter().any(|s| {
        let e = s + name.len();
        let joined = |p: usize| {
            line.get(p).is_some_and(|b| in_name(*b)) || letter_after(line, p)
        };
        let left_ok =
            s == 0 || !in_name(line[s - 1]) && !letter_before(line, s);
        // A dot right after the name may end a sentence.
        let right_ok = match line.get(e) {
            Some(b'.') => !joined(e + 1),
            _ => !joined(e),
        };
        left_ok && right_ok
    })
}

/// Whether the model has a rule for `v`.
pub fn model_knows(v: &Value) -> bool {
    matches!(
        v,
        Value::Ipv4(_, None)
            | Value::Cidr(IpNet::V4(_))
            | Value::Domain(_)
            | Value::Hash(_)
            | Value::Email(_)
            | Value::Filename(_)
    )
}

/// Whether the model finds indicator `v` in `line`.
pub fn model_finds(v: &Value, line: &[u8]) -> bool {
    match v {
        Value::Ipv4(a, None) => model_v4(line).contains(a),
        Value::Cidr(net @ IpNet::V4(_)) => {
            model_v4(line).iter().any(|a| net.contains(&IpAddr::V4(*a)))
        }
        Value::Domain(d) => model_domain(line, d),
        Value::Hash(h) => model_hash(line, h),
        Value::Email(e) => model_email(line, e),
        // A `%VAR%` path is also searched for as hosts expand it, and a
        // path with backslashes as JSON writes it, each one doubled.
        Value::Filename(f) => file_name_patterns(f).iter().any(|p| {
            model_filename(line, p)
                || p.contains('\\')
                    && model_filename(line, &p.replace('\\', "\\\\"))
        }),
        other => panic!("the model has no rule for {other:?}"),
    }
}

/// Returns `(indicator id, line index)` for every hit of the model.
pub fn model(set: &IndicatorSet, hay: &str) -> BTreeSet<(u32, usize)> {
    let mut out = BTreeSet::new();
    for (n, line) in hay.split('\n').enumerate() {
        for (id, ind) in set.iter() {
            if model_finds(&ind.value, line.as_bytes()) {
                out.insert((id, n));
            }
        }
    }
    out
}
