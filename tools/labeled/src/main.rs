//! The labeled benchmark from the command line.
//!
//! ```sh
//! cargo run --release -p leakhound-labeled -- generate target/labeled/repo --seed 1
//! cargo run --release -p leakhound-labeled -- generate target/labeled/held-out --seed 1 --grammar held-out
//! leakhound scan target/labeled/repo -f json --no-progress > leakhound.json
//! cargo run --release -p leakhound-labeled -- score --tool leakhound \
//!     target/labeled/repo.labels.jsonl leakhound.json
//! ```
//!
//! `generate DIR` writes the repository at DIR and its labels next to it,
//! at `DIR.labels.jsonl`, outside the repository so that scanners do not
//! see them. `--grammar held-out` generates it from the held-out grammar
//! (other names, syntaxes and file kinds than the rules were written
//! against); the default is `training`. `score` reads the labels and a report of leakhound, gitleaks,
//! betterleaks or Kingfisher (JSON) and prints recall, precision, the
//! misses and the false findings. Paths in the report are taken relative to
//! the repository (`DIR`, from the labels' file name, or `--root`).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use leakhound_labeled as labeled;

const USAGE: &str = "usage:
  labeled generate DIR [--seed N] [--grammar training|held-out]
  labeled score --tool leakhound|gitleaks|betterleaks|kingfisher LABELS REPORT [--root DIR]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("generate") => generate(&args[1..]),
        Some("score") => score(&args[1..]),
        _ => Err(USAGE.to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("labeled: {message}");
            ExitCode::from(2)
        }
    }
}

/// `--name value` pairs and positional arguments.
type Args = (Vec<(String, String)>, Vec<String>);

/// Splits `--name value` options from positional arguments.
fn options(args: &[String], names: &[&str]) -> Result<Args, String> {
    let mut opts = Vec::new();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        if let Some(name) = arg.strip_prefix("--") {
            if !names.contains(&name) {
                return Err(format!("unknown option {arg}\n{USAGE}"));
            }
            let value = it.next().ok_or(format!("{arg} needs a value"))?;
            opts.push((name.to_owned(), value.clone()));
        } else {
            positional.push(arg.clone());
        }
    }
    Ok((opts, positional))
}

/// `DIR.labels.jsonl`, next to DIR.
fn labels_path(dir: &Path) -> PathBuf {
    let dir = dir.to_string_lossy();
    PathBuf::from(format!("{}.labels.jsonl", dir.trim_end_matches('/')))
}

fn generate(args: &[String]) -> Result<(), String> {
    let (opts, positional) = options(args, &["seed", "grammar"])?;
    let [dir] = positional.as_slice() else {
        return Err(USAGE.to_owned());
    };
    let mut seed = 1;
    let mut grammar = labeled::Grammar::Training;
    for (name, value) in opts {
        if name == "seed" {
            seed = value.parse().map_err(|_| format!("bad seed {value}"))?;
        } else {
            grammar = labeled::Grammar::parse(&value)
                .ok_or(format!("bad grammar {value} (training or held-out)"))?;
        }
    }
    let dir = PathBuf::from(dir);
    if dir.exists()
        && std::fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_some()
    {
        return Err(format!("{} exists and is not empty", dir.display()));
    }
    let labels = labeled::generate_with(&dir, seed, grammar);
    let out = labels_path(&dir);
    labeled::write_labels(&out, &labels).map_err(|e| format!("{}: {e}", out.display()))?;
    let positives: Vec<&labeled::Label> = labels.iter().filter(|l| l.positive).collect();
    let kinds: std::collections::BTreeSet<&str> =
        positives.iter().map(|l| l.kind.as_str()).collect();
    let locations: usize = positives.iter().map(|l| l.locations.len()).sum();
    let mut stdout = std::io::stdout().lock();
    writeln!(
        stdout,
        "{}: {} secrets of {} kinds at {} locations, {} decoys; labels in {}",
        dir.display(),
        positives.len(),
        kinds.len(),
        locations,
        labels.len() - positives.len(),
        out.display()
    )
    .or_else(quiet_pipe)
}

/// A closed stdout (`| head`) is not an error.
fn quiet_pipe(e: std::io::Error) -> Result<(), String> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e.to_string())
    }
}

fn score(args: &[String]) -> Result<(), String> {
    let (opts, positional) = options(args, &["tool", "root"])?;
    let [labels_file, report_file] = positional.as_slice() else {
        return Err(USAGE.to_owned());
    };
    let mut tool = None;
    let mut root = None;
    for (name, value) in opts {
        match name.as_str() {
            "tool" => tool = Some(value),
            _ => root = Some(PathBuf::from(value)),
        }
    }
    let tool = tool.ok_or(format!("--tool is required\n{USAGE}"))?;
    let root = root.or_else(|| labels_file.strip_suffix(".labels.jsonl").map(PathBuf::from));
    let labels =
        labeled::read_labels(Path::new(labels_file)).map_err(|e| format!("{labels_file}: {e}"))?;
    let report = std::fs::read_to_string(report_file).map_err(|e| format!("{report_file}: {e}"))?;
    let found = labeled::parse_report(&tool, &report, root.as_deref())?;
    let score = labeled::score(&labels, &found);
    let mut stdout = std::io::stdout().lock();
    write!(stdout, "{tool}: {score}").or_else(quiet_pipe)
}
