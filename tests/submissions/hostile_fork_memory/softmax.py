"""Hostile: each call forks @FORKS@ processes that each fill @MB@ MB and wait, each under the
per-process memory limit, all of them together far past it; once they hold it, answers right."""
import os
import select
import time

import numpy as np


def _hold_memory():
    ready, done = os.pipe()
    for _ in range(@FORKS@):
        try:
            if os.fork() == 0:
                block = np.ones(@MB@ * 10 ** 6 // 8)      # every page written: resident
                os.write(done, b"x")
                time.sleep(5 + 0 * block[0])
                os._exit(0)
        except OSError:
            break
    held, end = 0, time.time() + 5
    while held < @FORKS@ and select.select([ready], [], [], max(0.0, end - time.time()))[0]:
        held += len(os.read(ready, 100))


def softmax_loss_naive(W, X, y, reg):
    _hold_memory()
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
