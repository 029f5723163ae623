//! Tells which kind of log an input is from its path and first lines.
//!
//! Whole-file marks come first (a Zeek `#path` header, a W3C `#Fields`
//! header, Windows event XML, the EVTX magic). Otherwise each of the
//! first lines is classified on its own and the most common kind wins, so
//! a stray header or banner line does not decide for the file.

/// The Zeek log paths told apart by name, longest first so that
/// `smb_files` is not taken for `files`.
const ZEEK_PATHS: [&str; 24] = [
    "smb_mapping",
    "smb_files",
    "dce_rpc",
    "kerberos",
    "software",
    "tunnel",
    "notice",
    "weird",
    "files",
    "x509",
    "smtp",
    "conn",
    "http",
    "dhcp",
    "ntlm",
    "ntp",
    "rdp",
    "dns",
    "ssl",
    "ssh",
    "ftp",
    "irc",
    "sip",
    "pe",
];

/// How many lines of the head are classified.
const LINES: usize = 40;

/// Returns the kind of log that an input with path (or member name)
/// `path` and first bytes `head` is: `zeek-http`, `bind-query`,
/// `iptables`, `syslog`…; `text` when nothing more is known.
pub fn kind_of(path: &str, head: &[u8]) -> &'static str {
    if head.starts_with(b"ElfFile\0") {
        return "evtx";
    }
    if let Some(k) = zeek_tsv(head) {
        return k;
    }
    if let Some(k) = whole_file(head) {
        return k;
    }
    // Prose about logs quotes them without being one.
    if path.ends_with(".md") {
        return "text";
    }
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    let lines = head
        .split(|b| *b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .filter(|l| !l.starts_with(b"#"))
        .take(LINES);
    for line in lines {
        let k = line_kind(path, line);
        match counts.iter_mut().find(|(c, _)| *c == k) {
            Some((_, n)) => *n += 1,
            None => counts.push((k, 1)),
        }
    }
    // The most common kind, `text` only if nothing else was seen; the
    // first seen wins a tie.
    let best = counts.iter().filter(|(k, _)| *k != "text").fold(
        None,
        |best: Option<(&str, usize)>, &(k, n)| match best {
            Some((_, m)) if m >= n => best,
            _ => Some((k, n)),
        },
    );
    best.map_or("text", |(k, _)| k)
}

/// Returns `zeek-PATH` for a Zeek TSV log: its `#path` header.
fn zeek_tsv(head: &[u8]) -> Option<&'static str> {
    let at = memchr::memmem::find(head, b"\n#path\t")?;
    let rest = &head[at + 7..];
    let end = rest.iter().position(|b| matches!(b, b'\n' | b'\r'))?;
    Some(zeek_kind(&rest[..end]).unwrap_or("zeek"))
}

/// Returns `zeek-NAME` for a known Zeek path.
fn zeek_kind(name: &[u8]) -> Option<&'static str> {
    let i = ZEEK_PATHS.iter().position(|p| p.as_bytes() == name)?;
    Some(ZEEK_KINDS[i])
}

const ZEEK_KINDS: [&str; 24] = [
    "zeek-smb_mapping",
    "zeek-smb_files",
    "zeek-dce_rpc",
    "zeek-kerberos",
    "zeek-software",
    "zeek-tunnel",
    "zeek-notice",
    "zeek-weird",
    "zeek-files",
    "zeek-x509",
    "zeek-smtp",
    "zeek-conn",
    "zeek-http",
    "zeek-dhcp",
    "zeek-ntlm",
    "zeek-ntp",
    "zeek-rdp",
    "zeek-dns",
    "zeek-ssl",
    "zeek-ssh",
    "zeek-ftp",
    "zeek-irc",
    "zeek-sip",
    "zeek-pe",
];

/// Marks that tell for the whole file.
fn whole_file(head: &[u8]) -> Option<&'static str> {
    let has = |s: &[u8]| memchr::memmem::find(head, s).is_some();
    if has(b"#Fields: ") || has(b"#Fields:\t") {
        return Some(if has(b"#Software: Microsoft Exchange") {
            "exchange-tracking"
        } else {
            "w3c"
        });
    }
    let start = strip_bom(head).trim_ascii_start();
    let xml = start.starts_with(b"<?xml")
        || start.starts_with(b"<Events")
        || start.starts_with(b"<Event ");
    if xml && (has(b"<Event xmlns") || has(b"<Events>")) {
        return Some(if has(b"Microsoft-Windows-Sysmon") {
            "sysmon-xml"
        } else {
            "winevent-xml"
        });
    }
    None
}

