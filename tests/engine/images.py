"""The test images, made without a registry: a directory tree, tarred into `podman import`.

busybox   busybox-static alone: no libc, no loader, nothing dynamic can run in it.
glibc     the same plus the dynamic test probe and exactly the libraries `ldd` lists for it.

Each is imported twice: ":init" as it is, for `podman run --init --init-path`, and
":entrypoint" with tinyinit at /sbin/tinyinit as the ENTRYPOINT, as a Dockerfile would have it.
"""
import os
import re
import shutil
import subprocess

PROBE = "/usr/local/bin/tinyprobe"
TINYINIT = "/sbin/tinyinit"
KINDS = ("busybox", "glibc")


def image_name(kind, mode):
    return f"localhost/tinyinit-engine/{kind}:{mode}"


def _busybox_tree(root):
    busybox = shutil.which("busybox")
    if busybox is None:
        raise RuntimeError("busybox is not installed (apt-get install busybox-static)")
    if "not a dynamic executable" not in _ldd(busybox):
        raise RuntimeError(f"{busybox} is dynamic: install busybox-static")
    for d in ("bin", "dev", "etc", "proc", "run", "sys", "tmp"):
        os.makedirs(os.path.join(root, d))
    os.chmod(os.path.join(root, "tmp"), 0o1777)
    shutil.copy(busybox, os.path.join(root, "bin", "busybox"))
    applets = subprocess.run([busybox, "--list"], check=True, capture_output=True, text=True).stdout.split()
    for applet in applets:
        if applet != "busybox":
            os.symlink("busybox", os.path.join(root, "bin", applet))


def _ldd(path):
    done = subprocess.run(["ldd", path], capture_output=True, text=True)
    return done.stdout + done.stderr


def _place(root, source, path):
    """Copies source to path under root, following symlinks (the loader's
    /lib64/ld-linux-x86-64.so.2 is one)."""
    target = os.path.join(root, path.lstrip("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy(os.path.realpath(source), target)


def _glibc_tree(root, probe):
    _busybox_tree(root)
    _place(root, probe, PROBE)
    libraries = re.findall(r"(/\S+) \(0x", _ldd(probe))
    if not libraries:
        raise RuntimeError(f"ldd lists no library for {probe}: {_ldd(probe).strip()}")
    for library in libraries:
        _place(root, library, library)


def _import(podman, tree, name, changes):
    tar = subprocess.Popen(["tar", "--numeric-owner", "-C", tree, "-c", "."], stdout=subprocess.PIPE)
    args = ["import"]
    for change in changes:
        args += ["--change", change]
    try:
        podman.run(*args, "-", name, stdin=tar.stdout, timeout=60)
    finally:
        tar.stdout.close()
        tar.wait()


def build_images(podman, tinyinit, probe):
    """Builds the four images in the scratch directory; raises on any failure."""
    for kind in KINDS:
        tree = os.path.join(podman.scratch, f"rootfs-{kind}")
        if kind == "busybox":
            _busybox_tree(tree)
        else:
            _glibc_tree(tree, probe)
        path = ["ENV PATH=/usr/local/bin:/bin"]
        _import(podman, tree, image_name(kind, "init"), path)
        _place(tree, tinyinit, TINYINIT)
        _import(podman, tree, image_name(kind, "entrypoint"),
                path + [f'ENTRYPOINT ["{TINYINIT}", "--"]'])
