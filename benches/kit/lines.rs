//! Writes realistic log lines for the six log kinds of the corpus.
//!
//! Each line template asks its [`Cx`] for values by [`Slot`]; the context
//! hands out the planted text for the one slot being planted and
//! background values everywhere else.

use std::io::Write;

use iocsweep::time::Stamp;

use super::rng::Rng;
use super::vocab::{self, put_alnum, put_bg_domain, put_bg_ipv4, put_hex};

/// A place in a line template where an indicator can be planted; the
/// name says how the log writes the value there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// An IPv4 address between delimiters (`SRC=a`, `is a`, `/a `).
    Ip,
    /// An address followed by `/port` (Cisco ASA).
    IpSlashPort,
    /// An address followed by `:port` (Squid CONNECT).
    IpColonPort,
    /// An address followed by `#port` (BIND query log).
    IpHashPort,
    /// An address followed by `.port` (tcpdump).
    IpDotPort,
    /// An address in brackets (Postfix `relay=host[a]:25`).
    IpBracket,
    /// An IPv4 or IPv6 address field (Sysmon, Zeek).
    IpAny,
    /// A host name.
    Domain,
    /// A full URL.
    Url,
    /// A host and a path in two tab-separated fields (Zeek http.log).
    UrlSplit,
    /// An e-mail address in angle brackets (Postfix).
    Email,
    /// The MD5 in Sysmon's `Hashes` field.
    Md5,
    /// The SHA-1 in Sysmon's `Hashes` field.
    Sha1,
    /// The SHA-256 in Sysmon's `Hashes` field.
    Sha256,
    /// The last component of a Windows path.
    File,
}

/// The state a line template draws from.
pub struct Cx<'a> {
    /// The random stream of the file being written.
    pub rng: &'a mut Rng,
    /// The time of the line, in milliseconds since the epoch.
    pub ms: u64,
    plant: Option<(Slot, &'a str)>,
}

impl<'a> Cx<'a> {
    /// Creates a context; `plant` is the slot to fill and its text.
    pub fn new(
        rng: &'a mut Rng,
        ms: u64,
        plant: Option<(Slot, &'a str)>,
    ) -> Self {
        Cx { rng, ms, plant }
    }

    /// Whether the planted text (if any) has been written.
    pub fn planted(&self) -> bool {
        self.plant.is_none()
    }

    fn take(&mut self, slot: Slot) -> Option<&'a str> {
        match self.plant {
            Some((s, text)) if s == slot => {
                self.plant = None;
                Some(text)
            }
            _ => None,
        }
    }

    fn put(
        &mut self,
        out: &mut Vec<u8>,
        slot: Slot,
        bg: fn(&mut Vec<u8>, &mut Rng),
    ) {
        match self.take(slot) {
            Some(t) => out.extend_from_slice(t.as_bytes()),
            None => bg(out, self.rng),
        }
    }

    fn ip(&mut self, out: &mut Vec<u8>, slot: Slot) {
        self.put(out, slot, put_bg_ipv4);
    }

    fn domain(&mut self) -> Vec<u8> {
        let mut d = Vec::with_capacity(40);
        self.put(&mut d, Slot::Domain, put_bg_domain);
        d
    }

    fn num(&mut self, out: &mut Vec<u8>, lo: u64, hi: u64) {
        let n = self.rng.range(lo, hi);
        let _ = write!(out, "{n}");
    }
}

/// A line template.
pub type Template = fn(&mut Cx, &mut Vec<u8>);

/// The six log files of a corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// iptables, Cisco ASA, FortiGate and tcpdump lines.
    Firewall,
    /// BIND query log and dnsmasq lines.
    Dns,
    /// Squid native and combined access log lines.
    Proxy,
    /// Postfix lines.
    Mail,
    /// Sysmon events, one JSON object a line.
    Sysmon,
    /// Zeek conn.log and http.log lines.
    Zeek,
}

