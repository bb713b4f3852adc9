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
//! rules themselves, `[extend]`, and regexes that are not valid in Rust's
//! `regex` syntax (Go's RE2 takes `\Q...\E`, octal escapes, and Unicode
//! classes where leakhound matches bytes).

use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::yaml::{Addition, Field};
use super::{FileWrite, Note, Report};
use crate::config::CONFIG_FILE;
use crate::finding::Finding;
use crate::rules::{Allowlist, AllowlistSyntax, PathSet, RuleSet};
use crate::suppress::IGNORE_FILE;

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
            Some(match_ignore(&name, &entries, &options.path, &mut report)?)
        }
        None => None,
    };
    if let Some(file) = &config {
        let text = super::read(file)?;
        let rules = RuleSet::builtin()?;
        let import = parse_config(file, &text, &rules)?;
        let import = relabel(import, file, &super::shown(file, &root));
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
        if !merged.added.is_empty() {
            writes.push(FileWrite {
                path: target,
                contents: merged.text,
                existed,
            });
        }
    }
    if let Some(lines) = ignore_lines {
        let target = root.join(IGNORE_FILE);
        super::writable_target(&target)?;
        let existed = target.is_file();
        let old = if existed {
            super::read(&target)?
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
                contents
                    .push_str("# imported from .gitleaksignore by `leakhound import gitleaks`\n");
            }
            added += 1;
            report
                .imported
                .push(format!("{IGNORE_FILE}: {fingerprint} ({comment})"));
            contents.push_str(&format!("{fingerprint}  # {comment}\n"));
        }
        if added > 0 {
            writes.push(FileWrite {
                path: target,
                contents,
                existed,
            });
        }
    }
    Ok((writes, report))
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

/// A TOML parse error as `file:line:column: message`.
fn toml_error(file: &Path, text: &str, error: &toml::de::Error) -> anyhow::Error {
    let at = error.span().map(|span| {
        let line = super::line_of(text, span.start);
        let line_start = text[..span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let column = text[line_start..span.start.min(text.len())].chars().count() + 1;
        format!(":{line}:{column}")
    });
    anyhow::anyhow!(
        "{}{}: not valid TOML: {}",
        file.display(),
        at.unwrap_or_default(),
        error.message().trim()
    )
}

/// Walks a `.gitleaks.toml`; `rules` are leakhound's, to say whether a
/// gitleaks rule id means something to leakhound.
pub fn parse_config(file: &Path, text: &str, rules: &RuleSet) -> anyhow::Result<ConfigImport> {
    let doc = DeTable::parse(text).map_err(|e| toml_error(file, text, &e))?;
    let mut walk = Walk {
        file,
        text,
        rules,
        additions: Vec::new(),
        skipped: Vec::new(),
    };
    for (key, value) in doc.get_ref().iter() {
        let key_text: &str = key.get_ref();
        match key_text {
            "allowlist" => {
                let table = walk.table(value, "[allowlist]")?;
                walk.allowlist(table, key.span().start, "[allowlist]")?;
            }
            "allowlists" => {
                for item in walk.array(value, "[[allowlists]]")? {
                    let table = walk.table(item, "[[allowlists]]")?;
                    walk.allowlist(table, item.span().start, "[[allowlists]]")?;
                }
            }
            "rules" => {
                for item in walk.array(value, "[[rules]]")? {
                    let table = walk.table(item, "[[rules]]")?;
                    walk.rule(table, item)?;
                }
            }
            "title" | "description" => {}
            "extend" => walk.skip(
                key,
                "[extend]".to_owned(),
                "gitleaks's default configuration (and its allowlist) is gitleaks's own: \
                 leakhound keeps its built-in rules and filters (extend_default)",
            ),
            other => walk.skip(
                key,
                format!("`{other}`"),
                "not a gitleaks setting leakhound knows",
            ),
        }
    }
    walk.additions.sort_by_key(|(offset, _)| *offset);
    walk.skipped.sort_by_key(|(offset, _)| *offset);
    Ok(ConfigImport {
        additions: walk.additions.into_iter().map(|(_, a)| a).collect(),
        skipped: walk.skipped.into_iter().map(|(_, n)| n).collect(),
    })
}

struct Walk<'a> {
    file: &'a Path,
    text: &'a str,
    rules: &'a RuleSet,
    /// Additions and notes with the offset of what they come from, to be
    /// put in the file's order (the parser's tables are sorted by key).
    additions: Vec<(usize, Addition)>,
    skipped: Vec<(usize, Note)>,
}

type Value<'i> = Spanned<DeValue<'i>>;

