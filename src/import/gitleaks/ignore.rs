//! `.gitleaksignore`: its entries, what each names in a scan of the
//! project, and the `.leakhoundignore` lines they become.
//!
//! An entry is a gitleaks fingerprint, `commit:path:rule-id:line` (from a
//! git scan) or `path:rule-id:line` (from `gitleaks dir`). It holds no
//! secret, and gitleaks's rule ids are not leakhound's: an entry is
//! matched by path and line (and commit) against leakhound's own scan, and
//! the fingerprints of the locations found there are what is imported.

use std::path::Path;

use crate::finding::Finding;
use crate::import::{FileWrite, Note, Report};
use crate::suppress::IGNORE_FILE;

/// One line of a `.gitleaksignore`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IgnoreEntry {
    /// 1-based line in the file.
    pub line_in_file: usize,
    /// The fingerprint as written.
    pub text: String,
    /// The commit, for an entry of a git scan.
    pub commit: Option<String>,
    /// The file's path.
    pub path: String,
    /// The gitleaks rule id.
    pub rule: String,
    /// 1-based line of the finding.
    pub line: usize,
}

/// Parses a `.gitleaksignore`: `commit:path:rule-id:line` or
/// `path:rule-id:line` a line, `#` comments.
pub fn parse_ignore(file: &Path, text: &str) -> anyhow::Result<Vec<IgnoreEntry>> {
    let mut out = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line_in_file = index + 1;
        let entry = raw.trim();
        if entry.is_empty() || entry.starts_with('#') {
            continue;
        }
        let bad = |why: &str| {
            anyhow::anyhow!(
                "{}:{line_in_file}: {why}: expected `commit:path:rule-id:line` or \
                 `path:rule-id:line`",
                file.display()
            )
        };
        let mut parts = entry.rsplitn(3, ':');
        let (Some(line), Some(rule), Some(rest)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("not a gitleaks fingerprint"));
        };
        let line: usize = line
            .parse()
            .map_err(|_| bad(&format!("'{line}' is not a line number")))?;
        if rule.is_empty() {
            return Err(bad("no rule id"));
        }
        let (commit, path) = match rest.split_once(':') {
            Some((commit, path)) if is_commit(commit) => (Some(commit.to_owned()), path),
            _ => (None, rest),
        };
        if path.is_empty() {
            return Err(bad("no path"));
        }
        out.push(IgnoreEntry {
            line_in_file,
            text: entry.to_owned(),
            commit,
            path: crate::import::normalize_path(path),
            rule: rule.to_owned(),
            line,
        });
    }
    Ok(out)
}

