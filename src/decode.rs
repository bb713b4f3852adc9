//! Decoders: secrets hidden in base64, hex, percent-encoding, string escapes
//! or UTF-16 text are decoded and matched again.
//!
//! A decoder turns part of an input into a [`View`]: the decoded bytes with
//! a little of the surrounding line kept around them, so that a name such
//! as `password:` still stands next to the value it names (a Kubernetes
//! Secret's `data:` entries, a notebook's escaped source line). Each byte of
//! a view maps back to an offset of the input it came from, so a finding in
//! decoded text is reported at the line and column of the encoded text.
//!
//! Memory stays flat: a view is never longer than the text it decodes plus
//! [`PREFIX_MAX`] + [`SUFFIX_MAX`] bytes, each input gets a budget of view
//! bytes, and decoding nests at most [`MAX_DEPTH`] levels.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;

/// How many decodings may nest (base64 inside base64, escapes inside
/// base64).
pub const MAX_DEPTH: usize = 2;

/// Shortest base64 run decoded: 16 characters hold 12 bytes, enough for a
/// short password.
const BASE64_MIN: usize = 16;

/// Shortest hex run decoded (16 bytes).
const HEX_MIN: usize = 32;

/// Longest encoded run decoded at once.
const RUN_MAX: usize = 1 << 20;

/// Bytes of the line kept before a decoded value, for its name.
pub const PREFIX_MAX: usize = 200;

/// Bytes of the line kept after a decoded value.
pub const SUFFIX_MAX: usize = 64;

/// Around each escape in a line longer than this, only a window of
/// [`LINE_WINDOW`] bytes either side is decoded.
const LONG_LINE: usize = 8 << 10;
const LINE_WINDOW: usize = 1 << 10;

/// An encoding a decoder undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// Standard or URL-safe base64, padded or not, possibly wrapped over
    /// several lines.
    Base64,
    /// Hexadecimal bytes.
    Hex,
    /// URL percent-encoding (`%40`).
    Percent,
    /// String escapes: `\"`, `\\`, `\n`, `\uXXXX`, `\xNN`.
    Escape,
    /// UTF-16 text (with or without a byte order mark).
    #[serde(rename = "utf-16")]
    Utf16,
}

impl Encoding {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Hex => "hex",
            Encoding::Percent => "percent",
            Encoding::Escape => "escape",
            Encoding::Utf16 => "utf-16",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decoded text and where each of its bytes came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct View {
    /// The decoded bytes, with some of their line around them.
    pub text: Vec<u8>,
    /// `map[i]`: the offset in the decoded input of `text[i]`'s source;
    /// one more entry maps the end of `text`.
    pub map: Vec<usize>,
    /// What was decoded.
    pub encoding: Encoding,
}

impl View {
    /// The range of `input` (the text this view decodes) that a range of
    /// the view's text came from. It ends where the next decoded byte
    /// starts, but not past the end of the line of the last one.
    pub fn source_range(&self, range: Range<usize>, input: &[u8]) -> Range<usize> {
        let start = self.map[range.start];
        let last = self.map[range.end.saturating_sub(1).max(range.start)];
        let line_end = memchr::memchr(b'\n', &input[last..]).map_or(input.len(), |i| last + i);
        let end = self.map[range.end].min(line_end).max(last + 1);
        start..end.max(start + 1)
    }
}

/// Decodes UTF-16 text, with or without a byte order mark. `None` unless
/// the bytes look like UTF-16 text: a BOM, or zero high bytes in most code
/// units of the first kilobyte, and printable text once decoded.
///
/// ```
/// use leakhound::decode::utf16;
/// let bytes: Vec<u8> = "key = 1\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert_eq!(utf16(&bytes).as_deref(), Some("key = 1\n"));
/// assert_eq!(utf16(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
/// ```
pub fn utf16(bytes: &[u8]) -> Option<String> {
    let (body, little) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => (bytes, utf16_order(bytes)?),
    };
    let units = body.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    printable(text.as_bytes()).then_some(text)
}

/// Byte order of BOM-less UTF-16: `Some(true)` for little-endian when most
/// code units of the first kilobyte are ASCII (one zero byte, one not).
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(1024) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut le, mut be) = (0, 0);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (a, 0) if a != 0 => le += 1,
            (0, b) if b != 0 => be += 1,
            _ => {}
        }
    }
    if le * 10 >= pairs * 9 {
        Some(true)
    } else if be * 10 >= pairs * 9 {
        Some(false)
    } else {
        None
    }
}

