//! The matcher: keyword prefilter, per-rule regexes, then filters.
//!
//! An [`Engine`] is built once and shared by all threads. Each thread makes
//! its own [`Matcher`] from it, which owns the scratch buffers reused from
//! one input to the next, so matching allocates nothing per input byte.

mod engine;
mod filters;
pub mod memo;
pub mod regions;

use std::ops::Range;

use regex_automata::Input;
use regex_automata::meta::Cache;
use regex_automata::util::captures::Captures;

use crate::entropy::entropy;
use crate::summary::stats::{Stats, Timer};
pub use engine::Engine;
pub use filters::is_placeholder;
pub use memo::{KeywordHit, Memo};

use crate::rules::{Allowlist, Confidence, Rule};

/// One match that passed every filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index of the rule in [`Engine::rules`].
    pub rule: usize,
    /// The whole regex match.
    pub span: Range<usize>,
    /// The secret inside it.
    pub secret: Range<usize>,
    /// The other half of a credential pair, for a rule whose regex has a
    /// `pair` group.
    pub pair: Option<Range<usize>>,
    /// How sure this match is: the rule's confidence, raised from low to
    /// medium for a generic match whose value looks random enough (see
    /// `filters::match_confidence`).
    pub confidence: Confidence,
    /// The secret has the rule's prefix and shape but not its checksum: a
    /// made-up or mistyped token, reported at low confidence with that
    /// reason (see [`crate::rules::checksum::Checksum::identifies`]).
    pub checksum_mismatch: bool,
}

/// A per-thread matcher with reusable scratch space.
pub struct Matcher<'e> {
    engine: &'e Engine,
    candidate: Vec<bool>,
    candidates: Vec<usize>,
    /// Per rule: the byte ranges its regex must search in this input.
    windows: Vec<Vec<Range<usize>>>,
    /// Per rule: its regex cache and capture slots, made on first use.
    search: Vec<Option<(Cache, Captures)>>,
    /// Keyword occurrences of the input being matched.
    keywords: Vec<KeywordHit>,
    /// Where time went, if measured.
    stats: Option<Box<Stats>>,
}

impl<'e> Matcher<'e> {
    /// Frees the regex caches made so far (they are made again on use):
    /// a lazy DFA's cache grows with the text its regex has searched.
    pub fn release_caches(&mut self) {
        self.search.iter_mut().for_each(|s| *s = None);
    }

