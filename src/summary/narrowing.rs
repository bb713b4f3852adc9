//! What a configuration turns off or narrows, as a scan's summary reports
//! it.

use serde::Serialize;

use crate::rules::Confidence;

/// What a configuration turns off or narrows. A scanned repository's own
/// configuration can silence its scan; the summary line and the reports
/// say what it did ([`super::Summary::repository_config`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Narrowing {
    /// The file, as named in messages (relative to the scanned tree).
    pub file: String,
    /// Whether the built-in rules are kept.
    pub extend_default: bool,
    /// Built-in rules in use.
    pub builtin_rules_used: usize,
    /// Built-in rules there are.
    pub builtin_rules: usize,
    /// Built-in rules turned off by `disable`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub disabled: Vec<String>,
    /// Path globs of the global allowlist.
    #[serde(skip_serializing_if = "is_zero")]
    pub allowlist_path_globs: usize,
    /// Path regexes of the global allowlist.
    #[serde(skip_serializing_if = "is_zero")]
    pub allowlist_path_regexes: usize,
    /// Inputs the scan skipped for matching those (filled in after it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowlisted_inputs: Option<u64>,
    /// Secret regexes, stopwords and whole-match regexes of the global
    /// allowlist.
    #[serde(skip_serializing_if = "is_zero")]
    pub allowlist_patterns: usize,
    /// Rules given extra exceptions by `rule_allowlists`.
    #[serde(skip_serializing_if = "is_zero")]
    pub rule_allowlists: usize,
    /// A size limit below the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_file_size: Option<u64>,
    /// Inputs the scan skipped as over the size limit (filled in after it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub too_large_inputs: Option<u64>,
    /// A minimum confidence above the default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_confidence: Option<Confidence>,
    /// Decoding turned off.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub no_decode: bool,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Narrowing {
    /// Whether it turns off or narrows anything.
    pub fn narrows(&self) -> bool {
        !self.extend_default
            || !self.disabled.is_empty()
            || self.allowlist_path_globs + self.allowlist_path_regexes + self.allowlist_patterns > 0
            || self.rule_allowlists > 0
            || self.max_file_size.is_some()
            || self.min_confidence.is_some()
            || self.no_decode
    }

    /// What it did, for the summary line: `extend_default false (0 of 386
    /// built-in rules), allowlists 1 path glob matching 12 inputs`.
    pub fn describe(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let mut parts = Vec::new();
        if !self.extend_default {
            parts.push(format!(
                "extend_default false ({} of {} built-in rules)",
                self.builtin_rules_used, self.builtin_rules
            ));
        }
        if !self.disabled.is_empty() {
            const SHOWN: usize = 3;
            let mut ids = self.disabled[..self.disabled.len().min(SHOWN)].join(", ");
            if self.disabled.len() > SHOWN {
                ids.push_str(&format!(" and {} more", self.disabled.len() - SHOWN));
            }
            parts.push(format!(
                "disables {} ({ids})",
                plural(self.disabled.len(), "built-in rule")
            ));
        }
        let mut paths = Vec::new();
        if self.allowlist_path_globs > 0 {
            paths.push(plural(self.allowlist_path_globs, "path glob"));
        }
        if self.allowlist_path_regexes > 0 {
            paths.push(plural(self.allowlist_path_regexes, "path regex"));
        }
        if !paths.is_empty() {
            let mut text = format!("allowlists {}", paths.join(" and "));
            if let Some(n) = self.allowlisted_inputs {
                text.push_str(&format!(" matching {}", plural(n as usize, "input")));
            }
            parts.push(text);
        }
        if self.allowlist_patterns > 0 {
            parts.push(format!(
                "allowlists {} on secrets",
                plural(self.allowlist_patterns, "pattern")
            ));
        }
        if self.rule_allowlists > 0 {
            parts.push(format!(
                "adds exceptions to {}",
                plural(self.rule_allowlists, "rule")
            ));
        }
        if let Some(size) = self.max_file_size {
            let mut text = format!("max_file_size {}", crate::summary::HumanBytes(size));
            if let Some(n) = self.too_large_inputs {
                text.push_str(&format!(" ({} skipped)", plural(n as usize, "input")));
            }
            parts.push(text);
        }
        if let Some(level) = self.min_confidence {
            parts.push(format!("min_confidence {level}"));
        }
        if self.no_decode {
            parts.push("decode false".to_owned());
        }
        format!("{}: {}", self.file, parts.join(", "))
    }
}
