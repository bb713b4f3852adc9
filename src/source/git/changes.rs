//! What a change adds: the staged changes (pre-commit) and the commits of a
//! range (pull requests).
//!
//! Each changed blob is matched whole, so multi-line rules and positions
//! stay right, and only matches that touch an added line are kept: a secret
//! already in the base is not reported again, and one added and removed
//! within a range is still caught (in the commit that added it).

use anyhow::{Context as _, bail};
use gix::ObjectId;
use gix::bstr::{BString, ByteSlice};
use gix::objs::tree::EntryKind;
use gix::prelude::Find;

use super::history::{CommitNode, History, commit_tree, join, read_commit};
use super::provenance::{ChangedBlob, Differ, Loading};
use super::{Locator, read_blob};
use crate::source::{Input, Place, Produced, Sink, Source};
use crate::summary::SkipReason;

/// A changed blob and the walk index of the commit that changed it (none
/// for staged changes).
type Change = (ChangedBlob, Option<usize>);

/// What a set of changes adds: the staged changes, or the commits of a
/// range, each against its first parent.
pub struct Changes<'r> {
    repo: &'r gix::Repository,
    /// The commits of a range (none for staged changes).
    history: History,
    changes: Vec<Change>,
    /// Index entries that cannot be scanned, counted when producing.
    skipped: Vec<SkipReason>,
    /// Whether the messages of the range's commits are scanned.
    messages: bool,
}

impl<'r> Changes<'r> {
    /// What the index adds relative to HEAD (or to nothing in a repository
    /// without commits). `Ok(None)` when nothing is staged.
    pub fn staged(repo: &'r gix::Repository) -> anyhow::Result<Option<Self>> {
        let index = repo.index_or_empty().context("cannot read the git index")?;
        let head_tree = repo
            .head_tree_id_or_empty()
            .context("cannot read HEAD")?
            .detach();
        let head = tree_blobs(repo, head_tree)?;
        let head_ids: std::collections::HashSet<ObjectId> = head.values().copied().collect();
        let mut skipped = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        let mut staged_anything = false;
        for entry in index.entries() {
            let path = entry.path(&index);
            if entry.stage_raw() != 0 {
                log::warn!("{path}: skipped: unmerged (resolve the merge conflict first)");
                skipped.push(SkipReason::Unmerged);
                continue;
            }
            let before = head.get(path.as_bytes()).copied();
            if before == Some(entry.id)
                || entry
                    .flags
                    .contains(gix::index::entry::Flags::INTENT_TO_ADD)
            {
                continue;
            }
            staged_anything = true;
            use gix::index::entry::Mode;
            if entry.mode == Mode::COMMIT {
                log::info!("{path}: skipped: submodule");
                skipped.push(SkipReason::Submodule);
                continue;
            }
            if entry.mode == Mode::SYMLINK {
                log::info!("{path}: skipped: symlink (not followed)");
                skipped.push(SkipReason::Symlink);
                continue;
            }
            // A file renamed without changes adds nothing.
            if before.is_none() && head_ids.contains(&entry.id) {
                continue;
            }
            changes.push((
                ChangedBlob {
                    path: path.to_owned(),
                    new: entry.id,
                    old: before,
                },
                None,
            ));
        }
        if !staged_anything
            && !head
                .keys()
                .any(|p| index.entry_by_path(p.as_bstr()).is_none())
        {
            return Ok(None);
        }
        Ok(Some(Changes {
            repo,
            history: History::default(),
            changes,
            skipped,
            messages: false,
        }))
    }

