//! The vocabularies the corpus is drawn from, split so that background
//! values can never match an indicator.
//!
//! Indicators and background use disjoint address blocks (by first
//! octet), disjoint top-level domains and disjoint file names; the
//! functions here write background values only.

use std::io::Write;

use super::rng::Rng;

/// First octets of IPv4 indicators.
pub const IOC_V4_OCTETS: &[u8] =
    &[37, 45, 62, 77, 89, 91, 103, 146, 176, 185, 193, 194, 212, 217];
/// First octets of CIDR indicators (and the addresses planted inside).
pub const CIDR_V4_OCTETS: &[u8] = &[5, 31, 46, 109, 141, 188];
/// First octets of public background addresses.
pub const BG_V4_OCTETS: &[u8] = &[8, 13, 20, 34, 52, 104, 142, 151, 157, 199];
/// First 16 bits of IPv6 indicators (background uses 2001:db8 and fe80).
pub const IOC_V6_PREFIXES: &[u16] = &[0x2a01, 0x2a03, 0x2a05, 0x2a0b, 0x2a0e];

/// Syllables that build indicator names; background words use none of
/// these top-level domains, so no background name can match.
pub const IOC_SYLLABLES: &[&str] = &[
    "zor", "vex", "qua", "jix", "kry", "plo", "xan", "tuv", "wex", "yar",
    "gli", "dro", "fen", "hul", "mok", "snu", "bex", "cyr", "dax", "ewo",
    "fiz", "gor", "hax", "ivo", "jul", "kaz", "lox", "miv", "nuz", "oxa",
];
/// Top-level domains of domain indicators.
pub const IOC_DOMAIN_TLDS: &[&str] =
    &["top", "xyz", "icu", "buzz", "cyou", "sbs", "cfd", "bond"];
/// Top-level domains of the hosts in URL indicators.
pub const IOC_URL_TLDS: &[&str] = &["info", "biz", "pw", "cc"];
/// Top-level domains of e-mail indicators.
pub const IOC_EMAIL_TLDS: &[&str] = &["ru", "su", "ws"];
/// Extensions of file-name indicators.
pub const IOC_FILE_EXTS: &[&str] =
    &["exe", "dll", "ps1", "bat", "scr", "vbs", "hta"];
/// Path words of URL indicators.
pub const IOC_URL_WORDS: &[&str] = &[
    "gate", "panel", "upd", "load", "dl", "c2", "beacon", "Submit", "wp-inc",
];

/// Top-level domains of background names (disjoint from the above).
pub const BG_TLDS: &[&str] = &["com", "net", "org", "io", "de", "local"];
const BG_WORDS: &[&str] = &[
    "google",
    "microsoft",
    "windowsupdate",
    "akamai",
    "cloudflare",
    "github",
    "example",
    "contoso",
    "fabrikam",
    "office",
    "amazonaws",
    "apple",
    "mozilla",
    "ubuntu",
    "debian",
    "slack",
    "zoom",
    "okta",
    "salesforce",
    "adobe",
    "dropbox",
    "linkedin",
    "wikipedia",
    "yahoo",
    "bing",
    "corp",
];
const BG_SUBS: &[&str] = &[
    "www",
    "api",
    "cdn",
    "mail",
    "login",
    "static",
    "images",
    "update",
    "dl",
    "edge",
    "v10",
    "eu-west-1",
    "s3",
    "ocsp",
    "time",
];
const BG_PATHS: &[&str] = &[
    "/",
    "/index.html",
    "/favicon.ico",
    "/static/js/app.3f9a1c.js",
    "/static/css/main.css",
    "/images/logo.png",
    "/search?q=weather&hl=en",
    "/login?next=%2Fhome",
    "/v1/telemetry",
    "/ocsp",
    "/msdownload/update/v3/static/trustedr/en/disallowedcertstl.cab",
    "/wp-json/wp/v2/posts",
];
const BG_USERS: &[&str] = &[
    "alice",
    "bob",
    "carol",
    "dave",
    "erin",
    "frank",
    "grace",
    "heidi",
    "noreply",
    "billing",
    "support",
    "hr",
    "it-helpdesk",
];
/// Background program paths for Sysmon (JSON-escaped backslashes).
pub const BG_IMAGES: &[&str] = &[
    "C:\\\\Windows\\\\System32\\\\svchost.exe",
    "C:\\\\Windows\\\\System32\\\\lsass.exe",
    "C:\\\\Windows\\\\explorer.exe",
    "C:\\\\Program Files\\\\Google\\\\Chrome\\\\Application\\\\chrome.exe",
    "C:\\\\Program Files\\\\Microsoft Office\\\\root\\\\Office16\\\\\
     WINWORD.EXE",
    "C:\\\\Windows\\\\System32\\\\WindowsPowerShell\\\\v1.0\\\\powershell.exe",
    "C:\\\\Windows\\\\System32\\\\cmd.exe",
    "C:\\\\Windows\\\\System32\\\\rundll32.exe",
];
/// Background directories that planted file names are put in.
pub const BG_DIRS: &[&str] = &[
    "C:\\\\Users\\\\alice\\\\AppData\\\\Local\\\\Temp",
    "C:\\\\ProgramData",
    "C:\\\\Users\\\\Public\\\\Downloads",
    "C:\\\\Windows\\\\Temp",
];
/// A browser user agent whose version numbers cannot read as addresses.
pub const USER_AGENT: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) \
     AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.127 \
     Safari/537.36";

