//! How random a value looks: Shannon entropy and character classes.

/// Shannon entropy of `bytes` in bits per byte.
pub fn entropy(bytes: &[u8]) -> f32 {
    entropy::shannon_entropy(bytes)
}

/// How many of upper case, lower case, digits and other characters occur.
pub fn char_classes(bytes: &[u8]) -> usize {
    let mut seen = [false; 4];
    for &b in bytes {
        let class = match b {
            b'A'..=b'Z' => 0,
            b'a'..=b'z' => 1,
            b'0'..=b'9' => 2,
            _ => 3,
        };
        seen[class] = true;
    }
    seen.iter().filter(|&&s| s).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_bounds() {
        assert!(entropy(b"aaaa") < 0.01);
        assert!((entropy(b"abcd") - 2.0).abs() < 0.01);
    }
}