    /// The commits of `spec` (`BASE..HEAD`: reachable from HEAD and not
    /// from BASE; `BASE...HEAD`: from their merge base), each against its
    /// first parent.
    ///
    /// In a shallow clone (CI checkouts are, by default), a base or a
    /// parent past the clone's boundary is an error that names the missing
    /// commit and how to fetch it: what a commit adds cannot be told
    /// without its parent.
    pub fn range(repo: &'r gix::Repository, spec: &str) -> anyhow::Result<Self> {
        let (base, head) = resolve_range(repo, spec)?;
        let mut history = History::default();
        let mut buf = Vec::new();
        let shallow = repo.is_shallow();
        for info in repo.rev_walk([head]).with_hidden(base).all()? {
            let info = info.map_err(|e| {
                let e = anyhow::anyhow!("cannot walk {spec}: {e}");
                if shallow { e.context(SHALLOW_FIX) } else { e }
            })?;
            let commit = read_commit(repo, info.id, &mut buf)?;
            history.commits.push(CommitNode {
                id: info.id,
                tree: commit.tree,
                first_parent: info.parent_ids.first().copied(),
                time: commit.time,
                merge: info.parent_ids.len() > 1,
            });
        }
        let mut differ = Differ::default();
        let mut trees = Loading {
            store: Default::default(),
            repo,
            buf: Vec::new(),
        };
        let mut changes: Vec<Change> = Vec::new();
        for (index, commit) in history.commits.iter().enumerate() {
            let old = match commit.first_parent {
                Some(parent) => Some(commit_tree(repo, parent, &mut buf).map_err(|e| {
                    if shallow {
                        anyhow::anyhow!(
                            "--range {spec}: commit {parent}, the parent of {}, is not in this \
                             shallow clone: the range reaches past the history it has; {SHALLOW_FIX}",
                            commit.id
                        )
                    } else {
                        e.context(format!("--range {spec}: the parent of commit {}", commit.id))
                    }
                })?),
                None => None,
            };
            let mut added = Vec::new();
            differ.diff(
                &mut trees,
                old,
                commit.tree,
                &BString::default(),
                &mut |change| {
                    added.push(change);
                },
            );
            // A file moved without changes adds nothing: drop new paths
            // whose blob the parent already had somewhere.
            if let Some(old) = old
                && added.iter().any(|c| c.old.is_none())
            {
                let before: std::collections::HashSet<ObjectId> =
                    tree_blobs(repo, old)?.into_values().collect();
                added.retain(|c| c.old.is_some() || !before.contains(&c.new));
            }
            changes.extend(added.into_iter().map(|c| (c, Some(index))));
        }
        Ok(Changes {
            repo,
            history,
            changes,
            skipped: Vec::new(),
            messages: true,
        })
    }

    /// Leaves out the messages of the range's commits (`--no-messages`).
    pub fn without_messages(mut self) -> Self {
        self.messages = false;
        self
    }
}

impl Source for Changes<'_> {
    /// Hands over each changed blob whole, with the version it replaces, so
    /// that only matches on added lines are reported.
    fn produce(&mut self, sink: &dyn Sink) -> anyhow::Result<Produced> {
        for &reason in &self.skipped {
            sink.skip(reason);
        }
        let repo = self.repo;
        let lacks_by_design = super::lacks_objects_by_design(repo);
        let mut locator = Locator::new(repo, &self.history);
        let (mut new, mut old) = (Vec::new(), Vec::new());
        for (change, commit) in &self.changes {
            let display = change.path.to_str_lossy().into_owned();
            if !sink.wants_path(&display, &display) {
                continue;
            }
            if !read_blob(
                repo,
                change.new,
                Some(&display),
                sink,
                &mut new,
                lacks_by_design,
            ) {
                continue;
            }
            old.clear();
            if let Some(id) = change.old
                && !read_whole(repo, id, &mut old)
            {
                log::warn!(
                    "{display}: blob {id}, the version replaced, cannot be read: all lines count as added"
                );
                sink.skip(SkipReason::Missing);
                old.clear();
            }
            let place = Place {
                relative: display.clone(),
                git: commit.map(|c| locator.location(change.new, &change.path, Some(c))),
                display,
            };
            sink.input(Input {
                bytes: &new,
                name: &place.display,
                place: Some(&place),
                blob: Some(change.new),
                base: Some(&old),
            });
        }
        if self.messages {
            for (index, commit) in self.history.commits.iter().enumerate() {
                super::messages::commit(repo, index, commit, sink, &mut new);
            }
        }
        Ok(Produced {
            commits: self.history.commits.len() as u64,
            earliest_per_path: false,
        })
    }
}

/// Reads the version a change replaces, whatever its size (`false` if it
/// cannot be read: then everything in the new version counts as added).
fn read_whole(repo: &gix::Repository, id: ObjectId, buf: &mut Vec<u8>) -> bool {
    buf.clear();
    id == ObjectId::empty_blob(repo.object_hash())
        || matches!(repo.objects.try_find(&id, buf), Ok(Some(_)))
}

