//! What a scan did: inputs scanned and skipped (and why), what was
//! suppressed and why, what could not be read, what a repository's own
//! configuration narrowed, what validation found; and one line of it for
//! stderr.
//!
//! A value type at the bottom of the crate: every part of a scan adds to a
//! [`Summary`], per thread, and the driver merges them.

mod narrowing;
pub mod stats;

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use serde::Serialize;

pub use narrowing::Narrowing;
use stats::Stats;

/// Why an input was not scanned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipReason {
    /// Looks binary (a NUL byte near the start).
    Binary,
    /// Larger than the size limit.
    TooLarge,
    /// Could not be read.
    Unreadable,
    /// A symbolic link (not followed).
    Symlink,
    /// Neither a file nor a directory (socket, FIFO, device).
    NotAFile,
    /// Matched an allowlisted path.
    Allowlisted,
    /// The directory walk failed here (permissions, loops).
    WalkError,
    /// A git object that is not in the repository (shallow or partial
    /// clone, or a broken one).
    Missing,
    /// A Git LFS pointer: the content lives on an LFS server, not in git.
    LfsPointer,
    /// A submodule entry (a commit of another repository).
    Submodule,
    /// An index entry in a merge conflict.
    Unmerged,
    /// The report file the scan writes (`-o`), or a temporary file of it.
    Report,
}

impl SkipReason {
    /// Words for humans.
    pub fn describe(self) -> &'static str {
        match self {
            SkipReason::Binary => "binary",
            SkipReason::TooLarge => "too large",
            SkipReason::Unreadable => "unreadable",
            SkipReason::Symlink => "symlink",
            SkipReason::NotAFile => "not a regular file",
            SkipReason::Allowlisted => "allowlisted path",
            SkipReason::WalkError => "walk error",
            SkipReason::Missing => "missing object",
            SkipReason::LfsPointer => "Git LFS pointer",
            SkipReason::Submodule => "submodule",
            SkipReason::Unmerged => "unmerged",
            SkipReason::Report => "the report being written",
        }
    }
}

/// A target of a scan of several that could not be scanned, or not in
/// full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TargetFailure {
    /// Its name (a URL's credentials masked).
    pub target: String,
    /// What went wrong (no credentials).
    pub error: String,
}

/// What was checked, for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ValidationCounts {
    /// Requests made (one per distinct secret with a check).
    pub requests: usize,
    /// Findings the provider accepted.
    pub valid: usize,
    /// Rejected by the provider.
    pub invalid: usize,
    /// No check, or no clear answer.
    pub unknown: usize,
    /// The check failed.
    pub error: usize,
}

