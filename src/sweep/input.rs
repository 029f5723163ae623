//! Inputs: finding the files to sweep and cutting their bytes into
//! line-aligned chunks.
//!
//! Plain files of some size that nobody has modified for a while are
//! memory-mapped and cut in place; every other input (small or live
//! files, compressed files, standard input and other streams) is read
//! with read(), decompressed if need be, into owned chunks. Either way a
//! chunk ends at a line break, so no token or line straddles two chunks,
//! except a line too long to hold, which is cut at a blank instead.

use std::collections::{HashMap, HashSet};
use std::fs::{File, Metadata};
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use memmap2::Mmap;

use super::guard;

use super::compress::{self, Decoder, Expansion, Format};
use super::content::{self, Content, Peeked};
use super::select::Selection;
use super::tap::{Tap, Tapped};
use super::utf16;

/// One input as the user named it, or as a folder walk found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A member of a tar archive, found while the archive is swept.
    Member {
        /// The archive's name, as [`Input::name`] gives it.
        archive: String,
        /// The member's path within the archive.
        member: String,
    },
}

impl Input {
    /// Returns the name shown in hit records.
    pub fn name(&self) -> String {
        match self {
            Input::File(p) => path_name(p),
            Input::Stdin => "-".to_string(),
            Input::Member { archive, member } => format!("{archive}:{member}"),
        }
    }
}

/// Returns a path as records name it: as it is where it is UTF-8; with
/// each byte that is not as `\xNN` (two upper-case hex digits) where it
/// is not, so that two such names stay two (`display` would turn both
/// `a\xFEb` and `a\xFFb` into `a\u{FFFD}b`, one name for two files).
/// A UTF-8 name that spells `\xFF` itself reads the same as the byte:
/// telling those apart would mean escaping every backslash in every name.
pub fn path_name(p: &Path) -> String {
    if let Some(s) = p.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::fmt::Write;
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in p.as_os_str().as_bytes().utf8_chunks() {
            out.push_str(chunk.valid());
            for b in chunk.invalid() {
                let _ = write!(out, "\\x{b:02X}");
            }
        }
        out
    }
    #[cfg(not(unix))]
    p.display().to_string()
}

/// A path that could not be walked, with why.
#[derive(Debug)]
pub struct WalkError {
    /// The path.
    pub path: PathBuf,
    /// What went wrong.
    pub error: io::Error,
}

/// A file's identity: the device it is on and its inode number. Two
/// paths with the same identity (hard links, a symbolic link and its
/// target, a file named and also found in a folder) are one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FileId {
    dev: u64,
    ino: u64,
}

impl FileId {
    /// Returns the identity in a file's metadata; `None` where the system
    /// has no inode numbers.
    pub fn of(meta: &Metadata) -> Option<FileId> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileId { dev: meta.dev(), ino: meta.ino() })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            None
        }
    }

    /// Returns the identity of the file at `path` (symbolic links
    /// followed), or `None` if it cannot be known.
    pub fn of_path(path: &Path) -> Option<FileId> {
        FileId::of(&std::fs::metadata(path).ok()?)
    }
}

/// What a walk found besides files to sweep.
#[derive(Debug, Default)]
pub struct WalkReport {
    /// Paths that could not be read.
    pub errors: Vec<WalkError>,
    /// Symbolic links met inside folders, which walks do not follow
    /// without `--follow`.
    pub symlinks_skipped: Vec<PathBuf>,
    /// Symbolic links to a folder that holds them, not followed again.
    pub loops: Vec<PathBuf>,
    /// FIFOs, sockets and devices met inside folders, which walks skip.
    pub special_skipped: Vec<PathBuf>,
    /// Files reached a second time, not swept again: each path skipped,
    /// with the path the file is swept under.
    pub duplicates: Vec<(PathBuf, PathBuf)>,
    /// Every file to sweep, by identity, with the path it is swept under.
    pub identities: HashMap<FileId, PathBuf>,
    /// Files inside folders that `--glob`/`--exclude` left out.
    pub files_left_out: u64,
    /// Folders that `--exclude` or `--max-depth` kept the walk out of.
    pub folders_left_out: u64,
}

impl WalkReport {
    /// Adds `path` to `inputs` unless its file is already there, in
    /// which case it is recorded as a duplicate.
    fn add(
        &mut self,
        inputs: &mut Vec<Input>,
        path: PathBuf,
        meta: &Metadata,
    ) {
        if let Some(id) = FileId::of(meta) {
            if let Some(first) = self.identities.get(&id) {
                self.duplicates.push((path, first.clone()));
                return;
            }
            self.identities.insert(id, path.clone());
        }
        inputs.push(Input::File(path));
    }
}

