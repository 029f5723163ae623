//! The sweep: inputs in order, cut into chunks, matched in parallel, hits
//! handed to a [`Sink`] in input then line order.
//!
//! Reader threads open, decompress and cut the inputs ahead of the
//! matcher (see `feed`). Chunks from one or many inputs are gathered
//! into batches of bounded size; a batch is matched on the thread pool,
//! then its hits are numbered (line and stream offset) and delivered in
//! order. Output is therefore the same whatever the number of threads,
//! and memory is bounded by the batch and reader budgets, not by the size
//! of the inputs. The members of a tar archive are inputs of their own
//! to the sink, found as the archive is read.

pub mod archive;
mod channel;
pub mod compress;
pub mod content;
mod feed;
mod guard;
pub mod input;
pub mod select;
pub mod tap;
pub mod utf16;

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{RecvTimeoutError, TryRecvError};
use std::time::Duration;

use rayon::prelude::*;

use crate::logs::evtx::Record;
use crate::logs::{self, Log};
use crate::matcher::{Matcher, RawHit};
use crate::time::Stamp;
use channel::Recv;
use compress::Format;
use content::Content;
use feed::{Feed, Feeder, Item};
use input::{Chunk, Input, Watch};
use tap::{RawDigest, TapOptions};

/// Tuning for a sweep.
#[derive(Clone, Debug)]
pub struct Options {
    /// Target chunk size in bytes.
    pub chunk_size: usize,
    /// The longest line kept whole; longer lines are cut at a blank.
    pub max_line: usize,
    /// The most bytes matched in one batch.
    pub batch_bytes: usize,
    /// What to tap on the raw bytes of every input (hash, byte count).
    pub tap: TapOptions,
    /// Hits whose line says it was written before this are dropped.
    pub since: Option<Stamp>,
    /// Hits whose line says it was written after this are dropped.
    pub until: Option<Stamp>,
    /// The most bytes of an EVTX log read as a stream (compressed, from
    /// standard input or an archive) held in memory at once: the parser
    /// seeks, so a streamed log is parsed a window of this many bytes of
    /// chunks at a time (rounded down to whole 64 KiB chunks).
    pub evtx_window: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            chunk_size: 256 * 1024,
            max_line: 8 << 20,
            batch_bytes: 64 << 20,
            tap: TapOptions::default(),
            since: None,
            until: None,
            evtx_window: 64 << 20,
        }
    }
}

/// One hit, numbered and ready to report.
#[derive(Debug)]
pub struct Hit<'a> {
    /// 1-based line number in the input's (decompressed) stream.
    pub line: u64,
    /// 0-based offset of the match in the stream.
    pub offset: u64,
    /// The indicator's id.
    pub id: u32,
    /// The matched bytes.
    pub matched: &'a [u8],
    /// The line holding the match, without its line break; a long line
    /// is cut to 4 KiB either side of the match.
    pub text: &'a [u8],
    /// When the line says it was written, if it says so in a form we read.
    pub time: Option<Stamp>,
    /// The kind of log the input is (`zeek-http`, `bind-query`), if
    /// recognised.
    pub log: Option<&'static str>,
    /// The fields of the log the match sat in (`src`, `dst`, `query`,
    /// `host`…), where the format names them.
    pub fields: Vec<&'static str>,
    /// The other side of the line, where the log names it: the source of
    /// a match in the destination field and the reverse, the client that
    /// asked for a name or URL, the host that handed over a mail.
    pub peer: Option<&'a str>,
}

/// What became of one input.
#[derive(Debug, Default, Clone)]
pub struct InputStats {
    /// Bytes swept.
    pub bytes: u64,
    /// Lines swept (a last line without a line break counts).
    pub lines: u64,
    /// Hits reported.
    pub hits: u64,
    /// Whether NUL bytes were seen.
    pub binary: bool,
    /// The compression the input was read through (`gzip`, `bzip2`,
    /// `xz`, `zstd`), if any. A member of a compressed archive has the
    /// archive's compression unless it is compressed itself.
    pub compression: Option<&'static str>,
    /// Whether the input was UTF-16 text, decoded to UTF-8.
    pub utf16: bool,
    /// Whether the input held bytes that are not valid UTF-8.
    pub invalid_utf8: bool,
    /// With `since` or `until` set: hits dropped as outside the window.
    pub outside_window: u64,
    /// With `since` or `until` set: hits kept although their line has no
    /// time read here, so none is lost unseen.
    pub untimed_kept: u64,
}

