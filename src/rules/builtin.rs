//! The built-in rule files, embedded at build time (see `build.rs`).

/// `(path, contents)` of every `patterns/*.yml` file, sorted by path.
pub static BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// `(path, the file as JSON)`, in the order of [`BUILTIN_FILES`]; the JSON
/// is empty for a file the build could not convert (it is then read as
/// YAML, so that its error names the line).
pub static BUILTIN_JSON: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/builtin_rules_json.rs"));

/// Reads one built-in file: its JSON form, or the YAML if there is none
/// (then a YAML error says what is wrong, and where).
pub fn parse(yaml: &str, json: &str) -> Result<super::RuleFileSyntax, serde_norway::Error> {
    serde_json::from_str(json).or_else(|_| serde_norway::from_str(yaml))
}
