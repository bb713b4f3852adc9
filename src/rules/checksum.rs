//! Checksums embedded in some token formats.
//!
//! A token whose checksum does not verify is a typo, a truncated copy or made
//! up, so checking it removes false positives at no cost in recall.

mod azure;
mod macaroon;

use serde::{Deserialize, Serialize};

/// A checksum scheme a rule's secret must satisfy.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub and npm tokens: `prefix_` + 30 base62 characters + the CRC32
    /// of those 30 characters in 6 base62 digits (`0-9A-Za-z`).
    /// <https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/>
    Crc32Base62,
    /// Microsoft's identifiable keys (Azure Storage, Cosmos DB, Service Bus,
    /// Functions, ...): base64 (or URL-safe base64) whose last 4 bytes are
    /// the little-endian Marvin32 of the bytes before them, under a seed
    /// that depends on the kind of key (every known seed is tried). Also the
    /// 84/88-character common annotated keys (`JQQJ` at offset 52), whose
    /// last characters are the base62 Marvin32 of the first 80.
    /// <https://github.com/microsoft/security-utilities>
    AzureMarvin,
    /// PyPI API tokens: `pypi-` + URL-safe base64 of a version 2 macaroon
    /// with location `pypi.org` or `test.pypi.org`; the whole structure
    /// must parse (the signature itself can only be checked by PyPI).
    PypiMacaroon,
    /// The last 8 characters are the CRC32 (zlib) of everything before them
    /// in upper-case hex: Trello `ATTA`, Atlassian `ATATT3`, Bitbucket `ATCTT3`
    /// and `ATBB` tokens.
    Crc32HexSuffix,
    /// Grafana service account tokens: `glsa_<32 characters>_` + the CRC32 of
    /// `glsa_<32 characters>` as 8 hex digits of its little-endian bytes.
    /// <https://github.com/grafana/grafana/blob/main/pkg/components/satokengen/tokengen.go>
    GrafanaCrc32,
    /// GitLab routable tokens: the last 7 characters are the CRC32 (zlib) of
    /// everything before them in base36, zero-padded. The CRC also covers
    /// an instance token prefix written before `glpat-` (`acme-glpat-...`),
    /// so up to 20 token characters just before the secret are tried too.
    /// <https://gitlab.com/gitlab-org/gitlab/-/blob/master/lib/authn/token_field/generator/routable_token.rb>
    GitlabRoutable,
    /// Bech32 (BIP 173): human-readable part, `1`, data and a 6-character
    /// BCH checksum, in one case. age secret keys (`AGE-SECRET-KEY-1...`).
    /// <https://github.com/bitcoin/bips/blob/master/bip-0173.mediawiki>
    Bech32,
    /// HTTP Basic credentials (RFC 7617): base64 of `user:password` in
    /// printable ASCII, with a password of at least 6 characters that is
    /// not a variable reference (`$PASS`, `%s`, `${x}`, `<password>`).
    BasicCredentials,
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// Whether a secret of this scheme's shape that fails its check is
    /// still worth reporting (at low confidence, as not a real token): the
    /// scheme belongs to formats with a prefix of their own (`ghp_`,
    /// `glsa_`, `pypi-`, `AGE-SECRET-KEY-1`), so the look-alike is a
    /// made-up or mistyped token, and a developer testing a hook with one
    /// should hear why it is not reported. Not for shapes without a
    /// prefix (Azure keys are base64 of a fixed length) nor for the Basic
    /// credentials check, whose failures are not credentials at all.
    pub fn identifies(self) -> bool {
        !matches!(self, Checksum::AzureMarvin | Checksum::BasicCredentials)
    }

    /// Whether `secret` carries a valid checksum. `before` is the text that
    /// precedes the secret in the input (only its end is looked at).
    pub fn verify(self, secret: &[u8], before: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => verify_crc32_base62(secret),
            Checksum::AzureMarvin => azure::verify(secret),
            Checksum::PypiMacaroon => macaroon::verify_pypi(secret),
            Checksum::Crc32HexSuffix => verify_crc32_hex_suffix(secret),
            Checksum::GrafanaCrc32 => verify_grafana(secret),
            Checksum::GitlabRoutable => verify_gitlab_routable(secret, before),
            Checksum::Bech32 => verify_bech32(secret),
            Checksum::BasicCredentials => verify_basic_credentials(secret),
        }
    }
}

/// Encodes `value` in `width` base62 digits, most significant first.
pub fn base62(mut value: u64, width: usize) -> String {
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(digits).expect("base62 digits are ASCII")
}

