//! `leakhound import detect-secrets`: a `.secrets.baseline` becomes a
//! leakhound baseline file.
//!
//! detect-secrets keeps the SHA-1 of each secret (`hashed_secret`) with
//! its file and line. A scan of the project finds leakhound's locations;
//! one whose path is the entry's file and whose secret has that SHA-1 is
//! the same secret, whichever rule found it. Line numbers move, so they
//! only choose which location the report names. Entries audited as real
//! secrets (`is_secret: true`) are left out unless asked for: they are
//! leaks to rotate, not noise to hide.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha1::{Digest, Sha1};

use super::{FileWrite, Note, Report};
use crate::finding::Finding;
use crate::suppress::baseline::Entry;

/// Default detect-secrets baseline, at the project root.
pub const BASELINE: &str = ".secrets.baseline";
/// Default leakhound baseline written, at the project root (the name the
/// README gives `leakhound baseline`'s output).
pub const OUTPUT: &str = "leakhound-baseline.json";

/// What the command line asks for.
#[derive(Debug, Default)]
pub struct Options {
    /// The project (a repository or a directory).
    pub path: PathBuf,
    /// The detect-secrets baseline [default: `.secrets.baseline` at the
    /// root].
    pub baseline: Option<PathBuf>,
    /// The leakhound baseline to write [default: `leakhound-baseline.json`
    /// at the root]; its entries are kept.
    pub output: Option<PathBuf>,
    /// Also baseline entries audited as real secrets.
    pub include_real: bool,
}

/// One entry of `results`.
#[derive(Debug, Deserialize)]
pub struct Secret {
    /// The detect-secrets plugin's name for it.
    #[serde(rename = "type")]
    pub kind: String,
    /// Hex SHA-1 of the secret.
    pub hashed_secret: String,
    /// 1-based line.
    #[serde(default)]
    pub line_number: Option<u64>,
    /// `true` when audited as a real secret, `false` as a false positive.
    #[serde(default)]
    pub is_secret: Option<bool>,
    /// Whether the provider accepted it.
    #[serde(default)]
    pub is_verified: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct BaselineFile {
    results: BTreeMap<String, Vec<Secret>>,
}

/// Parses a detect-secrets baseline: its results by file name.
pub fn parse(file: &Path, text: &str) -> anyhow::Result<BTreeMap<String, Vec<Secret>>> {
    let parsed: BaselineFile = serde_json::from_str(text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a detect-secrets baseline: {e}",
            file.display(),
            e.line(),
            e.column()
        )
    })?;
    for (name, secrets) in &parsed.results {
        for secret in secrets {
            let hash = &secret.hashed_secret;
            if hash.len() != 40 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                anyhow::bail!(
                    "{}: results.\"{name}\" (line_number {}): hashed_secret '{hash}' is not a \
                     hex SHA-1",
                    file.display(),
                    secret.line_number.unwrap_or(0)
                );
            }
        }
    }
    Ok(parsed.results)
}

/// Hex SHA-1 of a secret, as detect-secrets writes it.
pub fn sha1_hex(secret: &[u8]) -> String {
    faster_hex::hex_string(&Sha1::digest(secret))
}

