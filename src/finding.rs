//! Findings: matches located in their input, grouped by rule and secret.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::context::Context;
use crate::decode::Encoding;
use crate::rules::{Confidence, Rule};

/// One place a secret occurs.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path as scanned (`-` for standard input).
    pub path: String,
    /// 1-based line of the start of the match.
    pub line: usize,
    /// 1-based column (in characters) of the start of the secret.
    pub column: usize,
    /// 1-based line of the end of the secret.
    pub end_line: usize,
    /// 1-based column just past the end of the secret.
    pub end_column: usize,
    /// Stable identity of this secret at this path: hash of rule id, secret
    /// and path. It does not change when lines move or commits are rewritten.
    pub fingerprint: String,
    /// The line the secret starts on, shortened around the secret (for a
    /// decoded secret, the decoded text).
    pub snippet: String,
    /// How sure this location is to hold a live secret: the match's
    /// confidence, lowered by its context.
    pub confidence: Confidence,
    /// Test code, documentation or third-party code, if it is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context: Option<Context>,
    /// The decodings that revealed the secret, outermost first (empty when
    /// it was in plain text).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decoded: Vec<Encoding>,
    /// Where in git history this location comes from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git: Option<GitLocation>,
    /// Why this location is reported as it is, when that is not plain:
    /// `checksum does not match: not a real ...` for a look-alike token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Location {
    /// Whether this is a token look-alike whose checksum does not match.
    pub fn checksum_mismatch(&self) -> bool {
        self.note
            .as_deref()
            .is_some_and(|n| n.starts_with(CHECKSUM_MISMATCH))
    }
}

/// How the note of a look-alike token starts.
pub const CHECKSUM_MISMATCH: &str = "checksum does not match";

/// The git provenance of a location: the blob, and the commit that first
/// put that blob at that path.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitLocation {
    /// Commit time in seconds since the epoch, for ordering (not reported).
    #[serde(skip)]
    pub time: i64,
    /// Position of the commit in the history walk, which visits descendants
    /// first: among equal times the larger is older (not reported).
    #[serde(skip)]
    pub walk_index: usize,
    /// The blob holding the secret.
    pub blob: String,
    /// The earliest commit that put this blob at this path (absent for
    /// blobs no commit reaches, such as tagged trees or dangling blobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Author of that commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Author's email.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Author date, RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// First line of the commit message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Whether HEAD has this blob at this path.
    pub in_head: bool,
}

/// A secret found by one rule, with every place it occurs.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The rule that found it.
    pub rule: Arc<Rule>,
    /// The secret.
    pub secret: Vec<u8>,
    /// Where it occurs, sorted.
    pub locations: Vec<Location>,
    /// The secret's slow, salted key (see [`SecretKey`]).
    pub key: SecretKey,
    /// The other half of a credential pair (an AWS access key ID), when
    /// the rule captures one: what a validation check may need besides the
    /// secret. Never reported.
    pub pair: Option<Vec<u8>>,
    /// What the provider said of the secret, after `scan --validate`.
    pub validation: Option<crate::validate::Checked>,
}

impl Finding {
    /// Stable id of the finding: hash of the rule id and the secret.
    pub fn id(&self) -> String {
        self.key.id()
    }

    /// For git scans: whether the secret is in HEAD's tree at any of its
    /// locations.
    pub fn in_head(&self) -> Option<bool> {
        let mut git = self
            .locations
            .iter()
            .filter_map(|l| l.git.as_ref())
            .peekable();
        git.peek()?;
        Some(git.any(|g| g.in_head))
    }

    /// The highest confidence of its locations.
    pub fn confidence(&self) -> Confidence {
        self.locations
            .iter()
            .map(|l| l.confidence)
            .max()
            .unwrap_or(self.rule.syntax.confidence)
    }

    /// The secret as text (invalid UTF-8 replaced).
    pub fn secret_text(&self) -> String {
        String::from_utf8_lossy(&self.secret).into_owned()
    }
}

