//! Full-history scans of generated repositories (fixed names and dates, so
//! commit ids are stable).

use std::path::Path;
use std::process::Command;

use crate::util::{Tree, decodes_to_more_than_twice_itself, github_classic, gitlab_pat, run_json};

/// git in `dir` with a fixed identity and date, and no outside
/// configuration.
pub(crate) fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Ada Author")
        .env("GIT_AUTHOR_EMAIL", "ada@example.org")
        .env("GIT_AUTHOR_DATE", "2024-01-02T03:04:05+00:00")
        .env("GIT_COMMITTER_NAME", "Ada Author")
        .env("GIT_COMMITTER_EMAIL", "ada@example.org")
        .env("GIT_COMMITTER_DATE", "2024-01-02T03:04:05+00:00");
    cmd
}

/// Runs git (see [`git_command`]), asserts it succeeded, returns stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_command(dir, args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A new repository with one commit on `main`.
pub(crate) fn repo() -> Tree {
    let tree = Tree::new();
    git(tree.path(), &["init", "-q", "-b", "main"]);
    tree.write("README.md", "# demo\n");
    commit(&tree, "initial");
    tree
}

pub(crate) fn commit(tree: &Tree, message: &str) -> String {
    git(tree.path(), &["add", "-A"]);
    git(
        tree.path(),
        &["commit", "-q", "--allow-empty", "-m", message],
    );
    git(tree.path(), &["rev-parse", "HEAD"])
}

fn scan(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .args(["scan", ".", "-f", "json", "--no-progress"])
        .args(extra);
    run_json(&mut cmd)
}

fn findings(json: &serde_json::Value) -> &Vec<serde_json::Value> {
    json["findings"].as_array().expect("findings array")
}

#[test]
fn secret_added_then_removed_is_found_and_not_in_head() {
    let tree = repo();
    tree.write("config.py", format!("TOKEN = '{}'\n", gitlab_pat(20)));
    let added = commit(&tree, "add config");
    tree.write("config.py", "TOKEN = os.environ['TOKEN']\n");
    commit(&tree, "use the environment");
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 1);
    let finding = &findings(&json)[0];
    assert_eq!(finding["in_head"], false);
    let location = &finding["locations"][0];
    assert_eq!(location["path"], "config.py");
    assert_eq!(location["line"], 1);
    assert_eq!(location["git"]["commit"], added.as_str());
    assert_eq!(location["git"]["author"], "Ada Author");
    assert_eq!(location["git"]["email"], "ada@example.org");
    assert_eq!(location["git"]["date"], "2024-01-02T03:04:05+00:00");
    assert_eq!(location["git"]["summary"], "add config");
    assert_eq!(json["summary"]["commits"], 3);
}

