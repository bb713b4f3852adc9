//! The repositories of the organisations, users and groups asked for.

use crate::cli::TargetArgs;
use leakhound::targets::Target;

/// The targets the forges list (none if no organisation is asked for).
#[cfg(feature = "forges")]
pub fn list(args: &TargetArgs) -> anyhow::Result<Vec<Target>> {
    let _ = args;
    Ok(Vec::new())
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
