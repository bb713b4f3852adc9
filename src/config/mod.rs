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

mod tree_file;

pub use tree_file::read_tree_file;

use crate::rules::{Allowlist, AllowlistSyntax, Confidence, Rule, RuleError, RuleSet, RuleSyntax};
use crate::summary::Narrowing;

/// Default minimum confidence: test keys, documented examples and weak
/// generic matches are left out unless asked for.
pub const DEFAULT_MIN_CONFIDENCE: Confidence = Confidence::Medium;

/// Default size limit of one input.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// File name looked up at the root of the scanned tree.
pub const CONFIG_FILE: &str = ".leakhound.yml";

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
    /// What the file turns off or narrows, counted when it was loaded.
    pub narrowing: Narrowing,
}

/// 1-based line of the first line from line `from` on that contains
/// `value` (none for an empty value).
fn line_from(text: &str, from: usize, value: &str) -> Option<usize> {
    if value.is_empty() {
        return None;
    }
    text.lines()
        .skip(from - 1)
        .position(|line| line.contains(value))
        .map(|n| from + n)
}

impl Config {
    /// The configuration without a file: built-in rules only.
    pub fn builtin() -> Result<Config, RuleError> {
        let rules = RuleSet::builtin()?;
        let narrowing = Narrowing {
            extend_default: true,
            builtin_rules_used: rules.len(),
            builtin_rules: rules.len(),
            ..Narrowing::default()
        };
        Ok(Config {
            file: None,
            rules,
            allowlist: Allowlist::default(),
            max_file_size: None,
            min_confidence: None,
            decode: None,
            narrowing,
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

    /// Validates configuration text read from `path`: every error names
    /// the file and the line, and every custom rule is compiled here (with
    /// the limits the matcher uses), so that a rule that cannot be is an
    /// error now rather than a failure in the middle of a scan.
    pub fn parse(path: &Path, text: &str) -> Result<Config, RuleError> {
        let syntax: ConfigSyntax = if text.trim().is_empty() {
            ConfigSyntax {
                extend_default: true,
                ..ConfigSyntax::default()
            }
        } else {
            serde_norway::from_str(text).map_err(|e| crate::rules::yaml_error(path, &e))?
        };
        let syntax_error = |line: Option<usize>, message: String| RuleError::Syntax {
            file: path.to_owned(),
            line,
            message,
        };
        let builtin = RuleSet::builtin()?;
        let builtin_rules = builtin.len();
        let mut rules = if syntax.extend_default {
            builtin
        } else {
            RuleSet::default()
        };
        let unknown = rules.disable(&syntax.disable);
        if let Some(id) = unknown.first() {
            return Err(syntax_error(
                crate::rules::value_line(text, "disable", id),
                format!("disable: no rule has the id '{id}' (see `leakhound rules list`)"),
            ));
        }
        let extra = syntax
            .rules
            .into_iter()
            .map(|r| Rule::from_syntax(r, path, &Default::default()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.with_line(text))?;
        for rule in &extra {
            rule.compile().map_err(|invalid| {
                RuleError::Rule {
                    file: path.to_owned(),
                    line: None,
                    id: rule.id().to_owned(),
                    message: invalid.to_string(),
                }
                .with_line(text)
            })?;
        }
        rules.extend(extra).map_err(|e| e.with_line(text))?;
        for (id, allowlist) in &syntax.rule_allowlists {
            rules.extend_allowlist(id, allowlist).map_err(|invalid| {
                let section = crate::rules::value_line(text, "rule_allowlists", &format!("{id}:"));
                let value = invalid.value().unwrap_or("");
                let line = section.map(|from| line_from(text, from, value).unwrap_or(from));
                syntax_error(line, format!("rule_allowlists: {id}: {invalid}"))
            })?;
        }
        let allowlist = Allowlist::compile(&syntax.allowlist).map_err(|invalid| {
            let line = crate::rules::value_line(text, "allowlist", invalid.value().unwrap_or(""));
            syntax_error(line, invalid.to_string())
        })?;
        let builtin_rules_used = rules.rules().iter().filter(|r| r.file != path).count();
        let default_confidence = DEFAULT_MIN_CONFIDENCE;
        let narrowing = Narrowing {
            file: path.display().to_string(),
            extend_default: syntax.extend_default,
            builtin_rules_used,
            builtin_rules,
            disabled: syntax.disable.clone(),
            allowlist_path_globs: syntax.allowlist.paths.len(),
            allowlist_path_regexes: syntax.allowlist.path_regexes.len(),
            allowlisted_inputs: None,
            allowlist_patterns: syntax.allowlist.regexes.len()
                + syntax.allowlist.stopwords.len()
                + syntax.allowlist.matches.len(),
            rule_allowlists: syntax.rule_allowlists.len(),
            max_file_size: syntax
                .max_file_size
                .filter(|&size| size < DEFAULT_MAX_FILE_SIZE),
            too_large_inputs: None,
            min_confidence: syntax.min_confidence.filter(|&c| c > default_confidence),
            no_decode: syntax.decode == Some(false),
        };
        Ok(Config {
            file: Some(path.to_owned()),
            rules,
            allowlist,
            max_file_size: syntax.max_file_size,
            min_confidence: syntax.min_confidence,
            decode: syntax.decode,
            narrowing,
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
        assert!(rule.allowlist().allows_path("docs/setup.md"));
        assert!(!rule.allowlist().allows_path("src/main.rs"));
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
        assert!(rule.allowlist().allows_path("docs/setup.md"));
        assert!(rule.allowlist().allows_match(b"token: example"));
    }

    #[test]
    fn errors_quote_no_value_and_name_their_line() {
        for (yaml, shown, hidden) in [
            (
                "max_file_size: big\n",
                "invalid type: string, expected u64",
                "big",
            ),
            ("zq8vR2mLx7Tb: 1\n", "unknown field `…`", "zq8vR2mLx7Tb"),
            (
                "allowlist:\n  pathz: []\n",
                "unknown field `pathz`",
                "\u{2026}",
            ),
            (
                "min_confidence: Zq8vR2\n",
                "unknown variant `…`, expected one of",
                "Zq8vR2",
            ),
            (
                "\"https://u:p4ss@example.com\"\n",
                "invalid type: string",
                "p4ss",
            ),
        ] {
            let err = parse(yaml).unwrap_err().to_string();
            assert!(err.starts_with(".leakhound.yml:"), "{err}");
            assert!(err.contains(shown), "{yaml}: {err}");
            assert!(!err.contains(hidden), "{yaml}: {err}");
        }
    }

    #[test]
    fn a_rule_over_the_size_limit_is_an_error_at_load() {
        let err =
            parse("rules:\n- id: big\n  name: Big\n  regex: 'k(?P<secret>[a-z]{16,1000000})'\n")
                .unwrap_err()
                .to_string();
        assert!(err.starts_with(".leakhound.yml:2: rule 'big': "), "{err}");
        assert!(err.contains("size limit"), "{err}");
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
