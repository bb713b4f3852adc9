//! `leakhound hook install`: a git pre-commit hook that scans what each
//! commit adds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use leakhound::source::git;

/// The line that marks a hook as ours.
const MARKER: &str = "# installed by `leakhound hook install`";

/// Writes the pre-commit hook of the repository at `path`.
pub fn install(path: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let repo = git::open(path)?
        .with_context(|| format!("'{}' is not a git repository", path.display()))?;
    let hooks = hooks_dir(&repo);
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create {}", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    if let Ok(existing) = std::fs::read_to_string(&hook)
        && !existing.contains(MARKER)
        && !force
    {
        bail!(
            "{} exists and was not written by leakhound: add `leakhound scan --staged` to it, \
             or replace it with --force",
            hook.display()
        );
    }
    std::fs::write(&hook, script()).with_context(|| format!("cannot write {}", hook.display()))?;
    make_executable(&hook)?;
    eprintln!("leakhound: installed {}", hook.display());
    Ok(ExitCode::SUCCESS)
}

/// `core.hooksPath` when the repository sets it, else `.git/hooks`.
fn hooks_dir(repo: &gix::Repository) -> PathBuf {
    let configured = repo
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .ok()
        .flatten();
    match configured {
        Some(p) if p.is_absolute() => p,
        Some(p) => repo.workdir().unwrap_or_else(|| repo.git_dir()).join(p),
        None => repo.git_dir().join("hooks"),
    }
}

/// The hook: this binary if it is still there, else `leakhound` on PATH;
/// neither is an error that blocks the commit, never a silent pass.
fn script() -> String {
    let exe = std::env::current_exe()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
        .replace('\'', "'\\''");
    format!(
        "#!/bin/sh\n{MARKER}\n# It scans what this commit adds; bypass once with `git commit --no-verify`.\n\
         leakhound='{exe}'\n\
         [ -x \"$leakhound\" ] || leakhound=$(command -v leakhound) || {{\n\
         \x20   echo 'pre-commit: leakhound not found; install it or run `git commit --no-verify`' >&2\n\
         \x20   exit 1\n\
         }}\n\
         exec \"$leakhound\" scan --staged --no-progress\n"
    )
}

fn make_executable(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
            .with_context(|| format!("cannot make {} executable", path.display()))?;
    }
    Ok(())
}
