//! Where a secret sits: test code, documentation, or third-party code.
//!
//! Ordinary code holds few live secrets; most of what a scanner finds in it
//! is a test key or a documented example. A location's [`CodeKind`], read
//! from its path and its line, lowers its confidence so that the default
//! report leaves those out and `--min-confidence low` brings them back.

use serde::{Deserialize, Serialize};

use crate::rules::Confidence;

/// The kind of code a location is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CodeKind {
    /// Tests and fixtures: `tests/`, `testdata/`, `foo_test.go`,
    /// `test_foo.py`, `Foo.spec.ts`.
    Test,
    /// Documentation and examples: `docs/`, `examples/`, `README.md`,
    /// `*.rst`, doc comments and doctests, lines aimed at `example.com`.
    Example,
    /// Third-party code: `vendor/`, `node_modules/`, `third_party/`,
    /// `site-packages/`.
    Vendored,
}

impl CodeKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Test => "test",
            CodeKind::Example => "example",
            CodeKind::Vendored => "vendored",
        }
    }

    /// `confidence` lowered for this context: one step for tests and
    /// third-party code, two for a key block in a test (a test key); for
    /// documentation two steps, except that a
    /// provider-format match (high confidence) that is not recognisably a
    /// `sample` (see [`is_sample`]) loses only one and so stays in the
    /// default report.
    ///
    /// A `strong` secret of a rule that asks for it (see
    /// [`crate::rules::RuleSyntax::strong_in_docs`]) is not lowered.
    ///
    /// Documentation's generic matches are nearly always illustrations. A
    /// provider token's example works with a placeholder, and documented
    /// example values are dropped before this, so a well-formed one in a
    /// runbook or a README is far more often pasted from a live account.
    pub fn lower(self, confidence: Confidence, sample: bool, strong: bool) -> Confidence {
        match self {
            // A key block in a test is a test key: the default report
            // leaves it out (a copy outside test code raises it again, see
            // `Findings::keep_confidence_outside_contexts`).
            CodeKind::Test if sample => confidence.lower().lower(),
            CodeKind::Test | CodeKind::Vendored => confidence.lower(),
            CodeKind::Example if confidence == Confidence::High && !sample => confidence.lower(),
            CodeKind::Example if confidence == Confidence::Medium && strong && !sample => {
                confidence
            }
            CodeKind::Example => confidence.lower().lower(),
        }
    }
}

/// Whether a secret is strong enough not to be an illustration: 12 bytes or
/// more, and either random-looking (3.5 bits per byte or more) or built the
/// way password policies ask (upper case, lower case, digits and a symbol,
/// at 3 bits per byte or more: `966otter_Willow`, whose repeated letters
/// keep it under 3.5). Documentation's illustrations (`secret-password`,
/// `mypassword123`) have neither.
pub fn is_strong(secret: &[u8]) -> bool {
    let entropy = crate::entropy::entropy(secret);
    secret.len() >= 12
        && (entropy >= 3.5 || (entropy >= 3.0 && crate::entropy::char_classes(secret) == 4))
}

/// Whether a private key is encrypted, so not usable without its
/// passphrase: a PEM block with `Proc-Type: 4,ENCRYPTED`, PKCS #8's
/// `ENCRYPTED PRIVATE KEY`, an OpenSSH key whose cipher is not `none`, or a
/// PuTTY key file whose `Encryption` is not `none`.
pub fn is_encrypted_key(secret: &[u8]) -> bool {
    let has = |needle: &[u8]| memchr::memmem::find(secret, needle).is_some();
    if secret.starts_with(b"-----BEGIN OPENSSH PRIVATE KEY-----") {
        return openssh_cipher(secret).is_some_and(|cipher| cipher != b"none");
    }
    secret.starts_with(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || (secret.starts_with(b"-----BEGIN") && has(b"Proc-Type: 4,ENCRYPTED"))
        || (secret.starts_with(b"PuTTY-User-Key-File-")
            && has(b"Encryption: ")
            && !has(b"Encryption: none"))
}

/// The cipher name an OpenSSH private key block declares (`none` when it
/// is not encrypted), read from the start of its base64 body.
fn openssh_cipher(block: &[u8]) -> Option<Vec<u8>> {
    use base64::Engine as _;
    let header = b"-----BEGIN OPENSSH PRIVATE KEY-----".len();
    let body: Vec<u8> = block[header..]
        .iter()
        .copied()
        .filter(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/'))
        .take(64)
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&body[..body.len() / 4 * 4])
        .ok()?;
    let rest = bytes.strip_prefix(b"openssh-key-v1\0")?;
    let len = u32::from_be_bytes(rest.get(..4)?.try_into().ok()?) as usize;
    rest.get(4..4 + len).map(<[u8]>::to_vec)
}

/// Whether a match is recognisably a sample: a key block (PEM armour, a
/// PuTTY key file: an example that loads a key needs a complete one, so
/// documentation is full of real-looking sample keys), or a value on a line
/// aimed at a host reserved for documentation.
pub fn is_sample(secret: &[u8], line: &str) -> bool {
    secret.starts_with(b"-----BEGIN")
        || secret.starts_with(b"PuTTY-User-Key-File-")
        || addresses_example_host(line)
}

const TEST_DIRS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "__tests__",
    "spec",
    "specs",
    "testdata",
    "test_data",
    "test-data",
    "fixture",
    "fixtures",
    "__fixtures__",
    "mock",
    "mocks",
    "__mocks__",
    "e2e",
    "dummyserver",
    "bench",
    "benches",
    "benchmark",
    "benchmarks",
    "t",
    "unit",
];

