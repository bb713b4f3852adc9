//! Sources: where the bytes come from.

pub mod fs;
pub mod git;

use std::path::{Path, PathBuf};

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
