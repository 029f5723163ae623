//! Inputs: finding the files to sweep and cutting their bytes into
//! line-aligned chunks.
//!
//! Plain files of some size are memory-mapped and cut in place; small
//! files are read whole; compressed files, standard input and other
//! streams are read (and decompressed) into owned chunks. Either way a
//! chunk ends at a line break, so no token or line straddles two chunks,
//! except a line too long to hold, which is cut at a blank instead.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use memmap2::Mmap;

use super::compress::{self, Decoder, Format};

/// One input as the user named it, or as a folder walk found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// Returns the name shown in hit records.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }
}

/// A path that could not be walked, with why.
#[derive(Debug)]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub error: io::Error,
}

/// What a walk found besides files to sweep.
#[derive(Debug, Default)]
pub struct WalkReport {
    /// Paths that could not be read.
    pub errors: Vec<WalkError>,
    /// Symbolic links met inside folders, which walks do not follow.
    pub symlinks_skipped: Vec<PathBuf>,
    /// FIFOs, sockets and devices met inside folders, which walks skip.
    pub special_skipped: Vec<PathBuf>,
}

/// Expands the paths given on the command line into inputs: files as
/// given, folders walked recursively in sorted order (hidden entries
/// included), `-` as standard input.
pub fn expand(paths: &[PathBuf]) -> (Vec<Input>, WalkReport) {
    let mut inputs = Vec::new();
    let mut report = WalkReport::default();
    for p in paths {
        if p.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => walk(p, &mut inputs, &mut report),
            // Named explicitly: swept whatever it is, so a FIFO or a
            // device given on purpose is read.
            Ok(_) => inputs.push(Input::File(p.clone())),
            Err(error) => {
                report.errors.push(WalkError { path: p.clone(), error })
            }
        }
    }
    (inputs, report)
}

fn walk(dir: &Path, inputs: &mut Vec<Input>, report: &mut WalkReport) {
    let entries = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(error) => {
            report.errors.push(WalkError { path: dir.to_path_buf(), error });
            return;
        }
    };
    let mut found: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
    for entry in entries {
        match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
            Ok(pair) => found.push(pair),
            Err(error) => report
                .errors
                .push(WalkError { path: dir.to_path_buf(), error }),
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, ty) in found {
        if ty.is_dir() {
            walk(&path, inputs, report);
        } else if ty.is_file() {
            inputs.push(Input::File(path));
        } else if ty.is_symlink() {
            report.symlinks_skipped.push(path);
        } else {
            report.special_skipped.push(path);
        }
    }
}

/// Bytes of one input, shared by its chunks.
#[derive(Debug)]
pub enum Bytes {
    /// A memory-mapped file.
    Mapped(Mmap),
    /// Bytes read into memory.
    Owned(Vec<u8>),
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Owned(v) => v,
        }
    }
}

/// A line-aligned piece of an input.
#[derive(Clone, Debug)]
pub struct Chunk {
    /// The bytes it is a piece of.
    pub bytes: Arc<Bytes>,
    /// Its range within `bytes`.
    pub range: Range<usize>,
    /// Offset of `range.start` in the input's stream.
    pub stream_offset: u64,
}

impl Chunk {
    /// Returns the chunk's bytes.
    pub fn data(&self) -> &[u8] {
        &self.bytes[self.range.clone()]
    }

    /// Tells the kernel this chunk of a mapped file is done with, so its
    /// pages leave the process's resident memory (they stay in the page
    /// cache). Without this, sweeping a 10 GiB file would leave 10 GiB
    /// resident by the end. Does nothing for bytes read into memory.
    pub fn release(&self) {
        const PAGE: usize = 4096;
        let Bytes::Mapped(map) = &*self.bytes else { return };
        let start = self.range.start / PAGE * PAGE;
        let len = self.range.end - start;
        // SAFETY: the map is a read-only mapping of a file; dropping its
        // pages only makes a later read of them fetch them again from the
        // file, so no data is lost whatever range is given. A range the
        // kernel refuses (another page size) changes nothing.
        let _ = unsafe {
            map.unchecked_advise_range(
                memmap2::UncheckedAdvice::DontNeed,
                start,
                len,
            )
        };
    }
}

/// Files smaller than this are read rather than mapped: mapping costs
/// more than copying for them.
const MAP_THRESHOLD: u64 = 256 * 1024;

/// An opened input.
pub enum Opened {
    /// A plain regular file's whole content, mapped or read.
    Whole(Bytes),
    /// Something to read as a stream: a compressed file, a FIFO, a
    /// device, a socket, standard input.
    Stream(Stream),
}

/// An input read as a stream, decompressed if it was compressed.
pub struct Stream {
    /// The (decompressed) bytes.
    pub reader: Box<dyn Read + Send>,
    /// The compression recognised, if any.
    pub compression: Option<Format>,
}

impl Stream {
    /// Creates a stream over `reader`, decompressing it if its first bytes
    /// announce a format the sweep reads.
    ///
    /// # Errors
    ///
    /// Returns the error of reading those first bytes.
    pub fn new<R: Read + Send + 'static>(reader: R) -> io::Result<Stream> {
        let (compression, reader) = compress::sniff(reader)?;
        let reader: Box<dyn Read + Send> = match compression {
            Some(f) => Box::new(Decoder::new(f, reader)),
            None => Box::new(reader),
        };
        Ok(Stream { reader, compression })
    }
}

