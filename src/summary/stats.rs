//! Where matching time goes (`scan --stats`): per rule, the keyword
//! prefilter, the decoders and the block memo.
//!
//! Kept per thread by each matcher and merged at the end, so measuring
//! takes no lock; off unless asked for ([`crate::matcher::Engine::with_stats`]).

use std::time::{Duration, Instant};

/// The cost of one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleCost {
    /// Inputs (or decoded views) the rule's regex searched.
    pub inputs: u64,
    /// Bytes its regex searched (windows around keywords, or whole inputs).
    pub bytes: u64,
    /// Matches that passed its filters.
    pub matches: u64,
    /// Time in its regex and filters.
    pub time: Duration,
}

/// Matching costs of a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Per rule, by index in the engine.
    pub rules: Vec<RuleCost>,
    /// Time finding keywords (the prefilter), memo lookups included.
    pub keywords: Duration,
    /// Bytes whose keywords were looked for.
    pub keyword_bytes: u64,
    /// Time finding and matching decoded views.
    pub decoding: Duration,
    /// Blocks looked up in the block memo.
    pub memo_blocks: u64,
    /// Of those, blocks found there.
    pub memo_hits: u64,
}

impl Stats {
    /// Empty stats for `rules` rules.
    pub fn new(rules: usize) -> Stats {
        Stats {
            rules: vec![RuleCost::default(); rules],
            ..Stats::default()
        }
    }

    /// Counts one search for keywords in `bytes` bytes.
    pub fn keywords_searched(&mut self, time: Duration, bytes: usize) {
        self.keywords += time;
        self.keyword_bytes += bytes as u64;
    }

    /// Adds another thread's stats.
    pub fn merge(&mut self, other: &Stats) {
        if self.rules.len() < other.rules.len() {
            self.rules.resize(other.rules.len(), RuleCost::default());
        }
        for (mine, theirs) in self.rules.iter_mut().zip(&other.rules) {
            mine.inputs += theirs.inputs;
            mine.bytes += theirs.bytes;
            mine.matches += theirs.matches;
            mine.time += theirs.time;
        }
        self.keywords += other.keywords;
        self.keyword_bytes += other.keyword_bytes;
        self.decoding += other.decoding;
        self.memo_blocks += other.memo_blocks;
        self.memo_hits += other.memo_hits;
    }

    /// Total time in rules' regexes.
    pub fn rule_time(&self) -> Duration {
        self.rules.iter().map(|r| r.time).sum()
    }

    /// A table for people: the totals, then the `top` costliest rules.
    pub fn table(&self, rule_ids: &[&str], top: usize) -> String {
        let total = self.keywords + self.rule_time() + self.decoding;
        let share = |d: Duration| {
            if total.is_zero() {
                0.0
            } else {
                100.0 * d.as_secs_f64() / total.as_secs_f64()
            }
        };
        let mut out = format!(
            "matching time {:.2}s (all threads): keywords {:.2}s ({:.0}%), rules {:.2}s ({:.0}%), decoding {:.2}s ({:.0}%)\n",
            total.as_secs_f64(),
            self.keywords.as_secs_f64(),
            share(self.keywords),
            self.rule_time().as_secs_f64(),
            share(self.rule_time()),
            self.decoding.as_secs_f64(),
            share(self.decoding),
        );
        if self.memo_blocks > 0 {
            out.push_str(&format!(
                "block memo: {} of {} blocks found ({:.0}%)\n",
                self.memo_hits,
                self.memo_blocks,
                100.0 * self.memo_hits as f64 / self.memo_blocks as f64
            ));
        }
        let mut order: Vec<usize> = (0..self.rules.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(self.rules[i].time));
        out.push_str(&format!(
            "{:<44} {:>9} {:>12} {:>8} {:>9} {:>6}\n",
            "rule", "inputs", "bytes", "matches", "time", "share"
        ));
        for &i in order.iter().take(top) {
            let rule = &self.rules[i];
            if rule.inputs == 0 {
                break;
            }
            out.push_str(&format!(
                "{:<44} {:>9} {:>12} {:>8} {:>8.3}s {:>5.1}%\n",
                rule_ids.get(i).copied().unwrap_or("?"),
                rule.inputs,
                rule.bytes,
                rule.matches,
                rule.time.as_secs_f64(),
                share(rule.time)
            ));
        }
        out
    }
}

/// Measures a span of work when stats are kept.
pub struct Timer(Option<Instant>);

impl Timer {
    /// Starts measuring if `on`.
    pub fn start(on: bool) -> Timer {
        Timer(on.then(Instant::now))
    }

    /// Time since the start (zero when not measuring).
    pub fn elapsed(&self) -> Duration {
        self.0.map(|t| t.elapsed()).unwrap_or_default()
    }
}
