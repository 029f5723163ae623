//! Compressed inputs: recognising gzip, bzip2, xz and zstd by their magic
//! bytes and decoding them as a stream.
//!
//! A decoder counts the bytes it has produced, so that a damaged stream is
//! reported with its format and the offset in the decompressed stream
//! where it broke. Every decoder here is built from source by cargo; none
//! needs a system library.

use std::io::{self, BufRead, BufReader, Read};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// How many leading bytes [`Format::detect`] needs to decide.
pub const MAGIC_LEN: usize = 6;

/// Buffer size between the compressed file and its decoder.
const INPUT_BUFFER: usize = 128 * 1024;

/// A compression format the sweep reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// gzip (RFC 1952), one member or many.
    Gzip,
    /// bzip2, one stream or many.
    Bzip2,
    /// xz, one stream or many.
    Xz,
    /// Zstandard, one frame or many.
    Zstd,
}

impl Format {
    /// Returns the format whose magic bytes `head` starts with, if any.
    /// `head` should hold [`MAGIC_LEN`] bytes unless the input is shorter.
    pub fn detect(head: &[u8]) -> Option<Format> {
        match head {
            // ID1, ID2, then CM = 8 (deflate), the only method defined.
            [0x1f, 0x8b, 0x08, ..] => Some(Format::Gzip),
            // "BZh" then the block size, '1' to '9'.
            [b'B', b'Z', b'h', b'1'..=b'9', ..] => Some(Format::Bzip2),
            [0xfd, b'7', b'z', b'X', b'Z', 0x00, ..] => Some(Format::Xz),
            [0x28, 0xb5, 0x2f, 0xfd, ..] => Some(Format::Zstd),
            // A skippable frame may open a Zstandard file.
            [0x50..=0x5f, 0x2a, 0x4d, 0x18, ..] => Some(Format::Zstd),
            _ => None,
        }
    }

    /// Returns the format's name as people write it: `gzip`, `zstd`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Gzip => "gzip",
            Format::Bzip2 => "bzip2",
            Format::Xz => "xz",
            Format::Zstd => "zstd",
        }
    }
}

/// A reader that yields sniffed bytes again before the rest.
pub type Sniffed<R> = io::Chain<io::Cursor<Vec<u8>>, R>;

/// Reads the first [`MAGIC_LEN`] bytes of `reader` (fewer if it ends
/// sooner) and returns the format they announce, with a reader that
/// yields the whole input again, those bytes included.
///
/// # Errors
///
/// Returns the error of reading those first bytes.
pub fn sniff<R: Read>(
    mut reader: R,
) -> io::Result<(Option<Format>, Sniffed<R>)> {
    let mut head = vec![0; MAGIC_LEN];
    let got = read_head(&mut reader, &mut head)?;
    head.truncate(got);
    let format = Format::detect(&head);
    Ok((format, io::Cursor::new(head).chain(reader)))
}