impl LogKind {
    /// Every log kind with its share of the corpus in percent.
    pub const ALL: [(LogKind, u64); 6] = [
        (LogKind::Firewall, 25),
        (LogKind::Dns, 20),
        (LogKind::Proxy, 20),
        (LogKind::Mail, 10),
        (LogKind::Sysmon, 15),
        (LogKind::Zeek, 10),
    ];

    /// Returns the file name of this log.
    pub fn file_name(self) -> &'static str {
        match self {
            LogKind::Firewall => "firewall.log",
            LogKind::Dns => "dns.log",
            LogKind::Proxy => "proxy.log",
            LogKind::Mail => "mail.log",
            LogKind::Sysmon => "sysmon.log",
            LogKind::Zeek => "zeek.log",
        }
    }

    /// Returns the templates of this log with the slots each offers.
    pub fn templates(self) -> &'static [(Template, &'static [Slot])] {
        use Slot::*;
        match self {
            LogKind::Firewall => &[
                (iptables, &[Ip]),
                (asa, &[IpSlashPort]),
                (fortigate, &[Ip, Domain]),
                (tcpdump, &[IpDotPort]),
            ],
            LogKind::Dns => &[
                (bind, &[IpHashPort, Domain]),
                (dnsmasq_query, &[Domain]),
                (dnsmasq_reply, &[Domain, Ip]),
            ],
            LogKind::Proxy => &[
                (squid, &[Url, Domain, Ip]),
                (squid_connect, &[IpColonPort, Ip]),
                (combined, &[Url, Domain, Ip]),
            ],
            LogKind::Mail => &[
                (postfix_from, &[Email]),
                (postfix_to, &[Email, Domain, IpBracket]),
                (postfix_connect, &[Domain, IpBracket]),
            ],
            LogKind::Sysmon => &[
                (sysmon_process, &[File, Md5, Sha1, Sha256]),
                (sysmon_network, &[IpAny, Domain]),
                (sysmon_file, &[File]),
            ],
            LogKind::Zeek => &[
                (zeek_conn, &[IpAny]),
                (zeek_http, &[UrlSplit, Domain, IpAny]),
            ],
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
    "Nov", "Dec",
];

/// A broken-down UTC time.
struct Civil {
    y: i64,
    mo: usize,
    d: u32,
    h: u64,
    mi: u64,
    s: u64,
    ms: u64,
}

fn civil(ms: u64) -> Civil {
    let nanos = (ms % 1000) as u32 * 1_000_000;
    let c = Stamp { secs: (ms / 1000) as i64, nanos }.civil();
    Civil {
        y: c.year,
        mo: c.month as usize,
        d: c.day,
        h: c.hour.into(),
        mi: c.minute.into(),
        s: c.second.into(),
        ms: ms % 1000,
    }
}

fn syslog_time(out: &mut Vec<u8>, ms: u64) {
    let c = civil(ms);
    let m = MONTHS[c.mo - 1];
    let _ = write!(out, "{m} {:2} {:02}:{:02}:{:02}", c.d, c.h, c.mi, c.s);
}

fn iptables(cx: &mut Cx, out: &mut Vec<u8>) {
    syslog_time(out, cx.ms);
    out.extend_from_slice(b" fw01 kernel: [");
    let up = cx.ms / 1000 % 9_000_000;
    let _ = write!(out, "{up}.{:06}] ", cx.rng.below(1_000_000));
    out.extend_from_slice(
        b"IN=eth0 OUT=eth1 MAC=00:1b:21:3a:4f:c2:00:50:56:a1:22:9e:08:00 SRC=",
    );
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(b" DST=");
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(b" LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=");
    cx.num(out, 1, 65535);
    let proto = if cx.rng.percent(80) { "TCP" } else { "UDP" };
    let _ = write!(out, " DF PROTO={proto} SPT=");
    cx.num(out, 1024, 65535);
    out.extend_from_slice(b" DPT=");
    let dpt = *cx.rng.pick(&[443u16, 80, 53, 22, 3389, 445, 8443]);
    let _ = writeln!(out, "{dpt} WINDOW=64240 RES=0x00 SYN URGP=0");
}

fn asa(cx: &mut Cx, out: &mut Vec<u8>) {
    syslog_time(out, cx.ms);
    let id = cx.rng.range(100_000_000, 999_999_999);
    let _ = write!(
        out,
        " asa01 : %ASA-6-302013: Built outbound TCP connection {id} \
         for outside:"
    );
    let mut dst = Vec::with_capacity(16);
    cx.ip(&mut dst, Slot::IpSlashPort);
    let port = *cx.rng.pick(&[443u16, 80, 25, 8080]);
    out.extend_from_slice(&dst);
    let _ = write!(out, "/{port} (");
    out.extend_from_slice(&dst);
    let _ = write!(out, "/{port}) to inside:");
    let src = vocab::bg_ipv4(cx.rng);
    let sport = cx.rng.range(1024, 65535);
    vocab::put_ipv4(out, src);
    let _ = write!(out, "/{sport} (");
    vocab::put_ipv4(out, src);
    let _ = writeln!(out, "/{sport})");
}

fn fortigate(cx: &mut Cx, out: &mut Vec<u8>) {
    let c = civil(cx.ms);
    let _ = write!(
        out,
        "date={}-{:02}-{:02} time={:02}:{:02}:{:02} devname=\"FGT60F-HQ\" \
         devid=\"FGT60FTK21090412\" eventtime={}000000 logid=\"0000000013\" \
         type=\"traffic\" subtype=\"forward\" level=\"notice\" vd=\"root\" \
         srcip=",
        c.y, c.mo, c.d, c.h, c.mi, c.s, cx.ms
    );
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(b" srcport=");
    cx.num(out, 1024, 65535);
    out.extend_from_slice(b" srcintf=\"port1\" dstip=");
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(
        b" dstport=443 dstintf=\"wan1\" proto=6 action=\"accept\" \
          policyid=3 service=\"HTTPS\" hostname=\"",
    );
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.extend_from_slice(b"\" sentbyte=");
    cx.num(out, 40, 900_000);
    out.extend_from_slice(b" rcvdbyte=");
    cx.num(out, 40, 9_000_000);
    out.push(b'\n');
}

fn tcpdump(cx: &mut Cx, out: &mut Vec<u8>) {
    let c = civil(cx.ms);
    let frac = c.ms * 1000 + cx.rng.below(1000);
    let _ = write!(out, "{:02}:{:02}:{:02}.{frac:06} IP ", c.h, c.mi, c.s);
    put_bg_ipv4(out, cx.rng);
    out.push(b'.');
    cx.num(out, 1024, 65535);
    out.extend_from_slice(b" > ");
    cx.ip(out, Slot::IpDotPort);
    let port = *cx.rng.pick(&[443u16, 80, 53, 22]);
    let seq = cx.rng.next_u64() as u32;
    let _ = writeln!(
        out,
        ".{port}: Flags [S], seq {seq}, win 64240, options [mss 1460,\
         sackOK,TS val 3581 ecr 0,nop,wscale 7], length 0"
    );
}

fn bind(cx: &mut Cx, out: &mut Vec<u8>) {
    let c = civil(cx.ms);
    let m = MONTHS[c.mo - 1];
    let _ = write!(
        out,
        "{:02}-{m}-{} {:02}:{:02}:{:02}.{:03} queries: info: client @0x7f",
        c.d, c.y, c.h, c.mi, c.s, c.ms
    );
    put_hex(out, cx.rng, 10, false);
    out.push(b' ');
    cx.ip(out, Slot::IpHashPort);
    out.push(b'#');
    cx.num(out, 1024, 65535);
    let d = cx.domain();
    out.extend_from_slice(b" (");
    out.extend_from_slice(&d);
    out.extend_from_slice(b"): query: ");
    out.extend_from_slice(&d);
    let ty = *cx.rng.pick(&["A", "AAAA", "MX", "TXT", "HTTPS"]);
    let _ = write!(out, " IN {ty} +E(0)K (");
    put_bg_ipv4(out, cx.rng);
    out.extend_from_slice(b")\n");
}

fn dnsmasq_head(cx: &mut Cx, out: &mut Vec<u8>) {
    syslog_time(out, cx.ms);
    out.extend_from_slice(b" gw dnsmasq[812]: ");
}

fn dnsmasq_query(cx: &mut Cx, out: &mut Vec<u8>) {
    dnsmasq_head(cx, out);
    let ty = *cx.rng.pick(&["A", "AAAA", "HTTPS"]);
    let _ = write!(out, "query[{ty}] ");
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.extend_from_slice(b" from ");
    put_bg_ipv4(out, cx.rng);
    out.push(b'\n');
}

fn dnsmasq_reply(cx: &mut Cx, out: &mut Vec<u8>) {
    dnsmasq_head(cx, out);
    out.extend_from_slice(b"reply ");
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.extend_from_slice(b" is ");
    cx.ip(out, Slot::Ip);
    out.push(b'\n');
}

fn squid_head(cx: &mut Cx, out: &mut Vec<u8>, status: &str) {
    let _ = write!(out, "{}.{:03} ", cx.ms / 1000, cx.ms % 1000);
    let _ = write!(out, "{:6} ", cx.rng.range(1, 30_000));
    put_bg_ipv4(out, cx.rng);
    let _ = write!(out, " {status} ");
    cx.num(out, 200, 2_000_000);
}

fn squid(cx: &mut Cx, out: &mut Vec<u8>) {
    squid_head(cx, out, "TCP_MISS/200");
    out.extend_from_slice(b" GET ");
    url(cx, out);
    out.extend_from_slice(b" - HIER_DIRECT/");
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(b" text/html\n");
}

/// Writes a URL: the planted URL, or a background path on a planted or
/// background host.
fn url(cx: &mut Cx, out: &mut Vec<u8>) {
    if let Some(u) = cx.take(Slot::Url) {
        out.extend_from_slice(u.as_bytes());
        return;
    }
    let scheme = if cx.rng.percent(30) { "https" } else { "http" };
    let _ = write!(out, "{scheme}://");
    let d = cx.domain();
    out.extend_from_slice(&d);
    vocab::put_bg_path(out, cx.rng);
}

fn squid_connect(cx: &mut Cx, out: &mut Vec<u8>) {
    squid_head(cx, out, "TCP_TUNNEL/200");
    out.extend_from_slice(b" CONNECT ");
    cx.ip(out, Slot::IpColonPort);
    out.extend_from_slice(b":443 - HIER_DIRECT/");
    cx.ip(out, Slot::Ip);
    out.extend_from_slice(b" -\n");
}

fn combined(cx: &mut Cx, out: &mut Vec<u8>) {
    cx.ip(out, Slot::Ip);
    let c = civil(cx.ms);
    let m = MONTHS[c.mo - 1];
    let _ = write!(
        out,
        " - - [{:02}/{m}/{}:{:02}:{:02}:{:02} +0000] \"GET ",
        c.d, c.y, c.h, c.mi, c.s
    );
    vocab::put_bg_path(out, cx.rng);
    out.extend_from_slice(b" HTTP/1.1\" 200 ");
    cx.num(out, 200, 90_000);
    out.extend_from_slice(b" \"");
    url(cx, out);
    let _ = writeln!(out, "\" \"{}\"", vocab::USER_AGENT);
}

fn postfix_head(cx: &mut Cx, out: &mut Vec<u8>, daemon: &str) {
    syslog_time(out, cx.ms);
    let pid = cx.rng.range(1000, 60_000);
    let _ = write!(out, " mx1 postfix/{daemon}[{pid}]: ");
    put_alnum(out, cx.rng, 15);
    out.extend_from_slice(b": ");
}

fn email(cx: &mut Cx, out: &mut Vec<u8>) {
    cx.put(out, Slot::Email, vocab::put_bg_email);
}

fn postfix_from(cx: &mut Cx, out: &mut Vec<u8>) {
    postfix_head(cx, out, "qmgr");
    out.extend_from_slice(b"from=<");
    email(cx, out);
    out.extend_from_slice(b">, size=");
    cx.num(out, 900, 9_000_000);
    out.extend_from_slice(b", nrcpt=1 (queue active)\n");
}

fn postfix_to(cx: &mut Cx, out: &mut Vec<u8>) {
    postfix_head(cx, out, "smtp");
    out.extend_from_slice(b"to=<");
    email(cx, out);
    out.extend_from_slice(b">, relay=");
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.push(b'[');
    cx.ip(out, Slot::IpBracket);
    let d1 = cx.rng.below(100);
    let _ = writeln!(
        out,
        "]:25, delay=1.{d1}, delays=0.1/0/0.{d1}/0.6, dsn=2.0.0, \
         status=sent (250 2.0.0 Ok: queued as {:X})",
        cx.rng.next_u64() >> 24
    );
}

fn postfix_connect(cx: &mut Cx, out: &mut Vec<u8>) {
    syslog_time(out, cx.ms);
    let pid = cx.rng.range(1000, 60_000);
    let _ = write!(out, " mx1 postfix/smtpd[{pid}]: connect from ");
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.push(b'[');
    cx.ip(out, Slot::IpBracket);
    out.extend_from_slice(b"]\n");
}

fn sysmon_head(cx: &mut Cx, out: &mut Vec<u8>, event: u32) {
    let c = civil(cx.ms);
    let _ = write!(
        out,
        "{{\"EventID\":{event},\"Computer\":\"WS-{:04}.corp.contoso.com\",\
         \"UtcTime\":\"{}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}\",\
         \"ProcessGuid\":\"{{",
        cx.rng.below(5000),
        c.y,
        c.mo,
        c.d,
        c.h,
        c.mi,
        c.s,
        c.ms
    );
    put_hex(out, cx.rng, 8, false);
    out.extend_from_slice(b"-6a1f-6659-1a00-00000000");
    put_hex(out, cx.rng, 4, false);
    out.extend_from_slice(b"}\",\"ProcessId\":");
    cx.num(out, 4, 60_000);
}

/// Writes a Windows path: a background program, or a planted file name
/// in a background folder.
fn image(cx: &mut Cx, out: &mut Vec<u8>) {
    match cx.take(Slot::File) {
        Some(f) => {
            out.extend_from_slice(cx.rng.pick(vocab::BG_DIRS).as_bytes());
            out.extend_from_slice(b"\\\\");
            out.extend_from_slice(f.as_bytes());
        }
        None => {
            out.extend_from_slice(cx.rng.pick(vocab::BG_IMAGES).as_bytes())
        }
    }
}

fn hash(cx: &mut Cx, out: &mut Vec<u8>, slot: Slot, n: usize) {
    match cx.take(slot) {
        Some(h) => out.extend_from_slice(h.as_bytes()),
        None => {
            let upper = cx.rng.percent(50);
            put_hex(out, cx.rng, n, upper);
        }
    }
}

fn sysmon_process(cx: &mut Cx, out: &mut Vec<u8>) {
    sysmon_head(cx, out, 1);
    out.extend_from_slice(b",\"Image\":\"");
    let mut img = Vec::with_capacity(80);
    image(cx, &mut img);
    out.extend_from_slice(&img);
    out.extend_from_slice(b"\",\"CommandLine\":\"\\\"");
    out.extend_from_slice(&img);
    out.extend_from_slice(
        b"\\\" -k netsvcs -p\",\"User\":\"CORP\\\\alice\",\"Hashes\":\"SHA1=",
    );
    hash(cx, out, Slot::Sha1, 40);
    out.extend_from_slice(b",MD5=");
    hash(cx, out, Slot::Md5, 32);
    out.extend_from_slice(b",SHA256=");
    hash(cx, out, Slot::Sha256, 64);
    out.extend_from_slice(b",IMPHASH=");
    put_hex(out, cx.rng, 32, true);
    out.extend_from_slice(
        b"\",\"ParentImage\":\"C:\\\\Windows\\\\explorer.exe\"}\n",
    );
}

fn sysmon_network(cx: &mut Cx, out: &mut Vec<u8>) {
    sysmon_head(cx, out, 3);
    out.extend_from_slice(b",\"Image\":\"");
    out.extend_from_slice(cx.rng.pick(vocab::BG_IMAGES).as_bytes());
    out.extend_from_slice(b"\",\"Protocol\":\"tcp\",\"SourceIp\":\"");
    put_bg_ipv4(out, cx.rng);
    out.extend_from_slice(b"\",\"SourcePort\":");
    cx.num(out, 1024, 65535);
    out.extend_from_slice(b",\"DestinationIp\":\"");
    ip_any(cx, out);
    out.extend_from_slice(b"\",\"DestinationHostname\":\"");
    let d = cx.domain();
    out.extend_from_slice(&d);
    out.extend_from_slice(b"\",\"DestinationPort\":443}\n");
}

fn sysmon_file(cx: &mut Cx, out: &mut Vec<u8>) {
    sysmon_head(cx, out, 11);
    out.extend_from_slice(b",\"Image\":\"");
    out.extend_from_slice(cx.rng.pick(vocab::BG_IMAGES).as_bytes());
    out.extend_from_slice(b"\",\"TargetFilename\":\"");
    out.extend_from_slice(cx.rng.pick(vocab::BG_DIRS).as_bytes());
    out.extend_from_slice(b"\\\\");
    match cx.take(Slot::File) {
        Some(f) => out.extend_from_slice(f.as_bytes()),
        None => {
            put_hex(out, cx.rng, 8, true);
            out.extend_from_slice(b".tmp");
        }
    }
    out.extend_from_slice(b"\"}\n");
}

/// Writes an IPv4 or IPv6 address field.
fn ip_any(cx: &mut Cx, out: &mut Vec<u8>) {
    if let Some(t) = cx.take(Slot::IpAny) {
        out.extend_from_slice(t.as_bytes());
    } else if cx.rng.percent(10) {
        let g = cx.rng.next_u64();
        let _ = write!(out, "2001:db8:{:x}::{:x}", g >> 48, g & 0xffff);
    } else {
        put_bg_ipv4(out, cx.rng);
    }
}

fn zeek_head(cx: &mut Cx, out: &mut Vec<u8>) {
    let _ = write!(
        out,
        "{}.{:03}{:03}\tC",
        cx.ms / 1000,
        cx.ms % 1000,
        cx.rng.below(1000)
    );
    put_alnum(out, cx.rng, 17);
    out.push(b'\t');
}

fn zeek_conn(cx: &mut Cx, out: &mut Vec<u8>) {
    zeek_head(cx, out);
    put_bg_ipv4(out, cx.rng);
    out.push(b'\t');
    cx.num(out, 1024, 65535);
    out.push(b'\t');
    ip_any(cx, out);
    let dur = cx.rng.below(100_000_000);
    let _ = writeln!(
        out,
        "\t443\ttcp\tssl\t{}.{:06}\t{}\t{}\tSF\tT\tF\t0\tShADadFf\t12\t\
         1290\t10\t7020\t-",
        dur / 1_000_000,
        dur % 1_000_000,
        cx.rng.below(90_000),
        cx.rng.below(900_000)
    );
}

fn zeek_http(cx: &mut Cx, out: &mut Vec<u8>) {
    zeek_head(cx, out);
    put_bg_ipv4(out, cx.rng);
    out.push(b'\t');
    cx.num(out, 1024, 65535);
    out.push(b'\t');
    ip_any(cx, out);
    out.extend_from_slice(b"\t80\t1\tGET\t");
    if let Some(split) = cx.take(Slot::UrlSplit) {
        out.extend_from_slice(split.as_bytes());
    } else {
        let d = cx.domain();
        out.extend_from_slice(&d);
        out.push(b'\t');
        vocab::put_bg_path(out, cx.rng);
    }
    let _ = write!(out, "\t-\t1.1\t{}\t-\t0\t", vocab::USER_AGENT);
    cx.num(out, 200, 900_000);
    out.extend_from_slice(b"\t200\tOK\t-\t-\t(empty)\t-\t-\t-\t-\t-\t-\tF");
    put_alnum(out, cx.rng, 17);
    out.extend_from_slice(b"\t-\ttext/html\n");
}
