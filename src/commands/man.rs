//! `leakhound completions SHELL` and `leakhound man`: generated from the
//! command-line definition, so they never drift from `--help`.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::CommandFactory;
use clap_mangen::roff::{Roff, bold, roman};

use crate::cli::Cli;

/// Writes the completion script for `shell` to stdout.
pub fn completions(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(shell, &mut command, "leakhound", &mut out);
    out.flush().context("cannot write the completion script")?;
    Ok(ExitCode::SUCCESS)
}

/// Writes the manual page to stdout.
pub fn man() -> anyhow::Result<ExitCode> {
    let page = render().context("cannot render the manual page")?;
    let mut out = std::io::stdout().lock();
    out.write_all(&page)
        .and_then(|()| out.flush())
        .context("cannot write the manual page")?;
    Ok(ExitCode::SUCCESS)
}

/// One page for the whole tool: the usual sections for `leakhound` itself,
/// then a section per subcommand (`LEAKHOUND SCAN`, `LEAKHOUND RULES
/// LIST`, …) with its synopsis, description and options, so that `man
/// leakhound` answers every question `--help` does.
pub fn render() -> std::io::Result<Vec<u8>> {
    let mut command = Cli::command().disable_help_subcommand(true);
    command.build();
    let globals: Vec<String> = command
        .get_arguments()
        .filter(|a| a.is_global_set())
        .map(|a| a.get_id().to_string())
        .collect();
    let top = clap_mangen::Man::new(command.clone());
    let mut page = Vec::new();
    top.render_title(&mut page)?;
    top.render_name_section(&mut page)?;
    top.render_synopsis_section(&mut page)?;
    top.render_description_section(&mut page)?;
    top.render_options_section(&mut page)?;
    let mut leaves = Vec::new();
    collect_leaves(&command, &mut leaves);
    // The list of commands points at their sections below, not at pages of
    // their own (clap_mangen's list names `leakhound-scan(1)`).
    let mut list = Roff::default();
    list.control("SH", ["COMMANDS"]);
    for leaf in &leaves {
        list.control("TP", []);
        list.text([bold(leaf.get_bin_name().unwrap_or_else(|| leaf.get_name()))]);
        if let Some(about) = leaf.get_about() {
            list.text([roman(about.to_string())]);
        }
    }
    list.to_writer(&mut page)?;
    for leaf in leaves {
        render_command(&mut page, leaf, &globals)?;
    }
    top.render_version_section(&mut page)?;
    Ok(page)
}

/// The commands that run something (`rules list`, not `rules`), in the
/// order they are defined.
fn collect_leaves<'a>(command: &'a clap::Command, out: &mut Vec<&'a clap::Command>) {
    for sub in command
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        if sub.has_subcommands() {
            collect_leaves(sub, out);
        } else {
            out.push(sub);
        }
    }
}

/// The section of one command.
fn render_command(
    page: &mut Vec<u8>,
    command: &clap::Command,
    globals: &[String],
) -> std::io::Result<()> {
    let name = command
        .get_bin_name()
        .unwrap_or_else(|| command.get_name())
        .to_uppercase();
    // The global options are described once, at the top.
    let mut command = command.clone();
    for id in globals {
        command = command.mut_arg(id, |a| a.hide(true));
    }
    let man = clap_mangen::Man::new(command);
    let mut parts = Vec::new();
    man.render_synopsis_section(&mut parts)?;
    man.render_description_section(&mut parts)?;
    man.render_options_section(&mut parts)?;
    writeln!(page, ".SH \"{name}\"")?;
    // The parts' own headings become subsections of this one.
    for line in String::from_utf8_lossy(&parts).lines() {
        match line.strip_prefix(".SH ") {
            Some(heading) => {
                let heading = heading.trim_matches('"');
                let mut title = heading.to_lowercase();
                if let Some(first) = title.get_mut(..1) {
                    first.make_ascii_uppercase();
                }
                writeln!(page, ".SS \"{title}\"")?;
            }
            None => writeln!(page, "{line}")?,
        }
    }
    Ok(())
}
