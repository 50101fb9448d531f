#!/usr/bin/env python3
"""Benchmark driver for scripts/bench.sh: measures TinyInit and its peers in one run.

Usage: bench.py HELPER TINYINIT   (scripts/bench.sh builds both and calls this)

Every measure runs all inits in the same run, interleaved: one repetition visits every init
(in a fresh random order) before the next repetition starts, or all inits are measured over
the same time window. On this shared, noisy machine drift then hits every init alike instead
of favouring whichever ran during a quiet minute. Timing-critical loops are in benchhelper.c.

Progress goes to stderr; the markdown table goes to stdout.
"""
import os
import random
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time

import clients
from procfs import oncpu_ns, read_line, status_field, tasks, wait_until_quiet

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
# Full run about 3 minutes, quick run under a minute (plus the build, about 20 s).
STARTUP_REPS = 100 if QUICK else 1000
LATENCY_ROUNDS = 500 if QUICK else 5000
LATENCY_WARMUP = 20
IDLE_WINDOWS = 1 if QUICK else 3
IDLE_SECONDS = 5.0
REAP_REPS = 1 if QUICK else 7
ZOMBIES = 20000
STORM = 20000
CONTROL_CLIENTS = 50

SIG_COUNTED = signal.SIGRTMIN + 1  # 35: real-time, queued, so every one can be counted
SIG_MARKER = signal.SIGRTMIN + 2   # 36: "report your counts" (see benchhelper.c)

HELPER, TINYINIT = sys.argv[1], sys.argv[2]
UNSHARE = [shutil.which("unshare"), "--pid", "--fork", "--mount-proc"]
TASKSET = shutil.which("taskset")
ERRLOG = open(os.environ.get("BENCH_ERRLOG", os.devnull), "ab")


class Init:
    """One init under test: how to run a command under it on the host and as PID 1."""

    def __init__(self, name, path, host_args, pid1_args, note=""):
        self.name, self.path, self.note = name, path, note
        self.host = [path] + host_args
        self.pid1 = [path] + pid1_args

    def argv(self, pid1, cmd):
        return (UNSHARE + self.pid1 if pid1 else self.host) + cmd


INITS = [
    Init("tinyinit", TINYINIT, ["-s", "--"], ["--"]),
    Init("tini", "/usr/bin/tini", ["-s", "--"], ["--"]),
    Init("tini-static", "/usr/bin/tini-static", ["-s", "--"], ["--"]),
    # dumb-init has no subreaper option: on the host it only forwards and waits.
    Init("dumb-init", "/usr/bin/dumb-init", [], [], "no subreaper mode"),
    # catatonit registers itself as subreaper whenever it is not PID 1.
    Init("catatonit", "/usr/bin/catatonit", ["--"], ["--"]),
]


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ---- process bookkeeping: everything started is killed on the way out ----------------

class Running:
    """An init started with benchhelper's child under it, in a session of its own."""

    def __init__(self, init, pid1, proc, init_pid, child_pid, ack_fd):
        self.init, self.pid1, self.proc = init, pid1, proc
        self.init_pid, self.child_pid, self.ack_fd = init_pid, child_pid, ack_fd


LIVE = []          # Running instances not yet stopped
LIVE_PROCS = []    # other helper processes (runner, latency sender)


