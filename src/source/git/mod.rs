//! Git history: every blob reachable from every ref, scanned once, each
//! finding traced to the commit that introduced it.
//!
//! 1. Every pack is decoded in one pass along its delta tree (`packs`):
//!    each blob is handed to the sink as it comes, each tree is parsed into
//!    the tree store (`trees`), each commit's tree, parents and time are
//!    kept for the walk.
//! 2. `history::tips` and `history::enumerate` walk the commits and list
//!    the distinct blobs (each tree read once, from the store); blobs the
//!    pass did not cover are read one by one in pack order, in parallel
//!    with one repository handle per thread.
//! 3. Only if something was found, `provenance::appearances` diffs each
//!    commit against its first parent to find where and when each blob with
//!    a finding appeared; HEAD's tree says which are still there.
//!
//! The repository is opened isolated (no global or system configuration, no
//! environment) and only read: nothing from it is executed and nothing is
//! written into it.

mod changes;
mod history;
mod incremental;
mod messages;
mod open;
mod packs;
mod progress;
mod provenance;
mod trees;

use anyhow::Context;
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::hashtable::{HashMap, HashSet};
use gix::prelude::Find;
use rayon::prelude::*;

use crate::finding::GitLocation;
use crate::source::{Input, Place, Produced, Sink, Source};
use crate::summary::SkipReason;

pub use changes::Changes;
pub use history::History;
pub use incremental::{Known, Refreshed, Walked};
pub use messages::{COMMIT_MESSAGE, TAG_MESSAGE};
use open::with_pack_cache;
pub use open::{discover, lacks_objects_by_design, open, project_root};
use progress::Progress;
use trees::TreeStore;

/// Options of a history scan.
#[derive(Clone, Debug, Default)]
pub struct GitOptions {
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
    /// Do not scan commit and annotated tag messages.
    pub no_messages: bool,
    /// What an earlier run recorded (a datastore): only commits and blobs
    /// it does not hold are walked and read (see [`Known`]).
    pub known: Option<std::sync::Arc<Known>>,
}

/// The history of a repository: every blob reachable from every ref (or
/// the given ones), each read once.
pub struct HistorySource {
    repo: gix::ThreadSafeRepository,
    options: GitOptions,
    history: History,
    trees: TreeStore,
    /// Places of the blobs read, when only new commits were walked.
    incremental: Option<HashMap<ObjectId, Vec<provenance::Appearance>>>,
    walked: Walked,
}

impl HistorySource {
    /// The history of `repo`, scanned as `options` say.
    pub fn new(repo: gix::Repository, options: GitOptions) -> Self {
        HistorySource {
            repo: repo.into_sync(),
            options,
            history: History::default(),
            trees: TreeStore::default(),
            incremental: None,
            walked: Walked::default(),
        }
    }

    /// What the scan walked and read, for a datastore to record.
    pub fn walked(self) -> Walked {
        self.walked
    }

    /// Scans only what `known` does not hold; `None` when the whole
    /// history must be scanned.
    fn produce_new(
        &mut self,
        local: &gix::Repository,
        tips: &history::Tips,
        known: &Known,
        sink: &dyn Sink,
    ) -> anyhow::Result<Option<Produced>> {
        let Some(plan) = incremental::plan(local, tips, known, sink)? else {
            return Ok(None);
        };
        log::info!(
            "{} new commits, {} blobs to read ({} known blobs with hits at a new place)",
            plan.walked.commits.len(),
            plan.read.len(),
            plan.walked.reread.len()
        );
        let progress = Progress::new(self.options.progress);
        progress.blobs(plan.read.len() as u64);
        read_blobs(
            &self.repo,
            &plan.read,
            sink,
            &progress,
            lacks_objects_by_design(local),
        );
        if !self.options.no_messages {
            // The messages of the new commits; tags are few, and a finding
            // already recorded is joined with this run's by its id.
            let mut buf = Vec::new();
            let new: HashSet<ObjectId> = plan.walked.commits.iter().copied().collect();
            for (index, node) in plan.history.commits.iter().enumerate() {
                if new.contains(&node.id) {
                    messages::commit(local, index, node, sink, &mut buf);
                }
            }
            messages::tags(local, &self.options.refs, sink);
        }
        progress.finish();
        let commits = plan.walked.commits.len() as u64;
        let mut plan = plan;
        plan.walked.commits_now = plan
            .history
            .commits
            .iter()
            .enumerate()
            .map(|(index, c)| (c.id, (c.time, index)))
            .collect();
        self.history = plan.history;
        self.incremental = Some(plan.appearances);
        self.walked = plan.walked;
        Ok(Some(Produced {
            commits,
            earliest_per_path: !self.options.no_dedup,
        }))
    }
}

