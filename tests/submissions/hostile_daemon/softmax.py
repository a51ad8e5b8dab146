"""Hostile: at import, a double-forked daemon in a session of its own (out of the child's process
group) that waits @DELAY@ s, then rewrites @RESULTS@ and @CSV@ with full marks; it carries
@TOKEN@ on its command line. softmax_loss_naive itself is right."""
import os
import sys

import numpy as np

DAEMON = """
import json, sys, time
time.sleep(@DELAY@)
fake = json.dumps({"score": 1000, "tests": [{"name": "everything", "score": 1000, "max_score": 1000, "output": "faked"}]})
for path, text in ((@RESULTS@, fake), (@CSV@, "submission,score\\nanyone,1000\\n")):
    try:
        with open(path, "w") as f:
            f.write(text)
    except OSError:
        pass
time.sleep(60)
"""


def _daemon():
    if os.fork():
        return                      # the harness goes on
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        os.execv(sys.executable, [sys.executable, "-c", DAEMON, "@TOKEN@"])
    finally:
        os._exit(0)


_daemon()


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
