//! Reporters: findings and the summary, formatted.
//!
//! Reporters format; they match nothing and know nothing of sources.

mod csv;
mod html;
mod human;

pub use human::{escape, escape_lines};
mod json;
mod sarif;

use std::io::{self, Write};

use crate::finding::Finding;
use crate::scan::Summary;

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Text for people, coloured on a terminal.
    Human,
    /// One JSON document with findings and summary.
    Json,
    /// One JSON finding per line.
    Jsonl,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// One CSV row per location.
    Csv,
    /// One self-contained HTML page: a sortable, filterable table, secrets
    /// masked.
    Html,
    /// The fingerprints of every location (`leakhound baseline`).
    Baseline,
}

/// How to write a report.
#[derive(Clone, Copy, Debug)]
pub struct ReportOptions {
    /// The format.
    pub format: Format,
    /// Hide secrets completely.
    pub redact: bool,
}

/// What stands in for a secret under `--redact`.
pub const REDACTED: &str = "[REDACTED]";

/// Writes a report. `w` decides about colour (an `anstream` stream strips
/// styles when colour is off).
pub fn write(
    w: &mut dyn Write,
    options: ReportOptions,
    findings: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let redacted;
    let findings = if options.redact {
        redacted = redact_everywhere(findings);
        &redacted[..]
    } else {
        findings
    };
    match options.format {
        Format::Human => human::write(w, options, findings),
        Format::Json => json::write_document(w, options, findings, summary),
        Format::Jsonl => json::write_lines(w, options, findings),
        Format::Sarif => sarif::write(w, options, findings, summary),
        Format::Csv => csv::write(w, options, findings),
        Format::Html => html::write(w, options, findings, summary),
        Format::Baseline => crate::baseline::write(w, findings),
    }
}

/// Findings whose snippets and commit summaries hold none of the secrets
/// found: a line can hold several, and a commit message can quote one.
fn redact_everywhere(findings: &[Finding]) -> Vec<Finding> {
    let mut secrets: Vec<String> = findings
        .iter()
        .map(Finding::secret_text)
        .filter(|s| !s.is_empty())
        .collect();
    // Longest first, so that a secret containing another goes whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets.dedup();
    let clean = |text: &str| {
        secrets.iter().fold(text.to_owned(), |text, secret| {
            text.replace(secret.as_str(), REDACTED)
        })
    };
    findings
        .iter()
        .map(|finding| {
            let mut finding = finding.clone();
            for location in &mut finding.locations {
                location.snippet = clean(&location.snippet);
                if let Some(summary) = location.git.as_mut().and_then(|g| g.summary.as_mut()) {
                    *summary = clean(summary);
                }
            }
            finding
        })
        .collect()
}

/// The secret as a report shows it: in full, or redacted.
fn shown_secret(finding: &Finding, redact: bool) -> String {
    if redact {
        REDACTED.to_owned()
    } else {
        finding.secret_text()
    }
}

/// A snippet with the secret replaced by `replacement`.
fn snippet_with(snippet: &str, secret: &str, replacement: &str) -> String {
    if secret.is_empty() {
        snippet.to_owned()
    } else {
        snippet.replace(secret, replacement)
    }
}
