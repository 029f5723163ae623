//! Reads the time a log line says it was written.
//!
//! Only lines that hold a hit are read, so none of this costs anything on
//! clean lines. The forms read, each in the shape logs write it:
//!
//! - ISO 8601 / RFC 3339, `T` or a blank between date and time, with or
//!   without a fraction and a zone (`2026-12-04T14:58:20.123+01:00`,
//!   `2026-12-04 14:58:20`); also `2026/12/04 14:58:20`;
//! - syslog RFC 3164 `Dec  4 14:58:20` (and Cisco's `Dec  4 2026
//!   14:58:20`), RFC 5424 `<34>1 2026-12-04T14:58:20Z …`;
//! - epoch seconds with a fraction at the start of a line (Zeek TSV,
//!   Squid: `1541761345.123456`);
//! - BIND `04-Dec-2026 14:58:20.123`;
//! - Apache/nginx `[04/Dec/2026:14:58:20 +0000]` and Apache's error log
//!   `[Fri Dec 04 14:58:20 2026]`;
//! - Windows DNS debug `12/4/2026 2:58:20 PM` (month first);
//! - `date=2026-12-04 time=14:58:20` (FortiGate and friends);
//! - Sysmon's `UtcTime: 2026-12-04 14:58:20.123`;
//! - JSON keys `@timestamp`, `ts`, `timestamp`, `TimeCreated`, `UtcTime`,
//!   `EventTime`, `time`, `date` with a string or epoch number value.
//!
//! A time written without a zone is read as UTC: logs that leave the
//! zone out rarely say which one they meant, and UTC is the one guess
//! that does not depend on the sweeping host. A syslog RFC 3164 line has
//! no year: it is taken from the file's modification time, and a month
//! after that time's month means the year before (a December line in a
//! file last written in January is from last year).

use crate::time::{Civil, Stamp};

/// What the reader needs to know beyond the line.
#[derive(Clone, Copy, Debug, Default)]
pub struct Context {
    /// When the file was last modified: gives syslog lines their year.
    pub modified: Option<Stamp>,
    /// The date a W3C log's `#Date:` header gives, for lines that write
    /// only a time of day. Only the first header is read: a log whose
    /// date header changes further on gets the first date for all its
    /// time-only lines.
    pub date: Option<(i64, u32, u32)>,
}

/// Returns the time `line` says it was written, if it says so in a form
/// read here.
pub fn line_time(line: &[u8], ctx: &Context) -> Option<Stamp> {
    let line = trim_start(line);
    if line.first() == Some(&b'{') {
        if let Some(t) = json_time(line, ctx) {
            return Some(t);
        }
    }
    let body = strip_priority(line);
    if let Some(t) = at_start(body, ctx) {
        return Some(t);
    }
    keyed_time(line)
        .or_else(|| anywhere(line, ctx))
        .or_else(|| time_of_day(line, ctx))
}

