//! Files: a directory walk (gitignore-aware), single files and stdin.
//!
//! The walk runs on its own thread and feeds a bounded channel; a rayon pool
//! reads and scans the files, each thread with its own [`ChunkScanner`].

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::finding::Findings;
use crate::matcher::Engine;
use crate::scan::{ChunkScanner, Origin, SkipReason, Summary};
use crate::source::{display_path, relative_path};

/// Options of a file-system scan.
#[derive(Clone, Debug)]
pub struct FsOptions {
    /// Project root, for relative paths.
    pub root: PathBuf,
    /// Files larger than this are skipped.
    pub max_file_size: u64,
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub respect_ignore: bool,
}

/// What the walker sends to the scanning threads.
enum Item {
    File(PathBuf),
    Skip(SkipReason),
}

/// Scans a file or a directory tree.
pub fn scan_path(engine: &Engine, target: &Path, options: &FsOptions) -> (Findings, Summary) {
    if target.is_file() {
        let mut scanner = ChunkScanner::new(engine);
        scan_file(&mut scanner, target, options);
        return scanner.finish();
    }
    let (tx, rx) = mpsc::sync_channel::<Item>(4096);
    std::thread::scope(|scope| {
        // The walker owns the only sender, so the loop below ends with it.
        scope.spawn(move || walk(target, options, &tx));
        rx.into_iter()
            .par_bridge()
            .fold(
                || ChunkScanner::new(engine),
                |mut scanner, item| {
                    match item {
                        Item::File(path) => scan_file(&mut scanner, &path, options),
                        Item::Skip(reason) => scanner.skip(reason),
                    }
                    scanner
                },
            )
            .map(ChunkScanner::finish)
            .reduce(Default::default, crate::scan::merge)
    })
}

fn walk(target: &Path, options: &FsOptions, tx: &mpsc::SyncSender<Item>) {
    let respect = options.respect_ignore;
    let walker = ignore::WalkBuilder::new(target)
        .hidden(false)
        .parents(respect)
        .ignore(respect)
        .git_ignore(respect)
        .git_exclude(respect)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .build();
    for entry in walker {
        let item = match entry {
            Ok(entry) => match entry.file_type() {
                Some(t) if t.is_dir() => continue,
                Some(t) if t.is_file() => Item::File(entry.into_path()),
                Some(t) if t.is_symlink() => {
                    log::debug!(
                        "{}: skipped: symlink (not followed)",
                        display_path(entry.path())
                    );
                    Item::Skip(SkipReason::Symlink)
                }
                _ => {
                    log::warn!(
                        "{}: skipped: not a regular file",
                        display_path(entry.path())
                    );
                    Item::Skip(SkipReason::NotAFile)
                }
            },
            Err(err) => {
                log::warn!("skipped: {err}");
                Item::Skip(SkipReason::WalkError)
            }
        };
        if tx.send(item).is_err() {
            return;
        }
    }
}

/// Reads and scans one file, counting it as skipped when it cannot be.
fn scan_file(scanner: &mut ChunkScanner<'_>, path: &Path, options: &FsOptions) {
    let display = display_path(path);
    let relative = relative_path(&options.root, path);
    if scanner.allows_path(&relative) {
        log::debug!("{display}: skipped: allowlisted path");
        scanner.skip(SkipReason::Allowlisted);
        return;
    }
    match read_limited(path, options.max_file_size) {
        Ok(Some(bytes)) => scanner.scan(
            &bytes,
            Origin {
                display: &display,
                relative: &relative,
            },
        ),
        Ok(None) => {
            log::warn!(
                "{display}: skipped: larger than --max-file-size ({} bytes)",
                options.max_file_size
            );
            scanner.skip(SkipReason::TooLarge);
        }
        Err(err) => {
            log::warn!("{display}: skipped: cannot read: {err}");
            scanner.skip(SkipReason::Unreadable);
        }
    }
}

/// Reads a file unless it is larger than `limit` (`Ok(None)` then).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(None);
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may have grown since `metadata`; never read past the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Scans standard input (or any reader) as one input named `-`.
pub fn scan_reader(
    engine: &Engine,
    mut reader: impl Read,
    max_size: u64,
) -> std::io::Result<(Findings, Summary)> {
    let mut scanner = ChunkScanner::new(engine);
    let mut bytes = Vec::new();
    (&mut reader).take(max_size + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_size {
        log::warn!("-: skipped: standard input is larger than --max-file-size ({max_size} bytes)");
        std::io::copy(&mut reader, &mut std::io::sink())?;
        scanner.skip(SkipReason::TooLarge);
    } else {
        scanner.scan(
            &bytes,
            Origin {
                display: "-",
                relative: "-",
            },
        );
    }
    Ok(scanner.finish())
}
