#!/usr/bin/env python3
"""The engine suite: tinyinit under podman, as an image's ENTRYPOINT and through
`podman run --init --init-path`, in a libc-less busybox image and in a glibc image.

usage: run.py [--tinyinit PATH] [--probe PATH] [--jobs N] [CASE...]

One line per case and variant (PASS, FAIL with the reason and the container's output, or SKIP),
then "engine cases: N passed, N failed, N skipped". Exit status 1 when any case failed.
Where podman cannot run a container, every case is skipped with one line saying why, unless
TINYINIT_REQUIRE_ENGINE=1 (CI sets it), which makes each of them a failure instead.
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from cases import CASES
from images import KINDS, build_images, image_name
from podman import Failure, Podman
from trial import MODES, Trial

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def engine_problem(podman, tinyinit, probe):
    """Why podman cannot run the suite's containers here, or None when it can."""
    if os.geteuid() != 0:
        return "not root (the suite runs podman as root)"
    for tool in ("podman", "runc", "busybox"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install -y podman runc busybox-static)"
    try:
        build_images(podman, tinyinit, probe)
        podman.run("run", "--rm", "--network", "none", image_name("busybox", "init"), "true", timeout=60)
    except (Failure, RuntimeError, OSError, subprocess.SubprocessError) as e:
        return f"podman cannot run a container here: {' '.join(str(e).split())[:400]}"
    return None


def run_trial(podman, tinyinit, name, description, case, kind, mode):
    """Runs one case in one variant; returns ("passed" or "failed", the lines to print)."""
    label = f"{name} [{kind}, {mode}]"
    workdir = tempfile.mkdtemp(dir=podman.scratch, prefix=f"{name}-{kind}-{mode}.")
    trial = Trial(podman, kind, mode, tinyinit, workdir)
    started = time.monotonic()
    try:
        case(trial)
    except Exception as e:  # a Failure, or a bug of the suite's: a failure either way
        reason = str(e) if isinstance(e, Failure) else traceback.format_exc()
        trial.close()
        return "failed", f"FAIL {label}: {description}\n{indent(reason)}{indent(trial.report())}"
    return "passed", f"PASS {label}: {description} ({time.monotonic() - started:.1f} s)"


def indent(text):
    return "".join(f"      {line}\n" for line in text.splitlines())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tinyinit", default=os.path.join(ROOT, "artifacts", "bin", "tinyinit"))
    parser.add_argument("--probe", default=os.path.join(ROOT, "artifacts", "bin", "tinyprobe"))
    parser.add_argument("--jobs", type=int, default=3, help="cases run at once (default 3)")
    parser.add_argument("cases", nargs="*", help="run only these cases")
    args = parser.parse_args()
    unknown = set(args.cases) - {name for name, _, _ in CASES}
    if unknown:
        parser.error(f"no such case: {', '.join(sorted(unknown))} (cases: {', '.join(c[0] for c in CASES)})")
    selected = [c for c in CASES if not args.cases or c[0] in args.cases]
    required = os.environ.get("TINYINIT_REQUIRE_ENGINE") == "1"
    tinyinit, probe = os.path.abspath(args.tinyinit), os.path.abspath(args.probe)
    for path in (tinyinit, probe):
        if not os.access(path, os.X_OK):  # not the engine's fault: never a skip
            print(f"engine: {path} is missing (scripts/test.sh builds it)", flush=True)
            return 2

    # A TERM or INT (test.sh interrupted) still removes every container and the scratch store.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    scratch = tempfile.mkdtemp(prefix="tinyinit-engine.")
    podman = Podman(scratch)
    variants = [(name, description, case, kind, mode)
                for name, description, case in selected for kind in KINDS for mode in MODES]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    started = time.monotonic()
    pool = ThreadPoolExecutor(args.jobs)
    try:
        problem = engine_problem(podman, tinyinit, probe)
        if problem:
            print(f"engine: {problem}", flush=True)
            verdict = "failed" if required else "skipped"
            for name, _, _, kind, mode in variants:
                print(f"{'FAIL' if required else 'SKIP'} {name} [{kind}, {mode}]: {problem}"
                      + (" (TINYINIT_REQUIRE_ENGINE=1)" if required else ""), flush=True)
                counts[verdict] += 1
        else:
            # Cases mostly wait on podman, so a few run at once; results print in a fixed order.
            for future in [pool.submit(run_trial, podman, tinyinit, *v) for v in variants]:
                verdict, text = future.result()
                counts[verdict] += 1
                print(text, flush=True)
    finally:
        # Interrupted: cases still running fail fast once their containers are gone.
        pool.shutdown(wait=False, cancel_futures=True)
        podman.remove_all_containers()
        pool.shutdown(wait=True)
        podman.cleanup()
    print(f"engine cases: {counts['passed']} passed, {counts['failed']} failed, "
          f"{counts['skipped']} skipped in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
