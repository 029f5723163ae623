//! Checks a loaded indicator set before a sweep: what loaded from each
//! file, and every indicator that would flood a 90-day sweep with false
//! hits or that a sweep would leave out.
//!
//! [`check`] returns a [`Report`]: one [`FileAccount`] per file, and
//! [`Finding`]s grouped by [`Class`]. The classes and their rules:
//!
//! - addresses and ranges in special-purpose blocks (private, loopback,
//!   link-local, multicast, reserved, documentation), a range when it
//!   overlaps one;
//! - broad ranges: IPv4 /8 or broader, IPv6 /32 or broader (an ISP's
//!   whole allocation); `/0` and ranges broader than /8 or /16 are
//!   refused by the loader already;
//! - values on the shipped list of public resolvers, popular sites and
//!   shared-service base domains (`popular.txt`), compared exactly, or,
//!   with `--allow`, values the user's allowlist covers;
//! - strings and file names shorter than [`MIN_LEN`] characters;
//! - digests of empty input;
//! - indicators listed by more than one file;
//! - expired and revoked indicators, which a sweep leaves out;
//! - indicators not valid yet (every source's `valid_from` after the
//!   time of the check), which a sweep keeps.

mod render;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

pub use self::render::{jsonl, table, text};
use crate::allow::Allowlist;
use crate::indicator::{Kind, Value};
use crate::load::{
    Format, Loaded, Loader, Problem, Retired, Retirement, Severity,
};
use crate::set::{Indicator, Source};

/// The shipped list of values that flood a sweep.
pub const POPULAR: &str = include_str!("popular.txt");

/// Strings and file names shorter than this many characters are warned
/// about: they match inside too many unrelated words and paths.
pub const MIN_LEN: usize = 4;

/// The broadest IPv6 range not warned about is one prefix bit longer.
pub const BROAD_V6: u8 = 32;

/// The broadest IPv4 range not warned about is one prefix bit longer.
pub const BROAD_V4: u8 = 8;

/// What a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Private or shared address space (RFC 1918, RFC 6598, ULA).
    Private,
    /// Loopback addresses.
    Loopback,
    /// Link-local addresses.
    LinkLocal,
    /// Multicast addresses.
    Multicast,
    /// Reserved, unspecified or broadcast addresses.
    Reserved,
    /// Documentation addresses (RFC 5737, RFC 3849).
    Documentation,
    /// A very broad range.
    Broad,
    /// A value on the popular list (or, with `--allow`, the allowlist).
    Popular,
    /// A string or file name shorter than [`MIN_LEN`].
    Short,
    /// The digest of empty input.
    EmptyHash,
    /// A digest of one repeated hex digit (`000…0`, `fff…f`): a
    /// placeholder, never a file's digest.
    PlaceholderHash,
    /// A value listed by more than one file.
    Duplicate,
    /// Every source's validity ended before today.
    Expired,
    /// Every source's validity starts after the time of the check.
    NotYetValid,
    /// Every source revoked it.
    Revoked,
}

impl Class {
    /// Returns the name used in output (`private`, `empty-hash`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Class::Private => "private",
            Class::Loopback => "loopback",
            Class::LinkLocal => "link-local",
            Class::Multicast => "multicast",
            Class::Reserved => "reserved",
            Class::Documentation => "documentation",
            Class::Broad => "broad-range",
            Class::Popular => "popular",
            Class::Short => "short",
            Class::EmptyHash => "empty-hash",
            Class::PlaceholderHash => "placeholder-hash",
            Class::Duplicate => "duplicate",
            Class::Expired => "expired",
            Class::NotYetValid => "not-yet-valid",
            Class::Revoked => "revoked",
        }
    }

    /// Returns what the class means, for the heading of its group.
    pub fn meaning(self, allowlist: bool) -> &'static str {
        match self {
            Class::Private => {
                "private address space (RFC 1918, RFC 6598, ULA): every internal host matches"
            }
            Class::Loopback => "loopback: every host's own traffic matches",
            Class::LinkLocal => "link-local: every local segment matches",
            Class::Multicast => {
                "multicast: service discovery on every network matches"
            }
            Class::Reserved => "reserved, unspecified or broadcast addresses",
            Class::Documentation => {
                "documentation addresses and names (RFC 5737, RFC 3849, RFC 2606): examples, not attackers"
            }
            Class::Broad => "ranges of IPv4 /8 or IPv6 /32 or broader",
            Class::Popular if allowlist => "covered by the allowlist",
            Class::Popular => {
                "public resolvers, popular sites and shared-service base domains"
            }
            Class::Short => {
                "strings and file names under 4 characters: they match inside unrelated text"
            }
            Class::EmptyHash => {
                "digests of empty input: every empty file has them"
            }
            Class::PlaceholderHash => {
                "digests of one repeated digit: placeholders, not a file's digest"
            }
            Class::Duplicate => "listed by more than one file",
            Class::Expired => {
                "expired (valid_until before today): left out of sweeps unless --include-expired"
            }
            Class::NotYetValid => {
                "not yet valid (valid_from after now): a wrong date in the file? swept all the same"
            }
            Class::Revoked => "revoked: left out of sweeps",
        }
    }
}

