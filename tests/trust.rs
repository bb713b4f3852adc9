//! What a scanned repository can make leakhound do, and what leakhound
//! says when it cannot do its job: its own files are never followed out of
//! the tree, its configuration never silences a scan without a notice,
//! hooks are installed where git runs them, and a scan that could not read
//! the repository never passes.

use std::path::Path;
use std::process::{Command, Output};

use crate::git::{commit, git, git_command, repo};
use crate::util::{Tree, github_classic, gitlab_pat};

/// `leakhound scan . -f json` in `dir`: exit status, JSON (or null) and
/// stderr.
fn scan(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let output = crate::util::leakhound()
        .current_dir(dir)
        .args(["scan", ".", "-f", "json", "--no-progress"])
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code().expect("exited"),
        json,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A line a credential helper stores, with a synthetic token.
fn credential_line() -> String {
    format!("https://octo:{}@github.com\n", github_classic(901))
}

/// A repository with one committed secret in `app.env`.
fn leaky_repo() -> Tree {
    let tree = repo();
    tree.write("app.env", format!("TOKEN={}\n", gitlab_pat(900)));
    commit(&tree, "add app.env");
    tree
}

// Item: files the scanned tree holds are never followed out of it, and
// errors never quote what they hold.

#[cfg(unix)]
#[test]
fn a_config_or_ignore_file_that_is_a_symlink_is_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    let credentials = outside.write("git-credentials", credential_line());
    let passwd = outside.write(
        "passwd",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n",
    );
    let tree = leaky_repo();
    symlink(&credentials, tree.path().join(".leakhound.yml")).unwrap();
    symlink(&passwd, tree.path().join(".leakhoundignore")).unwrap();
    for extra in [&[][..], &["--no-git"]] {
        let (code, json, stderr) = scan(tree.path(), extra);
        assert_eq!(code, 1, "scanned with the defaults {extra:?}: {stderr}");
        assert_eq!(json["findings"].as_array().unwrap().len(), 1);
        assert!(
            stderr.contains(".leakhound.yml") && stderr.contains("symlink"),
            "{stderr}"
        );
        assert!(stderr.contains(".leakhoundignore"), "{stderr}");
        for secret in ["octo", &github_classic(901), "root:x", "daemon"] {
            assert!(
                !stderr.contains(secret),
                "{extra:?} shows {secret}: {stderr}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_config_under_a_symlinked_directory_of_the_tree_is_not_read() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    outside.write("project/.leakhound.yml", "allowlist:\n  paths: ['**']\n");
    outside.write("project/app.env", format!("TOKEN={}\n", gitlab_pat(902)));
    let tree = Tree::new();
    symlink(outside.path().join("project"), tree.path().join("project")).unwrap();
    // The scanned path is the link itself: the user named it, so it is
    // followed; its configuration is the project's own.
    let (code, _, stderr) = scan(&tree.path().join("project"), &[]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn yaml_errors_never_quote_the_file() {
    let tree = Tree::new();
    tree.write("creds", credential_line());
    tree.write(
        "size.yml",
        format!("max_file_size: {}\n", github_classic(903)),
    );
    tree.write("key.yml", format!("{}: 1\n", github_classic(904)));
    tree.write(
        "variant.yml",
        format!("min_confidence: {}\n", github_classic(905)),
    );
    for (file, line) in [
        ("creds", 1),
        ("size.yml", 1),
        ("key.yml", 1),
        ("variant.yml", 1),
    ] {
        let output = tree
            .cmd()
            .args(["scan", ".", "--config", file])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(&format!("{file}:{line}")), "{stderr}");
        for seed in 901..=905 {
            let token = github_classic(seed);
            assert!(!stderr.contains(&token[..12]), "{file}: {stderr}");
        }
        assert!(!stderr.contains("octo"), "{stderr}");
    }
    // What is safe to show still is: a misspelt key, the kind of error.
    tree.write("typo.yml", "allowlist:\n  pathz: []\n");
    let output = tree
        .cmd()
        .args(["scan", ".", "--config", "typo.yml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("typo.yml:2") && stderr.contains("unknown field `pathz`"),
        "{stderr}"
    );
    tree.write("kind.yml", "max_file_size: big\n");
    let output = tree
        .cmd()
        .args(["scan", ".", "--config", "kind.yml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("kind.yml:1") && stderr.contains("invalid type: string"),
        "{stderr}"
    );
}

// Item: a repository's own configuration never silences a scan unseen.

#[test]
fn a_repository_config_that_turns_rules_off_is_named_on_the_summary() {
    let tree = leaky_repo();
    tree.write(
        ".leakhound.yml",
        "extend_default: false\nrules:\n- id: mine\n  name: Mine\n  regex: 'mine_(?P<secret>[a-z]{8})'\n",
    );
    for extra in [&[][..], &["--no-git"]] {
        let (code, json, stderr) = scan(tree.path(), extra);
        assert_eq!(code, 0, "{stderr}");
        let line = stderr.lines().last().unwrap();
        assert!(
            line.contains("repository config .leakhound.yml: extend_default false (0 of "),
            "{line}"
        );
        let config = &json["summary"]["repository_config"];
        assert_eq!(config["file"], ".leakhound.yml", "{json}");
        assert_eq!(config["extend_default"], false, "{json}");
        assert_eq!(config["builtin_rules_used"], 0, "{json}");
    }
}

#[test]
fn a_repository_config_that_allowlists_everything_is_counted_and_named() {
    let tree = leaky_repo();
    tree.write(".leakhound.yml", "allowlist:\n  paths: ['**']\n");
    let (code, json, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        json["summary"]["skipped"]["allowlisted"]
            .as_u64()
            .unwrap_or(0)
            >= 2,
        "the history scan counts allowlisted inputs: {json}"
    );
    let line = stderr.lines().last().unwrap();
    assert!(
        line.contains("repository config .leakhound.yml: allowlists 1 path glob matching"),
        "{line}"
    );
    let (_, json, stderr) = scan(tree.path(), &["--no-git"]);
    assert!(
        json["summary"]["skipped"]["allowlisted"]
            .as_u64()
            .unwrap_or(0)
            >= 2,
        "{json}"
    );
    assert!(
        stderr.contains("allowlists 1 path glob matching"),
        "{stderr}"
    );
}

#[test]
fn the_history_scan_counts_path_allowlisted_blobs_as_no_git_counts_files() {
    let tree = repo();
    tree.write("fixtures/a.env", format!("TOKEN={}\n", gitlab_pat(906)));
    tree.write("fixtures/b.env", "nothing\n");
    tree.write("src/c.env", format!("TOKEN={}\n", gitlab_pat(907)));
    commit(&tree, "fixtures");
    let config = Tree::new();
    let file = config.write("config.yml", "allowlist:\n  paths: ['fixtures/**']\n");
    let file = file.to_str().unwrap();
    let (code, git, _) = scan(tree.path(), &["--config", file]);
    let (_, files, _) = scan(tree.path(), &["--config", file, "--no-git"]);
    assert_eq!(code, 1);
    assert_eq!(git["summary"]["skipped"]["allowlisted"], 2, "{git}");
    assert_eq!(files["summary"]["skipped"]["allowlisted"], 2, "{files}");
    assert_eq!(git["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_repository_config_that_lowers_the_size_limit_is_named() {
    let tree = leaky_repo();
    tree.write(".leakhound.yml", "max_file_size: 1\n");
    let (code, json, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let line = stderr.lines().last().unwrap();
    assert!(
        line.contains("repository config .leakhound.yml: max_file_size 1 B"),
        "{line}"
    );
    assert_eq!(json["summary"]["repository_config"]["max_file_size"], 1);
    // An explicit --config is the user's own choice: no notice.
    let (_, _, stderr) = scan(tree.path(), &["--config", ".leakhound.yml"]);
    assert!(!stderr.contains("repository config"), "{stderr}");
}

#[test]
fn sarif_says_what_the_repository_config_turned_off() {
    let tree = leaky_repo();
    tree.write(".leakhound.yml", "extend_default: false\n");
    let output = crate::util::leakhound()
        .current_dir(tree.path())
        .args(["scan", ".", "-f", "sarif", "--no-progress"])
        .output()
        .unwrap();
    let sarif = String::from_utf8_lossy(&output.stdout);
    assert!(
        sarif.contains("repository config .leakhound.yml: extend_default false"),
        "{sarif}"
    );
}

// Item: bad ignore and configuration files are named, not skipped quietly.

#[test]
fn garbage_in_the_ignore_file_is_named_by_line() {
    let tree = leaky_repo();
    tree.write(
        ".leakhoundignore",
        "# comment\n0123456789abcdef01234567  # fine\nhunter2 is my password\nABCDEF0123456789ABCDEF01\n",
    );
    let (code, _, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(".leakhoundignore:3"), "{stderr}");
    assert!(stderr.contains(".leakhoundignore:4"), "{stderr}");
    assert!(!stderr.contains(".leakhoundignore:2"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "no content: {stderr}");
}

#[test]
fn an_ignore_file_or_config_that_is_a_directory_is_named() {
    let tree = leaky_repo();
    std::fs::create_dir(tree.path().join(".leakhoundignore")).unwrap();
    std::fs::create_dir(tree.path().join(".leakhound.yml")).unwrap();
    let (code, json, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 1, "scanned with the defaults: {stderr}");
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert!(
        stderr.contains(".leakhoundignore") && stderr.contains("not a regular file"),
        "{stderr}"
    );
    assert!(stderr.contains(".leakhound.yml"), "{stderr}");
}

// Item: hooks go where git runs them.

/// A home directory with its own git configuration.
struct Home {
    dir: Tree,
}

impl Home {
    fn new(config: &str) -> Home {
        let dir = Tree::new();
        dir.write(".gitconfig", config);
        Home { dir }
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("HOME", self.dir.path())
            .env("GIT_CONFIG_GLOBAL", self.dir.path().join(".gitconfig"))
            .env("GIT_CONFIG_NOSYSTEM", "1");
    }

    fn git(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = git_command(dir, args);
        self.env(&mut cmd);
        cmd.output().unwrap()
    }

    fn leakhound(&self, dir: &Path, args: &[&str]) -> Output {
        let mut cmd = crate::util::leakhound();
        cmd.current_dir(dir).args(args);
        self.env(&mut cmd);
        cmd.output().unwrap()
    }
}

/// Installs the hook in `dir`, then commits a token there: the commit must
/// be blocked by the hook.
fn install_then_commit_is_blocked(home: &Home, dir: &Path, seed: u64) {
    let install = home.leakhound(dir, &["hook", "install"]);
    assert_eq!(install.status.code(), Some(0), "{}", said(&install));
    std::fs::write(
        dir.join("leak.env"),
        format!("TOKEN={}\n", gitlab_pat(seed)),
    )
    .unwrap();
    let add = home.git(dir, &["add", "leak.env"]);
    assert!(add.status.success(), "{}", said(&add));
    let blocked = home.git(dir, &["commit", "-q", "-m", "leak"]);
    let output = said(&blocked);
    assert!(
        !blocked.status.success(),
        "the hook did not run: {}\n{output}",
        said(&install)
    );
    assert!(output.contains("leak.env"), "{output}");
}

#[test]
fn hook_install_honours_a_global_hooks_path() {
    let hooks = Tree::new();
    let home = Home::new(&format!(
        "[core]\n\thooksPath = {}\n",
        hooks.path().display()
    ));
    let tree = repo();
    install_then_commit_is_blocked(&home, tree.path(), 910);
    assert!(hooks.path().join("pre-commit").exists());
}

#[test]
fn hook_install_in_a_linked_worktree() {
    let home = Home::new("");
    let tree = repo();
    let worktrees = Tree::new();
    let linked = worktrees.path().join("linked");
    git(
        tree.path(),
        &[
            "worktree",
            "add",
            "-q",
            "-b",
            "side",
            linked.to_str().unwrap(),
        ],
    );
    install_then_commit_is_blocked(&home, &linked, 911);
}

#[test]
fn hook_install_honours_a_hooks_path_under_home() {
    let home = Home::new("");
    let tree = repo();
    git(tree.path(), &["config", "core.hooksPath", "~/my-hooks"]);
    install_then_commit_is_blocked(&home, tree.path(), 912);
    assert!(home.dir.path().join("my-hooks/pre-commit").exists());
}

#[test]
fn hook_install_and_scan_from_a_subdirectory() {
    let home = Home::new("");
    let tree = leaky_repo();
    tree.write("sub/dir/notes.txt", "notes\n");
    commit(&tree, "notes");
    let sub = tree.path().join("sub/dir");
    let (code, json, stderr) = scan(&sub, &[]);
    assert_eq!(code, 1, "the repository's history: {stderr}");
    assert_eq!(json["findings"][0]["locations"][0]["path"], "app.env");
    assert!(json["summary"]["commits"].as_u64().unwrap() >= 2, "{json}");
    assert!(stderr.contains("history"), "says so: {stderr}");
    let (code, _, stderr) = scan(&sub, &["--no-git"]);
    assert_eq!(code, 0, "only the files under sub/dir: {stderr}");
    install_then_commit_is_blocked(&home, &sub, 913);
}

// Item: --range in shallow clones.

/// A repository of three commits (the last adds a secret), and its id of
/// each.
fn three_commits() -> (Tree, Vec<String>) {
    let tree = Tree::new();
    git(tree.path(), &["init", "-q", "-b", "main"]);
    let mut ids = Vec::new();
    for n in 0..2 {
        tree.write("notes.txt", format!("version {n}\n"));
        ids.push(commit(&tree, &format!("notes {n}")));
    }
    tree.write("new.env", format!("TOKEN={}\n", gitlab_pat(914)));
    ids.push(commit(&tree, "add a secret"));
    (tree, ids)
}

#[test]
fn range_in_a_shallow_clone_names_the_missing_commit_and_the_fix() {
    let (source, ids) = three_commits();
    let clones = Tree::new();
    let url = format!("file://{}", source.path().display());
    git(clones.path(), &["clone", "-q", "--depth", "1", &url, "one"]);
    let one = clones.path().join("one");
    let range = format!("{}..HEAD", ids[0]);
    let (code, _, stderr) = scan(&one, &["--range", &range]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains(&ids[0]), "names the commit: {stderr}");
    assert!(stderr.contains("shallow"), "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    assert!(stderr.contains("git fetch --deepen"), "{stderr}");
    let range = format!("{}..HEAD", ids[1]);
    let (code, _, stderr) = scan(&one, &["--range", &range]);
    assert_eq!(code, 2, "the base is not there either: {stderr}");
    assert!(
        stderr.contains(&ids[1]) && stderr.contains("fetch-depth: 0"),
        "{stderr}"
    );
    // Deep enough: the base and the parent of every commit of the range.
    git(clones.path(), &["clone", "-q", "--depth", "2", &url, "two"]);
    let (code, json, stderr) = scan(&clones.path().join("two"), &["--range", &range]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["findings"][0]["locations"][0]["path"], "new.env");
}

// Item: a scan that could not read the repository never passes.

fn packed_leaky_repo() -> (Tree, std::path::PathBuf) {
    let tree = leaky_repo();
    git(tree.path(), &["repack", "-adq"]);
    let pack = std::fs::read_dir(tree.path().join(".git/objects/pack"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pack"))
        .unwrap();
    (tree, pack)
}

#[cfg(unix)]
fn writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[cfg(unix)]
#[test]
fn a_truncated_pack_fails_the_scan() {
    let (tree, pack) = packed_leaky_repo();
    writable(&pack);
    let len = std::fs::metadata(&pack).unwrap().len();
    let file = std::fs::OpenOptions::new().write(true).open(&pack).unwrap();
    file.set_len(len / 3).unwrap();
    drop(file);
    let (code, json, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        json["summary"]["unread_objects"].as_u64().unwrap_or(0) >= 1,
        "{json}"
    );
    let line = stderr
        .lines()
        .find(|l| l.contains("finding"))
        .unwrap_or_default();
    assert!(line.contains("could not be read"), "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_corrupt_loose_object_fails_the_scan_and_is_named() {
    let tree = leaky_repo();
    let blob = git(tree.path(), &["rev-parse", "HEAD:app.env"]);
    let path = tree
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    writable(&path);
    std::fs::write(&path, b"this is not zlib data").unwrap();
    let (code, json, stderr) = scan(tree.path(), &[]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(json["summary"]["unread_objects"], 1, "{json}");
    assert!(
        json["summary"]["unread_object_ids"][0]
            .as_str()
            .unwrap()
            .contains(&blob),
        "{json}"
    );
    let line = stderr
        .lines()
        .find(|l| l.contains("finding"))
        .unwrap_or_default();
    assert!(line.contains("1 git object could not be read"), "{stderr}");
    assert!(line.contains(&blob), "{line}");
}

#[test]
fn a_shallow_clone_is_not_a_failed_scan() {
    let (source, _) = three_commits();
    let clones = Tree::new();
    let url = format!("file://{}", source.path().display());
    git(clones.path(), &["clone", "-q", "--depth", "1", &url, "one"]);
    let (code, json, stderr) = scan(&clones.path().join("one"), &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(json["summary"]["unread_objects"], serde_json::Value::Null);
}

// Item: custom rules are compiled when the configuration loads.

#[test]
fn a_custom_rule_too_big_to_compile_is_a_config_error() {
    let tree = Tree::new();
    tree.write(
        ".leakhound.yml",
        "rules:\n- id: ok\n  name: Ok\n  regex: 'ok_(?P<secret>[a-z]{8})'\n- id: mytoken\n  name: My token\n  regex: \"mytoken=(?P<secret>[A-Za-z0-9]{16,1000000})\"\n",
    );
    tree.write("a.txt", "mytoken=abcdefghijklmnopqrstu\n");
    let output = tree.cmd().args(["scan", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        stderr.contains(".leakhound.yml:5: rule 'mytoken'"),
        "file, line and rule: {stderr}"
    );
    assert!(stderr.contains("size limit"), "{stderr}");
}

// Item: every configuration error has its line; -v names skipped inputs;
// blobs over the size limit are named by path.

#[test]
fn every_config_error_has_a_line() {
    let cases = [
        ("extend_default: true\ndisable: [no-such-rule]\n", 2),
        ("disable:\n  - gitlab-pat\n  - no-such-rule\n", 3),
        (
            "allowlist:\n  paths: ['ok/**']\n  regexes: ['(unclosed']\n",
            3,
        ),
        ("allowlist:\n  paths:\n    - 'a/['\n", 3),
        ("allowlist:\n  path_regexes: ['a(']\n", 2),
        (
            "rule_allowlists:\n  gitlab-pat: {}\n  no-such-rule:\n    paths: []\n",
            3,
        ),
        (
            "rule_allowlists:\n  gitlab-pat:\n    regexes: ['ok']\n    matches: ['(']\n",
            4,
        ),
        (
            "rules:\n- id: fine\n  name: Fine\n  regex: 'f_(?P<secret>[a-z]{8})'\n- id: mine\n  name: Mine\n  regex: 'no group'\n",
            5,
        ),
        (
            "rules:\n- id: mine\n  name: Mine\n  regex: 'a(?P<secret>[a-z'\n",
            2,
        ),
    ];
    for (yaml, line) in cases {
        let tree = Tree::new();
        tree.write(".leakhound.yml", yaml);
        let output = tree.cmd().args(["scan", "."]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{yaml}: {stderr}");
        assert!(
            stderr.contains(&format!(".leakhound.yml:{line}: ")),
            "{yaml}: {stderr}"
        );
    }
}

#[test]
fn verbose_names_each_skipped_input() {
    let tree = Tree::new();
    let mut bytes = b"\0\x01\x02".to_vec();
    bytes.extend_from_slice(gitlab_pat(915).as_bytes());
    tree.write("blob.bin", bytes);
    tree.write("fixtures/x.txt", "x\n");
    tree.write(".leakhound.yml", "allowlist:\n  paths: ['fixtures/**']\n");
    #[cfg(unix)]
    std::os::unix::fs::symlink("blob.bin", tree.path().join("link.bin")).unwrap();
    let output = tree.cmd().args(["scan", ".", "-v"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("blob.bin: skipped: binary"), "{stderr}");
    assert!(
        stderr.contains("fixtures/x.txt: skipped: allowlisted path"),
        "{stderr}"
    );
    #[cfg(unix)]
    assert!(stderr.contains("link.bin: skipped: symlink"), "{stderr}");
    let output = tree.cmd().args(["scan", "."]).output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("blob.bin"), "only with -v: {stderr}");
}

#[test]
fn blobs_over_the_size_limit_are_named_by_path_and_commit() {
    let tree = repo();
    let text = format!("{}\n{}\n", "x".repeat(4096), gitlab_pat(916));
    tree.write("data/big.txt", &text);
    let added = commit(&tree, "big");
    let blob = git(tree.path(), &["rev-parse", "HEAD:data/big.txt"]);
    let (code, json, stderr) = scan(tree.path(), &["--max-file-size", "1K"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["summary"]["skipped"]["too_large"], 1);
    assert!(
        stderr.contains(&format!(
            "data/big.txt (blob {blob}, commit {added}): skipped: {} bytes, larger than --max-file-size (1024 bytes)",
            text.len()
        )),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn import_does_not_follow_a_symlinked_default_file() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    let credentials = outside.write("git-credentials", credential_line());
    let tree = leaky_repo();
    symlink(&credentials, tree.path().join(".gitleaks.toml")).unwrap();
    symlink(&credentials, tree.path().join(".secrets.baseline")).unwrap();
    for args in [
        &["import", "gitleaks", "--dry-run"][..],
        &["import", "detect-secrets", "--dry-run"],
    ] {
        let output = tree.cmd().args(args).output().unwrap();
        let said = said(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {said}");
        assert!(said.contains("symlink"), "{args:?}: {said}");
        assert!(
            !said.contains(&github_classic(901)[..12]),
            "{args:?}: {said}"
        );
        assert!(!said.contains("octo"), "{args:?}: {said}");
    }
}

#[test]
fn a_partial_clone_is_not_a_failed_scan() {
    let (source, _) = three_commits();
    git(source.path(), &["config", "uploadpack.allowFilter", "true"]);
    let clones = Tree::new();
    let url = format!("file://{}", source.path().display());
    git(
        clones.path(),
        &[
            "clone",
            "-q",
            "--no-checkout",
            "--filter=blob:none",
            &url,
            "partial",
        ],
    );
    let (code, json, stderr) = scan(&clones.path().join("partial"), &[]);
    assert_eq!(code, 0, "blobs left on the server: {stderr}");
    assert!(
        json["summary"]["skipped"]["missing"].as_u64().unwrap_or(0) >= 1,
        "counted: {json}"
    );
    assert_eq!(json["summary"]["unread_objects"], serde_json::Value::Null);
    assert!(stderr.contains("partial clone"), "named: {stderr}");
}

#[test]
fn locations_a_rule_allowlist_suppresses_are_counted() {
    let tree = leaky_repo();
    tree.write(
        ".leakhound.yml",
        "rule_allowlists:\n  gitlab-pat:\n    paths: ['app.env']\n",
    );
    for extra in [&[][..], &["--no-git"]] {
        let (code, json, stderr) = scan(tree.path(), extra);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(json["summary"]["suppressed_allowlisted_path"], 1, "{json}");
        let line = stderr.lines().last().unwrap();
        assert!(line.contains("1 location in allowlisted paths"), "{line}");
        assert!(line.contains("adds exceptions to 1 rule"), "{line}");
    }
}
