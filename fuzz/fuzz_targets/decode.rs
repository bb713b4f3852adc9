//! Decoders: every view maps each of its bytes back into the input, stays
//! within its budget, and nests without panicking.
#![no_main]

use leakhound::decode::{View, utf16, views};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &[u8]| {
    let _ = utf16(input);
    let mut budget = input.len() * 2 + 1024;
    let start = budget;
    let mut out: Vec<View> = Vec::new();
    views(input, &mut budget, &|_| true, &mut |view, _| out.push(view));
    let used: usize = out.iter().map(|v| v.text.len()).sum();
    assert!(used <= start, "views used {used} of {start} bytes");
    for view in &out {
        assert_eq!(view.map.len(), view.text.len() + 1);
        assert!(view.map.iter().all(|&at| at <= input.len()));
        assert!(view.map.windows(2).all(|w| w[0] <= w[1]));
        if !view.text.is_empty() {
            let range = view.source_range(0..view.text.len(), input);
            assert!(range.start < range.end && range.end <= input.len());
        }
        let mut nested_budget = view.text.len() * 2 + 1024;
        views(&view.text, &mut nested_budget, &|_| true, &mut |_, _| {});
    }
});