impl Walk<'_> {
    fn at<T>(&self, spanned: &Spanned<T>) -> String {
        format!(
            "{}:{}",
            self.file.display(),
            super::line_of(self.text, spanned.span().start)
        )
    }

    fn skip<T>(&mut self, spanned: &Spanned<T>, what: String, reason: &str) {
        let at = self.at(spanned);
        self.skipped.push((
            spanned.span().start,
            Note {
                at,
                what,
                reason: reason.to_owned(),
            },
        ));
    }

    fn error<T>(&self, spanned: &Spanned<T>, message: String) -> anyhow::Error {
        anyhow::anyhow!("{}: {message}", self.at(spanned))
    }

    fn table<'v, 'i>(&self, value: &'v Value<'i>, what: &str) -> anyhow::Result<&'v DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Ok(table),
            _ => Err(self.error(value, format!("{what} must be a table"))),
        }
    }

    fn array<'v, 'i>(&self, value: &'v Value<'i>, what: &str) -> anyhow::Result<&'v [Value<'i>]> {
        match value.get_ref() {
            DeValue::Array(items) => Ok(items),
            _ => Err(self.error(value, format!("{what} must be an array of tables"))),
        }
    }

    fn string<'v>(&self, value: &'v Value<'_>, what: &str) -> anyhow::Result<&'v str> {
        match value.get_ref() {
            DeValue::String(text) => Ok(text),
            _ => Err(self.error(value, format!("{what} must be a string"))),
        }
    }

    fn strings<'v, 'i>(
        &self,
        value: &'v Value<'i>,
        what: &str,
    ) -> anyhow::Result<Vec<(&'v str, &'v Value<'i>)>> {
        let DeValue::Array(items) = value.get_ref() else {
            return Err(self.error(value, format!("{what} must be an array of strings")));
        };
        items
            .iter()
            .map(|item| Ok((self.string(item, what)?, item)))
            .collect()
    }

    /// A `[[rules]]` entry: not converted, nor are its allowlists.
    fn rule(&mut self, table: &DeTable<'_>, item: &Value<'_>) -> anyhow::Result<()> {
        let id = match table.get("id") {
            Some(id) => self.string(id, "rules.id")?.to_owned(),
            None => "(no id)".to_owned(),
        };
        let same = self.rules.get(&id).is_some();
        let hint = if same {
            format!(
                "; leakhound has a rule '{id}' too: if it means the same, copy the entries \
                 under `rule_allowlists: {id}:` in {CONFIG_FILE}"
            )
        } else {
            String::new()
        };
        if table.get("regex").is_some() || table.get("path").is_some() {
            self.skip(
                item,
                format!("gitleaks rule '{id}'"),
                "gitleaks rules are not converted (leakhound rules have their own format: \
                 see `leakhound rules list` and patterns/)",
            );
        }
        for (key, value) in table.iter() {
            let key_text: &str = key.get_ref();
            let tables: Vec<&Value<'_>> = match key_text {
                "allowlist" => vec![value],
                "allowlists" => self.array(value, "rules.allowlists")?.iter().collect(),
                _ => continue,
            };
            for allowlist in tables {
                self.skip(
                    allowlist,
                    format!("allowlist of gitleaks rule '{id}'"),
                    &format!(
                        "it applies to one gitleaks rule, and gitleaks rule ids are not \
                         leakhound's{hint}"
                    ),
                );
            }
        }
        Ok(())
    }

    /// A global allowlist, `[allowlist]` or one of `[[allowlists]]`.
    fn allowlist(
        &mut self,
        table: &DeTable<'_>,
        offset: usize,
        header: &str,
    ) -> anyhow::Result<()> {
        let mut description = String::new();
        let mut target = "secret".to_owned();
        let mut and = false;
        let mut kinds = 0;
        for (key, value) in table.iter() {
            let key_text: &str = key.get_ref();
            match key_text {
                "description" => description = super::one_line(self.string(value, "description")?),
                "regexTarget" => target = self.string(value, "regexTarget")?.to_owned(),
                "condition" => {
                    and = self
                        .string(value, "condition")?
                        .trim()
                        .eq_ignore_ascii_case("and");
                }
                "targetRules" => {
                    let ids: Vec<&str> = self
                        .strings(value, "targetRules")?
                        .into_iter()
                        .map(|(id, _)| id)
                        .collect();
                    if !ids.is_empty() {
                        self.skip(
                            key,
                            format!("{header} for rules {}", ids.join(", ")),
                            "it applies to some gitleaks rules only, and gitleaks rule ids are \
                             not leakhound's",
                        );
                        return Ok(());
                    }
                }
                "paths" | "regexes" | "stopwords" | "commits"
                    if !self.strings(value, key_text)?.is_empty() =>
                {
                    kinds += 1;
                }
                _ => {}
            }
        }
        if and && kinds > 1 {
            self.skipped.push((
                offset,
                Note {
                    at: format!(
                        "{}:{}",
                        self.file.display(),
                        super::line_of(self.text, offset)
                    ),
                    what: format!("{header} with condition = \"AND\""),
                    reason:
                        "an entry of a leakhound allowlist applies on its own; importing these \
                         entries one by one would allowlist more than gitleaks did"
                            .to_owned(),
                },
            ));
            return Ok(());
        }
        let comment = |line_at: String| {
            if description.is_empty() {
                format!("gitleaks {line_at}")
            } else {
                format!("gitleaks {line_at}: {description}")
            }
        };
        for (key, value) in table.iter() {
            let key_text: &str = key.get_ref();
            match key_text {
                "description" | "regexTarget" | "condition" | "targetRules" => {}
                "paths" => {
                    for (path, item) in self.strings(value, "paths")? {
                        match PathSet::compile(&[], &[path.to_owned()]) {
                            Ok(_) => self.additions.push((
                                item.span().start,
                                Addition {
                                    field: Field::PathRegexes,
                                    value: path.to_owned(),
                                    comment: comment(self.at(item)),
                                },
                            )),
                            Err(e) => self.bad_regex(item, "path regex", path, &e.to_string()),
                        }
                    }
                }
                "regexes" => {
                    let field = match target.as_str() {
                        "" | "secret" => Some(Field::Regexes),
                        "match" => Some(Field::Matches),
                        _ => None,
                    };
                    for (regex, item) in self.strings(value, "regexes")? {
                        let Some(field) = field else {
                            let reason = if target == "line" {
                                "regexTarget = \"line\": leakhound allowlists test the secret \
                                 (regexes) or the whole match (matches), not the whole line"
                                    .to_owned()
                            } else {
                                format!("unknown regexTarget \"{target}\"")
                            };
                            self.skipped.push((
                                item.span().start,
                                Note {
                                    at: self.at(item),
                                    what: format!("regex '{regex}'"),
                                    reason,
                                },
                            ));
                            continue;
                        };
                        let syntax = AllowlistSyntax {
                            regexes: vec![regex.to_owned()],
                            ..AllowlistSyntax::default()
                        };
                        match Allowlist::compile(&syntax) {
                            Ok(_) => self.additions.push((
                                item.span().start,
                                Addition {
                                    field,
                                    value: regex.to_owned(),
                                    comment: comment(self.at(item)),
                                },
                            )),
                            Err(e) => self.bad_regex(item, "regex", regex, &e.to_string()),
                        }
                    }
                }
                "stopwords" => {
                    for (word, item) in self.strings(value, "stopwords")? {
                        if word.trim().is_empty() {
                            self.skip(item, "stopword ''".to_owned(), "empty");
                            continue;
                        }
                        self.additions.push((
                            item.span().start,
                            Addition {
                                field: Field::Stopwords,
                                value: word.to_owned(),
                                comment: comment(self.at(item)),
                            },
                        ));
                    }
                }
                "commits" => {
                    for (commit, item) in self.strings(value, "commits")? {
                        self.skip(
                            item,
                            format!("commit {commit}"),
                            "leakhound has no commit allowlist: add the fingerprints of that \
                             commit's findings to .leakhoundignore (or scan with --range)",
                        );
                    }
                }
                other => self.skip(
                    key,
                    format!("{header} key `{other}`"),
                    "not an allowlist setting leakhound knows",
                ),
            }
        }
        Ok(())
    }

    fn bad_regex(&mut self, item: &Value<'_>, what: &str, regex: &str, error: &str) {
        // regex's errors are several lines (the pattern, a caret, the
        // message): keep the message.
        let message = error
            .lines()
            .rev()
            .find_map(|l| l.trim().strip_prefix("error: "))
            .unwrap_or_else(|| error.lines().next().unwrap_or(error))
            .trim()
            .to_owned();
        self.skipped.push((
            item.span().start,
            Note {
                at: self.at(item),
                what: format!("{what} '{regex}'"),
                reason: format!(
                    "not valid in leakhound's regex syntax (Go's RE2 accepts some forms Rust's \
                 regex does not, such as \\Q...\\E and octal escapes): {message}"
                ),
            },
        ));
    }
}

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
            path: super::normalize_path(path),
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
fn match_ignore(
    file: &Path,
    entries: &[IgnoreEntry],
    path: &Path,
    report: &mut Report,
) -> anyhow::Result<Vec<(String, String)>> {
    let want_files = entries.iter().any(|e| e.commit.is_none());
    let want_history = entries.iter().any(|e| e.commit.is_some());
    let is_repo = crate::source::git::open(path)?.is_some();
    let files = if want_files {
        super::scan(path, false)?
    } else {
        Vec::new()
    };
    let history = if want_history && is_repo {
        super::scan(path, true)?
    } else {
        Vec::new()
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let comment = format!(
            "gitleaks {}:{} {}",
            file.display(),
            entry.line_in_file,
            super::one_line(&entry.text)
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
            if commit_ok && super::at_path(finding, location, &entry.path) {
                out.push(location.fingerprint.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> ConfigImport {
        parse_config(
            Path::new(".gitleaks.toml"),
            text,
            &RuleSet::builtin().unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn global_allowlists_map() {
        let import = parse(
            r#"title = "x"
[allowlist]
description = "fixtures"
paths = ['''(^|/)testdata/''', '''\.lock$''']
regexes = ['''^EXAMPLE''']
stopwords = ["sandbox"]
commits = ["0123456789abcdef0123456789abcdef01234567"]

[[allowlists]]
regexTarget = "match"
regexes = ['''token = dummy''']

[[allowlists]]
regexTarget = "line"
regexes = ['''# test only''']
"#,
        );
        let got: Vec<(Field, &str, &str)> = import
            .additions
            .iter()
            .map(|a| (a.field, a.value.as_str(), a.comment.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    Field::PathRegexes,
                    "(^|/)testdata/",
                    "gitleaks .gitleaks.toml:4: fixtures"
                ),
                (
                    Field::PathRegexes,
                    r"\.lock$",
                    "gitleaks .gitleaks.toml:4: fixtures"
                ),
                (
                    Field::Regexes,
                    "^EXAMPLE",
                    "gitleaks .gitleaks.toml:5: fixtures"
                ),
                (
                    Field::Stopwords,
                    "sandbox",
                    "gitleaks .gitleaks.toml:6: fixtures"
                ),
                (
                    Field::Matches,
                    "token = dummy",
                    "gitleaks .gitleaks.toml:11"
                ),
            ]
        );
        let skipped: Vec<String> = import.skipped.iter().map(|n| n.at.clone()).collect();
        assert_eq!(skipped, [".gitleaks.toml:7", ".gitleaks.toml:15"]);
        assert!(import.skipped[1].reason.contains("regexTarget = \"line\""));
    }

    #[test]
    fn rule_allowlists_and_and_conditions_are_skipped() {
        let import = parse(
            r#"
[[rules]]
id = "gitlab-pat"
regex = '''glpat-[a-z]{20}'''
[rules.allowlist]
paths = ['''docs/''']

[[allowlists]]
condition = "AND"
paths = ['''a/''']
stopwords = ["b"]

[[allowlists]]
targetRules = ["x"]
paths = ['''c/''']
"#,
        );
        assert!(import.additions.is_empty());
        let notes: Vec<String> = import.skipped.iter().map(ToString::to_string).collect();
        assert_eq!(notes.len(), 4, "{notes:#?}");
        assert!(
            notes[0].starts_with(".gitleaks.toml:2: gitleaks rule 'gitlab-pat'"),
            "{notes:#?}"
        );
        assert!(notes[1].contains("allowlist of gitleaks rule 'gitlab-pat'"));
        assert!(notes[1].contains("leakhound has a rule 'gitlab-pat' too"));
        assert!(notes[2].contains("condition = \"AND\""));
        assert!(notes[3].contains("for rules x"));
    }

    #[test]
    fn re2_only_regexes_are_reported_with_their_line() {
        let import = parse("[allowlist]\nregexes = [\n  '''^ok''',\n  '''\\Qa.b\\E''',\n]\n");
        assert_eq!(import.additions.len(), 1);
        assert_eq!(import.skipped[0].at, ".gitleaks.toml:4");
        assert!(
            import.skipped[0]
                .reason
                .contains("not valid in leakhound's regex syntax"),
            "{}",
            import.skipped[0].reason
        );
    }

    #[test]
    fn bad_toml_names_line_and_column() {
        let err = parse_config(
            Path::new("g.toml"),
            "[allowlist]\npaths = [\"a\"\n",
            &RuleSet::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("g.toml:2:") || err.starts_with("g.toml:3:"),
            "{err}"
        );
        let err = parse_config(
            Path::new("g.toml"),
            "[allowlist]\npaths = \"a\"\n",
            &RuleSet::default(),
        )
        .unwrap_err()
        .to_string();
        assert_eq!(err, "g.toml:2: paths must be an array of strings");
    }

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
