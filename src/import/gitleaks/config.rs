//! The `.gitleaks.toml` model: what `leakhound import gitleaks` reads of a
//! gitleaks configuration, deserialised with serde.
//!
//! Only the settings the import has a use for are fields; gitleaks's
//! camelCase spellings (`regexTarget`, `targetRules`) are kept by renaming.
//! Any other key is tolerated, so that a configuration written for another
//! gitleaks version still imports: a table read through [`Keyed`] keeps
//! the names and places of all its keys, and the import reports those it
//! does not know as skipped (at the top level and in global allowlists;
//! the other keys of a rule are left alone, as the rule is).
//!
//! A value of the wrong kind (`paths = "a"`, `[[rules]]` that is not a
//! table) is an error naming the file, the line and gitleaks's key, for
//! the first such value in the order the parser keeps keys (sorted), with
//! a rule's `id` before its other keys. `check` finds it before serde
//! reads the document: serde's own messages would name Rust types.

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeSeed, IgnoredAny, IntoDeserializer, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::import::line_of;

/// A whole `.gitleaks.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Config {
    /// The configuration's name (not imported).
    pub title: Option<IgnoredAny>,
    /// What the configuration is for (not imported).
    pub description: Option<IgnoredAny>,
    /// `[extend]`: the configuration this one adds to, gitleaks's default
    /// or a file (not imported: reported as skipped).
    pub extend: Option<IgnoredAny>,
    /// `[allowlist]`, the one global allowlist of older gitleaks versions.
    pub allowlist: Option<Keyed<Allowlist>>,
    /// `[[allowlists]]`, the global allowlists of newer ones.
    pub allowlists: Vec<Spanned<Keyed<Allowlist>>>,
    /// `[[rules]]`, with their own allowlists.
    pub rules: Vec<Spanned<Rule>>,
}

impl Config {
    /// The top-level keys the import knows.
    pub const KEYS: &[&str] = &[
        "title",
        "description",
        "extend",
        "allowlist",
        "allowlists",
        "rules",
    ];
}

/// A global allowlist, `[allowlist]` or one of `[[allowlists]]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Allowlist {
    /// Why the entries are allowed, copied into the comments.
    pub description: Option<String>,
    /// What `regexes` are tested against: `secret` (the default),
    /// `match` or `line`.
    pub regex_target: Option<String>,
    /// `OR` (the default): one entry suffices; `AND`: one of each kind.
    pub condition: Option<String>,
    /// The gitleaks rules the allowlist applies to (all if empty).
    pub target_rules: Vec<String>,
    /// Go regexes on paths.
    pub paths: Vec<Spanned<String>>,
    /// Go regexes on what `regex_target` names.
    pub regexes: Vec<Spanned<String>>,
    /// Words that, in a secret, allow it.
    pub stopwords: Vec<Spanned<String>>,
    /// Commits whose findings are allowed.
    pub commits: Vec<Spanned<String>>,
}

impl Allowlist {
    /// The keys of an allowlist the import knows.
    pub const KEYS: &[&str] = &[
        "description",
        "regexTarget",
        "condition",
        "targetRules",
        "paths",
        "regexes",
        "stopwords",
        "commits",
    ];
}

/// A `[[rules]]` entry: only what says what it is and whether it has
/// allowlists of its own.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Rule {
    /// The gitleaks rule id.
    pub id: Option<String>,
    /// The rule's regex, when it matches content.
    pub regex: Option<IgnoredAny>,
    /// The rule's path regex, when it matches file names.
    pub path: Option<IgnoredAny>,
    /// `[rules.allowlist]`, the rule's one allowlist in older versions.
    pub allowlist: Option<Spanned<IgnoredAny>>,
    /// `[[rules.allowlists]]`, its allowlists in newer ones.
    pub allowlists: Vec<Spanned<IgnoredAny>>,
}

/// A table as serde reads it into `T`, with every key written in it (the
/// ones `T` has no field for too) and where each is.
#[derive(Debug, Default)]
pub struct Keyed<T> {
    /// What `T` reads of the table.
    pub table: T,
    /// The table's keys, in the order the parser keeps them.
    pub keys: Vec<Spanned<String>>,
}

