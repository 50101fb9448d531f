#!/usr/bin/env bash
# Builds the native tinyinit binary and the test probe, then runs every test against them.
# Ends with one plain line: "N passed, N failed, N skipped". Exit status 0 only if none failed.
# Needs root (the PID 1 tests use unshare --pid) and a C compiler.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prereqs.sh
ensure_prereqs test || exit 1

scripts/build.sh || exit 1
mkdir -p artifacts/bin
cc -O2 -Wall -Wextra -Werror -o artifacts/bin/tinyprobe tests/integration/probe/tinyprobe.c || exit 1

log=$(mktemp)
trap 'rm -f "$log"' EXIT
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
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
