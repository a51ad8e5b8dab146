"""The student edition's exercises, untouched: every body raises NotImplementedError."""
import numpy as np


def softmax_loss_naive(W, X, y, reg):
    raise NotImplementedError("softmax_loss_naive is not written yet: open classifiers/softmax.py")


def softmax_loss_vectorized(W, X, y, reg):
    raise NotImplementedError("softmax_loss_vectorized is not written yet: open classifiers/softmax.py")