#[test]
fn secret_still_present_is_in_head_once_per_path() {
    let tree = repo();
    tree.write("app.env", format!("TOKEN={}\n", gitlab_pat(21)));
    let added = commit(&tree, "add env");
    for n in 0..3 {
        tree.write("app.env", format!("TOKEN={}\nN={n}\n", gitlab_pat(21)));
        commit(&tree, &format!("edit {n}"));
    }
    let (_, json) = scan(tree.path(), &[]);
    let finding = &findings(&json)[0];
    assert_eq!(finding["in_head"], true);
    let locations = finding["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 1, "one location per path, not per version");
    assert_eq!(locations[0]["git"]["commit"], added.as_str());
    let (_, json) = scan(tree.path(), &["--no-dedup"]);
    assert_eq!(findings(&json)[0]["locations"].as_array().unwrap().len(), 4);
}

#[test]
fn unmerged_branch_and_tag_only_commits_are_scanned() {
    let tree = repo();
    git(tree.path(), &["checkout", "-q", "-b", "feature"]);
    tree.write("feature.txt", format!("{}\n", gitlab_pat(22)));
    commit(&tree, "on a branch");
    git(tree.path(), &["checkout", "-q", "main"]);
    git(tree.path(), &["checkout", "-q", "--detach"]);
    tree.write("tagged.txt", format!("{}\n", gitlab_pat(23)));
    commit(&tree, "only tagged");
    git(tree.path(), &["tag", "v1"]);
    git(tree.path(), &["checkout", "-q", "main"]);
    let (_, json) = scan(tree.path(), &[]);
    let mut paths: Vec<_> = findings(&json)
        .iter()
        .map(|f| f["locations"][0]["path"].as_str().unwrap().to_owned())
        .collect();
    paths.sort();
    assert_eq!(paths, ["feature.txt", "tagged.txt"]);
    let (_, json) = scan(tree.path(), &["--ref", "main"]);
    assert!(findings(&json).is_empty(), "--ref limits the scan");
}

#[test]
fn renamed_file_is_one_finding_with_both_paths() {
    let tree = repo();
    tree.write("old.cfg", format!("token={}\n", gitlab_pat(24)));
    commit(&tree, "add");
    git(tree.path(), &["mv", "old.cfg", "new.cfg"]);
    commit(&tree, "rename");
    let (_, json) = scan(tree.path(), &[]);
    assert_eq!(findings(&json).len(), 1);
    let locations = findings(&json)[0]["locations"].as_array().unwrap();
    let paths: Vec<_> = locations
        .iter()
        .map(|l| l["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["new.cfg", "old.cfg"]);
    assert_eq!(locations[0]["git"]["summary"], "rename");
    assert_eq!(locations[0]["git"]["in_head"], true);
    assert_eq!(locations[1]["git"]["in_head"], false);
}

#[test]
fn same_secret_in_two_files_and_a_merge() {
    let tree = repo();
    git(tree.path(), &["checkout", "-q", "-b", "side"]);
    tree.write("a.txt", format!("{}\n", gitlab_pat(25)));
    commit(&tree, "side adds a");
    git(tree.path(), &["checkout", "-q", "main"]);
    tree.write("b.txt", format!("{}\n", gitlab_pat(25)));
    commit(&tree, "main adds b");
    git(
        tree.path(),
        &["merge", "-q", "--no-ff", "-m", "merge side", "side"],
    );
    let (_, json) = scan(tree.path(), &[]);
    assert_eq!(findings(&json).len(), 1);
    let locations = findings(&json)[0]["locations"].as_array().unwrap();
    let summaries: Vec<_> = locations
        .iter()
        .map(|l| l["git"]["summary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries,
        ["side adds a", "main adds b"],
        "the merge did not introduce them"
    );
}

#[test]
fn bare_and_shallow_clones() {
    let tree = repo();
    tree.write("old.txt", format!("{}\n", gitlab_pat(26)));
    commit(&tree, "old secret");
    tree.write("old.txt", "gone\n");
    commit(&tree, "remove");
    tree.write("new.txt", format!("{}\n", gitlab_pat(27)));
    commit(&tree, "new secret");
    let clones = Tree::new();
    let source = format!("file://{}", tree.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--bare", &source, "bare.git"],
    );
    let (_, json) = scan(&clones.path().join("bare.git"), &[]);
    assert_eq!(findings(&json).len(), 2);
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &source, "shallow"],
    );
    let (code, json) = scan(&clones.path().join("shallow"), &[]);
    assert_eq!(code, 1);
    assert_eq!(findings(&json).len(), 1, "only what the shallow clone has");
    assert_eq!(json["summary"]["commits"], 1);
}

#[test]
fn all_objects_finds_dangling_blobs() {
    let tree = repo();
    let blob = {
        let path = tree.write("loose.txt", format!("{}\n", gitlab_pat(28)));
        let id = git(tree.path(), &["hash-object", "-w", path.to_str().unwrap()]);
        std::fs::remove_file(path).unwrap();
        id
    };
    let (code, _) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "unreachable blobs are not scanned by default");
    let (code, json) = scan(tree.path(), &["--all-objects"]);
    assert_eq!(code, 1);
    let location = &findings(&json)[0]["locations"][0];
    assert_eq!(location["git"]["blob"], blob.as_str());
    assert!(
        location["path"]
            .as_str()
            .unwrap()
            .contains("unreachable blob")
    );
}

#[test]
fn empty_repository_is_clean() {
    let tree = Tree::new();
    git(tree.path(), &["init", "-q"]);
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(json["summary"]["inputs_scanned"], 0);
}

#[test]
fn nothing_from_the_repository_is_executed() {
    let tree = repo();
    // Every git command the test itself runs comes first: git would run the
    // hostile configuration below.
    tree.write("app.py", format!("TOKEN = '{}'\n", gitlab_pat(77)));
    commit(&tree, "app");
    tree.write("staged.py", format!("TOKEN = '{}'\n", gitlab_pat(78)));
    git(tree.path(), &["add", "staged.py"]);

    let marker = tree.path().join("pwned");
    let command = format!("touch {}", marker.display());
    let outside = Tree::new();
    let executable = |path: &Path| {
        std::fs::write(path, format!("#!/bin/sh\n{command}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
    };
    for hook in [
        "pre-commit",
        "post-checkout",
        "pre-auto-gc",
        "fsmonitor-watchman",
        "reference-transaction",
    ] {
        executable(&tree.path().join(".git/hooks").join(hook));
        std::fs::create_dir_all(outside.path().join("hooks")).unwrap();
        executable(&outside.path().join("hooks").join(hook));
    }
    // An included file outside the repository sets more of the same.
    let included = outside.write(
        "included.gitconfig",
        format!(
            "[core]\n\tfsmonitor = {command}\n\tsshCommand = {command}\n[credential]\n\thelper = !{command}\n"
        ),
    );
    let hooks = outside.path().join("hooks").display().to_string();
    let included = included.display().to_string();
    let config = [
        ("core.fsmonitor", command.as_str()),
        ("core.pager", command.as_str()),
        ("core.hooksPath", hooks.as_str()),
        ("include.path", included.as_str()),
        ("filter.evil.smudge", command.as_str()),
        ("filter.evil.clean", command.as_str()),
        ("filter.evil.process", command.as_str()),
        ("diff.evil.textconv", command.as_str()),
        ("diff.evil.command", command.as_str()),
    ];
    for (key, value) in config {
        git(tree.path(), &["config", key, value]);
    }
    tree.write(".gitattributes", "* filter=evil diff=evil\n");
    assert!(!marker.exists(), "the test's own git commands ran it");

    for extra in [
        &[][..],
        &["--staged"][..],
        &["--range", "HEAD~1..HEAD"][..],
        &["--no-git"][..],
        &["--all-objects"][..],
    ] {
        let (code, json, stderr) = scan_with(tree.path(), extra);
        assert_eq!(code, 1, "scan {extra:?}: {stderr}");
        assert!(!findings(&json).is_empty(), "scan {extra:?}");
        assert!(
            !marker.exists(),
            "a command from the repository ran (scan {extra:?})"
        );
    }
}

#[test]
fn no_git_scans_the_work_tree() {
    let tree = repo();
    tree.write("uncommitted.txt", format!("{}\n", gitlab_pat(29)));
    let (code, _) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "history has no secret");
    let (code, _) = scan(tree.path(), &["--no-git"]);
    assert_eq!(code, 1, "the work tree does");
}

#[test]
fn large_blobs_and_lfs_pointers_are_counted_not_scanned() {
    let tree = repo();
    tree.write(
        "big.txt",
        format!("{}\n{}\n", "x".repeat(4096), gitlab_pat(30)),
    );
    tree.write(
        "model.bin",
        "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 12345\n",
    );
    commit(&tree, "big and lfs");
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(tree.path()).args([
        "scan",
        ".",
        "-f",
        "json",
        "--no-progress",
        "--max-file-size",
        "1K",
    ]);
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["skipped"]["too_large"], 1);
    assert_eq!(json["summary"]["skipped"]["lfs_pointer"], 1);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("larger than --max-file-size"), "{stderr}");
}

