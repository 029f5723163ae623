//! Recognition and field naming on lines in the shape real logs write
//! them.

use super::*;

fn log(path: &str, head: &str) -> Log {
    recognise(path, head.as_bytes(), None)
}

/// Returns the fields of the first occurrence of `needle` in the last
/// line of `head`.
fn fields_of(path: &str, head: &str, needle: &str) -> Vec<&'static str> {
    let l = log(path, head);
    let line = head.trim_end().rsplit('\n').next().unwrap();
    let at = line.find(needle).expect("the needle is on the line");
    l.fields(line.as_bytes(), at, at + needle.len())
}

#[test]
fn netfilter_and_fortigate_keys() {
    let ipt = "Aug 20 00:01:05 localhost kernel: [3217909.838554] [UFW BLOCK] \
               IN=eth0 OUT= MAC=52:54:00:7c SRC=109.205.213.90 \
               DST=194.58.102.129 LEN=40 PROTO=TCP SPT=51638 DPT=48580";
    assert_eq!(log("ufw.log", ipt).kind, "iptables");
    assert_eq!(fields_of("ufw.log", ipt, "109.205.213.90"), ["src"]);
    assert_eq!(fields_of("ufw.log", ipt, "194.58.102.129"), ["dst"]);
    // Near miss: an address under no key gets no field.
    let odd = "Aug 20 00:01:05 h kernel: IN=eth0 OUT= SRC=1.1.1.1 x 9.9.9.9";
    assert!(fields_of("ufw.log", odd, "9.9.9.9").is_empty());
    let forti = "date=2016-02-12 time=14:10:42 logid=0720018433 type=anomaly \
                 srcip=1.1.1.1 dstip=192.0.2.1 srcintf=\"port15\"";
    assert_eq!(log("fw.log", forti).kind, "fortigate");
    assert_eq!(fields_of("fw.log", forti, "192.0.2.1"), ["dst"]);
}

#[test]
fn zeek_tsv_columns_and_json_keys() {
    let tsv = "#separator \\x09\n#path\thttp\n\
               #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t\
               trans_depth\tmethod\thost\turi\n\
               1320279566.452687\tCwFs\t192.168.2.76\t52026\t132.235.215.119\t\
               80\t1\tGET\twww.reddit.com\t/r/a\n";
    assert_eq!(log("x.log", tsv).kind, "zeek-http");
    assert_eq!(fields_of("x.log", tsv, "192.168.2.76"), ["src"]);
    assert_eq!(fields_of("x.log", tsv, "132.235.215.119"), ["dst"]);
    // A split URL spans the host and uri columns.
    assert_eq!(
        fields_of("x.log", tsv, "www.reddit.com\t/r/a"),
        ["host", "uri"]
    );
    let json = "{\"@stream\":\"conn\",\"ts\":1588205199.82437,\"uid\":\"C\",\
                \"id_orig_h\":\"10.0.1.6\",\"id_resp_h\":\"10.0.0.4\"}";
    assert_eq!(log("conn.log", json).kind, "zeek-conn");
    assert_eq!(fields_of("conn.log", json, "10.0.0.4"), ["dst"]);
    let named = "{\"ts\":1.5,\"uid\":\"C\",\"id.orig_h\":\"141.142.228.5\",\
                 \"host\":\"bro.org\",\"uri\":\"/download/a\"}";
    assert_eq!(
        log("zb_http-uri-sha256_http.jsonish.log", named).kind,
        "zeek-http"
    );
    assert_eq!(log("a/smb_files.log", named).kind, "zeek-smb_files");
    assert_eq!(log("a/files.log", named).kind, "zeek-files");
    assert_eq!(fields_of("h.log", named, "bro.org"), ["host"]);
}

#[test]
fn dns_logs() {
    let bind = "client @0x7f62b80115d0 192.168.101.70#55575 (docs.sekoia.io): \
                query: docs.sekoia.io IN AAAA + (192.168.100.102)";
    assert_eq!(log("q.log", bind).kind, "bind-query");
    assert_eq!(fields_of("q.log", bind, "docs.sekoia.io IN"), ["query"]);
    assert_eq!(fields_of("q.log", bind, "192.168.101.70"), ["client"]);
    let dnsmasq = "Jun 19 21:31:02 dnsmasq[830]: query[A] evil.example from \
                   192.168.1.5";
    assert_eq!(log("d.log", dnsmasq).kind, "dnsmasq");
    assert_eq!(fields_of("d.log", dnsmasq, "evil.example"), ["query"]);
    let win = "12/4/2026 2:58:20 PM 0E3C PACKET  000000EEF0E2A1C0 UDP Rcv \
               192.0.2.7 4e2b   Q [0001   D   NOERROR] A \
               (3)www(4)evil(7)example(0)";
    assert_eq!(log("dns.log", win).kind, "windows-dns");
}

