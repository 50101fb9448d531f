"""The engine cases. Each runs once per image (busybox, glibc) and per way of starting tinyinit
(ENTRYPOINT, --init): it raises Failure when tinyinit does not do what the README says.

The child says "ready" (or the test finds its process) before the test acts on it; every wait
has a deadline; no case sleeps a fixed time or measures a duration.
"""
import json
import os
import signal
import subprocess
import sys

from images import PROBE
from podman import STOP_DEADLINE, Failure
from trial import Options

PTYDRIVER = os.path.join(os.path.dirname(__file__), "..", "integration", "pty", "ptydriver.py")
READY_THEN_SLEEP = ["sh", "-c", "echo ready; exec sleep 1000"]


def exit_code(t):
    command = [PROBE, "exit", "7"] if t.glibc else ["sh", "-c", "exit 7"]
    t.expect_exit(t.start(command), 7)


def killed_by_signal(t):
    command = [PROBE, "raise", "12"] if t.glibc else ["sh", "-c", "kill -USR2 $$"]
    t.expect_exit(t.start(command), 128 + signal.SIGUSR2)


def stop(t):
    c = t.start(READY_THEN_SLEEP)
    c.wait_line("^ready$")
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 143)


def stop_trapped(t):
    c = t.start(["sh", "-c", 'trap "exit 42" TERM; echo ready; sleep 1000 & wait'])
    c.wait_line("^ready$")
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 42)


def kill_usr1(t):
    c = t.start(["sh", "-c", 'trap "echo got USR1; exit 10" USR1; echo ready; sleep 1000 & wait'])
    c.wait_line("^ready$")
    t.podman.run("kill", "--signal", "USR1", c.name)
    c.wait_line("^got USR1$")
    t.expect_exit(c, 10)


def stop_ignored_term(t):
    command = [PROBE, "ignore-term"] if t.glibc else ["sh", "-c", 'trap "" TERM; echo ready; exec sleep 1000']
    c = t.start(command)
    c.wait_line("^ready")
    # The child ignores the TERM tinyinit forwards, so podman SIGKILLs PID 1 after 2 s.
    t.podman.run("stop", "--time", "2", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 137)


def orphan_of_child(t):
    c = t.start(["sh", "-c", 'sh -c "sleep 1001 >/dev/null 2>&1 &"; echo ready; exec sleep 1000'])
    c.wait_line("^ready$")
    orphan = t.find_child_of_init(c, "sleep", "1001")
    os.kill(orphan, signal.SIGKILL)
    t.expect_reaped(c, orphan)
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 143)


def orphan_of_exec(t):
    c = t.start(READY_THEN_SLEEP)
    c.wait_line("^ready$")
    # The exec'd shell's parent is outside the container; its orphan goes to the namespace's init.
    t.podman.run("exec", c.name, "sh", "-c", "sleep 1002 >/dev/null 2>&1 &")
    orphan = t.find_child_of_init(c, "sleep", "1002")
    os.kill(orphan, signal.SIGKILL)
    t.expect_reaped(c, orphan)
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 143)


# The leftover sets its TERM trap, then tells the main child through a FIFO, which exits 3. Its
# cleanup takes a moment (the sleep 0.2): it prints its second line only if tinyinit gives it a
# grace period; tini, dumb-init and catatonit exit at once and the kernel SIGKILLs it.
LEFTOVER = ("trap 'echo leftover got TERM; sleep 0.2; echo leftover cleaned up; exit 0' TERM; "
            "echo armed > /tmp/leftover-armed; sleep 1000 & wait")
MAIN_WITH_LEFTOVER = ('mkfifo /tmp/leftover-armed; sh -c "$1" & read state < /tmp/leftover-armed; '
                      'echo "main exits, leftover $state"; exit 3')


def leftover_grace(t):
    c = t.start(["sh", "-c", MAIN_WITH_LEFTOVER, "sh", LEFTOVER])
    t.expect_exit(c, 3)
    for line in ("main exits, leftover armed", "leftover got TERM", "leftover cleaned up"):
        if line not in c.output:
            raise Failure(f"no line '{line}'")


# True when a `sleep` leads the foreground process group of its terminal (proc(5): stat fields
# 5 pgrp and 8 tpgid), read inside the container, whose pty the host side cannot see.
SLEEP_IN_FOREGROUND = ('for f in /proc/[0-9]*/stat; do read -r pid comm state ppid pgrp sid tty tpgid rest < "$f" '
                       '&& [ "$comm" = "(sleep)" ] && [ "$pgrp" = "$tpgid" ] && exit 0; done; exit 1')


