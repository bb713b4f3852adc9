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
use gix::prelude::Find;
use rayon::prelude::*;

use super::history::{CommitNode, join};

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
    repo: &gix::ThreadSafeRepository,
    commits: &[CommitNode],
    wanted: &HashSet<ObjectId>,
) -> HashMap<ObjectId, Vec<Appearance>> {
    let trees: HashMap<ObjectId, ObjectId> = commits.iter().map(|c| (c.id, c.tree)).collect();
    let found: Vec<(ObjectId, BString, usize)> = commits
        .par_iter()
        .enumerate()
        .map_init(
            || (repo.to_thread_local(), Differ::default()),
            |(repo, differ), (index, commit)| {
                let old = commit.first_parent.and_then(|p| trees.get(&p).copied());
                let mut out = Vec::new();
                differ.diff(repo, old, commit.tree, &BString::default(), &mut |change| {
                    if wanted.contains(&change.new) {
                        out.push((change.new, change.path, index));
                    }
                });
                out
            },
        )
        .flatten()
        .collect();
    let mut earliest: std::collections::HashMap<(ObjectId, BString), usize> =
        std::collections::HashMap::new();
    for (blob, path, index) in found {
        let key = (blob, path);
        let better = |current: usize| {
            let (a, b) = (&commits[index], &commits[current]);
            // Equal times: the walk visits descendants first, so the later
            // index is the older commit.
            (a.merge, a.time, std::cmp::Reverse(index))
                < (b.merge, b.time, std::cmp::Reverse(current))
        };
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

/// A blob that a tree diff found new or changed at a path.
pub struct ChangedBlob {
    /// The path in the new tree.
    pub path: BString,
    /// The blob there now.
    pub new: ObjectId,
    /// The blob that was at that path before, if any.
    pub old: Option<ObjectId>,
}

/// A recursive tree differ with reusable buffers.
#[derive(Default)]
pub struct Differ {
    buf: Vec<u8>,
}

type Entries = Vec<(BString, EntryKind, ObjectId)>;

impl Differ {
    fn entries(&mut self, repo: &gix::Repository, tree: ObjectId) -> Entries {
        let Ok(Some(data)) = repo.objects.try_find(&tree, &mut self.buf) else {
            return Vec::new();
        };
        gix::objs::TreeRefIter::from_bytes(data.data, repo.object_hash())
            .filter_map(Result::ok)
            .map(|e| (e.filename.to_owned(), e.mode.kind(), e.oid.to_owned()))
            .collect()
    }

    /// Calls `found` for every blob that `new` has and `old` has not at the
    /// same path (`old` `None`: the empty tree). Identical subtrees are
    /// skipped without being read.
    pub fn diff(
        &mut self,
        repo: &gix::Repository,
        old: Option<ObjectId>,
        new: ObjectId,
        prefix: &BString,
        found: &mut dyn FnMut(ChangedBlob),
    ) {
        if old == Some(new) {
            return;
        }
        let new_entries = self.entries(repo, new);
        let old_entries = old.map(|t| self.entries(repo, t)).unwrap_or_default();
        let old_by_name: std::collections::HashMap<&[u8], (EntryKind, ObjectId)> = old_entries
            .iter()
            .map(|(n, k, o)| (n.as_slice(), (*k, *o)))
            .collect();
        for (name, kind, oid) in &new_entries {
            let before = old_by_name.get(name.as_slice()).copied();
            if before.map(|(_, o)| o) == Some(*oid) {
                continue;
            }
            let path = join(prefix, name.as_ref());
            match kind {
                EntryKind::Tree => {
                    let old_tree = before
                        .filter(|(k, _)| *k == EntryKind::Tree)
                        .map(|(_, o)| o);
                    self.diff(repo, old_tree, *oid, &path, found);
                }
                EntryKind::Blob | EntryKind::BlobExecutable => {
                    let old = before
                        .filter(|(k, _)| matches!(k, EntryKind::Blob | EntryKind::BlobExecutable))
                        .map(|(_, o)| o);
                    found(ChangedBlob {
                        path,
                        new: *oid,
                        old,
                    });
                }
                _ => {}
            }
        }
    }
}
