//! Embeds every `patterns/*.yml` file in the binary.
//!
//! The table is generated from the directory listing, so a new rule file can
//! never be forgotten; `rerun-if-changed` on the directory makes cargo rebuild
//! when any file in it is added, removed or edited.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=patterns");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("patterns");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("patterns/ directory is readable")
        .map(|entry| entry.expect("patterns/ entry is readable").file_name())
        .filter_map(|name| name.into_string().ok())
        .filter(|name| name.ends_with(".yml"))
        .collect();
    names.sort();
    let mut table = String::from("&[\n");
    for name in &names {
        let path = dir.join(name);
        writeln!(
            table,
            "    ({:?}, include_str!({:?})),",
            format!("patterns/{name}"),
            path
        )
        .expect("writing to a String cannot fail");
    }
    table.push(']');
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    std::fs::write(out, table).expect("OUT_DIR is writable");
}
