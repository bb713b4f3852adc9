//! Rules: the YAML schema in `patterns/`, its loader, and the compiled form.
//!
//! Rules are data. This module knows how to read and validate them but
//! nothing of how they are matched; the matcher depends on it, not the other
//! way round. Regexes are parsed (cheap) at load time so that a bad rule is
//! reported at once, and compiled (expensive) only on first use.

pub mod advice;
mod builtin;
pub mod checksum;
pub mod fragments;
pub mod validation;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use regex::bytes::Regex;
use serde::{Deserialize, Serialize};

pub use builtin::BUILTIN_FILES;
pub use checksum::Checksum;

/// How sure a rule is that a match is a real secret.
#[derive(
    Clone, Copy, Debug, Default, Deserialize, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// Often noise; generic detectors.
    Low,
    /// Usually a secret.
    #[default]
    Medium,
    /// A provider format that is almost never anything else.
    High,
}

impl Confidence {
    /// The lowercase name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// One step less sure (a test key, a documented example); `Low` stays.
    pub fn lower(self) -> Confidence {
        match self {
            Confidence::High => Confidence::Medium,
            _ => Confidence::Low,
        }
    }
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The top of a rule file: `rules: [...]`, and regex fragments its rules
/// may use (see [`fragments`]).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFileSyntax {
    /// The rules in the file.
    #[serde(default)]
    pub rules: Vec<RuleSyntax>,
    /// Named regex fragments, used as `(?&name)`.
    #[serde(default)]
    pub fragments: fragments::Fragments,
}

/// One rule as written in YAML.
///
/// Regexes are compiled in ASCII mode: `\w`, `\d`, `\s`, `\b` and `(?i)`
/// are ASCII-only and `.` matches any byte but `\n`. Secrets are ASCII, and
/// ASCII mode keeps the fast DFA engines usable on non-ASCII input.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSyntax {
    /// Stable kebab-case identifier, unique across all rules.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// Regex (Rust `regex` syntax); the group named `secret`, or else the
    /// first group, is the secret.
    pub regex: String,
    /// Literal strings (ASCII case-insensitive), one of which occurs in every
    /// match. The rule runs only on inputs that contain one of them.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Minimum Shannon entropy of the secret in bits per byte.
    #[serde(default)]
    pub min_entropy: Option<f32>,
    /// How sure a match is to be a secret.
    #[serde(default)]
    pub confidence: Confidence,
    /// A checksum the secret must satisfy.
    #[serde(default)]
    pub checksum: Option<Checksum>,
    /// Longest match in bytes, for a regex written without an upper bound.
    ///
    /// A rule is searched only within this distance of its keywords. A long
    /// counted repetition such as `[A-Za-z0-9+/]{64,16384}` compiles into
    /// thousands of automaton states and megabytes per rule and thread;
    /// writing `{64,}` and `max_len: 16500` keeps the same search window at
    /// a fraction of the memory.
    #[serde(default)]
    pub max_len: Option<usize>,
    /// Whether a strong secret (12 bytes or more, 3.5 bits per byte) keeps
    /// its confidence in documentation, where matches are otherwise lowered
    /// two steps: for credentials addressed to a host (URL userinfo,
    /// `curl -u`), which documentation illustrates with placeholders or
    /// hosts reserved for examples, not with strong passwords.
    #[serde(default)]
    pub strong_in_docs: bool,
    /// Longer explanation.
    #[serde(default)]
    pub description: Option<String>,
    /// Where the format is documented.
    #[serde(default)]
    pub references: Vec<String>,
    /// How to revoke and replace a leaked credential of this kind
    /// (`leakhound explain`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<RotationSyntax>,
    /// Texts that must produce a finding.
    #[serde(default)]
    pub examples: Vec<String>,
    /// Texts that must not produce a finding.
    #[serde(default)]
    pub negative_examples: Vec<String>,
    /// Matches this rule ignores.
    #[serde(default)]
    pub allowlist: Option<AllowlistSyntax>,
    /// How `scan --validate` asks the provider whether a found secret
    /// works (see [`validation::CheckSyntax`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<validation::CheckSyntax>,
}

