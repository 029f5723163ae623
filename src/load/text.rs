//! Reader placeholder; the real reader replaces this file.

use super::Reader;

/// Reads the text.
pub fn read(_r: &mut Reader<'_>, _text: &str) {}
