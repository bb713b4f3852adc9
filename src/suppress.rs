//! Suppression: every reason a match found in an input is not reported,
//! in one place.
//!
//! In the order they apply:
//! 1. an inline marker on a line of the match ([`inline_allowed`]);
//! 2. a path allowlist, of the rule or of the configuration
//!    ([`Suppression::allows_path`]);
//! 3. a location fingerprint listed in `.leakhoundignore` or a
//!    `--baseline` ([`Suppression::ignores`]);
//! 4. a location below the minimum confidence
//!    ([`Suppression::confident_enough`]), applied to the finished report.
//!
//! Filters that decide whether a match is a secret at all (entropy,
//! checksums, placeholders, secret and match allowlists) belong to the
//! matcher, not here: they are properties of the text, not of where it is.

use std::collections::HashSet;

use crate::finding::Finding;
use crate::rules::{Confidence, Rule};
use crate::summary::Summary;

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

/// The suppressions of one scan that depend on where a match is.
#[derive(Debug, Default)]
pub struct Suppression {
    /// The configuration's allowlisted paths (for every rule).
    pub paths: crate::rules::PathSet,
    /// Location fingerprints to ignore: `.leakhoundignore` and the
    /// baseline.
    pub fingerprints: HashSet<String>,
    /// Locations of lower confidence are left out of the report.
    pub min_confidence: Confidence,
}

impl Suppression {
    /// Whether no rule is to look at a file at `relative`.
    pub fn allows_file(&self, relative: &str) -> bool {
        self.paths.is_match(relative)
    }

    /// Whether `rule`'s matches at `relative` are ignored.
    pub fn allows_path(&self, rule: &Rule, relative: &str) -> bool {
        rule.allowlist.allows_path(relative) || self.allows_file(relative)
    }

    /// Whether a location fingerprint is listed to be ignored.
    pub fn ignores(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    /// Keeps the locations of at least the minimum confidence, and the
    /// findings that still have one; counts what was left out.
    pub fn confident_enough(&self, findings: Vec<Finding>, summary: &mut Summary) -> Vec<Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                let before = f.locations.len();
                let look_alikes = f
                    .locations
                    .iter()
                    .filter(|l| l.confidence < self.min_confidence && l.checksum_mismatch())
                    .count();
                f.locations.retain(|l| l.confidence >= self.min_confidence);
                summary.below_min_confidence += (before - f.locations.len()) as u64;
                summary.checksum_mismatch += look_alikes as u64;
                (!f.locations.is_empty()).then_some(f)
            })
            .collect()
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