def kill_quietly(pid, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def is_helper(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().startswith(HELPER.encode() + b"\0")
    except OSError:
        return False


def kill_running(r):
    """Kills what is left of r. Pids are only signalled while they cannot have been reused:
    proc is not reaped before the end, and the child is checked by its command line."""
    if r.proc.poll() is None:
        # As PID 1, SIGKILL to the init takes its whole namespace down (pid_namespaces(7)).
        kill_quietly(r.init_pid)
        try:
            os.killpg(r.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if r.child_pid and not r.pid1 and is_helper(r.child_pid):
        kill_quietly(r.child_pid)  # dumb-init puts it in a session of its own
    r.proc.wait()
    if r.ack_fd is not None:
        os.close(r.ack_fd)
        r.ack_fd = None
    LIVE.remove(r)


def cleanup():
    for r in list(LIVE):
        kill_running(r)
    for p in list(LIVE_PROCS):
        # Each was started in a session of its own: the group holds whatever it started too.
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        p.wait()
        LIVE_PROCS.remove(p)


def on_signal(signum, _frame):
    raise SystemExit(128 + signum)


def start(init, pid1, ack=False, cpu=None):
    """Starts init with `benchhelper child` under it and waits for the child's "ready"."""
    ready_r, ready_w = os.pipe()
    fds = [ready_w]
    ack_r = ack_w = None
    cmd = [HELPER, "child", str(ready_w)]
    if ack:
        ack_r, ack_w = os.pipe()
        fds.append(ack_w)
        cmd.append(str(ack_w))
    argv = init.argv(pid1, cmd)
    if cpu is not None:
        argv = [TASKSET, "-c", str(cpu)] + argv
    proc = subprocess.Popen(argv, pass_fds=fds, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=ERRLOG, start_new_session=True)
    os.close(ready_w)
    if ack_w is not None:
        os.close(ack_w)
    r = Running(init, pid1, proc, proc.pid, None, ack_r)
    LIVE.append(r)
    line = read_line(ready_r, time.monotonic() + 10)
    os.close(ready_r)
    if not line or not line.startswith("ready "):
        raise RuntimeError(f"{init.name}: the child never said ready")
    r.child_pid = int(line.split()[1])
    if pid1:
        # unshare --fork runs the init as its only child; that child's host pid is what we measure.
        with open(f"/proc/{proc.pid}/task/{proc.pid}/children") as f:
            r.init_pid = int(f.read().split()[0])
    return r


def stop(r, deadline_s=10):
    """SIGTERM to the init: it forwards it, the child exits 0, so the init should exit 0."""
    if r.proc.poll() is None:  # else the init is gone and its pid may be someone else's
        kill_quietly(r.init_pid, signal.SIGTERM)
    try:
        code = r.proc.wait(timeout=deadline_s)
    except subprocess.TimeoutExpired:
        code = None
    kill_running(r)
    return code


# ---- /proc readings ------------------------------------------------------------------

def idle_snapshot(pid):
    """Context switches summed over threads (status is per thread), CPU ticks for the whole
    thread group (/proc/PID/stat utime+stime), and on-CPU ns summed over threads."""
    ctx = 0
    for t in tasks(pid):
        try:
            ctx += status_field(pid, "voluntary_ctxt_switches", t)
            ctx += status_field(pid, "nonvoluntary_ctxt_switches", t)
        except FileNotFoundError:
            pass  # a thread that ended between listdir and open
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return ctx, ticks, oncpu_ns(pid)


# ---- statistics and formatting ---------------------------------------------------------

def pct(values, p):
    """Percentile with linear interpolation (numpy's default)."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    k = (len(s) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def fmt(x, digits):
    return f"{x:,.{digits}f}"


def quartiles(values, digits):
    return f"{fmt(statistics.median(values), digits)} ({fmt(pct(values, 25), digits)}–{fmt(pct(values, 75), digits)})"


def range_of(values, digits):
    if len(values) == 1:
        return fmt(values[0], digits)
    return f"{fmt(statistics.median(values), digits)} ({fmt(min(values), digits)}–{fmt(max(values), digits)})"


def ratio(results, digits=2):
    a, b = results.get("tinyinit"), results.get("tini")
    if not a or not b:
        return "—"
    ma, mb = statistics.median(a), statistics.median(b)
    return f"{ma / mb:.{digits}f}×" if mb > 0 else "—"


# ---- the measures ------------------------------------------------------------------------

def measure_startup(workdir):
    """INIT -- /bin/true minus /bin/true, on the host and as PID 1, paired per repetition:
    each repetition's baseline is subtracted from the same repetition's init run."""
    true = shutil.which("true")
    commands = [("host", None, [true]), ("pid1", None, UNSHARE + [true])]
    for init in INITS:
        commands.append(("host", init.name, init.argv(False, [true])))
        commands.append(("pid1", init.name, init.argv(True, [true])))
    path = os.path.join(workdir, "startup.cmds")
    with open(path, "w") as f:
        for _, _, argv in commands:
            f.write("\t".join(argv) + "\n")
    log(f"start-up: {len(commands)} commands x {STARTUP_REPS} repetitions, interleaved")
    proc = subprocess.Popen([HELPER, "run", str(STARTUP_REPS), str(random.randrange(1 << 30)), path],
                            stdout=subprocess.PIPE, text=True, start_new_session=True)
    LIVE_PROCS.append(proc)
    out, _ = proc.communicate()
    LIVE_PROCS.remove(proc)
    if proc.returncode != 0:
        raise RuntimeError("benchhelper run failed")
    times = {}  # (rep, index) -> ns
    failures = 0
    for line in out.splitlines():
        rep, idx, ns, status = (int(x) for x in line.split("\t"))
        times[rep, idx] = ns
        failures += status != 0
    if failures:
        log(f"start-up: {failures} runs did not exit 0 (see BENCH_ERRLOG)")
    result = {"host": {}, "pid1": {}, "baseline": {}}
    for mode, base_idx in (("host", 0), ("pid1", 1)):
        result["baseline"][mode] = [times[rep, base_idx] / 1e6 for rep in range(STARTUP_REPS)]
        for idx, (m, name, _) in enumerate(commands):
            if m == mode and name:
                result[mode][name] = [(times[rep, idx] - times[rep, base_idx]) / 1e6
                                      for rep in range(STARTUP_REPS)]
    return result, failures


def measure_rss_and_idle():
    """All inits run side by side as PID 1, each with a child that sleeps in sigwaitinfo;
    peak RSS once each has gone quiet after its start-up, then context switches and CPU time over the same idle window."""
    rss, hwm, threads, ctx, ticks, oncpu, exits = ({i.name: [] for i in INITS} for _ in range(7))
    for window in range(IDLE_WINDOWS):
        log(f"idle: window {window + 1}/{IDLE_WINDOWS}, {IDLE_SECONDS:.0f} s, all inits at once")
        running = [start(init, pid1=True) for init in random.sample(INITS, len(INITS))]
        for r in running:
            if not wait_until_quiet(r.init_pid):
                log(f"idle: {r.init.name} never went quiet; measuring anyway")
        before = {}
        for r in running:
            name = r.init.name
            hwm[name].append(status_field(r.init_pid, "VmHWM"))
            rss[name].append(status_field(r.init_pid, "VmRSS"))
            threads[name].append(len(tasks(r.init_pid)))
            before[name] = idle_snapshot(r.init_pid)
        time.sleep(IDLE_SECONDS)
        for r in running:
            name = r.init.name
            after = idle_snapshot(r.init_pid)
            ctx[name].append(after[0] - before[name][0])
            ticks[name].append((after[1] - before[name][1]) * 1000 / os.sysconf("SC_CLK_TCK"))
            oncpu[name].append((after[2] - before[name][2]) / 1000)
        for r in running:
            exits[r.init.name].append(stop(r))
    return dict(rss=rss, hwm=hwm, threads=threads, ctx=ctx, ticks=ticks, oncpu=oncpu, exits=exits)


def measure_latency():
    """Every init runs as PID 1 pinned with its child to CPU 0; the sender, on CPU 1, sends
    one SIGUSR1 at a time round-robin over the inits and waits for each child's receipt time."""
    cpus = sorted(os.sched_getaffinity(0))
    init_cpu, sender_cpu = cpus[0], cpus[1] if len(cpus) > 1 else cpus[0]
    log(f"latency: {LATENCY_ROUNDS} rounds, inits on CPU {init_cpu}, sender on CPU {sender_cpu}")
    running = [start(init, pid1=True, ack=True, cpu=init_cpu) for init in INITS]
    args = []
    for r in running:
        args += [str(r.init_pid), str(r.ack_fd)]
    proc = subprocess.Popen([TASKSET, "-c", str(sender_cpu), HELPER, "latency",
                             str(LATENCY_ROUNDS + LATENCY_WARMUP)] + args,
                            pass_fds=[r.ack_fd for r in running], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    LIVE_PROCS.append(proc)
    out, _ = proc.communicate()
    LIVE_PROCS.remove(proc)
    if proc.returncode != 0:
        raise RuntimeError("benchhelper latency failed")
    samples = {r.init.name: [] for r in running}
    for line in out.splitlines():
        idx, ns = (int(x) for x in line.split("\t"))
        samples[running[idx].init.name].append(ns / 1000)
    for r in running:
        stop(r)
    # Drop the warm-up rounds (page faults and cache misses of the first signals).
    return {name: s[LATENCY_WARMUP:] for name, s in samples.items()}


def measure_reaping():
    """ZOMBIES zombies orphaned at once to PID 1; see zombies_main in benchhelper.c."""
    result = {i.name: [] for i in INITS}
    for rep in range(REAP_REPS):
        for init in random.sample(INITS, len(INITS)):
            log(f"reaping: repetition {rep + 1}/{REAP_REPS}, {init.name}")
            proc = subprocess.Popen(init.argv(True, [HELPER, "zombies", str(ZOMBIES)]),
                                    stdout=subprocess.PIPE, stderr=ERRLOG, text=True,
                                    start_new_session=True)
            LIVE_PROCS.append(proc)
            try:
                out, _ = proc.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                out = ""
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            LIVE_PROCS.remove(proc)
            if proc.returncode == 0 and out.strip():
                result[init.name].append(int(out.strip()) / 1e6)
            else:
                log(f"reaping: {init.name} failed (exit {proc.returncode})")
    return result


def measure_storms():
    """STORM signals sent to the init as fast as one process can send them, on the host and as
    PID 1. Then the marker: the child reports how many it got. The init survived if it was still
    there to forward the marker and then exited 0 when the child did."""
    result = {}
    for pid1 in (False, True):
        for sig, label in ((signal.SIGUSR2, "usr2"), (SIG_COUNTED, "rt")):
            for init in random.sample(INITS, len(INITS)):
                mode = "PID 1" if pid1 else "host"
                log(f"storm: {STORM} x {label} to {init.name} ({mode})")
                r = start(init, pid1, ack=True)
                out = subprocess.run([HELPER, "storm", str(r.init_pid), str(int(sig)), str(STORM)],
                                     capture_output=True, text=True, check=True).stdout
                failed = int(out.strip())
                kill_quietly(r.init_pid, SIG_MARKER)
                line = read_line(r.ack_fd, time.monotonic() + 30)
                counts = [int(x) for x in line.split()[1:]] if line else None
                code = stop(r)
                result[pid1, label, init.name] = dict(sent=STORM - failed, counts=counts, exit=code)
    return result


# ---- report ------------------------------------------------------------------------------

def table(startup, idle, latency, reaping, storms):
    names = [i.name for i in INITS]
    rows = []

    def row(label, per_init, rat="—"):
        rows.append(f"| {label} | " + " | ".join(per_init[n] for n in names) + f" | {rat} |")

    for mode, label in (("host", "host (subreaper)"), ("pid1", "PID 1 (unshare)")):
        d = startup[mode]
        row(f"start-up + exit overhead, {label}, ms", {n: quartiles(d[n], 2) for n in names}, ratio(d))
    row("peak RSS (VmHWM) as PID 1, KiB", {n: range_of(idle["hwm"][n], 0) for n in names}, ratio(idle["hwm"]))
    sizes = {i.name: os.stat(i.path).st_size for i in INITS}
    row("binary size, KiB", {n: fmt(sizes[n] / 1024, 0) for n in names},
        f"{sizes['tinyinit'] / sizes['tini']:.0f}×")
    row("threads", {n: range_of(idle["threads"][n], 0) for n in names})
    row(f"reap {ZOMBIES:,} zombies as PID 1, ms", {n: range_of(reaping[n], 1) if reaping[n] else "failed"
                                                    for n in names}, ratio(reaping))
    for p in (50, 99):
        vals = {n: [pct(latency[n], p)] for n in names}
        row(f"signal forwarding latency p{p}, µs", {n: fmt(vals[n][0], 1) for n in names}, ratio(vals))
    row(f"idle {IDLE_SECONDS:.0f} s: context switches (all threads)", {n: range_of(idle["ctx"][n], 0) for n in names},
        ratio(idle["ctx"]))
    row(f"idle {IDLE_SECONDS:.0f} s: utime+stime, ms", {n: range_of(idle["ticks"][n], 0) for n in names})
    row(f"idle {IDLE_SECONDS:.0f} s: on-CPU time (schedstat), µs", {n: range_of(idle["oncpu"][n], 0) for n in names},
        ratio(idle["oncpu"]))
    for pid1 in (False, True):
        mode = "PID 1" if pid1 else "host"
        cells = {}
        for n in names:
            s = storms[pid1, "usr2", n]
            cells[n] = "survived" if s["counts"] is not None and s["exit"] == 0 else f"**died** (exit {s['exit']})"
        row(f"{STORM:,} × SIGUSR2 storm, {mode}", cells)
        cells = {}
        for n in names:
            s = storms[pid1, "rt", n]
            alive = s["counts"] is not None and s["exit"] == 0
            got = s["counts"][0] if s["counts"] else 0
            cells[n] = (f"{got:,}/{s['sent']:,}" + ("" if alive else f" **died** (exit {s['exit']})"))
        row(f"{STORM:,} × SIGRTMIN+1 storm, {mode}: received/sent", cells)

    head = "| measure | " + " | ".join(names) + " | tinyinit ÷ tini |"
    sep = "|---|" + "---|" * len(names) + "---|"
    return "\n".join([head, sep] + rows)


def main():
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    # Real-time signals beyond RLIMIT_SIGPENDING (counted per user, over all of root's
    # processes) are not queued but silently merged by the kernel (kernel/signal.c,
    # __send_signal_locked). Raise the soft limit to the hard one, so that a loss in the storm
    # is the init's, not the kernel's; the storm needs room for about 2 x STORM at most (all
    # queued at the init, or all forwarded and queued at the child). Children inherit it.
    _, hard = resource.getrlimit(resource.RLIMIT_SIGPENDING)
    resource.setrlimit(resource.RLIMIT_SIGPENDING, (hard, hard))
    if hard != resource.RLIM_INFINITY and hard < 2 * STORM + 1000:
        log(f"warning: RLIMIT_SIGPENDING is {hard}; the kernel itself may merge real-time signals")
    workdir = os.environ.get("BENCH_WORKDIR", "/tmp")
    load_before = open("/proc/loadavg").read().split()[:3]
    began = time.monotonic()
    try:
        startup, failures = measure_startup(workdir)
        idle = measure_rss_and_idle()
        latency = measure_latency()
        reaping = measure_reaping()
        with_clients = clients.measure(TINYINIT, HELPER, UNSHARE, ZOMBIES, [0, 1, CONTROL_CLIENTS], REAP_REPS,
                                       workdir, ERRLOG, log)
        storms = measure_storms()
    finally:
        cleanup()
    load_after = open("/proc/loadavg").read().split()[:3]

    print(table(startup, idle, latency, reaping, storms))
    print()
    print(f"- {'BENCH_QUICK run' if QUICK else 'Full run'}, {time.monotonic() - began:.0f} s, "
          f"{os.cpu_count()} CPUs, kernel {os.uname().release}, load average "
          f"{' '.join(load_before)} before, {' '.join(load_after)} after.")
    print("- Cells are the median and, in brackets, p25–p75 for start-up (paired differences "
          f"over {STARTUP_REPS} interleaved repetitions) and min–max for the others "
          f"(RSS, threads, idle: {IDLE_WINDOWS} window(s); reaping: {REAP_REPS} repetition(s)).")
    base = startup["baseline"]
    print(f"- Start-up baselines: `/bin/true` {quartiles(base['host'], 2)} ms; "
          f"`unshare --pid --fork --mount-proc /bin/true` {quartiles(base['pid1'], 2)} ms."
          + (f" {failures} runs did not exit 0." if failures else ""))
    print(f"- Latency: {LATENCY_ROUNDS} samples per init after {LATENCY_WARMUP} warm-up rounds; send → "
          "child's sigwaitinfo return, init and child on one CPU, sender on another.")
    print(f"- Reaping: time from the moment {ZOMBIES:,} exited children are orphaned to PID 1 until "
          "the last is gone (benchhelper.c, zombies_main).")
    times, lost = with_clients
    cell = {n: range_of(times[n], 1) + " ms" if times[n] else "failed" for n in times}
    med = {n: statistics.median(times[n]) if times[n] else float("nan") for n in times}
    print(f"- Reaping with control clients (tinyinit as PID 1 with `--control`, scripts/bench/clients.py): "
          f"{ZOMBIES:,} zombies in {cell[0]} with no client, {cell[1]} with one `tinyinit ctl --json events` "
          f"client reading, {cell[CONTROL_CLIENTS]} with {CONTROL_CLIENTS}; medians {med[1] / med[0]:.2f}× and "
          f"{med[CONTROL_CLIENTS] / med[0]:.2f}× the run without, {med[CONTROL_CLIENTS] / med[1]:.2f}× the run with "
          "one. Events the clients lost, per run: "
          + (", ".join("no shutdown line" if n is None else f"{n:,}" for n in lost) or "none measured") + ".")
    sigpending = resource.getrlimit(resource.RLIMIT_SIGPENDING)[0]
    print(f"- Storms: sent back to back by one process; RLIMIT_SIGPENDING {sigpending} (room for both "
          "queues); received = SIGRTMIN+1 counted by the child when the SIGRTMIN+2 marker arrives.")
    tini_kind = "dynamically linked" if b"ld-linux" in open("/usr/bin/tini", "rb").read(4096) else "static"
    print(f"- tinyinit build: {os.environ.get('BENCH_BUILD_LINE', 'unknown')}.")
    print(f"- Binaries: tinyinit {TINYINIT}; tini = /usr/bin/tini ({tini_kind}); tini-static, catatonit "
          "static; dumb-init dynamic. " + "; ".join(f"{i.name}: {i.note}" for i in INITS if i.note) + ".")
    bad_exit = {n: e for n, e in idle["exits"].items() if any(x != 0 for x in e)}
    if bad_exit:
        print(f"- Not every init exited 0 after SIGTERM in the idle runs: {bad_exit}.")


if __name__ == "__main__":
    main()
