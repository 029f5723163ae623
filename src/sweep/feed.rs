//! Readers: inputs opened, decompressed and cut into chunks on threads
//! of their own, handed to the sweep in input order.
//!
//! A few reader lanes run ahead of the matcher. Lane `k` of `n` takes
//! inputs `k`, `k + n`, `k + 2n`… in order, so several compressed files
//! decode at once while the sweep still takes their chunks in input
//! order. Each input's chunks pass through a bounded channel: a reader
//! that gets too far ahead waits, and memory stays bounded whatever the
//! size of the inputs.
//!
//! A tar archive is one input to the lanes but many to the sweep: its
//! lane announces each regular member with [`Item::Member`] before the
//! member's chunks, and ends it with [`Item::MemberEnd`].

use std::io;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use std::io::{Read, Seek};

use super::Options;
use super::archive::{self, Counted};
use super::channel::{self, Chunks, Sender};
use super::compress::{Expansion, Format};
use super::content::Content;
use super::input::{
    self, Bytes, Chunk, Input, Opened, Stream, StreamChunks, Watch,
};
use super::tap::{DigestSlot, Tap};

/// What a lane sends about one input, in order.
pub(super) enum Item {
    /// The next piece of the input, or of the current member.
    Chunk(Chunk),
    /// A member of a tar archive begins.
    Member {
        /// Its path in the archive.
        name: String,
        /// The compression of the member itself, if any.
        compression: Option<Format>,
        /// Whether it is UTF-16 text, decoded.
        utf16: bool,
    },
    /// The current member is done.
    MemberEnd,
    /// The records of the lines of the next chunk, for an input read
    /// record by record (EVTX).
    Records(Vec<crate::logs::evtx::Record>),
    /// Reading failed: of the current member if one is open (its
    /// [`Item::MemberEnd`] follows, then the next member if what failed
    /// was the member's content, not the archive), else of the input.
    Error(io::Error),
}

/// An input opened by its lane, its chunks on the way.
pub(super) struct Feed {
    /// The compression recognised, if any.
    pub compression: Option<Format>,
    /// What the (decompressed) input holds.
    pub content: Content,
    /// The chunks in order; an error, if any, comes last.
    pub chunks: Chunks,
    /// For a mapped file, what tells once it is swept whether it changed
    /// meanwhile.
    pub watch: Option<Watch>,
    /// Where the SHA-256 of the input's raw bytes is left once the lane
    /// has read them, if hashing was asked for.
    pub digest: Option<DigestSlot>,
}

/// Hands out the inputs' feeds in input order.
pub(super) struct Feeder {
    lanes: Vec<Receiver<io::Result<Feed>>>,
    next: usize,
}

/// Where a lane takes an input's chunks from.
enum Source {
    /// A mapped file, cut in place.
    Mapped(Bytes),
    /// A stream, read into owned chunks.
    Stream(Stream<'static>),
}

/// What a lane needs to know.
#[derive(Clone)]
struct Lane {
    inputs: Arc<[Input]>,
    opts: Options,
    /// Chunks an input may have waiting in its channel; as many chunks'
    /// size in bytes, past which only one chunk (of one long line) may
    /// wait.
    depth: usize,
}

impl Feeder {
    /// Starts `lanes` reader threads over `inputs`. A lane has at most
    /// two inputs' chunks waiting (the one the sweep is on, the next one
    /// it reads), each at most `2 * opts.batch_bytes / lanes` bytes of
    /// chunks or one chunk of one long line: about four times
    /// `opts.batch_bytes` in all, whatever the length of the lines, plus
    /// per lane two of the longest lines (`opts.max_line`) waiting, the
    /// one being read in a buffer grown by doubling and what follows its
    /// cut (about five in all), and its decoder's window.
    ///
    /// # Errors
    ///
    /// Returns an error if a thread cannot be started.
    pub fn start(
        inputs: &[Input],
        opts: &Options,
        lanes: usize,
    ) -> io::Result<Feeder> {
        let lanes = lanes.clamp(1, inputs.len().max(1));
        let budget = 2 * opts.batch_bytes / opts.chunk_size.max(1);
        let lane = Lane {
            inputs: inputs.into(),
            opts: opts.clone(),
            depth: (budget / lanes).max(8),
        };
        let mut receivers = Vec::with_capacity(lanes);
        for k in 0..lanes {
            let (tx, rx) = sync_channel(1);
            let lane = lane.clone();
            thread::Builder::new()
                .name(format!("iocsweep-read-{k}"))
                .spawn(move || lane.run(k, lanes, &tx))?;
            receivers.push(rx);
        }
        Ok(Feeder { lanes: receivers, next: 0 })
    }