/// One indicator that needs a look, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Why.
    pub class: Class,
    /// The kind of the indicator.
    pub kind: Kind,
    /// The indicator as loaded.
    pub value: String,
    /// Where it came from.
    pub sources: Vec<String>,
    /// A detail, such as the special range it overlaps.
    pub detail: Option<String>,
}

/// What loaded from one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileAccount {
    /// The file.
    pub file: String,
    /// The format detected, or `None` if the file could not be read.
    pub format: Option<Format>,
    /// Entries read, repeats included.
    pub values: usize,
    /// Distinct indicators of each kind among them.
    pub kinds: BTreeMap<Kind, usize>,
    /// Entries that did not load (errors naming an entry).
    pub not_loaded: usize,
    /// Warnings about entries.
    pub warnings: usize,
}

/// The outcome of a check.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// One account per file, in load order.
    pub files: Vec<FileAccount>,
    /// Every problem the loader reported.
    pub problems: Vec<Problem>,
    /// Paths met in folder walks and not read (documentation, symbolic
    /// links), with why: named, but no problem with the indicators.
    pub skipped: Vec<Problem>,
    /// Findings, grouped by class in class order, then by kind and value.
    pub findings: Vec<Finding>,
    /// Whether the popular class came from an allowlist.
    pub allowlist: bool,
    /// Errors and warnings counted but not among `problems` (past the
    /// problems a file lists), net of the problems that say so.
    pub unlisted: (isize, isize),
}

impl Report {
    /// Returns the exit status: 2 if anything failed to load, 1 if there
    /// are warnings or findings, 0 if the set is clean.
    pub fn status(&self) -> u8 {
        if self.problems.iter().any(|p| p.severity == Severity::Error) {
            2
        } else if !self.problems.is_empty() || !self.findings.is_empty() {
            1
        } else {
            0
        }
    }
}

/// Returns the shipped popular list as an allowlist.
pub fn popular() -> Allowlist {
    let mut l = Loader::new(crate::load::LoadOptions::default());
    l.add_bytes("popular.txt".into(), POPULAR.as_bytes());
    Allowlist::new(&l.finish().set)
}

/// Checks a loaded set now; see [`check_at`].
pub fn check(
    loaded: &Loaded,
    retired: &[Retired],
    allow: Option<&Allowlist>,
) -> Report {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    check_at(loaded, retired, allow, now)
}

/// Checks a loaded set at `now` (Unix seconds). `retired` is what
/// [`Loaded::retain_current`] left out of it; `allow` is the user's
/// allowlist, or `None` to use the shipped popular list.
pub fn check_at(
    loaded: &Loaded,
    retired: &[Retired],
    allow: Option<&Allowlist>,
    now: i64,
) -> Report {
    let shipped;
    let list = match allow {
        Some(a) => a,
        None => {
            shipped = popular();
            &shipped
        }
    };
    let mut findings = Vec::new();
    for (_, ind) in loaded.set.iter() {
        classify(ind, list, allow.is_some(), &mut findings);
        let future = |s: &Source| s.meta.valid_from.is_some_and(|f| f > now);
        if !ind.sources.is_empty() && ind.sources.iter().all(future) {
            findings.push(finding(Class::NotYetValid, ind, None));
        }
    }
    for r in retired {
        let class = match r.why {
            Retirement::Revoked => Class::Revoked,
            _ => Class::Expired,
        };
        findings.push(finding(class, &r.indicator, None));
        classify(&r.indicator, list, allow.is_some(), &mut findings);
    }
    findings.sort_by(|a, b| {
        (a.class, a.kind, &a.value).cmp(&(b.class, b.kind, &b.value))
    });
    Report {
        files: accounts(loaded, retired),
        problems: loaded
            .problems
            .iter()
            .filter(|p| !is_skip(loaded, p))
            .cloned()
            .collect(),
        skipped: loaded
            .problems
            .iter()
            .filter(|p| is_skip(loaded, p))
            .cloned()
            .collect(),
        findings,
        allowlist: allow.is_some(),
        unlisted: loaded
            .files
            .iter()
            .map(|r| r.unlisted())
            .fold((0, 0), |(e, w), (re, rw)| (e + re, w + rw)),
    }
}