/// Receives the results of a sweep, in order.
pub trait Sink {
    /// Receives one hit of `input`.
    ///
    /// # Errors
    ///
    /// An error stops the sweep (e.g. a closed output pipe).
    fn hit(&mut self, input: &Input, hit: &Hit<'_>) -> io::Result<()>;

    /// Called once an input is done, successfully or not.
    ///
    /// # Errors
    ///
    /// An error stops the sweep.
    fn input_done(
        &mut self,
        input: &Input,
        stats: &InputStats,
        error: Option<&io::Error>,
    ) -> io::Result<()>;

    /// Receives the SHA-256 of an input's raw bytes (of the file as
    /// stored: compressed bytes for a compressed file, the whole archive
    /// for a tar archive), after the input and its members are done.
    /// Called only when [`Options::tap`] asks for hashes.
    ///
    /// # Errors
    ///
    /// An error stops the sweep.
    fn input_hashed(
        &mut self,
        input: &Input,
        digest: &RawDigest,
    ) -> io::Result<()> {
        let _ = (input, digest);
        Ok(())
    }

    /// Called once when the sweep is stopped by its stop flag in the
    /// middle of `input`, after every hit found in it so far: `stats`
    /// counts what was swept of it.
    ///
    /// # Errors
    ///
    /// An error is returned by [`Sweeper::run`] in place of the
    /// interruption.
    fn input_stopped(
        &mut self,
        input: &Input,
        stats: &InputStats,
    ) -> io::Result<()> {
        let _ = (input, stats);
        Ok(())
    }
}

/// Per-chunk matching result.
#[derive(Debug, Default)]
struct Matched {
    /// Hits sorted by offset then id, one per line and indicator.
    hits: Vec<Captured>,
    /// The stretches of the chunk the hits' texts lie in, copied.
    texts: Vec<Vec<u8>>,
    newlines: u64,
    ends_in_newline: bool,
    binary: bool,
    invalid_utf8: bool,
}

impl Matched {
    /// Returns the text around `c` and its match.
    fn text_of(&self, c: &Captured) -> (&[u8], &[u8]) {
        let text = &self.texts[c.text][c.from..c.to];
        let len = c.hit.end - c.hit.start;
        (text, &text[c.at..c.at + len])
    }
}

/// A hit with its text copied out of the chunk as soon as it was found.
///
/// A mapped file truncated under the sweep has its lost pages replaced
/// by zeros (see `guard`); copying at once keeps what was matched, and a
/// hit whose bytes are already gone is dropped rather than reported
/// with text that does not hold it.
///
/// Hits whose texts overlap share one copy: a long line holding many
/// indicators gave each hit a copy of up to `2 × CONTEXT` bytes, so
/// 262,144 hits on four 750 KB lines held 2.2 GB until the batch was
/// written. What a chunk's hits hold is now at most the chunk's bytes.
#[derive(Debug)]
struct Captured {
    /// Line number within the chunk (0-based).
    line: u64,
    hit: RawHit,
    /// Which of [`Matched::texts`] holds the text.
    text: usize,
    /// Where the text lies in it: the line around the match, at most
    /// `CONTEXT` bytes either side.
    from: usize,
    to: usize,
    /// Where the match starts in the text.
    at: usize,
}

/// Bytes of line kept either side of a match: more than the record's
/// text needs.
pub const CONTEXT: usize = 4096;

/// Units of a batch matched at a time, per worker: enough that workers
/// rarely wait on the slowest unit of a round.
const UNITS_PER_WORKER: usize = 4;

/// Copies of the stretches of a chunk that its hits' texts lie in.
#[derive(Default)]
struct Texts {
    texts: Vec<Vec<u8>>,
    /// Where the last copy starts and ends in the chunk.
    last: std::ops::Range<usize>,
}

impl Texts {
    /// Returns `h`'s text, the line around it, copied (or extending the
    /// copy it overlaps), or `None` if the match's bytes are gone.
    fn capture(
        &mut self,
        data: &[u8],
        line: u64,
        h: RawHit,
    ) -> Option<Captured> {
        let ls = memchr::memrchr(b'\n', &data[..h.start]).map_or(0, |i| i + 1);
        let le = memchr::memchr(b'\n', &data[h.end..])
            .map_or(data.len(), |i| h.end + i);
        let le = if le > ls && data[le - 1] == b'\r' { le - 1 } else { le };
        let from = ls.max(h.start.saturating_sub(CONTEXT));
        let to = le.max(h.end).min(h.end + CONTEXT);
        // Windows start in the order of the hits, so each overlaps the
        // last copy or lies after it.
        if self.texts.is_empty() || from > self.last.end {
            self.texts.push(data[from..to].to_vec());
            self.last = from..to;
        } else if to > self.last.end {
            let copy = self.texts.last_mut().expect("a copy");
            copy.extend_from_slice(&data[self.last.end..to]);
            self.last.end = to;
        }
        let base = self.last.start;
        let text = self.texts.len() - 1;
        let matched = &self.texts[text][h.start - base..h.end - base];
        let lost = matched.contains(&0);
        (!lost).then_some(Captured {
            line,
            hit: h,
            text,
            from: from - base,
            to: to - base,
            at: h.start - from,
        })
    }
}

fn match_chunk(m: &Matcher, data: &[u8]) -> Matched {
    // Shortcoming: every match of the chunk is held (24 bytes each)
    // before the one-per-line-and-indicator rule thins them. A chunk of
    // one long line (up to 8 MiB + 256 KiB) dense with overlapping
    // matches (`1.1.1.1 ` repeated, under 25 nested ranges) holds about
    // 620 MB per worker for a few records. Thinning as the matcher goes
    // would need it to know lines and earlier hits.
    let mut raw = Vec::new();
    m.scan(data, &mut raw);
    raw.sort_unstable_by_key(|h| (h.start, h.id, h.end));
    let mut hits = Vec::with_capacity(raw.len());
    let mut texts = Texts::default();
    let mut line = 0u64;
    let mut pos = 0usize;
    let mut seen: Vec<u32> = Vec::new();
    for h in raw {
        let newlines = memchr::memchr_iter(b'\n', &data[pos..h.start]).count();
        if newlines > 0 {
            line += newlines as u64;
            seen.clear();
        }
        pos = h.start;
        if !seen.contains(&h.id) {
            seen.push(h.id);
            hits.extend(texts.capture(data, line, h));
        }
    }
    let newlines =
        line + memchr::memchr_iter(b'\n', &data[pos..]).count() as u64;
    Matched {
        hits,
        texts: texts.texts,
        newlines,
        ends_in_newline: data.last() == Some(&b'\n'),
        binary: memchr::memchr(0, data).is_some(),
        // Chunks end at a line break or a blank, never inside a UTF-8
        // character, so each can be checked on its own.
        invalid_utf8: std::str::from_utf8(data).is_err(),
    }
}

/// Per-input progress while its chunks are delivered.
struct Progress {
    input: Input,
    stats: InputStats,
    last_ended_line: bool,
    /// Whether the input was finished and reported.
    done: bool,
    /// The input's log format, told from its first chunk.
    log: Option<Log>,
    /// The records of the next chunk's lines, for inputs read record by
    /// record.
    records: Option<Vec<Record>>,
}

/// How an input (or archive member) about to be swept was read.
#[derive(Clone, Copy)]
struct Reading {
    compression: Option<Format>,
    utf16: bool,
}

/// How often a sweep waiting on a reader looks at its stop flag.
const STOP_POLL: Duration = Duration::from_millis(50);

/// Sweeps inputs with a compiled matcher.
pub struct Sweeper<'m> {
    matcher: &'m Matcher,
    opts: Options,
    stop: Option<&'m AtomicBool>,
}

