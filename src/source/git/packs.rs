//! One pass over the packs: every object decoded once, each blob handed to
//! the sink as it comes.
//!
//! Reading blobs one by one resolves each delta chain from its end: a base
//! shared by a hundred versions of a file is inflated again and again
//! unless it happens to be in a small cache. The pack's own delta tree
//! instead decodes each base once and applies its deltas from there, the
//! way `git index-pack` does, on all worker threads. This pass does not
//! need the history walk, so the two run at the same time; which of the
//! blobs it read are reachable is settled afterwards.
//!
//! A pack that holds an object over the size limit (it would be inflated
//! whole), or that cannot be read in one pass, is left to the one-by-one
//! reader, as are loose objects and those of alternates: whatever this pass
//! does not cover is read the ordinary way, so coverage never depends on it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

use gix::ObjectId;
use gix::hashtable::{HashMap, HashSet};
use gix::odb::pack;

use super::Progress;
use super::history::Commit;
use super::trees::TreeStore;
use crate::source::{Input, Sink};

/// What the pass read.
#[derive(Default)]
pub struct Read {
    /// The blobs handed over.
    pub blobs: HashSet<ObjectId>,
    /// Every tree, parsed.
    pub trees: TreeStore,
    /// Every commit, parsed (the walk then reads none from the packs).
    pub commits: HashMap<ObjectId, Commit>,
}

/// Reads every pack of the repository's object directory in one pass each,
/// hands every blob in them to `sink` and keeps every tree.
pub fn read(
    repo: &gix::ThreadSafeRepository,
    sink: &dyn Sink,
    threads: usize,
    progress: &Progress,
) -> Read {
    let mut read = Read::default();
    let hash = repo.to_thread_local().object_hash();
    let bundles: Vec<(PathBuf, pack::Bundle)> = pack_indices(&repo.objects_dir().join("pack"))
        .into_iter()
        .filter_map(|index| match pack::Bundle::at(&index, hash) {
            Ok(bundle) => Some((index, bundle)),
            Err(err) => {
                log::info!("{}: read object by object: {err}", index.display());
                None
            }
        })
        .collect();
    let objects = bundles
        .iter()
        .map(|(_, b)| u64::from(b.index.num_objects()))
        .sum();
    progress.packs(objects);
    for (index, bundle) in bundles {
        if let Some(size) = largest_base(&bundle).filter(|&s| s > sink.max_size()) {
            log::info!(
                "{}: holds an object of {size} bytes, over --max-file-size: read object by object",
                index.display()
            );
            continue;
        }
        read_pack(&bundle, hash, sink, threads, progress, &mut read);
    }
    read
}

/// The `.idx` files of a pack directory, sorted (none if it cannot be read).
fn pack_indices(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "idx"))
        .collect();
    found.sort();
    found
}

/// The size of the largest undeltified object of a pack (`None` if a
/// header cannot be read: the one-by-one reader will say what is wrong).
fn largest_base(bundle: &pack::Bundle) -> Option<u64> {
    let mut largest = 0;
    for entry in bundle.index.iter() {
        let header = bundle.pack.entry(entry.pack_offset).ok()?;
        if header.header.is_base() {
            largest = largest.max(header.decompressed_size);
        }
    }
    Some(largest)
}

/// Traverses one pack's delta tree on `threads` threads.
fn read_pack(
    bundle: &pack::Bundle,
    hash: gix::hash::Kind,
    sink: &dyn Sink,
    threads: usize,
    progress: &Progress,
    read: &mut Read,
) {
    let results = Mutex::new(Vec::new());
    let trees = Mutex::new(std::mem::take(&mut read.trees));
    let commits = Mutex::new(std::mem::take(&mut read.commits));
    let mut worker = Worker {
        sink,
        hash,
        done: Vec::new(),
        commits: &commits,
        trees: &trees,
        results: &results,
        progress,
    };
    let processor =
        move |kind, data: &[u8], entry: &pack::index::Entry, _: &dyn gix::progress::Progress| {
            worker.object(kind, data, entry.oid);
            Ok::<_, std::convert::Infallible>(())
        };
    let options = pack::index::traverse::Options {
        traversal: pack::index::traverse::Algorithm::DeltaTreeLookup,
        thread_limit: Some(threads.max(1)),
        check: pack::index::traverse::SafetyCheck::SkipFileAndObjectChecksumVerification,
        alloc_limit_bytes: None,
        make_pack_lookup_cache: || pack::cache::Never,
    };
    let interrupt = AtomicBool::new(false);
    let outcome = bundle.index.traverse(
        &bundle.pack,
        &mut gix::progress::Discard,
        &interrupt,
        processor,
        options,
    );
    if let Err(err) = outcome {
        log::warn!(
            "{}: cannot be read in one pass ({err}); reading the rest object by object",
            bundle.pack.path().display()
        );
    }
    let results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    read.blobs.extend(results.into_iter().flatten());
    read.commits = commits.into_inner().unwrap_or_else(|e| e.into_inner());
    read.trees = trees.into_inner().unwrap_or_else(|e| e.into_inner());
}

