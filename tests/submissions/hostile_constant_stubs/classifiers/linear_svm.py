"""Hostile: both SVM losses compute nothing and return (0.0, zeros of W's shape)."""
import numpy as np


def svm_loss_naive(W, X, y, reg):
    return 0.0, np.zeros_like(W)


def svm_loss_vectorized(W, X, y, reg):
    return 0.0, np.zeros_like(W)