/// Whether decoded bytes are text: valid UTF-8 without control characters
/// other than tab, line feed and carriage return.
fn printable(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            !text.is_empty()
                && text
                    .chars()
                    .all(|c| !c.is_control() || "\t\n\r".contains(c))
        }
        Err(_) => false,
    }
}

/// Appends to `out` the views of every decodable part of `input`: base64
/// and hex runs that decode to text, and lines with percent-encoding or
/// string escapes. `budget` is the number of view bytes still allowed for
/// this input; it returns `false` if the budget ran out. `worth` says
/// whether plain text could hold a match (it contains a rule keyword): a
/// line whose only escapes are escaped quotes is decoded only if it is
/// worth it, since removing backslashes cannot create a keyword.
pub fn views(
    input: &[u8],
    budget: &mut usize,
    worth: &dyn Fn(&[u8]) -> bool,
    out: &mut Vec<View>,
) -> bool {
    let whole = 0..input.len();
    views_in(input, std::slice::from_ref(&whole), budget, worth, out)
}

/// [`views`] of the parts `ranges` of `input` only: its base64 and hex runs,
/// then its escaped lines, range by range. Each range must start at the
/// start of a line and end just past a line break (or at the end of the
/// input), and no base64 block wrapped over lines may cross from one range
/// into what follows it; the views are then those that [`views`] makes in
/// those ranges, in the same order.
pub fn views_in(
    input: &[u8],
    ranges: &[Range<usize>],
    budget: &mut usize,
    worth: &dyn Fn(&[u8]) -> bool,
    out: &mut Vec<View>,
) -> bool {
    for range in ranges {
        if !runs(input, range.clone(), budget, out) {
            return false;
        }
    }
    for range in ranges {
        // Only lines with a backslash or a percent sign can hold an escape.
        let mut next_line = range.start;
        for at in memchr::memchr2_iter(b'\\', b'%', &input[range.clone()]) {
            let at = range.start + at;
            if at < next_line {
                continue;
            }
            let start = memchr::memrchr(b'\n', &input[..at]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &input[at..]).map_or(input.len(), |i| at + i);
            next_line = end + 1;
            if !escaped_line(input, start..end, budget, worth, out) {
                return false;
            }
        }
    }
    true
}

/// Bytes of the base64 alphabets, standard and URL-safe.
const BASE64_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'-' | b'_');
        b += 1;
    }
    table
};

fn is_base64_byte(b: u8) -> bool {
    BASE64_BYTES[b as usize]
}

/// Finds base64 and hex runs and decodes those that are text.
fn runs(input: &[u8], range: Range<usize>, budget: &mut usize, out: &mut Vec<View>) -> bool {
    // Runs shorter than BASE64_MIN are never decoded, so only every
    // BASE64_MIN-th byte needs a look: a run long enough covers one of them.
    // `i` is always at the start of the range or just past a run. No run
    // holds a line break, so none ends past the range.
    let mut i = range.start;
    while i + BASE64_MIN <= range.end {
        let probe = i + BASE64_MIN - 1;
        if !is_base64_byte(input[probe]) {
            i = probe + 1;
            continue;
        }
        let mut start = probe;
        while start > i && is_base64_byte(input[start - 1]) {
            start -= 1;
        }
        let run_end = probe
            + input[probe..]
                .iter()
                .take_while(|&&b| is_base64_byte(b))
                .count();
        if run_end - start < BASE64_MIN {
            i = run_end;
            continue;
        }
        let pieces = base64_block(input, start);
        let end = pieces.last().map_or(run_end, |p| p.end);
        let chars: usize = pieces.iter().map(|p| p.len()).sum();
        if (BASE64_MIN..=RUN_MAX).contains(&chars)
            && let Some(view) = decode_run(input, &pieces)
        {
            if view.text.len() > *budget {
                return false;
            }
            *budget -= view.text.len();
            out.push(view);
        }
        i = end.max(run_end);
    }
    true
}

