//! Git history: every blob reachable from every ref, scanned once, each
//! finding traced to the commit that introduced it.
//!
//! 1. [`history::tips`] and [`history::enumerate`] walk the commits and list
//!    the distinct blobs (each tree read once).
//! 2. The blobs are read in pack order, in parallel with one repository
//!    handle per thread, and matched.
//! 3. Only if something was found, [`provenance::appearances`] diffs each
//!    commit against its first parent to find where and when each blob with
//!    a finding appeared; HEAD's tree says which are still there.
//!
//! The repository is opened isolated (no global or system configuration, no
//! environment) and only read: nothing from it is executed and nothing is
//! written into it.

mod changes;
mod history;
mod packs;
mod provenance;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context;
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::hashtable::HashSet;
use gix::prelude::Find;
use rayon::prelude::*;

use crate::finding::{Findings, GitLocation};
use crate::matcher::Engine;
use crate::scan::{ChunkScanner, Hit, Origin, SkipReason, Summary};

pub use changes::{added_lines, scan_range, scan_staged};
pub use history::History;

/// Options of a history scan.
#[derive(Clone, Debug, Default)]
pub struct GitOptions {
    /// Blobs larger than this are skipped.
    pub max_file_size: u64,
    /// Also scan blobs no ref reaches.
    pub all_objects: bool,
    /// Scan only what these revisions reach (all refs when empty).
    pub refs: Vec<String>,
    /// Keep one location per blob version instead of one per path.
    pub no_dedup: bool,
    /// Show a progress bar on stderr.
    pub progress: bool,
    /// Read every blob on its own instead of decoding each pack in one pass
    /// (slower; the same findings: the tests compare the two).
    pub read_one_by_one: bool,
}

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

/// Where the configuration file of a repository is looked for.
pub fn project_root(repo: &gix::Repository) -> PathBuf {
    repo.workdir().unwrap_or_else(|| repo.git_dir()).to_owned()
}

/// The blobs of one scan, with what was found in each.
#[derive(Clone, Debug)]
struct BlobHits {
    blob: ObjectId,
    hits: Vec<Hit>,
}

/// Delta bases kept per repository handle: reading blobs or trees one by
/// one in pack order, a bigger cache than gix's default 64 entries saves
/// re-inflating the bases of long delta chains.
const PACK_CACHE_BYTES: usize = 16 << 20;

/// A thread-local handle with a [`PACK_CACHE_BYTES`] delta-base cache.
fn with_pack_cache(repo: &gix::ThreadSafeRepository) -> gix::Repository {
    let mut repo = repo.to_thread_local();
    repo.objects.set_pack_cache(|| {
        Box::new(gix::odb::pack::cache::lru::MemoryCappedHashmap::new(
            PACK_CACHE_BYTES,
        ))
    });
    repo
}

