//! Integration tests: one binary (see `[[test]]` in Cargo.toml).

mod util;

mod cli;
mod git;
mod import;
mod inputs;
mod labeled;
mod rules;
mod selfscan;
mod validate;