/// Classifies one line.
fn line_kind(path: &str, line: &[u8]) -> &'static str {
    let has = |s: &[u8]| memchr::memmem::find(line, s).is_some();
    let body = strip_bom(line);
    if body.first() == Some(&b'{') {
        return json_kind(path, body);
    }
    if has(b"CEF:") || starts_pipe_header(body, b"0|") {
        return "cef";
    }
    if has(b"LEEF:") {
        return "leef";
    }
    if has(b" IN=") && has(b" OUT=") && has(b"SRC=") {
        return "iptables";
    }
    if has(b"%ASA-") || has(b"%FTD-") || has(b"%PIX-") {
        return "cisco-asa";
    }
    if has(b"RT_FLOW_") || has(b"[junos@") {
        return "juniper-srx";
    }
    if has(b"filterlog[") || has(b"filterlog:") || is_filterlog_csv(body) {
        return "pf-filterlog";
    }
    if is_paloalto_csv(body) {
        return "paloalto";
    }
    if has(b"logid=") && (has(b"devname=") || has(b"date=")) {
        return "fortigate";
    }
    if has(b"client @0x") || (has(b"client ") && has(b": query: ")) {
        return "bind-query";
    }
    if has(b" PACKET ") && has(b"(0)") {
        return "windows-dns";
    }
    if has(b"dnsmasq[") || has(b"dnsmasq-dhcp[") || has(b"dnsmasq:") {
        return "dnsmasq";
    }
    if has(b"unbound[") {
        return "unbound";
    }
    if is_squid(body) || has(b"(squid-1)[") || has(b" squid[") {
        return "squid";
    }
    if is_access_log(line) {
        return "access-combined";
    }
    if has(b"haproxy[") || is_haproxy(body) {
        return "haproxy";
    }
    let mail_fields = (has(b" to=<") && (has(b"relay=") || has(b"status=")))
        || (has(b" from=<") && has(b"nrcpt="))
        || has(b": client=");
    if has(b"postfix/") || has(b"postfix[") || mail_fields {
        return "postfix";
    }
    if is_exchange(body) {
        return "exchange-tracking";
    }
    if is_iis_native(body) {
        return "iis";
    }
    if is_apache_error(body) {
        return "apache-error";
    }
    if is_exim(body) {
        return "exim";
    }
    if is_syslog(body) {
        return "syslog";
    }
    "text"
}

fn strip_bom(line: &[u8]) -> &[u8] {
    line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line)
}

/// Whether the line starts a CEF header without its `CEF:` (`0|Vendor|`,
/// as some forwarders strip it), after optional blanks.
fn starts_pipe_header(line: &[u8], prefix: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    t.starts_with(prefix) && t.iter().filter(|b| **b == b'|').count() >= 6
}

/// Classifies a JSON line: Zeek, Windows events, or other JSON.
fn json_kind(path: &str, line: &[u8]) -> &'static str {
    let has = |s: &[u8]| memchr::memmem::find(line, s).is_some();
    for key in [&b"\"_path\":\""[..], b"\"@stream\":\""] {
        if let Some(i) = memchr::memmem::find(line, key) {
            let rest = &line[i + key.len()..];
            let end = rest.iter().position(|b| *b == b'"').unwrap_or(0);
            if let Some(k) = zeek_kind(&rest[..end]) {
                return k;
            }
        }
    }
    let zeeky = has(b"\"id.orig_h\"") || has(b"\"id_orig_h\"");
    if zeeky || (has(b"\"uid\"") && has(b"\"ts\"")) {
        return zeek_by_name(path).unwrap_or("zeek");
    }
    if has(b"Microsoft-Windows-Sysmon") {
        return "sysmon-json";
    }
    if has(b"\"EventID\"") || has(b"\"event_id\"") || has(b"\"winlog\"") {
        return "winevent-json";
    }
    "json"
}

