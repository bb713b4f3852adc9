//! Opening a repository: isolated from the user's and the system's git
//! configuration, found from a subdirectory only when it belongs to the
//! current user, with a delta-base cache per thread.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Opens `path` as a git repository (a work tree, a `.git` directory or a
/// bare repository), isolated from the user's and the system's git
/// configuration. `Ok(None)` when `path` is not a repository.
pub fn open(path: &Path) -> anyhow::Result<Option<gix::Repository>> {
    match gix::open_opts(path, gix::open::Options::isolated()) {
        Ok(repo) => Ok(Some(repo)),
        Err(gix::open::Error::NotARepository { .. }) => Ok(None),
        Err(err) => {
            Err(err).with_context(|| format!("cannot open git repository {}", path.display()))
        }
    }
}

/// Opens the repository that holds `path`: `path` itself, or the nearest
/// of its parent directories that is one (as git finds it from a
/// subdirectory), isolated like [`open`]. A repository found above `path`
/// must belong to the user running leakhound: a `.git` someone else put in
/// a shared parent directory (`/tmp/.git`) would otherwise be scanned
/// instead of the files asked for. `Ok(None)` when there is none.
pub fn discover(path: &Path) -> anyhow::Result<Option<gix::Repository>> {
    if let Some(repo) = open(path)? {
        return Ok(Some(repo));
    }
    let options = gix::discover::upwards::Options {
        trust: gix::discover::upwards::TrustPolicy::Required(gix::sec::Trust::Full),
        ..Default::default()
    };
    let mapping = gix::sec::trust::Mapping {
        full: gix::open::Options::isolated(),
        reduced: gix::open::Options::isolated(),
    };
    match gix::ThreadSafeRepository::discover_opts(path, options, mapping) {
        Ok(repo) => Ok(Some(repo.to_thread_local())),
        Err(gix::discover::Error::Discover(
            gix::discover::upwards::Error::NoTrustedGitRepository { candidate, .. },
        )) => {
            log::warn!(
                "{} is in the git repository {}, which belongs to another user: \
                 scanning only the files under it (scan the repository itself to scan its history)",
                path.display(),
                candidate.display()
            );
            Ok(None)
        }
        Err(gix::discover::Error::Discover(err)) => {
            log::debug!("{}: no repository found above it: {err}", path.display());
            Ok(None)
        }
        Err(err) => Err(err)
            .with_context(|| format!("cannot open the git repository above {}", path.display())),
    }
}

/// Whether the repository lacks objects by design: a shallow clone (no
/// history past its boundary) or a partial clone (objects left on the
/// server). A missing object is then counted and named, but does not fail
/// the scan; in any other repository it does.
pub fn lacks_objects_by_design(repo: &gix::Repository) -> bool {
    if repo.is_shallow() {
        return true;
    }
    let config = repo.config_snapshot();
    config.string("extensions.partialClone").is_some()
        || repo.remote_names().iter().any(|name| {
            config
                .boolean(format!("remote.{name}.promisor").as_str())
                .unwrap_or(false)
        })
}

/// Where the configuration file of a repository is looked for.
pub fn project_root(repo: &gix::Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned()
}

/// Delta bases kept per repository handle: reading blobs or trees one by
/// one in pack order, a bigger cache than gix's default 64 entries saves
/// re-inflating the bases of long delta chains.
const PACK_CACHE_BYTES: usize = 16 << 20;

/// A thread-local handle with a [`PACK_CACHE_BYTES`] delta-base cache.
pub(super) fn with_pack_cache(repo: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = repo.to_thread_local();
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    repo
}
