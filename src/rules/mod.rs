//! Rules: the YAML schema in `patterns/`, its loader, and the compiled form.
//!
//! Rules are data. This module knows how to read and validate them but
//! nothing of how they are matched; the matcher depends on it, not the other
//! way round. Regexes are parsed (cheap) at load time so that a bad rule is
//! reported at once, and compiled (expensive) only on first use.

pub mod advice;
mod allowlist;
mod builtin;
pub mod checksum;
mod error;
pub mod fragments;
mod rule;
mod syntax;
pub mod validation;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

pub use allowlist::{Allowlist, PathSet};
pub use builtin::BUILTIN_FILES;
pub use checksum::Checksum;
pub use error::{Invalid, RuleError, rule_line, value_line, without_values, yaml_error};
pub use rule::{MIN_KEYWORD_LEN, MetaRegex, Rule};
pub use syntax::{AllowlistSyntax, Confidence, RotationSyntax, RuleFileSyntax, RuleSyntax};

/// An ordered, id-unique collection of rules. A clone shares its rules
/// (and their regexes, compiled once) until one is changed.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Arc<Rule>>,
}

impl RuleSet {
    /// The built-in rules embedded from `patterns/`: parsed once per
    /// process, so that a scan of many targets parses them (and compiles
    /// each regex) once, not once per target.
    pub fn builtin() -> Result<Self, RuleError> {
        static BUILTIN: std::sync::OnceLock<RuleSet> = std::sync::OnceLock::new();
        if let Some(set) = BUILTIN.get() {
            return Ok(set.clone());
        }
        let mut all = Vec::new();
        for ((name, yaml), (_, json)) in BUILTIN_FILES.iter().zip(builtin::BUILTIN_JSON) {
            all.extend(parse_builtin_file(Path::new(name), yaml, json)?);
        }
        let mut set = RuleSet::default();
        set.extend(all)?;
        Ok(BUILTIN.get_or_init(|| set).clone())
    }

    /// Reads and adds the rules of one file.
    pub fn load_file(&mut self, path: &Path) -> Result<(), RuleError> {
        let text = std::fs::read_to_string(path).map_err(|cause| RuleError::Io {
            file: path.to_owned(),
            cause,
        })?;
        self.extend(parse_file(path, &text)?)
    }

    /// Adds rules, rejecting ids already present.
    pub fn extend(&mut self, rules: Vec<Rule>) -> Result<(), RuleError> {
        let mut ids: HashSet<String> = self.rules.iter().map(|r| r.id().to_owned()).collect();
        for rule in rules {
            if !ids.insert(rule.id().to_owned()) {
                let first = self.get(rule.id()).map(|r| r.file.display().to_string());
                return Err(RuleError::Rule {
                    file: rule.file.clone(),
                    line: None,
                    id: rule.id().to_owned(),
                    message: match first {
                        Some(f) => format!("duplicate rule id (already defined in {f})"),
                        None => "duplicate rule id (defined twice in this file)".to_owned(),
                    },
                });
            }
            self.rules.push(Arc::new(rule));
        }
        Ok(())
    }

    /// Adds exceptions to the rule `id`'s own allowlist.
    pub fn extend_allowlist(&mut self, id: &str, extra: &AllowlistSyntax) -> Result<(), Invalid> {
        let rule = self
            .rules
            .iter_mut()
            .find(|r| r.id() == id)
            .ok_or_else(|| Invalid::UnknownRule(id.to_owned()))?;
        let rule = Arc::make_mut(rule);
        let mut merged = rule.syntax.allowlist.clone().unwrap_or_default();
        merged.paths.extend(extra.paths.iter().cloned());
        merged
            .path_regexes
            .extend(extra.path_regexes.iter().cloned());
        merged.regexes.extend(extra.regexes.iter().cloned());
        merged.stopwords.extend(extra.stopwords.iter().cloned());
        merged.matches.extend(extra.matches.iter().cloned());
        rule.set_allowlist(merged)
    }

