//! Bad and odd inputs: the scan says what it skipped and carries on.

use crate::util::{Tree, gitlab_pat, run_json};

fn json(tree: &Tree, args: &[&str]) -> (i32, serde_json::Value, String) {
    let output = tree
        .cmd()
        .args(["scan", ".", "-f", "json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    (
        output.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn rules_found(json: &serde_json::Value) -> Vec<String> {
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn invalid_utf8_is_scanned() {
    let tree = Tree::new();
    let mut bytes = b"\xff\xfe\xfa junk \xc3\x28 ".to_vec();
    bytes.extend_from_slice(gitlab_pat(10).as_bytes());
    bytes.extend_from_slice(b" \xe2\x82\n");
    tree.write("latin1.txt", bytes);
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 1);
    assert_eq!(rules_found(&json), ["gitlab-pat"]);
    assert_eq!(json["findings"][0]["locations"][0]["column"], 13);
}

#[test]
fn empty_files_are_fine() {
    let tree = Tree::new();
    tree.write("empty", "");
    tree.write("sub/also-empty.txt", "");
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["inputs_scanned"], 2);
}

#[test]
fn fifty_megabyte_single_line() {
    let tree = Tree::new();
    let mut line = vec![b'a'; 50 << 20];
    let secret = gitlab_pat(11);
    let at = line.len() - 100;
    line[at - 1] = b' ';
    line[at..at + secret.len()].copy_from_slice(secret.as_bytes());
    line[at + secret.len()] = b' ';
    tree.write("huge.min.js", &line);
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 1);
    let location = &json["findings"][0]["locations"][0];
    assert_eq!(location["line"], 1);
    assert_eq!(location["column"], at as u64 + 1);
    assert!(
        location["snippet"].as_str().unwrap().len() < 300,
        "snippet is cut"
    );
}

#[test]
fn files_over_the_limit_are_skipped_and_named() {
    let tree = Tree::new();
    tree.write(
        "big.txt",
        format!("{}\n{}", "x".repeat(2000), gitlab_pat(12)),
    );
    tree.write("small.txt", "hello\n");
    let (code, json, stderr) = json(&tree, &["--max-file-size", "1K"]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["skipped"]["too_large"], 1);
    assert!(
        stderr.contains("big.txt: skipped: 2027 bytes, larger than --max-file-size (1024 bytes)"),
        "{stderr}"
    );
    assert!(stderr.contains("skipped 1: 1 too large"), "{stderr}");
}

#[test]
fn binary_files_are_skipped_and_counted() {
    let tree = Tree::new();
    let mut bytes = b"\0\x01\x02".to_vec();
    bytes.extend_from_slice(gitlab_pat(13).as_bytes());
    tree.write("blob.bin", bytes);
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["skipped"]["binary"], 1);
}

#[cfg(unix)]
#[test]
fn symlink_loops_do_not_hang() {
    use std::os::unix::fs::symlink;
    let tree = Tree::new();
    tree.write("dir/real.txt", format!("{}\n", gitlab_pat(14)));
    symlink("b", tree.path().join("a")).unwrap();
    symlink("a", tree.path().join("b")).unwrap();
    symlink("..", tree.path().join("dir/up")).unwrap();
    symlink("dir/real.txt", tree.path().join("link.txt")).unwrap();
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["skipped"]["symlink"], 4);
    assert_eq!(
        json["findings"][0]["locations"].as_array().unwrap().len(),
        1,
        "links not followed"
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_reported_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    let locked = tree.write("locked.txt", format!("{}\n", gitlab_pat(15)));
    tree.write("open.txt", format!("{}\n", gitlab_pat(16)));
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        // Running as root: permissions do not stop reads; a FIFO stands in
        // for an input that is not a regular file.
        std::fs::remove_file(&locked).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&locked)
            .status()
            .unwrap();
        assert!(status.success());
        let (code, json, stderr) = json(&tree, &[]);
        assert_eq!(code, 1);
        assert_eq!(json["summary"]["skipped"]["not_a_file"], 1);
        assert!(
            stderr.contains("locked.txt: skipped: not a regular file"),
            "{stderr}"
        );
        return;
    }
    let (code, json, stderr) = json(&tree, &[]);
    assert_eq!(code, 1, "the readable file is still scanned");
    assert_eq!(json["summary"]["skipped"]["unreadable"], 1);
    assert!(
        stderr.contains("locked.txt: skipped: cannot read"),
        "{stderr}"
    );
}

