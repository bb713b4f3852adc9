//! `scan --datastore`: re-scans read only what is new and report what a
//! fresh full scan reports (but `first_seen`); `--new-only`; a rules
//! change; concurrent runs; a crashed run; files that are not datastores;
//! `file://` targets.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::git::{commit, git, git_command};
use crate::util::{Tree, github_classic, gitlab_pat};

const DAY1: &str = "2025-01-01T00:00:00Z";
const DAY2: &str = "2025-01-02T00:00:00Z";
const DAY3: &str = "2025-01-03T00:00:00Z";

/// `leakhound scan --no-progress -f json ARGS` in `dir`, git isolated, the
/// run's time set to `now`.
fn scan_cmd(dir: &Path, now: &str, args: &[&str]) -> Command {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env("LEAKHOUND_DATASTORE_NOW", now)
        .args(["scan", "--no-progress", "-f", "json"])
        .args(args);
    cmd
}

fn json_of(output: &Output) -> (i32, Value) {
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr:\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().expect("exited"), json)
}

/// A scan of `target` with the datastore `store`.
fn scan(dir: &Path, store: &Path, target: &str, now: &str, extra: &[&str]) -> (i32, Value) {
    let store = store.to_str().expect("utf-8");
    let mut args = vec![target, "--datastore", store];
    args.extend_from_slice(extra);
    json_of(&scan_cmd(dir, now, &args).output().expect("runs"))
}

/// A fresh full scan, no datastore.
fn fresh(dir: &Path, target: &str, extra: &[&str]) -> Value {
    let mut args = vec![target];
    args.extend_from_slice(extra);
    json_of(&scan_cmd(dir, DAY1, &args).output().expect("runs")).1
}