    /// Returns the lane the next input's feed comes from; its next
    /// message, given to [`Feeder::feed_of`], is that feed.
    pub fn next_lane(&mut self) -> &Receiver<io::Result<Feed>> {
        let lane = &self.lanes[self.next % self.lanes.len()];
        self.next += 1;
        lane
    }

    /// Returns the feed a lane sent, or why the input could not be
    /// opened; `None` (the lane is gone) is an error too.
    pub fn feed_of(message: Option<io::Result<Feed>>) -> io::Result<Feed> {
        message.unwrap_or_else(|| {
            Err(io::Error::other("the reader thread stopped unexpectedly"))
        })
    }
}

impl Lane {
    /// Opens and reads inputs `first`, `first + step`… in order, sending
    /// each one's feed to `out`. Stops early once the sweep stops
    /// listening.
    fn run(
        &self,
        first: usize,
        step: usize,
        out: &SyncSender<io::Result<Feed>>,
    ) {
        for i in (first..self.inputs.len()).step_by(step) {
            let tap = Tap::new(&self.opts.tap);
            let digest = tap.as_ref().filter(|_| self.opts.tap.hash);
            let digest = digest.map(Tap::slot);
            let (opened, tap) = match open(&self.inputs[i], tap) {
                Ok(o) => o,
                Err(e) => match out.send(Err(e)) {
                    Ok(()) => continue,
                    Err(_) => return,
                },
            };
            let limit = self.depth * self.opts.chunk_size;
            let (tx, chunks) = channel::channel(self.depth, limit);
            let (compression, content, watch, source) = match opened {
                Opened::Stream(s) => {
                    (s.compression, s.content, None, Source::Stream(s))
                }
                Opened::Mapped(m) => {
                    let source = Source::Mapped(m.bytes);
                    (None, m.content, Some(m.watch), source)
                }
            };
            let feed = Feed { compression, content, chunks, watch, digest };
            if out.send(Ok(feed)).is_err() {
                return;
            }
            let sent = match source {
                Source::Mapped(bytes) if content == Content::Evtx => {
                    if let Some(mut tap) = tap {
                        tap.feed(&bytes);
                    }
                    let bytes = Shared(Arc::new(bytes));
                    match self.send_records(io::Cursor::new(bytes), &tx) {
                        Ok(sent) => sent,
                        Err(e) => tx.send(Item::Error(e)).is_ok(),
                    }
                }
                Source::Mapped(bytes) => self.cut(Arc::new(bytes), tap, &tx),
                Source::Stream(s) if s.content == Content::Tar => {
                    self.tar(s.reader, &s.budget, &tx)
                }
                Source::Stream(s) if s.content == Content::Evtx => {
                    match self.send_evtx(s.reader, &tx) {
                        Ok(sent) => sent,
                        Err(e) => tx.send(Item::Error(e)).is_ok(),
                    }
                }
                Source::Stream(s) => self.stream(s.reader, &tx),
            };
            if !sent {
                return;
            }
        }
    }

    /// Sends the line-aligned chunks of a whole file; returns whether
    /// the sweep took them all.
    /// Feeds each chunk to `tap` as it is cut.
    fn cut(
        &self,
        bytes: Arc<Bytes>,
        mut tap: Option<Tap>,
        tx: &Sender,
    ) -> bool {
        let mut start = 0;
        while start < bytes.len() {
            let target = start + self.opts.chunk_size;
            let end =
                input::cut_point(&bytes, start, target, self.opts.max_line);
            if let Some(tap) = &mut tap {
                tap.feed(&bytes[start..end]);
            }
            let chunk = Chunk {
                bytes: bytes.clone(),
                range: start..end,
                stream_offset: start as u64,
            };
            if tx.send(Item::Chunk(chunk)).is_err() {
                return false;
            }
            start = end;
        }
        true
    }

    /// Sends the chunks of a stream, then its error if it has one;
    /// returns whether the sweep took them all.
    fn stream(&self, reader: impl Read, tx: &Sender) -> bool {
        match self.send_chunks(reader, tx) {
            Ok(sent) => sent,
            Err(e) => tx.send(Item::Error(e)).is_ok(),
        }
    }

