//! The channel an input's chunks take from its reader to the sweep,
//! bounded in bytes as well as in items.
//!
//! A count of chunks alone does not bound memory: a chunk holds at least
//! one whole line, and lines run up to [`super::Options::max_line`]
//! (8 MiB), so a channel of 32 chunks could hold 256 MiB, and every
//! reader lane has one. Here a sender waits while the chunks it has sent
//! and the sweep has not taken come to more than the channel's limit in
//! bytes. A chunk larger than the limit is let through when nothing else
//! is waiting, so a long line still goes on, one at a time.

use std::sync::mpsc::{
    Receiver, RecvError, RecvTimeoutError, SyncSender, TryRecvError,
    sync_channel,
};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use super::feed::Item;

/// The bytes sent on one channel and not yet taken.
struct Held {
    state: Mutex<State>,
    /// Signalled when bytes are taken or the receiver is gone.
    changed: Condvar,
    /// The most bytes held while another chunk is let in.
    limit: usize,
}

#[derive(Default)]
struct State {
    bytes: usize,
    /// Whether the receiver is gone.
    closed: bool,
}

impl Held {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves plain counters behind,
        // still right.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until `n` more bytes may be held, then holds them; returns
    /// `false` at once if the receiver is gone.
    fn take(&self, n: usize) -> bool {
        let mut state = self.lock();
        while !state.closed && !admits(state.bytes, n, self.limit) {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            return false;
        }
        state.bytes += n;
        true
    }

    /// Lets go of `n` bytes the sweep has taken.
    fn give(&self, n: usize) {
        let mut state = self.lock();
        state.bytes = state.bytes.saturating_sub(n);
        self.changed.notify_all();
    }

    fn close(&self) {
        self.lock().closed = true;
        self.changed.notify_all();
    }
}

/// Whether `n` more bytes may join `held` under `limit`: always when
/// nothing is held, so a chunk larger than the limit is not stuck.
fn admits(held: usize, n: usize, limit: usize) -> bool {
    held == 0 || held.saturating_add(n) <= limit
}

/// The bytes an item counts for.
fn size(item: &Item) -> usize {
    match item {
        Item::Chunk(c) => c.range.len(),
        _ => 0,
    }
}

/// The sweep stopped listening.
#[derive(Debug)]
pub(super) struct Closed;

/// The reader's end.
pub(super) struct Sender {
    tx: SyncSender<Item>,
    held: Arc<Held>,
}

/// The sweep's end. Dropping it wakes a waiting sender, whose sends
/// then fail.
pub(super) struct Chunks {
    rx: Receiver<Item>,
    held: Arc<Held>,
}

/// Returns a channel of at most `depth` items and, while more than one
/// chunk waits, at most `limit` bytes of chunks.
pub(super) fn channel(depth: usize, limit: usize) -> (Sender, Chunks) {
    let (tx, rx) = sync_channel(depth);
    let held = Arc::new(Held {
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
        limit,
    });
    (Sender { tx, held: held.clone() }, Chunks { rx, held })
}

impl Sender {
    /// Sends `item`, waiting while the channel is full.
    ///
    /// # Errors
    ///
    /// Returns [`Closed`] once the receiver is gone.
    pub fn send(&self, item: Item) -> Result<(), Closed> {
        let n = size(&item);
        if !self.held.take(n) {
            return Err(Closed);
        }
        self.tx.send(item).map_err(|_| {
            self.held.give(n);
            Closed
        })
    }
}

impl Chunks {
    fn taken(&self, item: Item) -> Item {
        self.held.give(size(&item));
        item
    }

    /// Returns the next item if one is waiting.
    ///
    /// # Errors
    ///
    /// As [`Receiver::try_recv`].
    pub fn try_recv(&self) -> Result<Item, TryRecvError> {
        self.rx.try_recv().map(|i| self.taken(i))
    }
}

