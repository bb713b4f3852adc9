//! The generator: a repository with planted secrets and decoys in many
//! syntaxes, encodings and places in history.

use std::collections::HashSet;
use std::path::Path;

use super::Label;
use super::locate::locate;
use super::repo::Repo;
use super::rng::{
    ALNUM, DIGITS, HEX, LOWER, LOWER_ALNUM, Rng, URLSAFE, base64, camel, dotted, pascal,
    percent_encode, snake, unicode_escape_all,
};
use super::values::{self, PROVIDERS, Planted};

/// Where a planted value lives.
pub mod context {
    pub const HEAD: &str = "head";
    pub const HISTORY_ONLY: &str = "history-only";
    pub const OTHER_BRANCH: &str = "other-branch";
    pub const DELETED_FILE: &str = "deleted-file";
    pub const RENAMED_FILE: &str = "renamed-file";
    pub const BASE64_BLOB: &str = "base64-blob";
    pub const K8S_SECRET: &str = "k8s-secret-base64";
    pub const CRLF: &str = "crlf";
    pub const UTF16LE: &str = "utf16le";
    pub const MINIFIED: &str = "minified-bundle";
    pub const LARGE_FILE: &str = "large-file";
    pub const PERCENT: &str = "percent-encoded";
    pub const UNICODE_ESCAPED: &str = "unicode-escaped";
    pub const JSON_STRING: &str = "json-string";
}
use context::*;

/// Generic credential syntaxes (a password or key under a credential-like
/// name, no provider format).
pub const GENERIC_KINDS: &[&str] = &[
    "generic-python-assignment",
    "generic-python-kwarg",
    "generic-python-default-arg",
    "generic-python-dict",
    "generic-js-assignment",
    "generic-js-object",
    "generic-ts-class-field",
    "generic-go-assignment",
    "generic-go-struct-field",
    "generic-java-constant",
    "generic-java-setter",
    "generic-kotlin-const",
    "generic-csharp-const",
    "generic-csharp-initializer",
    "generic-ruby-assignment",
    "generic-ruby-hash",
    "generic-php-variable",
    "generic-php-array",
    "generic-shell-export",
    "generic-shell-cli-password",
    "generic-env-quoted",
    "generic-env-unquoted",
    "generic-yaml-unquoted",
    "generic-yaml-quoted",
    "generic-json",
    "generic-toml",
    "generic-ini",
    "generic-xml-element",
    "generic-xml-attribute",
    "generic-properties",
    "generic-dockerfile-env",
    "generic-dockerfile-arg",
    "generic-compose-environment",
    "generic-terraform",
    "generic-powershell",
    "generic-notebook-kwarg",
    "generic-k8s-secret-data",
];

/// Kinds planted by dedicated files.
pub const SPECIAL_KINDS: &[&str] = &[
    "private-key-rsa",
    "private-key-pkcs8",
    "private-key-ec",
    "private-key-openssh",
    "gcp-service-account-key",
    "flask-secret-key",
    "pypi-test-upload-token",
    "pypirc-password",
    "pip-index-url-password",
    "netrc-password",
    "npmrc-auth-token",
    "docker-config-auth",
];

/// Decoy kinds: values that look like secrets, or sit where secrets sit,
/// and are not secrets.
pub const DECOY_KINDS: &[&str] = &[
    "placeholder-template",
    "placeholder-angle",
    "placeholder-word",
    "env-lookup",
    "documented-example",
    "word-identifier",
    "repeated-sequential",
    "non-secret-value",
    "uuid-identifier",
    "git-sha",
    "file-checksum",
    "publishable-key",
    "cloud-identifier",
    "encrypted-value",
    "lockfile-hash",
    "public-key",
    "certificate",
    "data-uri",
    "minified-code",
    "i18n-string",
];

/// Every positive kind the generator plants.
pub fn positive_kinds() -> Vec<&'static str> {
    let mut kinds = values::provider_kinds();
    kinds.extend_from_slice(GENERIC_KINDS);
    kinds.extend_from_slice(SPECIAL_KINDS);
    kinds
}

/// The syntax of a file.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Host {
    Python,
    Js,
    Ts,
    Go,
    Java,
    Kotlin,
    CSharp,
    Ruby,
    Php,
    Shell,
    Env,
    Yaml,
    Json,
    Toml,
    Ini,
    Xml,
    Properties,
    Dockerfile,
    Compose,
    Terraform,
    PowerShell,
    Batch,
}

/// A value: a string literal, or code / a bare scalar.
enum Val {
    Str(String),
    Raw(String),
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn json_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A YAML scalar: plain when that is safe, else double-quoted.
fn yaml_scalar(s: &str) -> String {
    let plain = s
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '/' || c == '.')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':');
    if plain {
        s.to_owned()
    } else {
        format!("\"{}\"", json_escape(s))
    }
}

/// A dotenv / shell value: bare when safe, else quoted.
fn env_value(s: &str) -> String {
    let safe = s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_./:@+=,%-".contains(&b));
    if safe {
        s.to_owned()
    } else if s.contains('$') || s.contains('!') || s.contains('`') {
        format!("'{s}'")
    } else {
        format!("\"{s}\"")
    }
}

/// `name = value` in the syntax of `host`; `name` is `UPPER_SNAKE`.
fn assign(host: Host, name: &str, val: &Val) -> String {
    let (s, raw) = match val {
        Val::Str(s) => (s.as_str(), false),
        Val::Raw(r) => (r.as_str(), true),
    };
    let dq = |s: &str| {
        if raw {
            s.to_owned()
        } else {
            format!("\"{s}\"")
        }
    };
    let sq = |s: &str| if raw { s.to_owned() } else { format!("'{s}'") };
    match host {
        Host::Python => format!("{name} = {}", dq(s)),
        Host::Js => format!("const {name} = {};", dq(s)),
        Host::Ts => format!("export const {name} = {};", sq(s)),
        Host::Go => format!("\t{} = {}", camel(name), dq(s)),
        Host::Java => {
            let ty = if raw && is_number(s) { "int" } else { "String" };
            format!("    public static final {ty} {name} = {};", dq(s))
        }
        Host::Kotlin => {
            if raw && !is_number(s) {
                format!("    val {name} = {s}")
            } else {
                format!("    const val {name} = {}", dq(s))
            }
        }
        Host::CSharp => {
            if raw && !is_number(s) {
                format!("    public static readonly string {} = {s};", pascal(name))
            } else {
                let ty = if raw { "int" } else { "string" };
                format!("    public const {ty} {} = {};", pascal(name), dq(s))
            }
        }
        Host::Ruby => format!("  {name} = {}", sq(s)),
        Host::Php => format!("define('{name}', {});", sq(s)),
        Host::Shell => {
            if raw {
                format!("export {name}={s}")
            } else {
                format!("export {name}=\"{s}\"")
            }
        }
        Host::Env => format!("{name}={}", if raw { s.to_owned() } else { env_value(s) }),
        Host::Yaml => format!(
            "  {}: {}",
            snake(name),
            if raw { s.to_owned() } else { yaml_scalar(s) }
        ),
        Host::Json => {
            if raw {
                format!("  \"{}\": {s}", camel(name))
            } else {
                format!("  \"{}\": \"{}\"", camel(name), json_escape(s))
            }
        }
        Host::Toml => format!("{} = {}", snake(name), dq(s)),
        Host::Ini => format!("{} = {s}", snake(name)),
        Host::Xml => format!(
            "    <add key=\"{}\" value=\"{}\" />",
            pascal(name),
            xml_escape(s)
        ),
        Host::Properties => format!("{}={s}", dotted(name)),
        Host::Dockerfile => format!(
            "ENV {name}={}",
            if raw { s.to_owned() } else { env_value(s) }
        ),
        Host::Compose => format!(
            "      {name}: {}",
            if raw { s.to_owned() } else { yaml_scalar(s) }
        ),
        Host::Terraform => format!("  {} = {}", snake(name), dq(s)),
        Host::PowerShell => format!("$env:{name} = {}", dq(s)),
        Host::Batch => format!("set \"{name}={s}\""),
    }
}

/// Reading a variable from the environment, in code.
fn env_lookup(host: Host, name: &str) -> Option<String> {
    Some(match host {
        Host::Python => format!("os.environ[\"{name}\"]"),
        Host::Js | Host::Ts => format!("process.env.{name}"),
        Host::Go => format!("os.Getenv(\"{name}\")"),
        Host::Java | Host::Kotlin => format!("System.getenv(\"{name}\")"),
        Host::CSharp => format!("Environment.GetEnvironmentVariable(\"{name}\")"),
        Host::Ruby => format!("ENV.fetch('{name}')"),
        Host::Php => format!("getenv('{name}')"),
        Host::Terraform => format!("var.{}", snake(name)),
        _ => return None,
    })
}

/// A template reference in the syntax of `host`.
fn template(host: Host, name: &str, flavour: usize) -> Val {
    match host {
        Host::Ini => Val::Raw(format!("%({})s", snake(name))),
        Host::Terraform => Val::Str(format!("${{var.{}}}", snake(name))),
        Host::Batch => Val::Raw(format!("%{name}%")),
        Host::Yaml | Host::Compose if flavour.is_multiple_of(2) => {
            Val::Str(format!("{{{{ .Values.{} }}}}", camel(name)))
        }
        Host::Yaml | Host::Compose | Host::Env | Host::Dockerfile | Host::Properties => {
            Val::Raw(format!("${{{name}}}"))
        }
        Host::Xml => Val::Str(format!("#{{{name}}}")),
        _ => Val::Str(format!("${{{name}}}")),
    }
}

/// Whether a provider entry can be written in a file of this syntax.
/// Framework keys (Django, Rails, Laravel) are planted only where their
/// frameworks keep them, by name; the rotation skips them.
fn fits(entry: &str, _host: Host) -> bool {
    !matches!(
        entry,
        "django-secret-key" | "rails-secret-key-base" | "laravel-app-key"
    )
}

const PREFIXES: &[&str] = &[
    "BILLING",
    "SEARCH",
    "MAILER",
    "REPORTS",
    "LEGACY",
    "BACKUP",
    "STAGING",
    "ANALYTICS",
    "PAYMENTS",
    "NOTIFY",
    "INVENTORY",
    "AUDIT",
];

/// One file under construction: assignments (inside the file's container,
/// if it has one) and blocks (statements, sections).
struct File {
    host: Host,
    ctx: &'static str,
    assigns: Vec<String>,
    blocks: Vec<String>,
    used: HashSet<String>,
}

impl File {
    fn new(host: Host, ctx: &'static str) -> File {
        File {
            host,
            ctx,
            assigns: Vec::new(),
            blocks: Vec::new(),
            used: HashSet::new(),
        }
    }
}

/// The generator's state: the PRNG, the labels so far, and each label's
/// needles.
pub(super) struct Gen {
    pub(super) rng: Rng,
    pub(super) labels: Vec<Label>,
    needles: Vec<(String, usize)>,
    pool: Vec<&'static str>,
    pool_pos: usize,
    decoy_pos: usize,
    turns: std::collections::HashMap<String, usize>,
    positives: usize,
    negatives: usize,
}

