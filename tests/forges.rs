//! Listing an organisation's repositories: a loopback mock of the GitHub
//! and GitLab APIs, with pages, forks, archived repositories and spent rate
//! limits; the repositories it lists are `file://` URLs of local ones.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::git::git;
use crate::util::{Tree, github_classic, gitlab_pat};

/// A request the mock saw: its URL and its token headers.
#[derive(Clone, Debug)]
struct Seen {
    url: String,
    authorization: String,
    private_token: String,
}

struct Mock {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The mock API: `answer(url, n)` gives status, extra headers and body for
/// the `n`th request (from 0) to `url`.
fn mock(
    answer: impl Fn(&str, usize, &str) -> (u16, Vec<(String, String)>, String) + Send + 'static,
) -> Mock {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind a local port");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    let base = format!("http://127.0.0.1:{port}");
    let seen = Arc::new(Mutex::new(Vec::<Seen>::new()));
    let log = seen.clone();
    let own = base.clone();
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let header = |name: &str| {
                request
                    .headers()
                    .iter()
                    .find(|h| h.field.as_str().as_str().eq_ignore_ascii_case(name))
                    .map(|h| h.value.as_str().to_owned())
                    .unwrap_or_default()
            };
            let url = request.url().to_owned();
            let n = {
                let mut log = log.lock().unwrap();
                let n = log.iter().filter(|s| s.url == url).count();
                log.push(Seen {
                    url: url.clone(),
                    authorization: header("Authorization"),
                    private_token: header("PRIVATE-TOKEN"),
                });
                n
            };
            let (status, headers, body) = answer(&url, n, &own);
            let mut response = tiny_http::Response::from_string(body).with_status_code(status);
            for (name, value) in headers {
                response = response.with_header(
                    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).unwrap(),
                );
            }
            let _ = request.respond(response);
        }
    });
    Mock { base, seen }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Repositories `r1`, `r2` (archived), `fork` (a fork) under `parent`,
/// each with its own secret.
fn repositories(parent: &Tree) {
    for (i, name) in ["r1", "r2", "fork"].iter().enumerate() {
        let dir = parent.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        git(&dir, &["init", "-q", "-b", "main"]);
        std::fs::write(
            dir.join("k.env"),
            format!("TOKEN={}\n", gitlab_pat(300 + i as u64)),
        )
        .unwrap();
        git(&dir, &["add", "-A"]);
        git(&dir, &["commit", "-q", "-m", "add"]);
    }
}

fn url(parent: &Path, name: &str) -> String {
    format!("file://{}", parent.join(name).display())
}

fn github_repo(parent: &Path, name: &str, fork: bool, archived: bool) -> Value {
    json!({
        "full_name": format!("acme/{name}"),
        "clone_url": url(parent, name),
        "ssh_url": url(parent, name),
        "fork": fork,
        "archived": archived,
    })
}

fn scan(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, Value, String) {
    let mut cmd = crate::util::leakhound();
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", dir)
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITLAB_TOKEN")
        .args(["scan", "--no-progress", "-f", "json"])
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, stderr)
}

fn repos_of(json: &Value) -> Vec<String> {
    let mut repos: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["locations"].as_array().unwrap())
        .map(|l| {
            let r = l["repository"].as_str().unwrap();
            r.rsplit('/').next().unwrap().to_owned()
        })
        .collect();
    repos.sort();
    repos
}

