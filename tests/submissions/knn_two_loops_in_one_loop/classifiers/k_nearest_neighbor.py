import numpy as np


class KNearestNeighbor:
    def train(self, X, y):
        self.X_train, self.y_train = X, y

    def compute_distances_one_loop(self, X):
        dists = np.zeros((X.shape[0], self.X_train.shape[0]))
        for i in range(X.shape[0]):
            for j in range(self.X_train.shape[0]):  # bug: a second loop
                dists[i, j] = np.sqrt(np.sum((X[i] - self.X_train[j]) ** 2))
        return dists
