//! Finding the bytes that start a closer look: every `.` (host tokens)
//! and every `:` (IPv6 candidates), in one pass.
//!
//! Logs hold a dot or colon every few bytes, so calling `memchr` for
//! each one costs more in call setup than in searching. Instead, sixteen
//! bytes at a time are compared with both bytes at once (SSE2, which every
//! x86-64 processor has) and the set bits of the result are visited in
//! order; other targets use a plain loop.

/// Calls `f(offset, byte)` for every `.` (when `dots`) and `:` (when
/// `colons`) in `hay`, in order. `f` returns where to go on from, at
/// least `offset + 1`: it may skip past a token it has dealt with.
#[inline]
pub fn each(
    hay: &[u8],
    dots: bool,
    colons: bool,
    mut f: impl FnMut(usize, u8) -> usize,
) {
    let mut pos = 0;
    #[cfg(target_arch = "x86_64")]
    {
        while pos + 16 <= hay.len() {
            let mut mask = block(&hay[pos..pos + 16], dots, colons);
            let mut next = pos + 16;
            while mask != 0 {
                let at = pos + mask.trailing_zeros() as usize;
                let resume = f(at, hay[at]).max(at + 1);
                if resume >= pos + 16 {
                    next = resume;
                    break;
                }
                // Drop this mark and any the callback skipped over.
                mask &= !((1u32 << (resume - pos)) - 1);
            }
            pos = next;
        }
    }
    while pos < hay.len() {
        let b = hay[pos];
        if (dots && b == b'.') || (colons && b == b':') {
            pos = f(pos, b).max(pos + 1);
        } else {
            pos += 1;
        }
    }
}

/// Returns a bit for every wanted mark among 16 bytes.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn block(bytes: &[u8], dots: bool, colons: bool) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8,
        _mm_or_si128, _mm_set1_epi8, _mm_setzero_si128,
    };
    assert!(bytes.len() >= 16);
    // SAFETY: SSE2 is part of the x86-64 baseline, so these intrinsics
    // are always available; the load reads exactly the 16 bytes the
    // assertion above guarantees, and needs no alignment.
    unsafe {
        let v = _mm_loadu_si128(bytes.as_ptr().cast::<__m128i>());
        let mut hit = _mm_setzero_si128();
        if dots {
            hit = _mm_or_si128(
                hit,
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b'.' as i8)),
            );
        }
        if colons {
            hit = _mm_or_si128(
                hit,
                _mm_cmpeq_epi8(v, _mm_set1_epi8(b':' as i8)),
            );
        }
        _mm_movemask_epi8(hit) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(hay: &[u8], dots: bool, colons: bool) -> Vec<usize> {
        let mut out = Vec::new();
        each(hay, dots, colons, |i, _| {
            out.push(i);
            i + 1
        });
        out
    }

    #[test]
    fn finds_every_mark_in_order_across_blocks() {
        let hay = b"a.b:c..d::e....................:f.g:h.i.j.k.l.m.n.o.p:q";
        let want: Vec<usize> = (0..hay.len())
            .filter(|&i| hay[i] == b'.' || hay[i] == b':')
            .collect();
        assert_eq!(marks(hay, true, true), want);
        let dots: Vec<usize> =
            (0..hay.len()).filter(|&i| hay[i] == b'.').collect();
        assert_eq!(marks(hay, true, false), dots);
        assert_eq!(marks(b"", true, true), Vec::<usize>::new());
    }

    #[test]
    fn skips_what_the_callback_consumed() {
        let hay = b"1.2.3.4 x.y:80 ......................... z.w";
        let mut seen = Vec::new();
        each(hay, true, true, |i, _| {
            seen.push(i);
            // Consume the rest of the token.
            let end = hay[i..].iter().position(|b| *b == b' ');
            end.map_or(hay.len(), |e| i + e)
        });
        assert_eq!(seen, vec![1, 9, 15, 42]);
    }
}
