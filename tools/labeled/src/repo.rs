//! git, run isolated: fixed identities and dates, no system or global
//! configuration, no hooks.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Seconds since the epoch of the first commit (2024-01-02T10:04:05Z).
const EPOCH: u64 = 1_704_189_845;

const AUTHORS: &[(&str, &str)] = &[
    ("Ada Author", "ada@acme.io"),
    ("Brook Builder", "brook@acme.io"),
    ("Cyd Committer", "cyd@acme.io"),
];

/// git in `dir` with no outside configuration, `home` as `HOME`.
pub fn git_command(dir: &Path, home: &Path) -> Command {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("HOME", home)
        .env("LC_ALL", "C")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_OBJECT_DIRECTORY")
        .env_remove("GIT_ALTERNATE_OBJECT_DIRECTORIES")
        .env_remove("GIT_NAMESPACE")
        .env_remove("GIT_CONFIG")
        .env_remove("GIT_CONFIG_PARAMETERS")
        .env_remove("GIT_CONFIG_COUNT")
        .args([
            "-c",
            "core.autocrlf=false",
            "-c",
            "core.safecrlf=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "core.fsmonitor=false",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
            "-c",
            "gc.auto=0",
            "-c",
            "init.defaultBranch=main",
        ]);
    cmd
}

/// Runs a git command, panics with its stderr if it fails, returns stdout.
pub fn run(mut cmd: Command) -> Vec<u8> {
    let output = cmd.output().expect("git runs");
    assert!(
        output.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// The repository being generated.
pub struct Repo {
    pub dir: PathBuf,
    pub home: PathBuf,
    commits: u64,
}

impl Repo {
    /// A new repository on branch `main` at `dir` (created; must be empty).
    pub fn init(dir: &Path, home: &Path) -> Repo {
        std::fs::create_dir_all(dir).expect("create the repository directory");
        let repo = Repo {
            dir: dir.to_path_buf(),
            home: home.to_path_buf(),
            commits: 0,
        };
        repo.git(&["init", "-q", "-b", "main"]);
        repo
    }

    pub fn git(&self, args: &[&str]) -> String {
        let mut cmd = git_command(&self.dir, &self.home);
        cmd.args(args);
        String::from_utf8_lossy(&run(cmd)).trim().to_owned()
    }

    pub fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        let full = self.dir.join(path);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        std::fs::write(full, contents).expect("write a generated file");
    }

    pub fn remove(&self, path: &str) {
        self.git(&["rm", "-q", path]);
    }

    pub fn rename(&self, from: &str, to: &str) {
        let full = self.dir.join(to);
        std::fs::create_dir_all(full.parent().expect("a parent")).expect("mkdir");
        self.git(&["mv", from, to]);
    }

    /// Commits everything in the work tree, one day after the previous
    /// commit, by one of three fixed authors.
    pub fn commit(&mut self, message: &str) {
        self.git(&["add", "-A"]);
        let date = format!("{} +0000", EPOCH + self.commits * 86_400);
        let (name, email) = AUTHORS[(self.commits % AUTHORS.len() as u64) as usize];
        let mut cmd = git_command(&self.dir, &self.home);
        cmd.args(["commit", "-q", "--allow-empty", "-m", message])
            .env("GIT_AUTHOR_NAME", name)
            .env("GIT_AUTHOR_EMAIL", email)
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_NAME", name)
            .env("GIT_COMMITTER_EMAIL", email)
            .env("GIT_COMMITTER_DATE", &date);
        run(cmd);
        self.commits += 1;
    }
}