/// Whether a problem is about a path a folder walk met and did not
/// read (a warning about no file that was read).
fn is_skip(loaded: &Loaded, p: &crate::load::Problem) -> bool {
    p.severity == Severity::Warning
        && p.at.is_none()
        && (p.message.starts_with("skipped: ")
            || !loaded.files.iter().any(|f| f.file == p.file))
}

/// Adds the findings about one indicator.
fn classify(
    ind: &Indicator,
    list: &Allowlist,
    by_allowlist: bool,
    out: &mut Vec<Finding>,
) {
    let v = &ind.value;
    if let Some((class, detail)) = special(v) {
        out.push(finding(class, ind, Some(detail)));
    }
    if let Value::Cidr(n) = v {
        let broad = match n {
            IpNet::V4(n) => n.prefix_len() <= BROAD_V4,
            IpNet::V6(n) => n.prefix_len() <= BROAD_V6,
        };
        if broad {
            let d = format!("{} addresses", range_size(n));
            out.push(finding(Class::Broad, ind, Some(d)));
        }
    }
    let listed = if by_allowlist { list.covers(v) } else { list.lists(v) };
    if listed {
        out.push(finding(Class::Popular, ind, None));
    }
    if let Value::String(s) | Value::Filename(s) = v {
        if s.chars().count() < MIN_LEN {
            out.push(finding(Class::Short, ind, None));
        }
    }
    if let Value::Hash(h) = v {
        if EMPTY_DIGESTS.contains(&h.as_str()) {
            out.push(finding(Class::EmptyHash, ind, None));
        }
        let first = h.as_bytes().first();
        if h.bytes().all(|b| Some(&b) == first) {
            out.push(finding(Class::PlaceholderHash, ind, None));
        }
    }
    let mut files: Vec<&str> = ind.sources.iter().map(|s| &*s.file).collect();
    files.dedup();
    files.sort_unstable();
    files.dedup();
    if files.len() > 1 {
        let d = format!("{} files", files.len());
        out.push(finding(Class::Duplicate, ind, Some(d)));
    }
}

fn finding(class: Class, ind: &Indicator, detail: Option<String>) -> Finding {
    Finding {
        class,
        kind: ind.kind(),
        value: ind.value.to_string(),
        sources: ind.sources.iter().map(ToString::to_string).collect(),
        detail,
    }
}

/// The MD5, SHA-1, SHA-256 and SHA-512 digests of zero bytes.
pub const EMPTY_DIGESTS: [&str; 4] = [
    "d41d8cd98f00b204e9800998ecf8427e",
    "da39a3ee5e6b4b0d3255bfef95601890afd80709",
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce\
     47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
];

/// Returns the number of addresses in a range, written for people.
fn range_size(n: &IpNet) -> String {
    let host_bits = u32::from(n.max_prefix_len() - n.prefix_len());
    if host_bits < 64 {
        (1u64 << host_bits).to_string()
    } else {
        format!("2^{host_bits}")
    }
}

/// The special-purpose blocks, with their class.
fn special_blocks() -> Vec<(IpNet, Class)> {
    const V4: &[(Ipv4Addr, u8, Class)] = &[
        (Ipv4Addr::new(10, 0, 0, 0), 8, Class::Private),
        (Ipv4Addr::new(172, 16, 0, 0), 12, Class::Private),
        (Ipv4Addr::new(192, 168, 0, 0), 16, Class::Private),
        (Ipv4Addr::new(100, 64, 0, 0), 10, Class::Private),
        (Ipv4Addr::new(127, 0, 0, 0), 8, Class::Loopback),
        (Ipv4Addr::new(169, 254, 0, 0), 16, Class::LinkLocal),
        (Ipv4Addr::new(224, 0, 0, 0), 4, Class::Multicast),
        (Ipv4Addr::new(0, 0, 0, 0), 8, Class::Reserved),
        (Ipv4Addr::new(240, 0, 0, 0), 4, Class::Reserved),
        (Ipv4Addr::new(198, 18, 0, 0), 15, Class::Reserved),
        (Ipv4Addr::new(192, 0, 2, 0), 24, Class::Documentation),
        (Ipv4Addr::new(198, 51, 100, 0), 24, Class::Documentation),
        (Ipv4Addr::new(203, 0, 113, 0), 24, Class::Documentation),
    ];
    const V6: &[(Ipv6Addr, u8, Class)] = &[
        (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7, Class::Private),
        (Ipv6Addr::LOCALHOST, 128, Class::Loopback),
        (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, Class::LinkLocal),
        (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, Class::Multicast),
        (Ipv6Addr::UNSPECIFIED, 128, Class::Reserved),
        (
            Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
            32,
            Class::Documentation,
        ),
        (Ipv6Addr::new(0x3fff, 0, 0, 0, 0, 0, 0, 0), 20, Class::Documentation),
    ];
    let v4 = V4.iter().map(|&(a, l, c)| {
        (IpNet::V4(Ipv4Net::new(a, l).expect("valid block")), c)
    });
    let v6 = V6.iter().map(|&(a, l, c)| {
        (IpNet::V6(Ipv6Net::new(a, l).expect("valid block")), c)
    });
    v4.chain(v6).collect()
}