#[test]
fn a_github_organisation_is_listed_page_by_page_after_a_rate_limit() {
    let parent = Tree::new();
    repositories(&parent);
    let dir = parent.path().to_owned();
    let mock = mock(move |url, n, base| match url {
        "/orgs/acme/repos?type=all&per_page=100" if n == 0 => (
            403,
            vec![
                ("x-ratelimit-remaining".into(), "0".into()),
                ("x-ratelimit-reset".into(), (now() + 1).to_string()),
            ],
            "{\"message\":\"API rate limit exceeded\"}".into(),
        ),
        "/orgs/acme/repos?type=all&per_page=100" => (
            200,
            vec![(
                "Link".into(),
                format!("<{base}/orgs/acme/repos?type=all&per_page=100&page=2>; rel=\"next\""),
            )],
            json!([
                github_repo(&dir, "r1", false, false),
                github_repo(&dir, "fork", true, false)
            ])
            .to_string(),
        ),
        "/orgs/acme/repos?type=all&per_page=100&page=2" => (
            200,
            vec![],
            json!([github_repo(&dir, "r2", false, true)]).to_string(),
        ),
        _ => (404, vec![], "{}".into()),
    });
    let token = github_classic(77);
    let api = ["--github-org", "acme", "--github-api-url", &mock.base];
    let (code, json, stderr) = scan(parent.path(), &api, &[("GITHUB_TOKEN", &token)]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        repos_of(&json),
        ["r1", "r2"],
        "forks are left out by default"
    );
    assert!(stderr.contains("rate limit"), "{stderr}");
    assert!(!stderr.contains(&token) && !json.to_string().contains(&token));
    let seen = mock.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(
        seen.iter()
            .all(|s| s.authorization == format!("Bearer {token}"))
    );

    let (_, json, _) = scan(
        parent.path(),
        &[&api[..], &["--include-forks"]].concat(),
        &[],
    );
    assert_eq!(repos_of(&json), ["fork", "r1", "r2"]);
    let (_, json, _) = scan(
        parent.path(),
        &[&api[..], &["--exclude-archived"]].concat(),
        &[],
    );
    assert_eq!(repos_of(&json), ["r1"]);
    // Without a token, no Authorization header.
    assert!(
        mock.seen.lock().unwrap()[3..]
            .iter()
            .all(|s| s.authorization.is_empty())
    );
}

#[test]
fn a_rate_limit_longer_than_the_wait_is_a_clear_error() {
    let parent = Tree::new();
    let mock = mock(|_, _, _| {
        (
            403,
            vec![
                ("x-ratelimit-remaining".into(), "0".into()),
                ("x-ratelimit-reset".into(), (now() + 3600).to_string()),
            ],
            "{\"message\":\"API rate limit exceeded\"}".into(),
        )
    });
    let token = github_classic(78);
    let (code, _, stderr) = scan(
        parent.path(),
        &[
            "--github-user",
            "octo",
            "--github-api-url",
            &mock.base,
            "--rate-limit-wait",
            "5",
        ],
        &[("GITHUB_TOKEN", &token)],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("GitHub user octo"), "{stderr}");
    assert!(stderr.contains("longer than --rate-limit-wait"), "{stderr}");
    assert!(!stderr.contains(&token));
    assert_eq!(
        mock.seen.lock().unwrap()[0].url,
        "/users/octo/repos?type=owner&per_page=100"
    );
}

#[test]
fn a_gitlab_group_with_subgroups_page_by_page_after_a_429() {
    let parent = Tree::new();
    repositories(&parent);
    let dir = parent.path().to_owned();
    let project = move |name: &str, fork: bool| {
        let mut p = json!({
            "path_with_namespace": format!("team/sub/{name}"),
            "http_url_to_repo": url(&dir, name),
            "ssh_url_to_repo": url(&dir, name),
            "archived": false,
        });
        if fork {
            p["forked_from_project"] = json!({"id": 1});
        }
        p
    };
    let first =
        "/groups/team%2Fsub/projects?include_subgroups=true&per_page=100&order_by=id&sort=asc";
    let mock = mock(move |url, n, base| match url {
        u if u == first && n == 0 => (429, vec![("Retry-After".into(), "1".into())], "{}".into()),
        u if u == first => (
            200,
            vec![(
                "Link".into(),
                format!("<{base}{first}&page=2>; rel=\"next\""),
            )],
            json!([project("r1", false)]).to_string(),
        ),
        u if u == format!("{first}&page=2") => (
            200,
            vec![],
            json!([project("fork", true), project("r2", false)]).to_string(),
        ),
        _ => (404, vec![], "{}".into()),
    });
    let token = gitlab_pat(79);
    let (code, json, stderr) = scan(
        parent.path(),
        &["--gitlab-group", "team/sub", "--gitlab-api-url", &mock.base],
        &[("GITLAB_TOKEN", &token)],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(repos_of(&json), ["r1", "r2"]);
    assert!(!stderr.contains(&token) && !json.to_string().contains(&token));
    let seen = mock.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert!(seen.iter().all(|s| s.private_token == token));
}

#[test]
fn an_api_off_this_machine_must_be_https_and_an_empty_listing_fails() {
    let parent = Tree::new();
    let (code, _, stderr) = scan(
        parent.path(),
        &[
            "--github-org",
            "acme",
            "--github-api-url",
            "http://example.org",
        ],
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("must start with https://"), "{stderr}");
    let mock = mock(|_, _, _| (200, vec![], "[]".into()));
    let (code, _, stderr) = scan(
        parent.path(),
        &["--github-org", "empty", "--github-api-url", &mock.base],
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("has no repositories to scan"), "{stderr}");
}