/// Scans the history of `repo`.
pub fn scan(
    engine: &Engine,
    repo: gix::Repository,
    options: &GitOptions,
) -> anyhow::Result<(Findings, Summary)> {
    let mut summary = Summary::default();
    let started = std::time::Instant::now();
    let progress = Progress::new(options.progress);
    let tips = history::tips(&repo, &options.refs)?;
    if tips.commits.is_empty()
        && tips.trees.is_empty()
        && tips.blobs.is_empty()
        && !options.all_objects
    {
        log::warn!("the repository has no commits: nothing to scan");
    }
    let repo = repo.into_sync();
    progress.blobs(None);
    let (walked, packed) = std::thread::scope(|scope| {
        let walk = scope.spawn(|| {
            let repo = with_pack_cache(&repo);
            let mut summary = Summary::default();
            history::enumerate(&repo, &tips, &mut summary, |n| progress.commits(n))
                .map(|history| (history, summary))
        });
        let packed = if options.read_one_by_one {
            packs::Outcomes::default()
        } else {
            let threads = rayon::current_num_threads();
            packs::scan(engine, &repo, options.max_file_size, threads, &progress)
        };
        let walked = walk
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (walked, packed)
    });
    let (history, walk_summary) = walked?;
    summary.merge(&walk_summary);
    summary.commits = history.commits.len() as u64;
    log::info!(
        "walked {} commits, {} trees, {} blobs and read {} blobs of the packs in {:.2?}",
        history.commits.len(),
        history.trees.len(),
        history.blobs.len(),
        packed.len(),
        started.elapsed()
    );
    let mut unreachable = HashSet::default();
    let local = repo.to_thread_local();
    let order = pack_order(
        &local,
        &history,
        options.all_objects,
        &packed,
        &mut unreachable,
    )?;
    let mut hits = Vec::new();
    for (id, outcome) in packed {
        if !history.blobs.contains_key(&id) {
            if !options.all_objects || history.not_scanned.contains(&id) {
                continue;
            }
            unreachable.insert(id);
        }
        summary.merge(&outcome.summary);
        hits.extend(outcome.hits);
    }
    log::info!(
        "{} blobs left to read one by one at {:.2?}",
        order.len(),
        started.elapsed()
    );
    progress.blobs(Some(order.len() as u64));
    let (rest, scan_summary) = scan_blobs(engine, &repo, &order, options.max_file_size, &progress);
    hits.extend(rest);
    summary.merge(&scan_summary);
    progress.finish();
    log::info!("scanned blobs at {:.2?}", started.elapsed());
    if hits.is_empty() {
        return Ok((Findings::default(), summary));
    }
    let wanted: HashSet<ObjectId> = hits.iter().map(|b| b.blob).collect();
    let appearances = provenance::appearances(&repo, &history.commits, &wanted);
    log::info!(
        "traced {} blobs with findings at {:.2?}",
        wanted.len(),
        started.elapsed()
    );
    let repo = repo.to_thread_local();
    let mut context = Locator::new(&repo, &history);
    let mut scanner = ChunkScanner::new(engine);
    for blob_hits in &hits {
        let places = match appearances.get(&blob_hits.blob) {
            Some(places) => places
                .iter()
                .map(|a| (a.path.clone(), Some(a.commit)))
                .collect(),
            None => {
                let path = if unreachable.contains(&blob_hits.blob) {
                    BString::from(format!("(unreachable blob {})", blob_hits.blob))
                } else {
                    history.paths[history.blobs[&blob_hits.blob] as usize].clone()
                };
                vec![(path, None)]
            }
        };
        for (path, commit) in places {
            let display = path.to_str_lossy().into_owned();
            let git = context.location(blob_hits.blob, &path, commit);
            for hit in &blob_hits.hits {
                scanner.add(
                    hit,
                    Origin {
                        display: &display,
                        relative: &display,
                    },
                    Some(git.clone()),
                );
            }
        }
    }
    let (mut found, located) = scanner.finish();
    summary.merge(&located);
    if !options.no_dedup {
        found = found.earliest_per_path();
    }
    Ok((found, summary))
}

/// Orders the blobs left to scan (those `covered` by the pass over the
/// packs are not) by their position in the packs, so each thread
/// reads neighbouring pack regions and delta bases stay in cache. With
/// `all_objects`, blobs no ref reaches are added (and remembered).
fn pack_order(
    repo: &gix::Repository,
    history: &History,
    all_objects: bool,
    covered: &packs::Outcomes,
    unreachable: &mut HashSet<ObjectId>,
) -> anyhow::Result<Vec<ObjectId>> {
    let blobs = &history.blobs;
    use gix::odb::store::iter::Ordering;
    let mut order = Vec::with_capacity(blobs.len());
    let mut placed: HashSet<ObjectId> = HashSet::default();
    let iter = repo
        .objects
        .iter()
        .context("cannot list the object database")?
        .with_ordering(Ordering::PackAscendingOffsetThenLooseLexicographical);
    let commits: HashSet<ObjectId> = if all_objects {
        history.commits.iter().map(|c| c.id).collect()
    } else {
        HashSet::default()
    };
    for id in iter {
        let Ok(id) = id else { continue };
        if covered.contains_key(&id) {
            continue;
        }
        if blobs.contains_key(&id) {
            if placed.insert(id) {
                order.push(id);
            }
        } else if all_objects
            && !history.trees.contains(&id)
            && !commits.contains(&id)
            && !history.not_scanned.contains(&id)
            && !unreachable.contains(&id)
            && repo
                .find_header(id)
                .is_ok_and(|h| h.kind() == gix::object::Kind::Blob)
        {
            unreachable.insert(id);
            order.push(id);
        }
    }
    // Reachable blobs the object database does not list (a partial clone's
    // promised objects): try them anyway, so that they are counted missing.
    for id in blobs.keys() {
        if !placed.contains(id) && !covered.contains_key(id) {
            order.push(*id);
        }
    }
    Ok(order)
}