fn ids(json: &Value) -> BTreeSet<String> {
    findings(json)
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

fn findings(json: &Value) -> Vec<Value> {
    json["findings"].as_array().expect("findings").clone()
}

/// The findings without their `first_seen`: what must equal a fresh scan.
fn without_first_seen(json: &Value) -> Vec<Value> {
    findings(json)
        .into_iter()
        .map(|mut f| {
            f.as_object_mut().expect("object").remove("first_seen");
            f
        })
        .collect()
}

fn inputs(json: &Value) -> u64 {
    json["summary"]["inputs_scanned"].as_u64().expect("count")
}

fn first_seen(json: &Value) -> Vec<(String, String)> {
    findings(json)
        .iter()
        .map(|f| {
            (
                f["id"].as_str().expect("id").to_owned(),
                f["first_seen"].as_str().expect("first_seen").to_owned(),
            )
        })
        .collect()
}

/// A repository with a secret in `ci.env` (three commits) and a work
/// directory beside it for the datastore.
fn history() -> (Tree, PathBuf) {
    let tree = crate::git::repo();
    tree.write("src/lib.rs", "fn main() {}\n");
    commit(&tree, "code");
    tree.write("ci.env", format!("DEPLOY_TOKEN={}\n", gitlab_pat(31)));
    commit(&tree, "deploy token");
    let store = tree.path().join(".git").join("leakhound.db");
    (tree, store)
}

/// A commit dated the next day: a new secret in `b.env`, the old secret
/// copied to `copy.env` (a known blob at a new path), `ci.env` deleted (the
/// old location leaves HEAD).
fn next_day_commit(tree: &Tree) {
    tree.write("b.env", format!("TOKEN={}\n", github_classic(32)));
    std::fs::copy(tree.path().join("ci.env"), tree.path().join("copy.env")).expect("copy");
    std::fs::remove_file(tree.path().join("ci.env")).expect("remove");
    git(tree.path(), &["add", "-A"]);
    let status = git_command(tree.path(), &["commit", "-q", "-m", "next day"])
        .env("GIT_AUTHOR_DATE", "2024-01-03T03:04:05+00:00")
        .env("GIT_COMMITTER_DATE", "2024-01-03T03:04:05+00:00")
        .status()
        .expect("git runs");
    assert!(status.success());
}

#[test]
fn a_second_run_with_no_change_reads_nothing_and_reports_the_same_findings() {
    let (tree, store) = history();
    let dir = tree.path();
    let (code, first) = scan(dir, &store, ".", DAY1, &[]);
    assert_eq!(code, 1);
    assert!(inputs(&first) >= 3, "{}", first["summary"]);
    let (code, second) = scan(dir, &store, ".", DAY2, &[]);
    assert_eq!(code, 1, "findings from the datastore still fail the scan");
    assert_eq!(inputs(&second), 0, "{}", second["summary"]);
    assert_eq!(without_first_seen(&second), without_first_seen(&first));
    assert_eq!(without_first_seen(&second), findings(&fresh(dir, ".", &[])));
    assert_eq!(first_seen(&second), first_seen(&first));
    assert!(first_seen(&first).iter().all(|(_, t)| t == DAY1));
    // The same repository however it is written: its git directory.
    let (_, third) = scan(dir, &store, ".git", DAY2, &[]);
    assert_eq!(inputs(&third), 0);
}

#[test]
fn a_new_commit_is_read_alone_and_matches_a_fresh_scan() {
    let (tree, store) = history();
    let dir = tree.path();
    let (_, first) = scan(dir, &store, ".", DAY1, &[]);
    next_day_commit(&tree);
    let (code, new) = scan(dir, &store, ".", DAY2, &["--new-only"]);
    assert_eq!(code, 1, "a new finding fails the scan");
    // The new blob, the known blob with a finding at its new path, and
    // the new commit's message.
    assert_eq!(inputs(&new), 3, "{}", new["summary"]);
    assert_eq!(new["summary"]["commits"], 1);
    let old_ids = ids(&first);
    let new_ids = ids(&new);
    assert_eq!(new_ids.len(), 1);
    assert!(new_ids.is_disjoint(&old_ids));
    assert_eq!(
        first_seen(&new),
        vec![(new_ids.iter().next().unwrap().clone(), DAY2.to_owned())]
    );
    let (code, all) = scan(dir, &store, ".", DAY3, &[]);
    assert_eq!(code, 1);
    assert_eq!(inputs(&all), 0);
    let full = fresh(dir, ".", &[]);
    assert_eq!(without_first_seen(&all), findings(&full));
    for (id, seen) in first_seen(&all) {
        let expected = if old_ids.contains(&id) { DAY1 } else { DAY2 };
        assert_eq!(seen, expected, "{id}");
    }
    // The old secret: introduced at ci.env (no longer in HEAD) and at
    // copy.env by the new commit, as the fresh scan says.
    let old = findings(&all)
        .into_iter()
        .find(|f| old_ids.contains(f["id"].as_str().unwrap()))
        .expect("old finding");
    let places: Vec<(&str, bool)> = old["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap(),
                l["git"]["in_head"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(places, vec![("ci.env", false), ("copy.env", true)]);
    let (code, none) = scan(dir, &store, ".", DAY3, &["--new-only"]);
    assert_eq!((code, findings(&none).len()), (0, 0));
}

#[test]
fn a_token_in_a_new_commit_message_is_found_and_kept() {
    let (tree, store) = history();
    let dir = tree.path();
    let (_, first) = scan(dir, &store, ".", DAY1, &[]);
    let token = github_classic(34);
    tree.write("notes.txt", "nothing here\n");
    commit(&tree, &format!("deploy fix\n\nused {token} to push"));
    let (code, new) = scan(dir, &store, ".", DAY2, &["--new-only"]);
    assert_eq!(code, 1, "{new}");
    assert_eq!(findings(&new).len(), 1, "{new}");
    assert_eq!(findings(&new)[0]["locations"][0]["path"], "commit message");
    let (_, all) = scan(dir, &store, ".", DAY3, &[]);
    assert_eq!(ids(&all).len(), ids(&first).len() + 1);
    assert_eq!(without_first_seen(&all), findings(&fresh(dir, ".", &[])));
}

#[test]
fn a_rules_change_scans_again() {
    let (tree, store) = history();
    let dir = tree.path();
    tree.write("b.env", format!("TOKEN={}\n", github_classic(33)));
    commit(&tree, "second secret");
    let (_, first) = scan(dir, &store, ".", DAY1, &[]);
    assert_eq!(ids(&first).len(), 2);
    let config = tree.path().join(".git").join("narrow.yml");
    std::fs::write(&config, "disable: [gitlab-pat]\n").expect("write");
    let config = config.to_str().unwrap();
    let (_, narrowed) = scan(dir, &store, ".", DAY2, &["--config", config]);
    assert_eq!(
        inputs(&narrowed),
        inputs(&first),
        "every blob is read again"
    );
    assert_eq!(
        without_first_seen(&narrowed),
        findings(&fresh(dir, ".", &["--config", config]))
    );
    assert_ne!(ids(&narrowed), ids(&first), "the rule is off");
    let (_, again) = scan(dir, &store, ".", DAY2, &["--config", config]);
    assert_eq!(inputs(&again), 0);
    // A finding keeps its first_seen across rules changes.
    let (_, back) = scan(dir, &store, ".", DAY3, &[]);
    assert_eq!(inputs(&back), inputs(&first));
    assert_eq!(first_seen(&back), first_seen(&first));
    // Options that change what is reported count too.
    let (_, low) = scan(dir, &store, ".", DAY3, &["--min-confidence", "low"]);
    assert_eq!(inputs(&low), inputs(&first));
    let (_, redacted) = scan(dir, &store, ".", DAY3, &["--redact"]);
    assert_eq!(inputs(&redacted), inputs(&first));
    let (_, redacted) = scan(dir, &store, ".", DAY3, &["--redact"]);
    assert_eq!(inputs(&redacted), 0);
    assert_eq!(
        without_first_seen(&redacted),
        findings(&fresh(dir, ".", &["--redact"]))
    );
}

#[test]
fn concurrent_runs_on_one_datastore_both_succeed() {
    let (tree, store) = history();
    let dir = tree.path();
    let s = store.to_str().unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            scan_cmd(dir, DAY1, &[".", "--datastore", s])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    let full = fresh(dir, ".", &[]);
    for child in children {
        let (code, json) = json_of(&child.wait_with_output().expect("waits"));
        assert_eq!(code, 1);
        assert_eq!(without_first_seen(&json), findings(&full));
    }
    let conn = rusqlite::Connection::open(&store).expect("opens");
    let check: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity check");
    assert_eq!(check, "ok");
    drop(conn);
    let (_, after) = scan(dir, &store, ".", DAY2, &[]);
    assert_eq!(inputs(&after), 0, "one of the runs recorded its work");
    assert_eq!(without_first_seen(&after), findings(&full));
}

#[test]
fn a_run_that_crashes_before_committing_leaves_the_datastore_as_it_was() {
    let (tree, store) = history();
    let dir = tree.path();
    let s = store.to_str().unwrap();
    // The first run crashes with its rows written but not committed: the
    // next one finds no record and scans everything.
    let crashed = scan_cmd(dir, DAY1, &[".", "--datastore", s])
        .env("LEAKHOUND_DATASTORE_CRASH_BEFORE_COMMIT", "1")
        .output()
        .expect("runs");
    assert_eq!(crashed.status.code(), None, "killed by SIGABRT");
    let (_, first) = scan(dir, &store, ".", DAY1, &[]);
    assert!(inputs(&first) >= 3);
    next_day_commit(&tree);
    let crashed = scan_cmd(dir, DAY2, &[".", "--datastore", s])
        .env("LEAKHOUND_DATASTORE_CRASH_BEFORE_COMMIT", "1")
        .output()
        .expect("runs");
    assert_eq!(crashed.status.code(), None, "killed by SIGABRT");
    let (code, redone) = scan(dir, &store, ".", DAY3, &[]);
    assert_eq!(code, 1);
    // Two blobs and the new commit's message.
    assert_eq!(inputs(&redone), 3, "the crashed run's work is done again");
    assert_eq!(without_first_seen(&redone), findings(&fresh(dir, ".", &[])));
    let new: Vec<String> = first_seen(&redone)
        .into_iter()
        .filter(|(id, _)| !ids(&first).contains(id))
        .map(|(_, t)| t)
        .collect();
    assert_eq!(
        new,
        vec![DAY3.to_owned()],
        "the crashed run recorded nothing"
    );
}

#[test]
fn a_file_that_is_not_a_datastore_is_refused() {
    let (tree, _) = history();
    let dir = tree.path();
    let stderr = |store: &Path| {
        let output = scan_cmd(dir, DAY1, &[".", "--datastore", store.to_str().unwrap()])
            .output()
            .expect("runs");
        assert_eq!(output.status.code(), Some(2));
        assert!(output.stdout.is_empty());
        String::from_utf8_lossy(&output.stderr).into_owned()
    };
    let text = tree.write(".git/notes.txt", "not a database\n");
    let said = stderr(&text);
    assert!(
        said.contains(&format!(
            "{} is not a leakhound datastore (not an SQLite database)",
            text.display()
        )),
        "{said}"
    );
    assert!(!said.contains("panicked"), "{said}");
    assert_eq!(std::fs::read(&text).unwrap(), b"not a database\n");

    let newer = tree.path().join(".git/newer.db");
    let conn = rusqlite::Connection::open(&newer).unwrap();
    conn.execute_batch("PRAGMA application_id = 1282099304; PRAGMA user_version = 99;")
        .unwrap();
    drop(conn);
    let said = stderr(&newer);
    assert!(
        said.contains("is a datastore of schema version 99"),
        "{said}"
    );
    assert!(said.contains(&newer.display().to_string()), "{said}");

    let other = tree.path().join(".git/other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t (x INTEGER);").unwrap();
    drop(conn);
    let said = stderr(&other);
    assert!(said.contains("another application"), "{said}");

    let output = scan_cmd(dir, DAY1, &["--staged", "--datastore", "x.db"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("--datastore records git histories"), "{said}");
}

#[cfg(unix)]
#[test]
fn the_datastore_is_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (tree, store) = history();
    scan(tree.path(), &store, ".", DAY1, &[]);
    let mode = std::fs::metadata(&store).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let secret = gitlab_pat(31);
    // Secrets are kept as the JSON report shows them; a redacted run keeps
    // none.
    let redacted = tree.path().join(".git/redacted.db");
    scan(tree.path(), &redacted, ".", DAY1, &["--redact"]);
    let conn = rusqlite::Connection::open(&redacted).unwrap();
    let mut all = String::new();
    for table in ["locations", "findings", "places", "repositories"] {
        let mut statement = conn.prepare(&format!("SELECT * FROM {table}")).unwrap();
        let columns = statement.column_count();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..columns {
                if let Ok(text) = row.get::<_, String>(i) {
                    all.push_str(&text);
                }
            }
        }
    }
    assert!(all.contains("[REDACTED]"));
    assert!(!all.contains(&secret));
}

#[test]
fn file_url_targets_use_the_datastore() {
    let (tree, _) = history();
    let work = Tree::new();
    let bare = work.path().join("mirror.git");
    git(
        work.path(),
        &[
            "clone",
            "-q",
            "--bare",
            tree.path().to_str().unwrap(),
            bare.to_str().unwrap(),
        ],
    );
    let url = format!("file://{}", bare.display());
    let store = work.path().join("store.db");
    let (code, first) = scan(work.path(), &store, &url, DAY1, &[]);
    assert_eq!(code, 1);
    assert!(inputs(&first) >= 3);
    let (code, second) = scan(work.path(), &store, &url, DAY2, &[]);
    assert_eq!(code, 1);
    assert_eq!(inputs(&second), 0);
    assert_eq!(
        without_first_seen(&second),
        findings(&fresh(work.path(), &url, &[]))
    );
    let repository = &findings(&second)[0]["locations"][0]["repository"];
    assert_eq!(repository.as_str(), Some(url.as_str()));
}

#[test]
fn an_older_dated_branch_and_a_rewritten_history_match_a_fresh_scan() {
    let (tree, store) = history();
    let dir = tree.path();
    scan(dir, &store, ".", DAY1, &[]);
    // A branch from the first commit whose commit, dated a day before the
    // recorded one, adds the same file: it now introduces that blob there.
    let secret_file = std::fs::read(dir.join("ci.env")).expect("read");
    git(dir, &["checkout", "-q", "-b", "older", "HEAD~2"]);
    std::fs::write(dir.join("ci.env"), &secret_file).expect("write");
    git(dir, &["add", "-A"]);
    let status = git_command(dir, &["commit", "-q", "-m", "older"])
        .env("GIT_AUTHOR_DATE", "2024-01-01T03:04:05+00:00")
        .env("GIT_COMMITTER_DATE", "2024-01-01T03:04:05+00:00")
        .status()
        .expect("git runs");
    assert!(status.success());
    let older = git(dir, &["rev-parse", "HEAD"]);
    git(dir, &["checkout", "-q", "main"]);
    let (_, branched) = scan(dir, &store, ".", DAY2, &[]);
    // The known blob, read again, and the new commit's message.
    assert_eq!(inputs(&branched), 2, "the known blob is read again");
    assert_eq!(
        without_first_seen(&branched),
        findings(&fresh(dir, ".", &[]))
    );
    let introduced = &findings(&branched)[0]["locations"][0]["git"]["commit"];
    assert_eq!(introduced.as_str(), Some(older.as_str()));
    // The branch is deleted: its commit is gone, the whole history is
    // scanned again and the record replaced.
    git(dir, &["branch", "-q", "-D", "older"]);
    let (_, rewritten) = scan(dir, &store, ".", DAY3, &[]);
    assert!(inputs(&rewritten) >= 3, "{}", rewritten["summary"]);
    assert_eq!(
        without_first_seen(&rewritten),
        findings(&fresh(dir, ".", &[]))
    );
    let (_, again) = scan(dir, &store, ".", DAY3, &[]);
    assert_eq!(inputs(&again), 0);
}

#[test]
fn several_targets_share_one_datastore_each_with_its_record() {
    let (a, _) = history();
    let b = crate::git::repo();
    b.write("b.env", format!("TOKEN={}\n", github_classic(34)));
    commit(&b, "b secret");
    let work = Tree::new();
    let store = work.path().join("store.db");
    let url = format!("file://{}", b.path().display());
    let a_path = a.path().to_str().unwrap();
    let both = [a_path, url.as_str()];
    let run = |now: &str, extra: &[&str]| {
        let s = store.to_str().unwrap();
        let mut args: Vec<&str> = both.to_vec();
        args.extend_from_slice(&["--datastore", s]);
        args.extend_from_slice(extra);
        json_of(&scan_cmd(work.path(), now, &args).output().expect("runs"))
    };
    let (code, first) = run(DAY1, &[]);
    assert_eq!(code, 1);
    assert_eq!(ids(&first).len(), 2);
    let (_, second) = run(DAY2, &[]);
    assert_eq!(inputs(&second), 0);
    assert_eq!(without_first_seen(&second), without_first_seen(&first));
    a.write("late.env", format!("TOKEN={}\n", gitlab_pat(35)));
    commit(&a, "late secret");
    let (code, new) = run(DAY3, &["--new-only"]);
    assert_eq!(code, 1);
    // The new blob and the new commit's message.
    assert_eq!(inputs(&new), 2);
    assert_eq!(ids(&new).len(), 1);
    assert!(ids(&new).is_disjoint(&ids(&first)));
    let repository = &findings(&new)[0]["locations"][0]["repository"];
    assert_eq!(repository.as_str(), Some(a_path));
}
