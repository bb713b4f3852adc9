//! Incremental history scans: what an earlier run recorded ([`Known`])
//! is not walked or read again.
//!
//! Every commit is still listed (a rev walk reads commit headers only),
//! so that walk indices, and with them the tie-breaks of provenance, are
//! those of a full scan, and so that a rewritten history (a recorded
//! commit no ref reaches any more) is noticed: then the whole history is
//! scanned again. Only the commits not recorded are diffed against their
//! first parents (trees read from the object database, not the packs).
//! A blob in a new commit's tree that the diff does not show was in the
//! first parent's tree, so it was recorded already (the parent was walked
//! before, or is new and diffed too): the diffs give every blob that may
//! be new, and every new place of a blob already known.
//!
//! Blobs not recorded are read and scanned. A recorded blob with hits
//! (reported or suppressed where it was) that a new commit puts at a new path (or introduces at a path earlier
//! than recorded: a commit with an older date) is read again, so that its
//! locations at every path are made as a full scan makes them (a
//! suppression may depend on the path). The other
//! recorded places are refreshed: their walk index, time and whether HEAD
//! still has them.

use gix::ObjectId;
use gix::bstr::BString;
use gix::hashtable::{HashMap, HashSet};

use super::history::{self, CommitNode, History, Tips};
use super::provenance::{Appearance, Differ, Loading, earlier};
use super::trees::TreeStore;
use crate::source::Sink;
use crate::summary::SkipReason;

/// Places (blob, path) with the walk index of the commit that introduced
/// each (a standard map: gix's hasher takes object ids only).
type Places = std::collections::HashMap<(ObjectId, BString), usize>;

/// What an earlier run recorded of a repository's history under the same
/// rules and options: what need not be walked or read again.
#[derive(Clone, Debug, Default)]
pub struct Known {
    /// Commits whose trees were walked.
    pub commits: HashSet<ObjectId>,
    /// Blobs scanned (read and matched, or skipped for their size).
    pub blobs: HashSet<ObjectId>,
    /// Where blobs with hits (reported or not) appear: the blob, the
    /// path, and the commit that introduced it there.
    pub places: Vec<(ObjectId, BString, ObjectId)>,
}

/// What a history scan walked and read: what a datastore records.
#[derive(Clone, Debug, Default)]
pub struct Walked {
    /// The whole history was walked (nothing was known, or the history no
    /// longer holds what was): this replaces the earlier record.
    pub whole: bool,
    /// The commits whose trees were walked.
    pub commits: Vec<ObjectId>,
    /// The blobs read and scanned, or skipped for their size.
    pub blobs: Vec<ObjectId>,
    /// Known blobs with findings that were read again: their recorded
    /// locations are replaced by this scan's.
    pub reread: HashSet<ObjectId>,
    /// Every commit walked (an incremental scan): its time and its index
    /// in the walk, which place a recorded commit message's location.
    pub commits_now: HashMap<ObjectId, (i64, usize)>,
    /// Each recorded place kept (blob, path): where it stands now.
    pub refreshed: std::collections::HashMap<(ObjectId, BString), Refreshed>,
    /// Every place of the blobs read that have hits: the blob, the path
    /// and the commit that introduced it there (none for a blob no
    /// commit reaches).
    pub places: Vec<(ObjectId, BString, Option<ObjectId>)>,
}

/// A recorded appearance as the current history places it.
#[derive(Clone, Copy, Debug)]
pub struct Refreshed {
    /// Committer time of its commit.
    pub time: i64,
    /// Position of its commit in this run's walk.
    pub walk_index: usize,
    /// Whether HEAD has the blob at that path.
    pub in_head: bool,
}

/// The plan of an incremental scan: the history as a full scan lists it,
/// the blobs to read, and where blobs with findings appear.
pub struct Plan {
    /// Every commit, new blobs and their first paths (`history.blobs`).
    pub history: History,
    /// Blobs to read, sorted.
    pub read: Vec<ObjectId>,
    /// For the blobs read: every place, with its introducing commit.
    pub appearances: HashMap<ObjectId, Vec<Appearance>>,
    /// What is recorded.
    pub walked: Walked,
}

