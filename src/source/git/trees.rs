//! Trees kept in memory, compactly, so that the history walk and the
//! provenance diffs never decompress a tree twice.
//!
//! The pass over the packs decodes every tree anyway; its threads parse the
//! trees they meet into one [`TreeStore`] (names and object ids interned to
//! 32-bit numbers, the entry's kind in the name's top bits, so an entry is
//! 8 bytes). Trees the pass did not cover (loose objects,
//! packs read object by object) are loaded from the object database the
//! first time the walk asks for them. A tree entry of a repository the size
//! of rust-lang/cargo is read from memory in nanoseconds instead of being
//! inflated from its pack (and its delta chain) each time.
//!
//! Memory stays bounded: past [`MEMORY_BUDGET`] of entries, each full chunk
//! is written to an unnamed temporary file (in `TMPDIR`, removed by the
//! system when the scan ends, however it ends) and read back from there.
//! git/git's history holds 146 million tree entries (1.1 GiB); kept in
//! memory they were most of the scan's memory. The file holds numbers
//! only (indices of names and ids), never a name or a byte of content.

use std::cmp::Ordering;
use std::fs::File;
use std::io::Write;

use gix::ObjectId;
use gix::bstr::BString;
use gix::hashtable::HashMap;
use gix::objs::tree::EntryKind;
use gix::prelude::Find;
use rustc_hash::FxHashMap;

/// One entry of a stored tree.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Index of the name in the store, and the kind in the top 3 bits.
    name_and_kind: u32,
    /// Index of the object id in the store.
    object: u32,
}

const KIND_SHIFT: u32 = 29;
const KINDS: [EntryKind; 5] = [
    EntryKind::Tree,
    EntryKind::Blob,
    EntryKind::BlobExecutable,
    EntryKind::Link,
    EntryKind::Commit,
];

impl Entry {
    fn new(name: u32, object: u32, kind: EntryKind) -> Entry {
        let kind = KINDS.iter().position(|k| *k == kind).unwrap_or(1) as u32;
        Entry {
            name_and_kind: name | (kind << KIND_SHIFT),
            object,
        }
    }

    /// What the entry is.
    pub fn kind(&self) -> EntryKind {
        KINDS[(self.name_and_kind >> KIND_SHIFT) as usize]
    }

    fn name(&self) -> usize {
        (self.name_and_kind & ((1 << KIND_SHIFT) - 1)) as usize
    }

    /// The store's number for the entry's object: equal numbers, equal
    /// ids. The history walk keeps what it has seen by these numbers.
    pub fn object(&self) -> usize {
        self.object as usize
    }

    /// Whether two entries of one store have the same name and both are,
    /// or both are not, trees: then git orders them equal.
    pub fn same_place(&self, other: &Entry) -> bool {
        self.name() == other.name()
            && (self.kind() == EntryKind::Tree) == (other.kind() == EntryKind::Tree)
    }

    /// The entry as it is written to the spill file.
    fn to_bytes(self) -> [u8; ENTRY_BYTES] {
        let mut bytes = [0; ENTRY_BYTES];
        bytes[..4].copy_from_slice(&self.name_and_kind.to_le_bytes());
        bytes[4..].copy_from_slice(&self.object.to_le_bytes());
        bytes
    }

    fn from_bytes(bytes: &[u8]) -> Entry {
        let word = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        Entry {
            name_and_kind: word(0),
            object: word(4),
        }
    }
}

/// Bytes of an entry in the spill file.
const ENTRY_BYTES: usize = 8;

/// Entries kept in memory before chunks go to the spill file: 32 MiB, so
/// a history the size of rust-lang/cargo's (2.6 million entries, 21 MiB)
/// never touches the disk.
pub const MEMORY_BUDGET: usize = 32 << 20;

