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

pub mod baseline;
pub mod ignore_file;
mod inline;

use std::collections::HashSet;

use crate::classify::CodeKind;
use crate::finding::Finding;
use crate::rules::{Confidence, Rule};
use crate::summary::Summary;

pub use ignore_file::{IGNORE_FILE, is_fingerprint, parse_ignore_file, read_ignore_file};
pub use inline::{INLINE_ALLOW_MARKERS, InlineMarkers, inline_allowed};

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
        rule.allowlist().allows_path(relative) || self.allows_file(relative)
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
                for location in &f.locations {
                    if location.confidence < self.min_confidence {
                        count_not_shown(location, summary);
                    }
                }
                f.locations.retain(|l| l.confidence >= self.min_confidence);
                (!f.locations.is_empty()).then_some(f)
            })
            .collect()
    }
}

/// Counts a location left out for its confidence, and what it is.
fn count_not_shown(location: &crate::finding::Location, summary: &mut Summary) {
    summary.below_min_confidence += 1;
    if location.checksum_mismatch() {
        summary.checksum_mismatch += 1;
    }
    match location.context {
        Some(CodeKind::Test) => summary.below_min_confidence_test += 1,
        Some(CodeKind::Example) => summary.below_min_confidence_example += 1,
        _ => {}
    }
}
