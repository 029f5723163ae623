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
pub struct Counted<R> {
    inner: R,
    /// Bytes yielded so far.
    pub count: u64,
    /// Whether a read failed.
    pub failed: bool,
}

impl<R> Counted<R> {
    /// Starts counting what `inner` yields.
    pub fn new(inner: R) -> Counted<R> {
        Counted { inner, count: 0, failed: false }
    }
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
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
