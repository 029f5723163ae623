//! Indicators of compromise: their kinds, and how a raw value from an
//! advisory is refanged, classified and normalised.
//!
//! Every reader in [`crate::load`] hands raw values to [`parse_value`] (or
//! [`parse_typed`] when the format says what the value is), so the rules
//! for what counts as an address, a domain or a hash live here alone.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use ipnet::IpNet;

/// The kinds of indicator a sweep can match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An IPv4 address, optionally with a port.
    Ipv4,
    /// An IPv6 address, optionally with a port.
    Ipv6,
    /// An IPv4 or IPv6 network range.
    Cidr,
    /// A domain name; it also matches every subdomain.
    Domain,
    /// A URL; scheme and host compare case-insensitively, the rest exactly.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 hash (32 hex digits).
    Md5,
    /// A SHA-1 hash (40 hex digits).
    Sha1,
    /// A SHA-256 hash (64 hex digits).
    Sha256,
    /// A SHA-512 hash (128 hex digits).
    Sha512,
    /// A file name or path, matched as whole path components.
    Filename,
    /// Any other literal, matched exactly.
    String,
}

impl Kind {
    /// Every kind, in the order reports list them.
    pub const ALL: [Kind; 12] = [
        Kind::Ipv4,
        Kind::Ipv6,
        Kind::Cidr,
        Kind::Domain,
        Kind::Url,
        Kind::Email,
        Kind::Md5,
        Kind::Sha1,
        Kind::Sha256,
        Kind::Sha512,
        Kind::Filename,
        Kind::String,
    ];

    /// Returns the name used in hit records and summaries.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Ipv6 => "ipv6",
            Kind::Cidr => "cidr",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Sha512 => "sha512",
            Kind::Filename => "filename",
            Kind::String => "string",
        }
    }

    /// Returns the hash kind for a hex digest of `len` digits.
    pub fn hash_for_len(len: usize) -> Option<Kind> {
        match len {
            32 => Some(Kind::Md5),
            40 => Some(Kind::Sha1),
            64 => Some(Kind::Sha256),
            128 => Some(Kind::Sha512),
            _ => None,
        }
    }

    /// Whether this kind is a hex digest.
    pub fn is_hash(self) -> bool {
        matches!(self, Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512)
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown indicator kind {s:?}"))
    }
}

/// A classified, normalised indicator value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Value {
    /// An IPv4 address and the port an advisory gave with it, if any.
    Ipv4(Ipv4Addr, Option<u16>),
    /// An IPv6 address and the port an advisory gave with it, if any.
    Ipv6(Ipv6Addr, Option<u16>),
    /// A network range with its host bits cleared.
    Cidr(IpNet),
    /// A lower-case domain name without a trailing dot.
    Domain(String),
    /// A URL, split so that the matcher can compare its parts (boxed:
    /// held inline it would make every value of a set 80 bytes, not 32).
    Url(Box<UrlValue>),
    /// A lower-case e-mail address.
    Email(String),
    /// A lower-case hex digest; the kind follows from its length.
    Hash(String),
    /// A file name or path, as given (compared case-insensitively).
    Filename(String),
    /// A literal string, as given.
    String(String),
}

/// The parts of a URL indicator.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UrlValue {
    /// Lower-case scheme (`http`), or `None` when the advisory gave none.
    pub scheme: Option<String>,
    /// Lower-case host: a domain, an IPv4 address or `[v6]`.
    pub host: String,
    /// The port written after the host, if any.
    pub port: Option<u16>,
    /// Everything after the host and port (`/a?x=1`), case kept; may be
    /// empty.
    pub rest: String,
}

impl Value {
    /// Returns the kind of this value.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Ipv4(..) => Kind::Ipv4,
            Value::Ipv6(..) => Kind::Ipv6,
            Value::Cidr(_) => Kind::Cidr,
            Value::Domain(_) => Kind::Domain,
            Value::Url(_) => Kind::Url,
            Value::Email(_) => Kind::Email,
            Value::Hash(h) => Kind::hash_for_len(h.len())
                .expect("hash values have a digest length"),
            Value::Filename(_) => Kind::Filename,
            Value::String(_) => Kind::String,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Ipv4(a, None) => write!(f, "{a}"),
            Value::Ipv4(a, Some(p)) => write!(f, "{a}:{p}"),
            Value::Ipv6(a, None) => write!(f, "{a}"),
            Value::Ipv6(a, Some(p)) => write!(f, "[{a}]:{p}"),
            Value::Cidr(n) => write!(f, "{n}"),
            Value::Url(u) => {
                if let Some(s) = &u.scheme {
                    write!(f, "{s}://")?;
                }
                f.write_str(&u.host)?;
                if let Some(p) = u.port {
                    write!(f, ":{p}")?;
                }
                f.write_str(&u.rest)
            }
            Value::Domain(s)
            | Value::Email(s)
            | Value::Hash(s)
            | Value::Filename(s)
            | Value::String(s) => f.write_str(s),
        }
    }
}

/// What a loaded value turned into, with any warning about how it was
/// changed on the way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parsed {
    /// The normalised value.
    pub value: Value,
    /// A note for the user, e.g. that host bits of a range were cleared.
    pub warning: Option<String>,
}

impl Parsed {
    fn plain(value: Value) -> Parsed {
        Parsed { value, warning: None }
    }
}

/// Why a raw value could not become an indicator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejected(pub String);

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Options that change what the classifier accepts.
#[derive(Clone, Copy, Debug, Default)]
pub struct ParseOptions {
    /// Accept ranges broader than /8 (IPv4) or /16 (IPv6), and /0.
    pub allow_broad_ranges: bool,
}

/// The shortest IPv4 prefix accepted without `allow_broad_ranges`.
pub const MIN_V4_PREFIX: u8 = 8;
/// The shortest IPv6 prefix accepted without `allow_broad_ranges`.
pub const MIN_V6_PREFIX: u8 = 16;

/// The longest value, in bytes, that can be an indicator. URLs in
/// advisories run to a few hundred bytes and web servers refuse request
/// lines much past this; a longer value is junk or an attack on the
/// reports every hit of it would fill.
pub const MAX_VALUE_LEN: usize = 8192;

/// Refuses a value longer than [`MAX_VALUE_LEN`], without quoting it
/// and without giving its length: readers that hold a value's text cut
/// it just past the bound (XML) do not know how long it was.
fn check_length(raw: &str) -> Result<(), Rejected> {
    if raw.trim().len() > MAX_VALUE_LEN {
        return Err(Rejected(format!(
            "a value longer than {MAX_VALUE_LEN} bytes is not an indicator"
        )));
    }
    Ok(())
}

/// Defanged forms and what they stand for, matched ignoring case.
///
/// Every form ends in `]`, `)`, `}` or `.`; every replacement is shorter
/// than its form, and only `.` can end a new form (`\` then `.`).
const DEFANGED: &[(&str, &str)] = &[
    ("[.]", "."),
    ("(.)", "."),
    ("{.}", "."),
    ("[dot]", "."),
    ("(dot)", "."),
    ("{dot}", "."),
    ("[:]", ":"),
    ("[://]", "://"),
    ("[/]", "/"),
    ("[@]", "@"),
    ("(@)", "@"),
    ("{@}", "@"),
    ("[at]", "@"),
    ("(at)", "@"),
    ("{at}", "@"),
    ("\\.", "."),
];

/// Undoes the usual ways advisories defang values: `hxxp`, `[.]`,
/// `(.)`, `[dot]`, `[:]`, `[@]`, `[at]` and similar.
///
/// The result holds no defanged form, so refanging it again changes
/// nothing: a replacement that makes a new form with its neighbours
/// (`((.))`, `\[.]`) is replaced in turn. A loaded value must read back
/// as itself, which export and re-import rely on.
pub fn refang(raw: &str) -> String {
    refang_as(raw, false)
}

/// Refangs `raw`; a value stated to be a file name (`file_name`) is a
/// path, whose backslashes are all separators.
fn refang_as(raw: &str, file_name: bool) -> String {
    let raw = raw.trim();
    // In a Windows path a backslash is a separator: `%TEMP%\..\x` and
    // `C:\.hidden` keep theirs, where `evil\.example` is a regular
    // expression's escaped dot. Whether a value is a path is told once
    // its other defanged forms are undone (`C[:]\x`, `\\evil[.]example\s`),
    // so that the value refanged tells the same and reads back as itself.
    let kept = undo_defanged(raw, true);
    let path = file_name
        || starts_windows_path(&kept)
        || device_rest(&kept).is_some();
    let mut out = if path { kept } else { undo_defanged(raw, false) };
    for (from, to) in [
        ("hxxps", "https"),
        ("hxxp", "http"),
        ("hxtps", "https"),
        ("hxtp", "http"),
        ("hzzp", "http"),
        ("fxp", "ftp"),
    ] {
        let head = out.get(..from.len());
        if head.is_some_and(|h| h.eq_ignore_ascii_case(from)) {
            let rest = &out[from.len()..];
            if let Some(after) = rest.strip_prefix(":\\\\") {
                out = format!("{to}://{after}");
                break;
            }
            if rest.starts_with("://") {
                out = format!("{to}{rest}");
                break;
            }
        }
    }
    out
}

/// Undoes the defanged forms in `raw`; `\.` stays where `path` is set.
fn undo_defanged(raw: &str, path: bool) -> String {
    if !raw.contains(['[', '(', '{', '\\']) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        out.push(c);
        if matches!(c, ']' | ')' | '}' | '.') {
            undo_defanged_suffix(&mut out, path);
        }
    }
    out
}

