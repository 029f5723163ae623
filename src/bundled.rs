//! The indicator sets compiled into the binary from the repository's
//! `iocs/` folder, used when a sweep is given no `--iocs`.
//!
//! Each set is a plain-text list whose leading comment lines name it
//! (`# set: …`) and date it (`# published: YYYY-MM-DD`).

use crate::load::{Loader, header_field as header};

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// One bundled set.
#[derive(Clone, Copy, Debug)]
pub struct BundledSet {
    /// The file name in `iocs/`.
    pub file: &'static str,
    /// The set's title, from its `# set:` line.
    pub title: &'static str,
    /// The publication date, from its `# published:` line.
    pub published: &'static str,
    /// The list itself.
    pub text: &'static str,
}

/// Returns the bundled sets in file-name order.
pub fn sets() -> Vec<BundledSet> {
    files::FILES
        .iter()
        .map(|(file, text)| BundledSet {
            file,
            title: header(text, "set").unwrap_or(file),
            published: header(text, "published").unwrap_or("unknown"),
            text,
        })
        .collect()
}

/// Adds every bundled set to `loader`, each named `bundled:FILE`.
pub fn add_all(loader: &mut Loader) {
    for set in sets() {
        loader.add_bytes(
            format!("bundled:{}", set.file).into(),
            set.text.as_bytes(),
        );
    }
}

/// Returns the newest publication date among the bundled sets.
pub fn newest() -> Option<&'static str> {
    sets().iter().map(|s| s.published).filter(|p| *p != "unknown").max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_is_named_and_dated() {
        let sets = sets();
        assert!(sets.len() >= 7, "{} sets", sets.len());
        for s in &sets {
            assert_ne!(s.title, s.file, "{} has no '# set:' line", s.file);
            let p = s.published.as_bytes();
            let dated = p.len() == 10 && p[4] == b'-' && p[7] == b'-';
            assert!(dated, "{}: published {:?}", s.file, s.published);
        }
    }
}
