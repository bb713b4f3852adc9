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
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!(
        "a: {} b: {}\n",
        gitlab_pat(60),
        gitlab_pat(61)
    ));
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

/// The stdout of a scan of `tree` in `format`, with `extra` arguments.
fn report(tree: &Tree, format: &str, extra: &[&str]) -> String {
    let output = tree
        .cmd()
        .args(["scan", ".", "--no-progress", "-q", "-f", format])
        .args(extra)
        .output()
        .expect("leakhound runs");
    assert_eq!(output.status.code(), Some(1), "{format} {extra:?}");
    String::from_utf8(output.stdout).expect("UTF-8 report")
}

/// The location fingerprint of `secret` in a JSON report.
fn fingerprint_of(json: &serde_json::Value, secret: &str) -> String {
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["secret"] == secret)
        .unwrap_or_else(|| panic!("no finding of {secret}"));
    finding["locations"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Lines holding a reported secret beside others: one reported too, one
/// below the minimum confidence, one path-allowlisted for its rule, one
/// ignored by fingerprint. Returns the tree, the reported secrets and the
/// secrets that are not reported.
fn crowded_lines() -> (Tree, Vec<String>, Vec<String>) {
    let tree = Tree::new();
    let (t1, t2) = (github_classic(100), github_classic(101));
    let (low, g1) = ("zqvtkwmr".to_owned(), gitlab_pat(102));
    let (g2, allowed) = (gitlab_pat(103), github_classic(104));
    let (g3, ignored) = (gitlab_pat(105), github_classic(106));
    tree.write(
        ".leakhound.yml",
        "rules:\n- id: low-one\n  name: Low\n  regex: 'key=(?P<secret>[a-z]{8})'\n  keywords: [key]\n  confidence: low\nrule_allowlists:\n  github-pat-classic:\n    paths: ['allowed.env']\n",
    );
    tree.write("two.env", format!("A={t1} B={t2}\n"));
    tree.write("low.env", format!("A={g1} key={low}\n"));
    tree.write("allowed.env", format!("A={g2} B={allowed}\n"));
    tree.write("ignored.env", format!("A={g3} B={ignored}\n"));
    let json: serde_json::Value = serde_json::from_str(&report(&tree, "json", &[])).unwrap();
    tree.write(".leakhoundignore", fingerprint_of(&json, &ignored) + "\n");
    (tree, vec![t1, t2, g1, g2, g3], vec![low, allowed, ignored])
}

#[test]
fn every_secret_on_a_reported_line_is_masked_in_every_format() {
    let (tree, reported, hidden) = crowded_lines();
    let all: Vec<&String> = reported.iter().chain(&hidden).collect();
    for format in ["human", "sarif", "html"] {
        let text = report(&tree, format, &[]);
        for secret in &all {
            assert!(!text.contains(secret.as_str()), "{format} shows {secret}");
        }
        assert!(
            text.contains(&reported[1][..8]),
            "{format}: masked, not left out"
        );
    }
    for format in ["json", "jsonl", "csv"] {
        let text = report(&tree, format, &[]);
        for secret in &hidden {
            assert!(!text.contains(secret.as_str()), "{format} shows {secret}");
        }
        for secret in &reported {
            assert!(
                text.contains(secret.as_str()),
                "{format}: `secret` is in full"
            );
        }
    }
    // Each snippet of a report for tools may show its own secret, no other.
    let json: serde_json::Value = serde_json::from_str(&report(&tree, "json", &[])).unwrap();
    for finding in json["findings"].as_array().unwrap() {
        let snippet = finding["locations"][0]["snippet"].as_str().unwrap();
        assert!(snippet.contains(finding["secret"].as_str().unwrap()));
        for secret in all.iter().filter(|s| finding["secret"] != s.as_str()) {
            assert!(
                !snippet.contains(secret.as_str()),
                "{snippet} shows {secret}"
            );
        }
    }
    for format in ["human", "json", "jsonl", "csv", "sarif", "html"] {
        let text = report(&tree, format, &["--redact"]);
        for secret in &all {
            assert!(
                !text.contains(secret.as_str()),
                "{format} --redact shows {secret}"
            );
        }
    }
}

/// A repository whose file name holds the secret in it, whose commit
/// message quotes a secret suppressed inline elsewhere, and whose author
/// name holds another. Returns the tree and those secrets.
fn leaky_names() -> (Tree, Vec<String>) {
    let tree = repo();
    let (named, quoted, allowed, author) = (
        github_classic(110),
        gitlab_pat(111),
        gitlab_pat(112),
        gitlab_pat(113),
    );
    tree.write(&format!("leak_{named}.txt"), format!("token={named}\n"));
    tree.write("a.env", format!("T={quoted}\n"));
    tree.write("b.env", format!("U={allowed} # leakhound:allow\n"));
    tree.write("c.env", format!("V={author} # leakhound:allow\n"));
    crate::git::git(tree.path(), &["add", "-A"]);
    let message = format!("add {quoted} and {allowed}");
    let by = format!("Ada {author} <ada@example.org>");
    crate::git::git(
        tree.path(),
        &["commit", "-q", "-m", &message, "--author", &by],
    );
    (tree, vec![named, quoted, allowed, author])
}

/// `text` without the SARIF artifact URIs (which keep paths as they are).
fn without_uris(sarif: &str) -> (String, Vec<String>) {
    let mut json: serde_json::Value = serde_json::from_str(sarif).unwrap();
    let mut uris = Vec::new();
    for result in json["runs"][0]["results"].as_array_mut().unwrap() {
        let artifact = &mut result["locations"][0]["physicalLocation"]["artifactLocation"];
        uris.push(artifact["uri"].as_str().unwrap().to_owned());
        artifact["uri"] = "".into();
    }
    (json.to_string(), uris)
}

#[test]
fn secrets_in_file_names_and_commits_are_masked() {
    let (tree, secrets) = leaky_names();
    let named = &secrets[0];
    for format in ["human", "html", "sarif"] {
        let mut text = report(&tree, format, &[]);
        if format == "sarif" {
            let (rest, uris) = without_uris(&text);
            assert!(uris.contains(&format!("leak_{named}.txt")), "{uris:?}");
            text = rest;
        }
        for secret in &secrets {
            assert!(!text.contains(secret.as_str()), "{format} shows {secret}");
        }
        if format != "sarif" {
            assert!(
                text.contains("leak_ghp_"),
                "{format}: the path is still there"
            );
        }
    }
    for format in ["human", "json", "jsonl", "csv", "sarif", "html"] {
        let text = report(&tree, format, &["--redact"]);
        for secret in &secrets {
            assert!(
                !text.contains(secret.as_str()),
                "{format} --redact shows {secret}"
            );
        }
    }
    let sarif = report(&tree, "sarif", &["--redact"]);
    assert!(sarif.contains("leak_%5BREDACTED%5D.txt"), "{sarif}");
    // For tools: the path as it is, the finding's own secret in its commit
    // message, every other secret masked there.
    let json: serde_json::Value = serde_json::from_str(&report(&tree, "json", &[])).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let quoted = findings.iter().find(|f| f["secret"] == secrets[1]).unwrap();
    let git = &quoted["locations"][0]["git"];
    let summary = git["summary"].as_str().unwrap();
    assert!(
        summary.contains(&secrets[1]) && !summary.contains(&secrets[2]),
        "{summary}"
    );
    assert!(!git["author"].as_str().unwrap().contains(&secrets[3]));
    let paths: Vec<&str> = findings
        .iter()
        .map(|f| f["locations"][0]["path"].as_str().unwrap())
        .collect();
    assert!(
        paths.contains(&format!("leak_{named}.txt").as_str()),
        "{paths:?}"
    );
}

/// The names in a directory.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(unix)]
#[test]
fn report_files_replace_the_path_never_what_it_points_to() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::new();
    tree.write("src/a.env", format!("TOKEN={}\n", gitlab_pat(120)));
    let out = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

    // A file anyone can read, there before: replaced by an owner-only one.
    let open = out.path().join("open.json");
    std::fs::write(&open, "old").unwrap();
    std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).unwrap();
    let status = tree
        .cmd()
        .args(["scan", "src", "-q", "-f", "json", "-o"])
        .arg(&open)
        .status();
    assert_eq!(status.unwrap().code(), Some(1));
    assert_eq!(mode(&open), 0o600, "the old file's mode is not kept");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&open).unwrap()).unwrap();
    assert_eq!(json["summary"]["findings"], 1);

    // A symlink at the path: the link is replaced, its target untouched.
    let victim = out.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    for (command, name) in [
        ("scan", "linked.json"),
        ("baseline", "linked-baseline.json"),
    ] {
        let link = out.path().join(name);
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let status = tree
            .cmd()
            .args([command, "src", "-q", "-o"])
            .arg(&link)
            .status();
        assert!(matches!(status.unwrap().code(), Some(0 | 1)), "{command}");
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "precious",
            "{command}"
        );
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(
            meta.file_type().is_file(),
            "{command}: a file, not the link"
        );
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    }

    // A directory at the path is an error that says so.
    let dir = out.path().join("dir.json");
    std::fs::create_dir(&dir).unwrap();
    let output = tree
        .cmd()
        .args(["scan", "src", "-q", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("it is a directory"), "{stderr}");
    assert_eq!(
        names(out.path()),
        [
            "dir.json",
            "linked-baseline.json",
            "linked.json",
            "open.json",
            "victim.txt"
        ],
        "no temporary file left"
    );
}