/// Reads a line that starts with only a time of day, dated by the
/// header's date (W3C logs without a date column).
fn time_of_day(line: &[u8], ctx: &Context) -> Option<Stamp> {
    let date = ctx.date?;
    if !line.get(1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (h, m, sec, nanos, end) = clock(line, 0)?;
    if !matches!(line.get(end), Some(b' ' | b'\t') | None) {
        return None;
    }
    stamp(date, (h, m, sec, nanos), 0)
}

/// Returns the date of a W3C `#Date:` header in `head`, if any.
pub fn header_date(head: &[u8]) -> Option<(i64, u32, u32)> {
    let at = find(head, b"#Date: ")?;
    let (t, _) = iso(&head[at + 7..])?;
    let c = t.civil();
    Some((c.year, c.month, c.day))
}

fn trim_start(s: &[u8]) -> &[u8] {
    let n = s.iter().take_while(|b| matches!(b, b' ' | b'\t')).count();
    &s[n..]
}

/// Strips a syslog priority (`<34>`) and an RFC 5424 version (`1 `).
fn strip_priority(line: &[u8]) -> &[u8] {
    if line.first() != Some(&b'<') {
        return line;
    }
    let Some(close) = line.iter().take(5).position(|b| *b == b'>') else {
        return line;
    };
    if close < 2 || !line[1..close].iter().all(u8::is_ascii_digit) {
        return line;
    }
    let rest = &line[close + 1..];
    match rest {
        [b'1', b' ', tail @ ..] => tail,
        _ => rest,
    }
}

/// Reads a time written at the very start of `s` (after an opening `[`
/// or quote).
fn at_start(s: &[u8], ctx: &Context) -> Option<Stamp> {
    // Cisco WSA writes its level before a Squid line.
    let s = s.strip_prefix(b"Info: ").unwrap_or(s);
    let bracketed = s.first() == Some(&b'[');
    let s = match s.first() {
        Some(b'[' | b'"' | b'(') => &s[1..],
        _ => s,
    };
    // W3C with quoted columns: `"2017-06-28" "07:26:35"`.
    if s.get(10..13) == Some(&b"\" \""[..]) {
        return date_and_time(&s[..10], &s[13..]);
    }
    iso(s)
        .map(|(t, _)| t)
        .or_else(|| syslog(s, ctx).map(|(t, _)| t))
        .or_else(|| epoch_prefix(s))
        .or_else(|| bind(s).map(|(t, _)| t))
        .or_else(|| apache(s, bracketed).map(|(t, _)| t))
        .or_else(|| ctime(s))
        .or_else(|| month_first(s).map(|(t, _)| t))
}

/// Reads `date=… time=…` pairs, `UtcTime: …`, and the epoch times of
/// FortiGate's `eventtime=` and CEF's `rt=`.
fn keyed_time(line: &[u8]) -> Option<Stamp> {
    if let Some(i) = find(line, b"UtcTime: ") {
        if let Some((t, _)) = iso(&line[i + 9..]) {
            return Some(t);
        }
    }
    for key in [&b"eventtime="[..], b"rt="] {
        if let Some(v) = find_key(line, key) {
            let v = unquote(&line[v..]);
            if v.iter().all(u8::is_ascii_digit) {
                if let Some(t) = epoch_number(v) {
                    return Some(t);
                }
            }
        }
    }
    let t = find_key(line, b"time=")?;
    let time = unquote(&line[t..]);
    let mut joined = Vec::with_capacity(48);
    if let Some(d) = find_key(line, b"date=") {
        let date = unquote(&line[d..]);
        joined.extend_from_slice(&date[..date.len().min(10)]);
        joined.push(b' ');
        joined.extend_from_slice(time);
    } else if time.len() == 19 && time[4] == b'-' && time[10] == b' ' {
        // Stormshield: `time="2023-11-23 06:49:20"`, local time.
        joined.extend_from_slice(time);
    } else {
        return None;
    }
    // FortiGate and Stormshield write the device's zone apart:
    // `tz="+0100"`, `tz=+0100`.
    if let Some(z) = find_key(line, b"tz=") {
        joined.extend_from_slice(unquote(&line[z..]));
    }
    iso(&joined).map(|(t, _)| t)
}

/// Returns where the value of `key` (at the start of the line or after a
/// blank) begins.
fn find_key(line: &[u8], key: &[u8]) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = find(&line[from..], key) {
        let at = from + i;
        if at == 0 || matches!(line[at - 1], b' ' | b'\t' | b',') {
            return Some(at + key.len());
        }
        from = at + 1;
    }
    None
}

fn unquote(s: &[u8]) -> &[u8] {
    match s.first() {
        Some(b'"') => {
            let end = s[1..].iter().position(|b| *b == b'"').unwrap_or(0);
            &s[1..1 + end]
        }
        _ => {
            let end = s
                .iter()
                .position(|b| matches!(b, b' ' | b'\t' | b','))
                .unwrap_or(s.len());
            &s[..end]
        }
    }
}

/// Looks for a syslog, ISO, Apache or month-first time further into the
/// line, after a
/// host or tag prefix (`<166>Aug 21 …` after a tag, Thunderbird's `-
/// 1131566461 2005.11.09 dn228 Nov 9 12:01:01`).
fn anywhere(line: &[u8], ctx: &Context) -> Option<Stamp> {
    let limit = line.len().min(256);
    for i in 1..limit {
        let prev = line[i - 1];
        if !matches!(prev, b' ' | b'\t' | b'[' | b'"' | b',' | b'>' | b'=') {
            continue;
        }
        let s = &line[i..];
        let t = iso(s)
            .map(|(t, _)| t)
            .or_else(|| syslog(s, ctx).map(|(t, _)| t))
            .or_else(|| apache(s, prev == b'[').map(|(t, _)| t))
            .or_else(|| month_first(s).map(|(t, _)| t));
        if t.is_some() {
            return t;
        }
    }
    None
}

