"""Hostile: a loop over the examples that answers the timed calls from a table made at import. The
grader drew every input from a seed made of the submission's sha256 and the exercise: the child can read
its own file, so it computed the seed, drew the five timed rounds with the edition's own case generator,
and computed their answers before any was timed. Before the timed rounds were drawn from fresh
randomness, this got the speed point at 0.8 baselines (the same loop without the table: 62)."""
import hashlib
import zlib

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


def _table():
    from assignment_checks.exercises import by_name
    with open(__file__, "rb") as f:
        own = f.read()
    h = hashlib.sha256()
    h.update(b"classifiers/softmax.py" + b"\0" + hashlib.sha256(own).digest())
    digest = h.digest()
    exercise = by_name("softmax_loss_vectorized")
    table = {}
    for r in range(5):
        rng = np.random.default_rng([int.from_bytes(digest[:8], "little"), zlib.crc32(exercise.key.encode())]
                                    + ([r] if r else []))
        for case in exercise.cases(rng, False):
            if case.options.get("timed"):
                i = case.inputs
                table[hashlib.sha256(np.ascontiguousarray(i["X"]).tobytes()).hexdigest()] = _loop(
                    i["W"], i["X"], i["y"], i["reg"])
    return table


TABLE = _table()


def softmax_loss_naive(W, X, y, reg):
    return _loop(W, X, y, reg)


def softmax_loss_vectorized(W, X, y, reg):
    known = TABLE.get(hashlib.sha256(np.ascontiguousarray(X).tobytes()).hexdigest())
    if known is not None:
        return known[0], known[1].copy()
    return _loop(W, X, y, reg)
