//! Lists and counts a loaded indicator set, for `iocsweep iocs list`
//! and `iocsweep iocs stats`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::json;

use crate::check::{Class, Report};
use crate::indicator::Kind;
use crate::load::Loaded;
use crate::report::sanitize::escape;

/// Writes one indicator a line, in id order: kind, value and sources,
/// separated by tabs (control characters escaped).
///
/// # Errors
///
/// Returns write errors.
pub fn list_text(loaded: &Loaded, out: &mut dyn Write) -> io::Result<()> {
    for (_, ind) in loaded.set.iter() {
        let sources: Vec<String> =
            ind.sources.iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "{}\t{}\t{}",
            ind.kind(),
            escape(&ind.value.to_string()),
            escape(&sources.join(", "))
        )?;
    }
    Ok(())
}

/// Writes one JSON object an indicator: `kind`, `indicator`, `sources`.
///
/// # Errors
///
/// Returns write errors.
pub fn list_jsonl(loaded: &Loaded, out: &mut dyn Write) -> io::Result<()> {
    for (_, ind) in loaded.set.iter() {
        let sources: Vec<String> =
            ind.sources.iter().map(ToString::to_string).collect();
        let line = json!({
            "kind": ind.kind().name(),
            "indicator": ind.value.to_string(),
            "sources": sources,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// The counts `iocsweep iocs stats` prints.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Distinct indicators a sweep would use, by kind.
    pub kinds: BTreeMap<Kind, usize>,
    /// Entries read, repeats included.
    pub entries: usize,
    /// Files read, and distinct indicators from them, by format name.
    pub formats: BTreeMap<&'static str, (usize, usize)>,
    /// Indicators with more than one source.
    pub repeated: usize,
    /// Indicators listed by more than one file.
    pub across_files: usize,
    /// Indicators left out as expired.
    pub expired: usize,
    /// Indicators left out as revoked.
    pub revoked: usize,
}

/// Counts a loaded set; `report` is its check.
pub fn stats(loaded: &Loaded, report: &Report) -> Stats {
    let count = |c| report.findings.iter().filter(|f| f.class == c).count();
    let mut s = Stats {
        kinds: loaded.set.counts(),
        entries: loaded.files.iter().map(|f| f.values).sum(),
        repeated: loaded
            .set
            .iter()
            .filter(|(_, i)| i.sources.len() > 1)
            .count(),
        across_files: count(Class::Duplicate),
        expired: count(Class::Expired),
        revoked: count(Class::Revoked),
        ..Stats::default()
    };
    for f in &report.files {
        let name = f.format.map_or("unread", |f| f.name());
        let e = s.formats.entry(name).or_insert((0, 0));
        e.0 += 1;
        e.1 += f.kinds.values().sum::<usize>();
    }
    s
}

/// Writes the counts for people, then the per-file table of the check.
///
/// # Errors
///
/// Returns write errors.
pub fn stats_text(
    s: &Stats,
    report: &Report,
    out: &mut dyn Write,
) -> io::Result<()> {
    let total: usize = s.kinds.values().sum();
    let kinds: Vec<String> =
        s.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    if kinds.is_empty() {
        writeln!(out, "indicators: {total}")?;
    } else {
        writeln!(out, "indicators: {total} ({})", kinds.join(", "))?;
    }
    writeln!(out, "entries read: {} (repeats included)", s.entries)?;
    for (name, (files, n)) in &s.formats {
        let f = if *files == 1 { "file" } else { "files" };
        let i = if *n == 1 { "indicator" } else { "indicators" };
        writeln!(out, "format {name}: {files} {f}, {n} {i}")?;
    }
    writeln!(
        out,
        "repeated: {} indicators with more than one source, {} of them \
         in more than one file",
        s.repeated, s.across_files
    )?;
    writeln!(
        out,
        "left out of sweeps: {} expired, {} revoked",
        s.expired, s.revoked
    )?;
    writeln!(out)?;
    let files_only =
        Report { files: report.files.clone(), ..Report::default() };
    crate::check::table(&files_only, out)
}

/// Writes the counts as one JSON object.
///
/// # Errors
///
/// Returns write errors.
pub fn stats_json(s: &Stats, out: &mut dyn Write) -> io::Result<()> {
    let kinds: BTreeMap<&str, usize> =
        s.kinds.iter().map(|(k, n)| (k.name(), *n)).collect();
    let formats: BTreeMap<&str, serde_json::Value> = s
        .formats
        .iter()
        .map(|(f, (files, n))| (*f, json!({"files": files, "indicators": n})))
        .collect();
    let line = json!({
        "indicators": kinds,
        "entries": s.entries,
        "formats": formats,
        "repeated": s.repeated,
        "across_files": s.across_files,
        "expired": s.expired,
        "revoked": s.revoked,
    });
    writeln!(out, "{line}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use crate::load::{LoadOptions, Loader};

    fn loaded() -> Loaded {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("a.txt".into(), b"1.2.3.4\nevil.example\n1.2.3.4\n");
        l.add_bytes("b.txt".into(), b"evil.example\n\x1b[31m.example\n");
        l.finish()
    }

    #[test]
    fn lists_one_indicator_a_line() {
        let l = loaded();
        let mut out = Vec::new();
        list_text(&l, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "ipv4\t1.2.3.4\ta.txt:1, a.txt:3\n\
             domain\tevil.example\ta.txt:2, b.txt:1\n"
        );
        let mut out = Vec::new();
        list_jsonl(&l, &mut out).unwrap();
        let first: serde_json::Value = serde_json::from_str(
            String::from_utf8(out).unwrap().lines().next().unwrap(),
        )
        .unwrap();
        assert_eq!(
            first,
            json!({"kind": "ipv4", "indicator": "1.2.3.4",
                   "sources": ["a.txt:1", "a.txt:3"]})
        );
    }

    #[test]
    fn counts_kinds_formats_and_repeats() {
        let l = loaded();
        let r = check(&l, &[], None);
        let s = stats(&l, &r);
        assert_eq!(s.kinds.get(&Kind::Ipv4), Some(&1));
        assert_eq!(s.kinds.get(&Kind::Domain), Some(&1));
        assert_eq!(s.entries, 4);
        assert_eq!(s.formats.get("text"), Some(&(2, 3)));
        assert_eq!((s.repeated, s.across_files), (2, 1));
        let mut out = Vec::new();
        stats_text(&s, &r, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with(
            "indicators: 2 (ipv4 1, domain 1)\nentries read: 4 (repeats \
             included)\nformat text: 2 files, 3 indicators\nrepeated: 2 \
             indicators with more than one source, 1 of them in more than \
             one file\nleft out of sweeps: 0 expired, 0 revoked\n\n"
        ));
    }

    #[test]
    fn an_empty_set_lists_no_kinds() {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("a.txt".into(), b"# nothing\n");
        let l = l.finish();
        let r = check(&l, &[], None);
        let mut out = Vec::new();
        stats_text(&stats(&l, &r), &r, &mut out).unwrap();
        let out = String::from_utf8(out).unwrap();
        assert!(out.starts_with("indicators: 0\n"), "{out}");
    }
}
