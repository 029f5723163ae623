//! The ways an indicator is planted into a log line, and the near-miss
//! decoys that must not match, each with the token the truth is
//! computed from.

use std::fmt::Write;

use super::iocs::{Kind, dotted, host_mask};
use super::lines::Slot;
use super::oracle::{Oracle, Token, parse_v4};
use super::rng::Rng;
use super::vocab::{self, random_case};

/// How a value is written into a line: a planted hit or a decoy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Form {
    /// An IPv4 indicator between delimiters (`SRC=a`).
    Ipv4,
    /// An IPv4 indicator as `a/port` (Cisco ASA).
    Ipv4SlashPort,
    /// An IPv4 indicator as `a:port`.
    Ipv4ColonPort,
    /// An IPv4 indicator as `a#port` (BIND).
    Ipv4HashPort,
    /// An IPv4 indicator as `a.port` (tcpdump).
    Ipv4DotPort,
    /// An IPv4 indicator as `[a]` (Postfix).
    Ipv4Bracket,
    /// An IPv4 indicator in an address field (Sysmon, Zeek).
    Ipv4Field,
    /// An IPv4 indicator written `::ffff:a`.
    Ipv4Mapped,
    /// An address inside a range indicator.
    CidrMember,
    /// An IPv4 indicator that a range indicator also holds.
    Ipv4InCidr,
    /// An IPv6 indicator in compressed form.
    Ipv6,
    /// An IPv6 indicator written out in full, upper case.
    Ipv6Expanded,
    /// A domain indicator, random case.
    Domain,
    /// A subdomain of a domain indicator, random case.
    Subdomain,
    /// A subdomain of two nested domain indicators.
    NestedDomain,
    /// A URL indicator, scheme and host in random case.
    Url,
    /// A URL indicator followed by a query.
    UrlQuery,
    /// A URL indicator split into host and path fields (Zeek).
    UrlSplit,
    /// An e-mail indicator, random case.
    Email,
    /// An MD5 indicator, random case.
    Md5,
    /// A SHA-1 indicator, random case.
    Sha1,
    /// A SHA-256 indicator, random case.
    Sha256,
    /// A file-name indicator at the end of a path, random case.
    Filename,
    /// Decoy: an IPv4 indicator with a digit appended (`1.2.3.45`).
    DecoyLongerOctet,
    /// Decoy: an IPv4 indicator with a digit prepended (`11.2.3.4`).
    DecoyPrefixedOctet,
    /// Decoy: an IPv4 indicator in a longer dotted run (`1.2.3.4.5.6`).
    DecoyDottedRun,
    /// Decoy: a domain indicator with a longer first label (`notevil.x`).
    DecoyPrefixedLabel,
    /// Decoy: a domain indicator with a hyphenated prefix (`my-evil.x`).
    DecoyHyphenLabel,
    /// Decoy: a domain indicator followed by another label
    /// (`evil.example.org`).
    DecoyParentSuffix,
    /// Decoy: a URL indicator with a longer last path segment (`/ab`).
    DecoyLongerPath,
    /// Decoy: an MD5 indicator inside a longer hex run.
    DecoyLongerHex,
    /// Decoy: an e-mail indicator with a longer local part (`aa@x`).
    DecoyLongerLocal,
    /// Decoy: a file-name indicator with a longer name (`notevil.exe`).
    DecoyPrefixedFile,
}

impl Form {
    /// Every way of planting a hit.
    pub const PLANTS: [Form; 23] = [
        Form::Ipv4,
        Form::Ipv4SlashPort,
        Form::Ipv4ColonPort,
        Form::Ipv4HashPort,
        Form::Ipv4DotPort,
        Form::Ipv4Bracket,
        Form::Ipv4Field,
        Form::Ipv4Mapped,
        Form::CidrMember,
        Form::Ipv4InCidr,
        Form::Ipv6,
        Form::Ipv6Expanded,
        Form::Domain,
        Form::Subdomain,
        Form::NestedDomain,
        Form::Url,
        Form::UrlQuery,
        Form::UrlSplit,
        Form::Email,
        Form::Md5,
        Form::Sha1,
        Form::Sha256,
        Form::Filename,
    ];

    /// Every kind of decoy.
    pub const DECOYS: [Form; 10] = [
        Form::DecoyLongerOctet,
        Form::DecoyPrefixedOctet,
        Form::DecoyDottedRun,
        Form::DecoyPrefixedLabel,
        Form::DecoyHyphenLabel,
        Form::DecoyParentSuffix,
        Form::DecoyLongerPath,
        Form::DecoyLongerHex,
        Form::DecoyLongerLocal,
        Form::DecoyPrefixedFile,
    ];

    /// Whether this form is a decoy (must not match).
    pub fn is_decoy(self) -> bool {
        Form::DECOYS.contains(&self)
    }

