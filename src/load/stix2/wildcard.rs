//! What `LIKE` and `MATCHES` comparisons can become: a value the sweep's
//! own matching rules find exactly, or a reason why not.
//!
//! Both operators are first reduced to one shape: a literal body, and
//! whether anything may come before it (`lead`) or after it (`trail`).
//! `LIKE` writes those as a leading or trailing `%`; `MATCHES` as a
//! missing `^` or `$` anchor (or `.*`). The shape then becomes an
//! indicator only where one of our rules matches the same text:
//!
//! | object | shape | loads as |
//! | --- | --- | --- |
//! | any | `body` (no wildcard) | the value, as `=` would |
//! | domain | `%.body` | the domain `body` (our domains match subdomains; the domain itself is matched too) |
//! | e-mail | `%@body` | the domain `body` (any address there; the domain is matched outside addresses too) |
//! | file or process name, file path | `%\body`, `%/body` | the file name `body` (matched as whole path components) |
//! | string (mutex, registry key, user agent) | `%body`, `body%`, `%body%` | the string `body`, marked as a substring condition |
//!
//! Every other shape is refused with the reason: a `_` or inner `%`
//! (any one character / anything inside), a suffix without a label or
//! path boundary (`%evil.example` also matches `notevil.example`), a
//! prefix (`evil.example%`), or any wildcard on an address, URL or hash.
//! A `MATCHES` regex must compile within a small size limit and be a
//! literal once anchors and escapes are taken off; anything else (a
//! class, repetition, alternation) is refused.

use crate::indicator::Kind;

/// The most memory a `MATCHES` regex may compile to; larger ones are
/// refused rather than built.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A wildcard comparison reduced to a literal body and open ends.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Whether anything may come before the body.
    pub lead: bool,
    /// The literal text.
    pub body: String,
    /// Whether anything may come after the body.
    pub trail: bool,
}

/// What a wildcard comparison becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loadable {
    /// The value to load.
    pub value: String,
    /// Its kind, or `None` to classify it (network-traffic references).
    pub kind: Option<Kind>,
    /// Whether it is a substring condition.
    pub contains: bool,
    /// How the loaded value differs from the comparison, if it does.
    pub note: Option<String>,
}

/// Reduces a `LIKE` pattern to its shape.
///
/// # Errors
///
/// Returns why the pattern is not a literal with open ends.
pub fn like(pattern: &str) -> Result<Shape, String> {
    let lead = pattern.starts_with('%');
    let rest = pattern.strip_prefix('%').unwrap_or(pattern);
    let trail = rest.ends_with('%') && !rest.is_empty();
    let body = rest.strip_suffix('%').unwrap_or(rest);
    if body.contains('_') {
        return Err("'_' in a LIKE pattern stands for any one character, \
                    which no indicator can express"
            .into());
    }
    if body.contains('%') {
        return Err("'%' inside a LIKE pattern stands for anything, which \
                    no indicator can express"
            .into());
    }
    if body.is_empty() {
        return Err("the LIKE pattern matches anything".into());
    }
    Ok(Shape { lead, trail, body: body.to_string() })
}

/// Reduces a `MATCHES` regular expression to its shape. The regex is
/// compiled (within a size limit) to check it first; it is never used to
/// sweep.
///
/// # Errors
///
/// Returns why the regex is invalid, too large, or not a literal.
pub fn matches(re: &str) -> Result<Shape, String> {
    regex::RegexBuilder::new(re)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "the regular expression is too large to compile".to_string()
            }
            e => format!(
                "invalid regular expression: {}",
                e.to_string().lines().last().unwrap_or("")
            ),
        })?;
    let (lead, rest) = match re.strip_prefix('^') {
        Some(r) => (false, r),
        None => (true, re.strip_prefix(".*").unwrap_or(re)),
    };
    let (trail, rest) = match strip_anchor_end(rest) {
        Some(r) => (false, r),
        None => (true, rest.strip_suffix(".*").unwrap_or(rest)),
    };
    let body = literal(rest).ok_or_else(|| {
        "the regular expression is not a literal (it has a class, \
         repetition, group or alternation)"
            .to_string()
    })?;
    if body.is_empty() {
        return Err("the regular expression matches anything".into());
    }
    Ok(Shape { lead, trail, body })
}