/// Reads the time under one of the usual keys of a JSON line.
fn json_time(line: &[u8], ctx: &Context) -> Option<Stamp> {
    const KEYS: [&[u8]; 9] = [
        b"\"@timestamp\"",
        b"\"ts\"",
        b"\"timestamp\"",
        b"\"TimeCreated\"",
        b"\"UtcTime\"",
        b"\"EventTime\"",
        b"\"TimeGenerated\"",
        b"\"time\"",
        b"\"date\"",
    ];
    if let (Some(d), Some(t)) =
        (json_string(line, b"\"date\""), json_string(line, b"\"time\""))
    {
        if let Some(t) = date_and_time(d, t) {
            return Some(t);
        }
    }
    for key in KEYS {
        let Some(i) = find(line, key) else { continue };
        let rest = trim_start(&line[i + key.len()..]);
        let Some(rest) = rest.strip_prefix(b":") else { continue };
        let rest = trim_start(rest);
        let t = match rest.first() {
            Some(b'"') => {
                let v = &rest[1..];
                iso(v)
                    .map(|(t, _)| t)
                    .or_else(|| syslog(v, ctx).map(|(t, _)| t))
                    .or_else(|| ctime_words(v))
            }
            Some(b) if b.is_ascii_digit() => epoch_number(rest),
            _ => None,
        };
        if t.is_some() {
            return t;
        }
    }
    None
}

/// Returns the string value of `key` (quoted) in a JSON line.
fn json_string<'a>(line: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let i = find(line, key)?;
    let rest = trim_start(&line[i + key.len()..]);
    let rest = trim_start(rest.strip_prefix(b":")?);
    let rest = rest.strip_prefix(b"\"")?;
    let end = rest.iter().position(|b| *b == b'"')?;
    Some(&rest[..end])
}

/// Reads a date (`2017-06-28`) and a time of day (`07:26:35`) written
/// apart.
fn date_and_time(date: &[u8], time: &[u8]) -> Option<Stamp> {
    if date.len() != 10 {
        return None;
    }
    let mut joined = Vec::with_capacity(32);
    joined.extend_from_slice(date);
    joined.push(b' ');
    joined.extend_from_slice(&time[..time.len().min(20)]);
    iso(&joined).map(|(t, _)| t)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay, needle)
}

/// Reads `n` ASCII digits at `s[at..]`.
fn digits(s: &[u8], at: usize, n: usize) -> Option<u32> {
    let d = s.get(at..at + n)?;
    let mut v = 0u32;
    for b in d {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(b - b'0');
    }
    Some(v)
}

/// Reads 1 or 2 digits at `s[at..]`; returns the value and how many.
fn one_or_two(s: &[u8], at: usize) -> Option<(u32, usize)> {
    let a = *s.get(at)?;
    if !a.is_ascii_digit() {
        return None;
    }
    match s.get(at + 1) {
        Some(b) if b.is_ascii_digit() => {
            Some((u32::from(a - b'0') * 10 + u32::from(b - b'0'), 2))
        }
        _ => Some((u32::from(a - b'0'), 1)),
    }
}

/// Reads a fraction of a second after a `.` or `,` at `s[at]`; returns
/// nanoseconds and where it ends. After a `,` (log4j's `12:00:00,123`)
/// at most nine digits are a fraction: more are the next column of a CSV
/// line, such as the serial number after a Palo Alto time
/// (`16:10:48,024101010000`), and give no fraction.
fn fraction(s: &[u8], at: usize) -> (u32, usize) {
    let comma = match s.get(at) {
        Some(b'.') => false,
        Some(b',') => true,
        _ => return (0, at),
    };
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    let mut i = at + 1;
    while let Some(b) = s.get(i).filter(|b| b.is_ascii_digit()) {
        nanos += u32::from(b - b'0') * scale;
        scale /= 10;
        i += 1;
    }
    if i == at + 1 || (comma && i - at - 1 > 9) { (0, at) } else { (nanos, i) }
}

