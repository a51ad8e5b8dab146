"""Hostile: writes @TOKEN@ wherever it can outside its own folder: beside the harness it runs from
(the grader's instructor/ in a checkout, /autograder/source on Gradescope) and into harness.py
itself, so later children fail, into @OUTSIDE@, the temporary folder, /dev/shm and root's home.
Its own functions are right."""
import os

import numpy as np

TARGETS = [os.path.join(os.path.dirname(os.path.abspath(__import__("sys").argv[0])), "@TOKEN@"),
           os.path.join("@OUTSIDE@", "@TOKEN@"), "/tmp/@TOKEN@", "/dev/shm/@TOKEN@",
           os.path.join(os.path.expanduser("~root"), "@TOKEN@")]


def _write_everywhere():
    for path in TARGETS:
        try:
            with open(path, "w") as f:
                f.write("written by a submission\n")
        except OSError:
            pass
    try:
        with open(os.path.abspath(__import__("sys").argv[0]), "a") as f:
            f.write("\nraise SystemExit('the harness was edited by a submission')  # @TOKEN@\n")
    except OSError:
        pass


_write_everywhere()


def softmax_loss_naive(W, X, y, reg):
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
