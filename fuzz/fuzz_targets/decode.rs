//! Decoders: every view maps each of its bytes back into the input, stays
//! within its budget, and nests without panicking.
#![no_main]

use leakhound::decode::{utf16, views};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let _ = utf16(input);
    let mut budget = input.len() * 2 + 1024;
    let start = budget;
    let mut out = Vec::new();
    views(input, &mut budget, &|_| true, &mut out);
    let used: usize = out.iter().map(|v| v.text.len()).sum();
    assert!(used <= start, "views used {used} of {start} bytes");
    for view in &out {
        assert_eq!(view.map.len(), view.text.len() + 1);
        assert!(view.map.iter().all(|&at| at <= input.len()));
        if !view.text.is_empty() {
            let range = view.source_range(0..view.text.len(), input);
            assert!(range.start < range.end && range.end <= input.len());
        }
        let mut nested = Vec::new();
        let mut nested_budget = view.text.len() * 2 + 1024;
        views(&view.text, &mut nested_budget, &|_| true, &mut nested);
    }
});
