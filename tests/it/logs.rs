//! Log recognition, times and EVTX records on the real logs of the
//! corpus (`../shared/corpus/logs`), and `--since`/`--until`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use iocsweep::logs::kind_of;

/// Returns `../shared/corpus/logs`, or `None` (with a note) when absent.
fn corpus() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/logs");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("corpus not found at {}, skipping", dir.display());
    None
}

/// Every file of the corpus and the kind of log it is, worked out by
/// reading each. Mixed sample collections get the kind most of their
/// first lines have; prose and formats not told apart are `text`.
const KINDS: &[(&str, &str)] = &[
    ("PROVENANCE.md", "text"),
    ("dns/dhbw_dnsmasq.log", "dnsmasq"),
    ("dns/elastic_pfsense_unbound.log", "unbound"),
    ("dns/sekoia_bind.log", "bind-query"),
    ("dns/sekoia_efficientip_ddi.log", "bind-query"),
    ("dns/sekoia_infoblox.log", "bind-query"),
    ("dns/sekoia_umbrella_dns.csv", "text"),
    ("dns/sekoia_unbound.log", "unbound"),
    ("firewall/elastic_beats_cisco_asa_sample.log", "cisco-asa"),
    ("firewall/elastic_pfsense_filterlog.log", "pf-filterlog"),
    ("firewall/khaefner_ufw.log", "iptables"),
    ("firewall/rafmio_ufw.log", "iptables"),
    ("firewall/rafmio_ufw.log.2.gz", "iptables"),
    ("firewall/rafmio_ufw.log.3.gz", "iptables"),
    ("firewall/sekoia_barracuda_cgf.log", "text"),
    ("firewall/sekoia_checkpoint.log", "cef"),
    ("firewall/sekoia_cisco_asa_ftd.log", "cisco-asa"),
    ("firewall/sekoia_forcepoint_ngfw.log", "leef"),
    ("firewall/sekoia_fortigate.log", "fortigate"),
    ("firewall/sekoia_juniper_srx.log", "juniper-srx"),
    ("firewall/sekoia_netfilter.log", "iptables"),
    ("firewall/sekoia_paloalto_ngfw.log", "paloalto"),
    ("firewall/sekoia_pf_filterlog.log", "pf-filterlog"),
    ("firewall/sekoia_sonicwall.log", "cef"),
    ("firewall/sekoia_stormshield.log", "text"),
    ("firewall/sekoia_watchguard.log", "leef"),
    ("mail/artik292_exim_mainlog", "exim"),
    ("mail/elastic_exchange_messagetracking.log", "exchange-tracking"),
    ("mail/infohtreasure_maillog", "postfix"),
    ("mail/infohtreasure_mailog2", "postfix"),
    ("mail/sekoia_cisco_esa.log", "cef"),
    ("mail/sekoia_fortimail.log", "text"),
    ("mail/sekoia_o365_message_trace.jsonl", "json"),
    ("mail/sekoia_postfix.log", "postfix"),
    ("mail/sekoia_spamassassin.log", "syslog"),
    ("mail/shlomif_postfix_maillog", "postfix"),
    ("proxy/elastic_pfsense_squid.log", "squid"),
    ("proxy/kujiraitakahiro_squid_access.log", "squid"),
    ("proxy/lnav_haproxy.log", "haproxy"),
    ("proxy/loghub_Proxifier_2k.log", "text"),
    ("proxy/sekoia_bluecoat_proxysg.log", "text"),
    ("proxy/sekoia_broadcom_cloud_swg.log", "json"),
    ("proxy/sekoia_cisco_wsa.log", "squid"),
    ("proxy/sekoia_forcepoint_swg.log", "cef"),
    ("proxy/sekoia_fortiproxy.log", "fortigate"),
    ("proxy/sekoia_olfeo_swg.log", "access-combined"),
    ("proxy/sekoia_skyhigh_swg.log", "text"),
    ("proxy/sekoia_squid.log", "squid"),
    ("proxy/sekoia_zscaler_zia.log", "json"),
    ("syslog/khaefner_apt_eipp.log.xz", "text"),
    ("syslog/lnav_logfile_invalid_utf8.log", "text"),
    ("syslog/lnav_textfile_broken_gz.txt.gz", "text"),
    ("syslog/loghub_HDFS_2k.log", "text"),
    ("syslog/loghub_Linux_2k.log", "syslog"),
    ("syslog/loghub_OpenSSH_2k.log", "syslog"),
    ("syslog/loghub_Thunderbird_2k.log", "text"),
    ("syslog/ossec_logtesting_samples.log", "syslog"),
    ("sysmon/deepblue_metasploit-sysmon.evtx", "evtx"),
    ("sysmon/deepblue_metasploit-sysmon.xml", "sysmon-xml"),
    ("sysmon/evtxattack_DE_sysmon-3-rdp-tun.evtx", "evtx"),
    ("sysmon/evtxattack_DE_sysmon-3-rdp-tun.xml", "sysmon-xml"),
    ("sysmon/evtxattack_LM_DCOM_MSHTA_LethalHTA_Sysmon_3_1.evtx", "evtx"),
    ("sysmon/evtxattack_Sysmon_UACME_22.evtx", "evtx"),
    ("sysmon/evtxattack_exec_wmic_xsl_internet_sysmon_3_1_11.evtx", "evtx"),
    ("sysmon/evtxattack_panache_sysmon_vs_EDRTestingScript.evtx", "evtx"),
    (
        "sysmon/evtxattack_sysmon_3_10_Invoke-Mimikatz_hosted_Github.evtx",
        "evtx",
    ),
    ("sysmon/evtxattack_tunna_iis_rdp_smb_tunneling_sysmon_3.evtx", "evtx"),
    ("sysmon/otrf_cmd_bitsadmin_download_psh_script.jsonl", "winevent-json"),
    ("sysmon/otrf_psh_cmstp_execution_bypassuac.jsonl", "winevent-json"),
    ("web/evtxattack_Tunna_rdp_tunnel_IIS.log", "w3c"),
    (
        "web/evtxattack_tomcat_webshell_localhost_access_log.txt",
        "access-combined",
    ),
    ("web/khaefner_gitlab-workhorse.log", "access-combined"),
    ("web/kujiraitakahiro_httpd_access.log", "access-combined"),
    ("web/lnav_access_log.0", "access-combined"),
    ("web/lnav_iis_w3c_big.log", "w3c"),
    ("web/lnav_shop_access_log", "access-combined"),
    ("web/lnav_w3c_0.log", "w3c"),
    ("web/lnav_w3c_1.log", "w3c"),
    ("web/lnav_w3c_2.log", "w3c"),
    ("web/lnav_w3c_3.log", "w3c"),
    ("web/lnav_w3c_4.log", "w3c"),
    ("web/lnav_w3c_6.log", "w3c"),
    ("web/loghub_Apache_2k.log", "apache-error"),
    ("web/sekoia_apache.log", "access-combined"),
    ("web/sekoia_haproxy.log", "haproxy"),
    ("web/sekoia_iis.log", "iis"),
    ("web/sekoia_nginx.log", "access-combined"),
    ("windows/chainsaw_security_sample.evtx", "evtx"),
    ("windows/deepblue_new-user-security.evtx", "evtx"),
    ("windows/deepblue_password-spray_redacted.xml", "winevent-xml"),
    ("windows/deepblue_smb-password-guessing-security.evtx", "evtx"),
    (
        "windows/evtxattack_CA_4624_4625_LogonType2_LogonProc_chrome.evtx",
        "evtx",
    ),
    (
        "windows/evtxattack_CA_4624_4625_LogonType2_LogonProc_chrome.xml",
        "winevent-xml",
    ),
    ("windows/evtxattack_DE_1102_security_log_cleared.evtx", "evtx"),
    ("windows/evtxattack_DE_RDP_Tunnel_5156.evtx", "evtx"),
    (
        "windows/evtxattack_LM_4624_mimikatz_sekurlsa_pth_source_machine.evtx",
        "evtx",
    ),
    ("windows/evtxattack_bits_openvpn.evtx", "evtx"),
    ("windows/evtxattack_kerberos_pwd_spray_4771.evtx", "evtx"),
    ("windows/evtxattack_netlogon_ZeroLogon.log", "text"),
    ("windows/loghub_Windows_2k.log", "text"),
    ("windows/omerbenamram_Security_short_selected.evtx", "evtx"),
    ("windows/omerbenamram_sample_with_a_bad_chunk_magic.evtx", "evtx"),
    ("windows/omerbenamram_security.evtx", "evtx"),
    ("windows/otrf_empire_shell_rubeus_asktgt_ptt.jsonl", "winevent-json"),
    ("windows/otrf_reg_disable_eventlog_service.jsonl.gz", "winevent-json"),
    ("windows/sekoia_windows_nxlog.jsonl", "winevent-json"),
    ("windows/sekoia_winlogbeat.jsonl", "winevent-json"),
    ("zeek/brim_json_dns.json.gz", "zeek-dns"),
    ("zeek/brim_json_ssl.json.gz", "zeek-ssl"),
    ("zeek/brim_json_x509.json.gz", "zeek-x509"),
    ("zeek/brim_tsv_dns.log.gz", "zeek-dns"),
    ("zeek/brim_tsv_notice.log.gz", "zeek-notice"),
    ("zeek/brim_tsv_smtp.log.gz", "zeek-smtp"),
    ("zeek/brim_tsv_ssl.log.gz", "zeek-ssl"),
    ("zeek/lnav_bro_conn.log", "zeek-conn"),
    ("zeek/lnav_bro_http.log", "zeek-http"),
    ("zeek/otrf_apt29_zeek_NASHUA_conn.log", "zeek-conn"),
    ("zeek/otrf_apt29_zeek_NASHUA_dns.log", "zeek-dns"),
    ("zeek/otrf_apt29_zeek_NASHUA_files.log", "zeek-files"),
    ("zeek/otrf_apt29_zeek_NASHUA_kerberos.log", "zeek-kerberos"),
    ("zeek/otrf_apt29_zeek_NASHUA_ssl.log", "zeek-ssl"),
    ("zeek/otrf_apt29_zeek_NASHUA_x509.log", "zeek-x509"),
    ("zeek/otrf_apt29_zeek_SCRANTON_http.log", "zeek-http"),
    ("zeek/otrf_apt29_zeek_SCRANTON_smb_files.log", "zeek-smb_files"),
    ("zeek/otrf_apt29_zeek_UTICA-ONE-DRIVE_files.log", "zeek-files"),
    ("zeek/trickbot_2018-11-09_conn.log", "zeek-conn"),
    ("zeek/trickbot_2018-11-09_dns.log", "zeek-dns"),
    ("zeek/trickbot_2018-11-09_files.log", "zeek-files"),
    ("zeek/trickbot_2018-11-09_http.log", "zeek-http"),
    ("zeek/trickbot_2018-11-09_pe.log", "zeek-pe"),
    ("zeek/trickbot_2018-11-09_smb_files.log", "zeek-smb_files"),
    ("zeek/trickbot_2018-11-09_ssl.log", "zeek-ssl"),
    ("zeek/trickbot_2018-11-09_x509.log", "zeek-x509"),
    ("zeek/zeekbaseline_http-methods_http.log", "zeek-http"),
    ("zeek/zeekbaseline_http-uri-sha256_http.jsonish.log", "zeek-http"),
    ("zeek/zeekbaseline_ipv6-frag_dns.log", "zeek-dns"),
    ("zeek/zeekbaseline_json-iso-timestamps_ssh.log", "json"),
    ("zeek/zeekbaseline_tunnels-teredo_conn.log", "zeek-conn"),
    ("zeek/zeekbaseline_x509_files.log", "zeek-files"),
];

