//! `leakhound scan`.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};

use crate::cli::{GlobalArgs, MinConfidence, OutputFormat, ScanArgs};
use leakhound::config::{CONFIG_FILE, Config, IGNORE_FILE, read_ignore_file};
use leakhound::finding::Finding;
use leakhound::matcher::Engine;
use leakhound::report::{self, Format, ReportOptions};
use leakhound::rules::Confidence;
use leakhound::scan::Summary;
use leakhound::source::git::{self, GitOptions};
use leakhound::source::{self, fs::FsOptions};

/// Default for `--min-confidence`: test keys, documented examples and weak
/// generic matches are left out unless asked for.
const DEFAULT_MIN_CONFIDENCE: Confidence = Confidence::Medium;

/// Default for `--max-file-size`.
const DEFAULT_MAX_FILE_SIZE: u64 = 64 << 20;

/// `leakhound baseline`: a scan whose report is the baseline file.
pub fn baseline(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    run_with(global, args, true)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    run_with(global, args, false)
}

fn run_with(global: &GlobalArgs, args: &ScanArgs, baseline: bool) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let path = &args.paths[0];
    let stdin = path.as_os_str() == "-";
    if stdin && args.paths.len() > 1 {
        bail!("`-` (standard input) cannot be scanned together with other paths");
    }
    for p in &args.paths {
        if !stdin && !p.exists() && !p.is_symlink() {
            bail!("cannot scan '{}': no such file or directory", p.display());
        }
    }
    // Several paths (say, the file names a pre-commit framework passes) are
    // scanned as files.
    let repo = if stdin || args.no_git || args.paths.len() > 1 || !path.is_dir() {
        None
    } else {
        git::open(path)?
    };
    let git_only = args.staged
        || args.range.is_some()
        || args.all_objects
        || !args.refs.is_empty()
        || args.no_dedup;
    if repo.is_none() && git_only {
        bail!(
            "--staged, --range, --all-objects, --ref and --no-dedup need a git repository; '{}' is not one",
            path.display()
        );
    }
    let root = match (&repo, stdin) {
        (Some(repo), _) => git::project_root(repo),
        (None, true) => source::project_root(Path::new(".")),
        (None, false) => source::project_root(path),
    };
    let config = load_config(args, &root)?;
    let max_file_size = args
        .max_file_size
        .or(config.max_file_size)
        .unwrap_or(DEFAULT_MAX_FILE_SIZE);
    let mut allowlist = config.allowlist;
    let ignore_file = root.join(IGNORE_FILE);
    if ignore_file.is_file() {
        allowlist.fingerprints = read_ignore_file(&ignore_file)
            .with_context(|| format!("cannot read {}", ignore_file.display()))?;
    }
    if let Some(path) = &args.baseline {
        allowlist.fingerprints.extend(
            leakhound::baseline::read(path).map_err(|e| anyhow::anyhow!("--baseline {e}"))?,
        );
    }
    let decode = !args.no_decode && config.decode.unwrap_or(true);
    let engine = Engine::new(&config.rules, allowlist).with_decoding(decode);
    let min_confidence = match args.min_confidence {
        Some(MinConfidence::Low) => Confidence::Low,
        Some(MinConfidence::Medium) => Confidence::Medium,
        Some(MinConfidence::High) => Confidence::High,
        None => config.min_confidence.unwrap_or(DEFAULT_MIN_CONFIDENCE),
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()
        .context("cannot start worker threads")?;
    let (findings, mut summary) = pool.install(|| -> anyhow::Result<_> {
        if let (Some(repo), true) = (&repo, args.staged) {
            match git::scan_staged(&engine, repo, max_file_size)? {
                Some(result) => Ok(result),
                None => {
                    log::warn!("nothing is staged: no changes to scan");
                    Ok(Default::default())
                }
            }
        } else if let (Some(repo), Some(range)) = (&repo, &args.range) {
            git::scan_range(&engine, repo, range, max_file_size)
        } else if let Some(repo) = repo {
            let options = GitOptions {
                max_file_size,
                all_objects: args.all_objects,
                refs: args.refs.clone(),
                no_dedup: args.no_dedup,
                progress: !args.no_progress && !global.quiet,
                read_one_by_one: false,
            };
            git::scan(&engine, repo, &options)
        } else if stdin {
            source::fs::scan_reader(&engine, std::io::stdin().lock(), max_file_size)
                .context("cannot read standard input")
        } else {
            let options = FsOptions {
                root,
                max_file_size,
                respect_ignore: !args.no_ignore,
            };
            Ok(args
                .paths
                .iter()
                .map(|p| source::fs::scan_path(&engine, p, &options))
                .fold(Default::default(), leakhound::scan::merge))
        }
    })?;
    let findings = filter_confidence(findings.into_sorted(), min_confidence, &mut summary);
    summary.findings = findings.len();
    summary.locations = findings.iter().map(|f| f.locations.len()).sum();
    write_report(args, &findings, &summary, baseline)?;
    if !global.quiet {
        eprintln!("leakhound: {}", summary.line(started.elapsed()));
    }
    Ok(if findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn load_config(args: &ScanArgs, root: &Path) -> anyhow::Result<Config> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => {
            let path = root.join(CONFIG_FILE);
            if path.is_file() {
                Config::load(&path)?
            } else {
                Config::builtin()?
            }
        }
    };
    if let Some(file) = &config.file {
        log::info!("using configuration {}", file.display());
    }
    Ok(config)
}

/// Keeps the locations of at least `min` confidence, and the findings that
/// still have one.
fn filter_confidence(
    findings: Vec<Finding>,
    min: Confidence,
    summary: &mut Summary,
) -> Vec<Finding> {
    findings
        .into_iter()
        .filter_map(|mut f| {
            let before = f.locations.len();
            f.locations.retain(|l| l.confidence >= min);
            summary.below_min_confidence += (before - f.locations.len()) as u64;
            (!f.locations.is_empty()).then_some(f)
        })
        .collect()
}

fn write_report(
    args: &ScanArgs,
    findings: &[Finding],
    summary: &Summary,
    baseline: bool,
) -> anyhow::Result<()> {
    let format = match args.format {
        _ if baseline => Format::Baseline,
        OutputFormat::Human => Format::Human,
        OutputFormat::Json => Format::Json,
        OutputFormat::Jsonl => Format::Jsonl,
        OutputFormat::Sarif => Format::Sarif,
        OutputFormat::Csv => Format::Csv,
    };
    let options = ReportOptions {
        format,
        redact: args.redact,
    };
    match &args.output {
        Some(path) => {
            let file = create_private(path)
                .with_context(|| format!("cannot create report file {}", path.display()))?;
            let mut out = BufWriter::new(anstream::StripStream::new(file));
            report::write(&mut out, options, findings, summary)
                .and_then(|()| out.flush())
                .with_context(|| format!("cannot write report file {}", path.display()))?;
        }
        None => {
            let mut out = anstream::stdout().lock();
            report::write(&mut out, options, findings, summary)
                .and_then(|()| out.flush())
                .context("cannot write the report to stdout")?;
        }
    }
    Ok(())
}

/// Creates (or truncates) a file readable and writable by its owner only:
/// reports hold secrets.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
