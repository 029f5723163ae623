//! Each form with a line in the shape the corpus writes it (the file it
//! comes from named), read to its exact UTC time.

use super::*;

/// Reads `line` as from a file last modified at `modified` (RFC 3339).
fn read_at(line: &str, modified: &str) -> Option<String> {
    let (m, _) = iso(modified.as_bytes()).expect("a valid mtime");
    let ctx = Context { modified: Some(m), date: None };
    line_time(line.as_bytes(), &ctx).map(|t| t.to_string())
}

fn read(line: &str) -> Option<String> {
    read_at(line, "2026-12-04T18:00:00Z")
}

#[test]
fn iso_and_rfc3339_with_and_without_zone() {
    // khaefner_ufw.log
    let ufw = "2025-11-30T00:00:20.570472-07:00 m1 kernel: [4290995.710144] \
               [UFW AUDIT] IN= OUT=eth0 SRC=192.168.0.99";
    assert_eq!(read(ufw).unwrap(), "2025-11-30T07:00:20.570472Z");
    // sekoia_unbound.log
    let unbound = "2019-10-08T11:29:05+02:00 hostfoo unbound[17265]: \
                   [17265:13] info: 127.0.0.1 reachms.corp.com. A IN";
    assert_eq!(read(unbound).unwrap(), "2019-10-08T09:29:05Z");
    // artik292_exim_mainlog: no zone, read as UTC.
    let exim = "2023-04-23 03:47:01 pid 27421: SIGHUP received";
    assert_eq!(read(exim).unwrap(), "2023-04-23T03:47:01Z");
    // elastic_exchange_messagetracking.log: ISO in the first column.
    let exch = "2024-01-25T15:16:09.843Z,,,,exchange-mail,No suitable \
                shadow servers,,SMTP,HAREDIRECTFAIL,70971234566456";
    assert_eq!(read(exch).unwrap(), "2024-01-25T15:16:09.843Z");
    // loghub_Windows_2k.log: a comma after the seconds is no fraction.
    let cbs = "2016-09-28 04:30:30, Info                  CBS    Loaded";
    assert_eq!(read(cbs).unwrap(), "2016-09-28T04:30:30Z");
    // sekoia_paloalto_ngfw.log: the serial number after the comma is the
    // next column, not a fraction; log4j's comma fraction still reads.
    let pan = "1,2024/10/25 16:10:48,024101010000,SYSTEM,userid,2562";
    assert_eq!(read(pan).unwrap(), "2024-10-25T16:10:48Z");
    let log4j = "2024-10-25 16:10:48,123 INFO main - started";
    assert_eq!(read(log4j).unwrap(), "2024-10-25T16:10:48.123Z");
    // sekoia_nginx.log error log: slashes.
    let nginx = "2019/08/25 23:59:53 [error] 9841#9841: *103137592 connect()";
    assert_eq!(read(nginx).unwrap(), "2019-08-25T23:59:53Z");
    // Near misses: an impossible date, a one-digit hour.
    assert_eq!(read("2025-02-29T00:00:00Z host x"), None);
    assert_eq!(read("2025-02-28 9:00:00 x"), None);
}

#[test]
fn syslog_rfc3164_takes_its_year_from_the_file() {
    // loghub_OpenSSH_2k.log
    let ssh = "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster \
               from 173.234.31.186";
    // Swept in January: December is last year's.
    let jan = read_at(ssh, "2026-01-15T08:00:00Z").unwrap();
    assert_eq!(jan, "2025-12-10T06:55:46Z");
    // Swept in December: this year's.
    let dec = read_at(ssh, "2026-12-31T23:00:00Z").unwrap();
    assert_eq!(dec, "2026-12-10T06:55:46Z");
    // Last written on 4 December: 10 December is last year's, not six
    // days after the file's last write; a day of slack for local times.
    let early = read_at(ssh, "2026-12-04T17:53:07Z").unwrap();
    assert_eq!(early, "2025-12-10T06:55:46Z");
    let slack = read_at(ssh, "2026-12-09T08:00:00Z").unwrap();
    assert_eq!(slack, "2026-12-10T06:55:46Z");
    // shlomif_postfix_maillog: day padded with a blank.
    let postfix = "Oct  2 18:37:35 telaviv1 postfix[1086537]: Postfix is \
                   running";
    let t = read_at(postfix, "2026-11-01T00:00:00Z").unwrap();
    assert_eq!(t, "2026-10-02T18:37:35Z");
    // elastic_pfsense_filterlog.log: after a priority.
    let pf = "<134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1";
    let t = read_at(pf, "2026-08-01T00:00:00Z").unwrap();
    assert_eq!(t, "2026-07-03T19:10:30Z");
    // elastic_beats_cisco_asa_sample.log: the year written.
    let asa = "Apr 15 2013 09:36:50: %ASA-4-106023: Deny tcp src \
               dmz:10.1.2.30/63016 dst outside:192.0.0.8/53";
    assert_eq!(read(asa).unwrap(), "2013-04-15T09:36:50Z");
    // Near miss: no such month.
    assert_eq!(read("Foo 10 06:55:46 LabSZ sshd[24200]: x"), None);
}

