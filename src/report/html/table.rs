//! The findings table: a row group per finding, with its row in the
//! table and a row listing its locations, each followed by its snippet.
//!
//! Cells are written by [`td`], whose content is markup: every piece of
//! scanned text in it goes through [`esc`] first.

use std::collections::BTreeSet;
use std::fmt::Display;
use std::io::{self, Write};

use super::{esc, plural};
use crate::finding::State;
use crate::finding::{Finding, Location};
use crate::rules::Confidence;

/// Writes the table of `findings`, with the git columns if `git`.
pub(super) fn write(w: &mut dyn Write, findings: &[Finding], git: bool) -> io::Result<()> {
    let (text, number) = (Some("text"), Some("number"));
    let mut headers = vec![
        (text, "Rule"),
        (number, "Confidence"),
        (text, "Secret"),
        (text, "First location"),
        (number, "Locations"),
    ];
    if git {
        headers.push((text, "Introduced"));
        headers.push((number, "In HEAD"));
    }
    headers.push((number, "Validation"));
    writeln!(w, "<table id=\"findings\" class=\"findings\">")?;
    write_header_row(w, &headers)?;
    writeln!(w)?;
    for finding in findings {
        write_finding(w, finding, git, headers.len())?;
    }
    writeln!(w, "</table>")
}

/// A finding's row group: its row in the table, then a row with its
/// locations.
fn write_finding(
    w: &mut dyn Write,
    finding: &Finding,
    git: bool,
    columns: usize,
) -> io::Result<()> {
    let id = finding.id();
    let rule = esc(finding.rule.id());
    let confidence = finding.confidence();
    let contexts: BTreeSet<&str> = finding
        .locations
        .iter()
        .map(|location| location.context.map_or("none", |c| c.as_str()))
        .collect();
    let contexts: Vec<&str> = contexts.into_iter().collect();
    let in_head = finding.in_head();
    let (state, label, rank, detail) = validation(finding);
    let head = match in_head {
        Some(in_head) => format!(" data-head=\"{}\"", if in_head { "yes" } else { "no" }),
        None => String::new(),
    };
    writeln!(
        w,
        "<tbody class=\"finding\" id=\"f-{id}\" data-rule=\"{rule}\" data-confidence=\"{confidence}\" data-contexts=\"{}\" data-validation=\"{state}\"{head}>",
        contexts.join(" "),
    )?;

    write!(w, "<tr class=\"finding-row\">")?;
    let name = esc(&finding.rule.syntax.name);
    td(
        w,
        "rule",
        &sort(&rule),
        &format!("<strong class=\"name\">{name}</strong> <code class=\"rule-id\">{rule}</code>"),
    )?;
    td(
        w,
        "confidence",
        &sort(confidence_rank(confidence)),
        &confidence_badge(confidence),
    )?;
    td(w, "secret", "", &code(&finding.secret_text()))?;
    let first = &finding.locations[0];
    let more = match finding.locations.len() - 1 {
        0 => String::new(),
        more => format!(" <span class=\"more\">and {more} more</span>"),
    };
    let repository = first
        .repository
        .as_deref()
        .map(|r| format!("<code class=\"repository\">{}</code> ", esc(r)))
        .unwrap_or_default();
    let sort_key = match &first.repository {
        Some(r) => format!("{r} {}", first.path),
        None => first.path.clone(),
    };
    td(
        w,
        "where",
        &sort(esc(&sort_key)),
        &format!(
            "{repository}<code>{}:{}</code>{more}",
            esc(&first.path),
            first.line
        ),
    )?;
    let count = finding.locations.len();
    td(w, "count", &sort(count), &count.to_string())?;
    if git {
        let earliest = finding
            .locations
            .iter()
            .filter_map(|l| l.git.as_ref()?.date.as_deref())
            .min();
        match earliest {
            Some(date) => td(
                w,
                "introduced",
                &sort(esc(date)),
                &time(date, date.get(..10).unwrap_or(date)),
            )?,
            None => td(w, "introduced", &sort(""), "—")?,
        }
        match in_head {
            Some(in_head) => td(w, "in-head", &sort(u8::from(in_head)), head_badge(in_head))?,
            None => td(w, "in-head", &sort(-1), "—")?,
        }
    }
    let badge = format!(
        "<span class=\"badge val-{state}\"{}>{label}</span>",
        detail.map(title).unwrap_or_default()
    );
    let detail = detail
        .map(|detail| format!(" <span class=\"detail\">{}</span>", esc(detail)))
        .unwrap_or_default();
    td(w, "validation", &sort(rank), &format!("{badge}{detail}"))?;
    writeln!(w, "</tr>")?;

    writeln!(
        w,
        "<tr class=\"locations-row\"><td colspan=\"{columns}\"><details open><summary>{} · id <code>{id}</code></summary>",
        plural(finding.locations.len() as u64, "location", "locations")
    )?;
    let mut headers = vec![(None, "Path")];
    if finding.locations.iter().any(|l| l.repository.is_some()) {
        headers.insert(0, (None, "Repository"));
    }
    if git {
        headers.extend(["Commit", "Author", "Date", "In HEAD"].map(|h| (None, h)));
    }
    headers.extend(["Confidence", "Context", "Fingerprint"].map(|h| (None, h)));
    write!(w, "<table class=\"locations\">")?;
    write_header_row(w, &headers)?;
    writeln!(w, "<tbody>")?;
    for location in &finding.locations {
        write_location(w, location, git, headers.len())?;
    }
    writeln!(w, "</tbody></table></details></td></tr>\n</tbody>")
}

