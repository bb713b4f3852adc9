//! Locating what the matcher found: a match becomes a [`Hit`] (line,
//! column, snippet, the decodings that revealed it), and a hit at a path
//! becomes a finding's location (its context, confidence and fingerprint),
//! unless something suppresses it.

use std::ops::Range;

use super::chunk::ChunkScanner;
use crate::classify;
use crate::decode::{Encoding, View};
use crate::finding::{self, GitLocation, Location, SecretKey};
use crate::rules::Confidence;
use crate::suppress;
use crate::text::{self, LineIndex};

/// Where an input came from, as reports show it.
#[derive(Clone, Copy, Debug)]
pub struct Origin<'a> {
    /// Path shown in reports.
    pub display: &'a str,
    /// Path relative to the project root, for allowlists and fingerprints.
    pub relative: &'a str,
}

/// A match located in its input, not yet tied to a path.
#[derive(Clone, Debug)]
pub struct Hit {
    /// Index of the rule in the engine.
    pub rule: usize,
    /// The secret.
    pub secret: Vec<u8>,
    /// The other half of a credential pair, when the rule captures one.
    pub pair: Option<Vec<u8>>,
    /// 1-based line of the start of the secret.
    pub line: usize,
    /// 1-based column of the start of the secret.
    pub column: usize,
    /// 1-based line of the end of the secret.
    pub end_line: usize,
    /// 1-based column just past the secret.
    pub end_column: usize,
    /// The line around the secret.
    pub snippet: String,
    /// How sure the match is (before its location's context lowers it).
    pub confidence: Confidence,
    /// The decodings that revealed the secret, outermost first.
    pub decoded: Vec<Encoding>,
    /// In a Rust `#[cfg(test)]` module.
    pub in_test_module: bool,
    /// In a documentation string (a Python docstring, say).
    pub in_doc_string: bool,
    /// Named a test value (`TEST_KEY = "..."`, `kTestKey[] =` on the line
    /// before a value that starts its line).
    pub test_named: bool,
    /// The rule's prefix and shape without its checksum.
    pub checksum_mismatch: bool,
    /// A match of its decoded form replaced it (see `claim_decoded`): it
    /// is dropped before the input's hits are handed on.
    pub superseded: bool,
}

impl ChunkScanner<'_> {
    /// Turns the matches found in `haystack` (the text itself, or a decoded
    /// view of it) into hits located in `text`.
    pub(super) fn match_hits(
        &mut self,
        text: &[u8],
        haystack: &[u8],
        view: Option<&View>,
        chain: &[Encoding],
        located: &mut Located<'_>,
        out: &mut Vec<Hit>,
    ) {
        let to_text = |range: Range<usize>| match view {
            Some(view) => view.source_range(range, text),
            None => range,
        };
        let rules = self.matcher.engine().rules();
        let claimed = &mut located.claimed;
        for m in &self.matches {
            // Reported or not, no report may show it.
            self.findings.know(&haystack[m.secret.clone()]);
            let secret = to_text(m.secret.clone());
            if view.is_some() && !claim_decoded(claimed, &secret, out) {
                continue;
            }
            let generic = rules[m.rule].syntax.confidence == Confidence::Low;
            claimed.push(Claim {
                range: secret.clone(),
                hit: None,
                plain_generic: view.is_none() && generic,
            });
            if located.markers.allowed(to_text(m.span.clone())) {
                self.summary.suppressed_inline += 1;
                continue;
            }
            let (line, column) = located.lines.locate(secret.start);
            let (end_line, end_column) = located.lines.locate(secret.end);
            if let Some(claim) = claimed.last_mut() {
                claim.hit = Some(out.len());
            }
            out.push(Hit {
                rule: m.rule,
                secret: haystack[m.secret.clone()].to_vec(),
                pair: m.pair.clone().map(|p| haystack[p].to_vec()),
                line,
                column,
                end_line,
                end_column,
                snippet: text::snippet(
                    haystack,
                    text::snippet_line(haystack, m.secret.clone()),
                    m.secret.clone(),
                ),
                confidence: m.confidence,
                decoded: chain.to_vec(),
                in_test_module: false,
                in_doc_string: false,
                test_named: classify::test_name(&name_before(haystack, m.secret.start)),
                checksum_mismatch: m.checksum_mismatch,
                superseded: false,
            });
        }
    }

    /// Records a hit at a path, unless an allowlist covers that path.
    pub fn add(&mut self, hit: &Hit, origin: Origin<'_>, git: Option<GitLocation>) {
        let engine = self.matcher.engine();
        let rule = &engine.rules()[hit.rule];
        if self.suppression.allows_path(rule, origin.relative) {
            self.summary.suppressed_allowlisted_path += 1;
            return;
        }
        let key = *self
            .keys
            .entry((hit.rule, hit.secret.clone()))
            .or_insert_with(|| SecretKey::new(rule.id(), &hit.secret));
        let fingerprint = key.fingerprint(origin.relative);
        if self.suppression.ignores(&fingerprint) {
            self.summary.suppressed_ignored += 1;
            return;
        }
        let context =
            classify::classify(origin.relative, &hit.snippet).or_else(|| code_context(hit));
        let encrypted = classify::is_encrypted_key(&hit.secret);
        let confidence = if encrypted {
            Confidence::Low
        } else {
            context.map_or(hit.confidence, |c| {
                c.lower(
                    hit.confidence,
                    classify::is_sample(&hit.secret, &hit.snippet),
                    rule.syntax.strong_in_docs && classify::is_strong(&hit.secret),
                )
            })
        };
        let location = Location {
            repository: None,
            confidence,
            context,
            decoded: hit.decoded.clone(),
            path: origin.display.to_owned(),
            line: hit.line,
            column: hit.column,
            end_line: hit.end_line,
            end_column: hit.end_column,
            fingerprint,
            snippet: hit.snippet.clone(),
            git,
            note: note(hit, rule, encrypted),
        };
        self.findings.add(
            hit.rule,
            rule,
            &hit.secret,
            hit.pair.as_deref(),
            key,
            location,
        );
    }
}

