//! The plain-text reader: one indicator a line.
//!
//! Each line's first field is taken (the text before the first `,`, `;`,
//! tab, space or ` #`) and classified; what follows is a comment, unless
//! every word of it (up to a `#`) is a value of the first value's family
//! (addresses and ranges, hashes, or one other kind): then the line is a
//! list, and each loads. A comment holding other values that read as
//! indicators is warned about, naming them. A line that is an address
//! range (`A - B`, `A-B`, `A – B`) loads as the CIDR ranges that cover
//! exactly that range, with a warning listing them. Lines starting with
//! `#` or `;` are comments, and a header row naming a column (`IOC`, `IP
//! address`, ...) is skipped. A first field naming a hash (`SHA256:`,
//! `md5:HEX`) is a label: the value after it is taken as that kind of
//! hash. Anything else that is not an indicator costs one error naming
//! its line, and the rest loads.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

use super::Reader;
use crate::indicator::{self, Kind, ParseOptions};
use crate::set::Locator;

/// First fields that mark a line as a table header, not a value.
const HEADER_WORDS: &[&str] = &[
    "ioc",
    "indicator",
    "value",
    "observable",
    "ip",
    "ipv4",
    "ipv6",
    "address",
    "domain",
    "hostname",
    "host",
    "fqdn",
    "hash",
    "md5",
    "sha1",
    "sha256",
    "url",
    "uri",
    "email",
    "filename",
];

/// Reads a plain list, reporting each line's first field.
pub fn read(r: &mut Reader<'_>, text: &str) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Untyped values are gathered in batches, so they can be classified
    // on every core; a labelled hash or a problem line first reports the
    // batch before it, so everything is reported in line order. Batches
    // keep memory bounded whatever the length of the file.
    const BATCH: usize = 1 << 16;
    let mut pending = Vec::new();
    let mut left = LeftInComments::default();
    let broad = r.opts.parse.allow_broad_ranges;
    for (i, line) in text.lines().enumerate() {
        // Text pasted from documents may break lines with U+2028/U+2029;
        // each part is a line of its own, under the physical line number.
        let mut rest = Some(line);
        while let Some(part) = next_part(&mut rest) {
            let at = Locator::Line(i as u64 + 1);
            match classify_line(part, broad, at, &mut pending, &mut left) {
                None | Some(Step::Value) => {}
                Some(other) => {
                    r.values(std::mem::take(&mut pending));
                    match other {
                        Step::Exact(value, kind, at) => {
                            r.exact(value, kind, at, false);
                        }
                        Step::Error(at, msg) => r.error(Some(at), msg),
                        Step::Range(nets, at, written) => {
                            load_range(r, nets, at, &written);
                        }
                        Step::Value => unreachable!("matched above"),
                    }
                }
            }
            if pending.len() >= BATCH {
                r.values(std::mem::take(&mut pending));
            }
        }
    }
    r.values(pending);
    left.report(r);
}

/// Loads the CIDR ranges that cover an address range, with a warning on
/// its line naming those that loaded.
fn load_range(
    r: &mut Reader<'_>,
    nets: Vec<IpNet>,
    at: Locator,
    written: &str,
) {
    let mut loaded = Vec::with_capacity(nets.len());
    for net in nets {
        let text = net.to_string();
        if r.typed(&text, Kind::Cidr, at.clone(), false) {
            loaded.push(text);
        }
    }
    if loaded.is_empty() {
        return;
    }
    let n = loaded.len();
    let what = if n == 1 {
        "CIDR range that covers".to_string()
    } else {
        format!("{n} CIDR ranges that cover")
    };
    loaded.truncate(8);
    if n > 8 {
        loaded.push(format!("… ({n} in all)"));
    }
    let msg = format!(
        "address range {written:?} loaded as the {what} it exactly: {}",
        loaded.join(", ")
    );
    r.warn(Some(at), msg);
}

/// Lines whose comment holds values that read as indicators, which are
/// not loaded: counted, and named in one warning for the file, since
/// lists such as `HASH;reference URL` would otherwise give one a line.
#[derive(Default)]
struct LeftInComments {
    lines: usize,
    /// The first few, as `line N: "value" (kind)`.
    first: Vec<String>,
}

impl LeftInComments {
    const NAMED: usize = 5;

    fn add(&mut self, at: &Locator, named: String) {
        self.lines += 1;
        if self.first.len() < Self::NAMED {
            let Locator::Line(n) = at else { return };
            self.first.push(format!("line {n}: {named}"));
        }
    }

    fn report(self, r: &mut Reader<'_>) {
        if self.lines == 0 {
            return;
        }
        let more = self.lines - self.first.len();
        let more = if more > 0 {
            format!("; {more} more lines")
        } else {
            String::new()
        };
        let lines = if self.lines == 1 { "line holds" } else { "lines hold" };
        r.warn(
            None,
            format!(
                "{} {lines} more values after the first, read as a comment \
                 and not loaded ({}{more}): a line lists several values only \
                 when all of them are of the first one's kind; put each on \
                 a line of its own to load it",
                self.lines,
                self.first.join(", ")
            ),
        );
    }
}

/// What a line of a plain list holds, in line order.
enum Step<'t> {
    /// The next untyped value (kept apart, to be classified in bulk).
    Value,
    /// A value labelled with its hash kind.
    Exact(&'t str, Kind, Locator),
    /// A line that cannot be a value, and why.
    Error(Locator, String),
    /// An address range, as the CIDR ranges that cover it exactly, and
    /// the range as written.
    Range(Vec<IpNet>, Locator, String),
}

