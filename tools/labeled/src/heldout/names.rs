//! Credential names of the held-out grammar: a service part and a
//! credential word (either order, sometimes a qualifier after), written in
//! one of six styles or as nested keys.

use super::super::rng::Rng;

/// Service names and the other first parts of a name.
pub const SERVICES: &[&str] = &[
    "rabbitmq",
    "ldap",
    "smtp",
    "redis",
    "kafka",
    "e2e",
    "ci",
    "backup",
    "replica",
    "admin",
    "bind",
    "conn",
    "session",
    "jwt",
    "webhook",
    "cookie",
    "minio",
    "elastic",
    "keycloak",
    "sftp",
    "vpn",
    "nexus",
    "harbor",
    "jenkins",
    "sonar",
    "mqtt",
    "nats",
    "cassandra",
    "clickhouse",
    "keystore",
    "truststore",
    "imap",
    "proxy",
    "warehouse",
    "oidc",
    "saml",
    "relay",
    "etcd",
];

/// Words that may follow a service name (`ldap bind`, `kafka sasl`).
pub const QUALIFIERS: &[&str] = &[
    "bind", "sasl", "root", "primary", "ro", "rw", "upload", "deploy", "sync", "mgmt", "svc",
    "master", "client", "app",
];

/// Credential words beyond password, secret and token.
pub const WORDS: &[&str] = &[
    "pass",
    "pw",
    "pwd",
    "passwd",
    "passphrase",
    "passcode",
    "credential",
    "credentials",
    "creds",
    "hmac",
    "hmac key",
    "salt",
    "pepper",
    "signing key",
    "encryption key",
    "enc key",
    "private key",
    "priv key",
    "master key",
    "secret key",
    "api key",
    "apikey",
    "auth",
    "auth key",
    "access key",
    "shared key",
    "psk",
    "keypass",
    "sig key",
    "cipher key",
    "totp seed",
];

/// Credential words a provider's key goes under.
pub const PROVIDER_WORDS: &[&str] = &[
    "api key",
    "apikey",
    "auth",
    "auth key",
    "access key",
    "creds",
    "credentials",
    "credential",
    "key",
    "secret key",
];

/// Words after the credential word, now and then.
pub const TAILS: &[&str] = &[
    "value", "prod", "live", "v2", "b64", "hex", "raw", "current",
];

/// How a name is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    UpperSnake,
    LowerSnake,
    Camel,
    Pascal,
    Kebab,
    Dotted,
}

pub const STYLES: &[Style] = &[
    Style::UpperSnake,
    Style::LowerSnake,
    Style::Camel,
    Style::Pascal,
    Style::Kebab,
    Style::Dotted,
];

impl Style {
    pub fn id(self) -> &'static str {
        match self {
            Style::UpperSnake => "UPPER_SNAKE",
            Style::LowerSnake => "lower_snake",
            Style::Camel => "camelCase",
            Style::Pascal => "PascalCase",
            Style::Kebab => "kebab-case",
            Style::Dotted => "dotted.name",
        }
    }

    /// The words joined in this style.
    pub fn render(self, words: &[String]) -> String {
        match self {
            Style::UpperSnake => words.join("_").to_ascii_uppercase(),
            Style::LowerSnake => words.join("_"),
            Style::Kebab => words.join("-"),
            Style::Dotted => words.join("."),
            Style::Pascal => words.iter().map(|w| capital(w)).collect(),
            Style::Camel => {
                let mut out = words.first().cloned().unwrap_or_default();
                for w in &words[1..] {
                    out.push_str(&capital(w));
                }
                out
            }
        }
    }
}

fn capital(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// A name: its service words, its credential words, and the order.
#[derive(Clone, Debug)]
pub struct Name {
    pub service: Vec<String>,
    pub word: Vec<String>,
    pub tail: Option<String>,
    /// The credential word first (`passwd_ldap`).
    pub word_first: bool,
}

fn split(text: &str) -> Vec<String> {
    text.split(' ').map(str::to_owned).collect()
}

impl Name {
    /// A name of a fixed service and word, in the usual order.
    pub fn of(service: &str, word: &str) -> Name {
        Name {
            service: split(service),
            word: split(word),
            tail: None,
            word_first: false,
        }
    }

    /// The credential word as a facet (`signing key`).
    pub fn word_id(&self) -> String {
        self.word.join(" ")
    }

    /// Every word in order.
    pub fn words(&self) -> Vec<String> {
        let (first, second) = if self.word_first {
            (&self.word, &self.service)
        } else {
            (&self.service, &self.word)
        };
        let mut words: Vec<String> = first.iter().chain(second).cloned().collect();
        words.extend(self.tail.clone());
        words
    }

    pub fn render(&self, style: Style) -> String {
        style.render(&self.words())
    }

    /// The words of the leaf key when the service words are sections.
    pub fn leaf(&self) -> Vec<String> {
        let mut words = self.word.clone();
        words.extend(self.tail.clone());
        words
    }
}

/// A credential name: a service (and a qualifier, sometimes), a
/// credential word, in either order, sometimes with a tail.
pub fn secret_name(rng: &mut Rng) -> Name {
    let mut service = vec![rng.pick(SERVICES).to_owned()];
    if rng.chance(30) {
        let qualifier = rng.pick(QUALIFIERS);
        if qualifier != service[0] {
            service.push(qualifier.to_owned());
        }
    }
    Name {
        service,
        word: split(rng.pick(WORDS)),
        tail: rng.chance(12).then(|| rng.pick(TAILS).to_owned()),
        word_first: rng.chance(20),
    }
}

/// A name for a provider's key: the provider's service word and a
/// credential word (`sendgrid creds`, `stripe access key`).
pub fn provider_name(rng: &mut Rng, kind: &str) -> Name {
    let service = kind.split('-').next().unwrap_or(kind);
    let url = kind.ends_with("-url-password") || kind.contains("connection-string");
    let word = if url {
        rng.pick(&["dsn", "uri", "conn url", "endpoint"])
    } else {
        rng.pick(PROVIDER_WORDS)
    };
    Name {
        service: vec![service.to_owned()],
        word: split(word),
        tail: None,
        word_first: false,
    }
}
