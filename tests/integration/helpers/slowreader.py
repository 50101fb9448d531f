#!/usr/bin/env python3
"""Runs a command whose stdout is a non-blocking pipe with a reader that is slow at first.

usage: slowreader.py -- command [args...]

The pipe's write end is O_NONBLOCK, as a shell or a log collector may hand it on: a writer gets
EAGAIN whenever the pipe is full. The reader reads nothing until the pipe is full (10 s at most),
then copies everything to its own stdout until end of file. Exit status: the command's (128+N when
signal N killed it).
"""
import fcntl
import os
import sys
import termios
import time

F_GETPIPE_SZ = 1032
DEADLINE = 10.0
# A write that does not fit in what is left of a page takes a new one: "full" is within a line of it.
LONGEST_LINE = 512


def queued(fd):
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)


def main():
    command = sys.argv[sys.argv.index("--") + 1:]
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETFL, fcntl.fcntl(write_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    pid = os.fork()
    if pid == 0:
        os.dup2(write_end, 1)
        os.close(write_end)
        os.close(read_end)
        os.execvp(command[0], command)
    os.close(write_end)

    capacity = fcntl.fcntl(read_end, F_GETPIPE_SZ)
    end = time.monotonic() + DEADLINE
    while queued(read_end) < capacity - LONGEST_LINE:
        if time.monotonic() > end:
            sys.stderr.write("slowreader: the pipe never filled\n")
            break
        time.sleep(0.01)

    while True:
        data = os.read(read_end, 65536)
        if not data:
            break
        while data:
            data = data[os.write(1, data):]

    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
