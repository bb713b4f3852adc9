#!/usr/bin/env bash
# Assemble the real-code corpus into DIR from pinned versions:
#   DIR/pypi/NAME-VERSION/   Python sdists listed in pypi.txt, unpacked
#   DIR/crates/NAME-VERSION/ the crates of Cargo.lock that a Linux build uses
#                            (cargo vendor, then filtered with cargo tree)
#   DIR/npm/NAME@VERSION/    npm packages listed in npm.txt, unpacked (skipped
#                            when npm or its registry is not reachable)
# Downloads are kept in DIR.cache (or $REALCODE_CACHE) so that a re-run only
# unpacks what is missing; packages in DIR that the lists no longer name are
# removed, and the crates are laid out anew each time.
#
# usage: benches/real-code/assemble.sh DIR
set -euo pipefail
export LC_ALL=C

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
OUT=$(cd "$1" && pwd)
CACHE=${REALCODE_CACHE:-$OUT.cache}
mkdir -p "$CACHE" "$OUT/pypi" "$OUT/npm"
PYTHON=${PYTHON:-python3}

# Move the single top-level directory of an archive to DEST.
unpack() { # ARCHIVE DEST
    local tmp
    tmp=$(mktemp -d "$CACHE/unpack.XXXXXX")
    case "$1" in
        *.zip) "$PYTHON" -m zipfile -e "$1" "$tmp" ;;
        *) tar -xf "$1" -C "$tmp" --no-same-owner ;;
    esac
    local top=("$tmp"/*)
    if [ ${#top[@]} -ne 1 ] || [ ! -d "${top[0]}" ]; then
        echo "unexpected layout in $1" >&2
        exit 1
    fi
    chmod -R u+rwX "${top[0]}"
    mv "${top[0]}" "$2"
    rmdir "$tmp"
}

# Remove the directories of DIR/PART that are not in the list NAMES.
prune() { # PART NAMES
    local d
    for d in "$OUT/$1"/*; do
        [ -e "$d" ] || continue
        if ! printf '%s\n' "$2" | grep -qxF "$(basename "$d")"; then
            echo "$1: removing $(basename "$d")" >&2
            rm -rf "$d"
        fi
    done
}

# --- Python sdists -----------------------------------------------------------
# pip prepares an sdist's metadata before saving it; with --no-binary :all:
# it would also build every build backend from source, so the backends come
# as pinned wheels in a venv of their own and pip runs without isolation.
BACKENDS="setuptools==84.2.1 wheel==0.48.0 hatchling==1.33.0 hatch-vcs==0.5.0
hatch-fancy-pypi-readme==25.1.0 hatch-requirements-txt==0.4.1 flit-core==4.2.0
poetry-core==2.5.0 pdm-backend==2.5.0 setuptools-scm==10.3.4
setuptools-rust==1.13.0 maturin==1.16.0 cffi==2.1.1"
VENV=$CACHE/build-backends
if [ ! -x "$VENV/bin/pip" ] || [ ! -f "$VENV/.backends-ok" ]; then
    "$PYTHON" -m venv "$VENV"
    # shellcheck disable=SC2086
    "$VENV/bin/pip" install -q $BACKENDS
    touch "$VENV/.backends-ok"
fi
grep -v '^#' "$HERE/pypi.txt" | while read -r spec; do
    [ -n "$spec" ] || continue
    name=${spec%%==*}
    version=${spec#*==}
    dest=$OUT/pypi/$name-$version
    [ -d "$dest" ] && continue
    dl=$CACHE/sdists/$spec
    mkdir -p "$dl"
    if ! ls "$dl"/* >/dev/null 2>&1; then
        echo "pypi: $spec" >&2
        PATH="$VENV/bin:$PATH" "$VENV/bin/pip" download -q --no-deps \
            --no-binary :all: --no-build-isolation --ignore-requires-python \
            -d "$dl" "$spec" >/dev/null
    fi
    unpack "$(ls "$dl"/*)" "$dest"
done
prune pypi "$(grep -v '^#' "$HERE/pypi.txt" | sed 's/==/-/')"

# --- Rust crates -------------------------------------------------------------
# cargo vendor takes every crate of the lock file, for every platform; the
# corpus keeps those that a Linux build compiles (normal and build
# dependencies), without the vendoring checksums.
{
    proj=$CACHE/crates
    mkdir -p "$proj/src"
    cp "$HERE/Cargo.toml" "$HERE/Cargo.lock" "$proj/"
    : > "$proj/src/lib.rs"
    echo "crates: cargo vendor" >&2
    rm -rf "$CACHE/vendor"
    (cd "$proj" && cargo vendor --locked --versioned-dirs --quiet "$CACHE/vendor" >/dev/null)
    (cd "$proj" && cargo tree --locked --target x86_64-unknown-linux-gnu \
        -e normal,build --prefix none -f '{p}') |
        awk '$1 != "real-code-corpus" { v = $2; sub(/^v/, "", v); print $1 "-" v }' |
        sort -u > "$CACHE/crates-linux.txt"
    rm -rf "$OUT/crates.tmp" "$OUT/crates"
    mkdir -p "$OUT/crates.tmp"
    while read -r crate; do
        cp -a "$CACHE/vendor/$crate" "$OUT/crates.tmp/"
    done < "$CACHE/crates-linux.txt"
    find "$OUT/crates.tmp" -name .cargo-checksum.json -delete
    mv "$OUT/crates.tmp" "$OUT/crates"
}

# --- npm packages ------------------------------------------------------------
if command -v npm >/dev/null 2>&1 && npm view --silent lodash@4.18.1 version >/dev/null 2>&1; then
    mkdir -p "$CACHE/npm"
    grep -v '^#' "$HERE/npm.txt" | while read -r spec; do
        [ -n "$spec" ] || continue
        dest=$OUT/npm/$(printf '%s' "$spec" | tr '/' '+')
        [ -d "$dest" ] && continue
        tgz=$CACHE/npm/$(printf '%s' "$spec" | tr '/@' '+_').tgz
        if [ ! -f "$tgz" ]; then
            echo "npm: $spec" >&2
            tmp=$(mktemp -d "$CACHE/npm/pack.XXXXXX")
            (cd "$tmp" && npm pack --silent --ignore-scripts "$spec" >/dev/null)
            mv "$tmp"/*.tgz "$tgz"
            rmdir "$tmp"
        fi
        unpack "$tgz" "$dest"
    done
    prune npm "$(grep -v '^#' "$HERE/npm.txt" | tr '/' '+')"
else
    echo "npm or its registry is not reachable: no npm packages" >&2
fi

# --- size ----------------------------------------------------------------------
for part in pypi crates npm; do
    [ -d "$OUT/$part" ] || continue
    printf '%-7s %4d packages %7d files %12d bytes\n' "$part" \
        "$(find "$OUT/$part" -mindepth 1 -maxdepth 1 -type d | wc -l)" \
        "$(find "$OUT/$part" -type f | wc -l)" \
        "$(find "$OUT/$part" -type f -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')"
done
find "$OUT" -type f -printf '%s\n' | awk '{ s += $1; n++ }
    END { printf "total   %7d files %12d bytes (%.1f MB)\n", n, s, s / 1e6 }'
