#!/usr/bin/env bash
# Runs the examples other secret scanners ship with their rules through
# leakhound and prints, per source, how many plausible positive examples it
# detects and how many negative examples it flags. See README.md.
#
#   benches/peer-examples/run.sh [--keep DIR] [--misses] NAME=KIND:REPO ...
#
# KIND is yaml-rules (Kingfisher, Nosey Parker) or go-rules (gitleaks,
# Betterleaks); REPO is a checkout or a bare git repository of that project.
# Example:
#   benches/peer-examples/run.sh --misses \
#     kingfisher=yaml-rules:../kingfisher gitleaks=go-rules:../gitleaks
#
# LEAKHOUND names the binary (default: target/release/leakhound, built with
# cargo build --release if missing).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${LEAKHOUND:-$root/target/release/leakhound}
keep=""
misses=0
while [[ $# -gt 0 && $1 == --* ]]; do
  case $1 in
    --keep) keep=$2; shift 2 ;;
    --misses) misses=1; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $# -gt 0 ]] || { sed -n 2,16p "$0"; exit 2; }
if [[ ! -x $bin ]]; then
  (cd "$root" && cargo build --release --locked)
fi

work=${keep:-$(mktemp -d)}
[[ -n $keep ]] || trap 'rm -rf "$work"' EXIT
mkdir -p "$work"

printf '%-12s %10s %9s %9s %9s\n' source plausible detected negatives flagged
for spec in "$@"; do
  name=${spec%%=*}
  rest=${spec#*=}
  kind=${rest%%:*}
  repo=${rest#*:}
  dir=$work/$name
  rm -rf "$dir"
  python3 -W ignore "$here/extract.py" "$name" "$kind" "$repo" "$dir"
  # Exit status 1 means "findings"; only >1 is an error.
  "$bin" scan "$dir/pos" --no-git -f json >"$dir/pos.json" 2>"$dir/pos.err" || [[ $? -eq 1 ]]
  "$bin" scan "$dir/neg" --no-git -f json >"$dir/neg.json" 2>"$dir/neg.err" || [[ $? -eq 1 ]]
  python3 "$here/score.py" "$name" "$dir" "$misses"
done
