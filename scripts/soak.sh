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

. scripts/lib/driver.sh
start_workdir soak

run_driver scripts/bench/soak.py "$workdir/benchhelper" "$tinyinit"
