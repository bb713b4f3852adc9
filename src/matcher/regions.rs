//! Keyword occurrences of one input, kept as regions so that their number
//! stays bounded whatever the input.
//!
//! A rule with a keyword searches a window around each occurrence of it
//! (see `Matcher::select_candidates`). Occurrences of one keyword that
//! overlap or touch give windows whose union is one window, so they are
//! kept as one region: 63 MB of `A` holds 63 million overlapping
//! occurrences of a twenty-`A` keyword, and one region. Past
//! [`MAX_REGIONS`] regions in one input (text dense with distinct
//! keywords), each further occurrence widens the last region of its
//! keyword instead: windows then cover more than they need to, never less,
//! and memory stays bounded.

use std::collections::HashMap;

use super::KeywordHit;

/// Regions kept per input before further occurrences widen the last
/// region of their keyword (24 bytes each: 24 MiB).
pub const MAX_REGIONS: usize = 1 << 20;

/// How many regions back an occurrence looks for one of its keyword to
/// join: occurrences of several keywords interleave in a run of one
/// letter, a few at a time.
const LOOK_BACK: usize = 8;

/// Appends occurrences to `out` as regions.
pub struct Regions<'a> {
    out: &'a mut Vec<KeywordHit>,
    /// Where this input's regions start in `out`.
    first: usize,
    /// Once `MAX_REGIONS` is reached: the last region of each keyword.
    last_of: Option<HashMap<u32, usize>>,
}

impl<'a> Regions<'a> {
    /// Regions appended to `out` from its current end on.
    pub fn new(out: &'a mut Vec<KeywordHit>) -> Self {
        let first = out.len();
        Regions {
            out,
            first,
            last_of: None,
        }
    }

    /// Adds one occurrence (occurrences come in the order of their ends).
    pub fn push(&mut self, hit: KeywordHit) {
        if let Some(last_of) = &mut self.last_of {
            match last_of.get(&hit.pattern) {
                Some(&i) => widen(&mut self.out[i], &hit),
                None => {
                    last_of.insert(hit.pattern, self.out.len());
                    self.out.push(hit);
                }
            }
            return;
        }
        let from = self.out.len().saturating_sub(LOOK_BACK).max(self.first);
        let joined = self.out[from..]
            .iter_mut()
            .rev()
            .find(|r| r.pattern == hit.pattern)
            .filter(|r| hit.start <= r.end);
        match joined {
            Some(region) => widen(region, &hit),
            None => {
                self.out.push(hit);
                if self.out.len() - self.first >= MAX_REGIONS {
                    self.last_of = Some(self.last_regions());
                }
            }
        }
    }

    /// The last region of each keyword so far.
    fn last_regions(&self) -> HashMap<u32, usize> {
        let mut last = HashMap::new();
        for (i, region) in self.out.iter().enumerate().skip(self.first) {
            last.insert(region.pattern, i);
        }
        last
    }
}

fn widen(region: &mut KeywordHit, hit: &KeywordHit) {
    region.start = region.start.min(hit.start);
    region.end = region.end.max(hit.end);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(pattern: u32, start: usize, end: usize) -> KeywordHit {
        KeywordHit {
            pattern,
            start,
            end,
        }
    }

    fn regions(hits: &[KeywordHit]) -> Vec<KeywordHit> {
        let mut out = Vec::new();
        let mut regions = Regions::new(&mut out);
        for &h in hits {
            regions.push(h);
        }
        out
    }

    #[test]
    fn overlapping_and_touching_occurrences_of_a_keyword_are_one_region() {
        let hits: Vec<_> = (0..1000).map(|i| hit(7, i, i + 20)).collect();
        assert_eq!(regions(&hits), [hit(7, 0, 1019)]);
        assert_eq!(
            regions(&[hit(1, 0, 4), hit(1, 4, 8), hit(1, 9, 13)]),
            [hit(1, 0, 8), hit(1, 9, 13)],
            "a gap keeps regions apart"
        );
    }

    #[test]
    fn interleaved_keywords_keep_their_own_regions() {
        let mut hits = Vec::new();
        for i in 0..100 {
            hits.push(hit(1, i, i + 4));
            hits.push(hit(2, i, i + 6));
        }
        assert_eq!(regions(&hits), [hit(1, 0, 103), hit(2, 0, 105)]);
    }

    #[test]
    fn regions_are_bounded_however_many_occurrences() {
        // Occurrences with gaps between them: one region each, up to the
        // bound; then the last region of each keyword grows.
        let hits: Vec<_> = (0..MAX_REGIONS + 5000)
            .map(|i| hit((i % 3) as u32, i * 10, i * 10 + 3))
            .collect();
        let out = regions(&hits);
        assert!(out.len() <= MAX_REGIONS + 3, "{}", out.len());
        let end = hits.last().unwrap().end;
        assert!(out.iter().any(|r| r.end == end), "the last one is covered");
    }
}
