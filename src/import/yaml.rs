//! Adding entries to the `allowlist:` of a `.leakhound.yml` without
//! rewriting what is there: new lines are inserted into the file's text
//! (comments, order and quoting of everything else untouched), and the
//! result is parsed again to check that it means the old configuration plus
//! the new entries and nothing else. Where that cannot be done (an
//! allowlist written in flow style, `paths: [a, b]`), the merge is refused
//! with the entries to add by hand.

use std::path::Path;

use serde_norway::Value;

use crate::config::Config;

/// The allowlist lists an import adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// `paths`: globs.
    Paths,
    /// `path_regexes`.
    PathRegexes,
    /// `regexes`: on the secret.
    Regexes,
    /// `stopwords`.
    Stopwords,
    /// `matches`: regexes on the whole match.
    Matches,
}

impl Field {
    /// Every field, in the order they are written.
    pub const ALL: [Field; 5] = [
        Field::Paths,
        Field::PathRegexes,
        Field::Regexes,
        Field::Stopwords,
        Field::Matches,
    ];

    /// The key in `.leakhound.yml`.
    pub fn key(self) -> &'static str {
        match self {
            Field::Paths => "paths",
            Field::PathRegexes => "path_regexes",
            Field::Regexes => "regexes",
            Field::Stopwords => "stopwords",
            Field::Matches => "matches",
        }
    }
}

/// One entry to add to the global allowlist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Addition {
    /// Which list.
    pub field: Field,
    /// The glob, regex or word.
    pub value: String,
    /// Where it comes from, written as a comment after it.
    pub comment: String,
}

/// The result of a merge.
#[derive(Debug)]
pub struct Merged {
    /// The new text of the file.
    pub text: String,
    /// The entries added.
    pub added: Vec<Addition>,
    /// The entries the allowlist had already.
    pub present: Vec<Addition>,
}

/// Adds `additions` to the global allowlist of the configuration `text`
/// (empty if there is no file yet) read from `file`.
pub fn merge(file: &Path, text: &str, additions: &[Addition]) -> anyhow::Result<Merged> {
    Config::parse(file, text)?;
    let old: Value = if text.trim().is_empty() {
        Value::Null
    } else {
        serde_norway::from_str(text).map_err(|e| crate::rules::yaml_error(file, &e))?
    };
    let mut added: Vec<Addition> = Vec::new();
    let mut present = Vec::new();
    for addition in additions {
        let exists = list(&old, addition.field).contains(&addition.value.as_str());
        let repeated = added
            .iter()
            .any(|a| a.field == addition.field && a.value == addition.value);
        if exists || repeated {
            present.push(addition.clone());
        } else {
            added.push(addition.clone());
        }
    }
    added.sort_by_key(|a| a.field);
    if added.is_empty() {
        return Ok(Merged {
            text: text.to_owned(),
            added,
            present,
        });
    }
    let new_text = insert(text, &old, &added);
    let expected = expected(&old, &added);
    let ok = new_text.as_deref().is_some_and(|new_text| {
        serde_norway::from_str::<Value>(new_text).is_ok_and(|new| new == expected)
            && Config::parse(file, new_text).is_ok()
    });
    match new_text {
        Some(new_text) if ok => Ok(Merged {
            text: new_text,
            added,
            present,
        }),
        _ => anyhow::bail!(
            "cannot add the imported allowlist to {} without rewriting it (its `allowlist:` is not \
             a block mapping of block lists); add these lines to it by hand, or write its \
             allowlist in block style and import again:\n{}",
            file.display(),
            block(&added, "").trim_end()
        ),
    }
}

/// The strings of `allowlist.<field>` in a parsed configuration.
fn list(config: &Value, field: Field) -> Vec<&str> {
    config
        .get("allowlist")
        .and_then(|a| a.get(field.key()))
        .and_then(Value::as_sequence)
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// The configuration `old` with the entries added.
fn expected(old: &Value, added: &[Addition]) -> Value {
    let mut config = match old {
        Value::Null => Value::Mapping(Default::default()),
        other => other.clone(),
    };
    let Value::Mapping(top) = &mut config else {
        return config;
    };
    let allowlist = top
        .entry(Value::String("allowlist".to_owned()))
        .or_insert(Value::Null);
    if allowlist.is_null() {
        *allowlist = Value::Mapping(Default::default());
    }
    if let Value::Mapping(allowlist) = allowlist {
        for addition in added {
            let items = allowlist
                .entry(Value::String(addition.field.key().to_owned()))
                .or_insert(Value::Null);
            if items.is_null() {
                *items = Value::Sequence(Vec::new());
            }
            if let Value::Sequence(items) = items {
                items.push(Value::String(addition.value.clone()));
            }
        }
    }
    config
}

/// A YAML single-quoted scalar: any text, backslashes as they are.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn item(indent: &str, addition: &Addition) -> String {
    let comment = super::one_line(&addition.comment);
    if comment.is_empty() {
        format!("{indent}- {}\n", quote(&addition.value))
    } else {
        format!("{indent}- {}  # {comment}\n", quote(&addition.value))
    }
}

