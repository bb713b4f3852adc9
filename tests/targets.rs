//! Many targets in one run: local repositories, `file://` URLs, lists,
//! failed targets, credentials in URLs, shards and `leakhound merge`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::git::git;
use crate::util::{Tree, github_classic, gitlab_pat, run_json};

/// A repository `name` under `parent`, one commit per file (fixed names
/// and dates).
fn repo_at(parent: &Tree, name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = parent.path().join(name);
    std::fs::create_dir_all(&dir).expect("mkdir");
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("README.md"), format!("# {name}\n")).expect("write");
    for (file, contents) in files {
        std::fs::write(dir.join(file), contents).expect("write");
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", &format!("add {file}")]);
    }
    dir
}

/// `leakhound` in `dir`, git configuration isolated (a clone runs git).
fn cmd(dir: &Path) -> Command {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .arg("scan")
        .arg("--no-progress");
    cmd
}

/// Three repositories: `a` and `b` share a secret, `c` has its own.
fn three() -> Tree {
    let parent = Tree::new();
    let shared = format!("TOKEN={}\n", github_classic(1));
    repo_at(&parent, "a", &[("a.env", shared.clone())]);
    repo_at(&parent, "b", &[("b.env", shared)]);
    repo_at(
        &parent,
        "c",
        &[("c.env", format!("TOKEN={}\n", gitlab_pat(2)))],
    );
    parent
}

