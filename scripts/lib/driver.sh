# Sourced by bench.sh and soak.sh: a scratch directory with the compiled helper, and a Python
# driver run in the background so that a signal to the script is handled at once (bash defers
# traps while a foreground command runs). The driver kills everything it started when it gets
# SIGTERM; the trap makes sure it does even when the script is the one interrupted, then
# removes the scratch directory.
#   start_workdir NAME       sets $workdir and builds $workdir/benchhelper
#   run_driver SCRIPT ARGS   runs python3 SCRIPT ARGS and waits for it

driver=
finish() {
    if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
        kill -TERM "$driver" 2>/dev/null || true
        wait "$driver" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}

start_workdir() {
    workdir=$(mktemp -d "/tmp/tinyinit-$1.XXXXXX")
    trap finish EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
    cc -O2 -Wall -Wextra -Werror -pthread -o "$workdir/benchhelper" scripts/bench/benchhelper.c
}

run_driver() {
    python3 -B "$@" &
    driver=$!
    wait "$driver"
    driver=
}
