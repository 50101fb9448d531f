#!/usr/bin/env bash
# Publishes tinyinit to artifacts/bin/tinyinit: one static native-AOT binary (no dynamic loader,
# no libc needed at run time), so the same file runs in any Linux x86-64 image.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prereqs.sh
ensure_prereqs build

out=artifacts/bin
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if ! dotnet publish src/TinyInit/TinyInit.csproj -c Release -o "$out" --nologo -v quiet >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi

rm -f "$out"/*.dbg
echo "built $out/tinyinit: static native AOT, $(stat -c %s "$out/tinyinit") bytes"
