//! Whether generated labels are well-formed, for tests: the functions
//! panic with what is missing. The tool's own tests check the generator
//! with them, and leakhound's tests check the corpus they scan.

use std::collections::BTreeSet;

use crate::Label;

/// The training labels are well-formed: enough secrets of enough kinds
/// (every positive kind), at least as many decoys (every decoy kind), every
/// place present, every label somewhere.
pub fn assert_training_labels(labels: &[Label]) {
    let positives: Vec<&Label> = labels.iter().filter(|l| l.positive).collect();
    let decoys = labels.len() - positives.len();
    assert!(positives.len() >= 300, "{} secrets", positives.len());
    assert!(decoys >= positives.len(), "{decoys} decoys");
    let kinds: BTreeSet<&str> = positives.iter().map(|l| l.kind.as_str()).collect();
    assert!(kinds.len() >= 60, "{} kinds", kinds.len());
    for kind in crate::positive_kinds() {
        assert!(kinds.contains(kind), "no secret of kind {kind}");
    }
    let decoy_kinds: BTreeSet<&str> = labels
        .iter()
        .filter(|l| !l.positive)
        .map(|l| l.kind.as_str())
        .collect();
    for kind in crate::DECOY_KINDS {
        assert!(decoy_kinds.contains(kind), "no decoy of kind {kind}");
    }
    assert_contexts(&positives, COMMON_CONTEXTS);
    assert_contexts(
        &positives,
        &[
            "minified-bundle",
            "large-file",
            "percent-encoded",
            "unicode-escaped",
            "json-string",
        ],
    );
    for l in labels {
        assert!(!l.locations.is_empty(), "{} has no location", l.id);
    }
}

/// The held-out labels are well-formed: enough secrets of enough kinds,
/// at least as many decoys, every syntax and place present, every label
/// somewhere and described by its facets.
pub fn assert_held_out_labels(labels: &[Label]) {
    let positives: Vec<&Label> = labels.iter().filter(|l| l.positive).collect();
    let decoys = labels.len() - positives.len();
    assert!(positives.len() >= 150, "{} secrets", positives.len());
    assert!(decoys >= positives.len(), "{decoys} decoys");
    let kinds: BTreeSet<&str> = positives.iter().map(|l| l.kind.as_str()).collect();
    assert!(kinds.len() >= 50, "{} kinds", kinds.len());
    let syntaxes: BTreeSet<&str> = positives
        .iter()
        .filter_map(|l| l.facets.get("syntax").map(String::as_str))
        .collect();
    for syntax in crate::HELD_OUT_SYNTAXES {
        assert!(syntaxes.contains(syntax), "no secret in syntax {syntax}");
    }
    assert_contexts(&positives, COMMON_CONTEXTS);
    assert_contexts(&positives, &["percent-encoded"]);
    for l in labels {
        assert!(!l.locations.is_empty(), "{} has no location", l.id);
        assert!(l.facets.contains_key("syntax"), "{} has no syntax", l.id);
        if l.positive {
            for facet in ["style", "word", "shape"] {
                assert!(l.facets.contains_key(facet), "{} has no {facet}", l.id);
            }
        }
    }
}

/// Contexts both grammars plant secrets in: places in the history, and line
/// ends and encodings of the files.
const COMMON_CONTEXTS: &[&str] = &[
    "head",
    "history-only",
    "other-branch",
    "deleted-file",
    "renamed-file",
    "base64-blob",
    "k8s-secret-base64",
    "crlf",
    "utf16le",
];

/// Asserts that some secret sits in each of `contexts`.
fn assert_contexts(positives: &[&Label], contexts: &[&str]) {
    let seen: BTreeSet<&str> = positives.iter().map(|l| l.context.as_str()).collect();
    for context in contexts {
        assert!(seen.contains(context), "no secret in context {context}");
    }
}
