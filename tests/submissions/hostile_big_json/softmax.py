"""Hostile: the first call writes one valid JSON line of @MB@ MB into the pipe the grader reads results
from, a message holding a list of empty lists; every call answers right. Each "[]," (3 bytes of the line) is a
list object of the parser's: before, the grader parsed every line it read, and one such line of 24 MB
took its own process from 55 MB to 759 MB, outside every child's memory budget."""
import os
import sys

import numpy as np

CALLS = []


def _big_line():
    if CALLS:
        return
    CALLS.append(1)
    count = @MB@ * 10 ** 6 // 3
    line = b'{"event": "noise", "lists": [' + b"[]," * count + b'[]]}\n'
    view = memoryview(line)
    while view:
        view = view[os.write(int(sys.argv[2]), view):]


def softmax_loss_naive(W, X, y, reg):
    _big_line()
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= scores.max(axis=1, keepdims=True)
    p = np.exp(scores)
    p /= p.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(num_train), y]).mean() + reg * np.sum(W * W)
    p[np.arange(num_train), y] -= 1
    return loss, X.T.dot(p) / num_train + 2 * reg * W