/// Expands the paths given on the command line into inputs: files as
/// given, folders walked recursively in sorted order (hidden entries
/// included) as `sel` says, `-` as standard input. A file reached twice
/// (named twice, named and found in a folder, or through a hard link) is
/// swept once, at its first place; `-` is read once.
pub fn expand(paths: &[PathBuf], sel: &Selection) -> (Vec<Input>, WalkReport) {
    let mut inputs = Vec::new();
    let mut report = WalkReport::default();
    for p in paths {
        if p.as_os_str() == "-" {
            if inputs.contains(&Input::Stdin) {
                report.duplicates.push((p.clone(), p.clone()));
            } else {
                inputs.push(Input::Stdin);
            }
            continue;
        }
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => {
                let mut w = Walker {
                    root: p,
                    sel,
                    inputs: &mut inputs,
                    report: &mut report,
                    folders: FileId::of(&m).into_iter().collect(),
                };
                w.walk(p, 0);
            }
            // Named explicitly: swept whatever it is, so a FIFO or a
            // device given on purpose is read.
            Ok(m) => report.add(&mut inputs, p.clone(), &m),
            Err(error) => {
                report.errors.push(WalkError { path: p.clone(), error })
            }
        }
    }
    (inputs, report)
}

/// One folder walk under way.
struct Walker<'a> {
    root: &'a Path,
    sel: &'a Selection,
    inputs: &'a mut Vec<Input>,
    report: &'a mut WalkReport,
    /// The folders from the root down to the one being walked, to catch
    /// a followed link that leads back up.
    folders: Vec<FileId>,
}

impl Walker<'_> {
    /// Walks `dir`, `depth` levels below the root, in sorted order.
    fn walk(&mut self, dir: &Path, depth: usize) {
        let entries = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(error) => {
                let path = dir.to_path_buf();
                self.report.errors.push(WalkError { path, error });
                return;
            }
        };
        let mut found: Vec<(PathBuf, std::fs::FileType)> = Vec::new();
        for entry in entries {
            match entry.and_then(|e| Ok((e.path(), e.file_type()?))) {
                Ok(pair) => found.push(pair),
                Err(error) => {
                    let path = dir.to_path_buf();
                    self.report.errors.push(WalkError { path, error });
                }
            }
        }
        found.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, ty) in found {
            if ty.is_symlink() && self.sel.follow {
                self.follow(path, depth);
            } else if ty.is_symlink() {
                self.report.symlinks_skipped.push(path);
            } else if ty.is_dir() {
                self.folder(&path, None, depth);
            } else if ty.is_file() {
                self.file(path, None);
            } else {
                self.report.special_skipped.push(path);
            }
        }
    }

    /// Returns `path` relative to the walk's root.
    fn rel<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(self.root).unwrap_or(path)
    }

    /// Walks the folder at `path`, found in a folder `depth` levels below
    /// the root, unless excluded or too deep; `id` is its identity if
    /// known.
    fn folder(&mut self, path: &Path, id: Option<FileId>, depth: usize) {
        let inside = depth + 1;
        if !self.sel.within_depth(inside) || !self.sel.enters(self.rel(path)) {
            self.report.folders_left_out += 1;
            return;
        }
        // Only a followed link can lead back up.
        let id = match self.sel.follow {
            true => id.or_else(|| FileId::of_path(path)),
            false => None,
        };
        if let Some(id) = id {
            self.folders.push(id);
        }
        self.walk(path, inside);
        if id.is_some() {
            self.folders.pop();
        }
    }

    /// Takes the file at `path` unless the patterns leave it out;
    /// `meta` is its metadata if already known.
    fn file(&mut self, path: PathBuf, meta: Option<Metadata>) {
        if !self.sel.takes_file(self.rel(&path)) {
            self.report.files_left_out += 1;
            return;
        }
        match meta.map_or_else(|| std::fs::symlink_metadata(&path), Ok) {
            Ok(m) => self.report.add(self.inputs, path, &m),
            // Gone since the folder was read: opening it will say so.
            Err(_) => self.inputs.push(Input::File(path)),
        }
    }

    /// Follows the symbolic link at `path`: to a file, a folder (unless
    /// it leads back to a folder being walked: a loop), or nowhere (an
    /// error).
    fn follow(&mut self, path: PathBuf, depth: usize) {
        match std::fs::metadata(&path) {
            Ok(m) if m.is_dir() => {
                let id = FileId::of(&m);
                if id.is_some_and(|id| self.folders.contains(&id)) {
                    self.report.loops.push(path);
                } else {
                    self.folder(&path, id, depth);
                }
            }
            Ok(m) if m.is_file() => self.file(path, Some(m)),
            Ok(_) => self.report.special_skipped.push(path),
            Err(error) => self.report.errors.push(WalkError { path, error }),
        }
    }
}

/// Returns what the file at `output` is, if the sweep reads it: `input`
/// (one of the inputs found by [`expand`], given as `walk`), `indicator
/// file` (a file at or under `iocs`) or `standard input` (when `stdin`
/// is among the inputs and reads it), with the path it is read under.
/// Files are compared by identity, so hard links and symbolic links are
/// caught; an output that does not exist yet is no clash. Nothing is
/// opened.
pub fn clash(
    output: &Path,
    walk: &WalkReport,
    iocs: &[PathBuf],
    stdin: bool,
) -> Option<(&'static str, PathBuf)> {
    let id = FileId::of_path(output)?;
    if let Some(p) = walk.identities.get(&id) {
        return Some(("input", p.clone()));
    }
    if let Some(p) = identities(iocs).remove(&id) {
        return Some(("indicator file", p));
    }
    (stdin && stdin_id() == Some(id))
        .then(|| ("standard input", PathBuf::from("-")))
}

