//! The matcher with all built-in rules on arbitrary bytes: no panic, and
//! every location is inside the input.
#![no_main]

use std::sync::OnceLock;

use leakhound::matcher::Engine;
use leakhound::rules::{Allowlist, RuleSet};
use leakhound::scan::{ChunkScanner, Origin};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&RuleSet::builtin().unwrap(), Allowlist::default()))
}

fuzz_target!(|input: &[u8]| {
    let mut scanner = ChunkScanner::new(engine());
    scanner.scan(
        input,
        Origin {
            display: "fuzz",
            relative: "fuzz",
        },
    );
    let lines = input.iter().filter(|&&b| b == b'\n').count() + 1;
    let (findings, _) = scanner.finish();
    for finding in findings.into_sorted() {
        assert!(!finding.secret.is_empty());
        for location in &finding.locations {
            assert!(location.line >= 1 && location.column >= 1);
            assert!(location.end_line >= location.line);
            // UTF-16 input is located in its decoded text, which can have
            // as many lines as the input has code units.
            assert!(location.line <= lines.max(input.len() / 2 + 1));
        }
    }
});
