#!/usr/bin/env bash
# Fails on insta snapshot files that no test asserts any more.
#
#   scripts/check-snapshots.sh REFERENCES
#
# REFERENCES is the file a test run wrote with INSTA_SNAPSHOT_REFERENCES_FILE
# set: the path of every snapshot a test used, one a line.
set -euo pipefail
cd "$(dirname "$0")/.."
references=${1:?usage: check-snapshots.sh REFERENCES}
if [ ! -s "$references" ]; then
    echo "check-snapshots: no snapshot was referenced: was the test run given INSTA_SNAPSHOT_REFERENCES_FILE?" >&2
    exit 1
fi
used=$(xargs -r -n1 basename < "$references" | sort -u)
unreferenced=0
while IFS= read -r snapshot; do
    if ! grep -qxF "$(basename "$snapshot")" <<<"$used"; then
        echo "check-snapshots: $snapshot is not used by any test: delete it" >&2
        unreferenced=$((unreferenced + 1))
    fi
done < <(git ls-files -- '*.snap')
if [ "$unreferenced" -gt 0 ]; then
    exit 1
fi
echo "check-snapshots: $(git ls-files -- '*.snap' | wc -l) snapshots, all used"