/// Counts of what a scan did.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Summary {
    /// Commits walked (git history scans).
    #[serde(skip_serializing_if = "is_zero")]
    pub commits: u64,
    /// Inputs (files or blobs) whose content was matched.
    pub inputs_scanned: u64,
    /// Bytes matched.
    pub bytes_scanned: u64,
    /// Distinct findings reported.
    pub findings: usize,
    /// Locations of those findings.
    pub locations: usize,
    /// Matches suppressed by an inline allow comment.
    pub suppressed_inline: u64,
    /// Locations suppressed by a fingerprint in `.leakhoundignore`.
    pub suppressed_ignored: u64,
    /// Locations suppressed by a path allowlist (a rule's own, or the
    /// configuration's for a file also found at a path it does not match):
    /// inputs at allowlisted paths are not read, and counted in `skipped`.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed_allowlisted_path: u64,
    /// Locations left out of the report for being below the minimum
    /// confidence (test code, documentation, weak generic matches).
    #[serde(skip_serializing_if = "is_zero")]
    pub below_min_confidence: u64,
    /// Of those, locations in test code (test keys, fixtures).
    #[serde(skip_serializing_if = "is_zero")]
    pub below_min_confidence_test: u64,
    /// Of those, documented examples (documentation, samples, API
    /// descriptions).
    #[serde(skip_serializing_if = "is_zero")]
    pub below_min_confidence_example: u64,
    /// Of those, look-alike tokens whose checksum does not match (made up
    /// or mistyped: not real tokens).
    #[serde(skip_serializing_if = "is_zero")]
    pub checksum_mismatch: u64,
    /// Inputs whose decoding stopped at its size limit (twice the input's
    /// size in decoded text): parts of them were matched only as written.
    #[serde(skip_serializing_if = "is_zero")]
    pub decode_limit: u64,
    /// The names of those inputs (a path; for a git blob, its path, blob
    /// and commit), sorted; the first [`DECODE_LIMIT_NAMES`] only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decode_limit_inputs: Vec<String>,
    /// Inputs not scanned, by reason.
    pub skipped: BTreeMap<SkipReason, u64>,
    /// Git objects the scan needed and could not read (corrupt, truncated,
    /// or missing where nothing should be): the scan went on without them
    /// and fails (exit status 2). Missing objects of a shallow or partial
    /// clone are only counted in `skipped`.
    #[serde(skip_serializing_if = "is_zero")]
    pub unread_objects: u64,
    /// The names of those objects (`blob <id>`, `tree <id> at 'dir'`,
    /// `ref <name>`), sorted; the first [`DECODE_LIMIT_NAMES`] only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unread_object_ids: Vec<String>,
    /// What the scanned repository's own configuration turned off or
    /// narrowed, when it did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_config: Option<Narrowing>,
    /// Targets of a scan of several (`scan TARGET...`, `--targets-from`,
    /// an organisation): how many this run had.
    #[serde(skip_serializing_if = "is_zero")]
    pub targets: u64,
    /// The part of a sharded scan this is (`--shard`): `K/N by targets`
    /// or `K/N by blobs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// Those that could not be scanned, or not in full, and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub failed_targets: Vec<TargetFailure>,
    /// What `--validate` found out, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<ValidationCounts>,
    /// Where matching time went, when measured (`--stats`).
    #[serde(skip)]
    pub stats: Option<Box<Stats>>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// How many inputs cut by the decoding limit a summary names.
pub const DECODE_LIMIT_NAMES: usize = 100;

impl Summary {
    /// Records a skipped input.
    pub fn skip(&mut self, reason: SkipReason) {
        *self.skipped.entry(reason).or_default() += 1;
    }

    /// Records an input whose decoding stopped at its size limit.
    pub fn decoding_cut(&mut self, name: &str) {
        self.decode_limit += 1;
        self.name_decoding_cut(name.to_owned());
    }

    /// Records a git object the scan could not read.
    pub fn unread(&mut self, name: &str) {
        self.unread_objects += 1;
        keep_first(&mut self.unread_object_ids, name.to_owned());
    }

    /// Adds a name to [`Self::decode_limit_inputs`], keeping the first
    /// [`DECODE_LIMIT_NAMES`] in order (so that merging per-thread
    /// summaries gives the same list whatever thread saw what).
    fn name_decoding_cut(&mut self, name: String) {
        keep_first(&mut self.decode_limit_inputs, name);
    }
}

/// Adds `name` to the sorted `names`, keeping the first
/// [`DECODE_LIMIT_NAMES`].
fn keep_first(names: &mut Vec<String>, name: String) {
    if let Err(at) = names.binary_search(&name)
        && at < DECODE_LIMIT_NAMES
    {
        names.insert(at, name);
        names.truncate(DECODE_LIMIT_NAMES);
    }
}

/// ` (a, b, c and 4 more)`: the first few of `names`, of `total` in all.
fn named(names: &[String], total: u64) -> String {
    const SHOWN: usize = 3;
    let shown = &names[..names.len().min(SHOWN)];
    if shown.is_empty() {
        return String::new();
    }
    let more = total.saturating_sub(shown.len() as u64);
    let mut text = format!(" ({}", shown.join(", "));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text.push(')');
    text
}

impl Summary {
    /// Total skipped inputs.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }

