//! Shards: `--shard K/N` splits a scan into N parts, of which this run
//! scans part K, so that N runs (machines, jobs, processes) with K = 1..N
//! cover everything exactly once.
//!
//! Targets are split by a hash of their normalized name (see
//! [`crate::targets::Target::shard_name`]); the blobs of one repository by
//! their id (already a hash), files by their path. The split depends only
//! on the names and ids, never on the machine, the order or the time.

use std::fmt;

/// Part `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which part, 1 to `count`.
    pub index: u64,
    /// How many parts.
    pub count: u64,
}

/// What a shard splits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShardBy {
    /// Whole targets, by name.
    Targets,
    /// The blobs (and files) of every target, by id.
    Blobs,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let usage = || {
            format!(
                "'{text}' is not a shard: use K/N with 1 <= K <= N, e.g. 2/8 for the second of eight parts"
            )
        };
        let (k, n) = text.trim().split_once('/').ok_or_else(usage)?;
        let index: u64 = k.trim().parse().map_err(|_| usage())?;
        let count: u64 = n.trim().parse().map_err(|_| usage())?;
        if count == 0 || index == 0 || index > count {
            return Err(usage());
        }
        Ok(Shard { index, count })
    }

    /// Whether the target whose normalized name is `name` is in this part.
    pub fn has_name(&self, name: &str) -> bool {
        self.has_hash(xxhash_rust::xxh3::xxh3_64(name.as_bytes()))
    }

    /// Whether the git object `id` is in this part.
    pub fn has_object(&self, id: &gix::oid) -> bool {
        let bytes = id.as_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&bytes[..8]);
        self.has_hash(u64::from_be_bytes(first))
    }

    fn has_hash(&self, hash: u64) -> bool {
        hash % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_refuses() {
        assert_eq!(Shard::parse("2/8"), Ok(Shard { index: 2, count: 8 }));
        assert!(Shard::parse("0/8").is_err());
        assert!(Shard::parse("9/8").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("1").unwrap_err().contains("K/N"));
    }

    #[test]
    fn every_name_and_object_is_in_exactly_one_part() {
        for count in 1..6 {
            let parts: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
            for i in 0..200u32 {
                let name = format!("https://example.org/org/repo-{i}");
                assert_eq!(parts.iter().filter(|s| s.has_name(&name)).count(), 1);
                let hash = xxhash_rust::xxh3::xxh3_64(&i.to_le_bytes());
                let id = gix::ObjectId::from_hex(format!("{hash:016x}{:024x}", 0).as_bytes())
                    .expect("hex");
                assert_eq!(parts.iter().filter(|s| s.has_object(&id)).count(), 1);
            }
        }
    }
}
