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

mod escapes;
mod runs;
mod utf16;

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use runs::standard_base64;
pub use utf16::{has_utf16_bom, utf16};

/// How many decodings may nest (base64 inside base64, escapes inside
/// base64).
pub const MAX_DEPTH: usize = 2;

/// Shortest base64 run decoded: 16 characters hold 12 bytes, enough for a
/// short password.
pub(crate) const BASE64_MIN: usize = 16;

/// Shortest hex run decoded (16 bytes).
pub(crate) const HEX_MIN: usize = 32;

/// Longest encoded run decoded at once.
pub(crate) const RUN_MAX: usize = 1 << 20;

/// Bytes of the line kept before a decoded value, for its name.
pub const PREFIX_MAX: usize = 200;

/// Bytes of the line kept after a decoded value.
pub const SUFFIX_MAX: usize = 64;

/// Around each escape in a line longer than this, only a window of
/// [`LINE_WINDOW`] bytes either side is decoded.
pub(crate) const LONG_LINE: usize = 8 << 10;
pub(crate) const LINE_WINDOW: usize = 1 << 10;

/// An encoding a decoder undoes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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
        if !runs::runs(input, range.clone(), budget, sink) {
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
            if !escapes::escaped_line(input, start..end, budget, worth, sink) {
                return false;
            }
        }
    }
    true
}

/// Charges `view` to the budget and hands it to `sink`; `false` if it does
/// not fit.
pub(crate) fn emit(view: View, budget: &mut usize, sink: &mut dyn FnMut(View, &mut usize)) -> bool {
    if view.text.len() > *budget {
        return false;
    }
    *budget -= view.text.len();
    sink(view, budget);
    true
}

/// Whether decoded bytes are text: valid UTF-8 without control characters
/// other than tab, line feed and carriage return.
pub(crate) fn printable(bytes: &[u8]) -> bool {
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

pub(crate) fn char_floor(bytes: &[u8], mut i: usize) -> usize {
    while i > 0 && i < bytes.len() && (bytes[i] & 0xC0) == 0x80 {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::runs::windows;
    use super::*;
    use base64::Engine as _;
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
}
