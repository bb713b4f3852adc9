//! The HTML report: one self-contained page to open in a browser or attach
//! to a ticket.
//!
//! Everything is inline: the style sheet (`page.css`, beside this file), a
//! small script (`page.js`), no fonts, images or other files, nothing from
//! the network. Both are embedded in the binary, and a
//! Content-Security-Policy in the page allows only them, by SHA-256 hashes
//! computed from what is embedded, so even text that got past escaping
//! could neither load nor run anything.
//!
//! The table is written here, in the HTML, so the page reads without
//! JavaScript; the script only adds sorting (click a column header) and
//! filtering. Every piece of scanned text (paths, snippets, authors, commit
//! messages) is HTML-escaped, and its control characters are shown escaped
//! as in the human report.
//!
//! Secrets are masked as in the human report (at most a quarter, and at
//! most 8 characters, stay visible), and not only a finding's own secret:
//! every secret the scan matched is masked wherever it appears, in paths,
//! snippets, commit messages and authors (see [`super::mask`]). `--redact`
//! hides them entirely.

mod table;

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::sync::LazyLock;

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::ReportOptions;
use crate::finding::Finding;
use crate::rules::Confidence;
use crate::summary::{HumanBytes, Summary};

/// The style sheet, as the `<style>` element holds it (its text starts on
/// a line of its own).
const STYLE: &str = concat!("\n", include_str!("page.css"));

/// Sorting and filtering, as the `<script>` element holds it. It reads
/// cells' text and data attributes only and writes no markup.
const SCRIPT: &str = concat!("\n", include_str!("page.js"));

/// The page's Content-Security-Policy: nothing but its own style sheet and
/// script, by hash.
static CSP: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
});

/// `'sha256-…'` of an inline element's text, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Writes the page.
pub fn write(
    w: &mut dyn Write,
    options: ReportOptions,
    findings: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let git = findings.iter().any(|f| f.in_head().is_some());
    write_head(w)?;
    writeln!(w, "<body>")?;
    write_summary(w, options, findings, summary)?;
    writeln!(w, "<main>")?;
    if findings.is_empty() {
        writeln!(w, "<p class=\"empty\">No findings.</p>")?;
    } else {
        let validated =
            summary.validation.is_some() || findings.iter().any(|f| f.validation.is_some());
        write_filters(w, findings, git, validated)?;
        table::write(w, findings, git)?;
    }
    writeln!(w, "</main>")?;
    writeln!(w, "<script>{SCRIPT}</script>")?;
    writeln!(w, "</body>\n</html>")
}

