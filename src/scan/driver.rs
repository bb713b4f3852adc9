//! The scan driver: the one [`Sink`] every source hands its inputs to.
//!
//! Per input it does, in this order and nowhere else: the size check, Git
//! LFS pointers, binary and UTF-16 detection, matching with decoding (all
//! three in [`ChunkScanner::hits`]), the added-lines filter for changes,
//! and suppression ([`crate::suppress`]). Workers (a matcher each, with
//! its scratch space) are kept in a small pool and lent to whichever thread
//! hands over an input, so sources may produce from their own threads
//! (gix's pack traversal, a directory walk, rayon) without the driver
//! knowing which. Results are merged once, at the end.
//!
//! A git blob handed over without a place (a history scan reads whole
//! packs before its walk knows which blobs a ref reaches) is kept aside
//! with its counts and hits; `Driver::finish` keeps those the source
//! [`keeps`](Source::keeps) and asks it to [`locate`](Source::locate) the
//! ones with hits.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use gix::ObjectId;
use gix::hashtable::{HashMap, HashSet};

use crate::finding::Findings;
use crate::matcher::{Engine, Memo};
use crate::scan::{ChunkScanner, Hit, Origin, Shard};
use crate::source::{Input, Place, Produced, Sink, Source};
use crate::summary::{SkipReason, Summary};
use crate::suppress::Suppression;

/// First line of a Git LFS pointer file.
const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// The sink of a scan.
pub struct Driver<'e> {
    engine: &'e Engine,
    suppression: &'e Suppression,
    max_size: u64,
    memo: Option<Arc<Memo>>,
    idle: Mutex<Vec<Worker<'e>>>,
    shard: Option<Shard>,
    progress: Option<indicatif::ProgressBar>,
}

/// One thread's scanning state while it holds it.
struct Worker<'e> {
    scanner: ChunkScanner<'e>,
    hits: Vec<Hit>,
    /// Blobs handed over without a place.
    unplaced: Vec<Unplaced>,
}

/// A blob handed over without a place: what it counted and what it holds.
/// Most blobs of a history were matched and hold nothing: those keep only
/// their size (a history holds tens of thousands of them).
struct Unplaced {
    blob: ObjectId,
    outcome: Outcome,
}

enum Outcome {
    /// Matched in full, with nothing found: its size.
    Clean(u64),
    /// Not read: over the size limit, of this many bytes.
    TooLarge(u64),
    /// Anything else: its counts and hits.
    Other(Box<(Summary, Vec<Hit>)>),
}

impl Unplaced {
    fn new(blob: ObjectId, summary: Summary, hits: Vec<Hit>) -> Self {
        let outcome = match summary.only_scanned() {
            Some(bytes) if hits.is_empty() => Outcome::Clean(bytes),
            _ => Outcome::Other(Box::new((summary, hits))),
        };
        Unplaced { blob, outcome }
    }

    fn hits(&self) -> &[Hit] {
        match &self.outcome {
            Outcome::Clean(_) | Outcome::TooLarge(_) => &[],
            Outcome::Other(other) => &other.1,
        }
    }

    /// Whether it is to be named by its place: cut by the decoding limit,
    /// or over the size limit.
    fn to_name(&self) -> bool {
        self.cut() || matches!(self.outcome, Outcome::TooLarge(_))
    }

    /// Whether its decoding stopped at the size limit.
    fn cut(&self) -> bool {
        matches!(&self.outcome, Outcome::Other(other) if other.0.decode_limit > 0)
    }

    /// Names it by its first place, if it has one, where its counts name
    /// it as cut by the decoding limit (as `blob <id>`, all it was known
    /// by when it was scanned).
    fn name_by(&mut self, place: Option<&Place>, max_size: u64) {
        let name = match place {
            Some(place) => match place.git.as_ref().and_then(|g| g.commit.as_ref()) {
                Some(commit) => format!("{} (blob {}, commit {commit})", place.display, self.blob),
                None => format!("{} (blob {})", place.display, self.blob),
            },
            None => format!("blob {}", self.blob),
        };
        match &mut self.outcome {
            Outcome::TooLarge(size) => {
                log::warn!(
                    "{name}: skipped: {size} bytes, larger than --max-file-size ({max_size} bytes)"
                );
            }
            Outcome::Other(other) if place.is_some() => {
                for cut in &mut other.0.decode_limit_inputs {
                    *cut = name.clone();
                }
            }
            _ => {}
        }
    }

    /// Adds its counts to `summary`.
    fn count(&self, summary: &mut Summary) {
        match &self.outcome {
            Outcome::Clean(bytes) => {
                summary.inputs_scanned += 1;
                summary.bytes_scanned += bytes;
            }
            Outcome::TooLarge(_) => summary.skip(SkipReason::TooLarge),
            Outcome::Other(other) => summary.merge(&other.0),
        }
    }
}

