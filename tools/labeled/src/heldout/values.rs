//! Values of the held-out grammar: generic secrets of realistic shapes,
//! and the non-secret values that decoys hold under credential names.

use super::super::rng::{ALNUM, DIGITS, HEX, LOWER, Rng, URLSAFE, base64};
use super::super::values::draw;

/// The shape of a generic secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Random letters and digits, 16 to 40 characters.
    Alnum,
    /// Base64 of 16 to 48 random bytes.
    Base64,
    /// Hex of 16 to 32 random bytes.
    Hex,
    /// A password a person chose: words, digits and symbols.
    Human,
}

pub const SHAPES: &[Shape] = &[Shape::Alnum, Shape::Base64, Shape::Hex, Shape::Human];

impl Shape {
    pub fn id(self) -> &'static str {
        match self {
            Shape::Alnum => "alnum",
            Shape::Base64 => "base64",
            Shape::Hex => "hex",
            Shape::Human => "human-password",
        }
    }
}

const WORDS: &[&str] = &[
    "harbor", "lantern", "maple", "copper", "falcon", "meadow", "quartz", "saffron", "tundra",
    "velvet", "orchid", "cobalt", "juniper", "pebble", "summit", "willow", "ember", "glacier",
    "nimbus", "raven", "cinder", "bramble", "otter", "marigold", "thistle", "walnut",
];

/// Symbols a person puts in a password, where the syntax quotes it, and
/// where it does not.
const SYMBOLS_QUOTED: &str = "!@#*-_.+=~^";
const SYMBOLS_BARE: &str = "-_.@+";

fn capital(word: &str) -> String {
    word[..1].to_ascii_uppercase() + &word[1..]
}

/// A password a person chose: two words, digits and one or two symbols,
/// or a mix of classes with a word inside.
fn human(rng: &mut Rng, bare: bool) -> String {
    let symbols = if bare { SYMBOLS_BARE } else { SYMBOLS_QUOTED };
    let a = rng.pick(WORDS);
    let b = rng.pick(WORDS);
    let digits = rng.range(2, 4);
    match rng.below(3) {
        0 => format!(
            "{}{}{}{}",
            capital(a),
            rng.string(symbols, 1),
            capital(b),
            rng.string(DIGITS, digits)
        ),
        1 => format!(
            "{}{}{}{}",
            rng.string(DIGITS, digits),
            a,
            rng.string(symbols, 1),
            capital(b)
        ),
        _ => format!(
            "{}{}{}{}{}",
            rng.string(ALNUM, 3),
            capital(a),
            rng.string(symbols, 2),
            rng.string(ALNUM, 4),
            rng.string(DIGITS, 1)
        ),
    }
}

/// A generic secret of `shape`; `bare` when the syntax writes it unquoted.
pub fn generic(rng: &mut Rng, shape: Shape, bare: bool) -> String {
    draw(rng, |rng| match shape {
        Shape::Alnum => {
            let len = rng.range(16, 40);
            rng.string(ALNUM, len)
        }
        Shape::Base64 => {
            let len = rng.range(16, 48);
            base64(&rng.bytes(len))
        }
        Shape::Hex => {
            let len = rng.range(16, 32);
            rng.bytes(len).iter().map(|b| format!("{b:02x}")).collect()
        }
        Shape::Human => human(rng, bare),
    })
}

/// A value written into a file: a string literal, or a bare scalar or
/// expression (numbers, booleans, lookups).
#[derive(Clone, Debug)]
pub enum Val {
    Str(String),
    Raw(String),
}

impl Val {
    pub fn text(&self) -> &str {
        match self {
            Val::Str(s) | Val::Raw(s) => s,
        }
    }

    /// `#16` is the number 16, `?true` the boolean, anything else a string.
    pub fn parse(spec: &str) -> Val {
        match spec.strip_prefix('#').or_else(|| spec.strip_prefix('?')) {
            Some(raw) => Val::Raw(raw.to_owned()),
            None => Val::Str(spec.to_owned()),
        }
    }
}

/// Non-secret settings under credential-like names: (words after the
/// service, values).
pub const NON_SECRET: &[(&str, &[&str])] = &[
    ("salt length", &["#16", "#32"]),
    ("hmac algorithm", &["sha256", "HmacSHA512"]),
    ("password policy", &["strict", "nist-800-63b"]),
    ("pass through", &["?true", "?false"]),
    ("pw min len", &["#12", "#14"]),
    ("auth enabled", &["?true"]),
    ("creds required", &["?false"]),
    ("passphrase prompt", &["?false"]),
    ("key rotation days", &["#90", "#30"]),
    ("auth retries", &["#5"]),
    ("pwd hash", &["argon2id", "bcrypt"]),
    ("auth method", &["SCRAM-SHA-512", "PLAIN"]),
    ("encryption key version", &["#3"]),
    ("private key format", &["pem", "pkcs8"]),
    ("psk length", &["#32"]),
    ("pin digits", &["#6"]),
];

