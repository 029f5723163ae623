//! Which files a folder walk takes: `--glob` and `--exclude` patterns,
//! `--max-depth`, `--follow`, and the path lists `--files-from` reads.
//!
//! Patterns are shell-style (`*`, `?`, `**`, `[abc]`), compiled with the
//! `globset` crate; `*` and `?` do not cross a `/`. A pattern matches a
//! file when it matches the file's path relative to the walked folder or
//! its name alone. Patterns apply to what walks find; files named on the
//! command line or in a list are swept whatever their names.

use std::ffi::OsStr;
use std::fmt;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

/// How folder walks choose files.
#[derive(Debug, Default)]
pub struct Selection {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// How many levels of folders below a walked folder to go: 1 takes
    /// only the folder's own files. `None` for no limit.
    pub max_depth: Option<usize>,
    /// Whether walks follow symbolic links (loops are detected).
    pub follow: bool,
}

/// A pattern that could not be compiled.
#[derive(Debug)]
pub struct PatternError {
    flag: &'static str,
    pattern: String,
    error: globset::Error,
}

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:?}: not a valid pattern ({}); patterns are shell-style: \
             *, ?, **, [abc]",
            self.flag,
            self.pattern,
            self.error.kind()
        )
    }
}

impl std::error::Error for PatternError {}

impl Selection {
    /// Builds a selection: a walked file is taken if it matches one of
    /// `globs` (or there are none) and none of `excludes`; a folder is
    /// walked unless it matches one of `excludes`.
    ///
    /// # Errors
    ///
    /// Returns the first pattern that is not valid, with its flag.
    pub fn new(
        globs: &[String],
        excludes: &[String],
        max_depth: Option<usize>,
        follow: bool,
    ) -> Result<Selection, PatternError> {
        Ok(Selection {
            include: set("--glob", globs)?,
            exclude: set("--exclude", excludes)?,
            max_depth,
            follow,
        })
    }

    /// Whether a walk takes the file at `rel` (relative to the walked
    /// folder).
    pub fn takes_file(&self, rel: &Path) -> bool {
        let hit = |s: &GlobSet| matches(s, rel);
        !self.exclude.as_ref().is_some_and(hit)
            && self.include.as_ref().is_none_or(hit)
    }

    /// Whether a walk enters the folder at `rel` (relative to the walked
    /// folder).
    pub fn enters(&self, rel: &Path) -> bool {
        !self.exclude.as_ref().is_some_and(|s| matches(s, rel))
    }

    /// Whether a walk goes into a folder `depth` levels below the walked
    /// one (its own subfolders are at depth 1).
    pub fn within_depth(&self, depth: usize) -> bool {
        self.max_depth.is_none_or(|max| depth < max)
    }
}

/// Whether `rel` or its last component matches a pattern of `set`.
fn matches(set: &GlobSet, rel: &Path) -> bool {
    set.is_match(rel) || rel.file_name().is_some_and(|n| set.is_match(n))
}

/// Compiles `patterns`; `None` when there are none.
fn set(
    flag: &'static str,
    patterns: &[String],
) -> Result<Option<GlobSet>, PatternError> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        b.add(glob(p).map_err(|error| PatternError {
            flag,
            pattern: p.clone(),
            error,
        })?);
    }
    b.build().map(Some).map_err(|error| PatternError {
        flag,
        pattern: patterns.join(" "),
        error,
    })
}

fn glob(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).build()
}

/// Reads a list of paths, one a line or, with `null`, separated by NUL
/// bytes (as `find -print0` writes). Empty entries are skipped; with
/// lines, a Windows line end (`\r\n`) counts as one.
///
/// # Errors
///
/// Returns the read error.
pub fn read_list<R: Read>(
    mut reader: R,
    null: bool,
) -> io::Result<Vec<PathBuf>> {
    let mut data = Vec::new();
    reader.read_to_end(&mut data)?;
    let sep = if null { 0 } else { b'\n' };
    let paths = data
        .split(|b| *b == sep)
        .map(|e| if !null { e.strip_suffix(b"\r").unwrap_or(e) } else { e })
        .filter(|e| !e.is_empty())
        .map(path_of)
        .collect();
    Ok(paths)
}

/// Returns the path spelled by `bytes`.
fn path_of(bytes: &[u8]) -> PathBuf {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        PathBuf::from(OsStr::from_bytes(bytes))
    }
    #[cfg(not(unix))]
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(globs: &[&str], excludes: &[&str]) -> Selection {
        let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        let (g, e): (Vec<String>, Vec<String>) = (own(globs), own(excludes));
        Selection::new(&g, &e, None, false).unwrap()
    }

    #[test]
    fn patterns_match_the_relative_path_or_the_name() {
        let s = sel(&["*.log", "web/**/access*", "x?[0-9].txt"], &[]);
        assert!(s.takes_file(Path::new("a.log")));
        assert!(s.takes_file(Path::new("deep/er/a.log")));
        assert!(s.takes_file(Path::new("web/a/b/access.1")));
        assert!(s.takes_file(Path::new("web/access")));
        assert!(s.takes_file(Path::new("q/xy7.txt")));
        assert!(!s.takes_file(Path::new("deep/access")));
        assert!(!s.takes_file(Path::new("a.log.gz")));
        assert!(!s.takes_file(Path::new("xyz.txt")));
    }

    #[test]
    fn excludes_win_and_prune_folders() {
        let s = sel(&["*.log"], &["old", "*.1.log"]);
        assert!(!s.takes_file(Path::new("a.1.log")));
        assert!(s.takes_file(Path::new("a.log")));
        assert!(!s.enters(Path::new("x/old")));
        assert!(s.enters(Path::new("x/new")));
        assert!(sel(&[], &[]).takes_file(Path::new("anything")));
    }

    #[test]
    fn a_bad_pattern_names_its_flag() {
        let bad = ["[z-a".to_string()];
        let e = Selection::new(&[], &bad, None, false).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("--exclude \"[z-a\": not a valid pattern"));
    }

    #[test]
    fn lists_split_on_lines_or_nuls() {
        let lines = read_list(&b"a.log\r\n\nb c.log\n"[..], false).unwrap();
        assert_eq!(lines, [PathBuf::from("a.log"), PathBuf::from("b c.log")]);
        let nul = read_list(&b"a\nb\0c\0\0"[..], true).unwrap();
        assert_eq!(nul, [PathBuf::from("a\nb"), PathBuf::from("c")]);
    }

    #[test]
    fn depth_limits() {
        let mut s = sel(&[], &[]);
        assert!(s.within_depth(100));
        s.max_depth = Some(1);
        assert!(!s.within_depth(1));
        s.max_depth = Some(2);
        assert!(s.within_depth(1));
        assert!(!s.within_depth(2));
    }
}
