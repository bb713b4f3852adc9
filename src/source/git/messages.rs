//! Commit and tag messages: a token pasted into a message is pushed with
//! the history and is in no file.
//!
//! Each message is one input, reported at the path `commit message` or
//! `tag message` with the commit (or tag) as its provenance. The history
//! walk has already listed the commits; their messages are read again here,
//! in parallel and in walk order (a commit is a few hundred bytes, usually
//! undeltified, so reading it again costs little next to its trees and
//! blobs), which keeps the walk itself untouched. Annotated tags are not
//! in the walk (it peels refs to commits), so they are found from the refs.

use gix::ObjectId;
use gix::bstr::ByteSlice;
use gix::hashtable::HashSet;
use gix::prelude::Find;
use rayon::prelude::*;

use super::history::CommitNode;
use crate::finding::GitLocation;
use crate::source::{Input, Place, Sink};
use crate::summary::SkipReason;

/// The path a commit message's findings are reported at.
pub const COMMIT_MESSAGE: &str = "commit message";
/// The path an annotated tag message's findings are reported at.
pub const TAG_MESSAGE: &str = "tag message";

/// Commits a thread reads in a row.
const CHUNK: usize = 512;

/// Hands the message of each of `commits` (a walk: its index is the
/// commit's walk index) to `sink`, in parallel.
pub fn commits(repo: &gix::ThreadSafeRepository, commits: &[CommitNode], sink: &dyn Sink) {
    // No delta-base cache: git does not deltify commits against each
    // other, and a cache per thread would hold 16 MiB each for nothing.
    commits.par_chunks(CHUNK).enumerate().for_each_init(
        || (repo.to_thread_local(), Vec::new()),
        |(repo, buf), (chunk_index, chunk)| {
            for (offset, node) in chunk.iter().enumerate() {
                commit(repo, chunk_index * CHUNK + offset, node, sink, buf);
            }
        },
    );
}

/// Hands the message of commit `node`, at position `index` of the walk,
/// to `sink`.
pub fn commit(
    repo: &gix::Repository,
    index: usize,
    node: &CommitNode,
    sink: &dyn Sink,
    buf: &mut Vec<u8>,
) {
    let id = node.id;
    let name = format!("commit {id} message");
    let Some(data) = read(repo, id, &name, sink, buf) else {
        return;
    };
    let commit = match gix::objs::CommitRef::from_bytes(data, repo.object_hash()) {
        Ok(commit) => commit,
        Err(err) => {
            log::warn!("{name}: skipped: commit {id} cannot be parsed: {err}");
            sink.unread(&format!("commit {id}"), SkipReason::Unreadable);
            return;
        }
    };
    if !sink.fits(commit.message.len() as u64, &name) {
        return;
    }
    let author = commit.author().ok();
    let git = GitLocation {
        time: node.time,
        walk_index: index,
        blob: id.to_string(),
        commit: Some(id.to_string()),
        tag: None,
        author: author.map(|a| a.name.to_str_lossy().into_owned()),
        email: author.map(|a| a.email.to_str_lossy().into_owned()),
        date: author.and_then(date),
        summary: Some(commit.message_summary().to_str_lossy().into_owned()),
        in_head: false,
    };
    hand_over(sink, &name, commit.message, COMMIT_MESSAGE, git);
}

/// Hands the message of every annotated tag the refs (or the given
/// revisions) point at to `sink`, tags of tags included, each once.
pub fn tags(repo: &gix::Repository, only: &[String], sink: &dyn Sink) {
    let mut seen = HashSet::default();
    let mut buf = Vec::new();
    for mut id in tag_tips(repo, only) {
        // A tag of a tag: each message in the chain.
        while seen.insert(id) {
            match tag(repo, id, sink, &mut buf) {
                Some(next) => id = next,
                None => break,
            }
        }
    }
}

/// The objects the refs (or the revisions `only`) point at that are tags,
/// sorted.
fn tag_tips(repo: &gix::Repository, only: &[String]) -> Vec<ObjectId> {
    let mut ids: Vec<ObjectId> = Vec::new();
    if only.is_empty() {
        if let Ok(platform) = repo.references()
            && let Ok(all) = platform.all()
        {
            ids.extend(
                all.flatten()
                    .filter_map(|r| r.target().try_id().map(ToOwned::to_owned)),
            );
        }
    } else {
        ids.extend(
            only.iter()
                .filter_map(|spec| repo.rev_parse_single(spec.as_str()).ok())
                .map(gix::Id::detach),
        );
    }
    ids.sort();
    ids.dedup();
    // A ref whose object cannot be read was counted by the walk's tips.
    ids.retain(|&id| {
        repo.find_header(id)
            .is_ok_and(|header| header.kind() == gix::object::Kind::Tag)
    });
    ids
}

