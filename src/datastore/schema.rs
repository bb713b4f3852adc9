//! The datastore's tables, and the checks of its version.
//!
//! `PRAGMA application_id` marks a leakhound datastore and `PRAGMA
//! user_version` is its schema version: a file of another application, or
//! of a version newer than [`VERSION`], is refused rather than changed.

use rusqlite::{Connection, TransactionBehavior};

/// The schema version this leakhound reads and writes.
pub const VERSION: i64 = 1;

/// `PRAGMA application_id` of a leakhound datastore ("LkHd").
pub const APPLICATION_ID: i64 = 0x4c6b_4864;

/// The tables (see `docs/datastore.md` for what each column holds).
const TABLES: &str = "
CREATE TABLE repositories (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    generation INTEGER NOT NULL,
    scanned_at TEXT NOT NULL
);
CREATE TABLE commits (
    repository INTEGER NOT NULL REFERENCES repositories(id),
    id TEXT NOT NULL,
    PRIMARY KEY (repository, id)
) WITHOUT ROWID;
CREATE TABLE blobs (
    repository INTEGER NOT NULL REFERENCES repositories(id),
    id TEXT NOT NULL,
    PRIMARY KEY (repository, id)
) WITHOUT ROWID;
CREATE TABLE places (
    repository INTEGER NOT NULL REFERENCES repositories(id),
    blob TEXT NOT NULL,
    path BLOB NOT NULL,
    commit_id TEXT,
    PRIMARY KEY (repository, blob, path)
) WITHOUT ROWID;
CREATE TABLE locations (
    repository INTEGER NOT NULL REFERENCES repositories(id),
    blob TEXT NOT NULL,
    finding TEXT NOT NULL,
    rule TEXT NOT NULL,
    secret TEXT NOT NULL,
    key TEXT NOT NULL,
    location TEXT NOT NULL,
    UNIQUE (repository, finding, location)
);
CREATE INDEX locations_by_blob ON locations (repository, blob);
CREATE TABLE findings (
    repository INTEGER NOT NULL REFERENCES repositories(id),
    id TEXT NOT NULL,
    rule TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    PRIMARY KEY (repository, id)
) WITHOUT ROWID;
";

/// Sets the connection up (WAL journal) and creates the tables of a new
/// datastore; refuses a file of another application or a newer version.
pub fn prepare(conn: &mut Connection) -> Result<(), Problem> {
    // WAL: readers never block the writer, and a killed writer leaves the
    // last committed state. NORMAL sync is safe in WAL mode against a
    // crashed process (only a power loss may drop the last commits).
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == VERSION {
        return check_application(conn);
    }
    if version != 0 {
        return Err(refused(format!(
            "is a datastore of schema version {version}; this leakhound reads version {VERSION}: \
             use the leakhound that wrote it, or give --datastore a new file (the next scan \
             is then a full one)"
        )));
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another run may have created the tables while this one waited.
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version == 0 {
        let tables: i64 = tx.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))?;
        if tables > 0 {
            return Err(refused(
                "is an SQLite database of another application, not a leakhound datastore: give \
                 --datastore the file an earlier run wrote, or the name of a file to create"
                    .to_owned(),
            ));
        }
        tx.execute_batch(TABLES)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", VERSION)?;
    }
    tx.commit()?;
    check_application(conn)
}

fn check_application(conn: &Connection) -> Result<(), Problem> {
    let id: i64 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
    if id != APPLICATION_ID {
        return Err(refused(
            "is an SQLite database of another application, not a leakhound datastore: give \
             --datastore the file an earlier run wrote, or the name of a file to create"
                .to_owned(),
        ));
    }
    Ok(())
}

/// What is wrong with a datastore file.
#[derive(Debug)]
pub enum Problem {
    /// SQLite said no.
    Sql(rusqlite::Error),
    /// The file is refused: why (the caller names the file).
    Refused(String),
}

impl From<rusqlite::Error> for Problem {
    fn from(err: rusqlite::Error) -> Self {
        Problem::Sql(err)
    }
}

fn refused(message: String) -> Problem {
    Problem::Refused(message)
}
