//! The held-out grammar: secrets and decoys under names, in syntaxes and
//! in file kinds that the training grammar ([`super::generate`]) does not
//! use, so that a scanner's figures on it measure how its rules
//! generalise rather than how well they fit the training generator.
//!
//! Names are composed from a service part ([`names::SERVICES`], sometimes
//! with a [`names::QUALIFIERS`] word) and a credential word
//! ([`names::WORDS`]: `pass`, `pw`, `passphrase`, `creds`, `hmac`,
//! `signing key`, …), in either order, in six styles or as nested keys.
//! Values are generic secrets of four shapes ([`values::Shape`]) or
//! provider keys from [`super::values`]. Each syntax of [`syntax::Syntax`]
//! has one file; [`special`] writes documentation, `Authorization: Basic`
//! headers, Docker `config.json` auths, split pairs, private keys in new
//! places, SQL, `.pgpass`, WireGuard, lock files and public keys.
//!
//! Positive kinds are `generic-<syntax>` for generic secrets and the
//! provider's kind for provider keys; every label has the facets `syntax`,
//! `style`, `word` and `shape` (see [`super::Label::facets`]).

mod names;
mod special;
mod syntax;
mod values;

use std::collections::HashSet;
use std::path::Path;

use super::Label;
use super::generate::{Gen, build, crlf, utf16le};
use super::repo::Repo;
use super::rng::Rng;
use super::values::{Planted, provider};
use context::*;

use super::generate::context;
use names::{Name, Style};
use syntax::{Entry, SYNTAXES, Syntax};
use values::{SHAPES, Shape, Val};

/// Every syntax or file kind of the held-out grammar (the `syntax` facet).
pub const HELD_OUT_SYNTAXES: &[&str] = &[
    "compose-env-map",
    "compose-env-list",
    "github-actions-env",
    "ini-crlf",
    "toml-tables",
    "yaml-nested",
    "spring-properties",
    "dotenv",
    "hcl",
    "gradle-groovy",
    "jenkinsfile",
    "kotlin",
    "swift",
    "go-struct-literal",
    "rust-const",
    "csharp-member",
    "java-member",
    "ruby",
    "php",
    "elixir-config",
    "helm-values",
    "ansible-vars",
    "nginx",
    "apache",
    "xml-attribute",
    "systemd-unit",
    "makefile",
    "dockerfile",
    "shell",
    "powershell",
    "json-nested",
    "python-env-default",
    "js-config",
    "windows-registry",
    "markdown-curl",
    "markdown-clone-url",
    "markdown-python",
    "markdown-js",
    "readme-snippet",
    "basic-auth-header",
    "docker-config-json",
    "split-pair",
    "hcl-heredoc",
    "dotenv-escaped-pem",
    "yaml-block",
    "kotlin-raw-string",
    "wireguard",
    "sql",
    "pgpass",
    "git-credentials",
    "k8s-secret-data",
    "github-actions-base64",
];

/// The size of the held-out grammar: (name parts, credential words,
/// name styles, syntaxes and file kinds).
pub fn held_out_grammar_size() -> (usize, usize, usize, usize) {
    let parts =
        names::SERVICES.len() + names::QUALIFIERS.len() + names::WORDS.len() + names::TAILS.len();
    (
        parts,
        names::WORDS.len(),
        names::STYLES.len(),
        HELD_OUT_SYNTAXES.len(),
    )
}

/// Builds a repository from `seed` with the held-out grammar and returns
/// its labels (see [`super::generate`] for the invariants, which hold
/// here too).
pub fn generate_held_out(dir: &Path, seed: u64) -> Vec<Label> {
    let g = Gen::new(seed ^ 0x6865_6c64_2d6f_7574);
    build(dir, g, |g, repo| {
        special::base_files(g, repo);
        syntax_files(g, repo);
        special::special_files(g, repo);
        history(g, repo);
    })
}

/// One file under construction.
struct Draft {
    syntax: Syntax,
    ctx: &'static str,
    slots: Vec<Vec<Entry>>,
    used: HashSet<String>,
}