const FILLER: &[(&str, &str)] = &[
    ("LOG_LEVEL", "info"),
    ("PAGE_SIZE", "#50"),
    ("TIMEOUT_SECONDS", "#30"),
    ("AWS_REGION", "eu-west-1"),
    ("SERVICE_NAME", "orders-api"),
    ("MAX_RETRIES", "#5"),
    ("CACHE_TTL", "#300"),
    ("API_BASE_URL", "https://api.acme.io/v2"),
    ("SUPPORT_EMAIL", "support@acme.io"),
    ("DEFAULT_LOCALE", "en-US"),
    ("METRICS_PORT", "#9102"),
    ("QUEUE_NAME", "orders-events"),
    ("BUCKET_NAME", "acme-prod-exports"),
    ("SENTRY_ENVIRONMENT", "production"),
];

impl Gen {
    pub(super) fn new(seed: u64) -> Gen {
        let mut rng = Rng::new(seed);
        let mut pool = PROVIDERS.to_vec();
        rng.shuffle(&mut pool);
        Gen {
            rng,
            labels: Vec::new(),
            needles: Vec::new(),
            pool,
            pool_pos: 0,
            decoy_pos: 0,
            turns: std::collections::HashMap::new(),
            positives: 0,
            negatives: 0,
        }
    }

    fn push(&mut self, id: String, kind: &str, positive: bool, secret: &str, ctx: &str) -> usize {
        self.labels.push(Label {
            id,
            kind: kind.to_owned(),
            positive,
            secret: secret.to_owned(),
            context: ctx.to_owned(),
            locations: Vec::new(),
            facets: Default::default(),
        });
        self.labels.len() - 1
    }

    /// A positive label found by searching for `needle`.
    pub(super) fn positive(&mut self, kind: &str, secret: &str, ctx: &str, needle: &str) -> usize {
        self.positives += 1;
        let id = format!("s{:04}", self.positives);
        let index = self.push(id, kind, true, secret, ctx);
        self.needles.push((needle.to_owned(), index));
        index
    }

    /// A decoy label found by searching for `needle`.
    pub(super) fn negative(&mut self, kind: &str, value: &str, ctx: &str, needle: &str) -> usize {
        self.negatives += 1;
        let id = format!("d{:04}", self.negatives);
        let index = self.push(id, kind, false, value, ctx);
        self.needles.push((needle.to_owned(), index));
        index
    }

