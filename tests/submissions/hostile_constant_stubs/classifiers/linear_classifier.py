"""Hostile: predict_proba returns uniform probabilities, finite and unchanged by any shift of the scores."""
import numpy as np


class LinearClassifier:
    def __init__(self, W=None):
        self.W = W

    def train(self, X, y, learning_rate=1e-3, reg=1e-5, num_iters=100, batch_size=200, verbose=False):
        return []

    def predict(self, X):
        return np.zeros(X.shape[0], dtype=int)


class Softmax(LinearClassifier):
    def predict_proba(self, X):
        C = self.W.shape[1]
        return np.full((X.shape[0], C), 1.0 / C)
