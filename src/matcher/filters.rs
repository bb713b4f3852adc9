//! Filters that turn regex matches into likely secrets: entropy,
//! placeholders, well-known documentation values.

use crate::entropy::char_classes;
use crate::rules::{Confidence, Rule};

/// Words in a generic match's name that say the value is a credential
/// (unlike `token`, which also names CSRF, pagination and parser tokens).
const CREDENTIAL_NAMES: &[&str] = &[
    "secret",
    "pass",
    "pwd",
    "pw",
    "credential",
    "creds",
    "hmac",
    "salt",
    "pepper",
    "psk",
    "signing",
    "encrypt",
    "master",
    "cipher",
    "crypto",
    "aes",
    "priv",
    "shared",
    "seed",
    "private",
    // The password of a URL's user information (`https://user:pw@host`).
    "://",
    // Tokens whose name says what they open, unlike a bare `token`.
    "auth",
    "access",
    "bearer",
    "oauth",
    "github",
    "gitlab",
    "slack",
    "npm",
    "pypi",
    "docker",
];

/// Two-word credential names, looked for in the name without its
/// separators, so that `sig_key`, `sig-key`, `sig.key` and `SigKey` are one.
const COMPOUND_CREDENTIAL_NAMES: &[&str] = &["sigkey", "enckey", "apikey", "accesskey", "authkey"];

/// The confidence of one match. A rule's own confidence, except that a
/// low-confidence (generic) match becomes medium when its value is
/// random-looking: three classes of upper case, lower case, digits and
/// symbols, or two under a credential name (`client_secret`, `api_key`,
/// `password`) rather than a bare `token`.
pub fn match_confidence(rule: &Rule, name: &[u8], secret: &[u8]) -> Confidence {
    let confidence = rule.syntax.confidence;
    let name = name.to_ascii_lowercase();
    if confidence != Confidence::High && names_digest(&name) && is_hex_digest(secret) {
        return Confidence::Low;
    }
    if confidence != Confidence::Low {
        return confidence;
    }
    let classes = char_classes(secret);
    if is_key_id(&name, secret) || names_public_half(&name) {
        return Confidence::Low;
    }
    let joined: Vec<u8> = name
        .iter()
        .copied()
        .filter(|b| !matches!(b, b'_' | b'-' | b'.'))
        .collect();
    let has = |haystack: &[u8], w: &&str| memchr::memmem::find(haystack, w.as_bytes()).is_some();
    let credential = CREDENTIAL_NAMES.iter().any(|w| has(&name, w))
        || COMPOUND_CREDENTIAL_NAMES.iter().any(|w| has(&joined, w));
    if classes >= 3 || (classes == 2 && credential) {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

/// Whether a generic match's name, reduced to its letters and digits, ends
/// in access key (`access_key =`,
/// `AccessKey:`): in AWS, MinIO, Scaleway, Alibaba and others the access
/// key is the identifier half of a pair whose secret half is named
/// `secret_key`, so such a value stays low confidence.
fn ends_in_key_id(letters: &[u8]) -> bool {
    let ends = letters.ends_with(b"accesskey") || letters.ends_with(b"accesskeyid");
    ends && memchr::memmem::find(letters, b"secret").is_none()
}

/// A name's letters and digits, without separators or quotes.
fn alphanumerics(name: &[u8]) -> Vec<u8> {
    name.iter()
        .copied()
        .filter(u8::is_ascii_alphanumeric)
        .collect()
}

/// Whether a name says its value is a digest of something (`hashed_secret`
/// in a detect-secrets baseline, `password_hash`, `secret_sha256`,
/// `token_digest`): a hash of a secret is not the secret.
fn names_digest(name: &[u8]) -> bool {
    [
        "hash", "digest", "checksum", "sha1", "sha256", "sha512", "md5",
    ]
    .iter()
    .any(|w| memchr::memmem::find(name, w.as_bytes()).is_some())
}

/// Whether a value is hexadecimal of a common digest's length (MD5, SHA-1,
/// SHA-256, SHA-512).
fn is_hex_digest(secret: &[u8]) -> bool {
    matches!(secret.len(), 32 | 40 | 64 | 128) && secret.iter().all(u8::is_ascii_hexdigit)
}

/// Whether a match is the identifier half of an access key pair: a name
/// that ends in access key with a value shaped like an identifier, or the
/// bare name (`access_key`, `accessKey`) with a value of letters and digits
/// only. The bare name is the identifier field of the pair in s3cmd's
/// `.s3cfg`, MinIO's client configuration and Terraform's S3 backend,
/// whatever its provider's format; a qualified one (`KAFKA_ACCESS_KEY`)
/// usually names a service's single key.
fn is_key_id(name: &[u8], secret: &[u8]) -> bool {
    let letters = alphanumerics(name);
    if !ends_in_key_id(&letters) {
        return false;
    }
    let bare = letters == b"accesskey" || letters == b"accesskeyid";
    shaped_like_key_id(secret) || (bare && secret.iter().all(u8::is_ascii_alphanumeric))
}

/// Whether a value has the shape of an access key identifier: upper-case
/// letters and digits (AWS `AKIA…`, DigitalOcean Spaces, Linode, Wasabi,
/// Scaleway, MinIO: 16-32 of them), lower-case hex (Cloudflare R2, IBM
/// Cloud Object Storage, Oracle: 32 or 40), or a provider's identifier
/// prefix (Alibaba `LTAI`, Tencent `AKID`, Google Cloud Storage HMAC
/// `GOOG`). A value named an access key that has none of these shapes
/// (mixed case, symbols) is a secret someone named loosely.
fn shaped_like_key_id(secret: &[u8]) -> bool {
    let upper = secret
        .iter()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    let hex = matches!(secret.len(), 32 | 40)
        && secret
            .iter()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b));
    let prefixed = [b"LTAI", b"AKID", b"GOOG"]
        .iter()
        .any(|p| secret.starts_with(*p));
    upper || hex || prefixed
}

