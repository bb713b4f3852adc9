//! Baselines: the locations already known, by fingerprint, so that a scan
//! reports only what is new.
//!
//! A baseline is either a JSON report (`-f json`) or the smaller file that
//! `leakhound baseline` writes: sorted, without timestamps or secrets, so it
//! does not churn in review.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;

use serde::Serialize;

use crate::finding::Finding;

#[derive(Serialize)]
struct Entry<'a> {
    fingerprint: &'a str,
    rule: &'a str,
    path: &'a str,
}

#[derive(Serialize)]
struct Baseline<'a> {
    version: u32,
    tool: &'static str,
    fingerprints: Vec<Entry<'a>>,
}

/// Writes the baseline of `findings`: one entry per location, sorted.
pub fn write(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let mut entries: Vec<Entry<'_>> = findings
        .iter()
        .flat_map(|f| {
            f.locations.iter().map(move |l| Entry {
                fingerprint: &l.fingerprint,
                rule: f.rule.id(),
                path: &l.path,
            })
        })
        .collect();
    entries.sort_by(|a, b| (a.path, a.rule, a.fingerprint).cmp(&(b.path, b.rule, b.fingerprint)));
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let baseline = Baseline {
        version: 1,
        tool: "leakhound",
        fingerprints: entries,
    };
    serde_json::to_writer_pretty(&mut *w, &baseline)?;
    writeln!(w)
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
