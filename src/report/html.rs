//! The HTML report: one self-contained page to open in a browser or attach
//! to a ticket.
//!
//! Everything is inline: the style sheet, a small script, no fonts, images
//! or other files, nothing from the network. A Content-Security-Policy in
//! the page allows only that style sheet and that script, by hash, so even
//! text that got past escaping could neither load nor run anything.
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

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use base64::Engine as _;
use sha2::{Digest, Sha256};

use super::ReportOptions;
use crate::finding::State;
use crate::finding::{Finding, Location};
use crate::rules::Confidence;
use crate::summary::{HumanBytes, Summary};

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
        write_table(w, findings, git)?;
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

/// `sha256-…` of an inline element's text, for the Content-Security-Policy.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

fn write_head(w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>")?;
    writeln!(w, "<meta charset=\"utf-8\">")?;
    writeln!(
        w,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; script-src {}; base-uri 'none'; form-action 'none'\">",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )?;
    writeln!(
        w,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(
        w,
        "<meta name=\"generator\" content=\"leakhound {}\">",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(w, "<title>leakhound report</title>")?;
    writeln!(w, "<style>{STYLE}</style>")?;
    writeln!(w, "</head>")
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
    writeln!(w, "<header>")?;
    writeln!(w, "<h1>leakhound report</h1>")?;
    writeln!(
        w,
        "<p class=\"lead\"><strong id=\"total\">{}</strong> ({}) · leakhound {}</p>",
        plural(findings.len() as u64, "finding", "findings"),
        plural(locations as u64, "location", "locations"),
        env!("CARGO_PKG_VERSION")
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
        summary.below_min_confidence.to_string(),
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
    items.push(("Tool", format!("leakhound {}", env!("CARGO_PKG_VERSION"))));
    writeln!(w, "<dl class=\"summary\">")?;
    for (term, value) in items {
        let class = term.to_ascii_lowercase().replace(' ', "-");
        writeln!(
            w,
            "<div class=\"{class}\"><dt>{term}</dt><dd>{}</dd></div>",
            esc(&value)
        )?;
    }
    writeln!(w, "</dl>")?;
    writeln!(w, "</header>")
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
    writeln!(
        w,
        "<form id=\"filters\" class=\"filters\" role=\"search\" hidden>"
    )?;
    writeln!(
        w,
        "<label>Filter <input type=\"search\" name=\"q\" placeholder=\"path, rule, author…\" autocomplete=\"off\"></label>"
    )?;
    writeln!(
        w,
        "<label>Rule <select name=\"rule\"><option value=\"\">any</option>"
    )?;
    for (rule, n) in &rules {
        writeln!(w, "<option value=\"{0}\">{0} ({n})</option>", esc(rule))?;
    }
    writeln!(w, "</select></label>")?;
    writeln!(
        w,
        "<label>Confidence <select name=\"confidence\"><option value=\"\">any</option><option>high</option><option>medium</option><option>low</option></select></label>"
    )?;
    writeln!(
        w,
        "<label>Context <select name=\"context\"><option value=\"\">any</option><option value=\"none\">none (ordinary code)</option><option>test</option><option>example</option><option>vendored</option></select></label>"
    )?;
    if git {
        writeln!(
            w,
            "<label>In HEAD <select name=\"head\"><option value=\"\">any</option><option value=\"yes\">yes</option><option value=\"no\">no, history only</option></select></label>"
        )?;
    }
    if validated {
        writeln!(
            w,
            "<label>Validation <select name=\"validation\"><option value=\"\">any</option><option>valid</option><option>invalid</option><option>unknown</option><option>error</option><option value=\"unchecked\">not checked</option></select></label>"
        )?;
    }
    writeln!(w, "<button type=\"reset\">Clear</button>")?;
    writeln!(
        w,
        "<output id=\"shown\" aria-live=\"polite\">{}</output>",
        plural(findings.len() as u64, "finding", "findings")
    )?;
    writeln!(w, "</form>")
}

fn write_table(w: &mut dyn Write, findings: &[Finding], git: bool) -> io::Result<()> {
    writeln!(w, "<table id=\"findings\" class=\"findings\">")?;
    let mut headers = vec![
        ("text", "Rule"),
        ("number", "Confidence"),
        ("text", "Secret"),
        ("text", "First location"),
        ("number", "Locations"),
    ];
    if git {
        headers.push(("text", "Introduced"));
        headers.push(("number", "In HEAD"));
    }
    headers.push(("number", "Validation"));
    write!(w, "<thead><tr>")?;
    for (kind, title) in &headers {
        write!(w, "<th scope=\"col\" data-type=\"{kind}\">{title}</th>")?;
    }
    writeln!(w, "</tr></thead>")?;
    for finding in findings {
        write_finding(w, finding, git, headers.len())?;
    }
    writeln!(w, "</table>")
}

fn write_finding(
    w: &mut dyn Write,
    finding: &Finding,
    git: bool,
    columns: usize,
) -> io::Result<()> {
    let id = finding.id();
    let rule = finding.rule.id();
    let confidence = finding.confidence();
    let mut contexts: BTreeSet<&str> = BTreeSet::new();
    for location in &finding.locations {
        contexts.insert(location.context.map_or("none", |c| c.as_str()));
    }
    let contexts: Vec<&str> = contexts.into_iter().collect();
    let in_head = finding.in_head();
    let (validation_state, validation_label, validation_rank, validation_detail) =
        validation(finding);
    write!(
        w,
        "<tbody class=\"finding\" id=\"f-{id}\" data-rule=\"{}\" data-confidence=\"{confidence}\" data-contexts=\"{}\" data-validation=\"{validation_state}\"",
        esc(rule),
        contexts.join(" "),
    )?;
    if let Some(in_head) = in_head {
        write!(w, " data-head=\"{}\"", if in_head { "yes" } else { "no" })?;
    }
    writeln!(w, ">")?;

    write!(w, "<tr class=\"finding-row\">")?;
    write!(
        w,
        "<td class=\"rule\" data-sort=\"{0}\"><strong class=\"name\">{1}</strong> <code class=\"rule-id\">{0}</code></td>",
        esc(rule),
        esc(&finding.rule.syntax.name)
    )?;
    write!(
        w,
        "<td class=\"confidence\" data-sort=\"{}\">{}</td>",
        confidence_rank(confidence),
        confidence_badge(confidence)
    )?;
    write!(
        w,
        "<td class=\"secret\"><code>{}</code></td>",
        esc(&finding.secret_text())
    )?;
    let first = &finding.locations[0];
    let more = finding.locations.len() - 1;
    write!(
        w,
        "<td class=\"where\" data-sort=\"{0}\"><code>{0}:{1}</code>{2}</td>",
        esc(&first.path),
        first.line,
        if more > 0 {
            format!(" <span class=\"more\">and {more} more</span>")
        } else {
            String::new()
        }
    )?;
    write!(
        w,
        "<td class=\"count\" data-sort=\"{0}\">{0}</td>",
        finding.locations.len()
    )?;
    if git {
        let earliest = finding
            .locations
            .iter()
            .filter_map(|l| l.git.as_ref()?.date.as_deref())
            .min();
        match earliest {
            Some(date) => write!(
                w,
                "<td class=\"introduced\" data-sort=\"{0}\"><time datetime=\"{0}\">{1}</time></td>",
                esc(date),
                esc(date.get(..10).unwrap_or(date))
            )?,
            None => write!(w, "<td class=\"introduced\" data-sort=\"\">—</td>")?,
        }
        match in_head {
            Some(in_head) => write!(
                w,
                "<td class=\"in-head\" data-sort=\"{}\">{}</td>",
                u8::from(in_head),
                head_badge(in_head)
            )?,
            None => write!(w, "<td class=\"in-head\" data-sort=\"-1\">—</td>")?,
        }
    }
    let title = validation_detail
        .map(|detail| format!(" title=\"{}\"", esc(detail)))
        .unwrap_or_default();
    write!(
        w,
        "<td class=\"validation\" data-sort=\"{validation_rank}\"><span class=\"badge val-{validation_state}\"{title}>{validation_label}</span>"
    )?;
    if let Some(detail) = validation_detail {
        write!(w, " <span class=\"detail\">{}</span>", esc(detail))?;
    }
    writeln!(w, "</td></tr>")?;

    writeln!(
        w,
        "<tr class=\"locations-row\"><td colspan=\"{columns}\"><details open><summary>{} · id <code>{id}</code></summary>",
        plural(finding.locations.len() as u64, "location", "locations")
    )?;
    write!(
        w,
        "<table class=\"locations\"><thead><tr><th scope=\"col\">Path</th>"
    )?;
    let mut location_columns = 4;
    if git {
        write!(
            w,
            "<th scope=\"col\">Commit</th><th scope=\"col\">Author</th><th scope=\"col\">Date</th><th scope=\"col\">In HEAD</th>"
        )?;
        location_columns += 4;
    }
    writeln!(
        w,
        "<th scope=\"col\">Confidence</th><th scope=\"col\">Context</th><th scope=\"col\">Fingerprint</th></tr></thead><tbody>"
    )?;
    for location in &finding.locations {
        write_location(w, location, git, location_columns)?;
    }
    writeln!(w, "</tbody></table></details></td></tr>")?;
    writeln!(w, "</tbody>")
}

fn write_location(
    w: &mut dyn Write,
    location: &Location,
    git: bool,
    columns: usize,
) -> io::Result<()> {
    write!(
        w,
        "<tr class=\"location\"><td class=\"path\"><code>{}:{}:{}</code></td>",
        esc(&location.path),
        location.line,
        location.column
    )?;
    if git {
        match &location.git {
            Some(g) => {
                match &g.commit {
                    Some(commit) => write!(
                        w,
                        "<td class=\"commit\"><code title=\"{}\">{}</code></td>",
                        esc(commit),
                        esc(&commit[..commit.len().min(12)])
                    )?,
                    None => write!(
                        w,
                        "<td class=\"commit\"><span title=\"blob {0}\">blob {1}</span></td>",
                        esc(&g.blob),
                        esc(&g.blob[..g.blob.len().min(12)])
                    )?,
                }
                let author = g.author.as_deref().unwrap_or("");
                match &g.email {
                    Some(email) => write!(
                        w,
                        "<td class=\"author\" title=\"{}\">{}</td>",
                        esc(email),
                        esc(author)
                    )?,
                    None => write!(w, "<td class=\"author\">{}</td>", esc(author))?,
                }
                match &g.date {
                    Some(date) => write!(
                        w,
                        "<td class=\"date\"><time datetime=\"{0}\">{0}</time></td>",
                        esc(date)
                    )?,
                    None => write!(w, "<td class=\"date\"></td>")?,
                }
                write!(
                    w,
                    "<td class=\"in-head\">{}</td>",
                    if g.in_head { "yes" } else { "no" }
                )?;
            }
            None => write!(
                w,
                "<td class=\"commit\"></td><td class=\"author\"></td><td class=\"date\"></td><td class=\"in-head\"></td>"
            )?,
        }
    }
    writeln!(
        w,
        "<td class=\"confidence\">{}</td><td class=\"context\">{}</td><td class=\"fingerprint\"><code>{}</code></td></tr>",
        confidence_badge(location.confidence),
        context_badge(location),
        esc(&location.fingerprint)
    )?;
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
        "<tr class=\"snippet\"><td colspan=\"{columns}\"><code>{}</code>{notes}</td></tr>",
        esc(location.snippet.trim())
    )
}

/// The style sheet (its hash is in the page's Content-Security-Policy).
const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff; --alt: #f6f8fa; --line: #d1d9e0;
  --high: #cf222e; --medium: #9a6700; --low: #59636e; --accent: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --alt: #161b22; --line: #3d444d;
    --high: #ff7b72; --medium: #d29922; --low: #9198a1; --accent: #4493f8; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
.lead { margin: 0 0 1rem; color: var(--muted); }
.lead strong { color: var(--fg); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
dl.summary { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0 0 1.25rem; }
dl.summary div { border: 1px solid var(--line); border-radius: 6px; padding: .35rem .7rem; background: var(--alt); }
dl.summary dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
dl.summary dd { margin: 0; font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; margin: 0 0 1rem; padding: .6rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: var(--alt); }
.filters[hidden] { display: none; }
.filters input, .filters select, .filters button { font: inherit; padding: .2rem .4rem; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; }
.filters input { width: 16rem; }
.filters output { margin-left: auto; color: var(--muted); }
table.findings { width: 100%; border-collapse: collapse; }
table.findings > thead th { position: sticky; top: 0; background: var(--bg); text-align: left; border-bottom: 2px solid var(--line); padding: .4rem .5rem; white-space: nowrap; }
th button { all: inherit; cursor: pointer; }
th button::after { content: " \2195"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " \2191"; color: var(--fg); }
th[aria-sort="descending"] button::after { content: " \2193"; color: var(--fg); }
tbody.finding > tr.finding-row > td { padding: .5rem; border-top: 1px solid var(--line); vertical-align: top; }
tbody.finding > tr.locations-row > td { padding: 0 .5rem .75rem 1.5rem; }
tbody.finding[hidden] { display: none; }
td.rule .name { display: block; }
td.rule .rule-id, .more, details summary { color: var(--muted); }
td.secret code { color: var(--high); }
details summary { cursor: pointer; margin: .15rem 0 .35rem; }
table.locations { border-collapse: collapse; width: 100%; background: var(--alt); border: 1px solid var(--line); border-radius: 6px; }
table.locations th { text-align: left; font-weight: 600; font-size: 12px; color: var(--muted); padding: .3rem .5rem; }
table.locations td { padding: .2rem .5rem; vertical-align: top; }
table.locations tr.location td { border-top: 1px solid var(--line); }
tr.snippet td { color: var(--muted); padding-bottom: .45rem; }
tr.snippet code { white-space: pre-wrap; }
.decoded, .message { margin-left: .75rem; font-style: italic; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.conf-high { color: var(--high); }
.conf-medium { color: var(--medium); }
.conf-low, .val-unchecked, .head-no { color: var(--low); }
.ctx-test, .ctx-example, .ctx-vendored { color: var(--accent); }
.head-yes { color: var(--high); }
.val-valid { color: var(--high); }
.val-invalid { color: var(--low); }
.val-unknown, .val-error { color: var(--medium); }
td.validation .detail { display: block; font-size: 12px; color: var(--muted); }
td.secret code { white-space: nowrap; }
.empty { font-size: 1.1rem; }
"#;

/// Sorting and filtering (its hash is in the page's Content-Security-Policy).
/// It reads cells' text and data attributes only and writes no markup.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  var table = document.getElementById("findings");
  var form = document.getElementById("filters");
  if (!table || !form) { return; }
  var groups = Array.prototype.slice.call(table.tBodies);
  var texts = groups.map(function (g) { return g.textContent.toLowerCase(); });
  var shown = document.getElementById("shown");
  var fields = form.elements;
  function value(name) { return fields[name] ? fields[name].value : ""; }
  function apply() {
    var query = value("q").trim().toLowerCase();
    var rule = value("rule"), confidence = value("confidence");
    var context = value("context"), head = value("head"), validation = value("validation");
    var count = 0;
    groups.forEach(function (g, i) {
      var ok = (!query || texts[i].indexOf(query) >= 0)
        && (!rule || g.getAttribute("data-rule") === rule)
        && (!confidence || g.getAttribute("data-confidence") === confidence)
        && (!context || g.getAttribute("data-contexts").split(" ").indexOf(context) >= 0)
        && (!head || g.getAttribute("data-head") === head)
        && (!validation || g.getAttribute("data-validation") === validation);
      g.hidden = !ok;
      if (ok) { count += 1; }
    });
    var noun = groups.length === 1 ? " finding" : " findings";
    shown.textContent = count === groups.length
      ? groups.length + noun
      : "showing " + count + " of " + groups.length + noun;
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  form.hidden = false;

  var headers = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, column) {
    var numeric = th.getAttribute("data-type") === "number";
    var button = document.createElement("button");
    button.type = "button";
    while (th.firstChild) { button.appendChild(th.firstChild); }
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var keyed = groups.map(function (g, i) {
        var cell = g.rows[0].cells[column];
        var key = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
        return { key: numeric ? parseFloat(key) : key.toLowerCase(), index: i, group: g };
      });
      keyed.sort(function (a, b) {
        if (a.key < b.key) { return ascending ? -1 : 1; }
        if (a.key > b.key) { return ascending ? 1 : -1; }
        return a.index - b.index;
      });
      keyed.forEach(function (k) { table.appendChild(k.group); });
    });
  });
}());
"#;

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
