//! `leakhound import gitleaks`: `.gitleaks.toml` allowlists and
//! `.gitleaksignore` fingerprints.
//!
//! What maps:
//!
//! | gitleaks | leakhound |
//! | --- | --- |
//! | `paths` (Go regexes on paths) | `allowlist.path_regexes` |
//! | `regexes`, `regexTarget = "secret"` (the default) | `allowlist.regexes` |
//! | `regexes`, `regexTarget = "match"` | `allowlist.matches` |
//! | `stopwords` | `allowlist.stopwords` |
//! | `.gitleaksignore` fingerprints | `.leakhoundignore` fingerprints, by scanning |
//!
//! What does not, and is reported as skipped: `regexTarget = "line"`,
//! `commits`, allowlists with `condition = "AND"` over several kinds of
//! entry, allowlists of one rule (`[rules.allowlist]`, `targetRules`), the
//! rules themselves, `[extend]`, keys leakhound does not know, and regexes
//! that are not valid in Rust's `regex` syntax (Go's RE2 takes `\Q...\E`,
//! octal escapes, and Unicode classes where leakhound matches bytes).
//!
//! This module decides what is imported and what is skipped, and why;
//! [`config`] is what is read of `.gitleaks.toml`, [`ignore`] what
//! `.gitleaksignore` entries name.

pub mod config;
pub mod ignore;

use std::path::{Path, PathBuf};

use toml::Spanned;

use self::config::{Allowlist, Config, Keyed, Rule};
pub use self::ignore::{IgnoreEntry, locations_for, parse_ignore};
use super::yaml::{Addition, Field};
use super::{FileWrite, Note, Report};
use crate::config::CONFIG_FILE;
use crate::rules::{Allowlist as RuleAllowlist, AllowlistSyntax, PathSet, RuleSet};

/// Default configuration file, at the project root.
pub const CONFIG: &str = ".gitleaks.toml";
/// Default ignore file, at the project root.
pub const IGNORE: &str = ".gitleaksignore";

/// What the command line asks for.
#[derive(Debug, Default)]
pub struct Options {
    /// The project (a repository or a directory).
    pub path: PathBuf,
    /// `.gitleaks.toml` elsewhere than at the root (must exist).
    pub config: Option<PathBuf>,
    /// `.gitleaksignore` elsewhere than at the root (must exist).
    pub ignore: Option<PathBuf>,
}

/// Imports gitleaks's configuration and ignore file: the files to write
/// and what was done.
pub fn import(options: &Options) -> anyhow::Result<(Vec<FileWrite>, Report)> {
    let root = super::project_root(&options.path)?;
    let config = existing(options.config.as_deref(), &root.join(CONFIG));
    let ignore = existing(options.ignore.as_deref(), &root.join(IGNORE));
    if config.is_none() && ignore.is_none() {
        anyhow::bail!(
            "nothing to import: neither {} nor {} exists (name them with --config and --ignore)",
            root.join(CONFIG).display(),
            root.join(IGNORE).display()
        );
    }
    let mut report = Report::default();
    let mut writes = Vec::new();
    // The scan comes first, with the configuration as it is: an entry
    // whose finding the imported allowlist hides is still recognised.
    let ignore_lines = match &ignore {
        Some(file) => {
            let text = super::read(file)?;
            let entries = parse_ignore(file, &text)?;
            let name = super::shown(file, &root);
            Some(ignore::match_ignore(
                &name,
                &entries,
                &options.path,
                &mut report,
            )?)
        }
        None => None,
    };
    if let Some(file) = &config {
        writes.extend(import_config(file, &root, &mut report)?);
    }
    if let Some(lines) = ignore_lines {
        writes.extend(ignore::append(&root, lines, &mut report)?);
    }
    Ok((writes, report))
}

/// The `.leakhound.yml` at `root` with what `file` has that maps added;
/// `None` if nothing new maps.
fn import_config(
    file: &Path,
    root: &Path,
    report: &mut Report,
) -> anyhow::Result<Option<FileWrite>> {
    let text = super::read(file)?;
    let rules = RuleSet::builtin()?;
    let import = parse_config(file, &text, &rules)?;
    let import = relabel(import, file, &super::shown(file, root));
    report.skipped.extend(import.skipped);
    let target = root.join(CONFIG_FILE);
    super::writable_target(&target)?;
    let existed = target.is_file();
    let old = if existed {
        super::read(&target)?
    } else {
        String::new()
    };
    let merged = super::yaml::merge(&target, &old, &import.additions)?;
    for addition in &merged.present {
        report.skipped.push(Note {
            at: addition.comment.clone(),
            what: format!("{} '{}'", addition.field.key(), addition.value),
            reason: format!("already in {CONFIG_FILE}"),
        });
    }
    report.imported.extend(merged.added.iter().map(|a| {
        format!(
            "{CONFIG_FILE} allowlist.{}: '{}' ({})",
            a.field.key(),
            a.value,
            a.comment
        )
    }));
    Ok((!merged.added.is_empty()).then_some(FileWrite {
        path: target,
        contents: merged.text,
        existed,
    }))
}

