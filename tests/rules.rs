//! Rules: every built-in rule's examples through the real matcher, and the
//! messages for bad rule files.

use insta::assert_snapshot;
use leakhound::rules::RuleSet;

use crate::util::{Tree, leakhound, run};

#[test]
fn builtin_rules_pass_their_own_examples() {
    let rules = RuleSet::builtin().unwrap();
    let problems = leakhound::check::check(&rules, |_| true);
    let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", report.join("\n"));
}

#[test]
fn builtin_rules_are_documented() {
    for rule in RuleSet::builtin().unwrap().rules() {
        let s = &rule.syntax;
        assert!(
            !s.examples.is_empty() && !s.negative_examples.is_empty(),
            "{}: examples",
            s.id
        );
        assert!(
            !s.keywords.is_empty() || s.unfiltered.is_some(),
            "{}: no keywords, so it runs on every input, and no reason why",
            s.id
        );
        assert!(!s.references.is_empty(), "{}: no references", s.id);
    }
}

#[test]
fn at_least_a_hundred_rules() {
    assert!(RuleSet::builtin().unwrap().len() >= 100);
}

#[test]
fn rules_check_builtin_is_clean() {
    let output = leakhound().args(["rules", "check"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn check_file(yaml: &str) -> String {
    let tree = Tree::new();
    tree.write("rules.yml", yaml);
    run(tree.cmd().args(["rules", "check", "rules.yml"]), None)
}

#[test]
fn bad_regex() {
    assert_snapshot!(check_file(
        "rules:\n- id: broken\n  name: Broken\n  regex: 'key_(?P<secret>[a-z'\n"
    ));
}

#[test]
fn missing_secret_group() {
    assert_snapshot!(check_file(
        "rules:\n- id: nogroup\n  name: No group\n  regex: 'key_[a-z]{8}'\n"
    ));
}

#[test]
fn duplicate_id() {
    assert_snapshot!(check_file(
        "rules:\n- id: twice\n  name: A\n  regex: 'a(?P<secret>b)'\n- id: twice\n  name: B\n  regex: 'c(?P<secret>d)'\n"
    ));
}

#[test]
fn unknown_key() {
    assert_snapshot!(check_file(
        "rules:\n- id: typo\n  name: Typo\n  regex: 'a(?P<secret>b)'\n  keyword: [a]\n"
    ));
}

#[test]
fn failing_examples() {
    assert_snapshot!(check_file(
        "rules:
- id: demo-token
  name: Demo token
  regex: 'demo_(?P<secret>[a-z0-9]{12})'
  keywords: [demo_]
  min_entropy: 2.5
  examples: ['demo_q1w2e3r4t5y6', 'demo_short']
  negative_examples: ['demo_z9x8c7v6b5n4']
"
    ));
}

#[test]
fn good_file() {
    assert_snapshot!(check_file(
        "rules:
- id: demo-token
  name: Demo token
  regex: 'demo_(?P<secret>[a-z0-9]{12})'
  keywords: [demo_]
  examples: ['demo_q1w2e3r4t5y6']
  negative_examples: ['demo_q1w2']
"
    ));
}

#[test]
fn a_rule_without_a_usable_keyword_must_say_why() {
    let rule = |extra: &str| {
        format!(
            "rules:
- id: demo-token
  name: Demo token
  regex: 'dm(?P<secret>[a-z0-9]{{12}})'
{extra}  examples: ['dmq1w2e3r4t5y6']
  negative_examples: ['dmq1w2']
"
        )
    };
    let none = check_file(&rule(""));
    assert!(none.contains("has no keywords"), "{none}");
    let short = check_file(&rule("  keywords: [dm]\n"));
    assert!(
        short.contains("keyword \"dm\" is shorter than 3"),
        "{short}"
    );
    let excused = check_file(&rule("  unfiltered: 'dm is all the token has in common'\n"));
    assert!(excused.contains("no problems"), "{excused}");
    let both = check_file(&rule(
        "  keywords: ['dmq']\n  unfiltered: 'no longer true'\n",
    ));
    assert!(both.contains("remove `unfiltered`"), "{both}");
}
