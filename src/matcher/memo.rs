//! Block memo: what the keyword prefilter and the decoders find in a run of
//! lines, remembered by content, so that text already seen in another
//! input (an older version of the same file, most of a history's bytes) is
//! not searched again.
//!
//! An input is cut into blocks at line ends, where its content says (so an
//! edit moves only the cuts next to it); each block is keyed by a 128-bit
//! hash of its bytes and whether it starts or ends the input. Two facts
//! are kept per block:
//!
//! - **its keyword occurrences.** No keyword holds a line break, so every
//!   occurrence in an input lies inside one block, and the input's
//!   occurrences are the blocks' ones shifted, in the same order (by end).
//!   The matcher then searches exactly the windows it would have searched.
//! - **whether the decoders find nothing in it.** Base64 and hex runs never
//!   hold a line break, escape views are made line by line, and a base64
//!   block wrapped over lines crosses into the next block only from a line
//!   that ends in 40 or more base64 characters, which makes its block
//!   unclean. So an input whose blocks are all clean has no decoded view,
//!   and decoding is skipped; otherwise only its unclean blocks are decoded
//!   ([`crate::decode::views_in`]: runs, then escaped lines, block by block,
//!   as a whole-input decoding orders them; a clean block uses no decoding
//!   budget either way), unless one of them could go on into the next
//!   block: then the input is decoded whole, as without the memo.
//!
//! Both facts are what a search of the whole input would give, so findings
//! do not depend on the memo; `tests/git.rs` compares reports with and
//! without it. The memo is bounded ([`MAX_ENTRIES`]); past that, blocks are
//! searched without being remembered.

use std::sync::Mutex;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

use super::regions::Regions;

/// Blocks remembered, at most: 7/8 of 2^15 per shard, the most a hash
/// table of 2^15 buckets holds before it doubles (33 bytes a bucket: the
/// memo's tables stay within 69 MiB; one more entry per shard would
/// double them to 138 MiB).
pub const MAX_ENTRIES: usize = SHARDS * (1 << 15) / 8 * 7;

/// Inputs shorter than this are searched whole: cutting and hashing would
/// cost more than it saves.
pub const MIN_INPUT: usize = 2048;

/// A block is cut at the first chosen line end past this many bytes...
const MIN_BLOCK: usize = 512;
/// ...and at the first line end past this many, chosen or not.
const MAX_BLOCK: usize = 16 << 10;

/// Blocks longer than this (a long line) are never checked for decoding
/// on their own: that would decode them twice.
pub const MAX_DECODE_CHECK: usize = 64 << 10;

/// Keyword regions remembered, at most, over all blocks (12 bytes each:
/// 48 MiB). Text dense with keywords fills this before `MAX_ENTRIES`.
pub const MAX_STORED_HITS: usize = 1 << 22;

const SHARDS: usize = 64;

/// One keyword occurrence: the keyword's index and its byte range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeywordHit {
    /// Index of the keyword in the prefilter.
    pub pattern: u32,
    /// Start of the occurrence.
    pub start: usize,
    /// End of the occurrence.
    pub end: usize,
}

/// What is remembered of one block.
#[derive(Clone, Copy)]
struct Facts {
    /// Its keyword occurrences: `hits[first..first + len]` of the shard,
    /// with offsets relative to the block.
    first: u32,
    len: u32,
    decode_clean: bool,
    /// Its last line could go on in a wrapped base64 block.
    wraps: bool,
}

/// Keys are hashes already: the map uses their low bits as they are.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u128(&mut self, key: u128) {
        self.0 = (key >> 64) as u64;
    }
}

#[derive(Default)]
struct Shard {
    map: HashMap<u128, Facts, BuildHasherDefault<KeyHasher>>,
    hits: Vec<(u32, u32, u32)>,
}

/// The block memo of one scan, shared by its threads.
pub struct Memo {
    shards: Vec<Mutex<Shard>>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
        }
    }
}

