//! Text as reports and messages show it: terminal escaping, line and
//! column lookups, and the snippet of a line around a secret.

/// Escapes control characters except line breaks, for messages that may
/// span lines (a regex error) but must not drive the terminal.
pub fn escape_lines(text: &str) -> String {
    text.split('\n').map(escape).collect::<Vec<_>>().join("\n")
}

/// Escapes control characters, and the characters that reorder text
/// (bidirectional overrides, isolates and marks), so that they print as
/// text: a file name or a line cannot drive the terminal, nor make what is
/// shown read differently from what it is.
pub fn escape(text: &str) -> String {
    if !text.chars().any(needs_escape) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "\\t".to_owned(),
            c if needs_escape(c) => c.escape_unicode().to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Control characters, and U+202A–U+202E, U+2066–U+2069, U+200E, U+200F
/// and U+061C (the bidirectional formatting characters).
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
        )
}

/// Line and column lookups in one input, for offsets visited in order:
/// each lookup costs the distance from the previous one, so that many
/// matches on one long line do not each count its characters from its
/// start.
pub struct LineIndex<'a> {
    haystack: &'a [u8],
    offset: usize,
    line: usize,
    line_start: usize,
    /// Characters from `line_start` to `offset`.
    column: usize,
}

impl<'a> LineIndex<'a> {
    /// An index at the start of `haystack`.
    pub fn new(haystack: &'a [u8]) -> Self {
        LineIndex {
            haystack,
            offset: 0,
            line: 1,
            line_start: 0,
            column: 0,
        }
    }

    /// `(line, column)` of `offset`, both 1-based; the column counts
    /// characters. An offset before the previous one costs the distance
    /// back, plus the start of its line if that is another line.
    pub fn locate(&mut self, offset: usize) -> (usize, usize) {
        if offset >= self.offset {
            let gap = &self.haystack[self.offset..offset];
            match memchr::memrchr(b'\n', gap) {
                Some(last) => {
                    self.line += memchr::memchr_iter(b'\n', gap).count();
                    self.line_start = self.offset + last + 1;
                    self.column = char_count(&self.haystack[self.line_start..offset]);
                }
                None => self.column += char_count(gap),
            }
        } else if offset >= self.line_start {
            self.column -= char_count(&self.haystack[offset..self.offset]);
        } else {
            let gap = &self.haystack[offset..self.line_start];
            self.line -= memchr::memchr_iter(b'\n', gap).count();
            self.line_start = memchr::memrchr(b'\n', &self.haystack[..offset]).map_or(0, |i| i + 1);
            self.column = char_count(&self.haystack[self.line_start..offset]);
        }
        self.offset = offset;
        (self.line, self.column + 1)
    }

