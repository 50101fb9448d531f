"""/proc readings and pipe reads shared by bench.py and soak.py."""
import os
import select
import time


def read_line(fd, deadline):
    """Reads one line from a pipe, or None at EOF or when the deadline (monotonic) passes."""
    buf = b""
    while not buf.endswith(b"\n"):
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return None
        chunk = os.read(fd, 1)  # one byte: what follows the line stays in the pipe
        if not chunk:
            return None
        buf += chunk
    return buf.decode().strip()


def status_field(pid, field, task=None):
    """A number from /proc/PID/status (or a thread's), e.g. VmRSS in KiB."""
    path = f"/proc/{pid}/task/{task}/status" if task else f"/proc/{pid}/status"
    with open(path) as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def tasks(pid):
    return os.listdir(f"/proc/{pid}/task")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def oncpu_ns(pid):
    """Time on CPU summed over the threads (schedstat: ns, where stat's ticks are 10 ms)."""
    total = 0
    for t in tasks(pid):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[0])
        except FileNotFoundError:
            pass  # a thread that ended between listdir and open
    return total


def wait_until_quiet(pid, quiet_s=0.2, deadline_s=10):
    """Waits until pid has not run at all for quiet_s: its start-up is over (every fd it
    opens at start is open, e.g. a pidfd opened after the child already said ready) and a
    baseline reading is not taken halfway through it. Returns False at the deadline."""
    end = time.monotonic() + deadline_s
    last = oncpu_ns(pid)
    while time.monotonic() < end:
        time.sleep(quiet_s)
        now = oncpu_ns(pid)
        if now == last:
            return True
        last = now
    return False
