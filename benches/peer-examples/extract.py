#!/usr/bin/env python3
"""Extract the positive and negative examples other secret scanners ship
with their rules, one example per file, for benches/peer-examples/run.sh.

    extract.py SOURCE KIND REPO OUTDIR

KIND is `yaml-rules` (rules in YAML with `examples` / `negative_examples`
lists: Kingfisher, Nosey Parker) or `go-rules` (gitleaks-style Go rule
generators whose `tps` / `fps` lists are the examples). REPO is a checkout
or a bare git repository; files are read with `git show HEAD:path` when REPO
has no work tree. Writes OUTDIR/pos/NNNNN.txt and OUTDIR/neg/NNNNN.txt and
OUTDIR/index.tsv (kind, file, rule, plausible, example with \\n escaped).

Nothing here is stored in the repository: examples are read at run time
from the peer checkout given on the command line.
"""

import os
import random
import re
import subprocess
import sys

import sre_constants
import sre_parse

RULE_DIRS = {
    "yaml-rules": ["data/rules", "crates/noseyparker/data/default/builtin/rules"],
    "go-rules": ["cmd/generate/config/rules"],
}


class Repo:
    def __init__(self, path):
        self.path = path
        self.bare = not os.path.isdir(os.path.join(path, ".git")) and os.path.isdir(
            os.path.join(path, "objects")
        )

    def git(self, *args):
        gd = self.path if self.bare else os.path.join(self.path, ".git")
        return subprocess.run(
            ["git", "--git-dir", gd, *args], check=True, capture_output=True
        ).stdout

    def list_dir(self, d):
        try:
            out = self.git("ls-tree", "--name-only", "HEAD:" + d)
        except subprocess.CalledProcessError:
            return []
        return [d + "/" + n for n in out.decode().splitlines()]

    def read(self, p):
        return self.git("show", "HEAD:" + p).decode("utf-8", "replace")


# --- plausibility -----------------------------------------------------------

PLACEHOLDER = re.compile(
    r"(.)\1{7,}"  # a long run of one character
    r"|(?i:x{4,})"  # xxxx
    r"|EXAMPLE|(?i:your[_-]?(?:api|token|key|secret))"  # documented examples
    r"|<[A-Za-z][\w .-]{1,40}>"  # <placeholder>
    r"|\$\{[^}]*\}|\{\{[^}]*\}\}"  # template variables
)


def ascending_run(text, n=6):
    """True when text has n consecutive characters each one code point above
    the previous one within one class (123456, abcdef, ABCDEF)."""
    run = 1
    for a, b in zip(text, text[1:]):
        if b.isalnum() and ord(b) == ord(a) + 1:
            run += 1
            if run >= n:
                return True
        else:
            run = 1
    return False


REPEATED = re.compile(r"([A-Za-z0-9]{4,})(?:.{0,8}?\1){2}")


def plausible(text):
    letters = "".join(c for c in text if not c.isdigit())
    digits = "".join(c for c in text if c.isdigit())
    return not (
        PLACEHOLDER.search(text)
        or REPEATED.search(text)
        or ascending_run(text)
        or ascending_run(letters)
        or ascending_run(letters.lower())
        or ascending_run(digits)
    )


# --- YAML rule files (Kingfisher, Nosey Parker) -------------------------------


def yaml_examples(repo):
    import yaml

    for d in RULE_DIRS["yaml-rules"]:
        for p in repo.list_dir(d):
            if not p.endswith((".yml", ".yaml")):
                continue
            try:
                doc = yaml.safe_load(repo.read(p))
            except yaml.YAMLError:
                continue
            for rule in (doc or {}).get("rules", []) or []:
                rid = str(rule.get("id") or rule.get("name"))
                for ex in rule.get("examples") or []:
                    yield "pos", rid, str(ex)
                for key in ("negative_examples", "non_examples"):
                    for ex in rule.get(key) or []:
                        yield "neg", rid, str(ex)


# --- Go rule generators (gitleaks, Betterleaks) ------------------------------

GO_TOKEN = re.compile(
    r"""(?P<ws>\s+)|(?P<lc>//[^\n]*)|(?P<bc>/\*.*?\*/)"""
    r"""|(?P<raw>`[^`]*`)|(?P<str>"(?:\\.|[^"\\\n])*")|(?P<rune>'(?:\\.|[^'\\\n])*')"""
    r"""|(?P<dots>\.\.\.)|(?P<op>:=|[-+*/(){}\[\],;=.:&|!<>%^])|(?P<id>[A-Za-z_][A-Za-z0-9_]*)"""
    r"""|(?P<num>[0-9][0-9.eE_xXa-fA-F]*)|(?P<other>.)""",
    re.S,
)

GO_ESC = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def go_unquote(s):
    if s[0] == "`":
        return s[1:-1].replace("\r", "")
    out, i, body = [], 0, s[1:-1]
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        n = body[i + 1]
        if n in GO_ESC:
            out.append(GO_ESC[n])
            i += 2
        elif n == "x":
            out.append(chr(int(body[i + 2 : i + 4], 16)))
            i += 4
        elif n in "uU":
            k = 4 if n == "u" else 8
            out.append(chr(int(body[i + 2 : i + 2 + k], 16)))
            i += 2 + k
        else:
            out.append(body[i : i + 4])
            i += 4
    return "".join(out)


