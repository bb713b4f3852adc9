//! Merging reports: the JSON and JSON Lines reports of several runs (the
//! shards of one scan, or scans of different targets) into one.
//!
//! Findings are joined by id (the rule and the secret), their locations
//! deduplicated (a location is the same if every field is) and sorted;
//! summaries (JSON reports only: JSON Lines have none) are added up.
//! The output depends only on the reports' contents, not on their order.
//! Reports are handled as JSON values, so fields this version does not
//! know are kept.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

use anyhow::{Context, bail};
use serde_json::{Map, Value};

use crate::report::SCHEMA_VERSION;

/// Reports being merged.
#[derive(Debug, Default)]
pub struct Merge {
    findings: BTreeMap<String, Value>,
    summary: Option<Value>,
    reports: usize,
}

/// How a finding or a location is ordered: repository, path, line,
/// column, then everything else as text.
fn location_key(l: &Value) -> (String, String, u64, u64, String) {
    (
        l["repository"].as_str().unwrap_or_default().to_owned(),
        l["path"].as_str().unwrap_or_default().to_owned(),
        l["line"].as_u64().unwrap_or(0),
        l["column"].as_u64().unwrap_or(0),
        l.to_string(),
    )
}

fn confidence_rank(value: &Value) -> u8 {
    match value.as_str() {
        Some("high") => 3,
        Some("medium") => 2,
        Some("low") => 1,
        _ => 0,
    }
}

