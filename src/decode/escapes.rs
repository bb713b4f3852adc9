//! Percent-encoding and string escapes (`\\u0041`, `\\x41`, `\\n`), decoded
//! line by line, in windows around the escapes of a long line.

use std::ops::Range;

use super::{Encoding, LINE_WINDOW, LONG_LINE, View, char_floor, emit, printable};

/// Decodes percent-encoding or string escapes in one line (or, in a long
/// line, in windows around them).
pub(super) fn escaped_line(
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