const EXAMPLE_DIRS: &[&str] = &[
    "doc",
    "docs",
    "documentation",
    "example",
    "examples",
    "sample",
    "samples",
    "demo",
    "demos",
    "tutorial",
    "tutorials",
];

const VENDOR_DIRS: &[&str] = &[
    "vendor",
    "vendored",
    "node_modules",
    "bower_components",
    "third_party",
    "third-party",
    "thirdparty",
    "site-packages",
    "dist-packages",
];

const DOC_EXTENSIONS: &[&str] = &[".md", ".markdown", ".rst", ".adoc", ".asciidoc", ".mdx"];

/// The context of a location, from its project-relative path and the text
/// of its line.
///
/// ```
/// use leakhound::classify::{classify, CodeKind};
/// assert_eq!(classify("pkg/client_test.go", "key := \"...\""), Some(CodeKind::Test));
/// assert_eq!(classify("README.md", "export TOKEN=..."), Some(CodeKind::Example));
/// assert_eq!(classify("src/lib.rs", "/// let key = \"...\";"), Some(CodeKind::Example));
/// assert_eq!(classify("node_modules/x/index.js", "k = 1"), Some(CodeKind::Vendored));
/// assert_eq!(classify("src/settings.py", "SECRET_KEY = '...'"), None);
/// assert_eq!(classify("src/api.py", "Client('https://api.example.com', key)"), Some(CodeKind::Example));
/// assert_eq!(classify("src/api.py", "Client('https://myexample.com', key)"), None);
/// ```
pub fn classify(path: &str, line: &str) -> Option<CodeKind> {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split(['/', '\\']).collect();
    let file = segments.pop().unwrap_or_default();
    let original = path.rsplit(['/', '\\']).next().unwrap_or_default();
    if segments.iter().any(|s| test_dir(s)) || test_file(original) {
        Some(CodeKind::Test)
    } else if segments
        .iter()
        .any(|s| s.split(['-', '_', '.']).any(|w| EXAMPLE_DIRS.contains(&w)))
        || doc_file(file)
        || example_data_file(file)
        || doc_comment(line)
        || addresses_example_host(line)
    {
        Some(CodeKind::Example)
    } else if segments.iter().any(|s| VENDOR_DIRS.contains(s)) {
        Some(CodeKind::Vendored)
    } else {
        None
    }
}

/// Words of a directory name that mark test code: `tests`,
/// `integration_tests`, `aws-signing-test-suite`.
const TEST_WORDS: &[&str] = &["test", "tests", "testing", "testdata", "testsuite"];

fn test_dir(segment: &str) -> bool {
    TEST_DIRS.contains(&segment)
        || segment
            .split(['-', '_', '.'])
            .any(|word| TEST_WORDS.contains(&word))
}