/// The loose object file of `id`.
fn loose_object(tree: &Tree, id: &str) -> std::path::PathBuf {
    tree.path()
        .join(".git/objects")
        .join(&id[..2])
        .join(&id[2..])
}

#[cfg(unix)]
#[test]
fn missing_and_corrupt_objects_are_counted_and_the_scan_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let tree = repo();
    tree.write("kept.txt", format!("{}\n", gitlab_pat(31)));
    tree.write("lost.txt", format!("{}\n", gitlab_pat(32)));
    tree.write("broken.txt", format!("{}\n", gitlab_pat(33)));
    commit(&tree, "three files");
    let lost = git(tree.path(), &["rev-parse", "HEAD:lost.txt"]);
    let broken = git(tree.path(), &["rev-parse", "HEAD:broken.txt"]);
    // A partial clone lacks objects; a damaged disk garbles them.
    std::fs::remove_file(loose_object(&tree, &lost)).unwrap();
    let path = loose_object(&tree, &broken);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::write(&path, b"this is not zlib data").unwrap();
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(tree.path())
        .args(["scan", ".", "-f", "json", "--no-progress"]);
    let output = cmd.output().unwrap();
    // The scan goes on past them, and then fails: part of the history
    // could not be read.
    assert_eq!(output.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        findings(&json).len(),
        1,
        "the readable blob is still scanned"
    );
    assert_eq!(findings(&json)[0]["locations"][0]["path"], "kept.txt");
    let skipped = &json["summary"]["skipped"];
    let counted =
        skipped["missing"].as_u64().unwrap_or(0) + skipped["unreadable"].as_u64().unwrap_or(0);
    assert_eq!(counted, 2, "{skipped}");
    assert_eq!(json["summary"]["unread_objects"], 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&lost) && stderr.contains(&broken),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn non_utf8_paths_are_reported_readably() {
    use std::os::unix::ffi::OsStrExt;
    let tree = repo();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(
        tree.path().join(name),
        format!("TOKEN={}\n", gitlab_pat(34)),
    )
    .unwrap();
    commit(&tree, "latin-1 file name");
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(
        findings(&json)[0]["locations"][0]["path"],
        "caf\u{fffd}.env"
    );
}

