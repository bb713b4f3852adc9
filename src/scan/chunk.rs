//! Scanning one input on one thread: binary and UTF-16 detection, the
//! matcher, the block memo and the decoders, nested views; the hits it
//! finds are located by [`super::locate`].

use std::ops::Range;
use std::sync::Arc;

use super::locate::{Hit, Located, Origin};
use crate::classify;
use crate::decode::{self, Encoding, View};
use crate::finding::{Findings, SecretKey};
use crate::matcher::memo::{self, Memo};
use crate::matcher::{Engine, KeywordHit, Match, Matcher};
use crate::summary::stats::Timer;
use crate::summary::{HumanBytes, SkipReason, Summary};
use crate::suppress::{self, Suppression};
use crate::text::LineIndex;

/// Per-thread scanning state: a matcher, its scratch space, and results.
pub struct ChunkScanner<'e> {
    pub(super) matcher: Matcher<'e>,
    pub(super) suppression: &'e Suppression,
    pub(super) matches: Vec<Match>,
    pub(super) hits: Vec<Hit>,
    /// Secret keys computed so far (each costs a few milliseconds).
    pub(super) keys: std::collections::HashMap<(usize, Vec<u8>), SecretKey>,
    /// The block memo shared by the scan's threads, if it has one.
    pub(super) memo: Option<Arc<Memo>>,
    /// Keyword occurrences of the input, from the memo.
    pub(super) keywords: Vec<KeywordHit>,
    pub(super) keyword_scratch: Vec<KeywordHit>,
    /// The blocks of the input the decoders may find something in.
    pub(super) unclean: Vec<Range<usize>>,
    /// Findings so far.
    pub findings: Findings,
    /// Counts so far.
    pub summary: Summary,
}

/// Bytes looked at to decide whether content is binary (as git does).
const BINARY_PROBE: usize = 8000;

/// Whether content looks binary: a NUL byte in its first 8000 bytes.
pub fn looks_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(BINARY_PROBE)]).is_some()
}

impl<'e> ChunkScanner<'e> {
    /// A scanner for the calling thread, with no suppression but inline
    /// markers.
    pub fn new(engine: &'e Engine) -> Self {
        static NONE: std::sync::LazyLock<Suppression> = std::sync::LazyLock::new(Default::default);
        Self::with_suppression(engine, &NONE)
    }

    /// A scanner for the calling thread that drops what `suppression`
    /// suppresses.
    pub fn with_suppression(engine: &'e Engine, suppression: &'e Suppression) -> Self {
        ChunkScanner {
            matcher: engine.matcher(),
            suppression,
            memo: None,
            keywords: Vec::new(),
            keyword_scratch: Vec::new(),
            unclean: Vec::new(),
            matches: Vec::new(),
            hits: Vec::new(),
            keys: Default::default(),
            findings: Findings::default(),
            summary: Summary::default(),
        }
    }

    /// Remembers what the keyword prefilter and the decoders find in each
    /// block of lines in `memo`, shared with other threads, and looks it up
    /// there (see [`crate::matcher::memo`]).
    pub fn with_memo(mut self, memo: Arc<Memo>) -> Self {
        if self.matcher.engine().keywords_within_lines() {
            self.memo = Some(memo);
        }
        self
    }