/// Returns the identity of the file standard input reads, if any.
fn stdin_id() -> Option<FileId> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        let fd = io::stdin().as_fd().try_clone_to_owned().ok()?;
        FileId::of(&File::from(fd).metadata().ok()?)
    }
    #[cfg(not(unix))]
    None
}

/// Returns the identities of the files at `paths` and, for folders, of
/// every file under them, symbolic links followed (as indicator folders
/// are read), each with the path it was found at. Paths that cannot be
/// read are left out.
pub fn identities(paths: &[PathBuf]) -> HashMap<FileId, PathBuf> {
    let mut found = HashMap::new();
    let mut folders = HashSet::new();
    for p in paths {
        find_ids(p, &mut found, &mut folders);
    }
    found
}

fn find_ids(
    path: &Path,
    found: &mut HashMap<FileId, PathBuf>,
    folders: &mut HashSet<FileId>,
) {
    let Ok(meta) = std::fs::metadata(path) else { return };
    let Some(id) = FileId::of(&meta) else { return };
    if !meta.is_dir() {
        found.entry(id).or_insert_with(|| path.to_path_buf());
        return;
    }
    // A folder seen before (through a link loop) is not walked again.
    if !folders.insert(id) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(path) else { return };
    for entry in entries.flatten() {
        find_ids(&entry.path(), found, folders);
    }
}

/// Bytes of one input, shared by its chunks.
#[derive(Debug)]
pub enum Bytes {
    /// A memory-mapped file.
    Mapped(Mmap, guard::Guard),
    /// Bytes read into memory.
    Owned(Vec<u8>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m, _) => m,
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
        let Bytes::Mapped(map, _) = &*self.bytes else { return };
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

/// How long a file must have gone unmodified before it is mapped. A file
/// modified more recently may still be written to (a live log, a rotator
/// at work): it is read with read(), which a truncation cannot crash.
pub const QUIET_FOR: Duration = Duration::from_secs(5 * 60);

/// An opened input.
pub enum Opened {
    /// A plain regular file or an EVTX file, left alone for
    /// [`QUIET_FOR`], memory-mapped.
    Mapped(Mapped),
    /// Something to read as a stream: a compressed file, a tar archive,
    /// UTF-16 text, a plain file that is small or recently modified, a
    /// FIFO, a device, a socket, standard input.
    Stream(Stream<'static>),
}

/// A memory-mapped file and what it looked like when it was opened.
pub struct Mapped {
    /// The file's bytes.
    pub bytes: Bytes,
    /// What they hold: text or bytes to cut in chunks, or an EVTX file
    /// to parse where it lies instead of reading it into memory.
    pub content: Content,
    /// Tells, once the file is swept, whether it changed meanwhile.
    pub watch: Watch,
}

/// A file's size and modification time when it was opened, kept to tell
/// whether it changed while it was swept.
#[derive(Debug)]
pub struct Watch {
    file: File,
    len: u64,
    modified: Option<SystemTime>,
}

impl Watch {
    /// Starts watching `file`, whose metadata at opening is `meta`.
    fn new(file: File, meta: &Metadata) -> Watch {
        Watch { file, len: meta.len(), modified: meta.modified().ok() }
    }

    /// Checks that the file still has the size and modification time it
    /// had when opened, and that `read` bytes (if given) were read.
    ///
    /// # Errors
    ///
    /// Returns "changed while being read: size was X, now Y" when it
    /// changed, or the error of asking for its metadata.
    pub fn check(&self, read: Option<u64>) -> io::Result<()> {
        let now = self.file.metadata()?;
        let size_moved = now.len() != self.len;
        if size_moved || read.is_some_and(|n| n != self.len) {
            let why = format!("size was {}, now {}", self.len, now.len());
            return Err(changed(&why));
        }
        if now.modified().ok() != self.modified {
            let why = format!("modified again, size still {}", self.len);
            return Err(changed(&why));
        }
        Ok(())
    }
}

/// Returns the error of an input that changed while it was read.
fn changed(why: &str) -> io::Error {
    io::Error::other(format!("changed while being read: {why}"))
}

/// A regular file read with read(): at its end, the file is checked
/// against what it was when opened, and a change is the read's error.
struct Watched {
    watch: Watch,
    read: u64,
}

impl Read for Watched {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = (&self.watch.file).read(buf)?;
        self.read += n as u64;
        if n == 0 && !buf.is_empty() {
            self.watch.check(Some(self.read))?;
        }
        Ok(n)
    }
}

/// An input read as a stream, decompressed if it was compressed, and
/// decoded to UTF-8 if it was UTF-16.
pub struct Stream<'a> {
    /// The (decompressed, decoded) bytes; for a tar archive, the whole
    /// archive.
    pub reader: Box<dyn Read + 'a>,
    /// The compression recognised, if any.
    pub compression: Option<Format>,
    /// What the (decompressed) stream holds.
    pub content: Content,
    /// How far the input's decompressed bytes may outgrow its raw ones.
    pub budget: Arc<Expansion>,
}