impl Merge {
    /// Adds the report at `path`: a JSON report (`scan -f json`) or JSON
    /// Lines (`-f jsonl`).
    pub fn add_file(&mut self, path: &Path) -> anyhow::Result<()> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read report {}", path.display()))?;
        self.add_text(&text)
            .with_context(|| format!("report {}", path.display()))
    }

    /// Adds a report's text.
    pub fn add_text(&mut self, text: &str) -> anyhow::Result<()> {
        self.reports += 1;
        let trimmed = text.trim_start();
        if trimmed.is_empty() {
            return Ok(()); // JSON Lines of a scan with no findings
        }
        if let Ok(Value::Object(document)) = serde_json::from_str::<Value>(text)
            && document.contains_key("findings")
        {
            let version = document.get("version").and_then(Value::as_u64);
            if version != Some(u64::from(SCHEMA_VERSION)) {
                bail!(
                    "is a report of layout version {}, this leakhound reads version {SCHEMA_VERSION}",
                    version.map_or("(none)".to_owned(), |v| v.to_string())
                );
            }
            let Some(Value::Array(findings)) = document.get("findings") else {
                bail!("its `findings` is not a list: not a leakhound JSON report");
            };
            for finding in findings {
                self.add_finding(finding.clone())?;
            }
            if let Some(summary) = document.get("summary") {
                // Every part's shard, as a list the sum keeps.
                let mut summary = summary.clone();
                if let Some(shard) = summary.get("shard").cloned() {
                    summary["shards"] = Value::Array(vec![shard]);
                }
                match &mut self.summary {
                    Some(sum) => add_summary(sum, &summary),
                    None => self.summary = Some(summary),
                }
            }
            return Ok(());
        }
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let finding: Value = serde_json::from_str(line).with_context(|| {
                format!(
                    "line {} is not JSON: not a leakhound JSON or JSON Lines report",
                    n + 1
                )
            })?;
            self.add_finding(finding)
                .with_context(|| format!("line {}", n + 1))?;
        }
        Ok(())
    }

    fn add_finding(&mut self, finding: Value) -> anyhow::Result<()> {
        let Some(id) = finding.get("id").and_then(Value::as_str).map(str::to_owned) else {
            bail!("a finding has no `id`: not a leakhound report");
        };
        if !finding.get("locations").is_some_and(Value::is_array) {
            bail!("finding {id} has no `locations` list: not a leakhound report");
        }
        match self.findings.get_mut(&id) {
            None => {
                self.findings.insert(id, finding);
            }
            Some(existing) => join(existing, finding),
        }
        Ok(())
    }

    /// Whether a report said a target failed or objects were unreadable.
    pub fn incomplete(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| {
            s["failed_targets"]
                .as_array()
                .is_some_and(|a| !a.is_empty())
                || s["unread_objects"].as_u64().unwrap_or(0) > 0
        })
    }

    /// Whether a report is a shard by blobs: the shards of a blob may
    /// each hold a version of a file, of which a scan keeps the earliest.
    fn blob_shards(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| {
            s["shard"].as_str().is_some_and(|t| t.ends_with("by blobs"))
                || s["shards"].as_array().is_some_and(|a| {
                    a.iter()
                        .any(|t| t.as_str().is_some_and(|t| t.ends_with("by blobs")))
                })
        })
    }

    /// The merged findings, sorted, each with its locations sorted.
    pub fn findings(&self) -> Vec<Value> {
        let blob_shards = self.blob_shards();
        let mut findings: Vec<Value> = self
            .findings
            .values()
            .cloned()
            .map(|mut f| {
                if let Some(locations) = f["locations"].as_array_mut() {
                    locations.sort_by_key(location_key);
                    locations.dedup();
                    if blob_shards {
                        earliest_per_path(locations);
                    }
                }
                f
            })
            .collect();
        findings.sort_by(order);
        findings
    }

    /// The merged summary (summed counts), with the merged findings'
    /// counts; `None` if no report had one.
    pub fn summary(&self, findings: &[Value]) -> Option<Value> {
        let mut summary = self.summary.clone()?;
        if let Value::Object(map) = &mut summary {
            // The merge is no longer one part.
            map.remove("shard");
            map.remove("shards");
            map.insert("findings".into(), findings.len().into());
            let locations: usize = findings
                .iter()
                .map(|f| f["locations"].as_array().map_or(0, Vec::len))
                .sum();
            map.insert("locations".into(), locations.into());
        }
        Some(summary)
    }

    /// Writes one JSON document, as `scan -f json` does.
    pub fn write_json(&self, w: &mut dyn Write) -> io::Result<()> {
        let findings = self.findings();
        let summary = self
            .summary(&findings)
            .unwrap_or_else(|| Value::Object(Map::new()));
        let document = serde_json::json!({
            "version": SCHEMA_VERSION,
            "tool": "leakhound",
            "tool_version": env!("CARGO_PKG_VERSION"),
            "findings": findings,
            "summary": summary,
        });
        serde_json::to_writer_pretty(&mut *w, &Ordered(&document, Kind::Document))?;
        writeln!(w)
    }

    /// Writes one finding per line, as `scan -f jsonl` does.
    pub fn write_lines(&self, w: &mut dyn Write) -> io::Result<()> {
        for finding in self.findings() {
            serde_json::to_writer(&mut *w, &Ordered(&finding, Kind::Finding))?;
            writeln!(w)?;
        }
        Ok(())
    }
}

/// What a JSON object of a report is, for the order of its fields.
#[derive(Clone, Copy)]
enum Kind {
    Document,
    Finding,
    Location,
    Git,
    Summary,
    Other,
}

impl Kind {
    /// The fields in the order the scan's reports have them; others follow
    /// in name order.
    fn fields(self) -> &'static [&'static str] {
        match self {
            Kind::Document => &["version", "tool", "tool_version", "findings", "summary"],
            Kind::Finding => &[
                "id",
                "rule",
                "name",
                "confidence",
                "secret",
                "in_head",
                "validation",
                "locations",
            ],
            Kind::Location => &[
                "repository",
                "path",
                "line",
                "column",
                "end_line",
                "end_column",
                "fingerprint",
                "snippet",
                "confidence",
                "context",
                "decoded",
                "git",
                "note",
            ],
            Kind::Git => &[
                "blob", "commit", "tag", "author", "email", "date", "summary", "in_head",
            ],
            Kind::Summary => &[
                "commits",
                "inputs_scanned",
                "bytes_scanned",
                "findings",
                "locations",
                "suppressed_inline",
                "suppressed_ignored",
                "suppressed_allowlisted_path",
                "below_min_confidence",
                "below_min_confidence_test",
                "below_min_confidence_example",
                "checksum_mismatch",
                "decode_limit",
                "decode_limit_inputs",
                "skipped",
                "unread_objects",
                "unread_object_ids",
                "repository_config",
                "targets",
                "failed_targets",
                "validation",
            ],
            Kind::Other => &[],
        }
    }

    /// What the value of field `key` of this kind of object is.
    fn child(self, key: &str) -> Kind {
        match (self, key) {
            (Kind::Document, "findings") => Kind::Finding,
            (Kind::Document, "summary") => Kind::Summary,
            (Kind::Finding, "locations") => Kind::Location,
            (Kind::Location, "git") => Kind::Git,
            _ => Kind::Other,
        }
    }
}

