//! SIGINT and SIGTERM while a file is being written or a target cloned:
//! the pending temporary files and clones are deleted before the process
//! ends (exit 130 or 143), so an
//! interrupted run leaves each target as it was (see
//! [`leakhound::output`]).

use std::sync::Once;

/// Installs the handler, once; before it, the signals end the process as
/// they always do (nothing has been written then).
pub fn clean_up_on_interrupt() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            Ok(signals) => signals,
            Err(err) => {
                log::warn!("cannot handle interrupts: {err}");
                return;
            }
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                leakhound::output::abandon_pending();
                leakhound::targets::clone::abandon();
                std::process::exit(128 + signal);
            }
        });
    });
}
