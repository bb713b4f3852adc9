//! A minimal stderr logger: `leakhound: warning: ...`.
//!
//! Messages name files and commits of the scanned tree, and a file name or
//! a commit message can hold a secret: once a scan's rules are loaded, every
//! message (and the final error, see [`clean`]) has what they find in it
//! masked.

use std::sync::{Arc, OnceLock};

use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::cli::GlobalArgs;
use leakhound::matcher::Engine;
use leakhound::report::mask_found;
use leakhound::text::escape_lines;

/// The rules that mask messages, once a scan has loaded them.
static MASKING: OnceLock<Arc<Engine>> = OnceLock::new();

/// Masks what `engine`'s rules find in every message from now on.
pub fn mask_with(engine: Arc<Engine>) {
    let _ = MASKING.set(engine);
}

/// A message as stderr may show it: secrets the rules find masked, control
/// characters escaped so that they cannot drive the terminal.
pub fn clean(message: &str) -> String {
    match MASKING.get() {
        Some(engine) => escape_lines(&mask_found(engine, message)),
        None => escape_lines(message),
    }
}

struct Logger;

impl Log for Logger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level() && metadata.target().starts_with("leakhound")
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let level = match record.level() {
            Level::Error => "error",
            Level::Warn => "warning",
            Level::Info => "info",
            Level::Debug | Level::Trace => "debug",
        };
        let message = record.args().to_string();
        eprintln!("leakhound: {level}: {}", clean(&message));
    }

    fn flush(&self) {}
}

/// Installs the logger at the level `-q`/`-v` ask for.
pub fn init(args: &GlobalArgs) {
    let level = match (args.quiet, args.verbose) {
        (true, _) => LevelFilter::Error,
        (false, 0) => LevelFilter::Warn,
        (false, 1) => LevelFilter::Info,
        (false, _) => LevelFilter::Debug,
    };
    if log::set_logger(&Logger).is_ok() {
        log::set_max_level(level);
    }
}