fn hex_digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// PBKDF2 rounds of a [`SecretKey`]: a few milliseconds per secret.
pub const KEY_ROUNDS: u32 = 1 << 14;

/// What finding ids and location fingerprints are derived from: the secret
/// stretched by PBKDF2-HMAC-SHA256 ([`KEY_ROUNDS`] rounds) with the rule id
/// in the salt.
///
/// Ids and fingerprints end up in reports, baselines and ignore files that
/// are committed and shared, so they must not give the secret away. A fast
/// hash would let anyone holding an ignore file test billions of guesses a
/// second against a short password; the salt rules out precomputed tables
/// and the rounds make each guess cost thousands of hash computations. A
/// keyed hash with a key kept outside the repository was the other choice;
/// it was not taken because ignore files and baselines must give the same
/// fingerprints on every laptop and CI runner without handing a key to each.
/// Guessable secrets (dictionary words) stay guessable at a cost: rotate a
/// secret rather than ignore it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// The key of `secret` under the rule `rule_id`.
    pub fn new(rule_id: &str, secret: &[u8]) -> SecretKey {
        let salt = [b"leakhound-key-v2\0".as_slice(), rule_id.as_bytes()].concat();
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(secret, &salt, KEY_ROUNDS, &mut key);
        SecretKey(key)
    }

    /// The finding id: the same secret under the same rule has the same id.
    pub fn id(&self) -> String {
        hex_digest(&[b"leakhound-secret-v2", &self.0])
    }

    /// The fingerprint of this secret at `path` (see
    /// [`Location::fingerprint`]).
    pub fn fingerprint(&self, path: &str) -> String {
        hex_digest(&[b"leakhound-location-v2", &self.0, path.as_bytes()])
    }
}

/// Hash identifying a secret under a rule, without revealing it.
pub fn secret_hash(rule_id: &str, secret: &[u8]) -> String {
    SecretKey::new(rule_id, secret).id()
}

/// Fingerprint of a secret at a path (see [`Location::fingerprint`]).
pub fn fingerprint(rule_id: &str, secret: &[u8], path: &str) -> String {
    SecretKey::new(rule_id, secret).fingerprint(path)
}

/// Every secret a scan matched, by any rule at any confidence, reported
/// or not (suppressed inline, allowlisted, ignored, below the minimum
/// confidence): what reports must not show, wherever it appears. One entry
/// per distinct secret.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct KnownSecrets(BTreeSet<Vec<u8>>);

impl KnownSecrets {
    /// Adds a secret (an empty one is no secret).
    pub fn insert(&mut self, secret: &[u8]) {
        if !secret.is_empty() && !self.0.contains(secret) {
            self.0.insert(secret.to_vec());
        }
    }

    /// Adds every secret of `other`.
    pub fn extend(&mut self, other: KnownSecrets) {
        self.0.extend(other.0);
    }

    /// The secrets, in byte order.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        self.0.iter().map(Vec::as_slice)
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Never the secrets themselves, only how many.
impl std::fmt::Debug for KnownSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KnownSecrets({} secrets)", self.0.len())
    }
}

/// Collects located matches into findings, one per rule and secret, and
/// every secret matched ([`KnownSecrets`]).
#[derive(Debug, Default)]
pub struct Findings {
    by_key: HashMap<(usize, Vec<u8>), Finding>,
    known: KnownSecrets,
}

impl Findings {
    /// Adds one location of `secret` found by `rule` (index `rule_index`).
    pub fn add(
        &mut self,
        rule_index: usize,
        rule: &Arc<Rule>,
        secret: &[u8],
        pair: Option<&[u8]>,
        key: SecretKey,
        location: Location,
    ) {
        let finding = self
            .by_key
            .entry((rule_index, secret.to_vec()))
            .or_insert_with(|| Finding {
                rule: rule.clone(),
                secret: secret.to_vec(),
                locations: Vec::new(),
                key,
                pair: None,
                validation: None,
            });
        if finding.pair.is_none() {
            finding.pair = pair.map(<[u8]>::to_vec);
        }
        finding.locations.push(location);
    }