/// What to do when a credential a rule finds has leaked: the provider's
/// steps to revoke and replace it.
///
/// ```yaml
/// rotation:
///   steps:                       # one text, or a list of steps in order
///     - Revoke the token at ...
///     - Create a new one ...
///   url: https://...             # optional: the provider's page about it
/// ```
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RotationSyntax {
    /// What to do, in order.
    #[serde(deserialize_with = "one_or_many")]
    pub steps: Vec<String>,
    /// The provider's documentation of revoking or rotating it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A text or a list of texts.
fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(text)) => Ok(vec![text]),
        Ok(OneOrMany::Many(list)) => Ok(list),
        Err(_) => Err(serde::de::Error::custom(
            "expected a text or a list of texts",
        )),
    }
}

/// Exceptions, for one rule or for all of them.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AllowlistSyntax {
    /// Path globs whose matches are ignored.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Regexes on paths (relative to the project root, `/` separators,
    /// unanchored: `(^|/)vendor/`) whose matches are ignored: the form
    /// gitleaks allowlists use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path_regexes: Vec<String>,
    /// Regexes; a secret any of them matches is ignored.
    #[serde(default)]
    pub regexes: Vec<String>,
    /// Words; a secret containing one (ASCII case-insensitive) is ignored.
    #[serde(default)]
    pub stopwords: Vec<String>,
    /// Regexes tested against the whole match rather than the secret: a
    /// URL whose host is a documentation domain (`@example.com`).
    #[serde(default)]
    pub matches: Vec<String>,
}

/// A rule file or rule that could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The file could not be read.
    #[error("cannot read {}: {cause}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// Why (not a `source`: the message already says it once).
        cause: std::io::Error,
    },
    /// The YAML does not fit the schema.
    #[error("{file}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// A rule is invalid.
    #[error("{file}{}: rule '{id}': {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Rule {
        /// The file.
        file: PathBuf,
        /// 1-based line of the rule's `id:`, when known.
        line: Option<usize>,
        /// The rule id.
        id: String,
        /// What is wrong.
        message: String,
    },
}

impl RuleError {
    /// Gives an error about a rule the line of the rule's `id:` in `text`,
    /// the file it came from (the second definition, for a duplicate id).
    pub fn with_line(mut self, text: &str) -> RuleError {
        if let RuleError::Rule {
            line: line @ None,
            id,
            message,
            ..
        } = &mut self
        {
            *line = rule_line(text, id, message.starts_with("duplicate rule id"));
        }
        self
    }
}

/// 1-based line of the rule `id` in `text`: the first line that says
/// `id: <id>` (or `- id: <id>`, quoted or not), or the last one.
pub fn rule_line(text: &str, id: &str, last: bool) -> Option<usize> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| {
        let line = line.trim_start();
        let line = line.strip_prefix('-').map_or(line, str::trim_start);
        line.strip_prefix("id:").is_some_and(|value| {
            let value = value.split(" #").next().unwrap_or("").trim();
            value.trim_matches(|c| c == '\'' || c == '"') == id
        })
    });
    let found = if last { lines.last() } else { lines.next() };
    found.map(|(index, _)| index + 1)
}

/// 1-based line of the first line at or after the top-level `key:` that
/// contains `value`; else the line of `key:` itself.
pub fn value_line(text: &str, key: &str, value: &str) -> Option<usize> {
    let start = text.lines().position(|line| {
        line.strip_prefix(key)
            .is_some_and(|rest| rest.starts_with(':'))
    })?;
    let found = (!value.is_empty())
        .then(|| {
            text.lines()
                .skip(start)
                .position(|line| line.contains(value))
                .map(|n| start + n)
        })
        .flatten();
    Some(found.unwrap_or(start) + 1)
}

/// The value an allowlist error message quotes (`allowlist path 'a/[': ...`).
pub fn quoted_value(message: &str) -> &str {
    message
        .split_once('\'')
        .and_then(|(_, rest)| rest.split_once("': "))
        .map_or("", |(value, _)| value)
}

/// A loaded rule: the syntax plus what is derived from it.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule as written.
    pub syntax: RuleSyntax,
    /// The file it came from (`patterns/x.yml` for built-in rules).
    pub file: PathBuf,
    /// Index of the `secret` capture group.
    pub secret_group: usize,
    /// Index of the `pair` capture group, if the regex has one: the other
    /// half of a credential pair (an AWS access key ID), which a validation
    /// check may need.
    pub pair_group: Option<usize>,
    /// Longest possible match in bytes, when the regex bounds it or the
    /// rule gives `max_len`: a match containing a keyword lies within this
    /// distance of it.
    pub max_len: Option<usize>,
    /// Compiled allowlist of the rule.
    pub allowlist: Allowlist,
    regex: OnceLock<Option<MetaRegex>>,
}

