//! Scanning many targets: each one as a scan of its own (its own
//! configuration, ignore file and history), one after the other; a target
//! that cannot be scanned is recorded and the others go on; the outcomes
//! merged into one, every location naming its repository.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;

use super::Target;
use super::progress::Bars;
use crate::datastore::Datastore;
use crate::finding::{Finding, KnownSecrets};
use crate::matcher::Engine;
use crate::scan::{Outcome, ScanPlan, ScanRequest, Shard, ShardBy};
use crate::summary::Summary;
pub use crate::summary::TargetFailure as Failure;

/// The merged outcome of many targets.
pub struct TargetsOutcome {
    /// Findings of all targets, each location naming its repository;
    /// the summary's counts added up.
    pub outcome: Outcome,
    /// Targets in this run (this shard's, if sharded by target).
    pub targets: usize,
    /// Those that failed, in the order scanned; their findings so far (a
    /// target with unreadable objects) are in the outcome.
    pub failures: Vec<Failure>,
    /// The rules of the last target planned: what log messages are
    /// masked with.
    pub engine: Option<Arc<Engine>>,
}

/// How to run many targets.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Scan only one part: whole targets by name, or every target's blobs
    /// by id.
    pub shard: Option<(Shard, ShardBy)>,
    /// Show the targets' progress on stderr (on a terminal).
    pub progress: bool,
    /// How targets use the datastore passed to [`run()`], if one is.
    pub datastore: Option<crate::datastore::Options>,
}

/// Scans `targets` with the flags of `base` (its paths ignored), in the
/// order given.
pub fn run(
    targets: &[Target],
    base: &ScanRequest,
    options: &Options,
    mut store: Option<&mut Datastore>,
    mut planned: impl FnMut(&ScanPlan),
) -> TargetsOutcome {
    let targets: Vec<&Target> = match options.shard {
        Some((shard, ShardBy::Targets)) => targets
            .iter()
            .filter(|t| shard.has_name(&t.shard_name()))
            .collect(),
        _ => targets.iter().collect(),
    };
    let blob_shard = match options.shard {
        Some((shard, ShardBy::Blobs)) => Some(shard),
        _ => None,
    };
    let bars = Bars::new(targets.len(), options.progress);
    let mut merged = Merged::default();
    let mut failures = Vec::new();
    let mut engine = None;
    for target in &targets {
        let name = target.name();
        log::info!("scanning {name}");
        let bar = bars.as_ref().map(|b| b.current(&name));
        let mut request = base.clone();
        request.shard = blob_shard;
        request.progress = false;
        request.progress_bar = bar.clone();
        let datastore = match (store.as_deref_mut(), &options.datastore) {
            (Some(store), Some(how)) => Some((store, how)),
            _ => None,
        };
        let result = scan_one(target, request, datastore, |plan| {
            engine = Some(plan.engine.clone());
            planned(plan);
        });
        match result {
            Ok(outcome) => {
                if outcome.summary.unread_objects > 0 {
                    failures.push(Failure {
                        target: name.clone(),
                        error: incomplete(&outcome.summary),
                    });
                }
                if let Some(narrowing) = &outcome.summary.repository_config {
                    log::warn!("{name}: repository config {}", narrowing.describe());
                }
                merged.add(&name, outcome);
            }
            Err(err) => {
                let error = format!("{err:#}");
                let error = match target {
                    Target::Url(url) => match super::url_userinfo(url) {
                        Some(userinfo) => error.replace(userinfo, "***"),
                        None => error,
                    },
                    Target::Path(_) => error,
                };
                failures.push(Failure {
                    target: name,
                    error,
                });
            }
        }
        if let (Some(bars), Some(bar)) = (&bars, bar) {
            bars.done(bar, failures.len());
        }
    }
    if let Some(bars) = &bars {
        bars.finish();
    }
    let mut outcome = merged.finish();
    outcome.summary.targets = targets.len() as u64;
    outcome.summary.failed_targets = failures.clone();
    // `merge` keeps the earliest version per path of the parts of a scan
    // by blobs, as the scan does, unless the scan kept every version.
    outcome.summary.shard = options.shard.map(|(shard, by)| {
        let by = match by {
            ShardBy::Targets => "targets",
            ShardBy::Blobs if base.no_dedup => "blobs, every version",
            ShardBy::Blobs => "blobs",
        };
        format!("{shard} by {by}")
    });
    TargetsOutcome {
        outcome,
        targets: targets.len(),
        failures,
        engine,
    }
}

/// Why a target whose scan could not read some objects failed.
fn incomplete(summary: &Summary) -> String {
    let unread = summary.unread_objects;
    let shown: Vec<&str> = summary
        .unread_object_ids
        .iter()
        .take(3)
        .map(String::as_str)
        .collect();
    format!(
        "incomplete: {unread} git object{} could not be read ({}); `git fsck` tells what is damaged",
        if unread == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

/// Plans and runs the scan of one target, cloning it first if it is a URL
/// (the clone is removed on return).
fn scan_one(
    target: &Target,
    mut request: ScanRequest,
    datastore: Option<(&mut Datastore, &crate::datastore::Options)>,
    planned: impl FnOnce(&ScanPlan),
) -> anyhow::Result<Outcome> {
    let clone;
    let path: PathBuf = match target {
        Target::Path(path) => path.clone(),
        Target::Url(url) => {
            clone = super::clone::clone_bare(url)?;
            clone.path().to_owned()
        }
    };
    request.paths = vec![path];
    let plan = ScanPlan::new(&request)?;
    planned(&plan);
    match datastore {
        Some((store, how)) => {
            let identity = match target {
                Target::Url(_) => target.shard_name(),
                Target::Path(_) => crate::datastore::local_identity(&plan)?,
            };
            crate::datastore::scan(store, plan, &identity, how).context("the scan failed")
        }
        None => plan.run().context("the scan failed"),
    }
}

/// Outcomes being merged: findings by rule and secret.
#[derive(Default)]
struct Merged {
    findings: BTreeMap<(String, Vec<u8>), Finding>,
    summary: Summary,
    secrets: KnownSecrets,
}

impl Merged {
    /// Adds the outcome of the target `name`: its locations name it.
    fn add(&mut self, name: &str, outcome: Outcome) {
        self.summary.merge(&outcome.summary);
        self.summary.merge_not_shown(&outcome.summary);
        self.secrets.extend(outcome.secrets);
        for mut finding in outcome.findings {
            for location in &mut finding.locations {
                location.repository = Some(name.to_owned());
            }
            let key = (finding.rule.id().to_owned(), finding.secret.clone());
            match self.findings.get_mut(&key) {
                Some(existing) => {
                    existing.locations.extend(finding.locations);
                    // The earliest time any repository first recorded it.
                    existing.first_seen = match (existing.first_seen.take(), finding.first_seen) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                }
                None => {
                    self.findings.insert(key, finding);
                }
            }
        }
    }

    fn finish(self) -> Outcome {
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        crate::finding::collect::sort(&mut findings);
        let mut summary = self.summary;
        summary.findings = findings.len();
        summary.locations = findings.iter().map(|f| f.locations.len()).sum();
        Outcome {
            findings,
            summary,
            secrets: self.secrets,
        }
    }
}