#[test]
fn syslog_rfc5424() {
    let line = "<34>1 2026-12-04T14:58:20.003Z mymachine su - ID47 - x";
    assert_eq!(read(line).unwrap(), "2026-12-04T14:58:20.003Z");
}

#[test]
fn epoch_seconds_start_zeek_and_squid_lines() {
    // lnav_bro_http.log (TSV)
    let zeek = "1320279566.452687\tCwFs1P2UcUdlSxD2La\t192.168.2.76\t52026";
    assert_eq!(read(zeek).unwrap(), "2011-11-03T00:19:26.452687Z");
    // kujiraitakahiro_squid_access.log
    let squid = "1522663539.072     51 192.168.11.2 TCP_TUNNEL/200 0 CONNECT \
                 www.google.com:443 - HIER_DIRECT/172.217.161.68 -";
    assert_eq!(read(squid).unwrap(), "2018-04-02T10:05:39.072Z");
    // Near miss: loghub_HDFS_2k.log starts with a six-digit date.
    assert_eq!(read("081109 203615 148 INFO dfs.DataNode: x"), None);
}

#[test]
fn bind_apache_and_windows_dns_forms() {
    // sekoia_infoblox.log (BIND query log shape)
    let bind = "28-Nov-2024 15:26:27.498 client 1.2.3.4#36615: UDP: query: \
                PD2LORA2.enim.l2 IN A response: NOERROR";
    assert_eq!(read(bind).unwrap(), "2024-11-28T15:26:27.498Z");
    // evtxattack_tomcat_webshell_localhost_access_log.txt
    let tomcat = "192.168.105.83 - - [11/Jul/2018:08:41:28 +0300] \"GET / \
                  HTTP/1.1\" 200 11444";
    assert_eq!(read(tomcat).unwrap(), "2018-07-11T05:41:28Z");
    // loghub_Apache_2k.log error log
    let err = "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok";
    assert_eq!(read(err).unwrap(), "2005-12-04T04:47:44Z");
    // sekoia_haproxy.log: milliseconds, no zone.
    let ha = "1.1.1.1:65276 [29/Feb/2024:15:01:18.909] HTTP~ Store/x 200";
    assert_eq!(read(ha).unwrap(), "2024-02-29T15:01:18.909Z");
    // Windows DNS debug log (none in the corpus: its documented shape).
    let dns = "12/4/2026 2:58:20 PM 0E3C PACKET  000000EEF0E2A1C0 UDP Rcv \
               192.0.2.7 4e2b   Q [0001   D   NOERROR] A     \
               (3)www(4)evil(7)example(0)";
    assert_eq!(read(dns).unwrap(), "2026-12-04T14:58:20Z");
    let am = "12/4/2026 12:05:01 AM 0E3C PACKET x";
    assert_eq!(read(am).unwrap(), "2026-12-04T00:05:01Z");
    // sekoia_iis.log: month first, a comma before the time.
    let iis = "::1, -, 11/20/2023, 15:44:03, W3SVC1, IIS-server, ::1, 2";
    assert_eq!(read(iis).unwrap(), "2023-11-20T15:44:03Z");
    // Near miss: month 13.
    assert_eq!(read("13/4/2026 2:58:20 PM x"), None);
}

