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
        // Only up to where the next decoded byte starts: a long line costs
        // no more than a short one.
        let next = self.map[range.end].max(last);
        let end = memchr::memchr(b'\n', &input[last..next])
            .map_or(next, |i| last + i)
            .max(last + 1);
        start..end.max(start + 1)
    }
}

/// Decodes UTF-16 text, with or without a byte order mark. `None` unless
/// the bytes look like UTF-16 text once decoded (see [`utf16_order`] and
/// [`text_like`]).
///
/// A byte order mark declares the encoding: the text may then hold a few
/// control characters (a form feed, an escape sequence, NUL padding at
/// its end), as text files do. Without one, the zero bytes of the first
/// kilobyte must all fall on one side of the code units, and the text must
/// decode cleanly.
///
/// ```
/// use leakhound::decode::utf16;
/// let bytes: Vec<u8> = "key = 1\n".encode_utf16().flat_map(u16::to_le_bytes).collect();
/// assert_eq!(utf16(&bytes).as_deref(), Some("key = 1\n"));
/// assert_eq!(utf16(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
/// ```
pub fn utf16(bytes: &[u8]) -> Option<String> {
    let (body, little, declared) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false, true),
        _ => (bytes, utf16_order(bytes)?, false),
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
    let text = if declared {
        text.trim_end_matches('\0').to_owned()
    } else {
        text
    };
    text_like(&text, declared).then_some(text)
}

/// Whether bytes start with a UTF-16 byte order mark and go on as UTF-16
/// might: not as plain ASCII text does (a Latin-1 file may start with
/// `ÿþ`). UTF-16 text in a script other than Latin can hold no zero byte
/// at all, but it leaves far fewer bytes in the ASCII range than text does.
pub fn has_utf16_bom(bytes: &[u8]) -> bool {
    if !(bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF])) {
        return false;
    }
    let probe = &bytes[2..bytes.len().min(1026)];
    let ascii = probe
        .iter()
        .filter(|&&b| (0x20..0x7F).contains(&b) || b"\t\n\r".contains(&b))
        .count();
    ascii * 10 < probe.len() * 9
}

/// Byte order of BOM-less UTF-16: `Some(true)` for little-endian. Either
/// most code units of the first kilobyte are ASCII (one zero byte, one
/// not), or every zero byte there is on one side of its code unit (text
/// mostly in other scripts, CJK say, whose spaces, digits and line breaks
/// are the only zero bytes). Binary data has zero bytes on both sides.
fn utf16_order(bytes: &[u8]) -> Option<bool> {
    let sample = &bytes[..bytes.len().min(1024) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut le, mut be, mut both) = (0, 0, 0);
    for pair in sample.chunks_exact(2) {
        match (pair[0], pair[1]) {
            (0, 0) => both += 1,
            (_, 0) => le += 1,
            (0, _) => be += 1,
            _ => {}
        }
    }
    if le * 10 >= pairs * 9 || (le > 0 && be == 0 && both == 0) {
        Some(true)
    } else if be * 10 >= pairs * 9 || (be > 0 && le == 0 && both == 0) {
        Some(false)
    } else {
        None
    }
}

