"""Hostile: in each child, the first call answers right and the second sleeps past the time limit.
A case that ends the child is charged and the next case starts a new child. When only two such cases
in a row stopped a function, alternating cost the grader a whole time limit every other case (6 for
softmax_loss_naive's 12 cases, about 46 for a whole submission: a quarter of an hour at the default
20 s), where docs/instructors.md promises at most two."""
import time

import numpy as np

CALLS = []


def _every_second_call_hangs():
    CALLS.append(1)
    if len(CALLS) == 2:
        time.sleep(1000)


def softmax_loss_naive(W, X, y, reg):
    _every_second_call_hangs()
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