def _pty(t, steps, command, expected):
    """Runs `podman run -it` on a pty through the driver; expects the container's exit code."""
    name = t.new_name()
    for step in steps:
        if step[0] == "until":
            step[1] = t.podman.argv("exec", name, "sh", "-c", SLEEP_IN_FOREGROUND)
    argv = [sys.executable, "-B", PTYDRIVER, json.dumps(steps), "--",
            *t.run_argv(name, command, podman_args=["--interactive", "--tty"])]
    try:
        done = subprocess.run(argv, env=t.podman.env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise Failure("the pty driver did not finish within 60 s")
    if done.returncode != 0 or done.stdout.strip() != f"child-exit {expected}":
        raise Failure(f"pty driver: {done.stdout.strip() or 'no exit'} (expected child-exit {expected})\n"
                      + done.stderr.strip())


def pty_ctrl_c_sleep(t):
    _pty(t, [["expect", "ready"], ["until", None], ["ctrl", "c"]], READY_THEN_SLEEP, 130)


def pty_ctrl_c_shell(t):
    steps = [["expect", "engine[$] "], ["send", "sleep 1000\n"], ["until", None], ["ctrl", "c"],
             ["expect", "engine[$] "], ["send", "echo alive $((6 * 7))\n"], ["expect", "alive 42"],
             ["send", "exit 5\n"]]
    _pty(t, steps, ["env", "PS1=engine$ ", "sh"], 5)


def events(t):
    events_dir = os.path.join(t.workdir, "events")
    os.mkdir(events_dir)
    options = Options(["--events", "/events/events.jsonl"], {"TINYINIT_EVENTS": "/events/events.jsonl"})
    c = t.start(READY_THEN_SLEEP, options, ["--volume", f"{events_dir}:/events"])
    c.wait_line("^ready$")
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, 143)
    try:
        with open(os.path.join(events_dir, "events.jsonl")) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        raise Failure("tinyinit wrote no events.jsonl to the bind mount")
    try:
        records = [json.loads(line) for line in lines]
    except json.JSONDecodeError as e:
        raise Failure(f"not a JSON line ({e}): {lines}")
    kinds = [r.get("event") for r in records]
    times = [r.get("time_ns") for r in records]
    if not all(isinstance(ns, int) for ns in times) or times != sorted(times):
        raise Failure(f"time_ns missing or going back: {lines}")
    expected = [
        ("spawn", {"role": "main", "command": "sh"}),
        ("signal", {"signal": "SIGTERM", "forwarded": "SIGTERM"}),
        ("exit", {"role": "main", "exit_code": 143, "signal": "SIGTERM"}),
        ("shutdown", {"exit_code": 143, "dropped": 0}),
    ]
    if kinds != [kind for kind, _ in expected]:
        raise Failure(f"events {kinds}, expected {[kind for kind, _ in expected]}: {lines}")
    for record, (kind, fields) in zip(records, expected):
        if any(record.get(key) != value for key, value in fields.items()):
            raise Failure(f"{kind} event {record}, expected {fields}")


def timeout(t):
    c = t.start(READY_THEN_SLEEP, Options(["--timeout", "500ms"], {"TINYINIT_TIMEOUT": "500ms"}))
    c.wait_line("^ready$")
    t.expect_exit(c, 124)


SERVICE = "trap 'echo {0} stopped; exit 0' TERM; echo {0} ready; sleep 1000 & wait"


def services(t):
    """ENTRYPOINT: services alone, given as flags (tinyinit exits 0 on TERM). --init: podman needs
    a command, so a main `sleep` (killed by the TERM: 143) and the services in a Procfile."""
    if t.mode == "entrypoint":
        flags = ["--tag-output"] + [arg for name in "ab" for arg in ("--service", f"{name}={SERVICE.format(name)}")]
        c, expected = t.start([], Options(flags)), 0
    else:
        config = os.path.join(t.workdir, "config")
        os.mkdir(config)
        with open(os.path.join(config, "Procfile"), "w") as f:
            f.write("".join(f"{name}: {SERVICE.format(name)}\n" for name in "ab"))
        options = Options(env={"TINYINIT_PROCFILE": "/config/Procfile", "TINYINIT_TAG_OUTPUT": "1"})
        c, expected = t.start(READY_THEN_SLEEP, options, ["--volume", f"{config}:/config:ro"]), 143
    for name in "ab":
        c.wait_line(rf"^\[{name}\] {name} ready$")
    t.podman.run("stop", c.name, timeout=STOP_DEADLINE)
    t.expect_exit(c, expected)
    for name in "ab":
        if f"[{name}] {name} stopped" not in c.output:
            raise Failure(f"no line '[{name}] {name} stopped'")


CASES = [
    ("exit-code", "the child's exit code is the container's", exit_code),
    ("killed-by-signal", "a child killed by SIGUSR2 gives 140", killed_by_signal),
    ("stop", "podman stop gives 143", stop),
    ("stop-trapped", "podman stop, the child's TERM trap exits 42", stop_trapped),
    ("kill-usr1", "podman kill -s USR1 reaches the child", kill_usr1),
    ("stop-ignored-term", "podman stop -t 2, the child ignores TERM: 137", stop_ignored_term),
    ("orphan-of-child", "an orphan of the child is reaped, no zombie", orphan_of_child),
    ("orphan-of-exec", "an orphan of podman exec is reaped, no zombie", orphan_of_exec),
    ("leftover-grace", "a leftover that traps TERM gets TERM and its grace", leftover_grace),
    ("pty-ctrl-c-sleep", "-it: ^C ends sleep with 130", pty_ctrl_c_sleep),
    ("pty-ctrl-c-shell", "-it: ^C interrupts sh's foreground job, sh lives", pty_ctrl_c_shell),
    ("events", "the event stream on a bind mount, spawn to shutdown", events),
    ("timeout", "--timeout gives 124", timeout),
    ("services", "services with --tag-output stop cleanly on podman stop", services),
]