impl Drop for Chunks {
    fn drop(&mut self) {
        self.held.close();
    }
}

/// A channel's receiving end, as the sweep waits on it.
pub(super) trait Recv<T> {
    /// As [`Receiver::recv`].
    fn recv(&self) -> Result<T, RecvError>;
    /// As [`Receiver::recv_timeout`].
    fn recv_timeout(&self, wait: Duration) -> Result<T, RecvTimeoutError>;
}

impl<T> Recv<T> for Receiver<T> {
    fn recv(&self) -> Result<T, RecvError> {
        Receiver::recv(self)
    }

    fn recv_timeout(&self, wait: Duration) -> Result<T, RecvTimeoutError> {
        Receiver::recv_timeout(self, wait)
    }
}

impl Recv<Item> for Chunks {
    fn recv(&self) -> Result<Item, RecvError> {
        self.rx.recv().map(|i| self.taken(i))
    }

    fn recv_timeout(&self, wait: Duration) -> Result<Item, RecvTimeoutError> {
        self.rx.recv_timeout(wait).map(|i| self.taken(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::input::{Bytes, Chunk};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::thread;

    fn chunk(len: usize) -> Item {
        Item::Chunk(Chunk {
            bytes: Arc::new(Bytes::Owned(vec![b'a'; len])),
            range: 0..len,
            stream_offset: 0,
        })
    }

    #[test]
    fn a_chunk_joins_the_held_bytes_only_within_the_limit() {
        assert!(admits(0, 10, 10));
        assert!(admits(6, 4, 10));
        assert!(!admits(7, 4, 10));
        assert!(!admits(1, usize::MAX, 10));
    }

    #[test]
    fn a_chunk_larger_than_the_limit_passes_when_nothing_is_held() {
        assert!(admits(0, 1 << 30, 10));
        let (tx, rx) = channel(8, 10);
        tx.send(chunk(100)).unwrap();
        assert_eq!(size(&rx.try_recv().unwrap()), 100);
        assert_eq!(rx.held.lock().bytes, 0);
    }

    /// The sender stops at the byte limit, well before the item count,
    /// and goes on as the chunks are taken. A sender that never stopped
    /// would be seen holding more than the limit; one that never went on
    /// would hang the test.
    #[test]
    fn a_sender_waits_at_the_byte_limit_until_chunks_are_taken() {
        let (tx, rx) = channel(1000, 10);
        let sent = Arc::new(AtomicUsize::new(0));
        let counter = sent.clone();
        let reader = thread::spawn(move || {
            for _ in 0..50 {
                tx.send(chunk(4)).unwrap();
                counter.fetch_add(1, Ordering::SeqCst);
            }
        });
        // Two chunks of 4 fit the limit of 10; the third waits.
        while sent.load(Ordering::SeqCst) < 2 {
            thread::yield_now();
        }
        let mut got = 0;
        while let Ok(item) = Recv::recv(&rx) {
            assert!(rx.held.lock().bytes <= 10);
            assert_eq!(size(&item), 4);
            got += 1;
        }
        reader.join().unwrap();
        assert_eq!(got, 50);
        assert_eq!(rx.held.lock().bytes, 0);
    }

    /// A sender waiting for room must not outlive a sweep that stopped
    /// listening (on `| head -1`, on a signal): dropping the receiver
    /// wakes it, and its send fails.
    #[test]
    fn dropping_the_receiver_wakes_a_waiting_sender() {
        let (tx, rx) = channel(1000, 10);
        tx.send(chunk(8)).unwrap();
        let held = rx.held.clone();
        let reader = thread::spawn(move || tx.send(chunk(8)).is_err());
        // The second chunk cannot join the first; drop the receiver once
        // the sender is surely past its first try, or even before it.
        thread::yield_now();
        drop(rx);
        assert!(reader.join().unwrap(), "the send should fail");
        assert!(held.lock().closed);
    }
}
