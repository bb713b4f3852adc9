//! The project configuration file, `.leakhound.yml`.
//!
//! ```yaml
//! extend_default: true        # keep the built-in rules (default)
//! disable: [generic-secret]   # built-in rule ids to turn off
//! rules: []                   # extra rules, same schema as patterns/
//! allowlist:                  # applies to every rule
//!   paths: ['tests/fixtures/**']
//!   path_regexes: ['(^|/)vendor/']   # unanchored regexes on paths
//!   regexes: ['^dev-only-']
//!   stopwords: [dummy]
//! rule_allowlists:            # applies to one rule each
//!   generic-secret-assignment:
//!     paths: ['docs/**']
//! max_file_size: 10485760     # bytes
//! min_confidence: low         # report test keys and weak generic matches too
//! decode: true                # match base64, hex, escapes (default)
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::rules::{Allowlist, AllowlistSyntax, Confidence, Rule, RuleError, RuleSet, RuleSyntax};

/// File name looked up at the root of the scanned tree.
pub const CONFIG_FILE: &str = ".leakhound.yml";

/// File of location fingerprints to ignore, at the root of the scanned tree.
pub const IGNORE_FILE: &str = ".leakhoundignore";

/// Reads an ignore file: one fingerprint per line; `#` starts a comment.
pub fn read_ignore_file(path: &Path) -> std::io::Result<std::collections::HashSet<String>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .map(|line| line.split('#').next().unwrap_or("").trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The configuration as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigSyntax {
    /// Keep the built-in rules (default `true`).
    #[serde(default = "yes")]
    pub extend_default: bool,
    /// Rule ids to turn off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Extra rules.
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    /// Exceptions for all rules.
    #[serde(default)]
    pub allowlist: AllowlistSyntax,
    /// Exceptions for one rule each, by rule id.
    #[serde(default)]
    pub rule_allowlists: std::collections::BTreeMap<String, AllowlistSyntax>,
    /// Files larger than this many bytes are skipped.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Lowest confidence reported (`low`, `medium` or `high`).
    #[serde(default)]
    pub min_confidence: Option<Confidence>,
    /// Whether decoded text is matched too (default `true`).
    #[serde(default)]
    pub decode: Option<bool>,
}

fn yes() -> bool {
    true
}

/// A loaded configuration: the rule set to use and the global allowlist.
#[derive(Debug)]
pub struct Config {
    /// The file it came from, if any.
    pub file: Option<PathBuf>,
    /// Rules after `extend_default`, `disable` and `rules`.
    pub rules: RuleSet,
    /// The global allowlist.
    pub allowlist: Allowlist,
    /// Size limit from the file.
    pub max_file_size: Option<u64>,
    /// Lowest confidence reported, from the file.
    pub min_confidence: Option<Confidence>,
    /// Whether to match decoded text, from the file.
    pub decode: Option<bool>,
}

impl Config {
    /// The configuration without a file: built-in rules only.
    pub fn builtin() -> Result<Config, RuleError> {
        Ok(Config {
            file: None,
            rules: RuleSet::builtin()?,
            allowlist: Allowlist::default(),
            max_file_size: None,
            min_confidence: None,
            decode: None,
        })
    }

    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, RuleError> {
        let text = std::fs::read_to_string(path).map_err(|cause| RuleError::Io {
            file: path.to_owned(),
            cause,
        })?;
        Config::parse(path, &text)
    }

    /// Validates configuration text read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Config, RuleError> {
        let syntax: ConfigSyntax = if text.trim().is_empty() {
            ConfigSyntax {
                extend_default: true,
                ..ConfigSyntax::default()
            }
        } else {
            serde_norway::from_str(text).map_err(|e| crate::rules::yaml_error(path, &e))?
        };
        let mut rules = if syntax.extend_default {
            RuleSet::builtin()?
        } else {
            RuleSet::default()
        };
        let unknown = rules.disable(&syntax.disable);
        if let Some(id) = unknown.first() {
            return Err(RuleError::Syntax {
                file: path.to_owned(),
                line: None,
                message: format!("disable: no rule has the id '{id}' (see `leakhound rules list`)"),
            });
        }
        let extra = syntax
            .rules
            .into_iter()
            .map(|r| Rule::from_syntax(r, path, &Default::default()))
            .collect::<Result<Vec<_>, _>>()?;
        rules.extend(extra)?;
        for (id, allowlist) in &syntax.rule_allowlists {
            rules
                .extend_allowlist(id, allowlist)
                .map_err(|message| RuleError::Syntax {
                    file: path.to_owned(),
                    line: None,
                    message: format!("rule_allowlists: {id}: {message}"),
                })?;
        }
        let allowlist =
            Allowlist::compile(&syntax.allowlist).map_err(|message| RuleError::Syntax {
                file: path.to_owned(),
                line: None,
                message,
            })?;
        Ok(Config {
            file: Some(path.to_owned()),
            rules,
            allowlist,
            max_file_size: syntax.max_file_size,
            min_confidence: syntax.min_confidence,
            decode: syntax.decode,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, RuleError> {
        Config::parse(Path::new(".leakhound.yml"), text)
    }

    #[test]
    fn empty_file_means_defaults() {
        let config = parse("").unwrap();
        assert!(config.rules.len() >= 100);
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = parse("allowlist:\n  paths: []\n  pathz: []\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(".leakhound.yml:3:"), "{err}");
        assert!(err.contains("unknown field `pathz`"), "{err}");
    }

    #[test]
    fn unknown_disabled_rule_is_an_error() {
        let err = parse("disable: [no-such-rule]\n").unwrap_err().to_string();
        assert!(err.contains("'no-such-rule'"), "{err}");
    }

    #[test]
    fn bad_glob_is_an_error() {
        let err = parse("allowlist:\n  paths: ['a/[']\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowlist path 'a/['"), "{err}");
    }

    #[test]
    fn per_rule_allowlist() {
        let config = parse("rule_allowlists:\n  gitlab-pat:\n    paths: ['docs/**']\n").unwrap();
        let rule = config.rules.get("gitlab-pat").unwrap();
        assert!(rule.allowlist.allows_path("docs/setup.md"));
        assert!(!rule.allowlist.allows_path("src/main.rs"));
        let err = parse("rule_allowlists:\n  nope:\n    paths: []\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("rule_allowlists: nope: no rule has the id 'nope'"),
            "{err}"
        );
    }

    #[test]
    fn path_regexes_are_unanchored_and_checked() {
        let config = parse("allowlist:\n  path_regexes: ['(^|/)vendor/', '\\.lock$']\n").unwrap();
        assert!(config.allowlist.allows_path("vendor/x.go"));
        assert!(config.allowlist.allows_path("a/vendor/x.go"));
        assert!(config.allowlist.allows_path("Cargo.lock"));
        assert!(!config.allowlist.allows_path("myvendor/x.go"));
        let err = parse("allowlist:\n  path_regexes: ['a(']\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("allowlist path regex 'a('"), "{err}");
    }

    #[test]
    fn per_rule_allowlist_keeps_every_kind() {
        let config = parse(
            "rule_allowlists:\n  gitlab-pat:\n    path_regexes: ['^docs/']\n    matches: ['example']\n",
        )
        .unwrap();
        let rule = config.rules.get("gitlab-pat").unwrap();
        assert!(rule.allowlist.allows_path("docs/setup.md"));
        assert!(rule.allowlist.allows_match(b"token: example"));
    }

    #[test]
    fn custom_rules_only() {
        let config = parse(
            "extend_default: false\nrules:\n- id: mine\n  name: Mine\n  regex: 'mine_(?P<secret>[a-z]{8})'\n",
        )
        .unwrap();
        assert_eq!(config.rules.len(), 1);
    }
}