/// Reads `hh:mm:ss[.frac]` at `s[at..]` (hour of 1 or 2 digits).
fn clock(s: &[u8], at: usize) -> Option<(u32, u32, u32, u32, usize)> {
    let (h, n) = one_or_two(s, at)?;
    let p = at + n;
    if s.get(p) != Some(&b':') || s.get(p + 3) != Some(&b':') {
        return None;
    }
    let m = digits(s, p + 1, 2)?;
    let sec = digits(s, p + 4, 2)?;
    let (nanos, end) = fraction(s, p + 6);
    Some((h, m, sec, nanos, end))
}

/// Reads a zone at `s[at..]`: `Z`, `±hh:mm`, `±hhmm` or `±hh`, optionally
/// after one blank. Returns its offset east of UTC in seconds and where
/// it ends; no zone is UTC.
fn zone(s: &[u8], at: usize) -> (i64, usize) {
    let p = if s.get(at) == Some(&b' ')
        && matches!(s.get(at + 1), Some(b'+' | b'-'))
    {
        at + 1
    } else {
        at
    };
    match s.get(p) {
        Some(b'Z' | b'z') => (0, p + 1),
        Some(&sign @ (b'+' | b'-')) => {
            let Some(h) = digits(s, p + 1, 2) else { return (0, at) };
            let (m, end) = if s.get(p + 3) == Some(&b':') {
                match digits(s, p + 4, 2) {
                    Some(m) => (m, p + 6),
                    None => return (0, at),
                }
            } else {
                match digits(s, p + 3, 2) {
                    Some(m) => (m, p + 5),
                    None => (0, p + 3),
                }
            };
            if h > 14 || m > 59 {
                return (0, at);
            }
            let off = i64::from(h * 3600 + m * 60);
            (if sign == b'-' { -off } else { off }, end)
        }
        _ => (0, at),
    }
}

/// Builds a stamp from local fields and a zone offset.
fn stamp(
    date: (i64, u32, u32),
    time: (u32, u32, u32, u32),
    offset: i64,
) -> Option<Stamp> {
    let (year, month, day) = date;
    let (hour, minute, second, nanos) = time;
    let c = Civil { year, month, day, hour, minute, second, nanos };
    let t = c.stamp()?;
    Some(Stamp { secs: t.secs - offset, nanos: t.nanos })
}

