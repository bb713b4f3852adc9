//! `leakhound merge`.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::{MergeArgs, MergeFormat};
use leakhound::merge::Merge;
use leakhound::output::PrivateFile;

pub fn run(args: &MergeArgs) -> anyhow::Result<ExitCode> {
    let mut merge = Merge::default();
    for path in &args.reports {
        merge.add_file(path)?;
    }
    let write = |w: &mut dyn Write| match args.format {
        MergeFormat::Json => merge.write_json(w),
        MergeFormat::Jsonl => merge.write_lines(w),
    };
    match &args.output {
        Some(path) => {
            crate::signals::clean_up_on_interrupt();
            let context = || format!("cannot write report file {}", path.display());
            let mut file = PrivateFile::create(path)
                .with_context(|| format!("cannot create report file {}", path.display()))?;
            let mut out = BufWriter::new(file.file());
            write(&mut out)
                .and_then(|()| out.flush())
                .with_context(context)?;
            drop(out);
            file.commit().with_context(context)?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            write(&mut out)
                .and_then(|()| out.flush())
                .context("cannot write the report to stdout")?;
        }
    }
    if merge.incomplete() {
        anyhow::bail!(
            "a merged report says a target could not be scanned in full (see `failed_targets` and \
             `unread_objects` in its summary): the merged report is written, but it is not complete"
        );
    }
    Ok(if merge.findings().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
