//! The command line: each output format, exit codes, error messages.

use insta::assert_snapshot;

use crate::util::{Tree, aws_key_id, github_classic, gitlab_pat, leakhound, run, run_json};

/// A small project with secrets planted at known lines.
fn planted() -> Tree {
    let tree = Tree::new();
    tree.write(
        "config/settings.py",
        format!(
            "import os\n\nGITLAB_TOKEN = \"{}\"\nDEBUG = False\n",
            gitlab_pat(1)
        ),
    );
    tree.write(
        "docs/setup.md",
        format!("# Setup\n\nRun `login {}` once.\n", gitlab_pat(1)),
    );
    tree.write(
        "deploy.sh",
        format!(
            "#!/bin/sh\nexport AWS_ACCESS_KEY_ID={}\naws s3 ls\n",
            aws_key_id(2)
        ),
    );
    tree.write(
        "src/app.js",
        format!(
            "const a = 1;\nconst b = 2;\n\n\nconst client = new Octokit({{ auth: '{}' }});\n",
            github_classic(3)
        ),
    );
    tree.write(
        "notes.txt",
        format!("old = '{}' # leakhound:allow\n", gitlab_pat(4)),
    );
    tree.write("logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice());
    tree.write(".gitignore", "ignored.env\n");
    tree.write("ignored.env", format!("TOKEN={}\n", gitlab_pat(5)));
    tree
}

#[test]
fn human_report() {
    let tree = planted();
    assert_snapshot!(run(
        tree.cmd().args(["scan", ".", "--color", "never"]),
        None
    ));
}

#[test]
fn human_report_redacted() {
    let tree = planted();
    assert_snapshot!(run(tree.cmd().args(["scan", ".", "--redact", "-q"]), None));
}

#[test]
fn json_report() {
    let tree = planted();
    assert_snapshot!(run(tree.cmd().args(["scan", ".", "-f", "json"]), None));
}

#[test]
fn jsonl_report_redacted() {
    let tree = planted();
    assert_snapshot!(run(
        tree.cmd().args(["scan", ".", "-f", "jsonl", "--redact"]),
        None
    ));
}

#[test]
fn planted_secrets_have_the_right_lines() {
    let tree = planted();
    let (code, json) =
        run_json(
            tree.cmd()
                .args(["scan", ".", "-f", "json", "--min-confidence", "low"]),
        );
    assert_eq!(code, 1);
    let mut seen: Vec<(String, String, u64, u64)> = Vec::new();
    for finding in json["findings"].as_array().unwrap() {
        for loc in finding["locations"].as_array().unwrap() {
            seen.push((
                finding["rule"].as_str().unwrap().to_owned(),
                loc["path"].as_str().unwrap().to_owned(),
                loc["line"].as_u64().unwrap(),
                loc["column"].as_u64().unwrap(),
            ));
        }
    }
    seen.sort();
    let expected = [
        ("aws-access-key-id", "deploy.sh", 2, 26),
        ("github-pat-classic", "src/app.js", 5, 37),
        ("gitlab-pat", "config/settings.py", 3, 17),
        ("gitlab-pat", "docs/setup.md", 3, 12),
    ];
    let expected: Vec<_> = expected
        .iter()
        .map(|(r, p, l, c)| ((*r).to_owned(), (*p).to_owned(), *l, *c))
        .collect();
    assert_eq!(seen, expected);
    assert_eq!(json["summary"]["suppressed_inline"], 1);
    assert_eq!(json["summary"]["skipped"]["binary"], 1);
}

#[test]
fn same_secret_twice_is_one_finding() {
    let tree = planted();
    let (_, json) =
        run_json(
            tree.cmd()
                .args(["scan", ".", "-f", "json", "--min-confidence", "low"]),
        );
    let gitlab: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "gitlab-pat")
        .collect();
    assert_eq!(gitlab.len(), 1);
    assert_eq!(gitlab[0]["locations"].as_array().unwrap().len(), 2);
}

