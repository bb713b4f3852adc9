//! The built-in rule files, embedded at build time (see `build.rs`).

/// `(path, contents)` of every `patterns/*.yml` file, sorted by path.
pub static BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// `(path, the file as JSON)`, in the order of [`BUILTIN_FILES`]; the JSON
/// is empty for a file the build could not convert (it is then read as
/// YAML, so that its error names the line).
pub static BUILTIN_JSON: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/builtin_rules_json.rs"));
