//! `scan --validate` against a mock provider on 127.0.0.1: no test touches
//! the internet.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::util::{Tree, aws_key_id, github_classic, gitlab_pat, run_json};

/// One request the mock received.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    authorization: String,
}

/// A mock of the providers' endpoints: GitHub's `/user` accepts `live`,
/// GitLab's token endpoint never answers in time, STS accepts any signed
/// request from the key ID `aws_id`.
struct Mock {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

fn mock(live: String, aws_id: String) -> Mock {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a local port");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let header = |name: &str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                    .map(|h| h.value.as_str().to_owned())
                    .unwrap_or_default()
            };
            let authorization = header("Authorization");
            let mut body = String::new();
            let _ = request.as_reader().read_to_string(&mut body);
            let path = request.url().to_owned();
            log.lock().expect("log").push(Seen {
                method: request.method().as_str().to_owned(),
                path: path.clone(),
                authorization: authorization.clone(),
            });
            let live = live.clone();
            let aws_id = aws_id.clone();
            std::thread::spawn(move || {
                let (status, text) = match path.as_str() {
                    "/user" if authorization == format!("Bearer {live}") => {
                        (200, "{\"login\":\"octo\"}")
                    }
                    "/user" => (401, "{\"message\":\"Bad credentials\"}"),
                    "/api/v4/personal_access_tokens/self" => {
                        std::thread::sleep(Duration::from_secs(4));
                        (200, "{}")
                    }
                    "/" if authorization
                        .starts_with(&format!("AWS4-HMAC-SHA256 Credential={aws_id}/"))
                        && body == "Action=GetCallerIdentity&Version=2011-06-15" =>
                    {
                        (
                            200,
                            "<GetCallerIdentityResponse><GetCallerIdentityResult/></GetCallerIdentityResponse>",
                        )
                    }
                    "/" => (403, "<Error><Code>InvalidClientTokenId</Code></Error>"),
                    _ => (404, ""),
                };
                let response = tiny_http::Response::from_string(text).with_status_code(status);
                let _ = request.respond(response);
            });
        }
    });
    Mock {
        base: format!("http://127.0.0.1:{port}"),
        seen,
    }
}

/// A tree with a live and a dead GitHub token (the live one twice), a
/// GitLab token, an AWS key pair and a password no rule can check.
fn tree(live: &str, dead: &str, aws_id: &str) -> Tree {
    let tree = Tree::new();
    tree.write("a.env", format!("GITHUB_TOKEN={live}\nOLD_TOKEN={dead}\n"));
    tree.write("b.env", format!("GH={live}\n"));
    tree.write("c.env", format!("GITLAB_TOKEN={}\n", gitlab_pat(7)));
    tree.write(
        "credentials",
        format!(
            "[default]\naws_access_key_id = {aws_id}\naws_secret_access_key = Zq8Kx2Vn5Rt7Wm3Lp9YcQe4Tb1Hs6Ud0Jf3Ga8Mx\n"
        ),
    );
    tree.write("db.properties", "db.password=Tr0ub4dor-Lq7x\n");
    tree
}

/// A mock, a tree for it, and the live and dead GitHub tokens in it.
struct Setup {
    live: String,
    dead: String,
    mock: Mock,
    tree: Tree,
}

fn setup(seed: u64) -> Setup {
    let (live, dead, aws_id) = (
        github_classic(seed),
        github_classic(seed + 1),
        aws_key_id(seed + 2),
    );
    let mock = mock(live.clone(), aws_id.clone());
    let tree = tree(&live, &dead, &aws_id);
    Setup {
        live,
        dead,
        mock,
        tree,
    }
}

impl Setup {
    /// `leakhound scan --no-git . -f json` with `args`, its checks sent to
    /// the mock.
    fn scan(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = self.tree.cmd();
        cmd.args(["scan", "--no-git", ".", "-f", "json"])
            .args(args)
            .env("LEAKHOUND_VALIDATE_BASE_URL", &self.mock.base);
        cmd
    }
}

fn states(json: &serde_json::Value) -> Vec<(String, String)> {
    let mut states: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule").to_owned(),
                f["validation"]["state"]
                    .as_str()
                    .unwrap_or("none")
                    .to_owned(),
            )
        })
        .collect();
    states.sort();
    states
}

