//! leakhound's recall and precision on the labeled benchmark's generated
//! repositories (the `leakhound-labeled` tool in `tools/labeled/`, which
//! tests its generator, scorer and report parsers itself).

use std::path::Path;

use leakhound_labeled as bench;
use leakhound_labeled::checks::{assert_held_out_labels, assert_training_labels};
use leakhound_labeled::{Found, Label};

/// The generated repository (seed 1) and its labels, in a temporary
/// directory.
fn generated() -> (tempfile::TempDir, std::path::PathBuf, Vec<Label>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let labels = bench::generate(&dir, 1);
    (tmp, dir, labels)
}

/// leakhound's findings on the repository at `dir` (it exits with 1: it
/// finds something).
fn scan(dir: &Path) -> Vec<Found> {
    let output = crate::util::leakhound()
        .arg("scan")
        .arg(dir)
        .args(["-f", "json", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = String::from_utf8(output.stdout).unwrap();
    bench::parse_report("leakhound", &report, Some(dir)).unwrap()
}

/// leakhound on the labeled repository: recall per unique secret and
/// precision per finding location of at least 0.97 each.
#[test]
fn leakhound_recall_and_precision_on_labeled_repository() {
    let (_tmp, dir, labels) = generated();
    assert_training_labels(&labels);
    let findings = scan(&dir);
    let score = bench::score(&labels, &findings);
    eprintln!("{score}");
    assert!(
        score.recall_unique() >= 0.97,
        "recall {:.3} < 0.97",
        score.recall_unique()
    );
    assert!(
        score.precision() >= 0.97,
        "precision {:.3} < 0.97",
        score.precision()
    );
}

/// The least recall and precision leakhound must reach on the held-out
/// grammar (seed 1), the aim of 0.97 for both: it reaches 0.995 and 1.000
/// now, and 0.968-0.995 on seeds 2-16. Raise them as the rules generalise,
/// and never tune the grammar to the rules.
const HELD_OUT_MIN_RECALL: f64 = 0.97;
const HELD_OUT_MIN_PRECISION: f64 = 0.97;

/// The repository of the held-out grammar (seed 1), in a temporary
/// directory.
fn generated_held_out() -> (tempfile::TempDir, std::path::PathBuf, Vec<Label>) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("repo");
    let labels = bench::generate_with(&dir, 1, bench::Grammar::HeldOut);
    (tmp, dir, labels)
}

/// leakhound on the held-out grammar: prints recall, precision and the
/// misses by kind, syntax, name style, credential word and value shape.
/// Asserts that they are computed and reach the floors above.
#[test]
fn leakhound_recall_and_precision_on_held_out_grammar() {
    let (_tmp, dir, labels) = generated_held_out();
    assert_held_out_labels(&labels);
    let findings = scan(&dir);
    let score = bench::score(&labels, &findings);
    eprintln!("held-out grammar, seed 1:\n{score}");
    assert_eq!(score.secrets, labels.iter().filter(|l| l.positive).count());
    assert!(score.secrets_found <= score.secrets);
    assert!(score.finding_locations_true <= score.finding_locations);
    for facet in ["syntax", "style", "word", "shape"] {
        assert!(
            score.by_facet.iter().any(|(name, _)| name == facet),
            "no misses by {facet} computed"
        );
    }
    assert!(
        score.recall_unique() >= HELD_OUT_MIN_RECALL,
        "held-out recall {:.3} < {HELD_OUT_MIN_RECALL}",
        score.recall_unique()
    );
    assert!(
        score.precision() >= HELD_OUT_MIN_PRECISION,
        "held-out precision {:.3} < {HELD_OUT_MIN_PRECISION}",
        score.precision()
    );
}
