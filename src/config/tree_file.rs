//! Reading a file of the scanned tree (its `.leakhound.yml`, its
//! `.leakhoundignore`): never through a symlink, never a special file.

use std::path::Path;

/// Reads the file `relative` (`/`-separated) of the scanned tree at `root`,
/// never through a symbolic link: a scanned repository is not trusted, and
/// a `.leakhound.yml` linked to `~/.git-credentials` must not be read (nor
/// quoted in a parse error). `Ok(None)` when there is no such file, and
/// when it is a symlink, sits under one, or is not a regular file (a
/// directory, a FIFO): then a warning names it.
///
/// A file that is there but unusable is skipped with a warning rather than
/// failing the scan, for the configuration as for the ignore file: the
/// scan then runs with the built-in rules and no allowlist, which reports
/// at least as much as any configuration that only suppresses, and a
/// repository cannot stop its own scan with a directory named
/// `.leakhound.yml`. What it cannot bring is the custom rules such a file
/// might hold: the warning says that the file was not used.
pub fn read_tree_file(root: &Path, relative: &str) -> std::io::Result<Option<String>> {
    let path = root.join(relative);
    let mut at = root.to_owned();
    let parts: Vec<&str> = relative.split('/').filter(|p| !p.is_empty()).collect();
    for (n, part) in parts.iter().enumerate() {
        at.push(part);
        let meta = match std::fs::symlink_metadata(&at) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let last = n + 1 == parts.len();
        if meta.file_type().is_symlink() {
            log::warn!(
                "{}: not used: {} a symlink, and nothing in the scanned tree is followed out of it",
                path.display(),
                if last { "it is" } else { "its directory is" }
            );
            return Ok(None);
        }
        if last && !meta.is_file() {
            log::warn!(
                "{}: not used: not a regular file ({})",
                path.display(),
                if meta.is_dir() {
                    "a directory"
                } else {
                    "a special file"
                }
            );
            return Ok(None);
        }
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Replaced by a link or a FIFO since it was looked at: refuse, and
        // never block on opening.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = match options.open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        log::warn!("{}: not used: not a regular file", path.display());
        return Ok(None);
    }
    let mut text = String::new();
    std::io::Read::read_to_string(&mut &file, &mut text)?;
    Ok(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONFIG_FILE;

    #[cfg(unix)]
    #[test]
    fn tree_files_are_not_read_through_symlinks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("target.yml"), "disable: []\n").unwrap();
        std::os::unix::fs::symlink(root.join("target.yml"), root.join(CONFIG_FILE)).unwrap();
        assert!(read_tree_file(root, CONFIG_FILE).unwrap().is_none());
        std::fs::create_dir(root.join("real")).unwrap();
        std::fs::write(root.join("real/x.yml"), "a").unwrap();
        std::os::unix::fs::symlink(root.join("real"), root.join("link")).unwrap();
        assert!(read_tree_file(root, "link/x.yml").unwrap().is_none());
        assert_eq!(
            read_tree_file(root, "real/x.yml").unwrap().as_deref(),
            Some("a")
        );
        assert!(
            read_tree_file(root, "real").unwrap().is_none(),
            "a directory"
        );
        assert!(read_tree_file(root, "absent").unwrap().is_none());
    }
}
