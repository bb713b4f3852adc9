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
pub fn enumerate(
    repo: &gix::Repository,
    store: &mut TreeStore,
    tips: &Tips,
    sink: &dyn Sink,
    mut progress: impl FnMut(usize),
) -> anyhow::Result<History> {
    let mut history = History::default();
    let mut walker = Walker {
        lacks_by_design: super::lacks_objects_by_design(repo),
        ..Walker::default()
    };
    if !tips.commits.is_empty() {
        let walk = repo.rev_walk(tips.commits.iter().copied()).all()?;
        let mut buf = Vec::new();
        for info in walk {
            let info = match info {
                Ok(info) => info,
                Err(err) => {
                    log::warn!("history walk stopped early: {err}");
                    sink.unread("the commit walk", SkipReason::Unreadable);
                    break;
                }
            };
            let tree = match commit_tree(repo, info.id, &mut buf) {
                Ok(tree) => tree,
                Err(err) => {
                    log::warn!("commit {}: {err}", info.id);
                    sink.unread(&format!("commit {}", info.id), SkipReason::Unreadable);
                    continue;
                }
            };
            history.commits.push(CommitNode {
                id: info.id,
                tree,
                first_parent: info.parent_ids.first().copied(),
                time: info.commit_time.unwrap_or_default(),
                merge: info.parent_ids.len() > 1,
            });
            walker.tree(repo, store, tree, BString::default(), &mut history, sink);
            progress(history.commits.len());
        }
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

/// Reads a commit's tree id.
pub fn commit_tree(
    repo: &gix::Repository,
    id: ObjectId,
    buf: &mut Vec<u8>,
) -> anyhow::Result<ObjectId> {
    let data = repo
        .objects
        .try_find(&id, buf)
        .map_err(|e| anyhow::anyhow!(e))?
        .ok_or_else(|| anyhow::anyhow!("commit {id} is missing"))?;
    let mut iter = gix::objs::CommitRefIter::from_bytes(data.data, repo.object_hash());
    Ok(iter.tree_id()?)
}

/// Depth-first tree traversal with reusable buffers.
#[derive(Default)]
struct Walker {
    /// A shallow or partial clone: a missing object is expected.
    lacks_by_design: bool,
    buf: Vec<u8>,
    entries: Vec<Entry>,
    stack: Vec<(ObjectId, BString)>,
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
        if !history.trees.insert(root) {
            return;
        }
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
                let oid = store.id(entry);
                match entry.kind() {
                    EntryKind::Tree => {
                        if history.trees.insert(oid) {
                            self.stack
                                .push((oid, join(&prefix, store.name(entry).as_ref())));
                        }
                    }
                    EntryKind::Blob | EntryKind::BlobExecutable => {
                        let known = history.blobs.get(&oid).copied();
                        // With a path allowlist, a blob is left out while
                        // every path it is seen at is allowlisted.
                        let recheck = allowlist.is_some() && history.allowlisted.contains(&oid);
                        if known.is_none() || recheck {
                            let path = join(&prefix, store.name(entry).as_ref());
                            let allowed =
                                allowlist.is_some_and(|set| set.is_match(&path.to_str_lossy()));
                            match known {
                                None => {
                                    let index = intern(&mut history.paths, path);
                                    history.blobs.insert(oid, index);
                                    if allowed {
                                        history.allowlisted.insert(oid);
                                    }
                                }
                                Some(index) if !allowed => {
                                    // Named by a path that is scanned.
                                    history.allowlisted.remove(&oid);
                                    history.paths[index as usize] = path;
                                }
                                Some(_) => {}
                            }
                        }
                    }
                    EntryKind::Link => {
                        if history.not_scanned.insert(oid) {
                            log::info!(
                                "{}: skipped: symlink (not followed)",
                                join(&prefix, store.name(entry).as_ref())
                            );
                            sink.skip(SkipReason::Symlink);
                        }
                    }
                    EntryKind::Commit => {
                        if history.not_scanned.insert(oid) {
                            log::info!(
                                "{}: skipped: submodule",
                                join(&prefix, store.name(entry).as_ref())
                            );
                            sink.skip(SkipReason::Submodule);
                        }
                    }
                }
            }
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