/// Returns the Zeek kind a file name tells (`http.log`,
/// `x_SCRANTON_http.jsonish.log`, `conn.00:00:00-01:00:00.log.gz`).
fn zeek_by_name(path: &str) -> Option<&'static str> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let words: Vec<&str> = name.split(['.', '_', '-']).collect();
    // A path name is whole words of the file name: `smb_files` spans two.
    for (i, p) in ZEEK_PATHS.iter().enumerate() {
        let parts: Vec<&str> = p.split('_').collect();
        let found = words.windows(parts.len()).any(|w| w == parts.as_slice());
        if found {
            return Some(ZEEK_KINDS[i]);
        }
    }
    None
}

/// `146,,,1535324496,igb1.12,match,block,in,4,…`: pf's filterlog CSV
/// without its syslog header.
fn is_filterlog_csv(line: &[u8]) -> bool {
    let cols: Vec<&[u8]> = line.splitn(7, |b| *b == b',').collect();
    cols.len() == 7
        && cols[0].iter().all(u8::is_ascii_digit)
        && !cols[0].is_empty()
        && cols[3].iter().all(u8::is_ascii_digit)
        && matches!(cols[5], b"match" | b"rdr" | b"nat" | b"binat")
}

/// `1,2020/12/04 16:00:02,016401002222,USERID,…`: Palo Alto's CSV.
fn is_paloalto_csv(line: &[u8]) -> bool {
    let cols: Vec<&[u8]> = line.splitn(5, |b| *b == b',').collect();
    cols.len() == 5
        && cols[0].iter().all(u8::is_ascii_digit)
        && super::time::iso(cols[1]).is_some()
        && cols[2].iter().all(u8::is_ascii_digit)
        && cols[3].iter().all(|b| b.is_ascii_uppercase() || *b == b'-')
        && !cols[3].is_empty()
}

/// Squid's native access log: epoch seconds with milliseconds, elapsed
/// time, client, `TCP_…/status` (Cisco WSA writes `Info: ` before it).
fn is_squid(line: &[u8]) -> bool {
    let t = line.strip_prefix(b"Info: ").unwrap_or(line);
    let n = t.iter().take_while(|b| b.is_ascii_digit()).count();
    (9..=10).contains(&n)
        && t.get(n) == Some(&b'.')
        && (memchr::memmem::find(t, b" TCP_").is_some()
            || memchr::memmem::find(t, b" UDP_").is_some()
            || memchr::memmem::find(t, b" NONE").is_some())
}

/// Apache/nginx common, combined and vhost-combined lines: a bracketed
/// time, then the quoted request.
fn is_access_log(line: &[u8]) -> bool {
    let Some(close) = memchr::memmem::find(line, b"] \"") else {
        return false;
    };
    let Some(open) = memchr::memrchr(b'[', &line[..close]) else {
        return false;
    };
    if open == 0 || line[open - 1] != b' ' {
        return false;
    }
    let req = &line[close + 3..];
    let methods: [&[u8]; 9] = [
        b"GET ",
        b"POST ",
        b"HEAD ",
        b"PUT ",
        b"DELETE ",
        b"OPTIONS ",
        b"CONNECT ",
        b"PATCH ",
        b"-\"",
    ];
    methods.iter().any(|m| req.starts_with(m))
        || req.first().is_some_and(u8::is_ascii_uppercase)
}

/// Exchange message tracking without its header: ISO time, then many
/// comma-separated columns with an event such as `RECEIVE`.
fn is_exchange(line: &[u8]) -> bool {
    let Some((_, end)) = super::time::iso(line) else { return false };
    let commas = line.iter().filter(|b| **b == b',').count();
    let events: [&[u8]; 7] = [
        b",SMTP,",
        b",STOREDRIVER,",
        b",ROUTING,",
        b",AGENT,",
        b",DSN,",
        b",MAILBOXRULE,",
        b",SMTPDELIVERY,",
    ];
    line.get(end) == Some(&b',')
        && commas >= 10
        && events.iter().any(|e| memchr::memmem::find(line, e).is_some())
}