/// Whether decoded UTF-16 reads as text. Tab, line feed, carriage return,
/// form feed and escape are text; other control characters and unpaired
/// surrogates (decoded as U+FFFD) are not: with a byte order mark, one in
/// fifty characters may be such; without one, none.
fn text_like(text: &str, declared: bool) -> bool {
    let mut chars = 0usize;
    let mut odd = 0usize;
    for c in text.chars() {
        chars += 1;
        let control = c.is_control() && !"\t\n\r\x0c\x1b".contains(c);
        if control || c == char::REPLACEMENT_CHARACTER {
            odd += 1;
        }
    }
    chars > 0
        && if declared {
            odd * 50 <= chars
        } else {
            odd == 0
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

/// Hands `sink` the views of every decodable part of `input`, in order:
/// base64 and hex runs that decode to text, then lines with
/// percent-encoding or string escapes. `budget` is the number of view bytes
/// still allowed for this input: each view is charged before `sink` gets
/// it, along with the budget, from which it may charge views nested in it.
/// Returns `false` if a view did not fit (decoding stops there). `worth`
/// says whether plain text could hold a match (it contains a rule keyword):
/// a line whose only escapes are escaped quotes is decoded only if it is
/// worth it, since removing backslashes cannot create a keyword.
///
/// Views are handed over one at a time, so what decoding holds at once is
/// one view per nesting level, whatever the input.
pub fn views(
    input: &[u8],
    budget: &mut usize,
    worth: &dyn Fn(&[u8]) -> bool,
    sink: &mut dyn FnMut(View, &mut usize),
) -> bool {
    let whole = 0..input.len();
    views_in(input, std::slice::from_ref(&whole), budget, worth, sink)
}

/// [`views`] of the parts `ranges` of `input` only: its base64 and hex runs,
/// then its escaped lines, range by range. Each range must start at the
/// start of a line and end just past a line break (or at the end of the
/// input), and no base64 block wrapped over lines may cross from one range
/// into what follows it; the views are then those that [`views`] makes in
/// those ranges, in the same order. A part of the input that decodes to no
/// view never uses budget, so leaving out parts that make no view changes
/// nothing, not even where the budget runs out.
pub fn views_in(
    input: &[u8],
    ranges: &[Range<usize>],
    budget: &mut usize,
    worth: &dyn Fn(&[u8]) -> bool,
    sink: &mut dyn FnMut(View, &mut usize),
) -> bool {
    for range in ranges {
        if !runs(input, range.clone(), budget, sink) {
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
            let start = memchr::memrchr(b'\n', &input[range.start..at])
                .map_or(range.start, |i| range.start + i + 1);
            let end = memchr::memchr(b'\n', &input[at..range.end]).map_or(range.end, |i| at + i);
            next_line = end + 1;
            if !escaped_line(input, start..end, budget, worth, sink) {
                return false;
            }
        }
    }
    true
}

/// Charges `view` to the budget and hands it to `sink`; `false` if it does
/// not fit.
fn emit(view: View, budget: &mut usize, sink: &mut dyn FnMut(View, &mut usize)) -> bool {
    if view.text.len() > *budget {
        return false;
    }
    *budget -= view.text.len();
    sink(view, budget);
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

/// Finds base64 and hex runs and decodes those that are text. Runs of one
/// line close enough together share a view (see [`Merged`]); a run longer
/// than [`RUN_MAX`] is decoded in overlapping windows (see [`windows`]).
fn runs(
    input: &[u8],
    range: Range<usize>,
    budget: &mut usize,
    sink: &mut dyn FnMut(View, &mut usize),
) -> bool {
    // Runs shorter than BASE64_MIN are never decoded, so only every
    // BASE64_MIN-th byte needs a look: a run long enough covers one of them.
    // `i` is always at the start of the range or just past a run. No run
    // holds a line break, so none ends past the range.
    let mut merged: Option<Merged> = None;
    let (mut decoded, mut map) = (Vec::new(), Vec::new());
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
        i = end.max(run_end);
        let chars = Chars::new(input, pieces);
        if chars.total < BASE64_MIN {
            continue;
        }
        let Some(encoding) = chars.encoding(input) else {
            continue;
        };
        if chars.total <= RUN_MAX {
            if !chars.decode(input, 0..chars.total, encoding, &mut decoded, &mut map) {
                continue;
            }
            let map = &map[..decoded.len()];
            if let Some(view) = &mut merged
                && view.takes(input, start, decoded.len(), encoding)
            {
                view.push(input, start, end, &decoded, map);
                continue;
            }
            if let Some(view) = merged.take()
                && !emit(view.finish(input), budget, sink)
            {
                return false;
            }
            merged = Some(Merged::new(input, start, end, &decoded, map, encoding));
            continue;
        }
        if let Some(view) = merged.take()
            && !emit(view.finish(input), budget, sink)
        {
            return false;
        }
        for window in windows(chars.total) {
            let first = window.start == 0;
            let last = window.end == chars.total;
            if !chars.decode(input, window, encoding, &mut decoded, &mut map) {
                continue;
            }
            let prefix = if first {
                prefix_start(input, start)
            } else {
                start
            };
            let mut text = Vec::with_capacity(start - prefix + decoded.len() + SUFFIX_MAX);
            let mut view_map = Vec::with_capacity(text.capacity() + 1);
            text.extend_from_slice(&input[prefix..start]);
            view_map.extend(prefix..start);
            text.extend_from_slice(&decoded);
            view_map.extend_from_slice(&map[..decoded.len()]);
            if last {
                let suffix = suffix_end(input, end);
                text.extend_from_slice(&input[end..suffix]);
                view_map.extend(end..suffix);
                view_map.push(suffix);
            } else {
                view_map.push(map[decoded.len()]);
            }
            let view = View {
                text,
                map: view_map,
                encoding,
            };
            if !emit(view, budget, sink) {
                return false;
            }
        }
    }
    match merged {
        Some(view) => emit(view.finish(input), budget, sink),
        None => true,
    }
}

/// Encoded characters decoded at once at most; a longer run is decoded in
/// windows of this many characters.
const WINDOW: usize = RUN_MAX;

/// Characters that consecutive windows share, so that a secret up to about
/// 3 KiB long (with its name) that straddles the end of one window is
/// whole in the next.
const WINDOW_OVERLAP: usize = 4 << 10;

/// The windows a run of `total` encoded characters is decoded in: the run
/// itself if it is at most [`WINDOW`] characters, else windows of that
/// many overlapping by [`WINDOW_OVERLAP`]. Windows start at multiples of
/// four characters, where base64 (and hex) decoding can start.
fn windows(total: usize) -> impl Iterator<Item = Range<usize>> {
    const STEP: usize = WINDOW - WINDOW_OVERLAP;
    const _: () = assert!(STEP.is_multiple_of(4));
    let count = if total <= WINDOW {
        1
    } else {
        (total - WINDOW).div_ceil(STEP) + 1
    };
    (0..count).map(move |k| k * STEP..(k * STEP + WINDOW).min(total))
}

/// Views of runs of one line being merged: runs no further apart than
/// [`PREFIX_MAX`] bytes share one view, with the text between them as it
/// is, instead of each having a view with that text as context. On a line
/// of many short runs (a JWT per word, say) separate views would repeat
/// each byte of the line up to 264 bytes over; shared, views are never
/// longer than the line's decoded runs and what lies between them.
struct Merged {
    text: Vec<u8>,
    map: Vec<usize>,
    encoding: Encoding,
    /// Where the last run merged ends.
    end: usize,
}

impl Merged {
    /// A view of the run `input[start..end]`, decoded to `decoded`, with up
    /// to [`PREFIX_MAX`] bytes of its line before it.
    fn new(
        input: &[u8],
        start: usize,
        end: usize,
        decoded: &[u8],
        map: &[usize],
        encoding: Encoding,
    ) -> Merged {
        let prefix = prefix_start(input, start);
        let mut text = Vec::with_capacity(start - prefix + decoded.len() + SUFFIX_MAX);
        let mut view_map = Vec::with_capacity(text.capacity() + 1);
        text.extend_from_slice(&input[prefix..start]);
        view_map.extend(prefix..start);
        text.extend_from_slice(decoded);
        view_map.extend_from_slice(map);
        Merged {
            text,
            map: view_map,
            encoding,
            end,
        }
    }

    /// Whether a run starting at `start` that decodes to `len` bytes of
    /// `encoding` goes into this view: it is on the same line, at most
    /// [`PREFIX_MAX`] bytes on, and the view stays within [`RUN_MAX`] bytes.
    fn takes(&self, input: &[u8], start: usize, len: usize, encoding: Encoding) -> bool {
        let gap = &input[self.end..start];
        encoding == self.encoding
            && gap.len() <= PREFIX_MAX
            && self.text.len() + gap.len() + len <= RUN_MAX
            && memchr::memchr(b'\n', gap).is_none()
    }

    /// Adds the run `input[start..end]`, decoded to `decoded`, and the text
    /// before it.
    fn push(&mut self, input: &[u8], start: usize, end: usize, decoded: &[u8], map: &[usize]) {
        self.text.extend_from_slice(&input[self.end..start]);
        self.map.extend(self.end..start);
        self.text.extend_from_slice(decoded);
        self.map.extend_from_slice(map);
        self.end = end;
    }

    /// The view, with up to [`SUFFIX_MAX`] bytes of the line after the last
    /// run.
    fn finish(mut self, input: &[u8]) -> View {
        let suffix = suffix_end(input, self.end);
        self.text.extend_from_slice(&input[self.end..suffix]);
        self.map.extend(self.end..suffix);
        self.map.push(suffix);
        View {
            text: self.text,
            map: self.map,
            encoding: self.encoding,
        }
    }
}

/// Where the context kept before a value at `start` begins: at most
/// [`PREFIX_MAX`] bytes back, not before its line. Only that far back is
/// looked at, so that a long line costs no more than a short one.
fn prefix_start(input: &[u8], start: usize) -> usize {
    let from = start.saturating_sub(PREFIX_MAX);
    let line_start = memchr::memrchr(b'\n', &input[from..start]).map_or(from, |i| from + i + 1);
    char_floor(input, line_start)
}

/// Where the context kept after a value ending at `end` ends: at most
/// [`SUFFIX_MAX`] bytes on, not past its line.
fn suffix_end(input: &[u8], end: usize) -> usize {
    let to = (end + SUFFIX_MAX).min(input.len());
    let line_end = memchr::memchr(b'\n', &input[end..to]).map_or(to, |i| end + i);
    // In invalid UTF-8 the character boundary search could step back
    // before `end`.
    char_floor(input, line_end).max(end)
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

/// The encoded characters of a run: its pieces without their padding.
struct Chars {
    /// Source ranges of the characters, piece by piece.
    segments: Vec<Range<usize>>,
    /// How many characters there are.
    total: usize,
}

impl Chars {
    fn new(input: &[u8], mut segments: Vec<Range<usize>>) -> Chars {
        for s in &mut segments {
            s.end = s.start + trim_padding(&input[s.clone()]).len();
        }
        let total = segments.iter().map(|s| s.len()).sum();
        Chars { segments, total }
    }

    /// The characters `window` (indexes into the run's characters) and, for
    /// a run wrapped over lines, their source offsets.
    fn encoded<'a>(
        &self,
        input: &'a [u8],
        window: Range<usize>,
    ) -> (Cow<'a, [u8]>, Option<Vec<usize>>) {
        if let [one] = &self.segments[..] {
            let range = one.start + window.start..one.start + window.end;
            return (Cow::Borrowed(&input[range]), None);
        }
        let mut sources = Vec::with_capacity(window.len());
        let mut seen = 0;
        for segment in &self.segments {
            let len = segment.len();
            if seen + len > window.start {
                let from = window.start.saturating_sub(seen);
                let to = (window.end - seen).min(len);
                sources.extend(segment.start + from..segment.start + to);
            }
            seen += len;
            if seen >= window.end {
                break;
            }
        }
        let encoded = sources.iter().map(|&i| input[i]).collect();
        (Cow::Owned(encoded), Some(sources))
    }

    /// Hex if the whole run is hex digits; base64 if it has both cases and
    /// its first characters decode to bytes that can start text; else it
    /// is not worth decoding.
    fn encoding(&self, input: &[u8]) -> Option<Encoding> {
        let all = || self.segments.iter().flat_map(|s| &input[s.clone()]);
        if self.total >= HEX_MIN && self.total.is_multiple_of(2) && all().all(u8::is_ascii_hexdigit)
        {
            return Some(Encoding::Hex);
        }
        let upper = all().any(u8::is_ascii_uppercase);
        let lower = all().any(u8::is_ascii_lowercase);
        let head = self.encoded(input, 0..self.total.min(8)).0;
        (upper && lower && text_start(&head)).then_some(Encoding::Base64)
    }

    /// Decodes the characters `window` into `decoded` (cleared first);
    /// `false` unless the result is text. `map` gets the source offset of
    /// each decoded byte, plus one for the character after the last. Where
    /// a window cuts a character of UTF-8 text in two, the part at the cut
    /// is left out.
    fn decode(
        &self,
        input: &[u8],
        window: Range<usize>,
        encoding: Encoding,
        decoded: &mut Vec<u8>,
        map: &mut Vec<usize>,
    ) -> bool {
        decoded.clear();
        map.clear();
        let (encoded, sources) = self.encoded(input, window.clone());
        let ratio = match encoding {
            Encoding::Hex if decode_hex(&encoded, decoded) => (2, 1),
            Encoding::Hex => return false,
            _ if window.start > 0 && !text_start(&encoded) => return false,
            _ if decode_base64(&encoded, decoded) => (4, 3),
            _ => return false,
        };
        let mut skipped = 0;
        if window.start > 0 {
            skipped = decoded
                .iter()
                .take(3)
                .take_while(|&&b| b & 0xC0 == 0x80)
                .count();
            decoded.drain(..skipped);
        }
        if window.end < self.total {
            decoded.truncate(complete_utf8(decoded));
        }
        if decoded.len() < 8 || !printable(decoded) {
            return false;
        }
        let source = |j: usize| {
            let k = ((skipped + j) * ratio.0 / ratio.1).min(encoded.len() - 1);
            match &sources {
                Some(sources) => sources[k],
                None => self.segments[0].start + window.start + k,
            }
        };
        map.extend((0..decoded.len()).map(source));
        let after = (skipped + decoded.len()) * ratio.0 / ratio.1;
        map.push(if after < encoded.len() {
            source(decoded.len())
        } else {
            self.segments.last().map_or(0, |s| s.end)
        });
        true
    }
}

/// The length of the longest start of `bytes` that does not end in the
/// middle of a UTF-8 character.
fn complete_utf8(bytes: &[u8]) -> usize {
    let tail = bytes.len().saturating_sub(3);
    for i in (tail..bytes.len()).rev() {
        let b = bytes[i];
        if b & 0xC0 == 0x80 {
            continue;
        }
        let width = match b {
            0xF0.. => 4,
            0xE0.. => 3,
            0xC0.. => 2,
            _ => 1,
        };
        return if i + width <= bytes.len() {
            bytes.len()
        } else {
            i
        };
    }
    bytes.len()
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

/// Appends the bytes of hex digits to `out`; `false` if one is not a digit.
fn decode_hex(encoded: &[u8], out: &mut Vec<u8>) -> bool {
    let digit = |b: u8| (b as char).to_digit(16);
    for pair in encoded.chunks_exact(2) {
        match (digit(pair[0]), digit(pair[1])) {
            (Some(high), Some(low)) => out.push((high * 16 + low) as u8),
            _ => return false,
        }
    }
    true
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

/// Appends the bytes that base64 text decodes to to `out`; `false` if it is
/// not base64.
fn decode_base64(encoded: &[u8], out: &mut Vec<u8>) -> bool {
    let url_safe = encoded.iter().any(|b| matches!(b, b'-' | b'_'));
    let standard = encoded.iter().any(|b| matches!(b, b'+' | b'/'));
    if url_safe && standard {
        return false;
    }
    // A length of 4n+1 cannot be base64: drop the stray last character.
    let usable = if encoded.len() % 4 == 1 {
        &encoded[..encoded.len() - 1]
    } else {
        encoded
    };
    let engine = engine_for(encoded);
    engine.decode_vec(usable, out).is_ok()
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
    sink: &mut dyn FnMut(View, &mut usize),
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
        // A line that decodes to no view uses no budget (see `views_in`).
        if printable(&decoded)
            && !emit(
                View {
                    text: decoded,
                    map,
                    encoding,
                },
                budget,
                sink,
            )
        {
            return false;
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

    /// The views of `input` and whether they fitted in `budget`.
    fn collect(input: &[u8], mut budget: usize) -> (Vec<View>, bool) {
        let mut out = Vec::new();
        let fits = views(input, &mut budget, &|_| true, &mut |v, _| out.push(v));
        (out, fits)
    }

    fn all_views(input: &str) -> Vec<View> {
        let (out, fits) = collect(input.as_bytes(), usize::MAX);
        assert!(fits);
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
        let (out, fits) = collect(input.as_bytes(), 50);
        assert!(!fits);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn invalid_utf8_around_runs_is_safe() {
        // Found by the decode fuzz target: continuation bytes after an
        // encoded run sent the line-context boundary back before the run.
        let mut input = b"token=\"dG9rOjI3NTE4YTk2XzI3ZTJfNDNlZV4iMzhmXzA2ZTBkYzr".to_vec();
        input.extend([0x80; 80]);
        input.extend(b" = x\\\"y\n");
        for view in &collect(&input, usize::MAX).0 {
            assert_eq!(view.map.len(), view.text.len() + 1);
        }
    }

    #[test]
    fn a_long_line_of_short_runs_makes_views_no_longer_than_itself() {
        // One line of JWT-like words: each run once had its own view with
        // up to 264 bytes of the line around it, 11 bytes of views per byte
        // of the line, and finding each run's line ends cost a search of
        // the whole line.
        let word = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc ";
        let line = word.repeat((1 << 20) / word.len());
        let views = all_views(&line);
        let bytes: usize = views.iter().map(|v| v.text.len()).sum();
        assert!(bytes <= line.len(), "{bytes} view bytes for {}", line.len());
        let decoded = |view: &View| String::from_utf8_lossy(&view.text).into_owned();
        let headers: usize = views
            .iter()
            .map(|v| decoded(v).matches(r#"{"alg":"HS256"}"#).count())
            .sum();
        assert_eq!(headers, line.len() / word.len(), "every run is decoded");
        for view in &views {
            assert_eq!(view.map.len(), view.text.len() + 1);
            assert!(view.map.windows(2).all(|w| w[0] <= w[1]));
        }
    }

    #[test]
    fn runs_of_a_line_share_a_view_and_map_back() {
        let user = STANDARD.encode("user=administrator");
        let password = STANDARD.encode("password=Kp3!vN8qZr2w");
        let input = format!("a: {user}, b: {password}\nc: {user}\n");
        let views = all_views(&input);
        let texts: Vec<String> = views
            .iter()
            .map(|v| String::from_utf8(v.text.clone()).unwrap())
            .collect();
        assert_eq!(
            texts,
            [
                "a: user=administrator, b: password=Kp3!vN8qZr2w",
                "c: user=administrator"
            ]
        );
        let text = &views[0].text;
        let at = text.windows(8).position(|w| w == b"password").unwrap();
        let source = views[0].source_range(at..text.len(), input.as_bytes());
        assert_eq!(&input[source], password);
    }

    #[test]
    fn long_runs_are_decoded_in_overlapping_windows() {
        // Text with two- and three-byte characters, so that windows cut
        // characters in two.
        let text = "héllo wörld — ".repeat(100_000);
        let encoded = STANDARD.encode(&text);
        assert!(encoded.len() > 2 * RUN_MAX);
        let input = format!("data: {encoded} end\n");
        let start = "data: ".len();
        let views = all_views(&input);
        assert_eq!(views.len(), windows(encoded.len()).count());
        assert_eq!(views.len(), 3);
        assert!(views[0].text.starts_with(b"data: h\xc3\xa9llo"));
        assert!(views[2].text.ends_with("wörld —  end".as_bytes()));
        let whole = text.as_bytes();
        for view in &views {
            assert_eq!(view.map.len(), view.text.len() + 1);
            assert!(view.map.windows(2).all(|w| w[0] <= w[1]));
            // Each decoded byte maps to a character holding some of its
            // bits (character `c` holds bits `6c..6c + 6`).
            for (j, &b) in view.text.iter().enumerate() {
                let at = view.map[j];
                if (start..start + encoded.len()).contains(&at) {
                    let c = at - start;
                    assert!(whole[6 * c / 8] == b || whole[(6 * c + 5) / 8] == b, "{j}");
                }
            }
        }
        // Consecutive windows overlap.
        for pair in views.windows(2) {
            assert!(pair[1].map[0] + 3000 < pair[0].map[pair[0].text.len() - 1]);
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

    fn le(text: &str) -> Vec<u8> {
        text.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn a_byte_order_mark_allows_a_few_control_characters() {
        let text = "\x0cpage 1\n\x1b[1mtoken = 'x'\x1b[0m\n".repeat(3);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(le(&text));
        bytes.extend([0, 0, 0, 0]);
        assert_eq!(utf16(&bytes).as_deref(), Some(text.as_str()));
        let mut bel = vec![0xFF, 0xFE];
        bel.extend(le(&format!("{}\x07\n", "line of text ".repeat(10))));
        assert!(utf16(&bel).is_some(), "one odd character in a hundred");
        let mut noise = vec![0xFF, 0xFE];
        noise.extend((0..512u32).flat_map(|i| [(i % 7) as u8, (i % 3) as u8]));
        assert_eq!(utf16(&noise), None, "binary data after FF FE");
    }

    #[test]
    fn a_byte_order_mark_before_ascii_text_is_not_utf16() {
        let latin = b"\xff\xfe token = 'value' and more plain text here\n";
        assert!(!has_utf16_bom(latin));
        let mut cjk = vec![0xFF, 0xFE];
        cjk.extend(le(&"设置令牌值".repeat(20)));
        assert!(has_utf16_bom(&cjk));
        assert!(!has_utf16_bom(b"plain"));
    }

    #[test]
    fn bomless_utf16_in_another_script_is_text() {
        let text = "设置：\n令牌 = '值'\n".repeat(40);
        assert_eq!(utf16(&le(&text)).as_deref(), Some(text.as_str()));
        let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(utf16(&be).as_deref(), Some(text.as_str()));
    }
}
