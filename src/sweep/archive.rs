//! Tar archives: which members are swept, what they are called, and how
//! a damaged archive is described.
//!
//! The `tar` crate reads an archive as a stream, one header then one
//! member's bytes, so an archive of any size is swept in bounded memory
//! and a compressed archive is decompressed once, in order. Each regular
//! member becomes an input of its own, named `archive:member`.

use std::io::{self, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tar::EntryType;

/// Whether a member of this type holds file bytes to sweep. Folders,
/// links, devices, FIFOs and the archive's own metadata are skipped.
pub fn is_swept(kind: EntryType) -> bool {
    matches!(
        kind,
        EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse
    )
}

/// Returns a member's path as the records show it, lossily decoded.
pub fn member_name<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    String::from_utf8_lossy(&entry.path_bytes()).into_owned()
}

/// Returns the error of an archive whose headers cannot be read past
/// member `last` (or past its start, if no member was read).
pub fn damaged(last: Option<&str>, e: &io::Error) -> io::Error {
    let kind = match e.kind() {
        io::ErrorKind::UnexpectedEof => io::ErrorKind::UnexpectedEof,
        _ => io::ErrorKind::InvalidData,
    };
    let msg = match last {
        Some(m) => format!("tar archive is damaged after member {m}: {e}"),
        None => format!("tar archive is damaged before its first member: {e}"),
    };
    io::Error::new(kind, msg)
}

/// Returns the error of a member the archive ends inside of: `read` of
/// its `size` bytes were there.
pub fn cut_short(read: u64, size: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!(
            "tar archive ends inside this member, after {read} of its \
             {size} bytes"
        ),
    )
}

/// Returns the error met while reading a member's bytes, restated as a
/// break of the archive inside that member.
pub fn broken_inside(e: io::Error) -> io::Error {
    let what = if super::compress::is_bomb(&e) {
        "the archive's own decompression stopped inside this member, and \
         the members after it are not swept"
    } else {
        "tar archive breaks inside this member"
    };
    io::Error::new(e.kind(), format!("{what}: {e}"))
}

/// Whether the archive's own bytes have ended, as [`Ends`] saw them and
/// a member's [`Counted`] reads it.
pub type Ended = Arc<AtomicBool>;

/// The reader an archive is read from, marking when its bytes end: the
/// `tar` crate takes an end inside a member for that member's end, and
/// fills what a sparse member was still to hold with zeros, so a member
/// the archive ends inside can only be told by the end of the bytes
/// under it. An end met between members means the archive had no
/// end-of-archive marker.
pub struct Ends<R> {
    inner: R,
    ended: Ended,
}

impl<R> Ends<R> {
    /// Marks `ended` once `inner` ends.
    pub fn new(inner: R, ended: Ended) -> Ends<R> {
        Ends { inner, ended }
    }
}

impl<R: Read> Read for Ends<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 && !buf.is_empty() {
            self.ended.store(true, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Returns the error of an archive that ended after member `last`
/// without its end-of-archive marker.
pub fn no_end_marker(last: Option<&str>) -> io::Error {
    let after = last.map(|m| format!(" after member {m}")).unwrap_or_default();
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        format!(
            "tar archive ends{after} without its end-of-archive marker: it \
             may have been cut short, and any members after it are missing"
        ),
    )
}

/// Returns the error met reading what follows an archive's
/// end-of-archive marker: a compressed archive's stream checked at its
/// end (a checksum that does not match means some member's bytes were
/// not what was written).
pub fn after_end_marker(e: &io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!("tar archive's stream fails after its last member: {e}"),
    )
}

/// What follows an archive's end-of-archive marker, read to its end:
/// zeros, unless something was written after the archive (another
/// archive appended to it, which `tar` too leaves unread unless told).
#[derive(Default)]
pub struct Padding {
    read: u64,
    data_at: Option<u64>,
}

impl Padding {
    /// Where the first byte other than zero lies, counted from the end
    /// of the marker's first block, if any.
    pub fn data_after_end(&self) -> Option<u64> {
        self.data_at
    }
}

impl io::Write for Padding {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.data_at.is_none() {
            if let Some(i) = buf.iter().position(|b| *b != 0) {
                self.data_at = Some(self.read + i as u64);
            }
        }
        self.read += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Returns the error of an archive that holds more than zeros after its
/// end-of-archive marker, `at` bytes past the marker's first block
/// (after member `last`).
pub fn data_after_end_marker(last: Option<&str>, at: u64) -> io::Error {
    let after = last.map(|m| format!(" after member {m}")).unwrap_or_default();
    let at = at + 512;
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "tar archive holds data {at} bytes into its end-of-archive \
             marker{after}, which is not swept (another archive appended \
             to it? `tar -xiOf ARCHIVE | iocsweep sweep [same options] -` \
             sweeps all members as one stream)"
        ),
    )
}

