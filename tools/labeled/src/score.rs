//! Scoring a scanner's findings against the labels.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Label, Location};

/// One location a scanner reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Found {
    /// Path relative to the repository root.
    pub path: String,
    /// 1-based line where the reported secret starts.
    pub line: usize,
    /// The reported secret, when the report has it.
    pub secret: Option<String>,
    /// The scanner's rule id.
    pub rule: String,
}

/// A positive label no finding matched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missed {
    pub id: String,
    pub kind: String,
    pub context: String,
    pub secret: String,
    pub locations: Vec<Location>,
}

/// A finding location on no positive label's lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FalseFinding {
    pub path: String,
    pub line: usize,
    /// Rules that reported this location.
    pub rules: Vec<String>,
    /// Secrets reported there (when the report has them).
    pub secrets: Vec<String>,
    /// The kind of the decoy on this line, or `unlabeled`.
    pub decoy: String,
    /// The decoy's label id, if any.
    pub decoy_id: Option<String>,
}

/// Misses in one group (a kind or a context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    pub name: String,
    pub total: usize,
    pub missed: usize,
}

/// The result of [`score`].
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    /// Positive labels (unique secrets).
    pub secrets: usize,
    /// Positive labels with at least one matched location.
    pub secrets_found: usize,
    /// Locations of positive labels.
    pub locations: usize,
    /// Locations of positive labels that a finding matched.
    pub locations_found: usize,
    /// Distinct (path, line) of the findings.
    pub finding_locations: usize,
    /// Distinct (path, line) of the findings that lie on a positive label.
    pub finding_locations_true: usize,
    /// Decoy labels.
    pub decoys: usize,
    pub missed: Vec<Missed>,
    pub false_findings: Vec<FalseFinding>,
    /// Misses per positive kind (every kind, sorted by name).
    pub by_kind: Vec<Row>,
    /// Misses per context.
    pub by_context: Vec<Row>,
    /// False finding locations per decoy kind (and `unlabeled`).
    pub false_by_decoy: Vec<(String, usize)>,
    /// Misses per value of each facet of the secrets (held-out grammar),
    /// most missed first.
    pub by_facet: Vec<(String, Vec<Row>)>,
    /// False finding locations per value of each facet of the decoys hit.
    pub false_by_facet: Vec<(String, Vec<(String, usize)>)>,
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

impl Score {
    /// Share of unique secrets found at one location or more.
    pub fn recall_unique(&self) -> f64 {
        ratio(self.secrets_found, self.secrets)
    }

    /// Share of the secrets' locations found.
    pub fn recall_locations(&self) -> f64 {
        ratio(self.locations_found, self.locations)
    }

    /// Share of the distinct finding locations that are on a secret (1.0
    /// when there are no findings).
    pub fn precision(&self) -> f64 {
        ratio(self.finding_locations_true, self.finding_locations)
    }

    /// One line: the three numbers.
    pub fn summary(&self) -> String {
        format!(
            "recall (unique secrets) {:.3} ({}/{}), recall (locations) {:.3} ({}/{}), precision {:.3} ({}/{})",
            self.recall_unique(),
            self.secrets_found,
            self.secrets,
            self.recall_locations(),
            self.locations_found,
            self.locations,
            self.precision(),
            self.finding_locations_true,
            self.finding_locations
        )
    }
}

/// A path as labels write it: no leading `./`.
pub fn clean_path(path: &str) -> &str {
    let mut path = path;
    while let Some(rest) = path.strip_prefix("./") {
        path = rest;
    }
    path
}

/// Per path, the line ranges of labels, with the label.
fn ranges<'a>(
    labels: impl Iterator<Item = &'a Label>,
) -> HashMap<&'a str, Vec<(usize, usize, &'a Label)>> {
    let mut map: HashMap<&str, Vec<(usize, usize, &Label)>> = HashMap::new();
    for label in labels {
        for loc in &label.locations {
            map.entry(loc.path.as_str())
                .or_default()
                .push((loc.line, loc.end_line, label));
        }
    }
    map
}

