//! Test helpers: temporary trees, synthetic secrets, command transcripts.
//!
//! Every secret here is generated from a seed by a small PRNG, in the
//! provider's format: synthetic, deterministic, never a real credential.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use leakhound::rules::checksum::base62;

/// The `leakhound` binary under test.
pub fn leakhound() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin!("leakhound"));
    cmd.env_remove("NO_COLOR")
        .env("CLICOLOR", "0")
        .env("TERM", "dumb");
    cmd
}

/// A temporary directory tree.
pub struct Tree {
    dir: tempfile::TempDir,
}

impl Tree {
    pub fn new() -> Tree {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file, creating parent directories.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(&path, contents).expect("write");
        path
    }

    /// `leakhound` with this tree as the working directory.
    pub fn cmd(&self) -> Command {
        let mut cmd = leakhound();
        cmd.current_dir(self.path());
        cmd
    }
}

/// A deterministic xorshift generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `len` characters from `alphabet`, with no run of 3 equal characters
    /// (so a value never looks like a placeholder).
    pub fn string(&mut self, alphabet: &str, len: usize) -> String {
        let alphabet = alphabet.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(len);
        while out.len() < len {
            let c = alphabet[(self.next() % alphabet.len() as u64) as usize];
            let n = out.len();
            let seq = n >= 2 && (out[n - 1] == c && out[n - 2] == c || out[n - 1] + 1 == c);
            if !seq {
                out.push(c);
            }
        }
        String::from_utf8(out).expect("ASCII alphabet")
    }
}

pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER_DIGITS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// A GitLab personal access token.
pub fn gitlab_pat(seed: u64) -> String {
    format!("glpat-{}", Rng::new(seed).string(ALNUM, 20))
}

/// A GitHub classic token with a valid checksum.
pub fn github_classic(seed: u64) -> String {
    let random = Rng::new(seed).string(ALNUM, 30);
    let check = base62(u64::from(crc32fast::hash(random.as_bytes())), 6);
    format!("ghp_{random}{check}")
}

/// An AWS access key id.
pub fn aws_key_id(seed: u64) -> String {
    format!("AKIA{}", Rng::new(seed).string(UPPER_DIGITS, 16))
}

/// Exit status, stdout and stderr as one text, with times and the temporary
/// directory replaced so that it can be snapshotted.
pub fn transcript(output: &Output, tmp: Option<&Path>) -> String {
    let mut text = format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        output
            .status
            .code()
            .map_or("signal".to_owned(), |c| c.to_string()),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    if let Some(tmp) = tmp {
        text = text.replace(&tmp.display().to_string(), "[TMP]");
    }
    let time = regex::Regex::new(r"in \d+\.\d\ds").expect("valid regex");
    time.replace_all(&text, "in [TIME]").into_owned()
}

/// Runs a command and returns its transcript.
pub fn run(cmd: &mut Command, tmp: Option<&Path>) -> String {
    transcript(&cmd.output().expect("leakhound runs"), tmp)
}

/// Runs a command and parses its stdout as JSON.
/// The locations of the finding whose secret is `secret`.
pub fn locations_of<'j>(json: &'j serde_json::Value, secret: &str) -> Vec<&'j serde_json::Value> {
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["secret"] == secret)
        .flat_map(|f| f["locations"].as_array().expect("locations"))
        .collect()
}

pub fn run_json(cmd: &mut Command) -> (i32, serde_json::Value) {
    let output = cmd.output().expect("leakhound runs");
    let code = output.status.code().expect("exited");
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    (code, json)
}

/// Where a SARIF log breaks the SARIF 2.1.0 schema (vendored, so no
/// network lookups).
pub fn sarif_errors(sarif: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/sarif-schema-2.1.0.json")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Lines whose escapes and base64 runs decode to more escapes and runs:
/// their views add up to more than twice the input.
pub fn decodes_to_more_than_twice_itself() -> String {
    use base64::Engine as _;
    let run = base64::engine::general_purpose::STANDARD.encode("note \\u0041 ".repeat(4));
    let line = format!("v \\u0041 {run} ").repeat(10) + "\n";
    line.repeat(100)
}

pub const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// An RSA private key block (PKCS #1 PEM) of random base64, in lines of 64:
/// the shape of a key, not a key.
pub fn rsa_private_key(seed: u64) -> String {
    pem_block("RSA PRIVATE KEY", "", seed)
}

/// An RSA private key block encrypted the legacy OpenSSL way
/// (`Proc-Type: 4,ENCRYPTED`), of random base64.
pub fn encrypted_rsa_private_key(seed: u64) -> String {
    let iv = Rng::new(seed ^ 0x5eed).string("0123456789ABCDEF", 32);
    let headers = format!("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,{iv}\n\n");
    pem_block("RSA PRIVATE KEY", &headers, seed)
}

fn pem_block(label: &str, headers: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let body: Vec<String> = (0..20).map(|_| rng.string(BASE64, 64)).collect();
    format!(
        "-----BEGIN {label}-----\n{headers}{}\n-----END {label}-----",
        body.join("\n")
    )
}
