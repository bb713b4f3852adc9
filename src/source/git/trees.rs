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

use std::cmp::Ordering;
use std::collections::HashMap as StdHashMap;

use gix::ObjectId;
use gix::bstr::BString;
use gix::hashtable::HashMap;
use gix::objs::tree::EntryKind;
use gix::prelude::Find;

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
}

/// Decoded trees, by id.
#[derive(Default)]
pub struct TreeStore {
    /// Tree id → its entries' range in `entries`.
    trees: HashMap<ObjectId, (u32, u32)>,
    entries: Vec<Entry>,
    names: Vec<BString>,
    name_ids: StdHashMap<BString, u32>,
    ids: Vec<ObjectId>,
    id_ids: HashMap<ObjectId, u32>,
}

/// Why a tree could not be had.
#[derive(Debug)]
pub enum Missing {
    /// Not in the object database.
    Absent,
    /// In it, but unreadable or corrupt.
    Unreadable(String),
}

impl TreeStore {
    /// Parses and keeps tree `id` (`data` is its content); a tree that does
    /// not parse is left out, and the error says why.
    pub fn insert(
        &mut self,
        id: ObjectId,
        data: &[u8],
        hash: gix::hash::Kind,
    ) -> Result<(), gix::objs::decode::Error> {
        if self.trees.contains_key(&id) {
            return Ok(());
        }
        let first = self.entries.len();
        for entry in gix::objs::TreeRefIter::from_bytes(data, hash) {
            let entry = entry.inspect_err(|_| self.entries.truncate(first))?;
            let name = self.intern_name(entry.filename);
            let object = self.intern_id(entry.oid.to_owned());
            self.entries
                .push(Entry::new(name, object, entry.mode.kind()));
        }
        let len = self.entries.len() - first;
        self.trees.insert(id, (index(first), index(len)));
        Ok(())
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

    fn intern_id(&mut self, oid: ObjectId) -> u32 {
        *self.id_ids.entry(oid).or_insert_with(|| {
            self.ids.push(oid);
            index(self.ids.len() - 1)
        })
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
        if !self.trees.contains_key(&id) {
            let data = match repo.objects.try_find(&id, buf) {
                Ok(Some(data)) => data,
                Ok(None) => return Err(Missing::Absent),
                Err(err) => return Err(Missing::Unreadable(err.to_string())),
            };
            self.insert(id, data.data, repo.object_hash())
                .map_err(|err| Missing::Unreadable(format!("corrupt: {err}")))?;
        }
        self.get(id, out);
        Ok(())
    }

    /// Copies the entries of tree `id` into `out` (none if it is not kept).
    pub fn get(&self, id: ObjectId, out: &mut Vec<Entry>) -> bool {
        out.clear();
        let Some(&(first, len)) = self.trees.get(&id) else {
            return false;
        };
        out.extend_from_slice(&self.entries[first as usize..(first + len) as usize]);
        true
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
        self.trees.len()
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

fn index(n: usize) -> u32 {
    u32::try_from(n).expect("fewer than 4 billion tree entries")
}

#[cfg(test)]
mod tests {
    use super::*;

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
