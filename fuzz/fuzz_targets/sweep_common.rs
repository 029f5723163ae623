//! The whole sweep of one file (decompression, content detection, tar,
//! UTF-16, chunking, numbering) on any bytes after a fixed prefix, with
//! the records checked for what must always hold.

use std::collections::BTreeSet;
use std::io;
use std::path::PathBuf;
use std::sync::OnceLock;

use iocsweep::indicator::{ParseOptions, parse_value};
use iocsweep::matcher::{Matcher, RawHit};
use iocsweep::set::{IndicatorSet, Locator, SetBuilder, Source};
use iocsweep::sweep::compress::{Decoder, Format};
use iocsweep::sweep::input::Input;
use iocsweep::sweep::{Hit, InputStats, Options, Sink, Sweeper};

const IOCS: &[&str] = &[
    "192.0.2.1",
    "198.51.100.0/24",
    "evil.example",
    "23f02508b165ec7313f038c28dc9ce82",
    "a@evil.example",
    "evil.exe",
    "http://evil.example/a",
    "2001:db8::1",
];

fn set() -> &'static (IndicatorSet, Matcher) {
    static SET: OnceLock<(IndicatorSet, Matcher)> = OnceLock::new();
    SET.get_or_init(|| {
        let mut b = SetBuilder::new();
        for (n, raw) in IOCS.iter().enumerate() {
            let p = parse_value(raw, ParseOptions::default()).unwrap();
            let at = Locator::Line(n as u64 + 1);
            let meta = Default::default();
            b.push(
                p.value,
                Source { file: "fuzz".into(), at, compound: false, meta },
            );
        }
        let set = b.build();
        let m = Matcher::new(&set);
        (set, m)
    })
}

#[derive(Default)]
struct Check {
    hits: Vec<(String, u64, u64, u32)>,
    done: Vec<(String, InputStats, bool)>,
}

impl Sink for Check {
    fn hit(&mut self, input: &Input, hit: &Hit<'_>) -> io::Result<()> {
        assert!(hit.line >= 1);
        let t = hit.text.as_ptr() as usize;
        let m = hit.matched.as_ptr() as usize;
        assert!(
            m >= t && m + hit.matched.len() <= t + hit.text.len(),
            "matched text outside the line"
        );
        assert!(!hit.matched.contains(&0), "a match holding NUL bytes");
        assert!(
            !hit.text.contains(&b'\n'),
            "a record's line holds a line break"
        );
        let name = input.name();
        if let Some((last_name, line, offset, _)) = self.hits.last() {
            if *last_name == name {
                assert!(
                    (hit.line, hit.offset) >= (*line, *offset),
                    "hits out of order"
                );
            }
        }
        self.hits.push((name, hit.line, hit.offset, hit.id));
        Ok(())
    }

    fn input_done(
        &mut self,
        input: &Input,
        stats: &InputStats,
        error: Option<&io::Error>,
    ) -> io::Result<()> {
        self.done.push((input.name(), stats.clone(), error.is_some()));
        Ok(())
    }
}

fn scratch() -> PathBuf {
    let dir = std::env::var_os("TMPDIR")
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    dir.join(format!("iocsweep-fuzz-{}", std::process::id()))
}

/// Sweeps `prefix` + `data` as a file, with chunks far smaller than a
/// sweep's so that cutting is exercised, and checks the records. Input
/// that decompresses to more than [`SMALL_OUTPUT`] bytes gets chunks of
/// a normal size: 480 bytes of bzip2 expand to 11 MB, which the release
/// build sweeps in 0.09 s but 64-byte chunks under the sanitizer took
/// past the 20 s timeout (a slow harness, not a slow sweep). For
/// plain ASCII text the hits must be those of one scan of the whole
/// text, one per line and indicator.
/// The most decompressed bytes swept in tiny chunks.
const SMALL_OUTPUT: u64 = 256 * 1024;

/// Whether `bytes` are compressed and decompress to more than
/// [`SMALL_OUTPUT`] bytes.
fn expands(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Some(format) = Format::detect(bytes) else { return false };
    let mut d = Decoder::new(format, bytes).take(SMALL_OUTPUT + 1);
    let _ = io::copy(&mut d, &mut io::sink());
    d.limit() == 0
}

