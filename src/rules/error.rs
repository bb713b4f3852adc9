//! What can be wrong with a rule file, a rule or an allowlist, said with
//! the file and line, and never quoting what the file holds.

use std::path::{Path, PathBuf};

/// What is wrong with one part of a rule, an allowlist or a rule set;
/// [`RuleError`] adds the file, the line and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// The id is not kebab-case.
    #[error("id must be kebab-case: lowercase letters and digits separated by single '-'")]
    Id,
    /// The regex does not parse.
    #[error("bad regex:\n{0}")]
    Regex(String),
    /// The regex has no capture group.
    #[error("regex has no capture group: name the secret with (?P<secret>...)")]
    NoGroup,
    /// The regex, or a set of globs, does not compile (a size limit, say);
    /// the message says what to do.
    #[error("{0}")]
    Compile(String),
    /// A pattern of an allowlist does not compile.
    #[error("allowlist {kind} '{pattern}': {cause}")]
    Allowlist {
        /// `path`, `path regex`, `regex` or `match regex`.
        kind: &'static str,
        /// The pattern as written.
        pattern: String,
        /// Why.
        cause: String,
    },
    /// No rule has this id.
    #[error("no rule has the id '{0}' (see `leakhound rules list`)")]
    UnknownRule(String),
    /// The rotation steps are malformed.
    #[error("rotation: {0}")]
    Rotation(String),
    /// The validation check is malformed.
    #[error("validation: {0}")]
    Validation(String),
    /// A fragment reference cannot be expanded.
    #[error("{0}")]
    Fragment(String),
}

impl Invalid {
    /// The value the error is about, as written in the file (a pattern, a
    /// rule id): where to look for its line.
    pub fn value(&self) -> Option<&str> {
        match self {
            Invalid::Allowlist { pattern, .. } => Some(pattern),
            Invalid::UnknownRule(id) => Some(id),
            _ => None,
        }
    }
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
