//! Scan orchestration, from a request to findings and a summary.
//!
//! A [`ScanRequest`] (the command line, or any caller) is settled into a
//! [`ScanPlan`] ([`plan`]): what to scan, the rules, the suppressions,
//! checked before anything is read. Running it hands a source's inputs to
//! the [`Driver`] ([`driver`]), the one sink every source feeds; it lends
//! each thread a [`ChunkScanner`] ([`chunk`]) that matches one input, and
//! [`locate`] turns what it finds into hits and then into findings'
//! locations. Per-thread results are merged once, at the end.

pub mod chunk;
pub mod driver;
pub mod locate;
pub mod plan;
pub mod request;
pub mod shard;

pub use crate::config::{DEFAULT_MAX_FILE_SIZE, DEFAULT_MIN_CONFIDENCE};
pub use chunk::{ChunkScanner, looks_binary};
pub use driver::Driver;
pub use locate::{Hit, Origin};
pub use plan::{Outcome, ScanPlan, Scanned, Target, scan_source};
pub use request::ScanRequest;
pub use shard::{Shard, ShardBy};
