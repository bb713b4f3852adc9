//! `leakhound scan`.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;

use crate::cli::{BaselineArgs, CommonArgs, GlobalArgs, ScanArgs};
use leakhound::datastore::{self, Datastore};
use leakhound::finding::Finding;
use leakhound::output::PrivateFile;
use leakhound::report::{self, Format, ReportOptions};
use leakhound::scan::{Outcome, ScanPlan, ScanRequest};
use leakhound::summary::Summary;

/// `leakhound baseline`: a scan whose report is the baseline file.
pub fn baseline(global: &GlobalArgs, args: &BaselineArgs) -> anyhow::Result<ExitCode> {
    if let Some(option) = args.report_option() {
        anyhow::bail!(
            "{option} does not apply to `leakhound baseline`: a baseline has one format, holds \
             no secrets and checks none (for a report, use `leakhound scan`)"
        );
    }
    run_with(global, &args.common, None)?;
    Ok(ExitCode::SUCCESS)
}

pub fn run(global: &GlobalArgs, args: &ScanArgs) -> anyhow::Result<ExitCode> {
    run_with(global, &args.common, Some(args))
}

/// A scan, and its report: `scan`'s (`report` given) or a baseline.
fn run_with(
    global: &GlobalArgs,
    args: &CommonArgs,
    report: Option<&ScanArgs>,
) -> anyhow::Result<ExitCode> {
    if super::targets::wanted(args) {
        return super::targets::run(global, args, report);
    }
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    let plan = ScanPlan::new(&request(global, args))?;
    crate::logger::mask_with(plan.engine.clone());
    let rule_ids: Vec<String> = plan
        .engine
        .rules()
        .iter()
        .map(|r| r.id().to_owned())
        .collect();
    let (store, how) = datastore(report)?;
    let mut outcome = match (store, how) {
        (Some(mut store), Some(how)) => {
            let identity = datastore::local_identity(&plan)?;
            datastore::scan(&mut store, plan, &identity, &how)?
        }
        _ => plan.run()?,
    };
    if let Some(scan) = report
        && (scan.validate || scan.only_valid)
    {
        validate(scan, &mut outcome.findings, &mut outcome.summary)?;
    }
    let options = ReportOptions {
        started: started_at,
        ..report_options(report)
    };
    write_report(args.output.as_deref(), options, &outcome)?;
    if !global.quiet {
        // The summary names inputs by path: a path can hold a secret.
        let masker = report::Masker::new(&outcome.secrets, &outcome.findings, options.redact);
        let summary = masker.summary(&outcome.summary, report::View::People);
        eprintln!("leakhound: {}", summary.line(started.elapsed()));
        if args.staged && !outcome.findings.is_empty() && report.is_some() {
            blocked(&outcome.findings);
        }
    }
    if let Some(stats) = &outcome.summary.stats {
        let ids: Vec<&str> = rule_ids.iter().map(String::as_str).collect();
        eprint!("{}", stats.table(&ids, 20));
    }
    // A scan that could not read part of the repository does not pass,
    // whatever it found in the rest: the report stands, the status is 2.
    let unread = outcome.summary.unread_objects;
    if unread > 0 {
        let names = &outcome.summary.unread_object_ids;
        let shown = names.iter().take(3).cloned().collect::<Vec<_>>().join(", ");
        let more = unread.saturating_sub(names.len().min(3) as u64);
        anyhow::bail!(
            "the scan is incomplete: {unread} git object{} could not be read ({shown}{}); \
             `git fsck` tells what is damaged",
            if unread == 1 { "" } else { "s" },
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        );
    }
    Ok(if outcome.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The datastore `--datastore` names, opened, and how the scan uses it.
pub(super) fn datastore(
    report: Option<&ScanArgs>,
) -> anyhow::Result<(Option<Datastore>, Option<datastore::Options>)> {
    let Some((scan, path)) = report.and_then(|s| Some((s, s.datastore.as_ref()?))) else {
        return Ok((None, None));
    };
    let store = Datastore::open(path)?;
    let how = datastore::Options {
        redact: scan.redact,
        new_only: scan.new_only,
        now: datastore::now()?,
    };
    Ok((Some(store), Some(how)))
}

/// What a pre-commit scan that found something says on stderr, whatever
/// the format and wherever the report goes: the person committing reads
/// the terminal, and git shows a hook's stderr there.
fn blocked(findings: &[Finding]) {
    let n = findings.len();
    eprintln!(
        "leakhound: this commit is blocked: the staged changes add {n} finding{}.",
        if n == 1 { "" } else { "s" }
    );
    for step in report::next_steps(findings) {
        eprintln!("leakhound:   {step}");
    }
    eprintln!(
        "leakhound:   to commit anyway, once (the secret then goes into the history): git commit --no-verify"
    );
}

/// Environment variable naming a loopback server (`http://127.0.0.1:PORT`)
/// that receives every validation request instead of the providers: for
/// tests. Anything but a loopback address is refused.
const VALIDATE_BASE_ENV: &str = "LEAKHOUND_VALIDATE_BASE_URL";

/// Checks the findings with their providers; with --only-valid, keeps the
/// valid ones.
#[cfg(feature = "validate")]
pub(super) fn validate(
    args: &ScanArgs,
    findings: &mut Vec<Finding>,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let options = leakhound::validate::Options {
        timeout: std::time::Duration::from_secs(args.validate_timeout.max(1)),
        concurrency: args.validate_concurrency.max(1),
        loopback_base: std::env::var(VALIDATE_BASE_ENV).ok(),
        ..leakhound::validate::Options::default()
    };
    summary.validation = Some(leakhound::validate::validate(findings, &options)?);
    if args.only_valid {
        findings.retain(|f| {
            f.validation
                .as_ref()
                .is_some_and(|v| v.state == leakhound::validate::State::Valid)
        });
    }
    Ok(())
}

#[cfg(not(feature = "validate"))]
pub(super) fn validate(_: &ScanArgs, _: &mut Vec<Finding>, _: &mut Summary) -> anyhow::Result<()> {
    let _ = VALIDATE_BASE_ENV;
    anyhow::bail!(
        "this leakhound was built without the `validate` feature, so --validate and --only-valid are unavailable"
    )
}

/// The library's request for these flags.
pub(super) fn request(global: &GlobalArgs, args: &CommonArgs) -> ScanRequest {
    ScanRequest {
        paths: args.paths.clone(),
        no_git: args.no_git,
        staged: args.staged,
        range: args.range.clone(),
        all_objects: args.all_objects,
        refs: args.refs.clone(),
        no_dedup: args.no_dedup,
        no_messages: args.no_messages,
        config: args.config.clone(),
        baseline: args.baseline.clone(),
        max_file_size: args.max_file_size,
        no_decode: args.no_decode,
        min_confidence: args.min_confidence,
        no_ignore: args.no_ignore,
        threads: args.threads,
        progress: !args.no_progress && !global.quiet,
        no_memo: args.no_memo,
        stats: args.stats,
        report: args.output.clone(),
        shard: None,
        progress_bar: None,
    }
}

/// The report's format and masking: `scan`'s flags, or a baseline.
pub(super) fn report_options(scan: Option<&ScanArgs>) -> ReportOptions {
    let Some(scan) = scan else {
        return ReportOptions::new(Format::Baseline, false);
    };
    ReportOptions::new(scan.format, scan.redact)
}

pub(super) fn write_report(
    output: Option<&Path>,
    options: ReportOptions,
    outcome: &Outcome,
) -> anyhow::Result<()> {
    match output {
        Some(path) => {
            crate::signals::clean_up_on_interrupt();
            let context = || format!("cannot write report file {}", path.display());
            let mut file = PrivateFile::create(path)
                .with_context(|| format!("cannot create report file {}", path.display()))?;
            let mut out = BufWriter::new(anstream::StripStream::new(file.file()));
            report::write(&mut out, options, outcome)
                .and_then(|()| out.flush())
                .with_context(context)?;
            drop(out);
            file.commit().with_context(context)?;
        }
        None => {
            let mut out = anstream::stdout().lock();
            report::write(&mut out, options, outcome)
                .and_then(|()| out.flush())
                .context("cannot write the report to stdout")?;
        }
    }
    Ok(())
}