/// A member's reader, which counts the bytes it yields and tells whether
/// reading them failed: a member's error is the archive's when it came
/// from the archive's bytes, the member's own when it came from what was
/// made of them (its decompression, its EVTX records).
///
/// It also turns an archive that ends inside the member into a read
/// error ([`cut_short`]) instead of an early end (or a sparse member's
/// zeros), so that what reads the member treats it as the break it is:
/// a word the end cut (`192.0.2.1` of `192.0.2.100`) is not swept.
pub struct Counted<R> {
    inner: R,
    /// The member's size, as its bytes are read (a sparse member's with
    /// its holes).
    size: u64,
    /// Whether the archive's bytes have ended.
    ended: Ended,
    /// Bytes yielded so far.
    pub count: u64,
    /// The error reading the archive failed with, kept whole (what reads
    /// the member gets its words) so that it is reported as it was.
    pub failure: Option<io::Error>,
    /// Whether the archive ended inside the member.
    pub short: bool,
}

impl<R> Counted<R> {
    /// Starts counting what `inner` yields, which ends early unless it
    /// yields `size` bytes before the archive's bytes end.
    pub fn new(inner: R, size: u64, ended: Ended) -> Counted<R> {
        Counted { inner, size, ended, count: 0, failure: None, short: false }
    }

    /// Whether a read failed.
    pub fn failed(&self) -> bool {
        self.short || self.failure.is_some()
    }

    /// Returns the error of the archive ending inside the member.
    pub fn cut_short(&self) -> io::Error {
        cut_short(self.count, self.size)
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            // After a failure the end may be the failing reader's.
            Ok(n) if !buf.is_empty() && !self.failed() => {
                let ended = self.ended.load(Ordering::Relaxed);
                if ended || n == 0 && self.count < self.size {
                    // What came with the end is no bytes of the archive.
                    self.short = true;
                    return Err(self.cut_short());
                }
                self.count += n as u64;
                Ok(n)
            }
            // Past a cut, a sparse member's holes are no bytes of it.
            Ok(n) if self.short => Ok(n),
            Ok(n) => {
                self.count += n as u64;
                Ok(n)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                let words = io::Error::new(e.kind(), e.to_string());
                self.failure.get_or_insert(e);
                Err(words)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counted(data: &[u8], size: u64) -> Counted<&[u8]> {
        Counted::new(data, size, Ended::default())
    }

    /// A reader that fails once, then ends.
    struct FailsOnce(bool);

    impl Read for FailsOnce {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            if std::mem::replace(&mut self.0, true) {
                Ok(0)
            } else {
                Err(io::Error::other("stopped"))
            }
        }
    }

    #[test]
    fn an_end_after_a_failure_is_not_taken_for_the_archive_s_end() {
        let mut r = Counted::new(FailsOnce(false), 5, Ended::default());
        let mut buf = [0; 8];
        assert_eq!(r.read(&mut buf).unwrap_err().to_string(), "stopped");
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        assert!(r.failed() && !r.short);
        assert_eq!(r.failure.unwrap().to_string(), "stopped");
    }

    #[test]
    fn an_early_end_is_an_error() {
        let mut r = counted(b"abc", 5);
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, b"abc");
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            e.to_string(),
            "tar archive ends inside this member, after 3 of its 5 bytes"
        );
        assert!(r.short && r.failed());

        // All of it there: an end is an end.
        let mut r = counted(b"abc", 3);
        let mut out = Vec::new();
        assert_eq!(r.read_to_end(&mut out).unwrap(), 3);
        assert!(!r.short && !r.failed());
        assert_eq!(r.count, 3);
    }

    /// A sparse member cut short goes on with the zeros of its holes:
    /// what comes once the archive's bytes ended is not the member's.
    #[test]
    fn bytes_after_the_archive_s_end_are_an_error() {
        let ended = Ended::default();
        let mut r = Counted::new(&[0u8; 12][..], 20, ended.clone());
        let mut buf = [1; 4];
        assert_eq!(r.read(&mut buf).unwrap(), 4);
        ended.store(true, Ordering::Relaxed);
        let e = r.read(&mut buf).unwrap_err();
        assert_eq!(
            e.to_string(),
            "tar archive ends inside this member, after 4 of its 20 bytes"
        );
        // Nor are they counted as read, when the rest is drained.
        assert_eq!(r.read(&mut buf).unwrap(), 4);
        assert_eq!(r.cut_short().to_string(), e.to_string());
    }

    #[test]
    fn the_end_of_the_bytes_under_an_archive_is_marked() {
        let ended = Ended::default();
        let mut r = Ends::new(&b"ab"[..], ended.clone());
        let mut buf = [0; 2];
        assert_eq!(r.read(&mut buf).unwrap(), 2);
        assert!(!ended.load(Ordering::Relaxed));
        assert_eq!(r.read(&mut buf[..0]).unwrap(), 0);
        assert!(!ended.load(Ordering::Relaxed), "an empty read is no end");
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        assert!(ended.load(Ordering::Relaxed));
    }
}
