//! Base64 and hex runs: found, merged when close on one line, decoded in
//! overlapping windows when long, and kept when their decoding is text.

use std::borrow::Cow;
use std::ops::Range;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::{
    BASE64_MIN, Encoding, HEX_MIN, PREFIX_MAX, RUN_MAX, SUFFIX_MAX, View, char_floor, emit,
    printable,
};

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
pub(super) fn runs(
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
pub(super) fn windows(total: usize) -> impl Iterator<Item = Range<usize>> {
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
