//! The HTML report: one self-contained file (inline CSS, an inline SVG
//! chart, no script, nothing fetched) with the sweep's scope, a table
//! per indicator seen, and the hits per day of the top indicators.
//!
//! Every string from a log, an indicator file or the command line is
//! escaped for a terminal first (so bidi overrides and invisible
//! characters show as escapes) and then for HTML, in text, attributes
//! and the chart's `<title>`s alike. A Content-Security-Policy in the
//! page forbids loading anything, should an escape ever be missed.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::Value;

use crate::set::IndicatorSet;
use crate::time::civil_from_days;

use super::sanitize;
use super::tally::{IndicatorTally, Tally};

/// How many indicators the chart shows.
pub const CHART_ROWS: usize = 10;

/// How many inputs the scope lists before it only counts the rest.
pub const INPUTS_LISTED: usize = 200;

/// How many files the table lists per indicator.
const FILES_SHOWN: usize = 10;

/// The most columns (days, or groups of days) the chart draws.
const MAX_COLUMNS: i64 = 370;

/// Returns `s` safe as HTML text or a quoted attribute value, with
/// control, bidi and invisible characters shown as escapes.
pub fn esc(s: &str) -> String {
    let s = sanitize::escape(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Returns a JSON value as text for a cell: strings as they are, null as
/// empty, anything else as JSON.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

const STYLE: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em}\
table{border-collapse:collapse;margin:.5em 0}\
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;\
vertical-align:top}\
th{background:#f0f0f0}td.n{text-align:right}td.t{white-space:nowrap}\
code{font:12px/1.3 ui-monospace,monospace;overflow-wrap:anywhere}\
.note{color:#555}svg text{font:11px sans-serif;fill:#333}\
svg rect.bar{fill:#c0392b}svg line{stroke:#999}";

/// Returns the report for a sweep: `manifest` is the audit manifest's
/// document (the scope), `tally` what was seen.
pub fn render(manifest: &Value, tally: &Tally, set: &IndicatorSet) -> String {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src \
         'none'; style-src 'unsafe-inline'\">\n\
         <title>iocsweep report</title>\n<style>",
    );
    h.push_str(STYLE);
    h.push_str("</style>\n</head>\n<body>\n<h1>iocsweep sweep report</h1>\n");
    scope(&mut h, manifest);
    let ranked = tally.ranked(set);
    chart(&mut h, &ranked, set);
    indicators(&mut h, &ranked, set);
    inputs(&mut h, manifest);
    h.push_str("</body>\n</html>\n");
    h
}

/// Writes the scope: who swept what, when, with which indicators.
fn scope(h: &mut String, m: &Value) {
    h.push_str("<h2 id=\"scope\">Scope</h2>\n<table>\n");
    let t = &m["totals"];
    let rows: [(&str, String); 12] = [
        ("Status", text(&m["status"])),
        ("Started", text(&m["started"])),
        ("Ended", text(&m["ended"])),
        ("Operator", text(&m["operator"])),
        ("Host", text(&m["host"])),
        ("Tool", format!("iocsweep {}", text(&m["tool"]["version"]))),
        ("Command line", command_line(&m["command_line"])),
        ("Indicators loaded", text(&m["indicators"]["loaded"])),
        ("Inputs", text(&t["inputs"])),
        (
            "Bytes, lines",
            format!("{}, {}", text(&t["bytes"]), text(&t["lines"])),
        ),
        ("Hits", text(&t["hits"])),
        ("Errors", text(&t["errors_summary"])),
    ];
    for (k, v) in rows {
        let _ = writeln!(h, "<tr><th>{k}</th><td>{}</td></tr>", esc(&v));
    }
    if let Some(i) = m.get("interrupted") {
        let at = text(&i["in_progress"]["path"]);
        let _ = writeln!(
            h,
            "<tr><th>Stopped by</th><td>{} (last input completed: {}; \
             in progress: {})</td></tr>",
            esc(&text(&i["signal"])),
            esc(&text(&i["last_completed"])),
            esc(&at)
        );
    }
    h.push_str("</table>\n<h3>Indicator files</h3>\n<table>\n");
    h.push_str(
        "<tr><th>file</th><th>format</th><th>values</th><th>errors</th>\
         <th>SHA-256</th></tr>\n",
    );
    for f in m["indicator_files"].as_array().into_iter().flatten() {
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td><code>{}</code></td></tr>",
            esc(&text(&f["file"])),
            esc(&text(&f["format"])),
            esc(&text(&f["values"])),
            esc(&text(&f["errors"])),
            esc(&text(&f["sha256"]))
        );
    }
    h.push_str("</table>\n");
}

/// Writes the inputs, after the findings: there may be thousands.
fn inputs(h: &mut String, m: &Value) {
    let inputs = m["inputs"].as_array().map_or(&[][..], Vec::as_slice);
    let _ = writeln!(
        h,
        "<h2 id=\"inputs\">Inputs ({})</h2>\n<details open>\n\
         <summary>each input, its size and modification time before the \
         sweep, what became of it, and its SHA-256 (with \
         --hash-inputs)</summary>\n<table>",
        inputs.len()
    );
    h.push_str(
        "<tr><th>path</th><th>size</th><th>modified</th><th>status</th>\
         <th>hits</th><th>SHA-256</th></tr>\n",
    );
    for i in inputs.iter().take(INPUTS_LISTED) {
        let hits: u64 = match i["members"].as_array() {
            Some(ms) => ms.iter().filter_map(|m| m["hits"].as_u64()).sum(),
            None => i["hits"].as_u64().unwrap_or(0),
        };
        let _ = writeln!(
            h,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td>\
             <td class=\"t\">{}</td><td>{}</td><td class=\"n\">{hits}</td>\
             <td><code>{}</code></td></tr>",
            esc(&text(&i["path"])),
            esc(&text(&i["size"])),
            esc(&text(&i["modified"])),
            esc(&text(&i["status"])),
            esc(&text(&i["sha256"]))
        );
    }
    h.push_str("</table>\n</details>\n");
    if inputs.len() > INPUTS_LISTED {
        let _ = writeln!(
            h,
            "<p class=\"note\">… and {} more inputs (the manifest lists \
             them all).</p>",
            inputs.len() - INPUTS_LISTED
        );
    }
}

/// Returns the command line as a shell would show it, each argument
/// quoted where it needs to be.
fn command_line(v: &Value) -> String {
    let args = v.as_array().map_or(&[][..], Vec::as_slice);
    let words: Vec<String> = args
        .iter()
        .map(|a| {
            let a = text(a);
            let plain = !a.is_empty()
                && a.chars().all(|c| {
                    c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c)
                });
            if plain { a } else { format!("'{}'", a.replace('\'', "'\\''")) }
        })
        .collect();
    words.join(" ")
}