impl<'a> Stream<'a> {
    /// Creates a stream over `reader`, decompressing it if its first bytes
    /// announce a format the sweep reads, then decoding it if it is
    /// UTF-16 text with a byte-order mark.
    ///
    /// # Errors
    ///
    /// Returns the error of reading the first bytes of `reader`; a later
    /// error comes from the stream's reader in its place.
    pub fn new<R: Read + 'a>(reader: R) -> io::Result<Stream<'a>> {
        let budget = Expansion::new();
        let reader = budget.raw(reader);
        Stream::open(reader, budget, false)
    }

    /// Creates a stream as [`Stream::new`] does whose decoder's output
    /// counts against `budget`, that of the input it is part of (a tar
    /// member).
    ///
    /// # Errors
    ///
    /// Returns the error of reading the first bytes of `reader`.
    pub fn within<R: Read + 'a>(
        reader: R,
        budget: Arc<Expansion>,
    ) -> io::Result<Stream<'a>> {
        Stream::open(reader, budget, true)
    }

    fn open<R: Read + 'a>(
        reader: R,
        budget: Arc<Expansion>,
        member: bool,
    ) -> io::Result<Stream<'a>> {
        let (compression, reader) = compress::sniff(reader)?;
        let reader: Box<dyn Read + 'a> = match compression {
            Some(f) => {
                let d = Decoder::within(f, reader, budget.clone());
                Box::new(if member { d.of_member() } else { d })
            }
            None => Box::new(reader),
        };
        let (content, reader) = Peeked::new(reader);
        let reader: Box<dyn Read + 'a> = match content {
            Content::Utf16(order) => {
                Box::new(utf16::Decoder::new(reader, order))
            }
            _ => Box::new(reader),
        };
        Ok(Stream { reader, compression, content, budget })
    }
}

/// Opens a file for sweeping, read-only and, where the system allows,
/// without updating its access time. Compressed files (recognised by
/// their magic bytes, whatever their name), tar archives, UTF-16 text
/// and anything that is not a regular file are streamed; plain regular
/// files are mapped when large enough and left unmodified for
/// [`QUIET_FOR`], streamed otherwise. A
/// regular file that changes while it is read is reported as changed,
/// as the stream's last error or by the [`Watch`] of a mapped file.
///
/// # Errors
///
/// Returns the error of opening the file or reading its first bytes.
pub fn open(path: &Path) -> io::Result<Opened> {
    open_tapped(path, None).map(|(opened, _)| opened)
}

/// Opens a file as [`open`] does, its raw bytes passing through `tap`
/// as they are read. A mapped file's tap is handed back with it, for
/// whoever cuts the mapping to feed; a stream's is inside the stream.
///
/// # Errors
///
/// Returns the error of opening the file or reading its first bytes.
pub fn open_tapped(
    path: &Path,
    tap: Option<Tap>,
) -> io::Result<(Opened, Option<Tap>)> {
    let mut file = open_read_only(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let s = Stream::new(tapped(file, tap))?;
        return Ok((Opened::Stream(s), None));
    }
    let mut head = [0; content::HEAD_LEN];
    let got = compress::read_head(&mut file, &mut head)?;
    let head = &head[..got];
    let content = Content::detect(head);
    // An EVTX file is mapped too: its parser seeks, and would otherwise
    // need the whole file read into memory.
    let mappable = Format::detect(head).is_none()
        && matches!(content, Content::Bytes | Content::Evtx);
    if mappable && meta.len() >= MAP_THRESHOLD && unmodified_lately(&meta) {
        if let Some(bytes) = map(&file) {
            let watch = Watch::new(file, &meta);
            let mapped = Mapped { bytes, content, watch };
            return Ok((Opened::Mapped(mapped), tap));
        }
    }
    file.seek(SeekFrom::Start(0))?;
    let watched = Watched { watch: Watch::new(file, &meta), read: 0 };
    let s = Stream::new(tapped(watched, tap))?;
    Ok((Opened::Stream(s), None))
}

/// Returns `reader` behind `tap`, if there is one.
pub fn tapped<R: Read + 'static>(
    reader: R,
    tap: Option<Tap>,
) -> Box<dyn Read> {
    match tap {
        Some(tap) => Box::new(Tapped::new(reader, tap)),
        None => Box::new(reader),
    }
}

/// Whether a file was last modified at least [`QUIET_FOR`] ago. A time
/// in the future, or none, counts as recent.
fn unmodified_lately(meta: &Metadata) -> bool {
    let Ok(modified) = meta.modified() else { return false };
    SystemTime::now()
        .duration_since(modified)
        .is_ok_and(|age| age >= QUIET_FOR)
}

