//! Byte classes the scanners use to find token boundaries.
//!
//! One 256-entry table of bit flags answers, for any byte, whether it can
//! sit inside a host name, a hex digest, an address and so on, so the hot
//! loops do one load per byte and no branching on ranges.

/// ASCII digit.
pub const DIGIT: u8 = 1;
/// ASCII letter a-f or A-F.
pub const HEX_ALPHA: u8 = 2;
/// ASCII letter outside a-f.
pub const OTHER_ALPHA: u8 = 4;
/// `.`
pub const DOT: u8 = 8;
/// `-` or `_`.
pub const DASH: u8 = 16;
/// `:`
pub const COLON: u8 = 32;

/// Letters and digits.
pub const ALNUM: u8 = DIGIT | HEX_ALPHA | OTHER_ALPHA;
/// Bytes that make up host names: letters, digits, `.`, `-`, `_`.
pub const HOST: u8 = ALNUM | DOT | DASH;
/// Hex digits.
pub const HEX: u8 = DIGIT | HEX_ALPHA;

const fn build() -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b'0'..=b'9' => DIGIT,
            b'a'..=b'f' | b'A'..=b'F' => HEX_ALPHA,
            b'g'..=b'z' | b'G'..=b'Z' => OTHER_ALPHA,
            b'.' => DOT,
            b'-' | b'_' => DASH,
            b':' => COLON,
            _ => 0,
        };
        b += 1;
    }
    t
}

static TABLE: [u8; 256] = build();

/// Returns the class bits of `b`.
#[inline(always)]
pub fn of(b: u8) -> u8 {
    TABLE[b as usize]
}

/// Whether `b` has any of the bits in `mask`.
#[inline(always)]
pub fn is(b: u8, mask: u8) -> bool {
    of(b) & mask != 0
}

/// Whether `b` ends a URL when it follows the URL's last character:
/// whitespace, control characters, quotes and closing brackets, and the
/// separators logs put between fields.
pub fn ends_url(b: u8) -> bool {
    b <= b' '
        || b == 0x7f
        || matches!(
            b,
            b'"' | b'\''
                | b'<'
                | b'>'
                | b'`'
                | b'|'
                | b','
                | b';'
                | b')'
                | b']'
                | b'}'
                | b'\\'
        )
}

/// Whether `b` may appear in a file name next to the part a file-name
/// indicator matched, which would make the match only part of a name.
pub fn in_file_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b'~' | b'$')
}

/// Whether `b` may appear in an e-mail address's local part right before
/// the part an e-mail indicator matched: RFC 5322's atext and `.`, less
/// the quote, backtick, `|` and braces, which real addresses all but
/// never hold and logs put around values (`{'to': 'a@evil.example'}`,
/// `|a@evil.example|`).
pub fn in_local_part(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'!'
                | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'*'
                | b'+'
                | b'-'
                | b'^'
                | b'_'
                | b'~'
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is(b'7', HEX) && is(b'F', HEX) && !is(b'g', HEX));
        assert!(is(b'-', HOST) && is(b'_', HOST) && !is(b':', HOST));
        assert!(is(b':', COLON) && of(b' ') == 0 && of(0xC3) == 0);
        assert!(ends_url(b' ') && ends_url(b'"') && !ends_url(b'/'));
        assert!(in_file_name(b'x') && !in_file_name(b'\\'));
        assert!(
            in_local_part(b'a')
                && in_local_part(b'+')
                && !in_local_part(b'<')
                && !in_local_part(b'=')
                && !in_local_part(b'\'')
                && !in_local_part(b'|')
        );
    }
}