/// Returns a background IPv4 address (private or from background blocks).
pub fn bg_ipv4(rng: &mut Rng) -> u32 {
    let r = rng.next_u64() as u32;
    match rng.below(4) {
        0 => (10 << 24) | (r & 0x00ff_ffff),
        1 => (172 << 24) | ((16 + (r >> 28)) << 16) | (r & 0xffff),
        2 => (192 << 24) | (168 << 16) | (r & 0xffff),
        _ => (u32::from(*rng.pick(BG_V4_OCTETS)) << 24) | (r & 0x00ff_ffff),
    }
}

/// Writes an IPv4 address in dotted form.
pub fn put_ipv4(out: &mut Vec<u8>, a: u32) {
    let o = a.to_be_bytes();
    let _ = write!(out, "{}.{}.{}.{}", o[0], o[1], o[2], o[3]);
}

/// Writes a random background address.
pub fn put_bg_ipv4(out: &mut Vec<u8>, rng: &mut Rng) {
    let a = bg_ipv4(rng);
    put_ipv4(out, a);
}

/// Writes a background host name such as `cdn.akamai.net`.
pub fn put_bg_domain(out: &mut Vec<u8>, rng: &mut Rng) {
    if rng.percent(60) {
        out.extend_from_slice(rng.pick(BG_SUBS).as_bytes());
        out.push(b'.');
    }
    out.extend_from_slice(rng.pick(BG_WORDS).as_bytes());
    out.push(b'.');
    out.extend_from_slice(rng.pick(BG_TLDS).as_bytes());
}

/// Writes a background URL path (with query, sometimes).
pub fn put_bg_path(out: &mut Vec<u8>, rng: &mut Rng) {
    out.extend_from_slice(rng.pick(BG_PATHS).as_bytes());
}

/// Writes a background e-mail address.
pub fn put_bg_email(out: &mut Vec<u8>, rng: &mut Rng) {
    out.extend_from_slice(rng.pick(BG_USERS).as_bytes());
    out.push(b'@');
    out.extend_from_slice(rng.pick(BG_WORDS).as_bytes());
    out.push(b'.');
    out.extend_from_slice(rng.pick(BG_TLDS).as_bytes());
}

/// Writes `n` random hex digits (lower case, or upper case if asked).
pub fn put_hex(out: &mut Vec<u8>, rng: &mut Rng, n: usize, upper: bool) {
    let digits: &[u8; 16] =
        if upper { b"0123456789ABCDEF" } else { b"0123456789abcdef" };
    let mut bits = 0u64;
    for i in 0..n {
        if i % 16 == 0 {
            bits = rng.next_u64();
        }
        out.push(digits[(bits & 15) as usize]);
        bits >>= 4;
    }
}

/// Writes `n` random letters and digits.
pub fn put_alnum(out: &mut Vec<u8>, rng: &mut Rng, n: usize) {
    const CHARS: &[u8] =
        b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    for _ in 0..n {
        out.push(CHARS[rng.index(CHARS.len())]);
    }
}

/// Returns `s` with the case of each ASCII letter chosen at random
/// (sometimes all lower or all upper, as logs often do).
pub fn random_case(rng: &mut Rng, s: &str) -> String {
    match rng.below(4) {
        0 => s.to_ascii_lowercase(),
        1 => s.to_ascii_uppercase(),
        _ => s
            .chars()
            .map(|c| if rng.percent(50) { c.to_ascii_uppercase() } else { c })
            .collect(),
    }
}