/// Hands the message of tag `id` to `sink`; the object it tags, if that is
/// a tag too.
fn tag(
    repo: &gix::Repository,
    id: ObjectId,
    sink: &dyn Sink,
    buf: &mut Vec<u8>,
) -> Option<ObjectId> {
    let name = format!("tag {id} message");
    let data = read(repo, id, &name, sink, buf)?;
    let tag = match gix::objs::TagRef::from_bytes(data, repo.object_hash()) {
        Ok(tag) => tag,
        Err(err) => {
            log::warn!("{name}: skipped: tag {id} cannot be parsed: {err}");
            sink.unread(&format!("tag {id}"), SkipReason::Unreadable);
            return None;
        }
    };
    let target = tag.target();
    let next = (tag.target_kind == gix::object::Kind::Tag).then_some(target);
    if !sink.fits(tag.message.len() as u64, &name) {
        return next;
    }
    let tagger = tag.tagger().ok().flatten();
    let git = GitLocation {
        time: tagger.and_then(|t| t.time().ok()).map_or(0, |t| t.seconds),
        walk_index: usize::MAX,
        blob: id.to_string(),
        commit: tagged_commit(repo, target, tag.target_kind).map(|c| c.to_string()),
        tag: Some(tag.name.to_str_lossy().into_owned()),
        author: tagger.map(|t| t.name.to_str_lossy().into_owned()),
        email: tagger.map(|t| t.email.to_str_lossy().into_owned()),
        date: tagger.and_then(date),
        summary: Some(summary(tag.message)),
        in_head: false,
    };
    hand_over(sink, &name, tag.message, TAG_MESSAGE, git);
    next
}

/// The commit a tag of `kind` pointing at `target` ends at, through tags of
/// tags; `None` for a tag of a tree or a blob, or one that cannot be read.
fn tagged_commit(
    repo: &gix::Repository,
    target: ObjectId,
    kind: gix::object::Kind,
) -> Option<ObjectId> {
    match kind {
        gix::object::Kind::Commit => Some(target),
        gix::object::Kind::Tag => {
            let object = repo.find_object(target).ok()?.peel_tags_to_end().ok()?;
            (object.kind == gix::object::Kind::Commit).then_some(object.id)
        }
        _ => None,
    }
}

/// Reads object `id` into `buf`; if it is missing or unreadable, says so,
/// counts it and returns `None`.
fn read<'b>(
    repo: &gix::Repository,
    id: ObjectId,
    name: &str,
    sink: &dyn Sink,
    buf: &'b mut Vec<u8>,
) -> Option<&'b [u8]> {
    match repo.objects.try_find(&id, buf) {
        Ok(Some(data)) => Some(data.data),
        Ok(None) => {
            log::warn!("{name}: skipped: object {id} is missing");
            sink.unread(&format!("object {id}"), SkipReason::Missing);
            None
        }
        Err(err) => {
            log::warn!("{name}: skipped: object {id} cannot be read: {err}");
            sink.unread(&format!("object {id}"), SkipReason::Unreadable);
            None
        }
    }
}

/// Hands `message` to `sink`, its findings reported at `path` with `git`.
fn hand_over(sink: &dyn Sink, name: &str, message: &[u8], path: &str, git: GitLocation) {
    let place = Place {
        display: path.to_owned(),
        relative: path.to_owned(),
        git: Some(git),
    };
    sink.input(Input {
        bytes: message,
        name,
        place: Some(&place),
        blob: None,
        base: None,
    });
}

/// A signature's time as RFC 3339.
fn date(signature: gix::actor::SignatureRef<'_>) -> Option<String> {
    let time = signature.time().ok()?;
    Some(time.format_or_unix(gix::date::time::format::ISO8601_STRICT))
}

/// The first line of a message, as `git log --oneline` shows it.
fn summary(message: &[u8]) -> String {
    let line = message.lines().next().unwrap_or_default();
    line.to_str_lossy().trim().to_owned()
}
