//! A loaded rule: its syntax checked, its groups found, its allowlist
//! compiled; its regex compiled on first use.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::fragments;
use super::{Allowlist, Invalid, RotationSyntax, RuleError, RuleSyntax};

/// A loaded rule: the syntax plus what is derived from it.
///
/// What is derived (groups, longest match, allowlist) is worked out when a
/// rule is loaded from a configuration, so that a bad rule is an error at
/// once, but only on first use for the built-in rules: `cargo test` and
/// `rules check` validate those, and a scan of a few staged lines touches
/// a handful of its rules, not all of them.
#[derive(Clone, Debug)]
pub struct Rule {
    /// The rule as written.
    pub syntax: RuleSyntax,
    /// The file it came from (`patterns/x.yml` for built-in rules).
    pub file: PathBuf,
    derived: OnceLock<Derived>,
    regex: OnceLock<Option<MetaRegex>>,
}

/// What a rule's regex and allowlist say, worked out once.
#[derive(Clone, Debug, Default)]
struct Derived {
    secret_group: usize,
    pair_group: Option<usize>,
    max_len: Option<usize>,
    allowlist: Allowlist,
    /// False if the rule turned out invalid on first use: it then matches
    /// nothing (said once), rather than fail a scan.
    usable: bool,
}

/// Keywords shorter than this do not gate their rule (see
/// [`Rule::keyword_gated`]); `rules check` asks a rule with one to say why
/// (`unfiltered`).
pub const MIN_KEYWORD_LEN: usize = 3;

/// The compiled form of a rule's regex.
pub type MetaRegex = regex_automata::meta::Regex;

impl Rule {
    /// The stable id.
    pub fn id(&self) -> &str {
        &self.syntax.id
    }

    /// Whether the rule's keywords gate it: it has some, and none is
    /// shorter than [`MIN_KEYWORD_LEN`] (a keyword of one or two letters
    /// occurs in nearly every input, so it narrows nothing). A rule that is
    /// not gated runs on every byte of every input.
    pub fn keyword_gated(&self) -> bool {
        let keywords = &self.syntax.keywords;
        !keywords.is_empty() && keywords.iter().all(|k| k.len() >= MIN_KEYWORD_LEN)
    }

    /// Index of the `secret` capture group.
    pub fn secret_group(&self) -> usize {
        self.derived().secret_group
    }

    /// Index of the `pair` capture group, if the regex has one: the other
    /// half of a credential pair (an AWS access key ID), which a validation
    /// check may need.
    pub fn pair_group(&self) -> Option<usize> {
        self.derived().pair_group
    }

    /// Longest possible match in bytes, when the regex bounds it or the
    /// rule gives `max_len`: a match containing a keyword lies within this
    /// distance of it.
    pub fn max_len(&self) -> Option<usize> {
        self.derived().max_len
    }

    /// The rule's own allowlist, compiled.
    pub fn allowlist(&self) -> &Allowlist {
        &self.derived().allowlist
    }

    fn derived(&self) -> &Derived {
        self.derived.get_or_init(|| {
            derive(&self.syntax).unwrap_or_else(|e| {
                log::error!("rule '{}' is not used: {e}", self.id());
                Derived::default()
            })
        })
    }

    /// Works out what the rule's regex and allowlist say now, reporting
    /// any error (built-in rules otherwise do it on first use).
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.derived.get().is_none() {
            let derived = derive(&self.syntax)?;
            let _ = self.derived.set(derived);
        }
        Ok(())
    }

    /// The compiled regex, built on first use; `None` if it cannot be.
    ///
    /// The pattern was validated when the rule was loaded, and a
    /// configuration's rules are compiled when it loads ([`Rule::compile`]
    /// says why one cannot be), so this is not expected to fail; if it ever
    /// did, the rule would match nothing and say so once, not panic.
    pub fn regex(&self) -> Option<&MetaRegex> {
        if !self.derived().usable {
            return None;
        }
        self.regex
            .get_or_init(|| {
                build_meta_regex(&self.syntax.regex)
                    .map_err(|e| {
                        log::error!("rule '{}' is not used: {}", self.id(), compile_error(&e));
                    })
                    .ok()
            })
            .as_ref()
    }

    /// Compiles the regex now, reporting any error.
    pub fn compile(&self) -> Result<(), Invalid> {
        if self.regex.get().is_some() {
            return Ok(());
        }
        let regex = build_meta_regex(&self.syntax.regex)
            .map_err(|e| Invalid::Compile(compile_error(&e)))?;
        let _ = self.regex.set(Some(regex));
        Ok(())
    }
}