impl Draft {
    fn new(syntax: Syntax, ctx: &'static str) -> Draft {
        Draft {
            syntax,
            ctx,
            slots: vec![Vec::new(), Vec::new(), Vec::new()],
            used: HashSet::new(),
        }
    }

    /// Whether `name` is free in this file (and claims it).
    fn claim(&mut self, name: &Name) -> bool {
        self.used.insert(name.words().join("_"))
    }

    fn push(&mut self, entry: Entry) {
        let slot = entry.slot;
        self.slots[slot].push(entry);
    }

    /// The text a decoy is found by: its entry, up to the end of its line
    /// where the file's syntax ends entries with a newline (so that
    /// `NAME=none` does not match a line `NAME=none…` elsewhere).
    fn needle(&self, entry: &Entry) -> String {
        let text = entry.text.trim_start();
        if matches!(self.syntax, Syntax::JsonNested | Syntax::Elixir) {
            text.trim_end().to_owned()
        } else {
            format!("{text}\n")
        }
    }

    /// The file's text, entries shuffled within their containers.
    fn finish(mut self, rng: &mut Rng, title: &str) -> String {
        for slot in &mut self.slots {
            rng.shuffle(slot);
        }
        self.syntax.frame(title, &self.slots)
    }
}

/// Sets the four facets of a label.
fn facets(g: &mut Gen, index: usize, syntax: &str, style: &str, word: &str, shape: &str) {
    g.facet(index, "syntax", syntax);
    g.facet(index, "style", style);
    g.facet(index, "word", word);
    g.facet(index, "shape", shape);
}

/// A fresh name from `make` in `draft`.
fn fresh(g: &mut Gen, draft: &mut Draft, make: impl Fn(&mut Rng) -> Name) -> Name {
    loop {
        let name = make(&mut g.rng);
        if draft.claim(&name) {
            return name;
        }
    }
}

/// A generic secret of a random shape under a grammar name.
fn plant_generic(g: &mut Gen, draft: &mut Draft) {
    let name = fresh(g, draft, names::secret_name);
    let shape: Shape = SHAPES[g.rng.below(SHAPES.len())];
    let value = values::generic(&mut g.rng, shape, draft.syntax.bare());
    let entry = draft
        .syntax
        .write(&mut g.rng, &name, &Val::Str(value.clone()));
    let kind = format!("generic-{}", draft.syntax.id());
    let index = g.positive(&kind, &value, draft.ctx, &value);
    let style = entry.style.clone();
    facets(
        g,
        index,
        draft.syntax.id(),
        &style,
        &name.word_id(),
        shape.id(),
    );
    draft.push(entry);
}

/// Whether a value can be written unquoted.
fn fits_bare(value: &str) -> bool {
    !value
        .chars()
        .any(|c| c.is_whitespace() || "#$%\"'`\\".contains(c))
}

/// The next provider value of the rotation (one value; no key pairs) that
/// the syntax can hold.
fn next_provider(g: &mut Gen, bare: bool) -> Planted {
    loop {
        let entry = g.next_provider();
        if entry == "aws-key-pair" {
            continue;
        }
        let planted = provider(entry, &mut g.rng).remove(0);
        if !bare || fits_bare(&planted.value) {
            return planted;
        }
    }
}

/// A provider key under a grammar name made of the provider's service.
fn plant_provider(g: &mut Gen, draft: &mut Draft) {
    let p = next_provider(g, draft.syntax.bare());
    let kind = p.kind;
    let name = fresh(g, draft, |rng| names::provider_name(rng, kind));
    let entry = draft
        .syntax
        .write(&mut g.rng, &name, &Val::Str(p.value.clone()));
    let index = g.positive(p.kind, &p.secret, draft.ctx, &p.secret);
    let style = entry.style.clone();
    facets(
        g,
        index,
        draft.syntax.id(),
        &style,
        &name.word_id(),
        "provider-format",
    );
    draft.push(entry);
}

/// A name of fixed words: the first is the service part.
fn plain(words: &str) -> Name {
    let (service, rest) = words.split_once(' ').unwrap_or((words, "value"));
    Name::of(service, rest)
}

/// A name of a random service and fixed words (`ldap salt length`).
fn serviced(rng: &mut Rng, words: &str) -> Name {
    Name::of(rng.pick(names::SERVICES), words)
}