/// Returns the first 256 KiB of a corpus file, decompressed.
fn head(path: &Path) -> Vec<u8> {
    let file = std::fs::File::open(path).unwrap();
    let name = path.to_str().unwrap();
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if name.ends_with(".xz") {
        Box::new(liblzma::read::XzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let mut head = Vec::new();
    // A damaged archive yields what it can.
    let _ = reader.take(256 * 1024).read_to_end(&mut head);
    head
}

#[test]
fn every_corpus_log_is_recognised() {
    let Some(logs) = corpus() else { return };
    let mut files: Vec<String> = Vec::new();
    walk(&logs, &logs, &mut files);
    files.sort();
    let listed: Vec<&str> = KINDS.iter().map(|(p, _)| *p).collect();
    assert_eq!(files, listed, "the table lists every corpus file");
    let mut wrong = Vec::new();
    for (file, want) in KINDS {
        let path = logs.join(file);
        let got = kind_of(path.to_str().unwrap(), &head(&path));
        if got != *want {
            wrong.push(format!("{file}: want {want}, got {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(root, &p, out);
        } else {
            let rel = p.strip_prefix(root).unwrap();
            out.push(rel.to_str().unwrap().replace('\\', "/"));
        }
    }
}

/// Runs a sweep; returns its records, standard error and exit status.
fn sweep(args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .arg("sweep")
        .args(["--format", "jsonl"])
        .args(args)
        .output()
        .expect("the iocsweep binary runs");
    let records = String::from_utf8(out.stdout)
        .expect("jsonl is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (records, err, out.status.code())
}

/// A record's line, indicator, time, log and fields, as one string.
fn brief(r: &Value) -> String {
    format!(
        "{} {} {} {} {}",
        r["line"], r["indicator"], r["time"], r["log"], r["fields"]
    )
}

#[test]
fn sysmon_evtx_records_hit_with_their_ids_and_times() {
    let Some(logs) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("planted.iocs");
    // Found in the file's records: an event 3 destination and its host
    // name, an event 1 SHA-256, an image name.
    let planted = "45.76.12.27\nafterburst.com\n\
        132AA270790F56A7524CAB968927ED5E1D91B9A26D4BADCB24E450E7DECC5F81\n\
        WMIC.exe\nnotwmic.exe\n45.76.12.2\n";
    std::fs::write(&iocs, planted).unwrap();
    let evtx = logs
        .join("sysmon/evtxattack_exec_wmic_xsl_internet_sysmon_3_1_11.evtx");
    let args = ["--iocs", iocs.to_str().unwrap(), evtx.to_str().unwrap()];
    let (records, err, status) = sweep(&args);
    assert_eq!(status, Some(1), "{err}");
    let got: Vec<String> = records.iter().map(brief).collect();
    let sha =
        "\"132aa270790f56a7524cab968927ed5e1d91b9a26d4badcb24e450e7decc5f81\"";
    let t = |s: &str| format!("\"2019-05-23T16:{s}Z\"");
    let sysmon = "\"evtx-sysmon\"";
    let want = vec![
        format!(
            "892 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:05.736570500")
        ),
        format!("892 {sha} {} {sysmon} [\"hash\"]", t("49:05.736570500")),
        format!(
            "893 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:05.862062500")
        ),
        format!(
            "894 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:07.731893300")
        ),
        format!(
            "895 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:08.208762900")
        ),
        format!(
            "895 \"45.76.12.27\" {} {sysmon} [\"dst\"]",
            t("49:08.208762900")
        ),
        format!(
            "895 \"afterburst.com\" {} {sysmon} [\"host\"]",
            t("49:08.208762900")
        ),
        format!(
            "896 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:08.422099300")
        ),
        format!(
            "897 \"WMIC.exe\" {} {sysmon} [\"image\"]",
            t("49:09.576625700")
        ),
    ];
    assert_eq!(got, want);
    // The text is the record, on one line, paths with single backslashes.
    let image = records[0]["text"].as_str().unwrap();
    assert!(image.contains(r"C:\Windows\System32\wbem\WMIC.exe"), "{image}");
}

