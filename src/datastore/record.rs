//! Reading and writing one repository's record: each in one transaction.

use std::collections::HashMap;

use gix::ObjectId;
use gix::bstr::BString;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::{Datastore, error};
use crate::finding::{Finding, Location};
use crate::source::git::{Known, Walked};

/// What the datastore holds of one repository.
#[derive(Debug, Default)]
pub struct Record {
    /// Its row, if it has one.
    pub repository: Option<i64>,
    /// How many runs have written its record: a run records what it did
    /// only on the record it read (a run in between wrote another).
    pub generation: i64,
    /// What earlier runs walked and read under the same digest; `None`
    /// when there is no such record (the whole history is scanned).
    pub known: Option<Known>,
    /// The locations of its findings recorded under that digest.
    pub locations: Vec<Stored>,
    /// When each finding was first recorded, by id (under any digest).
    pub first_seen: HashMap<String, String>,
}

/// A location as recorded: as the JSON report shows it.
#[derive(Debug)]
pub struct Stored {
    /// The finding id.
    pub finding: String,
    /// The rule id.
    pub rule: String,
    /// The finding's secret as the JSON report shows it (`[REDACTED]`
    /// under `--redact`).
    pub secret: String,
    /// The finding's key ([`crate::finding::SecretKey`]).
    pub key: [u8; 32],
    /// The location (`in_head` is worked out again on each run).
    pub location: Location,
}

/// What one run records.
pub struct Write<'a> {
    /// The repository's identity.
    pub identity: &'a str,
    /// The rules digest of the run.
    pub digest: &'a str,
    /// The record the run read.
    pub read: &'a Record,
    /// What it walked and read; `None` records nothing of the history
    /// (an incomplete scan): the next run does the work again.
    pub walked: Option<&'a Walked>,
    /// The findings of the blobs it read, masked as the JSON report masks
    /// them, every location kept.
    pub findings: &'a [Finding],
    /// The finding ids it reports, with their rules.
    pub reported: Vec<(String, String)>,
    /// The time of the run.
    pub now: &'a str,
}

impl Datastore {
    /// Reads the record of `identity` under `digest`, in one read
    /// transaction.
    pub fn read(&mut self, identity: &str, digest: &str) -> anyhow::Result<Record> {
        let path = &self.path;
        let tx = self.conn.transaction().map_err(|e| error(path, e))?;
        let record = read(&tx, identity, digest);
        let record = record.and_then(|r| tx.commit().map(|()| r));
        record.map_err(|e| error(path, e))
    }

    /// Records a run, in one write transaction.
    pub fn write(&mut self, run: &Write<'_>) -> anyhow::Result<()> {
        let path = &self.path;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| error(path, e))?;
        let written = write(&tx, run);
        let written = written.and_then(|()| {
            crash_before_commit();
            tx.commit()
        });
        written.map_err(|e| error(path, e))
    }
}

/// Test hook: with `LEAKHOUND_DATASTORE_CRASH_BEFORE_COMMIT=1`, the process
/// aborts (SIGABRT, as a crash) with the run's rows written but not
/// committed: the tests check that the next run finds the datastore as it
/// was and redoes the work.
fn crash_before_commit() {
    if std::env::var_os("LEAKHOUND_DATASTORE_CRASH_BEFORE_COMMIT").is_some_and(|v| v == "1") {
        std::process::abort();
    }
}

