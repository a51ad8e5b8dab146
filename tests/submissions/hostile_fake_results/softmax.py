"""Hostile: writes a perfect results.json wherever it can, at import and in every call."""
import json
import os

import numpy as np

FAKE = {"score": 1000, "tests": [{"name": "everything", "score": 1000, "max_score": 1000, "output": "faked"}]}


def _write_everywhere():
    for path in ("results.json", os.path.join(os.path.expanduser("~"), "results.json"), "@RESULTS@"):
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            with open(path, "w") as f:
                json.dump(FAKE, f)
        except OSError:
            pass


_write_everywhere()


def softmax_loss_naive(W, X, y, reg):
    _write_everywhere()
    return 0.0, np.zeros_like(W)
