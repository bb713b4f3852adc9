//! The scorer and the report parsers on hand-made inputs, and the
//! generated repositories' labels (both grammars, seed 1).

use std::collections::BTreeSet;
use std::path::Path;

use leakhound_labeled as bench;
use leakhound_labeled::checks::{assert_held_out_labels, assert_training_labels};
use leakhound_labeled::{Found, Label, Location};

fn loc(path: &str, line: usize, end_line: usize) -> Location {
    Location {
        path: path.to_owned(),
        line,
        end_line,
    }
}

fn label(id: &str, kind: &str, positive: bool, locations: Vec<Location>) -> Label {
    Label {
        id: id.to_owned(),
        kind: kind.to_owned(),
        positive,
        secret: format!("value-of-{id}"),
        context: if id == "s3" { "history-only" } else { "head" }.to_owned(),
        locations,
        facets: Default::default(),
    }
}

fn found(path: &str, line: usize, rule: &str) -> Found {
    Found {
        path: path.to_owned(),
        line,
        secret: Some(format!("{path}:{line}")),
        rule: rule.to_owned(),
    }
}

fn tiny_labels() -> Vec<Label> {
    vec![
        label(
            "s1",
            "gitlab-pat",
            true,
            vec![loc("a.py", 3, 3), loc("b.py", 10, 10)],
        ),
        label("s2", "private-key-rsa", true, vec![loc("keys/c.pem", 1, 5)]),
        label("s3", "gitlab-pat", true, vec![loc("old.env", 2, 2)]),
        label("d1", "placeholder-template", false, vec![loc("a.py", 7, 7)]),
    ]
}

#[test]
fn scorer_matches_on_path_and_line_range() {
    let labels = tiny_labels();
    let findings = vec![
        found("./a.py", 3, "gitlab-pat"),
        found("a.py", 3, "generic-secret-assignment"),
        found("keys/c.pem", 1, "private-key-rsa"),
        found("keys/c.pem", 4, "generic-secret-assignment"),
        found("a.py", 7, "generic-secret-assignment"),
        found("z.py", 1, "generic-secret-assignment"),
        found("b.py", 11, "gitlab-pat"),
    ];
    let score = bench::score(&labels, &findings);
    assert_eq!((score.secrets, score.secrets_found), (3, 2));
    assert_eq!(
        (score.locations, score.locations_found),
        (4, 2),
        "b.py:10 is not hit by b.py:11"
    );
    assert_eq!(
        (score.finding_locations, score.finding_locations_true),
        (6, 3),
        "a.py:3 twice is one location; c.pem:1 and :4 are in the key's block"
    );
    assert!((score.recall_unique() - 2.0 / 3.0).abs() < 1e-9);
    assert!((score.recall_locations() - 0.5).abs() < 1e-9);
    assert!((score.precision() - 0.5).abs() < 1e-9);
    assert_eq!(score.missed.len(), 1);
    assert_eq!(score.missed[0].id, "s3");
    assert_eq!(score.missed[0].context, "history-only");
    let kinds: Vec<(&str, usize, usize)> = score
        .by_kind
        .iter()
        .map(|r| (r.name.as_str(), r.total, r.missed))
        .collect();
    assert_eq!(kinds, [("gitlab-pat", 2, 1), ("private-key-rsa", 1, 0)]);
    let falses: Vec<(&str, usize, &str)> = score
        .false_findings
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.decoy.as_str()))
        .collect();
    assert_eq!(
        falses,
        [
            ("a.py", 7, "placeholder-template"),
            ("b.py", 11, "unlabeled"),
            ("z.py", 1, "unlabeled")
        ]
    );
    assert_eq!(
        score.false_by_decoy,
        [
            ("placeholder-template".to_owned(), 1),
            ("unlabeled".to_owned(), 2)
        ]
    );
    let text = score.to_string();
    assert!(
        text.contains("recall (unique secrets)  0.667  (2/3)"),
        "{text}"
    );
    assert!(
        text.contains("precision                0.500  (3/6"),
        "{text}"
    );

    let nothing = bench::score(&labels, &[]);
    assert_eq!(nothing.recall_unique(), 0.0);
    assert_eq!(nothing.precision(), 1.0, "no findings, nothing false");
}

#[test]
fn labels_round_trip_as_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("repo.labels.jsonl");
    let labels = tiny_labels();
    bench::write_labels(&path, &labels).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().count(), labels.len());
    assert!(text.starts_with(
        r#"{"id":"s1","kind":"gitlab-pat","positive":true,"secret":"value-of-s1","context":"head","locations":[{"path":"a.py","line":3,"end_line":3}"#
    ));
    assert_eq!(bench::read_labels(&path).unwrap(), labels);
}

