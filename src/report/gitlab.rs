//! GitLab's secret detection report (`gl-secret-detection-report.json`,
//! security report schema 15.2), so that a merge request's security widget
//! and the pipeline's security tab show the findings.
//!
//! One vulnerability per location, with an id derived from the location's
//! fingerprint and blob (the same finding keeps its id from one pipeline to
//! the next), the rule as its identifier, and the commit that introduced
//! it (`0000000`, as GitLab's own analyzer writes, for a scan outside git).
//! No secret is written: the description shows it masked (see
//! [`super::mask`]) and `raw_source_code_extract` is left out. The schema
//! requires the scan's start and end times; `SOURCE_DATE_EPOCH` pins both,
//! so that two runs can be compared byte for byte.

use std::io::{self, Write};
use std::time::SystemTime;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::finding::{Finding, Location};
use crate::rules::{Confidence, advice};
use crate::summary::Summary;

/// The security report schema version written.
pub const SCHEMA_VERSION: &str = "15.2.1";

/// The commit GitLab's analyzer names for a scan outside git.
const NO_COMMIT: &str = "0000000";

/// Writes the report. `started` is when the scan started.
pub fn write(
    w: &mut dyn Write,
    findings: &[Finding],
    summary: &Summary,
    started: SystemTime,
) -> io::Result<()> {
    let (start, end) = match source_date_epoch() {
        Some(pinned) => (pinned, pinned),
        None => (started, SystemTime::now()),
    };
    let vulnerabilities: Vec<Value> = findings
        .iter()
        .flat_map(|f| f.locations.iter().map(move |l| vulnerability(f, l)))
        .collect();
    let report = json!({
        "version": SCHEMA_VERSION,
        "schema": format!(
            "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v{SCHEMA_VERSION}/dist/secret-detection-report-format.json"
        ),
        "scan": {
            "analyzer": component(),
            "scanner": component(),
            "type": "secret_detection",
            "start_time": timestamp(start),
            "end_time": timestamp(end),
            "status": "success",
            "messages": messages(summary),
        },
        "vulnerabilities": vulnerabilities,
    });
    serde_json::to_writer_pretty(&mut *w, &report)?;
    writeln!(w)
}

fn component() -> Value {
    json!({
        "id": "leakhound",
        "name": "leakhound",
        "version": env!("CARGO_PKG_VERSION"),
        "vendor": {"name": "leakhound"},
    })
}

/// What the scan could not do, as scan messages.
fn messages(summary: &Summary) -> Vec<Value> {
    let mut messages = Vec::new();
    if summary.skipped_total() > 0 {
        let parts: Vec<String> = summary
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {}", reason.describe()))
            .collect();
        messages.push(json!({
            "level": "info",
            "value": format!("inputs not scanned: {}", parts.join(", ")),
        }));
    }
    if summary.below_min_confidence > 0 {
        messages.push(json!({
            "level": "info",
            "value": match summary.not_shown_breakdown() {
                Some(parts) => format!(
                    "{} location(s) below the minimum confidence not reported ({parts})",
                    summary.below_min_confidence
                ),
                None => format!(
                    "{} location(s) below the minimum confidence not reported (test keys, documented examples, weak generic matches)",
                    summary.below_min_confidence
                ),
            },
        }));
    }
    messages
}

fn vulnerability(finding: &Finding, location: &Location) -> Value {
    let rule = &finding.rule;
    let commit = location
        .git
        .as_ref()
        .and_then(|g| g.commit.as_deref())
        .unwrap_or(NO_COMMIT);
    let mut commit_value = json!({"sha": commit});
    if let Some(date) = location.git.as_ref().and_then(|g| g.date.as_deref()) {
        commit_value["date"] = json!(date);
    }
    let mut value = json!({
        "id": id(location),
        "name": rule.syntax.name,
        "description": description(finding, location),
        "severity": severity(location.confidence),
        "solution": advice::help_text(rule),
        "identifiers": [{
            "type": "leakhound_rule_id",
            "name": format!("leakhound rule {}", rule.id()),
            "value": rule.id(),
        }],
        "location": {
            "file": location.path.trim_start_matches("./"),
            "start_line": location.line,
            "end_line": location.end_line,
            "commit": commit_value,
        },
    });
    let links: Vec<Value> = rule
        .syntax
        .references
        .iter()
        .filter(|url| url.starts_with("https://"))
        .map(|url| json!({"url": url}))
        .collect();
    if !links.is_empty() {
        value["links"] = json!(links);
    }
    value
}

/// The secret as the report shows it (masked), the location's
/// fingerprint for `.leakhoundignore`, and why the confidence is what it
/// is.
fn description(finding: &Finding, location: &Location) -> String {
    let mut text = format!(
        "{} ({}) at {}:{}, confidence {}.",
        advice::description(&finding.rule),
        finding.secret_text(),
        location.path,
        location.line,
        location.confidence.as_str()
    );
    if let Some(context) = location.context {
        text.push_str(&format!(" In {} code.", context.as_str()));
    }
    if let Some(note) = &location.note {
        text.push_str(&format!(" Note: {note}."));
    }
    text.push_str(&format!(
        " Fingerprint {} (add it to .leakhoundignore if this is not a secret).",
        location.fingerprint
    ));
    text
}

fn severity(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "Critical",
        Confidence::Medium => "High",
        Confidence::Low => "Low",
    }
}

/// A UUID-shaped id from the location's fingerprint and blob.
fn id(location: &Location) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"leakhound-gitlab-v1\0");
    hasher.update(location.fingerprint.as_bytes());
    hasher.update(b"\0");
    if let Some(git) = &location.git {
        hasher.update(git.blob.as_bytes());
    }
    hasher.update(format!("\0{}:{}", location.line, location.column).as_bytes());
    let hex = faster_hex::hex_string(&hasher.finalize()[..16]);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `SOURCE_DATE_EPOCH`, when set to a number of seconds.
fn source_date_epoch() -> Option<SystemTime> {
    let seconds: u64 = std::env::var("SOURCE_DATE_EPOCH")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    SystemTime::UNIX_EPOCH.checked_add(std::time::Duration::from_secs(seconds))
}

/// `YYYY-MM-DDTHH:MM:SS` in UTC, as the schema asks.
fn timestamp(time: SystemTime) -> String {
    let seconds = time
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    jiff::Timestamp::from_second(i64::try_from(seconds).unwrap_or(i64::MAX))
        .map(|t| t.strftime("%Y-%m-%dT%H:%M:%S").to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_without_zone() {
        let time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_709_164_800);
        assert_eq!(timestamp(time), "2024-02-29T00:00:00");
    }
}
