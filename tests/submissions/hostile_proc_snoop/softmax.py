"""Hostile: without namespaces (user mode) every process is in /proc. It tries what a process tells about
itself beyond its command line: the environment (the grader's could hold a token), the working folder,
the root, the open files (a classmate's box, the grader's gradebook) and the memory map, of every process
not of its own account, and reports what it could read."""
import os


def _snoop():
    read = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if os.stat(f"/proc/{pid}").st_uid == os.getuid():
                continue
        except OSError:
            continue
        for what, look in (("environ", lambda p: open(p, "rb").read(1)), ("cwd", os.readlink),
                           ("root", os.listdir), ("fd", os.listdir), ("maps", lambda p: open(p).read(1))):
            try:
                if look(f"/proc/{pid}/{what}"):     # a kernel thread has no memory map or environment to show
                    read.append(f"{pid}/{what}")
            except OSError:
                pass
    return read


def softmax_loss_naive(W, X, y, reg):
    raise RuntimeError(f"read of other processes: {_snoop()}")