    /// Returns the kebab-case name of the form.
    pub fn name(self) -> String {
        let debug = format!("{self:?}");
        let mut out = String::new();
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// Returns the template slot the form is written into.
    pub fn slot(self) -> Slot {
        use Form::*;
        match self {
            Ipv4 | CidrMember | Ipv4InCidr => Slot::Ip,
            DecoyLongerOctet | DecoyPrefixedOctet | DecoyDottedRun => Slot::Ip,
            Ipv4SlashPort => Slot::IpSlashPort,
            Ipv4ColonPort => Slot::IpColonPort,
            Ipv4HashPort => Slot::IpHashPort,
            Ipv4DotPort => Slot::IpDotPort,
            Ipv4Bracket => Slot::IpBracket,
            Ipv4Field | Ipv4Mapped | Ipv6 | Ipv6Expanded => Slot::IpAny,
            Domain | Subdomain | NestedDomain => Slot::Domain,
            DecoyPrefixedLabel | DecoyHyphenLabel | DecoyParentSuffix => {
                Slot::Domain
            }
            Url | UrlQuery | DecoyLongerPath => Slot::Url,
            UrlSplit => Slot::UrlSplit,
            Email | DecoyLongerLocal => Slot::Email,
            Md5 | DecoyLongerHex => Slot::Md5,
            Sha1 => Slot::Sha1,
            Sha256 => Slot::Sha256,
            Filename | DecoyPrefixedFile => Slot::File,
        }
    }
}

/// A value ready to be written: its text and what it means.
pub struct Planted {
    /// The text written into the slot.
    pub text: String,
    /// The token the truth is computed from.
    pub token: Token,
}

/// Makes a value of the given form from the set, or `None` when the set
/// has nothing suitable (decoys are retried until one matches nothing).
pub fn make(form: Form, o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    for _ in 0..64 {
        let Some(p) = attempt(form, o, rng) else { continue };
        if !form.is_decoy() || o.hits(&p.token).is_empty() {
            return Some(p);
        }
    }
    None
}

fn attempt(form: Form, o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    use Form::*;
    match form {
        Ipv4 | Ipv4SlashPort | Ipv4ColonPort | Ipv4HashPort | Ipv4DotPort
        | Ipv4Bracket | Ipv4Field => v4(pick(o, o.of_kind(Kind::Ipv4), rng)?),
        Ipv4Mapped => {
            let p = v4(pick(o, o.of_kind(Kind::Ipv4), rng)?)?;
            let pre = if rng.percent(30) { "::FFFF:" } else { "::ffff:" };
            Some(Planted { text: format!("{pre}{}", p.text), ..p })
        }
        Ipv4InCidr => match pick(o, o.v4_in_cidr(), rng) {
            Some(t) => v4(t),
            None => attempt(CidrMember, o, rng),
        },
        CidrMember => cidr_member(pick(o, o.of_kind(Kind::Cidr), rng)?, rng),
        Ipv6 | Ipv6Expanded => v6(form, pick(o, o.of_kind(Kind::Ipv6), rng)?),
        Domain | Subdomain | NestedDomain => domain(form, o, rng),
        Url | UrlQuery => url(form, pick(o, o.of_kind(Kind::Url), rng)?, rng),
        UrlSplit => url_split(o, rng),
        Email | Md5 | Sha1 | Sha256 | Filename => exact(form, o, rng),
        _ => decoy(form, o, rng),
    }
}

fn pick<'a>(
    o: &Oracle<'a>,
    among: &[usize],
    rng: &mut Rng,
) -> Option<&'a str> {
    if among.is_empty() {
        return None;
    }
    Some(&o.ioc(*rng.pick(among)).text)
}

fn v4(text: &str) -> Option<Planted> {
    let a = parse_v4(text)?;
    Some(Planted { text: text.to_string(), token: Token::V4(a) })
}

fn cidr_member(range: &str, rng: &mut Rng) -> Option<Planted> {
    let (net, len) = range.split_once('/')?;
    let net = parse_v4(net)?;
    let a = net | (rng.next_u64() as u32 & host_mask(len.parse().ok()?));
    Some(Planted { text: dotted(a), token: Token::V4(a) })
}

fn v6(form: Form, text: &str) -> Option<Planted> {
    let a: std::net::Ipv6Addr = text.parse().ok()?;
    let text = if form == Form::Ipv6Expanded {
        let g = a.segments();
        let mut s = String::new();
        for (i, x) in g.iter().enumerate() {
            let sep = if i == 0 { "" } else { ":" };
            let _ = write!(s, "{sep}{x:04X}");
        }
        s
    } else {
        text.to_string()
    };
    Some(Planted { text, token: Token::V6(u128::from(a)) })
}

fn domain(form: Form, o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    let among = match form {
        Form::NestedDomain if !o.nested_domains().is_empty() => {
            o.nested_domains()
        }
        _ => o.of_kind(Kind::Domain),
    };
    let d = pick(o, among, rng)?;
    let name = match form {
        Form::Domain => d.to_string(),
        _ => format!("{}.{d}", rng.pick(&["www", "cdn", "mail", "a.b"])),
    };
    let text = random_case(rng, &name);
    Some(Planted { token: Token::Domain(text.clone()), text })
}

