//! leakhound finds secrets (API keys, tokens, passwords, private keys) in
//! files and git repositories.
//!
//! Data flows one way: a [`plan::ScanPlan`] picks a [`source`], the source
//! hands its inputs to the [`driver`], which checks each one, has the
//! [`matcher`] find [`matcher::Match`]es in it, turns those into located
//! [`finding::Finding`]s ([`scan`]) and drops what [`suppress`] says to;
//! a [`report`] writer formats them.
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
pub mod decode;
pub mod entropy;
pub mod finding;
pub mod import;
pub mod matcher;
pub mod output;
pub mod report;
pub mod rules;
pub mod scan;
pub mod source;
pub mod summary;
pub mod suppress;
pub mod text;
pub mod validate;
