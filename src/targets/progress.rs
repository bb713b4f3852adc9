//! Progress of a scan of many targets, on stderr: one bar for the targets
//! done out of all, one for the inputs of the repository being scanned.
//! Nothing is drawn unless asked for and stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The two bars, when shown.
pub struct Bars {
    multi: MultiProgress,
    targets: ProgressBar,
}

impl Bars {
    /// Bars for `total` targets, if `wanted` and stderr is a terminal.
    pub fn new(total: usize, wanted: bool) -> Option<Bars> {
        if !wanted || !std::io::stderr().is_terminal() {
            return None;
        }
        let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
        let targets = multi.add(ProgressBar::new(total as u64));
        targets.set_style(
            ProgressStyle::with_template("targets {bar:30} {pos}/{len} ({msg})")
                .expect("valid progress template"),
        );
        targets.set_message("0 failed");
        Some(Bars { multi, targets })
    }

    /// A bar for the target named `name`, counting its inputs.
    pub fn current(&self, name: &str) -> ProgressBar {
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}: {human_pos} inputs")
                .expect("valid progress template"),
        );
        bar.set_message(crate::text::escape(name));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }

    /// One more target done, `failed` of them so far failed.
    pub fn done(&self, current: ProgressBar, failed: usize) {
        current.finish_and_clear();
        self.multi.remove(&current);
        self.targets.set_message(format!("{failed} failed"));
        self.targets.inc(1);
    }

    /// Removes the bars.
    pub fn finish(&self) {
        self.targets.finish_and_clear();
        let _ = self.multi.clear();
    }
}
