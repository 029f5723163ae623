//! Loads the real advisory corpus (`../shared/corpus/iocs`) and pins the
//! number of distinct indicators of each kind every file yields.
//!
//! The counts were worked out independently of the loader, by a script
//! that applies the same rules, and agreed with it file by file.

use std::path::{Path, PathBuf};

use iocsweep::indicator::{Kind, Value};
use iocsweep::load::{LoadOptions, Loaded, load_paths};
use iocsweep::set::Locator;

/// Each file, relative to the corpus folder, and its counts by kind.
const EXPECTED: &[(&str, &str)] = &[
    // SSDEEP hashes as strings; file:size warned
    (
        "cisa/cisa_AA25-203A.stix2.json",
        "md5=9 sha1=12 sha256=30 filename=4 string=9",
    ),
    // two IPv6 C2 addresses; an SSDEEP hash as string
    (
        "cisa/cisa_AA25-239A.stix2.json",
        "ipv4=87 ipv6=2 md5=2 sha1=1 sha256=4 filename=4 string=1",
    ),
    // plain ipv4 list, one pattern each
    ("cisa/cisa_AA26-097A.stix2.json", "ipv4=21"),
    // domains and addresses only
    ("cisa/cisa_AA26-204A.stix2.json", "ipv4=9 domain=18"),
    // file:path values load as filenames
    ("stix2/amnesty_cytrox.stix2", "domain=336 filename=6"),
    // 7 IPs filed under domain-name load as ipv4, with a warning each
    ("stix2/amnesty_novispy.stix2", "ipv4=7 sha256=4"),
    // AND of name and upper-case hash
    (
        "stix2/cisa_AA23-325A_via-elastic-labs-releases_cisa_sample_stix.json",
        "ipv4=15 domain=1 sha256=2 filename=2",
    ),
    // hash keys spelled 'MD5', 'SHA1', 'SHA256'
    (
        "stix2/elastic_ghostengine_stix-bundle.json",
        "ipv4=2 domain=3 md5=12 sha1=12 sha256=12",
    ),
    // three-way hash AND patterns
    (
        "stix2/elastic_rustbucket_stix-bundle.json",
        "ipv4=2 domain=6 md5=9 sha1=9 sha256=9",
    ),
    // app:* paths warned, not loaded
    (
        "stix2/elastic_shelby-strategy_stix-bundle.json",
        "ipv4=5 domain=2 url=2 md5=4 sha1=4 sha256=7",
    ),
    // STIX 2.0, no pattern_type
    (
        "stix2/unit42_2024-03-06-Pikabot-with-Meduza-Stealer.json",
        "ipv4=1 domain=2 url=20 sha256=8",
    ),
    // process:command_line warned, not loaded
    (
        "stix2/unit42_2024-04-12-MidnightEclipse.json",
        "ipv4=23 domain=1 url=2 sha256=2",
    ),
    // STIX 2.0 with courses of action around it
    ("stix2/unit42_NOBELIUM.json", "ipv4=2 domain=7 sha256=8"),
    // FILE_HASH rows, all SHA-1 by length
    ("zeek-intel/criticalpath_abuse-ch-malware.intel", "sha1=828"),
    // 3493 rows, 2342 distinct addresses
    ("zeek-intel/criticalpath_abuse-ch-threatfox-ip.intel", "ipv4=2342"),
    // every type; 1 address and 2 URLs filed as DOMAIN load as what
    // they are
    (
        "zeek-intel/criticalpath_cps-collected-iocs.intel",
        concat!(
            "ipv4=30398 ipv6=20 cidr=10 domain=675 url=15604 email=1133 ",
            "md5=196 sha1=66 sha256=276"
        ),
    ),
    // 3 domains listed twice
    ("zeek-intel/criticalpath_gru-aa25.intel", "ipv4=65 domain=57"),
    // eleven rows, eleven addresses
    ("zeek-intel/criticalpath_lockbit_ip.intel", "ipv4=11"),
    // full URLs with scheme
    ("zeek-intel/criticalpath_openphish.intel", "url=300"),
    // # comments, quoted cells, dst_port ignored
    ("csv/abusech-feodotracker_ipblocklist_2024-04-04.csv", "ipv4=28"),
    // two typed columns, Domain and IP
    ("csv/blacklotuslabs_Conti_Ransomware_IoCs.csv", "ipv4=53 domain=53"),
    // MISP export: type column picks kind
    ("csv/citizenlab_201810_TheKingdomCameToCanada_iocs.csv", "domain=20"),
    // email-src and whois-registrant-email rows
    ("csv/citizenlab_202006_DarkBasin_iocs.csv", "domain=462 email=17"),
    // FILENAME holds a signer name too
    (
        "csv/mandiant-sunburst_Indicator_Release_Hashes.csv",
        "md5=11 sha1=11 sha256=11 filename=5",
    ),
    // defanged FQDNs; Target column unnamed
    ("csv/mandiant-sunburst_Indicator_Release_NBIs.csv", "ipv4=10 domain=15"),
    // trailing spaces after each range
    ("cidr/secops-spamhaus_drop.txt", "cidr=989"),
    // IPv6 ranges
    ("cidr/secops-spamhaus_drop_ipv6.txt", "cidr=51"),
    // ranges only, no comments
    ("cidr/secops-spamhaus_edrop.txt", "cidr=322"),
    // prose lines are errors; defanged URLs; line 54's `sha256:HEX` makes
    // 16 (the file holds 16 distinct 64-digit hex runs, by a regex count)
    (
        "text/blacklotuslabs_Cuttlefish_IOCs.txt",
        "domain=1 url=24 sha256=16 filename=8",
    ),
    // U+2028 splits a name from its hash; `Sha256:`/`Sha1:` lines load
    // typed: 34 distinct 64-digit and 19 distinct 40-digit hex runs in the
    // file (regex count); three `Sha1:` lines hold 32 digits, errors
    (
        "text/blacklotuslabs_KVbotnet_IOCs.txt",
        "ipv4=24 domain=1 sha1=19 sha256=34",
    ),
    // TSV table, then domain lines, then YARA
    (
        "text/blacklotuslabs_Raptor_Train_IOCs.txt",
        "ipv4=99 domain=107 sha256=3",
    ),
    // comma table; header row skipped
    ("text/blacklotuslabs_Secret_Blizzard_IoCs.txt", "ipv4=35"),
    // mostly YARA: one error a line
    ("text/blacklotuslabs_VersaMem_IOCs.txt", "domain=1 sha256=1 filename=1"),
    // value;score lines
    ("text/signature-base_c2-iocs.txt", "ipv4=118 domain=1655"),
    // mostly regexes, refused; the literal ones (escaped dots only) load,
    // paths with blanks whole
    ("text/signature-base_filename-iocs.txt", "domain=2 filename=171"),
    // HASH;COMMENT lines, three hash kinds
    ("text/signature-base_hash-iocs.txt", "md5=986 sha1=893 sha256=1174"),
];