impl Memo {
    /// Forgets every block, freeing the memory they took; the memo stays
    /// usable and starts over empty.
    pub fn clear(&self) {
        for shard in &self.shards {
            *shard.lock().unwrap_or_else(|e| e.into_inner()) = Shard::default();
        }
    }
}

/// What [`Memo::search`] found of an input.
pub struct Blocks {
    /// Blocks the input was cut into.
    pub count: u64,
    /// Whether the decoders find nothing in it.
    pub decode_clean: bool,
    /// Whether a block the decoders find something in could go on into the
    /// next one (a wrapped base64 block): then only a decoding of the whole
    /// input is exact.
    pub wraps: bool,
}

/// How the facts of a block not seen before are found.
pub trait Search {
    /// Appends the keyword occurrences of `block` (as an input of its own)
    /// to `out`, ordered as a search of a whole input orders them.
    fn keywords(&mut self, block: &[u8], out: &mut Vec<KeywordHit>);
    /// Whether the decoders find nothing in `block` (as an input of its
    /// own).
    fn decodes_nothing(&mut self, block: &[u8]) -> bool;
}

impl Memo {
    /// Appends the keyword occurrences of `text` to `out`, from the memo
    /// where its blocks were seen before; says whether the decoders would
    /// find nothing in it. `text` must be at least [`MIN_INPUT`] bytes and
    /// under 4 GiB.
    pub fn search(
        &self,
        text: &[u8],
        search: &mut dyn Search,
        scratch: &mut Vec<KeywordHit>,
        out: &mut Vec<KeywordHit>,
        unclean: &mut Vec<Range<usize>>,
    ) -> Blocks {
        let mut blocks = Blocks {
            count: 0,
            decode_clean: true,
            wraps: false,
        };
        unclean.clear();
        let mut regions = Regions::new(out);
        let mut start = 0;
        while start < text.len() {
            let end = block_end(text, start);
            let block = &text[start..end];
            let key = key(block, start == 0, end == text.len());
            let facts = self.block(key, block, start, search, scratch, &mut regions);
            if !facts.decode_clean {
                blocks.decode_clean = false;
                blocks.wraps |= facts.wraps;
                match unclean.last_mut() {
                    Some(last) if last.end == start => last.end = end,
                    _ => unclean.push(start..end),
                }
            }
            blocks.count += 1;
            start = end;
        }
        blocks
    }

    /// The facts of one block, looked up or found and remembered; its
    /// keyword occurrences are added to `out` shifted by `offset`.
    fn block(
        &self,
        key: u128,
        block: &[u8],
        offset: usize,
        search: &mut dyn Search,
        scratch: &mut Vec<KeywordHit>,
        out: &mut Regions<'_>,
    ) -> Facts {
        let shard = &self.shards[(key as usize) % SHARDS];
        {
            let shard = shard.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(facts) = shard.map.get(&key) {
                let hits = &shard.hits[facts.first as usize..(facts.first + facts.len) as usize];
                for &(pattern, start, end) in hits {
                    out.push(KeywordHit {
                        pattern,
                        start: offset + start as usize,
                        end: offset + end as usize,
                    });
                }
                return *facts;
            }
        }
        scratch.clear();
        search.keywords(block, scratch);
        let wraps = wraps_on(block);
        let decode_clean =
            block.len() <= MAX_DECODE_CHECK && !wraps && search.decodes_nothing(block);
        for h in scratch.iter() {
            out.push(KeywordHit {
                pattern: h.pattern,
                start: offset + h.start,
                end: offset + h.end,
            });
        }
        let mut shard = shard.lock().unwrap_or_else(|e| e.into_inner());
        let facts = Facts {
            first: shard.hits.len() as u32,
            len: scratch.len() as u32,
            decode_clean,
            wraps,
        };
        if shard.map.len() < MAX_ENTRIES / SHARDS
            && shard.hits.len() + scratch.len() <= MAX_STORED_HITS / SHARDS
        {
            shard.hits.extend(
                scratch
                    .iter()
                    .map(|h| (h.pattern, h.start as u32, h.end as u32)),
            );
            shard.map.insert(key, facts);
        }
        facts
    }
}

