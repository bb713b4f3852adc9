//! Files leakhound writes that are reports or can hold a secret (`-o`
//! reports, baselines, imported configuration): whole, owner-only, and
//! never written through a link.
//!
//! A [`PrivateFile`] is a new temporary file beside the target, created
//! readable and writable by its owner only, and renamed over the target
//! once complete. So the target is always either what it was or the whole
//! new file: never a truncated report, never the old file's mode (a 0666
//! file stays 0666 when it is overwritten in place), never the target of a
//! symlink at the path (the rename replaces the link itself), never a file
//! that another user created at the path first (in a sticky directory such
//! as /tmp the rename is refused instead). A directory at the path is an
//! error.
//!
//! Temporary files not yet renamed are registered, so that an interrupted
//! run can delete them ([`abandon_pending`], from a signal handler) and a
//! scan can tell them from files to scan ([`is_temporary_for`]).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The temporary files created and not yet renamed or deleted.
static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// What a temporary file's name ends with.
const TEMPORARY_SUFFIX: &str = ".leakhound-tmp";

/// A file being written: renamed over its target by [`PrivateFile::commit`],
/// deleted if dropped before.
pub struct PrivateFile {
    temporary: Option<tempfile::NamedTempFile>,
    target: PathBuf,
}

impl PrivateFile {
    /// Starts writing `target`: a new owner-only file beside it.
    pub fn create(target: &Path) -> io::Result<PrivateFile> {
        let is_dir = std::fs::symlink_metadata(target).is_ok_and(|m| m.is_dir());
        if is_dir {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "it is a directory",
            ));
        }
        // A device or a pipe (`-o /dev/null`) would be replaced by the
        // rename: a regular file where the device was, for every process.
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let special = std::fs::symlink_metadata(target).is_ok_and(|m| {
                let kind = m.file_type();
                kind.is_char_device()
                    || kind.is_block_device()
                    || kind.is_fifo()
                    || kind.is_socket()
            });
            if special {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "it is a device, a pipe or a socket, which a report would replace \
                     (leave -o out to write the report to stdout, and redirect that)",
                ));
            }
        }
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        let prefix = format!(".{}.", name.to_string_lossy());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(TEMPORARY_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o600));
        }
        let mut pending = lock();
        let temporary = builder.tempfile_in(dir)?;
        pending.push(temporary.path().to_owned());
        Ok(PrivateFile {
            temporary: Some(temporary),
            target: target.to_owned(),
        })
    }

    /// The file to write to.
    pub fn file(&mut self) -> &mut File {
        self.temporary
            .as_mut()
            .expect("not yet committed")
            .as_file_mut()
    }

    /// Puts the complete file in place of the target.
    pub fn commit(mut self) -> io::Result<()> {
        let temporary = self.temporary.take().expect("committed once");
        temporary.as_file().sync_all()?;
        let mut pending = lock();
        let path = temporary.path().to_owned();
        pending.retain(|p| *p != path);
        // On failure the temporary file is dropped here, and deleted.
        temporary.persist(&self.target).map_err(|e| e.error)?;
        Ok(())
    }
}

impl Write for PrivateFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.file().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file().flush()
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        if let Some(temporary) = self.temporary.take() {
            let mut pending = lock();
            let path = temporary.path().to_owned();
            pending.retain(|p| *p != path);
            drop(temporary);
        }
    }
}

/// Writes `contents` to `target` through a [`PrivateFile`].
pub fn write(target: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = PrivateFile::create(target)?;
    file.write_all(contents)?;
    file.commit()
}

/// Deletes every temporary file not yet renamed, and keeps any from being
/// created or renamed from now on: for a signal handler about to end the
/// process, so that an interrupted run leaves each target as it was.
pub fn abandon_pending() {
    let pending = lock();
    for path in pending.iter() {
        let _ = std::fs::remove_file(path);
    }
    // Held until the process ends.
    std::mem::forget(pending);
}

/// Whether `candidate` is `target` or a temporary file of it (by name, in
/// the same directory).
pub fn is_temporary_for(target: &Path, candidate: &Path) -> bool {
    let (Some(name), Some(target_name)) = (candidate.file_name(), target.file_name()) else {
        return false;
    };
    let (name, target_name) = (name.to_string_lossy(), target_name.to_string_lossy());
    let temporary = name
        .strip_prefix(&format!(".{target_name}."))
        .is_some_and(|rest| rest.ends_with(TEMPORARY_SUFFIX));
    (name == target_name || temporary) && same_dir(target, candidate)
}

fn same_dir(a: &Path, b: &Path) -> bool {
    let dir = |p: &Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        std::fs::canonicalize(parent.unwrap_or(Path::new("."))).ok()
    };
    match (dir(a), dir(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn lock() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_target_whole_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, "old").unwrap();
        let mut file = PrivateFile::create(&target).unwrap();
        file.write_all(b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        file.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        let dropped = PrivateFile::create(&target).unwrap();
        drop(dropped);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[cfg(unix)]
    #[test]
    fn never_replaces_a_device() {
        let err = PrivateFile::create(Path::new("/dev/null"))
            .err()
            .expect("refused");
        assert!(err.to_string().contains("a device"), "{err}");
        let meta = std::fs::symlink_metadata("/dev/null").unwrap();
        use std::os::unix::fs::FileTypeExt;
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn names_its_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("r.json");
        let file = PrivateFile::create(&target).unwrap();
        let temporary = file.temporary.as_ref().unwrap().path().to_owned();
        assert!(is_temporary_for(&target, &temporary), "{temporary:?}");
        assert!(is_temporary_for(&target, &target));
        assert!(!is_temporary_for(&target, &dir.path().join("r.json.bak")));
        assert!(!is_temporary_for(&target, Path::new("r.json")));
    }
}