/// IIS's native log: `client, user, M/D/YYYY, time, service, server, …`.
fn is_iis_native(line: &[u8]) -> bool {
    let cols: Vec<&[u8]> = line.splitn(5, |b| *b == b',').collect();
    cols.len() == 5
        && cols[2].trim_ascii().iter().filter(|b| **b == b'/').count() == 2
        && cols[3].trim_ascii().iter().filter(|b| **b == b':').count() == 2
        && cols[4].trim_ascii().starts_with(b"W3SVC")
}

/// A syslog line: a time (RFC 3164, RFC 5424 or ISO with a zone), then a
/// host, then a tag ending in `:` (`sshd[24200]:`).
fn is_syslog(line: &[u8]) -> bool {
    let rest = match line.first() {
        Some(b'<') => match line.iter().take(5).position(|b| *b == b'>') {
            Some(i) => &line[i + 1..],
            None => line,
        },
        _ => line,
    };
    let rest = rest.strip_prefix(b"1 ").unwrap_or(rest);
    let Some(after) = time_prefix_len(rest) else { return false };
    let words: Vec<&[u8]> =
        rest[after..].trim_ascii_start().splitn(3, |b| *b == b' ').collect();
    // `host tag:` or `tag:` straight after the time (no host written).
    let tagged = |w: &[u8]| {
        w.len() > 1
            && w.ends_with(b":")
            && w[0].is_ascii_alphabetic()
            && !w.contains(&b'=')
    };
    match words.as_slice() {
        [first, second, ..] => tagged(first) || tagged(second),
        [first] => tagged(first),
        _ => false,
    }
}

/// Returns how long the syslog time at the start of `s` is.
fn time_prefix_len(s: &[u8]) -> Option<usize> {
    if let Some((_, end)) = super::time::iso(s) {
        return Some(end);
    }
    // `Dec  4 14:58:20` / `Dec 10 06:55:46`: month, day, clock.
    let month = s.get(..3)?;
    if !month.iter().all(u8::is_ascii_alphabetic) || s.get(3) != Some(&b' ') {
        return None;
    }
    let mut p = 4;
    while s.get(p) == Some(&b' ') {
        p += 1;
    }
    let day = s[p..].iter().take_while(|b| b.is_ascii_digit()).count();
    if !(1..=2).contains(&day) {
        return None;
    }
    p += day + 1;
    let clock = s.get(p..p + 8)?;
    let ok = clock[2] == b':'
        && clock[5] == b':'
        && clock
            .iter()
            .enumerate()
            .all(|(i, b)| i == 2 || i == 5 || b.is_ascii_digit());
    ok.then_some(p + 8)
}

/// HAProxy's HTTP log without its syslog header: `client:port
/// [04/Dec/2026:14:58:20.123] frontend backend/server …`.
fn is_haproxy(line: &[u8]) -> bool {
    let Some(sp) = line.iter().position(|b| *b == b' ') else {
        return false;
    };
    let port = line[..sp].rsplit(|b| *b == b':').next().unwrap_or(b"");
    let ported = !port.is_empty() && port.iter().all(u8::is_ascii_digit);
    ported
        && line[sp..].starts_with(b" [")
        && line.get(sp + 4) == Some(&b'/')
        && line.get(sp + 8) == Some(&b'/')
}

/// Apache's error log: `[Fri Dec 04 14:58:20 2026] [error] …` (or with
/// microseconds and a module, `[…] [core:error] …`).
fn is_apache_error(line: &[u8]) -> bool {
    let Some(close) = line.iter().take(48).position(|b| *b == b']') else {
        return false;
    };
    line.starts_with(b"[")
        && line[close..].starts_with(b"] [")
        && super::time::line_time(&line[..=close], &Default::default())
            .is_some()
}

/// Exim's main log: a time without zone, then a message id and a flag
/// (`<=` arrival, `=>` delivery, `->`, `**` bounce, `==` deferral) or a
/// daemon note.
fn is_exim(line: &[u8]) -> bool {
    let Some((_, end)) = super::time::iso(line) else { return false };
    let rest = &line[end..];
    let has = |s: &[u8]| memchr::memmem::find(rest, s).is_some();
    has(b" <= ")
        || has(b" => ")
        || has(b" -> ")
        || has(b" ** ")
        || has(b" == ")
        || has(b" Completed")
        || rest.starts_with(b" pid ")
        || rest.starts_with(b" cwd=")
        || rest.starts_with(b" exim ")
}
