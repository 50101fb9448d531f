#!/usr/bin/env bash
# Builds the native tinyinit binary and the test probe, runs every test against them, then the
# engine suite (tests/engine: tinyinit under podman). Ends with one plain line summing both:
# "N passed, N failed, N skipped". Exit status 0 only if none failed.
# Needs root (the PID 1 tests use unshare --pid; the engine suite runs podman) and a C compiler.
# Arguments go to `dotnet test` (e.g. --filter NAME) and then run that subset alone, without the
# engine suite; tests/engine/run.py [CASE...] runs the engine suite alone.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prereqs.sh
ensure_prereqs test || exit 1

scripts/build.sh || exit 1
mkdir -p artifacts/bin
cc -O2 -Wall -Wextra -Werror -o artifacts/bin/tinyprobe tests/integration/probe/tinyprobe.c || exit 1

log=$(mktemp)
engine_log=$(mktemp)
trap 'rm -f "$log" "$engine_log"' EXIT
dotnet test TinyInit.sln -c Release --nologo "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest prints one summary per test project: "Failed!  - Failed: 1, Passed: 60, Skipped: 0, Total: 61".
read -r passed failed skipped < <(awk '
    /(Passed|Failed)! +- +Failed:/ {
        gsub(/,/, " ");
        for (i = 1; i <= NF; i++) {
            if ($i == "Failed:") f += $(i + 1);
            if ($i == "Passed:") p += $(i + 1);
            if ($i == "Skipped:") s += $(i + 1);
        }
    }
    END { printf "%d %d %d\n", p, f, s }' "$log")

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1   # the run itself failed (build error, crash): count it, never report a clean run
fi

if [ $# -eq 0 ]; then
    # Where podman cannot be installed the suite still runs: it counts its cases skipped (failed
    # with TINYINIT_REQUIRE_ENGINE=1), one line each, so they never silently vanish.
    ensure_engine_prereqs || echo "engine suite: podman, runc and busybox-static could not be installed" >&2
    python3 -B tests/engine/run.py 2>&1 | tee "$engine_log"
    engine_status=${PIPESTATUS[0]}
    # Its last line: "engine cases: 56 passed, 0 failed, 0 skipped in 102 s".
    read -r engine_passed engine_failed engine_skipped < <(sed -n \
        's/^engine cases: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped.*/\1 \2 \3/p' "$engine_log")
    if [ -z "${engine_failed:-}" ] || { [ "$engine_status" -ne 0 ] && [ "$engine_failed" -eq 0 ]; }; then
        engine_failed=$(( ${engine_failed:-0} + 1 ))   # the suite itself crashed
    fi
    passed=$((passed + ${engine_passed:-0}))
    failed=$((failed + engine_failed))
    skipped=$((skipped + ${engine_skipped:-0}))
else
    echo "engine suite not run: a subset of the dotnet tests was asked for (tests/engine/run.py runs it alone)"
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