def go_tokens(src):
    toks = []
    for m in GO_TOKEN.finditer(src):
        k = m.lastgroup
        if k in ("ws", "lc", "bc"):
            if k != "lc" and "\n" in m.group():
                toks.append(("nl", "\n"))
            continue
        toks.append((k, m.group()))
    return toks


class Unknown(Exception):
    pass


UTILS_CLASSES = {
    "Numeric": "[0-9]{%s}",
    "Hex": "[a-f0-9]{%s}",
    "AlphaNumeric": "[a-z0-9]{%s}",
    "AlphaNumericExtendedShort": "[a-z0-9_-]{%s}",
    "AlphaNumericExtended": "[a-z0-9=_\\-]{%s}",
    "AlphaNumericExtendedLong": "[a-z0-9\\/=_\\+\\-]{%s}",
}

SAMPLE_FORM = '{i}Token = "{s}"'


class Sampler:
    """Random strings matching a (simple) regex, from Python's regex parser."""

    def __init__(self, seed):
        self.rng = random.Random(seed)

    def sample(self, pattern):
        pattern = pattern.replace("(?-i:", "(?:")
        try:
            tree = sre_parse.parse(pattern)
        except Exception as e:  # noqa: BLE001 - an unsupported regex is skipped
            raise Unknown(f"regex {pattern!r}: {e}")
        return self.gen(tree)

    def gen(self, seq):
        out = []
        for op, av in seq:
            out.append(self.one(op, av))
        return "".join(out)

    def chars(self, items):
        neg, pool = False, []
        for op, av in items:
            if op == sre_constants.NEGATE:
                neg = True
            elif op == sre_constants.LITERAL:
                pool.append(chr(av))
            elif op == sre_constants.RANGE:
                pool.extend(chr(c) for c in range(av[0], av[1] + 1))
            elif op == sre_constants.CATEGORY:
                pool.extend(self.category(av))
        if neg:
            pool = [c for c in map(chr, range(33, 127)) if c not in pool]
        return pool

    def category(self, cat):
        name = str(cat)
        if "DIGIT" in name:
            return list("0123456789")
        if "WORD" in name:
            return list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
        if "SPACE" in name:
            return [" "]
        return []

    def one(self, op, av):
        if op == sre_constants.LITERAL:
            return chr(av)
        if op == sre_constants.NOT_LITERAL:
            return "a" if chr(av) != "a" else "b"
        if op == sre_constants.ANY:
            return self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
        if op == sre_constants.IN:
            pool = self.chars(av)
            if not pool:
                raise Unknown("empty class")
            return self.rng.choice(pool)
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            lo, hi, sub = av
            if hi == sre_constants.MAXREPEAT:
                hi = lo + 16
            return "".join(self.gen(sub) for _ in range(self.rng.randint(lo, hi)))
        if op == sre_constants.SUBPATTERN:
            return self.gen(av[-1])
        if op == sre_constants.BRANCH:
            return self.gen(self.rng.choice(av[1]))
        if op == sre_constants.CATEGORY:
            return self.rng.choice(self.category(av))
        if op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            return ""
        raise Unknown(f"regex op {op}")


