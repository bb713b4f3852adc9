//! GitHub: an organisation's repositories, or a user's.

use super::{Forge, Repository};

/// A client of the GitHub API at `api` (`https://api.github.com`, or a
/// GitHub Enterprise Server's `https://HOST/api/v3`), with `GITHUB_TOKEN`.
pub fn forge(api: &str, max_wait: std::time::Duration) -> anyhow::Result<Forge> {
    Forge::new(
        "GitHub",
        api,
        "GITHUB_TOKEN",
        "Authorization",
        true,
        max_wait,
    )
}

/// Every repository of organisation `org`.
pub fn organisation(forge: &Forge, org: &str) -> anyhow::Result<Vec<Repository>> {
    let url = format!("/orgs/{}/repos?type=all&per_page=100", super::encode(org));
    list(forge, &url, &format!("GitHub organisation {org}"))
}

/// Every repository user `user` owns.
pub fn user(forge: &Forge, user: &str) -> anyhow::Result<Vec<Repository>> {
    let url = format!(
        "/users/{}/repos?type=owner&per_page=100",
        super::encode(user)
    );
    list(forge, &url, &format!("GitHub user {user}"))
}

fn list(forge: &Forge, url: &str, what: &str) -> anyhow::Result<Vec<Repository>> {
    let mut repositories = Vec::new();
    for repo in forge.pages(url, what)? {
        let text = |key: &str| repo[key].as_str().unwrap_or_default().to_owned();
        let name = text("full_name");
        if name.is_empty() {
            anyhow::bail!("{what}: the GitHub API listed a repository without `full_name`");
        }
        repositories.push(Repository {
            name,
            https: text("clone_url"),
            ssh: text("ssh_url"),
            fork: repo["fork"].as_bool().unwrap_or(false),
            archived: repo["archived"].as_bool().unwrap_or(false),
        });
    }
    Ok(repositories)
}
