#!/usr/bin/env python3
"""Runs a command with a pseudo-terminal as fd 3 that nobody reads until the command has exited.

usage: ptyreadatend.py OUTPUT -- command [args...]

The terminal is in raw mode, so bytes pass unchanged (no "\\n" to "\\r\\n"). It is not the command's
controlling terminal, and stdin, stdout and stderr are left as they are. Once the command has
exited, everything the terminal holds is read and written to OUTPUT. Exit status: the command's
(128+N when signal N killed it).
"""
import os
import sys
import tty


def main():
    output = sys.argv[1]
    command = sys.argv[sys.argv.index("--") + 1:]
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
    _, status = os.waitpid(pid, 0)

    # With the terminal side closed by everyone, a read returns what is left, then fails with EIO.
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
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
