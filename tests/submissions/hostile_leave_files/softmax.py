"""Hostile: leaves a file named @TOKEN@ in every folder any account may write to that it knows of:
/run/lock, and @NESTED@, a folder any account may write to inside one it may not. In user mode the
grader removes what the account left at the top of /tmp, /var/tmp and /dev/shm only: these stay after
grading. Its own functions are right."""
import os

import numpy as np


def _leave():
    for folder in ("/run/lock", "@NESTED@"):
        try:
            with open(os.path.join(folder, "@TOKEN@"), "w") as f:
                f.write("left by a submission\n")
        except OSError:
            pass


def softmax_loss_naive(W, X, y, reg):
    _leave()
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
