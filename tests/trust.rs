//! What the reports promise: no secret shown that was not asked for,
//! report files that are private, whole and never written through a link,
//! and the same bytes for the same scan.

use std::path::Path;

use crate::git::{commit, repo};
use crate::util::{Tree, github_classic, gitlab_pat};

/// The stdout of `leakhound scan` with `args` in `dir`.
fn scan_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let output = crate::util::leakhound()
        .current_dir(dir)
        .args(["scan", "--no-progress", "-q"])
        .args(args)
        .output()
        .expect("leakhound runs");
    assert_eq!(output.status.code(), Some(1), "{args:?}");
    output.stdout
}

/// A history whose findings tie on their first location: a token rotated
/// in place (each version a finding at the same path, line and column),
/// tokens of several rules on one line, two tokens in one base64 run.
fn ties() -> Tree {
    use base64::Engine as _;
    let tree = repo();
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("a: {} b: {}\n", gitlab_pat(60), gitlab_pat(61)));
    for n in 0..6 {
        tree.write(
            "config.yml",
            format!(
                "token: {}\nline: {} {}\nblob: {encoded}\n",
                gitlab_pat(63 + n),
                github_classic(70 + n),
                gitlab_pat(80)
            ),
        );
        commit(&tree, &format!("rotate {n}"));
    }
    tree
}

#[test]
fn the_same_scan_gives_the_same_bytes() {
    let tree = ties();
    for format in ["json", "sarif", "html"] {
        for extra in [&[][..], &["--no-dedup"]] {
            let args = |threads: &'static str| -> Vec<&str> {
                let mut args = vec!["-f", format, "--min-confidence", "low", "-j", threads];
                args.extend_from_slice(extra);
                args
            };
            let first = scan_bytes(tree.path(), &args("1"));
            for threads in ["1", "4"] {
                let again = scan_bytes(tree.path(), &args(threads));
                assert!(
                    again == first,
                    "{format} {extra:?} -j {threads} differs from -j 1"
                );
            }
        }
    }
}
