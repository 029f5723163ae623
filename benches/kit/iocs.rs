//! Generates indicator sets of any size with the mix of kinds an
//! advisory feed has, and writes them as the lists each tool reads.
//!
//! The stream is prefix-stable: the first 10,000 indicators of a
//! 100,000-indicator set with the same seed are the 10,000-indicator set.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::net::Ipv6Addr;
use std::path::Path;

use super::rng::Rng;
use super::vocab::{self, put_hex};

/// The indicator kinds the kit generates, named as hit records name them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// An IPv4 address.
    Ipv4,
    /// An IPv4 range, /16 to /30.
    Cidr,
    /// An IPv6 address.
    Ipv6,
    /// A domain name (matches its subdomains too).
    Domain,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// An MD5 digest.
    Md5,
    /// A SHA-1 digest.
    Sha1,
    /// A SHA-256 digest.
    Sha256,
    /// A file name.
    Filename,
}

impl Kind {
    /// Every kind, with its share of a generated set in per mille.
    pub const MIX: [(Kind, u64); 10] = [
        (Kind::Ipv4, 400),
        (Kind::Cidr, 30),
        (Kind::Ipv6, 20),
        (Kind::Domain, 300),
        (Kind::Url, 80),
        (Kind::Email, 30),
        (Kind::Md5, 40),
        (Kind::Sha1, 40),
        (Kind::Sha256, 40),
        (Kind::Filename, 20),
    ];

    /// Returns the name hit records use for this kind.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Ipv4 => "ipv4",
            Kind::Cidr => "cidr",
            Kind::Ipv6 => "ipv6",
            Kind::Domain => "domain",
            Kind::Url => "url",
            Kind::Email => "email",
            Kind::Md5 => "md5",
            Kind::Sha1 => "sha1",
            Kind::Sha256 => "sha256",
            Kind::Filename => "filename",
        }
    }
}

/// The kinds of the first indicators of every set, so that even a tiny
/// set holds every kind, a range with an address inside it and a domain
/// nested in another.
const FIRST: [Kind; 11] = [
    Kind::Cidr,
    Kind::Ipv4,
    Kind::Domain,
    Kind::Domain,
    Kind::Ipv6,
    Kind::Url,
    Kind::Email,
    Kind::Md5,
    Kind::Sha1,
    Kind::Sha256,
    Kind::Filename,
];

/// One generated indicator, in its normalised text form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ioc {
    /// What kind of indicator this is.
    pub kind: Kind,
    /// The normalised value, as iocsweep reports it.
    pub text: String,
}

/// Generates the first `n` indicators of the stream for `seed`.
pub fn generate(seed: u64, n: usize) -> Vec<Ioc> {
    let mut g = Generator {
        rng: Rng::new(seed).fork(1),
        seen: HashSet::with_capacity(n),
        cidrs: Vec::new(),
        domains: Vec::new(),
        ipv4s: 0,
    };
    (0..n).map(|i| g.next(i)).collect()
}

struct Generator {
    rng: Rng,
    seen: HashSet<String>,
    cidrs: Vec<(u32, u8)>,
    domains: Vec<String>,
    ipv4s: usize,
}

impl Generator {
    fn next(&mut self, i: usize) -> Ioc {
        let kind = match FIRST.get(i) {
            Some(&k) => k,
            None => self.pick_kind(),
        };
        loop {
            let text = self.make(kind);
            if self.seen.insert(text.clone()) {
                self.remember(kind, &text);
                return Ioc { kind, text };
            }
        }
    }

    fn pick_kind(&mut self) -> Kind {
        let mut r = self.rng.below(1000);
        for (kind, share) in Kind::MIX {
            if r < share {
                return kind;
            }
            r -= share;
        }
        Kind::Ipv4
    }

    fn remember(&mut self, kind: Kind, text: &str) {
        match kind {
            Kind::Ipv4 => self.ipv4s += 1,
            Kind::Domain => self.domains.push(text.to_string()),
            _ => {}
        }
    }

    fn make(&mut self, kind: Kind) -> String {
        match kind {
            Kind::Ipv4 => self.ipv4(),
            Kind::Cidr => self.cidr(),
            Kind::Ipv6 => self.ipv6(),
            Kind::Domain => self.domain(),
            Kind::Url => self.url(),
            Kind::Email => self.email(),
            Kind::Md5 => self.hex(32),
            Kind::Sha1 => self.hex(40),
            Kind::Sha256 => self.hex(64),
            Kind::Filename => self.filename(),
        }
    }

    fn ipv4(&mut self) -> String {
        let inside =
            !self.cidrs.is_empty() && (self.ipv4s == 0 || self.rng.percent(5));
        let r = self.rng.next_u64() as u32;
        let a = if inside {
            let (net, len) = *self.rng.pick(&self.cidrs);
            net | (r & host_mask(len))
        } else {
            let o = u32::from(*self.rng.pick(vocab::IOC_V4_OCTETS));
            (o << 24) | (r & 0x00ff_ffff)
        };
        dotted(a)
    }