#[test]
fn web_and_proxy_logs() {
    let combined = "192.168.11.2 - - [02/Apr/2018:18:18:58 +0900] \"GET \
                    /noindex/a.css HTTP/1.1\" 200 19341 \"-\" \"Mozilla/5.0\"";
    assert_eq!(log("access.log", combined).kind, "access-combined");
    assert_eq!(fields_of("a", combined, "192.168.11.2"), ["client"]);
    assert_eq!(fields_of("a", combined, "/noindex/a.css"), ["uri"]);
    let vhost = "evil.example:443 192.0.2.9 - - [02/Apr/2018:18:18:58 \
                 +0900] \"GET /a HTTP/1.1\" 200 1 \"-\" \"x\"";
    assert_eq!(fields_of("a", vhost, "evil.example"), ["host"]);
    assert_eq!(fields_of("a", vhost, "192.0.2.9"), ["client"]);
    let squid = "1522663539.541     61 192.168.11.2 TCP_MISS/301 3857 GET \
                 http://yahoo.co.jp/ - HIER_DIRECT/182.22.59.229 text/html";
    assert_eq!(log("access.log", squid).kind, "squid");
    assert_eq!(fields_of("a", squid, "192.168.11.2"), ["client"]);
    assert_eq!(fields_of("a", squid, "http://yahoo.co.jp/"), ["url"]);
    let w3c = "#Software: Microsoft Internet Information Services 10.0\n\
               #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query \
               s-port cs-username c-ip cs(User-Agent) sc-status\n\
               2026-12-04 14:58:20 10.0.0.5 GET /a/b - 80 - 203.0.113.7 \
               Mozilla 200\n";
    assert_eq!(log("u_ex.log", w3c).kind, "w3c");
    assert_eq!(fields_of("u", w3c, "203.0.113.7"), ["client"]);
    assert_eq!(fields_of("u", w3c, "/a/b"), ["uri"]);
    assert_eq!(fields_of("u", w3c, "10.0.0.5"), ["server"]);
}

#[test]
fn mail_and_windows_logs() {
    let postfix = "Oct  2 18:37:35 mx postfix/smtp[1086]: 2298F5F619: \
                   to=<admin@corp.com>, relay=none, delay=89758";
    assert_eq!(log("maillog", postfix).kind, "postfix");
    assert_eq!(fields_of("m", postfix, "admin@corp.com"), ["to"]);
    let sysmon = "{\"EventID\":22,\"SourceName\":\"Microsoft-Windows-Sysmon\",\
                  \"QueryName\":\"evil.example\",\"Image\":\"C:\\\\x\\\\a.exe\"}";
    assert_eq!(log("s.jsonl", sysmon).kind, "sysmon-json");
    assert_eq!(fields_of("s", sysmon, "evil.example"), ["query"]);
    let sec = "{\"EventID\":4624,\"Channel\":\"Security\",\
               \"IpAddress\":\"10.0.0.1\"}";
    assert_eq!(log("s.jsonl", sec).kind, "winevent-json");
}

#[test]
fn the_most_common_line_kind_wins() {
    let mixed = "{\"a\":1}\n\
                 Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user x from 1.2.3.4\n\
                 Dec 10 06:55:47 LabSZ sshd[24200]: Invalid user y from 1.2.3.4\n";
    assert_eq!(log("auth.log", mixed).kind, "syslog");
    assert_eq!(log("x", "just some words\nmore words\n").kind, "text");
    assert_eq!(log("x", "").kind, "text");
}