#[test]
fn keyed_forms() {
    // sekoia_fortigate.log
    let forti = "date=2016-02-12 time=14:10:42 logid=0720018433 \
                 type=anomaly subtype=anomaly level=alert srcip=1.1.1.1";
    assert_eq!(read(forti).unwrap(), "2016-02-12T14:10:42Z");
    // FortiGate's zone written apart, as when no eventtime= is given.
    let forti_tz = "date=2024-01-01 time=10:00:00 devname=\"FG\" \
                    tz=\"+0100\" srcip=1.1.1.1";
    assert_eq!(read(forti_tz).unwrap(), "2024-01-01T09:00:00Z");
    // sekoia_stormshield.log: quoted, local time with its zone apart.
    let storm = "time=\"2023-11-23 06:49:20\" fw=\"SN12345678912345\" \
                 tz=+0100 startime=\"2023-11-23 06:49:20\" pri=4";
    assert_eq!(read(storm).unwrap(), "2023-11-23T05:49:20Z");
    // Near miss: no tz= key, read as UTC.
    let storm_utc = "time=\"2023-11-23 06:49:20\" fw=\"SN1\" pri=4";
    assert_eq!(read(storm_utc).unwrap(), "2023-11-23T06:49:20Z");
    // Sysmon rendered as text (a Message field).
    let sysmon = "Process Create:\tRuleName: -\tUtcTime: 2020-10-22 \
                  05:54:20.165\tProcessGuid: {x}";
    assert_eq!(read(sysmon).unwrap(), "2020-10-22T05:54:20.165Z");
    // Near miss: a date key with no time key.
    assert_eq!(read("x date=2016-02-12 logid=1"), None);
}

#[test]
fn json_keys() {
    // sekoia_winlogbeat.jsonl
    let beat =
        "{\"@timestamp\":\"2023-01-31T18:02:52.597Z\",\"@version\":\"1\"}";
    assert_eq!(read(beat).unwrap(), "2023-01-31T18:02:52.597Z");
    // otrf_apt29_zeek_NASHUA_conn.log: an epoch number under "ts".
    let zeek = "{\"@stream\":\"conn\",\"@system\":\"bobs.bigwheel.local\",\
                \"@proc\":\"zeek\",\"ts\":1588205199.82437,\"uid\":\"C\"}";
    assert_eq!(read(zeek).unwrap(), "2020-04-30T00:06:39.824370Z");
    // brim_json_dns.json.gz: an ISO string under "ts".
    let brim = "{\"_path\":\"dns\",\"_write_ts\":\"2018-03-24T17:15:20.866586Z\",\
                \"ts\":\"2018-03-24T17:15:20.865716Z\",\"uid\":\"C\"}";
    assert_eq!(read(brim).unwrap(), "2018-03-24T17:15:20.865716Z");
    // sekoia_windows_nxlog.jsonl: no zone.
    let nx = "{\"EventTime\":\"2023-07-27 12:58:38\",\"Hostname\":\"h\"}";
    assert_eq!(read(nx).unwrap(), "2023-07-27T12:58:38Z");
    // sekoia_zscaler_zia.log: ctime words.
    let zs = "{\"sourcetype\": \"zscalernss-audit\",\"event\": {\"time\": \
              \"Mon Aug 28 08:04:30 2023\",\"recordid\": \"0\"}}";
    assert_eq!(read(zs).unwrap(), "2023-08-28T08:04:30Z");
    // Near miss: a JSON line with no time in it.
    assert_eq!(read("{\"a\":\"b\",\"ts\":\"soon\"}"), None);
}

#[test]
fn times_further_into_the_line() {
    // loghub_Thunderbird_2k.log: the syslog time after a prefix.
    let tb = "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 \
              crond(pam_unix)[2915]: session closed for user root";
    let t = read_at(tb, "2026-12-01T00:00:00Z").unwrap();
    assert_eq!(t, "2026-11-09T12:01:01Z");
    // sekoia_bluecoat_proxysg.log: the host glued to the time is still
    // ISO at the start.
    let bc = "2024-01-12T09:46:02PROXY01.EXAMPLE.ORG bluecoat - access_log";
    assert_eq!(read(bc).unwrap(), "2024-01-12T09:46:02Z");
    // Near miss: digits that are no time.
    assert_eq!(read("statistics: 42 connections at 10"), None);
}

