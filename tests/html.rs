//! The HTML report, read back with an HTML parser: its structure, that it
//! is self-contained, and that scanned text cannot inject markup.

use base64::Engine as _;
use scraper::{ElementRef, Html, Selector};
use sha2::{Digest, Sha256};

use crate::git::{commit, repo};
use crate::util::{Tree, github_classic, gitlab_pat, run_json};

fn select(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"))
}

fn text(element: ElementRef<'_>) -> String {
    element.text().collect()
}

/// Runs a scan with `-f html` and `args`; returns the exit code and the page.
fn html_scan(tree: &Tree, args: &[&str]) -> (i32, String) {
    let output = tree
        .cmd()
        .args(["scan", ".", "--no-progress", "-f", "html"])
        .args(args)
        .output()
        .expect("leakhound runs");
    let page = String::from_utf8(output.stdout).expect("UTF-8 page");
    (output.status.code().expect("exited"), page)
}

/// The same scan as JSON, to compare with.
fn json_scan(tree: &Tree, args: &[&str]) -> serde_json::Value {
    run_json(
        tree.cmd()
            .args(["scan", ".", "--no-progress", "-f", "json"])
            .args(args),
    )
    .1
}

/// Nothing in the page is loaded from elsewhere.
fn assert_self_contained(doc: &Html) {
    for script in doc.select(&select("script")) {
        assert_eq!(script.value().attr("src"), None, "inline scripts only");
    }
    assert_eq!(doc.select(&select("link")).count(), 0, "no linked files");
    for tag in ["img", "iframe", "object", "embed", "base", "audio", "video"] {
        assert_eq!(doc.select(&select(tag)).count(), 0, "no <{tag}>");
    }
    for element in doc.select(&select("*")) {
        for (name, value) in element.value().attrs() {
            if matches!(name, "src" | "href" | "action" | "srcset" | "data") {
                panic!("external reference {name}={value:?}");
            }
        }
    }
    let csp = doc
        .select(&select("meta[http-equiv=Content-Security-Policy]"))
        .next()
        .expect("a Content-Security-Policy");
    let policy = csp.value().attr("content").unwrap();
    assert!(policy.starts_with("default-src 'none'"));
    // It allows the page's own style sheet and script, by the hashes of
    // their text as the page holds it.
    for tag in ["style", "script"] {
        let element = doc.select(&select(tag)).next().expect(tag);
        let digest = Sha256::digest(text(element).as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        assert!(
            policy.contains(&format!("{tag}-src 'sha256-{hash}';")),
            "the policy allows the <{tag}> by its hash: {policy}"
        );
    }
}

/// A repository with a GitLab token committed in two files (one under
/// tests/, then removed from the other) and a GitHub token still in HEAD.
fn history() -> (Tree, String) {
    let tree = repo();
    tree.write("config.py", format!("TOKEN = '{}'\n", gitlab_pat(40)));
    tree.write(
        "tests/test_login.py",
        format!("TOKEN = '{}'\n", gitlab_pat(40)),
    );
    let added = commit(&tree, "add config");
    tree.write("config.py", "import os\nTOKEN = os.environ['TOKEN']\n");
    tree.write(
        "src/app.js",
        format!("const auth = '{}';\n", github_classic(41)),
    );
    commit(&tree, "read the token from the environment");
    (tree, added)
}

#[test]
fn html_report_has_one_row_per_finding_and_its_locations() {
    let (tree, added) = history();
    let args = ["--min-confidence", "low"];
    let (code, page) = html_scan(&tree, &args);
    assert_eq!(code, 1);
    let json = json_scan(&tree, &args);
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "parse errors: {:?}", doc.errors);
    assert_self_contained(&doc);

    let findings = json["findings"].as_array().unwrap();
    let groups: Vec<ElementRef<'_>> = doc
        .select(&select("table#findings > tbody.finding"))
        .collect();
    assert_eq!(groups.len(), findings.len(), "one row group per finding");
    assert_eq!(groups.len(), 2);
    for (group, finding) in groups.iter().zip(findings) {
        assert_eq!(group.select(&select("tr.finding-row")).count(), 1);
        assert_eq!(
            group.value().attr("data-rule"),
            finding["rule"].as_str(),
            "same order as the other reports"
        );
        let secret = finding["secret"].as_str().unwrap();
        assert!(!page.contains(secret), "the full secret is never shown");
        let shown = text(group.select(&select("td.secret")).next().unwrap());
        let visible = (secret.len() / 4).min(8);
        assert!(shown.starts_with(&secret[..visible]) && shown.contains("****"));
        let validation = group.select(&select("td.validation")).next().unwrap();
        assert_eq!(text(validation), "not checked");

        let locations: Vec<ElementRef<'_>> = group.select(&select("tr.location")).collect();
        let expected = finding["locations"].as_array().unwrap();
        assert_eq!(locations.len(), expected.len());
        for (row, location) in locations.iter().zip(expected) {
            let cell =
                |class: &str| text(row.select(&select(&format!("td.{class}"))).next().unwrap());
            let git = &location["git"];
            assert_eq!(cell("commit"), git["commit"].as_str().unwrap()[..12]);
            assert_eq!(cell("author"), "Ada Author");
            assert_eq!(cell("date"), "2024-01-02T03:04:05+00:00");
            assert_eq!(
                cell("in-head"),
                if git["in_head"] == true { "yes" } else { "no" }
            );
            assert_eq!(
                cell("path"),
                format!(
                    "{}:{}:{}",
                    location["path"].as_str().unwrap(),
                    location["line"],
                    location["column"]
                )
            );
            assert_eq!(cell("confidence"), location["confidence"].as_str().unwrap());
        }
    }

    let gitlab = groups[0];
    assert_eq!(gitlab.value().attr("data-rule"), Some("gitlab-pat"));
    assert_eq!(gitlab.value().attr("data-head"), Some("yes"));
    assert_eq!(gitlab.value().attr("data-contexts"), Some("none test"));
    let first = gitlab.select(&select("td.commit code")).next().unwrap();
    assert_eq!(first.value().attr("title"), Some(added.as_str()));
    let badges: Vec<String> = gitlab
        .select(&select("td.context .badge"))
        .map(text)
        .collect();
    assert_eq!(badges, ["test"]);

    let summary: Vec<(String, String)> = doc
        .select(&select("dl.summary > div"))
        .map(|item| {
            (
                text(item.select(&select("dt")).next().unwrap()),
                text(item.select(&select("dd")).next().unwrap()),
            )
        })
        .collect();
    let value = |term: &str| {
        summary
            .iter()
            .find(|(t, _)| t == term)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {term} in {summary:?}"))
    };
    assert_eq!(value("Findings"), "2");
    assert_eq!(value("Commits"), json["summary"]["commits"].to_string());
    assert_eq!(
        value("Inputs scanned"),
        json["summary"]["inputs_scanned"].to_string()
    );
    assert_eq!(value("Skipped"), "0");
    assert_eq!(value("Decode limit reached"), "0");
    assert_eq!(value("Secrets"), "masked");
    assert_eq!(
        value("Tool"),
        format!("leakhound {}", env!("CARGO_PKG_VERSION"))
    );

    // Filters: written server-side (hidden until the script shows them).
    let rules: Vec<_> = doc
        .select(&select("select[name=rule] option"))
        .filter_map(|o| o.value().attr("value"))
        .collect();
    assert_eq!(rules, ["", "github-pat-classic", "gitlab-pat"]);
    assert_eq!(doc.select(&select("select[name=head]")).count(), 1);
    let sortable = doc
        .select(&select("table#findings > thead th[data-type]"))
        .count();
    assert_eq!(
        sortable,
        doc.select(&select("table#findings > thead th")).count()
    );
}

