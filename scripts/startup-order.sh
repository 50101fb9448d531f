#!/usr/bin/env bash
# Regenerates src/TinyInit/startup.order: the managed methods tinyinit runs on its common paths,
# which the ILCompiler lays out first and together (IlcOrderFile in TinyInit.csproj).
#
# Why: the kernel maps an executable's pages 64 KiB at a time around each page fault
# ("fault-around"), so a method run once at start-up makes its whole 64 KiB neighbourhood
# resident. Spread over the binary, the ~250 methods of the default path touched almost every
# 64 KiB of the 1.3 MB of managed code; laid out together they touch a few (docs/design.md,
# Start-up and memory).
#
# Run it after changes to the start-up path or the event loop, or after a .NET SDK update
# (method names change; names that no longer exist are ignored, and the methods that are not
# listed are laid out after the listed ones, so a stale file costs memory, never correctness).
#
#   scripts/startup-order.sh      builds a copy with symbols, runs the scenarios under
#                                 valgrind's callgrind (exact, repeatable), rewrites the file
#
# Needs root (unshare --pid) and valgrind (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prereqs.sh
ensure_prereqs build

if [ "$(id -u)" -ne 0 ]; then
    echo "startup-order.sh: needs root (unshare --pid --fork runs tinyinit as PID 1)" >&2
    exit 1
fi
if ! command -v valgrind >/dev/null; then
    echo "installing valgrind" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends valgrind >/dev/null
fi

work=$(mktemp -d /tmp/tinyinit-order.XXXXXX)
trap 'rm -rf "$work"' EXIT

# A copy of the sources, built with its symbol table kept (the released binary is stripped).
cp -r src Directory.Build.props "$work/"
rm -rf "$work/src/TinyInit/bin" "$work/src/TinyInit/obj"
dotnet publish "$work/src/TinyInit/TinyInit.csproj" -c Release -o "$work/out" --nologo -v quiet \
    -p:StripSymbols=false -p:NativeDebugSymbols=false >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; exit 1; }
bin=$work/out/tinyinit

# profile NAME pid1|host ARGS...: runs tinyinit ARGS under callgrind, as PID 1 or on the host.
profile() {
    local name=$1 mode=$2
    shift 2
    local prefix=()
    [ "$mode" = pid1 ] && prefix=(unshare --pid --fork --mount-proc)
    "${prefix[@]}" valgrind --tool=callgrind --compress-strings=no --compress-pos=no \
        --callgrind-out-file="$work/$name.cg" "$bin" "$@" >/dev/null 2>&1 </dev/null || true
    [ -s "$work/$name.cg" ] || { echo "startup-order.sh: no profile for '$name'" >&2; exit 1; }
}

# In order of importance: what comes first is laid out first.
# 1. The default container path: PID 1, no options.
profile pid1 pid1 -- /bin/true
# 2. Options, so System.CommandLine: tinyinit -s on a host.
profile options host -s -- /bin/true
# 3. The loop's work: a forwarded signal, an orphan, a leftover that gets SIGTERM at shutdown.
profile loop pid1 -- /bin/sh -c 'trap : USR1; kill -USR1 $PPID; sleep 0.5; (sleep 0 &); sleep 30 & exit 0'

python3 - "$bin" "$work" src/TinyInit/startup.order <<'EOF'
import re, subprocess, sys

binary, work, out = sys.argv[1:4]
sections = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
m = re.search(r"__managedcode\s+PROGBITS\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", sections)
start, size = int(m.group(1), 16), int(m.group(2), 16)
# A method can have several names (an export alias such as InitializeModules beside its mangled
# name); callgrind shows one, the compiler orders by another: list every name of the address.
address, names = {}, {}
for line in subprocess.run(["nm", binary], capture_output=True, text=True, check=True).stdout.splitlines():
    parts = line.split(maxsplit=2)
    if len(parts) == 3 and parts[1] in "tT" and start <= int(parts[0], 16) < start + size:
        address[parts[2]] = parts[0]
        names.setdefault(parts[0], set()).add(parts[2])

seen, order = set(), []
for scenario in ("pid1", "options", "loop"):
    ran = set()
    for line in open(f"{work}/{scenario}.cg", errors="replace"):
        if line.startswith(("fn=", "cfn=")):
            ran.add(re.sub(r"'\d+$", "", line.split("=", 1)[1].strip()))
    # Within a scenario, by name: the file then changes only where the code did.
    new = sorted({address[n] for n in ran if n in address} - seen, key=lambda a: min(names[a]))
    seen.update(new)
    order += [n for a in new for n in sorted(names[a]) if n not in order]
    print(f"{scenario}: {len(new)} more methods", file=sys.stderr)
with open(out, "w") as f:
    f.write("\n".join(order) + "\n")
print(f"wrote {out}: {len(seen)} methods, {len(order)} names", file=sys.stderr)
EOF
