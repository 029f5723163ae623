//! What lies just outside a token, where the byte classes cannot tell.
//!
//! The scanners stop a token at the first byte outside its class, and
//! that byte is a boundary. Some text says otherwise:
//!
//! - a letter or digit outside ASCII (`bücher`, `München`) continues
//!   the word, though its bytes are no ASCII letters; other characters
//!   (`«`, a no-break space) and invalid UTF-8 do not;
//! - a JSON escape `\t`, `\n` or `\r` ends the word before it, though
//!   its letter is one;
//! - a percent escape (`%2F`) of a byte that cannot sit in a host name
//!   ends the word before it, though its hex digits are letters and
//!   digits; one of a host byte, or of a byte outside ASCII (part of a
//!   character that may be a letter), continues the word.

use super::class;

/// Returns the character that ends just before `at`, if the bytes there
/// are valid UTF-8.
fn char_before(hay: &[u8], at: usize) -> Option<char> {
    let from = at.saturating_sub(4);
    let lead = (from..at).rev().find(|&i| hay[i] & 0xC0 != 0x80)?;
    std::str::from_utf8(&hay[lead..at]).ok()?.chars().next_back()
}

/// Returns the character that starts at `at`, if the bytes there are
/// valid UTF-8.
fn char_after(hay: &[u8], at: usize) -> Option<char> {
    let len = match *hay.get(at)? {
        b if b < 0x80 => 1,
        b if b & 0xE0 == 0xC0 => 2,
        b if b & 0xF0 == 0xE0 => 3,
        b if b & 0xF8 == 0xF0 => 4,
        _ => return None,
    };
    let bytes = hay.get(at..at + len)?;
    std::str::from_utf8(bytes).ok()?.chars().next()
}

/// Whether a letter or digit outside ASCII ends just before `at`: a
/// token starting at `at` is then the tail of a longer word.
#[inline]
pub fn letter_before(hay: &[u8], at: usize) -> bool {
    at > 0
        && hay[at - 1] >= 0x80
        && char_before(hay, at).is_some_and(char::is_alphanumeric)
}

/// Whether a letter or digit outside ASCII starts at `at`: a token
/// ending at `at` is then the head of a longer word.
#[inline]
pub fn letter_after(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_some_and(|b| *b >= 0x80)
        && char_after(hay, at).is_some_and(char::is_alphanumeric)
}

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
    /// The token's first label is the tail of a longer one (`büevil`,
    /// `%41evil`):
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
        None if letter_before(hay, start) => Head::Joined,
        None => Head::At(start),
    }
}

/// Whether what follows the host token ending at `end` continues its
/// last label: a letter or digit outside ASCII, or a percent escape of a
/// host byte or of a byte outside ASCII.
pub fn host_continues(hay: &[u8], end: usize) -> bool {
    letter_after(hay, end) || escaped(hay, end).is_some_and(joins_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_outside_ascii_join_and_punctuation_does_not() {
        let hay = "ü«»\u{a0}é1".as_bytes();
        assert!(letter_before(hay, 2));
        assert!(!letter_before(hay, 4) && !letter_before(hay, 6));
        assert!(!letter_before(hay, 8));
        assert!(letter_before(hay, 10) && !letter_before(hay, 11));
        assert!(letter_after(hay, 0) && letter_after(hay, 8));
        assert!(!letter_after(hay, 2) && !letter_after(hay, 6));
        // Invalid UTF-8 is a boundary.
        assert!(!letter_before(b"\xC3x", 1) && !letter_after(b"\xC3x", 0));
        assert!(!letter_before(b"\xC3\xBC\xBCx", 3));
        assert!(!letter_after(b"\xC3", 0));
        assert!(!letter_before(b"x", 0) && !letter_after(b"x", 1));
    }

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
        assert_eq!(host_head("büevil".as_bytes(), 3), Head::Joined);
        assert_eq!(host_head("«evil".as_bytes(), 2), Head::At(2));
        assert!(host_continues("aü".as_bytes(), 1));
        assert!(!host_continues("a»".as_bytes(), 1));
    }
}
