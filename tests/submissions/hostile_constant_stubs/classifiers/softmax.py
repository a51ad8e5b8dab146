"""Hostile: both softmax losses compute nothing and return (0.0, zeros of W's shape); before, they were
credited "inputs unmodified" and "scalar loss and dW of W's shape"."""
import numpy as np


def softmax_loss_naive(W, X, y, reg):
    return 0.0, np.zeros_like(W)


def softmax_loss_vectorized(W, X, y, reg):
    return 0.0, np.zeros_like(W)
