//! Checksums embedded in some token formats.
//!
//! A token whose checksum does not verify is a typo, a truncated copy or made
//! up, so checking it removes false positives at no cost in recall.

use serde::{Deserialize, Serialize};

/// A checksum scheme a rule's secret must satisfy.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Checksum {
    /// GitHub and npm tokens: `prefix_` + 30 base62 characters + the CRC32
    /// of those 30 characters in 6 base62 digits (`0-9A-Za-z`).
    /// <https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/>
    Crc32Base62,
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

impl Checksum {
    /// Whether `secret` carries a valid checksum.
    pub fn verify(self, secret: &[u8]) -> bool {
        match self {
            Checksum::Crc32Base62 => verify_crc32_base62(secret),
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
    fn verifies_generated_tokens() {
        let t = token("ghp_", "k3Jd9sLq02mZx7RvT4nWb8YcA1eH5u");
        assert!(Checksum::Crc32Base62.verify(t.as_bytes()));
    }

    #[test]
    fn rejects_altered_tokens() {
        let mut t = token("npm_", "k3Jd9sLq02mZx7RvT4nWb8YcA1eH5u").into_bytes();
        t[6] = if t[6] == b'a' { b'b' } else { b'a' };
        assert!(!Checksum::Crc32Base62.verify(&t));
        assert!(!Checksum::Crc32Base62.verify(b"ghp_short"));
    }

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
    }
}