/// Returns the date of a day number, `YYYY-MM-DD`.
fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Writes the chart of hits per day for the top indicators with dated
/// hits, one strip each on a shared time axis, each scaled to its own
/// busiest day.
fn chart(h: &mut String, ranked: &[&IndicatorTally], set: &IndicatorSet) {
    h.push_str("<h2 id=\"chart\">Hits per day</h2>\n");
    let undated: u64 = ranked.iter().map(|t| t.undated).sum();
    let dated: Vec<&&IndicatorTally> =
        ranked.iter().filter(|t| !t.days.is_empty()).collect();
    if dated.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note\">No hit had a time the sweep could read \
             ({undated} hits without one), so there is nothing to chart.</p>"
        );
        return;
    }
    let first = dated.iter().filter_map(|t| t.days.keys().next()).min();
    let last = dated.iter().filter_map(|t| t.days.keys().next_back()).max();
    let (first, last) = (*first.expect("dated"), *last.expect("dated"));
    let span = last - first + 1;
    let per = (span + MAX_COLUMNS - 1) / MAX_COLUMNS;
    let columns = (span + per - 1) / per;
    let shown: Vec<&&IndicatorTally> =
        dated.iter().copied().take(CHART_ROWS).collect();
    let (label_w, row_h, plot_w) = (260i64, 44i64, 840i64);
    let col_w = (plot_w as f64) / (columns as f64);
    let height = row_h * shown.len() as i64 + 40;
    let width = label_w + plot_w + 10;
    let _ = writeln!(
        h,
        "<svg width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"hits per day\">"
    );
    for (row, t) in shown.iter().enumerate() {
        let ind = set.get(t.id);
        let name = ind.value.to_string();
        let mut cols: BTreeMap<i64, u64> = BTreeMap::new();
        for (day, n) in &t.days {
            *cols.entry((day - first) / per).or_insert(0) += n;
        }
        let peak = cols.values().copied().max().unwrap_or(1).max(1);
        let top = row as i64 * row_h + 4;
        let base = top + row_h - 8;
        let label: String = name.chars().take(34).collect();
        let _ = writeln!(
            h,
            "<text x=\"0\" y=\"{}\">{}</text><text x=\"0\" y=\"{}\">{} \
             hits, peak {peak}</text>",
            top + 14,
            esc(&label),
            top + 28,
            t.hits
        );
        let _ = writeln!(
            h,
            "<line x1=\"{label_w}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>",
            label_w + plot_w
        );
        for (col, n) in cols {
            let bar_h =
                ((row_h - 14) as f64 * n as f64 / peak as f64).max(1.0);
            let x = label_w as f64 + col as f64 * col_w;
            let from = first + col * per;
            let when = if per == 1 {
                date(from)
            } else {
                format!("{} to {}", date(from), date(from + per - 1))
            };
            let _ = writeln!(
                h,
                "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" \
                 height=\"{bar_h:.1}\"><title>{}: {n} hits on {when}</title>\
                 </rect>",
                base as f64 - bar_h,
                (col_w - 0.5).max(0.8),
                esc(&name)
            );
        }
    }
    let axis = row_h * shown.len() as i64 + 18;
    // About eight dates along the axis, at the start of their bars; the
    // last one says where the period ends.
    let step = (columns + 7) / 8;
    for col in (0..columns).step_by(step as usize) {
        if col > 0 && columns - col < step / 2 {
            break;
        }
        let x = label_w as f64 + col as f64 * col_w;
        let _ = writeln!(
            h,
            "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{}\"/>\
             <text x=\"{x:.1}\" y=\"{axis}\">{}</text>",
            axis - 14,
            axis - 10,
            date(first + col * per)
        );
    }
    let _ = writeln!(
        h,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n</svg>",
        label_w + plot_w,
        axis + 14,
        date(last)
    );
    let mut notes = Vec::new();
    if per > 1 {
        notes.push(format!("each bar counts {per} days"));
    }
    if dated.len() > shown.len() {
        notes.push(format!(
            "the top {} of {} indicators with dated hits are shown",
            shown.len(),
            dated.len()
        ));
    }
    if undated > 0 {
        notes.push(format!(
            "{undated} hits had no time the sweep could read and are not \
             charted (they are counted in the table below)"
        ));
    }
    let unlisted: u64 = ranked.iter().map(|t| t.days_unlisted).sum();
    if unlisted > 0 {
        notes.push(format!(
            "{unlisted} dated hits fell on days past the {} days and peers \
             a sweep keeps, and are not charted (they are counted in the \
             table below)",
            super::tally::DISTINCT_KEPT
        ));
    }
    if !notes.is_empty() {
        let _ =
            writeln!(h, "<p class=\"note\">Note: {}.</p>", notes.join("; "));
    }
}

