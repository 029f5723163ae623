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
    /// that byte is there.
    over: Option<io::Error>,
    /// The compressed bytes read so far, with a budget.
    raw: Arc<AtomicU64>,
    /// Whether this decodes a member of an archive, not the input.
    member: bool,
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
            raw: Arc::default(),
            member: false,
        }
    }

    /// Creates a decoder of an input as [`Decoder::new`] does whose
    /// output counts against `budget` (see [`Expansion`]).
    pub fn within<R>(
        format: Format,
        reader: R,
        budget: Arc<Expansion>,
    ) -> Decoder<'a>
    where
        R: Read + 'a,
    {
        let raw = Arc::new(AtomicU64::new(0));
        let reader = Counting { inner: reader, count: raw.clone() };
        let d = Decoder::new(format, reader);
        Decoder { budget: Some(budget), raw, ..d }
    }

    /// Marks this as the decoder of a member of an archive, over bytes
    /// the archive's own decoder, if any, gave (see [`Expansion`]).
    #[must_use]
    pub fn of_member(self) -> Decoder<'a> {
        Decoder { member: true, ..self }
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
    fn bomb(&self, over: Overspent) -> io::Error {
        let format = self.format.name();
        let bomb = Bomb { format, over, member: self.member };
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
                    let raw = self.raw.load(Ordering::Relaxed);
                    if let Some(b) = &self.budget
                        && let Err(over) =
                            b.spend(n as u64, self.produced, raw, self.member)
                    {
                        self.over = Some(self.bomb(over));
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
/// bytes. Sweep time grows with the decompressed size: 786 bytes of bzip2
/// expand to 1 GiB, and 433 bytes of bzip2'd tar holding a member of such
/// streams to 1,000 GiB, an hour's sweep. Every decoder of the input (its
/// own and those of compressed members of a tar inside it) counts its
/// output here; once they have given [`EXPANSION_FLOOR`] bytes together,
/// a decoder fails when its own output passes [`EXPANSION_RATIO`] times
/// its compressed bytes read so far, and a member's decoder when it
/// passes that ratio to the input's raw bytes its compressed bytes came
/// from (its share of what the input's own decoder gave, if any). A bomb
/// member then stops without stopping the real logs after it, while all
/// the output past the floor stays within the ratio of the input's size,
/// however deep the compression is nested.
#[derive(Debug, Default)]
pub struct Expansion {
    /// Output of all the input's decoders.
    out: AtomicU64,
    /// Output of the input's own decoder.
    outer: AtomicU64,
    /// Raw bytes of the input read so far.
    raw: Arc<AtomicU64>,
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
    over: Overspent,
    /// Whether the stream is a member of a tar archive, which changes
    /// how to sweep it anyway.
    member: bool,
}

impl std::fmt::Display for Bomb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (name, over) = (self.format, &self.over);
        let floor = match over.floor {
            n if n % (1 << 30) == 0 => format!("{} GiB", n >> 30),
            n => format!("{n} bytes"),
        };
        let (whose, how) = if self.member {
            (
                "an archive's members may give together",
                format!("tar -xOf ARCHIVE MEMBER | {name} -dc"),
            )
        } else {
            ("any input may give", format!("{name} -dc FILE"))
        };
        write!(
            f,
            "{name} stream stopped after {} bytes of output: its {} \
             compressed bytes{} had expanded more than {} times, past the \
             {floor} {whose}, as a decompression bomb does (a real log \
             that compresses so well can be swept decompressed outside \
             iocsweep: {how} | iocsweep sweep [same options] -)",
            over.out,
            over.raw,
            over.from.map_or(String::new(), |n| format!(
                " (from about {n} bytes of the archive)"
            )),
            over.ratio
        )
    }
}

/// Whether `e` is a stream stopped past its budget.
pub fn is_bomb(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|i| i.is::<Bomb>())
}

impl std::error::Error for Bomb {}

/// What a decoder had read and given when it passed its budget.
#[derive(Debug, Clone)]
pub struct Overspent {
    /// Its compressed bytes read.
    raw: u64,
    /// The input's raw bytes `raw` stand for, when a member's came
    /// through the archive's own decompression.
    from: Option<u64>,
    /// Its output.
    out: u64,
    ratio: u64,
    floor: u64,
}

impl Expansion {
    /// Returns a budget with the standard floor and ratio.
    pub fn new() -> Arc<Expansion> {
        Expansion::with(EXPANSION_RATIO, EXPANSION_FLOOR)
    }

    /// Returns a budget of `floor` bytes, then `ratio` per raw byte.
    pub fn with(ratio: u64, floor: u64) -> Arc<Expansion> {
        Arc::new(Expansion { ratio, floor, ..Expansion::default() })
    }

    /// Returns `inner`, counting what is read of it as the input's raw
    /// bytes.
    pub fn raw<R: Read>(&self, inner: R) -> impl Read + use<R> {
        Counting { inner, count: self.raw.clone() }
    }

