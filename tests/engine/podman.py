"""podman in a scratch directory of its own, and containers run attached with their output read
line by line against deadlines.

Everything podman keeps (images, containers, its database, runtime state, events) lives under the
scratch directory, so the suite neither sees nor touches the machine's other containers, and
cleanup is: remove what we made, unmount what is left under the scratch directory, delete it.
"""
import itertools
import os
import re
import resource
import shutil
import subprocess
import threading
import time

DEADLINE = 10.0          # seconds to wait for any condition (a line, a process, an exit)
STOP_DEADLINE = 30.0     # `podman stop` waits up to its own -t (10 s by default) before SIGKILL


class Failure(Exception):
    """A case's expectation was not met; the message says which."""


def containers_conf():
    """The two settings this machine kind needs (podman's defaults fail every container here):
    runc, since crun refuses the hybrid cgroup layout; default ulimits no higher than the hard
    limits, since root lacks CAP_SYS_RESOURCE and podman's nofile/nproc of 1048576 fail with
    `setrlimit ... Operation not permitted` (setrlimit(2): raising a hard limit needs it).
    Logs and events go to files, which need no journald."""
    nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    nproc = resource.getrlimit(resource.RLIMIT_NPROC)[1]
    if nproc == resource.RLIM_INFINITY or nproc > 32768:
        nproc = 32768
    return (
        "[containers]\n"
        f'default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]\n'
        'log_driver = "k8s-file"\n'
        "[engine]\n"
        'runtime = "runc"\n'
        'events_logger = "file"\n'
    )


class Podman:
    def __init__(self, scratch):
        self.scratch = scratch
        conf = os.path.join(scratch, "containers.conf")
        with open(conf, "w") as f:
            f.write(containers_conf())
        self.env = dict(os.environ, CONTAINERS_CONF=conf)
        self.base = ["podman",
                     "--root", os.path.join(scratch, "storage"),
                     "--runroot", os.path.join(scratch, "run"),
                     "--tmpdir", os.path.join(scratch, "libpod")]
        self._names = itertools.count(1)

    def argv(self, *args):
        return self.base + list(args)

    def run(self, *args, timeout=DEADLINE, stdin=None):
        """Runs one podman command to its end; raises Failure when it fails."""
        try:
            done = subprocess.run(self.argv(*args), env=self.env, stdin=stdin,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"`podman {' '.join(args[:2])}` did not finish within {timeout:.0f} s")
        if done.returncode != 0:
            raise Failure(f"`podman {' '.join(args)}` exited {done.returncode}: "
                          f"{done.stdout.decode(errors='replace').strip()}")
        return done.stdout.decode(errors="replace")

    def new_name(self):
        return f"tinyinit-engine-{os.getpid()}-{next(self._names)}"

    def init_pid(self, name):
        """The host pid of the container's PID 1 (tinyinit)."""
        return int(self.run("inspect", "--format", "{{.State.Pid}}", name).strip())

    def remove(self, name):
        subprocess.run(self.argv("rm", "--force", "--time", "0", name), env=self.env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def remove_all_containers(self):
        if shutil.which("podman"):
            subprocess.run(self.argv("rm", "--all", "--force", "--time", "0"), env=self.env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)

    def cleanup(self):
        """Removes every container and image of the scratch store, then the store itself."""
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        self.remove_all_containers()
        if shutil.which("podman"):
            subprocess.run(self.argv("rmi", "--all", "--force"), env=self.env, timeout=60, **quiet)
        with open("/proc/self/mountinfo") as f:
            mounts = [line.split()[4] for line in f]
        for mount in reversed(mounts):  # innermost first
            if mount == self.scratch or mount.startswith(self.scratch + "/"):
                subprocess.run(["umount", "--lazy", mount], **quiet)
        # --one-file-system: never into a mount that could not be removed
        subprocess.run(["rm", "-rf", "--one-file-system", self.scratch], **quiet)


class Container:
    """`podman run` attached (no -d): its exit status is the container's, and its output
    (stdout and stderr together, tinyinit's logs included) is collected as it comes."""

    def __init__(self, podman, name, argv):
        self.name = name
        self.argv = argv
        self._lines = []
        self._changed = threading.Condition()
        self._proc = subprocess.Popen(argv, env=podman.env, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for raw in self._proc.stdout:
            with self._changed:
                self._lines.append(raw.decode(errors="replace").rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    @property
    def output(self):
        with self._changed:
            return list(self._lines)

    def wait_line(self, pattern, deadline=DEADLINE):
        """Waits until a line of output matches the regex; returns the match."""
        regex = re.compile(pattern)
        end = time.monotonic() + deadline
        with self._changed:
            while True:
                for line in self._lines:
                    match = regex.search(line)
                    if match:
                        return match
                if not self._reader.is_alive():
                    raise Failure(f"the container ended without printing a line matching /{pattern}/")
                if time.monotonic() > end:
                    raise Failure(f"no line matched /{pattern}/ within {deadline:.0f} s")
                self._changed.wait(0.05)

    def wait_exit(self, deadline=DEADLINE):
        """Waits for `podman run` to end and returns the container's exit code."""
        try:
            code = self._proc.wait(deadline)
        except subprocess.TimeoutExpired:
            raise Failure(f"the container was still running after {deadline:.0f} s")
        self._reader.join(DEADLINE)
        return code

    def running(self):
        return self._proc.poll() is None

    def kill(self):
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