/// Decoded trees, by id.
///
/// Every object id met (as a tree kept or as an entry) is interned once;
/// a tree's entries are found through its id's number, so no second map
/// by id is needed. Entries live in fixed-size chunks: a history's trees
/// hold millions of entries, and one growing vector would at times hold
/// twice that (and, while it moves, three times).
pub struct TreeStore {
    /// Interned object id → where its entries are, if it is a tree kept.
    spans: Vec<Span>,
    chunks: Vec<Chunk>,
    /// Chunks in memory may hold this many entries in all; full chunks
    /// past it are spilled.
    budget: usize,
    /// Entries held by chunks in memory.
    in_memory: usize,
    /// The spill file, once there is one (`None` if it cannot be made:
    /// then everything stays in memory).
    spill: Option<Spill>,
    /// Whether making or writing the spill file failed (said once).
    spill_failed: bool,
    trees: usize,
    names: Vec<BString>,
    /// Names are short and few; a fast hash keeps interning them cheap
    /// (every entry of every tree is interned).
    name_ids: FxHashMap<BString, u32>,
    ids: Vec<ObjectId>,
    id_ids: HashMap<ObjectId, u32>,
    /// The entries of the tree being parsed.
    scratch: Vec<Entry>,
}

/// Entries per chunk (512 KiB); a tree with more gets a chunk of its own.
const CHUNK: usize = 1 << 16;

/// A chunk of entries, in memory or in the spill file.
enum Chunk {
    Memory(Vec<Entry>),
    /// Entries written from byte `offset` of the spill file.
    Spilled {
        offset: u64,
    },
}

/// The temporary file spilled chunks are written to.
struct Spill {
    file: File,
    written: u64,
}

impl Default for TreeStore {
    fn default() -> Self {
        TreeStore::with_budget(MEMORY_BUDGET)
    }
}

/// Where a kept tree's entries are: `chunks[chunk][start..start + len]`.
#[derive(Clone, Copy)]
struct Span {
    chunk: u32,
    start: u32,
    len: u32,
}

/// The span of an object that is not a tree kept.
const NOT_KEPT: Span = Span {
    chunk: u32::MAX,
    start: 0,
    len: 0,
};

/// Why a tree could not be had.
#[derive(Debug)]
pub enum Missing {
    /// Not in the object database.
    Absent,
    /// In it, but unreadable or corrupt.
    Unreadable(String),
}

impl TreeStore {
    /// A store that keeps at most `bytes` of entries in memory.
    pub fn with_budget(bytes: usize) -> Self {
        TreeStore {
            spans: Vec::new(),
            chunks: Vec::new(),
            budget: bytes / ENTRY_BYTES,
            in_memory: 0,
            spill: None,
            spill_failed: false,
            trees: 0,
            names: Vec::new(),
            name_ids: FxHashMap::default(),
            ids: Vec::new(),
            id_ids: HashMap::default(),
            scratch: Vec::new(),
        }
    }

    /// Parses and keeps tree `id` (`data` is its content); a tree that does
    /// not parse is left out, and the error says why.
    pub fn insert(
        &mut self,
        id: ObjectId,
        data: &[u8],
        hash: gix::hash::Kind,
    ) -> Result<(), gix::objs::decode::Error> {
        let tree = self.intern_id(id) as usize;
        if self.span(tree).is_some() {
            return Ok(());
        }
        let mut entries = std::mem::take(&mut self.scratch);
        entries.clear();
        let parsed = self.parse(data, hash, &mut entries);
        if parsed.is_ok() {
            self.spans[tree] = self.keep(&entries);
            self.trees += 1;
        }
        self.scratch = entries;
        parsed
    }

    fn parse(
        &mut self,
        data: &[u8],
        hash: gix::hash::Kind,
        out: &mut Vec<Entry>,
    ) -> Result<(), gix::objs::decode::Error> {
        for entry in gix::objs::TreeRefIter::from_bytes(data, hash) {
            let entry = entry?;
            let name = self.intern_name(entry.filename);
            let object = self.intern_id(entry.oid.to_owned());
            out.push(Entry::new(name, object, entry.mode.kind()));
        }
        Ok(())
    }