impl<'m> Sweeper<'m> {
    /// Creates a sweeper.
    pub fn new(matcher: &'m Matcher, opts: Options) -> Sweeper<'m> {
        Sweeper { matcher, opts, stop: None }
    }

    /// Makes the sweep stop once `flag` is set (by a signal handler, say):
    /// what was read is matched and delivered, the input in progress is
    /// reported to [`Sink::input_stopped`], and [`Sweeper::run`] returns
    /// an error of kind [`io::ErrorKind::Interrupted`].
    pub fn stop_on(mut self, flag: &'m AtomicBool) -> Sweeper<'m> {
        self.stop = Some(flag);
        self
    }

    /// Whether the stop flag is set.
    fn stopping(&self) -> bool {
        self.stop.is_some_and(|f| f.load(Ordering::Relaxed))
    }

    /// Returns `chan`'s next message, `None` once it is closed; while
    /// waiting, looks at the stop flag now and then and returns the
    /// interruption once it is set.
    fn recv<T>(&self, chan: &impl Recv<T>) -> io::Result<Option<T>> {
        if self.stop.is_none() {
            return Ok(chan.recv().ok());
        }
        loop {
            if self.stopping() {
                return Err(interrupted());
            }
            match chan.recv_timeout(STOP_POLL) {
                Ok(t) => return Ok(Some(t)),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(None),
            }
        }
    }

    /// Sweeps `inputs` in order on the current rayon pool, with as many
    /// reader threads as the pool has workers.
    ///
    /// # Errors
    ///
    /// Returns an error only when the sink fails or no reader thread can
    /// be started; inputs that cannot be read are reported to the sink
    /// and the sweep goes on.
    pub fn run(
        &self,
        inputs: &[Input],
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let mut batch = Batch::default();
        match self.run_batches(inputs, &mut batch, sink) {
            Err(e)
                if e.kind() == io::ErrorKind::Interrupted
                    && self.stopping() =>
            {
                self.stop_now(&mut batch, sink)
            }
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                // The output was closed: the input in progress is still
                // told, as far as it was read, so the ledger does not
                // call it unswept; the sink's own write fails again.
                if let Some(p) = batch.progress.as_ref().filter(|p| !p.done) {
                    let _ = sink.input_stopped(&p.input, &p.stats);
                }
                Err(e)
            }
            other => other,
        }
    }

    /// Sweeps `inputs` through `batch`.
    fn run_batches(
        &self,
        inputs: &[Input],
        batch: &mut Batch,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let lanes = rayon::current_num_threads();
        let mut feeder = Feeder::start(inputs, &self.opts, lanes)?;
        for i in 0..inputs.len() {
            let next = self.recv(feeder.next_lane())?;
            match Feeder::feed_of(next) {
                Ok(feed) => self.add(i, feed, batch, inputs, sink)?,
                Err(e) => {
                    let plain = Reading { compression: None, utf16: false };
                    batch.started(inputs[i].clone(), plain);
                    batch.finished(Some(e), None);
                }
            }
            if batch.bytes >= self.opts.batch_bytes {
                self.flush(batch, sink)?;
            }
            if self.stopping() {
                return Err(interrupted());
            }
        }
        self.flush(batch, sink)
    }

    /// Ends a sweep stopped by its flag: matches and delivers what was
    /// read, tells the sink where it stopped, and returns the
    /// interruption.
    fn stop_now(
        &self,
        batch: &mut Batch,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        self.flush(batch, sink)?;
        if let Some(p) = batch.progress.as_ref().filter(|p| !p.done) {
            let mut stats = p.stats.clone();
            if !p.last_ended_line && stats.bytes > 0 {
                stats.lines += 1;
            }
            sink.input_stopped(&p.input, &stats)?;
        }
        Err(interrupted())
    }

    /// Takes the chunks of input `i` into batches as they come. A tar
    /// archive's members are inputs of their own; the archive itself is
    /// reported only if it has no member or breaks between members.
    fn add(
        &self,
        i: usize,
        feed: Feed,
        batch: &mut Batch,
        inputs: &[Input],
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let utf16 = matches!(feed.content, Content::Utf16(_));
        let reading = Reading { compression: feed.compression, utf16 };
        let tar = feed.content == Content::Tar;
        let mut open = !tar;
        if open {
            batch.started(inputs[i].clone(), reading);
        }
        let mut members = 0;
        let mut error: Option<io::Error> = None;
        while let Some(item) = self.next_item(&feed, batch, sink)? {
            match item {
                Item::Chunk(chunk) => batch.push(chunk),
                Item::Member { name, compression, utf16 } => {
                    let member = Input::Member {
                        archive: inputs[i].name(),
                        member: name,
                    };
                    let compression = compression.or(feed.compression);
                    batch.started(member, Reading { compression, utf16 });
                    (open, members) = (true, members + 1);
                }
                Item::MemberEnd => {
                    batch.finished(error.take(), None);
                    open = false;
                }
                Item::Error(e) => error = Some(e),
                Item::Records(records) => batch.records(records),
            }
            if batch.bytes >= self.opts.batch_bytes {
                self.flush(batch, sink)?;
            }
        }
        if !open && (error.is_some() || members == 0) {
            batch.started(inputs[i].clone(), reading);
            open = true;
        }
        if open {
            batch.finished(error, feed.watch);
        }
        let digest = feed.digest.and_then(|d| d.lock().ok()?.take());
        if let Some(digest) = digest {
            batch.events.push(Event::Hashed(inputs[i].clone(), digest));
        }
        Ok(())
    }

    /// Returns the feed's next item, `None` at its end. When the reader
    /// has nothing ready, the batch is matched at once if it can keep
    /// every worker busy, rather than wait idle for a full batch: a slow
    /// decompressor then sets the pace, not the batch size.
    fn next_item(
        &self,
        feed: &Feed,
        batch: &mut Batch,
        sink: &mut dyn Sink,
    ) -> io::Result<Option<Item>> {
        if self.stopping() {
            return Err(interrupted());
        }
        match feed.chunks.try_recv() {
            Ok(item) => return Ok(Some(item)),
            Err(TryRecvError::Disconnected) => return Ok(None),
            Err(TryRecvError::Empty) => {}
        }
        if batch.units.len() >= rayon::current_num_threads() {
            self.flush(batch, sink)?;
        }
        self.recv(&feed.chunks)
    }

    /// Matches every unit of the batch in parallel, then delivers the
    /// hits and finished inputs in order.
    fn flush(&self, batch: &mut Batch, sink: &mut dyn Sink) -> io::Result<()> {
        let mut units = std::mem::take(&mut batch.units).into_iter();
        // Units are matched a few per worker at a time, not the whole
        // batch at once: a unit's hits hold memory in proportion to their
        // number, which lines dense with hits make far larger than the
        // unit's bytes (8 MiB of `1.1.1.1` lines under 25 nested ranges
        // gave 26 million records, 1.57 GB held at once).
        let group = rayon::current_num_threads().max(1) * UNITS_PER_WORKER;
        let mut ready = std::collections::VecDeque::new();
        for event in std::mem::take(&mut batch.events) {
            match event {
                Event::Started(input, reading) => {
                    let stats = InputStats {
                        compression: reading.compression.map(Format::name),
                        utf16: reading.utf16,
                        ..InputStats::default()
                    };
                    let last_ended_line = false;
                    batch.progress = Some(Progress {
                        input,
                        stats,
                        last_ended_line,
                        done: false,
                        log: None,
                        records: None,
                    });
                }
                Event::Records(records) => {
                    let p = batch.progress.as_mut().expect("a started input");
                    p.records = Some(records);
                }
                Event::Unit => {
                    if ready.is_empty() {
                        let next: Vec<_> =
                            units.by_ref().take(group).collect();
                        let matched: Vec<Matched> = next
                            .par_iter()
                            .map(|c| match_chunk(self.matcher, c.data()))
                            .collect();
                        ready.extend(next.into_iter().zip(matched));
                    }
                    let (chunk, matched) =
                        ready.pop_front().expect("one unit per unit event");
                    let p = batch.progress.as_mut().expect("a started input");
                    if p.log.is_none() {
                        p.log = Some(recognise(&p.input, chunk.data()));
                    }
                    self.deliver(&chunk, &matched, p, sink)?;
                    chunk.release();
                }
                Event::Finished(err, watch) => {
                    // Every chunk of the input is matched by now: a mapped
                    // file is checked for changes at the end of its sweep.
                    let err = err.or_else(|| watch?.check(None).err());
                    let p = batch.progress.as_mut().expect("a started input");
                    p.done = true;
                    let mut stats = p.stats.clone();
                    if !p.last_ended_line && stats.bytes > 0 {
                        stats.lines += 1;
                    }
                    sink.input_done(&p.input, &stats, err.as_ref())?;
                }
                Event::Hashed(input, digest) => {
                    sink.input_hashed(&input, &digest)?;
                }
            }
        }
        batch.bytes = 0;
        Ok(())
    }

    fn deliver(
        &self,
        chunk: &Chunk,
        m: &Matched,
        p: &mut Progress,
        sink: &mut dyn Sink,
    ) -> io::Result<()> {
        let data = chunk.data();
        let base_line = p.stats.lines;
        let log = p.log.as_ref().expect("recognised before delivery");
        let records = p.records.take();
        let mut about = LineAbout::default();
        let mut delivered = 0;
        for c in &m.hits {
            let (text, matched) = m.text_of(c);
            let (mut time, fields, peer) = about.read(log, data, c);
            let mut line = base_line + c.line + 1;
            let mut kind = log.kind;
            // A record's line is its record id, its time the event's.
            if let Some(r) =
                records.as_ref().and_then(|r| r.get(c.line as usize))
            {
                (line, time, kind) = (r.id, r.time, r.log);
            }
            if !self.in_window(time, &mut p.stats) {
                continue;
            }
            let hit = Hit {
                line,
                offset: chunk.stream_offset + c.hit.start as u64,
                id: c.hit.id,
                matched,
                text,
                time,
                log: Some(kind),
                fields,
                peer,
            };
            sink.hit(&p.input, &hit)?;
            delivered += 1;
        }
        p.stats.hits += delivered;
        p.stats.lines += m.newlines;
        p.stats.bytes += data.len() as u64;
        p.stats.binary |= m.binary;
        p.stats.invalid_utf8 |= m.invalid_utf8;
        p.last_ended_line = m.ends_in_newline;
        Ok(())
    }

    /// Whether a hit at `time` is within `--since`/`--until`; a hit with
    /// no time is kept, and counted.
    fn in_window(&self, time: Option<Stamp>, stats: &mut InputStats) -> bool {
        let (since, until) = (self.opts.since, self.opts.until);
        if since.is_none() && until.is_none() {
            return true;
        }
        let Some(t) = time else {
            stats.untimed_kept += 1;
            return true;
        };
        let inside =
            since.is_none_or(|s| t >= s) && until.is_none_or(|u| t <= u);
        if !inside {
            stats.outside_window += 1;
        }
        inside
    }
}

/// Returns what an input's first chunk says about its log format.
fn recognise(input: &Input, head: &[u8]) -> Log {
    let (name, modified) = match input {
        Input::File(path) => {
            let modified = std::fs::metadata(path)
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| Stamp { secs: d.as_secs() as i64, nanos: 0 });
            (path.display().to_string(), modified)
        }
        Input::Stdin => ("-".to_string(), None),
        Input::Member { member, .. } => (member.clone(), None),
    };
    logs::recognise(&name, head, modified)
}