/// Names the configuration file relative to the root in what is written.
fn relabel(mut import: ConfigImport, file: &Path, shown: &Path) -> ConfigImport {
    let (from, to) = (file.display().to_string(), shown.display().to_string());
    if from != to {
        for addition in &mut import.additions {
            addition.comment = addition.comment.replacen(&from, &to, 1);
        }
        for note in &mut import.skipped {
            note.at = note.at.replacen(&from, &to, 1);
        }
    }
    import
}

/// The file named on the command line, else the default if it exists.
fn existing(explicit: Option<&Path>, default: &Path) -> Option<PathBuf> {
    match explicit {
        Some(path) => Some(path.to_owned()),
        None => super::usable_default(default).then(|| default.to_owned()),
    }
}

/// The allowlist entries a `.gitleaks.toml` maps to, and what it has that
/// does not map.
#[derive(Debug, Default)]
pub struct ConfigImport {
    /// Entries for the global allowlist of `.leakhound.yml`.
    pub additions: Vec<Addition>,
    /// What was not imported, and why.
    pub skipped: Vec<Note>,
}

/// Reads a `.gitleaks.toml`; `rules` are leakhound's, to say whether a
/// gitleaks rule id means something to leakhound.
pub fn parse_config(file: &Path, text: &str, rules: &RuleSet) -> anyhow::Result<ConfigImport> {
    let config = config::parse(file, text)?;
    let mut import = Mapping {
        file,
        text,
        rules,
        additions: Vec::new(),
        skipped: Vec::new(),
    };
    for key in &config.keys {
        match key.get_ref().as_str() {
            "extend" => import.skip(
                key.span().start,
                "[extend]".to_owned(),
                "gitleaks's default configuration (and its allowlist) is gitleaks's own: \
                 leakhound keeps its built-in rules and filters (extend_default)",
            ),
            known if Config::KEYS.contains(&known) => {}
            other => import.skip(
                key.span().start,
                format!("`{other}`"),
                "not a gitleaks setting leakhound knows",
            ),
        }
    }
    if let (Some(allowlist), Some(key)) = (&config.table.allowlist, config.key("allowlist")) {
        import.allowlist(allowlist, key.span().start, "[allowlist]");
    }
    for allowlist in &config.table.allowlists {
        import.allowlist(
            allowlist.get_ref(),
            allowlist.span().start,
            "[[allowlists]]",
        );
    }
    for rule in &config.table.rules {
        import.rule(rule);
    }
    // In the file's order (the parser's tables are sorted by key).
    import.additions.sort_by_key(|(offset, _)| *offset);
    import.skipped.sort_by_key(|(offset, _)| *offset);
    Ok(ConfigImport {
        additions: import.additions.into_iter().map(|(_, a)| a).collect(),
        skipped: import.skipped.into_iter().map(|(_, n)| n).collect(),
    })
}

/// What a `.gitleaks.toml` maps to, as it is read.
struct Mapping<'a> {
    file: &'a Path,
    text: &'a str,
    rules: &'a RuleSet,
    /// Additions and notes with the offset of what they come from, to be
    /// put in the file's order.
    additions: Vec<(usize, Addition)>,
    skipped: Vec<(usize, Note)>,
}