/// Returns where the host of a URL ends (after any port).
fn host_end(u: &str) -> usize {
    let start = u.find("://").map_or(0, |i| i + 3);
    u[start..].find(['/', '?', '#']).map_or(u.len(), |i| i + start)
}

fn url(form: Form, u: &str, rng: &mut Rng) -> Option<Planted> {
    let end = host_end(u);
    let mut text = random_case(rng, &u[..end]) + &u[end..];
    if form == Form::UrlQuery {
        let _ = write!(text, "?id={}&t=1", rng.below(100_000));
    }
    Some(Planted { token: Token::Url(text.clone()), text })
}

fn url_split(o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    for _ in 0..64 {
        let u = pick(o, o.of_kind(Kind::Url), rng)?;
        let Some(rest) = u.strip_prefix("http://") else { continue };
        let Some(slash) = rest.find('/') else { continue };
        let (host, path) = rest.split_at(slash);
        if host.contains(':') {
            continue;
        }
        let host = random_case(rng, host);
        return Some(Planted {
            text: format!("{host}\t{path}"),
            token: Token::Url(format!("http://{host}{path}")),
        });
    }
    None
}

fn exact(form: Form, o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    let kind = match form {
        Form::Email => Kind::Email,
        Form::Md5 => Kind::Md5,
        Form::Sha1 => Kind::Sha1,
        Form::Sha256 => Kind::Sha256,
        _ => Kind::Filename,
    };
    let value = pick(o, o.of_kind(kind), rng)?;
    let text = random_case(rng, value);
    let token = match kind {
        Kind::Email => Token::Email(text.clone()),
        Kind::Filename => Token::File(text.clone()),
        _ => Token::Hex(text.clone()),
    };
    Some(Planted { text, token })
}

fn decoy(form: Form, o: &Oracle, rng: &mut Rng) -> Option<Planted> {
    use Form::*;
    let kind = match form {
        DecoyLongerOctet | DecoyPrefixedOctet | DecoyDottedRun => Kind::Ipv4,
        DecoyPrefixedLabel | DecoyHyphenLabel | DecoyParentSuffix => {
            Kind::Domain
        }
        DecoyLongerPath => Kind::Url,
        DecoyLongerHex => Kind::Md5,
        DecoyLongerLocal => Kind::Email,
        _ => Kind::Filename,
    };
    let base = pick(o, o.of_kind(kind), rng)?;
    let text = match form {
        DecoyLongerOctet => longer_octet(base, rng)?,
        DecoyPrefixedOctet => {
            let first = base.split('.').next()?;
            (first.len() == 2).then(|| format!("1{base}"))?
        }
        DecoyDottedRun => {
            format!("{base}.{}.{}", rng.range(1, 9), rng.range(1, 9))
        }
        DecoyPrefixedLabel => format!("not{base}"),
        DecoyHyphenLabel => format!("my-{base}"),
        DecoyParentSuffix => format!("{base}.{}", rng.pick(vocab::BG_TLDS)),
        DecoyLongerPath => {
            (base.len() > host_end(base)).then(|| format!("{base}x"))?
        }
        DecoyLongerHex => longer_hex(base, rng),
        DecoyLongerLocal => format!("{}{base}", &base[..1]),
        _ => format!("not{base}"),
    };
    Some(Planted { token: decoy_token(form, &text), text })
}

fn longer_octet(base: &str, rng: &mut Rng) -> Option<String> {
    let last: u32 = base.rsplit('.').next()?.parse().ok()?;
    if !(1..=25).contains(&last) {
        return None;
    }
    let max = (255 - last * 10).min(9);
    Some(format!("{base}{}", rng.range(0, u64::from(max))))
}

fn longer_hex(base: &str, rng: &mut Rng) -> String {
    let mut extra = Vec::new();
    vocab::put_hex(&mut extra, rng, 4, false);
    let extra = String::from_utf8(extra).expect("hex is ASCII");
    let h = random_case(rng, base);
    if rng.percent(50) { format!("{extra}{h}") } else { format!("{h}{extra}") }
}

fn decoy_token(form: Form, text: &str) -> Token {
    use Form::*;
    match form {
        DecoyLongerOctet | DecoyPrefixedOctet => {
            parse_v4(text).map_or(Token::Nothing, Token::V4)
        }
        DecoyDottedRun => Token::Nothing,
        DecoyPrefixedLabel | DecoyHyphenLabel | DecoyParentSuffix => {
            Token::Domain(text.to_string())
        }
        DecoyLongerPath => Token::Url(text.to_string()),
        DecoyLongerHex => Token::Hex(text.to_string()),
        DecoyLongerLocal => Token::Email(text.to_string()),
        _ => Token::File(text.to_string()),
    }
}