/// Fills `head` from `reader` as far as the input goes; returns how many
/// bytes were read.
///
/// # Errors
///
/// Returns the first read error other than an interruption.
pub fn read_head<R: Read>(
    reader: &mut R,
    head: &mut [u8],
) -> io::Result<usize> {
    let mut got = 0;
    while got < head.len() {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// A decompressing reader that names its format and output offset in
/// its errors.
pub struct Decoder<'a> {
    inner: Box<dyn Read + 'a>,
    format: Format,
    produced: u64,
    budget: Option<Arc<Expansion>>,
    /// The error of a stream stopped past its budget, for the next read.
    stopped: Option<io::Error>,
    /// A stream past its budget whose end is not known yet: the next
    /// read looks one byte further, and the stream is stopped only if
    /// that byte is there. A small member decoded whole in the read that
    /// passed an archive's budget is then no error.
    over: Option<io::Error>,
}

impl<'a> Decoder<'a> {
    /// Creates a decoder of `format` over the compressed bytes `reader`
    /// yields, from their very first byte.
    pub fn new<R>(format: Format, reader: R) -> Decoder<'a>
    where
        R: Read + 'a,
    {
        let buffered = BufReader::with_capacity(INPUT_BUFFER, reader);
        let inner = open(format, buffered);
        Decoder {
            inner,
            format,
            produced: 0,
            budget: None,
            stopped: None,
            over: None,
        }
    }

    /// Creates a decoder as [`Decoder::new`] does whose output counts
    /// against `budget`: once the input's decoders together have given
    /// more than the budget allows for the raw bytes read, it fails.
    pub fn within<R>(
        format: Format,
        reader: R,
        budget: Arc<Expansion>,
    ) -> Decoder<'a>
    where
        R: Read + 'a,
    {
        Decoder { budget: Some(budget), ..Decoder::new(format, reader) }
    }

    /// Returns how many decompressed bytes have been read so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// Returns `e` restated with the format and the output offset.
    fn explain(&self, e: io::Error) -> io::Error {
        if let Some(limit) = self.memory_refused(&e) {
            let command = match self.format {
                Format::Zstd => "zstd -d --long=31",
                _ => "xz -d",
            };
            return io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} stream needs more memory to decompress than the {} \
                     MiB allowed (a dictionary or window larger than any \
                     standard level uses); decompress it with {command} and \
                     sweep the output",
                    self.format.name(),
                    limit >> 20
                ),
            );
        }
        let (kind, what) = if e.kind() == io::ErrorKind::UnexpectedEof {
            (io::ErrorKind::UnexpectedEof, "stream ends early (truncated?)")
        } else {
            (io::ErrorKind::InvalidData, "stream is corrupt")
        };
        io::Error::new(
            kind,
            format!(
                "{} {what} after {} bytes of output: {e}",
                self.format.name(),
                self.produced
            ),
        )
    }
}

impl Decoder<'_> {
    /// Returns the error that stops a stream past its budget.
    fn bomb(&self, over: &Overspent) -> io::Error {
        let bomb = Bomb {
            format: self.format.name(),
            produced: self.produced,
            raw: over.raw,
            out: over.out,
            ratio: over.ratio,
            member: false,
        };
        io::Error::new(io::ErrorKind::InvalidData, bomb)
    }

    /// Returns the memory limit `e` says was exceeded, if it says so.
    fn memory_refused(&self, e: &io::Error) -> Option<u64> {
        match self.format {
            Format::Xz => {
                let inner =
                    e.get_ref()?.downcast_ref::<liblzma::stream::Error>();
                matches!(inner, Some(liblzma::stream::Error::MemLimit))
                    .then_some(XZ_MEMORY)
            }
            Format::Zstd => {
                // zstd names this error only in its message.
                let refused =
                    e.to_string().contains("requires too much memory");
                refused.then_some(1 << ZSTD_WINDOW_LOG)
            }
            _ => None,
        }
    }
}

impl Read for Decoder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(e) = self.stopped.take() {
            return Err(e);
        }
        if let Some(e) = self.over.take() {
            if buf.is_empty() {
                self.over = Some(e);
                return Ok(0);
            }
            // One byte more tells whether the stream ended.
            let n = loop {
                match self.inner.read(&mut buf[..1]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(self.explain(e)),
                    Ok(n) => break n,
                }
            };
            self.produced += n as u64;
            if n > 0 {
                self.stopped = Some(e);
            }
            self.inner = Box::new(Failed(None));
            return Ok(n);
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.produced += n as u64;
                    // Past the budget, these bytes are still handed
                    // over; the stream stops at the next read unless it
                    // ends there.
                    if let Some(b) = &self.budget
                        && let Err(over) = b.spend(n as u64)
                    {
                        self.over = Some(self.bomb(&over));
                        self.budget = None;
                    }
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.explain(e)),
            }
        }
    }
}