#[test]
fn bounds_read_dates_times_and_ages() {
    let now = Stamp { secs: 1_796_396_300, nanos: 0 };
    let t = parse_bound("2026-09-01", now).unwrap();
    assert_eq!(t.to_string(), "2026-09-01T00:00:00Z");
    let t = parse_bound("2026-09-01T12:00:00+02:00", now).unwrap();
    assert_eq!(t.to_string(), "2026-09-01T10:00:00Z");
    let t = parse_bound("90d", now).unwrap();
    assert_eq!(t.to_string(), "2026-09-05T14:58:20Z");
    assert_eq!(parse_bound("12h", now).unwrap().secs, now.secs - 43_200);
    let e = parse_bound("yesterday", now).unwrap_err();
    assert!(e.contains("expected RFC 3339"), "{e}");
    assert!(parse_bound("2026-13-01", now).is_err());
}

#[test]
fn epoch_keys_and_header_dates() {
    // sekoia_checkpoint.log: CEF's rt= in milliseconds.
    let cef = "CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|x|\
               Unknown|act=Redirect deviceDirection=0 rt=1593013776000 spt=53";
    assert_eq!(read(cef).unwrap(), "2020-06-24T15:49:36Z");
    // sekoia_fortigate.log: a time of day only, and eventtime= seconds.
    let forti = "time=17:24:16 devname=\"abc\" devid=\"1\" \
                 logid=\"0101037130\" eventtime=1580142256 logdesc=\"x\"";
    assert_eq!(read(forti).unwrap(), "2020-01-27T16:24:16Z");
    // Newer FortiOS writes nanoseconds.
    let ns = "eventtime=1580142256123456789 logid=1";
    assert_eq!(read(ns).unwrap(), "2020-01-27T16:24:16.123456789Z");
    // lnav_w3c_2.log: a time column only, dated by the #Date header.
    let head = b"#Software: Microsoft Internet Information Server 4.0\n\
                 #Version: 1.0\n#Date: 2000-10-09 16:44:49\n";
    let ctx = Context { modified: None, date: header_date(head) };
    let t = line_time(b"16:48:05 1.1.1.1 [2]QUIT - 226", &ctx).unwrap();
    assert_eq!(t.to_string(), "2000-10-09T16:48:05Z");
    // Near miss: without a header date, a time of day is no time.
    assert_eq!(read("16:48:05 1.1.1.1 [2]QUIT - 226"), None);
}

#[test]
fn dates_and_times_written_apart_or_glued() {
    // lnav_w3c_4.log: quoted date and time columns.
    let w3c = "\"2017-06-28\" \"07:26:35\" \"a1f36498-c34a\" \"Chrome\"";
    assert_eq!(read(w3c).unwrap(), "2017-06-28T07:26:35Z");
    // sekoia_broadcom_cloud_swg.log: date and time keys.
    let swg = "{\"x-bluecoat-request-tenant-id\":\"111\",\"date\":\"2024-03-04\",\
               \"time\":\"16:55:02\",\"time-taken\":\"28\"}";
    assert_eq!(read(swg).unwrap(), "2024-03-04T16:55:02Z");
    // khaefner_gitlab-workhorse.log: year first, a colon before the time.
    let wh = "192.168.0.99:8080 127.0.0.1 - - [2025/11/24:01:46:49 +0530] \
              \"GET /nmaplowercheck1763929008 HTTP/1.1\" 302 104";
    assert_eq!(read(wh).unwrap(), "2025-11-23T20:16:49Z");
    // sekoia_cisco_wsa.log: Squid after a level.
    let wsa = "Info: 1649097617.352 7 1.2.3.4 TCP_MISS/302 779 HEAD http://x/";
    assert_eq!(read(wsa).unwrap(), "2022-04-04T18:40:17.352Z");
    // Near misses: a glued colon needs slashes; a date alone is no time.
    assert_eq!(read("2025-11-24:01:46:49 x"), None);
    assert_eq!(read("{\"date\":\"2024-03-04\",\"a\":1}"), None);
}

