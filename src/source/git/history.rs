//! Enumeration: the commits reachable from the refs, and every distinct blob
//! in their trees, each with the first path it was seen at.
//!
//! Each distinct tree is read once across the whole history (`seen_trees`),
//! so the cost grows with the number of distinct trees, not commits × files.

use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::hashtable::{HashMap, HashSet};
use gix::objs::tree::EntryKind;
use gix::prelude::Find;

use super::trees::{Entry, Missing, TreeStore};
use crate::source::Sink;
use crate::summary::SkipReason;

/// A commit of the walk.
#[derive(Clone, Debug)]
pub struct CommitNode {
    /// The commit.
    pub id: ObjectId,
    /// Its tree.
    pub tree: ObjectId,
    /// Its first parent, if that was walked too (not across a shallow
    /// boundary).
    pub first_parent: Option<ObjectId>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
    /// Whether it has more than one parent.
    pub merge: bool,
}

/// What the walk needs of a commit object.
#[derive(Clone, Debug)]
pub struct Commit {
    /// Its tree.
    pub tree: ObjectId,
    /// Its first parent.
    pub first_parent: Option<ObjectId>,
    /// Its other parents, in order (a merge's; no allocation otherwise:
    /// a history's commits are kept until the walk is done).
    pub other_parents: Box<[ObjectId]>,
    /// Committer time, seconds since the epoch.
    pub time: i64,
}

impl Commit {
    /// Parses a commit object's headers (the message is not read).
    pub fn parse(data: &[u8], hash: gix::hash::Kind) -> Result<Commit, gix::objs::decode::Error> {
        use gix::objs::commit::ref_iter::Token;
        let mut tree = None;
        let mut parents = Vec::new();
        let mut time = 0;
        for token in gix::objs::CommitRefIter::from_bytes(data, hash) {
            match token? {
                Token::Tree { id } => tree = Some(id),
                Token::Parent { id } => parents.push(id),
                Token::Author { .. } => {}
                Token::Committer { signature } => {
                    time = signature.time().map_or(0, |t| t.seconds);
                    break;
                }
                _ => break,
            }
        }
        let tree = tree.ok_or(gix::objs::decode::Error)?;
        let first_parent = (!parents.is_empty()).then(|| parents.remove(0));
        Ok(Commit {
            tree,
            first_parent,
            other_parents: parents.into_boxed_slice(),
            time,
        })
    }

    /// Its parents, in order.
    pub fn parents(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.first_parent
            .into_iter()
            .chain(self.other_parents.iter().copied())
    }
}

/// Everything the history scan reads.
#[derive(Debug, Default)]
pub struct History {
    /// Walked commits.
    pub commits: Vec<CommitNode>,
    /// Distinct blobs → index in `paths` of the first path seen.
    pub blobs: HashMap<ObjectId, u32>,
    /// Interned paths.
    pub paths: Vec<BString>,
    /// Trees decoded (distinct).
    pub trees: HashSet<ObjectId>,
    /// Symlink targets and submodule commits seen (counted once each).
    pub not_scanned: HashSet<ObjectId>,
    /// Blobs seen only at paths the configuration's allowlist matches:
    /// left out and counted, as a directory walk leaves such files out.
    pub allowlisted: HashSet<ObjectId>,
}

/// The objects refs point at, by kind.
#[derive(Debug, Default)]
pub struct Tips {
    /// Commits.
    pub commits: Vec<ObjectId>,
    /// Trees (a tag of a tree), with the ref name.
    pub trees: Vec<(ObjectId, BString)>,
    /// Blobs (a tag of a blob), with the ref name.
    pub blobs: Vec<(ObjectId, BString)>,
    /// Refs whose object could not be read.
    pub unread: usize,
}