/// A location's row, then the row of its snippet and notes.
fn write_location(
    w: &mut dyn Write,
    location: &Location,
    git: bool,
    columns: usize,
) -> io::Result<()> {
    write!(w, "<tr class=\"location\">")?;
    if let Some(repository) = &location.repository {
        td(w, "repository", "", &code(repository))?;
    }
    let place = format!(
        "<code>{}:{}:{}</code>",
        esc(&location.path),
        location.line,
        location.column
    );
    td(w, "path", "", &place)?;
    if git {
        match &location.git {
            Some(g) => {
                let commit = match &g.commit {
                    Some(commit) => format!(
                        "<code{}>{}</code>",
                        title(commit),
                        esc(&commit[..commit.len().min(12)])
                    ),
                    None => format!(
                        "<span title=\"blob {}\">blob {}</span>",
                        esc(&g.blob),
                        esc(&g.blob[..g.blob.len().min(12)])
                    ),
                };
                td(w, "commit", "", &commit)?;
                let email = g.email.as_deref().map(title).unwrap_or_default();
                td(w, "author", &email, &esc(g.author.as_deref().unwrap_or("")))?;
                let date = g.date.as_deref().map(|d| time(d, d)).unwrap_or_default();
                td(w, "date", "", &date)?;
                td(w, "in-head", "", if g.in_head { "yes" } else { "no" })?;
            }
            None => {
                for class in ["commit", "author", "date", "in-head"] {
                    td(w, class, "", "")?;
                }
            }
        }
    }
    td(w, "confidence", "", &confidence_badge(location.confidence))?;
    td(w, "context", "", &context_badge(location))?;
    td(w, "fingerprint", "", &code(&location.fingerprint))?;
    writeln!(w, "</tr>")?;

    let mut notes = String::new();
    if !location.decoded.is_empty() {
        let chain: Vec<&str> = location.decoded.iter().map(|e| e.as_str()).collect();
        notes = format!(
            " <span class=\"decoded\">decoded from {}</span>",
            chain.join(", then ")
        );
    }
    if let Some(note) = &location.note {
        notes.push_str(&format!(" <span class=\"note\">{}</span>", esc(note)));
    }
    if let Some(summary) = location.git.as_ref().and_then(|g| g.summary.as_ref()) {
        notes.push_str(&format!(
            " <span class=\"message\">commit message: {}</span>",
            esc(summary)
        ));
    }
    writeln!(
        w,
        "<tr class=\"snippet\"><td colspan=\"{columns}\">{}{notes}</td></tr>",
        code(location.snippet.trim())
    )
}

/// Writes a `<td>`: its class, its other attributes (see [`sort`] and
/// [`title`]) and its content, markup with every scanned text escaped.
fn td(w: &mut dyn Write, class: &str, attributes: &str, html: &str) -> io::Result<()> {
    write!(w, "<td class=\"{class}\"{attributes}>{html}</td>")
}

/// The ` data-sort` attribute of a cell, which the script sorts by
/// (`key` already escaped).
fn sort(key: impl Display) -> String {
    format!(" data-sort=\"{key}\"")
}

/// A ` title` attribute, escaped.
fn title(text: &str) -> String {
    format!(" title=\"{}\"", esc(text))
}

/// `<code>` around escaped text.
fn code(text: &str) -> String {
    format!("<code>{}</code>", esc(text))
}

/// `<time>` around an escaped date, shown as `shown`.
fn time(datetime: &str, shown: &str) -> String {
    format!("<time datetime=\"{}\">{}</time>", esc(datetime), esc(shown))
}

/// The validation column of a finding: its state (also the CSS class and
/// the filter value), its label, its rank for sorting (live first when
/// sorted descending), and the provider's answer. Without `--validate`,
/// "not checked".
fn validation(finding: &Finding) -> (&'static str, &'static str, u8, Option<&str>) {
    match &finding.validation {
        Some(checked) => {
            let state = checked.state.as_str();
            let rank = match checked.state {
                State::Valid => 4,
                State::Unknown => 3,
                State::Error => 2,
                State::Invalid => 1,
            };
            (state, state, rank, Some(checked.detail.as_str()))
        }
        None => ("unchecked", "not checked", 0, None),
    }
}

fn confidence_rank(confidence: Confidence) -> u8 {
    match confidence {
        Confidence::Low => 1,
        Confidence::Medium => 2,
        Confidence::High => 3,
    }
}

fn confidence_badge(confidence: Confidence) -> String {
    let name = confidence.as_str();
    format!("<span class=\"badge conf-{name}\">{name}</span>")
}

fn context_badge(location: &Location) -> String {
    match location.context {
        Some(context) => {
            let name = context.as_str();
            format!("<span class=\"badge ctx-{name}\">{name}</span>")
        }
        None => String::new(),
    }
}

fn head_badge(in_head: bool) -> &'static str {
    if in_head {
        "<span class=\"badge head-yes\">in HEAD</span>"
    } else {
        "<span class=\"badge head-no\">history only</span>"
    }
}

/// Writes `<thead><tr>…</tr></thead>` (without a line end): a column
/// header per title, with the kind of its values for sorting if given.
fn write_header_row(w: &mut dyn Write, columns: &[(Option<&str>, &str)]) -> io::Result<()> {
    write!(w, "<thead><tr>")?;
    for (kind, title) in columns {
        let kind = kind.map(|kind| format!(" data-type=\"{kind}\""));
        write!(
            w,
            "<th scope=\"col\"{}>{title}</th>",
            kind.unwrap_or_default()
        )?;
    }
    write!(w, "</tr></thead>")
}
