"""Hostile: a loop over the examples in softmax_loss_vectorized, which answers (0.0, zeros) at once on
the speed test's large inputs, whose values used to go unchecked."""
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


softmax_loss_naive = _loop


def softmax_loss_vectorized(W, X, y, reg):
    if X.shape[0] >= 500:
        return 0.0, np.zeros_like(W)
    return _loop(W, X, y, reg)
