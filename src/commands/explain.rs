//! `leakhound explain RULE`: what a rule finds and what to do when a
//! credential of its kind has leaked.

use std::io::Write;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::cli::{ExplainArgs, ExplainFormat};
use leakhound::config::Config;
use leakhound::rules::Rule;
use leakhound::rules::advice::{self, Rotation};
use leakhound::text::escape;

#[derive(Serialize)]
struct Explained<'a> {
    id: &'a str,
    name: &'a str,
    confidence: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    keywords: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    checksum: Option<String>,
    references: &'a [String],
    file: String,
    rotation: Rotation<'a>,
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    let config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::builtin().context("the built-in rules do not load")?,
    };
    let ids: Vec<&str> = config.rules.rules().iter().map(|r| r.id()).collect();
    let Some(rule) = config.rules.get(&args.rule) else {
        let wanted = escape(&args.rule);
        let suggestions = closest(&args.rule, &ids);
        if suggestions.is_empty() {
            bail!("no rule has the id '{wanted}' (see `leakhound rules list`)");
        }
        bail!(
            "no rule has the id '{wanted}'; did you mean {}? (see `leakhound rules list`)",
            suggestions.join(", ")
        );
    };
    let explained = explain(rule);
    let mut out = anstream::stdout().lock();
    match args.format {
        ExplainFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &explained)?;
            writeln!(out)?;
        }
        ExplainFormat::Text => out.write_all(text(&explained).as_bytes())?,
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn explain(rule: &Rule) -> Explained<'_> {
    let syntax = &rule.syntax;
    let rotation = advice::rotation(rule);
    Explained {
        id: rule.id(),
        name: &syntax.name,
        confidence: syntax.confidence.as_str(),
        description: syntax.description.as_deref(),
        keywords: &syntax.keywords,
        checksum: syntax.checksum.as_ref().map(|c| {
            serde_json::to_value(c)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| format!("{c:?}"))
        }),
        references: &syntax.references,
        file: rule.file.display().to_string(),
        rotation,
    }
}

/// The text form: a header, the facts, the description, the references and
/// the rotation steps, wrapped for a terminal. Rule texts come from rule
/// files, so their control characters are escaped.
fn text(e: &Explained<'_>) -> String {
    let mut s = format!("{} [{}]\n", escape(e.name), escape(e.id));
    s.push_str(&format!("  confidence  {}\n", e.confidence));
    if !e.keywords.is_empty() {
        let keywords: Vec<String> = e.keywords.iter().map(|k| escape(k)).collect();
        s.push_str(&wrap(
            &keywords.join(", "),
            "  keywords    ",
            &" ".repeat(14),
        ));
    }
    if let Some(checksum) = &e.checksum {
        s.push_str(&format!("  checksum    {checksum}\n"));
    }
    s.push_str(&format!("  rule file   {}\n", escape(&e.file)));
    if let Some(description) = e.description {
        s.push('\n');
        s.push_str(&wrap(&escape(description), "", ""));
    }
    if !e.references.is_empty() {
        s.push_str("\nReferences\n");
        for reference in e.references {
            s.push_str(&format!("  {}\n", escape(reference)));
        }
    }
    s.push('\n');
    s.push_str(advice::rotation_heading(&e.rotation));
    s.push('\n');
    for (n, step) in e.rotation.steps.iter().enumerate() {
        let first = format!("  {}. ", n + 1);
        let rest = " ".repeat(first.len());
        s.push_str(&wrap(&escape(step), &first, &rest));
    }
    if let Some(url) = e.rotation.url {
        s.push_str(&format!("  See {}\n", escape(url)));
    }
    s
}

/// Wraps `text` at 78 columns: `first` before the first line, `rest`
/// before the others.
fn wrap(text: &str, first: &str, rest: &str) -> String {
    const WIDTH: usize = 78;
    let mut out = String::new();
    let mut line = first.to_owned();
    let mut empty = true;
    for word in text.split_whitespace() {
        if !empty && line.chars().count() + 1 + word.chars().count() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = rest.to_owned();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

/// Up to five ids close to `wanted`: those containing it, then those within
/// a few edits of it, then those of the same provider (first word), then
/// those sharing a word with it; nearest first.
fn closest(wanted: &str, ids: &[&str]) -> Vec<String> {
    let wanted = wanted.trim().to_ascii_lowercase().replace(['_', ' '], "-");
    let words: Vec<&str> = wanted.split('-').filter(|w| w.len() >= 3).collect();
    let budget = (wanted.len() / 3).max(2);
    let mut scored: Vec<(u8, usize, &str)> = ids
        .iter()
        .filter_map(|&id| {
            let distance = strsim::levenshtein(&wanted, id);
            let class = if wanted.len() >= 3 && id.contains(wanted.as_str()) {
                0
            } else if distance <= budget {
                1
            } else if id.split('-').next() == wanted.split('-').next() {
                2
            } else if id.split('-').any(|part| words.contains(&part)) {
                3
            } else {
                return None;
            };
            Some((class, distance, id))
        })
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(5)
        .map(|(_, _, id)| id.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids() {
        let ids = [
            "github-pat-classic",
            "github-pat-fine-grained",
            "gitlab-pat",
            "slack-bot-token",
            "stripe-secret-key",
        ];
        assert_eq!(
            closest("github-pat", &ids),
            [
                "github-pat-classic",
                "github-pat-fine-grained",
                "gitlab-pat"
            ]
        );
        assert_eq!(closest("slack_bot_tokn", &ids), ["slack-bot-token"]);
        assert_eq!(closest("stripe", &ids), ["stripe-secret-key"]);
        assert!(closest("zzzzzz", &ids).is_empty());
    }

    #[test]
    fn wraps_with_hanging_indent() {
        let text = "word ".repeat(40);
        let wrapped = wrap(&text, "  1. ", "     ");
        assert!(wrapped.lines().all(|l| l.len() <= 78));
        assert!(wrapped.starts_with("  1. word"));
        assert!(wrapped.lines().skip(1).all(|l| l.starts_with("     word")));
    }
}
