//! Unit tests of the matching rules, one case per rule with hits and near
//! misses. The end-to-end table in `tests/it` runs the same rules through
//! every read path of the binary.

use super::*;
use crate::indicator::{Kind, ParseOptions, parse_typed, parse_value};
use crate::set::{Locator, SetBuilder, Source};

fn set_of(iocs: &[&str]) -> IndicatorSet {
    let mut b = SetBuilder::new();
    for (i, raw) in iocs.iter().enumerate() {
        // `file:` and `string:` mark a value the format states is a file
        // name or a plain string.
        let typed = |v, kind| parse_typed(v, kind, ParseOptions::default());
        let p = if let Some(name) = raw.strip_prefix("file:") {
            typed(name, Kind::Filename)
        } else if let Some(s) = raw.strip_prefix("string:") {
            typed(s, Kind::String)
        } else {
            parse_value(raw, ParseOptions::default())
        }
        .unwrap();
        let src = Source {
            file: "t".into(),
            at: Locator::Line(i as u64 + 1),
            compound: false,
            meta: Default::default(),
        };
        b.push(p.value, src);
    }
    b.build()
}

/// Returns `(indicator, matched text)` for every hit, sorted.
fn hits(iocs: &[&str], line: &str) -> Vec<(String, String)> {
    let set = set_of(iocs);
    let m = Matcher::new(&set);
    let mut out = Vec::new();
    m.scan(line.as_bytes(), &mut out);
    let mut v: Vec<_> = out
        .iter()
        .map(|h| {
            (set.get(h.id).value.to_string(), line[h.start..h.end].to_string())
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

fn matched(iocs: &[&str], line: &str) -> Vec<String> {
    hits(iocs, line).into_iter().map(|(_, m)| m).collect()
}

#[track_caller]
fn hit(iocs: &[&str], line: &str, want: &str) {
    assert_eq!(matched(iocs, line), vec![want.to_string()], "line {line:?}");
}

#[track_caller]
fn miss(iocs: &[&str], line: &str) {
    assert_eq!(hits(iocs, line), vec![], "line {line:?}");
}

#[test]
fn ipv4_boundaries() {
    let i = &["192.0.2.1"];
    miss(i, "version 10.192.0.2.15");
    miss(i, "192.0.2.10");
    miss(i, "1192.0.2.1");
    miss(i, "build=192.0.2.1.7.3");
    miss(i, "a.192.0.2.1");
    miss(i, "192.0.2.1.example.com");
    hit(i, "src=192.0.2.1:8080", "192.0.2.1");
    hit(i, "[192.0.2.1]", "192.0.2.1");
    hit(i, "192.0.2.1.51234 > 10.0.0.1.443", "192.0.2.1");
    hit(i, "SRC=192.0.2.1 DST=10.0.0.1", "192.0.2.1");
    hit(i, "client 192.0.2.1#53", "192.0.2.1");
    hit(i, "from 192.0.2.1.", "192.0.2.1");
    hit(i, "from 192.000.002.001 ok", "192.000.002.001");
    hit(i, "range 10.0.0.1-192.0.2.1", "192.0.2.1");
    hit(i, "::ffff:192.0.2.1", "192.0.2.1");
}

#[test]
fn ipv6_any_text_form() {
    let i = &["2001:db8::1"];
    hit(
        i,
        "x 2001:0DB8:0000:0000:0000:0000:0000:0001 y",
        "2001:0DB8:0000:0000:0000:0000:0000:0001",
    );
    hit(i, "[2001:db8::1]:443", "2001:db8::1");
    hit(i, "fe80 2001:db8::1%eth0", "2001:db8::1");
    hit(i, "data:2001:db8::1", "2001:db8::1");
    hit(i, "IP6 2001:db8::1.51234 > 2001:db8::2.443", "2001:db8::1");
    miss(i, "2001:db8::10");
    miss(i, "2001:db8::1:0");
    miss(i, "12:34:56 2001:db9::1");
    let m = &["192.0.2.1"];
    hit(m, "::FFFF:c000:0201", "::FFFF:c000:0201");
}

#[test]
fn address_with_port() {
    let i = &["203.0.113.80:8080"];
    hit(i, "dst=203.0.113.80", "203.0.113.80");
    hit(i, "dst=203.0.113.80:8080", "203.0.113.80");
    miss(i, "dst=203.0.113.80:443");
    miss(i, "203.0.113.80.443 > x");
    hit(i, "203.0.113.80 dport=443", "203.0.113.80");
    let v6 = &["[2001:db8::5]:8443"];
    hit(v6, "[2001:db8::5]:8443", "2001:db8::5");
    miss(v6, "[2001:db8::5]:443");
    miss(v6, "client 2001:db8::5#53 query");
    hit(v6, "client 2001:db8::5#8443 query", "2001:db8::5");
}

#[test]
fn cidr_members() {
    let i = &["198.51.100.77/24", "198.51.0.0/16"];
    assert_eq!(
        hits(i, "to 198.51.100.200 ok"),
        vec![
            ("198.51.0.0/16".into(), "198.51.100.200".into()),
            ("198.51.100.0/24".into(), "198.51.100.200".into())
        ]
    );
    miss(i, "198.52.100.200");
    let v6 = &["2001:db8:aa::/48"];
    hit(v6, "src 2001:db8:aa:1::9 x", "2001:db8:aa:1::9");
    miss(v6, "src 2001:db8:ab::9");
}

#[test]
fn domains_on_label_boundaries() {
    let i = &["higan.example"];
    hit(i, "GET http://higan.example/gate.php", "higan.example");
    hit(i, "cdn.higan.example", "cdn.higan.example");
    miss(i, "www.michigan.example");
    let e = &["example.com"];
    hit(e, "query=example.com type=A", "example.com");
    miss(e, "example.commercial.file");
    miss(e, "query=example.com.evil.test");
    let d = &["evil.example"];
    hit(d, "EVIL.example.", "EVIL.example");
    hit(d, "a.b.evil.example", "a.b.evil.example");
    hit(d, "mail from a@evil.example", "evil.example");
    hit(d, "http://user@evil.example:8080/", "evil.example");
    miss(d, "notevil.example");
    miss(d, "my-evil.example");
    miss(d, "evil.example.org");
    miss(d, "evil-example");
}

#[test]
fn nested_domains_each_hit() {
    assert_eq!(
        hits(&["evil.example", "a.evil.example"], "q a.evil.example"),
        vec![
            ("a.evil.example".into(), "a.evil.example".into()),
            ("evil.example".into(), "a.evil.example".into())
        ]
    );
}

#[test]
fn urls() {
    let i = &["http://evil.example/a"];
    hit(i, "GET http://evil.example/a?x=1 200", "http://evil.example/a");
    hit(i, "HTTP://EVIL.EXAMPLE/a", "HTTP://EVIL.EXAMPLE/a");
    hit(i, "\"http://evil.example/a\"", "http://evil.example/a");
    hit(i, "http://evil.example/a#frag", "http://evil.example/a");
    hit(i, "http://evil.example/a/b", "http://evil.example/a");
    hit(i, "http://evil.example:80/a", "http://evil.example:80/a");
    hit(i, "http://bob@evil.example/a", "http://bob@evil.example/a");
    miss(i, "http://evil.example/ab");
    miss(i, "http://evil.example/A");
    miss(i, "https://evil.example/a");
    miss(i, "http://evil.example:8080/a");
    miss(i, "xhttp://evil.example/a");
    let bare = &["evil.example/gate.php"];
    hit(bare, "GET https://evil.example/gate.php", "evil.example/gate.php");
    miss(bare, "GET https://evil.example/gate.phpx");
    let ip = &["http://203.0.113.9:8081/x.sh"];
    hit(
        ip,
        "wget http://203.0.113.9:8081/x.sh;",
        "http://203.0.113.9:8081/x.sh",
    );
    miss(ip, "wget http://203.0.113.9/x.sh;");
    let v6 = &["http://[2001:db8::7]/p"];
    hit(v6, "GET http://[2001:db8::7]/p HTTP/1.1", "http://[2001:db8::7]/p");
}

#[test]
fn hashes_whole_tokens_any_case() {
    let md5 = "0cc175b9c0f1b6a831c399e269772661";
    let line = format!(
        "Hashes=SHA1=86F7E437FAA5A7FCE15D1DDCB9EAEAEA377667B8,MD5={},SHA256=CA978112CA1BBDCAFAC231B39A23DC4DA786EFF8147C4E72B9807785AFEE48BB",
        md5.to_uppercase()
    );
    hit(&[md5], &line, &md5.to_uppercase());
    let inside = format!("ca978112{md5}ca1bbdcafac231b39a23dc4d");
    miss(&[md5], &inside);
    miss(&[md5], &format!("x{md5}"));
    hit(&[md5], &format!("file_{md5}.bin"), md5);
}

#[test]
fn emails_whole_address() {
    let i = &["a@evil.example"];
    hit(i, "from=<a@evil.example>", "a@evil.example");
    hit(i, "from=A@EVIL.example,", "A@EVIL.example");
    miss(i, "from=<aa@evil.example>");
    miss(i, "from=<a@sub.evil.example>");
    miss(i, "from=<a@evil.example.org>");
}

#[test]
fn file_names_whole_components() {
    let i = &["evil.exe"];
    hit(i, r"Image: C:\x\EVIL.EXE", "EVIL.EXE");
    hit(i, "/tmp/evil.exe running", "evil.exe");
    hit(i, "ran evil.exe.", "evil.exe");
    miss(i, r"C:\x\notevil.exe");
    miss(i, "evil.exe.bak");
    miss(i, "my-evil.exe");
}

#[test]
fn several_indicators_on_one_line() {
    let i = &["192.0.2.1", "evil.example", "203.0.113.5"];
    assert_eq!(
        matched(i, "a=192.0.2.1;b=evil.example,c=203.0.113.5"),
        vec!["192.0.2.1", "203.0.113.5", "evil.example"]
    );
}

#[test]
fn file_names_with_spaces_or_paths_use_the_automaton() {
    let spaced = &["file:New Invoice.exe"];
    hit(spaced, r"C:\Users\x\new invoice.exe ran", "new invoice.exe");
    miss(spaced, r"C:\Users\x\renew invoice.exe");
    let path = &[r"C:\Windows\Temp\evil.dll"];
    hit(
        path,
        r"load c:\windows\temp\EVIL.dll ok",
        r"c:\windows\temp\EVIL.dll",
    );
    miss(path, r"load c:\windows\temp\evil.dll2");
    let bare = &["cmd1.bin", "file:~tmp.exe", "file:cmd1"];
    hit(bare, "/tmp/cmd1.bin", "cmd1.bin");
    hit(bare, r"x\~tmp.exe", "~tmp.exe");
    miss(bare, "/tmp/~cmd1.bin");
    hit(bare, "run /tmp/cmd1 now", "cmd1");
    miss(bare, "run /tmp/cmd10 now");
}

/// A `%VAR%` path matches as written (command lines, Run keys, service
/// image paths, JSON-doubled backslashes) and as hosts expand it.
#[test]
fn variable_paths_match_as_written_and_expanded() {
    let temp = &[r"%TEMP%\x.log"];
    hit(temp, r"cmd /c echo > %temp%\x.log", r"%temp%\x.log");
    hit(temp, r#"{"c":"echo > %TEMP%\\x.log"}"#, r"%TEMP%\\x.log");
    hit(temp, r"C:\Users\bob\AppData\Local\Temp\X.LOG", r"Temp\X.LOG");
    hit(temp, r"C:\Windows\Temp\x.log created", r"Temp\x.log");
    miss(temp, r"C:\Users\bob\AppData\Local\MyTemp\x.log");
    miss(temp, r"C:\Users\bob\Temp\x.log2");
    miss(temp, r"echo > %temp%\ax.log");
    miss(temp, r"C:\x.log");
    let sysroot = &[r"%SystemRoot%\System32\cmstplua.dll"];
    hit(
        sysroot,
        r#""Details":"@%SystemRoot%\\system32\\cmstplua.dll,-1""#,
        r"%SystemRoot%\\system32\\cmstplua.dll",
    );
    hit(
        sysroot,
        r"C:\WINDOWS\system32\cmstplua.dll",
        r"WINDOWS\system32\cmstplua.dll",
    );
    miss(sysroot, r"C:\Windows\SysWOW64\cmstplua.dll");
    // No fixed folder: the expanded form is the path after the variable.
    let profile = &[r"%USERPROFILE%\x.exe", r"%HOMEDRIVE%%HOMEPATH%\y.exe"];
    hit(profile, r"C:\Users\bob\x.exe", "x.exe");
    // The expanded form is inside the written one; the sweep keeps one
    // record per line and indicator.
    assert_eq!(
        matched(profile, r"run %userprofile%\x.exe"),
        [r"%userprofile%\x.exe", "x.exe"]
    );
    hit(profile, r"C:\Users\bob\y.exe", "y.exe");
    assert_eq!(
        matched(profile, r"run %HOMEDRIVE%%HOMEPATH%\y.exe"),
        [r"%HOMEDRIVE%%HOMEPATH%\y.exe", "y.exe"]
    );
    miss(profile, r"C:\Users\bob\xx.exe");
    let up = &[r"%TEMP%\..\z.exe"];
    hit(up, r"C:\Users\bob\AppData\Local\z.exe", "z.exe");
    assert_eq!(
        matched(up, r"start %TEMP%\..\z.exe"),
        [r"%TEMP%\..\z.exe", "z.exe"]
    );
    // A forward-slashed value matches backslashed logs too.
    let slashed = &["file:%APPDATA%/Microsoft/w.dat"];
    hit(
        slashed,
        r"del %appdata%\Microsoft\w.dat",
        r"%appdata%\Microsoft\w.dat",
    );
    hit(
        slashed,
        r"C:\Users\b\AppData\Roaming\Microsoft\w.dat",
        r"Roaming\Microsoft\w.dat",
    );
    miss(slashed, r"C:\Users\b\AppData\Local\Microsoft\w.dat");
}

/// A UNC path loads as a file name and matches as one.
#[test]
fn unc_paths_match_as_paths() {
    let unc = &[r"\\server\share\x.exe"];
    hit(unc, r"copy \\SERVER\share\x.exe C:\", r"\\SERVER\share\x.exe");
    hit(
        unc,
        r#"{"p":"\\\\server\\share\\x.exe"}"#,
        r"\\\\server\\share\\x.exe",
    );
    miss(unc, r"copy \\server\share\x.exe2");
    miss(unc, r"copy \\otherserver\share\x.exe");
    let share = &[r"\\203.0.113.5\webdav"];
    hit(share, r"open \\203.0.113.5\webdav\x.doc", r"\\203.0.113.5\webdav");
    hit(share, r"open \\203.0.113.5\WebDAV", r"\\203.0.113.5\WebDAV");
    miss(share, r"open \\203.0.113.5\webdav2");
    miss(share, r"open \\1203.0.113.5\webdav");
}

#[test]
fn range_filter_keeps_every_length() {
    let i = &["10.0.0.0/8", "192.0.2.8/30", "198.51.100.7"];
    hit(i, "a 10.255.1.1 b", "10.255.1.1");
    hit(i, "a 192.0.2.11 b", "192.0.2.11");
    miss(i, "a 192.0.2.12 b");
    miss(i, "a 11.0.0.1 b");
    hit(i, "a 198.51.100.7 b", "198.51.100.7");
    miss(i, "a 198.51.100.8 b");
}

#[test]
fn urls_split_into_fields() {
    let i = &["http://evil.example/load/a.php"];
    let zeek = "1717200262.85\tCt\t10.0.0.1\t4270\t192.0.2.9\t80\t1\tGET\t\
                evil.example\t/load/a.php\t-\t1.1";
    hit(i, zeek, "evil.example\t/load/a.php");
    let zeek_query = zeek.replace("a.php\t", "a.php?id=1\t");
    hit(i, &zeek_query, "evil.example\t/load/a.php");
    miss(i, &zeek.replace("/load/a.php", "/load/a.phpx"));
    miss(i, &zeek.replace("/load/a.php", "/load/A.php"));
    miss(i, "query evil.example A 203.0.113.9 path /load/a.phpx");
    let host_only = &["http://evil.example"];
    hit(host_only, "GET evil.example /index.html", "evil.example /");
    miss(host_only, "query: evil.example IN A");
    let squid = &["https://evil.example:443/"];
    hit(
        squid,
        "1717200262.851 CONNECT evil.example:443 - HIER_DIRECT/203.0.113.9 -",
        "evil.example:443",
    );
    miss(squid, "1717200262.851 CONNECT evil.example:8443 - HIER_DIRECT/x -");
    let ftp = &["ftp://evil.example/a"];
    miss(ftp, "host evil.example uri /a");
}

/// Found by the property test: two dots after a file name are not the
/// end of a sentence, so the name is part of a longer one.
#[test]
fn file_name_followed_by_two_dots_is_no_hit() {
    miss(&["evil.exe"], "EVIL.EXE.. ");
    hit(&["evil.exe"], "ran EVIL.EXE. then", "EVIL.EXE");
}

/// Found by trying the tool as a user would: each of these was a wrong
/// answer.
#[test]
fn user_reported_boundaries() {
    // A name may start with an underscore, and is matched whole.
    let srv = &["_srv.bad.test"];
    hit(srv, "q _srv.bad.test", "_srv.bad.test");
    hit(srv, "q x._srv.bad.test", "x._srv.bad.test");
    miss(srv, "q srv.bad.test");
    hit(&["bad.test"], "q _dmarc.bad.test", "_dmarc.bad.test");
    // IPv4 inside an IPv6 address is that address only when mapped.
    let v4 = &["192.0.2.1"];
    miss(v4, "2001:db8::192.0.2.1");
    miss(v4, "64:ff9b::192.0.2.1");
    miss(v4, "x ::192.0.2.1 y");
    hit(v4, "x ::ffff:192.0.2.1 y", "192.0.2.1");
    hit(v4, "x 0:0:0:0:0:ffff:192.0.2.1 y", "192.0.2.1");
    hit(v4, "src:192.0.2.1 ok", "192.0.2.1");
    hit(v4, "at 12:30:192.0.2.1", "192.0.2.1");
    // A port right after a bracketed address, or digits that are no
    // port, rule out an indicator with another port.
    let port = &["203.0.113.80:8080"];
    miss(port, "[203.0.113.80]:443");
    hit(port, "[203.0.113.80]:8080", "203.0.113.80");
    miss(port, "203.0.113.80:80801");
    hit(&["203.0.113.80"], "203.0.113.80:80801", "203.0.113.80");
    // A URL without a scheme (as Zeek intel writes them) also matches
    // where a log splits host and path.
    let bare = &["evil.example/gate.php"];
    hit(bare, "1.1\tevil.example\t/gate.php\t-", "evil.example\t/gate.php");
}

/// Found by the property test: the first group of what looks like an
/// IPv6 prefix belonged to the address before it.
#[test]
fn mapped_prefix_glued_to_an_address() {
    let i = &["198.51.100.0/24"];
    hit(i, "192.0.2.1::FFFF:198.51.100.7 ", "198.51.100.7");
}

/// The digest scan probes one byte in eight: a digest must be found at
/// every alignment, after any run of hex digits, and at the very end.
#[test]
fn digests_at_every_alignment() {
    let md5 = "0cc175b9c0f1b6a831c399e269772661";
    let sha =
        "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    for pad in 0..20 {
        for lead in ["", "beef", "12345678901234567890123"] {
            let line = format!("{}{lead} {md5} x", "z".repeat(pad));
            hit(&[md5], &line, md5);
            let end = format!("{}{lead}-{sha}", "q".repeat(pad));
            hit(&[sha], &end, sha);
            let glued = format!("q{}{lead}{md5}", "q".repeat(pad));
            miss(&[md5], &glued);
        }
    }
}

#[test]
fn internationalised_names_match_their_punycode_form() {
    let i = &["bücher.example"];
    hit(i, "query www.xn--bcher-kva.example A", "www.xn--bcher-kva.example");
    hit(i, "q XN--BCHER-KVA.EXAMPLE.", "XN--BCHER-KVA.EXAMPLE");
    miss(i, "q xn--bcher-kva.example.org");
    // Listed in both forms: one record for each indicator.
    assert_eq!(
        hits(
            &["bücher.example", "xn--bcher-kva.example"],
            "q xn--bcher-kva.example"
        )
        .len(),
        2
    );
    let url = &["http://bücher.example/a"];
    hit(
        url,
        "GET http://xn--bcher-kva.example/a ok",
        "http://xn--bcher-kva.example/a",
    );
    let mail = &["a@bücher.example"];
    hit(mail, "from=<a@xn--bcher-kva.example>", "a@xn--bcher-kva.example");
}

#[test]
fn windows_dns_debug_names() {
    let i = &["evil.example"];
    let line = "12/4/2026 2:58:20 PM 0E1C PACKET 000001 UDP Rcv 192.0.2.7 \
                a1b2 Q [0001 D NOERROR] A (3)www(4)evil(7)example(0)";
    hit(i, line, "(3)www(4)evil(7)example(0)");
    hit(i, "A (4)EVIL(7)example(0)", "(4)EVIL(7)example(0)");
    miss(i, "A (7)notevil(7)example(0)");
    miss(i, "A (4)evil(7)example(3)org(0)");
    // A length that does not fit its label is not this encoding.
    miss(i, "A (5)evil(7)example(0)");
    miss(i, "f(0) (0) ()(0)");
    let long = &["abcdefghijkl.example"];
    hit(
        long,
        "A (12)abcdefghijkl(7)example(0)",
        "(12)abcdefghijkl(7)example(0)",
    );
}

#[test]
fn urls_split_into_w3c_fields_path_first() {
    let i = &["http://evil.example/load/a.php"];
    let w3c = "2026-12-04 14:58:20 192.0.2.5 GET /load/a.php id=1 80 - \
               198.51.100.7 Mozilla/5.0 - evil.example 200 0 0 512";
    hit(
        i,
        w3c,
        "/load/a.php id=1 80 - 198.51.100.7 Mozilla/5.0 - evil.example",
    );
    miss(i, &w3c.replace("/load/a.php ", "/load/a.phpx "));
    miss(i, "GET /load/a.php\n- evil.example 200");
}

/// Found by the second round of trying the tool as a user would.
#[test]
fn user_reported_ports_and_url_forms() {
    // Cisco ASA writes ports after a slash; brackets may hold a mapped
    // address.
    let port = &["203.0.113.80:8080"];
    miss(port, "outside:203.0.113.80/443 (203.0.113.80/443)");
    hit(port, "outside:203.0.113.80/8080 x", "203.0.113.80");
    miss(port, "[::ffff:203.0.113.80]:443");
    hit(&["203.0.113.80"], "outside:203.0.113.80/443", "203.0.113.80");
    // The root path is the URL without one.
    let root = &["http://evil.example/"];
    hit(root, "GET http://evil.example HTTP/1.1", "http://evil.example");
    hit(root, "GET http://evil.example/x HTTP/1.1", "http://evil.example/");
    miss(root, "GET http://evil.example:8080 x");
    // A root dot after the host, a sentence's dot after the URL.
    let a = &["http://evil.example/a"];
    hit(a, "GET http://evil.example./a x", "http://evil.example./a");
    hit(a, "see http://evil.example/a.", "http://evil.example/a");
    miss(a, "see http://evil.example/a.php");
}

#[test]
fn urls_split_in_zeek_json_squid_and_access_logs() {
    let i = &["http://evil.example/a/b"];
    // Zeek http.log as JSON.
    let json = "{\"ts\":1.5,\"uid\":\"C\",\"id.orig_h\":\"192.0.2.7\",\
                \"host\":\"evil.example\",\"uri\":\"/a/b\",\"method\":\"GET\"}";
    hit(i, json, "evil.example\",\"uri\":\"/a/b");
    miss(i, &json.replace("/a/b\"", "/a/bc\""));
    miss(i, &json.replace("evil.example", "notevil.example"));
    // Squid's native log writes the URL whole.
    let squid = "1286536308.779    1 192.0.2.7 TCP_MISS/200 1 GET \
                 http://evil.example/a/b - HIER_DIRECT/203.0.113.9 text/html";
    hit(i, squid, "http://evil.example/a/b");
    miss(i, &squid.replace("/a/b ", "/a/bb "));
    // vhost-combined: `vhost:port` first, the path in the request.
    let vhost = "evil.example:80 192.0.2.7 - - [04/Dec/2026:14:58:20 +0000] \
                 \"GET /a/b HTTP/1.1\" 200 1 \"-\" \"curl/8\"";
    hit(
        i,
        vhost,
        "evil.example:80 192.0.2.7 - - [04/Dec/2026:14:58:20 +0000] \"GET /a/b",
    );
    miss(i, &vhost.replace(":80 ", ":8080 "));
    miss(i, &vhost.replace("GET /a/b ", "GET /a/bx "));
    // A `host=` field after a combined line.
    let host = "192.0.2.7 - - [04/Dec/2026:14:58:20 +0000] \"GET /a/b \
                HTTP/1.1\" 200 1 \"-\" \"curl/8\" host=evil.example";
    hit(i, host, "/a/b HTTP/1.1\" 200 1 \"-\" \"curl/8\" host=evil.example");
    miss(i, &host.replace("GET /a/b ", "GET /a/c "));
    miss(i, &host.replace("host=evil", "host=notevil"));
}

#[test]
fn percent_encoded_hosts_and_paths() {
    // An encoded dot in a host is the dot.
    let d = &["evil.example"];
    hit(d, "GET /r?u=http://evil%2Eexample/x", "evil%2Eexample");
    hit(d, "GET /r?u=www.EVIL%2eexample", "www.EVIL%2eexample");
    miss(d, "GET /r?u=notevil%2Eexample");
    miss(d, "GET /r?u=evil%2Eexample%2Eorg");
    // Unreserved characters in a path are decoded (RFC 3986 6.2.2.2)...
    let u = &["http://evil.example/a/b.php"];
    hit(
        u,
        "GET http://evil.example/%61/b%2Ephp x",
        "http://evil.example/%61/b%2Ephp",
    );
    miss(u, "GET http://evil.example/%61/c.php x");
    // ...reserved ones are not: `%2F` is not the `/` that separates
    // segments.
    miss(u, "GET http://evil.example/a%2Fb.php x");
    // An indicator written encoded matches the decoded form too.
    let enc = &["http://evil.example/%7Euser/x"];
    hit(
        enc,
        "GET http://evil.example/~user/x ok",
        "http://evil.example/~user/x",
    );
}

#[test]
fn domains_inside_urls_mail_addresses_and_v6_literals() {
    let d = &["evil.example"];
    hit(d, "GET http://user@evil.example:8080/x", "evil.example");
    hit(d, "from=<a@evil.example>", "evil.example");
    miss(d, "from=<a@notevil.example>");
    let u = &["http://evil.example:8080/x"];
    hit(
        u,
        "GET http://user:pw@evil.example:8080/x ok",
        "http://user:pw@evil.example:8080/x",
    );
    miss(u, "GET http://user@evil.example:8081/x ok");
    let v6 = &["2001:db8::1"];
    hit(v6, "Received: from mx ([IPv6:2001:db8::1]) by y", "2001:db8::1");
    hit(v6, "client=mx[IPv6:2001:DB8:0:0:0:0:0:1]", "2001:DB8:0:0:0:0:0:1");
    miss(v6, "client=mx[IPv6:2001:db8::11]");
}

#[test]
fn percent_encoded_dot_after_other_escapes() {
    let d = &["evil.example"];
    let line = "GET /redirect?to=http%3A%2F%2Fevil%2Eexample%2Fx HTTP/1.1";
    hit(d, line, "evil%2Eexample");
}

/// JSON writes a tab, line feed or carriage return as `\t`, `\n`, `\r`:
/// the escape's letter is not part of the word after it (Winlogbeat's
/// `Account Domain:\t\tEVIL.EXAMPLE`). An escaped backslash before the
/// letter makes it a letter again; file names, whose separator is the
/// backslash, keep every letter.
#[test]
fn values_after_json_escapes() {
    let d = &["evil.example"];
    hit(d, r#"{"msg":"Account Domain:\t\tEVIL.EXAMPLE"}"#, "EVIL.EXAMPLE");
    hit(d, r#"{"msg":"a\r\nwww.evil.example"}"#, "www.evil.example");
    miss(d, r#"{"msg":"a\\tevil.example"}"#);
    miss(d, "plain tevil.example");
    let md5 = "0cc175b9c0f1b6a831c399e269772661";
    hit(&[md5], &format!(r#"{{"msg":"Hash:\n{md5}"}}"#), md5);
    miss(&[md5], &format!(r#"{{"msg":"Hash:\\n{md5}"}}"#));
    let mail = &["bad@evil2.example"];
    hit(mail, r#"{"msg":"To:\nbad@evil2.example"}"#, "bad@evil2.example");
    miss(mail, r#"{"msg":"To:\\nbad@evil2.example"}"#);
    miss(mail, "To: nbad@evil2.example");
    let file = &["evil.exe"];
    miss(file, r#"{"Image":"C:\\Temp\\nevil.exe"}"#);
    miss(file, r"Image: C:\Temp\nevil.exe");
    hit(file, r#"{"Image":"C:\\Temp\\evil.exe"}"#, "evil.exe");
    let spaced = &["file:evil file.exe"];
    miss(spaced, r"Image: C:\Temp\nevil file.exe");
    let url = &["http://evil.example/a"];
    hit(url, r#"{"m":"see\nhttp://evil.example/a"}"#, "http://evil.example/a");
    miss(url, r#"{"m":"see\\nhttp://evil.example/a"}"#);
}

/// Sysmon and Winlogbeat JSON double every backslash of a path: a file
/// name or string written as a Windows path matches that form too, as a
/// whole component still.
#[test]
fn windows_paths_in_json_with_doubled_backslashes() {
    let path = &[r"C:\Windows\System32\bitsadmin.exe"];
    let json =
        r#"{"EventID":1,"Image":"C:\\Windows\\System32\\bitsadmin.exe"}"#;
    hit(path, json, r"C:\\Windows\\System32\\bitsadmin.exe");
    hit(
        path,
        r"Image: C:\Windows\System32\bitsadmin.exe",
        r"C:\Windows\System32\bitsadmin.exe",
    );
    miss(path, &json.replace("bitsadmin.exe", "bitsadmin.exe2"));
    miss(path, &json.replace(r"C:\\", r"XC:\\"));
    miss(path, r#"{"Image":"C:\\Windows\System32\\bitsadmin.exe"}"#);
    let tail = &[r"file:System32\bitsadmin.exe"];
    hit(tail, json, r"System32\\bitsadmin.exe");
    miss(tail, &json.replace("System32", "XSystem32"));
    let string = &[r"string:HKLM\Software\Evil"];
    let reg = r#"{"TargetObject":"HKLM\\Software\\Evil\\Run"}"#;
    hit(string, reg, r"HKLM\\Software\\Evil");
    miss(string, r#"{"TargetObject":"HKLM\\Software\\evil"}"#);
}

/// JSON (PHP's `json_encode` among others) may write a slash as `\/`.
#[test]
fn urls_with_json_escaped_slashes() {
    let u = &["http://evil.example/a"];
    let line = r#"{"url":"http:\/\/evil.example\/a"}"#;
    hit(u, line, r"http:\/\/evil.example\/a");
    hit(
        u,
        r#"{"url":"http:\/\/evil.example\/a?x=1"}"#,
        r"http:\/\/evil.example\/a",
    );
    miss(u, r#"{"url":"http:\/\/evil.example\/ab"}"#);
    miss(u, r#"{"url":"https:\/\/evil.example\/a"}"#);
    miss(u, r#"{"url":"http:\/\/evil.example\\a"}"#);
}

/// Logs put quotes, pipes, backticks and braces around values; real
/// addresses do not hold them, so before an address they are boundaries.
/// The other characters RFC 5322 allows in a local part still join.
#[test]
fn emails_after_quotes_pipes_and_braces() {
    let i = &["a@evil.example"];
    hit(i, "{'sender': 'a@evil.example'}", "a@evil.example");
    hit(i, "WHERE email='a@evil.example'", "a@evil.example");
    hit(i, "2024-01-01|mail|a@evil.example|delivered", "a@evil.example");
    hit(i, "to `a@evil.example`", "a@evil.example");
    hit(i, "{a@evil.example}", "a@evil.example");
    miss(i, "{'sender': 'aa@evil.example'}");
    for joined in ["x.a", "x+a", "x-a", "x_a", "x!a", "x#a", "x~a"] {
        miss(i, &format!("|{joined}@evil.example|"));
    }
}

/// A percent escape of a delimiter is a boundary, and its hex digits are
/// not part of the name after it; an escape of a host byte joins.
#[test]
fn domains_after_percent_encoded_delimiters() {
    let d = &["evil.example"];
    hit(d, "u=https%3A%2F%2Fevil.example%2Flogin", "evil.example");
    hit(d, "u=https%3A%2F%2Fwww.evil.example%2Flogin", "www.evil.example");
    for esc in ["%22", "%20", "%3D", "%40", "%3A", "%3a"] {
        hit(d, &format!("q={esc}evil.example{esc}"), "evil.example");
    }
    miss(d, "u=https%3A%2F%2Fx2Fevil.example");
    miss(d, "q=x2Fevil.example");
    // `%41` is `A`: `Aevil.example` is another name.
    miss(d, "q=%41evil.example");
    miss(d, "q=evil.example%41");
    miss(d, "q=%C3%BCevil.example");
    hit(d, "q=%41.evil.example", "evil.example");
    // An encoded dot is read as today, by the decoding scan.
    hit(d, "q=%2Eevil.example", "%2Eevil.example");
    hit(d, "q=evil.example%2E ", "evil.example%2E");
    miss(d, "q=evil.example%2Eorg");
    let mail = &["a@evil.example"];
    hit(mail, "to=%3Ca@evil.example%3E", "a@evil.example");
    miss(mail, "to=%41a@evil.example");
    miss(mail, "to=%2Ba@evil.example");
}

/// A letter or digit outside ASCII next to a match makes it part of a
/// longer word; punctuation outside ASCII and invalid UTF-8 do not.
#[test]
fn letters_outside_ascii_join_words() {
    let d = &["cher.example"];
    miss(d, "www.bücher.example");
    miss(d, "q cher.exampleü");
    hit(d, "q «cher.example»", "cher.example");
    hit(d, "q\u{a0}cher.example\u{a0}", "cher.example");
    hit(&["evil.example"], "q ü.evil.example", "evil.example");
    miss(&["evil.example"], "q ü-evil.example");
    hit(&["evil.example"], "q bücher.evil.example", "evil.example");
    let f = &["nchen.exe"];
    miss(f, r"C:\Users\x\München.exe");
    miss(f, "run nchen.exeü");
    miss(f, "run nchen.exe.ü");
    hit(f, "run «nchen.exe»", "nchen.exe");
    let spaced = &["file:chen file.exe"];
    miss(spaced, r"C:\x\Müchen file.exe");
    hit(spaced, r"C:\x\chen file.exe", "chen file.exe");
    let md5 = "0cc175b9c0f1b6a831c399e269772661";
    miss(&[md5], &format!("ü{md5}"));
    miss(&[md5], &format!("{md5}é"));
    hit(&[md5], &format!("«{md5}»"), md5);
    let mail = &["a@evil.example"];
    miss(mail, "to=üa@evil.example");
    miss(mail, "to=a@evil.exampleü");
    hit(mail, "to=«a@evil.example»", "a@evil.example");
    let url = &["http://evil.example/a"];
    miss(url, "xühttp://evil.example/a");
}

/// Bytes that are not UTF-8 are boundaries.
#[test]
fn invalid_utf8_is_a_boundary() {
    let set = set_of(&["evil.example", "evil.exe"]);
    let m = Matcher::new(&set);
    let mut out = Vec::new();
    m.scan(b"\xC3evil.example \xFFevil.exe\xBC", &mut out);
    assert_eq!(out.len(), 2);
}

/// W3C and IIS logs write a URL's query in `cs-uri-query`, the field
/// after `cs-uri-stem` (`-` when there is none).
#[test]
fn urls_split_with_the_query_in_the_next_field() {
    let q = &["https://evil.example/p/q.php?id=5"];
    let w3c = "2024-01-01 00:00:08 10.0.0.1 GET /p/q.php id=5 443 \
               192.0.2.10 evil.example 200";
    hit(q, w3c, "/p/q.php id=5 443 192.0.2.10 evil.example");
    miss(q, &w3c.replace(" id=5 ", " id=6 "));
    miss(q, &w3c.replace(" id=5 ", " id=55 "));
    miss(q, &w3c.replace(" id=5 ", " - "));
    miss(q, &w3c.replace(" id=5 ", " x=1 id=5 "));
    let stem = &["https://evil.example/p/q.php"];
    hit(stem, w3c, "/p/q.php id=5 443 192.0.2.10 evil.example");
    let zeek = "1.5\tC\t10.0.0.1\t4270\t192.0.2.9\t443\t1\tGET\t\
                evil.example\t/p/q.php?id=5\t-\t1.1";
    hit(q, zeek, "evil.example\t/p/q.php?id=5");
}

/// The path of a URL split into fields after its host must be the field
/// right after the host (Zeek, as TSV or JSON) or the path of a quoted
/// request line (vhost-combined), not any later field.
#[test]
fn urls_split_take_the_path_from_the_field_after_the_host() {
    let u = &["http://aseprom.com/sun.sets"];
    let zeek = "1541117384.460627\tC9RUvy3sfP79RwEUp9\t172.16.9.233\t52029\t\
                198.50.249.194\t80\t1\tGET\taseprom.com\t/other\t-\t1.1\t\
                /sun.sets\t-\t0\t431746\t200\tOK";
    miss(u, zeek);
    hit(u, &zeek.replace("/other", "/sun.sets"), "aseprom.com\t/sun.sets");
    let json =
        r#"{"host":"aseprom.com","uri":"/other","user_agent":"/sun.sets"}"#;
    miss(u, json);
    hit(
        u,
        &json.replace("/other", "/sun.sets"),
        r#"aseprom.com","uri":"/sun.sets"#,
    );
}

/// Blue Coat ProxySG (ELFF) and W3C logs write other fields between the
/// host and the path (`cs-uri-port`, `cs-method`): after the host, the
/// path is the first field that starts with `/`, whatever lies between.
#[test]
fn urls_split_take_the_first_path_after_the_host() {
    let u = &["http://evil.example/p/q.php"];
    let proxysg = "2024-01-01 00:00:01 5 10.0.0.9 200 TCP_NC_MISS 512 \
                   GET text/html http evil.example 80 /p/q.php - php \
                   \"Mozilla/5.0\" 10.0.0.1";
    hit(u, proxysg, "evil.example 80 /p/q.php");
    miss(u, &proxysg.replace("/p/q.php", "/p/q.phpx"));
    miss(u, &proxysg.replace(" 80 /p/q.php", " 80 /other /p/q.php"));
    let w3c = "2024-01-01 00:00:01 evil.example GET /p/q.php id=5 10.0.0.9";
    hit(u, w3c, "evil.example GET /p/q.php");
    miss(u, &w3c.replace("GET /p/q.php", "GET /x /p/q.php"));
    miss(u, &w3c.replace("evil.example", "notevil.example"));
}

/// IIS writes `cs-host` with its port (`evil.example:80`); ProxySG writes
/// `cs-uri-query` with its `?` (`?id=5`).
#[test]
fn urls_split_with_a_port_on_the_host_or_a_question_mark_on_the_query() {
    let u = &["http://evil.example/p/q.php"];
    let iis = "2024-01-01 00:00:01 GET /p/q.php - 80 10.0.0.9 evil.example:80";
    hit(u, iis, "/p/q.php - 80 10.0.0.9 evil.example:80");
    miss(u, &iis.replace("evil.example:80", "evil.example:8080"));
    let w3c = "2024-01-01 00:00:01 evil.example:80 GET /p/q.php - 10.0.0.9";
    hit(u, w3c, "evil.example:80 GET /p/q.php");
    miss(u, &w3c.replace(":80 ", ":81 "));
    let q = &["http://evil.example/p/q.php?id=5"];
    let proxysg = "GET text/html http evil.example 80 /p/q.php ?id=5 php \
                   \"Mozilla/5.0\"";
    hit(q, proxysg, "evil.example 80 /p/q.php ?id=5");
    hit(q, &proxysg.replace("?id=5", "id=5"), "evil.example 80 /p/q.php id=5");
    miss(q, &proxysg.replace("?id=5", "?id=6"));
    miss(q, &proxysg.replace("?id=5", "?id=55"));
    miss(q, &proxysg.replace("?id=5", "??id=5"));
}

/// Scripts written without spaces between words (Chinese, Japanese,
/// Thai, Korean particles) put a name right against their letters: those
/// are boundaries, as full-width forms are. Latin, Greek, Cyrillic
/// letters and combining marks (decomposed text) join the word.
#[test]
fn letters_of_scripts_without_spaces_are_boundaries() {
    let d = &["evil.example"];
    for line in [
        "访问evil.example网站",
        "日本evil.example",
        "เข้าเว็บevil.exampleแล้ว",
        "ເຂົ້າevil.example",
        "ចូលevil.example",
        "ဝင်evil.example",
        "evil.example에",
        "ホストevil.exampleへ",
        "ほすとevil.example",
        "１２evil.example",
        "𠀀evil.example",
        "兀evil.example",
    ] {
        hit(d, line, "evil.example");
    }
    miss(d, "Дevil.example");
    miss(d, "evil.exampleΔ");
    miss(&["cher.example"], "www.bücher.example");
    miss(&["cher.example"], "www.bu\u{308}cher.example");
    miss(&["file:nchen.exe"], "C:\\Mu\u{308}nchen.exe");
    miss(d, "evil.example\u{301}");
    miss(d, "e\u{20d7}evil.example");
    hit(&["file:nchen.exe"], "C:\\访问\\nchen.exe", "nchen.exe");
    hit(
        &["0cc175b9c0f1b6a831c399e269772661"],
        "哈希0cc175b9c0f1b6a831c399e269772661",
        "0cc175b9c0f1b6a831c399e269772661",
    );
    miss(
        &["0cc175b9c0f1b6a831c399e269772661"],
        "0cc175b9c0f1b6a831c399e269772661\u{300}",
    );
}

/// The letter of a JSON escape before an e-mail address is not part of
/// its local part, as it is no part of a domain.
#[test]
fn email_after_a_json_escape_drops_the_escape_letter() {
    let line = r#"{"a":"x\na@evil.example"}"#;
    hit(&["a@evil.example"], line, "a@evil.example");
    miss(&["na@evil.example"], line);
    miss(&["ta@evil.example"], r#"{"a":"x\ta@evil.example"}"#);
    let escaped_slash = r#"{"a":"x\\na@evil.example"}"#;
    hit(&["na@evil.example"], escaped_slash, "na@evil.example");
    miss(&["a@evil.example"], escaped_slash);
}

/// A JSON `\t` a few letters before a local part or a scheme does not
/// end the word they are in: `\t.giffe@rs.com` is not `fe@rs.com`, nor
/// `\tabcdhttp://…` a URL.
#[test]
fn json_escape_further_back_is_no_boundary() {
    let mail = &["fe@rs.com"];
    miss(mail, r"\t.giffe@rs.com");
    miss(mail, r"\tgiffe@rs.com");
    hit(mail, r"\tfe@rs.com", "fe@rs.com");
    hit(mail, r"\u0022fe@rs.com", "fe@rs.com");
    let url = &["http://evil.example/a"];
    miss(url, r"\tabcdhttp://evil.example/a");
    hit(url, r"\thttp://evil.example/a", "http://evil.example/a");
}

/// A JSON `\t` or `\n` before an IPv6 address is a boundary, as it is
/// before an IPv4 one (Winlogbeat's `Source Network Address:\t…`).
#[test]
fn ipv6_after_a_json_escape() {
    let v6 = &["2001:db8::1"];
    hit(v6, r#"{"a":"x\t2001:db8::1"}"#, "2001:db8::1");
    hit(v6, r#"{"a":"Address:\n2001:db8::1"}"#, "2001:db8::1");
    miss(v6, r#"{"a":"x\t2001:db8::10"}"#);
    // After an escaped backslash the letter is a letter, whose word the
    // first group ends.
    miss(v6, r#"{"a":"x\\t2001:db8::1"}"#);
}

/// A JSON `\uHHHH` escape of a character that is no letter or digit (a
/// tab, a quote) is a boundary for every kind the `\t` rule covers, and
/// for addresses; one of a letter joins the word after it.
#[test]
fn unicode_escapes_of_delimiters_are_boundaries() {
    let esc = |v: &str| format!(r#"{{"a":"x\u0009{v}"}}"#);
    let letter = |v: &str| format!(r#"{{"a":"x\u0041{v}"}}"#);
    let md5 = "0cc175b9c0f1b6a831c399e269772661";
    let url = "http://evil.example/a";
    for (ioc, v) in [
        ("evil.example", "evil.example"),
        ("a@evil.example", "a@evil.example"),
        (md5, md5),
        (url, url),
        ("2001:db8::1", "2001:db8::1"),
    ] {
        hit(&[ioc], &esc(v), v);
        miss(&[ioc], &letter(v));
    }
    // Letters do not join an IPv4 address, written plain or escaped;
    // digits do.
    let v4 = &["192.0.2.1"];
    hit(v4, &esc("192.0.2.1"), "192.0.2.1");
    hit(v4, &letter("192.0.2.1"), "192.0.2.1");
    miss(v4, r#"{"a":"x\u0031192.0.2.1"}"#);
    hit(
        &["evil.example"],
        r#"{"a":"\u0022evil.example\u0022"}"#,
        "evil.example",
    );
    hit(
        &["evil.example"],
        r#"{"a":"\u8bbf\u95eeevil.example"}"#,
        "evil.example",
    );
    miss(&["evil.example"], r#"{"a":"\u00fcevil.example"}"#);
    miss(&["evil.example"], r#"{"a":"x\\u0009evil.example"}"#);
    hit(
        &["evil.example"],
        r#"{"a":"\ud840\udc00evil.example"}"#,
        "evil.example",
    );
    miss(&["u0009a@evil.example"], &esc("a@evil.example"));
}

/// Known limit: the JSON-escape rule reads plain text the same way, so a
/// UNC path's `\t` before a host name is taken as a tab.
#[test]
fn json_escape_rule_in_plain_text() {
    let d = &["evil.example"];
    hit(d, r"x\nevil.example", "evil.example");
    hit(d, r"\\?\UNC\tevil.example\share", "evil.example");
    miss(&["tevil.example"], r"\\?\UNC\tevil.example\share");
}

/// A host-shaped file name whose last dot-separated part is longer than
/// any host label (`a.pdf` and 70 more letters) is still found, typed or
/// as the expanded form of a `%VAR%` path.
#[test]
fn file_names_with_a_long_last_part() {
    let long = format!("a.pdf{}", "v".repeat(70));
    let typed = [format!("file:{long}")];
    let typed: Vec<&str> = typed.iter().map(String::as_str).collect();
    hit(&typed, &format!("open /tmp/{long} ok"), &long);
    miss(&typed, &format!("open /tmp/{long}w ok"));
    miss(&typed, &format!("open /tmp/x{long} ok"));
    let var = [format!("%5%\\{long}")];
    let var: Vec<&str> = var.iter().map(String::as_str).collect();
    hit(&var, &format!("open C:\\x\\{long} ok"), &long);
    miss(&var, &format!("open C:\\x\\{long}w ok"));
}

#[test]
fn device_paths_match_as_the_paths_they_name() {
    // A pipe matches as written; its name alone is no path of its own.
    let pipe = &[r"\\.\pipe\msagent_12"];
    hit(pipe, r"CreateFile \\.\pipe\msagent_12", r"\\.\pipe\msagent_12");
    miss(pipe, r"PipeName: \msagent_123");
    miss(pipe, r"Image: C:\msagent_12\x.exe");
    // A long path as the drive path or UNC path it stands for.
    let long = &[r"\\?\C:\x\.hidden\a.exe"];
    hit(long, r"Image: C:\x\.hidden\a.exe", r"C:\x\.hidden\a.exe");
    assert_eq!(
        matched(long, r"Image: \\?\C:\x\.hidden\a.exe"),
        vec![r"C:\x\.hidden\a.exe", r"\\?\C:\x\.hidden\a.exe"]
    );
    miss(long, r"Image: D:\x\.hidden\a.exe");
    let unc = &[r"\\?\UNC\srv\share\x.exe"];
    hit(unc, r"copy \\srv\share\x.exe", r"\\srv\share\x.exe");
    miss(unc, r"copy \\srv2\share\x.exe");
    let nt = &[r"\??\C:\Windows\Temp\evil.sys"];
    hit(
        nt,
        r"ImagePath: C:\Windows\Temp\evil.sys",
        r"C:\Windows\Temp\evil.sys",
    );
    miss(nt, r"ImagePath: C:\Windows\Temp\evil.sys2");
}