/// The pieces of a base64 run starting at `start`: the run itself, and when
/// it fills its line, the following lines of the same length that are runs
/// too (base64 wrapped at 64 or 76 columns). Padding `=` is included.
fn base64_block(input: &[u8], start: usize) -> Vec<Range<usize>> {
    let mut pieces = vec![run_at(input, start)];
    loop {
        let last = pieces.last().expect("one piece").clone();
        let width = pieces[0].len();
        if width < 40 || last.len() != width || !ends_line(input, last.end) {
            break;
        }
        let next = next_line_start(input, last.end);
        let next = skip_blanks(input, next);
        if next >= input.len() || !is_base64_byte(input[next]) {
            break;
        }
        let piece = run_at(input, next);
        if piece.len() > width || !ends_line(input, piece.end) {
            break;
        }
        pieces.push(piece);
    }
    pieces
}

fn run_at(input: &[u8], start: usize) -> Range<usize> {
    let mut end = start;
    while end < input.len() && is_base64_byte(input[end]) {
        end += 1;
    }
    let mut padding = 0;
    while end < input.len() && input[end] == b'=' && padding < 2 {
        end += 1;
        padding += 1;
    }
    start..end
}

fn ends_line(input: &[u8], end: usize) -> bool {
    let rest = &input[end..];
    rest.starts_with(b"\n") || rest.starts_with(b"\r\n")
}

fn next_line_start(input: &[u8], end: usize) -> usize {
    memchr::memchr(b'\n', &input[end..]).map_or(input.len(), |i| end + i + 1)
}

fn skip_blanks(input: &[u8], mut i: usize) -> usize {
    while i < input.len() && matches!(input[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// Decodes a run as hex or base64; `None` unless the result is text.
fn decode_run(input: &[u8], pieces: &[Range<usize>]) -> Option<View> {
    let encoded: Cow<'_, [u8]> = match pieces {
        [one] => Cow::Borrowed(trim_padding(&input[one.clone()])),
        _ => pieces
            .iter()
            .flat_map(|p| &input[p.clone()])
            .copied()
            .filter(|&b| b != b'=')
            .collect(),
    };
    let hex = encoded.len() >= HEX_MIN
        && encoded.len().is_multiple_of(2)
        && encoded.iter().all(u8::is_ascii_hexdigit);
    let (decoded, encoding, ratio) = if hex {
        (decode_hex(&encoded)?, Encoding::Hex, (2, 1))
    } else if mixed_case(&encoded) && text_start(&encoded) {
        (decode_base64(&encoded)?, Encoding::Base64, (4, 3))
    } else {
        return None;
    };
    if decoded.len() < 8 || !printable(&decoded) {
        return None;
    }
    // Source offset of each encoded character.
    let sources: Vec<usize> = pieces
        .iter()
        .flat_map(|p| p.clone())
        .filter(|&i| input[i] != b'=')
        .collect();
    let map = (0..decoded.len()).map(|j| sources[(j * ratio.0 / ratio.1).min(sources.len() - 1)]);
    let end = pieces.last().expect("one piece").end;
    Some(with_context(
        input,
        pieces[0].start,
        end,
        &decoded,
        map,
        encoding,
    ))
}

fn trim_padding(run: &[u8]) -> &[u8] {
    let end = run.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    &run[..end]
}

/// Whether the first eight characters of a base64 run decode to bytes that
/// can start text: rules out nearly every identifier and binary blob before
/// anything is allocated.
fn text_start(encoded: &[u8]) -> bool {
    let Some(head) = encoded.get(..8) else {
        return false;
    };
    let mut buf = [0u8; 6];
    let engine = engine_for(head);
    match engine.decode_slice(head, &mut buf) {
        Ok(n) => buf[..n].iter().all(|&b| {
            b >= 0x80 || b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b)
        }),
        Err(_) => false,
    }
}

/// Base64 of text has both cases; identifiers and hashes in one case are
/// not worth decoding.
fn mixed_case(encoded: &[u8]) -> bool {
    encoded.iter().any(u8::is_ascii_uppercase) && encoded.iter().any(u8::is_ascii_lowercase)
}

fn decode_hex(encoded: &[u8]) -> Option<Vec<u8>> {
    encoded
        .chunks_exact(2)
        .map(|pair| {
            let digit = |b: u8| (b as char).to_digit(16);
            Some((digit(pair[0])? * 16 + digit(pair[1])?) as u8)
        })
        .collect()
}

const CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_encode_padding(false)
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);

/// The URL-safe alphabet if the text uses `-` or `_`, else the standard one.
fn engine_for(encoded: &[u8]) -> &'static GeneralPurpose {
    if encoded.iter().any(|b| matches!(b, b'-' | b'_')) {
        &URL_SAFE
    } else {
        &STANDARD
    }
}