/// A full commit id (SHA-1 or SHA-256) or an abbreviation of at least 7
/// digits.
fn is_commit(text: &str) -> bool {
    (7..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The fingerprints of the locations each entry names, each with the
/// comment to write after it; entries that name no location go to
/// `report.unmatched`. Scans `path`: its files for entries without a commit
/// (from `gitleaks dir`), its history for entries with one.
pub(super) fn match_ignore(
    file: &Path,
    entries: &[IgnoreEntry],
    path: &Path,
    report: &mut Report,
) -> anyhow::Result<Vec<(String, String)>> {
    let want_files = entries.iter().any(|e| e.commit.is_none());
    let want_history = entries.iter().any(|e| e.commit.is_some());
    let is_repo = crate::source::git::open(path)?.is_some();
    let files = if want_files {
        crate::import::scan(path, false)?
    } else {
        Vec::new()
    };
    let history = if want_history && is_repo {
        crate::import::scan(path, true)?
    } else {
        Vec::new()
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let comment = format!(
            "gitleaks {}:{} {}",
            file.display(),
            entry.line_in_file,
            crate::import::one_line(&entry.text)
        );
        if entry.commit.is_some() && !is_repo {
            report.unmatched.push(Note {
                at: format!("{}:{}", file.display(), entry.line_in_file),
                what: entry.text.clone(),
                reason: format!(
                    "it names a commit, and '{}' is not a git repository",
                    path.display()
                ),
            });
            continue;
        }
        let findings = if entry.commit.is_some() {
            &history
        } else {
            &files
        };
        let fingerprints = locations_for(entry, findings);
        if fingerprints.is_empty() {
            let place = match &entry.commit {
                Some(commit) => format!("{}:{} in commit {commit}", entry.path, entry.line),
                None => format!("{}:{}", entry.path, entry.line),
            };
            report.unmatched.push(Note {
                at: format!("{}:{}", file.display(), entry.line_in_file),
                what: entry.text.clone(),
                reason: format!(
                    "leakhound finds nothing at {place} (the line moved, the file is gone, \
                     or leakhound does not take it for a secret)"
                ),
            });
            continue;
        }
        for fingerprint in fingerprints {
            match out.iter().find(|(f, _)| *f == fingerprint) {
                Some((_, first)) => report.skipped.push(Note {
                    at: format!("{}:{}", file.display(), entry.line_in_file),
                    what: entry.text.clone(),
                    reason: format!("same location (fingerprint {fingerprint}) as {first}"),
                }),
                None => out.push((fingerprint, comment.clone())),
            }
        }
    }
    Ok(out)
}

/// The fingerprints of the locations at the entry's path and line (and in
/// its commit).
pub fn locations_for(entry: &IgnoreEntry, findings: &[Finding]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for finding in findings {
        for location in &finding.locations {
            if location.line != entry.line || out.contains(&location.fingerprint) {
                continue;
            }
            let commit_ok = match &entry.commit {
                None => true,
                Some(commit) => location
                    .git
                    .as_ref()
                    .and_then(|g| g.commit.as_deref())
                    .is_some_and(|c| c.starts_with(commit.as_str())),
            };
            if commit_ok && crate::import::at_path(finding, location, &entry.path) {
                out.push(location.fingerprint.clone());
            }
        }
    }
    out
}

/// The `.leakhoundignore` at `root` with `lines` (fingerprint, comment)
/// added under a comment saying where they come from; `None` if each is
/// there already (a note in `report` says so).
pub(super) fn append(
    root: &Path,
    lines: Vec<(String, String)>,
    report: &mut Report,
) -> anyhow::Result<Option<FileWrite>> {
    let target = root.join(IGNORE_FILE);
    crate::import::writable_target(&target)?;
    let existed = target.is_file();
    let old = if existed {
        crate::import::read(&target)?
    } else {
        String::new()
    };
    let known = crate::suppress::read_ignore_file(&target).unwrap_or_default();
    let mut contents = old.clone();
    let mut added = 0;
    for (fingerprint, comment) in lines {
        if known.contains(&fingerprint) || contents.contains(&fingerprint) {
            report.skipped.push(Note {
                at: comment.clone(),
                what: format!("fingerprint {fingerprint}"),
                reason: format!("already in {IGNORE_FILE}"),
            });
            continue;
        }
        if added == 0 {
            if !contents.is_empty() && !contents.ends_with('\n') {
                contents.push('\n');
            }
            contents.push_str("# imported from .gitleaksignore by `leakhound import gitleaks`\n");
        }
        added += 1;
        report
            .imported
            .push(format!("{IGNORE_FILE}: {fingerprint} ({comment})"));
        contents.push_str(&format!("{fingerprint}  # {comment}\n"));
    }
    Ok((added > 0).then_some(FileWrite {
        path: target,
        contents,
        existed,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_lines() {
        let text = "# triaged\n\
            0123456789abcdef0123456789abcdef01234567:src/a.py:gitlab-pat:3\n\
            ./config/app.env:generic-api-key:12\n";
        let entries = parse_ignore(Path::new(".gitleaksignore"), text).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].commit.as_deref(),
            Some("0123456789abcdef0123456789abcdef01234567")
        );
        assert_eq!((entries[0].path.as_str(), entries[0].line), ("src/a.py", 3));
        assert_eq!(entries[1].commit, None);
        assert_eq!(entries[1].path, "config/app.env");
        assert_eq!(entries[1].line_in_file, 3);
        let err = parse_ignore(Path::new(".gitleaksignore"), "a:b:c:x\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with(".gitleaksignore:1: 'x' is not a line number"),
            "{err}"
        );
    }
}
