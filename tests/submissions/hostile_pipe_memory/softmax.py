"""Hostile: the first call forks @FORKS@ processes that each fill pipes until they may open no more
descriptors (no process reads them: the kernel holds the data, which is in no process's proportional
set size); then every call answers right if they held @MB@ MB together, and raises otherwise. Past the
account's first 64 MB, a pipe holds 8 KB: before the child's descriptors were limited, 8 processes held about
500 MB under a 300 MB budget here (10,000 pipes each, of a limit of 20,000 descriptors; where the limit
is a million, 64 processes could hold hundreds of gigabytes)."""
import os
import resource
import time

import numpy as np

HELD = []


def _hold():
    if not HELD:
        _fill()
    if HELD[0] < @MB@ * 10 ** 6:
        raise MemoryError(f"the pipes held only {HELD[0] / 10 ** 6:.0f} MB")


def _fill():
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    report, told = os.pipe()
    for _ in range(@FORKS@):
        if os.fork() == 0:
            held = 0
            try:
                while True:
                    _, write = os.pipe()
                    os.set_blocking(write, False)
                    try:
                        while True:
                            held += os.write(write, b"x" * 65536)
                    except BlockingIOError:
                        pass
            except OSError:         # no more descriptors
                pass
            os.write(told, f"{held}\n".encode())
            time.sleep(60)
            os._exit(0)
    os.close(told)
    data = b""
    while data.count(b"\n") < @FORKS@:
        chunk = os.read(report, 1000)
        if not chunk:
            break
        data += chunk
    HELD.append(sum(int(n) for n in data.split()))
    time.sleep(1)           # held while the watchdog looks


def softmax_loss_naive(W, X, y, reg):
    _hold()
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