    /// Adds another summary's counts.
    pub fn merge(&mut self, other: &Summary) {
        self.commits += other.commits;
        self.inputs_scanned += other.inputs_scanned;
        self.bytes_scanned += other.bytes_scanned;
        self.suppressed_inline += other.suppressed_inline;
        self.suppressed_ignored += other.suppressed_ignored;
        self.suppressed_allowlisted_path += other.suppressed_allowlisted_path;
        self.decode_limit += other.decode_limit;
        for name in &other.decode_limit_inputs {
            self.name_decoding_cut(name.clone());
        }
        for (reason, n) in &other.skipped {
            *self.skipped.entry(*reason).or_default() += n;
        }
        self.unread_objects += other.unread_objects;
        for name in &other.unread_object_ids {
            keep_first(&mut self.unread_object_ids, name.clone());
        }
        if let Some(stats) = &other.stats {
            self.stats.get_or_insert_with(Default::default).merge(stats);
        }
    }

    /// The bytes of the one input this counts, if it counts only that: one
    /// input matched in full, nothing skipped, suppressed or cut.
    pub fn only_scanned(&self) -> Option<u64> {
        let plain = Summary {
            inputs_scanned: 1,
            bytes_scanned: self.bytes_scanned,
            ..Summary::default()
        };
        (self.stats.is_none() && *self == plain).then_some(self.bytes_scanned)
    }

    /// What of the locations not shown is test code and documented
    /// examples: ` (200 in test code and 11 documented examples;
    /// --min-confidence low lists them)`, or nothing.
    fn not_shown_by_context(&self) -> String {
        match self.not_shown_breakdown() {
            Some(parts) => format!(" ({parts}; --min-confidence low lists them)"),
            None => String::new(),
        }
    }

    /// How many of the locations below the minimum confidence are test
    /// code and documented examples (`200 in test code and 11 documented
    /// examples`), if any are.
    pub fn not_shown_breakdown(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.below_min_confidence_test > 0 {
            parts.push(format!("{} in test code", self.below_min_confidence_test));
        }
        let examples = self.below_min_confidence_example;
        if examples > 0 {
            parts.push(format!("{examples} documented example{}", plural(examples)));
        }
        (!parts.is_empty()).then(|| parts.join(" and "))
    }

    /// Adds the counts of locations left out for their confidence.
    pub fn merge_not_shown(&mut self, other: &Summary) {
        self.below_min_confidence += other.below_min_confidence;
        self.below_min_confidence_test += other.below_min_confidence_test;
        self.below_min_confidence_example += other.below_min_confidence_example;
        self.checksum_mismatch += other.checksum_mismatch;
    }

