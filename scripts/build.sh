#!/usr/bin/env bash
# Publishes the native-AOT tinyinit binary to artifacts/bin/tinyinit.
#
# The product targets net10.0. Where the .NET 10 NativeAOT runtime pack cannot be restored
# (the package source here lacks Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64), the same
# sources are published for net9.0, whose AOT compiler restores. One line says which was built.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prereqs.sh
ensure_prereqs build

out=artifacts/bin
log=$(mktemp)
trap 'rm -f "$log"' EXIT

publish() {
    dotnet publish src/TinyInit/TinyInit.csproj -c Release -r linux-x64 \
        -p:TinyInitTargetFramework="$1" -o "$out" --nologo -v quiet >"$log" 2>&1
}

if publish net10.0; then
    tfm=net10.0
elif grep -q "NU1101.*Microsoft.NETCore.App.Runtime.NativeAOT" "$log"; then
    publish net9.0 || { cat "$log" >&2; exit 1; }
    tfm="net9.0 (the .NET 10 NativeAOT pack cannot be restored here)"
else
    cat "$log" >&2
    exit 1
fi

rm -f "$out"/*.dbg
echo "built $out/tinyinit: native AOT for $tfm, $(stat -c %s "$out/tinyinit") bytes"