impl Source for HistorySource {
    fn produce(&mut self, sink: &dyn Sink) -> anyhow::Result<Produced> {
        let started = std::time::Instant::now();
        let options = &self.options;
        // One handle for this thread: the tips, the walk, the pack order.
        let local = with_pack_cache(&self.repo);
        let tips = history::tips(&local, &options.refs, sink)?;
        if let Some(known) = options.known.clone()
            && let Some(produced) = self.produce_new(&local, &tips, &known, sink)?
        {
            return Ok(produced);
        }
        let options = &self.options;
        let progress = Progress::new(options.progress);
        if tips.commits.is_empty()
            && tips.trees.is_empty()
            && tips.blobs.is_empty()
            && tips.unread == 0
            && !options.all_objects
        {
            log::warn!("the repository has no commits: nothing to scan");
        }
        let repo = &self.repo;
        // The pass over the packs parses every tree it decodes, so the walk
        // after it reads its trees from memory.
        let packed = if options.read_one_by_one {
            packs::Read::default()
        } else {
            packs::read(repo, sink, rayon::current_num_threads(), &progress)
        };
        log::info!(
            "read {} blobs, {} trees and {} commits of the packs ({} tree entries in a temporary file) in {:.2?}{}",
            packed.blobs.len(),
            packed.trees.len(),
            packed.commits.len(),
            packed.trees.spilled(),
            started.elapsed(),
            memory()
        );
        // The versions of files that share most of their bytes were in the
        // packs: free what made scanning them fast before the walk.
        sink.repeats_done();
        let packs::Read {
            blobs: packed,
            trees,
            commits,
        } = packed;
        self.trees = trees;
        self.history = history::enumerate(&local, &mut self.trees, &tips, &commits, sink, |n| {
            progress.commits(n)
        })?;
        drop(commits);
        let history = &self.history;
        for blob in &history.allowlisted {
            if let Some(&index) = history.blobs.get(blob) {
                log::info!(
                    "{}: skipped: allowlisted path",
                    history.paths[index as usize]
                );
            }
            sink.skip(SkipReason::Allowlisted);
        }
        log::info!(
            "walked {} commits, {} trees and {} blobs at {:.2?}{}",
            history.commits.len(),
            history.trees.len(),
            history.blobs.len(),
            started.elapsed(),
            memory()
        );
        let order = pack_order(&local, history, options.all_objects, &packed)?;
        log::info!(
            "{} blobs left to read one by one at {:.2?}",
            order.len(),
            started.elapsed()
        );
        progress.blobs(order.len() as u64);
        let lacks_by_design = lacks_objects_by_design(&local);
        read_blobs(repo, &order, sink, &progress, lacks_by_design);
        if !options.no_messages {
            messages::commits(repo, &history.commits, sink);
            messages::tags(&local, &options.refs, sink);
            log::info!("scanned messages at {:.2?}{}", started.elapsed(), memory());
        }
        progress.finish();
        log::info!("scanned blobs at {:.2?}{}", started.elapsed(), memory());
        self.walked = Walked {
            whole: true,
            commits: history.commits.iter().map(|c| c.id).collect(),
            blobs: history
                .blobs
                .keys()
                .filter(|b| !history.allowlisted.contains(*b))
                .copied()
                .collect(),
            ..Walked::default()
        };
        Ok(Produced {
            commits: history.commits.len() as u64,
            earliest_per_path: !options.no_dedup,
        })
    }

