//! Integration tests: one binary (see `[[test]]` in Cargo.toml).

mod util;

mod cli;
mod datastore;
mod default_report;
mod explain;
mod forges;
mod git;
mod html;
mod import;
mod inputs;
mod labeled;
mod messages;
mod reports;
mod rules;
mod selfscan;
mod targets;
mod trust;
mod validate;
