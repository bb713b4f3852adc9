//! Rule files: any text is loaded or rejected with an error, never a panic;
//! a rule that loads compiles or reports why, and matches without panicking.
#![no_main]

use std::path::Path;

use leakhound::matcher::Engine;
use leakhound::rules::{Allowlist, RuleSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(rules) = leakhound::rules::parse_file(Path::new("fuzz.yml"), text) else {
        return;
    };
    let mut set = RuleSet::default();
    if set.extend(rules).is_err() {
        return;
    }
    if set.rules().iter().any(|rule| rule.compile().is_err()) {
        return;
    }
    let engine = Engine::new(&set, Allowlist::default());
    let mut matcher = engine.matcher();
    let mut matches = Vec::new();
    for rule in set.rules() {
        for example in rule
            .syntax
            .examples
            .iter()
            .chain(&rule.syntax.negative_examples)
        {
            matcher.find(example.as_bytes(), &mut matches);
        }
    }
    for m in &matches {
        assert!(m.span.start <= m.secret.start && m.secret.end <= m.span.end);
    }
});
