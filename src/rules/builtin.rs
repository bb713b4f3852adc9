//! The built-in rule files, embedded at build time (see `build.rs`).

/// `(path, contents)` of every `patterns/*.yml` file, sorted by path.
pub static BUILTIN_FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
