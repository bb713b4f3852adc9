//! The datastore (`scan --datastore FILE`): an SQLite file that remembers,
//! per repository, what earlier scans walked, read and found, so that a
//! re-scan reads only what is new and still reports every finding.
//!
//! - [`Datastore::open`] opens or creates the file (owner-only), checks
//!   that it is a datastore of a version this leakhound reads, and sets it
//!   up for concurrent runs: WAL journal, a busy timeout (a busy datastore
//!   waits, it is never corrupted), every run's writes in one transaction.
//! - [`scan()`] runs one repository's history scan with what the datastore
//!   holds for it ([`Record`]), merges the findings recorded earlier with
//!   the new ones, and records the run.
//!
//! The record of a repository is only used under the same rules digest
//! ([`crate::scan::ScanPlan::digest`] and `--redact`); under another, the
//! whole history is scanned again and the record replaced. The schema is
//! described in `docs/datastore.md`.

mod record;
mod run;
mod schema;

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rusqlite::Connection;

pub use record::Record;
pub use run::{Options, local_identity, scan};

/// How long a run waits for another run's write transaction before it
/// gives up.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);

/// An open datastore.
pub struct Datastore {
    conn: Connection,
    path: PathBuf,
}

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

impl Datastore {
    /// Opens the datastore at `path`, creating it (owner-only) if there is
    /// no file there. A file that is not a datastore, or a datastore of a
    /// newer schema, is an error that names the file and what to do.
    pub fn open(path: &Path) -> anyhow::Result<Datastore> {
        check_file(path)?;
        let conn = Connection::open(path)
            .with_context(|| format!("cannot open datastore {}", path.display()))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .with_context(|| format!("cannot open datastore {}", path.display()))?;
        let mut store = Datastore {
            conn,
            path: path.to_owned(),
        };
        match schema::prepare(&mut store.conn) {
            Ok(()) => Ok(store),
            Err(schema::Problem::Refused(why)) => bail!("{} {why}", path.display()),
            Err(schema::Problem::Sql(err)) => Err(error(path, err)),
        }
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// An error of the datastore at `path`: what went wrong, the file, and
/// what to do when the file is not a datastore or stays busy.
fn error(path: &Path, err: rusqlite::Error) -> anyhow::Error {
    let path = path.display();
    match err.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => anyhow::anyhow!(
            "{path} is not a leakhound datastore (not an SQLite database): give --datastore \
                 the file an earlier run wrote, or the name of a file to create"
        ),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
            anyhow::anyhow!(
                "datastore {path} stayed busy for {} s (another run is writing to it): \
                     try again when it is done",
                BUSY_TIMEOUT.as_secs()
            )
        }
        _ => anyhow::Error::new(err).context(format!("datastore {path}")),
    }
}

/// Creates the file owner-only if it does not exist; an existing file must
/// be empty or start like an SQLite database.
fn check_file(path: &Path) -> anyhow::Result<()> {
    use std::io::Read;
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot open or create datastore {}", path.display()))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        bail!(
            "{} is not a leakhound datastore (not a regular file): give --datastore a file name",
            path.display()
        );
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    (&mut file)
        .take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)
        .with_context(|| format!("cannot read datastore {}", path.display()))?;
    if !header.is_empty() && header != SQLITE_HEADER {
        bail!(
            "{} is not a leakhound datastore (not an SQLite database): give --datastore the \
             file an earlier run wrote, or the name of a file to create",
            path.display()
        );
    }
    Ok(())
}

/// Environment variable that sets the time a run records (RFC 3339): for
/// tests, which cannot wait for the clock.
pub const NOW_ENV: &str = "LEAKHOUND_DATASTORE_NOW";

/// The time of a run as the datastore records it: RFC 3339, UTC, to the
/// second ([`NOW_ENV`] if it is set to such a time).
pub fn now() -> anyhow::Result<String> {
    let time = match std::env::var(NOW_ENV) {
        Ok(text) => text.parse::<jiff::Timestamp>().map_err(|e| {
            anyhow::anyhow!("{NOW_ENV}={text} is not an RFC 3339 time (2025-01-02T03:04:05Z): {e}")
        })?,
        Err(_) => jiff::Timestamp::now(),
    };
    Ok(time.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}
