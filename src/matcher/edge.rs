//! What lies just outside a token, where the byte classes cannot tell.
//!
//! The scanners stop a token at the first byte outside its class, and
//! that byte is a boundary. Some text says otherwise:
//!
//! - a letter or digit outside ASCII (`bücher`, `München`) or a
//!   combining mark (`Mu\u{308}nchen`) continues the word, though its
//!   bytes are no ASCII letters; letters of scripts written without
//!   spaces (`访问evil.example`), full-width forms, other characters
//!   (`«`, a no-break space) and invalid UTF-8 do not;
//! - a JSON escape `\t`, `\n` or `\r` ends the word before it, though
//!   its letter is one, and so does a `\uHHHH` escape of a character
//!   that would end it written plain (`\u0009`, `\u0022`);
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

/// Whether `c` is a combining mark of the blocks decomposed (NFD) text
/// uses for accents: it belongs to the letter before it.
fn combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{300}'..='\u{36F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// Whether `c` belongs to a script written without spaces between words
/// (CJK ideographs and their extensions, kana, Bopomofo, Hangul, Thai,
/// Lao, Khmer, Myanmar) or is a full-width or half-width form: text in
/// them puts a name right against their letters (`访问evil.example网站`,
/// `evil.example에`).
fn unspaced(c: char) -> bool {
    matches!(
        u32::from(c),
        0x0E00..=0x0EFF // Thai, Lao
            | 0x1000..=0x109F // Myanmar
            | 0x1100..=0x11FF // Hangul Jamo
            | 0x1780..=0x17FF // Khmer
            | 0x19E0..=0x19FF // Khmer symbols
            | 0x2E80..=0x2FDF // CJK and Kangxi radicals
            | 0x3000..=0x9FFF // CJK symbols, kana, Bopomofo, ideographs
            | 0xA960..=0xA97F // Hangul Jamo extended A
            | 0xA9E0..=0xA9FF // Myanmar extended B
            | 0xAA60..=0xAA7F // Myanmar extended A
            | 0xAC00..=0xD7FF // Hangul syllables, Jamo extended B
            | 0xF900..=0xFAFF // CJK compatibility ideographs
            | 0xFF00..=0xFFEF // Full-width and half-width forms
            | 0x1B000..=0x1B16F // Kana supplement and extensions
            | 0x20000..=0x3FFFF // CJK extensions B to I, compatibility
    )
}

/// Whether `c`, outside ASCII, continues a word it touches: a letter or
/// digit of a script written with spaces (`ü`, `д`, `é`), or a combining
/// mark. Letters of unspaced scripts, full-width forms and punctuation
/// (`«`, a no-break space) do not.
fn joins_word(c: char) -> bool {
    !c.is_ascii() && (combining_mark(c) || c.is_alphanumeric() && !unspaced(c))
}

/// Whether a letter or digit outside ASCII that joins words ends just
/// before `at`: a token starting at `at` is then the tail of a longer
/// word. A combining mark there follows its base letter, so it joins
/// too (`Mu\u{308}nchen`).
#[inline]
pub fn letter_before(hay: &[u8], at: usize) -> bool {
    at > 0
        && hay[at - 1] >= 0x80
        && char_before(hay, at).is_some_and(joins_word)
}

/// Whether a letter or digit outside ASCII that joins words, or a
/// combining mark, starts at `at`: a token ending at `at` is then the
/// head of a longer word.
#[inline]
pub fn letter_after(hay: &[u8], at: usize) -> bool {
    hay.get(at).is_some_and(|b| *b >= 0x80)
        && char_after(hay, at).is_some_and(joins_word)
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

/// What a JSON escape next to a word does to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Escape {
    /// No JSON escape there.
    None,
    /// An escape of a character that ends the word (`\t`, `\u0022`,
    /// `\u8bbf`), this many bytes long after its backslash.
    Ends(usize),
    /// An escape of a character that continues the word (`\u0041`).
    Joins,
}

/// Returns the number the four hex digits at `hay[at..]` spell.
fn hex4(hay: &[u8], at: usize) -> Option<u32> {
    let digits = hay.get(at..at + 4)?;
    digits.iter().try_fold(0, |v, b| Some(v * 16 + (*b as char).to_digit(16)?))
}

/// Whether an odd run of backslashes ends just before `at`.
fn escaped_at(hay: &[u8], at: usize) -> bool {
    let slashes = hay[..at].iter().rev().take_while(|b| **b == b'\\');
    slashes.count() % 2 == 1
}

/// Returns the character a JSON `\uHHHH` escape whose `u` is at `at`
/// stands for, and the escape's length after its backslash; `None` as
/// the character for a lone surrogate. A low surrogate right after a
/// high one stands for the pair's character.
fn unicode_escape(hay: &[u8], at: usize) -> Option<Option<char>> {
    if hay.get(at) != Some(&b'u') || !escaped_at(hay, at) {
        return None;
    }
    let code = hex4(hay, at + 1)?;
    if !(0xDC00..=0xDFFF).contains(&code) {
        return Some(char::from_u32(code));
    }
    let high = at
        .checked_sub(6)
        .filter(|&h| hay[h] == b'u' && escaped_at(hay, h))
        .and_then(|h| hex4(hay, h + 1))
        .filter(|h| (0xD800..=0xDBFF).contains(h));
    Some(high.and_then(|h| {
        char::from_u32(0x10000 + ((h - 0xD800) << 10) + (code - 0xDC00))
    }))
}

/// Reads the JSON escape whose letter is at `at`, if any: `\t`, `\n`
/// and `\r` end the word after them; `\uHHHH` ends it when the
/// character is not one `ascii_joins` takes (for ASCII) or a letter
/// that joins words (outside ASCII); a lone surrogate ends it.
pub fn escape_head(
    hay: &[u8],
    at: usize,
    ascii_joins: impl Fn(u8) -> bool,
) -> Escape {
    if escape_letter(hay, at) {
        return Escape::Ends(1);
    }
    let Some(c) = unicode_escape(hay, at) else { return Escape::None };
    let joins = c.is_some_and(|c| {
        if c.is_ascii() { ascii_joins(c as u8) } else { joins_word(c) }
    });
    if joins { Escape::Joins } else { Escape::Ends(5) }
}

/// Reads the JSON escape that ends just before `at`, if any, as
/// [`escape_head`] does.
pub fn escape_before(
    hay: &[u8],
    at: usize,
    ascii_joins: impl Fn(u8) -> bool + Copy,
) -> Escape {
    if at >= 1 && escape_letter(hay, at - 1) {
        return Escape::Ends(1);
    }
    // Five bytes back only a `\uHHHH` escape can end here: a `\t` there
    // ends four letters earlier, in the middle of the word.
    match at.checked_sub(5) {
        Some(u) if hay[u] == b'u' => escape_head(hay, u, ascii_joins),
        _ => Escape::None,
    }
}

/// Whether a byte continues a host name's first label when a `\u`
/// escape writes it: a letter, a digit or `_` (a `.` or `-` there is
/// punctuation, as when written plain).
pub fn host_label_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
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
    match escape_head(hay, start, host_label_byte) {
        Escape::Ends(len) => return Head::At(start + len),
        Escape::Joins => return Head::Joined,
        Escape::None => {}
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
    fn unspaced_scripts_end_words_and_combining_marks_join() {
        for c in ['访', '网', 'ほ', 'ホ', 'ｶ', '에', 'ท', 'ລ', 'ក', 'က']
        {
            assert!(!joins_word(c), "{c}");
        }
        for c in ['１', 'ｅ', '\u{2F800}', '\u{20000}', '\u{F900}'] {
            assert!(!joins_word(c), "{c:?}");
        }
        for c in ['ü', 'д', 'Δ', '\u{308}', '\u{1AB0}', '\u{20D7}'] {
            assert!(joins_word(c), "{c:?}");
        }
        assert!(!joins_word('«') && !joins_word('a'));
        let nfd = "u\u{308}x".as_bytes();
        assert!(letter_before(nfd, 3) && letter_after(nfd, 1));
    }

    #[test]
    fn unicode_escapes_count_as_their_characters() {
        let alnum = |b: u8| b.is_ascii_alphanumeric();
        assert_eq!(escape_head(br"\u0009x", 1, alnum), Escape::Ends(5));
        assert_eq!(escape_head(br"\u0041x", 1, alnum), Escape::Joins);
        assert_eq!(escape_head(br"\\u0009x", 2, alnum), Escape::None);
        assert_eq!(escape_head(br"\u00g9x", 1, alnum), Escape::None);
        assert_eq!(escape_head(br"\u8BBFx", 1, alnum), Escape::Ends(5));
        assert_eq!(escape_head(br"\u00fcx", 1, alnum), Escape::Joins);
        assert_eq!(escape_head(br"\udc00x", 1, alnum), Escape::Ends(5));
        let pair = br"\ud840\udc00x";
        assert_eq!(escape_head(pair, 7, alnum), Escape::Ends(5));
        assert_eq!(escape_before(br"\u0022x", 6, alnum), Escape::Ends(5));
        assert_eq!(escape_before(br"a\tx", 3, alnum), Escape::Ends(1));
        assert_eq!(escape_before(b"x", 1, alnum), Escape::None);
        assert_eq!(escape_before(br"\tabcdx", 6, alnum), Escape::None);
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