    /// Counts `n` bytes of output of a decoder (of a member or of the
    /// input) that has now given `own` bytes from `raw` compressed ones;
    /// fails once the input's output is past the floor and the decoder's
    /// own past the ratio.
    fn spend(
        &self,
        n: u64,
        own: u64,
        raw: u64,
        member: bool,
    ) -> Result<(), Overspent> {
        let out = self.out.fetch_add(n, Ordering::Relaxed) + n;
        if !member {
            self.outer.fetch_add(n, Ordering::Relaxed);
        }
        if out <= self.floor {
            return Ok(());
        }
        let from = member.then(|| {
            // The input's raw bytes behind the member's compressed ones:
            // their share of the archive's own decompression. Shortcoming:
            // the share is by the archive's average expansion so far, not
            // that of the member's own region, so a real member that
            // compresses far better than the archive around it (zstd -19
            // at 1,000 times in a tar.bz2 of text at 25) can be stopped
            // once the input has given the floor.
            let input = self.raw.load(Ordering::Relaxed);
            let outer = self.outer.load(Ordering::Relaxed).max(input);
            let share =
                u128::from(raw) * u128::from(input) / outer.max(1) as u128;
            u64::try_from(share).unwrap_or(u64::MAX)
        });
        let base = from.unwrap_or(raw);
        if own / self.ratio > base {
            let (ratio, floor) = (self.ratio, self.floor);
            let from = from.filter(|&f| f != raw);
            return Err(Overspent { raw, from, out: own, ratio, floor });
        }
        Ok(())
    }
}

/// A reader that counts the bytes it reads.
struct Counting<R> {
    inner: R,
    count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
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
    fn decoders_of_one_input_share_a_floor_and_each_keeps_to_the_ratio() {
        let zeros = gzip(&[0; 100_000]);
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("{i}\n").into_bytes())
            .collect();
        let text_gz = gzip(&text);
        // Budget: 200 bytes, then 50 per raw byte.
        let read = |data: &[u8], budget: &Arc<Expansion>| {
            let mut out = Vec::new();
            let r = Decoder::within(Format::Gzip, data, budget.clone())
                .read_to_end(&mut out);
            (r, out.len())
        };
        // Zeros expand about a thousand times: stopped.
        let b = Expansion::with(50, 200);
        let (r, got) = read(&zeros, &b);
        let e = r.unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        let msg = e.to_string();
        assert!(msg.starts_with("gzip stream stopped after "), "{msg}");
        assert!(msg.contains(" compressed bytes had expanded more than 50 times, past the 200 bytes any input may give, as a decompression bomb does (a real log that compresses so well can be swept decompressed outside iocsweep: gzip -dc FILE | iocsweep sweep [same options] -)"), "{msg}");
        assert!(got < 100_000 && got > 200, "{got}");
        // Near miss: text expands less than 50 times and reads whole.
        let b = Expansion::with(50, 200);
        assert_eq!(read(&text_gz, &b).0.unwrap(), text.len());
        // A second decoder of the same input finds the floor spent: text
        // still reads whole, its own output within the ratio of its own
        // bytes; zeros are stopped at once.
        let b = Expansion::with(50, 200);
        read(&zeros, &b).0.unwrap_err();
        assert_eq!(read(&text_gz, &b).0.unwrap(), text.len());
        let (r, got) = read(&zeros, &b);
        assert!(r.is_err() && got < 100_000, "{got}");
        // Within the floor nothing is counted against the ratio.
        let b = Expansion::with(50, 1 << 20);
        assert_eq!(read(&zeros, &b).0.unwrap(), 100_000);
    }

    /// Past its budget a stream is stopped only if more is there: a
    /// stream that ends in the read that passed is no error.
    #[test]
    fn a_stream_that_ends_in_the_read_past_its_budget_is_no_error() {
        // No floor, and a ratio of 1: 1,000 bytes from a few dozen pass it.
        let spent = || Expansion::with(1, 0);
        let small = gzip(&[b'a'; 1000]);
        let mut d = Decoder::within(Format::Gzip, &small[..], spent());
        let mut buf = vec![0; 4096];
        assert_eq!(d.read(&mut buf).unwrap(), 1000);
        assert_eq!(d.read(&mut buf).unwrap(), 0);
        // Near miss: one byte more is there, so the stream stops after
        // handing it over, and every byte before the stop is kept.
        let mut more = vec![b'a'; 1000];
        more.push(b'y');
        let two = gzip(&more);
        let mut d = Decoder::within(Format::Gzip, &two[..], spent());
        assert_eq!(d.read(&mut buf[..1000]).unwrap(), 1000);
        assert_eq!(d.read(&mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'y');
        let e = d.read(&mut buf).unwrap_err();
        assert!(is_bomb(&e), "{e}");
        assert_eq!(d.read(&mut buf).unwrap(), 0);
    }

    /// Behind a member's compressed bytes stand the archive's: a member
    /// of bomb streams inside a bzip2'd tar has 100 KB of its own from a
    /// few hundred of the file, and its own ratio alone let it give 20,000
    /// times the 100 KB.
    #[test]
    fn a_member_keeps_to_the_ratio_of_the_input_bytes_it_came_from() {
        let b = Expansion::with(100, 1000);
        b.raw.fetch_add(1_000, Ordering::Relaxed);
        // The archive's own decoder gives 100 times its input: within.
        b.spend(100_000, 100_000, 1_000, false).unwrap();
        // A member of all that output gives 2,000 times the input's
        // bytes behind it, 2 times its own: stopped.
        let over = b.spend(200_000, 200_000, 100_000, true).unwrap_err();
        assert_eq!(over.from, Some(1_000));
        // Near miss: in a plain tar (no decoder of its own) the member's
        // bytes are the input's, and twice them is within the ratio.
        let b = Expansion::with(100, 1000);
        b.raw.fetch_add(100_000, Ordering::Relaxed);
        b.spend(200_000, 200_000, 50_000, true).unwrap();
        // The input's own decoder keeps to its own bytes alone.
        let b = Expansion::with(100, 1000);
        b.raw.fetch_add(1_000, Ordering::Relaxed);
        b.spend(100_000, 100_000, 1_000, false).unwrap();
        assert!(b.spend(1, 100_001 + 99, 1_000, false).is_err());
    }
}