    /// Copies `entries` into a chunk with room for them.
    fn keep(&mut self, entries: &[Entry]) -> Span {
        let fits = |chunk: &Chunk| match chunk {
            Chunk::Memory(held) => held.len() + entries.len() <= held.capacity(),
            Chunk::Spilled { .. } => false,
        };
        if !self.chunks.last().is_some_and(fits) {
            self.spill_last();
            self.chunks
                .push(Chunk::Memory(Vec::with_capacity(CHUNK.max(entries.len()))));
        }
        let chunk = self.chunks.len() - 1;
        let Some(Chunk::Memory(last)) = self.chunks.last_mut() else {
            unreachable!("the last chunk was just made in memory");
        };
        let start = last.len();
        last.extend_from_slice(entries);
        self.in_memory += entries.len();
        Span {
            chunk: index(chunk),
            start: index(start),
            len: index(entries.len()),
        }
    }

    /// Writes the last chunk (full) to the spill file if the chunks in
    /// memory are over the budget. If the file cannot be made or written,
    /// says so once and keeps everything in memory from then on.
    fn spill_last(&mut self) {
        if self.in_memory <= self.budget || self.spill_failed {
            return;
        }
        let Some(Chunk::Memory(held)) = self.chunks.last() else {
            return;
        };
        let mut bytes = Vec::with_capacity(held.len() * ENTRY_BYTES);
        for entry in held {
            bytes.extend_from_slice(&entry.to_bytes());
        }
        let len = held.len();
        match self.write_spill(&bytes) {
            Ok(offset) => {
                self.in_memory -= len;
                if let Some(last) = self.chunks.last_mut() {
                    *last = Chunk::Spilled { offset };
                }
            }
            Err(err) => {
                log::warn!(
                    "cannot write trees to a temporary file ({err}); keeping them in memory"
                );
                self.spill_failed = true;
            }
        }
    }

    /// Appends `bytes` to the spill file (made on first use); returns where.
    fn write_spill(&mut self, bytes: &[u8]) -> std::io::Result<u64> {
        if self.spill.is_none() {
            let file = tempfile::tempfile()?;
            log::debug!(
                "tree entries past {} MiB go to a temporary file",
                (self.budget * ENTRY_BYTES) >> 20
            );
            self.spill = Some(Spill { file, written: 0 });
        }
        let spill = self.spill.as_mut().expect("made above");
        spill.file.write_all(bytes)?;
        let offset = spill.written;
        spill.written += bytes.len() as u64;
        Ok(offset)
    }

    /// Where the entries of interned object `id` are, if it is a tree kept.
    fn span(&self, id: usize) -> Option<Span> {
        self.spans
            .get(id)
            .copied()
            .filter(|s| s.chunk != NOT_KEPT.chunk)
    }

    fn intern_name(&mut self, name: &gix::bstr::BStr) -> u32 {
        if let Some(&id) = self.name_ids.get(name.as_ref() as &[u8]) {
            return id;
        }
        let id = index(self.names.len());
        assert!(
            id < 1 << KIND_SHIFT,
            "fewer than 500 million distinct names"
        );
        self.names.push(name.to_owned());
        self.name_ids.insert(name.to_owned(), id);
        id
    }

    /// The store's number for object `oid` (see [`Entry::object`]),
    /// given it now if it has none.
    pub fn number(&mut self, oid: ObjectId) -> usize {
        self.intern_id(oid) as usize
    }

    fn intern_id(&mut self, oid: ObjectId) -> u32 {
        *self.id_ids.entry(oid).or_insert_with(|| {
            self.ids.push(oid);
            self.spans.push(NOT_KEPT);
            index(self.ids.len() - 1)
        })
    }

    /// Where the entries of tree `id` are, if it is kept.
    fn kept(&self, id: &ObjectId) -> Option<Span> {
        self.id_ids.get(id).and_then(|&i| self.span(i as usize))
    }

