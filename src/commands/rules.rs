//! `leakhound rules list|check`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use crate::cli::{ListFormat, RulesCommand};
use leakhound::check;
use leakhound::config::Config;
use leakhound::rules::{RuleSet, parse_file};

pub fn run(command: &RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::List { format, config } => list(*format, config.as_deref()),
        RulesCommand::Check { file } => check(file.as_deref()),
    }
}

#[derive(Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    name: &'a str,
    confidence: &'static str,
    keywords: &'a [String],
    file: String,
}

fn list(format: ListFormat, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let config = match config {
        Some(path) => Config::load(path)?,
        None => Config::builtin()?,
    };
    let rows: Vec<RuleRow<'_>> = config
        .rules
        .rules()
        .iter()
        .map(|r| RuleRow {
            id: r.id(),
            name: &r.syntax.name,
            confidence: r.syntax.confidence.as_str(),
            keywords: &r.syntax.keywords,
            file: r.file.display().to_string(),
        })
        .collect();
    let mut out = anstream::stdout().lock();
    match format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Table => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(2);
            writeln!(out, "{:width$}  {:10}  NAME", "ID", "CONFIDENCE")?;
            for row in &rows {
                writeln!(
                    out,
                    "{:width$}  {:10}  {}",
                    row.id, row.confidence, row.name
                )?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check(file: Option<&Path>) -> anyhow::Result<ExitCode> {
    let mut set = RuleSet::builtin().context("the built-in rules do not load")?;
    let problems = match file {
        None => check::check(&set, |_| true),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read rule file {}", path.display()))?;
            let rules = parse_file(path, &text)?;
            let ids: Vec<String> = rules.iter().map(|r| r.id().to_owned()).collect();
            // A file that redefines built-in rules (an edited copy of a
            // patterns/ file) replaces them.
            set.disable(&ids);
            set.extend(rules)?;
            check::check(&set, |r| {
                ids.iter().any(|id| id == r.id()) && r.file == path
            })
        }
    };
    let checked = match file {
        None => set.len(),
        Some(path) => set.rules().iter().filter(|r| r.file == path).count(),
    };
    for problem in &problems {
        eprintln!(
            "leakhound: {}",
            leakhound::text::escape_lines(&problem.to_string())
        );
    }
    let rules = if checked == 1 { "rule" } else { "rules" };
    match problems.len() {
        0 => {
            eprintln!("leakhound: {checked} {rules} checked: no problems");
            Ok(ExitCode::SUCCESS)
        }
        n => {
            eprintln!(
                "leakhound: {checked} {rules} checked: {n} problem{}",
                if n == 1 { "" } else { "s" }
            );
            Ok(ExitCode::from(1))
        }
    }
}
