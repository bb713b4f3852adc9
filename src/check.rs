//! `rules check`: every rule compiles, and its examples behave, through the
//! same matcher a scan uses.

use crate::matcher::Engine;
use crate::rules::{Allowlist, Rule, RuleSet};

/// Something wrong with a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file of the rule.
    pub file: String,
    /// The rule id.
    pub id: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: rule '{}': {}", self.file, self.id, self.message)
    }
}

/// Checks the rules of `set` selected by `selected` against the whole set
/// (so that a more confident rule shadowing an example is caught too).
pub fn check(set: &RuleSet, selected: impl Fn(&Rule) -> bool) -> Vec<Problem> {
    let engine = Engine::new(set, Allowlist::default());
    let mut matcher = engine.matcher();
    let mut problems = Vec::new();
    let mut matches = Vec::new();
    for (index, rule) in engine.rules().iter().enumerate() {
        if !selected(rule) {
            continue;
        }
        let mut problem = |message: String| {
            problems.push(Problem {
                file: rule.file.display().to_string(),
                id: rule.id().to_owned(),
                message,
            });
        };
        if let Err(e) = rule.compile() {
            problem(format!("regex does not compile: {e}"));
            continue;
        }
        if rule.syntax.examples.is_empty() {
            problem("has no examples".to_owned());
        }
        if rule.syntax.negative_examples.is_empty() {
            problem("has no negative_examples".to_owned());
        }
        let mut fires = |text: &str| {
            matches.clear();
            matcher.find(text.as_bytes(), &mut matches);
            // A look-alike whose checksum fails is reported at low
            // confidence as not a real token: not a finding of the rule.
            matches
                .iter()
                .any(|m| m.rule == index && !m.checksum_mismatch)
        };
        for (n, example) in rule.syntax.examples.iter().enumerate() {
            if !fires(example) {
                problem(format!(
                    "example {} does not produce a finding: {example:?}",
                    n + 1
                ));
            }
        }
        for (n, example) in rule.syntax.negative_examples.iter().enumerate() {
            if fires(example) {
                problem(format!(
                    "negative example {} produces a finding: {example:?}",
                    n + 1
                ));
            }
        }
    }
    problems
}