/// The decoy kinds planted in syntax files, in rotation.
const DECOY_CYCLE: &[&str] = &[
    "reference",
    "non-secret-value",
    "placeholder-word",
    "file-path",
    "identifier-word",
    "placeholder-angle",
    "url-no-password",
    "reference",
    "empty-value",
    "publishable-key",
    "checksum",
    "documented-example",
    "public-key",
    "uuid-identifier",
];

/// A decoy of `kind` for `draft`: (label kind, name, value), or `None`
/// when it does not fit the syntax.
fn decoy(g: &mut Gen, draft: &Draft, kind: &str, nth: usize) -> Option<(&'static str, Name, Val)> {
    let flavour = g.rng.below(1000);
    let rng = &mut g.rng;
    Some(match kind {
        "reference" => {
            let name = names::secret_name(rng);
            let (kind, val) = draft.syntax.reference(&name, flavour)?;
            (kind, name, val)
        }
        "non-secret-value" => {
            let (words, specs) = values::NON_SECRET[nth % values::NON_SECRET.len()];
            let val = Val::parse(specs[flavour % specs.len()]);
            ("non-secret-value", serviced(rng, words), val)
        }
        "placeholder-word" => {
            let word = values::PLACEHOLDERS[nth % values::PLACEHOLDERS.len()];
            (
                "placeholder-word",
                names::secret_name(rng),
                Val::Str(word.to_owned()),
            )
        }
        "placeholder-angle" => {
            let name = names::secret_name(rng);
            let value = if flavour.is_multiple_of(3) {
                "[REDACTED]".to_owned()
            } else {
                format!("<{}>", name.render(Style::Kebab))
            };
            ("placeholder-angle", name, Val::Str(value))
        }
        "empty-value" => {
            if draft.syntax.bare() {
                return None;
            }
            (
                "empty-value",
                names::secret_name(rng),
                Val::Str(String::new()),
            )
        }
        "file-path" => {
            let (words, path) = values::PATHS[nth % values::PATHS.len()];
            ("file-path", serviced(rng, words), Val::Str(path.to_owned()))
        }
        "identifier-word" => {
            let (words, value) = values::IDENTIFIERS[nth % values::IDENTIFIERS.len()];
            (
                "identifier-word",
                serviced(rng, words),
                Val::Str(value.to_owned()),
            )
        }
        "url-no-password" => {
            let (words, url) = values::URLS[nth % values::URLS.len()];
            (
                "url-no-password",
                serviced(rng, words),
                Val::Str(url.to_owned()),
            )
        }
        "publishable-key" => {
            let (words, value) = values::publishable(rng, nth);
            ("publishable-key", plain(words), Val::Str(value))
        }
        "checksum" => {
            let (words, value) = values::checksum(rng, nth);
            ("checksum", serviced(rng, words), Val::Str(value))
        }
        "documented-example" => {
            let (words, value) = values::DOCUMENTED[nth % values::DOCUMENTED.len()];
            (
                "documented-example",
                plain(words),
                Val::Str(value.to_owned()),
            )
        }
        "public-key" => {
            let (words, value) = values::public_key(rng, nth);
            ("public-key", plain(words), Val::Str(value))
        }
        "uuid-identifier" => {
            let (words, value) = values::identifier(rng, nth);
            ("uuid-identifier", serviced(rng, words), Val::Str(value))
        }
        other => panic!("no decoy {other}"),
    })
}

/// Plants `n` decoys from the rotation.
fn plant_decoys(g: &mut Gen, draft: &mut Draft, turn: &mut usize, n: usize) {
    let mut planted = 0;
    let mut tries = 0;
    while planted < n {
        let kind = DECOY_CYCLE[*turn % DECOY_CYCLE.len()];
        let nth = *turn / DECOY_CYCLE.len();
        *turn += 1;
        tries += 1;
        assert!(tries < 1000, "no decoy fits {:?}", draft.syntax);
        let Some((label_kind, name, val)) = decoy(g, draft, kind, nth) else {
            continue;
        };
        if !draft.claim(&name) {
            continue;
        }
        let entry = draft.syntax.write(&mut g.rng, &name, &val);
        let needle = draft.needle(&entry);
        let index = g.negative(label_kind, val.text(), draft.ctx, &needle);
        g.facet(index, "syntax", draft.syntax.id());
        g.facet(index, "style", &entry.style);
        draft.push(entry);
        planted += 1;
    }
}