/// The time and fields of the line last read, kept while the hits of one
/// line are delivered: a line is read once, however many hits it holds.
#[derive(Default)]
struct LineAbout {
    line: Option<u64>,
    time: Option<Stamp>,
}

impl LineAbout {
    /// Returns the time of the line holding `c`, the fields the match
    /// sits in and the other side of the line.
    fn read<'d>(
        &mut self,
        log: &Log,
        data: &'d [u8],
        c: &Captured,
    ) -> (Option<Stamp>, Vec<&'static str>, Option<&'d str>) {
        let h = &c.hit;
        let ls = memchr::memrchr(b'\n', &data[..h.start]).map_or(0, |i| i + 1);
        let le = memchr::memchr(b'\n', &data[h.end..])
            .map_or(data.len(), |i| h.end + i);
        let line = &data[ls..le];
        if self.line != Some(c.line) {
            self.line = Some(c.line);
            self.time = log.time(line);
        }
        let (start, end) = (h.start - ls, h.end - ls);
        let fields = log.fields(line, start, end);
        let peer = log.peer(line, start, end, &fields);
        (self.time, fields, peer)
    }
}

/// What happens, in order, within a batch.
enum Event {
    Started(Input, Reading),
    /// The records of the next unit's lines.
    Records(Vec<Record>),
    Unit,
    Finished(Option<io::Error>, Option<Watch>),
    /// The raw bytes of an input (not a member) were hashed.
    Hashed(Input, RawDigest),
}