    /// Drops the rules with these ids; returns the ids that did not exist.
    pub fn disable(&mut self, ids: &[String]) -> Vec<String> {
        let unknown = ids
            .iter()
            .filter(|id| self.get(id).is_none())
            .cloned()
            .collect();
        self.rules.retain(|r| !ids.iter().any(|id| id == r.id()));
        unknown
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.id() == id)
    }

    /// All rules, in load order.
    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Parses the rules of one built-in file from its JSON form (`yaml` if
/// there is none), leaving what their regexes say to first use (see
/// [`Rule::from_trusted_syntax`]).
fn parse_builtin_file(file: &Path, yaml: &str, json: &str) -> Result<Vec<Rule>, RuleError> {
    let parsed = builtin::parse(yaml, json).map_err(|e| yaml_error(file, &e))?;
    parsed
        .rules
        .into_iter()
        .map(|syntax| {
            Rule::from_trusted_syntax(syntax, file, &parsed.fragments)
                .map_err(|e| e.with_line(yaml))
        })
        .collect()
}

/// Parses and validates the rules of one YAML file.
pub fn parse_file(file: &Path, text: &str) -> Result<Vec<Rule>, RuleError> {
    let parsed: RuleFileSyntax = serde_norway::from_str(text).map_err(|e| yaml_error(file, &e))?;
    parsed
        .rules
        .into_iter()
        .map(|syntax| {
            Rule::from_syntax(syntax, file, &parsed.fragments).map_err(|e| e.with_line(text))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_built_in_rules_read_as_json_are_the_yaml() {
        assert_eq!(BUILTIN_FILES.len(), builtin::BUILTIN_JSON.len());
        for ((name, yaml), (json_name, json)) in BUILTIN_FILES.iter().zip(builtin::BUILTIN_JSON) {
            assert_eq!(name, json_name);
            let from_yaml: RuleFileSyntax = serde_norway::from_str(yaml).unwrap();
            let from_json: RuleFileSyntax = serde_json::from_str(json)
                .unwrap_or_else(|e| panic!("{name}: the build's JSON does not load: {e}"));
            let value =
                |f: &RuleFileSyntax| serde_json::to_value((&f.rules, &f.fragments)).unwrap();
            assert_eq!(value(&from_yaml), value(&from_json), "{name}");
        }
    }

    use super::*;

    fn one(yaml: &str) -> Result<Vec<Rule>, RuleError> {
        parse_file(Path::new("t.yml"), yaml)
    }

    #[test]
    fn rotation_is_a_text_or_a_list_of_steps() {
        let rule = "rules:\n- id: a\n  name: A\n  regex: '(x)'\n";
        let rules = one(&format!("{rule}  rotation:\n    steps: Revoke it.\n")).unwrap();
        let rotation = rules[0].syntax.rotation.as_ref().unwrap();
        assert_eq!(rotation.steps, ["Revoke it."]);
        assert_eq!(rotation.url, None);
        let yaml = format!(
            "{rule}  rotation:\n    steps: [One., Two.]\n    url: https://example.com/rotate\n"
        );
        let rules = one(&yaml).unwrap();
        let rotation = rules[0].syntax.rotation.as_ref().unwrap();
        assert_eq!(rotation.steps, ["One.", "Two."]);
        assert_eq!(rotation.url.as_deref(), Some("https://example.com/rotate"));
        for (bad, message) in [
            ("    steps: []\n", "'steps' is empty"),
            ("    steps: ['  ']\n", "a step is empty"),
            (
                "    steps: [x]\n    url: http://example.com\n",
                "not an https:// URL",
            ),
            (
                "    steps: [x]\n    link: https://example.com\n",
                "unknown field `link`",
            ),
            ("    steps: {a: b}\n", "expected a text or a list of texts"),
            ("    url: https://example.com\n", "missing field `steps`"),
        ] {
            let err = one(&format!("{rule}  rotation:\n{bad}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(message), "{bad}: {err}");
        }
    }

    #[test]
    fn finds_named_secret_group() {
        let rules = one("rules:\n- id: a\n  name: A\n  regex: '(x)(?P<secret>y)'\n").unwrap();
        assert_eq!(rules[0].secret_group(), 2);
    }

    #[test]
    fn a_file_uses_its_own_and_the_shared_fragments() {
        let yaml = "fragments:\n  word: 'pw|pass'\nrules:\n- id: a\n  name: A\n  regex: '(?&word)(?&assign)(?P<secret>x+)'\n";
        let rules = one(yaml).unwrap();
        assert!(rules[0].syntax.regex.starts_with("(?:pw|pass)(?:"));
        assert!(!rules[0].syntax.regex.contains("(?&"));
        let err = one("rules:\n- id: a\n  name: A\n  regex: '(?&nope)(x)'\n").unwrap_err();
        let err = err.to_string();
        assert!(
            err.contains("t.yml:2: rule 'a': unknown fragment '(?&nope)'"),
            "{err}"
        );
    }

    #[test]
    fn falls_back_to_first_group() {
        let rules = one("rules:\n- id: a\n  name: A\n  regex: 'k(?:z)(y+)'\n").unwrap();
        assert_eq!(rules[0].secret_group(), 1);
    }

    #[test]
    fn rejects_missing_group() {
        let err = one("rules:\n- id: a\n  name: A\n  regex: 'abc'\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("rule 'a': regex has no capture group"),
            "{err}"
        );
    }

    #[test]
    fn max_len_bounds_an_unbounded_regex() {
        let rules =
            one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,})'\n  max_len: 90\n").unwrap();
        assert_eq!(rules[0].max_len(), Some(90));
        let rules = one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,})'\n").unwrap();
        assert_eq!(rules[0].max_len(), None);
    }

    #[test]
    fn max_len_never_widens_a_bounded_regex() {
        let rules =
            one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,8})'\n  max_len: 90\n").unwrap();
        assert_eq!(rules[0].max_len(), Some(9));
        let err = one("rules:\n- id: a\n  name: A\n  regex: 'k(x)'\n  max_len: 0\n").unwrap_err();
        assert!(
            err.to_string().contains("max_len must be at least 1"),
            "{err}"
        );
    }

    /// Long counted repetitions cost megabytes per rule and thread; built-in
    /// rules write them unbounded with `max_len` instead.
    #[test]
    fn every_builtin_regex_compiles_small() {
        for rule in RuleSet::builtin().unwrap().rules() {
            rule.compile().unwrap();
            let bytes = rule.regex().unwrap().memory_usage();
            assert!(
                bytes < 1 << 20,
                "{}: {} KiB compiled; write long repetitions as {{m,}} with max_len",
                rule.id(),
                bytes >> 10
            );
        }
    }

    #[test]
    fn rejects_unknown_key_with_line() {
        let err = one("rules:\n- id: a\n  name: A\n  regex: '(a)'\n  colour: red\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.yml:5:"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn rejects_bad_id() {
        let err = one("rules:\n- id: Bad_Id\n  name: A\n  regex: '(a)'\n").unwrap_err();
        assert!(err.to_string().contains("kebab-case"));
    }

    #[test]
    fn rejects_duplicates() {
        let mut set = RuleSet::default();
        let yaml =
            "rules:\n- id: a\n  name: A\n  regex: '(a)'\n- id: a\n  name: B\n  regex: '(b)'\n";
        let err = set.extend(one(yaml).unwrap()).unwrap_err();
        assert!(
            err.to_string().contains("rule 'a': duplicate rule id"),
            "{err}"
        );
    }

    #[test]
    fn messages_lose_the_values_they_quote() {
        for (message, expected) in [
            (
                "invalid type: string \"https://u:p@h\", expected u64",
                "invalid type: string, expected u64",
            ),
            (
                "unknown field `Zq8v_x`, expected one of `paths`, `regexes`",
                "unknown field `…`, expected one of `paths`, `regexes`",
            ),
            (
                "unknown field `pathz`, expected `a`",
                "unknown field `pathz`, expected `a`",
            ),
            (
                "invalid value: integer `-3`, expected u64 at line 1 column 2",
                "invalid value: integer `-3`, expected u64 at line 1 column 2",
            ),
            ("invalid type: string \"a \\\" b\"", "invalid type: string"),
            ("a `b, expected` c", "a `…` c"),
        ] {
            assert_eq!(without_values(message), expected, "{message}");
        }
    }

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.len() >= 100, "only {} built-in rules", set.len());
    }
}
