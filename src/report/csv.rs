//! CSV: one row per location, for spreadsheets.
//!
//! Every cell is text a spreadsheet shows as it is: control and
//! bidirectional formatting characters are escaped as in the human report,
//! and a cell that a spreadsheet would take for a formula (starting with
//! `=`, `+`, `-` or `@`) starts with `'` instead.

use std::io::{self, Write};

use crate::finding::Finding;

/// The header row.
pub const COLUMNS: [&str; 17] = [
    "id",
    "rule",
    "name",
    "confidence",
    "secret",
    "path",
    "line",
    "column",
    "end_line",
    "end_column",
    "fingerprint",
    "commit",
    "author",
    "email",
    "date",
    "in_head",
    "validation",
];

/// Writes one row per location.
///
/// A scan of several targets has a first column more, `repository`.
pub fn write(w: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let repositories = findings
        .iter()
        .flat_map(|f| &f.locations)
        .any(|l| l.repository.is_some());
    let first: &[&str] = if repositories { &["repository"] } else { &[] };
    out.write_record(first.iter().chain(&COLUMNS))?;
    for finding in findings {
        let secret = finding.secret_text();
        for l in &finding.locations {
            let git = l.git.as_ref();
            let text = |v: Option<&String>| v.cloned().unwrap_or_default();
            let row = [
                finding.id(),
                finding.rule.id().to_owned(),
                finding.rule.syntax.name.clone(),
                finding.confidence().as_str().to_owned(),
                secret.clone(),
                l.path.clone(),
                l.line.to_string(),
                l.column.to_string(),
                l.end_line.to_string(),
                l.end_column.to_string(),
                l.fingerprint.clone(),
                text(git.and_then(|g| g.commit.as_ref())),
                text(git.and_then(|g| g.author.as_ref())),
                text(git.and_then(|g| g.email.as_ref())),
                text(git.and_then(|g| g.date.as_ref())),
                git.map(|g| g.in_head.to_string()).unwrap_or_default(),
                finding
                    .validation
                    .as_ref()
                    .map(|v| v.state.as_str().to_owned())
                    .unwrap_or_default(),
            ];
            let repository = repositories.then(|| l.repository.clone().unwrap_or_default());
            out.write_record(repository.iter().chain(&row).map(|text| cell(text)))?;
        }
    }
    out.flush()
}

/// A cell's text: escaped, and never a formula.
fn cell(text: &str) -> String {
    let text = crate::text::escape(text);
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_never_formulas_nor_reordered() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("@SUM(1)"), "'@SUM(1)");
        assert_eq!(cell("a\u{202E}b"), "a\\u{202e}b");
        assert_eq!(cell("src/a.env"), "src/a.env");
    }
}
