"""Hostile: each call forks sleeping processes until a fork fails; past @MOST@ it gives up and raises
(the process budget did not hold). Otherwise it answers right."""
import os
import time

import numpy as np


def _fork_bomb():
    for count in range(@MOST@):
        try:
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
        except OSError:
            return
    raise RuntimeError(f"forked @MOST@ processes: no process budget")


def softmax_loss_naive(W, X, y, reg):
    _fork_bomb()
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