impl Mapping<'_> {
    /// `file:line` of byte `offset`.
    fn at(&self, offset: usize) -> String {
        format!(
            "{}:{}",
            self.file.display(),
            super::line_of(self.text, offset)
        )
    }

    fn skip(&mut self, offset: usize, what: String, reason: impl Into<String>) {
        let at = self.at(offset);
        self.skipped.push((
            offset,
            Note {
                at,
                what,
                reason: reason.into(),
            },
        ));
    }

    fn add(&mut self, item: &Spanned<String>, field: Field, comment: &dyn Fn(String) -> String) {
        let offset = item.span().start;
        let addition = Addition {
            field,
            value: item.get_ref().clone(),
            comment: comment(self.at(offset)),
        };
        self.additions.push((offset, addition));
    }

    /// A `[[rules]]` entry: not converted, nor are its allowlists.
    fn rule(&mut self, rule: &Spanned<Rule>) {
        let offset = rule.span().start;
        let rule = rule.get_ref();
        let id = rule.id.as_deref().unwrap_or("(no id)");
        let hint = if self.rules.get(id).is_some() {
            format!(
                "; leakhound has a rule '{id}' too: if it means the same, copy the entries \
                 under `rule_allowlists: {id}:` in {CONFIG_FILE}"
            )
        } else {
            String::new()
        };
        if rule.regex.is_some() || rule.path.is_some() {
            self.skip(
                offset,
                format!("gitleaks rule '{id}'"),
                "gitleaks rules are not converted (leakhound rules have their own format: \
                 see `leakhound rules list` and patterns/)",
            );
        }
        for allowlist in rule.allowlist.iter().chain(&rule.allowlists) {
            self.skip(
                allowlist.span().start,
                format!("allowlist of gitleaks rule '{id}'"),
                format!(
                    "it applies to one gitleaks rule, and gitleaks rule ids are not \
                     leakhound's{hint}"
                ),
            );
        }
    }

    /// A global allowlist, `[allowlist]` or one of `[[allowlists]]`, whose
    /// key or header is at `offset`.
    fn allowlist(&mut self, allowlist: &Keyed<Allowlist>, offset: usize, header: &str) {
        let list = &allowlist.table;
        if let Some(key) = allowlist.key("targetRules")
            && !list.target_rules.is_empty()
        {
            self.skip(
                key.span().start,
                format!("{header} for rules {}", list.target_rules.join(", ")),
                "it applies to some gitleaks rules only, and gitleaks rule ids are \
                 not leakhound's",
            );
            return;
        }
        let and = list
            .condition
            .as_deref()
            .is_some_and(|c| c.trim().eq_ignore_ascii_case("and"));
        let kinds = [&list.paths, &list.regexes, &list.stopwords, &list.commits]
            .into_iter()
            .filter(|entries| !entries.is_empty())
            .count();
        if and && kinds > 1 {
            self.skip(
                offset,
                format!("{header} with condition = \"AND\""),
                "an entry of a leakhound allowlist applies on its own; importing these \
                 entries one by one would allowlist more than gitleaks did",
            );
            return;
        }
        let description = list
            .description
            .as_deref()
            .map(super::one_line)
            .unwrap_or_default();
        let comment = |at: String| {
            if description.is_empty() {
                format!("gitleaks {at}")
            } else {
                format!("gitleaks {at}: {description}")
            }
        };
        for path in &list.paths {
            match PathSet::compile(&[], std::slice::from_ref(path.get_ref())) {
                Ok(_) => self.add(path, Field::PathRegexes, &comment),
                Err(e) => self.bad_regex(path, "path regex", &e.to_string()),
            }
        }
        self.regexes(list, &comment);
        for word in &list.stopwords {
            if word.get_ref().trim().is_empty() {
                self.skip(word.span().start, "stopword ''".to_owned(), "empty");
            } else {
                self.add(word, Field::Stopwords, &comment);
            }
        }
        for commit in &list.commits {
            self.skip(
                commit.span().start,
                format!("commit {}", commit.get_ref()),
                "leakhound has no commit allowlist: add the fingerprints of that \
                 commit's findings to .leakhoundignore (or scan with --range)",
            );
        }
        for key in allowlist.unknown(Allowlist::KEYS) {
            self.skip(
                key.span().start,
                format!("{header} key `{}`", key.get_ref()),
                "not an allowlist setting leakhound knows",
            );
        }
    }

    /// An allowlist's `regexes`, as `regexTarget` says.
    fn regexes(&mut self, list: &Allowlist, comment: &dyn Fn(String) -> String) {
        let target = list.regex_target.as_deref().unwrap_or("secret");
        let field = match target {
            "" | "secret" => Field::Regexes,
            "match" => Field::Matches,
            _ => {
                let reason = if target == "line" {
                    "regexTarget = \"line\": leakhound allowlists test the secret \
                     (regexes) or the whole match (matches), not the whole line"
                        .to_owned()
                } else {
                    format!("unknown regexTarget \"{target}\"")
                };
                for regex in &list.regexes {
                    let what = format!("regex '{}'", regex.get_ref());
                    self.skip(regex.span().start, what, reason.clone());
                }
                return;
            }
        };
        for regex in &list.regexes {
            let syntax = AllowlistSyntax {
                regexes: vec![regex.get_ref().clone()],
                ..AllowlistSyntax::default()
            };
            match RuleAllowlist::compile(&syntax) {
                Ok(_) => self.add(regex, field, comment),
                Err(e) => self.bad_regex(regex, "regex", &e.to_string()),
            }
        }
    }

    fn bad_regex(&mut self, item: &Spanned<String>, what: &str, error: &str) {
        // regex's errors are several lines (the pattern, a caret, the
        // message): keep the message.
        let message = error
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: "))
            .unwrap_or_else(|| error.lines().next().unwrap_or(error))
            .trim()
            .to_owned();
        self.skip(
            item.span().start,
            format!("{what} '{}'", item.get_ref()),
            format!(
                "not valid in leakhound's regex syntax (Go's RE2 accepts some forms Rust's \
                 regex does not, such as \\Q...\\E and octal escapes): {message}"
            ),
        );
    }
}

#[cfg(test)]
mod tests;
