#!/usr/bin/env bash
# Scan the corpus DIR with each tool as a plain directory, one after the other,
# with its default rules and no validation. For each tool, OUT gets TOOL.json
# (its report), TOOL.time (/usr/bin/time -v), TOOL.stdout and TOOL.stderr.
#
# usage: benches/real-code/run-tools.sh DIR OUT [TOOL...]
# TOOL: leakhound gitleaks betterleaks kingfisher (default: all four).
# Binaries: $LEAKHOUND, $GITLEAKS, $BETTERLEAKS, $KINGFISHER, else from PATH.
set -uo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 DIR OUT [TOOL...]" >&2
    exit 2
fi
DIR=$1
OUT=$2
shift 2
TOOLS=${*:-leakhound gitleaks betterleaks kingfisher}
mkdir -p "$OUT"

run() { # TOOL COMMAND...
    local tool=$1
    shift
    echo "$tool: $*" >&2
    /usr/bin/time -v -o "$OUT/$tool.time" "$@" > "$OUT/$tool.stdout" 2> "$OUT/$tool.stderr"
    echo "$tool: exit $?, $(grep -E 'Elapsed|Maximum resident' "$OUT/$tool.time" | sed 's/^\s*//' | paste -sd ';')" >&2
}

for tool in $TOOLS; do
    case $tool in
        leakhound)
            run leakhound "${LEAKHOUND:-leakhound}" scan --no-git "$DIR" -f json --no-progress \
                -o "$OUT/leakhound.json" ;;
        gitleaks)
            run gitleaks "${GITLEAKS:-gitleaks}" dir "$DIR" --no-banner --report-format json \
                --report-path "$OUT/gitleaks.json" ;;
        betterleaks)
            # betterleaks 2 names the directory scan "filesystem" (gitleaks: "dir").
            run betterleaks "${BETTERLEAKS:-betterleaks}" filesystem "$DIR" --no-banner \
                -o "$OUT/betterleaks.json" ;;
        kingfisher)
            run kingfisher "${KINGFISHER:-kingfisher}" scan "$DIR" --no-validate --no-update-check \
                --format json -o "$OUT/kingfisher.json" ;;
        *)
            echo "unknown tool $tool" >&2
            exit 2 ;;
    esac
done
