//! `leakhound import`: another tool's suppressions turned into leakhound's
//! own files, so that a team switching tools keeps its triage.
//!
//! - [`gitleaks`]: the global allowlists of `.gitleaks.toml` become entries
//!   of the `.leakhound.yml` allowlist ([`yaml`] adds them without
//!   rewriting the file); the fingerprints of `.gitleaksignore`, which hold
//!   no secret, are matched by path and line (and commit) against a scan,
//!   and the matching locations' fingerprints go to `.leakhoundignore`.
//! - [`detect_secrets`]: the entries of a `.secrets.baseline` are matched
//!   by path and SHA-1 of the secret against a scan, and the matching
//!   locations become a leakhound baseline file.
//!
//! Nothing here writes: an import is a list of [`FileWrite`]s and a
//! [`Report`], which the command writes or prints. No secret is ever put in
//! either: only fingerprints, rule ids, paths, line numbers and the other
//! tool's own patterns.

pub mod detect_secrets;
pub mod gitleaks;
pub mod yaml;

use std::path::{Path, PathBuf};

use crate::finding::Finding;
use crate::rules::Confidence;
use crate::scan::{ScanPlan, ScanRequest};

/// Something of the other tool's that was not imported, or did not match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Where it is: `file:line`, or `file` and what names the entry.
    pub at: String,
    /// What it is.
    pub what: String,
    /// Why it was not imported.
    pub reason: String,
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.at, self.what, self.reason)
    }
}

/// What an import did, for the summary.
#[derive(Debug, Default)]
pub struct Report {
    /// One line per imported entry (an allowlist entry, a fingerprint).
    pub imported: Vec<String>,
    /// Entries that leakhound cannot express, with the reason.
    pub skipped: Vec<Note>,
    /// Entries that matched no finding of the scan.
    pub unmatched: Vec<Note>,
    /// Entries audited as real secrets, left out of the baseline.
    pub real: Vec<Note>,
    /// Advice about what the scan found besides (no secrets in it).
    pub hints: Vec<String>,
}

/// A file an import writes: its whole new contents.
#[derive(Debug)]
pub struct FileWrite {
    /// Where.
    pub path: PathBuf,
    /// The whole new contents (existing contents kept).
    pub contents: String,
    /// Whether the file exists already.
    pub existed: bool,
}

/// Reads a file the user named or a default one that exists.
pub(crate) fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// Whether `path`, a file of the project an import reads or writes by
/// default (not one named on the command line), may be used: not if it is
/// a symlink, which could lead out of the project (a repository's
/// `.secrets.baseline` linked to `~/.git-credentials`), nor if it is not a
/// regular file; a warning then names it. `false` too if it does not exist.
pub(crate) fn usable_default(path: &Path) -> bool {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            log::warn!(
                "{}: not used: it is a symlink, and an import does not follow one out of the project",
                path.display()
            );
            false
        }
        Ok(meta) if !meta.is_file() => {
            log::warn!("{}: not used: not a regular file", path.display());
            false
        }
        Ok(_) => true,
        Err(_) => false,
    }
}

/// Refuses to write a file of the project through a symlink.
pub(crate) fn writable_target(path: &Path) -> anyhow::Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        anyhow::bail!(
            "{} is a symlink or not a regular file: an import writes only regular files of the project",
            path.display()
        );
    }
    Ok(())
}

/// 1-based line of byte `offset` in `text`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The findings of a scan of `path` that an import matches entries
/// against: every confidence, nothing left out by `.leakhoundignore` or a
/// baseline (an entry already ignored is still recognised). `history`:
/// every blob version of the repository's history (so that a commit named
/// by an entry is found), else the files as they are.
pub fn scan(path: &Path, history: bool) -> anyhow::Result<Vec<Finding>> {
    let request = ScanRequest {
        paths: vec![path.to_owned()],
        no_git: !history,
        no_dedup: history,
        min_confidence: Some(Confidence::Low),
        ..ScanRequest::default()
    };
    let mut plan = ScanPlan::new(&request)?;
    plan.suppression.fingerprints.clear();
    Ok(plan.run()?.findings)
}

/// The project root of `path`, where the imported files go.
pub fn project_root(path: &Path) -> anyhow::Result<PathBuf> {
    if !path.exists() {
        anyhow::bail!("cannot import into '{}': no such directory", path.display());
    }
    Ok(match crate::source::git::open(path)? {
        Some(repo) => crate::source::git::project_root(&repo),
        None => crate::source::project_root(path),
    })
}

/// How to name `file` in what an import writes: relative to the project
/// root when it is under it (no machine paths in committed files), else as
/// given.
pub(crate) fn shown(file: &Path, root: &Path) -> PathBuf {
    let absolute = std::path::absolute(file).unwrap_or_else(|_| file.to_owned());
    let canonical = std::fs::canonicalize(file).unwrap_or_else(|_| absolute.clone());
    let root_canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_owned());
    for candidate in [&canonical, &absolute] {
        for root in [&root_canonical, root] {
            if let Ok(relative) = candidate.strip_prefix(root) {
                return relative.to_owned();
            }
        }
    }
    file.to_owned()
}

/// A path as the other tool wrote it, as leakhound's relative paths are:
/// `/` separators, no leading `./`.
pub(crate) fn normalize_path(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut path = path.as_str();
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path.to_owned()
}

/// Whether `location` (of `finding`) is at the project-relative `path`:
/// the fingerprint is a hash of the relative path, so this holds whatever
/// the path looked like in the report.
pub(crate) fn at_path(finding: &Finding, location: &crate::finding::Location, path: &str) -> bool {
    finding.key.fingerprint(path) == location.fingerprint
}

/// One line of text from the other tool's file, safe to put in a comment.
pub(crate) fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}
