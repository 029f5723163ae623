//! What lies just outside a token, where the byte classes cannot tell.
//!
//! The scanners stop a token at the first byte outside its class, and
//! that byte is a boundary. Some text says otherwise:
//!
//! - a JSON escape `\t`, `\n` or `\r` ends the word before it, though
//!   its letter is one.

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

/// Returns where the word of a host token whose bytes start at `start`
/// begins: past a JSON escape letter at its head.
pub fn host_start(hay: &[u8], start: usize) -> usize {
    start + usize::from(escape_letter(hay, start))
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
        assert_eq!(host_start(br"x:\tevil", 3), 4);
        assert_eq!(host_start(br"x:\\tevil", 4), 4);
    }
}
