//! A minimal stderr logger: `leakhound: warning: ...`.

use log::{Level, LevelFilter, Log, Metadata, Record};

use crate::cli::GlobalArgs;
use leakhound::report::escape_lines;

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
        // Messages carry paths and git names from the scanned tree: escape
        // their control characters so they cannot drive the terminal.
        let message = record.args().to_string();
        eprintln!("leakhound: {level}: {}", escape_lines(&message));
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
