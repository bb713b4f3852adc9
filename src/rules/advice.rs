//! What to do about a rule's finding: the rule's revocation and rotation
//! steps, or a general checklist when it names none. `leakhound explain`
//! prints them; SARIF reports carry them as each rule's help.

use serde::Serialize;

use super::Rule;

/// What to do for a rule that names no provider-specific steps.
pub const GENERIC_ROTATION: [&str; 4] = [
    "Revoke or disable the credential where it was issued (the provider's console, API or administrator). Removing it from the code does not make it safe: anyone who cloned or read the repository may have it.",
    "Issue a replacement with the fewest permissions and the shortest lifetime that work, and put it everywhere the old one was used: deployments, CI secret stores, local configuration.",
    "Keep the new one out of the code (environment, secret manager), and purge the old one from git history if the repository is shared (git filter-repo, then force-push and have clones fetched anew): after revoking it, not instead.",
    "Check the issuer's audit or access logs for use of the credential between the leak and the revocation, and follow up on anything you do not recognise.",
];

/// How to revoke and rotate a leaked credential of a rule's kind.
#[derive(Clone, Debug, Serialize)]
pub struct Rotation<'a> {
    /// Whether these are the generic steps (the rule names none).
    pub generic: bool,
    /// What to do, in order.
    pub steps: Vec<&'a str>,
    /// The provider's documentation, if the rule names it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
}

/// The rule's rotation steps, or the generic ones.
pub fn rotation(rule: &Rule) -> Rotation<'_> {
    match &rule.syntax.rotation {
        Some(rotation) => Rotation {
            generic: false,
            steps: rotation.steps.iter().map(String::as_str).collect(),
            url: rotation.url.as_deref(),
        },
        None => Rotation {
            generic: true,
            steps: GENERIC_ROTATION.to_vec(),
            url: None,
        },
    }
}

/// The heading of the rotation steps.
pub fn rotation_heading(rotation: &Rotation<'_>) -> &'static str {
    if rotation.generic {
        "If it leaked (a general checklist: this rule names no provider steps)"
    } else {
        "If it leaked: revoke and rotate it"
    }
}

/// What to do if it is not a secret: the ways to allow a false positive.
pub const FALSE_POSITIVE: &str = "If it is not a secret (a test value, an example), put `leakhound:allow` on its line, or add the location's fingerprint as a line of .leakhoundignore.";

/// The rule's help as plain text: its description, the rotation steps and
/// how to allow a false positive.
pub fn help_text(rule: &Rule) -> String {
    let rotation = rotation(rule);
    let mut text = description(rule).to_owned();
    text.push_str(&format!("\n\n{}:\n", rotation_heading(&rotation)));
    for (n, step) in rotation.steps.iter().enumerate() {
        text.push_str(&format!("{}. {step}\n", n + 1));
    }
    if let Some(url) = rotation.url {
        text.push_str(&format!("See {url}\n"));
    }
    text.push('\n');
    text.push_str(FALSE_POSITIVE);
    text
}

/// The rule's help in Markdown: the same as [`help_text`].
pub fn help_markdown(rule: &Rule) -> String {
    let rotation = rotation(rule);
    let mut text = markdown_escape(description(rule));
    text.push_str(&format!("\n\n**{}**\n\n", rotation_heading(&rotation)));
    for (n, step) in rotation.steps.iter().enumerate() {
        text.push_str(&format!("{}. {}\n", n + 1, markdown_escape(step)));
    }
    if let Some(url) = rotation.url {
        text.push_str(&format!("\nSee <{url}>\n"));
    }
    text.push('\n');
    text.push_str(FALSE_POSITIVE);
    text
}

/// The rule's description, or its name when it has none.
pub fn description(rule: &Rule) -> &str {
    rule.syntax
        .description
        .as_deref()
        .unwrap_or(&rule.syntax.name)
}

/// Text from a rule file as Markdown text: characters that would start
/// markup or HTML escaped.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    #[test]
    fn every_builtin_rule_has_help() {
        let rules = RuleSet::builtin().unwrap();
        for rule in rules.rules() {
            let text = help_text(rule);
            assert!(text.contains("1. ") && text.contains("leakhound:allow"));
            assert!(help_markdown(rule).contains("**If it leaked"));
        }
        let github = rules.get("github-pat-classic").unwrap();
        assert!(!rotation(github).generic);
        assert!(help_markdown(github).contains("\nSee <https://"));
    }
}