impl<'e> Driver<'e> {
    /// A driver that matches with `engine`, drops what `suppression`
    /// suppresses, and skips inputs over `max_size` bytes.
    pub fn new(engine: &'e Engine, suppression: &'e Suppression, max_size: u64) -> Self {
        Driver {
            engine,
            suppression,
            max_size,
            memo: Some(Arc::default()),
            idle: Mutex::new(Vec::new()),
            shard: None,
            progress: None,
        }
    }

    /// Scans only the inputs of one shard: git blobs by id, other inputs
    /// by name (see [`Shard`]).
    pub fn with_shard(mut self, shard: Option<Shard>) -> Self {
        self.shard = shard;
        self
    }

    /// Counts the inputs scanned on `bar` (its position; its message the
    /// bytes).
    pub fn with_progress(mut self, bar: Option<indicatif::ProgressBar>) -> Self {
        self.progress = bar;
        self
    }

    /// Whether an input belongs to this driver's shard.
    fn in_shard(&self, input: &Input<'_>) -> bool {
        match (&self.shard, input.blob) {
            (None, _) => true,
            (Some(shard), Some(blob)) => shard.has_object(&blob),
            (Some(shard), None) => shard.has_name(input.name),
        }
    }

    /// Turns the block memo (see [`crate::matcher::memo`]) on or off; it
    /// is on by default. Findings are the same either way.
    pub fn with_memo(mut self, on: bool) -> Self {
        self.memo = on.then(Arc::default);
        self
    }

    /// Runs `source` through the driver: its findings and counts.
    pub fn scan(self, source: &mut dyn Source) -> anyhow::Result<(Findings, Summary)> {
        let produced = source.produce(&self)?;
        Ok(self.finish(source, &produced))
    }

    /// Merges the workers' results; keeps and locates the blobs handed over
    /// without a place.
    fn finish(self, source: &mut dyn Source, produced: &Produced) -> (Findings, Summary) {
        let workers = self.idle.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut located = ChunkScanner::with_suppression(self.engine, self.suppression);
        // One entry per blob (a history's blobs are hundreds of thousands:
        // a sorted list takes a third of what a hash map of them would).
        let total = workers.iter().map(|w| w.unplaced.len()).sum();
        let mut unplaced: Vec<Unplaced> = Vec::with_capacity(total);
        let mut findings = Findings::default();
        let mut summary = Summary::default();
        for mut worker in workers {
            let (found, counts) = worker.scanner.finish();
            findings.merge(found);
            summary.merge(&counts);
            unplaced.append(&mut worker.unplaced);
        }
        // A blob handed over twice (in two packs) was scanned alike twice.
        unplaced.sort_unstable_by_key(|b| b.blob);
        unplaced.dedup_by_key(|b| b.blob);
        unplaced.retain(|b| source.keeps(&b.blob));
        // Blobs with hits, and those cut by the decoding limit or over the
        // size limit (to name them by path).
        let with_hits: HashSet<ObjectId> = unplaced
            .iter()
            .filter(|b| !b.hits().is_empty() || b.to_name())
            .map(|b| b.blob)
            .collect();
        let places = if with_hits.is_empty() {
            HashMap::default()
        } else {
            source.locate(&with_hits)
        };
        // The order findings' locations are added in does not matter: they
        // are sorted.
        for blob in &mut unplaced {
            if blob.to_name() {
                let place = places.get(&blob.blob).and_then(|p| p.first());
                blob.name_by(place, self.max_size);
            }
            blob.count(&mut summary);
            for place in places.get(&blob.blob).into_iter().flatten() {
                for hit in blob.hits() {
                    located.add(hit, origin(place), place.git.clone());
                }
            }
        }
        let (found, counts) = located.finish();
        findings.merge(found);
        summary.merge(&counts);
        summary.commits = produced.commits;
        if produced.earliest_per_path {
            findings = findings.earliest_per_path();
        }
        (findings, summary)
    }

    /// Lends a worker to the calling thread.
    fn with_worker<T>(&self, f: impl FnOnce(&mut Worker<'e>) -> T) -> T {
        let idle = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let mut worker = idle.unwrap_or_else(|| {
            let mut scanner = ChunkScanner::with_suppression(self.engine, self.suppression);
            if let Some(memo) = &self.memo {
                scanner = scanner.with_memo(memo.clone());
            }
            Worker {
                scanner,
                hits: Vec::new(),
                unplaced: Vec::new(),
            }
        });
        let out = f(&mut worker);
        self.idle
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(worker);
        out
    }
}

fn origin(place: &Place) -> Origin<'_> {
    Origin {
        display: &place.display,
        relative: &place.relative,
    }
}