#[test]
fn positional_fields_of_filterlog_and_bind() {
    let pf = "<134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,\
              match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,10.170.12.50,\
              1.1.1.1,49724,853,0,S,1891286705,,64240,,mss";
    assert_eq!(log("f.log", pf).kind, "pf-filterlog");
    assert_eq!(fields_of("f", pf, "10.170.12.50"), ["src"]);
    assert_eq!(fields_of("f", pf, "1.1.1.1"), ["dst"]);
    // Near miss: the rule number column is no address column.
    assert!(fields_of("f", pf, "1535324496").is_empty());
    let bind = "client @0x7f62b80115d0 192.168.101.70#55575 (docs.sekoia.io): \
                query: docs.sekoia.io IN AAAA +";
    assert_eq!(fields_of("q", bind, "docs.sekoia.io"), ["query"]);
    let postfix = "2298F5F619: to=<admin@corp.com>, relay=none, delay=89758";
    assert_eq!(log("m", postfix).kind, "postfix");
    let md = "# Provenance\n\nSome `<Events>` mentioned in prose.\n";
    assert_eq!(log("PROVENANCE.md", md).kind, "text");
}

#[test]
fn cisco_asa_names_source_and_destination_by_word() {
    // elastic_beats_cisco_asa_sample.log
    let asa = "Apr 15 2013 09:36:50: %ASA-4-106023: Deny tcp src \
               dmz:10.1.2.30/63016 dst outside:192.0.0.8/53 by access-group";
    assert_eq!(log("asa.log", asa).kind, "cisco-asa");
    assert_eq!(fields_of("a", asa, "dmz:10.1.2.30"), ["src"]);
    assert_eq!(fields_of("a", asa, "outside:192.0.0.8"), ["dst"]);
    // sekoia_cisco_asa_ftd.log
    let ftd = "%FTD-2-106006: Deny inbound UDP from 1.1.1.1/901 to \
               2.2.2.2/111 on interface LAN";
    assert_eq!(fields_of("a", ftd, "1.1.1.1"), ["src"]);
    assert_eq!(fields_of("a", ftd, "2.2.2.2"), ["dst"]);
    // Near miss: the interface name is no field.
    assert!(fields_of("a", ftd, "LAN").is_empty());
}

/// Returns the other side of the line for the first occurrence of
/// `needle` in the last line of `head`.
fn peer_of(path: &str, head: &str, needle: &str) -> Option<String> {
    let l = log(path, head);
    let line = head.trim_end().rsplit('\n').next().unwrap();
    let at = line.find(needle).expect("the needle is on the line");
    let end = at + needle.len();
    let fields = l.fields(line.as_bytes(), at, end);
    l.peer(line.as_bytes(), at, end, &fields).map(str::to_string)
}

#[test]
fn firewall_peers_are_the_other_address() {
    let ipt = "Aug 20 00:01:05 localhost kernel: [3217909.838554] [UFW BLOCK] \
               IN=eth0 OUT= MAC=52:54:00:7c SRC=109.205.213.90 \
               DST=194.58.102.129 LEN=40 PROTO=TCP SPT=51638 DPT=48580";
    let peer = |n| peer_of("ufw.log", ipt, n);
    assert_eq!(peer("194.58.102.129").as_deref(), Some("109.205.213.90"));
    assert_eq!(peer("109.205.213.90").as_deref(), Some("194.58.102.129"));
    // Near miss: an address under no key has no side, so no peer.
    let odd = "Aug 20 00:01:05 h kernel: IN=eth0 OUT= SRC=1.1.1.1 x 9.9.9.9";
    assert_eq!(peer_of("ufw.log", odd, "9.9.9.9"), None);
    // Near miss: a line naming no destination gives a source no peer.
    let half = "Aug 20 00:01:05 h kernel: IN=eth0 OUT= SRC=1.1.1.1 LEN=40";
    assert_eq!(peer_of("ufw.log", half, "1.1.1.1"), None);
    let forti = "date=2016-02-12 time=14:10:42 logid=0720018433 type=anomaly \
                 srcip=1.1.1.1 dstip=192.0.2.1 srcintf=\"port15\"";
    assert_eq!(peer_of("f", forti, "192.0.2.1").as_deref(), Some("1.1.1.1"));
    let asa = "Apr 15 2013 09:36:50: %ASA-4-106023: Deny tcp src \
               dmz:10.1.2.30/63016 dst outside:192.0.0.8/53 by access-group";
    assert_eq!(peer_of("a", asa, "192.0.0.8").as_deref(), Some("10.1.2.30"));
    assert_eq!(peer_of("a", asa, "10.1.2.30").as_deref(), Some("192.0.0.8"));
    let ftd = "%FTD-2-106006: Deny inbound UDP from 1.1.1.1/901 to \
               2.2.2.2/111 on interface LAN";
    assert_eq!(peer_of("a", ftd, "2.2.2.2").as_deref(), Some("1.1.1.1"));
    let pf = "<134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,\
              match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,10.170.12.50,\
              1.1.1.1,49724,853,0,S,1891286705,,64240,,mss";
    assert_eq!(peer_of("f", pf, "1.1.1.1").as_deref(), Some("10.170.12.50"));
    let sysmon = "{\"EventID\":3,\"SourceName\":\"Microsoft-Windows-Sysmon\",\
                  \"SourceIp\":\"10.0.0.2\",\"DestinationIp\":\"203.0.113.5\"}";
    assert_eq!(
        peer_of("s", sysmon, "203.0.113.5").as_deref(),
        Some("10.0.0.2")
    );
}