fn locations(json: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["locations"].as_array().expect("locations"))
        .map(|l| {
            (
                l["repository"].as_str().unwrap_or("(none)").to_owned(),
                l["path"].as_str().expect("path").to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

fn ids(json: &Value) -> BTreeSet<String> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

#[test]
fn every_location_names_its_repository_local_and_file_url() {
    let parent = three();
    let url = format!("file://{}", parent.path().join("c").display());
    let (code, json) = run_json(cmd(parent.path()).args(["a", "b", &url, "-f", "json"]));
    assert_eq!(code, 1);
    assert_eq!(
        locations(&json),
        [
            ("a".to_owned(), "a.env".to_owned()),
            ("b".to_owned(), "b.env".to_owned()),
            (url.clone(), "c.env".to_owned()),
        ]
    );
    // One finding for the secret the two repositories share.
    assert_eq!(json["findings"].as_array().unwrap().len(), 2);
    assert_eq!(json["summary"]["targets"], 3);
    assert!(json["summary"].get("failed_targets").is_none());
}

#[test]
fn human_csv_and_sarif_name_the_repository() {
    let parent = three();
    let out = cmd(parent.path()).args(["a", "c"]).output().unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(human.contains("  a a.env:1:"), "{human}");
    assert!(human.contains("  c c.env:1:"), "{human}");

    let out = cmd(parent.path())
        .args(["a", "c", "-f", "csv"])
        .output()
        .unwrap();
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(csv.starts_with("repository,id,rule,"), "{csv}");
    assert!(csv.lines().any(|l| l.starts_with("c,")), "{csv}");

    let out = cmd(parent.path())
        .args(["a", "c", "-f", "html"])
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(
        html.contains("<th scope=\"col\">Repository</th>"),
        "a Repository column"
    );
    assert!(
        html.contains("<td class=\"repository\"><code>c</code></td>"),
        "{html}"
    );
    let out = cmd(&parent.path().join("a"))
        .args(["-f", "html"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Repository"));

    let (_, sarif) = run_json(cmd(parent.path()).args(["a", "c", "-f", "sarif"]));
    assert!(
        crate::util::sarif_errors(&sarif).is_empty(),
        "{:?}",
        crate::util::sarif_errors(&sarif)
    );
    let run = &sarif["runs"][0];
    let provenance = run["versionControlProvenance"]
        .as_array()
        .expect("provenance");
    assert_eq!(provenance.len(), 2);
    let base = |uri_end: &str| {
        provenance
            .iter()
            .find(|p| p["repositoryUri"].as_str().unwrap().ends_with(uri_end))
            .map(|p| p["mappedTo"]["uriBaseId"].as_str().unwrap().to_owned())
            .expect("a provenance entry")
    };
    let c = base("/c");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "c.env")
        .expect("c's result");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
        c.as_str()
    );
}

#[test]
fn targets_from_a_file_and_stdin() {
    let parent = three();
    parent.write("list.txt", "# the team's repositories\na\n\nc\n");
    let (code, json) =
        run_json(cmd(parent.path()).args(["--targets-from", "list.txt", "-f", "json"]));
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["targets"], 2);
    let mut stdin = cmd(parent.path());
    stdin
        .args(["--targets-from", "-", "-f", "json"])
        .stdin(std::fs::File::open(parent.path().join("list.txt")).unwrap());
    let (_, from_stdin) = run_json(&mut stdin);
    assert_eq!(locations(&json), locations(&from_stdin));
    assert_eq!(locations(&json)[0], ("a".to_owned(), "a.env".to_owned()));
}

#[test]
fn a_failed_target_is_reported_and_the_others_are_scanned() {
    let parent = three();
    // A repository whose objects are gone, and one that is not there.
    let broken = repo_at(&parent, "broken", &[("x.txt", "x\n".to_owned())]);
    std::fs::remove_dir_all(broken.join(".git/objects")).unwrap();
    std::fs::create_dir_all(broken.join(".git/objects")).unwrap();
    let missing = format!("file://{}", parent.path().join("nowhere").display());
    let out = cmd(parent.path())
        .args([
            "a",
            &missing,
            "broken",
            "c",
            "-f",
            "json",
            "-o",
            "report.json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nowhere"), "{stderr}");
    assert!(stderr.contains("could not be scanned"), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(parent.path().join("report.json")).unwrap())
            .unwrap();
    let repos: BTreeSet<String> = locations(&report).into_iter().map(|(r, _)| r).collect();
    assert_eq!(repos, BTreeSet::from(["a".to_owned(), "c".to_owned()]));
    let failed = report["summary"]["failed_targets"].as_array().unwrap();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(report["summary"]["targets"], 4);
}

#[test]
fn nothing_scanned_is_never_a_success() {
    let parent = Tree::new();
    parent.write("list.txt", "");
    let out = cmd(parent.path())
        .args(["--targets-from", "list.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no targets"));
    let out = cmd(parent.path())
        .args(["file:///nonexistent/one", "file:///nonexistent/two"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 of 2 targets could not be scanned"));
}

#[test]
fn credentials_in_a_url_are_never_shown() {
    let parent = three();
    let password = "pw-Zq8vX2mN4kR7";
    let url = format!("https://alice:{password}@127.0.0.1:9/org/repo.git");
    for format in ["json", "human", "sarif", "csv"] {
        let out = cmd(parent.path())
            .args(["a", &url, "-f", format, "-v"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains(password), "{all}");
        assert!(!all.contains("alice"), "{all}");
        assert!(
            all.contains("https://***@127.0.0.1:9/org/repo.git"),
            "{all}"
        );
    }
}

#[test]
fn no_progress_bars_when_stderr_is_not_a_terminal() {
    let parent = three();
    let mut scan = crate::util::leakhound();
    scan.current_dir(parent.path())
        .args(["scan", "a", "b", "c"]);
    let out = scan.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "only the summary: {stderr}");
    assert!(stderr.contains("leakhound: 3 targets: "), "{stderr}");
}

#[test]
fn one_path_is_scanned_as_before_without_a_repository_field() {
    let parent = three();
    let (_, json) = run_json(cmd(&parent.path().join("a")).args([".", "-f", "json"]));
    assert_eq!(
        locations(&json),
        [("(none)".to_owned(), "a.env".to_owned())]
    );
    assert!(json["summary"].get("targets").is_none());
}

/// Scans `args` as `shards` shards, merges their reports, and compares
/// with the unsharded scan.
fn shards_merge_to_the_whole(dir: &Path, args: &[&str], shards: u32) {
    let (_, whole) = run_json(cmd(dir).args(args).args(["-f", "json"]));
    assert!(!ids(&whole).is_empty());
    let mut reports = Vec::new();
    let mut sizes = Vec::new();
    for k in 1..=shards {
        let report = format!("shard-{k}.json");
        let out = cmd(dir)
            .args(args)
            .args([
                "-f",
                "json",
                "-o",
                &report,
                "--shard",
                &format!("{k}/{shards}"),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.code() != Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let part: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(&report)).unwrap()).unwrap();
        sizes.push(ids(&part).len());
        reports.push(report);
    }
    assert!(
        sizes.iter().filter(|&&n| n > 0).count() > 1,
        "the shards split the work: {sizes:?}"
    );
    let mut merge = crate::util::leakhound();
    merge.current_dir(dir).arg("merge").args(&reports);
    let (code, merged) = run_json(&mut merge);
    assert_eq!(code, 1);
    assert_eq!(ids(&merged), ids(&whole));
    assert_eq!(locations(&merged), locations(&whole));
    assert_eq!(merged["summary"]["findings"], whole["summary"]["findings"]);
    assert_eq!(
        merged["summary"]["inputs_scanned"],
        whole["summary"]["inputs_scanned"]
    );
    // Deterministic: the same reports in another order give the same bytes.
    reports.reverse();
    let mut again = crate::util::leakhound();
    again.current_dir(dir).arg("merge").args(&reports);
    let (_, merged_again) = run_json(&mut again);
    assert_eq!(merged, merged_again);
}

#[test]
fn merged_target_shards_equal_the_unsharded_scan() {
    let parent = Tree::new();
    let mut names = Vec::new();
    for i in 0..8u64 {
        let name = format!("repo-{i}");
        repo_at(
            &parent,
            &name,
            &[("k.env", format!("TOKEN={}\n", gitlab_pat(100 + i)))],
        );
        names.push(name);
    }
    parent.write("list.txt", names.join("\n"));
    shards_merge_to_the_whole(parent.path(), &["--targets-from", "list.txt"], 3);
}

#[test]
fn merged_blob_shards_of_one_repository_equal_the_unsharded_scan() {
    let parent = Tree::new();
    let files: Vec<(String, String)> = (0..12u64)
        .map(|i| {
            (
                format!("f{i}.env"),
                format!("TOKEN={}\n", gitlab_pat(200 + i)),
            )
        })
        .collect();
    let files: Vec<(&str, String)> = files.iter().map(|(f, c)| (f.as_str(), c.clone())).collect();
    let big = repo_at(&parent, "big", &files);
    // One secret in several versions of a file: the scan reports the
    // earliest, whichever shards the versions' blobs fall in.
    for n in 0..4 {
        std::fs::write(
            big.join("f0.env"),
            format!("TOKEN={}\nN={n}\n", gitlab_pat(200)),
        )
        .unwrap();
        git(&big, &["commit", "-qam", &format!("edit {n}")]);
    }
    let url = format!("file://{}", parent.path().join("big").display());
    shards_merge_to_the_whole(parent.path(), &[&url], 3);
}

#[test]
fn merge_refuses_what_is_not_a_report_and_writes_owner_only() {
    let parent = three();
    parent.write("junk.json", "not a report\n");
    let out = crate::util::leakhound()
        .current_dir(parent.path())
        .args(["merge", "junk.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.json"));

    let out = cmd(parent.path())
        .args(["a", "c", "-f", "jsonl", "-o", "a.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = crate::util::leakhound()
        .current_dir(parent.path())
        .args([
            "merge", "a.jsonl", "a.jsonl", "-f", "jsonl", "-o", "m.jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(parent.path().join("m.jsonl")).unwrap(),
        std::fs::read_to_string(parent.path().join("a.jsonl")).unwrap()
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(parent.path().join("m.jsonl"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