impl Sink for Driver<'_> {
    fn max_size(&self) -> u64 {
        self.max_size
    }

    fn repeats_done(&self) {
        if let Some(memo) = &self.memo {
            memo.clear();
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        for worker in idle.iter_mut() {
            worker.scanner.matcher.release_caches();
        }
    }

    fn too_large(&self, name: &str, size: u64) {
        self.with_worker(|worker| worker.too_large(name, size, self.max_size));
    }

    fn wants_path(&self, relative: &str, name: &str) -> bool {
        if self.suppression.allows_file(relative) {
            log::info!("{name}: skipped: allowlisted path");
            self.skip(SkipReason::Allowlisted);
            return false;
        }
        true
    }

    fn input(&self, input: Input<'_>) {
        if !self.in_shard(&input) {
            return;
        }
        if let Some(bar) = &self.progress {
            bar.inc(1);
        }
        if let (None, Some(blob)) = (input.place, input.blob)
            && input.bytes.len() as u64 > self.max_size
        {
            self.too_large_blob(blob, input.bytes.len() as u64);
            return;
        }
        self.with_worker(|worker| match (input.place, input.blob) {
            (None, Some(blob)) => {
                let before = std::mem::take(&mut worker.scanner.summary);
                let hits = worker.scan(&input, self.max_size).to_vec();
                let summary = std::mem::replace(&mut worker.scanner.summary, before);
                worker.unplaced.push(Unplaced::new(blob, summary, hits));
            }
            (place, _) => {
                worker.scan(&input, self.max_size);
                if let Some(place) = place {
                    for hit in &worker.hits {
                        worker.scanner.add(hit, origin(place), place.git.clone());
                    }
                }
            }
        });
    }

    fn skip(&self, reason: SkipReason) {
        self.with_worker(|worker| worker.scanner.skip(reason));
    }

    fn unread(&self, name: &str, reason: SkipReason) {
        self.with_worker(|worker| {
            worker.scanner.skip(reason);
            worker.scanner.summary.unread(name);
        });
    }

    fn path_allowlist(&self) -> Option<&crate::rules::PathSet> {
        let paths = &self.suppression.paths;
        (!paths.is_empty()).then_some(paths)
    }

    fn too_large_blob(&self, blob: ObjectId, size: u64) {
        if self.shard.is_some_and(|shard| !shard.has_object(&blob)) {
            return;
        }
        self.with_worker(|worker| {
            worker.unplaced.push(Unplaced {
                blob,
                outcome: Outcome::TooLarge(size),
            });
        });
    }
}

impl Worker<'_> {
    /// Says that input `name` is over the size limit, and counts it.
    fn too_large(&mut self, name: &str, size: u64, max_size: u64) {
        log::warn!("{name}: skipped: {size} bytes, larger than --max-file-size ({max_size} bytes)");
        self.scanner.skip(SkipReason::TooLarge);
    }

    /// Checks and matches one input; its reportable hits.
    fn scan(&mut self, input: &Input<'_>, max_size: u64) -> &[Hit] {
        self.hits.clear();
        let bytes = input.bytes;
        if bytes.len() as u64 > max_size {
            self.too_large(input.name, bytes.len() as u64, max_size);
            return &self.hits;
        }
        if input.blob.is_some() && bytes.starts_with(LFS_POINTER) {
            log::info!("{}: skipped: Git LFS pointer", input.name);
            self.scanner.skip(SkipReason::LfsPointer);
            return &self.hits;
        }
        self.scanner.hits(bytes, input.name, &mut self.hits);
        if let Some(base) = input.base
            && !self.hits.is_empty()
        {
            let added = added_lines(base, bytes);
            self.hits.retain(|hit| touches(&added, hit));
        }
        &self.hits
    }
}

/// 1-based line ranges (end exclusive) of `new` that `old` does not have.
pub fn added_lines(old: &[u8], new: &[u8]) -> Vec<Range<usize>> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Myers)
        .deadline(deadline)
        .diff_lines(old, new)
        .ops()
        .iter()
        .filter_map(|op| match *op {
            similar::DiffOp::Insert {
                new_index, new_len, ..
            }
            | similar::DiffOp::Replace {
                new_index, new_len, ..
            } => Some(new_index + 1..new_index + 1 + new_len),
            _ => None,
        })
        .collect()
}

/// Whether a hit spans any added line.
fn touches(added: &[Range<usize>], hit: &Hit) -> bool {
    added
        .iter()
        .any(|r| r.start <= hit.end_line && hit.line < r.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn added_lines_of_an_edit() {
        assert_eq!(added_lines(b"a\nb\nc\n", b"a\nB\nc\nd\n"), vec![2..3, 4..5]);
        assert_eq!(added_lines(b"", b"x\ny\n"), vec![1..3]);
        assert!(added_lines(b"same\n", b"same\n").is_empty());
    }
}