#[test]
fn a_damaged_evtx_chunk_is_named_and_the_rest_swept() {
    let Some(logs) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("planted.iocs");
    // Every record names the event schema's host.
    std::fs::write(&iocs, "schemas.microsoft.com\n").unwrap();
    let evtx =
        logs.join("windows/omerbenamram_sample_with_a_bad_chunk_magic.evtx");
    let args = ["--iocs", iocs.to_str().unwrap(), evtx.to_str().unwrap()];
    let (records, err, status) = sweep(&args);
    assert_eq!(status, Some(2), "{err}");
    // 304 records less the two chunks and one record that cannot be read.
    assert_eq!(records.len(), 301, "{err}");
    let last = records.last().unwrap();
    assert_eq!(last["line"], 47705);
    assert_eq!(last["time"], "2018-08-08T16:40:15.820702700Z");
    assert_eq!(last["log"], "evtx");
    let name = "omerbenamram_sample_with_a_bad_chunk_magic.evtx: damaged EVTX";
    assert!(err.contains(name), "{err}");
    assert!(err.contains("Failed to parse chunk number 6"), "{err}");
    assert!(err.contains("Failed to parse chunk number 10"), "{err}");
}

#[test]
fn every_hit_in_the_corpus_has_a_log_kind() {
    let Some(logs) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("wide.iocs");
    // Values that occur across many kinds of log.
    let wide = "1.1.1.1\n1.2.3.4\n10.0.0.4\n192.168.2.76\n192.168.11.2\n\
                schemas.microsoft.com\nsekoia.io\nexample.com\n";
    std::fs::write(&iocs, wide).unwrap();
    let args = ["--iocs", iocs.to_str().unwrap(), logs.to_str().unwrap()];
    let (records, err, _) = sweep(&args);
    assert!(records.len() > 1000, "{err}");
    let unnamed: Vec<&Value> =
        records.iter().filter(|r| !r["log"].is_string()).collect();
    assert!(unnamed.is_empty(), "{unnamed:?}");
    // A line with a time in a form read gets it, exactly.
    let squid = records
        .iter()
        .find(|r| {
            r["path"]
                .as_str()
                .unwrap()
                .ends_with("kujiraitakahiro_squid_access.log")
        })
        .unwrap();
    assert_eq!(squid["log"], "squid");
    let text = squid["text"].as_str().unwrap();
    let epoch: f64 = text.split(' ').next().unwrap().parse().unwrap();
    let secs = epoch.trunc() as i64;
    let t = squid["time"].as_str().unwrap();
    assert!(
        t.ends_with(&format!(
            "{:03}Z",
            (epoch.fract() * 1000.0).round() as i64
        )),
        "{t}"
    );
    assert_eq!(squid["fields"], serde_json::json!(["client"]));
    assert!(secs > 1_500_000_000, "{text}");
}