/// Scores `findings` against `labels`.
///
/// A finding matches a positive label's location when it has the same path
/// (after [`clean_path`]) and its line lies in `[line, end_line]`.
pub fn score(labels: &[Label], findings: &[Found]) -> Score {
    // Distinct finding locations, with what was reported there.
    let mut reported: BTreeMap<(String, usize), (BTreeSet<String>, BTreeSet<String>)> =
        BTreeMap::new();
    for f in findings {
        let entry = reported
            .entry((clean_path(&f.path).to_owned(), f.line))
            .or_default();
        entry.0.insert(f.rule.clone());
        if let Some(secret) = &f.secret {
            entry.1.insert(secret.clone());
        }
    }
    let mut lines_by_path: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (path, line) in reported.keys() {
        lines_by_path
            .entry(path.as_str())
            .or_default()
            .insert(*line);
    }

    let positives: Vec<&Label> = labels.iter().filter(|l| l.positive).collect();
    let mut score = Score {
        secrets: positives.len(),
        secrets_found: 0,
        locations: 0,
        locations_found: 0,
        finding_locations: reported.len(),
        finding_locations_true: 0,
        decoys: labels.len() - positives.len(),
        missed: Vec::new(),
        false_findings: Vec::new(),
        by_kind: Vec::new(),
        by_context: Vec::new(),
        false_by_decoy: Vec::new(),
        by_facet: Vec::new(),
        false_by_facet: Vec::new(),
    };
    let mut kinds: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut contexts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut facets: BTreeMap<&str, BTreeMap<&str, (usize, usize)>> = BTreeMap::new();
    for label in &positives {
        let mut found_any = false;
        for loc in &label.locations {
            score.locations += 1;
            let hit = lines_by_path
                .get(loc.path.as_str())
                .is_some_and(|lines| lines.range(loc.line..=loc.end_line).next().is_some());
            if hit {
                score.locations_found += 1;
                found_any = true;
            }
        }
        let kind = kinds.entry(label.kind.as_str()).or_default();
        let context = contexts.entry(label.context.as_str()).or_default();
        kind.0 += 1;
        context.0 += 1;
        for (facet, value) in &label.facets {
            let row = facets
                .entry(facet.as_str())
                .or_default()
                .entry(value.as_str())
                .or_default();
            row.0 += 1;
            row.1 += usize::from(!found_any);
        }
        if found_any {
            score.secrets_found += 1;
        } else {
            kind.1 += 1;
            context.1 += 1;
            score.missed.push(Missed {
                id: label.id.clone(),
                kind: label.kind.clone(),
                context: label.context.clone(),
                secret: label.secret.clone(),
                locations: label.locations.clone(),
            });
        }
    }
    let row = |(name, (total, missed)): (&&str, &(usize, usize))| Row {
        name: (*name).to_owned(),
        total: *total,
        missed: *missed,
    };
    score.by_kind = kinds.iter().map(row).collect();
    score.by_context = contexts.iter().map(row).collect();
    for (facet, values) in &facets {
        let mut rows: Vec<Row> = values.iter().map(row).collect();
        rows.sort_by(|a, b| b.missed.cmp(&a.missed).then(a.name.cmp(&b.name)));
        score.by_facet.push(((*facet).to_owned(), rows));
    }

    let positive_ranges = ranges(positives.iter().copied());
    let decoy_ranges = ranges(labels.iter().filter(|l| !l.positive));
    let within = |map: &HashMap<&str, Vec<(usize, usize, &Label)>>, path: &str, line: usize| {
        map.get(path).and_then(|ranges| {
            ranges
                .iter()
                .find(|(start, end, _)| (*start..=*end).contains(&line))
                .map(|(_, _, label)| label.id.clone() + "\u{0}" + &label.kind)
        })
    };
    let mut by_decoy: BTreeMap<String, usize> = BTreeMap::new();
    let decoy_facets: HashMap<&str, &BTreeMap<String, String>> = labels
        .iter()
        .filter(|l| !l.positive)
        .map(|l| (l.id.as_str(), &l.facets))
        .collect();
    let mut false_facets: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for ((path, line), (rules, secrets)) in &reported {
        if within(&positive_ranges, path, *line).is_some() {
            score.finding_locations_true += 1;
            continue;
        }
        let (decoy, decoy_id) = match within(&decoy_ranges, path, *line) {
            Some(both) => {
                let (id, kind) = both.split_once('\u{0}').expect("id and kind");
                (kind.to_owned(), Some(id.to_owned()))
            }
            None => ("unlabeled".to_owned(), None),
        };
        *by_decoy.entry(decoy.clone()).or_default() += 1;
        let hit_facets = decoy_id.as_deref().and_then(|id| decoy_facets.get(id));
        for (facet, value) in hit_facets.into_iter().flat_map(|f| f.iter()) {
            *false_facets
                .entry(facet.clone())
                .or_default()
                .entry(value.clone())
                .or_default() += 1;
        }
        score.false_findings.push(FalseFinding {
            path: path.clone(),
            line: *line,
            rules: rules.iter().cloned().collect(),
            secrets: secrets.iter().cloned().collect(),
            decoy,
            decoy_id,
        });
    }
    score.false_by_decoy = by_decoy.into_iter().collect();
    for (facet, values) in false_facets {
        let mut rows: Vec<(String, usize)> = values.into_iter().collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        score.false_by_facet.push((facet, rows));
    }
    score
}