/// The context the text around a hit gives it: a test module or a test
/// name, or a documentation string.
fn code_context(hit: &Hit) -> Option<classify::CodeKind> {
    if hit.in_test_module || hit.test_named {
        Some(classify::CodeKind::Test)
    } else if hit.in_doc_string {
        Some(classify::CodeKind::Example)
    } else {
        None
    }
}

/// Why a location is reported as it is, when that is not plain.
fn note(hit: &Hit, rule: &crate::rules::Rule, encrypted: bool) -> Option<String> {
    if hit.checksum_mismatch {
        Some(format!(
            "{}: not a real {}",
            finding::CHECKSUM_MISMATCH,
            rule.syntax.name
        ))
    } else if encrypted {
        Some(finding::ENCRYPTED_KEY.to_owned())
    } else {
        None
    }
}

/// How far before a secret its name is looked for.
const NAME_REACH: usize = 160;

/// The text that names the secret at `start` (see [`classify::test_name`]):
/// its line up to it, or, when only quotes and spaces come before it there
/// (a value continued from the line above, as a key block in a C string),
/// the line before.
fn name_before(text: &[u8], start: usize) -> String {
    let line_start = memchr::memrchr(b'\n', &text[..start]).map_or(0, |i| i + 1);
    let before = &text[line_start.max(start.saturating_sub(NAME_REACH))..start];
    let bare = before
        .iter()
        .all(|b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'`' | b'('));
    if !bare || line_start == 0 {
        return String::from_utf8_lossy(before).into_owned();
    }
    let above = &text[..line_start - 1];
    let from = memchr::memrchr(b'\n', above).map_or(0, |i| i + 1);
    String::from_utf8_lossy(&above[from.max(above.len().saturating_sub(NAME_REACH))..]).into_owned()
}

/// What locating the hits of one text keeps: where it is in the text, and
/// what has been reported.
pub(super) struct Located<'t> {
    pub(super) lines: LineIndex<'t>,
    pub(super) markers: suppress::InlineMarkers<'t>,
    pub(super) claimed: Vec<Claim>,
}

/// The part of an input a reported secret covers.
pub(super) struct Claim {
    range: Range<usize>,
    /// Index of its hit in the output (none if suppressed inline).
    hit: Option<usize>,
    /// Found in plain text by a generic rule.
    plain_generic: bool,
}

/// Whether a secret found in decoded text at `secret` should be reported.
/// Not if a match already covers that text, unless the only ones there are
/// generic matches of the encoded form: `password: S3AzIXZO...` in a
/// Kubernetes Secret is better reported as the password it decodes to.
fn claim_decoded(claimed: &mut [Claim], secret: &Range<usize>, out: &mut [Hit]) -> bool {
    let overlaps = |c: &Claim| c.range.start < secret.end && secret.start < c.range.end;
    if claimed
        .iter()
        .filter(|c| overlaps(c))
        .any(|c| !c.plain_generic)
    {
        return false;
    }
    for claim in claimed.iter_mut().filter(|c| overlaps(c)) {
        if let Some(hit) = claim.hit.and_then(|i| out.get_mut(i)) {
            hit.superseded = true;
        }
        claim.plain_generic = false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::name_before;

    #[test]
    fn a_name_is_looked_for_on_the_line_and_above_a_bare_value() {
        let at = |text: &str, value: &str| name_before(text.as_bytes(), text.find(value).unwrap());
        assert_eq!(at("KEY = 'v'\n", "v'"), "KEY = '");
        assert_eq!(
            at("x = 1\nconst char kTestKey[] = R\"(\n-----BEGIN\n", "-----"),
            "const char kTestKey[] = R\"("
        );
        assert_eq!(
            at("  \"v\"\n", "v\""),
            "  \"",
            "nothing above the first line"
        );
        assert_eq!(at("a\nb c v\n", "v"), "b c ", "not bare: its own line");
    }
}
