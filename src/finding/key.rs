//! Finding ids and location fingerprints: derived from a slow, salted key
//! of the secret, so that reports, baselines and ignore files never give it
//! away.

use sha2::{Digest, Sha256};

fn hex_digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    let digest = hasher.finalize();
    faster_hex::hex_string(&digest[..12])
}

/// PBKDF2 rounds of a [`SecretKey`]: a few milliseconds per secret.
pub const KEY_ROUNDS: u32 = 1 << 14;

/// What finding ids and location fingerprints are derived from: the secret
/// stretched by PBKDF2-HMAC-SHA256 ([`KEY_ROUNDS`] rounds) with the rule id
/// in the salt.
///
/// Ids and fingerprints end up in reports, baselines and ignore files that
/// are committed and shared, so they must not give the secret away. A fast
/// hash would let anyone holding an ignore file test billions of guesses a
/// second against a short password; the salt rules out precomputed tables
/// and the rounds make each guess cost thousands of hash computations. A
/// keyed hash with a key kept outside the repository was the other choice;
/// it was not taken because ignore files and baselines must give the same
/// fingerprints on every laptop and CI runner without handing a key to each.
/// Guessable secrets (dictionary words) stay guessable at a cost: rotate a
/// secret rather than ignore it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// The key of `secret` under the rule `rule_id`.
    pub fn new(rule_id: &str, secret: &[u8]) -> SecretKey {
        let salt = [b"leakhound-key-v2\0".as_slice(), rule_id.as_bytes()].concat();
        let mut key = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(secret, &salt, KEY_ROUNDS, &mut key);
        SecretKey(key)
    }

    /// A key from its bytes ([`SecretKey::to_bytes`]), as a datastore
    /// keeps it.
    pub fn from_bytes(bytes: [u8; 32]) -> SecretKey {
        SecretKey(bytes)
    }

    /// The stretched key itself: it gives the secret away no more than an
    /// id does (a guess must redo the rounds).
    pub fn to_bytes(self) -> [u8; 32] {
        self.0
    }

    /// The finding id: the same secret under the same rule has the same id.
    pub fn id(&self) -> String {
        hex_digest(&[b"leakhound-secret-v2", &self.0])
    }

    /// The fingerprint of this secret at `path` (see
    /// [`super::Location::fingerprint`]).
    pub fn fingerprint(&self, path: &str) -> String {
        hex_digest(&[b"leakhound-location-v2", &self.0, path.as_bytes()])
    }
}

/// Hash identifying a secret under a rule, without revealing it.
pub fn secret_hash(rule_id: &str, secret: &[u8]) -> String {
    SecretKey::new(rule_id, secret).id()
}

/// Fingerprint of a secret at a path (see [`super::Location::fingerprint`]).
pub fn fingerprint(rule_id: &str, secret: &[u8], path: &str) -> String {
    SecretKey::new(rule_id, secret).fingerprint(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_stable_and_distinct() {
        assert_eq!(fingerprint("r", b"s", "p"), fingerprint("r", b"s", "p"));
        assert_ne!(fingerprint("r", b"s", "p"), fingerprint("r", b"s", "q"));
        assert_ne!(secret_hash("r", b"ab"), secret_hash("ra", b"b"));
        assert_eq!(secret_hash("r", b"s").len(), 24);
    }

    #[test]
    fn keys_are_stretched_and_salted_by_rule() {
        let key = SecretKey::new("rule-a", b"hunter2");
        assert_eq!(key, SecretKey::new("rule-a", b"hunter2"));
        assert_ne!(key, SecretKey::new("rule-b", b"hunter2"));
        // Not a plain hash of the secret: a guess must redo the rounds.
        let plain: [u8; 32] = Sha256::digest(b"hunter2").into();
        assert_ne!(key.0, plain);
        let mut one_round = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"hunter2", b"leakhound-key-v2\0rule-a", 1, &mut one_round);
        assert_ne!(key.0, one_round);
        assert_eq!(key.fingerprint("p"), fingerprint("rule-a", b"hunter2", "p"));
    }
}