/// `test_x.py`, `x_test.go`, `x.spec.ts`, `conftest.py`, and camel-case
/// `FooTest.java` or `FooTests.cs` (but not `latest.py` or `attest.rs`).
fn test_file(file: &str) -> bool {
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    let lower = stem.to_ascii_lowercase();
    let camel = ["Test", "Tests", "Spec"].iter().any(|s| {
        stem.strip_suffix(s)
            .and_then(|rest| rest.chars().last())
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    file == "conftest.py"
        || camel
        || lower
            .split(['-', '_', '.'])
            .any(|word| TEST_WORDS.contains(&word) || word == "spec")
}

/// The documentation variables of Ansible modules and plugins.
const ANSIBLE_DOCS: [&str; 3] = ["EXAMPLES", "DOCUMENTATION", "RETURN"];

/// Byte ranges of documentation strings: triple-quoted strings that open
/// a line (Python docstrings, not `KEY = """...`), and Ansible's
/// `EXAMPLES`/`DOCUMENTATION`/`RETURN` blocks, as Python strings or as
/// block scalars of a plugin's YAML documentation file.
pub fn doc_strings(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = yaml_doc_blocks(text);
    if memchr::memmem::find(text, b"\"\"\"").is_none()
        && memchr::memmem::find(text, b"'''").is_none()
    {
        return ranges;
    }
    let mut i = 0;
    while i + 3 <= text.len() {
        let quote = &text[i..i + 3];
        if quote != b"\"\"\"" && quote != b"'''" {
            i += 1;
            continue;
        }
        let close = memchr::memmem::find(&text[i + 3..], quote).map(|j| i + 3 + j);
        let end = close.map_or(text.len(), |c| c + 3);
        if opens_doc(text, i) {
            ranges.push(i..end);
        }
        i = end;
    }
    ranges
}

/// Whether a line addresses a host reserved for documentation (RFC 2606:
/// `example.com`, `example.org`, `example.net` and their subdomains): a
/// call or a URL aimed at one is an example, since nothing live answers
/// there.
fn addresses_example_host(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["example.com", "example.org", "example.net"]
        .iter()
        .any(|host| {
            memchr::memmem::find_iter(lower.as_bytes(), host.as_bytes()).any(|at| {
                let before = lower.as_bytes()[..at].last();
                let after = lower.as_bytes().get(at + host.len());
                let starts = before.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
                let ends = after.is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'-');
                starts && ends
            })
        })
}

/// Top-level YAML block scalars named like Ansible's documentation
/// variables (`EXAMPLES: |` at the start of a line), each up to the next
/// line that starts in the first column.
fn yaml_doc_blocks(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    for name in ANSIBLE_DOCS {
        let key = format!("{name}:");
        for at in memchr::memmem::find_iter(text, key.as_bytes()) {
            let line_start = at == 0 || text[at - 1] == b'\n';
            let rest = &text[at + key.len()..];
            let line_end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
            let value = String::from_utf8_lossy(&rest[..line_end]);
            let block = value.trim().starts_with(['|', '>']);
            if !(line_start && block) {
                continue;
            }
            let body = at + key.len() + line_end;
            ranges.push(at..block_end(text, body));
        }
    }
    ranges
}

/// Where a YAML block that starts at `from` (a line break) ends: at the
/// line break before the next line that begins with a character other
/// than a space or a break.
fn block_end(text: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(nl) = memchr::memchr(b'\n', &text[i..]) {
        let next = i + nl + 1;
        match text.get(next) {
            Some(b' ' | b'\t' | b'\n' | b'\r') => i = next,
            Some(_) => return next - 1,
            None => return text.len(),
        }
    }
    text.len()
}

/// Whether the string opening at `quote` is documentation: only
/// whitespace (and a string prefix) before it on its line, or an Ansible
/// documentation variable.
fn opens_doc(text: &[u8], quote: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &text[..quote]).map_or(0, |i| i + 1);
    let before = String::from_utf8_lossy(&text[line_start..quote]);
    let before = before.trim();
    let before = before.trim_end_matches(['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F']);
    before.is_empty()
        || ANSIBLE_DOCS.iter().any(|name| {
            before
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim() == "=")
        })
}

/// Whether a secret's own line names it a test or stand-in value:
/// `TEST_HASH = "..."`, `fake_token = "..."`. `before` is the text of the
/// line before the secret.
pub fn test_name(before: &str) -> bool {
    // Only the name just before the value: the last few words.
    let words: Vec<&str> = before
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words[words.len().saturating_sub(4)..]
        .iter()
        .flat_map(|word| camel_words(word))
        .any(|word| {
            let word = word.to_ascii_lowercase();
            matches!(
                word.as_str(),
                "test" | "tests" | "dummy" | "fake" | "mock" | "sample"
            )
        })
}

/// The words of a camel-case name: `kTestKey` is `k`, `Test`, `Key`
/// (`latest` and `Contest` stay whole).
fn camel_words(name: &str) -> Vec<&str> {
    let bytes = name.as_bytes();
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        if bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase() {
            words.push(&name[start..i]);
            start = i;
        }
    }
    words.push(&name[start..]);
    words
}