#[test]
fn zeek_peers_come_from_the_columns_or_keys() {
    let http = "#separator \\x09\n#path\thttp\n\
                #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t\
                trans_depth\tmethod\thost\turi\n\
                1320279566.452687\tCwFs\t192.168.2.76\t52026\t132.235.215.119\t\
                80\t1\tGET\twww.reddit.com\t/r/a\n";
    let peer = |n| peer_of("x.log", http, n);
    assert_eq!(peer("www.reddit.com").as_deref(), Some("192.168.2.76"));
    assert_eq!(peer("192.168.2.76").as_deref(), Some("132.235.215.119"));
    let dns = "#separator \\x09\n#path\tdns\n\
               #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t\
               proto\ttrans_id\tquery\n\
               1320279566.1\tCa\t10.0.0.5\t5353\t10.0.0.1\t53\tudp\t7\t\
               a.evil.example\n";
    assert_eq!(
        peer_of("d", dns, "a.evil.example").as_deref(),
        Some("10.0.0.5")
    );
    // Near miss: Zeek writes `-` for an unset column.
    let unset = dns.replace("\t10.0.0.5\t", "\t-\t");
    assert_eq!(peer_of("d", &unset, "a.evil.example"), None);
    let json = "{\"@stream\":\"conn\",\"ts\":1588205199.82437,\"uid\":\"C\",\
                \"id_orig_h\":\"10.0.1.6\",\"id_resp_h\":\"10.0.0.4\"}";
    assert_eq!(
        peer_of("conn.log", json, "10.0.0.4").as_deref(),
        Some("10.0.1.6")
    );
}

#[test]
fn dns_peers_are_the_clients_that_asked() {
    let bind = "client @0x7f62b80115d0 192.168.101.70#55575 (docs.sekoia.io): \
                query: docs.sekoia.io IN AAAA + (192.168.100.102)";
    let got = peer_of("q.log", bind, "docs.sekoia.io");
    assert_eq!(got.as_deref(), Some("192.168.101.70"));
    let plain = "04-Dec-2026 14:58:20.123 queries: info: client \
                 10.0.0.5#53 (evil.example): query: evil.example IN A +";
    assert_eq!(
        peer_of("q", plain, "evil.example").as_deref(),
        Some("10.0.0.5")
    );
    // Near miss: a BIND line that names no client.
    let none =
        "04-Dec-2026 14:58:20.123 client @0x7f6 query: evil.example IN A";
    assert_eq!(peer_of("q", none, "evil.example"), None);
    let head = "Jun 19 21:31:02 dnsmasq[830]: query[A] x.test from 10.0.0.9\n";
    let q = format!(
        "{head}Jun 19 21:31:02 dnsmasq[830]: query[A] evil.example \
                     from 192.168.1.5"
    );
    assert_eq!(
        peer_of("d", &q, "evil.example").as_deref(),
        Some("192.168.1.5")
    );
    // Near miss: dnsmasq's forwarded and reply lines name no client.
    let fwd = format!(
        "{head}Jun 19 21:31:02 dnsmasq[830]: forwarded \
                       evil.example to 8.8.8.8"
    );
    assert_eq!(peer_of("d", &fwd, "evil.example"), None);
    let reply = format!(
        "{head}Jun 19 21:31:02 dnsmasq[830]: reply \
                         evil.example is 192.0.2.8"
    );
    assert_eq!(peer_of("d", &reply, "evil.example"), None);
    let unbound = "<30>Aug 15 16:19:02 unbound[26931]: [26931:0] info: \
                   192.168.1.1 api.evil.example. A IN";
    let got = peer_of("u", unbound, "api.evil.example");
    assert_eq!(got.as_deref(), Some("192.168.1.1"));
    // Near miss: the client itself is no peer of itself.
    assert_eq!(peer_of("u", unbound, "192.168.1.1"), None);
}