/// Replaces a defanged form at the end of `out`, and then any form the
/// replacement completes, until `out` ends in none.
fn undo_defanged_suffix(out: &mut String, path: bool) {
    'again: loop {
        for (from, to) in DEFANGED {
            let n = out.len();
            // A backslash after a dot is a relative path's separator
            // (`..\..\x.exe`, `.\.hidden`), not a regular expression's
            // escape; so is every backslash in a Windows path.
            let after_dot = n >= 3 && out.as_bytes()[n - 3] == b'.';
            if *from == "\\." && (path || after_dot) {
                continue;
            }
            let ends = n >= from.len()
                && out.as_bytes()[n - from.len()..]
                    .eq_ignore_ascii_case(from.as_bytes());
            if ends {
                // `from` is ASCII, so its first byte starts a character.
                out.truncate(n - from.len());
                out.push_str(to);
                continue 'again;
            }
        }
        return;
    }
}

/// Refangs, classifies and normalises a value whose kind is not known.
///
/// # Errors
///
/// Returns why the value is not an indicator (with what was expected).
pub fn parse_value(raw: &str, opts: ParseOptions) -> Result<Parsed, Rejected> {
    check_length(raw)?;
    let quoted = |c: char| c.is_whitespace() || c == '"' || c == '\'';
    // Quotes come off first, so that `"hxxp://…` is seen as refanged.
    let v = refang(raw.trim_matches(quoted));
    let v = v.trim_matches(quoted);
    if v.is_empty() {
        return Err(Rejected("empty value".into()));
    }
    if let Some(k) = Kind::hash_for_len(v.len()) {
        if v.bytes().all(|b| b.is_ascii_hexdigit()) {
            let _ = k;
            return Ok(Parsed::plain(Value::Hash(v.to_ascii_lowercase())));
        }
    }
    if let Some(p) = parse_address(v, opts)? {
        return Ok(p);
    }
    if v.contains("://") {
        return parse_url(v).map(Parsed::plain);
    }
    if let Some(at) = v.rfind('@') {
        return parse_email(v, at).map(Parsed::plain);
    }
    if let Some(slash) = v.find('/') {
        if is_host(&v[..slash]) {
            return parse_url(v).map(Parsed::plain);
        }
    }
    if looks_like_filename(v) {
        return file_name(v);
    }
    if let Some(d) = normalise_domain(v) {
        return Ok(Parsed::plain(Value::Domain(d)));
    }
    if let Some(p) = parse_wildcard_domain(v) {
        return Ok(p);
    }
    Err(Rejected(format!(
        "{v:?} is not an indicator: expected an IP address, CIDR range, \
         domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 hash or \
         file name"
    )))
}

/// Parses `*.domain` as the domain itself, which matches every
/// subdomain anyway, with a warning saying so.
fn parse_wildcard_domain(v: &str) -> Option<Parsed> {
    let d = normalise_domain(v.strip_prefix("*.")?)?;
    let warning = format!(
        "{v:?} starts with a wildcard label; loaded as {d}, which matches \
         every subdomain anyway"
    );
    Some(Parsed { value: Value::Domain(d), warning: Some(warning) })
}

/// Refangs and normalises a value whose kind the format states.
///
/// A value that does not fit the stated kind is rejected, except that an
/// address stated as a CIDR (or a CIDR stated as an address) is accepted
/// as what it is.
///
/// # Errors
///
/// Returns why the value does not fit `kind`.
pub fn parse_typed(
    raw: &str,
    kind: Kind,
    opts: ParseOptions,
) -> Result<Parsed, Rejected> {
    check_length(raw)?;
    let v = refang_as(raw, kind == Kind::Filename);
    let v = v.trim();
    if v.is_empty() {
        return Err(Rejected("empty value".into()));
    }
    match kind {
        Kind::Filename => file_name(v),
        Kind::String => Ok(Parsed::plain(Value::String(v.to_string()))),
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 => {
            let ok = v.bytes().all(|b| b.is_ascii_hexdigit())
                && Kind::hash_for_len(v.len()) == Some(kind);
            if ok {
                Ok(Parsed::plain(Value::Hash(v.to_ascii_lowercase())))
            } else {
                Err(not_a_hash(v, kind))
            }
        }
        // Untyped, `203.0.113.9/` is a range missing its length; stated
        // as a URL it is the address's root path, as Zeek intel writes it.
        Kind::Url
            if !v.contains("://")
                && v.strip_suffix('/').is_some_and(is_host) =>
        {
            parse_url(v).map(Parsed::plain)
        }
        _ => {
            let p = parse_value(v, opts)?;
            let got = p.value.kind();
            let fits = got == kind
                || matches!(
                    (kind, got),
                    (
                        Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr,
                        Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr
                    )
                )
                || (matches!(kind, Kind::Domain | Kind::Url)
                    && got == Kind::Filename)
                || (kind == Kind::Url && got == Kind::Domain);
            if !fits {
                return Err(Rejected(format!(
                    "{v:?} is not {} {kind}: it reads as {got}",
                    article(kind)
                )));
            }
            Ok(match (kind, p.value) {
                (Kind::Domain, Value::Filename(f)) => {
                    match normalise_domain(&f) {
                        Some(d) => Parsed::plain(Value::Domain(d)),
                        None => {
                            return Err(Rejected(format!(
                                "{v:?} is not a domain"
                            )));
                        }
                    }
                }
                (Kind::Url, Value::Filename(f)) => {
                    match normalise_domain(&f) {
                        Some(host) => {
                            Parsed::plain(Value::Url(Box::new(UrlValue {
                                scheme: None,
                                host,
                                port: None,
                                rest: "".into(),
                            })))
                        }
                        None => {
                            return Err(Rejected(format!(
                                "{v:?} is not a URL"
                            )));
                        }
                    }
                }
                (Kind::Url, Value::Domain(d)) => Parsed {
                    value: Value::Url(Box::new(UrlValue {
                        scheme: None,
                        host: d,
                        port: None,
                        rest: "".into(),
                    })),
                    warning: p.warning,
                },
                (_, value) => Parsed { value, warning: p.warning },
            })
        }
    }
}

/// Returns why `v` is not a hash of `kind`: how many hex digits were
/// expected, and how many it has when it is all hex.
fn not_a_hash(v: &str, kind: Kind) -> Rejected {
    let want = match kind {
        Kind::Md5 => 32,
        Kind::Sha1 => 40,
        Kind::Sha256 => 64,
        _ => 128,
    };
    let found = if v.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!(", found {}", v.len())
    } else {
        ", found other characters".to_string()
    };
    Rejected(format!(
        "{v:?} is not {} {kind} hash: expected {want} hex digits{found}",
        article(kind)
    ))
}

/// Returns the indefinite article for a kind's name.
fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Ipv4
        | Kind::Ipv6
        | Kind::Url
        | Kind::Email
        | Kind::Md5
        | Kind::Sha1
        | Kind::Sha256
        | Kind::Sha512 => "an",
        _ => "a",
    }
}

/// Parses IPv4/IPv6 addresses, with or without port, and CIDR ranges.
/// Returns `Ok(None)` when the value is not address-shaped at all.
fn parse_address(
    v: &str,
    opts: ParseOptions,
) -> Result<Option<Parsed>, Rejected> {
    if let Some((addr, len)) = v.split_once('/') {
        // Loose, as the range itself is read: `10.0.0.010/24` is a
        // range, not a URL with the path `/24`, which would print as one.
        let looks = parse_ipv4_loose(addr).is_some()
            || addr.parse::<Ipv6Addr>().is_ok();
        if !looks {
            return Ok(None);
        }
        if !len.bytes().all(|b| b.is_ascii_digit()) && addr.contains('.') {
            // `203.0.113.9/gate.php`: an IPv4 host with a path, as Zeek
            // intel writes URLs (without a scheme).
            return Ok(None);
        }
        let Ok(len) = len.parse::<u8>() else {
            return Err(Rejected(format!(
                "{v:?} is not a CIDR range: expected a prefix length after '/'"
            )));
        };
        return parse_cidr(addr, len, opts).map(Some);
    }
    if let Some(a) = parse_ipv4_loose(v) {
        return Ok(Some(Parsed::plain(Value::Ipv4(a, None))));
    }
    if let Some((host, port)) = v.rsplit_once(':') {
        if let (Some(a), Ok(p)) = (parse_ipv4_loose(host), port.parse::<u16>())
        {
            return Ok(Some(Parsed::plain(Value::Ipv4(a, Some(p)))));
        }
        if let Some(h) =
            host.strip_prefix('[').and_then(|h| h.strip_suffix(']'))
        {
            if let (Ok(a), Ok(p)) =
                (h.parse::<Ipv6Addr>(), port.parse::<u16>())
            {
                return Ok(Some(Parsed::plain(v6_value(a, Some(p)))));
            }
        }
    }
    let bare = v.trim_start_matches('[').trim_end_matches(']');
    let bare = bare.split('%').next().unwrap_or(bare);
    if let Ok(a) = bare.parse::<Ipv6Addr>() {
        return Ok(Some(Parsed::plain(v6_value(a, None))));
    }
    Ok(None)
}

/// Turns IPv4-mapped IPv6 addresses into IPv4 values.
fn v6_value(a: Ipv6Addr, port: Option<u16>) -> Value {
    match a.to_ipv4_mapped() {
        Some(v4) => Value::Ipv4(v4, port),
        None => Value::Ipv6(a, port),
    }
}