/// Offset where Rust test code starts in `text`: the first
/// `#[cfg(test)]` at the start of a line. Matches after it are in a test
/// module (by convention the last item of a file).
pub fn rust_test_module(text: &[u8]) -> Option<usize> {
    memchr::memmem::find_iter(text, b"#[cfg(test)]").find(|&i| {
        text[..i]
            .iter()
            .rev()
            .take_while(|&&b| b != b'\n')
            .all(|b| b.is_ascii_whitespace())
    })
}

/// API descriptions and example data: `service-2.json` and
/// `examples-1.json` (AWS SDK models), `openapi.json`, `*.openapi.yaml`,
/// `swagger.json`, `spec3.json` (Stripe's OpenAPI description), and JSON or
/// YAML files named as examples (`example.json`, `examples-1.json`). Their
/// values are documentation of an API, not its configuration.
fn example_data_file(file: &str) -> bool {
    let Some((stem, extension)) = file.rsplit_once('.') else {
        return false;
    };
    if !matches!(extension, "json" | "yaml" | "yml") {
        return false;
    }
    let words: Vec<&str> = stem.split(['-', '_', '.']).collect();
    let numbered = |name: &str| {
        words.len() == 2 && words[0] == name && words[1].bytes().all(|b| b.is_ascii_digit())
    };
    numbered("service")
        || words
            .iter()
            .any(|w| matches!(*w, "openapi" | "swagger" | "example" | "examples"))
        || matches!(stem, "spec3" | "spec3.sdk")
}

fn doc_file(file: &str) -> bool {
    DOC_EXTENSIONS.iter().any(|e| file.ends_with(e))
        // Python package metadata embeds the README.
        || file == "pkg-info"
        || file == "metadata"
        || file.starts_with("readme")
        || file.starts_with("changelog")
}

