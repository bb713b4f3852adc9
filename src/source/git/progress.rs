//! The progress bar of a history scan, on stderr (hidden unless asked for
//! and on a terminal).
//!
//! A history scan has three phases, and the bar says which one it is in:
//! the pass over the packs (a bar over the packs' objects of every kind,
//! with percent and time left: the total is in their indexes), the walk
//! over the commits (a count: how many there are is known only at the
//! end), and the blobs left to read one by one (a bar over their number).
//! Counts are of what each phase reads; the summary line at the end gives
//! the scan's figures.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};

use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

/// Objects between two updates of the byte count shown (formatting it
/// allocates).
const BYTES_EVERY: u64 = 256;

/// The progress bar of a history scan.
pub struct Progress {
    bar: Option<ProgressBar>,
    bytes: AtomicU64,
}

impl Progress {
    /// A bar if `wanted` and stderr is a terminal; otherwise nothing shows.
    pub fn new(wanted: bool) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_message("reading the refs");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            bytes: AtomicU64::new(0),
        }
    }

    /// Starts the pass over the packs, which hold `objects` objects.
    pub fn packs(&self, objects: u64) {
        self.phase(
            objects,
            "{spinner} reading packs {bar:30} {percent:>3}% {human_pos}/{human_len} objects, \
             {msg} of blobs, {eta} left",
        );
    }

    /// One object of a pack read; `blob_bytes` is its size if it is a blob.
    pub fn object(&self, blob_bytes: Option<u64>) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        let total = match blob_bytes {
            Some(n) => self.bytes.fetch_add(n, Ordering::Relaxed) + n,
            None => self.bytes.load(Ordering::Relaxed),
        };
        if bar.position().is_multiple_of(BYTES_EVERY) {
            bar.set_message(HumanBytes(total).to_string());
        }
    }

    /// `n` commits walked so far.
    pub fn commits(&self, n: usize) {
        let Some(bar) = &self.bar else { return };
        if n == 1 {
            bar.set_style(style("{spinner} walking history: {msg}"));
        }
        if n.is_multiple_of(1024) || n == 1 {
            bar.set_message(format!("{n} commits"));
        }
    }

    /// Starts reading the `total` blobs the pass over the packs did not
    /// cover, one by one.
    pub fn blobs(&self, total: u64) {
        self.phase(
            total,
            "{spinner} reading blobs {bar:30} {percent:>3}% {human_pos}/{human_len}, {msg}, \
             {eta} left",
        );
    }

    /// `blobs` more blobs of `bytes` bytes read one by one.
    pub fn scanned(&self, blobs: u64, bytes: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(blobs);
        let total = self.bytes.fetch_add(bytes, Ordering::Relaxed) + bytes;
        bar.set_message(HumanBytes(total).to_string());
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn phase(&self, total: u64, template: &str) {
        let Some(bar) = &self.bar else { return };
        bar.set_style(style(template));
        bar.set_length(total);
        bar.set_position(0);
        self.bytes.store(0, Ordering::Relaxed);
        bar.set_message(HumanBytes(0).to_string());
    }
}

fn style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template).expect("valid progress template")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_are_valid_and_a_hidden_bar_does_nothing() {
        for template in [
            "{spinner} reading packs {bar:30} {percent:>3}% {human_pos}/{human_len} objects, \
             {msg} of blobs, {eta} left",
            "{spinner} walking history: {msg}",
        ] {
            assert!(ProgressStyle::with_template(template).is_ok());
        }
        let progress = Progress::new(false);
        progress.packs(10);
        progress.object(Some(5));
        progress.commits(1);
        progress.blobs(3);
        progress.scanned(1, 5);
        progress.finish();
        assert!(progress.bar.is_none());
    }
}