    /// One line for stderr: what was scanned, found and skipped.
    pub fn line(&self, elapsed: Duration) -> String {
        let commits = if self.commits > 0 {
            format!("{} commit{}, ", self.commits, plural(self.commits))
        } else {
            String::new()
        };
        let mut s = format!(
            "{} finding{} ({} location{}) in {commits}{} input{}, {} scanned in {:.2}s",
            self.findings,
            plural(self.findings as u64),
            self.locations,
            plural(self.locations as u64),
            self.inputs_scanned,
            plural(self.inputs_scanned),
            HumanBytes(self.bytes_scanned),
            elapsed.as_secs_f64(),
        );
        if self.skipped_total() > 0 {
            let parts: Vec<String> = self
                .skipped
                .iter()
                .map(|(r, n)| format!("{n} {}", r.describe()))
                .collect();
            s.push_str(&format!(
                "; skipped {}: {}",
                self.skipped_total(),
                parts.join(", ")
            ));
        }
        if self.unread_objects > 0 {
            s.push_str(&format!(
                "; {} git object{} could not be read{}",
                self.unread_objects,
                plural(self.unread_objects),
                named(&self.unread_object_ids, self.unread_objects)
            ));
        }
        if self.suppressed_inline > 0 {
            s.push_str(&format!("; {} suppressed inline", self.suppressed_inline));
        }
        if self.suppressed_ignored > 0 {
            s.push_str(&format!(
                "; {} ignored by fingerprint",
                self.suppressed_ignored
            ));
        }
        if self.suppressed_allowlisted_path > 0 {
            s.push_str(&format!(
                "; {} location{} in allowlisted paths",
                self.suppressed_allowlisted_path,
                plural(self.suppressed_allowlisted_path)
            ));
        }
        if self.below_min_confidence > 0 {
            s.push_str(&format!(
                "; {} location{} below --min-confidence not shown",
                self.below_min_confidence,
                plural(self.below_min_confidence)
            ));
            s.push_str(&self.not_shown_by_context());
            match self.checksum_mismatch {
                0 => {}
                1 => s.push_str(
                    " (1 token look-alike whose checksum does not match: not a real token; \
                     --min-confidence low lists it)",
                ),
                n => s.push_str(&format!(
                    " ({n} token look-alikes whose checksums do not match: not real tokens; \
                     --min-confidence low lists them)"
                )),
            }
        }
        if self.decode_limit > 0 {
            let names = named(&self.decode_limit_inputs, self.decode_limit);
            s.push_str(&format!(
                "; decoding stopped at its size limit in {} input{}{names}",
                self.decode_limit,
                plural(self.decode_limit)
            ));
        }
        if let Some(config) = &self.repository_config {
            s.push_str(&format!("; repository config {}", config.describe()));
        }
        if let Some(v) = &self.validation {
            s.push_str(&format!(
                "; validation ({} request{}): {} valid, {} invalid, {} unknown, {} error",
                v.requests,
                plural(v.requests as u64),
                v.valid,
                v.invalid,
                v.unknown,
                v.error
            ));
        }
        s
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Byte counts for humans (`1.5 MiB`).
pub struct HumanBytes(pub u64);

impl fmt::Display for HumanBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
        let mut value = self.0 as f64;
        let mut unit = 0;
        while value >= 1024.0 && unit + 1 < UNITS.len() {
            value /= 1024.0;
            unit += 1;
        }
        if unit == 0 {
            write!(f, "{} B", self.0)
        } else {
            write!(f, "{value:.1} {}", UNITS[unit])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_scanned_is_one_input_matched_in_full() {
        let mut summary = Summary {
            inputs_scanned: 1,
            bytes_scanned: 42,
            ..Summary::default()
        };
        assert_eq!(summary.only_scanned(), Some(42));
        summary.decode_limit = 1;
        assert_eq!(summary.only_scanned(), None, "a cut decoding is counted");
        let mut skipped = Summary::default();
        skipped.skip(SkipReason::Binary);
        assert_eq!(skipped.only_scanned(), None);
        assert_eq!(Summary::default().only_scanned(), None);
    }

    #[test]
    fn summary_line() {
        let mut s = Summary {
            inputs_scanned: 3,
            bytes_scanned: 2048,
            findings: 1,
            locations: 2,
            ..Summary::default()
        };
        s.skip(SkipReason::Binary);
        assert_eq!(
            s.line(Duration::from_millis(10)),
            "1 finding (2 locations) in 3 inputs, 2.0 KiB scanned in 0.01s; skipped 1: 1 binary"
        );
    }

    #[test]
    fn inputs_cut_by_the_decoding_limit_are_named_in_order() {
        let mut a = Summary::default();
        let mut b = Summary::default();
        for i in (0..150).rev() {
            let name = format!("f{i:03}");
            if i % 2 == 0 { &mut a } else { &mut b }.decoding_cut(&name);
        }
        a.merge(&b);
        assert_eq!(a.decode_limit, 150);
        assert_eq!(a.decode_limit_inputs.len(), DECODE_LIMIT_NAMES);
        assert_eq!(a.decode_limit_inputs[..2], ["f000", "f001"]);
        assert!(
            a.line(Duration::ZERO).ends_with(
                "; decoding stopped at its size limit in 150 inputs (f000, f001, f002 and 147 more)"
            ),
            "{}",
            a.line(Duration::ZERO)
        );
        let mut one = Summary::default();
        one.decoding_cut("k8s/secret.yaml");
        assert!(
            one.line(Duration::ZERO)
                .ends_with("size limit in 1 input (k8s/secret.yaml)")
        );
    }
}
