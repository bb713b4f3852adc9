//! Baselines: the locations already known, by fingerprint, so that a scan
//! reports only what is new.
//!
//! A baseline is either a JSON report (`-f json`) or the smaller file that
//! `leakhound baseline` writes: sorted, without timestamps or secrets, so it
//! does not churn in review.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;

/// One location of a baseline file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// The location's fingerprint.
    pub fingerprint: String,
    /// The rule that found it.
    pub rule: String,
    /// Its path.
    pub path: String,
}

#[derive(Serialize)]
struct Baseline {
    version: u32,
    tool: &'static str,
    fingerprints: Vec<Entry>,
}

/// The entries of `findings`: one per location.
pub fn entries(findings: &[Finding]) -> Vec<Entry> {
    findings
        .iter()
        .flat_map(|f| {
            f.locations.iter().map(move |l| Entry {
                fingerprint: l.fingerprint.clone(),
                rule: f.rule.id().to_owned(),
                path: l.path.clone(),
            })
        })
        .collect()
}

/// Writes the baseline of `findings`: one entry per location, sorted.
/// `report::write` hands them over with every secret in their paths
/// masked: a baseline is committed and shared.
pub fn write(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    write_entries(w, entries(findings))
}

/// Writes a baseline of `entries`, sorted, each fingerprint once.
pub fn write_entries(w: &mut dyn Write, mut entries: Vec<Entry>) -> io::Result<()> {
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    let mut seen = HashSet::new();
    entries.retain(|e| seen.insert(e.fingerprint.clone()));
    let baseline = Baseline {
        version: 1,
        tool: "leakhound",
        fingerprints: entries,
    };
    serde_json::to_writer_pretty(&mut *w, &baseline)?;
    writeln!(w)
}

/// Reads the entries of a file `leakhound baseline` wrote (not a JSON
/// report: it has no entries to keep as they are).
pub fn read_entries(path: &Path) -> Result<Vec<Entry>, String> {
    #[derive(Deserialize)]
    struct File {
        fingerprints: Vec<Entry>,
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: File = serde_json::from_str(&text).map_err(|e| {
        // The parser quotes the offending value: not shown (see
        // `rules::without_values`).
        format!(
            "{}:{}:{}: not a `leakhound baseline` file ({})",
            path.display(),
            e.line(),
            e.column(),
            crate::rules::without_values(&e.to_string())
        )
    })?;
    Ok(file.fingerprints)
}

/// Reads the fingerprints of a baseline file or a JSON report.
pub fn read(path: &Path) -> Result<HashSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}: not JSON ({e}); expected a `leakhound baseline` file or a `-f json` report",
            path.display(),
            e.line()
        )
    })?;
    let mut out = HashSet::new();
    if let Some(entries) = json["fingerprints"].as_array() {
        out.extend(
            entries
                .iter()
                .filter_map(|e| e["fingerprint"].as_str())
                .map(str::to_owned),
        );
    } else if let Some(findings) = json["findings"].as_array() {
        for finding in findings {
            let locations = finding["locations"].as_array().into_iter().flatten();
            out.extend(
                locations
                    .filter_map(|l| l["fingerprint"].as_str())
                    .map(str::to_owned),
            );
        }
    } else {
        return Err(format!(
            "{}: neither a `leakhound baseline` file (\"fingerprints\") nor a JSON report (\"findings\")",
            path.display()
        ));
    }
    Ok(out)
}