/// Returns the error a stopped sweep ends with.
fn interrupted() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "sweep interrupted")
}

/// Chunks waiting to be matched, and the order of events around them.
#[derive(Default)]
struct Batch {
    units: Vec<Chunk>,
    events: Vec<Event>,
    bytes: usize,
    /// The input being delivered, carried across batches.
    progress: Option<Progress>,
}

impl Batch {
    fn started(&mut self, input: Input, reading: Reading) {
        self.events.push(Event::Started(input, reading));
    }

    fn records(&mut self, records: Vec<Record>) {
        self.events.push(Event::Records(records));
    }

    fn push(&mut self, chunk: Chunk) {
        // Count a small fixed cost per unit so that many tiny inputs also
        // flush now and then.
        self.bytes += chunk.range.len() + 4096;
        self.units.push(chunk);
        self.events.push(Event::Unit);
    }

    fn finished(&mut self, err: Option<io::Error>, watch: Option<Watch>) {
        self.bytes += 4096;
        self.events.push(Event::Finished(err, watch));
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::path::PathBuf;

    use sha2::Digest;

    use super::*;
    use crate::load::{LoadOptions, Loader};

    /// What a sweep told its sink.
    #[derive(Default)]
    struct Heard {
        hits: Vec<(String, u64)>,
        done: Vec<String>,
        hashed: Vec<(String, RawDigest)>,
        stopped: Vec<(String, u64)>,
    }

    impl Sink for Heard {
        fn hit(&mut self, input: &Input, hit: &Hit<'_>) -> io::Result<()> {
            self.hits.push((input.name(), hit.line));
            Ok(())
        }

        fn input_done(
            &mut self,
            input: &Input,
            _: &InputStats,
            _: Option<&io::Error>,
        ) -> io::Result<()> {
            self.done.push(input.name());
            Ok(())
        }

        fn input_hashed(
            &mut self,
            input: &Input,
            digest: &RawDigest,
        ) -> io::Result<()> {
            self.hashed.push((input.name(), *digest));
            Ok(())
        }

        fn input_stopped(
            &mut self,
            input: &Input,
            stats: &InputStats,
        ) -> io::Result<()> {
            self.stopped.push((input.name(), stats.lines));
            Ok(())
        }
    }

    /// Every hit's text is the line around it, at most `CONTEXT` bytes
    /// either side, as when each hit had a copy of its own; what the
    /// copies hold together is at most the chunk's bytes, however many
    /// hits its lines hold.
    #[test]
    fn hits_share_the_copies_of_their_texts() {
        let ips: Vec<String> = (0..3000)
            .map(|i| format!("10.1.{}.{}", i / 256, i % 256))
            .collect();
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("iocs.txt".into(), ips.join("\n").as_bytes());
        let m = Matcher::new(&l.finish().set);
        let long = ips.join(" ");
        let data = format!("{long}\nnone here\n{}\r\n{long}", ips[7]);
        let data = data.as_bytes();
        let got = match_chunk(&m, data);
        assert_eq!(got.hits.len(), 6001);
        let held: usize = got.texts.iter().map(Vec::len).sum();
        assert!(held <= data.len(), "{held} bytes held for {}", data.len());
        // The texts are what a copy of each hit's own window gave.
        for c in &got.hits {
            let h = &c.hit;
            let ls =
                memchr::memrchr(b'\n', &data[..h.start]).map_or(0, |i| i + 1);
            let le = memchr::memchr(b'\n', &data[h.end..])
                .map_or(data.len(), |i| h.end + i);
            let le = if data[le - 1] == b'\r' { le - 1 } else { le };
            let from = ls.max(h.start.saturating_sub(CONTEXT));
            let to = le.min(h.end + CONTEXT);
            let (text, matched) = got.text_of(c);
            assert_eq!(text, &data[from..to]);
            assert_eq!(matched, &data[h.start..h.end]);
        }
        let lines: Vec<u64> = got.hits.iter().map(|c| c.line).collect();
        assert_eq!(lines.iter().filter(|l| **l == 2).count(), 1);
        assert_eq!(got.texts.len(), 3, "one copy a line here");
    }

    fn matcher() -> Matcher {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("iocs.txt".into(), b"192.0.2.1\n");
        Matcher::new(&l.finish().set)
    }

    /// Writes a plain and a gzip'd log in `dir`; returns their paths and
    /// bytes as stored.
    fn logs(dir: &std::path::Path) -> Vec<(PathBuf, Vec<u8>)> {
        let plain = b"a\nconn 192.0.2.1\n".to_vec();
        let zipped = gzip(b"192.0.2.1 first\nx\n");
        let mut out = Vec::new();
        for (name, bytes) in [("a.log", plain), ("b.log.gz", zipped)] {
            let path = dir.join(name);
            std::fs::write(&path, &bytes).unwrap();
            out.push((path, bytes));
        }
        out
    }

    #[test]
    fn hashes_are_of_the_bytes_as_stored_and_come_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let files = logs(dir.path());
        let inputs: Vec<Input> =
            files.iter().map(|(p, _)| Input::File(p.clone())).collect();
        let m = matcher();
        let mut opts = Options::default();
        let mut heard = Heard::default();
        Sweeper::new(&m, opts.clone()).run(&inputs, &mut heard).unwrap();
        assert!(heard.hashed.is_empty());
        assert_eq!(heard.hits.len(), 2);

        opts.tap.hash = true;
        let mut heard = Heard::default();
        Sweeper::new(&m, opts).run(&inputs, &mut heard).unwrap();
        let want: Vec<(String, RawDigest)> = files
            .iter()
            .map(|(p, b)| {
                let sha256 = sha2::Sha256::digest(b).into();
                let digest = RawDigest { sha256, bytes: b.len() as u64 };
                (p.display().to_string(), digest)
            })
            .collect();
        assert_eq!(heard.hashed, want);
        assert_eq!(heard.hits.len(), 2);
    }

