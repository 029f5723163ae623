//! What lies just outside a token, where the byte classes cannot tell.
//!
//! The scanners stop a token at the first byte outside its class, and
//! that byte is a boundary. Some text says otherwise:
//!
//! - a JSON escape `\t`, `\n` or `\r` ends the word before it, though
//!   its letter is one;
//! - a percent escape (`%2F`) of a byte that cannot sit in a host name
//!   ends the word before it, though its hex digits are letters and
//!   digits; one of a host byte, or of a byte outside ASCII (part of a
//!   character that may be a letter), continues the word.

use super::class;

/// Whether `hay[at]` is the letter of a JSON escape for a tab, line feed
/// or carriage return: `t`, `n` or `r` after an odd number of
/// backslashes (`\\n` is an escaped backslash, then the letter `n`).
#[inline]
pub fn escape_letter(hay: &[u8], at: usize) -> bool {
    if !matches!(hay.get(at), Some(b't' | b'n' | b'r')) {
        return false;
    }
    let slashes = hay[..at].iter().rev().take_while(|b| **b == b'\\');
    slashes.count() % 2 == 1
}

/// Returns the byte a `%XX` escape at `hay[p..]` stands for.
pub fn escaped(hay: &[u8], p: usize) -> Option<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    if hay.get(p) != Some(&b'%') {
        return None;
    }
    let hi = hex(*hay.get(p + 1)?)?;
    let lo = hex(*hay.get(p + 2)?)?;
    Some((hi * 16 + lo) as u8)
}

/// Whether an escaped byte would continue a host name: a host byte, or a
/// byte outside ASCII (part of a character that may be a letter).
fn joins_host(b: u8) -> bool {
    b >= 0x80 || class::is(b, class::HOST)
}

/// How a host token whose bytes start at `start` begins, once what lies
/// before it is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Head {
    /// The token's word starts at this offset: past a JSON escape's
    /// letter or a percent escape's hex digits at its head.
    At(usize),
    /// The token's first label is the tail of a longer one (`%41evil`):
    /// only the labels after its first dot can start a name.
    Joined,
}

/// Reads what lies before the host token whose bytes start at `start`.
pub fn host_head(hay: &[u8], start: usize) -> Head {
    if escape_letter(hay, start) {
        return Head::At(start + 1);
    }
    match start.checked_sub(1).and_then(|p| escaped(hay, p)) {
        Some(b) if joins_host(b) => Head::Joined,
        Some(_) => Head::At(start + 2),
        None => Head::At(start),
    }
}

/// Whether what follows the host token ending at `end` continues its
/// last label: a percent escape of a host byte or of a byte outside
/// ASCII.
pub fn host_continues(hay: &[u8], end: usize) -> bool {
    escaped(hay, end).is_some_and(joins_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escape_letters_need_an_odd_run_of_backslashes() {
        assert!(escape_letter(br"a\tb", 2));
        assert!(escape_letter(br"\r\n", 3));
        assert!(!escape_letter(br"a\\tb", 3));
        assert!(escape_letter(br"a\\\nb", 4));
        assert!(!escape_letter(br"a\xb", 2));
        assert!(!escape_letter(b"tn", 0));
    }

    #[test]
    fn host_heads_and_tails() {
        assert_eq!(host_head(br"x:\tevil", 3), Head::At(4));
        assert_eq!(host_head(br"x:\\tevil", 4), Head::At(4));
        assert_eq!(host_head(b"%2Fevil", 1), Head::At(3));
        assert_eq!(host_head(b"%3aevil", 1), Head::At(3));
        assert_eq!(host_head(b"%41evil", 1), Head::Joined);
        assert_eq!(host_head(b"%2Eevil", 1), Head::Joined);
        assert_eq!(host_head(b"%C3%BCevil", 4), Head::Joined);
        assert_eq!(host_head(b"x2Fevil", 0), Head::At(0));
        assert_eq!(host_head(b"%xFevil", 2), Head::At(2));
        assert!(host_continues(b"a%41", 1) && host_continues(b"a%2e", 1));
        assert!(!host_continues(b"a%2F", 1) && !host_continues(b"a%", 1));
        assert!(!host_continues(b"a", 1));
    }
}