    /// Byte range of the line containing `offset`, without its terminator.
    pub fn line_range(&self, offset: usize) -> std::ops::Range<usize> {
        let start = memchr::memrchr(b'\n', &self.haystack[..offset]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &self.haystack[offset..])
            .map_or(self.haystack.len(), |i| offset + i);
        let end = if end > start && self.haystack[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }
}

/// Number of characters in UTF-8 text (invalid bytes count one each).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Most bytes of a line kept in a snippet.
const SNIPPET_MAX: usize = 160;

/// The line holding the start of `secret` as far as [`snippet`] shows it:
/// [`LineIndex::line_range`] of `secret.start`, except that the line's
/// ends are looked for only as far as the snippet reaches, so that a long
/// line costs no more than a short one. Where the line goes on further, the
/// range ends past the reach, so that the snippet still says it was
/// cut.
pub fn snippet_line(haystack: &[u8], secret: std::ops::Range<usize>) -> std::ops::Range<usize> {
    // A little past the margin: the snippet's ends move to character
    // boundaries, up to three bytes.
    let reach = SNIPPET_MAX / 2 + 8;
    let from = secret.start.saturating_sub(reach);
    let start =
        memchr::memrchr(b'\n', &haystack[from..secret.start]).map_or(from, |i| from + i + 1);
    let to = secret
        .end
        .max(secret.start)
        .saturating_add(reach)
        .min(haystack.len());
    match memchr::memchr(b'\n', &haystack[secret.start..to]) {
        Some(i) => {
            let end = secret.start + i;
            let end = if end > start && haystack[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            start..end
        }
        None if to == haystack.len() => {
            let end = if to > start && haystack[to - 1] == b'\r' {
                to - 1
            } else {
                to
            };
            start..end
        }
        None => start..to,
    }
}

/// The line around `secret`, cut to at most `SNIPPET_MAX` bytes plus the
/// secret itself, as text.
pub fn snippet(
    haystack: &[u8],
    line: std::ops::Range<usize>,
    secret: std::ops::Range<usize>,
) -> String {
    let margin = SNIPPET_MAX / 2;
    let start = line.start.max(secret.start.saturating_sub(margin));
    let end = line.end.min(secret.end.saturating_add(margin)).max(start);
    let start = floor_char(haystack, start);
    let end = ceil_char(haystack, end);
    let mut text = String::new();
    if start > line.start {
        text.push('…');
    }
    text.push_str(String::from_utf8_lossy(&haystack[start..end]).trim_end());
    if end < line.end {
        text.push('…');
    }
    text
}

fn floor_char(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

fn ceil_char(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i += 1;
    }
    i
}

/// `text` with every byte that is not ASCII alphanumeric, `-._~` (the
/// unreserved characters of RFC 3986) or in `also_keep` written `%XX`.
pub fn percent_encode(text: &str, also_keep: &[u8]) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || also_keep.contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let text = "a\nbé c\r\nxyz".as_bytes();
        let mut index = LineIndex::new(text);
        assert_eq!(index.locate(0), (1, 1));
        assert_eq!(index.locate(5), (2, 3));
        assert_eq!(index.locate(9), (3, 1));
        assert_eq!(index.locate(2), (2, 1));
        assert_eq!(index.line_range(3), 2..7);
    }

    #[test]
    fn lookups_go_back_and_forth() {
        let text = "ab\ncé d\nxyz\n".repeat(50);
        let bytes = text.as_bytes();
        let expected = |offset: usize| {
            let before = &bytes[..offset];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            (line, char_count(&before[start..]) + 1)
        };
        let mut index = LineIndex::new(bytes);
        let mut rng = 7u64;
        for _ in 0..2000 {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let mut offset = (rng % (bytes.len() as u64 + 1)) as usize;
            while offset < bytes.len() && (bytes[offset] & 0xC0) == 0x80 {
                offset += 1;
            }
            assert_eq!(index.locate(offset), expected(offset), "offset {offset}");
        }
    }

    #[test]
    fn snippet_lines_cut_as_whole_lines_do() {
        let long = "x".repeat(300);
        let text = format!("a = 1\r\nb = ‘{long}’ SECRET é{long}\nshort SECRET\r\n{long}SECRET");
        let bytes = text.as_bytes();
        for (at, _) in text.match_indices("SECRET") {
            for secret in [at..at + 6, at - 90..at + 6, at..(at + 100).min(bytes.len())] {
                let index = LineIndex::new(bytes);
                let whole = snippet(bytes, index.line_range(secret.start), secret.clone());
                let near = snippet(bytes, snippet_line(bytes, secret.clone()), secret.clone());
                assert_eq!(near, whole, "{secret:?}");
            }
        }
    }

    #[test]
    fn long_lines_are_cut() {
        let line = format!("{}SECRET{}", "a".repeat(500), "b".repeat(500));
        let s = snippet(line.as_bytes(), 0..line.len(), 500..506);
        assert!(s.starts_with('…') && s.ends_with('…') && s.contains("SECRET"));
        assert!(s.len() < 200);
    }

    #[test]
    fn escapes_terminal_sequences() {
        assert_eq!(escape("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(
            escape("a\u{202E}b\u{2066}c\u{200F}"),
            "a\\u{202e}b\\u{2066}c\\u{200f}"
        );
    }
}