    /// The engine this scanner matches with.
    pub fn engine(&self) -> &'e Engine {
        self.matcher.engine()
    }

    /// Scans one file-like input whose path is known.
    pub fn scan(&mut self, bytes: &[u8], origin: Origin<'_>) {
        let mut hits = std::mem::take(&mut self.hits);
        hits.clear();
        self.hits(bytes, origin.display, &mut hits);
        for hit in &hits {
            self.add(hit, origin, None);
        }
        self.hits = hits;
    }

    /// Matches one input and appends its located, not inline-suppressed
    /// matches to `out`, including those in decoded parts of it. Binary
    /// content is skipped and counted; UTF-16 text is decoded first.
    pub fn hits(&mut self, bytes: &[u8], name: &str, out: &mut Vec<Hit>) {
        // UTF-16 is recognised before binary content is: its ASCII has a
        // zero byte per character, and a byte order mark declares it even
        // where no zero byte is near the start.
        let binary = looks_binary(bytes);
        if (binary || decode::has_utf16_bom(bytes))
            && let Some(text) = decode::utf16(bytes)
        {
            self.summary.inputs_scanned += 1;
            self.summary.bytes_scanned += bytes.len() as u64;
            self.text_hits(text.as_bytes(), name, &[Encoding::Utf16], out);
            return;
        }
        if binary {
            log::info!("{name}: skipped: binary");
            self.summary.skip(SkipReason::Binary);
            return;
        }
        self.summary.inputs_scanned += 1;
        self.summary.bytes_scanned += bytes.len() as u64;
        self.text_hits(bytes, name, &[], out);
    }

    /// Matches text, then the views its decoders make of it, nested up to
    /// [`decode::MAX_DEPTH`] levels. A decoded match that overlaps one
    /// already found (the same secret, seen encoded and decoded) is not
    /// reported twice.
    fn text_hits(&mut self, text: &[u8], name: &str, outer: &[Encoding], out: &mut Vec<Hit>) {
        let mut located = Located {
            lines: LineIndex::new(text),
            markers: suppress::InlineMarkers::new(text),
            claimed: Vec::new(),
        };
        let first = out.len();
        let mut keywords = std::mem::take(&mut self.keywords);
        let timer = Timer::start(self.matcher.engine().keeps_stats());
        let blocks = self.memo_search(text, &mut keywords);
        let decode_clean = blocks.as_ref().map(|b| b.decode_clean);
        if let (Some(stats), Some(_)) = (self.matcher.stats_mut(), decode_clean) {
            stats.keywords_searched(timer.elapsed(), text.len());
        }
        self.matches.clear();
        self.matcher
            .find_with(text, decode_clean.map(|_| &keywords[..]), &mut self.matches);
        self.keywords = keywords;
        self.match_hits(text, text, None, outer, &mut located, out);
        if self.matcher.engine().decodes() && decode_clean != Some(true) {
            let timer = Timer::start(self.matcher.engine().keeps_stats());
            let unclean = std::mem::take(&mut self.unclean);
            let only = blocks.filter(|b| !b.wraps).map(|_| &unclean[..]);
            self.decoded_hits(text, name, outer, only, &mut located, out);
            self.unclean = unclean;
            if let Some(stats) = self.matcher.stats_mut() {
                stats.decoding += timer.elapsed();
            }
        }
        let mut lines = located.lines;
        out.retain(|hit| !hit.superseded);
        if out.len() == first {
            return;
        }
        if let Some(tests) = classify::rust_test_module(text) {
            let (test_line, _) = lines.locate(tests);
            for hit in &mut out[first..] {
                hit.in_test_module = hit.line >= test_line;
            }
        }
        let docs = classify::doc_strings(text);
        if !docs.is_empty() {
            let docs: Vec<(usize, usize)> = docs
                .iter()
                .map(|d| (lines.locate(d.start).0, lines.locate(d.end).0))
                .collect();
            for hit in &mut out[first..] {
                hit.in_doc_string = docs.iter().any(|&(a, b)| a < hit.line && hit.line <= b);
            }
        }
    }

    /// The decoded part of [`Self::text_hits`]: the views of `text` (of
    /// `only` those parts of it, if given), each matched as soon as it is
    /// made. Decoding stops when the input's budget runs out; the input is
    /// then counted and named.
    fn decoded_hits(
        &mut self,
        text: &[u8],
        name: &str,
        outer: &[Encoding],
        only: Option<&[Range<usize>]>,
        located: &mut Located<'_>,
        out: &mut Vec<Hit>,
    ) {
        let mut budget = decode_budget(text.len());
        let engine = self.matcher.engine();
        let worth = |bytes: &[u8]| engine.has_keyword(bytes);
        let whole = 0..text.len();
        let ranges = only.unwrap_or(std::slice::from_ref(&whole));
        let mut cut = false;
        let fits = decode::views_in(text, ranges, &mut budget, &worth, &mut |view, budget| {
            let chain = chained(outer, view.encoding);
            self.view_hits(text, &view, &chain, 1, budget, &mut cut, located, out);
        });
        if !fits || cut {
            log::warn!(
                "{name}: decoding stopped at its size limit ({} of decoded text); the rest \
                 of it was matched only as written",
                HumanBytes(decode_budget(text.len()) as u64)
            );
            self.summary.decoding_cut(name);
        }
    }

    /// Matches one view of `text`, then the views nested in it while
    /// `depth` allows. Nested views are charged to `budget`; when one does
    /// not fit, `cut` is set and decoding stops.
    #[allow(clippy::too_many_arguments)]
    fn view_hits(
        &mut self,
        text: &[u8],
        view: &View,
        chain: &[Encoding],
        depth: usize,
        budget: &mut usize,
        cut: &mut bool,
        located: &mut Located<'_>,
        out: &mut Vec<Hit>,
    ) {
        let engine = self.matcher.engine();
        let worth = |bytes: &[u8]| engine.has_keyword(bytes);
        if worth(&view.text) {
            self.matches.clear();
            self.matcher.find(&view.text, &mut self.matches);
            self.match_hits(text, &view.text, Some(view), chain, located, out);
        }
        if depth < decode::MAX_DEPTH && !*cut {
            let fits = decode::views(&view.text, budget, &worth, &mut |mut child, budget| {
                for source in &mut child.map {
                    *source = view.map[*source];
                }
                let chain = chained(chain, child.encoding);
                self.view_hits(text, &child, &chain, depth + 1, budget, cut, located, out);
            });
            if !fits {
                *cut = true;
                *budget = 0;
            }
        }
    }

    /// The keyword occurrences of `text` from the memo, into `keywords`,
    /// and what the memo says of decoding it (the blocks it may find
    /// something in are left in `self.unclean`); `None` without a memo or
    /// for an input too small to be worth it.
    fn memo_search(&mut self, text: &[u8], keywords: &mut Vec<KeywordHit>) -> Option<memo::Blocks> {
        let memo = self.memo.as_ref()?;
        if text.len() < memo::MIN_INPUT || u32::try_from(text.len()).is_err() {
            return None;
        }
        keywords.clear();
        let mut search = BlockSearch {
            engine: self.matcher.engine(),
            misses: 0,
        };
        let blocks = memo.search(
            text,
            &mut search,
            &mut self.keyword_scratch,
            keywords,
            &mut self.unclean,
        );
        if let Some(stats) = self.matcher.stats_mut() {
            stats.memo_blocks += blocks.count;
            stats.memo_hits += blocks.count - search.misses;
        }
        Some(blocks)
    }
}