/// Parses dotted-decimal IPv4, allowing leading zeros (`010.001.2.3`).
pub fn parse_ipv4_loose(s: &str) -> Option<Ipv4Addr> {
    let mut octets = [0u8; 4];
    let mut parts = s.split('.');
    for o in &mut octets {
        let p = parts.next()?;
        if p.is_empty()
            || p.len() > 3
            || !p.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        *o = p.parse::<u16>().ok().filter(|n| *n <= 255)? as u8;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(Ipv4Addr::from(octets))
}

fn parse_cidr(
    addr: &str,
    len: u8,
    opts: ParseOptions,
) -> Result<Parsed, Rejected> {
    let ip: std::net::IpAddr = match parse_ipv4_loose(addr) {
        Some(a) => a.into(),
        None => addr
            .parse::<Ipv6Addr>()
            .map_err(|_| Rejected(format!("{addr:?} is not an IP address")))?
            .into(),
    };
    let net = IpNet::new(ip, len).map_err(|_| {
        Rejected(format!(
            "/{len} is not a valid prefix length for {ip}: expected at most {}",
            if ip.is_ipv4() { 32 } else { 128 }
        ))
    })?;
    let net = unmapped(net);
    let ip = net.addr();
    let len = net.prefix_len();
    let (min, family) = if ip.is_ipv4() {
        (MIN_V4_PREFIX, "IPv4")
    } else {
        (MIN_V6_PREFIX, "IPv6")
    };
    if !opts.allow_broad_ranges && len < min {
        return Err(Rejected(format!(
            "{net} is too broad to sweep for (an {family} range must be /{min} \
             or narrower); pass --allow-broad-ranges to load it anyway"
        )));
    }
    let trunc = net.trunc();
    let warning = (trunc != net)
        .then(|| format!("{net} has host bits set; loaded as {trunc}"));
    let value = match trunc {
        IpNet::V4(n) if n.prefix_len() == 32 => Value::Ipv4(n.addr(), None),
        IpNet::V6(n) if n.prefix_len() == 128 => v6_value(n.addr(), None),
        n => Value::Cidr(n),
    };
    Ok(Parsed { value, warning })
}

/// Turns a range inside `::ffff:0:0/96` (IPv4-mapped addresses) with a
/// prefix of 96 or more into the IPv4 range it maps, as mapped addresses
/// become IPv4 addresses.
fn unmapped(net: IpNet) -> IpNet {
    match net {
        IpNet::V6(n) if n.prefix_len() >= 96 => {
            match n.addr().to_ipv4_mapped() {
                Some(v4) => IpNet::new(v4.into(), n.prefix_len() - 96)
                    .expect("a prefix of at most 32 fits IPv4"),
                None => net,
            }
        }
        _ => net,
    }
}

fn parse_url(v: &str) -> Result<Value, Rejected> {
    let bad = |why: &str| Rejected(format!("{v:?} is not a URL: {why}"));
    let (scheme, rest) = match v.find("://") {
        Some(i) => {
            let s = &v[..i];
            let ok = !s.is_empty()
                && s.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
            if !ok {
                return Err(bad(&scheme_problem(s)));
            }
            (Some(s.to_ascii_lowercase()), &v[i + 3..])
        }
        None => (None, v),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let hostport = match authority.rfind('@') {
        Some(i) => &authority[i + 1..],
        None => authority,
    };
    let (host, port) = split_host_port(hostport)
        .ok_or_else(|| bad("bad port after the host"))?;
    let host = if let Some(h6) =
        host.strip_prefix('[').and_then(|h| h.strip_suffix(']'))
    {
        let a: Ipv6Addr = h6.parse().map_err(|_| bad("bad IPv6 host"))?;
        format!("[{a}]")
    } else if let Some(a) = parse_ipv4_loose(host) {
        a.to_string()
    } else {
        normalise_domain(host)
            .ok_or_else(|| bad("expected a host name or address"))?
    };
    let rest = tail.to_string();
    Ok(Value::Url(Box::new(UrlValue { scheme, host, port, rest })))
}

/// Says what is wrong with the text `s` before a URL's `://`: text in
/// front of a scheme (`xmlns:a="http`), or no scheme at all.
fn scheme_problem(s: &str) -> String {
    let start = s
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || "+-.".contains(*c)))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let start = s[start..]
        .find(|c: char| c.is_ascii_alphabetic())
        .map_or(s.len(), |i| start + i);
    if start == 0 || start == s.len() {
        return "expected a scheme such as http:// before the host".into();
    }
    format!(
        "text {:?} before the scheme {}://; expected the URL to start \
         with its scheme",
        &s[..start],
        &s[start..]
    )
}

fn split_host_port(s: &str) -> Option<(&str, Option<u16>)> {
    if s.starts_with('[') {
        let close = s.find(']')?;
        let after = &s[close + 1..];
        return match after.strip_prefix(':') {
            Some(p) => Some((&s[..=close], Some(p.parse().ok()?))),
            None if after.is_empty() => Some((s, None)),
            None => None,
        };
    }
    match s.rsplit_once(':') {
        Some((h, p)) => Some((h, Some(p.parse().ok()?))),
        None => Some((s, None)),
    }
}

fn parse_email(v: &str, at: usize) -> Result<Value, Rejected> {
    let (local, domain) = (&v[..at], &v[at + 1..]);
    if domain.starts_with('[') && domain.ends_with(']') {
        return Err(Rejected(format!(
            "{v:?} is an e-mail address with an address literal as its \
             domain; e-mail addresses with address literals are not \
             supported"
        )));
    }
    let local_ok = !local.is_empty()
        && local.bytes().all(|b| is_local_part_byte(b) || b >= 0x80);
    let domain = normalise_domain(domain);
    match (local_ok, domain) {
        (true, Some(d)) => {
            Ok(Value::Email(format!("{}@{d}", local.to_lowercase())))
        }
        _ => Err(Rejected(format!(
            "{v:?} is not an e-mail address: expected local@domain.tld"
        ))),
    }
}

/// Whether `b` may appear in the local part of an e-mail address (the
/// characters that matter for telling where an address starts).
pub fn is_local_part_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~.".contains(&b)
}

/// Whether `s` is a host: a domain name or an IP address.
fn is_host(s: &str) -> bool {
    let h = split_host_port(s).map(|(h, _)| h).unwrap_or(s);
    parse_ipv4_loose(h).is_some()
        || normalise_domain(h).is_some()
        || h.strip_prefix('[')
            .and_then(|x| x.strip_suffix(']'))
            .is_some_and(|x| x.parse::<Ipv6Addr>().is_ok())
}

/// Returns the lower-case form of a syntactically valid domain name with
/// at least two labels, or `None`.
///
/// Labels hold letters, digits, `-` and `_` (service labels such as
/// `_dmarc`), or any non-ASCII character (internationalised names); the
/// last label is not all digits.
pub fn normalise_domain(s: &str) -> Option<String> {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.len() > 253 || !s.contains('.') {
        return None;
    }
    let lower = s.to_lowercase();
    let mut labels = lower.split('.').peekable();
    while let Some(label) = labels.next() {
        let ok = !label.is_empty()
            && label.len() <= 63
            && label
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
            && !label.starts_with('-')
            && !label.ends_with('-');
        if !ok {
            return None;
        }
        if labels.peek().is_none() && label.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
    }
    Some(lower)
}

/// File extensions that make a dotted name a file name rather than a
/// domain. Extensions that are also common top-level domains (`zip`,
/// `mov`, `sh`, `py`, `pl`, `so`, `one`) are left out on purpose: such a
/// name loads as a domain unless the format says it is a file. (`one`:
/// spyware servers such as `limk.one` are listed in plain domain lists;
/// a OneNote lure loads as a file name where its format says so.)
fn is_file_extension(ext: &str) -> bool {
    matches!(
        ext,
        "exe"
            | "dll"
            | "sys"
            | "drv"
            | "ocx"
            | "cpl"
            | "scr"
            | "com_"
            | "ps1"
            | "psm1"
            | "psd1"
            | "bat"
            | "cmd"
            | "vbs"
            | "vbe"
            | "js"
            | "jse"
            | "wsf"
            | "wsh"
            | "hta"
            | "lnk"
            | "msi"
            | "msp"
            | "msc"
            | "jar"
            | "class"
            | "elf"
            | "dylib"
            | "ko"
            | "doc"
            | "docx"
            | "docm"
            | "dot"
            | "dotm"
            | "xls"
            | "xlsx"
            | "xlsm"
            | "xlsb"
            | "ppt"
            | "pptx"
            | "pptm"
            | "rtf"
            | "pdf"
            | "iso"
            | "img"
            | "vhd"
            | "vhdx"
            | "dat"
            | "tmp"
            | "bin"
            | "txt"
            | "log"
            | "ini"
            | "cfg"
            | "conf"
            | "php"
            | "jsp"
            | "jspx"
            | "asp"
            | "aspx"
            | "ashx"
            | "asmx"
            | "apk"
            | "dex"
            | "rar"
            | "7z"
            | "gz"
            | "tgz"
            | "bz2"
            | "xz"
            | "tar"
            | "cab"
            | "old"
            | "bak"
            | "xml"
            | "css"
            | "json"
            | "plist"
            | "dmg"
            | "deb"
            | "rpm"
            | "htm"
            | "html"
            | "hta_"
            | "chm"
            | "pif"
            | "reg"
            | "inf"
            | "job"
            | "dmp"
            | "py_"
            | "pyc"
            | "rb"
            | "lua"
            | "aspx_"
            | "war"
            | "sct"
            | "xsl"
            | "lib"
            | "svg"
            | "png"
            | "jpg"
            | "jpeg"
            | "gif"
            | "bmp"
            | "ico"
    )
}

/// Whether `v` starts as a Windows path, whose backslashes are
/// separators: a drive (`C:\`), a run of environment variables
/// (`%TEMP%\`, `%HOMEDRIVE%%HOMEPATH%\`) or a UNC share (`\\server\`).
pub fn starts_windows_path(v: &str) -> bool {
    let b = v.as_bytes();
    let drive = b.len() > 2
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b[2] == b'\\';
    drive || env_path(v).is_some() || unc_host(v).is_some() || device_path(v)
}