/// Collects the tips: every ref (or the given ones) and HEAD, peeled. A
/// ref whose object cannot be read is counted with [`Sink::unread`].
pub fn tips(repo: &gix::Repository, only: &[String], sink: &dyn Sink) -> anyhow::Result<Tips> {
    let mut named: Vec<(BString, ObjectId)> = Vec::new();
    let mut unread = 0;
    if only.is_empty() {
        let platform = repo.references()?;
        for reference in platform.all()? {
            let mut reference = match reference {
                Ok(r) => r,
                Err(err) => {
                    log::warn!("skipped a reference that cannot be read: {err}");
                    sink.unread("a reference", SkipReason::Unreadable);
                    unread += 1;
                    continue;
                }
            };
            let name = reference.name().as_bstr().to_owned();
            match reference.peel_to_id() {
                Ok(id) => named.push((name, id.detach())),
                Err(err) => {
                    log::warn!("skipped reference {name}: {err}");
                    sink.unread(&format!("ref {name}"), SkipReason::Unreadable);
                    unread += 1;
                }
            }
        }
        if let Ok(id) = repo.head_id() {
            named.push(("HEAD".into(), id.detach()));
        }
    } else {
        for spec in only {
            let id = repo
                .rev_parse_single(spec.as_str())
                .map_err(|e| anyhow::anyhow!("--ref {spec}: {e}"))?
                .object()?
                .peel_tags_to_end()?
                .id;
            named.push((spec.as_str().into(), id));
        }
    }
    let mut tips = Tips {
        unread,
        ..Tips::default()
    };
    let mut seen = HashSet::default();
    for (name, id) in named {
        if !seen.insert(id) {
            continue;
        }
        match repo.find_header(id).map(|h| h.kind()) {
            Ok(gix::object::Kind::Commit) => tips.commits.push(id),
            Ok(gix::object::Kind::Tree) => tips.trees.push((id, name)),
            Ok(gix::object::Kind::Blob) => tips.blobs.push((id, name)),
            Ok(gix::object::Kind::Tag) => {}
            Err(err) => {
                log::warn!("skipped {name}: its object {id} cannot be read: {err}");
                sink.unread(&format!("ref {name} ({id})"), SkipReason::Unreadable);
                tips.unread += 1;
            }
        }
    }
    Ok(tips)
}

/// Walks the commits from `tips` and enumerates every blob in their trees.
/// Commits are taken from `known` (those the pass over the packs parsed),
/// else read from the object database.
pub fn enumerate(
    repo: &gix::Repository,
    store: &mut TreeStore,
    tips: &Tips,
    known: &HashMap<ObjectId, Commit>,
    sink: &dyn Sink,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<History> {
    let mut history = History::default();
    let mut walker = Walker {
        lacks_by_design: super::lacks_objects_by_design(repo),
        ..Walker::default()
    };
    let mut walk = Walk::new(repo, &tips.commits, known);
    while let Some(commit) = walk.next(repo, sink) {
        let tree = commit.tree;
        history.commits.push(commit);
        walker.tree(repo, store, tree, BString::default(), &mut history, sink);
        progress(history.commits.len());
    }
    for (tree, name) in &tips.trees {
        walker.tree(repo, store, *tree, name.clone(), &mut history, sink);
    }
    for (blob, name) in &tips.blobs {
        if !history.blobs.contains_key(blob) {
            let path = intern(&mut history.paths, name.clone());
            history.blobs.insert(*blob, path);
        }
    }
    // Only keep first parents that were walked: past a shallow boundary the
    // parent is missing and the commit is diffed against the empty tree.
    let walked: HashSet<ObjectId> = history.commits.iter().map(|c| c.id).collect();
    for commit in &mut history.commits {
        commit.first_parent = commit.first_parent.filter(|p| walked.contains(p));
    }
    Ok(history)
}

fn intern(paths: &mut Vec<BString>, path: BString) -> u32 {
    paths.push(path);
    u32::try_from(paths.len() - 1).expect("fewer than 4 billion distinct blobs")
}

/// The commits reachable from `tips`, in the walk's order (as
/// [`enumerate`] walks them), each read from the object database once: its
/// tree, first parent and committer time. A commit that cannot be read is
/// said, counted and passed over.
pub fn list(repo: &gix::Repository, tips: &[ObjectId], sink: &dyn Sink) -> Vec<CommitNode> {
    let none = HashMap::default();
    let mut walk = Walk::new(repo, tips, &none);
    std::iter::from_fn(|| walk.next(repo, sink)).collect()
}

/// Reads commit `id`'s tree id.
pub fn commit_tree(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &mut Vec<u8>,
) -> anyhow::Result<ObjectId> {
    read_commit(repo, id, buf).map(|c| c.tree)
}

/// Reads and parses commit `id`.
pub fn read_commit(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &mut Vec<u8>,
) -> anyhow::Result<Commit> {
    let data = repo
        .objects
        .try_find(&id, buf)
        .map_err(|e| anyhow::anyhow!(e))?
        .ok_or_else(|| anyhow::anyhow!("commit {id} is missing"))?;
    if data.kind != gix::object::Kind::Commit {
        anyhow::bail!("{id} is a {}, not a commit", data.kind);
    }
    Ok(Commit::parse(data.data, repo.object_hash())?)
}

/// The commits reachable from the tips, breadth first: each commit, then
/// its parents in order, each commit once; the order of `git`'s and gix's
/// default walk, so that "the first commit seen" means the same thing.
/// Commits are taken from `known` when it has them (those the pass over
/// the packs parsed), else read from the object database.
struct Walk<'k> {
    queue: std::collections::VecDeque<ObjectId>,
    seen: HashSet<ObjectId>,
    known: &'k HashMap<ObjectId, Commit>,
    /// The commits at a shallow clone's boundary, sorted: their parents
    /// are not in the clone.
    shallow: Vec<ObjectId>,
    buf: Vec<u8>,
}