/// Returns the special-purpose block an address lies in or a range
/// overlaps, if any, with the block written out.
pub fn special(v: &Value) -> Option<(Class, String)> {
    let net = match v {
        Value::Ipv4(a, _) => IpNet::from(IpAddr::V4(*a)),
        Value::Ipv6(a, _) => IpNet::from(IpAddr::V6(*a)),
        Value::Cidr(n) => *n,
        Value::Domain(d) => return documentation_domain(d),
        // A URL and an e-mail address are classed by their host and
        // domain: `http://example.com/x` copied a sample as surely as
        // `example.com` did.
        Value::Url(u) => return special(&host_value(&u.host)),
        Value::Email(e) => {
            let domain = e.rsplit_once('@').map_or("", |(_, d)| d);
            return documentation_domain(domain);
        }
        _ => return None,
    };
    special_blocks().into_iter().find_map(|(block, class)| {
        let overlaps =
            block.contains(&net.network()) || net.contains(&block.network());
        let same_family = family(&block) == family(&net);
        (overlaps && same_family).then(|| (class, block.to_string()))
    })
}

/// Returns a URL's host (a domain, an IPv4 address or `[v6]`) as the
/// value it would be alone.
fn host_value(host: &str) -> Value {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    match bare.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => Value::Ipv4(a, None),
        Ok(IpAddr::V6(a)) => Value::Ipv6(a, None),
        Err(_) => Value::Domain(host.to_string()),
    }
}

/// The domains RFC 2606 reserves for examples that are registered and
/// answer (IANA's): an advisory that lists one copied a sample. The
/// reserved top-level names (`.example`, `.test`, `.invalid`) never
/// resolve, so they cannot reach a log and are left alone.
const DOCUMENTATION_DOMAINS: [&str; 3] =
    ["example.com", "example.net", "example.org"];

/// Returns the documentation domain `d` is or lies under, if any.
fn documentation_domain(d: &str) -> Option<(Class, String)> {
    DOCUMENTATION_DOMAINS.iter().find_map(|base| {
        let under = d.len() > base.len()
            && d.ends_with(base)
            && d.as_bytes()[d.len() - base.len() - 1] == b'.';
        (d == *base || under).then(|| (Class::Documentation, base.to_string()))
    })
}

/// Whether a range is IPv4.
fn family(n: &IpNet) -> bool {
    matches!(n, IpNet::V4(_))
}

/// Accounts for every file: entries, distinct indicators per kind (those
/// a sweep leaves out included), entries not loaded, warnings.
fn accounts(loaded: &Loaded, retired: &[Retired]) -> Vec<FileAccount> {
    let mut files: Vec<FileAccount> = loaded
        .files
        .iter()
        .map(|f| FileAccount {
            file: f.file.to_string(),
            format: f.format,
            values: f.values,
            kinds: BTreeMap::new(),
            not_loaded: f.unlisted_errors,
            // The warning that says how many were not listed is counted
            // with the problems below, and is not one more.
            warnings: f.unlisted_warnings.saturating_sub(f.closing.1),
        })
        .collect();
    let index: BTreeMap<String, usize> =
        files.iter().enumerate().map(|(i, f)| (f.file.clone(), i)).collect();
    let all = loaded
        .set
        .iter()
        .map(|(_, i)| i)
        .chain(retired.iter().map(|r| &r.indicator));
    for ind in all {
        let mut seen: Vec<&str> = Vec::new();
        for s in &ind.sources {
            if seen.contains(&&*s.file) {
                continue;
            }
            seen.push(&s.file);
            if let Some(&i) = index.get(&*s.file) {
                *files[i].kinds.entry(ind.kind()).or_insert(0) += 1;
            }
        }
    }
    for p in &loaded.problems {
        let Some(&i) = index.get(&*p.file) else { continue };
        match p.severity {
            Severity::Error if p.at.is_some() => files[i].not_loaded += 1,
            Severity::Warning => files[i].warnings += 1,
            Severity::Error => {}
        }
    }
    files
}

#[cfg(test)]
mod tests;
