//! Report writers: findings from arbitrary input are written in every
//! format without panicking, and the JSON report reads back with the same
//! findings, secrets and locations.
#![no_main]

use std::sync::OnceLock;

use leakhound::matcher::Engine;
use leakhound::scan::Outcome;
use leakhound::report::{self, Format, ReportOptions};
use leakhound::rules::{Allowlist, RuleSet};
use leakhound::scan::{ChunkScanner, Origin};
use libfuzzer_sys::fuzz_target;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| Engine::new(&RuleSet::builtin().unwrap(), Allowlist::default()))
}

fuzz_target!(|data: &[u8]| {
    // The first line names the file, the rest is its content.
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let name = String::from_utf8_lossy(&data[..split]).into_owned();
    let content = data.get(split + 1..).unwrap_or_default();
    let mut scanner = ChunkScanner::new(engine());
    scanner.scan(
        content,
        Origin {
            display: &name,
            relative: &name,
        },
    );
    let (mut findings, summary) = scanner.finish();
    let outcome = Outcome {
        secrets: findings.take_known(),
        findings: findings.into_sorted(),
        summary,
    };
    let findings = &outcome.findings;
    for format in [
        Format::Human,
        Format::Jsonl,
        Format::Sarif,
        Format::Csv,
        Format::Gitlab,
        Format::Baseline,
    ] {
        for redact in [false, true] {
            let mut out = Vec::new();
            report::write(&mut out, ReportOptions::new(format, redact), &outcome).unwrap();
            if redact {
                // Every secret matched, reported or not, file names too.
                for secret in outcome.secrets.iter() {
                    let secret = String::from_utf8_lossy(secret);
                    // Hex that a fingerprint could hold may show for that
                    // reason.
                    let elsewhere = secret.bytes().all(|b| b.is_ascii_hexdigit());
                    if secret.len() >= 8 && format != Format::Human && !elsewhere {
                        let text = String::from_utf8_lossy(&out);
                        assert!(!text.contains(secret.as_ref()), "{format:?} shows a secret");
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    let options = ReportOptions::new(Format::Json, false);
    report::write(&mut out, options, &outcome).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
    let back = json["findings"].as_array().unwrap();
    assert_eq!(back.len(), findings.len());
    for (read, written) in back.iter().zip(findings) {
        assert_eq!(read["secret"].as_str().unwrap(), written.secret_text());
        assert_eq!(read["rule"].as_str().unwrap(), written.rule.id());
        let locations = read["locations"].as_array().unwrap();
        assert_eq!(locations.len(), written.locations.len());
        for (l, w) in locations.iter().zip(&written.locations) {
            assert_eq!(l["path"].as_str().unwrap(), w.path);
            assert_eq!(l["line"].as_u64().unwrap() as usize, w.line);
        }
    }
});
