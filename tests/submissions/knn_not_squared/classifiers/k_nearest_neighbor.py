import numpy as np


class KNearestNeighbor:
    def train(self, X, y):
        self.X_train, self.y_train = X, y

    def compute_distances_two_loops(self, X):
        dists = np.zeros((X.shape[0], self.X_train.shape[0]))
        for i in range(X.shape[0]):
            for j in range(self.X_train.shape[0]):
                dists[i, j] = np.sqrt(np.sum(X[i] - self.X_train[j]))  # bug: the differences not squared
        return dists