fn read(tx: &Transaction<'_>, identity: &str, digest: &str) -> rusqlite::Result<Record> {
    let row: Option<(i64, String, i64)> = tx
        .query_row(
            "SELECT id, digest, generation FROM repositories WHERE identity = ?1",
            [identity],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((repository, recorded_digest, generation)) = row else {
        return Ok(Record::default());
    };
    let mut record = Record {
        repository: Some(repository),
        generation,
        first_seen: first_seen(tx, repository)?,
        ..Record::default()
    };
    if recorded_digest == digest && generation > 0 {
        record.known = Some(known(tx, repository)?);
        record.locations = locations(tx, repository)?;
    }
    Ok(record)
}

fn first_seen(tx: &Transaction<'_>, repository: i64) -> rusqlite::Result<HashMap<String, String>> {
    let mut statement = tx.prepare("SELECT id, first_seen FROM findings WHERE repository = ?1")?;
    let rows = statement.query_map([repository], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// An object id as recorded (hex); an unreadable one is a corrupt record.
fn oid(text: &str) -> rusqlite::Result<ObjectId> {
    ObjectId::from_hex(text.as_bytes()).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn ids(tx: &Transaction<'_>, table: &str, repository: i64) -> rusqlite::Result<Vec<ObjectId>> {
    let mut statement = tx.prepare(&format!("SELECT id FROM {table} WHERE repository = ?1"))?;
    let rows = statement.query_map([repository], |r| r.get::<_, String>(0))?;
    rows.map(|id| oid(&id?)).collect()
}

fn known(tx: &Transaction<'_>, repository: i64) -> rusqlite::Result<Known> {
    let mut statement =
        tx.prepare("SELECT blob, path, commit_id FROM places WHERE repository = ?1")?;
    let rows = statement.query_map([repository], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Vec<u8>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })?;
    let mut places = Vec::new();
    for row in rows {
        let (blob, path, commit) = row?;
        // A place no commit introduces (an unreachable blob) is only
        // recorded by `--all-objects` scans, which are never incremental.
        if let Some(commit) = commit {
            places.push((oid(&blob)?, BString::from(path), oid(&commit)?));
        }
    }
    Ok(Known {
        commits: ids(tx, "commits", repository)?.into_iter().collect(),
        blobs: ids(tx, "blobs", repository)?.into_iter().collect(),
        places,
    })
}

fn locations(tx: &Transaction<'_>, repository: i64) -> rusqlite::Result<Vec<Stored>> {
    let mut statement = tx.prepare(
        "SELECT finding, rule, secret, key, location FROM locations WHERE repository = ?1",
    )?;
    let rows = statement.query_map([repository], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let corrupt = |what: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            0,
            rusqlite::types::Type::Text,
            format!("a recorded location has an unreadable {what}").into(),
        )
    };
    let mut out = Vec::new();
    for row in rows {
        let (finding, rule, secret, key, location) = row?;
        let mut bytes = [0u8; 32];
        faster_hex::hex_decode(key.as_bytes(), &mut bytes).map_err(|_| corrupt("key"))?;
        let location = serde_json::from_str(&location).map_err(|_| corrupt("location"))?;
        out.push(Stored {
            finding,
            rule,
            secret,
            key: bytes,
            location,
        });
    }
    Ok(out)
}

fn write(tx: &Transaction<'_>, run: &Write<'_>) -> rusqlite::Result<()> {
    let row: Option<(i64, String, i64)> = tx
        .query_row(
            "SELECT id, digest, generation FROM repositories WHERE identity = ?1",
            [run.identity],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let repository = match row {
        Some((id, _, _)) => id,
        None => {
            tx.execute(
                "INSERT INTO repositories (identity, digest, generation, scanned_at) \
                 VALUES (?1, '', 0, ?2)",
                params![run.identity, run.now],
            )?;
            tx.last_insert_rowid()
        }
    };
    let (digest, generation) = row.map_or((String::new(), 0), |(_, d, g)| (d, g));
    if let Some(walked) = run.walked {
        let unchanged = digest == run.digest && generation == run.read.generation;
        if walked.whole {
            forget(tx, repository, None)?;
            history(tx, repository, run, walked)?;
        } else if unchanged && run.read.known.is_some() {
            forget(tx, repository, Some(&walked.reread))?;
            history(tx, repository, run, walked)?;
        } else {
            log::info!(
                "{}: another run updated the datastore during this scan: this run's history is \
                 not recorded (the next run reads it again)",
                run.identity
            );
        }
    }
    let mut statement = tx.prepare(
        "INSERT OR IGNORE INTO findings (repository, id, rule, first_seen) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (id, rule) in &run.reported {
        statement.execute(params![repository, id, rule, run.now])?;
    }
    Ok(())
}

/// Forgets the recorded history of a repository: all of it, or the places
/// and locations of the blobs read again.
fn forget(
    tx: &Transaction<'_>,
    repository: i64,
    blobs: Option<&gix::hashtable::HashSet<ObjectId>>,
) -> rusqlite::Result<()> {
    match blobs {
        None => {
            for table in ["commits", "blobs", "places", "locations"] {
                tx.execute(
                    &format!("DELETE FROM {table} WHERE repository = ?1"),
                    [repository],
                )?;
            }
        }
        Some(blobs) => {
            let mut places =
                tx.prepare("DELETE FROM places WHERE repository = ?1 AND blob = ?2")?;
            let mut locations =
                tx.prepare("DELETE FROM locations WHERE repository = ?1 AND blob = ?2")?;
            for blob in blobs {
                places.execute(params![repository, blob.to_string()])?;
                locations.execute(params![repository, blob.to_string()])?;
            }
        }
    }
    Ok(())
}

/// Records what a run walked, read and found, and moves the record to its
/// digest and the next generation.
fn history(
    tx: &Transaction<'_>,
    repository: i64,
    run: &Write<'_>,
    walked: &Walked,
) -> rusqlite::Result<()> {
    let mut commit =
        tx.prepare("INSERT OR IGNORE INTO commits (repository, id) VALUES (?1, ?2)")?;
    for id in &walked.commits {
        commit.execute(params![repository, id.to_string()])?;
    }
    let mut blob = tx.prepare("INSERT OR IGNORE INTO blobs (repository, id) VALUES (?1, ?2)")?;
    for id in walked.blobs.iter().chain(&walked.reread) {
        blob.execute(params![repository, id.to_string()])?;
    }
    let mut place = tx.prepare(
        "INSERT OR REPLACE INTO places (repository, blob, path, commit_id) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (id, path, commit) in &walked.places {
        let path: &[u8] = path.as_ref();
        place.execute(params![
            repository,
            id.to_string(),
            path,
            commit.map(|c| c.to_string())
        ])?;
    }
    let mut location = tx.prepare(
        "INSERT OR IGNORE INTO locations (repository, blob, finding, rule, secret, key, location) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for finding in run.findings {
        let id = finding.id();
        let key = faster_hex::hex_string(&finding.key.to_bytes());
        for l in &finding.locations {
            let mut l = l.clone();
            let blob = l.git.as_ref().map(|g| g.blob.clone()).unwrap_or_default();
            if let Some(git) = &mut l.git {
                git.in_head = false;
            }
            let json = serde_json::to_string(&l).expect("a location serializes");
            location.execute(params![
                repository,
                blob,
                id,
                finding.rule.id(),
                finding.secret_text(),
                key,
                json
            ])?;
        }
    }
    tx.execute(
        "UPDATE repositories SET digest = ?2, generation = generation + 1, scanned_at = ?3 \
         WHERE id = ?1",
        params![repository, run.digest, run.now],
    )?;
    Ok(())
}