impl<'k> Walk<'k> {
    fn new(
        repo: &gix::Repository,
        tips: &[ObjectId],
        known: &'k HashMap<ObjectId, Commit>,
    ) -> Self {
        let mut walk = Walk {
            queue: Default::default(),
            seen: HashSet::default(),
            known,
            shallow: repo
                .shallow_commits()
                .ok()
                .flatten()
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
            buf: Vec::new(),
        };
        walk.queue(tips.iter().copied());
        walk
    }

    /// Queues the commits of `ids` not seen yet.
    fn queue(&mut self, ids: impl Iterator<Item = ObjectId>) {
        for id in ids {
            if self.seen.insert(id) {
                self.queue.push_back(id);
            }
        }
    }

    /// The next commit; one that cannot be read is said, counted and
    /// passed over.
    fn next(&mut self, repo: &gix::Repository, sink: &dyn Sink) -> Option<CommitNode> {
        loop {
            let id = self.queue.pop_front()?;
            let commit = match self.known.get(&id) {
                Some(commit) => commit.clone(),
                None => match read_commit(repo, id, &mut self.buf) {
                    Ok(commit) => commit,
                    Err(err) => {
                        log::warn!("commit {id}: {err}");
                        sink.unread(&format!("commit {id}"), SkipReason::Unreadable);
                        continue;
                    }
                },
            };
            if self.shallow.binary_search(&id).is_err() {
                self.queue(commit.parents());
            }
            return Some(CommitNode {
                id,
                tree: commit.tree,
                first_parent: commit.first_parent,
                time: commit.time,
                merge: !commit.other_parents.is_empty(),
            });
        }
    }
}

/// Depth-first tree traversal with reusable buffers.
///
/// What the walk has seen is kept by the tree store's object numbers, one
/// bit each: git/git's trees hold 146 million entries, nearly all of
/// objects seen before, and a bit test is what makes passing over them
/// cheap. Only an object seen for the first time is looked up by id.
#[derive(Default)]
struct Walker {
    /// A shallow or partial clone: a missing object is expected.
    lacks_by_design: bool,
    buf: Vec<u8>,
    entries: Vec<Entry>,
    stack: Vec<(ObjectId, BString)>,
    seen_trees: Bits,
    seen_blobs: Bits,
    /// Symlinks and submodules.
    seen_others: Bits,
}

/// A set of numbers, one bit each, that grows as needed.
#[derive(Default)]
struct Bits(Vec<u64>);

