import numpy as np


class KNearestNeighbor:
    def train(self, X, y):
        self.X_train, self.y_train = X, y

    def predict_labels(self, dists, k=1):
        y_pred = np.zeros(dists.shape[0])
        for i in range(dists.shape[0]):
            counts = np.bincount(self.y_train[np.argsort(dists[i])[:k]])
            y_pred[i] = len(counts) - 1 - np.argmax(counts[::-1])  # bug: a tie goes to the larger label
        return y_pred
