//! Cloning a URL target for the scan: bare, every ref, into a temporary
//! directory that is removed when the scan of the target is done.
//!
//! Credentials come only from the URL itself, the environment and git's
//! credential helpers (gix reads git's configuration for them); no message
//! shows them: every error names the URL with its user information masked
//! and has that user information cut out.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use anyhow::anyhow;

use super::{mask_url, scp_like, url_userinfo};

/// The clones not yet removed, for [`abandon`].
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A clone being scanned: removed when dropped.
pub struct Clone {
    dir: tempfile::TempDir,
}

impl Drop for Clone {
    fn drop(&mut self) {
        let mut pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
        pending.retain(|p| p != self.dir.path());
    }
}

/// Removes the clones of this process not yet removed: for a signal
/// handler, before the process ends.
pub fn abandon() {
    let pending = PENDING.lock().unwrap_or_else(|e| e.into_inner());
    for dir in pending.iter() {
        let _ = std::fs::remove_dir_all(dir);
    }
}

impl Clone {
    /// The bare repository.
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// Clones `url` bare, with every ref (`+refs/*:refs/*`), into a new
/// temporary directory.
pub fn clone_bare(url: &str) -> anyhow::Result<Clone> {
    let shown = mask_url(url);
    check_scheme(url)?;
    let dir = tempfile::Builder::new()
        .prefix("leakhound-clone-")
        .tempdir()
        .map_err(|e| anyhow!("cannot clone: cannot create a temporary directory: {e}"))?;
    PENDING
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(dir.path().to_owned());
    let dir = Clone { dir };
    let clean = |e: &dyn std::fmt::Display| {
        let mut text = e.to_string();
        if let Some(userinfo) = url_userinfo(url) {
            text = text.replace(url, &shown).replace(userinfo, "***");
        }
        anyhow!("cannot clone: {text}")
    };
    let prepare = gix::prepare_clone_bare(url, dir.path()).map_err(|e| clean(&e))?;
    let mut prepare = prepare.configure_remote(|remote| {
        Ok(remote.with_refspecs(Some("+refs/*:refs/*"), gix::remote::Direction::Fetch)?)
    });
    let interrupt = AtomicBool::new(false);
    prepare
        .fetch_only(gix::progress::Discard, &interrupt)
        .map_err(|e| clean(&e))?;
    Ok(dir)
}

/// Refuses a URL this build cannot fetch, saying what to do instead.
fn check_scheme(url: &str) -> anyhow::Result<()> {
    let lower = url.to_ascii_lowercase();
    let http = lower.starts_with("https://") || lower.starts_with("http://");
    if http && !cfg!(feature = "https") {
        return Err(anyhow!(
            "cannot clone: this leakhound was built without the `https` feature; \
             clone it yourself (git clone --mirror) and give the path, or use an ssh:// URL"
        ));
    }
    let known = ["https://", "http://", "ssh://", "git://", "file://"]
        .iter()
        .any(|s| lower.starts_with(s))
        || scp_like(url).is_some();
    if !known {
        return Err(anyhow!(
            "cannot clone: not a git URL (use https://, ssh://, git://, file:// or user@host:path)"
        ));
    }
    Ok(())
}