pub fn run(prefix: &[u8], data: &[u8]) {
    let (set, m) = set();
    let path = scratch();
    let mut bytes = prefix.to_vec();
    bytes.extend_from_slice(data);
    std::fs::write(&path, &bytes).unwrap();
    let opts = Options {
        chunk_size: if expands(&bytes) { 256 * 1024 } else { 64 },
        max_line: 1 << 20,
        batch_bytes: 4096,
        // One EVTX chunk a window, so that a streamed log is cut too.
        evtx_window: 1,
        ..Options::default()
    };
    let check = sweep(m, &path, opts);
    let text = prefix.is_empty()
        && bytes.iter().all(|b| b.is_ascii_graphic() || b" \t\n".contains(b))
        && !bytes.starts_with(b"BZh");
    if text && bytes.len() < 257 {
        let want = whole_scan(m, &bytes);
        let got = pairs(&check);
        assert_eq!(
            got.len(),
            check.hits.len(),
            "two records for one line and indicator"
        );
        assert_eq!(
            got,
            want,
            "chunked sweep and whole scan disagree on {:?}",
            String::from_utf8_lossy(&bytes)
        );
    }
    // Lines longer than the line limit are swept in pieces cut at a
    // blank, or failing one at a field's end (`"`, `,`, `;`).
    // When no word between those is longer than half the limit, a
    // window of the limit always holds one, no indicator is cut, and
    // the pieces find what one scan finds (a line may give one record
    // per piece).
    let words_fit = bytes
        .split(|b| b" \t\n\",;".contains(b))
        .all(|w| w.len() <= PIECE_LINE / 2);
    if text && words_fit {
        let opts = Options {
            chunk_size: 16,
            max_line: PIECE_LINE,
            batch_bytes: 4096,
            ..Options::default()
        };
        // A URL the line splits into host and path fields is lost when
        // a cut falls between them (as the README says); any other hit
        // is found, and none that one scan does not find.
        let got = pairs(&sweep(m, &path, opts));
        let all = whole_scan(m, &bytes);
        let split = |h: &RawHit| {
            bytes[h.start..h.end].iter().any(|b| b" \t\",;".contains(b))
        };
        let whole: BTreeSet<_> = scan(m, &bytes)
            .filter(|(_, h)| !split(h))
            .map(|(line, h)| (line, h.id))
            .collect();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            got.is_subset(&all),
            "swept in pieces, a hit one scan does not give on {text:?}"
        );
        assert!(
            whole.is_subset(&got),
            "swept in pieces, a hit lost on {text:?}"
        );
    }
    let _ = set;
    let _ = std::fs::remove_file(&path);
}

/// The line limit of the pieces check: longer than every indicator here.
const PIECE_LINE: usize = 80;

/// The (line, indicator) pairs one scan of the whole text finds.
fn whole_scan(m: &Matcher, bytes: &[u8]) -> BTreeSet<(u64, u32)> {
    scan(m, bytes).map(|(line, h)| (line, h.id)).collect()
}

/// The hits of one scan of the whole text, each with its line.
fn scan<'a>(
    m: &Matcher,
    bytes: &'a [u8],
) -> impl Iterator<Item = (u64, RawHit)> + 'a {
    let mut raw: Vec<RawHit> = Vec::new();
    m.scan(bytes, &mut raw);
    raw.into_iter().map(|h| {
        let line = bytes[..h.start].iter().filter(|b| **b == b'\n');
        (line.count() as u64 + 1, h)
    })
}

/// Sweeps the file at `path` with `opts`, checking what must hold of
/// any sweep's records.
fn sweep(m: &Matcher, path: &std::path::Path, opts: Options) -> Check {
    let mut check = Check::default();
    let before = threads();
    Sweeper::new(m, opts)
        .run(&[Input::File(path.to_path_buf())], &mut check)
        .unwrap();
    settle(before);
    assert!(!check.done.is_empty(), "the input was never reported done");
    let total: u64 = check.done.iter().map(|(_, s, _)| s.hits).sum();
    assert_eq!(total, check.hits.len() as u64, "hit counts disagree");
    check
}

/// How many threads this process has, as the kernel lists them.
fn threads() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(0, Iterator::count)
}

/// Waits, at most a second, until no more threads run than `before`.
/// A sweep does not wait for its reader threads: they end on their own
/// once it stops listening, which can be after it returns. libFuzzer
/// checks for leaks after an input whose allocations and frees do not
/// balance, and LeakSanitizer reports the 32 bytes glibc's
/// `__cxa_thread_atexit_impl` keeps for a thread caught part-way through
/// its exit as leaked: about once in 10,000 inputs, and never when the
/// same input is run alone. Waiting here keeps that race out of the
/// check, so a leak reported is one. The first sweep starts the thread
/// pool, which stays: that wait runs out.
fn settle(before: usize) {
    let start = std::time::Instant::now();
    while threads() > before && start.elapsed().as_secs() < 1 {
        std::thread::sleep(std::time::Duration::from_micros(50));
    }
}

/// The (line, indicator) pairs of a sweep's records.
fn pairs(check: &Check) -> BTreeSet<(u64, u32)> {
    check.hits.iter().map(|(_, l, _, id)| (*l, *id)).collect()
}