class GoEval:
    """Evaluates the few expression forms the example lists are built from:
    string literals and their concatenation, []string{...}, append(...),
    GenerateSampleSecret(s), and random secrets from a regex
    (secrets.NewSecret*, newPlausibleSecret, utils.AlphaNumeric & co.)."""

    def __init__(self, toks, env, sampler):
        self.t, self.i, self.env, self.s = toks, 0, env, sampler

    def peek(self, k=0):
        j, seen = self.i, 0
        while j < len(self.t):
            if self.t[j][0] != "nl":
                if seen == k:
                    return self.t[j]
                seen += 1
            j += 1
        return ("eof", "")

    def next(self):
        while self.i < len(self.t) and self.t[self.i][0] == "nl":
            self.i += 1
        tok = self.t[self.i] if self.i < len(self.t) else ("eof", "")
        self.i += 1
        return tok

    def expect(self, v):
        tok = self.next()
        if tok[1] != v:
            raise Unknown(f"expected {v!r}, got {tok[1]!r}")

    def args(self):
        """Parses call arguments after '('; each is a value or Unknown."""
        out = []
        while self.peek()[1] != ")":
            start = self.i
            try:
                out.append(self.expr())
            except Unknown as e:
                self.i = start
                self.skip_arg()
                out.append(e)
            if self.peek()[1] == "...":
                self.next()
                out[-1] = ("spread", out[-1])
            if self.peek()[1] == ",":
                self.next()
        self.expect(")")
        return out

    def skip_arg(self):
        depth = 0
        while True:
            k, v = self.peek()
            if k == "eof":
                return
            if depth == 0 and v in (",", ")", "}", "..."):
                return
            if v in "([{":
                depth += 1
            elif v in ")]}":
                depth -= 1
            self.next()

    def expr(self):
        v = self.term()
        while self.peek()[1] == "+":
            self.next()
            w = self.term()
            if not (isinstance(v, str) and isinstance(w, str)):
                raise Unknown("+ on a list")
            v = v + w
        return v

    def name(self):
        parts = [self.next()[1]]
        while self.peek()[1] == "." and self.peek(1)[0] == "id":
            self.next()
            parts.append(self.next()[1])
        return ".".join(parts)

    def term(self):
        k, v = self.peek()
        if k in ("str", "raw"):
            self.next()
            return go_unquote(v)
        if v == "[":
            self.next()
            self.expect("]")
            self.name()  # element type
            self.expect("{")
            items = []
            while self.peek()[1] != "}":
                start = self.i
                try:
                    items.append(self.expr())
                except Unknown as e:
                    self.i = start
                    self.skip_arg()
                    items.append(e)
                if self.peek()[1] == ",":
                    self.next()
            self.expect("}")
            return [x for x in items if isinstance(x, str)]
        if k == "id":
            fn = self.name()
            if self.peek()[1] != "(":
                if fn in self.env:
                    return list(self.env[fn])
                raise Unknown(f"name {fn}")
            self.next()
            args = self.args()
            return self.call(fn, args)
        raise Unknown(f"token {v!r}")

    def call(self, fn, args):
        base = fn.split(".")[-1]
        if base == "append":
            out = []
            first, rest = args[0], args[1:]
            if isinstance(first, list):
                out.extend(first)
            for a in rest:
                if isinstance(a, tuple):
                    a = a[1]
                    if isinstance(a, list):
                        out.extend(a)
                elif isinstance(a, str):
                    out.append(a)
            return out
        for a in args:
            if isinstance(a, Exception):
                raise a
        if base in UTILS_CLASSES:
            return UTILS_CLASSES[base] % args[0]
        if base in ("NewSecret", "NewSecretWithEntropy", "newPlausibleSecret"):
            return self.s.sample(args[0])
        if base == "Hex8_4_4_4_12":
            return self.s.sample("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
        if base in ("GenerateSampleSecret", "GenerateSampleSecrets"):
            one = SAMPLE_FORM.replace("{i}", args[0]).replace("{s}", args[1])
            return one if base == "GenerateSampleSecret" else [one]
        raise Unknown(f"call {fn}")


EXAMPLE_VAR = re.compile(r"^(?:tps|fps|truePositives|falsePositives|tp|fp|tpS|fpS)$")


def go_examples(repo):
    sampler = Sampler(20240624)
    for p in sorted(repo.list_dir(RULE_DIRS["go-rules"][0])):
        if not p.endswith(".go") or p.endswith("_test.go"):
            continue
        toks = go_tokens(repo.read(p))
        env, func = {}, p
        i = 0
        while i < len(toks):
            k, v = toks[i]
            if k == "id" and v == "func" and i + 1 < len(toks) and toks[i + 1][0] == "id":
                func, env = toks[i + 1][1], {}
            if (
                k == "id"
                and EXAMPLE_VAR.match(v)
                and i + 1 < len(toks)
                and toks[i + 1][1] in (":=", "=")
                and (i == 0 or toks[i - 1][0] == "nl" or toks[i - 1][1] in ("{", ";"))
            ):
                ev = GoEval(toks, env, sampler)
                ev.i = i + 2
                try:
                    val = ev.expr()
                    if isinstance(val, list):
                        env[v] = val
                except Unknown:
                    pass
                i = max(ev.i, i + 1)
                continue
            if k == "id" and v in ("Validate", "ValidateWithPaths") and toks[i + 1][1] == "(":
                # Validate(r, tps, fps): the lists as they are at this point.
                ev = GoEval(toks, env, sampler)
                ev.i = i + 2
                try:
                    args = ev.args()
                except Unknown:
                    args = []
                for kind, a in zip(("pos", "neg"), args[1:3]):
                    if isinstance(a, list):
                        for ex in a:
                            yield kind, func, ex
                i = max(ev.i, i + 1)
                continue
            i += 1


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    source, kind, repo, out = sys.argv[1:]
    repo = Repo(repo)
    gen = yaml_examples(repo) if kind == "yaml-rules" else go_examples(repo)
    os.makedirs(os.path.join(out, "pos"), exist_ok=True)
    os.makedirs(os.path.join(out, "neg"), exist_ok=True)
    seen = set()
    n = 0
    with open(os.path.join(out, "index.tsv"), "w") as idx:
        for ex_kind, rule, ex in gen:
            if not ex.strip() or (ex_kind, ex) in seen:
                continue
            seen.add((ex_kind, ex))
            n += 1
            name = f"{ex_kind}/{n:05d}.txt"
            with open(os.path.join(out, name), "w") as f:
                f.write(ex if ex.endswith("\n") else ex + "\n")
            flat = ex.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            idx.write(f"{ex_kind}\t{name}\t{rule}\t{int(plausible(ex))}\t{flat}\n")


if __name__ == "__main__":
    main()