/// Strips an unescaped `$` at the end.
fn strip_anchor_end(s: &str) -> Option<&str> {
    let body = s.strip_suffix('$')?;
    let slashes = body.len() - body.trim_end_matches('\\').len();
    (slashes % 2 == 0).then_some(body)
}

/// Returns the text a regex without metacharacters matches, escapes
/// undone, or `None` if it is not such a literal.
fn literal(re: &str) -> Option<String> {
    let mut out = String::with_capacity(re.len());
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let e = chars.next()?;
                if e.is_ascii_alphanumeric() {
                    return None;
                }
                out.push(e);
            }
            '.' | '^' | '$' | '*' | '+' | '?' | '(' | ')' | '[' | ']'
            | '{' | '}' | '|' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

/// Returns what a shape on a path of `kind` (`None`: a value to
/// classify) loads as.
///
/// # Errors
///
/// Returns why no indicator matches what the shape matches.
pub fn loadable(shape: Shape, kind: Option<Kind>) -> Result<Loadable, String> {
    let Shape { lead, body, trail } = shape;
    let plain = |value: String, kind, note| Loadable {
        value,
        kind,
        contains: false,
        note,
    };
    if !lead && !trail {
        return Ok(plain(body, kind, None));
    }
    let boundary = |sep: &[char]| {
        let rest = body.strip_prefix(sep)?;
        (lead && !trail && !rest.is_empty()).then(|| rest.to_string())
    };
    match kind {
        Some(Kind::String) => {
            Ok(Loadable { value: body, kind, contains: true, note: None })
        }
        Some(Kind::Domain) => match boundary(&['.']) {
            Some(d) => {
                let note = format!(
                    "loaded as the domain {d}, which also matches {d} itself"
                );
                Ok(plain(d, kind, Some(note)))
            }
            None => Err(unbounded(trail, "a label boundary ('.')")),
        },
        Some(Kind::Email) => match boundary(&['@']) {
            Some(d) => {
                let note = format!(
                    "loaded as the domain {d}: every address there, and \
                     the domain outside addresses too"
                );
                Ok(plain(d, Some(Kind::Domain), Some(note)))
            }
            None => Err(unbounded(trail, "an '@'")),
        },
        Some(Kind::Filename) => match boundary(&['\\', '/']) {
            Some(f) => Ok(plain(f, kind, None)),
            None => Err(unbounded(trail, "a path separator ('\\' or '/')")),
        },
        _ => Err("a wildcard on this kind of value cannot be an indicator: \
                  addresses take ISSUBSET with a CIDR range; URLs and \
                  hashes only whole values"
            .into()),
    }
}

