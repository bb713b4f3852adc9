//! `leakhound scan TARGET...` with several targets: the list (arguments,
//! `--targets-from`, organisations), the shard, the run, the report, and
//! the exit status.
//!
//! Exit status: as for one target (0 clean, 1 findings), but 2 whenever a
//! target could not be scanned, or not in full: the report of the others
//! is still written, and stderr names each failed target. A run that
//! scanned no target at all is an error too, unless a shard was left with
//! none of them.

use std::process::ExitCode;
use std::time::Instant;

use crate::cli::{CommonArgs, GlobalArgs, ScanArgs, ShardByArg};
use leakhound::report::{self, ReportOptions};
use leakhound::scan::ShardBy;
use leakhound::targets::{self, Target};

/// Whether the command line asks for a scan of several targets, rather
/// than of one path (or of several files, as a pre-commit framework
/// passes them).
pub fn wanted(args: &CommonArgs) -> bool {
    let t = &args.targets;
    if t.targets_from.is_some() || t.forges() || t.shard.is_some() {
        return true;
    }
    let parsed: Vec<Target> = args
        .paths
        .iter()
        .map(|p| Target::parse(&p.to_string_lossy()))
        .collect();
    if parsed.iter().any(|t| matches!(t, Target::Url(_))) {
        return true;
    }
    args.paths.len() > 1
        && !args.no_git
        && args
            .paths
            .iter()
            .any(|p| p.is_dir() && leakhound::source::git::open(p).ok().flatten().is_some())
}

/// The scan of several targets.
pub fn run(
    global: &GlobalArgs,
    args: &CommonArgs,
    report: Option<&ScanArgs>,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let started_at = std::time::SystemTime::now();
    crate::signals::clean_up_on_interrupt();
    if args.staged || args.range.is_some() {
        anyhow::bail!(
            "--staged and --range scan one repository: give one path, without --targets-from, \
             --shard or an organisation"
        );
    }
    let list = list(args)?;
    if list.is_empty() {
        anyhow::bail!("no targets to scan: the list is empty");
    }
    if list
        .iter()
        .any(|t| matches!(t, Target::Path(p) if p.as_os_str() == "-"))
    {
        anyhow::bail!("`-` (standard input) cannot be scanned together with other targets");
    }
    let shard = args.targets.shard.map(|shard| {
        let by = match args.targets.shard_by {
            Some(ShardByArg::Targets) => ShardBy::Targets,
            Some(ShardByArg::Blobs) => ShardBy::Blobs,
            None if list.len() == 1 => ShardBy::Blobs,
            None => ShardBy::Targets,
        };
        (shard, by)
    });
    let request = super::scan::request(global, args);
    let (mut store, datastore) = super::scan::datastore(report)?;
    let options = targets::run::Options {
        shard,
        progress: request.progress,
        datastore,
    };
    let mut masking = false;
    let mut done = targets::run(&list, &request, &options, store.as_mut(), |plan| {
        if !masking {
            crate::logger::mask_with(plan.engine.clone());
            masking = true;
        }
    });
    if let Some((shard, ShardBy::Targets)) = shard {
        log::info!("shard {shard}: {} of {} targets", done.targets, list.len());
    }
    let outcome = &mut done.outcome;
    if let Some(scan) = report
        && (scan.validate || scan.only_valid)
    {
        super::scan::validate(scan, &mut outcome.findings, &mut outcome.summary)?;
    }
    let options = ReportOptions {
        started: started_at,
        ..super::scan::report_options(report)
    };
    super::scan::write_report(args.output.as_deref(), options, outcome)?;
    if !global.quiet {
        let masker = report::Masker::new(&outcome.secrets, &outcome.findings, options.redact);
        let summary = masker.summary(&outcome.summary, report::View::People);
        eprintln!(
            "leakhound: {} target{}: {}",
            done.targets,
            if done.targets == 1 { "" } else { "s" },
            summary.line(started.elapsed())
        );
    }
    for failure in &done.failures {
        eprintln!(
            "leakhound: error: {}: {}",
            crate::logger::clean(&failure.target),
            crate::logger::clean(&failure.error)
        );
    }
    let failed = done.failures.len();
    if failed > 0 {
        anyhow::bail!(
            "{failed} of {} target{} could not be scanned{}",
            done.targets,
            if done.targets == 1 { "" } else { "s" },
            if failed == done.targets {
                String::new()
            } else {
                " in full; the report has the others".to_owned()
            }
        );
    }
    if done.targets == 0 {
        log::warn!(
            "this shard has none of the {} targets: nothing to scan",
            list.len()
        );
    }
    Ok(if outcome.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The targets: the arguments, then the list file, then the
/// organisations; each once.
fn list(args: &CommonArgs) -> anyhow::Result<Vec<Target>> {
    let t = &args.targets;
    let given_paths = args.paths.len() != 1 || args.paths[0].as_os_str() != ".";
    let mut list: Vec<Target> = Vec::new();
    // The default `.` is a target only when nothing else names one.
    if given_paths || (t.targets_from.is_none() && !t.forges()) {
        list.extend(
            args.paths
                .iter()
                .map(|p| Target::parse(&p.to_string_lossy())),
        );
    }
    if let Some(file) = &t.targets_from {
        list.extend(targets::read_list(file)?);
    }
    list.extend(super::forges::list(t)?);
    Ok(targets::distinct(list))
}