/// Sets a file's modification time (RFC 3339 seconds since the epoch).
fn set_mtime(path: &Path, secs: u64) {
    let f = std::fs::File::options().write(true).open(path).unwrap();
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    f.set_modified(t).unwrap();
}

#[test]
fn december_syslog_swept_in_january_is_last_year_and_windows_filter() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("i.iocs"), "203.0.113.9\n").unwrap();
    let log = dir.path().join("auth.log");
    // The shape of loghub_OpenSSH_2k.log.
    let lines = "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user a from 203.0.113.9\n\
                 Jan  2 07:00:01 LabSZ sshd[24201]: Invalid user b from 203.0.113.9\n\
                 no time on this line, from 203.0.113.9\n";
    std::fs::write(&log, lines).unwrap();
    // 2026-01-15T00:00:00Z
    set_mtime(&log, 1_768_435_200);
    let iocs = dir.path().join("i.iocs");
    let base = ["--iocs", iocs.to_str().unwrap(), log.to_str().unwrap()];
    let (records, err, status) = sweep(&base);
    assert_eq!(status, Some(1), "{err}");
    let times: Vec<&Value> = records.iter().map(|r| &r["time"]).collect();
    assert_eq!(
        times,
        [
            &Value::from("2025-12-10T06:55:46Z"),
            &Value::from("2026-01-02T07:00:01Z"),
            &Value::Null
        ]
    );
    assert!(records.iter().all(|r| r["log"] == "syslog"), "{records:?}");

    // --since drops the December hit, keeps the untimed one and says so.
    let since = [&base[..], &["--since", "2026-01-01"]].concat();
    let (records, err, status) = sweep(&since);
    assert_eq!(status, Some(1), "{err}");
    let lines: Vec<&Value> = records.iter().map(|r| &r["line"]).collect();
    assert_eq!(lines, [&Value::from(2), &Value::from(3)]);
    assert!(err.contains("1 hit outside --since/--until left out"), "{err}");
    assert!(err.contains("1 hit without a time kept"), "{err}");

    // --until with RFC 3339 keeps only December (and the untimed line).
    let until = [&base[..], &["--until", "2025-12-31T23:59:59Z"]].concat();
    let (records, _, _) = sweep(&until);
    let lines: Vec<&Value> = records.iter().map(|r| &r["line"]).collect();
    assert_eq!(lines, [&Value::from(1), &Value::from(3)]);

    // A bad bound is refused before anything is swept.
    let bad = [&base[..], &["--since", "last week"]].concat();
    let (records, err, status) = sweep(&bad);
    assert_eq!(status, Some(2));
    assert!(records.is_empty());
    assert!(err.contains("--since: invalid time \"last week\""), "{err}");
}