/// Whether a generic match's name says its value is the public half of a
/// pair (`MJ_APIKEY_PUBLIC`, `publicKey`, `STRIPE_PUBLISHABLE_KEY`, a
/// CAPTCHA's `X-Recaptcha-Site-Key` or `data-sitekey`): such values are
/// published by design, so the match stays low confidence.
fn names_public_half(name: &[u8]) -> bool {
    let has = |word: &[u8]| memchr::memmem::find(name, word).is_some();
    let public = has(b"public")
        || has(b"publishable")
        || has(b"site-key")
        || has(b"site_key")
        || has(b"sitekey");
    public && !(has(b"secret") || has(b"priv") || has(b"pass"))
}

/// Values published in provider documentation; they are examples, not
/// secrets, wherever they appear.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    // AWS documentation's key pair.
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Stripe's documented test-mode keys (the current and the older one).
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_test_BQokikJOvBiI2HlWgH4olfQ2",
    // Oracle's sample schema login (scott/tiger), in countless database docs.
    "tiger",
    // Example tokens of the OAuth specifications (RFC 5849, 6749, 6750, 7009).
    "2YotnFZFEjr1zCsicMWpAA",
    "tGzv3JOkF0XG5Qx2TlKWIA",
    "mF_9.B5f-4.1JqM",
    "hh5s93j4hdidpola",
    "hdhd0244k9j7ao03",
    "nnch734d00sl2jdk",
    "pfkkdhi9sl3r4s00",
    "hfdp7dh39dks9884",
    "ad180jjd733klru7",
    "kd94hf93k423kf44",
    "45ghiukldjahdnhzdauz",
    // The Basic credentials of RFC 7617 (Aladdin:open sesame).
    "QWxhZGRpbjpvcGVuIHNlc2FtZQ==",
    // The token shown on jwt.io.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Lowercase words that mark a value as a stand-in for a real secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    // Also catches edited documentation keys such as AKIAIOSFODNN7EXAMPLF.
    "exampl",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "replaceme",
    "replace_me",
    "your_",
    "your-",
    "yourapikey",
    "yourtoken",
    "yoursecret",
    "yourpassword",
    "redacted",
    "dummy",
    "insert_",
    "notasecret",
    "not_a_secret",
];

/// Longest secret checked for placeholder words.
const WORD_CHECK_MAX: usize = 256;

/// Template and reference syntax: the value is filled in elsewhere
/// (`${VAR}`, `{{ secrets.X }}`, `%(name)s`, `$(cat file)`, `<%= x %>`,
/// `#{x}`, `[[x]]`). Anchored or closed forms only, so that a random key
/// which happens to contain `%(` or `$(` is not mistaken for one.
const TEMPLATE: &str =
    r"\$\{[^}]*\}|\{\{.*\}\}|^%\([A-Za-z_][A-Za-z0-9_]*\)|^\$\(|<%.*%>|#\{[^}]*\}|\[\[.*\]\]";

fn template() -> &'static regex::bytes::Regex {
    static TEMPLATE_REGEX: std::sync::OnceLock<regex::bytes::Regex> = std::sync::OnceLock::new();
    TEMPLATE_REGEX
        .get_or_init(|| regex::bytes::Regex::new(TEMPLATE).expect("template regex is valid"))
}