fn verify_crc32_base62(secret: &[u8]) -> bool {
    // The random part follows the last '_' and ends with the 6-digit checksum.
    let start = secret.iter().rposition(|&b| b == b'_').map_or(0, |i| i + 1);
    let body = &secret[start..];
    if body.len() < 7 {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    let expected = base62(u64::from(crc32fast::hash(random)), 6);
    check == expected.as_bytes()
}

fn verify_crc32_hex_suffix(secret: &[u8]) -> bool {
    let Some(split) = secret.len().checked_sub(8).filter(|&n| n > 0) else {
        return false;
    };
    let (body, check) = secret.split_at(split);
    check == format!("{:08X}", crc32fast::hash(body)).as_bytes()
}

fn verify_grafana(secret: &[u8]) -> bool {
    let Some(split) = secret.iter().rposition(|&b| b == b'_') else {
        return false;
    };
    let (body, check) = (&secret[..split], &secret[split + 1..]);
    let le = crc32fast::hash(body).to_le_bytes();
    let expected: String = faster_hex::hex_string(&le);
    check.eq_ignore_ascii_case(expected.as_bytes())
}

/// `value` in base36 (`0-9a-z`), zero-padded to 7 digits.
fn base36_7(mut value: u32) -> [u8; 7] {
    const DIGITS: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = [b'0'; 7];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(value % 36) as usize];
        value /= 36;
    }
    out
}