/// The compiled form of a rule's regex.
pub type MetaRegex = regex_automata::meta::Regex;

impl Rule {
    /// The stable id.
    pub fn id(&self) -> &str {
        &self.syntax.id
    }

    /// The compiled regex, built on first use; `None` if it cannot be.
    ///
    /// The pattern was validated when the rule was loaded, and a
    /// configuration's rules are compiled when it loads ([`Rule::compile`]
    /// says why one cannot be), so this is not expected to fail; if it ever
    /// did, the rule would match nothing and say so once, not panic.
    pub fn regex(&self) -> Option<&MetaRegex> {
        self.regex
            .get_or_init(|| {
                build_meta_regex(&self.syntax.regex)
                    .map_err(|e| {
                        log::error!("rule '{}' is not used: {}", self.id(), compile_error(&e));
                    })
                    .ok()
            })
            .as_ref()
    }

    /// Compiles the regex now, reporting any error.
    pub fn compile(&self) -> Result<(), String> {
        if self.regex.get().is_some() {
            return Ok(());
        }
        let regex = build_meta_regex(&self.syntax.regex).map_err(|e| compile_error(&e))?;
        let _ = self.regex.set(Some(regex));
        Ok(())
    }
}

/// Why a rule's regex does not compile, in words that say what to do.
fn compile_error(error: &regex_automata::meta::BuildError) -> String {
    match (error.size_limit(), error.syntax_error()) {
        (Some(limit), _) => format!(
            "its regex compiles to more than the size limit ({} MiB): write a long repetition \
             such as {{16,1000000}} as {{16,}} and give max_len",
            limit >> 20
        ),
        (None, Some(syntax)) => format!("bad regex:\n{syntax}"),
        (None, None) => format!("its regex does not compile: {error}"),
    }
}