#[test]
fn a_single_file_can_be_scanned() {
    let tree = Tree::new();
    tree.write("one.txt", format!("k={}\n", gitlab_pat(17)));
    let (code, json) = run_json(tree.cmd().args(["scan", "one.txt", "-f", "json"]));
    assert_eq!(code, 1);
    assert_eq!(json["findings"][0]["locations"][0]["path"], "one.txt");
}

#[test]
fn crlf_lines_are_located() {
    let tree = Tree::new();
    tree.write(
        "win.ini",
        format!("[a]\r\nx=1\r\ntoken={}\r\n", gitlab_pat(18)),
    );
    let (_, json, _) = json(&tree, &[]);
    let location = &json["findings"][0]["locations"][0];
    assert_eq!(
        (location["line"].as_u64(), location["column"].as_u64()),
        (Some(3), Some(7))
    );
    assert!(!location["snippet"].as_str().unwrap().contains('\r'));
}

#[cfg(unix)]
#[test]
fn links_out_of_the_tree_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    outside.write("secrets/prod.env", format!("TOKEN={}\n", gitlab_pat(15)));
    let tree = Tree::new();
    tree.write("app.py", "print('hello')\n");
    symlink(outside.path().join("secrets"), tree.path().join("secrets")).unwrap();
    symlink(
        outside.path().join("secrets/prod.env"),
        tree.path().join("prod.env"),
    )
    .unwrap();
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["skipped"]["symlink"], 2);
}

#[cfg(unix)]
#[test]
fn terminal_escapes_from_the_scanned_tree_never_reach_the_terminal() {
    let tree = Tree::new();
    // A file name and a line that try to rewrite the terminal: colours, a
    // cursor move, a window title, a clear screen.
    let name = "evil\u{1b}[2J\u{1b}]0;owned\u{7}.env";
    tree.write(
        name,
        format!(
            "\u{1b}[31mTOKEN={}\u{1b}[0m \u{1b}[1A\u{9b}31m\n",
            gitlab_pat(16)
        ),
    );
    let output = tree
        .cmd()
        .args(["scan", ".", "--color", "always"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Colour codes of leakhound's own are fine; none may come from the
    // scanned tree: every escape in the output is one leakhound writes.
    for (i, _) in stdout.match_indices('\u{1b}') {
        let rest = &stdout[i..];
        let own = rest.starts_with("\u{1b}[0m")
            || rest.starts_with("\u{1b}[1m")
            || rest.starts_with("\u{1b}[2m")
            || rest.starts_with("\u{1b}[3")
            || rest.starts_with("\u{1b}[9");
        assert!(own && !rest.starts_with("\u{1b}[31mTOKEN"), "{stdout:?}");
    }
    assert!(!stdout.contains("\u{1b}[2J"), "{stdout:?}");
    assert!(!stdout.contains("\u{1b}]0;"), "{stdout:?}");
    assert!(!stdout.contains('\u{7}'), "{stdout:?}");
    assert!(!stdout.contains('\u{9b}'), "{stdout:?}");
    assert!(stdout.contains("evil"), "{stdout:?}");
}

#[cfg(unix)]
#[test]
fn terminal_escapes_in_names_are_escaped_on_stderr_too() {
    let tree = Tree::new();
    tree.write("big\u{1b}[2J\u{1b}]0;owned\u{7}.txt", "x".repeat(100));
    let output = tree
        .cmd()
        .args(["scan", ".", "--max-file-size", "10"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skipped"), "{stderr}");
    assert!(stderr.contains("big\\u{1b}[2J"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
        "{stderr:?}"
    );
}