/// Maps a file read-only; `None` where the file system cannot.
fn map(file: &File) -> Option<Bytes> {
    // SAFETY: the map is read-only and private to this process, and only
    // files unmodified for QUIET_FOR are mapped, so a live log is read
    // with read() instead. If another process still truncates the file
    // while it is mapped here, reading the lost pages raises SIGBUS: the
    // guard registered below replaces them with zeros (see `guard`), and
    // the Watch check after the sweep of the file reports the change. A
    // file that cannot be guarded is not mapped.
    let m = unsafe { Mmap::map(file) }.ok()?;
    let guard = guard::Guard::register(m.as_ptr(), m.len())?;
    #[cfg(unix)]
    let _ = m.advise(memmap2::Advice::Sequential);
    Some(Bytes::Mapped(m, guard))
}

/// Opens a file read-only. On Linux it asks for `O_NOATIME`, so reading
/// does not update the access time, and falls back quietly to a plain
/// open where that is not permitted (a file owned by another user, when
/// not root).
fn open_read_only(path: &Path) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        /// `O_NOATIME` from Linux's `fcntl.h`.
        const O_NOATIME: i32 = 0o1000000;
        let mut opts = std::fs::OpenOptions::new();
        opts.read(true).custom_flags(O_NOATIME);
        match opts.open(path) {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
            other => return other,
        }
    }
    File::open(path)
}

/// Returns where to end a chunk that starts at `start` and should end
/// near `target`, within `data`: just after the first line break at or
/// after `target`. A line whose end is not within `max_line` bytes of
/// `target` is cut, so memory stays bounded on a huge line: the chunk
/// ends before it if it did not begin the chunk (so that it is cut the
/// same way whatever came before it, in a file or in a stream, whatever
/// the reads), else after the last byte within the limit that separates
/// fields (`separates`), failing that after a NUL or carriage return.
/// What is left past `target` when it is shorter than `max_line` is kept
/// whole: at the end of a file, the last line.
pub fn cut_point(
    data: &[u8],
    start: usize,
    target: usize,
    max_line: usize,
) -> usize {
    if target >= data.len() {
        return data.len();
    }
    let limit = (target + max_line).min(data.len());
    if let Some(i) = memchr::memchr(b'\n', &data[target..limit]) {
        return target + i + 1;
    }
    // A stream's buffer holds exactly `target + max_line` bytes when its
    // reads came in even steps: that is not the end, and must be cut at
    // a blank like any longer buffer.
    if data.len() - target < max_line {
        return data.len();
    }
    if let Some(i) = memchr::memrchr(b'\n', &data[start..target]) {
        return start + i + 1;
    }
    let window = &data[target..limit];
    let after = |edge: fn(u8) -> bool| window.iter().rposition(|b| edge(*b));
    match after(separates).or_else(|| after(|b| matches!(b, 0 | b'\r'))) {
        Some(i) => target + i + 1,
        // Shortcoming: with none of those within the limit the cut falls
        // inside a word. An indicator across it is lost, and the matcher
        // takes each piece's edge for a word's (`x|evil.example` matches).
        // Fixing it needs the matcher to see the bytes either side of a
        // piece.
        None => limit,
    }
}

/// Whether a line may be cut after `b` with each piece's edges words'
/// edges as they were in the line: a blank, or a byte that ends a field
/// in logs without blanks (minified JSON, CSV), which no indicator but a
/// literal string holds and at which every kind's token ends. These are
/// also the bytes after which the matcher takes a URL's host and path to
/// be fields of their own; a NUL or `<` is not, so a piece starting after
/// one could show a host as a field that the line does not. Not `'`,
/// `|`, `}` or `` ` ``, which may sit in an e-mail address, nor `)` and
/// `]`, which a port may follow (`[2001:db8::1]:443`).
fn separates(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'"' | b',' | b';')
}

