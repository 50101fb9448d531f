#!/usr/bin/env bash
# Measures tinyinit against tini, tini-static, dumb-init and catatonit in one interleaved run
# and prints a markdown table (issue 5). Not a test: it has no thresholds and never fails on
# a slow figure; it fails only when something could not be measured.
#
#   scripts/bench.sh                   full run, about 3 minutes
#   BENCH_QUICK=1 scripts/bench.sh     short run, about 1 minute
#   TINYINIT_BIN=path scripts/bench.sh measure that binary instead of building one
#   BENCH_ERRLOG=file                  keep the inits' stderr (discarded by default)
#   BENCH_HYPERFINE=1                  also print hyperfine's start-up figures, as a cross-check
#
# Needs root (unshare --pid), a C compiler and python3; installs the peers if missing.
# The measuring is done by scripts/bench/bench.py and scripts/bench/benchhelper.c.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "bench.sh: needs root (unshare --pid --fork runs each init as PID 1)" >&2
    exit 1
fi

need=()
for pkg in tini dumb-init catatonit hyperfine; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
command -v cc >/dev/null || need+=(build-essential)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    echo "bench.sh: installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ -n "${TINYINIT_BIN:-}" ]; then
    tinyinit=$(readlink -f "$TINYINIT_BIN")
    build_line="given as TINYINIT_BIN"
else
    build_line=$(scripts/build.sh)
    echo "$build_line" >&2
    tinyinit=$PWD/artifacts/bin/tinyinit
fi

. scripts/lib/driver.sh
start_workdir bench

BENCH_WORKDIR=$workdir BENCH_BUILD_LINE=$build_line run_driver scripts/bench/bench.py "$workdir/benchhelper" "$tinyinit"

# Optional cross-check with a tool people know. hyperfine runs each command's repetitions in
# one block, not interleaved, so on a noisy machine its figures drift more than the table's.
if [ "${BENCH_HYPERFINE:-0}" != 0 ]; then
    echo
    echo "hyperfine cross-check (host mode, not interleaved):"
    echo
    hyperfine -N --style none --warmup 20 --runs 300 --export-markdown "$workdir/hyperfine.md" \
        /bin/true "$tinyinit -s -- /bin/true" "tini -s -- /bin/true" "tini-static -s -- /bin/true" \
        "dumb-init /bin/true" "catatonit -- /bin/true" >/dev/null 2>&1
    cat "$workdir/hyperfine.md"
fi