/// Plans an incremental scan from `tips`, or `None` when the whole history
/// must be scanned: a tag of a tree or a blob (no commit introduces it), or
/// a recorded commit that no ref reaches any more.
pub fn plan(
    repo: &gix::Repository,
    tips: &Tips,
    known: &Known,
    sink: &dyn Sink,
) -> anyhow::Result<Option<Plan>> {
    if !tips.trees.is_empty() || !tips.blobs.is_empty() {
        log::info!("a ref names a tree or a blob: scanning the whole history");
        return Ok(None);
    }
    let commits = list_commits(repo, tips, sink)?;
    let index: HashMap<ObjectId, usize> =
        commits.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    if let Some(gone) = known.commits.iter().find(|c| !index.contains_key(*c)) {
        log::info!("recorded commit {gone} is no longer reachable: scanning the whole history");
        return Ok(None);
    }
    let mut history = History {
        commits,
        ..History::default()
    };
    let new: Vec<usize> = (0..history.commits.len())
        .filter(|&i| !known.commits.contains(&history.commits[i].id))
        .collect();
    let changes = diff_new(repo, &mut history.commits, &index, &new);
    let recorded = recorded_places(known, &index);
    let (fresh, reread) = sort_changes(changes, known, &recorded, &mut history, sink);
    let (read, blobs) = to_read(&mut history, &reread, sink);
    let mut walked = Walked {
        commits: new.iter().map(|&i| history.commits[i].id).collect(),
        blobs,
        reread,
        ..Walked::default()
    };
    let appearances = appearances(&read, &recorded, fresh, &history.commits);
    walked.refreshed = refresh(repo, &recorded, &walked.reread, &history.commits);
    Ok(Some(Plan {
        history,
        read,
        appearances,
        walked,
    }))
}

/// Sorts the changes of the new commits: blobs not recorded get their first
/// path; a recorded blob with hits at a new place, or at a recorded place
/// by an earlier commit, is to be read again. Returns every new place with
/// its earliest commit, and the blobs to read again.
fn sort_changes(
    changes: Vec<(ObjectId, BString, usize)>,
    known: &Known,
    recorded: &Places,
    history: &mut History,
    sink: &dyn Sink,
) -> (Places, HashSet<ObjectId>) {
    // Known blobs with hits; one without any holds nothing wherever it is.
    let with_hits: HashSet<ObjectId> = known.places.iter().map(|p| p.0).collect();
    let mut fresh = Places::new();
    let mut reread = HashSet::default();
    for (blob, path, commit) in changes {
        if known.blobs.contains(&blob) {
            let better = match recorded.get(&(blob, path.clone())) {
                Some(&at) => earlier(&history.commits, commit, at),
                None => with_hits.contains(&blob),
            };
            if better {
                reread.insert(blob);
            }
        } else {
            name_new_blob(history, blob, &path, sink);
        }
        keep_earliest(&mut fresh, (blob, path), commit, &history.commits);
    }
    (fresh, reread)
}

/// The blobs to read, sorted (the new ones not allowlisted, and those read
/// again), and the new ones alone (what is recorded as scanned). Blobs
/// seen only at allowlisted paths are counted as skipped.
fn to_read(
    history: &mut History,
    reread: &HashSet<ObjectId>,
    sink: &dyn Sink,
) -> (Vec<ObjectId>, Vec<ObjectId>) {
    for blob in &history.allowlisted {
        sink.skip(SkipReason::Allowlisted);
        log::info!("blob {blob}: skipped: allowlisted path");
    }
    let new: Vec<ObjectId> = history
        .blobs
        .keys()
        .filter(|b| !history.allowlisted.contains(*b))
        .copied()
        .collect();
    let mut read = new.clone();
    for &blob in reread {
        history.blobs.entry(blob).or_insert(0);
        read.push(blob);
    }
    if history.paths.is_empty() {
        history.paths.push(BString::default());
    }
    read.sort_unstable();
    (read, new)
}

/// Every commit from the tips, in the order a full scan walks them, with
/// its tree and committer time.
fn list_commits(
    repo: &gix::Repository,
    tips: &Tips,
    sink: &dyn Sink,
) -> anyhow::Result<Vec<CommitNode>> {
    // The full scan's walk, with the same committer times: provenance
    // ties break as they do there.
    Ok(history::list(repo, &tips.commits, sink))
}

