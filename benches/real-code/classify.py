#!/usr/bin/env python3
"""Mechanical part of classifying the tools' findings on the real-code corpus.

Reads each tool's JSON report (leakhound, gitleaks, betterleaks, kingfisher),
reduces it to distinct locations (path, first line), and prints them with the
rule, a path-based hint and the text of the line, so that a person can judge
each one. Judgements are kept in a TSV (tool, path, line, class, note) and
summed up per tool and class.

  classify.py list   --corpus DIR --reports OUT [--tool T] [--sample N] [--seed S]
                     (tool, path, line, rules, hint, text of the line, secret)
  classify.py counts --corpus DIR --reports OUT
  classify.py summary --corpus DIR --reports OUT --judged judgements.tsv

Classes: secret (a credential that looks live), test (fixtures and keys under
test directories or in test files), example (documented examples: docs,
docstrings, READMEs, example code), noise (no secret at all: hashes,
identifiers, words, public keys, placeholders, ...). The hint is only a
starting point: `test` and `docs` come from the path, `test` also from a Rust
file's #[cfg(test)] part, `comment` from a line that opens like a comment or a
doctest; `+placeholder` marks a generic rule's value that names itself
(`password1`, `my_pass`, `[Filtered]`, `{pwd}`), judged noise wherever it is.
"""

import argparse
import collections
import json
import os
import random
import re
import sys

TOOLS = ["leakhound", "gitleaks", "betterleaks", "kingfisher"]
CLASSES = ["secret", "test", "example", "noise"]

TEST_RE = re.compile(
    r"(^|/)(tests?|testing|testdata|test_data|fixtures?|__tests__|spec|specs|"
    r"unittests?|integration|conftest\.py|test_[^/]*|[^/]*_tests?\.[a-z]+|"
    r"[^/]*\.test\.[a-z]+|[^/]*\.spec\.[a-z]+|benches|dummyserver|[^/]*test-suite)(/|$)"
)
DOCS_RE = re.compile(
    r"(^|/)(docs?|documentation|examples?|samples?|tutorials?|guides?|"
    r"readme[^/]*|changelog[^/]*|changes[^/]*|history[^/]*|news[^/]*|"
    r"docs_src|pkg-info|[^/]*\.(md|rst|txt|adoc|ipynb))(/|$)",
    re.I,
)


def load(tool, path, root):
    """Distinct locations of a report: {(path, line): [end_line, rules, secret]}."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    data, _ = json.JSONDecoder().raw_decode(text.lstrip())
    rows = []
    if tool == "leakhound":
        for f in data["findings"]:
            for loc in f["locations"]:
                rows.append((loc["path"], loc["line"], loc.get("end_line", loc["line"]), f["rule"], f["secret"]))
    elif tool == "gitleaks":
        for f in data:
            rows.append((f["File"], f["StartLine"], f["EndLine"], f["RuleID"], f["Secret"]))
    elif tool == "betterleaks":
        for f in data["findings"]:
            loc = f["location"]
            line = loc.get("start_line", 0)  # 0: a finding about the whole file
            rows.append((loc["path"], line, loc.get("end_line", line), f["rule_id"], f["match"]["value"]))
    elif tool == "kingfisher":
        for f in data["findings"]:
            fi = f["finding"]
            rows.append((fi["path"], fi["line"], fi["line"], f["rule"]["id"], fi["snippet"]))
    else:
        raise SystemExit(f"unknown tool {tool}")
    root = os.path.abspath(root).rstrip("/") + "/"
    out = {}
    for p, line, end, rule, secret in rows:
        p = os.path.abspath(p)
        p = p[len(root):] if p.startswith(root) else p
        key = (p, int(line))
        if key not in out:
            out[key] = [int(end), set(), secret]
        out[key][1].add(rule)
    return out


# A value that names itself as a placeholder: letters only, optional prefixes,
# a stem (`password1`, `my_pass`, `test_password`, `some_pass`, `foobar`).
PLACEHOLDER_RE = re.compile(
    r"(my|your|some|test|fake|dummy|sample|example|origin|secret|auth|user|bad|wrong|new|old|"
    r"incorrect|default|super|the|a)*"
    r"(password|passwd|pass|pwd|pw|secret|hash|hashedsecret|token|key|string|passphrase|foo|bar|"
    r"baz|foobar|qux|example|test|dummy|changeme|redacted|filtered|secure|hidden|masked)s?"
)


def placeholder(secret):
    """Whether a generic rule's value is a placeholder rather than a secret."""
    s = secret.strip().strip("\"'")
    if not s or s[0] in "<{[" or s.startswith(("${", "%s", "%(")) or re.fullmatch(r"[*xX.]+", s):
        return True
    letters = re.sub(r"[^a-z]", "", s.lower())
    return not letters or bool(PLACEHOLDER_RE.fullmatch(letters))


COMMENT_RE = re.compile(r"^\s*(///|//!|//|#|\*|/\*|>>>|\.\.\.|--)")