impl ChunkScanner<'_> {
    /// Records an input that was not scanned.
    pub fn skip(&mut self, reason: SkipReason) {
        self.summary.skip(reason);
    }

    /// Findings and counts of this thread.
    pub fn finish(mut self) -> (Findings, Summary) {
        if let Some(stats) = self.matcher.take_stats() {
            self.summary
                .stats
                .get_or_insert_with(Default::default)
                .merge(&stats);
        }
        (self.findings, self.summary)
    }
}

/// How the memo finds the facts of a block it has not seen.
struct BlockSearch<'e> {
    engine: &'e Engine,
    misses: u64,
}

impl memo::Search for BlockSearch<'_> {
    fn keywords(&mut self, block: &[u8], out: &mut Vec<KeywordHit>) {
        self.misses += 1;
        self.engine.keyword_hits(block, out);
    }

    fn decodes_nothing(&mut self, block: &[u8]) -> bool {
        if !self.engine.decodes() {
            return true;
        }
        let mut budget = usize::MAX;
        let mut any = false;
        let worth = |bytes: &[u8]| self.engine.has_keyword(bytes);
        decode::views(block, &mut budget, &worth, &mut |_, _| any = true);
        !any
    }
}

/// View bytes allowed per input: twice its size, at least 64 KiB, so that
/// decoding at most triples the work on an input. Memory does not grow
/// with it: views are matched as they are made and dropped (see
/// [`decode::views`]).
fn decode_budget(len: usize) -> usize {
    len.saturating_mul(2).max(64 << 10)
}

/// `outer` followed by `inner`.
fn chained(outer: &[Encoding], inner: Encoding) -> Vec<Encoding> {
    let mut chain = outer.to_vec();
    chain.push(inner);
    chain
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{Allowlist, RuleSet};

    #[test]
    fn binary_detection() {
        assert!(looks_binary(b"PNG\0\x01"));
        assert!(!looks_binary("héllo".as_bytes()));
        let mut late_nul = vec![b'a'; 9000];
        late_nul[8500] = 0;
        assert!(!looks_binary(&late_nul));
    }

    #[test]
    fn locates_and_suppresses() {
        let rules = RuleSet::builtin().unwrap();
        let engine = Engine::new(&rules, Allowlist::default());
        let mut scanner = ChunkScanner::new(&engine);
        let token = "glpat-Zq8vR2mLx7Tb4nWc9YkP"; // leakhound:allow (synthetic)
        let text = format!("a\nx = '{token}'\ny = '{token}' # leakhound:allow\n");
        scanner.scan(
            text.as_bytes(),
            Origin {
                display: "f",
                relative: "f",
            },
        );
        let (findings, summary) = scanner.finish();
        let findings = findings.into_sorted();
        assert_eq!(findings.len(), 1);
        assert_eq!(
            (
                findings[0].locations[0].line,
                findings[0].locations[0].column
            ),
            (2, 6)
        );
        assert_eq!(summary.suppressed_inline, 1);
    }
}