/// Sorts one line: nothing for blanks, comments and header rows.
fn classify_line<'t>(
    part: &'t str,
    broad: bool,
    at: Locator,
    values: &mut Vec<(&'t str, Locator)>,
    left: &mut LeftInComments,
) -> Option<Step<'t>> {
    if let Some((kind, value)) = labelled_hash(part) {
        return Some(Step::Exact(value, kind, at));
    }
    if let Some((range, rest)) = address_range(part, broad) {
        // What follows a range is read as what follows any value: more
        // addresses and ranges load, other values are counted.
        match further_values_of(Kind::Cidr, rest) {
            Further::None => {}
            Further::List(more) => {
                values.extend(more.into_iter().map(|v| (v, at.clone())));
            }
            Further::Left(named) => left.add(&at, named),
        }
        return Some(match range {
            Ok((nets, written)) => Step::Range(nets, at, written),
            Err(msg) => Step::Error(at, msg),
        });
    }
    let (field, rest) = split_first_field(part)?;
    if is_header_word(field) && is_header_row(part) {
        return None;
    }
    if let Some(sign) = regex_sign(field) {
        let msg = format!(
            "{field:?} looks like a regular expression ({sign}), not a \
             literal indicator; regular expressions are not swept for"
        );
        return Some(Step::Error(at, msg));
    }
    values.push((field, at.clone()));
    match further_values(field, rest) {
        Further::None => Some(Step::Value),
        Further::List(more) => {
            values.extend(more.into_iter().map(|v| (v, at.clone())));
            Some(Step::Value)
        }
        Further::Left(named) => {
            left.add(&at, named);
            Some(Step::Value)
        }
    }
}

/// What the rest of a list line holds besides a comment.
enum Further<'t> {
    /// Nothing that reads as an indicator.
    None,
    /// More values of the first value's family: the line is a list.
    List(Vec<&'t str>),
    /// Values left in a comment, named as `"value" (kind)`.
    Left(String),
}

/// The kinds a line may list together after its first value.
fn family(kind: Kind) -> u8 {
    match kind {
        Kind::Ipv4 | Kind::Ipv6 | Kind::Cidr => 0,
        Kind::Md5 | Kind::Sha1 | Kind::Sha256 | Kind::Sha512 => 1,
        other => 2 + other as u8,
    }
}

/// Whether `w` could be an indicator at all: it has a dot, colon, `@` or
/// slash, or is a hash's length of hex digits. Words of a comment that
/// cannot are not classified, so comments cost little.
fn could_be_indicator(w: &str) -> bool {
    w.contains(['.', ':', '@', '/', '\\'])
        || (Kind::hash_for_len(w.len()).is_some()
            && w.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Sorts what follows a line's first value `field`: the words of `rest`
/// up to one starting with `#`, split at blanks, `,` and `;`. When every
/// word is a value of `field`'s family (`evil5.example, evil6.example`,
/// `md5 sha1 sha256` of one sample), the line is a list and they load;
/// otherwise the words that read as indicators are named, for a warning
/// (`0.0.0.0 evil.example`, a hosts-file line, loads only `0.0.0.0`).
fn further_values<'t>(field: &str, rest: &'t str) -> Further<'t> {
    // A first field that is no indicator is an error of its own, which
    // names the line.
    match indicator::parse_value(field, ParseOptions::default()) {
        Ok(first) => further_values_of(first.value.kind(), rest),
        Err(_) => Further::None,
    }
}

/// Sorts what follows a line's first value, of kind `first`, as
/// [`further_values`] does.
fn further_values_of(first: Kind, rest: &str) -> Further<'_> {
    let words: Vec<&str> = rest
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .take_while(|w| !w.starts_with('#'))
        .collect();
    let opts = ParseOptions::default();
    let kind_of = |w: &str| {
        could_be_indicator(w)
            .then(|| indicator::parse_value(w, opts).ok())
            .flatten()
            .map(|p| p.value.kind())
    };
    let found: Vec<(&str, Kind)> =
        words.iter().filter_map(|w| Some((*w, kind_of(w)?))).collect();
    if found.is_empty() {
        return Further::None;
    }
    let same = found.iter().all(|(_, k)| family(*k) == family(first));
    if same && found.len() == words.len() {
        return Further::List(words);
    }
    let mut named: Vec<String> =
        found.iter().take(3).map(|(w, k)| format!("{w:?} ({k})")).collect();
    if found.len() > 3 {
        named.push(format!("{} more", found.len() - 3));
    }
    Further::Left(named.join(" "))
}

/// Reads an address written as an IPv4 or IPv6 address, defanged or not;
/// an IPv4-mapped IPv6 address is the IPv4 address it maps.
fn range_end(s: &str) -> Option<IpAddr> {
    let s = indicator::refang(s);
    let v6 = |s: &str| s.parse::<std::net::Ipv6Addr>().ok();
    indicator::parse_ipv4_loose(&s).map(IpAddr::V4).or_else(|| {
        let a = v6(&s)?;
        Some(a.to_ipv4_mapped().map_or(IpAddr::V6(a), IpAddr::V4))
    })
}

/// The dashes that join the ends of an address range.
const DASHES: [char; 3] = ['-', '\u{2013}', '\u{2014}'];

/// Splits the next word, at blanks, off `s`: the word and what follows.
fn next_word(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    (end > 0).then(|| (&s[..end], &s[end..]))
}

/// The widest address range, in addresses less one, that loads without
/// `allow_broad_ranges`: that of the broadest CIDR range that does.
const BROADEST_V4: u128 = (1 << (32 - indicator::MIN_V4_PREFIX)) - 1;
const BROADEST_V6: u128 = (1 << (128 - indicator::MIN_V6_PREFIX)) - 1;