    /// Copies the entries of tree `id` into `out`, loading the tree from
    /// `repo` if it is not kept yet.
    pub fn load(
        &mut self,
        repo: &gix::Repository,
        id: ObjectId,
        buf: &mut Vec<u8>,
        out: &mut Vec<Entry>,
    ) -> Result<(), Missing> {
        if self.get(id, out) {
            return Ok(());
        }
        let data = match repo.objects.try_find(&id, buf) {
            Ok(Some(data)) => data,
            Ok(None) => return Err(Missing::Absent),
            Err(err) => return Err(Missing::Unreadable(err.to_string())),
        };
        let corrupt =
            |err: gix::objs::decode::Error| Missing::Unreadable(format!("corrupt: {err}"));
        if self.kept(&id).is_none() {
            self.insert(id, data.data, repo.object_hash())
                .map_err(corrupt)?;
            if self.get(id, out) {
                return Ok(());
            }
        }
        // Kept, but its spilled entries cannot be read back: parse it again.
        out.clear();
        self.parse(data.data, repo.object_hash(), out)
            .map_err(corrupt)
    }

    /// Copies the entries of tree `id` into `out` (none if it is not kept,
    /// or if its spilled entries cannot be read back: then the caller
    /// reads the tree from the object database).
    pub fn get(&self, id: ObjectId, out: &mut Vec<Entry>) -> bool {
        out.clear();
        let Some(span) = self.kept(&id) else {
            return false;
        };
        let (start, len) = (span.start as usize, span.len as usize);
        match &self.chunks[span.chunk as usize] {
            Chunk::Memory(held) => {
                out.extend_from_slice(&held[start..start + len]);
                true
            }
            Chunk::Spilled { offset } => {
                let at = offset + (start * ENTRY_BYTES) as u64;
                match self.read_spilled(at, len) {
                    Ok(bytes) => {
                        out.extend(bytes.chunks_exact(ENTRY_BYTES).map(Entry::from_bytes));
                        true
                    }
                    Err(err) => {
                        log::warn!("cannot read tree {id} back from the temporary file: {err}");
                        false
                    }
                }
            }
        }
    }

    /// Reads `len` entries' bytes at byte `at` of the spill file.
    fn read_spilled(&self, at: u64, len: usize) -> std::io::Result<Vec<u8>> {
        let spill = self
            .spill
            .as_ref()
            .ok_or_else(|| std::io::Error::other("no spill file"))?;
        let mut bytes = vec![0; len * ENTRY_BYTES];
        read_exact_at(&spill.file, &mut bytes, at)?;
        Ok(bytes)
    }

    /// Entries written to the spill file so far.
    pub fn spilled(&self) -> u64 {
        self.spill
            .as_ref()
            .map_or(0, |s| s.written / ENTRY_BYTES as u64)
    }

    /// The name of an entry.
    pub fn name(&self, entry: &Entry) -> &BString {
        &self.names[entry.name()]
    }

    /// The object of an entry.
    pub fn id(&self, entry: &Entry) -> ObjectId {
        self.ids[entry.object as usize]
    }

    /// Trees kept.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> usize {
        self.trees
    }

    /// Git's order of two entries of one tree: by name, a tree's name
    /// taken as if it ended in `/`.
    pub fn order(&self, a: &Entry, b: &Entry) -> Ordering {
        let (x, y) = (self.name(a).as_slice(), self.name(b).as_slice());
        let common = x.len().min(y.len());
        x[..common].cmp(&y[..common]).then_with(|| {
            let next = |name: &[u8], kind: EntryKind| match name.get(common) {
                Some(&c) => c,
                None if kind == EntryKind::Tree => b'/',
                None => 0,
            };
            next(x, a.kind()).cmp(&next(y, b.kind()))
        })
    }
}

#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

