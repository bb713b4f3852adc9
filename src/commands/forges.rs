//! The repositories of the organisations, users and groups asked for.

use crate::cli::TargetArgs;
use leakhound::targets::Target;

/// The targets the forges list (none if no organisation is asked for),
/// sorted by repository name within each listing. A listing with no
/// repository left after the selection is an error: a scan of nothing
/// does not pass.
#[cfg(feature = "forges")]
pub fn list(args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
    use leakhound::targets::forge::{Selection, github, gitlab};
    let wait = std::time::Duration::from_secs(args.rate_limit_wait);
    let selection = Selection {
        forks: args.include_forks,
        no_archived: args.exclude_archived,
        // Without the `https` feature, only ssh URLs can be cloned.
        ssh: args.clone_ssh || !cfg!(feature = "https"),
    };
    let mut targets = Vec::new();
    let mut add = |what: String, listed: Vec<_>| -> anyhow::Result<()> {
        let found = listed.len();
        let selected = selection.targets(listed);
        log::info!(
            "{what}: {} of {found} repositories selected",
            selected.len()
        );
        if selected.is_empty() {
            anyhow::bail!(
                "{what} has no repositories to scan ({found} listed; forks are left out unless \
                 --include-forks{})",
                if args.exclude_archived {
                    ", archived ones with --exclude-archived"
                } else {
                    ""
                }
            );
        }
        targets.extend(selected);
        Ok(())
    };
    if !args.github_org.is_empty() || !args.github_user.is_empty() {
        let forge = github::forge(&args.github_api_url, wait)?;
        for org in &args.github_org {
            add(
                format!("GitHub organisation {org}"),
                github::organisation(&forge, org)?,
            )?;
        }
        for user in &args.github_user {
            add(format!("GitHub user {user}"), github::user(&forge, user)?)?;
        }
    }
    if !args.gitlab_group.is_empty() {
        let forge = gitlab::forge(&args.gitlab_api_url, wait)?;
        for group in &args.gitlab_group {
            add(
                format!("GitLab group {group}"),
                gitlab::group(&forge, group)?,
            )?;
        }
    }
    Ok(targets)
}

#[cfg(not(feature = "forges"))]
pub fn list(args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
    if args.forges() {
        anyhow::bail!(
            "this leakhound was built without the `forges` feature, so --github-org, \
             --github-user and --gitlab-group are unavailable"
        );
    }
    Ok(Vec::new())
}