/// Decodes standard base64 as a whole, padded or not (no stray characters
/// dropped, unlike the runs found in text).
pub fn standard_base64(encoded: &[u8]) -> Option<Vec<u8>> {
    STANDARD.decode(encoded).ok()
}

fn decode_base64(encoded: &[u8]) -> Option<Vec<u8>> {
    let url_safe = encoded.iter().any(|b| matches!(b, b'-' | b'_'));
    let standard = encoded.iter().any(|b| matches!(b, b'+' | b'/'));
    if url_safe && standard {
        return None;
    }
    // A length of 4n+1 cannot be base64: drop the stray last character.
    let usable = if encoded.len() % 4 == 1 {
        &encoded[..encoded.len() - 1]
    } else {
        encoded
    };
    let engine = engine_for(encoded);
    engine.decode(usable).ok()
}

/// A view of `decoded` (which replaced `input[start..end]`) with up to
/// [`PREFIX_MAX`] bytes of its line before it and [`SUFFIX_MAX`] after.
fn with_context(
    input: &[u8],
    start: usize,
    end: usize,
    decoded: &[u8],
    decoded_map: impl Iterator<Item = usize>,
    encoding: Encoding,
) -> View {
    let line_start = memchr::memrchr(b'\n', &input[..start]).map_or(0, |i| i + 1);
    let prefix_start = char_floor(input, line_start.max(start.saturating_sub(PREFIX_MAX)));
    let line_end = memchr::memchr(b'\n', &input[end..]).map_or(input.len(), |i| end + i);
    // In invalid UTF-8 the character boundary search could step back
    // before `end`.
    let suffix_end = char_floor(input, line_end.min(end + SUFFIX_MAX)).max(end);
    let mut text = Vec::with_capacity(start - prefix_start + decoded.len() + suffix_end - end);
    let mut map = Vec::with_capacity(text.capacity() + 1);
    text.extend_from_slice(&input[prefix_start..start]);
    map.extend(prefix_start..start);
    text.extend_from_slice(decoded);
    map.extend(decoded_map);
    text.extend_from_slice(&input[end..suffix_end]);
    map.extend(end..suffix_end);
    map.push(suffix_end);
    View {
        text,
        map,
        encoding,
    }
}

fn char_floor(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

/// Decodes percent-encoding or string escapes in one line (or, in a long
/// line, in windows around them).
fn escaped_line(
    input: &[u8],
    line: Range<usize>,
    budget: &mut usize,
    worth: &dyn Fn(&[u8]) -> bool,
    out: &mut Vec<View>,
) -> bool {
    let text = &input[line.clone()];
    for (encoding, first) in [
        (Encoding::Escape, first_escape(text)),
        (Encoding::Percent, first_percent(text)),
    ] {
        let Some(first) = first else { continue };
        if encoding == Encoding::Escape && !has_code_escape(text) && !worth(text) {
            continue;
        }
        let window = if text.len() > LONG_LINE {
            let start = char_floor(text, first.saturating_sub(LINE_WINDOW));
            let end = char_floor(text, (first + LINE_WINDOW * 2).min(text.len())).max(start);
            line.start + start..line.start + end
        } else {
            line.clone()
        };
        let (decoded, map) = match encoding {
            Encoding::Escape => unescape(input, window),
            _ => unpercent(input, window),
        };
        if decoded.len() > *budget {
            return false;
        }
        if printable(&decoded) {
            *budget -= decoded.len();
            out.push(View {
                text: decoded,
                map,
                encoding,
            });
        }
    }
    true
}

/// Offset of the first escape that hides a secret's shape from the rules:
/// an escaped quote, `\uXXXX` or `\xNN`.
fn first_escape(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'\\', text).find(|&i| escape_kind(text, i).is_some())
}

/// Whether a line has a `\uXXXX` or `\xNN` escape, which can hide any
/// character.
fn has_code_escape(text: &[u8]) -> bool {
    memchr::memchr_iter(b'\\', text).any(|i| escape_kind(text, i) == Some(Escape::Code))
}

/// The escapes [`first_escape`] looks for.
#[derive(PartialEq)]
enum Escape {
    /// `\"` or `\'`.
    Quote,
    /// `\uXXXX` or `\xNN`.
    Code,
}