    /// Sends the chunks of a stream; returns whether the sweep took them
    /// all, or the error that ended the stream once the chunks read
    /// before it are sent.
    fn send_chunks(&self, reader: impl Read, tx: &Sender) -> io::Result<bool> {
        let opts = &self.opts;
        let mut chunks =
            StreamChunks::new(reader, opts.chunk_size, opts.max_line);
        loop {
            match chunks.next_chunk() {
                Ok(Some(chunk)) => {
                    if tx.send(Item::Chunk(chunk)).is_err() {
                        return Ok(false);
                    }
                }
                Ok(None) => return Ok(true),
                Err(e) => {
                    // Keep what was read before the error, then report it.
                    while let Ok(Some(chunk)) = chunks.next_chunk() {
                        if tx.send(Item::Chunk(chunk)).is_err() {
                            return Ok(false);
                        }
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Sends the records of a Windows event log read as a stream
    /// (compressed, from standard input or a tar archive, or a file too
    /// small or too recently written to map). The parser seeks, so the
    /// stream is read into memory, but a window of chunks at a time
    /// ([`Options::evtx_window`]), each parsed behind the file header:
    /// a compressed stream of a few kilobytes can expand to gigabytes,
    /// and once read whole it held them all (3 KB of bzip2 took 8.4 GB).
    /// A log that fits one window is read exactly as a mapped file is.
    /// When the stream breaks, what was read before the break is parsed
    /// and sent, then the break is the error.
    fn send_evtx(
        &self,
        mut reader: impl Read,
        tx: &Sender,
    ) -> io::Result<bool> {
        let window = (self.opts.evtx_window / EVTX_CHUNK).max(1) * EVTX_CHUNK;
        let mut header = Vec::with_capacity(EVTX_HEADER);
        (&mut reader).take(EVTX_HEADER as u64).read_to_end(&mut header)?;
        let mut sent = Records::default();
        let mut first_chunk = 0;
        loop {
            let mut data = Vec::with_capacity(header.len() + window);
            data.extend_from_slice(&header);
            let mut rest = (&mut reader).take(window as u64);
            let (read, broken) = match rest.read_to_end(&mut data) {
                Ok(n) => (n, None),
                // What was read before the error is in `data`.
                Err(e) => (data.len() - header.len(), Some(e)),
            };
            if read == 0 && first_chunk > 0 && broken.is_none() {
                break;
            }
            let problems = sent.problems.len();
            if !self.records(io::Cursor::new(data), &mut sent, tx)? {
                return Ok(false);
            }
            if first_chunk > 0 {
                for p in &mut sent.problems[problems..] {
                    p.push_str(&format!(
                        " (chunks counted from chunk {first_chunk} of the \
                         stream)"
                    ));
                }
            }
            if let Some(e) = broken {
                let more = damaged(&sent.problems).map(|d| format!("; {d}"));
                let msg = format!("{e}{}", more.unwrap_or_default());
                return Err(io::Error::new(e.kind(), msg));
            }
            if read < window {
                break;
            }
            first_chunk += window / EVTX_CHUNK;
        }
        damaged(&sent.problems).map_or(Ok(true), |d| Err(io::Error::other(d)))
    }

    /// Sends the records of a Windows event log, rendered one a line, in
    /// chunks each announced by its records; returns whether the sweep
    /// took them all, or the error naming the damaged chunks and records
    /// once everything readable is sent.
    fn send_records(
        &self,
        data: impl Read + Seek,
        tx: &Sender,
    ) -> io::Result<bool> {
        let mut sent = Records::default();
        if !self.records(data, &mut sent, tx)? {
            return Ok(false);
        }
        damaged(&sent.problems).map_or(Ok(true), |d| Err(io::Error::other(d)))
    }

    /// Sends the records of the EVTX file `data` seeks in, their lines
    /// going on from `sent.offset`, and keeps the problems met in
    /// `sent`; returns whether the sweep took them all, or the error of
    /// a file header that cannot be read.
    fn records(
        &self,
        data: impl Read + Seek,
        sent: &mut Records,
        tx: &Sender,
    ) -> io::Result<bool> {
        let mut taken = true;
        let offset = &mut sent.offset;
        let mut send = |r: crate::logs::evtx::Rendered| {
            let len = r.text.len();
            let chunk = Chunk {
                bytes: Arc::new(Bytes::Owned(r.text)),
                range: 0..len,
                stream_offset: *offset,
            };
            *offset += len as u64;
            taken = tx.send(Item::Records(r.records)).is_ok()
                && tx.send(Item::Chunk(chunk)).is_ok();
            taken
        };
        let batch = self.opts.chunk_size;
        let problems = crate::logs::evtx::read(data, batch, &mut send)
            .map_err(io::Error::other)?;
        sent.problems.extend(problems);
        Ok(taken)
    }

    /// Sends the regular members of a tar archive, each announced and
    /// ended, its chunks between; returns whether the sweep took them
    /// all. The archive stops at the first damage, which is sent as an
    /// error of the member it broke in, or of the archive if it broke
    /// between members.
    fn tar(
        &self,
        reader: impl Read,
        budget: &Arc<Expansion>,
        tx: &Sender,
    ) -> bool {
        let ended = archive::Ended::default();
        let mut archive =
            tar::Archive::new(archive::Ends::new(reader, ended.clone()));
        let mut last: Option<String> = None;
        let entries = match archive.entries() {
            Ok(e) => e,
            Err(e) => {
                return tx
                    .send(Item::Error(archive::damaged(None, &e)))
                    .is_ok();
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let e = archive::damaged(last.as_deref(), &e);
                    return tx.send(Item::Error(e)).is_ok();
                }
            };
            if !archive::is_swept(entry.header().entry_type()) {
                continue;
            }
            let name = archive::member_name(&entry);
            last = Some(name.clone());
            match self.member(name, entry, &ended, budget, tx) {
                Some(true) => {}
                Some(false) => return true,
                None => return false,
            }
        }
        if ended.load(std::sync::atomic::Ordering::Relaxed) {
            let e = archive::no_end_marker(last.as_deref());
            return tx.send(Item::Error(e)).is_ok();
        }
        // Read the padding after the end-of-archive marker too, so that
        // a tap on the file sees all of it, and a compressed archive's
        // stream is checked to its end (its checksum, its index). What
        // the padding holds is not swept: anything but zeros is told.
        let mut padding = archive::Padding::default();
        let error = match io::copy(&mut archive.into_inner(), &mut padding) {
            Ok(_) => padding
                .data_after_end()
                .map(|at| archive::data_after_end_marker(last.as_deref(), at)),
            Err(e) => Some(archive::after_end_marker(&e)),
        };
        error.is_none_or(|e| tx.send(Item::Error(e)).is_ok())
    }

    /// Sends one member of an archive; returns whether the archive may go
    /// on (`Some(false)` after damage), `None` once the sweep stopped
    /// listening.
    fn member<R: Read>(
        &self,
        name: String,
        mut entry: tar::Entry<'_, R>,
        ended: &archive::Ended,
        budget: &Arc<Expansion>,
        tx: &Sender,
    ) -> Option<bool> {
        // A sparse member's size is read with its holes.
        let size = entry.size();
        let mut counted = Counted::new(&mut entry, size, ended.clone());
        let stream = Stream::within(&mut counted, budget.clone());
        let (compression, utf16) =
            stream.as_ref().map_or((None, false), |s| {
                (s.compression, matches!(s.content, Content::Utf16(_)))
            });
        tx.send(Item::Member { name, compression, utf16 }).ok()?;
        let result = stream.and_then(|s| match s.content {
            Content::Evtx => self.send_evtx(s.reader, tx),
            _ => self.send_chunks(s.reader, tx),
        });
        if let Ok(false) = result {
            return None;
        }
        // Read what is left of the member: what read it may have stopped
        // before its end (a compressed stream followed by other bytes, an
        // error), and the rest tells whether the archive holds it all.
        let _ = io::copy(&mut counted, &mut io::sink());
        let (error, go_on) = if counted.short {
            // Told alike whatever read the member (a decoder states it
            // its own way, if at all).
            (Some(counted.cut_short()), false)
        } else if let Some(e) = counted.failure.take() {
            // The archive's own error, not what a member's decoder made
            // of it.
            (Some(archive::broken_inside(e)), false)
        } else {
            // What failed, if anything, was what the member's bytes hold
            // (a damaged EVTX, a corrupt or over-budget compressed member),
            // and the archive goes on to the next member.
            (result.err(), true)
        };
        if let Some(e) = error {
            tx.send(Item::Error(e)).ok()?;
        }
        tx.send(Item::MemberEnd).ok()?;
        Some(go_on)
    }
}

/// Opens one input behind `tap`: a file by [`input::open_tapped`],
/// standard input as a stream. A mapped file's tap comes back with it.
fn open(input: &Input, tap: Option<Tap>) -> io::Result<(Opened, Option<Tap>)> {
    match input {
        Input::File(path) => input::open_tapped(path, tap),
        Input::Stdin => {
            let s = Stream::new(input::tapped(io::stdin(), tap))?;
            Ok((Opened::Stream(s), None))
        }
        Input::Member { .. } => {
            Err(io::Error::other("an archive member is no input to open"))
        }
    }
}

/// A mapped file shared with its chunks, as the bytes an EVTX parser
/// seeks in.
struct Shared(Arc<Bytes>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The size of an EVTX file header, before the first chunk.
const EVTX_HEADER: usize = 4096;

/// The size of an EVTX chunk.
const EVTX_CHUNK: usize = 64 * 1024;

/// How far the records of one event log have been sent.
#[derive(Default)]
struct Records {
    /// The stream offset of the next rendered line.
    offset: u64,
    /// The damaged chunks and records met so far.
    problems: Vec<String>,
}

/// Returns the message naming the damaged parts of an event log, if any.
fn damaged(problems: &[String]) -> Option<String> {
    if problems.is_empty() {
        return None;
    }
    let shown: Vec<&str> =
        problems.iter().take(3).map(String::as_str).collect();
    let more = match problems.len() {
        n if n > 3 => format!(" (and {} more)", n - 3),
        _ => String::new(),
    };
    Some(format!(
        "damaged EVTX, {} part(s) unreadable, the rest swept: {}{more}",
        problems.len(),
        shown.join("; ")
    ))
}
