//! `rules check`: every rule compiles, and its examples behave, through the
//! same matcher a scan uses.

use crate::matcher::Engine;
use crate::rules::{Allowlist, MIN_KEYWORD_LEN, Rule, RuleSet};

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

/// What is wrong with how a rule is narrowed down before its regex runs:
/// a rule without a keyword of [`MIN_KEYWORD_LEN`] characters or more runs
/// on every byte of every input, which only a stated reason excuses.
fn prefilter_problem(rule: &Rule) -> Option<String> {
    let keywords = &rule.syntax.keywords;
    match (rule.keyword_gated(), &rule.syntax.unfiltered) {
        (true, Some(_)) => {
            Some("says why it is unfiltered but has keywords: remove `unfiltered`".to_owned())
        }
        (false, None) if keywords.is_empty() => Some(format!(
            "has no keywords, so its regex runs on every byte of every input: give keywords \
             (literals of {MIN_KEYWORD_LEN} characters or more, one of which is in every match) \
             or say why none exists with `unfiltered: <reason>`"
        )),
        (false, None) => Some(format!(
            "keyword {:?} is shorter than {MIN_KEYWORD_LEN} characters, which makes the rule run \
             on every byte of every input: use longer keywords (a short one with each character \
             that can follow it) or say why none exists with `unfiltered: <reason>`",
            keywords
                .iter()
                .find(|k| k.len() < MIN_KEYWORD_LEN)
                .map_or("", |k| k.as_str())
        )),
        _ => None,
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
        if let Err(e) = rule.validate() {
            problem(e.to_string());
            continue;
        }
        if let Err(e) = rule.compile() {
            problem(format!("regex does not compile: {e}"));
            continue;
        }
        if let Some(message) = prefilter_problem(rule) {
            problem(message);
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