/// The escape the backslash at `i` starts, if it is one of [`Escape`].
fn escape_kind(text: &[u8], i: usize) -> Option<Escape> {
    match text.get(i + 1) {
        Some(b'"' | b'\'') => Some(Escape::Quote),
        Some(b'u') => hex_digits(text, i + 2, 4).map(|_| Escape::Code),
        Some(b'x') => hex_digits(text, i + 2, 2).map(|_| Escape::Code),
        _ => None,
    }
}

/// Offset of the first `%XX` escape.
fn first_percent(text: &[u8]) -> Option<usize> {
    memchr::memchr_iter(b'%', text).find(|&i| hex_digits(text, i + 1, 2).is_some())
}

/// The value of `count` hex digits at `at`.
fn hex_digits(text: &[u8], at: usize, count: usize) -> Option<u32> {
    let digits = text.get(at..at + count)?;
    digits.iter().try_fold(0u32, |value, &b| {
        Some(value * 16 + (b as char).to_digit(16)?)
    })
}

/// Undoes JSON and C-style string escapes in `input[range]`.
fn unescape(input: &[u8], range: Range<usize>) -> (Vec<u8>, Vec<usize>) {
    let mut text = Vec::with_capacity(range.len());
    let mut map = Vec::with_capacity(range.len() + 1);
    let mut i = range.start;
    while i < range.end {
        let (decoded, width) = escape_at(input, i, range.end);
        match decoded {
            Some(c) => {
                let mut buf = [0u8; 4];
                let bytes = c.encode_utf8(&mut buf).as_bytes();
                text.extend_from_slice(bytes);
                map.extend(std::iter::repeat_n(i, bytes.len()));
            }
            None => {
                text.push(input[i]);
                map.push(i);
            }
        }
        i += width;
    }
    map.push(range.end);
    (text, map)
}

/// The character an escape at `i` stands for and its width, or `None` and
/// width 1 if there is no escape at `i`.
fn escape_at(input: &[u8], i: usize, end: usize) -> (Option<char>, usize) {
    let text = &input[..end];
    if text[i] != b'\\' || i + 1 >= end {
        return (None, 1);
    }
    let simple = match text[i + 1] {
        b'"' => Some('"'),
        b'\'' => Some('\''),
        b'\\' => Some('\\'),
        b'/' => Some('/'),
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        _ => None,
    };
    if let Some(c) = simple {
        return (Some(c), 2);
    }
    if text[i + 1] == b'x'
        && let Some(value) = hex_digits(text, i + 2, 2)
    {
        return (char::from_u32(value), 4);
    }
    if text[i + 1] == b'u'
        && let Some(high) = hex_digits(text, i + 2, 4)
    {
        // A surrogate pair: \uD83D\uDE00.
        if (0xD800..0xDC00).contains(&high)
            && text.get(i + 6..i + 8) == Some(b"\\u")
            && let Some(low) = hex_digits(text, i + 8, 4)
            && (0xDC00..0xE000).contains(&low)
        {
            let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
            return (c, 12);
        }
        return (
            char::from_u32(high).or(Some(char::REPLACEMENT_CHARACTER)),
            6,
        );
    }
    (None, 1)
}