#[test]
fn each_secret_is_checked_once_and_reported_with_its_state() {
    let setup = setup(41);
    let (live, dead) = (&setup.live, &setup.dead);
    let output = setup
        .scan(&["--validate", "--validate-timeout", "1"])
        .output()
        .expect("leakhound runs");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let github: Vec<(String, String)> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == "github-pat-classic")
        .map(|f| {
            let secret = f["secret"].as_str().expect("secret").to_owned();
            (
                secret,
                f["validation"]["state"].as_str().expect("state").to_owned(),
            )
        })
        .collect();
    assert!(
        github.contains(&(live.clone(), "valid".into())),
        "{github:?}"
    );
    assert!(
        github.contains(&(dead.clone(), "invalid".into())),
        "{github:?}"
    );
    assert_eq!(
        states(&json),
        [
            ("aws-access-key-id".into(), "unknown".into()),
            ("aws-credential-pair".into(), "valid".into()),
            ("generic-password-unquoted".into(), "unknown".into()),
            ("github-pat-classic".into(), "invalid".into()),
            ("github-pat-classic".into(), "valid".into()),
            ("gitlab-pat".into(), "error".into()),
        ]
    );
    let seen = setup.mock.seen.lock().expect("log").clone();
    let live_checks = seen
        .iter()
        .filter(|s| s.path == "/user" && s.authorization.contains(live.as_str()))
        .count();
    assert_eq!(
        live_checks, 1,
        "the live token is in two files, checked once: {seen:?}"
    );
    assert!(
        seen.iter().all(|s| s.method == "GET" || s.path == "/"),
        "{seen:?}"
    );
    let summary = &json["summary"]["validation"];
    assert_eq!(summary["requests"], 4);
    assert_eq!(summary["valid"], 2);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains(live.as_str()) && !stderr.contains(dead.as_str()),
        "secrets are never logged:\n{stderr}"
    );
    assert!(
        stderr.contains("validation (4 requests): 2 valid, 1 invalid, 2 unknown, 1 error"),
        "{stderr}"
    );
}

#[test]
fn only_valid_keeps_what_the_provider_accepted() {
    let setup = setup(51);
    let (code, json) = run_json(&mut setup.scan(&["--only-valid", "--validate-timeout", "1"]));
    assert_eq!(code, 1, "live secrets fail the scan");
    assert_eq!(
        states(&json),
        [
            ("aws-credential-pair".into(), "valid".into()),
            ("github-pat-classic".into(), "valid".into()),
        ]
    );
}

#[test]
fn without_validate_nothing_is_sent_and_nothing_is_reported() {
    let setup = setup(61);
    let (_, json) = run_json(&mut setup.scan(&[]));
    assert!(
        json["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f.get("validation").is_none())
    );
    assert!(json["summary"].get("validation").is_none());
    assert!(setup.mock.seen.lock().expect("log").is_empty());
}

#[test]
fn a_base_url_off_this_machine_is_refused() {
    let tree = Tree::new();
    tree.write("a.env", format!("GITHUB_TOKEN={}\n", github_classic(71)));
    let output = tree
        .cmd()
        .args(["scan", "--no-git", ".", "--validate"])
        .env(
            "LEAKHOUND_VALIDATE_BASE_URL",
            "http://collector.acme.io:8080",
        )
        .output()
        .expect("leakhound runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
}

#[test]
fn a_base_url_by_name_is_refused_even_localhost() {
    // /etc/hosts may map `localhost` anywhere: only a literal loopback
    // address is taken.
    let tree = Tree::new();
    tree.write("a.env", format!("GITHUB_TOKEN={}\n", github_classic(72)));
    let output = tree
        .cmd()
        .args(["scan", "--no-git", ".", "--validate"])
        .env("LEAKHOUND_VALIDATE_BASE_URL", "http://localhost:8765")
        .output()
        .expect("leakhound runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("not a loopback address"), "{stderr}");
}

#[test]
fn html_report_shows_each_findings_validation_state() {
    use scraper::{Html, Selector};
    let (live, dead) = (github_classic(44), github_classic(45));
    let mock = mock(live.clone(), aws_key_id(46));
    let tree = Tree::new();
    tree.write("a.env", format!("GITHUB_TOKEN={live}\nOLD_TOKEN={dead}\n"));
    let output = tree
        .cmd()
        .args(["scan", "--no-git", ".", "-f", "html", "--validate"])
        .env("LEAKHOUND_VALIDATE_BASE_URL", &mock.base)
        .output()
        .expect("leakhound runs");
    let page = String::from_utf8(output.stdout).expect("UTF-8");
    let doc = Html::parse_document(&page);
    let select = |css: &str| Selector::parse(css).expect("selector");
    let mut states: Vec<(String, String)> = doc
        .select(&select("tbody.finding"))
        .map(|group| {
            let badge = group
                .select(&select("td.validation .badge"))
                .next()
                .expect("a validation badge");
            assert_eq!(
                group.value().attr("data-validation"),
                Some(badge.text().collect::<String>().as_str())
            );
            (
                badge.text().collect(),
                badge.value().attr("title").unwrap_or_default().to_owned(),
            )
        })
        .collect();
    states.sort();
    assert_eq!(states.len(), 2, "{page}");
    assert_eq!(states[0].0, "invalid");
    assert_eq!(states[1].0, "valid");
    assert!(
        states.iter().all(|(_, detail)| detail.contains("HTTP")),
        "{states:?}"
    );
    assert!(!page.contains(&live) && !page.contains(&dead));
    assert_eq!(doc.select(&select("select[name=validation]")).count(), 1);
    let summary: String = doc
        .select(&select("dl.summary .validation dd"))
        .flat_map(|dd| dd.text())
        .collect();
    assert_eq!(
        summary,
        "1 valid, 1 invalid, 0 unknown, 0 error (2 requests)"
    );
}