#[test]
fn web_and_proxy_peers_are_the_clients() {
    let combined = "192.168.11.2 - - [02/Apr/2018:18:18:58 +0900] \"GET \
                    /noindex/a.css HTTP/1.1\" 200 19341 \"-\" \"Mozilla/5.0\"";
    let got = peer_of("access.log", combined, "/noindex/a.css");
    assert_eq!(got.as_deref(), Some("192.168.11.2"));
    // Near miss: the client is no peer of itself.
    assert_eq!(peer_of("access.log", combined, "192.168.11.2"), None);
    let vhost = "evil.example:443 192.0.2.9 - - [02/Apr/2018:18:18:58 \
                 +0900] \"GET /a HTTP/1.1\" 200 1 \"-\" \"x\"";
    let got = peer_of("access.log", vhost, "evil.example");
    assert_eq!(got.as_deref(), Some("192.0.2.9"));
    let squid = "1522663539.541     61 192.168.11.2 TCP_MISS/301 3857 GET \
                 http://yahoo.co.jp/ - HIER_DIRECT/182.22.59.229 text/html";
    let got = peer_of("access.log", squid, "yahoo.co.jp");
    assert_eq!(got.as_deref(), Some("192.168.11.2"));
    let w3c = "#Software: Microsoft Internet Information Services 10.0\n\
               #Fields: date time s-ip cs-method cs-uri-stem cs-uri-query \
               s-port cs-username c-ip cs(User-Agent) sc-status\n\
               2026-12-04 14:58:20 10.0.0.5 GET /a/b - 80 - 203.0.113.7 \
               Mozilla 200\n";
    assert_eq!(peer_of("u", w3c, "/a/b").as_deref(), Some("203.0.113.7"));
    assert_eq!(peer_of("u", w3c, "203.0.113.7").as_deref(), Some("10.0.0.5"));
    // Quoted columns give the value inside the quotes; an empty one
    // gives no peer.
    let quoted = "#Software: SWG\n#Fields: date time c-ip cs-host\n\
                  \"2017-06-26\" \"18:21:17\" \"10.0.0.7\" \"evil.example\"\n";
    let got = peer_of("u", quoted, "evil.example");
    assert_eq!(got.as_deref(), Some("10.0.0.7"));
    let empty = quoted.replace("\"10.0.0.7\"", "\"\"");
    assert_eq!(peer_of("u", &empty, "evil.example"), None);
}

#[test]
fn postfix_peers_are_the_client_hosts() {
    let reject = "Oct  2 18:37:35 mx postfix/smtpd[1086]: NOQUEUE: reject: \
                  RCPT from unknown[203.0.113.9]: 554 5.7.1 Rejected; \
                  from=<a@evil.example> to=<b@corp.example> proto=ESMTP \
                  helo=<x>";
    assert_eq!(log("maillog", reject).kind, "postfix");
    let got = peer_of("maillog", reject, "a@evil.example");
    assert_eq!(got.as_deref(), Some("203.0.113.9"));
    let smtpd = "Oct  2 18:37:35 mx postfix/smtpd[1086]: 2298F5F619: \
                 client=mail.evil.example[2001:db8::9], \
                 sasl_username=a@evil.example";
    let got = peer_of("maillog", smtpd, "a@evil.example");
    assert_eq!(got.as_deref(), Some("2001:db8::9"));
    // Near miss: qmgr's line names the sender but no client.
    let qmgr = "Oct  2 18:37:35 mx postfix/qmgr[1086]: 2298F5F619: \
                from=<a@evil.example>, size=1234, nrcpt=1 (queue active)";
    assert_eq!(peer_of("maillog", qmgr, "a@evil.example"), None);
}