/// Returns the decoder for `format` over `input`. Every decoder goes on
/// past the end of a member, stream or frame to the next one, as
/// concatenated files (pigz, bgzip, appending rotators) need.
fn open<'a, B>(format: Format, input: B) -> Box<dyn Read + 'a>
where
    B: BufRead + 'a,
{
    match format {
        Format::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(input)),
        Format::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(input)),
        Format::Xz => {
            let flags = liblzma::stream::CONCATENATED;
            match liblzma::stream::Stream::new_stream_decoder(XZ_MEMORY, flags)
            {
                Ok(s) => {
                    Box::new(liblzma::bufread::XzDecoder::new_stream(input, s))
                }
                Err(e) => Box::new(Failed(Some(e.into()))),
            }
        }
        Format::Zstd => {
            let decoder = zstd::stream::read::Decoder::with_buffer(input)
                .and_then(|mut d| {
                    d.window_log_max(ZSTD_WINDOW_LOG)?;
                    Ok(d)
                });
            match decoder {
                Ok(d) => Box::new(d),
                // Only a failure to set up the context lands here.
                Err(e) => Box::new(Failed(Some(e))),
            }
        }
    }
}

/// The most memory an xz stream may need to be decoded: the header
/// states it, so a stream asking for more is refused before anything is
/// allocated. `xz -9` needs 65 MiB; only a hand-picked dictionary needs
/// more, and an attacker's stream could ask for 4 GiB per input.
const XZ_MEMORY: u64 = 256 << 20;

/// The largest zstd window accepted, as a power of two (128 MiB, what
/// `zstd --long` uses; a frame may ask for up to 2 GiB).
const ZSTD_WINDOW_LOG: u32 = 27;

/// How far the decompressed bytes of one input may outgrow its raw
/// bytes: every decoder of the input (the file's own and those of
/// compressed members of a tar inside it) counts its output here, and
/// fails once that passes [`EXPANSION_FLOOR`] and [`EXPANSION_RATIO`]
/// times the raw bytes read so far. Sweep time grows with the
/// decompressed size: 786 bytes of bzip2 expand to 1 GiB, and 433 bytes
/// of bzip2'd tar holding a member of such streams to 1,000 GiB, an
/// hour's sweep.
#[derive(Debug)]
pub struct Expansion {
    raw: AtomicU64,
    out: AtomicU64,
    ratio: u64,
    floor: u64,
}

/// The output an input may give whatever its ratio.
pub const EXPANSION_FLOOR: u64 = 1 << 30;

/// The most decompressed bytes per raw byte past [`EXPANSION_FLOOR`].
/// gzip cannot pass 1,032; a log of one line repeated ten million times
/// compresses 11,891 times with `zstd -19` (6,850 with `xz -9`, 6,231
/// with `bzip2 -9`), a log of timed lines under 1,000 times; zstd frames
/// of zeros reach about 32,000, and bzip2 a million and more.
pub const EXPANSION_RATIO: u64 = 20_000;

/// A stream stopped past its budget of expansion, as the error says it.
#[derive(Debug, Clone)]
pub struct Bomb {
    format: &'static str,
    produced: u64,
    raw: u64,
    out: u64,
    ratio: u64,
    /// Whether the stream is a member of a tar archive, which changes
    /// how to sweep it anyway.
    member: bool,
}

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = self.format;
        let whose = if self.member { "archive's" } else { "input's" };
        write!(
            f,
            "{name} stream stopped after {} bytes of output: the {whose} {} \
             bytes had expanded to {} bytes, more than {} times their size, \
             as a decompression bomb does ",
            self.produced, self.raw, self.out, self.ratio
        )?;
        if self.member {
            write!(
                f,
                "(its members share that budget; a real log that compresses \
                 so well can be swept as tar -xOf ARCHIVE MEMBER | {name} -dc \
                 | iocsweep sweep [same options] -)"
            )
        } else {
            write!(
                f,
                "(a real log that compresses so well can be swept as {name} \
                 -dc FILE | iocsweep sweep [same options] -)"
            )
        }
    }
}