/// Whether a secret is a placeholder, a template or a documented example.
///
/// ```
/// use leakhound::matcher::is_placeholder;
/// assert!(is_placeholder(b"ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
/// assert!(is_placeholder(b"${GITHUB_TOKEN}"));
/// assert!(is_placeholder(b"<your-token>"));
/// assert!(!is_placeholder(b"ghp_R4nd0mLooK1ngT0k3nW1thNoPatt3rnQ"));
/// ```
pub fn is_placeholder(secret: &[u8]) -> bool {
    if DOCUMENTED_EXAMPLES.iter().any(|e| e.as_bytes() == secret) {
        return true;
    }
    if template().is_match(secret) {
        return true;
    }
    if secret.first() == Some(&b'<') && secret.last() == Some(&b'>') {
        return true;
    }
    // The same placeholder escaped for HTML or XML (`&lt;password&gt;`).
    if secret.starts_with(b"&lt;") && secret.ends_with(b"&gt;") {
        return true;
    }
    // Stand-ins are short: a key block whose comment says "example" or
    // "dummy-key" is still a key.
    if secret.len() > WORD_CHECK_MAX {
        // Long documented values (AWS session tokens in the AWS docs) carry
        // EXAMPLE in capitals; a key block is never checked for it.
        let example =
            !secret.starts_with(b"-----") && memchr::memmem::find(secret, b"EXAMPLE").is_some();
        return example || degenerate(secret);
    }
    let mut lower = [0u8; WORD_CHECK_MAX];
    let lower = &mut lower[..secret.len()];
    lower.copy_from_slice(secret);
    lower.make_ascii_lowercase();
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(lower, w.as_bytes()).is_some())
    {
        return true;
    }
    degenerate(secret) || alphabet_walk(secret)
}

/// Letters that walk the alphabet once digits and case are set aside
/// (`AbCdEfGhIj`, `a1B2c3D4e5F6`, `abc123def456ghi789`): a hand-made value.
/// Eight letters in a row each following the one before happen by chance
/// in about one random token in 10^10.
fn alphabet_walk(secret: &[u8]) -> bool {
    const WALK: usize = 8;
    let mut run = 0;
    let mut previous = 0u8;
    for &b in secret {
        if b.is_ascii_digit() {
            continue;
        }
        if !b.is_ascii_alphabetic() {
            run = 0;
            continue;
        }
        let letter = b.to_ascii_lowercase();
        run = if run > 0 && letter == previous + 1 {
            run + 1
        } else {
            1
        };
        if run >= WALK {
            return true;
        }
        previous = letter;
    }
    false
}

/// A value made mostly of runs (`xxxx`, `0000`) and sequences (`1234`,
/// `abcd`, `9876`), or of very few distinct characters. Runs of 4 or more
/// must cover at least 35% of it, so that the `AAAAAAAAAA` in every OpenSSH
/// key header, or a `1234` by chance in a random token, does not count.
fn degenerate(secret: &[u8]) -> bool {
    patterned_len(secret) * 100 >= secret.len() * 35 || few_distinct(secret)
}

/// Number of bytes in runs of 4 or more that repeat one byte or step by +1
/// or -1 through letters and digits.
fn patterned_len(bytes: &[u8]) -> usize {
    let mut covered = 0;
    let mut start = 0;
    while start < bytes.len() {
        let mut end = start + 1;
        if end < bytes.len() {
            let step = bytes[end].wrapping_sub(bytes[start]);
            if matches!(step, 0 | 1 | 255) {
                while end < bytes.len()
                    && bytes[end].wrapping_sub(bytes[end - 1]) == step
                    && (step == 0
                        || bytes[end].is_ascii_alphanumeric()
                            && bytes[end - 1].is_ascii_alphanumeric())
                {
                    end += 1;
                }
            }
        }
        if end - start >= 4 {
            covered += end - start;
            start = end;
        } else {
            start += 1;
        }
    }
    covered
}