/// Writes the table of indicators seen.
fn indicators(h: &mut String, ranked: &[&IndicatorTally], set: &IndicatorSet) {
    let _ = writeln!(
        h,
        "<h2 id=\"indicators\">Indicators seen ({})</h2>",
        ranked.len()
    );
    if ranked.is_empty() {
        h.push_str("<p>No indicator was seen.</p>\n");
        return;
    }
    h.push_str(
        "<table>\n<tr><th>kind</th><th>indicator</th><th>hits</th>\
         <th>peers</th><th>first seen</th><th>last seen</th><th>files</th>\
         <th>sources</th></tr>\n",
    );
    for t in ranked {
        let ind = set.get(t.id);
        let mut files: Vec<String> = t
            .files
            .iter()
            .take(FILES_SHOWN)
            .map(|(p, n)| format!("<code>{}</code> ({n})", esc(p)))
            .collect();
        let more = t.files_total - files.len() as u64;
        if more > 0 {
            files.push(format!("… and {more} more"));
        }
        let sources: Vec<String> = ind
            .sources
            .iter()
            .map(|s| format!("<code>{}</code>", esc(&s.to_string())))
            .collect();
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td>\
             <td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td></tr>",
            ind.kind(),
            esc(&ind.value.to_string()),
            t.hits,
            t.peers_cell(),
            seen(t.first()),
            seen(t.last()),
            files.join("<br>"),
            sources.join("<br>")
        );
    }
    h.push_str("</table>\n");
}

