//! SARIF 2.1.0, as GitHub code scanning accepts it.
//!
//! One `rules` entry per rule with results (with its description and, as
//! its help, what to do if the secret leaked: see
//! [`crate::rules::advice`]), one result per location (so
//! each alert has a stable `partialFingerprints` entry: the location
//! fingerprint, which survives rebases and moved lines), paths as relative
//! URIs. Secrets are masked in messages and snippets even without
//! `--redact`: SARIF files travel (CI artifacts, code-scanning uploads).
//! A path keeps a secret it holds unless `--redact`, so that its URI
//! locates the file (see [`super::mask`]).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use crate::finding::{Finding, Location};
use crate::rules::Confidence;
use crate::rules::advice;
use crate::summary::Summary;

/// Writes the findings as one SARIF log, with the scan's counts in its
/// invocation (skipped inputs also as a warning notification).
pub fn write(w: &mut dyn Write, findings: &[Finding], summary: &Summary) -> io::Result<()> {
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for finding in findings {
        let id = finding.rule.id();
        if !rule_index.contains_key(id) {
            rule_index.insert(id, rules.len());
            rules.push(rule(finding));
        }
    }
    // A scan of several targets: one base per repository, which its
    // results' paths are relative to.
    let mut repositories: BTreeMap<&str, String> = BTreeMap::new();
    for l in findings.iter().flat_map(|f| &f.locations) {
        if let Some(r) = l.repository.as_deref() {
            let n = repositories.len();
            repositories.entry(r).or_insert_with(|| format!("REPO{n}"));
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .flat_map(|f| f.locations.iter().map(move |l| (f, l)))
        .map(|(f, l)| {
            let base = l.repository.as_deref().map(|r| repositories[r].as_str());
            result(f, l, rule_index[f.rule.id()], base)
        })
        .collect();
    let mut log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "leakhound",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://crates.io/crates/leakhound",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [invocation(summary)],
            "results": results,
        }],
    });
    if !repositories.is_empty() {
        let provenance: Vec<Value> = repositories
            .iter()
            .map(|(name, base)| {
                json!({"repositoryUri": repository_uri(name), "mappedTo": {"uriBaseId": base}})
            })
            .collect();
        log["runs"][0]["versionControlProvenance"] = json!(provenance);
    }
    serde_json::to_writer_pretty(&mut *w, &log)?;
    writeln!(w)
}

/// The run's invocation: it succeeded (findings are results, not a
/// failure), its counts, a warning for each kind of input not scanned, and
/// one naming the inputs whose decoding stopped at its size limit.
fn invocation(summary: &Summary) -> Value {
    let mut notifications: Vec<Value> = summary
        .skipped
        .iter()
        .map(|(reason, count)| {
            json!({
                "level": "warning",
                "message": {"text": format!(
                    "{count} input{} not scanned: {}",
                    if *count == 1 { "" } else { "s" },
                    reason.describe()
                )},
            })
        })
        .collect();
    if summary.decode_limit > 0 {
        let names = &summary.decode_limit_inputs;
        let more = summary.decode_limit.saturating_sub(names.len() as u64);
        let mut text = format!(
            "decoding stopped at its size limit in {} input{}, matched only as written past it",
            summary.decode_limit,
            if summary.decode_limit == 1 { "" } else { "s" },
        );
        if !names.is_empty() {
            text.push_str(&format!(": {}", names.join(", ")));
        }
        if more > 0 && !names.is_empty() {
            text.push_str(&format!(" and {more} more"));
        }
        notifications.push(json!({
            "level": "warning",
            "descriptor": {"id": "decode-limit"},
            "message": {"text": text},
        }));
    }
    if let Some(config) = &summary.repository_config {
        notifications.push(json!({
            "level": "warning",
            "descriptor": {"id": "repository-config"},
            "message": {"text": format!("repository config {}", config.describe())},
        }));
    }
    if summary.unread_objects > 0 {
        notifications.push(json!({
            "level": "error",
            "descriptor": {"id": "unread-objects"},
            "message": {"text": format!(
                "{} git object{} could not be read: {}",
                summary.unread_objects,
                if summary.unread_objects == 1 { "" } else { "s" },
                summary.unread_object_ids.join(", ")
            )},
        }));
    }
    json!({
        "executionSuccessful": summary.unread_objects == 0,
        "toolExecutionNotifications": notifications,
        "properties": {"summary": summary},
    })
}