mod prop {
    use super::*;
    use proptest::prelude::*;

    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec",
    ];

    /// A valid date and time, and its stamp computed by `Civil`.
    fn civil() -> impl Strategy<Value = (Civil, Stamp)> {
        // From 1974: epoch seconds before have fewer than nine digits,
        // which are not taken for times.
        (1974i64..2100, 1u32..=12, 1u32..=31, 0u32..24, 0u32..60, 0u32..60)
            .prop_filter_map("a real date", |(y, mo, d, h, mi, s)| {
                let c = Civil {
                    year: y,
                    month: mo,
                    day: d,
                    hour: h,
                    minute: mi,
                    second: s,
                    nanos: 0,
                };
                c.stamp().map(|t| (c, t))
            })
    }

    proptest! {
        /// Every form, written from the same instant, reads back to it.
        #[test]
        fn each_form_reads_back_the_instant_written((c, t) in civil(), ms in 0u32..1000) {
            let (y, mo, d, h, mi, s) =
                (c.year, c.month, c.day, c.hour, c.minute, c.second);
            let name = NAMES[mo as usize - 1];
            let with_ms = Stamp { secs: t.secs, nanos: ms * 1_000_000 };
            let forms = [
                (format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z x"), with_ms),
                (format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} x"), t),
                (format!("{d:02}-{name}-{y:04} {h:02}:{mi:02}:{s:02}.{ms:03} client"), with_ms),
                (format!("1.2.3.4 - - [{d:02}/{name}/{y:04}:{h:02}:{mi:02}:{s:02} +0000] \"GET /\""), t),
                (format!("{mo}/{d}/{y:04} {}:{mi:02}:{s:02} {} 0E3C PACKET", (h + 11) % 12 + 1, if h < 12 { "AM" } else { "PM" }), t),
                (format!("{}.{ms:03}    1 1.2.3.4 TCP_MISS/200", t.secs), with_ms),
                (format!("date={y:04}-{mo:02}-{d:02} time={h:02}:{mi:02}:{s:02} logid=1"), t),
            ];
            for (line, want) in forms {
                let got = line_time(line.as_bytes(), &Context::default());
                prop_assert_eq!(got, Some(want), "{}", line);
            }
            // Syslog, with the file modified later the same year.
            let line = format!("{name} {d:2} {h:02}:{mi:02}:{s:02} host sshd[1]: x");
            let end_of_year = Civil { month: 12, day: 31, hour: 23, minute: 59, second: 59, ..c };
            let ctx = Context { modified: end_of_year.stamp(), date: None };
            prop_assert_eq!(line_time(line.as_bytes(), &ctx), Some(t), "{}", line);
        }

        /// An offset moves the instant by exactly that much.
        #[test]
        fn zones_shift_by_their_offset((c, t) in civil(), east in -14i64 * 60..=14 * 60) {
            let sign = if east < 0 { '-' } else { '+' };
            let (hh, mm) = (east.abs() / 60, east.abs() % 60);
            let line = format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{hh:02}:{mm:02} host x",
                c.year, c.month, c.day, c.hour, c.minute, c.second
            );
            let got = line_time(line.as_bytes(), &Context::default()).unwrap();
            prop_assert_eq!(got.secs, t.secs - east * 60, "{}", line);
        }
    }
}

/// Found by the property test: an all-digit date is day-first only in
/// a proxy's brackets; Windows DNS writes it month-first.
#[test]
fn all_digit_dates_day_first_in_brackets_month_first_otherwise() {
    // sekoia_olfeo_swg.log
    let olfeo = "1.2.3.4 - jdoe [02/07/2024 07:51:20] \"GET http://example.com/ \
                 HTTP/1.1\" 403 - - 0 Unclassified URL";
    assert_eq!(read(olfeo).unwrap(), "2024-07-02T07:51:20Z");
    let dns = "10/11/2026 1:00:00 PM 0E3C PACKET  x UDP Rcv 192.0.2.7";
    assert_eq!(read(dns).unwrap(), "2026-10-11T13:00:00Z");
}

#[test]
fn a_one_digit_hour_in_date_and_time_fields_is_no_time_and_no_panic() {
    // Once a panic: the fields join to exactly 19 bytes with a one-digit
    // hour, and the check after the clock indexed byte 19.
    assert_eq!(read(r#"time="2023-11-14 1:16:23" x"#), None);
    assert_eq!(read("date=2023-11-14 time=1:16:230 logid=1"), None);
    assert_eq!(iso(b"2023-11-14 1:16:230"), None);
    // Near miss: two digits read.
    assert_eq!(
        read("date=2023-11-14 time=01:16:23 logid=1").unwrap(),
        "2023-11-14T01:16:23Z"
    );
}