/// Rust, Javadoc and doctest lines: `///`, `//!`, ` * `, `>>> `.
fn doc_comment(line: &str) -> bool {
    let line = line.trim_start_matches('…').trim_start();
    ["///", "//!", "* ", ">>> ", "... ", "@example"]
        .iter()
        .any(|p| line.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let cases = [
            ("tests/fixtures/keys.env", Some(CodeKind::Test)),
            ("app/src/test/java/FooTest.java", Some(CodeKind::Test)),
            ("lib/FooTest.java", Some(CodeKind::Test)),
            ("lib/widget.spec.ts", Some(CodeKind::Test)),
            ("pkg/test_client.py", Some(CodeKind::Test)),
            ("integration_tests/run.sh", Some(CodeKind::Test)),
            ("docs/setup.txt", Some(CodeKind::Example)),
            ("guide.rst", Some(CodeKind::Example)),
            ("README", Some(CodeKind::Example)),
            ("vendor/github.com/x/y.go", Some(CodeKind::Vendored)),
            ("src/attest.rs", None),
            (
                "aws-signing-test-suite/v4/get/query.txt",
                Some(CodeKind::Test),
            ),
            ("crypto/p_pqdsa_test.cc", Some(CodeKind::Test)),
            ("src/protest.py", None),
            ("src/latest.py", None),
            ("contest/app.py", None),
            ("config/settings.py", None),
            ("dummyserver/certs/server.key", Some(CodeKind::Test)),
            ("pkg/testdata/key.pem", Some(CodeKind::Test)),
            ("samples/app/config.py", Some(CodeKind::Example)),
            (
                "botocore/data/s3/2006-03-01/service-2.json",
                Some(CodeKind::Example),
            ),
            (
                "botocore/data/s3/2006-03-01/examples-1.json",
                Some(CodeKind::Example),
            ),
            ("api/stripe/spec3.json", Some(CodeKind::Example)),
            ("api/billing.openapi.yaml", Some(CodeKind::Example)),
            ("api/swagger.json", Some(CodeKind::Example)),
            ("config/service-2.py", None),
            ("config/services.json", None),
            ("config/prod.pem", None),
        ];
        for (path, expected) in cases {
            assert_eq!(classify(path, ""), expected, "{path}");
        }
    }

    #[test]
    fn rust_test_modules() {
        let text = b"fn a() {}\n// #[cfg(test)] in a comment\n#[cfg(test)]\nmod tests {}\n";
        assert_eq!(rust_test_module(text), Some(39));
        assert_eq!(rust_test_module(b"fn main() {}"), None);
    }

    #[test]
    fn yaml_documentation_blocks() {
        let text = b"DOCUMENTATION:\n  name: f\nEXAMPLES: |\n  # h => \"$6$x\"\n\n  - x\nRETURN:\n  a: 1\n";
        let docs = doc_strings(text);
        assert_eq!(docs.len(), 1, "only block scalars: {docs:?}");
        let block = std::str::from_utf8(&text[docs[0].clone()]).unwrap();
        assert!(
            block.starts_with("EXAMPLES: |") && block.ends_with("- x"),
            "{block:?}"
        );
        assert!(doc_strings(b"key: EXAMPLES: |\n  x\n").is_empty());
    }

    #[test]
    fn doc_strings_and_test_names() {
        let text = b"def f():\n    \"\"\"Use it:\n    url = x\n    \"\"\"\nKEY = \"\"\"\nblock\n\"\"\"\nEXAMPLES = r'''\nx\n'''\n";
        let docs = doc_strings(text);
        assert_eq!(docs.len(), 2);
        assert!(
            std::str::from_utf8(&text[docs[0].clone()])
                .unwrap()
                .contains("url = x")
        );
        assert!(
            std::str::from_utf8(&text[docs[1].clone()])
                .unwrap()
                .starts_with("'''\nx")
        );
        assert!(test_name("TEST_HASH_2A = \""));
        assert!(test_name("fake_token: "));
        assert!(!test_name("latest_token = "));
        assert!(test_name("static const char kTestKey[] = \""));
        assert!(test_name("TEST_KEY = '"));
        assert!(!test_name("const char kContestKey[] = \""));
        assert!(!test_name(
            "…Sample\": \"https://a.io/cb?state={\"client_secret\":\""
        ));
    }

    #[test]
    fn encrypted_keys() {
        let pem = |body: &str| format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\nMIIE\n");
        assert!(is_encrypted_key(
            pem("Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00").as_bytes()
        ));
        assert!(is_encrypted_key(
            b"-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIE\n"
        ));
        assert!(!is_encrypted_key(pem("MIIEow").as_bytes()));
        let openssh = |cipher: &str| {
            use base64::Engine as _;
            let mut body = b"openssh-key-v1\0".to_vec();
            body.extend((cipher.len() as u32).to_be_bytes());
            body.extend(cipher.as_bytes());
            body.extend([7u8; 40]);
            let body = base64::engine::general_purpose::STANDARD.encode(body);
            format!(
                "-----BEGIN OPENSSH PRIVATE KEY-----\n{body}\n-----END OPENSSH PRIVATE KEY-----"
            )
        };
        assert!(is_encrypted_key(openssh("aes256-ctr").as_bytes()));
        assert!(!is_encrypted_key(openssh("none").as_bytes()));
        assert!(is_encrypted_key(
            b"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: aes256-cbc\n"
        ));
        assert!(!is_encrypted_key(
            b"PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
        ));
        assert!(!is_encrypted_key(b"Proc-Type: 4,ENCRYPTED"));
    }

    #[test]
    fn test_keys_are_lowered_out_of_the_default_report() {
        assert_eq!(
            CodeKind::Test.lower(Confidence::High, true, false),
            Confidence::Low
        );
        assert_eq!(
            CodeKind::Vendored.lower(Confidence::High, true, false),
            Confidence::Medium
        );
    }

    #[test]
    fn lowering() {
        assert_eq!(
            CodeKind::Test.lower(Confidence::High, false, false),
            Confidence::Medium
        );
        assert_eq!(
            CodeKind::Example.lower(Confidence::High, false, false),
            Confidence::Medium
        );
        assert_eq!(
            CodeKind::Example.lower(Confidence::High, true, false),
            Confidence::Low
        );
        assert_eq!(
            CodeKind::Example.lower(Confidence::Medium, false, false),
            Confidence::Low
        );
        assert_eq!(
            CodeKind::Vendored.lower(Confidence::Low, false, false),
            Confidence::Low
        );
        assert_eq!(
            CodeKind::Example.lower(Confidence::Medium, false, true),
            Confidence::Medium,
            "a strong secret of a rule that asks for it"
        );
        assert_eq!(
            CodeKind::Example.lower(Confidence::Medium, true, true),
            Confidence::Low,
            "unless the line addresses an example host"
        );
        assert!(is_strong(b"Eo9LLp4wueKyhrjzpHfOUE7"));
        assert!(!is_strong(b"secret-password"));
        assert!(is_strong(b"966otter_Willow"), "four classes");
        assert!(!is_strong(b"Aaaaaaaa_1111"), "four classes, too regular");
        assert!(!is_strong(b"Ab1!"), "too short");
        assert!(is_sample(b"-----BEGIN OPENSSH PRIVATE KEY-----", ""));
        assert!(is_sample(
            b"glpat-x",
            "gl = Gitlab('https://gitlab.example.com', token)"
        ));
        assert!(!is_sample(
            b"sk-ant-api03-",
            "curl https://api.anthropic.com"
        ));
    }
}
