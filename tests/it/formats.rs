//! Indicator formats end to end: what a hit record says of an indicator
//! loaded from MISP or OpenIOC, and what `--to-ids-only` keeps.

use crate::inputs::{Setup, records, stderr};

const MISP: &str = r#"{"Event": {"Attribute": [
  {"uuid": "u-1", "type": "ip-dst", "value": "192.0.2.1", "to_ids": true},
  {"uuid": "u-2", "type": "domain", "value": "evil.example", "to_ids": false}
]}}"#;

const IOC: &str = "<?xml version=\"1.0\"?>\n\
<ioc xmlns=\"http://schemas.mandiant.com/2010/ioc\" id=\"i\"><definition>\
<Indicator operator=\"OR\" id=\"x\">\
<IndicatorItem id=\"item-1\" condition=\"contains\">\
<Context document=\"Network\" search=\"Network/URI\" type=\"mir\"/>\
<Content type=\"string\">/gate.php</Content></IndicatorItem>\
</Indicator></definition></ioc>\n";

const LOG: &[u8] = b"conn 192.0.2.1\n\
GET http://a.example/gate.php?x=1\n\
dns evil.example\n";

fn setup() -> Setup {
    let s = Setup::new();
    s.file("event.json", MISP.as_bytes());
    s.file("c2.ioc", IOC.as_bytes());
    s.file("app.log", LOG);
    s
}

#[test]
fn sources_carry_to_ids_and_substring_conditions() {
    let s = setup();
    let out = s.run(&["--iocs", "event.json", "--iocs", "c2.ioc", "app.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let recs = records(&out);
    let sources: Vec<String> =
        recs.iter().map(|r| r["sources"].to_string()).collect();
    assert_eq!(
        sources,
        [
            r#"[{"file":"event.json","id":"u-1","to_ids":true}]"#,
            r#"[{"file":"c2.ioc","id":"item-1","contains":true}]"#,
            r#"[{"file":"event.json","id":"u-2","to_ids":false}]"#,
        ]
    );
    assert_eq!(recs[1]["kind"], "string");
    assert_eq!(recs[1]["matched"], "/gate.php");
}

#[test]
fn to_ids_only_keeps_what_is_flagged_for_detection() {
    let s = setup();
    let out = s.run(&["--to-ids-only", "--iocs", "event.json", "app.log"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let hits: Vec<String> = records(&out)
        .iter()
        .map(|r| r["indicator"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(hits, ["192.0.2.1"]);
    let err = stderr(&out);
    assert!(
        err.contains(
            "event.json: warning: 1 attribute without to_ids left out \
             (--to-ids-only)"
        ),
        "{err}"
    );
}

#[test]
fn to_ids_only_previews_in_iocs_list_and_a_file_it_empties_is_no_error() {
    let s = setup();
    s.file(
        "quiet.json",
        br#"{"Event": {"Attribute": [
  {"uuid": "u-3", "type": "domain", "value": "c2.example", "to_ids": false}
]}}"#,
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iocsweep"))
        .current_dir(s.dir.path())
        .args(["iocs", "list", "--to-ids-only", "event.json", "quiet.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("192.0.2.1"), "{listed}");
    let err = stderr(&out);
    assert!(
        err.contains(
            "quiet.json: warning: every entry left out by the options in \
             this file (read as misp)"
        ),
        "{err}"
    );
    assert!(!err.contains("no usable indicator"), "{err}");
}