/// At most `max` characters of a secret, on one line.
fn short(secret: &str, max: usize) -> String {
    let one_line = secret.replace('\n', "\\n").replace('\r', "\\r");
    if one_line.chars().count() > max {
        let cut: String = one_line.chars().take(max).collect();
        format!("{cut}…")
    } else {
        one_line
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "labeled benchmark: {} secrets at {} locations, {} decoys",
            self.secrets, self.locations, self.decoys
        )?;
        writeln!(
            f,
            "  recall (unique secrets)  {:.3}  ({}/{})",
            self.recall_unique(),
            self.secrets_found,
            self.secrets
        )?;
        writeln!(
            f,
            "  recall (locations)       {:.3}  ({}/{})",
            self.recall_locations(),
            self.locations_found,
            self.locations
        )?;
        writeln!(
            f,
            "  precision                {:.3}  ({}/{} distinct finding locations)",
            self.precision(),
            self.finding_locations_true,
            self.finding_locations
        )?;
        let missed_kinds: Vec<&Row> = self.by_kind.iter().filter(|r| r.missed > 0).collect();
        if !missed_kinds.is_empty() {
            writeln!(f, "\nmisses by kind (missed/total):")?;
            for row in missed_kinds {
                writeln!(f, "  {:<40} {}/{}", row.name, row.missed, row.total)?;
            }
        }
        let missed_contexts: Vec<&Row> = self.by_context.iter().filter(|r| r.missed > 0).collect();
        if !missed_contexts.is_empty() {
            writeln!(f, "\nmisses by context (missed/total):")?;
            for row in missed_contexts {
                writeln!(f, "  {:<40} {}/{}", row.name, row.missed, row.total)?;
            }
        }
        for (facet, rows) in &self.by_facet {
            let missed: Vec<&Row> = rows.iter().filter(|r| r.missed > 0).collect();
            if !missed.is_empty() {
                writeln!(f, "\nmisses by {facet} (missed/total, most missed first):")?;
                for row in missed {
                    writeln!(f, "  {:<40} {}/{}", row.name, row.missed, row.total)?;
                }
            }
        }
        if !self.missed.is_empty() {
            writeln!(f, "\nmissed secrets:")?;
            for m in &self.missed {
                let loc = &m.locations[0];
                let more = if m.locations.len() > 1 {
                    format!(" (+{} more)", m.locations.len() - 1)
                } else {
                    String::new()
                };
                writeln!(
                    f,
                    "  {} {:<32} {:<18} {}:{}{more}  {}",
                    m.id,
                    m.kind,
                    m.context,
                    loc.path,
                    loc.line,
                    short(&m.secret, 48)
                )?;
            }
        }
        if !self.false_by_decoy.is_empty() {
            writeln!(f, "\nfalse finding locations by decoy kind:")?;
            for (kind, count) in &self.false_by_decoy {
                writeln!(f, "  {kind:<40} {count}")?;
            }
            for (facet, rows) in &self.false_by_facet {
                writeln!(f, "\nfalse finding locations by decoy {facet}:")?;
                for (value, count) in rows {
                    writeln!(f, "  {value:<40} {count}")?;
                }
            }
            writeln!(f, "\nfalse findings:")?;
            for ff in &self.false_findings {
                writeln!(
                    f,
                    "  {}:{}  [{}] {}  {}",
                    ff.path,
                    ff.line,
                    ff.decoy,
                    ff.rules.join(","),
                    ff.secrets
                        .iter()
                        .map(|s| short(s, 48))
                        .collect::<Vec<_>>()
                        .join(" | ")
                )?;
            }
        }
        Ok(())
    }
}
