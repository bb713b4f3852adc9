//! Findings: matches located in their input, grouped by rule and secret.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::classify::CodeKind;
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
    pub context: Option<CodeKind>,
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

#[cfg(test)]
mod tests {
    use super::*;

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