/// A value serialized with its objects' fields in the scan's order.
struct Ordered<'a>(&'a Value, Kind);

impl serde::Serialize for Ordered<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self.0 {
            Value::Object(map) => {
                let known = self.1.fields();
                let mut keys: Vec<&String> = map.keys().collect();
                let rank = |k: &str| known.iter().position(|f| *f == k).unwrap_or(known.len());
                keys.sort_by(|a, b| (rank(a), *a).cmp(&(rank(b), *b)));
                let mut out = serializer.serialize_map(Some(keys.len()))?;
                for key in keys {
                    out.serialize_entry(key, &Ordered(&map[key], self.1.child(key)))?;
                }
                out.end()
            }
            Value::Array(items) => {
                let mut out = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    out.serialize_element(&Ordered(item, self.1))?;
                }
                out.end()
            }
            other => other.serialize(serializer),
        }
    }
}

/// Keeps, of the git locations of one finding at one path of one
/// repository, the one introduced earliest (by date, then commit), as a
/// history scan does: in HEAD if any of them is.
fn earliest_per_path(locations: &mut Vec<Value>) {
    let place = |l: &Value| (l["repository"].to_string(), l["path"].to_string());
    let age = |l: &Value| {
        (
            l["git"]["date"].as_str().unwrap_or_default().to_owned(),
            l["git"]["commit"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let mut kept: BTreeMap<(String, String), Value> = BTreeMap::new();
    let mut other = Vec::new();
    for location in locations.drain(..) {
        if location.get("git").is_none() {
            other.push(location);
            continue;
        }
        match kept.get_mut(&place(&location)) {
            None => {
                kept.insert(place(&location), location);
            }
            Some(existing) => {
                let in_head = existing["git"]["in_head"].as_bool() == Some(true)
                    || location["git"]["in_head"].as_bool() == Some(true);
                if age(&location) < age(existing) {
                    *existing = location;
                }
                existing["git"]["in_head"] = Value::Bool(in_head);
            }
        }
    }
    locations.extend(kept.into_values());
    locations.extend(other);
    locations.sort_by_key(location_key);
}

/// Findings in order: by first location, then rule, then id.
fn order(a: &Value, b: &Value) -> Ordering {
    let first = |f: &Value| f["locations"].get(0).map(location_key);
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_owned();
    (first(a), text(a, "rule"), text(a, "id")).cmp(&(first(b), text(b, "rule"), text(b, "id")))
}

/// Joins a finding into another of the same id: locations, the highest
/// confidence, in HEAD if either is, a validation answer if either has one.
fn join(into: &mut Value, other: Value) {
    let Value::Object(other) = other else { return };
    if let Some(Value::Array(more)) = other.get("locations")
        && let Some(locations) = into["locations"].as_array_mut()
    {
        locations.extend(more.iter().cloned());
    }
    if confidence_rank(&other["confidence"]) > confidence_rank(&into["confidence"]) {
        into["confidence"] = other["confidence"].clone();
    }
    if let Some(Value::Bool(head)) = other.get("in_head") {
        let was = into["in_head"].as_bool().unwrap_or(false);
        into["in_head"] = Value::Bool(was || *head);
    }
    if into.get("validation").is_none_or(Value::is_null)
        && let Some(validation) = other.get("validation")
    {
        into["validation"] = validation.clone();
    }
    if into["secret"] == crate::report::REDACTED
        && let Some(secret) = other.get("secret")
    {
        into["secret"] = secret.clone();
    }
    // A datastore's first_seen (RFC 3339, UTC: text order is time order):
    // the earliest, whatever the order of the reports.
    if let Some(Value::String(seen)) = other.get("first_seen")
        && into["first_seen"]
            .as_str()
            .is_none_or(|was| seen.as_str() < was)
    {
        into["first_seen"] = Value::String(seen.clone());
    }
}

/// Adds summary `b` into `a`: numbers summed, lists joined (sorted,
/// distinct), objects field by field; anything else kept from `a`.
fn add_summary(a: &mut Value, b: &Value) {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x1), Some(y1)) = (x.as_u64(), y.as_u64()) {
                *x = (x1 + y1).into();
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.extend(y.iter().cloned());
            x.sort_by_key(Value::to_string);
            x.dedup();
        }
        (Value::Object(x), Value::Object(y)) => {
            for (key, value) in y {
                match x.get_mut(key) {
                    Some(existing) => add_summary(existing, value),
                    None => {
                        x.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(id: &str, repo: &str, path: &str, confidence: &str) -> String {
        serde_json::json!({
            "id": id, "rule": "r", "name": "R", "confidence": confidence, "secret": "s",
            "locations": [{"repository": repo, "path": path, "line": 1, "column": 1}],
        })
        .to_string()
    }

    #[test]
    fn findings_join_by_id_and_locations_dedup_whatever_the_order() {
        let a = format!(
            "{}\n{}\n",
            finding("x", "r1", "a", "low"),
            finding("y", "r1", "b", "high")
        );
        let b = format!("{}\n", finding("x", "r2", "a", "medium"));
        let mut one = Merge::default();
        one.add_text(&a).unwrap();
        one.add_text(&b).unwrap();
        one.add_text(&a).unwrap();
        let mut two = Merge::default();
        two.add_text(&b).unwrap();
        two.add_text(&a).unwrap();
        assert_eq!(one.findings(), two.findings());
        let findings = one.findings();
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0]["id"], "x");
        assert_eq!(findings[0]["confidence"], "medium");
        assert_eq!(findings[0]["locations"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_earliest_first_seen_is_kept_whatever_the_order() {
        let seen = |when: &str| {
            let mut f: Value = serde_json::from_str(&finding("x", "r1", "a", "low")).unwrap();
            f["first_seen"] = when.into();
            f.to_string()
        };
        let (early, late) = (seen("2025-01-01T00:00:00Z"), seen("2025-02-01T00:00:00Z"));
        for order in [[&late, &early], [&early, &late]] {
            let mut merge = Merge::default();
            for report in order {
                merge.add_text(report).unwrap();
            }
            assert_eq!(merge.findings()[0]["first_seen"], "2025-01-01T00:00:00Z");
        }
    }

    #[test]
    fn summaries_add_up() {
        let mut a = serde_json::json!({"inputs_scanned": 2, "skipped": {"binary": 1}, "failed_targets": []});
        add_summary(
            &mut a,
            &serde_json::json!({"inputs_scanned": 3, "skipped": {"binary": 1, "symlink": 2}, "failed_targets": [{"target": "t"}]}),
        );
        assert_eq!(
            a,
            serde_json::json!({"inputs_scanned": 5, "skipped": {"binary": 2, "symlink": 2}, "failed_targets": [{"target": "t"}]})
        );
    }

    #[test]
    fn not_a_report_is_an_error() {
        assert!(Merge::default().add_text("hello\n").is_err());
        assert!(Merge::default().add_text("{\"a\": 1}\n").is_err());
        let old = "{\"version\": 99, \"findings\": []}";
        assert!(
            format!("{:#}", Merge::default().add_text(old).unwrap_err()).contains("version 99")
        );
    }
}
