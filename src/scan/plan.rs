//! The scan plan: what to scan and how, settled from the request (the
//! command line, or any other caller), the configuration file and the
//! defaults, before anything is read; then [`ScanPlan::run`].
//!
//! Planning checks everything that can be wrong before a scan starts
//! (paths, flags that need a repository, the configuration, the ignore
//! file, the baseline), so a scan either runs to the end or does not start.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

use super::driver::Driver;
pub use super::request::ScanRequest;
use crate::config::{
    CONFIG_FILE, Config, DEFAULT_MAX_FILE_SIZE, DEFAULT_MIN_CONFIDENCE, read_tree_file,
};
use crate::finding::{Finding, Findings, KnownSecrets};
use crate::matcher::Engine;
use crate::source::fs::{Files, FsOptions, Stdin};
use crate::source::git::{self, Changes, GitOptions, HistorySource};
use crate::source::{self, Source};
use crate::summary::{Narrowing, Summary};
use crate::suppress::Suppression;
use crate::suppress::{IGNORE_FILE, parse_ignore_file};

/// What is scanned.
pub enum Target {
    /// Standard input.
    Stdin,
    /// Files and directory trees.
    Files(Vec<PathBuf>),
    /// The history of a repository.
    History(gix::Repository, GitOptions),
    /// What the commits of a range add.
    Range(gix::Repository, String),
    /// What the index adds.
    Staged(gix::Repository),
}

/// A scan, ready to run.
pub struct ScanPlan {
    /// What is scanned.
    pub target: Target,
    /// Where relative paths, the configuration and the ignore file are.
    pub root: PathBuf,
    /// The rules and the matcher's filters.
    pub engine: std::sync::Arc<Engine>,
    /// What is not reported.
    pub suppression: Suppression,
    /// Size limit of one input.
    pub max_file_size: u64,
    /// Honour ignore files in directory walks.
    pub respect_ignore: bool,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Remember blocks of lines already searched.
    pub memo: bool,
    /// Leave out commit and tag messages (history and range scans).
    pub no_messages: bool,
    /// What the scanned repository's own configuration turns off or
    /// narrows, if anything.
    pub narrowing: Option<Narrowing>,
    /// The report file the scan writes: not scanned.
    pub report: Option<PathBuf>,
    /// Only the blobs and files of this shard are scanned.
    pub shard: Option<crate::scan::Shard>,
    /// Where inputs scanned are counted, if anywhere.
    pub progress_bar: Option<indicatif::ProgressBar>,
    /// A hash of everything that changes what this scan finds: the rules,
    /// the configuration file, the suppressions and the options (see
    /// `docs/datastore.md`); a datastore's record is only reused under the
    /// same.
    pub digest: String,
}

/// A finished scan before its findings are sorted and filtered by
/// confidence: what a datastore records.
pub struct Scanned {
    /// Every location found, not yet cut to the earliest per path when
    /// the history source was asked to keep every version.
    pub findings: Findings,
    /// What the scan did.
    pub summary: Summary,
    /// What a history scan walked and read.
    pub walked: Option<git::Walked>,
    /// The plan's suppression (for [`Outcome::from_scan`]).
    pub suppression: Suppression,
}

/// A finished scan.
pub struct Outcome {
    /// The findings, sorted, at or above the minimum confidence.
    pub findings: Vec<Finding>,
    /// What the scan did.
    pub summary: Summary,
    /// Every secret the scan matched, reported or not: reports hide them
    /// wherever they appear.
    pub secrets: KnownSecrets,
}

