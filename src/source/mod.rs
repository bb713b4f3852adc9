//! Sources: where the bytes come from.
//!
//! A source produces [`Input`]s (bytes, a name, where findings in them are
//! reported, and for changes the version they replace) and hands them to a
//! [`Sink`], from as many threads as producing them takes; it can locate a
//! git blob's places (paths, commits) afterwards. Sources know nothing of
//! matching: the scan driver (`crate::scan::driver`) is the one sink, and it does
//! every per-input check, the matching and the counting.

pub mod fs;
pub mod git;

use std::path::{Path, PathBuf};

use crate::finding::GitLocation;
use crate::summary::SkipReason;

/// Where the findings of an input are reported.
#[derive(Clone, Debug)]
pub struct Place {
    /// Path shown in reports.
    pub display: String,
    /// Path relative to the project root, for allowlists and fingerprints.
    pub relative: String,
    /// Git provenance, for blobs of a repository.
    pub git: Option<GitLocation>,
}

impl Place {
    /// A place outside git, shown and matched as `display` and `relative`.
    pub fn file(display: String, relative: String) -> Place {
        Place {
            display,
            relative,
            git: None,
        }
    }
}

/// One input, as a source hands it to the scan.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// The content.
    pub bytes: &'a [u8],
    /// How messages name it (a path, or `blob <id>`).
    pub name: &'a str,
    /// Where its findings are reported; `None` for a git blob whose places
    /// are known only once the history is walked ([`Source::locate`]).
    pub place: Option<&'a Place>,
    /// The git blob it is, if it is one.
    pub blob: Option<gix::ObjectId>,
    /// The version it replaces: only what it adds is reported (the commits
    /// of a range, staged changes).
    pub base: Option<&'a [u8]>,
}

/// What the scan does with inputs: the one place where inputs are checked,
/// matched and counted. Called from any number of threads at once.
pub trait Sink: Sync {
    /// The size limit: larger inputs are not scanned, so a source that
    /// knows a size before reading need not read.
    fn max_size(&self) -> u64;
    /// Says that the input `name` of `size` bytes is over the size limit,
    /// and counts it.
    fn too_large(&self, name: &str, size: u64);
    /// Whether a file at `relative` (project-relative) is to be read: not
    /// if the configuration's allowlist excludes the path (then it is
    /// counted as skipped).
    fn wants_path(&self, relative: &str, name: &str) -> bool;
    /// Scans one input.
    fn input(&self, input: Input<'_>);
    /// Counts an input that could not be produced (the source has said
    /// why).
    fn skip(&self, reason: SkipReason);

    /// Counts a git object the scan needed and could not read (`reason` is
    /// [`SkipReason::Missing`] or [`SkipReason::Unreadable`]), named
    /// `name` (`blob <id>`, `tree <id> at 'dir'`, `ref <name>`). Unlike
    /// [`Sink::skip`], this makes the scan incomplete: it goes on, and
    /// then fails (exit status 2). Missing objects a shallow or partial
    /// clone lacks by design are counted with [`Sink::skip`] instead.
    fn unread(&self, name: &str, reason: SkipReason) {
        let _ = name;
        self.skip(reason);
    }

    /// Says that the inputs sharing most of their content (the versions of
    /// a file in a history) have all been handed over: what is kept to
    /// scan such inputs faster (the block memo, regex caches) can be freed
    /// before the rest of the scan.
    fn repeats_done(&self) {}

    /// The configuration's path allowlist, if it has one, for a source that
    /// learns paths without reading files (a history walk): it leaves out
    /// an input at a path the allowlist matches and counts it with
    /// [`Sink::skip`], as a directory walk does through
    /// [`Sink::wants_path`].
    fn path_allowlist(&self) -> Option<&crate::rules::PathSet> {
        None
    }

    /// Says that git blob `id` of `size` bytes, whose path is not known yet
    /// (a history scan), is over the size limit, and counts it; the driver
    /// names it by its path and commit once the walk has found them.
    fn too_large_blob(&self, id: gix::ObjectId, size: u64) {
        self.too_large(&format!("blob {id}"), size);
    }

    /// Whether an input of `size` bytes fits the size limit; if not, says
    /// so and counts it.
    fn fits(&self, size: u64, name: &str) -> bool {
        let fits = size <= self.max_size();
        if !fits {
            self.too_large(name, size);
        }
        fits
    }
}

/// What a source counted while producing.
#[derive(Clone, Debug, Default)]
pub struct Produced {
    /// Commits walked.
    pub commits: u64,
    /// Whether locations are git blob versions of which only the earliest
    /// per path is to be kept.
    pub earliest_per_path: bool,
}

/// A producer of inputs.
pub trait Source {
    /// Hands every input to `sink`.
    fn produce(&mut self, sink: &dyn Sink) -> anyhow::Result<Produced>;

    /// Whether a blob handed over without a place belongs to the scan: the
    /// history source reads whole packs before its walk says which blobs a
    /// ref reaches. Sources that hand over places keep everything.
    fn keeps(&self, _blob: &gix::ObjectId) -> bool {
        true
    }

    /// The places of blobs handed over without one (those kept that hold
    /// findings): every path, with the commit that put the blob there.
    fn locate(
        &mut self,
        _blobs: &gix::hashtable::HashSet<gix::ObjectId>,
    ) -> gix::hashtable::HashMap<gix::ObjectId, Vec<Place>> {
        Default::default()
    }
}

/// Finds the project root for `target`: the nearest ancestor directory
/// (the target itself included) holding a `.leakhound.yml` or a `.git`.
/// Without one, the target directory (or a file's directory) is the root.
pub fn project_root(target: &Path) -> PathBuf {
    let start = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_owned());
    let start = if start.is_dir() {
        start
    } else {
        start.parent().map(Path::to_owned).unwrap_or(start)
    };
    start
        .ancestors()
        .find(|dir| dir.join(crate::config::CONFIG_FILE).is_file() || dir.join(".git").exists())
        .map_or_else(|| start.clone(), Path::to_owned)
}

/// `path` as shown in reports: lossy UTF-8, without a leading `./`.
pub fn display_path(path: &Path) -> String {
    let text = path.to_string_lossy();
    text.strip_prefix("./").unwrap_or(&text).to_owned()
}

/// `path` relative to `root` with `/` separators (falls back to the display
/// path when `path` is not under `root`).
pub fn relative_path(root: &Path, path: &Path) -> String {
    let absolute = if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_owned())
    };
    let absolute = normalize(&absolute);
    match absolute.strip_prefix(root) {
        Ok(rel) => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => display_path(path),
    }
}

/// Removes `.` and resolves `..` lexically.
fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative_path(Path::new("/r"), Path::new("/r/a/./b.txt")),
            "a/b.txt"
        );
        assert_eq!(relative_path(Path::new("/r"), Path::new("/x/../r/c")), "c");
        assert_eq!(
            relative_path(Path::new("/r"), Path::new("/elsewhere/c")),
            "/elsewhere/c"
        );
        assert_eq!(display_path(Path::new("./src/x.rs")), "src/x.rs");
    }
}