/// Identifiers and words under credential-like names.
pub const IDENTIFIERS: &[(&str, &str)] = &[
    ("pass encoder", "bcryptPasswordEncoder"),
    ("auth provider", "ldapAuthenticationProvider"),
    ("creds secret name", "relay-ldap-credentials"),
    ("hmac header", "X-Hub-Signature-256"),
    ("signing key id", "relay-signing-2024-06"),
    ("master key alias", "alias/relay-prod"),
    ("api key header", "X-Relay-Api-Key"),
    ("auth realm", "acme-internal"),
    ("credential provider", "aws-ssm"),
    ("passwd user", "svc_relay"),
    ("cookie name", "__Host-relay_session"),
    ("keystore type", "PKCS12"),
];

/// File paths under credential-like names.
pub const PATHS: &[(&str, &str)] = &[
    ("key file", "/etc/ssl/private/relay.key"),
    ("creds path", "/run/secrets/relay_creds"),
    ("passwd file", "/etc/relay/passwd"),
    ("private key path", "certs/relay-signing.pem"),
    ("keystore path", "/opt/relay/conf/keystore.p12"),
    ("credentials file", "~/.config/relay/credentials.json"),
];

/// URLs without a password under credential-like names.
pub const URLS: &[(&str, &str)] = &[
    (
        "auth url",
        "https://auth.acme.io/realms/relay/protocol/openid-connect/token",
    ),
    (
        "creds endpoint",
        "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
    ),
    ("dsn", "amqps://mq.acme.internal:5671/relay"),
    ("auth server", "ldaps://ldap.acme.internal:636"),
    ("pass url", "https://ci@git.acme.io/platform/relay.git"),
    ("key url", "https://auth.acme.io/.well-known/jwks.json"),
];

/// Placeholder words where a value is to be filled in.
pub const PLACEHOLDERS: &[&str] = &[
    "changeit",
    "REPLACE_ME",
    "__FILL_ME_IN__",
    "set-in-vault",
    "TBD",
    "xxxxxxxxxxxxxxxx",
    "not-a-real-key",
    "your_pass_here",
    "ENTER_PW_HERE",
    "********",
    "dummy",
    "none",
];

/// Example values from providers' and standards' documentation.
pub const DOCUMENTED: &[(&str, &str)] = &[
    ("aws access key", "AKIAI44QH8DHBEXAMPLE"),
    ("aws secret key", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
    (
        "jwt",
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    ),
    ("basic auth", "QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
    ("stripe secret key", "sk_test_BQokikJOvBiI2HlWgH4olfQ2"),
    ("slack bot auth", "xoxb-not-a-real-token-this-will-not-work"),
];

/// A publishable (public by design) key: (words, value).
pub fn publishable(rng: &mut Rng, nth: usize) -> (&'static str, String) {
    match nth % 4 {
        0 => (
            "stripe publishable key",
            format!("pk_live_51{}", rng.string(ALNUM, 97)),
        ),
        1 => (
            "recaptcha site key",
            format!("6L{}", rng.string(URLSAFE, 38)),
        ),
        2 => (
            "posthog project api key",
            format!("phc_{}", rng.string(ALNUM, 43)),
        ),
        _ => (
            "mapbox public access key",
            super::super::values::mapbox_public_token(rng),
        ),
    }
}

/// A public key or public identifier of a key: (words, value).
pub fn public_key(rng: &mut Rng, nth: usize) -> (&'static str, String) {
    match nth % 3 {
        0 => ("vpn peer public key", base64(&rng.bytes(32))),
        1 => (
            "signing public key",
            rng.bytes(32).iter().map(|b| format!("{b:02x}")).collect(),
        ),
        _ => (
            "backup age recipient",
            format!("age1{}", rng.string("qpzry9x8gf2tvdw0s3jn54khce6mua7l", 58)),
        ),
    }
}

/// A digest or revision: (words, value).
pub fn checksum(rng: &mut Rng, nth: usize) -> (&'static str, String) {
    match nth % 3 {
        0 => ("image digest", format!("sha256:{}", rng.string(HEX, 64))),
        1 => ("archive sha256", rng.string(HEX, 64)),
        _ => ("build revision", rng.string(HEX, 40)),
    }
}

/// A random-looking identifier that is not a secret: (words, value).
pub fn identifier(rng: &mut Rng, nth: usize) -> (&'static str, String) {
    match nth % 3 {
        0 => ("tenant id", rng.uuid()),
        1 => ("webhook id", rng.uuid()),
        _ => ("client id", format!("relay-{}", rng.string(LOWER, 8))),
    }
}
