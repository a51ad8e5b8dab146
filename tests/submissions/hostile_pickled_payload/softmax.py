"""Hostile: returns object arrays whose unpickling would run a command that writes @MARKER@."""
import os

import numpy as np


class Payload:
    def __reduce__(self):
        return (os.system, ("touch @MARKER@",))


def softmax_loss_naive(W, X, y, reg):
    return np.array([Payload()], dtype=object), np.array([Payload()], dtype=object)
