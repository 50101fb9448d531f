#!/usr/bin/env python3
"""Runs a command with a pseudo-terminal as fd 3 that nobody reads until told to.

usage: ptyreader.py OUTPUT -- command [args...]

The terminal is in raw mode, so bytes pass unchanged (no "\\n" to "\\r\\n"). It is not the command's
controlling terminal, and stdin, stdout and stderr are left as they are. Nothing is read until this
process gets SIGUSR1 (or the command exits); from then on everything the terminal gets is read,
until the command has exited and closed it, and written to OUTPUT. Exit status: the command's
(128+N when signal N killed it).
"""
import os
import select
import signal
import sys
import tty

told = False


def on_usr1(_signal, _frame):
    global told
    told = True


def main():
    output = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
    signal.signal(signal.SIGUSR1, on_usr1)
    controller, terminal = os.openpty()
    tty.setraw(terminal)
    pid = os.fork()
    if pid == 0:
        os.close(controller)
        os.dup2(terminal, 3)
        if terminal != 3:
            os.close(terminal)
        os.execvp(command[0], command)
    os.close(terminal)

    status = None
    while not told and status is None:
        select.select([], [], [], 0.02)
        done, wait_status = os.waitpid(pid, os.WNOHANG)
        status = wait_status if done else None

    # Once every process has closed the terminal side, a read returns what is left, then fails with EIO.
    data = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:
            break
        if not chunk:
            break
        data += chunk
    with open(output, "wb") as out:
        out.write(data)
    if status is None:
        status = os.waitpid(pid, 0)[1]
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
