//! Filters that turn regex matches into likely secrets: entropy,
//! placeholders, well-known documentation values.

/// Shannon entropy of `bytes` in bits per byte.
pub fn entropy(bytes: &[u8]) -> f32 {
    entropy::shannon_entropy(bytes)
}

/// Values published in provider documentation; they are examples, not
/// secrets, wherever they appear.
const DOCUMENTED_EXAMPLES: &[&str] = &[
    // AWS documentation's key pair.
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    // Stripe's documented test-mode key.
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    // The token shown on jwt.io.
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
];

/// Lowercase words that mark a value as a stand-in for a real secret.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
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

/// Template and reference syntax: the value is filled in elsewhere.
const TEMPLATE_MARKERS: &[&str] = &["${", "{{", "}}", "%(", "$(", "<%", "%>", "#{", "[[", "]]"];

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
    if TEMPLATE_MARKERS
        .iter()
        .any(|m| memchr::memmem::find(secret, m.as_bytes()).is_some())
    {
        return true;
    }
    if secret.first() == Some(&b'<') && secret.last() == Some(&b'>') {
        return true;
    }
    let mut lower = [0u8; 256];
    let lower = &mut lower[..secret.len().min(256)];
    lower.copy_from_slice(&secret[..lower.len()]);
    lower.make_ascii_lowercase();
    if PLACEHOLDER_WORDS
        .iter()
        .any(|w| memchr::memmem::find(lower, w.as_bytes()).is_some())
    {
        return true;
    }
    longest_run(secret) >= 6 || longest_sequence(secret) >= 6 || few_distinct(secret)
}

/// Length of the longest run of one repeated byte (`xxxxxx`, `000000`).
fn longest_run(bytes: &[u8]) -> usize {
    let mut best = 0;
    let mut run = 0;
    let mut prev = None;
    for &b in bytes {
        run = if Some(b) == prev { run + 1 } else { 1 };
        best = best.max(run);
        prev = Some(b);
    }
    best
}

/// Length of the longest run of consecutive ascending or descending
/// alphanumerics (`123456`, `abcdef`, `987654`).
fn longest_sequence(bytes: &[u8]) -> usize {
    let mut best = 1.min(bytes.len());
    let (mut up, mut down) = (1, 1);
    for pair in bytes.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let alnum = a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric();
        up = if alnum && b == a.wrapping_add(1) {
            up + 1
        } else {
            1
        };
        down = if alnum && a == b.wrapping_add(1) {
            down + 1
        } else {
            1
        };
        best = best.max(up).max(down);
    }
    best
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
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p} should be a placeholder");
        }
    }

    #[test]
    fn random_values_are_not_placeholders() {
        for s in [
            "q8Zr2LmN5vXc0Tb7",
            "sk_live_51Hq8Zr2LmN5vXc0Tb7Yw3Pd",
            "9f86d081884c7d659a2feaa0c55ad015",
        ] {
            assert!(!is_placeholder(s.as_bytes()), "{s} is not a placeholder");
        }
    }

    #[test]
    fn runs_and_sequences() {
        assert_eq!(longest_run(b"abbbbc"), 4);
        assert_eq!(longest_sequence(b"x12345y"), 5);
        assert_eq!(longest_sequence(b"zyxw"), 4);
        assert_eq!(longest_sequence(b""), 0);
    }

    #[test]
    fn entropy_bounds() {
        assert!(entropy(b"aaaa") < 0.01);
        assert!((entropy(b"abcd") - 2.0).abs() < 0.01);
    }
}