    /// The engine this matcher uses.
    pub fn engine(&self) -> &'e Engine {
        self.engine
    }

    /// Where time went so far, if measured.
    pub fn stats_mut(&mut self) -> Option<&mut Stats> {
        self.stats.as_deref_mut()
    }

    /// Takes the measurements so far.
    pub fn take_stats(&mut self) -> Option<Box<Stats>> {
        let rules = self.engine.rules.len();
        self.stats
            .as_mut()
            .map(|s| std::mem::replace(s, Box::new(Stats::new(rules))))
    }

    /// Appends to `out` every match in `haystack`, sorted by position.
    pub fn find(&mut self, haystack: &[u8], out: &mut Vec<Match>) {
        self.find_with(haystack, None, out);
    }

    /// [`Self::find`], given the keyword occurrences in `haystack` when
    /// they are known already (see [`memo`]).
    pub fn find_with(
        &mut self,
        haystack: &[u8],
        keywords: Option<&[KeywordHit]>,
        out: &mut Vec<Match>,
    ) {
        let first = out.len();
        self.select_candidates(haystack, keywords);
        for i in 0..self.candidates.len() {
            let rule = self.candidates[i];
            self.run_rule(rule, haystack, out);
        }
        drop_shadowed(self.engine, haystack, out, first);
        out[first..].sort_by_key(|m| (m.span.start, m.rule));
    }

    /// Finds the rules whose keywords occur in `haystack`, and for each the
    /// windows its regex must search.
    ///
    /// A rule whose regex bounds its match length to `max` bytes only needs
    /// `max` bytes either side of each keyword occurrence: every match
    /// contains a keyword. Other rules search the whole input.
    fn select_candidates(&mut self, haystack: &[u8], keywords: Option<&[KeywordHit]>) {
        for &rule in &self.candidates {
            self.candidate[rule] = false;
            self.windows[rule].clear();
        }
        self.candidates.clear();
        for &rule in &self.engine.always {
            self.mark(rule, 0..haystack.len());
        }
        let mut found = std::mem::take(&mut self.keywords);
        let hits = match keywords {
            Some(hits) => hits,
            None => {
                let timer = Timer::start(self.stats.is_some());
                found.clear();
                self.engine.keyword_hits(haystack, &mut found);
                if let Some(stats) = self.stats.as_deref_mut() {
                    stats.keywords_searched(timer.elapsed(), haystack.len());
                }
                &found[..]
            }
        };
        for hit in hits {
            for &rule in &self.engine.keyword_rules[hit.pattern as usize] {
                let window = match self.engine.rules[rule].max_len() {
                    Some(max) => {
                        hit.start.saturating_sub(max)
                            ..hit.end.saturating_add(max).min(haystack.len())
                    }
                    None => 0..haystack.len(),
                };
                self.mark(rule, window);
            }
        }
        self.keywords = found;
        self.candidates.sort_unstable();
        for &rule in &self.candidates {
            normalize(&mut self.windows[rule]);
        }
    }

    /// Adds a window to a rule, merging it with the previous one when they
    /// touch (keyword hits arrive in order of their end, so windows do too).
    fn mark(&mut self, rule: usize, window: Range<usize>) {
        if !self.candidate[rule] {
            self.candidate[rule] = true;
            self.candidates.push(rule);
        }
        let windows = &mut self.windows[rule];
        match windows.last_mut() {
            Some(last) if window.start <= last.end => {
                last.start = last.start.min(window.start);
                last.end = last.end.max(window.end);
            }
            _ => windows.push(window),
        }
    }

    fn run_rule(&mut self, index: usize, haystack: &[u8], out: &mut Vec<Match>) {
        let timer = Timer::start(self.stats.is_some());
        let before = out.len();
        self.search_rule(index, haystack, out);
        if let Some(stats) = self.stats.as_deref_mut() {
            let cost = &mut stats.rules[index];
            cost.inputs += 1;
            cost.bytes += self.windows[index]
                .iter()
                .map(|w| w.len() as u64)
                .sum::<u64>();
            cost.matches += (out.len() - before) as u64;
            cost.time += timer.elapsed();
        }
    }

    fn search_rule(&mut self, index: usize, haystack: &[u8], out: &mut Vec<Match>) {
        let rule = &*self.engine.rules[index];
        let Some(regex) = rule.regex() else {
            return;
        };
        let (cache, caps) = self.search[index]
            .get_or_insert_with(|| (regex.create_cache(), regex.create_captures()));
        for window in &self.windows[index] {
            let mut input = Input::new(haystack).range(window.clone());
            loop {
                regex.search_captures_with(cache, &input, caps);
                let Some(m) = caps.get_match() else { break };
                let next = if m.is_empty() { m.end() + 1 } else { m.end() };
                if let Some(secret) = caps
                    .get_group(rule.secret_group())
                    .filter(|s| !s.is_empty())
                    && let Some(verdict) = accepts(
                        rule,
                        &self.engine.global,
                        &haystack[secret.range()],
                        &haystack[m.range()],
                        &haystack[..secret.start],
                    )
                {
                    let checksum_mismatch = verdict == Verdict::ChecksumMismatch;
                    out.push(Match {
                        rule: index,
                        span: m.range(),
                        secret: secret.range(),
                        pair: rule
                            .pair_group()
                            .and_then(|g| caps.get_group(g))
                            .map(|s| s.range()),
                        confidence: if checksum_mismatch {
                            Confidence::Low
                        } else {
                            filters::match_confidence(
                                rule,
                                &haystack[name_start(haystack, m.start())..secret.start],
                                &haystack[secret.range()],
                            )
                        },
                        checksum_mismatch,
                    });
                }
                if next > window.end {
                    break;
                }
                input.set_start(next);
            }
        }
    }
}