/// Text safe to put in an element or a quoted attribute: control
/// characters escaped as in the human report, then `& < > " '` as
/// character references.
pub fn escape_html(text: &str) -> String {
    let text = crate::text::escape(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

use escape_html as esc;

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_head(w: &mut dyn Write) -> io::Result<()> {
    write!(
        w,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n",
            "<meta charset=\"utf-8\">\n",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta name=\"generator\" content=\"leakhound {version}\">\n",
            "<title>leakhound report</title>\n",
            "<style>{style}</style>\n",
            "</head>\n",
        ),
        csp = *CSP,
        version = VERSION,
        style = STYLE,
    )
}

fn write_summary(
    w: &mut dyn Write,
    options: ReportOptions,
    findings: &[Finding],
    summary: &Summary,
) -> io::Result<()> {
    let locations: usize = findings.iter().map(|f| f.locations.len()).sum();
    let in_head = findings
        .iter()
        .filter(|f| f.in_head() == Some(true))
        .count();
    let high = findings
        .iter()
        .filter(|f| f.confidence() == Confidence::High)
        .count();
    writeln!(w, "<header>\n<h1>leakhound report</h1>")?;
    writeln!(
        w,
        "<p class=\"lead\"><strong id=\"total\">{}</strong> ({}) · leakhound {VERSION}</p>",
        plural(findings.len() as u64, "finding", "findings"),
        plural(locations as u64, "location", "locations"),
    )?;
    let mut items: Vec<(&str, String)> = vec![
        ("Findings", findings.len().to_string()),
        ("High confidence", high.to_string()),
        ("Locations", locations.to_string()),
    ];
    if summary.commits > 0 {
        items.push(("Still in HEAD", in_head.to_string()));
        items.push(("Commits", summary.commits.to_string()));
    }
    items.push(("Inputs scanned", summary.inputs_scanned.to_string()));
    items.push((
        "Bytes scanned",
        HumanBytes(summary.bytes_scanned).to_string(),
    ));
    let skipped = summary.skipped_total();
    items.push((
        "Skipped",
        if skipped == 0 {
            "0".to_owned()
        } else {
            let reasons: Vec<String> = summary
                .skipped
                .iter()
                .map(|(reason, n)| format!("{n} {}", reason.describe()))
                .collect();
            format!("{skipped} ({})", reasons.join(", "))
        },
    ));
    items.push(("Suppressed inline", summary.suppressed_inline.to_string()));
    items.push((
        "Ignored by fingerprint",
        summary.suppressed_ignored.to_string(),
    ));
    items.push((
        "Below minimum confidence",
        match summary.not_shown_breakdown() {
            Some(parts) => format!("{} ({parts})", summary.below_min_confidence),
            None => summary.below_min_confidence.to_string(),
        },
    ));
    items.push(("Decode limit reached", summary.decode_limit.to_string()));
    if let Some(v) = &summary.validation {
        items.push((
            "Validation",
            format!(
                "{} valid, {} invalid, {} unknown, {} error ({})",
                v.valid,
                v.invalid,
                v.unknown,
                v.error,
                plural(v.requests as u64, "request", "requests")
            ),
        ));
    }
    items.push((
        "Secrets",
        if options.redact { "redacted" } else { "masked" }.to_owned(),
    ));
    items.push(("Tool", format!("leakhound {VERSION}")));
    writeln!(w, "<dl class=\"summary\">")?;
    for (term, value) in items {
        let class = term.to_ascii_lowercase().replace(' ', "-");
        writeln!(
            w,
            "<div class=\"{class}\"><dt>{term}</dt><dd>{}</dd></div>",
            esc(&value)
        )?;
    }
    writeln!(w, "</dl>\n</header>")
}

/// The filter form: written hidden, shown by the script (without it, the
/// controls would do nothing).
fn write_filters(
    w: &mut dyn Write,
    findings: &[Finding],
    git: bool,
    validated: bool,
) -> io::Result<()> {
    let mut rules: BTreeMap<&str, usize> = BTreeMap::new();
    for finding in findings {
        *rules.entry(finding.rule.id()).or_default() += 1;
    }
    let mut rule_options = String::from("\n");
    for (rule, n) in &rules {
        let rule = esc(rule);
        rule_options.push_str(&format!("<option value=\"{rule}\">{rule} ({n})</option>\n"));
    }
    writeln!(
        w,
        "<form id=\"filters\" class=\"filters\" role=\"search\" hidden>\n\
         <label>Filter <input type=\"search\" name=\"q\" placeholder=\"path, rule, author…\" autocomplete=\"off\"></label>"
    )?;
    select(w, "Rule", "rule", &rule_options)?;
    select(
        w,
        "Confidence",
        "confidence",
        "<option>high</option><option>medium</option><option>low</option>",
    )?;
    select(
        w,
        "Context",
        "context",
        "<option value=\"none\">none (ordinary code)</option><option>test</option><option>example</option><option>vendored</option>",
    )?;
    if git {
        select(
            w,
            "In HEAD",
            "head",
            "<option value=\"yes\">yes</option><option value=\"no\">no, history only</option>",
        )?;
    }
    if validated {
        select(
            w,
            "Validation",
            "validation",
            "<option>valid</option><option>invalid</option><option>unknown</option><option>error</option><option value=\"unchecked\">not checked</option>",
        )?;
    }
    writeln!(
        w,
        "<button type=\"reset\">Clear</button>\n<output id=\"shown\" aria-live=\"polite\">{}</output>\n</form>",
        plural(findings.len() as u64, "finding", "findings")
    )
}

/// A filter: a `<select>` named `name` whose first option, "any", filters
/// nothing, then `options`.
fn select(w: &mut dyn Write, label: &str, name: &str, options: &str) -> io::Result<()> {
    writeln!(
        w,
        "<label>{label} <select name=\"{name}\"><option value=\"\">any</option>{options}</select></label>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape_html("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape_html("a\u{1b}[31mb"), "a\\u{1b}[31mb");
    }

    #[test]
    fn inline_code_has_no_outside_references() {
        for text in [STYLE, SCRIPT] {
            assert!(!text.contains("http"), "no URL in inline code");
            assert!(!text.contains("@import") && !text.contains("url("));
            assert!(!text.contains("</"), "cannot close its element early");
        }
        assert!(!SCRIPT.contains("innerHTML") && !SCRIPT.contains("eval"));
    }
}