/// The CIDR ranges that cover an address range exactly, and the range
/// as written (`192.0.2.1 - 192.0.2.9`).
type Range = (Vec<IpNet>, String);

/// Returns the CIDR ranges covering exactly the address range a line
/// opens with (`A - B`, `A-B`, `A – B`) and the range as written, or why
/// the range is none, with the rest of the line after it; `None` when
/// the line opens with no range. A range wider than the broadest CIDR
/// range that loads without `broad` is refused whole.
fn address_range(
    line: &str,
    broad: bool,
) -> Option<(Result<Range, String>, &str)> {
    let (first, after) = next_word(line)?;
    let (a, b_and_rest) = match first.split_once(DASHES) {
        Some((a, b)) if !a.is_empty() && !b.is_empty() => {
            let at = line.len() - after.len() - first.len() + a.len();
            let dash = line[at..].chars().next().map_or(1, char::len_utf8);
            (a, &line[at + dash..])
        }
        _ => {
            let (dash, after) = next_word(after)?;
            if dash.chars().count() != 1 || !dash.starts_with(DASHES) {
                return None;
            }
            (first, after.trim_start())
        }
    };
    // The second end runs to a blank, `,` or `;`.
    let end = b_and_rest
        .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .unwrap_or(b_and_rest.len());
    let (b, rest) = b_and_rest.split_at(end);
    let (a, b) = (range_end(a)?, range_end(b)?);
    let written = format!("{a} - {b}");
    let too_wide = |span: u128, broadest: u128, min: u8, family: &str| {
        (!broad && span > broadest).then(|| {
            format!(
                "address range {written:?} is too broad to sweep for: it \
                 spans more addresses than a /{min}, the broadest {family} \
                 range loaded; pass --allow-broad-ranges to load it anyway"
            )
        })
    };
    let nets: Vec<IpNet> = match (a, b) {
        (IpAddr::V4(a), IpAddr::V4(b)) if a <= b => {
            let span = u128::from(u32::from(b) - u32::from(a));
            let min = indicator::MIN_V4_PREFIX;
            if let Some(why) = too_wide(span, BROADEST_V4, min, "IPv4") {
                return Some((Err(why), rest));
            }
            Ipv4Subnets::new(a, b, 0).map(IpNet::V4).collect()
        }
        (IpAddr::V6(a), IpAddr::V6(b)) if a <= b => {
            let span = u128::from(b) - u128::from(a);
            let min = indicator::MIN_V6_PREFIX;
            if let Some(why) = too_wide(span, BROADEST_V6, min, "IPv6") {
                return Some((Err(why), rest));
            }
            Ipv6Subnets::new(a, b, 0).map(IpNet::V6).collect()
        }
        (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
            let why = format!(
                "address range {written:?} ends below its start; not loaded"
            );
            return Some((Err(why), rest));
        }
        _ => {
            let why = format!(
                "address range {written:?} mixes IPv4 and IPv6; not loaded"
            );
            return Some((Err(why), rest));
        }
    };
    Some((Ok((nets, written)), rest))
}

/// Takes the next part of a line split at U+2028/U+2029. Both start with
/// byte 0xE2, so most lines skip the search.
fn next_part<'t>(rest: &mut Option<&'t str>) -> Option<&'t str> {
    let line = rest.take()?;
    if !line.as_bytes().contains(&0xE2) {
        return Some(line);
    }
    match line.find(['\u{2028}', '\u{2029}']) {
        Some(i) => {
            *rest = Some(&line[i + 3..]);
            Some(&line[..i])
        }
        None => Some(line),
    }
}

/// Returns the first field of a line that is neither blank nor a comment.
pub(super) fn first_field(line: &str) -> Option<&str> {
    split_first_field(line).map(|(field, _)| field)
}

/// Returns the first field of a line that is neither blank nor a
/// comment, and the rest of the line after it.
fn split_first_field(line: &str) -> Option<(&str, &str)> {
    let line = line.trim();
    if line.is_empty() || line.starts_with(['#', ';']) {
        return None;
    }
    // A path may hold blanks (`/Install Flash Player.dmg;75`): it runs to
    // the first `,`, `;`, tab or ` #`. Anything else ends at a blank too.
    let b = line.as_bytes();
    let is_path = matches!(b[0], b'/' | b'\\' | b'%')
        || (b.len() > 2 && b[0].is_ascii_alphabetic() && &b[1..3] == b":\\");
    // A URL may hold `,` and `;` (`/a,b`, `?x=1;y=2`): it runs to a blank
    // or tab, or ` #`.
    let is_url = line.split_once("://").is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.bytes().all(|c| c.is_ascii_alphabetic())
    });
    let end = if is_path {
        let end = line.find([',', ';', '\t']).unwrap_or(line.len());
        line[..end].find(" #").unwrap_or(end)
    } else if is_url {
        url_end(line)
    } else {
        line.find(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .unwrap_or(line.len())
    };
    Some((line[..end].trim_end(), &line[end..]))
}

/// Returns where a URL value ends in a list line: at a blank or tab, or
/// at a `,` or `;` before its query (`http://x.example/a,comment`). In
/// the query both are part of the URL (`?x=1;y=2`).
fn url_end(line: &str) -> usize {
    let end = line.find(char::is_whitespace).unwrap_or(line.len());
    let query = line[..end].find('?').unwrap_or(end);
    let cut = line[..query].find([',', ';']).unwrap_or(end);
    // A separator right before the blank belongs to the comment.
    let cut = line[..cut].trim_end_matches([',', ';']).len();
    cut.max(1)
}