/// Benign settings, unlabeled.
const FILLER: &[(&str, &str)] = &[
    ("host", "relay.acme.internal"),
    ("port", "#5671"),
    ("log level", "warn"),
    ("pool size", "#8"),
    ("region", "eu-central-1"),
    ("queue", "relay-events"),
    ("tls", "?true"),
    ("timeout ms", "#2500"),
];

fn plant_filler(g: &mut Gen, draft: &mut Draft, n: usize) {
    for _ in 0..n {
        let (words, spec) = FILLER[g.rng.below(FILLER.len())];
        let name = serviced(&mut g.rng, words);
        if draft.claim(&name) {
            let entry = draft.syntax.write(&mut g.rng, &name, &Val::parse(spec));
            draft.push(entry);
        }
    }
}

/// A file of `syntax`: generic secrets, provider keys, decoys and filler.
struct Plan {
    generic: usize,
    providers: usize,
    decoys: usize,
}

fn syntax_file(
    g: &mut Gen,
    syntax: Syntax,
    ctx: &'static str,
    plan: Plan,
    turn: &mut usize,
) -> String {
    let mut draft = Draft::new(syntax, ctx);
    for _ in 0..plan.generic {
        plant_generic(g, &mut draft);
    }
    for _ in 0..plan.providers {
        plant_provider(g, &mut draft);
    }
    plant_decoys(g, &mut draft, turn, plan.decoys);
    let filler = g.rng.range(2, 4);
    plant_filler(g, &mut draft, filler);
    let title = format!("relay settings ({})", syntax.id());
    draft.finish(&mut g.rng, &title)
}

/// Where each syntax's file lives in HEAD.
fn head_path(syntax: Syntax) -> &'static str {
    match syntax {
        Syntax::ComposeMap => "deploy/compose.e2e.yaml",
        Syntax::ComposeList => "deploy/compose.replica.yaml",
        Syntax::GithubEnv => ".github/workflows/e2e.yml",
        Syntax::IniCrlf => "etc/relay/agent.ini",
        Syntax::Toml => "config/relay.toml",
        Syntax::YamlNested => "config/relay.yaml",
        Syntax::Properties => "src/main/resources/application-relay.properties",
        Syntax::Dotenv => ".env.e2e",
        Syntax::Hcl => "infra/relay/main.tf",
        Syntax::Gradle => "android/relay/build.gradle",
        Syntax::Jenkinsfile => "Jenkinsfile",
        Syntax::Kotlin => "android/relay/src/main/kotlin/com/acme/relay/RelayConfig.kt",
        Syntax::Swift => "ios/Relay/RelayConfig.swift",
        Syntax::GoStruct => "services/relay/defaults.go",
        Syntax::RustConst => "tools/relay-cli/src/defaults.rs",
        Syntax::CSharp => "dotnet/Relay/RelayOptions.cs",
        Syntax::Java => "relay/src/main/java/com/acme/relay/RelayDefaults.java",
        Syntax::Ruby => "config/initializers/relay.rb",
        Syntax::Php => "config/relay.php",
        Syntax::Elixir => "config/prod.exs",
        Syntax::Helm => "deploy/charts/relay/values.yaml",
        Syntax::Ansible => "ops/ansible/group_vars/relay.yml",
        Syntax::Nginx => "ops/nginx/relay.conf",
        Syntax::Apache => "ops/apache/relay.conf",
        Syntax::XmlAttr => "relay/src/main/resources/relay-context.xml",
        Syntax::Systemd => "ops/systemd/relay.service",
        Syntax::Makefile => "Makefile",
        Syntax::Dockerfile => "relay/Dockerfile",
        Syntax::Shell => "scripts/relay-env.sh",
        Syntax::PowerShell => "windows/relay.ps1",
        Syntax::JsonNested => "config/relay.json",
        Syntax::Python => "relay/settings_local.py",
        Syntax::Js => "web/relay.config.mjs",
        Syntax::Registry => "windows/relay.reg",
    }
}

