//! leakhound finds secrets (API keys, tokens, passwords, private keys) in
//! files and git repositories.
//!
//! # The flow
//!
//! Data flows one way, from a request to a report:
//!
//! ```text
//! ScanRequest ─► ScanPlan ─► Source ─► Input ─► Driver ─► ChunkScanner ─► Match ─► Hit
//!                                                                                   │
//!   report ◄─ Outcome ◄─ Suppression ◄─ Findings ◄─ Location (+ GitLocation) ◄──────┘
//! ```
//!
//! # Glossary
//!
//! - [`ScanRequest`](scan::ScanRequest): what a caller asks for (paths,
//!   kind of scan, flags); the rest comes from the configuration.
//! - [`ScanPlan`](scan::ScanPlan): the request settled and checked before
//!   anything is read: its [`Target`](scan::Target) (stdin, files, a
//!   history, a range, staged changes), [`Engine`](matcher::Engine) and
//!   [`Suppression`](suppress::Suppression).
//! - [`Source`](source::Source): produces [`Input`](source::Input)s (bytes, a
//!   name, a [`Place`](source::Place) where findings are reported, and for
//!   changes the version they replace) and hands them to a
//!   [`Sink`](source::Sink).
//! - [`Driver`](scan::Driver): the one sink; checks each input (size, LFS
//!   pointers), lends the calling thread a
//!   [`ChunkScanner`](scan::ChunkScanner), and merges their results.
//! - [`Engine`](matcher::Engine) and [`Matcher`](matcher::Matcher): the
//!   rules' keyword automaton and regexes, shared; a matcher per thread
//!   finds [`Match`](matcher::Match)es (rule, span, secret).
//! - [`Hit`](scan::Hit): a match located in its input (line, column,
//!   snippet, decodings), not yet tied to a path.
//! - [`Location`](finding::Location) and
//!   [`GitLocation`](finding::GitLocation): a hit at a path, with its
//!   context, confidence, fingerprint and, from a history, the commit that
//!   introduced it.
//! - [`Finding`](finding::Finding): one secret of one rule with all its
//!   locations; [`Findings`](finding::Findings) collects them, and
//!   [`SecretKey`](finding::SecretKey) derives ids and fingerprints that do
//!   not give the secret away.
//! - [`Summary`](summary::Summary): what the scan did (scanned, skipped,
//!   suppressed, unread).
//! - [`Outcome`](scan::Outcome): the findings at or above the minimum
//!   confidence, the summary, and [`KnownSecrets`](finding::KnownSecrets),
//!   every secret matched, which [`Masker`](report::Masker) hides in every
//!   report.
//! - [`Rule`](rules::Rule) and [`RuleSet`](rules::RuleSet): rules are
//!   data, read from `patterns/*.yml` and configuration files.
//! - [`targets::Target`]: one of several targets of a run (a path, or a
//!   git URL cloned for the scan); [`targets::run()`] scans each as a plan
//!   of its own and merges the outcomes, every
//!   [`Location`](finding::Location) naming its `repository`.
//! - [`Datastore`](datastore::Datastore): what earlier scans of a
//!   repository walked, read and found (`--datastore`);
//!   [`datastore::scan()`] reads only what is new
//!   ([`Known`](source::git::Known)) and reports every finding.
//! - [`Shard`](scan::Shard): part K of N of a scan, by target name or by
//!   blob id; [`merge`] joins the reports of the parts.
//!
//! # Layers
//!
//! Value types sit at the bottom and depend on nothing above them: [`text`],
//! [`entropy`], [`decode`], then [`rules`], then [`summary`] and
//! [`classify`], then [`finding`]. Above them: [`matcher`], [`config`],
//! [`suppress`], [`source`]; then [`check`] and [`validate`]; then
//! [`scan`], which runs the others; then [`datastore`] (a scan with what an
//! earlier one recorded); then [`targets`] (a scan per target);
//! then [`report`], [`import`] and [`merge`]. The binary (command line,
//! terminal, exit codes) sits on top.
//!
//! ```
//! use leakhound::{matcher::Engine, rules::{Allowlist, RuleSet}, scan::{ChunkScanner, Origin}};
//!
//! let rules = RuleSet::builtin().unwrap();
//! let engine = Engine::new(&rules, Allowlist::default());
//! let mut scanner = ChunkScanner::new(&engine);
//! let text = concat!("deploy_token = 'glpat-", "Zq8vR2mLx7Tb4nWc9YkP'");
//! scanner.scan(text.as_bytes(), Origin { display: "ci.yml", relative: "ci.yml" });
//! let (findings, _summary) = scanner.finish();
//! assert_eq!(findings.into_sorted()[0].rule.id(), "gitlab-pat");
//! ```
#![deny(missing_docs)]

pub mod check;
pub mod classify;
pub mod config;
pub mod datastore;
pub mod decode;
pub mod entropy;
pub mod finding;
pub mod import;
pub mod matcher;
pub mod merge;
pub mod output;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod summary;
pub mod suppress;
pub mod targets;
pub mod text;
pub mod validate;