/// Blobs a thread reads in a row: large enough to keep pack reads local.
const CHUNK: usize = 256;

/// Reads and matches every blob, in parallel.
fn scan_blobs(
    engine: &Engine,
    repo: &gix::ThreadSafeRepository,
    order: &[ObjectId],
    max_size: u64,
    progress: &Progress,
) -> (Vec<BlobHits>, Summary) {
    let results: Vec<(Vec<BlobHits>, Summary)> = order
        .par_chunks(CHUNK)
        .map_init(
            || (with_pack_cache(repo), ChunkScanner::new(engine), Vec::new()),
            |(repo, scanner, buf), chunk| {
                let mut found = Vec::new();
                let mut bytes = 0;
                for id in chunk {
                    bytes += scan_blob(repo, scanner, buf, *id, max_size, &mut found);
                }
                progress.scanned(chunk.len() as u64, bytes);
                let summary = std::mem::take(&mut scanner.summary);
                (found, summary)
            },
        )
        .collect();
    let mut all = Vec::new();
    let mut summary = Summary::default();
    for (found, part) in results {
        all.extend(found);
        summary.merge(&part);
    }
    (all, summary)
}

/// Reads blob `id` into `buf`, unless it is larger than `max_size`,
/// missing or unreadable: then says so (naming it `name`), counts it, and
/// returns false.
fn read_blob(
    repo: &gix::Repository,
    id: ObjectId,
    name: &str,
    max_size: u64,
    buf: &mut Vec<u8>,
    scanner: &mut ChunkScanner<'_>,
) -> bool {
    buf.clear();
    if id == ObjectId::empty_blob(repo.object_hash()) {
        return true;
    }
    match repo.find_header(id) {
        Ok(header) if header.size() > max_size => {
            log::warn!(
                "{name}: skipped: {} bytes, larger than --max-file-size ({max_size})",
                header.size()
            );
            scanner.skip(SkipReason::TooLarge);
            return false;
        }
        Ok(_) => {}
        Err(err) => {
            log::warn!("{name}: skipped: blob {id} is missing ({err})");
            scanner.skip(SkipReason::Missing);
            return false;
        }
    }
    match repo.objects.try_find(&id, buf) {
        Ok(Some(_)) => true,
        Ok(None) => {
            log::warn!("{name}: skipped: blob {id} is missing");
            scanner.skip(SkipReason::Missing);
            false
        }
        Err(err) => {
            log::warn!("{name}: skipped: blob {id} cannot be read: {err}");
            scanner.skip(SkipReason::Unreadable);
            false
        }
    }
}

/// First line of a Git LFS pointer file.
pub(crate) const LFS_POINTER: &[u8] = b"version https://git-lfs.github.com/spec/v1";

/// Reads and matches one blob; returns the bytes read.
fn scan_blob(
    repo: &gix::Repository,
    scanner: &mut ChunkScanner<'_>,
    buf: &mut Vec<u8>,
    id: ObjectId,
    max_size: u64,
    found: &mut Vec<BlobHits>,
) -> u64 {
    if !read_blob(repo, id, &format!("blob {id}"), max_size, buf, scanner) {
        return 0;
    }
    let data = buf.as_slice();
    if data.starts_with(LFS_POINTER) {
        scanner.skip(SkipReason::LfsPointer);
        return data.len() as u64;
    }
    let mut hits = Vec::new();
    scanner.hits(data, &id.to_string(), &mut hits);
    if !hits.is_empty() {
        found.push(BlobHits { blob: id, hits });
    }
    data.len() as u64
}