/// Sorts windows and merges those that overlap, if they are not already
/// in order: a keyword region widened late (see [`regions`]) can start
/// before windows added after it, and overlapping windows would find a
/// match twice.
fn normalize(windows: &mut Vec<Range<usize>>) {
    if windows.windows(2).all(|w| w[0].end < w[1].start) {
        return;
    }
    windows.sort_unstable_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(windows.len());
    for window in windows.drain(..) {
        match merged.last_mut() {
            Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
            _ => merged.push(window),
        }
    }
    *windows = merged;
}

/// What the filters say of a match they let through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// A secret as far as the filters can tell.
    Secret,
    /// The rule's prefix and shape without its checksum.
    ChecksumMismatch,
}

/// The per-secret filters of one rule plus the global ones: `None` drops
/// the match. `whole` is the whole match (for `allowlist.matches`);
/// `before` is the input before the secret, which some checksums cover.
fn accepts(
    rule: &Rule,
    global: &Allowlist,
    secret: &[u8],
    whole: &[u8],
    before: &[u8],
) -> Option<Verdict> {
    if let Some(min) = rule.syntax.min_entropy
        && entropy(secret) < min_entropy_for(rule, secret, min)
    {
        return None;
    }
    let allowed = is_placeholder(secret)
        || rule.allowlist().allows_secret(secret)
        || global.allows_secret(secret)
        || rule.allowlist().allows_match(whole)
        || global.allows_match(whole);
    if allowed {
        return None;
    }
    match rule.syntax.checksum {
        Some(checksum) if !checksum.verify(secret, before) => {
            checksum.identifies().then_some(Verdict::ChecksumMismatch)
        }
        _ => Some(Verdict::Secret),
    }
}

/// Where the name a match starts in begins: a rule's regex may start at
/// the credential word of a longer name (`ACCESS_KEY` in
/// `KAFKA_ACCESS_KEY`), and the qualifiers before it tell what the value
/// is. Steps back over name characters, at most 64 bytes.
fn name_start(haystack: &[u8], start: usize) -> usize {
    let floor = start.saturating_sub(64);
    let before = haystack[floor..start]
        .iter()
        .rev()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        .count();
    start - before
}

/// A rule's entropy threshold for one secret. Hex digits carry at most 4
/// bits each, and a random 32- or 40-digit hex key measures only about 3.4
/// to 3.8 bits per character, under the 3.5 that suits mixed-case values:
/// for hex-only secrets of generic (low-confidence) rules the threshold is
/// at most 3.0. Provider rules keep theirs: a hex value where a provider
/// expects mixed case is more likely a git SHA.
fn min_entropy_for(rule: &Rule, secret: &[u8], min: f32) -> f32 {
    if rule.syntax.confidence == Confidence::Low
        && secret.len() >= 16
        && secret.iter().all(u8::is_ascii_hexdigit)
    {
        min.min(3.0)
    } else {
        min
    }
}

/// Where two matches (of `matches[first..]`) claim overlapping secrets,
/// one is dropped; see [`precedence`]. A GitHub token in `token = ...` is
/// one finding, not a GitHub one and a generic one.
fn drop_shadowed(engine: &Engine, haystack: &[u8], matches: &mut Vec<Match>, first: usize) {
    let found = &mut matches[first..];
    found.sort_by_key(|m| m.secret.start);
    let mut lost = vec![false; found.len()];
    for i in 0..found.len() {
        for j in i + 1..found.len() {
            if found[j].secret.start >= found[i].secret.end {
                break;
            }
            if lost[i] || lost[j] {
                continue;
            }
            let (a, b) = (
                precedence(engine, haystack, &found[i]),
                precedence(engine, haystack, &found[j]),
            );
            lost[if a >= b { j } else { i }] = true;
        }
    }
    let mut index = 0;
    matches.retain(|_| {
        let keep = index < first || !lost[index - first];
        index += 1;
        keep
    });
}