#[test]
fn gitignored_files_are_skipped_unless_asked() {
    let tree = planted();
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json", "--no-ignore"]));
    let paths: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["locations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["path"].as_str().unwrap().to_owned())
        })
        .collect();
    assert!(paths.contains(&"ignored.env".to_owned()), "{paths:?}");
}

#[test]
fn clean_tree_exits_zero() {
    let tree = Tree::new();
    tree.write(
        "main.rs",
        "fn main() { let token = std::env::var(\"TOKEN\"); }\n",
    );
    assert_snapshot!(run(tree.cmd().args(["scan", "."]), None));
}

#[test]
fn min_confidence_filters() {
    let tree = Tree::new();
    tree.write("a.txt", format!("{}\n", gitlab_pat(9)));
    let output = tree
        .cmd()
        .args(["scan", ".", "--min-confidence", "high", "-q"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    // A generic (low) rule whose value is one class of characters stays low.
    tree.write("b.txt", "key=zqvtkwmr\n");
    let config = tree.write(
        "only-low.yml",
        "extend_default: false\nrules:\n- id: low-one\n  name: Low\n  regex: 'key=(?P<secret>[a-z]{8})'\n  keywords: [key]\n  confidence: low\n",
    );
    let mut cmd = tree.cmd();
    cmd.args(["scan", ".", "-q", "--config"]).arg(&config);
    assert_eq!(
        cmd.output().unwrap().status.code(),
        Some(0),
        "default is medium"
    );
    let mut cmd = tree.cmd();
    cmd.args(["scan", ".", "-q", "--min-confidence", "low", "--config"])
        .arg(&config);
    assert_eq!(cmd.output().unwrap().status.code(), Some(1));
    tree.write("only-low.yml", "extend_default: false\nmin_confidence: low\nrules:\n- id: low-one\n  name: Low\n  regex: 'key=(?P<secret>[a-z]{8})'\n  keywords: [key]\n  confidence: low\n");
    let mut cmd = tree.cmd();
    cmd.args(["scan", ".", "-q", "--config"]).arg(&config);
    assert_eq!(
        cmd.output().unwrap().status.code(),
        Some(1),
        "from the config"
    );
}

#[test]
fn context_lowers_confidence() {
    let tree = Tree::new();
    let token = gitlab_pat(11);
    tree.write("tests/test_client.py", format!("TOKEN = '{token}'\n"));
    tree.write("docs/setup.md", format!("export TOKEN={token}\n"));
    tree.write(
        "docs/api.md",
        format!("curl -H 'PRIVATE-TOKEN: {token}' https://gitlab.example.com/api/v4/user\n"),
    );
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json"]));
    let seen = |json: &serde_json::Value| -> Vec<(String, String, Option<String>)> {
        json["findings"][0]["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["path"].as_str().unwrap().to_owned(),
                    l["confidence"].as_str().unwrap().to_owned(),
                    l["context"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let row = |path: &str, confidence: &str, context: Option<&str>| {
        (
            path.to_owned(),
            confidence.to_owned(),
            context.map(str::to_owned),
        )
    };
    assert_eq!(
        seen(&json),
        [
            row("docs/setup.md", "medium", Some("example")),
            row("tests/test_client.py", "medium", Some("test")),
        ],
        "a provider key in documentation loses one step and stays reported"
    );
    assert_eq!(
        json["summary"]["below_min_confidence"], 1,
        "the call aimed at example.com is a sample"
    );
    let (_, json) =
        run_json(
            tree.cmd()
                .args(["scan", ".", "-f", "json", "--min-confidence", "low"]),
        );
    assert!(
        seen(&json).contains(&row("docs/api.md", "low", Some("example"))),
        "{:?}",
        seen(&json)
    );

    // The same token in ordinary code: its test and documentation copies
    // are not only examples, and keep the full confidence.
    tree.write("app/settings.py", format!("TOKEN = '{token}'\n"));
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json"]));
    assert_eq!(
        seen(&json),
        [
            row("app/settings.py", "high", None),
            row("docs/api.md", "high", Some("example")),
            row("docs/setup.md", "high", Some("example")),
            row("tests/test_client.py", "high", Some("test")),
        ]
    );
}

#[test]
fn decoded_secrets_are_found_where_they_are_encoded() {
    use base64::Engine as _;
    let tree = Tree::new();
    let token = gitlab_pat(12);
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("deploy_token: {token}\n"));
    tree.write(
        "k8s/secret.yaml",
        format!("kind: Secret\ndata:\n  config: {encoded}\n"),
    );
    let utf16: Vec<u8> = format!("\u{feff}a = 1\r\ntoken = '{token}'\r\n")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    tree.write("win/settings.ini", utf16);
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json"]));
    let locations: Vec<_> = json["findings"][0]["locations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["path"].as_str().unwrap(),
                l["line"].as_u64().unwrap(),
                l["decoded"][0].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        locations,
        [
            ("k8s/secret.yaml", 3, "base64"),
            ("win/settings.ini", 2, "utf-16")
        ]
    );
    assert_eq!(json["findings"][0]["secret"], token);
}

#[test]
fn escaped_quotes_hide_nothing() {
    let tree = Tree::new();
    let password = format!("{}-{}", "Zq8vR2m", "Lx7Tb4n");
    tree.write(
        "analysis.ipynb",
        format!("{{\"cells\": [{{\"source\": [\"import db\\n\", \"db.connect(password=\\\"{password}\\\")\\n\"]}}]}}\n"),
    );
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json"]));
    let finding = &json["findings"][0];
    assert_eq!(finding["secret"], password);
    assert_eq!(finding["locations"][0]["decoded"][0], "escape");
    let (_, json) = run_json(tree.cmd().args(["scan", ".", "-f", "json", "--no-decode"]));
    assert_eq!(json["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn stdin_is_scanned() {
    let output = assert_cmd::Command::from_std(leakhound())
        .args(["scan", "-", "-f", "jsonl"])
        .write_stdin(format!("a\nb {}\n", gitlab_pat(6)))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["locations"][0]["path"], "-");
    assert_eq!(line["locations"][0]["line"], 2);
}

#[test]
fn a_token_look_alike_with_a_bad_checksum_is_reported_at_low_confidence() {
    // A developer testing the hook with a made-up token: `ghp_` and 36
    // characters, the checksum wrong.
    let real = github_classic(81);
    let last = real.chars().last().unwrap();
    let fake = format!(
        "{}{}",
        &real[..real.len() - 1],
        if last == 'a' { 'b' } else { 'a' }
    );
    let tree = Tree::new();
    tree.write("app.env", format!("GITHUB_TOKEN={fake}\n"));
    let output = tree
        .cmd()
        .args(["scan", "--no-git", ".", "-f", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("1 location below --min-confidence not shown (1 token look-alike whose checksum does not match: not a real token"),
        "{stderr}"
    );
    let (code, json) = run_json(tree.cmd().args([
        "scan",
        "--no-git",
        ".",
        "-f",
        "json",
        "--min-confidence",
        "low",
    ]));
    assert_eq!(code, 1);
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "github-pat-classic", "{json}");
    assert_eq!(finding["confidence"], "low");
    let note = finding["locations"][0]["note"].as_str().unwrap();
    assert!(
        note.starts_with("checksum does not match: not a real GitHub"),
        "{note}"
    );
    let output = tree
        .cmd()
        .args(["scan", "--no-git", ".", "--min-confidence", "low"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&output.stdout);
    assert!(
        human.contains("app.env:1:14 (checksum does not match: not a real GitHub"),
        "{human}"
    );
}

#[test]
fn endless_stdin_stops_at_the_size_limit() {
    let mut child = leakhound()
        .args(["scan", "-", "--max-file-size", "1M"])
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A guard against a hang, not a measure of speed: reading 1 MiB takes
    // milliseconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("scan - < /dev/zero did not stop");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("standard input is larger than the size limit (1048576 bytes)"),
        "{stderr}"
    );
}

#[test]
fn output_file_is_private() {
    let tree = planted();
    let out = tree.path().join("report.json");
    let status = tree
        .cmd()
        .args(["scan", "config", "-f", "json", "-q", "-o"])
        .arg(&out)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(json["summary"]["findings"], 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
}

#[test]
fn colour_only_when_asked() {
    let tree = planted();
    let plain = tree.cmd().args(["scan", "config"]).output().unwrap();
    assert!(
        !plain.stdout.contains(&0x1b),
        "no escapes when stdout is not a terminal"
    );
    let always = tree
        .cmd()
        .args(["scan", "config", "--color", "always"])
        .output()
        .unwrap();
    assert!(always.stdout.contains(&0x1b));
}

#[test]
fn missing_path_is_an_error() {
    let tree = Tree::new();
    assert_snapshot!(run(tree.cmd().args(["scan", "no/such/dir"]), None));
}

#[test]
fn bad_flag_is_an_error() {
    assert_snapshot!(run(leakhound().args(["scan", "--frobnicate"]), None));
}

#[test]
fn bad_size_is_an_error() {
    assert_snapshot!(run(
        leakhound().args(["scan", ".", "--max-file-size", "12Q"]),
        None
    ));
}

#[test]
fn thread_counts_out_of_range_are_refused() {
    for n in ["0", "10000"] {
        let output = leakhound().args(["scan", ".", "-j", n]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "-j {n}: {stderr}");
        assert!(stderr.contains("use 1 to 256"), "-j {n}: {stderr}");
    }
}

#[test]
fn bad_config_is_an_error() {
    let tree = Tree::new();
    tree.write(
        ".leakhound.yml",
        "allowlist:\n  paths: ['x']\n  colour: red\n",
    );
    assert_snapshot!(run(tree.cmd().args(["scan", "."]), Some(tree.path())));
}

#[test]
fn rules_list_json_names_every_rule() {
    let (code, json) = run_json(leakhound().args(["rules", "list", "--format", "json"]));
    assert_eq!(code, 0);
    let rules = json.as_array().unwrap();
    assert!(rules.len() >= 100, "{} rules", rules.len());
    assert!(rules.iter().any(|r| r["id"] == "gitlab-pat"));
}

#[test]
fn rules_list_table() {
    let output = leakhound().args(["rules", "list"]).output().unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("ID "), "{text}");
    assert!(
        text.lines()
            .any(|l| l.starts_with("gitlab-pat ") && l.contains("high"))
    );
}

#[test]
fn help_lists_commands() {
    assert_snapshot!(run(leakhound().arg("--help"), None));
}

#[test]
fn sarif_report_is_valid_and_masks_secrets() {
    let tree = planted();
    let output = tree
        .cmd()
        .args(["scan", ".", "-f", "sarif", "-q", "--min-confidence", "low"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let errors = crate::util::sarif_errors(&sarif);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let run = &sarif["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        3,
        "one entry per rule"
    );
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    assert_eq!(
        invocation["toolExecutionNotifications"][0]["message"]["text"],
        "1 input not scanned: binary",
        "skipped inputs are reported"
    );
    assert_eq!(invocation["properties"]["summary"]["skipped"]["binary"], 1);
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "one result per location");
    for result in results {
        let rule_index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            run["tool"]["driver"]["rules"][rule_index]["id"],
            result["ruleId"]
        );
        assert!(result["partialFingerprints"]["leakhound/v1"].is_string());
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/') && !uri.contains(".."), "{uri}");
    }
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        !text.contains(&gitlab_pat(1)),
        "secrets are masked in SARIF"
    );
}

#[test]
fn csv_report() {
    let tree = planted();
    assert_snapshot!(run(tree.cmd().args(["scan", ".", "-f", "csv", "-q"]), None));
}

#[test]
fn baseline_reports_only_new_findings() {
    let tree = planted();
    let status = tree
        .cmd()
        .args(["baseline", ".", "-q", "-o", "base.json"])
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    let text = std::fs::read_to_string(tree.path().join("base.json")).unwrap();
    assert!(
        !text.contains(&gitlab_pat(1)),
        "a baseline holds no secrets"
    );
    assert!(
        !text.contains("tool_version") && !text.contains("time"),
        "nothing that churns"
    );
    let again = tree.cmd().args(["baseline", ".", "-q"]).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        text,
        "stable output"
    );
    let clean = tree
        .cmd()
        .args(["scan", ".", "-q", "--baseline", "base.json"])
        .status()
        .unwrap();
    assert_eq!(clean.code(), Some(0));
    tree.write("new.txt", format!("{}\n", gitlab_pat(50)));
    let (code, json) =
        run_json(
            tree.cmd()
                .args(["scan", ".", "-q", "-f", "json", "--baseline", "base.json"]),
        );
    assert_eq!(code, 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
    assert_eq!(json["findings"][0]["locations"][0]["path"], "new.txt");
    // A JSON report (kept outside the scanned tree) works as a baseline too.
    let elsewhere = tempfile::tempdir().unwrap();
    let report = elsewhere.path().join("report.json");
    let status = tree
        .cmd()
        .args(["scan", ".", "-q", "-f", "json", "-o"])
        .arg(&report)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let status = tree
        .cmd()
        .args(["scan", ".", "-q", "--baseline"])
        .arg(&report)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn bad_baseline_is_an_error() {
    let tree = Tree::new();
    tree.write("base.json", "{\"something\": 1}\n");
    tree.write("broken.json", "{ not json\n");
    assert_snapshot!(run(
        tree.cmd().args(["scan", ".", "--baseline", "base.json"]),
        None
    ));
    assert_snapshot!(run(
        tree.cmd().args(["scan", ".", "--baseline", "broken.json"]),
        None
    ));
}

#[test]
fn config_errors_name_file_line_and_key() {
    let cases = [
        ("bad_value", "max_file_size: big\n"),
        ("bad_regex", "allowlist:\n  regexes: ['(unclosed']\n"),
        ("unknown_rule", "disable: [no-such-rule]\n"),
        (
            "unknown_rule_allowlist",
            "rule_allowlists:\n  no-such-rule:\n    paths: []\n",
        ),
        (
            "bad_custom_rule",
            "rules:\n- id: mine\n  name: Mine\n  regex: 'no group'\n",
        ),
        ("not_a_map", "- just\n- a list\n"),
    ];
    for (name, yaml) in cases {
        let tree = Tree::new();
        tree.write(".leakhound.yml", yaml);
        insta::assert_snapshot!(name, run(tree.cmd().args(["scan", "."]), Some(tree.path())));
    }
}

#[test]
fn several_paths_are_scanned_as_files() {
    let tree = planted();
    let (code, json) =
        run_json(
            tree.cmd()
                .args(["scan", "-q", "-f", "json", "deploy.sh", "src/app.js"]),
        );
    assert_eq!(code, 1);
    let rules: Vec<_> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["aws-access-key-id", "github-pat-classic"]);
}

/// Every error the command line can hit on bad input: exit status 2, one
/// line on stderr that names the problem, nothing on stdout.
#[test]
fn error_paths_name_the_problem_and_exit_two() {
    let tree = Tree::new();
    tree.write("a.txt", "nothing here\n");
    tree.write(
        "rules.yml",
        "rules:\n  - id: x\n    name: X\n    regex: '('\n",
    );
    tree.write("bad-config.yml", "allowlist: [1, 2]\n");
    tree.write("baseline.json", "{not json");
    let cases: &[(&[&str], &str)] = &[
        (
            &["scan", "-", "a.txt"],
            "cannot be scanned together with other paths",
        ),
        (
            &["scan", "missing-dir"],
            "cannot scan 'missing-dir': no such file or directory",
        ),
        (
            &["scan", ".", "--staged"],
            "need a git repository; '.' is not one",
        ),
        (&["scan", ".", "--range", "a..b"], "need a git repository"),
        (
            &["scan", ".", "-o", "no/such/dir/report.json"],
            "cannot create report file no/such/dir/report.json",
        ),
        (
            &["scan", ".", "--config", "missing.yml"],
            "cannot read missing.yml: ",
        ),
        (
            &["scan", ".", "--config", "bad-config.yml"],
            "bad-config.yml:1",
        ),
        (&["scan", ".", "--config", "rules.yml"], "rules.yml"),
        (
            &["scan", ".", "--baseline", "missing.json"],
            "--baseline missing.json",
        ),
        (
            &["scan", ".", "--baseline", "baseline.json"],
            "baseline.json",
        ),
        (&["scan", ".", "--max-file-size", "lots"], "lots"),
        (&["scan", ".", "--min-confidence", "sure"], "sure"),
        (&["rules", "check", "missing.yml"], "missing.yml"),
        (&["rules", "check", "rules.yml"], "rules.yml"),
        (&["hook", "install"], "git repository"),
    ];
    for (args, expected) in cases {
        let output = tree.cmd().args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            stderr.lines().count() <= 12,
            "{args:?}: a message, not a dump: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

/// Found by the `reports` fuzz target: a line holding two secrets showed
/// the second one in the first one's redacted snippet.
#[test]
fn redaction_hides_every_secret_of_a_line() {
    let tree = Tree::new();
    let (a, b) = (gitlab_pat(31), github_classic(32));
    tree.write("pair.env", format!("A={a} B={b}\n"));
    for format in ["json", "jsonl", "csv", "sarif", "human"] {
        let output = tree
            .cmd()
            .args(["scan", ".", "--redact", "-f", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.contains("[REDACTED]"), "{format}: {stdout}");
        assert!(
            !stdout.contains(&a) && !stdout.contains(&b),
            "{format}: {stdout}"
        );
    }
}

#[test]
fn bash_completion_names_the_subcommands() {
    let output = leakhound().args(["completions", "bash"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let script = String::from_utf8(output.stdout).unwrap();
    assert!(
        script.contains("_leakhound()"),
        "a bash completion function"
    );
    for name in [
        "scan",
        "baseline",
        "rules",
        "hook",
        "explain",
        "completions",
        "man",
    ] {
        assert!(script.contains(name), "completes {name}");
    }
    assert!(script.contains("--min-confidence") && script.contains("--format"));
}

#[test]
fn every_shell_gets_a_completion_script() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = leakhound().args(["completions", shell]).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(
            script.contains("leakhound") && script.contains("explain"),
            "{shell}"
        );
    }
    let output = leakhound().args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn man_page_has_every_command_and_the_scan_options() {
    let output = leakhound().arg("man").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stderr.is_empty());
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains("\n.TH leakhound 1 "), "{}", &page[..200]);
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH OPTIONS",
        ".SH COMMANDS",
        ".SH \"LEAKHOUND SCAN\"",
        ".SH \"LEAKHOUND BASELINE\"",
        ".SH \"LEAKHOUND RULES LIST\"",
        ".SH \"LEAKHOUND RULES CHECK\"",
        ".SH \"LEAKHOUND HOOK INSTALL\"",
        ".SH \"LEAKHOUND EXPLAIN\"",
        ".SH VERSION",
    ] {
        assert!(page.contains(section), "no {section}");
    }
    // The scan options, in roff (`\-` is a minus sign).
    for option in [
        "\\-\\-min\\-confidence",
        "\\-\\-staged",
        "\\-\\-range",
        "\\-\\-redact",
        "\\-\\-baseline",
        "\\-\\-no\\-decode",
    ] {
        assert!(page.contains(option), "no {option}");
    }
    assert!(page.contains("html: One self\\-contained HTML page"));
    // Global options are described once, at the top.
    assert_eq!(
        page.matches("\\-\\-quiet").count(),
        2,
        "synopsis and options"
    );
}