#[test]
fn evtx_is_read_by_records_from_stdin_gzip_and_tar() {
    use std::io::Write;
    use std::process::Stdio;

    let Some(logs) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("i.iocs");
    std::fs::write(&iocs, "45.76.12.27\n").unwrap();
    let raw =
        std::fs::read(logs.join(
            "sysmon/evtxattack_exec_wmic_xsl_internet_sysmon_3_1_11.evtx",
        ))
        .unwrap();
    // Compressed, and compressed inside a tar archive.
    let gz = dir.path().join("a.evtx.gz");
    let mut enc =
        flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(&raw).unwrap();
    std::fs::write(&gz, enc.finish().unwrap()).unwrap();
    let tar_path = dir.path().join("t.tar");
    let mut tar = tar::Builder::new(std::fs::File::create(&tar_path).unwrap());
    let mut header = tar::Header::new_gnu();
    header.set_size(raw.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    tar.append_data(&mut header, "logs/a.evtx", &raw[..]).unwrap();
    tar.finish().unwrap();
    drop(tar);
    let want = "895 \"45.76.12.27\" \"2019-05-23T16:49:08.208762900Z\" \
                \"evtx-sysmon\" [\"dst\"]";
    for input in [&gz, &tar_path] {
        let args = ["--iocs", iocs.to_str().unwrap(), input.to_str().unwrap()];
        let (records, err, status) = sweep(&args);
        assert_eq!(status, Some(1), "{err}");
        let got: Vec<String> = records.iter().map(brief).collect();
        assert_eq!(got, [want], "{}", input.display());
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .args(["sweep", "--format", "jsonl", "--iocs"])
        .arg(&iocs)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let got: Vec<String> = text
        .lines()
        .map(|l| brief(&serde_json::from_str(l).unwrap()))
        .collect();
    assert_eq!(got, [want]);
}

#[test]
fn a_large_evtx_file_is_parsed_where_it_lies_with_the_same_records() {
    use std::io::Write;
    use std::process::Stdio;

    let Some(logs) = corpus() else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("i.iocs");
    std::fs::write(&iocs, "192.168.198.149\n").unwrap();
    let raw = std::fs::read(
        logs.join("windows/deepblue_smb-password-guessing-security.evtx"),
    )
    .unwrap();
    // Large and unmodified for an hour: mapped, not read into memory.
    let file = dir.path().join("old.evtx");
    std::fs::write(&file, &raw).unwrap();
    let hour_ago =
        std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&file)
        .unwrap()
        .set_times(std::fs::FileTimes::new().set_modified(hour_ago))
        .unwrap();
    let manifest = dir.path().join("m.json");
    let args = [
        "--iocs",
        iocs.to_str().unwrap(),
        "--manifest",
        manifest.to_str().unwrap(),
        "--hash-inputs",
        file.to_str().unwrap(),
    ];
    let (mapped, err, status) = sweep(&args);
    assert_eq!(status, Some(1), "{err}");
    assert_eq!(mapped.len(), 3561);
    // The digest is of the file's bytes, as with any input.
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest).unwrap())
            .unwrap();
    let sha = manifest["inputs"][0]["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha.len(), 64, "{manifest}");
    // Near miss: the same bytes as a stream, read into memory whole.
    let mut child = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .args(["sweep", "--format", "jsonl", "--hash-inputs", "--iocs"])
        .arg(&iocs)
        .args(["--manifest", dir.path().join("s.json").to_str().unwrap()])
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&raw).unwrap();
    let out = child.wait_with_output().unwrap();
    let streamed: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let brief_all = |rs: &[Value]| rs.iter().map(brief).collect::<Vec<_>>();
    assert_eq!(brief_all(&mapped), brief_all(&streamed));
    let streamed_manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("s.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(streamed_manifest["inputs"][0]["sha256"], sha.as_str());
}