fn scan_with(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .args(["scan", ".", "-f", "json", "--no-progress"])
        .args(extra);
    let output = cmd.output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code().unwrap(),
        json,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_blob_cut_by_the_decoding_limit_is_named_by_path_and_commit() {
    let tree = repo();
    tree.write("data/cut.txt", decodes_to_more_than_twice_itself());
    let added = commit(&tree, "add data");
    let blob = git(
        tree.path(),
        &["rev-parse", &format!("{added}:data/cut.txt")],
    );
    tree.write("data/cut.txt", "gone\n");
    commit(&tree, "remove data");
    let name = format!("data/cut.txt (blob {blob}, commit {added})");
    for extra in [&[][..], &["--no-memo"]] {
        let (code, json, stderr) = scan_with(tree.path(), extra);
        assert_eq!(code, 0, "{stderr}");
        assert_eq!(json["summary"]["decode_limit"], 1);
        assert_eq!(
            json["summary"]["decode_limit_inputs"],
            serde_json::json!([name])
        );
        assert!(
            stderr.contains(&format!("size limit in 1 input ({name})")),
            "{stderr}"
        );
    }
}

#[test]
fn staged_changes_only() {
    let tree = repo();
    tree.write("old.env", format!("A={}\nB=1\n", gitlab_pat(40)));
    commit(&tree, "old secret");
    // Nothing staged: said, and clean.
    let (code, _, stderr) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("nothing is staged"), "{stderr}");
    // An unstaged edit is not scanned; a staged edit only for its added lines.
    tree.write("old.env", format!("A={}\nB=2\n", gitlab_pat(40)));
    git(tree.path(), &["add", "old.env"]);
    tree.write("work.txt", format!("{}\n", gitlab_pat(41)));
    let (code, json, _) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(
        code, 0,
        "the old secret is in HEAD and the new file is not staged: {json}"
    );
    git(tree.path(), &["add", "work.txt"]);
    tree.write("work.txt", "cleaned up in the work tree only\n");
    let (code, json, _) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 1, "the staged content counts, not the work tree");
    assert_eq!(findings(&json).len(), 1);
    assert_eq!(findings(&json)[0]["locations"][0]["path"], "work.txt");
}

