//! Writes a check [`Report`]: a table of files and the findings grouped
//! by class for people, or JSON lines for machines.

use std::io::{self, Write};

use serde_json::json;

use super::{Class, Report};
use crate::load::Severity;
use crate::report::sanitize::escape;
use crate::set::Locator;

/// Writes the report for people: the per-file table, the loader's
/// problems, then the findings grouped by class. Control and bidi
/// characters from indicator files are escaped.
///
/// # Errors
///
/// Returns write errors.
pub fn text(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    table(r, out)?;
    problems(r, out)?;
    findings(r, out)?;
    summary(r, out)
}

/// Writes the per-file table: format, entries, entries not loaded,
/// warnings, distinct indicators by kind, file.
///
/// # Errors
///
/// Returns write errors.
pub fn table(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<[String; 6]> = r
        .files
        .iter()
        .map(|f| {
            let kinds: Vec<String> =
                f.kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
            [
                f.format.map_or("unread", |f| f.name()).to_string(),
                f.values.to_string(),
                f.not_loaded.to_string(),
                f.warnings.to_string(),
                if kinds.is_empty() { "-".into() } else { kinds.join(", ") },
                escape(&f.file),
            ]
        })
        .collect();
    let head =
        ["format", "entries", "not loaded", "warnings", "indicators", "file"]
            .map(String::from);
    let mut width = head.clone().map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in width.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for row in std::iter::once(&head).chain(&rows) {
        let [fmt, n, bad, warn, kinds, file] = row;
        writeln!(
            out,
            "{fmt:<w0$}  {n:>w1$}  {bad:>w2$}  {warn:>w3$}  {kinds:<w4$}  {file}",
            w0 = width[0],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3],
            w4 = width[4],
        )?;
    }
    Ok(())
}

/// Writes the loader's problems, errors first, then what was skipped.
fn problems(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    if !r.skipped.is_empty() {
        writeln!(out, "\nskipped ({}):", r.skipped.len())?;
        for p in &r.skipped {
            writeln!(out, "  {}", escape(&p.to_string()))?;
        }
    }
    for (sev, title, more) in [
        (Severity::Error, "not loaded", r.unlisted.0),
        (Severity::Warning, "load warnings", r.unlisted.1),
    ] {
        let list: Vec<String> = r
            .problems
            .iter()
            .filter(|p| p.severity == sev)
            .map(ToString::to_string)
            .collect();
        if list.is_empty() {
            continue;
        }
        let total = list.len() as isize + more;
        writeln!(out, "\n{title} ({total}):")?;
        for m in list {
            writeln!(out, "  {}", escape(&m))?;
        }
    }
    Ok(())
}

/// Writes the findings grouped by class.
fn findings(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut last: Option<Class> = None;
    for f in &r.findings {
        if last != Some(f.class) {
            let n = r.findings.iter().filter(|g| g.class == f.class).count();
            let meaning = f.class.meaning(r.allowlist);
            writeln!(out, "\n{} ({n}): {meaning}", f.class.name())?;
            last = Some(f.class);
        }
        let detail =
            f.detail.as_ref().map_or(String::new(), |d| format!(" [{d}]"));
        writeln!(
            out,
            "  {} {}{detail}: {}",
            f.kind,
            escape(&f.value),
            escape(&f.sources.join(", "))
        )?;
    }
    Ok(())
}

/// Writes the closing line.
fn summary(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let errors = r.problems.iter().filter(|p| p.severity == Severity::Error);
    let errors = errors.count();
    let warnings = (r.problems.len() - errors) as isize + r.unlisted.1;
    let errors = errors as isize + r.unlisted.0;
    let count = |n: isize, one: &str, many: &str| {
        let noun = if n == 1 { one } else { many };
        format!("{n} {noun}")
    };
    writeln!(
        out,
        "\n{}; {}, {}, {}",
        count(r.files.len() as isize, "file", "files"),
        count(errors, "error", "errors"),
        count(warnings, "load warning", "load warnings"),
        count(r.findings.len() as isize, "finding", "findings")
    )
}

/// Writes the report as JSON lines: `{"type":"file",…}` per file,
/// `{"type":"problem",…}` per loader problem, `{"type":"finding",…}` per
/// finding.
///
/// # Errors
///
/// Returns write errors.
pub fn jsonl(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for f in &r.files {
        let kinds: serde_json::Map<String, serde_json::Value> = f
            .kinds
            .iter()
            .map(|(k, n)| (k.name().to_string(), json!(n)))
            .collect();
        let line = json!({
            "type": "file",
            "file": f.file,
            "format": f.format.map(|f| f.name()),
            "entries": f.values,
            "indicators": kinds,
            "not_loaded": f.not_loaded,
            "warnings": f.warnings,
        });
        writeln!(out, "{line}")?;
    }
    for p in &r.skipped {
        let reason = p.message.strip_prefix("skipped: ").unwrap_or(&p.message);
        let line = json!({
            "type": "skipped",
            "file": p.file.as_ref(),
            "reason": reason,
            "message": escape(&p.to_string()),
        });
        writeln!(out, "{line}")?;
    }
    for p in &r.problems {
        let sev =
            if p.severity == Severity::Error { "error" } else { "warning" };
        let (line, object) = match &p.at {
            Some(Locator::Line(n)) => (Some(*n), None),
            Some(Locator::Id(id)) => (None, Some(id.as_str())),
            None => (None, None),
        };
        let line = json!({
            "type": "problem",
            "severity": sev,
            "file": p.file.as_ref(),
            "line": line,
            "object": object,
            "reason": p.message,
            // The line the text report prints, escaped as it is there;
            // the other fields hold names and reason as they are.
            "message": escape(&p.to_string()),
        });
        writeln!(out, "{line}")?;
    }
    for f in &r.findings {
        let line = json!({
            "type": "finding",
            "class": f.class.name(),
            "kind": f.kind.name(),
            "indicator": f.value,
            "sources": f.sources,
            "detail": f.detail,
        });
        writeln!(out, "{line}")?;
    }
    Ok(())
}