/// Returns why an open-ended shape cannot be loaded.
fn unbounded(trail: bool, boundary: &str) -> String {
    if trail {
        return "a prefix match (anything may follow) cannot be an \
                indicator"
            .into();
    }
    format!(
        "a suffix match that does not start at {boundary} also matches \
         longer names ending in the same text"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(lead: bool, body: &str, trail: bool) -> Shape {
        Shape { lead, body: body.into(), trail }
    }

    #[test]
    fn like_patterns_reduce_to_open_ends() {
        assert_eq!(
            like("evil.example"),
            Ok(shape(false, "evil.example", false))
        );
        assert_eq!(
            like("%.evil.example"),
            Ok(shape(true, ".evil.example", false))
        );
        assert_eq!(like("evil%"), Ok(shape(false, "evil", true)));
        assert_eq!(like("%evil%"), Ok(shape(true, "evil", true)));
        assert!(like("ev_l").unwrap_err().contains("any one character"));
        assert!(like("a%b").unwrap_err().contains("inside"));
        assert!(like("%").unwrap_err().contains("anything"));
        assert!(like("%%").unwrap_err().contains("anything"));
    }

    #[test]
    fn literal_regexes_reduce_and_others_are_refused() {
        assert_eq!(
            matches(r"^evil\.example$"),
            Ok(shape(false, "evil.example", false))
        );
        assert_eq!(
            matches(r"\.evil\.example$"),
            Ok(shape(true, ".evil.example", false))
        );
        assert_eq!(
            matches(r"^Global\\m"),
            Ok(shape(false, r"Global\m", true))
        );
        assert_eq!(matches(r".*evil.*"), Ok(shape(true, "evil", true)));
        assert_eq!(matches(r"a\$"), Ok(shape(true, "a$", true)));
        for re in [r"^evil.example$", r"^ev[il]$", r"a|b", r"\d+", "x?"] {
            let why = matches(re).unwrap_err();
            assert!(why.contains("not a literal"), "{re}: {why}");
        }
        assert!(matches("(").unwrap_err().starts_with("invalid regular"));
        let huge = "\\w{1000}{1000}";
        assert_eq!(
            matches(huge).unwrap_err(),
            "the regular expression is too large to compile"
        );
    }

    #[test]
    fn shapes_load_where_our_rules_match_the_same_text() {
        let ok = |s: Shape, k: Kind| loadable(s, Some(k)).unwrap();
        let l = ok(shape(true, ".evil.example", false), Kind::Domain);
        assert_eq!(
            (l.value.as_str(), l.kind),
            ("evil.example", Some(Kind::Domain))
        );
        assert!(l.note.is_some());
        let l = ok(shape(true, "@evil.example", false), Kind::Email);
        assert_eq!(
            (l.value.as_str(), l.kind),
            ("evil.example", Some(Kind::Domain))
        );
        let l = ok(shape(true, "\\evil.exe", false), Kind::Filename);
        assert_eq!((l.value.as_str(), l.contains), ("evil.exe", false));
        let l = ok(shape(true, "Global\\m", true), Kind::String);
        assert_eq!((l.value.as_str(), l.contains), ("Global\\m", true));
        let l = ok(shape(false, "a.example", false), Kind::Url);
        assert_eq!((l.value.as_str(), l.note), ("a.example", None));

        let no = |s: Shape, k: Kind| loadable(s, Some(k)).unwrap_err();
        assert!(
            no(shape(true, "evil.example", false), Kind::Domain)
                .contains("label boundary")
        );
        assert!(
            no(shape(false, "evil.", true), Kind::Domain).contains("prefix")
        );
        assert!(
            no(shape(true, ".evil.example", true), Kind::Domain)
                .contains("prefix")
        );
        assert!(
            no(shape(true, "evil.exe", false), Kind::Filename)
                .contains("path separator")
        );
        assert!(
            no(shape(true, "x@evil.example", false), Kind::Email)
                .contains("'@'")
        );
        assert!(no(shape(true, ".5", false), Kind::Ipv4).contains("ISSUBSET"));
        assert!(
            no(shape(false, "http://a/", true), Kind::Url)
                .contains("whole values")
        );
    }

    /// Whether `text` matches a LIKE pattern with `%` only, by brute
    /// force: the reference the shapes are checked against.
    fn like_matches(pattern: &str, text: &str) -> bool {
        match pattern.split_once('%') {
            None => pattern == text,
            Some((head, rest)) => {
                text.starts_with(head)
                    && (head.len()..=text.len()).any(|i| {
                        text.is_char_boundary(i)
                            && like_matches(rest, &text[i..])
                    })
            }
        }
    }

    /// Whether a domain indicator `d` matches the name `n` (our rule).
    fn domain_rule(d: &str, n: &str) -> bool {
        n == d || n.ends_with(&format!(".{d}"))
    }

    proptest::proptest! {
        /// What `LIKE '%.d'` loads matches every name the pattern
        /// matches, and one more: `d` itself.
        #[test]
        fn domain_suffix_loads_no_narrower_than_the_pattern(
            d in "[ab]{1,2}\\.[ab]{1,2}",
            n in "([ab]{1,2}\\.){0,3}[ab]{1,2}",
        ) {
            let pattern = format!("%.{d}");
            let l = loadable(like(&pattern).unwrap(), Some(Kind::Domain))
                .unwrap();
            let by_like = like_matches(&pattern, &n);
            let by_rule = domain_rule(&l.value, &n);
            proptest::prop_assert!(!by_like || by_rule);
            proptest::prop_assert!(by_like || !by_rule || n == d);
        }

        /// A domain suffix loads only when it starts at a label
        /// boundary: without one, `%b.a` also matches `ab.a`, which the
        /// domain `b.a` does not.
        #[test]
        fn only_suffixes_at_a_label_boundary_load(d in "[ab.]{1,4}") {
            let got = loadable(like(&format!("%{d}")).unwrap(), Some(Kind::Domain));
            proptest::prop_assert_eq!(got.is_ok(), d.starts_with('.') && d.len() > 1);
        }
    }
}