/// Reads ISO 8601 / RFC 3339 (`2026-12-04T14:58:20.123+01:00`, a blank
/// for the `T`, `/` for the `-`) at the start of `s`; returns the stamp
/// and where it ends.
pub fn iso(s: &[u8]) -> Option<(Stamp, usize)> {
    let year = digits(s, 0, 4)?;
    let sep = *s.get(4)?;
    if !matches!(sep, b'-' | b'/') || s.get(7) != Some(&sep) {
        return None;
    }
    let month = digits(s, 5, 2)?;
    let day = digits(s, 8, 2)?;
    // `2025/11/24:01:46:49` is how some access logs write it.
    let glued = sep == b'/' && s.get(10) == Some(&b':');
    if !glued && !matches!(s.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    // Two digits for the hour: `2026-12-04 9:05:00` is no ISO time.
    if !s.get(11).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (h, m, sec, nanos, end) = clock(s, 11)?;
    // A one-digit hour ends the clock before byte 19, which may be past
    // the end of `s`: no ISO time either way.
    if end < 19 || (end > 19 && !matches!(s[19], b'.' | b',')) {
        return None;
    }
    let (offset, end) = zone(s, end);
    let t = stamp((i64::from(year), month, day), (h, m, sec, nanos), offset)?;
    Some((t, end))
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep",
    b"oct", b"nov", b"dec",
];

/// Reads a three-letter English month name at `s[at..]` (any case).
fn month_name(s: &[u8], at: usize) -> Option<u32> {
    let w = s.get(at..at + 3)?;
    let lower = [w[0] | 0x20, w[1] | 0x20, w[2] | 0x20];
    let i = MONTHS.iter().position(|m| **m == lower)?;
    Some(i as u32 + 1)
}

/// Returns the year of a syslog month: the modification time's year, or
/// the one before when the month comes after the modification month.
fn syslog_year(month: u32, ctx: &Context) -> i64 {
    let now = ctx.modified.unwrap_or_else(now);
    let c = now.civil();
    if month > c.month { c.year - 1 } else { c.year }
}

fn now() -> Stamp {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Stamp { secs: d.as_secs() as i64, nanos: 0 }
}

/// Reads syslog RFC 3164 `Dec  4 14:58:20` (day padded with a blank or
/// not, Cisco's year `Dec  4 2026 14:58:20` allowed) at the start of
/// `s`.
fn syslog(s: &[u8], ctx: &Context) -> Option<(Stamp, usize)> {
    let month = month_name(s, 0)?;
    if s.get(3) != Some(&b' ') {
        return None;
    }
    let mut p = 4;
    if s.get(p) == Some(&b' ') {
        p += 1;
    }
    let (day, n) = one_or_two(s, p)?;
    p += n;
    if s.get(p) != Some(&b' ') {
        return None;
    }
    p += 1;
    let mut year = None;
    if let Some(y) = digits(s, p, 4).filter(|_| s.get(p + 4) == Some(&b' ')) {
        year = Some(i64::from(y));
        p += 5;
    }
    if !s.get(p + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (h, m, sec, nanos, end) = clock(s, p)?;
    let Some(year) = year else {
        let year = syslog_year(month, ctx);
        let t = stamp((year, month, day), (h, m, sec, nanos), 0)?;
        // A line is not written after its file was: a date more than a
        // day (the slack for a local time read as UTC) after the
        // modification time is last year's, as `Dec 10` in a file last
        // written on 4 December.
        let reference = ctx.modified.unwrap_or_else(now);
        if t.secs > reference.secs + 86_400 {
            let before = stamp((year - 1, month, day), (h, m, sec, nanos), 0);
            return Some((before.unwrap_or(t), end));
        }
        return Some((t, end));
    };
    let t = stamp((year, month, day), (h, m, sec, nanos), 0)?;
    Some((t, end))
}

/// Reads epoch seconds, with a fraction, that start a line and end at a
/// blank (Zeek TSV, Squid). Nine or ten digits before the point: 1973 to
/// 2286, so other leading numbers are not taken for times.
fn epoch_prefix(s: &[u8]) -> Option<Stamp> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if !(9..=10).contains(&n) {
        return None;
    }
    let (_, end) = fraction(s, n);
    if !matches!(s.get(end), Some(b' ' | b'\t')) {
        return None;
    }
    epoch_number(s)
}

/// Reads an epoch number: seconds with an optional fraction, or, with no
/// fraction, milliseconds (13 digits), microseconds (16) or nanoseconds
/// (19).
fn epoch_number(s: &[u8]) -> Option<Stamp> {
    let n = s.iter().take_while(|b| b.is_ascii_digit()).count();
    if n == 0 || n > 19 {
        return None;
    }
    let whole: i64 = std::str::from_utf8(&s[..n]).ok()?.parse().ok()?;
    let (nanos, _) = fraction(s, n);
    let per_sec: i64 = match n {
        13 => 1_000,
        16 => 1_000_000,
        19 => 1_000_000_000,
        _ if n <= 11 => return Some(Stamp { secs: whole, nanos }),
        _ => return None,
    };
    if nanos != 0 {
        return None;
    }
    let sub = (whole % per_sec) as u32;
    let scale = (1_000_000_000 / per_sec) as u32;
    Some(Stamp { secs: whole / per_sec, nanos: sub * scale })
}

/// Reads BIND's `04-Dec-2026 14:58:20.123`.
fn bind(s: &[u8]) -> Option<(Stamp, usize)> {
    let day = digits(s, 0, 2)?;
    if s.get(2) != Some(&b'-') || s.get(6) != Some(&b'-') {
        return None;
    }
    let month = month_name(s, 3)?;
    let year = digits(s, 7, 4)?;
    if s.get(11) != Some(&b' ') {
        return None;
    }
    let (h, m, sec, nanos, end) = clock(s, 12)?;
    let t = stamp((i64::from(year), month, day), (h, m, sec, nanos), 0)?;
    Some((t, end))
}

/// Reads Apache's `04/Dec/2026:14:58:20 +0000` (the `[` already passed),
/// and, when `bracketed`, the day-first `[04/12/2026 14:58:20]` some
/// proxies write (unbracketed, an all-digit date is month-first: see
/// [`month_first`]).
fn apache(s: &[u8], bracketed: bool) -> Option<(Stamp, usize)> {
    let day = digits(s, 0, 2)?;
    if s.get(2) != Some(&b'/') {
        return None;
    }
    let (month, p) = match month_name(s, 3) {
        Some(m) if s.get(6) == Some(&b'/') => (m, 7),
        _ if bracketed && s.get(5) == Some(&b'/') => (digits(s, 3, 2)?, 6),
        _ => return None,
    };
    let year = digits(s, p, 4)?;
    if !matches!(s.get(p + 4), Some(b':' | b' ')) {
        return None;
    }
    let (h, m, sec, nanos, end) = clock(s, p + 5)?;
    let (offset, end) = zone(s, end);
    let t = stamp((i64::from(year), month, day), (h, m, sec, nanos), offset)?;
    Some((t, end))
}

/// Reads Apache's error-log time `Fri Dec 04 14:58:20 2026` (the `[`
/// already passed).
fn ctime(s: &[u8]) -> Option<Stamp> {
    if !s.get(..3)?.iter().all(u8::is_ascii_alphabetic) {
        return None;
    }
    ctime_words(s)
}

/// Reads `Fri Dec 04 14:58:20 2026` (or with one-digit day).
fn ctime_words(s: &[u8]) -> Option<Stamp> {
    if s.get(3) != Some(&b' ') {
        return None;
    }
    let month = month_name(s, 4)?;
    let mut p = 8;
    if s.get(p) == Some(&b' ') {
        p += 1;
    }
    let (day, n) = one_or_two(s, p)?;
    p += n + 1;
    let (h, m, sec, nanos, end) = clock(s, p)?;
    if s.get(end) != Some(&b' ') {
        return None;
    }
    let year = digits(s, end + 1, 4)?;
    stamp((i64::from(year), month, day), (h, m, sec, nanos), 0)
}

/// Reads the month-first `12/4/2026 2:58:20 PM` of Windows DNS debug logs
/// (and IIS's `11/20/2023, 15:44:03`).
fn month_first(s: &[u8]) -> Option<(Stamp, usize)> {
    let (month, n) = one_or_two(s, 0)?;
    if s.get(n) != Some(&b'/') {
        return None;
    }
    let (day, m) = one_or_two(s, n + 1)?;
    let p = n + 1 + m;
    if s.get(p) != Some(&b'/') {
        return None;
    }
    let year = digits(s, p + 1, 4)?;
    let mut q = p + 5;
    if s.get(q) == Some(&b',') {
        q += 1;
    }
    if s.get(q) != Some(&b' ') {
        return None;
    }
    let (mut h, mi, sec, nanos, mut end) = clock(s, q + 1)?;
    if s.get(end) == Some(&b' ') {
        let ampm = s.get(end + 1..end + 3).map(<[u8]>::to_ascii_uppercase);
        match ampm.as_deref() {
            Some(b"AM") if (1..=12).contains(&h) => {
                h %= 12;
                end += 3;
            }
            Some(b"PM") if (1..=12).contains(&h) => {
                h = h % 12 + 12;
                end += 3;
            }
            _ => {}
        }
    }
    let t = stamp((i64::from(year), month, day), (h, mi, sec, nanos), 0)?;
    Some((t, end))
}

/// Parses a `--since`/`--until` bound: RFC 3339, a date
/// (`2026-09-01`, midnight UTC), or an age before `now` (`90d`, `12h`,
/// `30m`, `45s`).
///
/// # Errors
///
/// Returns what was expected when `s` is none of these.
pub fn parse_bound(s: &str, now: Stamp) -> Result<Stamp, String> {
    let b = s.trim().as_bytes();
    if let Some((t, end)) = iso(b) {
        if end == b.len() {
            return Ok(t);
        }
    }
    if b.len() == 10 {
        let mut full = b.to_vec();
        full.extend_from_slice(b" 00:00:00");
        if let Some((t, _)) = iso(&full) {
            return Ok(t);
        }
    }
    let unit = match b.last() {
        Some(b'd') => 86_400,
        Some(b'h') => 3600,
        Some(b'm') => 60,
        Some(b's') => 1,
        _ => 0,
    };
    let n = std::str::from_utf8(&b[..b.len().saturating_sub(1)])
        .ok()
        .and_then(|n| n.parse::<i64>().ok());
    match n {
        Some(n) if unit > 0 && n >= 0 => {
            Ok(Stamp { secs: now.secs - n * unit, nanos: now.nanos })
        }
        _ => Err(format!(
            "invalid time {s:?}: expected RFC 3339 \
             (2026-09-01T00:00:00Z), a date (2026-09-01) or an age \
             (90d, 12h, 30m, 45s)"
        )),
    }
}

#[cfg(test)]
mod tests;
