"""Hostile: each call writes @COUNT@ files of 900 KB, each under the per-file limit, into its working
folder and then the temporary folder and /dev/shm; then answers right."""
import os
import tempfile

import numpy as np


def _fill_disk():
    chunk = b"x" * 900_000
    for folder in (os.getcwd(), tempfile.gettempdir(), "/tmp", "/dev/shm"):
        for k in range(@COUNT@):
            try:
                with open(os.path.join(folder, f"fill-@TOKEN@-{k}"), "wb") as f:
                    f.write(chunk)
            except OSError:
                break


def softmax_loss_naive(W, X, y, reg):
    _fill_disk()
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
