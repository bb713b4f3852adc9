//! Command-line arguments. Every doc comment here is `--help` text.

use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};

use leakhound::report::Format;
use leakhound::rules::Confidence;

/// Find secrets (API keys, tokens, passwords, private keys) in files and git
/// repositories.
#[derive(Debug, Parser)]
#[command(name = "leakhound", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Print only errors on stderr.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more on stderr (-v: each skipped input, -vv: debugging).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// When to colour output.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorWhen {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan a git repository's history, a directory, a file, or standard
    /// input (`-`) for secrets.
    ///
    /// A git repository (work tree, .git directory or bare repository) is
    /// scanned through its whole history: every blob reachable from every
    /// ref, once. A directory inside a repository (a subdirectory of its
    /// work tree) is scanned as that repository, history and all, and
    /// stderr says so; --no-git scans only its files. Anything else is
    /// scanned as files.
    ///
    /// The scanned tree's own .leakhound.yml and .leakhoundignore are read
    /// only if they are regular files (never through a symlink); what its
    /// configuration turns off or narrows is said on the summary line.
    ///
    /// Exit status: 0 no findings, 1 findings, 2 error, or a git object the
    /// scan needed could not be read (a damaged repository; the report is
    /// still written), or one of several targets could not be scanned (the
    /// report of the others is still written). Objects a shallow or partial clone lacks by design
    /// are counted and named but do not change the status.
    Scan(ScanArgs),
    /// List or check rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Install git hooks.
    #[command(subcommand)]
    Hook(HookCommand),
    /// Scan like `scan`, and write the fingerprints of every finding as a
    /// baseline file (sorted, no secrets, no timestamps) for `--baseline`.
    ///
    /// It has one format and holds no secret, so the report options of
    /// `scan` (--format, --redact, --validate) do not apply.
    ///
    /// Exit status: 0 written, 2 error.
    Baseline(BaselineArgs),
    /// Explain a rule: what it finds, and how to revoke and replace a
    /// leaked credential of its kind.
    ///
    /// Exit status: 0 explained, 2 no rule has that id (the closest ids are
    /// suggested).
    Explain(ExplainArgs),
    /// Write a shell completion script to stdout.
    ///
    /// bash: leakhound completions bash > ~/.local/share/bash-completion/completions/leakhound
    ///
    /// zsh: leakhound completions zsh > ~/.zfunc/_leakhound (with ~/.zfunc in fpath)
    ///
    /// fish: leakhound completions fish > ~/.config/fish/completions/leakhound.fish
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual page (roff) to stdout: every subcommand and its
    /// options in one page.
    ///
    /// Read it with `leakhound man | man -l -`, or install it:
    /// leakhound man > ~/.local/share/man/man1/leakhound.1
    Man,
    /// Convert another tool's suppressions into leakhound's own files, so
    /// that a team switching keeps its triage.
    ///
    /// Prints what was imported, skipped (with the reason) and unmatched
    /// on stderr; never writes a secret. Exit status: 0 imported (or
    /// nothing to import), 2 error.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Merge JSON or JSON Lines reports (of shards, or of separate runs)
    /// into one: findings by id, their locations deduplicated, sorted, the
    /// summaries added up.
    ///
    /// Exit status: 0 no findings, 1 findings, 2 error (a report that
    /// cannot be read, or one that says a target failed).
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The reports (`scan -f json` or `-f jsonl`).
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,
    /// Output format: json or jsonl.
    #[arg(short, long, value_enum, default_value_t = MergeFormat::Json)]
    pub format: MergeFormat,
    /// Write the merged report to FILE (created owner-only) instead of
    /// stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MergeFormat {
    /// One JSON document: findings and the summaries added up.
    Json,
    /// One JSON finding per line.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id (see `leakhound rules list`).
    #[arg(value_name = "RULE")]
    pub rule: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    /// Configuration file whose rules to look in (its custom rules too).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExplainFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// `.gitleaks.toml` global allowlists into the `.leakhound.yml`
    /// allowlist, and `.gitleaksignore` fingerprints into `.leakhoundignore`.
    ///
    /// Allowlist paths become `path_regexes`, regexes `regexes` (or
    /// `matches` for regexTarget = "match"), stopwords `stopwords`; commits,
    /// line regexes, per-rule allowlists and regexes Rust cannot compile
    /// are reported as skipped. `.gitleaksignore` entries are matched by
    /// scanning PATH: a location at the entry's path and line (and in its
    /// commit, for a git scan's entry) has its fingerprint added.
    Gitleaks {
        /// The project: a git repository or a directory.
        #[arg(default_value = ".", value_name = "PATH")]
        path: PathBuf,
        /// The gitleaks configuration [default: .gitleaks.toml at the
        /// project root, if it exists].
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The gitleaks ignore file [default: .gitleaksignore at the project
        /// root, if it exists].
        #[arg(long, value_name = "FILE")]
        ignore: Option<PathBuf>,
        /// Print the files that would be written on stdout; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A detect-secrets `.secrets.baseline` into a leakhound baseline file,
    /// for `scan --baseline`.
    ///
    /// Each entry is matched by scanning PATH: a location in the entry's
    /// file whose secret has the entry's SHA-1 is baselined. Entries
    /// audited as real secrets (`is_secret: true`) are listed, not
    /// baselined, unless --include-real-secrets.
    DetectSecrets {
        /// The project: a git repository or a directory.
        #[arg(default_value = ".", value_name = "PATH")]
        path: PathBuf,
        /// The detect-secrets baseline [default: .secrets.baseline at the
        /// project root].
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// The leakhound baseline to write; the entries it has are kept
        /// [default: leakhound-baseline.json at the project root].
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// Also baseline the entries audited as real secrets.
        #[arg(long)]
        include_real_secrets: bool,
        /// Print the file that would be written on stdout; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum HookCommand {
    /// Write a pre-commit hook that runs `leakhound scan --staged`.
    ///
    /// The hook goes where git runs hooks from, as `git rev-parse
    /// --git-path hooks` says (core.hooksPath from any git configuration,
    /// the shared hooks of a linked worktree). Refuses to replace a hook
    /// leakhound did not write, unless --force.
    Install {
        /// The repository, or any directory in it.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Replace an existing pre-commit hook.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    /// Output format.
    #[arg(short, long, value_parser = choices(&Format::CHOICES), default_value = "human")]
    pub format: Format,
    /// Hide secrets entirely in the report.
    #[arg(long)]
    pub redact: bool,
    /// Ask each secret's provider whether it still works, for rules that
    /// declare a check (GitHub, GitLab, Slack, Stripe, OpenAI, Anthropic,
    /// SendGrid, npm, PyPI, Hugging Face, Datadog, AWS, ...): one HTTPS
    /// request per distinct secret, to the endpoint the rule names. Off by
    /// default: it sends the secrets found over the network.
    #[arg(long)]
    pub validate: bool,
    /// Report only secrets the provider accepted (implies --validate).
    #[arg(long)]
    pub only_valid: bool,
    /// Longest wait for a provider's answer, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub validate_timeout: u64,
    /// Checks in flight at once (each host gets at most 10 requests a
    /// second whatever this is).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub validate_concurrency: usize,
    /// Remember in this SQLite file (created owner-only) what each scan of
    /// a git history walked, read and found, per repository: the next scan
    /// reads only new commits and blobs and still reports every finding,
    /// each with its `first_seen` (see docs/datastore.md).
    #[arg(long, value_name = "FILE")]
    pub datastore: Option<PathBuf>,
    /// With --datastore: report only the findings the datastore did not
    /// hold before this run.
    #[arg(long, requires = "datastore")]
    pub new_only: bool,
}

#[derive(Debug, Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    pub common: CommonArgs,
    // `scan`'s report options, taken only to be refused by name.
    #[arg(short, long, hide = true, value_name = "FORMAT")]
    pub format: Option<String>,
    #[arg(long, hide = true)]
    pub redact: bool,
    #[arg(long, hide = true)]
    pub validate: bool,
    #[arg(long, hide = true)]
    pub only_valid: bool,
}

impl BaselineArgs {
    /// The first of `scan`'s report options given, if any.
    pub fn report_option(&self) -> Option<&'static str> {
        [
            (self.format.is_some(), "--format"),
            (self.redact, "--redact"),
            (self.validate, "--validate"),
            (self.only_valid, "--only-valid"),
        ]
        .into_iter()
        .find_map(|(given, name)| given.then_some(name))
    }
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// What to scan: a git repository, a directory, a file, `-` for
    /// standard input, or a git URL (https://, ssh://, git://, file://,
    /// user@host:path; cloned bare into a temporary directory). Several
    /// files or directories are scanned as files; several targets of which
    /// one is a repository or a URL are scanned one by one, each location
    /// naming its repository (see docs/many-repositories.md).
    #[arg(default_value = ".", value_name = "TARGET")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub targets: TargetArgs,
    /// Treat PATH as plain files even if it is (or is inside) a git
    /// repository.
    #[arg(long)]
    pub no_git: bool,
    /// Git: scan only what the index adds relative to HEAD (pre-commit).
    #[arg(long, conflicts_with_all = ["no_git", "range", "all_objects", "refs"])]
    pub staged: bool,
    /// Git: scan only what the commits of BASE..HEAD add (each against its
    /// first parent); BASE...HEAD starts from their merge base.
    #[arg(long, value_name = "BASE..HEAD", conflicts_with_all = ["no_git", "all_objects", "refs"])]
    pub range: Option<String>,
    /// Git: also scan blobs that no ref reaches (dangling, reflog-only).
    #[arg(long, conflicts_with = "no_git")]
    pub all_objects: bool,
    /// Git: scan only what REF reaches (repeatable) instead of every ref.
    #[arg(long = "ref", value_name = "REF", conflicts_with = "no_git")]
    pub refs: Vec<String>,
    /// Git: report every blob version of a secret at a path, not only the
    /// one that introduced it.
    #[arg(long, conflicts_with = "no_git")]
    pub no_dedup: bool,
    /// Git: do not scan commit and annotated tag messages (history and
    /// range scans scan them by default).
    #[arg(long, conflicts_with_all = ["no_git", "staged"])]
    pub no_messages: bool,
    /// Do not show a progress bar (it is shown only on a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Also scan files that .gitignore, .ignore or .git/info/exclude exclude.
    #[arg(long)]
    pub no_ignore: bool,
    /// Write the report to FILE (created owner-only) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report only locations of at least this confidence [default: medium,
    /// or min_confidence in the configuration]. Test code, documentation and
    /// third-party code lower a location's confidence; `low` shows them.
    #[arg(long, value_parser = choices(&Confidence::CHOICES), value_name = "LEVEL")]
    pub min_confidence: Option<Confidence>,
    /// Do not decode base64, hex, percent-encoding or string escapes to
    /// match what they hide (UTF-16 files are still decoded).
    #[arg(long)]
    pub no_decode: bool,

    /// After the scan, print on stderr where matching time went: the
    /// keyword prefilter, each rule's regex (the costliest first), the
    /// decoders and the block memo.
    #[arg(long)]
    pub stats: bool,

    /// Search every block of every input again instead of remembering
    /// blocks already searched in another version of a file (slower; the
    /// same findings: for comparisons).
    #[arg(long, hide = true)]
    pub no_memo: bool,
    /// Skip inputs larger than this (bytes; K, M, G suffixes) [default: 64M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<u64>,
    /// Report only findings whose location is not in FILE (a
    /// `leakhound baseline` file or a `-f json` report).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Configuration file [default: .leakhound.yml at the project root].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Number of threads, 1 to 256 [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N", value_parser = parse_threads)]
    pub threads: Option<usize>,
}

/// Many targets: lists, organisations, shards.
#[derive(Debug, Args)]
#[command(next_help_heading = "Many targets")]
pub struct TargetArgs {
    /// Also scan the targets listed in FILE, one a line (`#` starts a
    /// comment line); `-` reads them from standard input.
    #[arg(long, value_name = "FILE")]
    pub targets_from: Option<PathBuf>,
    /// Scan only part K of N (1 <= K <= N): N runs with K = 1..N scan
    /// everything exactly once; `leakhound merge` joins their reports.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub shard: Option<leakhound::scan::Shard>,
    /// What --shard splits: whole targets by name, or every target's
    /// blobs by id (for one very large repository) [default: targets, or
    /// blobs when there is one target].
    #[arg(long, value_enum, value_name = "WHAT", requires = "shard")]
    pub shard_by: Option<ShardByArg>,
    /// Scan every repository of this GitHub organisation (repeatable;
    /// token from GITHUB_TOKEN).
    #[arg(long, value_name = "ORG")]
    pub github_org: Vec<String>,
    /// Scan every repository this GitHub user owns (repeatable).
    #[arg(long, value_name = "USER")]
    pub github_user: Vec<String>,
    /// Scan every repository of this GitLab group and its subgroups
    /// (repeatable; token from GITLAB_TOKEN).
    #[arg(long, value_name = "GROUP")]
    pub gitlab_group: Vec<String>,
    /// The GitHub API, for GitHub Enterprise Server.
    #[arg(long, value_name = "URL", default_value = "https://api.github.com")]
    pub github_api_url: String,
    /// The GitLab API, for a self-hosted GitLab.
    #[arg(long, value_name = "URL", default_value = "https://gitlab.com/api/v4")]
    pub gitlab_api_url: String,
    /// With --github-org, --github-user, --gitlab-group: also scan forks.
    #[arg(long)]
    pub include_forks: bool,
    /// With --github-org, --github-user, --gitlab-group: leave out
    /// archived repositories.
    #[arg(long)]
    pub exclude_archived: bool,
    /// With --github-org, --github-user, --gitlab-group: clone over ssh
    /// instead of https.
    #[arg(long)]
    pub clone_ssh: bool,
    /// Longest wait for an API's rate limit to reset, in seconds; a
    /// longer one is an error.
    #[arg(long, value_name = "SECONDS", default_value_t = 300)]
    pub rate_limit_wait: u64,
}

impl TargetArgs {
    /// Whether an organisation is to be listed.
    pub fn forges(&self) -> bool {
        !self.github_org.is_empty() || !self.github_user.is_empty() || !self.gitlab_group.is_empty()
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ShardByArg {
    /// Whole targets, by a hash of their name.
    Targets,
    /// Every target's blobs, by id.
    Blobs,
}

fn parse_shard(text: &str) -> Result<leakhound::scan::Shard, String> {
    leakhound::scan::Shard::parse(text)
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use.
    List {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
        /// Configuration file whose rules to list.
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Check rules: ids unique, regexes compile, every example is found and
    /// no negative example is. Without FILE, the built-in rules.
    ///
    /// Exit status: 0 all good, 1 problems, 2 the file cannot be loaded.
    Check {
        /// A rule file (same schema as patterns/*.yml).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

/// A value parser over one of the library's enums, from its `CHOICES`
/// (value, name, help): the command line takes the library's own type, and
/// `--help` lists the names with their help as for a clap enum.
fn choices<T: Copy + Send + Sync + 'static>(
    choices: &'static [(T, &'static str, &'static str)],
) -> impl TypedValueParser<Value = T> {
    let names = choices.iter().map(|&(_, name, help)| {
        let value = PossibleValue::new(name);
        if help.is_empty() {
            value
        } else {
            value.help(help)
        }
    });
    PossibleValuesParser::new(names).map(move |name| {
        choices
            .iter()
            .find(|&&(_, known, _)| known == name)
            .map(|&(value, _, _)| value)
            .expect("clap accepts only the names listed")
    })
}

/// Most worker threads: each idle worker is woken and put back to sleep
/// as work arrives, so thousands of them spend seconds doing nothing (and
/// a scan reads from one disk and a few packs).
pub const MAX_THREADS: usize = 256;

/// Parses a thread count from 1 to [`MAX_THREADS`].
pub fn parse_threads(text: &str) -> Result<usize, String> {
    let n: usize = text
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a number of threads"))?;
    if (1..=MAX_THREADS).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "{n} threads: use 1 to {MAX_THREADS} (leave -j out for one per CPU)"
        ))
    }
}

/// Parses `1234`, `10K`, `64M`, `1G` (powers of 1024; `KiB`/`KB` and
/// lowercase accepted).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let digits = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let number: u64 = number.parse().map_err(|_| {
        format!("'{text}' is not a size: use a number of bytes, e.g. 1048576, 512K, 64M, 1G")
    })?;
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        _ => {
            return Err(format!(
                "'{text}': unknown size unit '{unit}' (use K, M or G)"
            ));
        }
    };
    number
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("'{text}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("100"), Ok(100));
        assert_eq!(parse_size("2K"), Ok(2048));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("1g"), Ok(1 << 30));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5X").unwrap_err().contains("unknown size unit"));
    }

    #[test]
    fn thread_counts_are_bounded() {
        assert_eq!(parse_threads("4"), Ok(4));
        assert_eq!(parse_threads("256"), Ok(256));
        assert!(parse_threads("0").unwrap_err().contains("use 1 to 256"));
        assert!(parse_threads("10000").unwrap_err().contains("use 1 to 256"));
        assert!(parse_threads("-1").is_err());
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
