//! Provenance: which commit first put a blob at a path.
//!
//! Run only for blobs that hold findings, so a clean history pays nothing.
//! Every commit is diffed against its first parent (the empty tree for a
//! root or a shallow boundary): a blob that appears or changes at a path is
//! recorded with that commit, and the earliest commit per (blob, path) wins.
//! Together the diffs cover every (blob, path) of every walked commit, since
//! each tree is its first parent's plus that commit's changes.

use gix::ObjectId;
use gix::bstr::BString;
use gix::hashtable::{HashMap, HashSet};
use gix::objs::tree::EntryKind;
use rayon::prelude::*;

use super::history::{CommitNode, join};
use super::trees::{Entry, TreeStore};
use std::cmp::Ordering;

/// One appearance of a blob at a path.
#[derive(Clone, Debug)]
pub struct Appearance {
    /// The path.
    pub path: BString,
    /// Index of the introducing commit in the walk.
    pub commit: usize,
}

/// For each wanted blob, where it appears: one entry per path, with the
/// earliest commit that put it there.
pub fn appearances(
    store: &TreeStore,
    commits: &[CommitNode],
    wanted: &HashSet<ObjectId>,
) -> HashMap<ObjectId, Vec<Appearance>> {
    let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    // A few long runs of neighbouring commits per thread, each with one
    // differ and its buffers.
    let run = commits
        .len()
        .div_ceil(rayon::current_num_threads() * 4)
        .max(1);
    let found: Vec<(ObjectId, BString, usize)> = commits
        .par_chunks(run)
        .enumerate()
        .flat_map_iter(|(chunk, run_commits)| {
            let mut differ = Differ::default();
            let mut stored = store;
            let mut out = Vec::new();
            for (offset, commit) in run_commits.iter().enumerate() {
                let index = chunk * run + offset;
                let old = commit.first_parent.and_then(|p| trees.get(&p).copied());
                differ.diff(
                    &mut stored,
                    old,
                    commit.tree,
                    &BString::default(),
                    &mut |change| {
                        if wanted.contains(&change.new) {
                            out.push((change.new, change.path, index));
                        }
                    },
                );
            }
            out
        })
        .collect();
    let mut earliest: std::collections::HashMap<(ObjectId, BString), usize> =
        std::collections::HashMap::new();
    for (blob, path, index) in found {
        let key = (blob, path);
        let better = |current: usize| earlier(commits, index, current);
        match earliest.get(&key) {
            Some(&current) if !better(current) => {}
            _ => {
                earliest.insert(key, index);
            }
        }
    }
    let mut by_blob: HashMap<ObjectId, Vec<Appearance>> = HashMap::default();
    for ((blob, path), commit) in earliest {
        by_blob
            .entry(blob)
            .or_default()
            .push(Appearance { path, commit });
    }
    by_blob
}

/// Whether the commit at walk index `a` introduces a blob at a path
/// before the one at `b`: a non-merge first, then the earlier time; equal
/// times go by the walk, which visits descendants first, so the later
/// index is the older commit.
pub fn earlier(commits: &[CommitNode], a: usize, b: usize) -> bool {
    let (x, y) = (&commits[a], &commits[b]);
    (x.merge, x.time, std::cmp::Reverse(a)) < (y.merge, y.time, std::cmp::Reverse(b))
}

/// A blob that a tree diff found new or changed at a path.
pub struct ChangedBlob {
    /// The path in the new tree.
    pub path: BString,
    /// The blob there now.
    pub new: ObjectId,
    /// The blob that was at that path before, if any.
    pub old: Option<ObjectId>,
}

/// Where a differ gets trees from.
pub trait Trees {
    /// Copies the entries of tree `id` into `out` (none if it cannot be
    /// read).
    fn entries(&mut self, id: ObjectId, out: &mut Vec<Entry>);
    /// The store the entries' names and ids are in.
    fn store(&self) -> &TreeStore;
}

/// A store holding every tree needed (after the history walk).
impl Trees for &TreeStore {
    fn entries(&mut self, id: ObjectId, out: &mut Vec<Entry>) {
        self.get(id, out);
    }

    fn store(&self) -> &TreeStore {
        self
    }
}

/// A store that loads trees from the object database when asked.
pub struct Loading<'r> {
    /// The trees loaded so far.
    pub store: TreeStore,
    /// Where they come from.
    pub repo: &'r gix::Repository,
    /// Scratch space.
    pub buf: Vec<u8>,
}

impl Trees for Loading<'_> {
    fn entries(&mut self, id: ObjectId, out: &mut Vec<Entry>) {
        if self.store.load(self.repo, id, &mut self.buf, out).is_err() {
            out.clear();
        }
    }

    fn store(&self) -> &TreeStore {
        &self.store
    }
}

/// A recursive tree differ with reusable buffers.
#[derive(Default)]
pub struct Differ {
    /// Per depth: the new and the old tree's entries.
    levels: Vec<(Vec<Entry>, Vec<Entry>)>,
}

impl Differ {
    /// Calls `found` for every blob that `new` has and `old` has not at the
    /// same path (`old` `None`: the empty tree). Identical subtrees are
    /// skipped without being read.
    pub fn diff(
        &mut self,
        trees: &mut dyn Trees,
        old: Option<ObjectId>,
        new: ObjectId,
        prefix: &BString,
        found: &mut dyn FnMut(ChangedBlob),
    ) {
        self.diff_at(0, trees, old, new, prefix, found);
    }

    fn diff_at(
        &mut self,
        depth: usize,
        trees: &mut dyn Trees,
        old: Option<ObjectId>,
        new: ObjectId,
        prefix: &BString,
        found: &mut dyn FnMut(ChangedBlob),
    ) {
        if old == Some(new) {
            return;
        }
        if self.levels.len() <= depth {
            self.levels.resize_with(depth + 1, Default::default);
        }
        let (mut new_entries, mut old_entries) = std::mem::take(&mut self.levels[depth]);
        trees.entries(new, &mut new_entries);
        old_entries.clear();
        if let Some(old) = old {
            trees.entries(old, &mut old_entries);
        }
        // Both lists are in git's order: walk them side by side.
        let mut next_old = 0;
        for entry in &new_entries {
            let store = trees.store();
            // Most entries are at the same place as in the old tree: equal
            // name numbers say so without comparing the names' bytes.
            let order = |old: &Entry| {
                if old.same_place(entry) {
                    Ordering::Equal
                } else {
                    store.order(old, entry)
                }
            };
            while next_old < old_entries.len() && order(&old_entries[next_old]) == Ordering::Less {
                next_old += 1;
            }
            let before = old_entries
                .get(next_old)
                .filter(|o| order(o) == Ordering::Equal);
            if before.is_some_and(|o| o.object() == entry.object()) {
                continue;
            }
            let id = store.id(entry);
            let before_id = before.map(|o| (o.kind(), store.id(o)));
            let path = join(prefix, store.name(entry).as_ref());
            match entry.kind() {
                EntryKind::Tree => {
                    let old_tree = before_id
                        .filter(|(k, _)| *k == EntryKind::Tree)
                        .map(|(_, o)| o);
                    self.diff_at(depth + 1, trees, old_tree, id, &path, found);
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    let old = before_id
                        .filter(|(k, _)| matches!(k, EntryKind::Blob | EntryKind::BlobExecutable))
                        .map(|(_, o)| o);
                    found(ChangedBlob { path, new: id, old });
                }
                _ => {}
            }
        }
        self.levels[depth] = (new_entries, old_entries);
    }
}