/// Whether `field` starts as a Windows path: a drive (`C:\`) or an
/// environment variable (`%TEMP%\`) and a backslash, or a UNC share
/// (`\\server\share\`: `unc`), or a device or long path (`\\.\pipe\x`).
fn windows_path(field: &str, unc: bool) -> bool {
    let b = field.as_bytes();
    let drive = b.len() > 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && b[2] == b'\\'
        && b[3] != b'\\';
    let var = field.strip_prefix('%').and_then(|r| r.split_once("%\\"));
    let var = var.is_some_and(|(name, rest)| {
        !name.is_empty()
            && name
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"_()".contains(&c))
            && !rest.starts_with('\\')
    });
    drive || var || unc || indicator::device_path(field)
}

/// Returns what makes `field` read as a regular expression rather than a
/// value (lists such as signature-base's file-name list hold regexes),
/// or `None`. Defanged forms (`[.]`, `(.)`) are not signs of a regex.
fn regex_sign(field: &str) -> Option<&'static str> {
    const SIGNS: &[(&str, &str)] = &[
        ("(?", "an inline flag group"),
        (".*", "a '.*' wildcard"),
        (".+", "a '.+' wildcard"),
        ("[^", "a negated class"),
        ("\\\\", "an escaped backslash"),
        ("\\d", "a \\d class"),
        ("\\w", "a \\w class"),
        ("\\s", "a \\s class"),
        ("|", "an alternation"),
    ];
    let special = |b: u8| {
        matches!(
            b,
            b'(' | b'*' | b'+' | b'[' | b'\\' | b'|' | b'^' | b'$' | b'{'
        )
    };
    if !field.bytes().any(special) {
        return None;
    }
    // In a Windows path (`c:\data\x.exe`, `%tmp%\winmail.dat`) a
    // backslash before `d`, `w` or `s` is a separator, not a class.
    // A UNC path's leading `\\` (its host perhaps defanged) is no
    // escaped backslash, nor is a device or long path's (`\\.\`, `\\?\`).
    let unc = indicator::unc_host(&indicator::refang(field)).is_some();
    let path = windows_path(field, unc);
    let class = |s: &str| matches!(s, "\\d" | "\\w" | "\\s");
    let device = field.starts_with("\\\\.\\") || field.starts_with("\\\\?\\");
    let body = if unc || device { &field[2..] } else { field };
    let sign =
        SIGNS.iter().find(|(s, _)| body.contains(s) && !(path && class(s)));
    if let Some((_, why)) = sign {
        return Some(why);
    }
    if field.starts_with('^') || field.ends_with('$') {
        return Some("an anchor");
    }
    if !field.contains(['[', '{']) {
        return None;
    }
    let mut rest = field.to_ascii_lowercase();
    for defanged in ["[.]", "[dot]", "[:]", "[://]", "[/]", "[@]", "[at]"] {
        rest = rest.replace(defanged, "");
    }
    rest = without_bracketed_addresses(&rest);
    if rest.contains('[') {
        return Some("a character class");
    }
    // `{2}`, `{2,}`, `{2,5}`; a GUID (`{26a21bda-…}`) is none.
    let quantifier = rest.split('{').skip(1).any(|after| {
        let Some((count, _)) = after.split_once('}') else { return false };
        let (low, high) = count.split_once(',').unwrap_or((count, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        !low.is_empty() && digits(low) && digits(high)
    });
    quantifier.then_some("a repetition count")
}

/// Whether `s`, found between brackets, is an IPv6 or IPv4 address (an
/// e-mail address literal may tag IPv6 with `ipv6:`).
fn is_address_literal(s: &str) -> bool {
    let s = s.strip_prefix("ipv6:").unwrap_or(s);
    let v6 = s.contains(':')
        && s.bytes().all(|b| b.is_ascii_hexdigit() || b":.".contains(&b));
    v6 || crate::indicator::parse_ipv4_loose(s).is_some()
}

/// Removes bracketed address literals (`[2001:db8::1]:443`,
/// `x@[192.0.2.1]`) from `s`: their brackets are not a character class.
fn without_bracketed_addresses(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) if is_address_literal(&after[..close]) => {
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `field` is a column name such as `IOC` or `Domain`.
fn is_header_word(field: &str) -> bool {
    let field = field.trim_end_matches(':');
    HEADER_WORDS.iter().any(|w| w.eq_ignore_ascii_case(field))
}

/// Whether `line` reads as a table's header row: every field (split at
/// tab, `,`, `;` or `|`) is at most four short words, each starting with
/// a letter (after any `(`) and holding no dot, so no value hides in it.
fn is_header_row(line: &str) -> bool {
    let is_word = |w: &str| {
        let w = w.trim_start_matches('(');
        w.len() <= 20
            && w.starts_with(char::is_alphabetic)
            && w.chars().all(|c| c.is_alphanumeric() || "_-/()#:".contains(c))
    };
    line.split(['\t', ',', ';', '|']).all(|cell| {
        let words: Vec<&str> = cell.split_whitespace().collect();
        words.len() <= 4 && words.into_iter().all(is_word)
    })
}

/// Returns the hash kind and value of a `sha256:HEX`, `Sha256: HEX`,
/// `MD5: HEX` or `SHA-1: HEX` line, whose first field names the hash.
/// A label with nothing after it gives `None`.
fn labelled_hash(line: &str) -> Option<(Kind, &str)> {
    let line = line.trim_start();
    let (label, rest) = line.split_once(':')?;
    const LABELS: [(&str, Kind); 7] = [
        ("md5", Kind::Md5),
        ("sha1", Kind::Sha1),
        ("sha-1", Kind::Sha1),
        ("sha256", Kind::Sha256),
        ("sha-256", Kind::Sha256),
        ("sha512", Kind::Sha512),
        ("sha-512", Kind::Sha512),
    ];
    let label = label.trim_end();
    let (_, kind) =
        *LABELS.iter().find(|(name, _)| name.eq_ignore_ascii_case(label))?;
    let value = rest.trim_start();
    let end = value
        .find(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .unwrap_or(value.len());
    (end > 0).then(|| (kind, &value[..end]))
}

/// Returns the value of a `# key: value` line among the comment lines at
/// the top of `text` (bundled sets carry `# set:` and `# published:`).
///
/// The key compares case-insensitively; the value is trimmed. Only the
/// leading run of `#` lines is searched.
pub fn header_field<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        let comment = line.trim_start().strip_prefix('#')?;
        if let Some((k, v)) = comment.split_once(':') {
            if k.trim().eq_ignore_ascii_case(key) {
                return Some(v.trim());
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_end_at_a_comment_but_keep_their_query() {
        assert_eq!(
            first_field("http://evil.example/a, seen 2024"),
            Some("http://evil.example/a")
        );
        assert_eq!(
            first_field("http://evil.example/x,C2 server"),
            Some("http://evil.example/x")
        );
        assert_eq!(
            first_field("http://evil.example/q?a=1,2;b=3 # c"),
            Some("http://evil.example/q?a=1,2;b=3")
        );
        assert_eq!(
            first_field("hxxp://evil.example/p?x=1;y=2\tcomment"),
            Some("hxxp://evil.example/p?x=1;y=2")
        );
        assert_eq!(first_field("evil.example,comment"), Some("evil.example"));
    }

    #[test]
    fn regular_expressions_are_refused_with_the_reason() {
        assert_eq!(
            regex_sign(r"\\svcsstat\.exe"),
            Some("an escaped backslash")
        );
        assert_eq!(regex_sign(r"(?i)\procdump"), Some("an inline flag group"));
        assert_eq!(regex_sign(r"x\.(xmd|yls)$"), Some("an alternation"));
        assert_eq!(regex_sign("evil.exe$"), Some("an anchor"));
        assert_eq!(regex_sign("evil[.]example"), None);
        assert_eq!(regex_sign("hxxp[:]//a[.]b/c"), None);
        assert_eq!(regex_sign("obfusc[0-9_]{0"), Some("a character class"));
        // In a Windows path a backslash before d, w or s separates.
        assert_eq!(regex_sign(r"c:\data\windows\svc.exe"), None);
        assert_eq!(regex_sign(r"%tmp%\winmail.dat"), None);
        // Near misses: other signs still count in a path, and a backslash
        // class still counts where no path begins.
        assert_eq!(regex_sign(r"c:\data\.*\.exe"), Some("a '.*' wildcard"));
        assert_eq!(regex_sign(r"c:\\data"), Some("an escaped backslash"));
        assert_eq!(regex_sign(r"x\dy.exe"), Some("a \\d class"));
        assert_eq!(regex_sign(r"%not a var%\data"), Some("a \\d class"));
        assert_eq!(regex_sign("a{2,3}b"), Some("a repetition count"));
        assert_eq!(regex_sign("{guid}.exe"), None);
        assert_eq!(regex_sign(r"C:\Users\x\evil.exe"), None);
        // A UNC path is a path; an escaped backslash after its start is
        // still a sign.
        assert_eq!(regex_sign(r"\\server\share\x.exe"), None);
        assert_eq!(regex_sign(r"\\fs01\data\drop\w.exe"), None);
        assert_eq!(
            regex_sign(r"\\server\share\\x.exe"),
            Some("an escaped backslash")
        );
        use crate::load::{Format, test_support};
        let loaded = test_support::load_as(
            Format::Text,
            "evil.exe\n\\\\svcsstat\\.exe;70\n\\\\srv\\c$\\d.exe\n",
        );
        assert_eq!(
            test_support::shown(&loaded),
            vec!["filename \\\\srv\\c$\\d.exe @3", "filename evil.exe @1"]
        );
        assert_eq!(
            test_support::problems(&loaded),
            vec![
                "t.txt:2: \"\\\\\\\\svcsstat\\\\.exe\" looks like a regular \
                 expression (an escaped backslash), not a literal indicator; \
                 regular expressions are not swept for"
            ]
        );
    }

    #[test]
    fn device_paths_are_windows_paths() {
        // Named pipes and raw devices (`\\.\pipe\x`) and long paths
        // (`\\?\C:\x`) start with `\\`, which is no escaped backslash.
        for v in
            [r"\\.\pipe\msagent_12", r"\\.\PhysicalDrive0", r"\\?\C:\x\d.exe"]
        {
            assert_eq!(regex_sign(v), None, "{v}");
        }
        let loaded = load("\\\\.\\pipe\\msagent_12\n\\\\.\\x\\\\y\n");
        assert_eq!(
            shown(&loaded),
            vec!["filename \\\\.\\pipe\\msagent_12 @1"]
        );
        // A volume's GUID is no repetition count, a defanged UNC host is
        // a UNC host, and so is an address's share.
        let more = load(
            "\\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\x.exe\n\
             \\\\evil[.]example\\share\\x.exe\nx{2}\nab{3}.exe\n\
             \\\\203.0.113.5\\webdav\n",
        );
        assert_eq!(
            shown(&more),
            vec![
                "filename \\\\203.0.113.5\\webdav @5",
                "filename \\\\?\\Volume{26a21bda-a627-11d7-9931-806e6f6e6963}\\x.exe @1",
                "filename \\\\evil.example\\share\\x.exe @2",
            ]
        );
        let why = problems(&more);
        assert_eq!(why.len(), 2, "{why:?}");
        assert!(
            why.iter().all(|p| p.contains("a repetition count")),
            "{why:?}"
        );
        // A wildcard after a device prefix is told as one.
        let wild = load("\\\\.\\pipe\\*\n");
        assert!(
            problems(&wild)[0].contains("holds a wildcard"),
            "{:?}",
            problems(&wild)
        );
        // Near miss: an escaped backslash after the start is still one.
        assert_eq!(
            problems(&loaded),
            vec![
                "t.txt:2: \"\\\\\\\\.\\\\x\\\\\\\\y\" looks like a regular \
                 expression (an escaped backslash), not a literal indicator; \
                 regular expressions are not swept for"
            ]
        );
    }
    use crate::load::test_support::{load_as, problems, shown};
    use crate::load::{Format, Severity};

    fn load(text: &str) -> crate::load::Loaded {
        load_as(Format::Text, text)
    }

    #[test]
    fn takes_the_first_field_of_each_line() {
        let got = load(
            "\u{feff}# list\r\n\
             ; also a comment\r\n\
             \r\n\
             192.0.2.1,seen 2024\r\n\
             198.51.100[.]7\tc2\r\n\
             EVIL.example;65\r\n\
             hxxp://bad.example/a # dropper\r\n\
             a.example.test  trailing words\r\n",
        );
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.1 @4",
                "ipv4 198.51.100.7 @5",
                "domain a.example.test @8",
                "domain evil.example @6",
                "url http://bad.example/a @7",
            ]
        );
    }

    #[test]
    fn drop_lists_load_ranges_before_their_comments() {
        let got = load(
            "; Spamhaus DROP List 2024/04/04\n\
             ; Last-Modified: Thu, 04 Apr 2024\n\
             192.0.2.0/24 ; SBL123\n\
             198.51.100.0/22;SBL456\n\
             2001:db8::/32 ; SBL789\n\
             203.0.113.0/33 ; SBL000\n",
        );
        assert_eq!(
            shown(&got),
            [
                "cidr 192.0.2.0/24 @3",
                "cidr 198.51.100.0/22 @4",
                "cidr 2001:db8::/32 @5",
            ]
        );
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        assert!(problems(&got)[0].starts_with("t.txt:6: "));
    }

    #[test]
    fn hashes_are_lower_cased_with_their_line() {
        let md5 = "D41D8CD98F00B204E9800998ECF8427E";
        let got = load(&format!("{md5};SIGNATURE COMMENT\n"));
        let (_, ind) = got.set.iter().next().unwrap();
        assert_eq!(ind.kind(), Kind::Md5);
        assert_eq!(ind.value.to_string(), md5.to_ascii_lowercase());
    }

    #[test]
    fn header_rows_are_skipped_but_prose_is_an_error() {
        let got = load(
            "IOC\tType\tFirst Seen\n\
             203.0.113.5\tIP\t2024-01-01\n\
             IP address, Association\n\
             Yara Rules\n",
        );
        assert_eq!(shown(&got), ["ipv4 203.0.113.5 @2"]);
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        let p = &got.problems[0];
        assert_eq!(p.severity, Severity::Error);
        assert_eq!(p.to_string().split(": ").next(), Some("t.txt:4"));
        assert!(p.message.contains("\"Yara\" is not an indicator"));
    }

    #[test]
    fn prose_starting_with_a_column_name_is_not_a_header() {
        let got = load(
            "IP address | First Seen (UTC)\n\
             hxxps://kkthreas[.]com\n    \
             domain resolves to 198.98.56[.]93, This IP address has\n\
             Domain:\n\
             hash 12 files\n\
             URL,ip.address\n",
        );
        assert_eq!(shown(&got), ["url https://kkthreas.com @2"]);
        let not_one = "is not an indicator: expected an IP address, CIDR \
                       range, domain, URL, e-mail address, \
                       MD5/SHA-1/SHA-256/SHA-512 hash or file name";
        assert_eq!(
            problems(&got),
            [
                format!("t.txt:3: \"domain\" {not_one}"),
                format!("t.txt:5: \"hash\" {not_one}"),
                format!("t.txt:6: \"URL\" {not_one}"),
            ]
        );
    }

    #[test]
    fn a_hash_label_types_the_value_after_it() {
        let (a, b, c) = ("ab".repeat(32), "cd".repeat(20), "ef".repeat(16));
        let got = load(&format!(
            "    sha256:E48c{}\n\
             Sha256:{a} \u{a0}\n\
             Sha1:\u{a0}{b}\n\
             MD5: {c}, dropper\n\
             SHA-1 : {c}\n\
             sha-512:{a}\n\
             SHA256:\n\
             md5sum: {c}\n",
            "0".repeat(60)
        ));
        assert_eq!(
            shown(&got),
            [
                format!("md5 {c} @4"),
                format!("sha1 {b} @3"),
                format!("sha256 {a} @2"),
                format!("sha256 e48c{} @1", "0".repeat(60)),
            ]
        );
        assert_eq!(
            problems(&got),
            [
                format!(
                    "t.txt:5: \"{c}\" is not an sha1 hash: expected 40 hex \
                     digits, found 32"
                ),
                format!(
                    "t.txt:6: \"{a}\" is not an sha512 hash: expected 128 \
                     hex digits, found 64"
                ),
                "t.txt:8: \"md5sum:\" is not an indicator: expected an IP \
                 address, CIDR range, domain, URL, e-mail address, \
                 MD5/SHA-1/SHA-256/SHA-512 hash or file name"
                    .to_string(),
            ]
        );
    }

    #[test]
    fn odd_names_load_or_are_refused_naming_their_line() {
        let got = load(
            "bücher.example\n\
             xn--bcher-kva.example\n\
             *.wild.test\n\
             x@[192.0.2.1]\n\
             x@[1.2.3]\n\
             y@[IPv6:2001:db8::1]\n",
        );
        assert_eq!(
            shown(&got),
            [
                "domain bücher.example @1",
                "domain wild.test @3",
                "domain xn--bcher-kva.example @2",
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt:3: warning: \"*.wild.test\" starts with a wildcard \
                 label; loaded as wild.test, which matches every subdomain \
                 anyway",
                "t.txt:4: \"x@[192.0.2.1]\" is an e-mail address with an \
                 address literal as its domain; e-mail addresses with \
                 address literals are not supported",
                "t.txt:5: \"x@[1.2.3]\" looks like a regular expression (a \
                 character class), not a literal indicator; regular \
                 expressions are not swept for",
                "t.txt:6: \"y@[IPv6:2001:db8::1]\" is an e-mail address \
                 with an address literal as its domain; e-mail addresses \
                 with address literals are not supported",
            ]
        );
    }

    #[test]
    fn near_misses_are_errors() {
        let got = load("1.2.3\n256.1.1.1\nlocalhost\n");
        let lines: Vec<_> =
            got.problems.iter().filter_map(|p| p.at.clone()).collect();
        assert_eq!(
            lines,
            [Locator::Line(1), Locator::Line(2), Locator::Line(3)]
        );
        assert!(got.set.is_empty());
    }

    #[test]
    fn unicode_line_separators_split_a_line() {
        let sha = "ab".repeat(32);
        let got = load(&format!("203.0.113.1\nx86_64.exe\u{2028}{sha}\n"));
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(
            shown(&got),
            [
                "ipv4 203.0.113.1 @1".to_string(),
                format!("sha256 {sha} @2"),
                "filename x86_64.exe @2".into(),
            ]
        );
    }

    #[test]
    fn an_address_range_loads_as_the_cidr_ranges_covering_it() {
        let got = load(
            "198.51.100.1 - 198.51.100.9\n\
             192.0.2.0-192.0.2.255 # one whole /24\n\
             203.0.113.10 \u{2013} 203.0.113[.]11\n\
             2001:db8::-2001:db8::1:0\n\
             198.51.100.20 - 198.51.100.19\n\
             192.0.2.1 - 2001:db8::1\n\
             my-evil.example\n\
             203.0.113.50 - seen twice\n",
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 198.51.100.1 @1",
                "ipv4 203.0.113.50 @8",
                "ipv6 2001:db8::1:0 @4",
                "cidr 192.0.2.0/24 @2",
                "cidr 198.51.100.2/31 @1",
                "cidr 198.51.100.4/30 @1",
                "cidr 198.51.100.8/31 @1",
                "cidr 203.0.113.10/31 @3",
                "cidr 2001:db8::/112 @4",
                "domain my-evil.example @7",
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt:1: warning: address range \"198.51.100.1 - \
                 198.51.100.9\" loaded as the 4 CIDR ranges that cover it \
                 exactly: 198.51.100.1/32, 198.51.100.2/31, \
                 198.51.100.4/30, 198.51.100.8/31",
                "t.txt:2: warning: address range \"192.0.2.0 - \
                 192.0.2.255\" loaded as the CIDR range that covers it \
                 exactly: 192.0.2.0/24",
                "t.txt:3: warning: address range \"203.0.113.10 - \
                 203.0.113.11\" loaded as the CIDR range that covers it \
                 exactly: 203.0.113.10/31",
                "t.txt:4: warning: address range \"2001:db8:: - \
                 2001:db8::1:0\" loaded as the 2 CIDR ranges that cover \
                 it exactly: 2001:db8::/112, 2001:db8::1:0/128",
                "t.txt:5: address range \"198.51.100.20 - 198.51.100.19\" \
                 ends below its start; not loaded",
                "t.txt:6: address range \"192.0.2.1 - 2001:db8::1\" mixes \
                 IPv4 and IPv6; not loaded",
            ]
        );
    }

    #[test]
    fn values_after_a_range_load_as_after_any_value() {
        let got = load(
            "198.51.100.1 - 198.51.100.3, 203.0.113.7\n\
             192.0.2.0-192.0.2.1;192.0.2.9 2001:db8::/48\n\
             192.0.2.20 - 192.0.2.21 evil.example\n\
             192.0.2.30 - 192.0.2.31 # c2 evil2.example\n",
        );
        assert_eq!(
            shown(&got),
            [
                "ipv4 192.0.2.9 @2",
                "ipv4 198.51.100.1 @1",
                "ipv4 203.0.113.7 @1",
                "cidr 192.0.2.0/31 @2",
                "cidr 192.0.2.20/31 @3",
                "cidr 192.0.2.30/31 @4",
                "cidr 198.51.100.2/31 @1",
                "cidr 2001:db8::/48 @2",
            ]
        );
        assert_eq!(
            problems(&got),
            [
                "t.txt:1: warning: address range \"198.51.100.1 - \
                 198.51.100.3\" loaded as the 2 CIDR ranges that cover it \
                 exactly: 198.51.100.1/32, 198.51.100.2/31",
                "t.txt:2: warning: address range \"192.0.2.0 - \
                 192.0.2.1\" loaded as the CIDR range that covers it \
                 exactly: 192.0.2.0/31",
                "t.txt:3: warning: address range \"192.0.2.20 - \
                 192.0.2.21\" loaded as the CIDR range that covers it \
                 exactly: 192.0.2.20/31",
                "t.txt:4: warning: address range \"192.0.2.30 - \
                 192.0.2.31\" loaded as the CIDR range that covers it \
                 exactly: 192.0.2.30/31",
                "t.txt: warning: 1 line holds more values after the \
                 first, read as a comment and not loaded (line 3: \
                 \"evil.example\" (domain)): a line lists several values \
                 only when all of them are of the first one's kind; put \
                 each on a line of its own to load it",
            ]
        );
    }

    #[test]
    fn a_range_broader_than_a_slash_8_is_refused_whole() {
        let text = "1.0.0.0 - 2.255.255.255\n\
                    0.0.0.1 - 255.255.255.254\n\
                    ::1 - ffff::\n\
                    1.2.3.4 - 9.255.255.255\n\
                    10.0.0.0 - 11.0.0.0\n\
                    ::ffff:1.0.0.0 - ::ffff:2.255.255.255\n\
                    20.0.0.0 - 20.255.255.255\n\
                    20.0.0.1 - 21.0.0.0\n\
                    2001:: - 2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n";
        let got = load(text);
        let too_broad = |range: &str, min: u8, family: &str| {
            format!(
                "address range \"{range}\" is too broad to sweep for: it \
                 spans more addresses than a /{min}, the broadest {family} \
                 range loaded; pass --allow-broad-ranges to load it anyway"
            )
        };
        let p = problems(&got);
        assert_eq!(
            p[..6],
            [
                format!(
                    "t.txt:1: {}",
                    too_broad("1.0.0.0 - 2.255.255.255", 8, "IPv4")
                ),
                format!(
                    "t.txt:2: {}",
                    too_broad("0.0.0.1 - 255.255.255.254", 8, "IPv4")
                ),
                format!("t.txt:3: {}", too_broad("::1 - ffff::", 16, "IPv6")),
                format!(
                    "t.txt:4: {}",
                    too_broad("1.2.3.4 - 9.255.255.255", 8, "IPv4")
                ),
                format!(
                    "t.txt:5: {}",
                    too_broad("10.0.0.0 - 11.0.0.0", 8, "IPv4")
                ),
                format!(
                    "t.txt:6: {}",
                    too_broad("1.0.0.0 - 2.255.255.255", 8, "IPv4")
                ),
            ]
        );
        // Near misses: a whole /8, and one address short of two /8s'
        // worth, load; as does an IPv6 /16.
        assert_eq!(
            shown(&got)
                .iter()
                .filter(|l| l.ends_with("@7") || l.ends_with("@9"))
                .collect::<Vec<_>>(),
            ["cidr 20.0.0.0/8 @7", "cidr 2001::/16 @9"]
        );
        assert_eq!(
            shown(&got).iter().filter(|l| l.ends_with("@8")).count(),
            25
        );
        assert_eq!(p.len(), 9, "{p:?}");
        let line8 = p.iter().find(|l| l.starts_with("t.txt:8:")).unwrap();
        assert!(line8.contains("loaded as the 25 CIDR ranges"), "{line8}");
        // Forced, every piece loads and the warning counts them.
        let mut opts = crate::load::LoadOptions::default();
        opts.parse.allow_broad_ranges = true;
        let got = crate::load::test_support::load_as_with(
            Format::Text,
            "1.2.3.4 - 9.255.255.255\n",
            opts,
        );
        assert_eq!(got.set.len(), 22);
        assert_eq!(
            problems(&got)[0].split(": ").take(3).collect::<Vec<_>>()[2],
            "address range \"1.2.3.4 - 9.255.255.255\" loaded as the 22 CIDR \
             ranges that cover it exactly"
        );
    }

    #[test]
    fn further_values_of_one_kind_make_a_list_and_others_a_warning() {
        let (md5, sha1) = ("ab".repeat(16), "cd".repeat(20));
        let got = load(&format!(
            "evil5.example, evil6.example\n\
             192.0.2.1 192.0.2.0/24;2001:db8::7 # c2 evil.example\n\
             {md5} {sha1}\n\
             0.0.0.0 hosts.example\n\
             evil.example,C2 server seen 2024\n\
             drop.exe, dropped by x.dll\n\
             api.googlemaps AIza=\n\
             hxxp://a[.]example/x hxxp://b[.]example/y\n"
        ));
        assert_eq!(
            shown(&got),
            [
                "ipv4 0.0.0.0 @4".to_string(),
                "ipv4 192.0.2.1 @2".into(),
                "ipv6 2001:db8::7 @2".into(),
                "cidr 192.0.2.0/24 @2".into(),
                "domain api.googlemaps @7".into(),
                "domain evil.example @5".into(),
                "domain evil5.example @1".into(),
                "domain evil6.example @1".into(),
                "url http://a.example/x @8".into(),
                "url http://b.example/y @8".into(),
                format!("md5 {md5} @3"),
                format!("sha1 {sha1} @3"),
                "filename drop.exe @6".into(),
            ]
        );
        assert_eq!(
            problems(&got),
            ["t.txt: warning: 2 lines hold more values after the first, \
              read as a comment and not loaded (line 4: \"hosts.example\" \
              (domain), line 6: \"x.dll\" (filename)): a line lists \
              several values only when all of them are of the first one's \
              kind; put each on a line of its own to load it"]
        );
    }

    #[test]
    fn header_fields_come_from_the_leading_comments() {
        let text = "# set: AA24-249A\n#Published : 2024-09-05\n\
                    192.0.2.1\n# late: no\n";
        assert_eq!(header_field(text, "set"), Some("AA24-249A"));
        assert_eq!(header_field(text, "published"), Some("2024-09-05"));
        assert_eq!(header_field(text, "late"), None);
        assert_eq!(header_field("192.0.2.1\n# set: x\n", "set"), None);
    }
}
