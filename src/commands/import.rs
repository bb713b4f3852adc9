//! `leakhound import gitleaks|detect-secrets`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{GlobalArgs, ImportCommand};
use leakhound::import::{self, FileWrite, Report};
use leakhound::text::escape_lines;

pub fn run(global: &GlobalArgs, command: &ImportCommand) -> anyhow::Result<ExitCode> {
    let (writes, report, dry_run) = match command {
        ImportCommand::Gitleaks {
            path,
            config,
            ignore,
            dry_run,
        } => {
            let options = import::gitleaks::Options {
                path: path.clone(),
                config: config.clone(),
                ignore: ignore.clone(),
            };
            let (writes, report) = import::gitleaks::import(&options)?;
            (writes, report, *dry_run)
        }
        ImportCommand::DetectSecrets {
            path,
            baseline,
            output,
            include_real_secrets,
            dry_run,
        } => {
            let options = import::detect_secrets::Options {
                path: path.clone(),
                baseline: baseline.clone(),
                output: output.clone(),
                include_real: *include_real_secrets,
            };
            let (writes, report) = import::detect_secrets::import(&options)?;
            (writes, report, *dry_run)
        }
    };
    if dry_run {
        let mut out = anstream::stdout().lock();
        for write in &writes {
            let state = if write.existed { "updated" } else { "new" };
            writeln!(out, "# {} ({state})", write.path.display())?;
            out.write_all(write.contents.as_bytes())?;
        }
        out.flush()?;
    } else {
        for write in &writes {
            save(write)?;
        }
    }
    if !global.quiet {
        summary(&report, &writes, dry_run);
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the whole file through a new owner-only temporary file beside
/// it, renamed into place (see [`leakhound::output`]): an interrupted
/// import leaves the old file whole, and a symlink at the path is replaced,
/// not followed.
fn save(write: &FileWrite) -> anyhow::Result<()> {
    crate::signals::clean_up_on_interrupt();
    leakhound::output::write(&write.path, write.contents.as_bytes())
        .with_context(|| format!("cannot write {}", write.path.display()))
}

fn summary(report: &Report, writes: &[FileWrite], dry_run: bool) {
    let say = |text: String| eprintln!("leakhound: {}", escape_lines(&text));
    for line in &report.imported {
        say(format!("imported {line}"));
    }
    for note in &report.skipped {
        say(format!("skipped {note}"));
    }
    for note in &report.unmatched {
        say(format!("unmatched {note}"));
    }
    for note in &report.real {
        say(format!("real secret {note}"));
    }
    for hint in &report.hints {
        say(format!("note: {hint}"));
    }
    let files: Vec<String> = writes
        .iter()
        .map(|w| w.path.display().to_string())
        .collect();
    let written = match (files.is_empty(), dry_run) {
        (true, _) => "nothing written".to_owned(),
        (false, true) => format!("would write {} (dry run)", files.join(", ")),
        (false, false) => format!("wrote {}", files.join(", ")),
    };
    let real = if report.real.is_empty() {
        String::new()
    } else {
        format!(", {} real secrets left out", report.real.len())
    };
    say(format!(
        "{} imported, {} skipped, {} unmatched{real}; {written}",
        report.imported.len(),
        report.skipped.len(),
        report.unmatched.len()
    ));
}
