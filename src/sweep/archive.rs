//! Tar archives: which members are swept, what they are called, and how
//! a damaged archive is described.
//!
//! The `tar` crate reads an archive as a stream, one header then one
//! member's bytes, so an archive of any size is swept in bounded memory
//! and a compressed archive is decompressed once, in order. Each regular
//! member becomes an input of its own, named `archive:member`.

use std::io::{self, Read};

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

/// A reader that counts the bytes it yields, and tells whether reading
/// them failed: a member's error is the archive's when it came from the
/// archive's bytes, the member's own when it came from what was made of
/// them (its decompression, its EVTX records).
///
/// Given the member's size, it also turns an archive that ends inside
/// the member into a read error ([`cut_short`]) instead of an early end,
/// so that what reads the member treats it as the break it is: a word
/// the end cut (`192.0.2.1` of `192.0.2.100`) is not swept.
pub struct Counted<R> {
    inner: R,
    /// The member's size, if the archive must hold all of it.
    size: Option<u64>,
    /// Bytes yielded so far.
    pub count: u64,
    /// Whether a read failed.
    pub failed: bool,
    /// Whether the archive ended inside the member.
    pub short: bool,
}

impl<R> Counted<R> {
    /// Starts counting what `inner` yields, which ends early unless it
    /// yields `size` bytes (if given).
    pub fn new(inner: R, size: Option<u64>) -> Counted<R> {
        Counted { inner, size, count: 0, failed: false, short: false }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(0) if !buf.is_empty() => match self.size {
                // After a failure the end may be the failing reader's.
                Some(size) if self.count < size && !self.failed => {
                    self.failed = true;
                    self.short = true;
                    Err(cut_short(self.count, size))
                }
                _ => Ok(0),
            },
            Ok(n) => {
                self.count += n as u64;
                Ok(n)
            }
            Err(e) => {
                self.failed |= e.kind() != io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let mut r = Counted::new(FailsOnce(false), Some(5));
        let mut buf = [0; 8];
        assert_eq!(r.read(&mut buf).unwrap_err().to_string(), "stopped");
        assert_eq!(r.read(&mut buf).unwrap(), 0);
        assert!(r.failed && !r.short);
    }

    #[test]
    fn an_early_end_is_an_error_only_when_the_size_is_known() {
        let mut r = Counted::new(&b"abc"[..], Some(5));
        let mut out = Vec::new();
        let e = r.read_to_end(&mut out).unwrap_err();
        assert_eq!(out, b"abc");
        assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof);
        assert_eq!(
            e.to_string(),
            "tar archive ends inside this member, after 3 of its 5 bytes"
        );
        assert!(r.short && r.failed);

        // All of it there, or no size to hold it to: an end is an end.
        for size in [Some(3), None] {
            let mut r = Counted::new(&b"abc"[..], size);
            let mut out = Vec::new();
            assert_eq!(r.read_to_end(&mut out).unwrap(), 3);
            assert!(!r.short && !r.failed);
            assert_eq!(r.count, 3);
        }
    }
}