fn level(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::High => "error",
        Confidence::Medium => "warning",
        Confidence::Low => "note",
    }
}

fn rule(finding: &Finding) -> Value {
    let rule = &finding.rule.syntax;
    let (severity, precision) = match rule.confidence {
        Confidence::High => ("8.0", "high"),
        Confidence::Medium => ("6.0", "medium"),
        Confidence::Low => ("3.0", "low"),
    };
    let mut value = json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.name},
        "fullDescription": {"text": advice::description(&finding.rule)},
        "help": {
            "text": advice::help_text(&finding.rule),
            "markdown": advice::help_markdown(&finding.rule),
        },
        "defaultConfiguration": {"level": level(rule.confidence)},
        "properties": {
            "tags": ["security", "secret"],
            "precision": precision,
            "security-severity": severity,
        },
    });
    if let Some(uri) = rule.references.first() {
        value["helpUri"] = json!(uri);
    }
    value
}

/// A repository's URI: a URL as it is (its credentials already masked), an
/// scp-like `user@host:path` as `ssh://`, a local path as a `file` URI.
fn repository_uri(name: &str) -> String {
    if name.contains("://") {
        return name.to_owned();
    }
    if let Some((host, path)) = crate::targets::scp_like(name) {
        return format!("ssh://{host}/{}", uri(path.trim_start_matches('/')));
    }
    let path = std::path::absolute(name).unwrap_or_else(|_| name.into());
    format!("file://{}", uri(&path.to_string_lossy()))
}

fn result(finding: &Finding, location: &Location, index: usize, base: Option<&str>) -> Value {
    let shown = finding.secret_text();
    let mut properties = json!({"confidence": finding.confidence().as_str()});
    if let Some(checked) = &finding.validation {
        properties["validation"] = json!(checked.state);
        properties["validationDetail"] = json!(checked.detail);
    }
    if let Some(note) = &location.note {
        properties["note"] = json!(note);
    }
    if let Some(git) = &location.git {
        properties["blob"] = json!(git.blob);
        properties["inHead"] = json!(git.in_head);
        if let Some(commit) = &git.commit {
            properties["commit"] = json!(commit);
        }
        if let Some(tag) = &git.tag {
            properties["tag"] = json!(tag);
        }
    }
    json!({
        "ruleId": finding.rule.id(),
        "ruleIndex": index,
        "level": level(finding.confidence()),
        "message": {"text": format!("{} ({shown})", finding.rule.syntax.name)},
        "locations": [{"physicalLocation": {
            "artifactLocation": match base {
                Some(base) if !location.path.starts_with('/') => {
                    json!({"uri": uri(&location.path), "uriBaseId": base})
                }
                _ => artifact_location(&location.path),
            },
            "region": {
                "startLine": location.line,
                "startColumn": location.column,
                "endLine": location.end_line,
                "endColumn": location.end_column,
                "snippet": {"text": location.snippet},
            },
        }}],
        "partialFingerprints": {"leakhound/v1": location.fingerprint},
        "properties": properties,
    })
}

/// Where a path is: a URI relative to the source root, or for an absolute
/// path (a directory named by one), an absolute `file` URI.
fn artifact_location(path: &str) -> Value {
    if path.starts_with('/') {
        json!({"uri": format!("file://{}", uri(path))})
    } else {
        json!({"uri": uri(path), "uriBaseId": "%SRCROOT%"})
    }
}

/// A relative URI reference for a path: every byte outside the unreserved
/// and path characters percent-encoded, `\\` too (on Unix it is a character
/// of a file name, not a separator: read as `/`, it would name another
/// file).
pub fn uri(path: &str) -> String {
    crate::text::percent_encode(path.trim_start_matches("./"), b"/!$&'()*+,;=:@")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris() {
        assert_eq!(uri("src/a b.rs"), "src/a%20b.rs");
        assert_eq!(uri("caf\u{e9}.txt"), "caf%C3%A9.txt");
        assert_eq!(uri("./x/100%.md"), "x/100%25.md");
        assert_eq!(uri("a\\b.env"), "a%5Cb.env");
        assert_eq!(
            artifact_location("/tmp/a b.env"),
            json!({"uri": "file:///tmp/a%20b.env"})
        );
        assert_eq!(artifact_location("a.env")["uriBaseId"], "%SRCROOT%");
    }
}