/// Opens a file for sweeping, read-only: compressed files (recognised by
/// their magic bytes, whatever their name) and anything that is not a
/// regular file are streamed; plain regular files are mapped when large
/// enough, read otherwise.
///
/// # Errors
///
/// Returns the error of opening the file or reading its first bytes.
pub fn open(path: &Path) -> io::Result<Opened> {
    let mut file = File::open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Stream::new(file).map(Opened::Stream);
    }
    let mut head = [0; compress::MAGIC_LEN];
    let got = compress::read_head(&mut file, &mut head)?;
    if Format::detect(&head[..got]).is_some() {
        file.seek(SeekFrom::Start(0))?;
        return Stream::new(file).map(Opened::Stream);
    }
    if meta.len() >= MAP_THRESHOLD {
        // SAFETY: the map is read-only and private to this process. If
        // another process truncates the file while it is mapped, reading
        // the lost pages raises SIGBUS; inputs being written to are not
        // yet detected and read with read() instead.
        if let Ok(m) = unsafe { Mmap::map(&file) } {
            #[cfg(unix)]
            let _ = m.advise(memmap2::Advice::Sequential);
            return Ok(Opened::Whole(Bytes::Mapped(m)));
        }
        // Some file systems cannot map: fall back to reading.
    }
    let mut buf = Vec::with_capacity(meta.len() as usize);
    buf.extend_from_slice(&head[..got]);
    file.read_to_end(&mut buf)?;
    Ok(Opened::Whole(Bytes::Owned(buf)))
}

/// Returns where to end a chunk that should end near `target`, within
/// `data`: just after the first line break at or after `target`. If no
/// line break comes within `max_line` bytes, the cut falls after the
/// last blank before that limit, so memory stays bounded on a huge line.
pub fn cut_point(data: &[u8], target: usize, max_line: usize) -> usize {
    if target >= data.len() {
        return data.len();
    }
    let limit = (target + max_line).min(data.len());
    if let Some(i) = memchr::memchr(b'\n', &data[target..limit]) {
        return target + i + 1;
    }
    if limit == data.len() {
        return limit;
    }
    match data[target..limit]
        .iter()
        .rposition(|b| matches!(b, b' ' | b'\t' | b'\r' | 0))
    {
        Some(i) => target + i + 1,
        None => limit,
    }
}

/// Reads a stream into line-aligned owned chunks of about `size` bytes.
pub struct StreamChunks<R> {
    reader: R,
    size: usize,
    max_line: usize,
    carry: Vec<u8>,
    offset: u64,
    done: bool,
}

impl<R: Read> StreamChunks<R> {
    /// Creates a chunker over `reader`.
    pub fn new(reader: R, size: usize, max_line: usize) -> StreamChunks<R> {
        StreamChunks {
            reader,
            size,
            max_line,
            carry: Vec::new(),
            offset: 0,
            done: false,
        }
    }

    /// Returns the next chunk, `None` at the end.
    ///
    /// # Errors
    ///
    /// Returns the read error; chunks already returned stay valid.
    pub fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        if self.done && self.carry.is_empty() {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        loop {
            if self.done {
                let len = buf.len();
                return Ok((len > 0).then(|| self.emit(buf, len)));
            }
            if buf.len() >= self.size {
                if let Some(i) = memchr::memrchr(b'\n', &buf) {
                    return Ok(Some(self.emit(buf, i + 1)));
                }
                if buf.len() >= self.size + self.max_line {
                    let cut = cut_point(&buf, self.size, self.max_line);
                    return Ok(Some(self.emit(buf, cut)));
                }
            }
            let old = buf.len();
            buf.resize(old + self.size, 0);
            let read = loop {
                match self.reader.read(&mut buf[old..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other,
                }
            };
            match read {
                Ok(n) => {
                    buf.truncate(old + n);
                    self.done = n == 0;
                }
                Err(e) => {
                    buf.truncate(old);
                    self.carry = buf;
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    fn emit(&mut self, mut buf: Vec<u8>, cut: usize) -> Chunk {
        self.carry = buf.split_off(cut);
        let stream_offset = self.offset;
        self.offset += cut as u64;
        let len = buf.len();
        Chunk {
            bytes: Arc::new(Bytes::Owned(buf)),
            range: 0..len,
            stream_offset,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8], size: usize, max_line: usize) -> Vec<Vec<u8>> {
        let mut s = StreamChunks::new(data, size, max_line);
        let mut out = Vec::new();
        let mut offset = 0;
        while let Some(c) = s.next_chunk().unwrap() {
            assert_eq!(c.stream_offset, offset);
            offset += c.data().len() as u64;
            out.push(c.data().to_vec());
        }
        out
    }

    #[test]
    fn stream_chunks_end_at_line_breaks_and_lose_nothing() {
        let data = b"aaa\nbbbb\ncc\nd\neeeeee\nf";
        for size in 1..30 {
            let chunks = collect(data, size, 64);
            assert_eq!(chunks.concat(), data.to_vec(), "size {size}");
            for c in &chunks[..chunks.len() - 1] {
                assert_eq!(c.last(), Some(&b'\n'), "size {size}");
            }
        }
    }

    #[test]
    fn a_huge_line_is_cut_at_a_blank() {
        let mut data = vec![b'x'; 10];
        data.extend_from_slice(b" yyyyy zzzzzzzzzzzzzzzzzzzz\n");
        let chunks = collect(&data, 4, 8);
        assert_eq!(chunks.concat(), data);
        assert!(chunks.iter().all(|c| c.len() <= 4 + 8), "{chunks:?}");
    }

    #[test]
    fn cut_points() {
        let d = b"ab\ncd\nef";
        assert_eq!(cut_point(d, 0, 10), 3);
        assert_eq!(cut_point(d, 3, 10), 6);
        assert_eq!(cut_point(d, 7, 10), 8);
        assert_eq!(cut_point(b"aaaa bbbbbbbb", 1, 5), 5);
    }
}
