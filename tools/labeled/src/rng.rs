//! A small deterministic PRNG and the encoders the generator needs.

/// A xorshift generator: the same seed gives the same repository.
pub struct Rng(u64);

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const LETTERS: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
pub const UPPER_ALNUM: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
pub const LOWER_ALNUM: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
pub const HEX: &str = "0123456789abcdef";
pub const BASE64: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const URLSAFE: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        for _ in 0..8 {
            rng.next();
        }
        rng
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// True `percent` times out of 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }

    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }

    /// `len` characters from `alphabet`, never three equal characters in a
    /// row and never an ascending step (`ab`, `34`), so that a value does
    /// not look like a placeholder or a sequence by chance.
    pub fn string(&mut self, alphabet: &str, len: usize) -> String {
        let alphabet = alphabet.as_bytes();
        let mut out: Vec<u8> = Vec::with_capacity(len);
        while out.len() < len {
            let c = alphabet[self.below(alphabet.len())];
            let n = out.len();
            let run = n >= 2 && out[n - 1] == c && out[n - 2] == c;
            let step = n >= 1 && out[n - 1].wrapping_add(1) == c;
            if !run && !step {
                out.push(c);
            }
        }
        String::from_utf8(out).expect("ASCII alphabet")
    }

    /// A string of digits without a leading zero.
    pub fn digits(&mut self, len: usize) -> String {
        let first = self.string("123456789", 1);
        format!("{first}{}", self.string(DIGITS, len - 1))
    }

    /// A random (version 4 shaped) UUID.
    pub fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-{}{}-{}",
            self.string(HEX, 8),
            self.string(HEX, 4),
            self.string(HEX, 3),
            self.pick(&["8", "9", "a", "b"]),
            self.string(HEX, 3),
            self.string(HEX, 12)
        )
    }
}

/// Base64 with the standard alphabet and padding.
pub fn base64(bytes: &[u8]) -> String {
    encode64(bytes, BASE64.as_bytes(), true)
}

/// Base64 with the URL-safe alphabet, without padding.
pub fn base64url(bytes: &[u8]) -> String {
    encode64(bytes, URLSAFE.as_bytes(), false)
}

fn encode64(bytes: &[u8], alphabet: &[u8], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..4 {
            if i < chars {
                out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

/// Encodes `value` in `width` base62 digits (`0-9A-Za-z`), most
/// significant first, keeping the lowest `width` digits: the checksum of
/// GitHub and npm tokens is their CRC32 in 6 of them.
pub fn base62(mut value: u64, width: usize) -> String {
    const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut digits = vec![b'0'; width];
    for slot in digits.iter_mut().rev() {
        *slot = BASE62[(value % 62) as usize];
        value /= 62;
    }
    String::from_utf8(digits).expect("base62 digits are ASCII")
}

/// Percent-encodes every byte that is not unreserved in a URL.
pub fn percent_encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Writes every character of `text` as a JSON `\uXXXX` escape.
pub fn unicode_escape_all(text: &str) -> String {
    text.chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect()
}

/// Hard-wraps `text` every `width` characters.
pub fn wrap(text: &str, width: usize) -> String {
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(width)
        .map(|c| std::str::from_utf8(c).expect("ASCII"))
        .collect();
    lines.join("\n")
}

/// `NAME_LIKE_THIS` → `nameLikeThis`.
pub fn camel(name: &str) -> String {
    let pascal = pascal(name);
    let mut chars = pascal.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `NAME_LIKE_THIS` → `NameLikeThis`.
pub fn pascal(name: &str) -> String {
    name.split('_')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// `NAME_LIKE_THIS` → `name_like_this`.
pub fn snake(name: &str) -> String {
    name.to_ascii_lowercase()
}

/// `NAME_LIKE_THIS` → `name.like.this`.
pub fn dotted(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', ".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_known_values() {
        assert_eq!(base64(b"pypi.org"), "cHlwaS5vcmc=");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn base62_matches_known_values() {
        assert_eq!(base62(0, 6), "000000");
        assert_eq!(base62(61, 2), "0z");
        assert_eq!(base62(62, 2), "10");
        assert_eq!(base62(u64::from(u32::MAX), 6), "4gfFC3");
        assert_eq!(base62(u64::from(crc32fast::hash(b"pypi.org")), 6), "48rjUJ");
        assert_eq!(base62(62u64.pow(6) + 1, 6), "000001", "the lowest digits");
    }
}
