//! One repository's scan with a datastore: read its record, scan what is
//! new, merge the recorded findings with the new ones, record the run.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use anyhow::bail;
use gix::ObjectId;
use gix::bstr::BString;

use super::Datastore;
use super::record::{Record, Stored, Write};
use crate::finding::{Finding, Findings, SecretKey};
use crate::matcher::Engine;
use crate::report::{Masker, View};
use crate::rules::Rule;
use crate::scan::{Outcome, ScanPlan, Target};
use crate::source::git::{COMMIT_MESSAGE, TAG_MESSAGE, Walked};
use crate::summary::SkipReason;

/// How a scan uses the datastore.
#[derive(Clone, Debug)]
pub struct Options {
    /// `--redact`: secrets are recorded as the JSON report shows them, so
    /// a redacted run records none (and keeps a record of its own).
    pub redact: bool,
    /// Report only the findings the datastore did not hold before.
    pub new_only: bool,
    /// The time of the run, recorded as a new finding's `first_seen`.
    pub now: String,
}

/// Why `--datastore` refuses a scan that is not of a history.
const NOT_A_HISTORY: &str = "--datastore records git histories: it does not apply to --staged, \
     --range, --no-git, files, directories or standard input";

/// Scans the history `plan` targets with what `store` holds of the
/// repository `identity`, records the run, and returns every finding (or
/// only the new ones), each with its `first_seen`.
pub fn scan(
    store: &mut Datastore,
    mut plan: ScanPlan,
    identity: &str,
    options: &Options,
) -> anyhow::Result<Outcome> {
    let digest = format!(
        "{}{}",
        plan.digest,
        if options.redact { "-redacted" } else { "" }
    );
    let record = store.read(identity, &digest)?;
    let dedup = use_record(&mut plan, &record)?;
    let engine = plan.engine.clone();
    let scanned = plan.run_raw()?;
    let walked = scanned.walked.unwrap_or_default();
    let mut fresh = scanned.findings;
    let mut secrets = fresh.take_known();
    let fresh = fresh.into_sorted();
    let masked = Masker::new(&secrets, &fresh, options.redact).apply(&fresh, View::Tools);
    let recorded = if walked.whole {
        Vec::new()
    } else {
        recorded_findings(&record, &walked, &engine)
    };
    for finding in &recorded {
        secrets.insert(&finding.secret);
    }
    let mut findings = Findings::from_findings(merge(fresh, recorded), secrets);
    if dedup {
        findings = findings.earliest_per_path();
    }
    let mut outcome = Outcome::from_scan(findings, scanned.summary, &scanned.suppression);
    let complete = outcome.summary.unread_objects == 0
        && !outcome.summary.skipped.contains_key(&SkipReason::Missing);
    store.write(&Write {
        identity,
        digest: &digest,
        read: &record,
        walked: complete.then_some(&walked),
        findings: &masked,
        reported: outcome
            .findings
            .iter()
            .map(|f| (f.id(), f.rule.id().to_owned()))
            .collect(),
        now: &options.now,
    })?;
    stamp(&mut outcome, &record, options);
    Ok(outcome)
}

/// Has the history source of `plan` skip what `record` holds, and keep
/// every version of a file until the recorded findings are merged in;
/// whether the scan keeps only the earliest version per path.
fn use_record(plan: &mut ScanPlan, record: &Record) -> anyhow::Result<bool> {
    let Target::History(_, git) = &mut plan.target else {
        bail!(NOT_A_HISTORY);
    };
    let dedup = !git.no_dedup;
    git.no_dedup = true;
    if !git.all_objects {
        git.known = record.known.clone().map(Arc::new);
    }
    Ok(dedup)
}

/// Gives each finding its `first_seen`; with `--new-only`, keeps only
/// the findings the record did not hold.
fn stamp(outcome: &mut Outcome, record: &Record, options: &Options) {
    for finding in &mut outcome.findings {
        let seen = record.first_seen.get(&finding.id());
        finding.first_seen = Some(seen.unwrap_or(&options.now).clone());
    }
    if options.new_only {
        outcome
            .findings
            .retain(|f| !record.first_seen.contains_key(&f.id()));
        outcome.summary.findings = outcome.findings.len();
        outcome.summary.locations = outcome.findings.iter().map(|f| f.locations.len()).sum();
    }
}

/// The identity a local repository is recorded under: the canonical path
/// of its git directory, however the target was written (`.`, a
/// subdirectory, the work tree or the `.git` directory).
pub fn local_identity(plan: &ScanPlan) -> anyhow::Result<String> {
    let Target::History(repo, _) = &plan.target else {
        bail!(NOT_A_HISTORY);
    };
    let dir = repo.git_dir();
    let canonical = std::fs::canonicalize(dir)
        .map_err(|e| anyhow::anyhow!("cannot resolve {}: {e}", dir.display()))?;
    Ok(canonical.to_string_lossy().into_owned())
}

/// The recorded findings whose blobs were not read again, each location
/// placed as the current history places it (walk index, time, `in_head`).
fn recorded_findings(record: &Record, walked: &Walked, engine: &Engine) -> Vec<Finding> {
    let rules: HashMap<&str, &Arc<Rule>> = engine.rules().iter().map(|r| (r.id(), r)).collect();
    let mut by_id: BTreeMap<&str, Finding> = BTreeMap::new();
    for stored in &record.locations {
        let Some(location) = placed(stored, walked) else {
            continue;
        };
        let Some(rule) = rules.get(stored.rule.as_str()) else {
            continue; // not under the same digest: never recorded together
        };
        by_id
            .entry(&stored.finding)
            .or_insert_with(|| Finding {
                rule: Arc::clone(rule),
                secret: stored.secret.clone().into_bytes(),
                locations: Vec::new(),
                key: SecretKey::from_bytes(stored.key),
                pair: None,
                validation: None,
                first_seen: None,
            })
            .locations
            .push(location);
    }
    by_id.into_values().collect()
}

/// A recorded location as the current history places it; `None` if its
/// blob was read again (this run made its locations anew) or its place is
/// no longer recorded.
fn placed(stored: &Stored, walked: &Walked) -> Option<crate::finding::Location> {
    let mut location = stored.location.clone();
    let git = location.git.as_mut()?;
    if location.path == TAG_MESSAGE {
        // Tags are scanned on every run: this run found it anew.
        return None;
    }
    if location.path == COMMIT_MESSAGE {
        let commit = ObjectId::from_hex(git.commit.as_deref()?.as_bytes()).ok()?;
        let &(time, index) = walked.commits_now.get(&commit)?;
        git.time = time;
        git.walk_index = index;
        return Some(location);
    }
    let blob = ObjectId::from_hex(git.blob.as_bytes()).ok()?;
    if walked.reread.contains(&blob) {
        return None;
    }
    let Some(now) = walked
        .refreshed
        .get(&(blob, BString::from(location.path.as_str())))
    else {
        log::warn!("blob {blob}: a recorded location has no recorded place: left out");
        return None;
    };
    git.time = now.time;
    git.walk_index = now.walk_index;
    git.in_head = now.in_head;
    Some(location)
}

/// The findings of this run and the recorded ones, joined by id.
fn merge(fresh: Vec<Finding>, recorded: Vec<Finding>) -> Vec<Finding> {
    let mut by_id: BTreeMap<String, Finding> = fresh.into_iter().map(|f| (f.id(), f)).collect();
    for finding in recorded {
        match by_id.get_mut(&finding.id()) {
            Some(existing) => existing.locations.extend(finding.locations),
            None => {
                by_id.insert(finding.id(), finding);
            }
        }
    }
    by_id.into_values().collect()
}
