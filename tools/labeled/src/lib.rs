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
//! [`checks`] asserts that generated labels are well-formed, for tests.
//!
//! The secrets above follow the training grammar: the names, syntaxes and
//! file kinds the rules were written against, so its figures say how well
//! the rules fit it, not how they generalise. [`generate_held_out`] (or
//! [`generate_with`] and [`Grammar::HeldOut`]; `labeled generate DIR
//! --grammar held-out`) builds a repository from a held-out grammar
//! instead: credential names composed from service parts and credential
//! words the training grammar does not use (`RABBITMQ_PASS`, `ldapBindPw`,
//! `kafka.sasl.passphrase`, `hmac-key-webhook`, …) in six styles and as
//! nested keys; generic secrets of four shapes and provider keys in 34
//! syntaxes (Compose `environment:` maps and lists, GitHub Actions `env:`,
//! INI with CRLF, TOML tables, nested YAML and JSON, Spring `.properties`,
//! `.env`, HCL, Gradle, Jenkinsfile, Kotlin, Swift, Go struct literals,
//! Rust consts, C#, Java, Ruby, PHP, Elixir, Helm values, Ansible vars,
//! nginx, Apache, XML attributes, systemd units, Makefiles, Dockerfiles,
//! shell, PowerShell, Python and JavaScript idioms, `.reg` in UTF-16LE);
//! and in documentation (curl examples, clone URLs, README snippets),
//! `Authorization: Basic` headers and Docker `config.json` auths (the
//! decoded password labeled at the line of the base64), split pairs
//! (an identifier on one line, its secret on the next), SQL `CREATE USER`,
//! `.pgpass`, `.git-credentials`, WireGuard, and private keys in heredocs,
//! escaped `.env` values, YAML blocks and Kotlin raw strings. Its decoys
//! are in the same style (the same names with references, placeholders,
//! numbers, booleans, paths, URLs without passwords, identifiers, example
//! and publishable keys, public keys, digests, lock files, sealed
//! secrets). Its labels carry facets (`syntax`, `style`, `word`, `shape`)
//! and [`score()`] reports the misses by each. The default grammar stays
//! the training one, so existing figures do not change.
//!
//! Used by the `labeled` binary of this crate (`labeled generate DIR
//! [--seed N] [--grammar training|held-out]`, `labeled score`) and by
//! leakhound's `tests/labeled.rs`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

pub mod checks;
mod generate;
mod heldout;
mod locate;
mod parse;
mod repo;
mod rng;
mod score;
mod values;

pub use generate::{DECOY_KINDS, GENERIC_KINDS, SPECIAL_KINDS, context, generate, positive_kinds};
pub use heldout::{HELD_OUT_SYNTAXES, generate_held_out, held_out_grammar_size};

/// The grammar a repository is generated from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grammar {
    /// The names, syntaxes and file kinds the rules were written against
    /// (the default; [`generate`]).
    Training,
    /// Other names, syntaxes and places ([`generate_held_out`]), to
    /// measure how the rules generalise.
    HeldOut,
}

impl Grammar {
    /// `training` or `held-out`.
    pub fn parse(name: &str) -> Option<Grammar> {
        match name {
            "training" => Some(Grammar::Training),
            "held-out" => Some(Grammar::HeldOut),
            _ => None,
        }
    }
}

/// Builds the repository at `dir` from `seed` with `grammar`.
pub fn generate_with(dir: &Path, seed: u64, grammar: Grammar) -> Vec<Label> {
    match grammar {
        Grammar::Training => generate(dir, seed),
        Grammar::HeldOut => generate_held_out(dir, seed),
    }
}
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
    /// What else describes it, for the held-out grammar: `syntax` (the
    /// file's syntax), `style` (of the name), `word` (the credential word
    /// in the name), `shape` (of the value). Empty for the training grammar.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facets: BTreeMap<String, String>,
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