#[test]
fn reports_of_each_tool_parse_to_the_same_findings() {
    let root = Path::new("/scan/repo");
    let leakhound = r#"{"version":1,"tool":"leakhound","findings":[{"id":"x","rule":"gitlab-pat","secret":"S","locations":[{"path":"a.py","line":3,"git":{"commit":"c"}},{"path":"b.py","line":10}]}],"summary":{}}"#;
    let gitleaks = r#"[{"RuleID":"gitlab-pat","File":"a.py","StartLine":3,"Secret":"S"},{"RuleID":"gitlab-pat","File":"b.py","StartLine":10,"Secret":"S"}]"#;
    let betterleaks = r#"{"schema_version":"1","findings":[{"rule_id":"gitlab-pat","match":{"value":"S"},"location":{"path":"a.py","start_line":3},"component_sets":[{"components":[{"rule_id":"gitlab-pat","match":{"value":"S"},"location":{"path":"b.py","start_line":10}}]}]}]}"#;
    let kingfisher = r#"{"findings":[{"rule":{"id":"kingfisher.gitlab.1"},"finding":{"snippet":"S","line":3,"path":"a.py","git_metadata":{"file":{"path":"a.py"}}}},{"rule":{"id":"kingfisher.gitlab.1"},"finding":{"snippet":"S","line":10,"path":"/scan/repo/b.py"}}]}
{"findings":2}"#;
    for (tool, report) in [
        ("leakhound", leakhound),
        ("gitleaks", gitleaks),
        ("betterleaks", betterleaks),
        ("kingfisher", kingfisher),
    ] {
        let found = bench::parse_report(tool, report, Some(root)).unwrap();
        let places: Vec<(&str, usize, Option<&str>)> = found
            .iter()
            .map(|f| (f.path.as_str(), f.line, f.secret.as_deref()))
            .collect();
        assert_eq!(
            places,
            [("a.py", 3, Some("S")), ("b.py", 10, Some("S"))],
            "{tool}"
        );
    }
    assert!(bench::parse_report("trufflehog", "[]", None).is_err());
    assert!(bench::parse_report("gitleaks", "not json", None).is_err());
}

/// The generated repository (seed 1) and its labels, in a temporary
/// directory.
fn generated() -> (tempfile::TempDir, std::path::PathBuf, Vec<Label>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let labels = bench::generate(&dir, 1);
    (tmp, dir, labels)
}

#[test]
fn generated_repository_is_deterministic_and_fully_labeled() {
    let (_tmp, dir, labels) = generated();
    assert_training_labels(&labels);

    let renamed = labels.iter().find(|l| l.context == "renamed-file").unwrap();
    let paths: BTreeSet<&str> = renamed.locations.iter().map(|l| l.path.as_str()).collect();
    assert!(
        paths.len() == 2,
        "a renamed file's secret is at both paths: {paths:?}"
    );
    let key = labels.iter().find(|l| l.kind == "private-key-rsa").unwrap();
    assert!(key.locations[0].end_line > key.locations[0].line + 20);

    let size: u64 = walk_size(&dir);
    assert!(size < 15 * 1024 * 1024, "{size} bytes");

    let (_tmp2, dir2, labels2) = generated();
    assert_eq!(labels, labels2, "same seed, same labels");
    assert_eq!(
        heads(&dir, "feature/billing"),
        heads(&dir2, "feature/billing"),
        "same seed, same commits"
    );
}

/// The repository of the held-out grammar (seed 1), in a temporary
/// directory.
fn generated_held_out() -> (tempfile::TempDir, std::path::PathBuf, Vec<Label>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let labels = bench::generate_with(&dir, 1, bench::Grammar::HeldOut);
    (tmp, dir, labels)
}

#[test]
fn held_out_repository_is_deterministic_and_fully_labeled() {
    let (_tmp, dir, labels) = generated_held_out();
    assert_held_out_labels(&labels);
    let (tmp2, dir2, labels2) = generated_held_out();
    assert_eq!(labels, labels2, "same seed, same labels");
    assert_eq!(
        heads(&dir, "feature/relay-v2"),
        heads(&dir2, "feature/relay-v2"),
        "same seed, same commits"
    );
    let training = bench::generate_with(&tmp2.path().join("training"), 1, bench::Grammar::Training);
    let secrets = |labels: &[Label]| -> BTreeSet<String> {
        labels
            .iter()
            .filter(|l| l.positive)
            .map(|l| l.secret.clone())
            .collect()
    };
    assert!(
        secrets(&labels).is_disjoint(&secrets(&training)),
        "the grammars plant different secrets"
    );
}

/// The commit ids of HEAD and `branch` in the repository at `dir`.
fn heads(dir: &Path, branch: &str) -> String {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "HEAD", branch])
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn walk_size(dir: &Path) -> u64 {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let meta = entry.metadata().unwrap();
        total += if meta.is_dir() {
            walk_size(&entry.path())
        } else {
            meta.len()
        };
    }
    total
}
