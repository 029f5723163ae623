//! Loads the real advisory corpus (`../shared/corpus/iocs`) and pins, for
//! every file in it, the number of distinct indicators of each kind and
//! the number of entries rejected (error problems).
//!
//! The counts were checked by an independent script (Python's xml, json
//! and csv modules, its own classifier and a restatement of each reader's
//! rules, the prose rule included) and agreed with it file by file. Where
//! the two first disagreed, the file was read by hand: the script missed
//! STIX 2 `x509-certificate` hashes and `.css`/`.dmp` file names, and the
//! loader took `VersaTest.png` for a domain (now a file name).

use std::path::{Path, PathBuf};

use iocsweep::indicator::{Kind, Value};
use iocsweep::load::{LoadOptions, Loaded, Severity, load_paths};
use iocsweep::set::Locator;

/// Each file, relative to the corpus folder, its counts by kind and its
/// number of rejected entries.
const EXPECTED: &[(&str, &str, usize)] = &[
    // JSON Lines of AS numbers: 201 records, one warning, nothing to match
    ("cidr/secops-spamhaus_asn_drop.json", "", 0),
    // trailing spaces after each range
    ("cidr/secops-spamhaus_drop.txt", "cidr=989", 0),
    // IPv6 ranges
    ("cidr/secops-spamhaus_drop_ipv6.txt", "cidr=51", 0),
    // ranges only, no comments
    ("cidr/secops-spamhaus_edrop.txt", "cidr=322", 0),
    // SSDEEP hashes as strings; file:size warned
    (
        "cisa/cisa_AA25-203A.stix2.json",
        "md5=9 sha1=12 sha256=30 filename=4 string=9",
        0,
    ),
    // two IPv6 C2 addresses; an SSDEEP hash as string
    (
        "cisa/cisa_AA25-239A.stix2.json",
        "ipv4=87 ipv6=2 md5=2 sha1=1 sha256=4 filename=4 string=1",
        0,
    ),
    // plain ipv4 list, one pattern each
    ("cisa/cisa_AA26-097A.stix2.json", "ipv4=21", 0),
    // the same 27 values as the STIX 2 file of the advisory
    ("cisa/cisa_AA26-204A.stix1.xml", "ipv4=9 domain=18", 0),
    // domains and addresses only
    ("cisa/cisa_AA26-204A.stix2.json", "ipv4=9 domain=18", 0),
    // # comments, quoted cells, dst_port ignored
    ("csv/abusech-feodotracker_ipblocklist_2024-04-04.csv", "ipv4=28", 0),
    // two typed columns, Domain and IP
    ("csv/blacklotuslabs_Conti_Ransomware_IoCs.csv", "ipv4=53 domain=53", 0),
    // MISP export: type column picks kind
    ("csv/citizenlab_201810_TheKingdomCameToCanada_iocs.csv", "domain=20", 0),
    // email-src and whois-registrant-email rows
    ("csv/citizenlab_202006_DarkBasin_iocs.csv", "domain=462 email=17", 0),
    // FILENAME holds a signer name too
    (
        "csv/mandiant-sunburst_Indicator_Release_Hashes.csv",
        "md5=11 sha1=11 sha256=11 filename=5",
        0,
    ),
    // defanged FQDNs; Target column unnamed
    (
        "csv/mandiant-sunburst_Indicator_Release_NBIs.csv",
        "ipv4=10 domain=15",
        0,
    ),
    // the Citizen Lab event: 20 domains, to_ids true
    (
        "misp/citizenlab_201810_TheKingdomCameToCanada_misp.json",
        "domain=20",
        0,
    ),
    // domain|ip composites give both parts; 2 comments counted
    (
        "misp/eset_oceanlotus-wateringhole-2018.misp.event.json",
        "ipv4=47 domain=70 url=1 sha1=2",
        0,
    ),
    // filename|hash composites; 4 text attributes counted
    (
        "misp/eset_sednit_2018-11-20_Zebrocy.misp.json",
        "url=2 email=11 md5=5 sha1=5 sha256=5 filename=5",
        0,
    ),
    // object attributes (domain-ip, file, url); port and text counted
    (
        "misp/eset_swc-candiru_misp.json",
        "ipv4=29 domain=41 url=3 md5=3 sha1=3 sha256=3 filename=3",
        0,
    ),
    // empty Content: the values come from the items' ids
    (
        "openioc/citizenlab_201810_TheKingdomCameToCanada_openioc.ioc",
        "domain=20",
        0,
    ),
    // contains on DNS/URI/String load 61 substring strings; 15 Snort
    // rules counted
    ("openioc/eset_windigo.ioc", "sha1=68 string=61", 0),
    // AsciiDoc tables of SHA-1s and defanged addresses, a code block of
    // domains; the publisher's links in prose are left out
    (
        "report-tables/eset_gamaredon_README.adoc",
        "ipv4=28 domain=676 sha1=73",
        0,
    ),
    // host:port:/path C&C notation, defanged URLs, file and path
    // sections; detection names and version columns left out
    (
        "report-tables/eset_turla_README.adoc",
        "ipv4=12 domain=47 url=43 sha1=128 filename=50",
        0,
    ),
    // incidents holding indicators holding domain objects
    (
        "stix1/citizenlab_201810_TheKingdomCameToCanada_stix.xml",
        "domain=20",
        0,
    ),
    // 2.7 MB; observables resolved by idref; 148 mutexes and 10 code
    // objects counted
    (
        "stix1/fireeye-pivy-report-with-indicators_via-cti-stix-elevator.xml",
        "ipv4=164 domain=143 md5=193",
        0,
    ),
    // file:path values load as filenames
    ("stix2/amnesty_cytrox.stix2", "domain=336 filename=6", 0),
    // 7 IPs filed under domain-name load as ipv4, with a warning each
    ("stix2/amnesty_novispy.stix2", "ipv4=7 sha256=4", 0),
    // AND of name and upper-case hash
    (
        "stix2/cisa_AA23-325A_via-elastic-labs-releases_cisa_sample_stix.json",
        "ipv4=15 domain=1 sha256=2 filename=2",
        0,
    ),
    // hash keys spelled 'MD5', 'SHA1', 'SHA256'
    (
        "stix2/elastic_ghostengine_stix-bundle.json",
        "ipv4=2 domain=3 md5=12 sha1=12 sha256=12",
        0,
    ),
    // three-way hash AND patterns
    (
        "stix2/elastic_rustbucket_stix-bundle.json",
        "ipv4=2 domain=6 md5=9 sha1=9 sha256=9",
        0,
    ),
    // app:* paths warned, not loaded
    (
        "stix2/elastic_shelby-strategy_stix-bundle.json",
        "ipv4=5 domain=2 url=2 md5=4 sha1=4 sha256=7",
        0,
    ),
    // STIX 2.0, no pattern_type
    (
        "stix2/unit42_2024-03-06-Pikabot-with-Meduza-Stealer.json",
        "ipv4=1 domain=2 url=20 sha256=8",
        0,
    ),
    // process:command_line warned, not loaded
    (
        "stix2/unit42_2024-04-12-MidnightEclipse.json",
        "ipv4=23 domain=1 url=2 sha256=2",
        0,
    ),
    // STIX 2.0 with courses of action around it
    ("stix2/unit42_NOBELIUM.json", "ipv4=2 domain=7 sha256=8", 0),
    // prose lines are errors; defanged URLs; line 54's `sha256:HEX` makes
    // 16 (the file holds 16 distinct 64-digit hex runs, by a regex count)
    (
        "text/blacklotuslabs_Cuttlefish_IOCs.txt",
        "domain=1 url=24 sha256=16 filename=8",
        185,
    ),
    // U+2028 splits a name from its hash; `Sha256:`/`Sha1:` lines load
    // typed: 34 distinct 64-digit and 19 distinct 40-digit hex runs in the
    // file (regex count); three `Sha1:` lines hold 32 digits, errors;
    // Kv-all.sh loads as a domain (sh is a top-level domain)
    (
        "text/blacklotuslabs_KVbotnet_IOCs.txt",
        "ipv4=24 domain=1 sha1=19 sha256=34",
        19,
    ),
    // TSV table, then domain lines, then YARA
    (
        "text/blacklotuslabs_Raptor_Train_IOCs.txt",
        "ipv4=99 domain=107 sha256=3",
        55,
    ),
    // comma table; header row skipped
    ("text/blacklotuslabs_Secret_Blizzard_IoCs.txt", "ipv4=35", 0),
    // mostly YARA: one error a line; VersaTest.png is a file name (png
    // is no top-level domain)
    ("text/blacklotuslabs_VersaMem_IOCs.txt", "sha256=1 filename=2", 22),
    // value;score lines
    ("text/signature-base_c2-iocs.txt", "ipv4=118 domain=1655", 0),
    // mostly regexes, refused; the literal ones (escaped dots only) load,
    // paths with blanks whole
    ("text/signature-base_filename-iocs.txt", "domain=2 filename=171", 3650),
    // HASH;COMMENT lines, three hash kinds
    ("text/signature-base_hash-iocs.txt", "md5=986 sha1=893 sha256=1174", 0),
    // FILE_HASH rows, all SHA-1 by length
    ("zeek-intel/criticalpath_abuse-ch-malware.intel", "sha1=828", 0),
    // 3493 rows, 2342 distinct addresses
    ("zeek-intel/criticalpath_abuse-ch-threatfox-ip.intel", "ipv4=2342", 0),
    // every type; 1 address and 2 URLs filed as DOMAIN load as what
    // they are
    (
        "zeek-intel/criticalpath_cps-collected-iocs.intel",
        concat!(
            "ipv4=30398 ipv6=20 cidr=10 domain=675 ",
            "url=15604 email=1133 md5=196 sha1=66 sha256=276"
        ),
        0,
    ),
    // 3 domains listed twice
    ("zeek-intel/criticalpath_gru-aa25.intel", "ipv4=65 domain=57", 0),
    // eleven rows, eleven addresses
    ("zeek-intel/criticalpath_lockbit_ip.intel", "ipv4=11", 0),
    // full URLs with scheme
    ("zeek-intel/criticalpath_openphish.intel", "url=300", 0),
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

/// Returns the number of error problems of a load.
fn rejected(loaded: &Loaded) -> usize {
    let errors =
        loaded.problems.iter().filter(|p| p.severity == Severity::Error);
    errors.count()
}

#[test]
fn every_corpus_file_yields_the_agreed_counts() {
    let Some(dir) = corpus() else { return };
    let mut wrong = Vec::new();
    for (file, want, want_rejected) in EXPECTED {
        let loaded = load(&dir.join(file));
        let (got, got_rejected) = (counts(&loaded), rejected(&loaded));
        if got != *want || got_rejected != *want_rejected {
            wrong.push(format!(
                "{file}\n  want {want} rejected={want_rejected}\n  got  {got} \
                 rejected={got_rejected}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Returns every file under `dir`, Markdown aside, relative to it.
fn files_under(dir: &Path, base: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("corpus folder readable") {
        let path = entry.expect("corpus entry").path();
        if path.is_dir() {
            files_under(&path, base, out);
        } else if path.extension().is_none_or(|e| e != "md") {
            let rel = path.strip_prefix(base).expect("under the corpus");
            out.push(rel.display().to_string());
        }
    }
}

#[test]
fn every_corpus_file_is_pinned_and_read_in_a_known_format() {
    let Some(dir) = corpus() else { return };
    let mut all = Vec::new();
    files_under(&dir, &dir, &mut all);
    all.sort();
    let pinned: Vec<String> =
        EXPECTED.iter().map(|(f, _, _)| f.to_string()).collect();
    assert_eq!(all, pinned, "every corpus file needs its pinned counts");
    let loaded = load(&dir);
    for report in &loaded.files {
        assert!(report.format.is_some(), "{} not read", report.file);
    }
    let unsupported: Vec<String> = problems(&loaded)
        .into_iter()
        .filter(|p| {
            p.contains("not supported")
                || p.contains("not an indicator format")
        })
        .collect();
    assert!(unsupported.is_empty(), "{unsupported:?}");
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

/// Returns every problem of a load as its display string.
fn problems(loaded: &Loaded) -> Vec<String> {
    loaded.problems.iter().map(|p| p.to_string()).collect()
}

/// Returns a load's values as `kind value`, sorted.
fn values(loaded: &Loaded) -> Vec<String> {
    let mut out: Vec<String> = loaded
        .set
        .iter()
        .map(|(_, i)| format!("{} {}", i.kind(), i.value))
        .collect();
    out.sort();
    out
}

#[test]
fn the_citizen_lab_event_is_the_same_in_four_formats() {
    let Some(dir) = corpus() else { return };
    let name = "citizenlab_201810_TheKingdomCameToCanada";
    let files = [
        format!("csv/{name}_iocs.csv"),
        format!("misp/{name}_misp.json"),
        format!("openioc/{name}_openioc.ioc"),
        format!("stix1/{name}_stix.xml"),
    ];
    let sets: Vec<Vec<String>> =
        files.iter().map(|f| values(&load(&dir.join(f)))).collect();
    assert_eq!(sets[0].len(), 20);
    assert!(sets[0].iter().all(|v| v.starts_with("domain ")));
    for (file, set) in files.iter().zip(&sets).skip(1) {
        assert_eq!(set, &sets[0], "{file} differs from the CSV");
    }
    // The OpenIOC export leaves every Content empty and writes the value
    // into the item id: loaded from there, and said once.
    let ioc = load(&dir.join(&files[2]));
    let ioc_path = dir.join(&files[2]);
    assert_eq!(
        problems(&ioc),
        [format!(
            "{}: warning: 20 items have an empty Content; their value was \
             taken from the item's id attribute",
            ioc_path.display()
        )]
    );
    // The MISP and CSV exports carry to_ids, kept with each source.
    let misp = load(&dir.join(&files[1]));
    assert!(
        misp.set.iter().all(|(_, i)| i.sources[0].meta.to_ids == Some(true))
    );
}

#[test]
fn stix1_observables_take_the_id_of_the_indicator_naming_them() {
    let Some(dir) = corpus() else { return };
    let path = dir.join(
        "stix1/fireeye-pivy-report-with-indicators_via-cti-stix-elevator.xml",
    );
    let loaded = load(&path);
    let (kind, sources) = find(&loaded, "026871ea3d6cbbeb90fea6bf2906cc12")
        .expect("the first sample's MD5 loads");
    assert_eq!(kind, Kind::Md5);
    assert!(sources[0].contains("#fireeye:indicator-"), "{sources:?}");
    let p = problems(&loaded);
    let file = path.display();
    assert_eq!(
        p,
        [
            format!(
                "{file}: warning: 10 objects of type Code not loaded: not an \
                 indicator the sweep can match"
            ),
            format!(
                "{file}: warning: 148 objects of type Mutex not loaded: not \
                 an indicator the sweep can match"
            ),
        ]
    );
}

#[test]
fn the_asn_drop_list_says_what_it_holds() {
    let Some(dir) = corpus() else { return };
    let path = dir.join("cidr/secops-spamhaus_asn_drop.json");
    let loaded = load(&path);
    assert!(loaded.set.is_empty());
    assert!(!loaded.has_errors());
    let file = path.display();
    assert_eq!(
        problems(&loaded),
        [
            format!(
                "{file}: warning: 201 autonomous system (ASN) records not \
                 loaded: AS numbers cannot be matched in logs"
            ),
            format!(
                "{file}: warning: no indicator the sweep can match in this \
                 file (read as jsonl)"
            ),
        ]
    );
}

#[test]
fn report_prose_keeps_the_publishers_links_out() {
    let Some(dir) = corpus() else { return };
    let loaded = load(&dir.join("report-tables/eset_turla_README.adoc"));
    let shown = values(&loaded);
    assert!(!shown.iter().any(|v| v.contains("welivesecurity")), "{shown:?}");
    assert!(shown.contains(
        &"url www.shoppingexpert.it:80/wp-content/gallery/".to_string()
    ));
    assert!(shown.contains(&"filename winnet.dll.mui".to_string()));
    assert!(!shown.iter().any(|v| v.contains("Turla.")), "{shown:?}");
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

/// Loads `bytes` as a file named `name`, detecting its format.
fn load_bytes(name: &str, bytes: &[u8]) -> Loaded {
    let mut loader = iocsweep::load::Loader::new(LoadOptions::default());
    loader.add_bytes(name.into(), bytes);
    loader.finish()
}

/// Lists a load as `kind value source` lines and its problems, sorted.
fn listing(loaded: &Loaded) -> Vec<String> {
    let mut out: Vec<String> = loaded
        .set
        .iter()
        .flat_map(|(_, i)| {
            i.sources
                .iter()
                .map(move |s| format!("{} {} {s}", i.kind(), i.value))
        })
        .collect();
    out.extend(problems(loaded));
    out.sort();
    out
}

#[test]
fn every_line_based_corpus_file_loads_the_same_with_lone_cr_line_ends() {
    // As classic Mac OS and Excel's "CSV (Macintosh)" write them: the
    // same values, on the same line numbers, with the same problems.
    let Some(dir) = corpus() else { return };
    let line_based = ["cidr/", "csv/", "text/", "zeek-intel/", "report-"];
    let mut checked = 0;
    for (file, _, _) in EXPECTED {
        if !line_based.iter().any(|p| file.starts_with(p)) {
            continue;
        }
        let text = std::fs::read(dir.join(file)).expect("corpus file");
        let text = String::from_utf8_lossy(&text).replace("\r\n", "\n");
        let cr = text.replace('\n', "\r");
        let want = listing(&load_bytes(file, text.as_bytes()));
        let got = listing(&load_bytes(file, cr.as_bytes()));
        assert!(!want.is_empty(), "{file}");
        assert_eq!(got, want, "{file}");
        checked += 1;
    }
    assert_eq!(checked, 26);
}
