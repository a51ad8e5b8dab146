"""Hostile: a loop over the examples in softmax_loss_vectorized, and the speed test's reference slowed
down wherever this process can reach it (the harness's reference_softmax and reference_svm)."""
import sys
import time

import numpy as np


def _slowed(reference):
    def slow(*args):
        time.sleep(0.5)
        return reference(*args)
    return slow


_main = sys.modules.get("__main__")
for _name in ("reference_softmax", "reference_svm"):
    if hasattr(_main, _name):
        setattr(_main, _name, _slowed(getattr(_main, _name)))

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
