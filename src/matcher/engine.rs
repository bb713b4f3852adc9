//! The shared, read-only part of matching: the rules, the keyword
//! automaton over all their keywords, which rules each keyword gates, and
//! the global allowlist. Built once per scan; each thread makes its own
//! [`Matcher`] from it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::{KeywordHit, Matcher, regions};
use crate::rules::{Allowlist, Rule, RuleSet};
use crate::summary::stats::Stats;

/// Bytes a scan searches for keywords before the DFA is built: a
/// pre-commit hook's staged changes stay under it, a history is far over.
const DFA_AFTER: u64 = 1 << 20;

/// The automaton over `keywords` (none if there are none): of `kind`, or,
/// if that cannot be built (too many keywords for a DFA), the one
/// aho-corasick picks, which has no size limit in practice.
fn build_automaton(keywords: &[String], kind: AhoCorasickKind) -> Option<AhoCorasick> {
    if keywords.is_empty() {
        return None;
    }
    let build = |kind| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .kind(kind)
            .match_kind(MatchKind::Standard)
            .build(keywords)
    };
    build(Some(kind))
        .or_else(|_| build(None))
        .map_err(|e| log::error!("the keyword prefilter cannot be built: {e}"))
        .ok()
}

/// The shared, read-only part of matching.
#[derive(Debug)]
pub struct Engine {
    pub(super) rules: Vec<Arc<Rule>>,
    /// The keyword automaton as a contiguous NFA: cheap to build, used
    /// until the scan has read [`DFA_AFTER`] bytes.
    pub(super) prefilter: Option<AhoCorasick>,
    /// The same automaton as a full DFA (about three times the throughput,
    /// but a third of a small scan's start-up to build): built once the
    /// scan has read enough for it to pay off.
    dfa: OnceLock<Option<AhoCorasick>>,
    /// The keywords, lower-cased, for building the DFA.
    keywords: Vec<String>,
    /// Bytes searched for keywords so far, by all threads.
    searched: AtomicU64,
    /// Keyword pattern id → rules that use it.
    pub(super) keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: they run on every input.
    pub(super) always: Vec<usize>,
    /// Whether a keyword holds a line break.
    pub(super) keywords_span_lines: bool,
    pub(super) global: Allowlist,
    pub(super) decode: bool,
    pub(super) stats: bool,
}

impl Engine {
    /// Builds the prefilter over all rules' keywords.
    pub fn new(rules: &RuleSet, global: Allowlist) -> Engine {
        let rules: Vec<Arc<Rule>> = rules.rules().to_vec();
        let mut keywords: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            // A keyword of one or two letters occurs in nearly every input:
            // it narrows nothing, and handling its hits costs more than
            // letting the rule search the whole input.
            if !rule.keyword_gated() {
                always.push(index);
                continue;
            }
            for keyword in &rule.syntax.keywords {
                let keyword = keyword.to_ascii_lowercase();
                match keywords.iter().position(|k| *k == keyword) {
                    Some(pos) => keyword_rules[pos].push(index),
                    None => {
                        keywords.push(keyword);
                        keyword_rules.push(vec![index]);
                    }
                }
            }
        }
        // Both automata report the same occurrences in the same order, so
        // which one searched an input changes nothing but the time taken.
        let prefilter = build_automaton(&keywords, AhoCorasickKind::ContiguousNFA);
        let keywords_span_lines = keywords.iter().any(|k| k.contains('\n'));
        Engine {
            rules,
            prefilter,
            dfa: OnceLock::new(),
            searched: AtomicU64::new(0),
            keyword_rules,
            always,
            keywords_span_lines,
            keywords,
            global,
            decode: true,
            stats: false,
        }
    }

    /// Turns matching of decoded text (base64, hex, escapes, percent
    /// encoding) on or off; it is on by default. UTF-16 text is always
    /// decoded.
    pub fn with_decoding(mut self, decode: bool) -> Engine {
        self.decode = decode;
        self
    }

    /// Makes each matcher measure where its time goes (see [`crate::summary::stats`]).
    pub fn with_stats(mut self, on: bool) -> Engine {
        self.stats = on;
        self
    }

    /// Whether matchers measure where their time goes.
    pub fn keeps_stats(&self) -> bool {
        self.stats
    }

    /// Whether decoded text is matched.
    pub fn decodes(&self) -> bool {
        self.decode
    }

    /// Whether `text` contains one of the rules' keywords. Decoded views
    /// without one are not matched: rules that run without keywords
    /// (a few whose keyword is one or two letters) see plain text only.
    pub fn has_keyword(&self, text: &[u8]) -> bool {
        self.automaton(text.len()).is_some_and(|p| p.is_match(text))
    }

    /// The keyword automaton to search `len` more bytes with: the NFA for
    /// a small scan, the DFA (built by the first thread to need it) past
    /// [`DFA_AFTER`] bytes.
    fn automaton(&self, len: usize) -> Option<&AhoCorasick> {
        if let Some(dfa) = self.dfa.get() {
            return dfa.as_ref().or(self.prefilter.as_ref());
        }
        let before = self.searched.fetch_add(len as u64, Ordering::Relaxed);
        if before + len as u64 <= DFA_AFTER {
            return self.prefilter.as_ref();
        }
        self.dfa
            .get_or_init(|| build_automaton(&self.keywords, AhoCorasickKind::DFA))
            .as_ref()
            .or(self.prefilter.as_ref())
    }

    /// Appends the occurrences of every keyword in `haystack` to `out`, as
    /// [`regions::Regions`]: overlapping occurrences of one keyword are one
    /// region, and their number is bounded.
    pub fn keyword_hits(&self, haystack: &[u8], out: &mut Vec<KeywordHit>) {
        let Some(prefilter) = self.automaton(haystack.len()) else {
            return;
        };
        let mut regions = regions::Regions::new(out);
        for hit in prefilter.find_overlapping_iter(haystack) {
            regions.push(KeywordHit {
                pattern: hit.pattern().as_u32(),
                start: hit.start(),
                end: hit.end(),
            });
        }
    }

    /// Whether keyword occurrences can be found block by block: no keyword
    /// holds a line break.
    pub fn keywords_within_lines(&self) -> bool {
        !self.keywords_span_lines
    }

    /// The rules, indexed by [`super::Match::rule`].
    pub fn rules(&self) -> &[Arc<Rule>] {
        &self.rules
    }

    /// The global allowlist.
    pub fn global_allowlist(&self) -> &Allowlist {
        &self.global
    }

    /// A matcher for the calling thread.
    pub fn matcher(&self) -> Matcher<'_> {
        let n = self.rules.len();
        Matcher {
            engine: self,
            candidate: vec![false; n],
            candidates: Vec::with_capacity(n),
            windows: vec![Vec::new(); n],
            search: (0..n).map(|_| None).collect(),
            keywords: Vec::new(),
            stats: self.stats.then(|| Box::new(Stats::new(n))),
        }
    }
}
