//! `.leakhoundignore`: location fingerprints to ignore, one a line, `#`
//! comments.

use std::path::Path;

/// File of location fingerprints to ignore, at the root of the scanned tree.
pub const IGNORE_FILE: &str = ".leakhoundignore";

/// Whether `text` is a location fingerprint: 24 lowercase hex characters.
pub fn is_fingerprint(text: &str) -> bool {
    text.len() == 24
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Reads an ignore file: one fingerprint per line; `#` starts a comment.
/// A line that holds anything else is named in a warning (by line, never
/// by content: the file may hold a pasted secret) and left out.
pub fn read_ignore_file(path: &Path) -> std::io::Result<std::collections::HashSet<String>> {
    let text = std::fs::read_to_string(path)?;
    Ok(parse_ignore_file(path, &text))
}

/// The fingerprints of an ignore file's text (see [`read_ignore_file`]).
pub fn parse_ignore_file(path: &Path, text: &str) -> std::collections::HashSet<String> {
    let mut fingerprints = std::collections::HashSet::new();
    for (index, line) in text.lines().enumerate() {
        let entry = line.split('#').next().unwrap_or("").trim();
        if entry.is_empty() {
            continue;
        }
        if is_fingerprint(entry) {
            fingerprints.insert(entry.to_owned());
        } else {
            log::warn!(
                "{}:{}: not a fingerprint (24 lowercase hex characters, as reports show them): line ignored",
                path.display(),
                index + 1
            );
        }
    }
    fingerprints
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignore_file_lines_that_are_not_fingerprints_are_left_out() {
        let set = parse_ignore_file(
            Path::new(".leakhoundignore"),
            "0123456789abcdef01234567 # ok\n\nABCDEF0123456789ABCDEF01\nx\n",
        );
        assert_eq!(set.len(), 1);
        assert!(set.contains("0123456789abcdef01234567"));
    }
}