    #[test]
    fn a_set_stop_flag_stops_the_sweep_before_any_input() {
        let dir = tempfile::tempdir().unwrap();
        let files = logs(dir.path());
        let inputs: Vec<Input> =
            files.iter().map(|(p, _)| Input::File(p.clone())).collect();
        let m = matcher();
        let stop = AtomicBool::new(true);
        let mut heard = Heard::default();
        let sweeper = Sweeper::new(&m, Options::default()).stop_on(&stop);
        let err = sweeper.run(&inputs, &mut heard).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::Interrupted);
        assert!(heard.hits.is_empty() && heard.done.is_empty());
        assert!(heard.stopped.is_empty());

        // Unset, the same sweeper sweeps everything.
        stop.store(false, Ordering::Relaxed);
        let mut heard = Heard::default();
        sweeper.run(&inputs, &mut heard).unwrap();
        assert_eq!(heard.done.len(), 2);
        assert_eq!(heard.hits.len(), 2);
    }

    /// What a sweep of one input gave: its hits (line, indicator), its
    /// stats and its error.
    #[derive(Default)]
    struct Swept {
        hits: Vec<(u64, u32)>,
        stats: Vec<InputStats>,
        errors: Vec<String>,
    }

    impl Sink for Swept {
        fn hit(&mut self, _: &Input, hit: &Hit<'_>) -> io::Result<()> {
            self.hits.push((hit.line, hit.id));
            Ok(())
        }

        fn input_done(
            &mut self,
            _: &Input,
            stats: &InputStats,
            error: Option<&io::Error>,
        ) -> io::Result<()> {
            self.stats.push(stats.clone());
            self.errors.extend(error.map(ToString::to_string));
            Ok(())
        }
    }

    /// Returns the bytes of a real EVTX log of the corpus (33 chunks,
    /// 2,261 records), or `None`, with a note, when the corpus is absent.
    fn corpus_evtx() -> Option<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus/logs/windows/omerbenamram_security.evtx");
        let bytes = std::fs::read(&path).ok();
        if bytes.is_none() {
            eprintln!("corpus not found at {}, skipping", path.display());
        }
        bytes
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        );
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    fn sweep_file(path: &std::path::Path, opts: Options) -> Swept {
        let mut l = Loader::new(LoadOptions::default());
        l.add_bytes("iocs.txt".into(), b"services.exe\nwinlogon.exe\n");
        let m = Matcher::new(&l.finish().set);
        let mut swept = Swept::default();
        let inputs = [Input::File(path.to_path_buf())];
        Sweeper::new(&m, opts).run(&inputs, &mut swept).unwrap();
        swept
    }

    #[test]
    fn a_streamed_evtx_is_read_a_window_at_a_time_and_loses_nothing() {
        let Some(evtx) = corpus_evtx() else { return };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("security.evtx.gz");
        std::fs::write(&path, gzip(&evtx)).unwrap();
        let whole = sweep_file(&path, Options::default());
        assert_eq!(whole.errors, Vec::<String>::new());
        assert_eq!(whole.stats[0].lines, 2261);
        assert_eq!(whole.hits.len(), 540);
        // One chunk a window: 33 windows, the same records and hits.
        let one = Options { evtx_window: 1, ..Options::default() };
        let windowed = sweep_file(&path, one);
        assert_eq!(windowed.errors, Vec::<String>::new());
        assert_eq!(windowed.stats[0].lines, whole.stats[0].lines);
        assert_eq!(windowed.stats[0].bytes, whole.stats[0].bytes);
        let sorted = |mut v: Vec<(u64, u32)>| {
            v.sort_unstable();
            v
        };
        assert_eq!(sorted(windowed.hits), sorted(whole.hits));
    }

    #[test]
    fn a_streamed_evtx_that_breaks_keeps_the_records_read_before() {
        let Some(evtx) = corpus_evtx() else { return };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("security.evtx.gz");
        let zipped = gzip(&evtx);
        std::fs::write(&path, &zipped[..zipped.len() / 2]).unwrap();
        for window in [1, Options::default().evtx_window] {
            let opts = Options { evtx_window: window, ..Options::default() };
            let cut = sweep_file(&path, opts.clone());
            assert_eq!(cut.errors.len(), 1, "{:?}", cut.errors);
            assert!(
                cut.errors[0].starts_with("gzip stream ends early"),
                "{}",
                cut.errors[0]
            );
            // Near miss: reading the stream whole into memory first lost
            // every record when it broke.
            assert!(cut.stats[0].lines > 500, "{}", cut.stats[0].lines);
            assert!(cut.stats[0].lines < 2261, "{}", cut.stats[0].lines);
            assert!(!cut.hits.is_empty());
        }
    }

    #[test]
    fn a_streamed_evtx_that_breaks_at_a_window_boundary_says_so() {
        let Some(evtx) = corpus_evtx() else { return };
        let dir = tempfile::tempdir().unwrap();
        // Two gzip members split where the first window of one chunk
        // ends, the second cut inside its header: the break comes as the
        // first read of the next window, and was once taken for the end.
        let at = 4096 + 65536;
        let mut data = gzip(&evtx[..at]);
        data.extend_from_slice(&gzip(&evtx[at..])[..10]);
        let path = dir.path().join("security.evtx.gz");
        std::fs::write(&path, &data).unwrap();
        let opts = Options { evtx_window: 1, ..Options::default() };
        let cut = sweep_file(&path, opts.clone());
        assert_eq!(cut.errors.len(), 1, "{:?}", cut.errors);
        assert!(cut.errors[0].starts_with("gzip stream ends early"));
        assert!(cut.stats[0].lines > 0);
        // Near miss: the first member alone is a whole stream.
        std::fs::write(&path, gzip(&evtx[..at])).unwrap();
        let whole = sweep_file(&path, opts);
        assert_eq!(whole.errors, Vec::<String>::new());
        assert_eq!(whole.stats[0].lines, cut.stats[0].lines);
    }
}