    /// The next provider entry that can be written in `host`.
    fn next_entry(&mut self, host: Host) -> &'static str {
        loop {
            if self.pool_pos == self.pool.len() {
                let mut pool = PROVIDERS.to_vec();
                self.rng.shuffle(&mut pool);
                self.pool = pool;
                self.pool_pos = 0;
            }
            let entry = self.pool[self.pool_pos];
            self.pool_pos += 1;
            if fits(entry, host) {
                return entry;
            }
        }
    }

    /// The next provider entry of the rotation.
    pub(super) fn next_provider(&mut self) -> &'static str {
        self.next_entry(Host::Env)
    }

    /// Sets a facet (`syntax`, `style`, …) of the label at `index`.
    pub(super) fn facet(&mut self, index: usize, name: &str, value: &str) {
        self.labels[index]
            .facets
            .insert(name.to_owned(), value.to_owned());
    }

    /// Names for `planted` not yet used in `file` (a common prefix when
    /// they are).
    fn claim_names(&mut self, file: &mut File, planted: &mut [Planted]) {
        if planted.iter().any(|p| file.used.contains(&p.name)) {
            loop {
                let prefix = self.rng.pick(PREFIXES);
                if planted
                    .iter()
                    .all(|p| !file.used.contains(&format!("{prefix}_{}", p.name)))
                {
                    for p in planted.iter_mut() {
                        p.name = format!("{prefix}_{}", p.name);
                    }
                    break;
                }
            }
        }
        for p in planted.iter() {
            file.used.insert(p.name.clone());
        }
    }

    /// Plants one provider entry in `file`.
    fn plant_entry(&mut self, file: &mut File, entry: &str) {
        let mut planted = values::provider(entry, &mut self.rng);
        if entry == "django-secret-key" && file.host != Host::Python {
            planted[0].name = "DJANGO_SECRET_KEY".to_owned();
        }
        self.claim_names(file, &mut planted);
        for p in planted {
            let line = assign(file.host, &p.name, &Val::Str(p.value.clone()));
            self.positive(p.kind, &p.secret, file.ctx, &p.secret);
            file.assigns.push(line);
        }
    }

    /// Plants `n` provider slots from the rotation.
    fn providers(&mut self, file: &mut File, n: usize) {
        for _ in 0..n {
            let entry = self.next_entry(file.host);
            self.plant_entry(file, entry);
        }
    }

    /// Draws provider values without writing them (for dedicated files).
    fn draw_provider(&mut self, host: Host) -> Planted {
        loop {
            let entry = self.next_entry(host);
            if entry == "aws-key-pair" {
                continue;
            }
            return values::provider(entry, &mut self.rng).remove(0);
        }
    }

    /// Benign settings.
    fn filler(&mut self, file: &mut File, n: usize) {
        for _ in 0..n {
            let (name, value) = FILLER[self.rng.below(FILLER.len())];
            if !file.used.insert(name.to_owned()) {
                continue;
            }
            let val = match value.strip_prefix('#') {
                Some(number) => Val::Raw(number.to_owned()),
                None => Val::Str(value.to_owned()),
            };
            file.assigns.push(assign(file.host, name, &val));
        }
    }

    /// A name for a decoy: a credential-like name, sometimes prefixed.
    fn decoy_name(&mut self, file: &mut File, bases: &[&str]) -> String {
        loop {
            let base = self.rng.pick(bases);
            let name = if self.rng.chance(60) {
                format!("{}_{base}", self.rng.pick(PREFIXES))
            } else {
                base.to_owned()
            };
            if file.used.insert(name.clone()) {
                return name;
            }
        }
    }

    /// A decoy of `kind` as (name, value), or `None` if the kind does not
    /// fit the syntax of `file`.
    fn decoy_value(&mut self, file: &mut File, kind: &str) -> Option<(String, Val)> {
        const SECRETISH: &[&str] = &[
            "API_KEY",
            "DB_PASSWORD",
            "AUTH_TOKEN",
            "CLIENT_SECRET",
            "SMTP_PASSWORD",
            "WEBHOOK_SECRET",
            "ACCESS_TOKEN",
            "SIGNING_KEY",
            "ADMIN_PASSWORD",
            "SERVICE_TOKEN",
            "PRIVATE_TOKEN",
            "ENCRYPTION_KEY",
        ];
        let host = file.host;
        let flavour = self.rng.below(1000);
        // Lists of values are walked in order, so that each value appears.
        let turn = self.turns.entry(kind.to_owned()).or_insert(0);
        let nth = *turn;
        *turn += 1;
        Some(match kind {
            "placeholder-template" => {
                let name = self.decoy_name(file, SECRETISH);
                let val = template(host, &name, flavour);
                (name, val)
            }
            "env-lookup" => {
                let name = self.decoy_name(file, SECRETISH);
                let expr = env_lookup(host, &name)?;
                (name, Val::Raw(expr))
            }
            "placeholder-word" => {
                const WORDS: &[&str] = &[
                    "changeme",
                    "CHANGE_ME",
                    "xxxxxxxxxxxxxxxxxxxxxxxx",
                    "REPLACE_WITH_REAL_KEY",
                    "your-secret-here",
                    "TODO",
                    "dummy-password",
                    "********",
                    "secret",
                    "insert-token-here",
                ];
                let name = self.decoy_name(file, SECRETISH);
                (name, Val::Str(WORDS[nth % WORDS.len()].to_owned()))
            }
            "placeholder-angle" => {
                const WORDS: &[&str] = &[
                    "<your-api-key>",
                    "<YOUR_TOKEN>",
                    "<password>",
                    "<insert-secret-here>",
                    "<redacted>",
                ];
                if matches!(host, Host::Xml | Host::Batch) {
                    return None;
                }
                let name = self.decoy_name(file, SECRETISH);
                (name, Val::Str(WORDS[nth % WORDS.len()].to_owned()))
            }
            "documented-example" => {
                let pairs: &[(&str, &str)] = &[
                    ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
                    (
                        "AWS_SECRET_ACCESS_KEY",
                        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    ),
                    ("STRIPE_TEST_KEY", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"),
                ];
                let (base, value) = pairs[nth % pairs.len()];
                let name = self.decoy_name(file, &[base]);
                (name, Val::Str(value.to_owned()))
            }
            "word-identifier" => {
                let pairs: &[(&str, &str)] = &[
                    ("TOKEN_HANDLER", "refresh_token_handler"),
                    ("PASSWORD_CONTROLLER", "PasswordResetController"),
                    ("API_KEY_JOB", "api_key_rotation_job"),
                    ("SECRETS_CLIENT", "SecretsManagerClient"),
                    ("TOKEN_EXCHANGE", "oauth2_token_exchange_v2"),
                    ("PASSWORD_FIELD", "passwordConfirmationField"),
                    ("TOKENIZER", "bert-base-multilingual-uncased"),
                    ("SESSION_TOKEN_COOKIE", "__Host-session_token"),
                ];
                let (base, value) = pairs[nth % pairs.len()];
                let name = self.decoy_name(file, &[base]);
                (name, Val::Str(value.to_owned()))
            }
            "repeated-sequential" => {
                const VALUES: &[&str] = &[
                    "aaaaaaaaaaaaaaaaaaaaaaaa",
                    "1234567890abcdef1234567890abcdef",
                    "abcdefghijklmnopqrstuvwxyz012345",
                    "0000000000000000000000000000000000000000",
                    "ABABABABABABABABABABABAB",
                    "9876543210987654321098765",
                ];
                let name = self.decoy_name(file, SECRETISH);
                (name, Val::Str(VALUES[nth % VALUES.len()].to_owned()))
            }
            "non-secret-value" => {
                let pairs: &[(&str, &str)] = &[
                    ("TOKEN_TYPE", "Bearer"),
                    ("PASSWORD_MIN_LENGTH", "#12"),
                    ("TOKEN_TTL_SECONDS", "#3600"),
                    ("SECRET_NAME", "prod/orders/db-credentials"),
                    ("API_KEY_HEADER", "X-Api-Key"),
                    ("AUTH_TOKEN_URL", "https://auth.acme.io/oauth2/token"),
                    ("PASSWORD_HASHER", "argon2id"),
                    ("SECRET_ROTATION_DAYS", "#30"),
                    ("CLIENT_SECRET_PARAM", "client_secret"),
                    ("PASSWORD_RESET_PATH", "/account/password/reset"),
                    ("JWT_ALGORITHM", "RS256"),
                    ("GITHUB_TOKEN_SCOPES", "repo,read:org"),
                ];
                let (base, value) = pairs[nth % pairs.len()];
                let name = self.decoy_name(file, &[base]);
                let val = match value.strip_prefix('#') {
                    Some(n) => Val::Raw(n.to_owned()),
                    None => Val::Str(value.to_owned()),
                };
                (name, val)
            }
            "uuid-identifier" => {
                let name = self.decoy_name(
                    file,
                    &[
                        "TENANT_ID",
                        "SUBSCRIPTION_ID",
                        "REQUEST_ID",
                        "CORRELATION_ID",
                        "INSTALLATION_ID",
                        "WORKSPACE_ID",
                    ],
                );
                (name, Val::Str(self.rng.uuid()))
            }
            "git-sha" => {
                let name = self.decoy_name(
                    file,
                    &["GIT_COMMIT", "BUILD_REVISION", "SOURCE_SHA", "BASE_REF_SHA"],
                );
                (name, Val::Str(self.rng.string(HEX, 40)))
            }
            "file-checksum" => {
                let name = self.decoy_name(
                    file,
                    &[
                        "ARCHIVE_SHA256",
                        "CHECKSUM",
                        "BINARY_SHA256SUM",
                        "ASSET_DIGEST",
                    ],
                );
                (name, Val::Str(self.rng.string(HEX, 64)))
            }
            "publishable-key" => match nth % 3 {
                0 => {
                    let name = self.decoy_name(file, &["STRIPE_PUBLISHABLE_KEY"]);
                    let value = format!("pk_live_51{}", self.rng.string(ALNUM, 97));
                    (name, Val::Str(value))
                }
                1 => {
                    let name = self.decoy_name(file, &["MAPBOX_PUBLIC_TOKEN"]);
                    (name, Val::Str(values::mapbox_public_token(&mut self.rng)))
                }
                _ => {
                    let name = self.decoy_name(file, &["SENTRY_DSN"]);
                    let value = format!(
                        "https://{}@o{}.ingest.sentry.io/{}",
                        self.rng.string(HEX, 32),
                        self.rng.digits(6),
                        self.rng.digits(7)
                    );
                    (name, Val::Str(value))
                }
            },
            "cloud-identifier" => match nth % 3 {
                0 => {
                    let name = self.decoy_name(file, &["DEPLOY_ROLE_ARN"]);
                    let value = format!("arn:aws:iam::{}:role/deploy", self.rng.digits(12));
                    (name, Val::Str(value))
                }
                1 => {
                    let name = self.decoy_name(file, &["GOOGLE_CLIENT_ID"]);
                    let value = format!(
                        "{}-{}.apps.googleusercontent.com",
                        self.rng.digits(12),
                        self.rng.string(LOWER_ALNUM, 32)
                    );
                    (name, Val::Str(value))
                }
                _ => {
                    let name = self.decoy_name(file, &["AWS_ACCOUNT_ID"]);
                    (name, Val::Str(self.rng.digits(12)))
                }
            },
            "encrypted-value" => {
                if !matches!(host, Host::Yaml | Host::Json | Host::Env | Host::Toml) {
                    return None;
                }
                let name = self.decoy_name(file, SECRETISH);
                (name, Val::Str(values::sops_value(&mut self.rng)))
            }
            _ => return None,
        })
    }

    /// Plants `n` decoys from the rotation of decoy kinds that fit.
    fn decoys(&mut self, file: &mut File, n: usize) {
        const CYCLE: &[&str] = &[
            "placeholder-template",
            "env-lookup",
            "non-secret-value",
            "placeholder-word",
            "uuid-identifier",
            "documented-example",
            "word-identifier",
            "git-sha",
            "placeholder-angle",
            "repeated-sequential",
            "file-checksum",
            "publishable-key",
            "cloud-identifier",
            "encrypted-value",
        ];
        let mut planted = 0;
        while planted < n {
            let kind = CYCLE[self.decoy_pos % CYCLE.len()];
            self.decoy_pos += 1;
            if let Some((name, val)) = self.decoy_value(file, kind) {
                let line = assign(file.host, &name, &val);
                let value = match &val {
                    Val::Str(s) | Val::Raw(s) => s.clone(),
                };
                self.negative(kind, &value, file.ctx, line.trim());
                file.assigns.push(line);
                planted += 1;
            }
        }
    }

    /// A generic credential of `kind` (its syntax fixes the host).
    fn generic(&mut self, file: &mut File, kind: &'static str) {
        let n = file.used.len();
        let ctx = file.ctx;
        let pw = values::password(&mut self.rng);
        let key = values::api_key(&mut self.rng);
        let pick = |options: &[&'static str]| options[n % options.len()];
        let (secret, assign, text) = match kind {
            "generic-python-assignment" => {
                let name = pick(&[
                    "db_password",
                    "smtp_password",
                    "ldap_bind_password",
                    "api_secret",
                ]);
                let v = if name == "api_secret" { &key } else { &pw };
                (v.clone(), true, format!("{name}_{n} = \"{v}\""))
            }
            "generic-python-kwarg" => {
                let text = match n % 3 {
                    0 => format!(
                        "conn = psycopg2.connect(host=\"db.acme.internal\", user=\"reporting\", password=\"{pw}\")"
                    ),
                    1 => format!(
                        "sftp = SftpClient(host=\"files.acme.io\", username=\"upload\", password=\"{pw}\")"
                    ),
                    _ => format!(
                        "orders = OrdersClient(base_url=\"https://api.acme.io\", api_key=\"{key}\")"
                    ),
                };
                let v = if n % 3 == 2 { key.clone() } else { pw.clone() };
                (v, false, text)
            }
            "generic-python-default-arg" => {
                if n.is_multiple_of(2) {
                    (
                        pw.clone(),
                        false,
                        format!(
                            "def open_ftp_{n}(host, user=\"deploy\", password=\"{pw}\"):\n    return ftplib.FTP(host, user, password)\n"
                        ),
                    )
                } else {
                    (
                        key.clone(),
                        false,
                        format!(
                            "def make_client_{n}(url, api_key=\"{key}\", timeout=30):\n    return Client(url, api_key, timeout=timeout)\n"
                        ),
                    )
                }
            }
            "generic-python-dict" => (
                pw.clone(),
                false,
                format!(
                    "DATABASES_{n} = {{\n    \"default\": {{\n        \"ENGINE\": \"django.db.backends.postgresql\",\n        \"NAME\": \"orders\",\n        \"USER\": \"app\",\n        \"PASSWORD\": \"{pw}\",\n        \"HOST\": \"db.acme.internal\",\n    }}\n}}"
                ),
            ),
            "generic-js-assignment" => {
                let name = pick(&["dbPassword", "apiSecret", "sessionSecret", "adminPassword"]);
                let v = if name.contains("assword") { &pw } else { &key };
                (v.clone(), true, format!("const {name}{n} = \"{v}\";"))
            }
            "generic-js-object" => {
                if n.is_multiple_of(2) {
                    (
                        pw.clone(),
                        false,
                        format!(
                            "const smtp{n} = {{\n  host: \"smtp.acme.io\",\n  user: \"mailer\",\n  password: '{pw}',\n}};"
                        ),
                    )
                } else {
                    (
                        key.clone(),
                        false,
                        format!(
                            "const client{n} = new ApiClient({{ baseUrl: \"https://api.acme.io\", apiKey: \"{key}\" }});"
                        ),
                    )
                }
            }
            "generic-ts-class-field" => (
                key.clone(),
                false,
                format!(
                    "export class PartnerClient{n} {{\n  private readonly clientSecret = \"{key}\";\n\n  constructor(private readonly http: HttpClient) {{}}\n}}"
                ),
            ),
            "generic-go-assignment" => (
                pw.clone(),
                false,
                format!(
                    "func openReporting{n}() (*sql.DB, error) {{\n\tdbPassword := \"{pw}\"\n\treturn sql.Open(\"postgres\", \"host=db user=app password=\"+dbPassword)\n}}"
                ),
            ),
            "generic-go-struct-field" => (
                pw.clone(),
                false,
                format!(
                    "var smtpConfig{n} = SMTPConfig{{\n\tHost:     \"smtp.acme.io\",\n\tUsername: \"mailer\",\n\tPassword: \"{pw}\",\n}}"
                ),
            ),
            "generic-java-constant" => {
                let name = pick(&["DB_PASSWORD", "API_SECRET", "KEYSTORE_PASSWORD"]);
                let v = if name == "API_SECRET" { &key } else { &pw };
                (
                    v.clone(),
                    true,
                    format!("    private static final String {name}_{n} = \"{v}\";"),
                )
            }
            "generic-java-setter" => (
                pw.clone(),
                false,
                format!(
                    "    static DataSource dataSource{n}() {{\n        HikariDataSource ds = new HikariDataSource();\n        ds.setJdbcUrl(\"jdbc:postgresql://db.acme.internal:5432/orders\");\n        ds.setUsername(\"app\");\n        ds.setPassword(\"{pw}\");\n        return ds;\n    }}"
                ),
            ),
            "generic-kotlin-const" => (
                key.clone(),
                true,
                format!("    const val API_SECRET_{n} = \"{key}\""),
            ),
            "generic-csharp-const" => (
                key.clone(),
                true,
                format!("    private const string ApiSecret{n} = \"{key}\";"),
            ),
            "generic-csharp-initializer" => (
                pw.clone(),
                false,
                format!(
                    "    public static readonly SmtpOptions Smtp{n} = new SmtpOptions\n    {{\n        Host = \"smtp.acme.io\",\n        UserName = \"mailer\",\n        Password = \"{pw}\",\n    }};"
                ),
            ),
            "generic-ruby-assignment" => (
                key.clone(),
                false,
                format!("Acme.configure do |config|\n  config.api_secret = '{key}'\nend"),
            ),
            "generic-ruby-hash" => (
                pw.clone(),
                false,
                format!(
                    "SMTP_SETTINGS_{n} = {{\n  address: 'smtp.acme.io',\n  user_name: 'mailer',\n  password: '{pw}',\n}}.freeze"
                ),
            ),
            "generic-php-variable" => (pw.clone(), true, format!("$dbPassword{n} = '{pw}';")),
            "generic-php-array" => (
                pw.clone(),
                false,
                format!(
                    "$config['database_{n}'] = [\n    'host' => 'db.acme.internal',\n    'username' => 'app',\n    'password' => '{pw}',\n];"
                ),
            ),
            "generic-shell-export" => (
                key.clone(),
                true,
                format!("export API_SECRET_{n}=\"{key}\""),
            ),
            "generic-shell-cli-password" => {
                let text = match n % 3 {
                    0 => format!(
                        "mysqldump -h db.acme.internal -u backup --password='{pw}' orders > /tmp/orders.sql"
                    ),
                    1 => format!(
                        "sshpass -p '{pw}' ssh deploy@10.0.4.12 'sudo systemctl restart orders'"
                    ),
                    _ => format!(
                        "curl -fsS -u \"deploy:{pw}\" -T build.tar.gz https://artifacts.acme.io/upload/"
                    ),
                };
                (pw.clone(), false, text)
            }
            "generic-env-quoted" => (pw.clone(), true, format!("SMTP_PASSWORD_{n}=\"{pw}\"")),
            "generic-env-unquoted" => {
                let v = values::url_password(&mut self.rng);
                (v.clone(), true, format!("REDIS_PASSWORD_{n}={v}"))
            }
            "generic-yaml-unquoted" => {
                let v = values::url_password(&mut self.rng);
                (v.clone(), true, format!("  password_{n}: {v}"))
            }
            "generic-yaml-quoted" => (key.clone(), true, format!("  api_secret_{n}: \"{key}\"")),
            "generic-json" => (pw.clone(), true, format!("  \"password{n}\": \"{pw}\"")),
            "generic-toml" => (pw.clone(), true, format!("password_{n} = \"{pw}\"")),
            "generic-ini" => {
                let v = values::url_password(&mut self.rng);
                (v.clone(), true, format!("password_{n} = {v}"))
            }
            "generic-xml-element" => (
                pw.clone(),
                false,
                format!(
                    "  <smtp name=\"relay{n}\">\n    <host>smtp.acme.io</host>\n    <password>{pw}</password>\n  </smtp>"
                ),
            ),
            "generic-xml-attribute" => (
                key.clone(),
                true,
                format!("    <add key=\"ApiSecret{n}\" value=\"{key}\" />"),
            ),
            "generic-properties" => {
                let v = values::url_password(&mut self.rng);
                (
                    v.clone(),
                    true,
                    format!("spring.datasource{n}.password={v}"),
                )
            }
            "generic-dockerfile-env" => {
                let v = values::url_password(&mut self.rng);
                (v.clone(), true, format!("ENV ADMIN_PASSWORD_{n}={v}"))
            }
            "generic-dockerfile-arg" => {
                (key.clone(), true, format!("ARG NPM_AUTH_TOKEN_{n}={key}"))
            }
            "generic-compose-environment" => {
                let v = values::url_password(&mut self.rng);
                (
                    v.clone(),
                    false,
                    format!("      - POSTGRES_PASSWORD_{n}={v}"),
                )
            }
            "generic-terraform" => (
                pw.clone(),
                false,
                format!(
                    "resource \"aws_db_instance\" \"orders_{n}\" {{\n  engine         = \"postgres\"\n  instance_class = \"db.t3.medium\"\n  username       = \"app\"\n  password       = \"{pw}\"\n}}"
                ),
            ),
            "generic-powershell" => {
                if n.is_multiple_of(2) {
                    (
                        pw.clone(),
                        true,
                        format!(
                            "$SqlPassword{n} = ConvertTo-SecureString \"{pw}\" -AsPlainText -Force"
                        ),
                    )
                } else {
                    (pw.clone(), true, format!("$ServicePassword{n} = \"{pw}\""))
                }
            }
            other => panic!("no template for {other}"),
        };
        file.used.insert(format!("generic-{n}"));
        self.positive(kind, &secret, ctx, &secret);
        if assign {
            file.assigns.push(text);
        } else {
            file.blocks.push(text);
        }
    }

    /// Lays out `file`: shuffles its entries and frames them in the host's
    /// syntax.
    fn finish(&mut self, mut file: File, title: &str) -> String {
        self.rng.shuffle(&mut file.assigns);
        self.rng.shuffle(&mut file.blocks);
        let sep = if file.host == Host::Json { ",\n" } else { "\n" };
        let a = file.assigns.join(sep);
        let b = file.blocks.join("\n\n");
        match file.host {
            Host::Python => format!("\"\"\"{title}\"\"\"\n\nimport os\n\n{a}\n\n\n{b}\n"),
            Host::Js => format!("// {title}\n'use strict';\n\n{a}\n\n{b}\n"),
            Host::Ts => {
                format!("// {title}\nimport {{ HttpClient }} from './http';\n\n{a}\n\n{b}\n")
            }
            Host::Go => format!(
                "// Package config: {title}.\npackage config\n\nimport (\n\t\"database/sql\"\n\t\"os\"\n)\n\nvar (\n{a}\n)\n\n{b}\n"
            ),
            Host::Java => format!(
                "package com.acme.config;\n\nimport javax.sql.DataSource;\n\n/** {title} */\npublic final class Keys {{\n{a}\n\n{b}\n}}\n"
            ),
            Host::Kotlin => {
                format!("package com.acme\n\n// {title}\nobject Secrets {{\n{a}\n}}\n\n{b}\n")
            }
            Host::CSharp => format!(
                "namespace Acme.Api;\n\n// {title}\npublic static class Settings\n{{\n{a}\n\n{b}\n}}\n"
            ),
            Host::Ruby => format!(
                "# frozen_string_literal: true\n\n# {title}\nmodule Acme\n{a}\nend\n\n{b}\n"
            ),
            Host::Php => format!("<?php\n\n// {title}\n\n{a}\n\n{b}\n"),
            Host::Shell => {
                format!("#!/usr/bin/env bash\n# {title}\nset -euo pipefail\n\n{a}\n\n{b}\n")
            }
            Host::Env => format!("# {title}\n{a}\n{b}\n"),
            Host::Yaml => format!("# {title}\nproduction:\n{a}\n{b}\n"),
            Host::Json => format!("{{\n{a}\n}}\n"),
            Host::Toml => format!("# {title}\n[app]\n{a}\n\n{b}\n"),
            Host::Ini => format!("; {title}\n[main]\n{a}\n\n{b}\n"),
            Host::Xml => format!(
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- {title} -->\n<configuration>\n  <appSettings>\n{a}\n  </appSettings>\n{b}\n</configuration>\n"
            ),
            Host::Properties => format!("# {title}\nserver.port=8080\n{a}\n{b}\n"),
            Host::Dockerfile => format!(
                "# {title}\nFROM python:3.12-slim\n\n{a}\n\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"gunicorn\", \"app.wsgi\"]\n"
            ),
            Host::Compose => {
                let b = if b.is_empty() {
                    "      - POSTGRES_DB=orders".to_owned()
                } else {
                    file.blocks.join("\n")
                };
                format!(
                    "# {title}\nservices:\n  api:\n    image: ghcr.io/acme/orders-api:2.4.1\n    ports:\n      - \"8080:8080\"\n    environment:\n{a}\n  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_DB=orders\n{b}\n"
                )
            }
            Host::Terraform => format!(
                "# {title}\nterraform {{\n  required_version = \">= 1.6\"\n}}\n\nprovider \"aws\" {{\n  region = \"eu-west-1\"\n}}\n\nlocals {{\n{a}\n}}\n\n{b}\n"
            ),
            Host::PowerShell => {
                format!("# {title}\n$ErrorActionPreference = 'Stop'\n\n{a}\n\n{b}\n")
            }
            Host::Batch => format!("@echo off\nrem {title}\nsetlocal\n{a}\n{b}\ncall deploy.cmd\n"),
        }
    }

    /// An ordinary file: provider slots, generic kinds, decoys and filler.
    fn host_file(
        &mut self,
        host: Host,
        ctx: &'static str,
        title: &str,
        providers: usize,
        generic: &[&'static str],
        decoys: usize,
    ) -> String {
        let mut file = File::new(host, ctx);
        self.providers(&mut file, providers);
        for kind in generic {
            self.generic(&mut file, kind);
        }
        self.decoys(&mut file, decoys);
        let filler = self.rng.range(2, 5);
        self.filler(&mut file, filler);
        self.finish(file, title)
    }

    /// Like [`Gen::host_file`], with some provider entries forced.
    #[allow(clippy::too_many_arguments)]
    fn host_file_with(
        &mut self,
        host: Host,
        ctx: &'static str,
        title: &str,
        forced: &[&str],
        providers: usize,
        generic: &[&'static str],
        decoys: usize,
    ) -> String {
        let mut file = File::new(host, ctx);
        for entry in forced {
            self.plant_entry(&mut file, entry);
        }
        self.providers(&mut file, providers);
        for kind in generic {
            self.generic(&mut file, kind);
        }
        self.decoys(&mut file, decoys);
        let filler = self.rng.range(2, 5);
        self.filler(&mut file, filler);
        self.finish(file, title)
    }
}

/// Converts LF line ends to CRLF.
pub(super) fn crlf(text: &str) -> String {
    text.replace('\n', "\r\n")
}

/// UTF-16LE with a byte order mark.
pub(super) fn utf16le(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend(unit.to_le_bytes());
    }
    out
}

/// Builds the repository at `dir` (which must not exist or be empty) from
/// `seed` and returns the labels, with every location filled in.
pub fn generate(dir: &Path, seed: u64) -> Vec<Label> {
    build(dir, Gen::new(seed), |g, repo| {
        base_files(g, repo);
        service_files(g, repo);
        special_files(g, repo);
        history(g, repo);
    })
}

/// Creates the repository at `dir`, lets `plant` write and commit its
/// files, then locates and checks every label.
pub(super) fn build(dir: &Path, mut g: Gen, plant: impl FnOnce(&mut Gen, &mut Repo)) -> Vec<Label> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        assert!(empty, "{} exists and is not empty", dir.display());
    }
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let home = std::env::temp_dir().join(format!(
        "leakhound-labeled-home-{}-{run}",
        std::process::id()
    ));
    std::fs::create_dir_all(&home).expect("an empty HOME for git");
    let mut repo = Repo::init(dir, &home);
    plant(&mut g, &mut repo);

    let Gen {
        mut labels,
        needles,
        ..
    } = g;
    locate(dir, &home, &mut labels, &needles);
    let _ = std::fs::remove_dir_all(&home);
    check(&labels);
    labels
}

