//! Matcher throughput on a generated corpus of source-like text with
//! planted synthetic secrets.
//!
//! `cargo bench --bench scan` reports bytes per second for:
//! - `files/all-rules`: the corpus as 2,000 files of ~4 KiB, every built-in rule;
//! - `one-chunk/all-rules`: the same bytes as a single input;
//! - `files/no-rules`: the same walk with an empty rule set (the floor);
//! - `real/all-rules`: with `LEAKHOUND_BENCH_DIR=DIR`, every file under DIR
//!   (under 1 MB, read into memory first), e.g. a checkout of a project;
//!
//! and, stage by stage (`cargo bench --bench scan -- stage/`), on the same
//! 2,000 files:
//! - `stage/keywords`: the keyword automaton alone;
//! - `stage/rules`: the rules' regexes and filters alone, given each file's
//!   keyword occurrences (found beforehand);
//! - `stage/decoding`: the decoders alone (base64 and hex runs, escapes) on
//!   the files with an encoded secret appended to every fourth one.
//!
//! The generated corpus is deliberately dense in credential-like names
//! (`password_hash`, `token_count`, `secret_manager` on most lines), so the
//! generic assignment rules search nearly all of it: a worst case, not
//! typical code.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use leakhound::matcher::{Engine, KeywordHit};
use leakhound::rules::{Allowlist, RuleSet};
use leakhound::scan::{ChunkScanner, Origin};

/// A deterministic xorshift generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }

    fn word(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len)
            .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize] as char)
            .collect()
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const IDENTS: &[&str] = &[
    "user",
    "config",
    "request",
    "response",
    "handler",
    "value",
    "result",
    "index",
    "buffer",
    "client",
    "session",
    "password_hash",
    "token_count",
    "api_version",
    "secret_manager",
];
const KEYWORDS: &[&str] = &[
    "let", "const", "var", "def", "fn", "return", "if", "for", "import",
];

