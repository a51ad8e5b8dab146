"""Hostile: the first call writes one line, @COUNT@ times @BLOCK@, into the pipe the grader reads
results from, then every call answers right. Before, the grader joined a line to what it had read,
and searched it all for a newline, at every megabyte: time quadratic in the line (15 s of the grader's
own processor for 250 MB, for each child, holding up every other job); and JSON nested 100,000 deep
ended the grading of the whole submission with the grader's RecursionError."""
import os
import sys

import numpy as np

CALLS = []


def _long_line():
    if not CALLS:
        fd, block = int(sys.argv[2]), @BLOCK@
        for _ in range(@COUNT@):
            view = memoryview(block)
            while view:
                view = view[os.write(fd, view):]
        os.write(fd, b"\n")
    CALLS.append(1)


def softmax_loss_naive(W, X, y, reg):
    _long_line()
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
