//! Where each planted value is: every version of every file that any ref
//! reaches is read back from git and searched for each label's needles
//! (the value as written: plain, encoded, or the whole multi-line block).

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::Stdio;

use aho_corasick::AhoCorasick;

use super::repo::{git_command, run};
use super::{Label, Location};

/// The text of a file as a user sees it: UTF-16LE files (with a BOM)
/// decoded, CRLF line ends as LF (line numbers do not change).
pub fn text_of(bytes: &[u8]) -> String {
    let text = if bytes.starts_with(&[0xFF, 0xFE]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    };
    text.replace("\r\n", "\n")
}

/// Every (path, blob) pair of every commit reachable from any ref.
fn path_blobs(dir: &Path, home: &Path) -> BTreeSet<(String, String)> {
    let mut cmd = git_command(dir, home);
    cmd.args(["rev-list", "--all"]);
    let commits = String::from_utf8(run(cmd)).expect("commit ids");
    let mut pairs = BTreeSet::new();
    for commit in commits.lines() {
        let mut cmd = git_command(dir, home);
        cmd.args(["ls-tree", "-r", "-z", "--full-tree", commit]);
        let listing = run(cmd);
        for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            let (meta, path) = entry.split_once('\t').expect("ls-tree entry");
            let fields: Vec<&str> = meta.split(' ').collect();
            if fields.len() == 3 && fields[1] == "blob" && fields[0] != "120000" {
                pairs.insert((path.to_owned(), fields[2].to_owned()));
            }
        }
    }
    pairs
}

/// The contents of the given blobs, read through one `git cat-file --batch`.
fn read_blobs(dir: &Path, home: &Path, ids: &[String]) -> HashMap<String, Vec<u8>> {
    let mut cmd = git_command(dir, home);
    cmd.args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = cmd.spawn().expect("git cat-file runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let request: String = ids.iter().map(|id| format!("{id}\n")).collect();
    let writer = std::thread::spawn(move || {
        stdin.write_all(request.as_bytes()).expect("write ids");
    });
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut blobs = HashMap::new();
    for id in ids {
        let mut header = String::new();
        out.read_line(&mut header).expect("header");
        let size: usize = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("bad cat-file header {header:?}"));
        let mut data = vec![0; size + 1];
        out.read_exact(&mut data).expect("blob");
        data.pop();
        blobs.insert(id.clone(), data);
    }
    writer.join().expect("writer");
    assert!(child.wait().expect("cat-file exits").success());
    blobs
}

/// Fills in the locations of `labels`: `needles` pairs a string with the
/// index of the label it belongs to.
pub fn locate(dir: &Path, home: &Path, labels: &mut [Label], needles: &[(String, usize)]) {
    let pairs = path_blobs(dir, home);
    let ids: Vec<String> = pairs
        .iter()
        .map(|(_, id)| id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let blobs = read_blobs(dir, home, &ids);

    let mut patterns: Vec<&str> = Vec::new();
    let mut owners: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (needle, label) in needles {
        assert!(!needle.is_empty(), "empty needle for {}", labels[*label].id);
        let slot = *index.entry(needle.as_str()).or_insert_with(|| {
            patterns.push(needle.as_str());
            owners.push(Vec::new());
            patterns.len() - 1
        });
        owners[slot].push(*label);
    }
    let automaton = AhoCorasick::new(&patterns).expect("needles compile");

    let mut texts: HashMap<&str, String> = HashMap::new();
    for (id, bytes) in &blobs {
        texts.insert(id.as_str(), text_of(bytes));
    }
    for (path, id) in &pairs {
        let text = &texts[id.as_str()];
        let newlines: Vec<usize> = memchr::memchr_iter(b'\n', text.as_bytes()).collect();
        let line_of = |offset: usize| newlines.partition_point(|&n| n < offset) + 1;
        for found in automaton.find_overlapping_iter(text.as_str()) {
            let location = Location {
                path: path.clone(),
                line: line_of(found.start()),
                end_line: line_of(found.end() - 1),
            };
            for &label in &owners[found.pattern().as_usize()] {
                labels[label].locations.push(location.clone());
            }
        }
    }
    for label in labels.iter_mut() {
        label.locations.sort();
        label.locations.dedup();
    }
}
