//! UTF-16 text, as Windows exports it: decoded to UTF-8 as a stream, so
//! the matcher sees the same bytes it would in a UTF-8 log.
//!
//! The decoder works on blocks of bounded size whatever the input size.
//! Unpaired surrogates and a dangling last byte become U+FFFD. Offsets
//! and lines of a decoded input count in the UTF-8 it is decoded to.

use std::io::{self, Read};

/// Bytes of UTF-16 read from the input at a time.
const BLOCK: usize = 64 * 1024;

/// The byte order of a UTF-16 input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Little-endian, byte-order mark `FF FE`.
    Little,
    /// Big-endian, byte-order mark `FE FF`.
    Big,
}

impl Order {
    /// Returns the byte order that `head` announces with a byte-order
    /// mark, if it starts with one.
    pub fn from_bom(head: &[u8]) -> Option<Order> {
        match head {
            [0xff, 0xfe, ..] => Some(Order::Little),
            [0xfe, 0xff, ..] => Some(Order::Big),
            _ => None,
        }
    }
}

/// A reader that yields the UTF-8 form of the UTF-16 text `inner` yields
/// (its byte-order mark already taken off).
pub struct Decoder<R> {
    inner: R,
    order: Order,
    raw: Vec<u8>,
    /// A byte left over from the last read, half of a code unit.
    odd: Option<u8>,
    /// A high surrogate waiting for its low half.
    high: Option<u16>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> Decoder<R> {
    /// Creates a decoder over `inner` in byte order `order`.
    pub fn new(inner: R, order: Order) -> Decoder<R> {
        Decoder {
            inner,
            order,
            raw: vec![0; BLOCK],
            odd: None,
            high: None,
            out: Vec::with_capacity(BLOCK * 3 / 2),
            pos: 0,
            done: false,
        }
    }

    /// Reads and decodes the next block into `out`.
    fn fill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let start = usize::from(self.odd.is_some());
        if let Some(b) = self.odd.take() {
            self.raw[0] = b;
        }
        let n = loop {
            match self.inner.read(&mut self.raw[start..]) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        if n == 0 {
            self.done = true;
            let dangling = start == 1 || self.high.take().is_some();
            if dangling {
                push(&mut self.out, char::REPLACEMENT_CHARACTER);
            }
            return Ok(());
        }
        let len = start + n;
        let whole = len / 2 * 2;
        if whole < len {
            self.odd = Some(self.raw[whole]);
        }
        for i in (0..whole).step_by(2) {
            let pair = [self.raw[i], self.raw[i + 1]];
            let unit = match self.order {
                Order::Little => u16::from_le_bytes(pair),
                Order::Big => u16::from_be_bytes(pair),
            };
            self.unit(unit);
        }
        Ok(())
    }

    /// Decodes one code unit into `out`.
    fn unit(&mut self, unit: u16) {
        let low = (0xdc00..0xe000).contains(&unit);
        if let Some(high) = self.high.take() {
            if low {
                let c = 0x10000
                    + ((u32::from(high) - 0xd800) << 10)
                    + (u32::from(unit) - 0xdc00);
                let c =
                    char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER);
                push(&mut self.out, c);
                return;
            }
            push(&mut self.out, char::REPLACEMENT_CHARACTER);
        }
        if (0xd800..0xdc00).contains(&unit) {
            self.high = Some(unit);
        } else if low {
            push(&mut self.out, char::REPLACEMENT_CHARACTER);
        } else {
            let c = char::from_u32(u32::from(unit))
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            push(&mut self.out, c);
        }
    }
}

/// Appends `c` to `out` in UTF-8.
fn push(out: &mut Vec<u8>, c: char) {
    let mut b = [0; 4];
    out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
}

impl<R: Read> Read for Decoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done || buf.is_empty() {
                return Ok(0);
            }
            self.fill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(text: &str, order: Order) -> Vec<u8> {
        let mut out = Vec::new();
        for u in text.encode_utf16() {
            match order {
                Order::Little => out.extend(u.to_le_bytes()),
                Order::Big => out.extend(u.to_be_bytes()),
            }
        }
        out
    }

    /// Reads all of a decoder, `step` bytes of input at a time.
    fn decode(data: &[u8], order: Order, step: usize) -> String {
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut out = String::new();
        Decoder::new(Trickle(data, step), order)
            .read_to_string(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn both_orders_decode_whatever_the_read_sizes() {
        let text = "Läuft 192.0.2.1 \u{1f600} evil.example\r\nzwei\n";
        for order in [Order::Little, Order::Big] {
            let data = encode(text, order);
            for step in [1, 2, 3, 5, 7, 64, 1 << 20] {
                assert_eq!(decode(&data, order, step), text, "{order:?}");
            }
        }
    }

    #[test]
    fn broken_units_become_replacement_characters() {
        // A lone low surrogate, a high one followed by a letter, and a
        // dangling byte at the end.
        let data = [0x00, 0xdc, 0x41, 0x00, 0x00, 0xd8, 0x42, 0x00, 0x43];
        assert_eq!(
            decode(&data, Order::Little, 4),
            "\u{fffd}A\u{fffd}B\u{fffd}"
        );
    }

    #[test]
    fn byte_order_marks() {
        assert_eq!(Order::from_bom(b"\xff\xfea\0"), Some(Order::Little));
        assert_eq!(Order::from_bom(b"\xfe\xff\0a"), Some(Order::Big));
        assert_eq!(Order::from_bom(b"\xef\xbb\xbf"), None);
        assert_eq!(Order::from_bom(b""), None);
    }
}
