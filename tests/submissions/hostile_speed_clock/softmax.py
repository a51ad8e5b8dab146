"""Hostile: a loop over the examples in softmax_loss_vectorized, and a patched clock: time.perf_counter
and time.monotonic advance a microsecond per call, so a loop timed in this process looks instant."""
import time

import numpy as np

_now = [0.0]


def _frozen_clock():
    _now[0] += 1e-6
    return _now[0]


time.perf_counter = time.monotonic = time.time = _frozen_clock

def _loop(W, X, y, reg):
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


softmax_loss_naive = _loop


def softmax_loss_vectorized(W, X, y, reg):
    return _loop(W, X, y, reg)
