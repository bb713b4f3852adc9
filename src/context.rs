//! Where a secret sits: test code, documentation, or third-party code.
//!
//! Ordinary code holds few live secrets; most of what a scanner finds in it
//! is a test key or a documented example. A location's [`Context`], read
//! from its path and its line, lowers its confidence so that the default
//! report leaves those out and `--min-confidence low` brings them back.

use serde::Serialize;

use crate::rules::Confidence;

/// The kind of code a location is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Context {
    /// Tests and fixtures: `tests/`, `testdata/`, `foo_test.go`,
    /// `test_foo.py`, `Foo.spec.ts`.
    Test,
    /// Documentation and examples: `docs/`, `examples/`, `README.md`,
    /// `*.rst`, doc comments and doctests.
    Example,
    /// Third-party code: `vendor/`, `node_modules/`, `third_party/`,
    /// `site-packages/`.
    Vendored,
}

impl Context {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Context::Test => "test",
            Context::Example => "example",
            Context::Vendored => "vendored",
        }
    }

    /// `confidence` lowered for this context: one step for tests and
    /// third-party code, two for documentation, whose keys are nearly
    /// always published examples.
    pub fn lower(self, confidence: Confidence) -> Confidence {
        match self {
            Context::Test | Context::Vendored => confidence.lower(),
            Context::Example => confidence.lower().lower(),
        }
    }
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
/// use leakhound::context::{classify, Context};
/// assert_eq!(classify("pkg/client_test.go", "key := \"...\""), Some(Context::Test));
/// assert_eq!(classify("README.md", "export TOKEN=..."), Some(Context::Example));
/// assert_eq!(classify("src/lib.rs", "/// let key = \"...\";"), Some(Context::Example));
/// assert_eq!(classify("node_modules/x/index.js", "k = 1"), Some(Context::Vendored));
/// assert_eq!(classify("src/settings.py", "SECRET_KEY = '...'"), None);
/// ```
pub fn classify(path: &str, line: &str) -> Option<Context> {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split(['/', '\\']).collect();
    let file = segments.pop().unwrap_or_default();
    let original = path.rsplit(['/', '\\']).next().unwrap_or_default();
    if segments.iter().any(|s| test_dir(s)) || test_file(original) {
        Some(Context::Test)
    } else if segments
        .iter()
        .any(|s| s.split(['-', '_', '.']).any(|w| EXAMPLE_DIRS.contains(&w)))
        || doc_file(file)
        || doc_comment(line)
    {
        Some(Context::Example)
    } else if segments.iter().any(|s| VENDOR_DIRS.contains(s)) {
        Some(Context::Vendored)
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

/// Byte ranges of documentation strings: triple-quoted strings that open
/// a line (Python docstrings, not `KEY = """...`), and Ansible's
/// `EXAMPLES`/`DOCUMENTATION`/`RETURN` blocks.
pub fn doc_strings(text: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
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

/// Whether the string opening at `quote` is documentation: only
/// whitespace (and a string prefix) before it on its line, or an Ansible
/// documentation variable.
fn opens_doc(text: &[u8], quote: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &text[..quote]).map_or(0, |i| i + 1);
    let before = String::from_utf8_lossy(&text[line_start..quote]);
    let before = before.trim();
    let before = before.trim_end_matches(['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F']);
    before.is_empty()
        || ["EXAMPLES", "DOCUMENTATION", "RETURN"].iter().any(|name| {
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
    words[words.len().saturating_sub(4)..].iter().any(|word| {
        let word = word.to_ascii_lowercase();
        matches!(
            word.as_str(),
            "test" | "tests" | "dummy" | "fake" | "mock" | "sample"
        )
    })
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
            ("tests/fixtures/keys.env", Some(Context::Test)),
            ("app/src/test/java/FooTest.java", Some(Context::Test)),
            ("lib/FooTest.java", Some(Context::Test)),
            ("lib/widget.spec.ts", Some(Context::Test)),
            ("pkg/test_client.py", Some(Context::Test)),
            ("integration_tests/run.sh", Some(Context::Test)),
            ("docs/setup.txt", Some(Context::Example)),
            ("guide.rst", Some(Context::Example)),
            ("README", Some(Context::Example)),
            ("vendor/github.com/x/y.go", Some(Context::Vendored)),
            ("src/attest.rs", None),
            (
                "aws-signing-test-suite/v4/get/query.txt",
                Some(Context::Test),
            ),
            ("crypto/p_pqdsa_test.cc", Some(Context::Test)),
            ("src/protest.py", None),
            ("src/latest.py", None),
            ("contest/app.py", None),
            ("config/settings.py", None),
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
        assert!(!test_name(
            "…Sample\": \"https://a.io/cb?state={\"client_secret\":\""
        ));
    }

    #[test]
    fn lowering() {
        assert_eq!(Context::Test.lower(Confidence::High), Confidence::Medium);
        assert_eq!(Context::Example.lower(Confidence::High), Confidence::Low);
        assert_eq!(Context::Vendored.lower(Confidence::Low), Confidence::Low);
    }
}
