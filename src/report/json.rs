//! JSON and JSON Lines reports.
//!
//! For tools: each finding's own secret in full (or `[REDACTED]`), every
//! other secret masked in its snippets (see [`super::mask`]).

use std::io::{self, Write};

use serde::Serialize;

use crate::finding::Checked;
use crate::finding::{Finding, Location};
use crate::summary::Summary;

/// Version of the JSON report layout.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct FindingJson<'a> {
    id: String,
    rule: &'a str,
    name: &'a str,
    confidence: &'static str,
    secret: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_head: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    validation: Option<&'a Checked>,
    locations: &'a [Location],
    #[serde(skip_serializing_if = "Option::is_none")]
    first_seen: Option<&'a str>,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: &'static str,
    tool_version: &'static str,
    findings: Vec<FindingJson<'a>>,
    summary: &'a Summary,
}

fn to_json(finding: &Finding) -> FindingJson<'_> {
    FindingJson {
        id: finding.id(),
        rule: finding.rule.id(),
        name: &finding.rule.syntax.name,
        confidence: finding.confidence().as_str(),
        secret: finding.secret_text(),
        in_head: finding.in_head(),
        validation: finding.validation.as_ref(),
        locations: &finding.locations,
        first_seen: finding.first_seen.as_deref(),
    }
}

/// The whole report as one pretty-printed JSON document.
pub fn write_document(
    w: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let document = Document {
        version: SCHEMA_VERSION,
        tool: "leakhound",
        tool_version: env!("CARGO_PKG_VERSION"),
        findings: findings.iter().map(to_json).collect(),
        summary,
    };
    serde_json::to_writer_pretty(&mut *w, &document)?;
    writeln!(w)
}

/// One finding per line.
pub fn write_lines(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *w, &to_json(finding))?;
        writeln!(w)?;
    }
    Ok(())
}
