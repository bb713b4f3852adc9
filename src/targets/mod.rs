//! Many targets in one run: local repositories and directories, and git
//! URLs cloned for the scan (`scan TARGET...`, `--targets-from`, an
//! organisation's repositories), each scanned as a scan of its own and
//! reported together, every location naming its repository.
//!
//! [`Target`] parses and names a target (a URL's credentials masked in
//! every name); [`clone`] fetches a URL into a temporary bare repository;
//! [`run()`] scans them one after the other, goes on past a target that
//! fails, and merges the outcomes.

pub mod clone;
#[cfg(feature = "forges")]
pub mod forge;
mod progress;
pub mod run;

use std::path::{Path, PathBuf};

use anyhow::Context;

pub use run::{Failure, TargetsOutcome, run};

/// One thing to scan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A repository, directory or file on this machine.
    Path(PathBuf),
    /// A git URL, cloned for the scan: `https://`, `ssh://`, `git://`,
    /// `file://`, or scp-like `user@host:path`.
    Url(String),
}

impl Target {
    /// A target as written on the command line or in a list: a URL if it
    /// looks like one, else a path.
    pub fn parse(text: &str) -> Target {
        let text = text.trim();
        let url = ["https://", "http://", "ssh://", "git://", "file://"]
            .iter()
            .any(|scheme| {
                text.len() > scheme.len() && text[..scheme.len()].eq_ignore_ascii_case(scheme)
            });
        if url || (scp_like(text).is_some() && !Path::new(text).exists()) {
            Target::Url(text.to_owned())
        } else {
            Target::Path(PathBuf::from(text))
        }
    }

    /// How reports and messages name it: a path as given, a URL with any
    /// user name and password masked.
    pub fn name(&self) -> String {
        match self {
            Target::Path(path) => crate::source::display_path(path),
            Target::Url(url) => mask_url(url),
        }
    }

    /// The name shards are split by: [`Target::name`] without a trailing
    /// `/` or `.git`, so that `…/repo`, `…/repo/` and `…/repo.git` are one
    /// target.
    pub fn shard_name(&self) -> String {
        let name = self.name();
        let name = name.trim_end_matches('/');
        name.strip_suffix(".git").unwrap_or(name).to_owned()
    }
}

/// `url` with its user information (`user:password@`) replaced by `***@`.
pub fn mask_url(url: &str) -> String {
    let (scheme, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => return url.to_owned(),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// The user information of `url` (`user:password`), if it has any: what
/// must not appear in any message.
pub fn url_userinfo(url: &str) -> Option<&str> {
    let rest = &url[url.find("://")? + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let at = rest[..authority_end].rfind('@')?;
    Some(&rest[..at])
}

/// An scp-like git address, `[user@]host:path`: its `[user@]host` and
/// path. Not a URL (`://`), not a Windows drive (`C:`), and no `/` before
/// the colon.
pub fn scp_like(text: &str) -> Option<(&str, &str)> {
    if text.contains("://") {
        return None;
    }
    let (host, path) = text.split_once(':')?;
    let plausible = host.len() > 1
        && !host.contains('/')
        && !path.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@.-_".contains(c));
    plausible.then_some((host, path))
}

/// Reads a list of targets: one a line, blank lines and lines starting
/// with `#` left out; `-` reads standard input.
pub fn read_list(file: &Path) -> anyhow::Result<Vec<Target>> {
    let text = if file.as_os_str() == "-" {
        std::io::read_to_string(std::io::stdin().lock())
            .context("cannot read the list of targets from standard input")?
    } else {
        std::fs::read_to_string(file).with_context(|| {
            format!(
                "cannot read the list of targets {} (--targets-from: one target a line)",
                file.display()
            )
        })?
    };
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(Target::parse)
        .collect())
}

/// The targets in the order given, each once (by [`Target::shard_name`]).
pub fn distinct(targets: Vec<Target>) -> Vec<Target> {
    let mut seen = std::collections::HashSet::new();
    targets
        .into_iter()
        .filter(|t| seen.insert(t.shard_name()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_paths() {
        assert!(matches!(Target::parse("https://h/o/r.git"), Target::Url(_)));
        assert!(matches!(Target::parse("file:///tmp/r"), Target::Url(_)));
        assert!(matches!(
            Target::parse("git@github.com:o/r.git"),
            Target::Url(_)
        ));
        assert!(matches!(Target::parse("./repo"), Target::Path(_)));
        assert!(matches!(Target::parse("dir/a:b"), Target::Path(_)));
        assert!(matches!(Target::parse("C:\\x"), Target::Path(_)));
    }

    #[test]
    fn credentials_are_masked() {
        let url = "https://user:hunter2@example.org/o/r.git";
        assert_eq!(mask_url(url), "https://***@example.org/o/r.git");
        assert_eq!(url_userinfo(url), Some("user:hunter2"));
        assert_eq!(Target::parse(url).name(), "https://***@example.org/o/r.git");
        assert_eq!(
            mask_url("https://example.org/a@b"),
            "https://example.org/a@b"
        );
        assert_eq!(url_userinfo("https://example.org/a@b"), None);
    }

    #[test]
    fn shard_names_ignore_a_trailing_git() {
        assert_eq!(
            Target::parse("https://h/o/r.git").shard_name(),
            Target::parse("https://h/o/r/").shard_name()
        );
    }
}
