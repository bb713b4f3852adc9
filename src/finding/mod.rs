//! Findings: matches located in their input, grouped by rule and secret.

//!
//! The model: a [`Finding`] is a secret found by one rule, with every
//! [`Location`] it occurs at (and, from a git history, its
//! [`GitLocation`]). [`key`] derives ids and fingerprints without giving the
//! secret away; [`collect`] gathers locations into findings.

mod checked;
pub mod collect;
pub mod key;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use checked::{Checked, State};
pub use collect::Findings;
pub use key::{KEY_ROUNDS, SecretKey, fingerprint, secret_hash};

use crate::classify::CodeKind;
use crate::decode::Encoding;
use crate::rules::{Confidence, Rule};

/// One place a secret occurs.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// The repository (or other target) this location is in, when a scan
    /// has several targets (`scan TARGET...`, `--targets-from`, an
    /// organisation): the target as given, a URL's credentials masked.
    /// First, so that locations sort by repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<CodeKind>,
    /// The decodings that revealed the secret, outermost first (empty when
    /// it was in plain text).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decoded: Vec<Encoding>,
    /// Where in git history this location comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub git: Option<GitLocation>,
    /// Why this location is reported as it is, when that is not plain:
    /// `checksum does not match: not a real ...` for a look-alike token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

/// The note of an encrypted private key, which is reported at low
/// confidence.
pub const ENCRYPTED_KEY: &str = "encrypted private key: not usable without its passphrase";

/// The git provenance of a location: the blob, and the commit that first
/// put that blob at that path.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct GitLocation {
    /// Commit time in seconds since the epoch, for ordering (not reported).
    #[serde(skip)]
    pub time: i64,
    /// Position of the commit in the history walk, which visits descendants
    /// first: among equal times the larger is older (not reported).
    #[serde(skip)]
    pub walk_index: usize,
    /// The object holding the secret: the blob, or for a message (path
    /// `commit message` or `tag message`) the commit or the tag.
    pub blob: String,
    /// The earliest commit that put this blob at this path (absent for
    /// blobs no commit reaches, such as tagged trees or dangling blobs);
    /// for a message, its commit, or the commit its tag points at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// For a tag message: the tag's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Author of that commit (the tagger, for a tag message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Author's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Author date, RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// First line of the commit message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Whether HEAD has this blob at this path (false for a message: no
    /// tree holds it).
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
    pub validation: Option<Checked>,
    /// When a datastore first recorded this finding in the repository
    /// (RFC 3339, UTC); `None` without `--datastore`.
    pub first_seen: Option<String>,
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

    /// Gives test and documentation locations back the confidence of the
    /// finding's locations outside any context: a test key that is also
    /// in ordinary code (or was, somewhere in the history) is not only a
    /// test key. Look-alike tokens are left as they are.
    pub fn keep_confidence_outside_contexts(&mut self) {
        let plain = self
            .locations
            .iter()
            .filter(|l| l.context.is_none() && !l.checksum_mismatch())
            .map(|l| l.confidence)
            .max();
        let Some(plain) = plain else {
            return;
        };
        for location in &mut self.locations {
            let lowered = matches!(location.context, Some(CodeKind::Test | CodeKind::Example));
            if lowered && !location.checksum_mismatch() && location.confidence < plain {
                location.confidence = plain;
            }
        }
    }

    /// The secret as text (invalid UTF-8 replaced).
    pub fn secret_text(&self) -> String {
        String::from_utf8_lossy(&self.secret).into_owned()
    }
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
