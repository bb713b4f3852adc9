#!/usr/bin/env bash
# Checks leakhound's SARIF reports with Microsoft's SARIF multitool and the
# rules GitHub code scanning applies on upload ("Gh;Sarif"): any error or
# warning fails. The reports come from a small synthetic repository made
# here (a history scan with several rules and a decoded secret, a range
# scan, a directory scan); its secrets are random, in the providers'
# formats, made for this check.
#
# The multitool is installed from npm into a cache directory the first time
# (LEAKHOUND_TOOLS_CACHE, else ~/.cache/leakhound). It would try to fetch
# every URI in a report; its HTTP requests go to a closed port on the
# loopback address instead, so it reaches nothing outside this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

version=5.7.0
cache="${LEAKHOUND_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leakhound}/sarif-multitool-$version"
tool="$cache/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -f "$tool" ]; then
    mkdir -p "$cache"
    npm install --prefix "$cache" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$version" >&2
fi
# npm may skip the package's install script, which makes the tool executable.
chmod u+x "$tool"

cargo build --locked --quiet
leakhound="$PWD/target/debug/leakhound"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A random string of LENGTH characters from ALPHABET (a tr class).
random() { LC_ALL=C tr -dc "$1" </dev/urandom | head -c "$2" || true; }

export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME="$work"
export GIT_AUTHOR_NAME="Ada Author" GIT_AUTHOR_EMAIL=ada@example.org
export GIT_COMMITTER_NAME="Ada Author" GIT_COMMITTER_EMAIL=ada@example.org
export GIT_AUTHOR_DATE=2024-01-02T03:04:05+00:00 GIT_COMMITTER_DATE=2024-01-02T03:04:05+00:00

repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
printf '# demo\n' > README.md
git add -A && git commit -qm "initial"
printf 'GITLAB_TOKEN=glpat-%s\nAWS_ACCESS_KEY_ID=AKIA%s\n' \
    "$(random A-Za-z0-9 20)" "$(random A-Z2-7 16)" > deploy.env
mkdir -p tests
printf 'token = "glpat-%s"\n' "$(random A-Za-z0-9 20)" > tests/test_api.py
git add -A && git commit -qm "add deploy settings"
encoded="$(printf 'deploy_token: glpat-%s\n' "$(random A-Za-z0-9 20)" | base64 | tr -d '\n')"
printf 'kind: Secret\ndata:\n  config: %s\n' "$encoded" > secret.yaml
printf 'db_password = "%s"\n' "$(random A-Za-z0-9 18)" > settings.py
git add -A && git commit -qm "add the kubernetes secret and settings"
cd - > /dev/null

# Exit 1 means findings, as expected here.
report() {
    local name="$1"
    shift
    local status=0
    "$leakhound" scan -q --no-progress -f sarif -o "$work/$name.sarif" "$@" || status=$?
    if [ "$status" -ne 1 ]; then
        echo "check-sarif: leakhound scan $* exited $status, expected findings (1)" >&2
        exit 1
    fi
}
report history "$repo" --min-confidence low
report range "$repo" --range HEAD~2..HEAD
report files "$repo" --no-git

rules="$(grep -c '"shortDescription"' "$work/history.sarif" || true)"
if [ "$rules" -lt 3 ]; then
    echo "check-sarif: the history report has $rules rules; expected at least 3" >&2
    exit 1
fi

failed=0
for name in history range files; do
    log="$work/$name.validation.txt"
    HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= \
        DOTNET_CLI_TELEMETRY_OPTOUT=1 \
        "$tool" validate --rule-kind "Gh;Sarif" --level "Error;Warning" \
        "$work/$name.sarif" > "$log" 2>&1 || true
    if grep -qE '(error|warning) [A-Z]+[0-9]+:' "$log" || ! grep -q 'Analysis completed successfully' "$log"; then
        echo "check-sarif: $name.sarif:" >&2
        cat "$log" >&2
        failed=1
    else
        echo "check-sarif: $name.sarif: no errors or warnings"
    fi
done
exit "$failed"