/// An `allowlist:` block with `added` (sorted by field), indented by
/// `indent` plus two spaces a level.
fn block(added: &[Addition], indent: &str) -> String {
    let mut out = format!("{indent}allowlist:\n");
    out.push_str(&fields(added, &format!("{indent}  ")));
    out
}

/// `field:` lines each followed by its items, at `indent`.
fn fields(added: &[Addition], indent: &str) -> String {
    let mut out = String::new();
    for field in Field::ALL {
        let items: Vec<&Addition> = added.iter().filter(|a| a.field == field).collect();
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("{indent}{}:\n", field.key()));
        for addition in items {
            out.push_str(&item(&format!("{indent}  "), addition));
        }
    }
    out
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Blank, or only a comment.
fn is_filler(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// Whether `line` is `key:` with nothing after it but a comment.
fn is_block_key(line: &str, indent: usize, key: &str) -> bool {
    if indentation(line) != indent {
        return false;
    }
    let Some(rest) = line.trim_start().strip_prefix(key) else {
        return false;
    };
    let Some(rest) = rest.trim_start().strip_prefix(':') else {
        return false;
    };
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with('#')
}

/// Whether `line` is `key: []`.
fn is_empty_flow_key(line: &str, indent: usize, key: &str) -> bool {
    if indentation(line) != indent {
        return false;
    }
    let compact: String = line
        .split('#')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    compact == format!("{key}:[]")
}

/// The end (exclusive line index) of the block that starts after line
/// `start` and holds the lines indented deeper than `indent` (and, for a
/// list, `- ` items at `indent` itself), not counting trailing blank or
/// comment lines.
fn block_end(lines: &[&str], start: usize, indent: usize, list: bool) -> usize {
    let mut end = start + 1;
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if is_filler(line) {
            continue;
        }
        let deeper = indentation(line) > indent;
        let item = list && indentation(line) == indent && line.trim_start().starts_with('-');
        if !deeper && !item {
            break;
        }
        end = i + 1;
    }
    end
}

