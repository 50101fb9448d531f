#!/usr/bin/env python3
"""Endurance run for scripts/soak.sh: tinyinit as PID 1 under sustained churn.

Usage: soak.py HELPER TINYINIT   (scripts/soak.sh builds both and calls this)

tinyinit runs `benchhelper soak-child` as its main child in a new PID namespace. Over
SOAK_SECONDS (default 600) the child makes ORPHANS orphans for tinyinit to reap and starts
and kills workers of its own, while `benchhelper pace` sends SIGNALS SIGRTMIN+1 to tinyinit
for it to forward; at 600 s both counts are 100,000 and they scale with the duration.
Real-time signals queue rather than merge, so the child can check that every one arrived.

At the start and at the end tinyinit's open fds and VmRSS are read. The run passes when, at
the end: the fd count equals the start's, VmRSS grew by at most 10 %, no zombie is left in
the namespace, every signal arrived, and tinyinit exits 0 after its main child exits 0.
Prints the figures and one PASS or FAIL line; exits 1 on FAIL.
"""
import os
import shutil
import signal
import subprocess
import sys
import time

from procfs import fd_count, read_line, status_field, wait_until_quiet

SECONDS = float(os.environ.get("SOAK_SECONDS", "600"))
SCALE = SECONDS / 600
ORPHANS = max(1, round(100_000 * SCALE))
SIGNALS = max(1, round(100_000 * SCALE))
RSS_GROWTH_LIMIT = 0.10
SIG_COUNTED = signal.SIGRTMIN + 1
SIG_MARKER = signal.SIGRTMIN + 2
SAMPLES = 10  # RSS and fd readings during the run, to show a trend and not only two points

HELPER, TINYINIT = sys.argv[1], sys.argv[2]
UNSHARE = [shutil.which("unshare"), "--pid", "--fork", "--mount-proc"]
STARTED = []  # Popen objects, each the leader of a session of its own


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def cleanup():
    for p in STARTED:
        if p.poll() is None:
            # The session holds unshare and tinyinit; SIGKILL to tinyinit, PID 1 of its
            # namespace, takes every process of the namespace with it (pid_namespaces(7)).
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        p.wait()


def namespace_processes(ns):
    """(pid, state) of every process in PID namespace ns, seen from the host."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            if os.readlink(f"/proc/{entry}/ns/pid") != ns:
                continue
            with open(f"/proc/{entry}/stat") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # it ended while we looked
        found.append((int(entry), state))
    return found


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    log(f"soak: {SECONDS:.0f} s, {ORPHANS:,} orphans, {SIGNALS:,} signals, tinyinit {TINYINIT}")

    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    report_r, report_w = os.pipe()
    init = subprocess.Popen(
        UNSHARE + [TINYINIT, "--", HELPER, "soak-child", str(ready_w), str(go_r), str(report_w),
                   str(SECONDS), str(ORPHANS)],
        pass_fds=[ready_w, go_r, report_w], stdin=subprocess.DEVNULL, start_new_session=True)
    STARTED.append(init)
    for fd in (ready_w, go_r, report_w):
        os.close(fd)
    if not (read_line(ready_r, time.monotonic() + 10) or "").startswith("ready"):
        raise RuntimeError("the main child never said ready")
    with open(f"/proc/{init.pid}/task/{init.pid}/children") as f:
        pid = int(f.read().split()[0])  # unshare --fork's only child: tinyinit, as a host pid
    ns = os.readlink(f"/proc/{pid}/ns/pid")
    if not wait_until_quiet(pid):
        log("soak: tinyinit never went quiet after start-up; taking the start figures anyway")

    start_fds, start_rss = fd_count(pid), status_field(pid, "VmRSS")
    log(f"soak: tinyinit is host pid {pid}; at start {start_fds} fds, VmRSS {start_rss} KiB")

    os.write(go_w, b"g")  # the churn starts now, with the pacer
    os.close(go_w)
    pacer = subprocess.Popen([HELPER, "pace", str(pid), str(int(SIG_COUNTED)), str(SIGNALS), str(SECONDS)],
                             stdout=subprocess.PIPE, text=True, start_new_session=True)
    STARTED.append(pacer)

    # Readings during the run, while the report of the end of the churn is awaited.
    trend = []
    began = time.monotonic()
    churned = None
    deadline = began + SECONDS + 120  # the churn ends by itself; this only stops a hung run
    for i in range(1, SAMPLES + 1):
        churned = read_line(report_r, min(began + SECONDS * i / SAMPLES, deadline))
        if churned:
            break
        trend.append((round(time.monotonic() - began), fd_count(pid), status_field(pid, "VmRSS")))
    if not churned:
        churned = read_line(report_r, deadline)
    if not churned:
        raise RuntimeError("the main child never finished its churn")
    made, workers = (int(x) for x in churned.split()[1:])
    failed = int(pacer.communicate()[0].strip())
    sent = SIGNALS - failed

    # The marker is dequeued after every SIGRTMIN+1 still pending, at tinyinit and at the child
    # (signal(7)), so the count the child reports for it is final.
    os.kill(pid, SIG_MARKER)
    line = read_line(report_r, time.monotonic() + 30)
    received = int(line.split()[1]) if line else -1

    # The last orphans live up to 20 ms after the churn ends: wait (up to 10 s) for them to go.
    settle = time.monotonic() + 10
    while True:
        procs = namespace_processes(ns)
        zombies = [p for p, state in procs if state == "Z"]
        if (not zombies and len(procs) <= 2) or time.monotonic() > settle:
            break
        time.sleep(0.05)

    end_fds, end_rss, end_hwm = fd_count(pid), status_field(pid, "VmRSS"), status_field(pid, "VmHWM")
    threads = len(os.listdir(f"/proc/{pid}/task"))

    os.kill(pid, signal.SIGTERM)  # forwarded: the main child exits 0, so tinyinit should too
    try:
        code = init.wait(timeout=30)
    except subprocess.TimeoutExpired:
        code = None

    growth = (end_rss - start_rss) / start_rss
    # Bytes per event tells a per-event allocation (a steady figure) from a one-off cost.
    per_event = (end_rss - start_rss) * 1024 / (made + received) if made + received > 0 else 0
    checks = [
        (f"fd count {start_fds} at start, {end_fds} at end", end_fds == start_fds),
        (f"VmRSS {start_rss} KiB at start, {end_rss} KiB at end ({growth:+.1%}, limit +10%); "
         f"about {per_event:.0f} bytes per orphan or signal; VmHWM {end_hwm} KiB; {threads} threads",
         growth <= RSS_GROWTH_LIMIT),
        (f"zombies left in the namespace: {len(zombies)} ({len(procs)} processes left)", not zombies),
        (f"signals forwarded: {received:,} received of {sent:,} sent", received == sent),
        (f"churn: {made:,} orphans made of {ORPHANS:,}, {workers:,} workers started and killed",
         made == ORPHANS),
        (f"tinyinit exit code {code} (main child exited 0)", code == 0),
    ]
    print(f"soak: tinyinit as PID 1 for {time.monotonic() - began:.0f} s (SOAK_SECONDS={SECONDS:g})")
    print("  during the run (s, fds, VmRSS KiB): " + ", ".join(f"{t}/{f}/{r}" for t, f, r in trend))
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    passed = all(ok for _, ok in checks)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        cleanup()
