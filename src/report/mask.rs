//! Masking: the one place where reports hide secrets.
//!
//! A scan hands the reporters, with its findings, every secret it matched
//! ([`KnownSecrets`]: every rule, every confidence, suppressed and
//! allowlisted ones too). A [`Masker`] finds all of them at once in any
//! text (Aho-Corasick, leftmost-longest, so a secret holding another goes
//! whole) and puts in its place what the report shows for a secret: the
//! start of it ([`mask`]), or [`REDACTED`] under `--redact`.
//!
//! Before a reporter sees the findings, [`Masker::apply`] rewrites them as
//! its format shows them ([`View`]); reporters print what they are given:
//! - human, HTML (and baseline paths): every secret hidden everywhere:
//!   the secret itself, paths, snippets, commit messages, author names and
//!   emails, validation answers;
//! - SARIF: the same, except that a path stays as it is (its URI must
//!   locate the file) unless `--redact`;
//! - JSON, JSONL, CSV, for tools: the finding's own secret in full in
//!   `secret` and in its own snippets and commit fields; every other secret
//!   hidden there; paths as they are unless `--redact`.
//!
//! Under `--redact`, every secret becomes [`REDACTED`] everywhere, paths
//! included.

use aho_corasick::{AhoCorasick, MatchKind};

use super::REDACTED;
use crate::finding::{Finding, KnownSecrets, Location};
use crate::summary::Summary;

/// Keeps the start of a secret and hides the rest: enough to recognise it,
/// not enough to use it.
///
/// At most a quarter of the characters, and at most 8, stay visible.
pub fn mask(secret: &str) -> String {
    let count = secret.chars().count();
    let visible = (count / 4).min(8);
    let mut out: String = secret.chars().take(visible).collect();
    out.push_str(&"*".repeat((count - visible).min(24)));
    out
}

/// How a format shows secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Human and HTML: every secret hidden everywhere.
    People,
    /// SARIF: every secret hidden, but paths kept unless redacting.
    Sarif,
    /// JSON, JSONL, CSV: a finding's own secret in full, others hidden,
    /// paths kept unless redacting.
    Tools,
}

/// Hides every known secret in text.
pub struct Masker {
    matcher: Option<AhoCorasick>,
    /// The secrets, as the matcher's patterns.
    secrets: Vec<String>,
    /// What stands in for each.
    shown: Vec<String>,
    redact: bool,
}

impl Masker {
    /// A masker for `known` and the secrets of `findings` (in case a caller
    /// left them out of `known`); `redact` shows [`REDACTED`] instead of
    /// the start of each secret.
    pub fn new(known: &KnownSecrets, findings: &[Finding], redact: bool) -> Masker {
        let mut all = known.clone();
        for finding in findings {
            all.insert(&finding.secret);
        }
        let secrets: Vec<String> = all
            .iter()
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        let shown = secrets.iter().map(|s| shown(s, redact)).collect();
        let matcher = (!secrets.is_empty()).then(|| {
            AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(&secrets)
                .expect("literal patterns build")
        });
        Masker {
            matcher,
            secrets,
            shown,
            redact,
        }
    }

    /// What stands in for `secret`: its start, or [`REDACTED`].
    pub fn secret(&self, secret: &str) -> String {
        shown(secret, self.redact)
    }

    /// `text` with every known secret hidden.
    pub fn text(&self, text: &str) -> String {
        self.text_keeping(text, None)
    }

    /// `text` with every known secret but `own` hidden.
    fn text_keeping(&self, text: &str, own: Option<&str>) -> String {
        let Some(matcher) = &self.matcher else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        matcher.replace_all_with(text, &mut out, |m, found, out| {
            let i = m.pattern().as_usize();
            if own == Some(self.secrets[i].as_str()) {
                out.push_str(found);
            } else {
                out.push_str(&self.shown[i]);
            }
            true
        });
        out
    }

    /// The findings as a report in `view` shows them: every secret a
    /// reporter could print is already hidden (see the module's docs),
    /// `secret` included.
    pub fn apply(&self, findings: &[Finding], view: View) -> Vec<Finding> {
        findings.iter().map(|f| self.finding(f, view)).collect()
    }