impl ScanPlan {
    /// Settles a request into a plan, or says what is wrong with it.
    pub fn new(request: &ScanRequest) -> anyhow::Result<ScanPlan> {
        let paths = if request.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            request.paths.clone()
        };
        let path = &paths[0];
        let stdin = path.as_os_str() == "-";
        if stdin && paths.len() > 1 {
            bail!("`-` (standard input) cannot be scanned together with other paths");
        }
        for p in &paths {
            if !stdin && !p.exists() && !p.is_symlink() {
                bail!("cannot scan '{}': no such file or directory", p.display());
            }
        }
        // Several paths (say, the file names a pre-commit framework passes)
        // are scanned as files.
        // A directory inside a repository (a subdirectory of its work
        // tree) is scanned as that repository, as git commands and other
        // scanners' git modes do: its history holds what the directory
        // ever held, and the hook scans the repository from wherever it is
        // run. --no-git scans the directory's files only.
        let repo = if stdin || request.no_git || paths.len() > 1 || !path.is_dir() {
            None
        } else {
            match git::open(path)? {
                Some(repo) => Some(repo),
                None => git::discover(path)?.inspect(|repo| {
                    log::warn!(
                        "'{}' is inside the git repository {}: scanning the history of the whole repository (--no-git scans only the files under '{}')",
                        path.display(),
                        git::project_root(repo).display(),
                        path.display()
                    );
                }),
            }
        };
        let git_only = request.staged
            || request.range.is_some()
            || request.all_objects
            || !request.refs.is_empty()
            || request.no_dedup
            || request.no_messages;
        if repo.is_none() && git_only {
            bail!(
                "--staged, --range, --all-objects, --ref, --no-dedup and --no-messages need a git repository; '{}' is not one",
                path.display()
            );
        }
        let root = match (&repo, stdin) {
            (Some(repo), _) => git::project_root(repo),
            (None, true) => source::project_root(Path::new(".")),
            (None, false) => source::project_root(path),
        };
        let (config, own_config) = load_config(request.config.as_deref(), &root)?;
        let mut narrowing = own_config.then(|| config.narrowing.clone());
        if let Some(n) = &mut narrowing {
            // What the command line sets instead is not the repository's
            // doing.
            if request.max_file_size.is_some() {
                n.max_file_size = None;
            }
            if request.min_confidence.is_some() {
                n.min_confidence = None;
            }
            if request.no_decode {
                n.no_decode = false;
            }
        }
        let narrowing = narrowing.filter(Narrowing::narrows);
        let max_file_size = request
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(DEFAULT_MAX_FILE_SIZE);
        let suppression = suppression(request, &config, &root)?;
        let decode = !request.no_decode && config.decode.unwrap_or(true);
        let digest = digest(request, &config, &suppression, max_file_size, decode);
        let engine = Engine::new(&config.rules, config.allowlist)
            .with_decoding(decode)
            .with_stats(request.stats);
        let target = match repo {
            Some(repo) if request.staged => Target::Staged(repo),
            Some(repo) if request.range.is_some() => {
                Target::Range(repo, request.range.clone().unwrap_or_default())
            }
            Some(repo) => Target::History(
                repo,
                GitOptions {
                    all_objects: request.all_objects,
                    refs: request.refs.clone(),
                    no_dedup: request.no_dedup,
                    progress: request.progress,
                    read_one_by_one: false,
                    no_messages: request.no_messages,
                    known: None,
                },
            ),
            None if stdin => Target::Stdin,
            None => Target::Files(paths),
        };
        Ok(ScanPlan {
            target,
            root,
            engine: std::sync::Arc::new(engine),
            suppression,
            max_file_size,
            respect_ignore: !request.no_ignore,
            threads: request.threads.unwrap_or(0),
            memo: !request.no_memo,
            no_messages: request.no_messages,
            narrowing,
            report: request.report.clone(),
            shard: request.shard,
            progress_bar: request.progress_bar.clone(),
            digest,
        })
    }

    /// Runs the scan on its own pool of worker threads.
    pub fn run(self) -> anyhow::Result<Outcome> {
        let scanned = self.run_raw()?;
        Ok(Outcome::from_scan(
            scanned.findings,
            scanned.summary,
            &scanned.suppression,
        ))
    }

    /// Runs the scan, and hands back its findings before they are sorted
    /// and filtered by confidence, with what a history scan walked.
    pub fn run_raw(self) -> anyhow::Result<Scanned> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(self.threads)
            .build()
            .context("cannot start worker threads")?;
        let driver = Driver::new(&self.engine, &self.suppression, self.max_file_size)
            .with_memo(self.memo)
            .with_shard(self.shard)
            .with_progress(self.progress_bar.clone());
        let mut walked = None;
        let (findings, mut summary) = pool.install(|| -> anyhow::Result<_> {
            match self.target {
                Target::Staged(ref repo) => match Changes::staged(repo)? {
                    Some(mut changes) => driver.scan(&mut changes),
                    None => {
                        log::warn!("nothing is staged: no changes to scan");
                        Ok(Default::default())
                    }
                },
                Target::Range(ref repo, ref spec) => {
                    let mut changes = Changes::range(repo, spec)?;
                    if self.no_messages {
                        changes = changes.without_messages();
                    }
                    driver.scan(&mut changes)
                }
                Target::History(repo, options) => {
                    let mut source = HistorySource::new(repo, options);
                    let scanned = driver.scan(&mut source)?;
                    walked = Some(source.walked());
                    Ok(scanned)
                }
                Target::Stdin => driver.scan(&mut Stdin {
                    reader: std::io::stdin().lock(),
                }),
                Target::Files(paths) => {
                    let options = FsOptions {
                        root: self.root.clone(),
                        respect_ignore: self.respect_ignore,
                        report: self.report.clone(),
                    };
                    driver.scan(&mut Files { paths, options })
                }
            }
        })?;
        summary.repository_config = self.narrowing.map(|mut n| {
            let skipped = |reason| summary.skipped.get(&reason).copied().unwrap_or(0);
            if n.allowlist_path_globs + n.allowlist_path_regexes > 0 {
                n.allowlisted_inputs = Some(skipped(crate::summary::SkipReason::Allowlisted));
            }
            if n.max_file_size.is_some() {
                n.too_large_inputs = Some(skipped(crate::summary::SkipReason::TooLarge));
            }
            n
        });
        Ok(Scanned {
            findings,
            summary,
            walked,
            suppression: self.suppression,
        })
    }
}

