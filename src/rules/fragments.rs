//! Named regex fragments shared by rules.
//!
//! The generic rules share their vocabulary: what a password-like name is,
//! what a secret-like name is, how a value is assigned. Written out in each
//! rule, one word added to one copy and not to the others makes the rules
//! disagree. `patterns/fragments.yml` defines each once; a rule writes
//! `(?&name)` where it wants one, and gets `(?:fragment)` before it is
//! compiled. A rule file may define its own `fragments:` too (for its own
//! rules); a fragment may use other fragments.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use super::builtin::{BUILTIN_FILES, BUILTIN_JSON};

/// Fragments by name.
pub type Fragments = BTreeMap<String, String>;

/// The built-in file that holds the shared fragments.
pub const FILE: &str = "patterns/fragments.yml";

/// How deep fragments may use fragments (a deeper chain is a cycle).
const MAX_DEPTH: usize = 8;

/// The shared fragments of `patterns/fragments.yml`.
pub fn builtin() -> Result<&'static Fragments, String> {
    static PARSED: OnceLock<Result<Fragments, String>> = OnceLock::new();
    PARSED
        .get_or_init(|| {
            let find = |table: &[(&str, &'static str)]| {
                table
                    .iter()
                    .find(|(name, _)| *name == FILE)
                    .map(|(_, text)| *text)
                    .ok_or_else(|| format!("{FILE} is not built in"))
            };
            let file = super::builtin::parse(find(BUILTIN_FILES)?, find(BUILTIN_JSON)?)
                .map_err(|e| super::yaml_error(Path::new(FILE), &e).to_string())?;
            Ok(file.fragments)
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// `regex` with every `(?&name)` replaced by `(?:fragment)`, looked up in
/// `own` first, then in the built-in fragments.
pub fn expand(regex: &str, own: &Fragments) -> Result<String, String> {
    if !regex.contains("(?&") {
        return Ok(regex.to_owned());
    }
    expand_at(regex, own, builtin()?, 0)
}

fn expand_at(
    regex: &str,
    own: &Fragments,
    shared: &Fragments,
    depth: usize,
) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "fragments use fragments more than {MAX_DEPTH} deep (do two use each other?)"
        ));
    }
    let mut out = String::with_capacity(regex.len());
    let mut rest = regex;
    while let Some(at) = rest.find("(?&") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let end = after
            .find(')')
            .ok_or_else(|| format!("unclosed fragment reference '{}'", &rest[at..]))?;
        let name = &after[..end];
        let body = own
            .get(name)
            .or_else(|| shared.get(name))
            .ok_or_else(|| unknown(name, own, shared))?;
        out.push_str("(?:");
        out.push_str(&expand_at(body, own, shared, depth + 1)?);
        out.push(')');
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn unknown(name: &str, own: &Fragments, shared: &Fragments) -> String {
    let mut known: Vec<&str> = own
        .keys()
        .chain(shared.keys())
        .map(String::as_str)
        .collect();
    known.sort_unstable();
    known.dedup();
    format!(
        "unknown fragment '(?&{name})'; the fragments are: {}",
        known.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(pairs: &[(&str, &str)]) -> Fragments {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn references_expand_to_groups_and_nest() {
        let f = own(&[("word", "pass|pwd"), ("name", "db_(?&word)")]);
        assert_eq!(
            expand("(?&name)=(x)", &f).unwrap(),
            "(?:db_(?:pass|pwd))=(x)"
        );
        assert_eq!(expand("plain(?i:x)", &f).unwrap(), "plain(?i:x)");
    }

    #[test]
    fn unknown_unclosed_and_cyclic_references_are_errors() {
        let f = own(&[("a", "(?&b)"), ("b", "(?&a)")]);
        let err = expand("(?&nope)", &f).unwrap_err();
        assert!(err.contains("unknown fragment '(?&nope)'"), "{err}");
        assert!(
            err.contains("a, ") && err.contains("assign, ") && err.contains(", b, "),
            "{err}"
        );
        assert!(expand("x(?&a", &f).unwrap_err().contains("unclosed"));
        assert!(expand("(?&a)", &f).unwrap_err().contains("deep"));
    }

    #[test]
    fn the_builtin_fragments_load_and_compile() {
        let shared = builtin().unwrap();
        assert!(shared.contains_key("assign"));
        for name in shared.keys() {
            let regex = expand(&format!("(?&{name})"), &Fragments::new()).unwrap();
            regex::bytes::Regex::new(&regex).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
