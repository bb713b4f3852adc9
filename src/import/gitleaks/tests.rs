//! What a `.gitleaks.toml` maps to, and what it has that is skipped.

use super::*;

fn parse(text: &str) -> ConfigImport {
    parse_config(
        Path::new(".gitleaks.toml"),
        text,
        &RuleSet::builtin().unwrap(),
    )
    .unwrap()
}

#[test]
fn global_allowlists_map() {
    let import = parse(
        r#"title = "x"
[allowlist]
description = "fixtures"
paths = ['''(^|/)testdata/''', '''\.lock$''']
regexes = ['''^EXAMPLE''']
stopwords = ["sandbox"]
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[allowlists]]
regexTarget = "match"
regexes = ['''token = dummy''']

[[allowlists]]
regexTarget = "line"
regexes = ['''# test only''']
"#,
    );
    let got: Vec<(Field, &str, &str)> = import
        .additions
        .iter()
        .map(|a| (a.field, a.value.as_str(), a.comment.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                Field::PathRegexes,
                "(^|/)testdata/",
                "gitleaks .gitleaks.toml:4: fixtures"
            ),
            (
                Field::PathRegexes,
                r"\.lock$",
                "gitleaks .gitleaks.toml:4: fixtures"
            ),
            (
                Field::Regexes,
                "^EXAMPLE",
                "gitleaks .gitleaks.toml:5: fixtures"
            ),
            (
                Field::Stopwords,
                "sandbox",
                "gitleaks .gitleaks.toml:6: fixtures"
            ),
            (
                Field::Matches,
                "token = dummy",
                "gitleaks .gitleaks.toml:11"
            ),
        ]
    );
    let skipped: Vec<String> = import.skipped.iter().map(|n| n.at.clone()).collect();
    assert_eq!(skipped, [".gitleaks.toml:7", ".gitleaks.toml:15"]);
    assert!(import.skipped[1].reason.contains("regexTarget = \"line\""));
}

#[test]
fn rule_allowlists_and_and_conditions_are_skipped() {
    let import = parse(
        r#"
[[rules]]
id = "gitlab-pat"
regex = '''glpat-[a-z]{20}'''
[rules.allowlist]
paths = ['''docs/''']

[[allowlists]]
condition = "AND"
paths = ['''a/''']
stopwords = ["b"]

[[allowlists]]
targetRules = ["x"]
paths = ['''c/''']
"#,
    );
    assert!(import.additions.is_empty());
    let notes: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(notes.len(), 4, "{notes:#?}");
    assert!(
        notes[0].starts_with(".gitleaks.toml:2: gitleaks rule 'gitlab-pat'"),
        "{notes:#?}"
    );
    assert!(notes[1].contains("allowlist of gitleaks rule 'gitlab-pat'"));
    assert!(notes[1].contains("leakhound has a rule 'gitlab-pat' too"));
    assert!(notes[2].contains("condition = \"AND\""));
    assert!(notes[3].contains("for rules x"));
}

#[test]
fn re2_only_regexes_are_reported_with_their_line() {
    let import = parse("[allowlist]\nregexes = [\n  '''^ok''',\n  '''\\Qa.b\\E''',\n]\n");
    assert_eq!(import.additions.len(), 1);
    assert_eq!(import.skipped[0].at, ".gitleaks.toml:4");
    assert!(
        import.skipped[0]
            .reason
            .contains("not valid in leakhound's regex syntax"),
        "{}",
        import.skipped[0].reason
    );
}
