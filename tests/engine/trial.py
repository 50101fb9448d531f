"""One case in one image and one way of starting tinyinit, with what the cases need: start a
container, find processes of it from the host, poll for a condition with a deadline."""
import json
import os
import time

from images import TINYINIT, image_name
from podman import DEADLINE, Container, Failure

# Both ways a user starts tinyinit under a container engine.
#   entrypoint  the image's ENTRYPOINT is tinyinit; options are flags in the ENTRYPOINT
#   init        podman run --init --init-path BIN: podman runs "/run/podman-init -- CMD..." and
#               passes no option of ours, so options go in TINYINIT_* variables
MODES = ("entrypoint", "init")


class Options:
    """The same tinyinit settings written both ways: as flags and as TINYINIT_* variables."""

    def __init__(self, flags=(), env=None):
        self.flags = list(flags)
        self.env = dict(env or {})


def poll(condition, what, deadline=DEADLINE):
    """Calls condition() every 20 ms until it returns something truthy, and returns that.
    what() says, when the deadline has passed, what did not happen and how things stand."""
    end = time.monotonic() + deadline
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > end:
            raise Failure(f"{what()}: not within {deadline:.0f} s")
        time.sleep(0.02)


def _stat(pid):
    """(state, ppid) of a host pid, or None once it is gone (reaped)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return fields[0], int(fields[1])


def _argv(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().split(b"\0")[:-1]
    except (FileNotFoundError, ProcessLookupError):
        return None


def children(parent):
    """Host pids and states of the children of a host pid: every thread's children list
    (proc(5): /proc/PID/task/TID/children), since any thread of tinyinit may be a parent."""
    found = []
    try:
        threads = os.listdir(f"/proc/{parent}/task")
    except FileNotFoundError:
        return found
    for tid in threads:
        try:
            with open(f"/proc/{parent}/task/{tid}/children") as f:
                pids = [int(pid) for pid in f.read().split()]
        except FileNotFoundError:
            continue
        found += [(pid, stat[0]) for pid in pids if (stat := _stat(pid))]
    return found


class Trial:
    def __init__(self, podman, kind, mode, tinyinit, workdir):
        self.podman = podman
        self.kind = kind
        self.mode = mode
        self.tinyinit = tinyinit
        self.workdir = workdir  # a host directory of this trial's own, for bind mounts
        self.containers = []  # the attached ones, whose output a failure report shows
        self.names = []       # every container this trial named, attached or not

    @property
    def glibc(self):
        return self.kind == "glibc"

    def new_name(self):
        name = self.podman.new_name()
        self.names.append(name)
        return name

    def run_argv(self, name, command, options=None, podman_args=()):
        """The `podman run` command line; the container is removed when it ends."""
        options = options or Options()
        args = ["run", "--rm", "--name", name, "--network", "none", *podman_args]
        if self.mode == "init":
            args += ["--init", "--init-path", self.tinyinit]
            for key, value in options.env.items():
                args += ["--env", f"{key}={value}"]
        elif options.flags:
            entrypoint = [TINYINIT, *options.flags] + (["--"] if command else [])
            args += ["--entrypoint", json.dumps(entrypoint)]
        return self.podman.argv(*args, image_name(self.kind, self.mode), *command)

    def start(self, command, options=None, podman_args=()):
        name = self.new_name()
        container = Container(self.podman, name, self.run_argv(name, command, options, podman_args))
        self.containers.append(container)
        return container

    def report(self):
        """What a failure report shows: each container's command line and output."""
        return "".join(f"$ podman {' '.join(c.argv[len(self.podman.base):])}\n"
                       + "".join(f"> {line}\n" for line in c.output) for c in self.containers)

    def close(self):
        """Removes what a failed case may have left running (a case that passed waited for
        every container to end, and --rm removed it)."""
        for name in self.names:
            self.podman.remove(name)
        for container in self.containers:
            container.kill()

    def expect_exit(self, container, expected, deadline=DEADLINE):
        code = container.wait_exit(deadline)
        if code != expected:
            raise Failure(f"exit code {code}, expected {expected}")

    def find_child_of_init(self, container, *argv):
        """Waits until a process with exactly this argv is a child of the container's PID 1 on
        the host (so it was reparented to tinyinit); returns its host pid."""
        init = self.podman.init_pid(container.name)
        wanted = [a.encode() for a in argv]
        return poll(lambda: next((pid for pid, _ in children(init) if _argv(pid) == wanted), None),
                    lambda: f"'{' '.join(argv)}' reparented to tinyinit (host pid {init})")

    def expect_reaped(self, container, pid):
        """Waits until the pid is gone from the host's /proc (a zombie stays until its parent
        reaps it), then until tinyinit has no zombie child at all."""
        poll(lambda: _stat(pid) is None, lambda: f"orphan {pid} reaped (state, ppid now {_stat(pid)})")
        init = self.podman.init_pid(container.name)
        poll(lambda: not [p for p, state in children(init) if state == "Z"],
             lambda: f"no zombie child of tinyinit (host pid {init}): {children(init)}")