/// Whether `e` is a stream stopped past its budget.
pub fn is_bomb(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<Bomb>())
}

impl std::error::Error for Bomb {}

/// Returns `e` as the error of a tar member's own stream: a budget stop
/// then tells how to sweep the member anyway; any other error is kept.
pub fn of_member(e: io::Error) -> io::Error {
    match e.get_ref().and_then(|i| i.downcast_ref::<Bomb>()) {
        Some(bomb) => {
            let bomb = Bomb { member: true, ..bomb.clone() };
            io::Error::new(e.kind(), bomb)
        }
        None => e,
    }
}

/// What an input had read and given when it passed its budget.
#[derive(Debug)]
pub struct Overspent {
    raw: u64,
    out: u64,
    ratio: u64,
}

impl Expansion {
    /// Returns a budget with the standard floor and ratio.
    pub fn new() -> Arc<Expansion> {
        Expansion::with(EXPANSION_RATIO, EXPANSION_FLOOR)
    }

    /// Returns a budget of `floor` bytes, then `ratio` per raw byte.
    pub fn with(ratio: u64, floor: u64) -> Arc<Expansion> {
        let (raw, out) = (AtomicU64::new(0), AtomicU64::new(0));
        Arc::new(Expansion { raw, out, ratio, floor })
    }

    /// Counts `n` raw bytes read.
    pub fn read(&self, n: u64) {
        self.raw.fetch_add(n, Ordering::Relaxed);
    }

    /// Counts `n` bytes of decompressed output; fails once the output
    /// is past the budget.
    fn spend(&self, n: u64) -> Result<(), Overspent> {
        let out = self.out.fetch_add(n, Ordering::Relaxed) + n;
        let raw = self.raw.load(Ordering::Relaxed);
        if out > self.floor && out / self.ratio > raw {
            return Err(Overspent { raw, out, ratio: self.ratio });
        }
        Ok(())
    }
}

/// A reader that counts the raw bytes it reads into a budget.
pub struct Raw<R> {
    inner: R,
    budget: Arc<Expansion>,
}

impl<R> Raw<R> {
    /// Creates a reader over `inner` counting into `budget`.
    pub fn new(inner: R, budget: Arc<Expansion>) -> Raw<R> {
        Raw { inner, budget }
    }
}

impl<R: Read> Read for Raw<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.read(n as u64);
        Ok(n)
    }
}

/// A reader that fails once with a stored error, then ends.
struct Failed(Option<io::Error>);

