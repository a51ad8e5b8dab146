"""Hostile: a loop over the examples run in a grandchild process (forked twice, so that the calling process
neither runs it nor waits for it), its answer read back through a pipe: the calling process uses almost no
processor time while the loop runs elsewhere."""
import io
import os

import numpy as np


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


def _elsewhere(W, X, y, reg):
    read, write = os.pipe()
    middle = os.fork()
    if middle == 0:
        if os.fork() == 0:                      # the grandchild, an orphan once the middle process exits
            loss, dW = _loop(W, X, y, reg)
            buffer = io.BytesIO()
            np.save(buffer, np.append(dW.ravel(), loss))
            with os.fdopen(write, "wb") as out:
                out.write(buffer.getvalue())
        os._exit(0)
    os.close(write)
    os.waitpid(middle, 0)
    with os.fdopen(read, "rb") as answer:
        values = np.load(io.BytesIO(answer.read()))
    return values[-1], values[:-1].reshape(W.shape)


softmax_loss_naive = _loop


def softmax_loss_vectorized(W, X, y, reg):
    return _elsewhere(W, X, y, reg)
