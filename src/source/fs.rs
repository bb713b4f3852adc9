//! Files: a directory walk (gitignore-aware), single files and stdin.
//!
//! The walk runs on its own thread and feeds a bounded channel; a rayon pool
//! reads the files and hands them to the sink.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use rayon::iter::{ParallelBridge, ParallelIterator};

use crate::source::{Input, Place, Produced, Sink, Source, display_path, relative_path};
use crate::summary::SkipReason;

/// Options of a file-system scan.
#[derive(Clone, Debug)]
pub struct FsOptions {
    /// Project root, for relative paths.
    pub root: PathBuf,
    /// Honour `.gitignore`, `.ignore` and `.git/info/exclude`.
    pub respect_ignore: bool,
    /// The report file being written: skipped, with its temporary files.
    pub report: Option<PathBuf>,
}

/// What the walker sends to the scanning threads.
enum Item {
    File(PathBuf),
    Skip(SkipReason),
}

/// Files and directory trees.
pub struct Files {
    /// The files and directories to scan.
    pub paths: Vec<PathBuf>,
    /// How.
    pub options: FsOptions,
}

impl Source for Files {
    fn produce(&mut self, sink: &dyn Sink) -> anyhow::Result<Produced> {
        for path in &self.paths {
            produce_path(path, &self.options, sink);
        }
        Ok(Produced::default())
    }
}

/// Hands over a file, or every file of a directory tree.
fn produce_path(target: &Path, options: &FsOptions, sink: &dyn Sink) {
    if target.is_file() {
        read_file(sink, target, options);
        return;
    }
    let (tx, rx) = mpsc::sync_channel::<Item>(4096);
    std::thread::scope(|scope| {
        // The walker owns the only sender, so the loop below ends with it.
        scope.spawn(move || walk(target, options, &tx));
        rx.into_iter().par_bridge().for_each(|item| match item {
            Item::File(path) => read_file(sink, &path, options),
            Item::Skip(reason) => sink.skip(reason),
        });
    });
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
                    log::info!(
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

/// Reads one file and hands it over, or says why it cannot be read.
fn read_file(sink: &dyn Sink, path: &Path, options: &FsOptions) {
    let display = display_path(path);
    if let Some(report) = &options.report
        && crate::output::is_temporary_for(report, path)
    {
        log::debug!("{display}: skipped: the report being written");
        sink.skip(SkipReason::Report);
        return;
    }
    let relative = relative_path(&options.root, path);
    if !sink.wants_path(&relative, &display) {
        return;
    }
    match read_limited(path, sink.max_size()) {
        Ok(Ok(bytes)) => {
            let place = Place::file(display, relative);
            sink.input(Input {
                bytes: &bytes,
                name: &place.display,
                place: Some(&place),
                blob: None,
                base: None,
            });
        }
        Ok(Err(size)) => sink.too_large(&display, size),
        Err(err) => {
            log::warn!("{display}: skipped: cannot read: {err}");
            sink.skip(SkipReason::Unreadable);
        }
    }
}

/// Reads a file unless it is larger than `limit` (`Ok(Err(size))` then).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<Result<Vec<u8>, u64>> {
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > limit {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may have grown since `metadata`; never read past the limit.
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// Standard input (or any reader), as one input named `-`.
pub struct Stdin<R> {
    /// Where the bytes come from.
    pub reader: R,
}

impl<R: Read> Source for Stdin<R> {
    /// Reads at most the size limit and one byte more: a larger input (an
    /// endless one, say `/dev/zero`) is an error, not a scan of its start
    /// nor a wait for an end that never comes. The writer of a longer
    /// stream then sees its pipe closed.
    fn produce(&mut self, sink: &dyn Sink) -> anyhow::Result<Produced> {
        let limit = sink.max_size();
        let mut bytes = Vec::new();
        (&mut self.reader)
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| anyhow::anyhow!("cannot read standard input: {e}"))?;
        if bytes.len() as u64 > limit {
            anyhow::bail!(
                "standard input is larger than the size limit ({limit} bytes): nothing was \
                 scanned; raise --max-file-size to scan it"
            );
        }
        let place = Place::file("-".into(), "-".into());
        sink.input(Input {
            bytes: &bytes,
            name: "-",
            place: Some(&place),
            blob: None,
            base: None,
        });
        Ok(Produced::default())
    }
}
