//! GitLab: a group's projects, its subgroups' included.

use super::{Forge, Repository};

/// A client of the GitLab API at `api` (`https://gitlab.com/api/v4`, or a
/// self-hosted GitLab's `https://HOST/api/v4`), with `GITLAB_TOKEN`.
pub fn forge(api: &str, max_wait: std::time::Duration) -> anyhow::Result<Forge> {
    Forge::new(
        "GitLab",
        api,
        "GITLAB_TOKEN",
        "PRIVATE-TOKEN",
        false,
        max_wait,
    )
}

/// Every project of group `group` (a path such as `team/sub`) and its
/// subgroups.
pub fn group(forge: &Forge, group: &str) -> anyhow::Result<Vec<Repository>> {
    let url = format!(
        "/groups/{}/projects?include_subgroups=true&per_page=100&order_by=id&sort=asc",
        super::encode(group.trim_matches('/'))
    );
    let what = format!("GitLab group {group}");
    let mut repositories = Vec::new();
    for project in forge.pages(&url, &what)? {
        let text = |key: &str| project[key].as_str().unwrap_or_default().to_owned();
        let name = text("path_with_namespace");
        if name.is_empty() {
            anyhow::bail!("{what}: the GitLab API listed a project without `path_with_namespace`");
        }
        repositories.push(Repository {
            name,
            https: text("http_url_to_repo"),
            ssh: text("ssh_url_to_repo"),
            fork: project
                .get("forked_from_project")
                .is_some_and(|f| !f.is_null()),
            archived: project["archived"].as_bool().unwrap_or(false),
        });
    }
    Ok(repositories)
}