#[test]
fn the_report_being_written_is_not_scanned() {
    let tree = Tree::new();
    tree.write("a.env", format!("TOKEN={}\n", gitlab_pat(121)));
    // What an interrupted run of an older leakhound could have left.
    tree.write(
        ".report.json.x1y2z3.leakhound-tmp",
        format!("{{\"secret\": \"{}\"}}\n", gitlab_pat(121)),
    );
    for run in 0..3 {
        let status = tree
            .cmd()
            .args([
                "scan",
                ".",
                "--no-git",
                "-q",
                "-f",
                "json",
                "-o",
                "report.json",
            ])
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(1));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(tree.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(json["summary"]["locations"], 1, "run {run}");
        let skipped = if run == 0 { 1 } else { 2 };
        assert_eq!(json["summary"]["skipped"]["report"], skipped, "run {run}");
    }
}

/// A tree whose JSON report is large (one token on many lines), with a
/// configuration of one rule, so that the scan is quick beside the writing.
fn many_locations(lines: usize) -> Tree {
    let tree = Tree::new();
    tree.write(
        "one-rule.yml",
        "extend_default: false\nrules:\n- id: planted\n  name: Planted\n  regex: 'planted_(?P<secret>[a-z0-9]{24})'\n  keywords: [planted_]\n  confidence: high\n",
    );
    let token = crate::util::Rng::new(122).string("abcdefghijklmnopqrstuvwxyz0123456789", 24);
    let line = format!("value = \"planted_{token}\"  # a line of settings, padded to be long\n");
    tree.write("big.env", line.repeat(lines));
    tree
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_the_old_report_or_the_new_one() {
    let tree = many_locations(20_000);
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("report.json");
    let run = || {
        tree.cmd()
            .args([
                "scan",
                "big.env",
                "-q",
                "-f",
                "json",
                "--config",
                "one-rule.yml",
                "-o",
            ])
            .arg(&target)
            .spawn()
            .unwrap()
    };
    let started = std::time::Instant::now();
    assert_eq!(run().wait().unwrap().code(), Some(1));
    let took = started.elapsed();
    let old = std::fs::read(&target).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&old).unwrap();
    let locations = json["summary"]["locations"].as_u64().unwrap();
    assert_eq!(locations, 20_000);
    // SIGTERM at points spread over a run: whenever it lands, the target
    // is the old report or a whole new one, and nothing else is left.
    for step in 0..10 {
        std::fs::write(&target, &old).unwrap();
        let mut child = run();
        std::thread::sleep(took * step / 8);
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        let now = std::fs::read(&target).unwrap();
        if now != old {
            let json: serde_json::Value = serde_json::from_slice(&now)
                .unwrap_or_else(|e| panic!("step {step}: not a whole report ({e}); {status:?}"));
            assert_eq!(json["summary"]["locations"], locations, "step {step}");
        }
        assert_eq!(
            names(out.path()),
            ["report.json"],
            "step {step}: {killed:?}"
        );
    }
}

