//! Reporters: findings and the summary, formatted.
//!
//! Reporters format; they match nothing and know nothing of sources. They
//! are handed the findings already masked ([`mod@mask`]): what they print is
//! what the report may show.

mod csv;
mod gitlab;
mod html;
mod human;
mod json;
pub mod mask;
mod sarif;

pub use human::next_steps;
pub use json::SCHEMA_VERSION;
pub use mask::{Masker, View, mask, mask_found};

use std::io::{self, Write};

use crate::scan::Outcome;

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
    /// GitLab's secret detection report (merge request security widget);
    /// secrets masked.
    Gitlab,
    /// The fingerprints of every location (`leakhound baseline`).
    Baseline,
}

impl Format {
    /// The formats a report can be asked for (`scan -f`), with their names
    /// and what each is for; a baseline is written by its own command.
    pub const CHOICES: [(Format, &'static str, &'static str); 7] = [
        (
            Format::Human,
            "human",
            "Text for people; secrets partly masked",
        ),
        (
            Format::Json,
            "json",
            "One JSON document: findings and summary",
        ),
        (Format::Jsonl, "jsonl", "One JSON finding per line"),
        (
            Format::Sarif,
            "sarif",
            "SARIF 2.1.0, for GitHub code scanning (secrets masked)",
        ),
        (Format::Csv, "csv", "One CSV row per location"),
        (
            Format::Gitlab,
            "gitlab",
            "GitLab's secret detection report (`gl-secret-detection-report.json` under \
             `artifacts:reports:secret_detection`; secrets masked)",
        ),
        (
            Format::Html,
            "html",
            "One self-contained HTML page: a sortable, filterable table (secrets masked)",
        ),
    ];
}

/// How to write a report.
#[derive(Clone, Copy, Debug)]
pub struct ReportOptions {
    /// The format.
    pub format: Format,
    /// Hide secrets completely.
    pub redact: bool,
    /// When the scan started (the GitLab report's schema asks for it).
    pub started: std::time::SystemTime,
}

impl ReportOptions {
    /// Options for `format`, started now.
    pub fn new(format: Format, redact: bool) -> Self {
        ReportOptions {
            format,
            redact,
            started: std::time::SystemTime::now(),
        }
    }
}

/// What stands in for a secret under `--redact`.
pub const REDACTED: &str = "[REDACTED]";

/// Writes the report of a scan: its findings and summary, with every
/// secret it matched hidden as `options` and the format say (see
/// [`mod@mask`]). `w` decides about colour (an `anstream` stream strips styles
/// when colour is off).
pub fn write(w: &mut dyn Write, options: ReportOptions, outcome: &Outcome) -> io::Result<()> {
    let masker = Masker::new(&outcome.secrets, &outcome.findings, options.redact);
    let view = match options.format {
        Format::Human | Format::Html | Format::Baseline => View::People,
        Format::Sarif | Format::Gitlab => View::Sarif,
        Format::Json | Format::Jsonl | Format::Csv => View::Tools,
    };
    let findings = &masker.apply(&outcome.findings, view)[..];
    let summary = &masker.summary(&outcome.summary, view);
    match options.format {
        Format::Human => human::write(w, findings),
        Format::Json => json::write_document(w, findings, summary),
        Format::Jsonl => json::write_lines(w, findings),
        Format::Sarif => sarif::write(w, findings, summary),
        Format::Csv => csv::write(w, findings),
        Format::Html => html::write(w, options, findings, summary),
        Format::Gitlab => gitlab::write(w, findings, summary, options.started),
        Format::Baseline => crate::suppress::baseline::write(w, findings),
    }
}