#[test]
fn a_zeek_http_hit_carries_its_log_time_and_fields() {
    let dir = tempfile::tempdir().unwrap();
    let iocs = dir.path().join("i.iocs");
    std::fs::write(&iocs, "http://evil.example/load/a.php\n192.0.2.76\n")
        .unwrap();
    // The shape of lnav_bro_http.log, written by us.
    let log = dir.path().join("http.log");
    let text = "#separator \\x09\n#path\thttp\n\
                #fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\t\
                trans_depth\tmethod\thost\turi\n\
                1320279566.452687\tCwFs\t192.0.2.76\t52026\t203.0.113.9\t80\t\
                1\tGET\tevil.example\t/load/a.php\n\
                1320279567.5\tCwFt\t192.0.2.77\t52027\t203.0.113.9\t80\t\
                1\tGET\tevil.example\t/load/a.phpx\n";
    std::fs::write(&log, text).unwrap();
    let args = ["--iocs", iocs.to_str().unwrap(), log.to_str().unwrap()];
    let (records, err, status) = sweep(&args);
    assert_eq!(status, Some(1), "{err}");
    let got: Vec<String> = records.iter().map(brief).collect();
    let t = "\"2011-11-03T00:19:26.452687Z\" \"zeek-http\"";
    assert_eq!(
        got,
        [
            format!("4 \"192.0.2.76\" {t} [\"src\"]"),
            format!(
                "4 \"http://evil.example/load/a.php\" {t} [\"host\",\"uri\"]"
            ),
        ]
    );
}