/// A long value made of three or fewer distinct bytes (`abababab`).
fn few_distinct(bytes: &[u8]) -> bool {
    if bytes.len() < 8 {
        return false;
    }
    let mut seen = [false; 256];
    let mut distinct = 0;
    for &b in bytes {
        if !seen[b as usize] {
            seen[b as usize] = true;
            distinct += 1;
            if distinct > 3 {
                return false;
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            "AKIAIOSFODNN7EXAMPLE",
            "YOUR_API_KEY",
            "sk_live_xxxxxxxxxxxxxxxxxxxxxxxx",
            "{{ secrets.TOKEN }}",
            "%(password)s",
            "<token>",
            "changeme",
            "0123456789abcdef",
            "abababababab",
            "ghp_R4nd0mxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "${DB_PASSWORD:-secret}",
            "%(db_password)s",
            "$(cat /run/secrets/db)",
            "&lt;db-password&gt;",
            "tok_AbCdEfGhIjKlMnOp1234",
            "a1B2c3D4e5F6g7H8i9J0",
            "abc123def456ghi789jkl0",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        for s in [
            "q8Zr2LmN5vXc0Tb7",
            "sk_live_51Hq8Zr2LmN5vXc0Tb7Yw3Pd", // leakhound:allow (synthetic)
            "9f86d081884c7d659a2feaa0c55ad015",
            // A Django-style key with '$(' and '%(' inside.
            "k3x$(9q!v2%(m8r@z7w#p4n&j6t*b1y^c5d-h0f_g=s+l)e",
            // An OpenSSH key body: its fixed header has runs of 'A's.
            concat!(
                "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
                "pTyGJMuHbEL31IeL2HPcHyGcFRl1SPnXNYvMIHa/2o76umfXfKm/r5kJP1VrT+1FJors/6ILi8IHn5kxsC7tVO/HbkQfyy/KV5zjR3j1twdTKWTddB+XhkAS1voQG6yyzyN9zHYIa4UOrGNATMuDJawTgsu8PO+799nKSNrh9UCauSDmLhuVtcqcYezdZ/tDDj8hYs5suKcNd8Zra9A9sKPxZ9W3qLy7zKUVQDT7S8sTQCBNR3YbDgbleph1QHt61QTC4XATWS8PHp9NHfYjFM5D"
            ),
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s} is not a placeholder");
        }
    }

    #[test]
    fn patterned_coverage() {
        assert_eq!(patterned_len(b"xoxp-12345-67890-1928471-abcdefg"), 16);
        assert_eq!(patterned_len(b"q8Zr2LmN5vXc0Tb7"), 0);
        assert_eq!(patterned_len(b"aaaa1234"), 8);
        assert!(degenerate(b"xoxp-12345-67890-1928471-abcdefg"));
    }

    #[test]
    fn public_halves_of_pairs() {
        assert!(names_public_half(b"mj_apikey_public"));
        assert!(names_public_half(b"stripe_publishable_key"));
        assert!(names_public_half(b"x-recaptcha-site-key"));
        assert!(!names_public_half(b"public_secret_key"));
        assert!(!names_public_half(b"api_key"));
    }

    #[test]
    fn access_key_identifiers_by_shape() {
        for id in [
            "Q7XM2OGYBAH6QV3JRELAY",
            "RELAY00QWERTYUIOP",
            "3f2c9a7b5e1d4c8f9a0b6e2d7c1f5a3b",
            "LTAI5tQm9ZxR2vNw8KpLdYcE", // leakhound:allow (synthetic)
        ] {
            assert!(shaped_like_key_id(id.as_bytes()), "{id}");
        }
        for secret in [
            "HK4XsqiqQzOY7pQEDfqx9hN3ufHdpY6",
            "308tundra@Cinder",
            "ccef4292452b6f5d7b1d0771e3d651915820b83db9",
        ] {
            assert!(!shaped_like_key_id(secret.as_bytes()), "{secret}");
        }
        assert!(ends_in_key_id(&alphanumerics(b"kafka_access_key")));
        let mixed = b"nAH2VzKrMrRjySLlt8HCdFU3tM2TUu";
        assert!(is_key_id(b"access_key = ", mixed), "the bare name");
        assert!(!is_key_id(b"KAFKA_ACCESS_KEY=", mixed), "a qualified name");
        assert!(!is_key_id(b"AccessKey = ", b"2768falcon_Walnut"));
        assert!(!ends_in_key_id(&alphanumerics(b"aws_secret_access_key")));
    }

    #[test]
    fn digests_of_secrets_are_not_secrets() {
        assert!(names_digest(b"\"hashed_secret\": \""));
        assert!(names_digest(b"password_hash = \""));
        assert!(!names_digest(b"hmac_secret = \""));
        assert!(is_hex_digest(b"2f1a3c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39"));
        assert!(!is_hex_digest(b"2f1a3c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3"));
        assert!(!is_hex_digest(b"q8Zr2LmN5vXc0Tb7q8Zr2LmN5vXc0Tb7"));
    }
}