#[test]
fn html_report_escapes_paths_snippets_and_commit_messages() {
    let payload = "<script>alert(1)</script>";
    let tree = repo();
    let path = format!("tests/{payload}.py");
    tree.write(
        &path,
        format!("token = '{}'  # {payload}\n", gitlab_pat(42)),
    );
    commit(&tree, &format!("add {payload} \"quoted\" & more"));
    let (code, page) = html_scan(&tree, &["--min-confidence", "low"]);
    assert_eq!(code, 1);
    assert!(!page.contains(payload), "the payload is escaped everywhere");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let doc = Html::parse_document(&page);
    assert!(doc.errors.is_empty(), "parse errors: {:?}", doc.errors);
    assert_self_contained(&doc);
    assert_eq!(
        doc.select(&select("script")).count(),
        1,
        "only the page's own script"
    );
    // The parser reads the escaped text back as text.
    let cell = doc.select(&select("tr.location td.path")).next().unwrap();
    assert_eq!(text(cell), format!("{path}:1:10"));
    let snippet = text(doc.select(&select("tr.snippet")).next().unwrap());
    assert!(snippet.contains(payload), "{snippet}");
    assert!(snippet.contains("add <script>alert(1)</script> \"quoted\" & more"));
    assert!(!snippet.contains(&gitlab_pat(42)));
}

#[test]
fn html_report_of_a_directory_has_no_git_columns() {
    let tree = Tree::new();
    tree.write("deploy.env", format!("GITLAB_TOKEN={}\n", gitlab_pat(43)));
    let (code, page) = html_scan(&tree, &[]);
    assert_eq!(code, 1);
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert_eq!(doc.select(&select("tbody.finding")).count(), 1);
    let headers: Vec<String> = doc
        .select(&select("table.locations th"))
        .map(text)
        .collect();
    assert_eq!(headers, ["Path", "Confidence", "Context", "Fingerprint"]);
    assert_eq!(doc.select(&select("select[name=head]")).count(), 0);
}

#[test]
fn html_report_redacted_and_empty() {
    let tree = Tree::new();
    let secret = gitlab_pat(44);
    tree.write("a.env", format!("GITLAB_TOKEN={secret}\nSAME={secret}\n"));
    let (_, page) = html_scan(&tree, &["--redact"]);
    assert!(
        !page.contains(&secret[..10]),
        "nothing of the secret is left"
    );
    let doc = Html::parse_document(&page);
    let shown = text(doc.select(&select("td.secret")).next().unwrap());
    assert_eq!(shown, "[REDACTED]");

    let clean = Tree::new();
    clean.write("a.txt", "nothing here\n");
    let (code, page) = html_scan(&clean, &[]);
    assert_eq!(code, 0);
    let doc = Html::parse_document(&page);
    assert_self_contained(&doc);
    assert_eq!(doc.select(&select("table")).count(), 0);
    assert_eq!(
        text(doc.select(&select("p.empty")).next().unwrap()),
        "No findings."
    );
}

#[test]
fn html_report_without_validate_says_not_checked() {
    let tree = Tree::new();
    tree.write("a.env", format!("GITLAB_TOKEN={}\n", gitlab_pat(45)));
    let (_, page) = html_scan(&tree, &[]);
    let doc = Html::parse_document(&page);
    let cells: Vec<String> = doc.select(&select("td.validation")).map(text).collect();
    assert_eq!(cells, ["not checked"]);
    assert_eq!(doc.select(&select("select[name=validation]")).count(), 0);
    assert_eq!(doc.select(&select("dl.summary .validation")).count(), 0);
}
