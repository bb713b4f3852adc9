//! `leakhound import gitleaks|detect-secrets`: another tool's suppressions
//! become leakhound's, and the next scan hides what they hid.

use std::path::Path;

use sha1::{Digest, Sha1};

use crate::git::{commit, repo};
use crate::util::{ALNUM, Rng, Tree, github_classic, gitlab_pat, run_json};

/// The paths of the findings' locations of a scan of `dir`, sorted.
fn scanned_paths(dir: &Path, extra: &[&str]) -> Vec<String> {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .args(["scan", ".", "-f", "json", "--no-progress"])
        .args(extra);
    let (_, json) = run_json(&mut cmd);
    let mut paths: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .flat_map(|f| f["locations"].as_array().expect("locations").clone())
        .map(|l| l["path"].as_str().expect("path").to_owned())
        .collect();
    paths.sort();
    paths
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn import(dir: &Path, args: &[&str]) -> Run {
    let output = crate::util::leakhound()
        .current_dir(dir)
        .arg("import")
        .args(args)
        .output()
        .expect("leakhound runs");
    let run = Run {
        code: output.status.code().expect("exited"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

/// Asserts that none of `secrets` is in the outputs or the files written.
fn assert_no_secret(run: &Run, dir: &Path, files: &[&str], secrets: &[&str]) {
    for secret in secrets {
        assert!(!run.stdout.contains(secret), "secret on stdout");
        assert!(!run.stderr.contains(secret), "secret on stderr");
        for file in files {
            assert!(!read(dir, file).contains(secret), "secret in {file}");
        }
    }
}

fn sha1_hex(text: &str) -> String {
    Sha1::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const GITLEAKS_CONFIG: &str = r#"title = "team config"

[allowlist]
description = "generated code"
paths = [
  '''(^|/)generated/''',
  '''\Qbuild\E''',
]
regexes = ['''^ghp_''']
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[allowlists]]
description = "sandbox tokens"
stopwords = ["sandbox"]

[[rules]]
id = "gitlab-pat"
regex = '''glpat-[0-9a-zA-Z_\-]{20}'''
[rules.allowlist]
paths = ['''^deploy/''']
"#;

#[test]
fn gitleaks_config_allowlists_map_and_the_rest_is_reported() {
    let tree = Tree::new();
    let sandbox = format!("glpat-sandbox{}", Rng::new(103).string(ALNUM, 13));
    let secrets = [
        gitlab_pat(101),
        github_classic(102),
        sandbox,
        gitlab_pat(104),
    ];
    tree.write("generated/client.py", format!("TOKEN = '{}'\n", secrets[0]));
    tree.write("src/config.py", format!("GITHUB = '{}'\n", secrets[1]));
    tree.write("src/ci.env", format!("CI_TOKEN={}\n", secrets[2]));
    tree.write("deploy/run.py", format!("TOKEN = '{}'\n", secrets[3]));
    tree.write(".gitleaks.toml", GITLEAKS_CONFIG);
    let mine = "# ours\nmin_confidence: medium  # keep this\n";
    tree.write(".leakhound.yml", mine);
    assert_eq!(scanned_paths(tree.path(), &[]).len(), 4);

    let dry = import(tree.path(), &["gitleaks", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(
        read(tree.path(), ".leakhound.yml"),
        mine,
        "dry run writes nothing"
    );
    assert!(dry.stdout.contains("path_regexes:"), "{}", dry.stdout);

    let run = import(tree.path(), &["gitleaks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let config = read(tree.path(), ".leakhound.yml");
    assert_eq!(
        config,
        format!(
            "{mine}allowlist:\n  path_regexes:\n    - '(^|/)generated/'  # gitleaks .gitleaks.toml:6: generated code\n  \
             regexes:\n    - '^ghp_'  # gitleaks .gitleaks.toml:9: generated code\n  \
             stopwords:\n    - 'sandbox'  # gitleaks .gitleaks.toml:14: sandbox tokens\n"
        )
    );
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("leakhound: skipped"))
        .collect();
    assert_eq!(skipped.len(), 4, "{}", run.stderr);
    assert!(skipped[0].starts_with(
        "leakhound: skipped .gitleaks.toml:7: path regex '\\Qbuild\\E': not valid in leakhound's regex syntax"
    ));
    assert!(
        skipped[1].starts_with("leakhound: skipped .gitleaks.toml:10: commit 0123456789abcdef")
    );
    assert!(skipped[1].contains("no commit allowlist"));
    assert!(
        skipped[2].starts_with("leakhound: skipped .gitleaks.toml:16: gitleaks rule 'gitlab-pat'")
    );
    assert!(skipped[3].starts_with(
        "leakhound: skipped .gitleaks.toml:19: allowlist of gitleaks rule 'gitlab-pat'"
    ));
    assert!(
        run.stderr
            .contains("leakhound: 3 imported, 4 skipped, 0 unmatched; wrote"),
        "{}",
        run.stderr
    );
    assert_no_secret(
        &run,
        tree.path(),
        &[".leakhound.yml"],
        &secrets.each_ref().map(String::as_str),
    );

    // The per-rule allowlist was not imported: deploy/ is still reported.
    assert_eq!(scanned_paths(tree.path(), &[]), ["deploy/run.py"]);

    // Again: nothing new, the file is left as it is.
    let again = import(tree.path(), &["gitleaks"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(read(tree.path(), ".leakhound.yml"), config);
    assert!(again.stderr.contains("0 imported"), "{}", again.stderr);
}

#[test]
fn gitleaksignore_entries_of_git_and_directory_scans_become_fingerprints() {
    let tree = repo();
    let secrets = [gitlab_pat(110), gitlab_pat(111), gitlab_pat(112)];
    tree.write(
        "config.py",
        format!("# settings\nTOKEN = '{}'\n", secrets[0]),
    );
    let added = commit(&tree, "add config");
    tree.write("config.py", "# settings\nTOKEN = os.environ['TOKEN']\n");
    commit(&tree, "token from the environment");
    tree.write("other.env", format!("DEPLOY={}\n", secrets[1]));
    tree.write("keep.py", format!("\n\nKEY = '{}'\n", secrets[2]));
    commit(&tree, "more");
    let before = scanned_paths(tree.path(), &[]);
    assert_eq!(before, ["config.py", "keep.py", "other.env"]);

    tree.write(
        ".gitleaksignore",
        format!(
            "# triaged with gitleaks\n{added}:config.py:gitlab-pat:2\nother.env:generic-api-key:1\n\
             gone.py:gitlab-pat:9\n"
        ),
    );
    let existing = "# already here\n0123456789abcdef01234567\n";
    tree.write(".leakhoundignore", existing);

    let dry = import(tree.path(), &["gitleaks", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(read(tree.path(), ".leakhoundignore"), existing);
    assert!(
        dry.stdout.contains(".leakhoundignore (updated)"),
        "{}",
        dry.stdout
    );

    let run = import(tree.path(), &["gitleaks"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let ignore = read(tree.path(), ".leakhoundignore");
    assert!(ignore.starts_with(existing), "{ignore}");
    let added_lines: Vec<&str> = ignore[existing.len()..].lines().collect();
    assert_eq!(added_lines.len(), 3, "{ignore}");
    assert!(added_lines[1].contains(&format!(
        "# gitleaks .gitleaksignore:2 {added}:config.py:gitlab-pat:2"
    )));
    assert!(added_lines[2].contains("# gitleaks .gitleaksignore:3 other.env:generic-api-key:1"));
    assert!(
        run.stderr.contains(
            "leakhound: unmatched .gitleaksignore:4: gone.py:gitlab-pat:9: leakhound finds nothing at gone.py:9"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 imported, 0 skipped, 1 unmatched"),
        "{}",
        run.stderr
    );
    assert_no_secret(
        &run,
        tree.path(),
        &[".leakhoundignore"],
        &secrets.each_ref().map(String::as_str),
    );

    // Exactly those two are hidden now, in the history and in the files.
    assert_eq!(scanned_paths(tree.path(), &[]), ["keep.py"]);
    assert_eq!(scanned_paths(tree.path(), &["--no-git"]), ["keep.py"]);
}

#[test]
fn detect_secrets_baseline_becomes_a_leakhound_baseline() {
    let tree = Tree::new();
    let secrets = [
        gitlab_pat(120),
        github_classic(121),
        gitlab_pat(122),
        gitlab_pat(123),
    ];
    tree.write("app/settings.py", format!("\n\nTOKEN = '{}'\n", secrets[0]));
    tree.write("ci.env", format!("GH={}\n", secrets[1]));
    tree.write("prod.env", format!("DEPLOY={}\n", secrets[2]));
    tree.write("keep.py", format!("KEY = '{}'\n", secrets[3]));
    let entry = |secret: &str, line: u64, is_secret: Option<bool>| {
        let mut entry = serde_json::json!({
            "type": "Secret Keyword",
            "hashed_secret": sha1_hex(secret),
            "is_verified": false,
            "line_number": line,
        });
        if let Some(real) = is_secret {
            entry["is_secret"] = real.into();
        }
        entry
    };
    let baseline = serde_json::json!({
        "version": "1.5.0",
        "plugins_used": [{"name": "GitLabTokenDetector"}],
        "filters_used": [],
        "results": {
            // The line moved since: the hash still matches.
            "app/settings.py": [entry(&secrets[0], 1, None)],
            "./ci.env": [entry(&secrets[1], 1, Some(false))],
            "prod.env": [entry(&secrets[2], 1, Some(true))],
            "gone.py": [entry("not-in-the-tree", 4, None)],
        },
        "generated_at": "2024-01-02T03:04:05Z",
    });
    tree.write(
        ".secrets.baseline",
        serde_json::to_string_pretty(&baseline).unwrap(),
    );

    let dry = import(tree.path(), &["detect-secrets", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(!tree.path().join("leakhound-baseline.json").exists());
    assert!(
        dry.stdout.contains("\"tool\": \"leakhound\""),
        "{}",
        dry.stdout
    );

    let run = import(tree.path(), &["detect-secrets"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("leakhound: real secret .secrets.baseline: prod.env:1: Secret Keyword"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("leakhound: unmatched .secrets.baseline: gone.py:4"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("2 imported, 0 skipped, 1 unmatched, 1 real secrets left out"),
        "{}",
        run.stderr
    );
    let written: serde_json::Value =
        serde_json::from_str(&read(tree.path(), "leakhound-baseline.json")).unwrap();
    let paths: Vec<&str> = written["fingerprints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["app/settings.py", "ci.env"]);
    assert_no_secret(
        &run,
        tree.path(),
        &["leakhound-baseline.json"],
        &secrets.each_ref().map(String::as_str),
    );

    // The detect-secrets baseline's own hashes look like secrets to the
    // generic rules: the import says so.
    assert!(
        run.stderr
            .contains("note: leakhound finds 4 location(s) in .secrets.baseline itself"),
        "{}",
        run.stderr
    );
    tree.write(
        ".leakhound.yml",
        "allowlist:\n  paths: ['.secrets.baseline']\n",
    );
    assert_eq!(
        scanned_paths(tree.path(), &["--baseline", "leakhound-baseline.json"]),
        ["keep.py", "prod.env"]
    );

    // Asked for, the audited real secret is baselined too; the entries
    // already there are kept.
    let run = import(tree.path(), &["detect-secrets", "--include-real-secrets"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("1 imported, 2 skipped, 1 unmatched"),
        "{}",
        run.stderr
    );
    assert_eq!(
        scanned_paths(tree.path(), &["--baseline", "leakhound-baseline.json"]),
        ["keep.py"]
    );
}

#[test]
fn malformed_input_is_an_error_naming_file_and_line() {
    let tree = Tree::new();
    tree.write(
        ".gitleaks.toml",
        "[allowlist]\npaths = ['''a/''',\nregexes = 3\n",
    );
    let run = import(tree.path(), &["gitleaks"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains(".gitleaks.toml:3:"), "{}", run.stderr);
    assert!(run.stderr.contains("not valid TOML"), "{}", run.stderr);

    tree.write(".gitleaks.toml", "[allowlist]\n\nstopwords = \"one\"\n");
    let run = import(tree.path(), &["gitleaks"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".gitleaks.toml:3: stopwords must be an array of strings"),
        "{}",
        run.stderr
    );

    std::fs::remove_file(tree.path().join(".gitleaks.toml")).unwrap();
    tree.write(".gitleaksignore", "# ok\nsrc/a.py:rule:twelve\n");
    let run = import(tree.path(), &["gitleaks"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(".gitleaksignore:2: 'twelve' is not a line number"),
        "{}",
        run.stderr
    );

    tree.write(
        ".secrets.baseline",
        "{\n  \"results\": {\n    \"a.py\": [,]\n  }\n}\n",
    );
    let run = import(tree.path(), &["detect-secrets"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(".secrets.baseline:3:"),
        "{}",
        run.stderr
    );

    let run = import(
        tree.path(),
        &["detect-secrets", "--baseline", "missing.json"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot read missing.json"),
        "{}",
        run.stderr
    );

    assert!(!tree.path().join(".leakhound.yml").exists());
    assert!(!tree.path().join(".leakhoundignore").exists());
}
