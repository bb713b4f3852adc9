//! `leakhound hook install`: a git pre-commit hook that scans what each
//! commit adds.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};

use leakhound::source::git;

/// The line that marks a hook as ours.
const MARKER: &str = "# installed by `leakhound hook install`";

/// Writes the pre-commit hook of the repository at `path` (or that holds
/// it: a subdirectory will do), where git runs hooks from.
pub fn install(path: &Path, force: bool) -> anyhow::Result<ExitCode> {
    let hooks = hooks_dir(path)?;
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

/// Where git runs the hooks of the repository that holds `path` from, as
/// git itself says (`git rev-parse --git-path hooks`): it alone knows every
/// rule that decides it (`core.hooksPath` in any configuration file, `~/`
/// in it, the common directory of a linked worktree, `GIT_DIR`), and it is
/// the git that will run the hook. It runs in `path`, with no argument
/// taken from the repository.
fn hooks_dir(path: &Path) -> anyhow::Result<PathBuf> {
    let output = std::process::Command::new("git")
        .args(["rev-parse", "--git-path", "hooks"])
        .current_dir(path)
        .stdin(std::process::Stdio::null())
        .output()
        .with_context(|| {
            format!(
                "cannot run git to ask where it runs hooks from in '{}' (is git installed?)",
                path.display()
            )
        })?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.trim().trim_start_matches("fatal: ");
        if git::discover(path)?.is_none() {
            bail!("'{}' is not in a git repository ({said})", path.display());
        }
        bail!(
            "git cannot tell where it runs the hooks of '{}' from: {said}",
            path.display()
        );
    }
    let text = String::from_utf8(output.stdout)
        .context("git named a hooks directory that is not UTF-8")?;
    let text = text.trim_end_matches(['\n', '\r']);
    if text.is_empty() {
        bail!("git named no hooks directory for '{}'", path.display());
    }
    // Relative to the directory git ran in.
    Ok(if path == Path::new(".") {
        PathBuf::from(text)
    } else {
        path.join(text)
    })
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