/// Whether `v` is in Windows' device or long-path form (`\\.\pipe\x`,
/// `\\.\PhysicalDrive0`, `\\?\C:\x.exe`): `\\.\` or `\\?\`, then
/// components that each start with something other than a blank, a
/// slash or what a regular expression escapes (`\\.\pipe\*` is a
/// pattern), with only a folder's separators and blanks after the last
/// (as `file_name` trims them, so a folder keeps its form). There the
/// dot is the form's own, not an escaped dot.
pub fn device_path(v: &str) -> bool {
    let Some(rest) = device_rest(v) else { return false };
    let rest = rest.trim_end_matches(|c: char| {
        c == '\\' || c == '/' || c.is_whitespace()
    });
    // After a drive (`\\?\C:\`) the components are a drive path's.
    let drive =
        has_drive(rest) && rest.as_bytes().get(2).is_none_or(|c| *c == b'\\');
    drive
        || !rest.is_empty()
            && rest.split('\\').all(|c| {
                c.starts_with(|c: char| {
                    !c.is_whitespace() && c != '/' && !REGEX_PUNCT.contains(c)
                })
            })
}

/// What follows `\\.\`, `\\?\` or the NT form `\??\` (services' image
/// paths: `\??\C:\x.sys`), if `v` starts with one.
fn device_rest(v: &str) -> Option<&str> {
    ["\\\\.\\", "\\\\?\\", "\\??\\"].iter().find_map(|p| v.strip_prefix(p))
}

/// Punctuation a regular expression escapes, which no path component of
/// an indicator starts with.
const REGEX_PUNCT: &str = ".-()[]{}*+?|^$";

/// Returns the server a UNC path (`\\server\share\x.exe`) names, if `v`
/// is one: a host name or address after `\\`, then a share and a path in
/// it, each component after a single backslash and none starting with
/// punctuation a regular expression escapes: `\\svcsstat\.exe` and
/// `\\temp\rot\.exe` are regular expressions, as lists of them write
/// a separator and an escaped dot.
pub fn unc_host(v: &str) -> Option<&str> {
    let rest = v.strip_prefix("\\\\")?;
    let (host, path) = rest.split_once('\\')?;
    let host_ok = !host.is_empty()
        && !host.starts_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    let escaped = |c: &str| {
        c.is_empty() || c.starts_with(|c: char| REGEX_PUNCT.contains(c))
    };
    let parts = path.split('\\').count();
    let named = parts >= 2 || host.contains('.');
    (host_ok && named && !path.split('\\').any(escaped)).then_some(host)
}

/// A path that starts with a run of Windows environment variables
/// (`%TEMP%\x.log`, `%HOMEDRIVE%%HOMEPATH%\x.exe`).
struct EnvPath<'v> {
    /// The variables as written (`%HOMEDRIVE%%HOMEPATH%`).
    vars: &'v str,
    /// The name of the last one, which decides where the path goes.
    last: &'v str,
    /// The path after the variables and their separator.
    rest: &'v str,
}

/// Reads the run of `%VAR%`s a path starts with and the path after it
/// and its separator, if it starts so.
fn env_path(v: &str) -> Option<EnvPath<'_>> {
    let mut at = 0;
    let mut last = "";
    while let Some(after) = v[at..].strip_prefix('%') {
        let name = &after[..after.find('%')?];
        let ok = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_()".contains(&b));
        if name.is_empty() || !ok {
            return None;
        }
        last = name;
        at += name.len() + 2;
    }
    if at == 0 {
        return None;
    }
    let rest = v[at..].strip_prefix(['\\', '/'])?;
    Some(EnvPath { vars: &v[..at], last, rest })
}

/// What a `%VAR%` path means on the hosts it was found on: the path with
/// backslashes (`%APPDATA%/x.dat` is `%APPDATA%\x.dat`), and the path as
/// logs show it expanded, from the last folder the variable names where
/// that is the same on every host (`Temp\x.log`), else from the first
/// component after it (`%USERPROFILE%\x.exe`: `x.exe`).
struct Expanded {
    written: String,
    expanded: String,
    /// The folder the expanded form starts with, if known.
    last: Option<&'static str>,
    /// How many components of the written path are left once `.` and
    /// `..` are resolved.
    components: usize,
}

/// Expands a `%VAR%` path for matching; `None` for any other value.
///
/// A `..` that leaves the variable's folder (`%TEMP%\..\x.exe`) means
/// its last folder is no longer known: the expanded form starts after
/// it.
fn expand(v: &str) -> Option<Expanded> {
    let env = env_path(v)?;
    let mut parts: Vec<&str> = Vec::new();
    let mut left = false;
    for part in env.rest.split(['\\', '/']) {
        match part {
            "" | "." => {}
            ".." => left |= parts.pop().is_none(),
            _ => parts.push(part),
        }
    }
    let last = if left { None } else { last_folder(env.last) };
    let tail = parts.join("\\");
    let expanded = match last {
        Some(folder) if !tail.is_empty() => format!("{folder}\\{tail}"),
        _ => tail,
    };
    let written = format!("{}\\{}", env.vars, env.rest.replace('/', "\\"));
    Some(Expanded { written, expanded, last, components: parts.len() })
}

/// Returns the patterns a file-name indicator is searched for: the value
/// itself, its form with backslashes where it was written with `/` after
/// a `%VAR%`, and for a `%VAR%` path the path as hosts expand it
/// (`%TEMP%\x.log`: also `Temp\x.log`), and for a long, device or NT path
/// that names a drive or UNC path, that path as logs write it (`\\?\C:\x`
/// as `C:\x`, `\\?\UNC\srv\x` as `\\srv\x`), each found as whole path
/// components and reported under the indicator.
pub fn file_name_patterns(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    // A pipe's name alone is not searched for, though Sysmon writes a
    // pipe so (`PipeName: \msagent_12`): as a path component it is also
    // a folder's or a server's (`\tmp` in `C:\tmp\x`, `\\tmp\share`).
    // Telling a pipe's field from a path needs the field's name, which
    // file-name matching does not look at.
    if let Some(rest) = device_rest(name) {
        let drive = rest.len() > 2 && has_drive(rest);
        let unc =
            rest.get(..4).is_some_and(|h| h.eq_ignore_ascii_case("UNC\\"));
        if drive {
            out.push(rest.to_string());
        } else if unc && rest.len() > 4 && !name.starts_with("\\\\.") {
            out.push(format!("\\{}", &rest[3..]));
        }
    }
    if let Some(e) = expand(name) {
        for form in [e.written, e.expanded] {
            if !form.is_empty() && !out.contains(&form) {
                out.push(form);
            }
        }
    }
    out
}

/// Whether every component of `path` is dots or empty (`..\.`, `""`).
fn only_dots(path: &str) -> bool {
    path.split(['\\', '/']).all(|c| c.bytes().all(|b| b == b'.'))
}

/// Whether `s` starts with a drive letter and colon (`C:`).
fn has_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':'
}

/// The namespaces under `\\.\` and `\\?\` that hold other paths.
const ROOTS: [&str; 4] = ["pipe", "mailslot", "UNC", "GLOBALROOT"];

/// Folders that hold so much that a folder indicator for one would flood
/// the results: Windows ones compare in any case and with any drive.
const SYSTEM_FOLDERS: [&str; 21] = [
    r"\Windows",
    r"\Windows\System32",
    r"\Windows\SysWOW64",
    r"\Windows\Temp",
    r"\Program Files",
    r"\Program Files (x86)",
    r"\ProgramData",
    r"\Users",
    r"\Users\Public",
    "/tmp",
    "/var/tmp",
    "/usr",
    "/usr/bin",
    "/bin",
    "/sbin",
    "/etc",
    "/var",
    "/home",
    "/root",
    "/dev/shm",
    "/",
];

/// Returns why a path without its trailing separators, `trimmed`, is too
/// broad to sweep for: a drive or file system root, or a well-known
/// system folder, each of which is in countless paths.
fn too_broad(trimmed: &str) -> Option<&'static str> {
    // A device or long path names the same folders (`\\?\C:\Windows`),
    // or the root of a namespace of its own (`\\.\pipe`).
    if matches!(trimmed, r"\\." | r"\\?" | r"\??") {
        return Some("the root of a device namespace");
    }
    // Dot components after a root stay there (`C:\.`, `pipe\..\..`).
    let trimmed = match device_rest(trimmed) {
        Some(rest) => {
            let (first, tail) = rest.split_once('\\').unwrap_or((rest, ""));
            let root = ROOTS.iter().any(|r| r.eq_ignore_ascii_case(first));
            if root && only_dots(tail) {
                return Some("the root of a device namespace");
            }
            rest
        }
        None => trimmed,
    };
    let drive = has_drive(trimmed);
    if trimmed.is_empty() || (drive && only_dots(&trimmed[2..])) {
        return Some("the root of a drive or file system");
    }
    let windows = if drive { &trimmed[2..] } else { trimmed };
    let windows = windows.replace('/', "\\");
    let known = SYSTEM_FOLDERS.iter().any(|f| {
        if f.starts_with('\\') {
            // On any drive, or rooted on the current one (`\Windows`).
            f.eq_ignore_ascii_case(&windows)
        } else {
            f.eq_ignore_ascii_case(trimmed)
        }
    });
    known.then_some("a system folder")
}