/// The key of a block: a hash of its bytes and of whether it starts or
/// ends its input (assertions such as `\A` and `\z` see the difference).
fn key(block: &[u8], first: bool, last: bool) -> u128 {
    let hash = xxhash_rust::xxh3::xxh3_128(block);
    (hash & !3) | u128::from(first) | (u128::from(last) << 1)
}

/// Where the block starting at `start` ends: just past a line end chosen
/// by the content of the line before it, at least [`MIN_BLOCK`] bytes on
/// and at the first line end past [`MAX_BLOCK`], or at the end of `text`.
fn block_end(text: &[u8], start: usize) -> usize {
    let mut from = (start + MIN_BLOCK).min(text.len());
    loop {
        let Some(at) = memchr::memchr(b'\n', &text[from..]) else {
            return text.len();
        };
        let end = from + at + 1;
        if end - start >= MAX_BLOCK || chosen(&text[start..end - 1]) {
            return end;
        }
        from = end;
    }
}

/// Whether to cut after a line that `before` ends with (the line break
/// excluded): about one line in eight, by its last bytes.
fn chosen(before: &[u8]) -> bool {
    let tail = &before[before.len().saturating_sub(8)..];
    let mut word = [0u8; 8];
    word[..tail.len()].copy_from_slice(tail);
    let mixed = u64::from_le_bytes(word).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    mixed >> 61 == 0
}

/// Whether a base64 block wrapped over lines could go on from the last
/// line of `block` into what follows: its last line that is not blank
/// ends in 40 or more base64 characters.
fn wraps_on(block: &[u8]) -> bool {
    let trimmed = block.trim_ascii_end();
    let line_start = memchr::memrchr(b'\n', trimmed).map_or(0, |i| i + 1);
    let line = &trimmed[line_start..];
    let line = line
        .strip_suffix(b"==")
        .or(line.strip_suffix(b"="))
        .unwrap_or(line);
    line.iter()
        .rev()
        .take_while(|&&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
        .count()
        >= 40
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_text_and_end_at_line_ends() {
        let text: String = (0..2000)
            .map(|i| format!("line {i} = {}\n", i * 7919))
            .collect();
        let text = text.as_bytes();
        let mut start = 0;
        let mut blocks = 0;
        while start < text.len() {
            let end = block_end(text, start);
            assert!(end > start);
            assert!(end == text.len() || text[end - 1] == b'\n');
            assert!(end - start <= MAX_BLOCK + 64);
            start = end;
            blocks += 1;
        }
        assert!(blocks > 10, "{blocks} blocks");
    }

    #[test]
    fn an_edit_moves_only_nearby_cuts() {
        let lines: Vec<String> = (0..3000)
            .map(|i| format!("value_{i} = {}\n", i * 31))
            .collect();
        let before = lines.concat();
        let mut edited = lines.clone();
        edited[1500] = "an edited line\n".into();
        let after = edited.concat();
        let cuts = |text: &str| {
            let text = text.as_bytes();
            let mut cuts = std::collections::HashSet::new();
            let mut start = 0;
            while start < text.len() {
                let end = block_end(text, start);
                cuts.insert(text[start..end].to_vec());
                start = end;
            }
            cuts
        };
        let (a, b) = (cuts(&before), cuts(&after));
        assert!(
            a.intersection(&b).count() + 3 >= a.len(),
            "most blocks are shared"
        );
    }

    #[test]
    fn long_base64_line_endings_are_unclean() {
        let long = "QUJD".repeat(12);
        assert!(wraps_on(format!("x = 1\n{long}\n\n").as_bytes()));
        assert!(wraps_on(format!("{long}==\r\n").as_bytes()));
        assert!(!wraps_on(format!("{long} end\n").as_bytes()));
        assert!(!wraps_on(b"short\n"));
    }
}
