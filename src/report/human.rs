//! The human-readable report.
//!
//! Secrets are partly masked unless `--redact` hides them entirely (see
//! [`super::mask`]: wherever they appear, paths and commits included); control
//! characters from paths, snippets or secrets are escaped so that nothing in
//! a scanned file can drive the terminal.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::finding::State;
use crate::finding::{Finding, GitLocation, Location};
use crate::rules::Confidence;
use crate::text::escape;

const RULE: Style = Style::new().bold();
const PATH: Style = AnsiColor::Magenta.on_default();
const SECRET: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Writes the findings, masked (see [`super::mask`]), then what to do
/// about them.
pub fn write(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    for finding in findings {
        write_finding(w, finding)?;
    }
    if !findings.is_empty() {
        writeln!(w, "{RULE}Next steps{RULE:#}")?;
        for step in next_steps(findings) {
            writeln!(w, "  {step}")?;
        }
    }
    Ok(())
}

/// What to do about findings: how to allow a false positive, and how to
/// see why a rule matched (and how to revoke what it found).
pub fn next_steps(findings: &[Finding]) -> Vec<String> {
    let mut rules: Vec<&str> = findings.iter().map(|f| f.rule.id()).collect();
    rules.sort_unstable();
    rules.dedup();
    let explain = match rules[..] {
        [rule] => format!("leakhound explain {rule}"),
        _ => format!("leakhound explain RULE (here: {})", rules.join(", ")),
    };
    vec![
        format!(
            "a false positive? put `{}` on its line, or add its fingerprint (shown with each location) as a line of {}",
            crate::suppress::INLINE_ALLOW_MARKERS[0],
            crate::suppress::IGNORE_FILE
        ),
        format!("why it was found, and how to revoke a leaked credential: {explain}"),
    ]
}

fn write_finding(w: &mut dyn Write, finding: &Finding) -> io::Result<()> {
    let rule = &finding.rule.syntax;
    let level = finding.confidence();
    let confidence = match level {
        Confidence::High => AnsiColor::Red.on_default(),
        Confidence::Medium => AnsiColor::Yellow.on_default(),
        Confidence::Low => DIM,
    };
    writeln!(
        w,
        "{RULE}{}{RULE:#} {DIM}[{}]{DIM:#} {confidence}{}{confidence:#}",
        escape(&rule.name),
        rule.id,
        level
    )?;
    writeln!(
        w,
        "  secret {SECRET}{}{SECRET:#}",
        escape(&finding.secret_text())
    )?;
    if let Some(checked) = &finding.validation {
        let style = match checked.state {
            State::Valid => AnsiColor::Red.on_default().bold(),
            State::Invalid => DIM,
            State::Unknown | State::Error => AnsiColor::Yellow.on_default(),
        };
        writeln!(
            w,
            "  validation {style}{}{style:#} {DIM}({}){DIM:#}",
            checked.state,
            escape(&checked.detail)
        )?;
    }
    for location in &finding.locations {
        let repository = location
            .repository
            .as_deref()
            .map(|r| format!("{} ", escape(r)))
            .unwrap_or_default();
        writeln!(
            w,
            "  {repository}{PATH}{}{PATH:#}:{}:{}{DIM}{}  fingerprint {}{DIM:#}",
            escape(&location.path),
            location.line,
            location.column,
            annotation(location),
            location.fingerprint
        )?;
        if let Some(git) = &location.git {
            write_git(w, git)?;
        }
        writeln!(w, "    {DIM}{}{DIM:#}", escape(location.snippet.trim()))?;
    }
    writeln!(w)
}

/// ` (test, decoded from base64)`: what lowered the location's confidence and what
/// had to be decoded to see the secret.
fn annotation(location: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(context) = location.context {
        parts.push(context.as_str().to_owned());
    }
    if !location.decoded.is_empty() {
        let chain: Vec<&str> = location.decoded.iter().map(|e| e.as_str()).collect();
        parts.push(format!("decoded from {}", chain.join(", then ")));
    }
    if let Some(note) = &location.note {
        parts.push(escape(note));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(", "))
    }
}

fn write_git(w: &mut dyn Write, git: &GitLocation) -> io::Result<()> {
    let head = if git.in_head {
        "still in HEAD"
    } else {
        "not in HEAD"
    };
    if let Some(tag) = &git.tag {
        let commit = git.commit.as_deref().unwrap_or("?");
        return writeln!(
            w,
            "    {DIM}tag {} on commit {} by {} <{}> on {}: {}{DIM:#}",
            escape(tag),
            &commit[..commit.len().min(12)],
            escape(git.author.as_deref().unwrap_or("?")),
            escape(git.email.as_deref().unwrap_or("?")),
            git.date.as_deref().unwrap_or("?"),
            escape(git.summary.as_deref().unwrap_or("")),
        );
    }
    match &git.commit {
        Some(commit) => writeln!(
            w,
            "    {DIM}commit {} by {} <{}> on {}: {} ({head}){DIM:#}",
            &commit[..commit.len().min(12)],
            escape(git.author.as_deref().unwrap_or("?")),
            escape(git.email.as_deref().unwrap_or("?")),
            git.date.as_deref().unwrap_or("?"),
            escape(git.summary.as_deref().unwrap_or("")),
        ),
        None => writeln!(w, "    {DIM}blob {} ({head}){DIM:#}", git.blob),
    }
}