fn index(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion tree entries")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The raw bytes of a tree of blobs named `prefix0`, `prefix1`, ...
    fn tree_bytes(prefix: &str, entries: usize) -> Vec<u8> {
        let mut names: Vec<String> = (0..entries).map(|i| format!("{prefix}{i}")).collect();
        names.sort();
        let mut data = Vec::new();
        for name in &names {
            data.extend_from_slice(format!("100644 {name}\0").as_bytes());
            data.extend_from_slice(gix::hash::Kind::Sha1.null().as_slice());
        }
        data
    }

    fn names_of(store: &TreeStore, id: ObjectId) -> Vec<String> {
        let mut out = Vec::new();
        assert!(store.get(id, &mut out), "tree {id} kept");
        out.iter().map(|e| store.name(e).to_string()).collect()
    }

    #[test]
    fn trees_read_back_across_chunks_and_from_a_chunk_of_their_own() {
        let sha1 = gix::hash::Kind::Sha1;
        let mut store = TreeStore::default();
        let mut kept = Vec::new();
        // Small trees that fill more than one chunk, then one larger than
        // a chunk, then small ones again.
        let sizes = (0..300)
            .map(|i| 300 + i % 7)
            .chain([CHUNK + 5])
            .chain([3, 4]);
        for (n, size) in sizes.enumerate() {
            let data = tree_bytes(&format!("t{n}-"), size);
            let id = gix::objs::compute_hash(sha1, gix::object::Kind::Tree, &data).unwrap();
            store.insert(id, &data, sha1).unwrap();
            store.insert(id, &data, sha1).unwrap();
            kept.push((id, data));
        }
        assert_eq!(store.len(), kept.len(), "each tree kept once");
        assert!(store.chunks.len() > 2);
        for (id, data) in &kept {
            let expected: Vec<String> = gix::objs::TreeRefIter::from_bytes(data, sha1)
                .map(|e| e.unwrap().filename.to_string())
                .collect();
            assert_eq!(names_of(&store, *id), expected);
        }
        let mut out = Vec::new();
        assert!(
            !store.get(sha1.null(), &mut out),
            "an entry's id is not a tree kept"
        );
    }

    #[test]
    fn trees_past_the_budget_are_spilled_and_read_back() {
        let sha1 = gix::hash::Kind::Sha1;
        // Room for about two chunks in memory.
        let mut store = TreeStore::with_budget(2 * CHUNK * ENTRY_BYTES);
        let mut kept = Vec::new();
        let sizes = (0..1200)
            .map(|i| 200 + i % 11)
            .chain([CHUNK + 3])
            .chain([5]);
        for (n, size) in sizes.enumerate() {
            let data = tree_bytes(&format!("s{n}-"), size);
            let id = gix::objs::compute_hash(sha1, gix::object::Kind::Tree, &data).unwrap();
            store.insert(id, &data, sha1).unwrap();
            kept.push((id, data));
        }
        assert!(store.spilled() > 0, "some chunks were spilled");
        assert!(
            store.in_memory <= store.budget + CHUNK + 3,
            "memory stays near the budget: {} entries",
            store.in_memory
        );
        let in_memory = |c: &Chunk| matches!(c, Chunk::Memory(_));
        assert!(store.chunks.iter().any(in_memory));
        assert!(!store.chunks.iter().all(in_memory));
        for (id, data) in &kept {
            let expected: Vec<String> = gix::objs::TreeRefIter::from_bytes(data, sha1)
                .map(|e| e.unwrap().filename.to_string())
                .collect();
            assert_eq!(names_of(&store, *id), expected);
        }
    }

    #[test]
    fn git_order_puts_a_tree_after_names_with_a_lower_next_byte() {
        let mut store = TreeStore::default();
        let foo = store.intern_name("foo".into());
        let foo_bar = store.intern_name("foo.bar".into());
        let e = |name, kind| Entry::new(name, 0, kind);
        // "foo.bar" < "foo/" (a tree), but "foo" (a blob) < "foo.bar".
        assert_eq!(
            store.order(&e(foo_bar, EntryKind::Blob), &e(foo, EntryKind::Tree)),
            Ordering::Less
        );
        assert_eq!(
            store.order(&e(foo, EntryKind::Blob), &e(foo_bar, EntryKind::Blob)),
            Ordering::Less
        );
        assert_eq!(
            store.order(&e(foo, EntryKind::Tree), &e(foo, EntryKind::Tree)),
            Ordering::Equal
        );
    }
}