    fn keeps(&self, blob: &ObjectId) -> bool {
        let history = &self.history;
        if history.allowlisted.contains(blob) {
            return false;
        }
        history.blobs.contains_key(blob)
            || (self.options.all_objects && !history.not_scanned.contains(blob))
    }

    fn locate(&mut self, blobs: &HashSet<ObjectId>) -> HashMap<ObjectId, Vec<Place>> {
        let started = std::time::Instant::now();
        log::debug!("tracing {} blobs with findings{}", blobs.len(), memory());
        let history = &self.history;
        let appearances = match self.incremental.take() {
            Some(found) => found,
            None => provenance::appearances(&self.trees, &history.commits, blobs),
        };
        self.walked.places = places(blobs, &appearances, &history.commits);
        log::info!(
            "traced {} blobs with findings in {:.2?}{}",
            blobs.len(),
            started.elapsed(),
            memory()
        );
        let repo = self.repo.to_thread_local();
        let mut locator = Locator::new(&repo, history);
        let mut places = HashMap::default();
        for &blob in blobs {
            let paths: Vec<(BString, Option<usize>)> = match appearances.get(&blob) {
                Some(found) => found
                    .iter()
                    .map(|a| (a.path.clone(), Some(a.commit)))
                    .collect(),
                None => {
                    let path = match history.blobs.get(&blob) {
                        Some(&index) => history.paths[index as usize].clone(),
                        None => BString::from(format!("(unreachable blob {blob})")),
                    };
                    vec![(path, None)]
                }
            };
            let located = paths
                .into_iter()
                .map(|(path, commit)| {
                    let display = path.to_str_lossy().into_owned();
                    Place {
                        relative: display.clone(),
                        display,
                        git: Some(locator.location(blob, &path, commit)),
                    }
                })
                .collect();
            places.insert(blob, located);
        }
        places
    }
}

/// Every place of `blobs` with its introducing commit, sorted; a blob no
/// commit reaches has none.
fn places(
    blobs: &HashSet<ObjectId>,
    appearances: &HashMap<ObjectId, Vec<provenance::Appearance>>,
    commits: &[history::CommitNode],
) -> Vec<(ObjectId, BString, Option<ObjectId>)> {
    let mut out: Vec<_> = blobs
        .iter()
        .flat_map(|blob| {
            appearances
                .get(blob)
                .into_iter()
                .flatten()
                .map(|a| (*blob, a.path.clone(), Some(commits[a.commit].id)))
        })
        .collect();
    out.sort();
    out
}

/// Orders the blobs left to scan (those `covered` by the pass over the
/// packs are not) by their position in the packs, so each thread
/// reads neighbouring pack regions and delta bases stay in cache. With
/// `all_objects`, blobs no ref reaches are added.
fn pack_order(
    repo: &gix::Repository,
    history: &History,
    all_objects: bool,
    covered: &HashSet<ObjectId>,
) -> anyhow::Result<Vec<ObjectId>> {
    let mut unreachable = HashSet::default();
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
        if covered.contains(&id) || history.allowlisted.contains(&id) {
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
        if !placed.contains(id) && !covered.contains(id) && !history.allowlisted.contains(id) {
            order.push(*id);
        }
    }
    Ok(order)
}

/// Blobs a thread reads in a row: large enough to keep pack reads local.
const CHUNK: usize = 256;