/// Why a rule's regex does not compile, in words that say what to do.
fn compile_error(error: &regex_automata::meta::BuildError) -> String {
    match (error.size_limit(), error.syntax_error()) {
        (Some(limit), _) => format!(
            "its regex compiles to more than the size limit ({} MiB): write a long repetition \
             such as {{16,1000000}} as {{16,}} and give max_len",
            limit >> 20
        ),
        (None, Some(syntax)) => format!("bad regex:\n{syntax}"),
        (None, None) => format!("its regex does not compile: {error}"),
    }
}

/// Rule regexes use `regex-automata` directly: searches can be limited to a
/// span of the input (a window around a keyword) while assertions still see
/// the bytes around it, and each thread keeps its own cache.
fn build_meta_regex(pattern: &str) -> Result<MetaRegex, Box<regex_automata::meta::BuildError>> {
    regex_automata::meta::Regex::builder()
        .syntax(
            regex_automata::util::syntax::Config::new()
                .unicode(false)
                .utf8(false),
        )
        .configure(
            regex_automata::meta::Config::new()
                .utf8_empty(false)
                .nfa_size_limit(Some(64 << 20))
                .hybrid_cache_capacity(16 << 20),
        )
        .build(pattern)
        .map_err(Box::new)
}

impl Rule {
    /// Validates a rule read from `file`. Fragment references (`(?&name)`)
    /// are expanded with the file's `own` fragments, then the built-in ones.
    pub fn from_syntax(
        syntax: RuleSyntax,
        file: &Path,
        own: &fragments::Fragments,
    ) -> Result<Rule, RuleError> {
        let rule = Rule::from_trusted_syntax(syntax, file, own)?;
        rule.validate().map_err(|e| rule.error(e.to_string()))?;
        Ok(rule)
    }

    /// [`Rule::from_syntax`] for a rule known to be valid (a built-in one):
    /// only the cheap checks now, what its regex and allowlist say on first
    /// use.
    pub fn from_trusted_syntax(
        mut syntax: RuleSyntax,
        file: &Path,
        own: &fragments::Fragments,
    ) -> Result<Rule, RuleError> {
        let fail = |message: String| RuleError::Rule {
            file: file.to_owned(),
            line: None,
            id: syntax.id.clone(),
            message,
        };
        validate_id(&syntax.id).map_err(|e| fail(e.to_string()))?;
        syntax.regex = fragments::expand(&syntax.regex, own)
            .map_err(|e| fail(Invalid::Fragment(e).to_string()))?;
        if syntax.name.trim().is_empty() {
            return Err(fail("'name' is empty".to_owned()));
        }
        if syntax.max_len == Some(0) {
            return Err(fail("max_len must be at least 1".to_owned()));
        }
        if let Some(k) = syntax.keywords.iter().find(|k| k.trim().is_empty()) {
            return Err(fail(format!("keyword {k:?} is empty")));
        }
        if let Some(e) = syntax.min_entropy
            && !(0.0..=8.0).contains(&e)
        {
            return Err(fail(format!(
                "min_entropy {e} is outside 0..=8 bits per byte"
            )));
        }
        if let Some(rotation) = &syntax.rotation {
            validate_rotation(rotation).map_err(|e| fail(e.to_string()))?;
        }
        Ok(Rule {
            syntax,
            file: file.to_owned(),
            derived: OnceLock::new(),
            regex: OnceLock::new(),
        })
    }

