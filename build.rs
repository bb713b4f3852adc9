//! Embeds every `patterns/*.yml` file in the binary, and each as JSON too.
//!
//! The table is generated from the directory listing, so a new rule file can
//! never be forgotten; `rerun-if-changed` on the directory makes cargo rebuild
//! when any file in it is added, removed or edited.
//!
//! The built-in rules are loaded from the JSON form (the same data, anchors
//! resolved): parsing 400 rules of YAML took a quarter of the start-up of a
//! pre-commit scan, JSON a fraction of that. The YAML stays embedded for
//! error lines and `rules` commands; a file the build cannot convert is
//! embedded as YAML only, so its error is reported, with its line, when the
//! rules load (and `cargo test` fails) instead of breaking the build.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=patterns");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("patterns/ directory is readable")
        .map(|entry| entry.expect("patterns/ entry is readable").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".yml"))
        .collect();
    names.sort();
    let mut yaml_table = String::from("&[\n");
    let mut json_table = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        writeln!(
            yaml_table,
            "    ({:?}, include_str!({:?})),",
            format!("patterns/{name}"),
            path
        )
        .expect("writing to a String cannot fail");
        let text = std::fs::read_to_string(&path).expect("a rule file is readable");
        let json = serde_norway::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|value| serde_json::to_string(&value).ok())
            .unwrap_or_default();
        let json_path = out.join(format!("{name}.json"));
        std::fs::write(&json_path, json).expect("OUT_DIR is writable");
        writeln!(
            json_table,
            "    ({:?}, include_str!({:?})),",
            format!("patterns/{name}"),
            json_path
        )
        .expect("writing to a String cannot fail");
    }
    yaml_table.push(']');
    json_table.push(']');
    std::fs::write(out.join("builtin_rules.rs"), yaml_table).expect("OUT_DIR is writable");
    std::fs::write(out.join("builtin_rules_json.rs"), json_table).expect("OUT_DIR is writable");
}