#[cfg(unix)]
#[test]
fn file_names_cannot_reorder_text_start_formulas_or_name_other_files() {
    let tree = Tree::new();
    let rlo = "\u{202E}";
    tree.write(
        &format!("evil{rlo}vne.txt"),
        format!("T={} # {rlo}note\u{2066}\n", gitlab_pat(130)),
    );
    tree.write("=HYPERLINK(x).env", format!("T={}\n", gitlab_pat(131)));
    tree.write("back\\slash.env", format!("T={}\n", gitlab_pat(132)));
    let bidi = [
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}',
    ];
    for format in ["human", "html", "csv"] {
        let text = report(&tree, format, &[]);
        assert!(!text.contains(bidi), "{format} prints a bidi control raw");
        assert!(text.contains("\\u{202e}"), "{format} shows it escaped");
    }
    let csv = report(&tree, "csv", &[]);
    assert!(csv.contains(",'=HYPERLINK(x).env,"), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
    let sarif = report(&tree, "sarif", &[]);
    assert!(sarif.contains("\"back%5Cslash.env\""), "{sarif}");
    assert!(!sarif.contains("back/slash.env"), "{sarif}");
}

#[test]
fn a_report_says_how_to_allow_explain_or_bypass() {
    let tree = repo();
    tree.write("deploy.env", format!("TOKEN={}\n", gitlab_pat(140)));
    crate::git::git(tree.path(), &["add", "-A"]);
    let json: serde_json::Value =
        serde_json::from_str(&report(&tree, "json", &["--staged"])).unwrap();
    let fingerprint = fingerprint_of(&json, &gitlab_pat(140));
    let output = tree
        .cmd()
        .args(["scan", "--staged", "--no-progress"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let human = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        human.contains(&format!("deploy.env:1:7  fingerprint {fingerprint}")),
        "{human}"
    );
    for text in [&human, &stderr] {
        assert!(text.contains("`leakhound:allow`"), "{text}");
        assert!(text.contains(".leakhoundignore"), "{text}");
        assert!(text.contains("leakhound explain gitlab-pat"), "{text}");
    }
    assert!(stderr.contains("this commit is blocked"), "{stderr}");
    assert!(stderr.contains("git commit --no-verify"), "{stderr}");
    let html = report(&tree, "html", &["--staged"]);
    assert!(html.contains(&format!(
        "<td class=\"fingerprint\"><code>{fingerprint}</code>"
    )));
    // The fingerprint shown is the one to ignore.
    tree.write(".leakhoundignore", format!("{fingerprint}\n"));
    let status = tree
        .cmd()
        .args(["scan", "--staged", "-q"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn baseline_refuses_the_report_options_it_would_ignore() {
    let tree = Tree::new();
    tree.write("a.env", format!("TOKEN={}\n", gitlab_pat(141)));
    for flags in [
        &["-f", "csv"][..],
        &["-f", "html"],
        &["--format", "json"],
        &["--redact"],
        &["--validate"],
        &["--only-valid"],
    ] {
        let output = tree.cmd().arg("baseline").args(flags).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {stderr}");
        let named = if flags[0] == "-f" {
            "--format"
        } else {
            flags[0]
        };
        assert!(stderr.contains(named), "{flags:?} is named: {stderr}");
        assert!(stderr.contains("leakhound scan"), "{stderr}");
        assert!(output.stdout.is_empty(), "{flags:?}");
    }
}

#[test]
fn sarif_rules_carry_help_and_absolute_paths_are_file_uris() {
    let tree = Tree::new();
    tree.write("a.env", format!("GITLAB={}\n", gitlab_pat(150)));
    tree.write(
        "b.py",
        format!(
            "password = \"{}\"\n",
            crate::util::Rng::new(151).string(crate::util::ALNUM, 18)
        ),
    );
    let output = tree
        .cmd()
        .args(["scan", "-q", "-f", "sarif", "--min-confidence", "low"])
        .arg(tree.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = crate::util::sarif_errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 2, "{rules:?}");
    for rule in rules {
        for key in ["shortDescription", "fullDescription"] {
            assert!(
                rule[key]["text"].as_str().is_some_and(|t| !t.is_empty()),
                "{key}"
            );
        }
        let help = &rule["help"];
        assert!(
            help["text"].as_str().unwrap().contains("If it leaked"),
            "{help}"
        );
        assert!(help["markdown"].as_str().unwrap().contains("1. "), "{help}");
    }
    for result in run["results"].as_array().unwrap() {
        let artifact = &result["locations"][0]["physicalLocation"]["artifactLocation"];
        let uri = artifact["uri"].as_str().unwrap();
        assert!(uri.starts_with("file:///"), "{uri}");
        assert!(artifact.get("uriBaseId").is_none(), "{artifact}");
    }
}

#[test]
fn the_gitlab_report_has_what_its_schema_requires_and_no_secret() {
    let tree = repo();
    let token = gitlab_pat(91);
    tree.write("deploy/ci.env", format!("DEPLOY_TOKEN={token}\n"));
    let sha = commit(&tree, "add ci settings");
    let run = || {
        let output = crate::util::leakhound()
            .current_dir(tree.path())
            .args(["scan", "--no-progress", "-q", ".", "-f", "gitlab"])
            .env("SOURCE_DATE_EPOCH", "1709164800")
            .output()
            .expect("leakhound runs");
        assert_eq!(output.status.code(), Some(1));
        output.stdout
    };
    let bytes = run();
    assert_eq!(bytes, run(), "SOURCE_DATE_EPOCH pins the report");
    let text = String::from_utf8(bytes).unwrap();
    assert!(!text.contains(&token), "{text}");
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["version"], "15.2.1");
    let scan = &report["scan"];
    assert_eq!(scan["type"], "secret_detection");
    assert_eq!(scan["status"], "success");
    assert_eq!(scan["start_time"], "2024-02-29T00:00:00");
    assert_eq!(scan["end_time"], "2024-02-29T00:00:00");
    for part in ["analyzer", "scanner"] {
        for key in ["id", "name", "version"] {
            assert!(scan[part][key].is_string(), "{part}.{key}");
        }
        assert!(scan[part]["vendor"]["name"].is_string());
    }
    let vulnerabilities = report["vulnerabilities"].as_array().unwrap();
    assert_eq!(vulnerabilities.len(), 1);
    let v = &vulnerabilities[0];
    let id = v["id"].as_str().unwrap();
    assert!(
        regex::Regex::new("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
            .unwrap()
            .is_match(id),
        "{id}"
    );
    assert_eq!(v["severity"], "Critical");
    assert_eq!(v["identifiers"][0]["value"], "gitlab-pat");
    assert_eq!(v["location"]["file"], "deploy/ci.env");
    assert_eq!(v["location"]["start_line"], 1);
    assert_eq!(v["location"]["commit"]["sha"], sha.as_str());
    assert!(v.get("raw_source_code_extract").is_none());
    assert!(v["description"].as_str().unwrap().contains("glpat-"));
}

#[test]
fn warnings_never_show_a_secret_held_by_a_file_name() {
    let tree = Tree::new();
    let token = gitlab_pat(92);
    tree.write(&format!("big_{token}.log"), "x".repeat(4096));
    tree.write(&format!("bin_{token}.dat"), b"\0\x01\x02binary");
    let output = crate::util::leakhound()
        .current_dir(tree.path())
        .args([
            "scan",
            "--no-progress",
            "-v",
            "--no-git",
            ".",
            "--max-file-size",
            "1K",
        ])
        .output()
        .expect("leakhound runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("skipped"), "{stderr}");
    assert!(stderr.contains("big_glpat-"), "{stderr}");
    assert!(!stderr.contains(&token), "{stderr}");
}