    fn finding(&self, finding: &Finding, view: View) -> Finding {
        let secret = finding.secret_text();
        let own = (view == View::Tools && !self.redact).then_some(secret.as_str());
        let paths = self.redact || view == View::People;
        let free = |text: &str| self.text_keeping(text, own);
        let mut out = finding.clone();
        if own.is_none() {
            out.secret = self.secret(&secret).into_bytes();
        }
        if let Some(checked) = &mut out.validation {
            checked.detail = free(&checked.detail);
        }
        for location in &mut out.locations {
            self.location(location, paths, &free);
        }
        out
    }

    fn location(&self, location: &mut Location, paths: bool, free: &dyn Fn(&str) -> String) {
        if paths {
            location.path = self.text(&location.path);
        }
        location.snippet = free(&location.snippet);
        if let Some(git) = &mut location.git {
            for text in [&mut git.author, &mut git.email, &mut git.summary]
                .into_iter()
                .flatten()
            {
                *text = free(text);
            }
        }
    }

    /// The summary as a report in `view` shows it: the inputs it names
    /// (paths) with every secret hidden, except in a report for tools that
    /// keeps paths.
    pub fn summary(&self, summary: &Summary, view: View) -> Summary {
        let mut out = summary.clone();
        if self.redact || view != View::Tools {
            for name in &mut out.decode_limit_inputs {
                *name = self.text(name);
            }
        }
        out
    }
}

fn shown(secret: &str, redact: bool) -> String {
    if redact {
        REDACTED.to_owned()
    } else {
        mask(secret)
    }
}

/// `text` with every secret the rules find in it masked: for messages
/// written while a scan runs (a warning naming a file whose name holds a
/// token), before the scan's secrets are all known. A file name glues a
/// token to other words with `_` (`leak_glpat-...`), where a rule wants a
/// word boundary: the text is also matched with `_` read as a space.
pub fn mask_found(engine: &crate::matcher::Engine, text: &str) -> String {
    let mut matches = Vec::new();
    let mut matcher = engine.matcher();
    matcher.find(text.as_bytes(), &mut matches);
    if text.contains('_') {
        matcher.find(text.replace('_', " ").as_bytes(), &mut matches);
    }
    let mut secrets: Vec<std::ops::Range<usize>> = matches.into_iter().map(|m| m.secret).collect();
    secrets.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for secret in secrets {
        if secret.start < at
            || !text.is_char_boundary(secret.start)
            || !text.is_char_boundary(secret.end)
        {
            continue;
        }
        out.push_str(&text[at..secret.start]);
        out.push_str(&mask(&text[secret.clone()]));
        at = secret.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(secrets: &[&str]) -> KnownSecrets {
        let mut known = KnownSecrets::default();
        for s in secrets {
            known.insert(s.as_bytes());
        }
        known
    }

    #[test]
    fn messages_lose_the_secrets_the_rules_find_in_them() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let engine = crate::matcher::Engine::new(&rules, crate::rules::Allowlist::default());
        let token = concat!("glpat-", "Zq8vR2mLx7Tb4nWc9YkP");
        let message = format!("leak_{token}.txt: skipped: 9 bytes, larger than --max-file-size");
        let masked = mask_found(&engine, &message);
        assert!(!masked.contains(token), "{masked}");
        assert!(masked.starts_with("leak_glpat-*"), "{masked}");
        assert!(masked.ends_with(".txt: skipped: 9 bytes, larger than --max-file-size"));
        assert_eq!(mask_found(&engine, "nothing here"), "nothing here");
    }

    #[test]
    fn masks_most_of_the_secret() {
        assert_eq!(mask("ghp_abcdefghijklmnop"), "ghp_a***************");
        assert_eq!(mask("abc"), "***");
    }

    #[test]
    fn hides_every_known_secret_longest_first() {
        let masker = Masker::new(
            &known(&["abcdefgh", "abcdefghijkl", "zyxwvuts"]),
            &[],
            false,
        );
        assert_eq!(
            masker.text("x=abcdefghijkl y=zyxwvuts z=abcdefgh"),
            "x=abc********* y=zy****** z=ab******"
        );
        assert_eq!(
            masker.text_keeping("a=zyxwvuts", Some("zyxwvuts")),
            "a=zyxwvuts"
        );
        let redacting = Masker::new(&known(&["abcdefgh"]), &[], true);
        assert_eq!(redacting.text("abcdefgh/abcdefgh"), "[REDACTED]/[REDACTED]");
        let none = Masker::new(&KnownSecrets::default(), &[], false);
        assert_eq!(none.text("plain"), "plain");
    }
}