/// Returns the corpus folder, or `None` (with a note) when it is absent.
fn corpus() -> Option<PathBuf> {
    let dir =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/iocs");
    if dir.is_dir() {
        return Some(dir);
    }
    eprintln!("corpus not found at {}, skipping", dir.display());
    None
}

fn load(path: &Path) -> Loaded {
    load_paths(&[path.to_path_buf()], LoadOptions::default())
}

/// Returns a set's counts as `kind=n` words in report order.
fn counts(loaded: &Loaded) -> String {
    let counts = loaded.set.counts();
    let words: Vec<String> =
        counts.iter().map(|(k, n)| format!("{k}={n}")).collect();
    words.join(" ")
}

#[test]
fn every_corpus_file_yields_the_agreed_counts() {
    let Some(dir) = corpus() else { return };
    let mut wrong = Vec::new();
    for (file, want) in EXPECTED {
        let got = counts(&load(&dir.join(file)));
        if got != *want {
            wrong.push(format!("{file}\n  want {want}\n  got  {got}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Returns the kind, compound flags and sources of one loaded value.
fn find(loaded: &Loaded, shown: &str) -> Option<(Kind, Vec<String>)> {
    let (_, ind) =
        loaded.set.iter().find(|(_, i)| i.value.to_string() == shown)?;
    let sources = ind.sources.iter().map(|s| s.to_string()).collect();
    Some((ind.kind(), sources))
}

#[test]
fn aa23_325a_and_pattern_parts_are_compound_and_lower_case() {
    let Some(dir) = corpus() else { return };
    let name =
        "cisa_AA23-325A_via-elastic-labs-releases_cisa_sample_stix.json";
    let path = dir.join("stix2").join(name);
    let loaded = load(&path);
    let at = format!(
        "{}#indicator--1597bdbe-94c1-46f8-8a2a-2e672372e1e6 \
         (part of an AND pattern)",
        path.display()
    );
    let sha =
        "ed5d694d561c97b4d70efe934936286fe562addf7d6836f795b336d9791a5c44";
    assert_eq!(find(&loaded, sha), Some((Kind::Sha256, vec![at.clone()])));
    assert_eq!(find(&loaded, "123.ps1"), Some((Kind::Filename, vec![at])));
    assert!(find(&loaded, &sha.to_ascii_uppercase()).is_none());
    assert!(!loaded.has_errors(), "{:?}", loaded.problems);
}

#[test]
fn text_values_keep_their_line() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("text/signature-base_c2-iocs.txt");
    let loaded = load(&path);
    let want = format!("{}:1904", path.display());
    assert_eq!(find(&loaded, "176.123.5.126"), Some((Kind::Ipv4, vec![want])));
    let ip = loaded.set.iter().find(|(_, i)| {
        i.value == Value::Ipv4([176, 123, 5, 126].into(), None)
    });
    assert!(ip.is_some_and(|(_, i)| i.sources[0].at == Locator::Line(1904)));
}

/// Files in formats not read yet, and the one reason each gives.
const UNSUPPORTED: &[(&str, &str)] = &[
    (
        "cisa/cisa_AA26-204A.stix1.xml",
        "XML indicator file (STIX 1.x) is not supported yet",
    ),
    (
        "stix1/fireeye-pivy-report-with-indicators_via-cti-stix-elevator.xml",
        "XML indicator file (STIX 1.x) is not supported yet",
    ),
    (
        "openioc/eset_windigo.ioc",
        "XML indicator file (OpenIOC) is not supported yet",
    ),
    (
        "misp/citizenlab_201810_TheKingdomCameToCanada_misp.json",
        "MISP event JSON is not supported yet",
    ),
    (
        "cidr/secops-spamhaus_asn_drop.json",
        "JSON Lines (one JSON value a line) is not a STIX 2 bundle; not \
         supported yet",
    ),
];

/// Returns every problem of a load as its display string.
fn problems(loaded: &Loaded) -> Vec<String> {
    loaded.problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn unsupported_formats_give_one_error_and_load_nothing() {
    let Some(dir) = corpus() else { return };
    for (file, why) in UNSUPPORTED {
        let path = dir.join(file);
        let loaded = load(&path);
        assert!(loaded.set.is_empty(), "{file}");
        assert_eq!(problems(&loaded), [format!("{}: {why}", path.display())]);
        assert_eq!(loaded.files[0].format, None);
    }
}

#[test]
fn a_truncated_stix_bundle_is_broken_json_not_a_text_list() {
    let Some(dir) = corpus() else { return };
    let whole = std::fs::read(dir.join("stix2/unit42_NOBELIUM.json"))
        .expect("the corpus file is readable");
    let cut = std::env::temp_dir()
        .join(format!("iocsweep-cut-{}.json", std::process::id()));
    std::fs::write(&cut, &whole[..whole.len() - 50]).expect("temp write");
    let loaded = load(&cut);
    std::fs::remove_file(&cut).ok();
    assert!(loaded.set.is_empty());
    assert_eq!(
        problems(&loaded),
        [format!(
            "{}: not valid JSON: EOF while parsing a string at line 1456 \
             column 36",
            cut.display()
        )]
    );
}

#[test]
fn cuttlefish_prose_is_reported_and_its_labelled_hash_loads() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("text/blacklotuslabs_Cuttlefish_IOCs.txt");
    let loaded = load(&path);
    let line53 = format!(
        "{}:53: \"domain\" is not an indicator: expected an IP address, \
         CIDR range, domain, URL, e-mail address, MD5/SHA-1/SHA-256/SHA-512 \
         hash or file name",
        path.display()
    );
    assert!(problems(&loaded).contains(&line53));
    let sha =
        "e48c250c47dd071dcee984a8e9f27b170004ff81c3f0da6a50364fdecf800fd3";
    let at = format!("{}:54", path.display());
    assert_eq!(find(&loaded, sha), Some((Kind::Sha256, vec![at])));
}
