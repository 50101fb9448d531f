#!/usr/bin/env python3
"""Starts processes at chosen pids in a new PID namespace whose /proc is still the parent's.

usage: placepids.py PROBE SIBLING_PID SIBLING_FILE COMMAND_PID -- command [args...]

Run it as PID 1 of a new PID namespace without a /proc of its own (unshare --pid --fork, without
--mount-proc). It starts "PROBE trap-term 0 SIBLING_FILE" at SIBLING_PID, a process the command
never started that writes SIBLING_FILE if it gets SIGTERM, then the command at COMMAND_PID.
Writing N-1 to /proc/sys/kernel/ns_last_pid makes the next process of the writer's own PID
namespace get pid N (pid_namespaces(7)), even through the parent's /proc.

On stdout: "placed sibling", "placed command", then, once the command has exited, "sibling alive"
or "sibling gone". Exit status: the command's (128+N when signal N killed it); 3 when a pid could
not be placed.
"""
import os
import sys


def place(pid, argv, stdout=None):
    with open("/proc/sys/kernel/ns_last_pid", "w") as last:
        last.write(str(pid - 1))
    child = os.fork()
    if child == 0:
        if stdout is not None:
            os.dup2(stdout, 1)
        os.execv(argv[0], argv)
    if child != pid:
        print(f"placepids: wanted pid {pid}, got {child}", file=sys.stderr, flush=True)
        sys.exit(3)
    return child


def main():
    probe, sibling_pid, sibling_file, command_pid = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    command = sys.argv[sys.argv.index("--") + 1:]
    if os.getpid() != 1:
        print("placepids: not PID 1 of a PID namespace", file=sys.stderr, flush=True)
        sys.exit(3)

    # The sibling says "ready" (its SIGTERM handler is in place) through a pipe of its own.
    ready, ready_write = os.pipe()
    sibling = place(sibling_pid, [probe, "trap-term", "0", sibling_file], stdout=ready_write)
    os.close(ready_write)
    with os.fdopen(ready) as lines:
        lines.readline()
        print("placed sibling", flush=True)
        child = place(command_pid, command)
        print("placed command", flush=True)
        _, status = os.waitpid(child, 0)

    done, _ = os.waitpid(sibling, os.WNOHANG)
    print("sibling gone" if done else "sibling alive", flush=True)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