/// One line of source-like text; about one line in 200 holds a secret.
fn line(rng: &mut Rng, out: &mut String) {
    match rng.next() % 200 {
        0 => out.push_str(&format!(
            "GITLAB_TOKEN = \"glpat-{}\"\n",
            rng.word(ALNUM, 20)
        )),
        1 => out.push_str(&format!(
            "slack = \"xoxb-{}-{}-{}\"\n",
            rng.word(b"0123456789", 11),
            rng.word(b"0123456789", 12),
            rng.word(ALNUM, 24)
        )),
        2 => out.push_str(&format!(
            "aws_access_key_id = AKIA{}\n",
            rng.word(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        )),
        3..=20 => out.push_str(&format!(
            "    // {} the {} before {}\n",
            rng.pick(KEYWORDS),
            rng.pick(IDENTS),
            rng.pick(IDENTS)
        )),
        21..=40 => out.push_str(&format!(
            "    let {} = get_{}(\"{}\");\n",
            rng.pick(IDENTS),
            rng.pick(IDENTS),
            rng.word(ALNUM, 12)
        )),
        _ => out.push_str(&format!(
            "    {} {} = {}.{}({}, {});\n",
            rng.pick(KEYWORDS),
            rng.pick(IDENTS),
            rng.pick(IDENTS),
            rng.pick(IDENTS),
            rng.next() % 10_000,
            rng.pick(IDENTS)
        )),
    }
}

fn corpus(files: usize, file_size: usize) -> Vec<String> {
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    (0..files)
        .map(|_| {
            let mut text = String::with_capacity(file_size + 128);
            while text.len() < file_size {
                line(&mut rng, &mut text);
            }
            text
        })
        .collect()
}

fn scan_all(engine: &Engine, files: &[String]) -> usize {
    let mut scanner = ChunkScanner::new(engine);
    for file in files {
        scanner.scan(
            file.as_bytes(),
            Origin {
                display: "f",
                relative: "f",
            },
        );
    }
    scanner.finish().0.into_sorted().len()
}

fn scan_bytes(engine: &Engine, files: &[Vec<u8>]) -> usize {
    let mut scanner = ChunkScanner::new(engine);
    for file in files {
        scanner.scan(
            file,
            Origin {
                display: "f",
                relative: "f",
            },
        );
    }
    scanner.finish().0.into_sorted().len()
}

/// Every regular file under `dir` smaller than 1 MB.
fn read_tree(dir: &std::path::Path) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() && entry.file_name() != ".git" {
                stack.push(entry.path());
            } else if kind.is_file()
                && entry.metadata().is_ok_and(|m| m.len() < 1_000_000)
                && let Ok(bytes) = std::fs::read(entry.path())
            {
                out.push(bytes);
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let files = corpus(2_000, 4 << 10);
    let bytes: usize = files.iter().map(String::len).sum();
    let joined = vec![files.concat()];
    let rules = RuleSet::builtin().expect("built-in rules load");
    let all = Engine::new(&rules, Allowlist::default());
    let none = Engine::new(&RuleSet::default(), Allowlist::default());
    for rule in rules.rules() {
        rule.compile().expect("built-in rules compile");
    }
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("files/all-rules", |b| {
        b.iter(|| black_box(scan_all(&all, &files)))
    });
    group.bench_function("one-chunk/all-rules", |b| {
        b.iter(|| black_box(scan_all(&all, &joined)))
    });
    group.bench_function("files/no-rules", |b| {
        b.iter(|| black_box(scan_all(&none, &files)))
    });
    if let Ok(dir) = std::env::var("LEAKHOUND_BENCH_DIR") {
        let real = read_tree(std::path::Path::new(&dir));
        let bytes: usize = real.iter().map(Vec::len).sum();
        group.throughput(Throughput::Bytes(bytes as u64));
        group.bench_function("real/all-rules", |b| {
            b.iter(|| black_box(scan_bytes(&all, &real)))
        });
    }
    group.finish();
}

/// The keyword occurrences of each file.
fn keyword_hits(engine: &Engine, files: &[String]) -> Vec<Vec<KeywordHit>> {
    files
        .iter()
        .map(|file| {
            let mut hits = Vec::new();
            engine.keyword_hits(file.as_bytes(), &mut hits);
            hits
        })
        .collect()
}

/// The files with a base64-encoded assignment appended to every fourth.
fn encoded_corpus(files: &[String]) -> Vec<String> {
    use base64::Engine as _;
    let mut rng = Rng(0x5eed_0fde_c0de);
    files
        .iter()
        .enumerate()
        .map(|(n, file)| {
            if n % 4 != 0 {
                return file.clone();
            }
            let secret = format!("db_password = \"{}\"\n", rng.word(ALNUM, 24));
            let encoded = base64::engine::general_purpose::STANDARD.encode(secret);
            format!("{file}blob: {encoded}\n")
        })
        .collect()
}

fn stages(c: &mut Criterion) {
    let files = corpus(2_000, 4 << 10);
    let bytes: usize = files.iter().map(String::len).sum();
    let rules = RuleSet::builtin().expect("built-in rules load");
    let engine = Engine::new(&rules, Allowlist::default());
    for rule in rules.rules() {
        rule.compile().expect("built-in rules compile");
    }
    let hits = keyword_hits(&engine, &files);
    let encoded = encoded_corpus(&files);
    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("keywords", |b| {
        b.iter(|| black_box(keyword_hits(&engine, &files).len()))
    });
    group.bench_function("rules", |b| {
        let mut matcher = engine.matcher();
        let mut out = Vec::new();
        b.iter(|| {
            out.clear();
            for (file, hits) in files.iter().zip(&hits) {
                matcher.find_with(file.as_bytes(), Some(hits), &mut out);
            }
            black_box(out.len())
        })
    });
    group.bench_function("decoding", |b| {
        b.iter(|| {
            let mut views = 0;
            for file in &encoded {
                let mut budget = 1 << 20;
                leakhound::decode::views(file.as_bytes(), &mut budget, &|_| true, &mut |_, _| {
                    views += 1
                });
            }
            black_box(views)
        })
    });
    group.finish();
}

criterion_group!(benches, bench, stages);
criterion_main!(benches);
