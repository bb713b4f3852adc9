//! Collecting located matches into findings: one per rule and secret,
//! merged across threads, the earliest location per path kept, sorted by a
//! total order.

use std::collections::HashMap;
use std::sync::Arc;

use super::{Finding, KnownSecrets, Location, SecretKey};
use crate::rules::Rule;

/// Collects located matches into findings, one per rule and secret, and
/// every secret matched ([`KnownSecrets`]).
#[derive(Debug, Default)]
pub struct Findings {
    by_key: HashMap<(usize, Vec<u8>), Finding>,
    known: KnownSecrets,
}

impl Findings {
    /// Adds one location of `secret` found by `rule` (index `rule_index`).
    pub fn add(
        &mut self,
        rule_index: usize,
        rule: &Arc<Rule>,
        secret: &[u8],
        pair: Option<&[u8]>,
        key: SecretKey,
        location: Location,
    ) {
        let finding = self
            .by_key
            .entry((rule_index, secret.to_vec()))
            .or_insert_with(|| Finding {
                rule: rule.clone(),
                secret: secret.to_vec(),
                locations: Vec::new(),
                key,
                pair: None,
                validation: None,
                first_seen: None,
            });
        if finding.pair.is_none() {
            finding.pair = pair.map(<[u8]>::to_vec);
        }
        finding.locations.push(location);
    }

    /// Findings already collected, one per id (for
    /// [`Findings::earliest_per_path`]), and the secrets matched.
    pub fn from_findings(findings: Vec<Finding>, known: KnownSecrets) -> Findings {
        let by_key = findings
            .into_iter()
            .enumerate()
            .map(|(index, f)| ((index, f.secret.clone()), f))
            .collect();
        Findings { by_key, known }
    }

    /// Records a secret that was matched, whether or not it is reported.
    pub fn know(&mut self, secret: &[u8]) {
        self.known.insert(secret);
    }

    /// Takes the secrets matched so far (see [`KnownSecrets`]).
    pub fn take_known(&mut self) -> KnownSecrets {
        std::mem::take(&mut self.known)
    }

    /// Merges another collection into this one.
    pub fn merge(&mut self, other: Findings) {
        self.known.extend(other.known);
        for (key, finding) in other.by_key {
            match self.by_key.get_mut(&key) {
                Some(existing) => existing.locations.extend(finding.locations),
                None => {
                    self.by_key.insert(key, finding);
                }
            }
        }
    }

    /// Keeps, for each finding and path, only the location introduced
    /// earliest; that location is `in_head` if any dropped one at the same
    /// path was. The same secret in a file edited a hundred times is one
    /// location, not a hundred.
    pub fn earliest_per_path(self) -> Findings {
        let mut by_key = HashMap::new();
        for (key, mut finding) in self.by_key {
            let age = |l: &Location| {
                l.git
                    .as_ref()
                    .map(|g| (g.time, std::cmp::Reverse(g.walk_index)))
            };
            // Ties (two lines of one blob) go by the location itself, so
            // that the one kept does not depend on which thread saw what.
            finding
                .locations
                .sort_by(|a, b| (&a.path, age(a), a).cmp(&(&b.path, age(b), b)));
            let mut kept: Vec<Location> = Vec::new();
            for location in finding.locations {
                match kept.last_mut() {
                    Some(last) if last.path == location.path => {
                        let in_head = location.git.as_ref().is_some_and(|g| g.in_head);
                        if let Some(git) = last.git.as_mut() {
                            git.in_head |= in_head;
                        }
                    }
                    _ => kept.push(location),
                }
            }
            finding.locations = kept;
            by_key.insert(key, finding);
        }
        Findings {
            by_key,
            known: self.known,
        }
    }

    /// The findings, each with sorted, distinct locations, sorted by first
    /// location then rule id; ties (a token rotated in place: another
    /// secret at the same line and column) go by all the locations, then
    /// the secret, so that the order is the same on every run.
    pub fn into_sorted(self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .by_key
            .into_values()
            .map(|mut f| {
                f.locations.sort();
                f.locations.dedup();
                f
            })
            .collect();
        sort(&mut findings);
        findings
    }
}

/// Sorts findings (each with its locations sorted and distinct: they are
/// sorted and deduplicated here too) by first location then rule id, ties
/// by all the locations, then the secret: the same order on every run.
pub fn sort(findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        f.locations.sort();
        f.locations.dedup();
    }
    findings.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
}

/// What findings are sorted by: a total order.
fn order_key(f: &Finding) -> (Option<&str>, &str, usize, usize, &str, &[Location], &[u8]) {
    let first = &f.locations[0];
    (
        first.repository.as_deref(),
        &first.path,
        first.line,
        first.column,
        f.rule.id(),
        &f.locations,
        &f.secret,
    )
}