/// How to get the history a shallow clone lacks.
const SHALLOW_FIX: &str = "this is a shallow clone; fetch the history the range needs: in GitHub \
    Actions, set `fetch-depth: 0` on actions/checkout; elsewhere, `git fetch --deepen=<n>` (or \
    `git fetch --unshallow`), or fetch the base itself (`git fetch origin <base>`)";

/// `(hidden bases, head)` of a range.
fn resolve_range(repo: &gix::Repository, spec: &str) -> anyhow::Result<(Vec<ObjectId>, ObjectId)> {
    let (base, head, merge_base) = if let Some((b, h)) = spec.split_once("...") {
        (b, h, true)
    } else if let Some((b, h)) = spec.split_once("..") {
        (b, h, false)
    } else {
        bail!("--range {spec}: expected BASE..HEAD or BASE...HEAD");
    };
    let head = commit_id(repo, if head.is_empty() { "HEAD" } else { head })?;
    let base = commit_id(repo, if base.is_empty() { "HEAD" } else { base })?;
    let base = if merge_base {
        match repo.merge_base(base, head) {
            Ok(id) => id.detach(),
            Err(_) if repo.is_shallow() => bail!(
                "--range {spec}: no common ancestor of the two sides is in this shallow clone; \
                 {SHALLOW_FIX}"
            ),
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("--range {spec}: the two sides have no common ancestor")
                });
            }
        }
    } else {
        base
    };
    Ok((vec![base], head))
}

fn commit_id(repo: &gix::Repository, spec: &str) -> anyhow::Result<ObjectId> {
    let shallow = |what: &str| {
        anyhow::anyhow!(
            "{what}: this repository is a shallow clone, and the commit is not in it \
             (the clone's history stops at {}); {SHALLOW_FIX}",
            boundary(repo)
        )
    };
    let object = repo
        .rev_parse_single(spec)
        .map_err(|_| {
            if repo.is_shallow() {
                shallow(&format!("unknown revision '{spec}'"))
            } else {
                anyhow::anyhow!("unknown revision '{spec}'")
            }
        })?
        .object()
        .map_err(|e| {
            if repo.is_shallow() {
                shallow(&format!("revision '{spec}' cannot be read ({e})"))
            } else {
                anyhow::anyhow!("revision '{spec}' cannot be read: {e}")
            }
        })?
        .peel_tags_to_end()
        .with_context(|| format!("revision '{spec}' cannot be read"))?;
    if object.kind != gix::object::Kind::Commit {
        bail!("revision '{spec}' is a {}, not a commit", object.kind);
    }
    Ok(object.id)
}

/// The commits a shallow clone's history stops at, for messages.
fn boundary(repo: &gix::Repository) -> String {
    match repo.shallow_commits() {
        Ok(Some(commits)) => {
            let mut ids: Vec<String> = commits.iter().take(3).map(|id| id.to_string()).collect();
            if commits.len() > 3 {
                ids.push(format!("and {} more", commits.len() - 3));
            }
            format!("commit {}", ids.join(", "))
        }
        _ => "its shallow boundary".to_owned(),
    }
}

/// Path → blob of every file in `tree` (the empty map for no tree).
fn tree_blobs(
    repo: &gix::Repository,
    tree: ObjectId,
) -> anyhow::Result<std::collections::HashMap<BString, ObjectId>> {
    let mut out = std::collections::HashMap::new();
    let mut stack = vec![(tree, BString::default())];
    let mut buf = Vec::new();
    while let Some((id, prefix)) = stack.pop() {
        if id == ObjectId::empty_tree(repo.object_hash()) {
            continue;
        }
        let data = repo
            .objects
            .try_find(&id, &mut buf)
            .map_err(|e| anyhow::anyhow!(e))?
            .with_context(|| format!("tree {id} of HEAD is missing"))?;
        for entry in gix::objs::TreeRefIter::from_bytes(data.data, repo.object_hash()) {
            let entry = entry.with_context(|| format!("tree {id} of HEAD is corrupt"))?;
            let path = join(&prefix, entry.filename);
            match entry.mode.kind() {
                EntryKind::Tree => stack.push((entry.oid.to_owned(), path)),
                _ => {
                    out.insert(path, entry.oid.to_owned());
                }
            }
        }
    }
    Ok(out)
}
