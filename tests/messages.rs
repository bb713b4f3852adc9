//! Commit and annotated tag messages: scanned in history and range scans,
//! reported at `commit message` / `tag message` with their commit or tag.

use std::path::Path;

use crate::git::{commit, git, git_command, repo};
use crate::util::{Tree, github_classic, gitlab_pat, locations_of, run_json};

fn scan(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .args(["scan", ".", "-f", "json", "--no-progress"])
        .args(extra);
    run_json(&mut cmd)
}

/// An annotated tag `name` on HEAD, by a fixed tagger.
fn tag(tree: &Tree, name: &str, message: &str) {
    git(tree.path(), &["tag", "-a", name, "-m", message]);
}

#[test]
fn a_token_in_a_commit_message_names_the_commit() {
    let tree = repo();
    let token = github_classic(301);
    tree.write("notes.txt", "nothing here\n");
    let id = commit(&tree, &format!("deploy fix\n\nused {token} to push"));
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 1, "{json}");
    let found = locations_of(&json, &token);
    assert_eq!(found.len(), 1, "{json}");
    let location = found[0];
    assert_eq!(location["path"], "commit message");
    assert_eq!(location["line"], 3);
    assert_eq!(location["column"], 6);
    assert_eq!(location["confidence"], "high");
    let git = &location["git"];
    assert_eq!(git["commit"], id.as_str());
    assert_eq!(git["blob"], id.as_str());
    assert_eq!(git["author"], "Ada Author");
    assert_eq!(git["email"], "ada@example.org");
    assert_eq!(git["date"], "2024-01-02T03:04:05+00:00");
    assert_eq!(git["summary"], "deploy fix");
    assert_eq!(git["in_head"], false);
    assert!(git.get("tag").is_none(), "{git}");

    let (code, json) = scan(tree.path(), &["--no-messages"]);
    assert_eq!(code, 0, "--no-messages leaves messages out: {json}");
}

#[test]
fn a_token_in_an_annotated_tag_message_names_the_tag() {
    let tree = repo();
    let token = gitlab_pat(302);
    let tagged = git(tree.path(), &["rev-parse", "HEAD"]);
    tag(&tree, "v1.0", &format!("release 1.0\nci token {token}"));
    // A tag of that tag: its own message too, once.
    git(
        tree.path(),
        &["tag", "-a", "v1.0-signed", "v1.0", "-m", "same"],
    );
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 1, "{json}");
    let found = locations_of(&json, &token);
    assert_eq!(found.len(), 1, "{json}");
    let location = found[0];
    assert_eq!(location["path"], "tag message");
    assert_eq!(location["line"], 2);
    let git = &location["git"];
    assert_eq!(git["tag"], "v1.0");
    assert_eq!(git["commit"], tagged.as_str());
    assert_eq!(git["author"], "Ada Author");
    assert_eq!(git["summary"], "release 1.0");
    assert_eq!(json["summary"]["unread_objects"], serde_json::Value::Null);

    // Only the refs asked for: the tag's message when the tag is asked for.
    let (code, _) = scan(tree.path(), &["--ref", "main"]);
    assert_eq!(code, 0, "--ref main does not reach the tag's message");
    let (code, json) = scan(tree.path(), &["--ref", "v1.0"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(locations_of(&json, &token).len(), 1);
}

#[test]
fn one_token_in_many_messages_is_one_location_unless_no_dedup() {
    let tree = repo();
    let token = gitlab_pat(303);
    let mut ids = Vec::new();
    for n in 0..3 {
        tree.write("counter.txt", format!("{n}\n"));
        // Later commits, so that the earliest is the first.
        let date = format!("2024-02-0{}T00:00:00+00:00", n + 1);
        git_command(tree.path(), &["add", "-A"]).output().unwrap();
        let out = git_command(
            tree.path(),
            &["commit", "-q", "-m", &format!("step {n}: {token}")],
        )
        .env("GIT_AUTHOR_DATE", &date)
        .env("GIT_COMMITTER_DATE", &date)
        .output()
        .unwrap();
        assert!(out.status.success());
        ids.push(git(tree.path(), &["rev-parse", "HEAD"]));
    }
    let (_, json) = scan(tree.path(), &[]);
    let found = locations_of(&json, &token);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["git"]["commit"], ids[0].as_str());
    assert_eq!(json["summary"]["findings"], 1);

    let (_, json) = scan(tree.path(), &["--no-dedup"]);
    let commits: Vec<&str> = locations_of(&json, &token)
        .iter()
        .map(|l| l["git"]["commit"].as_str().unwrap())
        .collect();
    assert_eq!(commits.len(), 3, "{json}");
    for id in &ids {
        assert!(commits.contains(&id.as_str()), "{commits:?}");
    }
}