/// Rule regexes use `regex-automata` directly: searches can be limited to a
/// span of the input (a window around a keyword) while assertions still see
/// the bytes around it, and each thread keeps its own cache.
fn build_meta_regex(pattern: &str) -> Result<MetaRegex, Box<regex_automata::meta::BuildError>> {
    regex_automata::meta::Regex::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(
            regex_automata::meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(64 << 20))
                .hybrid_cache_capacity(16 << 20),
        )
        .build(pattern)
        .map_err(Box::new)
}

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
    pub fn compile(globs: &[String], regexes: &[String]) -> Result<Self, String> {
        let globs = if globs.is_empty() {
            None
        } else {
            let mut builder = globset::GlobSetBuilder::new();
            for glob in globs {
                let glob = globset::GlobBuilder::new(glob)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("allowlist path '{glob}': {e}"))?;
                builder.add(glob);
            }
            Some(builder.build().map_err(|e| e.to_string())?)
        };
        let regexes = regexes
            .iter()
            .map(|r| {
                regex::RegexBuilder::new(r)
                    .size_limit(64 << 20)
                    .build()
                    .map_err(|e| format!("allowlist path regex '{r}': {e}"))
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
    pub fn compile(syntax: &AllowlistSyntax) -> Result<Self, String> {
        let paths = PathSet::compile(&syntax.paths, &syntax.path_regexes)?;
        let regexes = syntax
            .regexes
            .iter()
            .map(|r| build_regex(r).map_err(|e| format!("allowlist regex '{r}': {e}")))
            .collect::<Result<_, _>>()?;
        let stopwords = syntax
            .stopwords
            .iter()
            .map(|w| w.to_ascii_lowercase())
            .collect();
        let matches = syntax
            .matches
            .iter()
            .map(|r| build_regex(r).map_err(|e| format!("allowlist match regex '{r}': {e}")))
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

/// An ordered, id-unique collection of rules.
#[derive(Debug, Default)]
pub struct RuleSet {
    rules: Vec<Arc<Rule>>,
}

impl RuleSet {
    /// The built-in rules embedded from `patterns/`.
    pub fn builtin() -> Result<Self, RuleError> {
        let mut set = RuleSet::default();
        for (name, text) in BUILTIN_FILES {
            set.extend(parse_file(Path::new(name), text)?)?;
        }
        Ok(set)
    }

    /// Reads and adds the rules of one file.
    pub fn load_file(&mut self, path: &Path) -> Result<(), RuleError> {
        let text = std::fs::read_to_string(path).map_err(|cause| RuleError::Io {
            file: path.to_owned(),
            cause,
        })?;
        self.extend(parse_file(path, &text)?)
    }

    /// Adds rules, rejecting ids already present.
    pub fn extend(&mut self, rules: Vec<Rule>) -> Result<(), RuleError> {
        let mut ids: HashSet<String> = self.rules.iter().map(|r| r.id().to_owned()).collect();
        for rule in rules {
            if !ids.insert(rule.id().to_owned()) {
                let first = self.get(rule.id()).map(|r| r.file.display().to_string());
                return Err(RuleError::Rule {
                    file: rule.file.clone(),
                    line: None,
                    id: rule.id().to_owned(),
                    message: match first {
                        Some(f) => format!("duplicate rule id (already defined in {f})"),
                        None => "duplicate rule id (defined twice in this file)".to_owned(),
                    },
                });
            }
            self.rules.push(Arc::new(rule));
        }
        Ok(())
    }

    /// Adds exceptions to the rule `id`'s own allowlist.
    pub fn extend_allowlist(&mut self, id: &str, extra: &AllowlistSyntax) -> Result<(), String> {
        let rule = self
            .rules
            .iter_mut()
            .find(|r| r.id() == id)
            .ok_or_else(|| format!("no rule has the id '{id}' (see `leakhound rules list`)"))?;
        let rule = Arc::make_mut(rule);
        let mut merged = rule.syntax.allowlist.clone().unwrap_or_default();
        merged.paths.extend(extra.paths.iter().cloned());
        merged
            .path_regexes
            .extend(extra.path_regexes.iter().cloned());
        merged.regexes.extend(extra.regexes.iter().cloned());
        merged.stopwords.extend(extra.stopwords.iter().cloned());
        merged.matches.extend(extra.matches.iter().cloned());
        rule.allowlist = Allowlist::compile(&merged)?;
        rule.syntax.allowlist = Some(merged);
        Ok(())
    }

    /// Drops the rules with these ids; returns the ids that did not exist.
    pub fn disable(&mut self, ids: &[String]) -> Vec<String> {
        let unknown = ids
            .iter()
            .filter(|id| self.get(id).is_none())
            .cloned()
            .collect();
        self.rules.retain(|r| !ids.iter().any(|id| id == r.id()));
        unknown
    }

    /// The rule with this id.
    pub fn get(&self, id: &str) -> Option<&Arc<Rule>> {
        self.rules.iter().find(|r| r.id() == id)
    }

    /// All rules, in load order.
    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Parses and validates the rules of one YAML file.
pub fn parse_file(file: &Path, text: &str) -> Result<Vec<Rule>, RuleError> {
    let parsed: RuleFileSyntax = serde_norway::from_str(text).map_err(|e| yaml_error(file, &e))?;
    parsed
        .rules
        .into_iter()
        .map(|syntax| {
            Rule::from_syntax(syntax, file, &parsed.fragments).map_err(|e| e.with_line(text))
        })
        .collect()
}

/// A YAML error message without what the file holds: the parser quotes
/// the offending value (`invalid type: string "..."`), and the file may
/// not be a configuration at all but a credentials file reached by
/// mistake. Double-quoted values are dropped; a backquoted one (an unknown
/// key or variant) is kept only if it is short and looks like a key or a
/// number, else replaced by `…`. What follows `expected` is the schema's
/// own words, kept. The line and column say where the value is.
pub fn without_values(message: &str) -> String {
    let safe = |token: &str| {
        let word = token.len() <= 32
            && token.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
            && token
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let number = token.len() <= 12
            && !token.is_empty()
            && token
                .trim_start_matches('-')
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.');
        word || number
    };
    let (head, tail) = match message.find(", expected") {
        // Only if it is outside any quoted value.
        Some(at)
            if message[..at].matches('"').count().is_multiple_of(2)
                && message[..at].matches('`').count().is_multiple_of(2) =>
        {
            message.split_at(at)
        }
        _ => (message, ""),
    };
    let mut out = String::with_capacity(message.len());
    let mut rest = head;
    while let Some(at) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[at];
        let inner = &rest[at + 1..];
        // The closing quote (a `\"` inside a double-quoted value is escaped).
        let mut end = None;
        let mut escaped = false;
        for (i, b) in inner.bytes().enumerate() {
            if quote == b'"' && b == b'\\' && !escaped {
                escaped = true;
                continue;
            }
            if b == quote && !escaped {
                end = Some(i);
                break;
            }
            escaped = false;
        }
        let Some(end) = end else {
            // No closing quote: drop the rest.
            out.push_str(rest[..at].trim_end());
            rest = "";
            break;
        };
        let token = &inner[..end];
        if quote == b'"' {
            out.push_str(rest[..at].trim_end());
        } else if safe(token) {
            out.push_str(&rest[..at + 1 + end + 1]);
        } else {
            out.push_str(&rest[..at]);
            out.push_str("`…`");
        }
        rest = &inner[end + 1..];
    }
    out.push_str(rest);
    out.push_str(tail);
    out
}

/// Turns a YAML error into a [`RuleError::Syntax`] with its line.
pub fn yaml_error(file: &Path, error: &serde_norway::Error) -> RuleError {
    let line = error.location().map(|l| l.line());
    let mut message = error.to_string();
    // serde_norway appends " at line X column Y"; the line is shown already.
    if let Some(pos) = message.rfind(" at line ") {
        message.truncate(pos);
    }
    let mut message = without_values(&message);
    // Name what is expected in the file's terms, not the Rust type's.
    for (ty, words) in [
        (
            "struct ConfigSyntax",
            "a mapping of settings (extend_default, disable, rules, allowlist, rule_allowlists, max_file_size)",
        ),
        ("struct RuleFileSyntax", "a mapping with a `rules:` list"),
        (
            "struct RuleSyntax",
            "a rule (a mapping with id, name, regex, ...)",
        ),
        (
            "struct RotationSyntax",
            "a rotation (a mapping with steps and url)",
        ),
        (
            "struct AllowlistSyntax",
            "an allowlist (a mapping with paths, path_regexes, regexes, stopwords, matches)",
        ),
    ] {
        message = message.replace(ty, words);
    }
    RuleError::Syntax {
        file: file.to_owned(),
        line,
        message,
    }
}

impl Rule {
    /// Validates a rule read from `file`. Fragment references (`(?&name)`)
    /// are expanded with the file's `own` fragments, then the built-in ones.
    pub fn from_syntax(
        mut syntax: RuleSyntax,
        file: &Path,
        own: &fragments::Fragments,
    ) -> Result<Rule, RuleError> {
        let id = syntax.id.clone();
        let fail = |message: String| RuleError::Rule {
            file: file.to_owned(),
            line: None,
            id: id.clone(),
            message,
        };
        validate_id(&syntax.id).map_err(&fail)?;
        syntax.regex = fragments::expand(&syntax.regex, own).map_err(&fail)?;
        if syntax.name.trim().is_empty() {
            return Err(fail("'name' is empty".to_owned()));
        }
        let groups = groups(&syntax.regex).map_err(&fail)?;
        let max_len = match (syntax.max_len, groups.max_len) {
            (Some(0), _) => return Err(fail("max_len must be at least 1".to_owned())),
            (Some(given), Some(bound)) => Some(given.min(bound)),
            (given, bound) => given.or(bound),
        };
        if let Some(k) = syntax.keywords.iter().find(|k| k.trim().is_empty()) {
            return Err(fail(format!("keyword {k:?} is empty")));
        }
        if let Some(e) = syntax.min_entropy
            && !(0.0..=8.0).contains(&e)
        {
            return Err(fail(format!(
                "min_entropy {e} is outside 0..=8 bits per byte"
            )));
        }
        if let Some(rotation) = &syntax.rotation {
            validate_rotation(rotation).map_err(&fail)?;
        }
        let allowlist =
            Allowlist::compile(&syntax.allowlist.clone().unwrap_or_default()).map_err(&fail)?;
        if let Some(check) = &syntax.validation {
            check
                .check(groups.pair.is_some())
                .map_err(|e| fail(format!("validation: {e}")))?;
        }
        Ok(Rule {
            syntax,
            file: file.to_owned(),
            secret_group: groups.secret,
            pair_group: groups.pair,
            max_len,
            allowlist,
            regex: OnceLock::new(),
        })
    }
}

fn validate_rotation(rotation: &RotationSyntax) -> Result<(), String> {
    if rotation.steps.is_empty() {
        return Err("rotation: 'steps' is empty".to_owned());
    }
    if rotation.steps.iter().any(|step| step.trim().is_empty()) {
        return Err("rotation: a step is empty".to_owned());
    }
    if let Some(url) = &rotation.url
        && (!url.starts_with("https://") || url.contains(char::is_whitespace))
    {
        return Err(format!("rotation: url {url:?} is not an https:// URL"));
    }
    Ok(())
}

fn validate_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok {
        Ok(())
    } else {
        Err("id must be kebab-case: lowercase letters and digits separated by single '-'".into())
    }
}

/// What loading a rule needs from its pattern, parsed once (cheap, no
/// compilation).
struct Groups {
    /// The `secret` group, or else the first one.
    secret: usize,
    /// The `pair` group, if any.
    pair: Option<usize>,
    /// The longest match the pattern allows, if bounded.
    max_len: Option<usize>,
}

/// Parses a pattern and finds its groups.
fn groups(pattern: &str) -> Result<Groups, String> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .unicode(false)
        .build()
        .parse(pattern)
        .map_err(|e| format!("bad regex:\n{e}"))?;
    let max_len = hir.properties().maximum_len();
    let mut names = Vec::new();
    collect_groups(&hir, &mut names);
    let named = |wanted: &str| {
        names
            .iter()
            .find(|(_, name)| name.as_deref() == Some(wanted))
            .map(|(index, _)| *index as usize)
    };
    let secret = named("secret")
        .or_else(|| names.iter().map(|(index, _)| *index as usize).min())
        .ok_or("regex has no capture group: name the secret with (?P<secret>...)")?;
    Ok(Groups {
        secret,
        pair: named("pair"),
        max_len,
    })
}

fn collect_groups(hir: &regex_syntax::hir::Hir, out: &mut Vec<(u32, Option<String>)>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(cap) => {
            out.push((cap.index, cap.name.as_deref().map(str::to_owned)));
            collect_groups(&cap.sub, out);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().for_each(|s| collect_groups(s, out));
        }
        HirKind::Repetition(rep) => collect_groups(&rep.sub, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(yaml: &str) -> Result<Vec<Rule>, RuleError> {
        parse_file(Path::new("t.yml"), yaml)
    }

    #[test]
    fn rotation_is_a_text_or_a_list_of_steps() {
        let rule = "rules:\n- id: a\n  name: A\n  regex: '(x)'\n";
        let rules = one(&format!("{rule}  rotation:\n    steps: Revoke it.\n")).unwrap();
        let rotation = rules[0].syntax.rotation.as_ref().unwrap();
        assert_eq!(rotation.steps, ["Revoke it."]);
        assert_eq!(rotation.url, None);
        let yaml = format!(
            "{rule}  rotation:\n    steps: [One., Two.]\n    url: https://example.com/rotate\n"
        );
        let rules = one(&yaml).unwrap();
        let rotation = rules[0].syntax.rotation.as_ref().unwrap();
        assert_eq!(rotation.steps, ["One.", "Two."]);
        assert_eq!(rotation.url.as_deref(), Some("https://example.com/rotate"));
        for (bad, message) in [
            ("    steps: []\n", "'steps' is empty"),
            ("    steps: ['  ']\n", "a step is empty"),
            (
                "    steps: [x]\n    url: http://example.com\n",
                "not an https:// URL",
            ),
            (
                "    steps: [x]\n    link: https://example.com\n",
                "unknown field `link`",
            ),
            ("    steps: {a: b}\n", "expected a text or a list of texts"),
            ("    url: https://example.com\n", "missing field `steps`"),
        ] {
            let err = one(&format!("{rule}  rotation:\n{bad}"))
                .unwrap_err()
                .to_string();
            assert!(err.contains(message), "{bad}: {err}");
        }
    }

    #[test]
    fn finds_named_secret_group() {
        let rules = one("rules:\n- id: a\n  name: A\n  regex: '(x)(?P<secret>y)'\n").unwrap();
        assert_eq!(rules[0].secret_group, 2);
    }

    #[test]
    fn a_file_uses_its_own_and_the_shared_fragments() {
        let yaml = "fragments:\n  word: 'pw|pass'\nrules:\n- id: a\n  name: A\n  regex: '(?&word)(?&assign)(?P<secret>x+)'\n";
        let rules = one(yaml).unwrap();
        assert!(rules[0].syntax.regex.starts_with("(?:pw|pass)(?:"));
        assert!(!rules[0].syntax.regex.contains("(?&"));
        let err = one("rules:\n- id: a\n  name: A\n  regex: '(?&nope)(x)'\n").unwrap_err();
        let err = err.to_string();
        assert!(
            err.contains("t.yml:2: rule 'a': unknown fragment '(?&nope)'"),
            "{err}"
        );
    }

    #[test]
    fn falls_back_to_first_group() {
        let rules = one("rules:\n- id: a\n  name: A\n  regex: 'k(?:z)(y+)'\n").unwrap();
        assert_eq!(rules[0].secret_group, 1);
    }

    #[test]
    fn rejects_missing_group() {
        let err = one("rules:\n- id: a\n  name: A\n  regex: 'abc'\n").unwrap_err();
        assert!(
            err.to_string()
                .contains("rule 'a': regex has no capture group"),
            "{err}"
        );
    }

    #[test]
    fn max_len_bounds_an_unbounded_regex() {
        let rules =
            one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,})'\n  max_len: 90\n").unwrap();
        assert_eq!(rules[0].max_len, Some(90));
        let rules = one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,})'\n").unwrap();
        assert_eq!(rules[0].max_len, None);
    }

    #[test]
    fn max_len_never_widens_a_bounded_regex() {
        let rules =
            one("rules:\n- id: a\n  name: A\n  regex: 'k(x{4,8})'\n  max_len: 90\n").unwrap();
        assert_eq!(rules[0].max_len, Some(9));
        let err = one("rules:\n- id: a\n  name: A\n  regex: 'k(x)'\n  max_len: 0\n").unwrap_err();
        assert!(
            err.to_string().contains("max_len must be at least 1"),
            "{err}"
        );
    }

    /// Long counted repetitions cost megabytes per rule and thread; built-in
    /// rules write them unbounded with `max_len` instead.
    #[test]
    fn every_builtin_regex_compiles_small() {
        for rule in RuleSet::builtin().unwrap().rules() {
            rule.compile().unwrap();
            let bytes = rule.regex().unwrap().memory_usage();
            assert!(
                bytes < 1 << 20,
                "{}: {} KiB compiled; write long repetitions as {{m,}} with max_len",
                rule.id(),
                bytes >> 10
            );
        }
    }

    #[test]
    fn rejects_unknown_key_with_line() {
        let err = one("rules:\n- id: a\n  name: A\n  regex: '(a)'\n  colour: red\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("t.yml:5:"), "{msg}");
        assert!(msg.contains("unknown field `colour`"), "{msg}");
    }

    #[test]
    fn rejects_bad_id() {
        let err = one("rules:\n- id: Bad_Id\n  name: A\n  regex: '(a)'\n").unwrap_err();
        assert!(err.to_string().contains("kebab-case"));
    }

    #[test]
    fn rejects_duplicates() {
        let mut set = RuleSet::default();
        let yaml =
            "rules:\n- id: a\n  name: A\n  regex: '(a)'\n- id: a\n  name: B\n  regex: '(b)'\n";
        let err = set.extend(one(yaml).unwrap()).unwrap_err();
        assert!(
            err.to_string().contains("rule 'a': duplicate rule id"),
            "{err}"
        );
    }

    #[test]
    fn messages_lose_the_values_they_quote() {
        for (message, expected) in [
            (
                "invalid type: string \"https://u:p@h\", expected u64",
                "invalid type: string, expected u64",
            ),
            (
                "unknown field `Zq8v_x`, expected one of `paths`, `regexes`",
                "unknown field `…`, expected one of `paths`, `regexes`",
            ),
            (
                "unknown field `pathz`, expected `a`",
                "unknown field `pathz`, expected `a`",
            ),
            (
                "invalid value: integer `-3`, expected u64 at line 1 column 2",
                "invalid value: integer `-3`, expected u64 at line 1 column 2",
            ),
            ("invalid type: string \"a \\\" b\"", "invalid type: string"),
            ("a `b, expected` c", "a `…` c"),
        ] {
            assert_eq!(without_values(message), expected, "{message}");
        }
    }

    #[test]
    fn builtin_rules_load() {
        let set = RuleSet::builtin().unwrap();
        assert!(set.len() >= 100, "only {} built-in rules", set.len());
    }
}