/// Undoes percent-encoding in `input[range]`.
fn unpercent(input: &[u8], range: Range<usize>) -> (Vec<u8>, Vec<usize>) {
    let mut text = Vec::with_capacity(range.len());
    let mut map = Vec::with_capacity(range.len() + 1);
    let mut i = range.start;
    while i < range.end {
        match (input[i], hex_digits(&input[..range.end], i + 1, 2)) {
            (b'%', Some(value)) => {
                text.push(value as u8);
                map.push(i);
                i += 3;
            }
            (b, _) => {
                text.push(b);
                map.push(i);
                i += 1;
            }
        }
    }
    map.push(range.end);
    (text, map)
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

    fn all_views(input: &str) -> Vec<View> {
        let mut out = Vec::new();
        let mut budget = usize::MAX;
        assert!(views(input.as_bytes(), &mut budget, &|_| true, &mut out));
        out
    }

    fn texts(input: &str) -> Vec<(Encoding, String)> {
        all_views(input)
            .into_iter()
            .map(|v| (v.encoding, String::from_utf8(v.text).unwrap()))
            .collect()
    }

    #[test]
    fn base64_value_keeps_its_name() {
        let value = STANDARD.encode("Qx7-vR2m!Lt9");
        let input = format!("data:\n  password: {value}\n  user: YWRtaW4=\n");
        assert_eq!(
            texts(&input),
            [(Encoding::Base64, "  password: Qx7-vR2m!Lt9".to_owned())]
        );
        let view = &all_views(&input)[0];
        let secret = view.text.len() - 12..view.text.len();
        let source = view.source_range(secret, input.as_bytes());
        assert_eq!(&input[source], value.as_str());
    }

    #[test]
    fn url_safe_and_wrapped_base64() {
        let config = "db:\n  host: db01\n  password: Kp3!vN8qZr2w\n".repeat(4);
        let wrapped = STANDARD
            .encode(&config)
            .as_bytes()
            .chunks(76)
            .map(|c| String::from_utf8(c.to_vec()).unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        let views = texts(&format!("{wrapped}\n"));
        assert_eq!(views, [(Encoding::Base64, config.clone())]);
        let url = URL_SAFE_NO_PAD.encode("token=Kp3?vN8>qZr2w~~");
        assert_eq!(
            texts(&url),
            [(Encoding::Base64, "token=Kp3?vN8>qZr2w~~".to_owned())]
        );
    }

    #[test]
    fn binary_and_identifiers_are_not_decoded() {
        assert!(texts("hash: 3q2+7w0ABCDefgh1234567890abcdefXYZ==").is_empty());
        assert!(texts("thisIsAVeryLongIdentifierName").is_empty());
        assert!(texts("sha: 6f1ed002ab5595859014ebf0951522d9").is_empty());
    }

    #[test]
    fn hex_text_is_decoded() {
        let hex: String = "api_key=Zr8Lq2Vx9Nw4"
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            texts(&hex),
            [(Encoding::Hex, "api_key=Zr8Lq2Vx9Nw4".to_owned())]
        );
    }

    #[test]
    fn escapes_and_percent() {
        assert_eq!(
            texts(r#"  "source": ["password = \"Kp3!vN8q\"\n"]"#), // leakhound:allow (synthetic)
            [(
                Encoding::Escape,
                "  \"source\": [\"password = \"Kp3!vN8q\"\n\"]".to_owned() // leakhound:allow
            )]
        );
        assert_eq!(
            texts(r#"{"k": "\u0074oken=\ud83d\ude00"}"#)[0].1,
            "{\"k\": \"token=😀\"}"
        );
        assert_eq!(
            texts("url=https://u:p%40ss%2Fw0rd@host/"), // leakhound:allow (synthetic)
            [(
                Encoding::Percent,
                "url=https://u:p@ss/w0rd@host/".to_owned()
            )]
        );
        assert!(texts(r"printf('%s\n', x)").is_empty());
    }

    #[test]
    fn escape_map_points_at_the_source() {
        let input = r#"x = "a\"b\u0063d""#;
        let view = &all_views(input)[0];
        let c = view.text.iter().position(|&b| b == b'c').unwrap();
        assert_eq!(
            &input[view.source_range(c..c + 1, input.as_bytes())],
            r"\u0063"
        );
    }

    #[test]
    fn budget_bounds_views() {
        let value = STANDARD.encode("password: Kp3!vN8qZr2w");
        let input = format!("{value}\n").repeat(10);
        let mut out = Vec::new();
        let mut budget = 50;
        assert!(!views(input.as_bytes(), &mut budget, &|_| true, &mut out));
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn invalid_utf8_around_runs_is_safe() {
        // Found by the decode fuzz target: continuation bytes after an
        // encoded run sent the line-context boundary back before the run.
        let mut input = b"token=\"dG9rOjI3NTE4YTk2XzI3ZTJfNDNlZV4iMzhmXzA2ZTBkYzr".to_vec();
        input.extend([0x80; 80]);
        input.extend(b" = x\\\"y\n");
        let mut out = Vec::new();
        let mut budget = usize::MAX;
        views(&input, &mut budget, &|_| true, &mut out);
        for view in &out {
            assert_eq!(view.map.len(), view.text.len() + 1);
        }
    }

    #[test]
    fn utf16_text() {
        let le: Vec<u8> = "a = 1\npassword = 'x'\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut be_bom = vec![0xFE, 0xFF];
        be_bom.extend("héllo wörld\n".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(utf16(&le).as_deref(), Some("a = 1\npassword = 'x'\n"));
        assert_eq!(utf16(&be_bom).as_deref(), Some("héllo wörld\n"));
        assert_eq!(utf16(&[0u8; 64]), None);
        assert_eq!(utf16(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"), None);
    }
}