/// Reads every blob of `order` and hands it over, in parallel.
fn read_blobs(
    repo: &gix::ThreadSafeRepository,
    order: &[ObjectId],
    sink: &dyn Sink,
    progress: &Progress,
    lacks_by_design: bool,
) {
    order.par_chunks(CHUNK).for_each_init(
        || (with_pack_cache(repo), Vec::new()),
        |(repo, buf), chunk| {
            let mut bytes = 0;
            for &id in chunk {
                let name = format!("blob {id}");
                if read_blob(repo, id, None, sink, buf, lacks_by_design) {
                    bytes += buf.len() as u64;
                    sink.input(Input {
                        bytes: buf,
                        name: &name,
                        place: None,
                        blob: Some(id),
                        base: None,
                    });
                }
            }
            progress.scanned(chunk.len() as u64, bytes);
        },
    );
}

/// Reads blob `id` into `buf`, unless it is larger than the sink's size
/// limit, missing or unreadable: then says so, counts it, and returns
/// false. `path` names it where it is known (a change); a history blob is
/// named `blob <id>`, and by its path once the walk has found it.
fn read_blob(
    repo: &gix::Repository,
    id: ObjectId,
    path: Option<&str>,
    sink: &dyn Sink,
    buf: &mut Vec<u8>,
    lacks_by_design: bool,
) -> bool {
    buf.clear();
    if id == ObjectId::empty_blob(repo.object_hash()) {
        return true;
    }
    let blob = format!("blob {id}");
    let name = path.unwrap_or(&blob);
    let missing = |sink: &dyn Sink| {
        if lacks_by_design {
            log::warn!("{name}: skipped: blob {id} is missing (shallow or partial clone)");
            sink.skip(SkipReason::Missing);
        } else {
            log::warn!("{name}: skipped: blob {id} is missing");
            sink.unread(&blob, SkipReason::Missing);
        }
    };
    let unreadable = |sink: &dyn Sink, err: &dyn std::fmt::Display| {
        log::warn!("{name}: skipped: blob {id} cannot be read: {err}");
        sink.unread(&blob, SkipReason::Unreadable);
    };
    match repo.try_find_header(id) {
        Ok(Some(header)) if header.size() > sink.max_size() => {
            match path {
                Some(path) => sink.too_large(path, header.size()),
                None => sink.too_large_blob(id, header.size()),
            }
            return false;
        }
        Ok(Some(_)) => {}
        Ok(None) => {
            missing(sink);
            return false;
        }
        Err(err) => {
            unreadable(sink, &err);
            return false;
        }
    }
    match repo.objects.try_find(&id, buf) {
        Ok(Some(_)) => true,
        Ok(None) => {
            missing(sink);
            false
        }
        Err(err) => {
            unreadable(sink, &err);
            false
        }
    }
}

/// The process's anonymous memory now and at its peak, for the stage logs
/// (`-v`), where the system says (Linux); empty elsewhere.
fn memory() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
    };
    match (field("RssAnon:"), field("VmHWM:")) {
        (Some(anon), Some(peak)) => format!(
            " (anonymous memory {} MiB, peak resident {} MiB)",
            anon / 1024,
            peak / 1024
        ),
        _ => String::new(),
    }
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
            tag: None,
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

/// Test repositories made with the git CLI, isolated from the machine's
/// configuration, with a fixed identity.
#[cfg(test)]
mod test_git {
    use std::path::Path;

    /// The date [`git`] commits at.
    pub const DATE: &str = "2024-01-02T03:04:05+00:00";

    /// Runs `git ARGS` in `dir`, committing at [`DATE`].
    pub fn git(dir: &Path, args: &[&str]) {
        git_at(dir, args, DATE);
    }

    /// Runs `git ARGS` in `dir`, committing at `date`.
    pub fn git_at(dir: &Path, args: &[&str], date: &str) {
        let status = std::process::Command::new("git")
            .args(args)
            .current_dir(dir)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("HOME", dir)
            .env("GIT_AUTHOR_NAME", "Ada Author")
            .env("GIT_AUTHOR_EMAIL", "ada@example.org")
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_NAME", "Ada Author")
            .env("GIT_COMMITTER_EMAIL", "ada@example.org")
            .env("GIT_COMMITTER_DATE", date)
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
}