impl<T> Keyed<T> {
    /// Where `name` is written, if it is.
    pub fn key(&self, name: &str) -> Option<&Spanned<String>> {
        self.keys.iter().find(|key| key.get_ref() == name)
    }

    /// The keys that are not among `known`.
    pub fn unknown<'a>(
        &'a self,
        known: &'a [&str],
    ) -> impl Iterator<Item = &'a Spanned<String>> + 'a {
        self.keys
            .iter()
            .filter(|key| !known.contains(&key.get_ref().as_str()))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Keyed<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(KeyedVisitor(PhantomData))
    }
}

struct KeyedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for KeyedVisitor<T> {
    type Value = Keyed<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a table")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Keyed<T>, A::Error> {
        let mut keys = Vec::new();
        let table = T::deserialize(MapAccessDeserializer::new(KeyRecorder {
            map,
            keys: &mut keys,
        }))?;
        Ok(Keyed { table, keys })
    }
}

/// Hands a table's entries on to `T`, noting each key and its place.
struct KeyRecorder<'k, A> {
    map: A,
    keys: &'k mut Vec<Spanned<String>>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for KeyRecorder<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        let Some(key) = self.map.next_key::<Spanned<String>>()? else {
            return Ok(None);
        };
        let name = key.get_ref().clone();
        self.keys.push(key);
        seed.deserialize(name.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Reads a `.gitleaks.toml`: not valid TOML, or a value of the wrong kind,
/// is an error naming `file` and the line.
pub fn parse(file: &Path, text: &str) -> anyhow::Result<Keyed<Config>> {
    let doc = DeTable::parse(text).map_err(|e| toml_error(file, text, &e))?;
    check(doc.get_ref())
        .map_err(|wrong| anyhow::anyhow!("{}: {}", at(file, text, wrong.at), wrong.message))?;
    // Every value serde reads has the kind checked above: an error here
    // would be one of toml's own.
    Keyed::<Config>::deserialize(toml::de::Deserializer::from(doc)).map_err(|e| {
        let line = e.span().map(|span| at(file, text, span.start));
        anyhow::anyhow!(
            "{}: {}",
            line.unwrap_or_else(|| file.display().to_string()),
            e.message().trim()
        )
    })
}

/// `file:line` of byte `offset`.
fn at(file: &Path, text: &str, offset: usize) -> String {
    format!("{}:{}", file.display(), line_of(text, offset))
}

/// A TOML parse error as `file:line:column: message`.
fn toml_error(file: &Path, text: &str, error: &toml::de::Error) -> anyhow::Error {
    let at = error.span().map(|span| {
        let line = line_of(text, span.start);
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

/// A value of the wrong kind: where it starts, and what it must be.
#[derive(Debug)]
struct Wrong {
    at: usize,
    message: String,
}

type Value<'i> = Spanned<DeValue<'i>>;

/// The first value the import reads that is of the wrong kind.
fn check(doc: &DeTable<'_>) -> Result<(), Wrong> {
    for (key, value) in doc.iter() {
        match key.get_ref().as_ref() {
            "allowlist" => check_allowlist(table(value, "[allowlist]")?)?,
            "allowlists" => {
                for item in array(value, "[[allowlists]]")? {
                    check_allowlist(table(item, "[[allowlists]]")?)?;
                }
            }
            "rules" => {
                for item in array(value, "[[rules]]")? {
                    let rule = table(item, "[[rules]]")?;
                    if let Some(id) = rule.get("id") {
                        string(id, "rules.id")?;
                    }
                    if let Some(allowlists) = rule.get("allowlists") {
                        array(allowlists, "rules.allowlists")?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn check_allowlist(allowlist: &DeTable<'_>) -> Result<(), Wrong> {
    for (key, value) in allowlist.iter() {
        match key.get_ref().as_ref() {
            name @ ("description" | "regexTarget" | "condition") => string(value, name)?,
            name @ ("targetRules" | "paths" | "regexes" | "stopwords" | "commits") => {
                for item in array_of(value, name, "strings")? {
                    string(item, name)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn wrong<T>(value: &Spanned<T>, message: String) -> Wrong {
    Wrong {
        at: value.span().start,
        message,
    }
}

fn table<'v, 'i>(value: &'v Value<'i>, what: &str) -> Result<&'v DeTable<'i>, Wrong> {
    match value.get_ref() {
        DeValue::Table(table) => Ok(table),
        _ => Err(wrong(value, format!("{what} must be a table"))),
    }
}

fn array<'v, 'i>(value: &'v Value<'i>, what: &str) -> Result<&'v [Value<'i>], Wrong> {
    array_of(value, what, "tables")
}

fn array_of<'v, 'i>(
    value: &'v Value<'i>,
    what: &str,
    items: &str,
) -> Result<&'v [Value<'i>], Wrong> {
    match value.get_ref() {
        DeValue::Array(values) => Ok(values),
        _ => Err(wrong(value, format!("{what} must be an array of {items}"))),
    }
}

fn string(value: &Value<'_>, what: &str) -> Result<(), Wrong> {
    match value.get_ref() {
        DeValue::String(_) => Ok(()),
        _ => Err(wrong(value, format!("{what} must be a string"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> anyhow::Result<Keyed<Config>> {
        super::parse(Path::new("g.toml"), text)
    }

    #[test]
    fn gitleaks_spellings_and_unknown_keys() {
        let text = "title = 3\nversion = 2\n\
            [allowlist]\nregexTarget = \"match\"\ntargetRules = [\"a\"]\nuseDefault = true\n\
            [[rules]]\nid = \"r\"\nentropy = 3.5\n[[rules.allowlists]]\npaths = [\"x\"]\n";
        let config = parse(text).unwrap();
        let unknown: Vec<&str> = config
            .unknown(Config::KEYS)
            .map(|k| k.get_ref().as_str())
            .collect();
        assert_eq!(unknown, ["version"]);
        let allowlist = config.table.allowlist.as_ref().unwrap();
        assert_eq!(allowlist.table.regex_target.as_deref(), Some("match"));
        assert_eq!(allowlist.table.target_rules, ["a"]);
        let unknown: Vec<&str> = allowlist
            .unknown(Allowlist::KEYS)
            .map(|k| k.get_ref().as_str())
            .collect();
        assert_eq!(unknown, ["useDefault"]);
        let key = allowlist.key("targetRules").unwrap();
        assert_eq!(key.span().start, text.find("targetRules").unwrap());
        let rule = config.table.rules[0].get_ref();
        assert_eq!(rule.id.as_deref(), Some("r"));
        assert_eq!(rule.allowlists.len(), 1);
    }

    #[test]
    fn bad_toml_names_line_and_column() {
        let err = parse("[allowlist]\npaths = [\"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("g.toml:2:") || err.starts_with("g.toml:3:"),
            "{err}"
        );
        assert!(err.contains(": not valid TOML: "), "{err}");
    }

    #[test]
    fn wrong_kinds_name_the_key_and_its_line() {
        let err = |text: &str| parse(text).unwrap_err().to_string();
        assert_eq!(
            err("[allowlist]\npaths = \"a\"\n"),
            "g.toml:2: paths must be an array of strings"
        );
        assert_eq!(
            err("[allowlist]\npaths = [\n  \"a\",\n  2,\n]\n"),
            "g.toml:4: paths must be a string"
        );
        assert_eq!(
            err("allowlist = 1979-05-27\n"),
            "g.toml:1: [allowlist] must be a table"
        );
        assert_eq!(
            err("allowlists = [{}, 1]\n"),
            "g.toml:1: [[allowlists]] must be a table"
        );
        // A rule's id is checked first, and rules one after the other.
        assert_eq!(
            err("[[rules]]\nallowlists = 3\nid = 4\n"),
            "g.toml:3: rules.id must be a string"
        );
        assert_eq!(
            err("[[rules]]\nid = \"a\"\nallowlists = 3\n[[rules]]\nid = 4\n"),
            "g.toml:3: rules.allowlists must be an array of tables"
        );
        // Keys in sorted order.
        assert_eq!(
            err("[allowlist]\nstopwords = 1\npaths = 2\n"),
            "g.toml:3: paths must be an array of strings"
        );
    }
}
