//! Microsoft's identifiable keys and common annotated security keys, both
//! checked with Marvin32.
//!
//! The formats and the reference implementation are Microsoft's
//! security-utilities (MIT licence): `IdentifiableSecrets.ValidateChecksum`,
//! `ValidateBase64Key` and `TryValidateCommonAnnotatedKey`.
//! <https://github.com/microsoft/security-utilities>

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;

use super::BASE62;

/// Checksum seeds of identifiable keys: an 8-character ASCII name read as a
/// big-endian integer (`ComputeHisV1ChecksumSeed`). A key is accepted when
/// any of them verifies it; with a 32-bit checksum, a look-alike passes one
/// of these by chance about once in 150 million.
const SEEDS: &[&[u8; 8]] = &[
    // Cosmos DB (ACDb)
    b"MastRW00",
    b"MastRO00",
    b"SysAll00",
    b"Resour00",
    b"SystRO00",
    b"SystRW00",
    b"Encryp00",
    // AI Search (AzSe): query and admin keys
    b"Query000",
    b"PAdmin00",
    // API Management (APIM): direct management, subscription, gateway, Git
    b"Tenant00",
    b"IoTHub00",
    b"Gatewy00",
    b"GitKey00",
    // Container Registry (+ACR)
    b"ACRDflt0",
    // Functions (AzFu): function, master (host) and system keys
    b"Functi00",
    b"Master00",
    b"System00",
    // IoT (AIoT): hub, device provisioning, device (hub shares IoTHub00)
    b"DpsKey00",
    b"Device00",
    // Service Bus, Event Hubs, Relay (+ASb, +AEh, +ARm)
    b"Send0000",
    b"Listen00",
    b"Manage00",
    b"Unknown0",
    // Batch (+ABa), Machine Learning classic (+AMC), Cache for Redis (AzCa)
    b"AbAcct00",
    b"Classic0",
    b"Access00",
    // Storage (+ASt), also the seed of common annotated keys
    b"Default0",
    // Event Grid (AZEG; Microsoft's own test keys use Default0)
    b"SendRecv",
    // SQL (+SQL)
    b"UsrPwd00",
];

/// The seed of common annotated security keys (`VersionTwoChecksumSeed`).
const COMMON_ANNOTATED_SEED: &[u8; 8] = b"Default0";