/// The text with the entries inserted, or `None` when the file's shape is
/// not one this handles.
fn insert(text: &str, old: &Value, added: &[Addition]) -> Option<String> {
    let has_allowlist = matches!(old, Value::Mapping(m) if m.contains_key("allowlist"));
    if !has_allowlist {
        if !matches!(old, Value::Null | Value::Mapping(_)) {
            return None;
        }
        let mut out = text.to_owned();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&block(added, ""));
        return Some(out);
    }
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let view: Vec<&str> = lines.iter().map(String::as_str).collect();
    let top = view.iter().position(|l| is_block_key(l, 0, "allowlist"))?;
    let end = block_end(&view, top, 0, false);
    let child_indent = view[top + 1..end]
        .iter()
        .find(|l| !is_filler(l))
        .map_or(2, |l| indentation(l));
    if child_indent == 0 {
        return None;
    }
    let pad = " ".repeat(child_indent);
    // Edits are (line, replace that line?, new lines), applied from the
    // bottom up so that earlier line numbers stay valid; at one line, the
    // later edit first, so that the earlier one's lines end up above it.
    let mut edits: Vec<(usize, bool, Vec<String>)> = Vec::new();
    let mut missing: Vec<Addition> = Vec::new();
    for field in Field::ALL {
        let items: Vec<&Addition> = added.iter().filter(|a| a.field == field).collect();
        if items.is_empty() {
            continue;
        }
        let key_line = (top + 1..end).find(|&i| {
            is_block_key(view[i], child_indent, field.key())
                || is_empty_flow_key(view[i], child_indent, field.key())
        });
        let lines_of = |item_pad: &str| -> Vec<String> {
            items
                .iter()
                .map(|a| item(item_pad, a).trim_end_matches('\n').to_owned())
                .collect()
        };
        match key_line {
            None => missing.extend(items.iter().map(|a| (*a).clone())),
            Some(i) if is_empty_flow_key(view[i], child_indent, field.key()) => {
                let mut new = vec![format!("{pad}{}:", field.key())];
                new.extend(lines_of(&format!("{pad}  ")));
                edits.push((i, true, new));
            }
            Some(i) => {
                let item_end = block_end(&view, i, child_indent, true);
                let item_indent = view[i + 1..item_end]
                    .iter()
                    .find(|l| l.trim_start().starts_with('-'))
                    .map_or(child_indent + 2, |l| indentation(l));
                edits.push((item_end, false, lines_of(&" ".repeat(item_indent))));
            }
        }
    }
    if !missing.is_empty() {
        let new: Vec<String> = fields(&missing, &pad).lines().map(str::to_owned).collect();
        edits.push((end, false, new));
    }
    let mut order: Vec<usize> = (0..edits.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse((edits[k].0, k)));
    for k in order {
        let (at, replace, new) = std::mem::take(&mut edits[k]);
        let end = if replace { at + 1 } else { at };
        lines.splice(at..end, new);
    }
    let mut out = lines.join("\n");
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(field: Field, value: &str) -> Addition {
        Addition {
            field,
            value: value.to_owned(),
            comment: "from .gitleaks.toml:3".to_owned(),
        }
    }

    fn merge_text(text: &str, additions: &[Addition]) -> anyhow::Result<String> {
        merge(Path::new(".leakhound.yml"), text, additions).map(|m| m.text)
    }

    #[test]
    fn new_file() {
        let text = merge_text(
            "",
            &[
                add(Field::Stopwords, "sandbox"),
                add(Field::PathRegexes, r"(^|/)vendor/"),
            ],
        )
        .unwrap();
        assert_eq!(
            text,
            "allowlist:\n  path_regexes:\n    - '(^|/)vendor/'  # from .gitleaks.toml:3\n  \
             stopwords:\n    - 'sandbox'  # from .gitleaks.toml:3\n"
        );
    }

    #[test]
    fn appended_after_other_settings_and_comments() {
        let text = "# mine\nmin_confidence: low # keep\n";
        let out = merge_text(text, &[add(Field::Regexes, "it's")]).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(out.ends_with("allowlist:\n  regexes:\n    - 'it''s'  # from .gitleaks.toml:3\n"));
    }

    #[test]
    fn existing_block_lists_are_extended_in_place() {
        let text = "allowlist:\n    # globs\n    paths:\n    - 'a/**'   # keep me\n\n    stopwords: []\nrule_allowlists:\n  gitlab-pat:\n    paths: ['docs/**']\ndecode: true\n";
        let out = merge_text(
            text,
            &[
                add(Field::Paths, "b/**"),
                add(Field::Paths, "a/**"),
                add(Field::Stopwords, "dummy"),
                add(Field::Regexes, "^x"),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            "allowlist:\n    # globs\n    paths:\n    - 'a/**'   # keep me\n    - 'b/**'  # from .gitleaks.toml:3\n\n    \
             stopwords:\n      - 'dummy'  # from .gitleaks.toml:3\n    regexes:\n      - '^x'  # from .gitleaks.toml:3\n\
             rule_allowlists:\n  gitlab-pat:\n    paths: ['docs/**']\ndecode: true\n"
        );
    }

    #[test]
    fn entries_already_there_are_not_repeated() {
        let text = "allowlist:\n  stopwords:\n    - dummy\n";
        let merged = merge(
            Path::new(".leakhound.yml"),
            text,
            &[add(Field::Stopwords, "dummy")],
        )
        .unwrap();
        assert_eq!(merged.text, text);
        assert_eq!(merged.present.len(), 1);
    }

    #[test]
    fn flow_style_is_refused_with_the_lines_to_add() {
        let err = merge_text(
            "allowlist: {paths: ['a/**']}\n",
            &[add(Field::Paths, "b/**")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("cannot add the imported allowlist"), "{err}");
        assert!(err.contains("  paths:\n    - 'b/**'"), "{err}");
        let err = merge_text(
            "allowlist:\n  paths: ['a/**']\n",
            &[add(Field::Paths, "b/**")],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("cannot add the imported allowlist"), "{err}");
    }

    #[test]
    fn a_broken_configuration_is_an_error_naming_its_line() {
        let err = merge_text("allowlist:\n  pathz: []\n", &[add(Field::Paths, "b")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(".leakhound.yml:2:"), "{err}");
    }
}
