#!/usr/bin/env python3
"""Runs a command with one end of a Unix socket pair as fd 3, and records every message the other end receives.

usage: socketreader.py TYPE WHEN OUTPUT -- command [args...]

TYPE is stream, seqpacket or dgram. WHEN is "live" (read each message as it comes) or "end" (read
nothing until the command has exited, so the socket's buffer fills). The command's end has a small
send buffer (SO_SNDBUF 4 KiB, which the kernel doubles), so a few dozen lines fill it. The reader
also keeps the command's end open itself: its own end then never sees end of file, and a recv()
that returns no bytes is an empty message (which a SOCK_SEQPACKET reader would take for the end of
the stream).

OUTPUT gets a JSON object: "messages" (how many), "empty" (how many had no bytes) and "data" (every
byte received, in order, decoded as UTF-8 with errors replaced). Exit status: the command's.
"""
import json
import os
import select
import socket
import sys

TYPES = {"stream": socket.SOCK_STREAM, "seqpacket": socket.SOCK_SEQPACKET, "dgram": socket.SOCK_DGRAM}


def main():
    kind, when, output = sys.argv[1], sys.argv[2], sys.argv[3]
    command = sys.argv[sys.argv.index("--") + 1:]
    ours, theirs = socket.socketpair(socket.AF_UNIX, TYPES[kind])
    theirs.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    pid = os.fork()
    if pid == 0:
        ours.close()
        os.dup2(theirs.fileno(), 3)
        os.execvp(command[0], command)

    messages = []

    def receive_all():
        while True:
            try:
                messages.append(ours.recv(1 << 20, socket.MSG_DONTWAIT))
            except BlockingIOError:
                return

    status = None
    while status is None:
        if when == "live":
            select.select([ours], [], [], 0.05)
            receive_all()
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            status = wait_status if done else None
        else:
            status = os.waitpid(pid, 0)[1]
    receive_all()

    with open(output, "w") as out:
        json.dump({
            "messages": len(messages),
            "empty": sum(1 for m in messages if not m),
            "data": b"".join(messages).decode(errors="replace"),
        }, out)
    code = os.waitstatus_to_exitcode(status)
    sys.exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main()
