//! What a caller asks a scan for: the paths, the kind of scan, the flags;
//! everything not given comes from the configuration file or the defaults.

use std::path::PathBuf;

use crate::rules::Confidence;

/// What a caller asks for; everything not given comes from the
/// configuration file or the defaults.
#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// What to scan: a repository, directories, files, or `-` (stdin).
    pub paths: Vec<PathBuf>,
    /// Scan files even in a repository.
    pub no_git: bool,
    /// Git: what the index adds.
    pub staged: bool,
    /// Git: what the commits of `BASE..HEAD` add.
    pub range: Option<String>,
    /// Git: also blobs no ref reaches.
    pub all_objects: bool,
    /// Git: only what these revisions reach.
    pub refs: Vec<String>,
    /// Git: every blob version, not only the earliest per path.
    pub no_dedup: bool,
    /// Git: do not scan commit and annotated tag messages.
    pub no_messages: bool,
    /// A configuration file instead of `.leakhound.yml` at the root.
    pub config: Option<PathBuf>,
    /// A baseline whose findings are not reported again.
    pub baseline: Option<PathBuf>,
    /// Size limit of one input.
    pub max_file_size: Option<u64>,
    /// Match decoded text too (`None`: the configuration says).
    pub no_decode: bool,
    /// Minimum confidence reported.
    pub min_confidence: Option<Confidence>,
    /// Scan files that ignore files exclude.
    pub no_ignore: bool,
    /// Worker threads (`None`: one per core).
    pub threads: Option<usize>,
    /// Show progress on stderr.
    pub progress: bool,
    /// Search every block of every input, without the block memo (slower;
    /// the same findings).
    pub no_memo: bool,
    /// Measure where matching time goes (`Summary::stats`).
    pub stats: bool,
    /// The report file this scan writes (`-o`): never scanned, nor its
    /// temporary file, so that an earlier report is not found again.
    pub report: Option<PathBuf>,
    /// Scan only the blobs (and files) of this shard.
    pub shard: Option<crate::scan::Shard>,
    /// Count inputs on this bar instead of the source's own progress.
    pub progress_bar: Option<indicatif::ProgressBar>,
}