/// Every label is somewhere; no two positives share a line; no decoy shares
/// a line with a positive (so a finding on a line has one meaning).
fn check(labels: &[Label]) {
    use std::collections::BTreeMap;
    let mut lines: BTreeMap<(&str, usize), &Label> = BTreeMap::new();
    for label in labels {
        assert!(
            !label.locations.is_empty(),
            "label {} ({}) was not found in the repository",
            label.id,
            label.kind
        );
        if !label.positive {
            continue;
        }
        for loc in &label.locations {
            for line in loc.line..=loc.end_line {
                if let Some(other) = lines.insert((loc.path.as_str(), line), label) {
                    assert!(
                        other.id == label.id,
                        "{} and {} share {}:{line}",
                        other.id,
                        label.id,
                        loc.path
                    );
                }
            }
        }
    }
    for label in labels.iter().filter(|l| !l.positive) {
        for loc in &label.locations {
            for line in loc.line..=loc.end_line {
                if let Some(other) = lines.get(&(loc.path.as_str(), line)) {
                    panic!(
                        "decoy {} shares {}:{line} with positive {}",
                        label.id, loc.path, other.id
                    );
                }
            }
        }
    }
}

/// README, lockfiles, public keys, certificates, docs, translations, fonts:
/// the first commit, decoys only.
fn base_files(g: &mut Gen, repo: &mut Repo) {
    repo.write(
        "README.md",
        "# acme orders\n\nThe orders service, its web front end and deployment files.\n",
    );
    repo.write(".gitignore", "/target\nnode_modules/\n*.pyc\n");

    // package-lock.json
    let packages = [
        "react",
        "react-dom",
        "scheduler",
        "loose-envify",
        "js-tokens",
        "axios",
        "follow-redirects",
        "form-data",
        "asynckit",
        "combined-stream",
        "delayed-stream",
        "mime-types",
        "mime-db",
        "proxy-from-env",
        "lodash",
        "dayjs",
        "classnames",
        "prop-types",
        "object-assign",
        "react-is",
        "zustand",
        "use-sync-external-store",
        "clsx",
        "tslib",
    ];
    let mut entries = Vec::new();
    for name in packages {
        let version = format!(
            "{}.{}.{}",
            g.rng.range(0, 18),
            g.rng.range(0, 30),
            g.rng.range(0, 12)
        );
        let integrity = values::integrity(&mut g.rng, 512);
        let needle = format!("\"integrity\": \"{integrity}\"");
        g.negative("lockfile-hash", &integrity, HEAD, &needle);
        entries.push(format!(
            "    \"node_modules/{name}\": {{\n      \"version\": \"{version}\",\n      \"resolved\": \"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz\",\n      {needle},\n      \"license\": \"MIT\"\n    }}"
        ));
    }
    repo.write(
        "web/package-lock.json",
        format!(
            "{{\n  \"name\": \"acme-web\",\n  \"version\": \"2.4.1\",\n  \"lockfileVersion\": 3,\n  \"requires\": true,\n  \"packages\": {{\n    \"\": {{\n      \"name\": \"acme-web\",\n      \"version\": \"2.4.1\"\n    }},\n{}\n  }}\n}}\n",
            entries.join(",\n")
        ),
    );

    // go.sum
    let modules = [
        "github.com/jackc/pgx/v5",
        "github.com/go-chi/chi/v5",
        "github.com/google/uuid",
        "github.com/rs/zerolog",
        "golang.org/x/crypto",
        "golang.org/x/sync",
        "golang.org/x/text",
        "github.com/stretchr/testify",
        "gopkg.in/yaml.v3",
        "github.com/prometheus/client_golang",
    ];
    let mut lines = Vec::new();
    for module in modules {
        let version = format!(
            "v{}.{}.{}",
            g.rng.range(0, 5),
            g.rng.range(0, 40),
            g.rng.range(0, 9)
        );
        for suffix in ["", "/go.mod"] {
            let hash = format!("h1:{}", base64(&g.rng.bytes(32)));
            let line = format!("{module} {version}{suffix} {hash}");
            g.negative("lockfile-hash", &hash, HEAD, &line);
            lines.push(line);
        }
    }
    repo.write("services/gateway/go.sum", lines.join("\n") + "\n");

    // Cargo.lock
    let crates = [
        "anyhow",
        "bytes",
        "cfg-if",
        "libc",
        "memchr",
        "once_cell",
        "serde",
        "serde_json",
        "tokio",
        "tracing",
        "itoa",
        "ryu",
    ];
    let mut text = String::from(
        "# This file is automatically @generated by Cargo.\n# It is not intended for manual editing.\nversion = 4\n",
    );
    for name in crates {
        let checksum = g.rng.string(HEX, 64);
        let needle = format!("checksum = \"{checksum}\"");
        g.negative("lockfile-hash", &checksum, HEAD, &needle);
        text.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"1.{}.{}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n{needle}\n",
            g.rng.range(0, 40),
            g.rng.range(0, 9)
        ));
    }
    repo.write("tools/indexer/Cargo.lock", text);

    // .terraform.lock.hcl
    let mut text = String::from(
        "# This file is maintained automatically by \"terraform init\".\n# Manual edits may be lost in future updates.\n",
    );
    for (provider, version) in [("hashicorp/aws", "5.31.0"), ("hashicorp/random", "3.6.0")] {
        let mut hashes = Vec::new();
        for i in 0..8 {
            let hash = if i < 2 {
                format!("h1:{}", base64(&g.rng.bytes(32)))
            } else {
                format!("zh:{}", g.rng.string(HEX, 64))
            };
            g.negative("lockfile-hash", &hash, HEAD, &format!("\"{hash}\","));
            hashes.push(format!("    \"{hash}\","));
        }
        text.push_str(&format!(
            "\nprovider \"registry.terraform.io/{provider}\" {{\n  version     = \"{version}\"\n  constraints = \"~> {}\"\n  hashes = [\n{}\n  ]\n}}\n",
            &version[..3],
            hashes.join("\n")
        ));
    }
    repo.write("infra/.terraform.lock.hcl", text);

    // SRI in HTML.
    let mut tags = Vec::new();
    for (i, src) in [
        "https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js",
        "https://cdn.jsdelivr.net/npm/chart.js@4.4.1/dist/chart.umd.min.js",
        "https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/css/bootstrap.min.css",
    ]
    .iter()
    .enumerate()
    {
        let sri = values::integrity(&mut g.rng, 384);
        g.negative("lockfile-hash", &sri, HEAD, &format!("integrity=\"{sri}\""));
        tags.push(if i == 2 {
            format!("    <link rel=\"stylesheet\" href=\"{src}\" integrity=\"{sri}\" crossorigin=\"anonymous\">")
        } else {
            format!("    <script src=\"{src}\" integrity=\"{sri}\" crossorigin=\"anonymous\"></script>")
        });
    }
    repo.write(
        "web/index.html",
        format!(
            "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Acme orders</title>\n{}\n  </head>\n  <body>\n    <div id=\"root\"></div>\n  </body>\n</html>\n",
            tags.join("\n")
        ),
    );

    // Public keys and certificates.
    for path in ["certs/ca.crt", "certs/server.crt"] {
        let cert = values::certificate_pem(&mut g.rng);
        g.negative("certificate", &cert, HEAD, &cert);
        repo.write(path, format!("{cert}\n"));
    }
    let public = values::public_key_pem(&mut g.rng);
    g.negative("public-key", &public, HEAD, &public);
    repo.write("keys/signing-public.pem", format!("{public}\n"));
    let ssh = values::ssh_public_key(&mut g.rng, "deploy@acme.io");
    g.negative("public-key", &ssh, HEAD, &ssh);
    repo.write("keys/deploy.pub", format!("{ssh}\n"));
    let mut authorized = Vec::new();
    for who in ["ada@laptop", "brook@workstation", "ci@runner-07"] {
        let key = values::ssh_public_key(&mut g.rng, who);
        g.negative("public-key", &key, HEAD, &key);
        authorized.push(key);
    }
    repo.write("ops/authorized_keys", authorized.join("\n") + "\n");

    // Documentation with documented example keys and placeholders.
    let doc_lines = [
        (
            "documented-example",
            "AKIAIOSFODNN7EXAMPLE",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
        ),
        (
            "documented-example",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        (
            "documented-example",
            "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
            "curl https://api.stripe.com/v1/charges -u sk_test_4eC39HqLyjWDarjtT1zdp7dc:",
        ),
        (
            "placeholder-word",
            "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ),
        (
            "placeholder-angle",
            "<your-api-key>",
            "export OPENAI_API_KEY=<your-api-key>",
        ),
        (
            "placeholder-template",
            "$TOKEN",
            "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io/v2/orders",
        ),
        (
            "placeholder-template",
            "${SLACK_WEBHOOK_URL}",
            "SLACK_WEBHOOK_URL=${SLACK_WEBHOOK_URL} ./notify.sh \"deploy finished\"",
        ),
    ];
    let mut doc = String::from(
        "# Setting up a development machine\n\nConfigure the AWS CLI (the keys below are the ones from the AWS documentation):\n\n```ini\n[default]\n",
    );
    for (i, (kind, value, line)) in doc_lines.iter().enumerate() {
        g.negative(kind, value, HEAD, line);
        doc.push_str(line);
        doc.push('\n');
        if i == 1 {
            doc.push_str("```\n\nOther tools:\n\n```sh\n");
        }
    }
    doc.push_str("```\n");
    repo.write("docs/setup.md", doc);

    // Translations.
    let translations: &[(&str, &[(&str, &str)])] = &[
        (
            "es",
            &[
                ("password", "Contraseña"),
                ("passwordConfirm", "Confirmar contraseña"),
                ("apiKey", "Clave de API"),
                ("token", "Código de acceso"),
                ("secretQuestion", "Pregunta secreta"),
            ],
        ),
        (
            "fr",
            &[
                ("password", "Mot de passe"),
                ("passwordForgotten", "Mot de passe oublié ?"),
                ("apiKey", "Clé d’API"),
                ("token", "Jeton d’accès"),
                ("secret", "Secret partagé"),
            ],
        ),
        (
            "de",
            &[
                ("password", "Passwort"),
                ("passwordTooShort", "Das Passwort ist zu kurz"),
                ("apiKey", "API-Schlüssel"),
                ("token", "Zugriffstoken"),
                ("clientSecret", "Client-Geheimnis"),
            ],
        ),
    ];
    for (lang, strings) in translations {
        let mut lines = Vec::new();
        for (key, text) in *strings {
            let line = format!("  \"{key}\": \"{text}\"");
            g.negative("i18n-string", text, HEAD, line.trim());
            lines.push(line);
        }
        repo.write(
            &format!("web/src/i18n/{lang}.json"),
            format!("{{\n{}\n}}\n", lines.join(",\n")),
        );
    }

    // Fonts and icons as data URIs.
    let mut css = String::new();
    for family in ["Inter", "JetBrains Mono"] {
        let len = g.rng.range(2400, 3600);
        let font = base64(&g.rng.bytes(len));
        let uri = format!("data:font/woff2;base64,{font}");
        g.negative("data-uri", &uri, HEAD, &uri);
        css.push_str(&format!(
            "@font-face {{\n  font-family: \"{family}\";\n  font-display: swap;\n  src: url({uri}) format(\"woff2\");\n}}\n\n"
        ));
    }
    for icon in ["search", "close", "user"] {
        let len = g.rng.range(300, 700);
        let png = base64(&g.rng.bytes(len));
        let uri = format!("data:image/png;base64,iVBORw0KGgo{png}");
        g.negative("data-uri", &uri, HEAD, &uri);
        css.push_str(&format!(
            ".icon-{icon} {{\n  background-image: url(\"{uri}\");\n}}\n\n"
        ));
    }
    repo.write("web/public/assets.css", css);

    // Lock file digests and checksums.
    let mut sums = String::new();
    for name in [
        "orders-api-linux-amd64",
        "orders-api-linux-arm64",
        "orders-api-darwin-arm64",
        "orders-api-windows-amd64.exe",
    ] {
        let digest = g.rng.string(HEX, 64);
        let line = format!("{digest}  {name}");
        g.negative("file-checksum", &digest, HEAD, &line);
        sums.push_str(&line);
        sums.push('\n');
    }
    repo.write("dist/SHA256SUMS", sums);

    // Revisions pinned by git SHA.
    let mut versions = String::from("# Pinned revisions of the deployed components\ncomponents:\n");
    for name in ["orders-api", "web", "worker", "migrations"] {
        let sha = g.rng.string(HEX, 40);
        let line = format!("revision: {sha}");
        g.negative("git-sha", &sha, HEAD, &line);
        versions.push_str(&format!("  - name: {name}\n    {line}\n"));
    }
    repo.write("deploy/versions.yaml", versions);

    // Encrypted values (SOPS, Ansible Vault).
    let mut sops = String::from("# Encrypted with SOPS; decrypt with `sops -d`.\n");
    for name in [
        "db_password",
        "stripe_secret_key",
        "github_token",
        "smtp_password",
    ] {
        let value = values::sops_value(&mut g.rng);
        let line = format!("{name}: {value}");
        g.negative("encrypted-value", &value, HEAD, &line);
        sops.push_str(&line);
        sops.push('\n');
    }
    let recipient = format!(
        "age1{}",
        g.rng.string("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)
    );
    g.negative(
        "public-key",
        &recipient,
        HEAD,
        &format!("recipient: {recipient}"),
    );
    let mac = format!(
        "ENC[AES256_GCM,data:{},iv:{},tag:{},type:str]",
        base64(&g.rng.bytes(32)),
        base64(&g.rng.bytes(32)),
        base64(&g.rng.bytes(16))
    );
    g.negative("encrypted-value", &mac, HEAD, &format!("mac: {mac}"));
    sops.push_str(&format!(
        "sops:\n    age:\n        - recipient: {recipient}\n          enc: |\n            -----BEGIN AGE ENCRYPTED FILE-----\n            {}\n            -----END AGE ENCRYPTED FILE-----\n    lastmodified: \"2024-01-05T09:12:44Z\"\n    mac: {mac}\n    version: 3.8.1\n",
        base64(&g.rng.bytes(160))
    ));
    repo.write("deploy/secrets.enc.yaml", sops);
    let vault_body: Vec<String> = (0..6)
        .map(|_| g.rng.string("0123456789abcdef", 80))
        .collect();
    let vault = format!("$ANSIBLE_VAULT;1.1;AES256\n{}", vault_body.join("\n"));
    g.negative("encrypted-value", &vault, HEAD, &vault);
    repo.write("ops/ansible/group_vars/all/vault.yml", format!("{vault}\n"));

    // CI workflow with secret references.
    let mut workflow = String::from(
        "name: deploy\non:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Deploy\n        env:\n",
    );
    for name in [
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "SLACK_WEBHOOK_URL",
        "STRIPE_SECRET_KEY",
    ] {
        let value = format!("${{{{ secrets.{name} }}}}");
        let line = format!("{name}: {value}");
        g.negative("placeholder-template", &value, HEAD, &line);
        workflow.push_str(&format!("          {line}\n"));
    }
    workflow.push_str("        run: ./scripts/deploy.sh\n");
    repo.write(".github/workflows/deploy.yml", workflow);

    repo.commit("Initial import: web front end, lock files, docs and deployment skeleton");
}

/// The service configuration files in HEAD, one per syntax.
#[allow(clippy::type_complexity)]
fn service_files(g: &mut Gen, repo: &mut Repo) {
    use Host::*;
    let files: &[(&str, Host, &str, &[&str], usize, &[&'static str], usize)] = &[
        (
            "app/settings.py",
            Python,
            "Django settings for the orders service.",
            &["django-secret-key"],
            7,
            &["generic-python-assignment", "generic-python-dict"],
            8,
        ),
        (
            "app/db.py",
            Python,
            "Database and partner connections.",
            &[],
            2,
            &[
                "generic-python-kwarg",
                "generic-python-kwarg",
                "generic-python-kwarg",
                "generic-python-default-arg",
                "generic-python-default-arg",
                "generic-python-assignment",
            ],
            6,
        ),
        (
            "web/src/config.js",
            Js,
            "Front-end configuration",
            &[],
            7,
            &[
                "generic-js-assignment",
                "generic-js-assignment",
                "generic-js-object",
                "generic-js-object",
            ],
            8,
        ),
        (
            "web/src/api/client.ts",
            Ts,
            "API client settings",
            &[],
            6,
            &["generic-ts-class-field", "generic-ts-class-field"],
            7,
        ),
        (
            "services/gateway/config.go",
            Go,
            "gateway settings",
            &[],
            7,
            &[
                "generic-go-assignment",
                "generic-go-assignment",
                "generic-go-struct-field",
                "generic-go-struct-field",
            ],
            8,
        ),
        (
            "android/app/src/main/java/com/acme/config/Keys.java",
            Java,
            "Keys used by the Android app.",
            &["twilio-auth-token"],
            6,
            &[
                "generic-java-constant",
                "generic-java-constant",
                "generic-java-setter",
                "generic-java-setter",
            ],
            7,
        ),
        (
            "android/app/src/main/kotlin/com/acme/Secrets.kt",
            Kotlin,
            "Secrets of the Kotlin client",
            &[],
            6,
            &["generic-kotlin-const", "generic-kotlin-const"],
            6,
        ),
        (
            "dotnet/Api/Settings.cs",
            CSharp,
            "Settings of the .NET API",
            &["connection-string-password"],
            5,
            &[
                "generic-csharp-const",
                "generic-csharp-const",
                "generic-csharp-initializer",
                "generic-csharp-initializer",
            ],
            7,
        ),
        (
            "dotnet/Api/appsettings.json",
            Json,
            "",
            &["connection-string-password"],
            5,
            &["generic-json", "generic-json"],
            7,
        ),
        (
            "dotnet/Api/Web.config",
            Xml,
            "legacy ASP.NET configuration",
            &["connection-string-password"],
            4,
            &[
                "generic-xml-element",
                "generic-xml-element",
                "generic-xml-attribute",
                "generic-xml-attribute",
            ],
            6,
        ),
        (
            "rails/config/secrets.yml",
            Yaml,
            "Rails secrets",
            &["rails-secret-key-base"],
            5,
            &["generic-yaml-unquoted", "generic-yaml-quoted"],
            6,
        ),
        (
            "rails/config/initializers/services.rb",
            Ruby,
            "Third-party services",
            &[],
            6,
            &[
                "generic-ruby-assignment",
                "generic-ruby-hash",
                "generic-ruby-hash",
            ],
            7,
        ),
        (
            "php/config/app.php",
            Php,
            "Application configuration",
            &[],
            6,
            &[
                "generic-php-variable",
                "generic-php-variable",
                "generic-php-array",
                "generic-php-array",
            ],
            7,
        ),
        (
            "scripts/deploy.sh",
            Shell,
            "Deploys the orders service",
            &["rails-secret-key-base"],
            6,
            &[
                "generic-shell-export",
                "generic-shell-export",
                "generic-shell-cli-password",
                "generic-shell-cli-password",
                "generic-shell-cli-password",
            ],
            7,
        ),
        (
            ".env",
            Env,
            "Local environment",
            &["laravel-app-key"],
            8,
            &[
                "generic-env-quoted",
                "generic-env-quoted",
                "generic-env-unquoted",
                "generic-env-unquoted",
            ],
            9,
        ),
        (
            "config/production.yaml",
            Yaml,
            "Production configuration",
            &[],
            7,
            &[
                "generic-yaml-unquoted",
                "generic-yaml-unquoted",
                "generic-yaml-quoted",
                "generic-yaml-quoted",
            ],
            8,
        ),
        (
            "config/services.json",
            Json,
            "",
            &[],
            6,
            &["generic-json", "generic-json"],
            8,
        ),
        (
            "config/app.toml",
            Toml,
            "Application settings",
            &[],
            6,
            &["generic-toml", "generic-toml"],
            7,
        ),
        (
            "src/main/resources/application.properties",
            Properties,
            "Spring Boot configuration",
            &["jdbc-url-password"],
            5,
            &[
                "generic-properties",
                "generic-properties",
                "generic-properties",
            ],
            7,
        ),
        (
            "Dockerfile",
            Dockerfile,
            "Image of the orders service",
            &[],
            3,
            &[
                "generic-dockerfile-env",
                "generic-dockerfile-env",
                "generic-dockerfile-arg",
                "generic-dockerfile-arg",
            ],
            5,
        ),
        (
            "docker-compose.yml",
            Compose,
            "Local stack",
            &["laravel-app-key"],
            5,
            &[
                "generic-compose-environment",
                "generic-compose-environment",
                "generic-compose-environment",
            ],
            6,
        ),
        (
            "infra/main.tf",
            Terraform,
            "Production infrastructure",
            &[],
            5,
            &["generic-terraform", "generic-terraform"],
            7,
        ),
    ];
    for (path, host, title, forced, providers, generic, decoys) in files {
        let text = g.host_file_with(*host, HEAD, title, forced, *providers, generic, decoys + 2);
        repo.write(path, text);
    }
    repo.commit("Add service configuration");
}

/// Files with one special syntax each, and the encoded contexts.
fn special_files(g: &mut Gen, repo: &mut Repo) {
    // .pypirc
    let pypi = values::pypi_token(&mut g.rng, false);
    g.positive("pypi-upload-token", &pypi, HEAD, &pypi);
    let test_pypi = values::pypi_token(&mut g.rng, true);
    g.positive("pypi-test-upload-token", &test_pypi, HEAD, &test_pypi);
    let internal = values::password(&mut g.rng);
    g.positive("pypirc-password", &internal, HEAD, &internal);
    repo.write(
        ".pypirc",
        format!(
            "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    acme\n\n[pypi]\nusername = __token__\npassword = {pypi}\n\n[testpypi]\nrepository = https://test.pypi.org/legacy/\nusername = __token__\npassword = {test_pypi}\n\n[acme]\nrepository = https://pkgs.acme.io/pypi/\nusername = ci-upload\npassword = {internal}\n"
        ),
    );

    // pip.conf and PIP_INDEX_URL
    let pw = values::url_password(&mut g.rng);
    g.positive("pip-index-url-password", &pw, HEAD, &pw);
    repo.write(
        "pip.conf",
        format!("[global]\nindex-url = https://ci:{pw}@pkgs.acme.io/pypi/simple/\ntimeout = 60\n"),
    );
    let pw = values::url_password(&mut g.rng);
    g.positive("pip-index-url-password", &pw, HEAD, &pw);
    repo.write(
        "ci/build.env",
        format!("PIP_INDEX_URL=https://build:{pw}@pkgs.acme.io/pypi/simple/\nPIP_DISABLE_PIP_VERSION_CHECK=1\n"),
    );

    // .netrc
    let a = values::password(&mut g.rng);
    let b = values::password(&mut g.rng);
    g.positive("netrc-password", &a, HEAD, &a);
    g.positive("netrc-password", &b, HEAD, &b);
    repo.write(
        "ops/.netrc",
        format!("machine api.acme.io\n  login deploy\n  password {a}\n\nmachine git.acme.io login ci password {b}\n"), // leakhound:allow (a template)
    );

    // .npmrc
    let npm = values::crc_token(&mut g.rng, "npm_");
    g.positive("npm-token", &npm, HEAD, &npm);
    let private = values::draw(&mut g.rng, |r| r.string(ALNUM, 64));
    g.positive("npmrc-auth-token", &private, HEAD, &private);
    let basic = base64(format!("ci:{}", values::url_password(&mut g.rng)).as_bytes());
    g.positive("npmrc-auth-token", &basic, HEAD, &basic);
    repo.write(
        "web/.npmrc",
        format!(
            "registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={npm}\n@acme:registry=https://npm.acme.io/\n//npm.acme.io/:_authToken={private}\n//npm-legacy.acme.io/:_auth={basic}\nalways-auth=true\n"
        ),
    );

    // Docker client configuration.
    let mut auths = Vec::new();
    for (registry, user) in [
        ("registry.acme.io", "ci"),
        ("https://index.docker.io/v1/", "acmebot"),
    ] {
        let secret = if user == "acmebot" {
            values::provider("dockerhub-pat", &mut g.rng)
                .remove(0)
                .secret
        } else {
            values::url_password(&mut g.rng)
        };
        let auth = base64(format!("{user}:{secret}").as_bytes());
        g.positive("docker-config-auth", &auth, HEAD, &auth);
        auths.push(format!(
            "    \"{registry}\": {{\n      \"auth\": \"{auth}\"\n    }}"
        ));
    }
    repo.write(
        "ci/docker/config.json",
        format!("{{\n  \"auths\": {{\n{}\n  }}\n}}\n", auths.join(",\n")),
    );

    // Private keys.
    for (path, kind) in [
        ("keys/deploy_rsa", "private-key-rsa"),
        ("certs/server.key", "private-key-pkcs8"),
        ("keys/id_ed25519", "private-key-openssh"),
        ("certs/ec-signing.key", "private-key-ec"),
    ] {
        let key = values::private_key(kind, &mut g.rng);
        g.positive(kind, &key, HEAD, &key);
        repo.write(path, format!("{key}\n"));
    }
    let key = values::private_key("private-key-rsa", &mut g.rng);
    g.positive("private-key-rsa", &key, HEAD, &key);
    let mut signing = File::new(Host::Python, HEAD);
    g.decoys(&mut signing, 2);
    repo.write(
        "app/jwt_keys.py",
        format!(
            "\"\"\"Keys that sign the service's tokens.\"\"\"\n\n{}\n\nJWT_PRIVATE_KEY = \"\"\"{key}\n\"\"\"\n",
            signing.assigns.join("\n")
        ),
    );
    let key = values::private_key("private-key-ec", &mut g.rng);
    let indented: String = key.lines().map(|l| format!("    {l}\n")).collect();
    g.positive("private-key-ec", &key, HEAD, indented.trim_end());
    repo.write(
        "deploy/helm/tls-values.yaml",
        format!(
            "ingress:\n  host: orders.acme.io\n  tls:\n    enabled: true\n    key: |\n{indented}"
        ),
    );

    // GCP service account.
    let key = values::private_key("private-key-pkcs8", &mut g.rng);
    let escaped = format!("{}\\n", key.replace('\n', "\\n"));
    g.positive("gcp-service-account-key", &key, HEAD, &escaped);
    let key_id = g.rng.string(HEX, 40);
    g.negative(
        "cloud-identifier",
        &key_id,
        HEAD,
        &format!("\"private_key_id\": \"{key_id}\""),
    );
    repo.write(
        "keys/gcp-service-account.json",
        format!(
            "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"acme-orders-prod\",\n  \"private_key_id\": \"{key_id}\",\n  \"private_key\": \"{escaped}\",\n  \"client_email\": \"orders-api@acme-orders-prod.iam.gserviceaccount.com\",\n  \"client_id\": \"{}\",\n  \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\",\n  \"token_uri\": \"https://oauth2.googleapis.com/token\"\n}}\n",
            g.rng.digits(21)
        ),
    );

    // Flask.
    let flask = g.rng.string(HEX, 64);
    g.positive("flask-secret-key", &flask, HEAD, &flask);
    repo.write(
        "app/web.py",
        format!(
            "from flask import Flask\n\napp = Flask(__name__)\napp.secret_key = '{flask}'\n\n\n@app.get(\"/health\")\ndef health():\n    return {{\"ok\": True}}\n"
        ),
    );

    // A Discord bot token passed to client.run(), no provider word near.
    let token = values::discord_bot_token(&mut g.rng);
    g.positive("discord-bot-token", &token, HEAD, &token);
    repo.write(
        "bot/main.py",
        format!(
            "from bot.core import build_client\nfrom bot.handlers import register\n\nclient = build_client()\nregister(client)\n\n\n@client.event\nasync def on_ready():\n    print(f\"logged in as {{client.user}}\")\n\n\nif __name__ == \"__main__\":\n    client.run(\"{token}\")\n"
        ),
    );

    // A Jupyter notebook: code in JSON strings.
    let mut source = Vec::new();
    let pw = values::password(&mut g.rng);
    g.positive("generic-notebook-kwarg", &pw, JSON_STRING, &pw);
    source.push(format!(
        "conn = psycopg2.connect(host=\\\"warehouse.acme.internal\\\", user=\\\"analyst\\\", password=\\\"{pw}\\\")\\n"
    ));
    for _ in 0..3 {
        let p = g.draw_provider(Host::Python);
        g.positive(p.kind, &p.secret, JSON_STRING, &p.secret);
        source.push(format!("{} = \\\"{}\\\"\\n", p.name, p.value));
    }
    let key = values::api_key(&mut g.rng);
    g.positive("generic-notebook-kwarg", &key, JSON_STRING, &key);
    source.push(format!(
        "client = WarehouseClient(endpoint=\\\"https://dwh.acme.io\\\", api_key=\\\"{key}\\\")\\n"
    ));
    let env_line = "token = os.environ[\\\"WAREHOUSE_TOKEN\\\"]\\n";
    g.negative(
        "env-lookup",
        "os.environ[\"WAREHOUSE_TOKEN\"]",
        JSON_STRING,
        env_line,
    );
    source.push(env_line.to_owned());
    let cells = source
        .iter()
        .map(|l| format!("    \"{l}\""))
        .collect::<Vec<_>>()
        .join(",\n");
    repo.write(
        "notebooks/churn_analysis.ipynb",
        format!(
            "{{\n \"cells\": [\n  {{\n   \"cell_type\": \"markdown\",\n   \"metadata\": {{}},\n   \"source\": [\n    \"# Churn analysis\\n\"\n   ]\n  }},\n  {{\n   \"cell_type\": \"code\",\n   \"execution_count\": 1,\n   \"metadata\": {{}},\n   \"outputs\": [],\n   \"source\": [\n    \"import os\\n\",\n    \"import psycopg2\\n\",\n{cells}\n   ]\n  }}\n ],\n \"metadata\": {{\n  \"kernelspec\": {{\n   \"display_name\": \"Python 3\",\n   \"language\": \"python\",\n   \"name\": \"python3\"\n  }}\n }},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}}\n"
        ),
    );

    // A Kubernetes Secret: base64 values under data:.
    let mut data = Vec::new();
    for name in ["DATABASE_PASSWORD", "SMTP_PASSWORD", "LDAP_BIND_PASSWORD"] {
        let pw = values::password(&mut g.rng);
        let encoded = base64(pw.as_bytes());
        g.positive("generic-k8s-secret-data", &pw, K8S_SECRET, &encoded);
        data.push(format!("  {name}: {encoded}"));
    }
    for _ in 0..4 {
        let p = g.draw_provider(Host::Yaml);
        let encoded = base64(p.value.as_bytes());
        g.positive(p.kind, &p.secret, K8S_SECRET, &encoded);
        data.push(format!("  {}: {encoded}", p.name));
    }
    let user = base64(b"orders");
    g.negative(
        "non-secret-value",
        "orders",
        K8S_SECRET,
        &format!("DATABASE_USER: {user}"),
    );
    data.push(format!("  DATABASE_USER: {user}"));
    g.rng.shuffle(&mut data);
    repo.write(
        "k8s/orders-secrets.yaml",
        format!(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-api\n  namespace: prod\ntype: Opaque\ndata:\n{}\n",
            data.join("\n")
        ),
    );

    // Whole configurations base64-encoded.
    let p = g.draw_provider(Host::Env);
    let env = format!(
        "# bootstrap\nAPP_ENV=production\nLOG_LEVEL=info\n{}\n",
        assign(Host::Env, &p.name, &Val::Str(p.value.clone()))
    );
    let blob = base64(env.as_bytes());
    g.positive(p.kind, &p.secret, BASE64_BLOB, &blob);
    repo.write("deploy/bootstrap.env.b64", format!("{blob}\n"));

    let p = g.draw_provider(Host::Env);
    let env_blob = base64(
        format!(
            "REGION=eu-west-1\n{}\nWORKERS=4\n",
            assign(Host::Env, &p.name, &Val::Str(p.value.clone()))
        )
        .as_bytes(),
    );
    g.positive(p.kind, &p.secret, BASE64_BLOB, &env_blob);
    let pw = values::password(&mut g.rng);
    let json_blob = base64(
        format!("{{\"db\": {{\"host\": \"db.acme.internal\", \"user\": \"app\", \"password\": \"{pw}\"}}}}").as_bytes(),
    );
    g.positive("generic-json", &pw, BASE64_BLOB, &json_blob);
    repo.write(
        "deploy/helm/values.yaml",
        format!(
            "replicaCount: 3\nimage:\n  repository: ghcr.io/acme/orders-api\n  tag: 2.4.1\nconfig:\n  envFileBase64: {env_blob}\n  settingsJsonBase64: {json_blob}\n"
        ),
    );

    let pypi = values::pypi_token(&mut g.rng, false);
    let pypirc = base64(format!("[pypi]\nusername = __token__\npassword = {pypi}\n").as_bytes());
    g.positive("pypi-upload-token", &pypi, BASE64_BLOB, &pypirc);
    let gh = values::crc_token(&mut g.rng, "gho_");
    let hosts = base64(
        format!(
            "github.com:\n    user: acme-release\n    oauth_token: {gh}\n    git_protocol: https\n"
        )
        .as_bytes(),
    );
    g.positive("github-oauth-token", &gh, BASE64_BLOB, &hosts);
    let template_line = "password: ${{ secrets.PYPI_TOKEN }}";
    g.negative(
        "placeholder-template",
        "${{ secrets.PYPI_TOKEN }}",
        HEAD,
        template_line,
    );
    repo.write(
        ".github/workflows/release.yml",
        format!(
            "name: release\non:\n  push:\n    tags: ['v*']\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Configure PyPI\n        run: echo \"{pypirc}\" | base64 -d > ~/.pypirc\n      - name: Configure gh\n        run: mkdir -p ~/.config/gh && echo \"{hosts}\" | base64 --decode > ~/.config/gh/hosts.yml\n      - uses: pypa/gh-action-pypi-publish@release/v1\n        with:\n          {template_line}\n"
        ),
    );

    // Percent-encoded values.
    let pw = {
        let base = values::password(&mut g.rng);
        format!("{}@{}/{}", &base[..4], &base[4..9], &base[9..])
    };
    let pw_encoded = percent_encode(&pw);
    g.positive("postgres-url-password", &pw, PERCENT, &pw_encoded);
    let cs = values::password(&mut g.rng);
    let state = percent_encode(&format!("{{\"client_secret\":\"{cs}\"}}"));
    g.positive("generic-json", &cs, PERCENT, &state);
    let aws = loop {
        let s = values::provider("aws-key-pair", &mut g.rng)
            .remove(1)
            .secret;
        if s.contains('/') || s.contains('+') {
            break s;
        }
    };
    let aws_encoded = percent_encode(&aws);
    g.positive("aws-secret-access-key", &aws, PERCENT, &aws_encoded);
    let webhook = values::provider("slack-webhook-url", &mut g.rng)
        .remove(0)
        .secret;
    let webhook_encoded = percent_encode(&webhook);
    g.positive("slack-webhook-url", &webhook, PERCENT, &webhook_encoded);
    repo.write(
        "config/integrations.json",
        format!(
            "{{\n  \"warehouse\": \"postgresql://etl:{pw_encoded}@warehouse.acme.internal:5432/analytics\",\n  \"oauthCallbackSample\": \"https://app.acme.io/oauth/callback?code=4%2F0Ab&state={state}\",\n  \"exportUrl\": \"https://exports.acme.io/download?region=eu-west-1&aws_secret_access_key={aws_encoded}&expires=3600\",\n  \"notifyRedirect\": \"https://notify.acme.io/forward?target={webhook_encoded}\"\n}}\n"
        ),
    );

    // \u-escaped JSON strings.
    let stripe = values::provider("stripe-secret-key", &mut g.rng)
        .remove(0)
        .secret;
    let stripe_escaped = unicode_escape_all(&stripe);
    g.positive(
        "stripe-secret-key",
        &stripe,
        UNICODE_ESCAPED,
        &stripe_escaped,
    );
    let aws = loop {
        let s = values::provider("aws-key-pair", &mut g.rng)
            .remove(1)
            .secret;
        if s.contains('/') && s.contains('+') {
            break s;
        }
    };
    let aws_escaped = aws.replace('/', "\\/").replace('+', "\\u002b");
    g.positive("aws-secret-access-key", &aws, UNICODE_ESCAPED, &aws_escaped);
    let pw = {
        let base = values::password(&mut g.rng);
        format!("{}&{}<{}", &base[..5], &base[5..10], &base[10..])
    };
    let pw_escaped = pw.replace('&', "\\u0026").replace('<', "\\u003c");
    g.positive("generic-json", &pw, UNICODE_ESCAPED, &pw_escaped);
    let gh = values::crc_token(&mut g.rng, "ghp_");
    let gh_escaped = format!("\\u0067\\u0068\\u0070\\u005f{}", &gh[4..]);
    g.positive("github-pat-classic", &gh, UNICODE_ESCAPED, &gh_escaped);
    repo.write(
        "config/exported-settings.json",
        format!(
            "{{\n  \"stripeSecretKey\": \"{stripe_escaped}\",\n  \"region\": \"eu-west-1\",\n  \"awsSecretAccessKey\": \"{aws_escaped}\",\n  \"adminPassword\": \"{pw_escaped}\",\n  \"githubToken\": \"{gh_escaped}\"\n}}\n"
        ),
    );

    // UTF-16LE files with a byte order mark (Windows tools write these).
    let mut ps = File::new(Host::PowerShell, UTF16LE);
    g.providers(&mut ps, 4);
    g.generic(&mut ps, "generic-powershell");
    g.generic(&mut ps, "generic-powershell");
    let text = g.finish(ps, "Installs the Acme agent on a build machine");
    repo.write("windows/install.ps1", utf16le(&crlf(&text)));
    let mut xml = File::new(Host::Xml, UTF16LE);
    g.plant_entry(&mut xml, "connection-string-password");
    g.providers(&mut xml, 2);
    g.decoys(&mut xml, 2);
    let text = g.finish(xml, "Agent configuration");
    repo.write("windows/Agent.config", utf16le(&crlf(&text)));

    // CRLF files.
    let text = g.host_file(
        Host::Ini,
        CRLF,
        "Legacy service configuration",
        5,
        &["generic-ini", "generic-ini", "generic-ini"],
        5,
    );
    repo.write("config/legacy.ini", crlf(&text));
    let text = g.host_file(
        Host::Batch,
        CRLF,
        "Deployment from a Windows agent",
        4,
        &[],
        3,
    );
    repo.write("scripts/deploy.bat", crlf(&text));

    // A minified bundle of about 500 KB with one secret inside, and a vendor
    // bundle with decoys.
    let p = g.draw_provider(Host::Js);
    g.positive(p.kind, &p.secret, MINIFIED, &p.secret);
    let secret_part = format!(
        "var Qe={{region:\"eu-west-1\",{}:\"{}\",timeout:3e4}};",
        camel(&p.name),
        p.value
    );
    let bundle = minified(&mut g.rng, 500_000, &secret_part);
    repo.write(
        "web/dist/app.3f9c2e1a.min.js",
        format!("/*! acme-web v2.4.1 | (c) Acme | MIT */\n{bundle}\n//# sourceMappingURL=app.3f9c2e1a.min.js.map\n"),
    );
    let mut decoy_parts = Vec::new();
    let pk = format!("pk_live_51{}", g.rng.string(ALNUM, 97));
    decoy_parts.push(("publishable-key", pk.clone(), format!("Stripe(\"{pk}\")")));
    let mapbox = values::mapbox_public_token(&mut g.rng);
    decoy_parts.push((
        "publishable-key",
        mapbox.clone(),
        format!("{{accessToken:\"{mapbox}\"}}"),
    ));
    decoy_parts.push((
        "minified-code",
        "password:e.password".to_owned(),
        "{username:e.username,password:e.password,remember:!!e.remember}".to_owned(),
    ));
    decoy_parts.push((
        "minified-code",
        "Bearer \"+t.accessToken".to_owned(),
        "{headers:{Authorization:\"Bearer \"+t.accessToken}}".to_owned(),
    ));
    let class = format!("Login_passwordField__{}", g.rng.string(URLSAFE, 5));
    decoy_parts.push((
        "minified-code",
        class.clone(),
        format!("{{className:\"{class}\"}}"),
    ));
    let svg = base64(&g.rng.bytes(900));
    let uri = format!("data:image/svg+xml;base64,{svg}");
    decoy_parts.push(("data-uri", uri.clone(), format!("{{src:\"{uri}\"}}")));
    let mut vendor = String::new();
    for (kind, value, code) in &decoy_parts {
        g.negative(kind, value, HEAD, code);
        let name = g.rng.string(LOWER, 2);
        vendor.push_str(&minified(&mut g.rng, 8_000, &format!("var {name}={code};")));
    }
    repo.write("web/dist/vendor.min.js", format!("{vendor}\n"));

    // A log of about 2.5 MB with a secret near the end.
    let p = g.draw_provider(Host::Env);
    g.positive(p.kind, &p.secret, LARGE_FILE, &p.secret);
    let mut log = String::with_capacity(2_600_000);
    let mut n = 0usize;
    let mut planted = false;
    while log.len() < 2_500_000 {
        n += 1;
        log.push_str(&log_line(&mut g.rng, n));
        if !planted && log.len() > 2_480_000 {
            planted = true;
            log.push_str(&format!(
                "2024-01-31T23:58:{:02}.{:03}Z WARN  worker-3 config reloaded from environment: {}={}\n",
                n % 60,
                n % 1000,
                p.name,
                p.value
            ));
        }
    }
    repo.write("data/orders-api-2024-01.log", log);

    repo.commit("Add deployment, notebooks, Windows agent and the built web bundle");
}

/// One line of the large log.
fn log_line(rng: &mut Rng, n: usize) -> String {
    const PATHS: &[&str] = &[
        "/v2/orders",
        "/v2/orders/{}",
        "/v2/customers/{}",
        "/health",
        "/v2/invoices/{}/pdf",
    ];
    const METHODS: &[&str] = &["GET", "GET", "GET", "POST", "PUT", "DELETE"];
    let path = rng
        .pick(PATHS)
        .replace("{}", &rng.range(1000, 99999).to_string());
    format!(
        "2024-01-{:02}T{:02}:{:02}:{:02}.{:03}Z INFO  orders-api request method={} path={} status={} duration_ms={} bytes={}\n",
        1 + n * 30 / 23_000 % 31,
        n / 1000 % 24,
        n / 60 % 60,
        n % 60,
        rng.below(1000),
        rng.pick(METHODS),
        path,
        rng.pick(&["200", "200", "200", "201", "204", "404", "500"]),
        rng.range(1, 900),
        rng.range(120, 48_000)
    )
}

/// Minified-looking JavaScript on one line, about `size` bytes, with
/// `inner` in the middle.
fn minified(rng: &mut Rng, size: usize, inner: &str) -> String {
    const WORDS: &[&str] = &[
        "click", "change", "submit", "items", "length", "push", "render", "state", "props",
        "children", "value", "default", "exports",
    ];
    let mut out = String::from("!function(){\"use strict\";");
    let mut placed = false;
    let mut module = 0;
    while out.len() < size {
        module += 1;
        let a = rng.string(LOWER, 1);
        let b = rng.string(LOWER, 1);
        out.push_str(&format!(
            "{module}:function(e,t,n){{var r=n({}),o=n({});function {a}{b}(e){{return e&&e.__esModule?e:{{default:e}}}}t.{}=function(e){{var t=(0,r.useState)({}),n=t[0];return o.createElement(\"div\",{{className:\"c{}\",on{}:function(){{return n.{}(e.{})}}}},e.{})}}}},",
            rng.range(1, 900),
            rng.range(1, 900),
            rng.pick(WORDS),
            rng.range(0, 99),
            rng.string(LOWER_ALNUM, 6),
            "Click",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS)
        ));
        if !placed && out.len() > size / 2 {
            out.push_str(inner);
            placed = true;
        }
    }
    if !placed {
        out.push_str(inner);
    }
    out.push_str(&format!("}}();var __v=\"{}\";", rng.string(DIGITS, 6)));
    out
}

/// Secrets that only history holds: removed, on another branch, in deleted
/// and renamed files.
#[allow(clippy::type_complexity)]
fn history(g: &mut Gen, repo: &mut Repo) {
    // Added, then replaced by environment lookups in a later commit.
    let history_only: &[(&str, Host, &str, &[&str], usize, &[&'static str])] = &[
        (
            "app/local_settings.py",
            Host::Python,
            "Local overrides.",
            &["django-secret-key"],
            6,
            &["generic-python-assignment", "generic-python-kwarg"],
        ),
        (
            "config/staging.env",
            Host::Env,
            "Staging environment",
            &["django-secret-key", "laravel-app-key"],
            6,
            &["generic-env-unquoted", "generic-env-quoted"],
        ),
        (
            "web/src/keys.js",
            Host::Js,
            "Keys for the staging front end",
            &[],
            5,
            &["generic-js-object"],
        ),
        (
            "ops/ansible/group_vars/prod.yml",
            Host::Yaml,
            "Production variables",
            &["rails-secret-key-base"],
            5,
            &["generic-yaml-unquoted"],
        ),
    ];
    for (path, host, title, forced, providers, generic) in history_only {
        let text = g.host_file_with(*host, HISTORY_ONLY, title, forced, *providers, generic, 2);
        repo.write(path, text);
    }
    repo.commit("Add local and staging settings");

    // Files that will be deleted, and files that will be renamed.
    let text = g.host_file(Host::Json, DELETED_FILE, "", 5, &["generic-json"], 2);
    repo.write("legacy/credentials.json", text);
    let text = g.host_file(
        Host::Shell,
        DELETED_FILE,
        "Nightly backup (old)",
        4,
        &["generic-shell-cli-password"],
        2,
    );
    repo.write("scripts/old_backup.sh", text);
    let key = values::private_key("private-key-rsa", &mut g.rng);
    g.positive("private-key-rsa", &key, DELETED_FILE, &key);
    repo.write("keys/old_deploy_key", format!("{key}\n"));
    let text = g.host_file(
        Host::Yaml,
        RENAMED_FILE,
        "Application configuration",
        5,
        &["generic-yaml-quoted"],
        2,
    );
    repo.write("config/app.yml", text);
    let text = g.host_file(
        Host::Shell,
        RENAMED_FILE,
        "Machine setup",
        4,
        &["generic-shell-export"],
        2,
    );
    repo.write("scripts/setup.sh", text);
    repo.commit("Add legacy credentials, backup script and app config");

    // A branch that is never merged.
    repo.git(&["checkout", "-q", "-b", "feature/billing"]);
    let text = g.host_file(
        Host::Toml,
        OTHER_BRANCH,
        "Billing service",
        6,
        &["generic-toml"],
        2,
    );
    repo.write("billing/settings.toml", text);
    let text = g.host_file(
        Host::Go,
        OTHER_BRANCH,
        "billing client",
        5,
        &["generic-go-struct-field"],
        2,
    );
    repo.write("billing/client.go", text);
    repo.commit("billing: first draft of the service");
    let text = g.host_file(
        Host::Env,
        OTHER_BRANCH,
        "Billing environment",
        6,
        &["generic-env-quoted"],
        2,
    );
    repo.write("billing/.env", text);
    repo.commit("billing: environment for the sandbox");
    repo.git(&["checkout", "-q", "main"]);

    // Clean up: the values move to the environment, files are deleted and
    // renamed. The new versions are shorter than the first planted line of
    // the old ones, so that a path and line never mean two things.
    for (path, _, _, _, _, _) in history_only {
        let stub = match *path {
            "app/local_settings.py" => {
                "\"\"\"Local overrides: values come from the environment.\"\"\"\nfrom .settings import *  # noqa: F403\n"
            }
            "config/staging.env" => "# Staging values are injected by the deploy pipeline.\n",
            "web/src/keys.js" => "// Keys are injected at build time.\nexport default {};\n",
            _ => "# Production variables are in vault.yml.\n---\n",
        };
        repo.write(path, stub);
    }
    repo.commit("Read secrets from the environment");
    repo.remove("legacy/credentials.json");
    repo.remove("scripts/old_backup.sh");
    repo.remove("keys/old_deploy_key");
    repo.commit("Remove legacy credentials");
    repo.rename("config/app.yml", "config/application.yml");
    repo.rename("scripts/setup.sh", "scripts/bootstrap.sh");
    repo.commit("Rename configuration files");
}
