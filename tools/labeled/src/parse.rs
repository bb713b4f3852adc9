//! Reading the JSON reports of leakhound and its peers into [`Found`]s.

use std::path::Path;

use serde_json::Value;

use super::score::{Found, clean_path};

/// The tools whose reports [`parse_report`] reads.
pub const TOOLS: &[&str] = &["leakhound", "gitleaks", "betterleaks", "kingfisher"];

/// Parses the JSON report of `tool`. Paths are made relative to `root`
/// (the scanned repository) when they start with it, as given or
/// canonicalised.
pub fn parse_report(tool: &str, text: &str, root: Option<&Path>) -> Result<Vec<Found>, String> {
    // Kingfisher follows its report with a summary document: read every
    // document and use the first that holds findings.
    let documents: Vec<Value> = serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{tool} report: {e}"))?;
    let json = documents
        .iter()
        .find(|d| d.is_array() || d["findings"].is_array())
        .or(documents.first())
        .ok_or(format!("{tool} report is empty"))?;
    let mut found = match tool {
        "leakhound" => leakhound(json)?,
        "gitleaks" => gitleaks(json)?,
        "betterleaks" => betterleaks(json)?,
        "kingfisher" => kingfisher(json)?,
        other => {
            return Err(format!(
                "unknown tool {other} (known: {})",
                TOOLS.join(", ")
            ));
        }
    };
    let roots = root.map(roots).unwrap_or_default();
    for f in &mut found {
        f.path = relative(&f.path, &roots);
    }
    Ok(found)
}

/// The spellings of a root directory a report may use.
fn roots(root: &Path) -> Vec<String> {
    let mut roots = vec![root.display().to_string()];
    if let Ok(canonical) = root.canonicalize() {
        roots.push(canonical.display().to_string());
    }
    for r in roots.clone() {
        roots.push(clean_path(&r).to_owned());
    }
    roots.retain(|r| !r.is_empty() && r != ".");
    roots.sort_by_key(|r| std::cmp::Reverse(r.len()));
    roots
}

fn relative(path: &str, roots: &[String]) -> String {
    let path = clean_path(path);
    for root in roots {
        let root = root.trim_end_matches('/');
        if let Some(rest) = path.strip_prefix(root).and_then(|r| r.strip_prefix('/')) {
            return clean_path(rest).to_owned();
        }
    }
    path.to_owned()
}

fn str_at<'a>(value: &'a Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(Value::as_str)
}

fn line_at(value: &Value, pointer: &str) -> Option<usize> {
    value
        .pointer(pointer)
        .and_then(Value::as_u64)
        .map(|n| n as usize)
}

fn array<'a>(value: &'a Value, what: &str) -> Result<&'a Vec<Value>, String> {
    value
        .as_array()
        .ok_or_else(|| format!("{what} is not a JSON array"))
}

/// `leakhound scan -f json`: `findings[]`, each with `rule`, `secret` and
/// `locations[]` (`path`, `line`).
fn leakhound(json: &Value) -> Result<Vec<Found>, String> {
    let mut out = Vec::new();
    for finding in array(&json["findings"], "leakhound `findings`")? {
        let rule = str_at(finding, "/rule").unwrap_or("?").to_owned();
        let secret = str_at(finding, "/secret").map(str::to_owned);
        for loc in array(&finding["locations"], "leakhound `locations`")? {
            out.push(Found {
                path: str_at(loc, "/path")
                    .ok_or("location without path")?
                    .to_owned(),
                line: line_at(loc, "/line").ok_or("location without line")?,
                secret: secret.clone(),
                rule: rule.clone(),
            });
        }
    }
    Ok(out)
}

/// gitleaks `--report-format json`: an array of `{File, StartLine, Secret,
/// RuleID}`.
fn gitleaks(json: &Value) -> Result<Vec<Found>, String> {
    if json.is_null() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for f in array(json, "gitleaks report")? {
        out.push(Found {
            path: str_at(f, "/File")
                .ok_or("gitleaks finding without File")?
                .to_owned(),
            line: line_at(f, "/StartLine").ok_or("gitleaks finding without StartLine")?,
            secret: str_at(f, "/Secret").map(str::to_owned),
            rule: str_at(f, "/RuleID").unwrap_or("?").to_owned(),
        });
    }
    Ok(out)
}

/// betterleaks: the gitleaks array, or (2.x, `-o FILE.json`) an object
/// whose `findings[]` have `rule_id`, `match.value`, `location.{path,
/// start_line}` and, for composite rules, `component_sets[].components[]`
/// of the same shape.
fn betterleaks(json: &Value) -> Result<Vec<Found>, String> {
    if json.is_array() || json.is_null() {
        return gitleaks(json);
    }
    fn one(f: &Value, out: &mut Vec<Found>) -> Result<(), String> {
        out.push(Found {
            path: str_at(f, "/location/path")
                .ok_or("betterleaks finding without location.path")?
                .to_owned(),
            line: line_at(f, "/location/start_line")
                .ok_or("betterleaks finding without location.start_line")?,
            secret: str_at(f, "/match/value").map(str::to_owned),
            rule: str_at(f, "/rule_id").unwrap_or("?").to_owned(),
        });
        if let Some(sets) = f["component_sets"].as_array() {
            for set in sets {
                for component in set["components"].as_array().into_iter().flatten() {
                    one(component, out)?;
                }
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    let findings = if json["findings"].is_null() {
        &Vec::new()
    } else {
        array(&json["findings"], "betterleaks `findings`")?
    };
    for f in findings {
        one(f, &mut out)?;
    }
    Ok(out)
}

/// Kingfisher `--format json`: an object whose `findings[]` (or an array of
/// records) have `rule.id` and `finding.{path, line, snippet}`; history
/// findings also carry `finding.git_metadata.file.path`.
fn kingfisher(json: &Value) -> Result<Vec<Found>, String> {
    let records = if json.is_array() {
        array(json, "kingfisher report")?
    } else {
        array(&json["findings"], "kingfisher `findings`")?
    };
    let mut out = Vec::new();
    for r in records {
        let path = str_at(r, "/finding/path")
            .or_else(|| str_at(r, "/finding/git_metadata/file/path"))
            .ok_or("kingfisher finding without path")?;
        out.push(Found {
            path: path.to_owned(),
            line: line_at(r, "/finding/line").ok_or("kingfisher finding without line")?,
            secret: str_at(r, "/finding/snippet").map(str::to_owned),
            rule: str_at(r, "/rule/id").unwrap_or("?").to_owned(),
        });
    }
    Ok(out)
}