#[test]
fn staged_in_a_repository_without_commits_and_renames() {
    let tree = Tree::new();
    git(tree.path(), &["init", "-q", "-b", "main"]);
    tree.write("first.cfg", format!("key={}\n", gitlab_pat(42)));
    git(tree.path(), &["add", "first.cfg"]);
    let (code, _, _) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 1);
    commit(&tree, "first");
    git(tree.path(), &["mv", "first.cfg", "second.cfg"]);
    let (code, _, stderr) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 0, "a rename adds nothing: {stderr}");
}

/// A repository with a secret on main, and a branch `pr` off it.
fn pr_repo() -> Tree {
    let tree = repo();
    tree.write("base.env", format!("OLD={}\nX=1\n", gitlab_pat(43)));
    commit(&tree, "base secret");
    git(tree.path(), &["checkout", "-q", "-b", "pr"]);
    tree
}

#[test]
fn range_reports_only_what_the_pr_adds() {
    let tree = pr_repo();
    tree.write("base.env", format!("OLD={}\nX=2\n", gitlab_pat(43)));
    commit(&tree, "touch a file that had a secret");
    let (code, json, _) = scan_with(tree.path(), &["--range", "main..pr"]);
    assert_eq!(code, 0, "{json}");
    assert_eq!(json["summary"]["commits"], 1);
    tree.write("new.env", format!("NEW={}\n", gitlab_pat(44)));
    let added = commit(&tree, "add a secret");
    tree.write("new.env", "NEW=${TOKEN}\n");
    commit(&tree, "and remove it");
    let (code, json, _) = scan_with(tree.path(), &["--range", "main..pr"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&json).len(), 1);
    let location = &findings(&json)[0]["locations"][0];
    assert_eq!(location["path"], "new.env");
    assert_eq!(location["git"]["commit"], added.as_str());
    assert_eq!(location["git"]["in_head"], false);
}

