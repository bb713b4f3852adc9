//! Allowlists: paths (globs and regexes), secret regexes, stop-words and
//! whole-match regexes, compiled.

use regex::bytes::Regex;

use super::{AllowlistSyntax, Invalid};

/// An allowlist pattern that does not compile.
fn invalid(kind: &'static str, pattern: &str, cause: impl std::fmt::Display) -> Invalid {
    Invalid::Allowlist {
        kind,
        pattern: pattern.to_owned(),
        cause: cause.to_string(),
    }
}

/// Builds a byte regex with the limits every allowlist regex gets.
fn build_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
}

/// Allowlisted paths: globs and regexes.
#[derive(Clone, Debug, Default)]
pub struct PathSet {
    /// Path globs.
    pub globs: Option<globset::GlobSet>,
    /// Path regexes (unanchored).
    pub regexes: Vec<regex::Regex>,
}

impl PathSet {
    /// Compiles the globs and regexes of an allowlist.
    pub fn compile(globs: &[String], regexes: &[String]) -> Result<Self, Invalid> {
        let globs = if globs.is_empty() {
            None
        } else {
            let mut builder = globset::GlobSetBuilder::new();
            for glob in globs {
                let glob = globset::GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| invalid("path", glob, e))?;
                builder.add(glob);
            }
            Some(
                builder
                    .build()
                    .map_err(|e| Invalid::Compile(e.to_string()))?,
            )
        };
        let regexes = regexes
            .iter()
            .map(|r| {
                regex::RegexBuilder::new(r)
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|e| invalid("path regex", r, e))
            })
            .collect::<Result<_, _>>()?;
        Ok(PathSet { globs, regexes })
    }

    /// Whether any glob or regex matches `path`.
    pub fn is_match(&self, path: &str) -> bool {
        self.globs.as_ref().is_some_and(|set| set.is_match(path))
            || self.regexes.iter().any(|r| r.is_match(path))
    }

    /// Whether there is neither a glob nor a regex.
    pub fn is_empty(&self) -> bool {
        self.globs.is_none() && self.regexes.is_empty()
    }
}

/// A compiled allowlist.
#[derive(Clone, Debug, Default)]
pub struct Allowlist {
    /// Path globs and regexes.
    pub paths: PathSet,
    /// Secret regexes.
    pub regexes: Vec<Regex>,
    /// Lowercased stop-words.
    pub stopwords: Vec<String>,
    /// Whole-match regexes.
    pub matches: Vec<Regex>,
}

impl Allowlist {
    /// Compiles an allowlist; `what` names it in error messages.
    pub fn compile(syntax: &AllowlistSyntax) -> Result<Self, Invalid> {
        let paths = PathSet::compile(&syntax.paths, &syntax.path_regexes)?;
        let regexes = syntax
            .regexes
            .iter()
            .map(|r| build_regex(r).map_err(|e| invalid("regex", r, e)))
            .collect::<Result<_, _>>()?;
        let stopwords = syntax
            .stopwords
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let matches = syntax
            .matches
            .iter()
            .map(|r| build_regex(r).map_err(|e| invalid("match regex", r, e)))
            .collect::<Result<_, _>>()?;
        Ok(Allowlist {
            paths,
            regexes,
            stopwords,
            matches,
        })
    }

    /// Whether a path is allowlisted.
    pub fn allows_path(&self, path: &str) -> bool {
        self.paths.is_match(path)
    }

    /// Whether a whole match is allowlisted.
    pub fn allows_match(&self, whole: &[u8]) -> bool {
        self.matches.iter().any(|r| r.is_match(whole))
    }

    /// Whether a secret is allowlisted.
    pub fn allows_secret(&self, secret: &[u8]) -> bool {
        self.regexes.iter().any(|r| r.is_match(secret))
            || (!self.stopwords.is_empty() && {
                let lower = secret.to_ascii_lowercase();
                self.stopwords
                    .iter()
                    .any(|w| memchr::memmem::find(&lower, w.as_bytes()).is_some())
            })
    }
}
