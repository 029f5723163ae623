//! Reader placeholder; the real reader replaces this file.

use super::Reader;

/// Whether the text looks like this format.
pub fn looks_like(_text: &str) -> bool {
    false
}

/// Reads the text.
pub fn read(_r: &mut Reader<'_>, _text: &str) {}