fn verify_gitlab_routable(secret: &[u8], before: &[u8]) -> bool {
    let Some(split) = secret.len().checked_sub(7).filter(|&n| n > 0) else {
        return false;
    };
    let (body, check) = secret.split_at(split);
    let crc_of = |prefix: &[u8]| {
        let mut hasher = crc32fast::Hasher::new();
        hasher.update(prefix);
        hasher.update(body);
        base36_7(hasher.finalize())
    };
    if check == crc_of(b"") {
        return true;
    }
    // An instance prefix: some token characters just before the secret.
    let run = before
        .iter()
        .rev()
        .take(20)
        .take_while(|&&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        .count();
    (1..=run).any(|n| check == crc_of(&before[before.len() - n..]))
}

fn verify_basic_credentials(secret: &[u8]) -> bool {
    let Some(decoded) = crate::decode::standard_base64(secret) else {
        return false;
    };
    if !decoded.iter().all(|b| (b' '..=b'~').contains(b)) {
        return false;
    }
    let Some(colon) = decoded.iter().position(|&b| b == b':') else {
        return false;
    };
    let (user, password) = (&decoded[..colon], &decoded[colon + 1..]);
    let reference = password.first().is_some_and(|b| b"$%{<".contains(b));
    !user.is_empty() && password.len() >= 6 && !reference
}

fn verify_bech32(secret: &[u8]) -> bool {
    const CHARSET: &[u8; 32] = b"qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    const GENERATOR: [u32; 5] = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];
    let lower = secret.iter().any(u8::is_ascii_lowercase);
    let upper = secret.iter().any(u8::is_ascii_uppercase);
    let Some(separator) = secret.iter().rposition(|&b| b == b'1') else {
        return false;
    };
    if (lower && upper) || separator == 0 || secret.len() - separator < 7 {
        return false;
    }
    let (hrp, data) = (&secret[..separator], &secret[separator + 1..]);
    if !hrp.iter().all(|b| (33..=126).contains(b)) {
        return false;
    }
    let polymod = |check: u32, value: u8| {
        let top = check >> 25;
        let mut check = ((check & 0x1ff_ffff) << 5) ^ u32::from(value);
        for (i, g) in GENERATOR.iter().enumerate() {
            if top >> i & 1 == 1 {
                check ^= g;
            }
        }
        check
    };
    let hrp = hrp.iter().map(u8::to_ascii_lowercase);
    let mut check = hrp.clone().fold(1, |c, b| polymod(c, b >> 5));
    check = polymod(check, 0);
    check = hrp.fold(check, |c, b| polymod(c, b & 31));
    for &b in data {
        let Some(value) = CHARSET.iter().position(|&c| c == b.to_ascii_lowercase()) else {
            return false;
        };
        check = polymod(check, value as u8);
    }
    check == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(prefix: &str, random: &str) -> String {
        format!(
            "{prefix}{random}{}",
            base62(u64::from(crc32fast::hash(random.as_bytes())), 6)
        )
    }

    #[test]
    fn basic_credentials() {
        use base64::Engine as _;
        let encode = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let check = |s: &str| Checksum::BasicCredentials.verify(encode(s).as_bytes(), b"");
        assert!(check("relay-monitor:YtjPebble#_kyjN2"));
        assert!(check("api:key-d03b0495e36e206952277da8080e20a6"));
        assert!(!check("relay-monitor"), "no colon");
        assert!(
            !check("user:pass"),
            "a password this short is a placeholder"
        );
        assert!(!check("deploy:$DEPLOY_TOKEN"), "a variable");
        assert!(!check(":YtjPebble#_kyjN2"), "no user");
        assert!(!check("user:\u{1}\u{2}binary-data"), "not text");
        assert!(!Checksum::BasicCredentials.verify(b"not base64!", b""));
    }

    /// Changes the byte at `i` to another one of the same class.
    fn alter(s: &str, i: usize) -> Vec<u8> {
        let mut bytes = s.as_bytes().to_vec();
        bytes[i] = match bytes[i] {
            b'0' => b'1',
            b'a' => b'b',
            b'A' => b'B',
            b if b.is_ascii_digit() => b'0',
            b if b.is_ascii_lowercase() => b'a',
            _ => b'A',
        };
        bytes
    }

    #[test]
    fn verifies_generated_tokens() {
        let t = token("ghp_", "k3Jd9sLq02mZx7RvT4nWb8YcA1eH5u");
        assert!(Checksum::Crc32Base62.verify(t.as_bytes(), b""));
    }

    #[test]
    fn rejects_altered_tokens() {
        let mut t = token("npm_", "k3Jd9sLq02mZx7RvT4nWb8YcA1eH5u").into_bytes();
        t[6] = if t[6] == b'a' { b'b' } else { b'a' };
        assert!(!Checksum::Crc32Base62.verify(&t, b""));
        assert!(!Checksum::Crc32Base62.verify(b"ghp_short", b""));
    }

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
    }

    #[test]
    fn crc32_hex_suffix() {
        let check = Checksum::Crc32HexSuffix;
        let body = "ATTA3f0c9d2b7e41a85c6d0e9f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6";
        let t = format!("{body}{:08X}", crc32fast::hash(body.as_bytes()));
        assert!(check.verify(t.as_bytes(), b""));
        assert!(!check.verify(&alter(&t, 10), b""));
        assert!(!check.verify(&alter(&t, t.len() - 1), b""));
        assert!(!check.verify(t.to_lowercase().as_bytes(), b""));
        assert!(!check.verify(b"DEADBEEF", b""));
        // The Atlassian form: the CRC covers the = before it.
        let body = "ATATT3xFfGF0Qm9w7vK2pL8xR4wB9cJ6hF1dS5gA0zE3yU8iO2eQ7rT1uW6zX4vY9bN=";
        let t = format!("{body}{:08X}", crc32fast::hash(body.as_bytes()));
        assert!(check.verify(t.as_bytes(), b""));
        assert!(!check.verify(&alter(&t, 20), b""));
    }

    #[test]
    fn grafana_crc32() {
        // The test vector of Grafana's satokengen.
        let vector = b"glsa_iNValIdinValiDinvalidinvalidinva_5b582697"; // leakhound:allow (Grafana test vector)
        assert!(Checksum::GrafanaCrc32.verify(vector, b""));
        let vector = std::str::from_utf8(vector).unwrap();
        assert!(!Checksum::GrafanaCrc32.verify(&alter(vector, 8), b""));
        assert!(!Checksum::GrafanaCrc32.verify(&alter(vector, 40), b""));
        assert!(!Checksum::GrafanaCrc32.verify(b"glsa", b""));
    }

    /// A routable token as GitLab's generator builds it.
    fn gitlab_token(prefix: &str, payload: &str) -> String {
        let head = format!("{prefix}{payload}.01.{:0>2}", payload.len());
        format!(
            "{head}{}",
            std::str::from_utf8(&base36_7(crc32fast::hash(head.as_bytes()))).unwrap()
        )
    }

    #[test]
    fn gitlab_routable() {
        let check = Checksum::GitlabRoutable;
        assert_eq!(&base36_7(0), b"0000000");
        assert_eq!(&base36_7(u32::MAX), b"1z141z3");
        let t = gitlab_token("glpat-", "W3mK9qLx2vR8tB5nZc7YdA1fH4jP6sUeG0");
        assert!(check.verify(t.as_bytes(), b"token: "));
        assert!(!check.verify(&alter(&t, 10), b""));
        assert!(!check.verify(&alter(&t, t.len() - 2), b""));
        // With an instance prefix, which the CRC covers.
        let t = gitlab_token("acme-glpat-", "W3mK9qLx2vR8tB5nZc7YdA1fH4jP6sUeG0");
        let secret = &t.as_bytes()["acme-".len()..];
        assert!(!check.verify(secret, b""));
        assert!(check.verify(secret, b"TOKEN=acme-"));
        assert!(!check.verify(secret, b"TOKEN=acne-"));
        assert!(!check.verify(b"1234567", b""));
    }

    #[test]
    fn bech32() {
        let check = Checksum::Bech32;
        // Valid strings from BIP 173.
        for valid in [
            "A12UEL5L",
            "a12uel5l",
            "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
            "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
        ] {
            assert!(check.verify(valid.as_bytes(), b""), "{valid}");
        }
        // Invalid ones from BIP 173 and a changed character.
        for invalid in ["A1G7SGD8", "1nwldj5", "li1dgmt3", "A12UeL5L", "a12uel5m"] {
            assert!(!check.verify(invalid.as_bytes(), b""), "{invalid}");
        }
    }
}
