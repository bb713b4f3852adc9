//! One module per subcommand.

mod explain;
mod forges;
mod hook;
mod import;
mod man;
mod merge;
mod rules;
mod scan;
mod targets;

use std::process::ExitCode;

use crate::cli::{Cli, ColorWhen, Command, HookCommand};

/// Runs the command line's subcommand.
pub fn run(cli: &Cli) -> anyhow::Result<ExitCode> {
    let choice = match cli.global.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    match &cli.command {
        Command::Scan(args) => scan::run(&cli.global, args),
        Command::Baseline(args) => scan::baseline(&cli.global, args),
        Command::Rules(command) => rules::run(command),
        Command::Hook(HookCommand::Install { path, force }) => hook::install(path, *force),
        Command::Explain(args) => explain::run(args),
        Command::Completions { shell } => man::completions(*shell),
        Command::Man => man::man(),
        Command::Import(command) => import::run(&cli.global, command),
        Command::Merge(args) => merge::run(args),
    }
}
