//! A labeled benchmark for secret scanners.
//!
//! [`generate`] builds a git repository from a seed: several hundred
//! synthetic secrets in their providers' formats and generic credentials in
//! many syntaxes, placed in HEAD, in history only, on an unmerged branch,
//! in deleted and renamed files, base64-encoded, in CRLF and UTF-16LE
//! files, in a minified bundle, near the end of a large file, and
//! percent- or `\u`-escaped; and at least as many decoys (placeholders,
//! documented example keys, lock file hashes, public keys, …). It returns
//! one [`Label`] per planted value with every location where the value
//! appears in any version of any file.
//!
//! [`parse_report`] reads the JSON reports of leakhound, gitleaks,
//! betterleaks and Kingfisher into [`Found`]s, and [`score()`] compares them
//! with the labels: recall per unique secret and per location, precision
//! per distinct finding location, the misses and the false findings.
//!
//! Used by `examples/labeled.rs` (`labeled generate DIR`, `labeled score`)
//! and by `tests/labeled.rs`.

#![allow(dead_code, unused_imports)]

use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

mod generate;
mod locate;
mod parse;
mod repo;
mod rng;
mod score;
mod values;

pub use generate::{DECOY_KINDS, GENERIC_KINDS, SPECIAL_KINDS, context, generate, positive_kinds};
pub use parse::{TOOLS, parse_report};
pub use score::{FalseFinding, Found, Missed, Row, Score, clean_path, score};

/// A place where a labeled value appears.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the repository root.
    pub path: String,
    /// 1-based first line (of the text as a user sees it: decoded for
    /// UTF-16 files; for encoded forms, the line of the encoded text).
    pub line: usize,
    /// Last line (equal to `line` except for multi-line values such as
    /// private keys).
    pub end_line: usize,
}

/// One planted value: a secret (`positive`) or a decoy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// `s0001`… for secrets, `d0001`… for decoys.
    pub id: String,
    /// What it is: a provider format (`github-pat-classic`), a generic
    /// syntax (`generic-python-kwarg`) or a decoy kind (`lockfile-hash`).
    pub kind: String,
    /// Whether a scanner should report it.
    pub positive: bool,
    /// The value (decoded, for encoded forms).
    pub secret: String,
    /// Where it lives: `head`, `history-only`, `base64-blob`, … (see
    /// [`context`]).
    pub context: String,
    /// Every location in any version of any file, sorted.
    pub locations: Vec<Location>,
}

/// Writes labels as JSON lines.
pub fn write_labels(path: &Path, labels: &[Label]) -> std::io::Result<()> {
    let mut out = BufWriter::new(std::fs::File::create(path)?);
    for label in labels {
        serde_json::to_writer(&mut out, label)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Reads labels written by [`write_labels`].
pub fn read_labels(path: &Path) -> std::io::Result<Vec<Label>> {
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let mut labels = Vec::new();
    for (n, line) in file.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let label = serde_json::from_str(&line).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{}:{}: {e}", path.display(), n + 1),
            )
        })?;
        labels.push(label);
    }
    Ok(labels)
}
