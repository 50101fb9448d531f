# Sourced by build.sh and test.sh: installs what a fresh Debian 12 machine with the .NET 10 SDK
# lacks, when run as root; otherwise names the apt-get line to run.
#   ensure_prereqs build   a C toolchain and zlib, which the NativeAOT link needs
#   ensure_prereqs test    also unshare (util-linux), python3 (the pty driver), ps (procps) and strace

ensure_prereqs() {
    local need=()
    command -v cc >/dev/null || need+=(gcc libc6-dev)
    [ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
    if [ "$1" = test ]; then
        command -v unshare >/dev/null || need+=(util-linux)
        command -v python3 >/dev/null || need+=(python3)
        command -v ps >/dev/null || need+=(procps)
        command -v strace >/dev/null || need+=(strace)
    fi
    [ ${#need[@]} -eq 0 ] && return 0

    if [ "$(id -u)" -ne 0 ]; then
        echo "missing packages: run 'sudo apt-get install -y ${need[*]}' first" >&2
        return 1
    fi
    echo "installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# The engine suite's container engine (tests/engine): podman, runc and a static busybox for the
# libc-less image. Never fatal: where they cannot be installed the suite says why and counts its
# cases skipped (failed, when TINYINIT_REQUIRE_ENGINE=1).
ensure_engine_prereqs() {
    local need=()
    command -v podman >/dev/null || need+=(podman)
    command -v runc >/dev/null || need+=(runc)
    # ldd fails on a static executable ("not a dynamic executable")
    { command -v busybox >/dev/null && ! ldd "$(command -v busybox)" >/dev/null 2>&1; } || need+=(busybox-static)
    [ ${#need[@]} -eq 0 ] && return 0

    if [ "$(id -u)" -ne 0 ]; then
        echo "engine suite: run 'sudo apt-get install -y ${need[*]}' first" >&2
        return 1
    fi
    echo "installing ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}
