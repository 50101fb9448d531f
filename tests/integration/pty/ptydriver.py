#!/usr/bin/env python3
"""Drives a command through a real pseudo-terminal, as a person at a keyboard would.

usage: ptydriver.py STEPS_JSON -- command [args...]

The command runs as a session leader with the pty as its controlling terminal (pty.fork).
STEPS_JSON is a list of steps, each [action, text]:
  ["send", "echo hi\\n"]   type text
  ["expect", "regex"]      wait (10 s at most) until the output since the last match matches
  ["ctrl", "c"]            type Ctrl-C (likewise "z", "\\\\" for Ctrl-\\)
  ["foreground", "sleep"]  wait until the terminal's foreground process group is led by a process of
                           that name: keys typed before would reach the wrong process
  ["until", ["cmd", ...]]  wait (10 s at most) until the command exits 0: for a condition the driver
                           cannot see itself, such as the foreground group of a container's own pty
At the end it waits for the command to exit and prints "child-exit N" (128+N for a signal).
Exit status: 0 when every step succeeded, 1 otherwise (the transcript goes to stderr).
"""
import json
import os
import pty
import re
import select
import subprocess
import sys
import time

DEADLINE = 10.0


def foreground_name(fd):
    try:
        with open(f"/proc/{os.tcgetpgrp(fd)}/comm") as comm:
            return comm.read().strip()
    except OSError:
        return None


def main():
    steps = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)

    transcript = b""
    unmatched = b""

    def read_some(timeout):
        nonlocal transcript, unmatched
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(fd, 4096)
        except OSError:
            return False  # EIO: the terminal's other side has gone
        if not data:
            return False
        transcript += data
        unmatched += data
        return True

    def fail(message):
        sys.stderr.write(f"ptydriver: {message}\n--- transcript ---\n{transcript.decode(errors='replace')}\n")
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
        sys.exit(1)

    def type_keys(data):
        try:
            os.write(fd, data)
        except OSError:
            pass  # EIO: the command has already exited; what it did is judged by its exit code

    for action, text in steps:
        if action == "send":
            type_keys(text.encode())
        elif action == "ctrl":
            type_keys(bytes([ord(text.upper()) & 0x1F]))
        elif action == "foreground":
            end = time.monotonic() + DEADLINE
            while foreground_name(fd) != text:
                if time.monotonic() > end:
                    fail(f"'{text}' never became the foreground process group")
                read_some(0.02)
        elif action == "until":
            end = time.monotonic() + DEADLINE
            while subprocess.run(text, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL).returncode != 0:
                if time.monotonic() > end:
                    fail(f"{text} never succeeded")
                read_some(0.02)
        elif action == "expect":
            end = time.monotonic() + DEADLINE
            pattern = re.compile(text.encode())
            while True:
                match = pattern.search(unmatched)
                if match:
                    unmatched = unmatched[match.end():]
                    break
                if time.monotonic() > end or not read_some(0.05):
                    fail(f"expected /{text}/")
        else:
            fail(f"unknown step {action}")

    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            print(f"child-exit {code if code >= 0 else 128 - code}", flush=True)
            return
        read_some(0.05)
    fail("the command did not exit")


if __name__ == "__main__":
    main()