/// Whether a word a break of the stream may have cut ends before `b`.
fn ends_word(b: u8) -> bool {
    separates(b) || matches!(b, b'\n' | b'\r' | 0)
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
    /// A chunk is handed on once about `size` bytes are read, or at the
    /// end. Not done yet: handing on what a stream that goes quiet has
    /// brought so far. A pipe fed slowly (`tail -f`) gives its hits only
    /// every `size` bytes, and a sweep stopped by a signal does not
    /// sweep the lines read into a chunk not yet handed on (up to `size`
    /// bytes); doing either needs a read with a timeout, which blocking
    /// reads of pipes and decoders do not have.
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
            // Judged before the last line break is looked for, so that
            // a line longer than the limit is cut whatever the reads that
            // brought its end: a read may bring more than the limit.
            if buf.len() >= self.size + self.max_line {
                let cut = cut_point(&buf, 0, self.size, self.max_line);
                return Ok(Some(self.emit(buf, cut)));
            }
            if buf.len() >= self.size {
                if let Some(i) = memchr::memrchr(b'\n', &buf) {
                    return Ok(Some(self.emit(buf, i + 1)));
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
                    // The stream broke: what was read is kept, but for a
                    // last word the break may have cut (`192.0.2.5` of
                    // `192.0.2.55`), which would match as what it is not.
                    buf.truncate(old);
                    let word = buf.iter().rposition(|b| ends_word(*b));
                    buf.truncate(word.map_or(0, |i| i + 1));
                    self.carry = buf;
                    self.done = true;
                    return Err(e);
                }
            }
        }
    }

    fn emit(&mut self, mut buf: Vec<u8>, cut: usize) -> Chunk {
        self.carry = buf.split_off(cut);
        // The buffer grew by doubling; a chunk waiting to be swept holds
        // its capacity, which the read-ahead bound (counted in bytes of
        // data) does not see. Giving back more than an eighth keeps what
        // a chunk holds close to what it is counted as.
        if buf.capacity() - buf.len() > buf.len() / 8 {
            buf.shrink_to_fit();
        }
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

    /// A reader that gives `data`, then fails.
    struct Breaks<'a>(&'a [u8]);

    impl Read for Breaks<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() {
                return Err(io::Error::other("broken"));
            }
            let n = buf.len().min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// A stream broken inside `192.0.2.55` swept `192.0.2.5`, a hit
    /// on what the log does not say.
    #[test]
    fn a_word_a_break_may_have_cut_is_not_swept() {
        let data = b"conn 10.0.0.1 ok\nconn from 192.0.2.5";
        let mut s = StreamChunks::new(Breaks(data), 1024, 4096);
        assert!(s.next_chunk().is_err());
        let mut kept = Vec::new();
        while let Some(c) = s.next_chunk().unwrap() {
            kept.extend_from_slice(c.data());
        }
        assert_eq!(kept, b"conn 10.0.0.1 ok\nconn from ".to_vec());
        // Near miss: the same bytes ending cleanly are swept whole.
        let chunks = collect(data, 1024, 4096);
        assert_eq!(chunks.concat(), data.to_vec());
        // A break right after a line break loses nothing.
        let mut s = StreamChunks::new(Breaks(b"a 192.0.2.5\n"), 1024, 4096);
        assert!(s.next_chunk().is_err());
        assert_eq!(s.next_chunk().unwrap().unwrap().data(), b"a 192.0.2.5\n");
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

    /// A chunk held unswept costs its buffer's capacity, while the
    /// read-ahead bound counts its bytes: the two stay close, however
    /// the buffer grew (16 gzip'd logs of 8 MiB lines at `-j 16` peaked
    /// at 341 to 680 MB before, 337 MB after).
    #[test]
    fn a_chunk_holds_little_more_than_its_bytes() {
        let mut line = vec![b'x'; 5000];
        line.push(b'\n');
        let data = line.repeat(20);
        for step in [7, 100, 4096] {
            let mut s =
                StreamChunks::new(Steps { data: &data, step }, 1000, 8000);
            while let Some(c) = s.next_chunk().unwrap() {
                let Bytes::Owned(v) = &*c.bytes else { panic!("owned") };
                assert!(
                    v.capacity() <= v.len() + v.len() / 8,
                    "step {step}: {} for {}",
                    v.capacity(),
                    v.len()
                );
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

    /// A reader that hands out at most `step` bytes a read, as a zstd
    /// decoder or a pipe does: the buffer then fills to exactly the size
    /// at which a huge line must be cut.
    struct Steps<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Steps<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    fn collect_steps(
        data: &[u8],
        step: usize,
        size: usize,
        max: usize,
    ) -> Vec<Vec<u8>> {
        let mut s = StreamChunks::new(Steps { data, step }, size, max);
        let mut out = Vec::new();
        while let Some(c) = s.next_chunk().unwrap() {
            out.push(c.data().to_vec());
        }
        out
    }

    /// Where the chunks are cut inside a line.
    fn inner_cuts(chunks: &[Vec<u8>]) -> Vec<usize> {
        let mut at = 0;
        let mut cuts = Vec::new();
        for c in chunks {
            at += c.len();
            if c.last() != Some(&b'\n') {
                cuts.push(at);
            }
        }
        cuts.pop_if(|c| *c == at);
        cuts
    }

    /// A stream that breaks inside a line of no blanks (minified JSON)
    /// keeps it to the last field's end, not the last blank: before, the
    /// whole line, with the hits it held, was dropped.
    #[test]
    fn a_break_in_a_line_without_blanks_drops_only_the_last_field() {
        let data = b"{\"src\":\"192.0.2.100\",\"msg\":\"xx";
        let mut s = StreamChunks::new(Breaks(data), 1024, 4096);
        assert!(s.next_chunk().is_err());
        let c = s.next_chunk().unwrap().expect("what came before");
        assert_eq!(c.data(), b"{\"src\":\"192.0.2.100\",\"msg\":\"");
        let data = b"next,line,192.0.2.1,here";
        let mut s = StreamChunks::new(Breaks(data), 1024, 4096);
        assert!(s.next_chunk().is_err());
        let c = s.next_chunk().unwrap().expect("what came before");
        assert_eq!(c.data(), b"next,line,192.0.2.1,");
    }

    /// Whether a chunk boundary falls inside a word (a run of bytes
    /// other than blanks and line breaks).
    fn splits_a_word(chunks: &[Vec<u8>]) -> bool {
        let word = |b: Option<&u8>| b.is_some_and(|b| !ends_word(*b));
        chunks.windows(2).any(|w| word(w[0].last()) && word(w[1].first()))
    }

    /// The buffer filled to exactly `size + max_line` bytes was taken for
    /// the end of the stream and cut there, in a word: an indicator
    /// across byte 8 MiB + 256 KiB of a long zstd'd or piped line was
    /// lost, while the same line from a file was found.
    #[test]
    fn a_huge_line_read_in_exact_steps_is_still_cut_at_a_blank() {
        let data = b"aaaa bbb cccccc\n";
        let chunks = collect_steps(data, 4, 4, 8);
        assert_eq!(chunks, vec![b"aaaa bbb ".to_vec(), b"cccccc\n".to_vec()]);
        // Near miss: a last line shorter than the limit stays whole.
        let chunks = collect_steps(b"aaaa bbb cc", 4, 4, 8);
        assert_eq!(chunks, vec![b"aaaa bbb cc".to_vec()]);
    }

    proptest::proptest! {
        /// Whatever the reads' sizes, chunks give back the stream, and
        /// no cut splits a word shorter than half the line limit (a
        /// window of the limit then always holds a blank).
        #[test]
        fn huge_lines_are_cut_only_between_words(
            words in proptest::collection::vec(1usize..8, 1..200),
            step in 1usize..40,
            size in 1usize..20,
        ) {
            let max_line = 16;
            let mut data = Vec::new();
            for (i, len) in words.iter().enumerate() {
                data.extend(std::iter::repeat_n(b'a' + (i % 26) as u8, *len));
                data.push(if i % 50 == 49 { b'\n' } else { b' ' });
            }
            let chunks = collect_steps(&data, step, size, max_line);
            proptest::prop_assert_eq!(chunks.concat(), data.clone());
            proptest::prop_assert!(!splits_a_word(&chunks), "{:?}", chunks);
            // A mapped file is cut by the same rule.
            let mut cuts = Vec::new();
            let mut start = 0;
            while start < data.len() {
                let end = cut_point(&data, start, start + size, max_line);
                cuts.push(data[start..end].to_vec());
                start = end;
            }
            proptest::prop_assert!(!splits_a_word(&cuts), "{:?}", cuts);
            // And in the same places: a line is cut the same way in a
            // file and in a stream, whatever the reads.
            proptest::prop_assert_eq!(inner_cuts(&chunks), inner_cuts(&cuts));
        }
    }

    /// Writes `len` bytes of log lines, each naming an address, as
    /// `name` in `dir`; returns the path and the bytes.
    fn log_file(dir: &Path, name: &str, len: usize) -> (PathBuf, Vec<u8>) {
        let data: Vec<u8> = b"conn from 192.0.2.1\n"
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect();
        let path = dir.join(name);
        std::fs::write(&path, &data).unwrap();
        (path, data)
    }

    /// Sets a file's modification time to `age` ago.
    fn age(path: &Path, age: Duration) {
        let f = File::options().write(true).open(path).unwrap();
        let then = SystemTime::now() - age;
        f.set_times(std::fs::FileTimes::new().set_modified(then)).unwrap();
    }

    fn is_mapped(path: &Path) -> bool {
        matches!(open(path).unwrap(), Opened::Mapped(_))
    }

    #[test]
    fn only_large_files_left_alone_for_a_while_are_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let (live, _) = log_file(dir.path(), "live.log", 300_000);
        let (old, _) = log_file(dir.path(), "old.log", 300_000);
        let (small, _) = log_file(dir.path(), "small.log", 1000);
        let (future, _) = log_file(dir.path(), "future.log", 300_000);
        age(&old, QUIET_FOR + Duration::from_secs(60));
        age(&small, Duration::from_secs(3600));
        let f = File::options().write(true).open(&future).unwrap();
        let ahead = SystemTime::now() + Duration::from_secs(3600);
        f.set_times(std::fs::FileTimes::new().set_modified(ahead)).unwrap();
        // Just written: read, so that a truncation cannot crash the sweep.
        assert!(!is_mapped(&live));
        assert!(is_mapped(&old));
        assert!(!is_mapped(&small));
        assert!(!is_mapped(&future));
        age(&live, QUIET_FOR - Duration::from_secs(60));
        assert!(!is_mapped(&live));
    }

    /// Reads `stream` into chunks of 64 KiB, calling `between` after the
    /// second; returns the bytes read and the error that ended the read.
    fn read_with(
        stream: Stream<'static>,
        between: impl FnOnce(),
    ) -> (Vec<u8>, Option<io::Error>) {
        let mut chunks = StreamChunks::new(stream.reader, 65_536, 1 << 20);
        let mut got = Vec::new();
        for _ in 0..2 {
            got.extend_from_slice(
                chunks.next_chunk().unwrap().unwrap().data(),
            );
        }
        between();
        let mut error = None;
        loop {
            match chunks.next_chunk() {
                Ok(Some(c)) => got.extend_from_slice(c.data()),
                Ok(None) => return (got, error),
                Err(e) => error = Some(e),
            }
        }
    }

    fn stream(path: &Path) -> Stream<'static> {
        match open(path).unwrap() {
            Opened::Stream(s) => s,
            Opened::Mapped(_) => panic!("{} was mapped", path.display()),
        }
    }

    #[test]
    fn a_file_truncated_while_read_is_changed_and_keeps_what_was_read() {
        let dir = tempfile::tempdir().unwrap();
        let (path, data) = log_file(dir.path(), "t.log", 1 << 20);
        let truncate = || {
            let f = File::options().write(true).open(&path).unwrap();
            f.set_len(0).unwrap();
        };
        let (got, error) = read_with(stream(&path), truncate);
        // The content sniff's 512 bytes (the format sniff's 6 among
        // them) and two reads of 64 KiB were made before the truncation:
        // all kept but the word the last read may have cut.
        let read = 512 + 131_072;
        let word = data[..read].iter().rposition(|b| ends_word(*b)).unwrap();
        assert!(read - word < 20, "{word}");
        assert_eq!(got, data[..word + 1]);
        assert_eq!(
            error.expect("a change is an error").to_string(),
            "changed while being read: size was 1048576, now 0"
        );
    }

    #[test]
    fn a_file_that_grows_while_read_is_changed_and_read_to_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let (path, mut data) = log_file(dir.path(), "g.log", 300_000);
        let append = || {
            let mut f = File::options().append(true).open(&path).unwrap();
            std::io::Write::write_all(&mut f, b"late 192.0.2.1\n").unwrap();
        };
        let (got, error) = read_with(stream(&path), append);
        data.extend_from_slice(b"late 192.0.2.1\n");
        assert_eq!(got, data);
        assert_eq!(
            error.expect("a change is an error").to_string(),
            "changed while being read: size was 300000, now 300015"
        );
    }

    #[test]
    fn an_unchanged_file_reads_without_error() {
        let dir = tempfile::tempdir().unwrap();
        let (path, data) = log_file(dir.path(), "q.log", 300_000);
        let (got, error) = read_with(stream(&path), || {});
        assert_eq!(got, data);
        assert!(error.is_none(), "{error:?}");
    }

    #[test]
    fn a_large_quiet_evtx_file_is_mapped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("Security.evtx");
        let mut bytes = crate::logs::evtx::MAGIC.to_vec();
        bytes.resize(300_000, 0);
        std::fs::write(&path, &bytes).unwrap();
        // Near miss: written just now, it is read as a stream.
        assert!(!is_mapped(&path));
        age(&path, QUIET_FOR * 2);
        let Opened::Mapped(m) = open(&path).unwrap() else {
            panic!("an old large EVTX file is mapped")
        };
        assert_eq!((m.content, m.bytes.len()), (Content::Evtx, 300_000));
    }

    #[test]
    fn a_mapped_file_that_grew_fails_its_check() {
        let dir = tempfile::tempdir().unwrap();
        let (path, _) = log_file(dir.path(), "m.log", 300_000);
        age(&path, QUIET_FOR * 2);
        let Opened::Mapped(m) = open(&path).unwrap() else {
            panic!("an old large file is mapped")
        };
        assert_eq!(m.bytes.len(), 300_000);
        m.watch.check(None).unwrap();
        let mut f = File::options().append(true).open(&path).unwrap();
        std::io::Write::write_all(&mut f, b"x\n").unwrap();
        assert_eq!(
            m.watch.check(None).unwrap_err().to_string(),
            "changed while being read: size was 300000, now 300002"
        );
    }

    #[test]
    fn cut_points() {
        let d = b"ab\ncd\nef";
        assert_eq!(cut_point(d, 0, 0, 10), 3);
        assert_eq!(cut_point(d, 0, 3, 10), 6);
        assert_eq!(cut_point(d, 0, 7, 10), 8);
        assert_eq!(cut_point(b"aaaa bbbbbbbb", 0, 1, 5), 5);
        // No blank: after the last end of a field, of any sort.
        assert_eq!(cut_point(b"\"a\",\"bbbbbbbb", 0, 1, 6), 5);
        assert_eq!(cut_point(b"a<b>cc;dddddddd", 0, 1, 8), 7);
        assert_eq!(cut_point(b"a b\"ccccccc", 0, 1, 6), 4);
        // Not after `<` or `>`: a URL's host after one is no field.
        assert_eq!(cut_point(b"a<b>cccccccc", 0, 1, 6), 7);
        // Failing a separator, after a NUL or CR; failing that, at the
        // limit.
        assert_eq!(cut_point(b"a\0b\rcccccccc", 0, 1, 6), 4);
        assert_eq!(cut_point(b"a'b|c}d)e]fffff", 0, 1, 10), 11);
        // A line too long that did not begin the chunk is left whole to
        // the next, which cuts it as a file or a stream of it would.
        assert_eq!(cut_point(b"ab\ncd efghijklmnop", 0, 4, 6), 3);
        assert_eq!(cut_point(b"ab\ncd efghijklmnop", 3, 4, 6), 6);
    }
}
