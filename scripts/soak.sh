#!/usr/bin/env bash
# Endurance run: tinyinit as PID 1 (unshare) under orphans, forwarded signals and worker
# churn, checking at the end that fds, RSS, zombies and the exit code are as at the start.
# Not a test: it is too long for CI; it prints the figures and a PASS or FAIL line.
#
#   scripts/soak.sh                    10 minutes: 100,000 orphans and 100,000 signals
#   SOAK_SECONDS=60 scripts/soak.sh    shorter, counts scaled down in proportion
#   TINYINIT_BIN=path scripts/soak.sh  soak that binary instead of building one
#
# Needs root (unshare --pid), a C compiler and python3. The driver is scripts/bench/soak.py.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
    echo "soak.sh: needs root (unshare --pid --fork runs tinyinit as PID 1)" >&2
    exit 1
fi

if [ -n "${TINYINIT_BIN:-}" ]; then
    tinyinit=$(readlink -f "$TINYINIT_BIN")
else
    scripts/build.sh >&2
    tinyinit=$PWD/artifacts/bin/tinyinit
fi

workdir=$(mktemp -d /tmp/tinyinit-soak.XXXXXX)
driver=
# The driver kills everything it started when it gets SIGTERM; the trap makes sure it does
# even when this script is the one interrupted, then removes the scratch directory.
finish() {
    if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
        kill -TERM "$driver" 2>/dev/null || true
        wait "$driver" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

cc -O2 -Wall -Wextra -Werror -pthread -o "$workdir/benchhelper" scripts/bench/benchhelper.c

# In the background and waited for, so that a signal to this script runs the trap at once.
python3 -B scripts/bench/soak.py "$workdir/benchhelper" "$tinyinit" &
driver=$!
wait "$driver"