#[test]
fn the_summary_counts_the_distinct_sources_of_a_ufw_destination() {
    let Some(dir) = corpus() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let iocs = tmp.path().join("iocs.txt");
    std::fs::write(&iocs, "194.58.102.129\n").unwrap();
    let summary = tmp.path().join("summary.json");
    let log = dir.join("firewall/rafmio_ufw.log");
    let (records, err, code) = sweep(&[
        "--iocs",
        iocs.to_str().unwrap(),
        "--summary",
        summary.to_str().unwrap(),
        log.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(1), "{err}");
    // grep -c '194\.58\.102\.129' rafmio_ufw.log
    assert_eq!(records.len(), 3978);
    let r = &records[0];
    assert_eq!(r["fields"], serde_json::json!(["dst"]));
    assert_eq!(r["peer"], "109.205.213.90");
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(&summary).unwrap())
            .unwrap();
    let ind = &doc["indicators"][0];
    // grep 'DST=194\.58\.102\.129 ' rafmio_ufw.log | grep -o 'SRC=[0-9.]*'
    //   | cut -c5- | sort -u | wc -l                              → 914
    // … | sort -u -t. -k1,1n -k2,2n -k3,3n -k4,4n | head -3       → below
    assert_eq!(ind["peers_total"], 914);
    assert_eq!(ind["peers"].as_array().unwrap().len(), 20);
    assert_eq!(ind["peers"][0], "1.23.29.169");
    assert_eq!(ind["peers"][1], "2.58.95.205");
    assert_eq!(ind["peers"][2], "2.59.254.182");
    assert!(ind.get("peers_capped").is_none());
    // Every record names the source of its line as its peer.
    for r in &records {
        let text = r["text"].as_str().unwrap();
        let src = text.split("SRC=").nth(1).unwrap().split(' ').next();
        assert_eq!(r["peer"].as_str(), src, "{text}");
    }
}