/// One file per syntax in HEAD; CRLF and UTF-16LE where Windows tools
/// write them.
fn syntax_files(g: &mut Gen, repo: &mut Repo) {
    let mut turn = 0;
    for &syntax in SYNTAXES {
        let ctx = match syntax {
            Syntax::IniCrlf | Syntax::PowerShell => CRLF,
            Syntax::Registry => UTF16LE,
            _ => HEAD,
        };
        let plan = Plan {
            generic: 3,
            providers: 1,
            decoys: 6,
        };
        let text = syntax_file(g, syntax, ctx, plan, &mut turn);
        let path = head_path(syntax);
        match ctx {
            CRLF => repo.write(path, crlf(&text)),
            UTF16LE => repo.write(path, utf16le(&crlf(&text))),
            _ => repo.write(path, text),
        }
    }
    repo.commit("relay: configuration for every deployment target");
}

/// Secrets that only history holds: removed, on a branch never merged, in
/// deleted and renamed files.
fn history(g: &mut Gen, repo: &mut Repo) {
    let mut turn = 3;
    let small = || Plan {
        generic: 2,
        providers: 1,
        decoys: 4,
    };
    let removed = [
        (Syntax::Dotenv, ".env.staging"),
        (Syntax::Ruby, "config/initializers/relay_staging.rb"),
        (Syntax::Swift, "ios/Relay/StagingConfig.swift"),
    ];
    for (syntax, path) in removed {
        let text = syntax_file(g, syntax, HISTORY_ONLY, small(), &mut turn);
        repo.write(path, text);
    }
    let deleted = [
        (Syntax::Shell, "scripts/old-relay-env.sh"),
        (Syntax::Makefile, "ops/legacy/Makefile"),
    ];
    for (syntax, path) in deleted {
        let text = syntax_file(g, syntax, DELETED_FILE, small(), &mut turn);
        repo.write(path, text);
    }
    special::deleted_docker_config(g, repo);
    let renamed = [
        (Syntax::Helm, "deploy/charts/relay-old/values.yaml"),
        (
            Syntax::Properties,
            "src/main/resources/application-legacy.properties",
        ),
    ];
    for (syntax, path) in renamed {
        let text = syntax_file(g, syntax, RENAMED_FILE, small(), &mut turn);
        repo.write(path, text);
    }
    repo.commit("relay: staging settings and the legacy deployment");

    repo.git(&["checkout", "-q", "-b", "feature/relay-v2"]);
    let branch = [
        (Syntax::Toml, "config/relay-v2.toml"),
        (
            Syntax::Kotlin,
            "android/relay/src/main/kotlin/com/acme/relay/RelayV2.kt",
        ),
        (Syntax::GoStruct, "services/relay/v2/defaults.go"),
    ];
    for (syntax, path) in branch {
        let text = syntax_file(g, syntax, OTHER_BRANCH, small(), &mut turn);
        repo.write(path, text);
    }
    repo.commit("relay v2: first draft");
    special::branch_docs(g, repo);
    repo.commit("relay v2: operator notes");
    repo.git(&["checkout", "-q", "main"]);

    // The removed files get short stubs: shorter than their first planted
    // line, so that a path and line never mean two things.
    repo.write(".env.staging", "# Injected by the pipeline.\n");
    repo.write(
        "config/initializers/relay_staging.rb",
        "# Staging reads ENV.\n",
    );
    repo.write("ios/Relay/StagingConfig.swift", "// From the plist.\n");
    repo.commit("relay: read staging secrets from the environment");
    repo.remove("scripts/old-relay-env.sh");
    repo.remove("ops/legacy/Makefile");
    repo.remove("ci/old-docker-config.json");
    repo.commit("relay: remove the legacy deployment");
    repo.rename(
        "deploy/charts/relay-old/values.yaml",
        "deploy/charts/relay-legacy/values.yaml",
    );
    repo.rename(
        "src/main/resources/application-legacy.properties",
        "src/main/resources/application-v1.properties",
    );
    repo.commit("relay: rename the legacy chart and profile");
}