#[test]
fn a_range_scans_only_the_messages_of_its_commits() {
    let tree = repo();
    let before = gitlab_pat(304);
    let inside = gitlab_pat(305);
    tree.write("a.txt", "a\n");
    commit(&tree, &format!("on main: {before}"));
    git(tree.path(), &["checkout", "-q", "-b", "pr"]);
    tree.write("b.txt", "b\n");
    let added = commit(&tree, &format!("in the pr\n\n{inside}"));
    tree.write("c.txt", "c\n");
    commit(&tree, "clean");
    let (code, json) = scan(tree.path(), &["--range", "main..pr"]);
    assert_eq!(code, 1, "{json}");
    assert!(locations_of(&json, &before).is_empty(), "{json}");
    let found = locations_of(&json, &inside);
    assert_eq!(found.len(), 1, "{json}");
    assert_eq!(found[0]["path"], "commit message");
    assert_eq!(found[0]["line"], 3);
    assert_eq!(found[0]["git"]["commit"], added.as_str());

    let (code, json) = scan(tree.path(), &["--range", "main..pr", "--no-messages"]);
    assert_eq!(code, 0, "{json}");
    // The whole history has both.
    let (_, json) = scan(tree.path(), &[]);
    assert_eq!(locations_of(&json, &before).len(), 1);
    assert_eq!(locations_of(&json, &inside).len(), 1);
}

#[test]
fn message_findings_follow_ignore_files_and_allowlists() {
    let tree = repo();
    let token = gitlab_pat(306);
    commit(&tree, &format!("leaked {token}"));
    let (_, json) = scan(tree.path(), &[]);
    let fingerprint = locations_of(&json, &token)[0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    tree.write(".leakhoundignore", format!("{fingerprint}\n"));
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["suppressed_ignored"], 1);
    std::fs::remove_file(tree.path().join(".leakhoundignore")).unwrap();

    tree.write(
        "ci/leakhound.yml",
        format!("allowlist:\n  regexes: ['^{}$']\n", regex_escape(&token)),
    );
    let (code, json) = scan(tree.path(), &["--config", "ci/leakhound.yml"]);
    assert_eq!(code, 0, "{json}");
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[test]
fn message_secrets_are_masked_in_every_format() {
    let tree = repo();
    let (subject, body, tagged) = (github_classic(307), gitlab_pat(308), gitlab_pat(309));
    tree.write("x.txt", "x\n");
    commit(&tree, &format!("push {subject}\n\nand {body}"));
    tag(&tree, "v2", &format!("tag {tagged}"));
    let secrets = [subject, body, tagged];
    let run = |format: &str, extra: &[&str]| {
        let output = tree
            .cmd()
            .args(["scan", ".", "--no-progress", "-f", format])
            .args(extra)
            .output()
            .expect("leakhound runs");
        assert_eq!(output.status.code(), Some(1), "{format} {extra:?}");
        let mut text = String::from_utf8(output.stdout).unwrap();
        text.push_str(&String::from_utf8_lossy(&output.stderr));
        text
    };
    for format in ["human", "sarif", "html", "gitlab"] {
        let text = run(format, &[]);
        assert!(text.contains("message"), "{format}: {text}");
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{format} shows {secret}");
        }
    }
    for format in ["human", "json", "jsonl", "csv", "sarif", "html", "gitlab"] {
        let text = run(format, &["--redact"]);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{format} --redact shows {secret}"
            );
        }
    }
    // JSON, for tools: the finding's own secret, every other one masked,
    // even in the commit summary.
    let (_, json) = scan(tree.path(), &[]);
    let body_location = locations_of(&json, &secrets[1])[0];
    let summary = body_location["git"]["summary"].as_str().unwrap();
    assert!(!summary.contains(secrets[0].as_str()), "{summary}");
}

#[test]
fn sarif_with_message_locations_is_valid() {
    let tree = repo();
    commit(&tree, &format!("oops {}", gitlab_pat(310)));
    tag(&tree, "v3", &format!("tag {}", gitlab_pat(311)));
    let output = tree
        .cmd()
        .args(["scan", ".", "--no-progress", "-q", "-f", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = crate::util::sarif_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"commit%20message"), "{uris:?}");
    assert!(uris.contains(&"tag%20message"), "{uris:?}");
    let tag = results
        .iter()
        .find(|r| r["properties"]["tag"] == "v3")
        .expect("the tag's result names it");
    assert!(tag["properties"]["commit"].is_string());
}
