//! Sweeps real logs from `../shared/corpus/logs`.
//!
//! First, copies of a few real files of different kinds, each with one
//! real line copied and a value in the copy replaced by a planted
//! indicator (documentation ranges, `*.example`, `*.test`, digests of
//! made-up text): the sweep must give exactly one record per planted
//! line, and nothing else. Second, the whole corpus against the real
//! indicator files: every record must be a true hit, checked again here
//! without the matcher.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use super::model::{
    model_domain, model_email, model_filename, model_hash, model_v4,
};

/// Returns `../shared/corpus/<sub>`, or `None` (with a note) when absent.
fn corpus(sub: &str) -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpus")
        .join(sub);
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("corpus not found at {}, skipping", dir.display());
    None
}

/// Where the value to replace sits in the chosen line.
enum Spot {
    /// After the first occurrence of this text, up to the byte given.
    After(&'static str, u8),
    /// Field `n` (0-based) of fields split by the byte given.
    Field(u8, usize),
}

/// One planted line: a copy of the first line at or after `from` that
/// holds `has`, with the value at `spot` replaced by `value`, inserted
/// right after the original.
struct Plant {
    file: &'static str,
    from: usize,
    has: &'static str,
    spot: Spot,
    value: &'static str,
    kind: &'static str,
    indicator: &'static str,
}

/// MD5 of the text "iocsweep corpus plant", written upper case as Sysmon
/// does.
const PLANTED_MD5: &str = "93e164142a96bb49042d3f71b9a6cbe7";

const PLANTS: &[Plant] = &[
    Plant {
        file: "firewall/sekoia_netfilter.log",
        from: 1,
        has: "SRC=",
        spot: Spot::After("SRC=", b' '),
        value: "203.0.113.77",
        kind: "ipv4",
        indicator: "203.0.113.77",
    },
    Plant {
        file: "dns/sekoia_bind.log",
        from: 1,
        has: "): answer:",
        spot: Spot::After(" (", b')'),
        value: "beacon.iocsweep-plant.example",
        kind: "domain",
        indicator: "iocsweep-plant.example",
    },
    Plant {
        file: "proxy/sekoia_squid.log",
        from: 1,
        has: "\"GET ",
        spot: Spot::After("\"GET ", b' '),
        value: "http://files.drop-zone.test/stage2.bin",
        kind: "url",
        indicator: "http://files.drop-zone.test/stage2.bin",
    },
    Plant {
        file: "mail/shlomif_postfix_maillog",
        from: 1,
        has: "from=<",
        spot: Spot::After("from=<", b'>'),
        value: "phisher@bulk-sender.test",
        kind: "email",
        indicator: "phisher@bulk-sender.test",
    },
    Plant {
        // TSV; field 9 is the query. Past the first chunk.
        file: "zeek/trickbot_2018-11-09_dns.log",
        from: 900,
        has: "\tC_INTERNET\t",
        spot: Spot::Field(b'\t', 9),
        value: "x7.IOCSWEEP-PLANT.example",
        kind: "domain",
        indicator: "iocsweep-plant.example",
    },
    Plant {
        // Field 4 is id.resp_h; a large file, memory-mapped.
        file: "zeek/trickbot_2018-11-09_conn.log",
        from: 9000,
        has: "\ttcp\t",
        spot: Spot::Field(b'\t', 4),
        value: "198.51.100.23",
        kind: "cidr",
        indicator: "198.51.100.0/24",
    },
    Plant {
        file: "sysmon/otrf_cmd_bitsadmin_download_psh_script.jsonl",
        from: 100,
        has: ",MD5=",
        spot: Spot::After(",MD5=", b','),
        value: "93E164142A96BB49042D3F71B9A6CBE7",
        kind: "md5",
        indicator: PLANTED_MD5,
    },
    Plant {
        // IIS W3C with CRLF line ends; field 8 is c-ip.
        file: "web/evtxattack_Tunna_rdp_tunnel_IIS.log",
        from: 200,
        has: " GET /",
        spot: Spot::Field(b' ', 8),
        value: "2001:db8::bad:1",
        kind: "ipv6",
        indicator: "2001:db8::bad:1",
    },
];

/// Returns the byte range of the value at `spot` in `line`.
fn find_spot(line: &[u8], spot: &Spot) -> (usize, usize) {
    match spot {
        Spot::After(anchor, end) => {
            let a = anchor.as_bytes();
            let s =
                line.windows(a.len()).position(|w| w == a).unwrap() + a.len();
            let e = s + line[s..].iter().position(|b| b == end).unwrap();
            (s, e)
        }
        Spot::Field(sep, n) => {
            let mut s = 0;
            for _ in 0..*n {
                s += line[s..].iter().position(|b| b == sep).unwrap() + 1;
            }
            let e = line[s..]
                .iter()
                .position(|b| b == sep)
                .map_or(line.len(), |i| s + i);
            (s, e)
        }
    }
}

/// Returns a line's text as a record shows it: without its line break,
/// cut at 4 KiB on a character boundary, lossily decoded.
fn record_text(line: &[u8]) -> String {
    let mut line = line.strip_suffix(b"\n").unwrap_or(line);
    line = line.strip_suffix(b"\r").unwrap_or(line);
    let mut cut = line.len().min(4096);
    while cut < line.len() && (line[cut] & 0xC0) == 0x80 {
        cut -= 1;
    }
    String::from_utf8_lossy(&line[..cut]).into_owned()
}

fn sweep(args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
    let out = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .arg("sweep")
        .args(args)
        .output()
        .expect("the iocsweep binary runs");
    let records = String::from_utf8(out.stdout)
        .expect("jsonl is UTF-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .map(without_log_details)
        .collect();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    (records, err, out.status.code())
}

/// Checks that a record names its log kind, then sets the kind, time,
/// fields and peer aside: these tests are about what matches (the logs
/// tests check the rest).
fn without_log_details(mut r: Value) -> Value {
    let o = r.as_object_mut().expect("a record is an object");
    assert!(o.remove("log").is_some_and(|l| l.is_string()), "{o:?}");
    o.remove("time");
    o.remove("fields");
    o.remove("peer");
    r
}

#[test]
fn planted_lines_in_real_logs_give_exact_records() {
    let Some(logs) = corpus("logs") else { return };
    let dir = tempfile::tempdir().unwrap();
    let iocs_path = dir.path().join("planted.iocs");
    let mut iocs: Vec<&str> = PLANTS.iter().map(|p| p.indicator).collect();
    iocs.dedup();
    std::fs::write(&iocs_path, iocs.join("\n") + "\n").unwrap();
    let iocs_name = iocs_path.to_str().unwrap();
    let swept = dir.path().join("logs");
    let mut want = Vec::new();
    for p in PLANTS {
        let real = std::fs::read(logs.join(p.file)).unwrap();
        let mut lines: Vec<Vec<u8>> = real
            .split_inclusive(|b| *b == b'\n')
            .map(<[u8]>::to_vec)
            .collect();
        let has = p.has.as_bytes();
        let i = (p.from - 1..lines.len())
            .find(|i| lines[*i].windows(has.len()).any(|w| w == has))
            .unwrap_or_else(|| panic!("{}: no line with {:?}", p.file, p.has));
        let (s, e) = find_spot(&lines[i], &p.spot);
        let mut planted = lines[i][..s].to_vec();
        planted.extend_from_slice(p.value.as_bytes());
        planted.extend_from_slice(&lines[i][e..]);
        let offset: usize =
            lines[..=i].iter().map(Vec::len).sum::<usize>() + s;
        let sources: Vec<Value> = (1..)
            .zip(&iocs)
            .filter(|(_, v)| **v == p.indicator)
            .map(|(n, _)| json!({"file": iocs_name, "line": n}))
            .collect();
        let out = swept.join(p.file);
        want.push(json!({
            "path": out.to_str().unwrap(),
            "line": i + 2,
            "offset": offset,
            "kind": p.kind,
            "indicator": p.indicator,
            "matched": p.value,
            "sources": sources,
            "text": record_text(&planted),
        }));
        lines.insert(i + 1, planted);
        std::fs::create_dir_all(out.parent().unwrap()).unwrap();
        std::fs::write(&out, lines.concat()).unwrap();
    }
    // The walk is sorted by path.
    want.sort_by_key(|r| r["path"].as_str().unwrap().to_string());
    let swept = swept.to_str().unwrap();
    for threads in ["1", "4"] {
        let args =
            ["--iocs", iocs_name, "--format", "jsonl", "-j", threads, swept];
        let (got, err, status) = sweep(&args);
        assert_eq!(
            got,
            want,
            "-j {threads}: got {}\nwant {}",
            serde_json::to_string_pretty(&got).unwrap(),
            serde_json::to_string_pretty(&want).unwrap()
        );
        assert_eq!(status, Some(1), "{err}");
    }
}

/// Returns the bytes of the line holding byte `offset` of `data`, and its
/// 1-based number.
fn line_at(data: &[u8], offset: usize) -> (&[u8], usize) {
    let s =
        data[..offset].iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let e = data[offset..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(data.len(), |i| offset + i);
    let n = data[..s].iter().filter(|b| **b == b'\n').count() + 1;
    (&data[s..e], n)
}

/// Returns a file's bytes, decompressed when it is compressed: record
/// offsets and lines count in the decompressed stream.
fn decompressed(path: &Path) -> Result<Vec<u8>, String> {
    use iocsweep::sweep::compress::{Decoder, Format};
    use std::io::Read;
    let data = std::fs::read(path).map_err(|e| e.to_string())?;
    let Some(format) = Format::detect(&data) else { return Ok(data) };
    let mut out = Vec::new();
    // A damaged stream still yields what came before the damage, which
    // is all the sweep can have reported.
    let reader = std::io::Cursor::new(data);
    let _ = Decoder::new(format, reader).read_to_end(&mut out);
    Ok(out)
}

/// Checks one record of a real sweep without the matcher; returns what
/// is wrong with it.
fn recheck(
    r: &Value,
    root: &Path,
    files: &mut HashMap<PathBuf, Vec<u8>>,
) -> Result<(), String> {
    let field = |k: &str| r[k].as_str().ok_or(format!("no {k}"));
    let num = |k: &str| r[k].as_u64().ok_or(format!("no {k}"));
    let path = root.join(field("path")?);
    if !files.contains_key(&path) {
        files.insert(path.clone(), decompressed(&path)?);
    }
    let data = &files[&path];
    let offset = num("offset")? as usize;
    let matched = field("matched")?;
    let ind = field("indicator")?;
    if data.get(offset..offset + matched.len()) != Some(matched.as_bytes()) {
        return Err("matched text is not at offset".into());
    }
    let (line, n) = line_at(data, offset);
    if num("line")? as usize != n {
        return Err(format!("offset is on line {n}"));
    }
    if record_text(line) != field("text")? {
        return Err("text is not the line".into());
    }
    let ok = match field("kind")? {
        "ipv4" => {
            let a = ind.split(':').next().unwrap_or(ind).parse();
            a.is_ok_and(|a| model_v4(line).contains(&a))
        }
        "cidr" => {
            let net: ipnet::IpNet = ind.parse().map_err(|_| "bad cidr")?;
            let v4 = model_v4(line);
            v4.iter().any(|a| net.contains(&IpAddr::V4(*a)))
        }
        "ipv6" => {
            let a: Option<Ipv6Addr> = ind.parse().ok();
            a.is_some() && matched.parse::<Ipv6Addr>().ok() == a
        }
        "domain" => model_domain(line, ind),
        "md5" | "sha1" | "sha256" | "sha512" => model_hash(line, ind),
        "email" => model_email(line, ind),
        "filename" => model_filename(line, ind),
        other => return Err(format!("no check for kind {other}")),
    };
    if ok { Ok(()) } else { Err("not a hit by DESIGN's rules".into()) }
}

#[test]
fn every_record_of_a_real_sweep_is_a_true_hit() {
    let Some(logs) = corpus("logs") else { return };
    let Some(iocs) = corpus("iocs") else { return };
    let root = logs.parent().unwrap();
    let mut args: Vec<String> = Vec::new();
    for sub in ["zeek-intel", "text", "csv"] {
        args.push("--iocs".into());
        args.push(iocs.join(sub).to_str().unwrap().into());
    }
    args.extend(["--format".into(), "jsonl".into(), "logs".into()]);
    let out = Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(root)
        .arg("sweep")
        .args(&args)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let records: Vec<Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!records.is_empty(), "the real logs hold listed values");
    let mut files = HashMap::new();
    let bad: Vec<String> = records
        .iter()
        .filter_map(|r| {
            recheck(r, root, &mut files).err().map(|why| format!("{why}: {r}"))
        })
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// signature-base's file-name list (`value;score` lines) holds
/// `/Install Flash Player.dmg;75` (line 3792). A text reader that ends
/// every value at the first blank loads the indicator `/Install`, which
/// then hits `GET /install` in `web/lnav_iis_w3c_big.log`: a path runs to
/// the next `;`.
#[test]
fn a_file_name_with_blanks_is_not_cut() {
    use iocsweep::indicator::Value;
    use iocsweep::load::{LoadOptions, load_paths};
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("names.txt");
    std::fs::write(&list, "/Install Flash Player.dmg;75\n").unwrap();
    let loaded = load_paths(&[list], LoadOptions::default());
    let whole = Value::Filename("/Install Flash Player.dmg".into());
    let values: Vec<_> = loaded.set.iter().map(|(_, i)| &i.value).collect();
    assert_eq!(values, [&whole]);
}