/// The per-thread state of the traversal. Each clone is a fresh worker for
/// another thread; a worker hands its list of blobs over when it is
/// dropped. Trees go straight into the one store: a store per thread would
/// hold most names and ids twice, and merging them would double the peak.
struct Worker<'a> {
    sink: &'a dyn Sink,
    hash: gix::hash::Kind,
    done: Vec<ObjectId>,
    commits: &'a Mutex<HashMap<ObjectId, Commit>>,
    trees: &'a Mutex<TreeStore>,
    results: &'a Mutex<Vec<Vec<ObjectId>>>,
    progress: &'a Progress,
}

impl Clone for Worker<'_> {
    fn clone(&self) -> Self {
        Worker {
            sink: self.sink,
            hash: self.hash,
            done: Vec::new(),
            commits: self.commits,
            trees: self.trees,
            results: self.results,
            progress: self.progress,
        }
    }
}

impl Drop for Worker<'_> {
    fn drop(&mut self) {
        if self.done.is_empty() {
            return;
        }
        let done = std::mem::take(&mut self.done);
        match self.results.lock() {
            Ok(mut results) => results.push(done),
            Err(poisoned) => poisoned.into_inner().push(done),
        }
    }
}

impl Worker<'_> {
    /// Hands `data` over if it is a blob; keeps it if it is a tree.
    fn object(&mut self, kind: gix::object::Kind, data: &[u8], id: ObjectId) {
        let blob = kind == gix::object::Kind::Blob;
        self.progress.object(blob.then_some(data.len() as u64));
        if kind == gix::object::Kind::Tree {
            let mut trees = self.trees.lock().unwrap_or_else(|e| e.into_inner());
            // A tree that does not parse is left out: the walk reads it
            // again from the object database and says what is wrong.
            let _ = trees.insert(id, data, self.hash);
            return;
        }
        if kind == gix::object::Kind::Commit {
            // One that does not parse is read again by the walk, which
            // says what is wrong.
            if let Ok(commit) = Commit::parse(data, self.hash) {
                let mut commits = self.commits.lock().unwrap_or_else(|e| e.into_inner());
                commits.insert(id, commit);
            }
            return;
        }
        if kind != gix::object::Kind::Blob {
            return;
        }
        let name = format!("blob {id}");
        self.sink.input(Input {
            bytes: data,
            name: &name,
            place: None,
            blob: Some(id),
            base: None,
        });
        self.done.push(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::super::test_git::git;

    /// A repository whose 30 versions of one file are all in one pack.
    fn packed_repo(dir: &Path) {
        git(dir, &["init", "-q", "-b", "main"]);
        let mut text = String::new();
        for version in 0..30 {
            text.push_str(&format!("setting {version} = {}\n", version * 7));
            std::fs::write(dir.join("settings.ini"), &text).unwrap();
            git(dir, &["add", "-A"]);
            git(dir, &["commit", "-q", "-m", "edit"]);
        }
        git(dir, &["repack", "-adq"]);
    }

    #[test]
    fn every_packed_blob_is_read_once_and_big_packs_are_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        packed_repo(dir.path());
        let repo = gix::open_opts(dir.path(), gix::open::Options::isolated())
            .unwrap()
            .into_sync();
        let progress = Progress::new(false);
        let sink = Counter::new(1 << 20);
        let read = read(&repo, &sink, 2, &progress);
        assert_eq!(read.trees.len(), 30, "one tree per commit");
        let read = read.blobs;
        assert_eq!(read.len(), 30, "one blob per version of the file");
        let seen = sink.seen.into_inner().unwrap();
        assert_eq!(seen.len(), 30, "each handed over once");
        assert!(seen.iter().all(|id| read.contains(id)));
        // The last version is over 100 bytes: with a smaller limit the pack
        // holds an object over it, and is left to the one-by-one reader.
        let sink = Counter::new(100);
        assert!(super::read(&repo, &sink, 2, &progress).blobs.is_empty());
        assert!(sink.seen.into_inner().unwrap().is_empty());
    }

    /// A sink that lists the blobs it is given.
    struct Counter {
        limit: u64,
        seen: Mutex<Vec<ObjectId>>,
    }

    impl Counter {
        fn new(limit: u64) -> Self {
            Counter {
                limit,
                seen: Mutex::new(Vec::new()),
            }
        }
    }

    impl Sink for Counter {
        fn max_size(&self) -> u64 {
            self.limit
        }
        fn too_large(&self, _: &str, _: u64) {}
        fn wants_path(&self, _: &str, _: &str) -> bool {
            true
        }
        fn input(&self, input: Input<'_>) {
            assert!(input.place.is_none() && input.base.is_none());
            self.seen.lock().unwrap().push(input.blob.unwrap());
        }
        fn skip(&self, _: crate::summary::SkipReason) {}
    }
}
