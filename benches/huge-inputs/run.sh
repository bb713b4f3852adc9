#!/usr/bin/env bash
# Huge and odd inputs: generates each case under DIR and scans it with
# /usr/bin/time, with decoding and with --no-decode, printing both wall
# times (the better of two runs each), their ratio (decoding may at most
# triple the work), peak RSS (with decoding) and the summary.
#
#   benches/huge-inputs/run.sh DIR [LEAKHOUND]
#   ONLY="jwt-line long-run" benches/huge-inputs/run.sh DIR    # some cases
#
# Cases: big, line, jwt-line, long-run, one-letter, zeros, many, history,
# odd. Needs git,
# python3 and about 4 GB of free disk. Every secret is synthetic.
set -euo pipefail
dir=${1:?usage: run.sh DIR [LEAKHOUND]}
leakhound=${2:-target/release/leakhound}
mkdir -p "$dir"
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
    GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid \
    GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE='2024-01-01T00:00:00Z'
token() { python3 -c "import zlib,random;r=random.Random($1);a='0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';b=''.join(r.choice(a) for _ in range(30));c=zlib.crc32(b.encode());d='';
for _ in range(6): d=a[c%62]+d; c//=62
print('ghp_'+b+d)"; }

# Whether to run case $1 (all of them unless ONLY lists some).
wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

# Runs leakhound "$@" once; sets time, rss and summary.
run_once() {
    local out
    out=$( { /usr/bin/time -f 'TIME %e %M' "$leakhound" "$@" -f json -o "$dir/last.json" --no-progress 2>&1; } 2>&1 || true)
    time=$(grep -o 'TIME [0-9.]* [0-9]*' <<<"$out" | tail -1 | cut -d' ' -f2)
    rss=$(grep -o 'TIME [0-9.]* [0-9]*' <<<"$out" | tail -1 | cut -d' ' -f3)
    summary=$(grep -o 'leakhound: [0-9]* finding.*' <<<"$out" | tail -1)
}

# Scans with --no-decode and with decoding, twice each in turn (so that
# both find the files in the page cache), and prints one row: the better
# time of each, the peak RSS and summary of the last scan with decoding.
measure() {
    local name=$1; shift
    local plain=999999 decoded=999999 ratio
    for _ in 1 2; do
        run_once "$@" --no-decode
        plain=$(python3 -c "print(min($plain, $time))")
        run_once "$@"
        decoded=$(python3 -c "print(min($decoded, $time))")
    done
    ratio=$(python3 -c "print(f'{$decoded / max($plain, 0.01):.1f}')")
    printf '| %s | %s s | %s s | %s× | %s MiB | %s |\n' "$name" "$decoded" "$plain" "$ratio" \
        "$((rss / 1024))" "${summary#leakhound: }"
}

echo '| case | wall | wall, --no-decode | ratio | peak RSS | summary |'
echo '| --- | --- | --- | --- | --- | --- |'

# A 1 GiB file: skipped at the default limit, scanned when allowed.
if wanted big; then
    if [ ! -f "$dir/big/huge.log" ]; then
        mkdir -p "$dir/big"
        python3 - "$dir/big/huge.log" "$(token 1)" <<'PY'
import sys
line = b"2024-01-01 12:00:00 INFO request served in 12 ms path=/api/v1/items status=200\n"
with open(sys.argv[1], "wb") as f:
    block = line * (1 << 14)
    for _ in range((1 << 30) // len(block)):
        f.write(block)
    f.write(b"GITHUB_TOKEN=" + sys.argv[2].encode() + b"\n")
PY
    fi
    measure "1 GiB file, default limit" scan --no-git "$dir/big"
    measure "1 GiB file, --max-file-size 2G" scan --no-git "$dir/big" --max-file-size 2G
fi

# A 100 MB single line (minified-style), secret at the end.
if wanted line; then
    if [ ! -f "$dir/line/one-line.js" ]; then
        mkdir -p "$dir/line"
        python3 - "$dir/line/one-line.js" "$(token 2)" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    chunk = "var a=function(b,c){return b+c};" * 3000
    for _ in range(100_000_000 // len(chunk)):
        f.write(chunk)
    f.write('var t="' + sys.argv[2] + '";')
PY
    fi
    measure "100 MB single line" scan --no-git "$dir/line" --max-file-size 200M
fi

# A 10 MB single line of short base64 runs (JWT-like words): every run
# decodes, so decoding works on nearly every byte of one long line.
if wanted jwt-line; then
    if [ ! -f "$dir/jwt/jwt.txt" ]; then
        mkdir -p "$dir/jwt"
        python3 - "$dir/jwt/jwt.txt" <<'PY'
import sys
word = b"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abc "
open(sys.argv[1], "wb").write((word * 200_000)[:10**7])
PY
    fi
    measure "10 MB line of short base64 runs" scan --no-git "$dir/jwt"
fi

# A 49 MB file that is one base64 run (a log, encoded) whose decoded text
# ends with a token: found only if the whole run is decoded.
if wanted long-run; then
    if [ ! -f "$dir/run/payload.b64" ]; then
        mkdir -p "$dir/run"
        python3 - "$dir/run/payload.b64" "$(token 6)" <<'PY'
import base64, sys
line = b"2024-01-01 12:00:00 INFO request served in 12 ms path=/api/v1/items status=200\n"
tail = b"token = " + sys.argv[2].encode() + b"\n"
text = line * ((49_000_000 // 4 * 3 - len(tail)) // len(line)) + tail
with open(sys.argv[1], "wb") as f:
    f.write(b"payload: " + base64.b64encode(text) + b"\n")
PY
    fi
    measure "49 MB one-run base64, token at its end" scan --no-git "$dir/run"
fi

# 63 MB of one letter: a keyword of twenty `A`s occurs at every byte.
# Overlapping occurrences of a keyword are kept as one region, so memory
# stays flat.
if wanted one-letter; then
    if [ ! -f "$dir/letter/a.txt" ]; then
        mkdir -p "$dir/letter"
        python3 -c "open('$dir/letter/a.txt', 'wb').write(b'A' * 63_000_000)"
    fi
    measure "63 MB of the letter A" scan --no-git "$dir/letter"
fi

# 20 MB of wrapped base64 of zero bytes: runs of `A` on every line, and
# runs that decode to NUL bytes.
if wanted zeros; then
    if [ ! -f "$dir/zeros/zeros.b64" ]; then
        mkdir -p "$dir/zeros"
        python3 -c "import base64; open('$dir/zeros/zeros.b64', 'wb').write(base64.encodebytes(bytes(15_000_000)))"
    fi
    measure "20 MB wrapped base64 of zeros" scan --no-git "$dir/zeros"
fi

# A million small files, one with a secret.
if wanted many; then
    if [ ! -d "$dir/many" ]; then
        python3 - "$dir/many" "$(token 3)" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(1000):
    os.makedirs(f"{root}/{d:03}", exist_ok=True)
    for f in range(1000):
        with open(f"{root}/{d:03}/{f:03}.txt", "w") as out:
            out.write(f"item {d}-{f}\n")
with open(f"{root}/500/500.txt", "w") as out:
    out.write(f"token = '{sys.argv[2]}'\n")
PY
    fi
    measure "1,000,000 small files" scan --no-git "$dir/many"
fi

# A history of 100,000 commits (each edits one file), a secret added at
# commit 50,000 and removed at 50,001; and a tree nested 200 deep.
if wanted history; then
    if [ ! -d "$dir/history/.git" ]; then
        mkdir -p "$dir/history"
        git -C "$dir/history" init -q -b main
        python3 - "$(token 4)" <<'PY' | git -C "$dir/history" fast-import --quiet
import sys
secret = sys.argv[1]
deep = "/".join(f"d{i}" for i in range(200))
for n in range(1, 100_001):
    if n == 50_000:
        content = f"counter = {n}\ntoken = '{secret}'\n"
    else:
        content = f"counter = {n}\n"
    data = content.encode()
    print("commit refs/heads/main")
    print(f"committer bench <bench@example.invalid> {1_700_000_000 + n} +0000")
    print(f"data {len(f'commit {n}')}\ncommit {n}")
    if n == 1:
        print(f"M 100644 inline {deep}/leaf.txt\ndata 5\nleaf\n")
    print(f"M 100644 inline src/counter.py\ndata {len(data)}")
    sys.stdout.buffer.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.write("\n")
PY
        git -C "$dir/history" repack -adq
    fi
    measure "100,000 commits, tree 200 deep" scan "$dir/history"
fi

# Odd files: binary that looks like text, invalid UTF-8, UTF-16 without a
# byte order mark, empty files.
if wanted odd; then
    if [ ! -d "$dir/odd" ]; then
        mkdir -p "$dir/odd"
        python3 - "$dir/odd" "$(token 5)" <<'PY'
import os, random, sys
root, secret = sys.argv[1], sys.argv[2]
r = random.Random(5)
with open(f"{root}/blob.bin", "wb") as f:
    f.write(bytes(r.randrange(1, 256) for _ in range(5_000_000)))
with open(f"{root}/latin1.txt", "wb") as f:
    f.write(b"caf\xe9 \xff\xfe\x80 token = '" + secret.encode() + b"'\n")
with open(f"{root}/utf16.txt", "wb") as f:
    f.write(f"a = 1\ntoken = '{secret}'\n".encode("utf-16-le"))
for i in range(1000):
    open(f"{root}/empty{i}", "w").close()
PY
    fi
    measure "odd files (binary-like, invalid UTF-8, UTF-16, empty)" scan --no-git "$dir/odd"
fi