/// Imports a detect-secrets baseline: the leakhound baseline to write, and
/// what was done.
pub fn import(options: &Options) -> anyhow::Result<(Vec<FileWrite>, Report)> {
    let root = super::project_root(&options.path)?;
    let file = match &options.baseline {
        Some(file) => file.clone(),
        None => {
            let file = root.join(BASELINE);
            if std::fs::symlink_metadata(&file).is_ok() && !super::usable_default(&file) {
                anyhow::bail!("{} is not read: see the warning above", file.display());
            }
            file
        }
    };
    let text = super::read(&file)?;
    let results = parse(&file, &text)?;
    let shown = super::shown(&file, &root);
    let output = options.output.clone().unwrap_or_else(|| root.join(OUTPUT));
    if options.output.is_none() {
        super::writable_target(&output)?;
    }
    let existed = output.is_file();
    let mut entries = if existed {
        crate::suppress::baseline::read_entries(&output).map_err(|e| {
            anyhow::anyhow!("{e}; name another file with --output to write the imported baseline")
        })?
    } else {
        Vec::new()
    };
    let known: std::collections::HashSet<String> =
        entries.iter().map(|e| e.fingerprint.clone()).collect();
    let findings = super::scan(&options.path, false)?;
    let hashes: Vec<String> = findings.iter().map(|f| sha1_hex(&f.secret)).collect();
    let mut report = Report::default();
    for (name, secrets) in &results {
        let path = super::normalize_path(name);
        for secret in secrets {
            let line = secret.line_number.unwrap_or(0);
            let at = format!("{}: {name}:{line}", shown.display());
            let what = format!("{} ({})", secret.kind, &secret.hashed_secret[..8]);
            if secret.is_secret == Some(true) && !options.include_real {
                let verified = if secret.is_verified == Some(true) {
                    ", verified"
                } else {
                    ""
                };
                report.real.push(Note {
                    at,
                    what,
                    reason: format!(
                        "audited as a real secret{verified}: not baselined (rotate it; \
                         --include-real-secrets baselines it anyway)"
                    ),
                });
                continue;
            }
            let matched = matches(&findings, &hashes, secret, &path);
            if matched.is_empty() {
                report.unmatched.push(Note {
                    at,
                    what,
                    reason: format!(
                        "no leakhound finding in {path} has this secret (the file changed, or \
                         leakhound does not take it for a secret, or takes a different part \
                         of the line for it)"
                    ),
                });
                continue;
            }
            for entry in matched {
                if known.contains(&entry.fingerprint)
                    || entries.iter().any(|e| e.fingerprint == entry.fingerprint)
                {
                    report.skipped.push(Note {
                        at: at.clone(),
                        what: format!("fingerprint {}", entry.fingerprint),
                        reason: format!("already in {}", output.display()),
                    });
                    continue;
                }
                report.imported.push(format!(
                    "{}: {} {} {} ({at})",
                    output.display(),
                    entry.fingerprint,
                    entry.rule,
                    entry.path
                ));
                entries.push(entry);
            }
        }
    }
    let own = shown.display().to_string().replace('\\', "/");
    let in_itself = findings
        .iter()
        .flat_map(|f| f.locations.iter().map(move |l| (f, l)))
        .filter(|(f, l)| super::at_path(f, l, &own))
        .count();
    if in_itself > 0 {
        report.hints.push(format!(
            "leakhound finds {in_itself} location(s) in {own} itself: its hashed_secret values \
             look like secrets to the generic rules. Delete it once the team has switched, or \
             allowlist it in .leakhound.yml (allowlist: paths: ['{own}'])"
        ));
    }
    let mut writes = Vec::new();
    if !report.imported.is_empty() {
        let mut contents = Vec::new();
        crate::suppress::baseline::write_entries(&mut contents, entries)?;
        writes.push(FileWrite {
            path: output,
            contents: String::from_utf8(contents)?,
            existed,
        });
    }
    Ok((writes, report))
}

/// The baseline entries of the locations at `path` whose secret has the
/// entry's hash: the one nearest the entry's line first.
fn matches(findings: &[Finding], hashes: &[String], secret: &Secret, path: &str) -> Vec<Entry> {
    let want = secret.hashed_secret.to_ascii_lowercase();
    let line = secret.line_number.unwrap_or(0);
    let mut found: Vec<(u64, Entry)> = Vec::new();
    for (finding, hash) in findings.iter().zip(hashes) {
        if *hash != want {
            continue;
        }
        for location in &finding.locations {
            if !super::at_path(finding, location, path) {
                continue;
            }
            let distance = (location.line as u64).abs_diff(line);
            match found
                .iter_mut()
                .find(|(_, e)| e.fingerprint == location.fingerprint)
            {
                Some((d, _)) => *d = (*d).min(distance),
                None => found.push((
                    distance,
                    Entry {
                        fingerprint: location.fingerprint.clone(),
                        rule: finding.rule.id().to_owned(),
                        path: path.to_owned(),
                    },
                )),
            }
        }
    }
    found.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    found.into_iter().map(|(_, e)| e).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_is_detect_secrets_hash() {
        // SHA-1 of "abc" (FIPS 180 test vector).
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
    }

    #[test]
    fn parse_errors_name_file_line_and_column() {
        let err = parse(
            Path::new(".secrets.baseline"),
            "{\n  \"results\": {\n    \"a\": [}\n}",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with(".secrets.baseline:3:"), "{err}");
        let err = parse(
            Path::new("b"),
            r#"{"results": {"a": [{"type": "x", "hashed_secret": "zz"}]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("is not a hex SHA-1"), "{err}");
        let err = parse(Path::new("b"), r#"{"version": "1.5.0"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing field `results`"), "{err}");
    }
}
