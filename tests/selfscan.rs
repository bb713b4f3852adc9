//! The project passes its own scan: rule examples and test snapshots hold
//! synthetic secrets, and `.leakhound.yml` allowlists exactly those paths.

use crate::util::leakhound;

/// Scans the project with `args`, asserts it is clean, returns the report.
fn assert_clean(args: &[&str], what: &str) -> serde_json::Value {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = leakhound()
        .args(["scan", "--no-progress", "-f", "json"])
        .args(args)
        .arg(root)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "findings in the project {what}:\n{stdout}"
    );
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn project_tree_is_clean() {
    let json = assert_clean(&["--no-git"], "tree");
    assert!(
        json["summary"]["skipped"]["allowlisted"].as_u64().unwrap() > 0,
        "fixtures are allowlisted, not missed"
    );
}

#[test]
fn project_history_is_clean() {
    let root = env!("CARGO_MANIFEST_DIR");
    if !std::path::Path::new(root).join(".git").exists() {
        return; // a source package, not a clone
    }
    assert_clean(&[], "history");
}

#[test]
fn fixtures_would_be_found_without_the_allowlist() {
    let root = env!("CARGO_MANIFEST_DIR");
    let patterns = std::path::Path::new(root).join("patterns");
    let empty = tempfile::NamedTempFile::new().unwrap();
    let output = leakhound()
        .args(["scan", "-q", "-f", "json", "--config"])
        .arg(empty.path())
        .arg(patterns)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "rule examples are real-looking secrets"
    );
}