impl Outcome {
    /// The findings sorted and at or above the minimum confidence, with
    /// the summary's counts of them.
    pub fn from_scan(
        mut findings: Findings,
        mut summary: Summary,
        suppression: &Suppression,
    ) -> Outcome {
        let secrets = findings.take_known();
        let mut findings = findings.into_sorted();
        for finding in &mut findings {
            finding.keep_confidence_outside_contexts();
        }
        let findings = suppression.confident_enough(findings, &mut summary);
        summary.findings = findings.len();
        summary.locations = findings.iter().map(|f| f.locations.len()).sum();
        Outcome {
            findings,
            summary,
            secrets,
        }
    }
}

/// Scans `source` with `engine` and `suppression`, with or without the
/// block memo: findings sorted and at or above the minimum confidence, and
/// the summary.
pub fn scan_source(
    engine: &Engine,
    suppression: &Suppression,
    max_file_size: u64,
    memo: bool,
    source: &mut dyn Source,
) -> anyhow::Result<Outcome> {
    let driver = Driver::new(engine, suppression, max_file_size).with_memo(memo);
    let (findings, summary) = driver.scan(source)?;
    Ok(Outcome::from_scan(findings, summary, suppression))
}

/// What a datastore keys its record of a repository by: a SHA-256 over
/// this leakhound's version, every rule as written (built-in ones too),
/// the configuration file's text (allowlists), the fingerprints the
/// ignore file and the baseline suppress, and the options that change
/// what is found or reported: size limit, decoding, minimum confidence,
/// `--all-objects`, `--no-dedup`, `--ref` and the shard.
fn digest(
    request: &ScanRequest,
    config: &Config,
    suppression: &Suppression,
    max_file_size: u64,
    decode: bool,
) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut part = |bytes: &[u8]| {
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(bytes);
    };
    part(b"leakhound-datastore-digest-v1");
    part(env!("CARGO_PKG_VERSION").as_bytes());
    for rule in config.rules.rules() {
        part(&serde_json::to_vec(&rule.syntax).unwrap_or_default());
    }
    match &config.file {
        Some(file) => part(&std::fs::read(file).unwrap_or_default()),
        None => part(b"(built-in configuration)"),
    }
    let mut fingerprints: Vec<&String> = suppression.fingerprints.iter().collect();
    fingerprints.sort();
    for fingerprint in fingerprints {
        part(fingerprint.as_bytes());
    }
    let options = format!(
        "max_file_size={max_file_size} decode={decode} min_confidence={} all_objects={} \
         no_dedup={} no_messages={} refs={:?} shard={:?}",
        suppression.min_confidence.as_str(),
        request.all_objects,
        request.no_dedup,
        request.no_messages,
        request.refs,
        request.shard.map(|s| s.to_string()),
    );
    part(options.as_bytes());
    faster_hex::hex_string(&hasher.finalize())
}

/// The configuration: the file given, else the scanned tree's own
/// `.leakhound.yml` (never through a symlink, see
/// [`crate::config::read_tree_file`]), else the built-in rules. The
/// second is the scanned repository's: whatever it turns off is said on
/// the summary line (`repository_config`), not only honoured.
fn load_config(explicit: Option<&Path>, root: &Path) -> anyhow::Result<(Config, bool)> {
    let (config, own) = match explicit {
        Some(path) => (Config::load(path)?, false),
        None => {
            let path = root.join(CONFIG_FILE);
            let text = read_tree_file(root, CONFIG_FILE)
                .with_context(|| format!("cannot read {}", path.display()))?;
            match text {
                Some(text) => {
                    let mut config = Config::parse(&path, &text)?;
                    config.narrowing.file = CONFIG_FILE.to_owned();
                    (config, true)
                }
                None => (Config::builtin()?, false),
            }
        }
    };
    if let Some(file) = &config.file {
        log::info!("using configuration {}", file.display());
    }
    Ok((config, own))
}

/// The suppressions of a scan: the configuration's allowlisted paths, the
/// ignore file at the root, the baseline, the minimum confidence.
fn suppression(request: &ScanRequest, config: &Config, root: &Path) -> anyhow::Result<Suppression> {
    let mut fingerprints = std::collections::HashSet::new();
    let ignore_file = root.join(IGNORE_FILE);
    let text = read_tree_file(root, IGNORE_FILE)
        .with_context(|| format!("cannot read {}", ignore_file.display()))?;
    if let Some(text) = text {
        fingerprints = parse_ignore_file(&ignore_file, &text);
    }
    if let Some(path) = &request.baseline {
        fingerprints.extend(
            crate::suppress::baseline::read(path).map_err(|e| anyhow::anyhow!("--baseline {e}"))?,
        );
    }
    Ok(Suppression {
        paths: config.allowlist.paths.clone(),
        fingerprints,
        min_confidence: request
            .min_confidence
            .or(config.min_confidence)
            .unwrap_or(DEFAULT_MIN_CONFIDENCE),
    })
}