    /// Changes the rule's allowlist (checked now).
    pub fn set_allowlist(&mut self, allowlist: super::AllowlistSyntax) -> Result<(), Invalid> {
        Allowlist::compile(&allowlist)?;
        self.syntax.allowlist = Some(allowlist);
        self.derived = OnceLock::new();
        Ok(())
    }

    fn error(&self, message: String) -> RuleError {
        RuleError::Rule {
            file: self.file.clone(),
            line: None,
            id: self.syntax.id.clone(),
            message,
        }
    }
}

/// Works out what a rule's (expanded) regex and allowlist say.
fn derive(syntax: &RuleSyntax) -> Result<Derived, Invalid> {
    let groups = groups(&syntax.regex)?;
    let max_len = match (syntax.max_len, groups.max_len) {
        (Some(given), Some(bound)) => Some(given.min(bound)),
        (given, bound) => given.or(bound),
    };
    let allowlist = Allowlist::compile(&syntax.allowlist.clone().unwrap_or_default())?;
    if let Some(check) = &syntax.validation {
        check
            .check(groups.pair.is_some())
            .map_err(Invalid::Validation)?;
    }
    Ok(Derived {
        secret_group: groups.secret,
        pair_group: groups.pair,
        max_len,
        allowlist,
        usable: true,
    })
}

fn validate_rotation(rotation: &RotationSyntax) -> Result<(), Invalid> {
    if rotation.steps.is_empty() {
        return Err(Invalid::Rotation("'steps' is empty".to_owned()));
    }
    if rotation.steps.iter().any(|step| step.trim().is_empty()) {
        return Err(Invalid::Rotation("a step is empty".to_owned()));
    }
    if let Some(url) = &rotation.url
        && (!url.starts_with("https://") || url.contains(char::is_whitespace))
    {
        return Err(Invalid::Rotation(format!(
            "url {url:?} is not an https:// URL"
        )));
    }
    Ok(())
}

fn validate_id(id: &str) -> Result<(), Invalid> {
    let ok = !id.is_empty()
        && id.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if ok { Ok(()) } else { Err(Invalid::Id) }
}

/// What loading a rule needs from its pattern, parsed once (cheap, no
/// compilation).
struct Groups {
    /// The `secret` group, or else the first one.
    secret: usize,
    /// The `pair` group, if any.
    pair: Option<usize>,
    /// The longest match the pattern allows, if bounded.
    max_len: Option<usize>,
}

/// Parses a pattern and finds its groups.
fn groups(pattern: &str) -> Result<Groups, Invalid> {
    let hir = regex_syntax::ParserBuilder::new()
        .utf8(false)
        .unicode(false)
        .build()
        .parse(pattern)
        .map_err(|e| Invalid::Regex(e.to_string()))?;
    let max_len = hir.properties().maximum_len();
    let mut names = Vec::new();
    collect_groups(&hir, &mut names);
    let named = |wanted: &str| {
        names
            .iter()
            .find(|(_, name)| name.as_deref() == Some(wanted))
            .map(|(index, _)| *index as usize)
    };
    let secret = named("secret")
        .or_else(|| names.iter().map(|(index, _)| *index as usize).min())
        .ok_or(Invalid::NoGroup)?;
    Ok(Groups {
        secret,
        pair: named("pair"),
        max_len,
    })
}

fn collect_groups(hir: &regex_syntax::hir::Hir, out: &mut Vec<(u32, Option<String>)>) {
    use regex_syntax::hir::HirKind;
    match hir.kind() {
        HirKind::Capture(cap) => {
            out.push((cap.index, cap.name.as_deref().map(str::to_owned)));
            collect_groups(&cap.sub, out);
        }
        HirKind::Concat(subs) | HirKind::Alternation(subs) => {
            subs.iter().for_each(|s| collect_groups(s, out));
        }
        HirKind::Repetition(rep) => collect_groups(&rep.sub, out),
        _ => {}
    }
}