def hint(path, line=0, root=None):
    """test, docs, comment (a comment or doctest line) or code."""
    # The first two components are the part and the package (pypi/NAME-VERSION).
    inner = "/".join(path.split("/")[2:])
    if TEST_RE.search(inner.lower()) or inner.startswith("t/"):
        return "test"
    if DOCS_RE.search(inner):
        return "docs"
    if root and line:
        text = line_text(root, path, line)
        if path.endswith(".rs") and rust_test_from(root, path) <= line:
            return "test"
        if COMMENT_RE.match(text):
            return "comment"
    return "code"


_RUST_TEST = {}


def rust_test_from(root, path):
    """The first line of a Rust file's #[cfg(test)] part (a large number if none)."""
    if path not in _RUST_TEST:
        first = 1 << 30
        try:
            with open(os.path.join(root, path), encoding="utf-8", errors="replace") as f:
                for i, text in enumerate(f, 1):
                    if text.strip().startswith("#[cfg(test)]"):
                        first = i
                        break
        except OSError:
            pass
        _RUST_TEST[path] = first
    return _RUST_TEST[path]


def line_text(root, path, line, width=220):
    try:
        with open(os.path.join(root, path), "rb") as f:
            for i, raw in enumerate(f, 1):
                if i == line:
                    s = raw.decode("utf-8", "replace").strip()
                    return s if len(s) <= width else s[:width] + "..."
    except OSError:
        pass
    return ""


def reports(args):
    out = {}
    for tool in TOOLS if not args.tool else [args.tool]:
        path = os.path.join(args.reports, tool + ".json")
        if os.path.exists(path):
            out[tool] = load(tool, path, args.corpus)
    return out


def sample_keys(locs, n, seed):
    keys = sorted(locs)
    if n and len(keys) > n:
        keys = sorted(random.Random(seed).sample(keys, n))
    return keys


def cmd_list(args):
    for tool, locs in reports(args).items():
        for key in sample_keys(locs, args.sample, args.seed):
            end, rules, secret = locs[key]
            path, line = key
            h = hint(path, line, args.corpus)
            if any(re.search(r"generic|password|url|uri", r) and "connection-string" not in r
                   for r in rules) and placeholder(secret):
                h += "+placeholder"
            secret = secret.replace("\r", "\\r").replace("\n", "\\n").replace("\t", " ")
            secret = secret if len(secret) <= 80 else secret[:80] + "..."
            print("\t".join([tool, path, str(line), ",".join(sorted(rules)), h,
                             line_text(args.corpus, path, line).replace("\t", " ").replace("\r", " "), secret]))


def cmd_counts(args):
    mb = corpus_mb(args.corpus)
    print(f"corpus: {mb:.1f} MB")
    for tool, locs in reports(args).items():
        hints = collections.Counter(hint(p, n, args.corpus) for p, n in locs)
        rules = collections.Counter(r for v in locs.values() for r in v[1])
        print(f"{tool}: {len(locs)} locations, {len(locs) / mb * 100:.1f} per 100 MB; "
              f"hints {dict(hints)}")
        for r, n in rules.most_common():
            print(f"    {n:5d} {r}")


def corpus_mb(root):
    total = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    return total / 1e6


def cmd_summary(args):
    judged = collections.defaultdict(dict)
    with open(args.judged, encoding="utf-8") as f:
        for row in f:
            if not row.strip() or row.startswith("#"):
                continue
            tool, path, line, cls = row.rstrip("\n").split("\t")[:4]
            if cls not in CLASSES:
                raise SystemExit(f"bad class {cls!r} in {row!r}")
            judged[tool][(path, int(line))] = cls
    mb = corpus_mb(args.corpus)
    print(f"corpus: {mb:.1f} MB; shares are of the judged locations, estimates scale them to all")
    print("| tool | findings | per 100 MB | judged | secret | test | example | noise | est. noise |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool, locs in reports(args).items():
        j = {k: c for k, c in judged[tool].items() if k in locs}
        if not j:
            continue
        counts = collections.Counter(j.values())
        n = len(j)
        shares = " | ".join(f"{counts[c] / n * 100:.0f}% ({counts[c]})" for c in CLASSES)
        est = round(counts["noise"] / n * len(locs))
        print(f"| {tool} | {len(locs)} | {len(locs) / mb * 100:.0f} | {n} | {shares} | {est} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["list", "counts", "summary"])
    ap.add_argument("--corpus", required=True, help="the corpus directory the tools scanned")
    ap.add_argument("--reports", required=True, help="directory with TOOL.json reports")
    ap.add_argument("--tool", choices=TOOLS)
    ap.add_argument("--sample", type=int, default=0, help="a random sample of N locations per tool")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--judged", help="TSV: tool, path, line, class[, note]")
    args = ap.parse_args()
    {"list": cmd_list, "counts": cmd_counts, "summary": cmd_summary}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
