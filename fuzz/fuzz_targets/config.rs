//! `.leakhound.yml`: any text is a configuration or an error, never a panic.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(error) = leakhound::config::Config::parse(Path::new(".leakhound.yml"), text) {
        // Errors name the file.
        assert!(error.to_string().contains(".leakhound.yml"), "{error}");
    }
});