    fn cidr(&mut self) -> String {
        let len = self.rng.range(16, 30) as u8;
        let o = u32::from(*self.rng.pick(vocab::CIDR_V4_OCTETS));
        let net = ((o << 24) | (self.rng.next_u64() as u32 & 0x00ff_ffff))
            & !host_mask(len);
        self.cidrs.push((net, len));
        format!("{}/{len}", dotted(net))
    }

    fn ipv6(&mut self) -> String {
        let mut g = [0u16; 8];
        g[0] = *self.rng.pick(vocab::IOC_V6_PREFIXES);
        for x in &mut g[1..] {
            *x = self.rng.next_u64() as u16;
            if self.rng.percent(15) {
                *x &= 0xff;
            }
        }
        if self.rng.percent(70) {
            let start = self.rng.range(2, 6) as usize;
            let end = (start + self.rng.range(1, 4) as usize).min(8);
            g[start..end].fill(0);
        }
        Ipv6Addr::from(g).to_string()
    }

    fn label(&mut self) -> String {
        let mut s = String::new();
        for _ in 0..self.rng.range(2, 3) {
            let syllable = *self.rng.pick(vocab::IOC_SYLLABLES);
            s.push_str(syllable);
        }
        if self.rng.percent(30) {
            s.push_str(&self.rng.below(100).to_string());
        }
        s
    }

    fn domain(&mut self) -> String {
        let nested = !self.domains.is_empty()
            && (self.domains.len() == 1 || self.rng.percent(8));
        if nested {
            let parent = self.rng.pick(&self.domains).clone();
            return format!("{}.{parent}", self.label());
        }
        let mut name = self.label();
        if self.rng.percent(30) {
            name = format!("{name}-{}", self.label());
        }
        format!("{name}.{}", self.rng.pick(vocab::IOC_DOMAIN_TLDS))
    }

    fn url(&mut self) -> String {
        let scheme = if self.rng.percent(70) { "http" } else { "https" };
        let mut host = self.label();
        if self.rng.percent(30) {
            host = format!("{}.{host}", self.label());
        }
        let tld = self.rng.pick(vocab::IOC_URL_TLDS);
        let port = if self.rng.percent(5) { ":8080" } else { "" };
        let mut url = format!("{scheme}://{host}.{tld}{port}");
        if self.rng.percent(85) {
            url.push('/');
            let word = *self.rng.pick(vocab::IOC_URL_WORDS);
            url.push_str(word);
            self.url_tail(&mut url);
        }
        url
    }

    fn url_tail(&mut self, url: &mut String) {
        match self.rng.below(3) {
            0 => {}
            1 => url.push_str(&format!("/{}.php", self.label())),
            _ => {
                let upper = self.rng.percent(30);
                let mut b = vec![b'/'];
                put_hex(&mut b, &mut self.rng, 10, upper);
                url.push_str(std::str::from_utf8(&b).expect("hex is ASCII"));
            }
        }
    }

    fn email(&mut self) -> String {
        let mut local = self.label();
        if self.rng.percent(30) {
            local = format!("{local}.{}", self.label());
        }
        let host = self.label();
        format!("{local}@{host}.{}", self.rng.pick(vocab::IOC_EMAIL_TLDS))
    }

    fn hex(&mut self, n: usize) -> String {
        let mut b = Vec::with_capacity(n);
        put_hex(&mut b, &mut self.rng, n, false);
        String::from_utf8(b).expect("hex is ASCII")
    }

    fn filename(&mut self) -> String {
        let ext = self.rng.pick(vocab::IOC_FILE_EXTS);
        format!("{}.{ext}", self.label())
    }
}

/// Returns the host bits of a prefix length as a mask.
pub fn host_mask(len: u8) -> u32 {
    u32::MAX.checked_shr(u32::from(len)).unwrap_or(0)
}

/// Returns an IPv4 address in dotted form.
pub fn dotted(a: u32) -> String {
    let o = a.to_be_bytes();
    format!("{}.{}.{}.{}", o[0], o[1], o[2], o[3])
}

/// Writes `iocs.txt`, `iocs.literal.txt` and `iocs.grepcidr.txt` into
/// `dir`.
///
/// # Errors
///
/// Returns any error from creating or writing the files.
pub fn write_lists(dir: &Path, iocs: &[Ioc], seed: u64) -> io::Result<()> {
    let header = format!(
        "# iocsweep bench indicators: {} values, seed {seed}",
        iocs.len()
    );
    write_list(&dir.join("iocs.txt"), Some(&header), iocs, |_| true)?;
    write_list(&dir.join("iocs.literal.txt"), None, iocs, |k| {
        k != Kind::Cidr
    })?;
    write_list(&dir.join("iocs.grepcidr.txt"), None, iocs, |k| {
        matches!(k, Kind::Ipv4 | Kind::Cidr)
    })
}

fn write_list(
    path: &Path,
    header: Option<&str>,
    iocs: &[Ioc],
    keep: impl Fn(Kind) -> bool,
) -> io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    if let Some(h) = header {
        writeln!(w, "{h}")?;
    }
    for ioc in iocs.iter().filter(|i| keep(i.kind)) {
        writeln!(w, "{}", ioc.text)?;
    }
    w.flush()
}