impl Bits {
    /// Adds `n`; returns whether it was new.
    fn insert(&mut self, n: usize) -> bool {
        let (word, bit) = (n / 64, 1u64 << (n % 64));
        if word >= self.0.len() {
            self.0.resize(word + 1, 0);
        }
        let new = self.0[word] & bit == 0;
        self.0[word] |= bit;
        new
    }
}

impl Walker {
    fn tree(
        &mut self,
        repo: &gix::Repository,
        store: &mut TreeStore,
        root: ObjectId,
        prefix: BString,
        history: &mut History,
        sink: &dyn Sink,
    ) {
        if !self.seen_trees.insert(store.number(root)) {
            return;
        }
        history.trees.insert(root);
        let allowlist = sink.path_allowlist();
        self.stack.push((root, prefix));
        while let Some((id, prefix)) = self.stack.pop() {
            match store.load(repo, id, &mut self.buf, &mut self.entries) {
                Ok(()) => {}
                Err(Missing::Absent) if self.lacks_by_design => {
                    log::warn!("tree {id} at '{prefix}' is missing (shallow or partial clone)");
                    sink.skip(SkipReason::Missing);
                    continue;
                }
                Err(Missing::Absent) => {
                    log::warn!("tree {id} at '{prefix}' is missing");
                    sink.unread(&format!("tree {id} at '{prefix}'"), SkipReason::Missing);
                    continue;
                }
                Err(Missing::Unreadable(err)) => {
                    log::warn!("tree {id} at '{prefix}' cannot be read: {err}");
                    sink.unread(&format!("tree {id} at '{prefix}'"), SkipReason::Unreadable);
                    continue;
                }
            }
            for entry in &self.entries {
                match entry.kind() {
                    EntryKind::Tree => {
                        if self.seen_trees.insert(entry.object()) {
                            let oid = store.id(entry);
                            history.trees.insert(oid);
                            self.stack
                                .push((oid, join(&prefix, store.name(entry).as_ref())));
                        }
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        let first = self.seen_blobs.insert(entry.object());
                        // With a path allowlist, a blob is left out while
                        // every path it is seen at is allowlisted.
                        if first || allowlist.is_some() {
                            blob(store, entry, &prefix, first, allowlist, history);
                        }
                    }
                    EntryKind::Link | EntryKind::Commit => {
                        if self.seen_others.insert(entry.object()) {
                            let oid = store.id(entry);
                            history.not_scanned.insert(oid);
                            let path = join(&prefix, store.name(entry).as_ref());
                            if entry.kind() == EntryKind::Link {
                                log::info!("{path}: skipped: symlink (not followed)");
                                sink.skip(SkipReason::Symlink);
                            } else {
                                log::info!("{path}: skipped: submodule");
                                sink.skip(SkipReason::Submodule);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Records blob `entry` of the tree at `prefix`: its first path (`first`:
/// never seen before), or, with a path allowlist, the first path that is
/// not allowlisted.
fn blob(
    store: &TreeStore,
    entry: &Entry,
    prefix: &BString,
    first: bool,
    allowlist: Option<&crate::rules::PathSet>,
    history: &mut History,
) {
    let oid = store.id(entry);
    if !first && !history.allowlisted.contains(&oid) {
        return;
    }
    let path = join(prefix, store.name(entry).as_ref());
    let allowed = allowlist.is_some_and(|set| set.is_match(&path.to_str_lossy()));
    if first {
        let index = intern(&mut history.paths, path);
        history.blobs.insert(oid, index);
        if allowed {
            history.allowlisted.insert(oid);
        }
    } else if !allowed {
        // Named by a path that is scanned.
        history.allowlisted.remove(&oid);
        if let Some(&index) = history.blobs.get(&oid) {
            history.paths[index as usize] = path;
        }
    }
}

/// `prefix/name`, or `name` at the root.
pub fn join(prefix: &BString, name: &gix::bstr::BStr) -> BString {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        let mut path = prefix.clone();
        path.push(b'/');
        path.extend_from_slice(name);
        path
    }
}

/// The blob at `path` in `tree`, if any.
pub fn blob_at(
    repo: &gix::Repository,
    tree: ObjectId,
    path: &[u8],
    buf: &mut Vec<u8>,
) -> Option<ObjectId> {
    let mut current = tree;
    let mut parts = path.split_str("/").peekable();
    while let Some(part) = parts.next() {
        let data = repo.objects.try_find(&current, buf).ok()??;
        let entry = gix::objs::TreeRefIter::from_bytes(data.data, repo.object_hash())
            .filter_map(Result::ok)
            .find(|e| e.filename == part)?;
        let kind = entry.mode.kind();
        current = entry.oid.to_owned();
        match (parts.peek().is_some(), kind) {
            (true, EntryKind::Tree) => {}
            (false, EntryKind::Blob | EntryKind::BlobExecutable) => return Some(current),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    use super::super::test_git::git_at as git;

    /// A history with two branches merged, committed a day apart each.
    fn branched_repo(dir: &Path) {
        let day = |n: u32| format!("2024-01-{n:02}T12:00:00+00:00");
        git(dir, &["init", "-q", "-b", "main"], &day(1));
        let mut n = 1;
        let mut commit = |dir: &Path, file: &str| {
            std::fs::write(dir.join(file), format!("version {n}\n")).unwrap();
            git(dir, &["add", "-A"], &day(n));
            git(dir, &["commit", "-q", "-m", file], &day(n));
            n += 1;
        };
        commit(dir, "a.txt");
        commit(dir, "b.txt");
        git(dir, &["checkout", "-q", "-b", "side"], &day(3));
        commit(dir, "c.txt");
        commit(dir, "d.txt");
        git(dir, &["checkout", "-q", "main"], &day(5));
        commit(dir, "e.txt");
        git(
            dir,
            &["merge", "-q", "--no-ff", "-m", "merge", "side"],
            &day(7),
        );
    }

    #[test]
    fn the_walk_is_gix_breadth_first_order_with_committer_times() {
        let dir = tempfile::tempdir().unwrap();
        branched_repo(dir.path());
        let repo = gix::open_opts(dir.path(), gix::open::Options::isolated()).unwrap();
        let head = repo.head_id().unwrap().detach();
        let expected: Vec<ObjectId> = repo
            .rev_walk([head])
            .all()
            .unwrap()
            .map(|info| info.unwrap().id)
            .collect();
        let tips = Tips {
            commits: vec![head],
            ..Tips::default()
        };
        let sink = Discard;
        let mut store = TreeStore::default();
        // Commits read from the object database, and the same commits
        // handed over already parsed, as the pass over the packs does.
        let read = enumerate(&repo, &mut store, &tips, &HashMap::default(), &sink, |_| {}).unwrap();
        let mut buf = Vec::new();
        let known: HashMap<ObjectId, Commit> = expected
            .iter()
            .map(|&id| (id, read_commit(&repo, id, &mut buf).unwrap()))
            .collect();
        let given = enumerate(&repo, &mut store, &tips, &known, &sink, |_| {}).unwrap();
        for history in [&read, &given] {
            let order: Vec<ObjectId> = history.commits.iter().map(|c| c.id).collect();
            assert_eq!(order, expected);
            let times: Vec<i64> = history.commits.iter().map(|c| c.time).collect();
            // 2024-01-07 12:00 UTC is 1704628800; the merge, then its
            // parents (main's 5th, side's 4th), and so on.
            assert_eq!(times[0], 1_704_628_800);
            assert!(times.iter().all(|&t| t >= 1_704_110_400), "{times:?}");
            assert!(history.commits[0].merge);
            assert_eq!(history.blobs.len(), 5);
        }
    }

    /// A sink that scans nothing: the walk only lists.
    struct Discard;

    impl Sink for Discard {
        fn max_size(&self) -> u64 {
            u64::MAX
        }
        fn too_large(&self, _: &str, _: u64) {}
        fn wants_path(&self, _: &str, _: &str) -> bool {
            true
        }
        fn input(&self, _: crate::source::Input<'_>) {}
        fn skip(&self, reason: SkipReason) {
            panic!("nothing is skipped here: {reason:?}");
        }
    }
}