/// Reads a file name or path. A path that starts with environment
/// variables (`%TEMP%\\KB943729.log`) loads as written and is matched
/// both so and as the folder it expands to (see [`file_name_patterns`]);
/// a folder (a path ending in a separator) loads without its last
/// separator, so it matches the paths under it. Either is said in a
/// warning.
///
/// # Errors
///
/// Returns why a path that names a drive root, a system folder
/// (`C:\\Windows\\`), only a variable's folder, or a single folder under
/// one (`%APPDATA%\\Microsoft\\`, a name in every other path), is
/// refused.
fn file_name(v: &str) -> Result<Parsed, Rejected> {
    let folder = v.len() > 1 && v.ends_with(['\\', '/']);
    let end = |c: char| c == '\\' || c == '/' || c.is_whitespace();
    let trimmed = v.trim_end_matches(end);
    let absolute = v.starts_with(['\\', '/']) || v.get(1..2) == Some(":");
    if absolute && let Some(what) = too_broad(trimmed) {
        return Err(Rejected(format!(
            "{v:?} names {what}, which every path through it would match; \
             not loaded"
        )));
    }
    // `\\?\` opens a long path; any other `*` or `?` is a wildcard.
    if device_rest(v).unwrap_or(v).contains(['*', '?']) {
        return Err(Rejected(format!(
            "{v:?} holds a wildcard (* or ?); patterns are not swept for, \
             only literal names; not loaded"
        )));
    }
    if trimmed.contains('.') && only_dots(trimmed) {
        return Err(Rejected(format!(
            "{v:?} names no file, only a folder's dots, which countless \
             paths and lines hold; not loaded"
        )));
    }
    let Some(e) = expand(v) else {
        if !folder || trimmed.is_empty() {
            return Ok(Parsed::plain(Value::Filename(v.to_string())));
        }
        let warning = format!(
            "{v:?} names a folder; loaded as {trimmed}, which matches the \
             folder and every path under it"
        );
        let value = Value::Filename(trimmed.to_string());
        return Ok(Parsed { value, warning: Some(warning) });
    };
    let vars = env_path(v).map_or("", |p| p.vars);
    if e.components == 0 {
        return Err(Rejected(format!(
            "{v:?} names only the folder {vars} points to; nothing to sweep \
             for"
        )));
    }
    if folder && e.components == 1 {
        let rest = e.expanded.rsplit('\\').next().unwrap_or("");
        return Err(Rejected(format!(
            "{v:?} names one folder under {vars}: {rest} alone would match \
             every path through any folder of that name; not loaded"
        )));
    }
    let whole = match e.last {
        Some(last) => format!(" (whose last folder is {last} on every host)"),
        None => String::new(),
    };
    let shown =
        if folder { format!("loaded as {trimmed}, ") } else { String::new() };
    let warning = format!(
        "{v:?} starts with {vars}, which each host expands to a folder of \
         its own{whole}; {shown}matched as written and as {}, as whole path \
         components wherever that folder is",
        e.expanded
    );
    let value = Value::Filename(trimmed.to_string());
    Ok(Parsed { value, warning: Some(warning) })
}

/// Returns the last component of the folder a Windows environment
/// variable names, where that is the same on every host of this century
/// (`TEMP`: `…\\AppData\\Local\\Temp` or `C:\\Windows\\Temp`); `None`
/// where it holds a user or drive name, or is not known.
///
/// On Remote Desktop session hosts `TEMP` and `TMP` end in a folder per
/// session (`…\\Temp\\2`): the expanded form misses there, and only the
/// path as written matches.
fn last_folder(var: &str) -> Option<&'static str> {
    const KNOWN: [(&str, &str); 12] = [
        ("TEMP", "Temp"),
        ("TMP", "Temp"),
        ("APPDATA", "Roaming"),
        ("LOCALAPPDATA", "Local"),
        ("PROGRAMDATA", "ProgramData"),
        ("ALLUSERSPROFILE", "ProgramData"),
        ("WINDIR", "Windows"),
        ("SYSTEMROOT", "Windows"),
        ("PUBLIC", "Public"),
        ("PROGRAMFILES", "Program Files"),
        ("PROGRAMFILES(X86)", "Program Files (x86)"),
        ("COMMONPROGRAMFILES", "Common Files"),
    ];
    KNOWN.iter().find(|(k, _)| k.eq_ignore_ascii_case(var)).map(|(_, f)| *f)
}