#[test]
fn range_with_merge_base_and_bad_revisions() {
    let tree = pr_repo();
    tree.write("pr.txt", format!("{}\n", gitlab_pat(45)));
    commit(&tree, "pr secret");
    git(tree.path(), &["checkout", "-q", "main"]);
    tree.write("main.txt", "moving on\n");
    commit(&tree, "main moves");
    let (code, json, _) = scan_with(tree.path(), &["--range", "main...pr"]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["commits"], 1);
    let (code, _, stderr) = scan_with(tree.path(), &["--range", "main..no-such-branch"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown revision 'no-such-branch'"),
        "{stderr}"
    );
    let (code, _, stderr) = scan_with(tree.path(), &["--range", "main"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("expected BASE..HEAD"), "{stderr}");
}

#[test]
fn pre_commit_hook_blocks_secrets_and_respects_foreign_hooks() {
    let tree = repo();
    let hook = tree.path().join(".git/hooks/pre-commit");
    std::fs::create_dir_all(hook.parent().unwrap()).unwrap();
    std::fs::write(&hook, "#!/bin/sh\nexit 0\n").unwrap();
    let mut cmd = crate::util::leakhound();
    let output = cmd
        .current_dir(tree.path())
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("was not written by leakhound"));
    let mut cmd = crate::util::leakhound();
    let output = cmd
        .current_dir(tree.path())
        .args(["hook", "install", "--force"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut cmd = crate::util::leakhound();
    assert_eq!(
        cmd.current_dir(tree.path())
            .args(["hook", "install"])
            .status()
            .unwrap()
            .code(),
        Some(0),
        "reinstall over our own hook"
    );

    tree.write("clean.txt", "nothing to see\n");
    git(tree.path(), &["add", "clean.txt"]);
    let ok = git_command(tree.path(), &["commit", "-q", "-m", "clean"])
        .output()
        .unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    tree.write("leak.env", format!("TOKEN={}\n", gitlab_pat(46)));
    git(tree.path(), &["add", "leak.env"]);
    let blocked = git_command(tree.path(), &["commit", "-q", "-m", "leak"])
        .output()
        .unwrap();
    assert!(!blocked.status.success(), "the hook must block the commit");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&blocked.stdout),
        String::from_utf8_lossy(&blocked.stderr)
    );
    assert!(said.contains("leak.env"), "{said}");
}

#[test]
fn ignore_file_fingerprint_survives_a_rebase_and_moved_lines() {
    let tree = repo();
    git(tree.path(), &["checkout", "-q", "-b", "feature"]);
    tree.write("app.cfg", format!("token={}\n", gitlab_pat(51)));
    commit(&tree, "add config");
    let (_, json) = scan(tree.path(), &[]);
    let fingerprint = findings(&json)[0]["locations"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned();
    tree.write(
        ".leakhoundignore",
        format!("{fingerprint}  # rotated, kept for history\n"),
    );
    git(tree.path(), &["checkout", "-q", "main"]);
    tree.write("other.txt", "main moves on\n");
    commit(&tree, "main moves");
    git(tree.path(), &["checkout", "-q", "feature"]);
    git(tree.path(), &["rebase", "-q", "main"]);
    tree.write(
        "app.cfg",
        format!("# header\n\n[section]\ntoken={}\n", gitlab_pat(51)),
    );
    commit(&tree, "move the line");
    git(tree.path(), &["branch", "-q", "-D", "main"]);
    let (code, json) = scan(tree.path(), &[]);
    assert_eq!(code, 0, "{json}");
    assert!(json["summary"]["suppressed_ignored"].as_u64().unwrap() >= 1);
}

#[test]
fn unreadable_index_is_an_error_not_a_pass() {
    let tree = repo();
    std::fs::write(
        tree.path().join(".git/index"),
        b"DIRC garbage that is not an index",
    )
    .unwrap();
    let (code, _, stderr) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot read the git index"), "{stderr}");
}

#[test]
fn renames_intent_to_add_and_deletions() {
    let tree = pr_repo();
    git(tree.path(), &["mv", "base.env", "moved.env"]);
    commit(&tree, "move the file with the old secret");
    let (code, json, _) = scan_with(tree.path(), &["--range", "main..pr"]);
    assert_eq!(code, 0, "a move adds nothing: {json}");
    tree.write("later.env", format!("T={}\n", gitlab_pat(47)));
    git(tree.path(), &["add", "-N", "later.env"]);
    let (code, _, stderr) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 0, "intent-to-add stages no content");
    assert!(stderr.contains("nothing is staged"), "{stderr}");
    git(tree.path(), &["rm", "-q", "--cached", "later.env"]);
    git(tree.path(), &["rm", "-q", "moved.env"]);
    let (code, _, stderr) = scan_with(tree.path(), &["--staged"]);
    assert_eq!(code, 0);
    assert!(
        !stderr.contains("nothing is staged"),
        "a deletion is a staged change: {stderr}"
    );
}

/// A history worth packing: many versions of a few files (so that the pack
/// holds long delta chains), secrets added, edited around and removed, on
/// two branches and a tag, encoded and UTF-16 ones, a binary file, a symlink,
/// an LFS pointer and an unreachable blob.
fn packed_history() -> Tree {
    let tree = repo();
    let mut body = String::new();
    for version in 0..40u64 {
        body.push_str(&format!("line {version} of the settings\n"));
        let mut config = body.clone();
        if (5..25).contains(&version) {
            config.push_str(&format!("GITLAB_TOKEN = '{}'\n", gitlab_pat(100)));
        }
        if version % 7 == 3 {
            config.push_str(&format!("deploy = '{}'\n", gitlab_pat(200 + version)));
        }
        tree.write("config.py", config);
        tree.write(
            "notes/log.txt",
            format!("{body}ghp token {}\n", github_classic(version % 3)),
        );
        commit(&tree, &format!("version {version}"));
    }
    let encoded = base64_line(&format!("password: {}\n", gitlab_pat(300)));
    tree.write("k8s/secret.yaml", format!("data:\n  config: {encoded}\n"));
    let utf16: Vec<u8> = format!("key = '{}'\n", gitlab_pat(301))
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(tree.path().join("wide.txt"), utf16).unwrap();
    std::fs::write(tree.path().join("logo.bin"), b"\x89PNG\0\0\x01binary").unwrap();
    tree.write(
        "big.lfs",
        "version https://git-lfs.github.com/spec/v1\noid sha256:00\nsize 1\n",
    );
    std::os::unix::fs::symlink("config.py", tree.path().join("link.py")).unwrap();
    commit(&tree, "encoded and odd files");
    git(tree.path(), &["checkout", "-q", "-b", "side"]);
    tree.write("side.env", format!("TOKEN={}\n", gitlab_pat(400)));
    commit(&tree, "side branch");
    git(tree.path(), &["tag", "v1"]);
    git(tree.path(), &["checkout", "-q", "main"]);
    let dangling = tree.write("dangling.txt", format!("{}\n", gitlab_pat(500)));
    git(
        tree.path(),
        &["hash-object", "-w", dangling.to_str().unwrap()],
    );
    std::fs::remove_file(dangling).unwrap();
    git(tree.path(), &["repack", "-adq", "--depth=50"]);
    // One more commit after the pack, so loose objects are read too.
    tree.write("late.py", format!("TOKEN = '{}'\n", gitlab_pat(600)));
    commit(&tree, "after the pack");
    tree
}

fn base64_line(text: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The JSON report of a history scan through the library.
fn library_scan(
    dir: &Path,
    options: &leakhound::source::git::GitOptions,
    max_file_size: u64,
) -> String {
    library_scan_with(dir, options, max_file_size, true)
}

/// The JSON report of a history scan through the library, every location
/// of every confidence, with or without the block memo.
fn library_scan_with(
    dir: &Path,
    options: &leakhound::source::git::GitOptions,
    max_file_size: u64,
    memo: bool,
) -> String {
    use leakhound::report::{Format, ReportOptions};
    let rules = leakhound::rules::RuleSet::builtin().unwrap();
    let engine = leakhound::matcher::Engine::new(&rules, Default::default());
    let repo = leakhound::source::git::open(dir).unwrap().unwrap();
    let mut source = leakhound::source::git::HistorySource::new(repo, options.clone());
    let suppression = leakhound::suppress::Suppression {
        min_confidence: leakhound::rules::Confidence::Low,
        ..Default::default()
    };
    let outcome =
        leakhound::scan::scan_source(&engine, &suppression, max_file_size, memo, &mut source)
            .unwrap();
    let mut out = Vec::new();
    let report = ReportOptions::new(Format::Json, false);
    leakhound::report::write(&mut out, report, &outcome).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn one_pass_over_the_packs_finds_what_reading_blobs_one_by_one_finds() {
    use leakhound::source::git::GitOptions;
    let tree = packed_history();
    for (all_objects, no_dedup, max_file_size) in [
        (false, false, 64 << 20),
        (true, false, 64 << 20),
        (false, true, 64 << 20),
        (false, false, 1000),
    ] {
        let options = GitOptions {
            all_objects,
            no_dedup,
            ..GitOptions::default()
        };
        let fast = library_scan(tree.path(), &options, max_file_size);
        let plain = library_scan(
            tree.path(),
            &GitOptions {
                read_one_by_one: true,
                ..options.clone()
            },
            max_file_size,
        );
        assert_eq!(
            fast, plain,
            "all_objects {all_objects}, no_dedup {no_dedup}"
        );
        let json: serde_json::Value = serde_json::from_str(&fast).unwrap();
        assert!(findings(&json).len() >= 8, "{fast}");
    }
}

/// A history whose files are long and edited a little at a time, the shape
/// the block memo is for: secrets in plain text, in generic assignments,
/// base64 (on one line and wrapped), escaped and percent-encoded, a secret
/// split over two lines, edits that only move or delete lines, and blocks
/// shared between files.
fn edited_history() -> Tree {
    let tree = repo();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    let mut lines: Vec<String> = (0..400)
        .map(|i| {
            format!(
                "    let value_{i} = compute(\"item {i}\", {}); // step\n",
                i * 7
            )
        })
        .collect();
    let wrapped = base64_wrapped(&format!(
        "user: deploy\npassword: {}\nendpoint: https://db.internal\n",
        gitlab_pat(701)
    ));
    for version in 0..36u64 {
        let at = next(lines.len() as u64) as usize;
        match version % 9 {
            0 => lines.insert(at, format!("TOKEN = '{}'\n", gitlab_pat(710 + version))),
            1 => lines.insert(
                at,
                format!("db_password = \"Xq7{}vR9tLw2\"\n", version * 13),
            ),
            2 => lines.insert(
                at,
                format!(
                    "blob = \"{}\"\n",
                    base64_line(&format!("token={}", github_classic(version)))
                ),
            ),
            3 => lines.insert(at, wrapped.clone()),
            4 => lines.insert(
                at,
                format!("msg = \"key:\\n{}\\u0021\"\n", gitlab_pat(720 + version)),
            ),
            5 => lines.insert(
                at,
                format!("url = \"https%3A%2F%2Fx%3A{}%40h\"\n", gitlab_pat(730)),
            ),
            6 => {
                let tail = lines.split_off(at);
                lines.splice(0..0, tail);
            }
            7 => {
                lines.remove(at);
            }
            _ => lines.insert(
                at,
                format!(
                    "AC{:032x}\nauth_token = '{:032x}'\n",
                    version * 0x1234_5678_9abc,
                    u128::from(version) * 0xfedc_ba98_7654_3210 + 0x0a1b_2c3d
                ),
            ),
        }
        let text = lines.concat();
        tree.write("src/app.rs", &text);
        // The same blocks in another file, from another offset.
        tree.write(
            "vendor/copy.rs",
            format!("// copy\n{}", &text[text.len() / 3..]),
        );
        commit(&tree, &format!("edit {version}"));
    }
    git(tree.path(), &["repack", "-adq", "--depth=50"]);
    tree
}

/// Base64 of `text`, wrapped at 64 characters as PEM does.
fn base64_wrapped(text: &str) -> String {
    let line = base64_line(text);
    let mut out = String::new();
    for chunk in line.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap());
        out.push('\n');
    }
    out
}

#[test]
fn the_block_memo_changes_no_finding_location_or_count() {
    use leakhound::source::git::GitOptions;
    let tree = edited_history();
    for (no_dedup, one_by_one) in [(false, false), (true, false), (false, true)] {
        let options = GitOptions {
            no_dedup,
            read_one_by_one: one_by_one,
            ..GitOptions::default()
        };
        let with_memo = library_scan_with(tree.path(), &options, 64 << 20, true);
        let without = library_scan_with(tree.path(), &options, 64 << 20, false);
        assert_eq!(
            with_memo, without,
            "no_dedup {no_dedup}, one by one {one_by_one}"
        );
        let json: serde_json::Value = serde_json::from_str(&with_memo).unwrap();
        assert!(findings(&json).len() >= 10, "{with_memo}");
        let decoded = findings(&json)
            .iter()
            .flat_map(|f| f["locations"].as_array().unwrap())
            .filter(|l| l.get("decoded").is_some())
            .count();
        assert!(decoded >= 3, "decoded secrets are found: {with_memo}");
    }
}