/// Orders overlapping matches, highest first: the more confident rule; then
/// the rule whose secret names itself (contains one of the rule's keywords,
/// like `sk_test_`), over one that recognised it by the name it is assigned
/// to; then the longer secret (a `ghr_` token over the `ghu_` look-alike
/// inside it); then the earlier rule.
fn precedence(
    engine: &Engine,
    haystack: &[u8],
    m: &Match,
) -> (Confidence, bool, usize, std::cmp::Reverse<usize>) {
    let rule = &engine.rules[m.rule].syntax;
    let secret = haystack[m.secret.clone()].to_ascii_lowercase();
    let named = rule
        .keywords
        .iter()
        .any(|k| memchr::memmem::find(&secret, k.to_ascii_lowercase().as_bytes()).is_some());
    (
        rule.confidence,
        named,
        m.secret.len(),
        std::cmp::Reverse(m.rule),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;
    use std::path::Path;

    fn engine(yaml: &str) -> Engine {
        let mut set = RuleSet::default();
        set.extend(crate::rules::parse_file(Path::new("t.yml"), yaml).unwrap())
            .unwrap();
        Engine::new(&set, Allowlist::default())
    }

    const TWO_RULES: &str = "rules:
- id: tok
  name: Token
  regex: '\\b(?P<secret>tok_[a-z0-9]{8})\\b'
  keywords: [tok_]
  confidence: high
- id: generic
  name: Generic
  regex: 'key\\s*=\\s*(?P<secret>[a-z0-9_]{8,})'
  keywords: [key]
  confidence: low
";

    #[test]
    fn keyword_gates_rule() {
        let e = engine(TWO_RULES);
        let mut m = e.matcher();
        let mut out = Vec::new();
        m.find(b"nothing here tok", &mut out);
        assert!(out.is_empty());
        m.find(b"x TOK_q1w2e3r4 y", &mut out);
        assert!(out.is_empty(), "regex is case-sensitive, keyword is not");
        m.find(b"x tok_q1w2e3r4 y", &mut out);
        assert_eq!(
            out,
            vec![Match {
                rule: 0,
                span: 2..14,
                secret: 2..14,
                pair: None,
                confidence: Confidence::High,
                checksum_mismatch: false,
            }]
        );
    }

    #[test]
    fn confident_rule_shadows_generic_one() {
        let e = engine(TWO_RULES);
        let mut out = Vec::new();
        e.matcher()
            .find(b"key = tok_q1w2e3r4\nkey = zz9yy8xx7", &mut out);
        let rules: Vec<_> = out.iter().map(|m| e.rules()[m.rule].id()).collect();
        assert_eq!(rules, ["tok", "generic"]);
    }

    #[test]
    fn a_run_of_one_letter_is_a_few_keyword_regions() {
        // A built-in keyword is twenty `A`s (Twitter bearer tokens): in a
        // run of `A` it occurs at every byte.
        let rules = RuleSet::builtin().unwrap();
        let engine = Engine::new(&rules, Allowlist::default());
        let mut hits = Vec::new();
        engine.keyword_hits(&vec![b'A'; 1 << 20], &mut hits);
        assert!(!hits.is_empty());
        assert!(hits.len() <= 8, "{} regions", hits.len());
        assert!(hits.iter().any(|h| h.start == 0 && h.end == 1 << 20));
    }

    #[test]
    fn windows_out_of_order_are_sorted_and_merged() {
        let mut windows = vec![0..10, 20..30, 5..12, 40..50];
        normalize(&mut windows);
        assert_eq!(windows, [0..12, 20..30, 40..50]);
        let mut ordered = vec![0..1, 2..3];
        normalize(&mut ordered);
        assert_eq!(ordered, [0..1, 2..3]);
    }

    #[test]
    fn placeholder_is_dropped() {
        let e = engine(TWO_RULES);
        let mut out = Vec::new();
        e.matcher().find(b"tok_xxxxxxxx", &mut out);
        assert!(out.is_empty());
    }
}
