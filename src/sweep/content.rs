//! What a (decompressed) stream holds, told from its first block: a tar
//! archive, UTF-16 text with a byte-order mark, a Windows event log, or
//! anything else, swept as bytes.
//!
//! The first block is read ahead and yielded again; a read error met
//! while reading it ahead is kept and raised in its place, after the
//! bytes before it, so a damaged stream still yields all it can.

use std::io::{self, Read};

use super::utf16::Order;

/// How many leading bytes [`Content::detect`] looks at: one tar block.
pub const HEAD_LEN: usize = 512;

/// What a stream holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Bytes swept as they are (text, invalid UTF-8, binary).
    Bytes,
    /// A tar archive, swept member by member.
    Tar,
    /// UTF-16 text with a byte-order mark, decoded to UTF-8.
    Utf16(Order),
    /// A Windows event log (EVTX), swept record by record.
    Evtx,
}

impl Content {
    /// Returns what a stream starting with `head` holds. A tar archive is
    /// known by the `ustar` magic of its first header (POSIX and GNU
    /// archives both have it) and a valid header checksum.
    pub fn detect(head: &[u8]) -> Content {
        if let Some(order) = Order::from_bom(head) {
            return Content::Utf16(order);
        }
        if is_tar_header(head) {
            return Content::Tar;
        }
        if head.starts_with(crate::logs::evtx::MAGIC) {
            return Content::Evtx;
        }
        Content::Bytes
    }
}

/// Whether `head` starts with a tar header: `ustar` at offset 257 and a
/// checksum (offset 148, octal) equal to the sum of the header's bytes,
/// the checksum field counted as blanks.
fn is_tar_header(head: &[u8]) -> bool {
    if head.len() < HEAD_LEN || &head[257..262] != b"ustar" {
        return false;
    }
    let field = &head[148..156];
    let digits = field
        .iter()
        .skip_while(|b| **b == b' ')
        .take_while(|b| (b'0'..=b'7').contains(*b));
    let mut want = 0u32;
    for d in digits {
        want = want * 8 + u32::from(d - b'0');
    }
    let sum: u32 = head[..HEAD_LEN]
        .iter()
        .enumerate()
        .map(|(i, b)| if (148..156).contains(&i) { 32 } else { u32::from(*b) })
        .sum();
    sum == want
}

/// A reader that yields bytes read ahead, then the error met while
/// reading them ahead (if any), then the rest of its inner reader.
pub struct Peeked<R> {
    head: Vec<u8>,
    pos: usize,
    error: Option<io::Error>,
    inner: R,
}

impl<R: Read> Peeked<R> {
    /// Reads up to [`HEAD_LEN`] bytes of `inner` ahead; returns them in a
    /// reader that yields them again, and what they announce.
    pub fn new(mut inner: R) -> (Content, Peeked<R>) {
        let mut head = vec![0; HEAD_LEN];
        let mut got = 0;
        let mut error = None;
        while got < HEAD_LEN {
            match inner.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        head.truncate(got);
        let content = Content::detect(&head);
        // The byte-order mark is no part of the text.
        let pos = if matches!(content, Content::Utf16(_)) { 2 } else { 0 };
        (content, Peeked { head, pos, error, inner })
    }
}

impl<R: Read> Read for Peeked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.pos < self.head.len() {
            let n = buf.len().min(self.head.len() - self.pos);
            buf[..n].copy_from_slice(&self.head[self.pos..self.pos + n]);
            self.pos += n;
            return Ok(n);
        }
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        self.inner.read(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Returns a minimal tar header for a regular file, checksum set.
    fn tar_header() -> Vec<u8> {
        let mut h = vec![0u8; HEAD_LEN];
        h[..5].copy_from_slice(b"a.log");
        h[156] = b'0';
        h[257..263].copy_from_slice(b"ustar\0");
        h[263..265].copy_from_slice(b"00");
        h[148..156].copy_from_slice(b"        ");
        let sum: u32 = h.iter().map(|b| u32::from(*b)).sum();
        let field = format!("{sum:06o}\0 ");
        h[148..156].copy_from_slice(field.as_bytes());
        h
    }

    #[test]
    fn contents_are_told_apart() {
        let h = tar_header();
        assert_eq!(Content::detect(&h), Content::Tar);
        let mut bad = h.clone();
        bad[0] = b'b';
        assert_eq!(Content::detect(&bad), Content::Bytes, "bad checksum");
        assert_eq!(Content::detect(&h[..300]), Content::Bytes);
        let le = Content::Utf16(Order::Little);
        assert_eq!(Content::detect(b"\xff\xfex\0"), le);
        assert_eq!(Content::detect(b"plain text"), Content::Bytes);
        assert_eq!(Content::detect(b"ElfFile\0\0\0"), Content::Evtx);
        assert_eq!(Content::detect(b"ElfFile"), Content::Bytes);
    }

    #[test]
    fn a_peeked_stream_yields_everything_and_drops_the_bom() {
        let (c, mut r) = Peeked::new(&b"\xff\xfex\0y\0"[..]);
        assert_eq!(c, Content::Utf16(Order::Little));
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, b"x\0y\0");
        let long = vec![7u8; 2000];
        let (c, mut r) = Peeked::new(&long[..]);
        assert_eq!(c, Content::Bytes);
        out.clear();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, long);
    }

    #[test]
    fn an_error_while_peeking_comes_after_the_bytes_before_it() {
        let failing = (&b"abc"[..]).chain(Failing);
        let (_, mut r) = Peeked::new(failing);
        let mut buf = [0; 16];
        assert_eq!(r.read(&mut buf).unwrap(), 3);
        assert_eq!(r.read(&mut buf).unwrap_err().to_string(), "broken");
    }

    struct Failing;

    impl Read for Failing {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("broken"))
        }
    }
}
