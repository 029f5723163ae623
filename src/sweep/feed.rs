//! Readers: inputs opened, decompressed and cut into chunks on threads
//! of their own, handed to the sweep in input order.
//!
//! A few reader lanes run ahead of the matcher. Lane `k` of `n` takes
//! inputs `k`, `k + n`, `k + 2n`… in order, so several compressed files
//! decode at once while the sweep still takes their chunks in input
//! order. Each input's chunks pass through a bounded channel: a reader
//! that gets too far ahead waits, and memory stays bounded whatever the
//! size of the inputs.

use std::io;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use super::Options;
use super::compress::Format;
use super::input::{
    self, Bytes, Chunk, Input, Opened, Stream, StreamChunks, Watch,
};

/// An input opened by its lane, its chunks on the way.
pub(super) struct Feed {
    /// The compression recognised, if any.
    pub compression: Option<Format>,
    /// The chunks in order; an error, if any, comes last.
    pub chunks: Receiver<io::Result<Chunk>>,
    /// For a mapped file, what tells once it is swept whether it changed
    /// meanwhile.
    pub watch: Option<Watch>,
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
    Stream(Stream),
}

/// What a lane needs to know.
#[derive(Clone)]
struct Lane {
    inputs: Arc<[Input]>,
    opts: Options,
    /// Chunks an input may have waiting in its channel.
    depth: usize,
}

impl Feeder {
    /// Starts `lanes` reader threads over `inputs`. Together they hold at
    /// most about twice `opts.batch_bytes` of chunks not yet taken.
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

    /// Returns the feed of the next input, or why it could not be opened.
    pub fn next_feed(&mut self) -> io::Result<Feed> {
        let lane = &self.lanes[self.next % self.lanes.len()];
        self.next += 1;
        lane.recv().unwrap_or_else(|_| {
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
            let opened = match open(&self.inputs[i]) {
                Ok(o) => o,
                Err(e) => match out.send(Err(e)) {
                    Ok(()) => continue,
                    Err(_) => return,
                },
            };
            let (tx, chunks) = sync_channel(self.depth);
            let (compression, watch, source) = match opened {
                Opened::Stream(s) => (s.compression, None, Source::Stream(s)),
                Opened::Mapped(m) => {
                    (None, Some(m.watch), Source::Mapped(m.bytes))
                }
            };
            if out.send(Ok(Feed { compression, chunks, watch })).is_err() {
                return;
            }
            let sent = match source {
                Source::Mapped(bytes) => self.cut(Arc::new(bytes), &tx),
                Source::Stream(s) => self.stream(s, &tx),
            };
            if !sent {
                return;
            }
        }
    }

    /// Sends the line-aligned chunks of a whole file; returns whether
    /// the sweep took them all.
    fn cut(
        &self,
        bytes: Arc<Bytes>,
        tx: &SyncSender<io::Result<Chunk>>,
    ) -> bool {
        let mut start = 0;
        while start < bytes.len() {
            let target = start + self.opts.chunk_size;
            let end = input::cut_point(&bytes, target, self.opts.max_line);
            let chunk = Chunk {
                bytes: bytes.clone(),
                range: start..end,
                stream_offset: start as u64,
            };
            if tx.send(Ok(chunk)).is_err() {
                return false;
            }
            start = end;
        }
        true
    }

    /// Sends the chunks of a stream, then its error if it has one;
    /// returns whether the sweep took them all.
    fn stream(&self, s: Stream, tx: &SyncSender<io::Result<Chunk>>) -> bool {
        let opts = &self.opts;
        let mut chunks =
            StreamChunks::new(s.reader, opts.chunk_size, opts.max_line);
        loop {
            match chunks.next_chunk() {
                Ok(Some(chunk)) => {
                    if tx.send(Ok(chunk)).is_err() {
                        return false;
                    }
                }
                Ok(None) => return true,
                Err(e) => {
                    // Keep what was read before the error, then report it.
                    while let Ok(Some(chunk)) = chunks.next_chunk() {
                        if tx.send(Ok(chunk)).is_err() {
                            return false;
                        }
                    }
                    return tx.send(Err(e)).is_ok();
                }
            }
        }
    }
}

/// Opens one input: a file by [`input::open`], standard input as a
/// stream.
fn open(input: &Input) -> io::Result<Opened> {
    match input {
        Input::File(path) => input::open(path),
        Input::Stdin => Stream::new(io::stdin()).map(Opened::Stream),
    }
}