/// Marvin, the 64-bit keyed hash of .NET and SymCrypt.
fn marvin(data: &[u8], seed: u64) -> u64 {
    fn block(mut lo: u32, mut hi: u32) -> (u32, u32) {
        hi ^= lo;
        lo = lo.rotate_left(20).wrapping_add(hi);
        hi = hi.rotate_left(9) ^ lo;
        lo = lo.rotate_left(27).wrapping_add(hi);
        hi = hi.rotate_left(19);
        (lo, hi)
    }
    let (mut lo, mut hi) = (seed as u32, (seed >> 32) as u32);
    let mut words = data.chunks_exact(4);
    for word in &mut words {
        lo = lo.wrapping_add(u32::from_le_bytes(word.try_into().expect("4 bytes")));
        (lo, hi) = block(lo, hi);
    }
    // The 0-3 remaining bytes, then 0x80, as a little-endian word.
    let rest = words.remainder();
    let last = rest
        .iter()
        .rev()
        .fold(0x80u32, |word, &byte| (word << 8) | u32::from(byte));
    lo = lo.wrapping_add(last);
    (lo, hi) = block(lo, hi);
    (lo, hi) = block(lo, hi);
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Marvin folded to 32 bits, as keys carry it.
fn marvin32(data: &[u8], seed: u64) -> u32 {
    let hash = marvin(data, seed);
    (hash >> 32) as u32 ^ hash as u32
}

fn seed(name: &[u8; 8]) -> u64 {
    u64::from_be_bytes(*name)
}

/// Whether `key` is an identifiable key or a common annotated key with a
/// valid checksum.
pub(super) fn verify(key: &[u8]) -> bool {
    identifiable(key) || common_annotated(key) || redis_with_substitutions(key)
}

/// Standard or URL-safe base64, with or without padding, canonical.
fn decode(key: &[u8]) -> Option<Vec<u8>> {
    let end = key.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    let standard: Vec<u8> = key[..end]
        .iter()
        .map(|&b| match b {
            b'-' => b'+',
            b'_' => b'/',
            b => b,
        })
        .collect();
    STANDARD_NO_PAD.decode(standard).ok()
}

/// Identifiable keys: base64 of random bytes, a signature and, in the last
/// 4 bytes, the little-endian Marvin32 of everything before them.
fn identifiable(key: &[u8]) -> bool {
    let Some(bytes) = decode(key) else {
        return false;
    };
    checksum_matches(&bytes, SEEDS)
}

fn checksum_matches(bytes: &[u8], seeds: &[&[u8; 8]]) -> bool {
    if bytes.len() < 8 {
        return false;
    }
    let (data, check) = bytes.split_at(bytes.len() - 4);
    let expected = u32::from_le_bytes(check.try_into().expect("4 bytes"));
    seeds.iter().any(|&s| marvin32(data, seed(s)) == expected)
}

/// Common annotated security keys: 84 base62 characters with `JQQJ` at
/// offset 52 and the provider signature at 76, then the first 4 characters
/// of the base62 form of the Marvin32 (seed `Default0`) of the 60 bytes the
/// first 80 characters encode; 88 characters (ending in `==`) when all 6
/// characters are kept. Keys from before the base62 form carry the base64 of
/// the checksum bytes instead.
fn common_annotated(key: &[u8]) -> bool {
    let long = match key.len() {
        84 => false,
        88 => true,
        _ => return false,
    };
    if &key[52..56] != b"JQQJ" {
        return false;
    }
    let Ok(body) = STANDARD_NO_PAD.decode(&key[..80]) else {
        return false;
    };
    let sum = marvin32(&body, seed(COMMON_ANNOTATED_SEED)).to_le_bytes();
    let text = &key[80..];
    let end = text.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    if end >= 4 && base62_checksum(sum).starts_with(&text[..end]) {
        return true;
    }
    let raw = base64::engine::general_purpose::STANDARD.encode(&sum[..if long { 4 } else { 3 }]);
    raw.as_bytes() == text
}

/// The checksum text of common annotated keys: the 4 bytes read as a
/// big-endian number in base62 (one `0` kept per leading zero byte, at most
/// three, as Base62.Net does), padded with `0` to 6 characters, then passed
/// through base64 decoding and encoding, which clears the low 4 bits of the
/// sixth character.
fn base62_checksum(sum: [u8; 4]) -> [u8; 6] {
    let zeros = sum.iter().take_while(|&&b| b == 0).count().min(3);
    let mut value = u32::from_be_bytes(sum);
    let mut digits = Vec::with_capacity(6);
    loop {
        digits.push(BASE62[(value % 62) as usize]);
        value /= 62;
        if value == 0 {
            break;
        }
    }
    digits.extend(std::iter::repeat_n(b'0', zeros));
    digits.reverse();
    let mut text = [b'0'; 6];
    text[..digits.len()].copy_from_slice(&digits);
    const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let sixth = BASE64
        .iter()
        .position(|&c| c == text[5])
        .expect("base62 is base64");
    text[5] = BASE64[sixth & 0x30];
    text
}

/// Azure Cache for Redis issues keys with `+` and `/` replaced by `P` and
/// `F` (Microsoft's validator has a special case for them). Such a key
/// verifies once the replaced characters are read back; which `P` and `F`
/// were replaced is unknown, so every combination is tried (a key has a
/// couple of them; keys with more than 12 are not tried).
fn redis_with_substitutions(key: &[u8]) -> bool {
    const SIGNATURE: &[u8] = b"AzCa";
    let unpadded = key.iter().rposition(|&b| b != b'=').map_or(0, |i| i + 1);
    if unpadded < 10 || &key[unpadded - 10..unpadded - 6] != SIGNATURE {
        return false;
    }
    let positions: Vec<usize> = (0..unpadded)
        .filter(|&i| key[i] == b'P' || key[i] == b'F')
        .collect();
    if positions.is_empty() || positions.len() > 12 {
        return false;
    }
    let mut candidate = key.to_vec();
    (1u32..1 << positions.len()).any(|mask| {
        for (bit, &i) in positions.iter().enumerate() {
            candidate[i] = match (mask >> bit & 1 == 1, key[i]) {
                (true, b'P') => b'+',
                (true, _) => b'/',
                (false, c) => c,
            };
        }
        decode(&candidate).is_some_and(|bytes| checksum_matches(&bytes, &[b"Access00"]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SymCrypt's Marvin32 test vector and the skeeto/marvin32 ones that
    /// Microsoft's security-utilities test against.
    #[test]
    fn marvin_test_vectors() {
        assert_eq!(marvin(b"abc", 0xd53cd9cecd0893b7), 0x22c74339492769bf);
        assert_eq!(
            marvin(b"abcdefghijklmnopqrstuvwxyz", 0xddddeeeeffff000),
            0xa128eb7e7260aca2
        );
        let seed0 = 0x004fb61a001bdbcc;
        let seed1 = 0x804fb61a001bdbcc;
        let seed2 = 0x804fb61a801bdbcc;
        let cases: [(u64, &[u8], u64); 12] = [
            (seed0, b"", 0x30ed35c100cd3c7d),
            (seed0, b"\xaf", 0x48e73fc77d75ddc1),
            (seed0, b"\xe7\x0f", 0xb5f6e1fc485dbff8),
            (seed0, b"\x37\xf4\x95", 0xf0b07c789b8cf7e8),
            (seed0, b"\x86\x42\xdc\x59", 0x7008f2e87e9cf556),
            (seed0, b"\x15\x3f\xb7\x98\x26", 0xe6c08c6da2afa997),
            (seed0, b"\x09\x32\xe6\x24\x6c\x47", 0x6f04bf1a5ea24060),
            (seed1, b"\xab\x42\x7e\xa8\xd1\x0f\xc7", 0xe203987dba252fb3),
            (seed2, b"\x00\xff\x00\xff", 0x24eaa279d9a529ca),
            (seed2, b"\xff\x00\xff\x00\xff", 0x920b62bbca3e0b72),
            (seed2, b"\x00\xff\x00\xff\x00\xff", 0xec21276a17e821a5),
            (seed2, b"\xff\x00\xff\x00\xff\x00\xff", 0xfdfd187b1d3ce784),
        ];
        for (seed, data, expected) in cases {
            assert_eq!(marvin(data, seed), expected, "{data:?}");
        }
    }

    #[test]
    fn seeds_are_names_read_big_endian() {
        assert_eq!(seed(b"Default0"), 0x44656661756c7430);
        assert_eq!(seed(b"SendRecv"), 0x53656e6452656376);
    }

    /// Keys from the test suites of Microsoft's security-utilities, each
    /// generated with a different seed and signature.
    const MICROSOFT_FIXTURES: [&str; 16] = [
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+ARmD7h+qo=",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+AEhG2s/8w=",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+ASbHpHeAI",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAIoTOumzco=",
        "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbAZEGLiQbng=",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAzSeCjhzCu",
        "dddddddddddddddddddddddddddddddddddddddddd+ACRCUDxQE",
        "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee+ACRCTB7t/",
        "ddddddddddddddddddddddddddddddddddddddddddddAzFu182vhA==",
        "ddddddddddddddddddddddddddddddddddddddddddddAzFu182vhA",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+ASt5mnCaw==",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaACDbOpqrYA==",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+ABa13FZVQ==",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa+AMCFNqWyA==",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaAPIMHbKhsQ==",
        // A common annotated key (long form, base64 checksum bytes).
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAJQQJ99AGAAAAAAAAAAAAAAAAABCDTZJ9JA==",
    ];

    /// Changes one character of the checksum part to another base64 one.
    fn alter(key: &str, from_end: usize) -> Vec<u8> {
        let mut bytes = key.as_bytes().to_vec();
        let i = bytes.iter().rposition(|&b| b != b'=').unwrap() - from_end;
        bytes[i] = if bytes[i] == b'B' { b'C' } else { b'B' };
        bytes
    }

    #[test]
    fn accepts_microsoft_fixtures() {
        for key in MICROSOFT_FIXTURES {
            assert!(verify(key.as_bytes()), "{key}");
        }
    }

    #[test]
    fn rejects_altered_fixtures() {
        for key in MICROSOFT_FIXTURES {
            for from_end in [1, 3] {
                assert!(!verify(&alter(key, from_end)), "{key} altered {from_end}");
            }
            // A changed character in the random part breaks it too.
            let mut bytes = key.as_bytes().to_vec();
            bytes[5] = b'Z';
            assert!(!verify(&bytes), "{key} with a changed body");
        }
    }

    /// Builds a 64-byte identifiable key: 76 characters, a signature, and
    /// the checksum under `seed`.
    fn identifiable_key(random: &str, signature: &str, seed_name: &[u8; 8]) -> String {
        let head = format!("{random}{signature}");
        assert_eq!(head.len(), 80);
        let mut bytes = STANDARD_NO_PAD.decode(&head).unwrap();
        let sum = marvin32(&bytes, seed(seed_name));
        bytes.extend(sum.to_le_bytes());
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    #[test]
    fn verifies_generated_keys_under_every_seed() {
        let random = "k3Jd9sLq02mZx7RvT4nWb8YcA1eH5u+Pq9Lz/Vb6Nc2Xw8Ks4Tj7Rm1Hd5Gf3Qa0Ue6Yi9Ob2Lp4";
        for name in SEEDS {
            let key = identifiable_key(random, "+ASt", name);
            assert!(verify(key.as_bytes()), "{key}");
            let url_safe = key.replace('+', "-").replace('/', "_");
            assert!(verify(url_safe.trim_end_matches('=').as_bytes()));
        }
        let key = identifiable_key(random, "ACDb", b"Wrong000");
        assert!(!verify(key.as_bytes()));
    }

    /// Builds a common annotated key from its first 80 characters.
    fn common_annotated_key(head: &str) -> String {
        assert_eq!(head.len(), 80);
        let body = STANDARD_NO_PAD.decode(head).unwrap();
        let sum = marvin32(&body, seed(COMMON_ANNOTATED_SEED)).to_le_bytes();
        let text = base62_checksum(sum);
        format!("{head}{}", std::str::from_utf8(&text[..4]).unwrap())
    }

    #[test]
    fn verifies_common_annotated_keys() {
        let head =
            "Tq3vN8mK2pL7xR4wB9cJ6hF1dS5gA0zE3yU8iO2eQ7rT1uW6zX4vJQQJ99BFACAAAAAAAAAAAAAAAZDO";
        let key = common_annotated_key(head);
        assert!(verify(key.as_bytes()), "{key}");
        assert!(!verify(&alter(&key, 0)));
        assert!(!verify(&alter(&key, 3)));
        // Not a common annotated key without JQQJ at offset 52.
        let moved = key.replacen("JQQJ", "JQQK", 1);
        assert!(!verify(moved.as_bytes()));
    }

    #[test]
    fn base62_checksum_keeps_leading_zero_bytes() {
        assert_eq!(&base62_checksum([0, 0, 0, 0]), b"00000w");
        assert_eq!(&base62_checksum([0, 0, 0, 5]), b"00050w");
        assert_eq!(&base62_checksum([0, 0, 1, 0]), b"00480w");
        // 0xffffffff is 4gfFC3 in base62; the sixth character loses its low
        // bits in the base64 round trip (3 is 55 in base64, 55 & 0x30 = w).
        assert_eq!(&base62_checksum([0xff; 4]), b"4gfFCw");
    }

    #[test]
    fn redis_keys_with_replaced_characters() {
        // A 32-byte AzCa key whose checksum characters include + and /.
        let mut bytes = STANDARD_NO_PAD
            .decode("Rq3vN8mK2pL7xR4wB9cJ6hF1dS5gA0zE3AzCaAAAAAA")
            .unwrap();
        bytes.truncate(32);
        let found = (0u32..).find_map(|n| {
            bytes[..4].copy_from_slice(&n.to_le_bytes());
            let sum = marvin32(&bytes[..28], seed(b"Access00"));
            bytes[28..].copy_from_slice(&sum.to_le_bytes());
            let key = base64::engine::general_purpose::STANDARD.encode(&bytes);
            (key[37..].contains('+') || key[37..].contains('/')).then_some(key)
        });
        let key = found.unwrap();
        assert!(verify(key.as_bytes()), "{key}");
        let replaced = key.replace('+', "P").replace('/', "F");
        assert!(!identifiable(replaced.as_bytes()));
        assert!(verify(replaced.as_bytes()), "{replaced}");
        assert!(!verify(&alter(&replaced, 2)));
    }
}
