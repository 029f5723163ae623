//! Windows event logs (`.evtx`): each record rendered as one line of
//! JSON, so the matcher reads it as it reads any text log.
//!
//! The binary XML of a record is rendered by the `evtx` crate and written
//! here on one line. Strings are written as they are, except that quotes
//! and control characters are escaped: backslashes stay single, so a
//! Windows path (`C:\Users\x\evil.exe`) reads and matches as it does in
//! a text log, which makes the line JSON-shaped rather than strict JSON.
//! A record's line number is its record id and its time the event's
//! `TimeCreated`; a damaged chunk is reported once the rest is read.

use evtx::EvtxParser;
use serde_json::Value;

use crate::time::Stamp;

/// The magic bytes an EVTX file starts with.
pub const MAGIC: &[u8; 8] = b"ElfFile\0";

/// What the sweep keeps of a record beside its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record {
    /// The event's `EventRecordID`, reported as its line.
    pub id: u64,
    /// When the event was created.
    pub time: Option<Stamp>,
    /// `evtx-sysmon`, `evtx-security` or `evtx`, by the record's channel.
    pub log: &'static str,
}

/// Rendered records: their lines (each ending in a line break), and
/// each line's record in order.
#[derive(Debug, Default)]
pub struct Rendered {
    /// One line per record.
    pub text: Vec<u8>,
    /// The records of the lines.
    pub records: Vec<Record>,
}

/// Reads the EVTX file `data` seeks in, handing `send` batches of rendered
/// records of about `batch` bytes each; stops early when `send` returns
/// false. Returns the problems met (damaged chunks or records, each
/// named), after everything readable was sent.
///
/// # Errors
///
/// Returns an error when the file header cannot be read at all.
pub fn read<T: std::io::Read + std::io::Seek>(
    data: T,
    batch: usize,
    send: &mut dyn FnMut(Rendered) -> bool,
) -> Result<Vec<String>, String> {
    let mut parser = EvtxParser::from_read_seek(data)
        .map_err(|e| format!("not a readable EVTX file: {}", chain(&e)))?;
    let mut problems = Vec::new();
    let mut out = Rendered::default();
    for record in parser.records_json_value() {
        match record {
            Ok(r) => {
                let time = event_time(&r.data)
                    .or_else(|| stamp_of(&r.timestamp.to_string()));
                let log = log_of(&r.data);
                let id = r
                    .data
                    .pointer("/Event/System/EventRecordID")
                    .and_then(Value::as_u64)
                    .unwrap_or(r.event_record_id);
                render(&r.data, &mut out.text);
                out.text.push(b'\n');
                out.records.push(Record { id, time, log });
            }
            Err(e) => problems.push(chain(&e)),
        }
        if out.text.len() >= batch && !send(std::mem::take(&mut out)) {
            return Ok(problems);
        }
    }
    if !out.records.is_empty() {
        send(out);
    }
    Ok(problems)
}

/// Returns an error's message with its causes.
fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn stamp_of(s: &str) -> Option<Stamp> {
    super::time::iso(s.as_bytes()).map(|(t, _)| t)
}

/// Returns `Event.System.TimeCreated.#attributes.SystemTime`.
fn event_time(v: &Value) -> Option<Stamp> {
    let t = v
        .pointer("/Event/System/TimeCreated/#attributes/SystemTime")?
        .as_str()?;
    stamp_of(t)
}

/// Returns the log kind by the record's channel.
fn log_of(v: &Value) -> &'static str {
    let channel = v.pointer("/Event/System/Channel").and_then(Value::as_str);
    match channel {
        Some(c) if c.starts_with("Microsoft-Windows-Sysmon") => "evtx-sysmon",
        Some("Security") => "evtx-security",
        _ => "evtx",
    }
}

/// Writes `v` on one line, strings as they are but for quotes and
/// control characters.
fn render(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(b) => {
            out.extend_from_slice(if *b { b"true" } else { b"false" })
        }
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                render(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            out.push(b'{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                string(k, out);
                out.push(b':');
                render(item, out);
            }
            out.push(b'}');
        }
    }
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in s.as_bytes() {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0..0x20 | 0x7f => {
                out.extend_from_slice(format!("\\u{b:04x}").as_bytes())
            }
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_render_on_one_line_with_paths_as_written() {
        let v: Value = serde_json::from_str(
            r##"{"Event":{"System":{"EventRecordID":7,"Channel":"Security",
            "TimeCreated":{"#attributes":{"SystemTime":"2019-08-03T12:08:13.6360892Z"}}},
            "EventData":{"Image":"C:\\Users\\x\\evil.exe","Msg":"a \"b\"\r\nc"}}}"##,
        )
        .unwrap();
        let mut out = Vec::new();
        render(&v, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains(r#""Image":"C:\Users\x\evil.exe""#), "{text}");
        assert!(text.contains(r#""Msg":"a \"b\"\r\nc""#), "{text}");
        assert!(!text.contains('\n'));
        assert_eq!(log_of(&v), "evtx-security");
        let t = event_time(&v).unwrap();
        assert_eq!(t.to_string(), "2019-08-03T12:08:13.636089200Z");
    }

    #[test]
    fn a_file_that_is_no_evtx_is_refused() {
        let data = std::io::Cursor::new(b"ElfFile\0short".to_vec());
        let e = read(data, 1024, &mut |_| true);
        assert!(e.unwrap_err().starts_with("not a readable EVTX file"));
    }
}