/// Returns a sighting for a cell: the time if known, and where.
fn seen(s: &super::tally::Seen) -> String {
    let at = format!("<code>{}:{}</code>", esc(&s.path), s.line);
    match s.time {
        Some(t) => format!("{t}<br>{at}"),
        None => at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_what_steers_a_terminal() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            esc("\"><img src=x onerror='y'>"),
            "&quot;&gt;&lt;img src=x onerror=&#39;y&#39;&gt;"
        );
        assert_eq!(esc("a&b"), "a&amp;b");
        assert_eq!(esc("x\u{202e}gpj.exe"), "x\\u{202e}gpj.exe");
        assert_eq!(esc("\u{1b}[31m"), "\\x1b[31m");
    }

    use crate::indicator::Value as V;
    use crate::set::{Locator, SetBuilder, Source, SourceMeta};
    use crate::time::{Stamp, days_from_civil};

    use super::super::tally::Sighting;

    /// The value of a string indicator that carries markup.
    const MARKUP: &str = "\"><svg onload=alert(1)>";

    /// Returns a set of three indicators and a tally of hits over March
    /// 2024, some without a time.
    fn timed() -> (IndicatorSet, Tally) {
        let mut b = SetBuilder::new();
        let values = [
            V::Ipv4("198.51.100.7".parse().unwrap(), None),
            V::String(MARKUP.into()),
            V::String("quiet-marker".into()),
        ];
        for (i, v) in values.into_iter().enumerate() {
            let source = Source {
                file: "iocs.txt".into(),
                at: Locator::Line(i as u64 + 1),
                compound: false,
                meta: SourceMeta::default(),
            };
            b.push(v, source);
        }
        let set = b.build();
        let mut t = Tally::default();
        let day = |d: u32| days_from_civil(2024, 3, d) * 86_400;
        let mut add = |id: u32, path: &str, secs: Option<i64>, line: u64| {
            let time = secs.map(|secs| Stamp { secs, nanos: 0 });
            let s = Sighting {
                id,
                path,
                line,
                time,
                log: None,
                fields: &[],
                peer: None,
            };
            t.add(&s);
        };
        for d in 1..=20u32 {
            for k in 0..(d % 5 + 1) {
                add(0, "fw.log", Some(day(d) + 3600 * i64::from(k)), 1);
            }
            if d % 3 == 0 {
                add(1, "<b>proxy</b>.log", Some(day(d) + 60), 2);
            }
        }
        add(0, "fw.log", None, 9);
        add(2, "x.log", None, 4);
        (set, t)
    }

    /// Returns a manifest document with what the scope shows.
    fn scope() -> Value {
        serde_json::json!({
            "tool": {"name": "iocsweep", "version": "0.1.0"},
            "command_line": ["iocsweep", "sweep", "--iocs", "iocs.txt", "logs"],
            "operator": "analyst", "host": "triage-1",
            "started": "2024-03-21T09:00:00Z", "ended": "2024-03-21T09:00:04Z",
            "status": "complete",
            "indicators": {"loaded": 3},
            "indicator_files": [{"file": "iocs.txt", "format": "text",
                "values": 3, "errors": 0, "sha256": "00ff"}],
            "inputs": [{"path": "fw.log", "size": 1000, "status": "swept",
                "hits": 61, "modified": "2024-03-20T23:59:00Z"}],
            "totals": {"inputs": 1, "bytes": 1000, "lines": 100, "hits": 69,
                "errors_summary": "0 errors"},
        })
    }

    #[test]
    fn golden_report_with_a_chart_of_hits_per_day() {
        let (set, tally) = timed();
        let html = render(&scope(), &tally, &set);
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/reports/golden/report_chart.html"
        );
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &html).unwrap();
        }
        let want = std::fs::read_to_string(path).unwrap();
        assert!(want == html, "the chart report differs from {path}");

        let page = scraper::Html::parse_document(&html);
        assert!(page.errors.is_empty(), "{:?}", page.errors);
        let sel = |s: &str| scraper::Selector::parse(s).unwrap();
        assert_eq!(page.select(&sel("svg[onload]")).count(), 0);
        assert_eq!(page.select(&sel("script")).count(), 0);
        // One bar a day for the address (20 days), one every third day
        // for the other; the third indicator has no dated hit.
        assert_eq!(page.select(&sel("rect.bar")).count(), 20 + 6);
        let titles: Vec<String> = page
            .select(&sel("rect.bar title"))
            .map(|t| t.text().collect())
            .collect();
        assert_eq!(titles[0], "198.51.100.7: 2 hits on 2024-03-01");
        assert_eq!(titles[20], format!("{MARKUP}: 1 hits on 2024-03-03"));
        assert!(html.contains("2 hits had no time the sweep could read"));
        assert!(html.contains("<code>&lt;b&gt;proxy&lt;/b&gt;.log:2</code>"));
    }

    #[test]
    fn a_long_period_is_charted_in_groups_of_days() {
        let (set, _) = timed();
        let mut t = Tally::default();
        for d in 0..1000i64 {
            let time = Some(Stamp { secs: d * 86_400, nanos: 0 });
            t.add(&Sighting {
                id: 0,
                path: "a.log",
                line: 1,
                time,
                log: None,
                fields: &[],
                peer: None,
            });
        }
        let html = render(&scope(), &t, &set);
        // 1000 days in groups of 3: 334 bars.
        assert_eq!(html.matches("<rect class=\"bar\"").count(), 334);
        assert!(html.contains("each bar counts 3 days"));
        assert!(html.contains("3 hits on 1970-01-01 to 1970-01-03"));
    }

    #[test]
    fn hits_on_days_past_the_tally_limit_are_named_not_charted() {
        let (set, _) = timed();
        let chart = |limit: usize| {
            let mut t = Tally::with_limit(limit);
            for d in 0..10i64 {
                let time = Some(Stamp { secs: d * 86_400, nanos: 0 });
                t.add(&Sighting {
                    id: 0,
                    path: "a.log",
                    line: 1,
                    time,
                    log: None,
                    fields: &[],
                    peer: None,
                });
            }
            render(&scope(), &t, &set)
        };
        let html = chart(4);
        assert_eq!(html.matches("<rect class=\"bar\"").count(), 4);
        assert!(html.contains(
            "6 dated hits fell on days past the 1000000 days and peers a \
             sweep keeps, and are not charted"
        ));
        // Near miss: room for every day.
        let html = chart(10);
        assert_eq!(html.matches("<rect class=\"bar\"").count(), 10);
        assert!(!html.contains("fell on days past"));
    }

    #[test]
    fn command_lines_are_quoted_where_needed() {
        let v =
            serde_json::json!(["iocsweep", "sweep", "a b", "it's", "x.log"]);
        assert_eq!(command_line(&v), "iocsweep sweep 'a b' 'it'\\''s' x.log");
    }
}
