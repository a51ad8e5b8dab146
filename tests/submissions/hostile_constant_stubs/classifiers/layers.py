"""Hostile: the layers' losses compute nothing; before, softmax_loss was credited its stability (finite
values for large scores)."""
import numpy as np


def softmax_loss(x, y):
    return 0.0, np.zeros_like(x)


def svm_loss(x, y):
    return 0.0, np.zeros_like(x)
