//! Inline markers: `leakhound:allow` (and `gitleaks:allow`, `pragma:
//! allowlist secret` for teams that migrate) on a line suppresses the
//! matches on it.

/// Markers that suppress a match on their line.
pub const INLINE_ALLOW_MARKERS: &[&str] = &[
    "leakhound:allow",
    "gitleaks:allow",
    "pragma: allowlist secret",
];

/// Whether any line spanned by `range` carries an inline allow marker.
pub fn inline_allowed(haystack: &[u8], range: std::ops::Range<usize>) -> bool {
    let start = memchr::memrchr(b'\n', &haystack[..range.start]).map_or(0, |i| i + 1);
    let end =
        memchr::memchr(b'\n', &haystack[range.end..]).map_or(haystack.len(), |i| range.end + i);
    let lines = &haystack[start..end];
    INLINE_ALLOW_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(lines, m.as_bytes()).is_some())
}

/// [`inline_allowed`] for the matches of one haystack: the last line looked
/// at is remembered, so that many matches on one long line cost one search
/// of it, not one each.
pub struct InlineMarkers<'a> {
    haystack: &'a [u8],
    /// The last line looked at (without its line break), and whether it
    /// has a marker.
    last: Option<(std::ops::Range<usize>, bool)>,
}

impl<'a> InlineMarkers<'a> {
    /// No line looked at yet.
    pub fn new(haystack: &'a [u8]) -> Self {
        InlineMarkers {
            haystack,
            last: None,
        }
    }

    /// [`inline_allowed`]`(haystack, range)`.
    pub fn allowed(&mut self, range: std::ops::Range<usize>) -> bool {
        if let Some((line, allowed)) = &self.last
            && line.start <= range.start
            && range.end <= line.end
        {
            return *allowed;
        }
        let h = self.haystack;
        let start = memchr::memrchr(b'\n', &h[..range.start]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &h[range.end..]).map_or(h.len(), |i| range.end + i);
        let allowed = INLINE_ALLOW_MARKERS
            .iter()
            .any(|m| memchr::memmem::find(&h[start..end], m.as_bytes()).is_some());
        self.last = Some((start..end, allowed));
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markers() {
        let text = b"a = 1\nb = 2 # leakhound:allow\nc = 3";
        assert!(inline_allowed(text, 8..9));
        assert!(!inline_allowed(text, 2..3));
        assert!(!inline_allowed(text, 32..33));
        assert!(inline_allowed(b"x # pragma: allowlist secret", 0..1));
    }

    #[test]
    fn remembered_lines_answer_as_a_search_does() {
        let text = b"a = 1\nb = 2 # leakhound:allow\n\nc = 3 d = 4\ne = 5";
        let mut markers = InlineMarkers::new(text);
        for range in [
            0..1,
            8..9,
            6..7,
            9..12,
            4..10,
            30..30,
            32..33,
            36..37,
            32..33,
            44..45,
        ] {
            assert_eq!(
                markers.allowed(range.clone()),
                inline_allowed(text, range.clone()),
                "{range:?}"
            );
        }
    }
}