impl Read for Failed {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        self.0.take().map_or(Ok(0), Err)
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::default(),
        );
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn decode(data: Vec<u8>) -> (Option<Format>, io::Result<Vec<u8>>) {
        let (format, reader) = sniff(io::Cursor::new(data)).unwrap();
        let mut out = Vec::new();
        let result = match format {
            Some(f) => Decoder::new(f, reader).read_to_end(&mut out),
            None => { reader }.read_to_end(&mut out),
        };
        (format, result.map(|_| out))
    }

    #[test]
    fn magic_bytes_decide() {
        assert_eq!(Format::detect(&gzip(b"x")), Some(Format::Gzip));
        assert_eq!(Format::detect(b"BZh91AY&SY"), Some(Format::Bzip2));
        assert_eq!(Format::detect(b"BZhx"), None);
        assert_eq!(Format::detect(b"\xfd7zXZ\0"), Some(Format::Xz));
        assert_eq!(Format::detect(b"\x28\xb5\x2f\xfd"), Some(Format::Zstd));
        assert_eq!(Format::detect(b"\x1f"), None);
        assert_eq!(Format::detect(b""), None);
    }

    #[test]
    fn plain_input_comes_back_whole() {
        for data in [&b""[..], b"ab", b"a longer line\n"] {
            let (format, out) = decode(data.to_vec());
            assert_eq!(format, None);
            assert_eq!(out.unwrap(), data);
        }
    }

    #[test]
    fn gzip_members_and_empty_members_are_all_read() {
        let mut data = gzip(b"one\n");
        data.extend(gzip(b""));
        data.extend(gzip(b"two\n"));
        let (format, out) = decode(data);
        assert_eq!(format, Some(Format::Gzip));
        assert_eq!(out.unwrap(), b"one\ntwo\n");
    }

    fn encode(format: Format, data: &[u8]) -> Vec<u8> {
        match format {
            Format::Gzip => gzip(data),
            Format::Zstd => zstd::encode_all(data, 3).unwrap(),
            Format::Bzip2 => {
                let level = bzip2::Compression::default();
                let mut e = bzip2::write::BzEncoder::new(Vec::new(), level);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
            Format::Xz => {
                let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
                e.write_all(data).unwrap();
                e.finish().unwrap()
            }
        }
    }

    #[test]
    fn every_format_round_trips_and_names_a_truncation() {
        let text = b"some line of log text 203.0.113.5\n".repeat(20_000);
        for format in [Format::Gzip, Format::Bzip2, Format::Xz, Format::Zstd] {
            let mut data = encode(format, &text);
            let (found, out) = decode(data.clone());
            assert_eq!(found, Some(format));
            assert!(out.unwrap() == text, "{format:?} round trip");
            data.truncate(data.len() / 2);
            let e = decode(data).1.unwrap_err();
            assert_eq!(e.kind(), io::ErrorKind::UnexpectedEof, "{e}");
            let msg = e.to_string();
            let want = format!("{} stream ends early", format.name());
            assert!(msg.starts_with(&want), "{msg}");
            assert!(msg.contains(" bytes of output: "), "{msg}");
        }
    }

    #[test]
    fn trailing_garbage_is_corruption() {
        let mut data = gzip(b"line\n");
        data.extend_from_slice(b"not gzip at all");
        let (_, out) = decode(data);
        let msg = out.unwrap_err().to_string();
        assert!(msg.starts_with("gzip stream is corrupt after 5 "), "{msg}");
    }

    /// CRC-32 (IEEE), bit by bit: enough to re-seal an xz header.
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in data {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = (crc >> 1) ^ (0xedb8_8320 & (crc & 1).wrapping_neg());
            }
        }
        !crc
    }

    /// An xz stream of `data` whose block header states the dictionary
    /// size code `dict` (40 is 4 GiB), re-sealed with its CRC.
    fn xz_with_dictionary(data: &[u8], dict: u8) -> Vec<u8> {
        let mut xz = encode(Format::Xz, data);
        // Stream header (12 bytes), then a 12-byte block header: size,
        // flags (one filter, no sizes), LZMA2 id and property size, the
        // dictionary code, padding, CRC-32.
        assert_eq!(xz[12..16], [0x02, 0x00, 0x21, 0x01], "block header");
        xz[16] = dict;
        let crc = crc32(&xz[12..20]);
        xz[20..24].copy_from_slice(&crc.to_le_bytes());
        xz
    }

    #[test]
    fn xz_needing_a_huge_dictionary_is_refused_by_its_header() {
        let text = b"203.0.113.5\n".repeat(100);
        // Near miss: the re-sealed stream with a 64 MiB dictionary (what
        // `xz -9` uses) decodes.
        let (_, out) = decode(xz_with_dictionary(&text, 26));
        assert_eq!(out.unwrap(), text);
        let Err(e) = decode(xz_with_dictionary(&text, 40)).1 else {
            panic!("a 4 GiB dictionary was accepted");
        };
        assert_eq!(
            e.to_string(),
            "xz stream needs more memory to decompress than the 256 MiB \
             allowed (a dictionary or window larger than any standard \
             level uses); decompress it with xz -d and sweep the output"
        );
    }

    #[test]
    fn zstd_with_a_window_over_128_mib_is_refused_by_its_header() {
        // A frame by hand: magic, a header with only a window descriptor,
        // and one raw block holding `line`.
        let frame = |window_log: u8| {
            let line = b"203.0.113.5\n";
            let mut f = vec![0x28, 0xb5, 0x2f, 0xfd, 0x00];
            f.push((window_log - 10) << 3);
            let block = 1 | (line.len() as u32) << 3;
            f.extend_from_slice(&block.to_le_bytes()[..3]);
            f.extend_from_slice(line);
            f
        };
        // Near miss: a 128 MiB window (`zstd --long`) decodes.
        assert_eq!(decode(frame(27)).1.unwrap(), b"203.0.113.5\n");
        let Err(e) = decode(frame(31)).1 else {
            panic!("a 2 GiB window was accepted");
        };
        assert_eq!(
            e.to_string(),
            "zstd stream needs more memory to decompress than the 128 MiB \
             allowed (a dictionary or window larger than any standard \
             level uses); decompress it with zstd -d --long=31 and sweep \
             the output"
        );
    }

    #[test]
    fn decoders_of_one_input_share_a_budget_of_expansion() {
        let zeros = gzip(&[0; 100_000]);
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        let text_gz = gzip(&text);
        // Budget: 200 bytes, then 50 per raw byte.
        let read = |data: &[u8], budget: &Arc<Expansion>| {
            let raw = Raw::new(data, budget.clone());
            let mut out = Vec::new();
            let r = Decoder::within(Format::Gzip, raw, budget.clone())
                .read_to_end(&mut out);
            (r, out.len())
        };
        // Zeros expand about a thousand times: stopped.
        let b = Expansion::with(50, 200);
        let (r, got) = read(&zeros, &b);
        let e = r.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(e.to_string().starts_with("gzip stream stopped after "));
        assert!(e.to_string().contains(&format!(
            "the input's {} bytes had expanded to",
            zeros.len()
        )));
        assert!(e.to_string().contains("more than 50 times their size"));
        assert!(
            got < 100_000 && got as u64 > 50 * zeros.len() as u64,
            "{got}"
        );
        // Near miss: text expands less than 50 times and reads whole.
        let b = Expansion::with(50, 200);
        assert_eq!(read(&text_gz, &b).0.unwrap(), text.len());
        // A second decoder of the same input spends the same budget:
        // text that passed alone is stopped once the output before it
        // leaves too little.
        let b = Expansion::with(50, 200);
        b.read(2_000);
        b.spend(100_000).unwrap();
        let raw = io::Cursor::new(&text_gz);
        let mut d = Decoder::within(Format::Gzip, raw, b.clone());
        assert!(d.read_to_end(&mut Vec::new()).is_err());
        // Within the floor nothing is counted against the ratio.
        let b = Expansion::with(50, 1 << 20);
        assert_eq!(read(&zeros, &b).0.unwrap(), 100_000);
    }

    /// A small tar member after a bomb member, decoded whole in the read
    /// that found the archive's budget spent, was still stopped: an
    /// error, and "not fully read", for a member swept to its end.
    #[test]
    fn a_stream_that_ends_in_the_read_past_its_budget_is_no_error() {
        let spent = || {
            let b = Expansion::with(50, 200);
            b.read(10);
            b.spend(100_000).unwrap_err();
            b
        };
        let small = gzip(b"x src=192.0.2.7\n");
        let mut d = Decoder::within(Format::Gzip, &small[..], spent());
        let mut buf = vec![0; 4096];
        assert_eq!(d.read(&mut buf).unwrap(), 16);
        assert_eq!(d.read(&mut buf).unwrap(), 0);
        // Near miss: one byte more is there, so the stream stops after
        // handing it over, and every byte before the stop is kept.
        let two = gzip(b"x src=192.0.2.7\ny\n");
        let mut d = Decoder::within(Format::Gzip, &two[..], spent());
        assert_eq!(d.read(&mut buf[..16]).unwrap(), 16);
        assert_eq!(d.read(&mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'y');
        let e = d.read(&mut buf).unwrap_err();
        assert!(is_bomb(&e), "{e}");
        assert_eq!(d.read(&mut buf).unwrap(), 0);
    }
}