/// Diffs each new commit against its first parent: (blob, path, commit
/// index) of every blob that appears or changes.
fn diff_new(
    repo: &gix::Repository,
    commits: &mut [CommitNode],
    index: &HashMap<ObjectId, usize>,
    new: &[usize],
) -> Vec<(ObjectId, BString, usize)> {
    let mut buf = Vec::new();
    let mut tree_of = |commits: &mut [CommitNode], i: usize| -> Option<ObjectId> {
        if commits[i].tree.is_null() {
            commits[i].tree = history::commit_tree(repo, commits[i].id, &mut buf).ok()?;
        }
        Some(commits[i].tree)
    };
    let mut trees = Loading {
        store: TreeStore::default(),
        repo,
        buf: Vec::new(),
    };
    let mut differ = Differ::default();
    let mut out = Vec::new();
    for &i in new {
        let Some(tree) = tree_of(commits, i) else {
            log::warn!("commit {}: its tree cannot be read", commits[i].id);
            continue;
        };
        let parent = commits[i].first_parent.and_then(|p| index.get(&p).copied());
        let old = parent.and_then(|p| tree_of(commits, p));
        differ.diff(&mut trees, old, tree, &BString::default(), &mut |change| {
            out.push((change.new, change.path, i));
        });
    }
    out
}

/// The recorded appearances, by place, with their commits' walk indices.
fn recorded_places(known: &Known, index: &HashMap<ObjectId, usize>) -> Places {
    known
        .places
        .iter()
        .filter_map(|(blob, path, commit)| Some(((*blob, path.clone()), *index.get(commit)?)))
        .collect()
}

fn keep_earliest(
    places: &mut Places,
    place: (ObjectId, BString),
    commit: usize,
    commits: &[CommitNode],
) {
    match places.get(&place) {
        Some(&at) if !earlier(commits, commit, at) => {}
        _ => {
            places.insert(place, commit);
        }
    }
}

/// Records a blob not scanned before with its first path; a blob seen only
/// at allowlisted paths is left out, as a full walk leaves it out.
fn name_new_blob(history: &mut History, blob: ObjectId, path: &BString, sink: &dyn Sink) {
    let allowed = sink
        .path_allowlist()
        .is_some_and(|set| set.is_match(&String::from_utf8_lossy(path)));
    match history.blobs.get(&blob).copied() {
        None => {
            history.paths.push(path.clone());
            let index = u32::try_from(history.paths.len() - 1).expect("fewer than 4 billion blobs");
            history.blobs.insert(blob, index);
            if allowed {
                history.allowlisted.insert(blob);
            }
        }
        Some(index) if !allowed && history.allowlisted.remove(&blob) => {
            history.paths[index as usize] = path.clone();
        }
        Some(_) => {}
    }
}

/// Every place of each blob read: the recorded ones and the new ones,
/// the earliest commit per path.
fn appearances(
    read: &[ObjectId],
    recorded: &Places,
    mut fresh: Places,
    commits: &[CommitNode],
) -> HashMap<ObjectId, Vec<Appearance>> {
    let wanted: HashSet<ObjectId> = read.iter().copied().collect();
    for (place, &commit) in recorded {
        if wanted.contains(&place.0) {
            keep_earliest(&mut fresh, place.clone(), commit, commits);
        }
    }
    let mut by_blob: HashMap<ObjectId, Vec<Appearance>> = HashMap::default();
    for ((blob, path), commit) in fresh {
        if wanted.contains(&blob) {
            by_blob
                .entry(blob)
                .or_default()
                .push(Appearance { path, commit });
        }
    }
    by_blob
}

/// Where each recorded appearance not read again stands now.
fn refresh(
    repo: &gix::Repository,
    recorded: &Places,
    reread: &HashSet<ObjectId>,
    commits: &[CommitNode],
) -> std::collections::HashMap<(ObjectId, BString), Refreshed> {
    let head_tree = repo.head_tree_id().ok().map(gix::Id::detach);
    let mut buf = Vec::new();
    recorded
        .iter()
        .filter(|((blob, _), _)| !reread.contains(blob))
        .map(|((blob, path), &commit)| {
            let in_head = head_tree.and_then(|tree| history::blob_at(repo, tree, path, &mut buf))
                == Some(*blob);
            let place = Refreshed {
                time: commits[commit].time,
                walk_index: commit,
                in_head,
            };
            ((*blob, path.clone()), place)
        })
        .collect()
}