fn looks_like_filename(v: &str) -> bool {
    if v.contains(['\\', '/']) {
        // A path: `C:\Windows\evil.exe` or `/tmp/.x/evil`.
        let first = v.as_bytes()[0];
        return first == b'/'
            || first == b'\\'
            || first == b'%'
            || (v.len() > 2 && &v.as_bytes()[1..3] == b":\\");
    }
    match v.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            is_file_extension(&ext) && !v.contains(char::is_whitespace)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Value {
        parse_value(s, ParseOptions::default()).unwrap().value
    }

    fn shown(s: &str) -> String {
        p(s).to_string()
    }

    #[test]
    fn refangs_common_forms() {
        assert_eq!(
            shown("hxxps://evil[.]example/a"),
            "https://evil.example/a"
        );
        assert_eq!(shown("203.0.113[.]5"), "203.0.113.5");
        assert_eq!(shown("evil(.)example"), "evil.example");
        assert_eq!(shown("evil[dot]example"), "evil.example");
        assert_eq!(shown("a[@]evil[.]example"), "a@evil.example");
        assert_eq!(shown("a[at]evil.example"), "a@evil.example");
        assert_eq!(shown("hXXp[:]//1.2.3[.]4/x"), "http://1.2.3.4/x");
    }

    #[test]
    fn classifies_addresses() {
        assert_eq!(p("192.0.2.1").kind(), Kind::Ipv4);
        assert_eq!(shown("010.0.2.1"), "10.0.2.1");
        assert_eq!(shown("203.0.113.80:8080"), "203.0.113.80:8080");
        assert_eq!(shown("2001:0DB8:0:0:0:0:0:1"), "2001:db8::1");
        assert_eq!(shown("[2001:db8::1]:443"), "[2001:db8::1]:443");
        assert_eq!(shown("::ffff:192.0.2.1"), "192.0.2.1");
        assert_eq!(shown("192.0.2.0/24"), "192.0.2.0/24");
        assert_eq!(shown("192.0.2.9/32"), "192.0.2.9");
        assert!(parse_value("256.1.1.1", ParseOptions::default()).is_err());
    }

    fn parsed(s: &str) -> Parsed {
        parse_value(s, ParseOptions::default()).unwrap()
    }

    fn rejected(s: &str) -> String {
        parse_value(s, ParseOptions::default()).unwrap_err().0
    }

    #[test]
    fn mapped_ranges_become_ipv4_ranges() {
        let got = parsed("::ffff:192.0.2.0/120");
        assert_eq!(got, Parsed::plain(p("192.0.2.0/24")));
        assert_eq!(shown("::FFFF:c000:0280/121"), "192.0.2.128/25");
        assert_eq!(shown("::ffff:192.0.2.7/128"), "192.0.2.7");
        assert!(rejected("::ffff:0:0/96").starts_with("0.0.0.0/0 is too"));
        let host_bits = parsed("::ffff:192.0.2.77/120");
        assert_eq!(host_bits.value.to_string(), "192.0.2.0/24");
        assert_eq!(
            host_bits.warning.as_deref(),
            Some("192.0.2.77/24 has host bits set; loaded as 192.0.2.0/24")
        );
        // Near misses: not mapped, or a prefix short of the mapped block.
        assert_eq!(shown("::fffe:192.0.2.0/120"), "::fffe:c000:200/120");
        assert_eq!(p("::ffff:0:0/95").kind(), Kind::Cidr);
        assert_eq!(shown("::ffff:0:0/95"), "::fffe:0:0/95");
        assert!(rejected("::ffff:10.0.0.0/103").contains("10.0.0.0/7 is too"));
    }

    #[test]
    fn internationalised_domains_load_as_written() {
        let got = parsed("Bücher.example");
        assert_eq!(got.value, Value::Domain("bücher.example".into()));
        assert_eq!(got.warning, None);
        assert_eq!(parsed("xn--bcher-kva.example").warning, None);
    }

    #[test]
    fn a_leading_wildcard_label_is_dropped_with_a_warning() {
        let got = parsed("*.Wild.test");
        assert_eq!(got.value, Value::Domain("wild.test".into()));
        assert_eq!(
            got.warning.as_deref(),
            Some(
                "\"*.Wild.test\" starts with a wildcard label; loaded as \
                 wild.test, which matches every subdomain anyway"
            )
        );
        let o = ParseOptions::default();
        let typed = parse_typed("*.wild.test", Kind::Domain, o).unwrap();
        assert_eq!(typed.value, Value::Domain("wild.test".into()));
        assert_eq!(
            parsed("*.bücher.example").value,
            Value::Domain("bücher.example".into())
        );
        assert!(rejected("*.test").contains("is not an indicator"));
        assert!(rejected("a.*.test").contains("is not an indicator"));
        assert!(rejected("**.wild.test").contains("is not an indicator"));
    }

    #[test]
    fn address_literal_e_mail_domains_are_refused_for_what_they_are() {
        assert_eq!(
            rejected("x@[192.0.2.1]"),
            "\"x@[192.0.2.1]\" is an e-mail address with an address \
             literal as its domain; e-mail addresses with address literals \
             are not supported"
        );
        assert!(rejected("x@[IPv6:2001:db8::1]").contains("address literal"));
        assert_eq!(
            rejected("x@192.0.2"),
            "\"x@192.0.2\" is not an e-mail address: expected \
             local@domain.tld"
        );
    }

    #[test]
    fn text_before_a_scheme_ending_in_a_wide_character_is_named() {
        assert_eq!(
            rejected("]0=]\u{fffd}://x.example/"),
            "\"]0=]\u{fffd}://x.example/\" is not a URL: expected a scheme \
             such as http:// before the host"
        );
        assert!(
            rejected("é1http://x.example/").contains("text \"é1\" before")
        );
    }

    #[test]
    fn text_before_a_scheme_is_named() {
        assert_eq!(
            rejected(r#"xmlns:AIS="http://x.example/a"#),
            r#""xmlns:AIS=\"http://x.example/a" is not a URL: text "#
                .to_string()
                + r#""xmlns:AIS=\"" before the scheme http://; expected the "#
                + "URL to start with its scheme"
        );
        assert!(rejected("1http://x.example/").contains("text \"1\" before"));
        assert!(
            rejected("-://x.example/").ends_with(
                "expected a scheme such as http:// before the host"
            )
        );
    }

    #[test]
    fn cidr_host_bits_are_cleared_with_a_warning() {
        let got =
            parse_value("198.51.100.77/24", ParseOptions::default()).unwrap();
        assert_eq!(got.value.to_string(), "198.51.100.0/24");
        assert!(got.warning.unwrap().contains("host bits"));
    }

    #[test]
    fn broad_ranges_are_refused_unless_allowed() {
        let err =
            parse_value("0.0.0.0/0", ParseOptions::default()).unwrap_err();
        assert!(err.0.contains("too broad"), "{err}");
        assert!(parse_value("10.0.0.0/7", ParseOptions::default()).is_err());
        assert!(parse_value("10.0.0.0/8", ParseOptions::default()).is_ok());
        let opts = ParseOptions { allow_broad_ranges: true };
        assert_eq!(
            parse_value("0.0.0.0/0", opts).unwrap().value.to_string(),
            "0.0.0.0/0"
        );
        assert!(parse_value("2001::/15", ParseOptions::default()).is_err());
    }

    #[test]
    fn classifies_names() {
        assert_eq!(p("EVIL.Example.").to_string(), "evil.example");
        assert_eq!(p("evil.example").kind(), Kind::Domain);
        assert_eq!(p("evil.exe").kind(), Kind::Filename);
        assert_eq!(p("update.zip").kind(), Kind::Domain);
        assert_eq!(p("limk.one").kind(), Kind::Domain);
        assert_eq!(p("invoice.exe").kind(), Kind::Filename);
        assert_eq!(p("C:\\Users\\x\\evil.exe").kind(), Kind::Filename);
        assert_eq!(p("A@Evil.Example").to_string(), "a@evil.example");
        assert_eq!(p("evil.example/gate.php").kind(), Kind::Url);
        assert!(
            parse_value("not an indicator", ParseOptions::default()).is_err()
        );
        assert!(parse_value("localhost", ParseOptions::default()).is_err());
        assert!(parse_value("1.2.3", ParseOptions::default()).is_err());
    }

    #[test]
    fn an_environment_variable_path_loads_as_written_with_a_warning() {
        let o = ParseOptions::default();
        let typed = |s: &str| parse_typed(s, Kind::Filename, o);
        let p = parsed(r"%TEMP%\KB943729.log");
        assert_eq!(p.value, Value::Filename(r"%TEMP%\KB943729.log".into()));
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""%TEMP%\\KB943729.log" starts with %TEMP%, which each host expands to a folder of its own (whose last folder is Temp on every host); matched as written and as Temp\KB943729.log, as whole path components wherever that folder is"#
            )
        );
        let p = typed(r"%ProgramFiles(x86)%\Common Files\x.dll").unwrap();
        let want = r"%ProgramFiles(x86)%\Common Files\x.dll";
        assert_eq!(p.value, Value::Filename(want.into()));
        // A folder loads without its last separator.
        let p = typed(r"%appdata%\Microsoft\Crypto\").unwrap();
        let want = r"%appdata%\Microsoft\Crypto";
        assert_eq!(p.value, Value::Filename(want.into()));
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""%appdata%\\Microsoft\\Crypto\\" starts with %appdata%, which each host expands to a folder of its own (whose last folder is Roaming on every host); loaded as %appdata%\Microsoft\Crypto, matched as written and as Roaming\Microsoft\Crypto, as whole path components wherever that folder is"#
            )
        );
        // Forward slashes stay in the value; the patterns use backslashes.
        let p = typed("%APPDATA%/Microsoft/Windows/x.dat").unwrap();
        let want = "%APPDATA%/Microsoft/Windows/x.dat";
        assert_eq!(p.value, Value::Filename(want.into()));
        // A variable holding a user's name has no fixed folder.
        let p = typed(r"%USERPROFILE%\x.exe").unwrap();
        assert_eq!(p.value, Value::Filename(r"%USERPROFILE%\x.exe".into()));
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""%USERPROFILE%\\x.exe" starts with %USERPROFILE%, which each host expands to a folder of its own; matched as written and as x.exe, as whole path components wherever that folder is"#
            )
        );
        assert_eq!(
            typed(r"%APPDATA%\Microsoft\").unwrap_err().0,
            r#""%APPDATA%\\Microsoft\\" names one folder under %APPDATA%: Microsoft alone would match every path through any folder of that name; not loaded"#
        );
        assert_eq!(
            typed(r"%TEMP%\").unwrap_err().0,
            r#""%TEMP%\\" names only the folder %TEMP% points to; nothing to sweep for"#
        );
        // A folder without a variable loads without its last separator.
        let p = typed(r"C:\Intel\").unwrap();
        assert_eq!(p.value, Value::Filename(r"C:\Intel".into()));
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""C:\\Intel\\" names a folder; loaded as C:\Intel, which matches the folder and every path under it"#
            )
        );
        // Near misses: no closing `%`, a blank in the name, no
        // separator after it, and a plain path, load as written.
        for v in [r"%TEMP\x.log", r"%NOT A VAR%\x.log", "%TEMP%x.log"] {
            let p = typed(v).unwrap();
            assert_eq!(p.value, Value::Filename(v.into()), "{v}");
            assert_eq!(p.warning, None, "{v}");
        }
        assert_eq!(parsed(r"C:\Intel\x.exe").warning, None);
    }

    #[test]
    fn a_variable_path_is_matched_as_written_and_as_expanded() {
        let pats = |v: &str| file_name_patterns(v);
        assert_eq!(pats(r"%TEMP%\x.log"), [r"%TEMP%\x.log", r"Temp\x.log"]);
        assert_eq!(
            pats("%APPDATA%/Microsoft/x.dat"),
            [
                "%APPDATA%/Microsoft/x.dat",
                r"%APPDATA%\Microsoft\x.dat",
                r"Roaming\Microsoft\x.dat"
            ]
        );
        assert_eq!(
            pats(r"%SystemRoot%\System32\cmstplua.dll"),
            [
                r"%SystemRoot%\System32\cmstplua.dll",
                r"Windows\System32\cmstplua.dll"
            ]
        );
        // A run of variables: the last one decides; a user's profile
        // (`%HOMEDRIVE%%HOMEPATH%`) has no fixed folder.
        assert_eq!(
            pats(r"%HOMEDRIVE%%HOMEPATH%\x.exe"),
            [r"%HOMEDRIVE%%HOMEPATH%\x.exe", "x.exe"]
        );
        assert_eq!(
            pats(r"%A%%TEMP%\x.exe"),
            [r"%A%%TEMP%\x.exe", r"Temp\x.exe"]
        );
        assert_eq!(pats(r"%A%%B%\x.exe"), [r"%A%%B%\x.exe", "x.exe"]);
        // A `..` that leaves the variable's folder loses its last folder;
        // one inside the path is resolved.
        assert_eq!(pats(r"%TEMP%\..\x.exe"), [r"%TEMP%\..\x.exe", "x.exe"]);
        assert_eq!(
            pats(r"%TEMP%\a\..\x.exe"),
            [r"%TEMP%\a\..\x.exe", r"Temp\x.exe"]
        );
        // Near misses: no variable, or no separator after it.
        assert_eq!(pats(r"C:\Temp\x.log"), [r"C:\Temp\x.log"]);
        assert_eq!(pats(r"%TEMP%%x.log"), [r"%TEMP%%x.log"]);
        assert_eq!(pats("x.log"), ["x.log"]);
    }

    #[test]
    fn runs_of_variables_and_dot_dot_load_with_a_warning() {
        let p = parsed(r"%HOMEDRIVE%%HOMEPATH%\x.exe");
        assert_eq!(
            p.value,
            Value::Filename(r"%HOMEDRIVE%%HOMEPATH%\x.exe".into())
        );
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""%HOMEDRIVE%%HOMEPATH%\\x.exe" starts with %HOMEDRIVE%%HOMEPATH%, which each host expands to a folder of its own; matched as written and as x.exe, as whole path components wherever that folder is"#
            )
        );
        // The backslash before `..` is a separator, not an escaped dot.
        let p = parsed(r"%TEMP%\..\x.exe");
        assert_eq!(p.value, Value::Filename(r"%TEMP%\..\x.exe".into()));
        assert_eq!(
            p.warning.as_deref(),
            Some(
                r#""%TEMP%\\..\\x.exe" starts with %TEMP%, which each host expands to a folder of its own; matched as written and as x.exe, as whole path components wherever that folder is"#
            )
        );
        assert_eq!(
            parsed(r"C:\Users\.hidden\x.exe").value,
            Value::Filename(r"C:\Users\.hidden\x.exe".into())
        );
        assert_eq!(
            parse_value(r"%TEMP%\..\", ParseOptions::default()).unwrap_err().0,
            r#""%TEMP%\\..\\" names only the folder %TEMP% points to; nothing to sweep for"#
        );
        // Near miss: outside a path `\.` is still an escaped dot.
        assert_eq!(shown(r"evil\.example"), "evil.example");
    }

    #[test]
    fn roots_and_system_folders_are_refused() {
        let o = ParseOptions::default();
        let typed = |s: &str| parse_typed(s, Kind::Filename, o);
        assert_eq!(
            typed(r"C:\").unwrap_err().0,
            r#""C:\\" names the root of a drive or file system, which every path through it would match; not loaded"#
        );
        assert_eq!(
            typed(r"c:\windows\").unwrap_err().0,
            r#""c:\\windows\\" names a system folder, which every path through it would match; not loaded"#
        );
        for v in [
            "/",
            r"\",
            "D:/",
            r"C:\Windows",
            r"C:\WINDOWS\system32\",
            r"C:\Windows\SysWOW64\",
            r"C:\Windows\Temp\",
            r"C:\Program Files\",
            r"C:\Program Files (x86)\",
            r"C:\ProgramData\",
            r"C:\Users\",
            r"C:\Users\Public\",
            "C:/Windows/",
            "/tmp/",
            "/var/tmp/",
            "/usr/",
            "/usr/bin/",
            "/bin/",
            "/sbin/",
            "/etc/",
            "/var",
            "/home/",
            "/root/",
            "/dev/shm/",
            r"\Windows",
            r"\Users\",
            r"\Windows\System32\",
            r"C:\.",
            r"C:\..\",
        ] {
            assert!(typed(v).is_err(), "{v}");
        }
        assert!(parse_value("/tmp/", o).is_err());
        // Near misses: folders below those, and other folders, load.
        for (v, want) in [
            (r"C:\Intel\", r"C:\Intel"),
            ("/data/local/tmp/wd/", "/data/local/tmp/wd"),
            (r"C:\Windows\System32\evil\", r"C:\Windows\System32\evil"),
            (r"C:\Users\Public\x.exe", r"C:\Users\Public\x.exe"),
            ("/tmp/.x/", "/tmp/.x"),
            (r"\Windows\x\evil.exe", r"\Windows\x\evil.exe"),
            (r"C:\.x\", r"C:\.x"),
        ] {
            assert_eq!(typed(v).unwrap().value, Value::Filename(want.into()));
        }
    }

    #[test]
    fn unc_paths_are_windows_paths() {
        assert_eq!(unc_host(r"\\server\share\x.exe"), Some("server"));
        assert_eq!(unc_host(r"\\10.0.0.5\c$\x.exe"), Some("10.0.0.5"));
        assert_eq!(unc_host(r"\\svcsstat\\x"), None);
        assert_eq!(unc_host(r"\\svcsstat"), None);
        assert_eq!(unc_host(r"\\svcsstat\.exe"), None);
        assert_eq!(unc_host(r"\\server\share"), None);
        // A share alone is a UNC path where the server is an address or
        // a dotted name (WebDAV shares in mail: `\\203.0.113.5\webdav`);
        // `\\tmp\tmpy_8th_nb` is a regular expression's `\tmp\…`.
        assert_eq!(unc_host(r"\\203.0.113.5\webdav"), Some("203.0.113.5"));
        assert_eq!(unc_host(r"\\evil.example\s"), Some("evil.example"));
        assert_eq!(unc_host(r"\\tmp\tmpy_8th_nb"), None);
        assert_eq!(
            parsed(r"\\203.0.113.5\webdav").value,
            Value::Filename(r"\\203.0.113.5\webdav".into())
        );
        assert_eq!(unc_host(r"\\temp\rot\.exe"), None);
        assert_eq!(unc_host(r"\\x86\-linux\-exactchange"), None);
        assert_eq!(unc_host(r"\\video\(2017\)_2\.exe"), None);
        assert_eq!(unc_host(r"\x\y"), None);
        let p = parsed(r"\\server\share\x\a.exe");
        assert_eq!(p.value, Value::Filename(r"\\server\share\x\a.exe".into()));
    }

    #[test]
    fn wildcards_are_no_file_names() {
        let o = ParseOptions::default();
        // No Windows name holds `*` or `?`: they are a pattern's, and a
        // pattern swept for as text would never hit.
        for v in [
            r"\\.\pipe\msagent_*",
            r"\\.\pipe\postex_????",
            r"C:\Users\*\AppData\evil.exe",
            "evil*.exe",
        ] {
            let e = parse_typed(v, Kind::Filename, o).unwrap_err().0;
            assert_eq!(
                e,
                format!(
                    "{v:?} holds a wildcard (* or ?); patterns are not swept \
                     for, only literal names; not loaded"
                )
            );
        }
        // Near misses: the long-path prefix's `?`, and a name of its own.
        let ok = parse_typed(r"\\?\C:\x\a.exe", Kind::Filename, o).unwrap();
        assert_eq!(ok.value, Value::Filename(r"\\?\C:\x\a.exe".into()));
        assert!(parse_typed("msagent_12", Kind::Filename, o).is_ok());
    }

    #[test]
    fn long_paths_are_also_searched_as_the_paths_they_name() {
        let pats = |v: &str| file_name_patterns(v);
        for (v, named) in [
            (r"\\?\C:\x\a.exe", r"C:\x\a.exe"),
            (r"\\.\C:\x\a.exe", r"C:\x\a.exe"),
            (r"\??\C:\x\evil.sys", r"C:\x\evil.sys"),
            (r"\\?\UNC\srv\share\x.exe", r"\\srv\share\x.exe"),
        ] {
            assert_eq!(pats(v), vec![v, named], "{v}");
        }
        // Near misses: a pipe's name alone (`\msagent_12`, as Sysmon
        // writes it) is also a folder's (`\\.\pipe\tmp` would hit
        // `C:\tmp\x`), and other devices name no other path.
        for v in [
            r"\\.\pipe\msagent_12",
            r"\\.\PhysicalDrive0",
            r"\\?\GLOBALROOT\Device\x",
        ] {
            assert_eq!(pats(v), vec![v], "{v}");
        }
    }

    #[test]
    fn nt_paths_are_windows_paths() {
        let o = ParseOptions::default();
        // Services' image paths write `\??\C:\…`: no wildcard in it.
        let v = r"\??\C:\Windows\Temp\evil.sys";
        let got = parse_typed(v, Kind::Filename, o).unwrap().value;
        assert_eq!(got, Value::Filename(v.into()));
        assert_eq!(parse_value(v, o).unwrap().value, got);
        assert!(starts_windows_path(v));
        for root in [
            r"\??\",
            r"\??\C:\",
            r"\??\C:\Windows",
            r"\\?\C:\.",
            r"\\.\pipe\..\..",
        ] {
            let e = parse_typed(root, Kind::Filename, o).unwrap_err().0;
            assert!(e.contains("which every path through it"), "{root}: {e}");
        }
        // Near miss: a `?` elsewhere is still a wildcard.
        let e = parse_typed(r"\??\C:\x?.sys", Kind::Filename, o).unwrap_err();
        assert!(e.0.contains("holds a wildcard"), "{}", e.0);
    }

    #[test]
    fn a_path_is_told_once_refanged() {
        // A defanged drive is a drive: its `\.hidden` is a folder.
        assert_eq!(shown(r"C[:]\x\.hidden\a.exe"), r"C:\x\.hidden\a.exe");
        // `%(at)MP%` is no variable once `(at)` is `@`: its `\.` is an
        // escaped dot, and the value reads back as itself.
        let o = ParseOptions::default();
        let got = parse_typed(r"%(at)MP%\../", Kind::String, o).unwrap().value;
        assert_eq!(got, Value::String("%@MP%../".into()));
        assert_eq!(
            parse_typed(&got.to_string(), Kind::String, o).unwrap().value,
            got
        );
        // Near miss: a variable as written keeps its `\.`.
        assert_eq!(shown(r"%TEMP%\.x\a.exe"), r"%TEMP%\.x\a.exe");
    }

    #[test]
    fn dots_alone_name_no_file() {
        let o = ParseOptions::default();
        let typed = |s: &str| parse_typed(s, Kind::Filename, o);
        // `.` and `..` are in countless paths and sentences: `dig . NS`.
        for v in [".", "..", "...", "./", r"..\..\", "../.", r".\"] {
            let e = typed(v).unwrap_err().0;
            assert_eq!(
                e,
                format!(
                    "{v:?} names no file, only a folder's dots, which \
                     countless paths and lines hold; not loaded"
                )
            );
        }
        // Near misses: a name with a dot in it.
        for v in
            [".x", "..x", r".\x.exe", r".\.hidden", "x.", r"..\..\evil.exe"]
        {
            assert_eq!(typed(v).unwrap().value, Value::Filename(v.into()));
        }
    }

    #[test]
    fn device_paths_read_back_as_themselves() {
        let o = ParseOptions::default();
        let typed = |s: &str| parse_typed(s, Kind::Filename, o).unwrap();
        // `\\.\` and `\\?\` open Windows' device and long-path forms:
        // the dot is no escaped dot, with one component after it or more.
        for (v, want) in [
            (r"\\.\Y'Y\/", r"\\.\Y'Y"),
            (r"\\.\PhysicalDrive0", r"\\.\PhysicalDrive0"),
            (r"\\.\pipe\msagent_12", r"\\.\pipe\msagent_12"),
            (r"\\?\C:\x\.hidden\a.exe", r"\\?\C:\x\.hidden\a.exe"),
        ] {
            let got = typed(v).value;
            assert_eq!(got, Value::Filename(want.into()), "{v}");
            assert_eq!(typed(&got.to_string()).value, got, "{v}");
        }
        assert!(starts_windows_path(r"\\.\Y"));
        assert!(starts_windows_path(r"\\?\UNC\server\share"));
        // Near misses: nothing after the prefix, or a component a regular
        // expression escapes, is no device path.
        assert!(!starts_windows_path(r"\\.\"));
        assert!(!starts_windows_path(r"\\.\.exe"));
        assert!(!starts_windows_path(r"\\.x\y"));
        assert!(!starts_windows_path(r"\\.\pipe\*"));
        assert!(!starts_windows_path(r"\\.\pipe\\x"));
        assert!(!starts_windows_path(r"\\.\ \"));
        assert!(!starts_windows_path(r"\\.\/"));
        // Trailing separators are a folder's.
        assert!(starts_windows_path(r"\\.\pipe\x\"));
        // A namespace's root, or a drive or system folder in the long
        // form, holds countless paths.
        for v in [
            r"\\.\pipe\",
            r"\\?\UNC\",
            r"\\?\GLOBALROOT",
            r"\\.\mailslot",
            r"\\?\C:\",
            r"\\.\c:",
            r"\\?\C:\Windows\",
        ] {
            let e = parse_typed(v, Kind::Filename, o).unwrap_err().0;
            assert!(e.contains("which every path through it"), "{v}: {e}");
        }
        assert_eq!(
            typed(r"\\?\C:\Windows\x\").value,
            Value::Filename(r"\\?\C:\Windows\x".into())
        );
        // Nothing after the prefix: the root of the namespace.
        for v in [r"\\.\/", r"\\?\", r"\\.\"] {
            let e = parse_typed(v, Kind::Filename, o).unwrap_err().0;
            assert!(e.contains("the root of a device namespace"), "{v}: {e}");
        }
        // A stated file name is a path: each `\.` in it is a separator
        // and a dot, never a regular expression's escaped dot.
        for v in [
            r"\\.foo\b\c",
            r"\\?\UNC\srv\share\.hidden\x.exe",
            r"\\.hidden\x.exe",
            r"\..\evil.exe",
            r"evil.example\..\x",
            r"dir\.hidden",
        ] {
            assert_eq!(typed(v).value, Value::Filename(v.into()), "{v}");
        }
        assert_eq!(
            typed(r"evil[.]example\..\x").value,
            Value::Filename(r"evil.example\..\x".into())
        );
        // Untyped, `\.` between names is still an escaped dot.
        assert_eq!(
            p(r"svcsstat\.exe"),
            Value::Filename("svcsstat.exe".into())
        );
        // A host starting with a dot is no UNC host: `\\.x\y\z\` and
        // the folder it loads as read the same way.
        assert_eq!(unc_host(r"\\.x\y\z"), None);
        let got = typed(r"\\.x\y\z\").value;
        assert_eq!(typed(&got.to_string()).value, got);
    }

    #[test]
    fn classifies_hashes_by_length() {
        assert_eq!(p(&"A".repeat(32)).kind(), Kind::Md5);
        assert_eq!(p(&"b".repeat(40)).kind(), Kind::Sha1);
        assert_eq!(p(&"C".repeat(64)).to_string(), "c".repeat(64));
        assert_eq!(p(&"d".repeat(128)).kind(), Kind::Sha512);
        assert!(
            parse_value(&"g".repeat(32), ParseOptions::default()).is_err()
        );
    }

    #[test]
    fn splits_urls() {
        let Value::Url(u) = p("HTTP://Evil.Example:8080/A?b=C") else {
            panic!()
        };
        assert_eq!(u.scheme.as_deref(), Some("http"));
        assert_eq!(u.host, "evil.example");
        assert_eq!(u.port, Some(8080));
        assert_eq!(u.rest, "/A?b=C");
        let Value::Url(u) = p("http://user@evil.example") else { panic!() };
        assert_eq!(u.rest, "");
        assert!(
            parse_value("1http://x.example/", ParseOptions::default())
                .is_err()
        );
        // An address host with a path and no scheme, as Zeek intel
        // writes URLs; a bad prefix length is still a bad range.
        let Value::Url(u) = p("203.0.113.9/auth/login") else { panic!() };
        assert_eq!((u.scheme, u.host.as_str()), (None, "203.0.113.9"));
        assert_eq!(u.rest, "/auth/login");
        for bad in ["203.0.113.9/", "203.0.113.9/33", "203.0.113.9/300"] {
            assert!(
                parse_value(bad, ParseOptions::default()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn typed_values_must_fit_their_kind() {
        let o = ParseOptions::default();
        assert_eq!(
            parse_typed("cmd1", Kind::Filename, o).unwrap().value.kind(),
            Kind::Filename
        );
        assert!(parse_typed("abc", Kind::Md5, o).is_err());
        assert!(parse_typed("evil.example", Kind::Ipv4, o).is_err());
        assert_eq!(
            parse_typed("10.0.0.0/24", Kind::Ipv4, o).unwrap().value.kind(),
            Kind::Cidr
        );
        assert_eq!(
            parse_typed("evil.exe", Kind::Domain, o).unwrap().value.kind(),
            Kind::Domain
        );
        assert_eq!(
            parse_typed("evil.example/a", Kind::Url, o)
                .unwrap()
                .value
                .to_string(),
            "evil.example/a"
        );
    }

    #[test]
    fn refanging_twice_changes_nothing() {
        // Each of these once loaded as a value that read back as another:
        // a replacement made a new defanged form out of its neighbours.
        for (raw, once) in [
            (r#"\\\(dot)"\\\#\\\\"#, r#"."\\\#\\\\"#),
            (r"\(.)\]", r".\]"),
            ("((.))", "."),
            ("[[.]]", "."),
            ("evil[.]]example", "evil.]example"),
            ("hxxp:\\\\evil[.]example", "http://evil.example"),
            ("hxxp[://][:\\\\]", "http://[:\\\\]"),
        ] {
            assert_eq!(refang(raw), once, "{raw}");
            assert_eq!(refang(once), once, "{raw}");
        }
        // Near misses: nothing defanged, nothing changed.
        for plain in [r"C:\Windows\x", "(a.b)", "[.x]", "a\\"] {
            assert_eq!(refang(plain), plain);
        }
    }

    #[test]
    fn an_address_with_leading_zeros_and_a_length_is_a_range() {
        // Once loaded as a URL with the path `/24`, which printed as the
        // range it reads as.
        assert_eq!(shown("198.51.100.000/24"), "198.51.100.0/24");
        assert_eq!(p("010.0.0.1/32"), p("10.0.0.1"));
        assert!(rejected("2.57.234.002/3").contains("too broad"));
        // Near miss: a path that is not a length keeps it a URL.
        assert_eq!(p("198.51.100.007/24x").kind(), Kind::Url);
        assert_eq!(shown("198.51.100.007/24x"), "198.51.100.7/24x");
    }

    #[test]
    fn a_url_stated_as_an_address_and_a_slash_reads_back() {
        let o = ParseOptions::default();
        let got = parse_typed("214.5.6.24/", Kind::Url, o).unwrap().value;
        let Value::Url(u) = &got else { panic!("{got:?}") };
        assert_eq!(
            (u.scheme.as_deref(), u.host.as_str()),
            (None, "214.5.6.24")
        );
        assert_eq!(u.rest, "/");
        assert_eq!(got.to_string(), "214.5.6.24/");
        // Near misses: untyped, it is still a range without a length; a
        // range stated as a URL is not one.
        assert!(parse_value("214.5.6.24/", o).is_err());
        assert!(parse_typed("214.5.6.0/24", Kind::Url, o).is_err());
    }

    #[test]
    fn a_value_longer_than_the_limit_is_refused_without_quoting_it() {
        let o = ParseOptions::default();
        let name = |n: usize| format!("{}.exe", "a".repeat(n - 4));
        let at_limit = parse_typed(&name(MAX_VALUE_LEN), Kind::Filename, o);
        assert_eq!(at_limit.unwrap().value.to_string().len(), MAX_VALUE_LEN);
        let want = "a value longer than 8192 bytes is not an indicator";
        let over = name(MAX_VALUE_LEN + 1);
        assert_eq!(parse_typed(&over, Kind::Filename, o).unwrap_err().0, want);
        assert_eq!(parse_value(&over, o).unwrap_err().0, want);
        // Surrounding blanks do not count.
        let padded = format!("  {}  ", name(MAX_VALUE_LEN));
        assert!(parse_value(&padded, o).is_ok());
    }

    /// Pieces that make up values the classifier finds hard: defanged
    /// forms, brackets, escapes, quotes and address and URL parts.
    fn tricky_value() -> impl proptest::strategy::Strategy<Value = String> {
        const PIECES: &[&str] = &[
            "[.]",
            "(.)",
            "{.}",
            "[dot]",
            "(DOT)",
            "[:]",
            "[://]",
            "[@]",
            "[at]",
            "\\",
            ".",
            "[",
            "]",
            "(",
            ")",
            "{",
            "}",
            "a",
            "7",
            "/",
            ":",
            "@",
            "hxxp",
            "://",
            ":\\\\",
            "\"",
            "'",
            " ",
            "example",
            "com",
            "*",
            "%",
            "192.0.2.1",
            "::1",
            "80",
            "x.exe",
        ];
        proptest::collection::vec(proptest::sample::select(PIECES), 1..12)
            .prop_map(|v| v.concat())
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(20_000))]

        /// Whatever a value loads as, written out and read back as its
        /// kind it is itself: what export and re-import rely on.
        #[test]
        fn every_loaded_value_reads_back_as_itself(raw in tricky_value()) {
            let o = ParseOptions { allow_broad_ranges: true };
            proptest::prop_assert_eq!(refang(&refang(&raw)), refang(&raw));
            let untyped = parse_value(&raw, o).ok().map(|p| p.value);
            let typed = [Kind::Filename, Kind::String, Kind::Url, Kind::Domain]
                .into_iter()
                .filter_map(|k| parse_typed(&raw, k, o).ok().map(|p| p.value));
            for v in untyped.into_iter().chain(typed) {
                let text = v.to_string();
                let back = parse_typed(&text, v.kind(), o).map(|p| p.value);
                proptest::prop_assert_eq!(back, Ok(v), "{:?} as {:?}", raw, text);
            }
        }
    }
}
