"""Reaping while 'tinyinit ctl events' clients follow, against one and no client (issue 12), for bench.py.

tinyinit runs as PID 1 with --control in both runs; its main child is a shell that waits for a
line on stdin and then execs `benchhelper zombies N` (the same measure as bench.py's reaping row).
With clients, each is a `tinyinit ctl --json events` process whose output a thread drains, as a
terminal or a log shipper would; before the zombies are made, SIGWINCH (forwarded to the shell,
which ignores it) is sent until every client has printed a line, so every one is subscribed.
The kinds of run alternate in a fresh random order each repetition. One client tells apart what
any subscriber costs (each exit is published before its pid is released, and an orphan's name is
read from /proc) from what each further client costs.
"""
import os
import random
import select
import signal
import subprocess
import threading
import time

from procfs import read_line


class Drain(threading.Thread):
    """Reads every client's stdout to EOF; remembers whether each has printed, and its last bytes."""

    def __init__(self, pipes):
        super().__init__(daemon=True)
        self.pipes = {p.fileno(): i for i, p in enumerate(pipes)}
        self.started = [False] * len(pipes)
        self.tails = [b""] * len(pipes)
        self.lines = [0] * len(pipes)

    def run(self):
        open_fds = set(self.pipes)
        while open_fds:
            for fd in select.select(list(open_fds), [], [])[0]:
                chunk = os.read(fd, 1 << 16)
                i = self.pipes[fd]
                if not chunk:
                    open_fds.discard(fd)
                    continue
                self.started[i] = True
                self.lines[i] += chunk.count(b"\n")
                self.tails[i] = (self.tails[i] + chunk)[-4096:]

    def dropped(self, i):
        """The client's shutdown line's count of lost events, or None if it has none."""
        last = self.tails[i].rstrip(b"\n").rsplit(b"\n", 1)[-1]
        if not last.startswith(b'{"event":"shutdown"'):
            return None
        return int(last.split(b'"dropped":')[1].rstrip(b"}"))


def one_run(tinyinit, helper, unshare, zombies, clients, workdir, errlog):
    """Returns the reaping time in ms (None if the helper failed, as bench.py's reaping row counts it) and
    the events the clients lost (None: one had no shutdown line)."""
    sock = os.path.join(workdir, "control.sock")
    argv = unshare + [tinyinit, "--control", sock, "--", "sh", "-c", 'read go && exec "$0" zombies "$1"',
                      helper, str(zombies)]
    init = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errlog,
                            start_new_session=True)
    followers = []
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(sock) and time.monotonic() < deadline:
            time.sleep(0.01)
        with open(f"/proc/{init.pid}/task/{init.pid}/children") as f:
            init_pid = int(f.read().split()[0])
        for _ in range(clients):
            followers.append(subprocess.Popen([tinyinit, "ctl", "--json", "--control", sock, "events"],
                                              stdout=subprocess.PIPE, stderr=errlog, start_new_session=True))
        drain = Drain([c.stdout for c in followers])
        drain.start()
        deadline = time.monotonic() + 60
        while not all(drain.started):
            if time.monotonic() > deadline:
                raise RuntimeError("the control clients never followed the events")
            os.kill(init_pid, signal.SIGWINCH)
            wait_until = time.monotonic() + 1
            while not all(drain.started) and time.monotonic() < wait_until:
                time.sleep(0.01)

        init.stdin.write(b"go\n")
        init.stdin.close()
        line = read_line(init.stdout.fileno(), time.monotonic() + 120)
        if init.wait(timeout=30) != 0 or not line:
            return None, None
        for c in followers:
            c.wait(timeout=30)
        drain.join(timeout=30)
        lost = [drain.dropped(i) for i in range(clients)]
        return int(line) / 1e6, None if None in lost else sum(lost)
    finally:
        for c in followers:
            if c.poll() is None:
                c.kill()
            c.wait()
        if init.poll() is None:
            os.killpg(init.pid, signal.SIGKILL)
        init.wait()


def measure(tinyinit, helper, unshare, zombies, counts, reps, workdir, errlog, log):
    """{count: [ms...]} for each count of clients, and the events the clients lost in each run with some."""
    times = {n: [] for n in counts}
    lost = []
    for rep in range(reps):
        for n in random.sample(counts, len(counts)):
            log(f"reaping with control clients: repetition {rep + 1}/{reps}, {n} clients")
            ms, dropped = one_run(tinyinit, helper, unshare, zombies, n, workdir, errlog)
            if ms is None:
                log(f"reaping with control clients: {n} clients: the zombies helper failed")
                continue
            times[n].append(ms)
            if n:
                lost.append(dropped)
    return times, lost