/// Commit details and HEAD lookups for building locations.
struct Locator<'r> {
    repo: &'r gix::Repository,
    history: &'r History,
    head_tree: Option<ObjectId>,
    commits: std::collections::HashMap<usize, CommitInfo>,
    buf: Vec<u8>,
}

#[derive(Clone)]
struct CommitInfo {
    author: String,
    email: String,
    date: String,
    summary: String,
}

impl<'r> Locator<'r> {
    fn new(repo: &'r gix::Repository, history: &'r History) -> Self {
        let head_tree = repo.head_tree_id().ok().map(gix::Id::detach);
        Locator {
            repo,
            history,
            head_tree,
            commits: std::collections::HashMap::new(),
            buf: Vec::new(),
        }
    }

    fn location(&mut self, blob: ObjectId, path: &BString, commit: Option<usize>) -> GitLocation {
        let in_head = self
            .head_tree
            .and_then(|tree| history::blob_at(self.repo, tree, path, &mut self.buf))
            == Some(blob);
        let info = commit.and_then(|index| self.commit_info(index));
        GitLocation {
            time: commit.map_or(i64::MAX, |i| self.history.commits[i].time),
            walk_index: commit.unwrap_or(usize::MAX),
            blob: blob.to_string(),
            commit: commit.map(|i| self.history.commits[i].id.to_string()),
            author: info.as_ref().map(|i| i.author.clone()),
            email: info.as_ref().map(|i| i.email.clone()),
            date: info.as_ref().map(|i| i.date.clone()),
            summary: info.map(|i| i.summary),
            in_head,
        }
    }

    fn commit_info(&mut self, index: usize) -> Option<CommitInfo> {
        if let Some(info) = self.commits.get(&index) {
            return Some(info.clone());
        }
        let id = self.history.commits[index].id;
        let data = self.repo.objects.try_find(&id, &mut self.buf).ok()??;
        let commit = gix::objs::CommitRef::from_bytes(data.data, self.repo.object_hash()).ok()?;
        let author = commit.author().ok()?;
        let time = author.time().ok()?;
        let info = CommitInfo {
            author: author.name.to_str_lossy().into_owned(),
            email: author.email.to_str_lossy().into_owned(),
            date: time.format_or_unix(gix::date::time::format::ISO8601_STRICT),
            summary: commit.message_summary().to_str_lossy().into_owned(),
        };
        self.commits.insert(index, info.clone());
        Some(info)
    }
}

/// The progress bar on stderr (hidden unless asked for and on a terminal).
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    bytes: std::sync::atomic::AtomicU64,
}

impl Progress {
    fn new(wanted: bool) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.set_message("walking history");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            bytes: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn commits(&self, n: usize) {
        if let Some(bar) = &self.bar
            && n.is_multiple_of(1024)
        {
            bar.set_message(format!("walking history: {n} commits"));
        }
    }

    /// Switches to counting blobs, out of `total` if known.
    fn blobs(&self, total: Option<u64>) {
        if let Some(bar) = &self.bar {
            let template = match total {
                Some(_) => "{spinner} scanning blobs {bar:30} {human_pos}/{human_len} ({msg})",
                None => "{spinner} scanning blobs: {human_pos} ({msg})",
            };
            bar.set_style(
                indicatif::ProgressStyle::with_template(template).expect("valid progress template"),
            );
            if let Some(total) = total {
                bar.set_length(total);
            }
            bar.set_position(0);
            bar.set_message("0 B");
        }
    }

    fn scanned(&self, blobs: u64, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(blobs);
            let total = self
                .bytes
                .fetch_add(bytes, std::sync::atomic::Ordering::Relaxed)
                + bytes;
            bar.set_message(indicatif::HumanBytes(total).to_string());
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
