//! What the logs say around a hit: which kind of log an input is, when a
//! hit's line was written, and which field of the line the indicator sat
//! in.
//!
//! An input's kind is told once, from its path and first chunk
//! ([`recognise`]); the time and fields are read only for lines that
//! hold a hit, so clean lines cost nothing here. Windows event logs
//! (`.evtx`) are read record by record in [`evtx`].

pub mod evtx;
mod fields;
mod kind;
mod peer;
pub mod time;

use crate::time::Stamp;

pub use kind::kind_of;

/// What is known of one input's log format.
#[derive(Clone, Debug)]
pub struct Log {
    /// The kind of log (`zeek-http`, `bind-query`, `syslog`…; `text`
    /// when nothing more is known).
    pub kind: &'static str,
    /// For logs with a header naming their columns (Zeek TSV, W3C), the
    /// byte between columns and each column's canonical field name.
    columns: Option<Columns>,
    /// What time stamps need beyond the line.
    time: time::Context,
}

/// The columns a header names.
#[derive(Clone, Debug)]
struct Columns {
    sep: u8,
    names: Vec<Option<&'static str>>,
}

/// Returns what `head` (the first chunk of an input, up to a few hundred
/// KiB) says about the input's log format; `path` is the input's path or
/// archive member name, `modified` its modification time.
pub fn recognise(path: &str, head: &[u8], modified: Option<Stamp>) -> Log {
    let kind = kind_of(path, head);
    let columns = fields::header_columns(kind, head);
    let date = (kind == "w3c").then(|| time::header_date(head)).flatten();
    Log { kind, columns, time: time::Context { modified, date } }
}

impl Log {
    /// Returns a log of `kind` with nothing else known.
    pub fn plain(kind: &'static str) -> Log {
        let time = time::Context::default();
        Log { kind, columns: None, time }
    }

    /// Returns when `line` says it was written.
    pub fn time(&self, line: &[u8]) -> Option<Stamp> {
        time::line_time(line, &self.time)
    }

    /// Returns the canonical names of the fields that the match at
    /// `start..end` of `line` sits in, without repeats.
    pub fn fields(
        &self,
        line: &[u8],
        start: usize,
        end: usize,
    ) -> Vec<&'static str> {
        let mut out = Vec::new();
        let ends = [start, end.saturating_sub(1).max(start)];
        for at in ends {
            let name = match &self.columns {
                Some(c) => fields::column(line, at, c.sep, &c.names),
                None => fields::named(self.kind, line, at),
            };
            if let Some(n) = name {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
        }
        out
    }

    /// Returns the other side of `line`, where the log names it: the
    /// source of a match in the destination field and the reverse, the
    /// client that asked for a name or URL, the host that handed over a
    /// mail. `start..end` is the match, `fields` the fields it sat in
    /// (from [`Log::fields`]).
    pub fn peer<'l>(
        &self,
        line: &'l [u8],
        start: usize,
        end: usize,
        fields: &[&'static str],
    ) -> Option<&'l str> {
        let columns = self.columns.as_ref();
        peer::peer(self.kind, columns, line, (start, end), fields)
    }
}

#[cfg(test)]
mod tests;
