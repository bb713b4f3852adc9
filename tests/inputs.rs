//! Bad and odd inputs: the scan says what it skipped and carries on.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::util::{
    Tree, decodes_to_more_than_twice_itself, github_classic, gitlab_pat, run_json, sarif_errors,
};

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

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn utf16_with_control_characters_or_in_another_script_is_scanned() {
    let tree = Tree::new();
    // A byte order mark, a form feed, an escape sequence and NUL padding.
    let mut bom = vec![0xFF, 0xFE];
    bom.extend(utf16le(&format!(
        "\x0c\n\x1b[1mdeploy token = '{}'\x1b[0m\n",
        gitlab_pat(31)
    )));
    bom.extend([0, 0]);
    tree.write("bom.txt", bom);
    // No byte order mark, mostly CJK: its only zero bytes are those of
    // the ASCII characters.
    let cjk = format!(
        "{}\n部署令牌 = '{}'\n{}\n",
        "配置文件说明：请勿提交".repeat(30),
        gitlab_pat(32),
        "结束".repeat(30)
    );
    tree.write("cjk.txt", utf16le(&cjk));
    let (code, json, stderr) = json(&tree, &["--no-git"]);
    assert_eq!(code, 1, "{stderr}");
    let paths: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["locations"][0]["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["bom.txt", "cjk.txt"], "{json}");
    assert!(json["summary"]["skipped"].get("binary").is_none(), "{json}");
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

/// `lines` of a log, as text to hide in base64.
fn log_text(lines: usize) -> String {
    (0..lines)
        .map(|i| {
            format!(
                "2024-01-01 12:00:{:02} INFO request {i} served in 12 ms\n",
                i % 60
            )
        })
        .collect()
}

#[test]
fn a_long_base64_run_is_decoded_to_its_end() {
    // Runs longer than 1 MiB are decoded in overlapping windows: a token
    // across the end of the first window and one at the very end of the
    // run are both found, where they are encoded.
    let tree = Tree::new();
    let straddling = github_classic(31);
    let last = github_classic(32);
    let mut text = log_text(16_000);
    // Decoded offset 786,400 is encoded at character 1,048,533: 43
    // characters before the first window (1,048,576 characters) ends.
    text.truncate(786_400 - "token = ".len());
    text.push_str(&format!("token = {straddling}\n"));
    text.push_str(&log_text(8_000));
    text.push_str(&format!("token = {last}\n"));
    let encoded = STANDARD.encode(&text);
    assert!(encoded.len() > 1_500_000, "longer than one window");
    tree.write("payload.yaml", format!("kind: Blob\npayload: {encoded}\n"));
    let (code, json, _) = json(&tree, &[]);
    assert_eq!(code, 1);
    let mut found: Vec<(String, u64, u64, u64, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["locations"][0];
            assert_eq!(l["decoded"][0], "base64");
            let n = |k: &str| l[k].as_u64().unwrap();
            let secret = f["secret"].as_str().unwrap().to_owned();
            (
                secret,
                n("line"),
                n("column"),
                n("end_line"),
                n("end_column"),
            )
        })
        .collect();
    found.sort_by_key(|f| f.2);
    // A decoded byte at offset `i` is reported at its first encoded
    // character, `i * 4 / 3`, after "payload: ".
    let column = |i: usize| (i * 4 / 3 + "payload: ".len() + 1) as u64;
    let at = |token: &str| text.find(token).unwrap();
    let expected = |token: &String| {
        let i = at(token);
        (token.clone(), 2, column(i), 2, column(i + token.len()))
    };
    assert_eq!(found, [expected(&straddling), expected(&last)]);
    let encoded_at = at(&straddling) * 4 / 3;
    assert!(
        encoded_at < 1 << 20 && encoded_at + 53 > 1 << 20,
        "{encoded_at}"
    );
}

#[test]
fn inputs_cut_by_the_decoding_limit_are_named() {
    let tree = Tree::new();
    tree.write(
        "fine.txt",
        decodes_to_more_than_twice_itself().lines().next().unwrap(),
    );
    tree.write("sub/cut.txt", decodes_to_more_than_twice_itself());
    let (code, json, stderr) = json(&tree, &[]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["decode_limit"], 1);
    assert_eq!(
        json["summary"]["decode_limit_inputs"],
        serde_json::json!(["sub/cut.txt"])
    );
    assert!(
        stderr.contains("sub/cut.txt: decoding stopped at its size limit"),
        "{stderr}"
    );
    assert!(
        stderr.contains("decoding stopped at its size limit in 1 input (sub/cut.txt)"),
        "the summary line names it: {stderr}"
    );
    let output = tree
        .cmd()
        .args(["scan", ".", "-f", "sarif", "-q"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = sarif_errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(
        invocation["properties"]["summary"]["decode_limit_inputs"],
        serde_json::json!(["sub/cut.txt"])
    );
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["message"]["text"]
            .as_str()
            .unwrap()
            .ends_with("size limit in 1 input, matched only as written past it: sub/cut.txt")),
        "{notes:?}"
    );
}
