//! The rule schema as written in `patterns/*.yml` and configuration files
//! (serde), before it is checked and compiled.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Checksum, fragments, validation};

/// How sure a rule is that a match is a real secret.
#[derive(
    Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often noise; generic detectors.
    Low,
    /// Usually a secret.
    #[default]
    Medium,
    /// A provider format that is almost never anything else.
    High,
}

impl Confidence {
    /// Every level, lowest first, with its name (for a command line's
    /// choices).
    pub const CHOICES: [(Confidence, &'static str, &'static str); 3] = [
        (Confidence::Low, "low", ""),
        (Confidence::Medium, "medium", ""),
        (Confidence::High, "high", ""),
    ];

    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One step less sure (a test key, a documented example); `Low` stays.
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The top of a rule file: `rules: [...]`, and regex fragments its rules
/// may use (see [`fragments`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSyntax {
    /// The rules in the file.
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    /// Named regex fragments, used as `(?&name)`.
    #[serde(default)]
    pub fragments: fragments::Fragments,
}

/// One rule as written in YAML.
///
/// Regexes are compiled in ASCII mode: `\w`, `\d`, `\s`, `\b` and `(?i)`
/// are ASCII-only and `.` matches any byte but `\n`. Secrets are ASCII, and
/// ASCII mode keeps the fast DFA engines usable on non-ASCII input.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    /// Stable kebab-case identifier, unique across all rules.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Regex (Rust `regex` syntax); the group named `secret`, or else the
    /// first group, is the secret.
    pub regex: String,
    /// Literal strings (ASCII case-insensitive), one of which occurs in every
    /// match. The rule runs only on inputs that contain one of them.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Why the rule has no keyword of three characters or more, when none
    /// occurs in every match: it then runs on every byte of every input,
    /// and `rules check` asks for this reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfiltered: Option<String>,
    /// Minimum Shannon entropy of the secret in bits per byte.
    #[serde(default)]
    pub min_entropy: Option<f32>,
    /// How sure a match is to be a secret.
    #[serde(default)]
    pub confidence: Confidence,
    /// A checksum the secret must satisfy.
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Longest match in bytes, for a regex written without an upper bound.
    ///
    /// A rule is searched only within this distance of its keywords. A long
    /// counted repetition such as `[A-Za-z0-9+/]{64,16384}` compiles into
    /// thousands of automaton states and megabytes per rule and thread;
    /// writing `{64,}` and `max_len: 16500` keeps the same search window at
    /// a fraction of the memory.
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Whether a strong secret (12 bytes or more, 3.5 bits per byte) keeps
    /// its confidence in documentation, where matches are otherwise lowered
    /// two steps: for credentials addressed to a host (URL userinfo,
    /// `curl -u`), which documentation illustrates with placeholders or
    /// hosts reserved for examples, not with strong passwords.
    #[serde(default)]
    pub strong_in_docs: bool,
    /// Longer explanation.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the format is documented.
    #[serde(default)]
    pub references: Vec<String>,
    /// How to revoke and replace a leaked credential of this kind
    /// (`leakhound explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<RotationSyntax>,
    /// Texts that must produce a finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts that must not produce a finding.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Matches this rule ignores.
    #[serde(default)]
    pub allowlist: Option<AllowlistSyntax>,
    /// How `scan --validate` asks the provider whether a found secret
    /// works (see [`validation::CheckSyntax`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<validation::CheckSyntax>,
}

/// What to do when a credential a rule finds has leaked: the provider's
/// steps to revoke and replace it.
///
/// ```yaml
/// rotation:
///   steps:                       # one text, or a list of steps in order
///     - Revoke the token at ...
///     - Create a new one ...
///   url: https://...             # optional: the provider's page about it
/// ```
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RotationSyntax {
    /// What to do, in order.
    #[serde(deserialize_with = "one_or_many")]
    pub steps: Vec<String>,
    /// The provider's documentation of revoking or rotating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A text or a list of texts.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(text)) => Ok(vec![text]),
        Ok(OneOrMany::Many(list)) => Ok(list),
        Err(_) => Err(serde::de::Error::custom(
            "expected a text or a list of texts",
        )),
    }
}

/// Exceptions, for one rule or for all of them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSyntax {
    /// Path globs whose matches are ignored.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes on paths (relative to the project root, `/` separators,
    /// unanchored: `(^|/)vendor/`) whose matches are ignored: the form
    /// gitleaks allowlists use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_regexes: Vec<String>,
    /// Regexes; a secret any of them matches is ignored.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Words; a secret containing one (ASCII case-insensitive) is ignored.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes tested against the whole match rather than the secret: a
    /// URL whose host is a documentation domain (`@example.com`).
    #[serde(default)]
    pub matches: Vec<String>,
}