    /// Records a secret that was matched, whether or not it is reported.
    pub fn know(&mut self, secret: &[u8]) {
        self.known.insert(secret);
    }

    /// Takes the secrets matched so far (see [`KnownSecrets`]).
    pub fn take_known(&mut self) -> KnownSecrets {
        std::mem::take(&mut self.known)
    }

    /// Merges another collection into this one.
    pub fn merge(&mut self, other: Findings) {
        self.known.extend(other.known);
        for (key, finding) in other.by_key {
            match self.by_key.get_mut(&key) {
                Some(existing) => existing.locations.extend(finding.locations),
                None => {
                    self.by_key.insert(key, finding);
                }
            }
        }
    }

    /// Keeps, for each finding and path, only the location introduced
    /// earliest; that location is `in_head` if any dropped one at the same
    /// path was. The same secret in a file edited a hundred times is one
    /// location, not a hundred.
    pub fn earliest_per_path(self) -> Findings {
        let mut by_key = HashMap::new();
        for (key, mut finding) in self.by_key {
            let age = |l: &Location| {
                l.git
                    .as_ref()
                    .map(|g| (g.time, std::cmp::Reverse(g.walk_index)))
            };
            // Ties (two lines of one blob) go by the location itself, so
            // that the one kept does not depend on which thread saw what.
            finding
                .locations
                .sort_by(|a, b| (&a.path, age(a), a).cmp(&(&b.path, age(b), b)));
            let mut kept: Vec<Location> = Vec::new();
            for location in finding.locations {
                match kept.last_mut() {
                    Some(last) if last.path == location.path => {
                        let in_head = location.git.as_ref().is_some_and(|g| g.in_head);
                        if let Some(git) = last.git.as_mut() {
                            git.in_head |= in_head;
                        }
                    }
                    _ => kept.push(location),
                }
            }
            finding.locations = kept;
            by_key.insert(key, finding);
        }
        Findings {
            by_key,
            known: self.known,
        }
    }

    /// The findings, each with sorted, distinct locations, sorted by first
    /// location then rule id; ties (a token rotated in place: another
    /// secret at the same line and column) go by all the locations, then
    /// the secret, so that the order is the same on every run.
    pub fn into_sorted(self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .by_key
            .into_values()
            .map(|mut f| {
                f.locations.sort();
                f.locations.dedup();
                f
            })
            .collect();
        findings.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        findings
    }
}

/// What findings are sorted by: a total order.
fn order_key(f: &Finding) -> (&str, usize, usize, &str, &[Location], &[u8]) {
    let first = &f.locations[0];
    (
        &first.path,
        first.line,
        first.column,
        f.rule.id(),
        &f.locations,
        &f.secret,
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

/// The line around `secret`, cut to at most [`SNIPPET_MAX`] bytes plus the
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
    fn hashes_are_stable_and_distinct() {
        assert_eq!(fingerprint("r", b"s", "p"), fingerprint("r", b"s", "p"));
        assert_ne!(fingerprint("r", b"s", "p"), fingerprint("r", b"s", "q"));
        assert_ne!(secret_hash("r", b"ab"), secret_hash("ra", b"b"));
        assert_eq!(secret_hash("r", b"s").len(), 24);
    }

    #[test]
    fn keys_are_stretched_and_salted_by_rule() {
        let key = SecretKey::new("rule-a", b"hunter2");
        assert_eq!(key, SecretKey::new("rule-a", b"hunter2"));
        assert_ne!(key, SecretKey::new("rule-b", b"hunter2"));
        // Not a plain hash of the secret: a guess must redo the rounds.
        let plain: [u8; 32] = Sha256::digest(b"hunter2").into();
        assert_ne!(key.0, plain);
        let mut one_round = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"hunter2", b"leakhound-key-v2\0rule-a", 1, &mut one_round);
        assert_ne!(key.0, one_round);
        assert_eq!(key.fingerprint("p"), fingerprint("rule-a", b"hunter2", "p"));
    }
}
